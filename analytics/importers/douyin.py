"""Douyin 抖店 订单导出 (order export) from the 抖店 merchant back-end.

One row per sub-order (子订单: one product line); 主订单编号 is the order. Each row
carries its own 订单应付金额 (what the buyer pays for that line), so an order's amount is
the sum over its lines; the order's other fields come from its first line. The export has
NO buyer account column: the buyer is identified by 收件人 + 收件人手机号 (the
consignee's masked name and phone), with the limits that implies. Refunds show in 售后状态
without an amount: a refunded order counts as fully refunded.
"""

from __future__ import annotations

from analytics.importers.formats import Format

PLATFORM = "douyin"

#: The columns of a 抖店 订单导出, in the back-end's order.
HEADER = (
    "主订单编号",
    "子订单编号",
    "选购商品",
    "商品规格",
    "商品ID",
    "商家编码",
    "商品单价",
    "商品数量",
    "订单应付金额",
    "运费",
    "优惠总金额",
    "平台实际承担优惠金额",
    "商家实际承担优惠金额",
    "达人实际承担优惠金额",
    "支付方式",
    "订单提交时间",
    "支付完成时间",
    "订单完成时间",
    "订单状态",
    "售后状态",
    "取消原因",
    "收件人",
    "收件人手机号",
    "省",
    "市",
    "区",
    "街道",
    "详细地址",
    "买家留言",
    "商家备注",
    "达人ID",
    "达人昵称",
    "流量来源",
    "广告渠道",
    "流量体裁",
    "订单类型",
    "快递信息",
    "发货时间",
)

STATUS_MAP = {
    "待支付": "unpaid",
    "待付款": "unpaid",
    "待确认": "paid",
    "备货中": "paid",
    "待发货": "paid",
    "部分发货": "shipped",
    "已发货": "shipped",
    "已完成": "completed",
    "已关闭": "closed",
    "已取消": "closed",
    "交易关闭": "closed",
}

AFTER_SALE_MAP = {"退款成功": "refunded", "已退款": "refunded", "全额退款": "refunded"}

FORMAT = Format(
    platform=PLATFORM,
    label="抖店 订单导出",
    columns={
        "order_id": ("主订单编号",),
        "customer_name": ("收件人",),
        "phone": ("收件人手机号",),
        "order_time": ("订单提交时间",),
        "paid_time": ("支付完成时间",),
        "status": ("订单状态",),
        "after_sale": ("售后状态",),
        "amount": ("订单应付金额",),
        "province": ("省",),
        "city": ("市",),
        "address": ("详细地址",),
        "item_count": ("商品数量",),
        "product": ("选购商品",),
        "shop": ("店铺名称",),
        "product_id": ("商品ID",),
        "sku": ("商家编码", "货号"),
        "title": ("选购商品",),
        "quantity": ("商品数量",),
        "price": ("商品单价", "商品金额"),
    },
    # 主订单编号 is 抖店's own; 子订单编号 and the rest are optional (the shop picks them).
    signature=("主订单编号", "订单应付金额", "订单提交时间"),
    status_map=STATUS_MAP,
    after_sale_map=AFTER_SALE_MAP,
    grain="line",
    sum_fields=("amount", "item_count"),
    derived={"customer_id": (("收件人", "收件人手机号"),)},
    note="detect.note.douyin",
)
