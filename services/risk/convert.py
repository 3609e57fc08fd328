"""Core's protos -> the rows risk keeps; rows -> feature histories; predictions -> protos."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from google.protobuf import json_format, timestamp_pb2
from planops.core.v1 import project_pb2, task_pb2
from planops.risk.v1 import risk_pb2

from services.common.errors import InvalidArgument
from services.core.calendar import calendar_of
from services.risk.alerts import Alert
from services.risk.features import TaskHistory
from services.risk.forecast import WorkingDayCalendar
from services.risk.model import ModelVersion, RiskPrediction

HOURS_PER_DAY = 8.0
OPEN_CATEGORIES = ("planned", "active", "blocked")
CATEGORY_NAMES = {
    project_pb2.STATE_CATEGORY_PLANNED: "planned",
    project_pb2.STATE_CATEGORY_ACTIVE: "active",
    project_pb2.STATE_CATEGORY_BLOCKED: "blocked",
    project_pb2.STATE_CATEGORY_DONE: "done",
    project_pb2.STATE_CATEGORY_CANCELLED: "cancelled",
}
# The default workflow's states as the feature names call them; other workflows map by category.
STATE_FEATURE = {
    "submitted": "submitted",
    "in_review": "review",
    "scheduled": "scheduled",
    "in_progress": "executing",
    "blocked": "blocked",
    "in_acceptance": "accepted",
}
CATEGORY_FEATURE = {"active": "executing", "blocked": "blocked"}
DEFAULT_CATEGORIES = {
    "draft": "planned",
    "submitted": "planned",
    "in_review": "planned",
    "scheduled": "planned",
    "in_progress": "active",
    "in_acceptance": "active",
    "done": "done",
    "blocked": "blocked",
    "cancelled": "cancelled",
}
PRIORITY_NAMES = {
    task_pb2.PRIORITY_LOW: "low",
    task_pb2.PRIORITY_MEDIUM: "medium",
    task_pb2.PRIORITY_HIGH: "high",
    task_pb2.PRIORITY_URGENT: "highest",
}
TASK_NAME = re.compile(r"^projects/([a-z][a-z0-9-]{0,62})/tasks/([0-9]{1,18})$")
PROJECT_NAME = re.compile(r"^projects/([a-z][a-z0-9-]{0,62})$")
IMPORT_DATE = re.compile(r"\b(opened|started|finished)=(\d{4}-\d{2}-\d{2})\b")


def project_id(name: str, *, field_name: str) -> str:
    match = PROJECT_NAME.match(name)
    if not match:
        raise InvalidArgument.field(field_name, f"{name!r} is not `projects/{{project}}`")
    return match[1]


def task_project(name: str, *, field_name: str) -> str:
    match = TASK_NAME.match(name)
    if not match:
        raise InvalidArgument.field(
            field_name, f"{name!r} is not `projects/{{project}}/tasks/{{task}}`"
        )
    return match[1]


def parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def to_datetime(ts: timestamp_pb2.Timestamp) -> datetime | None:
    if not ts.seconds and not ts.nanos:
        return None
    return ts.ToDatetime(tzinfo=UTC)


def timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value)
    return ts


@dataclass(frozen=True)
class TaskRow:
    """One task as risk keeps it (the `tasks` table)."""

    task: str
    project: str
    title: str
    state: str
    category: str
    priority: str
    assignee: str
    labels: tuple[str, ...]
    estimate_hours: float
    optimistic_hours: float
    pessimistic_hours: float
    planned_start: date | None
    planned_end: date | None
    due_date: date | None
    opened_on: date
    started_on: date | None = None
    finished_on: date | None = None
    state_since: datetime | None = None
    days_in_state: Mapping[str, float] = field(default_factory=dict)
    reopen_count: int = 0
    estimate_changes: int = 0
    imported: bool = False

    @property
    def is_open(self) -> bool:
        return self.category in OPEN_CATEGORIES

    @property
    def due(self) -> date | None:
        """The date the task is measured against: its due date, else its planned end."""
        return self.due_date or self.planned_end

    @property
    def planned_days(self) -> float | None:
        if self.planned_start and self.planned_end:
            return float((self.planned_end - self.planned_start).days + 1)
        if self.estimate_hours > 0:
            return max(self.estimate_hours / HOURS_PER_DAY, 0.125)
        return None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> TaskRow:
        names = cls.__dataclass_fields__
        values = {k: v for k, v in record.items() if k in names}
        values["labels"] = tuple(values.get("labels") or ())
        values["days_in_state"] = dict(values.get("days_in_state") or {})
        return cls(**values)


def imported_dates(source_ref: str) -> dict[str, date]:
    """`opened=`, `started=` and `finished=` dates an import wrote into `source_ref`."""
    found = {}
    for key, value in IMPORT_DATE.findall(source_ref):
        day = parse_day(value)
        if day:
            found[key] = day
    return found


def task_row(
    task: task_pb2.Task,
    *,
    categories: Mapping[str, str],
    previous: TaskRow | None,
) -> TaskRow:
    """The row for `task` as an event carries it; history (time in states) comes from `previous`."""
    created = to_datetime(task.create_time) or datetime.now(UTC)
    imported = task.source == task_pb2.TASK_SOURCE_IMPORT
    dates = imported_dates(task.source_ref) if imported else {}
    category = categories.get(task.state) or DEFAULT_CATEGORIES.get(task.state, "planned")
    row = TaskRow(
        task=task.name,
        project=task.name.split("/")[1],
        title=task.title,
        state=task.state,
        category=category,
        priority=PRIORITY_NAMES.get(task.priority, "medium"),
        assignee=task.assignee,
        labels=tuple(task.labels),
        estimate_hours=task.estimate_hours,
        optimistic_hours=task.optimistic_hours,
        pessimistic_hours=task.pessimistic_hours,
        planned_start=parse_day(task.planned_start),
        planned_end=parse_day(task.planned_end),
        due_date=parse_day(task.due_date),
        opened_on=dates.get("opened", created.date()),
        imported=imported,
    )
    started = to_datetime(task.actual_start)
    ended = to_datetime(task.actual_end)
    row = replace(
        row,
        started_on=dates.get("started") or (started.date() if started else None),
        finished_on=dates.get("finished") or (ended.date() if ended else None),
    )
    if previous is None:
        return replace(row, state_since=created)
    changed_estimate = (
        previous.estimate_hours,
        previous.planned_start,
        previous.planned_end,
    ) != (row.estimate_hours, row.planned_start, row.planned_end)
    return replace(
        row,
        opened_on=dates.get("opened", previous.opened_on),
        state_since=previous.state_since,
        days_in_state=previous.days_in_state,
        reopen_count=previous.reopen_count,
        estimate_changes=previous.estimate_changes + int(changed_estimate),
    )


def after_transition(
    row: TaskRow, *, from_state: str, from_category: str, when: datetime
) -> TaskRow:
    """`row` (already in its new state) with the time spent in `from_state` added to that
    state's feature; a move out of a done state counts as a reopen."""
    spent = dict(row.days_in_state)
    feature = STATE_FEATURE.get(from_state) or CATEGORY_FEATURE.get(from_category, "")
    if feature and row.state_since is not None and not row.imported:
        spent[feature] = spent.get(feature, 0.0) + max(
            (when - row.state_since).total_seconds() / 86400, 0.0
        )
    reopened = from_category == "done" and row.category not in ("done", "cancelled")
    return replace(
        row,
        days_in_state=spent,
        state_since=when,
        reopen_count=row.reopen_count + int(reopened),
    )


