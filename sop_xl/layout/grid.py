"""Planning grids: the SAP planning-table look, laid out from a grid spec and engine data.

Layout (0-based rows)::

    0  title
    1  description ............................. Working days | 21 | 20 | ...
    2  Item | Description | Measure | other attributes | [opening] | 2026-12 | ...  ← header
    3+ one block of measure rows per item; attributes repeated on every row so that the
       header filter and conditional formats work row by row

The panes freeze the title rows and only the key, its description and the measure (the
look of SAP's planning table): the other attributes scroll away with the periods, so a
laptop screen shows a year of periods. Readers find the columns by their header labels
(``grid_columns``), so a workbook laid out the earlier way (every attribute before the
measure) reads the same.

Rows whose measure has a formula hold live Excel formulas with Python's value cached.
``read_grid`` reads a grid sheet back into a long frame (item, measure, period, value).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sop_xl.base.messages import LANGUAGES, in_language, message
from sop_xl.contract.cells import cell_ref, col_letter
from sop_xl.contract.model import Column, Measure, SheetSpec, normalise_header
from sop_xl.contract.raw import RawSheet
from sop_xl.layout.paper import column_width, print_setup
from sop_xl.layout.render import cell_value, distinct, header_height, number_style, width_of
from sop_xl.layout.sheet import Box, CondFormat, Formula, SheetContent
from sop_xl.layout.styles import CELL_STYLES, CellStyle

TITLE_ROW, WORKDAY_ROW, HEADER_ROW, FIRST_ROW = 0, 1, 2, 3


@dataclass
class GridBlock:
    """One item's rows: attribute values, and per measure one value per period."""

    attrs: dict[str, Any]
    values: dict[str, np.ndarray]
    opening: dict[str, float] = field(default_factory=dict)
    states: dict[str, Sequence[str | None]] = field(default_factory=dict)
    #: formulas of this block that differ from the spec's (e.g. a family total's SUMIFS)
    formulas: dict[str, Any] = field(default_factory=dict)


@dataclass
class GridCondition:
    """A conditional format on one measure's cells; ``formula`` uses {cell} for the cell,
    {attr:key} for an attribute of the same row, {below:n} / {above:n} for the cell n rows
    below / above, e.g. "{cell}<{attr:safety_stock}"."""

    measure: str
    formula: str
    style: str


@dataclass
class GridLink:
    """Another grid whose cells this grid's formulas read, block by block: the sheet it is
    written to (its name in the workbook), the grid itself (only its layout is used) and,
    for every block of this grid, the block of ``grid`` it reads (None: none, so that
    block's cells keep Python's values). The linked sheet is always written in the same
    write (sop_xl.app.cycle), so rows and columns cannot drift apart."""

    sheet: str
    grid: Grid
    blocks: Sequence[int | None]


@dataclass
class Banner:
    """The title of a grid says by formula whether the sheet is stale: Python computed it
    from other sheets' numbers (netting, lot sizing) that a planner may have changed
    since. ``condition`` (formula text) is true when it is; the title then ends with
    ``stale`` (naming the button or command that refreshes it), in red, else ``fresh``."""

    condition: str
    stale: str
    fresh: str
    is_stale: bool = False  # what Python finds at write time


@dataclass
class Grid:
    """A planning grid ready to lay out."""

    spec: SheetSpec
    periods: list[str]
    blocks: list[GridBlock]
    workdays: np.ndarray | None = None
    first_future: int = 0            # periods before this index are history
    frozen: int = 0                  # future periods inside the frozen fence
    opening_label: str | None = None  # catalogue code of the opening column's header
    title: str = ""
    measures: tuple[str, ...] | None = None
    conditions: list[GridCondition] = field(default_factory=list)
    name: str | None = None
    #: formulas of this grid that replace the spec's (None: a value row), e.g. cells that
    #: read another sheet through ``links``
    formulas: dict[str, Any] = field(default_factory=dict)
    links: dict[str, GridLink] = field(default_factory=dict)
    banner: Banner | None = None


