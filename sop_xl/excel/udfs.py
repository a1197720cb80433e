"""Worksheet functions (UDFs) for planners: thin wrappers over the engines.

Excel sees them as ``SOP_FORECAST``, ``SOP_SAFETYSTOCK``, ``SOP_DOS``, ``SOP_ACHIEVEMENT``,
``SOP_WAPE``, ``SOP_MAPE``, ``SOP_DISAGGREGATE`` and ``SOP_LOTSIZE`` in the "S&OP"
category. The dotted names of the design (SOP.FORECAST) cannot be used: xlwings registers
a UDF as a VBA ``Function`` of the same name (sop_xl.excel.addin writes that module), and
a VBA name may not contain a period.

How xlwings calls them (Windows; UDFs need the COM server): range arguments arrive as
lists of lists (``ndim=2``) with error cells as their text ("#N/A", ``err_to_str``), so
a bad cell is reported instead of silently read as blank; a single cell arrives as a
scalar, a missing optional argument as its Python default. Functions that return a
series return a list of lists that spills as a dynamic array, in the orientation of the
range it came from (a row gives a row, a column a column).

Bad arguments: a function returns the text ``"#VALUE! <what is wrong>"`` rather than
raising. xlwings turns a raised exception into the exception's COM description in the
cell (a traceback line), not into a real #VALUE! error; the text names the argument and
the problem, and any formula computing with it still gives #VALUE!.

On Linux and macOS ``xw.func``/``xw.arg`` attach nothing and return the function, so these
are ordinary Python functions and are tested as such.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import numpy as np
import xlwings as xw

from sop_xl.contract.read import is_blank as _is_blank
from sop_xl.plan import accuracy, stock_policy
from sop_xl.plan.forecast import forecast_series
from sop_xl.plan.hierarchy import largest_remainder
from sop_xl.plan.lot_sizing import single as lot_size

__all__ = [
    "SOP_ACHIEVEMENT", "SOP_DISAGGREGATE", "SOP_DOS", "SOP_FORECAST", "SOP_LOTSIZE",
    "SOP_MAPE", "SOP_SAFETYSTOCK", "SOP_WAPE", "UDF_NAMES",
]

CATEGORY = "S&OP"
ERROR_PREFIX = "#VALUE! "


class ArgumentError(ValueError):
    """An argument a worksheet function cannot use; its text goes into the cell."""


def _cell_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a bad argument (ArgumentError, or an engine's ValueError) into "#VALUE! ..."."""

    @functools.wraps(fn)
    def guarded(*args: Any) -> Any:
        try:
            return fn(*args)
        except (ArgumentError, ValueError) as exc:
            return ERROR_PREFIX + str(exc)

    return guarded


# -- reading cells ---------------------------------------------------------------------

_ERROR_TEXTS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                "#GETTING_DATA", "#SPILL!", "#CALC!")


def _number(v: Any, what: str) -> float:
    """One cell as a number: text, blanks, booleans and dates are refused by name."""
    if isinstance(v, bool):
        raise ArgumentError(f"{what} must be a number; got {v}")
    if isinstance(v, int | float | np.integer | np.floating) and not math.isnan(float(v)):
        return float(v)
    if _is_blank(v):
        raise ArgumentError(f"{what} is blank; expected a number")
    if isinstance(v, str) and v.strip() in _ERROR_TEXTS:
        raise ArgumentError(f"{what} holds the error {v.strip()}")
    if isinstance(v, datetime | date):
        raise ArgumentError(f"{what} must be a number; got the date {v:%Y-%m-%d}")
    raise ArgumentError(f"{what} must be a number; got {v!r}")


def _whole(v: Any, what: str, minimum: int) -> int:
    x = _number(v, what)
    if x != int(x):
        raise ArgumentError(f"{what} must be a whole number; got {x:g}")
    if x < minimum:
        raise ArgumentError(f"{what} must be ≥ {minimum}; got {x:g}")
    return int(x)


def _text(v: Any, what: str, default: str) -> str:
    if _is_blank(v):
        return default
    if not isinstance(v, str):
        raise ArgumentError(f"{what} must be text; got {v!r}")
    return v.strip()


