"""UI text of the Import page's platform formats, saved mappings and big-file hints."""

ZH = {
    "importers.saved_mapping": "使用你在 {date} 保存的列对应关系（同样表头的文件不再询问）。",
    "importers.change_mapping": "修改列对应",
    "importers.mapping_remembered": "导入后会记住这次选择，下次同样表头的文件直接使用。",
    "importers.big_files": "单个文件最大 2 GB；更大的文件请用命令行导入：`python -m analytics import 文件名`",
    "importers.not_used": "（不使用）",
    "importers.lines_written": "{file}：写入 {n} 行商品明细。",
    "importers.lines_undone": "商品明细：删除 {removed} 行，恢复 {restored} 行。",
    "importers.field.after_sale": "售后状态",
    "importers.field.product_id": "商品 ID",
    "importers.field.sku": "商家编码 / SKU",
    "importers.field.title": "商品名称",
    "importers.field.quantity": "购买数量",
    "importers.field.price": "单价",
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
    "importers.field.after_sale": "After-sale status",
    "importers.field.product_id": "Product id",
    "importers.field.sku": "Seller code / SKU",
    "importers.field.title": "Product title",
    "importers.field.quantity": "Quantity",
    "importers.field.price": "Unit price",
}
