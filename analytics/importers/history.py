"""The import log, and undoing an import.

Undo is replay (SPEC): after undoing import k the store equals importing the files that
still stand, in their original order. Orders, order lines and buyer profiles k held get the
version of the latest standing import that holds them, or go when none does; the customer
summary of every buyer touched is rebuilt. How: ``analytics.importers.replay``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analytics import customers
from analytics.errors import InputError
from analytics.importers import replay
from analytics.importers.orders import DEFAULT_SHOP, import_settings
from analytics.store import bump_data_version, transaction

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


@dataclass(frozen=True)
class UndoSummary:
    """``removed``: orders (or profiles) whose stored version went, deleted or replaced;
    ``restored``: those that got an older version back; lines likewise, counted in lines;
    ``kept``: those the import held that stay because a standing import holds them too."""

    import_id: int
    removed: int
    restored: int
    lines_removed: int = 0
    lines_restored: int = 0
    kept: int = 0


def import_history(con) -> pd.DataFrame:
    """Every import attempt, newest first (outcome: imported, refused or undone)."""
    return con.execute(_HISTORY_SQL).df()


def undo_import(con, import_id: int) -> UndoSummary:
    """Undo import ``import_id``, in one transaction with an import's bounded memory (see
    module docstring)."""
    row = con.execute(
        "SELECT kind, outcome FROM imports WHERE import_id = ?", [import_id]
    ).fetchone()
    if row is None:
        raise InputError(f"there is no import #{import_id}")
    kind, outcome = row
    if outcome != "imported":
        raise InputError(f"import #{import_id} cannot be undone: it was {outcome}")
    with import_settings(con), transaction(con):
        if kind == "profiles":
            counts = replay.undo_profiles(con, import_id)
        elif kind == "buyers":
            from analytics.importers.buyermap import undo_buyer_map
            from analytics.importers.orders import _run_script

            restored = undo_buyer_map(con, import_id, _run_script)
            counts = replay.ReplayCounts(removed=0, restored=restored)
        else:
            counts = replay.undo_orders(con, import_id, default_shop=DEFAULT_SHOP)
            customers.refresh(con, touched="touched")
            con.execute("DROP TABLE touched")
        con.execute("UPDATE imports SET outcome = 'undone' WHERE import_id = ?", [import_id])
        bump_data_version(con)
    return UndoSummary(
        import_id,
        counts.removed,
        counts.restored,
        counts.lines_removed,
        counts.lines_restored,
        counts.kept,
    )
