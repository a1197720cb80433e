"""Inventory: the projection per finished good and product family in pieces and money,
against safety stock and maximum, with days of supply; and the slow-moving (呆滞) and
excess (冗余) stock lists with a summary by family.

Slow-moving: stock with no movement for ``slow_moving_months`` (Settings) before the
planning month. Excess: stock above what the next ``excess_months`` need (finished goods:
the MPS demand; components: the MRP gross requirements). Values at unit cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl.plan.mps import MPSResult, days_of_supply

SLOW_COLUMNS = ["item", "description", "item_type", "family", "warehouses", "on_hand",
                "last_movement", "months_idle", "demand_ahead", "unit_cost", "slow_qty",
                "slow_value", "excess_qty", "excess_value", "status"]
SUMMARY_COLUMNS = ["family", "items", "on_hand_value", "slow_qty", "slow_value",
                   "excess_qty", "excess_value", "share", "row"]


@dataclass
class Projection:
    """Item rows and family total rows, each (rows × buckets)."""

    items: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]  # demand, shipped, supply, production, projected,
    #                              safety_stock, max_stock, value (money), dos (days);
    #                              per plant also transfers_out, transfers_in
    on_hand: np.ndarray
    unit_cost: np.ndarray
    family: np.ndarray           # family of each item ("" if none)
    families: pd.Index           # family totals, then the grand total ""
    family_rows: dict[str, np.ndarray]
    family_on_hand: np.ndarray

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]

    @property
    def transfers(self) -> bool:
        """Whether the rows carry transfers between plants (several plants)."""
        return "transfers_out" in self.rows


#: the Projection's rows when it carries transfers between plants, in sheet order
TRANSFER_MEASURES = ("demand", "transfers_out", "shipped", "supply", "production",
                     "transfers_in", "projected", "safety_stock", "max_stock", "value", "dos")


@dataclass(frozen=True)
class Transfers:
    """Transfers between plants on the MPS's nodes (pieces, nodes × buckets): shipped to
    another plant (``out``, on the day they leave), planned transfers received
    (the MPS's production of a node supplied by transfer, ``moved``) and transfers
    already on the way (``in_transit``, part of the MPS's receipts)."""

    out: np.ndarray
    moved: np.ndarray        # bool per node: its MPS production is transfers received
    in_transit: np.ndarray


def shipped(on_hand: np.ndarray, projected: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """What can ship per bucket (pieces): demand, less what stock and supply cannot cover
    yet, plus the backlog they cover later. With stock never negative, cumulative
    shipments are min(cumulative demand, on hand + cumulative supply) = cumulative demand
    + min(0, projected on hand), so a bucket ships demand + min(0, P) − min(0, P before)
    — the formula the Projection sheet writes."""
    short = np.minimum(0.0, projected)
    before = np.concatenate([np.minimum(0.0, on_hand)[:, None], short[:, :-1]], axis=1)
    return demand + short - before


def project(mps: MPSResult, items: pd.DataFrame, workdays: np.ndarray,
            transfers: Transfers | None = None) -> Projection:
    """The MPS as stock: opening + supply − demand per bucket, valued at unit cost, per item
    and summed per family and in total; and what can ship.

    With ``transfers`` (several plants) a node's MPS demand and supply are split: demand
    is its customers' only, transfers out apart; supply is production and purchase
    receipts only, transfers in apart. Each node's projected stock is the MPS's,
    opening + supply + transfers in − demand − transfers out; summed over plants, demand
    and supply are the company's, and transfers out − transfers in is what is on the way
    between plants at the bucket's end (not in any plant's stock)."""
    it = items.set_index(items["item"].astype(str)).reindex(pd.Index(mps.items).astype(str))
    cost = it["unit_cost"].fillna(0).to_numpy(dtype=float)
    h = len(mps.periods)
    demand, production = mps["demand"], mps["production"]
    supply = mps["receipts"] + production
    projected = mps.on_hand[:, None] + np.cumsum(supply - demand, axis=1)
    split: dict[str, np.ndarray] = {}
    if transfers is not None:
        moved = np.asarray(transfers.moved, dtype=bool)[:, None]
        t_in = np.where(moved, production, 0.0) + transfers.in_transit
        production = np.where(moved, 0.0, production)
        demand = demand - transfers.out
        supply = supply - t_in
        split = {"transfers_out": transfers.out, "transfers_in": t_in}
    ship = shipped(mps.on_hand, projected, demand)
    if split:   # a shortage falls on the customers first; never a negative shipment
        ship = np.maximum(0.0, ship)
    rows = {
        "demand": demand, "shipped": ship, **split,
        "supply": supply, "production": production, "projected": projected,
        "safety_stock": np.repeat(it["safety_stock"].fillna(0).to_numpy(float)[:, None], h, 1),
        "max_stock": np.repeat(it["max_stock"].fillna(0).to_numpy(float)[:, None], h, 1),
        "value": projected * cost[:, None],
        # the plant's stock covers its transfers out too (the MPS's days of supply)
        "dos": days_of_supply(projected, mps["demand"], workdays),
    }
    family = it["family"].fillna("").astype(str).to_numpy(dtype=object)
    names = sorted(set(family) - {""})
    groups = [family == f for f in names] + [np.ones(len(family), dtype=bool)]
    fam_rows: dict[str, np.ndarray] = {}
    for key in ("demand", "shipped", "supply", "production", "projected", "safety_stock",
                "value", *split):
        fam_rows[key] = np.array([rows[key][g].sum(axis=0) for g in groups]).reshape(-1, h)
    fam_rows["max_stock"] = np.full((len(groups), h), np.nan)
    fam_rows["dos"] = days_of_supply(fam_rows["projected"], fam_rows["demand"], workdays)
    fam_oh = np.array([mps.on_hand[g].sum() for g in groups])
    return Projection(mps.items, mps.periods, rows, mps.on_hand, cost, family,
                      pd.Index([*names, ""]), fam_rows, fam_oh)


def demand_ahead(items: pd.Index, demand: np.ndarray, starts: np.ndarray,
                 until: np.datetime64) -> pd.Series:
    """Each item's demand in the buckets starting before ``until`` (pieces)."""
    inside = np.asarray(starts) < until
    return pd.Series(demand[:, inside].sum(axis=1), index=items)


def slow_and_excess(stock: pd.DataFrame, items: pd.DataFrame, ahead: pd.Series,
                    today: pd.Timestamp | np.datetime64 | object,
                    slow_months: int) -> pd.DataFrame:
    """Per item with stock: slow-moving (no movement for ``slow_months`` or more) — all
    its stock — or else excess: stock above ``ahead`` (its demand of the coming months).
    Only items with something slow or excess are listed, largest value first."""
    if stock.empty:
        return pd.DataFrame(columns=SLOW_COLUMNS)
    st = stock.assign(item=stock["item"].astype(str))
    st = st.groupby("item").agg(
        on_hand=("on_hand", "sum"), last_movement=("last_movement", "max"),
        warehouses=("warehouse", lambda w: ", ".join(sorted({str(x) for x in w if
                                                             pd.notna(x) and x})))
    ).reset_index()
    it = items.set_index(items["item"].astype(str))
    for col in ("description", "item_type", "family"):
        st[col] = st["item"].map(it[col]).fillna("")
    cost = st["item"].map(it["unit_cost"]).fillna(0).to_numpy(dtype=float)
    day = pd.Timestamp(today)
    last = pd.to_datetime(st["last_movement"], errors="coerce")
    idle = (day.year - last.dt.year) * 12 + (day.month - last.dt.month)
    st["months_idle"] = idle.astype(float).to_numpy()
    slow = np.nan_to_num(st["months_idle"].to_numpy(), nan=-1) >= slow_months
    need = st["item"].map(ahead).fillna(0).to_numpy(dtype=float)
    oh = st["on_hand"].to_numpy(dtype=float)
    st["demand_ahead"] = need
    st["unit_cost"] = cost
    st["slow_qty"] = np.where(slow, oh, 0.0)
    st["excess_qty"] = np.where(slow, 0.0, np.maximum(0.0, oh - need))
    st["slow_value"] = st["slow_qty"] * cost
    st["excess_value"] = st["excess_qty"] * cost
    st["status"] = np.where(slow, "slow-moving", "excess")
    st["last_movement"] = last.dt.date.astype(object).where(last.notna(), None)
    out = st[(st["slow_qty"] > 0) | (st["excess_qty"] > 0)]
    out = out.assign(_v=out["slow_value"] + out["excess_value"])
    return out.sort_values(["_v", "item"], ascending=[False, True])[SLOW_COLUMNS] \
        .reset_index(drop=True)


def slow_excess_summary(listing: pd.DataFrame, stock: pd.DataFrame,
                        items: pd.DataFrame) -> pd.DataFrame:
    """Slow-moving and excess by product family, with the share of all stock value they
    are. ``row`` says what a row is: "family"; "components", the items without a family
    together (family blank, first); "total", the last row (family blank)."""
    it = items.set_index(items["item"].astype(str))

    def family_of(item_col: pd.Series) -> pd.Series:
        return item_col.astype(str).map(it["family"]).fillna("").astype(str)

    value = stock.assign(family=family_of(stock["item"]),
                         v=stock["on_hand"].to_numpy(float) *
                         stock["item"].astype(str).map(it["unit_cost"]).fillna(0)
                         .to_numpy(float))
    on_hand = value.groupby("family")["v"].sum()
    lst = listing.assign(family=family_of(listing["item"])) if len(listing) else \
        pd.DataFrame(columns=[*SLOW_COLUMNS])
    agg = lst.groupby("family").agg(items=("item", "count"), slow_qty=("slow_qty", "sum"),
                                    slow_value=("slow_value", "sum"),
                                    excess_qty=("excess_qty", "sum"),
                                    excess_value=("excess_value", "sum"))
    out = agg.reindex(on_hand.index.union(agg.index)).fillna(0)
    out["on_hand_value"] = on_hand.reindex(out.index).fillna(0)
    out = out.reset_index(names="family")
    out["row"] = np.where(out["family"] == "", "components", "family")
    total = out.drop(columns=["family", "row"]).sum()
    out = pd.concat([out, pd.DataFrame([{"family": "", **total, "row": "total"}])],
                    ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(out["on_hand_value"] > 0,
                                (out["slow_value"] + out["excess_value"]) /
                                out["on_hand_value"], 0.0)
    out["items"] = out["items"].astype(int)
    return out[SUMMARY_COLUMNS]
