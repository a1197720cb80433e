"""Input sheets: what sales, planning, purchasing and the ERP put into the master workbook.

A run reads these and never writes them. Labels are the planner's words (DOMAIN.md).
"""

from __future__ import annotations

from sop_xl.contract.model import Choice, Column, Dtype, Layout, Role, SheetSpec

C = Column
INPUT_TAB = "4472C4"

ITEM_TYPES = (
    Choice("FG", "Finished good", "成品"),
    Choice("SFG", "Semi-finished", "半成品"),
    Choice("RM", "Purchased part", "外购件"),
)
LOT_RULES = (
    Choice("L4L", "Lot-for-lot", "批对批"),
    Choice("FIXED", "Fixed lot", "固定批量"),
    Choice("MINMULT", "Minimum + multiple", "最小批量+倍数"),
    Choice("POQ", "Periods of supply", "周期批量"),
)
ITEM_STATUS = (
    Choice("active", "Active", "在用"),
    Choice("new", "New", "新品"),
    Choice("discontinued", "Discontinued", "停产"),
)
DAY_TYPES = (
    Choice("holiday", "Holiday", "节假日"),
    Choice("shutdown", "Shutdown", "停产检修"),
    Choice("workday", "Extra working day", "调休上班"),
)
CONTRACT_TYPES = (
    Choice("small", "Small contract", "小合同"),
    Choice("large", "Large contract", "大合同"),
)
EVENT_SCOPES = (Choice("item", "Item", "物料"), Choice("family", "Family", "产品族"))
EVENT_KINDS = (Choice("add", "Add", "增加"), Choice("multiply", "Multiply", "乘以"))
ORDER_TYPES = (
    Choice("purchase", "Purchase order", "采购订单"),
    Choice("production", "Production order", "生产订单"),
    # several plants: shipped from another plant (Supplier: that plant), not yet received
    Choice("transfer", "Transfer order", "调拨单"),
)
PROCUREMENTS = (
    Choice("make", "Make", "自制"),
    Choice("buy", "Buy", "采购"),
    Choice("transfer", "Transfer from plant", "工厂调拨"),
)
BUCKETS = (Choice("month", "Month", "月"), Choice("week", "Week", "周"))
LANGS = (Choice("en", "English", "English"), Choice("zh-CN", "简体中文", "简体中文"))
FAR_METHODS = (
    Choice("statistical", "Statistical forecast", "统计预测"),
    Choice("ship_ratio", "Ratio of shipments to sales", "发货/销售历史比例"),
)
TRANSFER_PLAN_TYPES = (
    Choice("sales", "Sales plan", "销售计划"),
    Choice("production", "Production plan", "生产计划"),
)
EXPORT_FORMATS = (
    Choice("csv", "CSV", "CSV"),
    Choice("xlsx", "Excel workbook", "Excel 工作簿"),
)
WORKWEEKS = (
    Choice("mon-fri", "Monday to Friday", "周一至周五"),
    Choice("mon-sat", "Monday to Saturday", "周一至周六"),
)
FAMILY_STRATEGIES = (
    Choice("none", "None (items plan themselves)", "不指定(按物料计划)"),
    Choice("chase", "Chase (synchronous to sales)", "同步销售"),
    Choice("level", "Level production", "均衡生产"),
    Choice("target_dos", "Target days of supply", "目标库存天数"),
    Choice("target_stock", "Target stock level", "目标库存水平"),
)
FAMILY_SPLITS = (
    Choice("demand", "Planned demand shares", "计划需求比例"),
    Choice("history", "History shares", "历史份额"),
    Choice("factors", "Factors on FamilyShares", "产品族比例表"),
)

TRANSFER_LEVELS = (
    Choice("item", "Item level", "物料层级"),
    Choice("family", "Family level (product groups)", "产品族层级(产品组)"),
)

