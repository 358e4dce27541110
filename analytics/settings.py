"""Settings are data: frozen dataclasses with SPEC defaults, stored as JSON in ``settings``.

Each metric module defines its own settings dataclass (``StageCuts`` in lifecycle, tiers
rules in tiers, …) and reads it with ``load(con, "lifecycle", StageCuts)``; the UI edits
it and writes it back with ``save``. An unknown or missing stored field falls back to the
dataclass default, so adding a setting never breaks an existing database.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TypeVar

from analytics.store import bump_data_version, transaction

T = TypeVar("T")

#: The shop's gross margin (毛利率) until the owner sets it: one setting, read by the
#: promotion planner and by the customer value model (``gross_margin``).
DEFAULT_MARGIN = 0.4
#: The settings row that stores it (the promotion planner's settings).
MARGIN_SETTINGS = "promotion"


def load(con, name: str, cls: type[T]) -> T:
    """The stored settings ``name`` as a ``cls`` instance (defaults when none stored)."""
    # fetchall, not fetchone: a result left unfinished blocks the caller's next con.sql().
    rows = con.execute("SELECT value FROM settings WHERE name = ?", [name]).fetchall()
    if not rows:
        return cls()
    stored = json.loads(rows[0][0])
    known = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: _thaw(v) for k, v in stored.items() if k in known})


def save(con, name: str, value) -> None:
    """Store ``value`` (a dataclass instance) as settings ``name``; analyses refresh (the
    stored per-customer scores are rebuilt when there are any)."""
    payload = json.dumps(dataclasses.asdict(value), ensure_ascii=False, default=str)
    with transaction(con):
        con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [name, payload])
        bump_data_version(con)
    from analytics import scores  # settings are read by the scores: import late

    scores.refresh_if_present(con)


def gross_margin(con) -> float:
    """The shop's gross margin as stored by the promotion planner's 设为默认 (a fraction),
    or ``DEFAULT_MARGIN``. The value model and the planner both start from it."""
    row = con.execute("SELECT value FROM settings WHERE name = ?", [MARGIN_SETTINGS]).fetchone()
    if row is None:
        return DEFAULT_MARGIN
    margin = json.loads(row[0]).get("margin")
    return float(margin) if isinstance(margin, int | float) else DEFAULT_MARGIN


def _thaw(value):
    """JSON lists back to tuples, so frozen dataclasses stay hashable."""
    if isinstance(value, list):
        return tuple(_thaw(v) for v in value)
    if isinstance(value, dict):
        return {k: _thaw(v) for k, v in value.items()}
    return value
