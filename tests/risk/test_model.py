import dataclasses
import io
import json
import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from services.risk.features import FeatureMatrix
from services.risk.model import (
    DAY_ROUNDING_SD,
    ModelError,
    RiskModel,
    ThreePointEstimate,
    TrainingConfig,
    auc,
    best_f1_threshold,
    calibration_noise_floor,
    dumps,
    duration_prior,
    expected_calibration_error,
    forest_from_sklearn,
    load,
    loads,
    prior_prediction,
    raw_scores,
    save,
    train_risk_model,
)

CONFIG = TrainingConfig(max_iter=60, size_max_iter=30)
NAMES = ("load", "slack", "reopens", "noise", "kind")


def history(n: int, seed: int = 0) -> tuple[FeatureMatrix, np.ndarray, np.ndarray]:
    """Tasks whose lateness depends on load, slack and kind, opened one per day-ish."""
    rng = np.random.default_rng(seed)
    load_ = rng.normal(size=n)
    slack = rng.normal(size=n)
    reopens = rng.poisson(0.5, size=n).astype(float)
    noise = rng.normal(size=n)
    kind = rng.integers(0, 4, size=n).astype(float)
    logit = (
        1.5 * load_
        - 1.2 * slack
        + 0.6 * reopens
        + np.array([-1, 0, 0.5, 1.0])[kind.astype(int)]
        - 1
    )
    late = rng.random(n) < 1 / (1 + np.exp(-logit))
    delay = np.where(late, np.round(np.exp(1.5 + 0.5 * load_ + 0.4 * rng.normal(size=n))) + 1, 0.0)
    values = np.column_stack([load_, slack, reopens, noise, kind])
    values[rng.random(n) < 0.05, 3] = np.nan
    opened = np.sort(rng.integers(0, n, size=n)).astype(np.int64) + 16000
    return FeatureMatrix(values, NAMES, ("kind",)), delay, opened


@pytest.fixture(scope="module")
def trained() -> tuple[RiskModel, FeatureMatrix, np.ndarray]:
    features, delay, opened = history(3000)
    model = train_risk_model(
        features=features.rows(slice(0, 2200)),
        delay_days=delay[:2200],
        opened_day=opened[:2200],
        name="synthetic",
        config=CONFIG,
    )
    return model, features.rows(slice(2200, None)), delay[2200:]


def test_model_beats_the_base_rate_on_later_tasks(
    trained: tuple[RiskModel, FeatureMatrix, np.ndarray],
) -> None:
    model, test, delay = trained
    late = delay > 0
    scores = model.score(test)
    base = float(late.mean())
    assert auc(scores.p_late, late) > 0.8
    assert np.mean((scores.p_late - late) ** 2) < 0.8 * base * (1 - base)
    assert expected_calibration_error(scores.p_late, late) < 0.08
    assert model.version.holdout.auc > 0.75
    assert model.version.window_start < model.version.window_end


def test_delay_quantiles_are_ordered_and_track_size(
    trained: tuple[RiskModel, FeatureMatrix, np.ndarray],
) -> None:
    model, test, delay = trained
    q = model.score(test).delay_quantiles
    assert np.all(q >= 0) and np.all(np.diff(q, axis=1) >= 0)
    assert np.mean(delay <= q[:, 1]) > 0.7 and np.mean(delay <= q[:, 2]) > 0.8


def test_factors_explain_the_score(trained: tuple[RiskModel, FeatureMatrix, np.ndarray]) -> None:
    model, test, _ = trained
    sample = test.rows(slice(0, 50))
    shares = model.classifier.contributions(model._encode(sample), len(NAMES))
    root_total = model.classifier.baseline + model.classifier.value[model.classifier.roots].sum()
    np.testing.assert_allclose(
        shares.sum(axis=1) + root_total, raw_scores(model, sample), atol=1e-9
    )
    # The pure-noise column should rarely be a task's main factor.
    top = [f[0].feature for f in model.explain(sample, top=1) if f]
    assert top.count("noise") < 10
    predictions = model.predict([f"T-{i}" for i in range(50)], sample)
    assert (
        predictions[0].source == "model" and predictions[0].model_version == model.version.version
    )


def test_serialisation_round_trip(
    tmp_path: Path, trained: tuple[RiskModel, FeatureMatrix, np.ndarray]
) -> None:
    model, test, _ = trained
    path = tmp_path / "model.npz"
    save(model, path)
    again = load(path)
    assert again.version == model.version
    np.testing.assert_array_equal(again.score(test).p_late, model.score(test).p_late)
    np.testing.assert_array_equal(
        again.score(test).delay_quantiles, model.score(test).delay_quantiles
    )
    assert path.stat().st_size < 500_000


