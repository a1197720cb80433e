"""sop_xl's cell and conditional-format styles merged into a workbook's styles.xml.

The planner's styles part is edited as a tree (sop_xl.workbook.ooxml), whatever program
wrote it: records already there (from an earlier run, or equal ones of the planner's) are
reused, so styles.xml does not grow run after run, and new records go to the end of their
section so every index the planner's sheets use stays valid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lxml import etree

from sop_xl.layout.styles import CellStyle, DxfStyle
from sop_xl.workbook import ooxml, xlsx

BUILTIN_NUMFMT = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                  "0.00%": 10}
_FIRST_CUSTOM_NUMFMT = 164  # ids below are Excel's built-in formats (§18.8.30)


def _section(root: etree._Element, name: str) -> etree._Element:
    found = ooxml.child(root, name)
    if found is None:
        found = ooxml.make(root, name, {"count": "0"}, order=ooxml.STYLESHEET_ORDER)
    return found


def _merge(root: etree._Element, section: str, record: str, wanted: Sequence[str]) -> list[int]:
    """Add the ``wanted`` records (SpreadsheetML text) that the section lacks; the index of
    each wanted record in the section."""
    sec = _section(root, section)
    existing = ooxml.children(sec, record)
    index: dict[tuple, int] = {}
    for i, el in enumerate(existing):
        index.setdefault(ooxml.key(el), i)
    ids = []
    n = len(existing)
    for text in wanted:
        el = ooxml.from_text(sec, text)
        k = ooxml.key(el)
        if k not in index:
            sec.append(el)
            index[k] = n
            n += 1
        ids.append(index[k])
    sec.set("count", str(n))
    return ids


def merge_styles(xml: bytes, styles: Sequence[CellStyle], dxfs: Mapping[str, DxfStyle],
                 ) -> tuple[bytes, dict[CellStyle, int], dict[str, int]]:
    """styles.xml with ``styles`` and ``dxfs`` added; the xf index of each cell style and the
    dxf index of each conditional style."""
    root = ooxml.parse(xml)
    # Excel's own order inside every font, the planner's included (openpyxl writes name
    # first, which Excel repairs on open; the order carries no meaning).
    fonts = ooxml.child(root, "fonts")
    for font in ooxml.children(fonts, "font") if fonts is not None else []:
        ooxml.sort_children(font, ooxml.FONT_ORDER)

    numfmt_id: dict[str, int] = {}
    formats = ooxml.child(root, "numFmts")
    existing_fmt: dict[str, int] = {}
    for el in ooxml.children(formats, "numFmt") if formats is not None else []:
        try:
            existing_fmt.setdefault(el.get("formatCode", ""), int(el.get("numFmtId", "")))
        except ValueError:
            continue
    next_id = max([_FIRST_CUSTOM_NUMFMT - 1, *existing_fmt.values()]) + 1
    for s in styles:
        code = s.numfmt
        if code in numfmt_id:
            continue
        if code in BUILTIN_NUMFMT:
            numfmt_id[code] = BUILTIN_NUMFMT[code]
        elif code in existing_fmt:
            numfmt_id[code] = existing_fmt[code]
        else:
            formats = _section(root, "numFmts")
            ooxml.make(formats, "numFmt", {"numFmtId": str(next_id), "formatCode": code})
            formats.set("count", str(len(ooxml.children(formats, "numFmt"))))
            numfmt_id[code] = next_id
            next_id += 1

    font_ids = _merge(root, "fonts", "font", [xlsx.font_xml(s) for s in styles])
    fill_ids = _merge(root, "fills", "fill", [xlsx.fill_xml(s.fill) for s in styles])
    border_ids = _merge(root, "borders", "border", [xlsx.border_xml(s.border) for s in styles])
    xf_ids = _merge(root, "cellXfs", "xf", [
        xlsx.xf_xml(s, font_ids[i], fill_ids[i], border_ids[i], numfmt_id[s.numfmt])
        for i, s in enumerate(styles)])
    keys = list(dxfs)
    dxf_ids = _merge(root, "dxfs", "dxf", [xlsx.dxf_xml(dxfs[k]) for k in keys])
    return (ooxml.serialize(root), {s: xf_ids[i] for i, s in enumerate(styles)},
            {k: dxf_ids[i] for i, k in enumerate(keys)})
