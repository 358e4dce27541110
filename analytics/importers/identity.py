"""Whether an export's buyer keys tell buyers apart, measured per file.

Shops download exports whose buyer key carries no identity: since August 2021 the 抖店
back-end writes 收件人 and 收件人手机号 as ciphertext (``##…``, ``$$…``, ``$…$1$``), so every
buyer of a file shares one key; 淘宝/京东 mask buyer accounts (``t**1``); a back-end may fill
one placeholder for every buyer. Folding those orders into one customer makes every
customer figure wrong without a word. ``assess`` classifies each incoming order's key:

* ``cipher``: the key holds ciphertext markers;
* ``masked``: the key is masked down to fewer than ``MIN_VISIBLE_CHARS`` visible characters
  (or is only punctuation: a placeholder);
* ``shared``: one key covers at least ``SHARED_KEY_SHARE`` of a file of at least
  ``SHARED_KEY_MIN_ORDERS`` orders.

Those orders are imported without a known buyer (customer_id NULL): they count in sales,
products and promotions, and in no customer figure or list. An order already stored with a
usable buyer (e.g. one an order->buyer mapping file assigned, ``buyermap.py``) keeps it.

A key that is the consignee name alone (拼多多/抖店 with the phone column blank) is weak but
kept: the import warns with the measured risk (how many of those names appear with more
than one province/city, i.e. are surely several people).
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.i18n import t
from analytics.store import shop_filter

#: Markers of ciphertext written in place of a value: 抖店 exports ``##…##`` / ``$$…$$``
#: (and the word 密文 in its samples), 有赞/抖店 open-platform ciphertext is ``$base64$1$``
#: (phone) or ``#base64#1#`` / ``~base64~1~`` (name, address).
CIPHER_PATTERN = (
    r"密文|##|\$\$|\$[A-Za-z0-9+/=]{8,}\$\d+\$|#[A-Za-z0-9+/=]{8,}#\d+#|~[A-Za-z0-9+/=]{8,}~\d+~"
)
#: A masked key keeps fewer than this many characters besides ``*``, blanks and separators:
#: masked nicknames keep the first and last character (``t**1``: 2), 京东's 2021 phone
#: masking keeps three digits and one (``186****1``: 4); neither tells a few hundred buyers
#: apart. A consignee name with the old ``138****5678`` phone masking keeps 7 or more and
#: is the weak-but-usable key the platform notes describe.
MIN_VISIBLE_CHARS = 5
#: One key on at least this share of a file's orders is a placeholder, not a buyer: in a
#: retail export of 100+ orders no real buyer places a fifth of them (a file of 325 buyers
#: has its biggest buyer near 1%), while a back-end's shared placeholder covers them all.
SHARED_KEY_SHARE = 0.2
#: ... and only in files of at least this many orders (in a small file one loyal buyer can).
SHARED_KEY_MIN_ORDERS = 100

_VISIBLE = r"regexp_replace({x}, '[*＊\s/\-_.·|]', '', 'g')"
_STARRED = "(contains({x}, '*') OR contains({x}, '＊'))"

#: SQL: why key ``{x}`` tells no buyer apart ('cipher' / 'masked'), NULL when it may. The
#: regular expressions only run on keys holding a marker character (most keys hold none).
_KEY_REASON = (
    "CASE WHEN (contains({x}, '#') OR contains({x}, '$') OR contains({x}, '~') "
    "OR contains({x}, '密文')) AND regexp_matches({x}, $cipher) THEN 'cipher' "
    f"WHEN {_STARRED} AND length({_VISIBLE}) < $min_visible THEN 'masked' "
    f"WHEN length({{x}}) <= 4 AND length({_VISIBLE}) = 0 THEN 'masked' END"
)

# One row per buyer key of the file (keys are few next to orders: the rules run per key).
# A name-only key (``name_only``, for formats deriving the key from consignee name + phone)
# is the consignee name, alone or with a phone part holding no digit.
_KEYS_SQL = f"""
CREATE OR REPLACE TEMP TABLE identity_keys AS
SELECT customer_id, count(*) AS orders, {_KEY_REASON.format(x="customer_id")} AS reason,
    {{name_only}} AS name_only, {{places}} AS places
FROM incoming
GROUP BY customer_id
"""
_NAME_ONLY = (
    "NOT regexp_matches(customer_id, '[0-9]') AND (customer_id = any_value(customer_name) "
    "OR starts_with(customer_id, any_value(customer_name) || '/'))"
)

_SHARED_SQL = """
UPDATE identity_keys SET reason = 'shared'
WHERE reason IS NULL AND orders >= $share * (SELECT sum(orders) FROM identity_keys)
"""

_UNKNOWN_SQL = """
UPDATE incoming n SET customer_id = NULL
FROM identity_keys k WHERE k.customer_id = n.customer_id AND k.reason IS NOT NULL
"""

# An order the store already holds with a usable buyer keeps that buyer.
_KEEP_SQL = f"""
UPDATE incoming n SET customer_id = o.customer_id
FROM orders o
WHERE n.customer_id IS NULL
    AND o.platform = n.platform AND o.shop = n.shop AND o.order_id = n.order_id
    AND o.customer_id IS NOT NULL AND ({_KEY_REASON.format(x="o.customer_id")}) IS NULL
