"""Run by the system Python (which has LibreOffice's uno module): open a workbook in
LibreOffice, type numbers into cells as a planner does, recalculate every formula
(calculateAll, a hard recalculation) and save it as .xlsx.

Usage: python3 lo_type_cells.py IN OUT PROFILE_DIR EDITS_JSON
EDITS_JSON: [["Sheet", "B7", 123.0], ...]
"""

import json
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(src, dst, profile, edits):
    pipe = f"sopxl{int(time.time() * 1000)}"
    proc = subprocess.Popen(["soffice", "-env:UserInstallation=file://" + profile,
                             "--headless", "--invisible", "--norestore", "--nologo",
                             f"--accept=pipe,name={pipe};urp;"])
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(240):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                           (prop("Hidden", True),))
        sheets = doc.Sheets
        for sheet, ref, value in json.loads(edits):
            sheets.getByName(sheet).getCellRangeByName(ref).setValue(float(value))
        doc.calculateAll()
        doc.storeToURL(uno.systemPathToFileUrl(dst),
                       (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main(*sys.argv[1:5])
