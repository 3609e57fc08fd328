"""planops.core.v1.TaskService: proto in, checks, store calls in one transaction, proto out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from planops.core.v1 import task_pb2, task_service_pb2, task_service_pb2_grpc
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging
from services.common.auth import Principal, current_principal
from services.common.db import Connection, transaction
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.common.server import Context
from services.core import convert, graph, project_store, store, task_store, tasks
from services.core import workflow as wf
from services.core.access import CONTRIBUTORS, EDITORS, MEMBERS, check_etag
from services.core.store import Change
from services.core.task_store import CommentRow, DependencyRow, TaskRow, TimeEntryRow
from services.core.validate import Checks, update_paths
from services.core.writes import insert_dependency, insert_task

MAX_BATCH = 500


class _Identified(Protocol):
    @property
    def id(self) -> int: ...


Child = TypeVar("Child", bound=_Identified)


def past_work(
    requests: Sequence[task_service_pb2.CreateTaskRequest],
    roles: set[str],
    *,
    flow: wf.Workflow,
    field: Callable[[int], str],
) -> list[tuple[str, dict[str, Any]]]:
    """Each request's first state and imported-history columns; importing past work is for
    managers (admins hold every role)."""
    if "manager" not in roles and any(r.HasField("past") for r in requests):
        raise PermissionDenied(
            "importing past work (past) needs the role manager", reason="ROLE_REQUIRED"
        )
    checks = Checks()
    now = datetime.now(UTC)
    found = []
    for i, request in enumerate(requests):
        prefix = f"{field(i)}." if field(i) else ""
        past = convert.past_work(request, checks, field=prefix)
        found.append(
            tasks.past_values(
                past, checks, source=request.task.source, field=prefix, flow=flow, now=now
            )
        )
    checks.raise_if_any()
    return found


def check_may_edit(row: TaskRow, *, roles: set[str], principal: Principal) -> None:
    """An executor changes only the tasks assigned to them (or to no one)."""
    if "manager" not in roles and row.assignee and f"people/{row.assignee}" != principal.member:
        raise PermissionDenied(
            "an executor may only change tasks assigned to them", reason="NOT_ASSIGNEE"
        )


def check_move(
    flow: wf.Workflow,
    row: TaskRow,
    *,
    to_state: str,
    roles: set[str],
    principal: Principal,
) -> wf.State:
    """The target state, if the workflow has the move and the caller may make it."""
    target = flow.state(to_state)
    if target is None:
        raise InvalidArgument.field(
            "to_state",
            f"is not a state of this workflow ({', '.join(s.id for s in flow.states)})",
        )
    allowed = flow.allowed_roles(row.state, to_state)
    if allowed is None:
        options = ", ".join(flow.moves_from(row.state)) or "none"
        raise FailedPrecondition(
            f"the workflow has no move from {row.state} to {to_state}; from "
            f"{row.state} a task may go to: {options}",
            reason="TRANSITION_NOT_ALLOWED",
            violations=[FieldViolation("to_state", f"not reachable from {row.state}")],
        )
    acting = set(allowed) & roles
    if not principal.admin and not acting:
        raise PermissionDenied(
            f"moving from {row.state} to {to_state} needs the role {' or '.join(allowed)}",
            reason="ROLE_REQUIRED",
        )
    if (
        not principal.admin
        and acting == {"executor"}
        and row.assignee
        and f"people/{row.assignee}" != principal.member
    ):
        raise PermissionDenied(
            f"an executor moves only their own or unassigned tasks; this one is people/{row.assignee}'s",
            reason="NOT_ASSIGNEE",
        )
    return target


def task_filter(request: task_service_pb2.ListTasksRequest, project: str) -> task_store.TaskFilter:
    """The list's filter, or INVALID_ARGUMENT naming every bad field (overdue is added later:
    it needs the project's time zone and workflow)."""
    checks = Checks()
    due_before = checks.date(request.due_before, "due_before")
    due_after = checks.date(request.due_after, "due_after")
    if request.order_by not in convert.TASK_ORDERS:
        checks.fail("order_by", "is not a known order")
    checks.strings(list(request.states), "states", max_items=50)
    assignee = None
    if request.assignee and request.assignee != "-":
        try:
            assignee = names.person_id(request.assignee, field="assignee")
        except InvalidArgument as error:
            checks.found.extend(error.violations)
    iteration = None
    if request.iteration:
        try:
            owner, iteration = names.child_id(
                request.iteration, collection="iterations", field="iteration"
            )
            if owner != project:
                checks.fail("iteration", f"must be in projects/{project}")
        except InvalidArgument as error:
            checks.found.extend(error.violations)
    checks.raise_if_any()
    return task_store.TaskFilter(
        project=project,
        states=list(request.states),
        unassigned=request.assignee == "-",
        assignee=assignee,
        label=request.label,
        due_before=due_before,
        due_after=due_after,
        iteration=iteration,
    )


