"""Action lists of issue 15 on small hand-made shops: the ranked churn list, upgrade
candidates within reach, first-purchase anniversaries, festival run-ups, holiday greetings,
new arrivals, cross-sell and upsell, manual repurchase cycles, the richer list columns and
filters, the agenda, and ``export-list --segment KIND:VALUE`` for each new source.

Every order goes straight into ``orders`` (shop taobao/s) with tests.test_campaigns.add_order;
the expected members of each list are written out in its test.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pandas as pd
import pytest

from analytics import actions, crosssell, customers, manual_cycles, once, settings, store, tiers
from analytics.actions import ActionSettings
from analytics.campaigns import ListSpec, build_list, parse_source
from analytics.cli import main
from analytics.errors import InputError
from tests.test_campaigns import add_order

AS_OF = date(2024, 6, 30)
#: Every exclusion off: a list equal to its source after filters.
OFF = dict(
    exclude_paid_days=0, exclude_contacted_days=0, exclude_refunded=False, exclude_bad_review=False
)


def ids(target_or_frame) -> list[str]:
    df = getattr(target_or_frame, "members", target_or_frame)
    return df["customer_id"].tolist()


def members(con, source: str, as_of: date = AS_OF, **spec) -> pd.DataFrame:
    kind, value = parse_source(source)
    return build_list(con, ListSpec(kind=kind, value=value, **(OFF | spec)), as_of=as_of).members


def add_profile(con, customer, *, gender=None, tags=None):
    con.execute(
        "INSERT INTO customer_profiles VALUES (?, NULL, NULL, ?, ?, NULL, 0)",
        [customer, gender, tags],
    )


# ----------------------------------------------------------------------------- churn


def churn_shop(con) -> None:
    """20 steady buyers of 洗发水 (30-day cycle, last order 5 days ago: not overdue), three
    overdue buyers of different value (two orders 30 days apart, the last 100 days ago) and
    one lost buyer (last order 400 days ago)."""
    n = 0
    for i in range(20):
        for when in (AS_OF - timedelta(days=35), AS_OF - timedelta(days=5)):
            n += 1
            add_order(con, f"o{n}", f"bg{i:02d}", f"{when} 10:00:00", amount=100)
    for customer, amount in (("big", 1000), ("mid", 500), ("small", 20)):
        for when in (AS_OF - timedelta(days=130), AS_OF - timedelta(days=100)):
            n += 1
            add_order(con, f"o{n}", customer, f"{when} 10:00:00", amount=amount)
    add_order(con, "old1", "old", f"{AS_OF - timedelta(days=400)} 10:00:00", amount=900)
    customers.refresh(con)


def test_churn_ranking_ranks_by_risk_times_value_within_the_budget(con):
    churn_shop(con)
    cfg = ActionSettings(contact_budget=40, cost_per_contact=20, win_back_rate=0.1)
    ranking = actions.churn_ranking(con, as_of=AS_OF, settings=cfg)
    assert ids(ranking.ranked) == ["big", "mid", "small"]
    assert ids(ranking.selected) == ["big", "mid"]
    assert ranking.ranked["left_out"].tolist()[2] == "no_gain"
    assert ranking.counts == {
        "buyers": 24,
        "lost": 1,
        "not_overdue": 20,
        "candidates": 3,
        "selected": 2,
        "no_gain": 1,
        "over_budget": 0,
    }
    row = ranking.ranked.iloc[0]
    assert row["expected_loss"] == pytest.approx((1 - row["p_alive"]) * row["annual_value"], 0.01)
    assert 0 < row["p_alive"] < 1
    assert ranking.expected_saving == pytest.approx(ranking.selected["expected_saving"].sum())


def test_churn_ranking_leaves_out_what_the_budget_cannot_pay_for(con):
    churn_shop(con)
    cfg = ActionSettings(contact_budget=20, cost_per_contact=20, win_back_rate=0.1)
    ranking = actions.churn_ranking(con, as_of=AS_OF, settings=cfg)
    assert ids(ranking.selected) == ["big"]
    assert ranking.ranked.set_index("customer_id")["left_out"].fillna("").to_dict() == {
        "big": "",
        "mid": "over_budget",
        "small": "no_gain",
    }


def test_churn_list_source_gives_each_member_its_rank_and_reason(con):
    churn_shop(con)
    df = members(con, "churn:1")
    assert ids(df) == ["big"]
    assert df["reason"].iloc[0].startswith("第 1 名：存活概率")
    assert df["suggested_offer"].iloc[0].startswith("挽留券")


# ----------------------------------------------------------------------------- upgrade


def upgrade_shop(con) -> None:
    """Default tiers (银卡 2 orders or ¥500, 金卡 4 or ¥1500): u1 ¥450 (¥50 short of 银卡),
    u2 ¥300 (¥200 short, one of their orders), u3 ¥100 (¥400 short), u4 three orders
    ¥1300 (银卡, ¥200 short of 金卡), u5 ¥480 but 200 days ago."""
    recent = f"{AS_OF - timedelta(days=10)} 10:00:00"
    add_order(con, "a1", "u1", recent, amount=450)
    add_order(con, "a2", "u2", recent, amount=300)
    add_order(con, "a3", "u3", recent, amount=100)
    for n, (days, amount) in enumerate(((90, 400), (60, 400), (10, 500))):
        add_order(con, f"a4{n}", "u4", f"{AS_OF - timedelta(days=days)} 10:00:00", amount=amount)
    add_order(con, "a5", "u5", f"{AS_OF - timedelta(days=200)} 10:00:00", amount=480)
    customers.refresh(con)


def test_upgrade_candidates_are_within_the_gap_or_one_order_and_recent(con):
    upgrade_shop(con)
    df = actions.upgrade_within_reach(con, as_of=AS_OF)
    assert ids(df) == ["u1", "u4", "u2"]
    assert df["amount_missing"].tolist() == [50.0, 200.0, 200.0]
    assert df["next_tier"].tolist() == ["silver", "gold", "silver"]


def test_upgrade_gap_without_the_one_order_rule(con):
    upgrade_shop(con)
    cfg = ActionSettings(upgrade_one_order=False)
    assert ids(actions.upgrade_within_reach(con, as_of=AS_OF, settings=cfg)) == ["u1", "u4"]


def test_upgrade_list_says_how_much_more_to_spend(con):
    upgrade_shop(con)
    df = members(con, "upgrade:20")
    assert df.set_index("customer_id")["reason"].to_dict() == {
        "u4": "再消费 ¥200 升级金卡",
        "u1": "再消费 ¥50 升级银卡",
        "u2": "再消费 ¥200 升级银卡",
    }


def test_upgrade_candidates_exactly_at_a_limit_are_in_and_a_cent_beyond_it_out(con):
    """银卡 needs ¥500: ¥400 is exactly 20 % short, ¥250 in one order exactly one average
    order short."""
    recent = f"{AS_OF - timedelta(days=10)} 10:00:00"
    for n, (customer, amount) in enumerate(
        (("at_pct", 400), ("past_pct", 399.99), ("at_order", 250), ("past_order", 249.99))
    ):
        add_order(con, f"e{n}", customer, recent, amount=amount)
    customers.refresh(con)
    by_gap = ActionSettings(upgrade_one_order=False)
    assert ids(actions.upgrade_within_reach(con, as_of=AS_OF, settings=by_gap)) == ["at_pct"]
    by_order = ActionSettings(upgrade_gap_pct=10.0)  # ¥50: each is in by one of their orders
    reached = actions.upgrade_within_reach(con, as_of=AS_OF, settings=by_order)
    assert ids(reached) == ["at_pct", "past_pct", "at_order"]


def test_upgrade_candidates_are_recent_by_their_last_order_up_to_as_of(con):
    """u7's order before as_of is 200 days old; an order after as_of does not make them a
    recent buyer (nor does the customer summary, which holds it)."""
    rules = tiers.TierRules(tiers=(("silver", "银卡", "Silver", 10, 500.0, 0.95),))
    settings.save(con, "tiers", rules)
    add_order(con, "b1", "u7", f"{AS_OF - timedelta(days=200)} 10:00:00", amount=450)
    add_order(con, "b2", "u7", f"{AS_OF + timedelta(days=1)} 10:00:00", amount=0)
    add_order(con, "b3", "u8", f"{AS_OF - timedelta(days=10)} 10:00:00", amount=450)
    customers.refresh(con)
    assert ids(actions.upgrade_within_reach(con, as_of=AS_OF)) == ["u8"]


def test_upgrade_candidates_have_the_column_types_of_customer_tiers(con):
    """With a buyer in the top tier the next-tier columns of customer_tiers hold nulls."""
    upgrade_shop(con)
    add_order(con, "top", "top", f"{AS_OF - timedelta(days=10)} 10:00:00", amount=6000)
    customers.refresh(con)
    df = actions.upgrade_within_reach(con, as_of=AS_OF)
    every = tiers.customer_tiers(con)
    shared = [c for c in df.columns if c in every.columns]
    assert every["next_tier"].isna().any()
    assert df[shared].dtypes.to_dict() == every[shared].dtypes.to_dict()


# ----------------------------------------------------------------------------- calendar


def test_anniversary_list_holds_first_purchases_a_whole_year_ago_or_more(con):
    for n, (customer, first) in enumerate(
        (("c1", "2023-07-03"), ("c2", "2022-06-30"), ("c3", "2023-07-10"), ("c4", "2024-06-01"))
    ):
        add_order(con, f"f{n}", customer, f"{first} 10:00:00")
    add_order(con, "f9", "c1", "2024-05-01 10:00:00")  # a later order changes nothing
    customers.refresh(con)
    df = members(con, "anniversary:7")
    assert df.set_index("customer_id")["send_date"].to_dict() == {
        "c1": date(2024, 7, 3),
        "c2": date(2024, 6, 30),
    }


def test_anniversary_of_29_february_is_28_february(con):
    add_order(con, "f1", "leap", "2024-02-29 10:00:00")
    customers.refresh(con)
    df = actions.anniversaries(con, as_of=date(2025, 2, 25), within_days=7)
    assert df[["customer_id", "anniversary"]].values.tolist() == [["leap", date(2025, 2, 28)]]


def test_event_runup_holds_last_double11_buyers_who_have_not_bought_since(con):
    add_order(con, "e1", "e1", "2023-11-11 10:00:00")
    add_order(con, "e2", "e2", "2023-11-05 10:00:00")
    add_order(con, "e2b", "e2", "2024-03-01 10:00:00")
    add_order(con, "e3", "e3", "2023-09-01 10:00:00")
    customers.refresh(con)
    df = members(con, "event:double11", as_of=date(2024, 10, 1))
    assert ids(df) == ["e1"]
    assert df["send_date"].tolist() == [date(2024, 10, 13)]  # 7 days before Oct 20
    assert df["reason"].tolist() == ["2023 年双11期间购买（2023-11-11），之后未再购买"]


def test_nianhuo_window_ends_ten_days_before_spring_festival():
    # 春节 2024 is Feb 10.
    assert actions.event_window("nianhuo", 2024) == (date(2024, 1, 11), date(2024, 1, 31))


def test_holiday_list_greets_active_buyers_before_national_day(con):
    add_order(con, "h1", "h1", "2024-05-01 10:00:00")
    add_order(con, "h2", "h2", "2023-01-01 10:00:00")
    customers.refresh(con)
    df = members(con, "holiday:14", as_of=date(2024, 9, 20))
    assert ids(df) == ["h1"]
    assert df["send_date"].tolist() == [date(2024, 9, 28)]  # 国庆 Oct 1, 3 days before
    assert "国庆节" in df["reason"].iloc[0]


def test_holiday_list_is_empty_without_a_holiday_in_the_window(con):
    add_order(con, "h1", "h1", "2024-05-01 10:00:00")
    customers.refresh(con)
    assert members(con, "holiday:5", as_of=date(2024, 7, 1)).empty


def test_new_arrival_list_holds_recent_buyers_of_the_category(con):
    add_order(con, "n1", "n1", "2024-06-01 10:00:00", product="全价猫粮 2kg")
    add_order(con, "n2", "n2", "2024-06-01 10:00:00", product="洗发水 500ml")
    add_order(con, "n3", "n3", "2023-01-01 10:00:00", product="全价猫粮 2kg")
    customers.refresh(con)
    assert ids(members(con, "new_arrival:宠物")) == ["n1"]


# ----------------------------------------------------------------------------- cross-sell


def basket_shop(con) -> None:
    """Orders (baskets): x1 面膜; x2 面膜, then 洗发水; x3 面膜，洗发水 in one order;
    x4 洗发水; x5 面膜，洗发水 in one order."""
    day = "2024-06-01 10:00:00"
    add_order(con, "b1", "x1", day, product="面膜")
    add_order(con, "b2", "x2", day, product="面膜")
    add_order(con, "b3", "x2", "2024-06-05 10:00:00", product="洗发水")
    add_order(con, "b4", "x3", day, product="面膜，洗发水")
    add_order(con, "b5", "x4", day, product="洗发水")
    add_order(con, "b6", "x5", day, product="面膜，洗发水")
    customers.refresh(con)


def test_product_pairs_support_confidence_and_lift(con):
    basket_shop(con)
    df = crosssell.product_pairs(con, as_of=AS_OF, min_count=2)
    # 6 orders; 面膜 in 4, 洗发水 in 4, both in 2.
    row = df[df["item_a"] == "面膜"].iloc[0]
    assert (row["item_b"], row["count_a"], row["count_b"], row["count_ab"]) == ("洗发水", 4, 4, 2)
    assert row["support"] == pytest.approx(2 / 6)
    assert row["confidence"] == pytest.approx(2 / 4)
    assert row["lift"] == pytest.approx((2 / 4) / (4 / 6))
    assert row["suggestion"] == "recommend"
    by_customer = crosssell.product_pairs(con, as_of=AS_OF, basket="customer", min_count=3)
    # 5 customers; 面膜 4, 洗发水 4, both 3 (x2, x3, x5).
    assert by_customer[by_customer["item_a"] == "面膜"]["count_ab"].tolist() == [3]


def test_cross_sell_list_holds_buyers_of_a_who_never_bought_b(con):
    basket_shop(con)
    df = members(con, "cross_sell:面膜,洗发水")
    assert ids(df) == ["x1"]
    assert df["reason"].tolist() == ["买过 面膜（2024-06-01），还没买过 洗发水"]


def test_cross_sell_needs_two_products(con):
    with pytest.raises(InputError, match="two products"):
        members(con, "cross_sell:面膜")


def test_upsell_list_holds_buyers_who_never_bought_above_the_price(con):
    add_order(con, "p1", "p1", "2024-06-01 10:00:00", product="补水面膜", amount=50)
    add_order(con, "p2", "p2", "2024-06-01 10:00:00", product="修护面霜", amount=200)
    add_order(con, "p3", "p3", "2024-06-01 10:00:00", product="补水面膜", amount=50)
    add_order(con, "p3b", "p3", "2024-06-02 10:00:00", product="修护面霜", amount=200)
    customers.refresh(con)
    assert ids(members(con, "upsell:护肤,100")) == ["p1"]
    assert ids(members(con, "upsell:护肤")) == ["p1"]  # median unit price 125


def test_order_lines_use_the_item_report_with_its_category_and_price(con):
    add_order(con, "i1", "i1", "2024-06-01 10:00:00", product="整单标题", amount=150)
    con.execute(
        "INSERT INTO order_items VALUES ('taobao', 's', 'i1', 1, NULL, NULL, '口红', '美妆', 1, 30,"
        " 0), ('taobao', 's', 'i1', 2, NULL, NULL, '香水', '美妆', 1, 120, 0)"
    )
    lines = crosssell.order_lines(con, as_of=AS_OF)
    assert lines[["product", "category", "unit_price"]].values.tolist() == [
        ["口红", "美妆", 30.0],
        ["香水", "美妆", 120.0],
    ]


def test_without_keyword_rules_a_line_is_its_own_category_as_for_cycles(con):
    """Both read the one keyword fragment (repurchase.keyword_ctes): with no rules a
    title line's category is its title, not an empty name matching every title."""
    from analytics import repurchase, settings

    settings.save(con, "repurchase", repurchase.RepurchaseSettings(category_keywords=()))
    add_order(con, "k1", "k1", "2024-06-01 10:00:00", product="茶树精油洗发水")
    customers.refresh(con)
    lines = crosssell.order_lines(con, as_of=AS_OF)
    assert lines[["product", "category"]].values.tolist() == [["茶树精油洗发水", "茶树精油洗发水"]]
    assert crosssell.categories(con, as_of=AS_OF) == ["茶树精油洗发水"]


