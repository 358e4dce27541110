"""The command line: exit codes, per-file counts, and `report kpis` output."""

from __future__ import annotations

import json

from analytics.cli import main
from tests.conftest import FIXTURES


def test_import_prints_counts_and_exits_zero(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    assert main(["import", str(FIXTURES / "taobao_small.csv"), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "8 rows read, 8 inserted, 0 updated, 0 unchanged, 0 rejected" in out


def test_refused_file_exits_two_with_the_reason(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    assert main(["import", str(bad), "--db", str(tmp_path / "s.duckdb")]) == 2
    assert "bad.csv: REFUSED: the file is empty" in capsys.readouterr().err


def test_report_kpis_json_has_exactly_the_documented_keys(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    main(["import", str(FIXTURES / "taobao_small.csv"), "--db", db])
    capsys.readouterr()
    assert main(["report", "kpis", "--db", db, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "customers",
        "valid_orders",
        "revenue",
        "aov",
        "repurchase_rate",
        "returning_revenue_share",
    ]
    assert (data["customers"], data["valid_orders"], data["revenue"]) == (3, 5, 490.0)


def test_generic_file_with_unrecognized_columns_takes_a_map(tmp_path, capsys):
    path = tmp_path / "shop.csv"
    path.write_text("单据,会员,日期时间,实收\nA1,u1,2024-05-01 10:00:00,30\n", encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    assert main(["import", str(path), "--db", db]) == 2
    assert "order_id" in capsys.readouterr().err
    args = ["--map", "order_id=单据", "--map", "customer_id=会员", "--map", "order_time=日期时间"]
    assert main(["import", str(path), "--db", db, *args, "--map", "amount=实收"]) == 0
    capsys.readouterr()
    assert main(["report", "kpis", "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["revenue"] == 30.0


def test_import_says_how_many_orders_have_no_identifiable_buyer(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    identity = FIXTURES / "identity"
    assert main(["import", str(identity / "douyin_encrypted.csv"), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "1,000 of 1,000 orders (100.0%) have no identifiable buyer: 1,000 with an " in out
    assert main(["import", str(identity / "douyin_encrypted_buyers.csv"), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "(buyers)" in out
    assert "1000 orders got their buyer, 0 already had it" in out
    assert "5 order ids of the mapping file match no stored order" in out
