"""The import log, and undoing an import.

Undo removes the orders an import inserted and puts back the previous version of the
orders it updated (kept in ``orders_replaced``), in one transaction. Orders a later import
changed again keep that later version.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics import customers
from analytics.errors import InputError
from analytics.store import ORDER_COLUMNS, bump_data_version, transaction

_HISTORY_SQL = """
SELECT import_id, kind, file_name, platform, shop, rows_read, rows_inserted, rows_updated,
    rows_unchanged, rows_rejected, started_at, finished_at, outcome, message
FROM imports ORDER BY import_id DESC
"""

_TOUCHED_SQL = """
CREATE OR REPLACE TEMP TABLE touched AS
SELECT DISTINCT platform, shop, customer_id FROM orders WHERE import_id = $id
UNION
SELECT platform, shop, customer_id FROM orders_replaced WHERE replaced_by = $id
"""

_RESTORE_SQL = f"""
INSERT INTO orders ({", ".join(ORDER_COLUMNS)})
SELECT {", ".join("r." + c for c in ORDER_COLUMNS)}
FROM orders_replaced r
ANTI JOIN orders o USING (platform, shop, order_id)
WHERE r.replaced_by = $id
"""


@dataclass(frozen=True)
class UndoSummary:
    import_id: int
    removed: int
    restored: int


def import_history(con) -> pd.DataFrame:
    """Every import attempt, newest first (outcome: imported, refused or undone)."""
    return con.execute(_HISTORY_SQL).df()


def undo_import(con, import_id: int) -> UndoSummary:
    """Roll back import ``import_id`` (see module docstring)."""
    row = con.execute(
        "SELECT kind, outcome FROM imports WHERE import_id = ?", [import_id]
    ).fetchone()
    if row is None:
        raise InputError(f"there is no import #{import_id}")
    kind, outcome = row
    if outcome != "imported":
        raise InputError(f"import #{import_id} cannot be undone: it was {outcome}")
    params = {"id": import_id}
    with transaction(con):
        if kind == "profiles":
            removed = con.execute(
                "SELECT count(*) FROM customer_profiles WHERE import_id = $id", params
            ).fetchone()[0]
            con.execute("DELETE FROM customer_profiles WHERE import_id = $id", params)
            con.execute(
                "INSERT INTO customer_profiles SELECT * EXCLUDE (replaced_by) "
                "FROM profiles_replaced WHERE replaced_by = $id",
                params,
            )
            restored = con.execute(
                "SELECT count(*) FROM profiles_replaced WHERE replaced_by = $id", params
            ).fetchone()[0]
            con.execute("DELETE FROM profiles_replaced WHERE replaced_by = $id", params)
        else:
            con.execute(_TOUCHED_SQL, params)
            removed = con.execute(
                "SELECT count(*) FROM orders WHERE import_id = $id", params
            ).fetchone()[0]
            con.execute("DELETE FROM order_items WHERE import_id = $id", params)
            con.execute("DELETE FROM orders WHERE import_id = $id", params)
            restored = con.execute(
                "SELECT count(*) FROM orders_replaced r ANTI JOIN orders o "
                "USING (platform, shop, order_id) WHERE r.replaced_by = $id",
                params,
            ).fetchone()[0]
            con.execute(_RESTORE_SQL, params)
            con.execute("DELETE FROM orders_replaced WHERE replaced_by = $id", params)
            customers.refresh(con, touched="touched")
            con.execute("DROP TABLE touched")
        con.execute("UPDATE imports SET outcome = 'undone' WHERE import_id = $id", params)
        bump_data_version(con)
    return UndoSummary(import_id, removed, restored)
