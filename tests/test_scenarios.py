"""Saved promotion scenarios (analytics.scenarios): save, list, overwrite, delete."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from analytics import scores, settings, store
from analytics.errors import InputError
from analytics.importers import import_orders
from analytics.promotions import SETTINGS_NAME, PromotionSettings
from analytics.scenarios import delete_scenario, list_scenarios, save_scenario
from tests.conftest import FIXTURES

THRESHOLD_INPUTS = {"margin": 0.4, "threshold": 150.0, "reduction": 15.0, "reach": 0.2}


def test_saved_scenario_lists_with_its_kind_and_inputs(con):
    before = datetime.now()
    save_scenario(con, name="满150减15", kind="threshold", inputs=THRESHOLD_INPUTS)
    saved = list_scenarios(con)
    assert list(saved.columns) == ["name", "kind", "inputs", "saved_at"]
    assert saved["name"].tolist() == ["满150减15"]
    assert saved["kind"].tolist() == ["threshold"]
    assert saved["inputs"].iloc[0] == THRESHOLD_INPUTS
    assert before <= saved["saved_at"].iloc[0].to_pydatetime() <= datetime.now()


def test_inputs_keep_their_types(con):
    inputs = {"count": 100, "share": 0.05, "on": True, "label": "A"}
    save_scenario(con, name="types", kind="deposit", inputs=inputs)
    loaded = list_scenarios(con)["inputs"].iloc[0]
    assert loaded == inputs
    assert [type(v) for v in loaded.values()] == [int, float, bool, str]


def test_saving_under_an_existing_name_replaces_it(con):
    save_scenario(con, name="plan", kind="threshold", inputs=THRESHOLD_INPUTS)
    save_scenario(con, name="plan", kind="break_even", inputs={"discount": 0.2})
    saved = list_scenarios(con)
    assert len(saved) == 1
    assert (saved["kind"].iloc[0], saved["inputs"].iloc[0]) == ("break_even", {"discount": 0.2})


def test_names_are_trimmed_so_padding_does_not_make_a_second_scenario(con):
    save_scenario(con, name="  plan ", kind="ads", inputs={"spend": 1.0})
    save_scenario(con, name="plan", kind="ads", inputs={"spend": 2.0})
    saved = list_scenarios(con)
    assert saved["name"].tolist() == ["plan"]
    assert saved["inputs"].iloc[0] == {"spend": 2.0}


def test_unicode_names_round_trip(con):
    names = ["春节满减 🎉", "会员日·九折", "双11 “预售”"]
    for name in names:
        save_scenario(con, name=name, kind="member_day", inputs={"discount": 0.1})
    assert sorted(list_scenarios(con)["name"]) == sorted(names)
    delete_scenario(con, name="春节满减 🎉")
    assert sorted(list_scenarios(con)["name"]) == sorted(names[1:])


def test_list_filters_by_kind(con):
    save_scenario(con, name="a", kind="threshold", inputs=THRESHOLD_INPUTS)
    save_scenario(con, name="b", kind="ads", inputs={"spend": 1.0})
    assert list_scenarios(con, kind="ads")["name"].tolist() == ["b"]
    assert list_scenarios(con, kind="pooling").empty


def test_list_is_newest_first(con):
    save_scenario(con, name="a", kind="ads", inputs={})
    save_scenario(con, name="b", kind="ads", inputs={})
    save_scenario(con, name="a", kind="ads", inputs={})  # re-saved: now the newest
    assert list_scenarios(con)["name"].tolist() == ["a", "b"]


def test_fresh_store_has_no_scenarios(con):
    saved = list_scenarios(con)
    assert saved.empty
    assert list(saved.columns) == ["name", "kind", "inputs", "saved_at"]


def test_delete_removes_only_that_scenario(con):
    save_scenario(con, name="keep", kind="ads", inputs={})
    save_scenario(con, name="drop", kind="ads", inputs={})
    delete_scenario(con, name="drop")
    assert list_scenarios(con)["name"].tolist() == ["keep"]


def test_delete_of_an_unknown_name_raises_input_error(con):
    with pytest.raises(InputError, match="no saved scenario named 'ghost'"):
        delete_scenario(con, name="ghost")


def test_save_and_delete_leave_the_scores_current(con):
    # No score or stored view depends on a scenario: saving one must not make the next
    # page view rebuild them all (a minute at a million orders).
    import_orders(con, FIXTURES / "taobao_small.csv")
    scores.rebuild(con)
    save_scenario(con, name="a", kind="ads", inputs={})
    assert scores.is_current(con)
    delete_scenario(con, name="a")
    assert scores.is_current(con)


def test_scenarios_live_beside_settings_without_touching_them(con):
    settings.save(con, SETTINGS_NAME, PromotionSettings(margin=0.55))
    save_scenario(con, name="promotion", kind="break_even", inputs={"discount": 0.1})
    assert settings.load(con, SETTINGS_NAME, PromotionSettings).margin == 0.55
    assert list_scenarios(con)["name"].tolist() == ["promotion"]
    stored = con.execute("SELECT name FROM settings ORDER BY name").fetchall()
    assert stored == [("promotion",), ("scenario:promotion",)]


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"name": "", "kind": "ads", "inputs": {}}, "name"),
        ({"name": "   ", "kind": "ads", "inputs": {}}, "name"),
        ({"name": None, "kind": "ads", "inputs": {}}, "name"),
        ({"name": "x" * 101, "kind": "ads", "inputs": {}}, "name"),
        ({"name": "a", "kind": "", "inputs": {}}, "kind"),
        ({"name": "a", "kind": "ads", "inputs": [1, 2]}, "inputs"),
        ({"name": "a", "kind": "ads", "inputs": {"spend": math.nan}}, "inputs"),
        ({"name": "a", "kind": "ads", "inputs": {"spend": math.inf}}, "inputs"),
        ({"name": "a", "kind": "ads", "inputs": {"when": datetime(2024, 1, 1)}}, "inputs"),
        ({"name": "a", "kind": "ads", "inputs": {"nested": [math.nan]}}, "inputs"),
    ],
)
def test_bad_scenario_raises_input_error_and_stores_nothing(con, kwargs, named):
    version = store.data_version(con)
    with pytest.raises(InputError, match=named):
        save_scenario(con, **kwargs)
    assert list_scenarios(con).empty
    assert store.data_version(con) == version


def test_hundred_character_name_is_accepted(con):
    save_scenario(con, name="名" * 100, kind="ads", inputs={})
    assert list_scenarios(con)["name"].tolist() == ["名" * 100]
