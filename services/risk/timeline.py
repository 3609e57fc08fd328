"""A task's workflow moves and estimate changes, replayed to any moment.

Risk logs each move (`task.transitioned`, and the creation) and each change of the estimate
or planned dates as it consumes core's events. From that log, `so_far` tells the time spent
in each workflow state, the reopen count and the estimate changes as they stood at any
moment, so training can see a finished task as it was while still open (`prediction_points`)
and scoring sees an open task as it is now, the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

# The default workflow's states as the feature names call them; other workflows map by category.
STATE_FEATURE = {
    "submitted": "submitted",
    "in_review": "review",
    "scheduled": "scheduled",
    "in_progress": "executing",
    "blocked": "blocked",
    "in_acceptance": "accepted",
}
CATEGORY_FEATURE = {"active": "executing", "blocked": "blocked"}
FINISHED = ("done", "cancelled")
# At most this many moments of one finished task become training rows.
MAX_POINTS = 6


@dataclass(frozen=True)
class Change:
    """One entry of a task's log: a move between states, or a changed estimate."""

    time: datetime
    from_state: str = ""
    to_state: str = ""
    estimate_changed: bool = False

    @property
    def is_move(self) -> bool:
        return bool(self.to_state)


@dataclass(frozen=True)
class SoFar:
    """The history features of a task at one moment."""

    days_in_state: Mapping[str, float] = field(default_factory=dict)
    reopen_count: int = 0
    estimate_changes: int = 0


def state_feature(state: str, category: str) -> str:
    """The `days_in_*` feature a state counts towards ('' for none, e.g. draft or done)."""
    return STATE_FEATURE.get(state) or CATEGORY_FEATURE.get(category, "")


def so_far(changes: Sequence[Change], *, at: datetime, categories: Mapping[str, str]) -> SoFar:
    """Days spent in each state (the current one up to `at`), reopens (a move out of a done
    state into an open one) and estimate changes, counting only what happened by `at`."""
    spent: dict[str, float] = {}
    reopens = 0
    estimates = 0
    state = ""
    since: datetime | None = None

    def accrue(until: datetime) -> None:
        if state and since is not None and until > since:
            feature = state_feature(state, categories.get(state, ""))
            if feature:
                spent[feature] = spent.get(feature, 0.0) + (until - since).total_seconds() / 86400

    for change in sorted(changes, key=lambda c: c.time):
        if change.time > at:
            break
        if change.estimate_changed:
            estimates += 1
        if not change.is_move:
            continue
        accrue(change.time)
        if categories.get(change.from_state) == "done" and (
            categories.get(change.to_state, "planned") not in FINISHED
        ):
            reopens += 1
        state, since = change.to_state, change.time
    accrue(at)
    return SoFar(spent, reopens, estimates)


def prediction_points(
    changes: Sequence[Change], *, opened: datetime, due: date, finished: date
) -> list[datetime]:
    """Moments at which a finished task can be seen as an open one whose outcome was not yet
    known: its opening, then each later move made before it finished and by its due date
    (spread evenly when there are more than `MAX_POINTS`)."""
    moves = sorted(
        {
            c.time
            for c in changes
            if c.is_move
            and c.from_state
            and c.time > opened
            and c.time.date() < finished
            and c.time.date() <= due
        }
    )
    if len(moves) > MAX_POINTS - 1:
        step = len(moves) / (MAX_POINTS - 1)
        moves = [moves[int(i * step)] for i in range(MAX_POINTS - 1)]
    return [opened, *moves]
