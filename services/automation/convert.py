"""Protos <-> automation's domain: rules, webhooks, deliveries, runs, and the JSON bodies
webhooks receive."""

from __future__ import annotations

import datetime as dt
import json

from google.protobuf import json_format
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from planops.automation.v1 import automation_service_pb2, rule_pb2, webhook_pb2
from planops.core.v1 import project_pb2, task_pb2

from services.automation.platforms import Kind, redacted
from services.automation.rules import (
    Action,
    ActionKind,
    Condition,
    Facts,
    Operator,
    RuleSpec,
    Trigger,
)
from services.automation.store import (
    AttemptRow,
    ListedDelivery,
    RevisionRow,
    RuleRecord,
    RunRow,
    WebhookRow,
)
from services.common.errors import FieldViolation

TRIGGERS = {
    rule_pb2.TRIGGER_TASK_CREATED: Trigger.TASK_CREATED,
    rule_pb2.TRIGGER_TASK_STATE_CHANGED: Trigger.STATE_CHANGED,
    rule_pb2.TRIGGER_TASK_ASSIGNEE_CHANGED: Trigger.ASSIGNEE_CHANGED,
    rule_pb2.TRIGGER_TASK_DUE_SOON: Trigger.DUE_SOON,
    rule_pb2.TRIGGER_TASK_OVERDUE: Trigger.OVERDUE,
    rule_pb2.TRIGGER_RISK_ALERT_RAISED: Trigger.RISK_ALERT,
}
TRIGGER_PROTOS = {v: k for k, v in TRIGGERS.items()}
OPERATORS = {
    rule_pb2.OPERATOR_EQUALS: Operator.EQUALS,
    rule_pb2.OPERATOR_NOT_EQUALS: Operator.NOT_EQUALS,
    rule_pb2.OPERATOR_IN: Operator.IN,
    rule_pb2.OPERATOR_NOT_IN: Operator.NOT_IN,
    rule_pb2.OPERATOR_CONTAINS: Operator.CONTAINS,
    rule_pb2.OPERATOR_GREATER_THAN: Operator.GREATER_THAN,
    rule_pb2.OPERATOR_LESS_THAN: Operator.LESS_THAN,
    rule_pb2.OPERATOR_IS_EMPTY: Operator.IS_EMPTY,
    rule_pb2.OPERATOR_IS_NOT_EMPTY: Operator.IS_NOT_EMPTY,
}
OPERATOR_PROTOS = {v: k for k, v in OPERATORS.items()}
ROLE_NAMES = {
    project_pb2.ROLE_MANAGER: "manager",
    project_pb2.ROLE_EXECUTOR: "executor",
    project_pb2.ROLE_REVIEWER: "reviewer",
    project_pb2.ROLE_VIEWER: "viewer",
}
ROLE_PROTOS = {v: k for k, v in ROLE_NAMES.items()}
PRIORITY_NAMES = {
    task_pb2.PRIORITY_UNSPECIFIED: "medium",
    task_pb2.PRIORITY_LOW: "low",
    task_pb2.PRIORITY_MEDIUM: "medium",
    task_pb2.PRIORITY_HIGH: "high",
    task_pb2.PRIORITY_URGENT: "urgent",
}
PRIORITY_PROTOS = {
    "low": task_pb2.PRIORITY_LOW,
    "medium": task_pb2.PRIORITY_MEDIUM,
    "high": task_pb2.PRIORITY_HIGH,
    "urgent": task_pb2.PRIORITY_URGENT,
}
KINDS = {
    webhook_pb2.WEBHOOK_KIND_UNSPECIFIED: Kind.GENERIC,
    webhook_pb2.WEBHOOK_KIND_GENERIC: Kind.GENERIC,
    webhook_pb2.WEBHOOK_KIND_FEISHU: Kind.FEISHU,
    webhook_pb2.WEBHOOK_KIND_DINGTALK: Kind.DINGTALK,
    webhook_pb2.WEBHOOK_KIND_WECOM: Kind.WECOM,
    webhook_pb2.WEBHOOK_KIND_SLACK: Kind.SLACK,
}
KIND_PROTOS = {v: k for k, v in KINDS.items() if k != webhook_pb2.WEBHOOK_KIND_UNSPECIFIED}
DELIVERY_STATES = {
    "pending": webhook_pb2.DELIVERY_STATE_PENDING,
    "succeeded": webhook_pb2.DELIVERY_STATE_SUCCEEDED,
    "failed": webhook_pb2.DELIVERY_STATE_FAILED,
}
RUN_STATES = {
    "pending": rule_pb2.RUN_STATE_PENDING,
    "succeeded": rule_pb2.RUN_STATE_SUCCEEDED,
    "skipped": rule_pb2.RUN_STATE_SKIPPED,
    "failed": rule_pb2.RUN_STATE_FAILED,
}
CATEGORY_NAMES = {
    project_pb2.STATE_CATEGORY_PLANNED: "planned",
    project_pb2.STATE_CATEGORY_ACTIVE: "active",
    project_pb2.STATE_CATEGORY_BLOCKED: "blocked",
    project_pb2.STATE_CATEGORY_DONE: "done",
    project_pb2.STATE_CATEGORY_CANCELLED: "cancelled",
}
CLOSED = ("done", "cancelled")
SOURCE_NAMES = {
    task_pb2.TASK_SOURCE_UNSPECIFIED: "manual",
    task_pb2.TASK_SOURCE_MANUAL: "manual",
    task_pb2.TASK_SOURCE_NOTES: "notes",
    task_pb2.TASK_SOURCE_IMPORT: "import",
    task_pb2.TASK_SOURCE_PLANNER: "planner",
    task_pb2.TASK_SOURCE_TEMPLATE: "template",
}


