"""planops.core.v1.ProjectService: projects, memberships and iterations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from planops.core.v1 import project_pb2, project_service_pb2, project_service_pb2_grpc
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging, workcal
from services.common.auth import CREATE_PROJECTS, Principal, current_principal
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
from services.core import workflow as wf
from services.core.store import Change
from services.core.task_servicer import MEMBERS, check_etag, project_row
from services.core.validate import MAX_LIST, Checks, update_paths

UPDATABLE = (
    "display_name",
    "description",
    "time_zone",
    "calendar",
    "start_date",
    "deadline",
    "workflow",
    "staff_pools",
)
MAX_STAFF_POOLS = 50
STAFF_POOL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\Z")


def project_values(project: project_pb2.Project, checks: Checks, *, field: str) -> dict[str, Any]:
    checks.text(project.display_name, f"{field}.display_name", max_len=200, required=True)
    checks.text(project.description, f"{field}.description", max_len=10_000)
    checks.time_zone(project.time_zone or "UTC", f"{field}.time_zone")
    cal = project.calendar
    checks.weekdays(list(cal.working_days), f"{field}.calendar.working_days")
    checks.number(cal.hours_per_day or 8.0, f"{field}.calendar.hours_per_day", low=1, high=24)
    if cal.holiday_country and not workcal.supported_country(cal.holiday_country):
        checks.fail(
            f"{field}.calendar.holiday_country",
            f"{cal.holiday_country!r} is not a supported country code",
        )
    elif cal.holiday_subdivision and not workcal.supported_subdivision(
        cal.holiday_country, cal.holiday_subdivision
    ):
        checks.fail(
            f"{field}.calendar.holiday_subdivision", "is not a subdivision of holiday_country"
        )
    checks.dates(list(cal.days_off), f"{field}.calendar.days_off")
    checks.dates(list(cal.extra_working_days), f"{field}.calendar.extra_working_days")
    start = checks.date(project.start_date, f"{field}.start_date")
    deadline = checks.date(project.deadline, f"{field}.deadline")
    if start and deadline and deadline < start:
        checks.fail(f"{field}.deadline", "must not be before start_date")
    flow = convert.workflow_from_proto(project.workflow) if project.workflow.states else wf.DEFAULT
    checks.found.extend(wf.check(flow, field=f"{field}.workflow"))
    pools = staff_pools_json(project.staff_pools, checks, field=f"{field}.staff_pools")
    return {
        "display_name": project.display_name.strip(),
        "description": project.description,
        "time_zone": project.time_zone or "UTC",
        "calendar": store.jsonb(convert.calendar_to_json(cal)),
        "start_date": start,
        "deadline": deadline,
        "workflow": store.jsonb(flow.to_json()),
        "staff_pools": store.jsonb(pools),
    }


def staff_pools_json(
    pools: Sequence[project_pb2.StaffPool], checks: Checks, *, field: str
) -> list[dict[str, Any]]:
    """The staff pools as stored, recording every bad field (members are checked to exist
    by `check_pool_members`)."""
    if len(pools) > MAX_STAFF_POOLS:
        checks.fail(field, f"must have at most {MAX_STAFF_POOLS} staff pools")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, pool in enumerate(pools[:MAX_STAFF_POOLS]):
        where = f"{field}[{i}]"
        if not STAFF_POOL_ID.match(pool.id):
            checks.fail(f"{where}.id", "must be 1-63 lower-case letters, digits and hyphens")
        elif pool.id in seen:
            checks.fail(f"{where}.id", f"{pool.id!r} appears twice")
        seen.add(pool.id)
        checks.text(pool.display_name, f"{where}.display_name", max_len=200)
        if not 1 <= len(pool.members) <= MAX_LIST:
            checks.fail(f"{where}.members", f"must name 1 to {MAX_LIST} people")
        members: list[str] = []
        for k, member in enumerate(pool.members[:MAX_LIST]):
            try:
                person = names.person_id(member, field=f"{where}.members[{k}]")
            except InvalidArgument as error:
                checks.found.extend(error.violations)
                continue
            if person in members:
                checks.fail(f"{where}.members[{k}]", f"{member} appears twice")
            members.append(person)
        checks.weekdays(list(pool.working_days), f"{where}.working_days")
        checks.dates(list(pool.days_off), f"{where}.days_off")
        out.append(
            {
                "id": pool.id,
                "displayName": pool.display_name,
                "members": [f"people/{m}" for m in members],
                "workingDays": list(pool.working_days) or [1, 2, 3, 4, 5],
                "daysOff": sorted(set(pool.days_off)),
            }
        )
    return out


async def check_pool_members(conn: Connection, pools: Sequence[project_pb2.StaffPool]) -> None:
    """Every staff pool member must be a person who exists."""
    wanted = {m.removeprefix("people/") for pool in pools for m in pool.members}
    if not wanted:
        return
    rows = await (
        await conn.execute("SELECT id FROM people WHERE id = ANY(%s)", (sorted(wanted),))
    ).fetchall()
    known = {r["id"] for r in rows}
    checks = Checks()
    for i, pool in enumerate(pools):
        for k, member in enumerate(pool.members):
            if member.removeprefix("people/") not in known:
                checks.fail(f"project.staff_pools[{i}].members[{k}]", f"{member} does not exist")
    checks.raise_if_any()


async def require_project_creator(conn: Connection, principal: Principal) -> None:
    """Refuse unless the call may create projects: an admin, a service with the
    create-projects scope on its own, or a person (acted for or calling) whose record has the
    project_creator right. Read in the caller's transaction, so a right taken away stops the
    very next call."""
    if principal.acting_for:
        if principal.rule_project is not None:
            raise PermissionDenied(
                "an automation rule cannot create projects", reason="ROLE_REQUIRED"
            )
        person = principal.acting_for
    elif principal.admin:
        return
    elif principal.is_service:
        if CREATE_PROJECTS in principal.scopes:
            return
        person = ""
    else:
        person = principal.principal
    if person.startswith("people/"):
        row = await (
            await conn.execute(
                "SELECT project_creator FROM people WHERE id = %s",
                (person.removeprefix("people/"),),
            )
        ).fetchone()
        if row is not None and row["project_creator"]:
            return
    raise PermissionDenied(
        "creating projects needs the project_creator right (an admin grants it to a person, "
        "or the create-projects scope to a service key)",
        reason="PROJECT_CREATOR_REQUIRED",
    )


async def insert_project(
    conn: Connection,
    principal: Principal,
    *,
    project_id: str,
    values: dict[str, Any],
    creators: str,
) -> project_pb2.Project:
    """Create the project and make its creator a manager: the person a service acts for,
    never the service (whose key would then manage it acting for nobody). `creators` is the
    installation's PLANOPS_PROJECT_CREATORS (`granted` or `everyone`)."""
    if principal.rule_project is not None:
        raise PermissionDenied("an automation rule cannot create projects", reason="ROLE_REQUIRED")
    if creators != "everyone":
        await require_project_creator(conn, principal)
    creator = principal.member
    claimed = await (
        await conn.execute(
            "INSERT INTO project_ids (id) VALUES (%s) ON CONFLICT DO NOTHING RETURNING id",
            (project_id,),
        )
    ).fetchone()
    if claimed is None:
        used = await (
            await conn.execute("SELECT delete_time FROM project_ids WHERE id = %s", (project_id,))
        ).fetchone()
        if used is not None and used["delete_time"] is None:
            raise AlreadyExists(f"projects/{project_id} already exists", reason="PROJECT_EXISTS")
        raise AlreadyExists(
            f"project_id: projects/{project_id} was deleted and its id is retired; choose another",
            reason="PROJECT_ID_RETIRED",
        )
    row = await (
        await conn.execute(
            sql.SQL("INSERT INTO projects (id, {}) VALUES (%s, {}) RETURNING *").format(
                sql.SQL(", ").join(map(sql.Identifier, values)),
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
            ),
            [project_id, *values.values()],
        )
    ).fetchone()
    assert row is not None
    created = convert.project(row)
    await store.record(
        conn,
        principal,
        Change(
            kind="project",
            verb="created",
            resource=created.name,
            project=project_id,
            version=1,
            before=None,
            after=created,
        ),
    )
    member = await (
        await conn.execute(
            "INSERT INTO memberships (project_id, member, roles) VALUES (%s, %s, %s) RETURNING *",
            (project_id, creator, ["manager"]),
        )
    ).fetchone()
    assert member is not None
    membership = convert.membership(member)
    await store.record(
        conn,
        principal,
        Change(
            kind="membership",
            verb="created",
            resource=membership.name,
            project=project_id,
            version=1,
            before=None,
            after=membership,
        ),
    )
    return created


