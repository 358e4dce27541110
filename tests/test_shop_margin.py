"""One shop setting 毛利率: the promotion planner stores it, the value model reads it."""

from __future__ import annotations

import inspect

from analytics import clv, promotions, repurchase, settings


def test_gross_margin_defaults_to_the_planner_default(con):
    assert settings.gross_margin(con) == promotions.PromotionSettings().margin == 0.4


def test_gross_margin_follows_the_planner_saved_default(con):
    settings.save(con, promotions.SETTINGS_NAME, promotions.PromotionSettings(margin=0.55))
    assert settings.gross_margin(con) == 0.55


def test_value_model_defaults_to_the_same_margin_as_the_planner():
    for fn in (clv.clv, repurchase.top_clv):
        assert inspect.signature(fn).parameters["margin"].default == settings.DEFAULT_MARGIN
