"""Order -> buyer mapping files: recover the buyers an export could not tell apart.

When an export's buyer key carries no identity (``identity.py``), its orders are stored
without a buyer. A shop can get the buyer of each order elsewhere: its 会员/CRM tool, its
ERP (旺店通, 聚水潭 … key orders by 原始单号/线上订单号) or a decrypting print tool. Such a
file has an order id column (订单号 / 订单编号 …) and a buyer column (买家ID / 会员ID /
客户ID … or a decrypted 手机号), and no amounts or order times: ``detect`` tells it from
an order export by that.

Importing it goes through ``import_orders`` like any export (one transaction, bad rows
reported by line, the import log): each stored order whose id is in the file gets that
buyer (a phone becomes the pseudonymous id ``tel:`` + a hash of its digits: SPEC keeps
phones out of buyer ids), the customer summary is rebuilt for the buyers involved, and the
data version bumped. Ids that match no stored order are counted (import the export first).
``order_buyers`` keeps each order's previous buyer, so ``undo`` puts it back.
"""

from __future__ import annotations

from analytics import customers
from analytics.errors import ImportRefused
from analytics.importers.formats import Format
from analytics.importers.identity import _KEY_REASON, CIPHER_PATTERN, MIN_VISIBLE_CHARS

PLATFORM = "buyers"

#: Digits a phone must keep (unmasked) to stand for a buyer.
MIN_PHONE_DIGITS = 7

FORMAT = Format(
    platform=PLATFORM,
    label="订单→买家对照表 order→buyer mapping",
    kind="buyers",
    columns={
        "order_id": (
            "订单号",
            "订单编号",
            "主订单编号",
            "平台订单号",
            "原始单号",
            "线上订单号",
            "外部订单号",
            "订单ID",
            "订单id",
            "order_id",
            "order id",
            "Order ID",
        ),
        "customer_id": (
            "买家ID",
            "买家id",
            "会员ID",
            "会员id",
            "会员编号",
            "会员卡号",
            "客户ID",
            "客户id",
            "客户编号",
            "买家账号",
            "买家会员名",
            "买家昵称",
            "下单账号",
            "下单帐号",
            "buyer_id",
            "customer_id",
            "Customer ID",
        ),
        "phone": (
            "手机号",
            "手机号码",
            "手机",
            "收件人手机号",
            "收货人手机",
            "会员手机号",
            "phone",
        ),
        "shop": ("店铺名称", "店铺", "shop"),
    },
    note="detect.note.buyers",
)
# FORMAT.signature (an order id column and a buyer or phone column) and FORMAT.excludes (every
# order export's amount and order-time columns) are completed in ``detect``, which knows them.

_PARSE_SQL = f"""
CREATE OR REPLACE TEMP TABLE parsed AS
WITH s AS (
    SELECT row_no, {{id_order}} AS order_id, {{id_buyer}} AS buyer_raw,
        {{id_phone}} AS phone, nullif(trim(coalesce(shop, '')), '') AS shop
    FROM stage
    WHERE coalesce(order_id, '') || coalesce(customer_id, '') || coalesce(phone, '') <> ''
)
SELECT *,
    CASE WHEN buyer_raw IS NOT NULL THEN buyer_raw
         WHEN length(regexp_replace(phone, '[^0-9]', '', 'g')) >= $min_digits
            AND NOT regexp_matches(phone, '[*＊]')
         THEN 'tel:' || left(sha256(regexp_replace(phone, '[^0-9]', '', 'g')), 16)
    END AS customer_id,
    CASE WHEN buyer_raw IS NOT NULL THEN {_KEY_REASON.format(x="buyer_raw")}
         WHEN phone IS NOT NULL THEN {_KEY_REASON.format(x="phone")} END AS unusable
FROM s
"""

_PROBLEMS_SQL = """
CREATE OR REPLACE TEMP TABLE problems AS
SELECT row_no, row_no AS order_row, field, value, code FROM (
    SELECT row_no, 'order_id' AS field, '' AS value, 'missing_order_id' AS code
        FROM parsed WHERE order_id IS NULL
    UNION ALL SELECT row_no, CASE WHEN buyer_raw IS NULL THEN 'phone' ELSE 'customer_id' END,
            coalesce(buyer_raw, phone, ''),
            CASE WHEN unusable IS NOT NULL THEN 'unusable_buyer' ELSE 'missing_buyer' END
        FROM parsed WHERE customer_id IS NULL OR unusable IS NOT NULL
)
"""

# One buyer per (order id, shop): the file's last row wins. Then every stored order it names
# (any platform; the file's or --shop's shop when given).
_ASSIGN_SQL = """
CREATE OR REPLACE TEMP TABLE assign AS
WITH m AS (
    SELECT order_id, coalesce($shop_override, shop) AS shop, customer_id
    FROM parsed p ANTI JOIN problems q ON q.row_no = p.row_no
    QUALIFY row_number() OVER (
        PARTITION BY order_id, coalesce($shop_override, shop) ORDER BY row_no DESC) = 1
)
SELECT o.platform, o.shop, o.order_id, m.customer_id, o.customer_id AS previous_customer_id,
    m.order_id AS file_order_id, m.shop AS file_shop
FROM m JOIN orders o ON o.order_id = m.order_id AND (m.shop IS NULL OR o.shop = m.shop)
"""

