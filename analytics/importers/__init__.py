"""File -> canonical rows: order exports of every supported platform, and buyer profiles.

from analytics.importers import import_orders
result = import_orders(con, "ExportOrderList.csv")
"""

from analytics.importers.detect import FORMATS, Detection, detect
from analytics.importers.orders import ImportResult, import_orders, preview

__all__ = ["FORMATS", "Detection", "ImportResult", "detect", "import_orders", "preview"]