def timestamp(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(dt.UTC))
    return stamp


# ------------------------------------------------------------------------------ rules


def spec_of(rule: rule_pb2.Rule, *, prefix: str = "rule") -> tuple[RuleSpec, list[FieldViolation]]:
    """The rule's spec and the violations that keep it from being one."""
    found: list[FieldViolation] = []
    trigger = TRIGGERS.get(rule.trigger)
    if trigger is None:
        found.append(FieldViolation(f"{prefix}.trigger", "is required"))
        trigger = Trigger.TASK_CREATED
    conditions: list[Condition] = []
    for i, c in enumerate(rule.conditions):
        operator = OPERATORS.get(c.operator)
        if operator is None:
            found.append(FieldViolation(f"{prefix}.conditions[{i}].operator", "is required"))
            continue
        conditions.append(Condition(c.field, operator, tuple(c.values)))
    actions: list[Action] = []
    for i, a in enumerate(rule.actions):
        action = action_of(a)
        if action is None:
            found.append(FieldViolation(f"{prefix}.actions[{i}]", "must set one action"))
            continue
        actions.append(action)
    return RuleSpec(trigger, tuple(conditions), tuple(actions)), found


def action_of(a: rule_pb2.Action) -> Action | None:
    kind = a.WhichOneof("kind")
    if kind == "move_to_state":
        m = a.move_to_state
        return Action(ActionKind.MOVE_TO_STATE, state=m.state, comment=m.comment)
    if kind == "assign":
        to = a.assign.WhichOneof("to")
        if to == "role":
            return Action(ActionKind.ASSIGN, role=ROLE_NAMES.get(a.assign.role, "?"))
        return Action(ActionKind.ASSIGN, person=a.assign.person)
    if kind == "set_field":
        return Action(ActionKind.SET_FIELD, field=a.set_field.field, value=a.set_field.value)
    if kind == "add_comment":
        return Action(ActionKind.ADD_COMMENT, body=a.add_comment.body)
    if kind == "send_webhook":
        return Action(ActionKind.SEND_WEBHOOK, webhook=a.send_webhook.webhook)
    if kind == "request_replan":
        return Action(
            ActionKind.REQUEST_REPLAN, time_limit_seconds=a.request_replan.time_limit_seconds
        )
    if kind == "notify_managers":
        return Action(ActionKind.NOTIFY_MANAGERS, body=a.notify_managers.message)
    return None


def action_proto(a: Action) -> rule_pb2.Action:
    k = a.kind
    if k == ActionKind.MOVE_TO_STATE:
        return rule_pb2.Action(move_to_state=rule_pb2.MoveToState(state=a.state, comment=a.comment))
    if k == ActionKind.ASSIGN:
        if a.role:
            return rule_pb2.Action(
                assign=rule_pb2.Assign(role=ROLE_PROTOS.get(a.role, project_pb2.ROLE_UNSPECIFIED))
            )
        return rule_pb2.Action(assign=rule_pb2.Assign(person=a.person))
    if k == ActionKind.SET_FIELD:
        return rule_pb2.Action(set_field=rule_pb2.SetField(field=a.field, value=a.value))
    if k == ActionKind.ADD_COMMENT:
        return rule_pb2.Action(add_comment=rule_pb2.AddComment(body=a.body))
    if k == ActionKind.SEND_WEBHOOK:
        return rule_pb2.Action(send_webhook=rule_pb2.SendWebhook(webhook=a.webhook))
    if k == ActionKind.REQUEST_REPLAN:
        return rule_pb2.Action(
            request_replan=rule_pb2.RequestReplan(time_limit_seconds=a.time_limit_seconds)
        )
    return rule_pb2.Action(notify_managers=rule_pb2.NotifyManagers(message=a.body))


