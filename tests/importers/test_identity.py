"""Buyers an export cannot tell apart (encrypted, masked, shared keys), weak name-only keys,
and order->buyer mapping files that recover them.

Fixtures: tests/fixtures/identity/ (README.md there cites the public material each copies;
make_fixtures.py wrote them). Every expected figure below is computed from the CSV files
with the csv module, independently of the import pipeline.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from analytics import customers, kpis
from analytics.errors import ImportRefused
from analytics.importers import import_orders, preview
from analytics.importers.history import import_history, undo_import
from analytics.importers.identity import SHARED_KEY_MIN_ORDERS, unknown_buyers
from analytics.store import data_version

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "identity"
DOUYIN = HERE / "douyin_encrypted.csv"
DOUYIN_BUYERS = HERE / "douyin_encrypted_buyers.csv"
PDD = HERE / "pdd_blank_phones.csv"
TAOBAO = HERE / "taobao_masked.csv"

#: 抖店 statuses that are a sale (SPEC: paid / shipped / completed), unless refunded.
DOUYIN_SALES = {"已完成", "已发货", "待发货"}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _douyin_orders() -> dict[str, dict]:
    """order id -> {valid, amount} from the export's lines (an order's amount: its lines')."""
    orders: dict[str, dict] = {}
    for row in _rows(DOUYIN):
        order = orders.setdefault(
            row["主订单编号"].strip(),
            {
                "valid": row["订单状态"] in DOUYIN_SALES and row["售后状态"] != "退款成功",
                "amount": Decimal(0),
            },
        )
        order["amount"] += Decimal(row["订单应付金额"])
    return orders


def _douyin_buyers() -> dict[str, str]:
    return {row["订单编号"].strip(): row["会员ID"] for row in _rows(DOUYIN_BUYERS)}


def _count(con, sql: str) -> int:
    return con.execute(sql).fetchall()[0][0]


# ----------------------------------------------------------------- encrypted 抖店 export


def test_encrypted_douyin_export_imports_with_no_customers(con):
    orders = _douyin_orders()
    result = import_orders(con, DOUYIN)
    assert result.inserted == len(orders) == 1000
    assert result.identity.cipher == 1000
    assert result.identity.unknown == 1000
    assert _count(con, "SELECT count(*) FROM customers") == 0
    assert _count(con, "SELECT count(*) FROM orders WHERE customer_id IS NULL") == 1000
    assert kpis.kpis(con).customers == 0


def test_encrypted_douyin_export_keeps_the_sales_figures(con):
    orders = _douyin_orders()
    import_orders(con, DOUYIN)
    figures = kpis.kpis(con)
    valid = [o for o in orders.values() if o["valid"]]
    assert _count(con, "SELECT count(*) FROM orders") == len(orders)
    assert figures.valid_orders == len(valid)
    assert Decimal(str(figures.revenue)) == sum(o["amount"] for o in valid)
    by_month = kpis.sales_by_period(con)
    assert by_month["orders"].sum() == len(valid)
    assert by_month["customers"].sum() == 0


def test_encrypted_douyin_export_says_how_many_orders_have_no_buyer(con):
    result = import_orders(con, DOUYIN)
    [notice] = result.notices("en")
    assert notice.startswith("1,000 of 1,000 orders (100.0%) have no identifiable buyer")
    assert "1,000 with an encrypted consignee" in notice
    assert "无法识别买家" in result.notices("zh")[0]


def test_unknown_buyers_reports_the_share_of_stored_orders(con):
    import_orders(con, DOUYIN)
    import_orders(con, TAOBAO)
    share = unknown_buyers(con)
    assert (share.orders, share.unknown) == (1060, 1040)
    assert "1,040 of 1,060 orders (98.1%)" in share.notice("en")
    assert unknown_buyers(con, shop="taobao/默认店铺").unknown == 40


