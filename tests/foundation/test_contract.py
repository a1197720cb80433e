"""The contract itself, and template → fill → read round trips in both languages."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from small_company import frames

from sop_xl import contract
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master, write_template
from sop_xl.contract import Dtype, Layout, Role
from sop_xl.contract.read import ROW


def test_every_sheet_and_column_is_named_in_both_languages():
    keys = set()
    for spec in contract.SHEETS.values():
        assert spec.en and spec.zh and spec.en != spec.zh
        assert len(spec.en) <= 31 and len(spec.zh) <= 31
        cols = spec.columns + spec.block_columns
        for c in cols:
            assert c.en and c.zh, (spec.key, c.key)
            if c.choices:
                assert len({ch.value for ch in c.choices}) == len(c.choices)
        assert len({c.key for c in spec.columns}) == len(spec.columns), spec.key
        for m in spec.measures:
            assert m.en and m.zh
        keys.add(spec.key)
    assert {"settings", "items", "bom", "resources", "resource_usage", "calendar",
            "sales_history", "contracts", "projects", "events", "sales_forecast", "stock",
            "scheduled_receipts", "stat_forecast", "demand_plan", "mps", "mrp",
            "purchase_plan", "capacity", "projection", "exceptions", "versions"} <= keys


def test_input_headers_are_unique_per_language():
    for spec in contract.inputs():
        for lang in ("en", "zh-CN"):
            labels = [c.label(lang) for c in spec.columns]
            assert len(set(labels)) == len(labels), (spec.key, lang)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_template_has_every_input_sheet_as_a_table_with_dropdowns(tmp_path, lang):
    path = write_template(tmp_path / "t.xlsx", lang=lang)
    wb = openpyxl.load_workbook(path)
    for spec in contract.inputs():
        ws = wb[spec.name(lang)]
        assert ws.freeze_panes == "A2"
        assert len(ws.tables) == 1
        if spec.layout is Layout.TABLE:
            header = [c.value for c in ws[1]]
            assert header == [c.label(lang) for c in spec.columns]
    items = wb[contract.sheet("items").name(lang)]
    lists = [dv for dv in items.data_validations.dataValidation if dv.type == "list"]
    zh = lang.startswith("zh")
    assert any(("成品" if zh else "Finished good") in dv.formula1 for dv in lists)
    lead = [dv for dv in items.data_validations.dataValidation
            if dv.type == "whole" and "H2" in str(dv.sqref)]
    assert lead and lead[0].formula1 == "1"


def _same(spec_key: str, expected: pd.DataFrame, got: pd.DataFrame) -> None:
    spec = contract.sheet(spec_key)
    got = got.drop(columns=ROW)
    assert len(got) == len(expected), spec_key
    for c in spec.columns:
        if c.key not in expected:
            continue
        a = expected[c.key].tolist()
        b = got[c.key].tolist()
        for x, y in zip(a, b, strict=True):
            if x is None or (isinstance(x, float) and pd.isna(x)):
                assert y is None or pd.isna(y) or y == c.default, (spec_key, c.key, x, y)
            elif c.dtype in (Dtype.NUMBER, Dtype.PERCENT, Dtype.INT):
                assert float(x) == pytest.approx(float(y)), (spec_key, c.key)
            else:
                assert x == y, (spec_key, c.key, x, y)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_round_trip_gives_back_the_same_frames(tmp_path, lang):
    f, s = frames()
    path = write_master(tmp_path / "m.xlsx", f, s, lang=lang)
    inputs = MasterWorkbook.open(path).read_inputs()
    for key, frame in f.items():
        _same(key, frame, getattr(inputs, key))
    assert inputs.settings.planning_month == s["planning_month"]
    assert inputs.settings.horizon == 6 and inputs.settings.language == lang
    assert inputs.settings.company == "Small Co"


def test_reader_accepts_the_other_languages_headers(tmp_path):
    """A sheet whose header is in Chinese inside an English workbook reads the same."""
    f, s = frames()
    path = write_master(tmp_path / "m.xlsx", f, s, lang="en")
    wb = openpyxl.load_workbook(path)
    ws = wb["Items"]
    spec = contract.sheet("items")
    for j, c in enumerate(spec.columns, start=1):
        ws.cell(1, j).value = c.label("zh-CN")
    ws.cell(2, 3).value = "成品"  # a choice label in the other language too
    wb.save(path)
    inputs = MasterWorkbook.open(path).read_inputs()
    _same("items", f["items"], inputs.items)


def test_output_and_log_sheets_are_not_inputs():
    for spec in contract.outputs():
        assert spec.role in (Role.OUTPUT, Role.LOG)


def test_settings_choices_are_the_enums_the_code_uses():
    from sop_xl.contract.inputs import SETTINGS
    from sop_xl.contract.settings import CHOICES, Settings

    for key, kind in CHOICES.items():
        assert {c.value for c in SETTINGS.column(key).choices} == {k.value for k in kind}, key
    s = Settings.from_values({"planning_month": pd.Period("2026-12", "M"), "bucket": "week",
                              "language": "zh-CN"})
    assert s.bucket is CHOICES["bucket"]("week") and s.bucket == "week"
    assert s.language == "zh-CN" and f"{s.far_method}" == "statistical"
