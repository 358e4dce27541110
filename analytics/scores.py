"""Per-customer scores, rebuilt once per data version; pages and reports read them.

``customer_scores`` holds one row per customer (any order status, all shops) as of the
data's as-of date (the newest order's day): customer type and lifecycle stage
(:mod:`analytics.lifecycle`), R/F/M scores and segment (:mod:`analytics.rfm`), member
tier (:mod:`analytics.tiers`), age band (:mod:`analytics.demographics`), province (the
customer summary), the purchase models (:mod:`analytics.clv`: P(alive), expected
purchases over 30/90/180/365 days, expected spend per purchase, 365-day CLV at a 30%
margin and 10% annual discount), the churn warning (:mod:`analytics.repurchase`:
expected gap, expected next order date, overdue factor, churn flag) and the modified
BG/NBD's P(alive) and 365-day purchases (:mod:`analytics.mbgnbd`, the churn list's).
Every column is what the module named computes for that customer; nothing is recomputed
differently here.

``model_fits`` holds the BG/NBD and Gamma-Gamma fits behind the scores: parameters, the
as-of date, when they were fitted and how many customers they saw (or why they could not
be fitted).

:func:`rebuild` runs right after an import or an undo (the CLI and the import page call
it) and after a settings save (:func:`analytics.settings.save`, when scores exist); readers
call :func:`ensure`, which rebuilds when the stored scores are for an older data version
(an import made through the Python API, say). Scores for another as-of date or one shop are
not stored: pages compute those on the fly.

Public functions:
    rebuild      recompute every customer's scores and the model fits
    ensure       rebuild when the stored scores are stale; the as-of date they are for
    is_current   whether the stored scores match the data version
    scores       the stored rows (optionally some columns or one shop)
    model_fit    the stored fit of one model (a ``ModelFit``)
    model_limits the limits of BG/NBD the stored fit ran to, with their plain figures
    top_clv      the customers with the highest stored CLV, named
    clv_table    every customer's stored CLV columns, as ``report clv`` prints them
    mbg_predictions  the stored modified BG/NBD figures of every buyer
    mbg_p_alive  the stored modified BG/NBD P(alive) of given buyers, as the churn list reads it
    p_alive_matrix  mean stored P(alive) by repeat purchase days x days since the last
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd

from analytics import store, views
from analytics.errors import InputError
from analytics.settings import DEFAULT_MARGIN, gross_margin

#: Meta key holding the data version the stored scores were built for.
VERSION_KEY = "scores_version"
#: Horizons (days) of the stored expected purchases.
HORIZONS = (30, 90, 180, 365)
#: CLV as stored: the defaults of ``analytics.clv.clv``.
CLV_HORIZON_DAYS = 365
CLV_MARGIN = DEFAULT_MARGIN  # readers scale it to the margin they ask for
CLV_DISCOUNT = 0.1
#: The age bands' random seed (``analytics.demographics`` default).
AGE_SEED = 42

KEY = ["platform", "shop", "customer_id"]
#: Columns of ``customer_scores`` after the key, in order.
COLUMNS = (
    "customer_name",
    "customer_type",
    "stage",
    "days_since_last",
    "valid_orders",
    "revenue",
    "r",
    "f",
    "m",
    "segment",
    "tier",
    "age_band",
    "province",
    "frequency",
    "recency",
    "T",
    "p_alive",
    *(f"expected_purchases_{h}" for h in HORIZONS),
    "expected_aov",
    "clv",
    "expected_gap_days",
    "expected_next_order",
    "overdue_factor",
    "churn_flag",
    "mbg_p_alive",
    "mbg_expected_purchases_365",
)

Progress = Callable[[float, str], None]

#: DuckDB's memory limit while the scores and views are rebuilt. Without one DuckDB keeps
#: what its queries used (up to 80% of the machine) until the connection closes: the
#: rebuild's peak at 1M orders was DuckDB's buffers on top of pandas' frames.
REBUILD_MEMORY_LIMIT = "512MB"


@dataclass(frozen=True)
class ModelFit:
    """A stored model fit: ``params`` by name, or ``error`` when it could not be fitted."""

    model: str
    as_of: date
    fitted_at: datetime
    customers: int
    params: dict
    log_likelihood: float | None
    error: str | None


def _no_progress(_fraction: float, _step: str) -> None:
    return None


def rebuild(con, *, as_of: date | None = None, progress: Progress | None = None) -> int:
    """Recompute ``customer_scores`` and ``model_fits``; the number of customers scored.

    ``as_of`` defaults to the newest order's day. ``progress(fraction, step)`` is called
    as each step starts (step ids: stages, rfm, tiers, ages, models, churn, write, views).
    Then the pages' default views are stored (:func:`analytics.views.rebuild`). Runs in
    its own transactions (or the caller's) and leaves the data version as it is.

    DuckDB may hold at most ``REBUILD_MEMORY_LIMIT`` meanwhile (it spills the rest to
    disk); should a step need more than it can spill, the rebuild runs again without it.
    """
    try:
        with store.memory_cap(con, REBUILD_MEMORY_LIMIT):
            return _rebuild(con, as_of=as_of, progress=progress)
    except duckdb.OutOfMemoryException:
        return _rebuild(con, as_of=as_of, progress=progress)


def _rebuild(con, *, as_of: date | None, progress: Progress | None) -> int:
    from analytics import clv, demographics, lifecycle, repurchase, rfm, settings, tiers

    report = progress or _no_progress
    as_of = as_of or store.latest_order_date(con) or date.today()
    version = store.data_version(con)
    # The old scores are stale from here on: the metric modules must compute, not read them
    # (analytics.scored), until the new ones are written.
    con.execute("DELETE FROM meta WHERE key = ?", [VERSION_KEY])

    report(0.0, "stages")
    # Each module's columns go into a TEMP table as soon as they are computed and the frame
    # is dropped: the rows are joined in DuckDB, not merged frame by frame in pandas (a
    # copy of every buyer per merge), and no frame of every customer outlives its step.
    parts = _Parts(con)
    base = lifecycle.customer_types(con, as_of=as_of)
    parts.add(
        "base",
        base[[*KEY, "customer_name", "customer_type", "stage", "days_since_last"]].assign(
            _row=np.arange(len(base), dtype=np.int64)
        ),
    )
    del base
    stages = lifecycle.customer_stages(con, as_of=as_of)
    parts.add("stages", stages[[*KEY, "valid_orders", "revenue"]])
    del stages

    report(0.15, "rfm")
    rfm_settings = settings.load(con, "rfm", rfm.RfmSettings)  # the stored settings
    rfm_rows = rfm.rfm_scores(con, as_of=as_of, settings=rfm_settings)
    parts.add("rfm", rfm_rows[[*KEY, "r", "f", "m", "segment"]])
    del rfm_rows

    report(0.3, "tiers")
    rules = settings.load(con, "tiers", tiers.TierRules)
    parts.add("tiers", tiers.customer_tiers(con, rules=rules)[[*KEY, "tier"]])
    report(0.4, "ages")
    bands = demographics.customer_age_bands(con, as_of=as_of, seed=AGE_SEED)
    parts.add("ages", bands[[*KEY, "age_band"]])
    del bands
    parts.sql("provinces", "SELECT platform, shop, customer_id, province FROM customers")

    report(0.5, "models")
    models, fits = _models(con, clv, as_of)
    parts.add("models", models)
    del models

    report(0.8, "churn")
    parts.add("churn", _churn(con, repurchase, as_of))

    report(0.9, "write")
    now = datetime.now()
    try:
        joined = parts.join()
        with store.transaction(con):
            con.execute("DELETE FROM customer_scores")
            con.execute(parts.insert_sql(joined), {"as_of": as_of})
            con.execute("DELETE FROM model_fits")
            for fit in fits:
                con.execute(
                    "INSERT INTO model_fits VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        fit["model"],
                        as_of,
                        now,
                        fit["customers"],
                        json.dumps(fit["params"]),
                        fit["log_likelihood"],
                        fit["error"],
                    ],
                )
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [VERSION_KEY, str(version)])
        scored = con.execute("SELECT count(*) FROM customer_scores").fetchone()[0]
    finally:
        parts.drop()
    report(0.92, "views")
    views.rebuild(con, as_of=as_of, progress=lambda share: report(0.92 + 0.08 * share, "views"))
    report(1.0, "done")
    return scored


#: Where each column of ``customer_scores`` comes from (the TEMP table of its step).
_SOURCES = {
    "customer_name": "base",
    "customer_type": "base",
    "stage": "base",
    "days_since_last": "base",
    "valid_orders": "stages",
    "revenue": "stages",
    **dict.fromkeys(("r", "f", "m", "segment"), "rfm"),
    "tier": "tiers",
    "age_band": "ages",
    "province": "provinces",
    **dict.fromkeys(("frequency", "recency", "T", "p_alive", "expected_aov", "clv"), "models"),
    **{f"expected_purchases_{h}": "models" for h in HORIZONS},
    **dict.fromkeys(("mbg_p_alive", "mbg_expected_purchases_365"), "models"),
    **dict.fromkeys(
        ("expected_gap_days", "expected_next_order", "overdue_factor", "churn_flag"), "churn"
    ),
}


class _Parts:
    """The rebuild's steps as TEMP tables on ``con``, joined into ``customer_scores``."""

    def __init__(self, con) -> None:
        self.con = con
        self.tables: dict[str, str] = {}

    def _name(self, step: str) -> str:
        name = f"laoke_scores_{step}"
        self.tables[step] = name
        return name

    def add(self, step: str, frame: pd.DataFrame) -> None:
        """Store ``frame`` (the key and the step's columns) as the step's TEMP table."""
        name = self._name(step)
        view = f"{name}_frame"
        self.con.register(view, frame)
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {view}")
        finally:
            self.con.unregister(view)

    def sql(self, step: str, query: str) -> None:
        """Store ``query``'s rows as the step's TEMP table (never fetched into pandas)."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {self._name(step)} AS {query}")

    def join(self) -> str:
        """The TEMP table of every customer of the base step with each step's columns, as
        the left merges of the steps' frames gave them: one join per step (a join of all
        nine at once holds every step's hash table together, more than the memory cap
        at 3M orders), each step's table dropped once joined."""
        joined = self.tables["base"]
        for step, table in list(self.tables.items()):
            if step == "base":
                continue
            columns = ", ".join(f'p."{c}"' for c in COLUMNS if _SOURCES[c] == step)
            name = self._name(f"with_{step}")
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT j.*, {columns} "
                f"FROM {joined} j LEFT JOIN {table} p USING ({', '.join(KEY)})"
            )
            for done in (joined, table):
                self.con.execute(f"DROP TABLE temp.{done}")
            joined = name
        return joined

    def insert_sql(self, joined: str) -> str:
        """The rows of ``joined`` into ``customer_scores``, in the base step's order."""
        select = ", ".join([*KEY, "CAST($as_of AS DATE)", *(f'"{c}"' for c in COLUMNS)])
        return f"INSERT INTO customer_scores SELECT {select} FROM {joined} ORDER BY _row"

    def drop(self) -> None:
        for name in self.tables.values():
            try:
                self.con.execute(f"DROP TABLE IF EXISTS temp.{name}")
            except duckdb.Error:  # an aborted transaction drops its TEMP tables itself
                break


