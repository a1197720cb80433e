"""Worksheet functions (UDFs) for planners: thin wrappers over the engines.

Excel sees them as ``SOP_FORECAST``, ``SOP_SAFETYSTOCK``, ``SOP_DOS``, ``SOP_ACHIEVEMENT``,
``SOP_PLANACHIEVEMENT``, ``SOP_WAPE``, ``SOP_MAPE``, ``SOP_DISAGGREGATE`` and
``SOP_LOTSIZE`` in the "S&OP"
category of Insert Function, each with a description and help for every argument. The
dotted names of the design (SOP.FORECAST) cannot be used: xlwings registers a UDF as a VBA
``Function`` of the same name (sop_xl.excel.addin writes that module), and a VBA name may
not contain a period.

How xlwings calls them (Windows; UDFs need the COM server): range arguments arrive as
lists of lists (``ndim=2``) with error cells as their text ("#N/A", ``err_to_str``), so
a bad cell is reported instead of silently read as blank; a single cell arrives as a
scalar, a missing optional argument as its Python default. Functions that return a
series return a list of lists that spills as a dynamic array, in the orientation of the
range it came from (a row gives a row, a column a column, a block a block).

Bad arguments give a real Excel error value, which IFERROR and ISERROR catch and SUM
refuses: #VALUE! for a wrong kind of argument, #NUM! for a number out of range, #DIV/0!
for a measure over a zero total, #N/A where there is no answer. xlwings can hand Python
error cells in (``err_to_str``) but has no way to return one (xlwings issue #776), so a
function returns the tagged text "#NUM! lead time must be ≥ 0; got -1" and the VBA
wrapper around it turns the tag into the error value and keeps the text for
``=SOP_WHY(cell)`` (sop_xl/excel/macros/SopErrors.bas).

On Linux and macOS ``xw.func``/``xw.arg`` attach nothing and return the function, so these
are ordinary Python functions and are tested as such; what xlwings would register for
Insert Function is in ``FUNCTIONS`` (a test replays it through xlwings' own decorators).
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import xlwings as xw

from sop_xl.contract.read import is_blank as _is_blank
from sop_xl.plan import accuracy, achievement, stock_policy
from sop_xl.plan.forecast import forecast_block
from sop_xl.plan.hierarchy import largest_remainder
from sop_xl.plan.lot_sizing import single as lot_size

__all__ = [
    "FUNCTIONS", "SOP_ACHIEVEMENT", "SOP_DISAGGREGATE", "SOP_DOS", "SOP_FORECAST",
    "SOP_LOTSIZE", "SOP_MAPE", "SOP_PLANACHIEVEMENT", "SOP_SAFETYSTOCK", "SOP_WAPE",
    "UDF_NAMES", "Argument", "FunctionHelp",
]

CATEGORY = "S&OP"
#: the error values a function can give, as their tags at the start of its text
VALUE, NUM, DIV0, NA = "#VALUE!", "#NUM!", "#DIV/0!", "#N/A"


class ArgumentError(ValueError):
    """An argument a worksheet function cannot use; ``code`` is the Excel error value the
    cell shows, the message the reason SOP_WHY gives."""

    def __init__(self, message: str, code: str = VALUE) -> None:
        super().__init__(message)
        self.code = code


# -- what Insert Function shows ------------------------------------------------------------

@dataclass(frozen=True)
class Argument:
    """One argument: its help in Insert Function (ASCII: it is written into VBA source)."""

    name: str
    help: str
    range: bool = False  # read as a block (ndim=2), error cells as their text


@dataclass(frozen=True)
class FunctionHelp:
    """What xlwings registers for a function through Application.MacroOptions."""

    name: str
    description: str
    arguments: tuple[Argument, ...]
    call_in_wizard: bool = True
    category: str = CATEGORY


#: every worksheet function's Insert Function entry, in definition order
FUNCTIONS: dict[str, FunctionHelp] = {}


def worksheet_function(*arguments: Argument,
                       call_in_wizard: bool = True) -> Callable[[Callable[..., Any]],
                                                                Callable[..., Any]]:
    """Register a UDF with xlwings (category, description = the docstring on one line,
    argument help, ``call_in_wizard``) and turn its ArgumentError into the tagged text."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        names = list(inspect.signature(fn).parameters)
        if names != [a.name for a in arguments]:
            raise TypeError(f"{fn.__name__}: help given for {[a.name for a in arguments]}, "
                            f"arguments are {names}")
        doc = " ".join((fn.__doc__ or "").split())
        if len(doc) > 255 or any(len(a.help) > 255 for a in arguments):
            raise ValueError(f"{fn.__name__}: Insert Function takes at most 255 characters "
                             "per description")
        FUNCTIONS[fn.__name__] = FunctionHelp(fn.__name__, doc, arguments, call_in_wizard)
        out = _cell_errors(fn)
        out.__doc__ = doc  # what xlwings passes to MacroOptions as the Description
        for a in reversed(arguments):
            options: dict[str, Any] = {"doc": a.help}
            if a.range:
                options.update(ndim=2, err_to_str=True)
            out = xw.arg(a.name, **options)(out)
        return xw.func(category=CATEGORY, call_in_wizard=call_in_wizard)(out)

    return decorate


