"""Write one big Taobao 订单报表 export for the import benchmark.

    python bench/make_big_export.py --orders 1000000 --out bench/out/taobao_1m.csv

The orders come from the demo shop's generator (``analytics.demo``), run over batches of
buyers: each batch is simulated, formatted and written before the next one starts, so
memory stays flat at any size (10M orders, ~3 GB, included). The last batch is thinned
at random to hit the order count exactly. Prints the rows written, seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.demo import (  # noqa: E402  (the repo root must be on sys.path first)
    period_start,
    simulate_shop,
    taobao_lines,
    write_taobao_csv,
)

#: Buyers simulated at a time (~45k orders over three years; ~150 MB at the peak).
BATCH_BUYERS = 25_000


def batch_lines(
    batch: int, *, start: date, end: date, seed: int, order_offset: int, limit: int
) -> np.ndarray:
    """订单报表 lines of one batch of buyers, newest first, at most ``limit`` of them."""
    rng = np.random.default_rng([seed, batch])
    shop = simulate_shop(
        start=start,
        end=end,
        buyers=BATCH_BUYERS,
        rng=rng,
        buyer_offset=batch * BATCH_BUYERS,
        order_offset=order_offset,
    )
    lines = taobao_lines(shop)[::-1]
    if len(lines) > limit:  # thin the last batch at random to the exact count
        lines = lines[np.sort(rng.permutation(len(lines))[:limit])]
    return lines


def order_batches(orders: int, *, end: date, years: int, seed: int) -> Iterator[np.ndarray]:
    """Batches of 订单报表 lines, ``orders`` lines in all."""
    start = period_start(end, years)
    written = 0
    batch = 0
    while written < orders:
        lines = batch_lines(
            batch, start=start, end=end, seed=seed, order_offset=written, limit=orders - written
        )
        written += len(lines)
        batch += 1
        yield lines
        del lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="rows to write")
    parser.add_argument("--out", type=Path, default=Path("bench/out/taobao_1m.csv"))
    parser.add_argument("--encoding", default="gb18030", help="gb18030 (default) or utf-8-sig")
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=date.today() - timedelta(days=1),
        help="last order day, YYYY-MM-DD (default: yesterday)",
    )
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.orders < 1:
        parser.error("--orders must be at least 1")

    began = time.perf_counter()
    batches = order_batches(args.orders, end=args.end, years=args.years, seed=args.seed)
    rows = write_taobao_csv(args.out, batches, encoding=args.encoding)
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = args.out.stat().st_size / 1024**2
    print(f"{args.out}: {rows:,} orders, {size_mb:,.0f} MB")
    print(f"{seconds:.1f} s, peak RSS {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
