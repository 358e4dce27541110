"""Campaign target lists, holdout groups and campaign results (SPEC "Target lists"; seeds
000, 001, 003).

A target list is built in four steps by :func:`build_list`:

1. **Source** (``ListSpec.kind`` + ``value``): who could receive the campaign. Sources
   computed elsewhere: ``rfm`` (segment of ``analytics.rfm.rfm_scores``), ``stage``
   (``analytics.lifecycle.customer_stages``), ``tier`` (``analytics.tiers.customer_tiers``),
   ``age_band`` (``analytics.demographics.customer_age_bands``), ``reminders`` (due within
   N days, ``analytics.repurchase.reminders``), ``churn_risk`` (overdue by a factor,
   ``analytics.repurchase.churn_risk``). Sources of this module: ``all`` (every buyer with a
   valid order up to as_of), ``province``, ``birthday_month`` (birthday in as_of's month),
   ``birthday_within`` (next birthday within N days of as_of, both ends included; 29 Feb
   counts as 28 Feb in other years), ``unpaid`` (催付, seed 003: an order still 'unpaid'
   placed in the N calendar days ending on as_of, with no later valid order of the buyer).
   Action sources of ``analytics.actions`` (issue 15; each member brings its own reason,
   offer and send date, and the list keeps the source's order): ``churn`` (ranked by risk
   × value, N contacts, 0 = what the budget pays for), ``upgrade`` (within N % of the next
   tier), ``anniversary`` (first-purchase anniversary within N days), ``event`` (618,
   double11, double12, nianhuo run-up), ``holiday`` (holiday within N days),
   ``new_arrival`` (a category), ``cross_sell`` ("A,B": bought A, not yet B), ``upsell``
   ("category[,price]"). ``reminders`` include manual cycles (``analytics.manual_cycles``).
2. **Filters**, all over valid orders up to as_of: total spend (net of refunds) between
   min/max, number of valid orders between min/max, last purchase date between two dates,
   bought a product whose title (order 宝贝标题 or order line title) contains a text,
   average order value below/above the shop's (``aov``), profile ``gender`` (equal) and
   ``tag`` (contained in the profile's tags).
3. **Exclusions**, applied in this order; each counts the customers it removed among
   those still in the list after the previous ones (so the counts add up):
   ``paid_recently`` (seed 000, cart marketing: an order paid, i.e. status paid / shipped
   / completed / refunded, by its paid time or else order time in the N calendar days
   ending on as_of; default 15), ``contacted_recently`` (seed 003, small and targeted, not
   mass: a member, treatment *or* control, of any campaign created on or after the start
   of the N calendar days ending on as_of, including campaigns logged after as_of; control
   members count so that the earlier campaign's holdout stays uncontacted; default 7),
   ``refunded`` (any order with a refund or status 'refunded'), ``bad_review``
   (``customer_profiles.bad_review``, matched on customer_id). Each is switchable.
4. **Holdout**: a customer is in the control group when
   ``md5("holdout|seed|platform|shop|customer_id")`` read as a number in [0, 1) is below
   ``holdout_pct / 100`` (the ``holdout|`` salt keeps the draw independent of other md5
   draws on the same key, such as the age-band imputation). The group of a customer
   depends only on the seed and the customer, never on who else is in the list, so lists
   built again or grown keep their groups. The control share is therefore the percentage
   up to sampling noise (standard deviation sqrt(p(1 - p) / n)), not exactly rounded: no
   assignment can be both exact for every list and independent of the list (with 50 %,
   {a, b}, {a, c} and {b, c} would each need exactly one control).

:func:`log_campaign` records a list (treatment and control) as a campaign, and
:func:`campaign_results` compares the two groups' later orders.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import math
import string
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import NormalDist

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.errors import InputError
from analytics.export import EXPORT_FIELDS, FIGURE_FIELDS
from analytics.frames import summary_is_current
from analytics.i18n import catalogs, language, t
from analytics.store import SHOP_FILTER, bump_data_version, shop_filter, transaction

#: RFM segment ids (analytics.rfm).
RFM_SEGMENTS = (
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
)
#: Lifecycle stage ids (analytics.lifecycle, SPEC glossary).
STAGES = ("active", "silent", "sleeping", "at_risk", "lost")
#: Every list source, in the order the page offers them.
SOURCE_KINDS = (
    "all",
    "rfm",
    "stage",
    "tier",
    "age_band",
    "province",
    "reminders",
    "churn_risk",
    "birthday_month",
    "birthday_within",
    "unpaid",
    "churn",
    "upgrade",
    "anniversary",
    "event",
    "holiday",
    "new_arrival",
    "cross_sell",
    "upsell",
)
#: Sources whose value is a name; sources whose value is a number of days (default);
#: sources whose value is a factor (default); sources without a value.
TEXT_KINDS = (
    "rfm",
    "stage",
    "tier",
    "age_band",
    "province",
    "event",
    "new_arrival",
    "cross_sell",
    "upsell",
)
DAY_KINDS = {"reminders": 7, "birthday_within": 7, "unpaid": 3, "anniversary": 7, "holiday": 14}
FACTOR_KINDS = {"churn_risk": 1.5}
#: Sources whose value is a number of customers (0: what the budget pays for) or a percent.
COUNT_KINDS = {"churn": 0}
PCT_KINDS = {"upgrade": 20.0}
#: Sources of ``analytics.actions`` (``<kind>_source``), which give each member's reason,
#: offer and send date themselves (issue 15).
ACTION_KINDS = (
    "churn",
    "upgrade",
    "anniversary",
    "event",
    "holiday",
    "new_arrival",
    "cross_sell",
    "upsell",
)
#: Shopping festivals of the ``event`` source (``analytics.actions.EVENTS``).
EVENTS = ("618", "double11", "double12", "nianhuo")
#: Values of ``aov`` (average order value against the shop's, over valid orders to as_of).
AOV_FILTERS = ("below", "above")
NO_VALUE_KINDS = ("all", "birthday_month")
#: Exclusions in the order they are applied.
EXCLUSIONS = ("paid_recently", "contacted_recently", "refunded", "bad_review")
#: Modules providing the sources computed elsewhere.
SOURCE_MODULES = {
    "rfm": "analytics.rfm",
    "stage": "analytics.lifecycle",
    "tier": "analytics.tiers",
    "age_band": "analytics.demographics",
    "reminders": "analytics.repurchase",
    "churn_risk": "analytics.repurchase",
    **{kind: "analytics.actions" for kind in ACTION_KINDS},
}
#: Columns of ``TargetList.members``: the key, the exported fields, the group, the figures.
MEMBER_COLUMNS = ("platform", "shop", *EXPORT_FIELDS, "grp", *FIGURE_FIELDS)
#: Two-sided 95 % normal quantile (1.96).
Z95 = NormalDist().inv_cdf(0.975)
_KEY = ["platform", "shop", "customer_id"]
_SETTINGS_NAME = "campaigns"


# ----------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class CampaignSettings:
    """Stored defaults of the list builder (``settings`` name ``campaigns``), SPEC values."""

    paid_days: int = 15
    contacted_days: int = 7
    exclude_refunded: bool = True
    exclude_bad_review: bool = True
    #: 10% kept uncontacted by default, so every campaign's effect can be measured (seed
    #: 003 judges every campaign by its response); 0 switches the control group off.
    holdout_pct: float = 10.0
    seed: int = 42


def load_settings(con) -> CampaignSettings:
    from analytics import settings

    return settings.load(con, _SETTINGS_NAME, CampaignSettings)


def default_spec(con, kind: str | None = None) -> ListSpec:
    """The list the Campaigns page opens on: ``kind`` (default: the first source) with
    no filters and the stored exclusions, holdout and seed (stored as a page view)."""
    defaults = load_settings(con)
    return ListSpec(
        kind=kind or available_kinds()[0],
        exclude_paid_days=defaults.paid_days,
        exclude_contacted_days=defaults.contacted_days,
        exclude_refunded=defaults.exclude_refunded,
        exclude_bad_review=defaults.exclude_bad_review,
        holdout_pct=defaults.holdout_pct,
        seed=defaults.seed,
    )


def save_settings(con, value: CampaignSettings) -> None:
    from analytics import settings

    settings.save(con, _SETTINGS_NAME, value)


# ----------------------------------------------------------------------------- the spec


def _whole(name: str, value, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or value is None:
        raise InputError(f"{name} must be a whole number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a whole number, got {value!r}") from None
    if not math.isfinite(number) or number != int(number) or number < minimum:
        raise InputError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(number)


def _amount(name: str, value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(number) or number < 0:
        raise InputError(f"{name} must be a number >= 0, got {value!r}")
    return number


@dataclass(frozen=True)
class ListSpec:
    """What a target list holds: a source, filters, exclusions and the holdout.

    ``kind``/``value``: see the module docstring (``("rfm", "at_risk")``, ``("stage",
    "sleeping")``, ``("reminders", 7)``, ``("all", None)``…). Filters left None are off.
    Exclusion windows are in days, 0 switching that exclusion off. ``holdout_pct`` is the
    control share in percent (0–50), drawn with ``seed``.
    """

    kind: str = "all"
    value: str | int | float | None = None
    min_spend: float | None = None
    max_spend: float | None = None
    min_orders: int | None = None
    max_orders: int | None = None
    last_purchase_from: date | None = None
    last_purchase_to: date | None = None
    product: str | None = None
    aov: str | None = None
    gender: str | None = None
    tag: str | None = None
    exclude_paid_days: int = 15
    exclude_contacted_days: int = 7
    exclude_refunded: bool = True
    exclude_bad_review: bool = True
    holdout_pct: float = 0.0
    seed: int = 42

    def __post_init__(self) -> None:
        fix = object.__setattr__
        if self.kind not in SOURCE_KINDS:
            raise InputError(f"unknown list source {self.kind!r}; expected one of {SOURCE_KINDS}")
        value = self.value
        if self.kind in NO_VALUE_KINDS:
            value = None
        elif self.kind in DAY_KINDS:
            minimum = 1 if self.kind == "unpaid" else 0
            value = (
                DAY_KINDS[self.kind] if value is None else _whole(self.kind, value, minimum=minimum)
            )
        elif self.kind in COUNT_KINDS:
            value = COUNT_KINDS[self.kind] if value is None else _whole(self.kind, value)
        elif self.kind in PCT_KINDS:
            value = PCT_KINDS[self.kind] if value is None else _amount(self.kind, value)
            if not 0 < value <= 100:
                raise InputError(f"{self.kind} must be a percent in (0, 100], got {self.value!r}")
        elif self.kind in FACTOR_KINDS:
            value = FACTOR_KINDS[self.kind] if value is None else _amount(self.kind, value)
            if value <= 0:
                raise InputError(f"{self.kind} factor must be greater than 0, got {self.value!r}")
        else:
            value = str(value).strip() if value is not None else ""
            if not value:
                raise InputError(f"list source {self.kind!r} needs a value, e.g. {self.kind}:…")
            if self.kind == "rfm" and value not in RFM_SEGMENTS:
                raise InputError(f"unknown RFM segment {value!r}; expected one of {RFM_SEGMENTS}")
            if self.kind == "stage" and value not in STAGES:
                raise InputError(f"unknown lifecycle stage {value!r}; expected one of {STAGES}")
            if self.kind == "event" and value not in EVENTS:
                raise InputError(f"unknown event {value!r}; expected one of {EVENTS}")
        fix(self, "value", value)
        for name in ("min_spend", "max_spend"):
            fix(self, name, _amount(name, getattr(self, name)))
        for name in ("min_orders", "max_orders"):
            if getattr(self, name) is not None:
                fix(self, name, _whole(name, getattr(self, name)))
        for low, high in (("min_spend", "max_spend"), ("min_orders", "max_orders")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise InputError(f"{low} ({lo}) must not be greater than {high} ({hi})")
        for name in ("last_purchase_from", "last_purchase_to"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, date):
                raise InputError(f"{name} must be a date (YYYY-MM-DD), got {value!r}")
            if isinstance(value, datetime):
                fix(self, name, value.date())
        start, end = self.last_purchase_from, self.last_purchase_to
        if start and end and start > end:
            raise InputError(f"last_purchase_from ({start}) must be on or before {end}")
        fix(self, "product", (self.product or "").strip() or None)
        if self.aov is not None and self.aov not in AOV_FILTERS:
            raise InputError(f"aov must be one of {AOV_FILTERS}, got {self.aov!r}")
        fix(self, "gender", (self.gender or "").strip() or None)
        fix(self, "tag", (self.tag or "").strip() or None)
        fix(self, "exclude_paid_days", _whole("exclude_paid_days", self.exclude_paid_days))
        fix(
            self,
            "exclude_contacted_days",
            _whole("exclude_contacted_days", self.exclude_contacted_days),
        )
        pct = _amount("holdout_pct", self.holdout_pct)
        if pct is None or pct > 50:
            raise InputError(f"holdout_pct must be between 0 and 50, got {self.holdout_pct!r}")
        fix(self, "holdout_pct", pct)
        fix(self, "seed", _whole("seed", self.seed))

    @property
    def source(self) -> str:
        """``kind:value`` (or just ``kind`` for sources without a value)."""
        return self.kind if self.value is None else f"{self.kind}:{self.value}"

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, default=str)


def parse_source(text: str) -> tuple[str, str | int | float | None]:
    """``KIND:VALUE``, ``KIND`` (sources without a value or with a default) or a plain RFM
    segment name (``at_risk`` means ``rfm:at_risk``) -> (kind, value), checked."""
    text = (text or "").strip()
    kind, sep, value = text.partition(":")
    kind, value = kind.strip(), value.strip() or None
    if not sep and kind in RFM_SEGMENTS:
        kind, value = "rfm", kind
    spec = ListSpec(kind=kind, value=value)
    return spec.kind, spec.value


# ----------------------------------------------------------------------------- text


def _has(key: str) -> bool:
    return key in catalogs()["zh"]


def _rfm_segment(value):
    """The RFM module's segment (name and seed action), None when unavailable."""
    try:
        from analytics.rfm import SEGMENTS
    except ImportError:
        return None
    return SEGMENTS.get(value)


