"""The family production plan (产品族生产计划): the aggregate plan the S&OP meeting decides.

Per product family and bucket (pieces): demand plan, open production orders (receipts),
production, closing stock = opening + receipts + production − demand, and days of supply
= closing stock ÷ average demand per working day of the next three buckets (the MPS's
definition, ``sop_xl.plan.mps.days_of_supply``). Production is set by a strategy, the
macros of SAP PP-SOP's standard planning table (ref: SAP PP-SOP, "Standard SOP: Creating a
Planning Table", macros "Synchronous to sales", "Target stock level", "Target days'
supply") plus the textbook level plan (APICS, "level production method"):

- **chase** (synchronous to sales): production = demand − receipts, so the stock stays
  where it opens;
- **level**: one quantity every free bucket, so that the stock at the end of the horizon
  is the target stock of the last bucket: (Σ demand + target at the end − opening − Σ
  receipts − Σ fixed production) ÷ free buckets, never below 0; stock may run short
  inside the horizon (reported as shortage);
- **target_dos**: production brings the closing stock to target days × average demand
  per working day of the next three buckets (the last bucket: its own demand per day);
- **target_stock**: production brings the closing stock to the target stock level.

Every strategy but level works bucket by bucket from the stock it actually has, so a
bucket that overshoots (whole pieces, nothing to produce) lowers the next one's need.
``fixed`` cells (the frozen fence's quantities, a planner's typed production) are kept
as they are and the strategy plans around them. Whole pieces: a stock-following bucket is
rounded up; the level quantity is spread in whole pieces by the largest remainder,
earlier buckets first (building ahead is the safe side).

Each option is judged by its consequences: closing stock and its value at unit cost,
shortage, production at cost, load on the family's key resource against the hours it
has and the overtime that needs. Pure: numpy in, numpy out; no words, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sop_xl.plan.hierarchy import largest_remainder
from sop_xl.plan.mps import days_of_supply

STRATEGIES = ("chase", "level", "target_dos", "target_stock")
#: the Settings choice that leaves production to the items' own MPS
NONE = "none"
_EPS = 1e-9


def demand_per_day(demand: np.ndarray, workdays: np.ndarray) -> np.ndarray:
    """Average demand per working day of the next three buckets (families × buckets,
    pieces/day), as the days-of-supply row counts it; the last bucket has no bucket after
    it and takes its own demand per working day. 0 where there are no working days."""
    demand = np.atleast_2d(np.asarray(demand, dtype=float))
    w = np.asarray(workdays, dtype=float)
    n, h = demand.shape
    out = np.zeros((n, h))
    for p in range(h):
        lo, hi = (p + 1, min(p + 3, h - 1)) if p < h - 1 else (p, p)
        days = w[lo:hi + 1].sum()
        if days > 0:
            out[:, p] = demand[:, lo:hi + 1].sum(axis=1) / days
    return out


def target_close(strategy: str, demand: np.ndarray, opening: np.ndarray, workdays: np.ndarray,
                 *, target_dos: np.ndarray | None = None,
                 target_stock: np.ndarray | None = None) -> np.ndarray:
    """The closing stock a strategy aims at (families × buckets, pieces): the opening stock
    (chase), target days × demand per day (target_dos), the target stock (target_stock and
    level, whose aim is only the last bucket's)."""
    demand = np.atleast_2d(np.asarray(demand, dtype=float))
    n, h = demand.shape
    if strategy == "chase":
        return np.repeat(np.asarray(opening, dtype=float)[:, None], h, axis=1)
    if strategy == "target_dos":
        dos = np.zeros(n) if target_dos is None else np.asarray(target_dos, dtype=float)
        return (dos[:, None] if dos.ndim == 1 else dos) * demand_per_day(demand, workdays)
    if strategy in ("target_stock", "level"):
        if target_stock is None:
            return np.zeros((n, h))
        t = np.asarray(target_stock, dtype=float)
        return np.broadcast_to(t[:, None] if t.ndim == 1 else t, (n, h)).copy()
    raise ValueError(f"unknown strategy {strategy!r}; expected one of {STRATEGIES}")


def production(strategy: str, demand: np.ndarray, opening: np.ndarray, workdays: np.ndarray,
               *, receipts: np.ndarray | None = None, target_dos: np.ndarray | None = None,
               target_stock: np.ndarray | None = None, fixed: np.ndarray | None = None,
               whole: bool = True) -> np.ndarray:
    """Production per family and bucket (pieces, ≥ 0) by ``strategy`` (one of
    ``STRATEGIES``). ``fixed``: quantities kept as they are (NaN = free)."""
    demand = np.atleast_2d(np.asarray(demand, dtype=float))
    n, h = demand.shape
    opening = np.asarray(opening, dtype=float).reshape(n)
    rec = np.zeros((n, h)) if receipts is None else np.asarray(receipts, dtype=float)
    fix = np.full((n, h), np.nan) if fixed is None else np.asarray(fixed, dtype=float)
    aim = target_close(strategy, demand, opening, workdays, target_dos=target_dos,
                       target_stock=target_stock)
    if strategy == "level":
        return _level(demand, opening, rec, aim[:, -1] if h else np.zeros(n), fix, whole)
    out = np.zeros((n, h))
    stock = opening.copy()
    for p in range(h):
        need = np.maximum(0.0, demand[:, p] + aim[:, p] - stock - rec[:, p])
        if whole:
            need = np.ceil(need - _EPS)
        out[:, p] = np.where(np.isfinite(fix[:, p]), fix[:, p], need)
        stock = stock + rec[:, p] + out[:, p] - demand[:, p]
    return out


def _level(demand: np.ndarray, opening: np.ndarray, rec: np.ndarray, end: np.ndarray,
           fix: np.ndarray, whole: bool) -> np.ndarray:
    free = ~np.isfinite(fix)
    out = np.where(free, 0.0, fix)
    total = demand.sum(axis=1) + end - opening - rec.sum(axis=1) - out.sum(axis=1)
    for f in range(len(demand)):
        k = int(free[f].sum())
        if k == 0 or total[f] <= _EPS:
            continue
        if whole:
            # whole pieces, the odd ones to the earliest buckets (equal weights: ties go
            # to the earlier part)
            out[f, free[f]] = largest_remainder(float(np.ceil(total[f] - _EPS)), np.ones(k))
        else:
            out[f, free[f]] = total[f] / k
    return out


@dataclass
class Outcome:
    """A production plan of every family and what it leads to (families × buckets)."""

    production: np.ndarray        # pieces
    closing: np.ndarray           # pieces; negative = short
    dos: np.ndarray               # days; NaN where no demand follows
    shortage: np.ndarray          # pieces short at the bucket's end
    inventory_value: np.ndarray   # money, closing stock (≥ 0) × unit cost
    production_value: np.ndarray  # money, production × unit cost
    load: np.ndarray              # hours on the key resource; NaN where none known
    overtime: np.ndarray          # hours above the available hours; NaN where unknown


def outcome(prod: np.ndarray, demand: np.ndarray, opening: np.ndarray,
            workdays: np.ndarray, *, receipts: np.ndarray | None = None,
            unit_cost: np.ndarray | None = None, hours_per_piece: np.ndarray | None = None,
            available: np.ndarray | None = None) -> Outcome:
    """The consequences of production ``prod``: stock balance, days of supply, value,
    load and overtime. ``hours_per_piece`` (families,) and ``available`` (families ×
    buckets, hours) of each family's key resource; NaN where a family has none."""
    prod = np.atleast_2d(np.asarray(prod, dtype=float))
    demand = np.atleast_2d(np.asarray(demand, dtype=float))
    n, h = demand.shape
    rec = np.zeros((n, h)) if receipts is None else np.asarray(receipts, dtype=float)
    # rounded far below a piece: a running sum of fractional demand leaves float dust
    closing = np.round(np.asarray(opening, dtype=float).reshape(n)[:, None]
                       + np.cumsum(rec + prod - demand, axis=1), 9)
    cost = np.zeros(n) if unit_cost is None else np.nan_to_num(
        np.asarray(unit_cost, dtype=float))
    hpp = np.full(n, np.nan) if hours_per_piece is None else np.asarray(
        hours_per_piece, dtype=float)
    load = prod * hpp[:, None]
    avail = np.full((n, h), np.nan) if available is None else np.asarray(available, float)
    return Outcome(production=prod, closing=closing,
                   dos=days_of_supply(closing, demand, np.asarray(workdays, dtype=float)),
                   shortage=np.maximum(0.0, -closing),
                   inventory_value=np.maximum(closing, 0.0) * cost[:, None],
                   production_value=prod * cost[:, None], load=load,
                   overtime=np.maximum(0.0, load - avail))


SUMMARY_COLUMNS = ["family", "strategy", "chosen", "production", "end_stock", "average_stock",
                   "lowest_stock", "shortage", "average_dos", "inventory_value",
                   "production_value", "overtime_hours", "peak_utilisation"]


def summary(families: pd.Index, strategy: str, o: Outcome, available: np.ndarray | None,
            *, chosen: bool = False) -> pd.DataFrame:
    """One row per family: an option's figures over the horizon — pieces produced, stock
    at the end, average and lowest, largest shortage, average days of supply, average
    inventory value, production at cost, overtime hours and peak utilisation of the key
    resource (NaN where unknown)."""
    n, h = o.closing.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        avail = np.full((n, h), np.nan) if available is None else np.asarray(available, float)
        util = np.where(avail > 0, o.load / avail, np.nan)
        peak = np.array([np.nanmax(u) if np.isfinite(u).any() else np.nan for u in util]) \
            if h else np.full(n, np.nan)
        overtime = np.array([np.nansum(r) if np.isfinite(r).any() else np.nan
                             for r in o.overtime]) if h else np.full(n, np.nan)
        dos = np.array([np.nanmean(r) if np.isfinite(r).any() else np.nan for r in o.dos]) \
            if h else np.full(n, np.nan)
    return pd.DataFrame({
        "family": families, "strategy": strategy, "chosen": chosen,
        "production": o.production.sum(axis=1),
        "end_stock": o.closing[:, -1] if h else np.zeros(n),
        "average_stock": o.closing.mean(axis=1) if h else np.zeros(n),
        "lowest_stock": o.closing.min(axis=1) if h else np.zeros(n),
        "shortage": o.shortage.max(axis=1) if h else np.zeros(n),
        "average_dos": dos,
        "inventory_value": o.inventory_value.mean(axis=1) if h else np.zeros(n),
        "production_value": o.production_value.sum(axis=1),
        "overtime_hours": overtime, "peak_utilisation": peak}, columns=SUMMARY_COLUMNS)


@dataclass
class FamilyProductionPlan:
    """The family production plan: the options, the one chosen and the production the
    meeting approves (families × buckets, pieces)."""

    families: pd.Index
    periods: list[str]
    demand: np.ndarray
    receipts: np.ndarray
    opening: np.ndarray            # (families,) pieces on hand at the start
    target_stock: np.ndarray       # the closing stock the chosen strategy aims at
    target_dos: np.ndarray         # (families,) days, from the items
    hours_per_piece: np.ndarray    # (families,) on the key resource; NaN: none
    unit_cost: np.ndarray          # (families,) money per piece
    available: np.ndarray          # hours of the key resource given to the family
    key_resource: list[str]
    strategy: str                  # one of STRATEGIES, or NONE
    options: dict[str, Outcome]
    #: what the strategy (or, with NONE, the items' own MPS) suggests
    suggested: np.ndarray
    #: the planner's typed production (NaN = none)
    typed: np.ndarray
    chosen: Outcome
    options_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the target stock level and target days of supply per bucket the strategies use:
    #: the families' own (items' safety stocks, items' target days) or what the planner
    #: typed over them on the sheet
    stock_level: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    target_days: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    #: (families,) the families' own target stock level (the items' safety stocks)
    own_stock: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def approved(self) -> np.ndarray:
        """Production the MPS is to follow: the chosen plan with the planner's typed cells;
        NaN everywhere when no strategy is chosen (the items plan themselves)."""
        if self.strategy == NONE:
            return np.full_like(self.suggested, np.nan)
        return self.chosen.production

    def rows(self) -> dict[str, np.ndarray]:
        """The grid rows of the FamilyProductionPlan sheet."""
        c = self.chosen
        opening = np.concatenate([self.opening[:, None], c.closing[:, :-1]], axis=1)
        rows = {"demand": self.demand, "opening": opening, "receipts": self.receipts,
                "suggested": self.suggested, "production": c.production,
                "closing": c.closing, "target_stock": self.stock_level,
                "target_days": self.target_days, "dos": c.dos,
                "load": c.load, "available": self.available, "overtime": c.overtime}
        for s, o in self.options.items():
            rows[f"{s}_production"] = o.production
            rows[f"{s}_closing"] = o.closing
        return rows


def _over(own: np.ndarray, typed: np.ndarray | None, n: int, h: int) -> np.ndarray:
    """A family target per bucket: its own (families,) value, or what was typed over it."""
    base = np.broadcast_to((own[:, None] if own.ndim == 1 else own), (n, h)).astype(float)
    if typed is None:
        return base.copy()
    t = np.asarray(typed, dtype=float)
    return np.where(np.isfinite(t), t, base)


def plan(families: pd.Index, periods: list[str], demand: np.ndarray, opening: np.ndarray,
         workdays: np.ndarray, *, strategy: str = NONE, receipts: np.ndarray | None = None,
         target_dos: np.ndarray | None = None, target_stock: np.ndarray | None = None,
         fixed: np.ndarray | None = None, typed: np.ndarray | None = None,
         items_plan: np.ndarray | None = None, unit_cost: np.ndarray | None = None,
         hours_per_piece: np.ndarray | None = None, available: np.ndarray | None = None,
         key_resource: list[str] | None = None, whole: bool = True,
         typed_stock: np.ndarray | None = None,
         typed_days: np.ndarray | None = None) -> FamilyProductionPlan:
    """Every strategy as an option, and the chosen one with the planner's typed cells.
    ``target_dos`` (families,) days and ``target_stock`` (families,) pieces are the
    families' own; ``typed_stock`` / ``typed_days`` (families × buckets, NaN = none)
    what the planner typed over them in the target rows, which every strategy then aims at.

    ``fixed``: production that cannot change (the frozen fence), kept by every option;
    ``typed``: production the planner typed on the sheet, kept and planned around;
    ``items_plan``: the items' own MPS production summed by family, shown as the suggestion
    when ``strategy`` is NONE. Arrays are families × buckets in pieces unless said."""
    demand = np.atleast_2d(np.asarray(demand, dtype=float))
    n, h = demand.shape
    rec = np.zeros((n, h)) if receipts is None else np.asarray(receipts, dtype=float)
    opening = np.asarray(opening, dtype=float).reshape(n)
    own_dos = np.zeros(n) if target_dos is None else np.asarray(target_dos, dtype=float)
    own_stock = np.zeros(n) if target_stock is None else np.asarray(target_stock, dtype=float)
    dos = _over(own_dos, typed_days, n, h)
    stock = _over(own_stock, typed_stock, n, h)
    fix = np.full((n, h), np.nan) if fixed is None else np.asarray(fixed, dtype=float)
    typ = np.full((n, h), np.nan) if typed is None else np.asarray(typed, dtype=float)
    def make(s: str, keep: np.ndarray) -> np.ndarray:
        return production(s, demand, opening, workdays, receipts=rec, target_dos=dos,
                          target_stock=stock, fixed=keep, whole=whole)

    def judge(prod: np.ndarray) -> Outcome:
        return outcome(prod, demand, opening, workdays, receipts=rec, unit_cost=unit_cost,
                       hours_per_piece=hours_per_piece, available=available)

    options = {s: judge(make(s, fix)) for s in STRATEGIES}
    if strategy == NONE:
        suggested = np.zeros((n, h)) if items_plan is None else np.asarray(items_plan, float)
        aim = target_close("target_stock", demand, opening, workdays, target_stock=stock)
        prod = np.where(np.isfinite(typ), typ, suggested)
    elif strategy in STRATEGIES:
        suggested = options[strategy].production
        aim = target_close(strategy, demand, opening, workdays, target_dos=dos,
                           target_stock=stock)
        # the planner's typed cells are kept and the strategy plans the rest around them
        keep = np.where(np.isfinite(typ), typ, fix)
        prod = make(strategy, keep) if np.isfinite(typ).any() else suggested
        # the suggestion beside a typed cell is the plan around it, so that only the typed
        # cells differ from it (the next run reads back exactly those)
        suggested = np.where(np.isfinite(typ), suggested, prod)
    else:
        raise ValueError(f"unknown strategy {strategy!r}; expected {NONE!r} or one of "
                         f"{STRATEGIES}")
    chosen = judge(prod)
    table = pd.concat([summary(families, s, o, available, chosen=s == strategy)
                       for s, o in options.items()], ignore_index=True)
    table = table.sort_values(["family"], kind="stable").reset_index(drop=True)
    return FamilyProductionPlan(
        families=families, periods=periods, demand=demand, receipts=rec, opening=opening,
        target_stock=aim, target_dos=own_dos, stock_level=stock, target_days=dos,
        own_stock=own_stock,
        hours_per_piece=np.full(n, np.nan) if hours_per_piece is None
        else np.asarray(hours_per_piece, dtype=float),
        unit_cost=np.zeros(n) if unit_cost is None else np.nan_to_num(
            np.asarray(unit_cost, dtype=float)),
        available=np.full((n, h), np.nan) if available is None
        else np.asarray(available, dtype=float),
        key_resource=list(key_resource) if key_resource is not None else [""] * n,
        strategy=strategy, options=options, suggested=suggested, typed=typ, chosen=chosen,
        options_table=table)
