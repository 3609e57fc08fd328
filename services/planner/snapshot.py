"""A project as core has it, read with the service key and turned into a solver `Problem`.

Done and cancelled tasks are left out (a finished predecessor constrains nothing); work in
progress and locked tasks with planned dates are pinned; each team member's open tasks in
other projects become busy periods.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import grpc
from google.protobuf import json_format
from planops.core.v1 import (
    person_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
    task_pb2,
    task_service_pb2,
)
from planops.risk.v1 import risk_service_pb2, risk_service_pb2_grpc

from services.common import deadline
from services.common.core_client import CoreClient, translate
from services.common.errors import FieldViolation, InvalidArgument
from services.common.workcal import calendar_of
from services.planner.model import (
    BusyPeriod,
    CrewRole,
    Dependency,
    DependencyType,
    Objective,
    Period,
    Person,
    PlannedSlot,
    Problem,
    ProjectCalendar,
    SkillRequirement,
    StaffPool,
    Task,
    Weights,
    without_links_into_started_work,
)

log = logging.getLogger(__name__)

PAGE = 500
RISK_TIMEOUT_S = 3.0
CALENDAR_YEARS = 3
OPEN = {
    project_pb2.STATE_CATEGORY_PLANNED,
    project_pb2.STATE_CATEGORY_ACTIVE,
    project_pb2.STATE_CATEGORY_BLOCKED,
    project_pb2.STATE_CATEGORY_UNSPECIFIED,
}
# Who may be given work: executors do it, managers often do some too.
PLANNED_ROLES = {project_pb2.ROLE_EXECUTOR, project_pb2.ROLE_MANAGER}
DEPENDENCY_TYPES = {
    task_pb2.DEPENDENCY_TYPE_UNSPECIFIED: DependencyType.FS,
    task_pb2.DEPENDENCY_TYPE_FINISH_TO_START: DependencyType.FS,
    task_pb2.DEPENDENCY_TYPE_START_TO_START: DependencyType.SS,
    task_pb2.DEPENDENCY_TYPE_FINISH_TO_FINISH: DependencyType.FF,
    task_pb2.DEPENDENCY_TYPE_START_TO_FINISH: DependencyType.SF,
}
PRIORITIES = {
    task_pb2.PRIORITY_UNSPECIFIED: 2,
    task_pb2.PRIORITY_LOW: 1,
    task_pb2.PRIORITY_MEDIUM: 2,
    task_pb2.PRIORITY_HIGH: 3,
    task_pb2.PRIORITY_URGENT: 5,
}


class DurationSource:
    ESTIMATE = "ESTIMATE"
    RISK_P50 = "RISK_P50"
    RISK_P80 = "RISK_P80"


@dataclass(frozen=True)
class WhatIf:
    """Overrides to try; names are resource names as the caller sent them."""

    add_people: tuple[str, ...] = ()
    remove_people: tuple[str, ...] = ()
    time_off: tuple[tuple[str, Period], ...] = ()
    deadline: date | None = None
    durations: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanRequest:
    """What the caller asked for, checked for shape already."""

    project: str
    time_limit_s: float
    weights: Weights
    horizon_days: int | None
    hard_deadline: bool
    duration_source: str
    what_if: WhatIf | None
    target_probability: float = 0.0
    """The chance of the deadline to plan for; 0 plans once, as asked."""
    stages: tuple[Objective, ...] = ()
    """Empty for the weighted sum; else the objectives to minimise in turn."""
    stage_tolerance: float = 0.0


@dataclass(frozen=True)
class TaskInfo:
    """What the proposal needs to say about a task besides its plan."""

    name: str
    title: str
    etag: str
    assignee: str
    planned_start: str
    planned_end: str
    pin_reason: str = ""
    crew: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    project: str
    problem: Problem
    tasks: Mapping[str, TaskInfo]
    """By the problem's task id (the task number)."""
    duration_source: str
    notes: tuple[str, ...] = ()


