"""`sop-xl import` from the demo company's SAP-style and Kingdee-style exports.

The exports are what ``sop-xl demo --erp-exports`` writes from the demo's own data, so an
import into the demo workbook must give back exactly the frames they were made from: the
profiles' column names, date and number formats, code maps, quantity arithmetic (open =
ordered − delivered, quantity per = component quantity ÷ base quantity, percent ÷ 100),
batch lines summed and closed lines left out are all checked at once.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from sop_xl.app.master import MasterWorkbook
from sop_xl.cli.main import main
from sop_xl.demo import build_demo

from .conftest import DEMO_ZH
from .frames import differing

ERP_SHEETS = ("items", "bom", "stock", "contracts", "scheduled_receipts", "sales_history")


@pytest.fixture(scope="module")
def demo():
    return build_demo()


def test_sap_exports_round_trip(exports: Path, demo_copy: Path, demo, capsys) -> None:
    assert main(["import", str(demo_copy), "--from", str(exports / "sap"), "--profile",
                 "sap", "--quiet"]) == 0
    out = capsys.readouterr().out
    # every open order of the demo comes back (how many depends on the demo's dated plan)
    assert f"ScheduledReceipts: {len(demo.frames['scheduled_receipts'])} rows" in out
    inputs = MasterWorkbook.open(demo_copy).read_inputs()
    for key in ERP_SHEETS:
        # purchase order numbers come back as document/item/schedule line (ME2N); the
        # demo's contracts give only a month, the export a day of it (below)
        skip = {"scheduled_receipts": ("order",), "contracts": ("due_date",)}.get(key, ())
        assert differing(getattr(inputs, key), demo.frames[key], key, skip) == [], key
    _dated_as_exported(inputs.contracts)
    po = inputs.scheduled_receipts
    assert po.loc[po["order_type"] == "purchase", "order"].str.fullmatch(
        r"PO-\d{4}-\d{3}/10/1").all()


def test_import_log_names_every_source_with_its_hash(exports: Path, demo_copy: Path) -> None:
    assert main(["import", str(demo_copy), "--from", str(exports / "sap"), "--profile",
                 "sap", "--quiet", "--by", "Wang Fang"]) == 0
    log = MasterWorkbook.open(demo_copy).read_output_table("import_log").set_index("sheet")
    assert len(log) == 7
    assert set(log["user"]) == {"Wang Fang"} and set(log["profile"]) == {"sap"}
    by_report = log.reset_index().set_index(log["report"].str.split(":").str[0])
    # the lines the profile leaves out, on purpose in the exports: a closed sales order,
    # a fully received purchase line, a technically completed production order (TECO) and
    # a cancelled billing document
    assert by_report.loc["VA05", "rows_skipped"] == 1
    assert by_report.loc["ME2N", "rows_skipped"] == 1
    assert by_report.loc["COOIS", "rows_skipped"] == 1
    assert by_report.loc["VF05", "rows_skipped"] == 1
    # five materials in two batches each: 205 lines, 200 stock records (two of them the
    # lots in quarantine)
    assert (by_report.loc["MB52", "rows_read"], by_report.loc["MB52", "rows_written"]) == \
        (205, 200)
    for row in log.itertuples():
        assert row.sha256 == hashlib.sha256(Path(row.source).read_bytes()).hexdigest()


def test_kingdee_exports_into_the_chinese_workbook(exports: Path, tmp_path: Path,
                                                   demo) -> None:
    master = tmp_path / "主计划.xlsx"
    shutil.copyfile(DEMO_ZH, master)
    assert main(["import", str(master), "--from", str(exports / "kingdee"), "--profile",
                 "kingdee", "--quiet"]) == 0
    book = MasterWorkbook.open(master)
    inputs = book.read_inputs()
    for key in ("items", "bom", "stock", "contracts", "scheduled_receipts"):
        # 单据编号/行号; 要货日期 is a day of the demo's due month
        skip = {"scheduled_receipts": ("order",), "contracts": ("due_date",)}.get(key, ())
        assert differing(getattr(inputs, key), demo.frames[key], key, skip) == [], key
    _dated_as_exported(inputs.contracts)
    # 销售出库单 has no channel: shipments come back summed over channels, per department
    got = inputs.sales_history.groupby(["item", "month", "department"])["shipped_qty"].sum()
    want = demo.frames["sales_history"].groupby(["item", "month", "department"])[
        "shipped_qty"].sum()
    pd.testing.assert_series_equal(got.sort_index(), want[want > 0].sort_index(),
                                   check_names=False)
    assert "导入日志" in book.backend.sheet_names()


def _dated_as_exported(contracts: pd.DataFrame) -> None:
    """The requested delivery date comes in as the Due date too: the exports write the
    20th of each due month (erp_exports), so each contract is needed on that day."""
    want = [date(m.year, m.month, 20) for m in contracts["due_month"]]
    assert contracts["due_date"].tolist() == want


def test_schedule_lines_add_up_per_day_and_keep_it(exports: Path, demo_copy: Path,
                                                    tmp_path: Path) -> None:
    """VA05 schedule lines of one contract item (VBEP): those due on one day add up, two
    days of one month stay two Contracts rows, each with its Due date."""
    sap = _bad_exports(exports, tmp_path)
    va = pd.read_excel(sap / "VA05_sales_orders.xlsx", engine="calamine")
    first = va.iloc[0]   # DS-2607-L05, FG-P500: 16 ordered, 6 delivered, due 2026-12-20
    assert (first["Sales Document"], first["Material"], first["Order Quantity"],
            first["Delivered Quantity"], first["Req.dlv.date"]) == (
        "DS-2607-L05", "FG-P500", 16, 6, pd.Timestamp("2026-12-20"))
    more = pd.DataFrame([first, first])
    more["Order Quantity"] = [12.0, 8.0]
    more["Delivered Quantity"] = [0.0, 3.0]
    more["Req.dlv.date"] = [pd.Timestamp("2026-12-09"), pd.Timestamp("2026-12-20")]
    pd.concat([va.iloc[:1], more, va.iloc[1:]]).to_excel(sap / "VA05_sales_orders.xlsx",
                                                        index=False)
    assert main(["import", str(demo_copy), "--from", str(sap), "--profile", "sap",
                 "--quiet"]) == 0
    c = MasterWorkbook.open(demo_copy).read_inputs().contracts
    # the 2 lines added are one more record (12-09); the one on 12-20 joins the first
    assert len(c) == int((va["Overall Status"] != "C").sum()) + 1
    got = c[(c["contract"] == "DS-2607-L05") & (c["item"] == "FG-P500")
            & (c["due_month"] == pd.Period("2026-12", "M"))]
    # 12-20: 16 + 8 = 24 ordered, 6 + 3 = 9 delivered; 12-09: 12 ordered, none delivered
    assert sorted(zip(got["due_date"], got["ordered_qty"], got["delivered_qty"],
                      strict=True)) == [(date(2026, 12, 9), 12.0, 0.0),
                                        (date(2026, 12, 20), 24.0, 9.0)]


def test_a_bad_delivery_date_is_named_once(exports: Path, demo_copy: Path, tmp_path: Path,
                                           capsys) -> None:
    """Req.dlv.date fills Due month and Due date: a bad value is one problem, as a date."""
    sap = _bad_exports(exports, tmp_path)
    va = pd.read_excel(sap / "VA05_sales_orders.xlsx", engine="calamine")
    va["Req.dlv.date"] = va["Req.dlv.date"].astype(object)
    va.loc[2, "Req.dlv.date"] = "2027-13-01"
    va.to_excel(sap / "VA05_sales_orders.xlsx", index=False)
    before = demo_copy.read_bytes()
    assert main(["import", str(demo_copy), "--from", str(sap), "--profile", "sap",
                 "--quiet"]) == 4
    err = capsys.readouterr().err
    # row 4 of the sheet, column I = Req.dlv.date
    assert "1 problem(s) found" in err
    assert "[VA05_sales_orders.xlsx] Sheet1!I4 (Req.dlv.date): '2027-13-01' is not a date" \
        in err
    assert demo_copy.read_bytes() == before


def _edit(path: Path, old: str, new: str, encoding: str = "utf-8-sig") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding=encoding)


def _bad_exports(exports: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "sap"
    shutil.copytree(exports / "sap", folder)
    return folder


def test_every_bad_line_of_every_export_in_one_pass(exports: Path, demo_copy: Path,
                                                    tmp_path: Path, capsys) -> None:
    sap = _bad_exports(exports, tmp_path)
    # MB52 line 4 (header on line 3 after a title block): a negative stock, SAP-style
    _edit(sap / "MB52_warehouse_stocks.txt", "FG-P100\t1000\tFG-WH\tB001\t85.000",
          "FG-P100\t1000\tFG-WH\tB001\t85.000-")
    # ME2N line 2: a date with day and month the wrong way round for the profile
    lines = (sap / "ME2N_purchase_orders.csv").read_text(encoding="utf-8-sig").splitlines()
    fields = lines[1].split(";")
    fields[6] = "2027-13-01"
    lines[1] = ";".join(fields)
    (sap / "ME2N_purchase_orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = demo_copy.read_bytes()
    code = main(["import", str(demo_copy), "--from", str(sap), "--profile", "sap", "--quiet"])
    err = capsys.readouterr().err
    assert code == 4
    assert "MB52_warehouse_stocks.txt row 4 (Unrestricted): -85 is below the minimum 0" in err
    assert "ME2N_purchase_orders.csv row 2 (Delivery Date): '2027-13-01' is not a date" in err
    assert "nothing was written" in err
    assert demo_copy.read_bytes() == before


def test_rules_across_sheets_name_the_export_cell(exports: Path, demo_copy: Path,
                                                  tmp_path: Path, capsys) -> None:
    sap = _bad_exports(exports, tmp_path)
    va = pd.read_excel(sap / "VA05_sales_orders.xlsx", engine="calamine")
    va.loc[2, "Material"] = "NO-SUCH-ITEM"
    va.to_excel(sap / "VA05_sales_orders.xlsx", index=False)
    before = demo_copy.read_bytes()
    assert main(["import", str(demo_copy), "--from", str(sap), "--profile", "sap",
                 "--quiet"]) == 4
    err = capsys.readouterr().err
    # row 4 of the sheet (header row 1, third order line), column F = Material
    assert "[VA05_sales_orders.xlsx] Sheet1!F4 (Material): 'NO-SUCH-ITEM' is not in Items" in err
    assert demo_copy.read_bytes() == before


def test_a_missing_column_names_what_the_export_has(exports: Path, demo_copy: Path,
                                                    tmp_path: Path, capsys) -> None:
    sap = _bad_exports(exports, tmp_path)
    _edit(sap / "COOIS_production_orders.csv", "Basic finish date", "Finish")
    assert main(["import", str(demo_copy), "--from", str(sap), "--profile", "sap",
                 "--quiet"]) == 4
    err = capsys.readouterr().err
    assert "report 'COOIS' needs a column 'Basic finish date' / 'Bsc fin.'" in err
    assert "'Finish'" in err


def test_check_writes_nothing_and_a_single_file_finds_its_report(
        exports: Path, demo_copy: Path, capsys) -> None:
    before = demo_copy.read_bytes()
    assert main(["import", str(demo_copy), "--from",
                 str(exports / "sap" / "MB52_warehouse_stocks.txt"), "--check"]) == 0
    assert "would write" in capsys.readouterr().out
    assert demo_copy.read_bytes() == before


def test_shipped_profiles_are_package_data() -> None:
    import tomllib

    from sop_xl.app.imports import load, shipped
    assert {"sap", "kingdee", "database"} <= set(shipped())
    for name in shipped():
        prof = load(name)
        assert prof.reports and all(r.sources or r.query for r in prof.reports), name
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert "app/imports/profiles/*.toml" in pyproject["tool"]["setuptools"]["package-data"][
        "sop_xl"]


def test_a_profile_mistake_is_named() -> None:
    from sop_xl.app.imports import ProfileError, parse
    with pytest.raises(ProfileError, match="stock has no column 'qty'"):
        parse('[[report]]\nname = "x"\nsheet = "stock"\nfiles = ["*"]\n'
              '[report.columns]\nqty = "Menge"\n')