def _cell_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A bad argument (ArgumentError, or an engine's ValueError) → "<error tag> <why>"."""

    @functools.wraps(fn)
    def guarded(*args: Any) -> Any:
        try:
            return fn(*args)
        except ArgumentError as exc:
            return f"{exc.code} {exc}"
        except ValueError as exc:
            return f"{VALUE} {exc}"

    return guarded


# -- reading cells -------------------------------------------------------------------------

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
        # the cell's own error goes on, as Excel's functions pass errors on
        raise ArgumentError(f"{what} holds the error {v.strip()}", v.strip()
                            if v.strip() in (VALUE, NUM, DIV0, NA) else VALUE)
    if isinstance(v, datetime | date):
        raise ArgumentError(f"{what} must be a number; got the date {v:%Y-%m-%d}")
    raise ArgumentError(f"{what} must be a number; got {v!r}")


def _whole(v: Any, what: str, minimum: int) -> int:
    x = _number(v, what)
    if x != int(x):
        raise ArgumentError(f"{what} must be a whole number; got {x:g}", NUM)
    if x < minimum:
        raise ArgumentError(f"{what} must be ≥ {minimum}; got {x:g}", NUM)
    return int(x)


def _text(v: Any, what: str, default: str) -> str:
    if _is_blank(v):
        return default
    if not isinstance(v, str):
        raise ArgumentError(f"{what} must be text; got {v!r}")
    return v.strip()


def _cells(arg: Any) -> list[list[Any]]:
    """A range argument as rows of cells (a single cell is a 1 × 1 block)."""
    if not isinstance(arg, list | tuple):
        return [[arg]]
    if arg and all(isinstance(r, list | tuple) for r in arg):
        width = max(len(r) for r in arg)
        return [list(r) + [None] * (width - len(r)) for r in arg]
    return [[v] for v in arg]


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
        rows = _cells(arg)
        n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
        if n_rows > 1 and n_cols > 1:
            raise ArgumentError(f"{what} must be one row or one column; got "
                                f"{n_rows} rows × {n_cols} columns")
        row = n_rows == 1 and n_cols > 1
        cells = rows[0] if row else [r[0] for r in rows]
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


def _history_block(arg: Any) -> tuple[np.ndarray, str]:
    """The history argument as series × periods and how to give the answer back: "row"
    (one row in), "column" (one column in) or "block" (items in rows, periods across).
    Blank cells are periods without demand; blank periods at the start or the end of every
    series (cells selected beyond the data) are left out."""
    rows = _cells(arg)
    n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
    shape = "row" if n_rows == 1 and n_cols > 1 else "column" if n_cols == 1 else "block"
    grid = [[r[0] for r in rows]] if shape == "column" else rows
    used = [c for c in range(len(grid[0])) if any(not _is_blank(r[c]) for r in grid)]
    if not used:
        raise ArgumentError("history needs at least 1 number(s); got 0")
    values = np.zeros((len(grid), used[-1] - used[0] + 1))
    for i, r in enumerate(grid):
        for j, v in enumerate(r[used[0]:used[-1] + 1]):
            where = f"history (value {j + 1})" if shape != "block" else \
                f"history (row {i + 1}, period {j + 1})"
            values[i, j] = 0.0 if _is_blank(v) else _number(v, where)
    negative = np.argwhere(values < 0)
    if negative.size:
        i, j = negative[0]
        where = "" if shape != "block" else f" in row {i + 1}"
        raise ArgumentError(f"history holds a negative quantity{where} ({values[i, j]:g}); "
                            "demand cannot be negative", NUM)
    return values, shape


# -- the functions -------------------------------------------------------------------------

@worksheet_function(
    Argument("history", "Demand per period (pieces): one row or column for one item, or a "
             "block with one item per row and periods across. Blank cells are no demand.",
             range=True),
    Argument("horizon", "How many periods to forecast, a whole number >= 1."),
    Argument("model", "auto (default: the best of several models by backtest) or a model "
             "name such as seasonal_naive, ses, holt_damped, theta, croston."),
    Argument("season", "Periods in a season (default 12 for months)."),
    call_in_wizard=False,  # model fitting: not on every keystroke in Insert Function
)
def SOP_FORECAST(history: Any, horizon: Any, model: Any = "auto", season: Any = 12) -> Any:
    """Statistical forecast of demand (pieces per period), horizon periods ahead, for one item
    or a block of items (one per row); spills a row, a column or a block."""
    h = _whole(horizon, "horizon", 1)
    m = _text(model, "model", "auto")
    s = _whole(season, "season length", 1)
    values, shape = _history_block(history)
    try:
        f = forecast_block(values, h, m, s)
    except ValueError as exc:
        if str(exc).startswith("unknown model"):
            raise ArgumentError(str(exc)) from None
        raise
    if shape == "column":
        return [[float(x)] for x in f[0]]
    return [[float(x) for x in row] for row in f]


@worksheet_function(
    Argument("demand", "The standard deviation of demand per period (one cell), or a demand "
             "history (a range) to estimate it from.", range=True),
    Argument("lead_time", "Lead time in the same periods as the demand, >= 0."),
    Argument("service_level", "Cycle service level between 0 and 1, e.g. 95%."),
)
def SOP_SAFETYSTOCK(demand: Any, lead_time: Any, service_level: Any) -> Any:
    """Safety stock in pieces: z(service level) x sigma of demand per period x square root of
    the lead time."""
    lt = _number(lead_time, "lead time")
    if lt < 0:
        raise ArgumentError(f"lead time must be ≥ 0; got {lt:g}", NUM)
    p = _number(service_level, "service level")
    if not 0 < p < 1:
        raise ArgumentError(f"service level must be between 0 and 1 (e.g. 95%); got {p:g}",
                            NUM)
    d = Series.read(demand, "demand", blanks="nan")
    if len(d.values) == 1:
        sigma = d.values[0]
        if sigma < 0:
            raise ArgumentError(f"the demand standard deviation must be ≥ 0; got {sigma:g}",
                                NUM)
    else:
        sigma = stock_policy.demand_sigma(d.values)
    return stock_policy.safety_stock(sigma, lt, p)


@worksheet_function(
    Argument("on_hand", "Stock on hand now, pieces."),
    Argument("demand", "Demand of the coming periods, pieces (a row or a column).",
             range=True),
    Argument("working_days", "Working days of each of those periods (a range as long as "
             "demand), or one number for all.", range=True),
)
def SOP_DOS(on_hand: Any, demand: Any, working_days: Any) -> Any:
    """Days of supply: on hand / (total demand / total working days) of the coming periods;
    #N/A when no demand follows."""
    stock = _number(on_hand, "on hand")
    d = Series.read(demand, "demand").values
    days = Series.read(working_days, "working days").values
    if len(days) == 1:
        days = days * len(d)
    elif len(days) != len(d):
        raise ArgumentError(f"demand has {len(d)} periods but working days {len(days)}")
    cover = stock_policy.days_of_supply(stock, d, days)
    if math.isnan(cover):
        raise ArgumentError("no demand follows; the stock never runs out", NA)
    return cover


def _paired(actual: Any, forecast: Any) -> tuple[list[float], list[float]]:
    a = Series.read(actual, "actual", blanks="nan").values
    f = Series.read(forecast, "forecast", blanks="nan").values
    if len(a) != len(f):
        raise ArgumentError(f"actual has {len(a)} periods but forecast {len(f)}")
    if not any(x == x and y == y for x, y in zip(a, f, strict=True)):
        raise ArgumentError("no period has both an actual and a forecast", NA)
    return a, f


def _defined(value: float, why: str) -> float:
    """The engines answer NaN for a measure over a zero total; Excel gets #DIV/0!."""
    if math.isnan(value):
        raise ArgumentError(why, DIV0)
    return value


_ACTUAL = Argument("actual", "Actual shipments per period, pieces (a row or a column).",
                   range=True)
_FORECAST = Argument("forecast", "The forecast of the same periods, pieces.", range=True)


@worksheet_function(_ACTUAL, _FORECAST)
def SOP_ACHIEVEMENT(actual: Any, forecast: Any) -> Any:
    """Forecast achievement rate: total actual / total forecast (100% = on target); periods
    with a blank in either range are left out."""
    return _defined(accuracy.achievement_rate(*_paired(actual, forecast)),
                    "the forecast adds up to 0; achievement is undefined")


@worksheet_function(
    Argument("planned", "Planned production per item (the frozen MPS), pieces or hours; a "
             "row or a column.", range=True),
    Argument("produced", "Production reported for the same items and month, same unit.",
             range=True),
)
def SOP_PLANACHIEVEMENT(planned: Any, produced: Any) -> Any:
    """Plan achievement: sum over the items of min(produced, planned) / total planned, so
    one item made beyond plan does not make up another's shortfall; blank = 0."""
    p = Series.read(planned, "planned", blanks="nan").values
    a = Series.read(produced, "produced", blanks="nan").values
    if len(p) != len(a):
        raise ArgumentError(f"planned has {len(p)} items but produced {len(a)}")
    p, a = np.nan_to_num(p, nan=0.0), np.nan_to_num(a, nan=0.0)
    for name, v in (("planned", p), ("produced", a)):
        if (v < 0).any():
            raise ArgumentError(f"{name} must be ≥ 0; got {float(v.min()):g}", NUM)
    return _defined(achievement.rate(p, a), "nothing is planned; achievement is undefined")


@worksheet_function(_ACTUAL, _FORECAST)
def SOP_WAPE(actual: Any, forecast: Any) -> Any:
    """Weighted absolute percentage error: total |actual - forecast| / total |actual|."""
    return _defined(accuracy.wape(*_paired(actual, forecast)),
                    "actuals add up to 0; WAPE is undefined")


@worksheet_function(_ACTUAL, _FORECAST)
def SOP_MAPE(actual: Any, forecast: Any) -> Any:
    """Mean absolute percentage error over the periods with a non-zero actual."""
    return _defined(accuracy.mape(*_paired(actual, forecast)),
                    "every actual is 0; MAPE is undefined")


@worksheet_function(
    Argument("total", "The quantity to split, e.g. a family's plan in pieces."),
    Argument("weights", "Proportional factors, one per part (a row or a column).",
             range=True),
    Argument("decimals", "Decimal places of the parts (default 0: whole pieces)."),
)
def SOP_DISAGGREGATE(total: Any, weights: Any, decimals: Any = 0) -> Any:
    """Split a total in proportion to weights into whole pieces (or decimals places) that add
    back to the total exactly (largest remainder); spills."""
    t = _number(total, "total")
    dec = _whole(decimals, "decimals", 0)
    w = Series.read(weights, "weights")
    if not sum(w.values):
        raise ArgumentError("the weights add up to 0; nothing to split by", DIV0)
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


@worksheet_function(
    Argument("qty", "The net requirement, pieces."),
    Argument("rule", "L4L (default, lot for lot), FIXED, MINMULT or POQ, or the rule's label "
             "on the Items sheet."),
    Argument("fixed", "Fixed lot size for FIXED, pieces."),
    Argument("minimum", "Minimum lot, pieces (0: none)."),
    Argument("multiple", "Lot multiple the lot is rounded up to, pieces (0: none)."),
)
def SOP_LOTSIZE(qty: Any, rule: Any = "L4L", fixed: Any = 0, minimum: Any = 0,
                multiple: Any = 0) -> Any:
    """The lot ordered for a net requirement under a lot-size rule, raised to the minimum lot
    and rounded up to the lot multiple, pieces."""
    q = _number(qty, "quantity")
    r = _lot_rule(rule)
    sizes = {}
    for name, v in (("fixed lot", fixed), ("minimum lot", minimum), ("lot multiple", multiple)):
        x = 0.0 if _is_blank(v) else _number(v, name)
        if x < 0:
            raise ArgumentError(f"{name} must be ≥ 0; got {x:g}", NUM)
        sizes[name] = x
    if r == "FIXED" and sizes["fixed lot"] <= 0:
        raise ArgumentError("rule FIXED needs a fixed lot > 0", NUM)
    return lot_size(q, r, fixed=sizes["fixed lot"], minimum=sizes["minimum lot"],
                    multiple=sizes["lot multiple"])


#: the worksheet functions, in the order the add-in declares them
UDF_NAMES: tuple[str, ...] = tuple(FUNCTIONS)
