"""What an importer knows about one platform's export: its columns, signature and statuses.

A ``Format`` is data, not code: the canonical field each column feeds, the columns whose
presence identifies the layout, and the platform's status words mapped to SPEC's. The
import pipeline (``orders.py``) is the same for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Canonical fields an order export can feed; the first four are required.
REQUIRED_FIELDS = ("order_id", "customer_id", "order_time", "amount")
OPTIONAL_FIELDS = (
    "customer_name",
    "phone",
    "paid_time",
    "status",
    "refund_amount",
    "address",
    "province",
    "city",
    "item_count",
    "product",
    "shop",
)
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS


@dataclass(frozen=True)
class Format:
    platform: str
    label: str
    #: canonical field -> header names that may carry it (first present wins)
    columns: dict[str, tuple[str, ...]]
    #: every one of these headers present identifies the format
    signature: tuple[str, ...] = ()
    #: raw status value -> normalized status
    status_map: dict[str, str] = field(default_factory=dict)
    #: status when the file has no status column
    default_status: str = "completed"
    #: a raw status missing from status_map is a row problem (False: treated as default)
    strict_status: bool = True

    def mapping_for(self, header: list[str]) -> dict[str, str]:
        """canonical field -> the header column that feeds it, for the fields present."""
        present = set(header)
        mapping = {}
        for name, candidates in self.columns.items():
            for candidate in candidates:
                if candidate in present:
                    mapping[name] = candidate
                    break
        return mapping
