"""`sop-xl import` from a database through SQLAlchemy: SQLite, and a real PostgreSQL.

The shipped ``database`` profile's queries read tables made from the demo company; the
import must give back the demo's frames, and a bad row is named by query and row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sop_xl.app.master import MasterWorkbook
from sop_xl.cli.main import main
from sop_xl.demo import build_demo

from .frames import differing

SHEETS = ("items", "bom", "stock", "contracts", "scheduled_receipts", "sales_history")


def _first_day(p: pd.Series) -> pd.Series:
    return pd.PeriodIndex(p, freq="M").to_timestamp().to_series().dt.date.to_numpy()


def load_demo(url: str) -> dict[str, pd.DataFrame]:
    """The demo's ERP data in the tables database.toml reads."""
    import sqlalchemy as sa
    f = build_demo().frames
    it = f["items"]
    rec = f["scheduled_receipts"]
    con, hist = f["contracts"], f["sales_history"]
    tables = {
        "material_master": it[["item", "description", "item_type", "family", "unit_cost",
                               "price", "lead_time_days", "lot_rule", "safety_stock",
                               "supplier"]].rename(columns={"item": "material"}),
        "bom_lines": f["bom"][["parent", "component", "qty_per", "scrap_pct"]],
        "stock": f["stock"][["item", "warehouse", "on_hand"]],
        "open_orders": pd.DataFrame({"order_no": rec["order"], "order_type": rec["order_type"],
                                     "item": rec["item"], "open_qty": rec["qty"],
                                     "due_date": rec["due_date"], "supplier": rec["supplier"]}),
        "open_sales_orders": con.assign(due_month=_first_day(con["due_month"])),
        "sales_by_month": hist.assign(month=_first_day(hist["month"])),
    }
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for name, frame in tables.items():
            frame.to_sql(name, conn, index=False, if_exists="replace")
        if engine.dialect.name == "postgresql":  # quantities as NUMERIC: Decimal values
            conn.execute(sa.text("ALTER TABLE stock ALTER COLUMN on_hand TYPE numeric(15, 3)"))
    engine.dispose()
    return f


def _round_trip(url: str, master: Path) -> None:
    frames = load_demo(url)
    assert main(["import", str(master), "--from", url, "--profile", "database",
                 "--quiet"]) == 0
    inputs = MasterWorkbook.open(master).read_inputs()
    for key in SHEETS:
        assert differing(getattr(inputs, key), frames[key], key) == [], key
    log = MasterWorkbook.open(master).read_output_table("import_log")
    assert len(log) == 6 and "password" not in " ".join(log["source"])


def test_sqlite_round_trip(tmp_path: Path, demo_copy: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'erp.db'}", demo_copy)


def test_postgresql_round_trip(postgres: str, demo_copy: Path) -> None:
    _round_trip(postgres, demo_copy)


def test_postgresql_bad_rows_named_by_query_and_row(postgres: str, demo_copy: Path,
                                                    tmp_path: Path, capsys) -> None:
    import sqlalchemy as sa
    load_demo(postgres)
    engine = sa.create_engine(postgres)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE stock SET on_hand = -5 WHERE item = 'FG-P110'"))
    engine.dispose()
    profile = tmp_path / "mine.toml"
    profile.write_text('name = "mine"\n[[report]]\nname = "stock"\nsheet = "stock"\n'
                       'query = "SELECT item, warehouse, on_hand FROM stock ORDER BY item"\n',
                       encoding="utf-8")
    before = demo_copy.read_bytes()
    assert main(["import", str(demo_copy), "--from", postgres, "--profile", str(profile),
                 "--quiet"]) == 4
    err = capsys.readouterr().err
    rows = pd.read_sql("SELECT item FROM stock ORDER BY item",
                       sa.create_engine(postgres))["item"].tolist()
    row = rows.index("FG-P110") + 1
    assert (f"[postgresql+psycopg://postgres@127.0.0.1:{postgres.split(':')[-1].split('/')[0]}"
            f"/erp] query stock row {row} (on_hand): -5 is below the minimum 0") in err
    assert demo_copy.read_bytes() == before


def test_unreachable_database_is_one_clear_line(demo_copy: Path, capsys) -> None:
    code = main(["import", str(demo_copy), "--from",
                 "postgresql+psycopg://nobody:secret@127.0.0.1:1/erp", "--profile",
                 "database", "--quiet"])
    err = capsys.readouterr().err
    assert code == 3
    assert "cannot connect to postgresql+psycopg://nobody:***@127.0.0.1:1/erp" in err
    assert "secret" not in err


def test_a_failing_query_names_the_report(demo_copy: Path, capsys) -> None:
    url = "sqlite:///:memory:"
    assert main(["import", str(demo_copy), "--from", url, "--profile", "database",
                 "--quiet"]) == 3
    err = capsys.readouterr().err
    assert "query 'items' failed on sqlite:///" in err and "no such table: material_master" in err
