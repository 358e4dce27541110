"""The dashboard under Streamlit's AppTest, as the page tests open it."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def dashboard(db: Path, monkeypatch, lang: str = "zh") -> AppTest:
    """app.py on database ``db`` in ``lang``, not run yet."""
    monkeypatch.setenv("LAOKE_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    return at


def plotly_values(array) -> list:
    """A plotly array of a chart's spec as numbers (plotly may send it as a typed base64
    buffer)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _charts(at: AppTest) -> dict:
    """The plotly charts on the page by key (``chart_<name>``, ``ui.widgets.chart``)."""
    return {c.proto.id.rpartition("-")[2]: c.proto for c in at.get("plotly_chart")}


def chart_keys(at: AppTest) -> set[str]:
    """The keys of the plotly charts on the page."""
    return set(_charts(at))


def chart_spec(at: AppTest, name: str) -> dict:
    """The plotly spec (data, layout) of chart ``name`` on the page."""
    return json.loads(_charts(at)[f"chart_{name}"].spec)
