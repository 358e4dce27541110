"""Pinduoduo 拼多多 订单导出 (order export) from the merchant back-end (商家后台).

One row per order (a PDD order holds one product), folded by 订单号 all the same in case
a file repeats one. Amounts carry their unit in the header (用户实付金额(元)); the buyer
paid 用户实付金额, the shop receives 商家实收金额. The export has NO buyer account column:
the buyer is identified by 收货人 + 手机 (the consignee's name and masked phone, e.g.
张三/138****5678), so one person shipping to two names counts as two buyers and two
people with the same name and masked phone count as one. Refunds show in 订单状态
(未发货，退款成功) or 售后状态 (退款成功) without an amount: a refunded order counts as
fully refunded.
"""

from __future__ import annotations

from analytics.importers.formats import Format

PLATFORM = "pdd"

#: The columns of a 订单导出, in the back-end's order.
HEADER = (
    "商品",
    "订单号",
    "订单状态",
    "商品总价(元)",
    "邮费(元)",
    "店铺优惠折扣(元)",
    "平台优惠折扣(元)",
    "多多支付立减金额(元)",
    "用户实付金额(元)",
    "商家实收金额(元)",
    "商品数量(件)",
    "发货时间",
    "确认收货时间",
    "商品id",
    "商品规格",
    "样式ID",
    "商家编码-规格维度",
    "商家编码-商品维度",
    "商家备注",
    "售后状态",
    "快递单号",
    "快递公司",
    "收货人",
    "手机",
    "省",
    "市",
    "区",
    "街道",
    "支付时间",
    "拼单成功时间",
    "订单成交时间",
    "承诺发货时间",
    "订单类型",
    "买家留言",
)

_REFUNDED = ("未发货", "已发货", "已签收", "已收货", "已取消", "未成交")

STATUS_MAP = {
    "待支付": "unpaid",
    "待付款": "unpaid",
    "待发货": "paid",
    "已发货，待签收": "shipped",
    "已发货，待收货": "shipped",
    "已发货,待签收": "shipped",
    "已发货,待收货": "shipped",
    "已签收": "completed",
    "已收货": "completed",
    "已取消": "closed",
    **{f"{state}{comma}退款成功": "refunded" for state in _REFUNDED for comma in ("，", ",")},
}

#: 售后状态 words meaning the order's money went back to the buyer.
AFTER_SALE_MAP = {"退款成功": "refunded", "已退款": "refunded", "全额退款": "refunded"}

FORMAT = Format(
    platform=PLATFORM,
    label="拼多多 订单导出",
    columns={
        "order_id": ("订单号",),
        "customer_name": ("收货人",),
        "phone": ("手机",),
        "order_time": ("订单成交时间", "支付时间", "拼单成功时间"),
        "paid_time": ("支付时间",),
        "status": ("订单状态",),
        "after_sale": ("售后状态",),
        "amount": (
            "用户实付金额(元)",
            "商家实收金额(元)",
            "用户实付金额（元）",
            "商家实收金额（元）",
        ),
        "province": ("省",),
        "city": ("市",),
        "address": ("街道",),
        "item_count": ("商品数量(件)", "商品数量（件）"),
        "product": ("商品",),
        "shop": ("店铺名称",),
        "product_id": ("商品id",),
        "sku": ("商家编码-规格维度", "样式ID"),
        "title": ("商品",),
        "quantity": ("商品数量(件)", "商品数量（件）"),
    },
    # 订单号 and a 拼多多 amount column: a shop may export any subset of the others.
    signature=(
        "订单号",
        ("用户实付金额(元)", "商家实收金额(元)", "用户实付金额（元）", "商家实收金额（元）"),
    ),
    status_map=STATUS_MAP,
    after_sale_map=AFTER_SALE_MAP,
    grain="line",
    sum_fields=("amount", "item_count"),
    derived={"customer_id": (("收货人", "手机"),)},
    note="detect.note.pdd",
)
