"""Customer lifetime value: the BG/NBD and Gamma-Gamma models (SPEC "Customer lifetime value").

BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way") says how many
purchase occasions a customer will make and whether they are still "alive"; Gamma-Gamma
(Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013, note 025) says how much
they spend per occasion. Both are fitted by maximum likelihood with numpy/scipy.

The inputs come from :func:`purchase_summary`, computed in DuckDB: a purchase occasion is
a calendar day with at least one valid order; ``frequency`` is the number of occasions
minus one (repeat occasions); ``recency`` is the whole days from the first to the last
occasion and ``T`` the whole days from the first occasion to the as-of date, both divided
by 7 when the unit is weeks; ``monetary_value`` is the mean net spend per repeat occasion.

Public functions:
    purchase_summary   per-customer frequency, recency, T, monetary_value (and holdout counts)
    fit_bgnbd          BgNbdParams(r, alpha, a, b, log_likelihood, n)
    p_alive            probability each customer is still active
    expected_purchases conditional expected occasions in the next t periods
    fit_gamma_gamma    GammaGammaParams(p, q, v, log_likelihood, n)
    expected_aov       conditional expected spend per occasion
    clv                one row per customer with p_alive, expected purchases, AOV and CLV
    predict            the same from a summary and fitted parameters (for stored scores)
    holdout_check      predicted vs actual holdout purchases by calibration frequency
    bgnbd_report       the BG/NBD parameters fitted on the store
    bgnbd_limits       which limits of the model a fit ran to ("rate", "dropout")
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from analytics.errors import InputError
from analytics.settings import DEFAULT_MARGIN
from analytics.store import SHOP_FILTER

#: Days per model time unit.
UNITS = {"day": 1, "week": 7}
#: Fewest customers BG/NBD is fitted on (four parameters need a crowd to be meaningful).
MIN_CUSTOMERS = 20
#: Fewest repeat buyers Gamma-Gamma is fitted on (three parameters).
MIN_REPEAT_BUYERS = 10
#: Log-parameters are kept within +-LOG_BOUND (e**20 ~ 5e8), where a fit has run off to a limit.
LOG_BOUND = 20.0
#: Length of a month in days, for the monthly steps of the CLV sum.
DAYS_PER_MONTH = 365.25 / 12
#: Calibration frequencies shown one by one in the holdout check; higher ones are pooled.
HOLDOUT_TOP_BUCKET = 7

# Occasions (days with >= 1 valid order) per customer up to $as_of. The statistics use the
# occasions up to $cal_end (= $as_of without a holdout period); frequency_holdout counts
# those in ($cal_end, $as_of]. Customers whose first occasion is after $cal_end are left out.
_SUMMARY_SQL = f"""
WITH occasions AS (
    SELECT platform, shop, customer_id,
           CAST(order_time AS DATE) AS day,
           sum(net_amount) AS spend  -- DECIMAL: exact sums, the same on every run
    FROM buyer_valid_orders
    WHERE CAST(order_time AS DATE) <= $as_of AND {SHOP_FILTER}
    GROUP BY platform, shop, customer_id, CAST(order_time AS DATE)
)
SELECT platform, shop, customer_id,
       count(*) FILTER (WHERE day <= $cal_end) - 1 AS frequency,
       date_diff('day', min(day), max(day) FILTER (WHERE day <= $cal_end)) / $unit_days
           AS recency,
       date_diff('day', min(day), $cal_end) / $unit_days AS "T",
       -- mean spend of the repeat occasions: all up to $cal_end but the first day's
       coalesce(
           CAST(sum(spend) FILTER (WHERE day <= $cal_end) - arg_min(spend, day) AS DOUBLE)
               / nullif(count(*) FILTER (WHERE day <= $cal_end) - 1, 0),
           0.0
       ) AS monetary_value,
       count(*) FILTER (WHERE day > $cal_end) AS frequency_holdout