_WRITE_SQL = """
INSERT INTO order_buyers
SELECT $import_id, platform, shop, order_id, customer_id, previous_customer_id
FROM assign WHERE customer_id IS DISTINCT FROM previous_customer_id;
UPDATE orders o SET customer_id = a.customer_id
FROM assign a
WHERE a.customer_id IS DISTINCT FROM a.previous_customer_id
    AND o.platform = a.platform AND o.shop = a.shop AND o.order_id = a.order_id;
CREATE OR REPLACE TEMP TABLE touched AS
SELECT DISTINCT platform, shop, customer_id FROM assign
WHERE customer_id IS DISTINCT FROM previous_customer_id
UNION
SELECT platform, shop, previous_customer_id FROM assign
WHERE customer_id IS DISTINCT FROM previous_customer_id AND previous_customer_id IS NOT NULL
"""

# Undo: an order still holding the buyer this import gave it gets its previous buyer back
# (also in versions a later import set aside, which its own undo would restore); a later
# mapping of the same order now replaces what this one replaced.
_UNDO_SQL = """
CREATE OR REPLACE TEMP TABLE touched AS
SELECT DISTINCT platform, shop, customer_id FROM order_buyers WHERE import_id = $id
UNION
SELECT platform, shop, previous_customer_id FROM order_buyers
WHERE import_id = $id AND previous_customer_id IS NOT NULL;
UPDATE orders o SET customer_id = b.previous_customer_id
FROM order_buyers b
WHERE b.import_id = $id AND o.platform = b.platform AND o.shop = b.shop
    AND o.order_id = b.order_id AND o.customer_id = b.customer_id;
UPDATE orders_replaced r SET customer_id = b.previous_customer_id
FROM order_buyers b
WHERE b.import_id = $id AND r.replaced_by > $id AND r.platform = b.platform
    AND r.shop = b.shop AND r.order_id = b.order_id AND r.customer_id = b.customer_id;
UPDATE order_buyers l SET previous_customer_id = b.previous_customer_id
FROM order_buyers b
WHERE b.import_id = $id AND l.import_id > $id AND l.platform = b.platform
    AND l.shop = b.shop AND l.order_id = b.order_id
    AND l.previous_customer_id IS NOT DISTINCT FROM b.customer_id;
DELETE FROM order_buyers WHERE import_id = $id
"""


def import_buyer_map(con, source, detection, import_id: int, shop: str | None, run_script):
    """Assign the buyers of a staged mapping file (TEMP view ``stage``) to stored orders.

    Runs inside ``import_orders``' transaction; returns (checked, counts, not_found) where
    ``checked`` is what ``checked_problems`` returned, ``counts`` the orders (0, assigned,
    already holding that buyer) and ``not_found`` the file's order ids matching no order.
    """
    from analytics.importers.orders import _ID, checked_problems

    mapping = detection.mapping
    if "customer_id" not in mapping and "phone" not in mapping:
        raise ImportRefused(source.name, "buyer_map_columns", columns=", ".join(source.header))
    con.execute(
        _PARSE_SQL.format(
            id_order=_ID.format(x="order_id"),
            id_buyer=_ID.format(x="customer_id"),
            id_phone=_ID.format(x="phone"),
        ),
        {
            "cipher": CIPHER_PATTERN,
            "min_visible": MIN_VISIBLE_CHARS,
            "min_digits": MIN_PHONE_DIGITS,
        },
    )
    con.execute("DROP VIEW stage")
    con.execute(_PROBLEMS_SQL)
    checked = checked_problems(con, source, mapping)
    con.execute(_ASSIGN_SQL, {"shop_override": shop})
    assigned, unchanged = con.execute(
        "SELECT count(*) FILTER (customer_id IS DISTINCT FROM previous_customer_id), "
        "count(*) FILTER (customer_id IS NOT DISTINCT FROM previous_customer_id) FROM assign"
    ).fetchall()[0]
    not_found = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT order_id, coalesce($shop_override, shop) AS shop "
        "FROM parsed p ANTI JOIN problems q ON q.row_no = p.row_no) m "
        "WHERE NOT EXISTS (SELECT 1 FROM assign a WHERE a.file_order_id = m.order_id "
        "AND a.file_shop IS NOT DISTINCT FROM m.shop)",
        {"shop_override": shop},
    ).fetchall()[0][0]
    if assigned:
        run_script(con, _WRITE_SQL, {"import_id": import_id})
        customers.refresh(con, touched="touched")
    for temp in ("assign", "touched", "parsed", "problems"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    return checked, (0, assigned, unchanged), not_found


def undo_buyer_map(con, import_id: int, run_script) -> int:
    """Put back the buyers import ``import_id`` replaced (in the caller's transaction);
    returns how many orders got their previous buyer back."""
    before = con.execute(
        "SELECT count(*) FROM orders o JOIN order_buyers b ON b.import_id = ? "
        "AND o.platform = b.platform AND o.shop = b.shop AND o.order_id = b.order_id "
        "AND o.customer_id = b.customer_id",
        [import_id],
    ).fetchall()[0][0]
    run_script(con, _UNDO_SQL, {"id": import_id})
    customers.refresh(con, touched="touched")
    con.execute("DROP TABLE touched")
    return before
