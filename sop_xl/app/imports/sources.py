"""Where imported rows come from: ERP export files (CSV / text, XLSX, XLS) and SQL queries.

Each source becomes a ``SourceTable``: its header, its rows as the file holds them, and the
line (or row) of each, so that every problem found later names the file and the line a
planner can open. A file's SHA-256 (a query's: of its text and result) goes to the log.
"""

from __future__ import annotations

import csv
import decimal
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sop_xl.base.errors import SopXlError
from sop_xl.base.messages import message
from sop_xl.contract.cells import col_letter
from sop_xl.contract.model import normalise_header

TEXT_EXPORTS = (".csv", ".txt", ".tsv", ".dat")
WORKBOOK_EXPORTS = (".xlsx", ".xlsm", ".xls")
HEADER_SCAN = 30  # exports often open with a title block: the header is searched this far


class SourceError(SopXlError):
    """A source that cannot be read at all (missing, undecodable, database unreachable)."""

    exit_code = 3

    def __init__(self, code: str, lang: str = "en", **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(message(code, lang, **params))

    def render(self, lang: str = "en") -> str:
        return message(self.code, lang, **self.params)


@dataclass
class SourceTable:
    """One export or query result, header found, rows as read."""

    source: str                 # path or (password-free) URL, for the log
    label: str                  # how messages name it: "MB52.csv", "query stock"
    header: list[str]
    rows: list[list[Any]]
    lines: list[int]            # 1-based line (row) of each data row in the source
    sha256: str
    workbook: str | None = None  # an .xlsx export's file name (then label is its sheet)
    cells: bool = False         # Excel cells: column letters locate a value
    extra: dict[str, Any] = field(default_factory=dict)

    def cell(self, c: int, line: int) -> str | None:
        return f"{col_letter(c)}{line}" if self.cells else None


def read_file(path: Path, expected: set[str], *, encoding: str | None = None,
              sheet_name: str | None = None, lang: str = "en") -> SourceTable:
    """An export file; ``expected`` (normalised headers) finds the header row."""
    if not path.is_file():
        raise SourceError("import_source_missing", lang, source=str(path))
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_EXPORTS:
        return _read_workbook(path, expected, sheet_name, lang)
    data = path.read_bytes()
    text = _decode(data, encoding, path, lang)
    rows = _split(text)
    return _table(str(path), path.name, rows, list(range(1, len(rows) + 1)), expected,
                  hashlib.sha256(data).hexdigest())


def _decode(data: bytes, encoding: str | None, path: Path, lang: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM (SAP's "unconverted" and Excel's "Unicode
    text"), else GB18030 (Kingdee and Excel on Chinese Windows save ANSI as GBK)."""
    candidates = [encoding] if encoding else []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates.append("utf-16")
    candidates += ["utf-8-sig", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise SourceError("import_source_unreadable", lang, source=str(path),
                      detail="not UTF-8, UTF-16 or GB18030 text")


def _split(text: str) -> list[list[str]]:
    """Rows of a text export: tab, semicolon, comma or pipe separated; SAP list output
    (|-framed lines between rules of dashes) too. Every physical line stays one row so
    row numbers are line numbers (a quoted field spanning lines is kept whole)."""
    lines = text.splitlines()
    body = [ln for ln in lines[:200] if ln.strip() and not set(ln.strip()) <= set("-|+ ")]
    framed = body and sum(ln.lstrip().startswith("|") for ln in body) > len(body) / 2
    if framed:
        out = []
        for ln in lines:
            s = ln.strip()
            if not s or set(s) <= set("-|+ "):
                out.append([])
                continue
            out.append([v.strip() for v in s.strip("|").split("|")])
        return out
    sample = "\n".join(body[:50])
    delim = max("\t;,|", key=lambda d: (sample.count(d), d == "\t"))
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    out: list[list[str]] = []
    for row in reader:
        while len(out) < reader.line_num - 1:
            out.append([])  # a field spanning lines keeps the line count honest
        out.append([v.strip() for v in row])
    return out


def _read_workbook(path: Path, expected: set[str], sheet_name: str | None,
                   lang: str) -> SourceTable:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    try:
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        name = sheet_name if sheet_name in names else _best_sheet(book, names, expected)
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise SourceError("import_source_unreadable", lang, source=str(path),
                          detail=f"{type(exc).__name__}: {exc}") from None
    table = _table(str(path), name, [list(r) for r in rows], list(range(1, len(rows) + 1)),
                   expected, sha)
    table.workbook = path.name
    table.cells = True
    return table


def _best_sheet(book, names: list[str], expected: set[str]) -> str:
    """The sheet whose first rows name most of the expected headers."""
    def hits(name: str) -> int:
        rows = book.get_sheet_by_name(name).to_python(nrows=HEADER_SCAN)
        return max((sum(normalise_header(v) in expected for v in r if v not in ("", None))
                    for r in rows), default=0)
    return max(names, key=hits)


def _table(source: str, label: str, rows: list[list[Any]], lines: list[int],
           expected: set[str], sha: str) -> SourceTable:
    best, at = -1, 0
    for i, row in enumerate(rows[:HEADER_SCAN]):
        n = sum(1 for v in row if v not in ("", None) and normalise_header(v) in expected)
        if n > best:
            best, at = n, i
    header = ["" if v is None else str(v).strip() for v in rows[at]] if rows else []
    return SourceTable(source=source, label=label, header=header, rows=rows[at + 1:],
                       lines=lines[at + 1:], sha256=sha)


def redact(url: str) -> str:
    """A database URL without its password, for messages and the log."""
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy knows: show the scheme only
        return url.split("://", 1)[0] + "://…"


class Database:
    """One SQLAlchemy connection for all the queries of an import (one snapshot)."""

    def __init__(self, url: str, lang: str = "en") -> None:
        from sqlalchemy import create_engine
        self.url = url
        self.shown = redact(url)
        self.lang = lang
        try:
            self.engine = create_engine(url)
            self.conn = self.engine.connect()
        except Exception as exc:  # driver missing, host down, login refused
            raise SourceError("import_db_unreachable", lang, url=self.shown,
                              detail=_first_line(exc)) from None

    def query(self, name: str, sql: str) -> SourceTable:
        from sqlalchemy import text
        try:
            result = self.conn.execute(text(sql))
            header = [str(k) for k in result.keys()]  # noqa: SIM118 (a Result, not a dict)
            rows = [[_plain(v) for v in r] for r in result]
        except Exception as exc:
            raise SourceError("import_query_failed", self.lang, report=name, url=self.shown,
                              detail=_first_line(exc)) from None
        digest = hashlib.sha256(sql.encode())
        for r in rows:
            digest.update(repr(r).encode())
        return SourceTable(source=self.shown, label=message("query_n", self.lang, name=name),
                           header=header, rows=rows, lines=list(range(1, len(rows) + 1)),
                           sha256=digest.hexdigest(), workbook=self.shown)

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()


def _plain(v: Any) -> Any:
    """Database values as the contract reader takes them (NUMERIC arrives as Decimal)."""
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, datetime):
        return v
    if isinstance(v, date):
        return v
    return v


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