# ----------------------------------------------------------------------------- manual cycles


def test_manual_cycle_by_quantity_reminds_a_single_customer(con):
    add_order(con, "m1", "cat", "2024-06-20 10:00:00", product="全价猫粮 2kg")
    con.execute("UPDATE orders SET item_count = 3")
    customers.refresh(con)
    rules = manual_cycles.ManualCycles(rules=(("category", "宠物", 5, True),))
    manual_cycles.save(con, rules)
    df = manual_cycles.manual_reminders(con, as_of=AS_OF, within_days=0)
    # 3 cans x 5 days = 15 days: due 07-05, reminded 5 days before.
    assert df[["customer_id", "cycle_days", "expected_date", "remind_date"]].values.tolist() == [
        ["cat", 15, date(2024, 7, 5), date(2024, 6, 30)]
    ]
    assert ids(members(con, "reminders:0")) == ["cat"]


def repeat_shampoo(con) -> None:
    """Five customers buy 洗发水 on 05-01 and 05-31: a learned cycle of 30 days."""
    for i in range(5):
        add_order(con, f"r{i}a", f"r{i}", "2024-05-01 10:00:00", product="洗发水")
        add_order(con, f"r{i}b", f"r{i}", "2024-05-31 10:00:00", product="洗发水")
    customers.refresh(con)


