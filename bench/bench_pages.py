"""What the user waits for: every page cold and warm, every CLI report, on big stores (not a test).

    python bench/bench_pages.py [--orders 100000] [--shape real homogeneous] [--skip-reports]

Builds (once, under bench/out/) a store of about ``--orders`` orders in one or both shapes:

- ``real``: the CDNOW sample (tests/fixtures/cdnow) repeated with new customer ids, so the
  buyers are as heterogeneous as real ones (BG/NBD fits inside the model);
- ``homogeneous``: identical buyers (one purchase day in 20, 2% dropout after each), where
  BG/NBD runs to its Poisson limit (bench/bench_clv.py's ``--homogeneous`` customers).

The orders are written straight into the store, then the customer summary and the
per-customer scores are rebuilt as an import does (timed: "after import"). Then each page
is opened in a fresh dashboard server started as ``scripts/run.sh`` starts it, over
Streamlit's websocket as a browser tab opens it (``bench/tab.py``): the first view is
"cold" (first view of the page after the import, following the landing page; for the
overview, the landing view itself), "warm" the median of the next three. Each CLI report
runs as its own
``python -m analytics report … --format json`` process (wall time, output discarded).
Prints one table per store. Targets (issue 14): pages <= 2 s cold / 300 ms warm at 1M
orders, <= 1 s / 200 ms at 100k. Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CDNOW = ROOT / "tests" / "fixtures" / "cdnow" / "CDNOW_sample.txt"

#: Warm views of each page after its cold one; the table shows their median.
WARM_VIEWS = 3
#: A period covering every bench store's orders.
PERIOD = ("--start", "1990-01-01", "--end", "2030-12-31")
#: CLI reports, as arguments after ``report``.
REPORTS = (
    ["kpis"],
    ["lifecycle"],
    ["customer-types"],
    ["funnel"],
    ["cohorts"],
    ["weekly"],
    ["rfm"],
    ["segments"],
    ["tiers"],
    ["pareto"],
    ["age-bands"],
    ["quality"],
    ["cycles"],
    ["reminders"],
    ["churn-risk"],
    ["bgnbd"],
    ["clv"],
    ["threshold", "--threshold", "200", "--reduction", "20", "--margin", "0.3", *PERIOD],
    ["pooling", "--threshold", "200", *PERIOD],
    ["campaigns"],
    ["imports"],
)


def real_orders(n: int):
    """The CDNOW sample's orders repeated with new customer ids until about ``n`` orders."""
    import numpy as np
    import pandas as pd

    raw = pd.read_csv(
        CDNOW,
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "quantity", "amount"],
        dtype={"customer_id": str, "date": str},
    )
    copies = max(1, round(n / len(raw)))
    rep = np.repeat(np.arange(copies), len(raw))
    tiled = raw.iloc[np.tile(np.arange(len(raw)), copies)].reset_index(drop=True)
    customer = tiled["customer_id"].to_numpy(object) + "_" + rep.astype(str).astype(object)
    return pd.DataFrame(
        {
            "platform": "taobao",
            "shop": "bench",
            "order_id": np.arange(len(tiled)).astype(str),
            "customer_id": customer,
            "order_time": pd.to_datetime(tiled["date"], format="%Y%m%d")
            + pd.to_timedelta(rep % 86400, unit="s"),
            "status": "completed",
            "amount": tiled["amount"].to_numpy(float),
            "refund_amount": 0.0,
            "import_id": 0,
        }
    )


def homogeneous_orders(n: int):
    """Identical buyers from bench_clv (the Poisson limit), about ``n`` orders."""
    import bench_clv

    customers = max(100, int(n / 19))
    data = bench_clv.simulate(customers, 7, homogeneous=True)
    return bench_clv.orders(data, 7)


