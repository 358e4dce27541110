"""`report kpis`, `rfm` and `cohorts` as JSON on a big store against the pandas script.

    python bench/make_big_export.py                      # bench/out/taobao_1m.csv
    python bench/bench_report_ratio.py [--file bench/out/taobao_1m.csv]

Imports the export once (bench/out/<file>.duckdb, with the scores, as a user's import
does: ``report rfm`` reads them), then times as separate processes the pandas baseline
(bench/pandas_notebook.py, reading the same file) and each report with ``--format json``
(output read and dropped).
Prints the times and the ratio of the three reports together to the pandas script (issue
14 target: <= 0.25). Not a test; a shared machine makes the figures noisy.
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
    pandas_s, pandas_mb, _ = run([sys.executable, str(HERE / "pandas_notebook.py"), str(args.file)])
    print(f"pandas script              {pandas_s:8.2f} s  {pandas_mb:6.0f} MB")
    total = 0.0
    for report in ("kpis", "rfm", "cohorts"):
        cmd = [sys.executable, "-m", "analytics", "report", report, "--db", str(db)]
        seconds, peak, out = run([*cmd, "--format", "json"])
        total += seconds
        print(
            f"report {report:<8} --format json {seconds:8.2f} s  {peak:6.0f} MB  {len(out):,} chars"
        )
    print(f"three reports together     {total:8.2f} s  = {total / pandas_s:.2f}x the pandas script")


if __name__ == "__main__":
    main()
