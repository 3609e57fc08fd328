"""Automation rules as data: what they are, how they are checked, evaluated, and refused
when they would loop. No I/O, no protobuf."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import partial
from typing import Any

from services.common import names
from services.common.errors import FieldViolation


class Trigger(StrEnum):
    TASK_CREATED = "task_created"
    STATE_CHANGED = "state_changed"
    ASSIGNEE_CHANGED = "assignee_changed"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    RISK_ALERT = "risk_alert"


class Operator(StrEnum):
    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"
    GREATER_THAN = "greater_than"
    LESS_THAN = "less_than"
    IS_EMPTY = "is_empty"
    IS_NOT_EMPTY = "is_not_empty"


class ActionKind(StrEnum):
    MOVE_TO_STATE = "move_to_state"
    ASSIGN = "assign"
    SET_FIELD = "set_field"
    ADD_COMMENT = "add_comment"
    SEND_WEBHOOK = "send_webhook"
    REQUEST_REPLAN = "request_replan"
    NOTIFY_MANAGERS = "notify_managers"


TEXT_FIELDS = ("state", "from_state", "priority", "assignee", "title", "alert_kind", "source")
NUMBER_FIELDS = ("estimate_hours",)
DATE_FIELDS = ("due_date",)
CONDITION_FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS, *DATE_FIELDS, "labels", "critical_path")
SETTABLE_FIELDS = ("priority", "due_date", "estimate_hours", "locked", "add_label", "remove_label")
PRIORITIES = ("low", "medium", "high", "urgent")
SOURCES = ("manual", "notes", "import", "planner", "template")
ROLES = ("manager", "executor", "reviewer", "viewer")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
MAX_CONDITIONS = 20
MAX_ACTIONS = 10
MAX_VALUE = 200
MAX_TEXT = 2000


@dataclass(frozen=True)
class Condition:
    field: str
    operator: Operator
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Action:
    """One action; which attributes matter depends on `kind`."""

    kind: ActionKind
    state: str = ""
    comment: str = ""
    person: str = ""
    role: str = ""
    field: str = ""
    value: str = ""
    body: str = ""
    webhook: str = ""
    time_limit_seconds: float = 0.0


@dataclass(frozen=True)
class RuleSpec:
    """What a rule does: stored as JSON, one revision per change."""

    trigger: Trigger
    conditions: tuple[Condition, ...] = ()
    actions: tuple[Action, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "trigger": self.trigger.value,
            "conditions": [
                {"field": c.field, "operator": c.operator.value, "values": list(c.values)}
                for c in self.conditions
            ],
            "actions": [
                {k: v for k, v in asdict(a).items() if v or k == "kind"} for a in self.actions
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleSpec:
        return cls(
            trigger=Trigger(data["trigger"]),
            conditions=tuple(
                Condition(c["field"], Operator(c["operator"]), tuple(c.get("values", ())))
                for c in data.get("conditions", ())
            ),
            actions=tuple(
                Action(**{**a, "kind": ActionKind(a["kind"])}) for a in data.get("actions", ())
            ),
        )


@dataclass(frozen=True)
class Facts:
    """What conditions look at: the task (as the event left it) and the event."""

    state: str = ""
    from_state: str = ""
    priority: str = "medium"
    assignee: str = ""
    labels: tuple[str, ...] = ()
    estimate_hours: float = 0.0
    due_date: str = ""
    title: str = ""
    alert_kind: str = ""
    critical_path: bool = False
    source: str = "manual"

    def get(self, name: str) -> object:
        return getattr(self, name)


# ------------------------------------------------------------------------------ validation


def validate(
    spec: RuleSpec,
    *,
    project: str,
    states: Iterable[str] | None = None,
    prefix: str = "rule",
) -> list[FieldViolation]:
    """Every problem of `spec` for `projects/{project}`; `states` are the workflow's."""
    found: list[FieldViolation] = []
    known_states = set(states) if states is not None else None

    def fail(path: str, description: str) -> None:
        found.append(FieldViolation(f"{prefix}.{path}", description))

    if len(spec.conditions) > MAX_CONDITIONS:
        fail("conditions", f"must hold at most {MAX_CONDITIONS} conditions")
    if not spec.actions:
        fail("actions", "must hold at least one action")
    if len(spec.actions) > MAX_ACTIONS:
        fail("actions", f"must hold at most {MAX_ACTIONS} actions")
    for i, c in enumerate(spec.conditions):
        for problem_path, problem in condition_problems(c, states=known_states):
            fail(f"conditions[{i}]{problem_path}", problem)
    for i, a in enumerate(spec.actions):
        for problem_path, problem in action_problems(a, project=project, states=known_states):
            fail(f"actions[{i}]{problem_path}", problem)
    return found


