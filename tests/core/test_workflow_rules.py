from __future__ import annotations

from dataclasses import replace

from services.core.workflow import DEFAULT, State, Transition, Workflow, check

ACTIVE = ("draft", "submitted", "in_review", "scheduled", "in_progress", "in_acceptance")


def test_default_flow_moves_and_roles() -> None:
    assert DEFAULT.initial_state == "draft"
    assert check(DEFAULT) == []
    assert DEFAULT.allowed_roles("draft", "submitted") == ("manager", "executor")
    assert DEFAULT.allowed_roles("submitted", "in_review") == ("reviewer",)
    assert DEFAULT.allowed_roles("in_review", "scheduled") == ("reviewer",)
    assert DEFAULT.allowed_roles("in_acceptance", "done") == ("reviewer",)
    assert DEFAULT.allowed_roles("draft", "done") is None
    assert DEFAULT.allowed_roles("done", "cancelled") is None
    for s in ACTIVE:
        assert DEFAULT.allowed_roles(s, "cancelled") == ("manager",)
    for s in ("scheduled", "in_progress", "in_acceptance"):
        assert "executor" in (DEFAULT.allowed_roles(s, "blocked") or ())
    for s in ("draft", "submitted", "in_review"):
        assert DEFAULT.allowed_roles(s, "blocked") is None


def test_only_reviewers_leave_review_and_accept() -> None:
    assert DEFAULT.allowed_roles("in_review", "scheduled") == ("reviewer",)
    assert DEFAULT.allowed_roles("in_review", "draft") == ("reviewer",)
    assert "executor" not in (DEFAULT.allowed_roles("in_acceptance", "done") or ())
    assert not any("viewer" in t.roles for t in DEFAULT.transitions)
    for target in DEFAULT.moves_from("in_review"):
        roles = DEFAULT.allowed_roles("in_review", target) or ()
        assert "executor" not in roles, f"an executor may move in_review -> {target}"


def reachable_by(role: str, start: str) -> set[str]:
    seen, frontier = {start}, [start]
    while frontier:
        state = frontier.pop()
        for t in DEFAULT.transitions:
            if t.from_state == state and role in t.roles and t.to_state not in seen:
                seen.add(t.to_state)
                frontier.append(t.to_state)
    return seen


def test_an_executor_alone_cannot_get_work_past_review_or_acceptance() -> None:
    assert "done" not in reachable_by("executor", "draft")
    # submitted -> blocked -> scheduled would skip the reviewer entirely.
    assert "scheduled" not in reachable_by("executor", "draft"), (
        "an executor can schedule unreviewed work via blocked"
    )


def test_states_and_categories() -> None:
    assert [s.id for s in DEFAULT.states][:7] == [
        "draft",
        "submitted",
        "in_review",
        "scheduled",
        "in_progress",
        "in_acceptance",
        "done",
    ]
    categories = {s.id: s.category for s in DEFAULT.states}
    assert categories["in_progress"] == "active"
    assert categories["done"] == "done"
    assert categories["blocked"] == "blocked"
    assert categories["cancelled"] == "cancelled"
    assert DEFAULT.state("nope") is None
    assert sorted(DEFAULT.moves_from("blocked")) == ["cancelled", "in_progress", "scheduled"]


def test_json_round_trip() -> None:
    assert Workflow.from_json(DEFAULT.to_json()) == DEFAULT


def test_check_names_every_bad_field() -> None:
    good = Workflow(
        states=(State("todo", "To do", "planned"), State("done", "Done", "done")),
        transitions=(Transition("todo", "done", ("executor",)),),
        initial_state="todo",
    )
    assert check(good) == []
    bad = Workflow(
        states=(
            State("todo", "To do", "planned"),
            State("todo", "Again", "planned"),
            State("Bad Id", "Bad", ""),
        ),
        transitions=(
            Transition("todo", "todo", ("executor",)),
            Transition("todo", "gone", ("boss",)),
            Transition("ghost", "todo", ()),
        ),
        initial_state="start",
    )
    fields = {v.field for v in check(bad, field="project.workflow")}
    assert fields == {
        "project.workflow.states",
        "project.workflow.states[2].id",
        "project.workflow.states[2].category",
        "project.workflow.initial_state",
        "project.workflow.transitions[0]",
        "project.workflow.transitions[1].to_state",
        "project.workflow.transitions[1].roles",
        "project.workflow.transitions[2].from_state",
        "project.workflow.transitions[2].roles",
    }
    assert {v.field for v in check(replace(good, transitions=()))} == {"workflow.transitions"}
    one = replace(good, states=good.states[:1], transitions=())
    assert "workflow.states" in {v.field for v in check(one)}
