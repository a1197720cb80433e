"""Setting sop_xl up for Excel users: ``sop-xl excel install`` and the Check Setup report.

Install puts the add-in (sop_xl.xlam) in Excel's per-user startup folder (XLSTART), so it
opens with Excel, and writes into its "sop_xl.conf" sheet the Python to run
(INTERPRETER_WIN on Windows, INTERPRETER_MAC on macOS) and the worksheet functions'
module ("UDF MODULES"). It also sets the interpreter in the user's sop_xl.conf
(``~/.sop_xl/sop_xl.conf``; the same format as xlwings' own ``~/.xlwings/xlwings.conf``,
which stays untouched), which is where the master workbook sop_master.xlsm looks, since a
planner's workbook should not carry one machine's Python path; other lines are kept.

That file is read by xlwings' VBA (``Open … For Input`` and ``Input #``), which turns its
bytes into text with the ANSI code page of Windows (cp936 on a Simplified Chinese system,
cp1252 on a Western one), so it is written in that code page, CRLF, as VBA's ``Write #``
writes it. A path the code page cannot hold (a Chinese user name on a Western system) is
written as its 8.3 short form when Windows has one, else install refuses and says why.
Excel does not run on Linux: there install refuses, and ``--dry-run`` shows what it would
do on Windows or macOS.
"""

from __future__ import annotations

import locale
import os
import platform
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from sop_xl.app.master import MasterWorkbook
from sop_xl.base import messages
from sop_xl.base.errors import SopXlError, ValidationError
from sop_xl.excel.addin import CONFIG_SHEET, addin_config, build_workbooks, write_config
from sop_xl.excel.vba.xlwings_runtime import CONFIG_NAME

__all__ = ["Environment", "InstallPlan", "check_setup_report", "config_encoding",
           "environment", "install", "path_for_config", "plan_install", "validation_summary",
           "write_user_config"]

#: xlwings APIs the live backend uses (data validation, conditional formats) came in 0.37.5
MIN_XLWINGS = (0, 37, 5)
ADDIN_FILE = "sop_xl.xlam"
# Office 2016+ for Mac runs sandboxed; its startup folder lives in the Office group container
MAC_XLSTART = ("Library/Group Containers/UBF8T346G9.Office/User Content.localized/"
               "Startup.localized/Excel")
# where xlwings' VBA looks on macOS: GetMacDir("$HOME") is the sandbox's Data folder
MAC_USER_CONFIG = f"Library/Containers/com.microsoft.Excel/Data/{CONFIG_NAME}.conf"
# sandboxed Excel for Mac may run only AppleScripts from here; xlwings' RunPython needs its
# own (what `xlwings runpython install` copies)
MAC_APP_SCRIPTS = "Library/Application Scripts/com.microsoft.Excel"


# -- the Check Setup report -------------------------------------------------------------

@dataclass(frozen=True)
class Environment:
    """The software a ribbon button runs on."""

    python: str
    executable: str
    system: str
    versions: dict[str, str] = field(default_factory=dict)  # distribution -> version
    excel: str | None = None


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        from sop_xl import __version__

        return __version__ if dist == "sop_xl" else "not installed"


def environment(excel: str | None = None) -> Environment:
    """This Python and the versions of what sop_xl needs; ``excel`` from ``app.version``."""
    dists = ("sop_xl", "xlwings", "pandas", "numpy", "statsmodels", "openpyxl",
             "python-calamine")
    return Environment(platform.python_version(), sys.executable,
                       f"{platform.system()} {platform.release()}",
                       {d: _version(d) for d in dists}, excel)


def _parse_version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def validation_summary(book: MasterWorkbook) -> str:
    """What ``sop-xl validate`` prints: a one-line summary, or ValidationError listing
    every problem."""
    inputs = book.read_inputs()
    return messages.message("validate_ok", book.language, book=book.name,
                            items=len(inputs.items), bom=len(inputs.bom),
                            history=len(inputs.sales_history),
                            month=str(inputs.settings.planning_month))


