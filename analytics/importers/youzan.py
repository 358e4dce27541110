"""Youzan 有赞 订单导出 (order export) from the 有赞 microshop back-end.

One row per order, or per order line when products are exported with it (商品名称,
商品数量 and 商品单价 then describe the line and 订单号 repeats with the order's
订单实付金额 and 退款金额 on every line). The buyer is 买家昵称 / 粉丝昵称 (the WeChat
fan); a buyer who is not a fan has none, and is then told apart by 收货人 + 收货人手机号.
"""

from __future__ import annotations

from analytics.importers.formats import Format

PLATFORM = "youzan"

#: The columns of an 订单导出 with products, in the back-end's order.
HEADER = (
    "订单号",
    "订单类型",
    "订单状态",
    "下单时间",
    "付款时间",
    "买家昵称",
    "买家手机号",
    "商品名称",
    "商品规格",
    "商品编码",
    "商品单价",
    "商品数量",
    "订单商品总金额",
    "订单运费",
    "订单实付金额",
    "退款状态",
    "退款金额",
    "收货人",
    "收货人手机号",
    "收货省份",
    "收货城市",
    "收货区县",
    "详细收货地址",
    "买家备注",
    "商家订单备注",
)

STATUS_MAP = {
    "待付款": "unpaid",
    "等待买家付款": "unpaid",
    "待成团": "paid",
    "待接单": "paid",
    "待发货": "paid",
    "等待商家发货": "paid",
    "等待卖家发货": "paid",
    "部分发货": "shipped",
    "已发货": "shipped",
    "商家已发货": "shipped",
    "等待买家确认收货": "shipped",
    "已完成": "completed",
    "交易完成": "completed",
    "交易成功": "completed",
    "已签收": "completed",
    "已关闭": "closed",
    "交易关闭": "closed",
    "已取消": "closed",
}

AFTER_SALE_MAP = {"退款成功": "refunded", "全额退款": "refunded", "已全额退款": "refunded"}

FORMAT = Format(
    platform=PLATFORM,
    label="有赞 订单导出",
    columns={
        "order_id": ("订单号",),
        "customer_id": ("买家昵称", "粉丝昵称"),
        "customer_name": ("收货人", "收货人/提货人"),
        "phone": ("收货人手机号", "收货人手机号/提货人手机号"),
        "order_time": ("下单时间", "订单创建时间"),
        "paid_time": ("付款时间", "买家付款时间"),
        "status": ("订单状态",),
        "after_sale": ("退款状态",),
        "amount": ("订单实付金额",),
        "refund_amount": ("退款金额", "订单已退款金额"),
        "province": ("收货省份", "收货人省份"),
        "city": ("收货城市", "收货人城市"),
        "address": ("详细收货地址", "详细收货地址/提货地址"),
        "item_count": ("商品数量",),
        "product": ("商品名称",),
        "shop": ("店铺名称",),
        "sku": ("商品编码", "规格编码"),
        "title": ("商品名称",),
        "quantity": ("商品数量",),
        "price": ("商品单价",),
    },
    # 订单实付金额 is 有赞's own; the buyer may come from 收货人+收货人手机号 alone.
    signature=("订单号", "订单实付金额", ("下单时间", "订单创建时间")),
    status_map=STATUS_MAP,
    after_sale_map=AFTER_SALE_MAP,
    grain="line",
    sum_fields=("item_count",),
    derived={
        "customer_id": (
            ("收货人", "收货人手机号"),
            ("收货人/提货人", "收货人手机号/提货人手机号"),
        )
    },
    note="detect.note.youzan",
)
