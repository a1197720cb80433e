"""Transfers between plants in the projection and its totals (issue 17, session 3): a
plant's rows stay its own view, the company total counts no transfer twice.

Hand-worked (docs/notes/issue-17.md, session 3), three weekly buckets, one pump family:
HZ assembles pump FG (50 on hand, makes 60 a week, its customers take 40 a week) and
ships to the regional warehouse CD (4 working days): 30 in week 1 and 30 in week 3.
CD (10 on hand, customers 20 a week) receives the week-1 transfer in week 2 and 15
pieces shipped before the plan (an in-transit transfer order) in week 1.

    HZ   demand 40 40 40   transfers out 30  0 30   supply 60 60 60   projected 40 60 50
    CD   demand 20 20 20   transfers in  15 30  0   supply  0  0  0   projected  5 15 -5
    all  demand 60 60 60   out 30 0 30 / in 15 30 0 supply 60 60 60   projected 45 75 45

The company's total: 60 on hand + 60 + 15 − 60 − 30 = 45; + 60 + 30 − 60 = 75; + 60 − 60
− 30 = 45. Before (each plant's own view summed): demand 90 60 90, supply 75 90 60.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from sop_xl.plan.inventory import Transfers, project


@dataclass
class _Plan:   # the MPS rows project() reads
    items: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]
    on_hand: np.ndarray

    def __getitem__(self, k: str) -> np.ndarray:
        return self.rows[k]


ITEMS = pd.DataFrame({"item": ["FG@HZ", "FG@CD"], "family": ["Pumps", "Pumps"],
                      "unit_cost": [100.0, 100.0], "safety_stock": [0.0, 0.0],
                      "max_stock": [0.0, 0.0]})


def plan() -> _Plan:
    a = np.array
    return _Plan(pd.Index(["FG@HZ", "FG@CD"]), ["W1", "W2", "W3"], {
        # the MPS's own view: HZ's demand holds its transfers out, CD's production is
        # the planned transfer received, its receipts the transfer already on the way
        "demand": a([[70.0, 40, 70], [20, 20, 20]]),
        "production": a([[60.0, 60, 60], [0, 30, 0]]),
        "receipts": a([[0.0, 0, 0], [15, 0, 0]])}, a([50.0, 10.0]))


MOVES = Transfers(out=np.array([[30.0, 0, 30], [0, 0, 0]]), moved=np.array([False, True]),
                  in_transit=np.array([[0.0, 0, 0], [15, 0, 0]]))


def projection():
    p = plan()
    return project(p, ITEMS, np.array([5.0, 5, 5]), MOVES)  # type: ignore[arg-type]


def test_a_plants_rows_keep_its_own_view_apart() -> None:
    p = projection()
    assert p.transfers
    assert p["demand"].tolist() == [[40, 40, 40], [20, 20, 20]]
    assert p["transfers_out"].tolist() == [[30, 0, 30], [0, 0, 0]]
    assert p["transfers_in"].tolist() == [[0, 0, 0], [15, 30, 0]]
    assert p["supply"].tolist() == [[60, 60, 60], [0, 0, 0]]
    assert p["production"].tolist() == [[60, 60, 60], [0, 0, 0]]
    assert p["projected"].tolist() == [[40, 60, 50], [5, 15, -5]]
    # CD's customers are short 5 in week 3; HZ ships its customers whole
    assert p["shipped"].tolist() == [[40, 40, 40], [20, 20, 15]]
    # a plant's days of supply count its transfers out (the MPS's): HZ 40 / (140 / 15)
    assert p["dos"][0, 0] == 40 / ((40 + 70) / 10)


def test_the_company_total_counts_no_transfer_twice() -> None:
    p = projection()
    total = list(p.families).index("")
    f = {k: p.family_rows[k][total].tolist() for k in
         ("demand", "supply", "transfers_out", "transfers_in", "projected", "value")}
    assert f == {"demand": [60, 60, 60], "supply": [60, 60, 60],
                 "transfers_out": [30, 0, 30], "transfers_in": [15, 30, 0],
                 "projected": [45, 75, 45], "value": [4500, 7500, 4500]}
    # exact both ways: opening + supply + in − demand − out, bucket by bucket
    opening = p.family_on_hand[total]
    flow = np.cumsum(np.array(f["supply"]) + f["transfers_in"] - f["demand"]
                     - f["transfers_out"])
    assert (opening + flow).tolist() == f["projected"]
    # the family (both nodes are pumps) is the total
    assert p.family_rows["demand"][list(p.families).index("Pumps")].tolist() == [60, 60, 60]


def test_without_transfers_nothing_moves() -> None:
    p = plan()
    old = project(p, ITEMS, np.array([5.0, 5, 5]))  # type: ignore[arg-type]
    assert not old.transfers and "transfers_out" not in old.family_rows
    # each plant's own view summed: the transfers counted as demand and as supply
    total = list(old.families).index("")
    assert old.family_rows["demand"][total].tolist() == [90, 60, 90]
    assert old.family_rows["supply"][total].tolist() == [75, 90, 60]
    assert old["projected"].tolist() == projection()["projected"].tolist()



# -- through a real workbook: the small company with pump A shipped 25 % from P2 ---------

def _a_in_two_plants(tmp_path, monkeypatch, lang: str = "en", receipts: list | None = None):
    from support import fixed_forecast
    from test_plants_workbook import ITEM_PLANTS, two_plants

    from sop_xl.app.cycle import CYCLE, PlanRun, run_steps
    from sop_xl.app.master import MasterWorkbook
    from sop_xl.app.template import write_master
    ip = pd.concat([ITEM_PLANTS, pd.DataFrame(
        [["A", "P1", "make", None, None, 0.75], ["A", "P2", "transfer", "P1", 4, 0.25]],
        columns=[*ITEM_PLANTS.columns, "demand_share"])], ignore_index=True)
    f, s = two_plants(ip)
    if receipts:
        f["scheduled_receipts"] = pd.concat([f["scheduled_receipts"], pd.DataFrame(
            receipts, columns=[*f["scheduled_receipts"].columns, "plant"])],
            ignore_index=True)
    path = write_master(tmp_path / "m.xlsx", f, s, lang=lang)
    monkeypatch.setattr(PlanRun, "forecast", property(
        lambda self: fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)))
    book = MasterWorkbook.open(path)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    run_steps(MasterWorkbook.open(path), list(CYCLE))
    return path, run


def test_every_consumer_of_the_totals_gives_the_companys_figures(tmp_path,
                                                                  monkeypatch) -> None:
    from sop_xl.faces.meeting.data import family_plan
    _, run = _a_in_two_plants(tmp_path, monkeypatch)
    p = run.projection
    assert p.transfers
    total = list(p.families).index("")
    # company demand: the customers' only, the demand plan of A and B
    np.testing.assert_allclose(p.family_rows["demand"][total],
                               run.demand["demand"].sum(axis=0), atol=1e-9)
    # A@P2's MPS production is transfers received: not production, not supply
    at = list(p.items).index("A@P2")
    np.testing.assert_allclose(p["transfers_in"][at], run.mps["production"][at])
    assert not p["production"][at].any() and not p["supply"][at].any()
    # what P1 ships to P2 is what P2 receives, 4 working days earlier
    src = list(p.items).index("A@P1")
    assert p["transfers_out"][src].sum() > 0
    np.testing.assert_allclose(p["demand"][src] + p["transfers_out"][src],
                               run.mps["demand"][src])
    # exact both ways
    fo = p.family_on_hand[total]
    flow = np.cumsum(p.family_rows["supply"][total] + p.family_rows["transfers_in"][total]
                     - p.family_rows["demand"][total] - p.family_rows["transfers_out"][total])
    np.testing.assert_allclose(fo + flow, p.family_rows["projected"][total], atol=1e-9)
    np.testing.assert_allclose(p.family_rows["projected"][total],
                               run.mps["projected"].sum(axis=0), atol=1e-9)
    # the meeting pack's company figures are the projection's
    fp = family_plan(run).groupby("month")[["demand", "supply"]].sum()
    months = [pd.Period(b.start, "M") for b in run.inputs.buckets]
    by_month = pd.DataFrame({"demand": p.family_rows["demand"][total],
                             "supply": p.family_rows["supply"][total], "month": months}
                            ).groupby("month").sum()
    np.testing.assert_allclose(fp.to_numpy(), by_month.to_numpy(), atol=1e-9)
    # finance: revenue is what the customers take × price, production no transfer
    fin = run.financial
    price = np.array([150.0 if i.startswith("A@") else 280.0 for i in p.items])
    cost = np.array([100.0 if i.startswith("A@") else 200.0 for i in p.items])
    assert fin["revenue"][-1].sum() == np.float64((p["shipped"] * price[:, None]).sum())
    np.testing.assert_allclose(fin["production_value"][-1].sum(),
                               (p["production"] * cost[:, None]).sum())


def test_the_projection_sheet_shows_and_nets_the_transfers(tmp_path, monkeypatch) -> None:
    import openpyxl
    from recalc import compare, recalculate, soffice_available
    path, _ = _a_in_two_plants(tmp_path, monkeypatch, lang="zh-CN")
    wb = openpyxl.load_workbook(path)
    ws = wb["库存预测"]
    measure = [c.value for c in ws[3]].index("指标")
    rows = [(r[0], r[measure]) for r in ws.iter_rows(min_row=4, values_only=True)]
    assert ("[合计]", "调出") in rows and ("[合计]", "调入") in rows
    assert ("A@P2", "调入") in rows
    if not soffice_available():
        pytest.skip("LibreOffice not installed")
    lo = recalculate(path, tmp_path / "lo")
    c = compare(path, lo, sheets=["库存预测"])
    assert c.checked > 100 and c.bad == []


# -- transfer orders already shipped (ScheduledReceipts, type transfer) -----------------

def _with_receipts(tmp_path, name: str, rows: list[list], lang: str = "en"):
    from test_plants_workbook import two_plants

    from sop_xl.app.template import write_master
    f, s = two_plants()
    extra = pd.DataFrame(rows, columns=["order", "order_type", "item", "qty", "due_date",
                                        "supplier", "plant"])
    f["scheduled_receipts"] = pd.concat([f["scheduled_receipts"], extra], ignore_index=True)
    return write_master(tmp_path / name, f, s, lang=lang)


def test_a_transfer_order_is_a_receipt_there_and_no_demand_here(tmp_path) -> None:
    """S1 moves from the casting plant P2 to P1 in 3 working days. 50 housings shipped
    before the plan arrive at P1 on 8 December: P1's planned transfers fall by 50 and so
    does what P2 must ship; nothing is asked of P2 for the 50 already on the way."""
    from datetime import date

    from support import small_company_run as run_of
    plain = run_of(_with_receipts(tmp_path, "plain.xlsx", []))
    moving = run_of(_with_receipts(tmp_path, "moving.xlsx", [
        ["TO-1", "transfer", "S1", 50.0, date(2026, 12, 8), "P2", "P1"]]))
    a, b = plain.mrp, moving.mrp

    def row(r, node: str, key: str) -> np.ndarray:
        return r.daily[key][list(r.item_names).index(node)]
    day = moving.days.supply_day(pd.Series([pd.Timestamp("2026-12-08")]))[0]
    assert row(b, "S1@P1", "receipts")[day] == 50.0
    assert row(a, "S1@P1", "receipts").sum() == 0.0
    # what P1 still needs by transfer, and so what P2 ships: 50 less over the plan
    assert row(a, "S1@P1", "releases").sum() - row(b, "S1@P1", "releases").sum() == 50.0
    assert row(a, "S1@P2", "gross").sum() - row(b, "S1@P2", "gross").sum() == 50.0
    np.testing.assert_allclose(row(b, "S1@P2", "gross"), row(b, "S1@P1", "releases"))


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_transfer_order_off_the_network_is_refused(tmp_path, lang) -> None:
    from datetime import date

    from sop_xl.app.master import MasterWorkbook
    from sop_xl.base.errors import ValidationError
    d = date(2026, 12, 8)
    path = _with_receipts(tmp_path, "bad.xlsx", [
        ["TO-1", "transfer", "S1", 50.0, d, "P9", "P1"],     # no plant P9
        ["TO-2", "transfer", "S1", 50.0, d, "P1", "P1"],     # the plant receiving it
        ["TO-3", "transfer", "R1", 50.0, d, "P2", None],     # R1 is not moved P2 → P1
        ["TO-4", "transfer", "S1", 50.0, d, "P2", None]],    # fine: blank is P1
        lang=lang)
    with pytest.raises(ValidationError) as e:
        MasterWorkbook.open(path).read_inputs()
    got = [(p.sheet, p.row, p.column, p.value) for p in e.value.problems]
    sheet, col = ("ScheduledReceipts", "Supplier") if lang == "en" else ("在途订单", "供应商")
    assert got == [(sheet, 3, col, "P9"), (sheet, 4, col, "P1"), (sheet, 5, col, "P2")]
    text = str(e.value)
    if lang == "en":
        assert "[bad.xlsx] ScheduledReceipts!F3 (Supplier): a transfer order names the " \
            "plant that shipped it, one of Plants (P1, P2); found 'P9'" in text
        assert "ScheduledReceipts!F4 (Supplier): a transfer order ships from another plant " \
            "than the one receiving it (P1); found 'P1'" in text
        assert "ScheduledReceipts!F5 (Supplier): no transfer of R1 from P2 to P1 on " \
            "ItemPlants; expected a row R1, P1, transfer, source plant P2" in text
    else:
        assert "调拨单应填写调出工厂，须为工厂表中的工厂(P1, P2)；实际为 'P9'" in text
        assert "中没有 R1 从 P2 到 P1 的调拨；应有一行 R1、P1、调拨、调出工厂 P2" in text


def test_a_transfer_order_needs_several_plants(tmp_path) -> None:
    from datetime import date

    from small_company import frames

    from sop_xl.app.master import MasterWorkbook
    from sop_xl.app.template import write_master
    from sop_xl.base.errors import ValidationError
    f, s = frames()
    f["scheduled_receipts"] = pd.concat([f["scheduled_receipts"], pd.DataFrame(
        [["TO-1", "transfer", "S1", 50.0, date(2026, 12, 8), "P2"]],
        columns=list(f["scheduled_receipts"].columns))], ignore_index=True)
    with pytest.raises(ValidationError) as e:
        MasterWorkbook.open(write_master(tmp_path / "one.xlsx", f, s)).read_inputs()
    got = [(p.sheet, p.row, p.column, p.value) for p in e.value.problems]
    assert got == [("ScheduledReceipts", 3, "Type", "transfer")]
    assert "a transfer order needs several plants on Plants" in str(e.value)


def test_a_transfer_order_on_the_way_is_transferred_in_not_supply(tmp_path,
                                                                 monkeypatch) -> None:
    from datetime import date
    _, run = _a_in_two_plants(tmp_path, monkeypatch, receipts=[
        ["TO-7", "transfer", "A", 12.0, date(2026, 12, 2), "P1", "P2"]])
    p = run.projection
    at = list(p.items).index("A@P2")
    assert run.mps["receipts"][at].sum() == 12.0
    np.testing.assert_allclose(p["transfers_in"][at],
                               run.mps["receipts"][at] + run.mps["production"][at])
    assert p["supply"][at].sum() == 0.0


# -- action messages word a transfer as a transfer --------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_action_messages_word_transfers_as_transfers(tmp_path, lang) -> None:
    """P1 needs 130 housings S1 on 1 December; moved from P2 in 3 working days, the
    transfer should have shipped on 26 November. The transfer order TO-2 (40 pcs, on its
    way, arriving 20 April) is needed on 1 December. P2's own order stays an order."""
    from datetime import date

    from support import small_company_run as run_of

    from sop_xl.layout.exceptions import rendered
    run = run_of(_with_receipts(tmp_path, "m.xlsx", [
        ["TO-2", "transfer", "S1", 40.0, date(2027, 4, 20), "P2", "P1"]], lang=lang))
    ex = run.exceptions
    got = dict(zip(zip(ex["item"], ex["category"], strict=True), rendered(ex, lang)["message"],
                   strict=True))
    if lang == "en":
        assert got[("S1@P1", "shortage_lt")].endswith(
            "expedite or find stock. Release transfer order P2 → P1 for 130 pcs now: it "
            "should have shipped on 2026-11-26.")
        assert got[("S1@P1", "expedite")] == (
            "transfer order TO-2 P2 → P1 (40 pcs) arriving 2027-04-20 is needed on "
            "2026-12-01 to cover demand: bring it in 99 working days")
        # P2 casts S1 (10 working days): its own orders, worded as orders
        assert "pcs now: they should have gone out on 2026-11-17." in \
            got[("S1@P2", "shortage_lt")] and "transfer" not in got[("S1@P2", "shortage_lt")]
    else:
        assert got[("S1@P1", "shortage_lt")].endswith(
            "请立即下达调拨单 P2 → P1，130 件：本应于 2026-11-26 发出。")
        assert got[("S1@P1", "expedite")] == (
            "调拨单 TO-2 P2 → P1(40 件)2027-04-20 到货，2026-12-01 即需要(满足需求)："
            "请提前 99 个工作日")


