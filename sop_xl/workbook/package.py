"""An .xlsx/.xlsm file as a package of parts, edited by splicing.

A run replaces or adds only its own sheet parts; every other part of the planner's workbook
(input sheets, their own sheets, charts, pivot tables, shapes, comments, names, the VBA
project, the ribbon) is copied byte for byte. Loading the workbook into openpyxl and saving
it would rebuild charts and drop pivots and shapes (FACTS.md), and take ~18 s at 1 M cells.

The parts a run must change to list its sheets (the workbook, its relationships, the content
types, styles, app.xml) are edited as XML trees with their producer's own prefixes and
declarations kept (sop_xl.workbook.ooxml), so the result is well-formed whatever program
wrote the file before: Excel, LibreOffice, openpyxl with or without lxml, pandas, WPS.
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import re
import socket
import stat
import struct
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from lxml import etree

from sop_xl.contract.cells import col_letter
from sop_xl.layout.sheet import SheetContent
from sop_xl.layout.styles import DXF_STYLES, CellStyle
from sop_xl.workbook import comments, ooxml, xlsx
from sop_xl.workbook.ooxml import ContentTypes, Relationships, StrictPackageError
from sop_xl.workbook.stylesheet import merge_styles

CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
REL_CALC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
REL_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
NS_REL = ooxml.REL
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CONTENT_TYPES_PART = "[Content_Types].xml"
# The styles part made for a package that has none: one font, the two fills every
# stylesheet starts with, one border, the Normal style (ECMA-376 §18.8.39 order).
MINIMAL_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    b'</fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
    b'<fill><patternFill patternType="gray125"/></fill></fills>'
    b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
    b'</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
    b'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" '
    b'fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1">'
    b'<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')

__all__ = ["Package", "SheetEntry", "StrictPackageError", "atomic_path", "merge_styles",
           "remove_stale_temporaries"]


@dataclass
class SheetEntry:
    """A sheet as workbook.xml lists it."""

    name: str
    sheet_id: int
    rid: str
    part: str
    state: str | None = None


def _resolve_target(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def _rels_part(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


class _Deferred:
    """A staged part written only when the package is saved (``Package.write_chunks``):
    ``make()`` gives its text in pieces."""

    def __init__(self, make: Callable[[], Iterable[str]]) -> None:
        self.make = make

    def encoded(self) -> Iterator[bytes]:
        for piece in self.make():
            yield piece.encode("utf-8")


#: parts larger than this are deflated at level 1 (~3× faster than 6, ~15% larger)
_FAST_DEFLATE = 1 << 20


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
        # parsed XML parts; those in _edited are serialised when read or saved
        self._trees: dict[str, etree._Element] = {}
        self._edited: set[str] = set()
        self._load_workbook()

    # -- reading -------------------------------------------------------------------------
    def has(self, part: str) -> bool:
        return part not in self._deleted and (part in self._parts or part in self._infos)

    def read(self, part: str) -> bytes:
        if part in self._edited:
            self._parts[part] = ooxml.serialize(self._trees[part])
        if part in self._parts:
            data = self._parts[part]
            return b"".join(data.encoded()) if type(data) is _Deferred else data
        if part in self._deleted or part not in self._infos:
            raise KeyError(part)
        return self._zip.read(part)

    def text(self, part: str) -> str:
        return self.read(part).decode("utf-8")

    def names(self) -> list[str]:
        return [n for n in [*self._order, *(p for p in self._parts if p not in self._infos)]
                if n not in self._deleted]

    def xml(self, part: str) -> etree._Element:
        """The part as an XML tree, parsed once; change it only through ``edit``."""
        root = self._trees.get(part)
        if root is None:
            root = ooxml.parse(self.read(part))
            self._trees[part] = root
        return root

    def edit(self, part: str) -> etree._Element:
        """The part as an XML tree to change in place; saved with the package. Parts only
        read are never re-serialised, so the planner's bytes stay theirs."""
        root = self.xml(part)
        self._edited.add(part)
        return root

    def _rels(self, part: str, *, edit: bool = False) -> Relationships:
        return Relationships(self.edit(part) if edit else self.xml(part))

    def _content_types(self) -> ContentTypes:
        return ContentTypes(self.edit(CONTENT_TYPES_PART))

    def _load_workbook(self) -> None:
        office = next((t for _, rtype, t, _ in self._rels("_rels/.rels").items()
                       if rtype.endswith("/officeDocument")), None)
        if office is None:
            raise ValueError("no workbook part in _rels/.rels")
        self.workbook_part = _resolve_target("", office)
        self.workbook_dir = posixpath.dirname(self.workbook_part)
        self.workbook_rels_part = _rels_part(self.workbook_part)
        wb = self.xml(self.workbook_part)
        if ooxml.namespace(wb) == ooxml.MAIN_STRICT:
            raise StrictPackageError("the workbook is saved as Strict Open XML")
        if ooxml.namespace(wb) != ooxml.MAIN:
            raise ValueError(f"{self.workbook_part} is not a SpreadsheetML workbook")
        targets = {rid: (rtype, target)
                   for rid, rtype, target, _ in self._rels(self.workbook_rels_part).items()}
        self.sheets: list[SheetEntry] = []
        sheets = ooxml.child(wb, "sheets")
        for el in ooxml.children(sheets, "sheet") if sheets is not None else []:
            rid = el.get(f"{{{NS_REL}}}id", "")
            _rtype, target = targets.get(rid, ("", ""))
            part = _resolve_target(self.workbook_dir, target) if target else ""
            self.sheets.append(SheetEntry(el.get("name", ""), int(el.get("sheetId", "0")),
                                          rid, part, el.get("state")))

    @property
    def date1904(self) -> bool:
        """Whether the workbook counts dates in the 1904 system (``workbookPr/@date1904``,
        an xsd:boolean: "1" or "true")."""
        pr = ooxml.child(self.xml(self.workbook_part), "workbookPr")
        return pr is not None and pr.get("date1904", "").strip().lower() in ("1", "true")

    def sheet(self, name: str) -> SheetEntry | None:
        low = name.lower()
        return next((s for s in self.sheets if s.name.lower() == low), None)

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    # -- editing -------------------------------------------------------------------------
    def write(self, part: str, data: bytes | str) -> None:
        self._trees.pop(part, None)
        self._edited.discard(part)
        self._parts[part] = data.encode("utf-8") if isinstance(data, str) else data
        self._deleted.discard(part)

    def write_chunks(self, part: str, make: Callable[[], Iterable[str]]) -> None:
        """Stage a part made in pieces (a worksheet: ~300 MB of XML at 6 M cells): ``make``
        runs when the package is written, and each piece is compressed into the file, on
        a second thread, while the next is made, so the part is never held whole. What
        ``make`` reads must not change before the package is saved."""
        self.write(part, b"")
        self._parts[part] = _Deferred(make)

    def delete(self, part: str) -> None:
        self._trees.pop(part, None)
        self._edited.discard(part)
        self._parts.pop(part, None)
        if part in self._infos:
            self._deleted.add(part)

    def put_sheets(self, contents: Sequence[SheetContent], remove: Iterable[str] = (),
                   order: Sequence[str] | None = None,
                   notes: Mapping[str, Mapping[str, str | None]] | None = None) -> None:
        """Replace sheets of the same name (in place) or append new ones; remove others.

        ``order``, when given, is the sheet order wanted for the named sheets; sheets it does
        not name keep their relative place after them. ``notes``: for a replaced sheet,
        where each of the planner's notes goes (old cell → new cell, None to drop it;
        sop_xl.workbook.comments); a replaced sheet not named loses its notes.
        """
        styles_part = self._styles_part()
        used: set[CellStyle] = set()
        for c in contents:
            used.update(c.all_styles())
        styles_xml, xf_of, dxf_of = merge_styles(self.read(styles_part), sorted(
            used, key=repr), DXF_STYLES)
        self.write(styles_part, styles_xml)

        old_index = {s.name.lower(): i for i, s in enumerate(self.sheets)}
        for name in remove:
            entry = self.sheet(name)
            if entry is not None:
                self._drop_sheet_parts(entry, keep_drawings=False)
                self._rels(self.workbook_rels_part, edit=True).remove(entry.rid)
                # the worksheet part itself goes too, not left behind unreferenced (and the
                # file never shrinks otherwise)
                for part in (entry.part, _rels_part(entry.part)):
                    if self.has(part):
                        self.delete(part)
                self._content_types().drop(entry.part)
                self.sheets.remove(entry)
        # drop the replaced sheets' own parts first, so their table names become free;
        # the notes to carry over are read before
        kept_of: dict[str, list[tuple[str, str, str, str]]] = {}
        notes_of: dict[str, comments.SheetNotes] = {}
        code_names: dict[str, str] = {}
        for content in contents:
            entry = self.sheet(content.name)
            if entry is not None:
                if notes and content.name in notes:
                    found = comments.read(self, entry)
                    if found is not None:
                        notes_of[content.name] = found
                kept_of[content.name] = self._drop_sheet_parts(entry, keep_drawings=True)
                code_name = self._code_name(entry.part)
                if code_name:
                    code_names[content.name] = code_name
        table_ids, table_names = self._tables()
        for content in contents:
            entry = self.sheet(content.name)
            kept = kept_of.get(content.name, [])
            if entry is None:
                part = self._new_part_name("worksheets/sheet", ".xml")
                rid = self._rels(self.workbook_rels_part, edit=True).add(
                    REL_SHEET, posixpath.relpath(part, self.workbook_dir))
                entry = SheetEntry(content.name, self._next_sheet_id(), rid, part)
                self.sheets.append(entry)
                self._content_types().set(part, CT_SHEET)
            else:
                entry.name = content.name
            rels = [(rid, typ, target) for rid, typ, target, _ in kept]
            extra = [(el, rid) for rid, _, _, el in kept]
            if content.name in notes_of:
                note_rels, note_els = comments.write(
                    self, entry.part, notes_of[content.name], dict(notes[content.name]),
                    {r[0] for r in rels})
                rels += note_rels
                extra += note_els
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
                self._content_types().set(tpart, CT_TABLE)
                table_rid = "rId1"
                while any(r[0] == table_rid for r in rels):
                    table_rid = f"rId{int(table_rid[3:]) + 1}"
                rels.append((table_rid, REL_TABLE,
                             posixpath.relpath(tpart, posixpath.dirname(entry.part))))
            self.write_chunks(entry.part, partial(
                xlsx.worksheet_chunks, content, xf_of, dxf_of, table_rid, extra,
                date1904=self.date1904, code_name=code_names.get(content.name)))
            if rels:
                self.write(_rels_part(entry.part), ooxml.relationships_xml(rels))
            else:
                self.delete(_rels_part(entry.part))
        if order:
            self._reorder(order)
        self._drop_calc_chain()
        self._write_workbook(old_index, contents)
        self._strip_app_titles()

    # -- helpers -------------------------------------------------------------------------
    def _styles_part(self) -> str:
        """The workbook's styles part; one is made when the package has none (it is
        optional in the format, and some tools leave it out), or when the relationship
        points at a part that is not there."""
        rels = self._rels(self.workbook_rels_part)
        for rid, rtype, target, _ in rels.items():
            if rtype == REL_STYLES or rtype.endswith("/styles"):
                part = _resolve_target(self.workbook_dir, target)
                if self.has(part):
                    return part
                self._rels(self.workbook_rels_part, edit=True).remove(rid)
        part = posixpath.join(self.workbook_dir, "styles.xml")
        if self.has(part) or part.lower() in {n.lower() for n in self.names()}:
            part = self._new_part_name("styles", ".xml")
        self.write(part, MINIMAL_STYLES)
        self._rels(self.workbook_rels_part, edit=True).add(
            REL_STYLES, posixpath.relpath(part, self.workbook_dir))
        self._content_types().set(part, CT_STYLES)
        return part

    def _new_part_name(self, stem: str, ext: str, base_dir: str | None = None) -> str:
        base = base_dir or self.workbook_dir
        existing = {n.lower() for n in self.names()}
        n = 1
        while posixpath.join(base, f"{stem}{n}{ext}").lower() in existing:
            n += 1
        return posixpath.join(base, f"{stem}{n}{ext}")

    def _next_sheet_id(self) -> int:
        return max((s.sheet_id for s in self.sheets), default=0) + 1

    def _sheet_rels(self, entry: SheetEntry) -> list[tuple[str, str, str, str]]:
        """(rId, type, target, mode) of the sheet's relationships."""
        rp = _rels_part(entry.part)
        return self._rels(rp).items() if self.has(rp) else []

    def _code_name(self, part: str) -> str | None:
        """The sheet's code name (sheetPr/@codeName): the name of its document module in
        the VBA project, which a replaced sheet must keep (without it Excel makes a
        second module, "Sheet11", and the first loses its sheet)."""
        if not self.has(part):
            return None
        if part in self._parts or part in self._trees or part not in self._infos:
            pr = ooxml.child(self.xml(part), "sheetPr")
            return pr.get("codeName") if pr is not None else None
        # sheetPr is the worksheet's first child (CT_Worksheet, Part 1 §18.3.1.99): read
        # only that far, not a sheet of millions of cells
        with self._zip.open(part) as stream:
            return ooxml.first_child_attribute(stream, "sheetPr", "codeName")

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
            if typ.endswith(("/table", "/comments", "/vmlDrawing", "/printerSettings",
                             "/threadedComment")):
                self.delete(part)
                self._content_types().drop(part)
        return kept

    def _tables(self) -> tuple[set[int], set[str]]:
        """The ids and (lower-case) names of every table in the workbook."""
        ids, names = set(), set()
        for n in self.names():
            if n.startswith("xl/tables/") and n.endswith(".xml"):
                root = ooxml.parse(self.read(n))
                with contextlib.suppress(ValueError):
                    ids.add(int(root.get("id", "")))
                if root.get("name"):
                    names.add(root.get("name", "").lower())
                if root.get("displayName"):
                    names.add(root.get("displayName", "").lower())
        return ids, names

    def _drop_calc_chain(self) -> None:
        # The calculation chain lists formula cells; replaced sheets invalidate it and Excel
        # rebuilds it on open (a stale one makes Excel "repair" the file).
        rels = self._rels(self.workbook_rels_part)
        for rid, rtype, target, _ in rels.items():
            if rtype == REL_CALC:
                rels = self._rels(self.workbook_rels_part, edit=True)
                part = _resolve_target(self.workbook_dir, target)
                self.delete(part)
                self._content_types().drop(part)
                rels.remove(rid)

    def _reorder(self, order: Sequence[str]) -> None:
        rank = {n.lower(): i for i, n in enumerate(order)}
        named = [s for s in self.sheets if s.name.lower() in rank]
        named.sort(key=lambda s: rank[s.name.lower()])
        others = [s for s in self.sheets if s.name.lower() not in rank]
        self.sheets = named + others

    def _write_workbook(self, old_index: dict[str, int],
                        written: Sequence[SheetContent]) -> None:
        wb = self.edit(self.workbook_part)
        order = ooxml.WORKBOOK_ORDER
        sheets = ooxml.child(wb, "sheets")
        if sheets is None:
            sheets = ooxml.make(wb, "sheets", order=order)
        # the planner's <sheet> elements are kept (their attributes and declarations), in
        # the new order; new sheets get new elements
        by_rid = {el.get(f"{{{NS_REL}}}id"): el for el in ooxml.children(sheets, "sheet")}
        ooxml.remove(list(sheets))
        for s in self.sheets:
            el = by_rid.get(s.rid)
            if el is not None:
                sheets.append(el)
                el.set("name", s.name)
            else:
                el = ooxml.make(sheets, "sheet", {"name": s.name, "sheetId": str(s.sheet_id)},
                                prefixes={"r": NS_REL})
                if s.state:
                    el.set("state", s.state)
                el.set(f"{{{NS_REL}}}id", s.rid)

        # local defined names follow their sheet to its new position
        new_index = {s.name.lower(): i for i, s in enumerate(self.sheets)}
        old_to_new = {i: new_index[name] for name, i in old_index.items() if name in new_index}
        written_idx = {new_index[c.name.lower()] for c in written}
        blocks = ooxml.children(wb, "definedNames")
        block = blocks[0] if blocks else ooxml.make(wb, "definedNames", order=order)
        for extra in blocks[1:]:  # a second block (an earlier sop_xl's fault) is merged
            for el in list(extra):
                block.append(el)
            wb.remove(extra)
        for el in ooxml.children(block, "definedName"):
            local_id = el.get("localSheetId")
            if local_id is None:
                continue
            new = old_to_new.get(int(local_id))
            if new is None or (new in written_idx and el.get("name", "").startswith(
                    ("_xlnm._FilterDatabase", "_xlnm.Print_Titles"))):
                block.remove(el)
                continue
            el.set("localSheetId", str(new))
        for c in written:
            idx = str(new_index[c.name.lower()])
            qn = _quote(c.name)
            titles = []
            if c.print_title_cols:  # columns first, as Excel writes them
                titles.append(f"{qn}!$A:${col_letter(c.print_title_cols - 1)}")
            if c.freeze and c.freeze[0]:
                titles.append(f"{qn}!$1:${c.freeze[0]}")
            if titles:
                el = ooxml.make(block, "definedName",
                                {"name": "_xlnm.Print_Titles", "localSheetId": idx})
                el.text = ",".join(titles)
            box = c.autofilter if c.table is None else None
            if box is not None:
                el = ooxml.make(block, "definedName", {
                    "name": "_xlnm._FilterDatabase", "localSheetId": idx, "hidden": "1"})
                el.text = f"{qn}!{_abs(box.a1())}"
        if not len(block):
            wb.remove(block)  # an empty <definedNames/> breaks the schema (minOccurs 1)

        # Ask Excel to recalculate on open: formulas a run wrote refer to fresh values.
        calc = ooxml.child(wb, "calcPr")
        if calc is None:
            calc = ooxml.make(wb, "calcPr", {"calcId": "191029"}, order=order)
        calc.set("fullCalcOnLoad", "1")
        n = len(self.sheets)
        views = ooxml.child(wb, "bookViews")
        for view in ooxml.children(views, "workbookView") if views is not None else []:
            for attr in ("activeTab", "firstSheet"):
                value = view.get(attr)
                if value is not None and value.isdigit():
                    view.set(attr, str(min(int(value), max(n - 1, 0))))

    def _strip_app_titles(self) -> None:
        # docProps/app.xml lists sheet names; the list is optional, a stale one is not.
        if not self.has("docProps/app.xml"):
            return
        app = self.xml("docProps/app.xml")
        stale = [*ooxml.children(app, "HeadingPairs"), *ooxml.children(app, "TitlesOfParts")]
        if stale:
            self.edit("docProps/app.xml")
            ooxml.remove(stale)

    def part_type_known(self, part: str) -> bool:
        """Whether [Content_Types].xml gives ``part`` a type (an Override, or a Default
        for its extension)."""
        root = self.xml(CONTENT_TYPES_PART)
        if ContentTypes(root).get(part) is not None:
            return True
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        return any(d.get("Extension", "").lower() == ext
                   for d in ooxml.children(root, "Default"))

    def set_part_type(self, part: str, ctype: str) -> None:
        """Declare the content type of a part this package adds."""
        self._content_types().set(part, ctype)

    def custom_properties(self) -> dict[str, str]:
        """The workbook's custom document properties (sop_xl.workbook.properties)."""
        from sop_xl.workbook import properties
        return properties.read(self)

    def set_custom_properties(self, values: Mapping[str, str]) -> None:
        from sop_xl.workbook import properties
        properties.write(self, values)

    def set_content_type(self, ctype: str) -> None:
        """Change the workbook part's content type (e.g. to macro-enabled)."""
        self._content_types().set(self.workbook_part, ctype)

    def save(self, target: Path | str, *,
             before_replace: Callable[[Path], None] | None = None) -> None:
        """Write the package to ``target`` atomically: a temporary file in the same folder,
        flushed to disk, then renamed over the target, so the target is at every moment
        either the old file or the new one. ``before_replace(target)`` runs once the new
        file is complete, just before the rename (e.g. to keep a backup of the old file).
        The package is closed afterwards, also when the save fails."""
        try:
            with atomic_path(target, before_replace=before_replace) as tmp:
                with open(tmp, "wb") as fh:
                    self.write_to(fh)
                _check_written(str(tmp), self.names())
                self.close()  # Windows cannot replace a file this process still has open
        finally:
            self.close()

    def write_to(self, fh) -> None:
        names = self.names()
        if CONTENT_TYPES_PART in names:
            names.remove(CONTENT_TYPES_PART)
            names.insert(0, CONTENT_TYPES_PART)
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as out:
            for n in names:
                info = self._infos.get(n)
                zi = zipfile.ZipInfo(n, date_time=info.date_time if info else
                                     (1980, 1, 1, 0, 0, 0))
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = 0o600 << 16
                data = self._parts.get(n) if n not in self._edited else None
                if type(data) is _Deferred:
                    _write_deferred(out, zi, data)
                    continue
                if data is None and n not in self._edited and info is not None \
                        and _copy_compressed(out, zi, self._zip, info):
                    continue
                data = self.read(n)
                out.writestr(zi, data, compresslevel=1 if len(data) > 1 << 20 else 6)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.write_to(buf)
        return buf.getvalue()

    def close(self) -> None:
        self._zip.close()


