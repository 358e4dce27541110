"""Time and peak RSS of the scores + stored views rebuild on a copy of a ready store.

    python bench/bench_rebuild_memory.py STORE [--runs 2] [--baseline DIR] [--steps]

Each run copies STORE (never written) beside this script and runs, as its own process,
``with store.writing(copy) as con: scores.rebuild(con)`` (what ``import`` does after the
orders); wall time, CPU time and peak RSS come from os.wait4 (``child.measure``). With
``--baseline DIR`` (another LaoKe tree, e.g. ``git archive REV | tar -x -C DIR``) the same
rebuild of that code runs alternately with this tree's, on the same store, and the fastest
run of each is printed. ``--steps`` prints, for one rebuild in this process, RSS, its peak
so far and DuckDB's own memory as each step and each stored view starts. Not a test.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from child import ROOT, measure  # bench/ is the script's folder

HERE = Path(__file__).resolve().parent
SNIPPET = """import sys
sys.path.insert(0, {tree!r})
from analytics import scores, store
with store.writing({db!r}) as con:
    scores.rebuild(con)
"""


def _status(field: str) -> float:
    """A /proc/self/status figure in MB (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


def steps(source: Path, copy: Path) -> None:
    """One rebuild here, printing memory as each step and each stored view starts."""
    sys.path.insert(0, str(ROOT))
    from analytics import scores, store, views

    shutil.copy(source, copy)
    start = time.perf_counter()
    con_box: list = []

    def line(label: str) -> None:
        duck = 0.0
        if con_box:
            sql = "SELECT sum(memory_usage_bytes) / 1e6 FROM duckdb_memory()"
            duck = con_box[0].execute(sql).fetchone()[0]
        print(
            f"{time.perf_counter() - start:7.1f}s {label:<45} RSS {_status('VmRSS'):6.0f} MB"
            f"  peak {_status('VmHWM'):6.0f} MB  DuckDB {duck:5.0f} MB",
            flush=True,
        )

    last = [""]

    def progress(_fraction: float, step: str) -> None:
        if step not in (last[0], "views"):  # a rerun without the memory cap starts again
            line(step)
        last[0] = step

    resolve = views._resolve

    def traced(qualname: str):
        line(f"  view {qualname.removeprefix('analytics.')}")
        return resolve(qualname)

    views._resolve = traced
    try:
        with store.writing(copy) as con:
            con_box.append(con)
            scores.rebuild(con, progress=progress)
            con_box.clear()
        line("committed")
    finally:
        views._resolve = resolve
        copy.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--runs", type=int, default=1, help="runs per tree; the fastest is kept")
    parser.add_argument("--baseline", type=Path, help="another LaoKe tree to compare with")
    parser.add_argument("--steps", action="store_true", help="memory per step, in process")
    args = parser.parse_args()
    copy = HERE / "out" / f"{args.store.stem}.rebuild_memory.duckdb"
    copy.parent.mkdir(parents=True, exist_ok=True)
    if args.steps:
        steps(args.store, copy)
        return
    trees = {"this tree": ROOT}
    if args.baseline:
        trees = {"baseline": args.baseline.resolve(), **trees}
    best: dict[str, tuple[float, float, float]] = {}
    for _ in range(max(1, args.runs)):
        for name, tree in trees.items():
            shutil.copy(args.store, copy)
            snippet = SNIPPET.format(tree=str(tree), db=str(copy))
            figures = measure([sys.executable, "-c", snippet])[:3]
            print(f"{name:<12}{figures[0]:>9.1f} s{figures[1]:>9.1f} s CPU{figures[2]:>8.0f} MB")
            best[name] = min(best.get(name, figures), figures)
    copy.unlink(missing_ok=True)
    print(f"store: {args.store}; fastest of {max(1, args.runs)} run(s) per tree")
    print(f"{'tree':<12}{'seconds':>10}{'CPU s':>10}{'peak MB':>10}")
    for name, (wall, cpu, peak) in best.items():
        print(f"{name:<12}{wall:>10.1f}{cpu:>10.1f}{peak:>10.0f}")


if __name__ == "__main__":
    main()
