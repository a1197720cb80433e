"""Namespace-aware editing of the XML parts a run shares with the planner's workbook.

Excel, LibreOffice, openpyxl (with or without lxml), xlsxwriter, pandas and WPS declare
namespaces differently: on the root or on each element, as the default namespace or with a
prefix (``x:sheet``). Text patterns that look for ``<sheet`` or ``r:id`` break on some of
them. Every shared part (workbook.xml, relationships, content types, styles, app.xml) is
therefore parsed with lxml and edited as a tree: lxml keeps each element's own prefixes and
declarations, so ``mc:Ignorable`` keeps naming prefixes that are still declared, and an
element we add is declared in the namespace of the part it goes into.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import IO

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MAIN_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
EXTENDED_PROPERTIES = \
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DCTERMS = "http://purl.org/dc/terms/"

# CT_Workbook and CT_Stylesheet are sequences (ECMA-376 Part 1, §18.2.27 and §18.8.39):
# a child added later must go to its place in this order.
WORKBOOK_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection",
                  "bookViews", "sheets", "functionGroups", "externalReferences",
                  "definedNames", "calcPr", "oleSize", "customWorkbookViews", "pivotCaches",
                  "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr",
                  "webPublishObjects", "extLst")
STYLESHEET_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                    "cellStyles", "dxfs", "tableStyles", "colors", "extLst")
# The order Excel writes a font's children in; Open XML SDK validates CT_Font as this
# sequence and Excel repairs a font that departs from it (openpyxl writes name first).
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u",
              "vertAlign", "sz", "color", "name", "family", "charset", "scheme")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                          remove_blank_text=False)


class StrictPackageError(ValueError):
    """A workbook saved as "Strict Open XML Spreadsheet" (ISO/IEC 29500 strict)."""


def parse(data: bytes) -> etree._Element:
    """The root element of an XML part; raises ``etree.XMLSyntaxError`` on bad XML."""
    return etree.fromstring(data, _PARSER)


_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def serialize(root: etree._Element) -> bytes:
    """The part's bytes: UTF-8 behind the declaration Excel writes."""
    return _DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


_ENTITY = re.compile(r"&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] != "#":
        return _NAMED[name]
    return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))


def unescape(text: str) -> str:
    """XML character data as it reads: the five named entities and character references
    (openpyxl with lxml writes every non-ASCII character as ``&#NNNN;``), in one pass."""
    return _ENTITY.sub(_entity, text) if "&" in text else text


def local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def namespace(el: etree._Element) -> str:
    return etree.QName(el).namespace or ""


def children(parent: etree._Element, name: str) -> list[etree._Element]:
    """The child elements called ``name`` in the parent's own namespace."""
    return parent.findall(f"{{{namespace(parent)}}}{name}")


def child(parent: etree._Element, name: str) -> etree._Element | None:
    return parent.find(f"{{{namespace(parent)}}}{name}")


def make(parent: etree._Element, name: str, attrib: Mapping[str, str] | None = None, *,
         order: Sequence[str] = (), prefixes: Mapping[str, str] | None = None,
         ) -> etree._Element:
    """A new child ``name`` in the parent's namespace, placed by ``order`` (schema order of
    the parent's children; appended when empty). ``prefixes`` maps a prefix to a namespace
    the new element's attributes use, declared on it only when not already in scope."""
    ns = namespace(parent)
    nsmap: dict[str | None, str] = {}
    for prefix, uri in (prefixes or {}).items():
        if uri not in parent.nsmap.values():
            free = prefix
            k = 1
            while free in parent.nsmap:  # the prefix is taken by another namespace
                free, k = f"{prefix}{k}", k + 1
            nsmap[free] = uri
    # made in place, so it takes the parent's prefix for their namespace
    el = etree.SubElement(parent, f"{{{ns}}}{name}" if ns else name, nsmap=nsmap or None)
    for k, v in (attrib or {}).items():
        el.set(k, v)
    if order:
        parent.remove(el)
        place(parent, el, order)
    return el


def place(parent: etree._Element, el: etree._Element, order: Sequence[str] = ()) -> None:
    """Insert ``el`` after the last child that comes before it in ``order``."""
    name = local(el)
    if name not in order:
        parent.append(el)
        return
    before = set(order[:order.index(name) + 1])
    pos = 0
    for i, c in enumerate(parent):
        if local(c) in before:
            pos = i + 1
    parent.insert(pos, el)


