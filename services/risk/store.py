"""Risk's own tables (schema `risk`), and scoring of the tasks they hold with the active model."""

from __future__ import annotations

import asyncio
import json
import logging
import time as clock
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, time
from typing import Any

import numpy as np
from psycopg.rows import class_row, kwargs_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from services.common import metrics
from services.common.db import Connection, connection
from services.common.workcal import WorkingCalendar, calendar_of
from services.risk import model as risk_model
from services.risk import timeline, workdays
from services.risk.convert import (
    AssigneeRecord,
    Calendars,
    TaskRow,
    assignee_record,
    calendar_for,
    history,
)
from services.risk.features import TaskHistory, task_feature_matrix, task_outcome
from services.risk.model import RiskModel, RiskPrediction, ThreePointEstimate, prior_prediction
from services.risk.timeline import Change

log = logging.getLogger(__name__)

Pool = AsyncConnectionPool[Connection]
TASK_COLUMNS = (
    "task, project, title, state, category, priority, assignee, labels, estimate_hours,"
    " optimistic_hours, pessimistic_hours, planned_start, planned_end, due_date, opened_on,"
    " started_on, finished_on, imported"
)


@dataclass(frozen=True)
class AlertRow:
    id: int
    event_id: str
    project: str
    subject: str
    kind: str
    value: float
    threshold: float
    message: str
    raise_time: datetime


ALERT_COLUMNS = ", ".join(f.name for f in fields(AlertRow))


@dataclass(frozen=True)
class ModelRow:
    """A trained model as stored: `blob` is the pickled `RiskModel` (`model.loads`)."""

    version: str
    train_time: datetime
    blob: bytes
    active: bool


@dataclass(frozen=True)
class _Version:
    version: str


@dataclass(frozen=True)
class _Blob:
    blob: bytes


@dataclass(frozen=True)
class _Context:
    project: str
    calendar: dict[str, Any]
    categories: dict[str, str]


@dataclass(frozen=True)
class _Categories:
    categories: dict[str, str]


@dataclass(frozen=True)
class _Deleted:
    deleted: bool


@dataclass(frozen=True)
class _Task:
    task: str


@dataclass(frozen=True)
class _Edge:
    predecessor: str
    successor: str


@dataclass(frozen=True)
class _Logged:
    task: str
    time: datetime
    from_state: str
    to_state: str
    estimate_changed: bool


@dataclass(frozen=True)
class _Score:
    task: str
    probability_late: float


@dataclass(frozen=True)
class _Fired:
    rule: str
    subject: str


def _task_row(**values: Any) -> TaskRow:
    return TaskRow(**{**values, "labels": tuple(values["labels"])})


def _held_task(*, version: int, deleted: bool, **values: Any) -> tuple[TaskRow, int, bool]:
    return _task_row(**values), version, deleted


# ----------------------------------------------------------------------- event bookkeeping


async def claim_event(conn: Connection, *, event_id: str, event_type: str) -> bool:
    """True the first time an event id is seen; the row commits with the event's effects."""
    cur = await conn.execute(
        "INSERT INTO processed_events (event_id, event_type) VALUES (%s, %s)"
        " ON CONFLICT DO NOTHING RETURNING event_id",
        (event_id, event_type),
    )
    return await cur.fetchone() is not None


async def put_project(
    conn: Connection,
    *,
    project: str,
    version: int,
    title: str,
    start_date: date | None,
    deadline: date | None,
    categories: Mapping[str, str],
    calendar: Mapping[str, Any],
    deleted: bool = False,
) -> bool:
    """Upsert unless the held version is newer or the same; True when written."""
    cur = await conn.execute(
        "INSERT INTO projects"
        " (project, version, title, start_date, deadline, categories, calendar, deleted)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (project) DO UPDATE SET version = EXCLUDED.version,"
        " title = EXCLUDED.title, start_date = EXCLUDED.start_date,"
        " deadline = EXCLUDED.deadline, categories = EXCLUDED.categories,"
        " calendar = EXCLUDED.calendar, deleted = EXCLUDED.deleted"
        " WHERE projects.version < EXCLUDED.version RETURNING project",
        (
            project,
            version,
            title,
            start_date,
            deadline,
            Jsonb(dict(categories)),
            Jsonb(dict(calendar)),
            deleted,
        ),
    )
    return await cur.fetchone() is not None


