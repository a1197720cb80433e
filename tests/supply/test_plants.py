"""Planning per plant (issue 17): item × plant nodes and transfers, against hand-worked
two-plant examples (weekly buckets from Monday 2027-03-01, Monday to Friday, so day 5 is
the second Monday), and a property: a one-plant network plans what the MRP plans."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_xl.base.errors import PlanningError
from sop_xl.plan import mrp, network
from tests.supply.test_mrp import DAYS, bom, items, on_mondays

# HZ assembles FG from 2 castings and 4 bolts; SZ casts CAS from 3 kg of iron and 1 bolt.
# HZ gets castings from SZ (3 working days on the road) and bolts from SZ (2 days); SZ buys
# the bolts for both plants: the shared component.
ITEMS = items(("FG", "FG", 5, "L4L", 0, 0, 0, 1, 0),
              ("CAS", "SFG", 5, "L4L", 0, 0, 0, 1, 0),
              ("IRON", "RM", 10, "L4L", 0, 0, 0, 1, 0),
              ("BOLT", "RM", 5, "L4L", 0, 0, 0, 1, 0))
BOM = bom(("FG", "CAS", 2), ("FG", "BOLT", 4), ("CAS", "IRON", 3), ("CAS", "BOLT", 1))
ITEM_PLANTS = pd.DataFrame([
    ("FG", "HZ", "make", None, None, 1.0),
    ("CAS", "HZ", "transfer", "SZ", 3, None),
    ("CAS", "SZ", "make", None, None, None),
    ("BOLT", "HZ", "transfer", "SZ", 2, None),
    ("BOLT", "SZ", "buy", None, None, None),
], columns=["item", "plant", "procurement", "source_plant", "transit_days", "demand_share"])
ITEM_PLANTS["_row"] = np.arange(len(ITEM_PLANTS)) + 2
# stock: CAS 10 at HZ; at SZ 50 nettable and 40 in quarantine (left out before the
# engine, sop_xl.contract.planning_inputs); IRON 100 and BOLT 100 at SZ
ON_HAND = {"CAS@HZ": 10.0, "CAS@SZ": 50.0, "IRON@SZ": 100.0, "BOLT@SZ": 100.0}


def two_plants() -> network.Network:
    return network.build(ITEMS, BOM, ("HZ", "SZ"), ITEM_PLANTS)


def planned() -> mrp.MRPResult:
    net = two_plants()
    # FG at HZ: 20 due on the third Monday (day 10), 40 on the fourth (day 15)
    return mrp.plan(net.items, net.bom, pd.Index(["FG@HZ"]),
                    on_mondays([[0, 0, 20, 40, 0, 0, 0, 0, 0]]),
                    pd.Series(ON_HAND), None, DAYS)


def orders_of(result: mrp.MRPResult, node: str) -> list[tuple[int, int, float]]:
    o = result.orders
    o = o[o["item"] == node]
    return list(zip(o["due_day"].astype(int), o["release_day"].astype(int),
                    o["qty"].astype(float), strict=True))


def test_nodes_of_two_plants() -> None:
    net = two_plants()
    assert not net.single
    assert sorted(net.nodes["node"]) == ["BOLT@HZ", "BOLT@SZ", "CAS@HZ", "CAS@SZ",
                                         "FG@HZ", "IRON@SZ"]
    # IRON has no ItemPlants row: it is where the casting plant needs it, not at home
    b = net.bom.set_index(["parent", "component"])["qty_per"]
    assert b[("CAS@HZ", "CAS@SZ")] == 1.0 and b[("CAS@SZ", "IRON@SZ")] == 3.0
    lead = net.items.set_index("item")["lead_time_days"]
    assert lead["CAS@HZ"] == 3 and lead["BOLT@HZ"] == 2 and lead["CAS@SZ"] == 5


def test_transfer_lead_time_and_non_nettable_stock() -> None:
    r = planned()
    # FG releases 20 on day 5 and 40 on day 10: CAS@HZ needs 40 and 80; with 10 on hand it
    # receives 30 on day 5 and 80 on day 10, shipped 3 working days earlier (days 2 and 7)
    assert orders_of(r, "CAS@HZ") == [(5, 2, 30.0), (10, 7, 80.0)]
    # SZ ships them from 50 nettable castings (the 40 in quarantine are not counted):
    # 30 on day 2 leaves 20, so 60 must be cast by day 7, started on day 2
    assert orders_of(r, "CAS@SZ") == [(7, 2, 60.0)]
    # 180 kg of iron on day 2 against 100 on hand: 80 due day 2, 10 days' lead: past due
    assert orders_of(r, "IRON@SZ") == [(2, -8, 80.0)]


def test_shared_component_used_by_two_plants() -> None:
    r = planned()
    # HZ needs 4 bolts per FG: 80 on day 5 and 160 on day 10, shipped on days 3 and 8
    assert orders_of(r, "BOLT@HZ") == [(5, 3, 80.0), (10, 8, 160.0)]
    # SZ's bolts meet both plants: the casting order (60 on day 2) and the transfers (80
    # on day 3, 160 on day 8); 100 on hand cover day 2 and 40 of day 3
    gross = r.daily["gross"][list(r.item_names).index("BOLT@SZ")]
    assert gross[2] == 60 and gross[3] == 80 and gross[8] == 160
    assert orders_of(r, "BOLT@SZ") == [(3, -2, 40.0), (8, 3, 160.0)]


def test_a_cycle_of_transfers_is_refused_with_its_rows() -> None:
    ip = pd.DataFrame([("CAS", "HZ", "transfer", "SZ", 3), ("CAS", "SZ", "transfer", "HZ", 3)],
                      columns=["item", "plant", "procurement", "source_plant", "transit_days"])
    ip["_row"] = [2, 3]
    with pytest.raises(PlanningError) as e:
        network.build(ITEMS, BOM, ("HZ", "SZ"), ip, columns={"source_plant": "Source plant"})
    text = str(e.value)
    assert "CAS" in text and "HZ → SZ → HZ" in text and "rows 2, 3" in text


def test_transfer_demand_onto_a_source_that_also_ships() -> None:
    net = two_plants()
    nodes = pd.Index(["CAS@HZ", "CAS@SZ"])
    prod = np.zeros((2, len(DAYS)))
    prod[0, 10] = 50.0   # 50 castings arrive at HZ on day 10: SZ ships them on day 7
    prod[0, 2] = 5.0     # 5 arrive on day 2: shipped 3 days before the plan → day 0
    got = network.transfer_demand(nodes, prod, net)
    assert got[1, 7] == 50.0 and got[1, 0] == 5.0 and got[0].sum() == 0


lines = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4),
                           st.sampled_from([1.0, 2.0, 0.5])), max_size=6)


@settings(max_examples=25, deadline=None)
@given(lines, st.lists(st.integers(0, 60), min_size=5, max_size=5),
       st.lists(st.integers(1, 12), min_size=5, max_size=5))
def test_one_plant_network_plans_what_the_mrp_plans(edges, stock, leads) -> None:
    names = [f"I{k}" for k in range(5)]
    it = items(*[(names[k], "SFG" if k else "FG", leads[k], "L4L", 0, 0, 0, 1, 0)
                 for k in range(5)])
    b = bom(*{(names[p], names[c], q) for p, c, q in edges if p < c})
    b = b.drop_duplicates(["parent", "component"])
    prod = on_mondays([[10, 0, 30, 20, 0, 40, 0, 10, 0]])
    on_hand = pd.Series(dict(zip(names, map(float, stock), strict=True)))
    want = mrp.plan(it, b, pd.Index(["I0"]), prod, on_hand, None, DAYS).orders
    net = network.build(it, b, ("P1",))
    got = mrp.plan(net.items, net.bom, pd.Index(["I0@P1"]), prod,
                   pd.Series(on_hand.to_numpy(), index=[f"{n}@P1" for n in names]),
                   None, DAYS).orders
    got["item"] = net.item_of(got["item"])
    cols = ["item", "due_day", "release_day", "qty", "release_qty"]
    pd.testing.assert_frame_equal(got[cols].sort_values(cols).reset_index(drop=True),
                                  want[cols].sort_values(cols).reset_index(drop=True))
