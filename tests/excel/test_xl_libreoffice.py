"""LibreOffice, a real spreadsheet client with its own compound file reader, MS-OVBA
decompressor and dir stream parser, opens the built workbooks and imports their VBA.

LibreOffice converts each workbook to .ods, which keeps imported VBA as Basic modules
under Basic/<project>/ in the zip; we compare those with the sources.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from sop_xl.excel.build import read_macros
from sop_xl.excel.vba.project import (
    WORKBOOK_BASE,
    WORKSHEET_BASE,
    ModuleKind,
    VbaModule,
)
from sop_xl.excel.vba.xlwings_runtime import load_runtime

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed"),
]
SCRIPT = "{http://openoffice.org/2000/script}"
LIBRARY = "{http://openoffice.org/2000/library}"
XLAM_FILTER = "Calc MS Excel 2007 VBA XML"
# LibreOffice drops every Attribute line (module and procedure level) and marks the
# module with these header lines of its own.
_ATTRIBUTE = re.compile(r"^Attribute \S+ = .*$")
_LO_HEADER = re.compile(
    r"^(Rem Attribute VBA_ModuleType=\w+|Option VBASupport 1|Option ClassModule)$"
)


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> str:
    # A private profile: no clash with other soffice processes on a shared machine.
    return tmp_path_factory.mktemp("lo_profile").as_uri()


def _to_ods(path: Path, out_dir: Path, profile: str, infilter: str | None = None) -> Path:
    cmd = [shutil.which("soffice") or "soffice", f"-env:UserInstallation={profile}", "--headless"]
    cmd += ["--norestore", "--nolockcheck"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", "ods", "--outdir", str(out_dir), str(path)]
    subprocess.run(cmd, check=True, timeout=180, capture_output=True)
    ods = out_dir / (path.stem + ".ods")
    assert ods.is_file(), f"LibreOffice did not convert {path.name}"
    return ods


def _basic_modules(ods: Path, library: str) -> dict[str, tuple[str, str]]:
    """Module name -> (module type, text) of one Basic library in an .ods."""
    out = {}
    with zipfile.ZipFile(ods) as zf:
        index = ET.fromstring(zf.read(f"Basic/{library}/script-lb.xml"))
        for element in index.iter(f"{LIBRARY}element"):
            name = element.get(f"{LIBRARY}name", "")
            module = ET.fromstring(zf.read(f"Basic/{library}/{name}.xml"))
            out[name] = (module.get(f"{SCRIPT}moduleType", ""), module.text or "")
    return out


def _body(lines: list[str], drop: re.Pattern[str]) -> str:
    return "\n".join(ln for ln in lines if not drop.match(ln)).rstrip("\n")


_LO_KIND = {ModuleKind.STANDARD: "normal", ModuleKind.CLASS: "class",
            ModuleKind.DOCUMENT: "document"}


def _check(ods: Path, library: str, expected: list[VbaModule]) -> None:
    got = _basic_modules(ods, library)
    assert sorted(got) == sorted(m.name for m in expected)
    for m in expected:
        kind, text = got[m.name]
        assert kind == _LO_KIND[m.kind], m.name
        ours = _body(m.code.split("\r\n"), _ATTRIBUTE)
        theirs = _body(text.replace("\r\n", "\n").split("\n"), _LO_HEADER)
        assert theirs == ours, f"{m.name}: LibreOffice imported different text"


def test_libreoffice_imports_xlsm_modules(
    built: tuple[Path, Path], tmp_path: Path, profile: str
) -> None:
    ods = _to_ods(built[0], tmp_path, profile)
    own, _ = read_macros()
    # LibreOffice matches the document modules to the sheets' code names
    documents = [VbaModule.document("ThisWorkbook", WORKBOOK_BASE, _this_workbook_body()),
                 VbaModule.document("Sheet1", WORKSHEET_BASE),
                 VbaModule.document("Sheet2", WORKSHEET_BASE)]
    code = [m for m in own if m.kind is not ModuleKind.DOCUMENT]
    _check(ods, "SopMaster", [*documents, *code, *load_runtime(addin=False).modules])


def test_libreoffice_imports_xlam_modules(
    built: tuple[Path, Path], tmp_path: Path, profile: str
) -> None:
    ods = _to_ods(built[1], tmp_path, profile, infilter=XLAM_FILTER)
    own, _ = read_macros()
    documents = [VbaModule.document("ThisWorkbook", WORKBOOK_BASE, _this_workbook_body()),
                 VbaModule.document("Sheet1", WORKSHEET_BASE)]
    code = [m for m in own if m.kind is not ModuleKind.DOCUMENT]
    _check(ods, "SopXL", [*documents, *code, *load_runtime(addin=True).modules])


def _this_workbook_body() -> str:
    own, _ = read_macros()
    doc = next((m for m in own if m.name == "ThisWorkbook"), None)
    if doc is None:
        return ""
    lines = doc.code.split("\r\n")
    return "\r\n".join(ln for ln in lines if not ln.startswith("Attribute "))
