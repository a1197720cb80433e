"""MS-OVBA compression: round trip through oletools' independent decompressor."""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from sop_xl.excel.vba.compression import CHUNK_SIZE, compress, decompress
from sop_xl.excel.vba.xlwings_runtime import xlwings_package_dir

_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _round_trip(data: bytes) -> bytes:
    packed = compress(data)
    assert decompress_stream(bytearray(packed)) == data
    assert decompress(packed) == data
    return packed


@_SETTINGS
@given(st.text(max_size=50_000))
def test_round_trip_random_text(text: str) -> None:
    _round_trip(text.encode("utf-8"))


@settings(max_examples=15, deadline=None)
@given(
    size=st.integers(min_value=20_000, max_value=50_000),
    alphabet=st.sampled_from(
        [
            "ab",
            "abcdefgh \r\n",
            "0123456789ABCDEF",
            "".join(map(chr, range(32, 127))),
            "预测需求计划 abc\r\n",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_round_trip_large_random_text(size: int, alphabet: str, seed: int) -> None:
    # st.text rarely draws long strings; this always does, over small and large alphabets.
    # A seeded generator keeps Hypothesis' own input small (it shrinks on the seed).
    rnd = random.Random(seed)
    text = "".join(rnd.choice(alphabet) for _ in range(size))
    _round_trip(text.encode("utf-8"))


@_SETTINGS
@given(
    unit=st.text(min_size=1, max_size=40),
    times=st.integers(min_value=1, max_value=2_000),
    noise=st.text(max_size=200),
)
def test_round_trip_repetitive_text(unit: str, times: int, noise: str) -> None:
    data = (unit * times + noise + unit * (times // 2)).encode("utf-8")
    packed = _round_trip(data)
    if len(data) > 4 * CHUNK_SIZE:
        assert len(packed) < len(data) / 2


@_SETTINGS
@given(st.binary(max_size=3 * CHUNK_SIZE + 100))
def test_round_trip_random_bytes(data: bytes) -> None:
    _round_trip(data)


@pytest.mark.parametrize(
    "size", [0, 1, 2, 3, 4095, 4096, 4097, 3 * CHUNK_SIZE, 3 * CHUNK_SIZE + 3700]
)
def test_chunk_boundaries_incompressible(size: int) -> None:
    # Random bytes cannot be compressed: exercises raw chunks, including a long final one.
    _round_trip(os.urandom(size))


@pytest.mark.parametrize("size", [4095, 4096, 4097, 8192, 8193])
def test_chunk_boundaries_text(size: int) -> None:
    rnd = random.Random(size)
    words = ["Dim", "As", "Long", "End Sub", "\r\n", "    ", "x", "RunPython", "'"]
    text = "".join(rnd.choice(words) + " " for _ in range(size)).encode()[:size]
    _round_trip(text)


def test_large_real_module_round_trips_and_compresses() -> None:
    source = (xlwings_package_dir() / "xlwings.bas").read_bytes()
    assert len(source) > 20_000
    packed = _round_trip(source)
    # A compressor that only stored raw chunks would pass the round trip; VBA text
    # compresses to well under half.
    assert len(packed) < 0.5 * len(source)


def test_large_synthetic_module_round_trips() -> None:
    lines = [
        f'    Cells({i}, 1).Value = "row {i}" \' comment {i * 7919 % 1000}' for i in range(900)
    ]
    source = 'Attribute VB_Name = "Big"\r\nSub Fill()\r\n' + "\r\n".join(lines) + "\r\nEnd Sub\r\n"
    data = source.encode("cp1252")
    assert len(data) > 40_000
    _round_trip(data)


def test_decompress_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        decompress(b"\x02")
    with pytest.raises(ValueError):
        decompress(b"\x01\x00\x00")  # chunk signature bits are not 0b011


def test_deterministic() -> None:
    data = (xlwings_package_dir() / "xlwings.bas").read_bytes()
    assert compress(data) == compress(data)