class ProjectServicer(project_service_pb2_grpc.ProjectServiceServicer):
    def __init__(
        self, pool: AsyncConnectionPool[Connection], *, project_creators: str = "granted"
    ) -> None:
        self.pool = pool
        self.project_creators = project_creators

    async def CreateProject(
        self, request: project_service_pb2.CreateProjectRequest, context: Context
    ) -> project_service_pb2.CreateProjectResponse:
        checks = Checks()
        try:
            project_id = names.check_slug(request.project_id, field="project_id")
        except InvalidArgument as error:
            checks.found.extend(error.violations)
            project_id = ""
        checks.request_id(request.request_id)
        values = project_values(request.project, checks, field="project")
        checks.raise_if_any()
        principal = current_principal()
        key = store.Idempotency.of(request, scope="")
        async with transaction(self.pool) as conn:
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                row = await project_row(conn, names.project_id(earlier[0]))
                return project_service_pb2.CreateProjectResponse(project=convert.project(row))
            await check_pool_members(conn, request.project.staff_pools)
            created = await insert_project(
                conn,
                principal,
                project_id=project_id,
                values=values,
                creators=self.project_creators,
            )
            await store.remember(conn, principal, key, resources=[created.name])
        return project_service_pb2.CreateProjectResponse(project=created)

    async def GetProject(
        self, request: project_service_pb2.GetProjectRequest, context: Context
    ) -> project_service_pb2.GetProjectResponse:
        project = names.project_id(request.name)
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            return project_service_pb2.GetProjectResponse(
                project=convert.project(await project_row(conn, project))
            )

    async def ListProjects(
        self, request: project_service_pb2.ListProjectsRequest, context: Context
    ) -> project_service_pb2.ListProjectsResponse:
        size = paging.page_size(request.page_size)
        principal = current_principal()
        after = paging.decode(
            request.page_token, query=["projects", principal.principal], shape=[paging.text]
        )
        async with transaction(self.pool) as conn:
            rows = await (
                await conn.execute(
                    "SELECT * FROM projects p WHERE id > %s AND (%s OR p.id = %s OR EXISTS ("
                    " SELECT 1 FROM memberships m WHERE m.project_id = p.id AND m.member = %s))"
                    " ORDER BY id LIMIT %s",
                    (
                        after[0] if after else "",
                        principal.reads_all,
                        principal.rule_project,
                        principal.member,
                        size + 1,
                    ),
                )
            ).fetchall()
        rows, token = paging.page(
            rows, size, key=lambda last: [last["id"]], query=["projects", principal.principal]
        )
        return project_service_pb2.ListProjectsResponse(
            projects=[convert.project(r) for r in rows], next_page_token=token
        )

    async def UpdateProject(
        self, request: project_service_pb2.UpdateProjectRequest, context: Context
    ) -> project_service_pb2.UpdateProjectResponse:
        project = names.project_id(request.project.name, field="project.name")
        paths = update_paths(list(request.update_mask.paths), allowed=UPDATABLE)
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            row = await project_row(conn, project, lock=True)
            check_etag(request.project.etag, row["version"], request.project.name)
            before = convert.project(row)
            merged = project_pb2.Project()
            merged.CopyFrom(before)
            for path in paths:
                field = project_pb2.Project.DESCRIPTOR.fields_by_name[path]
                if field.is_repeated:
                    merged.ClearField(path)
                    getattr(merged, path).extend(getattr(request.project, path))
                elif field.message_type is not None:
                    getattr(merged, path).CopyFrom(getattr(request.project, path))
                else:
                    setattr(merged, path, getattr(request.project, path))
            checks = Checks()
            values = project_values(merged, checks, field="project")
            checks.raise_if_any()
            if "workflow" in paths:
                await _check_states_kept(conn, project, merged.workflow)
            if "staff_pools" in paths:
                await check_pool_members(conn, merged.staff_pools)
            updated = await (
                await conn.execute(
                    sql.SQL(
                        "UPDATE projects SET {}, version = version + 1, update_time = now() WHERE id = %s RETURNING *"
                    ).format(
                        sql.SQL(", ").join(
                            sql.SQL("{} = %s").format(sql.Identifier(p)) for p in paths
                        )
                    ),
                    [*(values[p] for p in paths), project],
                )
            ).fetchone()
            assert updated is not None
            after = convert.project(updated)
            await store.record(
                conn,
                principal,
                Change(
                    kind="project",
                    verb="updated",
                    resource=after.name,
                    project=project,
                    version=updated["version"],
                    before=before,
                    after=after,
                    changed_fields=paths,
                ),
            )
        return project_service_pb2.UpdateProjectResponse(project=after)

    async def DeleteProject(
        self, request: project_service_pb2.DeleteProjectRequest, context: Context
    ) -> project_service_pb2.DeleteProjectResponse:
        project = names.project_id(request.name)
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            row = await project_row(conn, project, lock=True)
            check_etag(request.etag, row["version"], request.name)
            count = await (
                await conn.execute(
                    "SELECT count(*) AS n FROM tasks WHERE project_id = %s", (project,)
                )
            ).fetchone()
            assert count is not None
            if count["n"] and not request.force:
                raise FailedPrecondition(
                    f"{request.name} has {count['n']} tasks; delete them first or set force",
                    reason="PROJECT_NOT_EMPTY",
                )
            await conn.execute("DELETE FROM projects WHERE id = %s", (project,))
            await conn.execute(
                "UPDATE project_ids SET delete_time = now() WHERE id = %s", (project,)
            )
            await store.record(
                conn,
                principal,
                Change(
                    kind="project",
                    verb="deleted",
                    resource=request.name,
                    project=project,
                    version=row["version"] + 1,
                    before=convert.project(row),
                    after=None,
                ),
            )
        return project_service_pb2.DeleteProjectResponse()

    async def CreateMembership(
        self, request: project_service_pb2.CreateMembershipRequest, context: Context
    ) -> project_service_pb2.CreateMembershipResponse:
        project = names.project_id(request.parent, field="parent")
        member = names.member(request.membership.member, field="membership.member")
        roles = _roles(list(request.membership.roles))
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            await project_row(conn, project)
            if member.startswith("people/"):
                found = await (
                    await conn.execute("SELECT 1 FROM people WHERE id = %s", (member[7:],))
                ).fetchone()
                if found is None:
                    raise InvalidArgument.field("membership.member", f"{member} does not exist")
            row = await (
                await conn.execute(
                    "INSERT INTO memberships (project_id, member, roles) VALUES (%s, %s, %s)"
                    " ON CONFLICT DO NOTHING RETURNING *",
                    (project, member, roles),
                )
            ).fetchone()
            if row is None:
                raise AlreadyExists(
                    f"{member} is already a member of {request.parent}", reason="MEMBERSHIP_EXISTS"
                )
            created = convert.membership(row)
            await store.record(
                conn,
                principal,
                Change(
                    kind="membership",
                    verb="created",
                    resource=created.name,
                    project=project,
                    version=1,
                    before=None,
                    after=created,
                ),
            )
        return project_service_pb2.CreateMembershipResponse(membership=created)

    async def ListMemberships(
        self, request: project_service_pb2.ListMembershipsRequest, context: Context
    ) -> project_service_pb2.ListMembershipsResponse:
        project = names.project_id(request.parent, field="parent")
        size = paging.page_size(request.page_size)
        after = paging.decode(
            request.page_token, query=["memberships", project], shape=[paging.text]
        )
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            rows = await (
                await conn.execute(
                    "SELECT * FROM memberships WHERE project_id = %s AND member > %s ORDER BY member LIMIT %s",
                    (project, after[0] if after else "", size + 1),
                )
            ).fetchall()
        rows, token = paging.page(
            rows, size, key=lambda last: [last["member"]], query=["memberships", project]
        )
        return project_service_pb2.ListMembershipsResponse(
            memberships=[convert.membership(r) for r in rows], next_page_token=token
        )

    async def UpdateMembership(
        self, request: project_service_pb2.UpdateMembershipRequest, context: Context
    ) -> project_service_pb2.UpdateMembershipResponse:
        project, member = _membership_name(request.membership.name, field="membership.name")
        update_paths(list(request.update_mask.paths), allowed=("roles",))
        roles = _roles(list(request.membership.roles))
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            row = await (
                await conn.execute(
                    "SELECT * FROM memberships WHERE project_id = %s AND member = %s FOR UPDATE",
                    (project, member),
                )
            ).fetchone()
            if row is None:
                raise NotFound(
                    f"{request.membership.name} does not exist", reason="MEMBERSHIP_NOT_FOUND"
                )
            check_etag(request.membership.etag, row["version"], request.membership.name)
            await _keep_a_manager(conn, project, member, roles)
            updated = await (
                await conn.execute(
                    "UPDATE memberships SET roles = %s, version = version + 1"
                    " WHERE project_id = %s AND member = %s RETURNING *",
                    (roles, project, member),
                )
            ).fetchone()
            assert updated is not None
            after = convert.membership(updated)
            await store.record(
                conn,
                principal,
                Change(
                    kind="membership",
                    verb="updated",
                    resource=after.name,
                    project=project,
                    version=updated["version"],
                    before=convert.membership(row),
                    after=after,
                    changed_fields=["roles"],
                ),
            )
        return project_service_pb2.UpdateMembershipResponse(membership=after)

    async def DeleteMembership(
        self, request: project_service_pb2.DeleteMembershipRequest, context: Context
    ) -> project_service_pb2.DeleteMembershipResponse:
        project, member = _membership_name(request.name, field="name")
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            await _keep_a_manager(conn, project, member, [])
            row = await (
                await conn.execute(
                    "DELETE FROM memberships WHERE project_id = %s AND member = %s RETURNING *",
                    (project, member),
                )
            ).fetchone()
            if row is None:
                raise NotFound(f"{request.name} does not exist", reason="MEMBERSHIP_NOT_FOUND")
            await store.record(
                conn,
                principal,
                Change(
                    kind="membership",
                    verb="deleted",
                    resource=request.name,
                    project=project,
                    version=row["version"] + 1,
                    before=convert.membership(row),
                    after=None,
                ),
            )
        return project_service_pb2.DeleteMembershipResponse()

    async def CreateIteration(
        self, request: project_service_pb2.CreateIterationRequest, context: Context
    ) -> project_service_pb2.CreateIterationResponse:
        project = names.project_id(request.parent, field="parent")
        it = request.iteration
        checks = Checks()
        checks.request_id(request.request_id)
        checks.text(it.display_name, "iteration.display_name", max_len=200, required=True)
        checks.text(it.goal, "iteration.goal", max_len=2000)
        start = checks.date(it.start_date, "iteration.start_date", required=True)
        end = checks.date(it.end_date, "iteration.end_date", required=True)
        if start and end and not 0 <= (end - start).days <= 27:
            checks.fail(
                "iteration.end_date",
                "must be 0 to 27 days after start_date (a time box of up to 4 weeks)",
            )
        checks.raise_if_any()
        principal = current_principal()
        key = store.Idempotency.of(request, scope=project)
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                first = await store.made_earlier(conn, table="iterations", name=earlier[0])
                return project_service_pb2.CreateIterationResponse(
                    iteration=convert.iteration(first)
                )
            await project_row(conn, project)
            row = await (
                await conn.execute(
                    "INSERT INTO iterations (project_id, display_name, goal, start_date, end_date)"
                    " VALUES (%s, %s, %s, %s, %s) RETURNING *",
                    (project, it.display_name.strip(), it.goal, start, end),
                )
            ).fetchone()
            assert row is not None
            created = convert.iteration(row)
            await store.record(
                conn,
                principal,
                Change(
                    kind="iteration",
                    verb="created",
                    resource=created.name,
                    project=project,
                    version=1,
                    before=None,
                    after=created,
                ),
            )
            await store.remember(conn, principal, key, resources=[created.name])
        return project_service_pb2.CreateIterationResponse(iteration=created)

    async def ListIterations(
        self, request: project_service_pb2.ListIterationsRequest, context: Context
    ) -> project_service_pb2.ListIterationsResponse:
        project = names.project_id(request.parent, field="parent")
        size = paging.page_size(request.page_size)
        after = paging.decode(
            request.page_token,
            query=["iterations", project],
            shape=[paging.day, paging.integer],
        )
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            rows = await (
                await conn.execute(
                    "SELECT * FROM iterations WHERE project_id = %s"
                    " AND (%s::date IS NULL OR (start_date, id) < (%s::date, %s))"
                    " ORDER BY start_date DESC, id DESC LIMIT %s",
                    (
                        project,
                        after[0] if after else None,
                        after[0] if after else None,
                        after[1] if after else 0,
                        size + 1,
                    ),
                )
            ).fetchall()
        rows, token = paging.page(
            rows,
            size,
            key=lambda last: [last["start_date"].isoformat(), last["id"]],
            query=["iterations", project],
        )
        return project_service_pb2.ListIterationsResponse(
            iterations=[convert.iteration(r) for r in rows], next_page_token=token
        )

    async def DeleteIteration(
        self, request: project_service_pb2.DeleteIterationRequest, context: Context
    ) -> project_service_pb2.DeleteIterationResponse:
        project, ident = names.child_id(request.name, collection="iterations")
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            await store.delete_child(
                conn,
                principal,
                table="iterations",
                kind="iteration",
                name=request.name,
                project=project,
                ident=ident,
                to_proto=convert.iteration,
            )
        return project_service_pb2.DeleteIterationResponse()


