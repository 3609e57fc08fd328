"""planops.core.v1.TaskService: proto in, checks and SQL in one transaction, proto out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from planops.core.v1 import task_pb2, task_service_pb2, task_service_pb2_grpc
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging
from services.common.auth import Principal, current_principal
from services.common.db import Connection, transaction
from services.common.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.common.server import Context
from services.core import convert, graph, store, tasks
from services.core import workflow as wf
from services.core.store import Change
from services.core.validate import Checks, update_paths

EDITORS = ("manager", "executor")
MEMBERS = ("manager", "executor", "reviewer", "viewer")
CONTRIBUTORS = ("manager", "executor", "reviewer")
MAX_BATCH = 500


def check_etag(given: str, version: int, resource: str) -> None:
    if given and convert.version_of(given) != version:
        raise Aborted(
            f"{resource} changed since you read it (etag {given} is stale); read it again",
            reason="ETAG_MISMATCH",
            metadata={"resource": resource, "etag": convert.etag(version)},
        )


async def project_row(conn: Connection, project: str, *, lock: bool = False) -> dict[str, Any]:
    query = "SELECT * FROM projects WHERE id = %s" + (" FOR NO KEY UPDATE" if lock else "")
    row = await (await conn.execute(query, (project,))).fetchone()
    if row is None:
        raise NotFound(f"projects/{project} does not exist", reason="PROJECT_NOT_FOUND")
    return row


async def task_row(
    conn: Connection, project: str, task: int, *, lock: bool = False
) -> dict[str, Any]:
    query = "SELECT * FROM tasks WHERE id = %s AND project_id = %s" + (
        " FOR UPDATE" if lock else ""
    )
    row = await (await conn.execute(query, (task, project))).fetchone()
    if row is None:
        raise NotFound(f"projects/{project}/tasks/{task} does not exist", reason="TASK_NOT_FOUND")
    return row


async def check_references(
    conn: Connection, values: dict[str, Any], *, project: str, field: str
) -> None:
    """References that must exist: the assignee and the crew, the parent task, the iteration,
    the staff pool."""
    checks = Checks()
    if values.get("assignee"):
        found = await (
            await conn.execute("SELECT 1 FROM people WHERE id = %s", (values["assignee"],))
        ).fetchone()
        if found is None:
            checks.fail(f"{field}.assignee", f"people/{values['assignee']} does not exist")
    if values.get("crew"):
        rows = await (
            await conn.execute("SELECT id FROM people WHERE id = ANY(%s)", (values["crew"],))
        ).fetchall()
        known = {r["id"] for r in rows}
        for i, member in enumerate(values["crew"]):
            if member not in known:
                checks.fail(f"{field}.crew[{i}]", f"people/{member} does not exist")
    pool = values.get("staffing", {}).get("staff_pool")
    if pool:
        row = await (
            await conn.execute(
                "SELECT 1 FROM projects, jsonb_array_elements(staff_pools) p"
                " WHERE id = %s AND p->>'id' = %s",
                (project, pool),
            )
        ).fetchone()
        if row is None:
            checks.fail(f"{field}.staffing.staff_pool", "no such staff pool in this project")
    if values.get("parent_id"):
        found = await (
            await conn.execute(
                "SELECT 1 FROM tasks WHERE id = %s AND project_id = %s",
                (values["parent_id"], project),
            )
        ).fetchone()
        if found is None:
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


async def insert_task(
    conn: Connection, principal: Principal, *, project: str, values: dict[str, Any], state: str
) -> task_pb2.Task:
    """The task and its first history entry in one statement, then its audit and event."""
    comment = "imported" if values.get("actual_end") else "created"
    columns = list(values)
    actor = store.actor_of(principal)
    row = await (
        await conn.execute(
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
    message = convert.task(row)
    transition = convert.transition(
        {
            "id": row["transition_id"],
            "task_id": row["id"],
            "project_id": project,
            "from_state": "",
            "to_state": state,
            "actor": actor,
            "time": row["transition_time"],
            "comment": comment,
        }
    )
    await store.record(
        conn,
        principal,
        Change(
            kind="task",
            verb="created",
            resource=message.name,
            project=project,
            version=1,
            before=None,
            after=message,
            transition=transition,
        ),
    )
    return message


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
        prefix = field(i)
        found.append(
            tasks.past_values(
                request, checks, field=f"{prefix}." if prefix else "", flow=flow, now=now
            )
        )
    checks.raise_if_any()
    return found


JSON_COLUMNS = frozenset({"required_skills", "staffing"})


def _adapt(column: str, value: Any) -> Any:
    return Jsonb(value) if column in JSON_COLUMNS else value


class TaskServicer(task_service_pb2_grpc.TaskServiceServicer):
    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self.pool = pool

    async def CreateTask(
        self, request: task_service_pb2.CreateTaskRequest, context: Context
    ) -> task_service_pb2.CreateTaskResponse:
        project = names.project_id(request.parent, field="parent")
        checks = Checks()
        checks.request_id(request.request_id)
        values = tasks.values(request.task, checks, field="task", project=project)
        checks.raise_if_any()
        principal = current_principal()
        key = store.Idempotency.of(request, scope=project)
        async with transaction(self.pool) as conn:
            roles, prow = await store.project_access(conn, principal, project, *EDITORS)
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                return task_service_pb2.CreateTaskResponse(task=await self._get(conn, earlier[0]))
            flow = wf.Workflow.from_json(prow["workflow"])
            state, past = past_work([request], roles, flow=flow, field=lambda _: "")[0]
            await check_references(conn, values, project=project, field="task")
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
                tasks.values(item.task, checks, field=f"requests[{i}].task", project=project)
            )
        checks.raise_if_any()
        principal = current_principal()
        key = store.Idempotency.of(request, scope=project)
        async with transaction(self.pool) as conn:
            roles, prow = await store.project_access(conn, principal, project, *EDITORS)
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                return task_service_pb2.BatchCreateTasksResponse(
                    tasks=[await self._get(conn, name) for name in earlier]
                )
            flow = wf.Workflow.from_json(prow["workflow"])
            pasts = past_work(request.requests, roles, flow=flow, field=lambda i: f"requests[{i}]")
            created = []
            for i, (values, (state, past)) in enumerate(zip(all_values, pasts, strict=True)):
                await check_references(conn, values, project=project, field=f"requests[{i}].task")
                created.append(
                    await insert_task(
                        conn, principal, project=project, values={**values, **past}, state=state
                    )
                )
            await store.remember(conn, principal, key, resources=[t.name for t in created])
        return task_service_pb2.BatchCreateTasksResponse(tasks=created)

    async def _get(self, conn: Connection, name: str) -> task_pb2.Task:
        project, task = names.child_id(name, collection="tasks")
        return convert.task(await task_row(conn, project, task))

    async def GetTask(
        self, request: task_service_pb2.GetTaskRequest, context: Context
    ) -> task_service_pb2.GetTaskResponse:
        project, _ = names.child_id(request.name, collection="tasks")
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            return task_service_pb2.GetTaskResponse(task=await self._get(conn, request.name))

    async def ListTasks(
        self, request: task_service_pb2.ListTasksRequest, context: Context
    ) -> task_service_pb2.ListTasksResponse:
        project = names.project_id(request.parent, field="parent")
        size = paging.page_size(request.page_size)
        checks = Checks()
        due_before = checks.date(request.due_before, "due_before")
        due_after = checks.date(request.due_after, "due_after")
        if request.order_by not in tasks.ORDERS:
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
            request.page_token, query=query_key, shape=tasks.KEY_SHAPES[request.order_by]
        )
        where = [sql.SQL("project_id = %s")]
        params: list[Any] = [project]
        if request.states:
            where.append(sql.SQL("state = ANY(%s)"))
            params.append(list(request.states))
        if request.assignee == "-":
            where.append(sql.SQL("assignee IS NULL"))
        elif assignee:
            where.append(sql.SQL("assignee = %s"))
            params.append(assignee)
        if request.label:
            where.append(sql.SQL("labels @> ARRAY[%s]::text[]"))
            params.append(request.label)
        if due_before:
            where.append(sql.SQL("due_date <= %s"))
            params.append(due_before)
        if due_after:
            where.append(sql.SQL("due_date >= %s"))
            params.append(due_after)
        if iteration is not None:
            where.append(sql.SQL("iteration_id = %s"))
            params.append(iteration)
        order_sql, keyset_sql = tasks.ORDERS[request.order_by]
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            if request.overdue:
                prow = await project_row(conn, project)
                flow = wf.Workflow.from_json(prow["workflow"])
                closed = [s.id for s in flow.states if s.category in ("done", "cancelled")]
                where.append(sql.SQL("due_date < %s AND NOT (state = ANY(%s))"))
                params += [tasks.today_in(prow["time_zone"]), closed]
            if after is not None:
                where.append(sql.SQL(keyset_sql))
                params += tasks.keyset_params(request.order_by, after)
            query = sql.SQL("SELECT * FROM tasks WHERE {} ORDER BY {} LIMIT {}").format(
                sql.SQL(" AND ").join(where),
                sql.SQL(order_sql),
                sql.Literal(size + 1),
            )
            rows = await (await conn.execute(query, params)).fetchall()
        rows, token = paging.page(
            rows, size, key=lambda last: tasks.sort_key(request.order_by, last), query=query_key
        )
        return task_service_pb2.ListTasksResponse(
            tasks=[convert.task(r) for r in rows], next_page_token=token
        )

    async def UpdateTask(
        self, request: task_service_pb2.UpdateTaskRequest, context: Context
    ) -> task_service_pb2.UpdateTaskResponse:
        project, task_id = names.child_id(request.task.name, collection="tasks", field="task.name")
        paths = update_paths(list(request.update_mask.paths), allowed=tasks.UPDATABLE)
        checks = Checks()
        merged = task_pb2.Task()
        principal = current_principal()
        async with transaction(self.pool) as conn:
            roles = await store.require_role(conn, principal, project, *EDITORS)
            row = await task_row(conn, project, task_id, lock=True)
            check_etag(request.task.etag, row["version"], request.task.name)
            if (
                "manager" not in roles
                and row["assignee"]
                and f"people/{row['assignee']}" != principal.member
            ):
                raise PermissionDenied(
                    "an executor may only change tasks assigned to them", reason="NOT_ASSIGNEE"
                )
            before = convert.task(row)
            merged.CopyFrom(before)
            for path in paths:
                field = task_pb2.Task.DESCRIPTOR.fields_by_name[path]
                if field.is_repeated:
                    merged.ClearField(path)
                    getattr(merged, path).extend(getattr(request.task, path))
                elif field.message_type is not None:
                    getattr(merged, path).CopyFrom(getattr(request.task, path))
                else:
                    setattr(merged, path, getattr(request.task, path))
            values = tasks.values(merged, checks, field="task", project=project)
            if values.get("parent_id") == task_id:
                checks.fail("task.parent", "a task cannot be its own parent")
            checks.raise_if_any()
            columns = tasks.columns_for(paths)
            # Only what this update writes: a reference kept as it was (a staff pool deleted
            # from the project since) must not block changing the title.
            await check_references(
                conn, {c: values[c] for c in columns}, project=project, field="task"
            )
            updated = await (
                await conn.execute(
                    sql.SQL(
                        "UPDATE tasks SET {}, version = version + 1, update_time = now() WHERE id = %s RETURNING *"
                    ).format(
                        sql.SQL(", ").join(
                            sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns
                        )
                    ),
                    [*(_adapt(c, values[c]) for c in columns), task_id],
                )
            ).fetchone()
            assert updated is not None
            after = convert.task(updated)
            await store.record(
                conn,
                principal,
                Change(
                    kind="task",
                    verb="updated",
                    resource=after.name,
                    project=project,
                    version=updated["version"],
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
            row = await task_row(conn, project, task_id, lock=True)
            check_etag(request.etag, row["version"], request.name)
            await conn.execute("DELETE FROM tasks WHERE id = %s", (task_id,))
            await store.record(
                conn,
                principal,
                Change(
                    kind="task",
                    verb="deleted",
                    resource=request.name,
                    project=project,
                    version=row["version"] + 1,
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
            roles, prow = await store.project_access(conn, principal, project, *CONTRIBUTORS)
            flow = wf.Workflow.from_json(prow["workflow"])
            row = await task_row(conn, project, task_id, lock=True)
            check_etag(request.etag, row["version"], request.name)
            target = flow.state(request.to_state)
            if target is None:
                raise InvalidArgument.field(
                    "to_state",
                    f"is not a state of this workflow ({', '.join(s.id for s in flow.states)})",
                )
            allowed = flow.allowed_roles(row["state"], request.to_state)
            if allowed is None:
                options = ", ".join(flow.moves_from(row["state"])) or "none"
                raise FailedPrecondition(
                    f"the workflow has no move from {row['state']} to {request.to_state}; from "
                    f"{row['state']} a task may go to: {options}",
                    reason="TRANSITION_NOT_ALLOWED",
                    violations=[FieldViolation("to_state", f"not reachable from {row['state']}")],
                )
            acting = set(allowed) & roles
            if not principal.admin and not acting:
                raise PermissionDenied(
                    f"moving from {row['state']} to {request.to_state} needs the role {' or '.join(allowed)}",
                    reason="ROLE_REQUIRED",
                )
            if (
                not principal.admin
                and acting == {"executor"}
                and row["assignee"]
                and f"people/{row['assignee']}" != principal.member
            ):
                raise PermissionDenied(
                    f"an executor moves only their own or unassigned tasks; this one is people/{row['assignee']}'s",
                    reason="NOT_ASSIGNEE",
                )
            before = convert.task(row)
            updated = await (
                await conn.execute(
                    "UPDATE tasks SET state = %s, version = version + 1, update_time = now(),"
                    " actual_start = CASE WHEN %s = 'active' THEN COALESCE(actual_start, now()) ELSE actual_start END,"
                    " actual_end = CASE WHEN %s IN ('done', 'cancelled') THEN now() ELSE NULL END"
                    " WHERE id = %s RETURNING *",
                    (request.to_state, target.category, target.category, task_id),
                )
            ).fetchone()
            assert updated is not None
            transition = await (
                await conn.execute(
                    "INSERT INTO task_transitions (task_id, project_id, from_state, to_state, actor, comment)"
                    " VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
                    (
                        task_id,
                        project,
                        row["state"],
                        request.to_state,
                        Jsonb(store.actor_of(principal)),
                        request.comment,
                    ),
                )
            ).fetchone()
            assert transition is not None
            after = convert.task(updated)
            await store.record(
                conn,
                principal,
                Change(
                    kind="task",
                    verb="transitioned",
                    resource=after.name,
                    project=project,
                    version=updated["version"],
                    before=before,
                    after=after,
                    changed_fields=["state"],
                    transition=convert.transition(transition),
                ),
            )
        return task_service_pb2.TransitionTaskResponse(task=after)

    async def ListTaskTransitions(
        self, request: task_service_pb2.ListTaskTransitionsRequest, context: Context
    ) -> task_service_pb2.ListTaskTransitionsResponse:
        rows, token = await self._list_children(request, table="task_transitions")
        return task_service_pb2.ListTaskTransitionsResponse(
            transitions=[convert.transition(r) for r in rows], next_page_token=token
        )

    async def ListComments(
        self, request: task_service_pb2.ListCommentsRequest, context: Context
    ) -> task_service_pb2.ListCommentsResponse:
        rows, token = await self._list_children(request, table="comments")
        return task_service_pb2.ListCommentsResponse(
            comments=[convert.comment(r) for r in rows], next_page_token=token
        )

    async def ListTimeEntries(
        self, request: task_service_pb2.ListTimeEntriesRequest, context: Context
    ) -> task_service_pb2.ListTimeEntriesResponse:
        rows, token = await self._list_children(request, table="time_entries")
        return task_service_pb2.ListTimeEntriesResponse(
            time_entries=[convert.time_entry(r) for r in rows], next_page_token=token
        )

    async def _list_children(self, request: Any, *, table: str) -> tuple[list[dict[str, Any]], str]:
        """A page of a task's transitions, comments or time entries, oldest first."""
        project, task_id = names.child_id(request.parent, collection="tasks", field="parent")
        size = paging.page_size(request.page_size)
        after = paging.decode(
            request.page_token, query=[table, request.parent], shape=[paging.integer]
        )
        async with transaction(self.pool) as conn:
            await store.require_role(conn, current_principal(), project, *MEMBERS)
            if table != "task_transitions":
                await task_row(conn, project, task_id)
            rows = await (
                await conn.execute(
                    sql.SQL(
                        "SELECT * FROM {} WHERE task_id = %s AND project_id = %s AND id > %s ORDER BY id LIMIT %s"
                    ).format(sql.Identifier(table)),
                    (task_id, project, after[0] if after else 0, size + 1),
                )
            ).fetchall()
        rows, token = paging.page(
            rows, size, key=lambda last: [last["id"]], query=[table, request.parent]
        )
        return rows, token

    async def CreateDependency(
        self, request: task_service_pb2.CreateDependencyRequest, context: Context
    ) -> task_service_pb2.CreateDependencyResponse:
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
                owner, ids[end] = names.child_id(
                    value, collection="tasks", field=f"dependency.{end}"
                )
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
        principal = current_principal()
        key = store.Idempotency.of(request, scope=project)
        async with transaction(self.pool) as conn:
            await store.require_role(conn, principal, project, "manager")
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                first = await store.made_earlier(conn, table="dependencies", name=earlier[0])
                return task_service_pb2.CreateDependencyResponse(
                    dependency=convert.dependency(first)
                )
            # Locking the project serialises graph changes, so two concurrent edges cannot close a cycle.
            await project_row(conn, project, lock=True)
            for end in ("predecessor", "successor"):
                found = await (
                    await conn.execute(
                        "SELECT 1 FROM tasks WHERE id = %s AND project_id = %s", (ids[end], project)
                    )
                ).fetchone()
                if found is None:
                    raise NotFound(
                        f"{getattr(dep, end)} does not exist",
                        reason="TASK_NOT_FOUND",
                        violations=[FieldViolation(f"dependency.{end}", "no such task")],
                    )
            edges = [
                (r["predecessor_id"], r["successor_id"])
                for r in await (
                    await conn.execute(
                        "SELECT predecessor_id, successor_id FROM dependencies WHERE project_id = %s",
                        (project,),
                    )
                ).fetchall()
            ]
            if (ids["predecessor"], ids["successor"]) in edges:
                raise AlreadyExists(
                    f"{dep.successor} already depends on {dep.predecessor}",
                    reason="DEPENDENCY_EXISTS",
                )
            back = graph.path(edges, start=ids["successor"], goal=ids["predecessor"])
            if back is not None:
                cycle = [ids["predecessor"], *back]
                titles = {
                    r["id"]: r["title"]
                    for r in await (
                        await conn.execute(
                            "SELECT id, title FROM tasks WHERE id = ANY(%s)", (cycle,)
                        )
                    ).fetchall()
                }
                described = " -> ".join(
                    f"{names.task_name(project, t)} ({titles.get(t, '?')[:60]})" for t in cycle
                )
                raise FailedPrecondition(
                    f"this dependency would close a cycle: {described}",
                    reason="DEPENDENCY_CYCLE",
                    violations=[
                        FieldViolation("dependency.successor", f"closes the cycle {described}")
                    ],
                    metadata={"cycle": ",".join(str(t) for t in cycle)},
                )
            row = await (
                await conn.execute(
                    "INSERT INTO dependencies (project_id, predecessor_id, successor_id, type, lag_days)"
                    " VALUES (%s, %s, %s, %s, %s) RETURNING *",
                    (
                        project,
                        ids["predecessor"],
                        ids["successor"],
                        dep.type or task_pb2.DEPENDENCY_TYPE_FINISH_TO_START,
                        dep.lag_days,
                    ),
                )
            ).fetchone()
            assert row is not None
            created = convert.dependency(row)
            await store.record(
                conn,
                principal,
                Change(
                    kind="dependency",
                    verb="created",
                    resource=created.name,
                    project=project,
                    version=1,
                    before=None,
                    after=created,
                ),
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
            rows = await (
                await conn.execute(
                    "SELECT * FROM dependencies WHERE project_id = %s AND id > %s"
                    " AND (%s::bigint IS NULL OR predecessor_id = %s OR successor_id = %s) ORDER BY id LIMIT %s",
                    (project, after[0] if after else 0, task_id, task_id, task_id, size + 1),
                )
            ).fetchall()
        rows, token = paging.page(rows, size, key=lambda last: [last["id"]], query=query_key)
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
            await store.delete_child(
                conn,
                principal,
                table="dependencies",
                kind="dependency",
                name=request.name,
                project=project,
                ident=dep_id,
                to_proto=convert.dependency,
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
                first = await store.made_earlier(conn, table="comments", name=earlier[0])
                return task_service_pb2.CreateCommentResponse(comment=convert.comment(first))
            await task_row(conn, project, task_id)
            row = await (
                await conn.execute(
                    "INSERT INTO comments (task_id, project_id, author, body) VALUES (%s, %s, %s, %s) RETURNING *",
                    (task_id, project, Jsonb(store.actor_of(principal)), request.comment.body),
                )
            ).fetchone()
            assert row is not None
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
        async with transaction(self.pool) as conn:
            roles = await store.require_role(conn, principal, project, *EDITORS)
            if "manager" not in roles and f"people/{person}" != principal.member:
                raise PermissionDenied(
                    "only a manager may log time for someone else", reason="NOT_SELF"
                )
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                first = await store.made_earlier(conn, table="time_entries", name=earlier[0])
                return task_service_pb2.CreateTimeEntryResponse(
                    time_entry=convert.time_entry(first)
                )
            await task_row(conn, project, task_id)
            if (
                await (
                    await conn.execute("SELECT 1 FROM people WHERE id = %s", (person,))
                ).fetchone()
                is None
            ):
                raise InvalidArgument.field("time_entry.person", f"people/{person} does not exist")
            row = await (
                await conn.execute(
                    "INSERT INTO time_entries (task_id, project_id, person, work_date, hours, note)"
                    " VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
                    (task_id, project, person, work_date, entry.hours, entry.note),
                )
            ).fetchone()
            assert row is not None
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
