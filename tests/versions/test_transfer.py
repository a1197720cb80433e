"""Transfer of the active version to demand management, in real workbook files.

The company (version_fixtures): demand plan A = 100, 90, 110, ...; B = 40, 100, 40, ...
Contract C1 (A, due 2026-12) ordered 30, 10 already shipped; C2 (B, due 2027-01) 100.
Planned sales transferred = demand plan + shipped: A = 110, 90, 110, 95, 100, 105.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from version_fixtures import DEMAND_B, MONTH, book, company, write_input

from sop_xl.app import transfer as tr
from sop_xl.app import versions as pv
from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.template import write_master
from sop_xl.base.errors import VersionError
from sop_xl.cli import main as cli

PLAN_A = [110.0, 90.0, 110.0, 95.0, 100.0, 105.0]


def _ready(path: Path) -> None:
    pv.approve(book(path), "001", by="Zhao Min")
    pv.activate(book(path), "001", by="Zhao Min")


def _by_item(frame: pd.DataFrame, item: str, col: str) -> list[float]:
    return frame[frame["item"] == item][col].tolist()


def test_refused_without_an_active_approved_version(master: Path):
    with pytest.raises(VersionError) as e:
        tr.transfer(book(master))
    assert e.value.code == "no_active_version"
    pv.activate(book(master), "001")
    with pytest.raises(VersionError) as e:
        tr.transfer(book(master))
    assert e.value.code == "transfer_not_approved"
    assert "(a copy of 001) is draft" in str(e.value)
    assert "sop-xl version approve WORKBOOK 001" in str(e.value)
    pv.approve(book(master), "001")
    with pytest.raises(VersionError, match="only the active version 000"):
        tr.transfer(book(master), version="001")
    with pytest.raises(VersionError, match="applies to a sales plan"):
        tr.transfer(book(master), plan_type="production", deduct=True)
    with pytest.raises(VersionError, match=r"outside 1\.\.6"):
        tr.transfer(book(master), periods=7)
    assert book(master).read_output_table("transfer_log").empty


def test_transfer_without_deduction_sends_planned_sales(master: Path):
    _ready(master)
    r = tr.transfer(book(master), user="Li Na")
    f = r.requirements
    assert _by_item(f, "A", "requirement") == PLAN_A
    assert _by_item(f, "B", "requirement") == DEMAND_B
    assert _by_item(f, "A", "consumed_qty") == [0.0] * 6
    assert r.export == master.with_name("master_PIR_T0001.csv")
    with r.export.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == tr.EXPORT_COLUMNS
    assert rows[0] == {"transfer_id": "T0001", "version": "001", "plan_type": "sales",
                       "level": "item", "item": "A", "uom": "pcs", "period": "2026-12",
                       "req_date": "2026-12-01", "quantity": "110.0"}
    assert len(rows) == 12
    dm = book(master).read_output_table("demand_management")
    assert _by_item(dm, "A", "requirement") == PLAN_A
    assert dm["plan_type"].unique().tolist() == ["sales"]


def test_transfer_with_consumption_worked_by_hand(master: Path):
    _ready(master)
    f, _ = company()
    c3 = pd.DataFrame([["C3", "large", "New Co", "Domestic Sales", "A", 120.0, 0.0,
                        pd.Period("2027-01", "M"), None]], columns=f["contracts"].columns)
    write_input(master, "contracts", pd.concat([f["contracts"], c3], ignore_index=True))
    # A: plan 110, 90, 110; orders C1 30 (2026-12) and the new C3 120 (2027-01).
    #    2026-12: 110 − 30 = 80.  2027-01: 90 − 90 = 0, 30 left, one period back: 80 − 30.
    # B: plan 40, 100, 40; C2 100 in 2027-01 consumes it all.
    r = tr.transfer(book(master), periods=3, deduct=True, backward=1)
    f = r.requirements
    assert _by_item(f, "A", "consumed_qty") == [60.0, 90.0, 0.0]
    assert _by_item(f, "A", "requirement") == [50.0, 0.0, 110.0]
    assert _by_item(f, "B", "requirement") == [40.0, 0.0, 40.0]
    row = r.log_row
    assert (row["plan_qty"], row["consumed_qty"], row["transferred_qty"]) == \
        (490.0, 250.0, 240.0)
    assert row["transferred_value"] == (50 + 110) * 150.0 + (40 + 40) * 280.0
    assert (row["unconsumed_qty"], row["first_period"], row["last_period"]) == \
        (0.0, "2026-12", "2027-02")
    # forward instead: C3's 30 come out of 2027-02 (110 − 30 = 80)
    r = tr.transfer(book(master), periods=3, deduct=True, forward=1)
    assert _by_item(r.requirements, "A", "requirement") == [80.0, 0.0, 80.0]
    # no window: 30 pcs of C3 find no plan
    r = tr.transfer(book(master), periods=3, deduct=True, plan_type="sales")
    assert r.log_row["unconsumed_qty"] == 30.0


def test_every_transfer_is_logged_and_can_be_queried(master: Path, capsys):
    _ready(master)
    tr.transfer(book(master), user="Li Na")
    tr.transfer(book(master), periods=2, deduct=True, backward=1, user="Wang Fang")
    tr.transfer(book(master), plan_type="production", user="Li Na",
                export=master.parent / "out" / "pir.xlsx")
    log = book(master).read_output_table("transfer_log")
    assert log["transfer_id"].tolist() == ["T0001", "T0002", "T0003"]
    assert log["user"].tolist() == ["Li Na", "Wang Fang", "Li Na"]
    assert log["version"].tolist() == ["000"] * 3 and log["source"].tolist() == ["001"] * 3
    assert log["periods"].tolist() == [6, 2, 6]
    assert log["deduct_consumed"].tolist() == [False, True, False]
    # 6 periods of A and B planned sales; 2 periods with C1 (30) and C2 (100) consumed
    assert log["transferred_qty"].tolist()[:2] == [sum(PLAN_A) + sum(DEMAND_B),
                                                   110 + 90 + 40 + 100 - 130]
    assert log["export"].tolist() == ["master_PIR_T0001.csv", "master_PIR_T0002.csv",
                                      "pir.xlsx"]
    snap = pv.read_tab(book(master).backend, "V000 2026-12").snapshot
    production = snap[(snap["section"] == "mps") & (snap["measure"] == "production")]
    assert log["transferred_qty"].iloc[2] == pytest.approx(production["qty"].sum())
    x = CalamineWorkbook.from_path(str(master.parent / "out" / "pir.xlsx"))
    rows = x.get_sheet_by_name("PIR").to_python()
    assert rows[0] == tr.EXPORT_COLUMNS and len(rows) == len(production) + 1
    assert len(tr.read_log(book(master), user="li na")) == 2
    assert tr.read_log(book(master), plan_type="production")["transfer_id"].tolist() == \
        ["T0003"]
    assert len(tr.read_log(book(master), source="1")) == 3
    assert tr.read_log(book(master), since="2999-01-01").empty
    assert cli.main(["transfer", "log", str(master), "--user", "Wang Fang"]) == 0
    out = capsys.readouterr().out
    assert "T0002" in out and "T0001" not in out
    runs = book(master).read_output_table("run_log")
    assert runs["command"].tolist()[-3:] == ["transfer"] * 3


def test_nothing_is_exported_if_the_workbook_cannot_be_written(master: Path, monkeypatch):
    _ready(master)
    b = book(master)

    def fail(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(b, "write", fail)
    with pytest.raises(OSError):
        tr.transfer(b)
    # (earlier saves keep their backups in .sop_xl_backups beside the workbook)
    assert sorted(p.name for p in master.parent.iterdir()
                  if p.name != ".sop_xl_backups") == ["master.xlsx"]


def test_cli_refuses_an_unapproved_active_version(master: Path, capsys):
    pv.activate(book(master), "001")
    assert cli.main(["transfer", "run", str(master)]) == 6
    assert "only an approved version can be transferred" in capsys.readouterr().err


def test_chinese_workbook_round_trip(tmp_path: Path):
    f, s = company()
    path = write_master(tmp_path / "主计划.xlsx", f, s, lang="zh-CN")
    run_steps(book(path), CYCLE)
    _ready(path)
    r = tr.transfer(book(path), periods=1)
    names = book(path).backend.sheet_names()
    assert {"版本", "需求管理", "传递日志", "V001 2026-12", "V000 2026-12"} <= set(names)
    assert _by_item(book(path).read_output_table("demand_management"), "A", "requirement") \
        == [110.0]
    assert r.log_row["planning_month"] == MONTH
    reg = pv.read_register(book(path))
    assert reg["status"].tolist() == ["approved", "approved"]  # stored as codes, shown 已批准
    with pytest.raises(VersionError, match="只有激活版本 000"):
        tr.transfer(book(path), version="001")


def test_family_level_transfer_worked_by_hand(master: Path):
    """Settings "Transfer level" = Families: one requirement per family (product group)
    and period; the orders of its items consume the family's plan."""
    _ready(master)
    f, _ = company()
    c3 = pd.DataFrame([["C3", "large", "New Co", "Domestic Sales", "A", 120.0, 0.0,
                        pd.Period("2027-01", "M"), None]], columns=f["contracts"].columns)
    write_input(master, "contracts", pd.concat([f["contracts"], c3], ignore_index=True))
    settings = book(master).read_settings()
    assert settings.transfer_level == "item"
    # Pumps = A + B: planned sales 110 + 40, 90 + 100, 110 + 40 = 150, 190, 150.
    # Orders of Pumps: 2026-12 C1 30; 2027-01 C2 100 + C3 120 = 220.
    #   2026-12: 150 − 30 = 120. 2027-01: 190 − 190 = 0, 30 left, one back: 120 − 30 = 90.
    # (item by item A's C3 could not take B's plan: A 50, 0, 110 and B 40, 0, 40 = 90, 0, 150
    # here too, but B's 100 of 2027-01 now also serves A's order)
    r = tr.transfer(book(master), periods=3, deduct=True, backward=1, level="family")
    g = r.requirements
    assert g["item"].unique().tolist() == ["Pumps"] and g["level"].unique().tolist() == \
        ["family"]
    assert g["plan_qty"].tolist() == [150.0, 190.0, 150.0]
    assert g["consumed_qty"].tolist() == [60.0, 190.0, 0.0]
    assert g["requirement"].tolist() == [90.0, 0.0, 150.0]
    # valued at the family's price per piece over the version: A 610 × 150, B 300 × 280
    assert r.log_row["transferred_value"] == pytest.approx(240 * (610 * 150 + 300 * 280) / 910,
                                                           abs=0.01)
    assert (r.log_row["level"], r.log_row["items"]) == ("family", 1)
    with r.export.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(x["level"], x["item"], x["period"], x["quantity"]) for x in rows] == [
        ("family", "Pumps", "2026-12", "90.0"), ("family", "Pumps", "2027-01", "0.0"),
        ("family", "Pumps", "2027-02", "150.0")]
    dm = book(master).read_output_table("demand_management")
    assert dm["description"].tolist() == ["Product family Pumps"] * 3
    # production at family level: the MPS of A and B summed per period
    snap = pv.read_tab(book(master).backend, "V000 2026-12").snapshot
    mps = snap[(snap["section"] == "mps") & (snap["measure"] == "production")]
    p = tr.transfer(book(master), plan_type="production", level="family").requirements
    assert p.set_index("period")["requirement"].to_dict() == \
        mps.groupby("period")["qty"].sum()[lambda x: x != 0].to_dict()
    with pytest.raises(VersionError, match="level group is not one of item, family"):
        tr.transfer(book(master), level="group")
    # the CLI takes Settings' level when --level is not given
    assert cli.main(["transfer", "run", str(master), "--level", "family",
                     "--periods", "1"]) == 0


