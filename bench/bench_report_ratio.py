"""`report kpis`, `rfm` and `cohorts` as JSON on a big store against the pandas script.

    python bench/make_big_export.py                      # bench/out/taobao_1m.csv
    python bench/bench_report_ratio.py [--file bench/out/taobao_1m.csv] [--runs 3]

Imports the export once (bench/out/<file>.duckdb, with the scores, as a user's import
does: ``report rfm`` reads them), then times as separate processes the pandas baseline
(bench/pandas_notebook.py, reading the same file) and each report with ``--format json``
(written to a file, as ``> out.json`` does). With ``--runs N`` each step runs N times,
alternating, and the fastest of each is kept: on a shared machine a single pandas run
varied from 15 to 23 s within the hour.
Prints the times and the ratio of the three reports together to the pandas script (issue
14 target: <= 0.25). Not a test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from child import run  # bench/ is the script's folder

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=HERE / "out" / "taobao_1m.csv")
    parser.add_argument("--runs", type=int, default=1, help="runs per step; the fastest is kept")
    args = parser.parse_args()
    db = args.file.with_suffix(".duckdb")
    if not db.exists():
        seconds, peak, _ = run(
            [
                sys.executable,
                "-m",
                "analytics",
                "import",
                str(args.file),
                "--db",
                str(db),
            ]
        )
        print(f"import (once)              {seconds:8.2f} s  {peak:6.0f} MB")
    reports = ("kpis", "rfm", "cohorts")
    best: dict[str, tuple[float, float, int]] = {}

    def keep(name: str, seconds: float, peak: float, chars: int) -> None:
        if name not in best or seconds < best[name][0]:
            best[name] = (seconds, peak, chars)

    for _ in range(max(1, args.runs)):
        seconds, peak, _ = run([sys.executable, str(HERE / "pandas_notebook.py"), str(args.file)])
        keep("pandas", seconds, peak, 0)
        for report in reports:
            cmd = [sys.executable, "-m", "analytics", "report", report, "--db", str(db)]
            seconds, peak, out = run([*cmd, "--format", "json"])
            keep(report, seconds, peak, len(out))
    runs = f"fastest of {args.runs} runs" if args.runs > 1 else "one run"
    pandas_s, pandas_mb, _ = best["pandas"]
    print(f"pandas script              {pandas_s:8.2f} s  {pandas_mb:6.0f} MB  ({runs})")
    total = 0.0
    for report in reports:
        seconds, peak, chars = best[report]
        total += seconds
        print(f"report {report:<8} --format json {seconds:8.2f} s  {peak:6.0f} MB  {chars:,} chars")
    print(f"three reports together     {total:8.2f} s  = {total / pandas_s:.2f}x the pandas script")


if __name__ == "__main__":
    main()