def test_loading_refuses_anything_but_a_saved_model() -> None:
    with pytest.raises(ModelError):
        loads(b"not a model")
    other = io.BytesIO()
    np.savez(other, header=np.frombuffer(b'{"format": "something-else"}', dtype=np.uint8))
    with pytest.raises(ModelError):
        loads(other.getvalue())
    with pytest.raises(ModelError):
        loads(dumps.__doc__.encode() if dumps.__doc__ else b"")


def test_scoring_with_other_features_is_refused(
    trained: tuple[RiskModel, FeatureMatrix, np.ndarray],
) -> None:
    model, test, _ = trained
    with pytest.raises(ModelError):
        model.score(FeatureMatrix(test.values, ("a", "b", "c", "d", "e")))


def test_tree_copy_scores_like_scikit_learn() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(800, 4))
    x[rng.random(x.shape) < 0.1] = np.nan
    y = np.nan_to_num(x[:, 0]) + rng.normal(size=800) > 0
    with threadpool_limits(limits=1, user_api="openmp"):
        fitted = HistGradientBoostingClassifier(max_iter=30, max_depth=5, random_state=0).fit(x, y)
    np.testing.assert_allclose(
        forest_from_sklearn(fitted).raw(x), fitted.decision_function(x), rtol=1e-12, atol=1e-12
    )


def test_training_needs_both_outcomes() -> None:
    features, _, opened = history(200)
    with pytest.raises(ModelError):
        train_risk_model(
            features=features, delay_days=np.zeros(200), opened_day=opened, name="x", config=CONFIG
        )


def test_prior_answers_before_any_model_is_trained() -> None:
    plain = prior_prediction(task_id="T-1", planned_days=10)
    assert plain.source == "prior" and plain.model_version == "prior"
    # Default overrun median 1.1: more likely late than not, with a wide tail.
    assert 0.5 < plain.p_late < 0.7
    assert 0 < plain.delay_p50_days < plain.delay_p80_days < plain.delay_p90_days

    slack = prior_prediction(task_id="T-1", planned_days=10, days_available=30)
    assert slack.p_late < 0.05 and slack.delay_p50_days == 0

    pert = prior_prediction(task_id="T-2", estimate=ThreePointEstimate(4, 5, 12), days_available=6)
    assert 0.3 < pert.p_late < 0.7  # PERT mean 6 days

    punctual_team = prior_prediction(
        task_id="T-3", planned_days=10, overrun_ratios=[0.8, 0.85, 0.9, 0.8, 0.95]
    )
    assert punctual_team.p_late < 0.05


def test_prior_from_ratios_with_a_known_spread_gives_the_lognormal_quantiles() -> None:
    # Ratios exp(mu + s * z) with z of mean 0 and sample sd 1: the prior's duration is the
    # plan times a lognormal of log-median mu and log-sd s, widened by the day rounding.
    z = np.array([-1.5, -0.5, 0.0, 0.5, 1.5])
    z = (z - z.mean()) / z.std(ddof=1)
    mu, s, plan = math.log(1.2), 0.3, 10.0
    ratios = np.exp(mu + s * z)
    prior = duration_prior(planned_days=plan, overrun_ratios=ratios.tolist())
    sd = math.hypot(s, DAY_ROUNDING_SD / plan)
    normal = NormalDist()
    for q in (0.5, 0.8, 0.9, 0.95):
        assert prior.quantile(q) == pytest.approx(plan * 1.2 * math.exp(sd * normal.inv_cdf(q)))
    p = prior_prediction(task_id="T", planned_days=plan, overrun_ratios=ratios.tolist())
    assert p.duration_p50_days == pytest.approx(12.0)
    assert p.duration_p90_days == pytest.approx(12.0 * math.exp(sd * normal.inv_cdf(0.9)))
    # Late: longer than the plan of 10 days.
    assert p.p_late == pytest.approx(1 - normal.cdf(math.log(10 / 12) / sd))
    assert p.delay_p50_days == pytest.approx(2.0)


def test_prior_keeps_spread_when_every_past_task_took_exactly_its_plan() -> None:
    # Whole-day actuals of one-day tasks: all ratios 1, sample spread 0.
    p = prior_prediction(task_id="T", planned_days=1.0, overrun_ratios=[1.0] * 8)
    assert p.duration_p50_days == pytest.approx(1.0)
    assert p.duration_p90_days is not None and p.duration_p90_days > 1.3