T = TypeVar("T")


async def read(
    core: CoreClient,
    request: PlanRequest,
    *,
    max_tasks: int,
    risk: grpc.aio.Channel | None = None,
    today: date | None = None,
) -> Snapshot:
    """The project's snapshot with the what-if applied; raises InvalidArgument for bad input."""
    reader = _Reader(core)
    project = await reader.call(
        core.projects.GetProject,
        project_service_pb2.GetProjectRequest(name=f"projects/{request.project}"),
        what=f"reading projects/{request.project}",
    )
    project_pb = project.project
    memberships, people, tasks, dependencies = await _project_lists(reader, core, project_pb)
    notes: list[str] = []
    categories = {s.id: s.category for s in project_pb.workflow.states}
    open_tasks = [t for t in tasks if categories.get(t.state, 0) in OPEN]
    if len(open_tasks) > max_tasks:
        raise InvalidArgument.field(
            "project",
            f"has {len(open_tasks)} open tasks; the planner plans at most {max_tasks} at once",
        )
    what_if = request.what_if
    team = await _team(
        reader,
        core,
        memberships=memberships,
        people=people,
        what_if=what_if,
        pinned=[t for t in open_tasks if _pin(t, categories)],
    )

    start = _plan_start(project_pb, today)
    calendar, calendar_notes = project_calendar(
        project_pb.calendar,
        start=min([start, *(_date(t.planned_start) or start for t in open_tasks)]),
    )
    notes += calendar_notes
    busy = await _other_load(
        reader, core, project_pb.name, team=set(team), start=start, calendar=calendar
    )

    source = request.duration_source
    delays: Mapping[str, float] = {}
    if source != DurationSource.ESTIMATE:
        delays, note = await _risk_delays(
            risk, core, project_pb.name, p80=source == DurationSource.RISK_P80
        )
        if note:
            notes.append(note)
            source = DurationSource.ESTIMATE
    durations, extra_off = _overrides(what_if, open=open_tasks, team=team)

    domain_people = tuple(
        _person(
            p, calendar=calendar, busy=busy.get(p.name, ()), extra_off=extra_off.get(p.name, ())
        )
        for p in sorted(team.values(), key=lambda p: p.name)
    )
    staff_pools = _staff_pools(project_pb, team=set(team))
    pool_ids = {p.id for p in staff_pools}
    domain_tasks: list[Task] = []
    infos: dict[str, TaskInfo] = {}
    for t in open_tasks:
        hours = t.estimate_hours
        if t.name in durations:
            hours = durations[t.name]
        elif t.name in delays:
            hours += max(0.0, delays[t.name]) * calendar.hours_per_day
        task, info = _task(
            t,
            hours=hours,
            pin=_pin(t, categories),
            categories=categories,
            team=team,
            pool_ids=pool_ids,
            notes=notes,
        )
        domain_tasks.append(task)
        infos[task.id] = info
    domain_dependencies = _dependencies(
        dependencies, names={t.name for t in open_tasks}, tasks=domain_tasks, notes=notes
    )
    deadline = _date(project_pb.deadline)
    if what_if is not None and what_if.deadline is not None:
        deadline = what_if.deadline
    problem = Problem(
        project_start=start,
        tasks=tuple(domain_tasks),
        people=domain_people,
        dependencies=domain_dependencies,
        staff_pools=staff_pools,
        calendar=calendar,
        deadline=deadline,
        hard_deadline=request.hard_deadline,
        weights=request.weights,
        time_limit_s=request.time_limit_s,
        horizon_days=request.horizon_days,
        stages=request.stages,
        stage_tolerance=request.stage_tolerance,
    )
    return Snapshot(
        project=request.project,
        problem=problem,
        tasks=infos,
        duration_source=source,
        notes=tuple(notes),
    )


