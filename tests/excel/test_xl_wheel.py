"""``pip install`` of the wheel, not an editable checkout, can build and install the add-in.

The wheel is built from this checkout and installed (without its dependencies) into a
fresh virtualenv; the dependencies come from the test environment's site-packages through
a .pth line, which adds that folder to the path but runs none of its own .pth files, so
the editable sop_xl of the test environment stays invisible. The commands then run from
an empty folder, far from the checkout's macros.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"{' '.join(cmd)}\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the bin folder of a clean virtualenv it is installed in)."""
    work = tmp_path_factory.mktemp("wheel")
    # a copy of the sources: setuptools keeps a build/ folder in the tree it builds, and
    # a stale one would hide package data the configuration forgot
    source = work / "source"
    shutil.copytree(ROOT / "sop_xl", source / "sop_xl",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--quiet", "-w", str(work / "dist"), str(source)], cwd=work)
    wheel = next((work / "dist").glob("sop_xl-*.whl"))
    env = work / "clean"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env)], cwd=work)
    python = env / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-deps", "--no-index", str(wheel)], cwd=work)
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                      "['purelib'])"], cwd=work).stdout.strip())
    (site / "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return wheel, env / "bin"


def test_the_wheel_carries_the_macros(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = [p for p in (ROOT / "sop_xl" / "excel" / "macros").iterdir()
               if not p.name.startswith(".")]
    assert {p.suffix for p in sources} >= {".bas", ".xml"}
    for source in sources:
        assert f"sop_xl/excel/macros/{source.name}" in names


def test_installed_sop_xl_builds_and_plans_an_install(installed: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    _, bin_dir = installed
    where = _run([str(bin_dir / "python"), "-c", "import sop_xl; print(sop_xl.__file__)"],
                 cwd=tmp_path).stdout
    assert str(bin_dir.parent) in where, f"sop_xl imported from {where}, not the wheel"
    out = tmp_path / "built"
    _run([str(bin_dir / "sop-xl"), "build", "--out", str(out)], cwd=tmp_path)
    assert (out / "sop_master.xlsm").stat().st_size > 10_000
    assert (out / "sop_xl.xlam").stat().st_size > 10_000
    dry = _run([str(bin_dir / "sop-xl"), "excel", "install", "--dry-run", "--for", "windows"],
               cwd=tmp_path).stdout
    assert "XLSTART" in dry and "UDF MODULES = sop_xl.excel.udfs" in dry
