"""The supply sheets: MPS, MRP, planned orders and purchase plan, capacity with its options
and leveled plan, inventory projection, slow-moving and excess stock, the plan in money."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base.periods import week_label
from sop_xl.contract.cells import col_letter
from sop_xl.contract.outputs import PROJECTION_PER_PLANT
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.common import ON_HAND, blocks, item_attrs, title
from sop_xl.layout.grid import (
    FIRST_ROW,
    HEADER_ROW,
    Grid,
    GridBlock,
    GridCondition,
    GridRefs,
    grid_content,
)
from sop_xl.layout.links import TRANSFERS, Wiring, projection_measures
from sop_xl.layout.plants import plant_grid, plant_table, transfer_notes, transfer_rows
from sop_xl.layout.render import table_content
from sop_xl.layout.sheet import Box, CondFormat, SheetContent, Validation
from sop_xl.layout.styles import CELL_STYLES, INPUT_FILL, INPUT_FONT
from sop_xl.plan.capacity import CapacityResult
from sop_xl.plan.finance import FinancialPlan, month_map
from sop_xl.plan.inventory import Projection
from sop_xl.plan.lot_sizing import LotRules
from sop_xl.plan.mps import MPSResult
from sop_xl.plan.mrp import MRPResult

FENCE_HEADER = CELL_STYLES["period_header"].but(fill="A6A6A6", color="1F1F1F")


def mps_sheet(inputs: Inputs, mps: MPSResult, lang: str,
              wiring: Wiring | None = None) -> SheetContent:
    """The MPS grid: planned production editable, projected on hand, orders balance, ATP
    and days of supply as live formulas; cell states coloured, and the same colours as
    conditional formats so a planner's edit shows its state at once."""
    spec = contract.sheet("mps")
    measures = tuple(m.key for m in spec.measures)
    attrs = item_attrs(inputs, mps.items, ("lot_rule", "safety_stock", "target_dos"), lang)
    it = inputs.items.set_index("item").reindex(mps.items)
    notes = transfer_notes(inputs.items, mps.items, lang)
    for a, rule, note in zip(attrs, lot_rule_text(it, inputs.buckets.kind, lang), notes,
                             strict=True):
        a["lot_rule"] = rule if note is None else f"{rule}; {note}"
    s = inputs.settings
    grid = Grid(spec, mps.periods,
                blocks(attrs, mps.rows, measures,
                       {"projected": mps.on_hand, "balance": mps.on_hand},
                       {"production": mps.states}),
                workdays=inputs.working_days, frozen=s.frozen_periods,
                opening_label=ON_HAND, title=title(inputs, "mps", lang),
                conditions=[
                    GridCondition("projected", "{cell}<{attr:safety_stock}", "bad"),
                    GridCondition("production", "{cell}<{above:1}", "bad"),
                    GridCondition("production", "{cell}>{above:1}", "good"),
                    GridCondition("dos", "AND(ISNUMBER({cell}),{attr:target_dos}>0,"
                                  "{cell}<{attr:target_dos})", "warn")])
    if wiring is not None:
        wiring.mps_grid(grid, mps)
    sheet = transfer_rows(plant_grid(grid_content(grid, lang, s.currency), grid, inputs,
                                     lang), grid, inputs, lang, currency=s.currency)
    first = len(spec.block_columns) + 2
    for p in range(s.frozen_periods, min(s.slushy_periods, len(mps.periods))):
        sheet.style(HEADER_ROW, first + p, HEADER_ROW, first + p, FENCE_HEADER)
    return sheet