def test_manual_cycle_wins_over_the_learned_one(con):
    repeat_shampoo(con)
    as_of = date(2024, 6, 25)
    learned = manual_cycles.combined_reminders(con, as_of=as_of, within_days=7)
    assert ids(learned) == ["r0", "r1", "r2", "r3", "r4"]
    assert set(learned["source"]) == {"learned"}
    shorter = manual_cycles.ManualCycles(rules=(("product", "洗发水", 20, False),))
    assert manual_cycles.combined_reminders(
        con, as_of=as_of, within_days=7, rules=shorter
    ).empty  # due 06-20: before as_of
    longer = manual_cycles.ManualCycles(rules=(("product", "洗发水", 35, False),))
    df = manual_cycles.combined_reminders(con, as_of=as_of, within_days=7, rules=longer)
    assert ids(df) == ["r0", "r1", "r2", "r3", "r4"]
    assert set(df["source"]) == {"manual"} and set(df["cycle_days"]) == {35}


def test_cycle_table_shows_learned_beside_manual(con):
    repeat_shampoo(con)
    rules = manual_cycles.ManualCycles(rules=(("product", "洗发水", 35, False),))
    table = manual_cycles.cycle_table(con, as_of=AS_OF, rules=rules)
    assert table[["item", "learned_days", "manual_days", "effective_days"]].values.tolist() == [
        ["洗发水", 30.0, 35.0, 35.0]
    ]