async def _project_lists(
    reader: _Reader, core: CoreClient, project: project_pb2.Project
) -> tuple[
    list[project_pb2.Membership],
    list[person_pb2.Person],
    list[task_pb2.Task],
    list[task_pb2.Dependency],
]:
    """The project's members, people, tasks and dependencies, read at the same time."""
    memberships, people, tasks, dependencies = await asyncio.gather(
        reader.all(
            core.projects.ListMemberships,
            lambda token: project_service_pb2.ListMembershipsRequest(
                parent=project.name, page_size=PAGE, page_token=token
            ),
            "memberships",
            what="reading the project's members",
        ),
        reader.all(
            core.people.ListPeople,
            lambda token: person_service_pb2.ListPeopleRequest(
                project=project.name, page_size=PAGE, page_token=token
            ),
            "people",
            what="reading the project's people",
        ),
        reader.all(
            core.tasks.ListTasks,
            lambda token: task_service_pb2.ListTasksRequest(
                parent=project.name, page_size=PAGE, page_token=token
            ),
            "tasks",
            what="reading the project's tasks",
        ),
        reader.all(
            core.tasks.ListDependencies,
            lambda token: task_service_pb2.ListDependenciesRequest(
                parent=project.name, page_size=PAGE, page_token=token
            ),
            "dependencies",
            what="reading the project's dependencies",
        ),
    )
    return memberships, people, tasks, dependencies


async def _team(
    reader: _Reader,
    core: CoreClient,
    *,
    memberships: Sequence[project_pb2.Membership],
    people: Sequence[person_pb2.Person],
    what_if: WhatIf | None,
    pinned: Sequence[task_pb2.Task],
) -> dict[str, person_pb2.Person]:
    """Who the plan may use: the planning members, with the what-if's people added and
    removed, and whoever holds pinned work."""
    planners = {
        m.member
        for m in memberships
        if m.member.startswith("people/") and PLANNED_ROLES & set(m.roles)
    }
    team: dict[str, person_pb2.Person] = {p.name: p for p in people if p.name in planners}
    if what_if is not None:
        for i, name in enumerate(what_if.add_people):
            if name not in team:
                added = await reader.call(
                    core.people.GetPerson,
                    person_service_pb2.GetPersonRequest(name=name),
                    what=f"what_if.add_people[{i}]",
                    invalid_field=f"what_if.add_people[{i}]",
                )
                team[name] = added.person
    removed = set(what_if.remove_people) if what_if else set()
    bad = [
        FieldViolation(f"what_if.remove_people[{i}]", f"{name} is not in the project's team")
        for i, name in enumerate(what_if.remove_people if what_if else ())
        if name not in team
    ]
    if bad:
        raise InvalidArgument.of(bad)
    for name in removed:
        team.pop(name)
    # People who hold pinned work keep it even when they are not planning members (a
    # crew's members as well as its assignee).
    for t in pinned:
        for holder in dict.fromkeys([t.assignee, *t.crew]):
            if holder and holder not in team and holder not in removed:
                found = await reader.call(
                    core.people.GetPerson,
                    person_service_pb2.GetPersonRequest(name=holder),
                    what=f"reading {holder}",
                )
                team[found.person.name] = found.person
    return team


def _overrides(
    what_if: WhatIf | None,
    *,
    open: Sequence[task_pb2.Task],
    team: Mapping[str, person_pb2.Person],
) -> tuple[dict[str, float], dict[str, list[Period]]]:
    """The what-if's durations by task and extra time off by person; every name it gives
    that the project does not have is refused at once."""
    durations = dict(what_if.durations) if what_if else {}
    names = {t.name for t in open}
    unknown = [
        FieldViolation(f"what_if.durations[{i}].task", f"{task} is not an open task of the project")
        for i, task in enumerate(durations)
        if task not in names
    ]
    extra_off: dict[str, list[Period]] = {}
    for i, (person, period) in enumerate(what_if.time_off if what_if else ()):
        if person not in team:
            unknown.append(
                FieldViolation(f"what_if.time_off[{i}].person", f"{person} is not in the team")
            )
        extra_off.setdefault(person, []).append(period)
    if unknown:
        raise InvalidArgument.of(unknown)
    return durations, extra_off


