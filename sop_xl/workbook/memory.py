"""An in-memory backend: sheets as lists of values. For tests and for pure Python use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sop_xl.contract.raw import RawSheet
from sop_xl.layout.sheet import Formula, SheetContent
from sop_xl.workbook.backend import Backend, check_contents, check_fits_excel

# what a formula cell holds when its computed value is one of Excel's errors
_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


class MemoryBackend(Backend):
    """Holds each sheet's values (formulas reduced to their computed value) and its
    last written ``SheetContent`` for inspection."""

    def __init__(self, name: str = "memory") -> None:
        self.name = name
        self.sheets: dict[str, list[list]] = {}
        self.contents: dict[str, SheetContent] = {}
        self.merged: dict[str, list[tuple[int, int, int, int]]] = {}  # set by tests
        self.properties: dict[str, str] = {}
        self.writes = 0

    keeps_properties = True

    def read_properties(self) -> dict[str, str]:
        return dict(self.properties)

    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def read_sheet(self, name: str) -> RawSheet:
        for n, rows in self.sheets.items():
            if n.lower() == name.lower():
                formulas, errors = {}, {}
                content = self.contents.get(n)
                for r, row in enumerate(content.rows if content else []):
                    for c, v in enumerate(row):
                        if isinstance(v, Formula):
                            formulas[(r, c)] = "=" + v.text
                            if isinstance(v.value, str) and v.value in _ERRORS:
                                errors[(r, c)] = v.value
                return RawSheet(n, [list(r) for r in rows], formulas, errors,
                                list(self.merged.get(n, [])))
        raise KeyError(name)

    def write_sheets(self, contents: Sequence[SheetContent], *, remove: Sequence[str] = (),
                     order: Sequence[str] | None = None,
                     properties: Mapping[str, str] | None = None) -> None:
        check_contents(contents)
        check_fits_excel(contents, self.name)
        # all or nothing, as the interface promises: build new dicts, swap them at the end
        sheets, kept, merged = dict(self.sheets), dict(self.contents), dict(self.merged)
        for name in remove:
            sheets.pop(name, None)
            kept.pop(name, None)
            merged.pop(name, None)
        for c in contents:
            merged.pop(c.name, None)
            sheets[c.name] = self.values(c)
            kept[c.name] = c
        if order:
            rank = {n: i for i, n in enumerate(order)}
            sheets = dict(sorted(sheets.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        self.sheets, self.contents, self.merged = sheets, kept, merged
        self.properties = {**self.properties, **(properties or {})}
        self.writes += 1

    @staticmethod
    def values(content: SheetContent) -> list[list]:
        """A sheet's cell values, formulas reduced to the value computed for them."""
        return [[v.value if isinstance(v, Formula) else v for v in row] for row in content.rows]