async def project_context(
    conn: Connection, projects: Iterable[str]
) -> tuple[dict[str, WorkingCalendar], dict[str, dict[str, str]]]:
    """Working calendars and workflow state categories of `projects`, in one query (a project
    risk has not seen counts Monday to Friday, see `convert.calendar_for`)."""
    cur = conn.cursor(row_factory=class_row(_Context))
    found = await (
        await cur.execute(
            "SELECT project, calendar, categories FROM projects WHERE project = ANY(%s)",
            (sorted(set(projects)),),
        )
    ).fetchall()
    return (
        {r.project: calendar_of(dict(r.calendar)) for r in found},
        {r.project: dict(r.categories) for r in found},
    )


async def purge_project(conn: Connection, project: str) -> int:
    """Delete what is kept of a deleted project: its tasks with their moves, dependencies,
    scores, alerts and alert states; rows deleted. The project row stays, marked deleted,
    so an older event about it cannot bring it back. Models trained on it stay as they are."""
    prefix = f"projects/{project}/"
    removed = 0
    for statement, value in (
        ("DELETE FROM task_changes WHERE starts_with(task, %s)", prefix),
        ("DELETE FROM dependencies WHERE project = %s", project),
        ("DELETE FROM scores WHERE project = %s", project),
        ("DELETE FROM alerts WHERE project = %s", project),
        ("DELETE FROM alert_fired WHERE subject = %s OR starts_with(subject, %s)", None),
        ("DELETE FROM tasks WHERE project = %s", project),
    ):
        params = (f"projects/{project}", prefix) if value is None else (value,)
        removed += (await conn.execute(statement, params)).rowcount
    return removed


async def project_deleted(conn: Connection, project: str) -> bool:
    """Whether the project is known here as deleted (its events may still arrive late)."""
    cur = conn.cursor(row_factory=class_row(_Deleted))
    found = await (
        await cur.execute("SELECT deleted FROM projects WHERE project = %s", (project,))
    ).fetchone()
    return found is not None and found.deleted


async def categories(conn: Connection, project: str) -> dict[str, str]:
    cur = conn.cursor(row_factory=class_row(_Categories))
    found = await (
        await cur.execute("SELECT categories FROM projects WHERE project = %s", (project,))
    ).fetchone()
    return dict(found.categories) if found else {}


async def task_for_update(conn: Connection, task: str) -> tuple[TaskRow, int, bool] | None:
    """(row, held version, deleted), locked until the transaction ends."""
    cur = conn.cursor(row_factory=kwargs_row(_held_task))
    return await (
        await cur.execute(
            f"SELECT {TASK_COLUMNS}, version, deleted FROM tasks WHERE task = %s FOR UPDATE",
            (task,),
        )
    ).fetchone()


async def lock_tasks(conn: Connection, tasks: Iterable[str]) -> None:
    """Lock the held rows of `tasks` until the transaction ends, in name order: a batch takes
    its locks up front in one order, so replicas applying overlapping batches do not
    deadlock."""
    names = sorted(set(tasks))
    if names:
        await conn.execute(
            "SELECT task FROM tasks WHERE task = ANY(%s) ORDER BY task FOR UPDATE", (names,)
        )


async def put_task(conn: Connection, row: TaskRow, *, version: int, deleted: bool = False) -> None:
    values = asdict(row)
    values["labels"] = list(row.labels)
    columns = [c.strip() for c in TASK_COLUMNS.split(",")]
    params = [values[c] for c in columns] + [version, deleted]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*columns[1:], "version", "deleted"])
    await conn.execute(
        f"INSERT INTO tasks ({TASK_COLUMNS}, version, deleted)"
        f" VALUES ({', '.join(['%s'] * len(params))})"
        f" ON CONFLICT (task) DO UPDATE SET {updates}",
        params,
    )


