"""What the commands print: rich tables for people, JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from google.protobuf import json_format, timestamp_pb2
from google.protobuf.message import Message
from planops.core.v1 import (
    actor_pb2,
    api_key_pb2,
    audit_pb2,
    person_pb2,
    project_pb2,
    task_pb2,
    template_pb2,
)
from rich.console import Console
from rich.table import Table

DEPENDENCY_TYPES = {
    task_pb2.DEPENDENCY_TYPE_UNSPECIFIED: "fs",
    task_pb2.DEPENDENCY_TYPE_FINISH_TO_START: "fs",
    task_pb2.DEPENDENCY_TYPE_START_TO_START: "ss",
    task_pb2.DEPENDENCY_TYPE_FINISH_TO_FINISH: "ff",
    task_pb2.DEPENDENCY_TYPE_START_TO_FINISH: "sf",
}


def console() -> Console:
    # Made per call so that it writes to whatever sys.stdout is now (CliRunner swaps it).
    return Console(highlight=False)


def print_json(messages: Message | Sequence[Message]) -> None:
    """A message as a JSON object, or several as an array, in the proto3 JSON mapping."""

    def as_dict(message: Message) -> object:
        return json_format.MessageToDict(message, always_print_fields_with_no_presence=True)

    data = as_dict(messages) if isinstance(messages, Message) else [as_dict(m) for m in messages]
    print(json.dumps(data, indent=2, ensure_ascii=False))


def print_table(table: Table) -> None:
    console().print(table)


def print_line(text: str) -> None:
    console().print(text, markup=False)


def short(name: str, prefix: str) -> str:
    return name.removeprefix(prefix)


def task_ref(name: str) -> str:
    """`projects/promo/tasks/12` as `promo/12`, the form the CLI accepts back."""
    parts = name.split("/")
    if len(parts) == 4 and parts[0] == "projects" and parts[2] == "tasks":
        return f"{parts[1]}/{parts[3]}"
    return name


def dependency_ref(name: str) -> str:
    """`projects/promo/dependencies/4` as `promo/dependencies/4`, which `deps remove` accepts."""
    return name.removeprefix("projects/")


def time(value: timestamp_pb2.Timestamp) -> str:
    if not value.seconds and not value.nanos:
        return ""
    return value.ToDatetime().astimezone().strftime("%Y-%m-%d %H:%M")


def enum_label(enum_name: str, prefix: str) -> str:
    label = enum_name.removeprefix(prefix).lower().replace("_", " ")
    return "" if label == "unspecified" else label


def priority(value: int) -> str:
    return enum_label(task_pb2.Priority.Name(value), "PRIORITY_") or "medium"


def role(value: int) -> str:
    return enum_label(project_pb2.Role.Name(value), "ROLE_")


def skills(values: Iterable[person_pb2.Skill]) -> str:
    return ", ".join(f"{s.skill}:{s.level}" for s in values)


def actor(value: actor_pb2.Actor) -> str:
    if value.rule:
        return f"{value.rule} (revision {value.version}, {value.id})"
    text = value.id
    if value.version:
        text += f" ({value.version})"
    if value.on_behalf_of:
        text += f" for {value.on_behalf_of}"
    return text


def details(title: str, rows: Iterable[tuple[str, str]]) -> Table:
    """A two-column table of the fields that have a value."""
    table = Table(title=title, show_header=False, title_justify="left", box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in rows:
        if value:
            table.add_row(key, value)
    return table


def projects_table(projects: Iterable[project_pb2.Project]) -> Table:
    table = Table("id", "name", "time zone", "start", "deadline")
    for p in projects:
        table.add_row(
            short(p.name, "projects/"), p.display_name, p.time_zone, p.start_date, p.deadline
        )
    return table


def project_details(p: project_pb2.Project) -> Table:
    cal = p.calendar
    days = ",".join(str(d) for d in cal.working_days) or "1-5"
    flow = " → ".join(s.id for s in p.workflow.states)
    return details(
        p.name,
        [
            ("name", p.display_name),
            ("description", p.description),
            ("time zone", p.time_zone),
            ("start", p.start_date),
            ("deadline", p.deadline),
            ("working days", days),
            ("holidays", cal.holiday_country),
            ("states", flow),
            ("initial state", p.workflow.initial_state),
            ("created", time(p.create_time)),
            ("updated", time(p.update_time)),
        ],
    )


def memberships_table(memberships: Iterable[project_pb2.Membership]) -> Table:
    table = Table("member", "roles", "since")
    for m in memberships:
        table.add_row(m.member, ", ".join(role(r) for r in m.roles), time(m.create_time))
    return table


def people_table(people: Iterable[person_pb2.Person]) -> Table:
    table = Table("id", "name", "email", "skills", "hours/week")
    for p in people:
        table.add_row(
            short(p.name, "people/"),
            p.display_name,
            p.email,
            skills(p.skills),
            f"{p.weekly_capacity_hours or 40:g}",
        )
    return table


def person_details(p: person_pb2.Person) -> Table:
    days = ",".join(str(d) for d in p.working_days) or "1-5"
    away = "; ".join(
        f"{t.start_date}..{t.end_date}" + (f" ({t.reason})" if t.reason else "") for t in p.time_off
    )
    return details(
        p.name,
        [
            ("name", p.display_name),
            ("email", p.email),
            ("aliases", ", ".join(p.aliases)),
            ("skills", skills(p.skills)),
            ("hours/week", f"{p.weekly_capacity_hours or 40:g}"),
            ("working days", days),
            ("time off", away),
            ("cost rate", f"{p.cost_rate:g}" if p.cost_rate else ""),
            ("creates projects", "yes" if p.project_creator else "no"),
            ("created", time(p.create_time)),
        ],
    )


def tasks_table(tasks: Iterable[task_pb2.Task]) -> Table:
    table = Table("#", "title", "state", "assignee", "due", "priority")
    table.columns[0].justify = "right"
    table.columns[1].overflow = "fold"
    for t in tasks:
        table.add_row(
            t.name.rsplit("/", 1)[-1],
            t.title,
            t.state,
            short(t.assignee, "people/"),
            t.due_date,
            priority(t.priority),
        )
    return table


def staffing(s: task_pb2.Staffing) -> str:
    """A task's staffing in a few words: `crew of 2 (1 host≥2) from early-shift`."""
    parts = []
    if s.crew_size > 1:
        roles = ", ".join(
            f"{r.count} " + "+".join(f"{k.skill}≥{k.level}" for k in r.skills) for r in s.roles
        )
        parts.append(f"crew of {s.crew_size}" + (f" ({roles})" if roles else ""))
    if s.staff_pool:
        parts.append(f"from {s.staff_pool}")
    return " ".join(parts)


