"""The fixed one-sheet workbook the add-in is built on (and the master, without a base).

Written here rather than by openpyxl, whose docProps carry the current time and would
make the build irreproducible. It holds what Excel itself puts in a new workbook and the
Open XML SDK requires of one: a workbook with a theme (the SDK's semantic check demands
the theme relationship of a workbook part), styles and one worksheet.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from openpyxl.writer.theme import theme_xml

from sop_xl.workbook import ooxml

__all__ = ["blank_workbook_parts"]

_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def _theme() -> bytes:
    # openpyxl's copy of the Office theme Excel writes into every new workbook
    return ooxml.serialize(ooxml.parse(theme_xml.encode("utf-8")))


def blank_workbook_parts(sheet_name: str) -> list[tuple[str, bytes]]:
    """(part name, bytes) of a workbook with one empty sheet called ``sheet_name``."""
    ct, rel, main = ooxml.CONTENT_TYPES, ooxml.PKG_REL, ooxml.MAIN
    texts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{ct}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>'
            '<Override PartName="/xl/theme/theme1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_SML}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{rel}"><Relationship Id="rId1" '
            f'Type="{_OD}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{_OD}"><sheets>'
            f'<sheet name={quoteattr(sheet_name)} sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{rel}">'
            f'<Relationship Id="rId1" Type="{_OD}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_OD}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{_OD}/theme" Target="theme/theme1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData/></worksheet>',
        "xl/styles.xml": (
            f'<styleSheet xmlns="{main}">'
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
    parts = [(name, (_DECLARATION + text).encode("utf-8")) for name, text in texts.items()]
    parts.insert(4, ("xl/theme/theme1.xml", _theme()))
    return parts
