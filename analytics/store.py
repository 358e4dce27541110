"""The order store: DuckDB connection, schema and migrations, transactions, data version.

Every table of SPEC lives here. The schema is versioned: ``MIGRATIONS`` is an append-only
list of SQL scripts and ``connect`` applies the ones a database has not seen yet, so an
older database file opens in a newer LaoKe without losing anything.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import duckdb

DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "shop.duckdb"

#: Normalized order statuses (SPEC "orders").
STATUSES = ("unpaid", "paid", "shipped", "completed", "closed", "refunded")
#: Statuses that count as a sale when the order is not fully refunded.
SALE_STATUSES = ("paid", "shipped", "completed")

_ORDER_COLUMNS_DDL = """
    platform      VARCHAR NOT NULL,
    shop          VARCHAR NOT NULL,
    order_id      VARCHAR NOT NULL,
    customer_id   VARCHAR NOT NULL,
    customer_name VARCHAR,
    phone         VARCHAR,
    order_time    TIMESTAMP NOT NULL,
    paid_time     TIMESTAMP,
    status        VARCHAR NOT NULL,
    amount        DECIMAL(18, 2) NOT NULL,
    refund_amount DECIMAL(18, 2) NOT NULL DEFAULT 0,
    province      VARCHAR,
    city          VARCHAR,
    item_count    INTEGER,
    product       VARCHAR,
    import_id     INTEGER NOT NULL
"""

#: The customer summary's columns as V1 created them (V3 rebuilt the table with them; V10
#: dropped two that nothing read).
_CUSTOMER_COLUMNS_V1_DDL = """
    platform          VARCHAR NOT NULL,
    shop              VARCHAR NOT NULL,
    customer_id       VARCHAR NOT NULL,
    customer_name     VARCHAR,
    phone             VARCHAR,
    province          VARCHAR,
    city              VARCHAR,
    all_orders        INTEGER NOT NULL,       -- any status
    first_seen        TIMESTAMP NOT NULL,     -- first order of any status
    last_seen         TIMESTAMP NOT NULL,
    valid_orders      INTEGER NOT NULL,
    occasions         INTEGER NOT NULL,       -- calendar days with >= 1 valid order
    first_order_time  TIMESTAMP,              -- first valid order
    second_order_time TIMESTAMP,
    last_order_time   TIMESTAMP,              -- last valid order
    revenue           DECIMAL(18, 2) NOT NULL, -- net of refunds, valid orders
    refund_amount     DECIMAL(18, 2) NOT NULL, -- all orders
    refunded_orders   INTEGER NOT NULL        -- orders with any refund
"""

#: Column order of ``orders`` (and of ``orders_replaced`` after its ``replaced_by``).
ORDER_COLUMNS = (
    "platform",
    "shop",
    "order_id",
    "customer_id",
    "customer_name",
    "phone",
    "order_time",
    "paid_time",
    "status",
    "amount",
    "refund_amount",
    "province",
    "city",
    "item_count",
    "product",
    "import_id",
)

_V1 = f"""
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

CREATE TABLE imports (
    import_id      INTEGER PRIMARY KEY,
    kind           VARCHAR NOT NULL,          -- orders | profiles
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR,
    platform       VARCHAR,
    shop           VARCHAR,
    rows_read      BIGINT NOT NULL DEFAULT 0,
    rows_inserted  BIGINT NOT NULL DEFAULT 0,
    rows_updated   BIGINT NOT NULL DEFAULT 0,
    rows_unchanged BIGINT NOT NULL DEFAULT 0,
    rows_rejected  BIGINT NOT NULL DEFAULT 0,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP,
    outcome        VARCHAR NOT NULL,          -- running | imported | refused | undone
    message        VARCHAR,
    problems       VARCHAR                    -- JSON list of the first row problems
);

