"""Bad files are refused by name and change nothing; bad rows are skipped and named."""

from __future__ import annotations

import pytest

from analytics.errors import ImportRefused
from analytics.importers import import_orders
from tests.taobao_export import order, write_export


def _snapshot(con):
    return con.execute("SELECT count(*), sum(amount) FROM orders").fetchone()


@pytest.fixture
def stocked(con, tmp_path):
    import_orders(con, write_export(tmp_path / "base.csv", [order("1", "张三")]))
    return con


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary\x00" * 50, "not a table"),
        (b"just one column\nx\n", "fewer than 2 columns"),
        ("订单编号,买家会员名\n".encode(), "no rows"),
        (b"id\x80x,\xffname\n1,2\n" * 5, "neither UTF-8 nor GBK"),
    ],
    ids=["empty", "binary", "one-column", "header-only", "undecodable"],
)
def test_unusable_file_is_refused_and_changes_nothing(stocked, tmp_path, content, reason):
    before = _snapshot(stocked)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as refused:
        import_orders(stocked, path)
    assert refused.value.file == "bad.csv"
    assert reason in refused.value.reason
    assert _snapshot(stocked) == before


def test_missing_required_column_is_refused_naming_it(stocked, tmp_path):
    path = tmp_path / "nocol.csv"
    path.write_text("order id,buyer,amount\n1,a,10\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="order_time"):
        import_orders(stocked, path)
    assert _snapshot(stocked) == (1, 100)


def test_refused_attempt_is_recorded_in_imports(stocked, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportRefused):
        import_orders(stocked, path)
    assert stocked.execute(
        "SELECT file_name, outcome, message FROM imports ORDER BY import_id DESC LIMIT 1"
    ).fetchone() == ("empty.csv", "refused", "the file is empty")


def test_bad_rows_are_skipped_and_named_by_line_and_column(con, tmp_path):
    rows = [order(str(i), f"b{i}") for i in range(40)]
    rows[4]["订单创建时间"] = "昨天下午"
    rows[9]["买家实际支付金额"] = "十元"
    result = import_orders(con, write_export(tmp_path / "rows.csv", rows))
    assert (result.inserted, result.rejected) == (38, 2)
    # The header is line 1, so row index 4 sits on line 6.
    assert [(p.line, p.column, p.value) for p in result.problems] == [
        (6, "订单创建时间", "昨天下午"),
        (11, "买家实际支付金额", "十元"),
    ]


def test_more_than_five_percent_bad_rows_refuses_the_file(stocked, tmp_path):
    rows = [order(str(i), f"b{i}") for i in range(100, 119)]
    rows[0]["买家实际支付金额"] = "abc"
    rows[1]["买家实际支付金额"] = "xyz"
    with pytest.raises(ImportRefused, match="2 of 19 rows"):
        import_orders(stocked, write_export(tmp_path / "many.csv", rows))
    assert _snapshot(stocked) == (1, 100)


def test_unknown_status_is_a_row_problem(con, tmp_path):
    rows = [order(str(i), f"b{i}") for i in range(30)]
    rows[0]["订单状态"] = "外星状态"
    result = import_orders(con, write_export(tmp_path / "st.csv", rows))
    assert [(p.column, p.reason) for p in result.problems] == [("订单状态", "unknown order status")]


def _export_lines(path, rows, **kwargs) -> list[bytes]:
    return write_export(path, rows, **kwargs).read_bytes().split(b"\r\n")


def test_a_cut_off_row_is_named_and_later_lines_stay_right(con, tmp_path):
    rows = [order(str(i), f"b{i}") for i in range(40)]
    rows[20]["订单创建时间"] = "昨天下午"
    lines = _export_lines(tmp_path / "src.csv", rows)
    lines[5] = b",".join(lines[5].split(b",")[:5])  # line 6 stops after 5 of 33 fields
    path = tmp_path / "cut.csv"
    path.write_bytes(b"\r\n".join(lines))

    result = import_orders(con, path)

    assert (result.rows_read, result.inserted, result.rejected) == (40, 38, 2)
    cut_off = "the row has 5 of the 33 columns (cut off, or a line break outside quotes?)"
    assert [(p.line, p.column, p.reason) for p in result.problems] == [
        (6, "买家支付积分", cut_off),
        (22, "订单创建时间", "not a date/time (expected e.g. 2024-03-05 14:22:10)"),
    ]
    assert result.problems[0].value == '"=""4""",b4,,,'
    stored = {r[0] for r in con.execute("SELECT order_id FROM orders").fetchall()}
    assert stored == {str(i) for i in range(40)} - {"4", "20"}


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_undecodable_bytes_reject_their_row_only(con, tmp_path, encoding):
    rows = [order(str(i), f"买家{i}") for i in range(40)]
    lines = _export_lines(tmp_path / "src.csv", rows, encoding=encoding)
    buyer = "买家7".encode(encoding)
    lines[8] = lines[8].replace(buyer, b"\x81\xff" + buyer, 1)  # line 9: no such character
    path = tmp_path / "bytes.csv"
    path.write_bytes(b"\r\n".join(lines))

    result = import_orders(con, path)

    assert (result.inserted, result.rejected) == (39, 1)
    [problem] = result.problems
    assert (problem.line, problem.column) == (9, "买家会员名")
    assert problem.reason == "bytes that are not text in the file's encoding"
    names = [r[0] for r in con.execute("SELECT customer_id FROM orders").fetchall()]
    assert "买家7" not in names and not any("\ufffd" in n for n in names)


def test_many_unreadable_rows_refuse_the_file(stocked, tmp_path):
    rows = [order(str(i), f"b{i}") for i in range(100, 119)]
    lines = _export_lines(tmp_path / "src.csv", rows)
    for i in (3, 7):
        lines[i] = lines[i][:30]
    path = tmp_path / "cut.csv"
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ImportRefused, match="2 of 19 rows") as refused:
        import_orders(stocked, path)
    assert "line 4" in refused.value.reason and "line 8" in refused.value.reason
    assert _snapshot(stocked) == (1, 100)


