"""Baseline for the import and report benches: the pandas notebook an analyst would write
instead of LaoKe, reading one Taobao 订单报表 and computing the KPIs, RFM quintiles and the
monthly cohort matrix (issue 14's baseline).

It reads the same file, keeps the newest row per order, applies SPEC's valid-sale rule and
prints one JSON object: the six KPIs of ``report kpis`` (the benches check they match
LaoKe's) and, under ``"notebook"``, how many buyers fall in each R quintile and the cohort
matrix's shape and first-month retention.
"""

from __future__ import annotations

import json
import sys

import pandas as pd

SALE = {"买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功", "卖家部分发货"}
QUINTILES = [1, 2, 3, 4, 5]


def quintile(values: pd.Series, *, ascending: bool = True) -> pd.Series:
    """Scores 1-5 by rank (ties broken by order), 5 = best."""
    ranks = values.rank(method="first", ascending=ascending)
    return pd.qcut(ranks, 5, labels=QUINTILES).astype(int)


def main(path: str) -> None:
    df = pd.read_csv(path, encoding="gb18030", dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    df["order_id"] = df["订单编号"].str.strip().str.strip('="')
    df = df.drop_duplicates("order_id", keep="last")
    paid = pd.to_numeric(df["买家实际支付金额"], errors="coerce").fillna(0)
    refund = pd.to_numeric(df["退款金额"].replace("", "0"), errors="coerce").fillna(0)
    valid = df["订单状态"].isin(SALE) & (refund < paid)
    sales = pd.DataFrame(
        {
            "buyer": df["买家会员名"][valid],
            "net": (paid - refund)[valid],
            "time": pd.to_datetime(df["订单创建时间"][valid], format="%Y-%m-%d %H:%M:%S"),
        }
    )
    per = sales.groupby("buyer").agg(
        count=("net", "size"), sum=("net", "sum"), first=("time", "min"), last=("time", "max")
    )
    revenue = per["sum"].sum()
    repeat = per[per["count"] >= 2]

    # RFM quintiles: recency in days to the day after the last sale.
    today = sales["time"].max().normalize() + pd.Timedelta(days=1)
    rfm = pd.DataFrame(
        {
            "r": quintile((today - per["last"]).dt.days, ascending=False),
            "f": quintile(per["count"]),
            "m": quintile(per["sum"]),
        }
    )
    rfm["cell"] = rfm["r"] * 100 + rfm["f"] * 10 + rfm["m"]

    # Cohort matrix: buyers by first-purchase month x months since, as shares of the cohort.
    month = sales["time"].dt.year * 12 + sales["time"].dt.month
    first = per["first"].dt.year * 12 + per["first"].dt.month
    sales["cohort"] = sales["buyer"].map(first)
    sales["age"] = month - sales["cohort"]
    active = sales.groupby(["cohort", "age"])["buyer"].nunique().unstack(fill_value=0)
    retention = active.div(active[0], axis=0)

    print(
        json.dumps(
            {
                "customers": len(per),
                "valid_orders": int(per["count"].sum()),
                "revenue": round(float(revenue), 2),
                "aov": round(float(revenue / per["count"].sum()), 2),
                "repurchase_rate": len(repeat) / len(per),
                "returning_revenue_share": float(repeat["sum"].sum() / revenue),
                "notebook": {
                    "r_quintiles": rfm["r"].value_counts().sort_index().tolist(),
                    "rfm_cells": int(rfm["cell"].nunique()),
                    "cohorts": list(retention.shape),
                    "month_1_retention": round(float(retention[1].mean()), 4),
                },
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
