"""Stored page views (analytics.views): what is stored equals what the function computes,
is served only for its exact call and data version, and the pages' first view reads it."""

from __future__ import annotations

import dataclasses
import functools
import importlib
from datetime import timedelta

import pandas as pd
import pytest

from analytics import privacy, repurchase, scores, store, views
from analytics.errors import InputError
from analytics.importers import import_orders
from tests.conftest import FIXTURES
from tests.pages.apptest import dashboard


def _calls(con):
    return list(views._calls(con, store.latest_order_date(con)))


def test_every_stored_view_equals_what_its_function_computes(scored_db):
    con = store.connect(scored_db, read_only=True)
    try:
        calls = _calls(con)
        assert {name for name, _ in calls} == set(views.VIEWS)
        for qualname, kwargs in calls:
            stored = views.lookup(con, qualname, kwargs)
            assert stored is not views.MISSING, qualname
            computed = views._resolve(qualname)(con, **kwargs)
            _assert_same(stored, computed, qualname)
    finally:
        con.close()


def _assert_same(stored, computed, name: str) -> None:
    """Frames equal, and a stored dataclass (a campaign list) equal field by field."""
    if isinstance(computed, pd.DataFrame):
        assert len(stored) > 0, name  # the demo shop has data for every view
        pd.testing.assert_frame_equal(stored, computed, obj=name)
        return
    assert type(stored) is type(computed), name
    for field in dataclasses.fields(computed):
        mine, theirs = getattr(stored, field.name), getattr(computed, field.name)
        if isinstance(theirs, pd.DataFrame):
            _assert_same(mine, theirs, f"{name}.{field.name}")
        else:
            assert mine == theirs, (name, field.name)


def test_a_campaign_list_survives_the_store_exactly():
    """The codec of stored dataclasses: frames, dates, the spec and counts come back equal
    (on a hand-made list, whatever the store holds)."""
    from datetime import date

    from analytics import campaigns

    members = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "orders": [3, 1],
            "spend": [10.5, 2.0],
            "expected_next": [date(2026, 5, 1), None],
            "grp": ["treatment", "control"],
        }
    )
    exclusions = pd.DataFrame({"exclusion": ["refunded"], "removed": [1], "enabled": [True]})
    spec = campaigns.ListSpec(kind="rfm", value="at_risk", holdout_pct=10, seed=7)
    made = campaigns.TargetList(spec, date(2026, 5, 2), None, members, exclusions, 5, 3)
    back = views._decode(views._encode(made))
    _assert_same(back, made, "list")
    assert back.spec == spec and back.counts() == made.counts()
    with pytest.raises(TypeError):
        views._encode(object())


def test_a_view_other_than_the_default_is_not_served(scored_db):
    con = store.connect(scored_db, read_only=True)
    try:
        as_of = store.latest_order_date(con)
        cfg = repurchase.load_settings(con)
        default = {"as_of": as_of, "within_days": views.REMINDER_DAYS, "settings": cfg}
        assert views.lookup(
            con, "analytics.repurchase.reminders", default | {"shop": None}
        ) is not (views.MISSING)
        for other in (
            {"shop": "taobao/demo"},
            {"shop": None, "within_days": 8},
            {"shop": None, "as_of": as_of - timedelta(days=1)},
        ):
            assert views.lookup(con, "analytics.repurchase.reminders", default | other) is (
                views.MISSING
            )
        assert views.lookup(con, "analytics.kpis.kpi_change", {}) is views.MISSING
    finally:
        con.close()


def test_an_import_makes_the_stored_views_stale_until_the_next_rebuild(scored_copy):
    con = store.connect(scored_copy)
    try:
        qualname, kwargs = _calls(con)[0]
        assert views.lookup(con, qualname, kwargs) is not views.MISSING
        import_orders(con, FIXTURES / "taobao_small.csv")
        assert views.lookup(con, qualname, kwargs) is views.MISSING
        scores.rebuild(con)
        assert views.lookup(con, qualname, kwargs) is not views.MISSING
    finally:
        con.close()


def test_deleting_a_customer_forgets_every_stored_view(scored_copy):
    con = store.connect(scored_copy)
    try:
        reminders = next(
            (views.lookup(con, q, k) for q, k in _calls(con) if q.endswith(".reminders"))
        )
        row = reminders.iloc[0]
        key = privacy.CustomerKey(row["platform"], row["shop"], row["customer_id"])
        privacy.delete_customer(con, key, user="owner")
        assert con.execute("SELECT count(*) FROM stored_views").fetchone()[0] == 0
    finally:
        con.close()


def test_an_error_of_the_default_view_is_stored_and_raised_again(tmp_path):
    path = tmp_path / "small.duckdb"
    con = store.connect(path)
    try:
        import_orders(con, FIXTURES / "taobao_small.csv")  # 3 orders: no model can be fitted
        scores.rebuild(con)
        as_of = store.latest_order_date(con)
        kwargs = next(k for q, k in views._calls(con, as_of) if q.endswith("holdout_check"))
        with pytest.raises(InputError, match="too few customers"):
            views.lookup(con, "analytics.clv.holdout_check", kwargs)
    finally:
        con.close()


def test_the_first_view_of_overview_and_repurchase_runs_no_stored_function(
    scored_copy, monkeypatch
):
    """Right after an import (scores and views rebuilt), a fresh server's first views of
    the Overview, Repurchase, Cohorts and Campaigns pages read every heavy figure from the
    store (the Campaigns page's untouched list included)."""

    for qualname in views.VIEWS:
        original = views._resolve(qualname)

        @functools.wraps(original)  # the same name: pages look the stored view up by it
        def refuse(*_args, _name=qualname, **_kwargs):
            raise AssertionError(f"{_name} computed on a page view although it is stored")

        module = importlib.import_module(qualname.rpartition(".")[0])
        monkeypatch.setattr(module, original.__name__, refuse)
    at = dashboard(scored_copy, monkeypatch).run()
    assert not at.exception, at.exception
    for page in ("pages/repurchase.py", "pages/cohorts.py", "pages/campaigns.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]


def test_report_cohorts_reads_the_stored_view(scored_db, capsys, monkeypatch):
    from analytics import cohorts
    from analytics.cli import main

    def report() -> str:
        assert main(["report", "cohorts", "--db", str(scored_db), "--format", "csv"]) == 0
        return capsys.readouterr().out

    with monkeypatch.context() as patch:

        @functools.wraps(cohorts.cohort_table)
        def refuse(*_args, **_kwargs):
            raise AssertionError("report cohorts computed the table although it is stored")

        patch.setattr(cohorts, "cohort_table", refuse)
        read = report()
    with monkeypatch.context() as patch:
        patch.setattr(views, "lookup", lambda *_a, **_k: views.MISSING)
        assert report() == read
    assert read.count("\n") > 30