def mrp_grid(mrp: MRPResult, items: pd.DataFrame, workdays: np.ndarray, *, frozen: int = 0,
             title: str = "", lang: str = "en") -> Grid:
    """The MRP planning grid: a block per item below the MPS, by low-level code."""
    spec = contract.sheet("mrp")
    measures = tuple(m.key for m in spec.measures)
    it = items.set_index("item").reindex(mrp.items)
    types = {c.value: c.label(lang) for c in contract.sheet("items").column("item_type").choices}
    attrs = it[["description", "item_type", "lead_time_days", "safety_stock"]] \
        .assign(item_type=lambda f: f["item_type"].map(lambda v: types.get(v, v))) \
        .to_dict("records")
    rules = lot_rule_text(it, mrp.days.buckets.kind, lang)
    notes = transfer_notes(items, mrp.items, lang)
    for a, item, llc, rule, note in zip(attrs, mrp.items, mrp.llc.to_numpy(), rules, notes,
                                        strict=True):
        a["item"] = item
        a["llc"] = int(llc)
        a["lot_rule"] = rule if note is None else f"{rule}; {note}"
    planned = blocks(attrs, mrp.rows, measures, {"projected": mrp.on_hand})
    return Grid(spec, mrp.periods, [planned[k] for k in shown_order(mrp, items)],
                workdays=workdays, frozen=frozen, opening_label=ON_HAND, title=title,
                conditions=[GridCondition("projected", "{cell}<{attr:safety_stock}", "bad")])


def shown_order(mrp: MRPResult, items: pd.DataFrame) -> np.ndarray:
    """The MRP grid's blocks in the order of the same plan without plant calendars: by
    low-level code, then as the kernel groups a level without plants (rules sized
    without a day loop first, by rule, multiple, lead time, then Items order;
    sop_xl.plan.mrp). With a calendar per plant the kernel also groups a level by plant
    before lead time (its shifts run per plant and lead time): not the planner's
    concern, so the sheet does not show it."""
    k = mrp.n_kept
    if mrp.plant is None or not mrp.days.per_plant or k < 2:
        return np.arange(k)
    names = pd.Index(mrp.item_names[:k])
    rules = LotRules.from_items(items, names)
    loop = ~np.isfinite(rules.cumulative_lot())
    where = pd.Index(items["item"].astype(str)).get_indexer(names.astype(str))
    return np.lexsort((where, mrp.lead[:k], rules.multiple > 0, rules.rule, loop,
                       mrp.llc_all[:k]))


def lot_rule_text(items: pd.DataFrame, bucket: str, lang: str) -> list[str]:
    """Each item's lot rule in words (items indexed by item); periods of supply say how
    many of the workbook's periods one order covers, e.g. "Periods of supply (2 months)"."""
    labels = {c.value: c.label(lang) for c in contract.sheet("items").column("lot_rule")
              .choices}
    zh = lang.startswith("zh")
    unit = {("month", False): "months", ("week", False): "weeks", ("month", True): "个月",
            ("week", True): "周"}[(bucket, zh)]
    out = []
    for rule, k in zip(items["lot_rule"].fillna("L4L"), items["poq_periods"].fillna(1),
                       strict=True):
        text = labels.get(rule, str(rule))
        if rule == "POQ":
            text += f"({int(k)} {unit})" if zh else f" ({int(k)} {unit})"
        out.append(text)
    return out


def mrp_sheet(inputs: Inputs, mrp: MRPResult, lang: str,
              wiring: Wiring | None = None) -> SheetContent:
    grid = mrp_grid(mrp, inputs.items, inputs.working_days,
                    frozen=inputs.settings.frozen_periods, title=title(inputs, "mrp", lang),
                    lang=lang)
    if wiring is not None:
        wiring.mrp_grid(grid)
    sheet = plant_grid(grid_content(grid, lang, inputs.settings.currency), grid, inputs, lang)
    for measure in ("planned_receipts", "planned_releases"):   # a transfer's orders
        sheet = transfer_rows(sheet, grid, inputs, lang, measure,
                              currency=inputs.settings.currency)
    return sheet


