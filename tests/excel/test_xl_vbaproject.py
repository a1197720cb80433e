"""vbaProject.bin from module source: read back by olefile + oletools, strictly."""

from __future__ import annotations

import io
from collections.abc import Callable

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from sop_xl.excel.vba.project import (
    ModuleKind,
    VbaModule,
    decrypt_data,
    dir_stream,
    encrypt_data,
    project_id_for,
    write_vba_project,
)
from sop_xl.excel.vba.xlwings_runtime import load_runtime, xlwings_package_dir

HELLO = 'Attribute VB_Name = "Hello"\r\nSub Hi()\r\n    MsgBox "hi"\r\nEnd Sub\r\n'
CLASS = (
    "VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\n"
    'Attribute VB_Name = "Counter"\r\n'
    "Attribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n"
    "Attribute VB_PredeclaredId = False\r\nAttribute VB_Exposed = False\r\n"
    "Private n As Long\r\nPublic Sub Bump()\r\n    n = n + 1\r\nEnd Sub\r\n"
)


def _modules() -> list[VbaModule]:
    return [
        VbaModule.from_bas(HELLO),
        VbaModule.from_cls(CLASS),
        *load_runtime(addin=False).modules,
    ]


def test_olevba_reads_back_every_module_exactly(
    read_vba: Callable[[bytes], dict[str, tuple[int, str]]],
) -> None:
    modules = _modules()
    got = read_vba(write_vba_project(modules, project_name="Test"))
    assert list(got) == [m.name for m in modules]
    for m in modules:
        module_type, code = got[m.name]
        assert code == m.code  # olevba keeps CRLF; nothing to normalise
        assert module_type == (0x21 if m.kind is ModuleKind.STANDARD else 0x22)


def test_project_level_records(read_vba: Callable[[bytes], dict[str, tuple[int, str]]]) -> None:
    data = write_vba_project(_modules(), project_name="SopMaster")
    ole = olefile.OleFileIO(io.BytesIO(data))
    # _VBA_PROJECT: version 0xFFFF so Office ignores caches and compiles from source.
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    project = ole.openstream("PROJECT").read().decode("cp1252")
    pid = project_id_for("SopMaster")
    assert project.startswith(f'ID="{pid}"\r\n')
    assert "Module=Hello\r\n" in project and "Class=Counter\r\n" in project
    assert 'Name="SopMaster"\r\n' in project
    fields = dict(line.split("=", 1) for line in project.split("\r\n") if "=" in line)
    assert decrypt_data(pid, fields["CMG"].strip('"')) == bytes(4)  # not protected
    assert decrypt_data(pid, fields["DPB"].strip('"')) == b"\0"  # no password
    assert decrypt_data(pid, fields["GC"].strip('"')) == b"\xff"  # visible
    assert project.endswith(
        "[Host Extender Info]\r\n"
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\r\n"
    )
    wm = ole.openstream("PROJECTwm").read()
    assert wm.startswith(b"Hello\0H\0e\0l\0l\0o\0\0\0") and wm.endswith(b"\0\0")
    # No module stream carries a performance cache: MODULEOFFSET is 0.
    parser = VBA_Parser("p.bin", data=data)
    assert len(list(parser.extract_macros())) == len(_modules())


def test_dir_stream_references_and_module_records() -> None:
    raw = dir_stream("P", _modules())
    assert raw.startswith(bytes.fromhex("0100040000000100000002000400000009040000"))
    assert b"stdole" in raw and b"{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0" in raw
    assert raw.endswith(bytes.fromhex("2B0000000000100000000000"))  # module, dir ends


def test_decrypts_the_example_in_the_specification() -> None:
    # [MS-OVBA] 3.1.6: an Excel-written PROJECT stream (protection off, visible).
    pid = "{917DED54-440B-4FD1-A5C1-74ACF261E600}"
    assert decrypt_data(pid, "0705D8E3D8EDDBF1DBF1DBF1DBF1") == bytes(4)
    assert decrypt_data(pid, "0E0CD1ECDFF4E7F5E7F5E7") == b"\0"
    assert decrypt_data(pid, "1517CAF1D6F9D7F9D706") == b"\xff"


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 255), data=st.binary(max_size=40))
def test_encrypt_decrypt_round_trip(seed: int, data: bytes) -> None:
    pid = project_id_for("X")
    assert decrypt_data(pid, encrypt_data(pid, data, seed)) == data


def test_class_module_stored_like_excel_stores_it() -> None:
    # xlwings ships an add-in that Excel saved; its Dictionary class stream is what the
    # VBE stores after importing Dictionary.cls. VBE re-cases identifiers (Err -> err).
    pkg = xlwings_package_dir()
    ours = VbaModule.from_file(pkg / "addin" / "Dictionary.cls")
    parser = VBA_Parser(str(pkg / "quickstart_addin_ribbon.xlam"))
    excel = {name: code for _f, _s, name, code in parser.extract_macros()}["Dictionary.cls"]
    assert ours.kind is ModuleKind.CLASS
    assert ours.code.lower() == excel.lower()


def test_module_streams_hold_only_compressed_source() -> None:
    modules = _modules()
    ole = olefile.OleFileIO(io.BytesIO(write_vba_project(modules)))
    for m in modules:
        stream = ole.openstream(f"VBA/{m.name}").read()
        assert decompress_stream(bytearray(stream)) == m.code.encode("cp1252")


def test_deterministic() -> None:
    assert write_vba_project(_modules()) == write_vba_project(_modules())


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('Attribute VB_Name = "A"\nSub X()\nEnd Sub\n', "CRLF"),
        ('Attribute VB_Name = "A"\r\n\' 预测\r\n', "code page"),
        ("Sub X()\r\nEnd Sub\r\n", "VB_Name"),
    ],
)
def test_module_validation(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        VbaModule("A", text)


def test_duplicate_module_names_rejected() -> None:
    a = VbaModule.from_bas(HELLO)
    b = VbaModule.from_bas(HELLO.replace('"Hello"', '"HELLO"'))
    with pytest.raises(ValueError, match="unique"):
        write_vba_project([a, b])
