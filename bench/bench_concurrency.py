"""Many users: concurrent dashboard sessions browsing a shop while a CLI import writes into it.

    python bench/bench_concurrency.py [--orders 100000] [--sessions 20]

Builds a store of ``--orders`` orders (exports written by ``bench/make_big_export.py`` when
missing), then runs ``--sessions`` Streamlit AppTest sessions in threads, each opening the
dashboard and switching through the pages over and over, while ``python -m analytics
import`` loads a second export (other buyers: seed 8) into the same database. Counts page
runs that ended in an exception or an error element, prints page latencies (p50/p95/max)
during and after the import, the import's wall time and whether every session's last page
view saw the imported orders. In-process only: no server, no network. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
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
    "pages/import.py",
)


def export(orders: int, seed: int) -> Path:
    path = HERE / "out" / f"taobao_{orders // 1000}k_seed{seed}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, str(HERE / "make_big_export.py"), "--orders", str(orders)]
        subprocess.run([*cmd, "--out", str(path), "--seed", str(seed)], cwd=ROOT, check=True)
    return path


class Session(threading.Thread):
    """One browser session: the dashboard, then page after page until told to stop."""

    def __init__(self, number: int, stop: threading.Event, importing: threading.Event):
        super().__init__(name=f"session-{number}", daemon=True)
        self.number, self.stop, self.importing = number, stop, importing
        self.runs: list[tuple[float, bool, bool]] = []  # (seconds, during import, failed)
        self.errors: list[str] = []
        self.last_orders_seen = -1

    def run(self) -> None:
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.session_state["lang"] = "en"
        self._timed(at.run)
        page = self.number
        while not self.stop.is_set():
            page += 1
            target = PAGES[page % len(PAGES)]
            self._timed(lambda a=at, p=target: a.switch_page(p).run())
        # One last view after the import: a new page view reads the new generation.
        final = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        final.session_state["lang"] = "en"
        self._timed(final.run)
        from analytics import store

        with store.reading() as con:
            self.last_orders_seen = con.execute("SELECT count(*) FROM orders").fetchone()[0]

    def _timed(self, step) -> None:
        during = self.importing.is_set()
        started = time.perf_counter()
        failed = False
        try:
            at = step()
            problems = [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
            if problems:
                failed = True
                self.errors.append(problems[0][:300])
        except Exception as exc:  # a timeout or a crash of the run counts as an error
            failed = True
            self.errors.append(f"{type(exc).__name__}: {exc}"[:300])
        self.runs.append((time.perf_counter() - started, during, failed))


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
    args = parser.parse_args()

    base, extra = export(args.orders, 7), export(max(args.orders // 10, 1000), 8)
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

    stop, importing = threading.Event(), threading.Event()
    sessions = [Session(n, stop, importing) for n in range(args.sessions)]
    for s in sessions:
        s.start()
    while sum(bool(s.runs) for s in sessions) < len(sessions):  # every session opened
        time.sleep(0.5)
    importing.set()
    cmd = [sys.executable, "-m", "analytics", "import", str(extra), "--db", str(db)]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    import_seconds = time.perf_counter() - started
    importing.clear()
    time.sleep(args.after)
    stop.set()
    for s in sessions:
        s.join(900)

    with store.reading(db) as con:
        after = con.execute("SELECT count(*) FROM orders").fetchone()[0]
    runs = [r for s in sessions for r in s.runs]
    errors = [e for s in sessions for e in s.errors]
    print(f"store: {before} orders before, {after} after; {args.sessions} sessions")
    print(
        f"import beside the dashboard: exit {done.returncode} in {import_seconds:.1f} s: "
        + (done.stdout.strip().splitlines() or [done.stderr.strip()])[0]
    )
    print(figures("during the import", [r[0] for r in runs if r[1]]))
    print(figures("otherwise", [r[0] for r in runs if not r[1]]))
    print(f"page runs with an error: {sum(r[2] for r in runs)} of {len(runs)}")
    for message in sorted(set(errors))[:5]:
        print(f"  {message}")
    saw = sum(s.last_orders_seen == after for s in sessions)
    print(
        f"sessions whose read after the import saw every imported order: {saw} of {len(sessions)}"
    )


if __name__ == "__main__":
    main()