def _tier_rules(con):
    """The stored member-tier rules (settings ``tiers``), None when unavailable."""
    try:
        from analytics import settings
        from analytics.tiers import TierRules
    except ImportError:
        return None
    return settings.load(con, "tiers", TierRules)


def segment_label(kind: str, value, lang: str | None = None, *, con=None) -> str:
    """The list's segment as shown in the export (e.g. ``流失预警`` for rfm:at_risk).

    RFM segments take the RFM module's names; tiers the names of the stored tier rules
    when ``con`` is given."""
    if kind == "rfm" and (segment := _rfm_segment(value)) is not None:
        return segment.name(lang)
    if kind == "tier" and con is not None and (rules := _tier_rules(con)) is not None:
        try:
            return rules.name(value, lang)
        except InputError:
            pass
    specific = f"campaigns.seg.{kind}.{value}"
    if value is not None and _has(specific):
        return t(specific, lang=lang)
    return t(f"campaigns.seg.{kind}", lang=lang, value=value)


def suggested_offer(kind: str, value, lang: str | None = None) -> str:
    """The seeds' suggested action for the list's segment (RFM: the RFM module's)."""
    if kind == "rfm" and (segment := _rfm_segment(value)) is not None:
        return segment.action(lang)
    specific = f"campaigns.offer.{kind}.{value}"
    return t(specific if _has(specific) else f"campaigns.offer.{kind}", lang=lang)


