"""The download log and the PIPL commands: every list handed out by the CLI is recorded;
``report downloads``; ``customer find|export|delete`` on the demo shop."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime

import pytest

from analytics import downloads, store
from analytics.cli import main


@pytest.fixture
def demo_path(demo_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


def _top_customer(path) -> str:
    con = store.connect(path)
    try:
        return con.execute(
            "SELECT customer_id FROM customers ORDER BY revenue DESC, customer_id LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()


def test_record_download_keeps_who_what_when_rows_and_masking(con):
    at = datetime(2026, 12, 1, 9, 30)
    downloads.record(
        con,
        user="clerk",
        role="staff",
        source="segments.members",
        rows=42,
        masked=True,
        file_name="x.csv",
        fmt="csv",
        at=at,
    )
    log = downloads.download_log(con)
    assert log[["user_name", "role", "source", "row_count", "masked"]].iloc[0].tolist() == [
        "clerk",
        "staff",
        "segments.members",
        42,
        True,
    ]
    assert log["downloaded_at"].iloc[0] == at


def test_download_log_lists_the_newest_first_and_filters_by_user(con):
    for n, user in enumerate(("a", "b", "a")):
        downloads.record(con, user=user, source=f"s{n}", rows=n, masked=True)
    assert downloads.download_log(con)["source"].tolist() == ["s2", "s1", "s0"]
    assert downloads.download_log(con, user="a")["source"].tolist() == ["s2", "s0"]


def test_export_list_records_the_download(demo_path, tmp_path, capsys):
    out = tmp_path / "list.csv"
    args = ["export-list", "--db", str(demo_path), "--segment", "stage:active", "--out", str(out)]
    assert main(args) == 0
    con = store.connect(demo_path)
    log = downloads.download_log(con)
    rows = len(out.read_text(encoding="utf-8-sig").splitlines()) - 1
    assert log["source"].tolist() == ["export-list:stage:active"]
    assert log["row_count"].tolist() == [rows] and log["masked"].tolist() == [True]
    assert log["user_name"].iloc[0].startswith("cli")


def test_report_downloads_prints_the_log(demo_path, capsys):
    con = store.connect(demo_path)
    downloads.record(con, user="clerk", source="lifecycle.list", rows=7, masked=True)
    con.close()
    assert main(["report", "downloads", "--db", str(demo_path), "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["user_name"], row["source"], row["row_count"]) == ("clerk", "lifecycle.list", 7)


def test_customer_export_writes_json_and_is_recorded(demo_path, tmp_path, capsys):
    customer = _top_customer(demo_path)
    out = tmp_path / "c.json"
    assert main(["customer", "export", customer, "--db", str(demo_path), "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {row["customer_id"] for row in data["orders"]} == {customer}
    log = downloads.download_log(store.connect(demo_path))
    assert log["source"].iloc[0].startswith("privacy.export:") and not log["masked"].iloc[0]


def test_customer_delete_without_confirmation_exits_2_and_deletes_nothing(
    demo_path, monkeypatch, capsys
):
    customer = _top_customer(demo_path)
    monkeypatch.setattr(sys, "stdin", open("/dev/null"))  # noqa: SIM115 - not a terminal
    assert main(["customer", "delete", customer, "--db", str(demo_path)]) == 2
    assert "needs confirmation" in capsys.readouterr().err
    assert _top_customer(demo_path) == customer


def test_customer_delete_yes_removes_them_and_warns_about_backups(demo_path, capsys):
    customer = _top_customer(demo_path)
    assert main(["customer", "delete", customer, "--yes", "--db", str(demo_path)]) == 0
    out = capsys.readouterr().out
    assert "orders:" in out and "backups" in out
    assert main(["customer", "find", customer, "--db", str(demo_path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["report", "deletions", "--db", str(demo_path), "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["customer_id"] == customer


def test_customer_delete_of_an_unknown_id_exits_2(demo_path, capsys):
    assert main(["customer", "delete", "nobody-here", "--yes", "--db", str(demo_path)]) == 2
    assert "not found" in capsys.readouterr().err