FROM occasions
GROUP BY platform, shop, customer_id
HAVING min(day) <= $cal_end
ORDER BY platform, shop, customer_id
"""

_KEY = ["platform", "shop", "customer_id"]
_SUMMARY_COLUMNS = [*_KEY, "frequency", "recency", "T", "monetary_value"]


@dataclass(frozen=True)
class BgNbdParams:
    """Fitted BG/NBD: purchase rate ~ Gamma(r, alpha), dropout ~ Beta(a, b).

    ``alpha`` is in the time unit of the data it was fitted on; ``n`` is the number of
    customers and ``log_likelihood`` the total log-likelihood at the optimum.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n: int


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma: spend per occasion ~ Gamma(p, nu), nu ~ Gamma(q, v).

    ``n`` is the number of repeat buyers fitted on.
    """

    p: float
    q: float
    v: float
    log_likelihood: float
    n: int


# --------------------------------------------------------------------------- summary


def purchase_summary(
    con,
    *,
    as_of: date,
    unit: str = "week",
    calibration_end: date | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """Per-customer BG/NBD / Gamma-Gamma inputs from the valid orders on or before ``as_of``.

    Columns: ``platform, shop, customer_id, frequency`` (occasions - 1), ``recency`` (first
    to last occasion), ``T`` (first occasion to the end of the period), both in ``unit``
    ("day" or "week" = whole days / 7), and ``monetary_value`` (mean net spend per repeat
    occasion, 0 when frequency is 0).

    With ``calibration_end`` the statistics describe the calibration period (occasions on
    or before ``calibration_end``, T measured to it) for the customers who bought in it,
    and two more columns describe the holdout period ``(calibration_end, as_of]``:
    ``frequency_holdout`` (occasions in it) and ``duration_holdout`` (its length in
    ``unit``).
    """
    unit_days = _unit_days(unit)
    cal_end = as_of if calibration_end is None else calibration_end
    if cal_end > as_of:
        raise InputError(
            f"calibration end {cal_end} is after the as-of date {as_of}; it must not be"
        )
    df = con.execute(
        _SUMMARY_SQL,
        {"as_of": as_of, "cal_end": cal_end, "unit_days": float(unit_days), "shop": shop},
    ).df()
    df = df.astype({"frequency": "int64", "recency": "float64", "T": "float64"})
    df["monetary_value"] = df["monetary_value"].astype("float64")
    if calibration_end is None:
        return df[_SUMMARY_COLUMNS]
    df["frequency_holdout"] = df["frequency_holdout"].astype("int64")
    df["duration_holdout"] = (as_of - cal_end).days / unit_days
    return df


def _unit_days(unit: str) -> int:
    if unit not in UNITS:
        raise InputError(f"unit must be one of {', '.join(UNITS)}; got {unit!r}")
    return UNITS[unit]


# --------------------------------------------------------------------------- BG/NBD


def _bgnbd_arrays(frequency, recency, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    t = np.asarray(T, dtype=float)
    if not (x.shape == t_x.shape == t.shape) or x.ndim != 1:
        raise InputError("frequency, recency and T must be 1-D and of the same length")
    if not (np.isfinite(x).all() and np.isfinite(t_x).all() and np.isfinite(t).all()):
        raise InputError("frequency, recency and T must be finite numbers (no NaN)")
    if (x < 0).any() or (x != np.round(x)).any():
        raise InputError("frequency must be a whole number >= 0")
    if (t_x < 0).any() or (t_x > t + 1e-9).any():
        raise InputError("recency must lie between 0 and T")
    return x, t_x, t


def _aggregate(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Identical rows collapsed: the distinct rows and how many times each occurs."""
    distinct, codes = _distinct_rows(*columns)
    return distinct, np.bincount(codes, minlength=len(distinct[0])).astype(float)


def _packed_key(columns) -> tuple[np.ndarray, list[int]] | None:
    """Whole numbers >= 0 packed into one int64 (mixed radix), with the radices; or None."""
    bases = []
    for column in columns:
        if not len(column) or column.min() < 0 or (column != np.round(column)).any():
            return None
        bases.append(int(column.max()) + 1)
    if math.prod(bases) >= 2**62:
        return None
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column, base in zip(columns, bases, strict=True):
        key = key * base + column.astype(np.int64)
    return key, bases


@dataclass(frozen=True)
class _BgNbdData:
    """What the BG/NBD likelihood needs of (weighted) customers, arranged so that each
    evaluation touches the repeat buyers' rows once and everything else per level.

    Terms of one customer that depend on x alone are summed per distinct frequency
    (``x_u`` with weights ``w_x``), terms of (x, T) alone per distinct T (``t_u`` with
    weights ``w_t`` and frequency-weights ``wx_t``); only the mix of the two branches
    (alive at T, or dropped out after the last purchase) is computed per repeat row.
    """

    total: float
    x_u: np.ndarray
    w_x: np.ndarray
    t_u: np.ndarray
    w_t: np.ndarray
    wx_t: np.ndarray
    tx_u: np.ndarray
    # The repeat rows (x > 0): frequency, weight and indices into x_u, t_u and tx_u.
    x: np.ndarray
    w: np.ndarray
    x_inv: np.ndarray
    t_inv: np.ndarray
    tx_inv: np.ndarray


def _bgnbd_data(x, t_x, t, w) -> _BgNbdData:
    x_u, x_inv = np.unique(x, return_inverse=True)
    t_u, t_inv = np.unique(t, return_inverse=True)
    repeat = x > 0
    tx_u, tx_inv = np.unique(t_x[repeat], return_inverse=True)
    return _BgNbdData(
        total=float(w.sum()),
        x_u=x_u,
        w_x=np.bincount(x_inv, w, len(x_u)),
        t_u=t_u,
        w_t=np.bincount(t_inv, w, len(t_u)),
        wx_t=np.bincount(t_inv, w * x, len(t_u)),
        tx_u=tx_u,
        x=x[repeat],
        w=w[repeat],
        x_inv=x_inv[repeat],
        t_inv=t_inv[repeat],
        tx_inv=tx_inv,
    )


