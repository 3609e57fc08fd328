"""Monte Carlo finish-date forecast of a project over its dependency graph.

Each task's duration (working days) is sampled from a lognormal fitted to its P50 and
P90, or is fixed when they are equal; a task with a chance of running late has, in that
share of the samples, a lognormal delay added on top. Every sample is scheduled as early as the
plan's start dates and the dependencies allow (all four types, with lags), vectorised over samples; the tasks that
drove the finish in a sample are its critical path, and the share of samples in which a
task is critical is its criticality index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# ``calendar(start, n)`` is the working day ``n`` working days after ``start`` (n >= 0).
WorkingDayCalendar = Callable[[date, int], date]

_Z90 = 1.2815515655446004


class DependencyType(StrEnum):
    FINISH_TO_START = "FS"
    START_TO_START = "SS"
    FINISH_TO_FINISH = "FF"
    START_TO_FINISH = "SF"


@dataclass(frozen=True)
class ForecastTask:
    """A task's duration in working days as P50 and P90 (equal values mean fixed), and
    optionally a chance `p_late` of a delay on top, with log(1 + delay) ~ N(mu, sigma)."""

    task_id: str
    p50_days: float
    p90_days: float
    p_late: float = 0.0
    late_mu: float = 0.0
    late_sigma: float = 0.0
    # The plan's start, in working days after the forecast's start: the task starts no
    # earlier, as the plan (levelled for people's time) has it, or later if its
    # predecessors run late.
    release_days: float = 0.0

    def __post_init__(self) -> None:
        if not 0 <= self.p50_days <= self.p90_days:
            raise ValueError(f"{self.task_id}: need 0 <= p50_days <= p90_days")
        if not 0 <= self.p_late <= 1 or self.late_sigma < 0:
            raise ValueError(f"{self.task_id}: need 0 <= p_late <= 1 and late_sigma >= 0")
        if self.release_days < 0:
            raise ValueError(f"{self.task_id}: need release_days >= 0")


@dataclass(frozen=True)
class Dependency:
    predecessor: str
    successor: str
    kind: DependencyType = DependencyType.FINISH_TO_START
    lag_days: float = 0.0


@dataclass(frozen=True)
class Criticality:
    task_id: str
    index: float


@dataclass(frozen=True)
class ProjectForecast:
    samples: int
    p_meet_deadline: float | None
    finish_p50: date
    finish_p80: date
    finish_p95: date
    duration_p50_days: float
    duration_p80_days: float
    duration_p95_days: float
    critical_tasks: tuple[Criticality, ...]


class ForecastError(ValueError):
    """The graph has a cycle or names a task that is not in the project."""


def _topological(n: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    successors: list[list[int]] = [[] for _ in range(n)]
    indegree = [0] * n
    for a, b in edges:
        successors[a].append(b)
        indegree[b] += 1
    ready = [i for i in range(n) if indegree[i] == 0]
    order: list[int] = []
    while ready:
        i = ready.pop()
        order.append(i)
        for j in successors[i]:
            indegree[j] -= 1
            if indegree[j] == 0:
                ready.append(j)
    if len(order) != n:
        raise ForecastError("the dependency graph has a cycle")
    return order


def sample_durations(
    tasks: Sequence[ForecastTask], *, samples: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """tasks x samples durations (lognormal through P50 and P90, fixed when equal) and,
    apart, delays: in a `p_late` share of the samples a lognormal delay, else 0."""
    p50 = np.array([t.p50_days for t in tasks], dtype=np.float64)
    p90 = np.array([t.p90_days for t in tasks], dtype=np.float64)
    random = p50 > 0
    sigma = np.zeros_like(p50)
    sigma[random] = np.log(p90[random] / p50[random]) / _Z90
    noise = rng.standard_normal((len(tasks), samples))
    durations = np.where(
        random[:, None], p50[:, None] * np.exp(sigma[:, None] * noise), p90[:, None]
    )
    p_late = np.array([t.p_late for t in tasks], dtype=np.float64)
    if p_late.any():
        mu = np.array([t.late_mu for t in tasks], dtype=np.float64)
        late_sigma = np.array([t.late_sigma for t in tasks], dtype=np.float64)
        late = rng.random((len(tasks), samples)) < p_late[:, None]
        delay = np.expm1(mu[:, None] + late_sigma[:, None] * rng.standard_normal(late.shape))
        return durations, np.where(late, np.maximum(delay, 0.0), 0.0)
    return durations, np.zeros_like(durations)


def _bound(
    dep: Dependency, *, start: FloatArray, finish: FloatArray, duration: FloatArray
) -> FloatArray:
    """The earliest start a dependency allows its successor."""
    if dep.kind is DependencyType.FINISH_TO_START:
        return finish + dep.lag_days
    if dep.kind is DependencyType.START_TO_START:
        return start + dep.lag_days
    if dep.kind is DependencyType.FINISH_TO_FINISH:
        return finish + dep.lag_days - duration
    return start + dep.lag_days - duration


def simulate(
    tasks: Sequence[ForecastTask],
    dependencies: Sequence[Dependency],
    durations: FloatArray,
    delays: FloatArray | None = None,
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Project durations per sample and, per task and sample, whether it was critical.

    `delays` (tasks x samples, part of `durations`) are lateness against the task's own
    planned dates, as the model learned it (finish after the due date). A task whose
    predecessors push its start past its planned start finishes at the later of its own
    late finish (planned start + duration + delay) and the pushed start + its duration
    without the delay: its lateness and the wait overlap instead of adding up. Adding them
    counted a slip of the task's own start twice; on the demo's world it put the promotion's
    P50 9 days past the real finish (bench/risk_demo_calibration.py)."""
    index = {t.task_id: i for i, t in enumerate(tasks)}
    edges = []
    for dep in dependencies:
        if dep.predecessor not in index or dep.successor not in index:
            raise ForecastError(f"dependency {dep.predecessor} -> {dep.successor}: unknown task")
        edges.append((index[dep.predecessor], index[dep.successor]))
    incoming: list[list[tuple[int, Dependency]]] = [[] for _ in tasks]
    for (a, b), dep in zip(edges, dependencies, strict=True):
        incoming[b].append((a, dep))
    n, samples = durations.shape
    order = _topological(n, edges)
    # The plan's own start of each task: its release, or its predecessors' planned finish,
    # with no task late; a task's lateness is counted from there.
    planned_start = np.zeros((n, samples))
    if delays is not None:
        planned_finish = np.zeros((n, samples))
        base = durations - delays
        for i in order:
            at = np.full(samples, tasks[i].release_days)
            for a, dep in incoming[i]:
                at = np.maximum(
                    at,
                    _bound(dep, start=planned_start[a], finish=planned_finish[a], duration=base[i]),
                )
            planned_start[i] = at
            planned_finish[i] = at + base[i]
    start = np.zeros((n, samples))
    finish = np.zeros((n, samples))
    driver = np.full((n, samples), -1, dtype=np.int64)
    for i in order:
        best = np.full(samples, tasks[i].release_days)
        for a, dep in incoming[i]:
            bound = _bound(dep, start=start[a], finish=finish[a], duration=durations[i])
            later = bound > best
            best = np.where(later, bound, best)
            driver[i] = np.where(later, a, driver[i])
        start[i] = best
        finish[i] = best + durations[i]
        if delays is not None:
            own = planned_start[i] + durations[i]
            pushed = best + durations[i] - delays[i]
            finish[i] = np.maximum(own, pushed)
            # Where its own lateness decided the finish, no predecessor drove it.
            driver[i] = np.where(own > pushed, -1, driver[i])
    makespan = finish.max(axis=0)
    critical = np.zeros((n, samples), dtype=np.bool_)
    columns = np.arange(samples)
    current = finish.argmax(axis=0)
    active = np.ones(samples, dtype=np.bool_)
    for _ in range(n):
        critical[current[active], columns[active]] = True
        current = np.where(active, driver[current, columns], -1)
        active = current >= 0
        if not active.any():
            break
    return makespan, critical


