"""Start the dashboard with its libraries already loaded.

    python -m ui.serve [options of `streamlit run`]

``scripts/run.sh`` starts the dashboard this way: pandas, pyarrow, plotly, DuckDB, SciPy's
special functions and every module the pages use are imported before the server listens,
so the first visitor does not wait for them on the first page view (about 2 s on a small
machine). ``streamlit run app.py`` serves the same dashboard; only its first view is slower.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Libraries the pages use, loaded before the analytics and ui modules that import them
#: (with what ``st.plotly_chart`` and ``st.dataframe`` load on their first call).
LIBRARIES = (
    "pandas",
    "pyarrow",
    "pyarrow.pandas_compat",
    "duckdb",
    "narwhals.stable.v1",
    "plotly.graph_objects",
    "plotly.io",
    "plotly.tools",
    "plotly.express",
    "scipy.special",
    "streamlit.material_icon_names",
)
#: The kinds of plotly figure the pages draw: their classes load lazily, on first use.
FIGURE_KINDS = ("layout", "bar", "scatter", "heatmap", "treemap", "sankey", "funnel")


def preload() -> list[str]:
    """Import the libraries and every ``analytics`` and ``ui`` module, subpackages
    included (not ``__main__`` entry points); the names imported, in order."""
    import analytics
    import ui

    names = list(LIBRARIES)
    for package in (analytics, ui):
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            if not module.name.endswith(("__main__", ".serve")):
                names.append(module.name)
    for name in names:
        importlib.import_module(name)
    for kind in FIGURE_KINDS:
        package = importlib.import_module(f"plotly.graph_objs.{kind}")
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            importlib.import_module(module.name)
            names.append(module.name)
    _first_view_setup()
    _draw_once()
    return names


def _draw_once() -> None:
    """One small figure of each kind the pages draw, polished and written as JSON: plotly
    builds a property's validator the first time a figure sets it (a quarter of a second
    of the first page of charts)."""
    import pandas as pd
    import plotly.graph_objects as go
    import plotly.io as pio

    from ui import charts

    months = pd.Series(pd.date_range("2026-01-01", periods=3, freq="MS"))
    counts = pd.Series([1, 2, 3])  # a pandas column, as the pages pass (narwhals reads it)
    fig = charts.two_panels("a", "b")
    fig.add_bar(x=months, y=counts, text=["1", "2", "3"], xperiodalignment="middle")
    fig.update_traces(marker={"pattern": {"shape": ["", "/", ""]}})
    fig.add_scatter(x=months, y=counts, mode="lines+markers", xaxis="x2", yaxis="y2")
    fig.update_traces(line={"dash": "dash"}, selector={"type": "scatter"})
    charts.guides(
        fig,
        charts.vline(months[1], "a", dash="dash", color="gray"),
        charts.vrect(months[0], months[1], "b", fill="orange"),
    )
    fig.update_layout(title="a", legend={"orientation": "h", "y": -0.15}, height=400)
    figures = [
        fig,
        go.Figure(go.Heatmap(z=[[1, 2]], x=["a", "b"], y=["c"])),
        go.Figure(go.Treemap(labels=["a"], parents=[""], values=[1])),
        go.Figure(go.Sankey(node={"label": ["a", "b"]}, link={"source": [0], "target": [1]})),
        go.Figure(go.Funnel(y=["a", "b"], x=[2, 1])),
    ]
    for figure in figures:
        figure.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
        pio.to_json(charts.polish(figure, "zh"), validate=False)


def _first_view_setup() -> None:
    """What Streamlit does once, on the first page view of a server, done before it listens
    (about 1 s of the first visitor's wait at 1M orders): it asks whether it runs in a REPL
    (``inspect.stack()``, which reads the path of every loaded module the first time), and
    it loads its emoji catalog and compiles its regex for the first label that is not ASCII
    (every Chinese one)."""
    from streamlit import env_util, string_util

    env_util.is_repl()
    string_util.extract_leading_emoji("老客")


def main(argv: list[str] | None = None) -> int:
    preload()
    from streamlit.web import cli

    args = sys.argv[1:] if argv is None else argv
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *args]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
