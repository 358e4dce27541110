"""Shopify ``orders_export.csv`` (Admin > Orders > Export).

One row per line item; an order's fields (Email, Financial Status, Paid at, Total,
Refunded Amount, addresses…) are filled on its first row only, the other rows carry Name
and the Lineitem columns. Name is the order number (#1001), Email the buyer (a buyer
with no email is told apart by Phone, else Billing Name). Times carry the shop's offset
(2024-03-05 14:22:10 +0800): the shop's local time is kept as written. Province names in
pinyin (Zhejiang) or Shopify's codes (ZJ) become 浙江; other countries' provinces are left
out of the region analysis.
"""

from __future__ import annotations

from analytics.importers.formats import Format

PLATFORM = "shopify"

#: The columns of orders_export.csv, in Shopify's order.
HEADER = (
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Note Attributes",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Employee",
    "Location",
    "Device ID",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    "Tax 1 Name",
    "Tax 1 Value",
    "Phone",
    "Receipt Number",
    "Duties",
    "Billing Province Name",
    "Shipping Province Name",
    "Payment ID",
    "Payment Terms Name",
    "Next Payment Due At",
    "Payment References",
)

#: Financial Status -> SPEC status (a partial refund stays a sale, netted by its amount).
STATUS_MAP = {
    "pending": "unpaid",
    "authorized": "unpaid",
    "unpaid": "unpaid",
    "partially_paid": "paid",
    "paid": "paid",
    "partially_refunded": "paid",
    "refunded": "refunded",
    "voided": "closed",
    "expired": "closed",
}

#: Chinese provinces as Shopify writes them: pinyin names and its two-letter codes.
PROVINCE_ALIASES = {
    alias: name
    for name, aliases in {
        "北京": ("Beijing", "BJ"),
        "天津": ("Tianjin", "TJ"),
        "上海": ("Shanghai", "SH"),
        "重庆": ("Chongqing", "CQ"),
        "河北": ("Hebei", "HE"),
        "山西": ("Shanxi", "SX"),
        "辽宁": ("Liaoning", "LN"),
        "吉林": ("Jilin", "JL"),
        "黑龙江": ("Heilongjiang", "HL"),
        "江苏": ("Jiangsu", "JS"),
        "浙江": ("Zhejiang", "ZJ"),
        "安徽": ("Anhui", "AH"),
        "福建": ("Fujian", "FJ"),
        "江西": ("Jiangxi", "JX"),
        "山东": ("Shandong", "SD"),
        "河南": ("Henan", "HA"),
        "湖北": ("Hubei", "HB"),
        "湖南": ("Hunan", "HN"),
        "广东": ("Guangdong", "GD"),
        "海南": ("Hainan", "HI"),
        "四川": ("Sichuan", "SC"),
        "贵州": ("Guizhou", "GZ"),
        "云南": ("Yunnan", "YN"),
        "陕西": ("Shaanxi", "SN"),
        "甘肃": ("Gansu", "GS"),
        "青海": ("Qinghai", "QH"),
        "内蒙古": ("Inner Mongolia", "Nei Mongol", "NM"),
        "广西": ("Guangxi", "GX"),
        "西藏": ("Tibet", "Xizang", "XZ"),
        "宁夏": ("Ningxia", "NX"),
        "新疆": ("Xinjiang", "XJ"),
    }.items()
    for alias in aliases
}

FORMAT = Format(
    platform=PLATFORM,
    label="Shopify orders_export.csv",
    columns={
        "order_id": ("Name",),
        "customer_id": ("Email",),
        "customer_name": ("Billing Name", "Shipping Name"),
        "phone": ("Phone", "Billing Phone"),
        "order_time": ("Created at",),
        "paid_time": ("Paid at",),
        "status": ("Financial Status",),
        "amount": ("Total",),
        "refund_amount": ("Refunded Amount",),
        "province": ("Shipping Province Name", "Shipping Province"),
        "city": ("Shipping City",),
        "item_count": ("Lineitem quantity",),
        "product": ("Lineitem name",),
        "sku": ("Lineitem sku",),
        "title": ("Lineitem name",),
        "quantity": ("Lineitem quantity",),
        "price": ("Lineitem price",),
    },
    signature=("Name", "Email", "Financial Status", "Lineitem name", "Created at"),
    status_map=STATUS_MAP,
    grain="line",
    sum_fields=("item_count",),
    derived={"customer_id": (("Phone",), ("Billing Name",))},
    value_maps={"province": PROVINCE_ALIASES},
    note="detect.note.shopify",
)
