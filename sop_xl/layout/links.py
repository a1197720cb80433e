"""The workbook as one live model: formulas that read other sheets, and banners that say
when a sheet holds Python's numbers computed from cells a planner has changed since.

Arithmetic a spreadsheet can do stays a formula that points at the cells it derives from
(the MPS forecast at the demand plan, the projection at the MPS, money at quantities ×
price or cost, rough-cut load at production × hours per piece). What only Python can
compute (netting, lot sizing, leveling) carries a **banner** in its title: a formula
comparing what the sheet it was planned from holds now with what it held when the run
wrote it, by two sums over those cells — plain, and weighted by each cell's row and column
so that a quantity moved from one cell to another shows too — and naming the ribbon button
and the command that refresh it.

Every sheet one of these formulas reads is written in the same write as the sheet that
reads it (sop_xl.app.cycle.LINKED), so their rows and columns cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base.messages import message
from sop_xl.contract.cells import col_letter
from sop_xl.layout.common import ON_HAND
from sop_xl.layout.grid import (
    FIRST_ROW,
    Banner,
    Grid,
    GridLink,
    GridMap,
    GridRefs,
    quote_sheet,
)
from sop_xl.plan.demand import DemandPlan
from sop_xl.plan.hierarchy import NO_FAMILY
from sop_xl.plan.inventory import TRANSFER_MEASURES, Projection
from sop_xl.plan.mps import MPSResult
from sop_xl.plan.mrp import MRPResult

#: sheet key → its name in the workbook, for the sheets written in the same write
SheetNames = Mapping[str, str]

#: a change smaller than this (pieces, or pieces × row weight) is rounding, not an edit
TOLERANCE = 0.01


def _num(x: float) -> str:
    """A number as formula text, full precision."""
    return f"{float(x):.17g}".replace("e", "E")


class Watch:
    """Two sums over one measure's cells of a grid (all blocks, the future periods): the
    plain sum and the sum weighted by each cell's sheet row + column ÷ 1000 — as formula
    text reading the sheet, and as the numbers they give for ``values`` (blocks ×
    periods), which is what the sheet holds when the run writes it. ``grid`` gives the
    layout only (its blocks may be left out)."""

    def __init__(self, grid: Grid, sheet: str, key: str, values: np.ndarray, lang: str,
                 currency: str = "CNY") -> None:
        gm = GridMap(grid)
        n_blocks, n_p = np.asarray(values).shape[0], len(grid.periods)
        first, last_p = grid.first_future, n_p - 1
        top = FIRST_ROW + 1
        bottom = FIRST_ROW + n_blocks * len(gm.measures)
        q = quote_sheet(sheet)
        c0, c1 = col_letter(gm.period_col(first)), col_letter(gm.period_col(last_p))
        rng = f"{q}!${c0}${top}:${c1}${bottom}"
        m = col_letter(gm.measure_col)
        label = grid.spec.measure(key).label(lang, currency).replace('"', '""')
        is_key = f'({q}!${m}${top}:${m}${bottom}="{label}")'
        self.empty = n_blocks == 0 or first > last_p
        self.plain = f"SUMPRODUCT({is_key}*(COLUMN({rng})>0),{rng})"
        self.weighted = f"SUMPRODUCT({is_key}*(ROW({rng})+COLUMN({rng})/1000),{rng})"
        v = np.nan_to_num(np.asarray(values, dtype=float)[:, first:])
        rows = np.array([gm.row(b, key) for b in range(n_blocks)], dtype=float)
        cols = np.array([gm.period_col(p) + 1 for p in range(first, n_p)], dtype=float)
        self.plain_value = float(v.sum())
        self.weighted_value = float((v * (rows[:, None] + cols[None, :] / 1000)).sum())

    def changed(self) -> str:
        """Formula text, true when the cells no longer hold what the run wrote."""
        if self.empty:
            return "FALSE"
        return (f"OR(ABS({self.plain}-{_num(self.plain_value)})>{TOLERANCE},"
                f"ABS({self.weighted}-{_num(self.weighted_value)})>{TOLERANCE})")


def banner(kind: str, watches: list[Watch], lang: str) -> Banner:
    """The banner of a sheet planned from the watched cells ("mps", "mrp", ...)."""
    conds = [w.changed() for w in watches if not w.empty]
    cond = conds[0] if len(conds) == 1 else f"OR({','.join(conds)})" if conds else "FALSE"
    return Banner(cond, message(f"stale_{kind}", lang), message(f"fresh_{kind}", lang))


# -- the shapes of the grids other sheets read (their layout, without the numbers) -------

def demand_shape(plan: DemandPlan) -> Grid:
    """The DemandPlan grid's layout (sop_xl.layout.demand_sheets.demand_sheet)."""
    spec = contract.sheet("demand_plan")
    measures = tuple(m.key for m in spec.measures
                     if m.key != "ship_ratio_forecast" or plan.far_method == "ship_ratio")
    return Grid(spec, plan.periods, [], measures=measures)


