"""Write the demo shop (Taobao 订单报表 exports and buyer profiles) for LaoKe to import.

    python data/make_demo.py [--out data/demo] [--end YYYY-MM-DD] [--buyers N]

The default folder is data/demo/ beside this script, wherever it is run from.

A thin wrapper over ``analytics.demo.write_demo_shop``; prints the paths it wrote.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.demo import write_demo_shop  # noqa: E402  (the repo root must be on sys.path first)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "demo", help="output folder"
    )
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=date.today() - timedelta(days=1),
        help="last order day, YYYY-MM-DD (default: yesterday)",
    )
    parser.add_argument("--buyers", type=int, default=20_000, help="buyers (default 20000)")
    parser.add_argument("--years", type=int, default=3, help="years of orders (default 3)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    if args.buyers < 1 or args.years < 1:
        parser.error("--buyers and --years must be at least 1")

    files = write_demo_shop(
        args.out, end=args.end, buyers=args.buyers, years=args.years, seed=args.seed
    )
    for path in (*files.orders, files.profiles):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