async def put_dependency(
    conn: Connection,
    *,
    dependency: str,
    version: int,
    predecessor: str,
    successor: str,
    kind: int,
    lag_days: int,
    deleted: bool,
) -> bool:
    cur = await conn.execute(
        "INSERT INTO dependencies"
        " (dependency, project, version, predecessor, successor, kind, lag_days, deleted)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (dependency) DO UPDATE SET version = EXCLUDED.version,"
        " deleted = EXCLUDED.deleted, kind = EXCLUDED.kind, lag_days = EXCLUDED.lag_days"
        " WHERE dependencies.version < EXCLUDED.version RETURNING dependency",
        (
            dependency,
            dependency.split("/")[1],
            version,
            predecessor,
            successor,
            kind,
            lag_days,
            deleted,
        ),
    )
    return await cur.fetchone() is not None


async def successors_of(conn: Connection, task: str) -> list[str]:
    cur = conn.cursor(row_factory=class_row(_Edge))
    found = await (
        await cur.execute(
            "SELECT predecessor, successor FROM dependencies"
            " WHERE predecessor = %s AND NOT deleted",
            (task,),
        )
    ).fetchall()
    return [r.successor for r in found]


# Work that may still be late: not finished, not cancelled, and not imported history.
OPEN = "NOT deleted AND NOT imported AND category IN ('planned', 'active', 'blocked')"


async def open_tasks_of(conn: Connection, assignee: str) -> list[str]:
    if not assignee:
        return []
    return await _task_names(conn, f"assignee = %s AND {OPEN}", (assignee,))


async def open_tasks(conn: Connection) -> list[str]:
    """Every open task's name, in name order."""
    return await _task_names(conn, f"{OPEN} ORDER BY task", ())


async def _task_names(conn: Connection, where: str, params: Sequence[Any]) -> list[str]:
    cur = conn.cursor(row_factory=class_row(_Task))
    return [
        r.task
        for r in await (
            await cur.execute(f"SELECT task FROM tasks WHERE {where}", params)
        ).fetchall()
    ]


async def drop_task(conn: Connection, task: str) -> None:
    """Forget the task and, through the foreign keys, what hangs on it."""
    await conn.execute("DELETE FROM tasks WHERE task = %s", (task,))


# Risk's history tables are written by the consumer (a few rows per event, on every replica)
# and by RebuildHistory (a whole project at once). Two such transactions writing the same
# tasks in different orders deadlock, so the consumer holds this lock shared and a rebuild
# holds it exclusively, for the length of their transactions.
HISTORY_LOCK = "risk:history"


async def lock_history(conn: Connection, *, exclusive: bool = False) -> None:
    """Take the history lock for the rest of `conn`'s transaction."""
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await conn.execute(f"SELECT {function}(hashtext(%s))", (HISTORY_LOCK,))


async def put_change(conn: Connection, *, name: str, task: str, change: Change) -> None:
    """Log a move or an estimate change once (by `name`: the transition's resource name, or
    the event that changed the estimate), however often it arrives."""
    await conn.execute(
        "INSERT INTO task_changes (name, task, time, from_state, to_state, estimate_changed)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (name) DO NOTHING",
        (
            name,
            task,
            change.time,
            change.from_state,
            change.to_state,
            change.estimate_changed,
        ),
    )


async def changes_of(conn: Connection, tasks: Sequence[str]) -> dict[str, list[Change]]:
    cur = conn.cursor(row_factory=class_row(_Logged))
    await cur.execute(
        "SELECT task, time, from_state, to_state, estimate_changed FROM task_changes"
        " WHERE task = ANY(%s) ORDER BY task, time",
        (list(tasks),),
    )
    found: dict[str, list[Change]] = defaultdict(list)
    for r in await cur.fetchall():
        found[r.task].append(Change(r.time, r.from_state, r.to_state, r.estimate_changed))
    return found


# ------------------------------------------------------------------------------ reading


