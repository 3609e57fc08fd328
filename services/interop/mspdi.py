"""MS Project XML (MSPDI): a plan written for MS Project and ProjectLibre, and a file read back
into a preview that names every row it refuses.

Units in the format: durations and work are ISO 8601 durations in working time (`PT16H0M0S`);
a link's `LinkLag` is in tenths of a minute of working time, its `LagFormat` says how the user
entered it (7 = days; elapsed and percent lags have their own codes); link types are FF=0,
FS=1, SF=2, SS=3. Child elements are written in the schema's order, which MS Project checks.

A file from a user is hostile input: it is parsed by expat with every DTD refused (so no entity
can expand or reach outside), within a size, element and depth limit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

from services.interop.plan import Link, Plan, PlanLink, PlanPerson, PlanTask, Priority

NAMESPACE = "http://schemas.microsoft.com/project"
MAX_BYTES = 20 * 1024 * 1024
MAX_ELEMENTS = 2_000_000
MAX_DEPTH = 64
MAX_TASKS = 10_000
MAX_TITLE = 500
MAX_LAG_DAYS = 365
# What core accepts (services/core/tasks.py, validate.py): a row beyond it is refused here, by
# its UID, rather than failing a whole batch in core.
MAX_HOURS = 100_000.0
MIN_YEAR, MAX_YEAR = 1900, 2200
DAY_START_MINUTES = 8 * 60

LINK_CODES = {Link.FF: 0, Link.FS: 1, Link.SF: 2, Link.SS: 3}
LINKS_BY_CODE = {code: link for link, code in LINK_CODES.items()}
PRIORITY_CODES = {Priority.LOW: 300, Priority.MEDIUM: 500, Priority.HIGH: 700, Priority.URGENT: 900}
LAG_DAYS_FORMAT = 7
# Working-time units (minutes, hours, days, weeks, months), also when marked estimated (+32):
# the lag is a number of working minutes. Elapsed units run on the clock and percent lags on the
# predecessor's duration; neither is a number of working days.
WORKING_LAG_FORMATS = frozenset({3, 5, 7, 9, 11, 35, 37, 39, 41, 43})
ELAPSED_LAG_FORMATS = frozenset({4, 6, 8, 10, 12, 36, 38, 40, 42, 44})
PERCENT_LAG_FORMATS = frozenset({19, 20, 51, 52})
WORK_RESOURCE = 1
NO_RESOURCE = -65535
DAY_TYPES = {iso: iso % 7 + 1 for iso in range(1, 8)}  # MSPDI: 1 = Sunday ... 7 = Saturday

_DURATION = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?\Z"
)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class MspdiError(ValueError):
    """A file that cannot be read as MSPDI at all; the message says why in one line."""


# writing


def _hours(hours: float) -> str:
    minutes = round(hours * 60)
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def _clock(minutes: float) -> str:
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}:00"


def _add(parent: ET.Element, tag: str, value: object = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if value is not None:
        # Core accepts control characters in titles; XML 1.0 cannot hold them.
        child.text = _NOT_XML.sub("", value if isinstance(value, str) else str(value))
    return child


@dataclass(frozen=True)
class _Day:
    """The working hours of one day: a morning until noon and the rest after an hour's lunch."""

    hours: float

    def periods(self) -> list[tuple[float, float]]:
        minutes = self.hours * 60
        if minutes <= 4 * 60:
            return [(DAY_START_MINUTES, DAY_START_MINUTES + minutes)]
        return [(DAY_START_MINUTES, 12 * 60), (13 * 60, 13 * 60 + minutes - 4 * 60)]

    @property
    def end(self) -> float:
        return self.periods()[-1][1]


def _stamp(day: dt.date, minutes: float) -> str:
    return f"{day.isoformat()}T{_clock(minutes)}"


