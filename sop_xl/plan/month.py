"""One month's plan from the validated inputs: what each engine is given, adapted from the
contract's frames, one small function per step.

The engines (forecast, demand, mps, mrp, capacity, inventory, finance, versions) take
arrays and frames of their own shape; the functions here build those from ``Inputs`` and
from the results of the steps before. What the planner typed into output sheets (firmed
cells, firm orders, the frozen plan of an earlier month) is read back in
``sop_xl.app.readback`` and passed in. The cycle (``sop_xl.app.cycle``) runs them lazily,
step by step. Pure: no workbook, no words, no clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from sop_xl.base.errors import PlanningError
from sop_xl.base.periods import FactoryCalendar
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.plan import capacity as capacity_engine
from sop_xl.plan import family_plan as family_engine
from sop_xl.plan import finance as finance_engine
from sop_xl.plan import inventory as inventory_engine
from sop_xl.plan import mps as mps_engine
from sop_xl.plan import mrp as mrp_engine
from sop_xl.plan import versions as versions_engine
from sop_xl.plan.dates import PlanDays
from sop_xl.plan.demand import DemandPlan
from sop_xl.plan.family_split import Split
from sop_xl.plan.family_split import split as split_family
from sop_xl.plan.forecast import Executor, ForecastResult, auto_forecast, working_days
from sop_xl.plan.hierarchy import NO_FAMILY
from sop_xl.plan.lot_sizing import LotRules
from sop_xl.plan.transfer import orders_by_bucket

# -- forecast ------------------------------------------------------------------------------

MIN_MONTHS = 12  # the forecast shown (and fitted) covers at least a year


def forecast_months(inputs: Inputs) -> int:
    """Months the statistical forecast covers: the plan's horizon in months, at least 12."""
    s = inputs.settings
    months = s.horizon if s.bucket == "month" else int(np.ceil(s.horizon * 7 / 30.4)) + 1
    return max(months, MIN_MONTHS)


def forecast_result(forecast: pd.DataFrame, summary: pd.DataFrame, cleaned: pd.DataFrame,
                    service_level: float) -> ForecastResult:
    """A ForecastResult rebuilt from frames (a stored forecast, the demo's expected
    demand), its intervals at ``service_level``."""
    return ForecastResult(forecast, summary, cleaned, levels=(service_level,),
                          service_level=service_level)


