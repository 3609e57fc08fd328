"""SiP (Jones & Cullum, arXiv 1901.01621) as a backtest of the project finish forecast.

SiP's project codes run for years while work keeps arriving (PC2: 2004-2014), so a
"project" here is one project code's work *estimated in one calendar quarter*: a release-
sized batch. At the end of a day the team knows the quarter's tasks estimated so far, which
of them are finished (with their actual hours) and which are open. A stage (25/50/75 %) is
the first day on which the finished tasks hold that share of the known tasks' estimated
hours while some are still open; the forecast is for when the tasks open then are all
finished, and the outcome is the last of their completion dates.

Everything a forecast sees goes through `known_at`, which keeps only what was recorded by
the end of the cutoff day: tasks finished by then (with actual hours) and the open tasks'
estimates and ages. Days are calendar days (the data has dates only; weekend completions
exist).
"""

from __future__ import annotations

import bisect
import csv
import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from services.risk import reference_class
from services.risk.reference_class import Outcome, RatioForecast

SAMPLES = 2000
# Residual lives are drawn from tasks of the same project code that were open at least as
# long; with fewer such donors the whole history is used, and with fewer than MIN_DONORS
# there the task is assumed to stay open about as long again as it has been (fixed a
# priori, not tuned).
OWN_DONORS = 20
MIN_DONORS = 5
# A class of other projects is used from this many finished ones on.
MIN_CLASS = 10
# Scope worth forecasting: at least this many known tasks and one open.
MIN_TASKS = 5


@dataclass(frozen=True)
class Task:
    number: int
    project: str
    estimate: float
    """Estimated hours."""
    actual: float
    """Actual hours (known once the task is finished)."""
    estimated_on: int
    """Day ordinal the estimate was made: when the task became known."""
    completed_on: int


@dataclass(frozen=True)
class Done:
    """A task finished by the cutoff."""

    project: str
    estimate: float
    actual: float
    estimated_on: int
    completed_on: int


@dataclass(frozen=True)
class Open:
    """A task open at the cutoff: its estimate and when it became known, nothing more."""

    estimate: float
    estimated_on: int


@dataclass(frozen=True)
class Snapshot:
    """What the team's records held at the end of `day`."""

    day: int
    done: tuple[Done, ...]
    """Every task of every project finished by `day`."""
    open: tuple[Open, ...]
    """The forecast project's open tasks."""
    window_done: tuple[Done, ...]
    """The forecast project's finished tasks."""
    window_start: int


def load(folder: Path) -> list[Task]:
    """One row per task (the task file has one per task and developer). Tasks with no
    completion date (cancelled, still open, or CHRONICLE with none recorded) or no positive
    estimate are left out: when they stopped counting is unknown."""
    dates: dict[int, tuple[str, str]] = {}
    with (folder / "est-act-dates.csv").open(newline="", encoding="cp1252") as f:
        for row in csv.DictReader(f):
            dates[int(row["TaskNumber"])] = (row["EstimateOn"], row["CompletedOn"])
    tasks: dict[int, Task] = {}
    with (folder / "Sip-task-info.csv").open(newline="", encoding="cp1252") as f:
        for row in csv.DictReader(f):
            number = int(row["TaskNumber"])
            estimated, completed = dates.get(number, ("", ""))
            estimate, actual = float(row["HoursEstimate"]), float(row["HoursActual"])
            if number in tasks or not estimated or not completed or estimate <= 0:
                continue
            tasks[number] = Task(
                number=number,
                project=row["ProjectCode"],
                estimate=estimate,
                actual=max(actual, 0.01),
                estimated_on=_day(estimated),
                completed_on=_day(completed),
            )
    return sorted(tasks.values(), key=lambda t: (t.estimated_on, t.number))


def _day(text: str) -> int:
    return dt.datetime.strptime(text, "%d-%b-%y").date().toordinal()


