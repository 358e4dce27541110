"""Time `import` (alone, and with the scores + stored views rebuilt after it) and
`report kpis` against the pandas baseline on one big Taobao export, in the same run.

    python bench/bench_import.py [--orders 1000000] [--file bench/out/taobao_1m.csv] [--runs 3]

Each step runs as its own process (a fresh database for every import); wall time, CPU time
(user + system, children included) and peak RSS come from os.wait4. With ``--runs N`` every
step runs N times, alternating LaoKe and pandas, and the fastest run of each is kept (a
shared machine makes single runs noisy). What the user waits for after choosing a file is
``import`` end to end: it writes the orders, then rebuilds the scores and stored views. The
rows:

- ``laoke import (orders)``: ``python -m analytics import FILE --skip-scores``: transcoding,
  reading, cleaning, checking, upserting, the customer summary, the backup and the commit
  of the new database generation.
- ``then scores + views``: what ``import`` without ``--skip-scores`` does next (scores.rebuild).
- ``laoke report kpis``: ``report kpis --format json`` on the imported store.
- ``pandas script``: ``bench/pandas_notebook.py`` reading the same file and computing the
  KPIs, RFM quintiles and the cohort matrix.

Prints the table and the ratios LaoKe/pandas (below 1 means LaoKe is faster). Not a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from child import ROOT, measure  # bench/ is the script's folder

HERE = Path(__file__).resolve().parent


def fresh(db: Path) -> None:
    for leftover in (db, Path(f"{db}.wal")):
        leftover.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--file", type=Path, default=HERE / "out" / "taobao_1m.csv")
    parser.add_argument("--runs", type=int, default=1, help="runs per step; the fastest is kept")
    args = parser.parse_args()
    py = sys.executable
    if not args.file.exists():
        args.file.parent.mkdir(parents=True, exist_ok=True)
        make = [py, "bench/make_big_export.py", "--orders", str(args.orders), "--out"]
        subprocess.run([*make, str(args.file)], cwd=ROOT, check=True)
    # Beside this script, not beside the export (which may be another engineer's file).
    db = HERE / "out" / f"{args.file.stem}.bench_import.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    rebuild = (
        "from analytics import scores, store\nwith store.writing(%r) as con: scores.rebuild(con)"
    )
    steps: dict[str, list[tuple[float, float, float]]] = {}
    outputs = {}
    for _ in range(max(1, args.runs)):
        fresh(db)
        cmd = [py, "-m", "analytics", "import", str(args.file), "--db", str(db), "--skip-scores"]
        steps.setdefault("import", []).append(measure(cmd)[:3])
        steps.setdefault("scores", []).append(measure([py, "-c", rebuild % str(db)])[:3])
        kpis = [py, "-m", "analytics", "report", "kpis", "--db", str(db), "--format", "json"]
        *figures, outputs["laoke"] = measure(kpis)
        steps.setdefault("kpis", []).append(tuple(figures))
        *figures, outputs["pandas"] = measure([py, "bench/pandas_notebook.py", str(args.file)])
        steps.setdefault("pandas", []).append(tuple(figures))
    best = {name: min(runs) for name, runs in steps.items()}
    ours, theirs = json.loads(outputs["laoke"]), json.loads(outputs["pandas"])
    size_mb = args.file.stat().st_size / 1e6

    runs = f"fastest of {args.runs} runs" if args.runs > 1 else "one run"
    print(f"file: {args.file} ({size_mb:,.0f} MB); {runs}")
    print(f"{'step':<28}{'seconds':>10}{'CPU s':>10}{'peak MB':>10}")
    labels = {
        "import": "laoke import (orders)",
        "scores": "  then scores + views",
        "kpis": "laoke report kpis",
        "pandas": "pandas script",
    }
    for name, label in labels.items():
        wall, cpu, peak = best[name]
        print(f"{label:<28}{wall:>10.2f}{cpu:>10.2f}{peak:>10.0f}")
    pandas = best["pandas"][0]
    imp, sc, kpi = best["import"][0], best["scores"][0], best["kpis"][0]
    print(f"import alone / pandas:                   {imp / pandas:.2f}")
    print(f"import + scores + views / pandas:        {(imp + sc) / pandas:.2f}")
    print(f"import + report kpis / pandas:           {(imp + kpi) / pandas:.2f}")
    print(f"import + scores + views + kpis / pandas: {(imp + sc + kpi) / pandas:.2f}")
    peak = max(best["import"][2], best["scores"][2], best["kpis"][2])
    print(f"memory ratio laoke/pandas:               {peak / best['pandas'][2]:.2f}")
    theirs.pop("notebook")
    same = all(abs(ours[k] - theirs[k]) <= 1e-6 * max(1, abs(theirs[k])) for k in theirs)
    print(f"same KPIs: {same}  laoke={ours}  pandas={theirs}")
    fresh(db)


if __name__ == "__main__":
    main()
