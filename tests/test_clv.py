"""BG/NBD and Gamma-Gamma (analytics.clv) and their reports, checked on the CDNOW sample.

Expected CDNOW figures and the fixture's source are in tests/fixtures/cdnow/README.md.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import check_grad
from scipy.special import betaln, gammaln, hyp2f1

from analytics import clv, store
from analytics.cli import main
from analytics.errors import InputError

CDNOW = Path(__file__).parent / "fixtures" / "cdnow"
CDNOW_AS_OF = date(1997, 9, 30)
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}
#: Every CDNOW buyer, including the 8 whose only order is 0.00 (a sale with nothing refunded).
CDNOW_STORE_BUYERS = 2357

_INSERT = """
INSERT INTO orders (platform, shop, order_id, customer_id, order_time, status, amount,
                    refund_amount, import_id)
SELECT platform, shop, order_id, customer_id, order_time, status, amount, refund_amount, 0
FROM new_orders
"""


def insert_orders(con, rows: list[dict]) -> None:
    """Insert orders given as dicts with customer_id, order_time and optional fields."""
    frame = pd.DataFrame(
        [
            {
                "platform": row.get("platform", "tmall"),
                "shop": row.get("shop", "s1"),
                "order_id": row.get("order_id", str(i)),
                "customer_id": row["customer_id"],
                "order_time": pd.Timestamp(row["order_time"]),
                "status": row.get("status", "completed"),
                "amount": row.get("amount", 100.0),
                "refund_amount": row.get("refund_amount", 0.0),
            }
            for i, row in enumerate(rows)
        ]
    )
    con.register("new_orders", frame)
    con.execute(_INSERT)
    con.unregister("new_orders")


def load_cdnow(con) -> None:
    raw = pd.read_csv(
        CDNOW / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "quantity", "amount"],
        dtype={"master_id": str, "customer_id": str, "date": str},
    )
    frame = pd.DataFrame(
        {
            "platform": "cdnow",
            "shop": "cdnow",
            "order_id": [str(i) for i in range(len(raw))],
            "customer_id": raw["customer_id"],
            "order_time": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "status": "completed",
            "amount": raw["amount"],
            "refund_amount": 0.0,
        }
    )
    con.register("new_orders", frame)
    con.execute(_INSERT)
    con.unregister("new_orders")


@pytest.fixture(scope="module")
def cdnow_con():
    con = store.connect(":memory:")
    load_cdnow(con)
    yield con
    con.close()


@pytest.fixture(scope="module")
def cdnow_db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("cdnow") / "cdnow.duckdb"
    con = store.connect(path)
    load_cdnow(con)
    con.close()
    return str(path)


def published_summary() -> pd.DataFrame:
    frame = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")
    frame["customer_id"] = frame["ID"].map("{:04d}".format)
    return frame


def assert_close(actual: dict, expected: dict, rel: float) -> None:
    for key, value in expected.items():
        assert actual[key] == pytest.approx(value, rel=rel), key


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float, seed: int = 7):
    """Customers drawn from BG/NBD with whole-day recency and T (first buy up to 2 years ago)."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(r, 1.0 / alpha, n)
    dropout = rng.beta(a, b, n)
    age = rng.integers(1, 731, n).astype(float)
    in_window = rng.poisson(rate * age)
    before_dropout = rng.geometric(dropout)
    x = np.minimum(in_window, before_dropout)
    last = np.zeros(n)
    repeat = x > 0
    last[repeat] = age[repeat] * rng.beta(x[repeat], in_window[repeat] - x[repeat] + 1)
    return x.astype(float), np.floor(last), age


# --------------------------------------------------------------------------- CDNOW


def test_cdnow_store_summary_matches_published_summary(cdnow_con):
    ours = clv.purchase_summary(cdnow_con, as_of=CDNOW_AS_OF, unit="week")
    published = published_summary().rename(columns={"T": "published_T"})
    merged = ours.merge(published, on="customer_id", how="left", validate="1:1")
    assert len(ours) == CDNOW_STORE_BUYERS
    assert (merged["frequency"] == merged["x"]).all()
    assert np.allclose(merged["recency"], merged["t_x"], atol=0.006)
    assert np.allclose(merged["T"], merged["published_T"], atol=0.006)
    assert np.allclose(merged["monetary_value"], merged["zbar"], atol=0.006)


