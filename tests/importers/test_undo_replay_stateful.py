"""Undo is replay, checked by Hypothesis: random small exports that overlap (Taobao order
reports with status, refund, amount, buyer and shop changes; Taobao item reports; Shopify
exports, one row per order line; buyer profiles) are
imported and undone in random order, and after every step the store equals a fresh store
that imported only the files still standing, in their original order.

What is compared: ``orders``, ``order_items``, ``customers``, ``customer_profiles`` and the
order and profile membership tables, all columns, ``import_id`` included (renumbered: the
fresh store numbers its imports 1, 2, …): an identical re-import keeps the older import's
id in both stores. The ``*_replaced`` archives are bookkeeping and may differ.
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from analytics import store
from analytics.errors import ImportRefused
from analytics.importers import import_orders
from analytics.importers.history import undo_import
from analytics.importers.profiles import import_profiles
from analytics.importers.shopify import HEADER as SHOPIFY_HEADER
from analytics.importers.taobao import ITEMS_HEADER
from tests.taobao_export import order, write_export

ORDER_IDS = ("1", "2", "3", "4", "5")
BUYERS = ("amy", "bob", "cat")
STATUSES = (
    "交易成功",
    "交易关闭",
    "买家已付款，等待卖家发货",
    "付款以后用户退款成功，交易自动关闭",
)
#: Tables compared with the replay; their import_id columns are renumbered.
COMPARED = (
    "orders",
    "order_items",
    "customers",
    "customer_profiles",
    "import_keys",
    "import_profile_keys",
)

order_rows = st.builds(
    order,
    st.sampled_from(ORDER_IDS),
    st.sampled_from(BUYERS),
    status=st.sampled_from(STATUSES),
    paid=st.sampled_from(("100.00", "59.90")),
    refund=st.sampled_from(("0", "30")),
    time=st.sampled_from(("2024-01-05 10:00:00", "2024-02-01 09:00:00")),
    shop=st.sampled_from(("店A", "店B", "")),  # "" -> the default shop
)
item_rows = st.tuples(
    st.sampled_from(ORDER_IDS),
    st.sampled_from(("洗发水", "护发素")),
    st.sampled_from(("10.00", "25.00")),
    st.sampled_from(("1", "2")),
)
# A Shopify order (one export row per line): (order number, buyer, status, total, refunded,
# its lines as (name, price, quantity)).
shopify_orders = st.tuples(
    st.sampled_from(ORDER_IDS),
    st.sampled_from(BUYERS),
    st.sampled_from(("paid", "refunded", "pending")),
    st.sampled_from(("128.00", "60.00")),
    st.sampled_from(("0.00", "20.00")),
    st.lists(item_rows.map(lambda r: r[1:]), min_size=1, max_size=2),
)
profile_rows = st.tuples(
    st.sampled_from(BUYERS),
    st.sampled_from(("男", "女", "")),
    st.sampled_from(("vip", "")),
    st.sampled_from(("是", "否", "")),
)


def _item_report(path: Path, rows) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(ITEMS_HEADER)
    for order_id, title, price, quantity in rows:
        cells = {"订单编号": f'="{order_id}"', "标题": title, "价格": price, "购买数量": quantity}
        writer.writerow([cells.get(h, "") for h in ITEMS_HEADER])
    path.write_bytes(buf.getvalue().encode("gb18030"))
    return path


def _shopify_export(path: Path, orders) -> Path:
    by_number = {number: rest for number, *rest in orders}  # one block of rows per order
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(SHOPIFY_HEADER)
    for number, (buyer, status, total, refunded, lines) in by_number.items():
        for n, (title, price, quantity) in enumerate(lines):
            cells = {
                "Name": f"#100{number}",
                "Created at": "2024-03-05 14:22:10 +0800",
                "Lineitem name": title,
                "Lineitem price": price,
                "Lineitem quantity": quantity,
                "Lineitem sku": title[:1],
            }
            if n == 0:
                cells |= {
                    "Email": f"{buyer}@example.com",
                    "Financial Status": status,
                    "Paid at": "" if status == "pending" else "2024-03-05 14:25:00 +0800",
                    "Total": total,
                    "Refunded Amount": refunded,
                }
            writer.writerow([cells.get(h, "") for h in SHOPIFY_HEADER])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _profiles(path: Path, rows) -> Path:
    lines = ["customer_id,gender,tags,bad_review"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(con, spec) -> int | None:
    """Import one file spec (kind, path, shop); its import id, None when refused."""
    kind, path, shop = spec
    try:
        if kind == "profiles":
            return import_profiles(con, path).import_id
        return import_orders(con, path, shop=shop).import_id
    except ImportRefused:
        return None


def _rows(con, table: str, ids: dict[int, int]):
    cols = [
        c
        for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]
    rows = con.execute(f"SELECT * FROM {table}").fetchall()
    if "import_id" in cols:
        at = cols.index("import_id")
        rows = [r[:at] + (ids.get(r[at], ("?", r[at])),) + r[at + 1 :] for r in rows]
    return sorted(rows, key=repr)


class UndoIsReplay(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(self._tmp_root) / f"run{next(self._runs)}"
        self.dir.mkdir()
        self.files = itertools.count()
        self.con = store.connect(":memory:")
        self.replay = store.connect(":memory:")
        self.standing: list[tuple[int, tuple]] = []  # (import id, file spec), in order
        self.replay_ids: dict[int, int] = {}  # replay store's id -> this store's id

    _tmp_root = ""
    _runs = itertools.count()

    def _path(self, suffix: str = ".csv") -> Path:
        return self.dir / f"{next(self.files)}{suffix}"

    def _add(self, spec) -> None:
        import_id = _import(self.con, spec)
        if import_id is None:
            return
        self.standing.append((import_id, spec))
        replayed = _import(self.replay, spec)
        assert replayed is not None, f"the replay refused {spec}"
        self.replay_ids[replayed] = import_id

    @rule(rows=st.lists(order_rows, min_size=1, max_size=5), shop=st.sampled_from((None, "店B")))
    def import_order_report(self, rows, shop) -> None:
        self._add(("orders", write_export(self._path(), rows), shop))

    @rule(rows=st.lists(item_rows, min_size=1, max_size=4), shop=st.sampled_from((None, "店A")))
    def import_item_report(self, rows, shop) -> None:
        self._add(("items", _item_report(self._path(), rows), shop))

    @rule(
        orders=st.lists(shopify_orders, min_size=1, max_size=3), shop=st.sampled_from((None, "店B"))
    )
    def import_shopify_export(self, orders, shop) -> None:
        self._add(("orders", _shopify_export(self._path(), orders), shop))

    @rule(rows=st.lists(profile_rows, min_size=1, max_size=3))
    def import_profiles(self, rows) -> None:
        self._add(("profiles", _profiles(self._path(), rows), None))

    @precondition(lambda self: self.standing)
    @rule(data=st.data())
    def undo(self, data) -> None:
        import_id, spec = data.draw(st.sampled_from(self.standing), label="undo")
        undo_import(self.con, import_id)
        self.standing.remove((import_id, spec))
        self.replay.close()
        self.replay = store.connect(":memory:")
        self.replay_ids = {}
        for original, kept in self.standing:
            self.replay_ids[_import(self.replay, kept)] = original

    @invariant()
    def store_equals_the_replay_of_the_standing_files(self) -> None:
        same = {i: i for i, _ in self.standing}
        for table in COMPARED:
            assert _rows(self.con, table, same) == _rows(self.replay, table, self.replay_ids), table

    def teardown(self) -> None:
        self.con.close()
        self.replay.close()


@pytest.fixture
def machine(tmp_path):
    UndoIsReplay._tmp_root = str(tmp_path)
    return UndoIsReplay


def test_any_imports_and_undos_leave_the_store_equal_to_the_replay(machine):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=12,
            stateful_step_count=8,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
