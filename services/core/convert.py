"""Rows of the core schema to protos and back."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

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
    task_pb2,
    template_pb2,
)

from services.common.auth import ACT_FOR_PEOPLE, ACT_FOR_RULES, CREATE_PROJECTS, READ_PROJECTS
from services.core import feeds
from services.core import workflow as wf

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


def project(row: Row) -> project_pb2.Project:
    return project_pb2.Project(
        name=f"projects/{row['id']}",
        display_name=row["display_name"],
        description=row["description"],
        time_zone=row["time_zone"],
        calendar=json_format.ParseDict(row["calendar"], project_pb2.Calendar()),
        start_date=day(row["start_date"]),
        deadline=day(row["deadline"]),
        workflow=workflow_to_proto(wf.Workflow.from_json(row["workflow"])),
        staff_pools=[json_format.ParseDict(p, project_pb2.StaffPool()) for p in row["staff_pools"]],
        create_time=timestamp(row["create_time"]),
        update_time=timestamp(row["update_time"]),
        etag=etag(row["version"]),
    )


def membership(row: Row) -> project_pb2.Membership:
    return project_pb2.Membership(
        name=f"projects/{row['project_id']}/memberships/{row['member']}",
        member=row["member"],
        roles=[ROLE_TO_PROTO[r] for r in row["roles"]],
        create_time=timestamp(row["create_time"]),
        etag=etag(row["version"]),
    )


def iteration(row: Row) -> project_pb2.Iteration:
    return project_pb2.Iteration(
        name=f"projects/{row['project_id']}/iterations/{row['id']}",
        display_name=row["display_name"],
        goal=row["goal"],
        start_date=day(row["start_date"]),
        end_date=day(row["end_date"]),
        create_time=timestamp(row["create_time"]),
        etag=etag(row["version"]),
    )


def skills(data: Sequence[Mapping[str, Any]]) -> list[person_pb2.Skill]:
    return [person_pb2.Skill(skill=s["skill"], level=s["level"]) for s in data]


def skills_json(message: Sequence[person_pb2.Skill]) -> list[dict[str, Any]]:
    return [{"skill": s.skill, "level": s.level} for s in message]


def person(row: Row) -> person_pb2.Person:
    return person_pb2.Person(
        name=f"people/{row['id']}",
        display_name=row["display_name"],
        email=row["email"] or "",
        aliases=row["aliases"],
        skills=skills(row["skills"]),
        weekly_capacity_hours=row["weekly_capacity_hours"],
        working_days=row["working_days"],
        time_off=[person_pb2.TimeOff(**t) for t in row["time_off"]],
        cost_rate=row["cost_rate"],
        project_creator=row["project_creator"],
        create_time=timestamp(row["create_time"]),
        update_time=timestamp(row["update_time"]),
        etag=etag(row["version"]),
    )


def task(row: Row) -> task_pb2.Task:
    project_id = row["project_id"]
    return task_pb2.Task(
        name=f"projects/{project_id}/tasks/{row['id']}",
        title=row["title"],
        description=row["description"],
        state=row["state"],
        priority=row["priority"],
        assignee=f"people/{row['assignee']}" if row["assignee"] else "",
        required_skills=skills(row["required_skills"]),
        estimate_hours=row["estimate_hours"],
        optimistic_hours=row["optimistic_hours"],
        pessimistic_hours=row["pessimistic_hours"],
        planned_start=day(row["planned_start"]),
        planned_end=day(row["planned_end"]),
        due_date=day(row["due_date"]),
        actual_start=timestamp(row["actual_start"]),
        actual_end=timestamp(row["actual_end"]),
        parent=f"projects/{project_id}/tasks/{row['parent_id']}" if row["parent_id"] else "",
        labels=row["labels"],
        source=row["source"],
        source_ref=row["source_ref"],
        iteration=f"projects/{project_id}/iterations/{row['iteration_id']}"
        if row["iteration_id"]
        else "",
        locked=row["locked"],
        staffing=json_format.ParseDict(row["staffing"], task_pb2.Staffing())
        if row["staffing"]
        else None,
        crew=[f"people/{p}" for p in row["crew"]],
        create_time=timestamp(row["create_time"]),
        update_time=timestamp(row["update_time"]),
        etag=etag(row["version"]),
    )


def dependency(row: Row) -> task_pb2.Dependency:
    project_id = row["project_id"]
    return task_pb2.Dependency(
        name=f"projects/{project_id}/dependencies/{row['id']}",
        predecessor=f"projects/{project_id}/tasks/{row['predecessor_id']}",
        successor=f"projects/{project_id}/tasks/{row['successor_id']}",
        type=row["type"],
        lag_days=row["lag_days"],
        create_time=timestamp(row["create_time"]),
        etag=etag(row["version"]),
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


def transition(row: Row) -> task_pb2.TaskTransition:
    return task_pb2.TaskTransition(
        name=f"projects/{row['project_id']}/tasks/{row['task_id']}/transitions/{row['id']}",
        from_state=row["from_state"],
        to_state=row["to_state"],
        actor=actor(row["actor"]),
        time=timestamp(row["time"]),
        comment=row["comment"],
    )


def comment(row: Row) -> task_pb2.Comment:
    return task_pb2.Comment(
        name=f"projects/{row['project_id']}/tasks/{row['task_id']}/comments/{row['id']}",
        author=actor(row["author"]),
        body=row["body"],
        create_time=timestamp(row["create_time"]),
    )


def time_entry(row: Row) -> task_pb2.TimeEntry:
    return task_pb2.TimeEntry(
        name=f"projects/{row['project_id']}/tasks/{row['task_id']}/timeEntries/{row['id']}",
        person=f"people/{row['person']}",
        work_date=day(row["work_date"]),
        hours=row["hours"],
        note=row["note"],
        create_time=timestamp(row["create_time"]),
    )


def template(row: Row) -> template_pb2.Template:
    message = template_pb2.Template(
        name=f"templates/{row['id']}",
        display_name=row["display_name"],
        description=row["description"],
        anchor=row["anchor"],
        create_time=timestamp(row["create_time"]),
        etag=etag(row["version"]),
    )
    json_format.ParseDict(row["body"], message, ignore_unknown_fields=False)
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


def api_key(row: Row) -> api_key_pb2.ApiKey:
    return api_key_pb2.ApiKey(
        name=f"apiKeys/{row['id']}",
        display_name=row["display_name"],
        principal=row["principal"],
        admin=row["admin"],
        create_time=timestamp(row["create_time"]),
        revoke_time=timestamp(row["revoke_time"]),
        scopes=sorted(SCOPE_TO_PROTO[s] for s in row["scopes"]),
    )


def audit_entry(row: Row) -> audit_pb2.AuditEntry:
    entry = audit_pb2.AuditEntry(
        name=f"auditEntries/{row['id']}",
        time=timestamp(row["time"]),
        actor=actor(row["actor"]),
        request_id=row["request_id"],
        method=row["method"],
        resource=row["resource"],
        project=f"projects/{row['project']}" if row["project"] else "",
        action=row["action"],
    )
    if row["before"] is not None:
        entry.before.CopyFrom(_struct(row["before"]))
    if row["after"] is not None:
        entry.after.CopyFrom(_struct(row["after"]))
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
