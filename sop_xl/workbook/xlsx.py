"""SheetContent → SpreadsheetML: the worksheet part, its Table part and the style records.

Written by hand rather than through openpyxl because a run must (1) write formulas together
with the values Python computed (openpyxl cannot store a formula's cached value, and a
workbook read by a non-recalculating client would show blanks), (2) write text as inline
strings so the shared-string table of the planner's workbook is never rewritten, and
(3) splice sheets into an existing package without loading it (sop_xl.workbook.package).
Element order follows ECMA-376 Part 1, §18.3.1.99 (CT_Worksheet).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from sop_xl.contract.cells import cell_ref, col_letter
from sop_xl.layout.sheet import Formula, SheetContent
from sop_xl.layout.styles import CellStyle, DxfStyle, resolve

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = datetime(1899, 12, 30)
#: days between the 1900 and the 1904 date systems' serial numbers (ECMA-376 §18.17.4.1)
DAYS_1904 = 1462


def xml_text(s: str) -> str:
    """Escape text for an element body; characters XML 1.0 forbids are dropped."""
    return escape(_ILLEGAL.sub("", s))


def xml_attr(s: str) -> str:
    return escape(_ILLEGAL.sub("", s), {'"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                                        "\t": "&#9;"})


def excel_serial(value: date | datetime, date1904: bool = False) -> float:
    """A date as an Excel serial number: days since 1899-12-30 in the 1900 date system,
    since 1904-01-01 in the 1904 one (``workbookPr/@date1904``, Mac Excel's default once)."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    else:
        serial = float((value - _EPOCH.date()).days)
    return serial - DAYS_1904 if date1904 else serial


# -- style records ---------------------------------------------------------------------

def font_xml(s: CellStyle) -> str:
    parts = []
    if s.bold:
        parts.append("<b/>")
    if s.italic:
        parts.append("<i/>")
    parts.append(f'<sz val="{s.size:g}"/>')
    parts.append(f'<color rgb="FF{s.color}"/>' if s.color else '<color theme="1"/>')
    parts.append('<name val="Calibri"/><family val="2"/><scheme val="minor"/>')
    return "<font>" + "".join(parts) + "</font>"


def fill_xml(rgb: str | None) -> str:
    if not rgb:
        return '<fill><patternFill patternType="none"/></fill>'
    return (f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
            f'<bgColor indexed="64"/></patternFill></fill>')


_BORDERS = {
    None: "<border><left/><right/><top/><bottom/><diagonal/></border>",
    "thin": ('<border><left style="thin"><color rgb="FFBFBFBF"/></left>'
             '<right style="thin"><color rgb="FFBFBFBF"/></right>'
             '<top style="thin"><color rgb="FFBFBFBF"/></top>'
             '<bottom style="thin"><color rgb="FFBFBFBF"/></bottom><diagonal/></border>'),
    "top": ('<border><left/><right/><top style="thin"><color rgb="FF7F7F7F"/></top>'
            '<bottom/><diagonal/></border>'),
    "bottom": ('<border><left/><right/><top/><bottom style="thin"><color rgb="FF7F7F7F"/>'
               '</bottom><diagonal/></border>'),
}


def border_xml(kind: str | None) -> str:
    return _BORDERS[kind]


def xf_xml(s: CellStyle, font_id: int, fill_id: int, border_id: int, numfmt_id: int) -> str:
    attrs = (f'numFmtId="{numfmt_id}" fontId="{font_id}" fillId="{fill_id}" '
             f'borderId="{border_id}" xfId="0"')
    if numfmt_id:
        attrs += ' applyNumberFormat="1"'
    attrs += ' applyFont="1" applyFill="1" applyBorder="1"'
    align = ""
    if s.halign or s.valign or s.wrap or s.indent:
        a = []
        if s.halign:
            a.append(f'horizontal="{s.halign}"')
        if s.valign:
            a.append(f'vertical="{s.valign}"')
        if s.wrap:
            a.append('wrapText="1"')
        if s.indent:
            a.append(f'indent="{s.indent}"')
            if not s.halign:
                a.insert(0, 'horizontal="left"')
        align = "<alignment " + " ".join(a) + "/>"
        attrs += ' applyAlignment="1"'
    prot = ""
    if not s.locked:
        prot = '<protection locked="0"/>'
        attrs += ' applyProtection="1"'
    inner = align + prot
    return f"<xf {attrs}>{inner}</xf>" if inner else f"<xf {attrs}/>"


def dxf_xml(d: DxfStyle) -> str:
    font = ""
    if d.color or d.bold:
        font = "<font>" + ("<b/>" if d.bold else "") + (
            f'<color rgb="FF{d.color}"/>' if d.color else "") + "</font>"
    fill = ""
    if d.fill:
        fill = (f'<fill><patternFill patternType="solid"><fgColor rgb="FF{d.fill}"/>'
                f'<bgColor rgb="FF{d.fill}"/></patternFill></fill>')
    return f"<dxf>{font}{fill}</dxf>"


# -- cells -----------------------------------------------------------------------------

def _num(v: float) -> str:
    if type(v) is not float:
        v = float(v)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


class _TextCache(dict):
    """Escaped text by string: labels and item codes repeat on every row of a grid. Text
    with nothing to escape (most formulas and codes) skips the cache. It travels with
    every cell of one part, so it also carries the part's date system."""

    date1904 = False

    def __missing__(self, key: str) -> str:
        # most text has nothing to escape: the checks are cheaper than the escaping; text
        # that is never repeated (pegging, notes) must not fill the cache first
        if "&" in key or "<" in key or ">" in key or not key.isprintable():
            value = xml_text(key)
        else:
            value = key
        if len(self) < 200_000 and len(key) <= 64:
            self[key] = value
        return value

    def escape(self, text: str) -> str:
        if "&" in text or "<" in text or ">" in text or not text.isprintable():
            return self[text]
        return text


def _value_xml(ref: str, v: Any, sa: str, text: _TextCache) -> str:
    """A cell that is not a plain float or str (those are handled inline, for speed)."""
    t = type(v)
    if t is Formula:
        f = f"<f>{text.escape(v.text)}</f>"
        val = v.value
        if val is None or (isinstance(val, float) and math.isnan(val)):
            return f'<c r="{ref}"{sa}>{f}</c>'
        if isinstance(val, bool | np.bool_):
            return f'<c r="{ref}"{sa} t="b">{f}<v>{int(val)}</v></c>'
        if isinstance(val, str):
            return f'<c r="{ref}"{sa} t="str">{f}<v>{text[val]}</v></c>'
        return f'<c r="{ref}"{sa}>{f}<v>{_num(float(val))}</v></c>'
    if t is bool or t is np.bool_:
        return f'<c r="{ref}"{sa} t="b"><v>{int(v)}</v></c>'
    if t is int or isinstance(v, np.integer):
        return f'<c r="{ref}"{sa}><v>{int(v)}</v></c>'
    if isinstance(v, np.floating):
        f = float(v)
        if math.isnan(f) or math.isinf(f):
            return f'<c r="{ref}"{sa}/>' if sa else ""
        return f'<c r="{ref}"{sa}><v>{_num(f)}</v></c>'
    if isinstance(v, datetime | date):
        return f'<c r="{ref}"{sa}><v>{_num(excel_serial(v, text.date1904))}</v></c>'
    if hasattr(v, "to_timestamp"):  # pandas Period: its first day
        return _value_xml(ref, v.to_timestamp().to_pydatetime().date(), sa, text)
    if hasattr(v, "to_pydatetime"):  # pandas Timestamp
        if v != v:  # NaT
            return f'<c r="{ref}"{sa}/>' if sa else ""
        return _value_xml(ref, v.to_pydatetime(), sa, text)
    return _row_cell(ref, str(v), sa, text)


def _row_cell(ref: str, v: Any, sa: str, text: _TextCache) -> str:
    if v is None:
        return f'<c r="{ref}"{sa}/>' if sa else ""
    t = type(v)
    if t is float:
        if v != v or v in (math.inf, -math.inf):
            return f'<c r="{ref}"{sa}/>' if sa else ""
        return f'<c r="{ref}"{sa}><v>{_num(v)}</v></c>'
    if t is str:
        if not v:
            return f'<c r="{ref}"{sa}/>' if sa else ""
        return f'<c r="{ref}"{sa} t="inlineStr"><is><t xml:space="preserve">{text[v]}</t></is></c>'
    return _value_xml(ref, v, sa, text)


def style_grid(content: SheetContent, xf_of: Mapping[CellStyle, int]) -> np.ndarray:
    """The xf index of every cell: the sheet's style matrix, then its style ranges
    painting over it in order."""
    shape = (max(content.n_rows, 1), max(content.n_cols, 1))
    if content.style_index is not None:
        lookup = np.array([0] + [xf_of[s] for s in content.palette], dtype=np.int32)
        grid = np.zeros(shape, dtype=np.int32)
        si = content.style_index
        h, w = min(si.shape[0], shape[0]), min(si.shape[1], shape[1])
        grid[:h, :w] = lookup[si[:h, :w]]
    else:
        grid = np.zeros(shape, dtype=np.int32)
    for sr in content.styles:
        b = sr.box
        grid[b.top:b.bottom + 1, b.left:b.right + 1] = xf_of[resolve(sr.style)]
    return grid


# -- the worksheet part -----------------------------------------------------------------

#: rows of sheetData per chunk of the worksheet part (about 1-2 MB of XML for a wide grid)
CHUNK_ROWS = 1000


def worksheet_xml(content: SheetContent, xf_of: Mapping[CellStyle, int],
                  dxf_of: Mapping[str, int], table_rid: str | None,
                  extra_rels: list[tuple[str, str]] = (), *, date1904: bool = False,
                  code_name: str | None = None) -> str:
    """The worksheet part as one string (see ``worksheet_chunks``)."""
    return "".join(worksheet_chunks(content, xf_of, dxf_of, table_rid, extra_rels,
                                    date1904=date1904, code_name=code_name))


def worksheet_chunks(content: SheetContent, xf_of: Mapping[CellStyle, int],
                     dxf_of: Mapping[str, int], table_rid: str | None,
                     extra_rels: list[tuple[str, str]] = (), *, date1904: bool = False,
                     code_name: str | None = None) -> Iterator[str]:
    """The worksheet part in pieces of ``CHUNK_ROWS`` rows, to be encoded and compressed
    as they come (a 6 M-cell sheet is ~300 MB of XML: never held as one string).
    ``extra_rels`` are (element, rId) pairs kept from the sheet this one replaces, e.g.
    ("drawing", "rId3") so a planner's chart stays on the sheet; ``code_name`` is that
    sheet's code name (its VBA document module), kept too. ``date1904``: the workbook
    counts dates in the 1904 system; every date cell and date validation is written in
    it."""
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">',
    ]
    pr = []
    if content.tab_color:
        pr.append(f'<tabColor rgb="FF{content.tab_color}"/>')
    if content.outline_rows:
        pr.append('<outlinePr summaryBelow="0"/>')
    if content.print_scale is None:
        pr.append('<pageSetUpPr fitToPage="1"/>')
    code = f' codeName="{xml_attr(code_name)}"' if code_name else ""
    out.append(f"<sheetPr{code}>" + "".join(pr) + "</sheetPr>")
    n_rows, n_cols = content.n_rows, content.n_cols
    if n_rows and n_cols:
        out.append(f'<dimension ref="A1:{cell_ref(n_rows - 1, n_cols - 1)}"/>')
    out.append(_sheet_views(content))
    lvl = ' outlineLevelRow="1"' if content.outline_rows else ""
    out.append(f'<sheetFormatPr defaultRowHeight="15"{lvl}/>')
    out.append(_cols(content))
    out.append("<sheetData>")
    yield "".join(out)
    yield from _sheet_data(content, xf_of, date1904)
    out = ["</sheetData>"]
    if content.protect:
        pw = f' password="{content.protect_hash}"' if content.protect_hash else ""
        out.append(f'<sheetProtection{pw} sheet="1" objects="1" scenarios="1" formatCells="0" '
                   'formatColumns="0" formatRows="0" sort="0" autoFilter="0"/>')
    if content.autofilter is not None and content.table is None:
        out.append(f'<autoFilter ref="{content.autofilter.a1()}"/>')
    out.append(_cond_formats(content, dxf_of))
    out.append(_validations(content, date1904))
    out.append('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" '
               'footer="0.3"/>')
    if content.print_scale is None:
        out.append('<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" '
                   'fitToHeight="0"/>')
    else:
        out.append(f'<pageSetup paperSize="9" scale="{content.print_scale}" '
                   'orientation="landscape"/>')
    if content.row_breaks:
        # <brk id="n"/>: a page break after row n (1-based), i.e. before 0-based row n
        brk = "".join(f'<brk id="{r}" max="16383" man="1"/>'
                      for r in sorted(set(content.row_breaks)) if r > 0)
        n = brk.count("<brk")
        out.append(f'<rowBreaks count="{n}" manualBreakCount="{n}">{brk}</rowBreaks>')
    for element, rid in extra_rels:
        out.append(f'<{element} r:id="{rid}"/>')
    if table_rid:
        out.append(f'<tableParts count="1"><tablePart r:id="{table_rid}"/></tableParts>')
    out.append("</worksheet>")
    yield "".join(out)