def quarter(day: int) -> tuple[int, int]:
    date = dt.date.fromordinal(day)
    return date.year, (date.month - 1) // 3


def windows(tasks: Iterable[Task]) -> dict[tuple[str, tuple[int, int]], list[Task]]:
    found: dict[tuple[str, tuple[int, int]], list[Task]] = defaultdict(list)
    for task in tasks:
        found[(task.project, quarter(task.estimated_on))].append(task)
    return dict(found)


def stage_cutoff(window: Sequence[Task], stage: float) -> int | None:
    """The first day on which the finished tasks hold `stage` of the estimated hours known
    that day, with at least MIN_TASKS known and one still open. Only that day's records
    decide it."""
    days = sorted({t.estimated_on for t in window} | {t.completed_on for t in window})
    for day in days:
        known = [t for t in window if t.estimated_on <= day]
        finished = sum(t.estimate for t in known if t.completed_on <= day)
        total = sum(t.estimate for t in known)
        still_open = any(t.completed_on > day for t in known)
        if len(known) >= MIN_TASKS and still_open and finished >= stage * total:
            return day
    return None


class History:
    """Every task's record once finished, in order of completion, so the records of any
    day are a prefix."""

    def __init__(self, tasks: Sequence[Task]) -> None:
        ordered = sorted(tasks, key=lambda t: t.completed_on)
        self._days = [t.completed_on for t in ordered]
        self._done = tuple(
            Done(t.project, t.estimate, t.actual, t.estimated_on, t.completed_on) for t in ordered
        )

    def done_by(self, day: int) -> tuple[Done, ...]:
        return self._done[: bisect.bisect_right(self._days, day)]


def known_at(history: History, *, window: Sequence[Task], day: int) -> Snapshot:
    """The records at the end of `day`; nothing finished or estimated later shows."""
    done = history.done_by(day)
    known = [t for t in window if t.estimated_on <= day]
    return Snapshot(
        day=day,
        done=done,
        open=tuple(Open(t.estimate, t.estimated_on) for t in known if t.completed_on > day),
        window_done=tuple(
            Done(t.project, t.estimate, t.actual, t.estimated_on, t.completed_on)
            for t in known
            if t.completed_on <= day
        ),
        window_start=min(t.estimated_on for t in window),
    )


def outcome(window: Sequence[Task], day: int) -> int:
    """When the tasks open at the end of `day` were all finished."""
    return max(t.completed_on for t in window if t.estimated_on <= day < t.completed_on)


@dataclass(frozen=True)
class Plan:
    capacity: float
    """Actual hours the project code's team finished per day over the trailing window."""
    remaining: float
    """The open tasks' estimated hours."""
    earned_rate: float
    """The project's estimated hours finished per day since it started."""

    @property
    def days(self) -> float:
        """Days to finish the open work if the estimates hold and the team keeps its pace."""
        return self.remaining / self.capacity

    @property
    def spi(self) -> float:
        return self.earned_rate / self.capacity


def plan_at(snapshot: Snapshot, *, project: str, trailing_days: int) -> Plan | None:
    since = snapshot.day - trailing_days
    worked = sum(d.actual for d in snapshot.done if d.project == project and d.completed_on > since)
    earned = sum(d.estimate for d in snapshot.window_done)
    elapsed = snapshot.day - snapshot.window_start + 1
    if worked <= 0 or earned <= 0:
        return None
    return Plan(
        capacity=worked / trailing_days,
        remaining=sum(o.estimate for o in snapshot.open),
        earned_rate=earned / elapsed,
    )