class GridRefs:
    """Cell addresses for one cell of one block: what measure formulas are built from.

    Row numbers come out as ``{k}`` placeholders (k = the measure's row within the block),
    so one formula template per measure and period serves every block: the grid fills it
    in with ``str.format`` (formulas never contain braces)."""

    def __init__(self, layout: GridMap, period: int) -> None:
        self._l = layout
        self.period = period

    @property
    def period_label(self) -> str:
        return self._l.grid.periods[self.period]

    @property
    def is_first(self) -> bool:
        return self.period == self._l.grid.first_future

    def _row(self, key: str) -> str:
        return "{" + str(self._l.offset[key]) + "}"

    def cell(self, key: str, shift: int = 0) -> str:
        return col_letter(self._l.period_col(self.period + shift)) + self._row(key)

    def opening(self, key: str) -> str:
        if self._l.opening_col is None:
            raise ValueError(f"grid {self._l.grid.spec.key} has no opening column")
        return col_letter(self._l.opening_col) + self._row(key)

    def prev(self, key: str) -> str:
        """The previous period's cell, or the opening column for the first period."""
        if self.is_first:
            return self.opening(key)
        return self.cell(key, -1)

    def span(self, key: str, a: int, b: int) -> str | None:
        """The range of ``key`` from this period + a to this period + b, clipped."""
        lo = self.period + a
        hi = min(self.period + b, len(self._l.grid.periods) - 1)
        if lo > hi:
            return None
        r = self._row(key)
        return (f"{col_letter(self._l.period_col(lo))}{r}:"
                f"{col_letter(self._l.period_col(hi))}{r}")

    def span_workdays(self, a: int, b: int) -> str:
        lo = self.period + a
        hi = min(self.period + b, len(self._l.grid.periods) - 1)
        return (f"{cell_ref(WORKDAY_ROW, self._l.period_col(lo), True)}:"
                f"{cell_ref(WORKDAY_ROW, self._l.period_col(hi), True)}")

    def attr(self, key: str) -> str:
        return f"${col_letter(self._l.attr_col[key])}" + "{0}"

    def column_span(self, top: int, bottom: int) -> str:
        """This period's column from sheet row ``top`` to ``bottom`` (0-based), rows fixed:
        "H$20:H$300"."""
        c = col_letter(self._l.period_col(self.period))
        return f"{c}${top + 1}:{c}${bottom + 1}"

    def attr_span(self, key: str, top: int, bottom: int) -> str:
        """An attribute column (or "measure", the measure-label column) from ``top`` to
        ``bottom``, absolute: "$C$20:$C$300"."""
        j = self._l.measure_col if key == "measure" else self._l.attr_col[key]
        c = col_letter(j)
        return f"${c}${top + 1}:${c}${bottom + 1}"

    def label(self, key: str) -> str:
        """The measure-label cell of ``key`` in this block, column fixed: "$F12"."""
        return f"${col_letter(self._l.measure_col)}" + self._row(key)

    def at(self, block: int, key: str) -> str:
        """This period's cell of measure ``key`` in another block of this grid: "H25"."""
        return col_letter(self._l.period_col(self.period)) + str(self._l.row(block, key))

    def link(self, name: str, key: str, shift: int = 0) -> str:
        """The cell of measure ``key`` in the block of linked grid ``name`` this block
        reads, same period (+ ``shift``): "'MPS'!K{14}"."""
        return self._l.link_cell(name, key, self.period + shift)


def lead_columns(spec: SheetSpec) -> list[str]:
    """The block columns kept in view left of the measure: the key (an item, a family, a
    resource) and its description."""
    keys = [c.key for c in spec.block_columns]
    lead = keys[:1]
    if "description" in keys[1:]:
        lead.append("description")
    return lead