def _sheet_data(content: SheetContent, xf_of: Mapping[CellStyle, int],
                date1904: bool) -> Iterator[str]:
    """The <row> elements, ``CHUNK_ROWS`` at a time: the hot loop of every write. The
    common cells (plain numbers, formulas with a number cached, text) are formatted
    inline from two constant pieces a column (``<c r="B`` and, after the row number, the
    style attribute and the opening of the value for the row's style), made once per
    distinct row of styles; whole numbers are written without a call; every other value
    goes through ``_row_cell``. (Measured: caching numbers' texts, and per-row templates
    filled by ``str.format``, were both slower than this loop.)"""
    styles = style_grid(content, xf_of)
    hidden = set(content.hidden_rows)
    heights = content.row_heights
    outlined = _outlined(content)
    sw = styles.shape[1]
    width = max(sw, content.n_cols)
    left = [f'<c r="{col_letter(c)}' for c in range(width)]
    letters = [col_letter(c) for c in range(width)]
    attr = [f' s="{k}"' if k else "" for k in range(int(styles.max(initial=0)) + 1)]
    text = _TextCache()
    text.date1904 = date1904
    text_get = text.get
    n_styled = styles.shape[0]
    blank = np.zeros(sw, dtype=styles.dtype)
    serials: dict[date, str] = {}
    # per distinct row of styles: each column's style attribute, and the pieces that
    # follow the row number for an empty styled cell, a number, a formula and a text
    pieces: dict[bytes, tuple[list[str], list[str], list[str], list[str], list[str]]] = {}
    chunk: list[str] = []
    append = chunk.append

    def pieces_of(srow: np.ndarray) -> tuple[list[str], ...]:
        key = srow.tobytes()
        got = pieces.get(key)
        if got is None:
            sa = [attr[k] for k in srow.tolist()] + [""] * (width - sw)
            got = pieces[key] = (sa, [f'"{x}/>' if x else "" for x in sa],
                                 [f'"{x}><v>' for x in sa], [f'"{x}><f>' for x in sa],
                                 [f'"{x} t="inlineStr"><is><t xml:space="preserve">'
                                  for x in sa])
        return got

    rows = content.rows
    marked = set(heights) | hidden | outlined
    for r0 in range(0, len(rows), CHUNK_ROWS):
        r1 = min(r0 + CHUNK_ROWS, len(rows))
        # a table's block of rows is made a column at a time when every row of it has
        # the same styles and its columns plain values (``_by_columns``)
        srow = styles[r0] if r0 < n_styled else blank
        if r0 >= n_styled or (r1 <= n_styled and np.array_equal(
                styles[r0:r1], np.broadcast_to(srow, (r1 - r0, sw)))):
            block = _by_columns(rows, r0, r1, pieces_of(srow), left, sw, text, serials,
                                marked)
            if block is not None:
                yield block
                continue
        for r in range(r0, r1):
            row = rows[r]
            sa, empty, num, form, inline = pieces_of(styles[r] if r < n_styled else blank)
            rn = str(r + 1)
            cells = []
            add = cells.append
            n = len(row)
            for c, v in enumerate(row):
                t = type(v)
                if t is float:
                    if v - v:  # NaN or ±inf: no value
                        if sa[c]:
                            add(f"{left[c]}{rn}{empty[c]}")
                    elif -1e15 < v < 1e15 and v == (i := int(v)):
                        add(f"{left[c]}{rn}{num[c]}{i}</v></c>")
                    else:
                        add(f"{left[c]}{rn}{num[c]}{v!r}</v></c>")
                elif v is None:
                    if sa[c]:
                        add(f"{left[c]}{rn}{empty[c]}")
                elif t is Formula:
                    val = v.value
                    if type(val) is float and val == val:
                        ft = v.text
                        if "&" in ft or "<" in ft or ">" in ft or not ft.isprintable():
                            ft = text[ft]
                        if -1e15 < val < 1e15 and val == (i := int(val)):
                            add(f"{left[c]}{rn}{form[c]}{ft}</f><v>{i}</v></c>")
                        else:
                            add(f"{left[c]}{rn}{form[c]}{ft}</f><v>{_num(val)}</v></c>")
                    else:
                        add(_row_cell(f"{letters[c]}{rn}", v, sa[c], text))
                elif t is str and v:
                    tv = text_get(v)
                    if tv is None:  # _TextCache.__missing__ inline, without its call
                        if "&" in v or "<" in v or ">" in v or not v.isprintable():
                            tv = text[v]
                        else:
                            tv = v
                            if len(v) <= 64 and len(text) < 200_000:
                                text[v] = v
                    add(f"{left[c]}{rn}{inline[c]}{tv}</t></is></c>")
                elif t is int:
                    add(f"{left[c]}{rn}{num[c]}{v}</v></c>")
                elif t is date or (t is datetime and v.tzinfo is None):
                    serial = serials.get(v)  # dates repeat down a table: each serial once
                    if serial is None:
                        serial = serials[v] = _num(excel_serial(v, date1904))
                    add(f"{left[c]}{rn}{num[c]}{serial}</v></c>")
                else:
                    add(_row_cell(f"{letters[c]}{rn}", v, sa[c], text))
            # styled cells beyond the row's values (e.g. blank input cells)
            for c in range(n, sw):
                if sa[c]:
                    add(f"{left[c]}{rn}{empty[c]}")
            if r in heights or r in hidden or r in outlined:
                head = f'<row r="{rn}"'
                if r in heights:
                    head += f' ht="{heights[r]:g}" customHeight="1"'
                if r in hidden:
                    head += ' hidden="1"'
                if r in outlined:
                    head += ' outlineLevel="1"'
                append(head + ">" + "".join(cells) + "</row>")
            else:
                append(f'<row r="{rn}">' + "".join(cells) + "</row>")
        yield "".join(chunk)
        chunk.clear()