def test_cdnow_buyers_who_only_bought_for_zero_are_still_buyers(cdnow_con):
    ours = clv.purchase_summary(cdnow_con, as_of=CDNOW_AS_OF)
    assert set(published_summary()["customer_id"]) == set(ours["customer_id"])
    free_only = cdnow_con.execute(
        "SELECT customer_id FROM orders GROUP BY customer_id HAVING sum(amount) = 0"
    ).fetchall()
    assert len(free_only) == 8
    assert {row[0] for row in free_only} <= set(ours["customer_id"])


def test_bgnbd_report_reproduces_cdnow_published_parameters(cdnow_con):
    params = clv.bgnbd_report(cdnow_con, as_of=CDNOW_AS_OF, unit="week")
    assert_close(vars(params), PUBLISHED_BGNBD, rel=0.01)
    assert params.n == CDNOW_STORE_BUYERS


def test_fit_bgnbd_on_published_summary_matches_the_paper():
    published = published_summary()
    params = clv.fit_bgnbd(published["x"], published["t_x"], published["T"])
    assert_close(vars(params), PUBLISHED_BGNBD, rel=0.002)
    assert params.log_likelihood == pytest.approx(-9582.4, abs=0.1)
    assert params.n == 2357


def test_expected_purchases_matches_the_paper_for_customer_one():
    published = published_summary()
    params = clv.fit_bgnbd(published["x"], published["t_x"], published["T"])
    expected = clv.expected_purchases(params, 39, [2], [30.43], [38.86])
    assert expected[0] == pytest.approx(1.226, abs=0.001)


def test_gamma_gamma_reproduces_cdnow_published_parameters(cdnow_con):
    summary = clv.purchase_summary(cdnow_con, as_of=CDNOW_AS_OF)
    params = clv.fit_gamma_gamma(summary["frequency"], summary["monetary_value"])
    assert_close(vars(params), PUBLISHED_GAMMA_GAMMA, rel=0.01)
    assert params.n == 946


def test_day_unit_scales_alpha_by_seven_and_keeps_the_rest(cdnow_con):
    weeks = clv.bgnbd_report(cdnow_con, as_of=CDNOW_AS_OF, unit="week")
    days = clv.bgnbd_report(cdnow_con, as_of=CDNOW_AS_OF, unit="day")
    assert days.alpha == pytest.approx(weeks.alpha * 7, rel=1e-4)
    for name in ("r", "a", "b"):
        assert getattr(days, name) == pytest.approx(getattr(weeks, name), rel=1e-4)


def test_cli_bgnbd_json_has_exactly_the_parameter_keys(cdnow_db, capsys):
    code, out, _ = run_cli(
        ["report", "bgnbd", "--db", cdnow_db, "--as-of", "1997-09-30", "--format", "json"],
        capsys,
    )
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"r", "alpha", "a", "b", "log_likelihood", "n"}
    assert_close(result, PUBLISHED_BGNBD, rel=0.01)


def test_cli_clv_json_records_have_the_clv_columns(cdnow_db, capsys):
    argv = ["report", "clv", "--db", cdnow_db, "--as-of", "1997-09-30", "--format", "json"]
    code, out, _ = run_cli([*argv, "--horizon", "180", "--margin", "0.25"], capsys)
    assert code == 0
    records = json.loads(out)
    assert len(records) == CDNOW_STORE_BUYERS
    assert set(records[0]) == {
        "platform",
        "shop",
        "customer_id",
        "p_alive",
        "expected_purchases",
        "expected_aov",
        "clv",
    }


def test_cli_refuses_an_empty_store_with_exit_code_2(tmp_path, capsys):
    db = str(tmp_path / "empty.duckdb")
    code, out, err = run_cli(["report", "bgnbd", "--db", db, "--as-of", "2024-01-01"], capsys)
    assert code == 2
    assert "too few customers" in err
    assert out == ""