SETTINGS = SheetSpec(
    key="settings", en="Settings", zh="设置", role=Role.INPUT, layout=Layout.SETTINGS,
    order=1, tab_color=INPUT_TAB,
    description_en="Planning parameters of this workbook; one setting per row.",
    description_zh="本工作簿的计划参数，每行一项。",
    columns=(
        C("company", "Company", "公司", default="", width=30),
        C("planning_month", "Planning month", "计划月", Dtype.MONTH, required=True,
          help_en="First month of the plan (M).", help_zh="计划的第一个月(M)。"),
        C("bucket", "Bucket", "时间段", choices=BUCKETS, default="month",
          help_en="How grids, capacity and projection sum the plan's dates. Only "
          "periods-of-supply lot sizes change with it (their window counts buckets).",
          help_zh="计划表、产能和库存预测按此汇总各日期的数量。只有周期批量随之变化(其覆盖期按时间段计)。"),
        C("horizon", "Horizon", "计划展望期", Dtype.INT, "periods", min=1, max=156, default=18),
        C("frozen_periods", "Frozen periods", "锁定期", Dtype.INT, "periods", min=0, max=52,
          default=1, help_en="MPS keeps the previous version's firm quantities here.",
          help_zh="锁定期内主计划保持上一版本的确认数量。"),
        C("slushy_periods", "Planning time fence", "计划时界", Dtype.INT, "periods", min=0,
          max=104, default=3),
        C("language", "Language", "语言", choices=LANGS, default="en"),
        C("currency", "Currency", "货币", default="CNY"),
        C("near_term_months", "Near-term months", "近期月数", Dtype.INT, "months", min=1,
          max=12, default=4, help_en="Demand plan from contracts, projects and the sales "
          "forecast for these months; statistical beyond.",
          help_zh="近期需求计划由合同、项目和销售预测组成，之后使用统计预测。"),
        C("far_method", "Far horizon method", "远期方法", choices=FAR_METHODS,
          default="statistical", help_en="Ratio of shipments to sales: the statistical "
          "forecast of ordered quantity × shipped ÷ ordered over the share window.",
          help_zh="发货/销售比例：订货数量的统计预测 × 比例计算期内的发货 ÷ 订货。"),
        C("deviation_threshold", "Forecast deviation flag", "预测偏差阈值", Dtype.PERCENT,
          min=0, max=10, default=0.2),
        C("deviation_min_qty", "Forecast deviation minimum", "预测偏差最小数量", Dtype.NUMBER,
          "pcs", min=0, default=5,
          help_en="A deviation beyond the flag is reported (and needs a reason) only when it is "
          "also at least this many pieces.",
          help_zh="超过偏差阈值的偏差，只有同时不少于此件数时才报告(并需填写原因)。"),
        C("deviation_min_value", "Forecast deviation minimum value", "预测偏差最小金额",
          Dtype.NUMBER, "money", min=0, default=0,
          help_en="… and at least this much at the item's price.",
          help_zh="……且按售价计不少于此金额。"),
        C("share_months", "Share window", "比例计算月数", Dtype.INT, "months", min=1, max=60,
          default=12, help_en="Months of history for family shares, department shares and "
          "the shipped/ordered ratio.", help_zh="用于产品族份额、部门份额和发货/订货比例的历史月数。"),
        C("whole_pieces", "Family splits in whole pieces", "产品族分解取整", Dtype.BOOL,
          default=True, help_en="Split family changes to items in whole pieces "
          "(largest remainder).", help_zh="产品族调整按整件分解到物料(最大余数法)。"),
        C("kpi_months", "Accuracy window", "准确率统计月数", Dtype.INT, "months", min=1,
          max=60, default=12, help_en="Forecast accuracy over the last months.",
          help_zh="统计最近若干月的预测准确率。"),
        C("service_level", "Service level", "服务水平", Dtype.PERCENT, min=0.5, max=0.9999,
          default=0.95),
        C("slow_moving_months", "Slow-moving after", "呆滞判定月数", Dtype.INT, "months",
          min=1, max=60, default=6),
        C("excess_months", "Excess beyond", "冗余判定月数", Dtype.INT, "months", min=1,
          max=60, default=6),
        C("history_months", "History shown", "显示历史月数", Dtype.INT, "months", min=0,
          max=120, default=24),
        C("work_week", "Work week", "工作周", choices=WORKWEEKS, default="mon-fri"),
        C("author", "Planner", "计划员", default=""),
        C("backups", "Backups kept", "保留备份数", Dtype.INT, min=0, max=100, default=3),
        C("forecast_working_days", "Forecast per working day", "按工作日预测", Dtype.BOOL,
          default=True,
          help_en="Restate history per working day before forecasting and scale the "
          "forecast by the factory calendar (Spring Festival, shutdowns).",
          help_zh="预测前按工作日折算历史，再按工厂日历换算预测(春节、停产)。"),
        C("reschedule_tolerance", "Reschedule tolerance", "重排容差", Dtype.INT, "days",
          min=0, max=60, default=5,
          help_en="Working days. An open order due within this many working days of its "
          "need date is left as it is, and one due within this many working days of the "
          "planning date is already on its way: it is not pushed out.",
          help_zh="工作日。到货日期与需求日期相差不超过此天数的在途订单不调整；"
          "在计划日期后此天数内到货的订单已在途，不建议推迟。"),
        C("planning_date", "Planning date", "计划日期", Dtype.DATE,
          help_en="The day the plan is made (today in the ERP): an order whose release "
          "date is before it is past due. Blank: the first day of the planning month; at "
          "most 31 days before it.",
          help_zh="编制计划的日期(即 ERP 中的今天)：下达日期早于此日的订单为逾期下达。"
          "为空表示计划月第一天；最多早于计划月第一天 31 天。"),
        C("history_file", "Sales history file", "销售历史文件", default="", width=30,
          help_en="Blank: the SalesHistory sheet. Or a Parquet file (.parquet) or DuckDB "
          "database (.duckdb, table sales_history) beside this workbook holding history "
          "beyond the sheet's row limit; a run aggregates it to months (HistoryUsed).",
          help_zh="为空：使用销售历史表。或填写本工作簿旁的 Parquet 文件(.parquet)或 DuckDB 数据库"
          "(.duckdb，表 sales_history)，用于超出工作表行数上限的历史；运行时按月汇总(计划所用历史)。"),
        C("executor", "Forecast executor", "预测计算资源", default="", width=24,
          help_en="Blank: every core of this computer. serial: one process. "
          "dask://HOST:PORT: the scheduler of a Dask cluster. The command line's --executor "
          "and the variable SOP_XL_DASK come first.",
          help_zh="为空：本机全部核心。serial：单进程。dask://主机:端口：Dask 集群的调度器。"
          "命令行 --executor 和环境变量 SOP_XL_DASK 优先。"),
        # the options of the ribbon's Transfer (the CLI takes them as arguments)
        C("transfer_periods", "Transfer periods", "传递期数", Dtype.INT, "periods", min=0,
          max=156, default=0, help_en="Periods of the active version passed on; 0: all.",
          help_zh="传递激活版本的期数；0 表示全部。"),
        C("transfer_plan_type", "Transfer plan type", "传递计划类型",
          choices=TRANSFER_PLAN_TYPES, default="sales"),
        C("transfer_deduct", "Deduct consumed quantities", "扣减已消耗数量", Dtype.BOOL,
          default=True, help_en="Sales plan: customer orders consume the forecast.",
          help_zh="销售计划：客户订单消耗预测。"),
        C("transfer_backward", "Consumption backward", "向后消耗期数", Dtype.INT, "periods",
          min=0, max=12, default=0),
        C("transfer_forward", "Consumption forward", "向前消耗期数", Dtype.INT, "periods",
          min=0, max=12, default=0),
        C("transfer_export", "Transfer export", "传递导出格式", choices=EXPORT_FORMATS,
          default="csv", help_en="Written beside the workbook for the ERP.",
          help_zh="导出文件保存在工作簿旁，供 ERP 导入。"),
        # the family production plan (sop_xl.plan.family_plan) and how it reaches the MPS
        C("family_strategy", "Family strategy", "产品族策略", choices=FAMILY_STRATEGIES,
          default="none", width=24,
          help_en="How FamilyProductionPlan sets production. None: the items' own MPS, "
          "nothing passed down. Any other: the family's production, split to its items by "
          "lot rules, is the MPS's production (frozen periods and firmed cells kept).",
          help_zh="产品族生产计划的生产方式。不指定：按物料主计划，不向下传递。其他：产品族生产"
          "按批量规则分解到物料，作为主生产计划的生产(锁定期和已确认单元格保持不变)。"),
        C("family_split", "Family split by", "产品族分解依据", choices=FAMILY_SPLITS,
          default="demand", width=24,
          help_en="Factors that split family production to items: each bucket's planned "
          "demand shares, history shares over the share window, or the factors on "
          "FamilyShares.",
          help_zh="产品族生产分解到物料的比例：各期计划需求比例、比例计算期内的历史份额，"
          "或产品族比例表中的比例。"),
        C("family_tolerance", "Family drift tolerance", "产品族偏差容差", Dtype.PERCENT,
          min=0, max=1, default=0.05,
          help_en="An exception when the items' MPS production of a family differs from the "
          "approved family production by more than this share.",
          help_zh="产品族内物料主计划生产与批准的产品族生产相差超过此比例时报告例外。"),
        C("transfer_level", "Transfer level", "传递层级", choices=TRANSFER_LEVELS,
          default="item", width=24,
          help_en="Items: the transfer sends each item's sales and production plan. "
          "Families: it sends each family's (the product group plan, as SAP's transfer of "
          "a product group), from the version's family plan.",
          help_zh="物料：传递各物料的销售和生产计划。产品族：传递各产品族的计划(如 SAP 的产品组"
          "计划传递)，取自版本中的产品族计划。"),
        C("delivery_days", "Delivery tolerance", "交付容差", Dtype.INT, "days", min=0,
          max=30, default=2,
          help_en="Working days. A purchase order line is on time when received no more "
          "than this many working days before or after the promised day.",
          help_zh="工作日。到货日期在承诺交期前后此天数以内的采购订单行为准时。"),
        C("in_full_tolerance", "Quantity tolerance", "数量容差", Dtype.PERCENT, min=0,
          max=1, default=0.05,
          help_en="A purchase order line is in full when at least (1 − this) of the ordered "
          "quantity arrived on time; a production order adheres when its quantity completed "
          "in its due month is within ± this of the order.",
          help_zh="准时到货数量不少于订货数量的(1 − 此比例)时为足量；生产订单在计划完工月份内完工"
          "数量与订单相差不超过此比例时为按计划执行。"),
    ),
)