class GridMap:
    """Where a grid puts things: the columns of its attributes, measure label, opening and
    periods, and the sheet row of each block's measures (1-based, as formulas use)."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        spec = grid.spec
        keys = grid.measures or tuple(m.key for m in spec.measures)
        self.measures: list[Measure] = [spec.measure(k) for k in keys]
        self.offset = {m.key: i for i, m in enumerate(self.measures)}
        lead = lead_columns(spec)
        rest = [c.key for c in spec.block_columns if c.key not in lead]
        self.measure_col = len(lead)
        self.attr_col = {k: j for j, k in enumerate(lead)}
        self.attr_col.update({k: self.measure_col + 1 + j for j, k in enumerate(rest)})
        after = self.measure_col + 1 + len(rest)
        self.opening_col = after if grid.opening_label else None
        self.first_period_col = after + (1 if grid.opening_label else 0)
        self.period_index = {p: i for i, p in enumerate(grid.periods)}
        #: (link, measure) → its placeholder in the formula templates, after own rows
        self.slots: dict[tuple[str, str], int] = {}
        self._linked: dict[str, GridMap] = {}

    def period_col(self, p: int) -> int:
        return self.first_period_col + p

    def row(self, block: int, key: str) -> int:
        """The sheet row (1-based) of measure ``key`` in block ``block``."""
        return FIRST_ROW + block * len(self.measures) + self.offset[key] + 1

    def column(self, period: str) -> str:
        """The column letter of a period label."""
        return col_letter(self.period_col(self.period_index[period]))

    def linked(self, name: str) -> GridMap:
        if name not in self._linked:
            self._linked[name] = GridMap(self.grid.links[name].grid)
        return self._linked[name]

    def link_cell(self, name: str, key: str, p: int) -> str:
        link = self.grid.links[name]
        other = self.linked(name)
        col = other.column(self.grid.periods[p])
        slot = self.slots.setdefault((name, key), len(self.measures) + len(self.slots))
        return f"{quote_sheet(link.sheet)}!{col}{{{slot}}}"

    def slot_rows(self, block: int) -> list[int | None]:
        """The rows the link placeholders stand for in ``block`` (None: no linked block)."""
        out: list[int | None] = []
        for (name, key) in self.slots:
            lb = self.grid.links[name].blocks[block]
            out.append(None if lb is None else self.linked(name).row(lb, key))
        return out


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: 'Name' (quotes doubled inside)."""
    return "'" + name.replace("'", "''") + "'"


def _values(vals: np.ndarray | None, n: int) -> list[Any]:
    """A row of numbers as cell values: NaN → blank."""
    if vals is None:
        return [None] * n
    return [None if v != v else v for v in np.asarray(vals, dtype=float).tolist()]