class Series:
    """A range argument as one row or one column of numbers, remembering its orientation
    so a result of a different length can be returned the same way."""

    def __init__(self, values: list[float], row: bool) -> None:
        self.values = values
        self.row = row

    @classmethod
    def read(cls, arg: Any, what: str, *, blanks: str = "error",
             min_len: int = 1) -> Series:
        """``blanks``: "error" refuses them, "nan" keeps them as NaN (skipped pairs),
        "inner_zero" trims leading and trailing blanks and reads inner ones as 0."""
        if not isinstance(arg, list | tuple):
            cells, row = [arg], False
        elif arg and all(isinstance(r, list | tuple) for r in arg):
            n_rows, n_cols = len(arg), max(len(r) for r in arg)
            if n_rows > 1 and n_cols > 1:
                raise ArgumentError(f"{what} must be one row or one column; got "
                                    f"{n_rows} rows × {n_cols} columns")
            row = n_rows == 1 and n_cols > 1
            cells = list(arg[0]) if row else [r[0] if r else None for r in arg]
        else:
            cells, row = list(arg), False
        if blanks == "inner_zero":
            filled = [i for i, v in enumerate(cells) if not _is_blank(v)]
            cells = cells[filled[0]:filled[-1] + 1] if filled else []
        values = []
        for i, v in enumerate(cells, start=1):
            if _is_blank(v) and blanks != "error":
                values.append(0.0 if blanks == "inner_zero" else math.nan)
            else:
                values.append(_number(v, f"{what} (value {i})"))
        if len([v for v in values if not math.isnan(v)]) < min_len:
            raise ArgumentError(f"{what} needs at least {min_len} number(s); got "
                                f"{len([v for v in values if not math.isnan(v)])}")
        return cls(values, row)

    def shaped(self, result: np.ndarray | list[float]) -> list[list[float]]:
        """``result`` as a row (one inner list) or a column (one value per inner list)."""
        out = [float(x) for x in np.asarray(result, dtype=float).ravel()]
        return [out] if self.row else [[x] for x in out]


# -- the functions ---------------------------------------------------------------------

@xw.func(category=CATEGORY)
@xw.arg("history", ndim=2, err_to_str=True)
@_cell_errors
def SOP_FORECAST(history: Any, horizon: Any, model: Any = "auto", season: Any = 12) -> Any:
    """Statistical forecast of a demand history (pieces per period), `horizon` periods
    ahead, as a dynamic array. Blanks inside the history are periods with no demand."""
    h = _whole(horizon, "horizon", 1)
    m = _text(model, "model", "auto")
    s = _whole(season, "season length", 1)
    y = Series.read(history, "history", blanks="inner_zero")
    if any(v < 0 for v in y.values):
        raise ArgumentError("history holds a negative quantity; demand cannot be negative")
    try:
        f = forecast_series(np.asarray(y.values), h, m, s)
    except KeyError:  # the first-pass engine looks models up by name
        raise ArgumentError(f"unknown model {m!r}") from None
    return y.shaped(f)


@xw.func(category=CATEGORY)
@xw.arg("demand", ndim=2, err_to_str=True)
@_cell_errors
def SOP_SAFETYSTOCK(demand: Any, lead_time: Any, service_level: Any) -> Any:
    """Safety stock z × σ × √(lead time), pieces. `demand` is the standard deviation of
    demand per period (one cell) or a demand history (a range, σ estimated from it);
    `lead_time` in the same periods; `service_level` such as 95%."""
    lt = _number(lead_time, "lead time")
    if lt < 0:
        raise ArgumentError(f"lead time must be ≥ 0; got {lt:g}")
    p = _number(service_level, "service level")
    if not 0 < p < 1:
        raise ArgumentError(f"service level must be between 0 and 1 (e.g. 95%); got {p:g}")
    d = Series.read(demand, "demand", blanks="nan")
    if len(d.values) == 1:
        sigma = d.values[0]
        if sigma < 0:
            raise ArgumentError(f"the demand standard deviation must be ≥ 0; got {sigma:g}")
    else:
        sigma = stock_policy.demand_sigma(d.values)
    return stock_policy.safety_stock(sigma, lt, p)


@xw.func(category=CATEGORY)
@xw.arg("demand", ndim=2, err_to_str=True)
@xw.arg("working_days", ndim=2, err_to_str=True)
@_cell_errors
def SOP_DOS(on_hand: Any, demand: Any, working_days: Any) -> Any:
    """Days of supply: on hand ÷ (Σ demand ÷ Σ working days) of the coming periods.
    `working_days` is one number for every period or a range as long as `demand`."""
    stock = _number(on_hand, "on hand")
    d = Series.read(demand, "demand").values
    days = Series.read(working_days, "working days").values
    if len(days) == 1:
        days = days * len(d)
    cover = stock_policy.days_of_supply(stock, d, days)
    if math.isnan(cover):
        return "#N/A no demand follows; the stock never runs out"
    return cover


def _paired(actual: Any, forecast: Any) -> tuple[list[float], list[float]]:
    a = Series.read(actual, "actual", blanks="nan").values
    f = Series.read(forecast, "forecast", blanks="nan").values
    if len(a) != len(f):
        raise ArgumentError(f"actual has {len(a)} periods but forecast {len(f)}")
    if not any(x == x and y == y for x, y in zip(a, f, strict=True)):
        raise ArgumentError("no period has both an actual and a forecast")
    return a, f


