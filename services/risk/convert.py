"""Core's protos -> the rows risk keeps; rows -> feature histories; predictions -> protos."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from google.protobuf import json_format, timestamp_pb2
from planops.core.v1 import project_pb2, task_pb2
from planops.risk.v1 import risk_pb2, risk_service_pb2

from services.common import names
from services.common.errors import FieldViolation
from services.common.probability import percent
from services.common.workcal import WorkingCalendar, calendar_of
from services.risk import workdays
from services.risk.alerts import Alert
from services.risk.features import TaskHistory, label_bucket
from services.risk.model import Factor, ModelVersion, RiskPrediction
from services.risk.timeline import Change, SoFar

if TYPE_CHECKING:
    from services.risk.store import AlertRow

OPEN_CATEGORIES = ("planned", "active", "blocked")
CATEGORY_NAMES = {
    project_pb2.STATE_CATEGORY_PLANNED: "planned",
    project_pb2.STATE_CATEGORY_ACTIVE: "active",
    project_pb2.STATE_CATEGORY_BLOCKED: "blocked",
    project_pb2.STATE_CATEGORY_DONE: "done",
    project_pb2.STATE_CATEGORY_CANCELLED: "cancelled",
}
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


def parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
MAX_PLAN_ENTRIES = 5000


@dataclass(frozen=True)
class PlanChange:
    """A what-if plan for one task: its dates and, when set, its assignee."""

    planned_start: date
    planned_end: date
    assignee: str = ""


def plan_changes(
    entries: Sequence[risk_service_pb2.PlannedTask], *, project: str
) -> tuple[dict[str, PlanChange], list[FieldViolation]]:
    """`ForecastProjectRequest.plan` checked entry by entry, each problem naming its field."""
    problems: list[FieldViolation] = []
    if len(entries) > MAX_PLAN_ENTRIES:
        return {}, [FieldViolation("plan", f"must have at most {MAX_PLAN_ENTRIES:,} entries")]
    found: dict[str, PlanChange] = {}
    for i, entry in enumerate(entries):
        where = f"plan[{i}]"
        refused = names.problems(
            partial(names.child_id, collection="tasks", project=project, field=f"{where}.task"),
            entry.task,
        )
        if refused:
            problems += refused
            continue
        if entry.task in found:
            problems.append(FieldViolation(f"{where}.task", "names a task a second time"))
            continue
        start = parse_day(entry.planned_start) if DAY.match(entry.planned_start) else None
        end = parse_day(entry.planned_end) if DAY.match(entry.planned_end) else None
        if start is None:
            problems.append(FieldViolation(f"{where}.planned_start", "must be a date, YYYY-MM-DD"))
        if end is None:
            problems.append(FieldViolation(f"{where}.planned_end", "must be a date, YYYY-MM-DD"))
        if start is not None and end is not None and end < start:
            problems.append(
                FieldViolation(f"{where}.planned_end", "must be on or after planned_start")
            )
        if entry.assignee:
            problems += names.problems(
                partial(names.person_id, field=f"{where}.assignee"), entry.assignee
            )
        if start is not None and end is not None and end >= start:
            found[entry.task] = PlanChange(start, end, entry.assignee)
    return found, problems


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
    imported: bool = False

    @property
    def is_open(self) -> bool:
        return self.category in OPEN_CATEGORIES

    @property
    def due(self) -> date | None:
        """The date the task is measured against: its due date, else its planned end."""
        return self.due_date or self.planned_end

    def planned_days(self, cal: WorkingCalendar) -> float | None:
        """Working days from planned start to planned end, else the estimate in days."""
        if self.planned_start and self.planned_end:
            return float(max(workdays.inclusive(cal, self.planned_start, self.planned_end), 1))
        if self.estimate_hours > 0:
            return max(self.estimate_hours / cal.hours_per_day, 0.125)
        return None


def task_row(task: task_pb2.Task, *, categories: Mapping[str, str]) -> TaskRow:
    """The row for `task` as an event (or core) carries it.

    Imported past work carries its real dates in core's own fields (`create_time` is when it
    was opened in the source system, `actual_start`/`actual_end` when it ran)."""
    created = to_datetime(task.create_time) or datetime.now(UTC)
    started = to_datetime(task.actual_start)
    ended = to_datetime(task.actual_end)
    return TaskRow(
        task=task.name,
        project=task.name.split("/")[1],
        title=task.title,
        state=task.state,
        category=categories.get(task.state) or DEFAULT_CATEGORIES.get(task.state, "planned"),
        priority=PRIORITY_NAMES.get(task.priority, "medium"),
        assignee=task.assignee,
        labels=tuple(task.labels),
        estimate_hours=task.estimate_hours,
        optimistic_hours=task.optimistic_hours,
        pessimistic_hours=task.pessimistic_hours,
        planned_start=parse_day(task.planned_start),
        planned_end=parse_day(task.planned_end),
        due_date=parse_day(task.due_date),
        opened_on=created.date(),
        started_on=started.date() if started else None,
        finished_on=ended.date() if ended else None,
        imported=task.source == task_pb2.TASK_SOURCE_IMPORT,
    )


def estimate_changed(before: TaskRow, after: TaskRow) -> bool:
    """The estimate or the planned dates moved (a re-plan, which the features count)."""
    return (before.estimate_hours, before.planned_start, before.planned_end) != (
        after.estimate_hours,
        after.planned_start,
        after.planned_end,
    )


def transition_change(move: task_pb2.TaskTransition) -> Change:
    return Change(
        time=to_datetime(move.time) or datetime.now(UTC),
        from_state=move.from_state,
        to_state=move.to_state,
    )


@dataclass(frozen=True)
class AssigneeRecord:
    open_tasks: int = 0
    finished_tasks: int = 0
    late_share: float | None = None
    overrun_ratio: float | None = None
    overrun_ratios: tuple[float, ...] = ()


Calendars = Mapping[str, WorkingCalendar]


def calendar_for(calendars: Calendars, project: str) -> WorkingCalendar:
    """The project's working calendar; Monday to Friday when risk has not seen the project."""
    return calendars.get(project, workdays.WEEKDAYS)