@dataclass(frozen=True)
class AssigneeRecord:
    open_tasks: int = 0
    finished_tasks: int = 0
    late_share: float | None = None
    overrun_ratio: float | None = None
    overrun_ratios: tuple[float, ...] = ()


def assignee_record(rows: Sequence[TaskRow], *, as_of: date, exclude: str) -> AssigneeRecord:
    """Load and track record from the assignee's tasks as they stood on `as_of`."""
    open_tasks = 0
    late = 0
    finished = 0
    ratios: list[float] = []
    for r in rows:
        if r.task == exclude or r.opened_on > as_of:
            continue
        if r.finished_on is not None and r.finished_on < as_of and r.category == "done":
            finished += 1
            if r.due and r.finished_on > r.due:
                late += 1
            planned = r.planned_days
            if planned and r.started_on:
                ratios.append(((r.finished_on - r.started_on).days + 1) / planned)
        elif (r.finished_on is None or r.finished_on >= as_of) and r.category != "cancelled":
            open_tasks += 1
    return AssigneeRecord(
        open_tasks=open_tasks,
        finished_tasks=finished,
        late_share=late / finished if finished else None,
        overrun_ratio=sum(ratios) / len(ratios) if ratios else None,
        overrun_ratios=tuple(ratios),
    )


def history(
    row: TaskRow,
    *,
    as_of: date,
    record: AssigneeRecord,
    predecessors: int,
    successors: int,
    depth: int,
    training: bool = False,
) -> TaskHistory:
    """The task's features as of `as_of`. Training rows are seen as at opening: no time in states."""
    return TaskHistory(
        task_id=row.task,
        project_id=row.project,
        opened_on=row.opened_on,
        as_of=as_of,
        planned_days=row.planned_days,
        due_on=row.due,
        started_on=row.started_on if row.started_on and row.started_on <= as_of else None,
        days_in_state={} if training else {k: v for k, v in row.days_in_state.items()},
        reopen_count=0 if training else row.reopen_count,
        estimate_changes=0 if training else row.estimate_changes,
        priority=row.priority,
        labels=row.labels,
        dependency_count=predecessors,
        dependency_depth=depth,
        successor_count=successors,
        assignee_open_tasks=record.open_tasks,
        assignee_finished_tasks=record.finished_tasks,
        assignee_late_share=record.late_share,
        assignee_overrun_ratio=record.overrun_ratio,
        actual_days=(
            float((row.finished_on - row.started_on).days + 1)
            if row.finished_on and row.started_on
            else None
        ),
        finished_on=row.finished_on,
    )


