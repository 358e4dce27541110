"""From figures to actions (issue 15): the ranked churn list, upgrade candidates within
reach, calendar lists (first-purchase anniversaries, the run-up to shopping festivals,
holidays, new arrivals of a category) and the dated agenda of the next days.

Each list is a function of ``con`` computing what it needs through the metric modules,
one helper per figure (``_p_alive`` reads the stored scores when they answer it,
``_overdue`` …), in DuckDB where a figure covers every buyer: pandas gets the few rows a
list holds (the upgrade candidates' tiers, the agenda's counts). Every list source used by
:mod:`analytics.campaigns` is ``<name>_source(con, *, value, as_of, shop, lang)`` and
returns platform, shop, customer_id, ``reason`` (why this customer, in ``lang``),
``offer`` (the suggested offer) and ``send_date``.

Churn ranking (:func:`churn_ranking`). Candidates are buyers whose last valid order is at
most ``churn_max_days`` old (repurchase settings; older ones are lost already) and who
are overdue: days since the last purchase > factor × their expected gap
(``analytics.repurchase.churn_risk``). For each: ``p_alive`` from the modified BG/NBD
(:mod:`analytics.mbgnbd`, where one-time buyers can lapse too), ``annual_value`` (their
revenue per year as a customer, the repurchase module's value at risk) and

    expected_loss   = (1 - p_alive) * annual_value          (risk x value)
    expected_saving = win_back_rate * expected_loss - cost_per_contact

ranked by expected_loss. The shop contacts the top ``budget / cost_per_contact``
candidates with a positive expected saving; everyone else gets a ``left_out`` reason:
``no_gain`` (saving <= 0) or ``over_budget``.

Upgrade candidates (:func:`upgrade_within_reach`). Buyers with a next tier
(``analytics.tiers``) whose last order is at most ``upgrade_max_days`` old and whose
missing spend is at most ``upgrade_gap_pct`` % of the next tier's spend threshold, or
(``upgrade_one_order``) at most one of their own average orders; with
``upgrade_within_orders`` > 0 also those that many orders from it. ``amount_missing``
says "spend ¥X more to reach 金卡".

Events (:data:`EVENTS`): 618 (Jun 1–18), 双11 (Oct 20–Nov 11), 双12 (Dec 1–12) and 年货节
(30 to 10 days before 春节). The run-up list of an event holds the buyers of its previous
occurrence who have not bought since; it is sent ``event_lead_days`` before the next one
starts (today if that has passed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics import once, tiers
from analytics import settings as settings_store
from analytics.errors import InputError
from analytics.frames import query_df, summary_is_current
from analytics.i18n import t
from analytics.store import SHOP_FILTER

SETTINGS_NAME = "actions"
EVENTS = ("618", "double11", "double12", "nianhuo")
_KEY = ["platform", "shop", "customer_id"]
SOURCE_COLUMNS = [*_KEY, "reason", "offer", "send_date"]


@dataclass(frozen=True)
class ActionSettings:
    """Stored settings ``actions`` (defaults below).

    - ``contact_budget`` / ``cost_per_contact`` (yuan): the churn list holds at most
      budget / cost customers; ``win_back_rate``: share of contacted customers expected
      to come back (for the expected saving).
    - ``upgrade_gap_pct``, ``upgrade_one_order``, ``upgrade_within_orders``,
      ``upgrade_max_days``: see the module docstring.
    - ``event_lead_days``: send festival run-up lists this many days before it starts;
      ``holiday_lead_days`` likewise for holidays; ``active_days``: holiday greetings and
      new-arrival lists go to buyers with an order in this many days.
    """

    contact_budget: float = 1000.0
    cost_per_contact: float = 2.0
    win_back_rate: float = 0.1
    upgrade_gap_pct: float = 20.0
    upgrade_one_order: bool = True
    upgrade_within_orders: int = 0
    upgrade_max_days: int = 180
    event_lead_days: int = 7
    holiday_lead_days: int = 3
    active_days: int = 365

    def __post_init__(self):
        for name in ("contact_budget", "cost_per_contact", "win_back_rate", "upgrade_gap_pct"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise InputError(f"{name} must be a number >= 0, got {value!r}")
        if self.cost_per_contact <= 0:
            raise InputError("cost_per_contact must be greater than 0")
        if self.win_back_rate > 1:
            raise InputError("win_back_rate must be a share between 0 and 1")
        for name in (
            "upgrade_within_orders",
            "upgrade_max_days",
            "event_lead_days",
            "holiday_lead_days",
            "active_days",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"{name} must be a whole number >= 0, got {value!r}")

    @property
    def affordable(self) -> int:
        """How many customers the budget pays for."""
        return int(self.contact_budget // self.cost_per_contact)


def load_settings(con) -> ActionSettings:
    return settings_store.load(con, SETTINGS_NAME, ActionSettings)


def save_settings(con, value: ActionSettings) -> None:
    settings_store.save(con, SETTINGS_NAME, value)


def _fmt(day) -> str:
    return "" if day is None or pd.isna(day) else pd.Timestamp(day).strftime("%Y-%m-%d")


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=SOURCE_COLUMNS)


def _listed(df: pd.DataFrame, *, reasons, offer, send_date) -> pd.DataFrame:
    """``df`` (the key columns and those ``reasons`` reads) as a list source: ``reasons``
    gives each row's reason from the row (``itertuples``); ``offer`` and ``send_date`` are
    one value for every row or one per row."""
    if df.empty:
        return _empty()
    df = df.assign(reason=[reasons(r) for r in df.itertuples()], offer=offer)
    df["send_date"] = send_date
    return df[SOURCE_COLUMNS]


# ----------------------------------------------------------------------------- churn


def _overdue(con, *, as_of: date, shop: str | None) -> pd.DataFrame:
    """Overdue buyers (repurchase churn warning): key, customer_name, last_order_date,
    days_since_last, expected_gap_days, overdue_ratio, revenue, annual_value."""
    from analytics.repurchase import churn_risk

    df = churn_risk(con, as_of=as_of, shop=shop)
    return df.rename(columns={"value_at_risk": "annual_value"})


def _p_alive(con, keys: pd.DataFrame, *, as_of: date, shop: str | None) -> np.ndarray:
    """Modified BG/NBD P(alive) of each row of ``keys`` (NaN: none), in the rows' order:
    the stored scores' when they answer it (joined in DuckDB), else fitted here."""
    from analytics import scores
    from analytics.mbgnbd import customer_predictions

    stored = scores.mbg_p_alive(con, keys, as_of=as_of, shop=shop)
    if stored is not None:
        return stored
    df = customer_predictions(con, as_of=as_of, shop=shop)
    return keys[_KEY].merge(df[[*_KEY, "p_alive"]], on=_KEY, how="left")["p_alive"].to_numpy()