def _task(
    t: task_pb2.Task,
    *,
    hours: float,
    pin: str,
    categories: Mapping[str, int],
    team: Mapping[str, person_pb2.Person],
    pool_ids: set[str],
    notes: list[str],
) -> tuple[Task, TaskInfo]:
    """One open task in the solver's terms and what the proposal says about it; remarks on
    it go to `notes`."""
    task_id = t.name.rsplit("/", 1)[-1]
    slot = None
    if t.planned_start and t.planned_end:
        assignee = t.assignee if t.assignee in team else None
        crew = tuple(m for m in t.crew if m in team)
        slot = PlannedSlot(
            start=date.fromisoformat(t.planned_start),
            end=date.fromisoformat(t.planned_end),
            assignee=assignee,
            # A crew short of a member (removed in a what-if) is no crew to keep.
            crew=crew if assignee is not None and crew[:1] == (assignee,) else (),
        )
    pinned = bool(pin) and slot is not None and (slot.assignee is not None or hours == 0)
    if pin and not pinned:
        notes.append(
            f"'{t.title}' is {pin.split(':')[0].lower()} but has no planned dates or person; "
            "it is planned like open work."
        )
    task = Task(
        id=task_id,
        name=t.title,
        duration_hours=hours,
        required_skills=tuple(
            SkillRequirement(s.skill, max(1, s.level)) for s in t.required_skills
        ),
        due=_date(t.due_date),
        priority=PRIORITIES.get(t.priority, 2),
        current=slot,
        pinned=pinned,
        started=pinned and categories.get(t.state) == project_pb2.STATE_CATEGORY_ACTIVE,
        crew_size=max(1, t.staffing.crew_size),
        crew_roles=tuple(
            CrewRole(
                count=role.count,
                skills=tuple(SkillRequirement(s.skill, max(1, s.level)) for s in role.skills),
            )
            for role in t.staffing.roles
        ),
        staff_pool=t.staffing.staff_pool if t.staffing.staff_pool in pool_ids else None,
        splittable=t.splittable,
    )
    if t.staffing.staff_pool and t.staffing.staff_pool not in pool_ids:
        notes.append(
            f"'{t.title}' draws from staff pool '{t.staffing.staff_pool}', which the "
            "project no longer has; it is planned with any of the project's people."
        )
    info = TaskInfo(
        name=t.name,
        title=t.title,
        etag=t.etag,
        assignee=t.assignee,
        planned_start=t.planned_start,
        planned_end=t.planned_end,
        pin_reason=pin if pinned else "",
        crew=tuple(t.crew),
    )
    return task, info


def _dependencies(
    dependencies: Sequence[task_pb2.Dependency],
    *,
    names: set[str],
    tasks: Sequence[Task],
    notes: list[str],
) -> tuple[Dependency, ...]:
    """The links between open tasks; a link into work already started is noted as moot."""
    domain = tuple(
        Dependency(
            predecessor=d.predecessor.rsplit("/", 1)[-1],
            successor=d.successor.rsplit("/", 1)[-1],
            type=DEPENDENCY_TYPES.get(d.type, DependencyType.FS),
            lag_days=d.lag_days,
        )
        for d in dependencies
        if d.predecessor in names and d.successor in names
    )
    # The solver leaves these out (see the function); the plan says so.
    _, moot = without_links_into_started_work(domain, started={t.id for t in tasks if t.started})
    titles = {t.id: t.name for t in tasks}
    for link in moot:
        notes.append(
            f"'{titles[link.successor]}' has already started, so its dependency on "
            f"'{titles[link.predecessor]}' no longer constrains the plan."
        )
    return domain


