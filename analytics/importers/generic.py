"""Any other order table: columns recognized by common English and Chinese names.

When a required field is not recognized the UI asks the user to map it (the CLI takes
``--map field=column``). Statuses are matched on common words; rows with no status column
count as completed sales.
"""

from __future__ import annotations

from analytics.importers.formats import Format

PLATFORM = "generic"

ALIASES: dict[str, tuple[str, ...]] = {
    "order_id": (
        "order_id",
        "order id",
        "orderid",
        "order no",
        "order number",
        "order_no",
        "order",
        "订单号",
        "订单编号",
        "订单id",
        "订单ID",
        "订单 号",
        "单号",
    ),
    "customer_id": (
        "customer_id",
        "customer id",
        "customer",
        "buyer",
        "buyer_id",
        "buyer id",
        "user_id",
        "member",
        "email",
        "买家",
        "买家id",
        "买家ID",
        "买家昵称",
        "买家会员名",
        "会员名",
        "客户",
        "客户id",
        "客户ID",
        "会员",
        "用户",
        "用户id",
        "用户ID",
        "买家账号",
    ),
    "order_time": (
        "order_time",
        "order time",
        "order date",
        "created_at",
        "created at",
        "date",
        "time",
        "下单时间",
        "订单创建时间",
        "创建时间",
        "下单日期",
        "订单时间",
        "日期",
        "时间",
    ),
    "amount": (
        "amount",
        "total",
        "order total",
        "paid",
        "paid amount",
        "payment",
        "sales",
        "revenue",
        "实付金额",
        "实付款",
        "买家实际支付金额",
        "支付金额",
        "订单金额",
        "金额",
        "实收金额",
        "订单应付金额",
        "销售额",
    ),
    "customer_name": ("customer_name", "name", "buyer name", "收货人", "收货人姓名", "姓名"),
    "phone": ("phone", "mobile", "telephone", "手机", "手机号", "联系手机", "电话", "联系电话"),
    "paid_time": ("paid_time", "paid at", "payment time", "付款时间", "支付时间", "订单付款时间"),
    "status": ("status", "order status", "state", "订单状态", "状态", "交易状态"),
    "refund_amount": ("refund_amount", "refund", "refunded", "退款金额", "退款", "已退款金额"),
    "address": ("address", "shipping address", "收货地址", "地址", "详细地址"),
    "province": ("province", "state/province", "省份", "省", "收货省份"),
    "city": ("city", "城市", "市", "收货城市"),
    "item_count": ("item_count", "quantity", "qty", "items", "数量", "商品数量", "宝贝总数量"),
    "product": ("product", "item", "product name", "title", "商品", "商品名称", "宝贝标题"),
    "shop": ("shop", "store", "店铺", "店铺名称"),
}

STATUS_WORDS = {
    "unpaid": ("unpaid", "pending", "待付款", "未付款", "等待付款", "等待买家付款"),
    "paid": ("paid", "已付款", "待发货", "已支付", "付款成功"),
    "shipped": ("shipped", "fulfilled", "in transit", "已发货", "待收货", "运输中"),
    "completed": (
        "completed",
        "complete",
        "delivered",
        "done",
        "success",
        "交易成功",
        "已完成",
        "已签收",
        "完成",
        "成功",
    ),
    "closed": ("closed", "cancelled", "canceled", "voided", "交易关闭", "已关闭", "已取消", "取消"),
    "refunded": ("refunded", "已退款", "退款成功", "全额退款"),
}


def _aliases_with_case() -> dict[str, tuple[str, ...]]:
    out = {}
    for name, words in ALIASES.items():
        variants: list[str] = []
        for word in words:
            for v in (word, word.title(), word.upper(), word.capitalize()):
                if v not in variants:
                    variants.append(v)
        out[name] = tuple(variants)
    return out


FORMAT = Format(
    platform=PLATFORM,
    label="通用表格 Generic table",
    columns=_aliases_with_case(),
    status_map={
        variant: status
        for status, words in STATUS_WORDS.items()
        for word in words
        for variant in (word, word.title(), word.upper(), word.capitalize())
    },
)
