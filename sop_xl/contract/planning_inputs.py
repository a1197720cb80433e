"""Everything one month's plan is made from, read and validated: the engines' input."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from sop_xl.base.periods import Buckets, FactoryCalendar
from sop_xl.contract.settings import Settings


@dataclass
class Inputs:
    """The input sheets as frames (columns are contract keys, plus ``_row``)."""

    settings: Settings
    items: pd.DataFrame
    bom: pd.DataFrame
    resources: pd.DataFrame
    resource_usage: pd.DataFrame
    calendar: pd.DataFrame
    sales_history: pd.DataFrame
    contracts: pd.DataFrame
    projects: pd.DataFrame
    events: pd.DataFrame
    sales_forecast: pd.DataFrame
    stock: pd.DataFrame
    scheduled_receipts: pd.DataFrame
    workbook: str = "workbook"
    sheet_names: dict[str, str] = field(default_factory=dict)
    # optional: a workbook made before the sheet existed plans every warehouse as nettable
    warehouses: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"warehouse": pd.Series(dtype=object), "nettable": pd.Series(dtype=bool)}))
    #: optional: the plants, and where each item is planned and how (issue 17); fewer
    #: than two plants plans as one
    plants: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"plant": pd.Series(dtype=object)}))
    item_plants: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"item": pd.Series(dtype=object), "plant": pd.Series(dtype=object)}))
    #: what the plant made (item, month, qty, date, order), for plan achievement
    production_actuals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"item": pd.Series(dtype=object), "month": pd.PeriodIndex([], freq="M"),
         "qty": pd.Series(dtype=float)}))
    #: goods received against purchase orders, for supplier on-time-in-full
    receipts_actuals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {c: pd.Series(dtype=object) for c in ("supplier", "order", "item", "due_date",
                                              "received_date")}
        | {"order_qty": pd.Series(dtype=float), "qty": pd.Series(dtype=float)}))

    @cached_property
    def buckets(self) -> Buckets:
        s = self.settings
        return Buckets.build(s.planning_month, s.bucket, s.horizon)

    @cached_property
    def named_plants(self) -> list[str]:
        """The plants of the workbook in sheet order: those on Plants, else those
        ItemPlants and Warehouses name (as sop_xl.plan.network.plants_of finds them)."""
        def listed(frame: pd.DataFrame, *cols: str) -> list[str]:
            out: list[str] = []
            for c in cols:
                if c in frame:
                    out += [str(v).strip() for v in frame[c].dropna() if str(v).strip()]
            return list(dict.fromkeys(out))
        return listed(self.plants, "plant") or list(dict.fromkeys(
            listed(self.warehouses, "plant") + listed(self.item_plants, "plant",
                                                      "source_plant")))

    @cached_property
    def factory_calendar(self) -> FactoryCalendar:
        """The company's calendar: the work week and the rows for every plant; a workbook
        of one plant also that plant's own rows and work week (``for_plant`` gives each
        plant's: its work week on Plants, else the company's)."""
        one = self.named_plants[0] if len(self.named_plants) == 1 else None
        return FactoryCalendar.around(self.buckets, self.settings.work_week, self.calendar,
                                      plant=one, plant_weeks=self.plant_weeks)

    @cached_property
    def plant_weeks(self) -> dict[str, str]:
        """Plant → its own work week, for the plants whose Plants row gives one."""
        p = self.plants
        if p.empty or "work_week" not in p:
            return {}
        return {str(r.plant).strip(): str(r.work_week) for r in p.itertuples(index=False)
                if isinstance(r.work_week, str) and r.work_week.strip()}

    @cached_property
    def working_days(self) -> np.ndarray:
        """Working days in each bucket of the plan (days)."""
        return self.factory_calendar.bucket_working_days(self.buckets)

    @cached_property
    def item_index(self) -> pd.Index:
        return pd.Index(self.items["item"])

    def items_of_type(self, *types: str) -> pd.DataFrame:
        return self.items[self.items["item_type"].isin(types)]

    @cached_property
    def held_warehouses(self) -> frozenset[str]:
        """Warehouses whose stock is not nettable (the Warehouses sheet says No)."""
        w = self.warehouses
        if w.empty:
            return frozenset()
        held = w[w["nettable"].eq(False)]
        return frozenset(held["warehouse"].dropna().astype(str))

    def _held_rows(self) -> pd.Series:
        if self.stock.empty or not self.held_warehouses:
            return pd.Series(False, index=self.stock.index)
        return self.stock["warehouse"].astype("string").isin(self.held_warehouses).fillna(False)

    def on_hand(self) -> pd.Series:
        """Nettable on hand per item, summed over the warehouses whose stock may be
        planned (pieces); stock of a not-nettable warehouse is left out."""
        if self.stock.empty:
            return pd.Series(dtype=float)
        st = self.stock[~self._held_rows().to_numpy(bool)]
        return st.groupby("item")["on_hand"].sum()

    def held_stock(self) -> pd.DataFrame:
        """Stock kept out of the plan: item, warehouse, on_hand (pieces), in sheet order."""
        st = self.stock[self._held_rows().to_numpy(bool)]
        return st[["item", "warehouse", "on_hand"]].reset_index(drop=True)