def test_manual_cycle_rules_are_checked():
    with pytest.raises(InputError, match="days must be a number > 0"):
        manual_cycles.ManualCycles(rules=(("product", "x", 0, False),))
    with pytest.raises(InputError, match="level"):
        manual_cycles.ManualCycles(rules=(("brand", "x", 3, False),))


# ----------------------------------------------------------------------------- columns, filters


def test_list_members_carry_aov_tier_stage_and_expected_next(con):
    repeat_shampoo(con)
    df = members(con, "all").set_index("customer_id")
    row = df.loc["r0"]
    assert (row["orders"], row["spend"], row["aov"]) == (2, 200.0, 100.0)
    assert row["tier"] == "银卡"  # two orders
    assert row["stage"] == "活跃期"
    assert row["expected_next"] == date(2024, 6, 30)  # 05-31 + own 30-day gap


def test_aov_filter_below_and_above_the_shops(con):
    add_order(con, "v1", "cheap", "2024-06-01 10:00:00", amount=50)
    add_order(con, "v2", "dear", "2024-06-01 10:00:00", amount=250)
    add_order(con, "v3", "mean", "2024-06-01 10:00:00", amount=150)
    customers.refresh(con)
    assert ids(members(con, "all", aov="below")) == ["cheap"]
    assert ids(members(con, "all", aov="above")) == ["dear"]


