"""The built workbooks' Python side: the add-in's xlwings configuration and
``build_workbooks`` for ``sop-xl build``.

How an xlwings custom add-in finds its UDFs (xlwings 0.37, xlwings_custom_addin.bas): the
add-in reads its settings from a sheet named "<PROJECT_NAME>.conf" in itself (keys in
column A from A1 down, values in column B; our PROJECT_NAME is "sop_xl", see
sop_xl.excel.vba.xlwings_runtime), then from ``~/.sop_xl/sop_xl.conf``. The key
"UDF MODULES" names the Python modules whose ``@xw.func`` functions the add-in exposes;
"INTERPRETER_WIN" / "INTERPRETER_MAC" name the Python that runs them. The VBA side of the
functions is written at build time (sop_xl.excel.udf_vba).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from sop_xl.excel.build import build_all
from sop_xl.excel.udf_vba import (
    UDF_MODULE,
    register_module,
    udf_vba_module,
)
from sop_xl.excel.vba.project import VbaModule
from sop_xl.excel.vba.xlwings_runtime import CONFIG_NAME
from sop_xl.layout.sheet import SheetContent
from sop_xl.workbook.file import FileBackend

__all__ = ["CONFIG_SHEET", "UDF_MODULE", "addin_config", "build_workbooks", "config_sheet",
           "write_config"]

#: the add-in's configuration sheet (PROJECT_NAME + ".conf"), its one sheet
CONFIG_SHEET = f"{CONFIG_NAME}.conf"


def addin_config(*, interpreter_win: str | None = None,
                 interpreter_mac: str | None = None) -> dict[str, str]:
    """The add-in's xlwings settings: its UDF module, and the Python to run when known
    (``sop-xl excel install`` sets it; without it xlwings falls back to the user's
    sop_xl.conf, then to "pythonw"/"python" on the PATH)."""
    config = {"UDF MODULES": UDF_MODULE}
    if interpreter_win:
        config["INTERPRETER_WIN"] = interpreter_win
    if interpreter_mac:
        config["INTERPRETER_MAC"] = interpreter_mac
    return config


def config_sheet(config: Mapping[str, str]) -> SheetContent:
    """The "sop_xl.conf" sheet: keys from A1 down, values beside them, no header (the
    add-in reads from A1 to the first blank)."""
    content = SheetContent(CONFIG_SHEET, [[k, v] for k, v in config.items()])
    content.col_widths = {0: 22, 1: 60}
    return content


def write_config(addin: Path, config: Mapping[str, str]) -> None:
    """Put ``config`` into the add-in's configuration sheet (replacing what was there; the
    sheet keeps its code name, so its document module stays its own)."""
    backend = FileBackend(addin)
    backend.write_sheets([config_sheet(config)])
    backend.close()


def build_workbooks(out_dir: Path | str, *, lang: str = "en") -> tuple[Path, Path]:
    """``sop-xl build``: the empty master (sop_master.xlsm, from the template) and the
    add-in (sop_xl.xlam), both with the ribbon, the macros, the xlwings runtime and the
    worksheet functions' VBA modules; the add-in configured for sop_xl.excel.udfs."""
    from sop_xl.app.template import write_template

    out = Path(out_dir)
    functions = VbaModule.from_bas(register_module())
    with tempfile.TemporaryDirectory(prefix="sop-xl-build-") as tmp:
        base = write_template(Path(tmp) / "sop_master.xlsx", lang=lang)
        xlsm, xlam = build_all(
            base, out, addin_sheet=CONFIG_SHEET,
            master_extra=[VbaModule.from_bas(udf_vba_module(addin=False)), functions],
            addin_extra=[VbaModule.from_bas(udf_vba_module(addin=True)), functions])
    write_config(xlam, addin_config())
    return xlsm, xlam
