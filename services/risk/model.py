"""Delay-risk models: training, scoring, explanation, a prior, and safe serialisation.

A model answers, per task, the calibrated probability that it finishes late and the
P50/P80/P90 of its delay in days. These parts make it:

- a gradient-boosted classifier (scikit-learn ``HistGradientBoostingClassifier``) whose
  scores are mapped to probabilities by isotonic regression (a sigmoid when the slice is
  short) fitted on the chronologically latest slice of the training window, where the
  decision threshold is chosen too;
- with two projects or more, a pooled classifier over all of them in units that travel
  between projects (per-project percentiles and late shares), whose log-odds are averaged
  with the first one's before that calibration;
- a gradient-boosted regressor of log(1 + delay) over late tasks, whose residual spread on
  the same slice gives a lognormal delay size given late;
- the two combined, so the quantiles are coherent with P(late): the delay is 0 below the
  ``1 - P(late)`` quantile and follows the lognormal above it.

Trees are copied out of scikit-learn into plain arrays and scored by numpy, so a saved
model is a ``.npz`` of numbers plus a JSON header, loaded with ``allow_pickle=False``:
no code runs on load, and any scikit-learn version can read it.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import sklearn

# scipy and threadpoolctl come with scikit-learn but ship no type information.
from scipy.special import ndtri as _ndtri  # type: ignore[import-untyped]
from scipy.stats import beta as _beta  # type: ignore[import-untyped]
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from services.risk.features import FeatureMatrix

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

FORMAT_VERSION = 1
QUANTILES = (0.5, 0.8, 0.9)
_EPOCH = date(1970, 1, 1)


class ModelError(ValueError):
    """Training data or a saved model that cannot be used."""


# ------------------------------------------------------------------------ tree arrays


@dataclass(frozen=True)
class Forest:
    """A boosted tree ensemble as flat arrays; leaves point at themselves.

    ``value`` holds the leaf output for leaves and, for inner nodes, the count-weighted
    mean of the leaves below: the expected output once the path reaches that node, which
    is what the contribution attribution needs.
    """

    feature: npt.NDArray[np.int32]
    threshold: FloatArray
    missing_left: BoolArray
    left: npt.NDArray[np.int32]
    right: npt.NDArray[np.int32]
    value: FloatArray
    roots: npt.NDArray[np.int32]
    depth: int
    baseline: float

    def raw(self, x: FloatArray, *, chunk: int = 2048) -> FloatArray:
        out = np.empty(x.shape[0], dtype=np.float64)
        for start in range(0, x.shape[0], chunk):
            block = x[start : start + chunk]
            nodes = self._leaves(block)
            out[start : start + chunk] = self.baseline + self.value[nodes].sum(axis=1)
        return out

    def _leaves(self, x: FloatArray) -> npt.NDArray[np.int64]:
        # Missing values: each row is laid out twice, NaN as +inf (goes right) and as
        # -inf (goes left), and a node reads the copy its missing direction wants, so
        # the walk is one gather and one comparison per level.
        n_rows, n_features = x.shape
        doubled = np.concatenate(
            [np.nan_to_num(x, nan=np.inf), np.nan_to_num(x, nan=-np.inf)], axis=1
        )
        flat = doubled.ravel()
        column = self.feature.astype(np.int64) + n_features * self.missing_left
        base = (np.arange(n_rows, dtype=np.int64) * 2 * n_features)[:, None]
        nodes = np.broadcast_to(self.roots.astype(np.int64), (n_rows, self.roots.shape[0])).copy()
        for _ in range(self.depth):
            go_left = flat[base + column[nodes]] <= self.threshold[nodes]
            nodes = np.where(go_left, self.left[nodes], self.right[nodes])
        return nodes

    def contributions(self, x: FloatArray, n_features: int) -> FloatArray:
        """Per-feature shares of the raw score (Saabas path attribution).

        Each split moves the expected output from the parent's value to the child's;
        the move is credited to the split feature. Rows sum to ``raw(x) - root values``.
        """
        out = np.zeros((x.shape[0], n_features))
        rows = np.arange(x.shape[0])[:, None]
        nodes = np.broadcast_to(self.roots, (x.shape[0], self.roots.shape[0])).copy()
        row_index = np.broadcast_to(rows, nodes.shape)
        for _ in range(self.depth):
            values = x[rows, self.feature[nodes]]
            go_left = np.where(
                np.isnan(values), self.missing_left[nodes], values <= self.threshold[nodes]
            )
            child = np.where(go_left, self.left[nodes], self.right[nodes])
            moved = child != nodes
            delta = self.value[child] - self.value[nodes]
            np.add.at(out, (row_index[moved], self.feature[nodes][moved]), delta[moved])
            nodes = child
        return out

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[Any]]:
        return {
            f"{prefix}feature": self.feature,
            f"{prefix}threshold": self.threshold,
            f"{prefix}missing_left": self.missing_left,
            f"{prefix}left": self.left,
            f"{prefix}right": self.right,
            f"{prefix}value": self.value,
            f"{prefix}roots": self.roots,
            f"{prefix}meta": np.array([self.depth, self.baseline], dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, data: Any, prefix: str) -> Forest:
        meta = data[f"{prefix}meta"]
        forest = cls(
            feature=data[f"{prefix}feature"].astype(np.int32),
            threshold=data[f"{prefix}threshold"].astype(np.float64),
            missing_left=data[f"{prefix}missing_left"].astype(np.bool_),
            left=data[f"{prefix}left"].astype(np.int32),
            right=data[f"{prefix}right"].astype(np.int32),
            value=data[f"{prefix}value"].astype(np.float64),
            roots=data[f"{prefix}roots"].astype(np.int32),
            depth=int(meta[0]),
            baseline=float(meta[1]),
        )
        n = forest.value.shape[0]
        for name in ("left", "right", "roots"):
            links = getattr(forest, name)
            if links.size and (links.min() < 0 or links.max() >= n):
                raise ModelError(f"saved forest {prefix!r}: {name} points outside the tree")
        return forest


def forest_from_sklearn(
    model: HistGradientBoostingClassifier | HistGradientBoostingRegressor,
) -> Forest:
    """Copy a fitted single-output HistGradientBoosting model into ``Forest`` arrays.

    Reads ``_predictors`` and ``_baseline_prediction``, private but unchanged since
    scikit-learn 0.21; the tests compare the copy's scores with ``predict`` so a change
    fails loudly. Categorical splits are not supported: categories are ordinal-coded
    before training.
    """
    parts = []
    offset = 0
    roots = []
    depth = 0
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        if np.any(nodes["is_categorical"]):
            raise ModelError("categorical splits cannot be exported")
        n = nodes.shape[0]
        leaf = nodes["is_leaf"].astype(bool)
        own = np.arange(n, dtype=np.int64)
        left = np.where(leaf, own, nodes["left"].astype(np.int64))
        right = np.where(leaf, own, nodes["right"].astype(np.int64))
        value = nodes["value"].astype(np.float64).copy()
        count = nodes["count"].astype(np.float64)
        # Children have larger indices than parents, so one reverse pass fills inner nodes.
        for i in range(n - 1, -1, -1):
            if not leaf[i]:
                lc, rc = count[left[i]], count[right[i]]
                total = lc + rc
                value[i] = (value[left[i]] * lc + value[right[i]] * rc) / total if total else 0
        depth = max(depth, int(nodes["depth"].max()))
        parts.append(
            (
                np.where(leaf, 0, nodes["feature_idx"]).astype(np.int32),
                np.where(leaf, np.inf, nodes["num_threshold"]),
                nodes["missing_go_to_left"].astype(np.bool_),
                (left + offset).astype(np.int32),
                (right + offset).astype(np.int32),
                value,
            )
        )
        roots.append(offset)
        offset += n
    return Forest(
        feature=np.concatenate([p[0] for p in parts]),
        threshold=np.concatenate([p[1] for p in parts]).astype(np.float64),
        missing_left=np.concatenate([p[2] for p in parts]),
        left=np.concatenate([p[3] for p in parts]),
        right=np.concatenate([p[4] for p in parts]),
        value=np.concatenate([p[5] for p in parts]),
        roots=np.array(roots, dtype=np.int32),
        depth=depth,
        baseline=float(np.ravel(model._baseline_prediction)[0]),
    )


# ---------------------------------------------------------------------------- metrics


def expected_calibration_error(p: FloatArray, y: BoolArray, *, bins: int = 10) -> float:
    """Mean |predicted - observed| over equal-width probability bins, weighted by size."""
    return calibration_error_of(reliability_bins(p, y, bins=bins))


def calibration_noise_floor(p: FloatArray, *, draws: int = 200, seed: int = 0) -> float:
    """The expected calibration error a *perfectly* calibrated forecaster would still show
    with these probabilities on this many tasks: each task late with exactly its probability,
    `draws` times over. On a window of a few hundred tasks it is far from zero, so an ECE
    near it says the error is the window's noise, not the model's."""
    if p.size == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    errors = [expected_calibration_error(p, rng.random(p.size) < p) for _ in range(draws)]
    return float(np.mean(errors))


def calibration_error_of(bins: Sequence[tuple[float, float, int]]) -> float:
    """The expected calibration error of a reliability diagram's points; NaN with none."""
    total = sum(n for _, _, n in bins)
    if total == 0:
        return float("nan")
    return sum(abs(predicted - observed) * n for predicted, observed, n in bins) / total


