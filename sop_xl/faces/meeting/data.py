"""Every read of plan data for the meeting pack, in one place.

The pack (sop_xl.faces.meeting.pack) only lays out what ``gather`` returns; nothing else of the
meeting reads the master. Today the figures are computed here from ``sop_xl.app.cycle.PlanRun``
— the plan as the master's sheets hold it (stored statistical forecast, the planner's
demand adjustments and firmed MPS cells) — and from the master's inputs and log sheets.
Pieces other engineers are building replace parts of this module with small edits:

==============================  ===============================  ==========================
figure                          computed today by                replaced by
==============================  ===============================  ==========================
forecast achievement            ``_achievement``: ForecastKPI's  —
                                rows (accuracy, lag 1, M−1)
plan achievement                ``_achievement``: plan tab of    —
                                the month vs SalesHistory
assistants' achievement         ``assistant_achievement``:       —
                                ForecastKPI's rows (lag 1, M−1)
inventory value, slow/excess    Stock × unit cost; the           —
                                SlowExcess list (PlanRun)
financial projection            ``sop_xl.plan.finance`` (total row)   —
plan version compared           ``last_approved_plan``: the      ``sop_xl.plan.versions``
                                Versions register                (approve/activate, diff)
overload options                ``capacity.overloads`` (hours)   overload options in pieces,
                                                                 the leveled plan
last month's figures            ``previous_kpis``: MeetingKPIs   the KPI sheet
==============================  ===============================  ==========================

Formulas (each KPI carries its own in ``basis``):

- forecast achievement rate (预测达成率) of last month m = ``ΣA ÷ ΣF`` over finished goods, F
  the demand plan for m as archived by m's own run (ForecastArchive, lag 1), A the quantity
  shipped in m: the ForecastKPI sheet's total, demand-plan, lag-1 figure for that month
  (sop_xl.plan.accuracy.scorecard over the same rows); per sales assistant the same with
  F = their forecast + their department's contracts and weighted projects at the time;
- plan achievement (计划达成率) of month m = ``Σ min(A, F) / ΣF``: the share of the planned
  shipments that shipped, item by item (no credit for shipping another item instead), F
  the demand plan for m in the plan version made for m;
- schedule adherence of month m = production orders due in m completed in m within ±
  the quantity tolerance ÷ orders due in m; supplier on-time-in-full = purchase order lines
  promised in m received in full within the tolerance in working days ÷ lines promised
  (sop_xl.plan.delivery, DeliveryKPI's total rows);
- inventory value = Σ on hand × unit cost over the Stock sheet (start of M);
- days of supply = finished-goods stock value ÷ (cost of the demand plan of the next three
  months ÷ their working days), in working days;
- slow-moving value = stock of items without movement for ``slow_moving_months`` × cost;
  excess value = stock above the next ``excess_months`` months of need × cost (finished
  goods: demand plan; components: MRP gross requirements);
- capacity utilisation = Σ load hours ÷ Σ available hours, all resources, next 3 months;
- shortages = the Exceptions sheet's shortages: items whose projected on hand falls below
  zero (MPS or MRP) and components short within their lead time (MRP).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl.app.cycle import PlanRun
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.readback import read_archive, read_plan_tab
from sop_xl.base.messages import message
from sop_xl.contract.read import ROW
from sop_xl.faces.assistants.assignment import assign
from sop_xl.faces.assistants.figures import last_month_rows, submitted_deviations
from sop_xl.plan.accuracy import scorecard
from sop_xl.plan.delivery import completion_months
from sop_xl.plan.versions import transfers_apart

NEXT = 3  # months ahead for days of supply and utilisation
KPI_KEYS = ("forecast_achievement", "plan_achievement", "schedule_adherence", "supplier_otif",
            "inventory_value", "days_of_supply", "slow_moving_value", "excess_value",
            "capacity_utilisation", "overloads", "shortages")
KPI_UNITS = {"forecast_achievement": "%", "plan_achievement": "%", "schedule_adherence": "%",
             "supplier_otif": "%", "inventory_value": "money",
             "days_of_supply": "days", "slow_moving_value": "money", "excess_value": "money",
             "capacity_utilisation": "%", "overloads": "count", "shortages": "count"}


@dataclass(frozen=True)
class Kpi:
    key: str
    value: float   # NaN when it cannot be computed (``basis`` says why)
    basis: str     # what it was computed from, in the workbook's language

    @property
    def unit(self) -> str:
        return KPI_UNITS[self.key]


@dataclass
class PlanVersion:
    version: str
    planning_month: str
    status: str
    sheet: str
    snapshot: pd.DataFrame  # the plan tab: section, key, family, measure, period, qty, value


@dataclass
class Exceptions:
    shortages: pd.DataFrame        # item, description, source, period, qty (short), first
    overloads: pd.DataFrame        # resource, period, load, available, utilisation, options
    forecast_changes: pd.DataFrame  # item, description, month, last, now, change, change_pct
    deviations: pd.DataFrame       # assistant, item, month, qty, reference, deviation, reason
    slow_excess: pd.DataFrame      # item, family, on_hand, months_idle, slow/excess qty, value


@dataclass
class MeetingData:
    planning_month: pd.Period
    company: str
    currency: str
    lang: str
    master: str
    kpis: list[Kpi]
    previous: dict[str, float]
    family_plan: pd.DataFrame      # family, month, demand, supply, projected, value
    comparison: pd.DataFrame       # family, month, measure, now, last
    compared_with: PlanVersion | None
    exceptions: Exceptions
    finance: pd.DataFrame          # month, revenue, cost_of_sales, ..., inventory_value
    assistants: pd.DataFrame       # assistant, department, items, forecast, actual, ...
    threshold: float
    this_version: str | None = None
    #: family, measure (sales / production / stock), plan, actual — last month (M−1)
    family_review: pd.DataFrame | None = None
    #: FamilyOptions: family, strategy, chosen, production, end_stock, ... (this plan)
    family_options: pd.DataFrame | None = None
    #: family → (plan achievement, schedule adherence) of M−1 (NaN when not measured)
    family_rates: dict[str, tuple[float, float]] | None = None
    family_strategy: str = "none"

    def kpi(self, key: str) -> Kpi:
        return next(k for k in self.kpis if k.key == key)


# -- buckets and months ------------------------------------------------------------------
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def month_of(label: str) -> pd.Period:
    """The month of a bucket label: "2026-12" → 2026-12; an ISO week → its Monday's."""
    m = _WEEK.match(str(label))
    if m:
        day = pd.Timestamp.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        return pd.Period(day, "M")
    return pd.Period(str(label), "M")


