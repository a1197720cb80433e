"""Sales history beyond Excel's row limit: a Parquet file or DuckDB database beside the
workbook (Settings "Sales history file"), aggregated to months by DuckDB.

The file holds one row per item and period (a month, a day or a week's first day), with the
SalesHistory sheet's columns (its keys or its English / 中文 labels): item, month | date |
week, department, channel, ordered_qty, shipped_qty. Every row is checked as a typed cell
would be: the checks run in DuckDB over all rows at once, and the rows that fail go through
the contract's own reader, so the messages are the sheet's, naming the file and its row
(the first data row is row 1). A week's quantity is spread over its working days (Settings
"Work week") and each day counted in its month. The aggregated frame keeps, as ``_row``,
the first file row of each item, month, department and channel.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base.errors import Problem
from sop_xl.contract.model import normalise_header
from sop_xl.contract.raw import RawSheet
from sop_xl.contract.read import DATE_MAX, DATE_MIN, PLAUSIBLE_MAX, ROW, coerce, read_table

TABLE = "sales_history"
KINDS = {".parquet": "parquet", ".pq": "parquet", ".duckdb": "duckdb", ".db": "duckdb"}
PERIOD_NAMES = {
    "month": {"month", "月份", "月", "period", "期间"},
    "date": {"date", "day", "日期", "出库日期", "billingdate", "发货日期"},
    "week": {"week", "weekstart", "周", "周开始日期"},
}
MAX_LISTED = 1000  # rows with problems listed one by one; the rest are counted
WORK_DAYS = {"mon-fri": 5, "mon-sat": 6}
_NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                  "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL")


@dataclass
class HistoryFile:
    """Where the history lives and what its columns are called there."""

    path: Path
    setting: str                  # the value typed in Settings
    kind: str                     # "parquet" or "duckdb"

    @property
    def label(self) -> str:
        return self.path.name


def locate(setting: str, workbook: Path | None) -> HistoryFile | None:
    """The history file Settings names, relative to the workbook's folder; None when the
    setting is blank."""
    value = (setting or "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_absolute() and workbook is not None:
        path = workbook.parent / path
    return HistoryFile(path, value, KINDS.get(path.suffix.lower(), ""))


def read(hf: HistoryFile, *, lang: str = "en", work_week: str = "mon-fri",
         sheet_label: str = "Settings") -> tuple[pd.DataFrame, list[Problem],
                                                  dict[str, tuple[None, str]]]:
    """The monthly history of ``hf``, its problems, and the file's column names by key."""
    import duckdb

    spec = contract.sheet("sales_history")
    empty = pd.DataFrame(columns=[ROW, *spec.keys])

    def whole(code: str, **params: Any) -> tuple[pd.DataFrame, list[Problem], dict]:
        return empty, [Problem(code, hf.label, None, None, None, hf.setting, params)], {}

    setting = spec_label("history_file", lang)
    if not hf.kind:
        return empty, [Problem("history_file_kind", sheet_label, None, setting, None,
                               hf.setting)], {}
    if not hf.path.is_file():
        return empty, [Problem("history_file_missing", sheet_label, None, setting, None,
                               hf.setting, {"path": str(hf.path)})], {}
    try:
        con = duckdb.connect(str(hf.path) if hf.kind == "duckdb" else ":memory:",
                             read_only=hf.kind == "duckdb")
    except Exception as exc:  # not a DuckDB file, locked by a writer
        return whole("history_file_unreadable", detail=_short(exc))
    try:
        if hf.kind == "duckdb":
            tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
            if TABLE not in tables:
                return whole("history_file_table", table=TABLE,
                             tables=", ".join(tables) or "(none)")
            src = f"(SELECT *, rowid + 1 AS __row FROM {TABLE})"
        else:
            src = (f"(SELECT *, file_row_number + 1 AS __row FROM "
                   f"read_parquet({_quote(str(hf.path))}, file_row_number = true))")
        try:
            schema = con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
        except Exception as exc:
            return whole("history_file_unreadable", detail=_short(exc))
        return _read(con, src, schema, hf, spec, lang, WORK_DAYS.get(work_week, 5), empty)
    finally:
        con.close()


def spec_label(key: str, lang: str) -> str:
    return contract.sheet("settings").column(key).label(lang)