"""

_COUNTS_SQL = """
SELECT coalesce(sum(orders), 0),
    coalesce(sum(orders) FILTER (reason = 'cipher'), 0),
    coalesce(sum(orders) FILTER (reason = 'masked'), 0),
    coalesce(sum(orders) FILTER (reason = 'shared'), 0),
    coalesce(sum(orders) FILTER (reason IS NULL AND name_only), 0),
    count(*) FILTER (reason IS NULL AND name_only),
    count(*) FILTER (reason IS NULL AND name_only AND places > 1)
FROM identity_keys
"""

_SHARE_SQL = f"""
SELECT count(*), count(*) FILTER (customer_id IS NULL) FROM orders WHERE {shop_filter()}
"""


@dataclass(frozen=True)
class IdentityReport:
    """How an import's buyer keys were judged (counts of orders of the file).

    ``unknown`` orders were stored without a known buyer: ``cipher`` + ``masked`` +
    ``shared`` of them, less ``kept`` (already stored with a usable buyer). ``name_only``
    orders (``name_only_keys`` keys) are identified by the consignee name alone;
    ``name_only_spread`` of those keys appear with more than one province/city.
    """

    orders: int = 0
    unknown: int = 0
    cipher: int = 0
    masked: int = 0
    shared: int = 0
    kept: int = 0
    name_only: int = 0
    name_only_keys: int = 0
    name_only_spread: int = 0

    @property
    def unknown_share(self) -> float:
        return self.unknown / self.orders if self.orders else 0.0

    @property
    def weak(self) -> bool:
        return self.name_only > 0

    def notices(self, lang: str | None = None) -> list[str]:
        """What the user must be told: the unknown-buyer notice, the weak-key warning."""
        out = []
        if self.unknown:
            why = [
                t(f"identity.why.{code}", lang, n=f"{n:,}")
                for code, n in (
                    ("cipher", self.cipher),
                    ("masked", self.masked),
                    ("shared", self.shared),
                )
                if n
            ]
            out.append(
                t(
                    "identity.unknown",
                    lang,
                    unknown=f"{self.unknown:,}",
                    orders=f"{self.orders:,}",
                    share=f"{self.unknown_share:.1%}",
                    why="; ".join(why),
                )
            )
        if self.weak:
            out.append(
                t(
                    "identity.weak",
                    lang,
                    n=f"{self.name_only:,}",
                    orders=f"{self.orders:,}",
                    keys=f"{self.name_only_keys:,}",
                    spread=f"{self.name_only_spread:,}",
                    share=f"{self.name_only_spread / self.name_only_keys:.1%}",
                )
            )
        return out


def assess(con, *, name_only_possible: bool) -> IdentityReport:
    """Judge the buyer keys of TEMP table ``incoming`` (one row per order of the file) and
    set customer_id to NULL where the key tells no buyer apart (see module docstring).

    ``name_only_possible``: the format may build the key from the consignee name and phone
    (a derived key), so a key without phone digits is the name alone.
    """
    params = {"cipher": CIPHER_PATTERN, "min_visible": MIN_VISIBLE_CHARS}
    con.execute(
        _KEYS_SQL.format(
            name_only=_NAME_ONLY if name_only_possible else "false",
            places="count(DISTINCT (province, city))" if name_only_possible else "0",
        ),
        params,
    )
    orders = con.execute("SELECT coalesce(sum(orders), 0) FROM identity_keys").fetchall()[0][0]
    if orders >= SHARED_KEY_MIN_ORDERS:
        con.execute(_SHARED_SQL, {"share": SHARED_KEY_SHARE})
    orders, cipher, masked, shared, name_only, keys, spread = con.execute(_COUNTS_SQL).fetchall()[0]
    unknown = 0
    if cipher or masked or shared:
        con.execute(_UNKNOWN_SQL)
        con.execute(_KEEP_SQL, params)
        unknown = con.execute("SELECT count(*) FROM incoming WHERE customer_id IS NULL").fetchall()[
            0
        ][0]
    con.execute("DROP TABLE identity_keys")
    return IdentityReport(
        orders=orders,
        unknown=unknown,
        cipher=cipher,
        masked=masked,
        shared=shared,
        kept=cipher + masked + shared - unknown,
        name_only=name_only,
        name_only_keys=keys,
        name_only_spread=spread,
    )


@dataclass(frozen=True)
class UnknownBuyers:
    """Stored orders without a known buyer (of ``orders``)."""

    orders: int
    unknown: int

    @property
    def share(self) -> float:
        return self.unknown / self.orders if self.orders else 0.0

    def notice(self, lang: str | None = None) -> str:
        """The Overview's notice ("" when every order has a known buyer)."""
        if not self.unknown:
            return ""
        return t(
            "identity.overview",
            lang,
            unknown=f"{self.unknown:,}",
            orders=f"{self.orders:,}",
            share=f"{self.share:.1%}",
        )


def unknown_buyers(con, *, shop: str | None = None) -> UnknownBuyers:
    """How many stored orders (of shop ``platform/shop``, None: all) have no known buyer."""
    orders, unknown = con.execute(_SHARE_SQL, {"shop": shop}).fetchall()[0]
    return UnknownBuyers(orders, unknown)