def mps_shape(mps: MPSResult) -> Grid:
    return Grid(contract.sheet("mps"), mps.periods, [], opening_label=ON_HAND)


def mrp_shape(mrp: MRPResult) -> Grid:
    return Grid(contract.sheet("mrp"), mrp.periods, [], opening_label=ON_HAND)


#: the Projection's rows of transfers between plants (several plants only)
TRANSFERS = ("transfers_out", "transfers_in")


def projection_measures(proj: Projection) -> tuple[str, ...]:
    """The Projection's rows: with transfers between plants, theirs too."""
    if proj.transfers:
        return TRANSFER_MEASURES
    return tuple(m.key for m in contract.sheet("projection").measures
                 if m.key not in TRANSFERS)


def projection_shape(proj: Projection) -> Grid:
    return Grid(contract.sheet("projection"), proj.periods, [], opening_label=ON_HAND,
                measures=projection_measures(proj))


def load_shape(periods: list[str]) -> Grid:
    return Grid(contract.sheet("capacity_load"), periods, [])


def family_plan_shape(periods: list[str]) -> Grid:
    return Grid(contract.sheet("family_plan"), periods, [])


def _index(of: pd.Index, items: Sequence) -> list[int | None]:
    pos = pd.Index(of).get_indexer(pd.Index(items))
    return [None if k < 0 else int(k) for k in pos]


