"""Work shared within a block (analytics.once): the stored-views rebuild computes the
repurchase purchase rows once per level, and every figure read from them equals the one
computed on its own."""

from __future__ import annotations

import pandas as pd

from analytics import manual_cycles, once, repurchase, settings, store, views
from analytics.manual_cycles import ManualCycles
from tests.conftest import DEMO_END


def _temp_tables(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary")
            .fetchall()]  # fmt: skip


def _figures(con) -> dict[str, pd.DataFrame]:
    return {
        "cycles": repurchase.product_cycles(con, as_of=DEMO_END),
        "category cycles": repurchase.product_cycles(con, as_of=DEMO_END, level="category"),
        "reminders 7": repurchase.reminders(con, as_of=DEMO_END),
        "reminders 30": repurchase.reminders(con, as_of=DEMO_END, within_days=30),
        "churn": repurchase.churn_risk(con, as_of=DEMO_END),
        "one shop": repurchase.churn_risk(con, as_of=DEMO_END, shop="taobao/老客优选旗舰店"),
        "combined": manual_cycles.combined_reminders(con, as_of=DEMO_END, within_days=30),
        "table": manual_cycles.cycle_table(con, as_of=DEMO_END, level="category"),
    }


def test_repurchase_figures_from_the_shared_rows_equal_those_computed_alone(demo_con):
    manual_cycles.save(demo_con, ManualCycles(rules=(("category", "宠物", 5, True),)))
    alone = _figures(demo_con)
    with once.block(demo_con):
        shared = _figures(demo_con)
        held = _temp_tables(demo_con)
    assert len(held) == 2  # the product rows of all shops and of the one shop
    for name, df in alone.items():
        assert len(df) > 0, name  # the demo shop has rows for every figure
        pd.testing.assert_frame_equal(shared[name], df, obj=name)
    assert _temp_tables(demo_con) == []


def test_scores_churn_sql_reads_the_same_as_the_shared_rows(demo_con):
    """scores.py runs ``_CHURN_SQL`` (the CTE form) with everyone assessed."""
    cfg = repurchase.load_settings(demo_con)
    params = repurchase._params(cfg, as_of=DEMO_END, shop=None) | {"factor": -1.0, "max_days": 0}
    alone = demo_con.execute(repurchase._CHURN_SQL, params).df()
    with once.block(demo_con):
        shared = repurchase._run(demo_con, "product", repurchase._CHURN_TAIL, params)
    pd.testing.assert_frame_equal(shared, alone)


def test_the_rebuild_computes_the_purchase_rows_once_per_level(demo_con, monkeypatch):
    created = []
    temp_table = once.temp_table

    def counted(con, sql, params):
        name = temp_table(con, sql, params)
        created.append(name)
        return name

    monkeypatch.setattr(once, "temp_table", counted)
    views.rebuild(demo_con, as_of=store.latest_order_date(demo_con))
    assert len(created) >= 4  # cycles, reminders, churn, the product cycle table, the agenda
    assert len(set(created)) == 1  # the product rows (the category rows serve one view)
    assert _temp_tables(demo_con) == []


def test_shared_results_last_only_for_the_block_and_its_connection(demo_con, tmp_path):
    calls = []

    @once.shared
    def counted(con, *, n):
        calls.append(n)
        return n

    with once.block(demo_con):
        assert counted(demo_con, n=1) == counted(demo_con, n=1) == 1
        counted(demo_con, n=2)
        other = store.connect(tmp_path / "other.duckdb")
        counted(other, n=1)
        other.close()
    counted(demo_con, n=1)
    assert calls == [1, 2, 1, 1]


def test_settings_saved_after_a_block_are_read_again(demo_con):
    with once.block(demo_con):
        assert repurchase.load_settings(demo_con).remind_before_days == 5
    settings.save(demo_con, repurchase.SETTINGS_NAME, repurchase.RepurchaseSettings(9))
    assert repurchase.load_settings(demo_con).remind_before_days == 9


class _Counting:
    """A connection that counts the queries run on it."""

    def __init__(self, con):
        self.con, self.queries = con, []

    def execute(self, sql, *args):
        self.queries.append(sql)
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_the_churn_warning_of_its_view_and_of_the_agenda_is_queried_once(demo_con):
    con = _Counting(demo_con)
    cfg = repurchase.load_settings(demo_con)
    with once.block(con):
        view = repurchase.churn_risk(con, as_of=DEMO_END, factor=1.5, settings=cfg, shop=None)
        view["revenue"] = 0.0  # a caller changing its copy changes nobody else's
        agenda = repurchase.churn_risk(con, as_of=DEMO_END)
    assert sum("visits AS" in sql for sql in con.queries) == 1
    pd.testing.assert_frame_equal(agenda, repurchase.churn_risk(demo_con, as_of=DEMO_END))
