"""Catalog: words shared by every page's charts and tables (empty charts, missing values)."""

ZH = {
    "common.chart_empty": "这里还没有可画的数据。",
    "common.col.platform": "平台",
    "overview.unfinished": "本期未完（截至分析日期）",
    "common.col.shop": "店铺",
    "import.big_files": "单个文件最大 2 GB，更大的文件可以用命令行导入。",
    "import.cli.title": "用命令行导入（大文件、批量导入）",
    "import.cli.help": "在 LaoKe 所在的文件夹打开终端，运行下面的命令（把「文件名」换成订单报表的路径）：",
    "import.done_all": "这些文件已经导入。要再导入，请先上传新的文件。",
    "lifecycle.list.stage_option": "{name}（{range}）",
    "order.status.unpaid": "待付款",
    "order.status.paid": "已付款",
    "order.status.shipped": "已发货",
    "order.status.completed": "交易成功",
    "order.status.closed": "交易关闭",
    "order.status.refunded": "已退款",
}

EN = {
    "common.chart_empty": "Nothing to draw here yet.",
    "common.col.platform": "Platform",
    "overview.unfinished": "Period still running (to the as-of date)",
    "common.col.shop": "Shop",
    "import.big_files": "Files up to 2 GB each; bigger files can be imported from the command line.",
    "import.cli.title": "Import from the command line (big files, many files)",
    "import.cli.help": "Open a terminal in LaoKe's folder and run (replace FILE with the path of the order export):",
    "import.done_all": "These files are imported. Upload new files to import again.",
    "lifecycle.list.stage_option": "{name} ({range})",
    "order.status.unpaid": "Unpaid",
    "order.status.paid": "Paid",
    "order.status.shipped": "Shipped",
    "order.status.completed": "Completed",
    "order.status.closed": "Closed",
    "order.status.refunded": "Refunded",
}