def _months(run: PlanRun) -> np.ndarray:
    return np.array([pd.Period(p.start, "M") for p in run.inputs.buckets], dtype=object)


def _ahead(run: PlanRun, months: int) -> np.ndarray:
    """Bucket mask for the next ``months`` months from the planning month."""
    end = run.inputs.settings.planning_month + months
    return np.array([m < end for m in _months(run)])


# -- the plan run and versions -----------------------------------------------------------
def plan_run(book: MasterWorkbook) -> PlanRun:
    """The month's plan as the master holds it (today: recomputed by PlanRun from the
    inputs, the stored statistical forecast and the planner's edits of the grids)."""
    return PlanRun(book, book.read_inputs(), refresh_forecast=False)


def _register(book: MasterWorkbook) -> pd.DataFrame:
    reg = book.read_output_table("versions").drop(columns=ROW, errors="ignore")
    return reg[reg["version"].notna()] if len(reg) else reg


def _pick(reg: pd.DataFrame, book: MasterWorkbook) -> PlanVersion | None:
    """Of these register rows: the latest approved one, else the latest; its tab read."""
    if reg.empty:
        return None
    approved = reg[reg["status"].astype(str).str.lower() == "approved"]
    row = (approved if len(approved) else reg).iloc[-1]
    sheet = str(row["sheet"])
    if sheet not in book.backend.sheet_names():
        return None
    snap = read_plan_tab(book, sheet)
    return PlanVersion(str(row["version"]), str(row["planning_month"]), str(row["status"]),
                       sheet, snap.drop(columns=ROW, errors="ignore"))


def version_for(book: MasterWorkbook, month: pd.Period) -> PlanVersion | None:
    """The plan version made in planning month ``month`` (approved preferred)."""
    reg = _register(book)
    return _pick(reg[reg["planning_month"].astype(str) == str(month)], book) \
        if len(reg) else None


