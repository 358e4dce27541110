"""Column mappings the user chose for a layout, remembered by the file's header.

A file whose header LaoKe does not know asks the user which column is which (the Import
page's selectors, the CLI's ``--map``). That choice is stored in ``settings`` under
``mapping:<signature>``, where the signature is a hash of the sorted, cleaned header
names, and used again for the next file with the same columns (whatever their order), so
the user is asked once per layout.

    saved = saved_mapping(con, header)   # SavedMapping | None
    save_mapping(con, header, {"order_id": "单据", ...})
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from analytics.importers.formats import ALL_FIELDS
from analytics.importers.reader import clean_header_name

PREFIX = "mapping:"


@dataclass(frozen=True)
class SavedMapping:
    """A remembered mapping: field -> column, and when it was saved."""

    signature: str
    mapping: dict[str, str]
    saved_at: datetime


def header_signature(header: list[str]) -> str:
    """A short hash of the header's cleaned column names, independent of their order."""
    names = sorted(clean_header_name(h) for h in header)
    return hashlib.sha256("\x1f".join(names).encode("utf-8")).hexdigest()[:16]


def saved_mapping(con, header: list[str]) -> SavedMapping | None:
    """The mapping saved for this header, keeping only fields and columns still valid."""
    signature = header_signature(header)
    rows = con.execute("SELECT value FROM settings WHERE name = ?", [PREFIX + signature]).fetchall()
    if not rows:
        return None
    stored = json.loads(rows[0][0])
    present = set(header)
    mapping = {
        fld: col
        for fld, col in stored.get("mapping", {}).items()
        if fld in ALL_FIELDS and col in present
    }
    if not mapping:
        return None
    return SavedMapping(signature, mapping, datetime.fromisoformat(stored["saved_at"]))


def save_mapping(
    con, header: list[str], mapping: dict[str, str], *, now: datetime | None = None
) -> SavedMapping:
    """Remember ``mapping`` for files with this header (in the caller's transaction)."""
    signature = header_signature(header)
    saved_at = (now or datetime.now()).replace(microsecond=0)
    clean = {fld: col for fld, col in mapping.items() if fld in ALL_FIELDS and col}
    payload = {"mapping": clean, "saved_at": saved_at.isoformat(), "columns": list(header)}
    con.execute(
        "INSERT OR REPLACE INTO settings VALUES (?, ?)",
        [PREFIX + signature, json.dumps(payload, ensure_ascii=False)],
    )
    return SavedMapping(signature, clean, saved_at)


def forget_mapping(con, header: list[str]) -> bool:
    """Drop the mapping saved for this header; True when there was one."""
    name = PREFIX + header_signature(header)
    existed = con.execute("SELECT count(*) FROM settings WHERE name = ?", [name]).fetchall()
    con.execute("DELETE FROM settings WHERE name = ?", [name])
    return bool(existed[0][0])
