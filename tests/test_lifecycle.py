"""Lifecycle stages, stage flows, customer types and the order funnel on a hand-made shop.

The fixture is ``LIFECYCLE_ORDERS`` in tests/fixtures/lifecycle/shop.py: orders placed a
given number of days before AS_OF = 2024-06-30 (negative: after it). Valid orders on or
before AS_OF, per buyer (days before AS_OF, net amount):

    a90      90 (100)                      b91     91 (50)
    c        200 (80); its order 10 days before is fully refunded -> not a sale
    d        300 (100 - 30 refund = 70)    e       400 (40), 361 (60)
    g        30 (20); its order 10 days after AS_OF is ignored
    loyal    100, 70, 40, 10 (25 each)     rep     200 (10), 150 (20)
    new3     3 (15)                        old31   31 (35)
    lapsed4  400, 380, 370, 365 (10 each)
    f        only closed/unpaid orders: not a buyer;  h: only an order after AS_OF.

So 11 buyers. Stages with the SPEC cut-offs (<=90, <=180, <=270, <=360, more), by days
since the last valid order: active = a90 (90), g (30), loyal (10), new3 (3), old31 (31);
silent = b91 (91), rep (150); sleeping = c (200); at_risk = d (300); lost = e (361),
lapsed4 (365).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from analytics import settings, store
from analytics.cli import main
from analytics.errors import InputError
from analytics.lifecycle import (
    CUSTOMER_TYPES,
    STAGES,
    CustomerTypeSettings,
    StageCuts,
    customer_stages,
    customer_type_settings,
    customer_type_summary,
    customer_types,
    lifecycle,
    onboarding_customers,
    order_funnel,
    stage_customers,
    stage_cuts,
    stage_flows,
)
from tests.conftest import DEMO_END
from tests.fixtures.lifecycle.shop import AS_OF, LIFECYCLE_ORDERS, days_before, insert_orders


@pytest.fixture
def shop(con):
    insert_orders(con, LIFECYCLE_ORDERS)
    return con


def _stage_of(con, customer_id: str, **kwargs) -> str:
    rows = customer_stages(con, as_of=AS_OF, **kwargs).set_index("customer_id")
    return rows.at[customer_id, "stage"]


# Stages --------------------------------------------------------------------------------


def test_exactly_90_days_is_still_active(shop):
    rows = customer_stages(shop, as_of=AS_OF).set_index("customer_id")
    assert rows.at["a90", "days_since_last"] == 90
    assert rows.at["a90", "stage"] == "active"


def test_91_days_is_silent(shop):
    assert _stage_of(shop, "b91") == "silent"


def test_every_buyer_gets_the_stage_of_their_last_valid_order(shop):
    stages = customer_stages(shop, as_of=AS_OF).set_index("customer_id")["stage"].to_dict()
    assert stages == {
        "a90": "active",
        "g": "active",
        "loyal": "active",
        "new3": "active",
        "old31": "active",
        "b91": "silent",
        "rep": "silent",
        "c": "sleeping",
        "d": "at_risk",
        "e": "lost",
        "lapsed4": "lost",
    }


def test_fully_refunded_order_does_not_count_as_the_last_order(shop):
    # c's order 10 days ago was fully refunded: the last sale is 200 days ago, one order.
    row = customer_stages(shop, as_of=AS_OF).set_index("customer_id").loc["c"]
    assert (row["days_since_last"], row["valid_orders"], row["revenue"]) == (200, 1, 80.0)


def test_partly_refunded_order_counts_net_of_the_refund(shop):
    row = customer_stages(shop, as_of=AS_OF).set_index("customer_id").loc["d"]
    assert (row["stage"], row["revenue"]) == ("at_risk", 70.0)


def test_buyer_with_only_closed_or_unpaid_orders_has_no_stage(shop):
    assert "f" not in set(customer_stages(shop, as_of=AS_OF)["customer_id"])


def test_orders_after_as_of_are_ignored(shop):
    rows = customer_stages(shop, as_of=AS_OF).set_index("customer_id")
    assert "h" not in rows.index  # h's only order is 5 days after AS_OF
    # g's later order (999, 10 days after) is not counted.
    assert (rows.at["g", "valid_orders"], rows.at["g", "revenue"]) == (1, 20.0)
    assert rows.at["g", "last_order_date"] == pd.Timestamp(days_before(30))


def test_an_earlier_as_of_sees_the_shop_as_it_was(shop):
    # 100 days earlier, loyal's last order was the one 100 days before AS_OF: 0 days old,
    # and lapsed4's orders were 265 days old at most -> sleeping.
    earlier = AS_OF - timedelta(days=100)
    rows = customer_stages(shop, as_of=earlier).set_index("customer_id")
    assert (rows.at["loyal", "days_since_last"], rows.at["loyal", "valid_orders"]) == (0, 1)
    assert rows.at["lapsed4", "stage"] == "sleeping"


def test_lifecycle_counts_buyers_and_revenue_per_stage(shop):
    summary = lifecycle(shop, as_of=AS_OF)
    # active: 100 + 20 + 100 + 15 + 35; silent: 50 + 30; lost: 100 + 40 (see module doc).
    assert summary["stage"].tolist() == list(STAGES)
    assert summary["customers"].tolist() == [5, 2, 1, 1, 2]
    assert summary["revenue"].tolist() == [270.0, 80.0, 80.0, 70.0, 140.0]
    assert summary["customers_share"].sum() == pytest.approx(1.0)


def test_lifecycle_lists_every_stage_on_an_empty_store(con):
    summary = lifecycle(con, as_of=AS_OF)
    assert summary["stage"].tolist() == list(STAGES)
    assert summary["customers"].tolist() == [0] * 5
    assert summary["revenue_share"].tolist() == [0.0] * 5


def test_shop_filter_keeps_one_shop(shop):
    insert_orders(shop, [("x", days_before(1), "paid", 9, 0)], shop="second")
    rows = customer_stages(shop, as_of=AS_OF, shop="taobao/second")
    assert rows["customer_id"].tolist() == ["x"]
    assert len(customer_stages(shop, as_of=AS_OF)) == 12


def test_stage_customers_filters_by_stage_and_search(shop):
    rows = stage_customers(shop, as_of=AS_OF, stage="active", search="OLD")
    assert rows["customer_id"].tolist() == ["old31"]  # case-insensitive match on the id
    silent = stage_customers(shop, as_of=AS_OF, stage="silent")
    assert sorted(silent["customer_id"]) == ["b91", "rep"]


def test_stage_customers_refuses_an_unknown_stage(shop):
    with pytest.raises(InputError, match="stage must be one of"):
        stage_customers(shop, as_of=AS_OF, stage="asleep")


# Settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"active": 90, "silent": 90},  # not strictly increasing
        {"active": 200},  # above silent
        {"active": 0},  # not positive
        {"at_risk": 360.5},  # not a whole number
        {"silent": "180"},
    ],
)
def test_stage_cuts_refuse_bad_values(values):
    with pytest.raises(InputError):
        StageCuts(**values)


def test_customer_type_settings_refuse_bad_values():
    with pytest.raises(InputError, match="onboarding_days"):
        CustomerTypeSettings(new_days=2, onboarding_days=3)
    with pytest.raises(InputError, match="loyal_orders"):
        CustomerTypeSettings(loyal_orders=1)


def test_saved_cuts_change_the_stage(shop):
    assert _stage_of(shop, "a90") == "active"
    # With active <= 30 and silent <= 60, 90 days is sleeping (61–90).
    settings.save(shop, "lifecycle", StageCuts(active=30, silent=60, sleeping=90, at_risk=120))
    assert stage_cuts(shop) == StageCuts(active=30, silent=60, sleeping=90, at_risk=120)
    assert _stage_of(shop, "a90") == "sleeping"


def test_cuts_given_explicitly_override_the_stored_ones(shop):
    settings.save(shop, "lifecycle", StageCuts(active=30, silent=60, sleeping=90, at_risk=120))
    assert _stage_of(shop, "a90", cuts=StageCuts()) == "active"


def test_stage_bounds_describe_each_stage():
    assert StageCuts().bounds() == {
        "active": (0, 90),
        "silent": (91, 180),
        "sleeping": (181, 270),
        "at_risk": (271, 360),
        "lost": (361, None),
    }


# Stage flows ---------------------------------------------------------------------------


def test_stage_flows_from_start_to_end(shop):
    # start = 60 days before AS_OF; last valid order by then (days before start):
    # a90 30 -> active, loyal 10 -> active, b91 31 -> active, rep 90 -> active (edge),
    # c 140 -> silent, d 240 -> sleeping, e 301 and lapsed4 305 -> at_risk;
    # g, new3, old31 first bought after start -> new. At AS_OF: see the module doc.
    flows = stage_flows(shop, start=days_before(60), end=AS_OF)
    got = {(r.from_stage, r.to_stage): r.customers for r in flows.itertuples()}
    assert got == {
        ("new", "active"): 3,
        ("active", "active"): 2,
        ("active", "silent"): 2,
        ("silent", "sleeping"): 1,
        ("sleeping", "at_risk"): 1,
        ("at_risk", "lost"): 2,
    }
    assert flows["from_stage"].iloc[0] == "new"  # ordered new, active, …


def test_stage_flows_refuse_an_end_before_the_start(shop):
    with pytest.raises(InputError):
        stage_flows(shop, start=AS_OF, end=days_before(1))


# Customer types ------------------------------------------------------------------------


def test_customer_types_per_customer(shop):
    # potential: f (closed/unpaid only). new: g (1 order, 30 days: the edge), new3.
    # one_time: a90, b91, c, d, old31 (31 days). repeat: e, rep, lapsed4 (4 orders but
    # lost, so not loyal). loyal: loyal (4 orders, active). h has no order by AS_OF.
    types = customer_types(shop, as_of=AS_OF).set_index("customer_id")["customer_type"]
    assert types.to_dict() == {
        "f": "potential",
        "g": "new",
        "new3": "new",
        "a90": "one_time",
        "b91": "one_time",
        "c": "one_time",
        "d": "one_time",
        "old31": "one_time",
        "e": "repeat",
        "rep": "repeat",
        "lapsed4": "repeat",
        "loyal": "loyal",
    }


def test_onboarding_flags_first_orders_within_three_days(shop):
    rows = customer_types(shop, as_of=AS_OF).set_index("customer_id")
    assert rows.index[rows["onboarding"]].tolist() == ["new3"]  # 3 days: the edge


def test_onboarding_customers_lists_those_in_the_window(shop):
    # With a 30-day window, g (30 days) joins new3 (3 days); newest first.
    wide = CustomerTypeSettings(new_days=30, onboarding_days=30)
    rows = onboarding_customers(shop, as_of=AS_OF, settings=wide)
    assert rows["customer_id"].tolist() == ["new3", "g"]


def test_customer_type_summary_lists_every_type(shop):
    summary = customer_type_summary(shop, as_of=AS_OF)
    assert summary["customer_type"].tolist() == list(CUSTOMER_TYPES)
    assert summary["customers"].tolist() == [1, 2, 5, 3, 1]
    # new: 20 + 15; one_time: 100 + 50 + 80 + 70 + 35; repeat: 100 + 30 + 40; loyal: 100.
    assert summary["revenue"].tolist() == [0.0, 35.0, 335.0, 170.0, 100.0]
    assert summary["onboarding"].tolist() == [0, 1, 0, 0, 0]


def test_saved_type_settings_change_the_type(shop):
    # With loyal at 2 orders, rep (2 orders, silent) is still repeat, and with new_days 31
    # old31 becomes new.
    settings.save(shop, "customer_types", CustomerTypeSettings(new_days=31, loyal_orders=2))
    assert customer_type_settings(shop).new_days == 31
    types = customer_types(shop, as_of=AS_OF).set_index("customer_id")["customer_type"]
    assert (types["old31"], types["rep"], types["loyal"]) == ("new", "repeat", "loyal")


# Order funnel --------------------------------------------------------------------------


def test_order_funnel_counts_conversion_and_median_gaps(shop):
    # Valid orders per buyer: 1 for a90, b91, c, d, g, new3, old31; 2 for e, rep;
    # 4 for loyal, lapsed4.  1st->2nd gaps: e 39, rep 50, loyal 30, lapsed4 20 -> median
    # (30 + 39) / 2 = 34.5. 2nd->3rd: loyal 30, lapsed4 10 -> 20. 3rd->4th: 30, 5 -> 17.5.
    funnel = order_funnel(shop, as_of=AS_OF)
    assert funnel["step"].tolist() == [1, 2, 3, "4+"]
    assert funnel["customers"].tolist() == [11, 4, 2, 2]
    assert funnel["conversion"].tolist() == pytest.approx([1.0, 4 / 11, 0.5, 1.0])
    medians = funnel["median_days_from_previous"].tolist()
    assert pd.isna(medians[0])
    assert medians[1:] == [34.5, 20.0, 17.5]


def test_order_funnel_on_an_empty_store_is_zeros(con):
    funnel = order_funnel(con, as_of=AS_OF)
    assert funnel["customers"].tolist() == [0, 0, 0, 0]
    assert funnel["conversion"].tolist() == [0.0, 0.0, 0.0, 0.0]


# Command line --------------------------------------------------------------------------


@pytest.fixture
def shop_db(tmp_path):
    path = tmp_path / "shop.duckdb"
    connection = store.connect(path)
    insert_orders(connection, LIFECYCLE_ORDERS)
    connection.close()
    return str(path)


def _report(capsys, *args) -> list[dict]:
    assert main(["report", *args, "--as-of", AS_OF.isoformat(), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_report_lifecycle_json_has_exactly_stage_customers_revenue(shop_db, capsys):
    records = _report(capsys, "lifecycle", "--db", shop_db)
    assert [list(r) for r in records] == [["stage", "customers", "revenue"]] * 5
    assert records[0] == {"stage": "active", "customers": 5, "revenue": 270.0}


def test_report_customer_types_json(shop_db, capsys):
    records = _report(capsys, "customer-types", "--db", shop_db)
    assert list(records[0])[:3] == ["customer_type", "customers", "revenue"]
    assert [r["customers"] for r in records] == [1, 2, 5, 3, 1]


def test_report_funnel_json(shop_db, capsys):
    records = _report(capsys, "funnel", "--db", shop_db)
    assert list(records[0]) == ["step", "customers", "conversion", "median_days_from_previous"]
    assert [r["step"] for r in records] == [1, 2, 3, "4+"]
    assert records[0]["median_days_from_previous"] is None
    assert records[1]["median_days_from_previous"] == 34.5


# Demo shop -----------------------------------------------------------------------------


def _buyers_by_hand(con, as_of: date) -> pd.DataFrame:
    """Each buyer's last valid order date by as_of, straight from ``orders`` in pandas."""
    orders = con.execute("SELECT * FROM orders").df()
    valid = orders[
        orders["status"].isin(["paid", "shipped", "completed"])
        & ((orders["refund_amount"] == 0) | (orders["refund_amount"] < orders["amount"]))
        & (orders["order_time"].dt.date <= as_of)
    ]
    last = valid.groupby(["platform", "shop", "customer_id"])["order_time"].max()
    return (pd.Timestamp(as_of) - last.dt.normalize()).dt.days.rename("days").reset_index()


def test_demo_stage_counts_sum_to_the_buyers_by_as_of(demo_con):
    buyers = _buyers_by_hand(demo_con, DEMO_END)
    summary = lifecycle(demo_con, as_of=DEMO_END)
    assert summary["customers"].sum() == len(buyers) > 0
    bins = pd.cut(buyers["days"], [-1, 90, 180, 270, 360, float("inf")], labels=list(STAGES))
    by_hand = bins.value_counts().reindex(list(STAGES)).tolist()
    assert summary["customers"].tolist() == by_hand
