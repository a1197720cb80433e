"""Per-plant BOMs (issue 17, inputs): a BOM line may name a plant; a parent's lines for a
plant replace its lines without a plant there (SAP's plant BOM), blank lines are every
plant's. The small company (tests/small_company.py, A ← S1 + 2 R2, B ← 2 S1 + 4 R2,
S1 ← R1) with pump A made in both P1 and P2 (shares 70 / 30), S1 cast in P2 and shipped
to P1; P2 builds A from a bought-in casting R1 instead of the housing S1."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support import small_company_run as _run
from test_plants_workbook import ITEM_PLANTS, PLANTS, two_plants

from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.base.errors import ValidationError

BOTH = pd.concat([ITEM_PLANTS, pd.DataFrame(
    [["A", "P1", "make", None, None, 0.7], ["A", "P2", "make", None, None, 0.3]],
    columns=[*ITEM_PLANTS.columns, "demand_share"])], ignore_index=True)


def with_p2_bom(f: dict, lines: list[list]) -> None:
    b = f["bom"]
    f["bom"] = pd.concat([b.assign(plant=None), pd.DataFrame(
        lines, columns=[*b.columns, "plant"])], ignore_index=True)


def test_a_plant_bom_replaces_the_generic_one_in_that_plant(tmp_path) -> None:
    f, s = two_plants(BOTH)
    with_p2_bom(f, [["A", "R1", 1.0, 0.0, "casting bought in", "P2"],
                    ["A", "R2", 2.0, 0.0, None, "P2"]])
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    lines = {(p, c): q for p, c, q in run.network.bom[["parent", "component", "qty_per"]]
             .itertuples(index=False)}
    assert {k: v for k, v in lines.items() if k[0].startswith("A@")} == {
        ("A@P1", "S1@P1"): 1.0, ("A@P1", "R2@P1"): 2.0,
        ("A@P2", "R1@P2"): 1.0, ("A@P2", "R2@P2"): 2.0}
    r = run.mrp
    names = list(r.item_names)

    def total(kind: str, node: str) -> float:
        return float(r.daily[kind][names.index(node)].sum())

    a1, a2, b1 = (total("releases", n) for n in ("A@P1", "A@P2", "B@P1"))
    assert a2 > 0 and a1 > 0
    # P2: R2 only for its own A (2 each), R1 for its A (1 each) and for casting S1
    assert total("gross", "R2@P2") == pytest.approx(2 * a2)
    assert total("gross", "R1@P2") == pytest.approx(a2 + total("releases", "S1@P2"))
    # P1 keeps the generic BOM: S1 for A (1) and B (2), R2 for A (2) and B (4)
    assert total("gross", "S1@P1") == pytest.approx(a1 + 2 * b1)
    assert total("gross", "R2@P1") == pytest.approx(2 * a1 + 4 * b1)
    # the housing cast in P2 is only what P1 asks for: A in P2 uses none
    assert total("gross", "S1@P2") == pytest.approx(total("releases", "S1@P1"))


def test_one_plant_builds_with_its_own_bom(tmp_path) -> None:
    f, s = two_plants(ITEM_PLANTS.iloc[:0])
    f["plants"] = PLANTS.iloc[:1]
    f["warehouses"] = f["warehouses"].assign(plant="P1")
    f["bom"] = pd.concat([f["bom"].assign(plant=None), pd.DataFrame(
        [["A", "R1", 1.0, 0.0, None, "P1"], ["A", "R2", 2.0, 0.0, None, "P1"]],
        columns=[*f["bom"].columns, "plant"])], ignore_index=True)
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    assert run.network is None
    bom = run.supply_inputs.bom
    got = sorted(map(tuple, bom[["parent", "component"]].to_numpy().tolist()))
    assert got == [("A", "R1"), ("A", "R2"), ("B", "R2"), ("B", "S1"), ("S1", "R1")]
    r = run.mrp
    names = list(r.item_names)
    np.testing.assert_allclose(
        r.daily["gross"][names.index("R1")].sum(),
        run.mps.daily["production"][list(run.mps.items).index("A")].sum()
        + r.daily["releases"][names.index("S1")].sum())


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_bad_plant_boms_are_refused_by_row(tmp_path, lang) -> None:
    f, s = two_plants(BOTH)
    with_p2_bom(f, [["A", "R1", 1.0, 0.0, None, "P2"],     # row 7
                    ["A", "R1", 2.0, 0.0, None, "P2"],     # row 8: the same line again
                    ["B", "R1", 1.0, 0.0, None, "P3"],     # row 9: no such plant
                    ["S1", "R2", 1.0, 0.0, None, "P1"]])   # row 10: S1 moves to P1
    path = write_master(tmp_path / "bad.xlsx", f, s, lang=lang)
    with pytest.raises(ValidationError) as e:
        MasterWorkbook.open(path).read_inputs()
    got = [(p.sheet, p.row, p.column, p.value) for p in e.value.problems]
    bom, plant = ("BOM", "Plant") if lang == "en" else ("物料清单", "工厂")
    assert (bom, 9, plant, "P3") in got and (bom, 10, plant, "P1") in got
    assert [g for g in got if g[1] == 8 and g[0] == bom]
    assert len([g for g in got if g[0] == bom]) == 3
    if lang == "en":
        assert "BOM!F10 (Plant): a BOM of S1 for plant 'P1', where ItemPlants says it is " \
            "transferred; expected a plant that makes it" in str(e.value)
        assert "BOM!A8 (Parent): " in str(e.value)


def test_a_plant_bom_needs_plants(tmp_path) -> None:
    from small_company import frames
    f, s = frames()
    f["bom"] = f["bom"].assign(plant=[None, None, None, "HZ", None])
    with pytest.raises(ValidationError) as e:
        MasterWorkbook.open(write_master(tmp_path / "bad.xlsx", f, s)).read_inputs()
    assert [(p.sheet, p.row, p.column, p.value) for p in e.value.problems] == [
        ("BOM", 5, "Plant", "HZ")]


def test_without_plants_the_plants_itemplants_names_count(tmp_path) -> None:
    f, s = two_plants(BOTH)
    del f["plants"]       # P1 and P2 come from ItemPlants and Warehouses
    with_p2_bom(f, [["A", "R1", 1.0, 0.0, None, "P2"], ["A", "R2", 2.0, 0.0, None, "P2"]])
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    assert run.network.plants == ("P1", "P2")
    a2 = run.network.bom[run.network.bom["parent"] == "A@P2"]
    assert sorted(a2["component"]) == ["R1@P2", "R2@P2"]