def write(plan: Plan) -> bytes:
    """The plan as an MSPDI document: tasks keep their number as UID, so links and a later
    import refer to the same tasks; dated tasks get a start-no-earlier-than constraint so MS
    Project keeps the planned dates when it recalculates."""
    calendar = plan.calendar
    workday = _Day(calendar.hours_per_day)
    starts = [t.planned_start for t in plan.tasks if t.planned_start]
    ends = [t.planned_end for t in plan.tasks if t.planned_end]
    first = min([*starts, *([plan.start] if plan.start else [])], default=None) or dt.date.today()
    last = max([*ends, first])
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}Project")
    _add(root, "SaveVersion", 14)
    _add(root, "Name", f"{plan.project.removeprefix('projects/')}.xml")
    _add(root, "Title", plan.title)
    _add(root, "ScheduleFromStart", 1)
    _add(root, "StartDate", _stamp(first, DAY_START_MINUTES))
    _add(root, "FinishDate", _stamp(last, workday.end))
    _add(root, "CalendarUID", 1)
    _add(root, "DefaultStartTime", _clock(DAY_START_MINUTES))
    _add(root, "DefaultFinishTime", _clock(workday.end))
    _add(root, "MinutesPerDay", round(calendar.hours_per_day * 60))
    _add(root, "MinutesPerWeek", round(calendar.hours_per_day * 60 * len(calendar.working_days)))
    _add(root, "DaysPerMonth", 20)
    _add(root, "DurationFormat", LAG_DAYS_FORMAT)
    _write_calendar(_add(root, "Calendars"), plan, first=first, last=last)
    _write_tasks(_add(root, "Tasks"), plan, workday=workday)
    # An assignee the reader may not see (no shared project) still gets a resource, by id.
    people = [
        plan.person(name) or PlanPerson(name=name, display_name=name.removeprefix("people/"))
        for name in dict.fromkeys(t.assignee for t in plan.tasks if t.assignee)
    ]
    resources = _add(root, "Resources")
    for uid, person in enumerate(people, start=1):
        resource = _add(resources, "Resource")
        _add(resource, "UID", uid)
        _add(resource, "ID", uid)
        _add(resource, "Name", person.display_name)
        _add(resource, "Type", WORK_RESOURCE)
        _add(resource, "Initials", "".join(w[0] for w in person.display_name.split())[:8])
        _add(resource, "Code", person.name.removeprefix("people/"))
        if person.email:
            _add(resource, "EmailAddress", person.email)
        _add(resource, "MaxUnits", "1.00")
        _add(resource, "CalendarUID", 1)
    assignments = _add(root, "Assignments")
    uids = {p.name: uid for uid, p in enumerate(people, start=1)}
    for uid, task in enumerate((t for t in plan.tasks if t.assignee in uids), start=1):
        assignment = _add(assignments, "Assignment")
        _add(assignment, "UID", uid)
        _add(assignment, "TaskUID", task.number)
        _add(assignment, "ResourceUID", uids[task.assignee])
        hours = _task_hours(plan, task)
        if task.planned_end:
            _add(assignment, "Finish", _stamp(task.planned_end, workday.end))
        if task.planned_start:
            _add(assignment, "Start", _stamp(task.planned_start, DAY_START_MINUTES))
        _add(assignment, "Units", f"{task.estimate_hours / hours if hours else 1:.2f}")
        _add(assignment, "Work", _hours(task.estimate_hours))
    ET.indent(root, space="  ")
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _task_hours(plan: Plan, task: PlanTask) -> float:
    """The working hours from the planned start to the planned end, both days included."""
    if task.planned_start is None or task.planned_end is None:
        return task.estimate_hours
    days = plan.calendar.working_days_between(task.planned_start, task.planned_end)
    return days * plan.calendar.hours_per_day