def test_gender_and_tag_filters_use_the_profiles(con):
    for n, customer in enumerate(("g1", "g2", "g3")):
        add_order(con, f"g{n}", customer, "2024-06-01 10:00:00", amount=100 + n)
    customers.refresh(con)
    add_profile(con, "g1", gender="女", tags="敏感肌,学生")
    add_profile(con, "g2", gender="男", tags="学生")
    assert ids(members(con, "all", gender="女")) == ["g1"]
    assert ids(members(con, "all", tag="学生")) == ["g2", "g1"]


def test_unknown_event_and_bad_percent_are_refused():
    with pytest.raises(InputError, match="unknown event"):
        parse_source("event:christmas")
    with pytest.raises(InputError, match="percent"):
        parse_source("upgrade:150")


# ----------------------------------------------------------------------------- agenda


def test_agenda_lists_dates_sources_and_counts(con):
    churn_shop(con)
    add_order(con, "ann", "ann", "2023-07-03 10:00:00")
    customers.refresh(con)
    df = actions.agenda(con, as_of=AS_OF, days=7)
    anniversary = df[df["source"].str.startswith("anniversary")]
    assert anniversary[["date", "customers"]].values.tolist() == [[date(2024, 7, 3), 1]]
    churn = df[df["source"] == "churn"]
    assert churn[["date", "customers"]].values.tolist() == [[AS_OF, 3]]
    assert df["date"].is_monotonic_increasing