_BUYER_COUNTS_SQL = f"""
SELECT count(*) AS buyers,
    count(*) FILTER ($max_days > 0 AND date_diff('day', CAST(last AS DATE), $as_of) > $max_days)
        AS lost
FROM (
    SELECT platform, shop, customer_id, max(order_time) AS last
    FROM buyer_valid_orders WHERE CAST(order_time AS DATE) <= $as_of AND {SHOP_FILTER}
    GROUP BY ALL
)
"""

LEFT_OUT = ("lost", "not_overdue", "no_gain", "over_budget")


@dataclass(frozen=True, eq=False)
class ChurnRanking:
    """``ranked``: every overdue candidate, best first, with ``selected`` and ``left_out``
    (None, ``no_gain`` or ``over_budget``). ``counts``: buyers, lost, not_overdue,
    candidates, selected, no_gain, over_budget. ``expected_saving``: sum over the
    selected. ``settings``: what it was built with."""

    ranked: pd.DataFrame
    counts: dict = field(default_factory=dict)
    expected_saving: float = 0.0
    settings: ActionSettings = ActionSettings()

    @property
    def selected(self) -> pd.DataFrame:
        return self.ranked[self.ranked["selected"]].reset_index(drop=True)


def churn_ranking(
    con,
    *,
    as_of: date,
    limit: int | None = None,
    settings: ActionSettings | None = None,
    shop: str | None = None,
) -> ChurnRanking:
    """The churn list ranked by risk x value (module docstring). ``limit`` overrides the
    number the budget pays for."""
    from analytics.repurchase import load_settings as repurchase_settings

    cfg = settings or load_settings(con)
    cap = cfg.affordable if limit is None else int(limit)
    if cap < 0:
        raise InputError(f"the number of contacts must be >= 0, got {limit!r}")
    max_days = max(int(repurchase_settings(con).churn_max_days), 0)
    buyers, lost = con.execute(
        _BUYER_COUNTS_SQL, {"as_of": as_of, "shop": shop, "max_days": max_days}
    ).fetchone()
    overdue = _overdue(con, as_of=as_of, shop=shop)
    columns = [
        *_KEY,
        "customer_name",
        "last_order_date",
        "days_since_last",
        "overdue_ratio",
        "p_alive",
        "annual_value",
        "expected_loss",
        "expected_saving",
        "rank",
        "selected",
        "left_out",
    ]
    if overdue.empty:
        df = pd.DataFrame(columns=columns)
    else:
        df = overdue.assign(p_alive=_p_alive(con, overdue, as_of=as_of, shop=shop))
        df["p_alive"] = df["p_alive"].fillna(1.0)
        df["expected_loss"] = ((1.0 - df["p_alive"]) * df["annual_value"]).round(2)
        df["expected_saving"] = (
            cfg.win_back_rate * df["expected_loss"] - cfg.cost_per_contact
        ).round(2)
        df = df.sort_values(
            ["expected_loss", "overdue_ratio", "customer_id"],
            ascending=[False, False, True],
            kind="stable",
        ).reset_index(drop=True)
        df["rank"] = np.arange(1, len(df) + 1)
        gain = df["expected_saving"] > 0
        df["selected"] = gain & (gain.cumsum() <= cap)
        df["left_out"] = [
            None if chosen else ("over_budget" if positive else "no_gain")
            for chosen, positive in zip(df["selected"], gain, strict=True)
        ]
        df = df[columns]
    selected = df[df["selected"].astype(bool)]
    counts = {
        "buyers": int(buyers),
        "lost": int(lost),
        "not_overdue": int(buyers) - int(lost) - len(df),
        "candidates": len(df),
        "selected": len(selected),
        "no_gain": int((df["left_out"] == "no_gain").sum()),
        "over_budget": int((df["left_out"] == "over_budget").sum()),
    }
    saving = float(selected["expected_saving"].sum()) if len(selected) else 0.0
    return ChurnRanking(df, counts, round(saving, 2), cfg)


