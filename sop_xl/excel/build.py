"""Build the macro workbooks (.xlsm, .xlam) from the text sources in macros/.

Zip-level assembly of an Office Open XML package ([ECMA-376] Part 2, OPC): the base
workbook's parts are copied byte for byte, except the three we must change:

* ``[Content_Types].xml``: the workbook part becomes macro-enabled (or an add-in) and
  ``xl/vbaProject.bin`` gets an Override of type application/vnd.ms-office.vbaProject;
* the workbook's relationships: one to vbaProject.bin ([MS-OFFMACRO2] 2.2.1.4);
* ``_rels/.rels``: one to ``customUI/customUI14.xml`` ([MS-CUSTOMUI] 2.1).

Builds are reproducible (fixed zip timestamps and attributes, deterministic
vbaProject.bin) and atomic (temporary file in the target folder, then os.replace).
"""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from sop_xl.excel.vba.project import VbaModule, write_vba_project
from sop_xl.excel.vba.xlwings_runtime import load_runtime

#: Folder with the VBA modules (.bas) and ribbon XML: the source of truth.
MACROS_DIR = Path(__file__).resolve().parents[2] / "macros"
RIBBON_FILE = "customUI14.xml"
MASTER_NAME = "sop_master.xlsm"
ADDIN_NAME = "sop_xl.xlam"

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOMUI14_NS = "http://schemas.microsoft.com/office/2009/07/customui"
REL_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
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
_XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


@dataclass(frozen=True)
class _Part:
    name: str
    data: bytes


def _read_parts(path: Path) -> list[_Part]:
    with zipfile.ZipFile(path) as zf:
        return [_Part(i.filename, zf.read(i)) for i in zf.infolist() if not i.is_dir()]


def _serialise(root: ET.Element, namespace: str) -> bytes:
    """Write a flat OPC XML part ([Content_Types].xml or a .rels part) with ``namespace``
    as the default namespace. Hand-written because ElementTree would invent ns0: prefixes
    (or refuse unprefixed attributes with default_namespace); both schemas are one root
    with childless, attribute-only children."""

    def local(tag: str) -> str:
        ns, _, name = tag[1:].partition("}")
        if ns != namespace:
            raise ValueError(f"unexpected element {tag} in an OPC part")
        return name

    def attrs(el: ET.Element) -> str:
        if any(k.startswith("{") for k in el.attrib):
            raise ValueError(f"unexpected namespaced attribute on {el.tag}")
        return "".join(f" {k}={quoteattr(v)}" for k, v in el.attrib.items())

    body = []
    for child in root:
        if len(child) or (child.text or "").strip():
            raise ValueError(f"unexpected content in {child.tag}")
        body.append(f"<{local(child.tag)}{attrs(child)}/>")
    text = (
        f'<{local(root.tag)} xmlns="{namespace}"{attrs(root)}>{"".join(body)}</{local(root.tag)}>'
    )
    return _XML_DECL + text.encode("utf-8")


def _rels_name(part: str) -> str:
    """Relationships part of a part (OPC 9.3): a/b.xml -> a/_rels/b.xml.rels."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(source_part: str, target: str) -> str:
    """Part name a relationship target points at, relative to its source part."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _relationships(data: bytes | None) -> ET.Element:
    if data is None:
        return ET.Element(f"{{{REL_NS}}}Relationships")
    return ET.fromstring(data)


