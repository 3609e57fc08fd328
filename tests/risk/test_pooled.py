"""The risk model's pooled part: other projects' work, read in units that travel."""

import io
import json

import numpy as np
import pytest

from services.risk.features import FeatureMatrix
from services.risk.model import (
    ANY_GROUP,
    ModelError,
    PoolProject,
    RiskModel,
    TrainingConfig,
    auc,
    dumps,
    fit_scale,
    loads,
    raw_scores,
    train_risk_model,
    travel,
)

CONFIG = TrainingConfig(max_iter=60, size_max_iter=30)
NAMES = ("load", "slack", "kind")


def project(
    n: int,
    *,
    seed: int,
    scale: float = 1.0,
    shift: float = 0.0,
    codes: tuple[int, ...] = (0, 1, 2, 3),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A team whose lateness follows load, slack and kind the same way as every other
    team's, but which writes load in its own unit and numbers its kinds its own way."""
    rng = np.random.default_rng(seed)
    load = rng.normal(size=n)
    slack = rng.normal(size=n)
    kind = rng.integers(0, 4, size=n)
    logit = 1.5 * load - 1.0 * slack + np.array([-1.0, 0.0, 0.5, 1.0])[kind] - 0.5
    late = rng.random(n) < 1 / (1 + np.exp(-logit))
    values = np.column_stack([load * scale + shift, slack, np.array(codes)[kind].astype(float)])
    delay = np.where(late, 3.0, 0.0)
    opened = np.sort(rng.integers(0, 2 * n, size=n)).astype(np.int64) + 18000
    return values, delay, opened


def matrix(values: np.ndarray, group: str) -> FeatureMatrix:
    return FeatureMatrix(values, NAMES, ("kind",), np.full(values.shape[0], group, dtype=np.str_))


def as_pool(name: str, values: np.ndarray, delay: np.ndarray, opened: np.ndarray) -> PoolProject:
    return PoolProject(
        name=name,
        features=matrix(values, name),
        late=delay > 0,
        opened_day=opened,
        known_day=opened.astype(np.float64) + 5,
    )


def fit(
    features: FeatureMatrix, delay: np.ndarray, opened: np.ndarray, pool: list[PoolProject]
) -> RiskModel:
    return train_risk_model(
        features=features,
        delay_days=delay,
        opened_day=opened,
        name="a",
        config=CONFIG,
        pool=pool,
    )


def test_travelling_units_are_percentiles_and_late_shares() -> None:
    values = np.array([[1.0, 0.0], [2.0, 1.0], [2.0, 1.0], [5.0, np.nan], [np.nan, 0.0]])
    late = np.array([True, False, True, False, False])
    scale = fit_scale(values, late, ("x", "code"), ("code",))
    rows = np.array([[2.0, 0.0], [3.0, 1.0], [0.0, 7.0], [9.0, np.nan], [np.nan, 1.0]])
    out = travel(rows, ("x", "code"), ("code",), scale)
    # x: 4 finite values 1, 2, 2, 5. A seen value reads as its mid-rank, an unseen one as
    # the share strictly below it; a missing value stays missing.
    np.testing.assert_allclose(out[:, 0], [0.5, 0.75, 0.0, 1.0, np.nan])
    base = 2 / 5
    share = lambda lates, n: (lates + 10 * base) / (n + 10)  # noqa: E731
    # code: 0 seen twice (1 late), 1 twice (1 late), missing once (0 late), 7 never.
    np.testing.assert_allclose(
        out[:, 1], [share(1, 2), share(1, 2), base, share(0, 1), share(1, 2)]
    )
    np.testing.assert_allclose(out[:, 2], base)


def test_one_project_alone_has_no_pooled_part() -> None:
    values, delay, opened = project(800, seed=1)
    model = train_risk_model(
        features=matrix(values, "a"), delay_days=delay, opened_day=opened, name="a", config=CONFIG
    )
    assert model.pooled is None and model.scales == {}


def test_other_teams_in_their_own_units_help_a_small_project() -> None:
    """A new project with 150 finished tasks, and two older teams that write load in other
    units and number their kinds otherwise: the pool, read in travelling units, ranks the new
    project's later tasks better than its own history alone."""
    own, own_delay, own_opened = project(750, seed=2)
    train, test = slice(0, 150), slice(150, None)
    pool = [
        as_pool("b", *project(3000, seed=3, scale=10.0, shift=50.0, codes=(3, 0, 2, 1))),
        as_pool("c", *project(3000, seed=4, scale=0.2, shift=-4.0, codes=(1, 3, 0, 2))),
    ]
    alone = fit(matrix(own[train], "a"), own_delay[train], own_opened[train], [])
    pooled = fit(matrix(own[train], "a"), own_delay[train], own_opened[train], pool)
    assert alone.pooled is None and pooled.pooled is not None
    assert set(pooled.scales) == {"a", ANY_GROUP}
    later = matrix(own[test], "a")
    y = own_delay[test] > 0
    assert auc(raw_scores(pooled, later), y) > auc(raw_scores(alone, later), y) + 0.02


def test_pool_work_known_after_the_calibration_slice_opens_stays_out_of_the_first_fit() -> None:
    """The holdout metrics come from the first fit, scored on the latest fifth: a pool row
    whose outcome was known only after that slice opened must not change them."""
    own, own_delay, own_opened = project(600, seed=5)
    early = as_pool("b", *project(1500, seed=6, scale=3.0))
    late_rows = project(400, seed=7, scale=3.0)
    after = as_pool("b", late_rows[0], late_rows[1], late_rows[2] + 5000)
    both = PoolProject(
        name="b",
        features=matrix(np.vstack([early.features.values, after.features.values]), "b"),
        late=np.concatenate([early.late, after.late]),
        opened_day=np.concatenate([early.opened_day, after.opened_day]),
        known_day=np.concatenate([early.known_day, after.known_day]),
    )
    first = fit(matrix(own, "a"), own_delay, own_opened, [early])
    second = fit(matrix(own, "a"), own_delay, own_opened, [both])
    assert first.version.holdout == second.version.holdout
    assert first.version.threshold == second.version.threshold
    # The refit uses what the caller handed over (known by the cutoff), so it does differ.
    assert first.version.version != second.version.version


def test_a_project_never_trained_on_is_read_against_all_projects() -> None:
    a, a_delay, a_opened = project(700, seed=8)
    b, b_delay, b_opened = project(700, seed=9, scale=5.0)
    features = FeatureMatrix(
        np.vstack([a, b]),
        NAMES,
        ("kind",),
        np.array(["a"] * 700 + ["b"] * 700, dtype=np.str_),
    )
    model = train_risk_model(
        features=features,
        delay_days=np.concatenate([a_delay, b_delay]),
        opened_day=np.concatenate([a_opened, b_opened]),
        name="installation",
        config=CONFIG,
    )
    assert model.pooled is not None and set(model.scales) == {"a", "b", ANY_GROUP}
    new = matrix(a[:50], "never-seen")
    p = model.score(new).p_late
    assert np.all((p > 0) & (p < 1))
    # Unknown project: the all-projects scale, not an error and not project a's numbers.
    assert not np.allclose(raw_scores(model, new), raw_scores(model, matrix(a[:50], "a")))
    # Explanations add up to the score, split between the two parts.
    both = FeatureMatrix(
        np.vstack([a[:50], b[:50]]), NAMES, ("kind",), np.array(["x"] * 50 + ["b"] * 50)
    )
    rest = raw_scores(model, both) - model.contributions(both).sum(axis=1)
    np.testing.assert_allclose(rest, rest[0], atol=1e-9)
    factors = model.explain(new, top=3)
    assert all(f.feature in NAMES for row in factors for f in row)


def test_save_and_load_keep_the_pooled_part_and_refuse_a_broken_scale() -> None:
    a, a_delay, a_opened = project(700, seed=10)
    pool = [as_pool("b", *project(1200, seed=11, scale=2.0))]
    model = train_risk_model(
        features=matrix(a, "a"),
        delay_days=a_delay,
        opened_day=a_opened,
        name="a",
        config=CONFIG,
        pool=pool,
    )
    assert model.pooled is not None
    again = loads(dumps(model))
    sample = matrix(a[:200], "a")
    np.testing.assert_array_equal(again.score(sample).p_late, model.score(sample).p_late)
    assert set(again.scales) == set(model.scales)

    data = dict(np.load(io.BytesIO(dumps(model)), allow_pickle=False))
    data["scale0_offsets"] = data["scale0_offsets"][:-1]
    buffer = io.BytesIO()
    np.savez(buffer, **data)
    with pytest.raises(ModelError, match="scale"):
        loads(buffer.getvalue())
    header = json.loads(bytes(data["header"]).decode())
    header["groups"] = [1, 2]
    data = dict(np.load(io.BytesIO(dumps(model)), allow_pickle=False))
    data["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **data)
    with pytest.raises(ModelError, match="groups"):
        loads(buffer.getvalue())
