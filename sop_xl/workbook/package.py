"""An .xlsx/.xlsm file as a package of parts, edited by splicing.

A run replaces or adds only its own sheet parts; every other part of the planner's workbook
(input sheets, their own sheets, charts, pivot tables, shapes, comments, names, the VBA
project, the ribbon) is copied byte for byte. Loading the workbook into openpyxl and saving
it would rebuild charts and drop pivots and shapes (FACTS.md), and take ~18 s at 1 M cells.

The XML of the workbook, its relationships, content types and styles is edited as text,
not re-serialised: Excel files declare namespace prefixes that ``mc:Ignorable`` names, and
an XML library that renames prefixes would make Excel call the file corrupt.
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import re
import socket
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import unescape

from sop_xl.workbook import xlsx
from sop_xl.workbook.sheet import SheetContent
from sop_xl.workbook.styles import DXF_STYLES, CellStyle

CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
REL_CALC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
REL_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
NS_REL = xlsx.NS_REL

_BUILTIN_NUMFMT = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                   "0.00%": 10}


@dataclass
class SheetEntry:
    """A sheet as workbook.xml lists it."""

    name: str
    sheet_id: int
    rid: str
    part: str
    state: str | None = None


def _attrs(tag: str) -> dict[str, str]:
    return {k: unescape(v, {"&quot;": '"'}) for k, v in
            re.findall(r'([\w:]+)="([^"]*)"', tag)}


def _resolve_target(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def _rels_part(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


class Package:
    """Read parts lazily; stage replacements; write a new file atomically."""

    def __init__(self, path: Path | str | None = None, data: bytes | None = None) -> None:
        self.path = Path(path) if path else None
        if data is None:
            assert self.path is not None
            data = self.path.read_bytes() if self.path.stat().st_size < 2**20 else None
        self._zip = zipfile.ZipFile(io.BytesIO(data) if data is not None else str(self.path))
        self._infos = {i.filename: i for i in self._zip.infolist()}
        self._order = [i.filename for i in self._zip.infolist()]
        self._parts: dict[str, bytes] = {}
        self._deleted: set[str] = set()
        self._load_workbook()

    # -- reading -------------------------------------------------------------------------
    def has(self, part: str) -> bool:
        return part not in self._deleted and (part in self._parts or part in self._infos)

    def read(self, part: str) -> bytes:
        if part in self._parts:
            return self._parts[part]
        if part in self._deleted or part not in self._infos:
            raise KeyError(part)
        return self._zip.read(part)

    def text(self, part: str) -> str:
        return self.read(part).decode("utf-8")

    def names(self) -> list[str]:
        return [n for n in [*self._order, *(p for p in self._parts if p not in self._infos)]
                if n not in self._deleted]

    def _load_workbook(self) -> None:
        rels = self.text("_rels/.rels")
        m = re.search(r'<Relationship\b[^>]*officeDocument"[^>]*/?>', rels) or re.search(
            r'<Relationship\b[^>]*Type="[^"]*/officeDocument"[^>]*>', rels)
        if not m:
            raise ValueError("no workbook part in _rels/.rels")
        self.workbook_part = _resolve_target("", _attrs(m.group(0))["Target"])
        self.workbook_dir = posixpath.dirname(self.workbook_part)
        self.workbook_rels_part = _rels_part(self.workbook_part)
        wb = self.text(self.workbook_part)
        m = re.search(r'xmlns:(\w+)="' + re.escape(NS_REL) + '"', wb)
        self.r_prefix = m.group(1) if m else "r"
        targets = {}
        for tag in re.findall(r"<Relationship\b[^>]*>", self.text(self.workbook_rels_part)):
            a = _attrs(tag)
            targets[a["Id"]] = (a.get("Type", ""), a.get("Target", ""))
        self.sheets: list[SheetEntry] = []
        for tag in re.findall(r"<sheet\b[^>]*>", wb):
            a = _attrs(tag)
            rid = a.get(f"{self.r_prefix}:id") or next(
                (v for k, v in a.items() if k.endswith(":id")), "")
            _rtype, target = targets.get(rid, ("", ""))
            part = _resolve_target(self.workbook_dir, target) if target else ""
            self.sheets.append(SheetEntry(unescape(a["name"], {"&quot;": '"', "&apos;": "'"}),
                                          int(a["sheetId"]), rid, part, a.get("state")))

    def sheet(self, name: str) -> SheetEntry | None:
        low = name.lower()
        return next((s for s in self.sheets if s.name.lower() == low), None)

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    # -- editing -------------------------------------------------------------------------
    def write(self, part: str, data: bytes | str) -> None:
        self._parts[part] = data.encode("utf-8") if isinstance(data, str) else data
        self._deleted.discard(part)

    def delete(self, part: str) -> None:
        self._parts.pop(part, None)
        if part in self._infos:
            self._deleted.add(part)

    def put_sheets(self, contents: Sequence[SheetContent], remove: Iterable[str] = (),
                   order: Sequence[str] | None = None) -> None:
        """Replace sheets of the same name (in place) or append new ones; remove others.

        ``order``, when given, is the sheet order wanted for the named sheets; sheets it does
        not name keep their relative place after them.
        """
        styles_part = self._styles_part()
        used: set[CellStyle] = set()
        for c in contents:
            used.update(c.all_styles())
        styles_xml, xf_of, dxf_of = merge_styles(self.text(styles_part), sorted(
            used, key=repr), DXF_STYLES)
        self.write(styles_part, styles_xml)

        old_index = {s.name.lower(): i for i, s in enumerate(self.sheets)}
        removed_idx = []
        for name in remove:
            entry = self.sheet(name)
            if entry is not None:
                removed_idx.append(old_index[entry.name.lower()])
                self._drop_sheet_parts(entry, keep_drawings=False)
                self._remove_rel(entry.rid)
                # the worksheet part itself goes too, not left behind unreferenced (and the
                # file never shrinks otherwise)
                for part in (entry.part, _rels_part(entry.part)):
                    if self.has(part):
                        self.delete(part)
                self._remove_override(entry.part)
                self.sheets.remove(entry)
        # drop the replaced sheets' own parts first, so their table names become free
        kept_of: dict[str, list[tuple[str, str, str, str]]] = {}
        for content in contents:
            entry = self.sheet(content.name)
            if entry is not None:
                kept_of[content.name] = self._drop_sheet_parts(entry, keep_drawings=True)
        table_ids = self._table_ids()
        table_names = self._table_names()
        for content in contents:
            entry = self.sheet(content.name)
            kept = kept_of.get(content.name, [])
            if entry is None:
                part = self._new_part_name("worksheets/sheet", ".xml")
                rid = self._add_rel(REL_SHEET, posixpath.relpath(part, self.workbook_dir))
                entry = SheetEntry(content.name, self._next_sheet_id(), rid, part)
                self.sheets.append(entry)
                self._add_override(part, CT_SHEET)
            else:
                entry.name = content.name
            rels = [(rid, typ, target) for rid, typ, target, _ in kept]
            extra = [(el, rid) for rid, _, _, el in kept]
            table_rid = None
            if content.table is not None:
                name = content.table.name
                base, k = name, 2
                while name.lower() in table_names:
                    name, k = f"{base}{k}", k + 1
                table_names.add(name.lower())
                if name != content.table.name:
                    content.table = replace(content.table, name=name)
                tid = max(table_ids, default=0) + 1
                table_ids.add(tid)
                tpart = self._new_part_name("tables/table", ".xml", base_dir="xl")
                self.write(tpart, xlsx.table_xml(content, tid))
                self._add_override(tpart, CT_TABLE)
                table_rid = "rId1"
                while any(r[0] == table_rid for r in rels):
                    table_rid = f"rId{int(table_rid[3:]) + 1}"
                rels.append((table_rid, REL_TABLE,
                             posixpath.relpath(tpart, posixpath.dirname(entry.part))))
            self.write(entry.part, xlsx.worksheet_xml(content, xf_of, dxf_of, table_rid, extra))
            if rels:
                self.write(_rels_part(entry.part), _rels_xml(rels))
            else:
                self.delete(_rels_part(entry.part))
        if order:
            self._reorder(order)
        self._drop_calc_chain()
        self._write_workbook(old_index, removed_idx, contents)
        self._strip_app_titles()

    # -- helpers -------------------------------------------------------------------------
    def _styles_part(self) -> str:
        for tag in re.findall(r"<Relationship\b[^>]*>", self.text(self.workbook_rels_part)):
            a = _attrs(tag)
            if a.get("Type", "").endswith("/styles"):
                return _resolve_target(self.workbook_dir, a["Target"])
        raise ValueError("workbook has no styles part")

    def _new_part_name(self, stem: str, ext: str, base_dir: str | None = None) -> str:
        base = base_dir or self.workbook_dir
        existing = set(self.names())
        n = 1
        while posixpath.join(base, f"{stem}{n}{ext}") in existing:
            n += 1
        return posixpath.join(base, f"{stem}{n}{ext}")

    def _next_sheet_id(self) -> int:
        return max((s.sheet_id for s in self.sheets), default=0) + 1

    def _sheet_rels(self, entry: SheetEntry) -> list[tuple[str, str, str, str]]:
        """(rId, type, target, mode) of the sheet's relationships."""
        rp = _rels_part(entry.part)
        if not self.has(rp):
            return []
        out = []
        for tag in re.findall(r"<Relationship\b[^>]*>", self.text(rp)):
            a = _attrs(tag)
            out.append((a["Id"], a.get("Type", ""), a.get("Target", ""),
                        a.get("TargetMode", "")))
        return out

    def _drop_sheet_parts(self, entry: SheetEntry,
                          keep_drawings: bool) -> list[tuple[str, str, str, str]]:
        """Delete the parts only this sheet uses; return drawing rels to carry over as
        (rId, type, target, element)."""
        kept = []
        sheet_dir = posixpath.dirname(entry.part)
        for rid, typ, target, mode in self._sheet_rels(entry):
            if mode == "External":
                continue
            part = _resolve_target(sheet_dir, target)
            if keep_drawings and typ == REL_DRAWING:
                kept.append((rid, typ, target, "drawing"))
                continue
            if typ.endswith(("/table", "/comments", "/vmlDrawing", "/printerSettings")):
                self.delete(part)
                self._remove_override(part)
        return kept

    def _table_ids(self) -> set[int]:
        ids = set()
        for n in self.names():
            if n.startswith("xl/tables/") and n.endswith(".xml"):
                m = re.search(rb'<table\b[^>]*?\bid="(\d+)"', self.read(n)[:2000])
                if m:
                    ids.add(int(m.group(1)))
        return ids

    def _table_names(self) -> set[str]:
        names = set()
        for n in self.names():
            if n.startswith("xl/tables/") and n.endswith(".xml"):
                m = re.search(rb'<table\b[^>]*?\bname="([^"]+)"', self.read(n)[:2000])
                if m:
                    names.add(m.group(1).decode().lower())
        return names

    def _add_rel(self, typ: str, target: str) -> str:
        rels = self.text(self.workbook_rels_part)
        ids = {int(x) for x in re.findall(r'Id="rId(\d+)"', rels)}
        rid = f"rId{max(ids, default=0) + 1}"
        rels = rels.replace("</Relationships>",
                            f'<Relationship Id="{rid}" Type="{typ}" Target="{target}"/>'
                            "</Relationships>")
        self.write(self.workbook_rels_part, rels)
        return rid

    def _remove_rel(self, rid: str) -> None:
        rels = self.text(self.workbook_rels_part)
        rels = re.sub(r'<Relationship\b[^>]*\bId="' + re.escape(rid) + r'"[^>]*/>', "", rels)
        self.write(self.workbook_rels_part, rels)

    def _add_override(self, part: str, ctype: str) -> None:
        ct = self.text("[Content_Types].xml")
        if f'PartName="/{part}"' in ct:
            return
        ct = ct.replace("</Types>", f'<Override PartName="/{part}" ContentType="{ctype}"/>'
                        "</Types>")
        self.write("[Content_Types].xml", ct)

    def _remove_override(self, part: str) -> None:
        ct = self.text("[Content_Types].xml")
        new = re.sub(r'<Override\b[^>]*PartName="/' + re.escape(part) + r'"[^>]*/>', "", ct)
        if new != ct:
            self.write("[Content_Types].xml", new)

    def _drop_calc_chain(self) -> None:
        # The calculation chain lists formula cells; replaced sheets invalidate it and Excel
        # rebuilds it on open (a stale one makes Excel "repair" the file).
        rels = self.text(self.workbook_rels_part)
        for tag in re.findall(r"<Relationship\b[^>]*>", rels):
            a = _attrs(tag)
            if a.get("Type") == REL_CALC:
                part = _resolve_target(self.workbook_dir, a["Target"])
                self.delete(part)
                self._remove_override(part)
                self._remove_rel(a["Id"])

    def _reorder(self, order: Sequence[str]) -> None:
        rank = {n.lower(): i for i, n in enumerate(order)}
        named = [s for s in self.sheets if s.name.lower() in rank]
        named.sort(key=lambda s: rank[s.name.lower()])
        others = [s for s in self.sheets if s.name.lower() not in rank]
        self.sheets = named + others

    def _write_workbook(self, old_index: dict[str, int], removed: list[int],
                        written: Sequence[SheetContent]) -> None:
        wb = self.text(self.workbook_part)
        p = self.r_prefix
        sheets_xml = "<sheets>" + "".join(
            f'<sheet name="{xlsx.xml_attr(s.name)}" sheetId="{s.sheet_id}"'
            + (f' state="{s.state}"' if s.state else "") + f' {p}:id="{s.rid}"/>'
            for s in self.sheets) + "</sheets>"
        wb = re.sub(r"<sheets>.*?</sheets>|<sheets/>", lambda _: sheets_xml, wb, count=1,
                    flags=re.S)
        # local defined names follow their sheet to its new position
        new_index = {s.name.lower(): i for i, s in enumerate(self.sheets)}
        old_to_new = {}
        for name, i in old_index.items():
            if name in new_index:
                old_to_new[i] = new_index[name]
        written_idx = {new_index[c.name.lower()] for c in written}
        names = []
        m = re.search(r"<definedNames>(.*?)</definedNames>", wb, flags=re.S)
        if m:
            for tag, body in re.findall(r"(<definedName\b[^>]*>)(.*?)</definedName>",
                                        m.group(1), flags=re.S):
                a = _attrs(tag)
                if "localSheetId" in a:
                    old = int(a["localSheetId"])
                    if old not in old_to_new:
                        continue
                    new = old_to_new[old]
                    if new in written_idx and a.get("name", "").startswith(
                            ("_xlnm._FilterDatabase", "_xlnm.Print_Titles")):
                        continue
                    tag = re.sub(r'localSheetId="\d+"', f'localSheetId="{new}"', tag)
                names.append(tag + body + "</definedName>")
        for c in written:
            idx = new_index[c.name.lower()]
            qn = _quote(c.name)
            if c.freeze and c.freeze[0]:
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{idx}">'
                             f"{xlsx.xml_text(qn)}!$1:${c.freeze[0]}</definedName>")
            box = c.autofilter if c.table is None else None
            if box is not None:
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{idx}" '
                             f'hidden="1">{xlsx.xml_text(qn)}!{_abs(box.a1())}</definedName>')
        block = "<definedNames>" + "".join(names) + "</definedNames>" if names else ""
        if m:
            wb = wb[:m.start()] + block + wb[m.end():]
        elif block:
            wb = re.sub(r"(</sheets>(?:<externalReferences>.*?</externalReferences>)?)",
                        lambda mm: mm.group(1) + block, wb, count=1, flags=re.S)
        # Ask Excel to recalculate on open: formulas a run wrote refer to fresh values.
        if "<calcPr" in wb:
            if "fullCalcOnLoad" not in wb:
                wb = re.sub(r"<calcPr\b", '<calcPr fullCalcOnLoad="1"', wb, count=1)
        else:
            calc = '<calcPr calcId="191029" fullCalcOnLoad="1"/>'
            for anchor in ("</definedNames>", "</externalReferences>", "</sheets>"):
                if anchor in wb:
                    wb = wb.replace(anchor, anchor + calc, 1)
                    break
        n = len(self.sheets)
        wb = re.sub(r'activeTab="(\d+)"',
                    lambda mm: f'activeTab="{min(int(mm.group(1)), n - 1)}"', wb)
        wb = re.sub(r'firstSheet="(\d+)"',
                    lambda mm: f'firstSheet="{min(int(mm.group(1)), n - 1)}"', wb)
        self.write(self.workbook_part, wb)

    def _strip_app_titles(self) -> None:
        # docProps/app.xml lists sheet names; the list is optional, a stale one is not.
        if not self.has("docProps/app.xml"):
            return
        app = self.text("docProps/app.xml")
        new = re.sub(r"<HeadingPairs>.*?</HeadingPairs>|<TitlesOfParts>.*?</TitlesOfParts>",
                     "", app, flags=re.S)
        if new != app:
            self.write("docProps/app.xml", new)

    def set_content_type(self, ctype: str) -> None:
        """Change the workbook part's content type (e.g. to macro-enabled)."""
        ct = self.text("[Content_Types].xml")
        ct = re.sub(r'(<Override\b[^>]*PartName="/' + re.escape(self.workbook_part)
                    + r'"[^>]*ContentType=")[^"]*(")', r"\g<1>" + ctype + r"\2", ct)
        self.write("[Content_Types].xml", ct)

    # -- saving --------------------------------------------------------------------------
    def save(self, target: Path | str, *,
             before_replace: Callable[[Path], None] | None = None) -> None:
        """Write the package to ``target`` atomically: a temporary file in the same folder,
        flushed to disk, then renamed over the target, so the target is at every moment
        either the old file or the new one. ``before_replace(target)`` runs once the new
        file is complete, just before the rename (e.g. to keep a backup of the old file).
        The package is closed afterwards, also when the save fails."""
        target = Path(target)
        folder = target.parent
        remove_stale_temporaries(folder)
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(), suffix=target.suffix, dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                self.write_to(fh)
                fh.flush()
                os.fsync(fh.fileno())
            _check_written(tmp, self.names())
            os.chmod(tmp, _mode_for(target))  # mkstemp makes 0600: keep the old file's mode
            self.close()  # Windows cannot replace a file this process still has open
            if before_replace is not None:
                before_replace(target)
            os.replace(tmp, target)
        except BaseException:
            self.close()
            with _suppress():
                os.unlink(tmp)
            raise
        _fsync_dir(folder)

    def write_to(self, fh) -> None:
        names = self.names()
        if "[Content_Types].xml" in names:
            names.remove("[Content_Types].xml")
            names.insert(0, "[Content_Types].xml")
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as out:
            for n in names:
                info = self._infos.get(n)
                zi = zipfile.ZipInfo(n, date_time=info.date_time if info else
                                     (1980, 1, 1, 0, 0, 0))
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = 0o600 << 16
                data = self.read(n)
                # level 1 is ~3× faster than 6 and costs ~15% size on sheet XML
                out.writestr(zi, data, compresslevel=1 if len(data) > 1 << 20 else 6)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.write_to(buf)
        return buf.getvalue()

    def close(self) -> None:
        self._zip.close()


