"""The corpus of malformed master workbooks, generated from one valid master.

Every case starts from the same valid workbook (the small company of tests/small_company.py
with a note, a reason and a promotion event filled in) written by sop_xl in English or
简体中文, and changes one thing the way an ERP export, a colleague or another program
would: a cell rewritten in the sheet XML (so nothing else in the file moves), a sheet or
column removed, the file saved by LibreOffice, encrypted, truncated, or not a workbook at
all. What sop-xl must answer for each case is in cases.toml beside this file.

    python -m tests.corpus.generate OUT_DIR [--lang en zh-CN]

writes OUT_DIR/<lang>/<case>.xlsx (or .xls/.csv) for a person to open. The tests build the
corpus in a session fixture instead of committing ~120 binary files.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from corpus.producers import PRODUCER_CASES  # noqa: E402
from corpus.round_two import ROUND_TWO_CASES  # noqa: E402
from small_company import frames as small_frames  # noqa: E402

from sop_xl import contract  # noqa: E402
from sop_xl.app.template import write_master  # noqa: E402
from sop_xl.workbook.package import Package  # noqa: E402

LANGS = ("en", "zh-CN")
BASE_NAME = "_base.xlsx"  # the valid workbook every case starts from, beside the cases
P = pd.Period


def base_frames() -> tuple[dict[str, pd.DataFrame], dict]:
    """The valid company every case starts from."""
    f, s = small_frames()
    f = {k: v.copy() for k, v in f.items()}
    f["bom"] = f["bom"].astype(object)
    f["bom"].loc[0, "note"] = "main housing"
    f["sales_forecast"] = f["sales_forecast"].astype(object)
    f["sales_forecast"].loc[0, "reason"] = "trade fair in March"
    m = s["planning_month"]
    f["events"] = pd.DataFrame([["Spring promo", "item", "A", "multiply", 1.2, m + 1, m + 2,
                                 None]], columns=f["events"].columns)
    return f, dict(s)


# -- cell edits in the sheet XML --------------------------------------------------------

@dataclass(frozen=True)
class Formula:
    """A formula cell; ``cached`` None means no calculated value (never recalculated)."""

    text: str
    cached: Any = None


@dataclass(frozen=True)
class Error:
    """An error cell (#N/A, #DIV/0!), optionally the result of a formula."""

    value: str
    formula: str | None = None


class Book:
    """A workbook file's parts in memory, edited as text so that everything not edited
    stays byte for byte what sop_xl wrote."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as zf:
            self.infos = zf.infolist()
            self.parts = {i.filename: zf.read(i.filename) for i in self.infos}
        self.pkg = Package(data=path.read_bytes())

    def part_of(self, sheet: str) -> str:
        entry = self.pkg.sheet(sheet)
        assert entry is not None, sheet
        return entry.part

    def xml(self, sheet: str) -> str:
        return self.parts[self.part_of(sheet)].decode("utf-8")

    def set_xml(self, sheet: str, text: str) -> None:
        self.parts[self.part_of(sheet)] = text.encode("utf-8")

    def set(self, sheet: str, ref: str, value: Any) -> None:
        """Put ``value`` into cell ``ref``, keeping the cell's style."""
        xml = self.xml(sheet)
        cell = re.compile(rf'<c r="{ref}"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)', re.S)
        m = cell.search(xml)
        if m is None:  # no such cell yet: add it at the end of its row
            row = re.sub(r"[A-Z]+", "", ref)
            rm = re.search(rf'<row r="{row}"[^>]*?(?:/>|>.*?</row>)', xml, re.S)
            assert rm, f"{sheet}!{ref}: row {row} not in the sheet"
            new = _cell_xml(ref, "", value)
            whole = rm.group(0)
            grown = whole[:-2] + ">" + new + "</row>" if whole.endswith("/>") \
                else whole[:-6] + new + "</row>"
            self.set_xml(sheet, xml[:rm.start()] + grown + xml[rm.end():])
            return
        style = re.search(r'\ss="\d+"', m.group("attrs"))
        new = _cell_xml(ref, style.group(0) if style else "", value)
        self.set_xml(sheet, xml[:m.start()] + new + xml[m.end():])

    def after_sheet_data(self, sheet: str, text: str) -> None:
        xml = self.xml(sheet)
        self.set_xml(sheet, xml.replace("</sheetData>", "</sheetData>" + text, 1))

    def table_part(self, sheet: str) -> str | None:
        part = self.part_of(sheet)
        d, f = part.rsplit("/", 1)
        rels = self.parts.get(f"{d}/_rels/{f}.rels", b"").decode()
        m = re.search(r'Target="\.\./tables/(table\d+\.xml)"', rels)
        return f"xl/tables/{m.group(1)}" if m else None

    def save(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for info in self.infos:
                zf.writestr(info, self.parts[info.filename])
        return path


def _cell_xml(ref: str, style: str, v: Any) -> str:
    if v is None:
        return f'<c r="{ref}"{style}/>'
    if isinstance(v, Error):
        f = f"<f>{escape(v.formula)}</f>" if v.formula else ""
        return f'<c r="{ref}"{style} t="e">{f}<v>{escape(v.value)}</v></c>'
    if isinstance(v, Formula):
        f = f"<f>{escape(v.text)}</f>"
        if v.cached is None:
            return f'<c r="{ref}"{style}>{f}<v></v></c>'  # as openpyxl writes it
        if isinstance(v.cached, str):
            return f'<c r="{ref}"{style} t="str">{f}<v>{escape(v.cached)}</v></c>'
        return f'<c r="{ref}"{style}>{f}<v>{v.cached}</v></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        return f'<c r="{ref}"{style}><v>{v!r}</v></c>'
    return (f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}'
            "</t></is></c>")


# -- the cases -------------------------------------------------------------------------

@dataclass
class Builder:
    """What a case needs to make its file: the language, the valid base, helpers."""

    lang: str
    out: Path
    base: Path
    case: str

    @property
    def path(self) -> Path:
        return self.out / f"{self.case}.xlsx"

    def sheet(self, key: str) -> str:
        return contract.sheet(key).name(self.lang)

    def label(self, key: str, col: str) -> str:
        return contract.sheet(key).column(col).label(self.lang)

    def frames(self, change: Callable[[dict, dict], None]) -> Path:
        f, s = base_frames()
        change(f, s)
        return write_master(self.path, f, s, lang=self.lang, force=True)

    def cells(self, edits: dict[tuple[str, str], Any]) -> Path:
        book = Book(self.base)
        for (key, ref), value in edits.items():
            book.set(self.sheet(key), ref, value)
        return book.save(self.path)

    def book(self) -> Book:
        return Book(self.base)

    def openpyxl(self, change: Callable[[Any], None]) -> Path:
        from openpyxl import load_workbook
        wb = load_workbook(self.base)
        change(wb)
        wb.save(self.path)
        return self.path


def _other(lang: str) -> str:
    return "zh-CN" if lang == "en" else "en"


def headers_other_language(b: Builder) -> Path:
    """Items and BOM headers typed in the other language (a colleague's copy)."""
    book = b.book()
    other = _other(b.lang)
    for key in ("items", "bom"):
        spec = contract.sheet(key)
        name = b.sheet(key)
        table = book.table_part(name)
        for j, col in enumerate(spec.columns):
            ref = f"{chr(65 + j)}1"
            book.set(name, ref, col.label(other))
            if table:
                t = book.parts[table].decode()
                t = t.replace(f'name="{escape(col.label(b.lang))}"',
                              f'name="{escape(col.label(other))}"', 1)
                book.parts[table] = t.encode()
    return book.save(b.path)


def choice_other_language(b: Builder) -> Path:
    """A type and a lot-size rule typed in the other language's words."""
    other = _other(b.lang)
    fg = next(c for c in contract.sheet("items").column("item_type").choices if c.value == "FG")
    fixed = next(c for c in contract.sheet("items").column("lot_rule").choices
                 if c.value == "FIXED")
    return b.cells({("items", "C2"): fg.label(other), ("items", "I3"): fixed.label(other)})


def sheet_names_other_language(b: Builder) -> Path:
    """The Stock sheet named in the other language (references to it renamed too)."""
    pkg = Package(b.base)
    old, other = b.sheet("stock"), contract.sheet("stock").name(_other(b.lang))
    wb = pkg.text(pkg.workbook_part)
    wb = wb.replace(f'name="{old}"', f'name="{other}"', 1)
    wb = wb.replace(f"'{old}'!", f"'{other}'!").replace(f">{old}!", f">{other}!")
    pkg.write(pkg.workbook_part, wb)
    pkg.save(b.path)
    return b.path


def missing_sheet(b: Builder) -> Path:
    pkg = Package(b.base)
    pkg.put_sheets([], remove=[b.sheet("bom")])
    pkg.save(b.path)
    return b.path


def missing_column(b: Builder) -> Path:
    """Lead time deleted from Items (column H), as a planner deleting a column would."""
    def change(wb) -> None:
        ws = wb[b.sheet("items")]
        for t in list(ws.tables):
            del ws.tables[t]
        ws.delete_cols(8)
    return b.openpyxl(change)


def title_rows_above_header(b: Builder) -> Path:
    """An ERP export's title and a blank line above the Stock header."""
    def change(wb) -> None:
        ws = wb[b.sheet("stock")]
        for t in list(ws.tables):
            del ws.tables[t]
        ws.insert_rows(1, 2)
        ws["A1"] = "Stock report 2026-11-30 / 库存报表"
    return b.openpyxl(change)


def hundred_k_blank_rows(b: Builder) -> Path:
    """100,000 formatted but empty rows below the SalesHistory data."""
    book = b.book()
    name = b.sheet("sales_history")
    xml = book.xml(name)
    last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
    style = re.search(r'<c r="F2" s="(\d+)"', xml).group(1)
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="{style}"/>' for c in "ABCDEF")
                   + "</row>" for r in range(last + 1, last + 100_001))
    xml = xml.replace("</sheetData>", rows + "</sheetData>", 1)
    xml = re.sub(r'<dimension ref="A1:F\d+"/>', f'<dimension ref="A1:F{last + 100_000}"/>', xml)
    book.set_xml(name, xml)
    return book.save(b.path)


