"""Run by the system Python (which has LibreOffice's uno module): open a master workbook
in LibreOffice, add notes (comments) to cells the way a planner does by hand, and save it
as .xlsx. Usage: python3 lo_planner_notes.py IN OUT PROFILE_DIR SHEET!CELL=TEXT ...
"""

import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.table import CellAddress


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(src, dst, profile, *notes):
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
        for spec in notes:
            where, text = spec.split("=", 1)
            sheet_name, ref = where.split("!")
            sheet = doc.Sheets.getByName(sheet_name)
            cell = sheet.getCellRangeByName(ref).CellAddress
            addr = CellAddress()
            addr.Sheet, addr.Column, addr.Row = cell.Sheet, cell.Column, cell.Row
            sheet.Annotations.insertNew(addr, text)
        doc.storeToURL(uno.systemPathToFileUrl(dst),
                       (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main(*sys.argv[1:])
