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