def condition_problems(c: Condition, *, states: set[str] | None) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if c.field not in CONDITION_FIELDS:
        return [(".field", f"must be one of {', '.join(CONDITION_FIELDS)}, not {c.field[:40]!r}")]
    wanted = {
        Operator.IS_EMPTY: (0, 0),
        Operator.IS_NOT_EMPTY: (0, 0),
        Operator.IN: (1, 100),
        Operator.NOT_IN: (1, 100),
    }.get(c.operator, (1, 1))
    if not wanted[0] <= len(c.values) <= wanted[1]:
        count = (
            "no values"
            if wanted[1] == 0
            else ("exactly one value" if wanted == (1, 1) else "1 to 100 values")
        )
        problems.append((".values", f"operator {c.operator.value} takes {count}"))
    if c.operator == Operator.CONTAINS and c.field != "labels":
        problems.append((".operator", "contains applies to labels only"))
    if c.field == "labels" and c.operator not in (
        Operator.CONTAINS,
        Operator.IS_EMPTY,
        Operator.IS_NOT_EMPTY,
    ):
        problems.append((".operator", "labels take contains, is_empty or is_not_empty"))
    if c.operator in (Operator.GREATER_THAN, Operator.LESS_THAN) and c.field not in (
        *NUMBER_FIELDS,
        *DATE_FIELDS,
    ):
        problems.append((".operator", f"{c.operator.value} applies to numbers and dates only"))
    if c.field == "critical_path" and (
        c.operator != Operator.EQUALS
        or c.values[:1]
        not in (
            ("true",),
            ("false",),
        )
    ):
        problems.append((".values", "critical_path takes equals with true or false"))
    for j, v in enumerate(c.values):
        if len(v) > MAX_VALUE:
            problems.append((f".values[{j}]", f"must be at most {MAX_VALUE} characters"))
        elif c.field in NUMBER_FIELDS and _number(v) is None:
            problems.append((f".values[{j}]", f"must be a number, not {v[:40]!r}"))
        elif c.field in DATE_FIELDS and _date(v) is None:
            problems.append((f".values[{j}]", f"must be a date YYYY-MM-DD, not {v[:40]!r}"))
        elif c.field == "priority" and v not in PRIORITIES:
            problems.append((f".values[{j}]", f"must be one of {', '.join(PRIORITIES)}"))
        elif c.field == "source" and v not in SOURCES:
            problems.append((f".values[{j}]", f"must be one of {', '.join(SOURCES)}"))
        elif c.field in ("state", "from_state") and states is not None and v not in states:
            problems.append((f".values[{j}]", f"is not a state of the project's workflow: {v!r}"))
        elif c.field == "assignee":
            problems += _refused(f".values[{j}]", names.person_id, v)
    return problems


