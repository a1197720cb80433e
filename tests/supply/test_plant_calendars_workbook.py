"""Per-plant factory calendars through real workbook files (issue 17): the two-plant small
company of test_plants_workbook (S1 cast in P2, shipped to the assembly plant P1 in 3
working days), P1 closed Wednesday 2026-12-09 to Friday 12-11; EN and 中文 refusals."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from recalc import soffice_available, type_cells
from support import small_company_run as _run
from test_plants_workbook import PLANTS, two_plants

from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.base.errors import ValidationError

CLOSED = [date(2026, 12, 9), date(2026, 12, 10), date(2026, 12, 11)]


def with_rows(f: dict, rows: list[list]) -> None:
    c = f["calendar"]
    f["calendar"] = pd.concat([c.assign(plant=None), pd.DataFrame(
        rows, columns=[*c.columns, "plant"])], ignore_index=True)


def holiday(plant: str) -> list:
    return [CLOSED[0], CLOSED[-1], "holiday", "Plant holiday", None, plant]


def test_transit_days_count_in_the_receiving_plants_calendar(tmp_path) -> None:
    f, s = two_plants()
    base = _run(write_master(tmp_path / "base.xlsx", f, s))
    with_rows(f, [holiday("P1")])
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    days = run.days
    assert days.per_plant and days.plants == ("P1", "P2")
    # the axis keeps 12-09..11: P2 works them
    assert len(days) == len(base.days)
    o = run.mrp.orders
    p1 = o[o["item"].str.endswith("@P1")]
    closed = pd.to_datetime(CLOSED)
    # nothing of P1 is due or released on its holiday; P2's orders may be
    assert not p1["due_date"].isin(closed).any() and not p1["release_date"].isin(closed).any()
    # a transfer arriving Monday 12-14 ships 3 of P1's working days earlier: Tue 12-08,
    # Mon 12-07, Fri 12-04 (without the holiday: Wednesday 12-09)
    moved = o[o["item"] == "S1@P1"].set_index("due_date")["release_date"]
    before = base.mrp.orders
    before = before[before["item"] == "S1@P1"].set_index("due_date")["release_date"]
    monday = pd.Timestamp("2026-12-14")
    assert moved.get(monday) == pd.Timestamp("2026-12-04")
    assert before.get(monday) == pd.Timestamp("2026-12-09")
    # what P1 sells on its holiday is needed on Tuesday 12-08: no P1 demand on 12-09..11
    mps = run.mps
    i = list(mps.items).index("A@P1")
    at = [int(np.flatnonzero(days.dates == np.datetime64(d))[0]) for d in CLOSED]
    assert mps.daily["demand"][i, at].sum() == 0
    # the plan keeps every piece: the MPS's demand over the horizon is the same
    np.testing.assert_allclose(mps.daily["demand"].sum(), base.mps.daily["demand"].sum())


def test_a_holiday_for_every_plant_is_the_one_calendar(tmp_path) -> None:
    f, s = two_plants()
    with_rows(f, [holiday("P1"), holiday("P2")])
    both = _run(write_master(tmp_path / "both.xlsx", f, s))
    g, _ = two_plants()
    c = g["calendar"]
    g["calendar"] = pd.concat([c, pd.DataFrame([holiday("")[:5]], columns=c.columns)],
                              ignore_index=True)
    one = _run(write_master(tmp_path / "one.xlsx", g, s))
    assert not both.days.per_plant
    pd.testing.assert_frame_equal(both.mrp.orders, one.mrp.orders)


def refused(path) -> tuple[list[tuple], str]:
    """The problems (sheet, row, column, value) reading ``path`` raises, and its text."""
    with pytest.raises(ValidationError) as e:
        MasterWorkbook.open(path).read_inputs()
    return [(p.sheet, p.row, p.column, p.value) for p in e.value.problems], str(e.value)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_calendar_row_names_a_plant_of_the_workbook(tmp_path, lang) -> None:
    f, s = two_plants()
    with_rows(f, [holiday("P3")])
    problems, text = refused(write_master(tmp_path / "bad.xlsx", f, s, lang=lang))
    sheet, col = ("FactoryCalendar", "Plant") if lang == "en" else ("工厂日历", "工厂")
    assert problems == [(sheet, 3, col, "P3")]
    if lang == "en":
        assert "FactoryCalendar!F3 (Plant)" in text and "Plants" in text


def test_a_plant_on_the_calendar_of_a_workbook_without_plants_is_refused(tmp_path) -> None:
    from small_company import frames
    f, s = frames()
    with_rows(f, [holiday("HZ")])
    problems, _ = refused(write_master(tmp_path / "bad.xlsx", f, s))
    assert problems == [("FactoryCalendar", 3, "Plant", "HZ")]


def test_an_open_order_counts_on_its_plants_next_working_day(tmp_path) -> None:
    """A production order of 30 pumps A in P1 due Thursday 12-10, inside P1's holiday:
    the MPS (as the MRP) counts it on P1's next working day, Monday 12-14 — not on 12-10,
    a day of the axis only because P2 works it. December's receipts stay 30."""
    f, s = two_plants()
    with_rows(f, [holiday("P1")])
    sr = f["scheduled_receipts"]
    f["scheduled_receipts"] = pd.concat([sr.assign(plant=None), pd.DataFrame(
        [["MO1", "production", "A", 30.0, date(2026, 12, 10), None, "P1"]],
        columns=[*sr.columns, "plant"])], ignore_index=True)
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    days, mps = run.days, run.mps
    i = list(mps.items).index("A@P1")
    got = mps.daily["receipts"][i]
    monday = int(np.flatnonzero(days.dates == np.datetime64("2026-12-14"))[0])
    assert np.flatnonzero(got).tolist() == [monday] and got[monday] == 30.0
    assert mps["receipts"][i, 0] == 30.0


