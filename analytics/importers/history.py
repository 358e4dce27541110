"""The import log, and undoing an import.

Undo removes the orders an import inserted and puts back the previous version of the
orders it updated (kept in ``orders_replaced``), in one transaction. Orders a later import
changed again keep that later version. Order lines (``order_items``) follow the same rule:
the lines the import wrote are removed and the lines it replaced (``order_items_replaced``,
including lines it moved to its order's shop) come back, unless a later import rewrote
that order's lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analytics import customers
from analytics.errors import InputError
from analytics.store import ORDER_COLUMNS, bump_data_version, transaction

if TYPE_CHECKING:  # pandas loads with the first DataFrame (`import` never needs one)
    import pandas as pd

#: The columns of ``import_history``.
HISTORY_COLUMNS = (
    "import_id",
    "kind",
    "file_name",
    "platform",
    "shop",
    "rows_read",
    "rows_inserted",
    "rows_updated",
    "rows_unchanged",
    "rows_rejected",
    "started_at",
    "finished_at",
    "outcome",
    "message",
)

_HISTORY_SQL = f"SELECT {', '.join(HISTORY_COLUMNS)} FROM imports ORDER BY import_id DESC"

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


# Lines this import moved from another shop to its order's shop (kept their import_id).
_UNADOPT_SQL = """
DELETE FROM order_items i USING order_items_replaced r
WHERE r.replaced_by = $id AND i.platform = r.platform AND i.order_id = r.order_id
    AND i.line_no = r.line_no AND i.import_id = r.import_id AND i.shop <> r.shop
"""

_RESTORE_ITEMS_SQL = """
INSERT INTO order_items
SELECT r.* EXCLUDE (replaced_by) FROM order_items_replaced r
WHERE r.replaced_by = $id AND NOT EXISTS (
    SELECT 1 FROM order_items i
    WHERE i.platform = r.platform AND i.shop = r.shop AND i.order_id = r.order_id)
"""


@dataclass(frozen=True)
class UndoSummary:
    import_id: int
    removed: int
    restored: int
    lines_removed: int = 0
    lines_restored: int = 0


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
        lines_removed = lines_restored = 0
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
        elif kind == "buyers":
            from analytics.importers.buyermap import undo_buyer_map
            from analytics.importers.orders import _run_script

            removed = 0
            restored = undo_buyer_map(con, import_id, _run_script)
        else:
            con.execute(_TOUCHED_SQL, params)
            removed = con.execute(
                "SELECT count(*) FROM orders WHERE import_id = $id", params
            ).fetchone()[0]
            lines_removed, lines_restored = _undo_items(con, params)
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
    return UndoSummary(import_id, removed, restored, lines_removed, lines_restored)


def _undo_items(con, params: dict) -> tuple[int, int]:
    """Remove the order lines an import wrote and restore those it replaced."""
    before = con.execute("SELECT count(*) FROM order_items").fetchall()[0][0]
    con.execute("DELETE FROM order_items WHERE import_id = $id", params)
    con.execute(_UNADOPT_SQL, params)
    removed = before - con.execute("SELECT count(*) FROM order_items").fetchall()[0][0]
    con.execute(_RESTORE_ITEMS_SQL, params)
    restored = con.execute("SELECT count(*) FROM order_items").fetchall()[0][0] - (before - removed)
    con.execute("DELETE FROM order_items_replaced WHERE replaced_by = $id", params)
    return removed, restored
