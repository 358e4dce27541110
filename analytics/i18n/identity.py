"""UI text about buyers an export cannot tell apart, and order->buyer mapping files."""

ZH = {
    "identity.unknown": "{orders} 个订单中有 {unknown} 个（{share}）无法识别买家：{why}。这些订单计入"
    "销售额、商品和促销分析，但不计入任何客户指标和名单。导入“订单号 + 买家ID/会员ID/手机号”的"
    "对照表（会员/CRM 工具、ERP 或解密打单工具导出）即可找回买家。",
    "identity.why.cipher": "{n} 个收件人信息是密文",
    "identity.why.masked": "{n} 个买家账号已打码（如 t**1）",
    "identity.why.shared": "{n} 个共用同一个买家标识（占比过高，不可能是同一个买家）",
    "identity.weak": "注意：{orders} 个订单中有 {n} 个只能用收货人姓名区分买家（没有手机号）：共 {keys} "
    "个姓名，其中 {spread} 个（{share}）出现在不止一个省/市，必定是不同的人被算成了一个客户。"
    "这些买家的复购等指标可能偏高。",
    "identity.assigned": "{n} 个订单找回了买家，{same} 个订单原本就是这个买家；客户数据已按新买家重新计算。",
    "identity.not_found": "对照表中有 {n} 个订单号不在已导入的订单里：请先导入订单导出，再导入这个对照表。",
    "identity.overview": "{orders} 个订单中有 {unknown} 个（{share}）无法识别买家（导出文件中为密文或已打码）："
    "它们计入销售额，但不计入客户指标。可在“导入”页导入订单→买家对照表找回买家。",
    "detect.note.buyers": "把买家分配给已导入的订单",
    "import.history.kind.buyers": "订单→买家对照表",
    "refusal.buyer_map_columns": "订单→买家对照表需要买家 ID 列（买家ID / 会员ID / 客户ID）或手机号列；"
    "文件的列是：{columns}",
    "problem.unusable_buyer": "买家 ID 是密文或已打码，无法区分买家",
}

EN = {
    "identity.unknown": "{unknown} of {orders} orders ({share}) have no identifiable buyer: {why}. "
    "They count in sales, products and promotions but in no customer figure or list. Import a "
    "mapping file of order id + buyer id / member id / phone (from a 会员/CRM tool, an ERP or a "
    "decrypting print tool) to recover their buyers.",
    "identity.why.cipher": "{n} with an encrypted consignee (密文)",
    "identity.why.masked": "{n} with a masked buyer account (e.g. t**1)",
    "identity.why.shared": "{n} sharing one buyer key on too many orders to be one buyer",
    "identity.weak": "Warning: {n} of {orders} orders are told apart by the consignee name alone "
    "(no phone): {keys} names, of which {spread} ({share}) appear with more than one "
    "province/city, so they are surely several people counted as one customer. Repurchase "
    "figures of these buyers may be too high.",
    "identity.assigned": "{n} orders got their buyer, {same} already had it; the customer "
    "figures are rebuilt with them.",
    "identity.not_found": "{n} order ids of the mapping file match no stored order: import the "
    "order export first, then this file again.",
    "identity.overview": "{unknown} of {orders} orders ({share}) have no identifiable buyer "
    "(encrypted or masked in the export): they count in sales but not in customer figures. "
    "Import an order→buyer mapping file on the Import page to recover their buyers.",
    "detect.note.buyers": "assigns buyers to orders already imported",
    "import.history.kind.buyers": "order→buyer mapping",
    "refusal.buyer_map_columns": "an order→buyer mapping file needs a buyer id column (买家ID / "
    "会员ID / 客户ID) or a phone column; the file's columns are: {columns}",
    "problem.unusable_buyer": "the buyer id is encrypted or masked and tells no buyer apart",
}