def _bgnbd_nll(log_params, data: _BgNbdData):
    """Mean negative log-likelihood of BG/NBD (FHL 2005 eq. 6) and its gradient.

    Per customer, with A = B(a, b + x) / B(a, b), D = B(a + 1, b + x - 1) / B(a, b):

        L = Gamma(r + x) alpha^r / Gamma(r) * [A (alpha + T)^-(r + x)
                                               + [x > 0] D (alpha + t_x)^-(r + x)]

    log L = lg + r log alpha + term1 + softplus(term2 - term1), term1 and term2 the logs
    of the two branches; p2 = expit(term2 - term1) is the share of the second.
    """
    r, alpha, a, b = np.exp(log_params)
    d, n = data, data.total
    x_u = d.x_u
    lg_rx = gammaln(r + x_u) - gammaln(r)
    bl1 = betaln(a, b + x_u) - betaln(a, b)
    bl2 = betaln(a + 1, b + np.maximum(x_u, 1) - 1) - betaln(a, b)
    psi_rx = digamma(r + x_u)
    psi_abx = digamma(a + b + x_u)
    psi_bx = digamma(b + x_u)
    log_at_u = np.log(alpha + d.t_u)
    inv_at_u = 1.0 / (alpha + d.t_u)

    # Per repeat row: the second branch against the first.
    log_at = log_at_u[d.t_inv]
    gap = np.log(alpha + d.tx_u)[d.tx_inv] - log_at  # log((alpha + t_x) / (alpha + T))
    rx = r + d.x
    diff = (bl2 - bl1)[d.x_inv] - rx * gap
    w_p2 = d.w * expit(diff)
    mixed = _wsum(d.w, np.logaddexp(0.0, diff))
    inv_gap = (1.0 / (alpha + d.tx_u))[d.tx_inv] - inv_at_u[d.t_inv]
    w_p2_x = np.bincount(d.x_inv, w_p2, len(x_u))

    sum_log_at = log_at_u @ d.w_t
    ll = (
        d.w_x @ (lg_rx + bl1) + n * r * np.log(alpha) - (r * sum_log_at + log_at_u @ d.wx_t) + mixed
    )
    d_r = d.w_x @ psi_rx + n * (np.log(alpha) - digamma(r)) - sum_log_at - _wsum(w_p2, gap)
    d_alpha = (
        n * r / alpha - (r * (inv_at_u @ d.w_t) + inv_at_u @ d.wx_t) - _wsum(w_p2 * rx, inv_gap)
    )
    shared = n * digamma(a + b) - d.w_x @ psi_abx
    d_a = shared + w_p2_x.sum() / a
    b_last = b + np.maximum(x_u, 1) - 1  # b + x - 1 where it is used (x > 0)
    d_b = shared + d.w_x @ psi_bx - n * digamma(b) - w_p2_x @ (1.0 / b_last)
    grad = -np.array([d_r, d_alpha, d_a, d_b]) * np.exp(log_params)
    return -ll / n, grad / n


def _wsum(weights: np.ndarray, values: np.ndarray) -> float:
    """Weighted sum; einsum skips BLAS threads, which only wait on a busy machine."""
    return float(np.einsum("i,i->", weights, values))


def _minimize_nll(nll, start: np.ndarray, args: tuple, ftol: float = 1e-13):
    """Minimize a mean negative log-likelihood over log-parameters (value and gradient).

    L-BFGS-B with the analytic gradient; when it stops short of a stationary point (a line
    search lost in rounding noise) inside the bounds, a bounded Nelder-Mead run restarts it
    from elsewhere and the best point found is kept.
    """
    from scipy.optimize import minimize  # only a fit needs it (a page reading scores does not)

    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    options = {"maxiter": 1000, "ftol": ftol, "gtol": 1e-9}
    best = minimize(
        nll, start, args=args, jac=True, method="L-BFGS-B", bounds=bounds, options=options
    )
    if best.success or np.abs(best.jac).max() < 1e-6:
        return best
    if (np.abs(best.x) >= LOG_BOUND - 0.05).any():
        # Run off to a limit of the model (e.g. BG/NBD's Poisson limit, r and alpha -> inf
        # along a ridge): the predictions no longer change there, a restart only costs time.
        return best
    simplex = minimize(
        lambda p: nll(p, *args)[0],
        best.x,
        method="Nelder-Mead",
        bounds=bounds,
        options={"maxiter": 200 * len(start)},
    )
    polished = minimize(
        nll, simplex.x, args=args, jac=True, method="L-BFGS-B", bounds=bounds, options=options
    )
    return min((best, simplex, polished), key=lambda res: res.fun)


def fit_bgnbd(
    frequency,
    recency,
    T,
    *,
    weights=None,
    initial: tuple[float, float, float, float] | None = None,
) -> BgNbdParams:
    """Fit BG/NBD by maximum likelihood (Fader, Hardie & Lee 2005, section 7).

    ``frequency`` (repeat occasions), ``recency`` and ``T`` are array-likes of one row per
    customer (or per group of ``weights`` identical customers), in one time unit. Identical
    rows are aggregated before fitting, so a million customers cost little more than the
    distinct (x, t_x, T) triples. The log-parameters are optimized with L-BFGS-B using
    the analytic gradient. Raises :class:`InputError` with fewer than ``MIN_CUSTOMERS``
    customers, no repeat buyer, or when the optimum is not finite.
    """
    x, t_x, t = _bgnbd_arrays(frequency, recency, T)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != x.shape or (w < 0).any() or not np.isfinite(w).all():
        raise InputError("weights must be finite, >= 0 and one per customer")
    n = float(w.sum())
    if n < MIN_CUSTOMERS:
        raise InputError(f"BG/NBD needs at least {MIN_CUSTOMERS} customers to fit; got {n:g}")
    if w[x > 0].sum() == 0:
        raise InputError("BG/NBD needs at least one repeat buyer (frequency > 0); got none")
    if weights is None and initial is None:
        initial = _warm_start(lambda rows: fit_bgnbd(x[rows], t_x[rows], t[rows]), len(x))
    if weights is None:
        (x, t_x, t), w = _aggregate(x, t_x, t)
    args = (_bgnbd_data(x, t_x, t, w),)

    start = np.log(initial) if initial else np.log([1.0, max(float(np.mean(t)), 1.0), 1.0, 1.0])
    res = _minimize_nll(_bgnbd_nll, start, args)
    r, alpha, a, b = np.exp(res.x)
    log_likelihood = -res.fun * n
    if not np.isfinite([r, alpha, a, b, log_likelihood]).all():
        raise InputError("BG/NBD could not be fitted to these customers (no finite optimum)")
    return BgNbdParams(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=float(log_likelihood),
        n=round(n),
    )