def grid_content(grid: Grid, lang: str, currency: str = "CNY") -> SheetContent:
    """Lay out a grid: values, formulas with cached values, styles, filter, conditions."""
    lay = GridMap(grid)
    spec = grid.spec
    n_p = len(grid.periods)
    ncols = lay.first_period_col + n_p
    nm = len(lay.measures)
    rows: list[list[Any]] = []
    title = [None] * ncols
    title[0] = grid.title or spec.name(lang)
    rows.append(title)
    wd = [None] * ncols
    wd[0] = in_language(lang, spec.description_en, spec.description_zh) or None
    if grid.workdays is not None:
        # right beside the periods: the sheet's description spills over the cells before
        wd[lay.first_period_col - 1] = message("grid_working_days", lang)
        for p in range(n_p):
            wd[lay.period_col(p)] = float(grid.workdays[p])
    rows.append(wd)
    header: list[Any] = [None] * ncols
    for c in spec.block_columns:
        header[lay.attr_col[c.key]] = c.label(lang, currency)
    header[lay.measure_col] = message("grid_measure", lang)
    if lay.opening_col is not None and grid.opening_label:
        header[lay.opening_col] = message(grid.opening_label, lang)
    header[lay.first_period_col:] = grid.periods
    rows.append(header)
    sheet = SheetContent(name=grid.name or spec.name(lang), rows=rows, key=spec.key,
                         tab_color=spec.tab_color)
    labels = [m.label(lang, currency) for m in lay.measures]
    builders = {m.key: grid.formulas.get(m.key, m.formula) for m in lay.measures}
    templates = {k: [None if p < grid.first_future else f(GridRefs(lay, p))
                     for p in range(n_p)]
                 for k, f in builders.items() if f is not None}
    # blocks' own formulas, one template list per builder, made before any block is laid
    # out so that every link they read has its placeholder
    own_builders = {id(f): f for block in grid.blocks for f in block.formulas.values()
                    if f is not None}
    own_templates = {k: [None if p < grid.first_future else f(GridRefs(lay, p))
                         for p in range(n_p)] for k, f in own_builders.items()}
    slot_marks = {i + nm: "{" + str(i + nm) + "}" for i in range(len(lay.slots))}
    for b, block in enumerate(grid.blocks):
        top = FIRST_ROW + b * nm
        foreign = lay.slot_rows(b) if lay.slots else []
        numbers = [str(top + k + 1) for k in range(nm)] + \
            ["" if r is None else str(r) for r in foreign]
        # placeholders of links this block has no linked block for
        missing = [slot_marks[nm + i] for i, r in enumerate(foreign) if r is None]
        attrs: list[Any] = [None] * lay.first_period_col
        for c in spec.block_columns:
            attrs[lay.attr_col[c.key]] = cell_value(block.attrs.get(c.key))
        for i, m in enumerate(lay.measures):
            row = list(attrs)
            row[lay.measure_col] = labels[i]
            if lay.opening_col is not None:
                v = block.opening.get(m.key)
                row[lay.opening_col] = None if v is None or v != v else float(v)
            vals = _values(block.values.get(m.key), n_p)
            tmpl = templates.get(m.key)
            own = block.formulas.get(m.key)
            if own is not None:  # this block's own formula, e.g. a family total's SUMIFS
                tmpl = own_templates[id(own)]
            if tmpl is not None:
                vals = [vals[p] if t is None or (missing and any(x in t for x in missing))
                        else Formula(t.format(*numbers), "" if vals[p] is None else vals[p])
                        for p, t in enumerate(tmpl)]
            row.extend(vals)
            rows.append(row)
    last = len(rows) - 1
    _style_grid(sheet, grid, lay, last)
    if grid.banner is not None:
        _banner(sheet, grid.banner)
    sheet.freeze = (FIRST_ROW, lay.measure_col + 1)
    sheet.autofilter = Box(HEADER_ROW, 0, max(last, HEADER_ROW), ncols - 1)
    for c in spec.block_columns:
        j = lay.attr_col[c.key]
        sheet.col_widths[j] = width_of(c, header[j],
                                       distinct(cell_value(b.attrs.get(c.key))
                                                for b in grid.blocks))
    sheet.col_widths[lay.measure_col] = column_width([*labels, header[lay.measure_col]],
                                                     minimum=14, maximum=40)
    if lay.opening_col is not None:
        sheet.col_widths[lay.opening_col] = max(10.0, width_of(
            _OPENING, str(header[lay.opening_col])))
    for p in range(n_p):
        sheet.col_widths[lay.period_col(p)] = 10
    sheet.row_heights[HEADER_ROW] = header_height(header, sheet.col_widths)
    _conditions(sheet, grid, lay, labels, last)
    # on paper: the key, description and measure on every page, blocks never cut
    print_setup(sheet, title_cols=lay.measure_col + 1,
                blocks=[(FIRST_ROW + b * nm, FIRST_ROW + (b + 1) * nm - 1)
                        for b in range(len(grid.blocks))])
    return sheet


def _banner(sheet: SheetContent, banner: Banner) -> None:
    """The title says whether the sheet is up to date: a formula appending the banner's
    stale or fresh text, and red while its condition holds."""
    def text(t: str) -> str:
        return '"' + t.replace('"', '""') + '"'
    head = f"{sheet.rows[TITLE_ROW][0] or ''} — "
    stale, fresh = head + banner.stale, head + banner.fresh
    sheet.rows[TITLE_ROW][0] = Formula(f"IF({banner.condition},{text(stale)},{text(fresh)})",
                                       stale if banner.is_stale else fresh)
    sheet.cond_formats.append(CondFormat(Box(TITLE_ROW, 0, TITLE_ROW, 0), banner.condition,
                                         "bad"))


_OPENING = Column("opening", "", "", width=10)


