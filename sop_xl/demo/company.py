"""Who the demo company is: names, departments, people, suppliers, customers, warehouses.

Also the one place that turns plain records into frames typed the way the contract reader
returns them (text as object columns, months as Period[M], dates as ``datetime.date``),
so a frame written with ``write_master`` and read back compares equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.contract import Dtype
from sop_xl.contract.read import is_blank

COMPANY = "Huadong Pump & Valve Co., Ltd. (华东泵阀有限公司)"
AUTHOR = "Planner"

DOMESTIC = "Domestic Sales"        # 国内销售部
INTERNATIONAL = "International Trade"  # 国际贸易部
DEPARTMENTS = (DOMESTIC, INTERNATIONAL)

PUMPS, VALVES, CONTROLLERS = "Pumps", "Valves", "Controllers"
FAMILIES = (PUMPS, VALVES, CONTROLLERS)

# Sales assistants (销售内勤): department, families they forecast, bias of their forecasts.
ASSISTANTS: dict[str, tuple[str, tuple[str, ...], float]] = {
    "Li Na": (DOMESTIC, (PUMPS,), 0.12),                      # optimistic
    "Wang Fang": (DOMESTIC, (VALVES, CONTROLLERS), 0.01),
    "Zhang Wei": (INTERNATIONAL, (PUMPS, CONTROLLERS), -0.11),  # pessimistic
    "Chen Jing": (INTERNATIONAL, (VALVES,), -0.02),
}

# Sales channels of each department, with their usual share of the department's volume.
CHANNELS: dict[str, dict[str, tuple[tuple[str, float], ...]]] = {
    DOMESTIC: {
        PUMPS: (("distributor", 0.50), ("direct", 0.30), ("OEM", 0.20)),
        VALVES: (("distributor", 0.60), ("direct", 0.30), ("OEM", 0.10)),
        CONTROLLERS: (("distributor", 0.35), ("direct", 0.25), ("OEM", 0.40)),
    },
    INTERNATIONAL: {f: (("export", 1.0),) for f in FAMILIES},
}

SUPPLIERS = {
    "foundry": "Shandong Huaxin Foundry Co.",
    "ss_cast": "Jiangsu Xinda Precision Casting",
    "bearing": "Liaoning Zhongyuan Bearing Co.",
    "seal": "Ningbo Mingfeng Seals Co.",
    "motor": "Zhejiang Taida Motor Co.",
    "fastener": "Shanghai Hengtong Fasteners",
    "electronics": "Shenzhen Kaixin Electronics",
    "power": "Suzhou Ruineng Power Semiconductor",
    "actuator": "Tianjin Jinggong Actuator Co.",
    "steel": "Foshan Jinhui Steel Trading",
    "packaging": "Hangzhou Lvyuan Packaging",
    "coatings": "Changzhou Huarun Coatings",
}

CUSTOMERS = {
    DOMESTIC: (
        "Shanghai Minghua Pump Trading", "Beijing Shoudu Water Engineering",
        "Guangzhou Yuexin HVAC", "Wuhan Changjiang Fluid Equipment",
        "Chengdu Tianfu Water Supply", "Hangzhou Qiantang Building Services",
        "Nanjing Jinling MEP Contractors", "Shenyang Beifang Heating",
        "Xi'an Qinchuan Industrial Supply", "Tianjin Binhai Process Services",
        "Suzhou SIP Utilities", "Zhengzhou Zhongyuan Pump Distributors",
    ),
    INTERNATIONAL: (
        "Gulf Flow Solutions LLC (UAE)", "Saigon Pump & Valve JSC (Vietnam)",
        "PT Maju Teknik (Indonesia)", "Andes Hidraulica S.A. (Chile)",
        "Nile Water Engineering (Egypt)", "Bangkok Industrial Supply Co. (Thailand)",
        "Karachi Fluid Systems (Pakistan)", "Tashkent Aqua Trade (Uzbekistan)",
    ),
}

FG_WH, EXPORT_WH, RM_WH, SFG_WH = "FG-WH", "EXP-WH", "RM-WH", "SFG-WH"


def months(start: pd.Period, n: int) -> list[pd.Period]:
    """``n`` consecutive months from ``start``."""
    return [start + i for i in range(n)]


def first_month_of(start: pd.Period, month: int) -> pd.Period:
    """The first month on or after ``start`` that is calendar month ``month`` (1-12)."""
    return start + (month - start.month) % 12


def typed_frame(key: str, records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Records → a frame with every contract column of sheet ``key``, typed as the reader
    types them, blanks filled with the contract's defaults."""
    spec = contract.sheet(key)
    rows = list(records)
    unknown = {k for r in rows for k in r} - set(spec.keys)
    if unknown:
        raise KeyError(f"{key}: no such column(s) {sorted(unknown)}")
    out: dict[str, Any] = {}
    for col in spec.columns:
        values = [r.get(col.key) for r in rows]
        values = [col.default if is_blank(v) else v for v in values]
        out[col.key] = _column(col.dtype, bool(col.choices), values)
    return pd.DataFrame(out)


def _column(dtype: Dtype, choice: bool, values: list[Any]) -> Any:
    if choice or dtype is Dtype.TEXT:
        return pd.array([None if v is None else str(v) for v in values], dtype=object)
    if dtype is Dtype.INT:
        if all(v is not None for v in values):
            return np.array([int(v) for v in values], dtype=np.int64)
        return pd.array(values, dtype="Int64")
    if dtype in (Dtype.NUMBER, Dtype.PERCENT):
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    if dtype is Dtype.MONTH:
        return pd.PeriodIndex([pd.NaT if v is None else pd.Period(v, "M") for v in values],
                              freq="M")
    return pd.array(values, dtype=object)
