"""The file backend: a workbook on disk, no Excel needed.

Reading uses python-calamine for values (5× openpyxl's read-only mode, FACTS.md) and a
scan of the sheet XML for what cached values hide (formulas, error cells), done only when
a reader asks about a blank or bad cell. Writing splices the run's sheets into the package
(sop_xl.workbook.package) and replaces the file atomically, so the planner's own parts
survive byte for byte; the write holds the workbook's lock (sop_xl.workbook.lock) and keeps
the replaced file as a backup (sop_xl.workbook.backups). ``check_workbook_file`` tells a
planner what a file that is not a readable workbook is instead.
"""

from __future__ import annotations

import functools
import io
import re
import weakref
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree
from python_calamine import CalamineWorkbook

from sop_xl.base.errors import WorkbookError
from sop_xl.base.messages import message
from sop_xl.contract.cells import parse_ref
from sop_xl.contract.raw import RawSheet
from sop_xl.layout.sheet import SheetContent
from sop_xl.workbook import comments, ooxml
from sop_xl.workbook.backend import Backend, check_contents, check_fits_excel
from sop_xl.workbook.backups import backups_wanted, keep_backup
from sop_xl.workbook.comments import LostNote
from sop_xl.workbook.lock import WorkbookLock, open_elsewhere
from sop_xl.workbook.package import Package, StrictPackageError
from sop_xl.workbook.paths import check_may_write, folder_error, real_path

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlam")


_SPREADSHEET_MAIN = ("spreadsheetml.sheet.main", "spreadsheetml.template.main",
                     "ms-excel.sheet.macroEnabled.main", "ms-excel.template.macroEnabled.main",
                     "ms-excel.addin.macroEnabled.main")
# what a file given instead of a workbook turned out to be ("file_kind_<kind>" words)
KINDS = ("xls", "csv", "ods", "txt", "xlsb", "docx", "pptx", "zip", "office")
_OTHER_OOXML = {"sheet.binary.macroEnabled.main": "xlsb", "wordprocessingml": "docx",
                "presentationml": "pptx"}


class NotWorkbookError(WorkbookError):
    """A file that is some other kind of file; names the kind in the reader's language."""

    def __init__(self, path: Path, lang: str, kind: str, suffix: str = "") -> None:
        self.kind, self.suffix = kind, suffix
        super().__init__("file_not_workbook", str(path), lang, kind=kind)

    def render(self, lang: str = "en") -> str:
        code = f"file_kind_{self.kind}" if self.kind in KINDS else \
            "file_kind_suffix" if self.suffix else "file_kind_plain"
        self.params["kind"] = message(code, lang, suffix=self.suffix)
        return super().render(lang)


def check_workbook_file(path: Path, lang: str = "en") -> None:
    """Refuse, with a clear reason, anything that is not a readable .xlsx/.xlsm file."""
    if not path.exists():
        raise WorkbookError("file_missing", str(path), lang)
    if path.is_dir():
        raise WorkbookError("file_is_folder", str(path), lang)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookError("file_unreadable", str(path), lang,
                            detail=exc.strerror or str(exc)) from None
    if size == 0:
        raise WorkbookError("file_empty", str(path), lang)
    if head == _OLE_MAGIC:
        # an OLE compound file is either a legacy .xls or an encrypted OOXML workbook
        if _is_encrypted_ooxml(path):
            raise WorkbookError("file_encrypted", str(path), lang)
        raise NotWorkbookError(path, lang, "xls")
    if not head.startswith(b"PK"):
        suffix = path.suffix.lower()
        raise NotWorkbookError(path, lang, suffix.lstrip("."), suffix)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            types = zf.read("[Content_Types].xml").decode("utf-8", "replace") \
                if "[Content_Types].xml" in names else ""
    except zipfile.BadZipFile as exc:
        # a zip's directory sits at its end: a file that starts as a zip but has no
        # directory was cut short
        code = "file_truncated" if "not a zip file" in str(exc) else "file_corrupt"
        raise WorkbookError(code, str(path), lang, detail=str(exc)) from None
    except (zlib.error, EOFError, OSError) as exc:
        raise WorkbookError("file_corrupt", str(path), lang, detail=str(exc)) from None
    if not types:
        raise NotWorkbookError(path, lang, "ods" if "mimetype" in names else "zip")
    if not any(t in types for t in _SPREADSHEET_MAIN):
        raise NotWorkbookError(path, lang, next(
            (k for t, k in _OTHER_OOXML.items() if t in types), "office"))


