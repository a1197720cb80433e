"""Run by the system Python (which has LibreOffice's uno module): open a master workbook
in LibreOffice, add what a planner adds by hand — a pivot table and a chart on a sheet of
their own — and save it as .xlsx. Usage: python3 lo_planner_edits.py IN OUT PROFILE_DIR
"""

import subprocess
import sys
import time

import uno
from com.sun.star.awt import Rectangle
from com.sun.star.beans import PropertyValue
from com.sun.star.sheet.DataPilotFieldOrientation import DATA, ROW
from com.sun.star.sheet.GeneralFunction import SUM


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(src, dst, profile):
    pipe = f"sopxl{int(time.time() * 1000)}"
    proc = subprocess.Popen(["soffice", "-env:UserInstallation=file://" + profile,
                             "--headless", "--invisible", "--norestore", "--nologo",
                             f"--accept=pipe,name={pipe};urp;"])
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(120):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                           (prop("Hidden", True),))
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
        doc.storeToURL(uno.systemPathToFileUrl(dst),
                       (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main(*sys.argv[1:4])
