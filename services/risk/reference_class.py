"""Reference-class forecasting of how long the rest of a project takes.

A project seen part-way (or before it starts) has a planned remaining duration; finished
projects of its class, seen at the same stage, show how the remaining work really compared
with its plan. The log of that ratio is regressed on what is known at the stage (for
example the log of the schedule performance index so far), and a new project's ratio is
forecast with the Student-t predictive distribution of that regression: with twenty past
projects the spread is honestly wider than with two hundred.
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
    """How many past projects the forecast rests on."""

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
    size: int

    @property
    def uses_features(self) -> bool:
        return len(self.coefficients) > 1

    def forecast(self, features: Sequence[float]) -> RatioForecast:
        x = np.array([1.0, *features][: len(self.coefficients)])
        leverage = float(x @ np.array(self.inverse_gram) @ x)
        return RatioForecast(
            location=float(x @ np.array(self.coefficients)),
            scale=self.residual_scale * math.sqrt(1.0 + leverage),
            df=float(self.size - len(self.coefficients)),
            support=self.size,
        )


def fit(outcomes: Sequence[Outcome]) -> ReferenceClass:
    """Least squares of log ratio on the features (intercept only with too few outcomes)."""
    if len(outcomes) < 3:
        raise ValueError(
            f"a reference class needs at least 3 finished projects, not {len(outcomes)}"
        )
    width = len(outcomes[0].features)
    if any(len(o.features) != width for o in outcomes):
        raise ValueError("every outcome must have the same features")
    if len(outcomes) < MIN_PER_COEFFICIENT * (width + 1):
        width = 0
    x = np.ones((len(outcomes), width + 1))
    if width:
        x[:, 1:] = np.array([o.features for o in outcomes])
    y = np.log(np.array([o.ratio for o in outcomes]))
    gram = x.T @ x
    inverse = np.linalg.pinv(gram)
    beta = inverse @ x.T @ y
    residuals = y - x @ beta
    dof = max(1, len(outcomes) - (width + 1))
    scale = math.sqrt(float(residuals @ residuals) / dof)
    # A class whose projects all went exactly to plan still leaves some doubt.
    scale = max(scale, 0.01)
    return ReferenceClass(
        coefficients=tuple(float(b) for b in beta),
        residual_scale=scale,
        inverse_gram=tuple(tuple(float(v) for v in row) for row in inverse),
        size=len(outcomes),
    )