@pytest.mark.parametrize(("lang", "made", "moved"), [
    ("en", "Planned production", "Planned transfer"), ("zh-CN", "计划生产", "计划调拨")])
def test_a_transferred_nodes_mps_row_says_planned_transfer(tmp_path, monkeypatch, lang,
                                                           made, moved) -> None:
    """A@P2 gets its pumps by transfer from P1: its MPS row is a planned transfer, and a
    quantity the planner types there is read back as that node's firm cell."""
    import openpyxl

    from sop_xl.app import readback
    from sop_xl.app.master import MasterWorkbook
    path, run = _a_in_two_plants(tmp_path, monkeypatch, lang=lang)
    wb = openpyxl.load_workbook(path)
    ws = wb["MPS" if lang == "en" else "主生产计划"]
    head = [c.value for c in ws[3]]
    mcol = head.index("Measure" if lang == "en" else "指标")
    rows = {(r[0], r[mcol]): k for k, r in enumerate(ws.iter_rows(min_row=4,
                                                                     values_only=True),
                                                       start=4) if r[0]}
    assert ("A@P2", moved) in rows and ("A@P1", made) in rows and ("B@P1", made) in rows
    assert ("A@P2", made) not in rows
    # its red / green against the suggestion still finds the row
    letter = openpyxl.utils.get_column_letter(mcol + 1)
    formulas = [f for cf in ws.conditional_formatting for r in cf.rules for f in r.formula]
    want = f'OR(${letter}4="{made}",${letter}4="{moved}")'
    assert sum(want in f for f in formulas) == 2
    # the Plant column prints like the item column: bordered block, centred
    plant = ws.cell(rows[("A@P2", moved)], len(head))
    assert plant.value == "P2" and plant.alignment.horizontal == "center"
    first = ws.cell(min(k for (i, _), k in rows.items() if i == "A@P2"), len(head))
    assert first.border.top.style == "thin" and first.font.b
    period = head.index(run.mps.periods[0])
    ws.cell(rows[("A@P2", moved)], period + 1, 77)
    wb.save(path)
    book = MasterWorkbook.open(path)
    nodes = run.mps.items
    firm = readback.firm_cells(book, run.supply_inputs, nodes)
    assert firm is not None
    at = list(nodes).index("A@P2")
    assert firm[at, 0] == 77.0 and np.isnan(firm[list(nodes).index("A@P1"), 0])


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("Planned receipts", "Planned releases", "Planned transfers in",
            "Planned transfers shipped")),
    ("zh-CN", ("计划到货", "计划下达", "计划调入", "计划调出"))])
