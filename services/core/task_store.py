"""SQL for tasks, their history, comments, time entries and dependencies, returning typed rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from psycopg import sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from services.common import paging
from services.common.db import Connection
from services.common.errors import NotFound
from services.core.tasks import Order
from services.core.validate import Checks

R = TypeVar("R")


@dataclass(frozen=True)
class TaskRow:
    id: int
    project_id: str
    title: str
    description: str
    state: str
    priority: int
    assignee: str | None
    required_skills: list[dict[str, Any]]
    estimate_hours: float
    optimistic_hours: float
    pessimistic_hours: float
    planned_start: dt.date | None
    planned_end: dt.date | None
    due_date: dt.date | None
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None
    parent_id: int | None
    labels: list[str]
    source: int
    source_ref: str
    iteration_id: int | None
    locked: bool
    splittable: bool
    staffing: dict[str, Any]
    crew: list[str]
    version: int
    create_time: dt.datetime
    update_time: dt.datetime


@dataclass(frozen=True)
class NewTaskRow(TaskRow):
    """A task as inserted, with the id and time of its first history entry."""

    transition_id: int
    transition_time: dt.datetime


@dataclass(frozen=True)
class TransitionRow:
    id: int
    task_id: int
    project_id: str
    from_state: str
    to_state: str
    actor: dict[str, str]
    time: dt.datetime
    comment: str


@dataclass(frozen=True)
class CommentRow:
    id: int
    task_id: int
    project_id: str
    author: dict[str, str]
    body: str
    create_time: dt.datetime


@dataclass(frozen=True)
class TimeEntryRow:
    id: int
    task_id: int
    project_id: str
    person: str
    work_date: dt.date
    hours: float
    note: str
    create_time: dt.datetime


@dataclass(frozen=True)
class DependencyRow:
    id: int
    project_id: str
    predecessor_id: int
    successor_id: int
    type: int
    lag_days: int
    version: int
    create_time: dt.datetime


@dataclass(frozen=True)
class TaskFilter:
    """Which of a project's tasks a list shows; every field narrows it."""

    project: str
    states: Sequence[str] = ()
    unassigned: bool = False
    assignee: str | None = None
    label: str = ""
    due_before: dt.date | None = None
    due_after: dt.date | None = None
    iteration: int | None = None
    # Overdue: due before this day (today where the project is) and in none of `closed_states`.
    due_before_today: dt.date | None = None
    closed_states: Sequence[str] = ()


# order -> (ORDER BY clause, keyset condition on the previous page's last key)
ORDERS: dict[Order, tuple[str, str]] = {
    Order.ID: ("id ASC", "id > %s"),
    Order.DUE_DATE: (
        "COALESCE(due_date, 'infinity'::date) ASC, id ASC",
        "(COALESCE(due_date, 'infinity'::date), id) > (%s::date, %s)",
    ),
    Order.PRIORITY: (
        "priority DESC, id ASC",
        "(priority < %s OR (priority = %s AND id > %s))",
    ),
    Order.UPDATE_TIME: (
        "update_time DESC, id DESC",
        "(update_time, id) < (%s::timestamptz, %s)",
    ),
}

# The parts of each order's page key, as `paging.decode` checks them.
KEY_SHAPES: dict[Order, paging.KeyShape] = {
    Order.ID: [paging.integer],
    Order.DUE_DATE: [paging.day, paging.integer],
    Order.PRIORITY: [paging.integer, paging.integer],
    Order.UPDATE_TIME: [paging.moment, paging.integer],
}

JSON_COLUMNS = frozenset({"required_skills", "staffing"})


def sort_key(order: Order, row: TaskRow) -> list[Any]:
    """The page key of `row` in `order`, as the next page's keyset condition reads it."""
    if order is Order.DUE_DATE:
        return [row.due_date.isoformat() if row.due_date else "infinity", row.id]
    if order is Order.PRIORITY:
        return [row.priority, row.id]
    if order is Order.UPDATE_TIME:
        return [row.update_time.isoformat(), row.id]
    return [row.id]


def keyset_params(order: Order, key: Sequence[Any]) -> list[Any]:
    if order is Order.PRIORITY:
        return [key[0], key[0], key[1]]
    return list(key)


def _adapt(column: str, value: Any) -> Any:
    return Jsonb(value) if column in JSON_COLUMNS else value


