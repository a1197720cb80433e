"""The monthly S&OP cycle as an explicit list of steps, each callable alone.

Every step reads the validated inputs, recomputes what it builds on (cheap: everything but
the statistical forecast, which is read back from its sheet unless the step is asked for
or the stored forecast no longer starts in the planning month and covers the plan),
keeps what the planner typed into editable rows (demand adjustments, firmed MPS cells),
and writes its sheets in one atomic write — with the Exceptions sheet when a step of the
plan itself (demand onward) ran. ``run`` does the whole month and saves a plan version.
CLI, ribbon and tests go through ``run_steps``; switching a workbook's language goes
through ``build`` too.

Where a figure comes from: ``PlanRun`` below names each result; ``sop_xl.plan.month``
says what each engine is given; ``sop_xl.app.readback`` reads what planners typed.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl import layout as sheets
from sop_xl.app import cluster, readback
from sop_xl.app import versions as pv
from sop_xl.app.master import MasterWorkbook
from sop_xl.base.audit import user_name
from sop_xl.base.errors import PlanningError, Problem
from sop_xl.base.messages import message
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout import demand_sheets
from sop_xl.layout.common import named_families, named_rows
from sop_xl.layout.family import (
    delivery_kpi_sheet,
    family_options_sheet,
    family_production_sheet,
    plan_kpi_sheet,
)
from sop_xl.layout.history import history_used_sheet
from sop_xl.layout.kpi import kpi_sheet
from sop_xl.layout.links import Wiring
from sop_xl.layout.sheet import SheetContent
from sop_xl.plan import accuracy as accuracy_engine
from sop_xl.plan import achievement as achievement_engine
from sop_xl.plan import alerts as supply_exceptions
from sop_xl.plan import capacity as capacity_engine
from sop_xl.plan import delivery as delivery_engine
from sop_xl.plan import demand as demand_engine
from sop_xl.plan import family_plan as family_engine
from sop_xl.plan import finance as finance_engine
from sop_xl.plan import inventory as inventory_engine
from sop_xl.plan import month, network
from sop_xl.plan import mps as mps_engine
from sop_xl.plan import mrp as mrp_engine
from sop_xl.plan import plants as plants_engine
from sop_xl.plan import versions as versions_engine
from sop_xl.plan.alerts import ExceptionList, below
from sop_xl.plan.dates import PlanDays
from sop_xl.plan.forecast import ForecastResult

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


class PlanRun:
    """One month's plan, computed lazily step by step from one set of inputs, its sheets
    in ``lang`` (the workbook's language unless given)."""

    def __init__(self, book: MasterWorkbook, inputs: Inputs, *, refresh_forecast: bool,
                 progress: Progress = _quiet, lang: str | None = None,
                 executor: str | None = None) -> None:
        self.book = book
        self.inputs = inputs
        self.refresh_forecast = refresh_forecast
        self.progress = progress
        self.lang = lang or book.language
        #: sheet key → name of every sheet this run writes: formulas read only those
        #: (sop_xl.layout.links); empty: every sheet holds values alone
        self.sheet_names: dict[str, str] = {}
        #: what the planner should know about this run (printed, and kept in RunLog)
        self.notices: list[str] = []
        # where the forecast runs: --executor, else SOP_XL_DASK, else Settings (app.cluster)
        self.executor = cluster.choose(executor, inputs.settings.executor)

    @property
    def wiring(self) -> Wiring:
        """What this run's formulas may read across sheets, and the plans behind them."""
        names = self.sheet_names
        return Wiring(names, self.lang, self.inputs.settings.currency,
                      demand=self.demand if "demand_plan" in names else None,
                      mps=self.mps if "mps" in names else None,
                      mrp=self.mrp if "mrp" in names else None,
                      projection=self.projection if "projection" in names else None)

    @property
    def supply_wiring(self) -> Wiring:
        """The wiring of the supply sheets: with several plants the MPS plans plants, not
        the demand plan's items, so its forecast row is not read from DemandPlan."""
        if self.network is None:
            return self.wiring
        names = self.sheet_names
        return Wiring(names, self.lang, self.inputs.settings.currency, demand=None,
                      mps=self.mps if "mps" in names else None,
                      mrp=self.mrp if "mrp" in names else None,
                      projection=self.projection if "projection" in names else None)

    def _fit(self, history: pd.DataFrame) -> ForecastResult:
        """The statistical forecast on the chosen executor, with progress per chunk."""
        where = f" on {self.executor}" if self.executor else ""
        with cluster.open_executor(self.executor, self.lang) as executor:
            return month.fit_forecast(
                self.inputs, history, executor=executor,
                progress=lambda done, total: self.progress(
                    f"forecast{where}: {done:,} of {total:,} items"))

    # -- demand side ---------------------------------------------------------------------
    @cached_property
    def _stored(self) -> tuple[ForecastResult | None, pd.DataFrame | None]:
        """The forecast (and ordered forecast) an earlier run wrote on StatForecast."""
        return readback.stored_forecast(self.book, self.inputs.settings.service_level)

    @cached_property
    def forecast(self) -> ForecastResult:
        stored = self._stored[0]
        if not self.refresh_forecast and stored is not None and \
                month.covers_the_plan(self.inputs, stored.forecast):
            return stored
        self.progress("forecast: fitting models")
        history = month.shipped_history(self.inputs)
        if history.empty:
            # no shipments of any finished good yet: no statistical forecast, and the plan
            # rests on contracts, projects, sales forecasts and events (said, not a traceback)
            self.notices.append(message("no_sales_history", self.lang))
        return self._fit(history)

    @cached_property
    def ordered_forecast(self) -> pd.DataFrame | None:
        """The statistical forecast of ordered quantity, when the far horizon uses the
        shipped/ordered ratio (Settings far_method = ship_ratio); else None."""
        if self.inputs.settings.far_method != "ship_ratio":
            return None
        stored = self._stored[1]
        if not self.refresh_forecast and stored is not None and \
                month.covers_the_plan(self.inputs, stored):
            return stored
        hist = month.ordered_history(self.inputs)
        if hist.empty:
            return None
        self.progress("forecast: ordered quantity (ship ratio)")
        return self._fit(hist).forecast

    @cached_property
    def demand(self) -> demand_engine.DemandPlan:
        """The demand plan per item. With several plants and demand lines naming their
        shipping plant, each row worked out per plant is the sum over the plants
        (``plants.item_totals``), so DemandPlan, FamilyPlan, the archive, the version
        and the meeting pack show what the MPS nets."""
        net = self.network
        if net is None:
            return self.item_demand
        demand = self.supply_demand
        assert isinstance(demand, plants_engine.NodeDemand)
        return plants_engine.item_totals(demand, self.item_demand, net)

    @cached_property
    def item_demand(self) -> demand_engine.DemandPlan:
        """The demand plan per item, the forecast netted for the company as a whole."""
        self.progress("demand plan")
        adj = readback.editable_cells(self.book, "demand_plan", "adjustment").rename(
            columns={"key": "item"})
        changes = readback.editable_cells(self.book, "family_plan", "change",
                                          whole=self.inputs.settings.whole_pieces).rename(
            columns={"key": "family"})
        return demand_engine.plan(self.inputs, self.forecast.forecast, adj,
                                  ordered_forecast=self.ordered_forecast,
                                  family_changes=changes,
                                  factors=readback.given_factors(self.book))

    @cached_property
    def archive(self) -> pd.DataFrame:
        """The ForecastArchive log with this run's forecasts appended."""
        new = demand_engine.archive_rows(self.inputs, self.demand, self.forecast.forecast,
                                         pd.Timestamp.now().strftime("%Y-%m-%d %H:%M"))
        return demand_engine.append_archive(readback.read_archive(self.book), new)

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """Forecast accuracy KPIs from the archive as it stood before this run."""
        self.progress("forecast accuracy")
        s = self.inputs.settings
        rows = accuracy_engine.comparison_rows(
            readback.read_archive(self.book), self.inputs.sales_history,
            planning_month=s.planning_month, months=s.kpi_months, share_months=s.share_months)
        fam = self.inputs.items.set_index("item")["family"]
        return accuracy_engine.scorecard(rows, fam)

    # -- the family production plan --------------------------------------------------------
    @cached_property
    def _frozen(self):
        return readback.frozen_production(self.book, self.inputs, self.demand.items)

    @property
    def family_chosen(self) -> bool:
        """Does a family strategy set the MPS's production (Settings)?"""
        return str(self.inputs.settings.family_strategy) != family_engine.NONE

    @cached_property
    def family(self) -> family_engine.FamilyProductionPlan:
        """The family production plan: with a strategy chosen it drives the MPS; without,
        it shows the items' MPS production per family (and so needs the MPS first)."""
        self.progress("family production plan")
        _, families = month.item_families(self.inputs, self.demand.items)
        typed = readback.typed_family_production(self.book, self.inputs, families)
        stock, days = readback.typed_family_targets(self.book, self.inputs, families)
        return month.family_production(
            self.inputs, self.demand, typed=typed, frozen_qty=self._frozen,
            typed_stock=stock, typed_days=days,
            items_plan=None if self.family_chosen
            else self.per_item(self.mps.items, self.made))

    @property
    def made(self) -> np.ndarray:
        """The MPS's production made (MPS nodes × buckets, pieces): per plant the planned
        transfers received are not (the projection's Planned production)."""
        return self.mps["production"] if self.network is None \
            else self.projection["production"]

    @cached_property
    def family_split(self):
        """The approved family production split to the items (None: no strategy chosen)."""
        if not self.family_chosen:
            return None
        return month.family_split(self.inputs, self.demand, self.family)

    @cached_property
    def plan_kpis(self) -> pd.DataFrame:
        """Plan achievement of the closed months (sop_xl.plan.achievement)."""
        self.progress("plan achievement")
        fam = self.inputs.items.set_index("item")["family"]
        made = self.inputs.production_actuals
        made = made.assign(month=delivery_engine.completion_months(made))
        plans = readback.approved_frozen_plans(self.book, self.inputs)
        if self.network is not None and len(plans):
            # per plant the plan tab holds nodes; the plant reports made pieces per item,
            # so the nodes' production is summed per item (transfers are not production:
            # a version records them apart, one saved before as the nodes' production)
            nodes = self.network.nodes.set_index("node")["procurement"]
            made_here = plans["item"].astype(str).map(nodes).ne("transfer").to_numpy()
            plans = plans[made_here].assign(item=self.network.item_of(
                plans["item"][made_here].astype(str).to_numpy(object)))
            plans = plans.groupby(["item", "month", "version"], as_index=False,
                                  sort=False)["qty"].sum()[list(plans.columns)]
        return achievement_engine.achievement(plans, made, fam, self.inputs.resource_usage)

    @cached_property
    def delivery_kpis(self) -> pd.DataFrame:
        """Supplier on-time-in-full and schedule adherence of the closed months
        (sop_xl.plan.delivery)."""
        i = self.inputs
        s = i.settings
        return delivery_engine.delivery_kpis(
            i.receipts_actuals, i.production_actuals, i.factory_calendar,
            days=s.delivery_days, tol=s.in_full_tolerance, before=s.planning_month,
            families=i.items.set_index("item")["family"], usage=i.resource_usage)

    # -- supply side ---------------------------------------------------------------------
    @cached_property
    def network(self) -> network.Network | None:
        """The plants and item × plant nodes (sop_xl.plan.network); None with fewer than
        two plants: the workbook plans as one plant, exactly as before."""
        spec = contract.sheet("item_plants")
        name = self.inputs.sheet_names.get("item_plants", spec.name(self.lang))
        net = plants_engine.network_of(
            self.inputs, sheet=name,
            columns={"source_plant": spec.column("source_plant").label(self.lang)})
        if net is not None:
            self.notices.append(message(
                "plants_planned", self.lang, plants=len(net.plants), nodes=len(net.nodes),
                transfers=int((net.nodes["procurement"] == network.TRANSFER).sum())))
        return net

    @cached_property
    def supply_inputs(self) -> Inputs:
        """The inputs the supply engines plan: per item × plant node with several plants."""
        net = self.network
        if net is None:
            return plants_engine.one_plant(self.inputs)
        return plants_engine.node_inputs(self.inputs, net)

    @cached_property
    def supply_demand(self) -> demand_engine.DemandPlan:
        """The demand plan the MPS plans: split to the shipping plants with several."""
        net = self.network
        return self.item_demand if net is None else plants_engine.node_demand(
            self.item_demand, net, self.inputs)

    def per_item(self, nodes: pd.Index, values: np.ndarray) -> np.ndarray:
        """Rows of ``nodes`` summed to the demand plan's items (items × …)."""
        if self.network is None:
            return values
        items, v = plants_engine.folded(values, nodes, self.network)
        at = items.get_indexer(self.demand.items)
        out = np.zeros((len(self.demand.items), *v.shape[1:]))
        out[at >= 0] = v[at[at >= 0]]
        return out

    @cached_property
    def days(self) -> PlanDays:
        """The plan's working days, from the planning date (sop_xl.plan.dates)."""
        net = self.network
        return month.plan_days(self.inputs, net.plants if net is not None else ())

    @cached_property
    def mps(self) -> mps_engine.MPSResult:
        split = self.family_split
        self.progress("master production schedule")
        net = self.network
        if net is None:
            return month.mps(self.inputs, self.demand, self.days,
                             firm=readback.firm_cells(self.book, self.inputs,
                                                      self.demand.items),
                             frozen_qty=self._frozen,
                             target=None if split is None else split.qty)
        demand = self.supply_demand
        nodes = demand.items
        _, shares = net.shares(self.demand.items)
        target = None
        if split is not None:
            q = np.asarray(split.qty, dtype=float)
            target = network.split(np.nan_to_num(q), shares)
            target[network.split(np.isnan(q).astype(float), shares) > 0] = np.nan
        sup = self.supply_inputs

        def plan_one(d: demand_engine.DemandPlan) -> mps_engine.MPSResult:
            return month.mps(sup, d, self.days,
                             firm=readback.firm_cells(self.book, sup, nodes),
                             frozen_qty=readback.frozen_production(self.book, sup, nodes),
                             target=target)
        return plants_engine.mps(plan_one, demand, net, self.days)

    @cached_property
    def mrp(self) -> mrp_engine.MRPResult:
        self.progress("material requirements")
        return month.mrp(self.supply_inputs, self.mps, self.days, lang=self.lang,
                         firm=readback.firm_orders(self.book))

    @cached_property
    def pegging(self) -> pd.Series:
        """Each order's pegging text, once for PlannedOrders and the purchase plan: exact
        for every order (sop_xl.plan.pegging.full_text), at plant scale too."""
        return self.mrp.pegging_text()

    @cached_property
    def planned_orders(self) -> pd.DataFrame:
        return sheets.planned_orders(self.supply_inputs, self.mrp, self.pegging)

    @cached_property
    def purchase_plan(self) -> pd.DataFrame:
        return sheets.purchase_plan(self.supply_inputs, self.mrp, self.pegging)

    @cached_property
    def capacity(self) -> capacity_engine.CapacityResult:
        self.progress("rough-cut capacity")
        return month.capacity(self.supply_inputs, self.days, self.mps, self.mrp)

    @cached_property
    def projection(self) -> inventory_engine.Projection:
        """The MPS as stock; with several plants, transfers between them apart from
        demand and supply, so the totals over plants are the company's."""
        moves = None
        if self.network is not None:
            demand = self.supply_demand
            assert isinstance(demand, plants_engine.NodeDemand)
            moves = plants_engine.transfers(self.mps, demand, self.supply_inputs, self.days)
        return inventory_engine.project(self.mps, self.supply_inputs.items,
                                        self.inputs.working_days, moves)

    @cached_property
    def slow_excess(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The slow-moving and excess list and its summary by family."""
        return month.slow_excess(self.supply_inputs, self.mps, self.mrp)

    @cached_property
    def financial(self) -> finance_engine.FinancialPlan:
        """The plan in money: finished goods from the MPS, components from the MRP."""
        return month.financial(self.supply_inputs, self.mps, self.mrp,
                               projection=self.projection)

    # -- exceptions ----------------------------------------------------------------------
    @cached_property
    def exceptions(self) -> pd.DataFrame:
        """What needs a planner's decision, from the demand plan to capacity: records of
        codes and numbers (sop_xl.plan.alerts); the Exceptions sheet words them."""
        ex = ExceptionList()
        periods = self.inputs.buckets.labels
        first = periods[0]
        for c in self.demand.past_due_orders.itertuples(index=False):
            ex.add("warning", "past_due_order", c.item, first,
                   c.ordered_qty - (c.delivered_qty or 0), "msg_past_due_order", "demand",
                   date=self.days.planning_date, contract=c.contract,
                   customer=c.customer or "", qty=c.ordered_qty - (c.delivered_qty or 0),
                   due=str(c.due_month))
        demand_engine.demand_exceptions(self.demand, ex)
        supply_exceptions.mps_changes(self.mps, ex)
        self._family_exceptions(ex)
        items = self.supply_inputs.items
        it = items.set_index(items["item"].astype(str))
        m, r = self.mps, self.mrp
        below(m.daily["projected"], it["safety_stock"].reindex(m.items).fillna(0)
              .to_numpy(float), m.items, self.days, ex, "mps")
        below(r.daily["projected"][:r.n_kept], it["safety_stock"].reindex(r.items).fillna(0)
              .to_numpy(float), r.items, self.days, ex, "mrp")
        lanes, moved = self._transfer_lanes()
        supply_exceptions.mrp_actions(r, ex, self.inputs.settings.reschedule_tolerance,
                                      lanes=lanes, transfer_orders=moved)
        supply_exceptions.overloads(self.capacity, ex)
        return ex.frame()

    def _transfer_lanes(self) -> tuple[dict[str, tuple[str, str]], set[str]]:
        """Each node supplied by transfer → (source plant, plant), and the open orders that
        are transfer orders (ScheduledReceipts of type transfer); empty with one plant."""
        if self.network is None:
            return {}, set()
        it = self.supply_inputs.items
        t = it[(it["procurement"] == network.TRANSFER).to_numpy(bool)]
        lanes = dict(zip(t["item"].astype(str), zip(t["source_plant"].astype(str),
                                                     t["plant"].astype(str), strict=True),
                         strict=True))
        sr = self.inputs.scheduled_receipts
        moved = set() if sr.empty else set(
            sr.loc[(sr["order_type"] == plants_engine.IN_TRANSIT).to_numpy(bool), "order"]
            .astype(str))
        return lanes, moved

    def _family_exceptions(self, ex: ExceptionList) -> None:
        """Items' MPS drifting from the approved family production beyond the tolerance,
        and split cells off an item's lot rule."""
        tol = self.inputs.settings.family_tolerance
        drift = month.family_drift(self.inputs, self.family, self.demand.items,
                                   self.per_item(self.mps.items, self.made))
        for r in drift.itertuples(index=False):
            dev = (r.items - r.approved) / r.approved if r.approved else 1.0
            ex.add("warning", "family_drift", r.family, r.period, r.items - r.approved,
                   "msg_family_drift", "family", items=r.items, approved=r.approved,
                   dev=dev, tol=tol)
        split = self.family_split
        if split is None:
            return
        fam, _ = month.item_families(self.inputs, self.demand.items)
        periods = self.demand.periods
        for i, p in zip(*split.off_lot.nonzero(), strict=True):
            ex.add("info", "family_off_lot", self.demand.items[i], periods[p],
                   split.qty[i, p], "msg_family_off_lot", "family", qty=split.qty[i, p],
                   family=fam[i], period=periods[p])

    # -- versions ------------------------------------------------------------------------
    def snapshot(self) -> pd.DataFrame:
        """The plan as a version snapshot (sop_xl.plan.month.snapshot)."""
        inputs = self.inputs
        if self.network is not None:   # items and their nodes both priced and in families
            inputs = dataclasses.replace(self.supply_inputs, items=pd.concat(
                [self.inputs.items, self.supply_inputs.items], ignore_index=True))
        return month.snapshot(inputs, demand=self.demand, plan=self.mps,
                              projection=self.projection, load=self.capacity,
                              purchase_plan=self.purchase_plan, family=self.family)


# -- the steps ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One step of the cycle: the contract sheets it writes and how it builds them.
    ``plan``: a step of the plan itself (demand onward), whose run rebuilds Exceptions."""

    key: str
    sheets: tuple[str, ...]
    build: Callable[[PlanRun], list[SheetContent]]
    plan: bool = True

    def label(self, lang: str) -> str:
        return message(f"step_{self.key}", lang)


def _accuracy(run: PlanRun) -> list[SheetContent]:
    return [kpi_sheet(run.inputs, run.kpis, run.lang)]


def _achievement(run: PlanRun) -> list[SheetContent]:
    return [plan_kpi_sheet(run.inputs, run.plan_kpis, run.lang),
            delivery_kpi_sheet(run.inputs, run.delivery_kpis, run.lang)]


def _forecast(run: PlanRun) -> list[SheetContent]:
    out = [sheets.stat_forecast_sheet(run.inputs, run.forecast, run.lang,
                                      run.ordered_forecast)]
    if run.inputs.settings.history_file:  # history from a file: show what was read
        out.append(history_used_sheet(run.inputs, run.lang))
    return out


def _demand(run: PlanRun) -> list[SheetContent]:
    i, d, lang, w = run.inputs, run.demand, run.lang, run.wiring
    nodes = run.supply_demand if run.network is not None else None
    assert nodes is None or isinstance(nodes, plants_engine.NodeDemand)
    return [demand_sheets.demand_sheet(i, d, lang, w, nodes),
            demand_sheets.family_plan_sheet(i, d, lang, w),
            demand_sheets.family_shares_sheet(i, d, lang),
            demand_sheets.review_sheet(i, d, lang),
            demand_sheets.archive_sheet(i, run.archive, lang)]


def _family(run: PlanRun) -> list[SheetContent]:
    fam, families = month.item_families(run.inputs, run.demand.items)
    members = [", ".join(run.demand.items[fam == f]) for f in families]
    return [family_production_sheet(run.inputs, run.family, members, run.lang),
            family_options_sheet(run.inputs, run.family, run.lang)]


def _mps(run: PlanRun) -> list[SheetContent]:
    return [sheets.mps_sheet(run.supply_inputs, run.mps, run.lang, run.supply_wiring)]


def _mrp(run: PlanRun) -> list[SheetContent]:
    i, w = run.supply_inputs, run.supply_wiring
    return [sheets.mrp_sheet(i, run.mrp, run.lang, w),
            sheets.planned_orders_sheet(i, run.planned_orders, run.lang),
            sheets.purchase_sheet(i, run.purchase_plan, run.lang)]


def _capacity(run: PlanRun) -> list[SheetContent]:
    # CapacityLoad before Capacity, whose load adds it up: a live Excel writes the sheet a
    # formula reads first
    i, c, lang, w = run.supply_inputs, run.capacity, run.lang, run.supply_wiring
    return [sheets.capacity_load_sheet(i, c, lang, w), sheets.capacity_sheet(i, c, lang, w),
            sheets.capacity_options_sheet(i, c, lang), sheets.leveled_sheet(i, c, lang, w)]


def _projection(run: PlanRun) -> list[SheetContent]:
    listing, summary = run.slow_excess
    return [sheets.projection_sheet(run.supply_inputs, run.projection, run.lang,
                                    run.supply_wiring),
            *sheets.slow_excess_sheets(run.supply_inputs, listing,
                                       named_rows(summary, run.lang),
                                       run.lang)]


def _finance(run: PlanRun) -> list[SheetContent]:
    return [sheets.financial_sheet(run.supply_inputs,
                                   named_families(run.financial, run.lang),
                                   run.lang, run.supply_wiring)]


def _version(run: PlanRun) -> list[SheetContent]:
    """A new draft plan version: its protected tab and the register row (plan_versions)."""
    contents, _ = pv.version_sheets(run.book, run.snapshot(), run.inputs.settings, run.lang)
    return contents


STEPS: tuple[Step, ...] = (
    Step("accuracy", ("forecast_kpi",), _accuracy, plan=False),
    Step("achievement", ("plan_kpi", "delivery_kpi"), _achievement, plan=False),
    Step("forecast", ("stat_forecast",), _forecast, plan=False),
    Step("demand", ("demand_plan", "family_plan", "family_shares", "forecast_review",
                    "forecast_archive"), _demand),
    Step("family", ("family_production", "family_options"), _family),
    Step("mps", ("mps",), _mps),
    Step("mrp", ("mrp", "planned_orders", "purchase_plan"), _mrp),
    Step("capacity", ("capacity_load", "capacity", "capacity_options", "leveled_plan"),
         _capacity),
    Step("projection", ("projection", "slow_excess", "slow_excess_summary"), _projection),
    Step("finance", ("financial_plan",), _finance),
    Step("version", ("plan_tab", "versions"), _version),
)
STEP_KEYS = tuple(s.key for s in STEPS)
CYCLE = STEP_KEYS
#: Steps whose sheets read each other's cells by formula (sop_xl.layout.links): the MPS
#: reads the demand plan, the projection and the capacity load the MPS and the MRP, the
#: financial plan the projection. One of them is never written without the others, so
#: rows and columns a formula points at are always the ones written with it.
LINKED = ("demand", "mps", "mrp", "capacity", "projection", "finance")


def with_linked(keys: Sequence[str]) -> list[str]:
    """The steps to run for ``keys``: with one linked step, all of them (cycle order)."""
    want = set(keys) | (set(LINKED) if set(keys) & set(LINKED) else set())
    return [k for k in STEP_KEYS if k in want]


@dataclass
class Built:
    """What a run of some steps made: their sheets (and Exceptions), in cycle order."""

    steps: list[str]
    contents: list[SheetContent]
    exceptions: pd.DataFrame | None  # None: Exceptions not rebuilt (no step of the plan)


def build(run: PlanRun, keys: Sequence[str], *,
          exceptions: bool | None = None) -> Built:
    """The sheets of the named steps in cycle order, in ``run.lang``, and the Exceptions
    sheet when ``exceptions`` says so (by default: when a step of the plan ran, so that
    the forecast accuracy alone plans nothing)."""
    unknown = set(keys) - set(STEP_KEYS)
    if unknown:
        raise KeyError(f"unknown steps: {sorted(unknown)}")
    if not run.sheet_names:  # formulas read the sheets written here, under their names
        run.sheet_names = {k: run.book.output_name(contract.sheet(k))
                           for step in STEPS if step.key in keys for k in step.sheets}
    contents: list[SheetContent] = []
    done = []
    for step in STEPS:
        if step.key in keys:
            run.progress(step.label("en").lower())
            contents.extend(step.build(run))
            done.append(step.key)
    if exceptions is None:
        exceptions = any(s.plan for s in STEPS if s.key in done)
    exc = None
    if exceptions:
        run.progress("exceptions")
        exc = run.exceptions
        contents.append(sheets.exceptions_sheet(run.supply_inputs if run.network else
                                                run.inputs, exc, run.lang))
    return Built(done, contents, exc)


# the steps whose figures start from the stock on hand
SUPPLY_STEPS = frozenset({"mps", "mrp", "capacity", "projection", "finance"})
HELD_SHOWN = 5  # items named in the notice; the rest are counted


def _held_stock_notice(inputs: Inputs, lang: str) -> list[str]:
    """What stock the plan leaves out (a not-nettable warehouse), item by item."""
    held = inputs.held_stock()
    if held.empty:
        return []
    per_item = held.groupby("item", sort=False)["on_hand"].sum()
    uom = inputs.items.set_index("item")["uom"].reindex(per_item.index).fillna("pcs")
    shown = [f"{item} {qty:,.6g} {u}" for (item, qty), u
             in zip(per_item.items(), uom, strict=True)][:HELD_SHOWN]
    if len(per_item) > HELD_SHOWN:
        shown.append("…")
    warehouses = ", ".join(dict.fromkeys(held["warehouse"].astype(str)))
    return [message("stock_held", lang, items=len(per_item), warehouses=warehouses,
                    detail="; ".join(shown))]


@dataclass
class RunReport:
    steps: list[str]
    sheets: list[str]
    seconds: float
    exceptions: pd.DataFrame | None  # None when the run rebuilt no Exceptions sheet
    #: what the planner should know (no sales history yet, notes whose cell is gone)
    notices: list[str] = field(default_factory=list)


def run_steps(book: MasterWorkbook, keys: Sequence[str], *, progress: Progress = _quiet,
              command: str = "run", executor: str | None = None) -> RunReport:
    """Run the named steps (in cycle order) and write their sheets, the Exceptions sheet
    (when a step of the plan ran) and a RunLog row in one write. Nothing is written if
    anything fails."""
    t0 = time.perf_counter()
    unknown = set(keys) - set(STEP_KEYS)
    if unknown:
        raise KeyError(f"unknown steps: {sorted(unknown)}")
    keys = with_linked(keys)
    progress("reading and validating inputs")
    inputs = book.read_inputs()
    if inputs.items_of_type("FG").empty:
        # a fresh template: said in words, never a traceback from an engine with no items
        raise PlanningError([Problem("nothing_to_plan", book.sheet_name(
            contract.sheet("items")) or contract.sheet("items").name(book.language),
            workbook=book.name)], book.language)
    run = PlanRun(book, inputs, refresh_forecast="forecast" in keys, progress=progress,
                  executor=executor)
    if set(keys) & SUPPLY_STEPS:
        run.notices.extend(_held_stock_notice(inputs, run.lang))
    built = build(run, keys)
    contents = built.contents
    for c in contents:
        if c.key != "plan_tab":
            c.name = book.output_name(contract.sheet(c.key)) if c.key else c.name
    # a planner's note follows its cell; one whose cell is gone is said, never dropped
    # silently (sop_xl.workbook.comments)
    for note in book.backend.notes_lost(contents):
        run.notices.append(message("note_dropped", run.lang, sheet=note.sheet,
                                   cell=note.ref, author=note.author or "?",
                                   text=_short(note.text)))
    seconds = time.perf_counter() - t0
    log = _run_log(book, run, command, built, seconds)
    log.name = book.output_name(contract.sheet("run_log"))
    contents.append(log)
    progress("writing the workbook")
    book.write(contents)
    return RunReport(built.steps, [c.name for c in contents], time.perf_counter() - t0,
                     built.exceptions, run.notices)


def _run_log(book: MasterWorkbook, run: PlanRun, command: str, built: Built,
             seconds: float) -> SheetContent:
    log = book.read_output_table("run_log").drop(columns="_row", errors="ignore")
    found = [] if built.exceptions is None else [f"{len(built.exceptions)} exceptions"]
    summary = "; ".join([*found, *run.notices])
    row = {"run_at": pd.Timestamp.now().strftime("%Y-%m-%d %H:%M:%S"),
           "user": user_name(), "command": command, "steps": ", ".join(built.steps),
           "seconds": round(seconds, 2), "summary": summary}
    log = pd.concat([log, pd.DataFrame([row])], ignore_index=True)
    return sheets.log_sheet(run.inputs, "run_log", log, run.lang, run.inputs.settings.currency)


def _short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


# -- Save Version alone (the CLI's `version save`, the ribbon's button) ---------------

def save_version(book: MasterWorkbook, *, note: str = "",
                 author: str = "") -> versions_engine.VersionRecord:
    """Save the current plan (as the cycle would compute it now, keeping what planners typed
    into editable rows) as a new draft version."""
    t0 = time.perf_counter()
    inputs = book.read_inputs()
    run = PlanRun(book, inputs, refresh_forecast=False)
    contents, rec = pv.version_sheets(book, run.snapshot(), inputs.settings, book.language,
                                      note=note, author=author)
    contents.append(pv.run_log_sheet(book, "version save", f"saved {rec.version} as "
                                     f"{rec.sheet}", time.perf_counter() - t0))
    pv.write(book, contents)
    return rec


def save_button(book: MasterWorkbook) -> str:
    """Save Version: the current plan as a new draft."""
    rec = save_version(book)
    return message("btn_saved", book.language, version=rec.version, sheet=rec.sheet)