def _write_calendar(parent: ET.Element, plan: Plan, *, first: dt.date, last: dt.date) -> None:
    """The project's working week, with its holidays and days off as exceptions from the plan's
    first to its last day, so MS Project counts the same working days as PlanOps."""
    calendar = plan.calendar
    element = _add(parent, "Calendar")
    _add(element, "UID", 1)
    _add(element, "Name", "Standard")
    _add(element, "IsBaseCalendar", 1)
    _add(element, "BaseCalendarUID", -1)
    days = _add(element, "WeekDays")
    periods = _Day(calendar.hours_per_day).periods()

    def working_times(day: ET.Element) -> None:
        times = _add(day, "WorkingTimes")
        for start, end in periods:
            time = _add(times, "WorkingTime")
            _add(time, "FromTime", _clock(start))
            _add(time, "ToTime", _clock(end))

    for iso in (7, 1, 2, 3, 4, 5, 6):
        day = _add(days, "WeekDay")
        _add(day, "DayType", DAY_TYPES[iso])
        working = iso in calendar.working_days
        _add(day, "DayWorking", int(working))
        if working:
            working_times(day)
    current = first
    while current <= last:
        usual = current.isoweekday() in calendar.working_days
        if calendar.is_working_day(current) != usual:
            day = _add(days, "WeekDay")
            _add(day, "DayType", 0)
            _add(day, "DayWorking", int(not usual))
            period = _add(day, "TimePeriod")
            _add(period, "FromDate", _stamp(current, 0))
            _add(period, "ToDate", f"{current.isoformat()}T23:59:00")
            if not usual:
                working_times(day)
        current += dt.timedelta(days=1)


def _write_tasks(parent: ET.Element, plan: Plan, *, workday: _Day) -> None:
    predecessors: dict[int, list[PlanLink]] = defaultdict(list)
    for link in plan.links:
        predecessors[link.successor].append(link)
    minutes_per_day = round(plan.calendar.hours_per_day * 60)
    for row, task in enumerate(plan.tasks, start=1):
        element = _add(parent, "Task")
        _add(element, "UID", task.number)
        _add(element, "ID", row)
        _add(element, "Name", task.title)
        _add(element, "Type", 0)
        _add(element, "IsNull", 0)
        _add(element, "OutlineNumber", row)
        _add(element, "OutlineLevel", 1)
        _add(element, "Priority", PRIORITY_CODES[task.priority])
        if task.planned_start and task.planned_end:
            _add(element, "Start", _stamp(task.planned_start, DAY_START_MINUTES))
            _add(element, "Finish", _stamp(task.planned_end, workday.end))
        hours = _task_hours(plan, task)
        _add(element, "Duration", _hours(hours or plan.calendar.hours_per_day))
        _add(element, "DurationFormat", LAG_DAYS_FORMAT)
        _add(element, "Work", _hours(task.estimate_hours))
        _add(element, "Estimated", int(task.planned_start is None))
        _add(element, "Milestone", 0)
        _add(element, "Summary", 0)
        if task.planned_start and task.planned_end:
            _add(element, "ConstraintType", 4)
            _add(element, "ConstraintDate", _stamp(task.planned_start, DAY_START_MINUTES))
        else:
            _add(element, "ConstraintType", 0)
        if task.due:
            _add(element, "Deadline", _stamp(task.due, workday.end))
        for link in predecessors[task.number]:
            element_link = _add(element, "PredecessorLink")
            _add(element_link, "PredecessorUID", link.predecessor)
            _add(element_link, "Type", LINK_CODES[link.type])
            _add(element_link, "CrossProject", 0)
            _add(element_link, "LinkLag", link.lag_days * minutes_per_day * 10)
            _add(element_link, "LagFormat", LAG_DAYS_FORMAT)


# reading