def _copy_compressed(out: zipfile.ZipFile, zi: zipfile.ZipInfo, src: zipfile.ZipFile,
                     info: zipfile.ZipInfo) -> bool:
    """A part this run did not change, copied into the new file as the deflated bytes it
    has (no inflating and deflating it again): the entry ``writestr`` would write, with
    the source's compressed stream. False (nothing written) when the part cannot be
    copied so: not deflated, encrypted, or an output that cannot seek back."""
    if (info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1
            or not out._seekable or src.fp is None):
        return False
    fp = src.fp
    fp.seek(info.header_offset)
    head = fp.read(zipfile.sizeFileHeader)
    if len(head) != zipfile.sizeFileHeader or head[:4] != zipfile.stringFileHeader:
        return False
    fields = struct.unpack(zipfile.structFileHeader, head)
    fp.seek(fields[zipfile._FH_FILENAME_LENGTH] + fields[zipfile._FH_EXTRA_FIELD_LENGTH], 1)
    raw = fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        return False
    zi.file_size, zi.compress_size, zi.CRC = info.file_size, info.compress_size, info.CRC
    zi.flag_bits = 0
    zip64 = zi.file_size * 1.05 > zipfile.ZIP64_LIMIT
    zi.header_offset = out.fp.tell()
    out._writecheck(zi)
    out._didModify = True
    out.fp.write(zi.FileHeader(zip64))
    out.fp.write(raw)
    out.start_dir = out.fp.tell()
    out.filelist.append(zi)
    out.NameToInfo[zi.filename] = zi
    return True


