"""The look of the sheets sop_xl writes: one catalogue of cell styles and conditional-format
styles, shared by every sheet and both backends.

Colours follow the conventions planners know from financial models and SAP's planning
table: yellow cells with blue figures may be typed in, everything else is computed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# Number formats
QTY = "#,##0;[Red]-#,##0"
QTY1 = "#,##0.0;[Red]-#,##0.0"
NUM2 = "#,##0.00;[Red]-#,##0.00"
PCT = "0.0%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
MONTH = "yyyy-mm"

INPUT_FILL = "FFF2CC"
INPUT_FONT = "0000FF"
HEADER_FILL = "1F4E78"
FROZEN_FILL = "D9D9D9"
PAST_FILL = "EDEDED"


@dataclass(frozen=True)
class CellStyle:
    """A cell's font, fill, border, number format, alignment and protection."""

    numfmt: str = "General"
    bold: bool = False
    italic: bool = False
    size: float = 10
    color: str | None = None          # font colour, RRGGBB
    fill: str | None = None           # solid fill, RRGGBB
    border: str | None = None         # "thin" box, "top" medium line, "bottom" thin line
    halign: str | None = None         # "left", "center", "right"
    valign: str | None = None
    wrap: bool = False
    indent: int = 0
    locked: bool = True

    def but(self, **changes) -> CellStyle:
        return replace(self, **changes)


@dataclass(frozen=True)
class DxfStyle:
    """A conditional-format style (font colour, fill, bold)."""

    color: str | None = None
    fill: str | None = None
    bold: bool = False


BASE = CellStyle()
CELL_STYLES: dict[str, CellStyle] = {
    "default": BASE,
    "title": BASE.but(bold=True, size=14, color=HEADER_FILL),
    "subtitle": BASE.but(italic=True, color="595959"),
    "header": BASE.but(bold=True, color="FFFFFF", fill=HEADER_FILL, border="thin",
                       halign="center", valign="center", wrap=True),
    "text": BASE,
    "text_wrap": BASE.but(wrap=True, valign="top"),
    "int": BASE.but(numfmt="0"),
    "qty": BASE.but(numfmt=QTY),
    "qty1": BASE.but(numfmt=QTY1),
    "num2": BASE.but(numfmt=NUM2),
    "pct": BASE.but(numfmt=PCT),
    "date": BASE.but(numfmt=DATE, halign="center"),
    "datetime": BASE.but(numfmt=DATETIME, halign="center"),
    "month": BASE.but(numfmt=MONTH, halign="center"),
    "input": BASE.but(fill=INPUT_FILL, color=INPUT_FONT, locked=False),
    # planning grids
    "period_header": BASE.but(bold=True, color="FFFFFF", fill=HEADER_FILL, halign="center",
                              border="thin"),
    "period_header_frozen": BASE.but(bold=True, color="FFFFFF", fill="7F7F7F",
                                     halign="center", border="thin"),
    "period_header_past": BASE.but(bold=True, color="1F1F1F", fill="BDD7EE", halign="center",
                                   border="thin"),
    "workdays": BASE.but(italic=True, size=8, color="7F7F7F", halign="center", numfmt="0"),
    "block_attr": BASE.but(color="595959"),
    "block_first": BASE.but(bold=True, border="top"),
    "measure": BASE.but(indent=1),
    "measure_bold": BASE.but(bold=True, indent=1),
    "measure_input": BASE.but(indent=1, color=INPUT_FONT),
    "cell": BASE.but(numfmt=QTY),
    "cell_bold": BASE.but(numfmt=QTY, bold=True),
    "cell_input": BASE.but(numfmt=QTY, fill=INPUT_FILL, color=INPUT_FONT, locked=False,
                           bold=True),
    "cell_frozen": BASE.but(numfmt=QTY, fill=FROZEN_FILL),
    "cell_past": BASE.but(numfmt=QTY, fill=PAST_FILL, color="595959"),
    "cell_firmed": BASE.but(numfmt=QTY, fill="BDD7EE", color=INPUT_FONT, locked=False,
                            bold=True),
    "cell_less": BASE.but(numfmt=QTY, fill="F8CBAD", color=INPUT_FONT, locked=False,
                          bold=True),
    "cell_more": BASE.but(numfmt=QTY, fill="C6EFCE", color=INPUT_FONT, locked=False,
                          bold=True),
    "cell_info": BASE.but(numfmt=QTY, italic=True, color="7F7F7F"),
    # forecast-part cells taken from the sales assistants; sales cells flagged for pre-S&OP
    "cell_sales": BASE.but(numfmt=QTY, fill="DDEBF7"),
    "cell_flag": BASE.but(numfmt=QTY, fill="FFC7CE", color="9C0006", bold=True),
    # a history cell the forecast engine replaced as an outlier (red, like an exception)
    "cell_outlier": BASE.but(numfmt=QTY, fill="FFC7CE", color="9C0006", bold=True),
    "legend": BASE.but(size=9, italic=True, color="595959"),
}

DXF_STYLES: dict[str, DxfStyle] = {
    "bad": DxfStyle(color="9C0006", fill="FFC7CE"),
    "warn": DxfStyle(color="9C5700", fill="FFEB9C"),
    "good": DxfStyle(color="006100", fill="C6EFCE"),
    "bold_red": DxfStyle(color="C00000", bold=True),
}


def resolve(style: str | CellStyle) -> CellStyle:
    """A style by name, or the style itself."""
    if isinstance(style, CellStyle):
        return style
    return CELL_STYLES[style]
