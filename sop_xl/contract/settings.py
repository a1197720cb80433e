"""The planning parameters of one workbook (the Settings sheet), as typed values.

Settings with a fixed set of choices are enums whose values are the codes the sheet's
dropdowns stand for (the sheet shows and accepts the contract's labels in either
language; sop_xl.contract.inputs). Being ``StrEnum``s they compare equal to those codes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any

import pandas as pd

from sop_xl.base.messages import Language
from sop_xl.contract.inputs import SETTINGS


class Bucket(StrEnum):
    """The plan's time buckets."""

    MONTH = "month"
    WEEK = "week"


class FarMethod(StrEnum):
    """How the far horizon's demand is forecast (sop_xl.plan.demand)."""

    STATISTICAL = "statistical"
    SHIP_RATIO = "ship_ratio"


class WorkWeek(StrEnum):
    """The factory's working days in an ordinary week."""

    MON_FRI = "mon-fri"
    MON_SAT = "mon-sat"


class PlanType(StrEnum):
    """What the ribbon's Transfer passes on (sop_xl.plan.transfer.PLAN_TYPES)."""

    SALES = "sales"
    PRODUCTION = "production"


class FamilyStrategy(StrEnum):
    """How the family production plan sets production (sop_xl.plan.family_plan)."""

    NONE = "none"
    CHASE = "chase"
    LEVEL = "level"
    TARGET_DOS = "target_dos"
    TARGET_STOCK = "target_stock"


class FamilySplit(StrEnum):
    """The factors that split family production to items (sop_xl.plan.family_split)."""

    DEMAND = "demand"
    HISTORY = "history"
    FACTORS = "factors"


class TransferLevel(StrEnum):
    """What the transfer sends: the items' plans, or the families' (SAP's product group)."""

    ITEM = "item"
    FAMILY = "family"


class ExportFormat(StrEnum):
    """The file the ribbon's Transfer writes beside the workbook for the ERP."""

    CSV = "csv"
    XLSX = "xlsx"


#: the settings that are choices, and their enums
CHOICES: dict[str, type[StrEnum]] = {"bucket": Bucket, "far_method": FarMethod,
                                     "language": Language, "work_week": WorkWeek,
                                     "transfer_plan_type": PlanType,
                                     "transfer_export": ExportFormat,
                                     "family_strategy": FamilyStrategy,
                                     "family_split": FamilySplit,
                                     "transfer_level": TransferLevel}


def _default(key: str) -> Any:
    return SETTINGS.column(key).default


_DEFAULT_BUCKET = Bucket(_default("bucket"))
_DEFAULT_LANGUAGE = Language(_default("language"))
_DEFAULT_FAR_METHOD = FarMethod(_default("far_method"))
_DEFAULT_WORK_WEEK = WorkWeek(_default("work_week"))
_DEFAULT_PLAN_TYPE = PlanType(_default("transfer_plan_type"))
_DEFAULT_EXPORT = ExportFormat(_default("transfer_export"))
_DEFAULT_FAMILY_STRATEGY = FamilyStrategy(_default("family_strategy"))
_DEFAULT_FAMILY_SPLIT = FamilySplit(_default("family_split"))
_DEFAULT_TRANSFER_LEVEL = TransferLevel(_default("transfer_level"))


@dataclass(frozen=True)
class Settings:
    """Defaults come from the contract, so the sheet and the code cannot disagree."""

    planning_month: pd.Period
    company: str = _default("company")
    planning_date: date | None = None
    bucket: Bucket = _DEFAULT_BUCKET
    horizon: int = _default("horizon")
    frozen_periods: int = _default("frozen_periods")
    slushy_periods: int = _default("slushy_periods")
    language: Language = _DEFAULT_LANGUAGE
    currency: str = _default("currency")
    near_term_months: int = _default("near_term_months")
    far_method: FarMethod = _DEFAULT_FAR_METHOD
    deviation_threshold: float = _default("deviation_threshold")
    deviation_min_qty: float = _default("deviation_min_qty")
    deviation_min_value: float = _default("deviation_min_value")
    share_months: int = _default("share_months")
    whole_pieces: bool = _default("whole_pieces")
    kpi_months: int = _default("kpi_months")
    service_level: float = _default("service_level")
    slow_moving_months: int = _default("slow_moving_months")
    excess_months: int = _default("excess_months")
    history_months: int = _default("history_months")
    work_week: WorkWeek = _DEFAULT_WORK_WEEK
    author: str = _default("author")
    backups: int = _default("backups")
    reschedule_tolerance: int = _default("reschedule_tolerance")
    forecast_working_days: bool = _default("forecast_working_days")
    history_file: str = _default("history_file")
    executor: str = _default("executor")
    transfer_periods: int = _default("transfer_periods")
    transfer_plan_type: PlanType = _DEFAULT_PLAN_TYPE
    transfer_deduct: bool = _default("transfer_deduct")
    transfer_backward: int = _default("transfer_backward")
    transfer_forward: int = _default("transfer_forward")
    transfer_export: ExportFormat = _DEFAULT_EXPORT
    family_strategy: FamilyStrategy = _DEFAULT_FAMILY_STRATEGY
    family_split: FamilySplit = _DEFAULT_FAMILY_SPLIT
    family_tolerance: float = _default("family_tolerance")
    transfer_level: TransferLevel = _DEFAULT_TRANSFER_LEVEL
    delivery_days: int = _default("delivery_days")
    in_full_tolerance: float = _default("in_full_tolerance")

    def __post_init__(self) -> None:
        for key, kind in CHOICES.items():  # codes given as text become their enum
            object.__setattr__(self, key, kind(getattr(self, key)))

    @property
    def plan_start(self) -> date:
        """The planning date: as set, else the first day of the planning month."""
        return self.planning_date or self.planning_month.start_time.date()

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Settings:
        names = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in values.items() if k in names and v is not None}
        return cls(**kwargs)

    def as_values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