def _replace_relationship(rels: ET.Element, rel_type: str, target: str) -> list[str]:
    """Drop relationships of ``rel_type``, add one to ``target``; return dropped targets."""
    dropped = []
    for rel in list(rels):
        if rel.get("Type") == rel_type:
            dropped.append(rel.get("Target", ""))
            rels.remove(rel)
    used = {rel.get("Id") for rel in rels}
    n = 1
    while f"rId{n}" in used:
        n += 1
    ET.SubElement(
        rels, f"{{{REL_NS}}}Relationship", {"Id": f"rId{n}", "Type": rel_type, "Target": target}
    )
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
    root = ET.fromstring(ribbon_xml.encode("utf-8"))
    if root.tag != f"{{{CUSTOMUI14_NS}}}customUI":
        raise ValueError(f"ribbon XML root must be customUI in {CUSTOMUI14_NS}, got {root.tag}")
    return ribbon_xml.encode("utf-8")


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

    # Find the workbook through the package relationship, not a hard-coded name.
    root_rels = _relationships(by_name.get("_rels/.rels"))
    doc_targets = [r.get("Target", "") for r in root_rels if r.get("Type") == REL_OFFICE_DOCUMENT]
    if len(doc_targets) != 1:
        raise ValueError("package must have exactly one officeDocument relationship")
    workbook = _resolve("", doc_targets[0])
    vba_part = posixpath.join(posixpath.dirname(workbook), VBA_PART)

    types = ET.fromstring(by_name["[Content_Types].xml"])
    overrides = {o.get("PartName"): o for o in types.iter(f"{{{CT_NS}}}Override")}
    wb_override = overrides.get("/" + workbook)
    if wb_override is None or wb_override.get("ContentType") not in _WORKBOOK_TYPES:
        raise ValueError(f"{workbook} is not declared as a workbook in [Content_Types].xml")

    removed: set[str] = set()
    wb_rels_name = _rels_name(workbook)
    wb_rels = _relationships(by_name.get(wb_rels_name))
    for old in _replace_relationship(wb_rels, REL_VBA_PROJECT, posixpath.basename(vba_part)):
        removed.add(_resolve(workbook, old))
    if ribbon_xml is not None:
        for old in _replace_relationship(root_rels, REL_UI_EXTENSIBILITY, CUSTOMUI_PART):
            removed.add(_resolve("", old))

    # A replaced part takes its own relationships along (a VBA project signature,
    # ribbon images): they belong to the old part and would dangle.
    for part in list(removed):
        rels_name = _rels_name(part)
        if rels_name in by_name:
            removed.add(rels_name)
            for rel in _relationships(by_name[rels_name]):
                if rel.get("TargetMode") != "External":
                    removed.add(_resolve(part, rel.get("Target", "")))

    wb_override.set("ContentType", CT_XLAM if addin else CT_XLSM)
    for part in removed | {vba_part}:
        stale = overrides.get("/" + part)
        if stale is not None:
            types.remove(stale)
    ET.SubElement(
        types, f"{{{CT_NS}}}Override", {"PartName": "/" + vba_part, "ContentType": CT_VBA_PROJECT}
    )
    # customUI14.xml needs no Override: the package's Default for "xml" covers it.

    new_parts: dict[str, bytes] = {
        "[Content_Types].xml": _serialise(types, CT_NS),
        "_rels/.rels": _serialise(root_rels, REL_NS),
        wb_rels_name: _serialise(wb_rels, REL_NS),
        vba_part: write_vba_project(modules, project_name=project_name),
    }
    if ribbon_xml is not None:
        new_parts[CUSTOMUI_PART] = _check_ribbon(ribbon_xml)

    # [Content_Types].xml first, as Excel writes it (openpyxl puts it last); the other
    # parts keep the base's order.
    ordered: list[tuple[str, bytes]] = [
        ("[Content_Types].xml", new_parts.pop("[Content_Types].xml"))
    ]
    for p in parts:
        if p.name == "[Content_Types].xml":
            continue
        if p.name in removed or p.name == vba_part:
            continue
        ordered.append((p.name, new_parts.pop(p.name, p.data)))
    ordered += list(new_parts.items())
    _write_zip(out, ordered)
    return out


def _write_zip(out: Path, entries: Sequence[tuple[str, bytes]]) -> None:
    """Write entries with fixed metadata to a temp file beside ``out``, then replace it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w") as zf:
                for name, data in entries:
                    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.create_system = 0  # the default depends on the OS building
                    info.external_attr = 0
                    zf.writestr(info, data, compresslevel=6)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates the file 0600; give it the mode a plain open() would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    VERSION header); ``ribbon_xml`` is customUI14 XML or None for no ribbon. Every part
    of ``base`` other than the content types and the two relationship parts is copied
    unchanged. A VBA project in ``base`` is replaced, and so is a customUI14 ribbon if
    ``ribbon_xml`` is given; parts only those used (signature, images) are dropped.
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


def _blank_workbook_parts(sheet_name: str) -> list[_Part]:
    """A minimal, fixed .xlsx (one empty sheet): the add-in's base, and the master's
    base until the template exists. Written here, not by openpyxl, whose docProps carry
    the current time and would make the build irreproducible."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    od = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    decl = _XML_DECL.decode()
    texts = {
        "[Content_Types].xml": (
            f'{decl}<Types xmlns="{CT_NS}">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT_XLSX}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sml}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{sml}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'{decl}<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_OFFICE_DOCUMENT}" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{decl}<workbook xmlns="{ns}" xmlns:r="{od}"><sheets>'
            f'<sheet name={quoteattr(sheet_name)} sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{decl}<Relationships xmlns="{REL_NS}">'
            f'<Relationship Id="rId1" Type="{od}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{od}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": f'{decl}<worksheet xmlns="{ns}"><sheetData/></worksheet>',
        "xl/styles.xml": (
            f'{decl}<styleSheet xmlns="{ns}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
            'xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        ),
    }
    return [_Part(name, text.encode("utf-8")) for name, text in texts.items()]


def build_all(
    base_master_xlsx: Path | None,
    out_dir: Path,
    *,
    macros_dir: Path = MACROS_DIR,
) -> tuple[Path, Path]:
    """Build sop_master.xlsm (from the master base workbook) and sop_xl.xlam.

    Both get the modules in ``macros_dir``, the xlwings VBA runtime of the installed
    xlwings (see :mod:`sop_xl.excel.vba.xlwings_runtime`) and the ribbon. The add-in is
    built on a fixed one-sheet workbook; so is the master if ``base_master_xlsx`` is None.
    """
    own, ribbon = read_macros(macros_dir)
    master_modules = own + list(load_runtime(addin=False).modules)
    addin_modules = own + list(load_runtime(addin=True).modules)
    _check_unique(master_modules)
    master_parts = (
        _read_parts(base_master_xlsx)
        if base_master_xlsx is not None
        else _blank_workbook_parts("S&OP")
    )
    xlsm = _assemble(
        master_parts,
        out_dir / MASTER_NAME,
        modules=master_modules,
        ribbon_xml=ribbon,
        addin=False,
        project_name="SopMaster",
    )
    xlam = _assemble(
        _blank_workbook_parts("sop_xl"),
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
