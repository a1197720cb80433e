"""``sop-xl build``: the master from the template, the add-in configured for the worksheet
functions, and their VBA declarations identical to what xlwings itself generates."""

from __future__ import annotations

import io
import sys
import types
import zipfile
from pathlib import Path

import pytest

from sop_xl.cli.main import main
from sop_xl.excel import udfs
from sop_xl.excel.addin import UDF_MODULE, udf_vba_module
from sop_xl.excel.build import CT_XLAM, CT_XLSM
from sop_xl.workbook.file import FileBackend


@pytest.fixture
def xlwings_udfs(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """xlwings.udfs (the Windows-only module holding generate_vba_wrapper), imported here
    with the pywin32 modules it imports stubbed out; nothing of them is called."""
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    sys.modules["win32com.client"].Dispatch = lambda *a: None  # type: ignore[attr-defined]
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    import xlwings.udfs as module

    monkeypatch.delitem(sys.modules, "xlwings.udfs")
    return module


def test_udf_declarations_match_what_xlwings_generates(xlwings_udfs) -> None:
    decorated = types.SimpleNamespace()
    for name in udfs.UDF_NAMES:
        plain = getattr(udfs, name).__wrapped__
        fn = types.FunctionType(plain.__code__, plain.__globals__, name, plain.__defaults__)
        fn.__doc__, fn.__annotations__ = plain.__doc__, plain.__annotations__
        setattr(decorated, name, xlwings_udfs.xlfunc(fn))
    out = io.StringIO()
    xlwings_udfs.generate_vba_wrapper(UDF_MODULE, decorated, out,
                                      types.SimpleNamespace(Name="sop_xl.xlam"))
    ours = udf_vba_module()
    header, _, body = ours.partition("Function ")
    assert "Function " + body == out.getvalue().replace("\n", "\r\n")
    assert header.startswith('Attribute VB_Name = "xlwings_udfs"\r\n')
    assert '#Const App = "Microsoft Excel"' in header
    ours.encode("ascii")  # VBA source is ANSI


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("workbooks")
    assert main(["build", "--out", str(out)]) == 0
    return out / "sop_master.xlsm", out / "sop_xl.xlam"


def _content_type(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        types_xml = zf.read("[Content_Types].xml").decode()
    return types_xml.split('PartName="/xl/workbook.xml" ContentType="')[1].split('"')[0]


def test_build_writes_the_master_from_the_template(built) -> None:
    xlsm, _ = built
    assert _content_type(xlsm) == CT_XLSM
    names = FileBackend(xlsm).sheet_names()
    assert names[:3] == ["Settings", "Items", "BOM"]
    assert FileBackend(xlsm).read_sheet("Items").rows[0][0] == "Item"


def test_build_configures_the_addin_for_the_worksheet_functions(built) -> None:
    _, xlam = built
    assert _content_type(xlam) == CT_XLAM
    book = FileBackend(xlam)
    assert book.sheet_names() == ["xlwings.conf"]
    assert book.read_sheet("xlwings.conf").rows == [["UDF MODULES", "sop_xl.excel.udfs"]]


def test_both_workbooks_declare_the_worksheet_functions(built, read_vba) -> None:
    for path in built:
        with zipfile.ZipFile(path) as zf:
            modules = read_vba(zf.read("xl/vbaProject.bin"))
        assert {"SopRibbon", "SopCommon", "xlwings_udfs"} <= set(modules)
        _kind, code = modules["xlwings_udfs"]
        for name in udfs.UDF_NAMES:
            assert f"Function {name}(" in code
        assert 'XLPy.CallUDF("sop_xl.excel.udfs", "SOP_FORECAST", Array(history, horizon, ' \
               'model, season), ActiveWorkbook, Application.Caller)' in code
