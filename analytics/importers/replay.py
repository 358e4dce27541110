"""Undo is replay: which version of each key every import holds, and putting it back.

SPEC: after any sequence of imports and undos, the store equals importing the files that
still stand, in their original order. So every import records, one row per key, the version
it holds (a content hash), whether it wrote that version or found it already stored:

- ``import_keys``: orders by (platform, shop, order_id), ``row_hash`` = ``store.order_hash``;
- ``import_item_keys``: an order's line set by the (platform, shop, order_id) it went to,
  ``set_hash`` = ``bit_xor`` of ``store.line_hash`` over its lines, and ``shop_given``: false
  when an item report took the shop from the orders stored at the time;
- ``import_profile_keys``: buyer profiles by customer_id.

A version an import overwrites is kept (``orders_replaced``, ``order_items_replaced``,
``profiles_replaced``) as long as a standing import still holds it.

``undo`` of import k drops k's membership rows, then for every key k held:

- orders and profiles: the version of the latest standing import holding the key is stored
  (found by hash in the table or its archive); a key no standing import holds is deleted.
  Its ``import_id`` is the one a replay gives: the first import of the last run of standing
  holders with that same version (an identical re-import keeps the older import_id).
- order lines: where lines go depends on the orders stored when each file came in (an item
  report takes its order's shop; an order report moves lines an item report left under
  another shop to its order's shop), so the lines of the affected order ids are replayed
  import by import over the standing imports, in SQL restricted to those ids.

Then the archives of those keys are trimmed to versions a standing import holds and that
are not the stored one, and the customer summary of every touched buyer is rebuilt.
Everything is set-based SQL; only the line replay loops, once per standing import that
touches an affected order id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from analytics.store import ORDER_COLUMNS, line_hash, order_hash, profile_hash

#: Column order of ``customer_profiles`` (``profiles_replaced`` adds ``replaced_by`` last).
PROFILE_COLUMNS = ("customer_id", "birthday", "age", "gender", "tags", "bad_review", "import_id")
_LINE_COLUMNS = ("line_no", "product_id", "sku", "title", "category", "quantity", "price")


# ---- recording what an import holds (called inside the import's transaction) ----------


def record_orders(con, import_id: int) -> None:
    """Membership of an order import: every order of TEMP ``incoming`` (one row per key)."""
    con.execute(
        "INSERT INTO import_keys "
        f"SELECT $id, platform, shop, order_id, {order_hash()} FROM incoming",
        {"id": import_id},
    )


#: ``shop_given`` of an item report's lines when no shop was named for the whole file: true
#: where the line's own shop column named it, false where the stored orders (or the
#: default shop) gave it.
REPORT_SHOP_GIVEN = (
    "EXISTS (SELECT 1 FROM item_lines l WHERE l.order_id = n.order_id AND l.shop = n.shop)"
)


def record_lines(con, import_id: int, *, shop_given: str = "true") -> None:
    """Membership of the line sets in TEMP ``incoming_items``; ``shop_given`` is SQL over
    a row ``n`` of it (true when the file or the user named the shop)."""
    con.execute(
        "INSERT INTO import_item_keys "
        f"SELECT $id, n.platform, n.shop, n.order_id, bit_xor({line_hash('n')}), "
        f"bool_or({shop_given}) FROM incoming_items n GROUP BY n.platform, n.shop, n.order_id",
        {"id": import_id},
    )


def record_profiles(con, import_id: int) -> None:
    """Membership of a profile import: every profile of TEMP ``incoming``."""
    con.execute(
        f"INSERT INTO import_profile_keys SELECT $id, customer_id, {profile_hash()} FROM incoming",
        {"id": import_id},
    )


# ---- undo -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayCounts:
    """What an undo changed: ``removed`` keys lost their stored version (deleted or
    replaced), ``restored`` got an older version back; lines likewise, counted in lines.
    ``kept``: keys the import held that stay, because a standing import holds them too."""

    removed: int = 0
    restored: int = 0
    lines_removed: int = 0
    lines_restored: int = 0
    kept: int = 0


@dataclass(frozen=True)
class _Versioned:
    table: str
    archive: str
    members: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]  # every column of ``table``, in order
    hash_sql: Callable[[str], str]
    #: Columns naming the summary row a version feeds (into TEMP ``touched``), if any.
    summary_keys: tuple[str, ...] = ()


_ORDERS = _Versioned(
    "orders",
    "orders_replaced",
    "import_keys",
    ("platform", "shop", "order_id"),
    ORDER_COLUMNS,
    order_hash,
    ("platform", "shop", "customer_id"),
)
_PROFILES = _Versioned(
    "customer_profiles",
    "profiles_replaced",
    "import_profile_keys",
    ("customer_id",),
    PROFILE_COLUMNS,
    profile_hash,
)

_UNDO_TEMPS = (
    "undo_keys",
    "target",
    "kept",
    "change",
    "undo_ids",
    "held_keys",
    "held_lines",
    "sim",
    "step",
    "moving",
    "line_pool",
    "lines_before",
)


def undo_orders(con, import_id: int, *, default_shop: str) -> ReplayCounts:
    """Put orders and order lines back to the replay of the standing imports without
    ``import_id``; leaves TEMP ``touched`` (platform, shop, customer_id) for the summary."""
    params = {"id": import_id}
    # Order ids whose lines may move: those the import held orders or lines of.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE undo_ids AS
        SELECT DISTINCT platform, order_id FROM import_keys WHERE import_id = $id
        UNION
        SELECT DISTINCT platform, order_id FROM import_item_keys WHERE import_id = $id
        """,
        params,
    )
    removed, restored, kept = _undo_versions(con, _ORDERS, import_id)
    lines_removed, lines_restored = _undo_lines(con, import_id, default_shop)
    _drop(con)
    return ReplayCounts(removed, restored, lines_removed, lines_restored, kept)


