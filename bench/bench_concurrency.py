"""Many users: concurrent dashboard sessions browsing a shop while a CLI import writes into it.

    python bench/bench_concurrency.py [--orders 100000] [--sessions 20]

Builds a store of ``--orders`` orders (exports written by ``bench/make_big_export.py`` when
missing), then runs ``--sessions`` Streamlit AppTest sessions, each in a process of its
own, opening the dashboard and switching through the pages over and over, while
``python -m analytics import`` loads a second export (other buyers: ``--seed``) into the same
database. Counts page runs that ended in an exception or an error element, prints page
latencies (p50/p95/max) during and after the import, the import's wall time and whether a
read after the import sees every imported order. No server, no network. Not a test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from child import ROOT, run  # bench/ is the script's folder

sys.path.insert(0, str(ROOT))

HERE = Path(__file__).resolve().parent
PAGES = (
    "pages/overview.py",
    "pages/lifecycle.py",
    "pages/cohorts.py",
    "pages/segments.py",
    "pages/repurchase.py",
    "pages/promotions.py",
    "pages/campaigns.py",
)


def export(orders: int, seed: int) -> Path:
    path = HERE / "out" / f"taobao_{orders // 1000}k_seed{seed}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, str(HERE / "make_big_export.py"), "--orders", str(orders)]
        subprocess.run([*cmd, "--out", str(path), "--seed", str(seed)], cwd=ROOT, check=True)
    return path


def session(number: int, db: str, stop, importing, done, results) -> None:
    """One browser session in a process of its own (AppTest keeps one Streamlit runtime per
    process, so sessions in threads of one process tear down each other's runtime): the
    dashboard, then page after page until told to stop, then a new page view."""
    os.environ["LAOKE_DB"] = db
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    runs: list[tuple[float, str, bool]] = []  # (seconds, phase, failed)
    errors: list[str] = []

    def timed(step, phase: str | None = None) -> None:
        phase = phase or (
            "during" if importing.is_set() else "after" if done.is_set() else "before"
        )
        started = time.perf_counter()
        failed = False
        try:
            at = step()
            problems = [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
            if problems:
                failed = True
                errors.append(problems[0][:300])
        except Exception as exc:  # a timeout or a crash of the run counts as an error
            failed = True
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
        runs.append((time.perf_counter() - started, phase, failed))

    def dashboard():
        return AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)

    at = dashboard()
    timed(at.run, "first view")
    results.put(("opened", number))
    page = number
    while not stop.is_set():
        page += 1
        target = PAGES[page % len(PAGES)]
        timed(lambda p=target: at.switch_page(p).run())
    # A new page view after the import reads the new generation.
    final = dashboard()
    timed(final.run, "new view after")
    from analytics import store

    with store.reading(db) as con:
        seen = con.execute("SELECT count(*) FROM orders").fetchone()[0]
    results.put(("done", number, runs, errors, seen))


def figures(label: str, seconds: list[float]) -> str:
    if not seconds:
        return f"{label}: no page runs"
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"{label}: {len(seconds)} page runs, p50 {statistics.median(ordered):.2f} s, "
        f"p95 {p95:.2f} s, max {ordered[-1]:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--after", type=float, default=20.0, help="seconds to browse after")
    parser.add_argument("--seed", type=int, default=8, help="seed of the export imported")
    args = parser.parse_args()

    base, extra = export(args.orders, 7), export(max(args.orders // 10, 1000), args.seed)
    db = HERE / "out" / f"concurrency_{args.orders // 1000}k.duckdb"
    if not db.exists():
        seconds, _, _ = run(
            [sys.executable, "-m", "analytics", "import", str(base), "--db", str(db)]
        )
        print(f"store built: {args.orders} orders in {seconds:.1f} s")
    os.environ["LAOKE_DB"] = str(db)
    from analytics import store

    with store.reading(db) as con:
        before = con.execute("SELECT count(*) FROM orders").fetchone()[0]

    mp = multiprocessing.get_context("spawn")
    stop, importing, done_event, results = mp.Event(), mp.Event(), mp.Event(), mp.Queue()
    workers = [
        mp.Process(target=session, args=(n, str(db), stop, importing, done_event, results))
        for n in range(args.sessions)
    ]
    for w in workers:
        w.start()
    for _ in workers:  # every session opened the dashboard
        results.get(timeout=1800)
    importing.set()
    cmd = [sys.executable, "-m", "analytics", "import", str(extra), "--db", str(db)]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    import_seconds = time.perf_counter() - started
    done_event.set()
    importing.clear()
    time.sleep(args.after)
    stop.set()
    finished = [results.get(timeout=1800) for _ in workers]
    for w in workers:
        w.join(60)

    with store.reading(db) as con:
        after = con.execute("SELECT count(*) FROM orders").fetchone()[0]
    runs = [r for f in finished for r in f[2]]
    errors = [e for f in finished for e in f[3]]
    print(f"store: {before} orders before, {after} after; {args.sessions} sessions")
    print(
        f"import beside the dashboard: exit {done.returncode} in {import_seconds:.1f} s: "
        + (done.stdout.strip().splitlines() or [done.stderr.strip()])[0]
    )
    for phase in ("first view", "before", "during", "after", "new view after"):
        print(figures(phase, [r[0] for r in runs if r[1] == phase]))
    print(f"page runs with an error: {sum(r[2] for r in runs)} of {len(runs)}")
    for message in sorted(set(errors))[:5]:
        print(f"  {message}")
    saw = sum(f[4] == after for f in finished)
    print(f"sessions reading every imported order after the import: {saw} of {len(finished)}")


if __name__ == "__main__":
    main()
