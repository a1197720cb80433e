"""Demand of the demo company: the run-rate behind its history, and what sales knows.

Each finished good has a run-rate (its expected monthly demand): a level at the planning
month, a yearly trend, a seasonal profile (low around Spring Festival, a stocking peak
before it, an autumn peak) and a launch ramp or a run-out. History is drawn from it with
noise and split by department and channel. Ahead of the planning month the four parts of
the near-term demand plan are built from the same run-rate:

- small contracts hold the part of the run-rate already ordered (``COVERAGE``: 30 % of
  this month, 8 % of next month, 2 % the month after);
- the sales assistants' M+3 forecast is the rest of the run-rate, through each assistant's
  bias, excluding contracts and projects, so that the four parts add up;
- large contracts and major projects come on top, as lumpy extra demand.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from sop_xl.demo.calendar import SPRING_FESTIVAL
from sop_xl.demo.company import (
    ASSISTANTS,
    CHANNELS,
    CUSTOMERS,
    DOMESTIC,
    INTERNATIONAL,
    VALVES,
    first_month_of,
    months,
    typed_frame,
)
from sop_xl.demo.products import PRODUCTS, Product

# Calendar-month profile (Jan..Dec) before the Spring Festival effect.
SEASON = (1.00, 1.00, 1.05, 1.02, 1.00, 1.02, 0.90, 0.92, 1.08, 0.98, 1.12, 1.10)
COVERAGE = (0.30, 0.08, 0.02, 0.0)  # share of the run-rate on small contracts, by lag
HISTORY_MONTHS = 36


# -- run-rate ----------------------------------------------------------------------------
def _overlap(first: date, last: date, lo: date, hi: date) -> int:
    return max(0, (min(last, hi) - max(first, lo)).days + 1)


def spring_festival_factor(month: pd.Period) -> float:
    """Demand dips in the three weeks around the lunar new year and rises in the month
    before it, as distributors stock up."""
    first, last = month.start_time.date(), month.end_time.date()
    f = 1.0
    for sf in SPRING_FESTIVAL.values():
        f -= 0.80 * _overlap(first, last, sf - timedelta(days=5), sf + timedelta(days=15)) / 30
        f += 0.12 * _overlap(first, last, sf - timedelta(days=35), sf - timedelta(days=6)) / 30
    return f


def run_rate(p: Product, month: pd.Period, planning: pd.Period) -> float:
    """Expected demand of ``p`` in ``month`` (both departments, pieces)."""
    k = month.ordinal - planning.ordinal
    if p.pattern == "lumpy":
        return p.level
    factor = 1.0
    if p.pattern == "new":
        age = month.ordinal - (planning.ordinal - p.months_ago)
        if age < 0:
            return 0.0
        factor = min(1.0, (age + 1) / 5)
    elif p.pattern == "discontinued":
        left = (planning.ordinal - p.months_ago) - month.ordinal
        if left < 0:
            return 0.0
        factor = min(1.0, 0.4 + 0.15 * left)  # run-out over the last months
    season = 1 + p.season * (SEASON[month.month - 1] - 1)
    trend = (1 + p.growth) ** (k / 12)
    return p.level * trend * season * spring_festival_factor(month) * factor


def run_rates(planning: pd.Period, first: pd.Period, n: int) -> pd.DataFrame:
    """Run-rate of every finished good (rows) for ``n`` months from ``first`` (columns)."""
    cols = months(first, n)
    return pd.DataFrame([[run_rate(p, m, planning) for m in cols] for p in PRODUCTS],
                        index=[p.code for p in PRODUCTS], columns=cols)


def shares(p: Product) -> list[tuple[str, float]]:
    """Departments selling ``p`` and their share of it."""
    return [(d, s) for d, s in ((DOMESTIC, p.domestic), (INTERNATIONAL, 1 - p.domestic))
            if s > 0]


# -- history -----------------------------------------------------------------------------
# One-off big orders (outliers for cleaning): item, months before M, department, channel, qty
OUTLIERS = (("FG-P130", 17, DOMESTIC, "direct", 350),
            ("FG-V130", 26, INTERNATIONAL, "export", 220))


def _noise_cv(level: float) -> float:
    return 0.15 if level >= 100 else 0.22 if level >= 30 else 0.35


def history_frame(rng: np.random.Generator, planning: pd.Period) -> pd.DataFrame:
    first = planning - HISTORY_MONTHS
    rr = run_rates(planning, first, HISTORY_MONTHS)
    extra = {(item, planning - ago, dept, ch): q for item, ago, dept, ch, q in OUTLIERS}
    rows = []
    for p in PRODUCTS:
        cv = _noise_cv(p.level)
        for m in rr.columns:
            mu = rr.at[p.code, m]
            if mu <= 0:
                continue
            if p.pattern == "lumpy":
                hit = rng.random() < 0.3
                total = max(1, round(rng.gamma(2.0, mu / 0.3 / 2))) if hit else 0
            else:
                k = 1 / cv**2
                total = int(rng.poisson(mu * rng.gamma(k, 1 / k)))
            by_dept = _split_departments(rng, p, total)
            for dept, qty in by_dept.items():
                names = [c for c, _ in CHANNELS[dept][p.family]]
                w = np.array([s for _, s in CHANNELS[dept][p.family]])
                split = rng.multinomial(qty, rng.dirichlet(w * 60)) if len(w) > 1 else [qty]
                for ch, q in zip(names, split, strict=True):
                    q = int(q) + extra.get((p.code, m, dept, ch), 0)
                    if q <= 0:
                        continue
                    rows.append({"item": p.code, "month": m, "department": dept,
                                 "channel": ch, "shipped_qty": float(q),
                                 "ordered_qty": float(q + math.floor(q * rng.uniform(0, 0.15)))})
    return typed_frame("sales_history", rows)


def _split_departments(rng: np.random.Generator, p: Product, total: int) -> dict[str, int]:
    if p.domestic >= 1:
        return {DOMESTIC: total}
    share = float(np.clip(p.domestic + rng.normal(0, 0.04), 0.02, 0.98))
    dom = int(rng.binomial(total, share))
    return {DOMESTIC: dom, INTERNATIONAL: total - dom}


# -- contracts ---------------------------------------------------------------------------
_PREFIX = {DOMESTIC: "DS", INTERNATIONAL: "IT"}

# contract, department, customer, months before M it was signed,
# lines: (item, ordered, due month offset, delivered)
LARGE = (
    ("L01", DOMESTIC, "Suzhou Water Supply Group (pumping station upgrade)", 3,
     (("FG-P130", 40, 0, 15), ("FG-P130", 40, 1, 0), ("FG-P130", 40, 3, 0),
      ("FG-C220", 30, 1, 0), ("FG-V130", 24, 3, 0))),
    ("L02", INTERNATIONAL, "Gulf Flow Solutions LLC (UAE)", 2,
     (("FG-P150", 30, 1, 0), ("FG-P150", 30, 3, 0), ("FG-P150", 30, 4, 0),
      ("FG-V140", 20, 4, 0))),
    ("L03", DOMESTIC, "China Railway No.3 Bureau - Shenzhen Metro Line 14", 2,
     (("FG-C310", 8, 3, 0), ("FG-C310", 8, 4, 0), ("FG-C310", 8, 5, 0),
      ("FG-P220", 24, 3, 0), ("FG-P220", 24, 5, 0))),
    ("L04", INTERNATIONAL, "Saigon Pump & Valve JSC (Vietnam)", 1,
     (("FG-V110", 150, 1, 0), ("FG-V200", 60, 1, 0), ("FG-V110", 100, 3, 0))),
    ("L05", DOMESTIC, "Sinopec Zhenhai Refining & Chemical", 5,
     (("FG-P500", 16, 0, 6), ("FG-P500", 16, 3, 0), ("FG-P500", 16, 5, 0),
      ("FG-V500", 30, 1, 0), ("FG-V500", 30, 5, 0))),
)

# Past due small contract lines (due last month, not fully delivered): the backlog.
OVERDUE = ((DOMESTIC, "FG-P120", 30, 18), (INTERNATIONAL, "FG-V300", 80, 50))


def _sign_date(rng: np.random.Generator, planning: pd.Period, lag: int) -> date:
    """A signing date before the planning month, earlier for contracts due sooner."""
    start = planning.start_time.date()
    days = {0: (8, 60), 1: (3, 35), 2: (1, 20)}.get(lag, (20, 90))
    return start - timedelta(days=int(rng.integers(*days)))


def contracts_frame(rng: np.random.Generator, planning: pd.Period,
                    rr: pd.DataFrame) -> pd.DataFrame:
    rows: list[dict] = []
    seq = {DOMESTIC: 0, INTERNATIONAL: 0}

    def number(dept: str, signed: date, large: str | None = None) -> str:
        seq[dept] += 1
        tail = large or f"{seq[dept]:03d}"
        return f"{_PREFIX[dept]}-{signed:%y%m}-{tail}"

    for lag in range(3):
        due = planning + lag
        for dept in (DOMESTIC, INTERNATIONAL):
            pieces = _small_pieces(rng, rr, due, dept, COVERAGE[lag])
            n_contracts = max(1, math.ceil(len(pieces) / 2.5))
            merged: dict[tuple[int, str], int] = {}
            for i, (item, q) in enumerate(pieces):
                merged[(i % n_contracts, item)] = merged.get((i % n_contracts, item), 0) + q
            heads = []
            for _ in range(n_contracts):
                signed = _sign_date(rng, planning, lag)
                heads.append((number(dept, signed), signed,
                              str(rng.choice(CUSTOMERS[dept]))))
            for (c, item), q in sorted(merged.items()):
                contract, signed, customer = heads[c]
                delivered = 0
                if lag == 0 and rng.random() < 0.4:
                    delivered = round(q * rng.uniform(0.3, 1.5))
                rows.append({"contract": contract, "contract_type": "small",
                             "customer": customer, "department": dept, "item": item,
                             "ordered_qty": q + delivered, "delivered_qty": delivered,
                             "due_month": due, "sign_date": signed})
    for dept, item, ordered, delivered in OVERDUE:
        signed = _sign_date(rng, planning, 9)
        rows.append({"contract": number(dept, signed), "contract_type": "small",
                     "customer": str(rng.choice(CUSTOMERS[dept])), "department": dept,
                     "item": item, "ordered_qty": ordered, "delivered_qty": delivered,
                     "due_month": planning - 1, "sign_date": signed})
    for tag, dept, customer, ago, lines in LARGE:
        signed = (planning - ago).start_time.date() + timedelta(days=int(rng.integers(3, 25)))
        contract = number(dept, signed, tag)
        for item, ordered, lag, delivered in lines:
            rows.append({"contract": contract, "contract_type": "large", "customer": customer,
                         "department": dept, "item": item, "ordered_qty": ordered,
                         "delivered_qty": delivered, "due_month": planning + lag,
                         "sign_date": signed})
    rows.sort(key=lambda r: (r["contract_type"], r["contract"], r["due_month"], r["item"]))
    return typed_frame("contracts", rows)


def _small_pieces(rng: np.random.Generator, rr: pd.DataFrame, due: pd.Period, dept: str,
                  coverage: float) -> list[tuple[str, int]]:
    """The run-rate share already on order for one department and month, cut into the
    pieces that several customers ordered."""
    out = []
    for p in PRODUCTS:
        if p.pattern in ("lumpy", "discontinued"):
            continue
        share = dict(shares(p)).get(dept, 0.0)
        q = round(rr.at[p.code, due] * share * coverage * rng.uniform(0.7, 1.3))
        if q < 1:
            continue
        n = 1 if q < 12 else 2 if q < 50 else 3
        cuts = rng.multinomial(q - n, np.full(n, 1 / n)) + 1
        out += [(p.code, int(c)) for c in cuts]
    return out


def small_contract_remaining(contracts: pd.DataFrame) -> pd.Series:
    """Open quantity on small contracts by (department, item, due month)."""
    small = contracts[contracts["contract_type"] == "small"]
    open_qty = small["ordered_qty"] - small["delivered_qty"]
    return open_qty.groupby([small["department"], small["item"], small["due_month"]]).sum()


# -- projects and events -----------------------------------------------------------------
# project, customer, department, probability, note, lines: (item, qty, month offset)
PROJECTS = (
    ("Xiong'an Water Plant Phase II", "Xiong'an Urban Water Investment Co.", DOMESTIC, 0.7,
     "Shortlisted; price agreed, waiting for board approval",
     (("FG-P130", 60, 3), ("FG-P121", 40, 4), ("FG-V120", 50, 4))),
    ("NEOM desalination intake", "Gulf Flow Solutions LLC (UAE)", INTERNATIONAL, 0.3,
     "Competing with a European supplier",
     (("FG-P500", 40, 4), ("FG-V310", 120, 5))),
    ("Chengdu district heating retrofit", "Chengdu Tianfu Water Supply", DOMESTIC, 0.9,
     "Contract in legal review", (("FG-C210", 80, 1), ("FG-P210", 60, 1))),
    ("Bac Ninh industrial park utilities", "Saigon Pump & Valve JSC (Vietnam)",
     INTERNATIONAL, 0.5, None, (("FG-V110", 100, 3), ("FG-V400", 60, 3))),
    ("Wuhan Optics Valley hospital MEP", "Wuhan Changjiang Fluid Equipment", DOMESTIC, 0.6,
     "Design institute specified our brand",
     (("FG-C300", 10, 4), ("FG-P200", 20, 4), ("FG-C310", 4, 4))),
    ("Batang nickel smelter cooling water", "PT Maju Teknik (Indonesia)", INTERNATIONAL, 0.2,
     "Early stage, budget not approved", (("FG-P500", 20, 6), ("FG-V510", 30, 6))),
)


def projects_frame(planning: pd.Period) -> pd.DataFrame:
    return typed_frame("projects", [
        {"project": name, "customer": customer, "department": dept, "item": item, "qty": q,
         "month": planning + lag, "probability": prob, "note": note}
        for name, customer, dept, prob, note, lines in PROJECTS for item, q, lag in lines])


def events_frame(planning: pd.Period) -> pd.DataFrame:
    promo = first_month_of(planning + 2, 4)
    fair = first_month_of(planning + 3, 5)
    return typed_frame("events", [
        {"event": "Spring dealer promotion", "scope": "family", "target": VALVES,
         "kind": "multiply", "value": 1.2, "start_month": promo, "end_month": promo + 1,
         "note": "5 % distributor rebate on all valves"},
        {"event": "Canton Fair follow-up orders", "scope": "item", "target": "FG-P150",
         "kind": "add", "value": 25, "start_month": fair, "end_month": fair + 1,
         "note": "Leads from the spring Canton Fair (Middle East, Africa)"},
    ])


# -- sales forecasts ---------------------------------------------------------------------
# Why an assistant's number is above (up) or below (down) the usual run-rate.
_REASONS = {
    (DOMESTIC, "up"): ("Key account Shanghai Minghua confirmed call-offs",
                       "Municipal water tenders expected after the Two Sessions",
                       "New distributor in Hebei signed"),
    (DOMESTIC, "down"): ("Property market slow, direct projects delayed",
                         "Distributor stock still high after the autumn push"),
    (INTERNATIONAL, "up"): ("RMB exchange rate favourable",
                            "New distributor in Kazakhstan onboarding",
                            "Repeat order from Gulf Flow expected"),
    (INTERNATIONAL, "down"): ("Customer delayed LC opening",
                              "Sea freight rates up, customers consolidate shipments"),
}
_BEFORE_SF = "Distributors stock up before Spring Festival"
_AT_SF = "Spring Festival: sites closed for three weeks"


def _reason(rng: np.random.Generator, dept: str, month: pd.Period, ratio: float) -> str | None:
    """A reason for some of the rows far from the run-rate, as assistants write them."""
    sf_months = {pd.Period(d, "M") for d in SPRING_FESTIVAL.values()}
    if month in sf_months and ratio < 1.0 and rng.random() < 0.15:
        return _AT_SF
    if month + 1 in sf_months and ratio > 1.0 and rng.random() < 0.3:
        return _BEFORE_SF
    if abs(ratio - 1) > 0.15 and rng.random() < 0.45:
        return str(rng.choice(_REASONS[(dept, "up" if ratio > 1 else "down")]))
    return None


# Rows that deviate from history on purpose: assistant, item, lag, factor, reason.
DEVIATIONS = (
    ("Li Na", "FG-P200", 1, 1.6, "Heating-season booster demand, Shandong tender expected"),
    ("Zhang Wei", "FG-C210", 3, 0.5, "Vietnam distributor destocking after price increase"),
    ("Wang Fang", "FG-C100", 3, 1.5, "New OEM skid-builder account from March"),
)


def owned(assistant: str) -> list[Product]:
    """The finished goods an assistant forecasts: their families, sold by their
    department."""
    dept, families, _ = ASSISTANTS[assistant]
    return [p for p in PRODUCTS if p.family in families and dict(shares(p)).get(dept, 0) > 0]


def _forecast_qty(rng: np.random.Generator, p: Product, dept: str, bias: float,
                  run: float, lag: int, contracted: float) -> tuple[float, float]:
    """The assistant's number, and the run-rate it stands for (both net of contracts)."""
    share = dict(shares(p))[dept]
    noise = rng.lognormal(0.0, 0.08 + 0.03 * lag)
    qty = float(max(0, round(run * share * (1 + bias) * noise - contracted)))
    return qty, max(0.0, run * share - contracted)