def test_holdout_check_buckets_calibration_frequency_and_counts_holdout_days(cdnow_con):
    check = clv.holdout_check(cdnow_con, calibration_end=CDNOW_AS_OF, holdout_end=date(1998, 6, 30))
    assert list(check.columns) == ["frequency_bucket", "customers", "predicted", "actual"]
    assert list(check["frequency_bucket"]) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert check["customers"].sum() == CDNOW_STORE_BUYERS
    holdout_days = cdnow_con.execute(
        "SELECT count(DISTINCT (customer_id, CAST(order_time AS DATE))) FROM valid_orders "
        "WHERE order_time > DATE '1997-09-30'"
    ).fetchall()[0][0]
    assert (check["actual"] * check["customers"]).sum() == pytest.approx(holdout_days)
    # The model tracks the holdout: total predicted within 15% of the total observed.
    predicted = (check["predicted"] * check["customers"]).sum()
    assert predicted == pytest.approx(holdout_days, rel=0.15)


# --------------------------------------------------------------------------- summary rules


def test_two_orders_on_one_day_are_one_occasion(con):
    insert_orders(
        con,
        [
            {"customer_id": "c1", "order_time": "2024-01-01 09:00", "amount": 10},
            {"customer_id": "c1", "order_time": "2024-01-01 21:00", "amount": 20},
            {"customer_id": "c1", "order_time": "2024-01-08 12:00", "amount": 40},
            {"customer_id": "c1", "order_time": "2024-01-08 13:00", "amount": 60},
        ],
    )
    row = clv.purchase_summary(con, as_of=date(2024, 1, 15), unit="day").iloc[0]
    assert row["frequency"] == 1
    assert row["recency"] == 7
    assert row["T"] == 14
    assert row["monetary_value"] == 100


def test_one_order_buyer_has_frequency_zero_and_recency_zero(con):
    insert_orders(con, [{"customer_id": "c1", "order_time": "2024-01-01 10:00", "amount": 55}])
    row = clv.purchase_summary(con, as_of=date(2024, 1, 29), unit="week").iloc[0]
    assert (row["frequency"], row["recency"], row["T"]) == (0, 0, 4)
    assert row["monetary_value"] == 0


def test_orders_after_as_of_are_ignored(con):
    insert_orders(
        con,
        [
            {"customer_id": "c1", "order_time": "2024-01-01"},
            {"customer_id": "c1", "order_time": "2024-01-10 23:59"},
            {"customer_id": "c1", "order_time": "2024-01-11 00:00"},
            {"customer_id": "c2", "order_time": "2024-02-01"},
        ],
    )
    summary = clv.purchase_summary(con, as_of=date(2024, 1, 10), unit="day")
    assert list(summary["customer_id"]) == ["c1"]
    assert (summary.loc[0, "frequency"], summary.loc[0, "recency"]) == (1, 9)


def test_refunded_closed_and_unpaid_orders_are_excluded(con):
    insert_orders(
        con,
        [
            {"customer_id": "c1", "order_time": "2024-01-01", "amount": 50},
            {"customer_id": "c1", "order_time": "2024-01-02", "status": "closed"},
            {"customer_id": "c1", "order_time": "2024-01-03", "status": "unpaid"},
            {"customer_id": "c1", "order_time": "2024-01-04", "status": "refunded"},
            {"customer_id": "c1", "order_time": "2024-01-05", "refund_amount": 100},
            {"customer_id": "c1", "order_time": "2024-01-06", "amount": 80, "refund_amount": 30},
            {"customer_id": "c2", "order_time": "2024-01-06", "status": "closed"},
        ],
    )
    summary = clv.purchase_summary(con, as_of=date(2024, 1, 10), unit="day")
    assert list(summary["customer_id"]) == ["c1"]
    row = summary.iloc[0]
    assert (row["frequency"], row["recency"]) == (1, 5)
    assert row["monetary_value"] == 50  # net of the partial refund


def test_monetary_value_is_mean_net_spend_of_repeat_days_only(con):
    insert_orders(
        con,
        [
            {"customer_id": "c1", "order_time": "2024-01-01", "amount": 1000},
            {"customer_id": "c1", "order_time": "2024-01-05", "amount": 30},
            {"customer_id": "c1", "order_time": "2024-01-05", "amount": 10},
            {"customer_id": "c1", "order_time": "2024-01-09", "amount": 20},
        ],
    )
    row = clv.purchase_summary(con, as_of=date(2024, 1, 10)).iloc[0]
    assert row["frequency"] == 2
    assert row["monetary_value"] == 30  # (40 + 20) / 2; the first day's 1000 is not in it