@dataclass
class Wiring:
    """What one write links: the names of the sheets written together (``names``; a sheet
    not among them is never read by a formula) and the plans behind their grids."""

    names: SheetNames
    lang: str
    currency: str
    demand: DemandPlan | None = None
    mps: MPSResult | None = None
    mrp: MRPResult | None = None
    projection: Projection | None = None

    def has(self, *keys: str) -> bool:
        return all(k in self.names for k in keys)

    def _watch(self, key: str, measure: str, shape: Grid, values: np.ndarray) -> Watch:
        return Watch(shape, self.names[key], measure, values, self.lang, self.currency)

    def _production_changed(self) -> list[Watch]:
        if self.mps is None or not self.has("mps"):
            return []
        return [self._watch("mps", "production", mps_shape(self.mps), self.mps["production"])]

    # -- demand ---------------------------------------------------------------------------
    def demand_plan(self, grid: Grid, families: pd.Index, change: np.ndarray) -> None:
        """DemandPlan: a banner while a family change typed on FamilyPlan is not split."""
        if self.has("family_plan", "demand_plan") and len(families):
            shape = family_plan_shape(grid.periods)
            grid.banner = banner("demand", [self._watch("family_plan", "change", shape,
                                                        change)], self.lang)

    def family_plan(self, grid: Grid, families: pd.Index, change: np.ndarray) -> None:
        """FamilyPlan: statistical forecast and the items' plan as SUMIFS over DemandPlan's
        item rows of the family (the items' demand plan less the family change split to
        them); the same banner as DemandPlan."""
        if not self.has("demand_plan") or self.demand is None:
            return
        d = GridMap(demand_shape(self.demand))
        q = quote_sheet(self.names["demand_plan"])
        n = len(self.demand.items)
        top, bottom = FIRST_ROW + 1, FIRST_ROW + max(n, 1) * len(d.measures)
        fam = col_letter(d.attr_col["family"])
        mcol = col_letter(d.measure_col)
        spec = contract.sheet("demand_plan")

        def total(key: str) -> str:
            return (f'SUMIFS({q}!{{col}}${top}:{{col}}${bottom},{q}!${fam}${top}:${fam}$'
                    f'{bottom},{{fam}},{q}!${mcol}${top}:${mcol}${bottom},'
                    f'"{spec.measure(key).label(self.lang, self.currency)}")')

        def sumifs(*keys: str):
            def build(r: GridRefs) -> str:
                col = d.column(r.period_label)
                parts = [total(k).format(col=col, fam=r.attr("family")) for k in keys]
                return "-".join(parts)
            return build

        grid.formulas["stat_forecast"] = sumifs("stat_forecast")
        grid.formulas["items_plan"] = sumifs("demand", "family_change")
        # items without a family: blank on DemandPlan, so no criterion finds them
        for block in grid.blocks:
            if block.attrs.get("family") == NO_FAMILY:
                block.formulas.update(stat_forecast=_values, items_plan=_values)
        self.demand_plan(grid, families, change)

    # -- supply ---------------------------------------------------------------------------
    def mps_grid(self, grid: Grid, mps: MPSResult) -> None:
        """MPS: the forecast row reads the demand plan (demand − customer orders), so a
        planner's adjustment there moves it; a banner while demand differs from what the
        MPS was planned from."""
        if self.has("demand_plan") and self.demand is not None:
            grid.links["demand"] = GridLink(self.names["demand_plan"],
                                            demand_shape(self.demand),
                                            _index(self.demand.items, mps.items))
            grid.formulas["forecast"] = _minus("demand", "demand", "orders")
        if self.has("mps"):
            grid.banner = banner("mps", [self._watch("mps", "demand", mps_shape(mps),
                                                     mps["demand"])], self.lang)

    def mrp_grid(self, grid: Grid) -> None:
        """MRP: a banner while the MPS's planned production differs from what it netted."""
        watches = self._production_changed()
        if watches:
            grid.banner = banner("mrp", watches, self.lang)

    def capacity_load(self, grid: Grid) -> None:
        """CapacityLoad: the pieces worked are Python's (each order spread over its working
        days from release to due, sop_xl.plan.capacity.work), the load their product with
        hours per piece; a banner while the MPS differs from what they were worked out
        from."""
        watches = self._production_changed()
        if watches:
            grid.banner = banner("capacity", watches, self.lang)

    def capacity(self, grid: Grid, periods: list[str], n_lines: int) -> None:
        """Capacity: load = SUMIFS of CapacityLoad's load hours of the resource; a banner
        for the options and leveled load computed from the MPS at the run."""
        if self.has("capacity_load"):
            load = GridMap(load_shape(periods))
            q = quote_sheet(self.names["capacity_load"])
            top, bottom = FIRST_ROW + 1, FIRST_ROW + max(n_lines, 1) * len(load.measures)
            res = col_letter(load.attr_col["resource"])
            mcol = col_letter(load.measure_col)
            label = contract.sheet("capacity_load").measure("load").label(self.lang,
                                                                          self.currency)

            def build(r: GridRefs) -> str:
                col = load.column(r.period_label)
                return (f"SUMIFS({q}!{col}${top}:{col}${bottom},{q}!${res}${top}:${res}$"
                        f'{bottom},{r.attr("resource")},{q}!${mcol}${top}:${mcol}${bottom},'
                        f'"{label}")')
            grid.formulas["load"] = build
        watches = self._production_changed()
        if watches:
            grid.banner = banner("capacity", watches, self.lang)

    def leveled(self, grid: Grid) -> None:
        """LeveledPlan: the pieces worked and the moves are Python's; the capacity banner."""
        watches = self._production_changed()
        if watches:
            grid.banner = banner("capacity", watches, self.lang)

    def projection_grid(self, grid: Grid, proj: Projection, n_families: int) -> None:
        """Projection: every item row reads the MPS (demand, supply, planned production,
        projected on hand, days of supply); family rows are SUMIFS of the items."""
        if not self.has("mps") or self.mps is None:
            return
        grid.links["mps"] = GridLink(self.names["mps"], mps_shape(self.mps),
                                     [None] * n_families + _index(self.mps.items, proj.items))
        if proj.transfers:   # the MPS's demand and supply hold the transfers: values
            grid.formulas.update(projected=_link("mps", "projected"), dos=_link("mps", "dos"))
            return
        grid.formulas.update(
            demand=_link("mps", "demand"), supply=_plus("mps", ("receipts", "production")),
            production=_link("mps", "production"), projected=_link("mps", "projected"),
            dos=_link("mps", "dos"))

    def financial(self, grid: Grid, plan_months: list[str], families: list[str],
                  month_of_bucket: np.ndarray) -> None:
        """FinancialPlan: each family's money as SUMPRODUCT over the Projection's item rows
        — what can ship × price (revenue) and × unit cost (cost of goods), planned
        production × unit cost, projected on hand above zero at the month's last bucket ×
        unit cost — the components row from the MRP (values, with the MRP's banner) and
        the total row the sum of the rows above it."""
        proj = self.projection
        if proj is None or not self.has("projection"):
            return
        pm = GridMap(projection_shape(proj))
        q = quote_sheet(self.names["projection"])
        n_fam = len(proj.families)
        top = FIRST_ROW + n_fam * len(pm.measures) + 1
        bottom = FIRST_ROW + (n_fam + max(len(proj.items), 1)) * len(pm.measures)
        spec = contract.sheet("projection")

        def col(key: str) -> str:
            c = col_letter(pm.attr_col[key] if key != "measure" else pm.measure_col)
            return f"{q}!${c}${top}:${c}${bottom}"

        def is_(key: str) -> str:
            return f'({col("measure")}="{spec.measure(key).label(self.lang, self.currency)}")'

        def span(m: int, last_only: bool) -> str:
            b = np.flatnonzero(month_of_bucket == m)
            a, z = (b[-1], b[-1]) if last_only else (b[0], b[-1])
            return (f"{q}!{col_letter(pm.period_col(int(a)))}${top}:"
                    f"{col_letter(pm.period_col(int(z)))}${bottom}")

        def money(measure: str, factor: str, positive: bool = False):
            def build(r: GridRefs) -> str:
                m = plan_months.index(r.period_label)
                rng = span(m, positive)
                keep = f"({rng}>0)" if positive else f"(COLUMN({rng})>0)"
                return (f"SUMPRODUCT(({col('family')}={r.attr('family')})*{is_(measure)}*"
                        f"{col(factor)}*{keep},{rng})")
            return build

        grid.formulas.update(revenue=money("shipped", "price"),
                             cogs=money("shipped", "unit_cost"),
                             production_value=money("production", "unit_cost"),
                             inventory_value=money("projected", "unit_cost", positive=True))
        n = len(families)
        total = {k: _sum_of_blocks(range(n - 1), k) for k in FINANCE_MONEY}
        for b, block in enumerate(grid.blocks):
            if b == n - 1:    # the total of the families and the components
                block.formulas.update(total)
            elif b == n - 2:  # the components: the MRP's, values
                block.formulas.update({k: _values for k in FINANCE_MONEY})
            else:             # no purchases for a family of finished goods
                block.formulas["purchase_value"] = _values
        watches = self._production_changed()
        if watches:
            grid.banner = banner("finance", watches, self.lang)


FINANCE_MONEY = ("revenue", "cogs", "production_value", "purchase_value", "inventory_value")


def _values(_: GridRefs) -> None:
    return None


def _link(name: str, key: str):
    def build(r: GridRefs) -> str:
        return r.link(name, key)
    return build


def _plus(name: str, keys: tuple[str, ...]):
    def build(r: GridRefs) -> str:
        return "+".join(r.link(name, k) for k in keys)
    return build


def _minus(name: str, key: str, own: str):
    def build(r: GridRefs) -> str:
        return f"{r.link(name, key)}-{r.cell(own)}"
    return build




def _sum_of_blocks(blocks: range, key: str):
    def build(r: GridRefs) -> str:
        return "+".join(r.at(b, key) for b in blocks)
    return build
