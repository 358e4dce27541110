"""Time BG/NBD fitting and CLV prediction on simulated customers (not a test).

    python bench/bench_clv.py [--customers 1000000] [--seed 7] [--store]

Draws customers from BG/NBD with known parameters (purchase rate ~ Gamma(r, alpha) per day,
dropout ~ Beta(a, b) after each repeat purchase, first purchase 1-730 days before the
as-of date, recency in whole days), then times ``fit_bgnbd`` and the per-customer
prediction the ``clv`` report makes (P(alive), 12 monthly expected-purchase steps and
Gamma-Gamma spend). Target: both fits and the prediction for 1M customers in <= 5 s
(also with ``--homogeneous``, where BG/NBD runs to its Poisson limit). With ``--store`` it also
writes the customers' orders into an in-memory LaoKe store and times ``clv()`` end to end
(DuckDB summary, both fits, prediction).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import clv, scores, store  # noqa: E402

AS_OF = date(2025, 6, 30)
TRUTH = {"r": 0.5, "alpha": 20.0, "a": 0.8, "b": 3.0}
SPEND = {"p": 6.0, "q": 4.0, "v": 15.0}


def simulate(n: int, seed: int, homogeneous: bool = False) -> pd.DataFrame:
    """n customers' frequency, recency, T (days) and mean repeat spend, vectorized.

    ``homogeneous``: every customer buys at the same rate (one day in 20) and drops out
    with the same probability (2% after each purchase): BG/NBD runs to its Poisson limit.
    """
    rng = np.random.default_rng(seed)
    if homogeneous:
        rate = np.full(n, 1 / 20)
        dropout = np.full(n, 0.02)
    else:
        rate = rng.gamma(TRUTH["r"], 1.0 / TRUTH["alpha"], n)
        dropout = rng.beta(TRUTH["a"], TRUTH["b"], n)
    age = rng.integers(1, 731, n).astype(float)
    in_window = rng.poisson(rate * age)  # purchases in (0, T] had they never dropped out
    before_dropout = rng.geometric(dropout)  # repeat purchases until they drop out
    x = np.minimum(in_window, before_dropout)
    repeat = x > 0
    last = np.zeros(n)
    # The x-th of in_window uniform purchase times on (0, T].
    last[repeat] = age[repeat] * rng.beta(x[repeat], in_window[repeat] - x[repeat] + 1)
    nu = rng.gamma(SPEND["q"], 1.0 / SPEND["v"], n)  # each customer's spend rate
    spend = np.where(repeat, rng.gamma(SPEND["p"] * np.maximum(x, 1)) / (nu * np.maximum(x, 1)), 0)
    return pd.DataFrame(
        {"frequency": x.astype(float), "recency": np.floor(last), "T": age, "monetary": spend}
    )


def summary_frame(data: pd.DataFrame) -> pd.DataFrame:
    """The simulated customers as ``clv.purchase_summary`` returns them."""
    return pd.DataFrame(
        {
            "platform": "bench",
            "shop": "bench",
            "customer_id": np.arange(len(data)).astype(str),
            "frequency": data["frequency"],
            "recency": data["recency"],
            "T": data["T"],
            "monetary_value": data["monetary"],
        }
    )


def predict(bgnbd: clv.BgNbdParams, gamma_gamma: clv.GammaGammaParams, summary: pd.DataFrame):
    """What the score rebuild computes per customer (``clv.predict`` as ``scores`` calls it:
    P(alive), 12 month ends plus the stored horizons, Gamma-Gamma spend, discounted CLV)."""
    out = clv.predict(
        summary,
        bgnbd,
        gamma_gamma,
        horizon_days=scores.CLV_HORIZON_DAYS,
        margin=scores.CLV_MARGIN,
        annual_discount_rate=scores.CLV_DISCOUNT,
        horizons=scores.HORIZONS,
    )
    return out["p_alive"].to_numpy(), out["clv"].to_numpy()


def orders(data: pd.DataFrame, seed: int) -> pd.DataFrame:
    """One order per simulated purchase day: first day T days before AS_OF, last at recency."""
    rng = np.random.default_rng(seed)
    x = data["frequency"].to_numpy(int)
    first = (AS_OF - pd.Timestamp(0).date()).days - data["T"].to_numpy(int)
    customer = np.repeat(np.arange(len(data)), x + 1)
    position = np.arange(len(customer)) - np.repeat(np.cumsum(x + 1) - (x + 1), x + 1)
    span = data["recency"].to_numpy(int)[customer]
    offset = np.where(position == x[customer], span, rng.integers(0, span + 1))
    offset[position == 0] = 0
    days = first[customer] + offset
    return pd.DataFrame(
        {
            "platform": "bench",
            "shop": "bench",
            "order_id": np.arange(len(customer)).astype(str),
            "customer_id": customer.astype(str),
            "order_time": pd.to_datetime(days, unit="D"),
            "status": "completed",
            "amount": np.round(rng.gamma(6.0, 6.0, len(customer)) + 1, 2),
            "refund_amount": 0.0,
            "import_id": 0,
        }
    )


def time_store(data: pd.DataFrame, seed: int) -> None:
    con = store.connect(":memory:")
    start = time.perf_counter()
    con.register("new_orders", orders(data, seed))
    con.execute(
        "INSERT INTO orders (platform, shop, order_id, customer_id, order_time, status, "
        "amount, refund_amount, import_id) SELECT platform, shop, order_id, customer_id, "
        "order_time, status, amount, refund_amount, import_id FROM new_orders"
    )
    count = con.execute("SELECT count(*) FROM orders").fetchall()[0][0]
    print(f"store load         {time.perf_counter() - start:>10.2f} s   {count:,} orders")
    start = time.perf_counter()
    clv.purchase_summary(con, as_of=AS_OF, unit="day")
    print(f"purchase_summary   {time.perf_counter() - start:>10.2f} s")
    start = time.perf_counter()
    result = clv.clv(con, as_of=AS_OF)
    print(f"clv() end to end   {time.perf_counter() - start:>10.2f} s   {len(result):,} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", action="store_true", help="also time clv() on a store")
    parser.add_argument(
        "--homogeneous", action="store_true", help="identical buyers (the Poisson limit)"
    )
    args = parser.parse_args()

    start = time.perf_counter()
    data = simulate(args.customers, args.seed, args.homogeneous)
    simulated = time.perf_counter() - start
    distinct = len(data[["frequency", "recency", "T"]].drop_duplicates())
    print(f"customers          {len(data):>12,}   (simulated in {simulated:.2f} s)")
    print(f"distinct (x,t_x,T) {distinct:>12,}")
    print(f"repeat buyers      {int((data['frequency'] > 0).sum()):>12,}")

    cpu = time.process_time()
    start = time.perf_counter()
    bgnbd = clv.fit_bgnbd(data["frequency"], data["recency"], data["T"])
    fit_seconds = time.perf_counter() - start
    fitted = ", ".join(f"{k}={getattr(bgnbd, k):.4f} (true {v})" for k, v in TRUTH.items())
    print(f"fit_bgnbd          {fit_seconds:>10.2f} s   {fitted}")

    start = time.perf_counter()
    gamma_gamma = clv.fit_gamma_gamma(data["frequency"], data["monetary"])
    gg_seconds = time.perf_counter() - start
    fitted = ", ".join(f"{k}={getattr(gamma_gamma, k):.3f} (true {v})" for k, v in SPEND.items())
    print(f"fit_gamma_gamma    {gg_seconds:>10.2f} s   {fitted}")

    summary = summary_frame(data)
    start = time.perf_counter()
    alive, value = predict(bgnbd, gamma_gamma, summary)
    predict_seconds = time.perf_counter() - start
    print(
        f"clv prediction     {predict_seconds:>10.2f} s   "
        f"mean p_alive {alive.mean():.3f}, mean clv {value.mean():.2f}"
    )
    total = fit_seconds + gg_seconds + predict_seconds
    cpu = time.process_time() - cpu
    verdict = "OK" if total <= 5 else "SLOWER THAN TARGET"
    print(
        f"both fits + prediction {total:.2f} s wall, {cpu:.2f} s CPU (incl. building the "
        f"summary frame); target for 1M customers <= 5 s wall -> {verdict}"
    )
    if args.store:
        time_store(data, args.seed)


if __name__ == "__main__":
    main()