def build(shape: str, n: int) -> Path:
    """The store file of ``shape`` with about ``n`` orders (built once)."""
    from analytics import customers, scores, store

    path = HERE / "out" / f"pages_{shape}_{n}.duckdb"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = real_orders(n) if shape == "real" else homogeneous_orders(n)
    provinces = ["浙江", "广东", "江苏", "上海", "北京", "四川", "山东", "湖北"]
    frame["province"] = [provinces[i % len(provinces)] for i in range(len(frame))]
    frame["customer_name"] = frame["customer_id"]
    frame["product"] = [
        ("洗发水 500ml", "面膜 10片", "咖啡豆 1kg", "猫粮 2kg")[i % 4] for i in range(len(frame))
    ]
    con = store.connect(path)
    columns = [
        "platform",
        "shop",
        "order_id",
        "customer_id",
        "customer_name",
        "order_time",
        "status",
        "amount",
        "refund_amount",
        "province",
        "product",
        "import_id",
    ]
    con.register("new_orders", frame[columns])
    started = time.perf_counter()
    with store.transaction(con):
        con.execute(f"INSERT INTO orders ({', '.join(columns)}) SELECT * FROM new_orders")
        customers.refresh(con)
        store.bump_data_version(con)
    summary = time.perf_counter() - started
    started = time.perf_counter()
    scores.rebuild(con)
    rebuilt = time.perf_counter() - started
    con.close()
    (path.with_suffix(".json")).write_text(
        json.dumps({"summary_s": summary, "scores_s": rebuilt, "orders": len(frame)})
    )
    return path


def child_page(db: str, page: str) -> None:
    """In a fresh server process: the page's first (cold) view and its warm views (the
    median of ``WARM_VIEWS``), as JSON. The server is started as ``scripts/run.sh`` starts it
    (``python -m ui.serve``, on 127.0.0.1) and the views are timed over its websocket, from
    the request to "script finished", as a browser tab waits for them."""
    import asyncio
    import statistics

    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from conftest import start_dashboard  # the browser tests' server starter
    from tab import Session

    name = Path(page).stem

    async def views() -> tuple[list[float], str | None]:
        proc, url = start_dashboard(Path(db))
        try:
            async with Session(url, timeout=900) as tab:
                started = time.perf_counter()
                problem, _ = await tab.view()  # the landing page: a fresh server's first view
                times = [time.perf_counter() - started] if name == "overview" else []
                while len(times) < 1 + WARM_VIEWS:
                    started = time.perf_counter()
                    problem, _ = await tab.view(name)
                    times.append(time.perf_counter() - started)
                    if problem:
                        return times, problem[:80]
                return times, None
        finally:
            proc.terminate()
            proc.wait(30)

    times, error = asyncio.run(views())
    warm = statistics.median(times[1:]) if len(times) > 1 else float("nan")
    print(json.dumps({"cold": times[0], "warm": warm, "error": error}))


def bench_store(
    path: Path, skip_reports: bool, skip_pages: bool = False, only: list[str] | None = None
) -> None:
    from child import run

    from ui.navigation import PAGES

    meta = json.loads(path.with_suffix(".json").read_text())
    print(f"\n## {path.name}: {meta['orders']:,} orders")
    print(
        f"after import: customer summary {meta['summary_s']:.1f} s, scores {meta['scores_s']:.1f} s"
    )
    print(f"{'page / report':<36}{'cold s':>9}{'warm s':>9}")
    for page, _key, _icon in PAGES:
        if skip_pages or not (ROOT / page).exists():
            continue
        _, _, out = run(
            [sys.executable, str(HERE / "bench_pages.py"), "--child-page", page, "--db", str(path)]
        )
        result = json.loads(out.strip().splitlines()[-1])
        note = f"  ERROR {result['error']}" if result["error"] else ""
        print(f"{page:<36}{result['cold']:>9.2f}{result['warm']:>9.2f}{note}", flush=True)
    if skip_reports:
        return
    for report in REPORTS:
        if only and report[0] not in only:
            continue
        cmd = [sys.executable, "-m", "analytics", "report", *report, "--db", str(path)]
        if report[0] not in ("bgnbd",):
            cmd += ["--format", "json"]
        seconds, peak, _ = run(cmd)
        print(
            f"{'report ' + ' '.join(report):<36}{seconds:>9.2f}{'':>9}  {peak:.0f} MB", flush=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument(
        "--shape", nargs="+", choices=("real", "homogeneous"), default=["real", "homogeneous"]
    )
    parser.add_argument("--skip-reports", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--reports", nargs="+", help="only these reports (names after report)")
    parser.add_argument("--child-page", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_page:
        child_page(args.db, args.child_page)
        return
    for shape in args.shape:
        bench_store(build(shape, args.orders), args.skip_reports, args.skip_pages, args.reports)


if __name__ == "__main__":
    main()
