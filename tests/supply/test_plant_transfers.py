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

