"""The demand plan (需求计划), as the seed company builds it.

Per finished good and bucket (pieces), the plan is the sum of

- open **small** and **large contracts** (ordered − delivered, in their due month; past-due
  quantities in the first bucket),
- **projects** about to be signed × their probability (shown unweighted beside),
- the **forecast part**: in the near term (``near_term_months``) the sales assistants'
  forecast, which excludes contracts and projects, wherever one was submitted for the
  item and month; otherwise the *basis* net of what contracts and weighted projects
  already cover, max(basis − contracts − projects, 0). The basis is the statistical
  forecast of shipments, or with ``far_method = "ship_ratio"`` the statistical forecast of
  *ordered* quantity × the item's shipped/ordered ratio over the share window (items
  without ordered history keep the statistical basis);
- **events**: forecast part × (product of the "multiply" factors − 1) + the pieces of the
  "add" events, on an item or split over a family by its factors;
- the **planner adjustment** typed on DemandPlan, kept as typed;
- the **family change** typed on FamilyPlan, split to the family's items by proportional
  factors (history shares over the share window, or factors given on FamilyShares),
  summing back exactly, in whole pieces when Settings asks.

It also consolidates the sales assistants' forecasts per item and month against the
statistical forecast (the pre-S&OP deviation flags) and produces the rows the forecast
archive keeps for accuracy. Arrays are (items × buckets).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from sop_xl.base.periods import bucket_months, month_label, month_weights
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.contract.settings import Settings
from sop_xl.plan.alerts import ExceptionList
from sop_xl.plan.dates import PlanDays
from sop_xl.plan.hierarchy import disaggregate, family_of, historical_shares, normalise_factors

MEASURES = ("small_contracts", "large_contracts", "projects_weighted", "projects_unweighted",
            "sales_forecast", "stat_forecast", "ship_ratio_forecast", "forecast_part",
            "events", "adjustment", "family_change", "demand")
#: the rows whose sum is the demand plan (the grid's "Demand plan" formula)
PARTS = ("small_contracts", "large_contracts", "projects_weighted", "forecast_part", "events",
         "adjustment", "family_change")


@dataclass
class DemandPlan:
    """Per finished good and bucket, each part of the demand plan (pieces)."""

    items: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]
    #: (item, bucket) cells whose forecast part came from the sales assistants
    from_sales: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))
    #: (item, bucket) cells of a month whose sales view deviates beyond the threshold
    flagged: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))
    past_due_orders: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the consolidated sales forecasts per item and month (see ``review``)
    review: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: per item: history share in its family, the share used, shipped/ordered ratio
    shares: pd.DataFrame = field(default_factory=pd.DataFrame)
    far_method: str = "statistical"
    #: the months the plan touches and, per item and month, what is known by month:
    #: "orders" (open contracts due that month), "forecast" (weighted projects, the
    #: forecast part and events) and "basis" (the statistical or ship-ratio forecast the
    #: forecast part is netted from); ``past_due`` open contract pieces due before the plan
    months: list[pd.Period] = field(default_factory=list)
    monthly: dict[str, np.ndarray] = field(default_factory=dict)
    past_due: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: open contract pieces with a due date of their own, needed on that day: item row,
    #: due date (datetime64[D]), pieces; they are left out of ``monthly["orders"]``
    dated_orders: tuple[np.ndarray, np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.zeros(0, np.int64), np.zeros(0, "datetime64[D]"),
                                 np.zeros(0)))

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]

    def frame(self, measure: str) -> pd.DataFrame:
        return pd.DataFrame(self.rows[measure], index=self.items, columns=self.periods)

    @property
    def orders(self) -> np.ndarray:
        """Customer orders: open small and large contract quantities (pieces)."""
        return self.rows["small_contracts"] + self.rows["large_contracts"]

    def dated(self, days: PlanDays, plant: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        """The plan by working day (sop_xl.plan.dates): (forecast, customer orders), each
        (items × days), summing to the buckets' rows. What is known by month — the
        forecast, projects, events and contracts, which give only a due month — is spread
        over the working days of its month, a planner's adjustment and a family change,
        typed in a bucket, over that bucket's, each week's part needed on the week's first
        working day (sop_xl.plan.dates); open contract pieces past due are needed on the
        planning date. ``plant``: each row's plant (``PlanDays.plant_index``), whose own
        working days its months and buckets are spread over."""
        orders = days.spread_months(self.monthly["orders"], self.months, plant)
        if len(days):
            orders[:, 0] += self.past_due
        orders += _on_days(*self.dated_orders, days, len(self.items))
        forecast = days.spread_months(self.monthly["forecast"], self.months, plant) + \
            days.spread_buckets(self.rows["adjustment"] + self.rows["family_change"], plant)
        return forecast, orders


# -- months and buckets -------------------------------------------------------------------

def _by_month(frame: pd.DataFrame, items: pd.Index, qty: np.ndarray, months: pd.Series,
              inputs: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """Monthly quantities per item → (items × the plan's months) and, per item, what is
    due before the plan (past due); months after the plan are dropped."""
    plan_months = bucket_months(inputs.buckets)
    out = np.zeros((len(items), len(plan_months)))
    past = np.zeros(len(items))
    if frame.empty:
        return out, past
    first = inputs.settings.planning_month
    m_index = {m: k for k, m in enumerate(plan_months)}
    rows = items.get_indexer(frame["item"])
    for r, m, q in zip(rows, months, qty, strict=True):
        if r < 0 or not np.isfinite(q) or q == 0:
            continue
        if m < first:
            past[r] += q
            continue
        k = m_index.get(m)
        if k is not None:
            out[r, k] += q
    return out, past


def _to_buckets(monthly: np.ndarray, inputs: Inputs) -> np.ndarray:
    """(items × the plan's months) → (items × buckets), each month shared out by the
    working days each bucket has in it; an item with an unknown month stays unknown."""
    w = month_weights(inputs.buckets, inputs.factory_calendar, bucket_months(inputs.buckets))
    out = np.nan_to_num(monthly) @ w
    out[np.isnan(monthly).any(axis=1)] = np.nan
    return out


def _monthly(frame: pd.DataFrame, items: pd.Index, qty: np.ndarray, months: pd.Series,
             inputs: Inputs, past_due_to_first: bool = True) -> np.ndarray:
    """Monthly quantities per item → (items × buckets); months before the plan go to the
    first bucket (past due) when asked, months after it are dropped."""
    by_month, past = _by_month(frame, items, qty, months, inputs)
    out = _to_buckets(by_month, inputs)
    if past_due_to_first and out.shape[1]:
        out[:, 0] += past
    return out


def bucket_month_shares(inputs: Inputs) -> tuple[list[pd.Period], np.ndarray]:
    """The months the plan touches and a (buckets × months) matrix: the fraction of each
    bucket's working days in each month (rows sum to 1). Identity for month buckets."""
    b = inputs.buckets
    months = bucket_months(b)
    if b.kind == "month":
        return months, np.eye(len(b), len(months))
    cal = inputs.factory_calendar
    out = np.zeros((len(b), len(months)))
    for j, p in enumerate(b):
        for k, m in enumerate(months):
            lo, hi = max(p.start, m.start_time.date()), min(p.end, m.end_time.date())
            if lo <= hi:
                out[j, k] = cal.working_days(lo, hi) or 0.0
        if out[j].sum() == 0:  # a week without working days: calendar days
            for k, m in enumerate(months):
                lo, hi = max(p.start, m.start_time.date()), min(p.end, m.end_time.date())
                out[j, k] = max(0, (hi - lo).days + 1)
        out[j] /= out[j].sum()
    return months, out


def to_months(values: np.ndarray, inputs: Inputs) -> tuple[list[pd.Period], np.ndarray]:
    """(items × buckets) → (items × months), each bucket shared by its working days."""
    months, share = bucket_month_shares(inputs)
    return months, values @ share


def _near_term_mask(inputs: Inputs) -> np.ndarray:
    """Buckets that start in the near-term months (M .. M + near_term_months − 1)."""
    s = inputs.settings
    end = (s.planning_month + s.near_term_months).start_time.date()
    return np.array([p.start < end for p in inputs.buckets])


def near_term_months(inputs: Inputs) -> list[pd.Period]:
    s = inputs.settings
    return list(pd.period_range(s.planning_month, periods=s.near_term_months, freq="M"))


# -- contracts and projects by department -------------------------------------------------

def _dept(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip()


def known_demand(inputs: Inputs) -> pd.DataFrame:
    """Open contracts and weighted projects per department, item and month (pieces), by
    the plan's rules: past-due contract quantities count in the planning month, projects
    before it are dropped. Columns department, item, month, contracts, projects,
    projects_unweighted."""
    m0 = inputs.settings.planning_month
    c = inputs.contracts
    parts = []
    if not c.empty:
        open_qty = (c["ordered_qty"] - c["delivered_qty"].fillna(0)).clip(lower=0)
        months = c["due_month"].where(c["due_month"] >= m0, m0)
        parts.append(pd.DataFrame({"department": _dept(c["department"]), "item": c["item"],
                                   "month": months, "contracts": open_qty.to_numpy(float),
                                   "projects": 0.0, "projects_unweighted": 0.0}))
    p = inputs.projects
    if not p.empty:
        p = p[p["month"] >= m0]
        parts.append(pd.DataFrame({"department": _dept(p["department"]), "item": p["item"],
                                   "month": p["month"], "contracts": 0.0,
                                   "projects": (p["qty"] * p["probability"]).to_numpy(float),
                                   "projects_unweighted": p["qty"].to_numpy(float)}))
    cols = ["department", "item", "month", "contracts", "projects", "projects_unweighted"]
    if not parts:
        return pd.DataFrame({k: pd.Series(dtype=object if k in cols[:3] else float)
                             for k in cols})
    f = pd.concat(parts, ignore_index=True)
    return f.groupby(["department", "item", "month"], as_index=False)[cols[3:]].sum()


# -- factors: family shares and the shipped/ordered ratio ---------------------------------

def family_shares(inputs: Inputs, items: pd.Index,
                  given: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per item: its family, its share of the family's shipments over the share window
    ending the month before the plan (``history_share``), the factor given on
    FamilyShares (``factor``, NaN if none) and the share used (``share``).

    A family with at least one given factor uses the given factors (blank = 0),
    normalised; other families use the history shares."""
    s = inputs.settings
    fam = inputs.items.set_index("item")["family"]
    families = pd.Series(family_of(items, fam), index=items)
    hist = historical_shares(inputs.sales_history, families, end=s.planning_month - 1,
                             months=s.share_months, items=items)
    factor = pd.Series(np.nan, index=items)
    if given is not None and not given.empty:
        g = given.dropna(subset=["factor"])
        g = g[g["item"].isin(items)]
        factor[g["item"].to_numpy()] = g["factor"].to_numpy(float)
    share = hist.copy()
    for _, members in families.groupby(families, sort=False):
        f = factor[members.index]
        if f.notna().any():
            share[members.index] = normalise_factors(f.fillna(0.0).to_numpy())
    return pd.DataFrame({"family": families, "history_share": hist, "factor": factor,
                         "share": share})


def ship_ratios(inputs: Inputs, items: pd.Index) -> pd.Series:
    """Σ shipped ÷ Σ ordered per item over the share window ending the month before the
    plan, on the history rows that give an ordered quantity; NaN where there are none or
    nothing was ordered."""
    s = inputs.settings
    h = inputs.sales_history
    end = s.planning_month - 1
    h = h[(h["month"] > end - s.share_months) & (h["month"] <= end) & h["ordered_qty"].notna()]
    g = h.groupby("item")[["shipped_qty", "ordered_qty"]].sum().reindex(items)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = g["shipped_qty"] / g["ordered_qty"].where(g["ordered_qty"] > 0)
    return r.astype(float)


# -- the plan ------------------------------------------------------------------------------

def plan(inputs: Inputs, stat_forecast: pd.DataFrame,
         adjustments: pd.DataFrame | None = None, *,
         ordered_forecast: pd.DataFrame | None = None,
         family_changes: pd.DataFrame | None = None,
         factors: pd.DataFrame | None = None) -> DemandPlan:
    """Build the demand plan for every finished good.

    ``stat_forecast``: long frame item, period (pandas Period[M]), forecast (pieces/month)
    of shipments; ``ordered_forecast`` the same for ordered quantity (used when
    ``far_method`` is "ship_ratio"). ``adjustments``: item, period (bucket label), value —
    what a planner typed in the adjustment row, kept as it is. ``family_changes``: family,
    period (bucket label), value — typed on FamilyPlan, split to items. ``factors``:
    family, item, factor — given on FamilyShares (blank factor = NaN).
    """
    s = inputs.settings
    fg = inputs.items_of_type("FG")
    items = pd.Index(fg["item"], name="item")
    periods = inputs.buckets.labels
    rows: dict[str, np.ndarray] = {}

    c = inputs.contracts
    open_qty = (c["ordered_qty"] - c["delivered_qty"].fillna(0)).clip(lower=0).to_numpy()
    # every part known by month is worked out by month, then shared out to the buckets,
    # so week buckets sum the same months and the dated plan spreads the same quantities
    months = bucket_months(inputs.buckets)
    by_month: dict[str, np.ndarray] = {}
    past_due_qty = np.zeros(len(items))
    # a contract with a due date of its own in the plan is needed on that day, the others
    # through their month; by month (what the forecast is netted of) both count
    on_day = _on_a_day(c, s.planning_month)
    days = PlanDays.build(inputs.buckets, inputs.factory_calendar, s.plan_start)
    orders_by_month = np.zeros((len(items), len(months)))
    for kind in ("small", "large"):
        mask = (c["contract_type"] == kind).to_numpy()
        by_month[f"{kind}_contracts"], past = _by_month(c[mask], items, open_qty[mask],
                                                        c["due_month"][mask], inputs)
        past_due_qty += past
        through, _ = _by_month(c[mask & ~on_day], items, open_qty[mask & ~on_day],
                               c["due_month"][mask & ~on_day], inputs)
        orders_by_month += through
        rows[f"{kind}_contracts"] = _to_buckets(through, inputs) + days.by_bucket(_on_days(
            *_day_orders(c[mask & on_day], items, open_qty[mask & on_day]), days, len(items)))
        if len(periods):
            rows[f"{kind}_contracts"][:, 0] += past
    p = inputs.projects
    qty = p["qty"].to_numpy()
    prob = p["probability"].to_numpy()
    by_month["projects_weighted"] = _by_month(p, items, qty * prob, p["month"], inputs)[0]
    by_month["projects_unweighted"] = _by_month(p, items, qty, p["month"], inputs)[0]

    sf = inputs.sales_forecast
    by_month["sales_forecast"] = _by_month(sf, items, sf["qty"].to_numpy(), sf["month"],
                                           inputs)[0]
    # a submitted 0 is a forecast of nothing, not a missing forecast
    submitted = _by_month(sf, items, np.ones(len(sf)), sf["month"], inputs)[0] > 0
    by_month["stat_forecast"] = _forecast_months(stat_forecast, items, inputs)

    shares = family_shares(inputs, items, factors)
    shares["ship_ratio"] = ship_ratios(inputs, items)
    basis = by_month["stat_forecast"]
    by_month["ship_ratio_forecast"] = np.full(basis.shape, np.nan)
    if s.far_method == "ship_ratio" and ordered_forecast is not None:
        ordered = _forecast_months(ordered_forecast, items, inputs, missing=np.nan)
        ratio = shares["ship_ratio"].to_numpy(float)[:, None]
        by_month["ship_ratio_forecast"] = ordered * ratio
        basis = np.where(np.isfinite(by_month["ship_ratio_forecast"]),
                         by_month["ship_ratio_forecast"], basis)

    known = by_month["small_contracts"] + by_month["large_contracts"] + \
        by_month["projects_weighted"]
    if known.shape[1]:
        known[:, 0] += past_due_qty   # overdue contracts ship in the first month
    net = np.maximum(basis - known, 0.0)
    near = np.isin(np.array(months, dtype=object), near_term_months(inputs))
    from_sales_m = submitted & near[None, :]
    by_month["forecast_part"] = np.where(from_sales_m, by_month["sales_forecast"], net)
    by_month["events"] = _events(inputs, items, by_month["forecast_part"], shares["share"],
                                 months)
    for key in ("projects_weighted", "projects_unweighted", "sales_forecast", "stat_forecast",
                "ship_ratio_forecast", "forecast_part", "events"):
        rows[key] = _to_buckets(by_month[key], inputs)
    from_sales = _to_buckets(from_sales_m.astype(float), inputs) > 0
    rows["adjustment"] = _cells(adjustments, items, periods)
    rows["family_change"] = split_family_changes(family_changes, items, shares, periods,
                                                 whole=s.whole_pieces)
    rows["demand"] = sum((rows[k] for k in PARTS), np.zeros((len(items), len(periods))))

    rev = review(inputs, stat_forecast)
    flagged = np.zeros_like(from_sales)
    if not rev.empty:
        f = rev[rev["flagged"]]
        flagged = _monthly(f, items, np.ones(len(f)), f["month"], inputs, False) > 0
    past_due = c[(c["due_month"] < s.planning_month).to_numpy() & (open_qty > 0)]
    monthly = {"orders": orders_by_month,
               "forecast": by_month["projects_weighted"] + by_month["forecast_part"]
               + by_month["events"],
               # what the forecast part is netted of, kept for netting per plant
               "basis": basis}
    return DemandPlan(items, periods, rows, from_sales, flagged, past_due, rev, shares,
                      s.far_method, months, monthly, past_due_qty,
                      _day_orders(c[on_day], items, open_qty[on_day]))


def _on_a_day(contracts: pd.DataFrame, planning_month: pd.Period) -> np.ndarray:
    """Contract rows needed on their own due date: one is given and the due month is not
    past (open pieces of an earlier month are needed on the planning date)."""
    if "due_date" not in contracts or contracts.empty:
        return np.zeros(len(contracts), bool)
    return (contracts["due_date"].notna() & (contracts["due_month"] >= planning_month)) \
        .to_numpy(bool)


def _day_orders(contracts: pd.DataFrame, items: pd.Index, qty: np.ndarray,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contract rows with a due date → (item row, due date, open pieces) of the plan's
    finished goods, nothing open left out."""
    if contracts.empty:
        return (np.zeros(0, np.int64), np.zeros(0, "datetime64[D]"), np.zeros(0))
    rows = items.get_indexer(contracts["item"])
    when = pd.to_datetime(contracts["due_date"]).to_numpy().astype("datetime64[D]")
    ok = (rows >= 0) & (qty > 0)
    return rows[ok].astype(np.int64), when[ok], np.asarray(qty, float)[ok]


def _on_days(rows: np.ndarray, when: np.ndarray, qty: np.ndarray, days: PlanDays,
             n_items: int) -> np.ndarray:
    """Pieces due on dates → (items × days), each on the working day it is needed (that
    day or the one before); after the plan left out."""
    out = np.zeros((n_items, len(days)))
    day = days.demand_day(when)
    ok = day < len(days)
    np.add.at(out, (rows[ok], day[ok]), qty[ok])
    return out


def _forecast_months(forecast: pd.DataFrame | None, items: pd.Index, inputs: Inputs,
                     missing: float = 0.0) -> np.ndarray:
    """A monthly forecast frame (item, period, forecast) → (items × the plan's months);
    items it does not cover are ``missing``."""
    n_months = len(bucket_months(inputs.buckets))
    if forecast is None or forecast.empty:
        return np.full((len(items), n_months), missing)
    f = forecast[forecast["item"].isin(items)]
    out = _by_month(f, items, f["forecast"].to_numpy(dtype=float), f["period"], inputs)[0]
    if missing != 0.0:
        covered = items.isin(f["item"].unique())
        out[~covered] = missing
    return out


def _forecast_rows(forecast: pd.DataFrame | None, items: pd.Index, inputs: Inputs,
                   missing: float = 0.0) -> np.ndarray:
    """A monthly forecast frame (item, period, forecast) → (items × buckets); items it
    does not cover are ``missing``."""
    return _to_buckets(_forecast_months(forecast, items, inputs, missing), inputs)


def _events(inputs: Inputs, items: pd.Index, forecast: np.ndarray, shares: pd.Series,
            months: list[pd.Period]) -> np.ndarray:
    """Promotions (SAP events), as the change to the plan by month (items × ``months``,
    pieces).

    "multiply" factors compound and scale the forecast part in the event's months; "add"
    puts ``value`` pieces per month on the item, or on the family split to its items by
    the family factors (in whole pieces when Settings asks)."""
    out = np.zeros_like(forecast)
    ev = inputs.events
    if ev.empty:
        return out
    s = inputs.settings
    fam = inputs.items.set_index("item")["family"].reindex(items).fillna("").to_numpy()
    factor = np.ones_like(forecast)
    added = np.zeros_like(forecast)
    share = shares.reindex(items).fillna(0.0).to_numpy(float)
    for e in ev.itertuples(index=False):
        sel = np.flatnonzero(items == e.target if e.scope == "item" else fam == e.target)
        if not sel.size:
            continue
        in_event = np.array([e.start_month <= m <= e.end_month for m in months], dtype=float)
        if e.kind == "multiply":
            factor[sel] *= 1.0 + (float(e.value) - 1.0) * in_event[None, :]
            continue
        per_month = float(e.value) * in_event
        if sel.size == 1:
            added[sel[0]] += per_month
            continue
        exact = s.whole_pieces and float(e.value).is_integer()
        split = disaggregate(float(e.value), share[sel], whole=exact)  # pieces per month
        added[sel] += split[:, None] * in_event[None, :]
    return forecast * (factor - 1.0) + added


def _cells(frame: pd.DataFrame | None, items: pd.Index, periods: list[str],
           key: str = "item") -> np.ndarray:
    out = np.zeros((len(items), len(periods)))
    if frame is None or frame.empty:
        return out
    a = frame.dropna(subset=["value"])
    r = items.get_indexer(a[key].astype(str))
    c = pd.Index(periods).get_indexer(a["period"].astype(str))
    ok = (r >= 0) & (c >= 0)
    np.add.at(out, (r[ok], c[ok]), a["value"].to_numpy(dtype=float)[ok])
    return out


def split_family_changes(changes: pd.DataFrame | None, items: pd.Index,
                         shares: pd.DataFrame, periods: list[str], *,
                         whole: bool = True) -> np.ndarray:
    """Family changes (family, period label, value in pieces) → (items × buckets), each
    split to the family's items by ``shares["share"]`` and summing back exactly."""
    out = np.zeros((len(items), len(periods)))
    if changes is None or changes.empty:
        return out
    ch = changes.dropna(subset=["value"])
    ch = ch[ch["value"] != 0]
    fam = shares["family"].reindex(items).to_numpy()
    share = shares["share"].reindex(items).fillna(0.0).to_numpy(float)
    col = pd.Index(periods).get_indexer(ch["period"].astype(str))
    for f, c, v in zip(ch["family"].astype(str), col, ch["value"].to_numpy(float),
                       strict=True):
        sel = np.flatnonzero(fam == f)
        if c < 0 or not sel.size:
            continue
        out[sel, c] += disaggregate(v, share[sel], whole=whole)
    return out


# -- the sales assistants' forecasts against the statistical forecast ---------------------

@dataclass(frozen=True)
class DeviationRule:
    """When a forecast departs from its reference enough to need a reason and a place in
    Exceptions (Settings: deviation flag, minimum and minimum value): by more than
    ``share`` of the reference (any quantity when the reference is 0), and by at least
    ``min_qty`` pieces, and by at least ``min_value`` at the item's price — so 6 pieces
    against 3 is not a meeting topic, whatever the percentage."""

    share: float             # fraction of the reference
    min_qty: float = 0.0     # pieces
    min_value: float = 0.0   # money

    @classmethod
    def of(cls, settings: Settings) -> DeviationRule:
        return cls(float(settings.deviation_threshold), float(settings.deviation_min_qty),
                   float(settings.deviation_min_value))

    def flags(self, qty: ArrayLike, reference: ArrayLike,
              price: ArrayLike = 0.0) -> np.ndarray:
        """Element-wise: does ``qty`` (pieces) need a reason against ``reference``?"""
        q, ref = np.asarray(qty, dtype=float), np.asarray(reference, dtype=float)
        diff = np.abs(q - ref)
        with np.errstate(invalid="ignore"):
            beyond = np.where(ref > 0, diff > self.share * ref, q > 0)
        big = (diff >= self.min_qty - 1e-9) & \
            (diff * np.nan_to_num(np.asarray(price, dtype=float)) >= self.min_value - 1e-9)
        return beyond & big


def review(inputs: Inputs, stat_forecast: pd.DataFrame) -> pd.DataFrame:
    """The sales assistants' forecasts consolidated per item and near-term month.

    Sales view = open contracts + weighted projects + the sales forecast (all departments):
    what sales expect to ship. Deviation = (sales view − statistical) ÷ statistical; a row
    is flagged when |deviation| exceeds ``deviation_threshold``, or when the statistical
    forecast is 0 and the sales view is not, and the difference is at least the minimum
    pieces and value of Settings (``DeviationRule``). Only items and months with a
    submitted forecast are listed."""
    s = inputs.settings
    cols = ["item", "description", "family", "month", "assistants", "departments",
            "contracts", "projects", "sales_forecast", "sales_total", "stat_forecast",
            "deviation", "flagged", "reasons"]
    near = near_term_months(inputs)
    sf = inputs.sales_forecast
    fg = set(inputs.items_of_type("FG")["item"])
    sf = sf[sf["month"].isin(near) & sf["item"].isin(fg)]
    if sf.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    sf = sf.assign(department=_dept(sf["department"]))

    def names(v: pd.Series) -> str:
        return ", ".join(sorted({x for x in v if x}))

    def reasons(g: pd.DataFrame) -> str:
        return "; ".join(f"{a}: {r}" for a, r in zip(g["assistant"], g["reason"], strict=True)
                         if isinstance(r, str) and r.strip())

    grp = sf.groupby(["item", "month"], sort=True)
    out = grp.agg(assistants=("assistant", names), departments=("department", names),
                  sales_forecast=("qty", "sum")).reset_index()
    out["reasons"] = [reasons(g) for _, g in grp]
    known = known_demand(inputs).groupby(["item", "month"])[["contracts", "projects"]].sum()
    k = known.reindex(pd.MultiIndex.from_frame(out[["item", "month"]])).fillna(0.0)
    out["contracts"] = k["contracts"].to_numpy()
    out["projects"] = k["projects"].to_numpy()
    out["sales_total"] = out["contracts"] + out["projects"] + out["sales_forecast"]
    st = stat_forecast.groupby(["item", "period"])["forecast"].sum() \
        if not stat_forecast.empty else pd.Series(dtype=float)
    out["stat_forecast"] = st.reindex(pd.MultiIndex.from_frame(out[["item", "month"]])) \
        .fillna(0.0).to_numpy(float)
    stat = out["stat_forecast"].to_numpy(float)
    total = out["sales_total"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.where(stat > 0, (total - stat) / stat, np.nan)
    out["deviation"] = dev
    it = inputs.items.set_index("item")
    price = out["item"].map(it["price"]).astype(float).fillna(0.0).to_numpy()
    out["flagged"] = DeviationRule.of(s).flags(total, stat, price)
    out["description"] = out["item"].map(it["description"])
    out["family"] = out["item"].map(it["family"])
    return out[cols]


def demand_exceptions(plan: DemandPlan, ex: ExceptionList) -> None:
    """Forecast deviations for the pre-S&OP meeting, and negative demand cells."""
    rev = plan.review
    if not rev.empty:
        for r in rev[rev["flagged"]].itertuples(index=False):
            who = r.assistants or r.departments
            if np.isfinite(r.deviation):
                ex.add("info", "deviation", r.item, month_label(r.month),
                       r.sales_total - r.stat_forecast, "msg_forecast_deviation", "demand",
                       sales=r.sales_total, stat=r.stat_forecast, dev=r.deviation, who=who)
            else:
                ex.add("info", "deviation", r.item, month_label(r.month), r.sales_total,
                       "msg_forecast_no_stat", "demand", sales=r.sales_total, who=who)
    d = plan["demand"]
    for i, p in zip(*np.nonzero(d < -1e-9), strict=True):
        ex.add("warning", "negative_demand", plan.items[i], plan.periods[p], d[i, p],
               "msg_negative_demand", "demand", qty=d[i, p])


# -- the forecast archive -----------------------------------------------------------------

ARCHIVE_COLUMNS = ["made_month", "month", "lag", "source", "assistant", "department", "item",
                   "family", "qty", "submitted_qty", "run_at"]


def per_assistant(sales_forecast: pd.DataFrame) -> pd.DataFrame:
    """SalesForecast with an assistant's lines for one item and month summed over their
    shipping plants (issue 17): what the assistant forecast, one line per assistant, item
    and month (department and reason: the first given); unchanged when no line names a
    plant."""
    sf = sales_forecast
    if sf.empty or "plant" not in sf or not sf["plant"].notna().any():
        return sf
    key = ["assistant", "item", "month"]
    first = {c: "first" for c in sf.columns if c not in (*key, "qty")}   # first non-blank
    out = sf.groupby(key, sort=False, as_index=False, dropna=False).agg(
        {"qty": "sum", **first})
    return out.assign(plant=None)[list(sf.columns)]


def archive_rows(inputs: Inputs, plan: DemandPlan, stat_forecast: pd.DataFrame,
                 run_at: str) -> pd.DataFrame:
    """What this run submits, for the forecast archive: per near-term month (lag 1 = the
    planning month; made month = the month before it),

    - "sales": each assistant's forecast + their department's open contracts and weighted
      projects for the item and month (split between assistants of one department who
      forecast the same item, by their forecasts), comparable with shipments;
    - "statistical": the statistical forecast of each finished good;
    - "demand_plan": the demand plan of each finished good (weeks shared into months)."""
    s = inputs.settings
    made = s.planning_month - 1
    near = near_term_months(inputs)
    fam = inputs.items.set_index("item")["family"]
    parts = []
    sf = per_assistant(inputs.sales_forecast)
    sf = sf[sf["month"].isin(near) & sf["item"].isin(plan.items)]
    if not sf.empty:
        sf = sf.assign(department=_dept(sf["department"]))
        key = ["department", "item", "month"]
        kn = known_demand(inputs)
        kn = kn.assign(known=kn["contracts"] + kn["projects"]).set_index(key)["known"]
        known = kn.reindex(pd.MultiIndex.from_frame(sf[key])).fillna(0.0).to_numpy()
        g = sf.groupby(key)["qty"]
        tot, cnt = g.transform("sum").to_numpy(float), g.transform("size").to_numpy(float)
        w = np.where(tot > 0, sf["qty"].to_numpy(float) / np.where(tot > 0, tot, 1), 1 / cnt)
        parts.append(pd.DataFrame({
            "month": sf["month"].to_numpy(), "source": "sales",
            "assistant": sf["assistant"].to_numpy(), "department": sf["department"].to_numpy(),
            "item": sf["item"].to_numpy(), "qty": sf["qty"].to_numpy(float) + known * w,
            "submitted_qty": sf["qty"].to_numpy(float)}))
    st = stat_forecast[stat_forecast["item"].isin(plan.items)
                       & stat_forecast["period"].isin(near)]
    if not st.empty:
        parts.append(pd.DataFrame({"month": st["period"].to_numpy(), "source": "statistical",
                                   "item": st["item"].to_numpy(),
                                   "qty": st["forecast"].to_numpy(float)}))
    months, monthly = to_months(plan["demand"], inputs)
    keep = [k for k, m in enumerate(months) if m in near]
    if keep and len(plan.items):
        r, k = np.meshgrid(np.arange(len(plan.items)), keep, indexing="ij")
        parts.append(pd.DataFrame({
            "month": [months[j] for j in k.ravel()], "source": "demand_plan",
            "item": plan.items[r.ravel()], "qty": monthly[r.ravel(), k.ravel()]}))
    if not parts:
        return pd.DataFrame(columns=ARCHIVE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["month"] = pd.PeriodIndex(out["month"], freq="M")
    out["made_month"] = pd.PeriodIndex([made] * len(out), freq="M")
    out["lag"] = (out["month"].array.asi8 - made.ordinal).astype(np.int64)
    out["family"] = out["item"].map(fam)
    out["assistant"] = out["assistant"].fillna("") if "assistant" in out else ""
    out["department"] = out["department"].fillna("") if "department" in out else ""
    out["run_at"] = run_at
    if "submitted_qty" not in out:
        out["submitted_qty"] = np.nan
    return out[ARCHIVE_COLUMNS]


def append_archive(archive: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """The archive with ``new`` appended. Rows of earlier made months stay as they are; a
    re-run in the same month replaces that month's rows of the sources it submits."""
    old = archive.drop(columns="_row", errors="ignore")
    if new.empty:
        return old.reset_index(drop=True)
    if not old.empty:
        made = set(new["made_month"].astype(str))
        sources = set(new["source"])
        same = old["made_month"].astype(str).isin(made) & old["source"].isin(sources)
        old = old[~same.to_numpy()]
    frames = [f for f in (old, new) if not f.empty]
    return pd.concat(frames, ignore_index=True)[ARCHIVE_COLUMNS]
