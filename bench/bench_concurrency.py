"""Many users: concurrent browser sessions on one dashboard while a CLI import writes into it.

    python bench/bench_concurrency.py [--orders 1000000] [--sessions 20] [--think 5]

Builds a store of ``--orders`` orders when missing (the export is written by
``bench/make_big_export.py``), starts the dashboard as a shop runs it (``streamlit run
app.py`` on a free 127.0.0.1 port: one server process, shared caches) and opens
``--sessions`` sessions on it over Streamlit's own websocket protocol, as a browser tab
does, without drawing anything. Each session opens the dashboard, then one page after
another, pausing ``--think`` seconds (±50 %) between views like a person reading. While
they browse, ``python -m analytics import`` loads a second export (other buyers, ``--seed``)
into a copy of the store; the sessions go on for ``--after`` seconds after it, then each opens
a new view of the Import page, which must list the new import.

A page view is timed from the request to Streamlit's "script finished"; a view that shows
an exception or an error box, or does not finish within ``--timeout`` seconds, counts as an
error. Prints a progress line every 30 s and a table per phase (before / during / after the
import) as soon as the phase ends. Loopback only, a bounded number of views. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from child import ROOT, run  # bench/ is the script's folder

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import start_dashboard  # noqa: E402  (the browser tests' server starter)
from tab import Session  # noqa: E402

HERE = Path(__file__).resolve().parent
BROWSED = ("overview", "lifecycle", "cohorts", "segments", "repurchase", "promotions", "campaigns")
PHASES = ("first view", "before", "during", "after", "new view after")


def export(orders: int, seed: int) -> Path:
    path = HERE / "out" / f"taobao_{orders // 1000}k_seed{seed}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, str(HERE / "make_big_export.py"), "--orders", str(orders)]
        subprocess.run([*cmd, "--out", str(path), "--seed", str(seed)], cwd=ROOT, check=True)
    return path


@dataclass
class View:
    page: str
    phase: str
    seconds: float
    problem: str | None  # why the view failed, None when it did not


@dataclass
class Tally:
    views: list[View] = field(default_factory=list)
    phase: str = "before"


async def browse(number: int, url: str, args, tally: Tally, stop: asyncio.Event) -> None:
    rng = random.Random(number)

    async def timed(session: Session, page: str, phase: str | None = None) -> bool:
        """One page view; False when the connection is gone (the session ends)."""
        started = time.perf_counter()
        try:
            problem, _ = await session.view(page)
        except TimeoutError:
            problem = f"no answer within {args.timeout:.0f} s"
        except websockets.WebSocketException as exc:
            problem = f"{type(exc).__name__}: {exc}"[:200]
        tally.views.append(View(page, phase or tally.phase, time.perf_counter() - started, problem))
        return problem is None or not problem.startswith("Connection")

    async with Session(url, args.timeout) as session:
        alive = await timed(session, "", "first view")
        order = list(BROWSED)
        rng.shuffle(order)
        step = 0
        while alive and not stop.is_set() and step < args.max_views:
            await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
            alive = await timed(session, order[step % len(order)])
            step += 1


def figures(label: str, views: list[View]) -> str:
    if not views:
        return f"{label:<15} no page views"
    ordered = sorted(v.seconds for v in views)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    failed = sum(v.problem is not None for v in views)
    return (
        f"{label:<15} {len(views):5d} views  p50 {statistics.median(ordered):6.2f} s  "
        f"p95 {p95:6.2f} s  max {ordered[-1]:6.2f} s  errors {failed}"
    )


def per_page(views: list[View]) -> None:
    for page in BROWSED:
        seen = [v for v in views if v.page == page]
        if seen:
            print("   ", figures(page, seen))


async def progress(tally: Tally, stop: asyncio.Event) -> None:
    started = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(30)
        failed = sum(v.problem is not None for v in tally.views)
        print(
            f"  [{time.perf_counter() - started:5.0f} s] phase {tally.phase}: "
            f"{len(tally.views)} views so far, {failed} errors, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


async def main_async(args, db: Path, extra: Path, before_count: int) -> None:
    proc, url = start_dashboard(db)
    try:
        tally, stop = Tally(), asyncio.Event()
        ticker = asyncio.create_task(progress(tally, stop))
        sessions = [
            asyncio.create_task(browse(n, url, args, tally, stop)) for n in range(args.sessions)
        ]
        while sum(v.phase == "first view" for v in tally.views) < args.sessions:
            await asyncio.sleep(0.5)  # every session opened the dashboard; then browse
        await asyncio.sleep(args.before)
        print(figures("first view", [v for v in tally.views if v.phase == "first view"]))
        print(figures("before", [v for v in tally.views if v.phase == "before"]), flush=True)

        tally.phase = "during"
        cmd = [sys.executable, "-m", "analytics", "import", str(extra), "--db", str(db)]
        started = time.perf_counter()
        importing = await asyncio.create_subprocess_exec(
            *cmd, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output = (await importing.communicate())[0].decode(errors="replace").strip()
        seconds = time.perf_counter() - started
        lines = output.splitlines() or ["(no output)"]
        print(
            f"import beside the dashboard: exit {importing.returncode} in {seconds:.1f} s: "
            + lines[0],
            flush=True,
        )
        during = [v for v in tally.views if v.phase == "during"]
        print(figures("during", during), flush=True)
        per_page(during)

        tally.phase = "after"
        await asyncio.sleep(args.after)
        stop.set()
        await asyncio.gather(*sessions)
        ticker.cancel()
        print(figures("after", [v for v in tally.views if v.phase == "after"]), flush=True)

        # A new view of the Import page in every session lists the new import.
        async def new_view(number: int) -> bool:
            async with Session(url, args.timeout) as session:
                started = time.perf_counter()
                problem, _ = await session.view()
                problem2, raw = await session.view("import")
                tally.views.append(
                    View(
                        "import",
                        "new view after",
                        time.perf_counter() - started,
                        problem or problem2,
                    )
                )
                return extra.name.encode() in raw

        saw = await asyncio.gather(*(new_view(n) for n in range(args.sessions)))
        print(figures("new view after", [v for v in tally.views if v.phase == "new view after"]))
    finally:
        proc.terminate()
        proc.wait(30)

    from analytics import store

    with store.reading(db) as con:
        after_count = con.execute("SELECT count(*) FROM orders").fetchone()[0]
    failed = [v for v in tally.views if v.problem]
    print(
        f"store: {before_count:,} orders before, {after_count:,} after; {args.sessions} sessions; "
        f"{len(tally.views)} page views, {len(failed)} with an error"
    )
    for problem in sorted({v.problem for v in failed})[:5]:
        print(f"  {problem}")
    print(f"sessions whose new Import page lists {extra.name}: {sum(saw)} of {len(saw)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--think", type=float, default=5.0, help="seconds between views")
    parser.add_argument("--before", type=float, default=60.0, help="seconds to browse before")
    parser.add_argument("--after", type=float, default=30.0, help="seconds to browse after")
    parser.add_argument("--max-views", type=int, default=400, help="page views per session")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per page view")
    parser.add_argument("--seed", type=int, default=8, help="seed of the export imported")
    args = parser.parse_args()

    base, extra = export(args.orders, 7), export(max(args.orders // 10, 1000), args.seed)
    built = HERE / "out" / f"concurrency_{args.orders // 1000}k_base.duckdb"
    if not built.exists():
        cmd = [sys.executable, "-m", "analytics", "import", str(base), "--db", str(built)]
        seconds, _, _ = run(cmd)
        print(f"store built: {args.orders:,} orders in {seconds:.1f} s", flush=True)
    db = built.with_name(built.name.replace("_base", ""))  # each run starts from the built store
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()
    shutil.copyfile(built, db)
    from analytics import store

    with store.reading(db) as con:
        before_count = con.execute("SELECT count(*) FROM orders").fetchone()[0]
    asyncio.run(main_async(args, db, extra, before_count))


if __name__ == "__main__":
    main()
