"""A mapping chosen for an unknown layout is saved by header and used next time unasked."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from analytics.cli import main
from analytics.errors import ImportRefused
from analytics.importers import import_orders
from analytics.importers.mappings import (
    forget_mapping,
    header_signature,
    save_mapping,
    saved_mapping,
)
from tests.conftest import FIXTURES

HEADER = ["单据", "会员", "日期时间", "实收"]
MAPPING = {"order_id": "单据", "customer_id": "会员", "order_time": "日期时间", "amount": "实收"}


def _unknown(tmp_path, name="shop.csv", rows=("A1,u1,2024-05-01 10:00:00,30",)):
    path = tmp_path / name
    path.write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_signature_ignores_column_order_and_padding():
    assert header_signature(["a", "b "]) == header_signature(["b", "a"])
    assert header_signature(["a", "b"]) != header_signature(["a", "c"])


def test_saved_mapping_comes_back_with_its_date(con):
    save_mapping(con, HEADER, MAPPING, now=datetime(2024, 5, 1, 9, 30))
    saved = saved_mapping(con, list(reversed(HEADER)))
    assert (saved.mapping, saved.saved_at) == (MAPPING, datetime(2024, 5, 1, 9, 30))


def test_saved_mapping_drops_columns_the_file_no_longer_has(con):
    save_mapping(con, HEADER, {**MAPPING, "phone": "手机"})
    assert "phone" not in saved_mapping(con, HEADER).mapping


def test_no_saved_mapping_for_an_unseen_header(con):
    assert saved_mapping(con, ["x", "y"]) is None


def test_forget_mapping_removes_it(con):
    save_mapping(con, HEADER, MAPPING)
    assert forget_mapping(con, HEADER) is True
    assert saved_mapping(con, HEADER) is None


def test_import_with_a_chosen_mapping_saves_it_for_the_next_file(con, tmp_path):
    import_orders(con, _unknown(tmp_path), mapping=MAPPING)
    later = _unknown(tmp_path, "later.csv", ("A2,u2,2024-06-01 10:00:00,40",))
    result = import_orders(con, later)
    assert result.inserted == 1
    assert "using the mapping saved on" in result.reason
    assert con.execute("SELECT sum(amount) FROM orders").fetchone()[0] == 70


def test_without_a_saved_mapping_the_unknown_file_is_refused(con, tmp_path):
    with pytest.raises(ImportRefused, match="order_id"):
        import_orders(con, _unknown(tmp_path))


def test_a_recognized_layout_saves_no_mapping(con):
    import_orders(con, FIXTURES / "taobao_small.csv")
    assert con.execute("SELECT count(*) FROM settings WHERE name LIKE 'mapping:%'").fetchone() == (
        0,
    )


def test_saved_mapping_payload_records_the_columns(con):
    save_mapping(con, HEADER, MAPPING)
    value = con.execute("SELECT value FROM settings WHERE name LIKE 'mapping:%'").fetchone()[0]
    assert json.loads(value)["columns"] == HEADER


def test_cli_reuses_the_mapping_saved_by_an_earlier_map(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    args = [f"--map={field}={column}" for field, column in MAPPING.items()]
    assert main(["import", str(_unknown(tmp_path)), "--db", db, *args]) == 0
    later = _unknown(tmp_path, "later.csv", ("A2,u2,2024-06-01 10:00:00,40",))
    assert main(["import", str(later), "--db", db]) == 0
    assert "1 inserted" in capsys.readouterr().out