def _models(con, clv, as_of: date) -> tuple[pd.DataFrame, list[dict]]:
    """Per-customer model columns and the fits (with the error when one failed)."""
    summary = clv.purchase_summary(con, as_of=as_of, unit="day")
    out, fits = _bgnbd_models(summary, clv, as_of)
    modified, fit = _mbgnbd_models(summary, clv, as_of)
    return out.merge(modified, on=KEY, how="left"), [*fits, fit]


def _mbgnbd_models(summary: pd.DataFrame, clv, as_of: date) -> tuple[pd.DataFrame, dict]:
    """The modified BG/NBD's P(alive) and 365-day purchases (the churn list's figures)."""
    from analytics import mbgnbd

    try:
        clv._require_customers(summary, as_of, None)
        params = mbgnbd.fit_summary(summary)
    except InputError as exc:
        empty = pd.DataFrame(columns=[*KEY, "mbg_p_alive", "mbg_expected_purchases_365"])
        return empty, _fit_row("mbgnbd", len(summary), None, None, str(exc))
    out = mbgnbd.predictions(summary, params, horizon_days=365)
    out = out.rename(
        columns={"p_alive": "mbg_p_alive", "expected_purchases": "mbg_expected_purchases_365"}
    )
    values = {k: getattr(params, k) for k in ("r", "alpha", "a", "b")}
    fit = _fit_row("mbgnbd", params.n, values, params.log_likelihood, None)
    return out[[*KEY, "mbg_p_alive", "mbg_expected_purchases_365"]], fit


