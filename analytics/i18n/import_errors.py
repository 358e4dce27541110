"""Why a file was refused (``refusal.*``) or a row skipped (``problem.*``), for
``analytics.errors``: the English texts are also what the CLI prints and the import log keeps.
"""

ZH = {
    "refusal.empty": "文件是空的",
    "refusal.binary": "这不是表格（是二进制文件，不是 CSV/XLSX/XLS）",
    "refusal.not_text": "文字既不是 UTF-8 也不是 GBK/GB18030；请另存为 CSV（UTF-8）后重试",
    "refusal.no_header": "文件没有表头行",
    "refusal.one_column": "这不是表格：表头少于 2 列",
    "refusal.header_only": "文件只有表头，没有数据行",
    "refusal.workbook_unreadable": "无法读取这个 Excel 文件（{detail}）",
    "refusal.sheet_empty": "第一个工作表是空的",
    "refusal.unreadable_table": "文件无法按表格读取（{detail}）",
    "refusal.unknown_platform": "未知平台 {platform}；可选：{known}",
    "refusal.unknown_field": "列对应里有未知字段 {field}",
    "refusal.no_such_column": "列对应 {field}={column}：文件里没有这一列",
    "refusal.missing_required": "缺少必填字段 {fields} 对应的列；文件的列是：{columns}"
    "（请在列对应中选择，或在命令行用 --map 字段=列名）",
    "refusal.profile_columns": "客户资料文件需要买家 ID 列（customer_id / 买家会员名），以及生日、"
    "年龄、性别、标签、差评中的至少一列；文件的列是：{columns}",
    "refusal.no_data": "文件中没有任何一行有数据",
    "refusal.too_many_bad": "{rows} 行中有 {bad} 行（{share}）内容有误，超过允许的 {allowed}，"
    "未导入任何数据。有误的行见下表",
    "refusal.formulas_not_calculated": "这些列是公式，但文件里没有算好的值（会被读成空或 0.00）："
    "{columns}。请先用 Excel 或 WPS 打开并保存文件，再导入。未导入任何数据",
    "refusal.columns_swapped": "订单号列「{order_column}」和买家列「{buyer_column}」看起来对调了："
    "{rows} 行里只有 {orders} 个不同的订单号，却有 {buyers} 个不同的买家，其中 {mixed} 行的订单号"
    "同时对应了别的买家（一个订单只有一个买家）。请检查列对应后重试，未导入任何数据",
    "problem.missing_order_id": "缺少订单号",
    "problem.joined_order_ids": "一个单元格里有多个订单号（用分号连接的合并订单）：金额无法分到各订单，"
    "请按一行一个订单导出",
    "problem.joined_amounts": "一个单元格里有多个金额（用分号连接的子订单）：无法判断哪个是订单金额，"
    "请按一行一个订单或一行一个子订单导出",
    "problem.missing_buyer": "缺少买家 ID",
    "problem.missing_time": "缺少下单时间",
    "problem.bad_time": "不是日期时间（应类似 2024-03-05 14:22:10）",
    "problem.missing_amount": "缺少金额",
    "problem.bad_amount": "不是金额（应类似 128.50）",
    "problem.negative_amount": "金额为负数",
    "problem.negative_refund": "退款金额为负数",
    "problem.unknown_status": "无法识别的订单状态",
    "problem.amount_too_large": "金额过大：每笔订单（及退款、单价）最多 {max}",
    "problem.time_too_early": "日期早于 {earliest}，不可能是网店订单（日期列选错了？）",
    "problem.time_too_late": "日期晚于 {latest}（明天），是未来的日期（日期列选错了？）",
    "problem.bad_quantity": "不是数量（应类似 2）",
    "problem.bad_price": "不是单价（应类似 59.90）",
    "problem.bad_date": "不是日期（应类似 1995-07-21）",
    "problem.bad_age": "不是年龄（应为 0–120 的整数）",
    "problem.bad_flag": "应为 1/0、是/否 或 true/false",
    "problem.too_few_columns": "这一行只有 {found} 列，表头有 {columns} 列（行被截断，或引号外有换行？）",
    "problem.extra_fields": "这一行的列比表头的 {columns} 列多：多出的列没有列名"
    "（某个值里有未加引号的逗号？），整行未导入",
    "problem.nul_byte": "含有空字节（NUL，显示为 \\0）：文件在传输中损坏，或这一列不是文字",
    "problem.not_text": "含有不是文字的字节（与文件编码不符）",
    "problem.stray_quote": "未加引号的内容里出现了引号",
    "problem.unreadable": "这一行无法读取（{detail}）",
}