def undo_profiles(con, import_id: int) -> ReplayCounts:
    """Put buyer profiles back to the replay of the standing imports without ``import_id``."""
    removed, restored, kept = _undo_versions(con, _PROFILES, import_id)
    _drop(con)
    return ReplayCounts(removed, restored, kept=kept)


def _drop(con) -> None:
    for temp in _UNDO_TEMPS:
        con.execute(f"DROP TABLE IF EXISTS {temp}")


def _undo_versions(con, v: _Versioned, import_id: int) -> tuple[int, int, int]:
    """Orders or profiles: each key ``import_id`` held gets the version of its latest
    standing holder (see module docstring). Returns (removed, restored, kept)."""
    keys = ", ".join(v.keys)
    params = {"id": import_id}

    def on(a: str, b: str) -> str:
        return " AND ".join(f"{a}.{k} = {b}.{k}" for k in v.keys)

    con.execute(
        f"CREATE OR REPLACE TEMP TABLE undo_keys AS "
        f"SELECT DISTINCT {keys} FROM {v.members} WHERE import_id = $id",
        params,
    )
    con.execute(f"DELETE FROM {v.members} WHERE import_id = $id", params)
    # The version of the latest standing holder, and the first import of the last run of
    # holders with that version (the import_id a replay leaves on the row).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE target AS
        SELECT {keys}, arg_max(row_hash, import_id) AS row_hash,
            max(import_id) FILTER (starts_run) AS import_id
        FROM (
            SELECT {keys}, import_id, row_hash,
                row_hash IS DISTINCT FROM lag(row_hash)
                    OVER (PARTITION BY {keys} ORDER BY import_id) AS starts_run
            FROM {v.members} SEMI JOIN undo_keys USING ({keys})
        )
        GROUP BY {keys}
    """)
    # Kept versions of these keys, one per hash.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE kept AS
        SELECT * FROM (
            SELECT a.* EXCLUDE (replaced_by), {v.hash_sql("a")} AS row_hash
            FROM {v.archive} a SEMI JOIN undo_keys USING ({keys})
        )
        QUALIFY row_number() OVER (PARTITION BY {keys}, row_hash ORDER BY import_id) = 1
    """)
    # One row per key: stored version (old_*) and replayed one (new_*); ``restorable`` when a
    # different version is wanted and kept. A wanted version that cannot be found (possible
    # only in a database back-filled from before membership was recorded) leaves the row.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE change AS
        SELECT {keys}, c.row_hash AS old_hash, c.import_id AS old_id,
            t.row_hash AS new_hash, t.import_id AS new_id,
            t.row_hash IS NOT NULL AND t.row_hash IS DISTINCT FROM c.row_hash
                AND EXISTS (SELECT 1 FROM kept k WHERE {on("k", "t")}
                    AND k.row_hash = t.row_hash) AS restorable
        FROM (
            SELECT {keys}, {v.hash_sql("s")} AS row_hash, import_id
            FROM {v.table} s SEMI JOIN undo_keys USING ({keys})
        ) c
        FULL JOIN target t USING ({keys})
    """)
    removed, restored, kept = con.execute(
        "SELECT count(*) FILTER (old_hash IS NOT NULL AND (new_hash IS NULL OR restorable)), "
        "count(*) FILTER (restorable), "
        "count(*) FILTER (old_hash IS NOT NULL AND new_hash IS NOT NULL AND NOT restorable) "
        "FROM change"
    ).fetchall()[0]
    cols = ", ".join(v.columns)
    # Summary rows to rebuild: those of the versions that go and of those that come back
    # (a key that only changes import_id changes no summary).
    if v.summary_keys:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE touched AS
            SELECT DISTINCT {", ".join("s." + c for c in v.summary_keys)}
            FROM {v.table} s JOIN change ch ON {on("s", "ch")}
            WHERE ch.new_hash IS NULL OR ch.restorable
            UNION
            SELECT DISTINCT {", ".join("k." + c for c in v.summary_keys)}
            FROM kept k JOIN change ch ON {on("k", "ch")}
                AND k.row_hash = ch.new_hash
            WHERE ch.restorable
        """)
    # A stored version that gives way but is still held by a standing import is kept.
    con.execute(
        f"""
        INSERT INTO {v.archive} (replaced_by, {cols})
        SELECT $id, {", ".join("s." + c for c in v.columns)}
        FROM {v.table} s JOIN change ch ON {on("s", "ch")}
        WHERE ch.restorable
            AND EXISTS (SELECT 1 FROM {v.members} m WHERE {on("m", "ch")}
                AND m.row_hash = ch.old_hash)
            AND NOT EXISTS (SELECT 1 FROM kept k WHERE {on("k", "ch")}
                AND k.row_hash = ch.old_hash)
        """,
        params,
    )
    con.execute(
        f"DELETE FROM {v.table} s USING change ch WHERE {on('s', 'ch')} "
        "AND (ch.new_hash IS NULL OR ch.restorable)"
    )
    values = ", ".join("ch.new_id" if c == "import_id" else "k." + c for c in v.columns)
    con.execute(f"""
        INSERT INTO {v.table} ({cols})
        SELECT {values} FROM kept k JOIN change ch ON {on("k", "ch")}
            AND k.row_hash = ch.new_hash
        WHERE ch.restorable
    """)
    con.execute(
        f"UPDATE {v.table} s SET import_id = ch.new_id FROM change ch WHERE {on('s', 'ch')} "
        "AND ch.new_hash = ch.old_hash AND ch.new_id IS DISTINCT FROM ch.old_id"
    )
    # Trim the archive: keep what a standing import holds and is not the stored version.
    con.execute(f"""
        DELETE FROM {v.archive} WHERE rowid IN (
            SELECT a.rowid FROM {v.archive} a SEMI JOIN undo_keys USING ({keys})
            WHERE NOT EXISTS (SELECT 1 FROM {v.members} m WHERE {on("m", "a")}
                    AND m.row_hash = {v.hash_sql("a")})
                OR EXISTS (SELECT 1 FROM {v.table} s WHERE {on("s", "a")}
                    AND {v.hash_sql("s")} = {v.hash_sql("a")})
        )
    """)
    return removed, restored, kept


