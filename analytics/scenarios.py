"""Saved promotion scenarios: named sets of calculator inputs the planner can reload.

A scenario is stored in the ``settings`` table under the name ``scenario:<name>`` with a
JSON value ``{"kind": …, "inputs": {…}, "saved_at": "YYYY-MM-DDTHH:MM:SS.ffffff"}``.
``kind`` says which calculator the inputs belong to (the promotion planner uses
``break_even``, ``threshold``, ``pooling``, ``deposit``, ``member_day``, ``compare`` and
``ads``); ``inputs`` are plain JSON values (numbers, strings, booleans, lists, dicts).
Names are unique across kinds: saving under an existing name replaces that scenario.
Every write runs in a transaction. It leaves the data version alone: no score or stored
page view depends on a scenario, so saving one does not make the next page view rebuild
them (a minute at a million orders); the dashboard's cached lists refresh anyway, as they
are kept per database generation (``ui.state.cached``).
"""

from __future__ import annotations

import json
import math
from datetime import datetime

import pandas as pd

from analytics.errors import InputError
from analytics.store import transaction

#: Prefix of scenario rows in ``settings``.
PREFIX = "scenario:"
#: Longest scenario name accepted (characters).
MAX_NAME = 100

LIST_SQL = """
SELECT
    substr(name, length($prefix) + 1) AS name,
    json_extract_string(value, '$.kind') AS kind,
    json_extract(value, '$.inputs') AS inputs,
    CAST(json_extract_string(value, '$.saved_at') AS TIMESTAMP) AS saved_at
FROM settings
WHERE starts_with(name, $prefix)
    AND ($kind IS NULL OR json_extract_string(value, '$.kind') = $kind)
ORDER BY saved_at DESC, name
"""


def _name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"name must be a non-empty text, got {name!r}")
    clean = name.strip()
    if len(clean) > MAX_NAME:
        raise InputError(f"name must be at most {MAX_NAME} characters, got {len(clean)}")
    return clean


def _kind(kind) -> str:
    if not isinstance(kind, str) or not kind.strip():
        raise InputError(f"kind must be a non-empty text, got {kind!r}")
    return kind.strip()


def _encode(kind: str, inputs) -> str:
    if not isinstance(inputs, dict):
        raise InputError(f"inputs must be a dict of input name to value, got {inputs!r}")
    for key, value in inputs.items():
        if not isinstance(key, str):
            raise InputError(f"inputs names must be text, got {key!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"inputs[{key!r}] must be a finite number, got {value!r}")
    payload = {"kind": kind, "inputs": inputs, "saved_at": datetime.now().isoformat()}
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"inputs must be plain JSON values (numbers, text, true/false): {exc}"
        ) from None


def save_scenario(con, *, name: str, kind: str, inputs: dict) -> None:
    """Store ``inputs`` of calculator ``kind`` as scenario ``name`` (replacing one of that name).

    ``name`` is trimmed; raises InputError for an empty or over-long name, an empty kind,
    or inputs that are not a dict of plain JSON values (NaN and infinity refused).
    """
    clean_name = _name(name)
    value = _encode(_kind(kind), inputs)
    with transaction(con):
        con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [PREFIX + clean_name, value])


def list_scenarios(con, *, kind: str | None = None) -> pd.DataFrame:
    """The saved scenarios, newest first (then by name); only ``kind``'s when given.

    Columns: ``name``, ``kind``, ``inputs`` (a dict per row, as saved), ``saved_at``
    (timestamp). No scenarios, no rows.
    """
    params = {"prefix": PREFIX, "kind": None if kind is None else _kind(kind)}
    df = con.execute(LIST_SQL, params).df()
    df["inputs"] = [json.loads(text) for text in df["inputs"]]
    return df


def delete_scenario(con, *, name: str) -> None:
    """Delete scenario ``name``. Raises InputError when there is none of that name."""
    clean_name = _name(name)
    key = PREFIX + clean_name
    with transaction(con):
        found = con.execute("SELECT count(*) FROM settings WHERE name = ?", [key]).fetchone()[0]
        if not found:
            raise InputError(f"there is no saved scenario named {clean_name!r}")
        con.execute("DELETE FROM settings WHERE name = ?", [key])