def sales_forecast_frame(rng: np.random.Generator, planning: pd.Period, rr: pd.DataFrame,
                         contracts: pd.DataFrame) -> pd.DataFrame:
    on_order = small_contract_remaining(contracts)
    deviate = {(a, i, lag): (f, r) for a, i, lag, f, r in DEVIATIONS}
    rows = []
    for assistant, (dept, _, bias) in ASSISTANTS.items():
        for p in owned(assistant):
            if p.pattern == "discontinued":
                continue
            for lag in range(4):
                m = planning + lag
                contracted = float(on_order.get((dept, p.code, m), 0.0))
                qty, usual = _forecast_qty(rng, p, dept, bias, rr.at[p.code, m], lag,
                                           contracted)
                reason = None
                if p.pattern != "lumpy" and usual >= 5:
                    reason = _reason(rng, dept, m, qty / usual)
                if (assistant, p.code, lag) in deviate:
                    factor, reason = deviate[(assistant, p.code, lag)]
                    qty = float(round(qty * factor))
                rows.append({"assistant": assistant, "department": dept, "item": p.code,
                             "month": m, "qty": qty, "reason": reason})
    return typed_frame("sales_forecast", rows)


def previous_forecasts_frame(rng: np.random.Generator, planning: pd.Period,
                             n: int = 12) -> pd.DataFrame:
    """The M+3 submissions of the ``n`` months before the planning month, made the same
    way as this month's (run-rate minus what was on small contracts at the time, through
    the assistant's bias), for forecast accuracy at lags 0-3 against SalesHistory."""
    rr = run_rates(planning, planning - n - 1, n + 5)
    rows = []
    for made in months(planning - n, n):
        for assistant, (dept, _, bias) in ASSISTANTS.items():
            for p in owned(assistant):
                if p.pattern == "new" and made < planning - p.months_ago:
                    continue
                if p.pattern == "discontinued" and made > planning - p.months_ago:
                    continue
                for lag in range(4):
                    m = made + lag
                    run = rr.at[p.code, m]
                    share = dict(shares(p))[dept]
                    contracted = run * share * COVERAGE[lag]
                    qty, _ = _forecast_qty(rng, p, dept, bias, run, lag, contracted)
                    rows.append({"assistant": assistant, "department": dept,
                                 "item": p.code, "made_month": made, "month": m, "qty": qty})
    frame = pd.DataFrame(rows)
    for col in ("assistant", "department", "item"):
        frame[col] = frame[col].astype(object)
    frame["made_month"] = pd.PeriodIndex(frame["made_month"], freq="M")
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    return frame


def expected_demand_frame(planning: pd.Period, horizon: int) -> pd.DataFrame:
    """The run-rate over the plan horizon (long format): what a good forecast finds."""
    rr = run_rates(planning, planning, horizon)
    long = rr.stack().rename("qty").reset_index()
    long.columns = ["item", "month", "qty"]
    long["item"] = long["item"].astype(object)
    long["month"] = pd.PeriodIndex(long["month"], freq="M")
    long["qty"] = long["qty"].round(1)
    return long

