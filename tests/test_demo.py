"""The demo company: deterministic, the stated size, valid through the contract reader, and
holding the exceptions the monthly cycle should find."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest

from sop_xl.app.master import MasterWorkbook
from sop_xl.base.errors import WorkbookError
from sop_xl.demo import BOTTLENECK, build_demo, write_demo
from sop_xl.demo.products import explode

M = pd.Period("2026-12", "M")


@pytest.fixture(scope="module")
def demo():
    return build_demo()


def _levels(bom: pd.DataFrame) -> dict[str, int]:
    """Longest path from any top-level parent to each item (0 = top)."""
    children = defaultdict(list)
    for p, c in zip(bom["parent"], bom["component"], strict=True):
        children[p].append(c)
    tops = set(bom["parent"]) - set(bom["component"])
    depth: dict[str, int] = {}
    stack = [(t, 0) for t in tops]
    while stack:
        item, d = stack.pop()
        if depth.get(item, -1) >= d:
            continue
        depth[item] = d
        stack += [(c, d + 1) for c in children[item]]
    return depth


def _finished_goods_using(bom: pd.DataFrame, fg: list[str]) -> dict[str, set[str]]:
    children = defaultdict(list)
    for p, c in zip(bom["parent"], bom["component"], strict=True):
        children[p].append(c)
    used: dict[str, set[str]] = defaultdict(set)
    for top in fg:
        stack = list(children[top])
        while stack:
            c = stack.pop()
            used[c].add(top)
            stack += children[c]
    return used


# -- determinism -------------------------------------------------------------------------
def test_same_seed_same_frames(demo):
    again = build_demo()
    assert again.frames.keys() == demo.frames.keys()
    for key, frame in demo.frames.items():
        pd.testing.assert_frame_equal(again.frames[key], frame, obj=key)
    pd.testing.assert_frame_equal(again.previous_forecasts, demo.previous_forecasts)
    pd.testing.assert_frame_equal(again.expected_demand, demo.expected_demand)
    assert again.settings == demo.settings


def test_other_seed_other_history(demo):
    other = build_demo(seed=7)
    assert not other.frames["sales_history"].equals(demo.frames["sales_history"])
    pd.testing.assert_frame_equal(other.frames["bom"], demo.frames["bom"])


# -- size and shape ----------------------------------------------------------------------
def test_items_bom_and_resources(demo):
    items, bom = demo.frames["items"], demo.frames["bom"]
    fg = items[items["item_type"] == "FG"]
    assert 35 <= len(fg) <= 45
    assert 130 <= (items["item_type"] != "FG").sum() <= 170
    assert fg["family"].nunique() == 3 and fg["family"].notna().all()
    assert len(_levels(bom)) == len(set(bom["parent"]) | set(bom["component"]))
    assert max(_levels(bom).values()) + 1 in (3, 4)
    used = _finished_goods_using(bom, list(fg["item"]))
    types = items.set_index("item")["item_type"]
    shared = [c for c, tops in used.items() if len(tops) >= 3 and types[c] == "RM"]
    assert len(shared) >= 15
    for part in ("RM-BRG-6308", "RM-MSL-25", "RM-MOT-3K0", "RM-ACT-E", "RM-MCU"):
        assert len(used[part]) >= 2, part
    assert not set(bom["parent"]) & set(items.loc[items["item_type"] == "RM", "item"])
    assert items["supplier"].notna().eq(items["item_type"] == "RM").all()
    assert 8 <= items["supplier"].nunique() <= 12
    assert set(items["lot_rule"]) == {"L4L", "FIXED", "MINMULT", "POQ"}
    # what is made is made to each week's need; purchased parts without a lot of their
    # own are bought a period's needs at a time
    made = items["item_type"] != "RM"
    assert (items.loc[made, "lot_rule"] == "L4L").mean() > 0.5
    assert (items.loc[~made, "lot_rule"] == "POQ").mean() > 0.4
    assert len(demo.frames["resources"]) == 4
    usage = demo.frames["resource_usage"]
    assert set(fg["item"]) <= set(usage["item"])
    assert usage["item"].str.startswith(("PE-", "SA-", "MC-")).sum() >= 30


def test_costs_roll_up(demo):
    items, bom = demo.frames["items"], demo.frames["bom"]
    cost = items.set_index("item")["unit_cost"]
    material = (bom["qty_per"] * (1 + bom["scrap_pct"]) * bom["component"].map(cost)) \
        .groupby(bom["parent"]).sum()
    fg = items[items["item_type"] == "FG"].set_index("item")
    ratio = fg["unit_cost"] / material[fg.index]
    assert ratio.between(1.2, 1.4).all()
    assert (fg["price"] / fg["unit_cost"]).between(1.28, 1.62).all()


def test_history(demo):
    h = demo.frames["sales_history"]
    assert h["month"].nunique() == 36
    assert h["month"].min() == M - 36 and h["month"].max() == M - 1
    assert set(h["department"]) == {"Domestic Sales", "International Trade"}
    assert (h["ordered_qty"] >= h["shipped_qty"]).all()
    assert (h["ordered_qty"] <= h["shipped_qty"] * 1.15).all()
    items = demo.frames["items"].set_index("item")
    total = h.groupby(["item", "month"])["shipped_qty"].sum().unstack(fill_value=0.0)
    new = items.index[items["status"] == "new"]
    assert 2 <= len(new) <= 3 and items.loc[new, "analog_item"].notna().all()
    for item in new:
        first = h.loc[h["item"] == item, "month"].min()
        assert M - 8 <= first <= M - 3
    gone = items.index[(items["status"] == "discontinued") & (items["item_type"] == "FG")]
    assert len(gone) == 1
    assert h.loc[h["item"] == gone[0], "month"].max() <= M - 7
    zero_months = (total == 0).sum(axis=1)
    lumpy = [i for i in total.index if zero_months[i] >= 15 and i not in new]
    assert len(lumpy) >= 2
    regular = total.loc[total.index.difference(lumpy).difference(new).difference(gone)]
    spike = regular.max(axis=1) / regular.median(axis=1)
    assert (spike > 4).sum() >= 1  # one-off big orders for outlier cleaning


def test_contracts_projects_events(demo):
    c = demo.frames["contracts"]
    assert set(c["contract_type"]) == {"small", "large"}
    small, large = c[c["contract_type"] == "small"], c[c["contract_type"] == "large"]
    assert small["contract"].nunique() > 4 * large["contract"].nunique() >= 12
    assert small["due_month"].max() <= M + 2 and large["due_month"].max() <= M + 5
    assert large["ordered_qty"].median() > 3 * small["ordered_qty"].median()
    assert (c["delivered_qty"] <= c["ordered_qty"]).all()
    partly = c[(c["delivered_qty"] > 0) & (c["delivered_qty"] < c["ordered_qty"])]
    assert len(partly) >= 5
    assert (c["sign_date"] < M.start_time.date()).all()
    p = demo.frames["projects"]
    assert 5 <= p["project"].nunique() <= 8
    assert p["probability"].between(0.2, 0.9).all() and p["probability"].nunique() >= 4
    assert p["month"].min() >= M + 1 and p["month"].max() <= M + 6
    ev = demo.frames["events"]
    promo = ev[ev["kind"] == "multiply"].iloc[0]
    assert promo["scope"] == "family" and promo["value"] == 1.2
    assert promo["end_month"] - promo["start_month"] == 1 * promo["end_month"].freq
    assert (ev["kind"] == "add").any()


def test_sales_forecast(demo):
    f = demo.frames["sales_forecast"]
    assert f["assistant"].nunique() == 4
    assert f.groupby("department")["assistant"].nunique().to_dict() == {
        "Domestic Sales": 2, "International Trade": 2}
    assert set(f["month"]) == {M, M + 1, M + 2, M + 3}
    assert f.groupby(["assistant", "item"]).size().eq(4).all()
    assert f["reason"].notna().sum() >= 10
    # Forecast plus what is already on small contracts, against the run-rate the history
    # was drawn from (what a good statistical forecast finds): only the rows planted to
    # deviate, and the odd noisy one, are more than 35 % off.
    c = demo.frames["contracts"]
    small = c[c["contract_type"] == "small"]
    on_order = (small["ordered_qty"] - small["delivered_qty"]).groupby(
        [small["department"], small["item"], small["due_month"]]).sum()
    run = demo.expected_demand.set_index(["item", "month"])["qty"]
    share = _department_shares(demo)
    keys = list(zip(f["department"], f["item"], f["month"], strict=True))
    usual = pd.Series([run[(i, m)] * share[(d, i)] for d, i, m in keys], index=f.index)
    total = f["qty"] + pd.Series([on_order.get(k, 0.0) for k in keys], index=f.index)
    ratio = total / usual.clip(lower=1)
    off = f[(usual >= 20) & ((ratio > 1.35) | (ratio < 0.65))]
    assert 2 <= len(off) <= 0.1 * len(f)
    assert off["reason"].notna().sum() >= 2


def _department_shares(demo) -> dict[tuple[str, str], float]:
    """Each department's share of an item's shipments over the last year."""
    h = demo.frames["sales_history"]
    recent = h[h["month"] >= M - 12]
    by = recent.groupby(["department", "item"])["shipped_qty"].sum()
    total = recent.groupby("item")["shipped_qty"].sum()
    return {(d, i): by.get((d, i), 0.0) / max(total.get(i, 0.0), 1.0)
            for d in ("Domestic Sales", "International Trade") for i in total.index}


def test_previous_forecasts_show_bias(demo):
    pf = demo.previous_forecasts
    assert list(pf.columns) == ["assistant", "department", "item", "made_month", "month",
                                "qty"]
    assert set(pf["made_month"]) == {M - k for k in range(1, 13)}
    lag = (pf["month"] - pf["made_month"]).map(lambda d: d.n)
    assert set(lag) == {0, 1, 2, 3}
    h = demo.frames["sales_history"]
    actual = h.groupby(["department", "item", "month"])["shipped_qty"].sum()
    past = pf[(lag >= 1) & (pf["month"] < M)]
    got = [actual.get(k, 0.0) for k in zip(past["department"], past["item"], past["month"],
                                           strict=True)]
    achieved = pd.Series(got, index=past.index).groupby(past["assistant"]).sum() \
        / past.groupby("assistant")["qty"].sum()
    assert achieved["Li Na"] < 0.97 < 1.05 < achieved["Zhang Wei"]


# -- the workbook ------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_write_and_read_back(demo, tmp_path, lang):
    path = write_demo(tmp_path / f"demo-{lang}.xlsx", lang=lang)
    inputs = MasterWorkbook.open(path).read_inputs()  # raises on any problem
    for key, frame in demo.frames.items():
        got = getattr(inputs, key).drop(columns="_row").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, frame.reset_index(drop=True), obj=key)
    settings = inputs.settings.as_values()
    assert settings["planning_month"] == M and settings["language"] == lang
    for k, v in demo.settings.items():
        if k != "language":
            assert settings[k] == v, k
    with pytest.raises(WorkbookError):
        write_demo(path, lang=lang)


def test_calendar(demo):
    cal = demo.frames["calendar"]
    horizon = cal[(cal["start_date"] >= M.start_time.date())
                  & (cal["end_date"] <= (M + 17).end_time.date())]
    factory = horizon[horizon["resource"].isna()]
    sf = factory[factory["description"].str.contains("Spring Festival")]
    assert (sf["day_type"] == "shutdown").any() and (sf["day_type"] == "holiday").any()
    national = factory[factory["description"].str.contains("National Day")]
    assert (national["day_type"] == "holiday").any()
    assert (horizon["day_type"] == "workday").sum() >= 5
    assert (horizon["resource"] == "TB-TEST").sum() == 1
    assert date(2026, 10, 1) in set(cal["start_date"])  # the official 2026 National Day
    ordered = sorted(zip(cal["start_date"], cal["end_date"], strict=True))
    assert all(b < a2 for (_, b), (a2, _) in pairwise(ordered))  # rows never overlap


# -- what the cycle should find ------------------------------------------------------------
def test_capacity_story(demo):
    load = demo.load()
    assert list(load.index) == list(demo.frames["resources"]["resource"])
    assert load.shape[1] == 18
    assert load.mean(axis=1).between(0.6, 1.0).all()
    over = load.loc[BOTTLENECK] > 1.0
    assert 1 <= over.sum() <= 2
    assert (load.drop(BOTTLENECK) <= 1.0).all().all()


def test_stock_and_receipt_exceptions(demo):
    stock, rec = demo.frames["stock"], demo.frames["scheduled_receipts"]
    start = M.start_time.date()
    assert (stock["last_movement"] < start).all()
    idle = stock.groupby("item")["last_movement"].max().map(lambda d: (start - d).days / 30.4)
    assert idle.between(7, 14).sum() >= 5
    assert (idle < 1).mean() > 0.8
    run = demo.expected_demand[demo.expected_demand["month"] == M]
    need = pd.Series(explode(dict(zip(run["item"], run["qty"], strict=True))))
    on_hand = stock.groupby("item")["on_hand"].sum()
    cover = on_hand / need.reindex(on_hand.index)
    assert ((cover > 7) & (need.reindex(on_hand.index) > 0)).sum() >= 4
    assert set(stock["warehouse"]) >= {"FG-WH", "RM-WH"}
    assert stock.groupby("item")["warehouse"].nunique().max() == 2
    # the pipeline a running plant has: the plan's own orders already due for release
    po = rec[rec["order_type"] == "purchase"]
    assert po["item"].nunique() >= 60 and po["supplier"].notna().all()
    mo = rec[rec["order_type"] == "production"]
    assert mo["item"].str.startswith("FG-").sum() >= 25
    assert (rec["due_date"] < start).sum() >= 3  # two purchase and one production order
    assert rec["due_date"].max() < (M + 4).start_time.date()


@pytest.mark.parametrize("lang, name, plants", [("en", "sop_master.xlsx", False),
                                                ("zh-CN", "sop_master_zh-CN.xlsx", False),
                                                ("en", "sop_master_plants.xlsx", True)])
def test_the_shipped_demo_workbooks_are_what_the_command_writes(tmp_path, lang, name,
                                                                plants):
    """workbooks/demo/ is regenerated by `sop-xl demo` (`--plants`), byte for byte; if this
    fails, run `make demo` and commit the workbooks it rewrote."""
    shipped = Path(__file__).resolve().parent.parent / "workbooks" / "demo" / name
    fresh = write_demo(tmp_path / name, lang=lang, plants=plants)
    assert fresh.read_bytes() == shipped.read_bytes()
