"""The import history names the shop(s) each import's orders went to."""

from __future__ import annotations

from analytics.importers import import_orders
from analytics.importers.history import import_history
from tests.conftest import FIXTURES


def test_history_names_the_shops_the_files_orders_are_in(con):
    import_orders(con, FIXTURES / "taobao_small.csv")
    import_orders(con, FIXTURES / "platforms" / "jd_orders.csv", shop="京东自营店")
    history = import_history(con).set_index("import_id")
    shops = con.execute(
        "SELECT import_id, string_agg(DISTINCT o.shop, ', ' ORDER BY o.shop) "
        "FROM orders o GROUP BY import_id"
    ).fetchall()
    assert len(shops) == 2
    for import_id, shop in shops:
        assert history.loc[import_id, "shop"] == shop
    assert "京东自营店" in set(history["shop"])
