"""The `sop-xl version` and `sop-xl transfer` commands end to end on a workbook file."""

from __future__ import annotations

from pathlib import Path

from version_fixtures import book, edit_cell, find_cell

from sop_xl.app import versions as pv
from sop_xl.cli.main import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_version_commands(master: Path, capsys):
    wb = str(master)
    code, out, _ = run(capsys, "version", "save", wb, "--note", "after the pre-S&OP",
                       "--by", "Li Na")
    assert code == 0 and "saved version 002 as sheet 'V002 2026-12' (draft)" in out
    reg = pv.read_register(book(master)).set_index("version")
    assert (reg.loc["002", "note"], reg.loc["002", "author"]) == ("after the pre-S&OP", "Li Na")
    # the plan did not change between the run and the save: same content, same hash
    assert reg.loc["002", "content_hash"] == reg.loc["001", "content_hash"]
    assert run(capsys, "version", "propose", wb, "2")[1].strip() == "version 002 is now proposed"
    code, _, err = run(capsys, "version", "propose", wb, "2")
    assert code == 6 and "version 002 is proposed; only a draft can be proposed" in err
    code, _, err = run(capsys, "version", "approve", wb, "7")
    assert code == 6 and "version 7 is not in the Versions register (known: 001, 002)" in err
    code, out, _ = run(capsys, "version", "approve", wb, "1", "--by", "Zhao Min")
    assert out.strip() == "version 001 (V001 2026-12) is approved and locked"
    code, out, _ = run(capsys, "version", "approve", wb, "2")
    assert out.strip() == "version 002 (V002 2026-12) is approved and locked; superseded 001"
    code, out, _ = run(capsys, "version", "activate", wb, "002")
    assert "version 002 is now the active version 000 (sheet 'V000 2026-12', approved)" in out
    code, out, _ = run(capsys, "version", "list", wb)
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["version", "planning_month", "status"]
    assert [ln.split()[:3] for ln in lines[1:]] == [["000", "2026-12", "approved"],
                                                   ["001", "2026-12", "superseded"],
                                                   ["002", "2026-12", "approved"]]
    code, out, _ = run(capsys, "version", "diff", wb, "1", "2")
    assert code == 0 and "wrote VersionDiff, 0 changed rows" in out
    code, out, _ = run(capsys, "version", "verify", wb)
    assert code == 0 and out.count(": ok") == 3
    code, out, _ = run(capsys, "transfer", "run", wb, "--periods", "2", "--deduct",
                       "--backward", "1", "--by", "Li Na")
    assert code == 0
    assert "transfer T0001 of version 000 (copy of 002), sales plan, 2 periods " \
        "2026-12..2027-01: 2 items, 210 pcs (plan 340, consumed 130)" in out
    code, out, _ = run(capsys, "transfer", "log", wb, "--csv")
    assert out.splitlines()[0].startswith("transfer_id,transferred_at,user,version,source")
    assert ",Li Na,000,002,2026-12,sales,2," in out.splitlines()[1]
    code, out, _ = run(capsys, "version", "archive", wb, "--before", "2026-12")
    assert out.strip() == "no versions planned before 2026-12 to archive"


def test_verify_reports_a_changed_draft_and_fails(master: Path, capsys):
    ref = find_cell(master, "V001 2026-12", "demand", "B", "demand", "2027-01")
    edit_cell(master, "V001 2026-12", ref, 101)
    code, out, _ = run(capsys, "version", "verify", str(master))
    assert code == 6
    assert f"001 V001 2026-12 draft: CHANGED: plan version 001 (sheet 'V001 2026-12') was " \
        f"changed by hand at cell {ref} (now 101)" in out