def purchase_plan(inputs: Inputs, mrp: MRPResult,
                  pegging: pd.Series | None = None) -> pd.DataFrame:
    """Orders of purchased parts as purchase-plan lines, by supplier and release week
    (pieces rounded up, money at unit cost). ``pegging``: ``mrp.pegging_text()`` when
    the caller has it already (it takes seconds at plant scale)."""
    it = inputs.items.set_index(inputs.items["item"].astype(str))
    o = mrp.orders
    bought = (o["item"].map(it["item_type"]) == "RM").to_numpy()
    if "procurement" in it:   # a transfer between plants is not a purchase
        bought = bought & (o["item"].map(it["procurement"]) != "transfer").to_numpy()
    if pegging is None:
        pegging = mrp.pegging_text()
    pegging = pegging.to_numpy()[bought]
    o = o[bought]
    if o.empty:
        return pd.DataFrame(columns=contract.sheet("purchase_plan").keys)
    cost = o["item"].map(it["unit_cost"]).fillna(0).to_numpy(float)
    qty = o["release_qty"].to_numpy(float)   # whole pieces for counted items already
    f = pd.DataFrame({
        "supplier": o["item"].map(it["supplier"]).fillna(""),
        "item": o["item"], "description": o["item"].map(it["description"]),
        "release_date": o["release_date"],
        "release_week": [week_label(d) for d in pd.to_datetime(o["release_date"]).dt.date],
        "due_date": o["due_date"], "qty": qty, "unit_cost": cost, "value": qty * cost,
        "status": _status(o), "pegging": pegging,
    })
    return f.sort_values(["supplier", "release_date", "item"]).reset_index(drop=True)


def _status(o: pd.DataFrame) -> np.ndarray:
    return np.where(o["firm"], "firm", np.where(o["past_due"], "past due", "planned"))


def purchase_sheet(inputs: Inputs, frame: pd.DataFrame, lang: str) -> SheetContent:
    spec = contract.sheet("purchase_plan")
    frame, cols = plant_table(inputs, spec, frame)
    sheet = table_content(spec, frame, lang, currency=inputs.settings.currency, columns=cols)
    st = spec.keys.index("status")
    if len(frame):
        sheet.cond_formats.append(CondFormat(Box(1, st, len(frame), st),
                                             f'{col_letter(st)}2="past due"', "bad"))
    return sheet


def planned_orders(inputs: Inputs, mrp: MRPResult,
                   pegging: pd.Series | None = None) -> pd.DataFrame:
    """Every order below the MPS with its pegging, as the PlannedOrders sheet lists it.
    ``pegging``: ``mrp.pegging_text()`` when the caller has it already."""
    it = inputs.items.set_index(inputs.items["item"].astype(str))
    o = mrp.orders
    if o.empty:
        return pd.DataFrame(columns=contract.sheet("planned_orders").keys)
    f = pd.DataFrame({
        "item": o["item"], "description": o["item"].map(it["description"]),
        "item_type": o["item"].map(it["item_type"]),
        "supplier": o["item"].map(it["supplier"]).fillna(""), "period": o["period"],
        "due_date": o["due_date"], "release_date": o["release_date"], "qty": o["qty"],
        "release_qty": o["release_qty"], "status": _status(o), "firm": o["firm"],
        "pegging": (mrp.pegging_text() if pegging is None else pegging).to_numpy()})
    return f.sort_values(["release_date", "item"], kind="stable").reset_index(drop=True)


def planned_orders_sheet(inputs: Inputs, frame: pd.DataFrame, lang: str) -> SheetContent:
    """The orders table; Firm, Quantity and Due are input cells (yes/no list on Firm)."""
    spec = contract.sheet("planned_orders")
    yes_no = ("yes", "no") if not lang.startswith("zh") else ("是", "否")
    if len(frame):
        frame = frame.assign(firm=np.where(frame["firm"].astype(bool), *yes_no))
    frame, cols = plant_table(inputs, spec, frame, source=True)
    sheet = table_content(spec, frame, lang, currency=inputs.settings.currency, columns=cols)
    last = max(len(frame), 1)
    for key in ("firm", "qty", "due_date"):
        j = spec.keys.index(key)
        base = CELL_STYLES["date" if key == "due_date" else "qty" if key == "qty" else "text"]
        sheet.style(1, j, last, j, base.but(fill=INPUT_FILL, color=INPUT_FONT, locked=False))
    j = spec.keys.index("firm")
    sheet.validations.append(Validation(Box(1, j, last, j), "list", yes_no))
    st = spec.keys.index("status")
    if len(frame):
        sheet.cond_formats.append(CondFormat(Box(1, st, len(frame), st),
                                             f'{col_letter(st)}2="past due"', "bad"))
    return sheet


