"""Fixtures of the backend contract suite: one ``harness`` per backend (harnesses.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.backend.harnesses import (
    Harness,
    file_harness,
    live_excel_harness,
    live_fake_harness,
    memory_harness,
)


@pytest.fixture(scope="session")
def excel_app() -> Iterator[Any]:
    if sys.platform not in ("win32", "darwin"):
        pytest.skip("Microsoft Excel runs on Windows and macOS only")
    xw = pytest.importorskip("xlwings")
    try:
        app = xw.App(visible=False, add_book=False)
    except Exception as exc:  # no Excel installed, or it cannot be automated
        pytest.skip(f"cannot start Excel through xlwings: {exc}")
    yield app
    app.quit()


@pytest.fixture(params=["file", "memory", "live-fake",
                        pytest.param("live-excel", marks=pytest.mark.excel)])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    if request.param == "file":
        return file_harness(tmp_path)
    if request.param == "memory":
        return memory_harness()
    if request.param == "live-fake":
        return live_fake_harness()
    return live_excel_harness(request.getfixturevalue("excel_app"))
