"""Text that leaves sop_xl in files other programs open: neutralised against formula
injection.

A spreadsheet that opens a CSV (or a cell a person later edits) takes text starting with
``=``, ``+``, ``-`` or ``@`` as a formula, and tab or carriage return as the start of one:
an item code ``=HYPERLINK("http://…","open")`` typed into Items would reach the ERP's
import file and run when someone opens it. Every text field of every export (the
transfer's CSV and XLSX, the transfer log as CSV) therefore goes through ``neutralise``,
as the OWASP "CSV Injection" page recommends: such a field gets a leading single quote,
which spreadsheets show as text and never evaluate. Fields with separators, quotes or
line breaks are also quoted by the CSV writer (RFC 4180 §2.6–2.7), so nothing can start a
new cell. The full-width forms of the four characters (＝＋－＠), which an East-Asian
input method may leave in a cell, are treated alike, and so is a NUL character.

Numbers stay numbers (a negative quantity is not text); only text is touched. Inside the
master workbook nothing needs this: sop_xl writes text as typed strings, never formulas
(tests/reliability/test_injection.py).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: first characters that make a spreadsheet read a field as a formula (OWASP, ASVS 1.2.10)
FORMULA_STARTS = frozenset("=+-@\t\r\n\0＝＋－＠")


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would take as a
    formula; anything else unchanged."""
    if isinstance(value, str) and value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (number columns untouched)."""
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].map(neutralise).astype(object)
    out.columns = [neutralise(c) for c in out.columns]
    return out
