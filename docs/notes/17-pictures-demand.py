"""A picture of the three-site demo's DemandPlan per plant (session 4): one finished
good's total rows (Plant "All plants") and its blocks per plant, the first periods
shown; the planned workbook's cached values.
Usage: python 17-pictures-demand.py PLANNED.xlsx OUT_DIR [ITEM]"""
import subprocess
import sys
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import RowBreak

src, out = Path(sys.argv[1]), Path(sys.argv[2])
item = sys.argv[3] if len(sys.argv) > 3 else "FG-P210"
work = Path("/tmp/p4pic")
work.mkdir(exist_ok=True)
wb = openpyxl.load_workbook(src, data_only=True)
for name in wb.sheetnames:
    if name != "DemandPlan":
        del wb[name]
ws = wb["DemandPlan"]
header = [c.value for c in ws[3]]
pcol = len(header)   # Plant: the last column
for r in range(4, ws.max_row + 1):
    v = str(ws.cell(r, 1).value or "")
    ws.row_dimensions[r].hidden = not (v == item or v.startswith(item + "@"))
first = next(j for j, h in enumerate(header, 1) if isinstance(h, str) and h[:2] == "20")
for j in range(first + 6, pcol):
    ws.column_dimensions[get_column_letter(j)].hidden = True
for j in (4, 5, 6):   # family, share, ship ratio
    ws.column_dimensions[get_column_letter(j)].hidden = True
ws.auto_filter.ref = None
ws["A1"] = f"DemandPlan — {item}: the item's total (All plants) and its plants"
ws["A2"] = None
ws.print_title_rows = "3:3"
ws.row_breaks = RowBreak()   # the sheet's breaks between blocks: one page here
ws.print_area = None
ws.page_setup.orientation = "landscape"
ws.page_setup.fitToWidth = 1
ws.page_setup.fitToHeight = 0
ws.sheet_properties.pageSetUpPr.fitToPage = True
f = work / "17-demandplan-plants.xlsx"
wb.save(f)
subprocess.run(["soffice", "--headless", "-env:UserInstallation=file:///tmp/p4pic/profile",
                "--convert-to", "pdf", "--outdir", str(work), str(f)], check=True,
               capture_output=True, timeout=300)
png = out / "17-demandplan-plants"
pdf = str(f.with_suffix(".pdf"))
page = 1   # LibreOffice may break the page after the header: the first page with rows
while page < 20:
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"],
                          capture_output=True, text=True).stdout
    if item + "@" in text or not text.strip():
        break
    page += 1
subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page),
                "-singlefile", pdf, str(png)], check=True)
print(png.with_suffix(".png"))
