"""The worksheet part is made while the file is written (in pieces, deflated on a second
thread): the file holds the same bytes as a part written whole, numbers keep their text,
and a failure while making it leaves the workbook untouched."""

from __future__ import annotations

import math
import re
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_xl.layout.sheet import Formula, SheetContent
from sop_xl.workbook import package, xlsx
from sop_xl.workbook.file import FileBackend
from sop_xl.workbook.package import Package


def _big(rows: int = 9000) -> SheetContent:
    """Over 1 MB of sheet XML: whole and fractional numbers, formulas, text."""
    body = [[f"I{r:05d}", r * 0.02, float(r % 7), Formula(f"B{r + 1}*2", r * 0.04),
             None, "a&b" if r % 100 == 0 else "plain"] for r in range(rows)]
    return SheetContent("Big", body)


def _sheet_part(path: Path) -> tuple[zipfile.ZipInfo, bytes]:
    with zipfile.ZipFile(path) as zf:
        info = next(i for i in zf.infolist() if i.filename.startswith("xl/worksheets/"))
        return info, zf.read(info)


def test_a_large_sheet_is_streamed_to_the_same_bytes_as_written_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "CHUNK_ROWS", 500)  # many pieces
    path = tmp_path / "big.xlsx"
    FileBackend.create(path, [_big()]).close()
    info, xml = _sheet_part(path)
    assert len(xml) > 1 << 20
    # the whole part, deflated at level 1 in one call, as writestr would
    whole = "".join(xlsx.worksheet_chunks(_big(), {}, {}, None)).encode()
    assert xml == whole
    with open(path, "rb") as fh:  # the deflated bytes, after the local file header
        fh.seek(info.header_offset + 26)
        skip = int.from_bytes(fh.read(2), "little") + int.from_bytes(fh.read(2), "little")
        fh.seek(info.header_offset + 30 + skip)
        stored = fh.read(info.compress_size)
    deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
    assert stored == deflate.compress(whole) + deflate.flush()
    assert zlib.crc32(whole) == info.CRC


def test_a_small_sheet_is_deflated_at_level_6(tmp_path: Path) -> None:
    path = tmp_path / "small.xlsx"
    content = SheetContent("Small", [["a", 1.0], ["b", 2.5]])
    FileBackend.create(path, [content]).close()
    info, xml = _sheet_part(path)
    assert xml == "".join(xlsx.worksheet_chunks(content, {}, {}, None)).encode()
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert info.compress_size == len(deflate.compress(xml) + deflate.flush())


def test_numbers_keep_their_text(tmp_path: Path) -> None:
    row = [12.0, -0.0, 0.1 + 0.2, 1e15, 2.5e-7, math.nan, math.inf, -math.inf, 7, -3.0]
    xml = "".join(xlsx.worksheet_chunks(SheetContent("N", [row]), {}, {}, None))
    values = dict(re.findall(r'<c r="([A-Z]+)1"><v>([^<]*)</v></c>', xml))
    assert values == {"A": "12", "B": "0", "C": "0.30000000000000004",
                      "D": "1000000000000000.0", "E": "2.5e-07", "I": "7", "J": "-3"}


def test_a_deferred_part_reads_back_whole() -> None:
    pkg = Package(data=_blank())
    pkg.put_sheets([SheetContent("S", [["x", 1.0]])])
    part = pkg.sheet("S").part
    assert pkg.read(part).startswith(b"<?xml") and b"<v>1</v>" in pkg.read(part)


def test_a_failure_while_writing_the_sheet_leaves_the_file_untouched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keep.xlsx"
    FileBackend.create(path, [SheetContent("Old", [["old"]])]).close()
    before = path.read_bytes()
    monkeypatch.setattr(package, "_FAST_DEFLATE", 10)  # stream even a small sheet

    def broken(*args, **kwargs):
        yield "<worksheet>"
        raise RuntimeError("the sheet could not be made")

    monkeypatch.setattr(xlsx, "worksheet_chunks", broken)
    with pytest.raises(RuntimeError, match="could not be made"):
        FileBackend(path).write_sheets([SheetContent("New", [["new"]])])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.xlsx"]


def _blank() -> bytes:
    from datetime import datetime

    from sop_xl.workbook.file import blank_workbook_bytes

    return blank_workbook_bytes(datetime(2026, 1, 1))


def _raw_entries(path: Path) -> dict[str, tuple[bytes, int, int]]:
    """Each entry's compressed bytes as stored in the file, its CRC and size."""
    out = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
        for info in zf.infolist():
            fh.seek(info.header_offset + 26)
            n, m = int.from_bytes(fh.read(2), "little"), int.from_bytes(fh.read(2), "little")
            fh.seek(n + m, 1)
            out[info.filename] = (fh.read(info.compress_size), info.CRC, info.file_size)
    return out