def test_a_transferred_nodes_mrp_rows_say_transfers(tmp_path, monkeypatch, lang,
                                                    words) -> None:
    """S1@P1 (housings shipped from P2 in 3 working days) has transfers on the MRP, not
    orders: its planned receipts are transfers in, its releases the day P2 ships them;
    S1@P2, cast there, keeps the order words. Read back as the same measures."""
    import openpyxl

    from sop_xl.app.master import MasterWorkbook
    receipts, releases, moved_in, shipped = words
    path, run = _a_in_two_plants(tmp_path, monkeypatch, lang=lang)
    ws = openpyxl.load_workbook(path)["MRP" if lang == "en" else "物料需求计划"]
    mcol = [c.value for c in ws[3]].index("Measure" if lang == "en" else "指标")
    shown = {(r[0], r[mcol]) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert {("S1@P1", moved_in), ("S1@P1", shipped), ("S1@P2", receipts),
            ("S1@P2", releases), ("R1@P2", releases)} <= shown
    assert not {("S1@P1", receipts), ("S1@P1", releases), ("S1@P2", moved_in)} & shown
    g = MasterWorkbook.open(path).read_output_grid("mrp")
    assert g is not None
    r = run.mrp
    for node in ("S1@P1", "S1@P2"):
        mine = g[g["item"] == node]
        for measure in ("planned_receipts", "planned_releases"):
            back = mine[mine["measure"] == measure].set_index("period")["value"]
            want = r.rows[measure][list(r.items).index(node)]
            np.testing.assert_allclose(back.reindex(r.periods).fillna(0.0).to_numpy(float),
                                       want)
    s1 = g[(g["item"] == "S1@P1") & (g["measure"] == "planned_releases")]
    assert s1["value"].sum() > 0


def test_the_demos_transfer_orders_arrive_where_they_go(tmp_path) -> None:
    """The three-site demo: 20 pumps FG-P100 on their way Hangzhou → Chengdu (TO-2612-002)
    are transfers in at Chengdu in December, no demand on Hangzhou; 40 machined housings
    Taizhou → Hangzhou (TO-2612-001) a receipt of the Hangzhou node."""
    from sop_xl.app.cycle import PlanRun
    from sop_xl.app.master import MasterWorkbook
    from sop_xl.demo import write_demo
    book = MasterWorkbook.open(write_demo(tmp_path / "m.xlsx", plants=True))
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    p = run.projection
    cd, hz = list(p.items).index("FG-P100@HD-03"), list(p.items).index("FG-P100@HD-01")
    assert run.mps["receipts"][cd, 0] == 20.0
    assert p["transfers_in"][cd, 0] == 20.0 + run.mps["production"][cd, 0]
    # Hangzhou ships to Chengdu only what Chengdu's planned transfers ask of it
    arrive = run.mps.daily["production"][cd]
    assert p["transfers_out"][hz].sum() == pytest.approx(arrive.sum())
    r = run.mrp
    at = list(r.item_names).index("MC-CAS-ES1@HD-01")
    assert r.daily["receipts"][at].sum() == 40.0


def test_the_family_plan_sums_what_the_plants_make(tmp_path, monkeypatch) -> None:
    """Without a family strategy the family production plan shows the items' MPS
    production per family: A's pumps made in P1, not again as P2's transfers in."""
    _, run = _a_in_two_plants(tmp_path, monkeypatch)
    m = run.mps
    nodes = list(m.items)
    made = m["production"][nodes.index("A@P1")] + m["production"][nodes.index("B@P1")]
    assert m["production"][nodes.index("A@P2")].sum() > 0
    fam = run.family
    np.testing.assert_allclose(fam.suggested[list(fam.families).index("Pumps")], made)


def test_a_finished_good_made_where_it_does_not_ship_transfers_out_there(tmp_path) -> None:
    """Pump A made only in P1 and shipped only from P2 (demand share 0 / 1), 4 working
    days apart. P1's node has no customers: before, the MRP planned it, off the MPS and
    the Projection, so P2's Transfers in had no Transfers out to match (and P1's 20 pumps
    on hand were missing from the company's stock). Now it is an MPS node with no demand
    of its own but what it ships.

    A@P2: nothing on hand, safety stock 10, customers 100 / 90 / 100 ... (December: Li
    Na's 80 and C1's 20 open; January her 90): planned transfers in 110, 90, 100 ... .
    A@P1: 20 on hand, safety stock 10, ships each of them 4 working days before it
    arrives: December 133 out (its own 110 and 23 of January's 90, arriving by 7
    January); makes 133 + 10 − 20 = 123."""
    from support import small_company_run
    from test_plants_workbook import ITEM_PLANTS, two_plants

    from sop_xl.app.template import write_master
    ip = pd.concat([ITEM_PLANTS, pd.DataFrame(
        [["A", "P1", "make", None, None, 0.0], ["A", "P2", "transfer", "P1", 4, 1.0]],
        columns=[*ITEM_PLANTS.columns, "demand_share"])], ignore_index=True)
    f, s = two_plants(ip)
    run = small_company_run(write_master(tmp_path / "m.xlsx", f, s))
    p = run.projection
    assert list(p.items) == ["A@P2", "B@P1", "A@P1"]
    a1, a2 = list(p.items).index("A@P1"), list(p.items).index("A@P2")
    assert p["transfers_in"][a2].tolist() == [110.0, 90.0, 100.0, 100.0, 100.0, 100.0]
    assert p["transfers_out"][a1][:2].tolist() == [133.0, 92.0]
    assert not p["demand"][a1].any() and not p["transfers_in"][a1].any()
    assert p["production"][a1][0] == 133.0 + 10.0 - 20.0
    # every transfer that arrives in the plan left in it: out and in match in total, and
    # the [Total] row counts none twice (what is between the plants is out − in)
    assert p["transfers_out"][a1].sum() == p["transfers_in"][a2].sum() == 600.0
    total = list(p.families).index("")
    rows = p.family_rows
    assert rows["transfers_out"][total].sum() == rows["transfers_in"][total].sum()
    np.testing.assert_allclose(rows["demand"][total], run.demand["demand"].sum(axis=0))
    # the company's pumps on hand: A's 20 in P1 counted (before: off the Projection)
    assert p.family_on_hand[total] == run.inputs.on_hand().reindex(["A", "B"]).sum()
    flow = np.cumsum(rows["supply"][total] + rows["transfers_in"][total]
                     - rows["demand"][total] - rows["transfers_out"][total])
    np.testing.assert_allclose(p.family_on_hand[total] + flow, rows["projected"][total])
    # the MRP plans A@P1 no more: the MPS does, its components from what it makes
    r = run.mrp
    assert list(r.item_names).index("A@P1") >= r.n_kept
    assert set(r.item_names[:r.n_kept]) == {"S1@P1", "R2@P1", "S1@P2", "R1@P2"}
