"""Compare the VBA projects of two workbooks stream by stream (the README's table).

    python docs/vba_streams.py OURS.xlsm EXCEL_SAVED.xlsm

Prints a Markdown table: each stream of the compound file, and for the dir stream each
kind of record, with what the two projects hold. Read with olefile and oletools' MS-OVBA
decompressor, independently of sop_xl's writer.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import olefile
from oletools.olevba import decompress_stream

# dir stream record ids ([MS-OVBA] 2.3.4.2) whose payload is not a "Size" long
_NO_SIZE = {0x21: 0, 0x22: 0, 0x2B: 0, 0x10: 0}
_NAMES = {0x01: "SYSKIND", 0x4A: "COMPATVERSION", 0x02: "LCID", 0x14: "LCIDINVOKE",
          0x03: "CODEPAGE", 0x04: "NAME", 0x05: "DOCSTRING", 0x06: "HELPFILEPATH",
          0x07: "HELPCONTEXT", 0x08: "LIBFLAGS", 0x09: "VERSION", 0x0C: "CONSTANTS",
          0x16: "REFERENCENAME", 0x0D: "REFERENCEREGISTERED", 0x0E: "REFERENCEPROJECT",
          0x2F: "REFERENCECONTROL", 0x33: "REFERENCEORIGINAL", 0x0F: "MODULES",
          0x13: "PROJECTCOOKIE", 0x31: "MODULEOFFSET", 0x2C: "MODULECOOKIE",
          0x21: "MODULETYPE procedural", 0x22: "MODULETYPE document/class",
          0x25: "MODULEREADONLY", 0x28: "MODULEPRIVATE"}


def _records(data: bytes) -> list[tuple[int, bytes]]:
    out, i = [], 0
    while i < len(data):
        rid = int.from_bytes(data[i:i + 2], "little")
        size = int.from_bytes(data[i + 2:i + 6], "little")
        size = 6 if rid == 0x09 else _NO_SIZE.get(rid, size)
        out.append((rid, data[i + 6:i + 6 + size]))
        i += 6 + size
    return out


def project(path: Path) -> dict[str, str]:
    """What one workbook's vbaProject.bin holds, as short texts by row name."""
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith("vbaProject.bin"))
        data = zf.read(name)
    ole = olefile.OleFileIO(io.BytesIO(data))
    streams = ["/".join(e) for e in ole.listdir(streams=True, storages=False)]
    text = ole.openstream("PROJECT").read().decode("cp1252")
    lines = [ln for ln in text.split("\r\n") if ln]
    records = _records(bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read()))))
    kinds = [_NAMES.get(r, hex(r)) for r, _ in records]
    vp = ole.openstream("VBA/_VBA_PROJECT").read()
    modules = [ln.split("=", 1) for ln in lines if ln.split("=")[0] in
               ("Document", "Module", "Class")]
    docs = [m[1].split("/")[0] for m in modules if m[0] == "Document"]
    offsets = {r for r, p in records if r == 0x31}
    offset_values = sorted({int.from_bytes(p, "little") for r, p in records if r == 0x31})
    syskind = next(int.from_bytes(p, "little") for r, p in records if r == 0x01)
    refs = [p.decode("cp1252") for r, p in records if r == 0x16]
    return {
        "streams": ", ".join(sorted(s for s in streams if not s.startswith("VBA/")
                                    or s.split("/")[1] in ("_VBA_PROJECT", "dir"))),
        "module streams": f"{len([s for s in streams if s.startswith('VBA/')]) - 2}"
                          + (" (+ __SRP_ caches)" if any("__SRP" in s for s in streams)
                             else ""),
        "PROJECT keys": ", ".join(dict.fromkeys(ln.split("=")[0] for ln in lines
                                                if "=" in ln and not ln.startswith("&H"))),
        "PROJECT sections": ", ".join(ln for ln in lines if ln.startswith("[")),
        "document modules": ", ".join(docs) or "none",
        "other modules": ", ".join(f"{k} {v}" for k, v in modules if k != "Document"),
        "_VBA_PROJECT": f"{len(vp)} bytes, version 0x{int.from_bytes(vp[2:4], 'little'):04X}",
        "dir: SYSKIND": {0: "Win16", 1: "Win32", 2: "Mac", 3: "Win64"}.get(syskind, "?"),
        "dir: COMPATVERSION": "yes" if 0x4A in dict(records) else "no",
        "dir: references": ", ".join(dict.fromkeys(refs)),
        "dir: record kinds": str(len(set(kinds))),
        "dir: MODULEOFFSET": ", ".join(map(str, offset_values)) if offsets else "-",
        "PROJECTwm": f"{len(ole.openstream('PROJECTwm').read())} bytes",
    }


def main() -> None:
    ours, theirs = (Path(a) for a in sys.argv[1:3])
    a, b = project(ours), project(theirs)
    print(f"| | {ours.name} (sop_xl) | {theirs.name} (Excel-saved) |")
    print("|---|---|---|")
    for key in a:
        print(f"| {key} | {a[key]} | {b[key]} |")


if __name__ == "__main__":
    main()