def check_setup_report(env: Environment, book: MasterWorkbook | None,
                       lang: str = "en") -> str:
    """The Check Setup text: versions, a warning for an xlwings too old, and the
    workbook's validation (every problem, or the summary)."""
    def m(code: str, **kw: str) -> str:
        return messages.message(code, lang, **kw)

    lines = [m("setup_title"), "",
             f"Python {env.python} ({env.executable})",
             f"sop_xl {env.versions.get('sop_xl', '?')}",
             f"xlwings {env.versions.get('xlwings', '?')}",
             f"Excel {env.excel or m('setup_no_excel')}",
             f"{env.system}"]
    others = [f"{d} {v}" for d, v in env.versions.items() if d not in ("sop_xl", "xlwings")]
    lines.append(", ".join(others))
    have = env.versions.get("xlwings", "0")
    if _parse_version(have) < MIN_XLWINGS:
        lines.append("! " + m("setup_old_xlwings", have=have,
                              need=".".join(map(str, MIN_XLWINGS))))
    if book is not None:
        lines += ["", f"{m('setup_workbook')}: {book.name} ({m('setup_language')}: "
                      f"{book.language})"]
        try:
            lines.append(validation_summary(book))
        except ValidationError as exc:
            lines.append(exc.render(lang))
        except SopXlError as exc:
            lines.append(exc.render(lang))
    return "\n".join(lines)


# -- install ----------------------------------------------------------------------------

@dataclass
class InstallPlan:
    """Where the add-in goes and what configuration is written, for one platform."""

    system: str                       # "windows" or "macos"
    addin_target: PurePath
    interpreter: str
    user_config_file: PurePath | None
    addin_source: Path | None = None  # a built add-in; None: build one when installing
    applescript_dir: PurePath | None = None  # macOS: where xlwings' AppleScript goes

    @property
    def config(self) -> dict[str, str]:
        key = "interpreter_win" if self.system == "windows" else "interpreter_mac"
        return addin_config(**{key: self.interpreter})

    @property
    def interpreter_key(self) -> str:
        return "INTERPRETER_WIN" if self.system == "windows" else "INTERPRETER_MAC"

    def describe(self) -> str:
        source = str(self.addin_source) if self.addin_source else \
            "a freshly built sop_xl.xlam (sop-xl build)"
        lines = [f"1. copy {source}", f"   to {self.addin_target}",
                 f"2. write its {CONFIG_SHEET} sheet:"]
        lines += [f"     {k} = {v}" for k, v in self.config.items()]
        step = 3
        if self.user_config_file is not None:
            where = ("in the Windows ANSI code page" if self.system == "windows" else "in UTF-8")
            lines += [f"{step}. set {self.interpreter_key} = {self.interpreter}",
                      f"   in {self.user_config_file} ({where}, as xlwings' VBA reads it; "
                      "other lines kept; ~/.xlwings/xlwings.conf is not touched)"]
            step += 1
        if self.applescript_dir is not None:
            lines += [f"{step}. copy xlwings' {_applescript_name()} (RunPython in sandboxed "
                      f"Excel)", f"   to {self.applescript_dir}"]
        lines.append("Then restart Excel: the S&OP tab appears on the ribbon.")
        if self.system == "windows":
            lines.append("The worksheet functions (=SOP_FORECAST(...) and the other SOP_ "
                         "functions) work in any workbook.")
        else:
            lines.append("The worksheet functions (SOP_...) need Excel on Windows: xlwings "
                         "runs them only there.")
        return "\n".join(lines)