ITEMS = SheetSpec(
    key="items", en="Items", zh="物料", role=Role.INPUT, layout=Layout.TABLE, order=2,
    tab_color=INPUT_TAB, unique=("item",),
    description_en="Item master: finished goods, semi-finished and purchased parts.",
    description_zh="物料主数据：成品、半成品和外购件。",
    columns=(
        C("item", "Item", "物料编码", required=True, width=14),
        C("description", "Description", "物料名称", width=28),
        C("item_type", "Type", "类型", required=True, choices=ITEM_TYPES, width=15),
        C("family", "Family", "产品族", width=14),
        C("uom", "UoM", "单位", default="pcs", width=7),
        C("unit_cost", "Unit cost", "单位成本", Dtype.NUMBER, "money/pc", min=0, default=0.0),
        C("price", "Price", "售价", Dtype.NUMBER, "money/pc", min=0, default=0.0),
        C("lead_time_days", "Lead time", "提前期", Dtype.INT, "days", required=True, min=1,
          max=365, help_en="Working days from release to receipt.",
          help_zh="从下达到入库的工作日数。"),
        C("lot_rule", "Lot-size rule", "批量规则", choices=LOT_RULES, default="L4L",
          width=18),
        C("fixed_lot", "Fixed lot", "固定批量", Dtype.NUMBER, "pcs", min=0, default=0.0),
        C("min_lot", "Minimum lot", "最小批量", Dtype.NUMBER, "pcs", min=0, default=0.0),
        C("lot_multiple", "Lot multiple", "批量倍数", Dtype.NUMBER, "pcs", min=0,
          default=0.0),
        C("poq_periods", "Periods of supply", "周期批量期数", Dtype.INT, "periods", min=1,
          max=52, default=1),
        C("safety_stock", "Safety stock", "安全库存", Dtype.NUMBER, "pcs", min=0,
          default=0.0),
        C("target_dos", "Target days of supply", "目标库存天数", Dtype.NUMBER, "days",
          min=0, default=0.0),
        C("max_stock", "Maximum stock", "最高库存", Dtype.NUMBER, "pcs", min=0, default=0.0,
          help_en="0 means no maximum.", help_zh="0 表示不设上限。"),
        C("scrap_pct", "Scrap", "损耗率", Dtype.PERCENT, min=0, max=0.9, default=0.0),
        C("supplier", "Supplier", "供应商", width=16),
        C("analog_item", "Analog item", "参照物料",
          help_en="For a new item: forecast from this item's history.",
          help_zh="新品：参照该物料的历史进行预测。"),
        C("status", "Status", "状态", choices=ITEM_STATUS, default="active"),
    ),
)

