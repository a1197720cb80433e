"""``sop-xl import``: input sheets filled from ERP exports or a database, all or nothing.

Every line read is validated as a typed cell would be (the contract reader reads it, the
rules across sheets check the result together with the sheets not imported), and every
problem of every source is reported in one pass naming the file and line (or query and
row). Only when all is valid are the sheets written, with an ImportLog row per source
(what, when, who, rows read / skipped / written, SHA-256), in one atomic write of the
workbook. Imported sheets are replaced as a whole: the ERP is the record of stock, orders
and master data. Columns the profile does not fill (an item's family, analog item,
target days of supply …) keep what the workbook held for the same key. The planner's own
cells on output sheets (yellow) are never touched: only input sheets are written.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.app import history_file
from sop_xl.app.imports.mapping import Mapped, map_report
from sop_xl.app.imports.profile import Profile, Report, load
from sop_xl.app.imports.sources import (
    TEXT_EXPORTS,
    WORKBOOK_EXPORTS,
    Database,
    SourceError,
    SourceTable,
    read_file,
)
from sop_xl.app.master import MasterWorkbook
from sop_xl.base.errors import Problem, ValidationError
from sop_xl.contract import Dtype, SheetSpec
from sop_xl.contract.raw import RawSheet
from sop_xl.contract.read import ROW, is_blank, read_table
from sop_xl.contract.rules import check
from sop_xl.layout.render import table_content

SHEET_ROWS = 1_048_575  # data rows an Excel sheet holds below its header
HISTORY_KINDS = tuple(history_file.KINDS)
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class Read:
    """One source read for one report: its lines as contract records."""

    report: Report
    table: SourceTable
    mapped: Mapped | None = None
    frame: pd.DataFrame | None = None        # a history file: already monthly, validated
    written: int = 0


@dataclass
class ImportReport:
    """What an import did (or, with ``check``, would do)."""

    profile: str
    source: str
    sheets: dict[str, int] = field(default_factory=dict)   # sheet name → rows written
    log: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)       # files no report took
    not_found: list[str] = field(default_factory=list)     # reports with no source
    history_file: str | None = None
    written: bool = False


def import_sources(book: MasterWorkbook, source: str | Path | None, profile: Profile | str,
                   *, check_only: bool = False, user: str = "",
                   progress: Progress = _quiet) -> ImportReport:
    """Fill the input sheets of ``book`` from ``source`` (a folder or file of exports, or a
    database URL) as ``profile`` says; raise ValidationError listing every problem."""
    lang = book.language
    prof = profile if isinstance(profile, Profile) else load(profile, lang)
    settings = book.read_settings()
    values = settings.as_values()
    reads, report = _gather(prof, source, lang, progress)
    hf = book.history_file(values)
    problems: list[Problem] = []
    by_sheet: dict[str, list[Read]] = {}
    for r in reads:
        by_sheet.setdefault(r.report.sheet, []).append(r)
    imported: dict[str, pd.DataFrame] = {}
    provenance: dict[str, list[tuple[Read, int]]] = {}
    for key, group in by_sheet.items():
        progress(f"checking {contract.sheet(key).name(lang)}")
        frame, prov, found = _sheet(contract.sheet(key), group, prof, lang, values)
        imported[key], provenance[key] = frame, prov
        problems.extend(found)
    # the rest of the workbook, and the rules across sheets on the result
    read = book.read_input_frames(values, skip=tuple(imported))
    problems.extend(p.with_workbook(book.name) for p in read.problems)
    markers = {key: f"\x00{key}" for key in imported}
    for key, frame in imported.items():
        _keep_unmapped(key, frame, book, by_sheet[key], values)
        read.frames[key] = frame
        read.names[key] = markers[key]
        read.columns[key] = {k: (None, k) for k in contract.sheet(key).keys}
    if "sales_history" in imported and hf is not None:  # the file gets it: sheet empty?
        sheet_rows, _ = book.read_frame("sales_history")
        if len(sheet_rows):
            sheet = contract.sheet("sales_history")
            problems.append(Problem("history_both", book.sheet_name(sheet) or sheet.name(lang),
                                    None, None,
                                    None, None, {"n": len(sheet_rows), "file": hf.setting}
                                    ).with_workbook(book.name))
    if "sales_history" in imported and hf is None \
            and len(imported["sales_history"]) > SHEET_ROWS:
        problems.append(Problem("import_history_too_long", contract.sheet(
            "sales_history").name(lang), params={"n": len(imported["sales_history"]),
                                                  "limit": SHEET_ROWS}))
    if not problems:
        progress("checking references between sheets")
        real = {m: book.sheet_name(contract.sheet(k)) or contract.sheet(k).name(lang)
                for k, m in markers.items()}
        for p in check(read.inputs(values, book.name), lang, read.columns):
            key = next((k for k, m in markers.items() if p.sheet == m), None)
            p = dataclasses.replace(p, params={k: real.get(v, v) if isinstance(v, str) else v
                                               for k, v in p.params.items()})
            problems.append(_locate_record(p, provenance[key], lang) if key
                            else p.with_workbook(book.name))
    if problems:
        raise ValidationError(problems, lang)
    report.history_file = hf.setting if hf is not None else None
    contents = []
    for key, frame in imported.items():
        spec = contract.sheet(key)
        for entry in provenance[key]:
            entry[0].written = 0
        for entry in provenance[key]:
            entry[0].written += 1
        name = book.sheet_name(spec) or spec.name(lang)
        report.sheets[hf.label if key == "sales_history" and hf else name] = len(frame)
        if key == "sales_history" and hf is not None:
            continue
        contents.append(table_content(spec, frame.drop(columns=ROW), lang,
                                      currency=settings.currency, name=name, editable=True))
    report.log = _log_rows(reads, prof, book, user, lang, hf)
    if check_only:
        return report
    log = book.read_output_table("import_log").drop(columns=ROW, errors="ignore")
    log = pd.concat([log, pd.DataFrame(report.log)], ignore_index=True)
    log_spec = contract.sheet("import_log")
    contents.append(table_content(log_spec, log, lang, currency=settings.currency,
                                  name=book.output_name(log_spec)))
    progress("writing the workbook")
    book.write_inputs(contents, reason="import")
    if "sales_history" in imported and hf is not None:
        progress(f"writing {hf.label}")
        _write_history(hf, by_sheet["sales_history"], imported["sales_history"])
    report.written = True
    return report


# -- reading the sources -----------------------------------------------------------------

def _gather(prof: Profile, source: str | Path | None, lang: str,
            progress: Progress) -> tuple[list[Read], ImportReport]:
    shown = str(source or prof.url or "")
    report = ImportReport(profile=prof.name, source=shown)
    queries = [r for r in prof.reports if r.query]
    files = [r for r in prof.reports if r.files and not r.query]
    is_url = isinstance(source, str) and "://" in source and not Path(source).exists()
    reads: list[Read] = []
    if queries and (is_url or (source is None and prof.url)):
        db = Database(str(source) if is_url else str(prof.url), lang)
        report.source = db.shown
        try:
            for r in queries:
                progress(f"query {r.name}")
                reads.append(Read(r, db.query(r.name, str(r.query))))
        finally:
            db.close()
    elif queries and not files:
        raise SourceError("import_no_database", lang, profile=prof.name)
    if files and source is not None and not is_url:
        path = Path(source)
        if not path.exists():
            raise SourceError("import_source_missing", lang, source=str(path))
        candidates = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() \
            else [path]
        taken: set[Path] = set()
        for r in files:
            for p in candidates:
                if p in taken or not _matches(p, r):
                    continue
                taken.add(p)
                progress(f"reading {p.name} ({r.name})")
                reads.append(_read(p, r, prof, lang))
        if path.is_file() and not taken:  # one file named on the command line: by header
            r = _by_header(path, files, prof, lang)
            if r is not None:
                taken.add(path)
                reads.append(_read(path, r, prof, lang))
        report.ignored = [p.name for p in candidates if p not in taken
                          and p.suffix.lower() in TEXT_EXPORTS + WORKBOOK_EXPORTS
                          + HISTORY_KINDS]
    used = {r.report.name for r in reads}
    report.not_found = [r.name for r in prof.reports if r.name not in used]
    if not reads:
        patterns = "; ".join(f"{r.name}: {', '.join(r.files)}" for r in files) or "-"
        raise SourceError("import_nothing", lang, source=shown, profile=prof.name,
                          patterns=patterns)
    return reads, report


def _matches(path: Path, report: Report) -> bool:
    name = path.name.lower()
    ok = path.suffix.lower() in TEXT_EXPORTS + WORKBOOK_EXPORTS + HISTORY_KINDS
    return ok and any(fnmatch.fnmatch(name, pat.lower()) for pat in report.files)


def _expected(report: Report) -> set[str]:
    from sop_xl.contract.model import normalise_header
    names = {normalise_header(n) for vs in report.columns.values() for g in vs.sources()
             for n in g}
    if not report.columns:  # plain files: the contract's own labels
        names = {h for c in contract.sheet(report.sheet).columns for h in c.accepted_headers()}
    return names


def _read(path: Path, report: Report, prof: Profile, lang: str) -> Read:
    if path.suffix.lower() in HISTORY_KINDS:
        return _read_history(path, report, lang)
    table = read_file(path, _expected(report), encoding=prof.formats.encoding,
                      sheet_name=report.sheet_name, lang=lang)
    return Read(report, table)


def _read_history(path: Path, report: Report, lang: str) -> Read:
    """A Parquet / DuckDB history given as a source: checked as the history file is."""
    import hashlib
    hf = history_file.HistoryFile(path, str(path), history_file.KINDS[path.suffix.lower()])
    frame, problems, _ = history_file.read(hf, lang=lang)
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    table = SourceTable(str(path), path.name, [], [], [], digest.hexdigest())
    table.extra["problems"] = problems
    table.extra["rows"] = int(frame[ROW].max()) if len(frame) else 0
    return Read(report, table, frame=frame)


def _by_header(path: Path, reports: list[Report], prof: Profile, lang: str) -> Report | None:
    """The report whose columns the file's header names best (all required ones found)."""
    best, best_hits = None, 0
    for r in reports:
        if path.suffix.lower() in HISTORY_KINDS:
            return next((x for x in reports if x.sheet == "sales_history"), None)
        table = read_file(path, _expected(r), encoding=prof.formats.encoding, lang=lang)
        m = map_report(table, r, contract.sheet(r.sheet), prof.formats, lang)
        hits = len(m.keys)
        if not m.problems and hits > best_hits:
            best, best_hits = r, hits
    return best