# ----------------------------------------------------------------------------- sources

_BUYERS_SQL = f"""
SELECT DISTINCT platform, shop, customer_id
FROM buyer_valid_orders
WHERE {SHOP_FILTER} AND order_time < $end
"""

_PROVINCE_SQL = f"""
SELECT platform, shop, customer_id, province
FROM customers
WHERE {SHOP_FILTER} AND first_order_time < $end
    AND (province = $value OR starts_with(province, $value) OR starts_with($value, province))
"""

_BIRTHDAY_SQL = f"""
WITH p AS (
    SELECT c.platform, c.shop, c.customer_id, p.birthday,
        year($as_of) AS y, month(p.birthday) AS m, day(p.birthday) AS d
    FROM customers c
    JOIN customer_profiles p USING (customer_id)
    WHERE {shop_filter("c")} AND p.birthday IS NOT NULL AND c.first_order_time < $end
), nb AS (
    SELECT *,
        make_date(y, m, least(d, day(last_day(make_date(y, m, 1))))) AS this_year,
        make_date(y + 1, m, least(d, day(last_day(make_date(y + 1, m, 1))))) AS next_year
    FROM p
)
SELECT platform, shop, customer_id, birthday,
    date_diff('day', $as_of, CASE WHEN this_year >= $as_of THEN this_year ELSE next_year END)
        AS days
FROM nb
WHERE ($mode = 'month' AND m = month($as_of))
   OR ($mode = 'within'
       AND date_diff('day', $as_of,
               CASE WHEN this_year >= $as_of THEN this_year ELSE next_year END) <= $days)
"""

_UNPAID_SQL = f"""
SELECT u.platform, u.shop, u.customer_id,
    count(*) AS unpaid_orders,
    max(u.order_time) AS unpaid_time,
    arg_max(u.amount, u.order_time) AS amount,
    arg_max(u.product, u.order_time) AS product
FROM buyer_orders u
WHERE {shop_filter("u")} AND u.status = 'unpaid'
    AND u.order_time >= $start AND u.order_time < $end
    AND NOT EXISTS (
        SELECT 1 FROM valid_orders v
        WHERE v.platform = u.platform AND v.shop = u.shop AND v.customer_id = u.customer_id
            AND v.order_time > u.order_time AND v.order_time < $end
    )
GROUP BY ALL
"""

_PROVINCES_SQL = f"""
SELECT province FROM customers
WHERE {SHOP_FILTER} AND valid_orders > 0 AND province IS NOT NULL
GROUP BY province ORDER BY count(*) DESC, province
"""


def available_kinds() -> tuple[str, ...]:
    """Sources usable now: this module's, and those whose providing module is installed."""
    return tuple(
        kind
        for kind in SOURCE_KINDS
        if kind not in SOURCE_MODULES or importlib.util.find_spec(SOURCE_MODULES[kind])
    )


def _external(kind: str, name: str):
    module = SOURCE_MODULES[kind]
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise InputError(
            f"list source {kind!r} needs {module}.{name}, which is not available"
        ) from None


def _day_bounds(as_of: date, days: int) -> tuple[datetime, datetime]:
    """[start, end) of the ``days`` calendar days ending on as_of, as timestamps."""
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time())
    return end - timedelta(days=days), end


def _source(con, spec: ListSpec, as_of: date, shop: str | None, lang: str) -> pd.DataFrame | None:
    """Source rows: platform, shop, customer_id and the columns its reason needs. None for
    ``all``: every buyer (``_BUYERS_SQL``) is read in the candidates' query, not fetched."""
    _, end = _day_bounds(as_of, 1)
    kind, value = spec.kind, spec.value
    if kind in ACTION_KINDS:
        fn = _external(kind, f"{kind}_source")
        return fn(con, value=value, as_of=as_of, shop=shop, lang=lang)
    if kind == "all":
        return None
    if kind == "province":
        return con.execute(_PROVINCE_SQL, {"end": end, "value": value, "shop": shop}).df()
    if kind in ("birthday_month", "birthday_within"):
        params = {"as_of": as_of, "end": end, "shop": shop}
        params |= {"mode": "month" if kind == "birthday_month" else "within", "days": value}
        return con.execute(_BIRTHDAY_SQL, params).df()
    if kind == "unpaid":
        start, end = _day_bounds(as_of, value)
        return con.execute(_UNPAID_SQL, {"start": start, "end": end, "shop": shop}).df()
    if kind == "rfm":
        df = _external(kind, "rfm_scores")(con, as_of=as_of, shop=shop)
        return df.loc[df["segment"] == value, [*_KEY, "r", "f", "m"]]
    if kind == "stage":
        df = _external(kind, "customer_stages")(con, as_of=as_of, shop=shop)
        return df.loc[df["stage"] == value, [*_KEY, "days_since_last"]]
    if kind == "tier":
        df = _external(kind, "customer_tiers")(con, rules=_tier_rules(con), shop=shop)
        return df.loc[df["tier"].astype(str) == value, _KEY]
    if kind == "age_band":
        df = _external(kind, "customer_age_bands")(con, as_of=as_of, shop=shop)
        return df.loc[df["age_band"].astype(str) == value, _KEY]
    if kind == "reminders":
        df = _reminders(con, as_of=as_of, within_days=value, shop=shop)
        df = df.sort_values("expected_date", kind="stable")
        return df.drop_duplicates(_KEY)[[*_KEY, "product", "expected_date"]]
    # churn_risk
    df = _external(kind, "churn_risk")(con, as_of=as_of, factor=value, shop=shop)
    df = df.sort_values("value_at_risk", ascending=False, kind="stable")
    return df.drop_duplicates(_KEY)[[*_KEY, "value_at_risk"]]


def _reminders(con, *, as_of: date, within_days: int, shop: str | None) -> pd.DataFrame:
    """Learned and manual reminders (manual cycles win), learned only without the module."""
    try:
        from analytics.manual_cycles import combined_reminders
    except ImportError:
        return _external("reminders", "reminders")(
            con, as_of=as_of, within_days=within_days, shop=shop
        )
    return combined_reminders(con, as_of=as_of, within_days=within_days, shop=shop)


def source_values(con, *, kind: str, as_of: date, shop: str | None = None) -> list[str]:
    """The values a text source can take (RFM segments, stages, the shop's tiers, age bands
    and provinces by number of buyers); [] for sources whose value is a number or none."""
    if kind == "rfm":
        return list(RFM_SEGMENTS)
    if kind == "stage":
        return list(STAGES)
    if kind == "province":
        return [r[0] for r in con.execute(_PROVINCES_SQL, {"shop": shop}).fetchall()]
    if kind == "tier":
        df = _external(kind, "customer_tiers")(con, rules=_tier_rules(con), shop=shop)
        return df["tier"].dropna().astype(str).value_counts().index.tolist()
    if kind == "age_band":
        df = _external(kind, "customer_age_bands")(con, as_of=as_of, shop=shop)
        return sorted(df["age_band"].dropna().astype(str).unique())
    if kind == "event":
        return list(EVENTS)
    if kind in ("new_arrival", "upsell"):
        from analytics.crosssell import categories

        return categories(con, as_of=as_of, shop=shop)
    if kind == "cross_sell":
        from analytics.crosssell import product_pairs

        pairs = product_pairs(con, as_of=as_of, shop=shop).head(50)
        return [f"{a},{b}" for a, b in zip(pairs["item_a"], pairs["item_b"], strict=True)]
    return []