def assignee_record(
    rows: Sequence[TaskRow], *, as_of: date, exclude: str, calendars: Calendars
) -> AssigneeRecord:
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
            cal = calendar_for(calendars, r.project)
            planned = r.planned_days(cal)
            if planned and r.started_on:
                ratios.append(
                    max(workdays.inclusive(cal, r.started_on, r.finished_on), 1) / planned
                )
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
    cal: WorkingCalendar,
    so_far: SoFar,
) -> TaskHistory:
    """The task's features as of `as_of`, with its workflow history up to then (`so_far`)."""
    return TaskHistory(
        task_id=row.task,
        project_id=row.project,
        opened_on=row.opened_on,
        as_of=as_of,
        planned_days=row.planned_days(cal),
        due_on=row.due,
        started_on=row.started_on if row.started_on and row.started_on <= as_of else None,
        days_in_state=dict(so_far.days_in_state),
        reopen_count=so_far.reopen_count,
        estimate_changes=so_far.estimate_changes,
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
            float(max(workdays.inclusive(cal, row.started_on, row.finished_on), 1))
            if row.finished_on and row.started_on
            else None
        ),
        finished_on=row.finished_on,
        calendar=cal,
    )


PRIORITY_WORDS = {0: "trivial", 1: "low", 2: "medium", 3: "high", 4: "urgent"}
FACTOR_TEXT = {
    "planned_days": "planned for {n}",
    "days_open": "open for {n}",
    "days_to_due": "{n} to the due date",
    "days_started": "started {n} ago",
    "elapsed_over_planned": "{v:.1f}× its planned time has passed",
    "reopen_count": "reopened {v:.0f} times",
    "estimate_changes": "the estimate changed {v:.0f} times",
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
SHOWN_FACTORS = 3


def _working_days(value: float) -> str:
    return "1 working day" if round(value) == 1 else f"{value:.0f} working days"


def factor_text(feature: str, value: float, *, labels: Sequence[str] = ()) -> str:
    """A factor in words; `labels` (the task's) name the label a label-group factor stands for."""
    if math.isnan(value):
        return f"{feature.replace('_', ' ')} unknown"
    if feature.startswith("days_in_"):
        return f"{value:.1f} days in {feature.removeprefix('days_in_')}"
    if feature.startswith("label_bucket_"):
        group = int(feature.removeprefix("label_bucket_"))
        named = [label for label in labels if label_bucket(label) == group]
        return f"labelled {', '.join(named)}" if named else "its labels"
    if feature == "priority_rank":
        return f"{PRIORITY_WORDS.get(round(value), 'unusual')} priority"
    template = FACTOR_TEXT.get(feature)
    if template is None:
        return f"{feature.replace('_', ' ')} = {value:g}"
    return template.format(v=value, p=value * 100, n=_working_days(value))


def shown_factors(factors: Sequence[Factor]) -> list[Factor]:
    """The strongest factors a person can read: a label group the task has no label in says
    only "not labelled like something", so it is left out."""
    kept = [f for f in factors if not (f.feature.startswith("label_bucket_") and f.value == 0)]
    return kept[:SHOWN_FACTORS]


def finish_date(row: TaskRow, delay_days: float, *, today: date, cal: WorkingCalendar) -> date:
    """The due date (else the planned finish from today) plus `delay_days` working days of
    the project's calendar."""
    base = row.due
    if base is None:
        planned = math.ceil(row.planned_days(cal) or 1)
        base = cal.add_working_days(max(today, row.planned_start or today), max(planned - 1, 0))
    return cal.add_working_days(base, math.ceil(delay_days)) if delay_days > 0 else base


def task_risk(
    row: TaskRow,
    prediction: RiskPrediction,
    *,
    today: date,
    cal: WorkingCalendar,
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
                text=factor_text(f.feature, f.value, labels=row.labels),
            )
            for f in shown_factors(prediction.factors)
        ],
        model_version=prediction.model_version,
        from_prior=prediction.source == "prior",
        score_time=timestamp(scored),
        similar_tasks=prediction.similar_tasks,
        similar_late=prediction.similar_late,
        probability_late_low=prediction.p_low,
        probability_late_high=prediction.p_high,
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
        holdout_brier=version.holdout.brier,
        base_rate_brier=(
            version.holdout.late_share * (1 - version.holdout.late_share)
            if math.isnan(version.holdout.base_brier)
            else version.holdout.base_brier
        ),
        active=active,
        reliability=[
            risk_pb2.ReliabilityBin(predicted=predicted, observed=observed, tasks=tasks)
            for predicted, observed, tasks in version.holdout.reliability
        ],
        holdout_delay_p80_coverage=version.holdout.delay_p80_coverage,
        holdout_rows=version.holdout.rows,
    )


