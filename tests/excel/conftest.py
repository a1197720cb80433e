"""Shared fixtures for the Excel build tests: a base workbook and the built workbooks."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import olefile
import openpyxl
import pytest
from oletools.olevba import VBA_Project

#: module name -> (module type record id, source text) as an independent reader sees it.
ReadVba = Callable[[bytes], dict[str, tuple[int, str]]]


def read_vba_project(data: bytes) -> dict[str, tuple[int, str]]:
    """Parse a vbaProject.bin with olefile + oletools, strictly (relaxed=False)."""
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    out: dict[str, tuple[int, str]] = {}
    for _path, _filename, code in project.parse_modules():
        module = project.modules[len(out)]
        out[module.name] = (module.type, code)
    return out


@pytest.fixture(scope="session")
def read_vba() -> ReadVba:
    return read_vba_project


@pytest.fixture(scope="session")
def base_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small planner-like workbook written by openpyxl (no VBA, no code names)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Items"
    ws.append(["item", "description", "family"])
    ws.append(["A-100", "Pump", "Pumps"])
    plan = wb.create_sheet("Plan 计划")
    plan["A1"] = "demand"
    plan["B1"] = 12.5
    plan["C1"] = "=B1*2"
    path = tmp_path_factory.mktemp("base") / "base.xlsx"
    wb.save(path)
    return path


@pytest.fixture(scope="session")
def built(base_xlsx: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(sop_master.xlsm, sop_xl.xlam) built from macros/ and the base workbook."""
    from sop_xl.excel.build import build_all

    return build_all(base_xlsx, tmp_path_factory.mktemp("built"))