def test_calibration_end_splits_calibration_and_holdout(con):
    insert_orders(
        con,
        [
            {"customer_id": "c1", "order_time": "2024-01-01"},
            {"customer_id": "c1", "order_time": "2024-01-15"},
            {"customer_id": "c1", "order_time": "2024-02-01"},
            {"customer_id": "c1", "order_time": "2024-02-01 18:00"},
            {"customer_id": "c1", "order_time": "2024-02-10"},
            {"customer_id": "c2", "order_time": "2024-02-02"},
        ],
    )
    summary = clv.purchase_summary(
        con, as_of=date(2024, 3, 1), unit="day", calibration_end=date(2024, 1, 31)
    )
    assert list(summary["customer_id"]) == ["c1"]
    row = summary.iloc[0]
    assert (row["frequency"], row["recency"], row["T"]) == (1, 14, 30)
    assert (row["frequency_holdout"], row["duration_holdout"]) == (2, 30)


def test_shop_filter_keeps_one_shop(con):
    insert_orders(
        con,
        [
            {"customer_id": "c1", "order_time": "2024-01-01", "shop": "s1"},
            {"customer_id": "c1", "order_time": "2024-01-02", "shop": "s2"},
            {"customer_id": "c1", "order_time": "2024-01-03", "shop": "s2"},
        ],
    )
    summary = clv.purchase_summary(con, as_of=date(2024, 1, 10), unit="day", shop="tmall/s2")
    assert list(summary["shop"]) == ["s2"]
    assert summary.loc[0, "frequency"] == 1


# --------------------------------------------------------------------------- models


def test_p_alive_is_one_for_frequency_zero():
    params = clv.BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0, n=1)
    alive = clv.p_alive(params, [0, 0, 2], [0, 0, 5.0], [1.0, 50.0, 38.86])
    assert alive[0] == 1 and alive[1] == 1
    assert 0 < alive[2] < 1


def test_expected_purchases_is_zero_for_a_zero_horizon_and_grows_with_it():
    params = clv.BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0, n=1)
    args = ([0, 3], [0, 20.0], [10.0, 30.0])
    assert np.allclose(clv.expected_purchases(params, 0, *args), 0)
    short, long = (clv.expected_purchases(params, t, *args) for t in (10, 52))
    assert (long > short).all() and (short > 0).all()


def _naive_bgnbd_ll(params, x, t_x, t):
    """FHL 2005 eq. 6 per customer, written out directly (no arrangement by levels)."""
    r, alpha, a, b = params
    lead = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    first = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + t)
    second = betaln(a + 1, b + np.maximum(x, 1) - 1) - betaln(a, b) - (r + x) * np.log(alpha + t_x)
    return lead + np.where(x > 0, np.logaddexp(first, second), first)


def test_bgnbd_likelihood_equals_the_papers_formula_customer_by_customer():
    x, t_x, t = simulate_bgnbd(3000, r=0.5, alpha=20, a=0.8, b=3)
    weights = np.random.default_rng(3).integers(1, 4, len(x)).astype(float)
    data = clv._bgnbd_data(x, t_x, t, weights)
    for point in ([0.5, 20, 0.8, 3], [2.0, 3.0, 1.5, 0.7], [1e4, 2e5, 30.0, 1500.0]):
        naive = -(weights @ _naive_bgnbd_ll(point, x, t_x, t)) / weights.sum()
        assert clv._bgnbd_nll(np.log(point), data)[0] == pytest.approx(naive, rel=1e-12)


def test_bgnbd_gradient_matches_finite_differences():
    x, t_x, t = simulate_bgnbd(2000, r=0.5, alpha=20, a=0.8, b=3)
    args = (clv._bgnbd_data(x, t_x, t, np.ones_like(x)),)
    for point in ([0.5, 20, 0.8, 3], [2.0, 3.0, 1.5, 0.7]):
        error = check_grad(
            lambda p: clv._bgnbd_nll(p, *args)[0],
            lambda p: clv._bgnbd_nll(p, *args)[1],
            np.log(point),
        )
        assert error < 1e-5


