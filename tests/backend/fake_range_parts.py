"""The stand-in Excel's range members: fonts, borders, row and column visibility, data
validation, conditional formats and the few ``.api`` (COM) members the live backend
uses. Part of tests/backend/fake_excel.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.backend.fake_calc import FakeComError

if TYPE_CHECKING:
    from tests.backend.fake_excel import FakeRange

MAX_ROW, MAX_COL = 1048576, 16384


class _Font:
    def __init__(self, rng: FakeRange) -> None:
        object.__setattr__(self, "_r", rng)

    def __setattr__(self, key: str, value: Any) -> None:
        self._r._fmt(f"font.{key}", value)


class _Borders:
    def __init__(self, rng: FakeRange) -> None:
        self._r = rng

    def __getitem__(self, side: str) -> _Border:
        return _Border(self._r, side)


class _Border:
    def __init__(self, rng: FakeRange, side: str) -> None:
        object.__setattr__(self, "_r", rng)
        object.__setattr__(self, "_side", side)

    def __setattr__(self, key: str, value: Any) -> None:
        self._r._fmt(f"border.{self._side}.{key}", value)


class _Lines:
    def __init__(self, rng: FakeRange, kind: str) -> None:
        object.__setattr__(self, "_r", rng)
        object.__setattr__(self, "_kind", kind)

    def __setattr__(self, key: str, value: Any) -> None:
        assert key == "hidden"
        r = self._r
        r._call(f"{self._kind}.hidden")
        target = r.sheet.hidden_rows if self._kind == "rows" else r.sheet.hidden_cols
        for t, left, b, right in r.areas:
            whole = (t, b) == (0, MAX_ROW - 1) if self._kind == "rows" else (
                (left, right) == (0, MAX_COL - 1))
            if whole and not value:
                target.clear()
                continue
            span = range(t, b + 1) if self._kind == "rows" else range(left, right + 1)
            for i in span:
                (target.add if value else target.discard)(i)


class _Validation:
    def __init__(self, rng: FakeRange) -> None:
        self._r = rng

    def _set(self, kind: str, **rule: Any) -> None:
        self._r._call("validation.set")
        self._r.sheet._check_writable()
        self._r.sheet.validations.append({"address": self._r.address, "type": kind, **rule})

    def set_list(self, source: list[Any], in_cell_dropdown: bool = True) -> None:
        self._set("list", source=list(source))

    def set_whole_number(self, operator: str, a: Any, b: Any = None) -> None:
        self._set("whole", operator=operator, formula1=a, formula2=b)

    def set_decimal(self, operator: str, a: Any, b: Any = None) -> None:
        self._set("decimal", operator=operator, formula1=a, formula2=b)

    def set_date(self, operator: str, a: Any, b: Any = None) -> None:
        self._set("date", operator=operator, formula1=a, formula2=b)


class _ValidationApi:
    def __init__(self, rng: FakeRange) -> None:
        object.__setattr__(self, "_r", rng)

    def __setattr__(self, key: str, value: Any) -> None:
        r = self._r
        r._call(f"validation.{key}")
        found = [v for v in r.sheet.validations if v["address"] == r.address]
        if not found:
            raise FakeComError("no validation on this range")
        found[-1][key] = value


class _CondFormats:
    def __init__(self, rng: FakeRange) -> None:
        self._r = rng

    def add_custom(self, formula: str, *, fill_color: Any = None, font_color: Any = None,
                   font_bold: Any = None, font_italic: Any = None,
                   stop_if_true: bool = False) -> None:
        r = self._r
        r._call("cond_format.add")
        r.sheet._check_writable()
        # Excel: the new rule goes to the top; relative references are relative to the
        # active cell at the time the rule is added
        r.sheet.cond_formats.insert(0, {
            "address": r.address, "formula": formula, "fill": fill_color,
            "font_color": font_color, "bold": font_bold, "relative_to": r.sheet.active_cell})


class _RangeApi:
    def __init__(self, rng: FakeRange) -> None:
        object.__setattr__(self, "_r", rng)

    @property
    def Validation(self) -> _ValidationApi:
        return _ValidationApi(self._r)

    def AutoFilter(self) -> None:
        self._r._call("autofilter")
        self._r.sheet.filters.append(self._r.address)

    @property
    def EntireRow(self) -> _EntireRow:
        return _EntireRow(self._r)

    def __setattr__(self, key: str, value: Any) -> None:
        assert key in ("Locked", "IndentLevel"), key
        self._r._fmt({"Locked": "locked", "IndentLevel": "indent"}[key], value)


class _EntireRow:
    def __init__(self, rng: FakeRange) -> None:
        self._r = rng

    def Group(self) -> None:
        self._r._call("group")
        for t, _, b, _ in self._r.areas:
            self._r.sheet.outline.append((t, b))
