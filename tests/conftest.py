"""Shared fixtures: the small hand-checkable company as a master workbook file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
# Every package sop_xl saves in a test (and in the commands tests start) is parsed part by
# part before it replaces its target: a part that is not well-formed XML fails the test.
os.environ["SOP_XL_VERIFY_PARTS"] = "1"

from small_company import frames

from sop_xl.app.template import write_master


@pytest.fixture
def small_master(tmp_path: Path) -> Path:
    f, s = frames()
    return write_master(tmp_path / "small.xlsx", f, s)


@pytest.fixture
def small_master_zh(tmp_path: Path) -> Path:
    f, s = frames()
    return write_master(tmp_path / "small_zh.xlsx", f, s, lang="zh-CN")


@pytest.fixture(scope="session")
def demo_months(tmp_path_factory):
    """Two months of the demo company with every workbook the product writes (see
    tests/demo_months.py); built once per session, for the tests that read it."""
    sys.path.insert(0, str(Path(__file__).parent / "meeting"))
    from demo_months import build
    return build(tmp_path_factory.mktemp("demo_months"))