def _bgnbd_models(summary: pd.DataFrame, clv, as_of: date) -> tuple[pd.DataFrame, list[dict]]:
    """BG/NBD and Gamma-Gamma per customer and their two fits."""
    columns = [*KEY, "frequency", "recency", "T", "p_alive", "expected_aov", "clv"]
    columns += [f"expected_purchases_{h}" for h in HORIZONS]
    empty = pd.DataFrame(columns=columns)
    fits = []
    try:
        clv._require_customers(summary, as_of, None)
        x, t_x, t = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
        bgnbd = clv.fit_bgnbd(x, t_x, t)
    except InputError as exc:
        fits.append(_fit_row("bgnbd", len(summary), None, None, str(exc)))
        fits.append(_fit_row("gamma_gamma", 0, None, None, str(exc)))
        return empty, fits
    bg_params = {k: getattr(bgnbd, k) for k in ("r", "alpha", "a", "b")}
    fits.append(_fit_row("bgnbd", bgnbd.n, bg_params, bgnbd.log_likelihood, None))
    try:
        gamma_gamma = clv.fit_gamma_gamma(x, summary["monetary_value"].to_numpy(float))
        gg_params = {k: getattr(gamma_gamma, k) for k in ("p", "q", "v")}
        fits.append(
            _fit_row("gamma_gamma", gamma_gamma.n, gg_params, gamma_gamma.log_likelihood, None)
        )
        out = clv.predict(
            summary,
            bgnbd,
            gamma_gamma,
            horizon_days=CLV_HORIZON_DAYS,
            margin=CLV_MARGIN,
            annual_discount_rate=CLV_DISCOUNT,
            horizons=HORIZONS,
        )
    except InputError as exc:
        if len(fits) == 1:
            fits.append(_fit_row("gamma_gamma", 0, None, None, str(exc)))
        out = summary[[*KEY, "frequency", "recency", "T"]].copy()
        out["p_alive"] = clv.p_alive(bgnbd, x, t_x, t)
        ends = np.asarray(HORIZONS, dtype=float)[:, None]
        expected = clv.expected_purchases(bgnbd, ends, x, t_x, t)
        for i, h in enumerate(HORIZONS):
            out[f"expected_purchases_{h}"] = expected[i]
        out["expected_aov"] = np.nan
        out["clv"] = np.nan
    return out[columns], fits