def test_parts_the_save_did_not_change_keep_their_compressed_bytes(tmp_path: Path) -> None:
    # a file from another writer: its parts deflated at level 9 (zlib's at the level we
    # would choose give other bytes); one sheet replaced, the rest copied as they are
    made = tmp_path / "made.xlsx"
    FileBackend.create(made, [SheetContent("Keep", [["a&b", 1.5]] * 3000),
                              SheetContent("Swap", [["old"]])]).close()
    theirs = tmp_path / "theirs.xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(theirs, "w") as out:
        for info in src.infolist():
            out.writestr(info, src.read(info), zipfile.ZIP_DEFLATED, compresslevel=9)
    before = _raw_entries(theirs)
    pkg = Package(theirs)
    keep_part = next(e.part for e in pkg.sheets if e.name == "Keep")
    pkg.put_sheets([SheetContent("Swap", [["new"]])])
    pkg.save(theirs)
    after = _raw_entries(theirs)
    assert after[keep_part] == before[keep_part]
    swap = next(e.part for e in Package(theirs).sheets if e.name == "Swap")
    assert after[swap] != before.get(swap)
    with zipfile.ZipFile(theirs) as zf:
        assert zf.testzip() is None  # every CRC checked against the inflated bytes
        assert b"a&amp;b" in zf.read(keep_part)
        assert b"new" in zf.read(swap)


def test_a_stored_part_is_deflated_when_saved(tmp_path: Path) -> None:
    made = tmp_path / "made.xlsx"
    FileBackend.create(made, [SheetContent("Keep", [["x", 2.0]])]).close()
    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(stored, "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info), zipfile.ZIP_STORED)
    pkg = Package(stored)
    pkg.put_sheets([SheetContent("Other", [["y"]])])
    pkg.save(stored)
    with zipfile.ZipFile(stored) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_DEFLATED}
        assert zf.testzip() is None


_VALUES = st.one_of(
    st.none(), st.just(""), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e15, -1e15, 999999999999999.0, 2.5, 1e300, 0.1]),
    st.integers(-10**20, 10**20), st.sampled_from([True, False]),
    st.text(max_size=8), st.sampled_from(["a&b", "x<y", "tab\there", "I00042", "中文"]),
    st.dates(), st.datetimes(), st.just(Formula("A1*2", 3.0)))


@st.composite
def _tables(draw):
    """A table sheet: a header, then rows whose columns are each of one kind (numbers,
    integers, text, dates) or anything, blanks anywhere, some columns styled."""
    n_cols = draw(st.integers(1, 5))
    kinds = [draw(st.sampled_from(["float", "int", "text", "date", "any"]))
             for _ in range(n_cols)]
    of = {"float": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                             st.integers(-10**6, 10**6)),
          "int": st.one_of(st.none(), st.integers(-10**20, 10**20)),
          "text": st.one_of(st.none(), st.text(max_size=6),
                            st.sampled_from(["a&b", "x<y", "I00042", "tab\there"])),
          "date": st.one_of(st.none(), st.dates(), st.datetimes()), "any": _VALUES}
    n = draw(st.integers(0, 12))
    rows = [[f"H{j}" for j in range(n_cols)]]
    rows += [[draw(of[k]) for k in kinds] for _ in range(n)]
    if draw(st.booleans()) and n:  # a short row: the loop writes that block
        rows[-1] = rows[-1][:-1]
    sheet = SheetContent("T", rows)
    for j in range(n_cols):
        if draw(st.booleans()):
            sheet.style(1, j, max(n, 1), j, draw(st.sampled_from(["int", "date", "text"])))
    sheet.style(0, 0, 0, n_cols - 1, "header")
    if draw(st.booleans()):
        sheet.row_heights[0] = 30.0
    if n > 3 and draw(st.booleans()):
        sheet.hidden_rows = (2,)
    return sheet


@given(_tables(), st.sampled_from([1, 2, 5]), st.booleans())
@settings(max_examples=150, deadline=None)
def test_a_table_made_a_column_at_a_time_is_the_same_bytes_as_cell_by_cell(
        sheet: SheetContent, chunk_rows: int, date1904: bool) -> None:
    from sop_xl.layout.styles import resolve
    xf_of = {s: k + 1 for k, s in enumerate(sorted({resolve(r.style) for r in sheet.styles},
                                                   key=repr))}
    saved = xlsx.CHUNK_ROWS, xlsx._by_columns
    xlsx.CHUNK_ROWS = chunk_rows
    try:
        fast = "".join(xlsx.worksheet_chunks(sheet, xf_of, {}, None, date1904=date1904))
        used = []
        xlsx._by_columns = lambda *a: used.append(1)  # every block cell by cell
        slow = "".join(xlsx.worksheet_chunks(sheet, xf_of, {}, None, date1904=date1904))
    finally:
        xlsx.CHUNK_ROWS, xlsx._by_columns = saved
    assert fast == slow
