"""planops.core.v1.PersonService."""

from __future__ import annotations

import dataclasses
from typing import Any

from planops.core.v1 import person_pb2, person_service_pb2, person_service_pb2_grpc
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging
from services.common.auth import Principal, current_principal
from services.common.db import Connection, transaction
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from services.common.server import Context
from services.core import convert, key_store, person_store, store
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
        "skills": convert.skills_json(person.skills),
        "weekly_capacity_hours": person.weekly_capacity_hours or 40.0,
        "working_days": sorted(person.working_days) or [1, 2, 3, 4, 5],
        "time_off": [
            {"start_date": t.start_date, "end_date": t.end_date, "reason": t.reason}
            for t in person.time_off
        ],
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
                row = await person_store.get(conn, names.person_id(earlier[0]))
                return person_service_pb2.CreatePersonResponse(person=convert.person(row))
            if await person_store.exists(conn, person_id):
                raise AlreadyExists(f"people/{person_id} already exists", reason="PERSON_EXISTS")
            created = convert.person(
                await person_store.insert(conn, person_id=person_id, values=values)
            )
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
            view = await person_store.view(conn, principal)
            row = await person_store.seen(conn, view, person_id)
        if row is None and view.everyone:
            raise NotFound(f"{request.name} does not exist", reason="PERSON_NOT_FOUND")
        if row is None:
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
            rows = await person_store.page(
                conn,
                await person_store.view(conn, principal),
                after=after[0] if after else "",
                skill=request.skill,
                project=project,
                limit=size + 1,
            )
        rows, token = paging.page(rows, size, key=lambda last: [last.id], query=query_key)
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
            row = await person_store.get(conn, person_id, lock=True)
            check_etag(request.person.etag, row.version, request.person.name)
            before = convert.person(row)
            checks = Checks()
            values = person_values(
                _merged(before, request.person, paths=paths), checks, field="person"
            )
            checks.raise_if_any()
            updated = await person_store.update(
                conn, person_id=person_id, values=values, paths=paths
            )
            after = convert.person(updated)
            await store.record(
                conn,
                principal,
                Change(
                    kind="person",
                    verb="updated",
                    resource=after.name,
                    project=None,
                    version=updated.version,
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
            row = await person_store.get(conn, person_id, lock=True)
            check_etag(request.etag, row.version, request.name)
            await person_store.delete(conn, person_id)
            await _revoke_keys(conn, principal, row=row)
            await store.record(
                conn,
                principal,
                Change(
                    kind="person",
                    verb="deleted",
                    resource=request.name,
                    project=None,
                    version=row.version + 1,
                    before=convert.person(row),
                    after=None,
                ),
            )
        return person_service_pb2.DeletePersonResponse()


def _merged(
    before: person_pb2.Person, given: person_pb2.Person, *, paths: list[str]
) -> person_pb2.Person:
    """`before` with the fields in `paths` taken from `given`; lists are replaced whole."""
    merged = person_pb2.Person()
    merged.CopyFrom(before)
    for path in paths:
        field = person_pb2.Person.DESCRIPTOR.fields_by_name[path]
        if field.is_repeated:
            merged.ClearField(path)
            getattr(merged, path).extend(getattr(given, path))
        else:
            setattr(merged, path, getattr(given, path))
    return merged


def _shown(row: person_store.SeenPerson) -> person_pb2.Person:
    person = convert.person(row)
    if not row.full:
        person.ClearField("cost_rate")
        for period in person.time_off:
            period.ClearField("reason")
    return person


async def _revoke_keys(
    conn: Connection, principal: Principal, *, row: person_store.PersonRow
) -> None:
    """Revoke a deleted person's keys, each recorded like RevokeApiKey."""
    for key in await key_store.revoke_person(conn, row.uid):
        revoked = convert.api_key(key)
        await store.record(
            conn,
            principal,
            Change(
                kind="api_key",
                verb="revoked",
                resource=revoked.name,
                project=None,
                version=2,
                before=convert.api_key(dataclasses.replace(key, revoke_time=None)),
                after=revoked,
            ),
        )
