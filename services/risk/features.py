"""Features of a task known at prediction time, as numeric vectors with stable names.

Two sources feed the same models: tasks from the system of record (``TaskHistory``) and
the JIRA delayed-issue dataset (``JiraIssues``). Every feature must be known when the
prediction is made; counts over other tasks only look at tasks that existed by then.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from services.common.workcal import WorkingCalendar
from services.risk import workdays
from services.risk.jira import JiraIssues

FloatArray = npt.NDArray[np.float64]

WORKFLOW_STATES = ("submitted", "review", "scheduled", "executing", "blocked", "accepted")
LABEL_BUCKETS = 8
PRIORITY_RANK = {
    "trivial": 0.0,
    "lowest": 0.0,
    "low": 1.0,
    "minor": 1.0,
    "medium": 2.0,
    "major": 2.0,
    "normal": 2.0,
    "high": 3.0,
    "critical": 3.0,
    "highest": 4.0,
    "blocker": 4.0,
}


@dataclass(frozen=True)
class FeatureMatrix:
    """Rows of features; ``categorical`` names columns that hold category codes, and
    ``groups`` (optional) the project of each row, which the model's pooled part reads
    its numbers against (see ``services.risk.model``)."""

    values: FloatArray
    names: tuple[str, ...]
    categorical: tuple[str, ...] = ()
    groups: npt.NDArray[np.str_] | None = None

    def __post_init__(self) -> None:
        if self.values.ndim != 2 or self.values.shape[1] != len(self.names):
            raise ValueError(f"values shape {self.values.shape} does not match names")
        if self.groups is not None and self.groups.shape != (self.values.shape[0],):
            raise ValueError(f"groups shape {self.groups.shape} does not match the rows")
        unknown = set(self.categorical) - set(self.names)
        if unknown:
            raise ValueError(f"categorical columns not in names: {sorted(unknown)}")

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def rows(self, index: npt.NDArray[np.intp] | slice) -> FeatureMatrix:
        groups = self.groups[index] if self.groups is not None else None
        return FeatureMatrix(self.values[index], self.names, self.categorical, groups)


# ---------------------------------------------------------------- system-of-record tasks


@dataclass(frozen=True)
class TaskHistory:
    """What the system of record knows about a task at ``as_of``.

    Durations and day counts are in working days of ``calendar`` (the project's).
    ``actual_days`` and ``finished_on`` are only for finished tasks and are targets, never
    features.
    """

    task_id: str
    project_id: str
    opened_on: date
    as_of: date
    planned_days: float | None = None
    due_on: date | None = None
    started_on: date | None = None
    days_in_state: Mapping[str, float] = field(default_factory=dict)
    reopen_count: int = 0
    estimate_changes: int = 0
    priority: str = "medium"
    labels: tuple[str, ...] = ()
    dependency_count: int = 0
    dependency_depth: int = 0
    successor_count: int = 0
    comment_count: int = 0
    assignee_open_tasks: int = 0
    assignee_finished_tasks: int = 0
    assignee_late_share: float | None = None
    assignee_overrun_ratio: float | None = None
    actual_days: float | None = None
    finished_on: date | None = None
    calendar: WorkingCalendar = workdays.WEEKDAYS


TASK_FEATURE_NAMES: tuple[str, ...] = (
    "planned_days",
    "days_open",
    "days_to_due",
    "days_started",
    "elapsed_over_planned",
    *(f"days_in_{s}" for s in WORKFLOW_STATES),
    "reopen_count",
    "estimate_changes",
    "priority_rank",
    "label_count",
    *(f"label_bucket_{i}" for i in range(LABEL_BUCKETS)),
    "dependency_count",
    "dependency_depth",
    "successor_count",
    "comment_count",
    "assignee_open_tasks",
    "assignee_finished_tasks",
    "assignee_late_share",
    "assignee_overrun_ratio",
)

# JIRA column -> the task feature that means the same thing. Columns without a task
# analogue (topics, fix versions, reporter reputation) are JIRA-only features.
JIRA_COLUMN_TO_FEATURE: Mapping[str, str] = {
    "ProgressTime": "days_open",
    "RemainingDay": "days_to_due",
    "discussion": "days_in_review",
    "repetition": "reopen_count",
    "no_des_change": "estimate_changes",
    "priority": "priority_rank",
    "no_blockedby": "dependency_count",
    "no_blocking": "successor_count",
    "no_comment": "comment_count",
    "workload": "assignee_open_tasks",
    "perofdelay": "assignee_late_share",
}


# The assignee's finished tasks count up to this many. Uncapped, the count only grows with
# the calendar, so every new task lies beyond the range the model was trained on and the
# trees read it as "later than all history" (a stand-in for time, not experience).
EXPERIENCED_AFTER = 20


def label_bucket(label: str) -> int:
    # crc32, unlike hash(), is the same in every process, so names stay stable.
    return zlib.crc32(label.strip().lower().encode()) % LABEL_BUCKETS


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def task_features(task: TaskHistory) -> FloatArray:
    """One vector in ``TASK_FEATURE_NAMES`` order; unknown values are NaN."""
    cal = task.calendar
    days_open = float(workdays.after(cal, task.opened_on, task.as_of))
    days_to_due = float(workdays.after(cal, task.as_of, task.due_on)) if task.due_on else np.nan
    days_started = (
        float(workdays.after(cal, task.started_on, task.as_of)) if task.started_on else 0.0
    )
    if task.planned_days and task.planned_days > 0:
        elapsed_over_planned = days_started / task.planned_days
    else:
        elapsed_over_planned = float("nan")
    buckets = [0.0] * LABEL_BUCKETS
    for label in task.labels:
        buckets[label_bucket(label)] += 1.0
    vector = [
        _or_nan(task.planned_days),
        days_open,
        days_to_due,
        days_started,
        elapsed_over_planned,
        *(float(task.days_in_state.get(s, 0.0)) for s in WORKFLOW_STATES),
        float(task.reopen_count),
        float(task.estimate_changes),
        PRIORITY_RANK.get(task.priority.strip().lower(), float("nan")),
        float(len(task.labels)),
        *buckets,
        float(task.dependency_count),
        float(task.dependency_depth),
        float(task.successor_count),
        float(task.comment_count),
        float(task.assignee_open_tasks),
        float(min(task.assignee_finished_tasks, EXPERIENCED_AFTER)),
        _or_nan(task.assignee_late_share),
        _or_nan(task.assignee_overrun_ratio),
    ]
    return np.array(vector, dtype=np.float64)


def task_feature_matrix(tasks: Sequence[TaskHistory]) -> FeatureMatrix:
    values = np.empty((len(tasks), len(TASK_FEATURE_NAMES)), dtype=np.float64)
    for i, task in enumerate(tasks):
        values[i] = task_features(task)
    groups = np.array([task.project_id for task in tasks], dtype=np.str_)
    return FeatureMatrix(values, TASK_FEATURE_NAMES, groups=groups)


def task_outcome(task: TaskHistory) -> tuple[bool, float] | None:
    """(late, delay in working days of the task's calendar) of a finished task with a due
    date, else None."""
    if task.finished_on is None or task.due_on is None:
        return None
    delay = float(workdays.delay(task.calendar, task.due_on, task.finished_on))
    return delay > 0, delay


# ---------------------------------------------------------------------- JIRA dataset

MAX_PREFIXES = 200
OTHER = "<other>"


@dataclass(frozen=True)
class JiraVocabulary:
    """Category lists learnt from training issues; unseen values become NaN codes."""

    types: tuple[str, ...]
    priorities: tuple[str, ...]
    prefixes: tuple[str, ...]


def key_prefix(issue_key: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
    """``DIRSERVER-10`` -> ``DIRSERVER``: the JIRA project (component) inside a dataset."""
    return np.array([k.rsplit("-", 1)[0] for k in issue_key.tolist()], dtype=np.str_)


def _key_number(issue_key: npt.NDArray[np.str_]) -> FloatArray:
    out = np.full(issue_key.shape[0], np.nan)
    for i, k in enumerate(issue_key.tolist()):
        tail = k.rsplit("-", 1)[-1]
        if tail.isascii() and tail.isdigit():
            out[i] = float(tail)
    return out


def fit_vocabulary(issues: JiraIssues, *, min_count: int = 5) -> JiraVocabulary:
    def frequent(values: npt.NDArray[np.str_], limit: int) -> tuple[str, ...]:
        names, counts = np.unique(values, return_counts=True)
        order = np.argsort(-counts, kind="stable")
        kept = [str(names[i]) for i in order if counts[i] >= min_count][:limit]
        return (*sorted(kept), OTHER)

    return JiraVocabulary(
        types=frequent(issues.issue_type, 60),
        priorities=frequent(issues.priority, 30),
        prefixes=frequent(key_prefix(issues.issue_key), MAX_PREFIXES),
    )


def _codes(values: npt.NDArray[np.str_], vocabulary: tuple[str, ...]) -> FloatArray:
    index = {name: float(i) for i, name in enumerate(vocabulary)}
    other = index.get(OTHER, float("nan"))
    return np.array([index.get(v, other) for v in values.tolist()], dtype=np.float64)


def _cumcount(keys: Sequence[object]) -> FloatArray:
    """How many earlier rows share each row's key (0 for the first)."""
    seen: dict[object, int] = {}
    out = np.empty(len(keys), dtype=np.float64)
    for i, k in enumerate(keys):
        n = seen.get(k, 0)
        out[i] = n
        seen[k] = n + 1
    return out


def jira_feature_matrix(
    issues: JiraIssues, vocabulary: JiraVocabulary, *, with_remaining_day: bool
) -> FeatureMatrix:
    """Features of each issue at its prediction time.

    Pass the project's earlier issues too (``jira.concat``) and slice the result: the
    count features only look back, so earlier periods give later issues their context.
    Rows must be in opening order, as the files are; within a day the file order, which
    follows the issue number, stands for the creation order.
    """
    columns: dict[str, FloatArray] = {}
    for name, values in issues.numeric.items():
        if name != "RemainingDay" or with_remaining_day:
            columns[name] = values
    prefix = key_prefix(issues.issue_key)
    number = _key_number(issues.issue_key)
    columns["type"] = _codes(issues.issue_type, vocabulary.types)
    columns["priority"] = _codes(issues.priority, vocabulary.priorities)
    columns["priority_rank"] = np.array(
        [PRIORITY_RANK.get(p.lower(), np.nan) for p in issues.priority.tolist()]
    )
    columns["key_prefix"] = _codes(prefix, vocabulary.prefixes)
    columns["key_number"] = number
    # Issue numbers grow with the component's age; relative to the largest number seen
    # so far they tell a late-filed old-style key from a fresh one.
    running_max: dict[str, float] = {}
    relative = np.full(len(issues), np.nan)
    for i, (p, n) in enumerate(zip(prefix.tolist(), number.tolist(), strict=True)):
        if n == n:  # not NaN
            top = max(running_max.get(p, n), n)
            running_max[p] = top
            relative[i] = n / top if top > 0 else np.nan
    columns["key_number_relative"] = relative
    day = issues.opened_day.tolist()
    columns["opened_same_day_before"] = _cumcount(day)
    columns["component_same_day_before"] = _cumcount(list(zip(prefix.tolist(), day, strict=True)))
    gap = np.full(len(issues), np.nan)
    last_seen: dict[str, int] = {}
    for i, (p, d) in enumerate(zip(prefix.tolist(), day, strict=True)):
        if p in last_seen:
            gap[i] = d - last_seen[p]
        last_seen[p] = d
    columns["component_gap_days"] = gap
    if with_remaining_day:
        columns.update(_due_group_features(issues))
    names = tuple(columns)
    values = np.column_stack([columns[n] for n in names]).astype(np.float64)
    groups = np.full(len(issues), issues.project, dtype=np.str_)
    return FeatureMatrix(values, names, ("type", "priority", "key_prefix"), groups)


def _due_group_features(issues: JiraIssues) -> dict[str, FloatArray]:
    """Issues sharing a due date are usually one release: its size and age so far."""
    predicted = issues.opened_day + np.nan_to_num(issues.column("ProgressTime")).astype(np.int64)
    due = predicted + np.nan_to_num(issues.column("RemainingDay")).astype(np.int64)
    order = np.argsort(predicted, kind="stable")
    size = np.empty(len(issues))
    age = np.empty(len(issues))
    counts: dict[int, int] = {}
    first: dict[int, int] = {}
    for i in order.tolist():
        d = int(due[i])
        counts[d] = counts.get(d, 0) + 1
        first.setdefault(d, int(predicted[i]))
        size[i] = counts[d]
        age[i] = predicted[i] - first[d]
    return {"due_group_size": size, "due_group_age_days": age}