BOM = SheetSpec(
    key="bom", en="BOM", zh="物料清单", role=Role.INPUT, layout=Layout.TABLE, order=3,
    tab_color=INPUT_TAB, unique=("parent", "component", "plant"),
    description_en="Bill of materials: one line per parent and component.",
    description_zh="物料清单：每个父项与子项一行。",
    columns=(
        C("parent", "Parent", "父项", required=True, width=14),
        C("component", "Component", "子项", required=True, width=14),
        C("qty_per", "Quantity per", "单位用量", Dtype.NUMBER, "pcs", required=True, min=0,
          min_exclusive=True),
        C("scrap_pct", "Component scrap", "子项损耗率", Dtype.PERCENT, min=0, max=0.9,
          default=0.0),
        C("note", "Note", "备注", width=24),
        C("plant", "Plant", "工厂", width=12,
          help_en="Several plants: a BOM for this plant only; a parent's lines for a plant "
          "replace its lines without a plant there. Blank: every plant.",
          help_zh="多工厂：仅用于该工厂的物料清单；父项在某工厂的行替代其在该工厂的通用行。为空：所有工厂。"),
    ),
)

RESOURCES = SheetSpec(
    key="resources", en="Resources", zh="资源", role=Role.INPUT, layout=Layout.TABLE,
    order=4, tab_color=INPUT_TAB, unique=("resource",),
    description_en="Work centres and lines whose capacity is checked (rough-cut).",
    description_zh="需进行粗能力检查的工作中心和产线。",
    columns=(
        C("resource", "Resource", "资源", required=True, width=14),
        C("description", "Description", "描述", width=26),
        C("shifts_per_day", "Shifts per day", "每日班次", Dtype.INT, "shifts", required=True,
          min=1, max=3),
        C("hours_per_shift", "Hours per shift", "每班小时", Dtype.NUMBER, "h", required=True,
          min=0, min_exclusive=True, max=12),
        C("efficiency", "Efficiency", "效率", Dtype.PERCENT, min=0.05, max=1.5, default=1.0),
        C("max_overtime_hours", "Overtime per day", "每日最大加班", Dtype.NUMBER, "h", min=0,
          max=12, default=0.0),
        C("plant", "Plant", "工厂", width=12,
          help_en="Several plants: the plant the resource stands in; it loads only with "
          "what that plant makes. Blank: the first plant on Plants.",
          help_zh="多工厂：资源所在工厂，只承担该工厂自制的负荷。为空表示工厂表中的第一个工厂。"),
    ),
)