def test_no_customer_figure_or_list_holds_an_unknown_buyer(con):
    from analytics import clv, cohorts, demographics, lifecycle, pareto, repurchase, rfm, tiers

    import_orders(con, DOUYIN)
    as_of = date(2024, 12, 31)
    frames = {
        "rfm": rfm.rfm_scores(con, as_of=as_of),
        "stages": lifecycle.customer_stages(con, as_of=as_of),
        "types": lifecycle.customer_types(con, as_of=as_of),
        "cohorts": cohorts.cohort_table(con, as_of=as_of),
        "clv": clv.purchase_summary(con, as_of=as_of),
        "reminders": repurchase.reminders(con, as_of=as_of, within_days=400),
        "churn": repurchase.churn_risk(con, as_of=as_of),
        "tiers": tiers.customer_tiers(con),
        "ages": demographics.customer_age_bands(con, as_of=as_of),
        "list": customers.customer_list(con),
    }
    assert {name: len(frame) for name, frame in frames.items()} == dict.fromkeys(frames, 0)
    assert lifecycle.lifecycle(con, as_of=as_of)["customers"].sum() == 0
    assert lifecycle.order_funnel(con, as_of=as_of)["customers"].sum() == 0
    assert pareto.pareto_curve(con).empty or pareto.top_share(con) == 0


# ----------------------------------------------------------------- order->buyer mapping


def test_mapping_file_is_detected_as_an_order_to_buyer_mapping():
    _, detection = preview(DOUYIN_BUYERS)
    assert detection.platform == "buyers"
    assert detection.mapping == {"order_id": "订单编号", "customer_id": "会员ID"}


def test_order_exports_are_not_taken_for_mapping_files():
    for path in (DOUYIN, PDD, TAOBAO):
        assert preview(path)[1].platform != "buyers"


def test_mapping_file_recovers_the_buyers_and_their_repurchase_rate(con):
    orders, buyers = _douyin_orders(), _douyin_buyers()
    import_orders(con, DOUYIN)
    before = data_version(con)
    result = import_orders(con, DOUYIN_BUYERS)
    # Hand computation: valid orders per buyer, from the two files.
    per_buyer = Counter(buyers[oid] for oid, o in orders.items() if o["valid"])
    repeat = sum(1 for n in per_buyer.values() if n >= 2)
    assert result.updated == 1000
    assert result.not_found == 5
    assert data_version(con) == before + 1
    figures = kpis.kpis(con)
    assert figures.customers == len(per_buyer)
    assert figures.repurchase_rate == pytest.approx(repeat / len(per_buyer))
    assert _count(con, "SELECT count(*) FROM customers") == len(set(buyers[o] for o in orders))
    assert _count(con, "SELECT count(*) FROM orders WHERE customer_id IS NULL") == 0


def test_mapping_file_says_which_ids_match_no_order(con):
    import_orders(con, DOUYIN)
    result = import_orders(con, DOUYIN_BUYERS)
    assert result.notices("en") == [
        "5 order ids of the mapping file match no stored order: import the order export "
        "first, then this file again."
    ]


def test_mapping_before_the_export_assigns_nothing(con):
    result = import_orders(con, DOUYIN_BUYERS)
    assert (result.updated, result.not_found) == (0, 1005)
    assert import_orders(con, DOUYIN).identity.unknown == 1000


def test_reimporting_the_export_and_the_mapping_changes_nothing(con):
    import_orders(con, DOUYIN)
    import_orders(con, DOUYIN_BUYERS)
    figures, version = kpis.kpis(con), data_version(con)
    again = import_orders(con, DOUYIN)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1000)
    assert again.identity.unknown == 0 and again.identity.kept == 1000
    mapped = import_orders(con, DOUYIN_BUYERS)
    assert (mapped.updated, mapped.unchanged) == (0, 1000)
    assert kpis.kpis(con) == figures
    assert data_version(con) == version