#: Fits on more than twice this many customers start from a fit on a random sample of
#: this many: the full fit then takes a few steps from near its optimum instead of dozens.
WARM_START_ROWS = 100_000


def _warm_start(fit, n: int) -> tuple[float, ...] | None:
    """The parameters ``fit(rows)`` finds on a fixed random sample of ``WARM_START_ROWS`` of
    ``n`` rows, as a starting point; None for small fits or when the sample cannot be fitted."""
    if n <= 2 * WARM_START_ROWS:
        return None
    rows = np.sort(np.random.default_rng(0).choice(n, WARM_START_ROWS, replace=False))
    try:
        params = fit(rows)
    except InputError:
        return None
    values = tuple(v for k, v in asdict(params).items() if k not in ("log_likelihood", "n"))
    return values if all(0 < v < math.inf for v in values) else None


#: A fitted Gamma(r, alpha) or Beta(a, b) with shape parameters past this is "everyone
#: (almost) the same": the coefficient of variation of the purchase rate is 1 / sqrt(r),
#: 10% here.
LIMIT_SHAPE = 100.0


def bgnbd_limits(params: BgNbdParams) -> tuple[str, ...]:
    """The limits of BG/NBD a fit has run to, in plain terms (empty inside the model).

    - ``"rate"``: r huge, so every customer buys at the same rate r / alpha and purchases
      are a Poisson process (the fit of very regular buyers);
    - ``"dropout"``: a + b huge, so every customer has the same chance a / (a + b) of
      leaving after a purchase.
    """
    limits = []
    if params.r >= LIMIT_SHAPE:
        limits.append("rate")
    if params.a + params.b >= LIMIT_SHAPE:
        limits.append("dropout")
    return tuple(limits)


def _log_dropout_odds(params: BgNbdParams, x, t_x, t) -> np.ndarray:
    """log of a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x); -inf when x = 0.

    The odds that a customer with these purchases has already dropped out: P(alive) is
    1 / (1 + odds) (Fader, Hardie & Lee 2005; Fader & Hardie, note 021).
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    log_odds = (
        np.log(a)
        - np.log(b + np.maximum(x, 1) - 1)
        + (r + x) * np.log1p((t - t_x) / (alpha + t_x))  # no cancellation at huge alpha
    )
    return np.where(x > 0, log_odds, -np.inf)


def p_alive(params: BgNbdParams, frequency, recency, T) -> np.ndarray:
    """P(still active | x, t_x, T) = 1 / (1 + odds of having dropped out); 1 when x = 0."""
    x, t_x, t = _bgnbd_arrays(frequency, recency, T)
    return expit(-_log_dropout_odds(params, x, t_x, t))


def expected_purchases(params: BgNbdParams, t, frequency, recency, T) -> np.ndarray:
    """Expected occasions in the next ``t`` periods given (x, t_x, T) (FHL 2005, eq. 10).

    E[Y(t) | x, t_x, T] = (a + b + x - 1) / (a - 1)
        * [1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
               * 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]
        / (1 + delta(x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))

    ``t`` is a scalar or an array broadcasting with the customers, in the fitted unit. The
    bracket depends on (x, T, t) only, so it is computed once per distinct (x, T) when
    ``t`` does not vary by customer; :func:`_purchases_if_alive` computes it for any
    fitted parameters, the Poisson limit (r, alpha huge) included.
    """
    x, t_x, big_t = _bgnbd_arrays(frequency, recency, T)
    horizon = np.asarray(t, dtype=float)
    if (horizon < 0).any():
        raise InputError("the prediction horizon t must be >= 0")
    if horizon.ndim == 0 or horizon.shape[-1] == 1:
        by_pair, codes = _if_alive_by_pair(params, horizon, x, big_t)
        if_alive = by_pair[..., codes]
    else:
        if_alive = _purchases_if_alive(params, horizon, x, big_t)
    expected = if_alive * expit(-_log_dropout_odds(params, x, t_x, big_t))
    _require_finite(params, expected)
    return expected


def _if_alive_by_pair(params: BgNbdParams, horizon, x, big_t) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_purchases_if_alive` once per distinct (x, T): the values (horizons x pairs)
    and, for each customer, the index of its pair."""
    (ux, ut), codes = _distinct_rows(x, big_t)
    return _purchases_if_alive(params, horizon, ux, ut), codes


