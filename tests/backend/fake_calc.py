"""The stand-in Excel's calculation: the formula subset sop_xl's planning grids use
(arithmetic, comparisons, SUM, MAX, MIN, ABS, IF evaluated lazily, SUMIFS with equality
criteria, references on the same or another sheet), with Excel's error values. The
SUMPRODUCT of the staleness banners in grid titles is not calculated (#NAME?). Part of
tests/backend/fake_excel.py."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sop_xl.contract.cells import col_index

if TYPE_CHECKING:
    from tests.backend.fake_excel import FakeSheet


class FakeComError(Exception):
    """Shaped like pywintypes.com_error: args[2] is the excepinfo tuple."""

    def __init__(self, text: str) -> None:
        super().__init__(-2147352567, "Exception occurred.",
                         (0, "Microsoft Excel", text, None, 0, -2146827284), None)


@dataclass(frozen=True)
class ErrorValue:
    text: str


_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv}
_CMPOPS = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
           ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne}
_REF = re.compile(r"(?:('(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?\$?([A-Z]{1,3})\$?(\d+)"
                  r"(?::\$?([A-Z]{1,3})\$?(\d+))?")
_FUNCS = {"SUMIFS": "_sumifs", "SUM": "_sum", "IF": "_if", "MAX": "_max", "MIN": "_min",
          "ABS": "_abs"}


class _CalcError(Exception):
    def __init__(self, text: str) -> None:
        self.text = text


def _python_expr(formula: str, resolve: Callable[[re.Match[str]], str]) -> str:
    """Excel formula text → a Python expression over resolved references."""
    parts = re.split(r'("[^"]*")', formula[1:])  # leave string literals alone
    out = []
    for part in parts:
        if part.startswith('"'):
            out.append(part)
            continue
        part = _REF.sub(resolve, part)
        for name, py in _FUNCS.items():
            part = re.sub(rf"\b{name}\(", f"{py}(", part)
        part = part.replace("<>", "!=")
        part = re.sub(r"(?<![<>!=])=(?!=)", "==", part)
        out.append(part)
    return "".join(out)


def evaluate(sheet: FakeSheet, formula: str, depth: int = 0) -> Any:
    """Excel: the value of a formula — arithmetic, comparisons, SUM, MAX, MIN, IF (lazy)
    and references, the subset sop_xl's planning grids use."""
    if depth > 50:
        raise _CalcError("#NUM!")
    if "#REF!" in formula:
        raise _CalcError("#REF!")
    refs: dict[str, Any] = {}

    def resolve(m: re.Match[str]) -> str:
        sheet_name = m.group(1)
        target = sheet
        if sheet_name:
            name = sheet_name.strip("'").replace("''", "'")
            try:
                target = sheet.book.sheets[name]
            except KeyError:
                raise _CalcError("#REF!") from None
        r0, c0 = int(m.group(3)) - 1, col_index(m.group(2))
        r1, c1 = (int(m.group(5)) - 1, col_index(m.group(4))) if m.group(4) else (r0, c0)
        values = []
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                v = cell_value(target, r, c, depth + 1)
                if isinstance(v, ErrorValue):
                    raise _CalcError(v.text)
                values.append(v)
        key = f"_r{len(refs)}"
        refs[key] = values if m.group(4) else values[0]
        return key

    try:
        tree = ast.parse(_python_expr(formula, resolve), mode="eval")
    except SyntaxError:
        raise _CalcError("#NAME?") from None

    def numbers(node: ast.AST) -> list[float]:
        v = run(node)
        return [x for x in (v if isinstance(v, list) else [v])
                if isinstance(x, int | float) and not isinstance(x, bool)]

    def run(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return run(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
            return node.value
        if isinstance(node, ast.Name) and node.id in refs:
            v = refs[node.id]
            return 0.0 if v is None else v
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -run(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            a, b = run(node.left), run(node.right)
            if not all(isinstance(x, int | float) for x in (a, b)):
                raise _CalcError("#VALUE!")
            if isinstance(node.op, ast.Div) and b == 0:
                raise _CalcError("#DIV/0!")
            return _BINOPS[type(node.op)](a, b)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return _CMPOPS[type(node.ops[0])](run(node.left), run(node.comparators[0]))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            fn, args = node.func.id, node.args
            if fn == "_if":  # only the branch taken is calculated
                return run(args[1]) if run(args[0]) else (run(args[2]) if len(args) > 2
                                                          else False)
            if fn == "_sumifs":  # SUMIFS(sum range, criteria range, value, ...), "=" only
                total = run(args[0])
                keep = [True] * len(total)
                for rng, crit in zip(args[1::2], args[2::2], strict=True):
                    want = str(run(crit)).lower()
                    keep = [k and str(v).lower() == want for k, v in zip(keep, run(rng),
                                                                         strict=True)]
                return float(sum(v for v, k in zip(total, keep, strict=True)
                                 if k and isinstance(v, int | float)))
            if fn == "_abs":
                return abs(run(args[0]))
            values = [x for a in args for x in numbers(a)]
            if fn == "_sum":
                return float(sum(values))
            if fn == "_max":
                return float(max(values, default=0.0))
            if fn == "_min":
                return float(min(values, default=0.0))
        raise _CalcError("#NAME?")

    out = run(tree)
    return float(out) if isinstance(out, int | float) and not isinstance(out, bool) else out


def cell_value(sheet: FakeSheet, r: int, c: int, depth: int = 0) -> Any:
    cell = sheet.cells_.get((r, c))
    if cell is None:
        return None
    if cell.formula is not None:
        try:
            return evaluate(sheet, cell.formula, depth)
        except _CalcError as e:
            return ErrorValue(e.text)
    return cell.value