RESOURCE_USAGE = SheetSpec(
    key="resource_usage", en="ResourceUsage", zh="资源用量", role=Role.INPUT,
    layout=Layout.TABLE, order=5, tab_color=INPUT_TAB, unique=("item", "resource"),
    description_en="Hours of each resource needed per unit produced.",
    description_zh="每生产一件所需的资源小时数。",
    columns=(
        C("item", "Item", "物料编码", required=True, width=14),
        C("resource", "Resource", "资源", required=True, width=14),
        C("hours_per_unit", "Hours per unit", "单件工时", Dtype.NUMBER, "h/pc", required=True,
          min=0, min_exclusive=True),
    ),
)

CALENDAR = SheetSpec(
    key="calendar", en="FactoryCalendar", zh="工厂日历", role=Role.INPUT,
    layout=Layout.TABLE, order=6, tab_color=INPUT_TAB, required=False,
    description_en="Holidays, shutdowns and extra working days; other days follow the work "
    "week in Settings.",
    description_zh="节假日、停产和调休上班日；其他日期按设置中的工作周。",
    columns=(
        C("start_date", "Start", "开始日期", Dtype.DATE, required=True, width=12),
        C("end_date", "End", "结束日期", Dtype.DATE, required=True, width=12),
        C("day_type", "Type", "类型", required=True, choices=DAY_TYPES, width=16),
        C("description", "Description", "说明", width=24),
        C("resource", "Resource", "资源", help_en="Blank: the whole factory.",
          help_zh="为空表示全厂。"),
        C("plant", "Plant", "工厂", width=12,
          help_en="Several plants: a day of this plant's calendar only (its lead times and "
          "resources). Blank: every plant.",
          help_zh="多工厂：仅用于该工厂日历的日期(其提前期和资源)。为空：所有工厂。"),
    ),
)

SALES_HISTORY = SheetSpec(
    key="sales_history", en="SalesHistory", zh="销售历史", role=Role.INPUT,
    layout=Layout.TABLE, order=7, tab_color=INPUT_TAB,
    unique=("item", "month", "department", "channel"),
    description_en="Monthly shipped (and ordered) quantity per item and department.",
    description_zh="按物料和部门的月度发货(及订货)数量。",
    columns=(
        C("item", "Item", "物料编码", required=True, width=14),
        C("month", "Month", "月份", Dtype.MONTH, required=True, width=10),
        C("department", "Department", "部门", width=18),
        C("channel", "Channel", "渠道", width=12),
        C("ordered_qty", "Ordered", "订货数量", Dtype.NUMBER, "pcs", min=0),
        C("shipped_qty", "Shipped", "发货数量", Dtype.NUMBER, "pcs", required=True, min=0),
    ),
)