@contextlib.contextmanager
def atomic_path(target: Path | str, *, backups: int = 0) -> Iterator[Path]:
    """A temporary path beside ``target`` for writers that make a whole file themselves
    (xlsxwriter, openpyxl): the file replaces ``target`` only when the block ends without
    an error, after ``backups`` > 0 keeps a copy of the file it replaces; on an error, or
    if the process dies, ``target`` is untouched. ::

        with atomic_path(pack_path) as tmp:
            xlsxwriter.Workbook(str(tmp)).close()
    """
    from sop_xl.workbook.backups import keep_backup

    target = Path(target)
    remove_stale_temporaries(target.parent)
    fd, name = tempfile.mkstemp(prefix=_temp_prefix(), suffix=target.suffix,
                                dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        if backups > 0 and target.exists():
            keep_backup(target, backups)
        os.replace(tmp, target)
    except BaseException:
        with _suppress():
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


TEMP_PREFIX = ".~sopxl-"
_STALE_TEMP_AGE = 24 * 3600  # seconds after which any host's leftover temporary is removed


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())[:40] or "host"


def _temp_prefix() -> str:
    """``.~sopxl-HOST-PID-``: a crashed save's leftover names its maker."""
    return f"{TEMP_PREFIX}{_host()}-{os.getpid()}-"


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete temporaries of saves that were killed: made on this host by a process that
    is gone, or older than a day (any host; a network share's other users)."""
    from sop_xl.workbook.lock import pid_alive

    removed = []
    mine = re.compile(re.escape(TEMP_PREFIX + _host()) + r"-(\d+)-")
    try:
        entries = [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    now = time.time()
    for p in entries:
        m = mine.match(p.name)
        try:
            old = now - p.stat().st_mtime > _STALE_TEMP_AGE
            if (m and not pid_alive(int(m.group(1)))) or old:
                p.unlink()
                removed.append(p)
        except OSError:
            continue
    return removed


def _mode_for(target: Path) -> int:
    """The permission bits the saved file should have: the old file's, or for a new file
    what the user's umask gives an ordinary file."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _check_written(path: str, names: list[str]) -> None:
    """The file just written is a zip holding every part (catches a short write that did
    not raise, e.g. on some network file systems)."""
    with zipfile.ZipFile(path) as zf:
        written = zf.namelist()
    if sorted(written) != sorted(names):
        raise OSError(f"the new file {path} is incomplete")


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles for this."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return True


def _quote(name: str) -> str:
    from sop_xl.workbook.cells import quote_sheet
    return quote_sheet(name)


def _abs(ref: str) -> str:
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)


def _rels_xml(rels: list[tuple[str, str, str]]) -> str:
    body = "".join(f'<Relationship Id="{rid}" Type="{typ}" Target="{xlsx.xml_attr(target)}"/>'
                   for rid, typ, target in rels)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{body}</Relationships>')


# -- styles ----------------------------------------------------------------------------

def _section(xml: str, tag: str) -> tuple[int, int, str] | None:
    """(start, end, inner) of ``<tag ...>inner</tag>``, or of a self-closing ``<tag/>``."""
    m = re.search(rf"<{tag}\b[^>]*?/>|<{tag}\b[^>]*>(.*?)</{tag}>", xml, flags=re.S)
    if not m:
        return None
    return m.start(), m.end(), m.group(1) or ""


def _children(inner: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\b[^>]*?/>|<{tag}\b[^>]*?>.*?</{tag}>", inner, flags=re.S)


def _merge_section(xml: str, tag: str, child: str, wanted: list[str],
                   insert_after: tuple[str, ...] = ()) -> tuple[str, list[int]]:
    """Append the ``wanted`` child elements that are not already there; their indices."""
    sec = _section(xml, tag)
    if sec is None:
        # create the section after the first of ``insert_after`` found (schema order)
        pos = 0
        for prev in insert_after:
            s = _section(xml, prev)
            if s:
                pos = s[1]
                break
        else:
            pos = xml.index(">", xml.index("<styleSheet")) + 1
        xml = xml[:pos] + f'<{tag} count="0"></{tag}>' + xml[pos:]
        sec = _section(xml, tag)
        assert sec
    start, end, inner = sec
    existing = _children(inner, child)
    index = {e: i for i, e in reversed(list(enumerate(existing)))}
    ids = []
    added = []
    for w in wanted:
        if w in index:
            ids.append(index[w])
            continue
        index[w] = len(existing) + len(added)
        ids.append(index[w])
        added.append(w)
    if added:
        whole = xml[start:end]
        open_tag = re.match(rf"<{tag}\b[^>]*?/?>", whole).group(0)  # type: ignore[union-attr]
        open_tag = open_tag[:-2] + ">" if open_tag.endswith("/>") else open_tag
        count = len(existing) + len(added)
        if 'count="' in open_tag:
            open_tag = re.sub(r'count="\d+"', f'count="{count}"', open_tag)
        else:
            open_tag = open_tag[:-1] + f' count="{count}">'
        xml = xml[:start] + open_tag + inner + "".join(added) + f"</{tag}>" + xml[end:]
    return xml, ids


def merge_styles(xml: str, styles: Sequence[CellStyle], dxfs: dict) -> tuple[
        str, dict[CellStyle, int], dict[str, int]]:
    """Add sop_xl's cell and conditional-format styles to a workbook's styles.xml.

    Records already present (from an earlier run) are reused, so styles.xml does not grow
    run after run. Returns the new XML and the xf / dxf index of each style.
    """
    # number formats
    numfmt_id: dict[str, int] = {}
    sec = _section(xml, "numFmts")
    existing_fmt: dict[str, int] = {}
    if sec:
        for tag in _children(sec[2], "numFmt"):
            a = _attrs(tag)
            existing_fmt[a["formatCode"]] = int(a["numFmtId"])
    next_id = max([163, *existing_fmt.values()]) + 1
    new_fmts = []
    for s in styles:
        code = s.numfmt
        if code in _BUILTIN_NUMFMT:
            numfmt_id[code] = _BUILTIN_NUMFMT[code]
        elif code in existing_fmt:
            numfmt_id[code] = existing_fmt[code]
        elif code not in numfmt_id:
            numfmt_id[code] = next_id
            new_fmts.append(f'<numFmt numFmtId="{next_id}" '
                            f'formatCode="{xlsx.xml_attr(code)}"/>')
            next_id += 1
    if new_fmts:
        xml, _ = _merge_section(xml, "numFmts", "numFmt", new_fmts)
    xml, font_ids = _merge_section(xml, "fonts", "font", [xlsx.font_xml(s) for s in styles],
                                   ("numFmts",))
    xml, fill_ids = _merge_section(xml, "fills", "fill", [xlsx.fill_xml(s.fill) for s in styles],
                                   ("fonts",))
    xml, border_ids = _merge_section(xml, "borders", "border",
                                     [xlsx.border_xml(s.border) for s in styles], ("fills",))
    xfs = [xlsx.xf_xml(s, font_ids[i], fill_ids[i], border_ids[i], numfmt_id[s.numfmt])
           for i, s in enumerate(styles)]
    xml, xf_ids = _merge_section(xml, "cellXfs", "xf", xfs, ("cellStyleXfs", "borders"))
    dkeys = list(dxfs)
    xml, dxf_ids = _merge_section(xml, "dxfs", "dxf", [xlsx.dxf_xml(dxfs[k]) for k in dkeys],
                                  ("cellStyles", "cellXfs"))
    xf_of = {s: xf_ids[i] for i, s in enumerate(styles)}
    return xml, xf_of, {k: dxf_ids[i] for i, k in enumerate(dkeys)}
