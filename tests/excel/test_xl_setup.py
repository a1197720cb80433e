"""Check Setup's report and ``sop-xl excel install`` (refused on Linux, shown by --dry-run,
and carried out into redirected folders to check what it writes)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.base.errors import SopXlError
from sop_xl.cli.main import main
from sop_xl.excel import setup
from sop_xl.excel.setup import (
    Environment,
    check_setup_report,
    install,
    merge_user_config,
    path_for_config,
    plan_install,
)
from sop_xl.workbook.file import FileBackend
from tests.small_company import frames

ENV = Environment("3.11.7", r"C:\Python311\python.exe", "Windows 11",
                  {"sop_xl": "0.1.0", "xlwings": "0.37.8", "pandas": "3.1.1"}, "16.0")


def test_check_setup_report_names_versions_and_validates(tmp_path: Path) -> None:
    f, s = frames()
    book = MasterWorkbook.open(write_master(tmp_path / "m.xlsx", f, s))
    assert check_setup_report(ENV, book).splitlines() == [
        "S&OP setup check", "",
        r"Python 3.11.7 (C:\Python311\python.exe)",
        "sop_xl 0.1.0",
        "xlwings 0.37.8",
        "Excel 16.0",
        "Windows 11",
        "pandas 3.1.1",
        "",
        "Workbook: m.xlsx (language: en)",
        "m.xlsx: valid — 5 items, 5 BOM lines, 48 history rows, planning month 2026-12",
    ]


def test_check_setup_warns_about_an_old_xlwings_in_chinese() -> None:
    old = Environment("3.11.7", "python", "Darwin 23", {"sop_xl": "0.1.0",
                                                        "xlwings": "0.30.1"}, None)
    text = check_setup_report(old, None, "zh-CN")
    assert text.splitlines()[0] == "S&OP 设置检查"
    assert "Excel 未知(不是从 Excel 调用)" in text
    assert "! xlwings 0.30.1 低于 0.37.5" in text


def test_install_plans_for_windows_and_macos() -> None:
    win = plan_install("windows", home=PureWindowsPath(r"C:\Users\li"),
                       appdata=r"C:\Users\li\AppData\Roaming", interpreter=r"C:\Py\python.exe")
    assert str(win.addin_target) == \
        r"C:\Users\li\AppData\Roaming\Microsoft\Excel\XLSTART\sop_xl.xlam"
    assert str(win.user_config_file) == r"C:\Users\li\.sop_xl\sop_xl.conf"
    assert win.config == {"UDF MODULES": "sop_xl.excel.udfs",
                          "INTERPRETER_WIN": r"C:\Py\python.exe"}
    assert win.applescript_dir is None
    mac = plan_install("macos", home=PurePosixPath("/Users/li"), interpreter="/opt/py/bin/python3",
                       user_config=False)
    assert str(mac.addin_target) == ("/Users/li/Library/Group Containers/UBF8T346G9.Office/"
                                     "User Content.localized/Startup.localized/Excel/sop_xl.xlam")
    assert mac.user_config_file is None
    assert mac.config["INTERPRETER_MAC"] == "/opt/py/bin/python3"
    assert str(mac.applescript_dir) == \
        "/Users/li/Library/Application Scripts/com.microsoft.Excel"
    assert "need Excel on Windows" in mac.describe()


def test_install_refuses_on_linux() -> None:
    with pytest.raises(SopXlError, match="Microsoft Excel does not run on Linux"):
        plan_install("linux")


def test_cli_install_refuses_on_linux_and_dry_run_shows_the_steps(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(setup, "current_system", lambda: "linux")
    assert main(["excel", "install"]) == 2
    assert "does not run on Linux" in capsys.readouterr().err
    assert main(["excel", "install", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "what `sop-xl excel install` would do on Windows" in out
    assert "XLSTART" in out and "UDF MODULES = sop_xl.excel.udfs" in out
    assert main(["excel", "install", "--dry-run", "--for", "macos"]) == 0
    assert ".applescript" in capsys.readouterr().out
    assert main(["excel", "install", "--for", "macos"]) == 2  # not a dry run, not a Mac


def test_merge_user_config_keeps_other_lines() -> None:
    old = '"CONDA PATH","C:\\conda"\r\n"INTERPRETER_WIN","C:\\old\\python.exe"\r\n'
    assert merge_user_config(old, {"INTERPRETER_WIN": r"C:\new\python.exe"}) == (
        '"CONDA PATH","C:\\conda"\r\n"INTERPRETER_WIN","C:\\new\\python.exe"\r\n')
    assert merge_user_config("", {"interpreter_mac": "/py"}) == '"INTERPRETER_MAC","/py"\r\n'


def test_install_writes_the_addin_and_the_configuration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real install, run here with Windows' folders redirected into tmp_path, on a
    Simplified Chinese Windows (code page 936) for a user called 张伟."""
    monkeypatch.setattr(setup, "current_system", lambda: "windows")
    monkeypatch.setattr(setup, "config_encoding", lambda system: "cp936")
    xlwings_conf = tmp_path / "home" / ".xlwings" / "xlwings.conf"
    xlwings_conf.parent.mkdir(parents=True)
    xlwings_conf.write_bytes(b'"INTERPRETER_WIN","C:\\other\\python.exe"\r\n')
    conf = tmp_path / "home" / ".sop_xl" / "sop_xl.conf"
    conf.parent.mkdir(parents=True)
    conf.write_bytes('"LICENSE_KEY","密钥"\r\n'.encode("cp936"))
    python = r"C:\Users\张伟\AppData\Local\Programs\Python\Python311\python.exe"
    plan = plan_install("windows", directory=tmp_path / "XLSTART", interpreter=python)
    plan.user_config_file = conf
    done = install(plan)
    target = tmp_path / "XLSTART" / "sop_xl.xlam"
    assert done[0] == f"installed {target}"
    book = FileBackend(target)
    assert book.sheet_names() == ["sop_xl.conf"]
    assert book.read_sheet("sop_xl.conf").rows == [
        ["UDF MODULES", "sop_xl.excel.udfs"], ["INTERPRETER_WIN", python]]
    # the bytes VBA's Input # reads on that system, CRLF as its Write # writes them
    assert conf.read_bytes() == ('"LICENSE_KEY","密钥"\r\n'
                                 f'"INTERPRETER_WIN","{python}"\r\n').encode("cp936")
    assert conf.read_bytes().decode("cp936").count("张伟") == 1
    # another xlwings tool's interpreter is not touched
    assert xlwings_conf.read_bytes() == b'"INTERPRETER_WIN","C:\\other\\python.exe"\r\n'


def test_a_path_the_code_page_cannot_hold_goes_short_or_is_refused() -> None:
    python = r"C:\Users\张伟\python.exe"
    assert path_for_config(python, "cp936") == python
    assert path_for_config(python, "cp1252", lambda p: r"C:\Users\C9F0~1\python.exe") == \
        r"C:\Users\C9F0~1\python.exe"
    with pytest.raises(SopXlError, match="code page cp1252 cannot hold"):
        path_for_config(python, "cp1252", lambda p: None)


def test_install_refuses_before_writing_anything(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(setup, "current_system", lambda: "windows")
    monkeypatch.setattr(setup, "config_encoding", lambda system: "cp1252")
    monkeypatch.setattr(setup, "_short_path", lambda path: None)
    plan = plan_install("windows", directory=tmp_path / "XLSTART",
                        interpreter=r"C:\Users\张伟\python.exe")
    plan.user_config_file = tmp_path / "sop_xl.conf"
    with pytest.raises(SopXlError, match="short"):
        install(plan)
    assert not (tmp_path / "XLSTART").exists() and not plan.user_config_file.exists()
