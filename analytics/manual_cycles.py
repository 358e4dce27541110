"""Repurchase cycles a shop sets by hand (issue 15), beside the learned ones.

The learned cycle of a product (:func:`analytics.repurchase.product_cycles`) needs
``min_customers`` repeat buyers, so small shops and new products get no reminder. A
manual rule (settings ``manual_cycles``) gives a cycle per product (exact title) or per
category (see :mod:`analytics.crosssell` for how a line gets its category):

- by days: ``("product", "氨基酸洗发水 500ml", 30, False)``: remind 30 days after a purchase;
- by quantity: ``("category", "宠物", 5, True)``: one unit lasts 5 days, so a purchase of 3
  cans is due after 15 days.

The reminder day is the due day minus the repurchase settings' ``remind_before_days``,
and a customer is listed when as_of <= remind day <= as_of + within_days, like learned
reminders; customers who paid another order after that purchase within the last
``recent_paid_days`` days are left out. A manual rule wins over the learned cycle: in
:func:`combined_reminders` learned rows of a product a rule covers are dropped. A
product rule beats a category rule. One customer is enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from analytics import settings as settings_store
from analytics.crosssell import LINES_CTE, line_params
from analytics.errors import InputError

SETTINGS_NAME = "manual_cycles"
LEVELS = ("product", "category")


@dataclass(frozen=True)
class ManualCycles:
    """Manual cycle rules: (level, item, days, per_unit) with level product|category;
    per_unit True means ``days`` per unit bought."""

    rules: tuple[tuple, ...] = ()

    def __post_init__(self):
        rules = tuple(tuple(r) for r in self.rules)
        for n, rule in enumerate(rules, start=1):
            if len(rule) != 4:
                raise InputError(f"manual cycle {n}: needs level, item, days, per_unit")
            level, item, days, per_unit = rule
            if level not in LEVELS:
                raise InputError(f"manual cycle {n}: level must be product or category")
            if not str(item or "").strip():
                raise InputError(f"manual cycle {n}: name the product or category")
            if isinstance(days, bool) or not isinstance(days, int | float) or not days > 0:
                raise InputError(f"manual cycle {n}: days must be a number > 0, got {days!r}")
            if not isinstance(per_unit, bool):
                raise InputError(f"manual cycle {n}: per_unit must be true or false")
        keys = [(r[0], str(r[1]).strip()) for r in rules]
        if len(set(keys)) != len(keys):
            raise InputError("manual cycles: one rule per product or category")
        object.__setattr__(
            self, "rules", tuple((r[0], str(r[1]).strip(), float(r[2]), r[3]) for r in rules)
        )


def load(con) -> ManualCycles:
    return settings_store.load(con, SETTINGS_NAME, ManualCycles)


def save(con, value: ManualCycles) -> None:
    settings_store.save(con, SETTINGS_NAME, value)


TABLE_COLUMNS = ("level", "item", "days", "per_unit")


def rules_table(value: ManualCycles) -> pd.DataFrame:
    return pd.DataFrame(list(value.rules), columns=list(TABLE_COLUMNS))


def rules_from_table(table: pd.DataFrame) -> ManualCycles:
    """``ManualCycles`` from an edited table (blank rows skipped); InputError names the row."""
    rules = []
    for n, row in enumerate(table.to_dict(orient="records"), start=1):
        item = str(row.get("item") or "").strip()
        days = row.get("days")
        if not item and (days is None or days != days):
            continue
        try:
            number = float(days)
        except (TypeError, ValueError):
            raise InputError(f"manual cycle row {n}: days must be a number") from None
        rules.append((row.get("level") or "product", item, number, bool(row.get("per_unit"))))
    return ManualCycles(rules=tuple(rules))


_RULES = """
rules AS (
    SELECT unnest(CAST($levels AS VARCHAR[])) AS level, unnest(CAST($items AS VARCHAR[])) AS item,
        unnest(CAST($days AS DOUBLE[])) AS days, unnest(CAST($per_unit AS BOOLEAN[])) AS per_unit
),
ruled AS (
    -- each line's rule: the product's own before its category's
    SELECT l.*, arg_min(r.days, r.level = 'category') AS days,
        arg_min(r.per_unit, r.level = 'category') AS per_unit,
        arg_min(r.level, r.level = 'category') AS rule_level
    FROM lines l
    JOIN rules r ON (r.level = 'product' AND r.item = l.product)
        OR (r.level = 'category' AND r.item = l.category)
    GROUP BY ALL
)"""

_MANUAL_SQL = f"""
WITH {LINES_CTE}, {_RULES},
last_buy AS (
    SELECT platform, shop, customer_id, product, max(day) AS last_purchase
    FROM ruled GROUP BY ALL
),
due AS (
    SELECT r.platform, r.shop, r.customer_id, r.product, r.day AS last_purchase,
        any_value(r.rule_level) AS rule_level,
        CAST(round(CASE WHEN any_value(r.per_unit) THEN any_value(r.days) * sum(r.quantity)
            ELSE any_value(r.days) END) AS INTEGER) AS cycle_days
    FROM ruled r
    JOIN last_buy b ON b.platform = r.platform AND b.shop = r.shop
        AND b.customer_id = r.customer_id AND b.product = r.product AND b.last_purchase = r.day
    GROUP BY ALL
)
SELECT d.platform, d.shop, d.customer_id, c.customer_name, d.product, d.last_purchase,
    d.cycle_days, d.last_purchase + d.cycle_days AS expected_date,
    d.last_purchase + d.cycle_days - $remind_before AS remind_date,
    date_diff('day', $as_of, d.last_purchase + d.cycle_days) AS days_until_expected,
    d.rule_level