def test_agenda_offers_read_whole_in_english(con):
    """The upgrade row names no tier: its offer must not read "reach , with"."""
    churn_shop(con)
    customers.refresh(con)
    df = actions.agenda(con, as_of=AS_OF, days=7, lang="en")
    upgrade = df.loc[df["source"] == "upgrade", "offer"].tolist()
    assert upgrade == ["Spend a little more to reach the next tier, with an upgrade gift"]
    assert not [o for o in df["offer"] if " ," in o or "  " in o]


#: The 120-day agenda of the shop in ``test_agenda_reads_as_before_in_both_languages``
#: (date, source, customers, then what, why and offer in Chinese and in English), as the
#: agenda read before its plan was shared between the languages.
AGENDA_120 = [
    (date(2024, 6, 30), "churn", 3,
     ("流失挽回", "3 位超期客户中预算内风险×价值最高的，预计挽回 ¥238",
      "挽留券：送 10 元无门槛券，附专属客服问候"),
     ("Win-back",
      "The highest risk × value of 3 overdue customers the budget covers; expected saving ¥238",
      "Win-back voucher: ¥10 off, no minimum, with a personal note")),
    (date(2024, 6, 30), "upgrade", 1,
     ("即将升级", "离下一会员等级只差一点的客户", "再消费即可升级，附升级礼"),
     ("Upgrade within reach", "Customers just short of the next member tier",
      "Spend a little more to reach the next tier, with an upgrade gift")),
    (date(2024, 7, 3), "anniversary:3", 1,
     ("首购周年", "首购周年纪念日", "首购周年感恩券"),
     ("First-purchase anniversary", "First-purchase anniversaries",
      "First-purchase anniversary thank-you voucher")),
    (date(2024, 7, 20), "reminders:20", 20,
     ("回购提醒", "20 位客户到了回购提醒日", "补货提醒 + 囤货优惠（多件折扣）"),
     ("Repurchase reminder", "20 customers reach their repurchase reminder day",
      "Restock reminder + stock-up offer (multi-buy discount)")),
    (date(2024, 9, 12), "holiday:120", 25,
     ("节日问候", "中秋节前问候活跃客户", "中秋节问候 + 节日专享券"),
     ("Holiday greeting", "Greet active customers before Mid-Autumn Festival",
      "Mid-Autumn Festival greeting + holiday voucher")),
    (date(2024, 10, 13), "event:double11", 1,
     ("大促预热 双11", "2023 年双11买过、之后未再购买的客户，大促前预热",
      "双11预热：老客专享预售价与优先发货"),
     ("Festival run-up Double 11",
      "Bought during Double 11 2023, not since: warm up before the festival",
      "Double 11 run-up: returning-customer pre-sale price, priority shipping")),
]  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_agenda_reads_as_before_in_both_languages(con, lang):
    churn_shop(con)
    add_order(con, "ann", "ann", "2023-07-03 10:00:00")
    add_order(con, "e1", "ev", "2023-11-05 10:00:00", product="面膜")
    customers.refresh(con)
    df = actions.agenda(con, as_of=AS_OF, days=120, lang=lang)
    which = 0 if lang == "zh" else 1
    expected = [[day, source, words[which][0], n, *words[which][1:]]
                for day, source, n, *words in AGENDA_120]  # fmt: skip
    assert df.columns.tolist() == list(actions.AGENDA_COLUMNS)
    assert df.values.tolist() == expected