def merged_cells(b: Builder) -> Path:
    """Family of A and B merged into one cell because both are "Pumps"."""
    book = b.book()
    name = b.sheet("items")
    book.set(name, "D3", None)  # Excel keeps the top-left value of a merge only
    book.after_sheet_data(name, '<mergeCells count="1"><mergeCell ref="D2:D3"/></mergeCells>')
    return book.save(b.path)


def history_month_gap(b: Builder) -> Path:
    def change(f, s) -> None:
        h = f["sales_history"]
        f["sales_history"] = h[~h["month"].isin([P("2025-06", "M"), P("2025-07", "M")])]
    return b.frames(change)


def history_stale(b: Builder) -> Path:
    def change(f, s) -> None:
        h = f["sales_history"]
        f["sales_history"] = h[h["month"] <= P("2026-08", "M")]
    return b.frames(change)


def history_last_month_missing(b: Builder) -> Path:
    """SalesHistory ends in 2026-10 for a plan starting 2026-12: November not closed yet."""
    def change(f, s) -> None:
        h = f["sales_history"]
        f["sales_history"] = h[h["month"] <= P("2026-10", "M")]
    return b.frames(change)


def history_rows_shuffled(b: Builder) -> Path:
    def change(f, s) -> None:
        f["sales_history"] = f["sales_history"].sample(frac=1.0, random_state=3)
    return b.frames(change)