FROM due d
LEFT JOIN customers c USING (platform, shop, customer_id)
WHERE d.last_purchase + d.cycle_days - $remind_before BETWEEN $as_of AND $as_of + $within
    AND NOT EXISTS (
        SELECT 1 FROM sales s
        WHERE s.platform = d.platform AND s.shop = d.shop AND s.customer_id = d.customer_id
            AND s.day > d.last_purchase AND s.day > $as_of - $recent_paid
    )
ORDER BY remind_date, expected_date, d.platform, d.shop, d.customer_id, d.product
"""

_COVERED_SQL = f"""
WITH {LINES_CTE}, {_RULES}
SELECT DISTINCT product FROM ruled
"""


def _rule_params(value: ManualCycles) -> dict:
    rules = value.rules or (("product", "", 1.0, False),)  # DuckDB needs typed, non-empty lists
    return {
        "levels": [r[0] for r in rules],
        "items": [r[1] for r in rules],
        "days": [float(r[2]) for r in rules],
        "per_unit": [bool(r[3]) for r in rules],
    }


def manual_reminders(
    con,
    *,
    as_of: date,
    within_days: int = 7,
    rules: ManualCycles | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """Reminders from the manual rules. Columns: those of
    ``analytics.repurchase.REMINDER_COLUMNS`` plus ``rule_level`` (product|category)."""
    from analytics.repurchase import REMINDER_COLUMNS, load_settings

    if not isinstance(within_days, int) or within_days < 0:
        raise InputError(f"within_days must be a whole number >= 0; got {within_days!r}")
    value = load(con) if rules is None else rules
    columns = [*REMINDER_COLUMNS, "rule_level"]
    if not value.rules:
        return pd.DataFrame(columns=columns)
    cfg = load_settings(con)
    params = line_params(con, as_of=as_of, shop=shop) | _rule_params(value)
    params |= {
        "within": within_days,
        "remind_before": int(cfg.remind_before_days),
        "recent_paid": max(int(cfg.recent_paid_days), 0),
    }
    df = con.execute(_MANUAL_SQL, params).df()
    for column in ("last_purchase", "expected_date", "remind_date"):
        df[column] = pd.to_datetime(df[column]).dt.date
    return df.astype({"cycle_days": "int64", "days_until_expected": "int64"})[columns]


def combined_reminders(
    con,
    *,
    as_of: date,
    within_days: int = 7,
    rules: ManualCycles | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """Learned reminders (``analytics.repurchase.reminders``) and manual ones; a product a
    manual rule covers takes only the manual reminder. Column ``source``: learned|manual."""
    from analytics.repurchase import reminders

    value = load(con) if rules is None else rules
    learned = reminders(con, as_of=as_of, within_days=within_days, shop=shop)
    learned = learned.assign(source="learned")
    if not value.rules:
        return learned
    params = line_params(con, as_of=as_of, shop=shop) | _rule_params(value)
    covered = {r[0] for r in con.execute(_COVERED_SQL, params).fetchall()}
    manual = manual_reminders(con, as_of=as_of, within_days=within_days, rules=value, shop=shop)
    learned = learned[~learned["product"].isin(covered)]
    manual = manual.drop(columns="rule_level").assign(source="manual")
    frames = [f for f in (learned, manual) if not f.empty]
    if not frames:
        return learned
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(
        ["remind_date", "expected_date", "customer_id"], kind="stable"
    ).reset_index(drop=True)


def cycle_table(
    con, *, as_of: date, level: str = "product", rules: ManualCycles | None = None, shop=None
) -> pd.DataFrame:
    """Learned median cycles beside the manual ones, per item (``level``): columns item,
    learned_days (NaN when too few repeat buyers), manual_days, per_unit, effective_days
    (manual wins; per-unit rules show the days of one unit)."""
    from analytics.repurchase import product_cycles

    if level not in LEVELS:
        raise InputError(f"level must be one of {LEVELS}; got {level!r}")
    value = load(con) if rules is None else rules
    learned = product_cycles(con, as_of=as_of, level=level, shop=shop)
    learned = learned.rename(columns={level: "item", "median_days": "learned_days"})
    manual = pd.DataFrame(
        [(r[1], r[2], r[3]) for r in value.rules if r[0] == level],
        columns=["item", "manual_days", "per_unit"],
    )
    out = learned[["item", "learned_days", "customers"]].merge(manual, on="item", how="outer")
    out["effective_days"] = out["manual_days"].fillna(out["learned_days"])
    return out[["item", "learned_days", "customers", "manual_days", "per_unit", "effective_days"]]
