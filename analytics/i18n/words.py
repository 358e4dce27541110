"""Catalog: words shared by every page's charts and tables (empty charts, missing values)."""

ZH = {
    "common.chart_empty": "这里还没有可画的数据。",
}

EN = {
    "common.chart_empty": "Nothing to draw here yet.",
}