async def rows(conn: Connection, where: str, params: Sequence[Any]) -> list[TaskRow]:
    cur = conn.cursor(row_factory=kwargs_row(_task_row))
    await cur.execute(f"SELECT {TASK_COLUMNS} FROM tasks WHERE NOT deleted AND {where}", params)
    return await cur.fetchall()


@dataclass(frozen=True)
class Graph:
    """Predecessor and successor counts and chain depth of tasks."""

    predecessors: Mapping[str, list[str]]
    successors: Mapping[str, list[str]]

    def depth(self, task: str) -> int:
        seen: dict[str, int] = {}

        def walk(t: str, trail: frozenset[str]) -> int:
            if t in seen:
                return seen[t]
            preds = [p for p in self.predecessors.get(t, []) if p not in trail]
            value = 1 + max((walk(p, trail | {p}) for p in preds), default=-1)
            seen[t] = value
            return value

        return walk(task, frozenset({task}))


async def graph_of(conn: Connection, projects: Iterable[str]) -> Graph:
    cur = conn.cursor(row_factory=class_row(_Edge))
    await cur.execute(
        "SELECT predecessor, successor FROM dependencies WHERE NOT deleted AND project = ANY(%s)",
        (sorted(set(projects)),),
    )
    predecessors: dict[str, list[str]] = defaultdict(list)
    successors: dict[str, list[str]] = defaultdict(list)
    for r in await cur.fetchall():
        predecessors[r.successor].append(r.predecessor)
        successors[r.predecessor].append(r.successor)
    return Graph(predecessors, successors)


@dataclass(frozen=True)
class ScoringInput:
    """What scoring needs, read in one go so the CPU part can run off the event loop."""

    targets: list[TaskRow]
    by_assignee: Mapping[str, list[TaskRow]]
    graph: Graph
    calendars: Calendars
    changes: Mapping[str, list[Change]]
    categories: Mapping[str, Mapping[str, str]]


async def scoring_input(conn: Connection, targets: list[TaskRow]) -> ScoringInput:
    assignees = sorted({t.assignee for t in targets if t.assignee})
    peers = await rows(conn, "assignee = ANY(%s)", (assignees,)) if assignees else []
    by_assignee: dict[str, list[TaskRow]] = defaultdict(list)
    for r in peers:
        by_assignee[r.assignee].append(r)
    projects = {t.project for t in targets}
    graph = await graph_of(conn, projects)
    cals, categories = await project_context(conn, projects | {r.project for r in peers})
    changes = await changes_of(conn, [t.task for t in targets])
    return ScoringInput(targets, by_assignee, graph, cals, changes, categories)