def own_history(
    snapshot: Snapshot,
    *,
    project: str,
    plan: Plan,
    rng: np.random.Generator,
    samples: int = SAMPLES,
) -> np.ndarray:
    """Monte Carlo of the days until the open tasks are all finished, from tasks finished
    before the cutoff: each open task's remaining life is drawn from finished tasks that had
    been open at least as long (the project code's own when it has OWN_DONORS of them), and
    the open work, each estimate times a drawn actual/estimate ratio of the project code's
    finished tasks, cannot go faster than the team's observed pace (its parallelism: actual
    hours finished per day)."""
    own = [d for d in snapshot.done if d.project == project]
    pool = own if len(own) >= MIN_DONORS else list(snapshot.done)
    ratios = np.array([d.actual / d.estimate for d in pool])
    lives_own = np.array([d.completed_on - d.estimated_on for d in own], dtype=float)
    lives_all = np.array([d.completed_on - d.estimated_on for d in snapshot.done], dtype=float)
    estimates = np.array([o.estimate for o in snapshot.open])
    drawn = ratios[rng.integers(0, len(ratios), (samples, len(estimates)))]
    finish: np.ndarray = (drawn @ estimates) / plan.capacity
    for task in snapshot.open:
        age = snapshot.day - task.estimated_on
        donors = lives_own[lives_own > age]
        if len(donors) < OWN_DONORS:
            donors = lives_all[lives_all > age]
        if len(donors) < MIN_DONORS:
            remaining = np.full(samples, max(1.0, float(age)))
        else:
            remaining = donors[rng.integers(0, len(donors), samples)] - age
        finish = np.maximum(finish, remaining)
    return finish


@dataclass
class Scores:
    """Forecasts of one method at one stage, and how they fared (dslib's too)."""

    errors: list[float]
    at_or_before_p50: list[bool]
    at_or_before_p80: list[bool]
    brier: list[float]

    @classmethod
    def empty(cls) -> Scores:
        return cls([], [], [], [])

    def add(
        self,
        *,
        actual: float,
        p50: float,
        p80: float | None,
        p_on_time: float,
        on_time: bool,
    ) -> None:
        """`actual` is the project's actual duration; P50 and P80 are forecast durations
        on the same scale (None for a method that gives one date); `p_on_time` is the
        forecast probability of what `on_time` says happened."""
        self.errors.append(abs(p50 - actual) / actual)
        self.at_or_before_p50.append(actual <= p50)
        if p80 is not None:
            self.at_or_before_p80.append(actual <= p80)
        self.brier.append((p_on_time - float(on_time)) ** 2)

    def summary(self) -> dict[str, float | int | None]:
        def mean(values: Sequence[float | bool]) -> float | None:
            return round(sum(values) / len(values), 4) if values else None

        return {
            "n": len(self.errors),
            "mape_p50": mean(self.errors),
            "share_at_or_before_p50": mean(self.at_or_before_p50),
            "share_at_or_before_p80": mean(self.at_or_before_p80),
            "brier_p_deadline": mean(self.brier),
        }


METHODS = ("rc_own", "rc_projects", "es", "plan")


@dataclass(frozen=True)
class Recent:
    """A class of the other quarters at the same stage, weighted toward those finished
    lately: by a half-life in days since they finished, or only the `last` ones.

    basis "plan": `reference_class.fit` as rc_projects (log ratio to the plan's days on log
    earned pace / team pace), weighted. basis "es": the ratio of the actual remaining days
    to earned schedule's, intercept only (`reference_class.toward_anchor`), keeping `keep`
    of the class's shift away from earned schedule."""

    basis: str
    half_life: float | None = None
    last: int | None = None
    keep: float = 1.0

    def __post_init__(self) -> None:
        if self.basis not in ("plan", "es") or (self.half_life is None) == (self.last is None):
            raise ValueError(f"not a recent class: {self}")

    @property
    def name(self) -> str:
        weights = f"hl{self.half_life:g}" if self.half_life is not None else f"last{self.last}"
        keep = f"_keep{self.keep:g}" if self.basis == "es" else ""
        return f"rc_{self.basis}_{weights}{keep}"

    def weights(self, ages: Sequence[float]) -> list[float]:
        if self.half_life is not None:
            return reference_class.recency_weights(ages, half_life=self.half_life)
        assert self.last is not None
        return reference_class.latest(ages, count=self.last)


