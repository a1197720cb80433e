"""Import profiles: which ERP report (or SQL query) fills which input sheet, column by column.

A profile is a small TOML file a planner can copy and edit (the shipped ones are in
``profiles/``)::

    name = "sap"
    title = "SAP ECC / S/4HANA list exports"
    [format]
    dates = ["%d.%m.%Y", "%Y-%m-%d"]   # tried in order on text dates
    decimal = "."                       # "," for 1.234,50
    trailing_minus = true               # SAP lists show -5 as 5-

    [[report]]
    name = "MB52"
    sheet = "stock"                     # contract key of the input sheet
    files = ["MB52*", "*stock*"]        # which exported files (glob, case-insensitive)
    aggregate = true                    # sum lines sharing the sheet's key (batches, bins)
    [report.columns]
    item = ["Material", "MATNR"]        # the first of these headers the export has
    on_hand = "Unrestricted"
    warehouse = { column = ["Storage Location", "SLoc"] }
    [[report.skip]]                     # lines to leave out, counted in the import log
    column = "Deletion Indicator"
    equals = ["X", "L"]

A column is a header (or a list of alternative headers), or a table with ``column`` plus
at most one of ``minus`` / ``divide_by`` (another column), ``scale`` (a factor, 0.01 for a
percent typed as 5), ``map`` (code → contract value; ``"*"`` for every other code),
``or_else`` (another column when this
one is blank or 0), ``at_least`` with ``then`` / ``else`` (a threshold); or ``value`` (a
constant); or ``join`` (columns joined with ``sep``). A database profile has a ``query``
per report instead of ``files`` (and ``[database] url``); query columns named like the
contract's keys or labels need no ``columns`` table.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sop_xl import contract
from sop_xl.base.errors import SopXlError
from sop_xl.base.messages import message
from sop_xl.contract import Layout, Role

_TRANSFORMS = ("minus", "divide_by", "scale", "map", "or_else", "at_least")


class ProfileError(SopXlError):
    """A profile that cannot be used (missing, not TOML, naming unknown sheets or columns)."""

    exit_code = 2

    def __init__(self, code: str, lang: str = "en", **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(message(code, lang, **params))

    def render(self, lang: str = "en") -> str:
        return message(self.code, lang, **self.params)


@dataclass(frozen=True)
class ValueSpec:
    """How one contract column is made from a report's columns."""

    columns: tuple[str, ...] = ()          # alternative headers of the main column
    value: Any = None                      # a constant instead of a column
    minus: tuple[str, ...] = ()
    divide_by: tuple[str, ...] = ()
    scale: float | None = None
    mapping: dict[str, Any] = field(default_factory=dict)
    or_else: tuple[str, ...] = ()
    at_least: float | None = None
    then: Any = None
    otherwise: Any = None
    join: tuple[tuple[str, ...], ...] = ()
    sep: str = "/"
    optional: bool = False                 # the export may lack this column (left blank)

    @property
    def constant(self) -> bool:
        return not self.columns and not self.join

    def sources(self) -> list[tuple[str, ...]]:
        """Every group of alternative headers this value reads."""
        out = [self.columns] if self.columns else []
        out += [g for g in (self.minus, self.divide_by, self.or_else) if g]
        return out + list(self.join)


@dataclass(frozen=True)
class SkipRule:
    """Lines left out: a column equal to / containing one of the values, or a number
    (optionally minus another column) not above a bound (fully delivered lines)."""

    value: ValueSpec
    equals: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    not_above: float | None = None
    not_blank: bool = False


@dataclass(frozen=True)
class Report:
    """One ERP report (or SQL query) and the input sheet it fills."""

    name: str
    sheet: str
    title: str = ""
    files: tuple[str, ...] = ()
    query: str | None = None
    sheet_name: str | None = None           # which sheet of an .xlsx export
    columns: dict[str, ValueSpec] = field(default_factory=dict)
    skip: tuple[SkipRule, ...] = ()
    aggregate: bool = False
    sources: tuple[str, ...] = ()           # where the column names come from


@dataclass(frozen=True)
class Formats:
    """How the ERP writes dates and numbers in text exports."""

    dates: tuple[str, ...] = ("%Y-%m-%d",)
    decimal: str = "."
    trailing_minus: bool = False
    encoding: str | None = None             # None: UTF-8 (with or without BOM), UTF-16, GB18030


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    reports: tuple[Report, ...]
    formats: Formats = Formats()
    url: str | None = None                  # a database profile's SQLAlchemy URL
    path: str = ""

    def reports_for(self, sheet: str) -> list[Report]:
        return [r for r in self.reports if r.sheet == sheet]


def shipped() -> list[str]:
    """Names of the profiles that ship with sop_xl."""
    folder = resources.files("sop_xl.app.imports") / "profiles"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load(name_or_path: str, lang: str = "en") -> Profile:
    """A shipped profile by name ("sap", "kingdee") or a profile file by path."""
    path = Path(name_or_path)
    if path.suffix.lower() == ".toml" or path.exists():
        if not path.is_file():
            raise ProfileError("import_profile_unknown", lang, name=name_or_path,
                               shipped=", ".join(shipped()))
        return parse(path.read_text(encoding="utf-8"), str(path), lang)
    res = resources.files("sop_xl.app.imports") / "profiles" / f"{name_or_path}.toml"
    if not res.is_file():
        raise ProfileError("import_profile_unknown", lang, name=name_or_path,
                           shipped=", ".join(shipped()))
    return parse(res.read_text(encoding="utf-8"), f"{name_or_path}.toml", lang)


