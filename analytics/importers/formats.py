"""What an importer knows about one platform's export: its columns, signature and statuses.

A ``Format`` is data, not code: the canonical field each column feeds, the columns whose
presence identifies the layout, the platform's status words mapped to SPEC's, and how the
rows relate to orders (``grain``: one row per order, or one row per order line that the
pipeline folds into one order). The import pipeline (``orders.py``) is the same for every
format.
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
    "after_sale",
)
#: Order-level fields (one value per order).
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
#: Line-level fields, written to ``order_items`` (product id/sku, title, quantity, price).
ITEM_FIELDS = ("product_id", "sku", "title", "quantity", "price")
#: Every field a mapping may name.
ALL_FIELDS = FIELDS + ITEM_FIELDS
#: Fields an item-level report (kind="items") needs.
ITEM_REQUIRED_FIELDS = ("order_id", "title")
#: Fields an order->buyer mapping file (kind="buyers") may feed; it needs an order id and a
#: buyer id or phone (``buyermap.py``).
BUYER_MAP_FIELDS = ("order_id", "customer_id", "phone", "shop")

#: A signature entry: one column, or a tuple of alternatives (any one present).
SignatureEntry = str | tuple[str, ...]


@dataclass(frozen=True)
class Format:
    platform: str
    label: str
    #: canonical field -> header names that may carry it (first present wins)
    columns: dict[str, tuple[str, ...]]
    #: every one of these entries present identifies the format
    signature: tuple[SignatureEntry, ...] = ()
    #: raw status value -> normalized status
    status_map: dict[str, str] = field(default_factory=dict)
    #: status when the file has no status column
    default_status: str = "completed"
    #: a raw status missing from status_map is a row problem (False: treated as default)
    strict_status: bool = True
    #: "orders": an order export; "items": an item-level report feeding order_items only;
    #: "buyers": an order->buyer mapping file assigning buyers to stored orders
    kind: str = "orders"
    #: "order": one row per order; "line": one row per order line (folded into orders)
    grain: str = "order"
    #: grain="line": fields summed over an order's lines (the others: first non-empty line)
    sum_fields: tuple[str, ...] = ()
    #: field -> further sources tried row by row when the mapped column is empty (or the
    #: field has no column); a source is a tuple of columns joined with "/" (all must exist)
    derived: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    #: after-sale (售后/退款状态) word -> "refunded" when it means the order was fully refunded
    after_sale_map: dict[str, str] = field(default_factory=dict)
    #: columns whose presence rules the format out (to tell look-alike layouts apart)
    excludes: tuple[str, ...] = ()
    #: field -> {raw value -> canonical value} applied before parsing (e.g. pinyin provinces)
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    #: i18n key of a caveat shown with the detection reason (e.g. how buyers are identified)
    note: str = ""
    #: the name ``--platform`` and the Import page use (default: ``platform``)
    name: str = ""

    @property
    def key(self) -> str:
        return self.name or self.platform

    @property
    def required(self) -> tuple[str, ...]:
        if self.kind == "buyers":
            return ("order_id",)
        return ITEM_REQUIRED_FIELDS if self.kind == "items" else REQUIRED_FIELDS

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field this format stages (order fields, then line fields)."""
        if self.kind == "items":
            return ("order_id", "shop", *ITEM_FIELDS)
        if self.kind == "buyers":
            return BUYER_MAP_FIELDS
        return FIELDS + ITEM_FIELDS

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

    def derived_for(self, header: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
        """field -> the derived sources whose columns are all in ``header``."""
        present = set(header)
        out = {}
        for name, sources in self.derived.items():
            usable = tuple(s for s in sources if all(c in present for c in s))
            if usable:
                out[name] = usable
        return out

    def matches(self, header: list[str]) -> bool:
        """True when every signature entry is present and no excluded column is."""
        present = set(header)
        if not self.signature or any(col in present for col in self.excludes):
            return False
        return all(
            (entry in present) if isinstance(entry, str) else any(e in present for e in entry)
            for entry in self.signature
        )

    def signature_found(self, header: list[str]) -> list[str]:
        """The header columns that matched the signature (for the detection reason)."""
        present = set(header)
        found = []
        for entry in self.signature:
            options = (entry,) if isinstance(entry, str) else entry
            found.extend(c for c in options if c in present)
        return found
