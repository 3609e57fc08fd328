"""SQL for projects, their ids, memberships and iterations, returning typed rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from psycopg import sql
from psycopg.rows import class_row

from services.common.auth import Principal
from services.common.db import Connection
from services.common.errors import NotFound
from services.core.store import _refuse


@dataclass(frozen=True)
class ProjectRow:
    id: str
    display_name: str
    description: str
    time_zone: str
    calendar: dict[str, Any]
    start_date: dt.date | None
    deadline: dt.date | None
    workflow: dict[str, Any]
    staff_pools: list[dict[str, Any]]
    version: int
    create_time: dt.datetime
    update_time: dt.datetime


@dataclass(frozen=True)
class MembershipRow:
    project_id: str
    member: str
    roles: list[str]
    version: int
    create_time: dt.datetime


@dataclass(frozen=True)
class IterationRow:
    id: int
    project_id: str
    display_name: str
    goal: str
    start_date: dt.date
    end_date: dt.date
    version: int
    create_time: dt.datetime


@dataclass(frozen=True)
class _ProjectWithRoles(ProjectRow):
    member_roles: list[str] | None


async def find(conn: Connection, project: str, *, lock: bool = False) -> ProjectRow | None:
    query = "SELECT * FROM projects WHERE id = %s" + (" FOR NO KEY UPDATE" if lock else "")
    cur = conn.cursor(row_factory=class_row(ProjectRow))
    return await (await cur.execute(query, (project,))).fetchone()


async def get(conn: Connection, project: str, *, lock: bool = False) -> ProjectRow:
    """The project, or NotFound; `lock` serialises writers of the project and its graph."""
    row = await find(conn, project, lock=lock)
    if row is None:
        raise NotFound(f"projects/{project} does not exist", reason="PROJECT_NOT_FOUND")
    return row


async def access(
    conn: Connection, principal: Principal, project: str, *roles: str
) -> tuple[set[str], ProjectRow]:
    """The caller's roles and the project, in one query; refused like `store.require_role`."""
    cur = conn.cursor(row_factory=class_row(_ProjectWithRoles))
    row = await (
        await cur.execute(
            "SELECT p.*, m.roles AS member_roles FROM projects p"
            " LEFT JOIN memberships m ON m.project_id = p.id AND m.member = %s"
            " WHERE p.id = %s",
            (principal.member, project),
        )
    ).fetchone()
    held = principal.granted(project, set(row.member_roles or ()) if row else set())
    if not held & set(roles):
        raise _refuse(principal, project, roles)
    if row is None:
        raise NotFound(f"projects/{project} does not exist", reason="PROJECT_NOT_FOUND")
    return held, row


async def page(
    conn: Connection, principal: Principal, *, after: str, limit: int
) -> list[ProjectRow]:
    """Projects the caller may read, by id after `after`."""
    cur = conn.cursor(row_factory=class_row(ProjectRow))
    return await (
        await cur.execute(
            "SELECT * FROM projects p WHERE id > %s AND (%s OR p.id = %s OR EXISTS ("
            " SELECT 1 FROM memberships m WHERE m.project_id = p.id AND m.member = %s))"
            " ORDER BY id LIMIT %s",
            (after, principal.reads_all, principal.rule_project, principal.member, limit),
        )
    ).fetchall()


async def is_project_creator(conn: Connection, person: str) -> bool:
    row = await (
        await conn.execute("SELECT project_creator FROM people WHERE id = %s", (person,))
    ).fetchone()
    return row is not None and bool(row["project_creator"])


async def claim_id(conn: Connection, project: str) -> Literal["claimed", "taken", "retired"]:
    """Reserve the id for good: ids of deleted projects stay retired."""
    claimed = await (
        await conn.execute(
            "INSERT INTO project_ids (id) VALUES (%s) ON CONFLICT DO NOTHING RETURNING id",
            (project,),
        )
    ).fetchone()
    if claimed is not None:
        return "claimed"
    used = await (
        await conn.execute("SELECT delete_time FROM project_ids WHERE id = %s", (project,))
    ).fetchone()
    return "taken" if used is not None and used["delete_time"] is None else "retired"


async def insert(conn: Connection, *, project: str, values: Mapping[str, Any]) -> ProjectRow:
    cur = conn.cursor(row_factory=class_row(ProjectRow))
    row = await (
        await cur.execute(
            sql.SQL("INSERT INTO projects (id, {}) VALUES (%s, {}) RETURNING *").format(
                sql.SQL(", ").join(map(sql.Identifier, values)),
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
            ),
            [project, *values.values()],
        )
    ).fetchone()
    assert row is not None
    return row


async def update(
    conn: Connection, *, project: str, values: Mapping[str, Any], columns: Sequence[str]
) -> ProjectRow:
    """Set `columns` from `values` and move the project to its next version."""
    cur = conn.cursor(row_factory=class_row(ProjectRow))
    row = await (
        await cur.execute(
            sql.SQL(
                "UPDATE projects SET {}, version = version + 1, update_time = now()"
                " WHERE id = %s RETURNING *"
            ).format(
                sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns)
            ),
            [*(values[c] for c in columns), project],
        )
    ).fetchone()
    assert row is not None
    return row


