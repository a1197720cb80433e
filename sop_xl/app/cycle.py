"""The monthly S&OP cycle as an explicit list of steps, each callable alone.

Every step reads the validated inputs, recomputes what it builds on (cheap: everything but
the statistical forecast, which is read back from its sheet unless the step is asked for
or the stored forecast no longer starts in the planning month and covers the plan),
keeps what the planner typed into editable rows (demand adjustments, firmed MPS cells),
and writes its sheets plus the Exceptions sheet in one atomic write. ``run`` does the whole
month and saves a plan version. CLI, ribbon and tests all go through ``run_steps``.
"""

from __future__ import annotations

import dataclasses
import getpass
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl import layout as sheets
from sop_xl.app import transfer as transfer_engine
from sop_xl.app import versions as pv
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.readback import editable_cells, given_factors, read_archive
from sop_xl.base.messages import message
from sop_xl.base.periods import FactoryCalendar
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout import demand as demand_sheets
from sop_xl.layout.forecast import forecast_months, read_stat_forecast
from sop_xl.layout.kpi import kpi_sheet
from sop_xl.layout.links import Wiring
from sop_xl.layout.sheet import SheetContent
from sop_xl.plan import accuracy as accuracy_engine
from sop_xl.plan import alerts as supply_exceptions
from sop_xl.plan import capacity as capacity_engine
from sop_xl.plan import demand as demand_engine
from sop_xl.plan import finance as finance_engine
from sop_xl.plan import inventory as inventory_engine
from sop_xl.plan import mps as mps_engine
from sop_xl.plan import mrp as mrp_engine
from sop_xl.plan import versions as versions_engine
from sop_xl.plan.alerts import ExceptionList, below
from sop_xl.plan.forecast import ForecastResult, auto_forecast, working_days
from sop_xl.plan.lot_sizing import LotRules

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