def reliability_bins(
    p: FloatArray, y: BoolArray, *, bins: int = 10
) -> tuple[tuple[float, float, int], ...]:
    """(mean predicted, observed late share, tasks) per non-empty equal-width bin: the
    reliability diagram's points, and the evidence a person can check a probability against."""
    index = np.minimum((p * bins).astype(np.int64), bins - 1)
    out = []
    for b in range(bins):
        mask = index == b
        if mask.any():
            out.append((float(p[mask].mean()), float(y[mask].mean()), int(mask.sum())))
    return tuple(out)


# A probability is shown with how far its evidence lets it move: the central 80 % of the
# Jeffreys posterior of a late share seen among `n` similar past tasks.
RANGE_LEVELS = (0.1, 0.9)
# Past tasks scored within this many points of a task's probability count as "similar".
SIMILAR_WITHIN = 0.05
SIMILAR_AT_LEAST = 10


def probability_range(late: int, n: int) -> tuple[float, float]:
    """The 10-90 % range of a late share after `late` of `n` tasks, (0, 1) with no tasks."""
    if n <= 0:
        return 0.0, 1.0
    low, high = _beta.ppf(RANGE_LEVELS, late + 0.5, n - late + 0.5)
    return float(low), float(high)


def auc(p: FloatArray, y: BoolArray) -> float:
    if y.all() or not y.any():
        return float("nan")
    return float(roc_auc_score(y, p))


