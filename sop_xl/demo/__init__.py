"""The demo company: a complete, consistent master workbook to learn and test sop_xl with.

Huadong Pump & Valve Co., Ltd. (华东泵阀有限公司) makes centrifugal pumps, valves and pump
controllers and sells them through its Domestic Sales (国内销售部) and International Trade
(国际贸易部) departments. ``build_demo`` returns its input frames (contract column keys,
contract values) and settings; ``write_demo`` writes them as a master workbook.

What is in it, and what the monthly cycle should find:

- 40 finished goods in 3 families, 164 components (made assemblies and machined parts,
  purchased castings, bearings, seals, motors, actuators, electronics, packaging) over four
  BOM levels, 12 suppliers, mixed lot-size rules, safety stocks and days-of-supply targets;
- 36 months of history by department and channel with trend and Spring-Festival
  seasonality; lumpy spare-part kits, three new items with an analog, one discontinued
  item and two one-off big orders (outliers);
- small and large contracts (some partly delivered, two lines past due), six major
  projects with probabilities, a valves promotion and an "add" event;
- four sales assistants' M+3 forecasts with an optimistic and a pessimistic bias and a
  few rows that deviate from history on purpose; their submissions of the previous 12
  months in ``previous_forecasts`` for forecast accuracy;
- four resources loaded about 60-95 % (``DemoCompany.load``), the valves & controllers
  line (``BOTTLENECK``) overloaded in two peak months (for 2026-12: January, before Spring
  Festival, and May, with the valves promotion after Labour Day); a factory calendar with
  the Chinese public holidays, make-up working days, a Spring Festival maintenance
  shutdown and a test-bench shutdown;
- slow-moving and excess stock, and open purchase and production orders, some past due;
- last month's approved plan (its frozen month, ``previous_plan``) and what the plant made
  and the suppliers delivered against it (``ProductionActuals``, ``ReceiptsActuals``):
  Controllers clearly under plan, their electronics supplier late and short.

Everything derives from ``numpy.random.default_rng`` seeded with ``seed``: the same seed
gives the same frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sop_xl.app.template import write_master
from sop_xl.demo import actuals, products, sales, supply
from sop_xl.demo.calendar import calendar_frame
from sop_xl.demo.company import AUTHOR, COMPANY
from sop_xl.demo.sizing import nominal_load
from sop_xl.layout.version_sheets import plan_tab_content, register_sheet

__all__ = ["DemoCompany", "build_demo", "nominal_load", "write_demo"]

HORIZON = 18
BOTTLENECK = "AL-VC"  # the resource the demo overloads (in the promotion months)


@dataclass
class DemoCompany:
    """The demo's inputs, plus what a run should be compared with."""

    frames: dict[str, pd.DataFrame]
    settings: dict[str, Any]
    previous_forecasts: pd.DataFrame
    expected_demand: pd.DataFrame  # run-rate per item and month of the horizon (truth)
    previous_plan: pd.DataFrame | None = None  # snapshot of M−1's approved plan

    @property
    def planning_month(self) -> pd.Period:
        return self.settings["planning_month"]

    def load(self) -> pd.DataFrame:
        """Nominal capacity load per resource and month (see ``sizing``)."""
        return nominal_load(self.frames, self.expected_demand, self.planning_month,
                            self.settings["horizon"], self.settings["work_week"])


def _settings(planning: pd.Period) -> dict[str, Any]:
    return {"company": COMPANY, "planning_month": planning, "bucket": "month",
            "horizon": HORIZON, "frozen_periods": 1, "slushy_periods": 3, "language": "en",
            "currency": "CNY", "near_term_months": 4, "far_method": "statistical",
            "deviation_threshold": 0.3, "deviation_min_qty": 5, "deviation_min_value": 10_000,
            "service_level": 0.95, "slow_moving_months": 6,
            "excess_months": 6, "history_months": 24, "work_week": "mon-fri",
            "author": AUTHOR, "backups": 3}