def load_lines(inputs: Inputs, cap: CapacityResult) -> pd.DataFrame:
    """The ResourceUsage lines the rough-cut load is made of: resource, item, hours per
    piece (lines of one resource and item added up), by resource then item as planned."""
    u = inputs.resource_usage
    res, items = pd.Index(cap.resources).astype(str), pd.Index(cap.leveled.items).astype(str)
    f = pd.DataFrame({"resource": u["resource"].astype(str), "item": u["item"].astype(str),
                      "hours": u["hours_per_unit"].astype(float)})
    f["r"], f["i"] = res.get_indexer(f["resource"]), items.get_indexer(f["item"])
    f = f[(f["r"] >= 0) & (f["i"] >= 0)]
    f = f.groupby(["r", "i", "resource", "item"], as_index=False)["hours"].sum()
    return f.sort_values(["r", "i"]).reset_index(drop=True)


def capacity_load_sheet(inputs: Inputs, cap: CapacityResult, lang: str,
                        wiring: Wiring | None = None) -> SheetContent:
    """CapacityLoad: a block per resource and item, its pieces worked in each period ×
    hours per piece; Capacity adds the load up per resource."""
    spec = contract.sheet("capacity_load")
    lines = load_lines(inputs, cap)
    desc = inputs.items.set_index(inputs.items["item"].astype(str))["description"]
    prod = cap.leveled["planned"][lines["i"].to_numpy()]
    hours = lines["hours"].to_numpy(float)
    attrs = [{"resource": r, "item": i, "description": desc.get(i), "hours_per_unit": h}
             for r, i, h in zip(lines["resource"], lines["item"], hours, strict=True)]
    grid = Grid(spec, cap.periods, blocks(attrs, {"production": prod,
                                                  "load": prod * hours[:, None]},
                                          tuple(m.key for m in spec.measures)),
                workdays=inputs.working_days, frozen=inputs.settings.frozen_periods,
                title=title(inputs, "capacity_load", lang))
    if wiring is not None:
        wiring.capacity_load(grid)
    return plant_grid(grid_content(grid, lang, inputs.settings.currency), grid, inputs, lang)


def capacity_sheet(inputs: Inputs, cap: CapacityResult, lang: str,
                   wiring: Wiring | None = None) -> SheetContent:
    spec = contract.sheet("capacity")
    res = inputs.resources.set_index(inputs.resources["resource"].astype(str)) \
        .reindex(cap.resources)
    attrs = [{"resource": r, "description": d} for r, d in
             zip(cap.resources, res["description"], strict=True)]
    grid = Grid(spec, cap.periods, blocks(attrs, cap.rows, tuple(m.key for m in spec.measures)),
                workdays=inputs.working_days, title=title(inputs, "capacity", lang),
                frozen=inputs.settings.frozen_periods,
                conditions=[GridCondition("utilisation", "{cell}>1", "bad"),
                            GridCondition("utilisation", "AND({cell}>0.9,{cell}<=1)", "warn"),
                            GridCondition("leveled_utilisation", "{cell}>1", "warn")])
    if wiring is not None:
        wiring.capacity(grid, cap.periods, len(load_lines(inputs, cap)))
    return plant_grid(grid_content(grid, lang, inputs.settings.currency), grid, inputs, lang,
                      key="resource")


def capacity_options_sheet(inputs: Inputs, cap: CapacityResult, lang: str) -> SheetContent:
    return table_content(contract.sheet("capacity_options"), cap.overloads, lang,
                         currency=inputs.settings.currency)


def leveled_sheet(inputs: Inputs, cap: CapacityResult, lang: str,
                  wiring: Wiring | None = None) -> SheetContent:
    """Items that load a resource: planned, built ahead, outsourced, leveled (formula)."""
    spec = contract.sheet("leveled_plan")
    lev = cap.leveled
    show = np.flatnonzero(np.abs(lev["planned"]).sum(axis=1) > 0)
    items = lev.items[show]
    rows = {k: v[show] for k, v in lev.rows.items()}
    grid = Grid(spec, cap.periods, blocks(item_attrs(inputs, items), rows,
                                          tuple(m.key for m in spec.measures)),
                workdays=inputs.working_days, frozen=inputs.settings.frozen_periods,
                title=title(inputs, "leveled_plan", lang),
                conditions=[GridCondition("moved", "{cell}<>0", "warn"),
                            GridCondition("outsource", "{cell}>0", "bad")])
    if wiring is not None:
        wiring.leveled(grid)
    return grid_content(grid, lang, inputs.settings.currency)


