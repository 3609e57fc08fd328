"""Time in states, reopens and estimate changes replayed from a task's log, and training on them."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import numpy as np

from services.risk import timeline
from services.risk.convert import TaskRow
from services.risk.features import task_feature_matrix
from services.risk.model import train_risk_model
from services.risk.servicer import without_empty_columns
from services.risk.store import Graph, training_set
from services.risk.timeline import Change

CATS = {
    "draft": "planned",
    "submitted": "planned",
    "in_review": "planned",
    "in_progress": "active",
    "done": "done",
}
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


LOG = [
    Change(at(0), "", "draft"),
    Change(at(1), "draft", "in_review"),
    Change(at(3.5), "in_review", "in_progress"),
    Change(at(4), estimate_changed=True),
    Change(at(6), "in_progress", "done"),
    Change(at(7), "done", "in_progress"),
]


def test_time_in_each_state_counts_only_what_happened_by_then() -> None:
    early = timeline.so_far(LOG, at=at(2), categories=CATS)
    assert early.days_in_state == {"review": 1.0}
    assert (early.reopen_count, early.estimate_changes) == (0, 0)
    later = timeline.so_far(LOG, at=at(5), categories=CATS)
    assert later.days_in_state == {"review": 2.5, "executing": 1.5}
    assert later.estimate_changes == 1
    reopened = timeline.so_far(LOG, at=at(8), categories=CATS)
    assert reopened.days_in_state == {"review": 2.5, "executing": 3.5}
    assert reopened.reopen_count == 1


def test_the_log_order_does_not_matter() -> None:
    shuffled = list(reversed(LOG))
    assert timeline.so_far(shuffled, at=at(8), categories=CATS) == timeline.so_far(
        LOG, at=at(8), categories=CATS
    )


def test_prediction_points_stop_before_the_outcome_is_known() -> None:
    points = timeline.prediction_points(
        LOG, opened=T0, due=date(2026, 3, 6), finished=date(2026, 3, 8)
    )
    # Opening, the move into review and the move into progress; not the finish (6 March is the
    # due date: the move to done that day is when the outcome became known).
    assert points == [T0, at(1), at(3.5)]


def row(i: int, opened: date, due: date, finished: date) -> TaskRow:
    return TaskRow(
        task=f"projects/p/tasks/{i}",
        project="p",
        title=f"t{i}",
        state="done",
        category="done",
        priority="medium",
        assignee="",
        labels=(),
        estimate_hours=16.0,
        optimistic_hours=0.0,
        pessimistic_hours=0.0,
        planned_start=None,
        planned_end=None,
        due_date=due,
        opened_on=opened,
        started_on=None,
        finished_on=finished,
    )


def test_a_model_learns_from_time_spent_in_review() -> None:
    """Tasks that sat long in review ran late; only the history at the move out of review
    tells them apart, so the model needs those rows and the time-in-state features."""
    rng = random.Random(3)
    rows, logs = [], {}
    for i in range(400):
        opened = datetime(2025, 1, 6, 9, tzinfo=UTC) + timedelta(days=i)
        review = rng.uniform(0.5, 2) if rng.random() < 0.5 else rng.uniform(5, 8)
        late = review > 4 if rng.random() < 0.9 else review <= 4
        due = (opened + timedelta(days=14)).date()
        finished = due + timedelta(days=4) if late else due - timedelta(days=2)
        start = opened + timedelta(days=1)
        logs[f"projects/p/tasks/{i}"] = [
            Change(opened, "", "submitted"),
            Change(opened + timedelta(hours=2), "submitted", "in_review"),
            Change(start + timedelta(days=review), "in_review", "in_progress"),
            Change(datetime.combine(finished, T0.timetz()), "in_progress", "done"),
        ]
        rows.append(row(i, opened.date(), due, finished))
    data = training_set(rows, Graph({}, {}), {}, changes=logs, categories={"p": CATS})
    assert data.tasks == 400 and len(data.histories) == 1200  # opening, review, progress
    features = without_empty_columns(task_feature_matrix(data.histories))
    review_days = features.values[:, features.names.index("days_in_review")]
    assert np.count_nonzero(review_days) == 400  # only the move out of review has spent any
    model = train_risk_model(
        features=features, delay_days=data.delay_days, opened_day=data.opened_day, name="t"
    )
    assert "days_in_review" in model.version.feature_names
    # Two of three rows (opening, into review) cannot tell; the holdout mixes all three.
    assert model.version.holdout.auc > 0.65
    # Scored at the move out of review, long and short reviews come apart.
    at_move = np.arange(2, 1200, 3)
    p = model.predict([data.histories[i].task_id for i in at_move], features.rows(at_move))
    was_late = data.delay_days[at_move] > 0
    probability = np.array([x.p_late for x in p])
    assert probability[was_late].mean() > probability[~was_late].mean() + 0.4