def _distinct_rows(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of ``columns`` and, for each row, the index of its own.

    One sort of a single key, not a multi-column group-by: whole numbers >= 0 (frequency,
    recency and T in days) are packed into one integer, two columns into one complex number.
    """
    packed = _packed_key(columns)
    if packed is not None:
        key, bases = packed
        distinct_keys, codes = np.unique(key, return_inverse=True)
        distinct = []
        for base in reversed(bases):
            distinct.append((distinct_keys % base).astype(float))
            distinct_keys = distinct_keys // base
        return distinct[::-1], codes
    if len(columns) == 2:  # one sort of a complex key, not a two-column group-by
        key = np.empty(len(columns[0]), dtype=complex)
        key.real, key.imag = columns
        distinct_keys, codes = np.unique(key, return_inverse=True)
        return [distinct_keys.real.copy(), distinct_keys.imag.copy()], codes
    frame = pd.DataFrame({i: c for i, c in enumerate(columns)})
    codes = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    first = frame.drop_duplicates()
    return [first[i].to_numpy(float) for i in first.columns], codes


def _require_finite(params: BgNbdParams, expected: np.ndarray) -> None:
    if not np.isfinite(expected).all():
        r, alpha, a, b = params.r, params.alpha, params.a, params.b
        raise InputError(
            "expected purchases cannot be computed for these BG/NBD parameters "
            f"(r={r:.3g}, alpha={alpha:.3g}, a={a:.3g}, b={b:.3g})"
        )


#: Gauss-Jacobi nodes of the quadrature over the dropout probability: 24 give the same
#: predictions as 48 to 1e-15 on 1M simulated customers, inside the model and at the
#: Poisson limit (and match mpmath to 1e-6 at the boundary fits of the tests).
QUADRATURE_NODES = 24
#: The quadrature is used where it converges within QUADRATURE_NODES: the horizon at most
#: this many times alpha + T ...
QUADRATURE_MAX_SPAN = 4.0
#: ... and (r + x) * t / (alpha + T) (about the purchases expected at the posterior rate)
#: at most this.
QUADRATURE_MAX_RATE = 60.0
#: r + x from which the quadrature replaces scipy's 2F1, which loses accuracy (or gives
#: NaN) as r and alpha grow toward the Poisson limit.
QUADRATURE_MIN_SHAPE = 10.0
#: Within this of a = 1 the 2F1 form is interpolated (it is 0/0 at a = 1).
A_NEAR_ONE = 1e-4


def _purchases_if_alive(params: BgNbdParams, t, x, big_t) -> np.ndarray:
    """E[Y(t) | x, T, still alive at T]: the bracket of :func:`expected_purchases`.

    Given alive, the purchase rate is Gamma(r + x, alpha + T) and the dropout probability
    p is Beta(a, b + x), and a customer with both buys (1 - exp(-lambda p t)) / p times
    in t. Averaging over lambda gives

        E[Y(t) | x, T, alive] = E_p[(1 - (1 + p s) ** -(r + x)) / p],  s = t / (alpha + T),

    which is (a + b + x - 1) / (a - 1) * (1 - 2F1(r + x, a - 1; a + b + x - 1; -s)) (Pfaff's
    transformation of FHL's 2F1, whose shrink factor it absorbs). Where r + x is large and
    s and (r + x) s moderate (the Poisson limit: (1 + p s) ** -(r + x) -> exp(-lambda p t)),
    the expectation over p is taken by Gauss-Jacobi quadrature, exact for the Beta weight
    and fast to converge for this smooth integrand; elsewhere by scipy's 2F1.
    """
    horizon, xs, ts = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, x, big_t)))
    shape = horizon.shape
    horizon, xs, ts = (v.ravel() for v in (horizon, xs, ts))
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    span = horizon / (alpha + ts)
    out = np.empty_like(span)
    quad = (
        (r + xs >= QUADRATURE_MIN_SHAPE)
        & (span <= QUADRATURE_MAX_SPAN)
        & ((r + xs) * span <= QUADRATURE_MAX_RATE)
    )
    if quad.any():
        out[quad] = _quadrature_if_alive(r, a, b, xs[quad], span[quad])
    rest = ~quad
    if rest.any():
        x_r, t_r, h_r = xs[rest], ts[rest], horizon[rest]
        if abs(a - 1.0) < A_NEAR_ONE:
            # (a + b + x - 1) / (a - 1) * (1 - 2F1) is 0/0 at a = 1 and loses digits near
            # it; it is smooth in a, so interpolate between a = 1 -+ A_NEAR_ONE.
            low = _scipy_if_alive(r, alpha, 1.0 - A_NEAR_ONE, b, x_r, t_r, h_r)
            high = _scipy_if_alive(r, alpha, 1.0 + A_NEAR_ONE, b, x_r, t_r, h_r)
            share = (a - (1.0 - A_NEAR_ONE)) / (2.0 * A_NEAR_ONE)
            out[rest] = low + share * (high - low)
        else:
            out[rest] = _scipy_if_alive(r, alpha, a, b, x_r, t_r, h_r)
    return out.reshape(shape)


def _scipy_if_alive(r: float, alpha: float, a: float, b: float, x, big_t, t) -> np.ndarray:
    """FHL 2005's bracket with scipy's 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))."""
    z = t / (alpha + big_t + t)
    shrink = np.exp(-(r + x) * np.log1p(t / (alpha + big_t)))
    hyp = _hyp2f1(r + x, b + x, a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * (1.0 - shrink * hyp)


def _quadrature_if_alive(r: float, a: float, b: float, x, span) -> np.ndarray:
    """E_p[(1 - (1 + p span) ** -(r + x)) / p] for p ~ Beta(a, b + x), by Gauss-Jacobi."""
    out = np.empty_like(span)
    order = np.argsort(x, kind="stable")  # one sort, then a contiguous slice per x
    values, starts = np.unique(x[order], return_index=True)
    for value, start, stop in zip(values, starts, [*starts[1:], len(x)], strict=True):
        rows = order[start:stop]
        nodes, weights = _beta_quadrature(a, b + value, QUADRATURE_NODES)
        work = np.multiply.outer(span[rows], nodes)
        np.log1p(work, out=work)
        work *= -(r + value)
        np.expm1(work, out=work)  # -(1 - (1 + p s) ** -(r + x)), divided by -p below
        out[rows] = work @ (-weights / nodes)
    return out


def _beta_quadrature(a: float, b: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss nodes on (0, 1) and weights (summing to 1) for the Beta(a, b) distribution.

    Golub-Welsch on the Jacobi matrix of the Jacobi polynomials with weight
    p ** (a - 1) (1 - p) ** (b - 1), written on (0, 1) in a form free of cancellation
    (scipy's roots_jacobi overflows for large a or b, as at a fit's boundary).
    """
    s = a + b - 2.0  # alpha + beta of the Jacobi polynomials on (-1, 1)
    k = np.arange(n, dtype=float)
    two_k_s = 2.0 * k + s
    diag = np.empty(n)
    diag[0] = a / (a + b)
    kk = k[1:]
    diag[1:] = (2.0 * kk * (kk + s + 1.0) + s * a) / (two_k_s[1:] * (two_k_s[1:] + 2.0))
    m = np.arange(1, n, dtype=float)
    two_m_s = 2.0 * m + s
    off_sq = (m * (m + b - 1.0) * (m + a - 1.0) * (m + s)) / (
        two_m_s**2 * (two_m_s + 1.0) * (two_m_s - 1.0)
    )
    off_sq[0] = (a * b) / ((a + b) ** 2 * (a + b + 1.0))
    from scipy.linalg import eigh_tridiagonal  # only at a fit's Poisson limit

    nodes, vectors = eigh_tridiagonal(diag, np.sqrt(off_sq))
    weights = vectors[0] ** 2
    return nodes, weights / weights.sum()


