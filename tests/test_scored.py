"""Metric modules read the stored per-customer scores when the view matches (analytics.scored).

Each switched figure is computed twice on the same store: once through the stored scores and
once with them switched off (``scored.available`` answering False, the path taken for
another date or when no scores are stored); the two must be equal. Tests that tamper with
the stored rows show which path a view took.
"""

from __future__ import annotations

import shutil
from datetime import timedelta

import pandas as pd
import pytest

from analytics import (
    campaigns,
    customers,
    demographics,
    lifecycle,
    rfm,
    scored,
    scores,
    settings,
    store,
    tiers,
)
from analytics.errors import InputError
from tests.conftest import DEMO_END


@pytest.fixture(scope="module")
def two_shop_db(demo_db, tmp_path_factory):
    """The demo shop plus a second shop holding a third of its buyers' orders, scored."""
    path = tmp_path_factory.mktemp("two_shops") / "two.duckdb"
    shutil.copy(demo_db, path)
    con = store.connect(path)
    with store.transaction(con):
        con.execute(
            "INSERT INTO orders SELECT * REPLACE ('second' AS shop) FROM orders "
            "WHERE hash(customer_id) % 3 = 0"
        )
        customers.refresh(con)
        store.bump_data_version(con)
    scores.rebuild(con)
    con.close()
    return path


@pytest.fixture
def demo(scored_db):
    con = store.connect(scored_db, read_only=True)
    yield con
    con.close()


@pytest.fixture
def two(two_shop_db):
    con = store.connect(two_shop_db, read_only=True)
    yield con
    con.close()


