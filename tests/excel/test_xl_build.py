"""Zip-level assembly of sop_master.xlsm and sop_xl.xlam."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from sop_xl.excel.build import (
    CT_VBA_PROJECT,
    CT_XLAM,
    CT_XLSM,
    MACROS_DIR,
    REL_UI_EXTENSIBILITY,
    REL_VBA_PROJECT,
    build_all,
    build_workbook,
    main_build,
    read_macros,
)
from sop_xl.excel.ribbon_xml import master_ribbon
from sop_xl.excel.vba.project import ModuleKind, VbaModule
from sop_xl.excel.vba.xlwings_runtime import load_runtime

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CHANGED = {"[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels"}
# parts that gain a codeName (workbookPr, sheetPr) and nothing else
CODE_NAMED = {"xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
ADDED = {"xl/vbaProject.bin", "customUI/customUI14.xml"}
ReadVba = Callable[[bytes], dict[str, tuple[int, str]]]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _content_types(parts: dict[str, bytes]) -> tuple[dict[str, str], dict[str, str]]:
    root = ET.fromstring(parts["[Content_Types].xml"])
    defaults = {d.get("Extension"): d.get("ContentType") for d in root.iter(f"{CT}Default")}
    overrides = {o.get("PartName"): o.get("ContentType") for o in root.iter(f"{CT}Override")}
    return defaults, overrides


def _without_code_names(data: bytes) -> bytes:
    """The part in canonical form with codeName attributes (and a sheetPr or workbookPr
    left empty by their removal) taken out."""
    root = etree.fromstring(data)
    for el in list(root.iter()):
        el.attrib.pop("codeName", None)
        if etree.QName(el).localname in ("workbookPr", "sheetPr") and not len(el) \
                and not el.attrib:
            el.getparent().remove(el)
    return etree.tostring(root, method="c14n")


def _rels(parts: dict[str, bytes], name: str) -> list[tuple[str, str, str]]:
    root = ET.fromstring(parts[name])
    return [(r.get("Id"), r.get("Type"), r.get("Target")) for r in root.iter(f"{REL}Relationship")]


@pytest.mark.parametrize(("index", "ctype"), [(0, CT_XLSM), (1, CT_XLAM)])
def test_content_types_and_relationships(built: tuple[Path, Path], index: int, ctype: str) -> None:
    parts = _parts(built[index])
    _defaults, overrides = _content_types(parts)
    assert overrides["/xl/workbook.xml"] == ctype
    assert overrides["/xl/vbaProject.bin"] == CT_VBA_PROJECT
    for part in overrides:
        assert part.lstrip("/") in parts, f"Override for a missing part {part}"
    assert next(iter(parts)) == "[Content_Types].xml"

    root_rels = _rels(parts, "_rels/.rels")
    ui = [t for _i, typ, t in root_rels if typ == REL_UI_EXTENSIBILITY]
    assert ui == ["customUI/customUI14.xml"]
    wb_rels = _rels(parts, "xl/_rels/workbook.xml.rels")
    vba = [t for _i, typ, t in wb_rels if typ == REL_VBA_PROJECT]
    assert vba == ["vbaProject.bin"]
    for rels in (root_rels, wb_rels):
        ids = [i for i, _t, _g in rels]
        assert len(ids) == len(set(ids)), "relationship ids must be unique"
    source = (MACROS_DIR / "customUI14.xml").read_text(encoding="utf-8")
    # the add-in's ribbon is the source; the master's hides its groups while the add-in is
    # open (one tab)
    want = source if ctype == CT_XLAM else master_ribbon(source)
    assert parts["customUI/customUI14.xml"] == want.encode("utf-8")


def test_other_parts_copied_byte_identical(base_xlsx: Path, built: tuple[Path, Path]) -> None:
    base = _parts(base_xlsx)
    out = _parts(built[0])
    assert set(out) == set(base) | ADDED
    for name, data in base.items():
        if name not in CHANGED | CODE_NAMED:
            assert out[name] == data, name
    for name in CODE_NAMED:
        assert _without_code_names(out[name]) == _without_code_names(base[name]), name
    # The changed parts keep everything the base had.
    base_ct = _content_types(base)
    out_ct = _content_types(out)
    assert out_ct[0] == base_ct[0]
    for part, ctype in base_ct[1].items():
        if part != "/xl/workbook.xml":
            assert out_ct[1][part] == ctype
    for name in ("_rels/.rels", "xl/_rels/workbook.xml.rels"):
        assert set(_rels(base, name)) <= set(_rels(out, name))


@pytest.mark.parametrize("index", [0, 1])
def test_olevba_reads_back_the_macros_sources(
    built: tuple[Path, Path], read_vba: ReadVba, index: int
) -> None:
    parts = _parts(built[index])
    got = read_vba(parts["xl/vbaProject.bin"])
    own, _ribbon = read_macros()
    for path in sorted(MACROS_DIR.glob("*.bas")):
        # The .bas text is the module stream text, byte for byte (CRLF kept).
        assert got[path.stem][1] == path.read_bytes().decode("cp1252"), path.name
    runtime = load_runtime(addin=index == 1).modules
    sheets = ["Sheet1", "Sheet2"] if index == 0 else ["Sheet1"]
    code = [m for m in own if m.kind is not ModuleKind.DOCUMENT]
    # the document modules first, as Excel orders them: the workbook, then each sheet
    assert list(got) == ["ThisWorkbook", *sheets, *[m.name for m in [*code, *runtime]]]
    for m in runtime:
        assert got[m.name][1] == m.code


def test_runtime_flavours(built: tuple[Path, Path], read_vba: ReadVba) -> None:
    master = read_vba(_parts(built[0])["xl/vbaProject.bin"])["xlwings"][1]
    addin = read_vba(_parts(built[1])["xl/vbaProject.bin"])["xlwings"][1]
    # The add-in runs Python for the planner's workbook, the master for itself.
    assert "Set wb = ActiveWorkbook" in addin and "Set wb = ThisWorkbook" in master
    assert 'PROJECT_NAME As String = "sop_xl"' in addin
    assert 'PROJECT_NAME As String = "sop_xl"' in master


def test_build_twice_gives_identical_bytes(base_xlsx: Path, tmp_path: Path) -> None:
    a = build_all(base_xlsx, tmp_path / "a")
    b = build_all(base_xlsx, tmp_path / "b")
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes()
    with zipfile.ZipFile(a[0]) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_openpyxl_still_reads_the_workbook(built: tuple[Path, Path]) -> None:
    wb = openpyxl.load_workbook(built[0], keep_vba=True)
    assert wb.sheetnames == ["Items", "Plan 计划"]
    assert wb["Plan 计划"]["C1"].value == "=B1*2"
    assert wb.vba_archive is not None


def test_build_workbook_from_sources_with_class(
    base_xlsx: Path, tmp_path: Path, read_vba: ReadVba
) -> None:
    cls = (
        "VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\n"
        'Attribute VB_Name = "Thing"\r\nAttribute VB_Exposed = False\r\n'
        "Public Name As String\r\n"
    )
    out = build_workbook(
        base_xlsx,
        tmp_path / "x.xlsm",
        modules={"M1": 'Attribute VB_Name = "M1"\nSub A()\nEnd Sub\n', "Thing": cls},
        ribbon_xml=None,
        addin=False,
    )
    parts = _parts(out)
    got = read_vba(parts["xl/vbaProject.bin"])
    assert got["M1"] == (0x21, 'Attribute VB_Name = "M1"\r\nSub A()\r\nEnd Sub\r\n')
    assert got["Thing"][0] == 0x22
    assert "customUI/customUI14.xml" not in parts


def test_rebuilding_a_built_workbook_replaces_vba_and_ribbon(
    built: tuple[Path, Path], tmp_path: Path, read_vba: ReadVba
) -> None:
    modules = {"Only": 'Attribute VB_Name = "Only"\r\n'}
    ribbon = (MACROS_DIR / "customUI14.xml").read_text(encoding="utf-8")
    out = build_workbook(
        built[0], tmp_path / "again.xlsm", modules=modules, ribbon_xml=ribbon, addin=False
    )
    parts = _parts(out)
    # the code names the first build gave stay; their modules come back, empty
    assert list(read_vba(parts["xl/vbaProject.bin"])) == ["ThisWorkbook", "Sheet1", "Sheet2",
                                                          "Only"]
    assert (
        sum(t == REL_VBA_PROJECT for _i, t, _g in _rels(parts, "xl/_rels/workbook.xml.rels")) == 1
    )
    assert sum(t == REL_UI_EXTENSIBILITY for _i, t, _g in _rels(parts, "_rels/.rels")) == 1
    _d, overrides = _content_types(parts)
    assert list(overrides).count("/xl/vbaProject.bin") == 1


def test_failed_build_leaves_target_and_folder_untouched(base_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "keep.xlsm"
    out.write_bytes(b"previous build")
    with pytest.raises(ValueError):
        build_workbook(base_xlsx, out, modules={}, ribbon_xml="<customUI/>", addin=False)
    assert out.read_bytes() == b"previous build"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.xlsm"]


def test_extension_must_match_content_type(base_xlsx: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.xlam"):
        build_workbook(base_xlsx, tmp_path / "a.xlsm", modules={}, ribbon_xml=None, addin=True)
    with pytest.raises(ValueError, match=r"\.xlsm"):
        build_workbook(base_xlsx, tmp_path / "a.xlsx", modules={}, ribbon_xml=None, addin=False)


def test_module_key_must_match_vb_name(base_xlsx: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="VB_Name"):
        build_workbook(
            base_xlsx,
            tmp_path / "a.xlsm",
            modules={"Other": 'Attribute VB_Name = "M1"\r\n'},
            ribbon_xml=None,
            addin=False,
        )


def test_main_build_without_base(tmp_path: Path, read_vba: ReadVba) -> None:
    xlsm, xlam = main_build(tmp_path, None)
    assert (xlsm.name, xlam.name) == ("sop_master.xlsm", "sop_xl.xlam")
    for path in (xlsm, xlam):
        parts = _parts(path)
        assert "SopRibbon" in read_vba(parts["xl/vbaProject.bin"])
    # openpyxl does not know the add-in content type; LibreOffice tests open the .xlam.
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    assert wb.sheetnames == ["S&OP"]


def test_macros_modules_do_not_clash_with_runtime() -> None:
    own, _ = read_macros()
    runtime = [m.name.lower() for m in load_runtime(addin=False).modules]
    assert not {m.name.lower() for m in own} & set(runtime)
    assert all(isinstance(m, VbaModule) for m in own)


def test_replaced_vba_project_takes_its_signature_along(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    signed = tmp_path / "signed.xlsm"
    parts = _parts(built[0])
    sig_type = "http://schemas.microsoft.com/office/2006/relationships/vbaProjectSignature"
    parts["xl/_rels/vbaProject.bin.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{sig_type}" Target="vbaProjectSignature.bin"/>'
        "</Relationships>"
    ).encode()
    parts["xl/vbaProjectSignature.bin"] = b"old signature"
    with zipfile.ZipFile(signed, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    out = build_workbook(
        signed,
        tmp_path / "resigned.xlsm",
        modules={"Only": 'Attribute VB_Name = "Only"\r\n'},
        ribbon_xml=None,
        addin=False,
    )
    names = set(_parts(out))
    assert "xl/vbaProjectSignature.bin" not in names
    assert "xl/_rels/vbaProject.bin.rels" not in names
    assert "customUI/customUI14.xml" in names  # no new ribbon given: the old one stays