# -- one sheet from its reports -------------------------------------------------------------

def _sheet(spec: SheetSpec, group: list[Read], prof: Profile, lang: str,
           values: dict) -> tuple[pd.DataFrame, list[tuple[Read, int]], list[Problem]]:
    """The sheet's records from all its reports: each line read by the contract reader,
    lines summed where the report says so, duplicates found across reports."""
    frames, prov, problems = [], [], []
    reading = dataclasses.replace(spec, unique=())
    for r in group:
        if r.frame is not None:  # a history file, checked as a whole
            problems.extend(r.table.extra["problems"])
            frames.append(r.frame.drop(columns=ROW))
            prov.extend((r, int(x)) for x in r.frame[ROW])
            continue
        m = map_report(r.table, r.report, spec, prof.formats, lang)
        r.mapped = m
        problems.extend(m.problems)
        if m.problems:
            continue
        raw = RawSheet(f"\x00{r.report.name}", [list(m.keys), *m.rows])
        frame, found = read_table(reading, raw, lang, values.get("currency") or "CNY")
        problems.extend(_locate_cell(p, r) for p in _once_per_cell(found, m, spec))
        frames.append(frame.drop(columns=ROW))
        prov.extend((r, line) for line in m.lines)
    if not frames:
        return pd.DataFrame(columns=[ROW, *spec.keys]), [], problems
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame.insert(0, ROW, np.arange(len(frame), dtype=np.int64) + 2)
    if problems:
        return frame, prov, problems
    if any(r.report.aggregate for r in group) and spec.unique:
        frame, prov = _aggregate(spec, frame, prov)
    problems.extend(_duplicates(spec, frame, prov, lang))
    return frame, prov, problems