def churn_source(con, *, value, as_of: date, shop: str | None, lang: str) -> pd.DataFrame:
    """List source ``churn:N`` (N contacts; 0 or None: what the budget pays for)."""
    ranking = churn_ranking(con, as_of=as_of, limit=value or None, shop=shop)
    return _listed(
        ranking.selected,
        reasons=lambda r: t(
            "actions.reason.churn",
            lang=lang,
            rank=int(r.rank),
            p_alive=float(r.p_alive),
            ratio=float(r.overdue_ratio),
            loss=float(r.expected_loss),
        ),
        offer=t("actions.offer.churn", lang=lang),
        send_date=as_of,
    )


# ----------------------------------------------------------------------------- upgrade


_LAST_SQL = f"""
SELECT platform, shop, customer_id, CAST(max(order_time) AS DATE) AS last_order_date
FROM buyer_valid_orders WHERE CAST(order_time AS DATE) <= $as_of AND {SHOP_FILTER}
GROUP BY ALL
"""
# The last valid order's day read off the customer summary, when no order is after as_of.
_SUMMARY_LAST_SQL = """
SELECT platform, shop, customer_id, CAST(last_order_time AS DATE) AS last_order_date
FROM customers WHERE last_order_time IS NOT NULL
"""


def _reach_sql(last: str) -> str:
    """The rows upgrade_within_reach decides on: the buyers of customer_tiers (in its
    order) with a next tier and a last valid order (``last``: key, last_order_date) at most
    $max_days before as_of, whose gaps may be within reach: a cent more than the exact
    tests allow, so that no candidate is left out here (the tests run on these few rows)."""
    return f"""
WITH t AS ({tiers._TIERS_SQL}), last AS ({last})
SELECT t.* REPLACE (CAST(t.revenue AS DOUBLE) AS revenue), last.last_order_date
FROM t JOIN last USING (platform, shop, customer_id)
WHERE t.next_tier IS NOT NULL
    AND date_diff('day', last.last_order_date, $as_of) <= $max_days
    AND ((t.spend_to_next > 0
            AND (t.spend_to_next <= $gap_share * $min_spend[list_position($ids, t.next_tier) - 1]
                    + 0.01
                OR ($one_order AND t.spend_to_next <= CAST(t.revenue AS DOUBLE) / t.valid_orders
                    + 0.01)))
        OR ($within_orders > 0 AND t.orders_to_next BETWEEN 1 AND $within_orders))
ORDER BY revenue DESC, platform, shop, customer_id
"""


#: Upgrade rows by source of the last order: False = the orders, True = the summary.
_REACH_SQLS = {False: _reach_sql(_LAST_SQL), True: _reach_sql(_SUMMARY_LAST_SQL)}


# For the dtypes of the rows decided on, as those of customer_tiers merged with the last
# orders: whether a buyer is in the top tier (the next-tier columns hold nulls, so
# orders_to_next is a nullable integer), whether one has a next tier, and whether a valid
# order is on or before as_of (without either, the key columns of no rows are objects).
_REACH_DTYPES_SQL = f"""
WITH t AS ({tiers._TIERS_SQL})
SELECT EXISTS (SELECT 1 FROM t WHERE next_tier IS NULL),
    EXISTS (SELECT 1 FROM t WHERE next_tier IS NOT NULL),
    EXISTS (
        SELECT 1 FROM buyer_valid_orders WHERE CAST(order_time AS DATE) <= $as_of AND {SHOP_FILTER}
    )
"""