def test_reimporting_the_encrypted_export_alone_changes_nothing(con):
    import_orders(con, DOUYIN)
    again = import_orders(con, DOUYIN)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1000)
    assert again.identity.unknown == 1000


def test_undoing_the_mapping_forgets_the_buyers(con):
    import_orders(con, DOUYIN)
    mapped = import_orders(con, DOUYIN_BUYERS)
    history = import_history(con)
    assert history.loc[history["import_id"] == mapped.import_id, "kind"].item() == "buyers"
    summary = undo_import(con, mapped.import_id)
    assert summary.restored == 1000
    assert _count(con, "SELECT count(*) FROM customers") == 0
    assert _count(con, "SELECT count(*) FROM orders WHERE customer_id IS NULL") == 1000
    assert _count(con, "SELECT count(*) FROM order_buyers") == 0


def test_undoing_the_export_after_the_mapping_removes_its_orders(con):
    first = import_orders(con, DOUYIN)
    import_orders(con, DOUYIN_BUYERS)
    undo_import(con, first.import_id)
    assert _count(con, "SELECT count(*) FROM orders") == 0
    assert _count(con, "SELECT count(*) FROM customers") == 0


def test_undoing_an_earlier_mapping_keeps_a_later_one(con, tmp_path):
    import_orders(con, DOUYIN)
    first = import_orders(con, DOUYIN_BUYERS)
    order_id = next(iter(_douyin_orders()))
    later = tmp_path / "crm.csv"
    later.write_text(f"订单号,客户ID\n{order_id},VIP-1\n", encoding="utf-8")
    second = import_orders(con, later)
    undo_import(con, first.import_id)
    held = "SELECT customer_id FROM orders WHERE order_id = ?"
    assert con.execute(held, [order_id]).fetchall() == [("VIP-1",)]
    assert _count(con, "SELECT count(*) FROM orders WHERE customer_id IS NOT NULL") == 1
    undo_import(con, second.import_id)
    assert con.execute(held, [order_id]).fetchall() == [(None,)]


def test_a_phone_in_a_mapping_becomes_a_pseudonymous_buyer_id(con, tmp_path):
    import_orders(con, DOUYIN)
    ids = list(_douyin_orders())[:3]
    path = tmp_path / "decrypted.csv"
    path.write_text(
        f"订单编号,手机号\n{ids[0]},13812345678\n{ids[1]},138-1234-5678\n{ids[2]},13900000000\n",
        encoding="utf-8",
    )
    result = import_orders(con, path)
    assert result.updated == 3
    rows = con.execute(
        "SELECT order_id, customer_id FROM orders WHERE customer_id IS NOT NULL ORDER BY 1"
    ).fetchall()
    keys = dict(rows)
    assert keys[ids[0]] == keys[ids[1]] != keys[ids[2]]
    assert all(k.startswith("tel:") and "1381234" not in k for k in keys.values())