def parse_xml(data: bytes) -> ET.Element:
    """The document's root, parsed without any DTD, entity or external reference."""
    if len(data) > MAX_BYTES:
        raise MspdiError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    depth = 0
    elements = 0

    def refuse(*_: object) -> NoReturn:
        raise MspdiError("the file declares a DTD or entities, which MSPDI never needs; refused")

    def tag(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, elements
        depth += 1
        elements += 1
        if depth > MAX_DEPTH:
            raise MspdiError(f"the file nests elements deeper than {MAX_DEPTH} levels")
        if elements > MAX_ELEMENTS:
            raise MspdiError(f"the file holds more than {MAX_ELEMENTS} elements")
        builder.start(tag(name), {tag(k): v for k, v in attributes.items()})

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(tag(name))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise MspdiError(
            f"not well-formed XML: {expat.ErrorString(error.code)} at line {error.lineno}"
        ) from None
    root = builder.close()
    if _local(root.tag) != "Project":
        raise MspdiError(f"not an MSPDI file: the root element is {_local(root.tag)}, not Project")
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element | None, name: str) -> str:
    if element is None:
        return ""
    found = next((c for c in element if _local(c.tag) == name), None)
    return (found.text or "").strip() if found is not None else ""


def _int(element: ET.Element, name: str) -> int | None:
    text = _text(element, name)
    try:
        return int(text) if text else None
    except ValueError:
        return None


def duration_hours(value: str) -> float | None:
    """Hours in an MSPDI duration such as `PT16H30M0S`; None when it is not one."""
    found = _DURATION.match(value.strip())
    if not found or value.strip() in ("P", "PT", "-P", "-PT"):
        return None
    sign, days, hours, minutes, seconds = found.groups()
    total = (
        float(days or 0) * 24
        + float(hours or 0)
        + float(minutes or 0) / 60
        + float(seconds or 0) / 3600
    )
    return -total if sign else total


