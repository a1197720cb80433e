"""The pure side of plan versions: hashes, cell tags, register transitions, diffs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.protection import hash_password

from sop_xl.plan import versions as v


def snap(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([(*r, "") if len(r) == 7 else r for r in rows],
                        columns=v.SNAPSHOT_COLUMNS)


BASE = snap([
    ("demand", "A", "Pumps", "demand", "2026-12", 100.0, 15000.0),
    ("demand", "A", "Pumps", "demand", "2027-01", 90.0, 13500.0),
    ("demand", "B", "Pumps", "demand", "2026-12", 40.0, 11200.0),
    ("mps", "A", "Pumps", "production", "2026-12", 90.0, 9000.0),
    ("mps", "B", "Pumps", "production", "2027-01", 50.0, 10000.0),
    ("purchase", "R1", "Sup1", "purchase_qty", "2026-W50", 100.0, 1000.0),
    ("purchase", "R1", "Sup1", "purchase_qty", "2026-W50", 25.0, 250.0),
    ("settings", "planning_month", "", "setting", "", np.nan, np.nan, "2026-12"),
])


def test_hash_ignores_how_blanks_are_held_but_not_values():
    h = v.content_hash(BASE)
    blanks = BASE.copy()
    blanks.loc[7, "family"] = None
    blanks.loc[7, "period"] = np.nan
    assert v.content_hash(blanks) == h
    moved = BASE.copy()
    moved.loc[0, "qty"] = 100.00001  # below what a tab shows, above the 6-decimal canon
    assert v.content_hash(moved) != h
    assert len(h) == 64


def test_tags_name_the_changed_cell():
    tags = v.cell_tags(BASE)
    assert len(tags) == len(BASE) and all(len(t) == 4 * len(v.SNAPSHOT_COLUMNS) for t in tags)
    assert v.locate_change(BASE, tags) == v.Change(None, None)
    changed = BASE.copy()
    changed.loc[3, "qty"] = 95.0
    assert v.locate_change(changed, tags) == v.Change(3, "qty", 95.0)
    dropped = BASE.drop(index=1).reset_index(drop=True)  # a row deleted in the middle
    assert v.locate_change(dropped, tags[:1] + tags[2:]) == v.Change(1, None)
    cut = BASE.iloc[:5]  # rows deleted at the end: no tag disagrees, the hash does
    assert v.locate_change(cut, tags[:5]) == v.Change(None, None)
    assert v.content_hash(cut) != v.content_hash(BASE)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(BASE) - 1), st.sampled_from(v.SNAPSHOT_COLUMNS),
       st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.text(max_size=6)))
def test_any_single_cell_change_is_located(row, column, value):
    tags = v.cell_tags(BASE)
    changed = BASE.copy().astype(object)
    changed.loc[row, column] = value
    if v.content_hash(changed) == v.content_hash(BASE):
        return  # the same cell content (e.g. "" for a blank)
    ch = v.locate_change(changed, tags)
    j = v.SNAPSHOT_COLUMNS.index(column)
    old, new = v.canonical_cells(BASE)[j][row], v.canonical_cells(changed)[j][row]
    if v._tag(row, j, old) == v._tag(row, j, new):  # 1 in 65,536: a 16-bit tag collides
        assert ch == v.Change(None, None)
    else:
        assert (ch.row, ch.column) == (row, column)


def test_a_colliding_tag_leaves_the_cell_unnamed_but_the_hash_refuses():
    # find a value whose tag collides with qty 100.0 in row 0 (16 bits: a short search)
    j = v.SNAPSHOT_COLUMNS.index("qty")
    want = v._tag(0, j, "100.000000")
    x = next(x for x in range(1, 10**6) if v._tag(0, j, f"{x:.6f}") == want and x != 100)
    changed = BASE.copy()
    changed.loc[0, "qty"] = float(x)
    assert v.locate_change(changed, v.cell_tags(BASE)) == v.Change(None, None)
    assert v.content_hash(changed) != v.content_hash(BASE)


@given(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=15))
def test_password_hash_matches_openpyxl(pw):
    assert int(v.excel_password_hash(pw), 16) == int(hash_password(pw), 16)
    assert len(v.excel_password_hash(pw)) == 4


def test_password_hash_known_value_and_limits():
    assert v.excel_password_hash("sop-xl") == "DA47"
    with pytest.raises(ValueError):
        v.excel_password_hash("密码")
    with pytest.raises(ValueError):
        v.excel_password_hash("x" * 16)


def test_next_version_and_find():
    reg = v.normalise_register(pd.DataFrame({"version": ["000", "001", "002"]}))
    assert v.next_version(reg) == "003"
    assert v.next_version(reg, ["V007 2026-11", "Notes"]) == "008"
    assert v.next_version(v.normalise_register(pd.DataFrame())) == "001"
    assert v.find(reg, "2") == 2 and v.find(reg, "V002") == 2 and v.find(reg, "000") == 0
    with pytest.raises(KeyError):
        v.find(reg, "9")


def _reg(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return v.normalise_register(pd.DataFrame(
        [{"version": a, "planning_month": m, "status": s, "sheet": f"V{a} {m}",
          "content_hash": f"h{a}"} for a, m, s in rows]))


def test_approve_supersedes_the_same_month_and_000_follows_its_source():
    reg = _reg(("001", "2026-11", "approved"), ("002", "2026-12", "approved"),
               ("003", "2026-12", "draft"))
    reg.loc[:1, "approved_at"] = "earlier"
    reg = v.activate(reg, "002", "li", "t0", "V000 2026-12")
    assert list(reg["version"]) == ["000", "001", "002", "003"]
    assert reg.iloc[0][["status", "source", "content_hash"]].tolist() == \
        ["approved", "002", "h002"]
    out, superseded = v.approve(reg, "3", "wang", "t1")
    assert superseded == ["002"]
    assert dict(zip(out["version"], out["status"], strict=True)) == {
        "000": "superseded", "001": "approved", "002": "superseded", "003": "approved"}
    assert out.iloc[3][["approved_by", "approved_at"]].tolist() == ["wang", "t1"]
    assert v.is_locked(out.iloc[2])  # superseded stays locked
    with pytest.raises(ValueError):
        v.approve(out, "000", "x", "t")


def test_diff_by_item_and_period_largest_change_first():
    b = BASE.copy()
    b.loc[0, ["qty", "value"]] = [120.0, 18000.0]       # demand A: +20 pcs, +3000
    b.loc[3, ["qty", "value"]] = [110.0, 11000.0]       # MPS A: +20 pcs, +2000
    b.loc[6, ["qty", "value"]] = [75.0, 750.0]          # one of two R1 orders: +50, +500
    b = pd.concat([b, snap([("mps", "C", "Valves", "production", "2027-02", 10.0, 400.0)])],
                  ignore_index=True)                    # new in B: +10, +400
    b = b.drop(index=2)                                 # B demand dropped: −40, −11200
    d = v.diff(BASE, b)
    assert list(d.columns) == v.DIFF_COLUMNS
    got = d[["section", "key", "period", "qty_a", "qty_b", "qty_diff", "value_diff"]]
    assert got.values.tolist() == [
        ["demand", "B", "2026-12", 40.0, 0.0, -40.0, -11200.0],
        ["demand", "A", "2026-12", 100.0, 120.0, 20.0, 3000.0],
        ["mps", "A", "2026-12", 90.0, 110.0, 20.0, 2000.0],
        ["purchase", "R1", "2026-W50", 125.0, 175.0, 50.0, 500.0],
        ["mps", "C", "2027-02", 0.0, 10.0, 10.0, 400.0],
    ]
    assert d["diff_pct"].iloc[1] == pytest.approx(0.2)
    assert np.isnan(d["diff_pct"].iloc[4])
    assert d.iloc[3]["family"] == "Sup1"