def last_approved_plan(book: MasterWorkbook, month: pd.Period) -> PlanVersion | None:
    """Last month's approved plan: of the versions of the latest earlier planning month,
    the latest approved one, else the latest (its status shows it was not approved).
    sop_xl.plan.versions (approve/activate) will own this choice."""
    reg = _register(book)
    if reg.empty:
        return None
    earlier = reg[reg["planning_month"].astype(str) < str(month)]
    if earlier.empty:
        return None
    latest = earlier["planning_month"].astype(str).max()
    return _pick(earlier[earlier["planning_month"].astype(str) == latest], book)


def compared_plan(book: MasterWorkbook, run: PlanRun,
                  month: pd.Period) -> PlanVersion | None:
    """``last_approved_plan``, its MPS production what the plants make: a version saved
    before planned transfers between plants were recorded apart has the nodes this
    workbook supplies by transfer read as transfers (sop_xl.plan.versions)."""
    last = last_approved_plan(book, month)
    if last is not None and run.network is not None:
        last.snapshot = transfers_apart(last.snapshot, run.network.transferred)
    return last


def _snapshot_by(snap: pd.DataFrame, section: str, measure: str,
                 column: str = "qty") -> pd.DataFrame:
    """key, family, month, amount of one measure of a snapshot, summed per month."""
    s = snap[(snap["section"] == section) & (snap["measure"] == measure)]
    if s.empty:
        return pd.DataFrame({"key": [], "family": [], "month": [], "amount": []})
    out = pd.DataFrame({"key": s["key"].astype(str), "family": s["family"].fillna(""),
                        "month": [month_of(p) for p in s["period"]],
                        "amount": s[column].astype(float).fillna(0.0)})
    if measure == "projected":  # stock: the last bucket of each month, not a sum
        out["_order"] = list(s["period"].astype(str))
        out = out.sort_values("_order").groupby(["key", "family", "month"],
                                                as_index=False).last()
        return out.drop(columns="_order")
    return out.groupby(["key", "family", "month"], as_index=False)["amount"].sum()


# -- KPIs --------------------------------------------------------------------------------
def _shipped(run: PlanRun, month: pd.Period) -> pd.Series:
    h = run.inputs.sales_history
    h = h[h["month"] == month]
    return h.groupby(h["item"].astype(str))["shipped_qty"].sum()


def last_month_kpis(run: PlanRun, book: MasterWorkbook) -> pd.DataFrame:
    """ForecastKPI's scorecard (sop_xl.plan.accuracy) of last month alone, lag 1: the
    archived forecasts for M−1 made in M−1's own run, against the shipments."""
    rows = last_month_rows(run.inputs, read_archive(book))
    fam = run.inputs.items.set_index("item")["family"]
    return scorecard(rows, fam)


def _achievement(book: MasterWorkbook, run: PlanRun, card: pd.DataFrame,
                 lang: str) -> tuple[Kpi, Kpi]:
    month = run.inputs.settings.planning_month - 1
    total = card[(card["level"] == "total") & (card["source"] == "demand_plan")]
    far = float(total["achievement"].iloc[0]) if len(total) else float("nan")
    far_basis = message("mp_basis_far", lang, month=month) if len(total) else \
        message("mp_basis_no_archive", lang, month=month)
    v = version_for(book, month)
    if v is None:
        return (Kpi("forecast_achievement", far, far_basis),
                Kpi("plan_achievement", float("nan"),
                    message("mp_basis_no_version", lang, month=month)))
    plan = _snapshot_by(v.snapshot, "demand", "demand")
    plan = plan[plan["month"] == month].groupby("key")["amount"].sum()
    shipped = _shipped(run, month)
    fg = set(run.inputs.items_of_type("FG")["item"].astype(str))
    keys = sorted((set(plan.index) | set(shipped.index)) & fg)
    f = plan.reindex(keys).fillna(0.0).to_numpy(float)
    a = shipped.reindex(keys).fillna(0.0).to_numpy(float)
    pa = float(np.minimum(a, f).sum() / f.sum()) if f.sum() > 0 else float("nan")
    basis = dict(version=v.version, status=v.status, month=month)
    pa_kpi = Kpi("plan_achievement", pa, message("mp_basis_pa", lang, **basis))
    # with production reported (ProductionActuals), the seed's own plan achievement:
    # production against the frozen part of the approved MPS (sop_xl.plan.achievement)
    made = run.plan_kpis
    total = made[(made["level"] == "total") & (made["month"] == month)] if len(made) \
        else made
    if len(total):
        r = total.iloc[0]
        pa_kpi = Kpi("plan_achievement", float(r["achievement"]), message(
            "mp_basis_pa_made", lang, version=r["version"], month=month))
    return (Kpi("forecast_achievement", far, far_basis), pa_kpi)