def _fit_row(model, customers, params, log_likelihood, error) -> dict:
    return {
        "model": model,
        "customers": int(customers),
        "params": params or {},
        "log_likelihood": log_likelihood,
        "error": error,
    }


def _churn(con, repurchase, as_of: date) -> pd.DataFrame:
    """Expected gap, next order date, overdue factor and churn flag per assessed customer.

    The expected gap is :func:`analytics.repurchase.churn_risk`'s (own median gap, else
    the main product's cycle), for every customer it can assess; the flag is set exactly
    for the customers ``churn_risk`` lists.
    """
    cfg = repurchase.load_settings(con)
    params = repurchase._params(cfg, as_of=as_of, shop=None)
    # Everyone assessed: no age limit, and a factor no customer fails to exceed.
    params |= {"factor": -1.0, "max_days": 0}
    # Only the columns used, fetched as Arrow from a relation (.df() makes a Python str of
    # every text of every customer first).
    sql = (
        "SELECT platform, shop, customer_id, expected_gap_days, last_order_date, "
        f"overdue_ratio, days_since_last FROM ({repurchase._CHURN_SQL})"
    )
    df = con.sql(sql, params=params).to_arrow_table().to_pandas()
    out = df[KEY].copy()
    out["expected_gap_days"] = df["expected_gap_days"].astype(float)
    last = pd.to_datetime(df["last_order_date"])
    out["expected_next_order"] = (
        last + pd.to_timedelta(np.round(out["expected_gap_days"]), unit="D")
    ).dt.date
    out["overdue_factor"] = df["overdue_ratio"].astype(float)
    limit = max(int(cfg.churn_max_days), 0)
    recent = (df["days_since_last"] <= limit) if limit else True
    out["churn_flag"] = (df["overdue_ratio"] > cfg.overdue_factor) & recent
    return out