def _is_encrypted_ooxml(path: Path) -> bool:
    """An OLE file holding an "EncryptedPackage" stream is a password-protected .xlsx; any
    other OLE file is a legacy .xls (or .doc)."""
    try:
        import olefile
    except ImportError:  # olefile comes with oletools; without it, look for the name
        return "EncryptedPackage".encode("utf-16-le") in path.read_bytes()
    try:
        with olefile.OleFileIO(str(path)) as ole:
            return bool(ole.exists("EncryptedPackage"))
    except Exception:  # a damaged OLE file: judge by the extension
        return path.suffix.lower() in WORKBOOK_SUFFIXES


class FileBackend(Backend):
    """A workbook file (.xlsx, .xlsm) read and written without Excel.

    A write holds the workbook's lock (sop_xl.workbook.lock), refuses when Excel or
    LibreOffice has the file open or when the file changed since this backend read it
    (someone saved over it meanwhile: writing would lose their work), keeps a backup of
    the file it replaces (``backups`` copies; None = the workbook's "Backups kept"
    setting) and replaces the file atomically.
    """

    def __init__(self, path: Path | str, *, lang: str = "en", check: bool = True,
                 backups: int | None = None) -> None:
        # resolved once: the real file is read, locked and replaced, never a link to it
        self.path = real_path(path)
        self.name = self.path.name
        self.lang = lang
        self.backups = backups
        #: the backup made by the last write, if any
        self.last_backup: Path | None = None
        if check:
            check_workbook_file(self.path, lang)
        self._calamine: CalamineWorkbook | None = None
        self._package: Package | None = None
        self._seen: tuple[int, int, int] | None = None
        self._unscanned: list[weakref.ref[FileSheet]] = []

    # -- reading -------------------------------------------------------------------------
    def _identity(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _note_seen(self) -> None:
        """Remember which version of the file this backend reads; values (calamine) and
        parts (the package) are opened separately and must come from the same one."""
        now = self._identity()
        if self._seen is None:
            self._seen = now
        elif now != self._seen:
            raise WorkbookError("file_changed", str(self.path), self.lang)

    def _pkg(self) -> Package:
        if self._package is None:
            self._note_seen()
            try:
                self._package = Package(self.path)
            except StrictPackageError:
                raise WorkbookError("file_strict", str(self.path), self.lang) from None
            except (etree.XMLSyntaxError, KeyError, ValueError, UnicodeDecodeError,
                    zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise WorkbookError("file_corrupt", str(self.path), self.lang,
                                    detail=_short(exc)) from None
        return self._package

    def _book(self) -> CalamineWorkbook:
        if self._calamine is None:
            self._note_seen()
            try:
                self._calamine = CalamineWorkbook.from_path(str(self.path))
            except Exception as exc:  # calamine raises several unrelated types
                raise WorkbookError("file_corrupt", str(self.path), self.lang,
                                    detail=_short(exc)) from None
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
        except WorkbookError:
            raise
        except Exception as exc:  # a damaged part: bad CRC, bad deflate data, bad XML
            raise WorkbookError("file_corrupt_sheet", str(self.path), self.lang,
                                sheet=entry.name, detail=_short(exc)) from None
        pkg = self._pkg()
        sheet = FileSheet(entry.name, rows, merged,
                          lambda: self._scan(pkg, entry.part, entry.name))
        sheet.date1904 = pkg.date1904
        self._unscanned.append(weakref.ref(sheet))
        return sheet

    def _scan(self, pkg: Package, part: str, name: str) -> CellScan:
        """The formula/error scan of a sheet, from the package its values came from."""
        try:
            return scan_cells(pkg.read(part))
        except Exception as exc:  # a damaged part: bad CRC, bad deflate data
            raise WorkbookError("file_corrupt_sheet", str(self.path), self.lang,
                                sheet=name, detail=_short(exc)) from None

    def sheet_xml(self, name: str) -> bytes:
        entry = self._pkg().sheet(name)
        if entry is None:
            raise KeyError(name)
        return self._pkg().read(entry.part)

    # -- writing -------------------------------------------------------------------------
    keeps_properties = True

    def read_properties(self) -> dict[str, str]:
        return self._pkg().custom_properties()

    def write_sheets(self, contents: Sequence[SheetContent], *, remove: Sequence[str] = (),
                     order: Sequence[str] | None = None,
                     properties: Mapping[str, str] | None = None) -> None:
        check_contents(contents)  # a fault in the code, found before anything is touched
        check_fits_excel(contents, str(self.path), self.lang)
        check_may_write(self.path, self.lang)  # before the lock: a read-only folder has none
        with WorkbookLock(self.path, command="write", lang=self.lang):
            self.check_writable()
            keep = self.backups if self.backups is not None else backups_wanted(self)
            pkg = self._pkg()
            moves, _ = self.note_moves(contents)  # the planner's notes follow their cells
            for ref in self._unscanned:  # sheets read before: scan the version their
                sheet = ref()            # values came from, while it still exists
                if sheet is not None:
                    sheet.scan()
            self._unscanned.clear()
            if self._calamine is not None:  # Windows cannot replace a file still open
                self._calamine.close()
                self._calamine = None
            try:
                pkg.put_sheets(contents, remove=remove, order=order, notes=moves)
                pkg.set_custom_properties(properties or {})
                self.last_backup = None
                _save(pkg, self.path, keep, self, self.lang)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                # a damaged part the run copies over (styles, a planner's chart ...)
                raise WorkbookError("file_corrupt", str(self.path), self.lang,
                                    detail=_short(exc)) from None
            finally:
                # after a failed write too: the next read must see the file, not the edits
                pkg.close()
                self._package = None
                self._calamine = None
                self._seen = None

    def note_moves(self, contents: Sequence[SheetContent]) -> tuple[
            dict[str, dict[str, str | None]], list[LostNote]]:
        """Where the notes of the sheets these contents replace go (sheet → old cell →
        new cell or None), and the notes that have no cell any more."""
        pkg = self._pkg()
        moves: dict[str, dict[str, str | None]] = {}
        gone: list[LostNote] = []
        for c in contents:
            entry = pkg.sheet(c.name)
            if entry is None or not comments.has_notes(pkg, entry):
                continue
            found = comments.read(pkg, entry)
            if found is None:
                continue
            rows = self.read_sheet(entry.name).rows
            moves[c.name] = comments.relocate(rows, c, [n.ref for n in found.notes])
            gone += comments.lost(entry.name, found, moves[c.name])
        return moves, gone

    def notes_lost(self, contents: Sequence[SheetContent]) -> list[LostNote]:
        return self.note_moves(contents)[1]

    def check_writable(self) -> None:
        """Refuse to write when the workbook (or its folder) is read-only, is open in
        Excel/LibreOffice, or was saved by someone else since this backend read it."""
        check_may_write(self.path, self.lang)
        elsewhere = open_elsewhere(self.path)
        if elsewhere is not None:
            raise elsewhere.error(self.path, self.lang)
        if self._seen is not None and self._identity() != self._seen:
            raise WorkbookError("file_changed", str(self.path), self.lang)

    def close(self) -> None:
        if self._package is not None:
            self._package.close()
            self._package = None
        self._calamine = None

    # -- what callers need besides the sheets ------------------------------------------------
    @property
    def location(self) -> Path:
        return self.path

    def revision(self) -> tuple[str, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (str(self.path), st.st_mtime_ns, st.st_size)

    def sheet_fingerprints(self, sheets: Sequence[str]) -> dict[str, str]:
        """CRC-32 and size of each sheet's worksheet part, as the zip directory records
        them: free to read, and equal exactly when the part's bytes are (a collision
        needs intent)."""
        if not sheets:
            return {}
        pkg = Package(self.path)
        try:
            parts = {e.name.lower(): e.part for e in pkg.sheets}
        finally:
            pkg.close()
        out = {}
        with zipfile.ZipFile(self.path) as z:
            names = set(z.namelist())
            for s in sheets:
                part = parts.get(s.lower())
                if part in names:
                    info = z.getinfo(part)
                    out[s] = f"{info.CRC:08x}{info.file_size:x}"
        return out

    @classmethod
    def create(cls, path: Path | str, contents: Sequence[SheetContent],
               order: Sequence[str] | None = None, created: datetime | None = None, *,
               lang: str = "en") -> FileBackend:
        """A new workbook file holding ``contents`` (the template, the demo company).

        ``created`` stamps the document properties; the same contents and stamp give the
        same bytes, so generated workbooks can be committed and rebuilt. A file already at
        ``path`` (the caller chose to overwrite it) is replaced atomically and kept as a
        backup, like any other save."""
        path = real_path(path)
        check_contents(contents)
        check_fits_excel(contents, str(path), lang)
        pkg = Package(data=blank_workbook_bytes(created or datetime.now()))
        placeholder = pkg.sheet_names()
        pkg.put_sheets(contents, order=order)
        pkg.put_sheets([], remove=placeholder)
        check_may_write(path, lang)
        with WorkbookLock(path, command="create", lang=lang):
            keep = 0
            if path.exists():
                elsewhere = open_elsewhere(path)
                if elsewhere is not None:
                    raise elsewhere.error(path, lang)
                old = cls(path, check=False, lang=lang)
                keep = backups_wanted(old)
                old.close()
            _save(pkg, path, keep, None, lang)
        return cls(path, check=False, lang=lang)


def _save(pkg: Package, path: Path, keep: int, backend: FileBackend | None,
          lang: str) -> None:
    """``pkg.save`` with a backup of the file it replaces and errors a planner can act on."""

    def backup(target: Path) -> None:
        made = keep_backup(target, keep) if target.exists() else None
        if backend is not None:
            backend.last_backup = made

    try:
        pkg.save(path, before_replace=backup)
    except PermissionError as exc:
        check_may_write(path, lang)  # a read-only file or folder, said as such
        if exc.filename is not None and Path(exc.filename).parent == path.parent \
                and Path(exc.filename) != path and not Path(exc.filename).exists():
            raise folder_error(path, lang) from None  # no new file could be made there
        # Windows: Excel (or a virus scanner, a sync client) holds the file open
        raise WorkbookError("file_in_use", str(path), lang,
                            detail=exc.strerror or str(exc)) from None
    except OSError as exc:
        raise WorkbookError("write_failed", str(path), lang,
                            detail=exc.strerror or str(exc)) from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


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
                core = ooxml.parse(data)
                for name in ("created", "modified"):
                    for el in core.iter(f"{{{ooxml.DCTERMS}}}{name}"):
                        el.text = stamp
                data = ooxml.serialize(core)
            dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")


class _CellPatterns:
    """The byte patterns of one sheet's cells, for its main-namespace prefix (none, or the
    ``x:`` some producers write)."""

    def __init__(self, p: bytes) -> None:
        self.cell_start = b"<" + p + b"c "
        self.cell_end = b"</" + p + b"c>"
        self.cell = re.compile(b"<" + p + rb"""c\b[^>]*?\br=["']([A-Z]+[0-9]+)["'][^>]*>""")
        self.formula = re.compile(b"<" + p + rb"f\b([^>]*?)(?:/>|>(.*?)</" + p + b"f>)", re.S)
        self.value = re.compile(b"<" + p + rb"v>([^<]*)</" + p + b"v>")
        self.has_value = re.compile(b"<" + p + rb"v>[^<]")
        self.error = re.compile(rb"""\bt=["']e["']""")
        self.text_result = re.compile(rb"""\bt=["']str["']""")

    @staticmethod
    def of(xml: bytes) -> _CellPatterns:
        m = _ROOT_PREFIX.search(xml, 0, 4096)
        return _patterns((m.group(1) or b"") if m else b"")


@functools.lru_cache(maxsize=8)
def _patterns(prefix: bytes) -> _CellPatterns:
    return _CellPatterns(prefix)


class FileSheet(RawSheet):
    """A sheet read from a file: values at once, the scan of its XML for formulas and
    error cells only when first asked for. Readers ask only about blank or bad cells (an
    error cell reads as blank), so a 900,000-row sheet of plain values is never
    decompressed a second time (~200 MB and seconds saved)."""

    def __init__(self, name: str, rows: list[list], merged: list[tuple[int, int, int, int]],
                 scan: Callable[[], CellScan]) -> None:
        self.name = name
        self.rows = rows
        self.merged = merged
        self._scan_fn = scan
        self._scanned: CellScan | None = None

    def scan(self) -> CellScan:
        """Scan the sheet's XML now (once)."""
        if self._scanned is None:
            self._scanned = self._scan_fn()
            self._scan_fn = None  # type: ignore[assignment]  # frees the backend
        return self._scanned

    @property  # type: ignore[override]
    def formulas(self) -> dict[tuple[int, int], str]:
        return self.scan().formulas

    @property  # type: ignore[override]
    def errors(self) -> dict[tuple[int, int], str]:
        return self.scan().errors

    @property  # type: ignore[override]
    def uncached(self) -> set[tuple[int, int]]:
        return self.scan().uncached


@dataclass
class CellScan:
    """What a sheet's cached values hide, by (row, col), 0-based: formula text of formula
    cells, the error of error cells (#N/A, #DIV/0! ...), and the formula cells that hold no
    calculated value at all (written by a program, never recalculated)."""

    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    uncached: set[tuple[int, int]] = field(default_factory=set)


def scan_formulas_and_errors(xml: bytes) -> tuple[dict[tuple[int, int], str],
                                                  dict[tuple[int, int], str]]:
    """Cells holding a formula, and cells whose value is an error, found in sheet XML."""
    scan = scan_cells(xml)
    return scan.formulas, scan.errors


def scan_cells(xml: bytes) -> CellScan:
    """Formula, error and uncached formula cells of one sheet's XML.

    A byte search finds the few places to look at, so a large sheet with none costs
    milliseconds. A formula cell counts as calculated when it has a non-empty ``<v>`` or
    is a text result (``t="str"``: an empty text result, e.g. from ``=IF(A2="","",…)``,
    is a value). Formula text comes back unescaped (``&amp;``, ``&#35831;`` ...)."""
    pat = _CellPatterns.of(xml)
    out = CellScan()
    for m in pat.formula.finditer(xml):
        start = xml.rfind(pat.cell_start, 0, m.start())
        cm = pat.cell.match(xml, start) if start != -1 else None
        if cm is None:
            continue
        rc = parse_ref(cm.group(1).decode())
        body = m.group(2)
        text = ooxml.unescape(body.decode("utf-8", "replace")) if body else "shared formula"
        out.formulas[rc] = "=" + text
        end = xml.find(pat.cell_end, m.end())
        rest = xml[m.end():end] if end != -1 else b""
        if not pat.has_value.search(rest) and not pat.text_result.search(cm.group(0)):
            out.uncached.add(rc)
    for e in pat.error.finditer(xml):
        start = xml.rfind(pat.cell_start, 0, e.start())
        tag_end = xml.find(b">", e.end())
        m = pat.cell.match(xml, start) if start != -1 else None
        if m and m.end() > e.start():  # the t="e" belongs to this cell's tag
            end = xml.find(pat.cell_end, tag_end)
            v = pat.value.search(xml, tag_end, end if end != -1 else len(xml))
            rc = parse_ref(m.group(1).decode())
            out.errors[rc] = ooxml.unescape(v.group(1).decode()) if v else "#ERROR"
            out.uncached.discard(rc)
    return out