def _delivery(run: PlanRun, lang: str) -> tuple[Kpi, Kpi]:
    """Schedule adherence and supplier on-time-in-full of last month, all orders
    (DeliveryKPI's total rows; sop_xl.plan.delivery)."""
    s = run.inputs.settings
    month = s.planning_month - 1
    d = run.delivery_kpis
    out = []
    for kpi in ("schedule_adherence", "supplier_otif"):
        t = d[(d["kpi"] == kpi) & (d["level"] == "total") & (d["month"] == month)] \
            if len(d) else d
        if t.empty:
            out.append(Kpi(kpi, float("nan"), message(f"mp_basis_{kpi}_none", lang,
                                                      month=month)))
            continue
        r = t.iloc[0]
        out.append(Kpi(kpi, float(r["rate"]), message(
            f"mp_basis_{kpi}", lang, month=month, met=int(r["met"]), lines=int(r["lines"]),
            days=s.delivery_days, tol=s.in_full_tolerance)))
    return out[0], out[1]


def _need_ahead(run: PlanRun) -> pd.Series:
    """Need per item over the next ``excess_months`` months: demand plan for finished
    goods, gross requirements for components (pieces)."""
    mask = _ahead(run, run.inputs.settings.excess_months)
    d = pd.Series(run.demand["demand"][:, mask].sum(axis=1), index=run.demand.items)
    g = pd.Series(run.mrp["gross"][:, mask].sum(axis=1), index=run.mrp.items)
    return pd.concat([d, g]).groupby(level=0).sum()


def slow_excess(run: PlanRun) -> pd.DataFrame:
    """The slow-moving and excess list of the SlowExcess sheet (PlanRun.slow_excess), with
    each part's total value, largest first."""
    f = run.slow_excess[0].copy()
    f["value"] = f["slow_value"].fillna(0.0) + f["excess_value"].fillna(0.0)
    return f.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)


def _stock_kpis(run: PlanRun, se: pd.DataFrame, lang: str) -> list[Kpi]:
    s = run.inputs.settings
    it = run.inputs.items.set_index("item")
    st = run.inputs.stock
    cost = st["item"].map(it["unit_cost"]).fillna(0.0).to_numpy(float)
    value = float((st["on_hand"].to_numpy(float) * cost).sum())
    d = run.demand
    fg_cost = it["unit_cost"].reindex(d.items).fillna(0.0).to_numpy(float)
    on_hand = run.inputs.on_hand().reindex(d.items).fillna(0.0).to_numpy(float)
    mask = _ahead(run, NEXT)
    days = float(run.inputs.working_days[mask].sum())
    need = float((d["demand"][:, mask].sum(axis=1) * fg_cost).sum())
    dos = float((on_hand * fg_cost).sum() / (need / days)) if need > 0 and days > 0 \
        else float("nan")
    slow = float(se["slow_value"].sum()) if len(se) else 0.0
    excess = float(se["excess_value"].sum()) if len(se) else 0.0
    n_slow = int((se["slow_qty"] > 0).sum()) if len(se) else 0
    n_excess = int((se["excess_qty"] > 0).sum()) if len(se) else 0
    return [
        Kpi("inventory_value", value, message("mp_basis_inventory", lang, n=len(st))),
        Kpi("days_of_supply", dos, message("mp_basis_dos", lang, n=NEXT)),
        Kpi("slow_moving_value", slow, message("mp_basis_slow", lang, n=n_slow,
                                               months=s.slow_moving_months)),
        Kpi("excess_value", excess, message("mp_basis_excess", lang, n=n_excess,
                                            months=s.excess_months)),
    ]