CONTRACTS = SheetSpec(
    key="contracts", en="Contracts", zh="合同", role=Role.INPUT, layout=Layout.TABLE,
    order=8, tab_color=INPUT_TAB, unique=("contract", "item", "due_month", "due_date"),
    description_en="Signed customer contracts with what is still to deliver.",
    description_zh="已签客户合同及剩余未交数量。",
    columns=(
        C("contract", "Contract", "合同号", required=True, width=14),
        C("contract_type", "Type", "类型", required=True, choices=CONTRACT_TYPES, width=14),
        C("customer", "Customer", "客户", width=22),
        C("department", "Department", "部门", width=18),
        C("item", "Item", "物料编码", required=True, width=14),
        C("ordered_qty", "Ordered", "订货数量", Dtype.NUMBER, "pcs", required=True, min=0,
          min_exclusive=True),
        C("delivered_qty", "Delivered", "已交数量", Dtype.NUMBER, "pcs", min=0, default=0.0),
        C("due_month", "Due month", "交货月", Dtype.MONTH, required=True, width=10,
          help_en="Without a due date, planned as delivered through the month: spread over "
          "its working days, "
          "each week's part needed on the week's first working day; open pieces of an "
          "earlier month are needed on the planning date.",
          help_zh="未填交货日期时按整月交货计划：分摊到该月各工作日，每周的部分在该周第一个工作日需要；"
          "早于计划月的未交数量在计划日期需要。"),
        C("due_date", "Due date", "交货日期", Dtype.DATE, width=12,
          help_en="Optional, a day of the due month: the open pieces are needed on it (a "
          "day the factory does not work: the working day before) instead of through the "
          "month.",
          help_zh="可选，交货月中的某一天：未交数量在该日需要(工厂非工作日则提前到前一个工作日)，"
          "而不是分摊到整月。"),
        C("sign_date", "Signed", "签订日期", Dtype.DATE, width=12),
        C("plant", "Shipping plant", "发货工厂", width=12,
          help_en="Several plants: the plant that ships this contract; its open pieces are "
          "that plant's demand. Blank: shared by ItemPlants' demand shares.",
          help_zh="多工厂：发运此合同的工厂；未交数量为该工厂的需求。为空：按物料工厂表的发货比例分配。"),
    ),
)

PROJECTS = SheetSpec(
    key="projects", en="Projects", zh="项目", role=Role.INPUT, layout=Layout.TABLE,
    order=9, tab_color=INPUT_TAB, unique=("project", "item", "month", "plant"),
    description_en="Major projects about to be signed, with the chance they will be.",
    description_zh="即将签订的重大项目及签约概率。",
    columns=(
        C("project", "Project", "项目", required=True, width=18),
        C("customer", "Customer", "客户", width=22),
        C("department", "Department", "部门", width=18),
        C("item", "Item", "物料编码", required=True, width=14),
        C("qty", "Quantity", "数量", Dtype.NUMBER, "pcs", required=True, min=0,
          min_exclusive=True),
        C("month", "Month", "需求月", Dtype.MONTH, required=True, width=10),
        C("probability", "Probability", "概率", Dtype.PERCENT, required=True, min=0, max=1),
        C("note", "Note", "备注", width=24),
        C("plant", "Shipping plant", "发货工厂", width=12,
          help_en="Several plants: the plant that would ship the project; its weighted "
          "pieces are that plant's demand and consume that plant's forecast. Blank: shared "
          "by ItemPlants' demand shares.",
          help_zh="多工厂：将发运该项目的工厂；加权数量为该工厂的需求并冲减该工厂的预测。为空：按物料工厂表的发货比例分配。"),
    ),
)

EVENTS = SheetSpec(
    key="events", en="Events", zh="事件", role=Role.INPUT, layout=Layout.TABLE, order=10,
    tab_color=INPUT_TAB, required=False,
    description_en="Promotions and other events that add to or multiply demand.",
    description_zh="促销等增加或放大需求的事件。",
    columns=(
        C("event", "Event", "事件", required=True, width=20),
        C("scope", "Applies to", "适用于", required=True, choices=EVENT_SCOPES),
        C("target", "Item or family", "物料或产品族", required=True, width=14),
        C("kind", "Kind", "方式", required=True, choices=EVENT_KINDS),
        C("value", "Value", "数值", Dtype.NUMBER, required=True,
          help_en="Pieces to add per period, or a factor such as 1.2.",
          help_zh="每期增加的件数，或乘数如 1.2。"),
        C("start_month", "From", "开始月", Dtype.MONTH, required=True, width=10),
        C("end_month", "To", "结束月", Dtype.MONTH, required=True, width=10),
        C("note", "Note", "备注", width=24),
        C("plant", "Plant", "工厂", width=12,
          help_en="Several plants: the event acts at this plant only (a factor scales "
          "that plant's forecast; pieces are that plant's demand, a family's split among "
          "its items there). Blank: every plant, by ItemPlants' demand shares.",
          help_zh="多工厂：事件只作用于该工厂(乘数放大该工厂的预测；件数为该工厂的需求，产品族按其在该工厂的物料分摊)。"
          "为空：所有工厂，按物料工厂表的发货比例分配。"),
    ),
)