def test_gamma_gamma_likelihood_equals_the_formula_customer_by_customer(cdnow_con):
    summary = clv.purchase_summary(cdnow_con, as_of=CDNOW_AS_OF)
    repeat = summary[summary["frequency"] > 0]
    x, m = repeat["frequency"].to_numpy(float), repeat["monetary_value"].to_numpy(float)
    weights = np.random.default_rng(5).integers(1, 4, len(x)).astype(float)
    data = clv._gg_data(x, m, weights)
    for p, q, v in ([2.0, 5.0, 30.0], [6.25, 3.74, 15.44], [0.5, 1.5, 1e4]):
        # Fader & Hardie's note 025, eq. (2), per customer, written out directly.
        ll = (
            gammaln(p * x + q)
            - gammaln(p * x)
            - gammaln(q)
            + q * np.log(v)
            + (p * x - 1) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(x * m + v)
        )
        naive = -(weights @ ll) / weights.sum()
        assert clv._gg_nll(np.log([p, q, v]), data)[0] == pytest.approx(naive, rel=1e-12)


def test_gamma_gamma_gradient_matches_finite_differences(cdnow_con):
    summary = clv.purchase_summary(cdnow_con, as_of=CDNOW_AS_OF)
    repeat = summary[summary["frequency"] > 0]
    x, m = repeat["frequency"].to_numpy(float), repeat["monetary_value"].to_numpy(float)
    args = (clv._gg_data(x, m, np.ones_like(x)),)
    error = check_grad(
        lambda p: clv._gg_nll(p, *args)[0],
        lambda p: clv._gg_nll(p, *args)[1],
        np.log([2.0, 5.0, 30.0]),
    )
    assert error < 1e-5


def test_fit_bgnbd_recovers_simulated_parameters():
    truth = {"r": 0.5, "alpha": 20.0, "a": 0.8, "b": 3.0}
    params = clv.fit_bgnbd(*simulate_bgnbd(100_000, **truth))
    assert_close(vars(params), truth, rel=0.1)


def test_weights_are_the_same_as_repeated_rows():
    x, t_x, t = simulate_bgnbd(300, r=0.5, alpha=20, a=0.8, b=3)
    counts = np.arange(300) % 3 + 1
    weighted = clv.fit_bgnbd(x, t_x, t, weights=counts)
    repeated = clv.fit_bgnbd(*(np.repeat(v, counts) for v in (x, t_x, t)))
    assert weighted.n == repeated.n == counts.sum()
    for name in ("r", "alpha", "a", "b", "log_likelihood"):
        assert getattr(weighted, name) == pytest.approx(getattr(repeated, name), rel=1e-4)


def test_hyp2f1_series_matches_scipy_where_scipy_works():
    a, b, c, z = np.array([0.3, 5, 30]), np.array([2.4, 3, 32]), np.array([2.2, 4, 31]), 0.5
    assert np.allclose(clv._hyp2f1_series(a, b, c, np.full(3, z)), hyp2f1(a, b, c, z))


def test_very_regular_buyers_still_get_finite_predictions():
    # Everyone buys every 10 days and nobody leaves: the fit runs off toward the Poisson
    # limit (r, alpha huge), where scipy's hyp2f1 gives NaN; the series takes over.
    rng = np.random.default_rng(1)
    t = rng.integers(50, 400, 500).astype(float)
    x = np.floor(t / 10)
    t_x = t - rng.integers(0, 10, 500)
    params = clv.fit_bgnbd(x, t_x, t)
    expected = clv.expected_purchases(params, 30, x, t_x, t)
    assert np.isfinite(expected).all()
    assert expected == pytest.approx(np.full(500, 3.0), rel=0.05)


def test_expected_aov_pulls_a_customer_toward_the_population_mean():
    params = clv.GammaGammaParams(p=6.25, q=3.74, v=15.44, log_likelihood=0, n=1)
    population = 6.25 * 15.44 / 2.74
    aov = clv.expected_aov(params, [0, 1, 50], [0.0, 100.0, 100.0])
    assert aov[0] == pytest.approx(population)
    assert population < aov[1] < aov[2] < 100


# --------------------------------------------------------------------------- clv


def test_clv_has_one_row_per_customer_with_the_documented_columns(cdnow_con):
    result = clv.clv(cdnow_con, as_of=CDNOW_AS_OF)
    assert list(result.columns) == [
        "platform",
        "shop",
        "customer_id",
        "frequency",
        "recency",
        "T",
        "p_alive",
        "expected_purchases",
        "expected_aov",
        "clv",
    ]
    assert result["customer_id"].is_unique and len(result) == CDNOW_STORE_BUYERS
    assert np.isfinite(result[["p_alive", "expected_purchases", "clv"]].to_numpy()).all()
    assert result["clv"].is_monotonic_decreasing
    assert (result.loc[result["frequency"] == 0, "p_alive"] == 1).all()