_INFINITE = (math.inf, -math.inf)

#: the pieces that close a number's and a text's cell
_CLOSE_NUM, _CLOSE_TEXT = "</v></c>", "</t></is></c>"
_PLAIN = {float, int, str, date, datetime, type(None)}


def _by_columns(rows: list[list[Any]], r0: int, r1: int, pieces: tuple[list[str], ...],
                left: list[str], sw: int, text: _TextCache, serials: dict[date, str],
                marked: set[int]) -> str | None:
    """The <row> elements of ``rows[r0:r1]``, every row styled alike (``pieces``, as
    ``_sheet_data`` makes them), built a column at a time: each cell is five pieces
    (``<c r="B``, the row number, the style and the value's opening, the value's text,
    its close), a column's constant pieces assigned to all its rows at once, the
    numbers' texts made in bulk, and the block joined once; the same bytes as the cell
    by cell loop. None when the block has a row of another length or fewer cells than
    styled columns, a marked row (height, hidden, outline), or a value that is not a
    plain float, int, text, date or naive datetime (formulas, booleans: the loop)."""
    block = rows[r0:r1]
    w = len(block[0])
    if w < sw or any(len(row) != w for row in block) or not marked.isdisjoint(range(r0, r1)):
        return None
    sa, empty, num, _, inline = pieces
    n = r1 - r0
    numbers = np.array([str(r + 1) for r in range(r0, r1)], dtype=object)
    # the block's pieces in order: a text common to every row, or one a row; common
    # neighbours merged (a cell's close and the next one's ``<c r="C``)
    parts: list[str | np.ndarray] = [np.array([f'<row r="{x}">' for x in numbers.tolist()],
                                              dtype=object)]

    def common(piece: str) -> None:
        if isinstance(parts[-1], str):
            parts[-1] += piece
        else:
            parts.append(piece)

    for c, col in enumerate(zip(*block, strict=True)):
        kinds = set(map(type, col))
        if not kinds <= _PLAIN:
            return None
        values = np.empty(n, dtype=object)
        blank: np.ndarray | None = None
        if (kinds <= {float, int, type(None)} and float in kinds) or kinds == {type(None)}:
            try:
                x = np.array(col, dtype=float)  # None → NaN
            except OverflowError:  # an int beyond any float: the loop
                return None
            blank = ~np.isfinite(x)
            whole = ~blank & (np.abs(x) < 1e15) & (x == np.trunc(x))
            values[whole] = list(map(str, x[whole].astype(np.int64).tolist()))
            other = ~blank & ~whole
            if other.any():
                values[other] = list(map(repr, x[other].tolist()))
            opening, close = num[c], _CLOSE_NUM
            if int in kinds:  # an int is written as it is (a float's whole part above)
                ints = np.fromiter((type(v) is int for v in col), dtype=bool, count=n)
                values[ints] = [str(v) for v in col if type(v) is int]
        elif kinds <= {int, type(None)}:
            if type(None) in kinds:
                blank = np.fromiter((v is None for v in col), dtype=bool, count=n)
            values[:] = [str(v) if v is not None else "" for v in col]
            opening, close = num[c], _CLOSE_NUM
        elif kinds <= {str, type(None)}:
            shown = list(col) if all(col) else [v or "" for v in col]
            if len(shown) == n and not all(col):
                blank = np.fromiter((not v for v in col), dtype=bool, count=n)
            joined = "".join(shown)
            if "&" in joined or "<" in joined or ">" in joined or not joined.isprintable():
                shown = [text[v] if v else "" for v in shown]
            values[:] = shown
            opening, close = inline[c], _CLOSE_TEXT
        elif kinds <= {date, datetime, type(None)}:
            if datetime in kinds and any(type(v) is datetime and v.tzinfo is not None
                                         for v in col):
                return None
            for v in set(col):
                if v is not None and v not in serials:
                    serials[v] = _num(excel_serial(v, text.date1904))
            if type(None) in kinds:
                blank = np.fromiter((v is None for v in col), dtype=bool, count=n)
            values[:] = [serials[v] if v is not None else "" for v in col]
            opening, close = num[c], _CLOSE_NUM
        else:  # text beside numbers or dates in one column: the loop
            return None
        if blank is None or not blank.any():
            common(left[c])
            parts.append(numbers)
            common(opening)
            parts.append(values)
            common(close)
            continue
        values[blank] = ""
        shut = np.where(blank, "", close).astype(object)
        if sa[c]:  # an empty styled cell: <c r="B7" s="3"/>
            common(left[c])
            parts += [numbers, np.where(blank, empty[c], opening).astype(object), values,
                      shut]
        else:  # no cell at all
            parts += [np.where(blank, "", left[c]).astype(object),
                      np.where(blank, "", numbers).astype(object),
                      np.where(blank, "", opening).astype(object), values, shut]
    common("</row>")
    grid = np.empty((n, len(parts)), dtype=object)
    for j, piece in enumerate(parts):
        grid[:, j] = piece
    return "".join(grid.ravel().tolist())