def rule(record: RuleRecord) -> rule_pb2.Rule:
    spec = record.spec
    return rule_pb2.Rule(
        name=record.name,
        display_name=record.display_name,
        description=record.description,
        enabled=record.enabled,
        trigger=TRIGGER_PROTOS[spec.trigger],
        conditions=[
            rule_pb2.Condition(field=c.field, operator=OPERATOR_PROTOS[c.operator], values=c.values)
            for c in spec.conditions
        ],
        actions=[action_proto(a) for a in spec.actions],
        revision=record.revision,
        default_rule=record.default_rule,
        create_time=timestamp(record.create_time),
        update_time=timestamp(record.update_time),
        etag=etag(record.revision),
    )


def etag(revision: int) -> str:
    return f'W/"{revision}"'


def revision(row: RevisionRow) -> automation_service_pb2.RuleRevision:
    return automation_service_pb2.RuleRevision(
        rule=rule(row.record), action=row.action, actor=row.actor, time=timestamp(row.time)
    )


def run(row: RunRow) -> rule_pb2.RuleRun:
    return rule_pb2.RuleRun(
        name=f"projects/{row.project}/rules/{row.rule_id}/runs/{row.id}",
        event_id=row.event_id,
        event_type=row.event_type,
        task=row.task,
        revision=row.revision,
        state=RUN_STATES.get(row.state, rule_pb2.RUN_STATE_UNSPECIFIED),
        results=row.results,
        error=row.error,
        create_time=timestamp(row.create_time),
        finish_time=timestamp(row.finish_time),
    )


def facts(task: task_pb2.Task, *, from_state: str = "", alert_kind: str = "") -> Facts:
    return Facts(
        state=task.state,
        from_state=from_state,
        priority=PRIORITY_NAMES.get(task.priority, "medium"),
        assignee=task.assignee,
        labels=tuple(task.labels),
        estimate_hours=task.estimate_hours,
        due_date=task.due_date,
        title=task.title,
        alert_kind=alert_kind,
        source=SOURCE_NAMES.get(task.source, "manual"),
    )


def field_update(task: task_pb2.Task, name: str, value: str) -> tuple[task_pb2.Task, str] | None:
    """The task with one field set and the path to send, or None when nothing would change."""
    changed = task_pb2.Task()
    changed.CopyFrom(task)
    if name == "priority":
        changed.priority = PRIORITY_PROTOS[value]
        path = "priority"
    elif name == "due_date":
        changed.due_date = value
        path = "due_date"
    elif name == "estimate_hours":
        changed.estimate_hours = float(value)
        path = "estimate_hours"
    elif name == "locked":
        changed.locked = value == "true"
        path = "locked"
    elif name in ("add_label", "remove_label"):
        labels = [label for label in task.labels if label != value]
        if name == "add_label":
            labels.append(value)
        del changed.labels[:]
        changed.labels.extend(labels)
        path = "labels"
    else:
        return None
    if changed == task:
        return None
    return changed, path


# ------------------------------------------------------------------------------ webhooks


def webhook(row: WebhookRow) -> webhook_pb2.Webhook:
    """The webhook as the API shows it: an IM kind's URL with its credential hidden."""
    kind = Kind(row.kind)
    return webhook_pb2.Webhook(
        name=f"projects/{row.project}/webhooks/{row.id}",
        url=redacted(kind, row.url),
        event_types=row.event_types,
        description=row.description,
        creator=row.creator,
        create_time=timestamp(row.create_time),
        kind=KIND_PROTOS[kind],
        language=row.language,
    )


def delivery(row: ListedDelivery) -> webhook_pb2.Delivery:
    pending = row.state == "pending"
    return webhook_pb2.Delivery(
        name=f"projects/{row.project}/webhooks/{row.webhook_id}/deliveries/{row.id}",
        event_id=row.event_id,
        event_type=row.event_type,
        state=DELIVERY_STATES.get(row.state, webhook_pb2.DELIVERY_STATE_UNSPECIFIED),
        attempt_count=row.attempt_count,
        next_attempt_time=timestamp(row.next_attempt_time) if pending else None,
        create_time=timestamp(row.create_time),
        attempts=[attempt(a) for a in row.attempts],
    )


def attempt(row: AttemptRow) -> webhook_pb2.DeliveryAttempt:
    return webhook_pb2.DeliveryAttempt(
        number=row.number,
        time=timestamp(row.time),
        http_status=row.http_status,
        latency_ms=row.latency_ms,
        error=row.error,
        platform_code=row.platform_code,
        platform_message=row.platform_message,
    )


def body(
    *, event_id: str, event_type: str, project: str, time: dt.datetime, data: Message
) -> bytes:
    """What a webhook receives: the event's envelope and its payload as protobuf JSON."""
    envelope = {
        "id": event_id,
        "type": event_type,
        "project": project,
        "time": time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "data": json_format.MessageToDict(data, preserving_proto_field_name=True),
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