ALERT_KINDS = {
    "task_late_risk_high": "TASK_LIKELY_LATE",
    "project_deadline_at_risk": "DEADLINE_AT_RISK",
}


def alert_message(alert: Alert, *, title: str) -> str:
    if alert.rule == "task_late_risk_high":
        return f"{title or alert.subject} is {percent(alert.value)} likely to finish late"
    if alert.rule == "project_deadline_at_risk":
        return f"{title or alert.subject} is {percent(alert.value)} likely to miss its deadline"
    return f"{alert.subject}: {percent(alert.value)} risk (threshold {percent(alert.threshold)})"


def alert_proto(record: AlertRow) -> risk_pb2.Alert:
    return risk_pb2.Alert(
        name=f"projects/{record.project}/alerts/{record.id}",
        subject=record.subject,
        kind=record.kind,
        value=record.value,
        threshold=record.threshold,
        message=record.message,
        raise_time=timestamp(record.raise_time),
    )


def project_calendar(message: project_pb2.Calendar) -> WorkingCalendar:
    """The project's working days (weekly pattern, public holidays, its own days off). Core's
    calendar module is pure, so every service shares one definition of a working day."""
    return calendar_of(calendar_json(message))


def calendar_json(message: project_pb2.Calendar) -> dict[str, Any]:
    """The calendar as risk's `projects` table keeps it (the proto's field names)."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True)