class _Palette:
    def __init__(self, sheet: SheetContent) -> None:
        self.sheet = sheet
        self.index: dict[CellStyle, int] = {}

    def __call__(self, style: CellStyle) -> int:
        k = self.index.get(style)
        if k is None:
            self.sheet.palette.append(style)
            k = self.index[style] = len(self.sheet.palette)
        return k


def _style_grid(sheet: SheetContent, grid: Grid, lay: GridMap, last: int) -> None:
    """Header styles as ranges; the body as a style matrix, one slice per measure."""
    n_p = len(grid.periods)
    ncols = lay.first_period_col + n_p
    sheet.style(TITLE_ROW, 0, TITLE_ROW, 0, "title")
    sheet.style(WORKDAY_ROW, 0, WORKDAY_ROW, 0, "subtitle")
    sheet.style(WORKDAY_ROW, lay.first_period_col - 1, WORKDAY_ROW, ncols - 1, "workdays")
    sheet.style(HEADER_ROW, 0, HEADER_ROW, ncols - 1, "header")
    for p in range(n_p):
        c = lay.period_col(p)
        if p < grid.first_future:
            sheet.style(HEADER_ROW, c, HEADER_ROW, c, "period_header_past")
        elif p < grid.first_future + grid.frozen:
            sheet.style(HEADER_ROW, c, HEADER_ROW, c, "period_header_frozen")
    if last < FIRST_ROW:
        return
    pal = _Palette(sheet)
    idx = np.zeros((last + 1, ncols), dtype=np.int32)
    nm = len(lay.measures)
    n_blocks = len(grid.blocks)
    first_p = lay.period_col(0)
    fut = lay.period_col(grid.first_future)
    attr_styles = {lay.attr_col[c.key]: number_style(c).but(color="595959")
                   for c in grid.spec.block_columns}
    for i, m in enumerate(lay.measures):
        r = FIRST_ROW + i + nm * np.arange(n_blocks)
        for top_row in (False, True):
            rr = r[:1] if top_row and i == 0 else r
            if top_row and i != 0:
                continue

            def st(style: CellStyle, top: bool = top_row) -> int:
                return pal(style.but(border="top") if top else style)

            for j, s in attr_styles.items():
                idx[rr, j] = st(s.but(bold=True) if top_row else s)
            label = "measure_input" if m.editable else ("measure_bold" if m.bold else "measure")
            idx[rr, lay.measure_col] = st(CELL_STYLES[label])
            if lay.opening_col is not None:
                idx[rr, lay.opening_col] = st(CELL_STYLES["cell"])
            base = CELL_STYLES["cell_bold" if m.bold else "cell"]
            if m.fmt:
                base = base.but(numfmt=m.fmt)
            if grid.first_future:
                idx[rr, first_p:fut] = st(CELL_STYLES["cell_past"].but(numfmt=base.numfmt))
            future = CELL_STYLES["cell_input"].but(numfmt=base.numfmt) if m.editable else base
            idx[rr, fut:ncols] = st(future)
            if top_row:
                # every block's first row carries the separator line
                rows_first = FIRST_ROW + nm * np.arange(n_blocks)
                idx[rows_first] = idx[rr[0]]
    for b, block in enumerate(grid.blocks):
        top = FIRST_ROW + b * nm
        for i, m in enumerate(lay.measures):
            states = block.states.get(m.key)
            if not states:
                continue
            fmt = m.fmt or CELL_STYLES["cell"].numfmt
            for p, s in enumerate(states):
                if s:
                    style = CELL_STYLES[s].but(numfmt=fmt)
                    idx[top + i, lay.period_col(p)] = pal(
                        style.but(border="top") if i == 0 else style)
    sheet.style_index = idx