def _staff_pools(project: project_pb2.Project, *, team: set[str]) -> tuple[StaffPool, ...]:
    """The project's staff pools with the members the planner plans with (a member who left
    the team, or a what-if removed, is no longer in the pool)."""
    return tuple(
        StaffPool(
            id=pool.id,
            name=pool.display_name or pool.id,
            members=tuple(m for m in pool.members if m in team),
            working_weekdays=frozenset(d - 1 for d in pool.working_days if 1 <= d <= 7)
            or frozenset(range(5)),
            days_off=frozenset(date.fromisoformat(d) for d in pool.days_off),
        )
        for pool in project.staff_pools
    )


def _pin(task: task_pb2.Task, categories: Mapping[str, int]) -> str:
    """Why the planner must keep the task where it is, or an empty string."""
    if task.locked:
        return "Locked: keeps its dates and assignee."
    if categories.get(task.state) == project_pb2.STATE_CATEGORY_ACTIVE:
        return f"In progress ({task.state}): keeps its dates and assignee."
    return ""


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _plan_start(project: project_pb2.Project, today: date | None) -> date:
    """The later of the project's start and today in the project's time zone."""
    if today is None:
        try:
            zone = ZoneInfo(project.time_zone or "UTC")
        except (KeyError, ValueError):
            zone = ZoneInfo("UTC")
        today = datetime.now(zone).date()
    start = _date(project.start_date)
    return max(start, today) if start else today


def project_calendar(
    calendar: project_pb2.Calendar, *, start: date
) -> tuple[ProjectCalendar, list[str]]:
    """The project's working weekdays and, for a few years, its holidays and days off.

    Core's calendar decides every day; a working day outside the weekly pattern (China's
    调休 make-up Saturday, a project's special working day) is an extra working day of the
    axis, worked by everyone on the project as it is in China.
    """
    weekdays = frozenset(d - 1 for d in calendar.working_days if 1 <= d <= 7) or frozenset(range(5))
    # Core's calendar module is the one definition of a working day (holidays, 调休, days off).
    working_day = calendar_of(
        json_format.MessageToDict(calendar, preserving_proto_field_name=True)
    ).is_working_day
    off: set[date] = set()
    extra: set[date] = set()
    end = start + timedelta(days=366 * CALENDAR_YEARS)
    day = start
    while day <= end:
        weekly = day.weekday() in weekdays
        working = working_day(day)
        if weekly and not working:
            off.add(day)
        elif working and not weekly:
            extra.add(day)
        day += timedelta(days=1)
    hours = calendar.hours_per_day or 8.0
    project = ProjectCalendar(
        working_weekdays=weekdays,
        holidays=frozenset(off),
        hours_per_day=hours,
        extra_working_days=frozenset(extra),
    )
    return project, []


def _person(
    p: person_pb2.Person,
    *,
    calendar: ProjectCalendar,
    busy: Sequence[BusyPeriod],
    extra_off: Sequence[Period],
) -> Person:
    weekdays = frozenset(d - 1 for d in p.working_days if 1 <= d <= 7) or frozenset(range(5))
    time_off = [
        Period(date.fromisoformat(o.start_date), date.fromisoformat(o.end_date))
        for o in p.time_off
        if o.start_date and o.end_date
    ]
    return Person(
        id=p.name,
        name=p.display_name or p.name,
        skills={s.skill: s.level for s in p.skills},
        hours_per_day=calendar.hours_per_day,
        weekly_capacity_hours=p.weekly_capacity_hours or 40.0,
        working_weekdays=weekdays,
        time_off=(*time_off, *extra_off),
        busy=tuple(busy),
    )


