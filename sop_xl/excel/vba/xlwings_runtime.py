"""The xlwings VBA runtime (RunPython and friends), embedded at build time.

How the runtime gets into our workbooks: the build copies xlwings' own VBA modules out
of the *installed* xlwings package into the VBA project, the way
``xlwings quickstart --standalone`` does; they are never committed to this repository.

* sop_master.xlsm gets ``xlwings.bas``: the standalone module, which works on
  ``ThisWorkbook`` (the master itself).
* sop_xl.xlam gets ``xlwings_custom_addin.bas``: the same runtime for custom add-ins,
  which works on ``ActiveWorkbook`` (the planner's workbook, not the add-in).
* In both, the ``PROJECT_NAME`` constant names the configuration the runtime reads: the
  sheet "<name>.conf" in the workbook, "<name>.conf" beside it, then the user's
  ``~/.<name>/<name>.conf``. We set it to our own "sop_xl", so that installing sop_xl
  never changes what another xlwings tool (whose file is ~/.xlwings/xlwings.conf) runs.
* Both get ``Dictionary.cls``, which xlwings uses instead of Scripting.Dictionary on
  macOS (``#If Mac``); on Windows it is compiled but unused.

Why embed rather than reference the xlwings add-in: a planner then needs only Python
with sop_xl + xlwings, not the xlwings add-in installed in Excel; there is no
REFERENCEPROJECT with a machine-specific path in the VBA project; and the VBA runtime
always matches the xlwings version of the build environment (the VBA looks for the
xlwings DLL of its own version). The cost: rebuild the workbooks (``sop-xl build``)
after upgrading xlwings. Everything comes from files on disk, so the build is offline.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sop_xl.excel.vba.project import VbaModule

#: Config name both workbooks use: ~/.sop_xl/sop_xl.conf and a "sop_xl.conf" sheet.
CONFIG_NAME = "sop_xl"

_VERSION_LINE = re.compile(r"^'Version: (\S+)\r?$", re.MULTILINE)
_PROJECT_NAME = re.compile(r'^(Public Const PROJECT_NAME As String = )"[^"]*"', re.M)


@dataclass(frozen=True)
class XlwingsRuntime:
    """The VBA modules of one xlwings version, for a workbook or for an add-in."""

    version: str
    modules: tuple[VbaModule, ...]


def xlwings_package_dir() -> Path:
    """Folder of the installed xlwings package, found without importing it."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise RuntimeError("xlwings is not installed; the build embeds its VBA runtime")
    return Path(spec.origin).parent


def load_runtime(*, addin: bool, package_dir: Path | None = None) -> XlwingsRuntime:
    """Read the xlwings VBA modules for a workbook (``addin=False``) or an add-in."""
    pkg = package_dir or xlwings_package_dir()
    main_file = pkg / ("xlwings_custom_addin.bas" if addin else "xlwings.bas")
    dictionary_file = pkg / "addin" / "Dictionary.cls"
    for f in (main_file, dictionary_file):
        if not f.is_file():
            raise RuntimeError(f"xlwings VBA runtime file missing: {f}")
    text = main_file.read_bytes().decode("cp1252")
    m = _VERSION_LINE.search(text)
    if not m:
        raise RuntimeError(f"no 'Version: line in {main_file}")
    version = m.group(1)
    if package_dir is None:
        installed = metadata.version("xlwings")
        if installed != version:
            raise RuntimeError(f"{main_file} is for xlwings {version}, installed {installed}")
    text, n = _PROJECT_NAME.subn(rf'\1"{CONFIG_NAME}"', text)
    if n != 1:
        raise RuntimeError(f"expected one PROJECT_NAME constant in {main_file}, found {n}")
    main = VbaModule.from_bas(text)
    dictionary = VbaModule.from_file(dictionary_file)
    return XlwingsRuntime(version, (main, dictionary))