def _capacity_kpis(run: PlanRun, lang: str) -> list[Kpi]:
    c = run.capacity
    mask = _ahead(run, NEXT)
    avail = float(c["available"][:, mask].sum())
    util = float(c["load"][:, mask].sum() / avail) if avail > 0 else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(c["available"] > 0, c["load"] / c["available"], np.nan)
    if np.isfinite(u).any():
        r, p = np.unravel_index(np.nanargmax(u), u.shape)
        peak = message("mp_basis_peak", lang, resource=c.resources[r], period=c.periods[p],
                       util=float(u[r, p]))
    else:
        peak = ""
    ov = c.overloads
    return [
        Kpi("capacity_utilisation", util, message("mp_basis_util", lang, n=NEXT, peak=peak)),
        Kpi("overloads", float(len(ov)), message("mp_basis_overloads", lang,
                                                  n=ov["resource"].nunique() if len(ov)
                                                  else 0)),
    ]


def shortages(run: PlanRun) -> pd.DataFrame:
    """The shortages the Exceptions sheet lists (sop_xl.plan.alerts): items whose
    projected on hand goes below zero (MPS, MRP) and components short within their lead
    time (MRP); one row per item and plan, where first and the largest gap (pieces)."""
    rows = []
    it = run.supply_inputs.items.set_index("item")   # per plant: the nodes' descriptions
    for source, res in (("MPS", run.mps), ("MRP", run.mrp)):
        proj = res["projected"]
        for i in np.flatnonzero((proj < -1e-6).any(axis=1)):
            first = int(np.argmax(proj[i] < -1e-6))
            rows.append({"item": res.items[i], "source": source, "bucket": first,
                         "qty": float(-proj[i].min())})
    acts = run.mrp.actions
    acts = acts[acts["kind"] == "shortage_lead_time"]
    # the bucket of the working day the component runs short (sop_xl.plan.dates)
    buckets = run.days.bucket_of(acts["need_day"].to_numpy(np.int64)) if len(acts) else []
    for a, b in zip(acts.itertuples(index=False), buckets, strict=True):
        rows.append({"item": a.item, "source": "MRP",
                     "bucket": min(int(b), len(run.inputs.buckets) - 1), "qty": float(a.qty)})
    cols = ["item", "description", "source", "first", "qty"]
    if not rows:
        return pd.DataFrame(columns=cols)
    f = pd.DataFrame(rows).groupby(["item", "source"], as_index=False, sort=False).agg(
        bucket=("bucket", "min"), qty=("qty", "max"))
    f["first"] = [run.inputs.buckets.labels[b] for b in f["bucket"]]
    f["description"] = f["item"].map(it["description"])
    return f.sort_values(["bucket", "item"], kind="stable")[cols].reset_index(drop=True)


def kpis(book: MasterWorkbook, run: PlanRun, se: pd.DataFrame, short: pd.DataFrame,
         lang: str, card: pd.DataFrame | None = None) -> list[Kpi]:
    """The cover's headline figures, in KPI_KEYS order (see the module docstring)."""
    card = last_month_kpis(run, book) if card is None else card
    far, pa = _achievement(book, run, card, lang)
    out = [far, pa, *_delivery(run, lang), *_stock_kpis(run, se, lang), *_capacity_kpis(run, lang),
           Kpi("shortages", float(short["item"].nunique()) if len(short) else 0.0,
               message("mp_basis_shortages", lang,
                       qty=float(short["qty"].sum()) if len(short) else 0.0))]
    assert [k.key for k in out] == list(KPI_KEYS)
    return out


def previous_kpis(book: MasterWorkbook, month: pd.Period) -> dict[str, float]:
    """What last month's pack reported (MeetingKPIs log; the KPI sheet will replace it)."""
    log = book.read_output_table("meeting_kpis")
    if log.empty:
        return {}
    prev = log[log["planning_month"].astype(str) == str(month - 1)]
    prev = prev.sort_values("written_at", kind="stable").groupby("kpi").last()
    return {str(k): float(v) for k, v in prev["value"].items()}