def upgrade_within_reach(
    con, *, as_of: date, settings: ActionSettings | None = None, shop: str | None = None
) -> pd.DataFrame:
    """Buyers within reach of their next tier (module docstring), nearest first.

    Columns: platform, shop, customer_id, customer_name, tier, next_tier, revenue,
    valid_orders, aov, amount_missing, orders_to_next, next_min_spend, last_order_date,
    route (``spend`` | ``order``)."""
    cfg = settings or load_settings(con)
    rules = settings_store.load(con, "tiers", tiers.TierRules)
    thresholds = {tier[0]: float(tier[4]) for tier in rules.tiers}
    params = tiers._params(rules, shop) | {
        "as_of": as_of,
        "max_days": cfg.upgrade_max_days,
        "gap_share": cfg.upgrade_gap_pct / 100,
        "one_order": cfg.upgrade_one_order,
        "within_orders": cfg.upgrade_within_orders,
    }
    sql = _REACH_SQLS[summary_is_current(con, as_of)]
    # Only the few buyers who may be within reach are fetched, not every buyer's tier.
    top_held, next_held, ordered = con.execute(
        _REACH_DTYPES_SQL, once.bind(_REACH_DTYPES_SQL, params)
    ).fetchall()[0]
    df = query_df(con, sql, params)
    if top_held:
        df["orders_to_next"] = df["orders_to_next"].astype("Int32")
    if not (next_held or ordered):
        df = df.astype(dict.fromkeys(_KEY, object))
    df["last_order_date"] = pd.to_datetime(df["last_order_date"]).dt.date
    df["aov"] = (df["revenue"] / df["valid_orders"]).round(2)
    df["next_min_spend"] = df["next_tier"].map(thresholds).astype(float)  # float when empty
    gap = df["spend_to_next"].astype(float)
    by_spend = (gap > 0) & (gap <= cfg.upgrade_gap_pct / 100 * df["next_min_spend"] + 1e-9)
    if cfg.upgrade_one_order:
        by_spend |= (gap > 0) & (gap <= df["aov"] + 1e-9)
    by_orders = (
        (df["orders_to_next"] > 0) & (df["orders_to_next"] <= cfg.upgrade_within_orders)
        if cfg.upgrade_within_orders
        else pd.Series(False, index=df.index)
    )
    df = df[by_spend | by_orders].copy()
    df["route"] = np.where(by_spend[df.index], "spend", "order")
    df["amount_missing"] = gap[df.index].round(2)
    df = df.sort_values(
        ["amount_missing", "revenue", "customer_id"], ascending=[True, False, True], kind="stable"
    )
    columns = [
        *_KEY,
        "customer_name",
        "tier",
        "next_tier",
        "revenue",
        "valid_orders",
        "aov",
        "amount_missing",
        "orders_to_next",
        "next_min_spend",
        "last_order_date",
        "route",
    ]
    return df[columns].reset_index(drop=True)


def upgrade_summary(
    con, *, as_of: date, gap_pct: float | None = None, shop: str | None = None
) -> dict:
    """How many buyers (valid order up to as_of) are upgrade candidates at ``gap_pct``
    (default: the settings'): ``{"candidates", "buyers", "share"}``."""
    cfg = load_settings(con)
    if gap_pct is not None:
        cfg = ActionSettings(**{**cfg.__dict__, "upgrade_gap_pct": float(gap_pct)})
    n = len(upgrade_within_reach(con, as_of=as_of, settings=cfg, shop=shop))
    buyers = con.execute(_BUYER_COUNTS_SQL, {"as_of": as_of, "shop": shop, "max_days": 0})
    total = int(buyers.fetchone()[0])
    return {"candidates": n, "buyers": total, "share": n / total if total else 0.0}


def upgrade_source(con, *, value, as_of: date, shop: str | None, lang: str) -> pd.DataFrame:
    """List source ``upgrade:PCT`` (the spend gap in % of the next tier's threshold)."""
    from analytics import tiers

    cfg = load_settings(con)
    if value is not None:
        cfg = ActionSettings(**{**cfg.__dict__, "upgrade_gap_pct": float(value)})
    df = upgrade_within_reach(con, as_of=as_of, settings=cfg, shop=shop)
    rules = settings_store.load(con, "tiers", tiers.TierRules)
    return _listed(
        df,
        reasons=lambda r: t(
            "actions.reason.upgrade" if r.route == "spend" else "actions.reason.upgrade_orders",
            lang=lang,
            amount=float(r.amount_missing),
            orders=int(r.orders_to_next or 0),
            tier=rules.name(r.next_tier, lang),
        ),
        offer=[
            t("actions.offer.upgrade", lang=lang, tier=rules.name(n, lang)) for n in df["next_tier"]
        ],
        send_date=as_of,
    )


# ----------------------------------------------------------------------------- calendar

