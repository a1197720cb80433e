"""Shared fixtures: the small hand-checkable company as a master workbook file."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from small_company import frames  # noqa: E402

from sop_xl.template import write_master  # noqa: E402


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def small_master(tmp_path: Path) -> Path:
    f, s = frames()
    return write_master(tmp_path / "small.xlsx", f, s)


@pytest.fixture
def small_master_zh(tmp_path: Path) -> Path:
    f, s = frames()
    return write_master(tmp_path / "small_zh.xlsx", f, s, lang="zh-CN")


def soffice_available() -> bool:
    return shutil.which("soffice") is not None


def recalculate(path: Path, out_dir: Path) -> Path:
    """Open ``path`` in LibreOffice, recalculate every formula and save it as .xlsx."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir),
                    str(path)], check=True, capture_output=True, timeout=180)
    out = out_dir / (path.stem + ".xlsx")
    assert out.exists(), f"LibreOffice did not write {out}"
    return out
