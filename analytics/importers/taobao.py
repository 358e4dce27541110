"""Taobao/Tmall 订单报表 (order report) and 宝贝报表 (item report) exports.

The 订单报表 has one row per order. The seller center writes GBK/GB18030 CSV (newer
exports UTF-8 with a BOM), pads some headers with spaces, wraps long numbers as ="…" so
Excel keeps them as text, and masks buyers' phones (138****5678). Tmall shops download the
same 订单报表 from the same seller center (千牛), and Tmall buyers are Taobao accounts, so
a Tmall export imports as platform ``taobao`` too (the detection reason says when the
header carries Tmall fields such as 天猫卡券抵扣).

The 宝贝报表 (ExportOrderDetailList) has one row per order line: 订单编号, 标题, 价格
(unit price), 购买数量, 商家编码… with no buyer or shop; its rows go to ``order_items``,
linked to the 订单报表 by 订单编号. Either file may be imported first.
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

#: Names newer seller-center versions give the same columns (as public import templates for
#: the 订单报表 map them: 买家实付金额, 买家下单时间, 买家付款时间).
ALIASES = {
    "amount": ("买家实付金额",),
    "order_time": ("买家下单时间",),
    "paid_time": ("买家付款时间",),
}

#: Columns whose presence identifies a 订单报表: the required ones, under either name (a
#: shop may export any subset of the others, in any order).
SIGNATURE = (
    "订单编号",
    "买家会员名",
    ("买家实际支付金额", "买家实付金额"),
    ("订单创建时间", "买家下单时间"),
)

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
    columns={name: (column, *ALIASES.get(name, ())) for name, column in COLUMNS.items()},
    signature=SIGNATURE,
    status_map=STATUS_MAP,
)

#: Header words that only Tmall shops' 订单报表 carry (shown in the detection reason).
TMALL_MARKERS = ("天猫",)

#: The columns of a 宝贝报表 (item report), in the seller center's order.
ITEMS_HEADER = (
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
)

ITEMS_FORMAT = Format(
    platform=PLATFORM,
    name="taobao_items",
    label="淘宝/天猫 宝贝报表",
    kind="items",
    columns={
        "order_id": ("订单编号", "主订单编号"),
        "product_id": ("商品ID", "宝贝ID"),
        "sku": ("商家编码", "商品编码"),
        "title": ("标题", "商品标题", "宝贝标题"),
        "quantity": ("购买数量",),
        "price": ("价格", "商品价格"),
        "shop": ("店铺名称",),
    },
    signature=(("订单编号", "主订单编号"), ("标题", "商品标题"), ("价格", "商品价格"), "购买数量"),
    excludes=("买家会员名",),
    note="detect.note.taobao_items",
)
