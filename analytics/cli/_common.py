"""What every command shares: the --db/--shop/--as-of/--format options and printing."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import importlib.util
import json
import math
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import date

from analytics import store
from analytics.errors import InputError


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file (default: $LAOKE_DB or data/shop.duckdb)")


def add_scope(parser: argparse.ArgumentParser, *, as_of: bool = True) -> None:
    """--db, --shop and (optionally) --as-of, the options every report takes."""
    add_db(parser)
    parser.add_argument("--shop", help="only this shop, as PLATFORM/SHOP (default: all)")
    parser.set_defaults(shop_must_exist=True)
    if as_of:
        parser.add_argument(
            "--as-of",
            type=parse_date,
            help="analysis date YYYY-MM-DD (default: the date of the newest order)",
        )


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def open_db(args):
    """A read-only connection on the database's current generation, for reports: it never
    blocks a write, and a dashboard open on the same file never blocks it."""
    con = store.open_reader(args.db).con
    if getattr(args, "shop_must_exist", False) and args.shop:
        check_shop(con, args.shop)
    return con


@contextmanager
def write_db(args, *, import_of: str | None = None, kind: str = "orders"):
    """A connection for one write (import, undo, campaign log), committed when the block
    ends; waits for another LaoKe process's write, saying so on stderr once, then gives up
    with ``StoreBusy`` (exit 2)."""
    with store.writing(args.db, on_wait=on_wait(args), import_of=import_of, kind=kind) as con:
        yield con


def on_wait(args):
    """A callback for a write that waits: one "waiting for the database" line on stderr."""
    told = []

    def waiting(seconds: float) -> None:
        if not told:
            told.append(seconds)
            print(
                f"waiting for the database ({store.db_path(args.db)}): another LaoKe process "
                "is writing it…",
                file=sys.stderr,
                flush=True,
            )

    return waiting


def check_shop(con, shop: str) -> None:
    """Refuse a --shop the store does not hold (a report on it would be all zeros), listing
    the shops it does hold."""
    known = store.shops(con)
    if shop not in known:
        listed = ", ".join(known) if known else "none (the database holds no orders yet)"
        raise InputError(f"--shop {shop!r}: no such shop; the shops are: {listed}")


def as_of(con, args) -> date:
    """The --as-of date, else the newest order's date, else today."""
    if getattr(args, "as_of", None):
        return args.as_of
    return store.latest_order_date(con) or date.today()


def require(condition: bool, message: str) -> None:
    if not condition:
        raise InputError(message)


def _plain(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def is_frame(obj) -> bool:
    """Whether ``obj`` is a pandas DataFrame, without importing pandas (most commands never
    need it, and it takes longer to load than `report kpis` takes to run)."""
    return type(obj).__name__ == "DataFrame" and type(obj).__module__.startswith("pandas")


def emit(result, fmt: str, out=None) -> None:
    """Print a DataFrame (json: a list of records) or a dataclass/dict (json: an object).

    A DataFrame as json or csv streams through :func:`analytics.export.write_records`
    (Arrow and DuckDB: formula-like text neutralized, phones masked).
    """
    out = out or sys.stdout
    if is_frame(result):
        if fmt in ("json", "csv"):
            from analytics.export import write_records

            write_records(result, out, fmt=fmt)
        else:
            out.write(result.to_string(index=False) + "\n" if len(result) else "(no rows)\n")
        return
    obj = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else dict(result)
    obj = {k: _plain(v) for k, v in obj.items()}
    if fmt == "json":
        json.dump(obj, out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(obj), lineterminator="\n")
        writer.writeheader()
        writer.writerow(obj)
    else:
        width = max(map(len, obj), default=0)
        for key, value in obj.items():
            out.write(f"{key:<{width}}  {value}\n")


def add_lazy_choice(parser, flag: str, module: str, attribute: str, *, help: str, **kwargs):
    """An option taking one of the names in ``module.attribute`` (a tuple or dict), read
    only when argparse checks a value or prints help: building the parser must not load
    pandas or scipy. The help text ends with the choices."""
    parser.add_argument(
        flag,
        choices=_LazyChoices(module, attribute),
        metavar=flag.lstrip("-").upper(),
        help=f"{help}: %(choices)s",
        **kwargs,
    )


class _LazyChoices(Sequence):
    def __init__(self, module: str, attribute: str):
        self._module, self._attribute = module, attribute

    def _names(self) -> tuple:
        return tuple(getattr(lazy_module(self._module), self._attribute))

    def __getitem__(self, index):
        return self._names()[index]

    def __len__(self) -> int:
        return len(self._names())


def lazy_module(name: str):
    """``name`` imported on first use: keeps `python -m analytics import …` from loading
    scipy, the holiday tables and every report module it does not run."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