def _read(con, src: str, schema: list, hf: HistoryFile, spec, lang: str, days: int,
          empty: pd.DataFrame):
    names = {r[0]: r[1] for r in schema if r[0] != "__row"}
    found = ", ".join(repr(n) for n in names)
    by_norm = {normalise_header(n): n for n in names}
    cols: dict[str, str] = {}
    problems: list[Problem] = []
    for col in spec.columns:
        if col.key == "month":
            continue
        hit = next((by_norm[h] for h in col.accepted_headers() if h in by_norm), None)
        if hit is not None:
            cols[col.key] = hit
        elif col.required:
            problems.append(_column_problem(hf, col.label(lang), col.accepted_headers(),
                                            found))
    period_kind, period = None, None
    for kind in ("month", "date", "week"):
        wanted = {normalise_header(n) for n in PERIOD_NAMES[kind]}
        if kind == "month":
            wanted |= spec.column("month").accepted_headers()
        hit = next((by_norm[h] for h in wanted if h in by_norm), None)
        if hit is not None:
            period_kind, period = kind, hit
            break
    if period is None:
        problems.append(_column_problem(hf, "month / date / week",
                                        {"month", "date", "week", "月份", "日期", "周"}, found))
    for key in ("ordered_qty", "shipped_qty"):
        if key in cols and not names[cols[key]].upper().startswith(_NUMERIC_TYPES):
            problems.append(Problem("history_file_type", hf.label, None, cols[key], None,
                                    cols[key], {"type": names[cols[key]]}))
    if problems:
        return empty, problems, {}
    labels: dict[str, tuple[None, str]] = {k: (None, v) for k, v in cols.items()}
    labels["month"] = (None, period)
    q = {k: _ident(v) for k, v in cols.items()}
    p = _ident(period)
    ptype = names[period].upper()
    if ptype.startswith(("DATE", "TIMESTAMP")):
        day = f"CAST({p} AS DATE)"
    else:  # text periods: each distinct text read once by the contract's own coercion
        mapping = _text_periods(con, src, p, spec.column("month"), period_kind)
        con.register("__periods", mapping)
        src = (f"(SELECT s.*, m.day AS __day FROM {src} s LEFT JOIN __periods m "
               f"ON CAST(s.{p} AS VARCHAR) = m.text)")
        day = "__day"
    bad = _bad_rows(con, src, q, day)
    if bad:
        return empty, _row_problems(con, src, bad, cols, period, hf, spec, lang), labels
    return _aggregate(con, src, q, day, period_kind, days), [], labels


def _column_problem(hf: HistoryFile, label: str, accepted, found: str) -> Problem:
    return Problem("history_file_column", hf.label, None, None, None, None,
                   {"column": label, "labels": " / ".join(sorted(accepted)), "found": found})


def _text_periods(con, src: str, p: str, col, kind: str) -> pd.DataFrame:
    values = [r[0] for r in con.execute(
        f"SELECT DISTINCT CAST({p} AS VARCHAR) FROM {src} WHERE {p} IS NOT NULL").fetchall()]
    days: list[Any] = []
    for v in values:
        try:
            got = coerce(col, v)
            days.append(got.start_time.date() if kind == "month" else _day(v))
        except Exception:  # the row-by-row read below reports it with the usual message
            days.append(None)
    return pd.DataFrame({"text": pd.Series(values, dtype=object),
                         "day": pd.Series(days, dtype=object)})


def _day(v: str) -> date | None:
    from sop_xl.contract.model import Column, Dtype
    return coerce(Column("d", "d", "d", Dtype.DATE), v)


def _bad_rows(con, src: str, q: dict[str, str], day: str) -> list[int]:
    """File rows (1-based) that the contract would refuse; at most MAX_LISTED + 1."""
    lim = PLAUSIBLE_MAX
    checks = [f"{q['item']} IS NULL OR trim(CAST({q['item']} AS VARCHAR)) = ''",
              f"{day} IS NULL OR {day} < DATE '{DATE_MIN}' OR {day} > DATE '{DATE_MAX}'"]
    for key, required in (("shipped_qty", True), ("ordered_qty", False)):
        if key not in q:
            continue
        v = f"CAST({q[key]} AS DOUBLE)"
        cond = f"(NOT isfinite({v}) OR {v} < 0 OR abs({v}) > {lim})"
        checks.append(f"{q[key]} IS NULL OR {cond}" if required
                      else f"({q[key]} IS NOT NULL AND {cond})")
    where = " OR ".join(f"({c})" for c in checks)
    rows = con.execute(f"SELECT __row FROM {src} WHERE {where} ORDER BY __row "
                       f"LIMIT {MAX_LISTED + 1}").fetchall()
    if len(rows) > MAX_LISTED:
        total = con.execute(f"SELECT count(*) FROM {src} WHERE {where}").fetchone()[0]
        return [r[0] for r in rows[:MAX_LISTED]] + [-int(total - MAX_LISTED)]
    return [r[0] for r in rows]


