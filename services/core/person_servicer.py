"""planops.core.v1.PersonService."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planops.core.v1 import person_pb2, person_service_pb2, person_service_pb2_grpc
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging
from services.common.auth import Principal, current_principal
from services.common.db import Connection, transaction
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.common.server import Context
from services.core import convert, store
from services.core.access import MEMBERS, check_etag, require_admin
from services.core.store import Change
from services.core.validate import Checks, update_paths

UPDATABLE = (
    "display_name",
    "email",
    "aliases",
    "skills",
    "weekly_capacity_hours",
    "working_days",
    "time_off",
    "cost_rate",
    "project_creator",
)


def person_values(person: person_pb2.Person, checks: Checks, *, field: str) -> dict[str, Any]:
    checks.text(person.display_name, f"{field}.display_name", max_len=200, required=True)
    checks.text(person.email, f"{field}.email", max_len=320)
    checks.email(person.email, f"{field}.email")
    checks.strings(list(person.aliases), f"{field}.aliases", max_len=100, max_items=50)
    checks.skills([(s.skill, s.level) for s in person.skills], f"{field}.skills")
    checks.number(person.weekly_capacity_hours, f"{field}.weekly_capacity_hours", low=0, high=168)
    checks.weekdays(list(person.working_days), f"{field}.working_days")
    checks.number(person.cost_rate, f"{field}.cost_rate", low=0, high=1_000_000)
    if len(person.time_off) > 500:
        checks.fail(f"{field}.time_off", "must have at most 500 periods")
    for i, period in enumerate(person.time_off[:500]):
        start = checks.date(period.start_date, f"{field}.time_off[{i}].start_date", required=True)
        end = checks.date(period.end_date, f"{field}.time_off[{i}].end_date", required=True)
        if start and end and end < start:
            checks.fail(f"{field}.time_off[{i}].end_date", "must not be before start_date")
        checks.text(period.reason, f"{field}.time_off[{i}].reason", max_len=200)
    return {
        "display_name": person.display_name.strip(),
        "email": person.email.strip().lower() or None,
        "aliases": list(dict.fromkeys(a.strip() for a in person.aliases)),
        "skills": store.jsonb(convert.skills_json(person.skills)),
        "weekly_capacity_hours": person.weekly_capacity_hours or 40.0,
        "working_days": sorted(person.working_days) or [1, 2, 3, 4, 5],
        "time_off": store.jsonb(
            [
                {"start_date": t.start_date, "end_date": t.end_date, "reason": t.reason}
                for t in person.time_off
            ]
        ),
        "cost_rate": person.cost_rate,
        "project_creator": person.project_creator,
    }


class PersonServicer(person_service_pb2_grpc.PersonServiceServicer):
    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self.pool = pool

    async def CreatePerson(
        self, request: person_service_pb2.CreatePersonRequest, context: Context
    ) -> person_service_pb2.CreatePersonResponse:
        checks = Checks()
        try:
            person_id = names.check_slug(request.person_id, field="person_id")
        except InvalidArgument as error:
            checks.found.extend(error.violations)
            person_id = ""
        checks.request_id(request.request_id)
        values = person_values(request.person, checks, field="person")
        checks.raise_if_any()
        principal = current_principal()
        key = store.Idempotency.of(request, scope="")
        require_admin(principal, "create people")
        async with transaction(self.pool) as conn:
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                return person_service_pb2.CreatePersonResponse(person=await _get(conn, earlier[0]))
            if await (
                await conn.execute("SELECT 1 FROM people WHERE id = %s", (person_id,))
            ).fetchone():
                raise AlreadyExists(f"people/{person_id} already exists", reason="PERSON_EXISTS")
            try:
                async with conn.transaction():
                    row = await (
                        await conn.execute(
                            sql.SQL(
                                "INSERT INTO people (id, {}) VALUES (%s, {}) RETURNING *"
                            ).format(
                                sql.SQL(", ").join(map(sql.Identifier, values)),
                                sql.SQL(", ").join(sql.Placeholder() * len(values)),
                            ),
                            [person_id, *values.values()],
                        )
                    ).fetchone()
            except pg_errors.UniqueViolation:
                raise AlreadyExists(
                    f"another person has the e-mail {values['email']}", reason="EMAIL_TAKEN"
                ) from None
            assert row is not None
            created = convert.person(row)
            await store.record(
                conn,
                principal,
                Change(
                    kind="person",
                    verb="created",
                    resource=created.name,
                    project=None,
                    version=1,
                    before=None,
                    after=created,
                ),
            )
            await store.remember(conn, principal, key, resources=[created.name])
        return person_service_pb2.CreatePersonResponse(person=created)

    async def GetPerson(
        self, request: person_service_pb2.GetPersonRequest, context: Context
    ) -> person_service_pb2.GetPersonResponse:
        person_id = names.person_id(request.name)
        principal = current_principal()
        async with transaction(self.pool) as conn:
            view = await _view(conn, principal)
            row = await (
                await conn.execute(
                    f"SELECT p.*, {VISIBLE} AS visible, {FULL} AS full FROM people p"
                    " WHERE p.id = %(id)s",
                    {**view.params(), "id": person_id},
                )
            ).fetchone()
        if row is None and view.everyone:
            raise NotFound(f"{request.name} does not exist", reason="PERSON_NOT_FOUND")
        if row is None or not row["visible"]:
            # The same answer whether or not the person exists: no probing the directory.
            raise PermissionDenied(
                f"{principal.member} shares no project with {request.name}",
                reason="PERSON_NOT_VISIBLE",
            )
        return person_service_pb2.GetPersonResponse(person=_shown(row))

    async def ListPeople(
        self, request: person_service_pb2.ListPeopleRequest, context: Context
    ) -> person_service_pb2.ListPeopleResponse:
        size = paging.page_size(request.page_size)
        project = names.project_id(request.project, field="project") if request.project else None
        query_key = ["people", request.skill, request.project]
        after = paging.decode(request.page_token, query=query_key, shape=[paging.text])
        principal = current_principal()
        async with transaction(self.pool) as conn:
            if project:
                await store.require_role(conn, principal, project, *MEMBERS)
            view = await _view(conn, principal)
            rows = await (
                await conn.execute(
                    f"SELECT p.*, {FULL} AS full FROM people p WHERE p.id > %(after)s"
                    f" AND {VISIBLE}"
                    " AND (%(skill)s = '' OR p.skills @> jsonb_build_array("
                    "      jsonb_build_object('skill', %(skill)s::text)))"
                    " AND (%(project)s::text IS NULL OR EXISTS (SELECT 1 FROM memberships m"
                    "      WHERE m.project_id = %(project)s AND m.member = 'people/' || p.id))"
                    " ORDER BY p.id LIMIT %(limit)s",
                    {
                        **view.params(),
                        "after": after[0] if after else "",
                        "skill": request.skill,
                        "project": project,
                        "limit": size + 1,
                    },
                )
            ).fetchall()
        rows, token = paging.page(rows, size, key=lambda last: [last["id"]], query=query_key)
        return person_service_pb2.ListPeopleResponse(
            people=[_shown(r) for r in rows], next_page_token=token
        )

    async def UpdatePerson(
        self, request: person_service_pb2.UpdatePersonRequest, context: Context
    ) -> person_service_pb2.UpdatePersonResponse:
        person_id = names.person_id(request.person.name, field="person.name")
        paths = update_paths(list(request.update_mask.paths), allowed=UPDATABLE)
        principal = current_principal()
        require_admin(principal, "change people")
        async with transaction(self.pool) as conn:
            row = await _row(conn, person_id, lock=True)
            check_etag(request.person.etag, row["version"], request.person.name)
            before = convert.person(row)
            merged = person_pb2.Person()
            merged.CopyFrom(before)
            for path in paths:
                field = person_pb2.Person.DESCRIPTOR.fields_by_name[path]
                if field.is_repeated:
                    merged.ClearField(path)
                    getattr(merged, path).extend(getattr(request.person, path))
                else:
                    setattr(merged, path, getattr(request.person, path))
            checks = Checks()
            values = person_values(merged, checks, field="person")
            checks.raise_if_any()
            try:
                async with conn.transaction():
                    updated = await (
                        await conn.execute(
                            sql.SQL(
                                "UPDATE people SET {}, version = version + 1, update_time = now()"
                                " WHERE id = %s RETURNING *"
                            ).format(
                                sql.SQL(", ").join(
                                    sql.SQL("{} = %s").format(sql.Identifier(p)) for p in paths
                                )
                            ),
                            [*(values[p] for p in paths), person_id],
                        )
                    ).fetchone()
            except pg_errors.UniqueViolation:
                raise AlreadyExists(
                    f"another person has the e-mail {values['email']}", reason="EMAIL_TAKEN"
                ) from None
            assert updated is not None
            after = convert.person(updated)
            await store.record(
                conn,
                principal,
                Change(
                    kind="person",
                    verb="updated",
                    resource=after.name,
                    project=None,
                    version=updated["version"],
                    before=before,
                    after=after,
                    changed_fields=paths,
                ),
            )
        return person_service_pb2.UpdatePersonResponse(person=after)

    async def DeletePerson(
        self, request: person_service_pb2.DeletePersonRequest, context: Context
    ) -> person_service_pb2.DeletePersonResponse:
        person_id = names.person_id(request.name)
        principal = current_principal()
        require_admin(principal, "delete people")
        async with transaction(self.pool) as conn:
            row = await _row(conn, person_id, lock=True)
            check_etag(request.etag, row["version"], request.name)
            busy = await (
                await conn.execute(
                    "SELECT count(*) AS n FROM tasks WHERE assignee = %s", (person_id,)
                )
            ).fetchone()
            assert busy is not None
            if busy["n"]:
                raise FailedPrecondition(
                    f"{request.name} is assigned {busy['n']} tasks; reassign them first",
                    reason="PERSON_ASSIGNED",
                )
            try:
                async with conn.transaction():
                    await conn.execute("DELETE FROM people WHERE id = %s", (person_id,))
            except pg_errors.ForeignKeyViolation:
                raise FailedPrecondition(
                    f"{request.name} has logged time; their record stays",
                    reason="PERSON_HAS_HISTORY",
                ) from None
            await conn.execute("DELETE FROM memberships WHERE member = %s", (request.name,))
            await _revoke_keys(conn, principal, person_uid=row["uid"])
            # Request ids are remembered per caller id: a namesake created later must not
            # have their first requests answered with what this person made.
            await conn.execute("DELETE FROM idempotency WHERE principal = %s", (request.name,))
            await store.record(
                conn,
                principal,
                Change(
                    kind="person",
                    verb="deleted",
                    resource=request.name,
                    project=None,
                    version=row["version"] + 1,
                    before=convert.person(row),
                    after=None,
                ),
            )
        return person_service_pb2.DeletePersonResponse()


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


async def _view(conn: Connection, principal: Principal) -> View:
    rule_project = principal.rule_project
    if rule_project is not None:
        return View(shared=(rule_project,), managed=(rule_project,))
    if principal.reads_all:
        return View(everyone=True, full_for_all=principal.admin)
    rows = await (
        await conn.execute(
            "SELECT project_id, roles FROM memberships WHERE member = %s", (principal.member,)
        )
    ).fetchall()
    kind, _, ident = principal.member.partition("/")
    return View(
        me=ident if kind == "people" else "",
        shared=tuple(r["project_id"] for r in rows),
        managed=tuple(r["project_id"] for r in rows if "manager" in r["roles"]),
    )


def _shown(row: dict[str, Any]) -> person_pb2.Person:
    person = convert.person(row)
    if not row["full"]:
        person.ClearField("cost_rate")
        for period in person.time_off:
            period.ClearField("reason")
    return person


async def _revoke_keys(conn: Connection, principal: Principal, *, person_uid: object) -> None:
    """Revoke a deleted person's keys, each recorded like RevokeApiKey."""
    rows = await (
        await conn.execute(
            "UPDATE api_keys SET revoke_time = now()"
            " WHERE person_uid = %s AND revoke_time IS NULL RETURNING *",
            (person_uid,),
        )
    ).fetchall()
    for row in rows:
        revoked = convert.api_key(row)
        before = convert.api_key({**row, "revoke_time": None})
        await store.record(
            conn,
            principal,
            Change(
                kind="api_key",
                verb="revoked",
                resource=revoked.name,
                project=None,
                version=2,
                before=before,
                after=revoked,
            ),
        )


async def _row(conn: Connection, person_id: str, *, lock: bool = False) -> dict[str, Any]:
    row = await (
        await conn.execute(
            "SELECT * FROM people WHERE id = %s" + (" FOR UPDATE" if lock else ""), (person_id,)
        )
    ).fetchone()
    if row is None:
        raise NotFound(f"people/{person_id} does not exist", reason="PERSON_NOT_FOUND")
    return row


async def _get(conn: Connection, name: str) -> person_pb2.Person:
    return convert.person(await _row(conn, names.person_id(name)))