# First-purchase anniversaries (1 year or more) in as_of .. as_of + $days of the buyers in
# ``firsts`` (key, first_day): the anniversary list's and the agenda's.
_ANNIVERSARIES_CTES = """
next AS (
    SELECT *, year($as_of) - year(first_day) AS n FROM firsts
), dated AS (
    SELECT *, CAST(first_day + to_years(CAST(n AS INTEGER)) AS DATE) AS this_year,
        CAST(first_day + to_years(CAST(n + 1 AS INTEGER)) AS DATE) AS next_year
    FROM next
), anniversaries AS (
    SELECT platform, shop, customer_id, first_day,
        CASE WHEN this_year >= $as_of THEN this_year ELSE next_year END AS anniversary,
        CASE WHEN this_year >= $as_of THEN n ELSE n + 1 END AS years
    FROM dated
    WHERE date_diff('day', $as_of,
            CASE WHEN this_year >= $as_of THEN this_year ELSE next_year END) <= $days
        AND (CASE WHEN this_year >= $as_of THEN n ELSE n + 1 END) >= 1
)"""

_ANNIVERSARY_SQL = f"""
WITH firsts AS (
    SELECT platform, shop, customer_id, CAST(min(order_time) AS DATE) AS first_day
    FROM buyer_valid_orders WHERE CAST(order_time AS DATE) <= $as_of AND {SHOP_FILTER}
    GROUP BY ALL
), {_ANNIVERSARIES_CTES}
SELECT * FROM anniversaries
ORDER BY anniversary, platform, shop, customer_id
"""


def anniversaries(con, *, as_of: date, within_days: int = 7, shop=None) -> pd.DataFrame:
    """Buyers whose first-purchase anniversary (1 year or more) falls in as_of ..
    as_of + within_days (29 Feb counts as 28 Feb). Columns: key, first_day, anniversary,
    years."""
    df = con.execute(
        _ANNIVERSARY_SQL, {"as_of": as_of, "days": int(within_days), "shop": shop}
    ).df()
    for column in ("first_day", "anniversary"):
        df[column] = pd.to_datetime(df[column]).dt.date
    return df


def anniversary_source(con, *, value, as_of: date, shop: str | None, lang: str) -> pd.DataFrame:
    """List source ``anniversary:N`` (anniversaries in the next N days)."""
    df = anniversaries(con, as_of=as_of, within_days=7 if value is None else value, shop=shop)
    return _listed(
        df,
        reasons=lambda r: t(
            "actions.reason.anniversary", lang=lang, first=_fmt(r.first_day), years=int(r.years)
        ),
        offer=t("actions.offer.anniversary", lang=lang),
        send_date=df["anniversary"],
    )


def _spring_festival(year: int) -> date:
    from analytics.seasonality import calendar_marks

    marks = calendar_marks(date(year, 1, 1), date(year, 3, 1))
    spring = marks[marks["kind"] == "spring_festival"]
    if spring.empty:
        raise InputError(f"no Spring Festival known for {year}")
    return pd.Timestamp(spring["date"].iloc[0]).date()


def event_window(event: str, year: int) -> tuple[date, date]:
    """(start, end) of ``event`` in ``year`` (both days included)."""
    if event == "618":
        return date(year, 6, 1), date(year, 6, 18)
    if event == "double11":
        return date(year, 10, 20), date(year, 11, 11)
    if event == "double12":
        return date(year, 12, 1), date(year, 12, 12)
    if event == "nianhuo":
        spring = _spring_festival(year)
        return spring - timedelta(days=30), spring - timedelta(days=10)
    raise InputError(f"unknown event {event!r}; expected one of {EVENTS}")


