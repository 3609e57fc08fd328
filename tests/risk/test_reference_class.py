from __future__ import annotations

import math

import numpy as np
import pytest

from services.risk.reference_class import Outcome, fit


def drawn(n: int, rng: np.random.Generator, *, slope: float = 0.8) -> list[Outcome]:
    """Projects whose log ratio is 0.1 + slope * feature + N(0, 0.2)."""
    x = rng.normal(0.0, 0.3, n)
    y = 0.1 + slope * x + rng.normal(0.0, 0.2, n)
    return [Outcome((float(a),), math.exp(float(b))) for a, b in zip(x, y, strict=True)]


def test_p50_and_p80_cover_what_they_say_on_new_projects() -> None:
    rng = np.random.default_rng(3)
    below_p50 = below_p80 = total = 0
    for _ in range(200):
        fitted = fit(drawn(20, rng))
        for new in drawn(10, rng):
            forecast = fitted.forecast(new.features)
            below_p50 += new.ratio <= forecast.quantile(0.5)
            below_p80 += new.ratio <= forecast.quantile(0.8)
            total += 1
    assert 0.47 <= below_p50 / total <= 0.53
    assert 0.77 <= below_p80 / total <= 0.83


def test_the_feature_moves_the_forecast_and_a_small_class_is_wider() -> None:
    rng = np.random.default_rng(5)
    large = fit(drawn(400, rng))
    assert large.uses_features
    assert large.coefficients[1] == pytest.approx(0.8, abs=0.1)
    behind, ahead = large.forecast((0.3,)), large.forecast((-0.3,))
    assert behind.quantile(0.5) > ahead.quantile(0.5)
    small = fit(drawn(16, rng))
    assert small.forecast((0.0,)).scale > large.forecast((0.0,)).scale
    assert small.forecast((0.0,)).support == 16


def test_too_few_projects_for_a_slope_keep_the_plain_spread() -> None:
    fitted = fit(drawn(12, np.random.default_rng(1)))
    assert not fitted.uses_features
    assert fitted.forecast((2.0,)).location == fitted.forecast((-2.0,)).location


def test_probability_and_quantile_agree() -> None:
    forecast = fit(drawn(40, np.random.default_rng(2))).forecast((0.1,))
    for q in (0.1, 0.5, 0.8, 0.95):
        assert forecast.probability_at_most(forecast.quantile(q)) == pytest.approx(q)
    assert forecast.probability_at_most(0.0) == 0.0
    # Never certain either way from a finite class.
    assert 0.0 < forecast.probability_at_most(0.2) < forecast.probability_at_most(5.0) < 1.0


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        Outcome((), 0.0)
    with pytest.raises(ValueError, match="at least 3"):
        fit([Outcome((), 1.0), Outcome((), 1.2)])
    with pytest.raises(ValueError, match="same features"):
        fit([Outcome((), 1.0), Outcome((0.1,), 1.2), Outcome((), 0.9)])
