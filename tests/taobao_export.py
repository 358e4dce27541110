"""Build Taobao 订单报表 files for tests, in the quirks the seller center produces."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from analytics.importers.taobao import HEADER


def order(order_id: str, buyer: str, *, status: str = "交易成功", paid: str = "100.00",
          refund: str = "0", time: str = "2024-01-05 10:00:00", paid_time: str | None = None,
          address: str = "浙江省 杭州市 西湖区 文三路1号", phone: str = "138****0001",
          product: str = "洗发水", shop: str = "测试店") -> dict[str, str]:  # fmt: skip
    return {
        "订单编号": f'="{order_id}"',
        "买家会员名": buyer,
        "订单状态": status,
        "买家实际支付金额": paid,
        "总金额": paid,
        "退款金额": refund,
        "订单创建时间": time,
        "订单付款时间": time if paid_time is None else paid_time,
        "收货地址": address,
        "联系手机": phone,
        "收货人姓名": buyer + "本人",
        "宝贝标题": product,
        "宝贝总数量": "1",
        "店铺名称": shop,
    }


def write_export(path: Path, orders: list[dict[str, str]], *, encoding: str = "gb18030",
                 pad_headers: bool = True) -> Path:  # fmt: skip
    """Write a 订单报表 with every column of HEADER (empty where ``orders`` have none)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([h + ("  " if pad_headers and h in ("订单编号", "订单状态") else "")
                     for h in HEADER])  # fmt: skip
    for row in orders:
        writer.writerow([row.get(h, "") for h in HEADER])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path
