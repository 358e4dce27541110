"""Per-customer scores (analytics.scores): what they hold and when they are rebuilt.

Every stored column must equal what its own module computes for the same customer, so
pages and reports that read the table show what they showed when they computed it.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from analytics import (
    clv,
    demographics,
    lifecycle,
    repurchase,
    rfm,
    scores,
    settings,
    store,
    tiers,
)
from analytics.cli import main
from tests.conftest import DEMO_END, FIXTURES

KEY = scores.KEY


@pytest.fixture
def scored(scored_db):
    con = store.connect(scored_db, read_only=True)
    yield con
    con.close()


@pytest.fixture(autouse=True)
def computed_modules(monkeypatch):
    """The metric modules compute here (they read the stored scores when they match, which
    would make every comparison below compare the table with itself)."""
    from analytics import scored

    monkeypatch.setattr(scored, "available", lambda *_a, **_k: False)


def stored(con, columns):
    return scores.scores(con, columns=columns).drop(columns="as_of").set_index(KEY)


def test_scores_are_for_the_newest_order_day_and_every_customer(scored):
    table = scores.scores(scored)
    assert (table["as_of"] == DEMO_END).all()
    customers = scored.execute("SELECT count(*) FROM customers").fetchall()[0][0]
    assert len(table) == customers
    assert scores.is_current(scored)


def test_stage_and_customer_type_match_lifecycle(scored):
    expected = lifecycle.customer_types(scored, as_of=DEMO_END).set_index(KEY)
    got = stored(scored, ["customer_type", "stage", "days_since_last"])
    got = got.reindex(expected.index)
    assert (got["customer_type"] == expected["customer_type"]).all()
    assert got["stage"].fillna("-").equals(expected["stage"].fillna("-"))
    stages = lifecycle.customer_stages(scored, as_of=DEMO_END).set_index(KEY)
    assert (got.loc[stages.index, "stage"] == stages["stage"]).all()


def test_rfm_scores_and_segments_match_rfm(scored):
    expected = rfm.rfm_scores(scored, as_of=DEMO_END).set_index(KEY)
    got = stored(scored, ["r", "f", "m", "segment"]).loc[expected.index]
    for column in ("r", "f", "m", "segment"):
        assert (got[column].to_numpy() == expected[column].to_numpy()).all(), column
    buyers = stored(scored, ["valid_orders", "segment"])
    assert buyers["segment"].notna().sum() == len(expected)


def test_tiers_age_bands_and_provinces_match_their_modules(scored):
    got = stored(scored, ["tier", "age_band", "province"])
    expected_tiers = tiers.customer_tiers(scored).set_index(KEY)["tier"]
    assert (got.loc[expected_tiers.index, "tier"] == expected_tiers).all()
    bands = demographics.customer_age_bands(scored, as_of=DEMO_END).set_index(KEY)["age_band"]
    assert got.loc[bands.index, "age_band"].fillna("-").equals(bands.fillna("-"))
    provinces = scored.execute("SELECT platform, shop, customer_id, province FROM customers").df()
    provinces = provinces.set_index(KEY)["province"]
    assert got.loc[provinces.index, "province"].fillna("-").equals(provinces.fillna("-"))


def test_model_columns_equal_the_clv_report(scored):
    expected = clv.clv(scored, as_of=DEMO_END).set_index(KEY)
    columns = ["frequency", "p_alive", "expected_purchases_365", "expected_aov", "clv"]
    got = stored(scored, columns).loc[expected.index]
    assert (got["frequency"].to_numpy() == expected["frequency"].to_numpy()).all()
    for mine, theirs in (
        ("p_alive", "p_alive"),
        ("expected_purchases_365", "expected_purchases"),
        ("expected_aov", "expected_aov"),
        ("clv", "clv"),
    ):
        assert np.allclose(got[mine], expected[theirs], rtol=1e-9, atol=0), mine


def test_expected_purchases_grow_with_the_horizon(scored):
    got = stored(scored, [f"expected_purchases_{h}" for h in scores.HORIZONS]).dropna()
    values = got.to_numpy()
    assert len(values) > 0
    assert (np.diff(values, axis=1) >= 0).all()


def test_churn_flag_marks_exactly_the_churn_risk_list(scored):
    listed = repurchase.churn_risk(scored, as_of=DEMO_END).set_index(KEY)
    got = stored(scored, ["churn_flag", "overdue_factor", "expected_gap_days"])
    flagged = got.index[got["churn_flag"].fillna(False).astype(bool)]
    assert len(listed) > 0
    assert set(flagged) == set(listed.index)
    assert np.allclose(
        got.loc[listed.index, "overdue_factor"], listed["overdue_ratio"], atol=0.0005
    )


def test_expected_next_order_is_the_last_order_plus_the_expected_gap(scored):
    got = stored(scored, ["expected_next_order", "expected_gap_days", "days_since_last"])
    got = got.dropna(subset=["expected_gap_days"])
    last = pd.Timestamp(DEMO_END) - pd.to_timedelta(got["days_since_last"].astype(int), unit="D")
    expected = last + pd.to_timedelta(np.round(got["expected_gap_days"]), unit="D")
    assert (pd.to_datetime(got["expected_next_order"]) == expected).all()


def test_model_fits_are_stored_with_parameters_date_and_customers(scored):
    fit = scores.model_fit(scored, "bgnbd")
    summary = clv.purchase_summary(scored, as_of=DEMO_END, unit="day")
    params = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    assert fit.as_of == DEMO_END and fit.error is None
    assert fit.customers == len(summary)
    for name in ("r", "alpha", "a", "b"):
        assert fit.params[name] == pytest.approx(getattr(params, name), rel=1e-9)
    spend = scores.model_fit(scored, "gamma_gamma")
    assert spend.customers == int((summary["frequency"] > 0).sum())
    assert set(spend.params) == {"p", "q", "v"}


def test_top_clv_from_scores_equals_the_computed_one(scored):
    expected = repurchase.top_clv(scored, as_of=DEMO_END, limit=20)
    got = scores.top_clv(scored, limit=20)
    assert list(got.columns) == list(expected.columns)
    assert list(got["customer_id"]) == list(expected["customer_id"])
    assert np.allclose(got["clv"], expected["clv"], rtol=1e-9)
    half = scores.top_clv(scored, limit=20, margin=scores.CLV_MARGIN / 2)
    assert np.allclose(half["clv"], expected["clv"] / 2, rtol=1e-9)


def test_p_alive_matrix_from_scores_equals_the_computed_one(scored):
    expected = repurchase.p_alive_matrix(scored, as_of=DEMO_END)
    got = scores.p_alive_matrix(scored)
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expected.reset_index(drop=True), check_exact=False, rtol=1e-9
    )


def test_a_model_that_cannot_be_fitted_is_stored_with_its_reason(tmp_path):
    db = str(tmp_path / "s.duckdb")
    assert main(["import", str(FIXTURES / "taobao_small.csv"), "--db", db]) == 0
    con = store.connect(db)
    fit = scores.model_fit(con, "bgnbd")
    assert fit.error and "too few customers" in fit.error
    table = scores.scores(con)
    # Three buyers and one customer whose only order was never paid.
    assert len(table) == 4 and table["clv"].isna().all()
    assert table["customer_type"].value_counts()["potential"] == 1
    assert table["stage"].notna().any()
    with pytest.raises(Exception, match="too few customers"):
        scores.top_clv(con)
    con.close()


def test_scores_are_rebuilt_after_an_import(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    main(["import", str(FIXTURES / "taobao_small.csv"), "--db", db])
    con = store.connect(db)
    assert scores.is_current(con)
    before = len(scores.scores(con))
    con.close()
    main(["import", str(FIXTURES / "repurchase" / "orders.csv"), "--db", db])
    con = store.connect(db)
    assert scores.is_current(con)
    assert len(scores.scores(con)) > before
    con.close()


def test_scores_are_rebuilt_after_an_undo(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    main(["import", str(FIXTURES / "taobao_small.csv"), "--db", db])
    main(["import", str(FIXTURES / "repurchase" / "orders.csv"), "--db", db])
    con = store.connect(db)
    both = len(scores.scores(con))
    last = con.execute("SELECT max(import_id) FROM imports").fetchall()[0][0]
    con.close()
    assert main(["undo", str(last), "--db", db]) == 0
    con = store.connect(db)
    assert scores.is_current(con)
    assert len(scores.scores(con)) < both
    con.close()


def test_import_with_skip_scores_leaves_them_to_the_first_read(tmp_path):
    db = str(tmp_path / "s.duckdb")
    main(["import", str(FIXTURES / "taobao_small.csv"), "--db", db, "--skip-scores"])
    con = store.connect(db)
    assert not scores.is_current(con)
    assert scores.ensure(con) is not None
    assert scores.is_current(con) and len(scores.scores(con)) == 4
    con.close()


def test_scores_are_rebuilt_after_a_settings_change(scored_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(scored_db, path)
    con = store.connect(path)
    before = stored(con, ["stage"])["stage"].value_counts()
    settings.save(con, lifecycle.STAGE_SETTINGS, lifecycle.StageCuts(30, 60, 90, 120))
    assert scores.is_current(con)
    after = stored(con, ["stage"])["stage"].value_counts()
    assert after["lost"] > before["lost"]
    expected = lifecycle.customer_stages(con, as_of=DEMO_END)["stage"].value_counts()
    assert after.sort_index().equals(expected.sort_index())
    con.close()


def test_stale_scores_are_rebuilt_on_the_first_read(scored_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(scored_db, path)
    con = store.connect(path)
    with store.transaction(con):
        store.bump_data_version(con)
    assert not scores.is_current(con)
    assert scores.ensure(con) == DEMO_END
    assert scores.is_current(con)
    con.close()


def test_report_clv_reads_the_stored_scores_and_prints_what_clv_computes(scored_db, capsys):
    import json

    assert main(["report", "clv", "--db", str(scored_db), "--format", "json"]) == 0
    printed = pd.DataFrame(json.loads(capsys.readouterr().out))
    con = store.connect(scored_db, read_only=True)
    expected = clv.clv(con, as_of=DEMO_END)
    con.close()
    assert list(printed["customer_id"][:50]) == list(expected["customer_id"][:50])
    assert np.allclose(printed["clv"], expected["clv"], rtol=1e-9)


def test_reports_on_stale_scores_compute_instead_of_failing_to_rebuild(demo_db, tmp_path, capsys):
    """A report opens the store read-only: scores left stale by `import --skip-scores`
    are not rebuilt there (that was a traceback), the figures are computed instead."""
    db = tmp_path / "stale.duckdb"
    shutil.copy(demo_db, db)
    assert (
        main(["import", str(FIXTURES / "taobao_small.csv"), "--db", str(db), "--skip-scores"]) == 0
    )
    capsys.readouterr()
    for report in ("clv", "rfm"):
        assert main(["report", report, "--db", str(db), "--format", "csv"]) == 0
        assert capsys.readouterr().out.count("\n") > 1000


def test_modified_bgnbd_columns_equal_the_churn_lists_own_fit(scored):
    from analytics import mbgnbd

    expected = mbgnbd.customer_predictions(scored, as_of=DEMO_END).set_index(KEY)
    got = stored(scored, ["mbg_p_alive", "mbg_expected_purchases_365"]).loc[expected.index]
    assert np.allclose(got["mbg_p_alive"], expected["p_alive"], rtol=1e-9, atol=0)
    assert np.allclose(
        got["mbg_expected_purchases_365"], expected["expected_purchases"], rtol=1e-9, atol=0
    )
    assert scores.model_fit(scored, "mbgnbd").customers == len(expected)