def _defined(value: float, why: str) -> float:
    """The engines answer NaN for an undefined measure; Excel gets the reason instead."""
    if math.isnan(value):
        raise ArgumentError(why)
    return value


@xw.func(category=CATEGORY)
@xw.arg("actual", ndim=2, err_to_str=True)
@xw.arg("forecast", ndim=2, err_to_str=True)
@_cell_errors
def SOP_ACHIEVEMENT(actual: Any, forecast: Any) -> Any:
    """Forecast achievement rate (预测达成率): Σ actual ÷ Σ forecast, periods with a blank
    in either range left out."""
    return _defined(accuracy.achievement_rate(*_paired(actual, forecast)),
                    "the forecast adds up to 0; achievement is undefined")


@xw.func(category=CATEGORY)
@xw.arg("actual", ndim=2, err_to_str=True)
@xw.arg("forecast", ndim=2, err_to_str=True)
@_cell_errors
def SOP_WAPE(actual: Any, forecast: Any) -> Any:
    """Weighted absolute percentage error: Σ|actual − forecast| ÷ Σ|actual|."""
    return _defined(accuracy.wape(*_paired(actual, forecast)),
                    "actuals add up to 0; WAPE is undefined")


@xw.func(category=CATEGORY)
@xw.arg("actual", ndim=2, err_to_str=True)
@xw.arg("forecast", ndim=2, err_to_str=True)
@_cell_errors
def SOP_MAPE(actual: Any, forecast: Any) -> Any:
    """Mean absolute percentage error over periods with a non-zero actual."""
    return _defined(accuracy.mape(*_paired(actual, forecast)),
                    "every actual is 0; MAPE is undefined")


@xw.func(category=CATEGORY)
@xw.arg("weights", ndim=2, err_to_str=True)
@_cell_errors
def SOP_DISAGGREGATE(total: Any, weights: Any, decimals: Any = 0) -> Any:
    """Split `total` in proportion to `weights` into whole units (or `decimals` places)
    that add back to the total exactly (largest remainder), as a dynamic array."""
    t = _number(total, "total")
    dec = _whole(decimals, "decimals", 0)
    w = Series.read(weights, "weights")
    return w.shaped(largest_remainder(t, w.values, dec))


_LOT_RULES = {"L4L": "L4L", "FIXED": "FIXED", "MINMULT": "MINMULT", "POQ": "POQ"}


def _lot_rule(v: Any) -> str:
    """A lot-size rule by code or by its label on the Items sheet (either language)."""
    text = _text(v, "rule", "L4L")
    if text.upper() in _LOT_RULES:
        return _LOT_RULES[text.upper()]
    from sop_xl import contract

    col = next(c for c in contract.sheet("items").columns if c.key == "lot_rule")
    choice = col.choice_for(text)
    if choice is None:
        allowed = ", ".join(c.value for c in col.choices)
        raise ArgumentError(f"rule {text!r} is not a lot-size rule; expected one of {allowed}")
    return choice.value


@xw.func(category=CATEGORY)
@_cell_errors
def SOP_LOTSIZE(qty: Any, rule: Any = "L4L", fixed: Any = 0, minimum: Any = 0,
                multiple: Any = 0) -> Any:
    """The lot ordered for a net requirement `qty` (pieces) under a lot-size rule: L4L,
    FIXED (whole multiples of `fixed`), MINMULT or POQ, then raised to `minimum` and
    rounded up to `multiple`."""
    q = _number(qty, "quantity")
    r = _lot_rule(rule)
    sizes = {}
    for name, v in (("fixed lot", fixed), ("minimum lot", minimum), ("lot multiple", multiple)):
        x = 0.0 if _is_blank(v) else _number(v, name)
        if x < 0:
            raise ArgumentError(f"{name} must be ≥ 0; got {x:g}")
        sizes[name] = x
    if r == "FIXED" and sizes["fixed lot"] <= 0:
        raise ArgumentError("rule FIXED needs a fixed lot > 0")
    return lot_size(q, r, fixed=sizes["fixed lot"], minimum=sizes["minimum lot"],
                    multiple=sizes["lot multiple"])


#: the worksheet functions, in the order the add-in declares them
UDF_NAMES: tuple[str, ...] = (
    "SOP_FORECAST", "SOP_SAFETYSTOCK", "SOP_DOS", "SOP_ACHIEVEMENT", "SOP_WAPE", "SOP_MAPE",
    "SOP_DISAGGREGATE", "SOP_LOTSIZE",
)