async def find(conn: Connection, *, project: str, task: int, lock: bool = False) -> TaskRow | None:
    cur = conn.cursor(row_factory=class_row(TaskRow))
    return await (
        await cur.execute(
            "SELECT * FROM tasks WHERE id = %s AND project_id = %s"
            + (" FOR UPDATE" if lock else ""),
            (task, project),
        )
    ).fetchone()


async def get(conn: Connection, *, project: str, task: int, lock: bool = False) -> TaskRow:
    """The task, or NotFound naming it; `lock` holds it until the transaction ends."""
    row = await find(conn, project=project, task=task, lock=lock)
    if row is None:
        raise NotFound(f"projects/{project}/tasks/{task} does not exist", reason="TASK_NOT_FOUND")
    return row


async def exists(conn: Connection, *, project: str, task: int) -> bool:
    found = await (
        await conn.execute("SELECT 1 FROM tasks WHERE id = %s AND project_id = %s", (task, project))
    ).fetchone()
    return found is not None


async def person_exists(conn: Connection, person: str) -> bool:
    found = await (await conn.execute("SELECT 1 FROM people WHERE id = %s", (person,))).fetchone()
    return found is not None


async def check_references(
    conn: Connection, values: Mapping[str, Any], *, project: str, field: str
) -> None:
    """References that must exist: the assignee and the crew, the parent task, the iteration,
    the staff pool."""
    checks = Checks()
    if values.get("assignee") and not await person_exists(conn, values["assignee"]):
        checks.fail(f"{field}.assignee", f"people/{values['assignee']} does not exist")
    if values.get("crew"):
        rows = await (
            await conn.execute("SELECT id FROM people WHERE id = ANY(%s)", (values["crew"],))
        ).fetchall()
        known = {r["id"] for r in rows}
        for i, member in enumerate(values["crew"]):
            if member not in known:
                checks.fail(f"{field}.crew[{i}]", f"people/{member} does not exist")
    pool = (values.get("staffing") or {}).get("staff_pool")
    if pool:
        found = await (
            await conn.execute(
                "SELECT 1 FROM projects, jsonb_array_elements(staff_pools) p"
                " WHERE id = %s AND p->>'id' = %s",
                (project, pool),
            )
        ).fetchone()
        if found is None:
            checks.fail(f"{field}.staffing.staff_pool", "no such staff pool in this project")
    if values.get("parent_id") and not await exists(
        conn, project=project, task=values["parent_id"]
    ):
        checks.fail(f"{field}.parent", "no such task in this project")
    if values.get("iteration_id"):
        found = await (
            await conn.execute(
                "SELECT 1 FROM iterations WHERE id = %s AND project_id = %s",
                (values["iteration_id"], project),
            )
        ).fetchone()
        if found is None:
            checks.fail(f"{field}.iteration", "no such iteration in this project")
    checks.raise_if_any()


async def insert(
    conn: Connection,
    *,
    project: str,
    state: str,
    values: Mapping[str, Any],
    actor: Mapping[str, str],
    comment: str,
) -> NewTaskRow:
    """The task and its first history entry, in one statement."""
    columns = list(values)
    cur = conn.cursor(row_factory=class_row(NewTaskRow))
    row = await (
        await cur.execute(
            sql.SQL(
                "WITH t AS (INSERT INTO tasks (project_id, state, {}) VALUES (%s, %s, {}) RETURNING *),"
                " h AS (INSERT INTO task_transitions (task_id, project_id, from_state, to_state, actor, comment)"
                "  SELECT id, project_id, '', state, %s, %s FROM t RETURNING id, time)"
                " SELECT t.*, h.id AS transition_id, h.time AS transition_time FROM t, h"
            ).format(
                sql.SQL(", ").join(map(sql.Identifier, columns)),
                sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            ),
            [project, state, *(_adapt(c, v) for c, v in values.items()), Jsonb(actor), comment],
        )
    ).fetchone()
    assert row is not None
    return row


async def update(
    conn: Connection, *, task: int, values: Mapping[str, Any], columns: Sequence[str]
) -> TaskRow:
    """Set `columns` from `values` and move the task to its next version."""
    cur = conn.cursor(row_factory=class_row(TaskRow))
    row = await (
        await cur.execute(
            sql.SQL(
                "UPDATE tasks SET {}, version = version + 1, update_time = now() WHERE id = %s RETURNING *"
            ).format(
                sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns)
            ),
            [*(_adapt(c, values[c]) for c in columns), task],
        )
    ).fetchone()
    assert row is not None
    return row