def test_capacity_works_each_order_on_its_plants_days(tmp_path, monkeypatch) -> None:
    """Rough-cut capacity gets each row's plant, so an order is worked on its plant's
    days (test_plant_calendars has the hand-worked spread): P1's nodes on P1's, P2's on
    P2's."""
    from sop_xl.plan import capacity
    f, s = two_plants()
    with_rows(f, [holiday("P1")])
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    seen = {}
    real = capacity.work

    def spy(days, n_items, pos, release, due, qty, plant=None):
        seen["plant"] = plant
        return real(days, n_items, pos, release, due, qty, plant=plant)
    monkeypatch.setattr(capacity, "work", spy)
    run.capacity  # noqa: B018
    items = run.mps.items.append(run.mrp.items)
    names = run.days.plants
    assert [names[k] for k in seen["plant"]] == [k.split("@")[1] for k in items]


def test_the_mrp_sheet_lists_a_level_as_without_plant_calendars(tmp_path) -> None:
    """Pump A made in both plants (70 / 30), bearing R2 bought in P2 in 5 working days
    (an ItemPlants lead time over Items' whole-number 15). Level 1 below the MPS: S1@P1
    (3), R2@P1 (15), R2@P2 (5). The kernel runs a level by plant, then lead time, when
    the plants' calendars differ (P1's holiday): S1@P1, R2@P1, R2@P2. The MRP sheet lists
    it as the same workbook with one calendar (the holiday for both plants): by lead
    time, S1@P1, R2@P2, R2@P1."""
    from test_plants_bom import BOTH

    from sop_xl.layout.supply import mrp_grid
    ip = pd.concat([BOTH, pd.DataFrame([["R2", "P2", "buy", None, None, None, 5]],
                                       columns=[*BOTH.columns, "lead_time_days"])],
                   ignore_index=True)
    shown = {}
    for name, plants in (("own", ["P1"]), ("one", ["P1", "P2"])):
        f, s = two_plants(ip)
        with_rows(f, [holiday(p) for p in plants])
        run = _run(write_master(tmp_path / f"{name}.xlsx", f, s))
        r = run.mrp
        assert r.lead[list(r.item_names).index("R2@P2")] == 5
        g = mrp_grid(r, run.supply_inputs.items, run.inputs.working_days)
        shown[name] = ([b.attrs["item"] for b in g.blocks], list(r.items), run.days.per_plant)
    assert shown["own"][2] and not shown["one"][2]
    assert shown["own"][1] == ["S1@P1", "R2@P1", "R2@P2", "S1@P2", "R1@P2"]
    assert shown["own"][0] == shown["one"][0] == shown["one"][1] == [
        "S1@P1", "R2@P2", "R2@P1", "S1@P2", "R1@P2"]


SATURDAYS = pd.to_datetime(["2026-12-05", "2026-12-12", "2026-12-19", "2026-12-26"])


