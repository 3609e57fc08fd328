"""Task rules that need no database: field checks, the column values of a task, ordering."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from google.protobuf import timestamp_pb2
from planops.core.v1 import task_pb2, task_service_pb2

from services.common import names, paging
from services.common.errors import InvalidArgument
from services.core import workflow as wf
from services.core.validate import Checks

UPDATABLE = (
    "title",
    "description",
    "priority",
    "assignee",
    "required_skills",
    "estimate_hours",
    "optimistic_hours",
    "pessimistic_hours",
    "planned_start",
    "planned_end",
    "due_date",
    "parent",
    "labels",
    "iteration",
    "locked",
    "staffing",
    "crew",
)
MAX_HOURS = 100_000.0
MAX_CREW = 50
STAFF_POOL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\Z")


def values(task: task_pb2.Task, checks: Checks, *, field: str, project: str) -> dict[str, Any]:
    """Column values of `task`, recording every bad field in `checks`."""
    checks.text(task.title, f"{field}.title", max_len=500, required=True)
    checks.text(task.description, f"{field}.description", max_len=20_000)
    if task.priority not in task_pb2.Priority.values():
        checks.fail(f"{field}.priority", "is not a known priority")
    if task.source not in task_pb2.TaskSource.values():
        checks.fail(f"{field}.source", "is not a known source")
    checks.skills([(s.skill, s.level) for s in task.required_skills], f"{field}.required_skills")
    for name in ("estimate_hours", "optimistic_hours", "pessimistic_hours"):
        checks.number(getattr(task, name), f"{field}.{name}", low=0, high=MAX_HOURS)
    if (
        task.optimistic_hours
        and task.pessimistic_hours
        and task.optimistic_hours > task.pessimistic_hours
    ):
        checks.fail(f"{field}.optimistic_hours", "must not exceed pessimistic_hours")
    start = checks.date(task.planned_start, f"{field}.planned_start")
    end = checks.date(task.planned_end, f"{field}.planned_end")
    if start and end and end < start:
        checks.fail(f"{field}.planned_end", "must not be before planned_start")
    due = checks.date(task.due_date, f"{field}.due_date")
    checks.strings(list(task.labels), f"{field}.labels", max_items=50)
    checks.text(task.source_ref, f"{field}.source_ref", max_len=500)
    assignee = _ref(
        checks, task.assignee, f"{field}.assignee", lambda v, f: names.person_id(v, field=f)
    )
    parent = _ref(
        checks, task.parent, f"{field}.parent", lambda v, f: _same_project(v, f, project, "tasks")
    )
    iteration = _ref(
        checks,
        task.iteration,
        f"{field}.iteration",
        lambda v, f: _same_project(v, f, project, "iterations"),
    )
    staffing = staffing_values(task.staffing, checks, field=f"{field}.staffing")
    crew: list[str] = []
    if len(task.crew) > MAX_CREW:
        checks.fail(f"{field}.crew", f"must have at most {MAX_CREW} people")
    for i, member in enumerate(task.crew[:MAX_CREW]):
        person = _ref(
            checks, member, f"{field}.crew[{i}]", lambda v, f: names.person_id(v, field=f)
        )
        if person is not None and person in crew:
            checks.fail(f"{field}.crew[{i}]", f"{member} appears twice")
        elif person is not None:
            crew.append(person)
    if crew and assignee is not None and crew[0] != assignee:
        checks.fail(f"{field}.crew", "must start with the assignee")
    return {
        "title": task.title.strip(),
        "description": task.description,
        "priority": task.priority or task_pb2.PRIORITY_MEDIUM,
        "assignee": assignee,
        "required_skills": [{"skill": s.skill, "level": s.level} for s in task.required_skills],
        "estimate_hours": task.estimate_hours,
        "optimistic_hours": task.optimistic_hours,
        "pessimistic_hours": task.pessimistic_hours,
        "planned_start": start,
        "planned_end": end,
        "due_date": due,
        "parent_id": parent,
        "labels": list(dict.fromkeys(task.labels)),
        "source": task.source or task_pb2.TASK_SOURCE_MANUAL,
        "source_ref": task.source_ref,
        "iteration_id": iteration,
        "locked": task.locked,
        "staffing": staffing,
        "crew": crew,
    }


def staffing_values(staffing: task_pb2.Staffing, checks: Checks, *, field: str) -> dict[str, Any]:
    """The staffing's JSON, recording every bad field: crew size, roles, staff pool id."""
    if not 0 <= staffing.crew_size <= MAX_CREW:
        checks.fail(f"{field}.crew_size", f"must be 0 to {MAX_CREW}")
    roles = []
    for i, role in enumerate(staffing.roles):
        where = f"{field}.roles[{i}]"
        if role.count < 1:
            checks.fail(f"{where}.count", "must be at least 1")
        if not role.skills:
            checks.fail(f"{where}.skills", "is required")
        checks.skills([(s.skill, s.level) for s in role.skills], f"{where}.skills")
        roles.append(
            {
                "count": role.count,
                "skills": [{"skill": s.skill, "level": s.level} for s in role.skills],
            }
        )
    if sum(role.count for role in staffing.roles) > max(1, staffing.crew_size):
        checks.fail(f"{field}.crew_size", "must be at least the roles' counts together")
    if staffing.staff_pool and not STAFF_POOL_ID.match(staffing.staff_pool):
        checks.fail(
            f"{field}.staff_pool", "must be a staff pool id: lower-case letters, digits, hyphens"
        )
    out: dict[str, Any] = {}
    if staffing.crew_size:
        out["crew_size"] = staffing.crew_size
    if roles:
        out["roles"] = roles
    if staffing.staff_pool:
        out["staff_pool"] = staffing.staff_pool
    return out