@pytest.mark.parametrize(
    "as_of",
    # double11 and double12 run-ups; a holiday; the 年货节 run-up; 618 and a holiday
    [date(2026, 10, 31), date(2026, 9, 20), date(2026, 1, 5), date(2025, 5, 25)],
)
def test_agenda_counts_the_calendar_lists_as_they_list_their_buyers(demo_db, as_of):
    con = store.connect(demo_db, read_only=True)
    for shop in (None, *store.shops(con)):
        df = actions.agenda(con, as_of=as_of, days=30, shop=shop)
        kinds = df["source"].str.split(":").str[0]
        counted = dict(zip(df["source"], df["customers"], strict=True))
        listed = {}
        ann = actions.anniversaries(con, as_of=as_of, within_days=30, shop=shop)
        for day, n in ann.groupby("anniversary").size().items():
            listed[f"anniversary:{(day - as_of).days}"] = n
        for event in actions.EVENTS:
            runup, send, _ = actions.event_runup(con, event=event, as_of=as_of, shop=shop)
            if len(runup) and send <= as_of + timedelta(days=30):
                listed[f"event:{event}"] = len(runup)
        greeting = actions.holiday_greeting(con, as_of=as_of, within_days=30, shop=shop)
        if greeting is not None:
            listed["holiday:30"] = len(greeting[0])
        calendar = ("anniversary", "event", "holiday")
        assert {k: n for k, n in counted.items() if k.split(":")[0] in calendar} == listed
        assert kinds.eq("event").any()
    con.close()


def test_one_plan_serves_both_languages_inside_a_block(con, monkeypatch):
    churn_shop(con)
    customers.refresh(con)
    apart = {lang: actions.agenda(con, as_of=AS_OF, days=30, lang=lang) for lang in ("zh", "en")}
    rankings = []
    ranking = actions.churn_ranking
    monkeypatch.setattr(
        actions, "churn_ranking", lambda *a, **k: rankings.append(1) or ranking(*a, **k)
    )
    with once.block(con):
        shared = {lang: actions.agenda(con, as_of=AS_OF, days=30, lang=lang) for lang in apart}
    assert len(rankings) == 1
    for lang, df in apart.items():
        pd.testing.assert_frame_equal(shared[lang], df)


# ----------------------------------------------------------------------------- CLI


