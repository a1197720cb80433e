"""Comparing what an import wrote with the demo company it was exported from."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl.contract.read import ROW

KEYS = {"items": ["item"], "bom": ["parent", "component"], "stock": ["item", "warehouse"],
        "contracts": ["contract", "item", "due_month"],
        "scheduled_receipts": ["order_type", "item", "due_date", "qty"],
        "sales_history": ["item", "month", "department", "channel"]}


def differing(got: pd.DataFrame, want: pd.DataFrame, key: str,
              skip: tuple[str, ...] = ()) -> list[str]:
    """Columns whose values differ between two frames of one sheet, rows matched by key."""
    cols = [c for c in want.columns if c not in skip and c != ROW]
    a = got[cols].sort_values(KEYS[key]).reset_index(drop=True)
    b = want[cols].sort_values(KEYS[key]).reset_index(drop=True)
    assert len(a) == len(b), f"{key}: {len(a)} rows, expected {len(b)}"
    out = []
    for c in cols:
        x, y = a[c], b[c]
        if x.dtype.kind in "fi" and y.dtype.kind in "fi":
            same = np.allclose(x.to_numpy(float), y.to_numpy(float), equal_nan=True)
        else:
            same = bool(((x.isna() & y.isna()) | (x.astype(str) == y.astype(str))).all())
        if not same:
            out.append(c)
    return out