-- Key (platform, shop, order_id), kept unique by the import's upsert rather than by an
-- index: an ART index over millions of text keys costs more memory than the whole import.
CREATE TABLE orders ({_ORDER_COLUMNS_DDL});

-- The previous version of every order an import overwrote, so the import can be undone.
CREATE TABLE orders_replaced (replaced_by INTEGER NOT NULL, {_ORDER_COLUMNS_DDL});

CREATE TABLE order_items (
    platform   VARCHAR NOT NULL,
    shop       VARCHAR NOT NULL,
    order_id   VARCHAR NOT NULL,
    line_no    INTEGER NOT NULL,
    product_id VARCHAR,
    sku        VARCHAR,
    title      VARCHAR,
    category   VARCHAR,
    quantity   INTEGER,
    price      DECIMAL(18, 2),
    import_id  INTEGER NOT NULL,
    PRIMARY KEY (platform, shop, order_id, line_no)
);

CREATE TABLE customer_profiles (
    customer_id VARCHAR PRIMARY KEY,
    birthday    DATE,
    age         INTEGER,
    gender      VARCHAR,
    tags        VARCHAR,
    bad_review  BOOLEAN,
    import_id   INTEGER NOT NULL
);

-- The previous version of every profile a profile import overwrote (for undo).
CREATE TABLE profiles_replaced (
    customer_id VARCHAR NOT NULL,
    birthday    DATE,
    age         INTEGER,
    gender      VARCHAR,
    tags        VARCHAR,
    bad_review  BOOLEAN,
    import_id   INTEGER NOT NULL,
    replaced_by INTEGER NOT NULL
);

CREATE TABLE campaigns (
    campaign_id INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    as_of       DATE NOT NULL,
    segment     VARCHAR,
    filters     VARCHAR,                      -- JSON
    offer       VARCHAR,
    offer_cost  DECIMAL(18, 2),
    holdout_pct DOUBLE NOT NULL DEFAULT 0,
    seed        INTEGER,
    file_name   VARCHAR
);

CREATE TABLE campaign_members (
    campaign_id INTEGER NOT NULL,
    platform    VARCHAR NOT NULL,
    shop        VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    grp         VARCHAR NOT NULL,             -- treatment | control
    PRIMARY KEY (campaign_id, platform, shop, customer_id)
);

