"""The Plant column of the supply sheets when a workbook plans several plants.

The engines plan item × plant nodes named ``ITEM@PLANT`` (sop_xl.plan.network); the sheets
keep that name in their Item column, so what a planner types there (a firmed MPS cell, a
firm planned order) reads back to its node, and add a Plant column to filter on (grids
repeat it on every row of a block, so the AutoFilter keeps whole blocks). A workbook with
one plant gets no such column: its sheets are exactly as before.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from sop_xl.base.messages import message
from sop_xl.contract.cells import col_letter
from sop_xl.contract.model import Column, SheetSpec
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.grid import FIRST_ROW, HEADER_ROW, Grid, GridMap
from sop_xl.layout.sheet import Box, SheetContent

PLANT = Column("plant", "Plant", "工厂", width=9)
SOURCE = Column("source_plant", "Source plant", "调出工厂", width=10,
                help_en="A transfer order: the plant that ships it.",
                help_zh="调拨单：发货的工厂。")


def planned_per_plant(inputs: Inputs) -> bool:
    """Are these the inputs of a plan per plant (items are nodes)?"""
    return "plant" in inputs.items


def plant_of(inputs: Inputs, keys: pd.Index | np.ndarray | list) -> np.ndarray:
    """The plant of each node in ``keys``; a resource's plant (Resources); "" otherwise."""
    it = inputs.items
    by_node = pd.Series(it["plant"].to_numpy(object), index=it["item"].astype(str))
    res = inputs.resources
    if "plant" in res and len(res):
        by_node = pd.concat([by_node, pd.Series(
            res["plant"].to_numpy(object), index=res["resource"].astype(str))])
        by_node = by_node[~by_node.index.duplicated()]
    got = pd.Index(pd.Series(keys, dtype=object).astype(str)).map(by_node)
    return np.asarray(pd.Series(got, dtype=object).where(lambda s: s.notna(), ""),
                      dtype=object)


def plant_grid(sheet: SheetContent, grid: Grid, inputs: Inputs, lang: str,
               key: str = "item", plants: list[str] | None = None) -> SheetContent:
    """``sheet`` (laid out from ``grid``) with a Plant column after its last period, the
    plant of each block's ``key`` (or ``plants``, one per block) on every row of the
    block; the AutoFilter widened to it. After the periods, so no formula or read-back
    column moves."""
    if plants is None and not planned_per_plant(inputs):
        return sheet
    lay = GridMap(grid)
    nm = len(lay.measures)
    if plants is None:
        plants = list(plant_of(inputs, [b.attrs.get(key) for b in grid.blocks]))
    width = max(len(r) for r in sheet.rows)
    _style_like(sheet, lay.attr_col.get(key, 0), width)
    for r in sheet.rows:
        r.extend([None] * (width - len(r) + 1))
    sheet.rows[HEADER_ROW][width] = PLANT.label(lang)
    for b, p in enumerate(plants):
        top = FIRST_ROW + b * nm
        for k in range(nm):
            if top + k < len(sheet.rows):
                sheet.rows[top + k][width] = p or None
    sheet.style(HEADER_ROW, width, HEADER_ROW, width, "header")
    if sheet.autofilter is not None:
        f = sheet.autofilter
        sheet.autofilter = Box(f.top, f.left, f.bottom, width)
    sheet.col_widths[width] = PLANT.width or 9
    return sheet


def _style_like(sheet: SheetContent, source: int, col: int) -> None:
    """Give column ``col`` of a grid's style matrix the styles of its key column
    ``source`` (grey text, the block's first row bold with its top border), centred: a
    printed plant otherwise runs into the last period's figures unbordered."""
    idx = sheet.style_index
    if idx is None or source >= idx.shape[1]:
        return
    if idx.shape[1] <= col:
        idx = np.hstack([idx, np.zeros((idx.shape[0], col + 1 - idx.shape[1]), idx.dtype)])
    new: dict[int, int] = {}
    for k in np.unique(idx[:, source]):
        if k:
            sheet.palette.append(sheet.palette[int(k) - 1].but(halign="center"))
            new[int(k)] = len(sheet.palette)
    idx[:, col] = [new.get(int(k), 0) for k in idx[:, source]]
    sheet.style_index = idx


def plant_table(inputs: Inputs, spec: SheetSpec, frame: pd.DataFrame, key: str = "item",
                source: bool = False) -> tuple[pd.DataFrame, list[Column] | None]:
    """A table's frame and columns with Plant (and Source plant of transfers) at the end,
    so the columns a planner types in keep their places; (frame, None) with one plant."""
    if not planned_per_plant(inputs):
        return frame, None
    cols = [*spec.columns, PLANT]
    frame = frame.assign(plant=plant_of(inputs, frame[key]) if len(frame) else [])
    if source:
        cols.append(SOURCE)
        it = inputs.items.set_index(inputs.items["item"].astype(str))
        src = pd.Series(frame[key], dtype=object).astype(str).map(it["source_plant"])
        frame = frame.assign(source_plant=src.where(src.astype(str) != "", None)
                             .to_numpy(object) if len(frame) else [])
    return frame, cols


def transfer_notes(items: pd.DataFrame, keys: pd.Index | list, lang: str) -> list[str | None]:
    """Per node of ``keys``: "transfer from HD-01, 4 working days" for a transferred
    node (its planned production or receipts are transfers in), else None."""
    if "procurement" not in items:
        return [None] * len(keys)
    it = items.set_index(items["item"].astype(str))
    out: list[str | None] = []
    for k in keys:
        k = str(k)
        if k in it.index and it.at[k, "procurement"] == "transfer":
            out.append(message("transfer_from", lang, source=it.at[k, "source_plant"],
                               days=int(it.at[k, "lead_time_days"])))
        else:
            out.append(None)
    return out


def transfer_rows(sheet: SheetContent, grid: Grid, inputs: Inputs, lang: str,
                  measure: str = "production", currency: str = "CNY") -> SheetContent:
    """``sheet`` with row ``measure`` of each node supplied by transfer labelled as a
    transfer (the measure's other label: "Planned transfer" / 计划调拨 for the MPS's
    planned production, "Planned transfers in" / 计划调入 and "Planned transfers
    shipped" / 计划调出 for the MRP's planned receipts and releases), read back as the
    same measure."""
    if not planned_per_plant(inputs) or "procurement" not in inputs.items:
        return sheet
    lay = GridMap(grid)
    if measure not in lay.offset:
        return sheet
    main, label = grid.spec.measure(measure).labels(lang, currency)[:2]
    it = inputs.items
    moved = set(it.loc[(it["procurement"] == "transfer").to_numpy(bool), "item"].astype(str))
    nm = len(lay.measures)
    relabelled = False
    for b, block in enumerate(grid.blocks):
        row = FIRST_ROW + b * nm + lay.offset[measure]
        if str(block.attrs.get("item")) in moved and row < len(sheet.rows):
            sheet.rows[row][lay.measure_col] = label
            relabelled = True
    if relabelled:   # the row's conditional formats (sop_xl.layout.grid) find it by label
        cell = f"${col_letter(lay.measure_col)}{FIRST_ROW + 1}"
        was = f'{cell}="{main}"'
        for k, cf in enumerate(sheet.cond_formats):
            if was in cf.formula:
                sheet.cond_formats[k] = dataclasses.replace(
                    cf, formula=cf.formula.replace(was, f'OR({was},{cell}="{label}")'))
    return sheet
