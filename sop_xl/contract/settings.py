"""The planning parameters of one workbook (the Settings sheet), as typed values."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from sop_xl.contract.inputs import SETTINGS


def _default(key: str) -> Any:
    return SETTINGS.column(key).default


@dataclass(frozen=True)
class Settings:
    """Defaults come from the contract, so the sheet and the code cannot disagree."""

    planning_month: pd.Period
    company: str = _default("company")
    bucket: str = _default("bucket")
    horizon: int = _default("horizon")
    frozen_periods: int = _default("frozen_periods")
    slushy_periods: int = _default("slushy_periods")
    language: str = _default("language")
    currency: str = _default("currency")
    near_term_months: int = _default("near_term_months")
    far_method: str = _default("far_method")
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
    work_week: str = _default("work_week")
    author: str = _default("author")
    backups: int = _default("backups")
    reschedule_tolerance: int = _default("reschedule_tolerance")
    forecast_working_days: bool = _default("forecast_working_days")

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Settings:
        names = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in values.items() if k in names and v is not None}
        return cls(**kwargs)

    def as_values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
