"""Words of ERP and database imports, the history file beside the workbook and the forecast
cluster (sop_xl.app.imports, sop_xl.app.history_file, sop_xl.app.cluster)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # app/imports/sources.py
    "import_source_missing": ("import source {source} does not exist",
                              "导入来源 {source} 不存在"),
    "import_source_unreadable": ("cannot read {source}: {detail}", "无法读取 {source}：{detail}"),
    "import_query_failed": ("query {report!r} failed on {url}: {detail}",
                            "查询 {report!r} 在 {url} 上执行失败：{detail}"),
    "import_db_unreachable": ("cannot connect to {url}: {detail}", "无法连接 {url}：{detail}"),
    "query_n": ("query {name}", "查询 {name}"),

    # app/imports/mapping.py
    "import_column_missing": (
        "report {report!r} needs a column {wanted} for {column!r}; the export's header (row "
        "{header_row}) has {found}. Add the column to the export's layout, or name the "
        "header in the profile",
        "报表 {report!r} 需要列 {wanted}(用于 {column!r})；导出文件的标题行(第 {header_row} 行)为 "
        "{found}。请在导出布局中加入该列，或在映射方案中填写该标题"),

    # app/imports/profile.py
    "import_profile_unknown": (
        "no import profile {name!r}; shipped profiles: {shipped}. Give a profile name or the "
        "path of a .toml file",
        "没有名为 {name!r} 的导入映射方案；内置方案：{shipped}。请给出方案名称或 .toml 文件路径"),
    "import_profile_bad": (
        "import profile {path}: {detail}", "导入映射方案 {path}：{detail}"),

    # app/imports/service.py
    "import_nothing": (
        "nothing to import from {source}: no file matches a report of profile {profile!r} "
        "({patterns})", "{source} 中没有可导入的内容：没有文件与映射方案 {profile!r} 的报表匹配({patterns})"),
    "import_no_database": (
        "profile {profile!r} has queries but no database: give --from URL or [database] url",
        "映射方案 {profile!r} 含有查询但没有数据库：请给出 --from URL 或 [database] url"),
    "import_history_too_long": (
        "{n:,} monthly history rows are more than a sheet holds ({limit:,}); name a history "
        "file in Settings (\"Sales history file\", e.g. sales_history.parquet) and import again",
        "月度销售历史有 {n:,} 行，超过工作表可容纳的行数({limit:,})；请在设置的“销售历史文件”中填写文件名"
        "(如 sales_history.parquet)后重新导入"),

    # app/history_file.py
    "history_file_missing": (
        "{value}: {path} does not exist; name an existing Parquet or DuckDB file beside the "
        "workbook, or clear the setting to use the SalesHistory sheet",
        "{value}：{path} 不存在；请填写工作簿旁已有的 Parquet 或 DuckDB 文件，或清空该设置以使用销售历史表"),
    "history_file_kind": (
        "{value} is not a Parquet file (.parquet) or a DuckDB database (.duckdb)",
        "{value} 不是 Parquet 文件(.parquet)或 DuckDB 数据库(.duckdb)"),
    "history_file_unreadable": ("cannot be read ({detail})", "无法读取({detail})"),
    "history_file_table": (
        "the DuckDB database has no table {table!r}; its tables: {tables}",
        "DuckDB 数据库中没有表 {table!r}；现有的表：{tables}"),
    "history_file_column": (
        "has no column {column!r}; expected one of {labels}; its columns: {found}",
        "缺少列 {column!r}；应为 {labels} 之一；现有列：{found}"),
    "history_file_type": (
        "column {value} holds {type}; expected numbers. Write it as a number column",
        "列 {value} 的类型为 {type}；应为数字。请将其保存为数字列"),
    "history_file_more": (
        "{n:,} more rows have problems like those above (only the first {shown:,} are listed)",
        "另有 {n:,} 行存在类似问题(仅列出前 {shown:,} 行)"),
    "history_both": (
        "holds {n:,} rows while Settings names the sales history file {file}: a plan reads "
        "one of them. Clear the sheet, or clear the setting",
        "有 {n:,} 行数据，同时设置中指定了销售历史文件 {file}：计划只能读取其中之一。请清空该表，或清空该设置"),

    # app/cluster.py
    "executor_unknown": (
        "{value!r} is not a forecast executor; use local (every core, the default), serial, "
        "or dask://HOST:PORT (a Dask scheduler)",
        "{value!r} 不是有效的预测计算方式；可用 local(全部核心，默认)、serial 或 dask://主机:端口(Dask 调度器)"),
    "executor_no_dask": (
        "the forecast executor {value} needs Dask: pip install 'sop_xl[dask]'",
        "预测计算方式 {value} 需要 Dask：pip install 'sop_xl[dask]'"),
    "executor_unreachable": (
        "cannot reach the Dask scheduler at {value} ({detail}); start it (dask scheduler) or "
        "run without --executor to use this computer's cores",
        "无法连接 Dask 调度器 {value}({detail})；请启动调度器(dask scheduler)，或不带 --executor 运行以使用本机核心"),

}