def precision_recall_f1(predicted: BoolArray, y: BoolArray) -> tuple[float, float, float]:
    tp = float(np.sum(predicted & y))
    precision = tp / max(float(predicted.sum()), 1.0)
    recall = tp / max(float(y.sum()), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_f1_threshold(p: FloatArray, y: BoolArray) -> float:
    """The probability cut that maximises F1 of "late" on these rows."""
    if not y.any():
        return 0.5
    order = np.argsort(-p, kind="stable")
    tp = np.cumsum(y[order])
    predicted = np.arange(1, p.size + 1)
    f1 = 2 * tp / (predicted + y.sum())
    # Only cut between distinct scores, so ties fall on one side.
    distinct = np.r_[p[order][1:] < p[order][:-1], True]
    best = int(np.argmax(np.where(distinct, f1, -1.0)))
    upper = float(p[order][best])
    lower = float(p[order][best + 1]) if best + 1 < p.size else 0.0
    return (upper + lower) / 2


# ------------------------------------------------------------------ model and records


@dataclass(frozen=True)
class TrainingConfig:
    validation_fraction: float = 0.2
    max_iter: int = 200
    learning_rate: float = 0.08
    max_leaf_nodes: int = 31
    max_depth: int = 8
    min_samples_leaf: int = 40
    l2_regularization: float = 1.0
    size_max_iter: int = 150
    refit_on_all: bool = True
    random_state: int = 0
    # OpenMP threads for training. One by default: on shared cores a second OpenMP
    # thread spin-waits and made a 1 s fit take 30 s in our measurements.
    threads: int = 1
    # Recency weighting: a finished task counts 0.5 ** (age / half-life) in the classifier's
    # fit, its age in days before the window's newest task. 0 (the default) weighs all alike.
    recency_half_life_days: float = 0.0
    # The pooled part (see `_fit_pooled`): trained when the rows span two projects or more
    # (with a pool's), its log-odds averaged with the main classifier's.
    pooled: bool = True
    # Rows from other projects (a pool), at most this many times the own rows (sampled), and
    # the pooled part's share of the averaged log-odds. Chosen on the JIRA walk-forward
    # selection folds (docs/benchmarks.md): caps 1 / 2 / 5 / 20 and weights 0.5 / 0.65 / 0.8.
    pool_cap: float = 5.0
    pooled_weight: float = 0.65


@dataclass(frozen=True)
class HoldoutMetrics:
    """Scores on the latest slice of the training window, which the scorer did not see.

    Calibration, Brier score and F1 are cross-fitted: calibrated and thresholded on one
    half of the slice, measured on the other, and averaged.
    """

    rows: int
    late_share: float
    auc: float
    brier: float
    ece: float
    precision: float
    recall: float
    f1: float
    delay_mae_days: float
    # Brier score of the base rate, cross-fitted the same way: the late share of one half
    # predicted for every task of the other. NaN for models saved before it was recorded.
    base_brier: float = math.nan
    # Whether each half held late and on-time tasks, so both calibrations saw both classes;
    # if not, the holdout is too small to show that the model beats the base rate.
    judgeable: bool = True
    # How raw scores became probabilities: isotonic, or sigmoid on a short slice.
    calibration: str = "isotonic"
    # The reliability diagram of the cross-fitted probabilities: (mean predicted, observed
    # late share, tasks) per tenth of the probability scale. Empty for older models.
    reliability: tuple[tuple[float, float, int], ...] = ()
    # Share of holdout tasks whose delay was at most the predicted P80 (NaN: not recorded).
    delay_p80_coverage: float = math.nan


@dataclass(frozen=True)
class ModelVersion:
    version: str
    name: str
    trained_at: str
    window_start: str
    window_end: str
    rows: int
    late_rows: int
    feature_names: tuple[str, ...]
    threshold: float
    holdout: HoldoutMetrics
    config: TrainingConfig
    sklearn_version: str
    format_version: int = FORMAT_VERSION
    # Distinct tasks behind the rows (a task may give a row at several moments); 0: as rows.
    tasks: int = 0


@dataclass(frozen=True)
class Factor:
    """A feature's push on this task's late-risk score, in log-odds (+ means later)."""

    feature: str
    value: float
    contribution: float


@dataclass(frozen=True)
class RiskPrediction:
    task_id: str
    p_late: float
    delay_p50_days: float
    delay_p80_days: float
    delay_p90_days: float
    source: Literal["model", "prior"]
    model_version: str
    factors: tuple[Factor, ...] = ()
    # The prior's distribution of the task's remaining duration itself (working days), which
    # the Monte Carlo forecast samples; the delay quantiles above are clipped at the due date
    # and lose the spread on the early side. None from a model, which learns delays only.
    duration_p50_days: float | None = None
    duration_p90_days: float | None = None
    # A model's delay given that the task is late: log(1 + days) ~ Normal(mu, sigma). The
    # forecast samples late-or-not with p_late and then this, so a task at 8 % runs late
    # in 8 % of the samples instead of never (its delay quantiles are all 0). None from the
    # prior, whose duration distribution above already carries the spread.
    late_delay_mu: float | None = None
    late_delay_sigma: float | None = None
    # The evidence behind p_late: how many past tasks it rests on (holdout tasks the model
    # scored within SIMILAR_WITHIN of it, or the prior's finished tasks with plans; 0: none,
    # a default), how many of those were late (-1: not a late/on-time count), and the range
    # that evidence allows.
    similar_tasks: int = 0
    similar_late: int = -1
    p_low: float = 0.0
    p_high: float = 1.0


@dataclass(frozen=True)
class RiskScores:
    """Batch output: one entry per input row."""

    p_late: FloatArray
    late: BoolArray
    delay_quantiles: FloatArray  # rows x len(QUANTILES), days
    # Given late, log(1 + delay days) ~ Normal(late_delay_mu, late_delay_sigma).
    late_delay_mu: FloatArray
    late_delay_sigma: float
    # Per row: holdout tasks scored within SIMILAR_WITHIN of it, and how many were late.
    similar_tasks: IntArray
    similar_late: IntArray


@dataclass(frozen=True)
class RiskModel:
    version: ModelVersion
    classifier: Forest
    calibration_x: FloatArray
    calibration_y: FloatArray
    size: Forest | None
    size_sigma: float
    size_fallback: float
    category_ranks: dict[str, FloatArray] = field(default_factory=dict)
    # The calibration slice as the model scores it (sorted probabilities) and whether each
    # of those tasks was late: what a new task's probability is shown against.
    evidence_p: FloatArray = field(default_factory=lambda: np.zeros(0))
    evidence_late: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    # The pooled part and the per-project scales it reads rows against (None: no pool).
    pooled: Forest | None = None
    scales: dict[str, GroupScale] = field(default_factory=dict)

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.version.feature_names

    def _encode(self, features: FeatureMatrix) -> FloatArray:
        if features.names != self.feature_names:
            raise ModelError("feature names differ from the ones the model was trained on")
        return _apply_ranks(features.values, self.feature_names, self.category_ranks)

    def calibrate(self, raw: FloatArray) -> FloatArray:
        return _calibrated(raw, self.calibration_x, self.calibration_y)

    def raw(self, features: FeatureMatrix, *, encoded: FloatArray | None = None) -> FloatArray:
        """Uncalibrated log-odds: the main classifier's, averaged with the pooled part's.
        ``encoded`` is ``_encode(features)`` when the caller has it already."""
        x = self._encode(features) if encoded is None else encoded
        main = self.classifier.raw(x)
        if self.pooled is None:
            return main
        pooled = self.pooled.raw(travel_groups(features, _groups_of(features), self.scales))
        w = self.version.config.pooled_weight
        return (1 - w) * main + w * pooled

    def score(self, features: FeatureMatrix) -> RiskScores:
        x = self._encode(features)
        p = self.calibrate(self.raw(features, encoded=x))
        fallback = np.full(x.shape[0], self.size_fallback)
        mu = self.size.raw(x) if self.size is not None else fallback
        similar, similar_late = self.similar(p)
        return RiskScores(
            p_late=p,
            late=p >= self.version.threshold,
            delay_quantiles=delay_quantiles(p, mu, self.size_sigma, QUANTILES),
            late_delay_mu=np.asarray(mu, dtype=np.float64),
            late_delay_sigma=float(self.size_sigma),
            similar_tasks=similar,
            similar_late=similar_late,
        )

    def similar(self, p: FloatArray) -> tuple[IntArray, IntArray]:
        """Per probability: the calibration slice's tasks scored within SIMILAR_WITHIN of
        it, or the SIMILAR_AT_LEAST nearest when fewer are that close (a probability in a
        gap between the slice's scores still rests on some tasks), and how many of them were
        late (two binary searches over the sorted slice, then a bounded widening)."""
        evidence = self.evidence_p
        low = np.searchsorted(evidence, p - SIMILAR_WITHIN, side="left")
        high = np.searchsorted(evidence, p + SIMILAR_WITHIN, side="right")
        want = min(SIMILAR_AT_LEAST, len(evidence))
        for i in np.flatnonzero(high - low < want):
            lo, hi = int(low[i]), int(high[i])
            while hi - lo < want:
                # The nearer of the next task below and the next above joins.
                if lo > 0 and (
                    hi >= len(evidence) or p[i] - evidence[lo - 1] <= evidence[hi] - p[i]
                ):
                    lo -= 1
                else:
                    hi += 1
            low[i], high[i] = lo, hi
        late_before = np.concatenate([[0], np.cumsum(self.evidence_late, dtype=np.int64)])
        return (high - low).astype(np.int64), (late_before[high] - late_before[low]).astype(
            np.int64
        )

    def contributions(self, features: FeatureMatrix) -> FloatArray:
        """Each feature's push on the raw score, rows by features and one more column: the
        pooled part's project late share (0 without it), which is no feature of the task.
        The rows' totals differ from their raw scores by the same constant (root values)."""
        n = len(self.feature_names)
        shares = self.classifier.contributions(self._encode(features), n)
        if self.pooled is None:
            return np.column_stack([shares, np.zeros(shares.shape[0])])
        travelled = travel_groups(features, _groups_of(features), self.scales)
        pooled = self.pooled.contributions(travelled, n + 1)
        w = self.version.config.pooled_weight
        own = np.column_stack([shares, np.zeros(shares.shape[0])])
        return np.asarray((1 - w) * own + w * pooled)

    def explain(self, features: FeatureMatrix, *, top: int = 3) -> list[tuple[Factor, ...]]:
        shares = self.contributions(features)[:, :-1]
        out = []
        for i in range(shares.shape[0]):
            order = np.argsort(-np.abs(shares[i]), kind="stable")[:top]
            out.append(
                tuple(
                    Factor(self.feature_names[j], float(features.values[i, j]), float(shares[i, j]))
                    for j in order
                    if shares[i, j] != 0
                )
            )
        return out

    def predict(
        self, task_ids: Sequence[str], features: FeatureMatrix, *, top: int = 3
    ) -> list[RiskPrediction]:
        scores = self.score(features)
        factors = self.explain(features, top=top) if top else [()] * len(task_ids)
        q = scores.delay_quantiles
        return [
            RiskPrediction(
                task_id=task_id,
                p_late=float(scores.p_late[i]),
                delay_p50_days=float(q[i, 0]),
                delay_p80_days=float(q[i, 1]),
                delay_p90_days=float(q[i, 2]),
                source="model",
                model_version=self.version.version,
                factors=factors[i],
                late_delay_mu=float(scores.late_delay_mu[i]),
                late_delay_sigma=scores.late_delay_sigma,
                **_evidence(int(scores.similar_tasks[i]), int(scores.similar_late[i])),
            )
            for i, task_id in enumerate(task_ids)
        ]


def _evidence(n: int, late: int) -> dict[str, Any]:
    low, high = probability_range(late, n)
    return {"similar_tasks": n, "similar_late": late, "p_low": low, "p_high": high}


def _normal_quantile(p: FloatArray) -> FloatArray:
    return np.asarray(_ndtri(p), dtype=np.float64)


def delay_quantiles(
    p_late: FloatArray, mu: FloatArray, sigma: float, levels: Sequence[float]
) -> FloatArray:
    """Quantiles of a delay that is 0 with probability 1 - p and lognormal-ish if late.

    Given late, log(1 + delay) ~ Normal(mu, sigma). The unconditional q-quantile is 0
    when q <= 1 - p, else the conditional quantile at (q - (1 - p)) / p.
    """
    out = np.zeros((p_late.shape[0], len(levels)))
    for k, q in enumerate(levels):
        late = p_late > 1.0 - q
        level = np.clip((q - (1.0 - p_late[late])) / p_late[late], 1e-6, 1 - 1e-6)
        out[late, k] = np.expm1(mu[late] + sigma * _normal_quantile(level))
    return np.maximum(out, 0.0)


# --------------------------------------------------------------------------- training


def _category_ranks(x: FloatArray, y: BoolArray) -> FloatArray:
    """Code -> rank of the code's smoothed late share, so trees split categories well."""
    codes = np.nan_to_num(x, nan=-1.0).astype(np.int64)
    size = max(int(codes.max()) + 1, 1)
    valid = codes >= 0
    counts = np.bincount(codes[valid], minlength=size).astype(np.float64)
    lates = np.bincount(codes[valid], weights=y[valid].astype(np.float64), minlength=size)
    prior = float(y.mean()) if y.size else 0.0
    share = (lates + 10 * prior) / (counts + 10)
    ranks = np.empty(size)
    ranks[np.argsort(share, kind="stable")] = np.arange(size, dtype=np.float64)
    return ranks


def _apply_ranks(
    values: FloatArray, names: tuple[str, ...], ranks: dict[str, FloatArray]
) -> FloatArray:
    if not ranks:
        return values
    out = values.copy()
    for name, table in ranks.items():
        j = names.index(name)
        codes = values[:, j]
        known = np.isfinite(codes) & (codes >= 0) & (codes < table.shape[0])
        column = np.full(codes.shape[0], np.nan)
        column[known] = table[codes[known].astype(np.int64)]
        out[:, j] = column
    return out


def _recency_weights(days: FloatArray, half_life: float) -> FloatArray:
    if half_life <= 0:
        return np.ones_like(days)
    return np.asarray(0.5 ** ((days.max() - days) / half_life), dtype=np.float64)


# ------------------------------------------------------------- the pooled part

# Trees fitted on one project are blind to any monotone rescaling of its numbers, but a
# model over several projects is not: "ten comments" or "priority code 3" mean different
# things in different teams. The pooled part of the model therefore reads every row in
# units that travel between projects: a number as its percentile among its own project's
# training rows, a category code as that code's smoothed late share in its project, and
# the project's late share as one more column. Its log-odds are averaged with the main
# classifier's before calibration. Chosen on the walk-forward selection folds of the JIRA
# data (first as `bench/risk_variants.py`'s `blend_mean`, then as built here through
# `bench/risk_eval.py`; docs/benchmarks.md): AUC +0.007 to +0.021 at every prediction time
# against the main classifier alone.
POOL_MIN_ROWS = 50  # a pool project with fewer usable rows is left out
TRAVEL_UNIQUE_CAP = 4096  # distinct reference values kept per column and project
ANY_GROUP = "*"  # the scale of all training rows together, for a project never trained on


@dataclass(frozen=True)
class GroupScale:
    """One project's training rows as the reference its numbers are read against.

    Per numeric column: its distinct values (``values``), the share of rows below each
    (``below``, one longer: 1.0 closes it) and the mid-rank share at each (``mid``). A value
    seen in training reads as its mid-rank, an unseen one as the share of rows below it.
    Per categorical column: the smoothed late share of each code, index 0 for a missing code.
    """

    offsets: IntArray  # numeric column k's values are values[offsets[k]:offsets[k + 1]]
    values: FloatArray
    mid: FloatArray
    below: FloatArray  # per column, len(values of k) + 1 entries: below[offsets[k] + k + i]
    shares: dict[str, FloatArray]
    base: float


def fit_scale(
    values: FloatArray, late: BoolArray, names: tuple[str, ...], categorical: tuple[str, ...]
) -> GroupScale:
    base = float(late.mean()) if late.size else 0.5
    offsets = [0]
    kept_values: list[FloatArray] = []
    kept_mid: list[FloatArray] = []
    kept_below: list[FloatArray] = []
    shares: dict[str, FloatArray] = {}
    for j, name in enumerate(names):
        column = values[:, j]
        if name in categorical:
            codes = np.nan_to_num(column, nan=-1.0).astype(np.int64) + 1
            size = int(codes.max(initial=0)) + 1
            n = np.bincount(codes, minlength=size).astype(np.float64)
            lates = np.bincount(codes, weights=late.astype(np.float64), minlength=size)
            shares[name] = (lates + 10 * base) / (n + 10)
            continue
        finite = column[np.isfinite(column)]
        unique, counts = np.unique(finite, return_counts=True)
        total = max(finite.size, 1)
        at_or_below = np.cumsum(counts) / total
        below = at_or_below - counts / total
        mid = (below + at_or_below) / 2
        if unique.size > TRAVEL_UNIQUE_CAP:
            keep = np.unique(np.linspace(0, unique.size - 1, TRAVEL_UNIQUE_CAP).round().astype(int))
            unique, mid, below = unique[keep], mid[keep], below[keep]
        kept_values.append(unique.astype(np.float64))
        kept_mid.append(mid.astype(np.float64))
        kept_below.append(np.r_[below, 1.0].astype(np.float64))
        offsets.append(offsets[-1] + unique.size)
    empty = np.zeros(0)
    return GroupScale(
        offsets=np.array(offsets, dtype=np.int64),
        values=np.concatenate(kept_values) if kept_values else empty,
        mid=np.concatenate(kept_mid) if kept_mid else empty,
        below=np.concatenate(kept_below) if kept_below else empty,
        shares=shares,
        base=base,
    )


def travel(
    values: FloatArray, names: tuple[str, ...], categorical: tuple[str, ...], scale: GroupScale
) -> FloatArray:
    """Rows of one project in travelling units: one column per feature, then the base rate."""
    out = np.empty((values.shape[0], len(names) + 1))
    k = 0
    for j, name in enumerate(names):
        column = values[:, j]
        if name in categorical:
            table = scale.shares[name]
            codes = np.nan_to_num(column, nan=-1.0).astype(np.int64) + 1
            known = (codes >= 0) & (codes < table.size)
            out[:, j] = np.where(known, table[np.clip(codes, 0, table.size - 1)], scale.base)
            continue
        lo, hi = int(scale.offsets[k]), int(scale.offsets[k + 1])
        ref, mid = scale.values[lo:hi], scale.mid[lo:hi]
        below = scale.below[lo + k : hi + k + 1]
        k += 1
        result = np.full(column.shape[0], np.nan)
        ok = np.isfinite(column)
        if ref.size:
            at = np.searchsorted(ref, column[ok], side="left")
            hit = (at < ref.size) & (ref[np.minimum(at, ref.size - 1)] == column[ok])
            result[ok] = np.where(hit, mid[np.minimum(at, ref.size - 1)], below[at])
        out[:, j] = result
    out[:, -1] = scale.base
    return out


def travel_groups(
    features: FeatureMatrix, groups: npt.NDArray[np.str_], scales: dict[str, GroupScale]
) -> FloatArray:
    """Each row read against its own project's scale (the all-rows one if it has none)."""
    out = np.empty((len(features), len(features.names) + 1))
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        scale = scales.get(str(g), scales[ANY_GROUP])
        out[rows] = travel(features.values[rows], features.names, features.categorical, scale)
    return out


@dataclass(frozen=True)
class PoolProject:
    """Another project's finished work, which only the pooled part trains on.

    ``features`` must have the target's column names; its category codes may be the other
    project's own, since they are read as late shares within it. ``known_day`` is when each
    outcome became known (the due date; days since 1970-01-01): a row joins a fit only if it
    was opened and known before the fit's window ends.
    """

    name: str
    features: FeatureMatrix
    late: BoolArray
    opened_day: IntArray
    known_day: FloatArray


def _groups_of(features: FeatureMatrix) -> npt.NDArray[np.str_]:
    if features.groups is not None:
        return features.groups
    return np.full(len(features), ANY_GROUP, dtype=np.str_)


def _fit_pooled(
    features: FeatureMatrix,
    late: BoolArray,
    pool: Sequence[PoolProject],
    *,
    before: float,
    config: TrainingConfig,
    rng: np.random.Generator,
) -> tuple[Forest, dict[str, GroupScale]] | None:
    """The pooled classifier on ``features`` (the own rows) and the pool's rows known
    before ``before``; None if the rows come from one project only."""
    groups = _groups_of(features)
    names, categorical = features.names, features.categorical
    parts = []
    for project in pool:
        if project.features.names != names:
            raise ModelError(f"pool project {project.name!r}: feature names differ")
        rows = np.flatnonzero((project.opened_day < before) & (project.known_day < before))
        lates = project.late[rows]
        if rows.size >= POOL_MIN_ROWS and lates.any() and not lates.all():
            parts.append((project, rows))
    own_groups = np.unique(groups)
    if own_groups.size + len(parts) < 2:
        return None
    scales = {
        str(g): fit_scale(features.values[groups == g], late[groups == g], names, categorical)
        for g in own_groups
    }
    scales[ANY_GROUP] = fit_scale(features.values, late, names, categorical)
    xs = [travel_groups(features, groups, scales)]
    ys = [late]
    total = sum(rows.size for _, rows in parts)
    keep = min(1.0, config.pool_cap * len(features) / max(total, 1))
    for project, rows in parts:
        chosen = rows[rng.random(rows.size) < keep]
        scale = fit_scale(project.features.values[rows], project.late[rows], names, categorical)
        xs.append(travel(project.features.values[chosen], names, categorical, scale))
        ys.append(project.late[chosen])
    x = np.vstack(xs)
    x[:, np.isnan(x).all(axis=0)] = 0.0  # a column nobody filled cannot be binned
    return forest_from_sklearn(_classifier(config).fit(x, np.concatenate(ys))), scales


def _classifier(config: TrainingConfig) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        max_iter=config.max_iter,
        learning_rate=config.learning_rate,
        max_leaf_nodes=config.max_leaf_nodes,
        max_depth=config.max_depth,
        min_samples_leaf=config.min_samples_leaf,
        l2_regularization=config.l2_regularization,
        early_stopping=False,
        random_state=config.random_state,
    )