# ----------------------------------------------------------------------------- the list

#: The candidates' keys: the source frame's (one row per customer, _src: its first row in
#: the frame), or every buyer (source ``all``, read here rather than fetched: _src NULL).
_KEYS_SQL = {
    "frame": """
    SELECT platform, shop, customer_id, min(_src) AS _src FROM _campaign_candidates GROUP BY ALL
""",
    "buyers": f"""
    SELECT platform, shop, customer_id, CAST(NULL AS BIGINT) AS _src FROM ({_BUYERS_SQL})
""",
}

# Each candidate's orders, spend and last purchase (valid orders before $end): aggregated
# from the orders (``agg``), or, when no order is after the list's day, the same numbers
# read off the customer summary row the candidate is joined to anyway (no scan of orders).
_AGG_CTE = """, agg AS (
    SELECT v.platform, v.shop, v.customer_id, count(*) AS orders,
        sum(v.net_amount) AS spend, max(v.order_time) AS last_purchase
    FROM valid_orders v
    JOIN k ON v.platform = k.platform AND v.shop = k.shop AND v.customer_id = k.customer_id
    WHERE v.order_time < $end
    GROUP BY ALL
)"""
_AGG_FIGURES = """coalesce(a.orders, 0) AS orders,
    CAST(coalesce(a.spend, 0) AS DOUBLE) AS spend,
    a.last_purchase"""
_AGG_JOIN = """
LEFT JOIN agg a ON a.platform = k.platform AND a.shop = k.shop AND a.customer_id = k.customer_id"""
_SUMMARY_FIGURES = """coalesce(CASE WHEN c.valid_orders > 0
        THEN CAST(c.valid_orders AS BIGINT) END, 0) AS orders,
    CAST(coalesce(CASE WHEN c.valid_orders > 0 THEN c.revenue END, 0) AS DOUBLE) AS spend,
    CASE WHEN c.valid_orders > 0 THEN c.last_order_time END AS last_purchase"""


def _candidates_sql(keys: str, summary: bool) -> str:
    """Every candidate (``keys``) with what the filters, exclusions and holdout read;
    orders, spend and last purchase from the customer summary when ``summary``."""
    return f"""
WITH k AS ({keys}){"" if summary else _AGG_CTE}, bought AS (
    SELECT DISTINCT v.platform, v.shop, v.customer_id
    FROM valid_orders v
    JOIN k ON v.platform = k.platform AND v.shop = k.shop AND v.customer_id = k.customer_id
    LEFT JOIN order_items i
        ON i.platform = v.platform AND i.shop = v.shop AND i.order_id = v.order_id
    WHERE $product IS NOT NULL AND v.order_time < $end
        AND (contains(lower(coalesce(v.product, '')), lower($product))
             OR contains(lower(coalesce(i.title, '')), lower($product)))
)
SELECT k.platform, k.shop, k.customer_id, k._src, c.customer_name, c.phone,
    (SELECT p.gender FROM customer_profiles p WHERE p.customer_id = k.customer_id) AS gender,
    (SELECT p.tags FROM customer_profiles p WHERE p.customer_id = k.customer_id) AS tags,
    {_SUMMARY_FIGURES if summary else _AGG_FIGURES},
    b.customer_id IS NOT NULL AS bought_product,
    $paid_start IS NOT NULL AND EXISTS (
        SELECT 1 FROM orders o
        WHERE o.platform = k.platform AND o.shop = k.shop AND o.customer_id = k.customer_id
            AND o.status IN ('paid', 'shipped', 'completed', 'refunded')
            AND coalesce(o.paid_time, o.order_time) >= $paid_start
            AND coalesce(o.paid_time, o.order_time) < $end
    ) AS paid_recently,
    $contact_start IS NOT NULL AND EXISTS (
        SELECT 1 FROM campaign_members m JOIN campaigns g USING (campaign_id)
        WHERE m.platform = k.platform AND m.shop = k.shop AND m.customer_id = k.customer_id
            AND g.created_at >= $contact_start
    ) AS contacted_recently,
    EXISTS (
        SELECT 1 FROM orders o
        WHERE o.platform = k.platform AND o.shop = k.shop AND o.customer_id = k.customer_id
            AND (o.refund_amount > 0 OR o.status = 'refunded')
    ) AS refunded,
    EXISTS (
        SELECT 1 FROM customer_profiles p WHERE p.customer_id = k.customer_id AND p.bad_review
    ) AS bad_review,
    CAST(('0x' || left(md5(concat_ws('|', 'holdout', CAST($seed AS VARCHAR), k.platform,
        k.shop, k.customer_id)), 12)) AS UBIGINT) / 281474976710656.0 AS draw
FROM k
LEFT JOIN customers c
    ON c.platform = k.platform AND c.shop = k.shop AND c.customer_id = k.customer_id{
        "" if summary else _AGG_JOIN
    }
LEFT JOIN bought b
    ON b.platform = k.platform AND b.shop = k.shop AND b.customer_id = k.customer_id
WHERE {shop_filter("k")}
"""


#: Candidates by their keys (``_KEYS_SQL``) and by where their orders, spend and last
#: purchase come from: False = aggregated from the orders before $end, True = the customer
#: summary (no order after the list's day: the same numbers).
_CANDIDATES_SQLS = {
    (keys, summary): _candidates_sql(_KEYS_SQL[keys], summary)
    for keys in _KEYS_SQL
    for summary in (False, True)
}

#: The list's order, given to the candidates (filters and exclusions keep it): an action
#: source's own (ranked or dated), else most spend first, then by customer id (customers of
#: two shops with one id and the same spend: by key).
_ORDER_SQL = {
    True: "ORDER BY k._src",
    False: "ORDER BY spend DESC, k.customer_id, k.platform, k.shop",
}


@dataclass(frozen=True, eq=False)
class TargetList:
    """A built list. ``members``: columns ``MEMBER_COLUMNS`` (``grp`` treatment/control;
    ``orders``, ``spend``, ``last_purchase`` over valid orders up to as_of), by spend
    (``ACTION_KINDS``: in their source's rank or date order).
    ``exclusions``: one row per exclusion in the order applied: ``exclusion`` (id),
    ``label``, ``enabled``, ``removed``. ``source_count``: customers the source gave;
    ``filtered_count``: left after the filters (before exclusions)."""

    spec: ListSpec
    as_of: date
    shop: str | None
    members: pd.DataFrame
    exclusions: pd.DataFrame
    source_count: int
    filtered_count: int

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def treatment(self) -> pd.DataFrame:
        """The members to contact (the download)."""
        return self.members[self.members["grp"] == "treatment"]

    @property
    def treatment_count(self) -> int:
        return int((self.members["grp"] == "treatment").sum())

    @property
    def control_count(self) -> int:
        return int((self.members["grp"] == "control").sum())

    def counts(self) -> dict[str, int]:
        return {
            "source": self.source_count,
            "filtered": self.filtered_count,
            "excluded": int(self.exclusions["removed"].sum()),
            "final": self.size,
            "treatment": self.treatment_count,
            "control": self.control_count,
        }


