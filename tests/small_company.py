"""A tiny company whose plan can be checked by hand: 2 finished goods, 3 components."""

from __future__ import annotations

from datetime import date

import pandas as pd

P = pd.Period


def frames(month: str = "2026-12") -> tuple[dict[str, pd.DataFrame], dict]:
    m = P(month, "M")
    items = pd.DataFrame([
        # item, description, type, family, uom, cost, price, lt, rule, fixed, min, mult, poq,
        # ss, target dos, max, scrap, supplier, analog, status
        ["A", "Pump A", "FG", "Pumps", "pcs", 100.0, 150.0, 5, "L4L", 0, 0, 0, 1, 10, 0, 0,
         0.0, None, None, "active"],
        ["B", "Pump B", "FG", "Pumps", "pcs", 200.0, 280.0, 5, "FIXED", 50, 0, 0, 1, 0, 0, 0,
         0.0, None, None, "active"],
        ["S1", "Housing", "SFG", None, "pcs", 40.0, 0.0, 10, "L4L", 0, 0, 0, 1, 0, 0, 0, 0.0,
         None, None, "active"],
        ["R1", "Casting", "RM", None, "pcs", 10.0, 0.0, 20, "MINMULT", 0, 100, 25, 1, 0, 0, 0,
         0.0, "Sup1", None, "active"],
        ["R2", "Bearing", "RM", None, "pcs", 5.0, 0.0, 15, "L4L", 0, 0, 0, 1, 0, 0, 0, 0.0,
         "Sup2", None, "active"],
    ], columns=["item", "description", "item_type", "family", "uom", "unit_cost", "price",
                "lead_time_days", "lot_rule", "fixed_lot", "min_lot", "lot_multiple",
                "poq_periods", "safety_stock", "target_dos", "max_stock", "scrap_pct",
                "supplier", "analog_item", "status"])
    bom = pd.DataFrame([["A", "S1", 1.0, 0.0, None], ["B", "S1", 2.0, 0.0, None],
                        ["S1", "R1", 1.0, 0.0, None], ["A", "R2", 2.0, 0.0, None],
                        ["B", "R2", 4.0, 0.0, None]],
                       columns=["parent", "component", "qty_per", "scrap_pct", "note"])
    resources = pd.DataFrame([["ASM", "Assembly", 1, 8.0, 1.0, 2.0]],
                             columns=["resource", "description", "shifts_per_day",
                                      "hours_per_shift", "efficiency", "max_overtime_hours"])
    usage = pd.DataFrame([["A", "ASM", 0.5], ["B", "ASM", 1.0]],
                         columns=["item", "resource", "hours_per_unit"])
    hist = []
    for k in range(24):
        mm = m - 24 + k
        hist.append(["A", mm, "Domestic Sales", "direct", 100.0, 100.0 + (k % 12) * 2])
        hist.append(["B", mm, "International Trade", "export", 40.0, 40.0])
    history = pd.DataFrame(hist, columns=["item", "month", "department", "channel",
                                          "ordered_qty", "shipped_qty"])
    contracts = pd.DataFrame([
        ["C1", "small", "Acme", "Domestic Sales", "A", 30.0, 10.0, m, date(2026, 10, 1)],
        ["C2", "large", "Big Co", "International Trade", "B", 100.0, 0.0, m + 1, None],
    ], columns=["contract", "contract_type", "customer", "department", "item", "ordered_qty",
                "delivered_qty", "due_month", "sign_date"])
    projects = pd.DataFrame([["P1", "Dam", "Domestic Sales", "A", 50.0, m + 2, 0.5, None]],
                            columns=["project", "customer", "department", "item", "qty",
                                     "month", "probability", "note"])
    events = pd.DataFrame(columns=["event", "scope", "target", "kind", "value", "start_month",
                                   "end_month", "note"])
    sales_fc = pd.DataFrame([["Li Na", "Domestic Sales", "A", m, 80.0, None],
                             ["Li Na", "Domestic Sales", "A", m + 1, 90.0, None]],
                            columns=["assistant", "department", "item", "month", "qty",
                                     "reason"])
    stock = pd.DataFrame([["A", "FG-WH", 20.0, date(2026, 11, 20)],
                          ["R1", "RM-WH", 30.0, date(2025, 1, 5)]],
                         columns=["item", "warehouse", "on_hand", "last_movement"])
    receipts = pd.DataFrame([["PO1", "purchase", "R2", 100.0, date(2026, 12, 10), "Sup2"]],
                            columns=["order", "order_type", "item", "qty", "due_date",
                                     "supplier"])
    calendar = pd.DataFrame([[date(2027, 1, 1), date(2027, 1, 1), "holiday", "New Year",
                              None]], columns=["start_date", "end_date", "day_type",
                                               "description", "resource"])
    # history is flat per calendar month, so the forecast is not restated per working day
    settings = {"company": "Small Co", "planning_month": m, "horizon": 6,
                "frozen_periods": 1, "currency": "CNY", "forecast_working_days": False}
    return {"items": items, "bom": bom, "resources": resources, "resource_usage": usage,
            "sales_history": history, "contracts": contracts, "projects": projects,
            "events": events, "sales_forecast": sales_fc, "stock": stock,
            "scheduled_receipts": receipts, "calendar": calendar}, settings
