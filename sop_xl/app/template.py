"""New master workbooks: the empty template and a master filled with given input data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sop_xl import contract
from sop_xl.base.errors import WorkbookError
from sop_xl.contract import Layout
from sop_xl.layout.render import settings_content, table_content
from sop_xl.layout.sheet import SheetContent
from sop_xl.workbook.file import FileBackend


def input_sheets(frames: Mapping[str, pd.DataFrame], settings: Mapping[str, Any],
                 lang: str) -> list[SheetContent]:
    """Every input sheet of the contract, in contract order, filled from ``frames``."""
    currency = str(settings.get("currency") or "CNY")
    out = []
    for spec in contract.inputs():
        if spec.layout is Layout.SETTINGS:
            out.append(settings_content(spec, dict(settings), lang, currency))
        else:
            out.append(table_content(spec, frames.get(spec.key), lang, currency=currency,
                                     editable=True))
    return out


def write_master(path: Path | str, frames: Mapping[str, pd.DataFrame],
                 settings: Mapping[str, Any], *, lang: str = "en",
                 force: bool = False, created: datetime | None = None,
                 outputs: Sequence[SheetContent] = ()) -> Path:
    """Create a master workbook holding these inputs, and ``outputs`` after them (the
    demo's plan version of last month; none for a new company)."""
    path = Path(path)
    if path.exists() and not force:
        raise WorkbookError("file_exists", str(path), lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    values = {**dict(settings), "language": lang}
    contents = [*input_sheets(frames, values, lang), *outputs]
    FileBackend.create(path, contents, order=[c.name for c in contents], created=created)
    return path


def write_template(path: Path | str, *, lang: str = "en", force: bool = False,
                   planning_month: pd.Period | None = None) -> Path:
    """An empty master workbook: every input sheet with its header, dropdowns and checks."""
    month = planning_month or pd.Timestamp.today().to_period("M") + 1
    return write_master(path, {}, {"planning_month": month}, lang=lang, force=force)