SALES_FORECAST = SheetSpec(
    key="sales_forecast", en="SalesForecast", zh="销售预测", role=Role.INPUT,
    layout=Layout.TABLE, order=11, tab_color=INPUT_TAB,
    unique=("assistant", "item", "month", "plant"),
    description_en="Rolling M+3 forecast by sales assistant and item, excluding projects.",
    description_zh="销售内勤按物料提交的滚动 M+3 预测(不含项目)。",
    columns=(
        C("assistant", "Sales assistant", "销售内勤", required=True, width=14),
        C("department", "Department", "部门", width=18),
        C("item", "Item", "物料编码", required=True, width=14),
        C("month", "Month", "月份", Dtype.MONTH, required=True, width=10),
        C("qty", "Forecast", "预测数量", Dtype.NUMBER, "pcs", required=True, min=0),
        C("reason", "Reason", "原因说明", width=30),
        C("plant", "Shipping plant", "发货工厂", width=12,
          help_en="Several plants: the plant that ships the forecast pieces; they are that "
          "plant's demand. Blank: shared by ItemPlants' demand shares.",
          help_zh="多工厂：发运该预测数量的工厂，为该工厂的需求。为空：按物料工厂表的发货比例分配。"),
    ),
)

STOCK = SheetSpec(
    key="stock", en="Stock", zh="库存", role=Role.INPUT, layout=Layout.TABLE, order=12,
    tab_color=INPUT_TAB, unique=("item", "warehouse"),
    description_en="On-hand stock by item and warehouse at the start of the planning month.",
    description_zh="计划月初按物料和仓库的现有库存。",
    columns=(
        C("item", "Item", "物料编码", required=True, width=14),
        C("warehouse", "Warehouse", "仓库", width=12),
        C("on_hand", "On hand", "现有库存", Dtype.NUMBER, "pcs", required=True, min=0),
        C("last_movement", "Last movement", "最近出入库日期", Dtype.DATE, width=14),
    ),
)

SCHEDULED_RECEIPTS = SheetSpec(
    key="scheduled_receipts", en="ScheduledReceipts", zh="在途订单", role=Role.INPUT,
    layout=Layout.TABLE, order=13, tab_color=INPUT_TAB, required=False,
    unique=("order", "item"),
    description_en="Open purchase and production orders not yet received.",
    description_zh="尚未入库的已下达采购订单和生产订单。",
    columns=(
        C("order", "Order", "订单号", required=True, width=14),
        C("order_type", "Type", "类型", required=True, choices=ORDER_TYPES, width=16),
        C("item", "Item", "物料编码", required=True, width=14),
        C("qty", "Open quantity", "未交数量", Dtype.NUMBER, "pcs", required=True, min=0,
          min_exclusive=True),
        C("due_date", "Due date", "到货日期", Dtype.DATE, required=True, width=12),
        C("supplier", "Supplier", "供应商", width=16,
          help_en="A transfer order: the plant that shipped it.",
          help_zh="调拨单：调出工厂。"),
        C("plant", "Plant", "工厂", width=12,
          help_en="Several plants: the plant that receives the order. Blank: the first "
          "plant on Plants.", help_zh="多工厂：接收该订单的工厂。为空表示工厂表中的第一个工厂。"),
    ),
)

WAREHOUSES = SheetSpec(
    key="warehouses", en="Warehouses", zh="仓库", role=Role.INPUT, layout=Layout.TABLE,
    order=14, tab_color=INPUT_TAB, required=False, unique=("warehouse",),
    description_en="The warehouses of the Stock sheet and whether their stock is available "
    "to plan (nettable). Stock in a warehouse marked not nettable (quarantine, consignment, "
    "stock held for another site) is kept out of every plan and reported by the run. An "
    "empty sheet: every warehouse is nettable.",
    description_zh="库存表中的仓库及其库存是否可用于计划(可净算)。标为不可净算的仓库(待检、寄售、"
    "为其他工厂保留的库存)中的库存不计入任何计划，运行时会报告。本表为空：所有仓库均可净算。",
    columns=(
        C("warehouse", "Warehouse", "仓库", required=True, width=12),
        C("description", "Description", "仓库名称", width=24),
        C("plant", "Plant", "工厂", width=12,
          help_en="The plant (inventory organisation) the warehouse belongs to.",
          help_zh="仓库所属的工厂(库存组织)。"),
        C("nettable", "Nettable", "可净算", Dtype.BOOL, required=True, width=10,
          help_en="Yes: its stock is available to plan. No: kept out of the plan "
                  "(quarantine, consignment, reserved).",
          help_zh="是：库存可用于计划。否：不计入计划(待检、寄售、保留)。"),
    ),
)

