"""The modified BG/NBD model (Batislam, Denizel & Filiztekin 2007; lifetimes'
``ModifiedBetaGeoFitter``): a buyer may drop out right after *any* purchase, the first one
included, so a one-time buyer who has been quiet for long is no longer certain to be alive.

Plain BG/NBD (:mod:`analytics.clv`) lets a customer drop out only after a repeat purchase,
so every one-time buyer has P(alive) = 1; most of a shop's buyers buy once, which makes it
a poor basis for a churn ranking. The modified model shares BG/NBD's inputs
(:func:`analytics.clv.purchase_summary`: frequency = repeat purchase days, recency and T in
days or weeks) and its parameters (purchase rate ~ Gamma(r, alpha), dropout ~ Beta(a, b)).

Per customer with x repeat purchases, recency t_x and age T:

    L = Gamma(r + x) alpha^r / (Gamma(r) (alpha + T)^(r + x))
        * B(a, b + x + 1) / B(a, b)
        * [1 + a / (b + x) * ((alpha + T) / (alpha + t_x))^(r + x)]
    P(alive) = 1 / (1 + a / (b + x) * ((alpha + T) / (alpha + t_x))^(r + x))
    E[Y(t)] = (a + b + x) / (a - 1)
        * [1 - ((alpha + T) / (alpha + T + t))^(r + x)
               * 2F1(r + x, b + x + 1; a + b + x; t / (alpha + T + t))]
        * P(alive)

Check (tests/test_mbgnbd.py): on the CDNOW calibration summary (weeks) the fit gives
r = 0.525, alpha = 6.183, a = 0.891, b = 1.614, the values lifetimes' test suite checks
against BTYDplus (``test_params_out_is_close_to_BTYDplus``).

Public functions:
    fit_mbgnbd           BgNbdParams fitted by maximum likelihood
    p_alive              probability each customer is still active
    expected_purchases   conditional expected purchase days in the next t periods
    customer_predictions one row per buyer of the store: p_alive and expected purchases
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, expit, gammaln

from analytics import clv
from analytics.clv import BgNbdParams
from analytics.errors import InputError


def _log_odds(params: BgNbdParams, x, t_x, t) -> np.ndarray:
    """log of a / (b + x) * ((alpha + T) / (alpha + t_x)) ** (r + x): the odds of having
    dropped out after the last purchase (defined for every x, the first purchase included)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    return np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + t) - np.log(alpha + t_x))


def _nll(log_params, x, t_x, t, w, total):
    """Mean negative log-likelihood of the modified BG/NBD and its gradient (log-params)."""
    r, alpha, a, b = np.exp(log_params)
    log_at = np.log(alpha + t)
    log_atx = np.log(alpha + t_x)
    odds = np.log(a) - np.log(b + x) + (r + x) * (log_at - log_atx)
    ll = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + betaln(a, b + x + 1)
        - betaln(a, b)
        - (r + x) * log_at
        + np.logaddexp(0.0, odds)
    )
    s = expit(odds)  # share of the "dropped out after the last purchase" term
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - log_at + s * (log_at - log_atx)
    d_alpha = (
        r / alpha - (r + x) / (alpha + t) + s * (r + x) * (1 / (alpha + t) - 1 / (alpha + t_x))
    )
    d_a = digamma(a + b) - digamma(a + b + x + 1) + s / a
    d_b = digamma(b + x + 1) - digamma(b) + digamma(a + b) - digamma(a + b + x + 1) - s / (b + x)
    value = -np.dot(w, ll) / total
    grad = -np.array([np.dot(w, d) for d in (d_r, d_alpha, d_a, d_b)]) * np.exp(log_params)
    return value, grad / total


