"""Build the macro workbooks (.xlsm, .xlam) from the text sources in sop_xl/excel/macros.

Zip-level assembly of an Office Open XML package ([ECMA-376] Part 2, OPC): the base
workbook's parts are copied byte for byte, except those we must change, which are parsed
and edited as trees with lxml (sop_xl.workbook.ooxml), keeping their producer's prefixes:

* ``[Content_Types].xml``: the workbook part becomes macro-enabled (or an add-in) and
  ``xl/vbaProject.bin`` gets an Override of type application/vnd.ms-office.vbaProject;
* the workbook's relationships: one to vbaProject.bin ([MS-OFFMACRO2] 2.2.1.4);
* ``_rels/.rels``: one to ``customUI/customUI14.xml`` ([MS-CUSTOMUI] 2.1);
* ``xl/workbook.xml`` and each sheet: a ``codeName`` (Part 1, §18.2.28 workbookPr and
  §18.3.1.82 sheetPr), the names of the document modules the VBA project carries for
  the workbook and its sheets, as in every project Excel saves.

Builds are reproducible (fixed zip timestamps and attributes, deterministic
vbaProject.bin) and atomic: written through ``sop_xl.workbook.package.atomic_path``, the
one writer every file sop_xl makes goes through (and which parses every XML part first
when ``SOP_XL_VERIFY_PARTS`` is set).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from sop_xl.excel.blank import blank_workbook_parts
from sop_xl.excel.ribbon_xml import master_ribbon
from sop_xl.excel.vba.project import (
    CHARTSHEET_BASE,
    WORKBOOK_BASE,
    WORKSHEET_BASE,
    ModuleKind,
    VbaModule,
    write_vba_project,
)
from sop_xl.excel.vba.xlwings_runtime import load_runtime
from sop_xl.workbook import ooxml
from sop_xl.workbook.ooxml import ContentTypes, Relationships
from sop_xl.workbook.package import atomic_path

#: Folder with the VBA modules (.bas, .cls) and ribbon XML: the source of truth, shipped
#: inside the package so that an installed sop_xl (not only a checkout) can build.
MACROS_DIR = Path(__file__).resolve().parent / "macros"
RIBBON_FILE = "customUI14.xml"
#: the document module of the workbook in macros/ (its body goes to whatever code name
#: the workbook has, e.g. "DieseArbeitsmappe" in a workbook a German Excel made)
THIS_WORKBOOK = "ThisWorkbook"
MASTER_NAME = "sop_master.xlsm"
ADDIN_NAME = "sop_xl.xlam"

CT_NS = ooxml.CONTENT_TYPES
REL_NS = ooxml.PKG_REL
CUSTOMUI14_NS = "http://schemas.microsoft.com/office/2009/07/customui"
REL_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_CHARTSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"
REL_VBA_PROJECT = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_UI_EXTENSIBILITY = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CT_VBA_PROJECT = "application/vnd.ms-office.vbaProject"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_XLAM = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
_WORKBOOK_TYPES = {
    CT_XLSX,
    CT_XLSM,
    CT_XLAM,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
VBA_PART = "vbaProject.bin"  # next to the workbook part, as Excel writes it
CUSTOMUI_PART = "customUI/customUI14.xml"

# 1980-01-01 is the earliest DOS date a zip entry can hold; a fixed value makes two
# builds of the same input byte-identical.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# A VBA identifier Excel accepts as a code name (letters, digits, _; 31 characters).
_CODE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")
# CT_Worksheet and CT_Chartsheet both start with sheetPr (Part 1, §18.3.1.99, §18.3.1.12).
_SHEET_FIRST = ("sheetPr",)


@dataclass(frozen=True)
class _Part:
    name: str
    data: bytes


def _read_parts(path: Path) -> list[_Part]:
    with zipfile.ZipFile(path) as zf:
        return [_Part(i.filename, zf.read(i)) for i in zf.infolist() if not i.is_dir()]


def _rels_name(part: str) -> str:
    """Relationships part of a part (OPC 9.3): a/b.xml -> a/_rels/b.xml.rels."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(source_part: str, target: str) -> str:
    """Part name a relationship target points at, relative to its source part."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _relationships(data: bytes | None) -> Relationships:
    if data is None:
        return Relationships(ooxml.parse(ooxml.relationships_xml([])))
    return Relationships(ooxml.parse(data))


def _replace_relationship(rels: Relationships, rel_type: str, target: str) -> list[str]:
    """Drop relationships of ``rel_type``, add one to ``target``; return dropped targets."""
    dropped = []
    for rid, rtype, old_target, _mode in rels.items():
        if rtype == rel_type:
            dropped.append(old_target)
            rels.remove(rid)
    rels.add(rel_type, target)
    return dropped


def _modules_from_sources(modules: Mapping[str, str]) -> list[VbaModule]:
    out = []
    for name, text in modules.items():
        is_class = text.lstrip().startswith("VERSION 1.0 CLASS")
        module = VbaModule.from_cls(text) if is_class else VbaModule.from_bas(text)
        if module.name != name:
            raise ValueError(f"module key {name!r} differs from its VB_Name {module.name!r}")
        out.append(module)
    return out


def _project_name(out: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", out.stem)
    return name if name[:1].isalpha() else "P" + name


def _check_ribbon(ribbon_xml: str) -> bytes:
    data = ribbon_xml.encode("utf-8")
    try:
        root = ooxml.parse(data)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"ribbon XML is not well-formed: {exc}") from None
    if root.tag != f"{{{CUSTOMUI14_NS}}}customUI":
        raise ValueError(f"ribbon XML root must be customUI in {CUSTOMUI14_NS}, got {root.tag}")
    return data


# -- code names: the workbook's and sheets' side of the document modules ----------------

@dataclass(frozen=True)
class _Document:
    """A document module the workbook needs: its code name and the Excel class behind."""

    name: str
    base: str


def _set_code_names(parts: dict[str, bytes], workbook: str, taken: set[str]) -> list[_Document]:
    """Give the workbook and each of its sheets a code name (keeping those they have) and
    return their document modules in sheet order, ThisWorkbook first. ``parts`` is
    updated with the edited workbook and sheet parts."""
    wb = ooxml.parse(parts[workbook])
    pr = ooxml.child(wb, "workbookPr")
    if pr is None:
        pr = ooxml.make(wb, "workbookPr", order=ooxml.WORKBOOK_ORDER)
    wb_name = pr.get("codeName") or THIS_WORKBOOK
    if not _CODE_NAME.fullmatch(wb_name):
        wb_name = THIS_WORKBOOK
    pr.set("codeName", wb_name)
    used = {n.lower() for n in taken} | {wb_name.lower()}
    documents = [_Document(wb_name, WORKBOOK_BASE)]
    parts[workbook] = ooxml.serialize(wb)

    rels = _relationships(parts.get(_rels_name(workbook)))
    targets = {rid: (rtype, target) for rid, rtype, target, _ in rels.items()}
    sheets = ooxml.child(wb, "sheets")
    n = 0
    for el in ooxml.children(sheets, "sheet") if sheets is not None else []:
        rtype, target = targets.get(el.get(f"{{{ooxml.REL}}}id", ""), ("", ""))
        if rtype not in (REL_WORKSHEET, REL_CHARTSHEET):
            continue  # dialog and macro sheets have no document module of this kind
        part = _resolve(workbook, target)
        root = ooxml.parse(parts[part])
        sheet_pr = ooxml.child(root, "sheetPr")
        if sheet_pr is None:
            sheet_pr = ooxml.make(root, "sheetPr", order=_SHEET_FIRST)
        name = sheet_pr.get("codeName") or ""
        if not _CODE_NAME.fullmatch(name) or name.lower() in used:
            n += 1
            while f"sheet{n}" in used:
                n += 1
            name = f"Sheet{n}"
        used.add(name.lower())
        sheet_pr.set("codeName", name)
        parts[part] = ooxml.serialize(root)
        documents.append(_Document(
            name, CHARTSHEET_BASE if rtype == REL_CHARTSHEET else WORKSHEET_BASE))
    return documents


def _document_modules(documents: Sequence[_Document],
                      modules: Sequence[VbaModule]) -> list[VbaModule]:
    """The document modules for ``documents``; a document module among ``modules`` (the
    ThisWorkbook.cls of macros/) gives the workbook's its code."""
    given = [m for m in modules if m.kind is ModuleKind.DOCUMENT]
    unknown = [m.name for m in given if m.name != THIS_WORKBOOK]
    if unknown:
        raise ValueError(f"document modules other than {THIS_WORKBOOK} in the sources: "
                         f"{unknown}; sheets get theirs from the workbook")
    body = _body(given[0].code) if given else ""
    out = [VbaModule.document(documents[0].name, documents[0].base, body)]
    out += [VbaModule.document(d.name, d.base) for d in documents[1:]]
    return out