@pytest.fixture
def writable(scored_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(scored_db, path)
    con = store.connect(path)
    yield con
    con.close()


def both(monkeypatch, fn, *args, **kwargs):
    """``fn`` through the stored scores, then computed (stored scores switched off)."""
    assert scored.available(args[0], as_of=kwargs.get("as_of", DEMO_END), shop=None)
    stored = fn(*args, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(scored, "available", lambda *_a, **_k: False)
        computed = fn(*args, **kwargs)
    return stored, computed


def same(stored: pd.DataFrame, computed: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        stored.reset_index(drop=True), computed.reset_index(drop=True), check_exact=False
    )


def two_shop_key(con) -> str:
    return con.execute("SELECT platform || '/second' FROM orders LIMIT 1").fetchall()[0][0]


# ------------------------------------------------------------------ the match itself


def test_scores_serve_their_date_and_not_another(demo):
    assert scored.available(demo, as_of=DEMO_END)
    assert not scored.available(demo, as_of=DEMO_END - timedelta(days=1))
    assert not scored.available(demo, as_of=None)


def test_one_shop_of_two_is_served_only_for_figures_of_the_customer_alone(two):
    shop = two_shop_key(two)
    assert scored.available(two, as_of=DEMO_END, shop=shop)
    assert not scored.available(two, as_of=DEMO_END, shop=shop, population=True)


def test_a_store_of_one_shop_serves_population_figures_for_that_shop(demo):
    shop = demo.execute("SELECT platform || '/' || shop FROM orders LIMIT 1").fetchall()[0][0]
    assert scored.available(demo, as_of=DEMO_END, shop=shop, population=True)


def test_stale_scores_serve_nothing(writable):
    store.bump_data_version(writable)
    assert not scored.available(writable, as_of=DEMO_END)


# ------------------------------------------------------------------ same numbers both ways


@pytest.mark.parametrize("fn", [rfm.rfm_scores, rfm.segment_summary, rfm.rf_grid])
def test_rfm_from_scores_equals_computed(demo, monkeypatch, fn):
    same(*both(monkeypatch, fn, demo, as_of=DEMO_END))


@pytest.mark.parametrize("segment", ["champions", "at_risk", "lost"])
def test_segment_members_from_scores_equal_computed(demo, monkeypatch, segment):
    stored, computed = both(monkeypatch, rfm.segment_members, demo, as_of=DEMO_END, segment=segment)
    assert len(stored) > 0
    same(stored, computed)


def test_rfm_of_one_shop_of_two_is_computed_over_that_shop(two, monkeypatch):
    shop = two_shop_key(two)
    stored, computed = both(monkeypatch, rfm.rfm_scores, two, as_of=DEMO_END, shop=shop)
    same(stored, computed)
    everyone = rfm.rfm_scores(two, as_of=DEMO_END).set_index(scores.KEY)
    own = stored.set_index(scores.KEY)
    # Quintiles over one shop differ from those over both: the store's R/F/M are not used.
    assert not own[["r", "f", "m"]].equals(everyone.loc[own.index, ["r", "f", "m"]])


def test_rfm_of_both_shops_from_scores_equals_computed(two, monkeypatch):
    same(*both(monkeypatch, rfm.rfm_scores, two, as_of=DEMO_END))


@pytest.mark.parametrize("fn", [demographics.age_band_summary, demographics.customer_age_bands])
def test_age_bands_from_scores_equal_computed(demo, monkeypatch, fn):
    stored, computed = both(monkeypatch, fn, demo, as_of=DEMO_END)
    same(stored, computed)


def test_age_bands_with_another_seed_are_computed(writable):
    writable.execute("UPDATE customer_scores SET age_band = '<18' WHERE age_band IS NOT NULL")
    stored = demographics.age_band_summary(writable, as_of=DEMO_END).set_index("age_band")
    assert stored.loc["<18", "share"] == 1.0
    other = demographics.age_band_summary(writable, as_of=DEMO_END, seed=7).set_index("age_band")
    assert other.loc["<18", "share"] < 1.0


def test_age_bands_of_one_shop_of_two_are_placed_among_that_shop(two, monkeypatch):
    shop = two_shop_key(two)
    stored, computed = both(
        monkeypatch, demographics.age_band_summary, two, as_of=DEMO_END, shop=shop
    )
    same(stored, computed)
    both_shops = demographics.customer_age_bands(two, as_of=DEMO_END).set_index(scores.KEY)
    own = demographics.customer_age_bands(two, as_of=DEMO_END, shop=shop).set_index(scores.KEY)
    assert not own["age_band"].equals(both_shops.loc[own.index, "age_band"])


@pytest.mark.parametrize(
    "fn", [lifecycle.lifecycle, lifecycle.customer_type_summary, lifecycle.customer_stages]
)
def test_lifecycle_from_scores_equals_computed(demo, monkeypatch, fn):
    same(*both(monkeypatch, fn, demo, as_of=DEMO_END))


def test_customer_types_from_scores_equal_computed(demo, monkeypatch):
    stored, computed = both(monkeypatch, lifecycle.customer_types, demo, as_of=DEMO_END)
    assert set(stored["customer_type"]) == set(lifecycle.CUSTOMER_TYPES)
    same(stored, computed)


def test_onboarding_customers_from_scores_equal_computed(demo, monkeypatch):
    stored, computed = both(monkeypatch, lifecycle.onboarding_customers, demo, as_of=DEMO_END)
    assert len(stored) > 0
    same(stored, computed)


@pytest.mark.parametrize("stage", lifecycle.STAGES)
def test_stage_customers_from_scores_equal_computed(demo, monkeypatch, stage):
    same(*both(monkeypatch, lifecycle.stage_customers, demo, as_of=DEMO_END, stage=stage))


def test_stage_search_from_scores_equals_computed(demo, monkeypatch):
    name = demo.execute(
        "SELECT customer_name FROM customers WHERE valid_orders > 0 LIMIT 1"
    ).fetchall()[0][0]
    stored, computed = both(
        monkeypatch,
        lifecycle.stage_customers,
        demo,
        as_of=DEMO_END,
        stage="active",
        search=name[1:3],
    )
    same(stored, computed)


def test_stages_of_one_shop_of_two_from_scores_equal_computed(two, monkeypatch):
    shop = two_shop_key(two)
    for fn in (lifecycle.lifecycle, lifecycle.customer_type_summary):
        stored, computed = both(monkeypatch, fn, two, as_of=DEMO_END, shop=shop)
        assert stored["customers"].sum() > 0
        same(stored, computed)


@pytest.mark.parametrize(
    "spec",
    [
        campaigns.ListSpec(kind="all"),
        campaigns.ListSpec(kind="stage", value="sleeping", holdout_pct=10.0),
        campaigns.ListSpec(kind="rfm", value="at_risk", exclude_refunded=False),
    ],
)
def test_target_list_figures_from_scores_equal_computed(demo, monkeypatch, spec):
    stored, computed = both(monkeypatch, campaigns.build_list, demo, spec, as_of=DEMO_END)
    assert stored.size > 0
    assert stored.members["tier"].notna().any() and stored.members["stage"].notna().any()
    same(stored.members, computed.members)
    same(stored.exclusions, computed.exclusions)


def test_target_list_in_english_names_tiers_and_stages_in_english(demo, monkeypatch):
    spec = campaigns.ListSpec(kind="all")
    stored, computed = both(
        monkeypatch, campaigns.build_list, demo, spec, as_of=DEMO_END, lang="en"
    )
    assert "Active" in set(stored.members["stage"])
    same(stored.members, computed.members)


# ------------------------------------------------------------------ which path a view took


def test_views_read_the_stored_rows(writable):
    writable.execute("UPDATE customer_scores SET stage = 'lost' WHERE stage IS NOT NULL")
    stages = lifecycle.lifecycle(writable, as_of=DEMO_END).set_index("stage")
    assert stages.loc["lost", "customers_share"] == 1.0
    # Another date computes from the orders, whatever is stored.
    earlier = lifecycle.lifecycle(writable, as_of=DEMO_END - timedelta(days=1))
    assert earlier.set_index("stage").loc["active", "customers"] > 0


def test_rfm_with_other_settings_than_the_stored_ones_is_computed(writable):
    writable.execute("UPDATE customer_scores SET segment = 'lost', r = 1, f = 1")
    fixed = rfm.RfmSettings(method="fixed")
    summary = rfm.segment_summary(writable, as_of=DEMO_END, settings=fixed).set_index("segment")
    assert summary.loc["lost", "share"] < 1.0
    stored = rfm.segment_summary(writable, as_of=DEMO_END).set_index("segment")
    assert stored.loc["lost", "share"] == 1.0


# ------------------------------------------------------------------ settings changes


def test_saved_rfm_settings_rebuild_the_scores_the_views_read(writable, monkeypatch):
    before = rfm.segment_summary(writable, as_of=DEMO_END)
    fixed = rfm.RfmSettings(method="fixed")
    settings.save(writable, "rfm", fixed)
    assert scored.available(writable, as_of=DEMO_END)
    stored, computed = both(
        monkeypatch, rfm.segment_summary, writable, as_of=DEMO_END, settings=fixed
    )
    same(stored, computed)
    assert not stored["customers"].equals(before["customers"])
    # The defaults are no longer what is stored: they are computed.
    defaults = rfm.segment_summary(writable, as_of=DEMO_END)
    assert defaults["customers"].equals(before["customers"])
    # The stored rows themselves are the fixed-bin scores.
    stored_rows = scores.scores(writable, columns=["r", "f", "m", "segment"]).dropna()
    with monkeypatch.context() as m:
        m.setattr(scored, "available", lambda *_a, **_k: False)
        computed_rows = rfm.rfm_scores(writable, as_of=DEMO_END, settings=fixed)
    columns = [*scores.KEY, "r", "f", "m", "segment"]
    assert stored_rows[columns].astype(str).values.tolist() == (
        computed_rows[columns].astype(str).values.tolist()
    )


def test_saved_stage_cuts_rebuild_the_scores_the_views_read(writable, monkeypatch):
    before = lifecycle.lifecycle(writable, as_of=DEMO_END)
    settings.save(writable, lifecycle.STAGE_SETTINGS, lifecycle.StageCuts(active=30))
    stored, computed = both(monkeypatch, lifecycle.lifecycle, writable, as_of=DEMO_END)
    same(stored, computed)
    assert (
        stored.set_index("stage").loc["active", "customers"]
        < (before.set_index("stage").loc["active", "customers"])
    )


def test_saved_tier_rules_rebuild_the_tiers_a_target_list_reads(writable, monkeypatch):
    rules = tiers.TierRules(tiers=(("vip", "贵宾", "VIP", 2, 100.0, 0.9),))
    settings.save(writable, "tiers", rules)
    spec = campaigns.ListSpec(kind="all")
    stored, computed = both(monkeypatch, campaigns.build_list, writable, spec, as_of=DEMO_END)
    assert "贵宾" in set(stored.members["tier"])
    same(stored.members, computed.members)


# ------------------------------------------------------------------ lists a page shows in part


@pytest.mark.parametrize("search", [None, "1"])
def test_segment_members_limit_and_count_describe_the_full_list(demo, monkeypatch, search):
    for path in ("stored", "computed"):
        with monkeypatch.context() as m:
            if path == "computed":
                m.setattr(scored, "available", lambda *_a, **_k: False)
            query = {"as_of": DEMO_END, "segment": "champions", "search": search}
            full = rfm.segment_members(demo, **query)
            first = rfm.segment_members(demo, **query, limit=5)
            assert rfm.segment_member_count(demo, **query) == len(full) > 5
            same(first, full.head(5))


def test_upgrade_candidates_limit_and_count_describe_the_full_list(demo):
    full = tiers.upgrade_candidates(demo, within_spend=300.0)
    first = tiers.upgrade_candidates(demo, within_spend=300.0, limit=7)
    assert tiers.upgrade_candidate_count(demo, within_spend=300.0) == len(full) > 7
    same(first, full.head(7))


@pytest.mark.parametrize("stage", ["active", "lost"])
def test_stage_customers_limit_and_count_describe_the_full_list(demo, monkeypatch, stage):
    for path in ("stored", "computed"):
        with monkeypatch.context() as m:
            if path == "computed":
                m.setattr(scored, "available", lambda *_a, **_k: False)
            full = lifecycle.stage_customers(demo, as_of=DEMO_END, stage=stage)
            first = lifecycle.stage_customers(demo, as_of=DEMO_END, stage=stage, limit=9)
            count = lifecycle.stage_customer_count(demo, as_of=DEMO_END, stage=stage)
            assert count == len(full) > 9
            same(first, full.head(9))


@pytest.mark.parametrize(
    ("listed", "counted", "bad", "message"),
    [
        (lifecycle.stage_customers, lifecycle.stage_customer_count,
         {"as_of": DEMO_END, "stage": "asleep"}, "stage must be one of"),
        (lifecycle.stage_customers, lifecycle.stage_customer_count,
         {"as_of": DEMO_END, "stage": None}, "stage must be one of"),
        (rfm.segment_members, rfm.segment_member_count,
         {"as_of": DEMO_END, "segment": "heroes"}, "unknown segment"),
        (rfm.segment_members, rfm.segment_member_count,
         {"as_of": None, "segment": "champions"}, "as-of date"),
        (tiers.upgrade_candidates, tiers.upgrade_candidate_count,
         {"within_spend": -1.0}, "must be >= 0"),
    ],
)  # fmt: skip
def test_a_list_and_its_count_refuse_the_same_arguments(demo, listed, counted, bad, message):
    for fn in (listed, counted):
        with pytest.raises(InputError, match=message):
            fn(demo, **bad)


def test_churn_ranking_reads_the_stored_modified_bgnbd(demo, monkeypatch):
    from analytics import actions, mbgnbd

    def ranking():
        return actions.churn_ranking(demo, as_of=DEMO_END, shop=None)

    with monkeypatch.context() as patch:
        patch.setattr(mbgnbd, "customer_predictions", lambda *a, **k: pytest.fail("fitted"))
        read = ranking()
    with monkeypatch.context() as patch:
        patch.setattr(scored, "available", lambda *_a, **_k: False)
        computed = ranking()
    assert read.counts == computed.counts and read.counts["selected"] > 0
    pd.testing.assert_frame_equal(read.selected, computed.selected, rtol=1e-9)


def test_report_rfm_prints_the_same_rows_from_the_scores_as_computed(
    scored_db, capsys, monkeypatch
):
    from analytics.cli import main

    def report() -> str:
        assert main(["report", "rfm", "--db", str(scored_db), "--format", "csv"]) == 0
        return capsys.readouterr().out

    read = report()
    with monkeypatch.context() as patch:
        patch.setattr(scored, "available", lambda *_a, **_k: False)
        computed = report()
    assert read.count("\n") > 1000 and read == computed
