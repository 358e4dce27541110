"""ui/tables.py: a table is formatted once per content and language, then shared."""

from __future__ import annotations

import uuid

import pandas as pd

from analytics import i18n
from ui import tables


def test_a_table_shown_again_is_not_formatted_again(monkeypatch):
    shown, prepared = [], []
    real = tables.prepare
    monkeypatch.setattr(
        tables,
        "prepare",
        lambda df, kinds, lang=None: prepared.append(lang) or real(df, kinds, lang),
    )
    monkeypatch.setattr(tables.st, "dataframe", lambda df, **kw: shown.append((df, kw)))
    buyers = pd.DataFrame(
        {
            "customer_id": [str(uuid.uuid4()), "b2"],
            "province": ["浙江", None],
            "revenue": [1234.5, None],
        }
    )
    kinds, labels = {"province": "province", "revenue": "money"}, {"revenue": "销售额"}
    i18n.set_language("zh")
    tables.show(buyers, kinds, labels)
    tables.show(buyers, kinds, labels)
    assert prepared == ["zh"] and shown[0][0] is shown[1][0]
    assert shown[0][0]["province"].tolist() == ["浙江", "未知"]  # a missing province reads 未知
    assert shown[0][1]["column_config"]["revenue"]["label"] == "销售额"
    buyers.loc[1, "province"] = "上海"  # another content: formatted again
    tables.show(buyers, kinds, labels)
    assert prepared == ["zh", "zh"] and shown[2][0]["province"].tolist() == ["浙江", "上海"]