def _body(code: str) -> str:
    """A module's code after its Attribute lines."""
    lines = code.split("\r\n")
    k = 0
    while k < len(lines) and lines[k].startswith("Attribute "):
        k += 1
    return "\r\n".join(lines[k:])


# -- assembly ----------------------------------------------------------------------------

def _assemble(
    parts: Sequence[_Part],
    out: Path,
    *,
    modules: Sequence[VbaModule],
    ribbon_xml: str | None,
    addin: bool,
    project_name: str,
) -> Path:
    by_name = {p.name: p.data for p in parts}
    if "[Content_Types].xml" not in by_name:
        raise ValueError("not an OPC package: [Content_Types].xml missing")
    ribbon = _check_ribbon(ribbon_xml) if ribbon_xml is not None else None

    # Find the workbook through the package relationship, not a hard-coded name.
    root_rels = _relationships(by_name.get("_rels/.rels"))
    doc_targets = [t for _i, rtype, t, _m in root_rels.items() if rtype == REL_OFFICE_DOCUMENT]
    if len(doc_targets) != 1:
        raise ValueError("package must have exactly one officeDocument relationship")
    workbook = _resolve("", doc_targets[0])
    vba_part = posixpath.join(posixpath.dirname(workbook), VBA_PART)

    types = ContentTypes(ooxml.parse(by_name["[Content_Types].xml"]))
    if types.get(workbook) not in _WORKBOOK_TYPES:
        raise ValueError(f"{workbook} is not declared as a workbook in [Content_Types].xml")

    removed: set[str] = set()
    wb_rels_name = _rels_name(workbook)
    wb_rels = _relationships(by_name.get(wb_rels_name))
    for old in _replace_relationship(wb_rels, REL_VBA_PROJECT, posixpath.basename(vba_part)):
        removed.add(_resolve(workbook, old))
    if ribbon is not None:
        for old in _replace_relationship(root_rels, REL_UI_EXTENSIBILITY, CUSTOMUI_PART):
            removed.add(_resolve("", old))

    # A replaced part takes its own relationships along (a VBA project signature,
    # ribbon images): they belong to the old part and would dangle.
    for part in list(removed):
        rels_name = _rels_name(part)
        if rels_name in by_name:
            removed.add(rels_name)
            for _rid, _rtype, target, mode in _relationships(by_name[rels_name]).items():
                if mode != "External":
                    removed.add(_resolve(part, target))

    types.set(workbook, CT_XLAM if addin else CT_XLSM)
    for part in removed | {vba_part}:
        types.drop(part)
    types.set(vba_part, CT_VBA_PROJECT)
    # customUI14.xml needs no Override: the package's Default for "xml" covers it.

    edited = dict(by_name)
    code = [m for m in modules if m.kind is not ModuleKind.DOCUMENT]
    documents = _set_code_names(edited, workbook, {m.name for m in code})
    project = [*_document_modules(documents, modules), *code]

    new_parts: dict[str, bytes] = {
        "[Content_Types].xml": ooxml.serialize(types.root),
        "_rels/.rels": ooxml.serialize(root_rels.root),
        wb_rels_name: ooxml.serialize(wb_rels.root),
        vba_part: write_vba_project(project, project_name=project_name),
    }
    if ribbon is not None:
        new_parts[CUSTOMUI_PART] = ribbon

    # [Content_Types].xml first, as Excel writes it (openpyxl puts it last); the other
    # parts keep the base's order.
    ordered: list[tuple[str, bytes]] = [
        ("[Content_Types].xml", new_parts.pop("[Content_Types].xml"))
    ]
    for p in parts:
        if p.name == "[Content_Types].xml" or p.name in removed or p.name == vba_part:
            continue
        ordered.append((p.name, new_parts.pop(p.name, edited[p.name])))
    ordered += list(new_parts.items())
    _write_zip(out, ordered)
    return out


