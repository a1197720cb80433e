"""Pictures of the three-site demo's sheets per plant: the planned workbook's cached
values, one sheet, the other plants' rows hidden, the first periods shown."""
import subprocess
import sys
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

src, out = Path(sys.argv[1]), Path(sys.argv[2])
work = Path("/tmp/p2pic")
jobs = [("MPS", "HD-01", 60, 8), ("MPS", "HD-03", 60, 8), ("MRP", "HD-02", 60, 8),
        ("Exceptions", "HD-01", 18, None), ("Exceptions", "HD-02", 18, None)]
for sheet, plant, max_rows, periods in jobs:
    wb = openpyxl.load_workbook(src, data_only=True)
    for name in wb.sheetnames:
        if name != sheet:
            del wb[name]
    ws = wb[sheet]
    grid = sheet != "Exceptions"
    head = 3 if grid else 1
    header = [c.value for c in ws[head]]
    pcol = max(j for j, h in enumerate(header, 1) if h is not None)   # Plant: the last
    shown = 0
    for r in range(head + 1, ws.max_row + 1):
        v = ws.cell(r, pcol).value
        keep = v == plant and shown < max_rows
        if keep:
            shown += 1
        ws.row_dimensions[r].hidden = not keep
    if grid and periods:
        first = next(j for j, h in enumerate(header, 1) if isinstance(h, str) and h[:2] == "20")
        for j in range(first + periods, pcol):
            ws.column_dimensions[get_column_letter(j)].hidden = True
    ws.auto_filter.ref = None
    for t in list(ws.tables):
        del ws.tables[t]
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{head}:{head}"
    f = work / f"17-{sheet.lower()}-{plant}.xlsx"
    wb.save(f)
    subprocess.run(["soffice", "--headless", "-env:UserInstallation=file:///tmp/p2pic/profile",
                    "--convert-to", "pdf", "--outdir", str(work), str(f)], check=True,
                   capture_output=True, timeout=180)
    png = out / f"17-{sheet.lower()}-{plant}"
    pdf = str(f.with_suffix(".pdf"))
    page = 1   # LibreOffice may break the page after the header: the first page with rows
    while page < 20:
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"],
                              capture_output=True, text=True).stdout
        if plant in text or not text.strip():
            break
        page += 1
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page),
                    "-singlefile",
                    str(f.with_suffix(".pdf")), str(png)], check=True)
    print(png.with_suffix(".png"))
