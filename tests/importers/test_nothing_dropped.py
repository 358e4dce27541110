"""Nothing is dropped without a word: values out of range, swapped columns, repeated
orders, extra fields, NUL bytes and uncached formulas are named problems or refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from analytics import store
from analytics.errors import ImportRefused
from analytics.importers import import_orders
from analytics.importers.orders import MAX_AMOUNT
from tests.taobao_export import order, write_export

HUGE = "9999999999999999.99"


def _good(n: int, start: int = 100) -> list[dict[str, str]]:
    return [order(str(i), f"b{i}") for i in range(start, start + n)]


def test_amount_beyond_the_stored_range_is_a_named_problem_not_a_crash(con, tmp_path):
    rows = [order(str(i), "whale", paid=HUGE) for i in range(4)] + _good(96)
    result = import_orders(con, write_export(tmp_path / "big.csv", rows))
    assert (result.inserted, result.rejected) == (96, 4)
    assert {(p.column, p.value, p.code) for p in result.problems} == {
        ("买家实际支付金额", HUGE, "amount_too_large")
    }
    assert "9,999,999,999.99" in result.problems[0].reason
    assert con.execute("SELECT count(*) FROM orders WHERE customer_id = 'whale'").fetchone() == (0,)


def test_file_of_only_out_of_range_amounts_is_refused_naming_them(con, tmp_path):
    rows = [order(str(i), "whale", paid=HUGE) for i in range(4)]
    with pytest.raises(ImportRefused, match="amount too large") as refused:
        import_orders(con, write_export(tmp_path / "big.csv", rows))
    assert refused.value.problems[0].column == "买家实际支付金额"
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (0,)


def test_refund_beyond_the_range_is_named_in_its_column(con, tmp_path):
    rows = _good(40)
    rows[3]["退款金额"] = "1e20"
    result = import_orders(con, write_export(tmp_path / "r.csv", rows))
    assert [(p.line, p.column, p.code) for p in result.problems] == [
        (5, "退款金额", "amount_too_large")
    ]


def test_largest_accepted_amounts_sum_without_overflow(con, tmp_path):
    top = f"{MAX_AMOUNT - 0.01:.2f}"
    rows = [order(str(i), "whale", paid=top) for i in range(4)]
    result = import_orders(con, write_export(tmp_path / "top.csv", rows))
    assert (result.inserted, result.rejected) == (4, 0)
    assert con.execute("SELECT revenue FROM customers WHERE customer_id = 'whale'").fetchone() == (
        Decimal(top) * 4,
    )


def test_order_dated_2100_is_a_named_problem_and_not_stored(con, tmp_path):
    rows = [order("1", "future", time="2100-01-01 10:00:00"), *_good(39)]
    result = import_orders(con, write_export(tmp_path / "f.csv", rows))
    assert (result.inserted, result.rejected) == (39, 1)
    assert {(p.line, p.column, p.code) for p in result.problems} == {
        (2, "订单创建时间", "time_too_late"),
        (2, "订单付款时间", "time_too_late"),
    }
    assert "tomorrow" in result.problems[0].reason
    # The default as-of date stays at the real orders' newest day.
    assert str(store.latest_order_date(con)) == "2024-01-05"


def test_order_dated_before_2003_is_a_named_problem(con, tmp_path):
    rows = [order("1", "old", time="1999-12-31 23:00:00", paid_time=""), *_good(39)]
    result = import_orders(con, write_export(tmp_path / "o.csv", rows))
    assert [(p.line, p.column, p.code) for p in result.problems] == [
        (2, "订单创建时间", "time_too_early")
    ]
    assert "2003-01-01" in result.problems[0].reason


def test_paid_time_in_the_future_is_a_named_problem(con, tmp_path):
    rows = _good(40)
    rows[0]["订单付款时间"] = "2099-05-01 08:00:00"
    result = import_orders(con, write_export(tmp_path / "p.csv", rows))
    assert [(p.column, p.code) for p in result.problems] == [("订单付款时间", "time_too_late")]


def _swapped_rows(n_rows: int = 299, n_buyers: int = 76) -> list[dict[str, str]]:
    """A 订单报表 whose 订单编号 holds the buyer and 买家会员名 the order id."""
    rows = []
    for i in range(n_rows):
        row = order(str(i), f"buyer{i % n_buyers}")
        row["订单编号"], row["买家会员名"] = f"buyer{i % n_buyers}", f'="{9000 + i}"'
        rows.append(row)
    return rows


def test_file_with_order_id_and_buyer_columns_swapped_is_refused(con, tmp_path):
    path = write_export(tmp_path / "swapped.csv", _swapped_rows())
    with pytest.raises(ImportRefused) as refused:
        import_orders(con, path)
    assert refused.value.code == "columns_swapped"
    assert "look swapped" in refused.value.reason
    assert "299 rows hold only 76 distinct order ids but 299 distinct buyers" in (
        refused.value.reason
    )
    assert "'订单编号'" in refused.value.reason and "'买家会员名'" in refused.value.reason
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (0,)


def _jd_csv(path, rows: list[dict[str, str]]):
    from analytics.importers.jd import HEADER

    lines = [",".join(HEADER)] + [",".join(r.get(h, "") for h in HEADER) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def _jd_line(order_id: str, buyer: str, product: str) -> dict[str, str]:
    return {
        "订单号": order_id,
        "商品ID": product,
        "商品名称": f"商品{product}",
        "订购数量": "1",
        "下单时间": "2024-03-01 10:00:00",
        "京东价": "10.00",
        "订单金额": "30.00",
        "应付金额": "30.00",
        "订单状态": "完成",
        "下单帐号": buyer,
    }


def test_line_export_repeating_order_ids_with_their_buyer_is_not_taken_as_swapped(con, tmp_path):
    # Every order has three lines: its id repeats three times, always with the same buyer.
    rows = [_jd_line(f"30{o:04d}", f"jd_{o}", str(p)) for o in range(30) for p in range(3)]
    result = import_orders(con, _jd_csv(tmp_path / "jd.csv", rows))
    assert (result.rows_read, result.inserted, result.rejected) == (90, 30, 0)


def test_line_export_with_order_id_and_buyer_swapped_is_refused(con, tmp_path):
    rows = [_jd_line(f"jd_{o % 5}", f"30{o:04d}", "1") for o in range(30)]
    with pytest.raises(ImportRefused, match="look swapped"):
        import_orders(con, _jd_csv(tmp_path / "jd.csv", rows))


def _with_repeats() -> list[dict[str, str]]:
    """60 orders, then 40 rows repeating orders 100..139 (the last copy has another amount)."""
    rows = _good(60)
    rows += [order(str(i), f"b{i}", paid="90.00") for i in range(100, 140)]
    return rows


def test_repeated_order_ids_in_one_file_are_counted_as_merged(con, tmp_path):
    result = import_orders(con, write_export(tmp_path / "rep.csv", _with_repeats()))
    assert (result.rows_read, result.inserted, result.merged, result.rejected) == (100, 60, 40, 0)
    # The last row of a repeated order wins.
    assert con.execute("SELECT amount FROM orders WHERE order_id = '100'").fetchone() == (
        Decimal("90.00"),
    )


def test_merged_rows_are_in_the_import_history_message(con, tmp_path):
    import_orders(con, write_export(tmp_path / "rep.csv", _with_repeats()))
    message = con.execute("SELECT message FROM imports").fetchone()[0]
    assert message.startswith("40 repeated rows merged; ")


def test_merged_rows_are_said_in_both_languages():
    from analytics.i18n import t

    assert t("importers.merged", "zh", n=40) == "40 重复行已合并"
    assert t("importers.merged", "en", n=40) == "40 repeated rows merged"


def test_cli_result_says_how_many_repeated_rows_were_merged(tmp_path, capsys):
    from analytics.cli import main

    path = write_export(tmp_path / "rep.csv", _with_repeats())
    assert main(["import", str(path), "--db", str(tmp_path / "s.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "100 rows read, 60 inserted" in out and ", 40 repeated rows merged" in out


def test_line_export_lines_are_not_counted_as_merged(con):
    from tests.conftest import FIXTURES

    result = import_orders(con, FIXTURES / "platforms" / "jd_orders.csv")
    assert result.merged == 0


def _utf8_export(tmp_path, rows, name="x.csv"):
    return write_export(tmp_path / name, rows, encoding="utf-8")


def _edit_line(path, index: int, edit) -> None:
    lines = path.read_bytes().split(b"\r\n")
    lines[index] = edit(lines[index])
    path.write_bytes(b"\r\n".join(lines))


def test_row_with_extra_unnamed_fields_is_a_named_problem(con, tmp_path):
    path = _utf8_export(tmp_path, _good(40))
    _edit_line(path, 3, lambda line: line + b",EXTRA1,EXTRA2")  # file line 4
    result = import_orders(con, path)
    assert (result.inserted, result.rejected) == (39, 1)
    [problem] = result.problems
    assert (problem.line, problem.code) == (4, "extra_fields")
    assert problem.column == "(no header, after 退款金额)"
    assert "more fields than the header's 33" in problem.reason


def test_trailing_empty_field_is_not_a_problem(con, tmp_path):
    path = _utf8_export(tmp_path, _good(40))
    _edit_line(path, 3, lambda line: line + b",")
    result = import_orders(con, path)
    assert (result.inserted, result.rejected) == (40, 0)


def test_nul_bytes_in_a_few_rows_are_named_problems_not_a_binary_file(con, tmp_path):
    path = _utf8_export(tmp_path, _good(40))
    _edit_line(path, 5, lambda line: line.replace(b"b104", b"b1\x0004"))  # file line 6
    _edit_line(path, 30, lambda line: line.replace(b"b129", b"b1\x0029"))
    result = import_orders(con, path)
    assert (result.inserted, result.rejected) == (38, 2)
    assert [(p.line, p.column, p.value, p.code) for p in result.problems] == [
        (6, "买家会员名", "b1\\004", "nul_byte"),
        (31, "买家会员名", "b1\\029", "nul_byte"),
    ]


def test_nul_byte_in_a_line_export_rejects_its_whole_order(con, tmp_path):
    rows = [_jd_line(f"30{o:04d}", f"jd_{o}", str(p)) for o in range(30) for p in range(2)]
    rows[1]["商品名称"] = "坏\x00名"  # the second line of order 300000
    result = import_orders(con, _jd_csv(tmp_path / "jd.csv", rows))
    assert (result.inserted, result.rejected) == (29, 2)
    assert [(p.line, p.column, p.code) for p in result.problems] == [(3, "商品名称", "nul_byte")]


def _workbook(path, *, formulas: bool, note_formulas: bool = False):
    """A 订单报表 workbook of 4 orders; amounts (and a 备注 column) as formulas or values."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    header = ["订单编号", "买家会员名", "订单状态", "买家实际支付金额", "订单创建时间", "备注"]
    sheet.write_row(0, 0, header)
    for i in range(1, 5):
        sheet.write_row(i, 0, [str(i), f"b{i}", "交易成功"])
        if formulas:
            sheet.write_formula(i, 3, f"=10*{i}")
        else:
            sheet.write(i, 3, f"{10 * i}.00")
        sheet.write(i, 4, "2024-01-05 10:00:00")
        if note_formulas:
            sheet.write_formula(i, 5, f'="note"&{i}')
    book.close()
    return path