# One step of the line replay, for standing import $j: its own line sets (an item report's
# lines without a named shop take the shop of the orders stored before it, else the default
# shop), then the lines its orders adopt (as ``orders._ADOPT_SQL`` does on import).
_LINE_STEP_SQL = """
CREATE OR REPLACE TEMP TABLE step AS
SELECT m.platform,
    CASE WHEN m.shop_given THEN m.shop ELSE coalesce(
        (SELECT min(k.shop) FROM held_keys k WHERE k.platform = m.platform
            AND k.order_id = m.order_id AND k.import_id < $j),
        $default_shop) END AS shop,
    m.order_id, m.set_hash
FROM held_lines m WHERE m.import_id = $j
QUALIFY row_number() OVER (PARTITION BY m.platform, shop, m.order_id) = 1;
DELETE FROM sim s USING step t
WHERE s.platform = t.platform AND s.shop = t.shop AND s.order_id = t.order_id
    AND s.set_hash <> t.set_hash;
INSERT INTO sim
SELECT t.platform, t.shop, t.order_id, t.set_hash, $j FROM step t
ANTI JOIN sim s USING (platform, shop, order_id);
CREATE OR REPLACE TEMP TABLE moving AS
SELECT s.platform, s.shop, s.order_id, n.shop AS new_shop
FROM sim s
JOIN held_keys n ON n.import_id = $j AND n.platform = s.platform AND n.order_id = s.order_id
    AND n.shop <> s.shop
WHERE NOT EXISTS (SELECT 1 FROM held_keys k WHERE k.import_id <= $j
        AND k.platform = s.platform AND k.shop = s.shop AND k.order_id = s.order_id)
    AND NOT EXISTS (SELECT 1 FROM sim x
        WHERE x.platform = n.platform AND x.shop = n.shop AND x.order_id = n.order_id)
QUALIFY count(*) OVER (PARTITION BY s.platform, s.shop, s.order_id) = 1
    AND min(s.shop) OVER (PARTITION BY n.platform, n.shop, n.order_id)
        = max(s.shop) OVER (PARTITION BY n.platform, n.shop, n.order_id);
UPDATE sim SET shop = m.new_shop FROM moving m
WHERE sim.platform = m.platform AND sim.shop = m.shop AND sim.order_id = m.order_id
"""

