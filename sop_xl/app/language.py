"""Switch a master workbook between English and 简体中文 (the ribbon's Language buttons).

What changes, in one write through the workbook's backend:

* Settings and every input sheet: renamed to the other language and relabelled — header
  labels, dropdown choices shown in cells, Settings labels, units and descriptions,
  dropdown lists, prompts — while every typed value, formula, extra column and extra row
  of the planner's stays as it is (nothing goes through validation, so nothing is lost,
  even in a half-filled workbook). The Settings language becomes the new one.
* Output and log sheets, when the inputs are valid: written again in the new language
  from the same inputs (the statistical forecast is read back, not refitted; what the
  planner typed into editable grid rows is kept, as in any run), under their new names.
  When the inputs are not valid, output sheets keep their language until the next switch.
* Plan version tabs never change (they are content-hashed records).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sop_xl import contract
from sop_xl import layout as sheets
from sop_xl.app.master import MasterWorkbook
from sop_xl.base import messages
from sop_xl.base.errors import SopXlError, ValidationError
from sop_xl.base.messages import LANGUAGES
from sop_xl.contract import Layout, Role, SheetSpec
from sop_xl.contract.model import Column, normalise_header
from sop_xl.contract.raw import RawSheet
from sop_xl.contract.read import find_header, is_blank, read_settings
from sop_xl.layout.render import (
    input_validations,
    number_style,
    settings_content,
    table_name,
    width_of,
)
from sop_xl.layout.sheet import Box, Formula, SheetContent, TableDef

__all__ = ["LanguageReport", "switch_language"]


@dataclass
class LanguageReport:
    lang: str
    renamed: dict[str, str] = field(default_factory=dict)  # old name -> new name
    relabelled: list[str] = field(default_factory=list)
    outputs_rewritten: bool = False
    problems: str = ""

    def message(self) -> str:
        text = messages.message("language_done", self.lang, n=len(self.relabelled))
        if not self.outputs_rewritten:
            text += "\n" + messages.message("language_outputs_kept", self.lang)
        return text


def switch_language(book: MasterWorkbook, lang: str) -> LanguageReport:
    """Put ``book`` in ``lang`` ("en" or "zh-CN"); see the module docstring."""
    if lang not in LANGUAGES:
        raise SopXlError(messages.message("language_unknown", book.language, value=repr(lang)))
    currency = _currency(book)
    report = LanguageReport(lang)
    contents: list[SheetContent] = []
    for spec in contract.inputs():
        old = book.sheet_name(spec)
        if old is None:
            continue
        raw = book.backend.read_sheet(old)
        if spec.layout is Layout.SETTINGS:
            contents.append(_settings(spec, raw, lang, currency))
        elif spec.layout is Layout.TABLE:
            contents.append(_table(spec, raw, lang, currency))
        else:
            continue
        report.relabelled.append(spec.name(lang))
        if old != spec.name(lang):
            report.renamed[old] = spec.name(lang)
    outputs = _outputs(book, lang, currency)
    if outputs is not None:
        report.outputs_rewritten = True
        for c in outputs:
            old = book.sheet_name(contract.sheet(c.key)) if c.key else None
            if old is not None and old != c.name:
                report.renamed[old] = c.name
            report.relabelled.append(c.name)
        contents.extend(outputs)
    order = [c.name for c in sorted(contents, key=lambda c: contract.sheet(c.key).order
                                    if c.key in contract.SHEETS else 10_000)]
    book.backend.write_sheets(contents, remove=list(report.renamed), order=order)
    return report


def _currency(book: MasterWorkbook) -> str:
    spec = contract.sheet("settings")
    name = book.sheet_name(spec)
    if name is None:
        return "CNY"
    values, _ = read_settings(spec, book.backend.read_sheet(name))
    return str(values.get("currency") or "CNY")


def _cell(raw: RawSheet, r: int, c: int) -> Any:
    """A raw cell as content: a formula keeps its formula and its value."""
    row = raw.rows[r] if r < len(raw.rows) else []
    v = row[c] if c < len(row) else None
    f = raw.formulas.get((r, c))
    if f is not None:
        return Formula(f[1:] if f.startswith("=") else f, None if v == "" else v)
    if (r, c) in raw.errors:
        return raw.errors[(r, c)]
    return None if v == "" else v


def _translate_choice(col: Column, v: Any, lang: str) -> Any:
    if not col.choices or is_blank(v) or isinstance(v, Formula):
        return v
    choice = col.choice_for(str(v))
    return choice.label(lang) if choice is not None else v


def _table(spec: SheetSpec, raw: RawSheet, lang: str, currency: str) -> SheetContent:
    """An input table relabelled; values, formulas and the planner's columns kept."""
    if not raw.rows:
        return sheets.table_content(spec, None, lang, currency=currency, editable=True)
    hr = find_header(raw, spec)
    n_cols = max(len(r) for r in raw.rows)
    rows = [[_cell(raw, r, c) for c in range(n_cols)] for r in range(len(raw.rows))]
    while len(rows) < hr + 2:  # a Table needs a row below its header
        rows.append([None] * n_cols)
    by_header = {h: col for col in spec.columns for h in col.accepted_headers()}
    mapped: dict[int, Column] = {}
    for c, h in enumerate(rows[hr]):
        col = None if is_blank(h) else by_header.get(normalise_header(h))
        if col is not None and col.key not in {m.key for m in mapped.values()}:
            mapped[c] = col
            rows[hr][c] = col.label(lang, currency)
    for c, col in mapped.items():
        for r in range(hr + 1, len(rows)):
            rows[r][c] = _translate_choice(col, rows[r][c], lang)
    content = SheetContent(spec.name(lang), rows, key=spec.key, tab_color=spec.tab_color,
                           freeze=(hr + 1, 0))
    last = len(rows) - 1
    content.style(hr, 0, hr, n_cols - 1, "header")
    for c, col in mapped.items():
        content.style(hr + 1, c, last, c, number_style(col).but(locked=False))
        content.col_widths[c] = width_of(col, rows[hr][c])
        for v in input_validations([col], lang, hr + 1, max(last, 1000), currency):
            content.validations.append(type(v)(Box(v.box.top, c, v.box.bottom, c), v.kind,
                                               v.choices, v.minimum, v.maximum, v.prompt,
                                               v.error, v.allow_blank))
    header = rows[hr]
    names = [str(h).strip().lower() for h in header if not is_blank(h)]
    if len(names) == n_cols and len(set(names)) == n_cols and hr == 0:
        # an Excel Table needs a text header in every column, each once
        content.table = TableDef(table_name(spec.key), Box(hr, 0, last, n_cols - 1))
    return content