def test_a_refusal_reads_in_chinese_and_in_english(con, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportRefused) as refused:
        import_orders(con, path)
    assert (refused.value.text("zh"), refused.value.text("en")) == (
        "文件是空的",
        "the file is empty",
    )


def test_too_many_bad_rows_carries_the_rows_behind_the_refusal(stocked, tmp_path):
    rows = [order(str(i), f"b{i}") for i in range(100, 119)]
    rows[0]["买家实际支付金额"] = "abc"
    rows[1]["订单状态"] = "外星状态"
    with pytest.raises(ImportRefused) as refused:
        import_orders(stocked, write_export(tmp_path / "many.csv", rows))
    assert [(p.line, p.column, p.text("zh")) for p in refused.value.problems] == [
        (2, "买家实际支付金额", "不是金额（应类似 128.50）"),
        (3, "订单状态", "无法识别的订单状态"),
    ]
    assert refused.value.text("zh").startswith("19 行中有 2 行（11%）内容有误")


def test_every_reason_has_a_chinese_and_an_english_text(con, tmp_path):
    rows = [order(str(i), f"买家{i}") for i in range(200)]  # 9 bad rows stay under 5%
    rows[1]["买家会员名"] = ""
    rows[2]["订单创建时间"] = ""
    rows[3]["订单付款时间"] = "昨天"
    rows[4]["买家实际支付金额"] = ""
    rows[5]["买家实际支付金额"] = "-3"
    rows[6]["退款金额"] = "-1"
    rows[7]["订单状态"] = "外星状态"
    lines = _export_lines(tmp_path / "src.csv", rows)
    lines[20] = lines[20][:25]
    lines[30] = lines[30].replace("买家29".encode("gb18030"), b"\x81\xff", 1)
    path = tmp_path / "all.csv"
    path.write_bytes(b"\r\n".join(lines))

    result = import_orders(con, path)

    codes = {p.code for p in result.problems}
    assert codes == {
        "missing_buyer", "missing_time", "bad_time", "missing_amount", "negative_amount",
        "negative_refund", "unknown_status", "too_few_columns", "not_text",
    }  # fmt: skip
    for problem in result.problems:
        zh, en = problem.text("zh"), problem.text("en")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), zh
        assert en == problem.reason and not en.startswith("problem."), en