class PlanRun:
    """One month's plan, computed lazily step by step from one set of inputs."""

    def __init__(self, book: MasterWorkbook, inputs: Inputs, *, refresh_forecast: bool,
                 progress: Progress = _quiet) -> None:
        self.book = book
        self.inputs = inputs
        self.refresh_forecast = refresh_forecast
        self.progress = progress
        self.lang = book.language
        #: sheet key → name of every sheet this run writes: formulas read only those
        #: (sop_xl.layout.links); empty: every sheet holds values alone
        self.sheet_names: dict[str, str] = {}

    @property
    def wiring(self) -> Wiring:
        """What this run's formulas may read across sheets, and the plans behind them."""
        names = self.sheet_names
        return Wiring(names, self.lang, self.inputs.settings.currency,
                      demand=self.demand if "demand_plan" in names else None,
                      mps=self.mps if "mps" in names else None,
                      mrp=self.mrp if "mrp" in names else None,
                      projection=self.projection if "projection" in names else None)

    # -- demand side ---------------------------------------------------------------------
    def history(self, h: pd.DataFrame | None = None) -> pd.DataFrame:
        """Monthly shipped quantity per finished good, zero-filled to the month before the
        plan so every item's forecast starts in the planning month."""
        h = self.inputs.sales_history if h is None else h
        fg = set(self.inputs.items_of_type("FG")["item"])
        h = h[h["item"].isin(fg)]
        g = h.groupby(["item", "month"], as_index=False)["shipped_qty"].sum()
        # a month not closed yet (no row for any item) is left out, not read as zero sales
        last = min(self.inputs.settings.planning_month - 1, g["month"].max()) \
            if len(g) else self.inputs.settings.planning_month - 1
        frames = []
        for item, grp in g.groupby("item", sort=True):
            idx = pd.period_range(grp["month"].min(), last, freq="M")
            q = grp.set_index("month")["shipped_qty"].reindex(idx, fill_value=0.0)
            frames.append(pd.DataFrame({"item": item, "period": idx, "quantity": q.to_numpy()}))
        if not frames:
            return pd.DataFrame({"item": pd.Series(dtype=object),
                                 "period": pd.PeriodIndex([], freq="M"),
                                 "quantity": pd.Series(dtype=float)})
        return pd.concat(frames, ignore_index=True)

    def _fit(self, history: pd.DataFrame) -> ForecastResult:
        s = self.inputs.settings
        it = self.inputs.items.set_index("item")
        analogs = {k: v for k, v in it["analog_item"].dropna().items() if v}
        families = it["family"].dropna().to_dict()
        horizon = forecast_months(self.inputs)
        # history ending before M−1 (last month not closed): forecast across the gap too
        gap = 0 if history.empty else max(
            0, (s.planning_month - 1).ordinal - history["period"].max().ordinal)
        factors = self._day_factors(history, horizon) if s.forecast_working_days else None
        if factors:
            history = working_days.to_average_month(history, factors)
        result = auto_forecast(history, horizon + gap, 12, analogs=analogs,
                               families=families, levels=(0.8, s.service_level))
        f = result.forecast
        if gap and not f.empty:
            f = f[f["period"] >= s.planning_month].reset_index(drop=True)
        if factors:
            f = working_days.to_calendar_month(f, factors)
            return dataclasses.replace(
                result, forecast=f, cleaned=working_days.to_calendar_month(
                    result.cleaned, factors, ("quantity", "cleaned")))
        return dataclasses.replace(result, forecast=f)

    def _day_factors(self, history: pd.DataFrame, horizon: int) -> dict | None:
        """Working-day factor of every month from the first history month to the end of
        the forecast, from the factory calendar (sop_xl.plan.forecast.working_days)."""
        if history.empty:
            return None
        first = history["period"].min()
        last = self.inputs.settings.planning_month + horizon - 1
        s = self.inputs.settings
        cal = FactoryCalendar(first.start_time.date(), last.end_time.date(), s.work_week,
                              self.inputs.calendar)
        months = pd.period_range(first, last, freq="M")
        return working_days.day_factors(
            {m: cal.working_days(m.start_time.date(), m.end_time.date()) for m in months})

    @cached_property
    def _stored(self) -> tuple[ForecastResult | None, pd.DataFrame | None]:
        """The forecast (and ordered forecast) an earlier run wrote on StatForecast."""
        return read_stat_forecast(self.book.read_output_grid("stat_forecast"),
                                  self.inputs.settings.service_level)

    def _current(self, forecast: pd.DataFrame) -> bool:
        """Does a stored forecast start in the planning month and cover the plan? A
        forecast of an earlier month, or shorter than the plan, is fitted again."""
        if forecast.empty:
            return False
        first = self.inputs.settings.planning_month
        last = first + forecast_months(self.inputs) - 1
        p = forecast["period"]
        return bool(p.min() == first and p.max() >= last)

    @cached_property
    def forecast(self) -> ForecastResult:
        stored = self._stored[0]
        if not self.refresh_forecast and stored is not None and \
                self._current(stored.forecast):
            return stored
        self.progress("forecast: fitting models")
        return self._fit(self.history())

    def ordered_history(self) -> pd.DataFrame:
        """Monthly ordered quantity per finished good (history rows that give one)."""
        h = self.inputs.sales_history
        h = h[h["ordered_qty"].notna()].assign(shipped_qty=h["ordered_qty"])
        return self.history(h)

    @cached_property
    def ordered_forecast(self) -> pd.DataFrame | None:
        """The statistical forecast of ordered quantity, when the far horizon uses the
        shipped/ordered ratio (Settings far_method = ship_ratio); else None."""
        if self.inputs.settings.far_method != "ship_ratio":
            return None
        stored = self._stored[1]
        if not self.refresh_forecast and stored is not None and self._current(stored):
            return stored
        hist = self.ordered_history()
        if hist.empty:
            return None
        self.progress("forecast: ordered quantity (ship ratio)")
        return self._fit(hist).forecast

    @cached_property
    def demand(self) -> demand_engine.DemandPlan:
        self.progress("demand plan")
        adj = editable_cells(self.book, "demand_plan", "adjustment").rename(
            columns={"key": "item"})
        changes = editable_cells(self.book, "family_plan", "change",
                                 whole=self.inputs.settings.whole_pieces).rename(
            columns={"key": "family"})
        return demand_engine.plan(self.inputs, self.forecast.forecast, adj,
                                  ordered_forecast=self.ordered_forecast,
                                  family_changes=changes, factors=given_factors(self.book))

    @cached_property
    def archive(self) -> pd.DataFrame:
        """The ForecastArchive log with this run's forecasts appended."""
        new = demand_engine.archive_rows(self.inputs, self.demand, self.forecast.forecast,
                                         pd.Timestamp.now().strftime("%Y-%m-%d %H:%M"))
        return demand_engine.append_archive(read_archive(self.book), new)

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """Forecast accuracy KPIs from the archive as it stood before this run."""
        self.progress("forecast accuracy")
        s = self.inputs.settings
        rows = accuracy_engine.comparison_rows(read_archive(self.book), self.inputs.sales_history,
                                        planning_month=s.planning_month, months=s.kpi_months,
                                        share_months=s.share_months)
        fam = self.inputs.items.set_index("item")["family"]
        return accuracy_engine.scorecard(rows, fam)

    # -- supply side ---------------------------------------------------------------------
    def _receipts(self) -> pd.DataFrame:
        r = self.inputs.scheduled_receipts
        if r.empty:
            return pd.DataFrame({"item": [], "qty": [], "bucket": [], "order": [],
                                 "due_date": []})
        b = self.inputs.buckets.index_of(list(r["due_date"]))
        return pd.DataFrame({"item": r["item"].to_numpy(), "qty": r["qty"].to_numpy(float),
                             "bucket": b, "order": r["order"].astype(str).to_numpy(),
                             "due_date": pd.to_datetime(r["due_date"]).to_numpy()})

    def _item_receipts(self, items: pd.Index) -> np.ndarray:
        out = np.zeros((len(items), len(self.inputs.buckets)))
        r = self._receipts()
        if r.empty:
            return out
        rows = items.get_indexer(r["item"])
        b = np.clip(r["bucket"].to_numpy(), 0, None)
        ok = (rows >= 0) & (b < out.shape[1])
        np.add.at(out, (rows[ok], b[ok]), r["qty"].to_numpy(float)[ok])
        return out

    @cached_property
    def mps(self) -> mps_engine.MPSResult:
        self.progress("master production schedule")
        d = self.demand
        items = d.items
        it = self.inputs.items.set_index("item").reindex(items)
        on_hand = self.inputs.on_hand().reindex(items).fillna(0).to_numpy(float)
        orders = d.orders
        forecast = d["demand"] - orders
        firm = self._firm_cells(items)
        frozen_qty = self._frozen_quantities(items)
        s = self.inputs.settings
        return mps_engine.plan(
            forecast, orders, on_hand, self._item_receipts(items),
            it["safety_stock"].fillna(0).to_numpy(float),
            LotRules.from_items(self.inputs.items, items), self.inputs.working_days,
            items=items, periods=d.periods, frozen=s.frozen_periods,
            frozen_qty=frozen_qty, firm=firm, fence=s.slushy_periods,
            target_dos=it["target_dos"].fillna(0).to_numpy(float))

    def _grid_matrix(self, grid: pd.DataFrame, measure: str, items: pd.Index) -> np.ndarray:
        periods = self.inputs.buckets.labels
        out = np.full((len(items), len(periods)), np.nan)
        g = grid[grid["measure"] == measure]
        r = items.get_indexer(g["item"].astype(str))
        c = pd.Index(periods).get_indexer(g["period"])
        ok = (r >= 0) & (c >= 0)
        out[r[ok], c[ok]] = g["value"].to_numpy(float)[ok]
        return out

    def _firm_cells(self, items: pd.Index) -> np.ndarray | None:
        """Planned-production cells the planner changed: value ≠ the suggestion shown."""
        g = self.book.read_output_grid("mps")
        if g is None or g.empty:
            return None
        prod = self._grid_matrix(g, "production", items)
        sug = self._grid_matrix(g, "suggested", items)
        changed = np.isfinite(prod) & (~np.isfinite(sug) | (np.abs(prod - sug) > 1e-6))
        return np.where(changed, prod, np.nan)

    def _frozen_quantities(self, items: pd.Index) -> np.ndarray | None:
        """Production of the plan passed on for an earlier month, for the buckets up to
        the frozen fence and the planning time fence: the active version 000 if it is of an
        earlier month, else the latest approved one, else the latest saved; None when there
        is none (nothing is frozen yet)."""
        s = self.inputs.settings
        fence = max(s.frozen_periods, s.slushy_periods)
        if fence <= 0:
            return None
        reg = self.book.read_output_table("versions")
        if reg.empty:
            return None
        present = set(self.book.backend.sheet_names())
        earlier = reg[(reg["planning_month"].astype(str) < str(s.planning_month))
                      & reg["sheet"].isin(present)]
        if earlier.empty:
            return None
        active = earlier[earlier["version"].astype(str) == versions_engine.ACTIVE]
        approved = earlier[earlier["status"] == versions_engine.Status.APPROVED]
        pick = active if len(active) else approved if len(approved) else earlier
        sheet = str(pick.iloc[-1]["sheet"])
        snap, _ = contract_read_plan_tab(self.book, sheet)
        m = snap[(snap["section"] == "mps") & (snap["measure"] == "production")]
        out = np.full((len(items), len(self.inputs.buckets)), np.nan)
        labels = pd.Index(self.inputs.buckets.labels)
        r = items.get_indexer(m["key"].astype(str))
        c = labels.get_indexer(m["period"].astype(str))
        ok = (r >= 0) & (c >= 0) & (c < fence)
        out[r[ok], c[ok]] = m["qty"].to_numpy(float)[ok]
        out[:, : s.frozen_periods] = np.nan_to_num(out[:, : s.frozen_periods], nan=0.0)
        return out

    @cached_property
    def mrp(self) -> mrp_engine.MRPResult:
        self.progress("material requirements")
        return mrp_engine.plan(self.inputs.items, self.inputs.bom, self.mps.items,
                               self.mps["production"], self.inputs.on_hand(), self._receipts(),
                               self.inputs.buckets, self.inputs.factory_calendar,
                               firm=self._firm_orders(), end_demand=self.mps["demand"],
                               lang=self.lang)

    def _firm_orders(self) -> pd.DataFrame | None:
        """Orders the planner marked firm on the PlannedOrders sheet (item, qty, due
        bucket), with any quantity or due date they changed there."""
        o = self.book.read_output_table("planned_orders")
        if o.empty or "firm" not in o:
            return None
        o = o[o["firm"].fillna(False).astype(bool) & o["item"].notna() & o["qty"].notna()
              & o["due_date"].notna()]
        if o.empty:
            return None
        b = self.inputs.buckets.index_of(list(o["due_date"]))
        return pd.DataFrame({"item": o["item"].astype(str).to_numpy(),
                             "qty": o["qty"].to_numpy(float), "bucket": np.maximum(b, 0)})

    @cached_property
    def planned_orders(self) -> pd.DataFrame:
        return sheets.planned_orders(self.inputs, self.mrp)

    @cached_property
    def purchase_plan(self) -> pd.DataFrame:
        return sheets.purchase_plan(self.inputs, self.mrp)

    @cached_property
    def capacity(self) -> capacity_engine.CapacityResult:
        self.progress("rough-cut capacity")
        # load from finished-good production and the made components' planned orders, and
        # from the production orders already released (open receipts of made items: they
        # still have to be built); purchased parts have no routing, so their receipts add none
        mrp = self.mrp
        items = self.mps.items.append(mrp.items)
        production = np.vstack([self.mps["production"] + self.mps["receipts"],
                                mrp["planned_receipts"] + mrp["receipts"]])
        return capacity_engine.plan(self.inputs.resources, self.inputs.resource_usage, items,
                                    production, self.inputs.buckets,
                                    self.inputs.factory_calendar,
                                    frozen=self.inputs.settings.frozen_periods)

    @cached_property
    def projection(self) -> inventory_engine.Projection:
        return inventory_engine.project(self.mps, self.inputs.items, self.inputs.working_days)

    @cached_property
    def slow_excess(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The slow-moving and excess list and its summary by family."""
        s = self.inputs.settings
        b = self.inputs.buckets
        until = np.datetime64((s.planning_month + s.excess_months).start_time.date(), "D")
        ahead = pd.concat([
            inventory_engine.demand_ahead(self.mps.items, self.mps["demand"], b.starts(),
                                          until),
            inventory_engine.demand_ahead(self.mrp.items, self.mrp["gross"], b.starts(),
                                          until)])
        listing = inventory_engine.slow_and_excess(
            self.inputs.stock, self.inputs.items, ahead, s.planning_month.start_time,
            s.slow_moving_months)
        summary = inventory_engine.slow_excess_summary(listing, self.inputs.stock,
                                                       self.inputs.items, self.lang)
        return listing, summary

    @cached_property
    def financial(self) -> finance_engine.FinancialPlan:
        """The plan in money: finished goods from the MPS, components from the MRP."""
        it = self.inputs.items.set_index(self.inputs.items["item"].astype(str))
        m, r = self.mps, self.mrp
        fg = it.reindex(pd.Index(m.items).astype(str))
        comp = it.reindex(pd.Index(r.items).astype(str))
        ccost = comp["unit_cost"].fillna(0).to_numpy(float)
        bought = (comp["item_type"] == "RM").to_numpy()
        purchases = (r["receipts"] + r["planned_receipts"])[bought] * ccost[bought, None]
        zh = self.lang.startswith("zh")
        return finance_engine.project(
            self.inputs.buckets, m.items, fg["family"].fillna("").to_numpy(object), m.on_hand,
            m["receipts"] + m["production"], m["demand"], m["production"],
            fg["price"].fillna(0).to_numpy(float), fg["unit_cost"].fillna(0).to_numpy(float),
            r["projected"], ccost, purchases,
            component_label=inventory_engine.COMPONENTS[1 if zh else 0],
            total_label="合计" if zh else "Total", shipped=self.projection["shipped"])

    # -- exceptions ----------------------------------------------------------------------
    @cached_property
    def exceptions(self) -> pd.DataFrame:
        ex = ExceptionList(self.lang)
        periods = self.inputs.buckets.labels
        first = periods[0]
        for c in self.demand.past_due_orders.itertuples(index=False):
            ex.add("warning", "past_due_order", c.item, first,
                   c.ordered_qty - (c.delivered_qty or 0), "msg_past_due_order", "demand",
                   contract=c.contract, customer=c.customer or "",
                   qty=c.ordered_qty - (c.delivered_qty or 0), due=str(c.due_month))
        demand_engine.demand_exceptions(self.demand, ex)
        supply_exceptions.mps_changes(self.mps, ex)
        it = self.inputs.items.set_index(self.inputs.items["item"].astype(str))
        below(self.mps["projected"], it["safety_stock"].reindex(self.mps.items).fillna(0)
              .to_numpy(float), self.mps.items, periods, ex, "mps")
        below(self.mrp["projected"], it["safety_stock"].reindex(self.mrp.items).fillna(0)
              .to_numpy(float), self.mrp.items, periods, ex, "mrp")
        supply_exceptions.mrp_actions(self.mrp, ex, self.inputs.settings.reschedule_tolerance)
        supply_exceptions.overloads(self.capacity, ex)
        return ex.frame()

    # -- versions ------------------------------------------------------------------------
    def snapshot(self) -> pd.DataFrame:
        fam = self.inputs.items.set_index("item")["family"]
        cost = self.inputs.items.set_index("item")["unit_cost"]
        price = self.inputs.items.set_index("item")["price"]
        d, m, p, c = self.demand, self.mps, self.projection, self.capacity
        parts = [
            versions_engine.section_rows("demand", d.items, d.periods, d.rows,
                                         ["demand", "forecast_part", "small_contracts",
                                          "large_contracts", "projects_weighted"], fam,
                                         price.reindex(d.items).fillna(0).to_numpy(float)),
            # projected on hand once, in the projection section (the MPS's is the same)
            versions_engine.section_rows("mps", m.items, m.periods, m.rows,
                                         ["production"], fam,
                                         cost.reindex(m.items).fillna(0).to_numpy(float)),
            versions_engine.section_rows("projection", p.items, p.periods, p.rows,
                                         ["projected"], fam, p.unit_cost),
            versions_engine.section_rows("capacity", c.resources, c.periods, c.rows,
                                         ["load", "available"]),
        ]
        shipped = transfer_engine.orders_by_bucket(
            self.inputs.contracts, d.items, self.inputs.buckets, self.inputs.factory_calendar,
            self.inputs.settings.planning_month, "shipped")
        # what was already shipped against orders due in the plan: the demand plan leaves it
        # out, a transfer to demand management needs it back (sop_xl.app.transfer)
        parts.append(versions_engine.section_rows(
            "demand", d.items, d.periods, {"shipped": shipped}, ["shipped"], fam,
            price.reindex(d.items).fillna(0).to_numpy(float)))
        parts.append(versions_engine.settings_rows(self.inputs.settings.as_values()))
        pp = self.purchase_plan
        if len(pp):
            parts.append(pd.DataFrame({
                "section": "purchase", "key": pp["item"], "family": pp["supplier"],
                "measure": "purchase_qty", "period": pp["release_week"],
                "qty": pp["qty"], "value": pp["value"], "text": ""}))
        snap = pd.concat(parts, ignore_index=True)
        return snap.sort_values(["section", "key", "measure", "period"], kind="stable") \
            .reset_index(drop=True)


def contract_read_plan_tab(book: MasterWorkbook, sheet: str) -> tuple[pd.DataFrame, list]:
    """A plan tab as a snapshot frame."""
    from sop_xl.contract.read import read_table
    return read_table(contract.sheet("plan_tab"), book.backend.read_sheet(sheet),
                      book.language)


@dataclass(frozen=True)
class Step:
    key: str
    en: str
    zh: str
    build: Callable[[PlanRun], list[SheetContent]]
    sheets: tuple[str, ...] = ()  # the keys of the sheets it writes


def _accuracy(run: PlanRun) -> list[SheetContent]:
    return [kpi_sheet(run.inputs, run.kpis, run.lang)]


def _forecast(run: PlanRun) -> list[SheetContent]:
    return [sheets.stat_forecast_sheet(run.inputs, run.forecast, run.lang,
                                       run.ordered_forecast)]


def _demand(run: PlanRun) -> list[SheetContent]:
    i, d, lang, w = run.inputs, run.demand, run.lang, run.wiring
    return [demand_sheets.demand_sheet(i, d, lang, w),
            demand_sheets.family_plan_sheet(i, d, lang, w),
            demand_sheets.family_shares_sheet(i, d, lang),
            demand_sheets.review_sheet(i, d, lang),
            demand_sheets.archive_sheet(i, run.archive, lang)]


def _mps(run: PlanRun) -> list[SheetContent]:
    return [sheets.mps_sheet(run.inputs, run.mps, run.lang, run.wiring)]


def _mrp(run: PlanRun) -> list[SheetContent]:
    return [sheets.mrp_sheet(run.inputs, run.mrp, run.lang, run.wiring),
            sheets.planned_orders_sheet(run.inputs, run.planned_orders, run.lang),
            sheets.purchase_sheet(run.inputs, run.purchase_plan, run.lang)]


def _capacity(run: PlanRun) -> list[SheetContent]:
    # CapacityLoad before Capacity, whose load adds it up: a live Excel writes the sheet a
    # formula reads first
    i, c, lang, w = run.inputs, run.capacity, run.lang, run.wiring
    return [sheets.capacity_load_sheet(i, c, lang, w), sheets.capacity_sheet(i, c, lang, w),
            sheets.capacity_options_sheet(i, c, lang), sheets.leveled_sheet(i, c, lang, w)]


def _projection(run: PlanRun) -> list[SheetContent]:
    return [sheets.projection_sheet(run.inputs, run.projection, run.lang, run.wiring),
            *sheets.slow_excess_sheets(run.inputs, *run.slow_excess, run.lang)]


def _finance(run: PlanRun) -> list[SheetContent]:
    return [sheets.financial_sheet(run.inputs, run.financial, run.lang, run.wiring)]


def _version(run: PlanRun) -> list[SheetContent]:
    """A new draft plan version: its protected tab and the register row (plan_versions)."""
    contents, _ = pv.version_sheets(run.book, run.snapshot(), run.inputs.settings, run.lang)
    return contents


STEPS: tuple[Step, ...] = (
    Step("accuracy", "Forecast accuracy", "预测准确率", _accuracy, ("forecast_kpi",)),
    Step("forecast", "Statistical forecast", "统计预测", _forecast, ("stat_forecast",)),
    Step("demand", "Demand plan", "需求计划", _demand,
         ("demand_plan", "family_plan", "family_shares", "forecast_review",
          "forecast_archive")),
    Step("mps", "Master production schedule", "主生产计划", _mps, ("mps",)),
    Step("mrp", "Material requirements and purchase plan", "物料需求与采购计划", _mrp,
         ("mrp", "planned_orders", "purchase_plan")),
    Step("capacity", "Rough-cut capacity", "粗能力计划", _capacity,
         ("capacity_load", "capacity", "capacity_options", "leveled_plan")),
    Step("projection", "Inventory projection, slow-moving and excess", "库存预测与呆滞冗余",
         _projection, ("projection", "slow_excess", "slow_excess_summary")),
    Step("finance", "Financial projection", "财务预测", _finance, ("financial_plan",)),
    Step("version", "Save plan version", "保存计划版本", _version),
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
class RunReport:
    steps: list[str]
    sheets: list[str]
    seconds: float
    exceptions: pd.DataFrame


def run_steps(book: MasterWorkbook, keys: Sequence[str], *, progress: Progress = _quiet,
              command: str = "run") -> RunReport:
    """Run the named steps (in cycle order) and write their sheets, the Exceptions sheet
    and a RunLog row in one write. Nothing is written if anything fails."""
    t0 = time.perf_counter()
    unknown = set(keys) - set(STEP_KEYS)
    if unknown:
        raise KeyError(f"unknown steps: {sorted(unknown)}")
    keys = with_linked(keys)
    progress("reading and validating inputs")
    inputs = book.read_inputs()
    run = PlanRun(book, inputs, refresh_forecast="forecast" in keys, progress=progress)
    run.sheet_names = {k: book.output_name(contract.sheet(k))
                       for step in STEPS if step.key in keys for k in step.sheets}
    contents: list[SheetContent] = []
    done = []
    for step in STEPS:
        if step.key in keys:
            progress(step.en.lower())
            contents.extend(step.build(run))
            done.append(step.key)
    progress("exceptions")
    exc = run.exceptions
    contents.append(sheets.exceptions_sheet(inputs, exc, run.lang))
    seconds = time.perf_counter() - t0
    contents.append(_run_log(book, run, command, done, seconds, exc))
    for c in contents:
        if c.key != "plan_tab":
            c.name = book.output_name(contract.sheet(c.key)) if c.key else c.name
    progress("writing the workbook")
    book.write(contents)
    return RunReport(done, [c.name for c in contents], time.perf_counter() - t0, exc)


def _run_log(book: MasterWorkbook, run: PlanRun, command: str, done: list[str],
             seconds: float, exc: pd.DataFrame) -> SheetContent:
    log = book.read_output_table("run_log").drop(columns="_row", errors="ignore")
    summary = f"{len(exc)} exceptions"
    row = {"run_at": pd.Timestamp.now().strftime("%Y-%m-%d %H:%M:%S"),
           "user": _user(), "command": command, "steps": ", ".join(done),
           "seconds": round(seconds, 2), "summary": summary}
    log = pd.concat([log, pd.DataFrame([row])], ignore_index=True)
    return sheets.log_sheet(run.inputs, "run_log", log, run.lang, run.inputs.settings.currency)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers and services
        return "unknown"


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