def parse(text: str, path: str = "profile.toml", lang: str = "en") -> Profile:
    """A profile from its TOML text; every mistake is named with the report and column."""
    def bad(detail: str) -> ProfileError:
        return ProfileError("import_profile_bad", lang, path=path, detail=detail)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise bad(str(exc)) from None
    fmt = data.get("format", {})
    formats = Formats(dates=tuple(_strings(fmt.get("dates", ["%Y-%m-%d"]))),
                      decimal=str(fmt.get("decimal", ".")),
                      trailing_minus=bool(fmt.get("trailing_minus", False)),
                      encoding=fmt.get("encoding"))
    if formats.decimal not in (".", ","):
        raise bad(f"[format] decimal must be \".\" or \",\", not {formats.decimal!r}")
    reports = []
    for i, r in enumerate(data.get("report", []), start=1):
        name = str(r.get("name") or f"report {i}")
        sheet = str(r.get("sheet", ""))
        spec = contract.SHEETS.get(sheet)
        if spec is None or spec.role is not Role.INPUT or spec.layout is not Layout.TABLE:
            tables = ", ".join(s.key for s in contract.inputs() if s.layout is Layout.TABLE)
            raise bad(f"report {name!r}: sheet {sheet!r} is not an input table; one of {tables}")
        if not r.get("files") and not r.get("query"):
            raise bad(f"report {name!r}: give files = [...] (exports) or query = \"...\" (SQL)")
        cols = {}
        for key, raw in (r.get("columns") or {}).items():
            if key not in spec.keys:
                raise bad(f"report {name!r}: {sheet} has no column {key!r}; its columns are "
                          f"{', '.join(spec.keys)}")
            cols[key] = _value(raw, f"report {name!r} column {key!r}", bad)
        skips = tuple(_skip(s, f"report {name!r} skip {k}", bad)
                      for k, s in enumerate(r.get("skip", []), start=1))
        reports.append(Report(
            name=name, sheet=sheet, title=str(r.get("title", "")),
            files=tuple(_strings(r.get("files", []))), query=r.get("query"),
            sheet_name=r.get("sheet_name"), columns=cols, skip=skips,
            aggregate=bool(r.get("aggregate", False)),
            sources=tuple(_strings(r.get("sources", [])))))
    if not reports:
        raise bad("no [[report]] tables")
    db = data.get("database", {})
    return Profile(name=str(data.get("name") or Path(path).stem),
                   title=str(data.get("title", "")), reports=tuple(reports), formats=formats,
                   url=db.get("url"), path=path)


def _strings(v: Any) -> list[str]:
    if isinstance(v, str):
        return [v]
    return [str(x) for x in v]


def _value(raw: Any, where: str, bad) -> ValueSpec:
    if isinstance(raw, str | list):
        return ValueSpec(columns=tuple(_strings(raw)))
    if not isinstance(raw, dict):
        raise bad(f"{where}: expected a header, a list of headers or a table")
    known = {"column", "value", "join", "sep", "then", "else", "optional", *_TRANSFORMS}
    unknown = set(raw) - known
    if unknown:
        raise bad(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: "
                  f"{', '.join(sorted(known))}")
    used = [t for t in _TRANSFORMS if t in raw]
    if len(used) > 1:
        raise bad(f"{where}: use one of {', '.join(used)} per column")
    if "value" in raw:
        return ValueSpec(value=raw["value"])
    if "join" in raw:
        return ValueSpec(join=tuple(tuple(_strings(g)) for g in raw["join"]),
                         sep=str(raw.get("sep", "/")))
    if "column" not in raw:
        raise bad(f"{where}: needs column = \"...\", value = ... or join = [...]")
    if "at_least" in raw and ("then" not in raw or "else" not in raw):
        raise bad(f"{where}: at_least needs then = ... and else = ...")
    return ValueSpec(
        columns=tuple(_strings(raw["column"])),
        minus=tuple(_strings(raw.get("minus", []))),
        divide_by=tuple(_strings(raw.get("divide_by", []))),
        scale=float(raw["scale"]) if "scale" in raw else None,
        mapping={str(k): v for k, v in (raw.get("map") or {}).items()},
        or_else=tuple(_strings(raw.get("or_else", []))),
        at_least=float(raw["at_least"]) if "at_least" in raw else None,
        then=raw.get("then"), otherwise=raw.get("else"),
        optional=bool(raw.get("optional", False)))


def _skip(raw: Any, where: str, bad) -> SkipRule:
    if not isinstance(raw, dict) or "column" not in raw:
        raise bad(f"{where}: needs column = \"...\" and equals, contains, not_above or "
                  "not_blank")
    value = ValueSpec(columns=tuple(_strings(raw["column"])),
                      minus=tuple(_strings(raw.get("minus", []))))
    rule = SkipRule(value=value, equals=tuple(_strings(raw.get("equals", []))),
                    contains=tuple(_strings(raw.get("contains", []))),
                    not_above=float(raw["not_above"]) if "not_above" in raw else None,
                    not_blank=bool(raw.get("not_blank", False)))
    if not (rule.equals or rule.contains or rule.not_above is not None or rule.not_blank):
        raise bad(f"{where}: needs equals = [...], contains = [...], not_above = N or "
                  "not_blank = true")
    return rule