def histories(data: ScoringInput, *, now: datetime) -> list[TaskHistory]:
    out = []
    today = now.date()
    for row in data.targets:
        peers = data.by_assignee.get(row.assignee, []) if row.assignee else []
        out.append(
            history(
                row,
                as_of=today,
                record=assignee_record(
                    peers, as_of=today, exclude=row.task, calendars=data.calendars
                ),
                predecessors=len(data.graph.predecessors.get(row.task, [])),
                successors=len(data.graph.successors.get(row.task, [])),
                depth=data.graph.depth(row.task),
                cal=calendar_for(data.calendars, row.project),
                so_far=timeline.so_far(
                    data.changes.get(row.task, []),
                    at=now,
                    categories=data.categories.get(row.project, {}),
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------- training


@dataclass(frozen=True)
class TrainingSet:
    histories: list[TaskHistory]
    delay_days: np.ndarray[Any, np.dtype[np.float64]]
    opened_day: np.ndarray[Any, np.dtype[np.int64]]

    @property
    def tasks(self) -> int:
        return len({h.task_id for h in self.histories})


def training_set(
    finished: Sequence[TaskRow],
    graph: Graph,
    calendars: Calendars,
    *,
    changes: Mapping[str, Sequence[Change]] | None = None,
    categories: Mapping[str, Mapping[str, str]] | None = None,
) -> TrainingSet:
    """Finished tasks with a due date, each seen as it was while still open, with its outcome.

    A task gives one row at its opening and one at each later workflow move made before it
    finished and by its due date (`timeline.prediction_points`), with the time in states,
    reopens and estimate changes as they stood then; so the model learns what the workflow
    history says, and scores open tasks the same way. Rows keep the task's opening day, so a
    chronological split never puts one task on both sides.
    """
    changes = changes or {}
    categories = categories or {}
    by_assignee: dict[str, list[TaskRow]] = defaultdict(list)
    for r in finished:
        if r.assignee:
            by_assignee[r.assignee].append(r)
    found: list[TaskHistory] = []
    delays: list[float] = []
    opened: list[int] = []
    epoch = date(1970, 1, 1).toordinal()
    for row in finished:
        cal = calendar_for(calendars, row.project)
        if row.due is None or row.finished_on is None:
            continue
        log = changes.get(row.task, [])
        cats = categories.get(row.project, {})
        opening = datetime.combine(row.opened_on, time.min, tzinfo=UTC)
        # The creation move (time of the event) is the opening when risk saw it happen.
        created = [c.time for c in log if c.is_move and not c.from_state]
        if created and created[0].date() == row.opened_on:
            opening = created[0]
        points = timeline.prediction_points(
            log, opened=opening, due=row.due, finished=row.finished_on
        )
        for at in points:
            h = history(
                row,
                as_of=at.date(),
                record=(
                    assignee_record(
                        by_assignee[row.assignee],
                        as_of=at.date(),
                        exclude=row.task,
                        calendars=calendars,
                    )
                    if row.assignee
                    else AssigneeRecord()
                ),
                predecessors=len(graph.predecessors.get(row.task, [])),
                successors=len(graph.successors.get(row.task, [])),
                depth=graph.depth(row.task),
                cal=cal,
                so_far=timeline.so_far(log, at=at, categories=cats),
            )
            outcome = task_outcome(h)
            if outcome is None:
                break
            found.append(h)
            delays.append(outcome[1])
            opened.append(row.opened_on.toordinal() - epoch)
    return TrainingSet(found, np.array(delays, np.float64), np.array(opened, np.int64))


# ----------------------------------------------------------------------------- models


async def save_model(pool: Pool, model: RiskModel, *, activate: bool) -> None:
    async with connection(pool) as conn, conn.transaction():
        if activate:
            await conn.execute("UPDATE models SET active = false WHERE active")
        await conn.execute(
            "INSERT INTO models (version, record, blob, active) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (version) DO UPDATE SET active = EXCLUDED.active OR models.active",
            (
                model.version.version,
                Jsonb(json.loads(json.dumps(asdict(model.version), default=str))),
                risk_model.dumps(model),
                activate,
            ),
        )


async def list_models(pool: Pool, *, limit: int) -> list[ModelRow]:
    """The newest models first."""
    async with connection(pool) as conn:
        cur = conn.cursor(row_factory=class_row(ModelRow))
        await cur.execute(
            "SELECT version, train_time, blob, active FROM models"
            " ORDER BY train_time DESC LIMIT %s",
            (limit,),
        )
        return await cur.fetchall()


async def active_version(pool: Pool) -> str | None:
    async with connection(pool) as conn:
        cur = conn.cursor(row_factory=class_row(_Version))
        found = await (await cur.execute("SELECT version FROM models WHERE active")).fetchone()
        return found.version if found else None


async def load_active(pool: Pool) -> RiskModel | None:
    async with connection(pool) as conn:
        cur = conn.cursor(row_factory=class_row(_Blob))
        found = await (await cur.execute("SELECT blob FROM models WHERE active")).fetchone()
    return risk_model.loads(bytes(found.blob)) if found else None


class Scorer:
    """The active model (or the prior) applied to tasks held in risk's tables.

    Another replica may activate a model; the active version is re-checked every
    `refresh_seconds`, and the new model loaded once.
    """

    def __init__(self, pool: Pool, executor: Executor, *, refresh_seconds: float = 10.0) -> None:
        self.pool = pool
        self.executor = executor
        self.model: RiskModel | None = None
        self.refresh_seconds = refresh_seconds
        self._checked = 0.0
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        self.model = await load_active(self.pool)
        self._checked = clock.monotonic()
        metrics.set_risk_model(self.model.version.version if self.model else "prior")
        log.info("risk model: %s", self.model.version.version if self.model else "none yet (prior)")

    def activate(self, model: RiskModel) -> None:
        self.model = model
        self._checked = clock.monotonic()
        metrics.set_risk_model(model.version.version)

    async def current(self) -> RiskModel | None:
        if clock.monotonic() - self._checked > self.refresh_seconds:
            async with self._lock:
                if clock.monotonic() - self._checked > self.refresh_seconds:
                    version = await active_version(self.pool)
                    held = self.model.version.version if self.model else None
                    if version != held:
                        await self.load()
                    self._checked = clock.monotonic()
        return self.model

    async def score(
        self, conn: Connection, targets: list[TaskRow], *, now: datetime | None = None
    ) -> list[RiskPrediction]:
        return (await self.score_on_calendars(conn, targets, now=now))[0]

    async def score_on_calendars(
        self, conn: Connection, targets: list[TaskRow], *, now: datetime | None = None
    ) -> tuple[list[RiskPrediction], Calendars]:
        """The predictions, and the projects' calendars they were made on (for their dates)."""
        if not targets:
            return [], {}
        data = await scoring_input(conn, targets)
        model = await self.current()
        moment = now or datetime.now(UTC)
        loop = asyncio.get_running_loop()
        with metrics.RISK_SCORE_SECONDS.time():
            found = await loop.run_in_executor(self.executor, predict, model, data, moment)
        metrics.RISK_SCORED.inc(len(found))
        return found, data.calendars


def predict(model: RiskModel | None, data: ScoringInput, now: datetime) -> list[RiskPrediction]:
    found = histories(data, now=now)
    today = now.date()
    if model is not None:
        # A few spare factors: convert.shown_factors drops the unreadable ones.
        return model.predict([h.task_id for h in found], task_feature_matrix(found), top=5)
    out = []
    for row, h in zip(data.targets, found, strict=True):
        peers = data.by_assignee.get(row.assignee, []) if row.assignee else []
        ratios = assignee_record(
            peers, as_of=today, exclude=row.task, calendars=data.calendars
        ).overrun_ratios
        out.append(prior_for(row, today=today, ratios=ratios, cal=h.calendar))
    return out


def prior_for(
    row: TaskRow, *, today: date, ratios: Sequence[float], cal: WorkingCalendar
) -> RiskPrediction:
    """The prior: the remaining planned working days against the working days left to the
    due date, on the project's calendar."""
    start = max(today, row.started_on or row.planned_start or today)
    estimate = None
    hours = cal.hours_per_day
    if 0 < row.optimistic_hours <= row.estimate_hours <= row.pessimistic_hours:
        estimate = ThreePointEstimate(
            row.optimistic_hours / hours, row.estimate_hours / hours, row.pessimistic_hours / hours
        )
    planned = row.planned_days(cal)
    remaining = planned or 1.0
    if row.started_on and planned:
        remaining = max(planned - workdays.after(cal, row.started_on, today), 0.5)
    available = float(workdays.inclusive(cal, start, row.due)) if row.due else None
    return prior_prediction(
        task_id=row.task,
        planned_days=remaining,
        estimate=estimate,
        days_available=available,
        overrun_ratios=ratios,
    )


# ----------------------------------------------------------------------- scores, alerts


async def held_scores(conn: Connection, tasks: Sequence[str]) -> dict[str, float]:
    cur = conn.cursor(row_factory=class_row(_Score))
    await cur.execute(
        "SELECT task, probability_late FROM scores WHERE task = ANY(%s) ORDER BY task FOR UPDATE",
        (list(tasks),),
    )
    return {r.task: r.probability_late for r in await cur.fetchall()}


async def put_score(
    conn: Connection, *, task: str, project: str, probability: float, risk: bytes
) -> None:
    await conn.execute(
        "INSERT INTO scores (task, project, probability_late, risk, score_time)"
        " VALUES (%s, %s, %s, %s, now()) ON CONFLICT (task) DO UPDATE SET"
        " probability_late = EXCLUDED.probability_late, risk = EXCLUDED.risk,"
        " score_time = EXCLUDED.score_time",
        (task, project, probability, risk),
    )


async def put_scores(conn: Connection, scores: Sequence[tuple[str, str, float, bytes]]) -> None:
    """Upsert many (task, project, probability_late, risk) scores with one statement."""
    if not scores:
        return
    async with conn.cursor() as cur:
        await cur.executemany(
            "INSERT INTO scores (task, project, probability_late, risk, score_time)"
            " VALUES (%s, %s, %s, %s, now()) ON CONFLICT (task) DO UPDATE SET"
            " probability_late = EXCLUDED.probability_late, risk = EXCLUDED.risk,"
            " score_time = EXCLUDED.score_time",
            list(scores),
        )


async def fired(conn: Connection, subjects: Sequence[str]) -> frozenset[tuple[str, str]]:
    cur = conn.cursor(row_factory=class_row(_Fired))
    await cur.execute(
        "SELECT rule, subject FROM alert_fired WHERE subject = ANY(%s) FOR UPDATE",
        (list(subjects),),
    )
    return frozenset((r.rule, r.subject) for r in await cur.fetchall())


async def rearm(conn: Connection, pairs: Iterable[tuple[str, str]]) -> None:
    for rule, subject in pairs:
        await conn.execute(
            "DELETE FROM alert_fired WHERE rule = %s AND subject = %s", (rule, subject)
        )


async def raise_alert(
    conn: Connection,
    *,
    event_id: str,
    project: str,
    rule: str,
    subject: str,
    kind: str,
    value: float,
    threshold: float,
    message: str,
) -> AlertRow | None:
    """The new alert row, or None when another consumer already raised it."""
    cur = await conn.execute(
        "INSERT INTO alert_fired (rule, subject) VALUES (%s, %s) ON CONFLICT DO NOTHING"
        " RETURNING rule",
        (rule, subject),
    )
    if await cur.fetchone() is None:
        return None
    alert = conn.cursor(row_factory=class_row(AlertRow))
    await alert.execute(
        "INSERT INTO alerts (event_id, project, subject, kind, value, threshold, message)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (event_id) DO NOTHING"
        f" RETURNING {ALERT_COLUMNS}",
        (event_id, project, subject, kind, value, threshold, message),
    )
    return await alert.fetchone()


async def list_alerts(
    pool: Pool, *, project: str, limit: int, before_id: int | None
) -> list[AlertRow]:
    async with connection(pool) as conn:
        cur = conn.cursor(row_factory=class_row(AlertRow))
        await cur.execute(
            f"SELECT {ALERT_COLUMNS} FROM alerts"
            " WHERE project = %s AND (%s::bigint IS NULL OR id < %s)"
            " ORDER BY id DESC LIMIT %s",
            (project, before_id, before_id, limit),
        )
        return await cur.fetchall()


async def enqueue(
    conn: Connection, *, event_id: str, subject: str, aggregate: str, payload: bytes
) -> None:
    """An event for the outbox relay, in the caller's transaction; a repeated id is a no-op."""
    await conn.execute(
        "INSERT INTO outbox (event_id, subject, aggregate, payload) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (event_id) DO NOTHING",
        (event_id, subject, aggregate, payload),
    )


async def enqueue_many(conn: Connection, events: Sequence[tuple[str, str, str, bytes]]) -> None:
    """Many (event_id, subject, aggregate, payload) events for the outbox relay at once."""
    if not events:
        return
    async with conn.cursor() as cur:
        await cur.executemany(
            "INSERT INTO outbox (event_id, subject, aggregate, payload) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (event_id) DO NOTHING",
            list(events),
        )
