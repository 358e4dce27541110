"""JD 京东 POP shops' 订单导出 (order export) from the merchant back-end (商家后台).

One row per order line (SKU): 订单号 repeats on each line with the order's 订单金额 and
应付金额 (what the buyer pays), while 商品ID, 商品名称, 订购数量 and 京东价 describe the
line. The buyer is 下单帐号 (the JD account, also spelled 下单账号); 客户姓名, 客户地址 and
联系电话 are the consignee. Buyers who deleted an order from their list show its status
prefixed with (删除).
"""

from __future__ import annotations

from analytics.importers.formats import Format

PLATFORM = "jd"

#: The columns of a POP 订单导出, in the back-end's order.
HEADER = (
    "订单号",
    "商品ID",
    "商品名称",
    "订购数量",
    "支付方式",
    "下单时间",
    "京东价",
    "订单金额",
    "结算金额",
    "余额支付",
    "应付金额",
    "订单状态",
    "订单类型",
    "下单帐号",
    "客户姓名",
    "客户地址",
    "联系电话",
    "订单备注",
    "发票类型",
    "发票抬头",
    "发票内容",
    "商家备注",
    "商家备注等级（等级1-5为由高到低）",
    "运费金额",
    "付款确认时间",
    "增值税发票",
    "货号",
    "订单完成时间",
    "订单来源",
    "订单渠道",
    "送装服务",
    "服务费",
    "仓库id",
    "仓库名称",
)

_STATUSES = {
    "等待付款": "unpaid",
    "等待付款确认": "unpaid",
    "等待出库": "paid",
    "等待打包": "paid",
    "等待发货": "paid",
    "暂停": "paid",
    "等待确认收货": "shipped",
    "等待收货": "shipped",
    "已发货": "shipped",
    "完成": "completed",
    "已完成": "completed",
    "已取消": "closed",
    "取消": "closed",
    # A locked order is one the buyer asked to cancel before it shipped; nearly all end
    # cancelled, so it does not count as a sale until a later export says otherwise.
    "锁定": "closed",
    "退款成功": "refunded",
}

#: 订单状态 -> SPEC status, with the (删除) variants of every status.
STATUS_MAP = {
    f"{prefix}{raw}": status
    for raw, status in _STATUSES.items()
    for prefix in ("", "(删除)", "（删除）")
}

FORMAT = Format(
    platform=PLATFORM,
    label="京东 POP 订单导出",
    columns={
        "order_id": ("订单号",),
        "customer_id": ("下单帐号", "下单账号"),
        "customer_name": ("客户姓名",),
        "phone": ("联系电话",),
        "order_time": ("下单时间",),
        "paid_time": ("付款确认时间",),
        "status": ("订单状态",),
        "amount": ("应付金额", "订单金额"),
        "address": ("客户地址",),
        "item_count": ("订购数量", "数量"),
        "product": ("商品名称",),
        "shop": ("店铺名称",),
        "product_id": ("商品ID",),
        "sku": ("货号",),
        "title": ("商品名称",),
        "quantity": ("订购数量", "数量"),
        "price": ("京东价",),
    },
    # The required columns only: a shop may export any subset of the others, in any order.
    signature=(
        "订单号",
        ("下单帐号", "下单账号"),
        "下单时间",
        ("应付金额", "订单金额"),
    ),
    status_map=STATUS_MAP,
    grain="line",
    sum_fields=("item_count",),
)