@dataclass(frozen=True)
class NewDependency:
    """A checked CreateDependency request: two distinct tasks of one project."""

    project: str
    predecessor: int
    successor: int
    type: int
    lag_days: int


def checked_dependency(request: task_service_pb2.CreateDependencyRequest) -> NewDependency:
    """The dependency asked for, or INVALID_ARGUMENT naming every bad field."""
    project = names.project_id(request.parent, field="parent")
    dep = request.dependency
    checks = Checks()
    checks.request_id(request.request_id)
    ids: dict[str, int] = {}
    for end in ("predecessor", "successor"):
        value = getattr(dep, end)
        if not value:
            checks.fail(f"dependency.{end}", "is required")
            continue
        try:
            owner, ids[end] = names.child_id(value, collection="tasks", field=f"dependency.{end}")
            if owner != project:
                checks.fail(f"dependency.{end}", f"must be a task of projects/{project}")
        except InvalidArgument as error:
            checks.found.extend(error.violations)
    if len(ids) == 2 and ids["predecessor"] == ids["successor"]:
        checks.fail("dependency.successor", "a task cannot depend on itself")
    if dep.type not in task_pb2.DependencyType.values():
        checks.fail("dependency.type", "is not a known dependency type")
    if not -365 <= dep.lag_days <= 365:
        checks.fail("dependency.lag_days", "must be between -365 and 365")
    checks.raise_if_any()
    return NewDependency(
        project=project,
        predecessor=ids["predecessor"],
        successor=ids["successor"],
        type=dep.type,
        lag_days=dep.lag_days,
    )


async def require_ends(conn: Connection, new: NewDependency, *, given: task_pb2.Dependency) -> None:
    """Both tasks exist; NOT_FOUND names the first that does not."""
    for end in ("predecessor", "successor"):
        if not await task_store.exists(conn, project=new.project, task=getattr(new, end)):
            raise NotFound(
                f"{getattr(given, end)} does not exist",
                reason="TASK_NOT_FOUND",
                violations=[FieldViolation(f"dependency.{end}", "no such task")],
            )


async def refuse_duplicate_or_cycle(
    conn: Connection, new: NewDependency, *, given: task_pb2.Dependency
) -> None:
    """Refuse an edge the graph already has, or one that would close a cycle, naming it."""
    edges = await task_store.edges(conn, new.project)
    if (new.predecessor, new.successor) in edges:
        raise AlreadyExists(
            f"{given.successor} already depends on {given.predecessor}",
            reason="DEPENDENCY_EXISTS",
        )
    back = graph.path(edges, start=new.successor, goal=new.predecessor)
    if back is None:
        return
    cycle = [new.predecessor, *back]
    titles = await task_store.titles(conn, cycle)
    described = " -> ".join(
        f"{names.task_name(new.project, t)} ({titles.get(t, '?')[:60]})" for t in cycle
    )
    raise FailedPrecondition(
        f"this dependency would close a cycle: {described}",
        reason="DEPENDENCY_CYCLE",
        violations=[FieldViolation("dependency.successor", f"closes the cycle {described}")],
        metadata={"cycle": ",".join(str(t) for t in cycle)},
    )


