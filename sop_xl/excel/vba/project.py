"""Write a vbaProject.bin holding module source only ([MS-OVBA] 2.2, 2.3).

No p-code and no performance caches: the _VBA_PROJECT stream carries Version 0xFFFF,
which [MS-OVBA] 1.6 and 2.3.4.1 prescribe on write so that Office ignores every cache and
compiles the modules from their source text when the workbook opens. Each module stream
is then just the compressed source (MODULEOFFSET 0, 2.3.4.3).

Besides standard and class modules the project holds a document module for the workbook
(ThisWorkbook) and one per sheet, as every project Excel saves does: their names are the
``codeName`` of ``workbookPr`` and of each sheet's ``sheetPr`` in the workbook XML
(sop_xl.excel.build writes both sides, so they match; a module without its sheet, or a
sheet without its module, is what makes Excel add duplicates such as "ThisWorkbook1").

Everything is fixed so that the same sources give the same bytes: project GUID derived
from the project name, a fixed encryption seed, zero CFB timestamps.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from sop_xl.excel.vba.cfb import Storage, Stream, write_compound_file
from sop_xl.excel.vba.compression import compress

#: Windows-1252: the ANSI code page of an English/Western VBA project. VBA source is not
#: Unicode; keep module text ASCII so it reads the same under any code page (zh: 936).
CODE_PAGE = 1252
_CODEC = "cp1252"
_LCID = 0x0409
_SYSKIND_WIN32 = 0x00000001
# Namespace for the deterministic project GUID (uuid5 of the project name).
_PROJECT_NAMESPACE = uuid.UUID("5a0c2f0e-4d3b-4b8e-9a51-5f0d6c1b7e21")
# Fixed seed for the PROJECT stream's obfuscated fields (2.4.3.2 asks for a random byte;
# any value decrypts, and a fixed one keeps builds reproducible).
_ENCRYPTION_SEED = 0x5A

#: References every new Excel project has; Office is needed for IRibbonControl.
STDOLE_LIBID = (
    r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0"
    r"#C:\Windows\System32\stdole2.tlb#OLE Automation"
)
OFFICE_LIBID = (
    r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0"
    r"#C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"
    r"#Microsoft Office 16.0 Object Library"
)

_VB_NAME = re.compile(r'^Attribute VB_Name = "([A-Za-z][A-Za-z0-9_]{0,30})"\r\n')
# VB_Base of a class module as Excel stores it (the VBE adds it on import).
_CLASS_BASE = 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'


class ModuleKind(Enum):
    """Procedural (standard) module, class module or document module (MODULETYPE,
    2.3.4.2.3.2.8: 0x21 for the first, 0x22 for the other two; the PROJECT stream tells
    a document from a class, 2.3.1.4 and 2.3.1.5)."""

    STANDARD = "Module"
    CLASS = "Class"
    DOCUMENT = "Document"


#: VB_Base of a document module: the type library class of the Excel object behind it.
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CHARTSHEET_BASE = "0{00020821-0000-0000-C000-000000000046}"
_DOCUMENT_BASES = (WORKBOOK_BASE, WORKSHEET_BASE, CHARTSHEET_BASE)
# The attribute block Excel stores in front of every document module (read from
# Excel-saved projects: xlwings' quickstart.xlsm, ThisWorkbook and Sheet1).
_DOCUMENT_ATTRIBUTES = (
    "Attribute VB_GlobalNameSpace = False",
    "Attribute VB_Creatable = False",
    "Attribute VB_PredeclaredId = True",
    "Attribute VB_Exposed = True",
    "Attribute VB_TemplateDerived = False",
    "Attribute VB_Customizable = True",
)


@dataclass(frozen=True)
class VbaModule:
    """One module: its name and the source text as stored in its module stream."""

    name: str
    code: str
    kind: ModuleKind = ModuleKind.STANDARD

    def __post_init__(self) -> None:
        if re.search(r"(?<!\r)\n|\r(?!\n)", self.code):
            raise ValueError(f"module {self.name!r}: line endings must be CRLF")
        m = _VB_NAME.match(self.code)
        if not m or m.group(1) != self.name:
            raise ValueError(f"module {self.name!r}: code must start with its VB_Name line")
        try:
            self.code.encode(_CODEC)
        except UnicodeEncodeError as exc:
            bad = self.code[exc.start : exc.end]
            raise ValueError(
                f"module {self.name!r}: {bad!r} cannot be stored in code page {CODE_PAGE}"
            ) from exc

    @classmethod
    def from_bas(cls, text: str) -> VbaModule:
        """A standard module from exported .bas text (line endings normalised to CRLF)."""
        code = _crlf(text)
        m = _VB_NAME.match(code)
        if not m:
            raise ValueError('a .bas file must start with Attribute VB_Name = "..."')
        return cls(m.group(1), code, ModuleKind.STANDARD)

    @classmethod
    def from_cls(cls, text: str) -> VbaModule:
        """A class module from exported .cls text, stored the way the VBE stores it.

        The export header (VERSION 1.0 CLASS / BEGIN ... END) is not part of the module
        stream; the VBE adds VB_Base after VB_Name and VB_TemplateDerived and
        VB_Customizable after VB_Exposed when it imports a class, so we do the same.
        """
        code = _crlf(text)
        if code.startswith("VERSION "):
            end = code.find("\r\nEND\r\n")
            if end < 0:
                raise ValueError("class header without END line")
            code = code[end + len("\r\nEND\r\n") :]
        lines = code.split("\r\n")
        attrs = [ln for ln in lines if ln.startswith("Attribute VB_")]
        if not any(ln.startswith("Attribute VB_Base ") for ln in attrs):
            lines.insert(1, _CLASS_BASE)
        if not any(ln.startswith("Attribute VB_TemplateDerived ") for ln in attrs):
            at = next(
                (i + 1 for i, ln in enumerate(lines) if ln.startswith("Attribute VB_Exposed ")),
                len(attrs) + 1,
            )
            lines[at:at] = [
                "Attribute VB_TemplateDerived = False",
                "Attribute VB_Customizable = False",
            ]
        code = "\r\n".join(lines)
        m = _VB_NAME.match(code)
        if not m:
            raise ValueError('a .cls file must carry Attribute VB_Name = "..."')
        base = next((ln.split('"')[1] for ln in attrs if ln.startswith("Attribute VB_Base ")),
                    "")
        kind = ModuleKind.DOCUMENT if base in _DOCUMENT_BASES else ModuleKind.CLASS
        return cls(m.group(1), code, kind)

    @classmethod
    def document(cls, name: str, base: str, body: str = "") -> VbaModule:
        """A document module (ThisWorkbook, a sheet) as Excel stores it: the attribute
        block of an Excel-saved project, then ``body`` (event handlers; may be empty)."""
        lines = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"',
                 *_DOCUMENT_ATTRIBUTES]
        code = "\r\n".join(lines) + "\r\n" + _crlf(body)
        return cls(name, code, ModuleKind.DOCUMENT)

    @classmethod
    def from_file(cls, path: Path) -> VbaModule:
        """Read a .bas or .cls file (ANSI text, as the VBE exports it)."""
        text = path.read_bytes().decode(_CODEC)
        if path.suffix.lower() == ".cls":
            return cls.from_cls(text)
        return cls.from_bas(text)


def _crlf(text: str) -> str:
    return re.sub(r"\r\n|\r|\n", "\r\n", text)


@dataclass(frozen=True)
class Reference:
    """A registered type library reference (REFERENCEREGISTERED, 2.3.4.2.2.5)."""

    name: str
    libid: str


DEFAULT_REFERENCES: tuple[Reference, ...] = (
    Reference("stdole", STDOLE_LIBID),
    Reference("Office", OFFICE_LIBID),
)


# --- encodings --------------------------------------------------------------------------


def _mbcs(text: str) -> bytes:
    return text.encode(_CODEC)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _u16(v: int) -> bytes:
    return v.to_bytes(2, "little")


def _u32(v: int) -> bytes:
    return v.to_bytes(4, "little")


def _record(rid: int, payload: bytes) -> bytes:
    """Id, 4-byte Size, payload: the common shape of dir stream records."""
    return _u16(rid) + _u32(len(payload)) + payload


def _text_pair(rid: int, reserved: int, text: str) -> bytes:
    """A record with an MBCS string and its UTF-16 twin behind a Reserved id."""
    return _record(rid, _mbcs(text)) + _record(reserved, _utf16(text))


# --- dir stream (2.3.4.2) ---------------------------------------------------------------


def dir_stream(
    project_name: str,
    modules: Sequence[VbaModule],
    references: Sequence[Reference] = DEFAULT_REFERENCES,
) -> bytes:
    """The uncompressed dir stream: PROJECTINFORMATION, PROJECTREFERENCES, PROJECTMODULES."""
    out = bytearray()
    # PROJECTINFORMATION (2.3.4.2.1). PROJECTCOMPATVERSION is optional and left out.
    out += _record(0x0001, _u32(_SYSKIND_WIN32))  # PROJECTSYSKIND
    out += _record(0x0002, _u32(_LCID))  # PROJECTLCID
    out += _record(0x0014, _u32(_LCID))  # PROJECTLCIDINVOKE
    out += _record(0x0003, _u16(CODE_PAGE))  # PROJECTCODEPAGE
    out += _record(0x0004, _mbcs(project_name))  # PROJECTNAME
    out += _text_pair(0x0005, 0x0040, "")  # PROJECTDOCSTRING
    out += _text_pair(0x0006, 0x003D, "")  # PROJECTHELPFILEPATH
    out += _record(0x0007, _u32(0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, _u32(0))  # PROJECTLIBFLAGS: must be 0
    # PROJECTVERSION: Reserved is 4 (not a size), then major u32 and minor u16.
    out += _u16(0x0009) + _u32(4) + _u32(1) + _u16(0)
    out += _text_pair(0x000C, 0x003C, "")  # PROJECTCONSTANTS

    # PROJECTREFERENCES (2.3.4.2.2): REFERENCENAME then REFERENCEREGISTERED.
    for ref in references:
        out += _text_pair(0x0016, 0x003E, ref.name)
        libid = _mbcs(ref.libid)
        out += _record(0x000D, _u32(len(libid)) + libid + _u32(0) + _u16(0))

    # PROJECTMODULES (2.3.4.2.3) and PROJECTCOOKIE (0xFFFF on write).
    out += _record(0x000F, _u16(len(modules)))
    out += _record(0x0013, _u16(0xFFFF))
    for m in modules:
        out += _record(0x0019, _mbcs(m.name))  # MODULENAME
        out += _record(0x0047, _utf16(m.name))  # MODULENAMEUNICODE
        out += _text_pair(0x001A, 0x0032, m.name)  # MODULESTREAMNAME
        out += _text_pair(0x001C, 0x0048, "")  # MODULEDOCSTRING
        out += _record(0x0031, _u32(0))  # MODULEOFFSET: source starts at byte 0
        out += _record(0x001E, _u32(0))  # MODULEHELPCONTEXT
        out += _record(0x002C, _u16(0xFFFF))  # MODULECOOKIE
        type_id = 0x0021 if m.kind is ModuleKind.STANDARD else 0x0022
        out += _u16(type_id) + _u32(0)  # MODULETYPE: Reserved, not a size
        out += _u16(0x002B) + _u32(0)  # module Terminator
    out += _u16(0x0010) + _u32(0)  # dir stream Terminator
    return bytes(out)


# --- PROJECT stream (2.3.1) and its obfuscated fields (2.4.3) ---------------------------


def encrypt_data(project_id: str, data: bytes, seed: int = _ENCRYPTION_SEED) -> str:
    """Data Encryption (2.4.3.2) as hex text, for CMG, DPB and GC.

    This is obfuscation, not security: the key is the byte sum of the project id.
    """
    version = 2
    proj_key = sum(_mbcs(project_id)) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unencrypted_1 = proj_key
    encrypted_1 = out[2]
    encrypted_2 = out[1]
    ignored_length = (seed & 6) // 2
    plain = bytes(ignored_length) + len(data).to_bytes(4, "little") + data
    for byte in plain:
        enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, enc, byte
    return out.hex().upper()


def decrypt_data(project_id: str, hex_text: str) -> bytes:
    """Data Decryption (2.4.3.3): the inverse of :func:`encrypt_data` (used by tests)."""
    enc = bytes.fromhex(hex_text)
    seed, version_enc, proj_key_enc = enc[0], enc[1], enc[2]
    if seed ^ version_enc != 2:
        raise ValueError("not version 2 encrypted data")
    proj_key = seed ^ proj_key_enc
    if proj_key != sum(_mbcs(project_id)) & 0xFF:
        raise ValueError("project key does not match the project id")
    unencrypted_1, encrypted_1, encrypted_2 = proj_key, proj_key_enc, version_enc
    plain = bytearray()
    for byte in enc[3:]:
        dec = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(dec)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte, dec
    ignored_length = (seed & 6) // 2
    length = int.from_bytes(plain[ignored_length : ignored_length + 4], "little")
    data = bytes(plain[ignored_length + 4 :])
    if len(data) != length:
        raise ValueError("length field does not match the data")
    return data


def project_id_for(project_name: str) -> str:
    """The fixed project GUID text used in the PROJECT stream ID= line."""
    return "{" + str(uuid.uuid5(_PROJECT_NAMESPACE, project_name)).upper() + "}"


def project_stream(project_name: str, modules: Sequence[VbaModule]) -> bytes:
    """The PROJECT stream text: id, modules, name, protection state, host extender."""
    pid = project_id_for(project_name)
    # ProjectProtectionState: 4 bytes, no protection flags set.
    cmg = encrypt_data(pid, _u32(0))
    # ProjectPassword: one 0x00 byte means "no password".
    dpb = encrypt_data(pid, bytes([0x00]))
    # ProjectVisibilityState: 0xFF means the project is visible in the VBE.
    gc = encrypt_data(pid, bytes([0xFF]))
    lines = [f'ID="{pid}"']
    # ProjectDocModule carries a DocTkLoaderVersion that Excel always writes as &H00000000
    lines += [f"Document={m.name}/&H00000000" if m.kind is ModuleKind.DOCUMENT
              else f"{m.kind.value}={m.name}" for m in modules]
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{cmg}"',
        f'DPB="{dpb}"',
        f'GC="{gc}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
    ]
    return _mbcs("\r\n".join(lines))


def project_wm_stream(modules: Sequence[VbaModule]) -> bytes:
    """PROJECTwm (2.3.3): each module name in MBCS and UTF-16, then a 0x0000 terminator."""
    out = bytearray()
    for m in modules:
        out += _mbcs(m.name) + b"\0" + _utf16(m.name) + b"\0\0"
    return bytes(out + b"\0\0")


def vba_project_stream() -> bytes:
    """_VBA_PROJECT (2.3.4.1): Reserved1 0x61CC, Version 0xFFFF, Reserved2/3; no cache."""
    return _u16(0x61CC) + _u16(0xFFFF) + b"\x00" + _u16(0x0001)


def write_vba_project(
    modules: Iterable[VbaModule],
    *,
    project_name: str = "VBAProject",
    references: Sequence[Reference] = DEFAULT_REFERENCES,
) -> bytes:
    """Build the bytes of a vbaProject.bin (2.2) from module sources."""
    mods = list(modules)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,127}", project_name):
        raise ValueError(f"invalid VBA project name {project_name!r}")
    names = [m.name.upper() for m in mods]
    if len(set(names)) != len(names):
        raise ValueError("module names must be unique (VBA compares them without case)")
    vba = Storage(
        "VBA",
        (
            Stream("_VBA_PROJECT", vba_project_stream()),
            Stream("dir", compress(dir_stream(project_name, mods, references))),
            *(Stream(m.name, compress(_mbcs(m.code))) for m in mods),
        ),
    )
    return write_compound_file(
        (
            Stream("PROJECT", project_stream(project_name, mods)),
            Stream("PROJECTwm", project_wm_stream(mods)),
            vba,
        )
    )
