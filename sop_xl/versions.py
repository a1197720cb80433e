"""Plan versions (版本): an immutable snapshot of the month's plan and its register row.

A snapshot is a long table (section, item or resource, family, measure, period, quantity,
value). Its content hash is the SHA-256 of a canonical text form, so any later change to a
plan tab can be detected.
"""

from __future__ import annotations

import getpass
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

SNAPSHOT_COLUMNS = ["section", "key", "family", "measure", "period", "qty", "value"]
_VERSION_RE = re.compile(r"^V?(\d{3,})")


@dataclass(frozen=True)
class VersionRecord:
    version: str
    created_at: str
    author: str
    planning_month: str
    status: str
    sheet: str
    note: str
    content_hash: str

    def row(self) -> dict:
        return dict(self.__dict__)


def section_rows(section: str, keys: pd.Index, periods: list[str],
                 rows: dict[str, np.ndarray], measures: list[str],
                 family: pd.Series | None = None,
                 value_per_unit: np.ndarray | None = None) -> pd.DataFrame:
    """Flatten (items × buckets) measures into the snapshot's long form (non-zero only)."""
    frames = []
    fam = family.reindex(keys).fillna("").to_numpy() if family is not None else \
        np.full(len(keys), "")
    for m in measures:
        a = np.nan_to_num(rows[m], nan=0.0)
        r, c = np.nonzero(np.abs(a) > 1e-9)
        qty = a[r, c]
        value = qty * value_per_unit[r] if value_per_unit is not None else np.full(len(r), np.nan)
        frames.append(pd.DataFrame({"section": section, "key": keys[r], "family": fam[r],
                                    "measure": m, "period": np.asarray(periods)[c],
                                    "qty": qty, "value": value}))
    if not frames:
        return pd.DataFrame(columns=SNAPSHOT_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def content_hash(snapshot: pd.DataFrame) -> str:
    """SHA-256 over the snapshot's values rounded to 6 decimals (what a tab can hold)."""
    h = hashlib.sha256()
    for row in snapshot[SNAPSHOT_COLUMNS].itertuples(index=False):
        parts = []
        for v in row:
            if isinstance(v, float | np.floating):
                parts.append("" if np.isnan(v) else f"{float(v):.6f}")
            else:
                parts.append("" if v is None else str(v))
        h.update(("\x1f".join(parts) + "\n").encode("utf-8"))
    return h.hexdigest()


def next_version(register: pd.DataFrame) -> str:
    """The next version number after those in the register: "001", "002", ..."""
    numbers = [int(m.group(1)) for v in register.get("version", pd.Series(dtype=str)).astype(str)
               if (m := _VERSION_RE.match(v))]
    return f"{max([n for n in numbers if n > 0], default=0) + 1:03d}"


def tab_name(version: str, planning_month: pd.Period) -> str:
    return f"V{version} {planning_month.year:04d}-{planning_month.month:02d}"


def new_record(version: str, planning_month: pd.Period, snapshot: pd.DataFrame,
               author: str = "", note: str = "", status: str = "draft") -> VersionRecord:
    return VersionRecord(
        version=version, created_at=datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        author=author or _os_user(), planning_month=str(planning_month), status=status,
        sheet=tab_name(version, planning_month), note=note,
        content_hash=content_hash(snapshot))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers and services
        return "unknown"