def _filter_mask(df: pd.DataFrame, spec: ListSpec, shop_aov: float | None) -> pd.Series:
    keep = pd.Series(True, index=df.index)
    if spec.min_spend is not None:
        keep &= df["spend"] >= spec.min_spend - 1e-9
    if spec.max_spend is not None:
        keep &= df["spend"] <= spec.max_spend + 1e-9
    if spec.min_orders is not None:
        keep &= df["orders"] >= spec.min_orders
    if spec.max_orders is not None:
        keep &= df["orders"] <= spec.max_orders
    if spec.last_purchase_from is not None or spec.last_purchase_to is not None:
        last = pd.to_datetime(df["last_purchase"]).dt.date
        if spec.last_purchase_from is not None:
            keep &= last.notna() & (last >= spec.last_purchase_from)
        if spec.last_purchase_to is not None:
            keep &= last.notna() & (last <= spec.last_purchase_to)
    if spec.product is not None:
        keep &= df["bought_product"]
    if spec.aov is not None and shop_aov is None:
        keep &= False  # no valid order in the shop: no average to be below or above
    elif spec.aov is not None:
        aov = df["spend"] / df["orders"].where(df["orders"] > 0)
        keep &= aov < shop_aov - 1e-9 if spec.aov == "below" else aov > shop_aov + 1e-9
    if spec.gender is not None:
        keep &= df["gender"].fillna("").astype(str).str.strip() == spec.gender
    if spec.tag is not None:
        tags = df["tags"].fillna("").astype(str).str.lower()
        keep &= tags.str.contains(spec.tag.lower(), regex=False)
    return keep.fillna(False).astype(bool)


_SHOP_AOV_SQL = f"""
SELECT CAST(sum(net_amount) / nullif(count(*), 0) AS DOUBLE)
FROM valid_orders WHERE {SHOP_FILTER} AND order_time < $end
"""


def _shop_aov(con, *, end: datetime, shop: str | None) -> float | None:
    """The shop's average order value over valid orders before ``end``."""
    return con.execute(_SHOP_AOV_SQL, {"end": end, "shop": shop}).fetchone()[0]


# One helper per member figure; tier and stage are read from the per-customer score table
# when it matches the list's date (analytics.scored), else computed by their modules.

_STORED_FIGURE_SQL = {
    "tier": f"""SELECT platform, shop, customer_id, tier FROM customer_scores
        WHERE tier IS NOT NULL AND {SHOP_FILTER}""",
    "stage": f"""SELECT platform, shop, customer_id, stage FROM customer_scores
        WHERE stage IS NOT NULL AND {SHOP_FILTER}""",
}


def _stored_figure(con, figure: str, *, as_of: date, shop: str | None) -> pd.DataFrame | None:
    """key + ``figure`` from the stored scores when they serve this view, else None."""
    from analytics import scored

    if not scored.available(con, as_of=as_of, shop=shop):
        return None
    return con.execute(_STORED_FIGURE_SQL[figure], {"shop": shop}).df()


def _member_tiers(con, *, as_of: date, shop: str | None) -> pd.DataFrame:
    """key + tier (name in the current language is applied by the caller)."""
    try:
        from analytics.tiers import customer_tiers
    except ImportError:
        return pd.DataFrame(columns=[*_KEY, "tier"])
    # The stored tiers were built with the stored rules, the ones used here.
    stored = _stored_figure(con, "tier", as_of=as_of, shop=shop)
    if stored is not None:
        return stored
    return customer_tiers(con, rules=_tier_rules(con), shop=shop)[[*_KEY, "tier"]]


def _member_stages(con, *, as_of: date, shop: str | None) -> pd.DataFrame:
    """key + stage id (analytics.lifecycle)."""
    try:
        from analytics.lifecycle import customer_stages
    except ImportError:
        return pd.DataFrame(columns=[*_KEY, "stage"])
    stored = _stored_figure(con, "stage", as_of=as_of, shop=shop)
    if stored is not None:
        return stored
    return customer_stages(con, as_of=as_of, shop=shop)[[*_KEY, "stage"]]


# Each buyer's distinct purchase days as a list (an aggregate, no window over every order).
_EXPECTED_NEXT_SQL = f"""
WITH d AS (
    SELECT platform, shop, customer_id, list(DISTINCT CAST(order_time AS DATE)) AS days
    FROM valid_orders WHERE {SHOP_FILTER} AND order_time < $end
    GROUP BY ALL
), repeat AS (
    SELECT platform, shop, customer_id, list_sort(days) AS days FROM d WHERE len(days) >= 2
)
SELECT platform, shop, customer_id,
    days[-1] + CAST(round(list_aggregate(
        list_transform(range(2, len(days) + 1), lambda i: date_diff('day', days[i - 1], days[i])),
        'median')) AS INTEGER) AS expected_next
FROM repeat
"""


def _member_expected_next(con, *, as_of: date, shop: str | None) -> pd.DataFrame:
    """key + expected_next: the last purchase day + the median of the customer's own gaps
    between purchase days (known once they bought on two days)."""
    _, end = _day_bounds(as_of, 1)
    df = con.execute(_EXPECTED_NEXT_SQL, {"end": end, "shop": shop}).df()
    df["expected_next"] = pd.to_datetime(df["expected_next"]).dt.date
    return df


# Tier and stage names from the stored scores and expected_next, one row per member in
# the members' order (a join in DuckDB: a big shop's list holds every buyer).
_STORED_FIGURES_SQL = f"""
WITH nxt AS ({_EXPECTED_NEXT_SQL})
SELECT m._row,
    coalesce($tier_names[list_position($tier_ids, s.tier)], s.tier) AS tier,
    coalesce($stage_names[list_position($stage_ids, s.stage)], s.stage) AS stage,
    n.expected_next
FROM _campaign_figure_members m
LEFT JOIN customer_scores s USING (platform, shop, customer_id)
LEFT JOIN nxt n USING (platform, shop, customer_id)
ORDER BY m._row
"""


def _names(names: pd.Series) -> np.ndarray:
    """A column of names as the members' values: NaN where one is missing, None in every
    row when none is known (a column of no text, as DuckDB's frames read it)."""
    return names.to_numpy() if names.notna().any() else np.full(len(names), None, object)


def _stored_member_figures(con, members, *, as_of, shop, lang) -> pd.DataFrame | None:
    """members with the figures from the stored scores, or None when they do not match
    (``_stored_figure``)."""
    from analytics import scored
    from analytics.lifecycle import STAGES

    rules = _tier_rules(con)
    if rules is None or not scored.available(con, as_of=as_of, shop=shop):
        return None
    stage_names = [
        t(f"lifecycle.stage.{v}", lang=lang) if _has(f"lifecycle.stage.{v}") else v for v in STAGES
    ]
    _, end = _day_bounds(as_of, 1)
    # Read by DuckDB's replacement scan, as _campaign_candidates in build_list.
    _campaign_figure_members = members[_KEY].assign(_row=range(len(members)))  # noqa: F841
    params = {
        "end": end,
        "shop": shop,
        "tier_ids": rules.ids(),
        "tier_names": [rules.name(v, lang) for v in rules.ids()],
        "stage_ids": list(STAGES),
        "stage_names": stage_names,
    }
    # As Arrow (.df() makes a Python str of every name first); dates as dates, missing
    # ones None (the caller's value for a missing date).
    figures = con.sql(_STORED_FIGURES_SQL, params=params).to_arrow_table().to_pandas()
    out = members.drop(columns=["tier", "stage", "expected_next"], errors="ignore")
    out["tier"] = _names(figures["tier"])
    out["stage"] = _names(figures["stage"])
    out["expected_next"] = figures["expected_next"].to_numpy()
    return out