def event_occurrences(event: str, as_of: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """(previous, next) windows of ``event`` around as_of: next is the first not over on
    as_of, previous the one before it."""
    windows = [event_window(event, y) for y in range(as_of.year - 2, as_of.year + 2)]
    upcoming = next(i for i, (_, end) in enumerate(windows) if end >= as_of)
    return windows[upcoming - 1], windows[upcoming]


def _bought_for(start: str, end: str) -> str:
    """SQL over one buyer's valid order days (``day``): bought in the window $start ..
    $end (parameters named ``start`` and ``end``) and not since: a run-up list member."""
    return (
        f"count(*) FILTER (day BETWEEN ${start} AND ${end}) > 0"
        f" AND count(*) FILTER (day > ${end}) = 0"
    )


_EVENT_SQL = f"""
WITH s AS (
    SELECT platform, shop, customer_id, CAST(order_time AS DATE) AS day
    FROM buyer_valid_orders WHERE CAST(order_time AS DATE) <= $as_of AND {SHOP_FILTER}
)
SELECT platform, shop, customer_id, max(day) FILTER (day BETWEEN $start AND $end) AS event_day
FROM s
GROUP BY ALL
HAVING {_bought_for("start", "end")}
ORDER BY event_day DESC, platform, shop, customer_id
"""


def _event_dates(event: str, as_of: date, cfg: ActionSettings) -> tuple[date, tuple[date, date]]:
    """The send date of ``event``'s run-up list and the previous window it looks back on."""
    previous, upcoming = event_occurrences(event, as_of)
    return max(as_of, upcoming[0] - timedelta(days=cfg.event_lead_days)), previous


def event_runup(
    con, *, event: str, as_of: date, settings: ActionSettings | None = None, shop=None
) -> tuple[pd.DataFrame, date, tuple[date, date]]:
    """Buyers of the previous ``event`` who have not bought since, the send date and the
    previous window. Columns: key, event_day (their last purchase in it)."""
    if event not in EVENTS:
        raise InputError(f"unknown event {event!r}; expected one of {EVENTS}")
    cfg = settings or load_settings(con)
    send, previous = _event_dates(event, as_of, cfg)
    df = con.execute(
        _EVENT_SQL, {"as_of": as_of, "start": previous[0], "end": previous[1], "shop": shop}
    ).df()
    df["event_day"] = pd.to_datetime(df["event_day"]).dt.date
    return df, send, previous


def event_source(con, *, value, as_of: date, shop: str | None, lang: str) -> pd.DataFrame:
    """List source ``event:NAME`` (618, double11, double12, nianhuo)."""
    df, send, previous = event_runup(con, event=str(value), as_of=as_of, shop=shop)
    name = t(f"actions.event.{value}", lang=lang)
    return _listed(
        df,
        reasons=lambda r: t(
            "actions.reason.event", lang=lang, event=name, year=previous[1].year,
            day=_fmt(r.event_day),
        ),
        offer=t("actions.offer.event", lang=lang, event=name),
        send_date=send,
    )  # fmt: skip


def next_holiday(as_of: date, within_days: int) -> dict | None:
    """The first holiday period (public holiday or 春节) starting in as_of ..
    as_of + within_days, as a dict of the calendar mark; None when there is none."""
    from analytics.seasonality import calendar_marks

    marks = calendar_marks(as_of, as_of + timedelta(days=within_days))
    marks = marks[marks["kind"] != "shopping"]
    starts = pd.to_datetime(marks["start"]).dt.date
    marks = marks[(starts >= as_of) & (starts <= as_of + timedelta(days=within_days))]
    return None if marks.empty else marks.iloc[0].to_dict()


_ACTIVE_SQL = f"""
SELECT platform, shop, customer_id, CAST(max(order_time) AS DATE) AS last_day
FROM buyer_valid_orders WHERE CAST(order_time AS DATE) <= $as_of AND {SHOP_FILTER}
GROUP BY ALL
HAVING date_diff('day', CAST(max(order_time) AS DATE), $as_of) <= $days
"""


def _holiday_send(mark: dict, as_of: date, cfg: ActionSettings) -> date:
    """The send date of the greeting before the holiday of calendar mark ``mark``."""
    start = pd.Timestamp(mark["start"]).date()
    return max(as_of, start - timedelta(days=cfg.holiday_lead_days))


def holiday_greeting(
    con, *, as_of: date, within_days: int, shop: str | None = None
) -> tuple[pd.DataFrame, dict, date] | None:
    """Active buyers to greet before the next holiday starting within ``within_days``
    (:func:`next_holiday`): (their keys, the holiday's calendar mark, the send date);
    None when no holiday starts then or nobody is active."""
    cfg = load_settings(con)
    mark = next_holiday(as_of, within_days)
    if mark is None:
        return None
    df = con.execute(_ACTIVE_SQL, {"as_of": as_of, "days": cfg.active_days, "shop": shop}).df()
    if df.empty:
        return None
    return df, mark, _holiday_send(mark, as_of, cfg)


def _holiday_name(mark: dict, lang: str) -> str:
    return mark["name_zh"] if lang == "zh" else mark["name_en"]


def holiday_source(con, *, value, as_of: date, shop: str | None, lang: str) -> pd.DataFrame:
    """List source ``holiday:N``: active buyers, greeted before the next holiday starting
    within N days (none: an empty list)."""
    greeting = holiday_greeting(
        con, as_of=as_of, within_days=14 if value is None else int(value), shop=shop
    )
    if greeting is None:
        return _empty()
    df, mark, send = greeting
    start = pd.Timestamp(mark["start"]).date()
    name = _holiday_name(mark, lang)
    reason = t("actions.reason.holiday", lang=lang, holiday=name, day=_fmt(start))
    return _listed(
        df,
        reasons=lambda r: reason,
        offer=t("actions.offer.holiday", lang=lang, holiday=name),
        send_date=send,
    )


def new_arrival_source(con, *, value, as_of: date, shop: str | None, lang: str) -> pd.DataFrame:
    """List source ``new_arrival:CATEGORY``: buyers of the category with an order in the
    last ``active_days`` days."""
    from analytics.crosssell import LINES_CTE, line_params

    cfg = load_settings(con)
    sql = f"""WITH {LINES_CTE}
    SELECT platform, shop, customer_id, max(day) FILTER (category = $category) AS last_cat
    FROM lines GROUP BY ALL
    HAVING count(*) FILTER (category = $category) > 0
        AND date_diff('day', max(day), $as_of) <= $days
    ORDER BY last_cat DESC, platform, shop, customer_id"""
    params = line_params(con, as_of=as_of, shop=shop)
    params |= {"category": str(value), "days": cfg.active_days}
    return _listed(
        con.execute(sql, params).df(),
        reasons=lambda r: t(
            "actions.reason.new_arrival", lang=lang, category=value, day=_fmt(r.last_cat)
        ),
        offer=t("actions.offer.new_arrival", lang=lang, category=value),
        send_date=as_of,
    )


def cross_sell_source(con, *, value, as_of: date, shop: str | None, lang: str) -> pd.DataFrame:
    """List source ``cross_sell:A,B``: bought A, not yet B."""
    from analytics.crosssell import bought_not_yet, parse_pair

    first, second = parse_pair(value)
    return _listed(
        bought_not_yet(con, first=first, second=second, as_of=as_of, shop=shop),
        reasons=lambda r: t(
            "actions.reason.cross_sell", lang=lang, a=r.product_a, day=_fmt(r.last_a), b=second
        ),
        offer=t("actions.offer.cross_sell", lang=lang, a=first, b=second),
        send_date=as_of,
    )


def upsell_source(con, *, value, as_of: date, shop: str | None, lang: str) -> pd.DataFrame:
    """List source ``upsell:CATEGORY[,PRICE]``."""
    from analytics.crosssell import parse_upsell, upsell_candidates

    category, price = parse_upsell(value)
    return _listed(
        upsell_candidates(con, category=category, price=price, as_of=as_of, shop=shop),
        reasons=lambda r: t(
            "actions.reason.upsell", lang=lang, category=category, max_price=r.max_price,
            price=r.price,
        ),
        offer=t("actions.offer.upsell", lang=lang, category=category),
        send_date=as_of,
    )  # fmt: skip


# ----------------------------------------------------------------------------- agenda

AGENDA_COLUMNS = ("date", "source", "what", "customers", "why", "offer")


@dataclass(frozen=True)
class AgendaItem:
    """One planned list of the agenda, before it is put in words: ``why`` and ``offer``
    are i18n keys filled with ``args``, where ``event`` is an event id (named in the
    reader's language) and ``holiday`` a (Chinese, English) pair of names."""

    date: date
    source: str
    customers: int
    why: str
    offer: str
    args: tuple[tuple[str, object], ...] = ()


# What the agenda counts in one pass over the valid orders, each as its own list defines
# it: per buyer (group of key) the first and last purchase day and, per event, whether they
# are in its run-up list (event_runup, windows $start_EVENT .. $end_EVENT: NULL for an
# event without dates); then the anniversaries per day (anniversaries), the active buyers
# (holiday_greeting) and the run-up lists' sizes.
_AGENDA_COUNTS_SQL = f"""
WITH s AS (
    SELECT platform, shop, customer_id, CAST(order_time AS DATE) AS day
    FROM buyer_valid_orders WHERE CAST(order_time AS DATE) <= $as_of AND {SHOP_FILTER}
), buyers AS MATERIALIZED (
    SELECT platform, shop, customer_id, min(day) AS first_day, max(day) AS last_day,
        {", ".join(f'{_bought_for(f"start_{e}", f"end_{e}")} AS "{e}"' for e in EVENTS)}
    FROM s
    GROUP BY ALL
), firsts AS (
    SELECT platform, shop, customer_id, first_day FROM buyers
), {_ANNIVERSARIES_CTES}, per_day AS (
    SELECT anniversary, count(*) AS customers FROM anniversaries GROUP BY anniversary
)
SELECT
    (SELECT list(anniversary ORDER BY anniversary) FROM per_day) AS anniversary_days,
    (SELECT list(customers ORDER BY anniversary) FROM per_day) AS anniversary_customers,
    count(*) FILTER (date_diff('day', last_day, $as_of) <= $active_days) AS active,
    {", ".join(f'count(*) FILTER ("{e}") AS "{e}"' for e in EVENTS)}
FROM buyers
"""


@dataclass(frozen=True)
class _AgendaCounts:
    """The agenda's list sizes from the valid orders (``_AGENDA_COUNTS_SQL``)."""

    anniversaries: tuple[tuple[date, int], ...]  # (day, customers), by day
    active: int
    events: dict


def _agenda_counts(con, *, as_of: date, days: int, events: dict, cfg, shop) -> _AgendaCounts:
    """The sizes of the anniversary lists by day (within ``days``), of the active buyers
    and of each event's run-up list (``events``: event -> (send, previous window))."""
    params = {"as_of": as_of, "days": days, "active_days": cfg.active_days, "shop": shop}
    for event in EVENTS:
        window = events[event][1] if event in events else (None, None)
        params |= {f"start_{event}": window[0], f"end_{event}": window[1]}
    row = con.execute(_AGENDA_COUNTS_SQL, params).fetchall()[0]
    anniversary_days, anniversary_customers, active, *runups = row
    return _AgendaCounts(
        anniversaries=tuple(zip(anniversary_days or [], anniversary_customers or [], strict=True)),
        active=int(active),
        events=dict(zip(EVENTS, runups, strict=True)),
    )


@once.shared
def agenda_plan(
    con, *, as_of: date, days: int = 30, shop: str | None = None
) -> tuple[AgendaItem, ...]:
    """The lists of :func:`agenda` in any language: computed once for both languages when
    the stored views are rebuilt. The calendar lists are counted, not listed
    (``_AGENDA_COUNTS_SQL``): the same sizes as :func:`anniversaries`, :func:`event_runup`
    and :func:`holiday_greeting` give."""
    if not isinstance(days, int) or days < 0:
        raise InputError(f"days must be a whole number >= 0, got {days!r}")
    end = as_of + timedelta(days=days)
    items: list[AgendaItem] = []

    def add(day, source, customers, why, offer, **args):
        if customers and as_of <= day <= end:
            items.append(AgendaItem(day, source, int(customers), why, offer, tuple(args.items())))

    from analytics.manual_cycles import combined_reminders

    try:
        due = combined_reminders(con, as_of=as_of, within_days=days, shop=shop)
    except InputError:
        due = pd.DataFrame(columns=["remind_date", "customer_id"])
    for day, group in due.groupby("remind_date"):
        n = group["customer_id"].nunique()
        add(day, f"reminders:{(day - as_of).days}", n, "actions.agenda.reminders",
            "campaigns.offer.reminders", n=n)  # fmt: skip
    cfg = load_settings(con)
    events = {}
    for event in EVENTS:
        try:
            events[event] = _event_dates(event, as_of, cfg)
        except InputError:
            continue
    counts = _agenda_counts(con, as_of=as_of, days=days, events=events, cfg=cfg, shop=shop)
    for day, n in counts.anniversaries:
        add(day, f"anniversary:{(day - as_of).days}", n, "actions.agenda.anniversary",
            "actions.offer.anniversary")  # fmt: skip
    for event, (send, previous) in events.items():
        add(send, f"event:{event}", counts.events[event], "actions.agenda.event",
            "actions.offer.event", event=event, year=previous[1].year)  # fmt: skip
    mark = next_holiday(as_of, days)
    if mark is not None and counts.active:
        add(_holiday_send(mark, as_of, cfg), f"holiday:{days}", counts.active,
            "actions.agenda.holiday", "actions.offer.holiday",
            holiday=(mark["name_zh"], mark["name_en"]))  # fmt: skip
    try:
        ranking = churn_ranking(con, as_of=as_of, shop=shop)
        add(as_of, "churn", ranking.counts["selected"], "actions.agenda.churn",
            "actions.offer.churn", n=ranking.counts["candidates"],
            saving=ranking.expected_saving)  # fmt: skip
    except InputError:
        pass
    upgrade = upgrade_within_reach(con, as_of=as_of, shop=shop)
    add(as_of, "upgrade", len(upgrade), "actions.agenda.upgrade", "actions.offer.upgrade_any")
    return tuple(items)


def agenda_text(plan: tuple[AgendaItem, ...], *, lang: str) -> pd.DataFrame:
    """The agenda table of ``plan`` in ``lang`` (columns :data:`AGENDA_COLUMNS`)."""
    rows = []
    for item in plan:
        args = dict(item.args)
        if "event" in args:
            args["event"] = t(f"actions.event.{args['event']}", lang=lang)
        if "holiday" in args:
            args["holiday"] = args["holiday"][0 if lang == "zh" else 1]
        kind = item.source.split(":")[0]
        value = args["event"] if kind == "event" else ""
        rows.append(
            {
                "date": item.date,
                "source": item.source,
                "what": t(f"campaigns.seg.{kind}", lang=lang, value=value),
                "customers": item.customers,
                "why": t(item.why, lang=lang, **args),
                "offer": t(item.offer, lang=lang, **args),
            }
        )
    out = pd.DataFrame(rows, columns=list(AGENDA_COLUMNS))
    return out.sort_values(
        ["date", "customers"], ascending=[True, False], kind="stable"
    ).reset_index(drop=True)


def agenda(con, *, as_of: date, days: int = 30, shop: str | None = None, lang: str = "zh"):
    """Who to contact, when and why in as_of .. as_of + days: one row per date and list.

    Columns: date, source (the campaign list ``KIND:VALUE`` that builds it), what (the
    list's name), customers, why, offer. Rows: repurchase reminders (learned and manual)
    by reminder day, first-purchase anniversaries and birthdays by day, the run-up of each
    shopping festival and the next holiday on their send dates, and today's ranked churn
    and upgrade lists. Sorted by date, then most customers.
    """
    return agenda_text(agenda_plan(con, as_of=as_of, days=days, shop=shop), lang=lang)
