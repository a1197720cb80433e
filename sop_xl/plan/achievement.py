"""Plan achievement (计划达成率): production against the frozen part of the approved MPS.

The seed procedure gives the production management centre the plan achievement rate,
judged inside the frozen period (锁定期, procedure 4.2.2): what the plant was told it would
make, it made. Per month m the plan is the MPS production for m in the plan version passed
on for m (the active version 000 of month m, else its latest approved one), whose first
period m is frozen; the actuals are ProductionActuals for m. For a set of items (a family,
the items loading a resource, all):

    plan achievement = Σ min(produced_i, planned_i) ÷ Σ planned_i

so one item made beyond its plan does not make up another's shortfall (an item made
without a plan adds nothing achieved); beside it the plain ratio Σ produced ÷ Σ planned.
Resources count hours: pieces × hours per unit (ResourceUsage). Pure: frames in, frame out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["level", "key", "month", "version", "planned", "actual", "achieved",
           "achievement", "output_ratio", "unit"]
LEVELS = ("total", "family", "resource", "item")


def rate(planned: np.ndarray | list[float], produced: np.ndarray | list[float]) -> float:
    """Plan achievement of paired items: Σ min(produced_i, planned_i) ÷ Σ planned_i
    (pieces or hours); NaN when nothing was planned."""
    p = np.asarray(planned, dtype=float)
    a = np.asarray(produced, dtype=float)
    total = p.sum()
    return float(np.minimum(a, p).sum() / total) if total > 0 else float("nan")


def item_rows(planned: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """Per item and planned month: planned, produced and achieved pieces. ``planned``:
    item, month, qty, version; ``actual``: item, month, qty. Months without a plan are
    left out (there is nothing to achieve)."""
    cols = ["item", "month", "version", "planned", "actual", "achieved"]
    if planned.empty:
        return pd.DataFrame(columns=cols)
    p = planned.groupby(["item", "month"], as_index=False).agg(
        planned=("qty", "sum"), version=("version", "first"))
    a = actual.groupby(["item", "month"], as_index=False).agg(actual=("qty", "sum"))
    versions = p.groupby("month")["version"].first()
    a = a[a["month"].isin(versions.index)]
    out = p.merge(a, on=["item", "month"], how="outer")
    out["version"] = out["month"].map(versions)
    out[["planned", "actual"]] = out[["planned", "actual"]].fillna(0.0)
    out["achieved"] = np.minimum(out["planned"], out["actual"])
    return out[(out["planned"] > 0) | (out["actual"] > 0)][cols].reset_index(drop=True)


def _rates(g: pd.DataFrame) -> pd.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        g["achievement"] = np.where(g["planned"] > 0, g["achieved"] / g["planned"], np.nan)
        g["output_ratio"] = np.where(g["planned"] > 0, g["actual"] / g["planned"], np.nan)
    return g


def achievement(planned: pd.DataFrame, actual: pd.DataFrame, families: pd.Series,
                usage: pd.DataFrame | None = None) -> pd.DataFrame:
    """Plan achievement by month for the total, each family, each resource (hours) and
    each item (``COLUMNS``). ``families``: item → family; ``usage``: item, resource,
    hours_per_unit."""
    rows = item_rows(planned, actual)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows["family"] = rows["item"].map(families).fillna("")
    sums = ["planned", "actual", "achieved"]
    parts = []
    total = rows.groupby(["month", "version"], as_index=False)[sums].sum()
    parts.append(total.assign(level="total", key="", unit="pcs"))
    fam = rows[rows["family"] != ""].groupby(["family", "month", "version"],
                                              as_index=False)[sums].sum()
    parts.append(fam.rename(columns={"family": "key"}).assign(level="family", unit="pcs"))
    if usage is not None and not usage.empty:
        u = usage[["item", "resource", "hours_per_unit"]]
        h = rows.merge(u, on="item")
        for c in sums:
            h[c] = h[c] * h["hours_per_unit"]
        res = h.groupby(["resource", "month", "version"], as_index=False)[sums].sum()
        parts.append(res.rename(columns={"resource": "key"}).assign(level="resource",
                                                                     unit="h"))
    parts.append(rows.rename(columns={"item": "key"})[["key", "month", "version", *sums]]
                 .assign(level="item", unit="pcs"))
    out = _rates(pd.concat(parts, ignore_index=True))
    rank = out["level"].map({lv: k for k, lv in enumerate(LEVELS)})
    out = out.assign(_r=rank).sort_values(["_r", "key", "month"], kind="stable")
    return out[COLUMNS].reset_index(drop=True)