def _settings(spec: SheetSpec, raw: RawSheet, lang: str, currency: str) -> SheetContent:
    """Settings re-rendered in ``lang`` from the typed values (unchecked: kept as typed)
    with the language set; rows that are not settings are kept below them."""
    by_name = {h: col for col in spec.columns for h in col.accepted_headers()}
    values: dict[str, Any] = {}
    extra: list[list[Any]] = []
    for r, row in enumerate(raw.rows[1:], start=1):
        if not row or all(is_blank(v) for v in row):
            continue
        col = None if is_blank(row[0]) else by_name.get(normalise_header(row[0]))
        if col is None:
            extra.append([_cell(raw, r, c) for c in range(len(row))])
            continue
        v = _cell(raw, r, 1)
        if col.choices and not is_blank(v) and not isinstance(v, Formula):
            choice = col.choice_for(str(v))
            v = choice.value if choice is not None else v
        values[col.key] = v
    values["language"] = lang
    content = settings_content(spec, values, lang, currency)
    content.rows.extend(extra)  # a planner's own lines, below the settings
    return content


def _outputs(book: MasterWorkbook, lang: str, currency: str) -> list[SheetContent] | None:
    """Output and log sheets present, built again in ``lang``; None if inputs are invalid."""
    from sop_xl.app.cycle import STEPS, PlanRun, build

    present = {s.key for s in contract.outputs() if book.sheet_name(s) is not None}
    if not present:
        return []
    try:
        inputs = book.read_inputs()
    except ValidationError:
        return None
    # the cycle's own steps, in the new language, for the sheets the workbook holds
    run = PlanRun(book, inputs, refresh_forecast=False, lang=lang)
    # formulas read the sheets rewritten here, under their new names
    run.sheet_names = {k: contract.sheet(k).name(lang) for k in present}
    keys = [step.key for step in STEPS if step.key != "version" and present & set(step.sheets)] \
        if "stat_forecast" in present else []  # without a stored forecast nothing follows
    out = [c for c in build(run, keys, exceptions="exceptions" in present).contents
           if c.key in present]
    built = {c.key for c in out}  # some steps rebuild a log themselves (ForecastArchive)
    for spec in contract.outputs():
        if (spec.role is Role.LOG and spec.key in present and spec.key != "plan_tab"
                and spec.layout is Layout.TABLE and spec.key not in built):
            frame = book.read_output_table(spec.key).drop(columns="_row", errors="ignore")
            out.append(sheets.log_sheet(inputs, spec.key, frame, lang, currency))
    for c in out:
        c.name = contract.sheet(c.key).name(lang)
    return out