async def delete(conn: Connection, task: int) -> None:
    await conn.execute("DELETE FROM tasks WHERE id = %s", (task,))


async def move(conn: Connection, *, task: int, to_state: str, category: str) -> TaskRow:
    """Put the task in `to_state`; entering an active state starts it, a done or cancelled
    one ends it, and any other clears its end."""
    cur = conn.cursor(row_factory=class_row(TaskRow))
    row = await (
        await cur.execute(
            "UPDATE tasks SET state = %s, version = version + 1, update_time = now(),"
            " actual_start = CASE WHEN %s = 'active' THEN COALESCE(actual_start, now()) ELSE actual_start END,"
            " actual_end = CASE WHEN %s IN ('done', 'cancelled') THEN now() ELSE NULL END"
            " WHERE id = %s RETURNING *",
            (to_state, category, category, task),
        )
    ).fetchone()
    assert row is not None
    return row


async def add_transition(
    conn: Connection,
    *,
    task: int,
    project: str,
    from_state: str,
    to_state: str,
    actor: Mapping[str, str],
    comment: str,
) -> TransitionRow:
    cur = conn.cursor(row_factory=class_row(TransitionRow))
    row = await (
        await cur.execute(
            "INSERT INTO task_transitions (task_id, project_id, from_state, to_state, actor, comment)"
            " VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
            (task, project, from_state, to_state, Jsonb(actor), comment),
        )
    ).fetchone()
    assert row is not None
    return row


async def page(
    conn: Connection,
    where: TaskFilter,
    *,
    order: Order,
    after: Sequence[Any] | None,
    limit: int,
) -> list[TaskRow]:
    """Up to `limit` tasks matching `where` in `order`, after the page key `after`."""
    conditions = [sql.SQL("project_id = %s")]
    params: list[Any] = [where.project]
    if where.states:
        conditions.append(sql.SQL("state = ANY(%s)"))
        params.append(list(where.states))
    if where.unassigned:
        conditions.append(sql.SQL("assignee IS NULL"))
    elif where.assignee:
        conditions.append(sql.SQL("assignee = %s"))
        params.append(where.assignee)
    if where.label:
        conditions.append(sql.SQL("labels @> ARRAY[%s]::text[]"))
        params.append(where.label)
    if where.due_before:
        conditions.append(sql.SQL("due_date <= %s"))
        params.append(where.due_before)
    if where.due_after:
        conditions.append(sql.SQL("due_date >= %s"))
        params.append(where.due_after)
    if where.iteration is not None:
        conditions.append(sql.SQL("iteration_id = %s"))
        params.append(where.iteration)
    if where.due_before_today is not None:
        conditions.append(sql.SQL("due_date < %s AND NOT (state = ANY(%s))"))
        params += [where.due_before_today, list(where.closed_states)]
    order_sql, keyset_sql = ORDERS[order]
    if after is not None:
        conditions.append(sql.SQL(keyset_sql))
        params += keyset_params(order, after)
    query = sql.SQL("SELECT * FROM tasks WHERE {} ORDER BY {} LIMIT {}").format(
        sql.SQL(" AND ").join(conditions),
        sql.SQL(order_sql),
        sql.Literal(limit),
    )
    cur = conn.cursor(row_factory=class_row(TaskRow))
    return await (await cur.execute(query, params)).fetchall()


async def _children(
    conn: Connection,
    *,
    row: type[R],
    table: str,
    project: str,
    task: int,
    after: int,
    limit: int,
) -> list[R]:
    cur = conn.cursor(row_factory=class_row(row))
    return await (
        await cur.execute(
            sql.SQL(
                "SELECT * FROM {} WHERE task_id = %s AND project_id = %s AND id > %s ORDER BY id LIMIT %s"
            ).format(sql.Identifier(table)),
            (task, project, after, limit),
        )
    ).fetchall()


async def transitions(
    conn: Connection, *, project: str, task: int, after: int, limit: int
) -> list[TransitionRow]:
    """A task's history, oldest first (kept after the task is deleted)."""
    return await _children(
        conn,
        row=TransitionRow,
        table="task_transitions",
        project=project,
        task=task,
        after=after,
        limit=limit,
    )


