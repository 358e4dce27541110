"""Age bands (with the random spread of unknown ages), gender and quality customers, on
hand-made buyers and profiles (expected answers worked out beside each test)."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime

import pytest

from analytics import customers, store
from analytics.cli import main
from analytics.demographics import (
    AGE_BANDS,
    age_band_summary,
    customer_age_bands,
    gender_summary,
    quality_customers,
    quality_summary,
)

_ids = itertools.count(1)
AS_OF = date(2024, 6, 30)


def add(con, customer, when=datetime(2024, 1, 1, 12), amount=100, *, status="completed", refund=0):
    con.execute(
        f"INSERT INTO orders ({', '.join(store.ORDER_COLUMNS)}) VALUES "
        "('taobao', 's', ?, ?, ?, NULL, ?, NULL, ?, ?, ?, NULL, NULL, 1, NULL, 0)",
        [f"o{next(_ids)}", customer, customer, when, status, amount, refund],
    )


def profile(con, customer, *, birthday=None, age=None, gender=None, bad_review=None):
    con.execute(
        "INSERT INTO customer_profiles VALUES (?, ?, ?, ?, NULL, ?, 0)",
        [customer, birthday, age, gender, bad_review],
    )


@pytest.fixture
def many(con):
    """3,000 buyers of ¥100 each: 2,000 with a known age (200 aged 20, 800 aged 27, 600
    aged 32, 400 aged 40: shares 10/40/30/20/0% over AGE_BANDS) and 1,000 with none."""
    con.execute(
        f"INSERT INTO orders ({', '.join(store.ORDER_COLUMNS)}) "
        "SELECT 'taobao', 's', 'o' || i, 'c' || i, NULL, NULL, TIMESTAMP '2024-01-01 12:00', "
        "NULL, 'completed', 100, 0, NULL, NULL, 1, NULL, 0 FROM range(3000) t(i)"
    )
    con.execute(
        "INSERT INTO customer_profiles SELECT 'c' || i, NULL, CASE WHEN i < 200 THEN 20 "
        "WHEN i < 1000 THEN 27 WHEN i < 1600 THEN 32 ELSE 40 END, NULL, NULL, NULL, 0 "
        "FROM range(2000) t(i)"
    )
    customers.refresh(con)
    return con


def test_age_is_counted_from_the_birthday_on_the_as_of_date(con):
    add(con, "b")
    add(con, "a")
    profile(con, "b", birthday=date(2000, 6, 15), age=99)  # the birthday wins over age
    profile(con, "a", age=30)
    customers.refresh(con)
    day_before = customer_age_bands(con, as_of=date(2024, 6, 14)).set_index("customer_id")
    birthday = customer_age_bands(con, as_of=date(2024, 6, 15)).set_index("customer_id")
    assert (day_before.loc["b", "age"], birthday.loc["b", "age"]) == (23, 24)
    assert (day_before.loc["a", "age"], birthday.loc["a", "age"]) == (30, 30)
    assert not birthday["imputed"].any()


def test_band_edges(con):
    ages = {17: "<18", 18: "18-24", 24: "18-24", 25: "25-29", 29: "25-29", 30: "30-34"}
    ages |= {34: "30-34", 35: "35+"}
    for age in ages:
        add(con, f"c{age}")
        profile(con, f"c{age}", age=age)
    customers.refresh(con)
    bands = customer_age_bands(con, as_of=AS_OF).set_index("customer_id")["age_band"]
    assert bands.to_dict() == {f"c{age}": band for age, band in ages.items()}


def test_unknown_ages_all_get_a_band(many):
    bands = customer_age_bands(many, as_of=AS_OF)
    assert len(bands) == 3000
    assert bands["age_band"].isin(AGE_BANDS).all()
    assert bands["imputed"].sum() == 1000
    assert bands.loc[bands["imputed"], "age"].isna().all()


def test_unknown_ages_are_spread_in_proportion_to_the_known_ones(many):
    # 1,000 unknown over shares 10/40/30/20/0% -> exactly 100/400/300/200/0 (cumulative
    # cuts at slots 100, 500, 800, 1000, 1000).
    s = age_band_summary(many, as_of=AS_OF).set_index("age_band")
    assert list(s.index) == list(AGE_BANDS)
    assert s["imputed_customers"].tolist() == [100, 400, 300, 200, 0]
    assert s["customers"].tolist() == [300, 1200, 900, 600, 0]
    assert s["revenue"].tolist() == [30000.0, 120000.0, 90000.0, 60000.0, 0.0]
    assert s.loc["25-29", "imputed_share"] == pytest.approx(400 / 1200)


def test_imputation_is_deterministic_for_a_seed(many):
    first = customer_age_bands(many, as_of=AS_OF, seed=7)
    again = customer_age_bands(many, as_of=AS_OF, seed=7)
    other = customer_age_bands(many, as_of=AS_OF, seed=8)
    assert first.equals(again)
    # Another seed places other buyers in each band (same counts).
    assert not first["age_band"].equals(other["age_band"])
    assert (
        first["age_band"].value_counts().sort_index().tolist()
        == other["age_band"].value_counts().sort_index().tolist()
    )


def test_with_no_known_age_nobody_gets_a_band(con):
    add(con, "x")
    profile(con, "x", gender="女")  # a profile without age or birthday
    customers.refresh(con)
    bands = customer_age_bands(con, as_of=AS_OF)
    assert bands["age_band"].isna().all() and not bands["imputed"].any()
    assert age_band_summary(con, as_of=AS_OF)["customers"].tolist() == [0] * 5


def test_profiles_of_non_buyers_do_not_count(con):
    add(con, "buyer")
    add(con, "closer", status="closed")
    profile(con, "buyer", age=20)
    profile(con, "closer", age=40)
    profile(con, "stranger", age=40)
    customers.refresh(con)
    s = age_band_summary(con, as_of=AS_OF).set_index("age_band")["customers"]
    assert s.to_dict() == {"18-24": 1, "25-29": 0, "30-34": 0, "35+": 0, "<18": 0}


def test_gender_summary_counts_buyers_by_profile_gender(con):
    for c, g in (("a", "女"), ("b", "女"), ("c", "男"), ("d", None)):
        add(con, c)
        if g:
            profile(con, c, gender=g)
    customers.refresh(con)
    s = gender_summary(con).set_index("gender")["customers"].to_dict()
    assert s == {"女": 2, "男": 1, "unknown": 1}


def test_quality_customers_exclude_bad_reviewers(con):
    # p left a bad review, q did not, r has no profile (no bad review), s bought nothing.
    for c in ("p", "q", "r"):
        add(con, c)
    add(con, "s", status="closed")
    add(con, "q", amount=50, status="refunded", refund=50)  # refunds do not matter here
    profile(con, "p", bad_review=True)
    profile(con, "q", bad_review=False)
    profile(con, "s", bad_review=False)
    customers.refresh(con)
    assert quality_customers(con)["customer_id"].tolist() == ["q", "r"]
    summary = quality_summary(con)
    assert (summary.basis, summary.buyers, summary.quality_customers) == ("reviews", 3, 2)
    assert summary.share == pytest.approx(2 / 3)


def test_without_review_data_quality_means_no_refund(con):
    # u: a partly refunded sale; w: one sale and one refunded order; v: clean.
    add(con, "u", amount=100, refund=30)
    add(con, "w", amount=200)
    add(con, "w", amount=80, status="refunded", refund=80)
    add(con, "v", amount=300)
    profile(con, "v", gender="男")  # profiles, but no review data
    customers.refresh(con)
    assert quality_customers(con)["customer_id"].tolist() == ["v"]
    summary = quality_summary(con)
    # revenue: u 70, w 200, v 300 -> v's share 300 / 570.
    assert (summary.basis, summary.buyers, summary.quality_customers) == ("refunds", 3, 1)
    assert summary.revenue_share == pytest.approx(300 / 570)


def test_quality_as_of_ignores_later_orders(con):
    add(con, "z", when=datetime(2024, 1, 10), amount=100)
    add(con, "z", when=datetime(2024, 3, 1), amount=60, status="refunded", refund=60)
    customers.refresh(con)
    assert quality_customers(con, as_of=date(2024, 2, 1))["customer_id"].tolist() == ["z"]
    assert quality_customers(con)["customer_id"].tolist() == []


def test_report_age_bands_json_has_the_documented_keys(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    add(con, "a")
    profile(con, "a", age=26)
    customers.refresh(con)
    con.close()
    assert main(["report", "age-bands", "--db", str(db), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["age_band"] for r in records] == list(AGE_BANDS)
    assert list(records[0])[:4] == ["age_band", "customers", "revenue", "imputed_customers"]
    assert [r["customers"] for r in records] == [0, 1, 0, 0, 0]