CREATE TABLE settings (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

-- Customer summary over valid orders (SPEC), refreshed in the transaction of every import.
CREATE TABLE customers (
{_CUSTOMER_COLUMNS_V1_DDL},
    PRIMARY KEY (platform, shop, customer_id)
);

-- Valid sales (SPEC): paid/shipped/completed and not fully refunded (a 0.00 order with no
-- refund is a sale: free gifts and fully discounted orders still make a purchase); net revenue.
CREATE VIEW valid_orders AS
SELECT *, amount - refund_amount AS net_amount
FROM orders
WHERE status IN ('paid', 'shipped', 'completed') AND (refund_amount = 0 OR refund_amount < amount);

CREATE SEQUENCE import_ids START 1;
CREATE SEQUENCE campaign_ids START 1;
INSERT INTO meta VALUES ('data_version', '0');
"""

# V2: the previous version of every order line an import replaced (for undo), like
# orders_replaced for orders.
_V2 = """
CREATE TABLE order_items_replaced (
    replaced_by INTEGER NOT NULL,
    platform    VARCHAR NOT NULL,
    shop        VARCHAR NOT NULL,
    order_id    VARCHAR NOT NULL,
    line_no     INTEGER NOT NULL,
    product_id  VARCHAR,
    sku         VARCHAR,
    title       VARCHAR,
    category    VARCHAR,
    quantity    INTEGER,
    price       DECIMAL(18, 2),
    import_id   INTEGER NOT NULL
);
"""

# V3: the customer summary without its primary-key index. The table is rebuilt by imports
# (one row per buyer by construction) and read by scans; maintaining an ART index over
# every buyer key cost more than building the summary itself (2 s of a 1M-order import).
_V3 = f"""
CREATE TABLE customers_v3 ({_CUSTOMER_COLUMNS_V1_DDL});
INSERT INTO customers_v3 SELECT * FROM customers;
DROP TABLE customers;
ALTER TABLE customers_v3 RENAME TO customers;
"""

# V4: orders whose buyer cannot be told apart (a 抖店 ciphertext consignee, a masked
# nickname: ``importers/identity.py``) are stored with customer_id NULL, so they count in
# sales but in no customer figure. Customer analyses read ``buyer_orders`` /
# ``buyer_valid_orders`` (orders with a known buyer). ``order_buyers`` holds the buyers an
# order->buyer mapping file assigned to stored orders, with the buyer each order had
# before, so that import can be undone (its ``imports.kind`` is 'buyers').
_V4 = """
ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL;
ALTER TABLE orders_replaced ALTER COLUMN customer_id DROP NOT NULL;
CREATE VIEW buyer_orders AS SELECT * FROM orders WHERE customer_id IS NOT NULL;
CREATE VIEW buyer_valid_orders AS SELECT * FROM valid_orders WHERE customer_id IS NOT NULL;
CREATE TABLE order_buyers (
    import_id            INTEGER NOT NULL,    -- the mapping import
    platform             VARCHAR NOT NULL,
    shop                 VARCHAR NOT NULL,
    order_id             VARCHAR NOT NULL,
    customer_id          VARCHAR NOT NULL,    -- the buyer it assigned
    previous_customer_id VARCHAR              -- the buyer before (NULL: unknown)
);
"""


def _column_types(ddl: str) -> dict[str, str]:
    """column -> SQL type, read off a column list like ``_ORDER_COLUMNS_DDL``."""
    found = re.findall(r"^\s*(\w+)\s+([A-Z]+(?:\(\d+,\s*\d+\))?)", ddl, flags=re.MULTILINE)
    return dict(found)


def _typed_hash(columns, types: dict[str, str], alias: str = "") -> str:
    """SQL: a 64-bit hash of ``columns``, each cast to its stored type (so the hash of a row
    being imported equals the hash of the same row once stored).

    The hashes are stored (membership tables): a migration that adds a hashed column must
    recompute them, or undo treats the versions before and after it as different."""
    prefix = f"{alias}." if alias else ""
    cast = [f"CAST({prefix}{c} AS {types[c]})" if c in types else prefix + c for c in columns]
    return "hash(" + ", ".join(cast) + ")"


#: The columns of an order that make its version (all but the key and ``import_id``).
ORDER_VALUE_COLUMNS = tuple(
    c for c in ORDER_COLUMNS if c not in ("platform", "shop", "order_id", "import_id")
)
_ORDER_TYPES = _column_types(_ORDER_COLUMNS_DDL)
#: The columns of an order line that make its version (beside its order's key).
LINE_VALUE_COLUMNS = ("line_no", "product_id", "sku", "title", "category", "quantity", "price")
_LINE_TYPES = {
    "line_no": "INTEGER",
    "product_id": "VARCHAR",
    "sku": "VARCHAR",
    "title": "VARCHAR",
    "category": "VARCHAR",
    "quantity": "INTEGER",
    "price": "DECIMAL(18, 2)",
}
#: The columns of a buyer profile that make its version (beside ``customer_id``).
PROFILE_VALUE_COLUMNS = ("birthday", "age", "gender", "tags", "bad_review")
_PROFILE_TYPES = {
    "birthday": "DATE",
    "age": "INTEGER",
    "gender": "VARCHAR",
    "tags": "VARCHAR",
    "bad_review": "BOOLEAN",
}


def order_hash(alias: str = "") -> str:
    """SQL: the content hash of an order version (``row_hash`` of ``import_keys``)."""
    return _typed_hash(ORDER_VALUE_COLUMNS, _ORDER_TYPES, alias)


def line_hash(alias: str = "") -> str:
    """SQL: the hash of one order line; ``bit_xor`` of it over an order's lines is the hash
    of the order's line set (``set_hash`` of ``import_item_keys``)."""
    return _typed_hash(LINE_VALUE_COLUMNS, _LINE_TYPES, alias)


def profile_hash(alias: str = "") -> str:
    """SQL: the content hash of a profile version (``row_hash`` of ``import_profile_keys``)."""
    return _typed_hash(PROFILE_VALUE_COLUMNS, _PROFILE_TYPES, alias)


# V5: undo is replay. Which version of which key every import holds (its membership), so
# undoing import k puts back, for each key k holds, the version of the latest import still
# standing that holds it (analytics/importers/replay.py). Existing databases are back-filled
# as well as their tables allow: each stored or replaced version is held by the import that
# wrote it (identical re-imports before V5 left no trace, so they are not counted as holders).
# The hashed columns are spelled out: a migration's text must not change when a later
# version adds a column to ``orders``.
_V5_ORDER_VALUES = (
    "customer_id",
    "customer_name",
    "phone",
    "order_time",
    "paid_time",
    "status",
    "amount",
    "refund_amount",
    "province",
    "city",
    "item_count",
    "product",
)
_V5_ORDER_HASH = _typed_hash(_V5_ORDER_VALUES, _ORDER_TYPES)
_V5 = f"""
CREATE TABLE import_keys (
    import_id INTEGER NOT NULL,
    platform  VARCHAR NOT NULL,
    shop      VARCHAR NOT NULL,
    order_id  VARCHAR NOT NULL,
    row_hash  UBIGINT NOT NULL
);
CREATE TABLE import_item_keys (
    import_id  INTEGER NOT NULL,
    platform   VARCHAR NOT NULL,
    shop       VARCHAR NOT NULL,              -- the shop the lines went to at import time
    order_id   VARCHAR NOT NULL,
    set_hash   UBIGINT NOT NULL,
    shop_given BOOLEAN NOT NULL               -- false: an item report took the order's shop
);
CREATE TABLE import_profile_keys (
    import_id   INTEGER NOT NULL,
    customer_id VARCHAR NOT NULL,
    row_hash    UBIGINT NOT NULL
);
INSERT INTO import_keys
SELECT DISTINCT import_id, platform, shop, order_id, row_hash FROM (
    SELECT import_id, platform, shop, order_id, {_V5_ORDER_HASH} AS row_hash FROM orders
    UNION ALL
    SELECT import_id, platform, shop, order_id, {_V5_ORDER_HASH} FROM orders_replaced
    WHERE import_id IN (SELECT import_id FROM imports WHERE outcome = 'imported')
);
INSERT INTO import_item_keys
SELECT import_id, platform, shop, order_id, bit_xor({line_hash()}), true
FROM order_items GROUP BY ALL;
-- A replaced line set is held by the import that wrote it, unless it is the copy kept when
-- an order report moved an item report's lines to its order's shop.
INSERT INTO import_item_keys
SELECT import_id, platform, shop, order_id, bit_xor({line_hash()}), true
FROM order_items_replaced r
WHERE import_id IN (SELECT import_id FROM imports WHERE outcome = 'imported')
    AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.platform = r.platform
        AND i.order_id = r.order_id AND i.import_id = r.import_id)
GROUP BY replaced_by, import_id, platform, shop, order_id;
INSERT INTO import_profile_keys
SELECT DISTINCT import_id, customer_id, row_hash FROM (
    SELECT import_id, customer_id, {profile_hash()} AS row_hash FROM customer_profiles
    UNION ALL
    SELECT import_id, customer_id, {profile_hash()} FROM profiles_replaced
    WHERE import_id IN (SELECT import_id FROM imports WHERE outcome = 'imported')
);
"""

# V6 (access): who downloaded which customer list (analytics.downloads) and which
# customer's data was deleted on request (analytics.privacy) - the key and row counts only.
_V6 = """
CREATE SEQUENCE download_ids START 1;
CREATE TABLE downloads (
    download_id   INTEGER PRIMARY KEY DEFAULT nextval('download_ids'),
    downloaded_at TIMESTAMP NOT NULL,
    user_name     VARCHAR NOT NULL,
    role          VARCHAR,
    source        VARCHAR NOT NULL,           -- the list or page, e.g. segments.members
    file_name     VARCHAR,
    file_format   VARCHAR,                    -- csv | xlsx | json
    row_count     BIGINT NOT NULL,
    masked        BOOLEAN NOT NULL            -- phones masked in the file
);
CREATE SEQUENCE deletion_ids START 1;
CREATE TABLE deletions (
    deletion_id  INTEGER PRIMARY KEY DEFAULT nextval('deletion_ids'),
    deleted_at   TIMESTAMP NOT NULL,
    user_name    VARCHAR NOT NULL,
    platform     VARCHAR NOT NULL,
    shop         VARCHAR NOT NULL,
    customer_id  VARCHAR NOT NULL,
    rows_deleted VARCHAR NOT NULL             -- JSON {table: rows}
);
"""

# V7: per-customer scores and the model fits behind them (analytics.scores), rebuilt once
# per data version.
_V7 = """
CREATE TABLE customer_scores (
    platform              VARCHAR NOT NULL,
    shop                  VARCHAR NOT NULL,
    customer_id           VARCHAR NOT NULL,
    as_of                 DATE NOT NULL,
    customer_name         VARCHAR,
    customer_type         VARCHAR,   -- lifecycle.CUSTOMER_TYPES
    stage                 VARCHAR,   -- lifecycle.STAGES (NULL: no valid order)
    days_since_last       INTEGER,
    valid_orders          BIGINT,
    revenue               DOUBLE,
    r                     INTEGER,
    f                     INTEGER,
    m                     INTEGER,
    segment               VARCHAR,   -- rfm.SEGMENTS id
    tier                  VARCHAR,
    age_band              VARCHAR,
    province              VARCHAR,
    frequency             INTEGER,   -- repeat purchase days (BG/NBD x)
    recency               DOUBLE,    -- days, first to last purchase day
    "T"                   DOUBLE,    -- days, first purchase day to as_of
    p_alive               DOUBLE,
    expected_purchases_30  DOUBLE,
    expected_purchases_90  DOUBLE,
    expected_purchases_180 DOUBLE,
    expected_purchases_365 DOUBLE,
    expected_aov          DOUBLE,
    clv                   DOUBLE,
    expected_gap_days     DOUBLE,
    expected_next_order   DATE,
    overdue_factor        DOUBLE,
    churn_flag            BOOLEAN
);
CREATE TABLE model_fits (
    model          VARCHAR NOT NULL,   -- bgnbd, gamma_gamma
    as_of          DATE NOT NULL,
    fitted_at      TIMESTAMP NOT NULL,
    customers      BIGINT NOT NULL,    -- customers (repeat buyers for gamma_gamma) fitted on
    params         VARCHAR NOT NULL,   -- JSON object of the parameters
    log_likelihood DOUBLE,
    error          VARCHAR             -- why it could not be fitted (params then {})
);
"""

# V8: page views computed once per data version (analytics.views), as Arrow IPC bytes.
_V8 = """
CREATE TABLE stored_views (
    key          VARCHAR PRIMARY KEY,  -- views.key(): the function and its arguments
    data_version BIGINT NOT NULL,      -- served only while this is the data version
    payload      BLOB NOT NULL
);
"""

# V9: the modified BG/NBD's figures per customer (the churn list ranks by them).
_V9 = """
ALTER TABLE customer_scores ADD COLUMN mbg_p_alive DOUBLE;
ALTER TABLE customer_scores ADD COLUMN mbg_expected_purchases_365 DOUBLE;
"""

# V10: the customer summary without ``occasions`` and ``second_order_time``, which no page,
# report or model read (the models count occasions from the orders, ``clv.py``). Counting
# distinct days per buyer was half of the summary's cost: 9 s of an import of 10M orders.
_V10 = """
ALTER TABLE customers DROP COLUMN occasions;
ALTER TABLE customers DROP COLUMN second_order_time;
"""

# V11: the text keys every import writes a value per order or buyer of (order id, buyer id,
# phone) stored with ZSTD instead of DuckDB's choice, dictionary + FSST: these values are
# nearly all distinct, where a dictionary buys nothing and FSST took 3x ZSTD's time to
# write (a third of storing a 1M-order import) for a store a fifth smaller. Scans read both
# alike. ``sharing`` writes the database compactly after it (the old tables' blocks). The
# columns are spelled out, not taken from the DDL constants above: a migration's text must
# not change when a later version changes a table.
_ZSTD = "USING COMPRESSION zstd"
_V11 = f"""
CREATE TABLE orders_v11 (
    platform      VARCHAR NOT NULL,
    shop          VARCHAR NOT NULL,
    order_id      VARCHAR {_ZSTD} NOT NULL,
    customer_id   VARCHAR {_ZSTD},
    customer_name VARCHAR,
    phone         VARCHAR {_ZSTD},
    order_time    TIMESTAMP NOT NULL,
    paid_time     TIMESTAMP,
    status        VARCHAR NOT NULL,
    amount        DECIMAL(18, 2) NOT NULL,
    refund_amount DECIMAL(18, 2) NOT NULL DEFAULT 0,
    province      VARCHAR,
    city          VARCHAR,
    item_count    INTEGER,
    product       VARCHAR,
    import_id     INTEGER NOT NULL
);
INSERT INTO orders_v11 SELECT * FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v11 RENAME TO orders;
CREATE TABLE customers_v11 (
    platform          VARCHAR NOT NULL,
    shop              VARCHAR NOT NULL,
    customer_id       VARCHAR {_ZSTD} NOT NULL,
    customer_name     VARCHAR,
    phone             VARCHAR {_ZSTD},
    province          VARCHAR,
    city              VARCHAR,
    all_orders        INTEGER NOT NULL,
    first_seen        TIMESTAMP NOT NULL,
    last_seen         TIMESTAMP NOT NULL,
    valid_orders      INTEGER NOT NULL,
    first_order_time  TIMESTAMP,
    last_order_time   TIMESTAMP,
    revenue           DECIMAL(18, 2) NOT NULL,
    refund_amount     DECIMAL(18, 2) NOT NULL,
    refunded_orders   INTEGER NOT NULL
);
INSERT INTO customers_v11 SELECT * FROM customers;
DROP TABLE customers;
ALTER TABLE customers_v11 RENAME TO customers;
CREATE TABLE import_keys_v11 (
    import_id INTEGER NOT NULL,
    platform  VARCHAR NOT NULL,
    shop      VARCHAR NOT NULL,
    order_id  VARCHAR {_ZSTD} NOT NULL,
    row_hash  UBIGINT NOT NULL
);
INSERT INTO import_keys_v11 SELECT * FROM import_keys;
DROP TABLE import_keys;
ALTER TABLE import_keys_v11 RENAME TO import_keys;
"""

#: Append-only: index i brings a database from schema version i to i + 1.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11)
SCHEMA_VERSION = len(MIGRATIONS)


def db_path(path: str | os.PathLike | None = None) -> Path:
    """The database file: ``path``, else ``$LAOKE_DB``, else ``data/shop.duckdb``."""
    if path:
        return Path(path)
    env = os.environ.get("LAOKE_DB")
    return Path(env) if env else DEFAULT_DB


def identifier(name: object) -> str:
    """``name`` as a quoted SQL identifier (a column, table or database name)."""
    return '"' + str(name).replace('"', '""') + '"'


def configured(con):
    """``con`` with the settings of every connection LaoKe opens: no progress bar (a
    report's stderr is the user's terminal, a page's the server log)."""
    con.execute("SET enable_progress_bar = false")
    return con


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False):
    """Open (creating and migrating if needed) the shop database and return the connection.

    ``":memory:"`` gives a private in-memory database, handy in notebooks and tests.
    """
    target = str(path) if str(path) == ":memory:" else str(db_path(path))
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = configured(duckdb.connect(target, read_only=read_only))
    if not read_only:
        migrate(con)
    return con