def build_demo(planning_month: str = "2026-12", seed: int = 20261201, *,
               plants: bool = False) -> DemoCompany:
    """The demo company for ``planning_month`` (M): history up to M-1, plan from M.
    ``plants``: over three sites, with transfers (sop_xl.demo.plants)."""
    planning = pd.Period(planning_month, "M")

    def rng(part: int) -> np.random.Generator:
        return np.random.default_rng([seed, part])  # one stream per part of the data

    history = sales.history_frame(rng(3), planning)
    rr = sales.run_rates(planning, planning, HORIZON)
    contracts = sales.contracts_frame(rng(4), planning, rr)
    need = products.explode(rr[planning].to_dict())
    calendar = calendar_frame(planning - sales.HISTORY_MONTHS, planning + HORIZON - 1,
                              planning, "TB-TEST")
    frames = {
        "items": products.items_frame(rng(1)),
        "bom": products.bom_frame(),
        "resources": products.resources_frame(),
        "resource_usage": products.usage_frame(),
        "calendar": calendar,
        "sales_history": history,
        "contracts": contracts,
        "projects": sales.projects_frame(planning),
        "events": sales.events_frame(planning),
        "sales_forecast": sales.sales_forecast_frame(rng(5), planning, rr, contracts),
        "stock": supply.stock_frame(rng(6), planning, need, history),
        "warehouses": supply.warehouses_frame(),
    }
    if plants:
        from sop_xl.demo import plants as sites
        frames.update(plants=sites.plants_frame(),
                      item_plants=sites.item_plants_frame(frames["items"],
                                                          frames["bom"]),
                      bom=sites.bom_frame(frames["bom"]),
                      warehouses=sites.warehouses_frame(frames["warehouses"]),
                      stock=sites.stock_frame(frames["stock"], frames["bom"]),
                      resources=sites.resources_frame(frames["resources"]),
                      sales_forecast=sites.sales_forecast_frame(frames["sales_forecast"]),
                      projects=sites.projects_frame(frames["projects"]))
    expected = sales.expected_demand_frame(planning, HORIZON)
    frames["scheduled_receipts"] = supply.receipts_frame(
        rng(7), planning, released_orders(frames, _settings(planning), expected),
        supply.closed_days(calendar))
    if plants:
        frames["scheduled_receipts"] = frames["scheduled_receipts"].assign(
            plant=sites.receipts_plant(frames["scheduled_receipts"]["item"]))
        # Chengdu's stocktake after the open orders are drawn: they stay the company's
        frames["calendar"] = sites.calendar_frame(calendar, planning)
        frames["scheduled_receipts"] = pd.concat(
            [frames["scheduled_receipts"], sites.transfer_orders_frame(planning)],
            ignore_index=True)
    closed = supply.closed_days(calendar)
    frames["production_actuals"] = actuals.production_actuals_frame(rng(9), planning, closed)
    frames["receipts_actuals"] = actuals.receipts_actuals_frame(rng(10), planning, closed)
    previous = actuals.previous_plan(planning, _settings(planning), frames["stock"], history,
                                     frames["production_actuals"])
    return DemoCompany(frames=frames, settings=_settings(planning),
                       previous_forecasts=sales.previous_forecasts_frame(rng(8), planning),
                       expected_demand=expected, previous_plan=previous)


def released_orders(frames: dict[str, pd.DataFrame], settings: dict[str, Any],
                    expected: pd.DataFrame, days_ahead: int = 3) -> pd.DataFrame:
    """The orders sop_xl's own plan, over the expected demand, would have released by a
    few days into the planning month: what a running plant has on order — finished-good
    production orders and component orders alike, each with the due date the plan gives
    it. Columns item, qty, due_date, release_date, made."""
    from sop_xl.app.cycle import PlanRun
    from sop_xl.app.master import MasterWorkbook
    from sop_xl.app.template import input_sheets
    from sop_xl.plan.month import forecast_result
    from sop_xl.plan.mrp import order_frame
    from sop_xl.workbook.memory import MemoryBackend

    f = expected.rename(columns={"month": "period", "qty": "forecast"})
    f = f.assign(lower=f["forecast"], upper=f["forecast"], model="expected")
    stat = forecast_result(f, pd.DataFrame(), pd.DataFrame(),
                           float(settings.get("service_level", 0.95)))
    receipts = pd.DataFrame(columns=["order", "order_type", "item", "qty", "due_date",
                                     "supplier"])
    backend = MemoryBackend("demo")
    backend.write_sheets(input_sheets({**frames, "scheduled_receipts": receipts}, settings,
                                      "en"))
    book = MasterWorkbook(backend)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    run.__dict__["forecast"] = stat
    r = run.mrp
    o = order_frame(r.order_data, r.item_names, run.days)   # every order, MPS ones too
    net = run.network
    if net is not None:   # per plant: open orders of each item, transfers are not on order
        kinds = net.nodes.set_index("node")["procurement"]
        o = o[(o["item"].map(kinds) != "transfer").to_numpy()]
        o = o.assign(item=net.item_of(o["item"]))
    first = pd.Timestamp(run.days.planning_date)
    cutoff = (first + pd.Timedelta(days=days_ahead)).date()
    release = pd.to_datetime(o["release_date"]).dt.date
    kind = o["item"].map(frames["items"].set_index("item")["item_type"])
    out = pd.DataFrame({"item": o["item"], "qty": o["qty"],
                        "due_date": pd.to_datetime(o["due_date"]).dt.date,
                        "release_date": release, "made": kind != "RM"})
    return out[(release <= cutoff).to_numpy() & (out["qty"] > 0).to_numpy()] \
        .reset_index(drop=True)


def write_demo(path: Path | str, *, lang: str = "en", force: bool = False,
               planning_month: str = "2026-12", seed: int = 20261201,
               plants: bool = False) -> Path:
    """Write the demo company as a master workbook in ``lang`` ("en" or "zh-CN");
    ``plants``: over three sites with transfers."""
    company = build_demo(planning_month, seed, plants=plants)
    # stamped with the planning month, so the same demo gives the same bytes
    created = pd.Period(planning_month, "M").start_time.to_pydatetime()
    previous = company.previous_plan
    record = actuals.previous_record(company.planning_month, previous)
    currency = company.settings["currency"]
    outputs = [plan_tab_content(previous, record["version"], record["sheet"], lang, currency),
               register_sheet(pd.DataFrame([record]), lang, currency)]
    return write_master(path, company.frames, company.settings, lang=lang, force=force,
                        created=created, outputs=outputs)
