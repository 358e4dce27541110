"""When a view can read the stored per-customer scores instead of computing them.

``customer_scores`` (:mod:`analytics.scores`) holds every customer's figures as of the
data's newest order day, over all shops, built with the settings stored at the time (a
settings save rebuilds them). A metric module reads them when its view matches:

- the scores are current (built for this data version) and for the view's as-of date;
- the settings the view uses are the stored ones, which the scores were built with (each
  module compares what its ``None`` means: stored cut-offs for stages, defaults for RFM);
- all shops, or one shop when the figure is the customer's own (stage, customer type,
  tier: :func:`available` with ``population=False``). A figure that depends on the other
  buyers (RFM quintile scores, age bands placed by the known distribution) is read for
  one shop only when the store holds that shop alone (``population=True``).

Otherwise the module computes as before; both give the same numbers (tests compare them).

Public functions:
    available   whether the stored scores serve a view (as-of date, shop, population)
"""

from __future__ import annotations

from datetime import date

_STATE_SQL = """
SELECT
    (SELECT value FROM meta WHERE key = 'scores_version') AS scores_version,
    (SELECT value FROM meta WHERE key = 'data_version') AS data_version,
    (SELECT as_of FROM customer_scores LIMIT 1) AS as_of
"""

_SHOPS_SQL = "SELECT count(*) FROM (SELECT DISTINCT platform, shop FROM customer_scores)"


def available(con, *, as_of: date | None, shop: str | None = None, population: bool = False):
    """True when ``customer_scores`` holds the figures of this view (module docstring)."""
    if as_of is None:
        return False
    stored_version, version, stored_as_of = con.execute(_STATE_SQL).fetchall()[0]
    if stored_version is None or stored_version != version or stored_as_of != as_of:
        return False
    if shop is None or not population:
        return True
    return con.execute(_SHOPS_SQL).fetchall()[0][0] == 1