def is_current(con) -> bool:
    """Whether the stored scores were built for the current data version."""
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [VERSION_KEY]).fetchall()
    row = rows[0] if rows else None
    return row is not None and int(row[0]) == store.data_version(con)


def ensure(con, *, progress: Progress | None = None) -> date | None:
    """Rebuild the scores when they are stale; the as-of date they are for (None: no data)."""
    if store.is_empty(con):
        return None
    if not is_current(con):
        rebuild(con, progress=progress)
    return stored_as_of(con)


def stored_as_of(con) -> date | None:
    """The as-of date of the stored scores (None when there are none)."""
    rows = con.execute("SELECT as_of FROM model_fits LIMIT 1").fetchall()
    rows = rows or con.execute("SELECT as_of FROM customer_scores LIMIT 1").fetchall()
    return rows[0][0] if rows else None


def refresh_if_present(con) -> None:
    """Rebuild the scores when some were stored before (after a settings save)."""
    if con.execute("SELECT count(*) FROM meta WHERE key = ?", [VERSION_KEY]).fetchall()[0][0]:
        rebuild(con)


def scores(con, *, columns: list[str] | None = None, shop: str | None = None) -> pd.DataFrame:
    """The stored rows (after :func:`ensure`): the key, ``as_of`` and ``columns``
    (default: all of ``COLUMNS``), optionally of one shop (``PLATFORM/SHOP``)."""
    wanted = list(columns or COLUMNS)
    unknown = sorted(set(wanted) - set(COLUMNS))
    if unknown:
        raise InputError(f"unknown score columns: {', '.join(unknown)}")
    select = ", ".join(f'"{c}"' for c in [*KEY, "as_of", *wanted])
    sql = (
        f"SELECT {select} FROM customer_scores WHERE {store.SHOP_FILTER} ORDER BY {', '.join(KEY)}"
    )
    df = _frame(con, sql, {"shop": shop})
    for column in ("as_of", "expected_next_order"):
        if column in df:  # dates as dates, as the metric modules return them
            df[column] = pd.to_datetime(df[column]).dt.date
    return df


def _frame(con, sql: str, params: dict) -> pd.DataFrame:
    # execute(), not con.sql(): a one-row fetchone() elsewhere may leave a result open.
    return con.execute(sql, params).df()


def model_fit(con, model: str = "bgnbd") -> ModelFit | None:
    """The stored fit of ``model`` ("bgnbd" or "gamma_gamma"); None when none is stored."""
    rows = con.execute(
        "SELECT model, as_of, fitted_at, customers, params, log_likelihood, error "
        "FROM model_fits WHERE model = ?",
        [model],
    ).fetchall()
    if not rows:
        return None
    model, as_of, fitted_at, customers, params, log_likelihood, error = rows[0]
    return ModelFit(model, as_of, fitted_at, customers, json.loads(params), log_likelihood, error)