def action_problems(a: Action, *, project: str, states: set[str] | None) -> list[tuple[str, str]]:
    k = a.kind
    if k == ActionKind.MOVE_TO_STATE:
        if not a.state:
            return [(".move_to_state.state", "is required")]
        if states is not None and a.state not in states:
            return [(".move_to_state.state", f"is not a state of the workflow: {a.state[:40]!r}")]
        if len(a.comment) > 1000:
            return [(".move_to_state.comment", "must be at most 1000 characters")]
    elif k == ActionKind.ASSIGN:
        if bool(a.person) == bool(a.role):
            return [(".assign", "needs exactly one of person and role")]
        if a.person and (refused := _refused(".assign.person", names.person_id, a.person)):
            return refused
        if a.role and a.role not in ROLES:
            return [(".assign.role", f"must be one of {', '.join(ROLES)}")]
    elif k == ActionKind.SET_FIELD:
        return [(".set_field" + p, d) for p, d in set_field_problems(a.field, a.value)]
    elif k in (ActionKind.ADD_COMMENT, ActionKind.NOTIFY_MANAGERS):
        path = ".add_comment.body" if k == ActionKind.ADD_COMMENT else ".notify_managers.message"
        if not a.body.strip():
            return [(path, "is required")]
        if len(a.body) > MAX_TEXT:
            return [(path, f"must be at most {MAX_TEXT} characters")]
    elif k == ActionKind.SEND_WEBHOOK:
        return _refused(
            ".send_webhook.webhook",
            partial(names.child_id, collection="webhooks", project=project),
            a.webhook,
        )
    elif k == ActionKind.REQUEST_REPLAN:
        t = a.time_limit_seconds
        if not math.isfinite(t) or not (t == 0 or 1 <= t <= 60):
            return [(".request_replan.time_limit_seconds", "must be 0 or between 1 and 60")]
    return []


def set_field_problems(name: str, value: str) -> list[tuple[str, str]]:
    if name not in SETTABLE_FIELDS:
        return [(".field", f"must be one of {', '.join(SETTABLE_FIELDS)}, not {name[:40]!r}")]
    if len(value) > MAX_VALUE:
        return [(".value", f"must be at most {MAX_VALUE} characters")]
    if name == "priority" and value not in PRIORITIES:
        return [(".value", f"must be one of {', '.join(PRIORITIES)}")]
    if name == "due_date" and value and _date(value) is None:
        return [(".value", "must be a date YYYY-MM-DD or empty")]
    if name == "estimate_hours":
        hours = _number(value)
        if hours is None or not 0 <= hours <= 10_000:
            return [(".value", "must be a number of hours between 0 and 10000")]
    if name == "locked" and value not in ("true", "false"):
        return [(".value", "must be true or false")]
    if name in ("add_label", "remove_label") and not 1 <= len(value) <= 64:
        return [(".value", "must be a label of 1 to 64 characters")]
    return []


def _refused(path: str, parse: Callable[[str], object], name: str) -> list[tuple[str, str]]:
    return [(path, v.description) for v in names.problems(parse, name)]


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _date(value: str) -> dt.date | None:
    if not DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


# ------------------------------------------------------------------------------ evaluation


def holds(condition: Condition, facts: Facts) -> bool:
    value = facts.get(condition.field)
    op, values = condition.operator, condition.values
    if condition.field == "critical_path":
        return bool(value) == (values[0] == "true")
    if op == Operator.IS_EMPTY:
        return not value
    if op == Operator.IS_NOT_EMPTY:
        return bool(value)
    if op == Operator.CONTAINS:
        return isinstance(value, tuple) and values[0] in value
    if op in (Operator.GREATER_THAN, Operator.LESS_THAN):
        if condition.field in DATE_FIELDS:
            left, right = _date(str(value)), _date(values[0])
            if left is None or right is None:
                return False
            return left > right if op == Operator.GREATER_THAN else left < right
        a, b = float(value) if isinstance(value, int | float) else 0.0, _number(values[0])
        if b is None:
            return False
        return a > b if op == Operator.GREATER_THAN else a < b
    text = str(value)
    if op == Operator.EQUALS:
        return text == values[0]
    if op == Operator.NOT_EQUALS:
        return text != values[0]
    if op == Operator.IN:
        return text in values
    if op == Operator.NOT_IN:
        return text not in values
    return False


def matches(spec: RuleSpec, facts: Facts) -> bool:
    return all(holds(c, facts) for c in spec.conditions)


def needs_critical_path(spec: RuleSpec) -> bool:
    return any(c.field == "critical_path" for c in spec.conditions)


def render(template: str, *, task: str, title: str, rule: str, event: str) -> str:
    values = {"{task}": task, "{title}": title, "{rule}": rule, "{event}": event}
    return re.sub(r"\{(task|title|rule|event)\}", lambda m: values[m.group(0)], template)


# ------------------------------------------------------------------------------ loops


@dataclass(frozen=True)
class Effect:
    """An event an action can cause: its trigger and the facts it is known to carry."""

    trigger: Trigger
    known: Mapping[str, str] = field(default_factory=dict)
    because: str = ""