def schema_version(con) -> int:
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 1


def migrate(con) -> int:
    """Apply every migration the database lacks, each in its own transaction; returns how
    many it applied."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema version {current} is newer than this LaoKe ({SCHEMA_VERSION})"
        )
    for version in range(current, SCHEMA_VERSION):
        with transaction(con):
            con.execute(MIGRATIONS[version])
            con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version + 1)]
            )
    return SCHEMA_VERSION - current


@contextmanager
def transaction(con) -> Iterator[None]:
    """Run the block in one transaction: all of it is written, or none of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


#: The memory cap set by :func:`memory_cap` and its connection (None: none).
_cap: ContextVar[tuple[object, str] | None] = ContextVar("laoke_memory_cap", default=None)


@contextmanager
def memory_cap(con, limit: str) -> Iterator[None]:
    """DuckDB's memory limit at ``limit`` (``"512MB"``) in the block (DuckDB spills what
    it can beyond it), then DuckDB's default again (LaoKe's connections set no other)."""
    con.execute("SET memory_limit = ?", [limit])
    token = _cap.set((con, limit))
    try:
        yield
    finally:
        _cap.reset(token)
        con.execute("RESET memory_limit")


@contextmanager
def uncapped(con) -> Iterator[None]:
    """No :func:`memory_cap` in the block, the same cap again after it. For what DuckDB
    cannot spill: a BLOB needs one block of its size (a stored list of every buyer:
    250 MB at 3M orders)."""
    cap = _cap.get()
    if cap is None or cap[0] is not con:
        yield
        return
    con.execute("RESET memory_limit")
    try:
        yield
    finally:
        con.execute("SET memory_limit = ?", [cap[1]])


