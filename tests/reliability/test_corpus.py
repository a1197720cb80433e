"""The whole corpus of malformed workbooks through ``sop-xl validate`` and ``sop-xl run``.

tests/corpus/generate.py makes each case from a valid master, in English and 简体中文;
tests/corpus/cases.toml says what sop-xl must answer: exit codes, every problem with its
code, sheet and cell and its exact line in the workbook's language, or the workbook-level
message. A refused workbook must be byte for byte what it was, with nothing left beside
it; an accepted one must plan, leave its input sheets untouched and (where the case says
so) read exactly like the valid base.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from corpus.generate import BASE_NAME, NEEDS_LIBREOFFICE, case_ids, generate

from sop_xl import contract
from sop_xl.app.master import MasterWorkbook
from sop_xl.base.errors import ValidationError
from sop_xl.base.messages import message
from sop_xl.cli.main import main
from sop_xl.workbook.ooxml import verify_package
from sop_xl.workbook.package import Package

CASES_FILE = Path(__file__).resolve().parents[1] / "corpus" / "cases.toml"
CASES = {c["id"]: c for c in tomllib.loads(CASES_FILE.read_text("utf-8"))["case"]}
LANGS = ("en", "zh-CN")
ZH = {"en": "en", "zh-CN": "zh"}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    return generate(tmp_path_factory.mktemp("corpus"))


def test_the_corpus_covers_every_case_once() -> None:
    made = set(case_ids())
    listed = set(CASES)
    assert made == listed
    assert len(made) >= 40
    assert {c["decision"] for c in CASES.values()} == {"error", "accepted"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(*args: str) -> tuple[int, str, str]:
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _copy_case(src: Path, dst_dir: Path, setup: str = "") -> Path:
    """The case file and what lies beside it for it (Excel's owner file, a lock file),
    placed as the case's ``setup`` says: behind a symlink (the real file in a folder of
    its own), read-only, or in a read-only folder."""
    for side in src.parent.iterdir():
        if side.name.startswith((src.name, "~$" + src.name)):
            shutil.copy(side, dst_dir / side.name)
    path = dst_dir / src.name
    if setup == "symlink":
        (dst_dir / "shared").mkdir()
        real = Path(shutil.move(path, dst_dir / "shared" / src.name))
        os.chmod(real, 0o640)
        path.symlink_to(real)
    elif setup == "read_only_file":
        os.chmod(path, 0o444)
    elif setup == "read_only_folder":
        os.chmod(dst_dir, 0o555)
    elif setup:
        raise AssertionError(f"unknown setup {setup!r}")
    return path


def _expected_file_message(text: str, path: Path) -> re.Pattern[str]:
    pattern = re.escape(text).replace(re.escape("{detail}"), ".+?")
    pattern = pattern.replace(re.escape("{dir}"), re.escape(str(path.parent)))
    return re.compile(re.escape(f"{path}: ") + pattern)


def _inputs_frames(path: Path) -> dict[str, pd.DataFrame]:
    inputs = MasterWorkbook.open(path).read_inputs()
    out = {}
    for spec in contract.inputs():
        if spec.layout is not contract.Layout.TABLE:
            continue
        f = getattr(inputs, spec.key).drop(columns="_row")
        keys = list(spec.unique) or list(f.columns[:1])
        out[spec.key] = f.sort_values(keys, key=lambda s: s.astype(str)).reset_index(drop=True)
    out["settings"] = pd.DataFrame([inputs.settings.as_values()])
    return out


def _input_parts(path: Path) -> dict[str, bytes]:
    """The parts of the input sheets, and of everything a run never writes."""
    pkg = Package(path)
    inputs = {n.lower() for s in contract.inputs() for n in s.names()}
    parts = {}
    for s in pkg.sheets:
        if s.name.lower() in inputs:
            parts[s.part] = pkg.read(s.part)
    with zipfile.ZipFile(path) as zf:
        for n in zf.namelist():
            if n.startswith(("xl/media/", "xl/vbaProject", "customXml/")):
                parts[n] = zf.read(n)
    pkg.close()
    return parts


PAIRS = [(lang, case) for case in CASES for lang in LANGS]


@pytest.mark.parametrize(("lang", "case"), PAIRS, ids=[f"{c}-{lg}" for lg, c in PAIRS])
def test_case(lang: str, case: str, corpus, tmp_path: Path, monkeypatch) -> None:
    spec = CASES[case]
    if case not in corpus[lang]:
        assert case in NEEDS_LIBREOFFICE
        pytest.fail("LibreOffice (soffice) is needed to make this case; `make test` "
                    "installs it")
    # a file that cannot be read has no language of its own: the machine's decides
    monkeypatch.setenv("SOP_XL_LANG", lang)
    path = _copy_case(corpus[lang][case], tmp_path, spec.get("setup", ""))
    try:
        _check_case(spec, lang, path, tmp_path, case, corpus)
    finally:
        os.chmod(tmp_path, 0o755)  # a read-only folder case: let pytest clean it up


def _check_case(spec: dict, lang: str, path: Path, tmp_path: Path, case: str,
                corpus) -> None:
    before = _sha(path)
    parts_before = _input_parts(path) if spec["decision"] == "accepted" else None
    beside = sorted(p.name for p in tmp_path.iterdir())
    z = ZH[lang]

    code_v, _, err_v = _cli("validate", str(path))
    code_r, out_r, err_r = _cli("--wait", "0", "run", "--quiet", str(path))
    assert [code_v, code_r] == spec["exit"], (err_v, err_r)

    if "problem" in spec:
        lines = [p[z] for p in spec["problem"]]
        head = message("problems_found", lang, n=len(lines))
        want = "\n".join([head, *("  - " + line for line in lines)])
        assert err_v.strip() == want
        assert err_r.strip() == want
        with pytest.raises(ValidationError) as e:
            MasterWorkbook.open(path).read_inputs()
        got = [(p.code, p.sheet, p.cell or "") for p in e.value.problems]
        assert got == [(p["code"], contract.sheet(p["sheet"]).name(lang), p["cell"])
                       for p in spec["problem"]]
    for cmd, err in (("validate", err_v), ("run", err_r)):
        if f"{cmd}_error" in spec:
            assert _expected_file_message(spec[f"{cmd}_error"][z], path).fullmatch(err.strip())
    for cmd, err in (("validate", err_v), ("run", err_r)):
        if f"{cmd}_message" in spec:  # a message that names no file (a version's)
            assert err.strip() == spec[f"{cmd}_message"][z]
    if "notice" in spec:
        assert err_v.strip() == spec["notice"][z]

    if spec["exit"][1] != 0:
        # refused: the file byte for byte as it was, nothing new beside it
        assert _sha(path) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == beside
        return

    # accepted: planned, input sheets untouched, reads as expected, and a strict reader
    # loads what the run wrote (every part parsed: SOP_XL_VERIFY_PARTS, tests/conftest.py)
    assert err_v.strip() == spec.get("notice", {}).get(z, "")
    assert "wrote" in out_r
    if "run_notice" in spec:
        assert err_r.strip() == spec["run_notice"][z]
    if spec.get("setup") == "symlink":  # the real file planned, the link still a link
        assert path.is_symlink() and _sha(path.resolve()) != before
        assert oct(path.resolve().stat().st_mode & 0o777) == "0o640"
    assert verify_package(path) > 0
    openpyxl.load_workbook(path, read_only=True).close()
    assert _input_parts(path) == parts_before
    if spec.get("same_as_base"):
        base = _inputs_frames(corpus[lang][case].parent / BASE_NAME)
        mine = _inputs_frames(path)
        for key in base:
            pd.testing.assert_frame_equal(mine[key], base[key], obj=f"{case} {key}")
    for check in spec.get("check", []):
        frame = getattr(MasterWorkbook.open(path).read_inputs(), check["sheet"])
        if "rows" in check:
            assert len(frame) == check["rows"]
        else:
            row = frame[frame["_row"] == check["row"]]
            assert row[check["column"]].tolist() == [check["equals"]]
    for check in spec.get("output_check", []):  # a value the run wrote
        frame = MasterWorkbook.open(path).read_output_table(check["sheet"])
        row = frame[frame["_row"] == check["row"]]
        assert [str(v) for v in row[check["column"]]] == [check["equals"]]
    if "notes" in spec:  # the planner's notes where they belong after the run
        ws = openpyxl.load_workbook(path)[contract.sheet(spec["notes"]["sheet"]).name(lang)]
        got = {c.coordinate: c.comment.text for r in ws.iter_rows() for c in r if c.comment}
        assert got == spec["notes"]["cells"]
    for then in spec.get("then", []):  # the commands that follow in the month
        args = [a.replace("{path}", str(path)).replace("{dir}", str(tmp_path))
                for a in then["args"]]
        code, _, err = _cli(*args)
        assert code == then["exit"], err
    if "export" in spec:
        _check_export(tmp_path / spec["export"]["file"], spec["export"])


def _check_export(path: Path, spec: dict) -> None:
    """Every text field neutralised against formula injection (sop_xl.contract.export)."""
    import csv

    from sop_xl.contract.export import FORMULA_STARTS
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert len(rows) > 1
    assert all(not f or f[0] not in FORMULA_STARTS for row in rows for f in row)
    assert spec["contains"] in {f for row in rows for f in row}
