from __future__ import annotations

import math

import numpy as np
import pytest

from services.risk.reference_class import Outcome, fit, latest, recency_weights, toward_anchor


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


def test_recency_weights_halve_every_half_life() -> None:
    assert recency_weights([0.0, 91.0, 182.0], half_life=91.0) == pytest.approx([1, 0.5, 0.25])
    with pytest.raises(ValueError, match="half_life"):
        recency_weights([1.0], half_life=0.0)
    with pytest.raises(ValueError, match="negative"):
        recency_weights([-1.0], half_life=91.0)


def test_latest_keeps_the_most_recently_finished() -> None:
    assert latest([30.0, 5.0, 400.0, 5.0, 0.0], count=3) == [0, 1, 0, 1, 1]
    assert latest([3.0, 1.0], count=10) == [1, 1]
    with pytest.raises(ValueError, match="count"):
        latest([1.0], count=0)


def era(rng: np.random.Generator) -> tuple[list[Outcome], list[float]]:
    """A team three times as slow as its plans for years, on plan for the last 30 projects."""
    old = [Outcome((), math.exp(math.log(3.0) + rng.normal(0, 0.2))) for _ in range(120)]
    new = [Outcome((), math.exp(rng.normal(0, 0.2))) for _ in range(30)]
    ages = [1000.0 - i for i in range(120)] + [300.0 - 10 * i for i in range(30)]
    return old + new, ages


def test_a_class_weighted_to_recent_projects_follows_a_change_of_era() -> None:
    outcomes, ages = era(np.random.default_rng(4))
    everything = fit(outcomes).forecast(())
    recent = fit(outcomes, weights=recency_weights(ages, half_life=91.0)).forecast(())
    # The whole history says nearly twice the plan; the last years say the plan.
    assert everything.quantile(0.5) > 1.8
    assert recent.quantile(0.5) == pytest.approx(1.0, abs=0.15)
    assert recent.quantile(0.8) < 1.5
    # Its effective size is far below the 150 projects it holds.
    assert recent.support < 30 and everything.support == 150


def test_weights_of_zero_leave_projects_out_and_equal_weights_change_nothing() -> None:
    rng = np.random.default_rng(6)
    outcomes = drawn(40, rng)
    kept = [1.0] * 30 + [0.0] * 10
    weighted = fit(outcomes, weights=kept)
    subset = fit(outcomes[:30])
    assert weighted.coefficients == pytest.approx(subset.coefficients)
    assert weighted.residual_scale == pytest.approx(subset.residual_scale)
    assert weighted.size == pytest.approx(30)
    same, plain = fit(outcomes, weights=[2.5] * 40).forecast((0.1,)), fit(outcomes).forecast((0.1,))
    assert (same.location, same.scale, same.df) == pytest.approx(
        (plain.location, plain.scale, plain.df)
    )


def test_toward_the_anchor_keeps_the_share_of_the_shift_it_is_told() -> None:
    # Every project took about 1.5 times the anchor's forecast.
    outcomes = [Outcome((), 1.5 * math.exp(e)) for e in np.random.default_rng(8).normal(0, 0.1, 50)]
    whole = toward_anchor(outcomes, keep=1.0)
    half = toward_anchor(outcomes, keep=0.5)
    none = toward_anchor(outcomes, keep=0.0)
    assert whole.quantile(0.5) == pytest.approx(1.5, rel=0.05)
    assert half.quantile(0.5) == pytest.approx(math.sqrt(1.5), rel=0.05)
    assert none.quantile(0.5) == pytest.approx(1.0)
    # The shift left out is a bias the spread must carry: the class's own spread is 0.1,
    # yet the P80 of a forecast kept at the anchor reaches well past it.
    assert whole.scale < half.scale < none.scale
    assert whole.scale < 0.15
    assert none.quantile(0.8) > 1.3


def test_toward_the_anchor_covers_what_it_says_on_new_projects() -> None:
    rng = np.random.default_rng(9)
    below_p50 = below_p80 = total = 0
    for _ in range(200):
        forecast = toward_anchor(
            [Outcome((), math.exp(v)) for v in rng.normal(0.3, 0.4, 20)], keep=1.0
        )
        for v in rng.normal(0.3, 0.4, 10):
            below_p50 += math.exp(v) <= forecast.quantile(0.5)
            below_p80 += math.exp(v) <= forecast.quantile(0.8)
            total += 1
    assert 0.47 <= below_p50 / total <= 0.53
    assert 0.77 <= below_p80 / total <= 0.83


def test_bad_weights_and_shares_are_refused() -> None:
    outcomes = [Outcome((), r) for r in (1.0, 1.2, 0.9, 1.1)]
    with pytest.raises(ValueError, match="3 weights for 4"):
        fit(outcomes, weights=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="not negative"):
        fit(outcomes, weights=[1.0, 1.0, 1.0, -1.0])
    with pytest.raises(ValueError, match="not all zero"):
        toward_anchor(outcomes, keep=1.0, weights=[0.0] * 4)
    with pytest.raises(ValueError, match="at least 3"):
        toward_anchor(outcomes, keep=1.0, weights=[1.0, 1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="keep"):
        toward_anchor(outcomes, keep=1.5)
