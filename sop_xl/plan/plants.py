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

from sop_xl.contract.bom import bom_at, has_plant_lines
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


def one_plant(inputs: Inputs) -> Inputs:
    """``inputs`` of a workbook planned as one plant, with the BOM that plant builds
    with (its own BOM lines replace a parent's lines without a plant)."""
    if not has_plant_lines(inputs.bom):
        return inputs
    plants = network.plants_of(inputs.plants, inputs.item_plants, inputs.warehouses)
    return dataclasses.replace(inputs, bom=bom_at(inputs.bom, plants[0] if plants else ""))


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
    plant: np.ndarray | None = None     # each node's plant (name)
    #: a demand line names its shipping plant, so the forecast was consumed per plant
    #: and the plants' sum may differ from the item plan it was split from
    per_plant: bool = False

    def dated(self, days: PlanDays, plant: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        at = days.plant_index(self.plant) \
            if days.per_plant and self.plant is not None else None
        # months and buckets spread over the node's plant's own working days
        forecast, orders = super().dated(days, at if plant is None else plant)
        if self.transfers is not None:
            forecast = forecast + self.transfers
        if at is not None:
            # demand on a day its plant does not work (a contract's due date, the
            # transfers) is needed on its working day before
            forecast, orders = days.on_working_days(at, forecast), \
                days.on_working_days(at, orders)
        return forecast, orders


def _line_plants(inputs: Inputs | None, key: str) -> np.ndarray:
    """The shipping plant of each row of a demand sheet (contracts, projects,
    sales_forecast; "" where none is given)."""
    frame = None if inputs is None else getattr(inputs, key)
    if frame is None or frame.empty or "plant" not in frame:
        return np.full(0 if frame is None else len(frame), "", dtype=object)
    return network.text(frame["plant"])


def _event_nodes(inputs: Inputs | None, net: network.Network, items: pd.Index) -> np.ndarray:
    """The nodes events naming a plant act on: the item's node there, or the nodes
    there of the family's items (the network's nodes only)."""
    where = _line_plants(inputs, "events")
    if inputs is None or not (where != "").any():
        return np.zeros(0, dtype=object)
    ev = inputs.events[where != ""]
    fam = inputs.items.set_index(inputs.items["item"].astype(str))["family"]
    pairs: list[tuple[str, str]] = []
    for scope, target, plant in zip(ev["scope"], ev["target"].astype(str),
                                    where[where != ""], strict=True):
        if scope == "item":
            pairs.append((target, plant))
        else:
            pairs += [(i, plant) for i in items if str(fam.get(i, "")) == target]
    if not pairs:
        return np.zeros(0, dtype=object)
    names = net.node_of(pd.Series([i for i, _ in pairs]),
                        np.array([p for _, p in pairs], dtype=object))
    return pd.Index(names).unique().intersection(net.index).to_numpy(object)


def _contract_plants(inputs: Inputs | None) -> np.ndarray:
    return _line_plants(inputs, "contracts")


#: the demand sheets whose rows may name their shipping plant
DEMAND_LINES = ("contracts", "projects", "sales_forecast")


def contract_parts(inputs: Inputs, contracts: pd.DataFrame, items: pd.Index
                   ) -> dict[str, Any]:
    """What ``contracts`` add to the demand plan of ``items``, worked out exactly as
    sop_xl.plan.demand.plan works out the contracts' parts (its own helpers): the small
    and large contract rows (items × buckets), open pieces by month (items × months, the
    ones without a date of their own), all open pieces by month (``known``: what the
    forecast is netted of), past-due pieces (items) and dated orders."""
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
    known = np.zeros_like(orders)
    for kind in ("small", "large"):
        mask = (c["contract_type"] == kind).to_numpy()
        every, past = _by_month(c[mask], items, open_qty[mask], c["due_month"][mask], inputs)
        known += every
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
    out["known"] = known
    out["past_due"] = past_due
    out["dated"] = _day_orders(c[on_day], items, open_qty[on_day])
    return out


def demand_months(inputs: Inputs) -> list[pd.Period]:
    from sop_xl.base.periods import bucket_months
    return bucket_months(inputs.buckets)


def node_demand(demand: DemandPlan, net: network.Network,
                inputs: Inputs | None = None) -> NodeDemand:
    """The item demand plan split over the plants that ship it. A contract, project or
    sales forecast line that names its shipping plant goes to that plant whole; lines
    without one, the statistical forecast, events and the planner's changes by ItemPlants'
    shares. Once a line names a plant, the forecast is consumed per plant (SAP's
    consumption per plant): each plant's share of the statistical forecast is netted of
    that plant's contracts and weighted projects only, and a plant's forecast part comes
    from the sales assistants where a line was submitted for it (a line without a plant
    is submitted for every plant that ships the item)."""
    nodes, m = net.shares(demand.items)
    plants = {k: _line_plants(inputs, k) for k in DEMAND_LINES}
    named = {k: v != "" for k, v in plants.items()}
    events_at = _event_nodes(inputs, net, pd.Index(demand.items))
    if inputs is not None and (any(v.any() for v in named.values()) or len(events_at)):
        extra = pd.Index(events_at, dtype=object)
        for k in DEMAND_LINES:
            f = getattr(inputs, k)
            mine = named[k] & f["item"].astype(str).isin(demand.items).to_numpy() \
                if len(f) else named[k]
            extra = extra.append(pd.Index(net.node_of(f["item"][mine], plants[k][mine])))
        extra = extra.unique()
        extra = extra[~extra.isin(nodes)]
        nodes = pd.Index([*nodes, *extra], name="item")
        m = np.vstack([m, np.zeros((len(extra), len(demand.items)))])
    sources = _sources(net, nodes)
    if len(sources):
        nodes = pd.Index([*nodes, *sources], name="item")
        m = np.vstack([m, np.zeros((len(sources), len(demand.items)))])
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
    from_sales = split(demand.from_sales)
    per_plant = inputs is not None and (any(v.any() for v in named.values())
                                        or len(events_at) > 0)
    if per_plant:
        assert inputs is not None
        plan = _per_plant(demand, inputs, net, nodes, split, spread, plants)
        rows.update(plan["rows"])
        monthly.update(plan["monthly"])
        past_due, dated, from_sales = plan["past_due"], plan["dated"], plan["from_sales"]
    shares = demand.shares
    if not shares.empty:
        shares = shares.reindex(net.item_of(nodes)).set_axis(nodes)
    return NodeDemand(
        items=nodes, periods=demand.periods, rows=rows,
        from_sales=from_sales, flagged=split(demand.flagged),
        past_due_orders=demand.past_due_orders, review=demand.review, shares=shares,
        far_method=demand.far_method, months=demand.months, monthly=monthly,
        past_due=past_due, dated_orders=dated, plant=net.plant_of(nodes),
        per_plant=per_plant)


#: the demand plan's rows that per-plant consumption works out plant by plant
PER_PLANT_ROWS = ("small_contracts", "large_contracts", "projects_weighted",
                  "projects_unweighted", "sales_forecast", "forecast_part", "events", "demand")


def item_totals(nodes: NodeDemand, demand: DemandPlan, net: network.Network) -> DemandPlan:
    """The item demand plan that tells the plants' truth: once the forecast is consumed
    per plant (``nodes.per_plant``), every row worked out per plant is the sum of the
    plants' rows (February's 70 at P1 + 50 at P2 is 120, not the company's 100), and so
    are the known quantities by month, past-due and dated orders and the cells from the
    sales assistants. The statistical forecast, the planner adjustment and the family
    change are the item's, as typed or fitted. Without a plant-named line: ``demand``."""
    if not nodes.per_plant:
        return demand
    of = pd.Index(demand.items).get_indexer(net.item_of(nodes.items))
    if (of < 0).any():
        raise ValueError("a node of the demand plan has no item in it")

    def fold(values: np.ndarray) -> np.ndarray:
        v = np.asarray(values)
        out = np.zeros((len(demand.items), *v.shape[1:]), dtype=v.dtype)
        if v.dtype == bool:
            np.logical_or.at(out, of, v)
        else:
            np.add.at(out, of, v)
        return out

    rows = dict(demand.rows) | {k: fold(nodes.rows[k]) for k in PER_PLANT_ROWS}
    monthly = dict(demand.monthly) | {k: fold(nodes.monthly[k]) for k in ("orders",
                                                                        "forecast")}
    r, when, qty = nodes.dated_orders
    return dataclasses.replace(
        demand, rows=rows, monthly=monthly, past_due=fold(nodes.past_due),
        from_sales=fold(nodes.from_sales), dated_orders=(of[r].astype(np.int64), when, qty))


def _sources(net: network.Network, nodes: pd.Index) -> list[str]:
    """The nodes that supply one of ``nodes`` by transfer, and theirs up the lanes, that
    are not among them: a finished good made (or bought) in a plant that does not ship it
    to customers. They are planned on the MPS too, with no demand of their own but the
    transfers they ship, so the Projection shows what leaves them as Transfers out, as
    it shows what arrives as Transfers in (SAP: an MPS item per plant)."""
    t = net.transfers()
    if t.empty:
        return []
    source = dict(zip(t["node"].astype(str), t["source"].astype(str), strict=True))
    seen = set(nodes.astype(str))
    out: list[str] = []
    for n in nodes.astype(str):
        at = source.get(n)
        while at is not None and at not in seen:
            seen.add(at)
            out.append(at)
            at = source.get(at)
    return out


def _per_plant(demand: DemandPlan, inputs: Inputs, net: network.Network, nodes: pd.Index,
               split: Callable[[np.ndarray], np.ndarray], spread: Callable[[tuple], tuple],
               plants: dict[str, np.ndarray]) -> dict[str, Any]:
    """The parts of the demand plan that depend on where each line ships, per node
    (``node_demand``): contracts, projects, the sales forecast, the forecast part netted
    per plant, and the events on it."""
    from sop_xl.plan.demand import PARTS, _by_month, _events, _to_buckets, near_term_months
    items = pd.Index(demand.items)

    def placed(key: str, work: Callable[[pd.DataFrame], dict[str, Any]]
               ) -> dict[str, Any]:
        """``work`` on the lines without a plant, split by the shares, plus ``work`` on
        each named plant's lines, whole on that plant's nodes."""
        frame: pd.DataFrame = getattr(inputs, key)
        p = plants[key]
        rest = work(frame[p == ""])
        out = {k: spread(v) if k == "dated" else split(v) for k, v in rest.items()}
        for plant in dict.fromkeys(p[p != ""]):
            got = work(frame[p == plant])
            at = nodes.get_indexer(net.node_of(pd.Series(items), np.full(
                len(items), plant, dtype=object)))
            ok = at >= 0
            for k, v in got.items():
                if k == "dated":
                    r, dt, q = v
                    keep = at[r] >= 0
                    out[k] = tuple(np.concatenate([a, b]) for a, b in zip(
                        out[k], (at[r][keep].astype(np.int64), dt[keep], q[keep]),
                        strict=True))
                else:
                    np.add.at(np.asarray(out[k]), at[ok], np.asarray(v)[ok])
        return out

    def months_of(qty: Callable[[pd.DataFrame], np.ndarray]
                  ) -> Callable[[pd.DataFrame], dict[str, Any]]:
        def work(f: pd.DataFrame) -> dict[str, Any]:
            return {"by_month": _by_month(f, items, qty(f), f["month"], inputs)[0]}
        return work

    c = placed("contracts", lambda f: contract_parts(inputs, f, items))
    pw = placed("projects", months_of(
        lambda f: (f["qty"] * f["probability"]).to_numpy(float)))["by_month"]
    pu = placed("projects", months_of(lambda f: f["qty"].to_numpy(float)))["by_month"]
    sf = placed("sales_forecast", months_of(lambda f: f["qty"].to_numpy(float)))["by_month"]
    submitted = placed("sales_forecast", months_of(
        lambda f: np.ones(len(f))))["by_month"] > 0
    known = c["known"] + pw
    if known.shape[1]:
        known[:, 0] += c["past_due"]   # overdue contracts ship in the first month
    basis = split(demand.monthly["basis"])
    near = np.isin(np.array(demand.months, dtype=object), near_term_months(inputs))
    from_sales_m = submitted & near[None, :]
    part = np.where(from_sales_m, sf, np.maximum(basis - known, 0.0))
    # events: the multiply factors scale each plant's own forecast part, added pieces
    # are shared like the rest; an event naming a plant acts on that plant's nodes only
    # (its pieces go there whole; a family's split among the family's items there)
    share = demand.shares["share"] if not demand.shares.empty else pd.Series(dtype=float)
    zero = np.zeros((len(items), len(demand.months)))
    ev = inputs.events
    where = _line_plants(inputs, "events")
    every = dataclasses.replace(inputs, events=ev[where == ""]) if len(where) else inputs
    added = _events(every, items, zero, share, demand.months)
    factor = 1.0 + (_events(every, items, zero + 1.0, share, demand.months) - added)[
        items.get_indexer(net.item_of(nodes))]
    added = split(added)
    for plant in dict.fromkeys(where[where != ""]):
        at = nodes.get_indexer(net.node_of(pd.Series(items), np.full(len(items), plant,
                                                                     dtype=object)))
        here = at >= 0
        own = dataclasses.replace(inputs, events=ev[where == plant])
        a = _events(own, items[here], zero[here], share, demand.months)
        factor[at[here]] *= 1.0 + (_events(own, items[here], zero[here] + 1.0, share,
                                           demand.months) - a)
        added[at[here]] += a
    events = part * (factor - 1.0) + added
    rows = {"small_contracts": c["small_contracts"], "large_contracts": c["large_contracts"],
            "projects_weighted": _to_buckets(pw, inputs),
            "projects_unweighted": _to_buckets(pu, inputs),
            "sales_forecast": _to_buckets(sf, inputs),
            "forecast_part": _to_buckets(part, inputs), "events": _to_buckets(events, inputs)}
    rows |= {k: split(demand.rows[k]) for k in PARTS if k not in rows}
    rows["demand"] = sum((rows[k] for k in PARTS), np.zeros((len(nodes), len(demand.periods))))
    return {"rows": rows,
            "monthly": {"orders": c["orders"], "forecast": pw + part + events,
                        "basis": basis},
            "past_due": c["past_due"], "dated": c["dated"],
            "from_sales": _to_buckets(from_sales_m.astype(float), inputs) > 0}


def mps(plan_one: Callable[[DemandPlan], mps_engine.MPSResult], demand: NodeDemand,
        net: network.Network, days: PlanDays) -> mps_engine.MPSResult:
    """The MPS of the shipping nodes: ``plan_one(demand)`` plans them once
    (sop_xl.plan.month.mps with the workbook's fences and firm cells); while a shipping
    node's transfers ask more of another shipping node, plan again with that dependent
    demand (once per level of transfers between shipping nodes)."""
    demand.transfers = None
    plan = plan_one(demand)
    for _ in range(network.depth(net)):
        extra = network.transfer_demand(demand.items, plan.daily["production"], net, days)
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