async def comments(
    conn: Connection, *, project: str, task: int, after: int, limit: int
) -> list[CommentRow]:
    return await _children(
        conn, row=CommentRow, table="comments", project=project, task=task, after=after, limit=limit
    )


async def time_entries(
    conn: Connection, *, project: str, task: int, after: int, limit: int
) -> list[TimeEntryRow]:
    return await _children(
        conn,
        row=TimeEntryRow,
        table="time_entries",
        project=project,
        task=task,
        after=after,
        limit=limit,
    )


async def made_earlier(conn: Connection, *, row: type[R], table: str, name: str) -> R:
    """The row a retried create made the first time; its id is the last part of `name`."""
    cur = conn.cursor(row_factory=class_row(row))
    found = await (
        await cur.execute(
            sql.SQL("SELECT * FROM {} WHERE id = %s").format(sql.Identifier(table)),
            (int(name.rsplit("/", 1)[1]),),
        )
    ).fetchone()
    if found is None:
        raise NotFound(f"{name} was created by this request and since deleted", reason="DELETED")
    return found


async def insert_comment(
    conn: Connection, *, project: str, task: int, author: Mapping[str, str], body: str
) -> CommentRow:
    cur = conn.cursor(row_factory=class_row(CommentRow))
    row = await (
        await cur.execute(
            "INSERT INTO comments (task_id, project_id, author, body) VALUES (%s, %s, %s, %s)"
            " RETURNING *",
            (task, project, Jsonb(author), body),
        )
    ).fetchone()
    assert row is not None
    return row


async def insert_time_entry(
    conn: Connection,
    *,
    project: str,
    task: int,
    person: str,
    work_date: dt.date,
    hours: float,
    note: str,
) -> TimeEntryRow:
    cur = conn.cursor(row_factory=class_row(TimeEntryRow))
    row = await (
        await cur.execute(
            "INSERT INTO time_entries (task_id, project_id, person, work_date, hours, note)"
            " VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
            (task, project, person, work_date, hours, note),
        )
    ).fetchone()
    assert row is not None
    return row


async def missing_task(conn: Connection, *, project: str, tasks: Sequence[int]) -> int | None:
    """The first of `tasks` that is not a task of the project, or None."""
    for task in tasks:
        if not await exists(conn, project=project, task=task):
            return task
    return None


async def edges(conn: Connection, project: str) -> list[tuple[int, int]]:
    """The project's dependencies as (predecessor, successor) task ids."""
    rows = await (
        await conn.execute(
            "SELECT predecessor_id, successor_id FROM dependencies WHERE project_id = %s",
            (project,),
        )
    ).fetchall()
    return [(r["predecessor_id"], r["successor_id"]) for r in rows]


async def titles(conn: Connection, tasks: Sequence[int]) -> dict[int, str]:
    rows = await (
        await conn.execute("SELECT id, title FROM tasks WHERE id = ANY(%s)", (list(tasks),))
    ).fetchall()
    return {r["id"]: r["title"] for r in rows}


async def insert_dependency(
    conn: Connection,
    *,
    project: str,
    predecessor: int,
    successor: int,
    type: int,
    lag_days: int,
) -> DependencyRow:
    cur = conn.cursor(row_factory=class_row(DependencyRow))
    row = await (
        await cur.execute(
            "INSERT INTO dependencies (project_id, predecessor_id, successor_id, type, lag_days)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING *",
            (project, predecessor, successor, type, lag_days),
        )
    ).fetchone()
    assert row is not None
    return row


async def dependencies(
    conn: Connection, *, project: str, task: int | None, after: int, limit: int
) -> list[DependencyRow]:
    """The project's dependencies by id, or only those touching `task`."""
    cur = conn.cursor(row_factory=class_row(DependencyRow))
    return await (
        await cur.execute(
            "SELECT * FROM dependencies WHERE project_id = %s AND id > %s"
            " AND (%s::bigint IS NULL OR predecessor_id = %s OR successor_id = %s)"
            " ORDER BY id LIMIT %s",
            (project, after, task, task, task, limit),
        )
    ).fetchall()


async def delete_dependency(conn: Connection, *, project: str, ident: int) -> DependencyRow | None:
    cur = conn.cursor(row_factory=class_row(DependencyRow))
    return await (
        await cur.execute(
            "DELETE FROM dependencies WHERE id = %s AND project_id = %s RETURNING *",
            (ident, project),
        )
    ).fetchone()
