"""Planned and firm orders as column arrays: the record MRP makes and pegging, capacity,
the exceptions and the sheets read.

One row per order: the item (position in the plan's item order), the day it is due (a
position on the plan's working days, ``sop_xl.plan.dates``), its quantity in good pieces
and whether a planner firmed it; released its lead time earlier in working days (a day
before 0 is a release before the planning date: past due), started in the quantity the
item's scrap asks for (whole pieces for counted items). Arrays, not a frame, so a plant
dimension is one more column.
"""

from __future__ import annotations

import numpy as np

from sop_xl.plan.lot_sizing import started_quantity


def order_columns(pos: np.ndarray, due: np.ndarray, qty: np.ndarray, firm: np.ndarray, *,
                  lead: np.ndarray, yields: np.ndarray, whole: np.ndarray,
                  exact: np.ndarray | None = None,
                  release: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The orders' columns: pos, due (day), qty (good pieces), firm, release (day, < 0
    past due), release_qty (started pieces). ``lead``, ``yields`` and ``whole`` are per
    item (working days, started pieces per good one, counted in pieces); ``exact`` per
    item: its orders start what they deliver (no scrap, whole pieces already) — the
    started quantity is worked out only for the others (all when not given). ``release``:
    each order's release day when it is not its due day less its item's lead time (a
    plant with a calendar of its own)."""
    pos = np.asarray(pos, dtype=np.int64)
    due = np.asarray(due, dtype=np.int64)
    qty = np.asarray(qty, dtype=float)
    if exact is None:
        started = started_quantity(qty, yields[pos], whole[pos])
    else:
        started = qty.copy()
        odd = np.flatnonzero(~exact[pos])
        if len(odd):
            p = pos[odd]
            started[odd] = started_quantity(qty[odd], yields[p], whole[p])
    if release is None:
        release = lead[pos]
        np.subtract(due, release, out=release)
    return {"pos": pos, "due": due, "qty": qty, "firm": np.asarray(firm, dtype=bool),
            "release": release, "release_qty": started}