def _hyp2f1(a, b, c, z) -> np.ndarray:
    """Gauss's 2F1 for a, b, c > 0 and 0 <= z < 1: scipy's, else its power series.

    scipy returns NaN for some large parameters (a fit that ran off toward the Poisson
    limit, r and alpha huge); the series has only positive terms there and converges.
    """
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    out = np.array(hyp2f1(a, b, c, z), dtype=float)
    bad = ~np.isfinite(out)
    if bad.any():
        out[bad] = _hyp2f1_series(a[bad], b[bad], c[bad], z[bad])
    return out


def _hyp2f1_series(a, b, c, z, max_terms: int = 100_000) -> np.ndarray:
    term = np.ones_like(z)
    total = np.ones_like(z)
    active = np.arange(z.size)
    for k in range(max_terms):
        if not active.size:
            break
        ratio = (a[active] + k) * (b[active] + k) / ((c[active] + k) * (k + 1)) * z[active]
        term[active] *= ratio
        total[active] += term[active]
        done = (term[active] <= 1e-16 * total[active]) & (ratio < 1)
        active = active[~done]
    total[active] = np.nan  # did not converge: the caller refuses
    return total


# --------------------------------------------------------------------------- Gamma-Gamma


@dataclass(frozen=True)
class _GammaGammaData:
    """What the Gamma-Gamma likelihood needs of (weighted) repeat buyers: the spend x m
    and weights per row, and every term free of the parameters summed once per fit."""

    total: float
    x_u: np.ndarray
    w_x: np.ndarray  # weight per distinct frequency
    wx_x: np.ndarray  # weight times frequency per distinct frequency
    spend: np.ndarray  # x m per row
    w: np.ndarray
    wx: np.ndarray  # w x per row
    sum_w_log_m: float
    sum_wx_log_m: float
    sum_wx_log_x: float


def _gg_data(x, m, w) -> _GammaGammaData:
    x_u, x_inv = np.unique(x, return_inverse=True)
    log_m = np.log(m)
    return _GammaGammaData(
        total=float(w.sum()),
        x_u=x_u,
        w_x=np.bincount(x_inv, w, len(x_u)),
        wx_x=np.bincount(x_inv, w * x, len(x_u)),
        spend=x * m,
        w=w,
        wx=w * x,
        sum_w_log_m=_wsum(w, log_m),
        sum_wx_log_m=_wsum(w * x, log_m),
        sum_wx_log_x=_wsum(w * x, np.log(x)),
    )


def _gg_nll(log_params, data: _GammaGammaData):
    """Mean negative log-likelihood of Gamma-Gamma for mean spend m over x occasions.

    Per customer: log L = lgamma(p x + q) - lgamma(p x) - lgamma(q) + q log v
    + (p x - 1) log m + p x log x - (p x + q) log(x m + v). Only log(x m + v) and its
    reciprocal are computed per row; the rest is summed per distinct frequency or once.
    """
    p, q, v = np.exp(log_params)
    d, n = data, data.total
    px = p * d.x_u
    log_spend = np.log(d.spend + v)
    inv_spend = 1.0 / (d.spend + v)
    sum_wx_log, sum_w_log = _wsum(d.wx, log_spend), _wsum(d.w, log_spend)
    psi_pxq = digamma(px + q)
    ll = (
        d.w_x @ (gammaln(px + q) - gammaln(px))
        + n * (q * np.log(v) - gammaln(q))
        + p * (d.sum_wx_log_m + d.sum_wx_log_x)
        - d.sum_w_log_m
        - (p * sum_wx_log + q * sum_w_log)
    )
    d_p = d.wx_x @ (psi_pxq - digamma(px)) + d.sum_wx_log_m + d.sum_wx_log_x - sum_wx_log
    d_q = d.w_x @ psi_pxq + n * (np.log(v) - digamma(q)) - sum_w_log
    d_v = n * q / v - (p * _wsum(d.wx, inv_spend) + q * _wsum(d.w, inv_spend))
    grad = -np.array([d_p, d_q, d_v]) * np.exp(log_params)
    return -ll / n, grad / n


