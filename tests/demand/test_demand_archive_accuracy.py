"""The forecast archive across two monthly runs (planning months 2026-12 and 2027-01), then
forecast accuracy at lag 1 for December 2026, worked out by hand.

Made in November (run for December): Li Na forecasts 80 of A (Domestic Sales), her
department holds contract C1 with 20 open → sales view 100; statistical A 100, B 40; the
demand plan A 100 (20 + 80), B 40. Actual December shipments: A 95 (Domestic Sales),
B 50 (International Trade). Naive = November's shipments: A 122, B 40.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sop_xl.app.cycle import run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets
from tests.demand.fixtures import company

pytestmark = pytest.mark.usefixtures("fake_forecast")
P = pd.Period
DEC, JAN = P("2026-12", "M"), P("2027-01", "M")


def _next_month(path) -> None:
    """What the planner pastes at the end of December: December's shipments, C1 delivered,
    Li Na's new M+3, and the planning month moved on."""
    f, s = company()
    s["planning_month"] = JAN
    h = f["sales_history"]
    h.loc[len(h)] = ["A", DEC, "Domestic Sales", "direct", 100.0, 95.0]
    h.loc[len(h)] = ["B", DEC, "International Trade", "export", 50.0, 50.0]
    f["contracts"].loc[0, "delivered_qty"] = 30.0
    f["sales_forecast"] = pd.DataFrame(
        [["Li Na", "Domestic Sales", "A", JAN + k, 85.0, None] for k in range(4)],
        columns=["assistant", "department", "item", "month", "qty", "reason"])
    book = MasterWorkbook.open(path)
    book.backend.write_sheets(input_sheets(f, {**s, "language": "en"}, "en"))


def _archive(path) -> pd.DataFrame:
    return MasterWorkbook.open(path).read_output_table("forecast_archive").drop(columns="_row")


def test_archive_appends_month_by_month_and_accuracy_at_lag_1(master):
    path = master()
    run_steps(MasterWorkbook.open(path), ["accuracy", "forecast", "demand"])
    first = _archive(path)
    assert set(first["made_month"]) == {P("2026-11", "M")}
    assert sorted(set(first["lag"])) == [1, 2, 3, 4]
    sales = first[first["source"] == "sales"].set_index("month")
    assert sales.loc[DEC, "qty"] == 100 and sales.loc[DEC, "submitted_qty"] == 80
    assert sales.loc[JAN, "qty"] == 90  # no contract of Domestic Sales in January
    assert len(first) == 2 + 2 * 4 + 2 * 4  # sales Dec-Jan, statistical and plan A/B × 4
    kpi0 = MasterWorkbook.open(path).read_output_table("forecast_kpi")
    assert kpi0.empty  # nothing has actuals yet

    _next_month(path)
    run_steps(MasterWorkbook.open(path), ["accuracy", "forecast", "demand"])
    second = _archive(path)
    # November's rows are untouched; December's are appended after them
    assert second.iloc[:len(first)].equals(first)
    made_dec = second.iloc[len(first):]
    assert set(made_dec["made_month"]) == {DEC}
    # Li Na's 85 a month, plus project P1 of her department in February (50 × 50 %)
    assert made_dec[(made_dec["source"] == "sales")]["qty"].tolist() == [85, 110, 85, 85]
    # running December again replaces December's rows instead of adding to them
    run_steps(MasterWorkbook.open(path), ["demand"])
    assert len(_archive(path)) == len(second)

    k = MasterWorkbook.open(path).read_output_table("forecast_kpi").drop(columns="_row")
    assert set(k["lag"]) == {1}
    kpi = k.set_index(["level", "key", "source"])
    a = kpi.loc[("item", "A", "sales")]
    assert (a["actual"], a["forecast"]) == (95, 100)
    assert a["achievement"] == pytest.approx(0.95)
    assert a["wape"] == pytest.approx(5 / 95)
    assert a["bias"] == pytest.approx(5 / 95)
    assert a["fva_stat"] == pytest.approx(0.0)  # statistical also said 100
    assert a["fva_naive"] == pytest.approx((27 - 5) / 95)  # naive 122 missed by 27
    assert kpi.loc[("assistant", "Li Na", "sales"), "wape"] == pytest.approx(5 / 95)
    t = kpi.loc[("total", "Total", "statistical")]
    assert (t["actual"], t["forecast"], t["months"]) == (145, 140, 1)
    assert t["achievement"] == pytest.approx(145 / 140)
    assert t["wape"] == pytest.approx((5 + 10) / 145)
    assert t["bias"] == pytest.approx((140 - 145) / 145)
    assert t["fva_naive"] == pytest.approx((27 + 10 - 15) / 145)
    assert pd.isna(t["fva_stat"])
    # A's history up to November changes by 2 a month except one −22: 66 over 23 changes
    assert kpi.loc[("item", "A", "statistical"), "mase"] == pytest.approx(5 / (66 / 23))
    d = kpi.loc[("department", "International Trade", "statistical")]
    assert d["achievement"] == pytest.approx(50 / 40) and d["wape"] == pytest.approx(0.2)
    assert kpi.loc[("total", "Total", "naive"), "forecast"] == 122 + 40
    assert kpi.loc[("family", "Pumps", "demand_plan"), "wape"] == pytest.approx(15 / 145)
    # the KPI sheet states the formula of the achievement rate above the table
    rows = MasterWorkbook.open(path).backend.read_sheet("ForecastKPI").rows
    assert rows[1][0].startswith("Achievement rate (预测达成率) = Σ actual ÷ Σ forecast")
