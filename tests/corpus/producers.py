"""The valid master as other programs write it: the corpus's producer cases.

Each program declares namespaces its own way (openpyxl with lxml puts ``xmlns:r`` on every
``<sheet>``, WPS-like writers prefix the main namespace as ``x:``, Excel adds ``mc:Ignorable``
prefixes and extension lists), and a run must rewrite their workbook.xml, relationships,
content types and styles into parts every reader accepts. Strict Open XML is refused.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from lxml import etree
from python_calamine import CalamineWorkbook

from sop_xl.workbook import ooxml
from sop_xl.workbook.package import Package

if TYPE_CHECKING:
    from corpus.generate import Builder

XLWINGS_DIR = Path(__import__("xlwings").__file__).parent


def _rewrite_xml(src: Path, dst: Path, change) -> Path:
    """Copy a package, passing each XML part's root through ``change(name, root)``."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                root = change(info.filename, ooxml.parse(data))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            out.writestr(info, data)
    return dst


def _renamespace(root: etree._Element, uris: dict[str, str],
                 nsmap: dict[str | None, str]) -> etree._Element:
    """A copy of the tree with namespaces renamed (``uris``) and declared by ``nsmap`` on
    the root only."""

    def name(qn: str) -> str:
        q = etree.QName(qn)
        ns = uris.get(q.namespace or "", q.namespace)
        return f"{{{ns}}}{q.localname}" if ns else q.localname

    def copy(el: etree._Element, parent: etree._Element | None) -> etree._Element:
        new = etree.Element(name(el.tag), nsmap=nsmap) if parent is None else \
            etree.SubElement(parent, name(el.tag))
        for k, v in el.attrib.items():
            new.set(name(k), uris.get(v, v) if k == "Type" else v)
        new.text, new.tail = el.text, el.tail
        for c in el:
            if isinstance(c.tag, str):
                copy(c, new)
        return new

    return copy(root, None)


def saved_by_openpyxl_lxml(b: Builder) -> Path:
    """Opened and saved by a planner's openpyxl script on a machine with lxml: the
    relationships namespace is declared on each <sheet>, not on <workbook>."""
    from openpyxl import xml as openpyxl_xml
    assert openpyxl_xml.LXML, "lxml must be installed for this case (test extra)"
    return b.openpyxl(lambda wb: None)


def saved_by_openpyxl_plain(b: Builder) -> Path:
    """The same without lxml (openpyxl's ElementTree writer), in a separate process."""
    code = ("import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); "
            "wb.save(sys.argv[2])")
    env = {**os.environ, "OPENPYXL_LXML": "False"}
    subprocess.run([sys.executable, "-c", code, str(b.base), str(b.path)], check=True,
                   env=env, capture_output=True, timeout=120)
    return b.path


def pandas_added_sheet(b: Builder) -> Path:
    """A planner's pandas script appends a sheet of their own notes (pandas' openpyxl
    writer in append mode)."""
    path = Path(b.path)
    path.write_bytes(b.base.read_bytes())
    notes = pd.DataFrame({"item": ["A", "B"], "note": ["check price", "new supplier"]})
    with pd.ExcelWriter(path, mode="a", engine="openpyxl") as w:
        notes.to_excel(w, sheet_name="Notes", index=False)
    return path


def written_by_xlsxwriter(b: Builder) -> Path:
    """Every sheet's values written anew by xlsxwriter (an ERP export tool's output):
    shared strings, xlsxwriter's own workbook, styles and content types."""
    import xlsxwriter

    src = CalamineWorkbook.from_path(str(b.base))
    wb = xlsxwriter.Workbook(str(b.path))
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name in src.sheet_names:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(src.get_sheet_by_name(name).to_python(skip_empty_area=False)):
            for c, v in enumerate(row):
                if isinstance(v, dt.datetime | dt.date):
                    ws.write_datetime(r, c, v, day)
                elif v != "":
                    ws.write(r, c, v)
    wb.close()
    return b.path


def saved_by_excel(b: Builder) -> Path:
    """The input sheets spliced into a workbook Excel saved (xlwings' quickstart.xlsm: its
    workbook.xml carries mc:Ignorable prefixes, x15ac and xr revision attributes, its
    styles Excel's extension lists, and a VBA project)."""
    from corpus.generate import base_frames

    from sop_xl.app.template import input_sheets

    f, s = base_frames()
    path = b.out / f"{b.case}.xlsm"
    pkg = Package(XLWINGS_DIR / "quickstart.xlsm")
    contents = input_sheets(f, {**s, "language": b.lang}, b.lang)
    pkg.put_sheets(contents, order=[c.name for c in contents])
    pkg.save(path)
    return path


def wps_prefixed(b: Builder) -> Path:
    """SpreadsheetML with the main namespace prefixed ``x:`` in every part and the
    relationships namespace declared on the elements that use it, as WPS and some .NET
    writers do."""

    def change(name: str, root: etree._Element) -> etree._Element:
        if ooxml.namespace(root) != ooxml.MAIN:
            return root
        return _renamespace(root, {}, {"x": ooxml.MAIN})

    return _rewrite_xml(b.base, Path(b.path), change)


def strict_ooxml(b: Builder) -> Path:
    """Saved as "Strict Open XML Spreadsheet" (ISO/IEC 29500 strict namespaces)."""
    strict = {ooxml.MAIN: ooxml.MAIN_STRICT,
              ooxml.REL: "http://purl.oclc.org/ooxml/officeDocument/relationships"}
    for prefix in ("worksheet", "styles", "theme", "sharedStrings", "table",
                   "officeDocument", "extended-properties"):
        strict[f"{ooxml.REL}/{prefix}"] = f"{strict[ooxml.REL]}/{prefix}"

    def change(name: str, root: etree._Element) -> etree._Element:
        nsmap = {k: strict.get(v, v) for k, v in root.nsmap.items()}
        return _renamespace(root, strict, nsmap)

    return _rewrite_xml(b.base, Path(b.path), change)


PRODUCER_CASES = {
    "saved_by_openpyxl_lxml": saved_by_openpyxl_lxml,
    "saved_by_openpyxl_plain": saved_by_openpyxl_plain,
    "pandas_added_sheet": pandas_added_sheet,
    "written_by_xlsxwriter": written_by_xlsxwriter,
    "saved_by_excel": saved_by_excel,
    "wps_prefixed": wps_prefixed,
    "strict_ooxml": strict_ooxml,
}