def fit_gamma_gamma(
    frequency, monetary_value, *, initial: tuple[float, float, float] | None = None
) -> GammaGammaParams:
    """Fit Gamma-Gamma by maximum likelihood on the repeat buyers (frequency > 0).

    ``monetary_value`` is each customer's mean spend per repeat occasion; customers with
    frequency 0 (or no positive spend) are left out, as the model requires. Raises
    :class:`InputError` with fewer than ``MIN_REPEAT_BUYERS`` repeat buyers.
    """
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    if x.shape != m.shape or x.ndim != 1:
        raise InputError("frequency and monetary_value must be 1-D and of the same length")
    keep = (x > 0) & (m > 0) & np.isfinite(m) & np.isfinite(x)
    n = int(keep.sum())
    if n < MIN_REPEAT_BUYERS:
        raise InputError(
            f"Gamma-Gamma needs at least {MIN_REPEAT_BUYERS} repeat buyers (customers with "
            f"a second purchase day) to fit spend per purchase; got {n}"
        )
    x, m = x[keep], m[keep]
    if initial is None:
        initial = _warm_start(lambda rows: fit_gamma_gamma(x[rows], m[rows]), n)
    (x, m), w = _aggregate(x, m)
    mean = max(float(np.average(m, weights=w)), 1e-6)
    start = np.log(initial if initial else [1.0, 1.0, mean])
    res = _minimize_nll(_gg_nll, start, (_gg_data(x, m, w),))
    p, q, v = np.exp(res.x)
    log_likelihood = -res.fun * n
    if not np.isfinite([p, q, v, log_likelihood]).all():
        raise InputError("Gamma-Gamma could not be fitted to these customers (no finite optimum)")
    return GammaGammaParams(
        p=float(p), q=float(q), v=float(v), log_likelihood=float(log_likelihood), n=n
    )


def expected_aov(params: GammaGammaParams, frequency, monetary_value) -> np.ndarray:
    """Expected spend per future occasion: p (v + x m) / (p x + q - 1).

    A weighted mean of the population mean p v / (q - 1) and the customer's own mean m,
    with weight p x / (p x + q - 1) on the customer's. Needs q > 1 (finite mean).
    """
    p, q, v = params.p, params.q, params.v
    if q <= 1:
        raise InputError(
            "spend per purchase is too uneven for Gamma-Gamma (q <= 1: no finite mean)"
        )
    x = np.asarray(frequency, dtype=float)
    m = np.where(x > 0, np.asarray(monetary_value, dtype=float), 0.0)
    return p * (v + x * m) / (p * x + q - 1)


# --------------------------------------------------------------------------- CLV


def _require_customers(summary: pd.DataFrame, as_of: date, shop: str | None) -> None:
    where = f" in shop {shop}" if shop else ""
    n = len(summary)
    if n < MIN_CUSTOMERS:
        raise InputError(
            f"too few customers to fit the purchase model: {n} with a valid order on or "
            f"before {as_of}{where}; at least {MIN_CUSTOMERS} are needed"
        )
    if not (summary["frequency"] > 0).any():
        raise InputError(
            f"no repeat buyers on or before {as_of}{where}: no customer bought on two "
            "different days, so the purchase model cannot be fitted"
        )


def _month_ends(horizon_days: float) -> np.ndarray:
    """Ends of the monthly steps, in days: DAYS_PER_MONTH apart, the last at the horizon."""
    months = math.ceil(horizon_days / DAYS_PER_MONTH - 1e-9)
    return np.minimum(np.arange(1, months + 1) * DAYS_PER_MONTH, horizon_days)


def clv(
    con,
    *,
    as_of: date,
    horizon_days: int = 365,
    margin: float = DEFAULT_MARGIN,
    annual_discount_rate: float = 0.1,
    shop: str | None = None,
) -> pd.DataFrame:
    """Expected customer lifetime value over the next ``horizon_days`` after ``as_of``.

    BG/NBD and Gamma-Gamma are fitted on every customer's history up to ``as_of`` (time in
    days). The horizon is cut into months of ``DAYS_PER_MONTH`` days (the last one possibly
    shorter); with E[Y(t)] the expected occasions in the next t days and
    d = (1 + annual_discount_rate) ** (1 / 12) - 1 the monthly discount rate,

        clv = sum over months k = 1..K of
              (E[Y(t_k)] - E[Y(t_{k-1})]) * expected_aov * margin / (1 + d) ** k

    where t_k is the end of month k (t_0 = 0). That is, each month's expected purchases
    times the expected spend per purchase, times the gross margin, discounted to as-of
    at the end of the month.

    Columns: ``platform, shop, customer_id, frequency, recency, T`` (days), ``p_alive``,
    ``expected_purchases`` (occasions over the whole horizon), ``expected_aov`` (net spend
    per occasion) and ``clv``; sorted by clv, highest first. Raises :class:`InputError`
    on bad parameters, too few customers or repeat buyers.
    """
    if not horizon_days > 0:
        raise InputError(f"the horizon must be a positive number of days; got {horizon_days}")
    if not 0 < margin <= 1:
        raise InputError(f"the margin must be a fraction in (0, 1]; got {margin}")
    if not annual_discount_rate >= 0:
        raise InputError(f"the discount rate must be >= 0; got {annual_discount_rate}")
    summary = purchase_summary(con, as_of=as_of, unit="day", shop=shop)
    _require_customers(summary, as_of, shop)
    x, t_x, t = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    bgnbd = fit_bgnbd(x, t_x, t)
    gamma_gamma = fit_gamma_gamma(x, summary["monetary_value"].to_numpy(float))
    out = predict(
        summary,
        bgnbd,
        gamma_gamma,
        horizon_days=horizon_days,
        margin=margin,
        annual_discount_rate=annual_discount_rate,
    )
    return out.sort_values(["clv", *_KEY], ascending=[False, True, True, True]).reset_index(
        drop=True
    )