def task_details(t: task_pb2.Task, *, next_states: Sequence[str] = ()) -> Table:
    estimate = f"{t.estimate_hours:g} h" if t.estimate_hours else ""
    if t.optimistic_hours or t.pessimistic_hours:
        estimate += f" ({t.optimistic_hours:g}-{t.pessimistic_hours:g} h)"
    planned = f"{t.planned_start}..{t.planned_end}" if t.planned_start or t.planned_end else ""
    return details(
        task_ref(t.name),
        [
            ("title", t.title),
            ("state", t.state),
            ("can move to", ", ".join(next_states)),
            ("assignee", t.assignee),
            ("priority", priority(t.priority)),
            ("due", t.due_date),
            ("planned", planned),
            ("estimate", estimate),
            ("skills", skills(t.required_skills)),
            ("staffing", staffing(t.staffing)),
            ("crew", ", ".join(m.removeprefix("people/") for m in t.crew)),
            ("labels", ", ".join(t.labels)),
            ("parent", task_ref(t.parent)),
            ("iteration", t.iteration),
            ("locked", "yes" if t.locked else ""),
            ("splittable", "yes" if t.splittable else ""),
            ("source", enum_label(task_pb2.TaskSource.Name(t.source), "TASK_SOURCE_")),
            ("started", time(t.actual_start)),
            ("finished", time(t.actual_end)),
            ("created", time(t.create_time)),
            ("updated", time(t.update_time)),
            ("description", t.description),
        ],
    )


def transitions_table(transitions: Iterable[task_pb2.TaskTransition]) -> Table:
    table = Table("time", "from", "to", "by", "comment")
    table.columns[4].overflow = "fold"
    for t in transitions:
        table.add_row(
            time(t.time), t.from_state or "(created)", t.to_state, actor(t.actor), t.comment
        )
    return table


def dependencies_table(dependencies: Iterable[task_pb2.Dependency]) -> Table:
    table = Table("dependency", "predecessor", "successor", "type", "lag")
    for d in dependencies:
        table.add_row(
            dependency_ref(d.name),
            task_ref(d.predecessor),
            task_ref(d.successor),
            DEPENDENCY_TYPES.get(d.type, "fs"),
            f"{d.lag_days:+d}" if d.lag_days else "",
        )
    return table


def templates_table(templates: Iterable[template_pb2.Template]) -> Table:
    table = Table("id", "name", "anchor", "tasks", "description")
    table.columns[4].overflow = "fold"
    for t in templates:
        table.add_row(
            short(t.name, "templates/"), t.display_name, t.anchor, str(len(t.tasks)), t.description
        )
    return table


def template_tasks_table(template: template_pb2.Template) -> Table:
    after: dict[str, list[str]] = {}
    for d in template.dependencies:
        kind = DEPENDENCY_TYPES.get(d.type, "fs")
        lag = f"{d.lag_days:+d}" if d.lag_days else ""
        after.setdefault(d.successor_key, []).append(f"{d.predecessor_key} {kind}{lag}".strip())
    table = Table(
        "key",
        "title",
        "start",
        "days",
        "hours",
        "skills",
        "after",
        title=f"{template.display_name}: day 0 is the {template.anchor or 'anchor date'}",
        title_justify="left",
    )
    for t in template.tasks:
        table.add_row(
            t.key,
            t.title,
            f"{t.start_offset_days:+d}",
            str(t.duration_days),
            f"{t.estimate_hours:g}" if t.estimate_hours else "",
            skills(t.required_skills),
            ", ".join(after.get(t.key, [])),
        )
    return table


def keys_table(keys: Iterable[api_key_pb2.ApiKey]) -> Table:
    table = Table("id", "name", "principal", "admin", "scopes", "created", "revoked")
    for k in keys:
        table.add_row(
            short(k.name, "apiKeys/"),
            k.display_name,
            k.principal,
            "yes" if k.admin else "",
            ", ".join(
                api_key_pb2.ServiceScope.Name(s).removeprefix("SERVICE_SCOPE_").lower()
                for s in k.scopes
            ),
            time(k.create_time),
            time(k.revoke_time),
        )
    return table


def audit_table(entries: Iterable[audit_pb2.AuditEntry]) -> Table:
    table = Table("time", "actor", "action", "resource", "method")
    for e in entries:
        table.add_row(
            time(e.time), actor(e.actor), e.action, e.resource, e.method.rsplit("/", 1)[-1]
        )
    return table
