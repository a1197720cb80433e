"""The master workbook as the cycle sees it: contract sheets over any backend.

Finds each contract sheet under its English or Chinese name, reads and validates all
inputs in one pass (every problem, not the first), and writes outputs while refusing to
touch an input sheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from sop_xl import contract
from sop_xl.app import approvals, history_file
from sop_xl.app.readback import planner_problems
from sop_xl.app.versions import check_versions
from sop_xl.base.errors import Problem, ValidationError
from sop_xl.contract import Layout, Role, SheetSpec
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.contract.raw import RawSheet
from sop_xl.contract.read import empty_frame, read_settings, read_table
from sop_xl.contract.rules import check
from sop_xl.contract.settings import Settings
from sop_xl.layout.grid import read_grid
from sop_xl.layout.sheet import SheetContent
from sop_xl.workbook.backend import Backend
from sop_xl.workbook.file import FileBackend

#: Input sheets with one sanctioned writer besides people: sheet key → that writer.
#: ``sop-xl assistants collect`` consolidates the sales assistants' returned workbooks into
#: SalesForecast, replacing only the submitting assistant's rows of the planning month.
#: ``sop-xl import`` fills any input table from ERP exports or a database, replacing it.
INPUT_WRITERS: dict[str, str] = {"sales_forecast": "assistants collect"}
IMPORT = "import"


@dataclass
class InputFrames:
    """The input tables as read, before the rules across sheets."""

    names: dict[str, str]                       # sheet key → where it was read from
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    columns: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: (sheet key, column key) → Excel rows of its cells with a problem (None: the whole
    #: column is in doubt), for the rules across sheets (sop_xl.contract.rules)
    doubtful: dict[tuple[str, str], frozenset[int] | None] = field(default_factory=dict)

    def inputs(self, values: dict, workbook: str) -> Inputs:
        return Inputs(settings=Settings.from_values(values), workbook=workbook,
                      sheet_names=self.names, **self.frames)


class MasterWorkbook:
    """Contract-aware access to one workbook through a backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        # output sheets planners type in: read once per command (validated, then planned)
        self._raw: dict[str, RawSheet] = {}
        #: the plan-version lock check made on the backend's current revision:
        #: (revision, fingerprints of the locked tabs, stale) — see app/versions.py
        self.verified_versions: tuple | None = None

    @classmethod
    def open(cls, path: Path | str) -> MasterWorkbook:
        return cls(FileBackend(path))

    @property
    def name(self) -> str:
        return self.backend.name

    # -- finding sheets ------------------------------------------------------------------
    def sheet_name(self, spec: SheetSpec) -> str | None:
        """The name this workbook uses for ``spec`` (either language), or None."""
        names = {n.lower(): n for n in self.backend.sheet_names()}
        for candidate in (spec.en, spec.zh):
            if candidate.lower() in names:
                return names[candidate.lower()]
        return None

    @cached_property
    def language(self) -> str:
        """From Settings when readable; otherwise from the sheet names present."""
        spec = contract.sheet("settings")
        name = self.sheet_name(spec)
        if name:
            values, _ = read_settings(spec, self.backend.read_sheet(name))
            lang = values.get("language")
            if lang in ("en", "zh-CN"):
                return str(lang)
        zh = sum(1 for s in contract.inputs() if s.zh in self.backend.sheet_names())
        en = sum(1 for s in contract.inputs() if s.en in self.backend.sheet_names())
        return "zh-CN" if zh > en else "en"

    def output_name(self, spec: SheetSpec) -> str:
        """Where an output goes: its existing sheet, else its name in the language."""
        return self.sheet_name(spec) or spec.name(self.language)

    # -- reading -------------------------------------------------------------------------
    def read_raw(self, name: str) -> RawSheet:
        """A sheet's cells; those of output sheets with editable cells are kept until the
        next write, since they are validated and then read again by the plan."""
        key = name.lower()
        if key in self._raw:
            return self._raw[key]
        raw = self.backend.read_sheet(name)
        spec = contract.find_sheet(name)
        if spec is not None and spec.role is not Role.INPUT and (
                any(m.editable for m in spec.measures) or any(c.editable for c in spec.columns)):
            self._raw[key] = raw
        return raw

    def read_settings(self) -> Settings:
        values, problems = self._settings()
        if problems:
            raise ValidationError([p.with_workbook(self.name) for p in problems],
                                  self.language)
        return Settings.from_values(values)

    def _settings(self) -> tuple[dict, list[Problem]]:
        spec = contract.sheet("settings")
        name = self.sheet_name(spec)
        if name is None:
            return {}, [self._missing(spec)]
        return read_settings(spec, self.backend.read_sheet(name), self.language)

    def _missing(self, spec: SheetSpec) -> Problem:
        return Problem("sheet_missing", spec.name(self.language), None, None, None, None,
                       {"sheet": spec.name(self.language), "en": spec.en, "zh": spec.zh})

    def read_frame(self, key: str, currency: str = "CNY") -> tuple[pd.DataFrame, list[Problem]]:
        """One record table, with the problems found in it."""
        spec = contract.sheet(key)
        name = self.sheet_name(spec)
        if name is None:
            problems = [self._missing(spec)] if spec.required and spec.role is Role.INPUT \
                else []
            return empty_frame(spec, missing=True), problems
        return read_table(spec, self.read_raw(name), self.language, currency)

    def read_inputs(self) -> Inputs:
        """Every input sheet, validated; raises ValidationError listing every problem.

        One pass: the cells of every sheet, the rules across sheets (run on what could be
        read, skipping a rule whose reference list has a problem of its own) and the
        cells planners type into output sheets, all reported together."""
        check_versions(self)  # a hand-changed approved plan version stops every command
        values, problems = self._settings()
        read = self.read_input_frames(values)
        problems.extend(read.problems)
        month_known = values.get("planning_month") is not None
        inputs = read.inputs(values if month_known else {
            **values, "planning_month": pd.Period("2000-01", "M")}, self.name)  # a stand-in
        problems.extend(check(inputs, self.language, read.columns, doubtful=read.doubtful,
                              month_known=month_known))
        problems.extend(self.planner_problems(inputs.settings))
        if problems:
            raise ValidationError([p.with_workbook(self.name) for p in problems],
                                  self.language)
        return inputs

    def read_input_frames(self, values: dict, skip: Sequence[str] = ()) -> InputFrames:
        """The input tables (the sales history from its file when Settings names one), with
        the problems found in their cells; ``skip``: tables not to read (an import
        replaces them)."""
        lang = self.language
        currency = values.get("currency") or "CNY"
        out = InputFrames({s.key: self.sheet_name(s) or s.name(lang) for s in contract.inputs()})
        for spec in contract.inputs():
            if spec.layout is not Layout.TABLE:
                continue
            if spec.key in skip:
                out.frames[spec.key] = empty_frame(spec)
                continue
            frame, found = self.read_frame(spec.key, currency)
            out.frames[spec.key] = frame
            out.columns[spec.key] = frame.attrs.get("columns", {})
            out.doubtful.update({(spec.key, c): rows
                                 for c, rows in frame.attrs.get("doubtful", {}).items()})
            # kept above, not on the frame: pandas deep-copies a frame's attrs into every
            # frame made from it (32,000 copies in a 10,000-item month)
            frame.attrs = {}
            out.problems.extend(found)
        hf = self.history_file(values)
        if hf is not None and "sales_history" not in skip:
            # history beyond the sheet's row limit, in a file beside the workbook
            frame, found, labels = history_file.read(
                hf, lang=lang, work_week=str(values.get("work_week") or "mon-fri"),
                sheet_label=out.names["settings"])
            out.problems.extend(found)
            if found:  # a history file with problems: the rules leave it alone
                out.doubtful.update({("sales_history", c): None
                                     for c in contract.sheet("sales_history").keys})
            if len(out.frames["sales_history"]):
                out.problems.append(Problem(
                    "history_both", out.names["sales_history"], None, None, None, None,
                    {"n": len(out.frames["sales_history"]), "file": hf.setting}))
            out.frames["sales_history"], out.columns["sales_history"] = frame, labels
            out.names["sales_history"] = hf.label
        return out

    def history_file(self, values: dict | None = None) -> history_file.HistoryFile | None:
        """The sales history file Settings names (beside the workbook), or None."""
        if values is None:
            values, _ = self._settings()
        path = getattr(self.backend, "path", None)
        return history_file.locate(str(values.get("history_file") or ""),
                                   Path(path) if path is not None else None)

    def planner_problems(self, settings: Settings) -> list[Problem]:
        """Problems in the cells planners type into output sheets (sop_xl.app.readback)."""
        return planner_problems(self, settings)

    def read_output_table(self, key: str) -> pd.DataFrame:
        """An output or log table as written by an earlier run (empty if absent)."""
        frame, _ = self.read_frame(key)
        return frame

    def read_output_grid(self, key: str) -> pd.DataFrame | None:
        spec = contract.sheet(key)
        name = self.sheet_name(spec)
        if name is None:
            return None
        return read_grid(spec, self.read_raw(name))

    # -- writing -------------------------------------------------------------------------
    def write(self, contents: Sequence[SheetContent], *, remove: Sequence[str] = (),
              properties: Mapping[str, str] | None = None) -> None:
        """Write output sheets in one go; an input sheet is refused before anything is
        written. ``properties``: additions to the approval record (sop_xl.app.approvals);
        by default the record's start, for a workbook that has none yet."""
        inputs = {n.lower() for s in contract.inputs() for n in s.names()}
        for c in contents:
            spec = contract.SHEETS.get(c.key or "")
            if c.name.lower() in inputs or (spec is not None and spec.role is Role.INPUT):
                raise ValidationError([Problem("output_is_input", c.name,
                                               params={"sheet": c.name})], self.language)
        # locked versions intact, plan tabs never rewritten; may refresh the register
        contents = [*contents, *check_versions(self, contents)]
        order = self._sheet_order(contents)
        if properties is None:
            properties = approvals.to_record(self)
        self._raw.clear()
        self.backend.write_sheets(contents, remove=remove, order=order,
                                  properties=properties)

    def write_inputs(self, contents: Sequence[SheetContent], *, reason: str) -> None:
        """Write an input sheet for its one sanctioned writer, with log and output sheets,
        in one atomic write.

        A run never writes inputs (ARCHITECTURE.md); the exceptions are listed by name in
        ``INPUT_WRITERS`` (sheet key → the command allowed to write it), and ``reason`` must
        name that command. Every other input sheet is still refused."""
        for c in contents:
            spec = contract.SHEETS.get(c.key or "") or contract.find_sheet(c.name)
            sanctioned = INPUT_WRITERS.get(spec.key) == reason if spec is not None else False
            if reason == IMPORT and spec is not None and spec.layout is Layout.TABLE:
                sanctioned = True
            if spec is not None and spec.role is Role.INPUT and not sanctioned:
                raise ValidationError([Problem("output_is_input", c.name,
                                               params={"sheet": c.name})], self.language)
        self._raw.clear()
        self.backend.write_sheets(contents, order=self._sheet_order(contents),
                                  properties=approvals.to_record(self))

    def _sheet_order(self, contents: Sequence[SheetContent]) -> list[str]:
        """Contract sheets in contract order, plan tabs after them in the order they were
        saved; a planner's own sheets keep their relative place after those."""
        present = self.backend.sheet_names()
        pos = {n: i for i, n in enumerate(present)}
        big = len(present) + 1
        ranked: dict[str, tuple[int, int]] = {}
        for s in contract.SHEETS.values():
            if (n := self.sheet_name(s)) is not None:
                ranked[n] = (s.order, pos[n])
        plan_order = contract.sheet("plan_tab").order
        for n in present:
            if contract.is_plan_tab(n):
                ranked.setdefault(n, (plan_order, pos[n]))
        for k, c in enumerate(contents):
            spec = contract.SHEETS.get(c.key or "")
            if spec is not None:
                ranked.setdefault(c.name, (spec.order, big + k))
        return [n for n, _ in sorted(ranked.items(), key=lambda kv: kv[1])]
