"""ui/charts.py: every chart in the reader's formats, fixed colours, empty charts found."""

from __future__ import annotations

import numpy as np
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
    assert fig.layout.xaxis.tickformat == "%-m月%-d日"
    assert "%H" not in fig.layout.xaxis.hoverformat


WEEKS = pd.date_range("2026-04-27", periods=8, freq="W-MON")


def _weekly() -> go.Figure:
    return go.Figure(go.Scatter(x=WEEKS, y=[380, 470, 300, 310, 320, 300, 310, 330]))


def test_weekly_axis_reads_month_and_day_in_chinese_with_the_year_on_hover():
    axis = charts.polish(_weekly(), "zh").layout.xaxis
    assert (axis.tickformat, axis.hoverformat) == ("%-m月%-d日", "%Y年%-m月%-d日")


def test_weekly_axis_reads_may_1_in_english():
    axis = charts.polish(_weekly(), "en").layout.xaxis
    assert (axis.tickformat, axis.hoverformat) == ("%b %-d", "%b %-d, %Y")


def test_a_year_of_weeks_reads_month_and_day():
    weeks = pd.date_range("2025-12-08", periods=52, freq="W-MON")
    fig = charts.polish(go.Figure(go.Bar(x=weeks, y=list(range(52)))), "zh")
    assert fig.layout.xaxis.tickformat == "%-m月%-d日"


def test_a_day_axis_over_more_than_a_year_names_the_year_on_its_ticks():
    weeks = pd.date_range("2025-01-06", periods=80, freq="W-MON")
    fig = charts.polish(go.Figure(go.Scatter(x=weeks, y=list(range(80)))), "zh")
    assert fig.layout.xaxis.tickformat == "%Y年%-m月%-d日"


def _chinese_figures() -> dict[str, go.Figure]:
    """One figure of each kind the pages draw: months with a second axis, weeks, days,
    a heatmap with a colour bar, horizontal bars and a histogram of order values."""
    heatmap = go.Figure(go.Heatmap(z=[[1_200_000, 35_000], [80_000, 0]], x=["0", "1"]))
    heatmap.update_layout(xaxis={"type": "category"}, yaxis={"type": "category"})
    bars = go.Figure(go.Bar(x=[640_000, 90_000], y=["广东", "浙江"], orientation="h"))
    days = pd.date_range("2026-10-01", periods=40, freq="D")
    return {
        "months": _monthly_sales(),
        "weeks": _weekly(),
        "days": go.Figure(go.Bar(x=days, y=[3_500_000] * 40)),
        "heatmap": heatmap,
        "bars": bars,
        "histogram": go.Figure(go.Histogram(x=[59, 99, 129, 199, 2_500_000])),
    }


def test_chinese_figures_carry_every_date_and_number_format_themselves():
    """Streamlit's plotly.js knows only English: no axis of a Chinese chart may be left to
    its defaults (``Jan 2024``, ``Mar 3``, ``20k``, ``1M``)."""
    for name, fig in _chinese_figures().items():
        charts.polish(fig, "zh")
        layout = fig.layout
        axes = [layout[k] for k in layout.to_plotly_json() if k[1:5] == "axis"]
        assert axes, name
        for axis in axes:
            assert axis.exponentformat == "none" and axis.separatethousands, name
            for fmt in (axis.tickformat, axis.hoverformat):
                assert not fmt or ("%b" not in fmt and "%B" not in fmt), (name, fmt)
        for trace in fig.data:
            if trace.type == "heatmap":
                assert trace.colorbar.exponentformat == "none", name
    for name in ("months", "weeks", "days"):
        axis = _chinese_figures()[name]
        axis = charts.polish(axis, "zh").layout.xaxis
        assert "年" in axis.hoverformat and "月" in axis.tickformat, name


def test_chinese_charts_are_given_plotlys_chinese_locale():
    config = charts.plotly_config("zh")
    assert config["locale"] == "zh-CN"
    months = config["locales"]["zh-CN"]["format"]["shortMonths"]
    assert months[0] == "1月" and len(months) == 12
    # the mode bar titles Streamlit's plotly.js shows (seen in Chromium)
    words = config["locales"]["zh-CN"]["dictionary"]
    for title in ("Download plot as a PNG", "Zoom", "Pan", "Autoscale", "Reset axes"):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in words[title]), title
    assert charts.plotly_config("en") == {}


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


def test_a_years_cohort_lines_never_look_alike():
    """Twelve monthly cohorts: no two colours closer than 100 in RGB (Dark24 in its own
    order put #DA16FF and #FB00D1, two magentas 61 apart, on May and December)."""
    import itertools

    def rgb(color):
        return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)

    twelve = charts.distinct_colors(12)
    gaps = [np.linalg.norm(rgb(a) - rgb(b)) for a, b in itertools.combinations(twelve, 2)]
    assert min(gaps) > 100


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


def test_labels_on_narrow_funnel_steps_keep_a_readable_size():
    fig = go.Figure(go.Funnel(y=["1", "2", "3"], x=[36_366, 9_750, 800], text=["a", "b", "c"]))
    charts.polish(fig, "zh")
    assert fig.layout.uniformtext.minsize == charts.MIN_LABEL_SIZE
    assert fig.layout.uniformtext.mode == "show"


def test_a_narrow_funnel_steps_label_goes_beside_it():
    fig = go.Figure(go.Funnel(y=["1", "2", "3"], x=[36_366, 9_750, 4_928], text=["a", "b", "c"]))
    charts.polish(fig, "zh")
    assert list(fig.data[0].textposition) == ["inside", "outside", "outside"]


