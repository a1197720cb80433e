"""Every kind of file sop_xl writes is schema-valid as Excel (2016) judges it.

``openxml-audit`` validates a package against the ECMA-376 schemas plus the Open XML SDK's
semantic rules (what makes Excel say "We found a problem with some content"). It runs
here exactly as on the command line: ``openxml-audit -f office2016 -o json -m 0 FILE``.
The workbooks are the small company's, so each audit takes about a second; the demo
company's input workbook, the one file of its size, a few seconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from meeting.meeting_support import fixed_forecast, new_master, run_month, two_assistant_frames

from sop_xl.cli.main import main
from sop_xl.excel.build import build_all

AUDIT = shutil.which("openxml-audit") or str(Path(sys.executable).parent / "openxml-audit")


def audit(path: Path) -> list[dict]:
    """The error findings of openxml-audit on ``path`` (warnings are not errors)."""
    run = subprocess.run([AUDIT, "-f", "office2016", "-o", "json", "-m", "0", str(path)],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stdout)[0]
    assert report["file"], run.stderr
    # "errors" lists every finding; warnings (e.g. inline strings Excel moves into a
    # shared-string table when it next saves) are not errors
    errors = [e for e in report.get("errors", []) if e.get("severity") == "error"]
    assert report["error_count"] == len(errors)
    return errors


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One file of each kind, made by the commands a planner runs."""
    mp = pytest.MonkeyPatch()
    out = tmp_path_factory.mktemp("kinds")
    made: dict[str, Path] = {}
    try:
        for lang in ("en", "zh-CN"):
            made[f"template {lang}"] = out / f"template_{lang}.xlsx"
            assert main(["template", str(made[f"template {lang}"]), "--lang", lang]) == 0
        build = out / "build"
        assert main(["build", "--out", str(build)]) == 0
        made["build .xlsm"], made["build .xlam"] = build / "sop_master.xlsm", build / "sop_xl.xlam"

        f, s = two_assistant_frames()
        master = new_master(out / "master.xlsx", f, s)
        forecast = fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)
        run_month(master, forecast, mp)
        made["master after run"] = _copy(master, out / "after_run.xlsx")
        assert main(["version", "approve", str(master), "001"]) == 0
        assert main(["version", "activate", str(master), "001"]) == 0
        made["master after approve + activate"] = _copy(master, out / "after_approve.xlsx")
        made["transfer export"] = out / "export.xlsx"
        assert main(["transfer", "run", str(master), "--export",
                     str(made["transfer export"])]) == 0
        made["master after transfer"] = _copy(master, out / "after_transfer.xlsx")
        assert main(["version", "save", str(master), "--note", "second"]) == 0
        assert main(["version", "diff", str(master), "001", "002"]) == 0
        made["master after save + diff"] = _copy(master, out / "after_save.xlsx")
        assert main(["language", str(master), "zh-CN"]) == 0
        made["master after language"] = _copy(master, out / "after_language.xlsx")
        assert main(["version", "archive", str(master), "--before", "2027-01",
                     "--to", str(out / "archive.xlsx")]) == 0
        made["version archive"] = out / "archive.xlsx"

        split = out / "assistants"
        assert main(["assistants", "split", str(made["master after run"]), "--out",
                     str(split)]) == 0
        made["assistant workbook"] = sorted(split.glob("*.xlsx"))[0]
        made["meeting pack"] = out / "pack.xlsx"
        assert main(["meeting", str(made["master after transfer"]), "--out",
                     str(made["meeting pack"])]) == 0

        # the master as a macro workbook, then planned: the run keeps the VBA project,
        # the ribbon and the code names
        xlsm, _ = build_all(new_master(out / "base.xlsx", f, s), out / "macro")
        run_month(xlsm, forecast, mp)
        made["master .xlsm after run"] = xlsm
    finally:
        mp.undo()
    return made


def _copy(src: Path, dst: Path) -> Path:
    shutil.copy(src, dst)
    return dst


KINDS = ["template en", "template zh-CN", "build .xlsm", "build .xlam", "master after run",
         "master after approve + activate", "transfer export", "master after transfer",
         "master after save + diff", "master after language", "version archive",
         "assistant workbook", "meeting pack", "master .xlsm after run"]


@pytest.mark.parametrize("kind", KINDS)
def test_no_schema_or_semantic_errors(files: dict[str, Path], kind: str) -> None:
    errors = audit(files[kind])
    assert errors == [], f"{kind}: {json.dumps(errors, ensure_ascii=False)[:2000]}"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_demo_company_workbook_has_no_errors(lang: str, tmp_path: Path) -> None:
    demo = tmp_path / "demo.xlsx"
    assert main(["demo", str(demo), "--lang", lang]) == 0
    assert audit(demo) == []


def test_the_audit_finds_what_excel_repairs(tmp_path: Path) -> None:
    """The check can fail: a workbook without its theme relationship (the add-in's fault
    before) is reported."""
    from sop_xl.excel.blank import blank_workbook_parts

    bad = tmp_path / "no_theme.xlsx"
    import zipfile

    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in blank_workbook_parts("S"):
            if name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b'<Relationship Id="rId3"', b'<Relationship Id="rId9"') \
                    .replace(b"/theme\"", b"/customXml\"")
            zf.writestr(name, data)
    errors = audit(bad)
    assert any("theme" in e.get("description", "") for e in errors), errors
