"""The modified BG/NBD (analytics.mbgnbd), checked on the CDNOW sample.

Reference values: lifetimes' test suite (tests/test_estimation.py,
``TestModifiedBetaGeoFitter.test_params_out_is_close_to_BTYDplus``) fits lifetimes'
``ModifiedBetaGeoFitter`` on the same CDNOW calibration summary (weeks) and checks
r = 0.525, alpha = 6.183, a = 0.891, b = 1.614 to three decimals (values from BTYDplus,
github.com/mplatzer/BTYDplus). lifetimes itself does not install with the current
numpy/pandas, so the values are written here. Its
``test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet`` expects customer 1
(x = 2, t_x = 30.43, T = 38.86) to make 1.226 purchases in 39 weeks, within 0.05.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import check_grad

from analytics import clv, mbgnbd
from tests.test_clv import CDNOW_AS_OF, cdnow_con, published_summary  # noqa: F401

LIFETIMES_MBGNBD = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}


def _fit_published():
    frame = published_summary()
    return mbgnbd.fit_mbgnbd(frame["x"], frame["t_x"], frame["T"])


def test_fit_on_cdnow_summary_matches_lifetimes_modified_bgnbd():
    params = _fit_published()
    for key, value in LIFETIMES_MBGNBD.items():
        assert getattr(params, key) == pytest.approx(value, abs=1.5e-3), key


def test_fit_from_the_store_matches_lifetimes_within_one_percent(cdnow_con):  # noqa: F811
    summary = clv.purchase_summary(cdnow_con, as_of=CDNOW_AS_OF, unit="week")
    params = mbgnbd.fit_mbgnbd(summary["frequency"], summary["recency"], summary["T"])
    for key, value in LIFETIMES_MBGNBD.items():
        assert getattr(params, key) == pytest.approx(value, rel=0.01), key


def test_expected_purchases_of_customer_one_matches_hardie_sheet():
    params = _fit_published()
    expected = mbgnbd.expected_purchases(params, 39, [2], [30.43], [38.86])[0]
    assert abs(expected - 1.226) < 0.05


def test_one_time_buyer_is_not_certainly_alive_unlike_bgnbd():
    params = _fit_published()
    modified = mbgnbd.p_alive(params, [0], [0.0], [38.86])[0]
    plain = clv.p_alive(clv.BgNbdParams(0.243, 4.414, 0.793, 2.426, 0, 1), [0], [0.0], [38.86])[0]
    assert plain == 1.0
    assert 0 < modified < 1


def test_p_alive_falls_with_time_since_the_last_purchase():
    params = _fit_published()
    values = mbgnbd.p_alive(params, [3, 3, 3], [30.0, 20.0, 5.0], [38.0, 38.0, 38.0])
    assert values[0] > values[1] > values[2]


def test_likelihood_gradient_is_analytic():
    frame = published_summary()
    x, t_x, t = (frame[c].to_numpy(float) for c in ("x", "t_x", "T"))
    w = np.ones_like(x)
    args = (x, t_x, t, w, float(len(x)))
    point = np.log([0.5, 6.0, 0.9, 1.6])
    error = check_grad(
        lambda p: mbgnbd._nll(p, *args)[0], lambda p: mbgnbd._nll(p, *args)[1], point
    )
    assert error < 1e-5