def _outlined(content: SheetContent) -> set[int]:
    rows: set[int] = set()
    for first, last in content.outline_rows:
        rows.update(range(first, last + 1))
    return rows


def _sheet_views(content: SheetContent) -> str:
    zoom = f' zoomScale="{content.zoom}" zoomScaleNormal="{content.zoom}"' \
        if content.zoom != 100 else ""
    view = f'<sheetView workbookViewId="0"{zoom}>'
    if content.freeze and (content.freeze[0] or content.freeze[1]):
        rows, cols = content.freeze
        top_left = cell_ref(rows, cols)
        if rows and cols:
            pane = (f'<pane xSplit="{cols}" ySplit="{rows}" topLeftCell="{top_left}" '
                    f'activePane="bottomRight" state="frozen"/>'
                    f'<selection pane="topRight"/><selection pane="bottomLeft"/>'
                    f'<selection pane="bottomRight" activeCell="{top_left}" sqref="{top_left}"/>')
        elif rows:
            pane = (f'<pane ySplit="{rows}" topLeftCell="{top_left}" activePane="bottomLeft" '
                    f'state="frozen"/><selection pane="bottomLeft" activeCell="{top_left}" '
                    f'sqref="{top_left}"/>')
        else:
            pane = (f'<pane xSplit="{cols}" topLeftCell="{top_left}" activePane="topRight" '
                    f'state="frozen"/><selection pane="topRight" activeCell="{top_left}" '
                    f'sqref="{top_left}"/>')
        view += pane
    return "<sheetViews>" + view + "</sheetView></sheetViews>"