def _moment(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Refusal:
    """A row of the file left out, and why."""

    row: str
    reason: str

    def __str__(self) -> str:
        return f"{self.row}: {self.reason}"


@dataclass(frozen=True)
class FileTask:
    uid: int
    title: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    due: dt.date | None
    estimate_hours: float
    priority: Priority
    resource: str = ""
    description: str = ""
    # Set for a task finished in the source tool: it comes in as past work, done at that time.
    done_at: dt.datetime | None = None


@dataclass(frozen=True)
class FileLink:
    predecessor: int
    successor: int
    type: Link
    lag_days: int


@dataclass(frozen=True)
class FileResource:
    uid: int
    name: str
    email: str = ""


@dataclass(frozen=True)
class Preview:
    """What an import would create, and every row of the file it would leave out."""

    title: str
    tasks: tuple[FileTask, ...]
    links: tuple[FileLink, ...]
    resources: tuple[FileResource, ...]
    refused: tuple[Refusal, ...]
    notes: tuple[str, ...] = ()
    digest: str = ""
    # The file's kind, the stem of each task's `source_ref` and of the import's request ids.
    source: str = "mspdi"
    # Each column or field of the file and what it became, for the preview.
    mapping: tuple[tuple[str, str], ...] = ()


@dataclass
class _Reading:
    minutes_per_day: float
    refused: list[Refusal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def refuse(self, row: str, reason: str) -> None:
        self.refused.append(Refusal(row, reason))


def _task_row(element: ET.Element) -> str:
    name = _text(element, "Name")
    return f"task UID {_text(element, 'UID') or '?'}" + (f" {name[:60]!r}" if name else "")


def read(data: bytes) -> Preview:
    """The tasks, links and resources of an MSPDI file, and every row refused, with why."""
    root = parse_xml(data)
    minutes_per_day = float(_int(root, "MinutesPerDay") or 480)
    reading = _Reading(minutes_per_day=minutes_per_day if minutes_per_day > 0 else 480)
    tasks_element = next(iter(_children(root, "Tasks")), None)
    elements = _children(tasks_element, "Task") if tasks_element is not None else []
    if len(elements) > MAX_TASKS:
        raise MspdiError(f"the file holds {len(elements)} tasks; at most {MAX_TASKS} are imported")
    tasks: dict[int, FileTask] = {}
    left_out: dict[int, str] = {}
    for element in elements:
        task = _read_task(element, reading, seen=tasks.keys() | left_out.keys())
        uid = _int(element, "UID")
        if isinstance(task, FileTask):
            tasks[task.uid] = task
        elif uid is not None and task:
            left_out.setdefault(uid, task)
    resources = _read_resources(root, reading)
    tasks = _read_assignments(root, reading, tasks=tasks, resources=resources)
    links = _read_links(elements, reading, tasks=tasks, left_out=left_out)
    return Preview(
        title=_text(root, "Title") or _text(root, "Name"),
        tasks=tuple(tasks.values()),
        links=tuple(links),
        resources=tuple(
            r for r in resources.values() if any(t.resource == r.name for t in tasks.values())
        ),
        refused=tuple(reading.refused),
        notes=tuple(reading.notes),
        digest=hashlib.sha256(data).hexdigest(),
    )


def _read_task(element: ET.Element, reading: _Reading, *, seen: Iterable[int]) -> FileTask | str:
    """The task, or why it is left out (empty when the row is not worth naming)."""
    row = _task_row(element)
    uid = _int(element, "UID")
    if uid is None:
        reading.refuse(row, "no UID")
        return ""
    if uid in seen:
        reading.refuse(row, "a second task with this UID")
        return ""
    if _text(element, "IsNull") == "1":
        reading.refuse(row, "a blank row")
        return "a blank row"
    if uid == 0 or _text(element, "OutlineLevel") == "0":
        reading.refuse(row, "the project's summary row")
        return "the project's summary row"
    if _text(element, "Summary") == "1":
        reading.refuse(row, "a summary task: its subtasks are imported, and its links go to them")
        return "a summary task"
    if _text(element, "ExternalTask") == "1" or _text(element, "IsSubproject") == "1":
        reading.refuse(row, "a task of another project")
        return "a task of another project"
    title = " ".join(_text(element, "Name").split())
    if not title:
        reading.refuse(row, "no name")
        return "a task with no name"
    start_text, finish_text = _text(element, "Start"), _text(element, "Finish")
    start, finish = _moment(start_text), _moment(finish_text)
    if (start_text and start is None) or (finish_text and finish is None):
        reading.refuse(
            row, f"Start {start_text!r} or Finish {finish_text!r} is not a date and time"
        )
        return "a task with unreadable dates"
    if (start is None) != (finish is None):
        reading.refuse(row, "has a Start or a Finish but not both")
        return "a task with one date missing"
    planned_start = planned_end = None
    if start is not None and finish is not None:
        if finish < start:
            reading.refuse(row, "finishes before it starts")
            return "a task that finishes before it starts"
        planned_start, planned_end = start.date(), finish.date()
        # A finish at the very start of a day is the end of the day before.
        if finish.time() == dt.time(0) and planned_end > planned_start:
            planned_end -= dt.timedelta(days=1)
    else:
        reading.notes.append(f"{row}: no dates; imported unplanned, for the planner to schedule")
    if any(d and not MIN_YEAR <= d.year <= MAX_YEAR for d in (planned_start, planned_end)):
        reading.refuse(row, f"dates outside the years {MIN_YEAR} to {MAX_YEAR}")
        return "a task with dates out of range"
    work = duration_hours(_text(element, "Work") or "PT0H")
    duration = duration_hours(_text(element, "Duration") or "PT0H")
    estimate = work if work else (duration or 0.0)
    if estimate > MAX_HOURS:
        reading.refuse(
            row, f"{estimate:,.0f} hours of work; PlanOps holds at most {MAX_HOURS:,.0f}"
        )
        return "a task with too much work"
    if _text(element, "Milestone") == "1":
        estimate, planned_end = 0.0, planned_start
    if len(title) > MAX_TITLE:
        reading.notes.append(f"{row}: name cut to {MAX_TITLE} characters")
    deadline = _moment(_text(element, "Deadline"))
    return FileTask(
        uid=uid,
        title=title[:MAX_TITLE],
        planned_start=planned_start,
        planned_end=planned_end,
        due=deadline.date() if deadline else None,
        estimate_hours=max(0.0, round(estimate, 2)),
        priority=_priority(_int(element, "Priority")),
    )


def _priority(code: int | None) -> Priority:
    if code is None:
        return Priority.MEDIUM
    if code >= 900:
        return Priority.URGENT
    if code >= 600:
        return Priority.HIGH
    return Priority.MEDIUM if code >= 400 else Priority.LOW


def _read_resources(root: ET.Element, reading: _Reading) -> dict[int, FileResource]:
    found: dict[int, FileResource] = {}
    for block in _children(root, "Resources"):
        for element in _children(block, "Resource"):
            uid = _int(element, "UID")
            name = " ".join(_text(element, "Name").split())
            row = f"resource UID {uid if uid is not None else '?'}" + (f" {name!r}" if name else "")
            if uid is None or uid in found or _text(element, "IsNull") == "1":
                continue
            if not name:
                continue  # MS Project's unnamed resource 0, which stands for no one
            kind = _int(element, "Type")
            if kind is not None and kind != WORK_RESOURCE:
                reading.refuse(row, "a material or cost resource, not a person")
                continue
            found[uid] = FileResource(uid=uid, name=name, email=_text(element, "EmailAddress"))
    return found


def _read_assignments(
    root: ET.Element,
    reading: _Reading,
    *,
    tasks: dict[int, FileTask],
    resources: dict[int, FileResource],
) -> dict[int, FileTask]:
    """Each task with the resource that does most of its work: PlanOps has one assignee."""
    by_task: dict[int, list[tuple[float, FileResource]]] = defaultdict(list)
    for block in _children(root, "Assignments"):
        for element in _children(block, "Assignment"):
            task_uid, resource_uid = _int(element, "TaskUID"), _int(element, "ResourceUID")
            row = f"assignment UID {_text(element, 'UID') or '?'}"
            if task_uid is None or resource_uid is None or resource_uid in (NO_RESOURCE, -1):
                continue
            if task_uid not in tasks:
                continue  # an assignment of a summary or refused task, named with the task
            resource = resources.get(resource_uid)
            if resource is None:
                reading.refuse(row, f"resource UID {resource_uid} is not a person in the file")
                continue
            by_task[task_uid].append(
                (duration_hours(_text(element, "Work") or "PT0H") or 0.0, resource)
            )
    updated = dict(tasks)
    for uid, assigned in by_task.items():
        ordered = sorted(assigned, key=lambda a: -a[0])
        updated[uid] = _with_resource(tasks[uid], ordered[0][1].name)
        for _, other in ordered[1:]:
            reading.refuse(
                f"assignment of {other.name!r} to task UID {uid}",
                f"PlanOps keeps one assignee per task; {ordered[0][1].name!r} does most of its work",
            )
    return updated


def _with_resource(task: FileTask, resource: str) -> FileTask:
    return FileTask(**{**task.__dict__, "resource": resource})


def _groups(elements: list[ET.Element], *, tasks: dict[int, FileTask]) -> dict[int, list[int]]:
    """Each summary task's imported subtasks, from the outline levels of the rows in order."""
    groups: dict[int, list[int]] = {}
    enclosing: list[tuple[int, int]] = []
    for element in elements:
        uid, level = _int(element, "UID"), _int(element, "OutlineLevel")
        if uid is None or level is None:
            continue
        while enclosing and enclosing[-1][0] >= level:
            enclosing.pop()
        if uid in tasks:
            for _, summary in enclosing:
                groups[summary].append(uid)
        elif _text(element, "Summary") == "1" and level > 0 and uid != 0:
            groups.setdefault(uid, [])
            enclosing.append((level, uid))
    return groups


def _read_links(
    elements: list[ET.Element],
    reading: _Reading,
    *,
    tasks: dict[int, FileTask],
    left_out: dict[int, str],
) -> list[FileLink]:
    """The links between imported tasks; a summary task's link applies to its subtasks."""
    groups = _groups(elements, tasks=tasks)
    links: list[FileLink] = []
    after: dict[int, set[int]] = defaultdict(set)
    for element in elements:
        successor = _int(element, "UID")
        if successor is None:
            continue
        if successor not in tasks and successor not in groups:
            why = left_out.get(successor)
            for link in _children(element, "PredecessorLink") if why else ():
                predecessor = _text(link, "PredecessorUID") or "?"
                reading.refuse(
                    f"link from task UID {predecessor} to {successor}",
                    f"task UID {successor} is {why}, not imported",
                )
            continue
        for link in _children(element, "PredecessorLink"):
            found = _read_link(
                link,
                successor=successor,
                reading=reading,
                known=tasks.keys() | groups.keys(),
                left_out=left_out,
            )
            if found is None:
                continue
            row = f"link from task UID {found.predecessor} to {successor}"
            expanded = _expand(found, groups=groups, row=row, reading=reading)
            via = f" (from the {row})" if len(expanded) > 1 or expanded != [found] else ""
            for each in expanded:
                pair = f"link from task UID {each.predecessor} to {each.successor}{via}"
                if each.successor in after[each.predecessor]:
                    reading.refuse(pair, "the same two tasks are already linked")
                    continue
                if _reaches(after, start=each.successor, goal=each.predecessor):
                    reading.refuse(pair, "closes a cycle of links")
                    continue
                after[each.predecessor].add(each.successor)
                links.append(each)
    return links


FROM_FINISH = frozenset({Link.FS, Link.FF})
TO_START = frozenset({Link.FS, Link.SS})
MAX_EXPANDED = 500


def _expand(
    link: FileLink, *, groups: dict[int, list[int]], row: str, reading: _Reading
) -> list[FileLink]:
    """A link to or from a summary task as links of its subtasks, where that means the same: a
    summary finishes when its last subtask does and starts when its first does, so a link from
    its finish or to its start holds for each subtask, and one from its start or to its finish
    does not."""
    source, target = link.predecessor in groups, link.successor in groups
    if not source and not target:
        return [link]
    if source and link.type not in FROM_FINISH:
        reading.refuse(row, "ties a summary task's start, which no one subtask stands for")
        return []
    if target and link.type not in TO_START:
        reading.refuse(row, "ties a summary task's finish, which no one subtask stands for")
        return []
    predecessors = groups[link.predecessor] if source else [link.predecessor]
    successors = groups[link.successor] if target else [link.successor]
    if link.successor in predecessors or link.predecessor in successors:
        reading.refuse(row, "links a summary task with its own subtask")
        return []
    if not predecessors or not successors:
        reading.refuse(row, "a summary task with no imported subtask")
        return []
    if len(predecessors) * len(successors) > MAX_EXPANDED:
        reading.refuse(
            row,
            f"a summary task's link would become {len(predecessors) * len(successors)} links;"
            f" at most {MAX_EXPANDED} are made",
        )
        return []
    pairs = [(p, s) for p in predecessors for s in successors if p != s]
    reading.notes.append(f"{row}: a summary task's link, made for its subtasks ({len(pairs)})")
    return [
        FileLink(predecessor=p, successor=s, type=link.type, lag_days=link.lag_days)
        for p, s in pairs
    ]


def _read_link(
    link: ET.Element,
    *,
    successor: int,
    reading: _Reading,
    known: Set[int],
    left_out: dict[int, str],
) -> FileLink | None:
    predecessor = _int(link, "PredecessorUID")
    row = f"link from task UID {predecessor if predecessor is not None else '?'} to {successor}"
    if predecessor is None:
        reading.refuse(row, "no PredecessorUID")
        return None
    if _text(link, "CrossProject") == "1":
        reading.refuse(row, "links to a task of another project")
        return None
    if predecessor == successor:
        reading.refuse(row, "links a task to itself")
        return None
    if predecessor not in known:
        why = left_out.get(predecessor)
        reading.refuse(
            row,
            f"task UID {predecessor} is {why}, not imported"
            if why
            else f"no task has UID {predecessor}",
        )
        return None
    code = _int(link, "Type")
    kind = LINKS_BY_CODE.get(1 if code is None else code)
    if kind is None:
        reading.refuse(
            row, f"link type {_text(link, 'Type')!r} is not FF (0), FS (1), SF (2) or SS (3)"
        )
        return None
    lag = _lag_days(link, row=row, reading=reading)
    if lag is None:
        return None
    return FileLink(predecessor=predecessor, successor=successor, type=kind, lag_days=lag)


def _lag_days(link: ET.Element, *, row: str, reading: _Reading) -> int | None:
    """The lag in whole working days, or None when it cannot be one."""
    lag_format = _int(link, "LagFormat") or LAG_DAYS_FORMAT
    text = _text(link, "LinkLag") or "0"
    if lag_format in PERCENT_LAG_FORMATS:
        reading.refuse(
            row, "a lag in percent of the predecessor's duration; PlanOps lags are working days"
        )
        return None
    if lag_format in ELAPSED_LAG_FORMATS:
        reading.refuse(row, "an elapsed (calendar time) lag; PlanOps lags are working days")
        return None
    if lag_format not in WORKING_LAG_FORMATS:
        reading.refuse(row, f"LagFormat {lag_format} is not a known unit")
        return None
    try:
        tenths = float(text)
    except ValueError:
        hours = duration_hours(text)  # some tools write the lag as a duration
        if hours is None:
            reading.refuse(row, f"LinkLag {text!r} is not a number")
            return None
        tenths = hours * 600
    days = tenths / 10 / reading.minutes_per_day
    whole = math.ceil(days - 1e-9)
    if abs(whole) > MAX_LAG_DAYS:
        reading.refuse(row, f"a lag of {days:g} working days; at most {MAX_LAG_DAYS} are kept")
        return None
    if abs(days - whole) > 1e-9:
        reading.notes.append(f"{row}: lag of {days:.2f} working days rounded to {whole}")
    return whole


def _reaches(after: dict[int, set[int]], *, start: int, goal: int) -> bool:
    stack, seen = [start], {start}
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        for nxt in after[current] - seen:
            seen.add(nxt)
            stack.append(nxt)
    return False


# people


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def match_people(
    resources: Iterable[FileResource], people: Iterable[PlanPerson]
) -> tuple[dict[str, str], list[Refusal]]:
    """Each resource's person (`people/x`) by display name, alias, id or e-mail; a resource that
    matches no one, or more than one person, is refused and its tasks come in unassigned."""
    index: dict[str, set[str]] = defaultdict(set)
    for person in people:
        names = [person.display_name, person.name.removeprefix("people/"), person.email]
        names += person.aliases
        for name in names:
            if name:
                index[_key(name)].add(person.name)
    mapping: dict[str, str] = {}
    refused: list[Refusal] = []
    for resource in resources:
        found = index.get(_key(resource.name), set()) | (
            index.get(_key(resource.email), set()) if resource.email else set()
        )
        row = f"resource {resource.name!r}"
        if len(found) == 1:
            mapping[resource.name] = next(iter(found))
        elif not found:
            refused.append(
                Refusal(row, "matches no person in PlanOps; its tasks come in unassigned")
            )
        else:
            refused.append(
                Refusal(
                    row,
                    f"matches {len(found)} people ({', '.join(sorted(found))}); its tasks come in unassigned",
                )
            )
    return mapping, refused