# -- plan by family, comparison, exceptions, finance -------------------------------------
def family_plan(run: PlanRun) -> pd.DataFrame:
    """Per family and month (pieces): demand plan, supply (receipts + production),
    projected on hand at the month's end, and its value at cost."""
    it = run.supply_inputs.items.set_index("item")
    fam = it["family"].fillna("")
    m = run.mps
    months = _months(run)
    p = run.projection
    parts = {"demand": run.supply_demand["demand"], "supply": m["receipts"] + m["production"],
             "projected": m["projected"], "value": p["value"]}
    if p.transfers:   # the company's: customers' demand, production and purchases
        parts.update(demand=p["demand"], supply=p["supply"])
        # and a plant's own view, its transfers out and in included
        parts.update(plant_demand=p["demand"] + p["transfers_out"],
                     plant_supply=p["supply"] + p["transfers_in"])
    frames = []
    families = fam.reindex(m.items).to_numpy()
    # several plants: by family and plant, so the pack shows each plant beside the total
    keys = ["family", "plant"] if run.network is not None else ["family"]
    for measure, arr in parts.items():
        f = pd.DataFrame(arr, columns=range(arr.shape[1]))
        f["family"] = families
        if run.network is not None:
            f["plant"] = it["plant"].reindex(m.items).to_numpy()
        long = f.melt(id_vars=keys, var_name="bucket", value_name="amount")
        long["month"] = months[long["bucket"].astype(int)]
        if measure in ("projected", "value"):  # stock at the month's last bucket
            long = long[long.groupby("month")["bucket"].transform("max") == long["bucket"]]
        g = long.groupby([*keys, "month"], as_index=False)["amount"].sum()
        frames.append(g.assign(measure=measure))
    out = pd.concat(frames).pivot_table(index=[*keys, "month"], columns="measure",
                                        values="amount", aggfunc="sum").reset_index()
    extra = ["plant_demand", "plant_supply"] if run.network is not None else []
    return out[[*keys, "month", "demand", "supply", "projected", "value", *extra]]


REVIEWED = ("sales", "production", "stock")


def family_review(run: PlanRun, last: PlanVersion | None) -> pd.DataFrame:
    """Per family, last month (M−1) as planned and as it went (pieces): sales (the
    demand plan against shipments, SalesHistory), production (the frozen MPS against
    ProductionActuals) and stock at the month's end (the plan's closing stock against
    today's on hand, finished goods). Plan figures from the version of M−1 compared
    (its family section, else its items summed); NaN where it has none."""
    cols = ["family", "measure", "plan", "actual"]
    i = run.inputs
    month = i.settings.planning_month - 1
    fg = i.items_of_type("FG").set_index("item")["family"].dropna().astype(str)
    if fg.empty:
        return pd.DataFrame(columns=cols)
    shipped = _shipped(run, month).groupby(lambda k: fg.get(k, "")).sum()
    made = i.production_actuals
    done = completion_months(made) if len(made) else made.get("month")
    produced = made[done == month].groupby("item")["qty"].sum() if len(made) \
        else pd.Series(dtype=float)
    produced = produced.groupby(lambda k: fg.get(k, "")).sum()
    stock = i.on_hand().reindex(fg.index).fillna(0.0).groupby(fg).sum()
    plan: dict[str, pd.Series] = {}
    if last is not None:
        snap = last.snapshot
        for measure, section, name in (("sales", "demand", "demand"),
                                       ("production", "mps", "production"),
                                       ("stock", "family", "closing")):
            fam = _snapshot_by(snap, "family", "closing" if measure == "stock" else
                               "demand" if measure == "sales" else "production")
            fam = fam[fam["month"] == month]
            if len(fam):
                plan[measure] = fam.groupby("key")["amount"].sum()
                continue
            items = _snapshot_by(snap, section, name)
            if run.network is not None:   # per plant: the nodes' production per item
                items["key"] = run.network.item_of(items["key"].to_numpy(object))
            items = items[(items["month"] == month) & items["key"].isin(fg.index)]
            if len(items) and measure != "stock":
                plan[measure] = items.groupby(items["key"].map(fg))["amount"].sum()
    rows = []
    for f in sorted(set(fg)):
        for measure, actual in (("sales", shipped), ("production", produced),
                                ("stock", stock)):
            p = plan.get(measure)
            rows.append({"family": f, "measure": measure,
                         "plan": float(p.get(f, 0.0)) if p is not None else float("nan"),
                         "actual": float(actual.get(f, 0.0))})
    return pd.DataFrame(rows, columns=cols)