def _with_member_figures(
    con, members: pd.DataFrame, *, as_of: date, shop: str | None, lang: str
) -> pd.DataFrame:
    """members with tier (name), stage (name) and expected_next filled in."""
    if members.empty:
        for column in ("tier", "stage", "expected_next"):
            members[column] = pd.Series(dtype=object)
        return members
    stored = _stored_member_figures(con, members, as_of=as_of, shop=shop, lang=lang)
    if stored is not None:
        return stored
    rules = _tier_rules(con)
    tiers = _member_tiers(con, as_of=as_of, shop=shop)
    if rules is not None and not tiers.empty:  # one name per tier, not per member
        names = {v: rules.name(v, lang) for v in tiers["tier"].dropna().unique()}
        tiers["tier"] = [names.get(v) for v in tiers["tier"]]
    stages = _member_stages(con, as_of=as_of, shop=shop)
    labels = {
        v: t(f"lifecycle.stage.{v}", lang=lang) if _has(f"lifecycle.stage.{v}") else v
        for v in stages["stage"].dropna().unique()
    }
    stages["stage"] = [labels.get(v, v) for v in stages["stage"]]
    out = members.drop(columns=["tier", "stage", "expected_next"], errors="ignore")
    for figure in (tiers, stages, _member_expected_next(con, as_of=as_of, shop=shop)):
        out = out.merge(figure, on=_KEY, how="left")
    return out


def _fmt_date(value, fmt: str) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime(fmt)


def _each(values: pd.Series, fn) -> pd.Series:
    """``fn`` of each value (object dtype: the values as the row's function returns them)."""
    return pd.Series([fn(v) for v in values], index=values.index, dtype=object)


def _day_texts(values: pd.Series, fmt: str) -> pd.Series:
    return _each(values, lambda v: _fmt_date(v, fmt))


def _ints(values: pd.Series) -> pd.Series:
    return values.astype("int64")  # int() of each value (and the same error on a missing one)


def _floats(values: pd.Series) -> pd.Series:
    return values.astype("float64")


#: Per kind: from the list's rows and label, the reason's i18n key (one for every row, or
#: an array of one per row) and the value of each placeholder: one for every row, or a
#: column (formatted a whole column at a time by ``_texts``; a list can hold every buyer
#: of a big shop).
_REASONS = {
    "all": lambda df, label: ("campaigns.reason.all", {
        "orders": _ints(df["orders"]), "spend": _floats(df["spend"]), "value": label}),
    "tier": lambda df, label: ("campaigns.reason.tier", {
        "orders": _ints(df["orders"]), "spend": _floats(df["spend"]), "value": label}),
    "rfm": lambda df, label: ("campaigns.reason.rfm", {
        "r": _ints(df["r"]), "f": _ints(df["f"]), "m": _ints(df["m"])}),
    "stage": lambda df, label: ("campaigns.reason.stage", {
        "days": _ints(df["days_since_last"])}),
    "province": lambda df, label: ("campaigns.reason.province", {
        "province": df["province"]}),
    "reminders": lambda df, label: ("campaigns.reason.reminders", {
        "product": _each(df["product"], lambda v: v or ""),
        "expected_date": _day_texts(df["expected_date"], "%Y-%m-%d")}),
    "churn_risk": lambda df, label: ("campaigns.reason.churn_risk", {
        "value_at_risk": _floats(df["value_at_risk"])}),
    **{
        kind: lambda df, label, kind=kind: (
            np.where(df["days"] == 0, "campaigns.reason.birthday_today",
                     f"campaigns.reason.{kind}"),
            {"birthday": _day_texts(df["birthday"], "%m-%d"), "days": _ints(df["days"])})
        for kind in ("birthday_month", "birthday_within")
    },
    "unpaid": lambda df, label: (
        np.array(["campaigns.reason.unpaid" if v else "campaigns.reason.unpaid_no_amount"
                  for v in df["amount"]]),
        {"time": _day_texts(df["unpaid_time"], "%m-%d %H:%M"),
         "amount": _each(df["amount"], lambda v: float(v or 0)),
         "product": _each(df["product"], lambda v: v or "")}),
}  # fmt: skip


def _grouped_whole_numbers(values: np.ndarray) -> pa.Array:
    """``format(v, ",.0f")`` of each float, computed on the whole array: rounded half to
    even (as Python rounds a float's exact value), digits grouped by thousands in Arrow.
    Values that are not finite or not below 2**62 are formatted one by one."""
    rounded = np.rint(values)
    plain = np.isfinite(rounded) & (np.abs(rounded) < 2.0**62)
    whole = np.abs(np.where(plain, rounded, 0.0)).astype(np.int64)
    digits = pc.utf8_reverse(pa.array(whole).cast(pa.string()))
    digits = pc.utf8_rtrim(pc.replace_substring_regex(digits, r"(\d{3})", r"\1,"), ",")
    sign = pa.array(np.where(np.signbit(rounded), "-", ""))
    out = pc.binary_join_element_wise(sign, pc.utf8_reverse(digits), "")
    if plain.all():
        return out
    texts = np.asarray(out.to_pylist(), dtype=object)
    texts[~plain] = [format(v, ",.0f") for v in values[~plain]]
    return pa.array(texts, pa.string())


def _formatted(values, spec: str) -> pa.Array | str:
    """``format(v, spec)`` of one value, or of each value of a column (a column of whole
    numbers or of ``,.0f`` amounts at once, any other one value at a time)."""
    if not isinstance(values, pd.Series):
        return format(values, spec)
    if spec == "" and pd.api.types.is_integer_dtype(values.dtype):
        return pa.array(values.to_numpy()).cast(pa.string())
    if spec == ",.0f" and pd.api.types.is_float_dtype(values.dtype):
        return _grouped_whole_numbers(values.to_numpy())
    return pa.array([format(v, spec) for v in values], pa.string())


def _texts(template: str, values: dict, index: pd.Index) -> pd.Series:
    """``template.format(**values)`` for every row of ``index`` at once: each value is one
    for every row or a column; the template's text and formatted values joined in Arrow."""
    parts: list = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        parts.append(literal)
        if name is None:
            continue
        value = values[name]
        if conversion:  # !r / !s / !a: applied to each value, then formatted
            convert = {"r": repr, "s": str, "a": ascii}[conversion]
            value = _each(value, convert) if isinstance(value, pd.Series) else convert(value)
        parts.append(_formatted(value, spec))
    if all(isinstance(part, str) for part in parts):  # no column: one text for every row
        return pd.Series("".join(parts), index=index, dtype=str)
    texts = pc.binary_join_element_wise(*parts, "")
    return pd.Series(texts.to_pandas().array, index=index)


def _reasons(df: pd.DataFrame, spec: ListSpec, lang: str, label: str) -> pd.Series | list:
    """Each member's reason in ``lang``: an action source's own, else the kind's text
    (:data:`_REASONS`) filled from the member's row, by whole columns (the template as
    stored, formatted without ``t``'s thousands separators)."""
    if df.empty:
        return []
    if spec.kind in ACTION_KINDS:
        return df["reason"].fillna("").astype(str).tolist()
    if spec.kind == "age_band":
        return [t("campaigns.reason.age_band", lang=lang, value=spec.value)] * len(df)
    keys, values = _REASONS[spec.kind](df, label)
    if isinstance(keys, str):
        return _texts(t(keys, lang=lang), values, df.index)
    out = pd.Series("", index=df.index, dtype=str)
    for key in pd.unique(keys):
        rows = keys == key
        part = {k: v[rows] if isinstance(v, pd.Series) else v for k, v in values.items()}
        out[rows] = _texts(t(key, lang=lang), part, df.index[rows])
    return out