# -- inventory --------------------------------------------------------------------------

def _family_total(key: str, rows: tuple[int, int], by_family: bool):
    """A family (or grand) total: SUMIFS over the item blocks' rows of the same measure."""
    top, bottom = rows

    def build(r: GridRefs) -> str:
        crit = f"{r.attr_span('measure', top, bottom)},{r.label(key)}"
        if by_family:
            crit = f"{r.attr_span('family', top, bottom)},{r.attr('family')},{crit}"
        return f"SUMIFS({r.column_span(top, bottom)},{crit})"
    return build


def _blank(_: GridRefs) -> None:
    return None


def projection_sheet(inputs: Inputs, proj: Projection, lang: str,
                     wiring: Wiring | None = None) -> SheetContent:
    """Family totals first (live SUMIFS over the item rows below), then each finished
    good (its rows read from the MPS when it is written alongside); pieces, what can ship,
    value and days of supply against safety stock and maximum."""
    spec = contract.sheet("projection")
    keys = projection_measures(proj)
    zh = lang.startswith("zh")
    n_fam = len(proj.families)
    first_item = FIRST_ROW + n_fam * len(keys)
    last_item = first_item + len(proj.items) * len(keys) - 1
    fam_blocks = []
    for k, fam in enumerate(proj.families):
        by_family = fam != ""
        label = f"[{fam}]" if by_family else ("[合计]" if zh else "[Total]")
        what = ("产品族合计" if zh else "Family total") if by_family else \
            ("全部成品" if zh else "All finished goods")
        formulas = {m: _family_total(m, (first_item, last_item), by_family)
                    for m in ("demand", "shipped", "supply", "production", "projected",
                              "safety_stock", "value", *TRANSFERS[:2 * proj.transfers])}
        formulas["max_stock"] = _blank
        formulas["dos"] = spec.measure("dos").formula
        fam_blocks.append(GridBlock(
            {"item": label, "description": what, "family": fam or None},
            {m: proj.family_rows[m][k] for m in keys},
            {"projected": float(proj.family_on_hand[k])}, formulas=formulas))
    attrs = item_attrs(inputs, proj.items, ("unit_cost", "price"))
    grid = Grid(spec, proj.periods,
                fam_blocks + blocks(attrs, proj.rows, keys, {"projected": proj.on_hand}),
                workdays=inputs.working_days, opening_label=ON_HAND,
                measures=keys,
                formulas=dict(PROJECTION_PER_PLANT) if proj.transfers else {},
                title=title(inputs, "projection", lang),
                # safety stock and maximum are the next two rows of the same block
                conditions=[GridCondition("projected", "{cell}<{below:1}", "bad"),
                            GridCondition("projected", "AND({below:2}>0,{cell}>{below:2})",
                                          "warn")])
    if wiring is not None:
        wiring.projection_grid(grid, proj, n_fam)
    return plant_grid(grid_content(grid, lang, inputs.settings.currency), grid, inputs, lang)


def slow_excess_sheets(inputs: Inputs, listing: pd.DataFrame, summary: pd.DataFrame,
                       lang: str) -> list[SheetContent]:
    cur = inputs.settings.currency
    out = [table_content(contract.sheet("slow_excess"), listing, lang, currency=cur),
           table_content(contract.sheet("slow_excess_summary"), summary, lang, currency=cur)]
    if len(summary):
        out[1].style(len(summary), 0, len(summary), len(summary.columns) - 1,
                     CELL_STYLES["cell_bold"])
    return out


def financial_sheet(inputs: Inputs, plan: FinancialPlan, lang: str,
                    wiring: Wiring | None = None) -> SheetContent:
    spec = contract.sheet("financial_plan")
    attrs = [{"family": f} for f in plan.families]
    grid = Grid(spec, plan.months, blocks(attrs, plan.rows, tuple(m.key for m in
                                                                  spec.measures)),
                title=title(inputs, "financial_plan", lang),
                conditions=[GridCondition("margin", "{cell}<0", "bad")])
    if wiring is not None:
        wiring.financial(grid, plan.months, plan.families, month_map(inputs.buckets)[1])
    return grid_content(grid, lang, inputs.settings.currency)