def family_rates(run: PlanRun) -> dict[str, tuple[float, float]]:
    """Family → (plan achievement, schedule adherence) of M−1, from PlanKPI and
    DeliveryKPI's family rows."""
    month = run.inputs.settings.planning_month - 1
    k, d = run.plan_kpis, run.delivery_kpis
    out: dict[str, tuple[float, float]] = {}
    fams = sorted(set(run.inputs.items["family"].dropna().astype(str)))
    for f in fams:
        a = k[(k["level"] == "family") & (k["key"] == f) & (k["month"] == month)] \
            if len(k) else k
        b = d[(d["kpi"] == "schedule_adherence") & (d["level"] == "family")
              & (d["key"] == f) & (d["month"] == month)] if len(d) else d
        out[f] = (float(a["achievement"].iloc[0]) if len(a) else float("nan"),
                  float(b["rate"].iloc[0]) if len(b) else float("nan"))
    return out


COMPARED = (("demand", "demand", "demand", "qty"), ("production", "mps", "production", "qty"),
            ("inventory_value", "projection", "projected", "value"))


def comparison(now: pd.DataFrame, last: PlanVersion | None) -> pd.DataFrame:
    """Per family, month and measure (demand and production in pieces, inventory value in
    money): this month's plan against the version compared, over the months both cover."""
    cols = ["family", "month", "measure", "now", "last"]
    if last is None:
        return pd.DataFrame(columns=cols)
    frames = []
    for name, section, measure, column in COMPARED:
        a = _snapshot_by(now, section, measure, column).groupby(["family", "month"])[
            "amount"].sum()
        b = _snapshot_by(last.snapshot, section, measure, column).groupby(
            ["family", "month"])["amount"].sum()
        months = sorted(set(a.index.get_level_values(1)) & set(b.index.get_level_values(1)))
        fams = sorted(set(a.index.get_level_values(0)) | set(b.index.get_level_values(0)))
        idx = pd.MultiIndex.from_product([fams, months], names=["family", "month"])
        frames.append(pd.DataFrame({"now": a.reindex(idx).fillna(0.0),
                                    "last": b.reindex(idx).fillna(0.0)}).reset_index()
                      .assign(measure=name))
    return pd.concat(frames, ignore_index=True)[cols]


def forecast_changes(run: PlanRun, now: pd.DataFrame, last: PlanVersion | None,
                     threshold: float) -> pd.DataFrame:
    """Item-months of the near term whose demand plan moved by more than the deviation
    threshold against the version compared, largest change in money first."""
    cols = ["item", "description", "month", "last", "now", "change", "change_pct", "value"]
    if last is None:
        return pd.DataFrame(columns=cols)
    s = run.inputs.settings
    near = {s.planning_month + k for k in range(s.near_term_months)}
    a = _snapshot_by(now, "demand", "demand").groupby(["key", "month"])["amount"].sum()
    b = _snapshot_by(last.snapshot, "demand", "demand").groupby(["key", "month"])[
        "amount"].sum()
    # a month the version compared did not plan is no change (it may keep only its
    # frozen month)
    near &= set(b.index.get_level_values(1)) if len(b) else set()
    idx = sorted(k for k in set(a.index) | set(b.index) if k[1] in near)
    f = pd.DataFrame({"now": a.reindex(idx).fillna(0.0).to_numpy(),
                      "last": b.reindex(idx).fillna(0.0).to_numpy()},
                     index=pd.MultiIndex.from_tuples(idx, names=["item", "month"]))
    f["change"] = f["now"] - f["last"]
    big = np.abs(f["change"]) > threshold * f["last"]
    f = f[big & (np.abs(f["change"]) >= 1)].reset_index()
    it = run.inputs.items.set_index("item")
    f["description"] = f["item"].map(it["description"])
    f["change_pct"] = np.where(f["last"] > 0, f["change"] / f["last"].where(f["last"] > 0),
                               np.nan)
    f["value"] = np.abs(f["change"]) * f["item"].map(it["price"]).fillna(0.0)
    return f.sort_values(["value", "item"], ascending=[False, True], kind="stable")[cols] \
        .reset_index(drop=True)


def overloads(run: PlanRun) -> pd.DataFrame:
    o = run.capacity.overloads.copy()
    o["utilisation"] = o["load"] / o["available"].where(o["available"] > 0)
    return o[["resource", "period", "load", "available", "utilisation", "overload",
              "overtime_hours", "build_ahead", "outsource_hours"]].reset_index(drop=True)