def _aggregate(spec: SheetSpec, frame: pd.DataFrame, prov: list[tuple[Read, int]]
               ) -> tuple[pd.DataFrame, list[tuple[Read, int]]]:
    """Lines sharing the sheet's key summed into one record (stock in several batches or
    bins, billing lines of a month): quantities add up, the latest date is kept, other
    columns keep the first line's value; the record remembers its first line."""
    keys = list(spec.unique)
    g = frame.groupby(keys, dropna=False, sort=False)
    parts = [g[ROW].min()]
    sums = [c.key for c in spec.columns if c.key not in keys and not c.choices
            and c.dtype in (Dtype.NUMBER, Dtype.INT)]
    dates = [c.key for c in spec.columns if c.key not in keys and c.dtype is Dtype.DATE]
    rest = [k for k in spec.keys if k not in keys and k not in sums and k not in dates]
    if sums:
        parts.append(g[sums].sum(min_count=1))
    for k in dates:
        latest = pd.to_datetime(frame[k]).groupby(
            [frame[x] for x in keys], dropna=False, sort=False).max()
        parts.append(latest.rename(k))
    if rest:
        parts.append(g[rest].first())
    out = pd.concat(parts, axis=1).reset_index()
    for k in dates:
        out[k] = pd.array([None if pd.isna(v) else v.date() for v in out[k]], dtype=object)
    for col in spec.columns:
        if col.dtype is Dtype.INT and col.key in sums and out[col.key].notna().all():
            out[col.key] = out[col.key].astype(np.int64)
    new_prov = [prov[int(r) - 2] for r in out[ROW]]
    out[ROW] = np.arange(len(out), dtype=np.int64) + 2
    return out[[ROW, *spec.keys]], new_prov