def data_version(con) -> int:
    """A counter bumped by every write that changes what analyses see (cache key)."""
    return int(con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0])


def bump_data_version(con) -> None:
    con.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
        "WHERE key = 'data_version'"
    )


def is_empty(con) -> bool:
    return con.execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def latest_order_date(con):
    """The date of the newest order, the natural default as-of date (None when empty)."""
    return con.execute("SELECT CAST(max(order_time) AS DATE) FROM orders").fetchone()[0]


def shops(con) -> list[str]:
    """Shop keys ``platform/shop`` present in the store, for the sidebar selector."""
    rows = con.execute("SELECT DISTINCT platform || '/' || shop FROM orders ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def shop_filter(alias: str = "") -> str:
    """SQL predicate keeping rows of shop ``$shop`` (``platform/shop``; NULL keeps all).

    ``alias`` qualifies the columns when the query joins tables (``shop_filter("o")``).
    """
    prefix = f"{alias}." if alias else ""
    return f"($shop IS NULL OR {prefix}platform || '/' || {prefix}shop = $shop)"


#: ``shop_filter()`` for single-table queries.
SHOP_FILTER = shop_filter()


# Sharing the file between processes (copy-on-write generations): analytics/sharing.py.
from analytics.sharing import (  # noqa: E402, F401
    Backup,
    Reader,
    RunningImport,
    StoreBusy,
    backups,
    generation,
    open_reader,
    reading,
    restore,
    running_imports,
    scratch_dir,
    wait_seconds,
    writing,
)