def test_clv_without_discount_is_purchases_times_aov_times_margin(cdnow_con):
    result = clv.clv(cdnow_con, as_of=CDNOW_AS_OF, margin=0.5, annual_discount_rate=0)
    expected = result["expected_purchases"] * result["expected_aov"] * 0.5
    assert np.allclose(result["clv"], expected)


def test_clv_discounting_lowers_value_by_at_most_the_annual_rate(cdnow_con):
    plain = clv.clv(cdnow_con, as_of=CDNOW_AS_OF, annual_discount_rate=0).set_index("customer_id")
    discounted = clv.clv(cdnow_con, as_of=CDNOW_AS_OF, annual_discount_rate=0.1).set_index(
        "customer_id"
    )["clv"]
    ratio = discounted / plain.loc[discounted.index, "clv"]
    assert ((ratio < 1) & (ratio > 1 / 1.1)).all()


# --------------------------------------------------------------------------- refusals


def test_empty_store_raises_input_error(con):
    with pytest.raises(InputError, match="too few customers"):
        clv.bgnbd_report(con, as_of=date(2024, 1, 1))
    with pytest.raises(InputError, match="too few customers"):
        clv.clv(con, as_of=date(2024, 1, 1))


def test_no_repeat_buyers_raises_input_error(con):
    insert_orders(
        con,
        [{"customer_id": f"c{i}", "order_time": datetime(2024, 1, 1 + i % 28)} for i in range(50)],
    )
    with pytest.raises(InputError, match="no repeat buyers"):
        clv.bgnbd_report(con, as_of=date(2024, 3, 1))


def test_too_few_repeat_buyers_for_gamma_gamma_raises_input_error():
    with pytest.raises(InputError, match="repeat buyers"):
        clv.fit_gamma_gamma([0, 1, 2, 0], [0, 10.0, 12.0, 0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"horizon_days": 0}, "horizon"),
        ({"margin": 1.5}, "margin"),
        ({"annual_discount_rate": -0.1}, "discount"),
    ],
)
def test_clv_refuses_bad_parameters(con, kwargs, message):
    with pytest.raises(InputError, match=message):
        clv.clv(con, as_of=date(2024, 1, 1), **kwargs)


def test_unknown_unit_raises_input_error(con):
    with pytest.raises(InputError, match="unit"):
        clv.purchase_summary(con, as_of=date(2024, 1, 1), unit="month")


def test_holdout_end_must_follow_calibration_end(con):
    with pytest.raises(InputError, match="after the calibration end"):
        clv.holdout_check(con, calibration_end=date(2024, 1, 1), holdout_end=date(2024, 1, 1))


# --------------------------------------------------------------------------- boundary fits

#: Fits at the model's limits and inside it: (r, alpha, a, b) in days.
BOUNDARY_FITS = [
    pytest.param(9900.0, 418000.0, 0.8, 2.4, id="poisson-limit"),
    pytest.param(9900.0, 418000.0, 0.05, 30.0, id="poisson-limit-rare-dropout"),
    pytest.param(4.8e8, 2e10, 0.8, 2.4, id="rate-at-bound"),
    pytest.param(2e4, 1e6, 4.8e8, 4.8e8, id="poisson-and-same-dropout"),
    pytest.param(50.0, 2000.0, 3.0, 1e6, id="almost-nobody-drops-out"),
    pytest.param(1e4, 4e5, 2e-9, 1.0, id="dropout-never"),
    pytest.param(30.0, 300.0, 0.01, 0.02, id="tiny-a-b"),
    pytest.param(0.5, 20.0, 1.0, 3.0, id="a-exactly-one"),
    pytest.param(0.243, 30.9, 0.793, 2.426, id="cdnow-in-days"),
]


