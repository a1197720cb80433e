"""One month's plan per plant: the workbook's inputs and demand plan expanded to item ×
plant nodes (``sop_xl.plan.network``) before the supply engines, which then run
unchanged on node names ("FG-100@HZ").

The demand plan stays per item (sales plan items, not plants); each item's demand is split
over the plants that ship it by ItemPlants' shares. Stock belongs to the plant of its
warehouse (Warehouses), open orders and resources to the plant they name (blank: the home
plant). The MPS plans the nodes that ship; a shipping node supplied by transfer from
another shipping node passes its transfers on as dependent demand there, so the MPS runs
once per level of such transfers (usually once or twice). Below the MPS the MRP plans
transfers like any component.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sop_xl.contract.planning_inputs import Inputs
from sop_xl.plan import mps as mps_engine
from sop_xl.plan import network
from sop_xl.plan.dates import PlanDays
from sop_xl.plan.demand import DemandPlan
from sop_xl.plan.inventory import Transfers
from sop_xl.plan.month import receipts_by_day

#: ScheduledReceipts' type of a transfer order already shipped between plants
IN_TRANSIT = "transfer"


def network_of(inputs: Inputs, *, sheet: str = "ItemPlants",
               columns: dict[str, str] | None = None) -> network.Network | None:
    """The workbook's supply network, or None when it names fewer than two plants (it
    plans as one plant, exactly as before)."""
    plants = network.plants_of(inputs.plants, inputs.item_plants, inputs.warehouses)
    if len(plants) < 2:
        return None
    return network.build(inputs.items, inputs.bom, plants, inputs.item_plants,
                         located=_located(inputs, plants[0]), sheet=sheet, columns=columns)


def _warehouse_plant(inputs: Inputs, home: str) -> pd.Series:
    st = inputs.stock
    wh = inputs.warehouses
    if st.empty or wh.empty or "plant" not in wh:
        return pd.Series([home] * len(st), index=st.index, dtype=object)
    where = wh.set_index(wh["warehouse"].astype(str))["plant"]
    return st["warehouse"].astype(str).map(where).where(lambda s: s.notna(), home)


def _receipt_plant(inputs: Inputs) -> pd.Series | None:
    r = inputs.scheduled_receipts
    return r.get("plant", None)


def _located(inputs: Inputs, home: str) -> pd.DataFrame:
    """The (item, plant) pairs stock and open orders put somewhere."""
    parts = []
    if not inputs.stock.empty:
        parts.append(network.located(inputs.stock, _warehouse_plant(inputs, home), home))
    if not inputs.scheduled_receipts.empty:
        parts.append(network.located(inputs.scheduled_receipts, _receipt_plant(inputs), home))
    named = _contract_plants(inputs) != ""
    if named.any():   # a contract shipped from a plant needs the item's node there
        c = inputs.contracts[named]
        parts.append(network.located(c, c["plant"], home))
    if not parts:
        return pd.DataFrame({"item": [], "plant": []})
    return pd.concat(parts, ignore_index=True)


def node_inputs(inputs: Inputs, net: network.Network) -> Inputs:
    """``inputs`` with items, BOM, stock, open orders and resource usage per node."""
    home = net.home
    stock = inputs.stock.copy()
    if not stock.empty:
        stock["plant"] = _warehouse_plant(inputs, home).to_numpy(object)
        stock["item"] = net.node_of(stock["item"], stock["plant"])
    sr = inputs.scheduled_receipts.copy()
    if not sr.empty:
        sr["item"] = net.node_of(sr["item"], _receipt_plant(inputs))
    usage = inputs.resource_usage.copy()
    if not usage.empty:
        res = inputs.resources
        plant = res.set_index(res["resource"].astype(str))["plant"] if "plant" in res \
            else pd.Series(dtype=object)
        usage["item"] = net.node_of(usage["item"],
                                    usage["resource"].astype(str).map(plant).to_numpy(object))
        made = net.nodes.loc[net.nodes["procurement"] == network.MAKE, "node"]
        usage = usage[usage["item"].isin(made)].reset_index(drop=True)
    return dataclasses.replace(inputs, items=net.items, bom=net.bom, stock=stock,
                               scheduled_receipts=sr, resource_usage=usage)


@dataclass(eq=False)
class NodeDemand(DemandPlan):
    """The demand plan split to the shipping nodes, plus the transfers other shipping
    nodes ask of them (``transfers``: nodes × days, pieces), dated with the forecast."""

    transfers: np.ndarray | None = None

    def dated(self, days: PlanDays) -> tuple[np.ndarray, np.ndarray]:
        forecast, orders = super().dated(days)
        if self.transfers is not None:
            forecast = forecast + self.transfers
        return forecast, orders


def _contract_plants(inputs: Inputs | None) -> np.ndarray:
    """The shipping plant of each contract row ("" where none is given)."""
    if inputs is None or inputs.contracts.empty or "plant" not in inputs.contracts:
        return np.full(0 if inputs is None else len(inputs.contracts), "", dtype=object)
    return network.text(inputs.contracts["plant"])


def contract_parts(inputs: Inputs, contracts: pd.DataFrame, items: pd.Index
                   ) -> dict[str, Any]:
    """What ``contracts`` add to the demand plan of ``items``, worked out exactly as
    sop_xl.plan.demand.plan works out the contracts' parts (its own helpers): the small
    and large contract rows (items × buckets), open pieces by month (items × months, the
    ones without a date of their own), past-due pieces (items) and dated orders."""
    from sop_xl.plan.demand import _by_month, _day_orders, _on_a_day, _on_days, _to_buckets
    s = inputs.settings
    c = contracts
    n = len(items)
    open_qty = (c["ordered_qty"] - c["delivered_qty"].fillna(0)).clip(lower=0).to_numpy()
    on_day = _on_a_day(c, s.planning_month)
    days = PlanDays.build(inputs.buckets, inputs.factory_calendar, s.plan_start)
    out: dict[str, Any] = {}
    past_due = np.zeros(n)
    orders = np.zeros((n, len(demand_months(inputs))))
    for kind in ("small", "large"):
        mask = (c["contract_type"] == kind).to_numpy()
        _, past = _by_month(c[mask], items, open_qty[mask], c["due_month"][mask], inputs)
        past_due += past
        k = mask & ~on_day
        through, _ = _by_month(c[k], items, open_qty[k], c["due_month"][k], inputs)
        orders += through
        d = mask & on_day
        row = _to_buckets(through, inputs) + days.by_bucket(_on_days(
            *_day_orders(c[d], items, open_qty[d]), days, n))
        if row.shape[1]:
            row[:, 0] += past
        out[f"{kind}_contracts"] = row
    out["orders"] = orders
    out["past_due"] = past_due
    out["dated"] = _day_orders(c[on_day], items, open_qty[on_day])
    return out


def demand_months(inputs: Inputs) -> list[pd.Period]:
    from sop_xl.base.periods import bucket_months
    return bucket_months(inputs.buckets)


def node_demand(demand: DemandPlan, net: network.Network,
                inputs: Inputs | None = None) -> NodeDemand:
    """The item demand plan split over the plants that ship it: a contract that names
    its shipping plant (Contracts' Plant) goes to that plant whole; everything else by
    ItemPlants' shares."""
    nodes, m = net.shares(demand.items)
    plant = _contract_plants(inputs)
    named = plant != ""
    if named.any():
        assert inputs is not None
        c = inputs.contracts
        mine = named & c["item"].astype(str).isin(demand.items).to_numpy()
        extra = pd.Index(net.node_of(c["item"][mine], plant[mine])).unique()
        extra = extra[~extra.isin(nodes)]
        nodes = pd.Index([*nodes, *extra], name="item")
        m = np.vstack([m, np.zeros((len(extra), len(demand.items)))])
    of_item = pd.Index(demand.items).get_indexer(net.item_of(nodes))

    def split(values: np.ndarray) -> np.ndarray:
        v = np.asarray(values)
        if v.dtype == bool:
            return v[of_item] if v.size else v
        return network.split(v, m)

    def spread(dated: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows, dates, qty = dated
        nd, od = np.nonzero(m[:, rows] > 0)      # nodes × dated orders
        return nd.astype(np.int64), dates[od], qty[od] * m[nd, rows[od]]

    rows = {k: split(v) for k, v in demand.rows.items()}
    monthly = {k: split(v) for k, v in demand.monthly.items()}
    past_due = split(demand.past_due)
    dated = spread(demand.dated_orders)
    if named.any():
        assert inputs is not None
        c = inputs.contracts
        # the contracts with no plant by shares, each named plant's contracts to it
        rest = contract_parts(inputs, c[~named], demand.items)
        parts = {k: split(rest[k]) for k in ("small_contracts", "large_contracts",
                                              "orders", "past_due")}
        d_rows, d_dates, d_qty = [spread(rest["dated"])[i] for i in range(3)]
        for p in dict.fromkeys(plant[named]):
            got = contract_parts(inputs, c[plant == p], demand.items)
            at = nodes.get_indexer(net.node_of(pd.Series(demand.items), np.full(
                len(demand.items), p, dtype=object)))
            ok = at >= 0
            for k in parts:
                np.add.at(parts[k], at[ok], np.asarray(got[k])[ok])
            r, dt, q = got["dated"]
            keep = at[r] >= 0
            d_rows = np.concatenate([d_rows, at[r][keep]])
            d_dates = np.concatenate([d_dates, dt[keep]])
            d_qty = np.concatenate([d_qty, q[keep]])
        for k in ("small_contracts", "large_contracts"):
            rows["demand"] = rows["demand"] - rows[k] + parts[k]
            rows[k] = parts[k]
        monthly["orders"] = parts["orders"]
        past_due = parts["past_due"]
        dated = (d_rows.astype(np.int64), d_dates, d_qty)
    shares = demand.shares
    if not shares.empty:
        shares = shares.reindex(net.item_of(nodes)).set_axis(nodes)
    return NodeDemand(
        items=nodes, periods=demand.periods, rows=rows,
        from_sales=split(demand.from_sales), flagged=split(demand.flagged),
        past_due_orders=demand.past_due_orders, review=demand.review, shares=shares,
        far_method=demand.far_method, months=demand.months, monthly=monthly,
        past_due=past_due, dated_orders=dated)


def mps(plan_one: Callable[[DemandPlan], mps_engine.MPSResult], demand: NodeDemand,
        net: network.Network, days: PlanDays) -> mps_engine.MPSResult:
    """The MPS of the shipping nodes: ``plan_one(demand)`` plans them once
    (sop_xl.plan.month.mps with the workbook's fences and firm cells); while a shipping
    node's transfers ask more of another shipping node, plan again with that dependent
    demand (once per level of transfers between shipping nodes)."""
    demand.transfers = None
    plan = plan_one(demand)
    for _ in range(network.depth(net)):
        extra = network.transfer_demand(demand.items, plan.daily["production"], net)
        if not extra.any() or (demand.transfers is not None
                               and np.allclose(extra, demand.transfers)):
            break
        demand.transfers = extra
        plan = plan_one(demand)
    return plan


def folded(values: np.ndarray, nodes: pd.Index, net: network.Network
           ) -> tuple[pd.Index, np.ndarray]:
    """Node rows summed back to items (the total over plants), in first-seen order."""
    items = net.item_of(nodes)
    codes, uniques = pd.factorize(pd.Series(items, dtype=object))
    out = np.zeros((len(uniques), *np.asarray(values).shape[1:]))
    np.add.at(out, codes, values)
    return pd.Index(uniques, name="item"), out


def transfers(plan: mps_engine.MPSResult, demand: NodeDemand, node_in: Inputs,
              days: PlanDays) -> Transfers:
    """The transfers between plants on the MPS's nodes, by bucket (pieces): what each
    node ships to other shipping nodes (the dependent demand the MPS planned it with),
    which nodes' production is transfers received, and the transfer orders already on
    the way to each (ScheduledReceipts of type transfer, in its receipts)."""
    nodes = pd.Index(plan.items)
    out = np.zeros((len(nodes), len(plan.periods)))
    if demand.transfers is not None:
        out = days.by_bucket(demand.transfers)
    proc = node_in.items.set_index(node_in.items["item"].astype(str))["procurement"] \
        if "procurement" in node_in.items else pd.Series(dtype=object)
    moved = (proc.reindex(nodes.astype(str)) == network.TRANSFER).to_numpy(bool)
    sr = node_in.scheduled_receipts
    if sr.empty or "order_type" not in sr:
        return Transfers(out, moved, np.zeros_like(out))
    shipped = dataclasses.replace(node_in, scheduled_receipts=sr[
        (sr["order_type"] == IN_TRANSIT).to_numpy(bool)])
    return Transfers(out, moved, days.by_bucket(receipts_by_day(shipped, days, nodes)))
