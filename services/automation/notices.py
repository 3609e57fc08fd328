"""Events and rule firings -> the `Notice` an IM webhook turns into a message: the one place
that decides what a message is about. Protos in, `messages.Notice` out, no I/O."""

from __future__ import annotations

from dataclasses import replace

from google.protobuf.message import Message
from planops.automation.v1 import events_pb2 as automation_events_pb2
from planops.core.v1 import events_pb2, task_pb2
from planops.risk.v1 import events_pb2 as risk_events_pb2

from services.automation.messages import Notice, NoticeKind


def link(console_url: str, task: str) -> str:
    """The console's page of `projects/{p}/tasks/{n}`, or "" without a console URL."""
    parts = task.split("/")
    if not console_url or len(parts) != 4 or parts[2] != "tasks":
        return ""
    return f"{console_url.rstrip('/')}/#/task/{parts[1]}/{parts[3]}"


def about(
    task: task_pb2.Task | None, *, kind: NoticeKind, project: str, event_type: str, console_url: str
) -> Notice:
    """A notice of `kind` carrying what `task` (if any) says."""
    if task is None or not task.name:
        return Notice(kind=kind, project=project, event_type=event_type)
    return Notice(
        kind=kind,
        project=project,
        event_type=event_type,
        task=task.name,
        title=task.title,
        assignee=task.assignee,
        due_date=task.due_date,
        state=task.state,
        link=link(console_url, task.name),
    )


def _from_notes(task: task_pb2.Task) -> bool:
    return task.source == task_pb2.TASK_SOURCE_NOTES and bool(task.assignee)


def _alerted(notice: Notice, event: risk_events_pb2.AlertRaised) -> Notice:
    a = event.alert
    on_task = "/tasks/" in a.subject
    return replace(
        notice,
        kind=NoticeKind.RISK_ALERT,
        task=notice.task or (a.subject if on_task else ""),
        probability=a.value,
        threshold=a.threshold,
        alert_kind=a.kind,
    )


def _changed(event: events_pb2.ChangeEvent) -> NoticeKind:
    t = event.task
    if event.type == "task.created":
        return NoticeKind.ASSIGNED_FROM_NOTES if _from_notes(t) else NoticeKind.TASK_CREATED
    if event.type == "task.transitioned":
        return NoticeKind.TASK_MOVED
    if event.type == "task.updated" and "assignee" in event.changed_fields and t.assignee:
        return NoticeKind.ASSIGNED_FROM_NOTES if _from_notes(t) else NoticeKind.TASK_ASSIGNED
    return NoticeKind.EVENT


def _due(event: automation_events_pb2.TaskDue) -> NoticeKind:
    return NoticeKind.OVERDUE if event.type.endswith("overdue") else NoticeKind.DUE_SOON


def of_event(
    *,
    event_type: str,
    project: str,
    message: Message,
    task: task_pb2.Task | None,
    console_url: str = "",
) -> Notice:
    """What a subscribed event says; `task` is the task as automation last saw it, for
    events that carry only its name (risk alerts, rule firings, notifications)."""

    def of(known: task_pb2.Task | None, kind: NoticeKind) -> Notice:
        return about(
            known, kind=kind, project=project, event_type=event_type, console_url=console_url
        )

    if isinstance(message, events_pb2.ChangeEvent) and message.HasField("task"):
        return of(message.task, _changed(message))
    if isinstance(message, automation_events_pb2.TaskDue):
        return of(message.task, _due(message))
    if isinstance(message, risk_events_pb2.AlertRaised):
        return _alerted(of(task, NoticeKind.RISK_ALERT), message)
    if isinstance(message, automation_events_pb2.ManagersNotified):
        notice = of(task, NoticeKind.MANAGERS_NOTIFIED)
        return replace(notice, task=notice.task or message.task, text=message.message)
    if isinstance(message, automation_events_pb2.RuleFired):
        notice = of(task, NoticeKind.RULE_FIRED)
        return replace(notice, task=notice.task or message.task, rule=message.rule)
    return of(task, NoticeKind.EVENT)


def of_rule(
    *,
    rule: str,
    project: str,
    cause: Message | None,
    task: task_pb2.Task,
    critical_path: bool,
    console_url: str = "",
) -> Notice:
    """What a rule's `send_webhook` says about `task`, from the event that fired it: a risk
    alert, an item from meeting notes assigned to someone, a due date, or else the rule's
    name. `critical_path` is known when one of the rule's conditions asked."""
    notice = about(
        task,
        kind=NoticeKind.RULE_FIRED,
        project=project,
        event_type="automation.rule.fired",
        console_url=console_url,
    )
    notice = replace(notice, rule=rule, critical_path=critical_path)
    if isinstance(cause, risk_events_pb2.AlertRaised):
        return _alerted(notice, cause)
    if isinstance(cause, automation_events_pb2.TaskDue):
        return replace(notice, kind=_due(cause))
    assigned = isinstance(cause, events_pb2.ChangeEvent) and (
        cause.type == "task.created" or "assignee" in cause.changed_fields
    )
    if assigned and _from_notes(task):
        return replace(notice, kind=NoticeKind.ASSIGNED_FROM_NOTES)
    return notice
