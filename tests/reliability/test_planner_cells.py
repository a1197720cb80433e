"""Every yellow cell of every output sheet is validated when read back (issue 19, item 5).

Text, a formula whose result is an error, a negative planned production and a barcode
pasted as a quantity are refused with the same messages, cell addresses and exit code 4
as input cells, together with every other problem of the workbook, and the file stays
byte for byte as it was; nothing typed is silently replaced by the suggestion.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from corpus.generate import Book, Error, Formula
from small_company import frames

from sop_xl import contract
from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.readback import editable_sheets
from sop_xl.app.template import write_master
from sop_xl.base.errors import ValidationError
from sop_xl.cli.main import main


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for lang in ("en", "zh-CN"):
        d = tmp_path_factory.mktemp(f"planner-{lang}")
        f, s = frames()
        path = write_master(d / "master.xlsx", f, s, lang=lang)
        run_steps(MasterWorkbook.open(path), CYCLE)
        out[lang] = path
    return out


def _edited(src: Path, tmp_path: Path, edits: dict[tuple[str, str], object],
            lang: str = "en") -> Path:
    path = Path(shutil.copy(src, tmp_path / "master.xlsx"))
    book = Book(path)
    for (key, ref), value in edits.items():
        book.set(contract.sheet(key).name(lang), ref, value)
    book.save(path)
    return path


def _lines(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as e:
        MasterWorkbook.open(path).read_inputs()
    return [p.render(e.value.lang) for p in e.value.problems]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# MPS: block of item A, "Planned production" in row 10; periods from column I
MPS_CASES = [
    ("abc", "MPS!I10 (Planned production 2026-12): 'abc' is not a number ≥ 0 (pcs)"),
    (Error("#DIV/0!", "1/0"), "MPS!I10 (Planned production 2026-12): holds the error #DIV/0! "
     "from its formula =1/0; expected a number ≥ 0 (pcs). Fix the formula or paste the "
     "right values"),
    (-50.0, "MPS!I10 (Planned production 2026-12): -50 is below the minimum 0; expected a "
     "number ≥ 0 (pcs)"),
    (1e12, "MPS!I10 (Planned production 2026-12): 1000000000000 is implausibly large (more "
     "than 10,000,000,000); check for a pasted code or a unit mix-up"),
    (Formula("VLOOKUP(A3,ERP!A:H,8,FALSE)"), "MPS!I10 (Planned production 2026-12): holds a "
     "formula (=VLOOKUP(A3,ERP!A:H,8,FALSE)) with no calculated value; open and save the "
     "workbook in Excel, or paste the cells as values"),
]


@pytest.mark.parametrize(("value", "line"), MPS_CASES,
                         ids=["text", "error-formula", "negative", "absurd", "uncalculated"])
def test_a_bad_planned_production_cell_is_refused_not_restored(planned, tmp_path: Path,
                                                               capsys, value, line) -> None:
    path = _edited(planned["en"], tmp_path, {("mps", "I10"): value})
    before = _sha(path)
    assert _lines(path) == [f"[master.xlsx] {line}"]
    for cmd in ("validate", "run", "mps", "mrp"):
        assert main([cmd, str(path)] if cmd == "validate" else [cmd, "--quiet", str(path)]) == 4
        err = capsys.readouterr().err
        assert line in err and "Traceback" not in err
    assert _sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master.xlsx"]


def test_a_good_planned_production_cell_is_planned_with(planned, tmp_path: Path) -> None:
    path = _edited(planned["en"], tmp_path, {("mps", "I10"): 150.0})
    MasterWorkbook.open(path).read_inputs()
    run_steps(MasterWorkbook.open(path), ["mps"])
    g = MasterWorkbook.open(path).read_output_grid("mps")
    cell = g[(g["item"] == "A") & (g["measure"] == "production") & (g["period"] == "2026-12")]
    assert cell["value"].tolist() == [150.0]


EVERYWHERE = {
    ("stock", "C2"): "twenty",                     # an input cell, reported first
    ("demand_plan", "G12"): "ten",                 # Planner adjustment of A, 2026-12
    ("family_plan", "D6"): 2.5,                    # Family change of Pumps, 2026-12
    ("family_shares", "E2"): -1.0,                 # Factor of A
    ("family_production", "J8"): "many",           # Production of Pumps, 2026-12
    ("family_production", "J10"): -5.0,            # Target stock level of Pumps, 2026-12
    ("family_production", "K11"): "long",          # Target days of supply, 2027-01
    ("mps", "J10"): Error("#DIV/0!", "1/0"),       # Planned production of A, 2027-01
    ("planned_orders", "H3"): "lots",              # Quantity of an order
    ("planned_orders", "F4"): "soon",              # Due of an order
    ("planned_orders", "K5"): "maybe",             # Firm of an order
}
LINES = {
    "en": [
        "Stock!C2 (On hand (pcs)): 'twenty' is not a number ≥ 0 (pcs)",
        "DemandPlan!G12 (Planner adjustment 2026-12): 'ten' is not a number (pcs)",
        "FamilyPlan!D6 (Family change 2026-12): 2.5 is not a whole number of pieces; "
        "Settings asks for family changes in whole pieces",
        "FamilyShares!E2 (Factor (optional)): -1 is below the minimum 0; expected a number ≥ 0",
        "FamilyProductionPlan!J8 (Production 2026-12): 'many' is not a number ≥ 0 (pcs)",
        "FamilyProductionPlan!J10 (Target stock level 2026-12): -5 is below the minimum 0; "
        "expected a number ≥ 0 (pcs)",
        "FamilyProductionPlan!K11 (Target days of supply (days) 2027-01): 'long' is not a "
        "number ≥ 0 (days)",
        "MPS!J10 (Planned production 2027-01): holds the error #DIV/0! from its formula =1/0; "
        "expected a number ≥ 0 (pcs). Fix the formula or paste the right values",
        "PlannedOrders!F4 (Due): 'soon' is not a date (yyyy-mm-dd)",
        "PlannedOrders!H3 (Quantity (pcs)): 'lots' is not a number ≥ 0 (pcs)",
        "PlannedOrders!K5 (Firm): 'maybe' is not yes or no",
    ],
    "zh-CN": [
        "库存!C2 (现有库存(件)): 'twenty' 不是数字 ≥ 0 (件)",
        "需求计划!G12 (计划员调整 2026-12): 'ten' 不是数字 (件)",
        "产品族计划!D6 (产品族调整 2026-12): 2.5 不是整件数；设置要求产品族调整取整件",
        "产品族比例!E2 (指定比例(可选)): -1 小于最小值 0；应为数字 ≥ 0",
        "产品族生产计划!J8 (生产 2026-12): 'many' 不是数字 ≥ 0 (件)",
        "产品族生产计划!J10 (目标库存水平 2026-12): -5 小于最小值 0；应为数字 ≥ 0 (件)",
        "产品族生产计划!K11 (目标库存天数(天) 2027-01): 'long' 不是数字 ≥ 0 (天)",
        "主生产计划!J10 (计划生产 2027-01): 其公式 =1/0 的结果为错误值 #DIV/0!；应为数字 ≥ 0 (件)。"
        "请修正公式或粘贴正确的数值",
        "计划订单!F4 (到货日期): 'soon' 不是日期(yyyy-mm-dd)",
        "计划订单!H3 (数量(件)): 'lots' 不是数字 ≥ 0 (件)",
        "计划订单!K5 (确认): 'maybe' 不是是或否",
    ],
}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_yellow_cell_of_every_output_sheet_in_one_report(planned, tmp_path: Path,
                                                               lang: str) -> None:
    path = _edited(planned[lang], tmp_path, EVERYWHERE, lang)
    assert _lines(path) == [f"[master.xlsx] {line}" for line in LINES[lang]]


def test_every_editable_cell_kind_is_covered_by_these_tests() -> None:
    """A sheet that gains a yellow row or column is validated by the contract; this list
    says which the tests above exercise, so a new one is noticed."""
    found = set()
    for spec in editable_sheets():
        found |= {(spec.key, m.key) for m in spec.measures if m.editable}
        found |= {(spec.key, c.key) for c in spec.columns if c.editable}
    assert found == {("demand_plan", "adjustment"), ("family_plan", "change"),
                     ("family_shares", "factor"), ("family_production", "production"),
                     ("family_production", "target_stock"),
                     ("family_production", "target_days"),
                     ("mps", "production"),
                     ("planned_orders", "firm"), ("planned_orders", "qty"),
                     ("planned_orders", "due_date")}
