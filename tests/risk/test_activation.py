"""The gate a newly trained model passes before it scores requests in place of the prior."""

import numpy as np
import pytest

from services.risk.features import FeatureMatrix
from services.risk.model import _cross_fitted, dumps, loads, raw_scores, train_risk_model
from services.risk.servicer import activation, training_config
from services.risk.store import TrainingSet
from tests.risk.test_model import CONFIG, NAMES, history

NO_HISTORIES = TrainingSet([], np.zeros(0), np.zeros(0, dtype=np.int64))


def test_the_base_rate_is_counted_on_the_other_half_like_the_calibration() -> None:
    y = np.array([True, False, False, False, True, True, False, True])
    raw = np.arange(8, dtype=np.float64)
    crossed = _cross_fitted(raw, y)
    # First half late share 1/4, second 3/4: each predicts the other's tasks.
    first, second = y[:4], y[4:]
    expected = (np.mean((0.25 - second) ** 2) + np.mean((0.75 - first) ** 2)) / 2
    assert crossed.base_brier == pytest.approx(expected)
    assert crossed.judgeable
    # The holdout's own share would flatter the base rate: 0.25, not 0.3125.
    assert crossed.base_brier > y.mean() * (1 - y.mean())


def test_a_model_that_learned_something_is_activated_and_says_by_how_much() -> None:
    features, delay, opened = history(600)
    model = train_risk_model(
        features=features, delay_days=delay, opened_day=opened, name="m", config=CONFIG
    )
    holdout = model.version.holdout
    assert holdout.judgeable and holdout.brier < holdout.base_brier
    active, reason = activation(model, None, NO_HISTORIES)
    assert active
    assert reason.startswith("now active") and f"{holdout.base_brier:.3f}" in reason


def test_a_model_of_noise_stays_inactive_and_the_prior_says_so() -> None:
    rng = np.random.default_rng(3)
    n = 600
    values = rng.normal(size=(n, len(NAMES)))
    values[:, 4] = rng.integers(0, 4, size=n)
    late = rng.random(n) < 0.35
    model = train_risk_model(
        features=FeatureMatrix(values, NAMES, ("kind",)),
        delay_days=np.where(late, 3.0, 0.0),
        opened_day=np.arange(n, dtype=np.int64) + 16000,
        name="noise",
        config=training_config(n),
    )
    holdout = model.version.holdout
    assert holdout.brier >= holdout.base_brier
    active, reason = activation(model, None, NO_HISTORIES)
    assert not active
    assert "does not beat the base rate" in reason and "prior stays" in reason


def test_a_holdout_too_small_to_judge_keeps_the_prior() -> None:
    features, delay, opened = history(30, seed=1)
    # The latest six tasks (the holdout) all on time: no half can calibrate late risk.
    delay[np.argsort(opened, kind="stable")[-6:]] = 0.0
    model = train_risk_model(
        features=features, delay_days=delay, opened_day=opened, name="small", config=CONFIG
    )
    assert not model.version.holdout.judgeable
    active, reason = activation(model, None, NO_HISTORIES)
    assert not active and "too few" in reason


def test_a_short_slice_is_calibrated_by_a_sigmoid_that_saves_and_ranks_like_the_trees() -> None:
    features, delay, opened = history(200, seed=2)
    model = train_risk_model(
        features=features, delay_days=delay, opened_day=opened, name="short", config=CONFIG
    )
    assert model.version.holdout.rows == 40 and model.version.holdout.calibration == "sigmoid"
    raw = raw_scores(model, features)
    p = model.score(features).p_late
    order = np.argsort(raw)
    assert np.all(np.diff(p[order]) >= 0) and p.min() > 0 and p.max() < 1
    assert np.unique(p).size == np.unique(raw).size  # a smooth map: no isotonic steps
    np.testing.assert_array_equal(loads(dumps(model)).score(features).p_late, p)
    big = train_risk_model(
        features=history(600)[0],
        delay_days=history(600)[1],
        opened_day=history(600)[2],
        name="long",
        config=CONFIG,
    )
    assert big.version.holdout.calibration == "isotonic"