def _cols(content: SheetContent) -> str:
    hidden = set(content.hidden_cols)
    idx = sorted(set(content.col_widths) | hidden)
    if not idx:
        return ""
    parts = []
    for c in idx:
        w = content.col_widths.get(c, 9.140625)
        h = ' hidden="1"' if c in hidden else ""
        parts.append(f'<col min="{c + 1}" max="{c + 1}" width="{w:g}" customWidth="1"{h}/>')
    return "<cols>" + "".join(parts) + "</cols>"


def _cond_formats(content: SheetContent, dxf_of: Mapping[str, int]) -> str:
    out = []
    for prio, cf in enumerate(content.cond_formats, start=1):
        out.append(f'<conditionalFormatting sqref="{cf.box.a1()}"><cfRule type="expression" '
                   f'dxfId="{dxf_of[cf.style]}" priority="{prio}"><formula>'
                   f'{xml_text(cf.formula)}</formula></cfRule></conditionalFormatting>')
    return "".join(out)


def _validations(content: SheetContent, date1904: bool = False) -> str:
    if not content.validations:
        return ""
    out = [f'<dataValidations count="{len(content.validations)}">']
    for v in content.validations:
        attrs = [f'type="{v.kind}"']
        f1 = f2 = None
        # date bounds are 1900-system serials; a 1904 workbook counts 1462 days fewer
        shift = DAYS_1904 if date1904 and v.kind == "date" else 0
        lo = None if v.minimum is None else v.minimum - shift
        hi = None if v.maximum is None else v.maximum - shift
        if v.kind == "list":
            f1 = '"' + ",".join(c.replace('"', '""') for c in v.choices) + '"'
        elif lo is not None and hi is not None:
            attrs.append('operator="between"')
            f1, f2 = _num(lo), _num(hi)
        elif lo is not None:
            attrs.append('operator="greaterThanOrEqual"')
            f1 = _num(lo)
        elif hi is not None:
            attrs.append('operator="lessThanOrEqual"')
            f1 = _num(hi)
        if v.allow_blank:
            attrs.append('allowBlank="1"')
        attrs.append('showInputMessage="1" showErrorMessage="1"')
        if v.error:
            attrs.append(f'error="{xml_attr(v.error[:225])}"')
        if v.prompt:
            attrs.append(f'prompt="{xml_attr(v.prompt[:255])}"')
        attrs.append(f'sqref="{v.box.a1()}"')
        body = ""
        if f1 is not None:
            body += f"<formula1>{xml_text(f1)}</formula1>"
        if f2 is not None:
            body += f"<formula2>{xml_text(f2)}</formula2>"
        out.append(f"<dataValidation {' '.join(attrs)}>{body}</dataValidation>")
    out.append("</dataValidations>")
    return "".join(out)


def table_xml(content: SheetContent, table_id: int) -> str:
    """The Table part for ``content.table``; column names are the header cells' text."""
    t = content.table
    assert t is not None
    header = content.rows[t.box.top][t.box.left:t.box.right + 1]
    names = [str(h) for h in header]
    cols = "".join(f'<tableColumn id="{i}" name="{xml_attr(n)}"/>'
                   for i, n in enumerate(names, start=1))
    ref = t.box.a1()
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<table xmlns="{NS_MAIN}" id="{table_id}" name="{t.name}" displayName="{t.name}" '
            f'ref="{ref}" totalsRowShown="0"><autoFilter ref="{ref}"/>'
            f'<tableColumns count="{len(names)}">{cols}</tableColumns>'
            f'<tableStyleInfo name="{t.style}" showFirstColumn="0" showLastColumn="0" '
            f'showRowStripes="1" showColumnStripes="0"/></table>')