FACTOR_TEXT = {
    "planned_days": "planned to take {v:.0f} days",
    "days_open": "open for {v:.0f} days",
    "days_to_due": "{v:.0f} days to the due date",
    "days_started": "started {v:.0f} days ago",
    "elapsed_over_planned": "{v:.1f}× its planned time has passed",
    "reopen_count": "reopened {v:.0f} times",
    "estimate_changes": "the estimate changed {v:.0f} times",
    "priority_rank": "priority rank {v:.0f}",
    "label_count": "{v:.0f} labels",
    "dependency_count": "waits on {v:.0f} tasks",
    "dependency_depth": "{v:.0f} tasks deep in the dependency chain",
    "successor_count": "{v:.0f} tasks wait on it",
    "comment_count": "{v:.0f} comments",
    "assignee_open_tasks": "the assignee has {v:.0f} open tasks",
    "assignee_finished_tasks": "the assignee finished {v:.0f} tasks before",
    "assignee_late_share": "the assignee was late on {p:.0f}% of tasks",
    "assignee_overrun_ratio": "the assignee's tasks took {v:.1f}× the plan",
}


def factor_text(feature: str, value: float) -> str:
    if math.isnan(value):
        return f"{feature.replace('_', ' ')} unknown"
    if feature.startswith("days_in_"):
        return f"{value:.1f} days in {feature.removeprefix('days_in_')}"
    if feature.startswith("label_bucket_"):
        return f"labels like this one ({value:.0f})"
    template = FACTOR_TEXT.get(feature)
    if template is None:
        return f"{feature.replace('_', ' ')} = {value:g}"
    return template.format(v=value, p=value * 100)