def test_a_plant_working_saturdays(tmp_path) -> None:
    """P2 (castings) works Monday to Saturday (its Work week on Plants), P1 and the
    company Monday to Friday. December 2026: P1 23 working days, P2 27. The housing S1 is
    cast in P2 in 10 working days: the order due Wednesday 12-16 is released 10 of P2's
    days earlier, Tue 15, Mon 14, **Sat 12**, Fri 11 … Mon 7, **Sat 5**, **Fri 12-04**
    (Monday to Friday: Wednesday 12-02). Its transfer to P1 ships 3 of P1's days before
    it arrives, as before; nothing of P1 falls on a Saturday."""
    f, s = two_plants()
    base = _run(write_master(tmp_path / "base.xlsx", f, s))
    f["plants"] = PLANTS.assign(work_week=[None, "mon-sat"])
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    cal = run.inputs.factory_calendar
    dec = (date(2026, 12, 1), date(2026, 12, 31))
    assert run.inputs.plant_weeks == {"P2": "mon-sat"}
    assert cal.for_plant("P1").working_days(*dec) == 23
    assert cal.for_plant("P2").working_days(*dec) == 27
    days = run.days
    assert days.per_plant and days.plants == ("P1", "P2")
    axis = pd.to_datetime(days.dates)
    assert SATURDAYS.isin(axis).all() and not SATURDAYS.isin(pd.to_datetime(base.days.dates)).any()

    def released(r, item: str) -> pd.Series:
        o = r.mrp.orders
        return o[o["item"] == item].set_index("due_date")["release_date"]
    wednesday = pd.Timestamp("2026-12-16")
    assert released(run, "S1@P2")[wednesday] == pd.Timestamp("2026-12-04")
    assert released(base, "S1@P2")[wednesday] == pd.Timestamp("2026-12-02")
    pd.testing.assert_series_equal(released(run, "S1@P1"), released(base, "S1@P1"))
    o = run.mrp.orders
    p1 = o[o["item"].str.endswith("@P1")]
    assert not p1["due_date"].isin(SATURDAYS).any()
    assert not p1["release_date"].isin(SATURDAYS).any()
    mps = run.mps
    at = [int(np.flatnonzero(days.dates == np.datetime64(d.date()))[0]) for d in SATURDAYS]
    assert mps.daily["demand"][:, at].sum() == 0  # the MPS's items are all made in P1
    np.testing.assert_allclose(mps.daily["demand"].sum(), base.mps.daily["demand"].sum())


def test_the_one_plant_of_a_workbook_works_its_own_week(tmp_path) -> None:
    """A workbook of one plant on Plants working Saturdays: its week is the plan's."""
    from small_company import frames
    f, s = frames()
    f["plants"] = pd.DataFrame([["HZ", "Hangzhou", "Hangzhou", "mon-sat"]],
                               columns=["plant", "description", "city", "work_week"])
    inputs = MasterWorkbook.open(write_master(tmp_path / "m.xlsx", f, s)).read_inputs()
    assert inputs.factory_calendar.working_days(date(2026, 12, 1), date(2026, 12, 31)) == 27
    assert inputs.working_days[0] == 27
    # the forecast's working-day factors count the same days: December 2026 27, January
    # 2027 31 - 5 Sundays - New Year = 25 (a Friday; a company calendar row)
    from sop_xl.plan import month
    factors = month.day_factors(inputs, month.shipped_history(inputs), 2)
    dec, jan = pd.Period("2026-12", "M"), pd.Period("2027-01", "M")
    assert factors[dec] / factors[jan] == pytest.approx(27 / 25)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_work_week_that_is_not_one_of_the_choices_is_refused(tmp_path, lang) -> None:
    f, s = two_plants()
    f["plants"] = PLANTS.assign(work_week=["mon-fri", "sun-thu"])
    problems, text = refused(write_master(tmp_path / "bad.xlsx", f, s, lang=lang))
    sheet, col = ("Plants", "Work week") if lang == "en" else ("工厂", "工作周")
    assert problems == [(sheet, 3, col, "sun-thu")]
    if lang == "en":
        assert "Plants!D3 (Work week)" in text and "Monday to Saturday" in text


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="needs LibreOffice")
def test_the_planner_picks_a_plants_work_week_in_libreoffice(tmp_path) -> None:
    """The two-plant master as written (no work week), opened in LibreOffice, "Monday to
    Saturday" typed into P2's Work week cell (Plants!D3, the list the cell offers) and
    saved: the run takes it, S1@P2's order due 12-16 released Friday 12-04."""
    f, s = two_plants()
    path = write_master(tmp_path / "m.xlsx", f, s)
    run = _run(type_cells(path, tmp_path / "typed.xlsx",
                          [["Plants", "D3", "Monday to Saturday"]], tmp_path / "profile"))
    assert run.inputs.plant_weeks == {"P2": "mon-sat"}
    o = run.mrp.orders
    due = o[o["item"] == "S1@P2"].set_index("due_date")["release_date"]
    assert due[pd.Timestamp("2026-12-16")] == pd.Timestamp("2026-12-04")
