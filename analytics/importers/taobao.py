"""Taobao/Tmall 订单报表 (order report) exports, as the seller center downloads them.

One row per order. The seller center writes GBK/GB18030 CSV (newer exports UTF-8 with a
BOM), pads some headers with spaces, wraps long numbers as ="…" so Excel keeps them as
text, and masks buyers' phones (138****5678).
"""

from __future__ import annotations

from analytics.importers.formats import Format

PLATFORM = "taobao"

#: The columns of a current 订单报表, in the seller center's order.
HEADER = (
    "订单编号",
    "买家会员名",
    "买家支付宝账号",
    "买家应付货款",
    "买家应付邮费",
    "买家支付积分",
    "总金额",
    "返点积分",
    "买家实际支付金额",
    "买家实际支付积分",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址",
    "运送方式",
    "联系电话",
    "联系手机",
    "订单创建时间",
    "订单付款时间",
    "宝贝标题",
    "宝贝种类",
    "物流单号",
    "物流公司",
    "订单备注",
    "宝贝总数量",
    "店铺Id",
    "店铺名称",
    "订单关闭原因",
    "卖家服务费",
    "买家服务费",
    "发票抬头",
    "是否手机订单",
    "退款金额",
)

#: Canonical field -> the 订单报表 column it comes from.
COLUMNS = {
    "order_id": "订单编号",
    "customer_id": "买家会员名",
    "customer_name": "收货人姓名",
    "phone": "联系手机",
    "order_time": "订单创建时间",
    "paid_time": "订单付款时间",
    "status": "订单状态",
    "amount": "买家实际支付金额",
    "refund_amount": "退款金额",
    "address": "收货地址",
    "item_count": "宝贝总数量",
    "product": "宝贝标题",
    "shop": "店铺名称",
}

#: Columns whose presence identifies a 订单报表.
SIGNATURE = ("订单编号", "买家会员名", "订单状态", "买家实际支付金额", "订单创建时间")

#: Every 订单状态 the seller center writes -> SPEC's normalized status.
STATUS_MAP = {
    "等待买家付款": "unpaid",
    "买家已付款，等待卖家发货": "paid",
    "买家已付款,等待卖家发货": "paid",
    "等待卖家发货": "paid",
    "卖家部分发货": "shipped",
    "卖家已发货，等待买家确认": "shipped",
    "卖家已发货,等待买家确认": "shipped",
    "等待买家确认收货": "shipped",
    "交易成功": "completed",
    "交易关闭": "closed",
    "付款以前，卖家或买家主动关闭交易": "closed",
    "付款以前,卖家或买家主动关闭交易": "closed",
    "付款以后用户退款成功，交易自动关闭": "refunded",
    "付款以后用户退款成功,交易自动关闭": "refunded",
}

FORMAT = Format(
    platform=PLATFORM,
    label="淘宝/天猫 订单报表",
    columns={name: (column,) for name, column in COLUMNS.items()},
    signature=SIGNATURE,
    status_map=STATUS_MAP,
)
