"""A planner's notes on an output sheet, carried over when a run rewrites the sheet.

A note (Excel's "comment" before 2019, LibreOffice's "comment") lives in three parts
beside the sheet: the comments part (author and rich text by cell reference), a legacy
VML drawing (the yellow box: where it is, its size, whether it shows) that the sheet
names in ``<legacyDrawing>``, and, from modern Excel, a threaded comments part (the
conversation, replies, who and when; its people are in the workbook's persons part, which
a run never touches). Rewriting the sheet would drop them all.

So before a sheet is replaced, its notes are read, and each is moved to the cell that
now holds what its cell held (``relocate``): in a planning grid the same item, measure
and period, in a table the same row (by its first cell, the n-th such row) and column
header; title rows stay where they are. Notes whose cell is gone (an item no longer
planned, a period rolled off the horizon) are dropped and reported, so the run can list
them. The kept notes' parts are written anew from the planner's own elements (their
producer's namespaces and prefixes, rich text, box size and visibility kept), with only
the cell references, the VML anchors and the dropped entries changed.

What is not carried: form controls (buttons) in the legacy drawing, as before.
"""

from __future__ import annotations

import copy
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree

from sop_xl.contract.cells import cell_ref, parse_ref
from sop_xl.layout.sheet import Formula, SheetContent
from sop_xl.workbook import ooxml

if TYPE_CHECKING:
    from sop_xl.workbook.package import Package, SheetEntry

REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
REL_VML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
REL_THREADED = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_THREADED = "application/vnd.ms-excel.threadedcomments+xml"
NS_VML_X = "urn:schemas-microsoft-com:office:excel"
NS_VML_O = "urn:schemas-microsoft-com:office:office"
NS_VML_V = "urn:schemas-microsoft-com:vml"
NS_XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
_VML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)


@dataclass
class Note:
    """One note as it stands before the run."""

    ref: str
    author: str
    text: str                        # plain text, for messages
    element: etree._Element          # its <comment> element
    shape: etree._Element | None = None
    threads: list[etree._Element] = field(default_factory=list)


@dataclass
class SheetNotes:
    """The notes of one sheet and the parts they came from."""

    notes: list[Note]
    comments_part: str
    comments_root: etree._Element
    vml_part: str | None = None
    vml_root: etree._Element | None = None
    threaded_part: str | None = None
    threaded_root: etree._Element | None = None


@dataclass(frozen=True)
class LostNote:
    """A note whose cell is no longer in the sheet."""

    sheet: str
    ref: str
    author: str
    text: str


