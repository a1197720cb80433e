"""A1 addresses (after openpyxl's utils/cell.py: small pure functions)."""

from __future__ import annotations

import re
from functools import lru_cache

_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=20000)
def col_letter(col: int) -> str:
    """0-based column index → letters: 0 → "A", 26 → "AA"."""
    if col < 0:
        raise ValueError(col)
    out = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    """Letters → 0-based column index: "A" → 0."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def cell_ref(row: int, col: int, absolute: bool = False) -> str:
    """0-based row and column → "B3" (or "$B$3")."""
    if absolute:
        return f"${col_letter(col)}${row + 1}"
    return f"{col_letter(col)}{row + 1}"


def parse_ref(ref: str) -> tuple[int, int]:
    """"B3" → (2, 1), 0-based."""
    m = _A1.match(ref.upper())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)) - 1, col_index(m.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """"A1:C4" → (top, left, bottom, right), 0-based inclusive."""
    first, _, last = ref.partition(":")
    r0, c0 = parse_ref(first)
    r1, c1 = parse_ref(last) if last else (r0, c0)
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def quote_sheet(name: str) -> str:
    """A sheet name as it must appear in a formula: 'Plan 2026' → "'Plan 2026'"."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) and not _A1.match(name.upper()):
        return name
    return "'" + name.replace("'", "''") + "'"
