"""The bill of materials as a graph: the cycles that make it unplannable.

Validation (contract.rules) names their rows; planning (plan.mrp) refuses them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd


def bom_cycles(bom: pd.DataFrame, rows: np.ndarray) -> Iterator[tuple[list[str], list[int]]]:
    """Each cycle of the BOM once: its path of items and the BOM rows that form it
    (``rows``: the Excel row of each BOM line). Validation and planning both use it."""
    edges: dict[str, list[tuple[str, int]]] = {}
    for p, c, r in zip(bom["parent"].astype(str), bom["component"].astype(str), rows,
                       strict=True):
        edges.setdefault(p, []).append((c, int(r)))
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    seen: set[frozenset[str]] = set()
    for root in sorted(edges):
        if state.get(root):
            continue
        path: list[tuple[str, int]] = [(root, 0)]
        stack = [iter(edges.get(root, []))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()[0]] = 2
                stack.pop()
                continue
            comp, row = nxt
            s = state.get(comp, 0)
            if s == 1:
                start = [n for n, _ in path].index(comp)
                loop = [*path[start:], (comp, row)]
                key = frozenset(n for n, _ in loop)
                if key not in seen:
                    seen.add(key)
                    yield [n for n, _ in loop], sorted(r for _, r in loop[1:])
            elif s == 0:
                state[comp] = 1
                path.append((comp, row))
                stack.append(iter(edges.get(comp, [])))


def _plant_column(bom: pd.DataFrame) -> pd.Series:
    """Each BOM line's plant as stripped text ("" for a line of every plant)."""
    if "plant" not in bom:
        return pd.Series("", index=bom.index, dtype=object)
    p = bom["plant"]
    return p.where(p.notna(), "").astype(str).str.strip()


def has_plant_lines(bom: pd.DataFrame) -> bool:
    """Whether any BOM line names a plant."""
    return bool((_plant_column(bom) != "").any())


def bom_at(bom: pd.DataFrame, plant: str) -> pd.DataFrame:
    """The BOM lines ``plant`` builds with: a parent's lines for that plant where it has
    any, else its lines without a plant (a plant-specific BOM replaces the generic one,
    as SAP's plant BOM does; usage 1 per plant)."""
    p = _plant_column(bom)
    own = p == plant
    parent = bom["parent"].astype(str)
    replaced = parent.isin(set(parent[own])) if plant else pd.Series(False, index=bom.index)
    return bom[(own & (p != "")) | ((p == "") & ~replaced)]


def plant_boms(bom: pd.DataFrame, plants: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """The BOM of every plant, one after the other, with its ``plant`` column filled:
    ``bom_at`` of each plant."""
    if not has_plant_lines(bom):   # one BOM for every plant: one copy per plant, at once
        n = len(bom)
        out = bom.iloc[np.tile(np.arange(n), len(plants))].reset_index(drop=True)
        out["plant"] = np.repeat(np.asarray(plants, dtype=object), n)
        return out
    parts = [bom_at(bom, p).assign(plant=p) for p in plants]
    return pd.concat(parts, ignore_index=True) if parts else bom.assign(plant="").iloc[:0]