def test_three_point_estimate_in_effort_hours_is_scaled_onto_the_planned_span() -> None:
    # 8 effort hours (1 day) likely, 6 to 14.4, spread over a 5-working-day plan: the shape
    # (0.75x to 1.8x) applies to the 5 days, not the effort compared with the span.
    estimate = ThreePointEstimate(0.75, 1.0, 1.8)
    p = prior_prediction(task_id="T", planned_days=5.0, estimate=estimate, days_available=5.0)
    mean, sd = 5 * (0.75 + 4 + 1.8) / 6, 5 * (1.8 - 0.75) / 6
    log_sd = math.sqrt(math.log1p((sd / mean) ** 2))
    median = mean * math.exp(-(log_sd**2) / 2)
    assert p.duration_p50_days == pytest.approx(median)
    assert p.duration_p90_days == pytest.approx(
        median * math.exp(log_sd * NormalDist().inv_cdf(0.9))
    )
    assert 0.5 < p.p_late < 0.8  # PERT mean 5.46 days against 5 available
    assert 0 < p.delay_p80_days < p.delay_p90_days


def test_prior_needs_an_estimate() -> None:
    with pytest.raises(ValueError):
        prior_prediction(task_id="T-1")


def test_metric_helpers() -> None:
    p = np.array([0.9, 0.8, 0.3, 0.2])
    y = np.array([True, True, False, False])
    assert 0.3 < best_f1_threshold(p, y) < 0.8
    assert expected_calibration_error(np.full(4, 0.5), y) == pytest.approx(0.0)
    assert expected_calibration_error(np.array([1.0, 1.0, 0.0, 0.0]), ~y) == pytest.approx(1.0)


def test_calibration_keeps_the_trees_ranking(
    trained: tuple[RiskModel, FeatureMatrix, np.ndarray],
) -> None:
    # Isotonic steps are flat; ties there would lower AUC against the raw scores.
    model, test, delay = trained
    p = model.score(test).p_late
    assert np.all((p >= 0) & (p <= 1))
    assert auc(p, delay > 0) == pytest.approx(auc(raw_scores(model, test), delay > 0), abs=1e-12)


def test_no_task_is_called_certain_to_be_late_or_on_time() -> None:
    # Load decides lateness outright, so the calibration's end steps hold only late (or
    # only on-time) tasks; a finite history still cannot make a task certain.
    rng = np.random.default_rng(7)
    features, delay, opened = history(1500, seed=7)
    load_ = features.values[:, 0]
    delay = np.where(load_ > 0.3, np.maximum(delay, 1.0) + rng.integers(1, 5, size=1500), 0.0)
    model = train_risk_model(
        features=features, delay_days=delay, opened_day=opened, name="sure", config=CONFIG
    )
    p = model.score(features).p_late
    assert p.min() > 0.0 and p.max() < 0.995
    assert f"{p.max():.0%}" != "100%"


def test_each_probability_carries_the_past_tasks_it_rests_on(
    trained: tuple[RiskModel, FeatureMatrix, np.ndarray],
) -> None:
    model, test, delay = trained
    predictions = model.predict([f"T-{i}" for i in range(len(delay))], test, top=0)
    holdout = model.version.holdout.rows
    for prediction in predictions[:200]:
        # Counted among the calibration slice's tasks scored within five points of it, or the
        # ten nearest when fewer are that close.
        near = np.abs(model.evidence_p - prediction.p_late) <= 0.05
        if near.sum() >= 10:
            assert prediction.similar_tasks == int(near.sum()) <= holdout
            assert prediction.similar_late == int(model.evidence_late[near].sum())
        else:
            assert prediction.similar_tasks == min(10, len(model.evidence_p))
            assert 0 <= prediction.similar_late <= prediction.similar_tasks
        if prediction.similar_tasks:
            assert 0.0 <= prediction.p_low < prediction.p_high <= 1.0
    # The late share among a task's similar tasks is what its probability says, within
    # the range: calibration on the same slice, so the two agree for nearly every task.
    inside = [p.p_low <= p.p_late <= p.p_high for p in predictions if p.similar_tasks >= 20]
    assert len(inside) > 0.8 * len(predictions) and np.mean(inside) > 0.9
    # More evidence gives a narrower range.
    by_count = sorted(predictions, key=lambda p: p.similar_tasks)
    assert (by_count[-1].p_high - by_count[-1].p_low) < (by_count[0].p_high - by_count[0].p_low)


