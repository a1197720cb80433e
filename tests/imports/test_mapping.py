"""A profile's column rules on single lines, checked by hand."""

from __future__ import annotations

from datetime import date

from sop_xl import contract
from sop_xl.app.imports import parse
from sop_xl.app.imports.mapping import map_report, number
from sop_xl.app.imports.profile import Formats
from sop_xl.app.imports.sources import SourceTable, _split

PROFILE = '''
name = "t"
[format]
dates = ["%d.%m.%Y"]
decimal = ","
trailing_minus = true
[[report]]
name = "r"
sheet = "scheduled_receipts"
files = ["*"]
[report.columns]
order = { join = [["Doc"], ["Pos"]], sep = "/" }
order_type = { column = "Kind", map = { NB = "purchase", PP = "production" } }
item = ["Material", "MATNR"]
qty = { column = "Ordered", minus = "Received" }
due_date = "Due"
[[report.skip]]
column = "Ordered"
minus = "Received"
not_above = 0
'''


def test_numbers_as_erps_write_them() -> None:
    de = Formats(decimal=",", trailing_minus=True)
    assert number("1.234,50", de) == 1234.5
    assert number("5-", de) == -5.0
    assert number("1,234.50", Formats()) == 1234.5
    assert number("abc", Formats()) is None


def test_one_report_line_by_line() -> None:
    prof = parse(PROFILE)
    rows = [["4500000001", "10", "NB", "R-1", "1.000,000", "250,000", "31.01.2027"],
            ["4500000001", "20", "NB", "R-2", "10,000", "10,000", "01.02.2027"],
            ["1000077", "", "PP", "F-1", "5,5", "", "15.02.2027"]]
    table = SourceTable("x.csv", "x.csv",
                        ["Doc", "Pos", "Kind", "MATNR", "Ordered", "Received", "Due"], rows,
                        [2, 3, 4], "0")
    m = map_report(table, prof.reports[0], contract.sheet("scheduled_receipts"),
                   prof.formats)
    assert m.problems == [] and m.skipped == 1 and m.lines == [2, 4]
    assert m.keys == ["order", "order_type", "item", "qty", "due_date"]
    assert m.rows == [["4500000001/10", "purchase", "R-1", 750.0, date(2027, 1, 31)],
                      ["1000077", "production", "F-1", 5.5, date(2027, 2, 15)]]
    assert m.labels["qty"] == "Ordered − Received" and m.positions["item"] == 3


def test_sap_framed_list_keeps_line_numbers() -> None:
    text = ("Title\n-----------\n| Material | Unrestricted |\n-----------\n"
            "| A-1      |     5,000  |\n| B-2      |    12-     |\n")
    rows = _split(text)
    assert rows[2] == ["Material", "Unrestricted"]
    assert rows[4] == ["A-1", "5,000"] and rows[5] == ["B-2", "12-"]


def test_sap_stock_transport_orders_are_transfers() -> None:
    """ME2N lists stock transport orders (document type UB) beside purchase orders: the
    supplying plant in Supplier/Supplying Plant, the receiving plant in Plant."""
    from sop_xl.app.imports.profile import load
    prof = load("sap")
    me2n = next(r for r in prof.reports if r.name == "ME2N")
    head = ["Purchasing Document", "Item", "Schedule Line", "Purchasing Doc. Type",
            "Material", "Plant", "Scheduled Quantity", "Quantity Delivered",
            "Delivery Date", "Supplier/Supplying Plant"]
    rows = [["4500000001", "10", "1", "NB", "R-1", "HD-01", "100", "0", "31.01.2027", "V1"],
            ["4500000002", "10", "1", "ZNB", "R-2", "HD-01", "10", "0", "31.01.2027", "V2"],
            ["4500000003", "10", "1", "UB", "F-1", "HD-03", "20", "5", "03.12.2026",
             "HD-01"]]
    m = map_report(SourceTable("ME2N.csv", "ME2N.csv", head, rows, [2, 3, 4], "0"), me2n,
                   contract.sheet("scheduled_receipts"), prof.formats)
    assert m.problems == []
    got = [dict(zip(m.keys, r, strict=True)) for r in m.rows]
    assert [(g["order_type"], g["plant"], g["supplier"], g["qty"]) for g in got] == [
        ("purchase", "HD-01", "V1", 100.0), ("purchase", "HD-01", "V2", 10.0),
        ("transfer", "HD-03", "HD-01", 15.0)]
    # an export without the type column: purchases, as before
    short = [r[:3] + r[4:] for r in rows]
    m = map_report(SourceTable("ME2N.csv", "ME2N.csv", head[:3] + head[4:], short,
                               [2, 3, 4], "0"), me2n, contract.sheet("scheduled_receipts"),
                   prof.formats)
    assert m.problems == [] and {r[m.keys.index("order_type")] for r in m.rows} == {
        "purchase"}