def _row_problems(con, src: str, bad: list[int], cols: dict[str, str], period: str,
                  hf: HistoryFile, spec, lang: str) -> list[Problem]:
    """The failing rows read by the contract's reader, its messages moved to the file."""
    more = -bad[-1] if bad and bad[-1] < 0 else 0
    rows_wanted = [r for r in bad if r > 0]
    con.register("__bad", pd.DataFrame({"r": rows_wanted}))
    keys = [*cols, "month"]
    names = [*cols.values(), period]
    select = ", ".join(_ident(n) for n in names)
    fetched = con.execute(f"SELECT __row, {select} FROM {src} WHERE __row IN "
                          f"(SELECT r FROM __bad) ORDER BY __row").fetchall()
    raw = RawSheet(hf.label, [list(keys)] + [list(r[1:]) for r in fetched])
    reading = _without_unique(spec)
    _, found = read_table(reading, raw, lang)
    line_of = {i + 2: r[0] for i, r in enumerate(fetched)}  # sheet row → file row
    label_of = dict(zip(keys, names, strict=True))
    label_of.update({spec.column(k).label(lang): n for k, n in zip(keys, names, strict=True)})
    out = []
    for pr in sorted(found, key=lambda p: (p.row or 0)):
        out.append(Problem(pr.code, hf.label, line_of.get(pr.row or 0, pr.row),
                           label_of.get(pr.column or "", pr.column), None, pr.value, pr.params))
    if more:
        out.append(Problem("history_file_more", hf.label, None, None, None, None,
                           {"n": more, "shown": MAX_LISTED}))
    return out


def _without_unique(spec):
    import dataclasses
    return dataclasses.replace(spec, unique=())


def _aggregate(con, src: str, q: dict[str, str], day: str, kind: str,
               days: int) -> pd.DataFrame:
    dept = f"NULLIF(trim(CAST({q['department']} AS VARCHAR)), '')" if "department" in q \
        else "NULL"
    chan = f"NULLIF(trim(CAST({q['channel']} AS VARCHAR)), '')" if "channel" in q else "NULL"
    ordered = f"CAST({q['ordered_qty']} AS DOUBLE)" if "ordered_qty" in q else "NULL"
    shipped = f"CAST({q['shipped_qty']} AS DOUBLE)"
    base = (f"SELECT trim(CAST({q['item']} AS VARCHAR)) AS item, {dept} AS department, "
            f"{chan} AS channel, {ordered} AS ordered, {shipped} AS shipped, __row, "
            f"{day} AS day FROM {src}")
    if kind == "week":
        # a week's quantity over its working days; 7 days from any start hold each weekday
        # once, so a Mon-Fri week has 5 and a Mon-Sat week 6
        base = (f"SELECT item, department, channel, ordered / {days} AS ordered, "
                f"shipped / {days} AS shipped, __row, CAST(day + CAST(k AS INTEGER) AS DATE) AS day "
                f"FROM ({base}) b, range(7) t(k) WHERE isodow(CAST(day + CAST(k AS INTEGER) AS DATE)) <= {days}")
    sql = (f"SELECT item, CAST(date_trunc('month', day) AS DATE) AS month, department, "
           f"channel, sum(ordered) AS ordered_qty, sum(shipped) AS shipped_qty, "
           f"min(__row) AS {ROW} FROM ({base}) GROUP BY ALL ORDER BY item, month, "
           f"department NULLS FIRST, channel NULLS FIRST")
    f = con.execute(sql).df()
    out = pd.DataFrame({
        ROW: f[ROW].to_numpy(np.int64),
        "item": f["item"].astype(object).to_numpy(),
        "month": pd.PeriodIndex(pd.to_datetime(f["month"]), freq="M"),
        "department": f["department"].astype(object).where(f["department"].notna(), None)
        .to_numpy(),
        "channel": f["channel"].astype(object).where(f["channel"].notna(), None).to_numpy(),
        "ordered_qty": f["ordered_qty"].to_numpy(float),
        "shipped_qty": f["shipped_qty"].to_numpy(float),
    })
    return out


def write(hf: HistoryFile, frame: pd.DataFrame) -> None:
    """Replace the history in ``hf`` by ``frame`` (contract columns, months), atomically:
    a Parquet file is written beside and renamed over; a DuckDB table is replaced in one
    transaction."""
    import duckdb

    out = pd.DataFrame({
        "item": frame["item"].astype(str),
        "month": pd.PeriodIndex(frame["month"], freq="M").to_timestamp().date,
        "department": frame["department"], "channel": frame["channel"],
        "ordered_qty": pd.to_numeric(frame["ordered_qty"], errors="coerce"),
        "shipped_qty": pd.to_numeric(frame["shipped_qty"], errors="coerce")})
    hf.path.parent.mkdir(parents=True, exist_ok=True)
    if hf.kind == "duckdb":
        con = duckdb.connect(str(hf.path))
        try:
            con.register("__new", out)
            con.execute("BEGIN")
            con.execute(f"CREATE OR REPLACE TABLE {TABLE} AS SELECT * FROM __new")
            con.execute("COMMIT")
        finally:
            con.close()
        return
    import pyarrow as pa
    import pyarrow.parquet as pq
    fd, tmp = tempfile.mkstemp(prefix=f".{hf.path.name}.", suffix=".tmp", dir=hf.path.parent)
    os.close(fd)
    try:
        pq.write_table(pa.Table.from_pandas(out, preserve_index=False), tmp)
        os.replace(tmp, hf.path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def copy_in(source: Path, hf: HistoryFile) -> None:
    """Put an already valid history file in place of ``hf``, atomically."""
    import shutil
    if source.resolve() == hf.path.resolve():
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{hf.path.name}.", suffix=".tmp", dir=hf.path.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, hf.path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _short(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"