def test_the_holdout_reliability_diagram_covers_the_holdout(
    trained: tuple[RiskModel, FeatureMatrix, np.ndarray],
) -> None:
    holdout = trained[0].version.holdout
    assert sum(n for _, _, n in holdout.reliability) == holdout.rows
    for predicted, observed, n in holdout.reliability:
        assert 0 <= predicted <= 1 and 0 <= observed <= 1 and n > 0
    # The synthetic delays are lognormal as the model assumes: about four in five within P80.
    assert 0.7 < holdout.delay_p80_coverage < 0.95


def test_evidence_survives_saving_and_older_models_load_without_it(
    trained: tuple[RiskModel, FeatureMatrix, np.ndarray],
) -> None:
    model, test, _ = trained
    again = loads(dumps(model))
    np.testing.assert_array_equal(again.evidence_p, model.evidence_p)
    np.testing.assert_array_equal(again.evidence_late, model.evidence_late)
    assert again.version.holdout.reliability == model.version.holdout.reliability
    # A model saved before evidence was kept: no arrays, no reliability in the header.
    blob = np.load(io.BytesIO(dumps(model)), allow_pickle=False)
    arrays = {k: blob[k] for k in blob.files if not k.startswith("evidence_")}
    header = json.loads(bytes(arrays["header"]).decode())
    del header["version"]["holdout"]["reliability"]
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    old = io.BytesIO()
    np.savez_compressed(old, allow_pickle=False, **arrays)
    legacy = loads(old.getvalue())
    assert legacy.version.holdout.reliability == ()
    prediction = legacy.predict(["T-1"], test.rows(slice(0, 1)), top=0)[0]
    assert prediction.similar_tasks == 0 and prediction.p_late == pytest.approx(
        model.predict(["T-1"], test.rows(slice(0, 1)), top=0)[0].p_late
    )


def test_the_prior_counts_the_team_tasks_that_would_have_been_late() -> None:
    ratios = [0.8, 1.0, 1.0, 1.2, 1.5, 2.0, 0.9]
    # 10 planned days, 12 available: tasks that overran by more than 1.2x would be late.
    prediction = prior_prediction(
        task_id="T", planned_days=10, days_available=12, overrun_ratios=ratios
    )
    assert (prediction.similar_tasks, prediction.similar_late) == (7, 2)
    assert 0 < prediction.p_low < 2 / 7 < prediction.p_high < 1
    # Too few ratios, or a three-point estimate: the prior rests on no past tasks.
    few = prior_prediction(task_id="T", planned_days=10, overrun_ratios=ratios[:3])
    assert few.similar_tasks == 0 and (few.p_low, few.p_high) == (0.0, 1.0)


def test_a_perfectly_calibrated_forecaster_still_shows_calibration_error_on_a_window() -> None:
    # 100 tasks at 50 %: the observed share strays from 0.5 by about sqrt(0.25 / 100) *
    # sqrt(2 / pi) = 0.040 on average, though every probability is exactly right.
    small = calibration_noise_floor(np.full(100, 0.5), draws=2000)
    assert abs(small - 0.0399) < 0.004
    large = calibration_noise_floor(np.full(10_000, 0.5), draws=200)
    assert large < 0.006
    # The floor is what the sampling alone gives: a forecaster that is right cannot beat it.
    rng = np.random.default_rng(1)
    p = rng.uniform(0.05, 0.95, 300)
    floor = calibration_noise_floor(p, draws=500)
    truths = [expected_calibration_error(p, rng.random(300) < p) for _ in range(500)]
    assert abs(float(np.mean(truths)) - floor) < 0.005
    assert np.isnan(calibration_noise_floor(np.zeros(0)))


def test_a_probability_in_a_gap_of_the_evidence_rests_on_the_nearest_tasks(
    trained: tuple[RiskModel, FeatureMatrix, np.ndarray],
) -> None:
    """A probability with no calibration task within five points still shows the ten nearest
    tasks and their range, not `0 similar tasks` and 0-100 %."""
    model = dataclasses.replace(
        trained[0],
        evidence_p=np.concatenate([np.full(12, 0.1), np.full(12, 0.9)]),
        evidence_late=np.concatenate([np.zeros(12, bool), np.ones(12, bool)]),
    )
    similar, late = model.similar(np.array([0.5, 0.12, 0.88]))
    assert similar.tolist() == [10, 12, 12]
    assert late.tolist()[1:] == [0, 12] and 0 <= late[0] <= 10
    few = dataclasses.replace(
        model, evidence_p=np.array([0.2, 0.3]), evidence_late=np.array([0, 1], bool)
    )
    assert few.similar(np.array([0.9]))[0].tolist() == [2]  # all there is