def fit_mbgnbd(frequency, recency, T, *, initial=None) -> BgNbdParams:
    """Fit the modified BG/NBD by maximum likelihood (same inputs and checks as
    :func:`analytics.clv.fit_bgnbd`; identical customers are fitted once, weighted; a big
    fit starts from a fit on a sample, as there)."""
    x, t_x, t = clv._bgnbd_arrays(frequency, recency, T)
    n = float(len(x))
    if n < clv.MIN_CUSTOMERS:
        raise InputError(
            f"the purchase model needs at least {clv.MIN_CUSTOMERS} customers to fit; got {n:g}"
        )
    if not (x > 0).any():
        raise InputError("the purchase model needs at least one repeat buyer; got none")
    if initial is None:
        initial = clv._warm_start(lambda rows: fit_mbgnbd(x[rows], t_x[rows], t[rows]), len(x))
    (x, t_x, t), w = clv._aggregate(x, t_x, t)
    mean_t = max(float(np.average(t, weights=w)), 1.0)
    start = np.log(initial if initial else [1.0, mean_t, 1.0, 1.0])
    res = clv._minimize_nll(_nll, start, (x, t_x, t, w, n))
    r, alpha, a, b = np.exp(res.x)
    log_likelihood = -res.fun * n
    if not np.isfinite([r, alpha, a, b, log_likelihood]).all():
        raise InputError("the purchase model could not be fitted (no finite optimum)")
    return BgNbdParams(float(r), float(alpha), float(a), float(b), float(log_likelihood), round(n))


def p_alive(params: BgNbdParams, frequency, recency, T) -> np.ndarray:
    """P(still active | x, t_x, T), below 1 for one-time buyers too."""
    x, t_x, t = clv._bgnbd_arrays(frequency, recency, T)
    return expit(-_log_odds(params, x, t_x, t))


def expected_purchases(params: BgNbdParams, t, frequency, recency, T) -> np.ndarray:
    """Expected purchase days in the next ``t`` periods given (x, t_x, T) (module formula)."""
    x, t_x, big_t = clv._bgnbd_arrays(frequency, recency, T)
    horizon = np.asarray(t, dtype=float)
    if (horizon < 0).any():
        raise InputError("the prediction horizon t must be >= 0")
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    if a == 1.0:
        a = 1.0 + 1e-9
    z = horizon / (alpha + big_t + horizon)
    shrink = np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + horizon)))
    hyp = clv._hyp2f1(r + x, b + x + 1, a + b + x, z)
    expected = (
        (a + b + x) / (a - 1) * (1.0 - shrink * hyp) * expit(-_log_odds(params, x, t_x, big_t))
    )
    if not np.isfinite(expected).all():
        raise InputError("expected purchases cannot be computed for these model parameters")
    return expected


def customer_predictions(
    con, *, as_of: date, horizon_days: int = 365, shop: str | None = None
) -> pd.DataFrame:
    """Every buyer's modified BG/NBD figures, fitted in days on the store up to ``as_of``.

    Columns: platform, shop, customer_id, frequency, recency, T (days), p_alive,
    expected_purchases (purchase days in the next ``horizon_days``), monetary_value.
    Raises InputError when the model cannot be fitted (too few customers or repeat buyers).
    """
    summary = clv.purchase_summary(con, as_of=as_of, unit="day", shop=shop)
    clv._require_customers(summary, as_of, shop)
    return predictions(summary, fit_summary(summary), horizon_days=horizon_days)


def fit_summary(summary: pd.DataFrame) -> BgNbdParams:
    """The modified BG/NBD fitted on a day-unit :func:`analytics.clv.purchase_summary`."""
    return fit_mbgnbd(*(summary[c].to_numpy(float) for c in ("frequency", "recency", "T")))


def predictions(
    summary: pd.DataFrame, params: BgNbdParams, *, horizon_days: int = 365
) -> pd.DataFrame:
    """:func:`customer_predictions`'s columns for the customers of ``summary`` (days)."""
    x, t_x, t = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    out = summary[["platform", "shop", "customer_id", "frequency", "recency", "T"]].copy()
    out["p_alive"] = p_alive(params, x, t_x, t)
    (ux, utx, ut), codes = clv._distinct_rows(x, t_x, t)
    out["expected_purchases"] = expected_purchases(params, float(horizon_days), ux, utx, ut)[codes]
    out["monetary_value"] = summary["monetary_value"].to_numpy(float)
    return out