def bgnbd_params(con):
    """The stored BG/NBD fit as ``analytics.clv.BgNbdParams``; InputError when it failed."""
    from analytics import clv

    fit = model_fit(con, "bgnbd")
    if fit is None or fit.error:
        raise InputError(fit.error if fit else "the purchase model has not been fitted yet")
    return clv.BgNbdParams(**fit.params, log_likelihood=fit.log_likelihood, n=fit.customers)


def _mbg_stored(con, *, as_of: date, shop: str | None) -> bool:
    """Whether the stored modified BG/NBD figures answer a view (current scores for
    ``as_of``; all shops, or ``shop`` of a one-shop store: the fit is over every buyer).
    Raises the stored fit's InputError when the model could not be fitted."""
    from analytics import scored

    if not scored.available(con, as_of=as_of, shop=shop, population=True):
        return False
    fit = model_fit(con, "mbgnbd")
    if fit is None:
        return False
    if fit.error:
        raise InputError(fit.error)
    return True


def mbg_predictions(con, *, as_of: date, shop: str | None = None) -> pd.DataFrame | None:
    """:func:`analytics.mbgnbd.customer_predictions`' p_alive and expected_purchases (365
    days) from the stored rows when they answer it (:func:`_mbg_stored`), else None. Raises
    the stored fit's InputError when the model could not be fitted."""
    if not _mbg_stored(con, as_of=as_of, shop=shop):
        return None
    return _frame(
        con,
        "SELECT platform, shop, customer_id, mbg_p_alive AS p_alive, "
        "mbg_expected_purchases_365 AS expected_purchases FROM customer_scores "
        f"WHERE mbg_p_alive IS NOT NULL AND {store.SHOP_FILTER} ORDER BY {', '.join(KEY)}",
        {"shop": shop},
    )


# The stored P(alive) of the customers of a frame, by the frame's row number.
_MBG_P_ALIVE_SQL = f"""
SELECT k._row, s.mbg_p_alive
FROM _laoke_mbg_keys k
JOIN customer_scores s USING (platform, shop, customer_id)
WHERE s.mbg_p_alive IS NOT NULL AND {store.shop_filter("s")}
"""


def mbg_p_alive(
    con, keys: pd.DataFrame, *, as_of: date, shop: str | None = None
) -> np.ndarray | None:
    """The stored modified BG/NBD P(alive) of each row of ``keys`` (platform, shop,
    customer_id), in the rows' order, NaN where :func:`mbg_predictions` has no row: that
    frame merged onto ``keys``, joined in DuckDB rather than fetched for every buyer.
    None when the stored figures do not answer it, the stored fit's InputError when the
    model could not be fitted (:func:`_mbg_stored`)."""
    if not _mbg_stored(con, as_of=as_of, shop=shop):
        return None
    # Read by DuckDB's replacement scan (a local frame named in the SQL).
    _laoke_mbg_keys = keys[KEY].assign(_row=np.arange(len(keys), dtype=np.int64))  # noqa: F841
    found = con.execute(_MBG_P_ALIVE_SQL, {"shop": shop}).fetchnumpy()
    out = np.full(len(keys), np.nan)
    out[found["_row"]] = found["mbg_p_alive"]
    return out


_TOP_CLV_SQL = """
SELECT platform, shop, customer_id, customer_name, frequency, p_alive,
       expected_purchases_365 AS expected_purchases, expected_aov, clv * $scale AS clv
FROM customer_scores
WHERE clv IS NOT NULL
ORDER BY clv DESC, platform, shop, customer_id
LIMIT $limit
"""


