"""SQL for reports: one project's (or iteration's) tasks, history, time and people, as the
plain facts `reports.py` computes from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from psycopg.rows import class_row

from services.common import names
from services.common.db import Connection
from services.common.errors import NotFound
from services.core import reports


@dataclass(frozen=True)
class _Span:
    start_date: dt.date
    end_date: dt.date


@dataclass(frozen=True)
class _Task:
    id: int
    title: str
    state: str
    assignee: str | None
    estimate_hours: float
    due_date: dt.date | None
    create_time: dt.datetime


@dataclass(frozen=True)
class _Move:
    task_id: int
    to_state: str
    time: dt.datetime


@dataclass(frozen=True)
class _Entry:
    task_id: int
    person: str
    work_date: dt.date
    hours: float


@dataclass(frozen=True)
class _Person:
    id: str
    display_name: str
    cost_rate: float


async def snapshot(conn: Connection) -> None:
    """Make every later read of this transaction see the same moment, so that the sections
    of one report agree with each other; call it first."""
    await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


async def facts(conn: Connection, *, project: str, iteration: int | None) -> reports.Facts:
    """The project's facts, or one iteration's with its dates as the span."""
    span = None if iteration is None else await _span(conn, project=project, iteration=iteration)
    cur = conn.cursor(row_factory=class_row(_Task))
    tasks = await (
        await cur.execute(
            "SELECT id, title, state, assignee, estimate_hours, due_date, create_time"
            " FROM tasks WHERE project_id = %s AND (%s::bigint IS NULL OR iteration_id = %s)",
            (project, iteration, iteration),
        )
    ).fetchall()
    ids = [t.id for t in tasks]
    moves: dict[int, list[reports.Move]] = {i: [] for i in ids}
    for move in await _moves(conn, project=project, ids=ids):
        moves[move.task_id].append(reports.Move(to_state=move.to_state, time=move.time))
    entries = await _entries(conn, project=project, ids=ids)
    people = await _people(
        conn, {t.assignee for t in tasks if t.assignee} | {e.person for e in entries}
    )
    return reports.Facts(
        tasks=[
            reports.TaskFacts(
                name=names.task_name(project, t.id),
                title=t.title,
                state=t.state,
                assignee=f"people/{t.assignee}" if t.assignee else "",
                estimate_hours=t.estimate_hours,
                due_date=t.due_date,
                created=t.create_time,
                moves=tuple(moves[t.id]),
            )
            for t in tasks
        ],
        entries=[
            reports.TimeEntry(
                task=names.task_name(project, e.task_id),
                person=f"people/{e.person}",
                work_date=e.work_date,
                hours=e.hours,
            )
            for e in entries
        ],
        people={
            f"people/{p.id}": reports.Person(
                person=f"people/{p.id}", display_name=p.display_name, cost_rate=p.cost_rate
            )
            for p in people
        },
        span=span,
    )


async def _span(conn: Connection, *, project: str, iteration: int) -> tuple[dt.date, dt.date]:
    cur = conn.cursor(row_factory=class_row(_Span))
    found = await (
        await cur.execute(
            "SELECT start_date, end_date FROM iterations WHERE id = %s AND project_id = %s",
            (iteration, project),
        )
    ).fetchone()
    if found is None:
        raise NotFound(
            f"projects/{project}/iterations/{iteration} does not exist",
            reason="ITERATION_NOT_FOUND",
        )
    return found.start_date, found.end_date


async def _moves(conn: Connection, *, project: str, ids: list[int]) -> list[_Move]:
    cur = conn.cursor(row_factory=class_row(_Move))
    return await (
        await cur.execute(
            "SELECT task_id, to_state, time FROM task_transitions"
            " WHERE project_id = %s AND task_id = ANY(%s) ORDER BY task_id, id",
            (project, ids),
        )
    ).fetchall()


async def _entries(conn: Connection, *, project: str, ids: list[int]) -> list[_Entry]:
    cur = conn.cursor(row_factory=class_row(_Entry))
    return await (
        await cur.execute(
            "SELECT task_id, person, work_date, hours FROM time_entries"
            " WHERE project_id = %s AND task_id = ANY(%s)",
            (project, ids),
        )
    ).fetchall()


async def _people(conn: Connection, ids: set[str]) -> list[_Person]:
    cur = conn.cursor(row_factory=class_row(_Person))
    return await (
        await cur.execute(
            "SELECT id, display_name, cost_rate FROM people WHERE id = ANY(%s)", (sorted(ids),)
        )
    ).fetchall()
