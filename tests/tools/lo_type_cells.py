"""Run by the system Python (which has LibreOffice's uno module): open a workbook in
LibreOffice, type numbers or text into cells as a planner does, recalculate every formula
(calculateAll, a hard recalculation) and save it as .xlsx.

Usage: python3 lo_type_cells.py IN OUT PROFILE_DIR EDITS_JSON
EDITS_JSON: [["Sheet", "B7", 123.0], ["Plants", "D3", "Monday to Saturday"], ...]
"""

import json
import sys

from lo_session import opened, save_xlsx


def main(src, dst, profile, edits):
    with opened(src, profile) as doc:
        sheets = doc.Sheets
        for sheet, ref, value in json.loads(edits):
            cell = sheets.getByName(sheet).getCellRangeByName(ref)
            if isinstance(value, str):
                cell.setString(value)
            else:
                cell.setValue(float(value))
        doc.calculateAll()
        save_xlsx(doc, dst)


if __name__ == "__main__":
    main(*sys.argv[1:5])