def financial_projection(run: PlanRun) -> pd.DataFrame:
    """Per month, in money, the total row of the FinancialPlan sheet (sop_xl.plan.finance):
    revenue and cost of what can ship, gross margin, production at cost, purchases and the
    month-end inventory value of finished goods and components at cost."""
    fp = run.financial
    t = -1  # the total row
    f = pd.DataFrame({"month": [pd.Period(m, "M") for m in fp.months],
                      "revenue": fp["revenue"][t], "cost_of_sales": fp["cogs"][t],
                      "gross_margin": fp["margin"][t],
                      "production_cost": fp["production_value"][t],
                      "purchases": fp["purchase_value"][t],
                      "inventory_value": fp["inventory_value"][t]})
    f["margin_pct"] = fp["margin_pct"][t]
    return f


def assistant_achievement(card: pd.DataFrame, run: PlanRun) -> pd.DataFrame:
    """Per sales assistant, last month (M−1): ForecastKPI's assistant-level, sales,
    lag-1 figures (``last_month_kpis``) — their forecast plus their department's contracts
    and weighted projects as archived, against their share of the department's shipments:
    ``ΣA ÷ ΣF``."""
    cols = ["assistant", "department", "items", "forecast", "actual", "achievement"]
    k = card[(card["level"] == "assistant") & (card["source"] == "sales")]
    if k.empty:
        return pd.DataFrame(columns=cols)
    sf = run.inputs.sales_forecast
    month = run.inputs.settings.planning_month - 1
    sf = sf[sf["month"] == month]
    dept = {str(a): (g["department"].dropna().astype(str).str.strip().iloc[0]
                     if g["department"].notna().any() else None)
            for a, g in sf.groupby(sf["assistant"].astype(str))}
    n_items = sf.groupby(sf["assistant"].astype(str))["item"].nunique()
    out = pd.DataFrame({"assistant": k["key"].astype(str).to_numpy(),
                        "forecast": k["forecast"].to_numpy(float),
                        "actual": k["actual"].to_numpy(float),
                        "achievement": k["achievement"].to_numpy(float)})
    out["department"] = out["assistant"].map(dept)
    out["items"] = out["assistant"].map(n_items).fillna(0).astype(int)
    return out.sort_values("assistant", kind="stable")[cols].reset_index(drop=True)


def gather(book: MasterWorkbook) -> MeetingData:
    """Everything the pack shows, computed once."""
    lang = book.language
    run = plan_run(book)
    s = run.inputs.settings
    se = slow_excess(run)
    short = shortages(run)
    card = last_month_kpis(run, book)
    now = run.snapshot()
    last = compared_plan(book, run, s.planning_month)
    assignments = assign(run.inputs.sales_forecast, run.inputs.sales_history,
                         run.inputs.items, s.planning_month)
    dev = submitted_deviations(run.inputs, run.forecast.forecast, assignments)
    it = run.inputs.items.set_index("item")
    dev = dev[dev["flagged"]].assign(
        description=lambda f: f["item"].map(it["description"]),
        value=lambda f: (f["qty"] - f["reference"]).abs()
        * f["item"].map(it["price"]).astype(float).fillna(0.0))
    dev = dev.sort_values(["value", "assistant", "item"], ascending=[False, True, True],
                          kind="stable")
    reg = _register(book)
    mine = reg[reg["planning_month"].astype(str) == str(s.planning_month)] if len(reg) \
        else reg
    return MeetingData(
        planning_month=s.planning_month, company=s.company, currency=s.currency, lang=lang,
        master=book.name, kpis=kpis(book, run, se, short, lang, card),
        previous=previous_kpis(book, s.planning_month),
        family_plan=family_plan(run), comparison=comparison(now, last), compared_with=last,
        exceptions=Exceptions(short, overloads(run),
                              forecast_changes(run, now, last, s.deviation_threshold),
                              dev.reset_index(drop=True), se),
        finance=financial_projection(run), assistants=assistant_achievement(card, run),
        threshold=s.deviation_threshold,
        this_version=str(mine["version"].iloc[-1]) if len(mine) else None,
        family_review=family_review(run, last), family_options=run.family.options_table,
        family_rates=family_rates(run), family_strategy=str(s.family_strategy))
