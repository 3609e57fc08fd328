"""A project's plan as other tools see it: tasks with dates and effort, links, people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from planops.core.v1 import person_pb2, project_pb2, task_pb2

from services.common.workcal import WorkingCalendar


class Link(StrEnum):
    """Which ends of two tasks a dependency ties."""

    FS = "fs"
    SS = "ss"
    FF = "ff"
    SF = "sf"


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


@dataclass(frozen=True)
class PlanTask:
    number: int
    title: str
    state: str = ""
    assignee: str = ""
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    due: dt.date | None = None
    estimate_hours: float = 0.0
    priority: Priority = Priority.MEDIUM


@dataclass(frozen=True)
class PlanLink:
    predecessor: int
    successor: int
    type: Link = Link.FS
    lag_days: int = 0


@dataclass(frozen=True)
class PlanPerson:
    name: str
    display_name: str
    email: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """Tasks and links refer to tasks by their number in the project (`projects/p/tasks/{n}`)."""

    project: str
    title: str
    start: dt.date | None = None
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    tasks: tuple[PlanTask, ...] = ()
    links: tuple[PlanLink, ...] = ()
    people: tuple[PlanPerson, ...] = ()

    def person(self, name: str) -> PlanPerson | None:
        return next((p for p in self.people if p.name == name), None)


LINKS = {
    task_pb2.DEPENDENCY_TYPE_UNSPECIFIED: Link.FS,
    task_pb2.DEPENDENCY_TYPE_FINISH_TO_START: Link.FS,
    task_pb2.DEPENDENCY_TYPE_START_TO_START: Link.SS,
    task_pb2.DEPENDENCY_TYPE_FINISH_TO_FINISH: Link.FF,
    task_pb2.DEPENDENCY_TYPE_START_TO_FINISH: Link.SF,
}
LINK_TYPES = {link: kind for kind, link in reversed(LINKS.items())}
PRIORITIES = {
    task_pb2.PRIORITY_UNSPECIFIED: Priority.MEDIUM,
    task_pb2.PRIORITY_LOW: Priority.LOW,
    task_pb2.PRIORITY_MEDIUM: Priority.MEDIUM,
    task_pb2.PRIORITY_HIGH: Priority.HIGH,
    task_pb2.PRIORITY_URGENT: Priority.URGENT,
}
PRIORITY_VALUES = {p: v for v, p in reversed(PRIORITIES.items())}


def day(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def number_of(name: str) -> int:
    """The number at the end of `projects/p/tasks/{n}`."""
    return int(name.rsplit("/", 1)[-1])


def calendar_of(calendar: project_pb2.Calendar) -> WorkingCalendar:
    return WorkingCalendar(
        working_days=frozenset(calendar.working_days or (1, 2, 3, 4, 5)),
        hours_per_day=calendar.hours_per_day or 8.0,
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
        days_off=frozenset(dt.date.fromisoformat(d) for d in calendar.days_off),
        extra_working_days=frozenset(dt.date.fromisoformat(d) for d in calendar.extra_working_days),
    )


def plan_of(
    project: project_pb2.Project,
    *,
    tasks: Sequence[task_pb2.Task],
    dependencies: Iterable[task_pb2.Dependency],
    people: Iterable[person_pb2.Person],
) -> Plan:
    """The plan held by core's messages; links to tasks left out of `tasks` are dropped."""
    numbers = {t.name for t in tasks}
    return Plan(
        project=project.name,
        title=project.display_name or project.name.removeprefix("projects/"),
        start=day(project.start_date),
        calendar=calendar_of(project.calendar),
        tasks=tuple(
            PlanTask(
                number=number_of(t.name),
                title=t.title,
                state=t.state,
                assignee=t.assignee,
                planned_start=day(t.planned_start),
                planned_end=day(t.planned_end),
                due=day(t.due_date),
                estimate_hours=t.estimate_hours,
                priority=PRIORITIES.get(t.priority, Priority.MEDIUM),
            )
            for t in sorted(tasks, key=lambda t: number_of(t.name))
        ),
        links=tuple(
            PlanLink(
                predecessor=number_of(d.predecessor),
                successor=number_of(d.successor),
                type=LINKS.get(d.type, Link.FS),
                lag_days=d.lag_days,
            )
            for d in dependencies
            if d.predecessor in numbers and d.successor in numbers
        ),
        people=tuple(
            PlanPerson(
                name=p.name,
                display_name=p.display_name or p.name,
                email=p.email,
                aliases=tuple(p.aliases),
            )
            for p in people
        ),
    )
