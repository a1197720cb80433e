"""The demo company's ERP data as Kingdee-style and SAP-style exports (``sop-xl demo
--erp-exports DIR``), so that ``sop-xl import`` can be tried, and tested, end to end.

``DIR/sap/`` holds the lists an SAP user exports (MB52, VA05, ME2N, COOIS, CS12, MM60, VF05)
with English column headings, dd.mm.yyyy dates and SAP's trailing minus, in the file types
SAP writes (tab text with a title block, semicolon CSV, .xlsx); ``DIR/kingdee/`` the K3 Cloud
lists (即时库存, 销售订单, 采购订单, 生产订单, 物料清单, 物料, 销售出库单) with Chinese
captions, as .xlsx and one GB18030 CSV. A few lines the profiles must leave out are in
them on purpose: a technically completed production order, a fully received purchase line,
a cancelled billing document, a closed sales order. Stock comes in batches that add up.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sop_xl.demo import build_demo

SAP_TYPES = {"FG": "FERT", "SFG": "HALB", "RM": "ROH"}
SAP_LOTS = {"L4L": "EX", "FIXED": "FX", "POQ": "WB", "MINMULT": "ZM"}
KD_TYPES = {"FG": "产成品", "SFG": "半成品", "RM": "原材料"}
KD_LOTS = {"L4L": "LFL(批对批)", "FIXED": "FOQ(固定批量)", "POQ": "POQ(期间订货量)",
           "MINMULT": "最小批量+倍数"}


def write_erp_exports(folder: Path | str, planning_month: str = "2026-12",
                      seed: int = 20261201) -> list[Path]:
    """Write the demo company's ERP exports under ``folder``; the files written."""
    c = build_demo(planning_month, seed)
    root = Path(folder)
    return [*_sap(c.frames, root / "sap"), *_kingdee(c.frames, root / "kingdee")]