def current_system() -> str:
    return {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")


def plan_install(system: str | None = None, *, directory: Path | None = None,
                 home: PurePath | None = None, appdata: str | None = None,
                 interpreter: str | None = None, addin: Path | None = None,
                 user_config: bool = True) -> InstallPlan:
    """The install for ``system`` ("windows" or "macos"; default: this machine)."""
    system = system or current_system()
    if system == "linux":
        raise SopXlError(messages.message("install_linux"))
    python = interpreter or sys.executable
    # paths of the target system, also when a dry run shows them from another one
    if system == "windows":
        native = sys.platform == "win32"
        home = home or (Path.home() if native else PureWindowsPath(r"C:\Users\you"))
        folder = PureWindowsPath if not native else Path
        appdata = appdata or os.environ.get("APPDATA") or str(folder(home) / "AppData" /
                                                              "Roaming")
        startup = directory or folder(appdata) / "Microsoft" / "Excel" / "XLSTART"
        conf = folder(home) / f".{CONFIG_NAME}" / f"{CONFIG_NAME}.conf"
    elif system == "macos":
        native = sys.platform == "darwin"
        home = home or (Path.home() if native else PurePosixPath("/Users/you"))
        folder = PurePosixPath if not native else Path
        startup = directory or folder(home) / MAC_XLSTART
        conf = folder(home) / MAC_USER_CONFIG
        scripts = folder(home) / MAC_APP_SCRIPTS
    else:
        raise SopXlError(f"unknown system {system!r}; expected windows or macos")
    return InstallPlan(system, startup / ADDIN_FILE, python, conf if user_config else None,
                       addin, scripts if system == "macos" else None)


def _applescript_name() -> str:
    return f"xlwings-{_version('xlwings')}.applescript"


def merge_user_config(text: str, values: dict[str, str]) -> str:
    """Config lines ("KEY","VALUE", as VBA's Write # makes them, CRLF) with ``values``
    set: a key's line replaced, others kept, new keys appended."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    wanted = {k.upper(): v for k, v in values.items()}
    out = []
    for ln in lines:
        m = re.match(r'^"([^"]*)"', ln)
        key = m.group(1).upper() if m else None
        if key in wanted:
            out.append(f'"{key}","{wanted.pop(key)}"')
        else:
            out.append(ln)
    out += [f'"{k}","{v}"' for k, v in wanted.items()]
    return "\r\n".join(out) + "\r\n"


def config_encoding(system: str) -> str:
    """The encoding xlwings' VBA reads the user's .conf file in: on Windows the ANSI code
    page (``locale.getencoding()``, whatever Python's own UTF-8 mode says); on macOS
    UTF-8, the encoding of Mac file names (not verified in Excel, see the README)."""
    if system == "windows":
        return locale.getencoding() if sys.platform == "win32" else "cp1252"
    return "utf-8"


def _short_path(path: str) -> str | None:
    """Windows' 8.3 short name of an existing path (pure ASCII), or None."""
    if sys.platform != "win32":
        return None
    import ctypes

    size = ctypes.windll.kernel32.GetShortPathNameW(path, None, 0)
    if not size:
        return None
    buffer = ctypes.create_unicode_buffer(size)
    ctypes.windll.kernel32.GetShortPathNameW(path, buffer, size)
    return buffer.value or None


def path_for_config(path: str, encoding: str,
                    short_path: Callable[[str], str | None] = _short_path) -> str:
    """``path`` as it can be written in a config file of ``encoding``: itself, or its
    short form; SopXlError when neither fits."""
    try:
        path.encode(encoding)
        return path
    except UnicodeEncodeError:
        pass
    short = short_path(path)
    if short:
        try:
            short.encode(encoding)
            return short
        except UnicodeEncodeError:
            pass
    raise SopXlError(messages.message("install_code_page", path=path, encoding=encoding))


def write_user_config(conf: Path, values: dict[str, str], encoding: str) -> None:
    """Set ``values`` in the config file ``conf`` in ``encoding``, other lines kept byte
    for byte (undecodable bytes ride through as surrogates)."""
    conf.parent.mkdir(parents=True, exist_ok=True)
    old = conf.read_bytes().decode(encoding, "surrogateescape") if conf.exists() else ""
    conf.write_bytes(merge_user_config(old, values).encode(encoding, "surrogateescape"))


def install(plan: InstallPlan) -> list[str]:
    """Carry out ``plan`` on this machine; returns what was done, line by line."""
    if current_system() == "linux":
        raise SopXlError(messages.message("install_linux"))
    if plan.user_config_file is not None:  # refuse before anything is written
        path_for_config(plan.interpreter, config_encoding(plan.system))
    target = Path(plan.addin_target)
    if not target.parent.is_dir():
        try:
            target.parent.mkdir(parents=True)
        except OSError:
            raise SopXlError(messages.message("install_no_startup",
                                              path=str(target.parent))) from None
    done = []
    with tempfile.TemporaryDirectory(prefix="sop-xl-install-") as tmp:
        source = plan.addin_source or build_workbooks(Path(tmp))[1]
        staged = Path(tmp) / ADDIN_FILE
        if source != staged:
            shutil.copy2(source, staged)
        write_config(staged, plan.config)
        shutil.copy2(staged, target)  # Excel must be closed: it locks an open add-in
    done.append(f"installed {target}")
    if plan.user_config_file is not None:
        conf = Path(plan.user_config_file)
        encoding = config_encoding(plan.system)
        interpreter = path_for_config(plan.interpreter, encoding)
        write_user_config(conf, {plan.interpreter_key: interpreter}, encoding)
        done.append(f"set {plan.interpreter_key} in {conf} ({encoding})")
    if plan.applescript_dir is not None:
        from sop_xl.excel.vba.xlwings_runtime import xlwings_package_dir

        scripts = Path(plan.applescript_dir)
        scripts.mkdir(parents=True, exist_ok=True)
        shutil.copy2(xlwings_package_dir() / _applescript_name(), scripts)
        done.append(f"copied {_applescript_name()} to {scripts}")
    return done
