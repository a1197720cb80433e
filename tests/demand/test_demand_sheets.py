"""The demand-side sheets in real workbook files: StatForecast (model, backtest error,
history with outliers marked, 12+ months of forecast and interval, short-history notes),
the whole cycle in English and 中文 with the deviation flags on Exceptions, and the
contract of the new sheets."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from sop_xl import contract
from sop_xl.app.cycle import CYCLE, STEP_KEYS, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.contract.demand_sheets import DEMAND_SHEETS
from sop_xl.plan import month
from tests.demand.fixtures import company, fake_auto_forecast, grid_values

P = pd.Period


def _add_new_item(f, s):
    """Item N, launched five months ago: 5, 6, 7, 8, 9 pieces shipped."""
    f["items"].loc[len(f["items"])] = ["N", "New pump", "FG", "Pumps", "pcs", 1.0, 2.0, 5,
                                       "L4L", 0, 0, 0, 1, 0, 0, 0, 0.0, None, None, "new"]
    h = f["sales_history"]
    for k in range(5):
        h.loc[len(h)] = ["N", P("2026-07", "M") + k, "Domestic Sales", "direct", None,
                         5.0 + k]
    f["bom"].loc[len(f["bom"])] = ["N", "S1", 1.0, 0.0, None]


@pytest.mark.usefixtures("fake_forecast")
def test_stat_forecast_sheet_shows_model_error_outliers_and_notes(master):
    path = master(_add_new_item)
    run_steps(MasterWorkbook.open(path), ["forecast"])
    book = MasterWorkbook.open(path)
    g = book.read_output_grid("stat_forecast")
    attrs = g.drop_duplicates("item").set_index("item")
    assert attrs.loc["A", "model"] == "fake"
    assert attrs.loc["A", "mase"] == 0.5 and attrs.loc["A", "wape"] == 0.1
    assert attrs.loc["A", "n_history"] == 24 and attrs.loc["A", "outliers"] == 1
    assert attrs.loc["N", "note"] == "only 5 months of history"
    assert pd.isna(attrs.loc["A", "note"])
    fc = grid_values(book, "stat_forecast", "forecast")
    future = [c for c in fc.columns if fc.loc["A", c] == fc.loc["A", c]]  # not NaN
    # a 6-month plan still shows a year of forecast
    assert future == [str(P("2026-12", "M") + k) for k in range(12)]
    assert grid_values(book, "stat_forecast", "upper").loc["A", "2027-05"] == \
        pytest.approx(110)
    hist = grid_values(book, "stat_forecast", "history")
    used = grid_values(book, "stat_forecast", "cleaned")
    assert hist.loc["A", "2025-02"] == 104 and used.loc["A", "2025-02"] == 52
    # the outlier cell is red in the workbook; its neighbour is not
    ws = openpyxl.load_workbook(path)["StatForecast"]
    header = [c.value for c in ws[3]]
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "A"
               and r[header.index("Measure")].value == "History (shipped)")
    col = header.index("2025-02")
    assert row[col].fill.fgColor.rgb.endswith("FFC7CE")
    assert not row[col + 1].fill.fgColor.rgb.endswith("FFC7CE")
    assert "interval 95%" in ws["A1"].value
    # the demand step reuses the sheet's forecast without refitting
    run_steps(MasterWorkbook.open(path), ["demand"])
    st = grid_values(MasterWorkbook.open(path), "demand_plan", "stat_forecast")
    assert st.loc["A"].tolist() == [100.0] * 6 and st.loc["N"].tolist() == [10.0] * 6


@pytest.mark.usefixtures("fake_forecast")
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_whole_cycle_with_demand_sheets_and_deviation_exceptions(tmp_path, lang):
    f, s = company()
    s["deviation_threshold"] = 0.05
    path = write_master(tmp_path / f"{lang}.xlsx", f, s, lang=lang, force=True)
    report = run_steps(MasterWorkbook.open(path), CYCLE)
    names = [spec.name(lang) for spec in DEMAND_SHEETS] + [
        contract.sheet(k).name(lang) for k in ("stat_forecast", "demand_plan")]
    assert set(names) <= set(report.sheets)
    ex = report.exceptions
    dev = ex[ex["source"] == "demand"]
    # A in January: sales view 90 against the statistical 100 (−10 %)
    assert dev[["item", "period", "qty"]].values.tolist() == [["A", "2027-01", -10.0]]
    assert ("−10%" in dev["message"].iloc[0] or "-10%" in dev["message"].iloc[0])
    # the family change round-trips in either language
    wb = openpyxl.load_workbook(path)
    ws = wb[contract.sheet("family_plan").name(lang)]
    label = contract.sheet("family_plan").measure("change").label(lang)
    header = [c.value for c in ws[3]]
    measure = header.index("指标" if lang.startswith("zh") else "Measure")
    first = next(j for j, h in enumerate(header) if isinstance(h, str) and h[:4].isdigit())
    row = next(r for r in ws.iter_rows(min_row=4) if r[measure].value == label)
    row[first].value = 10
    wb.save(path)
    run_steps(MasterWorkbook.open(path), ["demand", "mps"])
    split = grid_values(MasterWorkbook.open(path), "demand_plan", "family_change")
    assert split["2026-12"].tolist() == [7, 3]  # 7.35 / 2.65 → 7 + 3 = 10


def test_contract_of_the_demand_sheets():
    for spec in DEMAND_SHEETS:
        assert contract.sheet(spec.key) is spec
        # no two columns answer to the same header text (a reader could not tell them)
        seen: dict[str, str] = {}
        for col in spec.columns:
            for h in col.accepted_headers():
                assert seen.setdefault(h, col.key) == col.key, (spec.key, h)
    for key in ("stat_forecast", "demand_plan", "family_plan"):
        labels = [m.label(lang) for m in contract.sheet(key).measures for lang in ("en",)]
        assert len(labels) == len(set(labels))
    assert STEP_KEYS[0] == "accuracy" and "accuracy" in CYCLE
    assert contract.sheet("forecast_archive").role is contract.Role.LOG


@pytest.mark.usefixtures("fake_forecast")
def test_ship_ratio_far_term_through_the_cycle(master):
    path = master(lambda f, s: s.update(far_method="ship_ratio"))
    run_steps(MasterWorkbook.open(path), ["forecast", "demand"])
    book = MasterWorkbook.open(path)
    # the fake engine forecasts ordered quantity like shipments: A 100, B 40
    ordered = grid_values(book, "stat_forecast", "ordered_forecast")
    assert ordered.loc["A", "2027-03"] == 100
    plan = grid_values(book, "demand_plan", "ship_ratio_forecast")
    assert plan.loc["A"].tolist() == pytest.approx([111.0] * 6)  # × 1332 / 1200
    ratio = book.read_output_grid("demand_plan").drop_duplicates("item").set_index("item")
    assert ratio.loc["A", "ship_ratio"] == pytest.approx(1.11)
    title = book.backend.read_sheet("DemandPlan").rows[0][0]
    assert "ordered forecast × shipped/ordered ratio over 12 months" in title
    # a later demand run reads the ordered forecast back instead of refitting
    run_steps(MasterWorkbook.open(path), ["demand"])
    again = grid_values(MasterWorkbook.open(path), "demand_plan", "forecast_part")
    assert again.loc["A", "2027-03"] == pytest.approx(111.0)


@pytest.mark.usefixtures("fake_forecast")
def test_statistical_far_term_has_no_ship_ratio_rows(master):
    path = master()
    run_steps(MasterWorkbook.open(path), ["forecast", "demand"])
    book = MasterWorkbook.open(path)
    assert "ordered_forecast" not in set(book.read_output_grid("stat_forecast")["measure"])
    assert "ship_ratio_forecast" not in set(book.read_output_grid("demand_plan")["measure"])


def test_a_stale_stored_forecast_is_fitted_again(master, monkeypatch):
    calls = []
    fake = fake_auto_forecast()

    def counting(history, horizon, *a, **kw):
        calls.append(horizon)
        return fake(history, horizon, *a, **kw)

    monkeypatch.setattr(month, "auto_forecast", counting)
    path = master()
    run_steps(MasterWorkbook.open(path), ["forecast", "demand"])
    run_steps(MasterWorkbook.open(path), ["demand"])
    assert calls == [12]  # the stored forecast starts in the planning month: reused
    # a longer plan than the stored forecast covers: fitted again for 18 months
    book = MasterWorkbook.open(path)
    f, s = company()
    s["horizon"] = 18
    book.backend.write_sheets(input_sheets(f, {**s, "language": "en"}, "en"))
    run_steps(MasterWorkbook.open(path), ["demand"])
    assert calls == [12, 18]
    st = grid_values(MasterWorkbook.open(path), "demand_plan", "stat_forecast")
    assert st.loc["A"].tolist() == [100.0] * 18