EN = {
    "refusal.empty": "the file is empty",
    "refusal.binary": "this is not a table (a binary file, not CSV/XLSX/XLS)",
    "refusal.not_text": "the text is neither UTF-8 nor GBK/GB18030; save the file as CSV "
    "(UTF-8) and retry",
    "refusal.no_header": "the file has no header row",
    "refusal.one_column": "this is not a table: the header row has fewer than 2 columns",
    "refusal.header_only": "the file has a header but no rows",
    "refusal.workbook_unreadable": "the workbook cannot be read ({detail})",
    "refusal.sheet_empty": "the first sheet is empty",
    "refusal.unreadable_table": "the file is not a readable table ({detail})",
    "refusal.unknown_platform": "unknown platform {platform}; expected {known}",
    "refusal.unknown_field": "unknown field {field} in the mapping",
    "refusal.no_such_column": "mapping {field}={column}: the file has no such column",
    "refusal.missing_required": "required column missing for {fields}; the file's columns are: "
    "{columns} (choose them in the mapping, or --map FIELD=COLUMN)",
    "refusal.profile_columns": "a profile file needs a buyer id column (customer_id / "
    "买家会员名) and at least one of birthday, age, gender, tags, bad_review; found: {columns}",
    "refusal.no_data": "none of the file's rows holds any data",
    "refusal.too_many_bad": "{bad} of {rows} rows ({share}) have bad values, more than the "
    "{allowed} allowed; nothing was imported. First: {first}",
    "refusal.formulas_not_calculated": "these columns hold formulas without calculated values "
    "(they would read as empty or 0.00): {columns}. Save the file in Excel first (or WPS), "
    "then import it; nothing was imported",
    "refusal.columns_swapped": "the order-id column {order_column!r} and the buyer column "
    "{buyer_column!r} look swapped: {rows} rows hold only {orders} distinct order ids but "
    "{buyers} distinct buyers, and {mixed} rows share their order id with a different buyer "
    "(an order has one buyer). Check the mapping and retry; nothing was imported",
    "problem.missing_order_id": "missing order id",
    "problem.joined_order_ids": "several order ids in one cell (orders joined with ;): their "
    "amount cannot be split between them; export one row per order",
    "problem.joined_amounts": "several amounts in one cell (sub-orders joined with ;): which "
    "one is the order's is unknown; export one row per order or per sub-order",
    "problem.missing_buyer": "missing buyer id",
    "problem.missing_time": "missing order time",
    "problem.bad_time": "not a date/time (expected e.g. 2024-03-05 14:22:10)",
    "problem.missing_amount": "missing amount",
    "problem.bad_amount": "not an amount (expected e.g. 128.50)",
    "problem.negative_amount": "negative amount",
    "problem.negative_refund": "negative refund",
    "problem.unknown_status": "unknown order status",
    "problem.amount_too_large": "amount too large: an order (and its refund, and a unit price) "
    "may be at most {max}",
    "problem.time_too_early": "dated before {earliest}, too early for an online order (wrong "
    "date column?)",
    "problem.time_too_late": "dated after {latest} (tomorrow), in the future (wrong date column?)",
    "problem.bad_quantity": "not a quantity (expected e.g. 2)",
    "problem.bad_price": "not a price (expected e.g. 59.90)",
    "problem.bad_date": "not a date (expected e.g. 1995-07-21)",
    "problem.bad_age": "not an age (expected a whole number 0-120)",
    "problem.bad_flag": "expected 1/0, 是/否 or true/false",
    "problem.too_few_columns": "the row has {found} of the {columns} columns (cut off, or a line "
    "break outside quotes?)",
    "problem.extra_fields": "the row has more fields than the header's {columns}: the extra "
    "fields have no column (a comma in an unquoted value?); the row was not imported",
    "problem.nul_byte": "holds a NUL byte (shown as \\0): the file was damaged in transfer, or "
    "the column is not text",
    "problem.not_text": "bytes that are not text in the file's encoding",
    "problem.stray_quote": "a quote inside a value that is not quoted",
    "problem.unreadable": "the row cannot be read ({detail})",
}