def _write_deferred(out: zipfile.ZipFile, zi: zipfile.ZipInfo, part: _Deferred) -> None:
    """A deferred part into the zip: the same bytes ``writestr`` would give (its level
    chosen by size: the first MB is held back to choose), compressed on a second thread
    while the next piece is made (zlib leaves the GIL while it deflates)."""
    pieces = part.encoded()
    held: list[bytes] = []
    size = 0
    for piece in pieces:
        held.append(piece)
        size += len(piece)
        if size > _FAST_DEFLATE:
            break
    else:  # small: one piece, as writestr writes it
        out.writestr(zi, b"".join(held), compresslevel=6)
        return
    if hasattr(zi, "compress_level"):  # Python 3.13
        zi.compress_level = 1
    else:
        zi._compresslevel = 1
    with out.open(zi, "w") as stream, ThreadPoolExecutor(1) as deflater:
        pending = deflater.submit(stream.write, b"".join(held))
        del held
        for piece in pieces:
            pending.result()
            pending = deflater.submit(stream.write, piece)
        pending.result()


@contextlib.contextmanager
def atomic_path(target: Path | str, *, backups: int = 0,
                before_replace: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """The one way sop_xl replaces a file: a temporary path beside ``target`` to write the
    whole file to (Package.save, xlsxwriter, openpyxl, a CSV export); it replaces
    ``target`` only when the block ends without an error — flushed to disk, parsed part
    by part under SOP_XL_VERIFY_PARTS, with the old file's permissions — after
    ``backups`` > 0 keeps a copy of the file it replaces and ``before_replace(target)``
    ran; on an error, or if the process dies, ``target`` is untouched. ::

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
        if ooxml.verify_on_save() and zipfile.is_zipfile(tmp):
            ooxml.verify_package(tmp)
        _keep_identity(tmp, target)
        if backups > 0 and target.exists():
            keep_backup(target, backups)
        if before_replace is not None:
            before_replace(target)
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


def _keep_identity(tmp: Path | str, target: Path) -> None:
    """Give the new file the old one's permission bits and, where this process may, its
    owner and group: a planner's shared workbook keeps belonging to whoever it belonged
    to. Changing the owner needs root (or the same user); the group, membership of it.
    What cannot be kept is left as the new file has it (the owner becomes the runner)."""
    os.chmod(tmp, _mode_for(target))
    if not hasattr(os, "chown"):
        return
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return
    mine = os.stat(tmp)
    if (st.st_uid, st.st_gid) == (mine.st_uid, mine.st_gid):
        return
    try:
        os.chown(tmp, st.st_uid, st.st_gid)
    except PermissionError:
        with contextlib.suppress(OSError):
            os.chown(tmp, -1, st.st_gid)
    # chown may clear set-id bits: put the mode back
    os.chmod(tmp, _mode_for(target))


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
    from sop_xl.contract.cells import quote_sheet
    return quote_sheet(name)


def _abs(ref: str) -> str:
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)
