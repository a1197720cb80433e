"""Run by the system Python (which has LibreOffice's uno module): open a master workbook
in LibreOffice, add what a planner adds by hand — a pivot table and a chart on a sheet of
their own — and save it as .xlsx. Usage: python3 lo_planner_edits.py IN OUT PROFILE_DIR
"""

import sys

from lo_session import opened, save_xlsx


def main(src, dst, profile):
    # after lo_session imported uno, which makes com.sun.star importable
    from com.sun.star.awt import Rectangle
    from com.sun.star.sheet.DataPilotFieldOrientation import DATA, ROW
    from com.sun.star.sheet.GeneralFunction import SUM

    with opened(src, profile) as doc:
        sheets = doc.Sheets
        sheets.insertNewByName("MyAnalysis", sheets.Count)
        mine = sheets.getByName("MyAnalysis")
        hist = sheets.getByName("SalesHistory")
        cursor = hist.createCursor()
        cursor.gotoEndOfUsedArea(False)
        last_row = cursor.RangeAddress.EndRow + 1
        source = hist.getCellRangeByName(f"A1:F{last_row}").RangeAddress
        tables = mine.getDataPilotTables()
        desc = tables.createDataPilotDescriptor()
        desc.setSourceRange(source)
        fields = desc.getDataPilotFields()
        fields.getByIndex(0).Orientation = ROW
        qty = fields.getByIndex(5)
        qty.Orientation = DATA
        qty.Function = SUM
        tables.insertNewByName("PlannerPivot", mine.getCellRangeByName("A3").CellAddress, desc)
        mine.getCellRangeByName("H2").setString("My notes: check pump demand")
        mine.getCellRangeByName("H4").setValue(1)
        mine.getCellRangeByName("H5").setValue(3)
        mine.getCellRangeByName("H6").setValue(2)
        rect = Rectangle(8000, 3000, 10000, 6000)
        data = mine.getCellRangeByName("H4:H6").RangeAddress
        mine.getCharts().addNewByName("PlannerChart", rect, (data,), False, False)
        save_xlsx(doc, dst)


if __name__ == "__main__":
    main(*sys.argv[1:4])