def _conditions(sheet: SheetContent, grid: Grid, lay: GridMap, labels: list[str],
                last: int) -> None:
    if last < FIRST_ROW:
        return
    n_p = len(grid.periods)
    first = lay.period_col(grid.first_future)
    if first > lay.period_col(n_p - 1):
        return
    mcol = col_letter(lay.measure_col)
    for cond in grid.conditions:
        label = labels[lay.offset[cond.measure]].replace('"', '""')
        cell = cell_ref(FIRST_ROW, first)
        text = cond.formula.replace("{cell}", cell)
        for key, j in lay.attr_col.items():
            text = text.replace("{attr:" + key + "}", f"${col_letter(j)}{FIRST_ROW + 1}")
        for k in range(1, len(lay.measures)):
            text = text.replace("{below:" + str(k) + "}", cell_ref(FIRST_ROW + k, first))
            if k <= FIRST_ROW:  # relative to the box's first row, so at most 3 rows up
                text = text.replace("{above:" + str(k) + "}", cell_ref(FIRST_ROW - k, first))
        formula = f'AND(${mcol}{FIRST_ROW + 1}="{label}",{text})'
        box = Box(FIRST_ROW, first, last, lay.period_col(n_p - 1))
        sheet.cond_formats.append(CondFormat(box, formula, cond.style))


# -- reading a grid back ------------------------------------------------------------------

_CURRENCIES = ("CNY", "USD", "EUR")


@dataclass(frozen=True)
class GridColumns:
    """Where a grid sheet keeps its columns: each attribute's, the measure's, the periods'."""

    attrs: dict[str, int]
    measure: int
    periods: list[tuple[int, str]]


def grid_columns(spec: SheetSpec, header: Sequence[Any]) -> GridColumns:
    """The columns of a grid sheet found by their header labels (either language), so
    that every layout reads alike; a header without them is read by position, as grids
    were laid out before (all attributes, then the measure)."""
    norm = [normalise_header(h) if h not in (None, "") else "" for h in header]
    measure = next((j for j, h in enumerate(norm)
                    if h in {normalise_header(message("grid_measure", lg))
                             for lg in LANGUAGES}), None)
    attrs: dict[str, int] = {}
    for i, c in enumerate(spec.block_columns):
        labels = {normalise_header(c.label(lg, cur)) for lg in ("en", "zh-CN")
                  for cur in _CURRENCIES}
        found = next((j for j, h in enumerate(norm) if h in labels and j not in
                      attrs.values()), None)
        attrs[c.key] = found if found is not None and measure is not None else i
    if measure is None:
        measure = len(spec.block_columns)
    last_attr = max([measure, *attrs.values()])
    # the period columns are those after the measure, attribute and opening columns
    periods = [(j, str(h)) for j, h in enumerate(header)
               if j > last_attr and h not in (None, "") and _looks_like_period(str(h))]
    return GridColumns(attrs, measure, periods)


def read_grid(spec: SheetSpec, raw: RawSheet) -> pd.DataFrame:
    """A grid sheet → long frame: block attributes, measure (key), period (label), value.

    Used to pick up what a planner typed into editable rows, and a previous plan."""
    rows = raw.rows
    if len(rows) <= HEADER_ROW:
        return pd.DataFrame(columns=[c.key for c in spec.block_columns] +
                            ["measure", "period", "value"])
    cols = grid_columns(spec, rows[HEADER_ROW])
    mc = cols.measure
    by_label = {}
    for m in spec.measures:
        for lang in ("en", "zh-CN"):
            for cur in _CURRENCIES:
                for x in m.labels(lang, cur):
                    by_label[normalise_header(x)] = m.key
    period_cols = cols.periods
    out: dict[str, list[Any]] = {c.key: [] for c in spec.block_columns}
    out.update(measure=[], period=[], value=[])
    for row in rows[FIRST_ROW:]:
        if len(row) <= mc:
            continue
        key = by_label.get(normalise_header(row[mc])) if row[mc] not in (None, "") else None
        if key is None:
            continue
        for j, label in period_cols:
            v = row[j] if j < len(row) else None
            for c in spec.block_columns:
                c_i = cols.attrs[c.key]
                x = row[c_i] if c_i < len(row) else None
                out[c.key].append(x if x != "" else None)
            out["measure"].append(key)
            out["period"].append(label)
            out["value"].append(float(v) if isinstance(v, int | float) and
                                not isinstance(v, bool) else np.nan)
    return pd.DataFrame(out)


def _looks_like_period(text: str) -> bool:
    t = text.strip()
    return len(t) in (7, 8) and t[:4].isdigit() and t[4] == "-"