def test_family_production_sent_is_the_decided_family_volume():
    """With a family strategy the version keeps the family production decided; the
    transfer at family level sends it, not the items' MPS (which frozen cells may move)."""
    from sop_xl.plan.transfer import requirements
    from sop_xl.plan.versions import settings_rows

    rows = [settings_rows({"planning_month": "2026-12", "bucket": "month", "horizon": 2})]
    rows.append(pd.DataFrame({
        "section": ["mps", "mps", "mps", "mps", "family", "family"],
        "key": ["A", "B", "A", "B", "Pumps", "Pumps"],
        "family": ["Pumps"] * 4 + ["", ""],
        "measure": ["production"] * 6,
        "period": ["2026-12", "2026-12", "2027-01", "2027-01", "2026-12", "2027-01"],
        "qty": [100.0, 50.0, 90.0, 60.0, 152.0, 150.0],
        "value": [10_000.0, 10_000.0, 9_000.0, 12_000.0, None, None], "text": ""}))
    snap = pd.concat(rows, ignore_index=True)
    r = requirements(snap, None, periods=2, plan_type="production", level="family")
    assert r.frame["requirement"].tolist() == [152.0, 150.0]   # not 150, 150
    # valued at the items' cost per piece: 41,000 for 300 pieces
    assert r.frame["value"].tolist() == pytest.approx([152 * 41_000 / 300, 150 * 41_000 / 300])
    items = requirements(snap, None, periods=2, plan_type="production")
    assert items.frame["requirement"].tolist() == [100.0, 90.0, 50.0, 60.0]
