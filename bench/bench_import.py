"""Time `import` + `report kpis` against the pandas baseline on one big Taobao export.

    python bench/bench_import.py [--orders 1000000] [--file bench/out/taobao_1m.csv]

Each step runs as its own process; wall time and peak RSS come from os.wait4. Prints a
table and the ratios LaoKe/pandas (below 1 means LaoKe is faster / leaner). Not a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from child import ROOT, run  # bench/ is the script's folder

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--file", type=Path, default=HERE / "out" / "taobao_1m.csv")
    args = parser.parse_args()
    py = sys.executable
    if not args.file.exists():
        args.file.parent.mkdir(parents=True, exist_ok=True)
        make = [py, "bench/make_big_export.py", "--orders", str(args.orders), "--out"]
        subprocess.run([*make, str(args.file)], cwd=ROOT, check=True)
    db = args.file.with_suffix(".duckdb")
    for leftover in (db, Path(f"{db}.wal")):
        leftover.unlink(missing_ok=True)

    cmd = [py, "-m", "analytics", "import", str(args.file), "--db", str(db), "--skip-scores"]
    t_imp, m_imp, _ = run(cmd)
    # What `import` without --skip-scores does next: scores, model fits and stored views.
    rebuild = (
        "from analytics import scores, store\nwith store.writing(%r) as con: scores.rebuild(con)"
    )
    t_sc, m_sc, _ = run([py, "-c", rebuild % str(db)])
    t_kpi, m_kpi, out = run(
        [py, "-m", "analytics", "report", "kpis", "--db", str(db), "--format", "json"]
    )
    t_pd, m_pd, out_pd = run([py, "bench/pandas_kpis.py", str(args.file)])
    ours, theirs = json.loads(out), json.loads(out_pd)
    size_mb = args.file.stat().st_size / 1e6

    print(f"file: {args.file} ({size_mb:,.0f} MB)")
    print(f"{'step':<28}{'seconds':>10}{'peak MB':>10}")
    print(f"{'laoke import (orders)':<28}{t_imp:>10.2f}{m_imp:>10.0f}")
    print(f"{'  then scores + views':<28}{t_sc:>10.2f}{m_sc:>10.0f}")
    print(f"{'laoke report kpis':<28}{t_kpi:>10.2f}{m_kpi:>10.0f}")
    print(f"{'laoke total':<28}{t_imp + t_kpi:>10.2f}{max(m_imp, m_kpi):>10.0f}")
    print(f"{'pandas script':<28}{t_pd:>10.2f}{m_pd:>10.0f}")
    print(f"time ratio laoke/pandas:   {(t_imp + t_kpi) / t_pd:.2f}")
    print(f"  import alone / pandas:   {t_imp / t_pd:.2f}")
    print(f"  with scores + views:     {(t_imp + t_sc + t_kpi) / t_pd:.2f}")
    print(f"memory ratio laoke/pandas: {max(m_imp, m_kpi) / m_pd:.2f}")
    same = all(abs(ours[k] - theirs[k]) <= 1e-6 * max(1, abs(theirs[k])) for k in theirs)
    print(f"same KPIs: {same}  laoke={ours}  pandas={theirs}")


if __name__ == "__main__":
    main()
