"""Baseline for bench_import: a plain pandas script computing `report kpis` from a 订单报表.

It reads the same file, keeps the newest row per order, applies SPEC's valid-sale rule and
prints the same six KPIs, the way an analyst would without LaoKe.
"""

from __future__ import annotations

import json
import sys

import pandas as pd

SALE = {"买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功", "卖家部分发货"}


def main(path: str) -> None:
    df = pd.read_csv(path, encoding="gb18030", dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    df["order_id"] = df["订单编号"].str.strip().str.strip('="')
    df = df.drop_duplicates("order_id", keep="last")
    paid = pd.to_numeric(df["买家实际支付金额"], errors="coerce").fillna(0)
    refund = pd.to_numeric(df["退款金额"].replace("", "0"), errors="coerce").fillna(0)
    valid = df["订单状态"].isin(SALE) & (refund < paid)
    sales = pd.DataFrame({"buyer": df["买家会员名"][valid], "net": (paid - refund)[valid]})
    per = sales.groupby("buyer")["net"].agg(["count", "sum"])
    revenue = per["sum"].sum()
    repeat = per[per["count"] >= 2]
    print(
        json.dumps(
            {
                "customers": len(per),
                "valid_orders": int(per["count"].sum()),
                "revenue": round(float(revenue), 2),
                "aov": round(float(revenue / per["count"].sum()), 2),
                "repurchase_rate": len(repeat) / len(per),
                "returning_revenue_share": float(repeat["sum"].sum() / revenue),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