# Tried on the selection years (a first look there, never at later cutoffs, also tried
# keeping a quarter or three quarters of the shift and the last 30): half-lives of a
# quarter, half a year and a year; the last 10, 20 or 40 finished quarters; earned
# schedule's shift kept whole, half or not at all.
_WEIGHTS = (
    Recent("plan", half_life=91.0),
    Recent("plan", half_life=182.0),
    Recent("plan", half_life=365.0),
    Recent("plan", last=10),
    Recent("plan", last=20),
    Recent("plan", last=40),
)
RECENT = tuple(
    dataclasses.replace(weights, basis=basis, keep=keep)
    for weights in _WEIGHTS
    for basis, keep in (("plan", 1.0), ("es", 1.0), ("es", 0.5), ("es", 0.0))
)


@dataclass(frozen=True)
class Case:
    """One project at one stage."""

    project: str
    stage: float
    day: int
    start: int
    finish: int
    plan: Plan

    @property
    def planned_days(self) -> float:
        return self.plan.days

    @property
    def features(self) -> tuple[float, ...]:
        """What the class regresses on: log of the pace earned against the team's pace."""
        return (math.log(self.plan.spi),)

    @property
    def es_days(self) -> float:
        """Earned schedule's remaining days: the open hours at the pace earned so far."""
        return self.plan.remaining / self.plan.earned_rate

    def outcome(self) -> Outcome:
        """The ratio another project's forecast learns from, once this one has finished."""
        return Outcome(features=self.features, ratio=(self.finish - self.day) / self.planned_days)

    def es_outcome(self) -> Outcome:
        """The same against earned schedule's remaining days."""
        return Outcome(features=(), ratio=(self.finish - self.day) / self.es_days)


def cases(tasks: Sequence[Task], *, trailing_days: int, stages: Sequence[float]) -> list[Case]:
    history = History(tasks)
    found = []
    for (project, _), window in windows(tasks).items():
        for stage in stages:
            day = stage_cutoff(window, stage)
            if day is None:
                continue
            snapshot = known_at(history, window=window, day=day)
            plan = plan_at(snapshot, project=project, trailing_days=trailing_days)
            if plan is None or plan.remaining <= 0:
                continue
            found.append(
                Case(project, stage, day, snapshot.window_start, outcome(window, day), plan)
            )
    return sorted(found, key=lambda c: (c.day, c.project))


@dataclass(frozen=True)
class Forecast:
    """Days from the cutoff to the finish: P50, P80 (None for a single date), and the
    probability of finishing within the plan's days."""

    p50: float
    p80: float | None
    p_on_time: float


def _from_ratio(ratio: RatioForecast, *, base: float, deadline: float) -> Forecast:
    return Forecast(
        base * ratio.quantile(0.5),
        base * ratio.quantile(0.8),
        ratio.probability_at_most(deadline / base),
    )


def recent_forecast(case: Case, *, finished: Sequence[Case], recent: Recent) -> Forecast:
    """One `Recent` class's forecast from the quarters finished by the case's cutoff."""
    if any(c.finish > case.day or c.stage != case.stage for c in finished):
        raise ValueError("only quarters at the case's stage finished by its cutoff may teach")
    weights = recent.weights([case.day - c.finish for c in finished])
    if recent.basis == "plan":
        fitted = reference_class.fit([c.outcome() for c in finished], weights=weights)
        ratio = fitted.forecast(case.features)
        return _from_ratio(ratio, base=case.planned_days, deadline=case.planned_days)
    ratio = reference_class.toward_anchor(
        [c.es_outcome() for c in finished], keep=recent.keep, weights=weights
    )
    return _from_ratio(ratio, base=case.es_days, deadline=case.planned_days)


