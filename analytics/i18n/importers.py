"""UI text of the Import page's platform formats, saved mappings and big-file hints."""

ZH = {
    "importers.saved_mapping": "使用你在 {date} 保存的列对应关系（同样表头的文件不再询问）。",
    "importers.change_mapping": "修改列对应",
    "importers.mapping_remembered": "导入后会记住这次选择，下次同样表头的文件直接使用。",
    "importers.big_files": "单个文件最大 2 GB；更大的文件请用命令行导入：`python -m analytics import 文件名`",
    "importers.not_used": "（不使用）",
    "importers.lines_written": "{file}：写入 {n} 行商品明细。",
    "importers.lines_undone": "商品明细：删除 {removed} 行，恢复 {restored} 行。",
    "importers.merged": "{n} 重复行已合并",
    "importers.merged.help": "文件里同一订单号出现多次的行合并为一个订单（以最后一行为准）。",
    "importers.field.after_sale": "售后状态",
    "importers.field.product_id": "商品 ID",
    "importers.field.sku": "商家编码 / SKU",
    "importers.field.title": "商品名称",
    "importers.field.quantity": "购买数量",
    "importers.field.price": "单价",
    "detect.matched": "{label}：找到了 {columns} 列",
    "detect.chosen": "按你选择的平台读取：{label}",
    "detect.unmatched": "没有匹配的平台格式；按列名识别出：{columns}",
    "detect.profiles": "客户资料表",
    "detect.tmall": "；含天猫字段（{columns}）：天猫店在同一个千牛后台下载同样的订单报表，买家也是淘宝账号，所以按淘宝导入",
    "detect.derived": "{field} 取自 {shown}",
    "detect.derived_else": "{field} 取自 {column}，为空时取 {shown}",
    "detect.saved": "；使用 {date} 保存的列对应",
    "detect.note.douyin": "没有买家账号列：用 收件人+收件人手机号（已打码）区分买家",
    "detect.note.pdd": "没有买家账号列：用 收货人+手机（已打码）区分买家",
    "detect.note.shopify": "没有 Email 的买家用 Phone 区分，再没有则用 Billing Name",
    "detect.note.taobao_items": "各行写入商品明细，按订单编号与订单报表关联",
    "detect.note.youzan": "没有买家昵称的买家用 收货人+收货人手机号 区分",
}

EN = {
    "importers.saved_mapping": "Using the mapping you saved on {date} (files with the same "
    "columns are not asked again).",
    "importers.change_mapping": "Change the mapping",
    "importers.mapping_remembered": "Your choice is remembered for the next file with the same "
    "columns.",
    "importers.big_files": "Files up to 2 GB; for bigger files use the command line: "
    "`python -m analytics import FILE`",
    "importers.not_used": "(not used)",
    "importers.lines_written": "{file}: {n} order lines written.",
    "importers.lines_undone": "Order lines: {removed} removed, {restored} restored.",
    "importers.merged": "{n} repeated rows merged",
    "importers.merged.help": "Rows repeating an order id of the same file were merged into one "
    "order (the last row wins).",
    "importers.field.after_sale": "After-sale status",
    "importers.field.product_id": "Product id",
    "importers.field.sku": "Seller code / SKU",
    "importers.field.title": "Product title",
    "importers.field.quantity": "Quantity",
    "importers.field.price": "Unit price",
    "detect.matched": "{label}: columns {columns} found",
    "detect.chosen": "platform chosen: {label}",
    "detect.unmatched": "no platform layout matched; columns recognized by name: {columns}",
    "detect.profiles": "buyer profiles",
    "detect.tmall": "; Tmall fields ({columns}) found: Tmall shops download the same 订单报表 "
    "and their buyers are Taobao accounts, so it imports as platform taobao",
    "detect.derived": "{field} from {shown}",
    "detect.derived_else": "{field} from {column}, else {shown}",
    "detect.saved": "; using the mapping saved on {date}",
    "detect.note.douyin": "no buyer account column: buyers are told apart by 收件人+收件人手机号 "
    "(masked)",
    "detect.note.pdd": "no buyer account column: buyers are told apart by 收货人+手机 (masked "
    "phone)",
    "detect.note.shopify": "buyers without an Email are told apart by Phone, else Billing Name",
    "detect.note.taobao_items": "rows go to order items, linked to the 订单报表 by 订单编号",
    "detect.note.youzan": "buyers without a 买家昵称 are told apart by 收货人+收货人手机号",
}