def _size_regressor(config: TrainingConfig, rows: int) -> HistGradientBoostingRegressor:
    return HistGradientBoostingRegressor(
        max_iter=config.size_max_iter,
        learning_rate=config.learning_rate * 2,
        max_leaf_nodes=15,
        max_depth=min(config.max_depth, 6),
        min_samples_leaf=max(10, min(config.min_samples_leaf, rows // 20)),
        l2_regularization=config.l2_regularization,
        early_stopping=False,
        random_state=config.random_state,
    )


def _calibrated(raw: FloatArray, cal_x: FloatArray, cal_y: FloatArray) -> FloatArray:
    # Isotonic steps tie many scores; two millionths of the raw order break the ties so
    # the probabilities rank tasks exactly as the trees do, and stay within [0, 1].
    order = 1.0 / (1.0 + np.exp(-np.clip(raw, -30, 30)))
    p = (1.0 - 2e-6) * np.interp(raw, cal_x, cal_y) + 2e-6 * order
    return np.asarray(p, dtype=np.float64)


def _isotonic(raw: FloatArray, y: BoolArray) -> tuple[FloatArray, FloatArray]:
    if y.all() or not y.any():
        share = float(y.mean()) if y.size else 0.5
        return np.array([0.0]), np.array([share])
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(raw, y.astype(np.float64))
    cal_y = iso.y_thresholds_.astype(np.float64)
    # The end steps often rest on a few tasks that were all late (or all on time), which
    # would show as "100 % likely late". Shrink each end toward the base rate by the
    # number of past tasks behind it (two pseudo-tasks), and keep the steps monotone.
    fitted = iso.predict(raw)
    base = float(y.mean())
    low_n = int(np.sum(fitted <= cal_y[0]))
    high_n = int(np.sum(fitted >= cal_y[-1]))
    low = (cal_y[0] * low_n + 2.0 * base) / (low_n + 2.0)
    high = (cal_y[-1] * high_n + 2.0 * base) / (high_n + 2.0)
    return iso.X_thresholds_.astype(np.float64), np.clip(cal_y, low, high)


@dataclass(frozen=True)
class CrossFitted:
    brier: float
    ece: float
    precision: float
    recall: float
    f1: float
    base_brier: float
    judgeable: bool
    reliability: tuple[tuple[float, float, int], ...] = ()


# Isotonic regression needs many rows; on a short slice its steps follow the noise. Below
# this many calibration rows a logistic (Platt) map of the raw score is fitted instead: on
# the demo's history, holdouts of 16-57 tasks scored a lower cross-fitted Brier with the
# sigmoid (e.g. 0.172 against 0.217 on 20 tasks), 114 tasks a lower one with isotonic.
SIGMOID_BELOW_ROWS = 100
Calibration = Literal["isotonic", "sigmoid"]


def calibration_for(rows: int) -> Calibration:
    return "sigmoid" if rows < SIGMOID_BELOW_ROWS else "isotonic"


def _sigmoid(raw: FloatArray, y: BoolArray) -> tuple[FloatArray, FloatArray]:
    """A Platt map as an interpolation table (so the saved format stays one table)."""
    if y.all() or not y.any():
        return _isotonic(raw, y)
    fit = LogisticRegression().fit(raw[:, None], y)
    a, b = float(fit.coef_[0, 0]), float(fit.intercept_[0])
    low, high = float(raw.min()), float(raw.max())
    span = max(high - low, 1.0)
    grid = np.unique(np.concatenate([[-60.0, 60.0], np.linspace(low - span, high + span, 257)]))
    return grid, 1.0 / (1.0 + np.exp(-np.clip(a * grid + b, -60, 60)))


def _calibration(
    raw: FloatArray, y: BoolArray, method: Calibration
) -> tuple[FloatArray, FloatArray]:
    return _sigmoid(raw, y) if method == "sigmoid" else _isotonic(raw, y)


def _cross_fitted(raw: FloatArray, y: BoolArray, method: Calibration = "isotonic") -> CrossFitted:
    """Brier, ECE, precision, recall, F1 with calibration and threshold from the other half,
    and the base rate's Brier with the rate from the other half: the same information."""
    half = raw.shape[0] // 2
    parts = [(slice(0, half), slice(half, None)), (slice(half, None), slice(0, half))]
    results = []
    judgeable = True
    seen_p: list[FloatArray] = []
    seen_y: list[BoolArray] = []
    for fit, check in parts:
        judgeable = judgeable and bool(y[fit].any()) and not bool(y[fit].all())
        cx, cy = _calibration(raw[fit], y[fit], method)
        threshold = best_f1_threshold(_calibrated(raw[fit], cx, cy), y[fit])
        p = _calibrated(raw[check], cx, cy)
        brier = float(np.mean((p - y[check]) ** 2))
        base = float(np.mean((float(y[fit].mean()) - y[check]) ** 2))
        ece = expected_calibration_error(p, y[check])
        seen_p.append(p)
        seen_y.append(y[check])
        results.append((brier, ece, *precision_recall_f1(p >= threshold, y[check]), base))
    mean = np.mean(np.array(results), axis=0)
    return CrossFitted(
        brier=float(mean[0]),
        ece=float(mean[1]),
        precision=float(mean[2]),
        recall=float(mean[3]),
        f1=float(mean[4]),
        base_brier=float(mean[5]),
        judgeable=judgeable,
        reliability=reliability_bins(np.concatenate(seen_p), np.concatenate(seen_y)),
    )


def _fit_size(
    x: FloatArray, delay: FloatArray, late: BoolArray, config: TrainingConfig
) -> HistGradientBoostingRegressor | None:
    if int(late.sum()) < 30:
        return None
    regressor = _size_regressor(config, int(late.sum()))
    return regressor.fit(x[late], np.log1p(delay[late]))


def train_risk_model(
    *,
    features: FeatureMatrix,
    delay_days: FloatArray,
    opened_day: IntArray,
    name: str,
    config: TrainingConfig | None = None,
    tasks: int = 0,
    pool: Sequence[PoolProject] = (),
) -> RiskModel:
    """Train on finished tasks; ``opened_day`` (days since 1970-01-01) orders them in time.

    The latest ``validation_fraction`` of the window calibrates the probabilities,
    chooses the F1 threshold and measures the holdout metrics; then, with
    ``refit_on_all``, the trees are refitted on the whole window so the newest history
    counts too, keeping the calibration found on the slice.

    ``features.groups`` names each row's project; with two projects or more (counting
    ``pool``, other projects' work that only the pooled part learns from) the pooled part
    is trained too and the two are averaged before calibration (``TrainingConfig.pooled``).
    """
    config = config or TrainingConfig()
    with threadpool_limits(limits=config.threads, user_api="openmp"):
        model = _train(
            features=features,
            delay_days=delay_days,
            opened_day=opened_day,
            name=name,
            config=config,
            pool=pool,
        )
    return replace(model, version=replace(model.version, tasks=tasks)) if tasks else model


def _train(
    *,
    features: FeatureMatrix,
    delay_days: FloatArray,
    opened_day: IntArray,
    name: str,
    config: TrainingConfig,
    pool: Sequence[PoolProject],
) -> RiskModel:
    n = len(features)
    if n < 20 or delay_days.shape[0] != n or opened_day.shape[0] != n:
        raise ModelError(f"need at least 20 finished tasks with matching rows, got {n}")
    order = np.argsort(opened_day, kind="stable")
    values = features.values[order]
    delay = np.nan_to_num(delay_days[order]).astype(np.float64)
    late = delay > 0
    if late.all() or not late.any():
        raise ModelError("training tasks must include both late and on-time ones")
    cut = int(n * (1.0 - config.validation_fraction))
    fit, check = slice(0, cut), slice(cut, None)

    ranks = {
        c: _category_ranks(values[fit, features.names.index(c)], late[fit])
        for c in features.categorical
    }
    x = _apply_ranks(values, features.names, ranks)

    days_sorted = opened_day[order].astype(np.float64)
    weight = _recency_weights(days_sorted, config.recency_half_life_days)
    first = _classifier(config).fit(x[fit], late[fit], sample_weight=weight[fit])
    first_forest = forest_from_sklearn(first)
    raw_check = first_forest.raw(x[check])
    rng = np.random.default_rng(config.random_state)
    ordered = features.rows(order)
    pooled_first = None
    if config.pooled:
        # Pool rows join the first fit only if known before the calibration slice opens.
        pooled_first = _fit_pooled(
            ordered.rows(fit),
            late[fit],
            pool,
            before=float(days_sorted[cut]) if cut < n else math.inf,
            config=config,
            rng=rng,
        )
    if pooled_first is not None:
        forest, scales = pooled_first
        check_rows = ordered.rows(check)
        travelled = travel_groups(check_rows, _groups_of(check_rows), scales)
        w = config.pooled_weight
        raw_check = (1 - w) * raw_check + w * forest.raw(travelled)
    method = calibration_for(int(raw_check.shape[0]))
    cal_x, cal_y = _calibration(raw_check, late[check], method)
    p_check = _calibrated(raw_check, cal_x, cal_y)
    threshold = best_f1_threshold(p_check, late[check])

    size_first = _fit_size(x[fit], delay[fit], late[fit], config)
    fallback = float(np.log1p(delay[late]).mean())
    sigma = float(np.log1p(delay[late]).std()) or 1.0
    mu_check = np.full(x[check].shape[0], fallback)
    if size_first is not None:
        size_forest_first = forest_from_sklearn(size_first)
        mu_check = size_forest_first.raw(x[check])
        late_check = late[check]
        if late_check.sum() >= 10:
            residual = np.log1p(delay[check][late_check]) - mu_check[late_check]
            sigma = float(np.sqrt(np.mean(residual**2)))
    quantiles_check = delay_quantiles(p_check, mu_check, sigma, QUANTILES)
    crossed = _cross_fitted(raw_check, late[check], method)
    holdout = HoldoutMetrics(
        rows=int(late[check].shape[0]),
        late_share=float(late[check].mean()),
        auc=auc(raw_check, late[check]),
        brier=crossed.brier,
        ece=crossed.ece,
        precision=crossed.precision,
        recall=crossed.recall,
        f1=crossed.f1,
        delay_mae_days=float(np.mean(np.abs(quantiles_check[:, 0] - delay[check]))),
        base_brier=crossed.base_brier,
        judgeable=crossed.judgeable,
        calibration=method,
        reliability=crossed.reliability,
        delay_p80_coverage=float(np.mean(delay[check] <= quantiles_check[:, 1] + 1e-9)),
    )

    if config.refit_on_all:
        ranks = {
            c: _category_ranks(values[:, features.names.index(c)], late)
            for c in features.categorical
        }
        x = _apply_ranks(values, features.names, ranks)
        classifier = forest_from_sklearn(_classifier(config).fit(x, late, sample_weight=weight))
        size_model = _fit_size(x, delay, late, config)
        size = forest_from_sklearn(size_model) if size_model is not None else None
        pooled = (
            _fit_pooled(ordered, late, pool, before=math.inf, config=config, rng=rng)
            if pooled_first is not None
            else None
        )
    else:
        classifier = first_forest
        size = forest_from_sklearn(size_first) if size_first is not None else None
        pooled = pooled_first

    days = opened_day[order]
    version = ModelVersion(
        version="",
        name=name,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        window_start=(_EPOCH + timedelta(days=int(days[0]))).isoformat(),
        window_end=(_EPOCH + timedelta(days=int(days[-1]))).isoformat(),
        rows=n,
        late_rows=int(late.sum()),
        feature_names=features.names,
        threshold=threshold,
        holdout=holdout,
        config=config,
        sklearn_version=sklearn.__version__,
    )
    model = RiskModel(
        version=version,
        classifier=classifier,
        calibration_x=cal_x,
        calibration_y=cal_y,
        size=size,
        size_sigma=sigma,
        size_fallback=fallback,
        category_ranks=ranks,
        evidence_p=np.sort(p_check),
        evidence_late=late[check][np.argsort(p_check, kind="stable")],
        pooled=pooled[0] if pooled is not None else None,
        scales=pooled[1] if pooled is not None else {},
    )
    return replace(model, version=replace(version, version=_digest(model)))


# ------------------------------------------------------------------------------ prior


@dataclass(frozen=True)
class ThreePointEstimate:
    """Optimistic, most likely and pessimistic duration in working days (PERT)."""

    optimistic: float
    most_likely: float
    pessimistic: float

    def __post_init__(self) -> None:
        if not 0 <= self.optimistic <= self.most_likely <= self.pessimistic:
            raise ValueError("need 0 <= optimistic <= most_likely <= pessimistic")


# With no history, actual/planned is taken as lognormal with median 1.1 and log-sd 0.5
# (P90 about 2x the plan): a deliberately wide default, replaced as soon as a team has
# five finished tasks with plans.
DEFAULT_OVERRUN_MEDIAN = 1.1
DEFAULT_OVERRUN_LOG_SD = 0.5
MIN_RATIOS = 5
# Actual durations are recorded in whole working days, so a team whose short tasks all took
# exactly their plan shows no spread at all (log-sd 0). The rounding itself is uniform over
# a day (sd 1/sqrt(12) day), which the prior adds to the ratios' spread for the task's size.
DAY_ROUNDING_SD = 1 / math.sqrt(12)


@dataclass(frozen=True)
class DurationPrior:
    """The task's duration in working days as a lognormal: log-median and log-sd."""

    log_median: float
    log_sd: float

    def quantile(self, q: float) -> float:
        if self.log_median == -math.inf:
            return 0.0
        return math.exp(self.log_median + self.log_sd * float(_normal_quantile(np.array([q]))[0]))

    def p_longer_than(self, days: float) -> float:
        if self.log_median == -math.inf:
            return 0.0
        if days <= 0:
            return 1.0
        if self.log_sd == 0:
            return float(math.exp(self.log_median) > days)
        z = (math.log(days) - self.log_median) / (self.log_sd * math.sqrt(2))
        return float(1 - 0.5 * math.erfc(-z))


def usable_ratios(overrun_ratios: Sequence[float]) -> FloatArray:
    """The actual/planned ratios the prior can use: positive and finite."""
    return np.array([r for r in overrun_ratios if r > 0 and math.isfinite(r)], dtype=np.float64)


def duration_prior(
    *,
    planned_days: float | None = None,
    estimate: ThreePointEstimate | None = None,
    overrun_ratios: Sequence[float] = (),
) -> DurationPrior:
    """The duration lognormal of the prior.

    - A three-point estimate gives its PERT mean and spread. With a plan too, the estimate
      is taken as the shape of the uncertainty (optimistic/likely and pessimistic/likely)
      and scaled onto the planned duration: estimates are effort hours while the plan is the
      elapsed span, and comparing effort with span would call every part-time task early.
    - Otherwise the plan times the team's actual/planned ratios (at least ``MIN_RATIOS``,
      their spread widened by the whole-day rounding, ``DAY_ROUNDING_SD``), or the
      documented default above.
    """
    ratios = usable_ratios(overrun_ratios)
    if estimate is not None:
        if planned_days is not None and planned_days > 0 and estimate.most_likely > 0:
            scale = planned_days / estimate.most_likely
        else:
            scale = 1.0
        mean = scale * (estimate.optimistic + 4 * estimate.most_likely + estimate.pessimistic) / 6
        sd = scale * (estimate.pessimistic - estimate.optimistic) / 6
        if mean <= 0:
            return DurationPrior(-math.inf, 0.0)
        log_sd = math.sqrt(math.log1p((sd / mean) ** 2))
        return DurationPrior(math.log(mean) - log_sd**2 / 2, log_sd)
    if planned_days is None or planned_days <= 0:
        raise ValueError("a prior needs planned_days or a three-point estimate")
    if ratios.size >= MIN_RATIOS:
        logs = np.log(ratios)
        rounding = DAY_ROUNDING_SD / max(planned_days, 1.0)
        return DurationPrior(
            math.log(planned_days) + float(logs.mean()),
            math.hypot(float(logs.std(ddof=1)), rounding),
        )
    return DurationPrior(math.log(planned_days * DEFAULT_OVERRUN_MEDIAN), DEFAULT_OVERRUN_LOG_SD)


def prior_prediction(
    *,
    task_id: str,
    planned_days: float | None = None,
    estimate: ThreePointEstimate | None = None,
    days_available: float | None = None,
    overrun_ratios: Sequence[float] = (),
) -> RiskPrediction:
    """Risk from estimates alone, for a project with too little history to train on.

    The duration is lognormal (``duration_prior``). Late means taking longer than
    ``days_available`` (default: the plan, else the PERT mean). ``source`` says "prior";
    the duration's own P50 and P90 come along for the Monte Carlo forecast.
    """
    prior = duration_prior(
        planned_days=planned_days, estimate=estimate, overrun_ratios=overrun_ratios
    )
    if days_available is not None:
        available = days_available
    elif planned_days is not None and planned_days > 0:
        available = planned_days
    else:
        assert estimate is not None
        available = (estimate.optimistic + 4 * estimate.most_likely + estimate.pessimistic) / 6

    def delay(q: float) -> float:
        return max(prior.quantile(q) - available, 0.0)

    # The evidence: the team's finished tasks with plans, counted late if their overrun
    # would have taken this task past the days it has. A three-point estimate or the
    # default rests on no past tasks.
    ratios = usable_ratios(overrun_ratios)
    evidence: dict[str, Any] = {}
    if estimate is None and planned_days and ratios.size >= MIN_RATIOS:
        evidence = _evidence(int(ratios.size), int(np.sum(ratios * planned_days > available)))

    return RiskPrediction(
        task_id=task_id,
        p_late=prior.p_longer_than(available),
        delay_p50_days=delay(0.5),
        delay_p80_days=delay(0.8),
        delay_p90_days=delay(0.9),
        source="prior",
        model_version="prior",
        duration_p50_days=prior.quantile(0.5),
        duration_p90_days=prior.quantile(0.9),
        **evidence,
    )


# ----------------------------------------------------------------------- serialisation


def _header(model: RiskModel) -> dict[str, Any]:
    return {
        "format": "planops-risk-model",
        "format_version": FORMAT_VERSION,
        "version": asdict(model.version),
        "size_sigma": model.size_sigma,
        "size_fallback": model.size_fallback,
        "has_size": model.size is not None,
        "categorical": sorted(model.category_ranks),
        "pooled": model.pooled is not None,
        # Project names, in the order of the scale arrays (scale0_..., scale1_...).
        "groups": sorted(model.scales),
    }


def _arrays(model: RiskModel) -> dict[str, npt.NDArray[Any]]:
    arrays = model.classifier.arrays("clf_")
    if model.size is not None:
        arrays.update(model.size.arrays("size_"))
    arrays["calibration_x"] = model.calibration_x
    arrays["calibration_y"] = model.calibration_y
    for name, table in model.category_ranks.items():
        arrays[f"rank_{name}"] = table
    arrays["evidence_p"] = model.evidence_p
    arrays["evidence_late"] = model.evidence_late
    if model.pooled is not None:
        arrays.update(model.pooled.arrays("pool_"))
        groups = sorted(model.scales)
        arrays["scale_base"] = np.array([model.scales[g].base for g in groups])
        for i, g in enumerate(groups):
            scale = model.scales[g]
            arrays[f"scale{i}_offsets"] = scale.offsets
            arrays[f"scale{i}_values"] = scale.values
            arrays[f"scale{i}_mid"] = scale.mid
            arrays[f"scale{i}_below"] = scale.below
            for name, table in scale.shares.items():
                arrays[f"scale{i}_share_{name}"] = table
    return arrays


def _scales(data: Any, header: dict[str, Any]) -> dict[str, GroupScale]:
    groups = header.get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise ModelError("saved risk model: groups must be a list of names")
    base = data["scale_base"].astype(np.float64) if groups else np.zeros(0)
    if base.shape != (len(groups),):
        raise ModelError("saved risk model: one base rate per group expected")
    names = header["version"]["feature_names"]
    categorical = set(header["categorical"])
    numeric = sum(1 for n in names if n not in categorical)
    out = {}
    for i, g in enumerate(groups):
        offsets = data[f"scale{i}_offsets"].astype(np.int64)
        values = data[f"scale{i}_values"].astype(np.float64)
        mid = data[f"scale{i}_mid"].astype(np.float64)
        below = data[f"scale{i}_below"].astype(np.float64)
        if (
            offsets.shape != (numeric + 1,)
            or offsets[0] != 0
            or np.any(np.diff(offsets) < 0)
            or offsets[-1] != values.size
            or mid.size != values.size
            or below.size != values.size + numeric
        ):
            raise ModelError(f"saved risk model: scale of group {g!r} is inconsistent")
        out[g] = GroupScale(
            offsets=offsets,
            values=values,
            mid=mid,
            below=below,
            shares={c: data[f"scale{i}_share_{c}"].astype(np.float64) for c in sorted(categorical)},
            base=float(base[i]),
        )
    if out and ANY_GROUP not in out:
        raise ModelError("saved risk model: the all-projects scale is missing")
    return out


def _digest(model: RiskModel) -> str:
    digest = hashlib.sha256()
    for key, array in sorted(_arrays(model).items()):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    header = _header(model)
    header["version"] = {
        k: v for k, v in header["version"].items() if k not in ("version", "trained_at")
    }
    digest.update(json.dumps(header, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def dumps(model: RiskModel) -> bytes:
    """The model as ``.npz`` bytes: numeric arrays plus a UTF-8 JSON ``header`` array."""
    buffer = io.BytesIO()
    header = np.frombuffer(json.dumps(_header(model)).encode(), dtype=np.uint8)
    arrays: dict[str, Any] = {"header": header, **_arrays(model)}
    np.savez_compressed(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def loads(blob: bytes) -> RiskModel:
    try:
        data = np.load(io.BytesIO(blob), allow_pickle=False)
        header = json.loads(bytes(data["header"]).decode())
    except (ValueError, KeyError, OSError) as error:
        raise ModelError(f"not a saved risk model: {error}") from error
    if (
        header.get("format") != "planops-risk-model"
        or header.get("format_version") != FORMAT_VERSION
    ):
        raise ModelError("unsupported risk model format")
    raw = header["version"]
    version = ModelVersion(
        **{
            **raw,
            "feature_names": tuple(raw["feature_names"]),
            "holdout": HoldoutMetrics(
                **{
                    **raw["holdout"],
                    "reliability": tuple(
                        (float(a), float(b), int(n))
                        for a, b, n in raw["holdout"].get("reliability", ())
                    ),
                }
            ),
            "config": TrainingConfig(**raw["config"]),
        }
    )
    return RiskModel(
        version=version,
        classifier=Forest.from_arrays(data, "clf_"),
        calibration_x=data["calibration_x"].astype(np.float64),
        calibration_y=data["calibration_y"].astype(np.float64),
        size=Forest.from_arrays(data, "size_") if header["has_size"] else None,
        size_sigma=float(header["size_sigma"]),
        size_fallback=float(header["size_fallback"]),
        category_ranks={c: data[f"rank_{c}"].astype(np.float64) for c in header["categorical"]},
        # Models saved before the evidence was kept load without it (no "similar tasks").
        evidence_p=(data["evidence_p"].astype(np.float64) if "evidence_p" in data else np.zeros(0)),
        evidence_late=(
            data["evidence_late"].astype(np.bool_)
            if "evidence_late" in data
            else np.zeros(0, dtype=np.bool_)
        ),
        # Models saved before the pooled part existed have none.
        pooled=Forest.from_arrays(data, "pool_") if header.get("pooled") else None,
        scales=_scales(data, header) if header.get("pooled") else {},
    )


def save(model: RiskModel, path: Path) -> None:
    path.write_bytes(dumps(model))


def load(path: Path) -> RiskModel:
    return loads(path.read_bytes())


def raw_scores(model: RiskModel, features: FeatureMatrix) -> FloatArray:
    """Uncalibrated classifier scores (log-odds), for ranking metrics and tests."""
    return model.raw(features)