def top_clv(con, *, limit: int = 100, margin: float | None = None) -> pd.DataFrame:
    """The stored customers with the highest CLV (365 days, 10% discount) at ``margin``.

    Columns as :func:`analytics.repurchase.top_clv`. Raises InputError when the models
    could not be fitted.
    """
    if not limit >= 1:
        raise InputError(f"limit must be a whole number >= 1; got {limit}")
    margin = gross_margin(con) if margin is None else margin
    if not 0 < margin <= 1:
        raise InputError(f"the margin must be a fraction in (0, 1]; got {margin}")
    for model in ("bgnbd", "gamma_gamma"):
        fit = model_fit(con, model)
        if fit is not None and fit.error:
            raise InputError(fit.error)
    df = _frame(con, _TOP_CLV_SQL, {"limit": int(limit), "scale": margin / CLV_MARGIN})
    return df.astype({"frequency": "int64"})


_CLV_SQL = """
SELECT platform, shop, customer_id, p_alive, expected_purchases_365 AS expected_purchases,
       expected_aov, clv * $scale AS clv
FROM customer_scores
WHERE clv IS NOT NULL
ORDER BY clv DESC, platform, shop, customer_id
"""


def clv_table(con, *, margin: float | None = None) -> pd.DataFrame:
    """:func:`analytics.clv.clv`'s customers and value columns from the stored scores
    (365 days, 10% discount, at ``margin``; None: the shop's gross margin), highest CLV
    first."""
    margin = gross_margin(con) if margin is None else margin
    if not 0 < margin <= 1:
        raise InputError(f"the margin must be a fraction in (0, 1]; got {margin}")
    bgnbd_params(con)
    fit = model_fit(con, "gamma_gamma")
    if fit is not None and fit.error:
        raise InputError(fit.error)
    return _frame(con, _CLV_SQL, {"scale": margin / CLV_MARGIN})


def p_alive_matrix(con) -> pd.DataFrame:
    """:func:`analytics.repurchase.p_alive_matrix` from the stored P(alive)."""
    from analytics import repurchase

    bgnbd_params(con)  # raises the fit's error, as the on-the-fly matrix would
    df = _frame(
        con,
        'SELECT frequency, recency, "T", p_alive FROM customer_scores WHERE p_alive IS NOT NULL',
        {},
    )
    x = df["frequency"].to_numpy(float)
    days_since = df["T"].to_numpy(float) - df["recency"].to_numpy(float)
    frame = pd.DataFrame(
        {
            "frequency": np.minimum(x, repurchase.FREQUENCY_TOP_BUCKET).astype(int),
            "days_since": pd.cut(
                days_since,
                [-1, *repurchase.DAYS_SINCE_EDGES, np.inf],
                labels=list(repurchase.DAYS_SINCE_LABELS),
            ),
            "p_alive": df["p_alive"].to_numpy(float),
        }
    )
    out = (
        frame.groupby(["frequency", "days_since"], observed=True)
        .agg(customers=("p_alive", "size"), p_alive=("p_alive", "mean"))
        .reset_index()
    )
    out.insert(0, "frequency_bucket", [repurchase.FREQUENCY_LABELS[f] for f in out["frequency"]])
    out["days_since_bucket"] = out["days_since"].astype(str)
    return out[["frequency_bucket", "days_since_bucket", "customers", "p_alive"]]


def model_limits(con) -> dict[str, float]:
    """The limits the stored BG/NBD fit ran to (:func:`analytics.clv.bgnbd_limits`), each
    with its plain figure: ``rate`` -> days between purchases (alpha / r), ``dropout`` ->
    the chance of leaving after a purchase (a / (a + b)). Empty when none or not fitted."""
    from analytics import clv

    try:
        params = bgnbd_params(con)
    except InputError:
        return {}
    figures = {"rate": params.alpha / params.r, "dropout": params.a / (params.a + params.b)}
    return {limit: figures[limit] for limit in clv.bgnbd_limits(params)}


def fit_summary(con) -> dict:
    """The stored fits as plain data (for the CLI and notebooks)."""
    return {
        model: (asdict(fit) if fit else None)
        for model in ("bgnbd", "gamma_gamma", "mbgnbd")
        for fit in [model_fit(con, model)]
    }
