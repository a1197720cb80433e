"""A small compound file writer ([MS-CFB]), written from the specification.

Writes version 3 files (512-byte sectors, 2.2) with a mini stream for streams under
4096 bytes (2.6.1 stream size, 2.5 mini FAT). Everything is deterministic: CLSIDs,
state bits and timestamps are zero (2.6.3 allows zero times; streams must have them),
sibling trees are balanced binary search trees with every node black, which 2.6.4
names as a valid red-black tree. Only what a vbaProject.bin needs: no DIFAT sectors,
so the file is limited to 109 FAT sectors (about 7 MB).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

SECTOR_SIZE = 512
MINI_SECTOR_SIZE = 64
MINI_STREAM_CUTOFF = 4096
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_DIR_ENTRY_SIZE = 128
_IDS_PER_SECTOR = SECTOR_SIZE // 4
_HEADER_DIFAT_SLOTS = 109

# Special sector numbers (2.1).
DIFSECT = 0xFFFFFFFC
FATSECT = 0xFFFFFFFD
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF

# Object types and colours (2.6.1).
_TYPE_UNUSED, _TYPE_STORAGE, _TYPE_STREAM, _TYPE_ROOT = 0, 1, 2, 5
_BLACK = 1


@dataclass(frozen=True)
class Stream:
    """A named stream of bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Storage:
    """A named storage holding streams and storages."""

    name: str
    children: tuple[Stream | Storage, ...] = field(default_factory=tuple)


def _check_name(name: str) -> None:
    # 2.6.1: at most 31 UTF-16 code units plus the terminator; these four are illegal.
    if not name or len(name.encode("utf-16-le")) > 62 or any(c in name for c in "/\\:!"):
        raise ValueError(f"invalid compound file entry name: {name!r}")


def _sort_key(name: str) -> tuple[int, str]:
    """Sibling order (2.6.4): shorter names first, then by upper-cased code points."""
    return (len(name.encode("utf-16-le")), name.upper())


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _flatten(root_children: Sequence[Stream | Storage]) -> list[_Entry]:
    """Directory entries with ids; index 0 is the root storage."""
    entries = [_Entry("Root Entry", _TYPE_ROOT)]

    def add_children(parent: int, children: Sequence[Stream | Storage]) -> None:
        names = [c.name.upper() for c in children]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate entry names under {entries[parent].name!r}")
        ordered = sorted(children, key=lambda c: _sort_key(c.name))
        ids: list[int] = []
        for child in ordered:
            _check_name(child.name)
            if isinstance(child, Stream):
                entries.append(_Entry(child.name, _TYPE_STREAM, data=bytes(child.data)))
            else:
                entries.append(_Entry(child.name, _TYPE_STORAGE, start=0))
            ids.append(len(entries) - 1)
        entries[parent].child = _balanced(entries, ids)
        for child, cid in zip(ordered, ids, strict=True):
            if isinstance(child, Storage):
                add_children(cid, child.children)

    add_children(0, root_children)
    return entries


def _balanced(entries: list[_Entry], ids: list[int]) -> int:
    """Link sorted sibling ids into a balanced search tree; return the root id."""
    if not ids:
        return NOSTREAM
    mid = len(ids) // 2
    node = entries[ids[mid]]
    node.left = _balanced(entries, ids[:mid])
    node.right = _balanced(entries, ids[mid + 1 :])
    return ids[mid]


def _sectors(nbytes: int, size: int = SECTOR_SIZE) -> int:
    return -(-nbytes // size)


def _pad(data: bytes, size: int = SECTOR_SIZE) -> bytes:
    return data + b"\0" * (-len(data) % size)


def _chain(table: list[int], first: int, count: int) -> None:
    for i in range(first, first + count - 1):
        table[i] = i + 1
    table[first + count - 1] = ENDOFCHAIN


def _dir_entry(e: _Entry) -> bytes:
    if e.kind == _TYPE_UNUSED:
        name_field, name_len, color = b"", 0, 0
    else:
        name_field = e.name.encode("utf-16-le") + b"\0\0"
        name_len, color = len(name_field), _BLACK
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name_field,
        name_len,
        e.kind,
        color,
        e.left,
        e.right,
        e.child,
        b"\0" * 16,  # CLSID
        0,  # state bits
        0,  # creation time
        0,  # modified time
        e.start if e.kind != _TYPE_UNUSED else 0,
        e.size,
    )