def intermittent_item(b: Builder) -> Path:
    """Item B sold nothing in three months: its rows are simply not there."""
    def change(f, s) -> None:
        h = f["sales_history"]
        gone = h["item"].eq("B") & h["month"].between(P("2026-03", "M"), P("2026-05", "M"))
        f["sales_history"] = h[~gone]
    return b.frames(change)


def duplicate_item(b: Builder) -> Path:
    def change(f, s) -> None:
        f["items"] = pd.concat([f["items"], f["items"].iloc[[1]]], ignore_index=True)
    return b.frames(change)


def bom_cycle_direct(b: Builder) -> Path:
    def change(f, s) -> None:
        f["bom"] = pd.concat([f["bom"], pd.DataFrame([["S1", "A", 1.0, 0.0, None]],
                                                     columns=f["bom"].columns)],
                             ignore_index=True)
    return b.frames(change)


def bom_cycle_three_levels(b: Builder) -> Path:
    """S1 → S2 → S3 → S1 below finished good A."""
    def change(f, s) -> None:
        it = f["items"]
        extra = pd.concat([it.iloc[[2]].assign(item="S2", description="Rotor"),
                           it.iloc[[2]].assign(item="S3", description="Shaft")])
        f["items"] = pd.concat([it, extra], ignore_index=True)
        f["bom"] = pd.concat([f["bom"], pd.DataFrame(
            [["S1", "S2", 1.0, 0.0, None], ["S2", "S3", 1.0, 0.0, None],
             ["S3", "S1", 1.0, 0.0, None]], columns=f["bom"].columns)], ignore_index=True)
    return b.frames(change)


