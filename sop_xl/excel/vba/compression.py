"""MS-OVBA compression ([MS-OVBA] 2.4.1), written from the specification.

A CompressedContainer (2.4.1.1.1) is the signature byte 0x01 followed by CompressedChunks
(2.4.1.1.4), each holding up to 4096 bytes of input. A chunk is a 2-byte header (12-bit
size - 3, signature 0b011, flag) and either TokenSequences (2.4.1.1.7: a FlagByte, then
eight tokens, each a literal byte or a 2-byte CopyToken) or 4096 raw bytes.

The compressor is greedy with a bounded hash chain: any valid token stream decompresses
to the same text, so it only needs to be correct and reasonably small, not optimal.
Round trip is tested against the independent decompressor in oletools.olevba.
"""

from __future__ import annotations

CHUNK_SIZE = 4096
_SIGNATURE = 0x01
_MIN_MATCH = 3
# How many earlier positions with the same 3-byte prefix to try; bounds the work on
# repetitive input ("aaaa...") where every position matches.
_MAX_CHAIN = 32
_HEADER_SIGNATURE = 0b011 << 12
_FLAG_COMPRESSED = 0x8000


def _bit_count(difference: int) -> int:
    """CopyToken Help (2.4.1.3.19.1): bits for the offset at this chunk position."""
    return max((difference - 1).bit_length(), 4)


def _match_length(data: bytes, cand: int, pos: int, limit: int) -> int:
    """Length of the common run of data[cand:] and data[pos:], at most ``limit``.

    Overlap (cand + n > pos) is allowed on purpose: the decompressor copies byte by byte
    (2.4.1.3.5), so a copy may read bytes it has just written.
    """
    n = 0
    while n + 32 <= limit and data[cand + n : cand + n + 32] == data[pos + n : pos + n + 32]:
        n += 32
    while n < limit and data[cand + n] == data[pos + n]:
        n += 1
    return n


def _compress_tokens(data: bytes, start: int, end: int) -> bytes:
    """TokenSequences for one chunk data[start:end] (2.4.1.3.7, 2.4.1.3.8, 2.4.1.3.9)."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = start

    def remember(p: int) -> None:
        if p + _MIN_MATCH <= end:
            heads.setdefault(data[p : p + _MIN_MATCH], []).append(p)

    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            best_len = 0
            best_off = 0
            bit_count = 0
            if pos > start and pos + _MIN_MATCH <= end:
                bit_count = _bit_count(pos - start)
                limit = min((0xFFFF >> bit_count) + _MIN_MATCH, end - pos)
                chain = heads.get(data[pos : pos + _MIN_MATCH])
                if chain:
                    for cand in reversed(chain[-_MAX_CHAIN:]):
                        length = _match_length(data, cand, pos, limit)
                        if length > best_len:
                            best_len, best_off = length, pos - cand
                            if length == limit:
                                break
            if best_len >= _MIN_MATCH:
                # Pack CopyToken (2.4.1.3.19.3): offset-1 in the high bits, length-3 low.
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - _MIN_MATCH)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                for p in range(pos, pos + best_len):
                    remember(p)
                pos += best_len
            else:
                out.append(data[pos])
                remember(pos)
                pos += 1
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into a CompressedContainer (2.4.1.3.6).

    A chunk whose tokens would not fit in 4096 bytes is stored raw (2.4.1.3.10). The
    specification pads a short final raw chunk with zeros, which would append NULs to
    the text; we store only the real bytes instead. Only a final chunk of ~3.6 KB or more
    of nearly incompressible bytes takes that path, which VBA source text never does.
    """
    data = bytes(data)
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        end = min(start + CHUNK_SIZE, len(data))
        tokens = _compress_tokens(data, start, end)
        if len(tokens) <= CHUNK_SIZE:
            header = _FLAG_COMPRESSED | _HEADER_SIGNATURE | (len(tokens) + 2 - 3)
            out += header.to_bytes(2, "little") + tokens
        else:
            header = _HEADER_SIGNATURE | (CHUNK_SIZE + 2 - 3)
            out += header.to_bytes(2, "little") + data[start:end]
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress a CompressedContainer (2.4.1.3.1); strict about malformed input."""
    if not container or container[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA compressed container (signature byte != 0x01)")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise ValueError("truncated chunk header")
        header = int.from_bytes(container[pos : pos + 2], "little")
        if header & 0x7000 != _HEADER_SIGNATURE:
            raise ValueError(f"bad chunk signature at byte {pos}")
        chunk_end = min(pos + (header & 0x0FFF) + 3, len(container))
        pos += 2
        if not header & _FLAG_COMPRESSED:
            out += container[pos : pos + CHUNK_SIZE]
            pos += CHUNK_SIZE
            continue
        chunk_start = len(out)
        while pos < chunk_end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not flags >> bit & 1:
                    out.append(container[pos])
                    pos += 1
                    continue
                token = int.from_bytes(container[pos : pos + 2], "little")
                pos += 2
                bit_count = _bit_count(len(out) - chunk_start)
                length = (token & (0xFFFF >> bit_count)) + _MIN_MATCH
                offset = (token >> (16 - bit_count)) + 1
                src = len(out) - offset
                if src < chunk_start:
                    raise ValueError("copy token reaches before its chunk")
                for i in range(length):
                    out.append(out[src + i])
    return bytes(out)
