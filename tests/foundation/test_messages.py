"""The message catalogue: one, complete when sop_xl.base.messages is imported, with both
languages of every message taking the same parameters."""

from __future__ import annotations

import ast
import string
import subprocess
import sys
from pathlib import Path

from sop_xl.base import messages

ROOT = Path(__file__).resolve().parents[2] / "sop_xl"
# words the supply engines still add at import, until issue 11 moves them into the catalogue
STILL_REGISTERING = {"plan/mrp.py", "plan/alerts.py"}


def test_the_catalogue_is_whole_without_importing_who_shows_it() -> None:
    code = ("from sop_xl.base.messages import codes, message; "
            "assert {'mp_title', 'ab_title', 'btn_saved', 'lock_holder', 'ribbon_done', "
            "'kpi_scope', 'file_missing'} <= codes(); "
            "print(message('mp_title', 'zh-CN', month='2026-12'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "S&OP 会议 — 2026-12"


def test_both_languages_take_the_same_parameters() -> None:
    f = string.Formatter()
    differ = {}
    for code in messages.codes():
        en, zh = messages._CATALOGUE[code]
        a = {x[1] for x in f.parse(en) if x[1]}
        b = {x[1] for x in f.parse(zh) if x[1]}
        if a != b:
            differ[code] = (a, b)
    assert differ == {}


def test_a_code_defined_twice_stops_the_build() -> None:
    catalogue = {"x": ("x", "x")}
    try:
        messages._add(catalogue, {"x": ("y", "y")})
    except KeyError as exc:
        assert "'x'" in str(exc)
    else:
        raise AssertionError("a clash went through")


def test_no_module_fills_the_catalogue_at_import() -> None:
    """Sentences live in sop_xl/base/words, not beside the code that shows them."""
    found = set()
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (
                    getattr(node.func, "id", None) == "register"
                    or getattr(node.func, "attr", None) == "register") and node.args \
                    and isinstance(node.args[0], ast.Dict):
                found.add(path.relative_to(ROOT).as_posix())
    assert found <= STILL_REGISTERING
