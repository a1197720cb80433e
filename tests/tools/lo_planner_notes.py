"""Run by the system Python (which has LibreOffice's uno module): open a master workbook
in LibreOffice, add notes (comments) to cells the way a planner does by hand, and save it
as .xlsx. Usage: python3 lo_planner_notes.py IN OUT PROFILE_DIR SHEET!CELL=TEXT ...
"""

import sys

from lo_session import opened, save_xlsx


def main(src, dst, profile, *notes):
    from com.sun.star.table import CellAddress  # after lo_session imported uno

    with opened(src, profile) as doc:
        for spec in notes:
            where, text = spec.split("=", 1)
            sheet_name, ref = where.split("!")
            sheet = doc.Sheets.getByName(sheet_name)
            cell = sheet.getCellRangeByName(ref).CellAddress
            addr = CellAddress()
            addr.Sheet, addr.Column, addr.Row = cell.Sheet, cell.Column, cell.Row
            sheet.Annotations.insertNew(addr, text)
        save_xlsx(doc, dst)


if __name__ == "__main__":
    main(*sys.argv[1:])