@pytest.fixture
def cli_shop(tmp_path):
    path = tmp_path / "shop.duckdb"
    con = store.connect(path)
    churn_shop(con)
    add_order(con, "u1", "u1", f"{AS_OF - timedelta(days=10)} 10:00:00", amount=450)
    add_order(con, "ann", "ann", "2023-07-03 10:00:00", product="全价猫粮 2kg")
    add_order(con, "x1", "x1", "2024-06-01 10:00:00", product="面膜")
    customers.refresh(con)
    con.close()
    return path


def export_list(shop, out, segment, *extra, as_of: str = "2024-06-30") -> list[dict]:
    """``export-list`` of ``segment`` with every member in the file (no exclusion, no
    holdout): the rows written to ``out``."""
    argv = ["export-list", "--db", str(shop), "--segment", segment, "--as-of", as_of,
            "--out", str(out), "--exclude-recent-days", "0", "--holdout", "0", *extra]  # fmt: skip
    assert main(argv) == 0
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("churn:1", ["big"]),
        ("upgrade:20", ["u1", "mid"]),  # nearest first; mid: ¥500 short of 金卡, one order
        ("anniversary:7", ["ann"]),
        ("new_arrival:宠物", ["ann"]),
        ("cross_sell:面膜,洗发水", ["x1"]),
        ("upsell:护肤,150", ["x1"]),
    ],
)
def test_export_list_writes_each_new_source(cli_shop, tmp_path, segment, expected):
    rows = export_list(cli_shop, tmp_path / "list.csv", segment)
    assert [row["买家ID"] for row in rows] == expected
    assert {"客单价", "会员等级", "生命周期", "预计下次购买", "建议发送日"} <= set(rows[0])


def test_export_list_filters_on_aov(cli_shop, tmp_path):
    rows = export_list(cli_shop, tmp_path / "list.csv", "all", "--aov", "above")
    assert sorted(row["买家ID"] for row in rows) == ["big", "mid", "old", "u1"]


def test_export_list_refuses_an_unknown_event_with_exit_2(cli_shop, tmp_path, capsys):
    out = tmp_path / "list.csv"
    argv = ["export-list", "--db", str(cli_shop), "--segment", "event:xmas", "--out", str(out)]
    assert main(argv) == 2
    assert "unknown event" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("segment", "as_of", "expected"),
    [
        ("event:618", "2024-10-01", ["x1"]),  # bought 2024-06-01, in 618 (Jun 1-18), not since
        (
            "holiday:14",  # 国庆 starts Oct 1: every buyer with an order in the last 365 days
            "2024-09-20",
            sorted([f"bg{i:02d}" for i in range(20)] + ["big", "mid", "small", "u1", "x1"]),
        ),
    ],
)
def test_export_list_writes_the_calendar_sources(cli_shop, tmp_path, segment, as_of, expected):
    rows = export_list(cli_shop, tmp_path / "list.csv", segment, as_of=as_of)
    assert sorted(row["买家ID"] for row in rows) == expected


def test_orders_without_a_known_buyer_are_in_no_list_and_no_agenda_count(con):
    # An export that cannot tell buyers apart leaves customer_id NULL: those orders are
    # no buyer, not one anonymous buyer per shop.
    add_order(con, "a1", "a", "2023-07-06 10:00:00")
    for order_id, when in (("n1", "2023-07-05 10:00:00"), ("n2", "2023-11-11 10:00:00")):
        con.execute(
            "INSERT INTO orders SELECT * REPLACE (? AS order_id, NULL AS customer_id, "
            "CAST(? AS TIMESTAMP) AS order_time) FROM orders WHERE order_id = 'a1'",
            [order_id, when],
        )
    customers.refresh(con)
    listed = actions.anniversaries(con, as_of=AS_OF, within_days=10)
    assert listed["customer_id"].tolist() == ["a"]
    runup, _, _ = actions.event_runup(con, event="double11", as_of=date(2024, 10, 20))
    assert runup.empty  # only the unknown buyer bought in the last 双11
    plan = actions.agenda(con, as_of=AS_OF, days=30)
    days = plan[plan["source"].str.startswith("anniversary")]
    assert days[["date", "customers"]].values.tolist() == [[date(2024, 7, 6), 1]]