def predict(
    summary: pd.DataFrame,
    bgnbd: BgNbdParams,
    gamma_gamma: GammaGammaParams,
    *,
    horizon_days: float = 365,
    margin: float = 0.3,
    annual_discount_rate: float = 0.1,
    horizons: tuple[int, ...] = (),
) -> pd.DataFrame:
    """What :func:`clv` computes per customer of a day-unit :func:`purchase_summary`.

    Columns as :func:`clv` (in the summary's order), plus ``expected_purchases_<h>`` for
    each of ``horizons`` (days). Raises :class:`InputError` when a prediction is not finite.
    """
    x, t_x, t = _bgnbd_arrays(*(summary[c] for c in ("frequency", "recency", "T")))
    ends = _month_ends(float(horizon_days))
    steps = np.concatenate([ends, np.asarray(horizons, dtype=float)])
    # Per distinct (x, T): the purchases expected if alive at each step, and the
    # discounted monthly sum; per customer they are scaled by P(alive).
    by_pair, codes = _if_alive_by_pair(params=bgnbd, horizon=steps[:, None], x=x, big_t=t)
    per_month = np.diff(by_pair[: len(ends)], axis=0, prepend=0.0)
    monthly_rate = (1.0 + annual_discount_rate) ** (1.0 / 12.0) - 1.0
    discount = (1.0 + monthly_rate) ** -np.arange(1, len(ends) + 1)
    alive = expit(-_log_dropout_odds(bgnbd, x, t_x, t))
    aov = expected_aov(gamma_gamma, x, summary["monetary_value"].to_numpy(float))

    out = summary[[*_KEY, "frequency", "recency", "T"]].copy()
    out["p_alive"] = alive
    out["expected_purchases"] = by_pair[len(ends) - 1][codes] * alive
    out["expected_aov"] = aov
    out["clv"] = (discount @ per_month)[codes] * alive * aov * margin
    for i, h in enumerate(horizons):
        out[f"expected_purchases_{h}"] = by_pair[len(ends) + i][codes] * alive
    values = out[["p_alive", "expected_purchases", "expected_aov", "clv"]].to_numpy()
    if not np.isfinite(values).all():
        raise InputError(
            "the fitted model gives no finite prediction for some customers "
            f"(BG/NBD r={bgnbd.r:.3g}, alpha={bgnbd.alpha:.3g}, a={bgnbd.a:.3g}, b={bgnbd.b:.3g})"
        )
    return out


def holdout_check(
    con,
    *,
    calibration_end: date,
    holdout_end: date,
    shop: str | None = None,
) -> pd.DataFrame:
    """How well BG/NBD fitted up to ``calibration_end`` predicts the holdout period.

    The model is fitted on the customers' occasions up to ``calibration_end`` and
    predicts each customer's occasions in ``(calibration_end, holdout_end]``; customers
    are grouped by their calibration frequency 0, 1, ..., 6 and 7+.

    Columns: ``frequency_bucket`` ("0" … "7+"), ``customers``, ``predicted`` (mean
    expected occasions) and ``actual`` (mean occasions observed in the holdout period).
    """
    if holdout_end <= calibration_end:
        raise InputError(
            f"the holdout end {holdout_end} must be after the calibration end {calibration_end}"
        )
    summary = purchase_summary(
        con, as_of=holdout_end, unit="day", calibration_end=calibration_end, shop=shop
    )
    _require_customers(summary, calibration_end, shop)
    x, t_x, t = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    params = fit_bgnbd(x, t_x, t)
    duration = float((holdout_end - calibration_end).days)
    predicted = expected_purchases(params, duration, x, t_x, t)
    bucket = np.minimum(summary["frequency"].to_numpy(), HOLDOUT_TOP_BUCKET)
    frame = pd.DataFrame(
        {"bucket": bucket, "predicted": predicted, "actual": summary["frequency_holdout"]}
    )
    out = (
        frame.groupby("bucket")
        .agg(
            customers=("predicted", "size"),
            predicted=("predicted", "mean"),
            actual=("actual", "mean"),
        )
        .reset_index()
    )
    labels = [str(b) if b < HOLDOUT_TOP_BUCKET else f"{HOLDOUT_TOP_BUCKET}+" for b in out.bucket]
    out.insert(0, "frequency_bucket", labels)
    out["actual"] = out["actual"].astype(float)
    return out.drop(columns="bucket")


def bgnbd_report(con, *, as_of: date, unit: str = "week", shop: str | None = None) -> BgNbdParams:
    """BG/NBD fitted on every customer's valid orders up to ``as_of`` (alpha in ``unit``)."""
    summary = purchase_summary(con, as_of=as_of, unit=unit, shop=shop)
    _require_customers(summary, as_of, shop)
    return fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
