"""``sop-xl build``: the master from the template, the add-in configured for the worksheet
functions, their VBA declarations what xlwings itself generates, and their Insert
Function help what xlwings' Import Functions registers."""

from __future__ import annotations

import importlib.util
import re
import sys
import types
import zipfile
from pathlib import Path

import pytest
import xlwings as xw

from sop_xl.cli.main import main
from sop_xl.excel import udfs
from sop_xl.excel.build import CT_XLAM, CT_XLSM
from sop_xl.excel.udf_vba import UDF_MODULE, VBA_FUNCTIONS, register_module, udf_vba_module
from sop_xl.workbook.file import FileBackend


@pytest.fixture
def xlwings_udfs(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """xlwings.udfs (the Windows-only module holding generate_vba_wrapper and
    import_udfs), imported here with the pywin32 modules it imports stubbed out."""
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    sys.modules["win32com.client"].Dispatch = lambda *a: None  # type: ignore[attr-defined]
    sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})  # type: ignore
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    import xlwings.udfs as module

    monkeypatch.delitem(sys.modules, "xlwings.udfs")
    return module


@pytest.fixture
def decorated(xlwings_udfs, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """sop_xl.excel.udfs executed afresh with xlwings' Windows decorators in place of the
    no-op ones: what the module registers on Windows."""
    monkeypatch.setattr(xw, "func", xlwings_udfs.xlfunc)
    monkeypatch.setattr(xw, "arg", xlwings_udfs.xlarg)
    spec = importlib.util.spec_from_file_location("udfs_on_windows", udfs.__file__)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class _Components:
    def __init__(self) -> None:
        self.imported = ""

    def __call__(self, name: str) -> str:
        return name

    def Remove(self, component: str) -> None:
        pass

    def Import(self, path: str) -> None:
        self.imported = Path(path).read_text()


class _Application:
    Version = "16.0"

    def __init__(self) -> None:
        self.options: list[tuple[str, dict]] = []

    def MacroOptions(self, macro: str, **kw) -> None:
        self.options.append((macro, kw))


def _import_functions(xlwings_udfs, decorated, monkeypatch, name: str):
    """Run xlwings' own Import Functions on a stand-in workbook called ``name``: the VBA
    module it imports and the MacroOptions calls it makes."""
    book = types.SimpleNamespace(Name=name, VBProject=types.SimpleNamespace(
        VBComponents=_Components()), Application=_Application())
    monkeypatch.setattr(xlwings_udfs, "get_udf_module", lambda module, wb: decorated)
    xlwings_udfs.import_udfs(UDF_MODULE, book)
    return book.VBProject.VBComponents.imported, book.Application.options


ADDED = re.compile(r"^ +\w+ = SopErrors\.ToCellError\(\w+, Application\.Caller\)\r\n", re.M)


@pytest.mark.parametrize(("name", "addin"), [("sop_xl.xlam", True),
                                             ("sop_master.xlsm", False)])
def test_udf_declarations_match_what_xlwings_generates(xlwings_udfs, decorated, monkeypatch,
                                                       name: str, addin: bool) -> None:
    theirs, _ = _import_functions(xlwings_udfs, decorated, monkeypatch, name)
    ours = udf_vba_module(addin=addin)
    ours.encode("ascii")  # VBA source is ANSI
    header, _, body = ours.partition("Function ")
    their_header, _, their_body = theirs.partition("Function ")
    # xlwings' text plus one line per function, which makes tagged text an error value
    assert len(ADDED.findall(body)) == len(udfs.UDF_NAMES)
    assert ADDED.sub("", "Function " + body) == "Function " + their_body.replace("\n", "\r\n")
    assert header.startswith('Attribute VB_Name = "xlwings_udfs"\r\n')
    assert '#Const App = "Microsoft Excel"' in header and '#Const App' in their_header
    # the add-in passes the workbook that calls, the master itself (xlwings' convention)
    book = "ActiveWorkbook" if addin else "ThisWorkbook"
    assert body.count(f", {book}, Application.Caller)") == len(udfs.UDF_NAMES)
    # SOP_FORECAST fits models: not on every keystroke of Insert Function
    forecast = body.split("Function SOP_FORECAST(")[1].split("End Function")[0]
    assert 'If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then ' \
           "Exit Function" in forecast


def _registered(vba: str) -> dict[str, tuple[str, str, list[str]]]:
    """Function → (description, category, argument help) from SopFunctions' VBA text."""
    text = vba.replace(" _\r\n        ", " ")
    out = {}
    string = r'"((?:[^"]|"")*)"'
    for m in re.finditer(r"Application\.MacroOptions Macro:=\"'\" & ThisWorkbook\.Name & "
                         rf"\"'!(\w+)\", Description:={string}, Category:={string}"
                         rf"(?:, ArgumentDescriptions:=Array\(([^\r]*)\))?\r\n", text):
        args = [a.replace('""', '"') for a in re.findall(string, m.group(4) or "")]
        out[m.group(1)] = (m.group(2).replace('""', '"'), m.group(3), args)
    return out


def test_insert_function_help_is_what_xlwings_registers(xlwings_udfs, decorated,
                                                        monkeypatch) -> None:
    _, calls = _import_functions(xlwings_udfs, decorated, monkeypatch, "sop_xl.xlam")
    theirs = {macro: (kw["Description"], kw["Category"], list(kw["ArgumentDescriptions"]))
              for macro, kw in calls}
    ours = _registered(register_module())
    assert set(ours) == set(udfs.UDF_NAMES) | {f.name for f in VBA_FUNCTIONS}
    for name in udfs.UDF_NAMES:
        assert ours[name] == theirs[f"'sop_xl.xlam'!{name}"], name
        description, category, args = ours[name]
        assert category == "S&OP" and 20 < len(description) <= 255
        assert len(args) == len(decorated.__dict__[name].__xlfunc__["args"])
        assert all(a and not a.startswith("Positional argument") for a in args)
    assert ours["SOP_FORECAST"][2][0].startswith("Demand per period (pieces)")
    assert ours["SOP_WHY"][1] == "S&OP"


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
    assert book.sheet_names() == ["sop_xl.conf"]
    assert book.read_sheet("sop_xl.conf").rows == [["UDF MODULES", "sop_xl.excel.udfs"]]


def test_both_workbooks_declare_the_worksheet_functions(built, read_vba) -> None:
    for path in built:
        with zipfile.ZipFile(path) as zf:
            modules = read_vba(zf.read("xl/vbaProject.bin"))
        assert {"SopRibbon", "SopCommon", "xlwings_udfs"} <= set(modules)
        _kind, code = modules["xlwings_udfs"]
        for name in udfs.UDF_NAMES:
            assert f"Function {name}(" in code
        book = "ActiveWorkbook" if path.suffix == ".xlam" else "ThisWorkbook"
        assert 'XLPy.CallUDF("sop_xl.excel.udfs", "SOP_FORECAST", Array(history, horizon, ' \
               f'model, season), {book}, Application.Caller)' in code
        assert {"SopFunctions", "SopErrors", "ThisWorkbook"} <= set(modules)
        assert "SopFunctions.RegisterFunctions" in modules["ThisWorkbook"][1]
        assert "Public Function SOP_WHY(" in modules["SopErrors"][1]