def _resolve(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def _rels_part(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def _targets(pkg: Package, entry: SheetEntry) -> dict[str, str]:
    """The sheet's note parts by relationship type (comments, vml, threaded)."""
    rp = _rels_part(entry.part)
    if not pkg.has(rp):
        return {}
    out = {}
    base = posixpath.dirname(entry.part)
    for _, rtype, target, mode in ooxml.Relationships(pkg.xml(rp)).items():
        if mode == "External":
            continue
        for key, want in (("comments", REL_COMMENTS), ("vml", REL_VML),
                          ("threaded", REL_THREADED)):
            if rtype == want:
                part = _resolve(base, target)
                if pkg.has(part):
                    out[key] = part
    return out


def has_notes(pkg: Package, entry: SheetEntry) -> bool:
    return "comments" in _targets(pkg, entry)


def _text_of(el: etree._Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def read(pkg: Package, entry: SheetEntry) -> SheetNotes | None:
    """The notes of a sheet, or None when it has none."""
    parts = _targets(pkg, entry)
    if "comments" not in parts:
        return None
    root = ooxml.parse(pkg.read(parts["comments"]))
    authors_el = ooxml.child(root, "authors")
    authors = [a.text or "" for a in ooxml.children(authors_el, "author")] \
        if authors_el is not None else []
    listing = ooxml.child(root, "commentList")
    notes = []
    for el in ooxml.children(listing, "comment") if listing is not None else []:
        k = el.get("authorId", "0")
        author = authors[int(k)] if k.isdigit() and int(k) < len(authors) else ""
        notes.append(Note(el.get("ref", ""), author, _text_of(ooxml.child(el, "text")), el))
    out = SheetNotes(notes, parts["comments"], root)
    if "vml" in parts:
        try:
            vml = etree.fromstring(pkg.read(parts["vml"]), _VML_PARSER)
        except etree.XMLSyntaxError:
            vml = None
        if vml is not None:
            out.vml_part, out.vml_root = parts["vml"], vml
            by_cell = {}
            for shape in vml.iter(f"{{{NS_VML_V}}}shape"):
                data = shape.find(f"{{{NS_VML_X}}}ClientData")
                if data is None or data.get("ObjectType") != "Note":
                    continue
                r, c = data.find(f"{{{NS_VML_X}}}Row"), data.find(f"{{{NS_VML_X}}}Column")
                if r is not None and c is not None and (r.text or "").strip().isdigit():
                    by_cell[(int(r.text), int((c.text or "0").strip()))] = shape
            for n in notes:
                n.shape = by_cell.get(_rc(n.ref))
    if "threaded" in parts:
        troot = ooxml.parse(pkg.read(parts["threaded"]))
        out.threaded_part, out.threaded_root = parts["threaded"], troot
        by_ref: dict[str, list[etree._Element]] = {}
        for t in ooxml.children(troot, "threadedComment"):
            by_ref.setdefault(t.get("ref", ""), []).append(t)
        for n in notes:
            n.threads = by_ref.get(n.ref, [])
            if n.threads:  # modern Excel: the thread is the note, the legacy text a stub
                n.text = _text_of(ooxml.child(n.threads[0], "text")) or n.text
    return out


def _rc(ref: str) -> tuple[int, int]:
    return parse_ref(ref)


# -- where a note goes -------------------------------------------------------------------

def _label(v: Any) -> str | None:
    """A cell as a label: text as it reads; numbers, formulas and blanks are no labels."""
    if isinstance(v, Formula):
        v = v.value
    if isinstance(v, str) and v.strip():
        return v.strip()
    return None


def _frame(content_rows: Sequence[Sequence[Any]], freeze: tuple[int, int] | None,
           ) -> tuple[int, int]:
    """(header row, number of label columns) of a sheet laid out as sop_xl lays out
    grids (frozen header rows and label columns) and tables (one frozen header row)."""
    if freeze and freeze[0] > 0:
        return freeze[0] - 1, max(freeze[1], 1)
    return 0, 1


def _keys(rows: Sequence[Sequence[Any]], header: int, labels: int) -> tuple[
        dict[tuple, int], dict[str, int]]:
    """Row identity → row index (the n-th row with the same first label and measure),
    and header text → column index, below and on the header row."""
    by_row: dict[tuple, int] = {}
    seen: dict[tuple, int] = {}
    for r in range(header + 1, len(rows)):
        row = rows[r]
        texts = [_label(row[c]) if c < len(row) else None for c in range(labels)]
        # the row's own label (item, resource …) and, in a grid, its measure: the last
        # text among the label columns (a description or lot rule a planner edits in the
        # inputs does not move a note)
        key = (texts[0], next((t for t in reversed(texts[1:]) if t is not None), None))
        if not any(key):
            continue
        n = seen.get(key, 0)
        seen[key] = n + 1
        by_row[(*key, n)] = r
    by_col: dict[str, int] = {}
    head = rows[header] if header < len(rows) else []
    for c, v in enumerate(head):
        t = _label(v)
        if t is not None and t not in by_col:
            by_col[t] = c
    return by_row, by_col


def relocate(old_rows: Sequence[Sequence[Any]], content: SheetContent,
             refs: Sequence[str]) -> dict[str, str | None]:
    """Each note's cell in the rewritten sheet: the cell whose row and column carry the
    same labels (None: no such cell any more)."""
    header, labels = _frame(content.rows, content.freeze)
    old_rows_by, old_cols_by = _keys(old_rows, header, labels)
    new_rows_by, new_cols_by = _keys(content.rows, header, labels)
    old_row_key = {r: k for k, r in old_rows_by.items()}
    old_col_key = {c: k for k, c in old_cols_by.items()}
    width = max((len(r) for r in content.rows), default=0)
    out: dict[str, str | None] = {}
    for ref in refs:
        r, c = _rc(ref)
        if r < header:  # title rows: where they were, if the sheet still reaches there
            out[ref] = ref if r < len(content.rows) and c < max(width, 1) else None
            continue
        if c < labels:
            nc: int | None = c
        else:
            ck = old_col_key.get(c)
            nc = new_cols_by.get(ck) if ck is not None else None
        if r == header:
            nr: int | None = header
        else:
            rk = old_row_key.get(r)
            nr = new_rows_by.get(rk) if rk is not None else None
        out[ref] = cell_ref(nr, nc) if nr is not None and nc is not None else None
    return out


def lost(sheet: str, notes: SheetNotes, moves: dict[str, str | None]) -> list[LostNote]:
    return [LostNote(sheet, n.ref, n.author, n.text) for n in notes.notes
            if moves.get(n.ref) is None]


# -- writing them back -------------------------------------------------------------------

def write(pkg: Package, sheet_part: str, notes: SheetNotes, moves: dict[str, str | None],
          taken_rids: set[str]) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Write the kept notes for the sheet at ``sheet_part``; returns its new
    relationships (rId, type, target) and worksheet elements [("legacyDrawing", rId)].
    Nothing when no note is kept."""
    kept = [(n, moves[n.ref]) for n in notes.notes if moves.get(n.ref)]
    if not kept:
        return [], []
    base = posixpath.dirname(sheet_part)
    rels: list[tuple[str, str, str]] = []

    def rid() -> str:
        k = 1
        while f"rId{k}" in taken_rids:
            k += 1
        taken_rids.add(f"rId{k}")
        return f"rId{k}"

    # the comments part: the planner's root (namespaces, mc:Ignorable) with kept entries
    root = copy.deepcopy(notes.comments_root)
    authors_el = ooxml.child(root, "authors")
    if authors_el is None:
        authors_el = ooxml.make(root, "authors")
        root.insert(0, authors_el)
    for a in list(authors_el):
        authors_el.remove(a)
    listing = ooxml.child(root, "commentList")
    if listing is None:
        listing = ooxml.make(root, "commentList")
    for el in list(listing):
        listing.remove(el)
    authors: list[str] = []
    for n, new in sorted(kept, key=lambda kv: _rc(kv[1])):
        el = copy.deepcopy(n.element)
        el.set("ref", new)
        if n.author not in authors:
            authors.append(n.author)
        el.set("authorId", str(authors.index(n.author)))
        listing.append(el)
    for a in authors:
        ooxml.make(authors_el, "author").text = a
    pkg.write(notes.comments_part, ooxml.serialize(root))
    pkg.set_part_type(notes.comments_part, CT_COMMENTS)
    rels.append((rid(), REL_COMMENTS, posixpath.relpath(notes.comments_part, base)))

    # the VML boxes: the planner's shapes moved, or new ones for notes that had none
    vml_part = notes.vml_part or _free_name(pkg, "xl/drawings/vmlDrawing", ".vml")
    vml = copy.deepcopy(notes.vml_root) if notes.vml_root is not None else _new_vml(
        pkg, vml_part)
    moved_shapes = {id(n.shape): new for n, new in kept if n.shape is not None}
    originals = list(notes.vml_root.iter(f"{{{NS_VML_V}}}shape")) \
        if notes.vml_root is not None else []
    copies = list(vml.iter(f"{{{NS_VML_V}}}shape"))
    for src, shape in zip(originals, copies, strict=False):  # the copy walks alike
        data = shape.find(f"{{{NS_VML_X}}}ClientData")
        if data is None or data.get("ObjectType") != "Note":
            continue
        new = moved_shapes.get(id(src))
        if new is None:
            shape.getparent().remove(shape)
        else:
            _move_shape(shape, data, _rc(new))
    _unique_ids(vml)
    next_id = _next_shape_id(vml)
    for n, new in kept:
        if n.shape is None:
            vml.append(_new_shape(next_id, _rc(new)))
            next_id += 1
    pkg.write(vml_part, etree.tostring(vml, xml_declaration=False, encoding="utf-8"))
    if not pkg.part_type_known(vml_part):
        pkg.set_part_type(vml_part, CT_VML)
    vml_rid = rid()
    rels.append((vml_rid, REL_VML, posixpath.relpath(vml_part, base)))

    # the threads of modern Excel, their references moved
    if notes.threaded_root is not None and notes.threaded_part:
        troot = copy.deepcopy(notes.threaded_root)
        new_ref = {n.ref: new for n, new in kept}
        for t in list(ooxml.children(troot, "threadedComment")):
            to = new_ref.get(t.get("ref", ""))
            if to is None:
                troot.remove(t)
            else:
                t.set("ref", to)
        if len(ooxml.children(troot, "threadedComment")):
            pkg.write(notes.threaded_part, ooxml.serialize(troot))
            pkg.set_part_type(notes.threaded_part, CT_THREADED)
            rels.append((rid(), REL_THREADED, posixpath.relpath(notes.threaded_part, base)))
    return rels, [("legacyDrawing", vml_rid)]


def _move_shape(shape: etree._Element, data: etree._Element, to: tuple[int, int]) -> None:
    r_el, c_el = data.find(f"{{{NS_VML_X}}}Row"), data.find(f"{{{NS_VML_X}}}Column")
    old = (int((r_el.text or "0").strip()), int((c_el.text or "0").strip()))
    dr, dc = to[0] - old[0], to[1] - old[1]
    r_el.text, c_el.text = str(to[0]), str(to[1])
    anchor = data.find(f"{{{NS_VML_X}}}Anchor")
    if anchor is not None and anchor.text and (dr or dc):
        nums = [int(x) for x in re.findall(r"-?\d+", anchor.text)]
        if len(nums) == 8:
            nums[0] += dc
            nums[2] += dr
            nums[4] += dc
            nums[6] += dr
            anchor.text = ", ".join(str(max(x, 0)) for x in nums)


def _unique_ids(vml: etree._Element) -> None:
    """One shape type per id and one id per shape: LibreOffice writes the note shape
    type once per note and every note as "shape_0", which Excel's schema refuses."""
    seen: set[str] = set()
    for st in list(vml.iter(f"{{{NS_VML_V}}}shapetype")):
        if st.get("id") in seen:
            st.getparent().remove(st)
        seen.add(st.get("id", ""))
    ids: set[str] = set()
    shapes = list(vml.iter(f"{{{NS_VML_V}}}shape"))
    for k, shape in enumerate(shapes):
        sid = shape.get("id")
        if sid is None or sid in ids:
            sid = f"{sid or 'shape'}_{k}"
            while sid in ids:
                sid += "_"
            shape.set("id", sid)
        ids.add(sid)


def _free_name(pkg: Package, stem: str, ext: str) -> str:
    names = {n.lower() for n in pkg.names()}
    k = 1
    while f"{stem}{k}{ext}".lower() in names:
        k += 1
    return f"{stem}{k}{ext}"


def _idmap(pkg: Package, part: str) -> int:
    """A shape id block (``o:idmap data``) no other VML drawing of the workbook uses."""
    used = set()
    for name in pkg.names():
        if name.lower().endswith(".vml") and name != part:
            used |= {int(x) for x in re.findall(rb'data="(\d+)', pkg.read(name))}
    k = 1
    while k in used:
        k += 1
    return k


def _new_vml(pkg: Package, part: str) -> etree._Element:
    k = _idmap(pkg, part)
    xml = (f'<xml xmlns:v="{NS_VML_V}" xmlns:o="{NS_VML_O}" xmlns:x="{NS_VML_X}">'
           f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{k}"/></o:shapelayout>'
           '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
           'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
           '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype></xml>')
    return etree.fromstring(xml.encode())


def _next_shape_id(vml: etree._Element) -> int:
    ids = [int(m) for s in vml.iter(f"{{{NS_VML_V}}}shape")
           for m in re.findall(r"_s(\d+)$", s.get("id", ""))]
    idmap = vml.find(f".//{{{NS_VML_O}}}idmap")
    block = int((idmap.get("data") or "1").split(",")[0]) if idmap is not None else 1
    return max([block * 1024, *ids]) + 1


def _new_shape(shape_id: int, at: tuple[int, int]) -> etree._Element:
    r, c = at
    xml = (f'<v:shape xmlns:v="{NS_VML_V}" xmlns:o="{NS_VML_O}" xmlns:x="{NS_VML_X}" '
           f'id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;'
           'margin-left:59.25pt;margin-top:1.5pt;width:108pt;height:59.25pt;z-index:1;'
           'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
           '<v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
           '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
           '<div style="text-align:left"></div></v:textbox>'
           '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
           f'<x:Anchor>{c + 1}, 15, {r}, 2, {c + 3}, 15, {r + 4}, 4</x:Anchor>'
           f'<x:AutoFill>False</x:AutoFill><x:Row>{r}</x:Row><x:Column>{c}</x:Column>'
           '</x:ClientData></v:shape>')
    return etree.fromstring(xml.encode())
