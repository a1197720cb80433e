"""Validation rules that span sheets: references between them, BOM structure, dates.

Each rule returns Problems naming the sheet, Excel row (from ``_row``) and column, so a
planner finds the cell; all rules run, so every problem is reported in one pass.

They run together with the checks of single cells: a workbook with bad cells *and*
items missing from Items gets both lists at once. A bad cell reads as blank and is left
out of the rules; a rule whose reference list cannot be trusted (a blank or bad item code
in Items, a missing column, a missing sheet, an unreadable planning month) is skipped
rather than reporting every reference to it: the planner fixes the cell named and the
next check says whether references still fail.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from itertools import pairwise
from typing import Any

import pandas as pd

from sop_xl.base.errors import Problem
from sop_xl.base.messages import message
from sop_xl.contract import sheet as spec_of
from sop_xl.contract.bom import bom_at, bom_cycles
from sop_xl.contract.cells import cell_ref
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.contract.read import ROW, show_value


class _Ctx:
    """Sheet names and column positions as they stand in this workbook, and which columns
    and settings could not be read without problems."""

    def __init__(self, inputs: Inputs, lang: str, columns: dict[str, dict[str, tuple[int, str]]],
                 doubtful: Mapping[tuple[str, str], Collection[int] | None] | None = None,
                 month_known: bool = True):
        self.inputs = inputs
        self.lang = lang
        self.columns = columns
        self.doubtful = dict(doubtful or {})
        self.month_known = month_known

    def sound(self, key: str, *cols: str) -> bool:
        """Whether every cell of these columns was read without a problem."""
        return not any((key, c) in self.doubtful for c in cols)

    def bad_rows(self, key: str, *cols: str) -> set[int] | None:
        """The Excel rows whose cell in one of these columns had a problem; None when a
        whole column is in doubt (missing or doubled)."""
        out: set[int] = set()
        for c in cols:
            if (key, c) in self.doubtful:
                rows = self.doubtful[(key, c)]
                if rows is None:
                    return None
                out |= set(rows)
        return out

    def name(self, key: str) -> str:
        return self.inputs.sheet_names.get(key, spec_of(key).name(self.lang))

    def problem(self, code: str, key: str, col: str, row: int | None, value: Any,
                **params: Any) -> Problem:
        c, label = self.columns.get(key, {}).get(
            col, (None, spec_of(key).column(col).label(self.lang)))
        cell = cell_ref(row - 1, c) if c is not None and row else None
        params.setdefault("value", show_value(value))
        return Problem(code, self.name(key), row, label, cell, value, params)


def check(inputs: Inputs, lang: str = "en",
          columns: dict[str, dict[str, tuple[int, str]]] | None = None, *,
          doubtful: Mapping[tuple[str, str], Collection[int] | None] | None = None,
          month_known: bool = True) -> list[Problem]:
    """Every cross-sheet problem in ``inputs``. ``doubtful``: (sheet key, column key) →
    the Excel rows of its cells with a problem of their own (None: the whole column);
    ``month_known``: False when the planning month could not be read (``inputs.settings``
    then holds a stand-in)."""
    ctx = _Ctx(inputs, lang, columns or {}, doubtful, month_known)
    out: list[Problem] = []
    for rule in RULES:
        out.extend(rule(ctx))
    return out


def _refs(ctx: _Ctx, key: str, col: str, known: set[str], target: str,
          what: str) -> Iterator[Problem]:
    """Values of ``key``'s column ``col`` that are not in ``known`` (the ``target`` sheet);
    ``what``: the kind of thing referred to (a ``ref_<what>`` word of the catalogue)."""
    frame: pd.DataFrame = getattr(ctx.inputs, key)
    if frame.empty or col not in frame:
        return
    if not ctx.sound(target, spec_of(target).keys[0]):
        return  # the list referred to is incomplete: its own problem is reported
    values = frame[col]
    bad = values.notna() & ~values.astype(str).isin(known)
    for v, r in zip(values[bad], frame[ROW][bad], strict=True):
        yield ctx.problem("unknown_ref", key, col, int(r), v, target=ctx.name(target),
                          what=message(f"ref_{what}", ctx.lang))


def _item_refs(ctx: _Ctx) -> Iterator[Problem]:
    items = set(ctx.inputs.items["item"].dropna().astype(str))
    for key, col in (("bom", "parent"), ("bom", "component"), ("resource_usage", "item"),
                     ("sales_history", "item"), ("contracts", "item"), ("projects", "item"),
                     ("sales_forecast", "item"), ("stock", "item"),
                     ("scheduled_receipts", "item"), ("production_actuals", "item")):
        yield from _refs(ctx, key, col, items, "items", "item")
    an = ctx.inputs.items
    if "analog_item" in an:
        yield from _refs(ctx, "items", "analog_item", items, "items", "item")
    res = set(ctx.inputs.resources["resource"].dropna().astype(str))
    yield from _refs(ctx, "resource_usage", "resource", res, "resources", "resource")
    cal = ctx.inputs.calendar
    if not cal.empty and ctx.sound("resources", "resource"):
        sub = cal[cal["resource"].notna() & (cal["resource"].astype(str) != "")]
        for v, r in zip(sub["resource"], sub[ROW], strict=True):
            if str(v) not in res:
                yield ctx.problem("unknown_ref", "calendar", "resource", int(r), v,
                                  target=ctx.name("resources"),
                                  what=message("ref_resource", ctx.lang))


def _warehouse_refs(ctx: _Ctx) -> Iterator[Problem]:
    """Once the Warehouses sheet lists warehouses, every stock row names one of them: a
    misspelt warehouse would otherwise plan its stock with no nettable flag at all."""
    wh = ctx.inputs.warehouses
    if wh.empty:
        return
    known = set(wh["warehouse"].dropna().astype(str))
    yield from _refs(ctx, "stock", "warehouse", known, "warehouses", "warehouse")


def _plant_refs(ctx: _Ctx) -> Iterator[Problem]:
    """ItemPlants names items of Items; once Plants lists plants, every plant named on
    ItemPlants, Warehouses, ScheduledReceipts and Resources is one of them; a transfer has a
    source plant other than its own."""
    inp = ctx.inputs
    items = set(inp.items["item"].dropna().astype(str))
    yield from _refs(ctx, "item_plants", "item", items, "items", "item")
    ip = inp.item_plants
    if not ip.empty and "procurement" in ip and "source_plant" in ip:
        moved = ip["procurement"].astype("string").eq("transfer").fillna(False) | \
            (ip["procurement"].isna() & ip["source_plant"].notna())
        same = ip["source_plant"].astype(str) == ip["plant"].astype(str)
        bad = moved.to_numpy(bool) & (ip["source_plant"].isna() | same).to_numpy(bool)
        for v, p, r in zip(ip["source_plant"][bad], ip["plant"][bad], ip[ROW][bad],
                           strict=True):
            yield ctx.problem("transfer_source", "item_plants", "source_plant", int(r), v,
                              plant=p)
    yield from _bom_plants(ctx)
    yield from _calendar_plants(ctx)
    yield from _event_plants(ctx)
    yield from _transfer_orders(ctx)
    if inp.plants.empty:
        return
    known = set(inp.plants["plant"].dropna().astype(str))
    for key, col in (("item_plants", "plant"), ("item_plants", "source_plant"),
                     ("warehouses", "plant"), ("scheduled_receipts", "plant"),
                     ("resources", "plant"), ("contracts", "plant"), ("projects", "plant"),
                     ("sales_forecast", "plant")):
        yield from _refs(ctx, key, col, known, "plants", "plant")
    yield from _shipping_plants(ctx, known)


def _calendar_plants(ctx: _Ctx) -> Iterator[Problem]:
    """A FactoryCalendar row for one plant names a plant of the workbook (on Plants;
    without it, one ItemPlants or Warehouses names); a workbook without plants has none
    to name: the row would never be used."""
    cal = ctx.inputs.calendar
    if cal.empty or "plant" not in cal or not ctx.sound("plants", "plant"):
        return
    yield from _refs(ctx, "calendar", "plant", set(ctx.inputs.named_plants), "plants",
                     "plant")


def _event_plants(ctx: _Ctx) -> Iterator[Problem]:
    """An event for one plant names a plant of the workbook (as the calendar's rows), where
    its item is planned (ItemPlants; an item without rows at the home plant), or, for a
    family, where one of the family's items is: else its pieces would go nowhere."""
    inp = ctx.inputs
    ev = inp.events
    if ev.empty or "plant" not in ev or not ctx.sound("plants", "plant"):
        return
    known = set(inp.named_plants)
    yield from _refs(ctx, "events", "plant", known, "plants", "plant")
    if not ctx.sound("item_plants", "item", "plant") or not known:
        return
    ip = inp.item_plants
    planned = set() if ip.empty else set(zip(ip["item"].astype(str),
                                              ip["plant"].astype(str), strict=True))
    with_rows = {i for i, _ in planned}
    home = inp.named_plants[0]
    fam = inp.items.set_index(inp.items["item"].astype(str))["family"].astype(str)

    def at(item: str, plant: str) -> bool:
        return (item, plant) in planned or (item not in with_rows and plant == home)

    given = ev["plant"].notna() & ev["target"].notna()
    for scope, target, p, r in zip(ev["scope"][given], ev["target"][given].astype(str),
                                   ev["plant"][given], ev[ROW][given], strict=True):
        plant = str(p).strip()
        if not plant or plant not in known:
            continue
        if scope == "item":
            if target in fam.index and not at(target, plant):
                yield ctx.problem("plant_not_planned", "events", "plant", int(r), p,
                                  item=target, target=ctx.name("item_plants"))
        elif not any(at(i, plant) for i in fam.index[fam == target]):
            yield ctx.problem("event_plant_family", "events", "plant", int(r), p,
                              family=target, target=ctx.name("item_plants"))


def _bom_plants(ctx: _Ctx) -> Iterator[Problem]:
    """A BOM line for one plant names a plant of the workbook (on Plants; without it, one
    ItemPlants or Warehouses names; a workbook without plants has none: the line would
    never be used), where ItemPlants does not buy or transfer its parent (a plant that
    does not make it never builds with it)."""
    inp = ctx.inputs
    bom = inp.bom
    if bom.empty or "plant" not in bom or not ctx.sound("plants", "plant"):
        return
    known = set(inp.plants["plant"].dropna().astype(str))
    if not known:   # the plants as plan.network.plants_of finds them without Plants
        for frame, cols in ((inp.item_plants, ("plant", "source_plant")),
                            (inp.warehouses, ("plant",))):
            for c in cols:
                if c in frame:
                    known |= set(frame[c].dropna().astype(str).str.strip())
    yield from _refs(ctx, "bom", "plant", known, "plants", "plant")
    ip = inp.item_plants
    if ip.empty or "procurement" not in ip:
        return
    how = {(str(i), str(p)): str(h) for i, p, h in zip(ip["item"], ip["plant"],
                                                       ip["procurement"], strict=True)
           if pd.notna(h)}
    if "source_plant" in ip:   # a blank procurement with a source plant is a transfer
        how |= {(str(i), str(p)): "transfer" for i, p, h, src in zip(
            ip["item"], ip["plant"], ip["procurement"], ip["source_plant"], strict=True)
            if pd.isna(h) and pd.notna(src)}
    given = bom["plant"].notna() & bom["parent"].notna()
    for parent, plant, r in zip(bom["parent"][given].astype(str), bom["plant"][given],
                                bom[ROW][given], strict=True):
        got = how.get((parent, str(plant).strip()), "make")
        if got != "make":
            yield ctx.problem("bom_plant_not_made", "bom", "plant", int(r), plant,
                              item=parent, how=message(f"procurement_{got}", ctx.lang),
                              target=ctx.name("item_plants"))


def _shipping_plants(ctx: _Ctx, known: set[str]) -> Iterator[Problem]:
    """A contract, project or sales forecast line shipped from a plant where its item is
    not planned (no ItemPlants row for the item and plant; an item with no row at all is
    planned at the home plant, the first on Plants) would be demand nobody supplies."""
    inp = ctx.inputs
    ip = inp.item_plants
    if not ctx.sound("item_plants", "item", "plant") or not ctx.sound("plants", "plant"):
        return
    planned = set() if ip.empty else set(zip(ip["item"].astype(str),
                                              ip["plant"].astype(str), strict=True))
    with_rows = {i for i, _ in planned}
    home = str(inp.plants["plant"].dropna().astype(str).iloc[0])
    for key in ("contracts", "projects", "sales_forecast"):
        frame: pd.DataFrame = getattr(inp, key)
        if frame.empty or "plant" not in frame:
            continue
        given = frame["plant"].notna() & frame["item"].notna()
        for i, p, r in zip(frame["item"][given].astype(str), frame["plant"][given],
                           frame[ROW][given], strict=True):
            plant = str(p).strip()
            if not plant or plant not in known or (i, plant) in planned \
                    or (i not in with_rows and plant == home):
                continue
            yield ctx.problem("plant_not_planned", key, "plant", int(r), p, item=i,
                              target=ctx.name("item_plants"))


def _transfer_orders(ctx: _Ctx) -> Iterator[Problem]:
    """A transfer order on ScheduledReceipts (shipped, not yet received) names in Supplier
    the plant that shipped it: one of Plants, not the receiving plant (Plant, blank: the
    first), along a transfer lane of ItemPlants (the receiving node is planned by transfer
    from that plant)."""
    inp = ctx.inputs
    sr = inp.scheduled_receipts
    if sr.empty or "order_type" not in sr:
        return
    moved = sr[sr["order_type"].astype("string").eq("transfer").fillna(False).to_numpy(bool)]
    if moved.empty:
        return
    plants = inp.plants["plant"].dropna().astype(str).tolist() if not inp.plants.empty \
        else []
    if len(plants) < 2:
        for v, r in zip(moved["order_type"], moved[ROW], strict=True):
            yield ctx.problem("transfer_order_plants", "scheduled_receipts", "order_type",
                              int(r), v)
        return
    ip = inp.item_plants
    lanes: set[tuple[str, str, str]] = set()
    if not ip.empty and {"procurement", "source_plant"} <= set(ip.columns):
        t = ip[ip["procurement"].astype("string").eq("transfer").fillna(False)
               .to_numpy(bool)]
        lanes = set(zip(t["item"].astype(str), t["plant"].astype(str),
                        t["source_plant"].astype(str), strict=True))
    dest = moved["plant"] if "plant" in moved else pd.Series(None, index=moved.index)
    for item, src, to, r in zip(moved["item"], moved["supplier"], dest, moved[ROW],
                                strict=True):
        to = plants[0] if pd.isna(to) or str(to).strip() == "" else str(to).strip()
        if pd.isna(src) or str(src).strip() not in plants:
            yield ctx.problem("transfer_order_source", "scheduled_receipts", "supplier",
                              int(r), src, plants=", ".join(plants))
        elif str(src).strip() == to:
            yield ctx.problem("transfer_order_same", "scheduled_receipts", "supplier",
                              int(r), src, plant=to)
        elif (str(item), to, str(src).strip()) not in lanes:
            yield ctx.problem("transfer_order_lane", "scheduled_receipts", "supplier",
                              int(r), src, item=item, plant=to, source=str(src).strip(),
                              sheet=ctx.name("item_plants"))


def _families(ctx: _Ctx) -> Iterator[Problem]:
    items = ctx.inputs.items
    skip = ctx.bad_rows("items", "family", "item_type")
    if skip is None:
        return
    fg = items[(items["item_type"] == "FG")
               & (items["family"].isna() | (items["family"].astype(str).str.strip() == ""))]
    for r in fg[ROW]:
        if int(r) not in skip:  # a bad or merged family cell is reported as such
            yield ctx.problem("family_required", "items", "family", int(r), None)


def _bom_structure(ctx: _Ctx) -> Iterator[Problem]:
    bom = ctx.inputs.bom
    if bom.empty:
        return
    bom = bom[bom["parent"].notna() & bom["component"].notna()]  # bad cells: reported
    types = dict(zip(ctx.inputs.items["item"], ctx.inputs.items["item_type"], strict=True))
    for parent, comp, r in zip(bom["parent"], bom["component"], bom[ROW], strict=True):
        if parent == comp:
            yield ctx.problem("bom_self", "bom", "component", int(r), comp)
        elif types.get(parent) == "RM":
            yield ctx.problem("bom_parent_purchased", "bom", "parent", int(r), parent)
    yield from _bom_cycles(ctx)


def _bom_cycles(ctx: _Ctx) -> Iterator[Problem]:
    """Each cycle once, with its path and the BOM rows that close it (a line whose parent is
    its own component is reported on its own, as bom_self)."""
    bom = ctx.inputs.bom
    bom = bom[bom["parent"].notna() & bom["component"].notna()
              & (bom["parent"] != bom["component"])]
    # each plant builds with its own BOM (contract.bom.bom_at): a cycle in any of them
    plants = [""]
    if "plant" in bom:
        plants += sorted({str(p).strip() for p in bom["plant"].dropna()} - {""})
    seen: set[frozenset[str]] = set()
    for plant in plants:
        at = bom_at(bom, plant) if len(plants) > 1 else bom
        for names, rows in bom_cycles(at, at[ROW].to_numpy()):
            if frozenset(names) in seen:
                continue
            seen.add(frozenset(names))
            yield ctx.problem("bom_cycle", "bom", "component", rows[0], names[-1],
                              path=" → ".join(names), rows=", ".join(str(x) for x in rows))


def _history_in_past(ctx: _Ctx) -> Iterator[Problem]:
    h = ctx.inputs.sales_history
    month = ctx.inputs.settings.planning_month
    if h.empty or not ctx.month_known:
        return
    bad = h["month"].notna() & (h["month"] >= month)
    for v, r in zip(h["month"][bad], h[ROW][bad], strict=True):
        yield ctx.problem("future_month", "sales_history", "month", int(r), v,
                          month=str(month))


def _months_text(months: list[pd.Period]) -> str:
    return str(months[0]) if len(months) == 1 else f"{months[0]} … {months[-1]}"


def _history_complete(ctx: _Ctx) -> Iterator[Problem]:
    """Whole months missing from the sales history. One item without sales in a month is
    normal (intermittent demand; the forecast reads it as zero), but a month in which no
    item has a row is an export that went wrong, and history that stops months before the
    planning month would be forecast as zero sales. Last month (M-1) may be missing: at
    the start of a month its sales are often not closed yet."""
    h = ctx.inputs.sales_history
    month = ctx.inputs.settings.planning_month
    if h.empty or not ctx.month_known or not ctx.sound("sales_history", "month"):
        return  # a month missing only because its cells are bad is not an export gap
    past = h[h["month"].notna() & (h["month"] < month)]
    if past.empty:
        return
    first_row = past.sort_values(ROW).drop_duplicates("month").set_index("month")[ROW]
    present = sorted(first_row.index)
    for prev, nxt in pairwise(present):
        if nxt.ordinal - prev.ordinal > 1:
            missing = [prev + k for k in range(1, nxt.ordinal - prev.ordinal)]
            yield ctx.problem("period_gap", "sales_history", "month", int(first_row[nxt]),
                              nxt, prev=str(prev), missing=_months_text(missing))
    last = present[-1]
    if last < month - 2:
        missing = [last + k for k in range(1, month.ordinal - last.ordinal)]
        yield ctx.problem("history_stale", "sales_history", "month", int(first_row[last]),
                          last, month=str(month), missing=_months_text(missing))


def _contracts(ctx: _Ctx) -> Iterator[Problem]:
    c = ctx.inputs.contracts
    if c.empty:
        return
    bad = c["delivered_qty"].fillna(0) > c["ordered_qty"]
    for v, o, r in zip(c["delivered_qty"][bad], c["ordered_qty"][bad], c[ROW][bad],
                       strict=True):
        yield ctx.problem("delivered_gt_ordered", "contracts", "delivered_qty", int(r),
                          float(v), ordered=f"{o:g}")
    if "due_date" not in c:
        return
    dated = c[c["due_date"].notna() & c["due_month"].notna()]
    for d, m, r in zip(dated["due_date"], dated["due_month"], dated[ROW], strict=True):
        if pd.Period(pd.Timestamp(d), "M") != m:
            yield ctx.problem("due_date_month", "contracts", "due_date", int(r), d,
                              month=str(m))


def _production_months(ctx: _Ctx) -> Iterator[Problem]:
    """ProductionActuals: each row needs its month or its completion day (the month is
    then the day's); both given must agree."""
    a = ctx.inputs.production_actuals
    if a.empty or "date" not in a:
        return
    for m, d, r in zip(a["month"], a["date"], a[ROW], strict=True):
        no_month, no_date = pd.isna(m), d is None or pd.isna(d)
        if no_month and no_date:
            yield ctx.problem("month_or_date", "production_actuals", "month", int(r), None)
        elif not no_month and not no_date and pd.Period(pd.Timestamp(d), "M") != m:
            yield ctx.problem("date_not_in_month", "production_actuals", "date", int(r), d,
                              month=str(m))


def _ranges(ctx: _Ctx) -> Iterator[Problem]:
    for key, lo, hi in (("events", "start_month", "end_month"),
                        ("calendar", "start_date", "end_date")):
        f: pd.DataFrame = getattr(ctx.inputs, key)
        if f.empty:
            continue
        ok = f[lo].notna() & f[hi].notna()
        sub = f[ok]
        bad = [i for i, (a, b) in enumerate(zip(sub[lo], sub[hi], strict=True)) if b < a]
        for i in bad:
            yield ctx.problem("end_before_start", key, hi, int(sub[ROW].iloc[i]),
                              sub[hi].iloc[i], start=str(sub[lo].iloc[i]))


def _event_targets(ctx: _Ctx) -> Iterator[Problem]:
    ev = ctx.inputs.events
    if ev.empty or not ctx.sound("items", "item", "family"):
        return
    items = set(ctx.inputs.items["item"].astype(str))
    fams = set(ctx.inputs.items["family"].dropna().astype(str))
    for scope, target, r in zip(ev["scope"], ev["target"], ev[ROW], strict=True):
        if scope is None or target is None or target != target:
            continue  # a bad cell, reported as such
        known = items if scope == "item" else fams
        if str(target) not in known:
            what = message("ref_item" if scope == "item" else "ref_family", ctx.lang)
            yield ctx.problem("unknown_ref", "events", "target", int(r), target,
                              target=ctx.name("items"), what=what)


def _planning_date(ctx: _Ctx) -> Iterator[Problem]:
    """The planning date ("today") lies in the 31 days up to the planning month's first day:
    the plan's dates start there, and stock is taken as of it."""
    s = ctx.inputs.settings
    if s.planning_date is None:
        return
    last = s.planning_month.start_time.date()
    first = (pd.Timestamp(last) - pd.Timedelta(days=31)).date()
    if not first <= s.planning_date <= last:
        yield ctx.problem("date_range", "settings", "planning_date", None, s.planning_date,
                          first=str(first), last=str(last))


RULES: tuple[Callable[[_Ctx], Iterator[Problem]], ...] = (
    _item_refs, _warehouse_refs, _plant_refs, _families, _bom_structure, _history_in_past,
    _history_complete, _contracts, _production_months, _ranges, _event_targets,
    _planning_date,
)