def effects(action: Action) -> list[Effect]:
    """What an action can make happen that a rule could react to.

    Comments, webhooks, proposals and notifications start no rule. Risk alerts are left out:
    the risk service raises one per threshold crossing, so a rule cannot keep raising them.
    """
    if action.kind == ActionKind.MOVE_TO_STATE:
        return [
            Effect(
                Trigger.STATE_CHANGED,
                {"state": action.state},
                f"moves the task to {action.state}",
            )
        ]
    if action.kind == ActionKind.ASSIGN:
        known = {"assignee": action.person} if action.person else {}
        who = action.person or f"a {action.role}"
        return [Effect(Trigger.ASSIGNEE_CHANGED, known, f"assigns the task to {who}")]
    if action.kind == ActionKind.SET_FIELD and action.field == "due_date" and action.value:
        because = f"sets the due date to {action.value}"
        known = {"due_date": action.value}
        return [Effect(Trigger.DUE_SOON, known, because), Effect(Trigger.OVERDUE, known, because)]
    return []


def may_hold(condition: Condition, known: Mapping[str, str]) -> bool:
    """False only when the known facts rule the condition out."""
    if condition.field not in known:
        return True
    return holds(condition, _facts_from(known))


def _facts_from(known: Mapping[str, str]) -> Facts:
    return Facts(
        state=known.get("state", ""),
        assignee=known.get("assignee", ""),
        due_date=known.get("due_date", ""),
    )


def edge(source: RuleSpec, target: RuleSpec) -> Effect | None:
    """The first effect of `source`'s actions that may start `target`, if any."""
    for action in source.actions:
        for effect in effects(action):
            if effect.trigger == target.trigger and all(
                may_hold(c, effect.known) for c in target.conditions
            ):
                return effect
    return None


def find_loop(name: str, spec: RuleSpec, others: Mapping[str, RuleSpec]) -> str | None:
    """Why rule `name` with `spec` could fire itself again, alone or through `others` (the
    project's other enabled rules); None when it cannot."""
    rules = {**{k: v for k, v in others.items() if k != name}, name: spec}
    path: list[tuple[str, Effect]] = []
    seen: set[str] = set()

    def visit(current: str) -> bool:
        for target in sorted(rules):
            found = edge(rules[current], rules[target])
            if found is None:
                continue
            path.append((current, found))
            if target == name:
                return True
            if target not in seen:
                seen.add(target)
                if visit(target):
                    return True
            path.pop()
        return False

    if not visit(name):
        return None
    steps = [f"{rule} {effect.because}" for rule, effect in path]
    return "it would loop: " + ", then ".join(steps) + f", which fires {name} again"


# ------------------------------------------------------------------------------ defaults


@dataclass(frozen=True)
class DefaultRule:
    rule_id: str
    display_name: str
    description: str
    spec: RuleSpec


DEFAULT_RULES: Sequence[DefaultRule] = (
    DefaultRule(
        "review-assign",
        "Review goes to the reviewer",
        "A task that enters review is assigned to the project's reviewer.",
        RuleSpec(
            Trigger.STATE_CHANGED,
            (Condition("state", Operator.EQUALS, ("in_review",)),),
            (Action(ActionKind.ASSIGN, role="reviewer"),),
        ),
    ),
    DefaultRule(
        "critical-risk-replan",
        "Risk on the critical path asks for a new plan",
        "A risk alert on a task of the critical path requests a replan and tells the managers.",
        RuleSpec(
            Trigger.RISK_ALERT,
            (Condition("critical_path", Operator.EQUALS, ("true",)),),
            (
                Action(ActionKind.REQUEST_REPLAN),
                Action(
                    ActionKind.NOTIFY_MANAGERS,
                    body="{title} is at risk and on the critical path; a new schedule"
                    " proposal was requested.",
                ),
            ),
        ),
    ),
    DefaultRule(
        "overdue-notify",
        "Overdue work is reported",
        "An open task past its due date is reported to the project's managers.",
        RuleSpec(
            Trigger.OVERDUE,
            (),
            (Action(ActionKind.NOTIFY_MANAGERS, body="{title} is overdue."),),
        ),
    ),
)