def _write_zip(out: Path, entries: Sequence[tuple[str, bytes]]) -> None:
    """Write entries with fixed metadata through the atomic writer."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the default depends on the OS building
            info.external_attr = 0
            zf.writestr(info, data, compresslevel=6)


def build_workbook(
    base: Path,
    out: Path,
    *,
    modules: dict[str, str],
    ribbon_xml: str | None,
    addin: bool,
    project_name: str | None = None,
) -> Path:
    """Write ``out`` (.xlsm, or .xlam if ``addin``) from the workbook ``base``.

    ``modules`` maps VBA module names to their exported text (.bas, or .cls with its
    VERSION header; a ThisWorkbook.cls gives the workbook's document module its code);
    ``ribbon_xml`` is customUI14 XML or None for no ribbon. Every part of ``base`` other
    than the content types, the two relationship parts and the code names in the
    workbook and sheet parts is copied unchanged. A VBA project in ``base`` is replaced,
    and so is a customUI14 ribbon if ``ribbon_xml`` is given; parts only those used
    (signature, images) are dropped.
    """
    want = ".xlam" if addin else ".xlsm"
    if out.suffix.lower() != want:
        # Excel refuses a file whose extension does not match its content type.
        raise ValueError(f"output for addin={addin} must end in {want}: {out}")
    return _assemble(
        _read_parts(base),
        out,
        modules=_modules_from_sources(modules),
        ribbon_xml=ribbon_xml,
        addin=addin,
        project_name=project_name or _project_name(out),
    )


# --- the sop_xl workbooks --------------------------------------------------------------


def read_macros(macros_dir: Path = MACROS_DIR) -> tuple[list[VbaModule], str]:
    """The committed VBA modules (sorted by file name) and the ribbon XML."""
    files = sorted(macros_dir.glob("*.bas")) + sorted(macros_dir.glob("*.cls"))
    if not files:
        raise FileNotFoundError(f"no .bas/.cls files in {macros_dir}")
    modules = [VbaModule.from_file(f) for f in files]
    ribbon = (macros_dir / RIBBON_FILE).read_text(encoding="utf-8")
    return modules, ribbon


def build_all(
    base_master_xlsx: Path | None,
    out_dir: Path,
    *,
    macros_dir: Path = MACROS_DIR,
    master_extra: Sequence[VbaModule] = (),
    addin_extra: Sequence[VbaModule] = (),
    addin_sheet: str = "sop_xl",
) -> tuple[Path, Path]:
    """Build sop_master.xlsm (from the master base workbook) and sop_xl.xlam.

    Both get the modules in ``macros_dir``, the xlwings VBA runtime of the installed
    xlwings (see :mod:`sop_xl.excel.vba.xlwings_runtime`), their ``*_extra`` modules
    (generated ones) and the ribbon: the add-in owns it, the master's shows only while
    the add-in is not open (sop_xl.excel.ribbon_xml). The add-in is built on a fixed
    workbook whose one sheet is ``addin_sheet``; so is the master (one sheet "S&OP") if
    ``base_master_xlsx`` is None.
    """
    own, ribbon = read_macros(macros_dir)
    master_modules = [*own, *master_extra, *load_runtime(addin=False).modules]
    addin_modules = [*own, *addin_extra, *load_runtime(addin=True).modules]
    _check_unique(master_modules)
    _check_unique(addin_modules)
    master_parts = (
        _read_parts(base_master_xlsx)
        if base_master_xlsx is not None
        else [_Part(n, d) for n, d in blank_workbook_parts("S&OP")]
    )
    xlsm = _assemble(
        master_parts,
        out_dir / MASTER_NAME,
        modules=master_modules,
        ribbon_xml=master_ribbon(ribbon),
        addin=False,
        project_name="SopMaster",
    )
    xlam = _assemble(
        [_Part(n, d) for n, d in blank_workbook_parts(addin_sheet)],
        out_dir / ADDIN_NAME,
        modules=addin_modules,
        ribbon_xml=ribbon,
        addin=True,
        project_name="SopXL",
    )
    return xlsm, xlam


def _check_unique(modules: Sequence[VbaModule]) -> None:
    names = [m.name.lower() for m in modules]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise ValueError(f"module names used twice (macros/ vs xlwings runtime?): {clash}")


def main_build(out_dir: Path, base: Path | None = None) -> tuple[Path, Path]:
    """Entry for ``sop-xl build``: build both workbooks into ``out_dir``."""
    return build_all(base, Path(out_dir))


__all__ = [
    "ADDIN_NAME",
    "MACROS_DIR",
    "MASTER_NAME",
    "build_all",
    "build_workbook",
    "main_build",
    "read_macros",
]