def test_xlsx_amounts_as_uncalculated_formulas_are_refused_saying_save_in_excel(con, tmp_path):
    path = _workbook(tmp_path / "f.xlsx", formulas=True)
    with pytest.raises(ImportRefused) as refused:
        import_orders(con, path)
    assert refused.value.code == "formulas_not_calculated"
    assert "买家实际支付金额 (4)" in refused.value.reason
    assert "Save the file in Excel first" in refused.value.reason
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (0,)


def test_xlsx_formulas_with_calculated_values_import_those_values(con, tmp_path):
    import zipfile

    built = _workbook(tmp_path / "built.xlsx", formulas=True)
    # What Excel writes on save: each formula with its value, no recalculation flag.
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(saved, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            if item.filename == "xl/worksheets/sheet1.xml":
                for i in range(1, 5):
                    data = data.replace(
                        f"<f>10*{i}</f><v>0</v>".encode(), f"<f>10*{i}</f><v>{10 * i}</v>".encode()
                    )
            out.writestr(item, data)
    result = import_orders(con, saved)
    assert (result.inserted, result.rejected) == (4, 0)
    assert con.execute("SELECT sum(amount) FROM orders").fetchone() == (Decimal("100.00"),)


def test_xlsx_formulas_in_a_column_not_imported_do_not_refuse(con, tmp_path):
    path = _workbook(tmp_path / "f.xlsx", formulas=False, note_formulas=True)
    result = import_orders(con, path)
    assert (result.inserted, result.rejected) == (4, 0)
    assert con.execute("SELECT sum(amount) FROM orders").fetchone() == (Decimal("100.00"),)


@pytest.mark.parametrize("nul", [True, False], ids=["copied", "read_by_the_parse"])
def test_problems_deep_in_a_big_file_are_named_by_their_line_and_column(con, tmp_path, nul):
    # ~12 MB: DuckDB reads it in several parallel pieces; lines and counts are the file's.
    # Without a NUL byte in the file, the parse reads the file itself and numbers the rows
    # by their order (no staged copy): the same lines, past a blank row too.
    import csv

    from analytics.importers.taobao import HEADER

    path = tmp_path / "big.csv"
    bad = {40_000: "short", 45_000: "extra", 47_000: "blank", 55_000: "amount"}
    if nul:
        bad[50_000] = "nul"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(60_000):
            r = order(str(i), f"b{i}")
            row = [r.get(h, "") for h in HEADER]
            kind = bad.get(i)
            if kind == "short":
                row = row[:5]
            elif kind == "extra":
                row += ["X", "Y"]
            elif kind == "nul":
                row[1] = "b\x00x"
            elif kind == "blank":
                row = [""] * len(HEADER)  # not a row: no data
            elif kind == "amount":
                row[HEADER.index("买家实际支付金额")] = "abc"
            writer.writerow(row)
    result = import_orders(con, path)
    bad_rows = 4 if nul else 3
    assert (result.rows_read, result.inserted, result.rejected) == (
        59_999,
        59_999 - bad_rows,
        bad_rows,
    )
    assert [(p.line, p.column, p.code) for p in result.problems] == [
        (40_002, "买家支付积分", "too_few_columns"),
        (45_002, "(no header, after 退款金额)", "extra_fields"),
        *([(50_002, "买家会员名", "nul_byte")] if nul else []),
        (55_002, "买家实际支付金额", "bad_amount"),
    ]
    # Every stored order is the file's row of that id (the rows were numbered in order).
    assert con.execute(
        "SELECT count(*) FROM orders WHERE customer_id <> 'b' || order_id"
    ).fetchone() == (0,)
    assert all(p.column and p.column != "None" for p in result.problems)


def test_a_well_formed_file_duckdb_strict_mode_rejects_is_read_leniently():
    # DuckDB 2.0.1's strict CSV state machine refuses this well-formed 46-order file whole
    # ("reached an invalid state"); the import reads it again without strict mode.
    from tests.conftest import FIXTURES

    con = store.connect(":memory:")
    result = import_orders(con, FIXTURES / "repurchase" / "orders.csv")
    assert (result.rows_read, result.inserted, result.rejected) == (46, 46, 0)
    assert con.execute("SELECT count(*) FROM orders").fetchone()[0] == 46


@pytest.mark.parametrize("at", [None, 0, 3 * 4096 - 1, 3 * 4096, 10 * 4096 + 7])
def test_a_nul_byte_is_found_in_any_window_of_the_file(tmp_path, monkeypatch, at):
    import mmap

    from analytics.importers import reader

    # Windows of the mapping granularity: a file of ten and a bit windows.
    monkeypatch.setattr(reader, "_NUL_WINDOW", mmap.ALLOCATIONGRANULARITY)
    size = 10 * mmap.ALLOCATIONGRANULARITY + 100
    data = bytearray(b"a,b\r\n" * (size // 5))
    if at is not None:
        at = at * mmap.ALLOCATIONGRANULARITY // 4096
        data[at] = 0
    path = tmp_path / "n.csv"
    path.write_bytes(bytes(data))
    source = reader.open_table(path)
    assert source.may_hold_nul() is (at is not None)


def test_an_empty_csv_holds_no_nul(tmp_path):
    from analytics.importers import reader

    path = tmp_path / "e.csv"
    path.write_bytes(b"")
    source = reader.TableSource(path, "e.csv", "csv", "utf-8", [], 0)
    assert source.may_hold_nul() is False