async def task_count(conn: Connection, project: str) -> int:
    row = await (
        await conn.execute("SELECT count(*) AS n FROM tasks WHERE project_id = %s", (project,))
    ).fetchone()
    assert row is not None
    return int(row["n"])


async def delete(conn: Connection, project: str) -> None:
    """Delete the project (its rows cascade) and retire its id."""
    await conn.execute("DELETE FROM projects WHERE id = %s", (project,))
    await conn.execute("UPDATE project_ids SET delete_time = now() WHERE id = %s", (project,))


async def states_in_use(conn: Connection, project: str, *, besides: Sequence[str]) -> list[str]:
    """States of the project's tasks that are not among `besides`, sorted."""
    rows = await (
        await conn.execute(
            "SELECT DISTINCT state FROM tasks WHERE project_id = %s AND NOT (state = ANY(%s))",
            (project, list(besides)),
        )
    ).fetchall()
    return sorted(r["state"] for r in rows)


async def insert_membership(
    conn: Connection, *, project: str, member: str, roles: Sequence[str]
) -> MembershipRow | None:
    """The new membership, or None if the member already belongs to the project."""
    cur = conn.cursor(row_factory=class_row(MembershipRow))
    return await (
        await cur.execute(
            "INSERT INTO memberships (project_id, member, roles) VALUES (%s, %s, %s)"
            " ON CONFLICT DO NOTHING RETURNING *",
            (project, member, list(roles)),
        )
    ).fetchone()


async def membership(
    conn: Connection, *, project: str, member: str, lock: bool = False
) -> MembershipRow | None:
    cur = conn.cursor(row_factory=class_row(MembershipRow))
    return await (
        await cur.execute(
            "SELECT * FROM memberships WHERE project_id = %s AND member = %s"
            + (" FOR UPDATE" if lock else ""),
            (project, member),
        )
    ).fetchone()


async def memberships(
    conn: Connection, *, project: str, after: str, limit: int
) -> list[MembershipRow]:
    cur = conn.cursor(row_factory=class_row(MembershipRow))
    return await (
        await cur.execute(
            "SELECT * FROM memberships WHERE project_id = %s AND member > %s"
            " ORDER BY member LIMIT %s",
            (project, after, limit),
        )
    ).fetchall()


async def managers(conn: Connection, project: str) -> set[str]:
    rows = await (
        await conn.execute(
            "SELECT member FROM memberships WHERE project_id = %s AND 'manager' = ANY(roles)",
            (project,),
        )
    ).fetchall()
    return {r["member"] for r in rows}


async def set_roles(
    conn: Connection, *, project: str, member: str, roles: Sequence[str]
) -> MembershipRow:
    cur = conn.cursor(row_factory=class_row(MembershipRow))
    row = await (
        await cur.execute(
            "UPDATE memberships SET roles = %s, version = version + 1"
            " WHERE project_id = %s AND member = %s RETURNING *",
            (list(roles), project, member),
        )
    ).fetchone()
    assert row is not None
    return row


async def delete_membership(conn: Connection, *, project: str, member: str) -> MembershipRow | None:
    cur = conn.cursor(row_factory=class_row(MembershipRow))
    return await (
        await cur.execute(
            "DELETE FROM memberships WHERE project_id = %s AND member = %s RETURNING *",
            (project, member),
        )
    ).fetchone()


async def iteration(conn: Connection, ident: int) -> IterationRow | None:
    cur = conn.cursor(row_factory=class_row(IterationRow))
    return await (await cur.execute("SELECT * FROM iterations WHERE id = %s", (ident,))).fetchone()


async def insert_iteration(
    conn: Connection,
    *,
    project: str,
    display_name: str,
    goal: str,
    start: dt.date,
    end: dt.date,
) -> IterationRow:
    cur = conn.cursor(row_factory=class_row(IterationRow))
    row = await (
        await cur.execute(
            "INSERT INTO iterations (project_id, display_name, goal, start_date, end_date)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING *",
            (project, display_name, goal, start, end),
        )
    ).fetchone()
    assert row is not None
    return row


async def iterations(
    conn: Connection, *, project: str, after: Sequence[Any] | None, limit: int
) -> list[IterationRow]:
    """The project's iterations, latest start first, after the key `after`."""
    cur = conn.cursor(row_factory=class_row(IterationRow))
    return await (
        await cur.execute(
            "SELECT * FROM iterations WHERE project_id = %s"
            " AND (%s::date IS NULL OR (start_date, id) < (%s::date, %s))"
            " ORDER BY start_date DESC, id DESC LIMIT %s",
            (
                project,
                after[0] if after else None,
                after[0] if after else None,
                after[1] if after else 0,
                limit,
            ),
        )
    ).fetchall()


async def delete_iteration(conn: Connection, *, project: str, ident: int) -> IterationRow | None:
    cur = conn.cursor(row_factory=class_row(IterationRow))
    return await (
        await cur.execute(
            "DELETE FROM iterations WHERE id = %s AND project_id = %s RETURNING *",
            (ident, project),
        )
    ).fetchone()


async def existing_people(conn: Connection, people: Sequence[str]) -> set[str]:
    """Which of the person ids in `people` exist."""
    if not people:
        return set()
    rows = await (
        await conn.execute("SELECT id FROM people WHERE id = ANY(%s)", (list(people),))
    ).fetchall()
    return {r["id"] for r in rows}