def forecast_case(
    case: Case,
    *,
    snapshot: Snapshot,
    earlier: Sequence[Case],
    rng: np.random.Generator,
    samples: int = SAMPLES,
    recent: Sequence[Recent] = (),
) -> dict[str, Forecast]:
    """Every method's forecast for one case from the records of its cutoff day and the
    other projects at the same stage that had finished by then (the rest of `earlier` is
    ignored here, so a caller cannot leak it); one more per `recent` class."""
    if snapshot.day != case.day:
        raise ValueError("the snapshot must be of the case's cutoff day")
    deadline = case.planned_days
    draws = own_history(snapshot, project=case.project, plan=case.plan, rng=rng, samples=samples)
    found = {
        "rc_own": Forecast(
            float(np.quantile(draws, 0.5)),
            float(np.quantile(draws, 0.8)),
            float(np.mean(draws <= deadline)),
        )
    }
    finished = [c for c in earlier if c.stage == case.stage and c.finish <= case.day]
    if len(finished) >= MIN_CLASS:
        ratio = reference_class.fit([c.outcome() for c in finished]).forecast(case.features)
        found["rc_projects"] = _from_ratio(ratio, base=deadline, deadline=deadline)
        for one in recent:
            found[one.name] = recent_forecast(case, finished=finished, recent=one)
    es = case.es_days
    found["es"] = Forecast(es, None, float(es <= deadline))
    found["plan"] = Forecast(deadline, None, 1.0)
    return found


def backtest(
    tasks: Sequence[Task],
    *,
    trailing_days: int,
    stages: Sequence[float] = (0.25, 0.5, 0.75),
    first_day: int,
    last_day: int,
    seed: int = 0,
    samples: int = SAMPLES,
    recent: Sequence[Recent] = (),
) -> dict[str, dict[str, object]]:
    """Scores per stage of the cases whose cutoff lies in [first_day, last_day]; every
    case before that still serves as a finished project for later ones."""
    rng = np.random.default_rng(seed)
    history = History(tasks)
    everything = cases(tasks, trailing_days=trailing_days, stages=stages)
    by_window = windows(tasks)
    stages_out: dict[str, dict[str, object]] = {}
    for stage in stages:
        scores = {m: Scores.empty() for m in (*METHODS, *(r.name for r in recent))}
        support: list[int] = []
        for case in everything:
            if case.stage != stage or not first_day <= case.day <= last_day:
                continue
            window = by_window[(case.project, quarter(case.start))]
            forecasts = forecast_case(
                case,
                snapshot=known_at(history, window=window, day=case.day),
                earlier=everything,
                rng=rng,
                samples=samples,
                recent=recent,
            )
            if "rc_projects" in forecasts:
                support.append(sum(c.stage == stage and c.finish <= case.day for c in everything))
            # Durations count from the project's start, as on dslib.
            elapsed = case.day - case.start
            for method, f in forecasts.items():
                scores[method].add(
                    actual=case.finish - case.start,
                    p50=elapsed + f.p50,
                    p80=None if f.p80 is None else elapsed + f.p80,
                    p_on_time=f.p_on_time,
                    on_time=case.finish - case.day <= case.planned_days,
                )
        stages_out[f"{round(stage * 100)}"] = {
            "reference_class_size": min(support) if support else 0,
            **{m: s.summary() for m, s in scores.items() if s.errors},
        }
    return stages_out


# Trailing windows for the team's pace tried on the selection years.
TRAILING_DAYS = (30, 91, 365)
# Cutoffs this close to the data's end are not scored: tasks still open when the data was
# taken have no completion date and were left out, which would make late outcomes look early.
CENSOR_DAYS = 365
JUDGED = ("rc_projects", "rc_own")
# The split, chosen after the first report (which chose on 2004-02..2009-07 and reported
# 2009-07..2013-12 once) had been seen: choose on cutoffs in 2009-2011, with the years
# before only as history, and report from 2012 on once.
SELECT_FROM = dt.date(2009, 1, 1).toordinal()
REPORT_FROM = dt.date(2012, 1, 1).toordinal()
# Without a selection run (--quick), what the selection years chose on 2026-12-05.
CHOSEN = ("rc_es_last10_keep1", 365)