class TaskServicer(task_service_pb2_grpc.TaskServiceServicer):
    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self.pool = pool

    async def CreateTask(
        self, request: task_service_pb2.CreateTaskRequest, context: Context
    ) -> task_service_pb2.CreateTaskResponse:
        project = names.project_id(request.parent, field="parent")
        checks = Checks()
        checks.request_id(request.request_id)
        values = tasks.values(
            convert.task_fields(request.task), checks, field="task", project=project
        )
        checks.raise_if_any()
        principal = current_principal()
        key = store.Idempotency.of(request, scope=project)
        async with transaction(self.pool) as conn:
            roles, prow = await project_store.access(conn, principal, project, *EDITORS)
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                return task_service_pb2.CreateTaskResponse(task=await _get(conn, earlier[0]))
            flow = wf.Workflow.from_json(prow.workflow)
            state, past = past_work([request], roles, flow=flow, field=lambda _: "")[0]
            await task_store.check_references(conn, values, project=project, field="task")
            task = await insert_task(
                conn, principal, project=project, values={**values, **past}, state=state
            )
            await store.remember(conn, principal, key, resources=[task.name])
        return task_service_pb2.CreateTaskResponse(task=task)

    async def BatchCreateTasks(
        self, request: task_service_pb2.BatchCreateTasksRequest, context: Context
    ) -> task_service_pb2.BatchCreateTasksResponse:
        project = names.project_id(request.parent, field="parent")
        checks = Checks()
        checks.request_id(request.request_id)
        if not 1 <= len(request.requests) <= MAX_BATCH:
            raise InvalidArgument.field("requests", f"must hold 1 to {MAX_BATCH} tasks")
        all_values = []
        for i, item in enumerate(request.requests):
            if item.parent and item.parent != request.parent:
                checks.fail(f"requests[{i}].parent", "must be empty or equal to parent")
            all_values.append(
                tasks.values(
                    convert.task_fields(item.task),
                    checks,
                    field=f"requests[{i}].task",
                    project=project,
                )
            )
        checks.raise_if_any()
        principal = current_principal()
        key = store.Idempotency.of(request, scope=project)
        async with transaction(self.pool) as conn:
            roles, prow = await project_store.access(conn, principal, project, *EDITORS)
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                return task_service_pb2.BatchCreateTasksResponse(
                    tasks=[await _get(conn, name) for name in earlier]
                )
            flow = wf.Workflow.from_json(prow.workflow)
            pasts = past_work(request.requests, roles, flow=flow, field=lambda i: f"requests[{i}]")
            created = []
            for i, (values, (state, past)) in enumerate(zip(all_values, pasts, strict=True)):
                await task_store.check_references(
                    conn, values, project=project, field=f"requests[{i}].task"
                )
                created.append(
                    await insert_task(
                        conn, principal, project=project, values={**values, **past}, state=state
                    )
                )
            await store.remember(conn, principal, key, resources=[t.name for t in created])
        return task_service_pb2.BatchCreateTasksResponse(tasks=created)

    async def GetTask(
        self, request: task_service_pb2.GetTaskRequest, context: Context
    ) -> task_service_pb2.GetTaskResponse:
        project, _ = names.child_id(request.name, collection="tasks")
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            return task_service_pb2.GetTaskResponse(task=await _get(conn, request.name))

    async def ListTasks(
        self, request: task_service_pb2.ListTasksRequest, context: Context
    ) -> task_service_pb2.ListTasksResponse:
        project = names.project_id(request.parent, field="parent")
        size = paging.page_size(request.page_size)
        where = task_filter(request, project)
        order = convert.TASK_ORDERS[request.order_by]
        query_key = [
            request.parent,
            list(request.states),
            request.assignee,
            request.label,
            request.due_before,
            request.due_after,
            request.overdue,
            request.iteration,
            request.order_by,
        ]
        after = paging.decode(
            request.page_token, query=query_key, shape=task_store.KEY_SHAPES[order]
        )
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            if request.overdue:
                prow = await project_store.get(conn, project)
                flow = wf.Workflow.from_json(prow.workflow)
                where = replace(
                    where,
                    due_before_today=tasks.today_in(prow.time_zone),
                    closed_states=[
                        s.id for s in flow.states if s.category in ("done", "cancelled")
                    ],
                )
            rows = await task_store.page(conn, where, order=order, after=after, limit=size + 1)
        rows, token = paging.page(
            rows, size, key=lambda last: task_store.sort_key(order, last), query=query_key
        )
        return task_service_pb2.ListTasksResponse(
            tasks=[convert.task(r) for r in rows], next_page_token=token
        )

    async def UpdateTask(
        self, request: task_service_pb2.UpdateTaskRequest, context: Context
    ) -> task_service_pb2.UpdateTaskResponse:
        project, task_id = names.child_id(request.task.name, collection="tasks", field="task.name")
        paths = update_paths(list(request.update_mask.paths), allowed=tasks.UPDATABLE)
        principal = current_principal()
        async with transaction(self.pool) as conn:
            roles = await store.require_role(conn, principal, project, *EDITORS)
            row = await task_store.get(conn, project=project, task=task_id, lock=True)
            check_etag(request.task.etag, row.version, request.task.name)
            check_may_edit(row, roles=roles, principal=principal)
            before = convert.task(row)
            checks = Checks()
            values = tasks.values(
                convert.task_fields(convert.with_fields(before, given=request.task, paths=paths)),
                checks,
                field="task",
                project=project,
            )
            if values.get("parent_id") == task_id:
                checks.fail("task.parent", "a task cannot be its own parent")
            checks.raise_if_any()
            columns = tasks.columns_for(paths)
            # Only what this update writes: a reference kept as it was (a staff pool deleted
            # from the project since) must not block changing the title.
            await task_store.check_references(
                conn, {c: values[c] for c in columns}, project=project, field="task"
            )
            updated = await task_store.update(conn, task=task_id, values=values, columns=columns)
            after = convert.task(updated)
            await store.record(
                conn,
                principal,
                Change(
                    kind="task",
                    verb="updated",
                    resource=after.name,
                    project=project,
                    version=updated.version,
                    before=before,
                    after=after,
                    changed_fields=paths,
                ),
            )
        return task_service_pb2.UpdateTaskResponse(task=after)

    async def DeleteTask(
        self, request: task_service_pb2.DeleteTaskRequest, context: Context
    ) -> task_service_pb2.DeleteTaskResponse:
        project, task_id = names.child_id(request.name, collection="tasks")
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            row = await task_store.get(conn, project=project, task=task_id, lock=True)
            check_etag(request.etag, row.version, request.name)
            await task_store.delete(conn, task_id)
            await store.record(
                conn,
                principal,
                Change(
                    kind="task",
                    verb="deleted",
                    resource=request.name,
                    project=project,
                    version=row.version + 1,
                    before=convert.task(row),
                    after=None,
                ),
            )
        return task_service_pb2.DeleteTaskResponse()

    async def TransitionTask(
        self, request: task_service_pb2.TransitionTaskRequest, context: Context
    ) -> task_service_pb2.TransitionTaskResponse:
        project, task_id = names.child_id(request.name, collection="tasks")
        checks = Checks()
        checks.text(request.to_state, "to_state", max_len=40, required=True)
        checks.text(request.comment, "comment", max_len=2000)
        checks.raise_if_any()
        principal = current_principal()
        async with transaction(self.pool) as conn:
            roles, prow = await project_store.access(conn, principal, project, *CONTRIBUTORS)
            row = await task_store.get(conn, project=project, task=task_id, lock=True)
            check_etag(request.etag, row.version, request.name)
            target = check_move(
                wf.Workflow.from_json(prow.workflow),
                row,
                to_state=request.to_state,
                roles=roles,
                principal=principal,
            )
            updated = await task_store.move(
                conn, task=task_id, to_state=request.to_state, category=target.category
            )
            transition = await task_store.add_transition(
                conn,
                task=task_id,
                project=project,
                from_state=row.state,
                to_state=request.to_state,
                actor=store.actor_of(principal),
                comment=request.comment,
            )
            after = convert.task(updated)
            await store.record(
                conn,
                principal,
                Change(
                    kind="task",
                    verb="transitioned",
                    resource=after.name,
                    project=project,
                    version=updated.version,
                    before=convert.task(row),
                    after=after,
                    changed_fields=["state"],
                    transition=convert.transition(transition),
                ),
            )
        return task_service_pb2.TransitionTaskResponse(task=after)

    async def ListTaskTransitions(
        self, request: task_service_pb2.ListTaskTransitionsRequest, context: Context
    ) -> task_service_pb2.ListTaskTransitionsResponse:
        # A task's history outlives it, so its task is not looked up.
        rows, token = await self._children(
            request, table="task_transitions", read=task_store.transitions, of_a_task=False
        )
        return task_service_pb2.ListTaskTransitionsResponse(
            transitions=[convert.transition(r) for r in rows], next_page_token=token
        )

    async def ListComments(
        self, request: task_service_pb2.ListCommentsRequest, context: Context
    ) -> task_service_pb2.ListCommentsResponse:
        rows, token = await self._children(request, table="comments", read=task_store.comments)
        return task_service_pb2.ListCommentsResponse(
            comments=[convert.comment(r) for r in rows], next_page_token=token
        )

    async def ListTimeEntries(
        self, request: task_service_pb2.ListTimeEntriesRequest, context: Context
    ) -> task_service_pb2.ListTimeEntriesResponse:
        rows, token = await self._children(
            request, table="time_entries", read=task_store.time_entries
        )
        return task_service_pb2.ListTimeEntriesResponse(
            time_entries=[convert.time_entry(r) for r in rows], next_page_token=token
        )

    async def _children(
        self,
        request: Any,
        *,
        table: str,
        read: Callable[..., Awaitable[list[Child]]],
        of_a_task: bool = True,
    ) -> tuple[list[Child], str]:
        """A page of a task's transitions, comments or time entries, oldest first."""
        project, task_id = names.child_id(request.parent, collection="tasks", field="parent")
        size = paging.page_size(request.page_size)
        after = paging.decode(
            request.page_token, query=[table, request.parent], shape=[paging.integer]
        )
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            if of_a_task:
                await task_store.get(conn, project=project, task=task_id)
            rows = await read(
                conn, project=project, task=task_id, after=after[0] if after else 0, limit=size + 1
            )
        return paging.page(rows, size, key=lambda last: [last.id], query=[table, request.parent])

    async def CreateDependency(
        self, request: task_service_pb2.CreateDependencyRequest, context: Context
    ) -> task_service_pb2.CreateDependencyResponse:
        new = checked_dependency(request)
        principal = current_principal()
        key = store.Idempotency.of(request, scope=new.project)
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, new.project, "manager")
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                first = await task_store.made_earlier(
                    conn, row=DependencyRow, table="dependencies", name=earlier[0]
                )
                return task_service_pb2.CreateDependencyResponse(
                    dependency=convert.dependency(first)
                )
            # Locking the project serialises graph changes, so two concurrent edges cannot close a cycle.
            await project_store.get(conn, new.project, lock=True)
            await require_ends(conn, new, given=request.dependency)
            await refuse_duplicate_or_cycle(conn, new, given=request.dependency)
            created = await insert_dependency(
                conn,
                principal,
                project=new.project,
                predecessor=new.predecessor,
                successor=new.successor,
                type=new.type,
                lag_days=new.lag_days,
            )
            await store.remember(conn, principal, key, resources=[created.name])
        return task_service_pb2.CreateDependencyResponse(dependency=created)

    async def ListDependencies(
        self, request: task_service_pb2.ListDependenciesRequest, context: Context
    ) -> task_service_pb2.ListDependenciesResponse:
        project = names.project_id(request.parent, field="parent")
        size = paging.page_size(request.page_size)
        task_id = (
            names.child_id(request.task, collection="tasks", field="task")[1]
            if request.task
            else None
        )
        query_key = [request.parent, request.task]
        after = paging.decode(request.page_token, query=query_key, shape=[paging.integer])
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            rows = await task_store.dependencies(
                conn, project=project, task=task_id, after=after[0] if after else 0, limit=size + 1
            )
        rows, token = paging.page(rows, size, key=lambda last: [last.id], query=query_key)
        return task_service_pb2.ListDependenciesResponse(
            dependencies=[convert.dependency(r) for r in rows], next_page_token=token
        )

    async def DeleteDependency(
        self, request: task_service_pb2.DeleteDependencyRequest, context: Context
    ) -> task_service_pb2.DeleteDependencyResponse:
        project, dep_id = names.child_id(request.name, collection="dependencies")
        principal = current_principal()
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            row = await task_store.delete_dependency(conn, project=project, ident=dep_id)
            if row is None:
                raise NotFound(f"{request.name} does not exist", reason="DEPENDENCY_NOT_FOUND")
            await store.record(
                conn,
                principal,
                Change(
                    kind="dependency",
                    verb="deleted",
                    resource=request.name,
                    project=project,
                    version=row.version + 1,
                    before=convert.dependency(row),
                    after=None,
                ),
            )
        return task_service_pb2.DeleteDependencyResponse()

    async def CreateComment(
        self, request: task_service_pb2.CreateCommentRequest, context: Context
    ) -> task_service_pb2.CreateCommentResponse:
        project, task_id = names.child_id(request.parent, collection="tasks", field="parent")
        checks = Checks()
        checks.text(request.comment.body, "comment.body", max_len=10_000, required=True)
        checks.request_id(request.request_id)
        checks.raise_if_any()
        principal = current_principal()
        key = store.Idempotency.of(request, scope=project)
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, *CONTRIBUTORS)
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                first = await task_store.made_earlier(
                    conn, row=CommentRow, table="comments", name=earlier[0]
                )
                return task_service_pb2.CreateCommentResponse(comment=convert.comment(first))
            await task_store.get(conn, project=project, task=task_id)
            row = await task_store.insert_comment(
                conn,
                project=project,
                task=task_id,
                author=store.actor_of(principal),
                body=request.comment.body,
            )
            created = convert.comment(row)
            await store.record(
                conn,
                principal,
                Change(
                    kind="comment",
                    verb="created",
                    resource=created.name,
                    project=project,
                    version=1,
                    before=None,
                    after=created,
                ),
            )
            await store.remember(conn, principal, key, resources=[created.name])
        return task_service_pb2.CreateCommentResponse(comment=created)

    async def CreateTimeEntry(
        self, request: task_service_pb2.CreateTimeEntryRequest, context: Context
    ) -> task_service_pb2.CreateTimeEntryResponse:
        project, task_id = names.child_id(request.parent, collection="tasks", field="parent")
        entry = request.time_entry
        principal = current_principal()
        key = store.Idempotency.of(request, scope=project)
        checks = Checks()
        checks.request_id(request.request_id)
        work_date = checks.date(entry.work_date, "time_entry.work_date", required=True)
        if not 0 < entry.hours <= 24:
            checks.fail("time_entry.hours", "must be more than 0 and at most 24")
        checks.text(entry.note, "time_entry.note", max_len=2000)
        person = entry.person or (
            principal.member if principal.member.startswith("people/") else ""
        )
        if not person:
            checks.fail("time_entry.person", "is required when a service logs time")
        else:
            try:
                person = names.person_id(person, field="time_entry.person")
            except InvalidArgument as error:
                checks.found.extend(error.violations)
        checks.raise_if_any()
        assert work_date is not None
        async with transaction(self.pool) as conn:
            roles = await store.require_role(conn, principal, project, *EDITORS)
            if "manager" not in roles and f"people/{person}" != principal.member:
                raise PermissionDenied(
                    "only a manager may log time for someone else", reason="NOT_SELF"
                )
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                first = await task_store.made_earlier(
                    conn, row=TimeEntryRow, table="time_entries", name=earlier[0]
                )
                return task_service_pb2.CreateTimeEntryResponse(
                    time_entry=convert.time_entry(first)
                )
            await task_store.get(conn, project=project, task=task_id)
            if not await task_store.person_exists(conn, person):
                raise InvalidArgument.field("time_entry.person", f"people/{person} does not exist")
            row = await task_store.insert_time_entry(
                conn,
                project=project,
                task=task_id,
                person=person,
                work_date=work_date,
                hours=entry.hours,
                note=entry.note,
            )
            created = convert.time_entry(row)
            await store.record(
                conn,
                principal,
                Change(
                    kind="time_entry",
                    verb="created",
                    resource=created.name,
                    project=project,
                    version=1,
                    before=None,
                    after=created,
                ),
            )
            await store.remember(conn, principal, key, resources=[created.name])
        return task_service_pb2.CreateTimeEntryResponse(time_entry=created)


async def _get(conn: Connection, name: str) -> task_pb2.Task:
    project, task = names.child_id(name, collection="tasks")
    return convert.task(await task_store.get(conn, project=project, task=task))
