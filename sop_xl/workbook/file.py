"""The file backend: a workbook on disk, no Excel needed.

Reading uses python-calamine for values (5× openpyxl's read-only mode, FACTS.md) and a
scan of the sheet XML for what cached values hide (formulas, error cells). Writing splices
the run's sheets into the package (sop_xl.workbook.package) and replaces the file
atomically, so the planner's own parts survive byte for byte.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from python_calamine import CalamineWorkbook

from sop_xl.errors import WorkbookError
from sop_xl.workbook.backend import Backend, RawSheet, check_contents
from sop_xl.workbook.cells import parse_ref
from sop_xl.workbook.package import Package
from sop_xl.workbook.sheet import SheetContent

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlam")


def check_workbook_file(path: Path, lang: str = "en") -> None:
    """Refuse, with a clear reason, anything that is not a readable .xlsx/.xlsm file."""
    if not path.exists():
        raise WorkbookError("file_missing", str(path), lang)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        # an OLE compound file is either a legacy .xls or an encrypted OOXML workbook
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            raise WorkbookError("file_encrypted", str(path), lang)
        raise WorkbookError("file_not_workbook", str(path), lang, kind="Excel 97-2003 (.xls)")
    if not head.startswith(b"PK"):
        kind = {".csv": "CSV text (.csv)", ".xls": "Excel 97-2003 (.xls)",
                ".ods": "OpenDocument (.ods)"}.get(path.suffix.lower(),
                                                  f"a {path.suffix or 'plain'} file")
        raise WorkbookError("file_not_workbook", str(path), lang, kind=kind)
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise WorkbookError("file_corrupt", str(path), lang, detail=f"damaged part {bad}")
            names = set(zf.namelist())
    except zipfile.BadZipFile as exc:
        raise WorkbookError("file_corrupt", str(path), lang, detail=str(exc)) from None
    if "[Content_Types].xml" not in names:
        kind = "OpenDocument (.ods)" if "mimetype" in names else "a zip archive"
        raise WorkbookError("file_not_workbook", str(path), lang, kind=kind)


class FileBackend(Backend):
    """A workbook file (.xlsx, .xlsm) read and written without Excel."""

    def __init__(self, path: Path | str, *, lang: str = "en", check: bool = True) -> None:
        self.path = Path(path)
        self.name = self.path.name
        if check:
            check_workbook_file(self.path, lang)
        self._calamine: CalamineWorkbook | None = None
        self._package: Package | None = None

    # -- reading -------------------------------------------------------------------------
    def _pkg(self) -> Package:
        if self._package is None:
            try:
                self._package = Package(self.path)
            except (KeyError, ValueError, zipfile.BadZipFile) as exc:
                raise WorkbookError("file_corrupt", str(self.path), detail=str(exc)) from None
        return self._package

    def _book(self) -> CalamineWorkbook:
        if self._calamine is None:
            try:
                self._calamine = CalamineWorkbook.from_path(str(self.path))
            except Exception as exc:  # calamine raises several unrelated types
                raise WorkbookError("file_corrupt", str(self.path), detail=str(exc)) from None
        return self._calamine

    def sheet_names(self) -> list[str]:
        return self._pkg().sheet_names()

    def read_sheet(self, name: str) -> RawSheet:
        entry = self._pkg().sheet(name)
        if entry is None:
            raise KeyError(name)
        try:
            sheet = self._book().get_sheet_by_name(entry.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
        except Exception as exc:
            raise WorkbookError("file_corrupt", str(self.path),
                                detail=f"sheet {entry.name!r}: {exc}") from None
        formulas, errors = scan_formulas_and_errors(self._pkg().read(entry.part))
        return RawSheet(entry.name, rows, formulas, errors, merged)

    def sheet_xml(self, name: str) -> bytes:
        entry = self._pkg().sheet(name)
        if entry is None:
            raise KeyError(name)
        return self._pkg().read(entry.part)

    # -- writing -------------------------------------------------------------------------
    def write_sheets(self, contents: Sequence[SheetContent], *, remove: Sequence[str] = (),
                     order: Sequence[str] | None = None) -> None:
        check_contents(contents)
        pkg = self._pkg()
        try:
            pkg.put_sheets(contents, remove=remove, order=order)
            pkg.save(self.path)
        finally:
            # after a failed write too: the next read must see the file, not the edits
            pkg.close()
            self._package = None
            self._calamine = None

    def close(self) -> None:
        if self._package is not None:
            self._package.close()
            self._package = None
        self._calamine = None

    @classmethod
    def create(cls, path: Path | str, contents: Sequence[SheetContent],
               order: Sequence[str] | None = None,
               created: datetime | None = None) -> FileBackend:
        """A new workbook file holding ``contents`` (the template, the demo company).

        ``created`` stamps the document properties; the same contents and stamp give the
        same bytes, so generated workbooks can be committed and rebuilt."""
        path = Path(path)
        pkg = Package(data=blank_workbook_bytes(created or datetime.now()))
        placeholder = pkg.sheet_names()
        pkg.put_sheets(contents, order=order)
        pkg.put_sheets([], remove=placeholder)
        pkg.save(path)
        return cls(path, check=False)


def blank_workbook_bytes(created: datetime) -> bytes:
    """An empty workbook package from openpyxl (styles, theme, document properties), with
    fixed zip timestamps and ``created`` as its creation and modification time."""
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + stamp.encode(), data)
            dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


_CELL_TAG = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*>')
_FORMULA = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_ERR_VALUE = re.compile(rb"<v>([^<]*)</v>")


def scan_formulas_and_errors(xml: bytes) -> tuple[dict[tuple[int, int], str],
                                                  dict[tuple[int, int], str]]:
    """Cells holding a formula, and cells whose value is an error, found in sheet XML.

    A byte search finds the few places to look at, so a large sheet with none costs
    milliseconds."""
    formulas: dict[tuple[int, int], str] = {}
    errors: dict[tuple[int, int], str] = {}
    for m in _FORMULA.finditer(xml):
        ref = _cell_before(xml, m.start())
        if ref is None:
            continue
        body = m.group(2)
        text = body.decode("utf-8", "replace") if body else "shared formula"
        formulas[parse_ref(ref)] = "=" + text
    pos = xml.find(b't="e"')
    while pos != -1:
        start = xml.rfind(b"<c ", 0, pos)
        tag_end = xml.find(b">", pos)
        m = _CELL_TAG.match(xml, start) if start != -1 else None
        if m:
            end = xml.find(b"</c>", tag_end)
            v = _ERR_VALUE.search(xml, tag_end, end if end != -1 else None)
            errors[parse_ref(m.group(1).decode())] = v.group(1).decode() if v else "#ERROR"
        pos = xml.find(b't="e"', pos + 5)
    return formulas, errors


def _cell_before(xml: bytes, pos: int) -> str | None:
    start = xml.rfind(b"<c ", 0, pos)
    if start == -1:
        return None
    m = _CELL_TAG.match(xml, start)
    return m.group(1).decode() if m else None
