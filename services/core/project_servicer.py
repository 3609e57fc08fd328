"""planops.core.v1.ProjectService: projects, memberships and iterations."""

from __future__ import annotations

from collections.abc import Sequence

from planops.core.v1 import project_pb2, project_service_pb2, project_service_pb2_grpc
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging
from services.common.auth import current_principal
from services.common.db import Connection, transaction
from services.common.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from services.common.server import Context
from services.core import convert, project_store, projects, store, task_store
from services.core.access import MEMBERS, check_etag
from services.core.project_store import IterationRow
from services.core.store import Change
from services.core.validate import Checks, update_paths
from services.core.writes import insert_project


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
        values = projects.values(request.project, checks, field="project")
        checks.raise_if_any()
        principal = current_principal()
        key = store.Idempotency.of(request, scope="")
        async with transaction(self.pool) as conn:
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                row = await project_store.get(conn, names.project_id(earlier[0]))
                return project_service_pb2.CreateProjectResponse(project=convert.project(row))
            await _check_pool_members(conn, request.project.staff_pools)
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
                project=convert.project(await project_store.get(conn, project))
            )

    async def ListProjects(
        self, request: project_service_pb2.ListProjectsRequest, context: Context
    ) -> project_service_pb2.ListProjectsResponse:
        size = paging.page_size(request.page_size)
        principal = current_principal()
        query_key = ["projects", principal.principal]
        after = paging.decode(request.page_token, query=query_key, shape=[paging.text])
        async with transaction(self.pool) as conn:
            rows = await project_store.page(
                conn, principal, after=after[0] if after else "", limit=size + 1
            )
        rows, token = paging.page(rows, size, key=lambda last: [last.id], query=query_key)
        return project_service_pb2.ListProjectsResponse(
            projects=[convert.project(r) for r in rows], next_page_token=token
        )

    async def UpdateProject(
        self, request: project_service_pb2.UpdateProjectRequest, context: Context
    ) -> project_service_pb2.UpdateProjectResponse:
        project = names.project_id(request.project.name, field="project.name")
        paths = update_paths(list(request.update_mask.paths), allowed=projects.UPDATABLE)
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            row = await project_store.get(conn, project, lock=True)
            check_etag(request.project.etag, row.version, request.project.name)
            before = convert.project(row)
            merged = convert.with_fields(before, given=request.project, paths=paths)
            checks = Checks()
            values = projects.values(merged, checks, field="project")
            checks.raise_if_any()
            if "workflow" in paths:
                await _check_states_kept(conn, project=project, flow=merged.workflow)
            if "staff_pools" in paths:
                await _check_pool_members(conn, merged.staff_pools)
            updated = await project_store.update(
                conn, project=project, values=values, columns=paths
            )
            after = convert.project(updated)
            await store.record(
                conn,
                principal,
                Change(
                    kind="project",
                    verb="updated",
                    resource=after.name,
                    project=project,
                    version=updated.version,
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
            row = await project_store.get(conn, project, lock=True)
            check_etag(request.etag, row.version, request.name)
            count = await project_store.task_count(conn, project)
            if count and not request.force:
                raise FailedPrecondition(
                    f"{request.name} has {count} tasks; delete them first or set force",
                    reason="PROJECT_NOT_EMPTY",
                )
            await project_store.delete(conn, project)
            await store.record(
                conn,
                principal,
                Change(
                    kind="project",
                    verb="deleted",
                    resource=request.name,
                    project=project,
                    version=row.version + 1,
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
        roles = projects.roles(list(request.membership.roles))
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            await project_store.get(conn, project)
            if member.startswith("people/") and not await task_store.person_exists(
                conn, member[7:]
            ):
                raise InvalidArgument.field("membership.member", f"{member} does not exist")
            row = await project_store.insert_membership(
                conn, project=project, member=member, roles=roles
            )
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
        query_key = ["memberships", project]
        after = paging.decode(request.page_token, query=query_key, shape=[paging.text])
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            rows = await project_store.memberships(
                conn, project=project, after=after[0] if after else "", limit=size + 1
            )
        rows, token = paging.page(rows, size, key=lambda last: [last.member], query=query_key)
        return project_service_pb2.ListMembershipsResponse(
            memberships=[convert.membership(r) for r in rows], next_page_token=token
        )

    async def UpdateMembership(
        self, request: project_service_pb2.UpdateMembershipRequest, context: Context
    ) -> project_service_pb2.UpdateMembershipResponse:
        project, member = projects.membership_name(request.membership.name, field="membership.name")
        update_paths(list(request.update_mask.paths), allowed=("roles",))
        roles = projects.roles(list(request.membership.roles))
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            row = await project_store.membership(conn, project=project, member=member, lock=True)
            if row is None:
                raise NotFound(
                    f"{request.membership.name} does not exist", reason="MEMBERSHIP_NOT_FOUND"
                )
            check_etag(request.membership.etag, row.version, request.membership.name)
            await _keep_a_manager(conn, project=project, member=member, new_roles=roles)
            updated = await project_store.set_roles(
                conn, project=project, member=member, roles=roles
            )
            after = convert.membership(updated)
            await store.record(
                conn,
                principal,
                Change(
                    kind="membership",
                    verb="updated",
                    resource=after.name,
                    project=project,
                    version=updated.version,
                    before=convert.membership(row),
                    after=after,
                    changed_fields=["roles"],
                ),
            )
        return project_service_pb2.UpdateMembershipResponse(membership=after)

    async def DeleteMembership(
        self, request: project_service_pb2.DeleteMembershipRequest, context: Context
    ) -> project_service_pb2.DeleteMembershipResponse:
        project, member = projects.membership_name(request.name, field="name")
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            await _keep_a_manager(conn, project=project, member=member, new_roles=[])
            row = await project_store.delete_membership(conn, project=project, member=member)
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
                    version=row.version + 1,
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
        assert start is not None and end is not None
        principal = current_principal()
        key = store.Idempotency.of(request, scope=project)
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                first = await task_store.made_earlier(
                    conn, row=IterationRow, table="iterations", name=earlier[0]
                )
                return project_service_pb2.CreateIterationResponse(
                    iteration=convert.iteration(first)
                )
            await project_store.get(conn, project)
            row = await project_store.insert_iteration(
                conn,
                project=project,
                display_name=it.display_name.strip(),
                goal=it.goal,
                start=start,
                end=end,
            )
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
        query_key = ["iterations", project]
        after = paging.decode(
            request.page_token, query=query_key, shape=[paging.day, paging.integer]
        )
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            rows = await project_store.iterations(
                conn, project=project, after=after, limit=size + 1
            )
        rows, token = paging.page(
            rows,
            size,
            key=lambda last: [last.start_date.isoformat(), last.id],
            query=query_key,
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
            row = await project_store.delete_iteration(conn, project=project, ident=ident)
            if row is None:
                raise NotFound(f"{request.name} does not exist", reason="ITERATION_NOT_FOUND")
            await store.record(
                conn,
                principal,
                Change(
                    kind="iteration",
                    verb="deleted",
                    resource=request.name,
                    project=project,
                    version=row.version + 1,
                    before=convert.iteration(row),
                    after=None,
                ),
            )
        return project_service_pb2.DeleteIterationResponse()


async def _keep_a_manager(
    conn: Connection, *, project: str, member: str, new_roles: list[str]
) -> None:
    """Refuse a change that would leave the project with no manager."""
    if "manager" in new_roles:
        return
    if await project_store.managers(conn, project) == {member}:
        raise FailedPrecondition("a project must keep at least one manager", reason="LAST_MANAGER")


async def _check_pool_members(conn: Connection, pools: Sequence[project_pb2.StaffPool]) -> None:
    """Every staff pool member must be a person who exists."""
    known = await project_store.existing_people(conn, projects.pool_members(pools))
    projects.check_pool_members(pools, known=known, field="project.staff_pools")


async def _check_states_kept(conn: Connection, *, project: str, flow: project_pb2.Workflow) -> None:
    missing = await project_store.states_in_use(conn, project, besides=[s.id for s in flow.states])
    if missing:
        raise FailedPrecondition(
            f"tasks are in states the new workflow drops: {', '.join(missing)}; move them first",
            reason="WORKFLOW_STATES_IN_USE",
        )
