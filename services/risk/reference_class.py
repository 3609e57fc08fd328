"""Reference-class forecasting of how long the rest of a project takes.

A project seen part-way (or before it starts) has a planned remaining duration; finished
projects of its class, seen at the same stage, show how the remaining work really compared
with its plan. The log of that ratio is regressed on what is known at the stage (for
example the log of the schedule performance index so far), and a new project's ratio is
forecast with the Student-t predictive distribution of that regression: with twenty past
projects the spread is honestly wider than with two hundred.

A team's ways change, so a class may be weighted toward the projects finished lately
(`recency_weights`, `latest`); a weighted class counts as its effective size (Kish's),
not as the number of projects in it. `toward_anchor` forecasts the ratio to a point
forecast already trusted (earned schedule's), keeping only part of the class's shift away
from it, with the spread measured around the shifted location on the same weighted class.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

# Fewer past projects than this per coefficient and the forecast drops its features: a
# slope from a handful of projects forecasts worse than the class's plain spread.
MIN_PER_COEFFICIENT = 8


@dataclass(frozen=True)
class Outcome:
    """A finished project seen at one stage: what was known then, and the ratio of the
    remaining duration it really took to the remaining duration its plan had."""

    features: tuple[float, ...]
    ratio: float

    def __post_init__(self) -> None:
        if not self.ratio > 0 or not math.isfinite(self.ratio):
            raise ValueError(f"a duration ratio must be positive and finite, not {self.ratio}")


@dataclass(frozen=True)
class RatioForecast:
    """The predictive distribution of a project's remaining-duration ratio: log ratio is
    `location + scale * T(df)`."""

    location: float
    scale: float
    df: float
    support: int
    """How many past projects the forecast rests on (a weighted class's effective size,
    rounded)."""

    def quantile(self, q: float) -> float:
        return math.exp(self.location + self.scale * float(stats.t.ppf(q, self.df)))

    def probability_at_most(self, ratio: float) -> float:
        """P(the ratio is at most `ratio`)."""
        if ratio <= 0:
            return 0.0
        z = (math.log(ratio) - self.location) / self.scale
        return float(stats.t.cdf(z, self.df))


@dataclass(frozen=True)
class ReferenceClass:
    coefficients: tuple[float, ...]
    """Intercept first, then one per feature; only the intercept when features were dropped."""
    residual_scale: float
    inverse_gram: tuple[tuple[float, ...], ...]
    size: float
    """How many past projects the class holds; a weighted class's effective size."""

    @property
    def uses_features(self) -> bool:
        return len(self.coefficients) > 1

    def forecast(self, features: Sequence[float]) -> RatioForecast:
        x = np.array([1.0, *features][: len(self.coefficients)])
        leverage = float(x @ np.array(self.inverse_gram) @ x)
        return RatioForecast(
            location=float(x @ np.array(self.coefficients)),
            scale=self.residual_scale * math.sqrt(1.0 + leverage),
            df=max(1.0, self.size - len(self.coefficients)),
            support=round(self.size),
        )


def recency_weights(ages: Sequence[float], *, half_life: float) -> list[float]:
    """Exponential weights on past projects by how long ago (in days, or any unit shared
    with `half_life`) each finished: one finished a half-life ago counts half."""
    if not half_life > 0:
        raise ValueError(f"half_life must be positive, not {half_life}")
    if any(age < 0 for age in ages):
        raise ValueError("an age must not be negative: a project cannot finish in the future")
    return [0.5 ** (age / half_life) for age in ages]


def latest(ages: Sequence[float], *, count: int) -> list[float]:
    """Weight 1 for the `count` projects finished most recently (the earlier one in the list
    on a tie), 0 for the rest: a trailing window of finished projects."""
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    order = sorted(range(len(ages)), key=lambda i: (ages[i], i))
    kept = set(order[:count])
    return [1.0 if i in kept else 0.0 for i in range(len(ages))]


def _normalised(outcomes: Sequence[Outcome], weights: Sequence[float] | None) -> np.ndarray:
    """Weights summing to the class's effective size, so that sums of squares and degrees
    of freedom count projects as an unweighted class of that size would."""
    if weights is None:
        return np.ones(len(outcomes))
    w = np.array(weights, dtype=float)
    if len(w) != len(outcomes):
        raise ValueError(f"{len(w)} weights for {len(outcomes)} outcomes")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be finite, not negative, and not all zero")
    scaled: np.ndarray = w * (float(w.sum()) / float(w @ w))
    return scaled


def _checked(outcomes: Sequence[Outcome], weights: Sequence[float] | None) -> np.ndarray:
    w = _normalised(outcomes, weights)
    if int(np.count_nonzero(w)) < 3:
        raise ValueError(
            f"a reference class needs at least 3 finished projects, not {int(np.count_nonzero(w))}"
        )
    return w


def fit(outcomes: Sequence[Outcome], *, weights: Sequence[float] | None = None) -> ReferenceClass:
    """Least squares of log ratio on the features (intercept only with too few outcomes),
    weighted when `weights` are given; `size` is then the effective size."""
    w = _checked(outcomes, weights)
    size = float(w.sum())
    width = len(outcomes[0].features)
    if any(len(o.features) != width for o in outcomes):
        raise ValueError("every outcome must have the same features")
    if size < MIN_PER_COEFFICIENT * (width + 1):
        width = 0
    x = np.ones((len(outcomes), width + 1))
    if width:
        x[:, 1:] = np.array([o.features for o in outcomes])
    y = np.log(np.array([o.ratio for o in outcomes]))
    gram = x.T @ (w[:, None] * x)
    inverse = np.linalg.pinv(gram)
    beta = inverse @ x.T @ (w * y)
    residuals = y - x @ beta
    dof = max(1.0, size - (width + 1))
    scale = math.sqrt(float(w @ residuals**2) / dof)
    # A class whose projects all went exactly to plan still leaves some doubt.
    scale = max(scale, 0.01)
    return ReferenceClass(
        coefficients=tuple(float(b) for b in beta),
        residual_scale=scale,
        inverse_gram=tuple(tuple(float(v) for v in row) for row in inverse),
        size=size,
    )


def toward_anchor(
    outcomes: Sequence[Outcome], *, keep: float, weights: Sequence[float] | None = None
) -> RatioForecast:
    """The ratio to an anchor (a point forecast: ratio 1 is the anchor itself), shifted
    from it by `keep` of the class's weighted mean log ratio; features are not used. The
    spread is the class's around that shifted location, so a shift kept small widens it
    by the bias it leaves."""
    if not 0.0 <= keep <= 1.0:
        raise ValueError(f"keep must be between 0 and 1, not {keep}")
    w = _checked(outcomes, weights)
    size = float(w.sum())
    y = np.log(np.array([o.ratio for o in outcomes]))
    location = keep * float(w @ y) / size
    dof = max(1.0, size - 1.0)
    scale = max(math.sqrt(float(w @ (y - location) ** 2) / dof), 0.01)
    return RatioForecast(
        location=location,
        # As for a new observation from a class of this size: its mean is uncertain too.
        scale=scale * math.sqrt(1.0 + 1.0 / size),
        df=dof,
        support=round(size),
    )
