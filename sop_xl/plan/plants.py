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

import numpy as np
import pandas as pd

from sop_xl.contract.planning_inputs import Inputs
from sop_xl.plan import mps as mps_engine
from sop_xl.plan import network
from sop_xl.plan.dates import PlanDays
from sop_xl.plan.demand import DemandPlan


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


def node_demand(demand: DemandPlan, net: network.Network) -> NodeDemand:
    """The item demand plan split over the plants that ship it (ItemPlants' shares)."""
    nodes, m = net.shares(demand.items)
    of_item = m.argmax(axis=1) if m.size else np.zeros(0, np.int64)

    def split(values: np.ndarray) -> np.ndarray:
        v = np.asarray(values)
        if v.dtype == bool:
            return v[of_item] if v.size else v
        return network.split(v, m)

    rows, dates, qty = demand.dated_orders
    at = m[:, rows] > 0                       # nodes × dated orders
    nd, od = np.nonzero(at)
    shares = demand.shares
    if not shares.empty:
        shares = shares.reindex(net.item_of(nodes)).set_axis(nodes)
    return NodeDemand(
        items=nodes, periods=demand.periods,
        rows={k: split(v) for k, v in demand.rows.items()},
        from_sales=split(demand.from_sales), flagged=split(demand.flagged),
        past_due_orders=demand.past_due_orders, review=demand.review, shares=shares,
        far_method=demand.far_method, months=demand.months,
        monthly={k: split(v) for k, v in demand.monthly.items()},
        past_due=split(demand.past_due),
        dated_orders=(nd.astype(np.int64), dates[od], qty[od] * m[nd, rows[od]]))


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
