"""SQL for people and whom a caller may see in the directory, returning typed rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.rows import class_row

from services.common.auth import Principal
from services.common.db import Connection
from services.common.errors import AlreadyExists, FailedPrecondition, NotFound
from services.core import store

# Stored as JSON; every other value goes in as it is.
JSON_COLUMNS = frozenset({"skills", "time_off"})


@dataclass(frozen=True)
class PersonRow:
    id: str
    display_name: str
    email: str | None
    aliases: list[str]
    skills: list[dict[str, Any]]
    weekly_capacity_hours: float
    working_days: list[int]
    time_off: list[dict[str, str]]
    cost_rate: float
    project_creator: bool
    # Stays the same only for this record: a namesake created later gets another.
    uid: uuid.UUID
    version: int
    create_time: dt.datetime
    update_time: dt.datetime


@dataclass(frozen=True)
class SeenPerson(PersonRow):
    """A person as one caller sees them: `full` includes cost rate and time-off reasons."""

    full: bool


COLUMNS = ", ".join(f.name for f in fields(PersonRow))
P_COLUMNS = ", ".join(f"p.{f.name}" for f in fields(PersonRow))

# Whom a caller sees in the directory: everyone for an admin or a reading service; else
# themselves and the people who share a project with them. Cost rates and the reasons for
# time off only for admins, the person themselves and the managers of a project they are in.
VISIBLE = (
    "(%(everyone)s OR p.id = %(me)s OR EXISTS (SELECT 1 FROM memberships t"
    " WHERE t.member = 'people/' || p.id AND t.project_id = ANY(%(shared)s)))"
)
FULL = (
    "(%(full_for_all)s OR p.id = %(me)s OR EXISTS (SELECT 1 FROM memberships t"
    " WHERE t.member = 'people/' || p.id AND t.project_id = ANY(%(managed)s)))"
)


@dataclass(frozen=True)
class View:
    """What of the people directory one caller may read (see VISIBLE and FULL)."""

    everyone: bool = False
    full_for_all: bool = False
    me: str = ""
    shared: tuple[str, ...] = ()
    managed: tuple[str, ...] = ()

    def params(self) -> dict[str, Any]:
        return {
            "everyone": self.everyone,
            "full_for_all": self.full_for_all,
            "me": self.me,
            "shared": list(self.shared),
            "managed": list(self.managed),
        }


@dataclass(frozen=True)
class _Membership:
    project_id: str
    roles: list[str]


async def view(conn: Connection, principal: Principal) -> View:
    rule_project = principal.rule_project
    if rule_project is not None:
        return View(shared=(rule_project,), managed=(rule_project,))
    if principal.reads_all:
        return View(everyone=True, full_for_all=principal.admin)
    cur = conn.cursor(row_factory=class_row(_Membership))
    rows = await (
        await cur.execute(
            "SELECT project_id, roles FROM memberships WHERE member = %s", (principal.member,)
        )
    ).fetchall()
    kind, _, ident = principal.member.partition("/")
    return View(
        me=ident if kind == "people" else "",
        shared=tuple(r.project_id for r in rows),
        managed=tuple(r.project_id for r in rows if "manager" in r.roles),
    )


async def seen(conn: Connection, shown_to: View, person_id: str) -> SeenPerson | None:
    """The person, or None when they do not exist or the caller may not see them."""
    cur = conn.cursor(row_factory=class_row(SeenPerson))
    return await (
        await cur.execute(
            f"SELECT {P_COLUMNS}, {FULL} AS full FROM people p WHERE p.id = %(id)s AND {VISIBLE}",
            {**shown_to.params(), "id": person_id},
        )
    ).fetchone()


async def page(
    conn: Connection,
    shown_to: View,
    *,
    after: str,
    skill: str,
    project: str | None,
    limit: int,
) -> list[SeenPerson]:
    """People the caller may see, by id after `after`, with `skill` and in `project` if set."""
    cur = conn.cursor(row_factory=class_row(SeenPerson))
    return await (
        await cur.execute(
            f"SELECT {P_COLUMNS}, {FULL} AS full FROM people p WHERE p.id > %(after)s"
            f" AND {VISIBLE}"
            " AND (%(skill)s = '' OR p.skills @> jsonb_build_array("
            "      jsonb_build_object('skill', %(skill)s::text)))"
            " AND (%(project)s::text IS NULL OR EXISTS (SELECT 1 FROM memberships m"
            "      WHERE m.project_id = %(project)s AND m.member = 'people/' || p.id))"
            " ORDER BY p.id LIMIT %(limit)s",
            {
                **shown_to.params(),
                "after": after,
                "skill": skill,
                "project": project,
                "limit": limit,
            },
        )
    ).fetchall()


async def get(conn: Connection, person_id: str, *, lock: bool = False) -> PersonRow:
    """The person, or NotFound; `lock` holds the row until the transaction ends."""
    cur = conn.cursor(row_factory=class_row(PersonRow))
    row = await (
        await cur.execute(
            f"SELECT {COLUMNS} FROM people WHERE id = %s" + (" FOR UPDATE" if lock else ""),
            (person_id,),
        )
    ).fetchone()
    if row is None:
        raise NotFound(f"people/{person_id} does not exist", reason="PERSON_NOT_FOUND")
    return row


async def exists(conn: Connection, person_id: str) -> bool:
    found = await (
        await conn.execute("SELECT 1 FROM people WHERE id = %s", (person_id,))
    ).fetchone()
    return found is not None


async def insert(conn: Connection, *, person_id: str, values: Mapping[str, Any]) -> PersonRow:
    """A new person; another person's e-mail is ALREADY_EXISTS, and the savepoint keeps the
    caller's transaction usable after it."""
    stored = _stored(values)
    cur = conn.cursor(row_factory=class_row(PersonRow))
    try:
        async with conn.transaction():
            row = await (
                await cur.execute(
                    sql.SQL("INSERT INTO people (id, {}) VALUES (%s, {}) RETURNING {}").format(
                        sql.SQL(", ").join(map(sql.Identifier, stored)),
                        sql.SQL(", ").join(sql.Placeholder() * len(stored)),
                        sql.SQL(COLUMNS),
                    ),
                    [person_id, *stored.values()],
                )
            ).fetchone()
    except pg_errors.UniqueViolation:
        raise _email_taken(values) from None
    assert row is not None
    return row