def build_list(
    con,
    spec: ListSpec,
    *,
    as_of: date,
    shop: str | None = None,
    lang: str | None = None,
) -> TargetList:
    """Build the target list of ``spec`` as of ``as_of`` (source, filters, exclusions,
    holdout: see the module docstring). ``lang`` (default: the current language) is the
    language of ``segment``, ``reason`` and ``suggested_offer``."""
    if not isinstance(spec, ListSpec):
        raise InputError(f"spec must be a ListSpec, got {type(spec).__name__}")
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    if not isinstance(as_of, date):
        raise InputError(f"as_of must be a date (YYYY-MM-DD), got {as_of!r}")
    lang = lang or language()
    source = _source(con, spec, as_of, shop, lang)
    every_buyer = source is None  # read in the candidates' query
    if not every_buyer:
        source = source.drop_duplicates(_KEY).reset_index(drop=True)
    paid_start, end = _day_bounds(as_of, spec.exclude_paid_days)
    contact_start, _ = _day_bounds(as_of, spec.exclude_contacted_days)
    params = {
        "end": end,
        "paid_start": paid_start if spec.exclude_paid_days else None,
        "contact_start": contact_start if spec.exclude_contacted_days else None,
        "product": spec.product,
        "seed": spec.seed,
        "shop": shop,
    }
    if not every_buyer:
        # Read by DuckDB's replacement scan (a local DataFrame named in the SQL), which,
        # unlike con.register, works while the caller holds an unfinished result on ``con``.
        _campaign_candidates = source[_KEY].assign(_src=range(len(source)))  # noqa: F841
    keys = "buyers" if every_buyer else "frame"
    sql = _CANDIDATES_SQLS[keys, summary_is_current(con, as_of)]
    sql += "\n" + _ORDER_SQL[spec.kind in ACTION_KINDS]
    # Fetched as Arrow from a relation (.df() makes a Python str of every text first, and
    # a cursor's Arrow output copies the rows): 270 MB less at a peak of 1M buyers.
    enriched = con.sql(sql, params=params).to_arrow_table().to_pandas()
    if every_buyer:  # the source holds the key alone, and only this shop's buyers
        df = enriched.drop(columns="_src")
        source_count = len(df)
        if not source_count:  # no buyer: key columns of no type, as an empty source frame's
            df = df.astype(dict.fromkeys(_KEY, object))
    else:
        # The source's own columns by row number: no merge on the text keys of every buyer.
        extra = source.drop(columns=_KEY).iloc[enriched["_src"].to_numpy()]
        df = pd.concat([enriched.drop(columns="_src"), extra.reset_index(drop=True)], axis=1)
        source_count = len(source)
    shop_aov = _shop_aov(con, end=end, shop=shop) if spec.aov else None
    kept = _filter_mask(df, spec, shop_aov)
    filtered_count = int(kept.sum())

    switches = {
        "paid_recently": (spec.exclude_paid_days > 0, {"days": spec.exclude_paid_days}),
        "contacted_recently": (
            spec.exclude_contacted_days > 0,
            {"days": spec.exclude_contacted_days},
        ),
        "refunded": (spec.exclude_refunded, {}),
        "bad_review": (spec.exclude_bad_review, {}),
    }
    rows = []
    for name in EXCLUSIONS:
        enabled, values = switches[name]
        hit = df[name].fillna(False).astype(bool) & kept if enabled else pd.Series(False, df.index)
        rows.append(
            {
                "exclusion": name,
                "label": t(f"campaigns.excl.{name}", lang=lang, **values),
                "enabled": enabled,
                "removed": int(hit.sum()),
            }
        )
        kept &= ~hit
    exclusions = pd.DataFrame(rows, columns=["exclusion", "label", "enabled", "removed"])
    # The members, in the list's order (_ORDER_SQL); what the filters and exclusions read is
    # done with (one copy of the rows, none when every candidate stays).
    df = df.drop(columns=[*EXCLUSIONS, "gender", "tags", "bought_product"])
    df = (df if kept.all() else df[kept]).reset_index(drop=True)
    members = df[_KEY + ["customer_name", "phone", "orders", "spend", "last_purchase"]]
    label = segment_label(spec.kind, spec.value, lang, con=con)
    members["segment"] = label
    members["reason"] = _reasons(df, spec, lang, label)
    offer = suggested_offer(spec.kind, spec.value, lang)
    members["suggested_offer"] = df["offer"].fillna(offer) if "offer" in df else offer
    members["grp"] = ["control" if d < spec.holdout_pct / 100 else "treatment" for d in df["draw"]]
    members["aov"] = (members["spend"] / members["orders"].where(members["orders"] > 0)).round(2)
    members["send_date"] = df.get("send_date", as_of)
    members = _with_member_figures(con, members, as_of=as_of, shop=shop, lang=lang)
    members = members[list(MEMBER_COLUMNS)]
    # Missing dates as None (one-time buyers have no expected next order): the same value
    # whether the figures were computed or stored, and a list read back from the store.
    expected = members["expected_next"].astype(object)
    members["expected_next"] = expected.where(expected.notna(), None)
    members["orders"] = members["orders"].astype("int64")
    members["spend"] = members["spend"].astype("float64").round(2)
    return TargetList(
        spec=spec,
        as_of=as_of,
        shop=shop,
        members=members,
        exclusions=exclusions,
        source_count=source_count,
        filtered_count=filtered_count,
    )


# ----------------------------------------------------------------------------- logging

_INSERT_CAMPAIGN_SQL = """
INSERT INTO campaigns (campaign_id, name, created_at, as_of, segment, filters, offer,
    offer_cost, holdout_pct, seed, file_name)
VALUES ($id, $name, $created_at, $as_of, $segment, $filters, $offer, $offer_cost,
    $holdout_pct, $seed, $file_name)
"""

_INSERT_MEMBERS_SQL = """
INSERT INTO campaign_members (campaign_id, platform, shop, customer_id, grp)
SELECT $id, platform, shop, customer_id, grp FROM _campaign_new_members
"""


def log_campaign(
    con,
    target_list: TargetList,
    *,
    name: str,
    offer: str | None = None,
    offer_cost: float | None = None,
    file_name: str | None = None,
    created_at: datetime | None = None,
) -> int:
    """Record ``target_list`` as a campaign: one ``campaigns`` row and every member
    (treatment and control) in ``campaign_members``, in one transaction that bumps the
    data version. ``offer`` defaults to the list's suggested offer; ``created_at`` (default
    now) starts the response window of :func:`campaign_results`. Returns the campaign id.
    An empty list is refused (InputError): there is nothing to send.
    """
    name = (name or "").strip()
    if not name:
        raise InputError("a campaign needs a name")
    if target_list.size == 0:
        raise InputError("the list is empty: no customer left to contact, nothing logged")
    offer_cost = _amount("offer_cost", offer_cost)
    spec = target_list.spec
    if offer is None or not str(offer).strip():
        offer = suggested_offer(spec.kind, spec.value)
    filters = dataclasses.asdict(spec) | {"shop": target_list.shop}
    # Read by DuckDB's replacement scan (see build_list).
    _campaign_new_members = target_list.members[["platform", "shop", "customer_id", "grp"]]  # noqa: F841
    with transaction(con):
        campaign_id = con.execute("SELECT nextval('campaign_ids')").fetchone()[0]
        con.execute(
            _INSERT_CAMPAIGN_SQL,
            {
                "id": campaign_id,
                "name": name,
                "created_at": created_at or datetime.now(),
                "as_of": target_list.as_of,
                "segment": spec.source,
                "filters": json.dumps(filters, ensure_ascii=False, default=str),
                "offer": str(offer),
                "offer_cost": offer_cost,
                "holdout_pct": spec.holdout_pct,
                "seed": spec.seed,
                "file_name": file_name,
            },
        )
        con.execute(_INSERT_MEMBERS_SQL, {"id": campaign_id})
        bump_data_version(con)
    return int(campaign_id)