PLANTS = SheetSpec(
    key="plants", en="Plants", zh="工厂", role=Role.INPUT, layout=Layout.TABLE, order=14,
    tab_color=INPUT_TAB, required=False, unique=("plant",),
    description_en="The plants (inventory organisations) planned apart: stock in one plant "
    "is not available to another without a transfer. The first plant is the home plant: "
    "stock, open orders, resources and demand that name no plant belong to it. Fewer than "
    "two plants: the workbook plans as one plant, exactly as without this sheet.",
    description_zh="分别计划的工厂(库存组织)：一个工厂的库存须经调拨才能供另一个工厂使用。第一个工厂为"
    "主工厂：未指定工厂的库存、在途订单、资源和需求都属于它。少于两个工厂：按单一工厂计划，与没有本表时完全相同。",
    columns=(
        C("plant", "Plant", "工厂", required=True, width=12),
        C("description", "Description", "工厂名称", width=28),
        C("city", "City", "城市", width=14),
        C("work_week", "Work week", "工作周", choices=WORKWEEKS, width=18,
          help_en="The plant's working days in an ordinary week; blank: the company's "
                  "(Settings). Holidays and extra days: FactoryCalendar rows naming the "
                  "plant.",
          help_zh="该工厂平常一周的工作日；留空：按公司设置(设置表)。节假日和调休：在工厂日历中"
                  "填写该工厂的行。"),
    ),
)

ITEM_PLANTS = SheetSpec(
    key="item_plants", en="ItemPlants", zh="物料工厂", role=Role.INPUT, layout=Layout.TABLE,
    order=14, tab_color=INPUT_TAB, required=False, unique=("item", "plant"),
    description_en="Where each item is planned and how each plant gets it: made, bought, or "
    "transferred from another plant (DRP). Values given here override the Items sheet for "
    "that plant; blank cells keep the item's. An item with no row is planned where the "
    "plants that use it need it, else at the home plant.",
    description_zh="物料在哪些工厂计划以及各工厂如何获得：自制、采购或从其他工厂调拨(分销需求计划)。此处"
    "填写的数值覆盖该工厂的物料主数据；空白单元格沿用物料表。未列出的物料在使用它的工厂计划，否则在主工厂计划。",
    columns=(
        C("item", "Item", "物料编码", required=True, width=14),
        C("plant", "Plant", "工厂", required=True, width=12),
        C("procurement", "Procurement", "获取方式", choices=PROCUREMENTS, width=18,
          help_en="Blank: transfer when a source plant is given, else buy for a purchased "
          "part and make for the others.",
          help_zh="为空：填写了调出工厂时为调拨，否则外购件为采购、其他为自制。"),
        C("source_plant", "Source plant", "调出工厂", width=12,
          help_en="Transfer: the plant that ships it; its planned transfers are dependent "
          "demand there.", help_zh="调拨：发货的工厂；计划调拨单成为该工厂的相关需求。"),
        C("transit_days", "Transit", "运输天数", Dtype.INT, "days", min=0, max=120,
          help_en="Transfer: working days from shipping to receipt (the transfer's lead "
          "time).", help_zh="调拨：从发运到收货的工作日数(调拨提前期)。"),
        C("lead_time_days", "Lead time", "提前期", Dtype.INT, "days", min=1, max=365,
          help_en="Make or buy at this plant; blank: the item's.",
          help_zh="本工厂自制或采购的提前期；为空沿用物料表。"),
        C("lot_rule", "Lot-size rule", "批量规则", choices=LOT_RULES, width=18),
        C("fixed_lot", "Fixed lot", "固定批量", Dtype.NUMBER, "pcs", min=0),
        C("min_lot", "Minimum lot", "最小批量", Dtype.NUMBER, "pcs", min=0),
        C("lot_multiple", "Lot multiple", "批量倍数", Dtype.NUMBER, "pcs", min=0),
        C("safety_stock", "Safety stock", "安全库存", Dtype.NUMBER, "pcs", min=0),
        C("demand_share", "Demand shipped", "发货比例", Dtype.PERCENT, min=0, max=1,
          help_en="Share of the item's demand plan shipped from this plant. Blank on every "
          "row of the item: all from the home plant.",
          help_zh="该物料需求计划中由本工厂发货的比例。该物料各行均为空：全部由主工厂发货。"),
    ),
)

INPUT_SHEETS: tuple[SheetSpec, ...] = (
    SETTINGS, ITEMS, BOM, RESOURCES, RESOURCE_USAGE, CALENDAR, SALES_HISTORY, CONTRACTS,
    PROJECTS, EVENTS, SALES_FORECAST, STOCK, SCHEDULED_RECEIPTS, WAREHOUSES, PLANTS,
    ITEM_PLANTS,
)