def _duplicates(spec: SheetSpec, frame: pd.DataFrame, prov, lang: str) -> list[Problem]:
    if not spec.unique or frame.empty:
        return []
    keys = frame[list(spec.unique)].astype(str)
    dup = keys.duplicated(keep=False).to_numpy()
    first: dict[tuple, int] = {}
    out = []
    zh = lang.startswith("zh")
    what = " + ".join(spec.column(u).zh if zh else spec.column(u).en.lower()
                      for u in spec.unique)
    for i in np.flatnonzero(dup):
        k = tuple(keys.iloc[i])
        if k not in first:
            first[k] = i
            continue
        r0, line0 = prov[first[k]][:2]
        p = Problem("duplicate_key", "", int(frame[ROW].iloc[i]), spec.unique[0], None,
                    " / ".join(k), {"first": f"{line0} ({r0.table.label})", "key": what})
        out.append(_locate_record(p, prov, lang))
    return out


# -- problems moved to the file and line they came from ----------------------------------

def _once_per_cell(found: list[Problem], m: Mapped, spec: SheetSpec) -> list[Problem]:
    """One problem per cell of the export: a column that fills two of the sheet's (SAP's
    requested delivery date is the contract's due month and due date) is reported once,
    as the column that reads all of it (the date, not its month)."""
    best: dict[tuple[int | None, int], int] = {}
    out: list[Problem] = []
    for p in found:
        pos = m.positions.get(p.column or "")
        if pos is None or p.row is None:
            out.append(p)
            continue
        at = best.get((p.row, pos))
        if at is None:
            best[(p.row, pos)] = len(out)
            out.append(p)
        elif spec.column(p.column or "").dtype is Dtype.DATE:
            out[at] = p
    return out



def _locate_cell(p: Problem, r: Read) -> Problem:
    """A problem of the reader's sheet of one report's lines → that report's file/line."""
    m, t = r.mapped, r.table
    assert m is not None
    if p.row is None or not (2 <= p.row < len(m.lines) + 2):
        return Problem(p.code, t.label, None, p.column, None, p.value, p.params, t.workbook)
    line = m.lines[p.row - 2]
    key = p.column or ""
    pos = m.positions.get(key)
    return Problem(p.code, t.label, line, m.labels.get(key, key),
                   t.cell(pos, line) if pos is not None else None, p.value, p.params,
                   t.workbook)


def _locate_record(p: Problem, prov: list, lang: str) -> Problem:
    """A problem of an imported record (found by the rules) → its first source line."""
    idx = (p.row or 0) - 2
    if not 0 <= idx < len(prov):
        return p
    r, line = prov[idx][0], prov[idx][1]
    t = r.table
    key = p.column or ""
    if r.mapped is not None:
        label = r.mapped.labels.get(key, key)
        pos = r.mapped.positions.get(key)
        cell = t.cell(pos, line) if pos is not None else None
    else:
        label, cell = key, None
    return Problem(p.code, t.label, line, label, cell, p.value, p.params, t.workbook)