# ----------------------------------------------------------------------------- results

_RESULTS_SQL = f"""
WITH m AS (
    SELECT m.campaign_id, m.platform, m.shop, m.customer_id, m.grp, c.created_at
    FROM campaign_members m JOIN campaigns c USING (campaign_id)
    WHERE {shop_filter("m")} AND ($campaign_id IS NULL OR m.campaign_id = $campaign_id)
), response AS (
    SELECT m.campaign_id, m.platform, m.shop, m.customer_id, m.grp,
        count(o.order_id) AS orders, coalesce(sum(o.net_amount), 0) AS revenue
    FROM m
    LEFT JOIN valid_orders o
        ON o.platform = m.platform AND o.shop = m.shop AND o.customer_id = m.customer_id
        AND o.order_time > m.created_at
        AND o.order_time <= m.created_at + to_days(CAST($window AS INTEGER))
    GROUP BY ALL
)
SELECT c.campaign_id, c.name, c.created_at, c.as_of, c.segment, c.offer,
    CAST(c.offer_cost AS DOUBLE) AS offer_cost, c.holdout_pct,
    count(*) FILTER (r.grp = 'treatment') AS treatment_members,
    count(*) FILTER (r.grp = 'control') AS control_members,
    count(*) FILTER (r.grp = 'treatment' AND r.orders > 0) AS treatment_buyers,
    count(*) FILTER (r.grp = 'control' AND r.orders > 0) AS control_buyers,
    CAST(coalesce(sum(r.revenue) FILTER (r.grp = 'treatment'), 0) AS DOUBLE)
        AS treatment_revenue,
    CAST(coalesce(sum(r.revenue) FILTER (r.grp = 'control'), 0) AS DOUBLE) AS control_revenue
FROM campaigns c JOIN response r USING (campaign_id)
GROUP BY ALL
ORDER BY c.created_at DESC, c.campaign_id DESC
"""

_LATEST_SQL = f"SELECT max(order_time) FROM orders WHERE {SHOP_FILTER}"

#: Columns of :func:`campaign_results`.
RESULT_COLUMNS = (
    "campaign_id",
    "name",
    "created_at",
    "as_of",
    "segment",
    "offer",
    "offer_cost",
    "holdout_pct",
    "window_days",
    "window_end",
    "days_observed",
    "window_complete",
    "has_control",
    "treatment_members",
    "control_members",
    "treatment_buyers",
    "control_buyers",
    "treatment_rate",
    "control_rate",
    "uplift",
    "uplift_margin",
    "uplift_ci_low",
    "uplift_ci_high",
    "treatment_revenue",
    "control_revenue",
    "treatment_revenue_per_member",
    "control_revenue_per_member",
    "revenue_uplift_per_member",
    "incremental_buyers",
    "incremental_revenue",
    "offer_spend",
    "net_gain",
    "roi",
)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, NaN where den is 0 (an empty group has no rate)."""
    den = den.astype("float64")
    return num.astype("float64") / den.where(den > 0)


def campaign_results(
    con, *, campaign_id: int | None = None, window_days: int = 30, shop: str | None = None
) -> pd.DataFrame:
    """Treatment vs control response of each logged campaign (newest first), or of one.

    A member *bought* when they have a valid order after the campaign's ``created_at`` and
    at most ``window_days`` days after it; revenue is those orders' net amount.

    - ``treatment_rate`` / ``control_rate``: buyers / members of the group (repurchase
      rate); ``treatment_revenue_per_member`` / ``control_revenue_per_member`` likewise.
    - ``uplift`` = p_t − p_c, with a 95 % confidence interval by the normal approximation
      for a difference of two independent proportions (Wald, unpooled):
      ``uplift_margin`` = 1.96 · sqrt(p_t(1 − p_t)/n_t + p_c(1 − p_c)/n_c),
      ``uplift_ci_low/high`` = uplift ∓ margin. ``revenue_uplift_per_member`` is the
      difference of revenue per member.
    - ``incremental_buyers`` = uplift · n_t; ``incremental_revenue`` =
      revenue_uplift_per_member · n_t (what the treatment group bought beyond what it
      would have bought at the control group's rate).
    - ``offer_spend`` = offer_cost × treatment buyers: order exports do not show who
      redeemed the offer, so every treatment buyer is assumed to have used it once (0
      when the campaign has no offer cost). ``net_gain`` = incremental_revenue −
      offer_spend. ``roi`` = incremental_revenue / offer_spend (投入产出比, as in
      ``analytics.promotions``); 0 when nothing was spent and nothing gained, NaN when
      revenue came at no cost.
    - ``has_control`` is False when the control group (or the treatment group) is empty:
      then the empty group's rate and revenue per member, the uplift, its interval and
      everything incremental are NaN (not measurable), and only the treatment group's own
      figures stand. A campaign without later orders has rates, uplift, interval and
      revenue of 0, not NaN.
    - ``window_end`` = created_at + window_days; ``days_observed`` = whole days of orders
      in the store after created_at (capped at window_days); ``window_complete`` when the
      newest stored order reaches window_end.
    """
    window = _whole("window_days", window_days, minimum=1)
    if campaign_id is not None:
        campaign_id = _whole("campaign_id", campaign_id)
    df = con.execute(
        _RESULTS_SQL, {"campaign_id": campaign_id, "window": window, "shop": shop}
    ).df()
    latest = con.execute(_LATEST_SQL, {"shop": shop}).fetchone()[0]
    if df.empty:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    n_t, n_c = df["treatment_members"], df["control_members"]
    df["window_days"] = window
    df["window_end"] = df["created_at"] + pd.Timedelta(days=window)
    if latest is None:
        df["days_observed"] = 0
        df["window_complete"] = False
    else:
        observed = (pd.Timestamp(latest) - df["created_at"]).dt.days.clip(lower=0, upper=window)
        df["days_observed"] = observed.astype("int64")
        df["window_complete"] = pd.Timestamp(latest) >= df["window_end"]
    df["has_control"] = (n_c > 0) & (n_t > 0)
    p_t = _ratio(df["treatment_buyers"], n_t)
    p_c = _ratio(df["control_buyers"], n_c)
    df["treatment_rate"], df["control_rate"] = p_t, p_c
    df["treatment_revenue_per_member"] = _ratio(df["treatment_revenue"], n_t)
    df["control_revenue_per_member"] = _ratio(df["control_revenue"], n_c)
    measurable = df["has_control"]
    uplift = (p_t - p_c).where(measurable)
    variance = p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c
    margin = (Z95 * variance.clip(lower=0) ** 0.5).where(measurable)
    df["uplift"] = uplift
    df["uplift_margin"] = margin
    df["uplift_ci_low"] = uplift - margin
    df["uplift_ci_high"] = uplift + margin
    revenue_uplift = (df["treatment_revenue_per_member"] - df["control_revenue_per_member"]).where(
        measurable
    )
    df["revenue_uplift_per_member"] = revenue_uplift
    df["incremental_buyers"] = uplift * n_t
    df["incremental_revenue"] = revenue_uplift * n_t
    df["offer_spend"] = df["offer_cost"].fillna(0.0) * df["treatment_buyers"]
    df["net_gain"] = df["incremental_revenue"] - df["offer_spend"]
    spend = df["offer_spend"]
    gain = df["incremental_revenue"]
    roi = gain / spend.where(spend > 0)
    df["roi"] = roi.mask((spend == 0) & (gain.abs() < 1e-9), 0.0)
    return df[list(RESULT_COLUMNS)].reset_index(drop=True)
