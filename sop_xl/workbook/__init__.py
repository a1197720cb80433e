"""Workbook backends: a file on disk (no Excel), a workbook open in Excel (xlwings), and one
in memory for tests, behind one small interface (backend.py)."""
