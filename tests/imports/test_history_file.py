"""Sales history in a Parquet file or DuckDB database beside the workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from small_company import frames

from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.base.errors import ValidationError
from sop_xl.cli.main import main


def weekly(history: pd.DataFrame) -> pd.DataFrame:
    """Each month's quantities as weeks: all of it in the week starting the month's first
    Monday (so every week lies inside its month and the months add back exactly)."""
    first = pd.PeriodIndex(history["month"], freq="M").to_timestamp()
    monday = first + pd.to_timedelta((7 - first.day_of_week) % 7, unit="D")
    return history.drop(columns="month").assign(week=monday.date)


def master_with_file(tmp_path: Path, name: str, setting: str | None = None) -> Path:
    f, s = frames()
    return write_master(tmp_path / name, {**f, "sales_history": None},
                        {**s, "history_file": setting or ""})


def test_weekly_parquet_is_aggregated_to_the_months(tmp_path: Path) -> None:
    f, _ = frames()
    weekly(f["sales_history"]).to_parquet(tmp_path / "history.parquet")
    path = master_with_file(tmp_path, "m.xlsx", "history.parquet")
    h = MasterWorkbook.open(path).read_inputs().sales_history
    got = h.set_index(["item", "month"])["shipped_qty"].sort_index()
    want = f["sales_history"].set_index(["item", "month"])["shipped_qty"].sort_index()
    pd.testing.assert_series_equal(got, want, check_names=False)
    assert h["_row"].min() == 1


def test_a_week_across_a_month_end_is_split_by_working_days(tmp_path: Path) -> None:
    # Monday 2026-06-29: Mon 29 and Tue 30 June, Wed 1 … Fri 3 July are its working days
    # (Mon-Fri), so 10 pieces are 4 in June and 6 in July
    f, _ = frames()
    h = f["sales_history"]
    keep = h[h["month"] < pd.Period("2026-06", "M")]
    rows = [weekly(keep), pd.DataFrame({
        "item": ["A"], "department": ["Domestic Sales"], "channel": ["direct"],
        "ordered_qty": [10.0], "shipped_qty": [10.0], "week": [date(2026, 6, 29)]})]
    for m in pd.period_range("2026-07", "2026-11", freq="M"):  # no month missing after
        rows.append(weekly(h[h["month"] == m]))
    pd.concat(rows).to_parquet(tmp_path / "h.parquet")
    path = master_with_file(tmp_path, "m.xlsx", "h.parquet")
    got = MasterWorkbook.open(path).read_inputs().sales_history
    a = got[(got["item"] == "A")].set_index("month")["shipped_qty"]
    assert a[pd.Period("2026-06", "M")] == pytest.approx(4.0)
    july = h[(h["item"] == "A") & (h["month"] == pd.Period("2026-07", "M"))]["shipped_qty"]
    assert a[pd.Period("2026-07", "M")] == pytest.approx(6.0 + float(july.iloc[0]))


def test_duckdb_database_and_every_bad_row_named(tmp_path: Path) -> None:
    f, _ = frames()
    h = f["sales_history"].assign(month=lambda d: d["month"].dt.to_timestamp().dt.date)
    h.loc[3, "shipped_qty"] = -2.0
    h.loc[7, "item"] = None
    con = duckdb.connect(str(tmp_path / "hist.duckdb"))
    con.execute("CREATE TABLE sales_history AS SELECT * FROM h")
    con.close()
    path = master_with_file(tmp_path, "m.xlsx", "hist.duckdb")
    with pytest.raises(ValidationError) as exc:
        MasterWorkbook.open(path).read_inputs()
    text = exc.value.render("en")
    assert "hist.duckdb row 4 (shipped_qty): -2 is below the minimum 0" in text
    assert "hist.duckdb row 8 (item): is blank" in text


def test_unknown_items_in_the_file_and_both_sources_at_once(tmp_path: Path) -> None:
    f, s = frames()
    h = f["sales_history"].assign(month=lambda d: d["month"].dt.to_timestamp().dt.date)
    h.loc[0, "item"] = "GHOST"
    h.to_parquet(tmp_path / "h.parquet")
    path = master_with_file(tmp_path, "m.xlsx", "h.parquet")
    with pytest.raises(ValidationError, match=r"h\.parquet row 1 \(item\): 'GHOST' is not "
                       r"in Items"):
        MasterWorkbook.open(path).read_inputs()
    both = write_master(tmp_path / "both.xlsx", f, {**s, "history_file": "h.parquet"})
    with pytest.raises(ValidationError, match=r"holds 48 rows while Settings names the sales "
                       r"history file h\.parquet"):
        MasterWorkbook.open(both).read_inputs()


def test_missing_file_and_text_quantities(tmp_path: Path) -> None:
    path = master_with_file(tmp_path, "m.xlsx", "nowhere.parquet")
    with pytest.raises(ValidationError, match=r"Settings \(Sales history file\): "
                       r"'nowhere.parquet': .*nowhere.parquet does not exist"):
        MasterWorkbook.open(path).read_inputs()
    f, _ = frames()
    h = f["sales_history"].assign(month=lambda d: d["month"].astype(str),
                                  shipped_qty=lambda d: d["shipped_qty"].astype(str))
    h.to_parquet(tmp_path / "nowhere.parquet")
    with pytest.raises(ValidationError, match=r"nowhere.parquet \(shipped_qty\): column "
                       r"'shipped_qty' holds VARCHAR; expected numbers"):
        MasterWorkbook.open(path).read_inputs()


def test_run_shows_the_history_it_planned_from(tmp_path: Path) -> None:
    f, _ = frames()
    weekly(f["sales_history"]).to_parquet(tmp_path / "history.parquet")
    path = master_with_file(tmp_path, "m.xlsx", "history.parquet")
    assert main(["forecast", str(path), "--quiet"]) == 0
    book = MasterWorkbook.open(path)
    raw = book.backend.read_sheet("HistoryUsed")
    header = raw.rows[0]
    assert header[:5] == ["Item", "Department", "Channel", "Measure", "Total (pcs)"]
    assert header[5] == "2024-12" and header[-1] == "2026-11"
    a = next(r for r in raw.rows[1:] if r[0] == "A" and r[3] == "Shipped")
    want = f["sales_history"].query("item == 'A'")["shipped_qty"].to_numpy()
    assert np.allclose(a[5:], want) and a[4] == pytest.approx(want.sum())


def test_import_puts_a_history_file_in_place(tmp_path: Path, exports: Path) -> None:
    """The SAP billing export imported into a workbook whose history lives in a file: the
    monthly rows go to the file, checked, and the workbook's sheet stays empty."""
    import shutil

    from .conftest import DEMO
    master = tmp_path / "m.xlsx"
    shutil.copyfile(DEMO, master)
    book = MasterWorkbook.open(master)
    # the demo master with SalesHistory emptied and Settings naming a DuckDB file
    from sop_xl.demo import build_demo
    c = build_demo()
    write_master(master, {**c.frames, "sales_history": None},
                 {**c.settings, "history_file": "sales.duckdb"}, force=True)
    assert main(["import", str(master), "--from", str(exports / "sap" / "VF05_billing.txt"),
                 "--profile", "sap", "--quiet"]) == 0
    book = MasterWorkbook.open(master)
    h = book.read_inputs().sales_history
    assert len(h) == 4925 and h["_row"].min() == 1
    assert (tmp_path / "sales.duckdb").is_file()
    log = book.read_output_table("import_log")
    assert log["sheet"].tolist() == ["sales.duckdb"]


def test_import_refuses_history_for_the_file_while_the_sheet_holds_rows(
        tmp_path: Path, exports: Path, capsys) -> None:
    from sop_xl.demo import build_demo
    c = build_demo()
    master = write_master(tmp_path / "m.xlsx", c.frames,
                          {**c.settings, "history_file": "sales.parquet"})
    before = master.read_bytes()
    assert main(["import", str(master), "--from", str(exports / "sap" / "VF05_billing.txt"),
                 "--profile", "sap", "--quiet"]) == 4
    assert "SalesHistory: holds 4,925 rows while Settings names the sales history file " \
        "sales.parquet" in capsys.readouterr().err
    assert master.read_bytes() == before and not (tmp_path / "sales.parquet").exists()