def shipped_history(inputs: Inputs, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monthly shipped quantity per finished good (item, period, quantity in pieces),
    zero-filled to the month before the plan so every item's forecast starts in the
    planning month; a month not closed yet (no row for any item) is left out, not read as
    zero sales."""
    h = inputs.sales_history if history is None else history
    fg = set(inputs.items_of_type("FG")["item"])
    h = h[h["item"].isin(fg)]
    g = h.groupby(["item", "month"], as_index=False)["shipped_qty"].sum()
    last = min(inputs.settings.planning_month - 1, g["month"].max()) \
        if len(g) else inputs.settings.planning_month - 1
    # every item from its first month to ``last``, built at once (a frame per item cost
    # seconds at 3,000 finished goods)
    first = g.groupby("item", sort=True)["month"].min()
    first_ord = first.array.asi8
    n = np.maximum(last.ordinal - first_ord + 1, 0)
    if not n.sum():
        return pd.DataFrame({"item": pd.Series(dtype=object),
                             "period": pd.PeriodIndex([], freq="M"),
                             "quantity": pd.Series(dtype=float)})
    starts = np.repeat(np.cumsum(n) - n, n)
    ords = np.repeat(first_ord, n) + np.arange(int(n.sum())) - starts
    out = pd.DataFrame({"item": np.repeat(first.index.to_numpy(), n),
                        "period": pd.PeriodIndex.from_ordinals(ords, freq="M")})
    q = g.rename(columns={"month": "period", "shipped_qty": "quantity"})
    out = out.merge(q, on=["item", "period"], how="left", sort=False)
    out["quantity"] = out["quantity"].fillna(0.0).astype(float)
    return out


def ordered_history(inputs: Inputs) -> pd.DataFrame:
    """Monthly ordered quantity per finished good (history rows that give one)."""
    h = inputs.sales_history
    h = h[h["ordered_qty"].notna()].assign(shipped_qty=h["ordered_qty"])
    return shipped_history(inputs, h)


def day_factors(inputs: Inputs, history: pd.DataFrame, horizon: int) -> dict | None:
    """Working-day factor of every month from the first history month to the end of
    the forecast, from the factory calendar (sop_xl.plan.forecast.working_days): the
    company's, or in a workbook of one plant that plant's (its work week and rows), as
    the plan's buckets count them."""
    if history.empty:
        return None
    s = inputs.settings
    first = history["period"].min()
    last = s.planning_month + horizon - 1
    cal = FactoryCalendar(first.start_time.date(), last.end_time.date(), s.work_week,
                          inputs.calendar, inputs.factory_calendar.plant, inputs.plant_weeks)
    months = pd.period_range(first, last, freq="M")
    return working_days.day_factors(
        {m: cal.working_days(m.start_time.date(), m.end_time.date()) for m in months})


def fit_forecast(inputs: Inputs, history: pd.DataFrame, *, executor: Executor | None = None,
                 progress: Callable[[int, int], None] | None = None) -> ForecastResult:
    """The statistical forecast of ``history`` from the planning month on, per working day
    when Settings ask for it (Spring Festival moves; the calendar says how long a month is);
    outliers are looked for in calendar months or per working day, whichever leaves an item
    less noise, in either mode, so the same months are cleaned whether or not the forecast
    itself works per working day. ``executor`` / ``progress``
    as for auto_forecast (items done, items in total)."""
    s = inputs.settings
    if history.empty:  # no shipments of any finished good yet: no statistical forecast
        return no_forecast((0.8, s.service_level))
    it = inputs.items.set_index("item")
    analogs = {k: v for k, v in it["analog_item"].dropna().items() if v}
    families = it["family"].dropna().to_dict()
    horizon = forecast_months(inputs)
    # history ending before M−1 (last month not closed): forecast across the gap too
    gap = 0 if history.empty else max(
        0, (s.planning_month - 1).ordinal - history["period"].max().ordinal)
    factors = day_factors(inputs, history, horizon)
    result = auto_forecast(history, horizon + gap, 12, executor=executor, analogs=analogs,
                           families=families, levels=(0.8, s.service_level),
                           progress=progress, working_days=factors,
                           per_working_day=s.forecast_working_days)
    f = result.forecast
    if gap and not f.empty:
        f = f[f["period"] >= s.planning_month].reset_index(drop=True)
    return dataclasses.replace(result, forecast=f)


def no_forecast(levels: tuple[float, ...]) -> ForecastResult:
    """The statistical forecast of a workbook without any sales history: no rows, with
    the columns and types ``auto_forecast`` gives."""
    levels = tuple(sorted(set(levels)))
    cols: dict[str, pd.Series] = {"item": pd.Series(dtype=object),
                                  "period": pd.Series(pd.PeriodIndex([], freq="M"))}
    for c in ("forecast", "lower", "upper",
              *(f"{b}_{lv * 100:g}".replace(".", "_") for lv in levels
                for b in ("lower", "upper"))):
        cols[c] = pd.Series(dtype=float)
    cols["model"] = pd.Series(dtype=object)
    summary = pd.DataFrame({c: pd.Series(dtype=object) for c in (
        "item", "demand_class", "model", "mase", "wape", "mase_naive", "n_history", "adi",
        "cv2", "seasonal", "note")})
    cleaned = pd.DataFrame({"item": pd.Series(dtype=object),
                            "period": pd.Series(pd.PeriodIndex([], freq="M")),
                            "quantity": pd.Series(dtype=float),
                            "cleaned": pd.Series(dtype=float),
                            "outlier": pd.Series(dtype=bool)})
    return ForecastResult(pd.DataFrame(cols), summary, cleaned, levels=levels,
                          service_level=levels[-1])


def covers_the_plan(inputs: Inputs, forecast: pd.DataFrame) -> bool:
    """Does a stored forecast start in the planning month and cover the plan? A forecast
    of an earlier month, or shorter than the plan, is fitted again."""
    if forecast.empty:
        return False
    first = inputs.settings.planning_month
    last = first + forecast_months(inputs) - 1
    p = forecast["period"]
    return bool(p.min() == first and p.max() >= last)


# -- supply --------------------------------------------------------------------------------

def located_resources(inputs: Inputs) -> pd.DataFrame:
    """Resources with their plant: a blank plant of a workbook with several plants is the
    home plant (its calendar counts their working days)."""
    res = inputs.resources
    plants = inputs.named_plants
    if len(plants) < 2 or res.empty:
        return res
    plant = res["plant"] if "plant" in res else pd.Series(pd.NA, index=res.index)
    blank = plant.isna() | (plant.astype(str).str.strip() == "")
    return res.assign(plant=plant.where(~blank, plants[0]))


def plan_days(inputs: Inputs, plants: Sequence[str] = ()) -> PlanDays:
    """The plan's working days, from the planning date (Settings; blank: the planning
    month's first day) to the end of the last bucket (sop_xl.plan.dates); with several
    ``plants`` whose calendars differ, the union of their working days."""
    cal = inputs.factory_calendar
    if len(plants) > 1 and cal.differs_by_plant:
        return PlanDays.build(inputs.buckets, cal, inputs.settings.plan_start,
                              plants=[cal.for_plant(p) for p in plants], names=plants)
    return PlanDays.build(inputs.buckets, cal, inputs.settings.plan_start)


def receipts(inputs: Inputs) -> pd.DataFrame:
    """Open orders (ScheduledReceipts) as the engines take them: item, qty (pieces),
    order, due_date."""
    r = inputs.scheduled_receipts
    if r.empty:
        return pd.DataFrame({"item": [], "qty": [], "order": [], "due_date": []})
    return pd.DataFrame({"item": r["item"].to_numpy(), "qty": r["qty"].to_numpy(float),
                         "order": r["order"].astype(str).to_numpy(),
                         "due_date": pd.to_datetime(r["due_date"]).to_numpy()})


def receipts_by_day(inputs: Inputs, days: PlanDays, items: pd.Index) -> np.ndarray:
    """Open orders per item and working day (items × days, pieces); one due before the
    planning date counts on its first day. With a calendar per plant an order counts on
    its node's plant's working day on or after it is due (as the MRP takes it)."""
    out = np.zeros((len(items), len(days)))
    r = receipts(inputs)
    if r.empty:
        return out
    rows = items.get_indexer(r["item"])
    day = days.supply_day(r["due_date"])
    if days.per_plant and "plant" in inputs.items:
        plant = inputs.items.set_index(inputs.items["item"].astype(str))["plant"]
        at = days.plant_index(plant.reindex(r["item"].astype(str)).fillna("").to_numpy(object))
        inside = day < len(days)
        day[inside] = days.on_or_after(at[inside], day[inside])
    ok = (rows >= 0) & (day < out.shape[1])
    np.add.at(out, (rows[ok], day[ok]), r["qty"].to_numpy(float)[ok])
    return out


def receipts_matrix(inputs: Inputs, items: pd.Index) -> np.ndarray:
    """Open production and purchase orders of ``items`` by bucket (items × buckets,
    pieces), each on the working day it is due."""
    days = plan_days(inputs)
    return days.by_bucket(receipts_by_day(inputs, days, items))


def mps(inputs: Inputs, demand: DemandPlan, days: PlanDays, *, firm: np.ndarray | None,
        frozen_qty: np.ndarray | None,
        target: np.ndarray | None = None) -> mps_engine.MPSResult:
    """The master production schedule of the demand plan's finished goods, on the plan's
    working days (the demand dated by ``DemandPlan.dated``). ``firm``: cells the planner
    changed on the MPS sheet; ``frozen_qty``: production of the plan passed on for an
    earlier month (both items × buckets, NaN = none); ``target``: the approved family
    production split to the items (items × buckets, NaN = none)."""
    items = demand.items
    it = inputs.items.set_index("item").reindex(items)
    on_hand = inputs.on_hand().reindex(items).fillna(0).to_numpy(float)
    forecast, orders = demand.dated(days)
    s = inputs.settings
    return mps_engine.plan(
        forecast, orders, on_hand, receipts_by_day(inputs, days, items),
        it["safety_stock"].fillna(0).to_numpy(float),
        LotRules.from_items(inputs.items, items), days,
        items=items, frozen=s.frozen_periods, frozen_qty=frozen_qty, firm=firm,
        fence=s.slushy_periods, target_dos=it["target_dos"].fillna(0).to_numpy(float),
        family_target=target, works=_works(days, it))


def _works(days: PlanDays, items: pd.DataFrame) -> np.ndarray | None:
    """Whether each item's plant works on each day (items × days); None: every day."""
    if not days.per_plant or "plant" not in items:
        return None
    at = days.plant_index(items["plant"].to_numpy(object))
    return np.array([days.works(int(p)) for p in range(len(days.plants))])[at]


# -- the family production plan ---------------------------------------------------------------

def item_families(inputs: Inputs, items: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Each item's family (NO_FAMILY where none) and the families planned at family level
    (every family but NO_FAMILY: items without one have nothing to be split among)."""
    fam = inputs.items.set_index("item")["family"].reindex(items)
    fam = fam.where(fam.notna() & (fam.astype(str).str.strip() != ""), NO_FAMILY)
    fam = fam.astype(str).to_numpy(dtype=object)
    return fam, pd.Index(sorted(set(fam) - {NO_FAMILY}), name="family")


def _by_family(values: np.ndarray, fam: np.ndarray, families: pd.Index) -> np.ndarray:
    """Item rows summed to family rows (families × …)."""
    onehot = (fam[None, :] == families.to_numpy(dtype=object)[:, None]).astype(float)
    return onehot @ np.nan_to_num(values)


def family_production(inputs: Inputs, demand: DemandPlan, *,
                      typed: np.ndarray | None = None, frozen_qty: np.ndarray | None = None,
                      items_plan: np.ndarray | None = None,
                      typed_stock: np.ndarray | None = None,
                      typed_days: np.ndarray | None = None
                      ) -> family_engine.FamilyProductionPlan:
    """The family production plan of the demand plan's finished goods: families' demand,
    on hand and open production orders summed from their items; target days of supply
    the demand-weighted mean of the items'; target stock level the sum of their safety
    stocks; unit cost demand-weighted. The key resource of a family is the one its demand
    loads most (ResourceUsage); its hours per piece the demand-weighted mean; the hours it
    has are the resource's regular hours × the family's share of the finished goods' load
    on it. ``typed``: production typed on the sheet (families × buckets, NaN = none);
    ``frozen_qty``: the previous plan's item production, kept in the frozen fence;
    ``items_plan``: the MPS's item production, the suggestion when no strategy is set;
    ``typed_stock`` / ``typed_days``: target stock level and days of supply the planner
    typed over the families' own (families × buckets, NaN = none)."""
    s = inputs.settings
    items = demand.items
    fam, families = item_families(inputs, items)
    it = inputs.items.set_index("item").reindex(items)
    d = demand["demand"]
    total = d.sum(axis=1)
    fam_total = _by_family(total[:, None], fam, families)[:, 0]

    def weighted(col: str) -> np.ndarray:
        v = it[col].fillna(0).to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(fam_total > 0, _by_family((v * total)[:, None], fam,
                                                      families)[:, 0] / fam_total, 0.0)

    fixed = None
    if frozen_qty is not None and s.frozen_periods > 0:
        fixed = np.full((len(families), len(demand.periods)), np.nan)
        k = min(s.frozen_periods, fixed.shape[1])
        fixed[:, :k] = _by_family(frozen_qty[:, :k], fam, families)
    hpp, avail, key = _key_resources(inputs, items, fam, families, d)
    return family_engine.plan(
        families, demand.periods, _by_family(d, fam, families),
        _by_family(inputs.on_hand().reindex(items).fillna(0).to_numpy(float), fam, families),
        inputs.working_days, strategy=str(s.family_strategy),
        receipts=_by_family(receipts_matrix(inputs, items), fam, families),
        target_dos=weighted("target_dos"),
        target_stock=_by_family(it["safety_stock"].fillna(0).to_numpy(float), fam, families),
        fixed=fixed, typed=typed,
        items_plan=None if items_plan is None else _by_family(items_plan, fam, families),
        unit_cost=weighted("unit_cost"), hours_per_piece=hpp, available=avail,
        key_resource=key, typed_stock=typed_stock, typed_days=typed_days)


def _key_resources(inputs: Inputs, items: pd.Index, fam: np.ndarray, families: pd.Index,
                   demand: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per family: hours per piece on its key resource (NaN: none), the hours of that
    resource it has per bucket, and the resource's name ("" where none)."""
    f, h = len(families), demand.shape[1]
    hpp, avail, key = np.full(f, np.nan), np.full((f, h), np.nan), [""] * f
    res = inputs.resources
    if res.empty or inputs.resource_usage.empty:
        return hpp, avail, key
    names = pd.Index(res["resource"].astype(str))
    usage = capacity_engine.usage_matrix(inputs.resource_usage, names, items)  # r × items
    regular, _ = capacity_engine.available_hours(located_resources(inputs), inputs.buckets,
                                                 inputs.factory_calendar)
    total = demand.sum(axis=1)
    load = _by_family((usage * total[None, :]).T, fam, families)  # families × resources
    pieces = _by_family(total[:, None], fam, families)[:, 0]
    everyone = load.sum(axis=0)
    for k in range(f):
        if pieces[k] <= 0 or load[k].max() <= 0:
            continue
        r = int(np.argmax(load[k]))
        key[k] = str(names[r])
        hpp[k] = load[k, r] / pieces[k]
        avail[k] = regular[r] * load[k, r] / everyone[r]
    return hpp, avail, key


def family_weights(inputs: Inputs, demand: DemandPlan) -> np.ndarray:
    """The factors that split family production to the items (items × buckets), by
    Settings: planned demand (each bucket's), history shares or FamilyShares' factors."""
    how = str(inputs.settings.family_split)
    h = len(demand.periods)
    if how == "demand":
        return np.asarray(demand["demand"], dtype=float)
    col = "history_share" if how == "history" else "share"
    sh = demand.shares[col].reindex(demand.items).fillna(0).to_numpy(float)
    return np.repeat(sh[:, None], h, axis=1)


def family_split(inputs: Inputs, demand: DemandPlan,
                 plan: family_engine.FamilyProductionPlan) -> Split:
    """The approved family production split to the items by lot rules (items × buckets,
    NaN where no family volume is approved)."""
    fam, families = item_families(inputs, demand.items)
    rules = LotRules.from_items(inputs.items, demand.items)
    return split_family(plan.approved, fam, families.to_numpy(dtype=object),
                        family_weights(inputs, demand), rules)


def family_drift(inputs: Inputs, plan: family_engine.FamilyProductionPlan,
                 items: pd.Index, production: np.ndarray) -> pd.DataFrame:
    """Family × bucket cells where the items' MPS production differs from the approved
    family production (the chosen strategy's, or the planner's typed cells when none is
    chosen) by more than the tolerance: family, bucket, period, approved, items (pieces)."""
    fam, families = item_families(inputs, items)
    got = _by_family(production, fam, families)
    want = plan.approved if plan.strategy != family_engine.NONE else plan.typed
    tol = inputs.settings.family_tolerance
    with np.errstate(invalid="ignore"):
        bad = np.isfinite(want) & (np.abs(got - want) > np.maximum(tol * np.abs(want), 0.5))
    r, c = np.nonzero(bad)
    return pd.DataFrame({"family": families.to_numpy()[r], "bucket": c,
                         "period": [plan.periods[k] for k in c], "approved": want[r, c],
                         "items": got[r, c]})


def mrp(inputs: Inputs, plan: mps_engine.MPSResult, days: PlanDays, *,
        firm: pd.DataFrame | None, lang: str) -> mrp_engine.MRPResult:
    """Material requirements below the MPS on the plan's working days; ``firm``: the
    planner's firm planned orders (item, qty, due_date). ``lang`` names the BOM rows that
    cannot be planned (PlanningError)."""
    problems = mrp_engine.check(inputs.items, inputs.bom, lang)
    if problems:
        raise PlanningError(problems, lang)
    plants = None
    if days.per_plant and "plant" in inputs.items:   # the nodes' plants
        plants = days.plant_index(inputs.items["plant"].to_numpy(object))
    return mrp_engine.plan(inputs.items, inputs.bom, plan.items, plan.daily["production"],
                           inputs.on_hand(), receipts(inputs), days, firm=firm,
                           end_demand=plan.daily["demand"], plants=plants)


def capacity(inputs: Inputs, days: PlanDays, plan: mps_engine.MPSResult,
             materials: mrp_engine.MRPResult) -> capacity_engine.CapacityResult:
    """Rough-cut capacity: load from every order as it is worked, between its release and
    its due date — finished-good production, the made components' planned orders and the
    production orders already released (open receipts of made items: they still have to
    be built); purchased parts have no routing, so their orders add none."""
    items = plan.items.append(materials.items)
    at = items.get_indexer(pd.Index(materials.item_names))   # plan order → these rows
    o = materials.order_data
    sr = materials.receipt_list
    pos = np.concatenate([o["pos"], sr["pos"]])
    due = np.concatenate([o["due"], np.where(sr["past_due"], -1, sr["day"])])
    plant = materials.plant if materials.plant is not None else \
        np.zeros(len(materials.item_names), np.int64)
    release = np.concatenate([o["release"], days.earlier(
        plant[sr["pos"]], due[len(o["pos"]):], materials.lead[sr["pos"]])])
    qty = np.concatenate([o["release_qty"], sr["qty"]])
    ok = at[pos] >= 0
    row_plant = None
    if days.per_plant:   # each row's plant: its orders are worked on the days it works
        row_plant = np.zeros(len(items), np.int64)
        row_plant[at[at >= 0]] = plant[at >= 0]
    work = capacity_engine.work(days, len(items), at[pos[ok]], release[ok], due[ok], qty[ok],
                                plant=row_plant)
    return capacity_engine.plan(located_resources(inputs), inputs.resource_usage, items, work,
                                inputs.buckets, inputs.factory_calendar,
                                frozen=inputs.settings.frozen_periods)


def slow_excess(inputs: Inputs, plan: mps_engine.MPSResult,
                materials: mrp_engine.MRPResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The slow-moving and excess list and its summary by family (sop_xl.plan.inventory)."""
    s = inputs.settings
    b = inputs.buckets
    until = np.datetime64((s.planning_month + s.excess_months).start_time.date(), "D")
    ahead = pd.concat([
        inventory_engine.demand_ahead(plan.items, plan["demand"], b.starts(), until),
        inventory_engine.demand_ahead(materials.items, materials["gross"], b.starts(), until)])
    listing = inventory_engine.slow_and_excess(
        inputs.stock, inputs.items, ahead, s.planning_month.start_time, s.slow_moving_months)
    return listing, inventory_engine.slow_excess_summary(listing, inputs.stock, inputs.items)


def financial(inputs: Inputs, plan: mps_engine.MPSResult,
              materials: mrp_engine.MRPResult, *,
              projection: inventory_engine.Projection | None = None
              ) -> finance_engine.FinancialPlan:
    """The plan in money: finished goods from the MPS (what can ship as ``projection``
    has it; with transfers between plants its demand, production and supply, so a
    transfer is neither a sale nor production), components from the MRP."""
    it = inputs.items.set_index(inputs.items["item"].astype(str))
    fg = it.reindex(pd.Index(plan.items).astype(str))
    comp = it.reindex(pd.Index(materials.items).astype(str))
    ccost = comp["unit_cost"].fillna(0).to_numpy(float)
    bought = (comp["item_type"] == "RM").to_numpy()
    if "procurement" in comp:   # per plant: a transfer between plants is not a purchase
        bought = bought & (comp["procurement"] != "transfer").to_numpy()
    purchases = (materials["receipts"] + materials["planned_receipts"])[bought] \
        * ccost[bought, None]
    supply, demand = plan["receipts"] + plan["production"], plan["demand"]
    production, shipped = plan["production"], None
    if projection is not None:
        shipped = projection["shipped"]
        if projection.transfers:   # the stock at each end: transfers in less out
            p = projection
            supply = p["supply"] + p["transfers_in"] - p["transfers_out"]
            demand, production = p["demand"], p["production"]
    return finance_engine.project(
        inputs.buckets,
        finished=finance_engine.FinishedGoods(
            items=plan.items, family=fg["family"].fillna("").to_numpy(object),
            on_hand=plan.on_hand, supply=supply, demand=demand, production=production,
            price=fg["price"].fillna(0).to_numpy(float),
            cost=fg["unit_cost"].fillna(0).to_numpy(float), shipped=shipped),
        components=finance_engine.Components(
            projected=materials["projected"], cost=ccost, purchases=purchases))


# -- the plan version ------------------------------------------------------------------------

def _made_apart(plan: mps_engine.MPSResult, items: pd.DataFrame) -> dict[str, np.ndarray]:
    """The MPS production the version records: what a node supplied by transfer from
    another plant receives is its planned transfers (measure ``transfers``), not
    production; every other node (and every item of one plant) makes what it plans."""
    production = plan.rows["production"]
    if "procurement" not in items:
        return {"production": production}
    moved = (items["procurement"].reindex(plan.items) == "transfer").to_numpy(bool)
    return {"production": np.where(moved[:, None], 0.0, production),
            versions_engine.TRANSFERS: np.where(moved[:, None], production, 0.0)}


def snapshot(inputs: Inputs, *, demand: DemandPlan, plan: mps_engine.MPSResult,
             projection: inventory_engine.Projection,
             load: capacity_engine.CapacityResult,
             purchase_plan: pd.DataFrame,
             family: family_engine.FamilyProductionPlan | None = None) -> pd.DataFrame:
    """The month's plan as a version snapshot (sop_xl.plan.versions): the family production
    plan when a strategy is chosen (demand, production, closing stock per family), demand
    and its parts, MPS
    production, projected stock, capacity, what was shipped against orders due in the
    plan, the key settings and the purchase plan."""
    items = inputs.items.set_index("item")
    fam, cost, price = items["family"], items["unit_cost"], items["price"]
    d, m, p, c = demand, plan, projection, load
    parts = [
        versions_engine.section_rows("demand", d.items, d.periods, d.rows,
                                     ["demand", "forecast_part", "small_contracts",
                                      "large_contracts", "projects_weighted"], family=fam,
                                     value_per_unit=price.reindex(d.items).fillna(0)
                                     .to_numpy(float)),
        # projected on hand once, in the projection section (the MPS's is the same)
        versions_engine.section_rows("mps", m.items, m.periods, _made_apart(m, items),
                                     ["production", versions_engine.TRANSFERS],
                                     family=fam, value_per_unit=cost.reindex(m.items)
                                     .fillna(0).to_numpy(float)),
        versions_engine.section_rows("projection", p.items, p.periods, p.rows,
                                     ["projected"], family=fam, value_per_unit=p.unit_cost),
        versions_engine.section_rows("capacity", c.resources, c.periods, c.rows,
                                     ["load", "available"]),
    ]
    shipped = orders_by_bucket(inputs.contracts, d.items, buckets=inputs.buckets,
                               calendar=inputs.factory_calendar,
                               planning_month=inputs.settings.planning_month, what="shipped")
    # what was already shipped against orders due in the plan: the demand plan leaves it
    # out, a transfer to demand management needs it back (sop_xl.plan.transfer)
    parts.append(versions_engine.section_rows(
        "demand", d.items, d.periods, {"shipped": shipped}, ["shipped"], family=fam,
        value_per_unit=price.reindex(d.items).fillna(0).to_numpy(float)))
    # the family plan is carried once the meeting chose a strategy; without one it is
    # only the items' MPS summed, already in the mps section
    if family is not None and family.strategy != family_engine.NONE and len(family.families):
        f = family.families
        rows = {"demand": family.demand, "production": family.chosen.production,
                "closing": family.chosen.closing}
        parts.append(versions_engine.section_rows(
            "family", f, family.periods, rows, ["demand", "production", "closing"],
            family=pd.Series(f.to_numpy(), index=f), value_per_unit=family.unit_cost))
    parts.append(versions_engine.settings_rows(inputs.settings.as_values()))
    pp = purchase_plan
    if len(pp):
        parts.append(pd.DataFrame({
            "section": "purchase", "key": pp["item"], "family": pp["supplier"],
            "measure": "purchase_qty", "period": pp["release_week"],
            "qty": pp["qty"], "value": pp["value"], "text": ""}))
    snap = pd.concat(parts, ignore_index=True)
    return snap.sort_values(["section", "key", "measure", "period"], kind="stable") \
        .reset_index(drop=True)