def finish_date(row: TaskRow, delay_days: float, *, today: date, cal: WorkingDayCalendar) -> date:
    base = row.due
    if base is None:
        base = cal(max(today, row.planned_start or today), max(int(row.planned_days or 1) - 1, 0))
    return cal(base, math.ceil(delay_days)) if delay_days > 0 else base


def task_risk(
    row: TaskRow,
    prediction: RiskPrediction,
    *,
    today: date,
    cal: WorkingDayCalendar,
    scored: datetime,
) -> risk_pb2.TaskRisk:
    expected = prediction.p_late * max(prediction.delay_p80_days, prediction.delay_p50_days)
    return risk_pb2.TaskRisk(
        task=row.task,
        title=row.title,
        probability_late=prediction.p_late,
        expected_delay_days=expected,
        delay_p50_days=prediction.delay_p50_days,
        delay_p80_days=prediction.delay_p80_days,
        delay_p90_days=prediction.delay_p90_days,
        finish_p50_date=finish_date(
            row, prediction.delay_p50_days, today=today, cal=cal
        ).isoformat(),
        finish_p80_date=finish_date(
            row, prediction.delay_p80_days, today=today, cal=cal
        ).isoformat(),
        factors=[
            risk_pb2.Factor(
                feature=f.feature,
                value=0.0 if math.isnan(f.value) else f.value,
                contribution=f.contribution,
                text=factor_text(f.feature, f.value),
            )
            for f in prediction.factors
        ],
        model_version=prediction.model_version,
        from_prior=prediction.source == "prior",
        score_time=timestamp(scored),
    )


def model_message(version: ModelVersion, *, active: bool, trained: datetime) -> risk_pb2.Model:
    return risk_pb2.Model(
        name=f"models/{version.version}",
        train_time=timestamp(trained),
        window_start=version.window_start,
        window_end=version.window_end,
        rows=version.rows,
        features=list(version.feature_names),
        holdout_auc=version.holdout.auc,
        holdout_ece=version.holdout.ece,
        holdout_delay_mae_days=version.holdout.delay_mae_days,
        active=active,
    )


ALERT_KINDS = {
    "task_late_risk_high": "TASK_LIKELY_LATE",
    "project_deadline_at_risk": "DEADLINE_AT_RISK",
}


def alert_message(alert: Alert, *, title: str) -> str:
    if alert.rule == "task_late_risk_high":
        return f"{title or alert.subject} is {alert.value:.0%} likely to finish late"
    if alert.rule == "project_deadline_at_risk":
        return f"{title or alert.subject} is {alert.value:.0%} likely to miss its deadline"
    return f"{alert.subject}: {alert.value:.0%} risk (threshold {alert.threshold:.0%})"


def alert_proto(record: Mapping[str, Any]) -> risk_pb2.Alert:
    return risk_pb2.Alert(
        name=f"projects/{record['project']}/alerts/{record['id']}",
        subject=record["subject"],
        kind=record["kind"],
        value=record["value"],
        threshold=record["threshold"],
        message=record["message"],
        raise_time=timestamp(record["raise_time"]),
    )


def working_days_between(start: date, end: date) -> int:
    days = 0
    day = start
    while day < end:
        if day.weekday() < 5:
            days += 1
        day += timedelta(days=1)
    return days


def project_calendar(message: project_pb2.Calendar) -> WorkingDayCalendar:
    """The project's working days (weekly pattern, public holidays, its own days off), as the
    forecast's calendar. Core's calendar module is pure, so every service shares one
    definition of a working day instead of keeping its own."""
    data = json_format.MessageToDict(message, preserving_proto_field_name=True)
    return calendar_of(data).add_working_days