def past_values(
    request: task_service_pb2.CreateTaskRequest,
    checks: Checks,
    *,
    field: str,
    flow: wf.Workflow,
    now: dt.datetime,
) -> tuple[str, dict[str, Any]]:
    """The state and extra columns of imported past work (`request.past`), recording every
    bad field in `checks` (`field` prefixes their names, e.g. `requests[3].`); the initial
    state and nothing extra without it."""
    if not request.HasField("past"):
        return flow.initial_state, {}
    past = request.past
    where = f"{field}past"
    if request.task.source != task_pb2.TASK_SOURCE_IMPORT:
        checks.fail(f"{field}task.source", "must be TASK_SOURCE_IMPORT when past is given")
    finished = {"done", "cancelled"}
    state = past.state or next((s.id for s in flow.states if s.category == "done"), "")
    target = flow.state(state)
    if target is None or target.category not in finished:
        options = ", ".join(s.id for s in flow.states if s.category in finished)
        checks.fail(f"{where}.state", f"must be a done or cancelled state ({options})")

    def moment(name: str, *, required: bool) -> dt.datetime | None:
        ts: timestamp_pb2.Timestamp = getattr(past, name)
        if not past.HasField(name):
            if required:
                checks.fail(f"{where}.{name}", "is required")
            return None
        value = checks.timestamp(ts, f"{where}.{name}")
        if value is None:
            return None
        if value > now:
            checks.fail(f"{where}.{name}", "must not be in the future")
        return value

    opened = moment("open_time", required=True)
    started = moment("actual_start", required=False)
    ended = moment("actual_end", required=True)
    if opened and started and started < opened:
        checks.fail(f"{where}.actual_start", "must not be before open_time")
    if ended and max(filter(None, (opened, started)), default=ended) > ended:
        checks.fail(f"{where}.actual_end", "must not be before open_time or actual_start")
    return state, {"create_time": opened, "actual_start": started, "actual_end": ended}


def _ref(checks: Checks, value: str, field: str, parse: Any) -> Any:
    if not value:
        return None
    try:
        return parse(value, field)
    except InvalidArgument as error:
        checks.found.extend(error.violations)
        return None


def _same_project(value: str, field: str, project: str, collection: str) -> int:
    owner, ident = names.child_id(value, collection=collection, field=field)
    if owner != project:
        raise InvalidArgument.field(field, f"must be in projects/{project}")
    return ident


COLUMN_OF_PATH = {
    "parent": "parent_id",
    "iteration": "iteration_id",
}


def columns_for(paths: Sequence[str]) -> list[str]:
    return [COLUMN_OF_PATH.get(p, p) for p in paths]


ORDERS: dict[int, tuple[str, str]] = {
    # order -> (ORDER BY clause, keyset condition on the previous page's last key)
    task_service_pb2.TASK_ORDER_UNSPECIFIED: ("id ASC", "id > %s"),
    task_service_pb2.TASK_ORDER_DUE_DATE: (
        "COALESCE(due_date, 'infinity'::date) ASC, id ASC",
        "(COALESCE(due_date, 'infinity'::date), id) > (%s::date, %s)",
    ),
    task_service_pb2.TASK_ORDER_PRIORITY: (
        "priority DESC, id ASC",
        "(priority < %s OR (priority = %s AND id > %s))",
    ),
    task_service_pb2.TASK_ORDER_UPDATE_TIME: (
        "update_time DESC, id DESC",
        "(update_time, id) < (%s::timestamptz, %s)",
    ),
}


# The parts of each order's page key, as `paging.decode` checks them.
KEY_SHAPES: dict[int, paging.KeyShape] = {
    task_service_pb2.TASK_ORDER_UNSPECIFIED: [paging.integer],
    task_service_pb2.TASK_ORDER_DUE_DATE: [paging.day, paging.integer],
    task_service_pb2.TASK_ORDER_PRIORITY: [paging.integer, paging.integer],
    task_service_pb2.TASK_ORDER_UPDATE_TIME: [paging.moment, paging.integer],
}


def sort_key(order: int, row: dict[str, Any]) -> list[Any]:
    if order == task_service_pb2.TASK_ORDER_DUE_DATE:
        return [row["due_date"].isoformat() if row["due_date"] else "infinity", row["id"]]
    if order == task_service_pb2.TASK_ORDER_PRIORITY:
        return [row["priority"], row["id"]]
    if order == task_service_pb2.TASK_ORDER_UPDATE_TIME:
        return [row["update_time"].isoformat(), row["id"]]
    return [row["id"]]


def keyset_params(order: int, key: list[Any]) -> list[Any]:
    if order == task_service_pb2.TASK_ORDER_PRIORITY:
        return [key[0], key[0], key[1]]
    return key


def today_in(time_zone: str) -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(time_zone)).date()