def mpmath_expected_purchases(mpmath, params, t, x, t_x, big_t) -> float:
    """FHL 2005 eq. 10 in 50-digit arithmetic (a = 1 stepped off by 1e-20)."""
    mpmath.mp.dps = 50
    r, alpha, a, b, t, x, t_x, big_t = (
        mpmath.mpf(v) for v in (params.r, params.alpha, params.a, params.b, t, x, t_x, big_t)
    )
    if a == 1:
        a += mpmath.mpf(10) ** -20
    hyp = mpmath.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
    bracket = (
        (a + b + x - 1) / (a - 1) * (1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp)
    )
    odds = a / (b + x - 1) * ((alpha + big_t) / (alpha + t_x)) ** (r + x) if x > 0 else 0
    return float(bracket / (1 + odds))


@pytest.mark.parametrize(("r", "alpha", "a", "b"), BOUNDARY_FITS)
def test_expected_purchases_match_high_precision_reference_at_boundary_fits(r, alpha, a, b):
    mpmath = pytest.importorskip("mpmath")
    params = clv.BgNbdParams(r=r, alpha=alpha, a=a, b=b, log_likelihood=0, n=1)
    cases = [
        (x, big_t * 0.7 if x else 0.0, big_t, t)
        for x in (0, 1, 5, 40)
        for big_t, t in ((10.0, 30.0), (700.0, 365.0), (100.0, 365.0), (0.0, 365.0))
    ]
    x, t_x, big_t, t = (np.array(column) for column in zip(*cases, strict=True))
    got = clv.expected_purchases(params, t, x, t_x, big_t)
    expected = [mpmath_expected_purchases(mpmath, params, *case[3:], *case[:3]) for case in cases]
    assert np.isfinite(got).all()
    assert got == pytest.approx(expected, rel=1e-6)


def test_month_end_predictions_are_computed_once_per_distinct_frequency_and_age():
    params = clv.BgNbdParams(r=9900.0, alpha=418000.0, a=0.8, b=2.4, log_likelihood=0, n=1)
    x = np.array([3.0, 3.0, 0.0, 3.0])
    t_x = np.array([50.0, 80.0, 0.0, 50.0])
    big_t = np.array([100.0, 100.0, 100.0, 100.0])
    ends = clv._month_ends(365.0)[:, None]
    together = clv.expected_purchases(params, ends, x, t_x, big_t)
    one_by_one = np.column_stack(
        [
            clv.expected_purchases(params, ends, x[i : i + 1], t_x[i : i + 1], big_t[i : i + 1])[
                :, 0
            ]
            for i in range(4)
        ]
    )
    assert together.shape == (12, 4)
    assert together == pytest.approx(one_by_one, rel=1e-12)
    assert (together[:, 0] == together[:, 3]).all()


def test_beta_quadrature_reproduces_beta_moments_at_huge_shapes():
    for a, b in ((0.8, 2.4), (2e-9, 1.0), (3.0, 4.8e8), (4.8e8, 4.8e8)):
        nodes, weights = clv._beta_quadrature(a, b, clv.QUADRATURE_NODES)
        mean = a / (a + b)
        variance = a * b / ((a + b) ** 2 * (a + b + 1))
        assert weights.sum() == pytest.approx(1.0)
        assert weights @ nodes == pytest.approx(mean, rel=1e-9)
        assert weights @ (nodes - mean) ** 2 == pytest.approx(variance, rel=1e-6)


def test_homogeneous_buyers_fit_the_poisson_limit_and_say_so():
    # Everyone buys once in 20 days and nobody leaves: r and alpha run off together.
    rng = np.random.default_rng(3)
    big_t = rng.integers(60, 730, 3000).astype(float)
    x = rng.poisson(big_t / 20.0).astype(float)
    t_x = np.where(x > 0, np.floor(big_t - rng.exponential(20.0, 3000).clip(0, big_t)), 0.0)
    params = clv.fit_bgnbd(x, t_x, big_t)
    assert "rate" in clv.bgnbd_limits(params)
    assert params.r / params.alpha == pytest.approx(1 / 20, rel=0.05)
    expected = clv.expected_purchases(params, 365.0, x, t_x, big_t)
    assert np.isfinite(expected).all()
    assert np.median(expected) == pytest.approx(365 / 20, rel=0.1)


def test_a_fit_inside_the_model_has_no_limits(cdnow_con):
    params = clv.bgnbd_report(cdnow_con, as_of=CDNOW_AS_OF, unit="week")
    assert clv.bgnbd_limits(params) == ()
