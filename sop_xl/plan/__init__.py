"""The pure planning engines: pandas/numpy in, pandas/numpy out; no workbook, no I/O,
no clock, no words."""
