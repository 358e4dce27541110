"""Time every report on an imported big shop (default: the 1M-order store bench_import built).

    python bench/bench_import.py            # builds bench/out/taobao_1m.duckdb
    python bench/bench_reports.py [--db bench/out/taobao_1m.duckdb]

Each report runs twice on one connection; the table shows both times (cold, warm) against
the 1 s target. Not a test.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import store  # noqa: E402

HERE = Path(__file__).resolve().parent

#: (label, module, function, keyword arguments; "AS_OF" is replaced by the as-of date)
REPORTS = (
    ("report kpis", "analytics.kpis", "kpis", {}),
    ("overview sales by month", "analytics.kpis", "sales_by_period", {"period": "month"}),
    ("report lifecycle", "analytics.lifecycle", "lifecycle", {"as_of": "AS_OF"}),
    ("report customer-types", "analytics.lifecycle", "customer_type_summary", {"as_of": "AS_OF"}),
    ("report funnel", "analytics.lifecycle", "order_funnel", {"as_of": "AS_OF"}),
    ("report cohorts (month)", "analytics.cohorts", "cohort_table", {"period": "month"}),
    ("report cohorts (week)", "analytics.cohorts", "cohort_table", {"period": "week"}),
    ("report rfm", "analytics.rfm", "rfm_scores", {"as_of": "AS_OF"}),
    ("report segments", "analytics.rfm", "segment_summary", {"as_of": "AS_OF"}),
    ("report tiers", "analytics.tiers", "tier_summary", {}),
    ("report pareto", "analytics.pareto", "pareto_curve", {}),
    ("report age-bands", "analytics.demographics", "age_band_summary", {"as_of": "AS_OF"}),
    ("provinces", "analytics.regions", "provinces", {}),
    ("report weekly", "analytics.monitoring", "weekly_monitor", {"as_of": "AS_OF"}),
    ("report cycles", "analytics.repurchase", "product_cycles", {"as_of": "AS_OF"}),
    ("report reminders", "analytics.repurchase", "reminders", {"as_of": "AS_OF"}),
    ("report churn-risk", "analytics.repurchase", "churn_risk", {"as_of": "AS_OF"}),
    ("report bgnbd", "analytics.clv", "bgnbd_report", {"as_of": "AS_OF"}),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=HERE / "out" / "taobao_1m.duckdb")
    args = parser.parse_args()
    con = store.connect(args.db)
    as_of = store.latest_order_date(con)
    orders = con.execute("SELECT count(*) FROM orders").fetchall()[0][0]
    print(f"store: {args.db} ({orders:,} orders, as of {as_of})")
    print(f"{'report':<28}{'cold s':>9}{'warm s':>9}  under 1 s")
    for label, module, name, kwargs in REPORTS:
        fn = getattr(importlib.import_module(module), name)
        kwargs = {k: as_of if v == "AS_OF" else v for k, v in kwargs.items()}
        times = []
        for _ in range(2):
            start = time.perf_counter()
            fn(con, **kwargs)
            times.append(time.perf_counter() - start)
        print(f"{label:<28}{times[0]:>9.3f}{times[1]:>9.3f}  {'yes' if times[1] < 1 else 'NO'}")


if __name__ == "__main__":
    main()
