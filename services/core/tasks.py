"""Task rules that need no database and no protobuf: field checks, a task's column values,
imported past work, the fields an update may set, list orders."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from services.common import names
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
    "splittable",
    "staffing",
    "crew",
)
MAX_HOURS = 100_000.0
MAX_CREW = 50
STAFF_POOL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\Z")


class Priority(enum.IntEnum):
    """A task's priority as stored; 0 in a request means "not given" (medium)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    URGENT = 4


class Source(enum.IntEnum):
    """Where a task came from, as stored; 0 in a request means "not given" (manual)."""

    MANUAL = 1
    NOTES = 2
    IMPORT = 3
    PLANNER = 4
    TEMPLATE = 5


PRIORITIES = frozenset({0, *(p.value for p in Priority)})
SOURCES = frozenset({0, *(s.value for s in Source)})


@dataclass(frozen=True)
class CrewRole:
    """Places in a crew that need particular skills: how many, and (skill, level) each."""

    count: int
    skills: Sequence[tuple[str, int]] = ()


@dataclass(frozen=True)
class Staffing:
    """Who a task needs: people at once (0 or 1: one), roles, and the staff pool's id."""

    crew_size: int = 0
    roles: Sequence[CrewRole] = ()
    staff_pool: str = ""


@dataclass(frozen=True)
class TaskFields:
    """A task as a request gives it: names and dates still unchecked text."""

    title: str
    description: str = ""
    priority: int = 0
    source: int = 0
    required_skills: Sequence[tuple[str, int]] = ()
    estimate_hours: float = 0.0
    optimistic_hours: float = 0.0
    pessimistic_hours: float = 0.0
    planned_start: str = ""
    planned_end: str = ""
    due_date: str = ""
    labels: Sequence[str] = ()
    source_ref: str = ""
    assignee: str = ""
    parent: str = ""
    iteration: str = ""
    locked: bool = False
    splittable: bool = False
    staffing: Staffing = dc_field(default_factory=Staffing)
    crew: Sequence[str] = ()


@dataclass(frozen=True)
class PastWork:
    """Finished work being imported: its end state and moments (None: not given or unreadable,
    already reported)."""

    state: str
    open_time: dt.datetime | None
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None


def values(task: TaskFields, checks: Checks, *, field: str, project: str) -> dict[str, Any]:
    """Column values of `task`, recording every bad field in `checks`."""
    checks.text(task.title, f"{field}.title", max_len=500, required=True)
    checks.text(task.description, f"{field}.description", max_len=20_000)
    if task.priority not in PRIORITIES:
        checks.fail(f"{field}.priority", "is not a known priority")
    if task.source not in SOURCES:
        checks.fail(f"{field}.source", "is not a known source")
    checks.skills(task.required_skills, f"{field}.required_skills")
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
        checks,
        task.assignee,
        field=f"{field}.assignee",
        parse=lambda v, f: names.person_id(v, field=f),
    )
    parent = _ref(
        checks,
        task.parent,
        field=f"{field}.parent",
        parse=lambda v, f: _same_project(v, field=f, project=project, collection="tasks"),
    )
    iteration = _ref(
        checks,
        task.iteration,
        field=f"{field}.iteration",
        parse=lambda v, f: _same_project(v, field=f, project=project, collection="iterations"),
    )
    staffing = staffing_values(task.staffing, checks, field=f"{field}.staffing")
    crew: list[str] = []
    if len(task.crew) > MAX_CREW:
        checks.fail(f"{field}.crew", f"must have at most {MAX_CREW} people")
    for i, member in enumerate(task.crew[:MAX_CREW]):
        person = _ref(
            checks,
            member,
            field=f"{field}.crew[{i}]",
            parse=lambda v, f: names.person_id(v, field=f),
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
        "priority": task.priority or Priority.MEDIUM.value,
        "assignee": assignee,
        "required_skills": [{"skill": s, "level": level} for s, level in task.required_skills],
        "estimate_hours": task.estimate_hours,
        "optimistic_hours": task.optimistic_hours,
        "pessimistic_hours": task.pessimistic_hours,
        "planned_start": start,
        "planned_end": end,
        "due_date": due,
        "parent_id": parent,
        "labels": list(dict.fromkeys(task.labels)),
        "source": task.source or Source.MANUAL.value,
        "source_ref": task.source_ref,
        "iteration_id": iteration,
        "locked": task.locked,
        "splittable": task.splittable,
        "staffing": staffing,
        "crew": crew,
    }


def staffing_values(staffing: Staffing, checks: Checks, *, field: str) -> dict[str, Any]:
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
        checks.skills(list(role.skills), f"{where}.skills")
        roles.append(
            {
                "count": role.count,
                "skills": [{"skill": skill, "level": level} for skill, level in role.skills],
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
    past: PastWork | None,
    checks: Checks,
    *,
    source: int,
    field: str,
    flow: wf.Workflow,
    now: dt.datetime,
) -> tuple[str, dict[str, Any]]:
    """The state and extra columns of imported past work, recording every bad field in
    `checks` (`field` prefixes their names, e.g. `requests[3].`); the initial state and
    nothing extra without it. `source` is the task's."""
    if past is None:
        return flow.initial_state, {}
    where = f"{field}past"
    if source != Source.IMPORT:
        checks.fail(f"{field}task.source", "must be TASK_SOURCE_IMPORT when past is given")
    finished = {"done", "cancelled"}
    state = past.state or next((s.id for s in flow.states if s.category == "done"), "")
    target = flow.state(state)
    if target is None or target.category not in finished:
        options = ", ".join(s.id for s in flow.states if s.category in finished)
        checks.fail(f"{where}.state", f"must be a done or cancelled state ({options})")
    for name in ("open_time", "actual_start", "actual_end"):
        value = getattr(past, name)
        if value is not None and value > now:
            checks.fail(f"{where}.{name}", "must not be in the future")
    opened, started, ended = past.open_time, past.actual_start, past.actual_end
    if opened and started and started < opened:
        checks.fail(f"{where}.actual_start", "must not be before open_time")
    if ended and max(filter(None, (opened, started)), default=ended) > ended:
        checks.fail(f"{where}.actual_end", "must not be before open_time or actual_start")
    return state, {"create_time": opened, "actual_start": started, "actual_end": ended}


def _ref(checks: Checks, value: str, *, field: str, parse: Callable[[str, str], int | str]) -> Any:
    if not value:
        return None
    try:
        return parse(value, field)
    except InvalidArgument as error:
        checks.found.extend(error.violations)
        return None


def _same_project(value: str, *, field: str, project: str, collection: str) -> int:
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


class Order(enum.Enum):
    """How a list of tasks is sorted; each order pages by a key ending in the task id."""

    ID = "id"
    DUE_DATE = "due_date"
    PRIORITY = "priority"
    UPDATE_TIME = "update_time"


def today_in(time_zone: str) -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(time_zone)).date()
