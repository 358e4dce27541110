"""ui/charts.py: every chart in the reader's formats, fixed colours, empty charts found."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics import lifecycle, rfm
from ui import charts

MONTHS = pd.date_range("2024-01-01", periods=6, freq="MS")


def _monthly_sales() -> go.Figure:
    fig = go.Figure()
    fig.add_bar(x=MONTHS, y=[50_000, 120_000, 90_000, 150_000, 160_000, 80_000])
    fig.add_scatter(x=MONTHS, y=[407, 700, 900, 1381, 1200, 800], yaxis="y2")
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right"})
    return fig


def test_chinese_money_axis_reads_in_wan_not_k():
    fig = charts.polish(_monthly_sales(), "zh")
    assert list(fig.layout.yaxis.ticktext) == ["0", "5万", "10万", "15万", "20万"]


def test_english_axes_use_thousands_separators():
    fig = charts.polish(_monthly_sales(), "en")
    assert fig.layout.yaxis.tickformat == ",~f"
    assert fig.layout.separators == ".,"


def test_months_read_as_year_and_month_in_chinese():
    fig = charts.polish(_monthly_sales(), "zh")
    assert fig.layout.xaxis.tickformat == "%Y年%-m月"
    assert charts.polish(_monthly_sales(), "en").layout.xaxis.tickformat == "%b %Y"


def test_the_second_axis_keeps_its_own_round_ticks():
    fig = charts.polish(_monthly_sales(), "zh")
    assert fig.layout.yaxis2.tickmode == "auto"
    assert fig.layout.yaxis2.showgrid is False


def test_an_axis_with_its_own_format_is_left_alone():
    fig = go.Figure(go.Scatter(x=MONTHS, y=[0.41, 0.45, 0.5, 0.44, 0.46, 0.47]))
    fig.update_layout(yaxis={"tickformat": ".0%"})
    assert charts.polish(fig, "zh").layout.yaxis.tickformat == ".0%"


def test_daily_dates_show_no_time_of_day():
    days = pd.date_range("2026-10-01", periods=5, freq="D")
    fig = charts.polish(go.Figure(go.Scatter(x=days, y=[1, 2, 3, 4, 5])), "zh")
    assert fig.layout.xaxis.tickformat == "%Y-%m-%d"


def test_wan_keeps_small_numbers_whole():
    assert charts.wan(150_000) == "15万"
    assert charts.wan(25_000) == "2.5万"
    assert charts.wan(5_683) == "5,683"


def test_every_rfm_segment_and_stage_has_its_own_colour():
    assert set(rfm.SEGMENTS) <= set(charts.SEGMENT_COLORS)
    assert len(set(charts.SEGMENT_COLORS.values())) == len(charts.SEGMENT_COLORS)
    assert set(lifecycle.STAGES) <= set(charts.STAGE_COLORS)
    assert set(lifecycle.CUSTOMER_TYPES) <= set(charts.CUSTOMER_TYPE_COLORS)


def test_a_segment_keeps_its_colour_whatever_the_order():
    ids = ["lost", "champions", "new"]
    assert charts.color_list(ids, charts.SEGMENT_COLORS)[1] == charts.SEGMENT_COLORS["champions"]
    assert (
        charts.color_list(ids[::-1], charts.SEGMENT_COLORS)[1] == charts.SEGMENT_COLORS["champions"]
    )


def test_cohort_lines_get_distinct_colours():
    assert len(set(charts.distinct_colors(24))) == 24


def test_a_chart_without_values_is_empty():
    assert charts.is_empty(go.Figure(go.Bar(x=[], y=[])))
    assert not charts.is_empty(_monthly_sales())


def test_event_labels_get_room_above_the_plot():
    fig = go.Figure(go.Bar(x=[1], y=[1]))
    charts.labels_above(fig, ["双11", "Spring Festival"])
    assert fig.layout.margin.t >= 50 + 60


def test_the_period_holding_the_as_of_date_is_unfinished():
    weeks = pd.to_datetime(["2026-10-19", "2026-10-26"])  # Mondays
    assert charts.unfinished(weeks, "week", pd.Timestamp("2026-10-31")) == [False, True]
    assert charts.unfinished(weeks, "week", pd.Timestamp("2026-11-01")) == [False, False]
    months = pd.to_datetime(["2026-09-01", "2026-10-01"])
    assert charts.unfinished(months, "month", pd.Timestamp("2026-10-31")) == [False, False]
    assert charts.unfinished(months, "month", pd.Timestamp("2026-10-30")) == [False, True]