def test_encrypted_or_masked_ids_in_a_mapping_are_row_problems(con, tmp_path):
    import_orders(con, DOUYIN)
    ids = list(_douyin_orders())
    lines = [f"{oid},M{n}" for n, oid in enumerate(ids[:40])] + [f"{ids[40]},t**1"]
    path = tmp_path / "crm.csv"
    path.write_text("订单号,会员ID\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = import_orders(con, path)
    assert result.updated == 40
    [problem] = result.problems
    assert (problem.line, problem.column, problem.code) == (42, "会员ID", "unusable_buyer")


def test_mapping_file_without_a_buyer_column_is_refused(con, tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("订单号,备注\n1,加急\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_orders(con, path, platform="buyers")
    assert refused.value.code == "buyer_map_columns"


# ----------------------------------------------------------------- weak and masked keys


def test_pdd_blank_phones_warn_with_the_measured_spread(con):
    names: dict[str, set] = defaultdict(set)
    orders = 0
    for row in _rows(PDD):
        if not row["手机"].strip():
            names[row["收货人"]].add((row["省"], row["市"]))
            orders += 1
    spread = sum(1 for places in names.values() if len(places) > 1)
    result = import_orders(con, PDD)
    report = result.identity
    assert (report.name_only, report.name_only_keys, report.name_only_spread) == (
        orders,
        len(names),
        spread,
    )
    assert report.unknown == 0
    assert spread > 0
    [warning] = result.notices("en")
    assert f"{orders} of 240 orders are told apart by the consignee name alone" in warning
    assert f"{len(names)} names, of which {spread} ({spread / len(names):.1%})" in warning


def test_masked_nicknames_are_orders_without_a_buyer(con):
    rows = _rows(TAOBAO)
    masked = [r for r in rows if "**" in r["买家会员名"]]
    plain = {r["买家会员名"] for r in rows} - {r["买家会员名"] for r in masked}
    result = import_orders(con, TAOBAO)
    assert result.identity.masked == len(masked) == 40
    assert result.identity.unknown == 40
    assert kpis.kpis(con).customers == len(plain) == 6
    assert "40 with a masked buyer account" in result.notices("en")[0]


def _taobao_file(path: Path, buyers: list[str]) -> Path:
    lines = ["订单编号,买家会员名,订单状态,买家实际支付金额,订单创建时间"] + [
        f"{9000 + n},{buyer},交易成功,10.00,2024-05-{n % 28 + 1:02d} 10:00:00"
        for n, buyer in enumerate(buyers)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_key_on_a_large_share_of_orders_is_no_buyer(con, tmp_path):
    buyers = ["匿名买家"] * 120 + [f"buyer{n}" for n in range(30)]
    result = import_orders(con, _taobao_file(tmp_path / "shared.csv", buyers))
    assert (result.identity.shared, result.identity.unknown) == (120, 120)
    assert kpis.kpis(con).customers == 30


def test_a_big_buyer_in_a_small_file_stays_a_customer(con, tmp_path):
    buyers = ["wholesale_li"] * 15 + [f"buyer{n}" for n in range(5)]
    assert len(buyers) < SHARED_KEY_MIN_ORDERS
    result = import_orders(con, _taobao_file(tmp_path / "small.csv", buyers))
    assert result.identity.unknown == 0
    assert kpis.kpis(con).customers == 6


def test_plain_exports_have_no_identity_notice(con):
    platforms = Path(__file__).resolve().parents[1] / "fixtures" / "platforms"
    for name in ("douyin_orders.csv", "jd_orders.csv", "tmall_orders.csv"):
        result = import_orders(con, platforms / name)
        assert result.identity.unknown == 0, name
        assert result.notices("en") == [], name


def test_reimport_clears_a_ciphertext_buyer_stored_before_this_check(con):
    import_orders(con, DOUYIN)
    # A database filled before the check holds the ciphertext pair as the buyer.
    con.execute("UPDATE orders SET customer_id = '##密文5pS25Lu25Lq6##/$$密文MTM4KioqKjU2Nzg=$$'")
    again = import_orders(con, DOUYIN)
    assert (again.updated, again.identity.unknown, again.identity.kept) == (1000, 1000, 0)
    assert _count(con, "SELECT count(*) FROM orders WHERE customer_id IS NULL") == 1000


@pytest.mark.parametrize("path", [PDD, TAOBAO], ids=lambda p: p.name)
def test_reimporting_a_weak_or_masked_export_changes_nothing(con, path):
    first = import_orders(con, path)
    version, figures = data_version(con), kpis.kpis(con)
    again = import_orders(con, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.inserted)
    assert again.identity == first.identity
    assert (data_version(con), kpis.kpis(con)) == (version, figures)


def test_a_mapping_for_another_shop_assigns_nothing(con):
    import_orders(con, DOUYIN, shop="旗舰店")
    assert import_orders(con, DOUYIN_BUYERS, shop="另一家店").updated == 0
    assert import_orders(con, DOUYIN_BUYERS, shop="旗舰店").updated == 1000
