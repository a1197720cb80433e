"""The README promises commands, an API and pictures; hold it to them."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from sop_xl.cli.main import build_parser
from sop_xl.plan.forecast import auto_forecast

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands() -> dict[str, set[str]]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    out = {}
    for name, sub in action.choices.items():
        nested = [a for a in sub._actions if getattr(a, "choices", None) and
                  isinstance(a.choices, dict)]
        out[name] = set(nested[0].choices) if nested else set()
    return out


def test_the_first_screen_gives_the_two_commands():
    first = README.split("\n## ", 1)[0]
    assert "make demo" in first and "make test" in first
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_command_the_readme_shows_exists():
    subs = _subcommands()
    shell = "\n".join(re.findall(r"```sh\n(.*?)```", README, re.S))
    lines = re.findall(r"^sop-xl ([^\n#]+)", shell, re.M)
    assert len(lines) >= 10
    for line in lines:
        words = line.split()
        for cmd in words[0].split("|"):
            assert cmd in subs, f"README shows `sop-xl {cmd}`"
            if len(words) > 1 and "|" in words[1] and subs[cmd]:
                for verb in words[1].split("|"):
                    assert verb in subs[cmd], f"README shows `sop-xl {cmd} {verb}`"


def test_the_documented_forecast_api():
    params = inspect.signature(auto_forecast).parameters
    for name in ("history", "horizon", "season_length", "executor", "levels", "analogs"):
        assert name in params
    assert list(params)[:4] == ["history", "horizon", "season_length", "executor"]


def test_pictures_exist():
    for pic in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / pic).stat().st_size > 10_000, pic


def test_every_module_the_readme_names_exists():
    named = set(re.findall(r"sop_xl/[\w/]+(?:\.(?:py|md|toml|bas|xml))?", README))
    assert "sop_xl/plan/month.py" in named and len(named) >= 15
    missing = [n for n in named if not (ROOT / n).exists()]
    assert missing == []