def _roles(values: list[int]) -> list[str]:
    if not values:
        raise InvalidArgument.field("membership.roles", "must name at least one role")
    try:
        return sorted({convert.ROLE_FROM_PROTO[v] for v in values})
    except KeyError:
        raise InvalidArgument.field("membership.roles", "holds an unknown role") from None


def _membership_name(name: str, *, field: str) -> tuple[str, str]:
    """(project id, member) of `projects/{project}/memberships/{people|services}/{id}`.

    The member's kind is part of the name: `projects/{p}/memberships/{id}`, the old form,
    named a person and a service with the same id alike, so it is refused.
    """
    parts = name.split("/")
    if len(parts) != 5 or parts[2] != "memberships":
        raise InvalidArgument.field(
            field,
            "must be projects/{project}/memberships/people/{person} or "
            "projects/{project}/memberships/services/{service}",
        )
    project = names.project_id("/".join(parts[:2]), field=field)
    member = names.member("/".join(parts[3:]), field=field)
    return project, member


async def _keep_a_manager(
    conn: Connection, project: str, member: str, new_roles: list[str]
) -> None:
    """Refuse a change that would leave the project with no manager."""
    if "manager" in new_roles:
        return
    rows = await (
        await conn.execute(
            "SELECT member FROM memberships WHERE project_id = %s AND 'manager' = ANY(roles)",
            (project,),
        )
    ).fetchall()
    if {r["member"] for r in rows} == {member}:
        raise FailedPrecondition("a project must keep at least one manager", reason="LAST_MANAGER")


async def _check_states_kept(conn: Connection, project: str, flow: project_pb2.Workflow) -> None:
    states = [s.id for s in flow.states]
    rows = await (
        await conn.execute(
            "SELECT DISTINCT state FROM tasks WHERE project_id = %s AND NOT (state = ANY(%s))",
            (project, states),
        )
    ).fetchall()
    if rows:
        missing = ", ".join(sorted(r["state"] for r in rows))
        raise FailedPrecondition(
            f"tasks are in states the new workflow drops: {missing}; move them first",
            reason="WORKFLOW_STATES_IN_USE",
        )