def forecast_project(
    *,
    tasks: Sequence[ForecastTask],
    dependencies: Sequence[Dependency],
    start: date,
    calendar: WorkingDayCalendar,
    deadline: date | None = None,
    samples: int = 5000,
    seed: int = 0,
    top: int = 10,
) -> ProjectForecast:
    """Finish-date quantiles, P(finish <= deadline) and the most often critical tasks.

    The project starts at the beginning of ``start`` (a working day). A makespan of D
    working days finishes on ``calendar(start, ceil(D) - 1)``: two one-day tasks in a
    row starting Monday finish on Tuesday.
    """
    if not tasks:
        raise ForecastError("a forecast needs at least one task")
    rng = np.random.default_rng(seed)
    base, delays = sample_durations(tasks, samples=samples, rng=rng)
    # With no task at risk of a delay there is nothing to overlap: skip the plan's own pass.
    makespan, critical = simulate(
        tasks, dependencies, base + delays, delays if delays.any() else None
    )
    # Rounding guards against 2.9999999 becoming 3 days after the ceil.
    days = np.maximum(np.ceil(np.round(makespan, 9)).astype(np.int64) - 1, 0)
    finish_of = {int(d): calendar(start, int(d)) for d in np.unique(days)}
    p_meet = None
    if deadline is not None:
        p_meet = float(np.mean([finish_of[int(d)] <= deadline for d in days]))
    q50, q80, q95 = (int(np.quantile(days, q, method="higher")) for q in (0.5, 0.8, 0.95))
    index = critical.mean(axis=1)
    order = np.argsort(-index, kind="stable")[:top]
    return ProjectForecast(
        samples=samples,
        p_meet_deadline=p_meet,
        finish_p50=finish_of[q50],
        finish_p80=finish_of[q80],
        finish_p95=finish_of[q95],
        duration_p50_days=float(np.quantile(makespan, 0.5)),
        duration_p80_days=float(np.quantile(makespan, 0.8)),
        duration_p95_days=float(np.quantile(makespan, 0.95)),
        critical_tasks=tuple(
            Criticality(tasks[i].task_id, float(index[i])) for i in order if index[i] > 0
        ),
    )
