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
