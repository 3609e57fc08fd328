"""Workflows as data: the default flow, validation of a project's own, and role guards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.common.errors import FieldViolation

ROLES = ("manager", "executor", "reviewer", "viewer")
CATEGORIES = ("planned", "active", "blocked", "done", "cancelled")


@dataclass(frozen=True)
class State:
    id: str
    display_name: str
    category: str


@dataclass(frozen=True)
class Transition:
    from_state: str
    to_state: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Workflow:
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial_state: str

    def state(self, state_id: str) -> State | None:
        return next((s for s in self.states if s.id == state_id), None)

    def allowed_roles(self, from_state: str, to_state: str) -> tuple[str, ...] | None:
        """Roles that may make the move, or None when the workflow has no such move."""
        for t in self.transitions:
            if t.from_state == from_state and t.to_state == to_state:
                return t.roles
        return None

    def moves_from(self, state_id: str) -> list[str]:
        return [t.to_state for t in self.transitions if t.from_state == state_id]

    def to_json(self) -> dict[str, Any]:
        return {
            "states": [s.__dict__ for s in self.states],
            "transitions": [
                {"from_state": t.from_state, "to_state": t.to_state, "roles": list(t.roles)}
                for t in self.transitions
            ],
            "initial_state": self.initial_state,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Workflow:
        return cls(
            states=tuple(State(**s) for s in data["states"]),
            transitions=tuple(
                Transition(t["from_state"], t["to_state"], tuple(t["roles"]))
                for t in data["transitions"]
            ),
            initial_state=data["initial_state"],
        )


def _default() -> Workflow:
    states = (
        State("draft", "Draft", "planned"),
        State("submitted", "Submitted", "planned"),
        State("in_review", "In review", "planned"),
        State("scheduled", "Scheduled", "planned"),
        State("in_progress", "In progress", "active"),
        State("in_acceptance", "In acceptance", "active"),
        State("done", "Done", "done"),
        State("blocked", "Blocked", "blocked"),
        State("cancelled", "Cancelled", "cancelled"),
    )
    work = ("manager", "executor")
    moves: list[Transition] = [
        Transition("draft", "submitted", work),
        Transition("submitted", "in_review", ("reviewer",)),
        Transition("submitted", "draft", work),
        Transition("in_review", "scheduled", ("reviewer",)),
        Transition("in_review", "draft", ("reviewer",)),
        Transition("scheduled", "in_progress", work),
        Transition("in_progress", "in_acceptance", work),
        Transition("in_acceptance", "done", ("reviewer",)),
        Transition("in_acceptance", "in_progress", ("reviewer",)),
        Transition("done", "in_progress", ("reviewer", "manager")),
    ]
    for s in ("draft", "submitted", "in_review", "scheduled", "in_progress", "in_acceptance"):
        moves.append(Transition(s, "cancelled", ("manager",)))
    # Only reviewed work can be blocked, and it leaves blocked for reviewed states only: a
    # path through blocked must never let an executor skip the review.
    for s in ("scheduled", "in_progress", "in_acceptance"):
        moves.append(Transition(s, "blocked", work))
    for s in ("scheduled", "in_progress"):
        moves.append(Transition("blocked", s, work))
    moves.append(Transition("blocked", "cancelled", ("manager",)))
    moves.append(Transition("cancelled", "draft", ("manager",)))
    return Workflow(states=states, transitions=tuple(moves), initial_state="draft")


DEFAULT = _default()


def check(workflow: Workflow, *, field: str = "workflow") -> list[FieldViolation]:
    """Everything wrong with a project's own workflow, each with its field path."""
    found: list[FieldViolation] = []
    ids = [s.id for s in workflow.states]
    if not 2 <= len(ids) <= 50:
        found.append(FieldViolation(f"{field}.states", "must have 2 to 50 states"))
    if len(set(ids)) != len(ids):
        found.append(FieldViolation(f"{field}.states", "state ids must be unique"))
    for i, s in enumerate(workflow.states):
        if not s.id or not s.id.replace("_", "").isalnum() or not s.id.islower() or len(s.id) > 40:
            found.append(
                FieldViolation(
                    f"{field}.states[{i}].id", "must be lower_snake_case, 1-40 characters"
                )
            )
        if s.category not in CATEGORIES:
            found.append(FieldViolation(f"{field}.states[{i}].category", "must be set"))
    if workflow.initial_state not in ids:
        found.append(FieldViolation(f"{field}.initial_state", "must be one of the states"))
    if not workflow.transitions:
        found.append(FieldViolation(f"{field}.transitions", "must not be empty"))
    for i, t in enumerate(workflow.transitions):
        if t.from_state not in ids:
            found.append(FieldViolation(f"{field}.transitions[{i}].from_state", "is not a state"))
        if t.to_state not in ids:
            found.append(FieldViolation(f"{field}.transitions[{i}].to_state", "is not a state"))
        if t.from_state == t.to_state:
            found.append(FieldViolation(f"{field}.transitions[{i}]", "must change the state"))
        if not t.roles or any(r not in ROLES for r in t.roles):
            found.append(
                FieldViolation(f"{field}.transitions[{i}].roles", "must name at least one role")
            )
    return found