def from_text(parent: etree._Element, xml: str) -> etree._Element:
    """An element written as text in SpreadsheetML's default namespace (our style records),
    parsed into the parent's namespace so it can be compared with and added to it."""
    ns = namespace(parent)
    root = parse(f'<w xmlns="{ns}">{xml}</w>'.encode())
    return root[0]


def key(el: etree._Element) -> tuple:
    """What an element says, independent of prefixes and declarations: two records that
    key alike are the same record (a font, a fill, an xf)."""
    return (etree.QName(el).text, tuple(sorted(el.attrib.items())), (el.text or "").strip(),
            tuple(key(c) for c in el if isinstance(c.tag, str)))


def sort_children(el: etree._Element, order: Sequence[str]) -> None:
    """Reorder ``el``'s children to ``order`` (unknown ones keep their place at the end)."""
    rank = {n: i for i, n in enumerate(order)}
    kids = [c for c in el if isinstance(c.tag, str)]
    wanted = sorted(kids, key=lambda c: rank.get(local(c), len(rank)))
    if wanted != kids:
        for c in kids:
            el.remove(c)
        for c in wanted:
            el.append(c)


def remove(elements: Iterable[etree._Element]) -> None:
    for el in list(elements):
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)


def first_child_attribute(stream: IO[bytes], name: str, attribute: str) -> str | None:
    """``attribute`` of the root's first child when that child is called ``name`` (any
    namespace), reading the part only up to it."""
    depth = 0
    for event, el in etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                                     no_network=True, huge_tree=True):
        depth += 1 if event == "start" else -1
        if event == "start" and depth == 2:
            return el.get(attribute) if local(el) == name else None
        if event == "end" and depth == 0:
            break
    return None


class MalformedPartError(OSError):
    """A package part that is not well-formed XML."""


def verify_package(path: str | os.PathLike[str]) -> int:
    """Parse every XML part (.xml, .rels) of a package; the number parsed. Raises
    ``MalformedPartError`` naming the first part a strict reader (Excel) would refuse."""
    n = 0
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    parse(z.read(name))
                except etree.XMLSyntaxError as exc:
                    raise MalformedPartError(f"{path}: part {name} is not well-formed XML "
                                             f"({exc})") from None
                n += 1
    return n


def verify_on_save() -> bool:
    """Whether every package sop_xl saves is parsed part by part before it replaces its
    target (``SOP_XL_VERIFY_PARTS=1``; the test suite sets it)."""
    return os.environ.get("SOP_XL_VERIFY_PARTS", "") not in ("", "0")


# -- relationships (OPC, ECMA-376 Part 2 §9.3) -------------------------------------------

class Relationships:
    """A relationships part as a list of (Id, Type, Target, TargetMode)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root

    def items(self) -> list[tuple[str, str, str, str]]:
        return [(r.get("Id", ""), r.get("Type", ""), r.get("Target", ""),
                 r.get("TargetMode", "")) for r in children(self.root, "Relationship")]

    def add(self, rtype: str, target: str) -> str:
        used = {r[0] for r in self.items()}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        make(self.root, "Relationship", {"Id": rid, "Type": rtype, "Target": target})
        return rid

    def remove(self, rid: str) -> None:
        remove(r for r in children(self.root, "Relationship") if r.get("Id") == rid)


def relationships_xml(rels: Iterable[tuple[str, str, str]]) -> bytes:
    """A new relationships part holding (Id, Type, Target) rows."""
    root = etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
    for rid, rtype, target in rels:
        etree.SubElement(root, f"{{{PKG_REL}}}Relationship",
                         {"Id": rid, "Type": rtype, "Target": target})
    return serialize(root)


# -- content types (OPC, ECMA-376 Part 2 §10.1.2) ----------------------------------------

class ContentTypes:
    """[Content_Types].xml: the Override of each part name."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root

    def _override(self, part: str) -> etree._Element | None:
        name = "/" + part.lstrip("/")
        # part names compare case-insensitively (Part 2, §9.1.1.1)
        return next((o for o in children(self.root, "Override")
                     if o.get("PartName", "").lower() == name.lower()), None)

    def get(self, part: str) -> str | None:
        o = self._override(part)
        return o.get("ContentType") if o is not None else None

    def set(self, part: str, ctype: str) -> bool:
        """Declare ``part`` as ``ctype``; False when that was already so."""
        o = self._override(part)
        if o is not None:
            if o.get("ContentType") == ctype:
                return False
            o.set("ContentType", ctype)
            return True
        make(self.root, "Override", {"PartName": "/" + part.lstrip("/"), "ContentType": ctype})
        return True

    def drop(self, part: str) -> bool:
        o = self._override(part)
        if o is None:
            return False
        self.root.remove(o)
        return True