def test_a_single_month_reads_once_with_its_year():
    """One month of data (a small shop): one tick 2024年3月, not 3月16日 five times."""
    fig = go.Figure(go.Bar(x=[pd.Timestamp("2024-03-01")], y=[129.0]))
    fig.add_scatter(x=[pd.Timestamp("2024-03-01")], y=[1], yaxis="y2")
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right"})
    charts.polish(fig, "zh")
    assert list(fig.layout.xaxis.ticktext) == ["2024年3月"]
    # one order on the second axis ticks 0, 1 (auto ticks at 0.2 read "0" four times)
    assert (fig.layout.yaxis2.tickmode, fig.layout.yaxis2.dtick) == ("linear", 1)
    assert charts.polish(
        go.Figure(go.Bar(x=[pd.Timestamp("2024-03-16")], y=[1])), "en"
    ).layout.xaxis.ticktext == ("Mar 16, 2024",)


def test_a_few_customers_tick_in_whole_numbers():
    fig = charts.polish(go.Figure(go.Bar(x=["北京", "上海"], y=[1, 0])), "zh")
    assert fig.layout.yaxis.dtick == 1


def test_a_chart_drawn_again_is_polished_once_per_language(monkeypatch):
    import uuid

    from analytics import i18n
    from ui import widgets

    polished, shown = [], []
    real = charts.polish
    monkeypatch.setattr(
        charts, "polish", lambda fig, lang: polished.append(lang) or real(fig, lang)
    )
    monkeypatch.setattr(widgets.st, "plotly_chart", lambda fig, **kw: shown.append(fig))
    monkeypatch.setattr(widgets, "download_csv", lambda *a, **kw: None)
    sales = pd.DataFrame(
        {"month": MONTHS, "revenue": [50_000, 120_000, 90_000, 150_000, 160_000, 8]}
    )
    title = str(uuid.uuid4())  # a drawing no other test made

    def draw():
        fig = go.Figure(go.Bar(x=sales["month"], y=sales["revenue"]))
        widgets.chart(fig.update_layout(title=title), sales, "sales")

    i18n.set_language("zh")
    draw()
    draw()
    assert polished == ["zh"] and shown[0] is shown[1]
    assert shown[0].layout.yaxis.ticktext[1] == "5万"  # polished in Chinese
    i18n.set_language("en")
    try:
        draw()
        assert polished == ["zh", "en"] and shown[2].layout.yaxis.tickformat == ",~f"
        sales.loc[5, "revenue"] = 9  # another drawing: polished again
        draw()
        assert polished == ["zh", "en", "en"]
    finally:
        i18n.set_language("zh")


def test_side_by_side_plots_and_shared_colour_scales_get_plain_numbers_too():
    fig = charts.two_panels("ROI", "利润")
    fig.add_bar(x=["A", "B"], y=[1_500_000, 2_000_000])
    fig.add_bar(x=["A", "B"], y=[3, 4], xaxis="x2", yaxis="y2")
    fig.add_heatmap(z=[[1_000_000, 2]], coloraxis="coloraxis", xaxis="x2", yaxis="y2")
    fig.update_layout(coloraxis={"colorscale": "Blues"})
    charts.polish(fig, "zh")
    for name in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        assert fig.layout[name].exponentformat == "none", name
    assert fig.layout.coloraxis.colorbar.exponentformat == "none"
    assert fig.layout.xaxis2.domain == (0.55, 1) and fig.layout.annotations[1].text == "利润"


def test_guides_are_added_in_one_update_with_their_labels():
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 2, 3]))
    charts.guides(
        fig,
        charts.vline(2, "保本点", dash="dash", color="firebrick"),
        charts.hline(1, dash="dot"),
        charts.vrect(1, 2, "临界区", fill="orange"),
    )
    kinds = [(s.type, s.xref, s.yref) for s in fig.layout.shapes]
    assert kinds == [
        ("line", "x", "y domain"),
        ("line", "x domain", "y"),
        ("rect", "x", "y domain"),
    ]
    assert fig.layout.shapes[0].line.dash == "dash" and fig.layout.shapes[2].fillcolor == "orange"
    assert [a.text for a in fig.layout.annotations] == ["保本点", "临界区"]  # the hline has none


def test_a_drawn_figure_is_built_and_polished_once_per_arguments_and_language(monkeypatch):
    import uuid

    from analytics import i18n
    from ui import widgets

    built, shown = [], []
    monkeypatch.setattr(widgets.st, "plotly_chart", lambda fig, **kw: shown.append(fig))
    monkeypatch.setattr(widgets, "download_csv", lambda *a, **kw: None)
    tag = str(uuid.uuid4())  # arguments no other test drew

    def revenue_figure(sales: pd.DataFrame, tag: str) -> go.Figure:
        built.append(len(sales))
        return go.Figure(go.Bar(x=sales["month"], y=sales["revenue"]))

    sales = pd.DataFrame(
        {"month": MONTHS, "revenue": [50_000, 120_000, 90_000, 150_000, 160_000, 8]}
    )
    i18n.set_language("zh")
    for _ in range(2):  # a second view, or another session: neither built nor polished again
        widgets.chart(widgets.drawn(revenue_figure, sales, tag), sales, "sales")
    assert built == [6] and shown[0] is shown[1]
    assert shown[0].layout.yaxis.ticktext[1] == "5万"  # polished in Chinese
    widgets.chart(widgets.drawn(revenue_figure, sales.head(3), tag), sales, "sales")
    assert built == [6, 3]  # other data: another drawing
    i18n.set_language("en")
    try:
        widgets.chart(widgets.drawn(revenue_figure, sales, tag), sales, "sales")
        assert built == [6, 3, 6] and shown[-1].layout.yaxis.tickformat == ",~f"
    finally:
        i18n.set_language("zh")
