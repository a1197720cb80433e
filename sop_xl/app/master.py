"""The master workbook as the cycle sees it: contract sheets over any backend.

Finds each contract sheet under its English or Chinese name, reads and validates all
inputs in one pass (every problem, not the first), and writes outputs while refusing to
touch an input sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import pandas as pd

from sop_xl import contract
from sop_xl.app.versions import check_versions
from sop_xl.base.errors import Problem, ValidationError
from sop_xl.contract import Layout, Role, SheetSpec
from sop_xl.contract.planning_inputs import Inputs
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
INPUT_WRITERS: dict[str, str] = {"sales_forecast": "assistants collect"}


class MasterWorkbook:
    """Contract-aware access to one workbook through a backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
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
            return empty_frame(spec), problems
        return read_table(spec, self.backend.read_sheet(name), self.language, currency)

    def read_inputs(self) -> Inputs:
        """Every input sheet, validated; raises ValidationError listing every problem."""
        check_versions(self)  # a hand-changed approved plan version stops every command
        lang = self.language
        values, problems = self._settings()
        currency = values.get("currency") or "CNY"
        frames: dict[str, pd.DataFrame] = {}
        columns: dict[str, dict] = {}
        for spec in contract.inputs():
            if spec.layout is not Layout.TABLE:
                continue
            frame, found = self.read_frame(spec.key, currency)
            frames[spec.key] = frame
            columns[spec.key] = frame.attrs.get("columns", {})
            problems.extend(found)
        if not problems:
            inputs = Inputs(settings=Settings.from_values(values), workbook=self.name,
                            sheet_names={s.key: self.sheet_name(s) or s.name(lang)
                                         for s in contract.inputs()},
                            **frames)
            problems.extend(check(inputs, lang, columns))
        if problems:
            raise ValidationError([p.with_workbook(self.name) for p in problems], lang)
        return inputs

    def read_output_table(self, key: str) -> pd.DataFrame:
        """An output or log table as written by an earlier run (empty if absent)."""
        frame, _ = self.read_frame(key)
        return frame

    def read_output_grid(self, key: str) -> pd.DataFrame | None:
        spec = contract.sheet(key)
        name = self.sheet_name(spec)
        if name is None:
            return None
        return read_grid(spec, self.backend.read_sheet(name))

    # -- writing -------------------------------------------------------------------------
    def write(self, contents: Sequence[SheetContent], *, remove: Sequence[str] = ()) -> None:
        """Write output sheets in one go; an input sheet is refused before anything is
        written."""
        inputs = {n.lower() for s in contract.inputs() for n in s.names()}
        for c in contents:
            spec = contract.SHEETS.get(c.key or "")
            if c.name.lower() in inputs or (spec is not None and spec.role is Role.INPUT):
                raise ValidationError([Problem("output_is_input", c.name,
                                               params={"sheet": c.name})], self.language)
        # locked versions intact, plan tabs never rewritten; may refresh the register
        contents = [*contents, *check_versions(self, contents)]
        order = self._sheet_order(contents)
        self.backend.write_sheets(contents, remove=remove, order=order)

    def write_inputs(self, contents: Sequence[SheetContent], *, reason: str) -> None:
        """Write an input sheet for its one sanctioned writer, with log and output sheets,
        in one atomic write.

        A run never writes inputs (ARCHITECTURE.md); the exceptions are listed by name in
        ``INPUT_WRITERS`` (sheet key → the command allowed to write it), and ``reason`` must
        name that command. Every other input sheet is still refused."""
        for c in contents:
            spec = contract.SHEETS.get(c.key or "") or contract.find_sheet(c.name)
            if spec is not None and spec.role is Role.INPUT \
                    and INPUT_WRITERS.get(spec.key) != reason:
                raise ValidationError([Problem("output_is_input", c.name,
                                               params={"sheet": c.name})], self.language)
        self.backend.write_sheets(contents, order=self._sheet_order(contents))

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