async def _other_load(
    reader: _Reader,
    core: CoreClient,
    project: str,
    *,
    team: set[str],
    start: date,
    calendar: ProjectCalendar,
) -> dict[str, list[BusyPeriod]]:
    """Each team member's planned open work in other projects, spread over its days."""
    projects = await reader.all(
        core.projects.ListProjects,
        lambda token: project_service_pb2.ListProjectsRequest(page_size=PAGE, page_token=token),
        "projects",
        what="listing projects",
    )
    gate = asyncio.Semaphore(4)
    found: dict[str, list[BusyPeriod]] = {}

    async def one(other: project_pb2.Project) -> None:
        categories = {s.id: s.category for s in other.workflow.states}
        async with gate:
            tasks = await reader.all(
                core.tasks.ListTasks,
                lambda token: task_service_pb2.ListTasksRequest(
                    parent=other.name, page_size=PAGE, page_token=token
                ),
                "tasks",
                what=f"reading the tasks of {other.name}",
            )
        for t in tasks:
            # Everyone on a crew works all of its hours, not only its assignee.
            workers = [w for w in dict.fromkeys(t.crew or [t.assignee]) if w in team]
            if (
                not workers
                or categories.get(t.state, 0) not in OPEN
                or not (t.planned_start and t.planned_end)
                or t.estimate_hours <= 0
            ):
                continue
            first, last = date.fromisoformat(t.planned_start), date.fromisoformat(t.planned_end)
            if last < start or last < first:
                continue
            days = sum(
                1
                for k in range((last - first).days + 1)
                if (first + timedelta(days=k)).weekday() in calendar.working_weekdays
            )
            hours = min(24.0, t.estimate_hours / max(1, days))
            for worker in workers:
                found.setdefault(worker, []).append(BusyPeriod(first, last, hours))

    await asyncio.gather(*(one(p) for p in projects if p.name != project))
    return found


async def _risk_delays(
    channel: grpc.aio.Channel | None, core: CoreClient, project: str, *, p80: bool
) -> tuple[dict[str, float], str]:
    """Forecast delay in working days per task, or a note saying why estimates were used."""
    label = "P80" if p80 else "P50"
    if channel is None:
        return {}, f"The risk service is not configured; durations are the estimates, not {label}."
    stub = risk_service_pb2_grpc.RiskServiceStub(channel)  # type: ignore[no-untyped-call]
    try:
        reply = await stub.ListTaskRisks(
            risk_service_pb2.ListTaskRisksRequest(project=project, page_size=5000),
            metadata=core.metadata(),
            timeout=deadline.remaining(RISK_TIMEOUT_S),
        )
    except grpc.RpcError as error:
        log.warning("risk service unavailable for %s: %s", project, error)
        return {}, (f"The risk service did not answer; durations are the estimates, not {label}.")
    return {r.task: (r.delay_p80_days if p80 else r.delay_p50_days) for r in reply.risks}, ""


class _Reader:
    """Calls to core with the service key; failures become this service's errors."""

    def __init__(self, core: CoreClient) -> None:
        self.core = core

    async def call(
        self,
        method: Callable[..., Awaitable[T]],
        request: Any,
        *,
        what: str,
        invalid_field: str = "",
    ) -> T:
        try:
            reply = await method(request, metadata=self.core.metadata(), timeout=self.core.timeout)
        except grpc.RpcError as error:
            if invalid_field and error.code() == grpc.StatusCode.NOT_FOUND:
                raise InvalidArgument.field(invalid_field, "does not exist in core") from error
            raise translate(error, what=what) from error
        return reply

    async def all(
        self,
        method: Callable[..., Awaitable[Any]],
        request: Callable[[str], Any],
        attribute: str,
        *,
        what: str,
    ) -> list[Any]:
        found: list[Any] = []
        async for page in self._pages(method, request, what=what):
            found += getattr(page, attribute)
        return found

    async def _pages(
        self, method: Callable[..., Awaitable[Any]], request: Callable[[str], Any], *, what: str
    ) -> AsyncIterator[Any]:
        token = ""
        while True:
            page = await self.call(method, request(token), what=what)
            yield page
            token = page.next_page_token
            if not token:
                return