# -- what the workbook already knew ----------------------------------------------------------

def _keep_unmapped(key: str, frame: pd.DataFrame, book: MasterWorkbook, group: list[Read],
                   values: dict) -> None:
    """Columns no report fills keep the workbook's value for the same key (an item's
    family, analog item or target days of supply survive an import of the item master)."""
    spec = contract.sheet(key)
    mapped = set()
    for r in group:
        if r.mapped is not None:
            mapped |= set(r.mapped.keys)
        else:
            mapped |= set(spec.keys)
    free = [k for k in spec.keys if k not in mapped and k not in spec.unique]
    if not free or not spec.unique or frame.empty:
        return
    old, _ = book.read_frame(key, values.get("currency") or "CNY")
    if old.empty:
        return
    old = old.drop_duplicates(list(spec.unique), keep="first")
    idx = pd.MultiIndex.from_frame(old[list(spec.unique)].astype(str))
    at = idx.get_indexer(pd.MultiIndex.from_frame(frame[list(spec.unique)].astype(str)))
    hit = at >= 0
    for k in free:
        kept = old[k].to_numpy()[at[hit]]
        col = frame[k].to_numpy(copy=True).astype(object)
        col[hit] = kept
        frame[k] = pd.array(col, dtype=frame[k].dtype) if frame[k].dtype.kind in "fiu" \
            and not any(is_blank(v) for v in kept) else col


# -- writing ----------------------------------------------------------------------------------

def _write_history(hf: history_file.HistoryFile, group: list[Read],
                   frame: pd.DataFrame) -> None:
    files = [r for r in group if r.frame is not None]
    if len(group) == 1 and files and files[0].table.source and \
            Path(files[0].table.source).suffix.lower() in history_file.KINDS and \
            history_file.KINDS[Path(files[0].table.source).suffix.lower()] == hf.kind:
        history_file.copy_in(Path(files[0].table.source), hf)
        return
    history_file.write(hf, frame)


def _log_rows(reads: list[Read], prof: Profile, book: MasterWorkbook, user: str, lang: str,
              hf: history_file.HistoryFile | None) -> list[dict[str, Any]]:
    stamp = pd.Timestamp.now().strftime("%Y-%m-%d %H:%M:%S")
    who = user or _user()
    rows = []
    for r in reads:
        spec = contract.sheet(r.report.sheet)
        sheet = hf.label if spec.key == "sales_history" and hf is not None \
            else (book.sheet_name(spec) or spec.name(lang))
        m = r.mapped
        read_n = (len(m.lines) + m.skipped) if m is not None else r.table.extra.get("rows", 0)
        title = f"{r.report.name}: {r.report.title}" if r.report.title else r.report.name
        rows.append({"imported_at": stamp, "user": who, "profile": prof.name,
                     "report": title, "source": r.table.source, "sheet": sheet,
                     "rows_read": int(read_n), "rows_skipped": int(m.skipped if m else 0),
                     "rows_written": int(r.written), "sha256": r.table.sha256})
    return rows


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers and services
        return "unknown"


def describe(report: ImportReport, lang: str = "en") -> str:
    """What an import wrote, in a few lines for the command line."""
    zh = lang.startswith("zh")
    lines = []
    for name, n in report.sheets.items():
        lines.append(f"  {name}: {n:,} " + ("行" if zh else "rows"))
    for row in report.log:
        lines.append(f"    {row['report']} ← {Path(row['source']).name if '://' not in row['source'] else row['source']}: "
                     f"{row['rows_read']:,} read, {row['rows_skipped']:,} skipped, "
                     f"{row['rows_written']:,} written")
    if report.ignored:
        lines.append(("  未使用的文件：" if zh else "  files no report took: ")
                     + ", ".join(report.ignored))
    if report.not_found:
        lines.append(("  没有来源的报表：" if zh else "  reports with no source: ")
                     + ", ".join(report.not_found))
    return "\n".join(lines)


__all__ = ["ImportReport", "describe", "import_sources"]