def _d(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else \
        pd.Timestamp(v).strftime("%d.%m.%Y")


def _n(v: float) -> str:
    """SAP list number: thousands with commas, three decimals, trailing minus."""
    text = f"{abs(v):,.3f}"
    return text + "-" if v < 0 else text


def _month_day(m: pd.Period, day: int = 15) -> date:
    return date(m.year, m.month, day)


def _csv(path: Path, header: list[str], rows: list[list[Any]], *, delimiter: str = ",",
         encoding: str = "utf-8-sig", title: list[str] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        for line in title:
            fh.write(line + "\r\n")
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def _xlsx(path: Path, frame: pd.DataFrame, sheet: str = "Sheet1") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="xlsxwriter",
                        datetime_format="yyyy-mm-dd", date_format="yyyy-mm-dd") as xw:
        frame.to_excel(xw, sheet_name=sheet, index=False)
    return path


def _sap(f: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    files = []
    # MB52: tab text with a title block; the first five materials in two batches each
    rows = []
    for k, s in enumerate(f["stock"].itertuples(index=False)):
        parts = [s.on_hand] if k >= 5 or s.on_hand < 2 else \
            [np.floor(s.on_hand / 2), s.on_hand - np.floor(s.on_hand / 2)]
        for b, q in enumerate(parts):
            rows.append([s.item, "1000", s.warehouse or "", f"B{b + 1:03d}", _n(q), "0.000",
                         _d(s.last_movement)])
    files.append(_csv(out / "MB52_warehouse_stocks.txt",
                      ["Material", "Plnt", "Storage Location", "Batch", "Unrestricted",
                       "Blocked", "Last Goods Movement"], rows, delimiter="\t",
                      title=["Display Warehouse Stocks of Material", ""]))
    # VA05 as .xlsx; one closed order line the profile leaves out
    con = f["contracts"]
    va = pd.DataFrame({
        "Sales Document": con["contract"], "Sales Document Type": np.where(
            con["contract_type"] == "large", "CQ", "OR"),
        "Document Date": pd.to_datetime(con["sign_date"]),
        "Name 1": con["customer"], "Sales Office": con["department"],
        "Material": con["item"], "Order Quantity": con["ordered_qty"],
        "Delivered Quantity": con["delivered_qty"],
        "Req.dlv.date": [pd.Timestamp(_month_day(m, 20)) for m in con["due_month"]],
        "Overall Status": "A"})
    closed = va.iloc[[0]].assign(**{"Sales Document": "CLOSED-1", "Overall Status": "C"})
    files.append(_xlsx(out / "VA05_sales_orders.xlsx", pd.concat([va, closed])))
    # ME2N (purchase) and COOIS (production): semicolon CSV, dd.mm.yyyy, trailing minus
    rec = f["scheduled_receipts"]
    po = rec[rec["order_type"] == "purchase"]
    rows = [[r.order, "10", "1", r.item, _n(r.qty), _n(0.0), _d(r.due_date), r.supplier or "",
             ""] for r in po.itertuples(index=False)]
    rows.append([po["order"].iloc[0] + "X", "20", "1", po["item"].iloc[0], _n(50.0),
                 _n(50.0), _d(po["due_date"].iloc[0]), "", ""])   # fully received
    files.append(_csv(out / "ME2N_purchase_orders.csv",
                      ["Purchasing Document", "Item", "Schedule Line", "Material",
                       "Scheduled Quantity", "Quantity Delivered", "Delivery Date", "Vendor",
                       "Deletion Indicator"], rows, delimiter=";"))
    mo = rec[rec["order_type"] == "production"]
    rows = [[r.order, r.item, _n(r.qty), _n(0.0), _d(r.due_date), "REL  PRC  MACM"]
            for r in mo.itertuples(index=False)]
    rows.append(["MO-TECO", mo["item"].iloc[0], _n(10.0), _n(4.0), _d(mo["due_date"].iloc[0]),
                 "REL  TECO"])   # technically completed: not open
    files.append(_csv(out / "COOIS_production_orders.csv",
                      ["Order", "Material", "Order quantity (GMEIN)",
                       "Delivered quantity (GMEIN)", "Basic finish date", "System Status"],
                      rows, delimiter=";"))
    # CS12 single-level as .xlsx, base quantity 10
    bom = f["bom"]
    files.append(_xlsx(out / "CS12_bom.xlsx", pd.DataFrame({
        "Material": bom["parent"], "Component": bom["component"],
        "Component quantity": bom["qty_per"] * 10, "Base quantity": 10.0,
        "Component scrap (%)": (bom["scrap_pct"].fillna(0) * 100).round(6)})))
    # MM60 material master as .xlsx
    it = f["items"]
    made = it["item_type"] != "RM"
    files.append(_xlsx(out / "MM60_materials.xlsx", pd.DataFrame({
        "Material": it["item"], "Material Description": it["description"],
        "Material Type": it["item_type"].map(SAP_TYPES), "Material Group": it["family"],
        "Base Unit of Measure": it["uom"], "Standard price": it["unit_cost"],
        "In-house production": np.where(made, it["lead_time_days"], 0),
        "Planned Deliv. Time": np.where(made, 0, it["lead_time_days"]),
        "Lot size": it["lot_rule"].map(SAP_LOTS), "Fixed lot size": it["fixed_lot"],
        "Minimum Lot Size": it["min_lot"], "Rounding value": it["lot_multiple"],
        "Safety Stock": it["safety_stock"], "Maximum stock level": it["max_stock"],
        "Assembly scrap (%)": (it["scrap_pct"] * 100).round(6)})))
    # VF05 billing lines (tab text); a cancellation the profile leaves out
    h = f["sales_history"]
    h = h[h["shipped_qty"] > 0]
    rows = [[f"9{k:08d}", "F2", _d(_month_day(r.month)), r.item, r.department or "",
             r.channel or "", _n(r.shipped_qty)] for k, r in enumerate(h.itertuples(index=False))]
    first = h.iloc[0]
    rows.append(["8000000001", "S1", _d(_month_day(first["month"])), first["item"],
                 first["department"] or "", first["channel"] or "", _n(first["shipped_qty"])])
    files.append(_csv(out / "VF05_billing.txt",
                      ["Billing Document", "Billing Type", "Billing Date", "Material",
                       "Sales Office", "Distribution Channel", "Billed Quantity"], rows,
                      delimiter="\t"))
    return files


def _kingdee(f: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    files = []
    st = f["stock"]
    files.append(_xlsx(out / "即时库存.xlsx", pd.DataFrame({
        "物料编码": st["item"], "仓库": st["warehouse"], "批号": "",
        "库存量(主单位)": st["on_hand"], "最近入库日期": pd.to_datetime(st["last_movement"])}),
        "即时库存"))
    con = f["contracts"]
    so = pd.DataFrame({
        "单据编号": con["contract"], "单据类型": np.where(con["contract_type"] == "large",
                                                 "大合同销售订单", "标准销售订单"),
        "日期": pd.to_datetime(con["sign_date"]), "客户": con["customer"],
        "销售部门": con["department"], "物料编码": con["item"], "销售数量": con["ordered_qty"],
        "累计出库数量": con["delivered_qty"],
        "要货日期": [pd.Timestamp(_month_day(m, 20)) for m in con["due_month"]],
        "关闭状态": "未关闭"})
    closed = so.iloc[[0]].assign(单据编号="XSDD-CLOSED", 关闭状态="已关闭")
    files.append(_xlsx(out / "销售订单执行明细.xlsx", pd.concat([so, closed]), "销售订单"))
    rec = f["scheduled_receipts"]
    po = rec[rec["order_type"] == "purchase"]
    files.append(_xlsx(out / "采购订单执行明细.xlsx", pd.DataFrame({
        "单据编号": po["order"], "序号": 1, "物料编码": po["item"], "采购数量": po["qty"],
        "累计入库数量": 0.0, "剩余入库数量": po["qty"], "交货日期": pd.to_datetime(po["due_date"]),
        "供应商": po["supplier"], "关闭状态": "未关闭"}), "采购订单"))
    mo = rec[rec["order_type"] == "production"]
    files.append(_xlsx(out / "生产订单.xlsx", pd.DataFrame({
        "单据编号": mo["order"], "行号": 1, "物料编码": mo["item"], "数量": mo["qty"],
        "合格品入库数量": 0.0, "计划完工时间": pd.to_datetime(mo["due_date"]),
        "业务状态": "下达"}), "生产订单"))
    bom = f["bom"]
    files.append(_xlsx(out / "物料清单.xlsx", pd.DataFrame({
        "父项物料编码": bom["parent"], "子项物料编码": bom["component"],
        "用量:分子": bom["qty_per"], "用量:分母": 1.0,
        "变动损耗率%": (bom["scrap_pct"].fillna(0) * 100).round(6), "禁用状态": "否"}),
        "物料清单"))
    it = f["items"]
    files.append(_xlsx(out / "物料.xlsx", pd.DataFrame({
        "编码": it["item"], "名称": it["description"], "存货类别": it["item_type"].map(KD_TYPES),
        "物料分组": it["family"], "基本单位": it["uom"], "参考成本": it["unit_cost"],
        "固定提前期": it["lead_time_days"], "订货策略": it["lot_rule"].map(KD_LOTS),
        "固定/经济批量": it["fixed_lot"], "最小订货量": it["min_lot"],
        "最小包装量": it["lot_multiple"], "安全库存": it["safety_stock"],
        "最大库存": it["max_stock"], "禁用状态": "否"}), "物料"))
    h = f["sales_history"]
    h = h[h["shipped_qty"] > 0]
    rows = [[f"XSCKD{k:06d}", _month_day(r.month).isoformat(), r.department or "", r.item,
             f"{r.shipped_qty:g}", "已审核"] for k, r in enumerate(h.itertuples(index=False))]
    files.append(_csv(out / "销售出库单.csv", ["单据编号", "日期", "销售部门", "物料编码",
                                          "实发数量", "单据状态"], rows, encoding="gb18030"))
    return files
