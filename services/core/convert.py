"""Rows of the core schema to protos and back."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from google.protobuf import json_format, struct_pb2
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from planops.core.v1 import (
    actor_pb2,
    api_key_pb2,
    audit_pb2,
    calendar_feed_pb2,
    person_pb2,
    project_pb2,
    report_pb2,
    task_pb2,
    task_service_pb2,
    template_pb2,
)

from services.common.auth import ACT_FOR_PEOPLE, ACT_FOR_RULES, CREATE_PROJECTS, READ_PROJECTS
from services.core import feeds, reports, tasks
from services.core import workflow as wf
from services.core.validate import Checks

M = TypeVar("M", bound=Message)

if TYPE_CHECKING:
    from services.core.project_store import IterationRow, MembershipRow, ProjectRow
    from services.core.task_store import (
        CommentRow,
        DependencyRow,
        TaskRow,
        TimeEntryRow,
        TransitionRow,
    )
    from services.core.template_store import TemplateRow

if TYPE_CHECKING:
    from services.core.audit_store import AuditRow
    from services.core.key_store import ApiKeyRow
    from services.core.person_store import PersonRow

Row = Mapping[str, Any]

ROLE_TO_PROTO = {r: getattr(project_pb2, f"ROLE_{r.upper()}") for r in wf.ROLES}
ROLE_FROM_PROTO = {v: k for k, v in ROLE_TO_PROTO.items()}
SCOPE_TO_PROTO = {
    s: getattr(api_key_pb2, f"SERVICE_SCOPE_{s.upper()}")
    for s in (READ_PROJECTS, ACT_FOR_PEOPLE, ACT_FOR_RULES, CREATE_PROJECTS)
}
SCOPE_FROM_PROTO = {v: k for k, v in SCOPE_TO_PROTO.items()}
CATEGORY_TO_PROTO = {c: getattr(project_pb2, f"STATE_CATEGORY_{c.upper()}") for c in wf.CATEGORIES}
CATEGORY_FROM_PROTO = {v: k for k, v in CATEGORY_TO_PROTO.items()}
ACTOR_TYPES = {
    "user": actor_pb2.ACTOR_TYPE_USER,
    "service": actor_pb2.ACTOR_TYPE_SERVICE,
    "model": actor_pb2.ACTOR_TYPE_MODEL,
    "system": actor_pb2.ACTOR_TYPE_SYSTEM,
    "rule": actor_pb2.ACTOR_TYPE_RULE,
}


def timestamp(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def dt_utc() -> dt.tzinfo:
    return dt.UTC


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


ETAG = re.compile(r'^W/"([0-9]{1,18})"\Z')


def etag(version: int) -> str:
    return f'W/"{version}"'


def version_of(tag: str) -> int | None:
    """The version an etag names, or None for a tag this server did not issue."""
    match = ETAG.match(tag)
    return int(match[1]) if match else None


def workflow_to_proto(flow: wf.Workflow) -> project_pb2.Workflow:
    return project_pb2.Workflow(
        states=[
            project_pb2.WorkflowState(
                id=s.id, display_name=s.display_name, category=CATEGORY_TO_PROTO[s.category]
            )
            for s in flow.states
        ],
        transitions=[
            project_pb2.WorkflowTransition(
                from_state=t.from_state,
                to_state=t.to_state,
                roles=[ROLE_TO_PROTO[r] for r in t.roles],
            )
            for t in flow.transitions
        ],
        initial_state=flow.initial_state,
    )


def workflow_from_proto(message: project_pb2.Workflow) -> wf.Workflow:
    """Unset enums become "" so that `workflow.check` names the field."""
    return wf.Workflow(
        states=tuple(
            wf.State(s.id, s.display_name or s.id, CATEGORY_FROM_PROTO.get(s.category, ""))
            for s in message.states
        ),
        transitions=tuple(
            wf.Transition(
                t.from_state, t.to_state, tuple(ROLE_FROM_PROTO.get(r, "") for r in t.roles)
            )
            for t in message.transitions
        ),
        initial_state=message.initial_state,
    )


def calendar_to_json(message: project_pb2.Calendar) -> dict[str, Any]:
    return {
        "working_days": list(message.working_days) or [1, 2, 3, 4, 5],
        "hours_per_day": message.hours_per_day or 8.0,
        "holiday_country": message.holiday_country,
        "holiday_subdivision": message.holiday_subdivision,
        "days_off": sorted(set(message.days_off)),
        "extra_working_days": sorted(set(message.extra_working_days)),
    }


def project(row: ProjectRow) -> project_pb2.Project:
    return project_pb2.Project(
        name=f"projects/{row.id}",
        display_name=row.display_name,
        description=row.description,
        time_zone=row.time_zone,
        calendar=json_format.ParseDict(row.calendar, project_pb2.Calendar()),
        start_date=day(row.start_date),
        deadline=day(row.deadline),
        workflow=workflow_to_proto(wf.Workflow.from_json(row.workflow)),
        staff_pools=[json_format.ParseDict(p, project_pb2.StaffPool()) for p in row.staff_pools],
        create_time=timestamp(row.create_time),
        update_time=timestamp(row.update_time),
        etag=etag(row.version),
    )


def membership(row: MembershipRow) -> project_pb2.Membership:
    return project_pb2.Membership(
        name=f"projects/{row.project_id}/memberships/{row.member}",
        member=row.member,
        roles=[ROLE_TO_PROTO[r] for r in row.roles],
        create_time=timestamp(row.create_time),
        etag=etag(row.version),
    )


def iteration(row: IterationRow) -> project_pb2.Iteration:
    return project_pb2.Iteration(
        name=f"projects/{row.project_id}/iterations/{row.id}",
        display_name=row.display_name,
        goal=row.goal,
        start_date=day(row.start_date),
        end_date=day(row.end_date),
        create_time=timestamp(row.create_time),
        etag=etag(row.version),
    )


def skills(data: Sequence[Mapping[str, Any]]) -> list[person_pb2.Skill]:
    return [person_pb2.Skill(skill=s["skill"], level=s["level"]) for s in data]


def skills_json(message: Sequence[person_pb2.Skill]) -> list[dict[str, Any]]:
    return [{"skill": s.skill, "level": s.level} for s in message]


def person(row: PersonRow) -> person_pb2.Person:
    return person_pb2.Person(
        name=f"people/{row.id}",
        display_name=row.display_name,
        email=row.email or "",
        aliases=row.aliases,
        skills=skills(row.skills),
        weekly_capacity_hours=row.weekly_capacity_hours,
        working_days=row.working_days,
        time_off=[person_pb2.TimeOff(**t) for t in row.time_off],
        cost_rate=row.cost_rate,
        project_creator=row.project_creator,
        create_time=timestamp(row.create_time),
        update_time=timestamp(row.update_time),
        etag=etag(row.version),
    )


def task(row: TaskRow) -> task_pb2.Task:
    project_id = row.project_id
    return task_pb2.Task(
        name=f"projects/{project_id}/tasks/{row.id}",
        title=row.title,
        description=row.description,
        state=row.state,
        priority=cast(task_pb2.Priority, row.priority),
        assignee=f"people/{row.assignee}" if row.assignee else "",
        required_skills=skills(row.required_skills),
        estimate_hours=row.estimate_hours,
        optimistic_hours=row.optimistic_hours,
        pessimistic_hours=row.pessimistic_hours,
        planned_start=day(row.planned_start),
        planned_end=day(row.planned_end),
        due_date=day(row.due_date),
        actual_start=timestamp(row.actual_start),
        actual_end=timestamp(row.actual_end),
        parent=f"projects/{project_id}/tasks/{row.parent_id}" if row.parent_id else "",
        labels=row.labels,
        source=cast(task_pb2.TaskSource, row.source),
        source_ref=row.source_ref,
        iteration=f"projects/{project_id}/iterations/{row.iteration_id}"
        if row.iteration_id
        else "",
        locked=row.locked,
        splittable=row.splittable,
        staffing=json_format.ParseDict(row.staffing, task_pb2.Staffing()) if row.staffing else None,
        crew=[f"people/{p}" for p in row.crew],
        create_time=timestamp(row.create_time),
        update_time=timestamp(row.update_time),
        etag=etag(row.version),
    )


def dependency(row: DependencyRow) -> task_pb2.Dependency:
    project_id = row.project_id
    return task_pb2.Dependency(
        name=f"projects/{project_id}/dependencies/{row.id}",
        predecessor=f"projects/{project_id}/tasks/{row.predecessor_id}",
        successor=f"projects/{project_id}/tasks/{row.successor_id}",
        type=cast(task_pb2.DependencyType, row.type),
        lag_days=row.lag_days,
        create_time=timestamp(row.create_time),
        etag=etag(row.version),
    )


def actor(data: Mapping[str, Any]) -> actor_pb2.Actor:
    return actor_pb2.Actor(
        type=ACTOR_TYPES.get(data.get("type", ""), actor_pb2.ACTOR_TYPE_UNSPECIFIED),
        id=data.get("id", ""),
        version=data.get("version", ""),
        on_behalf_of=data.get("on_behalf_of", ""),
        reference=data.get("reference", ""),
        rule=data.get("rule", ""),
    )


def transition(row: TransitionRow) -> task_pb2.TaskTransition:
    return task_pb2.TaskTransition(
        name=f"projects/{row.project_id}/tasks/{row.task_id}/transitions/{row.id}",
        from_state=row.from_state,
        to_state=row.to_state,
        actor=actor(row.actor),
        time=timestamp(row.time),
        comment=row.comment,
    )


def comment(row: CommentRow) -> task_pb2.Comment:
    return task_pb2.Comment(
        name=f"projects/{row.project_id}/tasks/{row.task_id}/comments/{row.id}",
        author=actor(row.author),
        body=row.body,
        create_time=timestamp(row.create_time),
    )


def time_entry(row: TimeEntryRow) -> task_pb2.TimeEntry:
    return task_pb2.TimeEntry(
        name=f"projects/{row.project_id}/tasks/{row.task_id}/timeEntries/{row.id}",
        person=f"people/{row.person}",
        work_date=day(row.work_date),
        hours=row.hours,
        note=row.note,
        create_time=timestamp(row.create_time),
    )


def template(row: TemplateRow) -> template_pb2.Template:
    message = template_pb2.Template(
        name=f"templates/{row.id}",
        display_name=row.display_name,
        description=row.description,
        anchor=row.anchor,
        create_time=timestamp(row.create_time),
        etag=etag(row.version),
    )
    json_format.ParseDict(row.body, message, ignore_unknown_fields=False)
    return message


def template_body(message: template_pb2.Template) -> dict[str, Any]:
    return {
        "tasks": [
            json_format.MessageToDict(t, preserving_proto_field_name=True) for t in message.tasks
        ],
        "dependencies": [
            json_format.MessageToDict(d, preserving_proto_field_name=True)
            for d in message.dependencies
        ],
    }


def api_key(row: ApiKeyRow) -> api_key_pb2.ApiKey:
    return api_key_pb2.ApiKey(
        name=f"apiKeys/{row.id}",
        display_name=row.display_name,
        principal=row.principal,
        admin=row.admin,
        create_time=timestamp(row.create_time),
        revoke_time=timestamp(row.revoke_time),
        scopes=sorted(SCOPE_TO_PROTO[s] for s in row.scopes),
    )


def audit_entry(row: AuditRow) -> audit_pb2.AuditEntry:
    entry = audit_pb2.AuditEntry(
        name=f"auditEntries/{row.id}",
        time=timestamp(row.time),
        actor=actor(row.actor),
        request_id=row.request_id,
        method=row.method,
        resource=row.resource,
        project=f"projects/{row.project}" if row.project else "",
        action=row.action,
    )
    if row.before is not None:
        entry.before.CopyFrom(_struct(row.before))
    if row.after is not None:
        entry.after.CopyFrom(_struct(row.after))
    return entry


def _struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    value = struct_pb2.Struct()
    value.update(data)
    return value


def as_json(message: Message | None) -> dict[str, Any] | None:
    """A resource as the audit log keeps it."""
    if message is None:
        return None
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def report(
    value: reports.Report, *, project: str, iteration: str, time_zone: str, now: dt.datetime
) -> report_pb2.Report:
    scope = value.scope
    money = value.hours_and_cost
    return report_pb2.Report(
        project=project,
        iteration=iteration,
        start_date=scope.start.isoformat(),
        end_date=scope.end.isoformat(),
        as_of_date=scope.as_of.isoformat(),
        time_zone=time_zone,
        task_count=value.task_count,
        burndown=[
            report_pb2.BurndownPoint(
                date=p.date.isoformat(),
                remaining_hours=p.remaining_hours,
                remaining_tasks=p.remaining_tasks,
                scope_hours=p.scope_hours,
                ideal_hours=p.ideal_hours,
            )
            for p in value.burndown
        ],
        throughput=[
            report_pb2.ThroughputWeek(
                week_start=w.week_start.isoformat(),
                tasks_done=w.tasks_done,
                hours_done=w.hours_done,
            )
            for w in value.throughput
        ],
        state_times=[report_pb2.StateTime(**_fields(s)) for s in value.state_times],
        cycle_time=report_pb2.CycleTime(**_fields(value.cycle_time)),
        overdue=[
            report_pb2.OverdueTask(**{**_fields(o), "due_date": o.due_date.isoformat()})
            for o in value.overdue
        ],
        late_done_tasks=value.late_done_tasks,
        hours_and_cost=report_pb2.HoursAndCost(
            **{k: v for k, v in _fields(money).items() if k != "people"},
            people=[report_pb2.PersonHours(**_fields(p)) for p in money.people],
        ),
        create_time=timestamp(now),
    )


def without_money(section: report_pb2.HoursAndCost) -> None:
    """Cost rates are for managers: each person's cost is their hours at their rate, and which
    hours are unpriced says who has none, so other roles get the hours alone."""
    for field in ("planned_cost", "actual_cost", "unpriced_planned_hours", "unpriced_actual_hours"):
        section.ClearField(field)
    for person in section.people:
        for money in ("cost_rate", "planned_cost", "actual_cost"):
            person.ClearField(money)


def _fields(value: Any) -> dict[str, Any]:
    return dict(value.__dict__)


def calendar_event(event: feeds.Event) -> calendar_feed_pb2.CalendarEvent:
    return calendar_feed_pb2.CalendarEvent(
        uid=event.uid,
        kind=getattr(calendar_feed_pb2, f"CALENDAR_EVENT_KIND_{event.kind.upper()}"),
        summary=event.summary,
        description=event.description,
        start_date=event.start.isoformat(),
        end_date=event.end.isoformat(),
        sequence=event.sequence,
        update_time=timestamp(event.update_time),
        resource=event.resource,
    )


TASK_ORDERS = {
    task_service_pb2.TASK_ORDER_UNSPECIFIED: tasks.Order.ID,
    task_service_pb2.TASK_ORDER_DUE_DATE: tasks.Order.DUE_DATE,
    task_service_pb2.TASK_ORDER_PRIORITY: tasks.Order.PRIORITY,
    task_service_pb2.TASK_ORDER_UPDATE_TIME: tasks.Order.UPDATE_TIME,
}


def task_fields(message: task_pb2.Task) -> tasks.TaskFields:
    return tasks.TaskFields(
        title=message.title,
        description=message.description,
        priority=message.priority,
        source=message.source,
        required_skills=[(s.skill, s.level) for s in message.required_skills],
        estimate_hours=message.estimate_hours,
        optimistic_hours=message.optimistic_hours,
        pessimistic_hours=message.pessimistic_hours,
        planned_start=message.planned_start,
        planned_end=message.planned_end,
        due_date=message.due_date,
        labels=list(message.labels),
        source_ref=message.source_ref,
        assignee=message.assignee,
        parent=message.parent,
        iteration=message.iteration,
        locked=message.locked,
        splittable=message.splittable,
        staffing=tasks.Staffing(
            crew_size=message.staffing.crew_size,
            roles=[
                tasks.CrewRole(count=role.count, skills=[(s.skill, s.level) for s in role.skills])
                for role in message.staffing.roles
            ],
            staff_pool=message.staffing.staff_pool,
        ),
        crew=list(message.crew),
    )


def past_work(
    request: task_service_pb2.CreateTaskRequest, checks: Checks, *, field: str
) -> tasks.PastWork | None:
    """`request.past` with its moments read, recording a missing or unreadable one in
    `checks` (`field` prefixes the names); None when the request imports no past work."""
    if not request.HasField("past"):
        return None
    past = request.past

    def moment(name: str, *, required: bool) -> dt.datetime | None:
        if not past.HasField(name):
            if required:
                checks.fail(f"{field}past.{name}", "is required")
            return None
        ts: Timestamp = getattr(past, name)
        return checks.timestamp(ts, f"{field}past.{name}")

    return tasks.PastWork(
        state=past.state,
        open_time=moment("open_time", required=True),
        actual_start=moment("actual_start", required=False),
        actual_end=moment("actual_end", required=True),
    )


def with_fields(before: M, *, given: M, paths: Sequence[str]) -> M:
    """`before` with the fields named in `paths` taken from `given` (an update mask applied):
    a repeated field is replaced whole, a message field copied, a scalar set."""
    result = type(before)()
    result.CopyFrom(before)
    for path in paths:
        field = before.DESCRIPTOR.fields_by_name[path]
        if field.is_repeated:
            result.ClearField(path)
            getattr(result, path).extend(getattr(given, path))
        elif field.message_type is not None:
            getattr(result, path).CopyFrom(getattr(given, path))
        else:
            setattr(result, path, getattr(given, path))
    return result
