"""Rules as data: validation names the field, evaluation, and the loop check."""

from __future__ import annotations

from services.automation.rules import (
    DEFAULT_RULES,
    Action,
    ActionKind,
    Condition,
    Facts,
    Operator,
    RuleSpec,
    Trigger,
    find_loop,
    matches,
    render,
    validate,
)

STATES = {"draft", "in_review", "scheduled", "in_progress", "blocked", "done"}


def spec(trigger: Trigger, *conditions: Condition, actions: tuple[Action, ...]) -> RuleSpec:
    return RuleSpec(trigger, conditions, actions)


def move(state: str) -> Action:
    return Action(ActionKind.MOVE_TO_STATE, state=state)


def fields(s: RuleSpec) -> set[str]:
    return {v.field for v in validate(s, project="p", states=STATES)}


def test_a_well_formed_rule_has_no_problems_and_survives_json() -> None:
    s = spec(
        Trigger.STATE_CHANGED,
        Condition("state", Operator.EQUALS, ("in_review",)),
        Condition("labels", Operator.CONTAINS, ("urgent",)),
        Condition("estimate_hours", Operator.GREATER_THAN, ("8",)),
        actions=(
            Action(ActionKind.ASSIGN, role="reviewer"),
            Action(ActionKind.SEND_WEBHOOK, webhook="projects/p/webhooks/3"),
        ),
    )
    assert validate(s, project="p", states=STATES) == []
    assert RuleSpec.from_json(s.to_json()) == s


def test_every_bad_part_is_named() -> None:
    s = spec(
        Trigger.TASK_CREATED,
        Condition("colour", Operator.EQUALS, ("red",)),
        Condition("state", Operator.EQUALS, ("nowhere",)),
        Condition("priority", Operator.IN, ()),
        Condition("title", Operator.GREATER_THAN, ("a",)),
        actions=(
            move("limbo"),
            Action(ActionKind.ASSIGN, person="alice"),
            Action(ActionKind.SET_FIELD, field="due_date", value="tomorrow"),
            Action(ActionKind.SEND_WEBHOOK, webhook="projects/other/webhooks/1"),
            Action(ActionKind.ADD_COMMENT, body=" "),
            Action(ActionKind.REQUEST_REPLAN, time_limit_seconds=600),
        ),
    )
    assert fields(s) == {
        "rule.conditions[0].field",
        "rule.conditions[1].values[0]",
        "rule.conditions[2].values",
        "rule.conditions[3].operator",
        "rule.actions[0].move_to_state.state",
        "rule.actions[1].assign.person",
        "rule.actions[2].set_field.value",
        "rule.actions[3].send_webhook.webhook",
        "rule.actions[4].add_comment.body",
        "rule.actions[5].request_replan.time_limit_seconds",
    }
    assert fields(spec(Trigger.TASK_CREATED, actions=())) == {"rule.actions"}


def test_conditions_on_the_tasks_fields() -> None:
    facts = Facts(
        state="in_review",
        priority="high",
        assignee="",
        labels=("promo", "ads"),
        estimate_hours=12,
        due_date="2030-05-01",
    )

    def holds(field: str, op: Operator, *values: str) -> bool:
        return matches(spec(Trigger.TASK_CREATED, Condition(field, op, values), actions=()), facts)

    assert holds("state", Operator.EQUALS, "in_review")
    assert not holds("state", Operator.NOT_EQUALS, "in_review")
    assert holds("priority", Operator.IN, "high", "urgent")
    assert not holds("priority", Operator.NOT_IN, "high")
    assert holds("labels", Operator.CONTAINS, "ads") and not holds("labels", Operator.CONTAINS, "x")
    assert holds("assignee", Operator.IS_EMPTY) and not holds("assignee", Operator.IS_NOT_EMPTY)
    assert holds("estimate_hours", Operator.GREATER_THAN, "8")
    assert not holds("estimate_hours", Operator.LESS_THAN, "8")
    assert holds("due_date", Operator.LESS_THAN, "2030-06-01")
    assert not holds("due_date", Operator.GREATER_THAN, "2030-06-01")
    assert holds("critical_path", Operator.EQUALS, "false")


def test_a_rule_that_triggers_itself_is_refused_with_the_reason() -> None:
    # Any state change moves the task to in_progress: the move is a state change.
    looping = spec(Trigger.STATE_CHANGED, actions=(move("in_progress"),))
    reason = find_loop("projects/p/rules/a", looping, {})
    assert reason is not None
    assert "moves the task to in_progress" in reason and "projects/p/rules/a" in reason


def test_a_condition_that_its_own_action_falsifies_is_no_loop() -> None:
    safe = spec(
        Trigger.STATE_CHANGED,
        Condition("state", Operator.EQUALS, ("in_review",)),
        actions=(move("scheduled"), Action(ActionKind.ASSIGN, role="reviewer")),
    )
    assert find_loop("projects/p/rules/a", safe, {}) is None


def test_a_cycle_across_two_rules_is_found_from_either_side() -> None:
    a = spec(
        Trigger.STATE_CHANGED,
        Condition("state", Operator.EQUALS, ("blocked",)),
        actions=(Action(ActionKind.ASSIGN, person="people/ana"),),
    )
    b = spec(
        Trigger.ASSIGNEE_CHANGED,
        Condition("assignee", Operator.EQUALS, ("people/ana",)),
        actions=(move("blocked"),),
    )
    assert find_loop("projects/p/rules/a", a, {}) is None
    reason = find_loop("projects/p/rules/b", b, {"projects/p/rules/a": a})
    assert reason is not None and "projects/p/rules/a assigns the task to people/ana" in reason
    # Assigning someone else does not satisfy b's condition: no cycle.
    other = spec(Trigger.STATE_CHANGED, actions=(Action(ActionKind.ASSIGN, person="people/bo"),))
    assert find_loop("projects/p/rules/b", b, {"projects/p/rules/a": other}) is None


def test_postponing_an_overdue_task_forever_is_a_loop() -> None:
    postpone = spec(
        Trigger.OVERDUE,
        actions=(Action(ActionKind.SET_FIELD, field="due_date", value="2030-01-01"),),
    )
    assert find_loop("projects/p/rules/later", postpone, {}) is not None


def test_the_default_rules_are_valid_and_do_not_loop_together() -> None:
    specs = {f"projects/p/rules/{d.rule_id}": d.spec for d in DEFAULT_RULES}
    for d in DEFAULT_RULES:
        assert validate(d.spec, project="p", states=STATES | {"in_review"}) == []
        assert find_loop(f"projects/p/rules/{d.rule_id}", d.spec, specs) is None


def test_templates_fill_only_the_known_placeholders() -> None:
    text = render(
        "{title} ({task}) by {rule} on {event} {other}",
        task="t/1",
        title="Ads",
        rule="r",
        event="e",
    )
    assert text == "Ads (t/1) by r on e {other}"


def test_a_source_condition_picks_the_items_accepted_from_meeting_notes() -> None:
    comment = (Action(ActionKind.ADD_COMMENT, body="x"),)
    spec = RuleSpec(
        Trigger.TASK_CREATED, (Condition("source", Operator.EQUALS, ("notes",)),), comment
    )
    assert validate(spec, project="p") == []
    assert matches(spec, Facts(source="notes")) and not matches(spec, Facts())
    bad = RuleSpec(
        Trigger.TASK_CREATED, (Condition("source", Operator.EQUALS, ("email",)),), comment
    )
    assert [v.field for v in validate(bad, project="p")] == ["rule.conditions[0].values[0]"]