def bom_self(b: Builder) -> Path:
    return b.cells({("bom", "B4"): "S1"})  # S1 → S1


def bom_parent_purchased(b: Builder) -> Path:
    return b.cells({("bom", "A5"): "R1"})  # R1 (purchased) → R2


def bom_component_missing(b: Builder) -> Path:
    return b.cells({("bom", "B5"): "R9"})


def fg_without_family(b: Builder) -> Path:
    return b.cells({("items", "D3"): None})


def unknown_item_in_forecast(b: Builder) -> Path:
    return b.cells({("sales_forecast", "C3"): "A-1"})


def delivered_more_than_ordered(b: Builder) -> Path:
    return b.cells({("contracts", "G2"): 45.0})


def event_ends_before_start(b: Builder) -> Path:
    return b.cells({("events", "G2"): 46054.0})  # 2026-01-31, before From 2027-01


def encrypted(b: Builder) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile
    with b.base.open("rb") as fh, b.path.open("wb") as out:
        OOXMLFile(fh).encrypt("planning", out)
    return b.path


def truncated(b: Builder) -> Path:
    data = b.base.read_bytes()
    b.path.write_bytes(data[: len(data) * 3 // 5])
    return b.path


def corrupt_part(b: Builder) -> Path:
    """A damaged byte inside the Items sheet's compressed data (bit rot, bad copy)."""
    data = bytearray(b.base.read_bytes())
    part = Package(b.base).sheet(b.sheet("items")).part
    with zipfile.ZipFile(b.base) as zf:
        info = zf.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(10):
        data[start + info.compress_size // 2 + k] ^= 0x5A
    b.path.write_bytes(bytes(data))
    return b.path


def empty_file(b: Builder) -> Path:
    b.path.write_bytes(b"")
    return b.path


def empty_workbook(b: Builder) -> Path:
    from openpyxl import Workbook
    Workbook().save(b.path)
    return b.path


def csv_by_mistake(b: Builder) -> Path:
    path = b.out / f"{b.case}.csv"
    f, _ = base_frames()
    f["items"].to_csv(path, index=False)
    return path


def xls_by_mistake(b: Builder) -> Path:
    """The master saved as Excel 97-2003 (.xls) by LibreOffice (made in ``libreoffice``)."""
    return b.out / f"{b.case}.xls"


def saved_by_libreoffice(b: Builder) -> Path:
    return b.path  # made in ``libreoffice``


def open_in_excel(b: Builder) -> Path:
    path = shutil.copy(b.base, b.path)
    user = "张伟"
    ansi = b"??"
    (b.out / f"~${b.path.name}").write_bytes(bytes([len(user)]) + ansi.ljust(53)
                                             + bytes([len(user), 0])
                                             + user.encode("utf-16-le").ljust(110, b" "))
    return Path(path)


def locked_by_other_run(b: Builder) -> Path:
    path = Path(shutil.copy(b.base, b.path))
    lock = path.with_name(path.name + ".sopxl-lock")
    lock.write_text(json.dumps({"user": "wang.fang", "host": "planning-pc-2", "pid": 4242,
                                "since": "2026-11-02 08:00:00", "command": "run",
                                "token": "corpus"}), "utf-8")
    return path


def approved_version_edited(b: Builder) -> Path:
    """A run saves plan version 001, it is approved (locked), then a planner types 999
    over a quantity on its tab."""
    from sop_xl.app import versions as plan_versions
    from sop_xl.app.cycle import CYCLE, run_steps
    from sop_xl.app.master import MasterWorkbook

    work = b.out / f".{b.case}-work"
    work.mkdir(exist_ok=True)
    path = Path(shutil.copy(b.base, work / b.path.name))
    run_steps(MasterWorkbook.open(path), CYCLE)
    plan_versions.approve(MasterWorkbook.open(path), "001")
    book = Book(path)
    book.set("V001 2026-12", "F3", 999.0)
    book.save(b.path)
    shutil.rmtree(work)
    return b.path


def injection_in_names(b: Builder) -> Path:
    """Item codes and descriptions that look like formulas, everywhere they are used."""
    def change(f, s) -> None:
        ren = {"A": "=1+1", "R2": "@SUM(A1)"}
        for key, cols in (("items", ["item", "analog_item"]), ("bom", ["parent", "component"]),
                          ("resource_usage", ["item"]), ("sales_history", ["item"]),
                          ("contracts", ["item"]), ("projects", ["item"]),
                          ("sales_forecast", ["item"]), ("stock", ["item"]),
                          ("scheduled_receipts", ["item"]), ("events", ["target"])):
            for c in cols:
                f[key][c] = f[key][c].replace(ren)
        items = f["items"].astype(object)
        items.loc[1, "description"] = "-2+3"
        items.loc[2, "description"] = "+CMD|' /C calc'!A0"
        f["items"] = items
    return b.frames(change)


def injection_in_comments(b: Builder) -> Path:
    return b.cells({("bom", "E2"): "=HYPERLINK(\"http://x.example\",\"click\")",
                    ("sales_forecast", "F2"): "@SUM(1+1)*cmd",
                    ("projects", "H2"): "-1+1",
                    ("contracts", "C2"): "+Acme"})


# cell cases: (sheet key, cell) → value; each builds on the base with one cell changed
CELL_CASES: dict[str, dict[tuple[str, str], Any]] = {
    "renamed_column": {("items", "H1"): "LT"},
    "duplicate_column": {("items", "U1"): "Item"},
    "planner_extra_column": {("items", "U1"): "Buyer's comment", ("items", "U2"): "check price"},
    "text_in_number": {("stock", "C2"): "twenty"},
    "number_as_text_with_separator": {("stock", "C2"): "1,200"},
    "decimal_comma": {("bom", "C3"): "1,5"},
    "date_iso_text": {("scheduled_receipts", "E2"): "2026-12-10"},
    "date_day_month_text": {("scheduled_receipts", "E2"): "03/04/2027"},
    "date_as_small_number": {("scheduled_receipts", "E2"): 5.0},
    "month_as_text": {("sales_forecast", "D2"): "2026-12"},
    "blank_key": {("items", "A4"): None},
    "blank_required_number": {("items", "H6"): None},
    "negative_quantity": {("stock", "C3"): -5.0},
    "absurd_quantity": {("sales_forecast", "E3"): 6901234567892.0},
    "lead_time_zero": {("items", "H5"): 0.0},
    "lead_time_negative": {("items", "H5"): -3.0},
    "lead_time_fraction": {("items", "H5"): 2.5},
    "bad_choice": {("items", "C3"): "Finished"},
    "percent_over_100": {("projects", "G2"): 1.5},
    "percent_as_text": {("projects", "G2"): "50%"},
    "error_na_value": {("items", "F4"): Error("#N/A")},
    "error_div0_formula": {("bom", "C3"): Error("#DIV/0!", "B7/B8")},
    "formula_with_value": {("items", "H2"): Formula("2+3", 5)},
    "formula_without_value": {("items", "H3"): Formula("VLOOKUP(A3,ERP!A:H,8,FALSE)")},
    "formula_empty_text": {("items", "R2"): Formula('IF(C2="Purchased part",D2,"")', "")},
    "history_future_month": {("sales_history", "B48"): 46054.0 + 365},  # 2027-01-31
    "settings_planning_month_blank": {("settings", "B3"): None},
    "settings_bad_language": {("settings", "B8"): "Français"},
    "settings_horizon_zero": {("settings", "B5"): 0.0},
}
FILE_CASES: dict[str, Callable[[Builder], Path]] = {
    "headers_other_language": headers_other_language,
    "sheet_names_other_language": sheet_names_other_language,
    "choice_other_language": choice_other_language,
    "missing_sheet": missing_sheet,
    "missing_column": missing_column,
    "title_rows_above_header": title_rows_above_header,
    "hundred_k_blank_rows": hundred_k_blank_rows,
    "merged_cells": merged_cells,
    "history_month_gap": history_month_gap,
    "history_stale": history_stale,
    "history_last_month_missing": history_last_month_missing,
    "history_rows_shuffled": history_rows_shuffled,
    "intermittent_item": intermittent_item,
    "duplicate_item": duplicate_item,
    "bom_cycle_direct": bom_cycle_direct,
    "bom_cycle_three_levels": bom_cycle_three_levels,
    "bom_self": bom_self,
    "bom_parent_purchased": bom_parent_purchased,
    "bom_component_missing": bom_component_missing,
    "fg_without_family": fg_without_family,
    "unknown_item_in_forecast": unknown_item_in_forecast,
    "delivered_more_than_ordered": delivered_more_than_ordered,
    "event_ends_before_start": event_ends_before_start,
    "encrypted": encrypted,
    "truncated": truncated,
    "corrupt_part": corrupt_part,
    "empty_file": empty_file,
    "empty_workbook": empty_workbook,
    "csv_by_mistake": csv_by_mistake,
    "xls_by_mistake": xls_by_mistake,
    "saved_by_libreoffice": saved_by_libreoffice,
    "open_in_excel": open_in_excel,
    "locked_by_other_run": locked_by_other_run,
    "approved_version_edited": approved_version_edited,
    "injection_in_names": injection_in_names,
    "injection_in_comments": injection_in_comments,
    **PRODUCER_CASES,
    **ROUND_TWO_CASES,
}
NEEDS_LIBREOFFICE = ("xls_by_mistake", "saved_by_libreoffice")


def case_ids() -> list[str]:
    return [*CELL_CASES, *FILE_CASES]


def libreoffice(jobs: list[tuple[Path, Path, str]], work: Path) -> None:
    """Convert (source, target, filter) with one soffice call per filter."""
    by_filter: dict[str, list[tuple[Path, Path]]] = {}
    for src, dst, filt in jobs:
        by_filter.setdefault(filt, []).append((src, dst))
    for k, (filt, pairs) in enumerate(by_filter.items()):
        stage = work / f"lo-in-{k}"
        stage.mkdir(parents=True, exist_ok=True)
        inputs = []
        for n, (src, _) in enumerate(pairs):
            inputs.append(shutil.copy(src, stage / f"f{n}{src.suffix}"))
        outdir = work / f"lo-out-{k}"
        subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/lo-profile",
                        "--headless", "--convert-to", filt, "--outdir", str(outdir),
                        *map(str, inputs)], check=True, capture_output=True, timeout=300)
        ext = "." + filt.split(":")[0]
        for n, (_, dst) in enumerate(pairs):
            shutil.move(outdir / f"f{n}{ext}", dst)


def generate(out: Path, langs: tuple[str, ...] = LANGS, *,
             soffice: bool | None = None) -> dict[str, dict[str, Path]]:
    """Write the corpus under ``out``/<lang>/; {lang: {case: path}}. Cases that need
    LibreOffice are left out when it is not installed."""
    if soffice is None:
        soffice = shutil.which("soffice") is not None
    result: dict[str, dict[str, Path]] = {}
    lo_jobs: list[tuple[Path, Path, str]] = []
    work = Path(tempfile.mkdtemp(prefix="sopxl-corpus-"))
    try:
        for lang in langs:
            d = out / lang
            d.mkdir(parents=True, exist_ok=True)
            f, s = base_frames()
            base = write_master(work / f"base-{lang}.xlsx", f, s, lang=lang, force=True)
            shutil.copy(base, d / BASE_NAME)
            made: dict[str, Path] = {}
            for case, edits in CELL_CASES.items():
                made[case] = Builder(lang, d, base, case).cells(copy.deepcopy(edits))
            for case, make in FILE_CASES.items():
                if case in NEEDS_LIBREOFFICE and not soffice:
                    continue
                made[case] = make(Builder(lang, d, base, case))
            if soffice:
                lo_jobs.append((base, made["xls_by_mistake"], "xls:MS Excel 97"))
                lo_jobs.append((base, made["saved_by_libreoffice"],
                                "xlsx:Calc MS Excel 2007 XML"))
            result[lang] = made
        if lo_jobs:
            libreoffice(lo_jobs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--lang", nargs="+", default=list(LANGS), choices=LANGS)
    args = ap.parse_args()
    t0 = time.perf_counter()
    made = generate(args.out, tuple(args.lang))
    n = sum(len(v) for v in made.values())
    print(f"wrote {n} files under {args.out} in {time.perf_counter() - t0:.1f} s")
    if os.environ.get("SOP_XL_CORPUS_LIST"):
        for lang, cases in made.items():
            for case, path in cases.items():
                print(lang, case, path)


if __name__ == "__main__":
    main()
