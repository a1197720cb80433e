"""Custom document properties of a package (``docProps/custom.xml``, ECMA-376 Part 1
§22.3): named text values that belong to the workbook but to none of its cells.

sop_xl keeps its record of approved plan versions there (sop_xl.plan.approvals): Excel
shows them under File > Info > Properties > Advanced > Custom, and Excel, LibreOffice and
openpyxl keep them when they save. The part is found through the package relationships
(whatever its name), edited as a tree with its producer's prefixes kept, and made, with
its relationship and content type, when the workbook has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from lxml import etree

from sop_xl.workbook import ooxml

if TYPE_CHECKING:
    from sop_xl.workbook.package import Package

NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REL_CUSTOM = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
              "custom-properties")
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
#: the format id every custom property carries (the user-defined property set)
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
PACKAGE_RELS = "_rels/.rels"


def custom_part(pkg: Package) -> str | None:
    """The custom properties part named by the package relationships, if it exists."""
    if not pkg.has(PACKAGE_RELS):
        return None
    for _, rtype, target, mode in ooxml.Relationships(pkg.xml(PACKAGE_RELS)).items():
        if rtype == REL_CUSTOM and mode != "External":
            part = target.lstrip("/")
            if pkg.has(part):
                return part
    return None


def read(pkg: Package) -> dict[str, str]:
    """name → the property's value as text (any vt type)."""
    part = custom_part(pkg)
    if part is None:
        return {}
    out = {}
    for prop in ooxml.children(pkg.xml(part), "property"):
        value = next(iter(prop), None)
        out[prop.get("name", "")] = "" if value is None else (value.text or "")
    return out


def write(pkg: Package, values: Mapping[str, str]) -> None:
    """Set these properties as text (``vt:lpwstr``), replacing a property of the same name
    (names compare case-insensitively, as Excel's do); others are kept as they are."""
    if not values:
        return
    part = custom_part(pkg)
    if part is None:
        part = "docProps/custom.xml"
        root = etree.Element(f"{{{NS_CUSTOM}}}Properties", nsmap={None: NS_CUSTOM, "vt": NS_VT})
        pkg.write(part, ooxml.serialize(root))
        pkg.edit(PACKAGE_RELS)
        ooxml.Relationships(pkg.xml(PACKAGE_RELS)).add(REL_CUSTOM, part)
        pkg.set_part_type(part, CT_CUSTOM)
    root = pkg.edit(part)
    props = {p.get("name", "").lower(): p for p in ooxml.children(root, "property")}
    pids = [int(p.get("pid", "0")) for p in props.values() if p.get("pid", "").isdigit()]
    next_pid = max([1, *pids]) + 1  # pid 0 and 1 are reserved (§22.3.2.2)
    # the value's namespace under the prefix the part already declares, else "vt"
    declare = None if NS_VT in root.nsmap.values() or "vt" in root.nsmap else {"vt": NS_VT}
    for name, text in values.items():
        el = props.get(name.lower())
        if el is None:
            el = ooxml.make(root, "property", {"fmtid": FMTID, "pid": str(next_pid),
                                               "name": name})
            next_pid += 1
        for old in list(el):
            el.remove(old)
        value = etree.SubElement(el, f"{{{NS_VT}}}lpwstr", nsmap=declare)
        value.text = text
