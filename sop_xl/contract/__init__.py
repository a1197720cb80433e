"""The workbook contract: every sheet of the master workbook, written once.

Reading, validation, templates, writing and error messages all come from these specs.
"""

from __future__ import annotations

import re

from sop_xl.contract.actuals import ACTUALS_SHEETS
from sop_xl.contract.demand_sheets import DEMAND_SHEETS
from sop_xl.contract.family_sheets import FAMILY_SHEETS
from sop_xl.contract.import_sheets import IMPORT_SHEETS
from sop_xl.contract.inputs import INPUT_SHEETS
from sop_xl.contract.meeting_sheets import MEETING_SHEETS
from sop_xl.contract.model import (
    Choice,
    Column,
    Dtype,
    Layout,
    Measure,
    Role,
    SheetSpec,
    normalise_header,
)
from sop_xl.contract.outputs import OUTPUT_SHEETS
from sop_xl.contract.supply_sheets import SUPPLY_SHEETS
from sop_xl.contract.version_sheets import VERSION_SHEETS

__all__ = [
    "SHEETS", "Choice", "Column", "Dtype", "Layout", "Measure", "Role", "SheetSpec",
    "find_sheet", "inputs", "is_plan_tab", "normalise_header", "outputs", "register", "sheet",
]

SHEETS: dict[str, SheetSpec] = {}


def register(*specs: SheetSpec) -> None:
    """Add sheets to the contract; a key or a sheet name may be used once."""
    for spec in specs:
        if spec.key in SHEETS and SHEETS[spec.key] is not spec:
            raise KeyError(f"sheet key {spec.key!r} defined twice")
        taken = {normalise_header(n): s.key for s in SHEETS.values() for n in s.names()}
        for name in spec.names():
            other = taken.get(normalise_header(name))
            if other and other != spec.key:
                raise KeyError(f"sheet name {name!r} of {spec.key!r} is already {other!r}")
            if len(name) > 31 or any(ch in name for ch in "[]:*?/\\"):
                raise ValueError(f"{name!r} is not a valid Excel sheet name")
        SHEETS[spec.key] = spec


register(*INPUT_SHEETS, *OUTPUT_SHEETS)
register(*DEMAND_SHEETS)
register(*FAMILY_SHEETS)
register(*ACTUALS_SHEETS)
register(*SUPPLY_SHEETS)
register(*MEETING_SHEETS)
register(*VERSION_SHEETS)
register(*IMPORT_SHEETS)


def sheet(key: str) -> SheetSpec:
    return SHEETS[key]


def find_sheet(name: str) -> SheetSpec | None:
    """The spec whose English or Chinese name is ``name`` (case- and space-insensitive)."""
    norm = normalise_header(name)
    for spec in SHEETS.values():
        if norm in (normalise_header(spec.en), normalise_header(spec.zh)):
            return spec
    return None


def inputs() -> list[SheetSpec]:
    return sorted((s for s in SHEETS.values() if s.role is Role.INPUT), key=lambda s: s.order)


def outputs() -> list[SheetSpec]:
    return sorted((s for s in SHEETS.values() if s.role is not Role.INPUT),
                  key=lambda s: s.order)


# Plan tabs written by Save Version are named "V001 2026-12" (version, planning month).
PLAN_TAB_NAME = re.compile(r"^V\d{3,}\s+\d{4}-\d{2}$")


def is_plan_tab(name: str) -> bool:
    return bool(PLAN_TAB_NAME.match(name))
