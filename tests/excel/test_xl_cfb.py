"""Compound file writer: read back by olefile (strict), structure checked against MS-CFB."""

from __future__ import annotations

import io
import os
import struct

import olefile
import pytest

from sop_xl.excel.vba.cfb import (
    ENDOFCHAIN,
    FATSECT,
    NOSTREAM,
    SECTOR_SIZE,
    Storage,
    Stream,
    write_compound_file,
)


def _open(data: bytes) -> olefile.OleFileIO:
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)


def _tree() -> tuple[Stream | Storage, ...]:
    sizes = [0, 1, 63, 64, 65, 4095, 4096, 4097, 20_000]
    streams = tuple(Stream(f"s{n}", os.urandom(n)) for n in sizes)
    inner = Storage("Inner", (Stream("deep", b"deep data"),))
    return (
        Stream("PROJECT", b"ID=...\r\n"),
        Stream("PROJECTwm", b"\0\0"),
        Storage("VBA", (*streams, inner)),
    )


def _walk(children, prefix=()):
    for c in children:
        path = (*prefix, c.name)
        if isinstance(c, Stream):
            yield path, c.data
        else:
            yield from _walk(c.children, path)


def test_olefile_reads_every_stream() -> None:
    tree = _tree()
    data = write_compound_file(tree)
    assert len(data) % SECTOR_SIZE == 0
    ole = _open(data)
    for path, content in _walk(tree):
        assert ole.exists("/".join(path))
        assert ole.get_size("/".join(path)) == len(content)
        assert ole.openstream("/".join(path)).read() == content
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    assert ole.get_type("VBA/Inner") == olefile.STGTY_STORAGE


def test_many_entries_need_several_fat_sectors() -> None:
    # > 128 sectors: the FAT spans several sectors; > 4 entries: several directory sectors.
    tree = tuple(Stream(f"m{i:03d}", bytes([i % 251]) * (5000 + i)) for i in range(40))
    data = write_compound_file(tree)
    header = struct.unpack_from("<44xI", data)[0]
    assert header > 1  # number of FAT sectors
    ole = _open(data)
    for s in tree:
        assert ole.openstream(s.name).read() == s.data


def test_header_fields() -> None:
    data = write_compound_file(_tree())
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    minor, major, bom, sshift, mshift = struct.unpack_from("<HHHHH", data, 24)
    assert (minor, major, bom, sshift, mshift) == (0x3E, 3, 0xFFFE, 9, 6)
    n_dir, n_fat, _dir_start, _tx, cutoff = struct.unpack_from("<IIIII", data, 40)
    assert n_dir == 0 and cutoff == 4096  # version 3 must leave the dir count 0
    first_difat, n_difat = struct.unpack_from("<II", data, 68)
    assert (first_difat, n_difat) == (ENDOFCHAIN, 0)
    difat = struct.unpack_from("<109I", data, 76)
    fat = struct.unpack_from(f"<{SECTOR_SIZE // 4}I", data, SECTOR_SIZE * (difat[0] + 1))
    assert all(fat[s] == FATSECT for s in difat[:n_fat])


def test_sibling_trees_are_black_search_trees() -> None:
    names = ["dir", "_VBA_PROJECT", "SopRibbon", "SopCommon", "xlwings", "Dictionary", "a", "B"]
    data = write_compound_file((Storage("VBA", tuple(Stream(n, b"x") for n in names)),))
    ole = _open(data)
    entries = ole.direntries

    def in_order(sid: int) -> list[str]:
        if sid == NOSTREAM:
            return []
        e = entries[sid]
        assert e.color == 1, f"{e.name} is not black"
        return [*in_order(e.sid_left), e.name, *in_order(e.sid_right)]

    vba = next(e for e in entries if e is not None and e.name == "VBA")
    got = in_order(vba.sid_child)
    # MS-CFB 2.6.4: shorter names sort first, then case-insensitively.
    assert got == sorted(names, key=lambda n: (len(n), n.upper()))


def test_deterministic() -> None:
    tree = _tree()
    assert write_compound_file(tree) == write_compound_file(tree)


@pytest.mark.parametrize("name", ["", "a/b", "x" * 32, "c:d", "bang!"])
def test_rejects_bad_names(name: str) -> None:
    with pytest.raises(ValueError):
        write_compound_file((Stream(name, b""),))


def test_rejects_duplicate_names_ignoring_case() -> None:
    with pytest.raises(ValueError):
        write_compound_file((Stream("dir", b""), Stream("DIR", b"")))