def p80_in_band(stages: dict[str, dict[str, object]], method: str) -> int:
    count = 0
    for stage in stages.values():
        scores = stage.get(method)
        share = scores.get("share_at_or_before_p80") if isinstance(scores, dict) else None
        count += isinstance(share, float) and 0.75 <= share <= 0.85
    return count


def mean_score(stages: dict[str, dict[str, object]], method: str, score: str) -> float:
    values = [
        float(s[method][score])  # type: ignore[index]
        for s in stages.values()
        if isinstance(s.get(method), dict)
    ]
    return sum(values) / len(values) if values else math.inf


def mean_mape(stages: dict[str, dict[str, object]], method: str) -> float:
    return mean_score(stages, method, "mape_p50")


def _date(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


def run(
    tasks: Sequence[Task],
    *,
    choose: bool = True,
    samples: int = SAMPLES,
    select_from: int = SELECT_FROM,
    report_from: int = REPORT_FROM,
) -> dict[str, object]:
    """Choose the judged method (the old classes or a recent one, `RECENT`) and the pace
    window on cutoffs in [select_from, report_from) (most P80s within 75-85 %, then the
    lowest mean MAPE of the P50, then the lowest mean Brier: classes on earned schedule
    tie on MAPE across pace windows, which move only the plan's date), then score the
    cutoffs from report_from on once with that choice, the old methods beside it."""
    end = max(t.completed_on for t in tasks)
    by_name = {r.name: r for r in RECENT}
    selection: dict[str, object] = {}
    chosen = CHOSEN
    if choose:
        candidates = []
        for days in TRAILING_DAYS:
            early = backtest(
                tasks,
                trailing_days=days,
                first_day=select_from,
                last_day=report_from - 1,
                samples=samples,
                recent=RECENT,
            )
            selection[f"trailing_{days}_days"] = early
            for method in (*JUDGED, *by_name):
                key = (
                    -p80_in_band(early, method),
                    mean_mape(early, method),
                    mean_score(early, method, "brier_p_deadline"),
                )
                candidates.append((key, method, days))
        _, method, days = min(candidates)
        chosen = (method, days)
    method, days = chosen
    later = backtest(
        tasks,
        trailing_days=days,
        first_day=report_from,
        last_day=end - CENSOR_DAYS,
        samples=samples,
        recent=(by_name[method],) if method in by_name else (),
    )
    return {
        "tasks": len(tasks),
        "selection": {
            "cutoffs": f"{_date(select_from)}..{_date(report_from - 1)}",
            "runs": selection,
        },
        "chosen": {"method": method, "trailing_days": days},
        "report": {
            "cutoffs": f"{_date(report_from)}..{_date(end - CENSOR_DAYS)}",
            "stages": later,
        },
    }


def verdicts(later: dict[str, dict[str, object]], method: str) -> dict[str, bool]:
    """The issue's targets on the reported years, for the chosen method."""
    met = {}
    for name, stage in later.items():
        ours = stage.get(method)
        if not isinstance(ours, dict):
            continue
        rivals = [stage[m] for m in ("es", "plan") if isinstance(stage.get(m), dict)]
        share = ours["share_at_or_before_p80"]
        met[f"sip {name}%: P80 covers 75-85 %"] = share is not None and 0.75 <= share <= 0.85
        met[f"sip {name}%: P50 error 20 % below ES and plan"] = all(
            ours["mape_p50"] <= 0.8 * r["mape_p50"]  # type: ignore[index]
            for r in rivals
        )
        met[f"sip {name}%: Brier below ES and plan"] = all(
            ours["brier_p_deadline"] < r["brier_p_deadline"]  # type: ignore[index]
            for r in rivals
        )
    return met