def write_compound_file(children: Sequence[Stream | Storage]) -> bytes:
    """Serialise a tree of storages and streams as a version 3 compound file."""
    entries = _flatten(children)
    streams = [e for e in entries if e.kind == _TYPE_STREAM]
    small = [e for e in streams if len(e.data) < MINI_STREAM_CUTOFF]
    large = [e for e in streams if len(e.data) >= MINI_STREAM_CUTOFF]

    # Mini stream (2.5): small streams packed in 64-byte mini sectors.
    mini_fat: list[int] = []
    mini_stream = bytearray()
    for e in small:
        e.size = len(e.data)
        n = _sectors(e.size, MINI_SECTOR_SIZE)
        if n == 0:
            continue  # empty stream: start stays ENDOFCHAIN
        e.start = len(mini_fat)
        mini_fat.extend([0] * n)
        _chain(mini_fat, e.start, n)
        mini_stream += _pad(e.data, MINI_SECTOR_SIZE)

    n_dir = _sectors(len(entries) * _DIR_ENTRY_SIZE)
    n_minifat = _sectors(len(mini_fat) * 4)
    n_mini = _sectors(len(mini_stream))
    n_large = [_sectors(len(e.data)) for e in large]
    n_data = n_dir + n_minifat + n_mini + sum(n_large)
    n_fat = 1
    while n_fat * _IDS_PER_SECTOR < n_fat + n_data:
        n_fat += 1
    if n_fat > _HEADER_DIFAT_SLOTS:
        raise ValueError("compound file too large for a writer without DIFAT sectors")

    # Sector layout: FAT, directory, mini FAT, mini stream, large streams.
    fat = [FREESECT] * (n_fat * _IDS_PER_SECTOR)
    for i in range(n_fat):
        fat[i] = FATSECT
    next_free = n_fat

    def allocate(count: int) -> int:
        nonlocal next_free
        if count == 0:
            return ENDOFCHAIN
        first = next_free
        _chain(fat, first, count)
        next_free += count
        return first

    dir_start = allocate(n_dir)
    minifat_start = allocate(n_minifat)
    root = entries[0]
    root.start = allocate(n_mini)
    root.size = len(mini_stream)
    for e, n in zip(large, n_large, strict=True):
        e.start = allocate(n)
        e.size = len(e.data)

    directory = b"".join(_dir_entry(e) for e in entries)
    unused = _dir_entry(_Entry("", _TYPE_UNUSED))
    directory += unused * (n_dir * 4 - len(entries))
    minifat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    minifat_bytes += struct.pack("<I", FREESECT) * (n_minifat * _IDS_PER_SECTOR - len(mini_fat))

    difat = list(range(n_fat)) + [FREESECT] * (_HEADER_DIFAT_SLOTS - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        _SIGNATURE,
        b"\0" * 16,  # header CLSID
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # little-endian byte order mark
        9,  # sector shift: 2**9 = 512
        6,  # mini sector shift: 2**6 = 64
        b"\0" * 6,
        0,  # number of directory sectors: must be 0 in version 3
        n_fat,
        dir_start,
        0,  # transaction signature
        MINI_STREAM_CUTOFF,
        minifat_start,
        n_minifat,
        ENDOFCHAIN,  # first DIFAT sector: none
        0,  # number of DIFAT sectors
        *difat,
    )
    parts = [
        header,
        struct.pack(f"<{len(fat)}I", *fat),
        directory,
        minifat_bytes,
        _pad(bytes(mini_stream)),
        *(_pad(e.data) for e in large),
    ]
    return b"".join(parts)