async def update(
    conn: Connection, *, person_id: str, values: Mapping[str, Any], paths: Sequence[str]
) -> PersonRow:
    """Set the fields in `paths` from `values` and bump the version."""
    stored = _stored(values)
    cur = conn.cursor(row_factory=class_row(PersonRow))
    try:
        async with conn.transaction():
            row = await (
                await cur.execute(
                    sql.SQL(
                        "UPDATE people SET {}, version = version + 1, update_time = now()"
                        " WHERE id = %s RETURNING {}"
                    ).format(
                        sql.SQL(", ").join(
                            sql.SQL("{} = %s").format(sql.Identifier(p)) for p in paths
                        ),
                        sql.SQL(COLUMNS),
                    ),
                    [*(stored[p] for p in paths), person_id],
                )
            ).fetchone()
    except pg_errors.UniqueViolation:
        raise _email_taken(values) from None
    assert row is not None
    return row


async def delete(conn: Connection, person_id: str) -> None:
    """Delete the person with their memberships and remembered request ids; refused while
    they are assigned tasks or have logged time."""
    name = f"people/{person_id}"
    busy = await (
        await conn.execute("SELECT count(*) AS n FROM tasks WHERE assignee = %s", (person_id,))
    ).fetchone()
    assert busy is not None
    if busy["n"]:
        raise FailedPrecondition(
            f"{name} is assigned {busy['n']} tasks; reassign them first",
            reason="PERSON_ASSIGNED",
        )
    try:
        async with conn.transaction():
            await conn.execute("DELETE FROM people WHERE id = %s", (person_id,))
    except pg_errors.ForeignKeyViolation:
        raise FailedPrecondition(
            f"{name} has logged time; their record stays", reason="PERSON_HAS_HISTORY"
        ) from None
    await conn.execute("DELETE FROM memberships WHERE member = %s", (name,))
    # Request ids are remembered per caller id: a namesake created later must not have their
    # first requests answered with what this person made.
    await conn.execute("DELETE FROM idempotency WHERE principal = %s", (name,))


def _stored(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: store.jsonb(v) if k in JSON_COLUMNS else v for k, v in values.items()}


def _email_taken(values: Mapping[str, Any]) -> AlreadyExists:
    return AlreadyExists(f"another person has the e-mail {values['email']}", reason="EMAIL_TAKEN")