# Every line set stored or kept for the affected order ids, one copy per (id, hash).
_LINE_POOL_SQL = f"""
CREATE OR REPLACE TEMP TABLE line_pool AS
SELECT * FROM (
    SELECT platform, order_id, grp, {", ".join(_LINE_COLUMNS)},
        bit_xor(line_hash) OVER (PARTITION BY grp, platform, order_id) AS set_hash
    FROM (
        SELECT *, 'stored/' || shop AS grp, {line_hash()} AS line_hash
        FROM order_items SEMI JOIN undo_ids USING (platform, order_id)
        UNION ALL BY NAME
        SELECT * EXCLUDE (replaced_by), 'kept/' || replaced_by || '/' || shop AS grp,
            {line_hash()} AS line_hash
        FROM order_items_replaced SEMI JOIN undo_ids USING (platform, order_id)
    )
)
QUALIFY grp = min(grp) OVER (PARTITION BY platform, order_id, set_hash)
"""

_LINE_GROUPS = f"""
SELECT platform, shop, order_id, bit_xor({line_hash()}) AS set_hash, any_value(import_id)
    AS import_id, count(*) AS lines
FROM {{table}} SEMI JOIN undo_ids USING (platform, order_id)
GROUP BY platform, shop, order_id
"""


def _undo_lines(con, import_id: int, default_shop: str) -> tuple[int, int]:
    """Replay the order lines of TEMP ``undo_ids`` over the standing imports (membership of
    ``import_id`` already gone for orders). Returns (lines removed, lines restored)."""
    params = {"id": import_id}
    # Only order ids that have or had lines.
    con.execute("""
        DELETE FROM undo_ids u WHERE NOT EXISTS (SELECT 1 FROM import_item_keys m
                WHERE m.platform = u.platform AND m.order_id = u.order_id)
            AND NOT EXISTS (SELECT 1 FROM order_items i
                WHERE i.platform = u.platform AND i.order_id = u.order_id)
    """)
    con.execute("DELETE FROM import_item_keys WHERE import_id = $id", params)
    if not con.execute("SELECT count(*) FROM undo_ids").fetchall()[0][0]:
        return 0, 0
    con.execute(
        "CREATE OR REPLACE TEMP TABLE held_keys AS "
        "SELECT * FROM import_keys SEMI JOIN undo_ids USING (platform, order_id)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE held_lines AS "
        "SELECT * FROM import_item_keys SEMI JOIN undo_ids USING (platform, order_id)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sim (platform VARCHAR, shop VARCHAR, order_id VARCHAR, "
        "set_hash UBIGINT, import_id INTEGER)"
    )
    steps = con.execute(
        "SELECT import_id FROM held_lines UNION SELECT import_id FROM held_keys ORDER BY 1"
    ).fetchall()
    for (step,) in steps:
        for statement in _LINE_STEP_SQL.split(";\n"):
            used = {"j": step, "default_shop": default_shop}
            con.execute(statement, {k: x for k, x in used.items() if f"${k}" in statement})
    con.execute(_LINE_POOL_SQL)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lines_before AS " + _LINE_GROUPS.format(table="order_items")
    )
    # Rewrite the orders whose lines differ (set, shop or import_id) from the replay.
    con.execute("""
        DELETE FROM order_items i USING lines_before b
        WHERE i.platform = b.platform AND i.shop = b.shop AND i.order_id = b.order_id
            AND NOT EXISTS (SELECT 1 FROM sim s WHERE s.platform = b.platform
                AND s.shop = b.shop AND s.order_id = b.order_id AND s.set_hash = b.set_hash
                AND s.import_id = b.import_id)
    """)
    line_cols = ", ".join(_LINE_COLUMNS)
    con.execute(f"""
        INSERT INTO order_items (platform, shop, order_id, {line_cols}, import_id)
        SELECT s.platform, s.shop, s.order_id, {", ".join("p." + c for c in _LINE_COLUMNS)},
            s.import_id
        FROM sim s JOIN line_pool p ON p.platform = s.platform AND p.order_id = s.order_id
            AND p.set_hash = s.set_hash
        WHERE NOT EXISTS (SELECT 1 FROM lines_before b WHERE s.platform = b.platform
            AND s.shop = b.shop AND s.order_id = b.order_id AND s.set_hash = b.set_hash
            AND s.import_id = b.import_id)
    """)
    removed, restored = con.execute(
        f"""
        WITH after AS ({_LINE_GROUPS.format(table="order_items")})
        SELECT
            (SELECT coalesce(sum(lines), 0) FROM lines_before b ANTI JOIN after a
                USING (platform, shop, order_id, set_hash)),
            (SELECT coalesce(sum(lines), 0) FROM after a ANTI JOIN lines_before b
                USING (platform, shop, order_id, set_hash))
        """
    ).fetchall()[0]
    # Keep, once, each set a standing import holds that is not stored; drop the rest.
    con.execute(
        f"""
        INSERT INTO order_items_replaced (replaced_by, platform, shop, order_id, {line_cols},
            import_id)
        SELECT $id, b.platform, b.shop, b.order_id, {", ".join("p." + c for c in _LINE_COLUMNS)},
            b.import_id
        FROM lines_before b JOIN line_pool p ON p.platform = b.platform
            AND p.order_id = b.order_id AND p.set_hash = b.set_hash AND p.grp = 'stored/' || b.shop
        WHERE EXISTS (SELECT 1 FROM held_lines m WHERE m.platform = b.platform
                AND m.order_id = b.order_id AND m.set_hash = b.set_hash)
            AND NOT EXISTS (SELECT 1 FROM sim s WHERE s.platform = b.platform
                AND s.order_id = b.order_id AND s.set_hash = b.set_hash)
            AND NOT EXISTS (SELECT 1 FROM line_pool k WHERE k.platform = b.platform
                AND k.order_id = b.order_id AND k.set_hash = b.set_hash
                AND k.grp LIKE 'kept/%')
        """,
        params,
    )
    con.execute(f"""
        DELETE FROM order_items_replaced WHERE rowid IN (
            SELECT rowid FROM (
                SELECT rowid, platform, order_id, bit_xor({line_hash()})
                    OVER (PARTITION BY replaced_by, platform, shop, order_id) AS set_hash
                FROM order_items_replaced SEMI JOIN undo_ids USING (platform, order_id)
            ) a
            WHERE NOT EXISTS (SELECT 1 FROM held_lines m WHERE m.platform = a.platform
                    AND m.order_id = a.order_id AND m.set_hash = a.set_hash)
                OR EXISTS (SELECT 1 FROM sim s WHERE s.platform = a.platform
                    AND s.order_id = a.order_id AND s.set_hash = a.set_hash)
        )
    """)
    return int(removed), int(restored)
