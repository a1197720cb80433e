"""LibreOffice, a real spreadsheet, opens what a run writes and recalculates every formula
to the value Python computed."""

from __future__ import annotations

import pytest
from recalc import formula_mismatches, recalculate

from sop_xl.cli.main import main


@pytest.mark.libreoffice
@pytest.mark.parametrize("fixture", ["small_master", "small_master_zh"])
def test_every_formula_recalculates_to_the_python_value(fixture, request, tmp_path):
    path = request.getfixturevalue(fixture)
    assert main(["run", str(path), "--quiet"]) == 0
    lo = recalculate(path, tmp_path / "lo")
    checked, bad = formula_mismatches(path, lo)
    assert checked > 100
    assert bad == []


@pytest.mark.libreoffice
def test_template_opens_in_libreoffice(tmp_path):
    path = tmp_path / "t.xlsx"
    assert main(["template", str(path), "--lang", "zh-CN"]) == 0
    lo = recalculate(path, tmp_path / "lo")
    assert lo.stat().st_size > 5000
