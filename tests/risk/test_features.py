from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from services.common.workcal import WorkingCalendar
from services.risk.features import (
    TASK_FEATURE_NAMES,
    FeatureMatrix,
    TaskHistory,
    fit_vocabulary,
    jira_feature_matrix,
    task_feature_matrix,
    task_features,
    task_outcome,
)
from services.risk.jira import from_rows

from .test_jira import row


def feature(task: TaskHistory, name: str) -> float:
    return float(task_features(task)[TASK_FEATURE_NAMES.index(name)])


def test_names_are_unique_and_match_the_vector() -> None:
    task = TaskHistory("T-1", "P", opened_on=date(2025, 1, 1), as_of=date(2025, 1, 1))
    assert len(set(TASK_FEATURE_NAMES)) == len(TASK_FEATURE_NAMES)
    assert task_features(task).shape == (len(TASK_FEATURE_NAMES),)


def test_a_bare_new_task_has_nan_only_where_unknown() -> None:
    task = TaskHistory("T-1", "P", opened_on=date(2025, 1, 1), as_of=date(2025, 1, 1))
    vector = task_features(task)
    unknown = {TASK_FEATURE_NAMES[i] for i in np.flatnonzero(np.isnan(vector))}
    assert unknown == {
        "planned_days",
        "days_to_due",
        "elapsed_over_planned",
        "assignee_late_share",
        "assignee_overrun_ratio",
    }


def test_zero_plan_does_not_divide_by_zero() -> None:
    task = TaskHistory(
        "T-1",
        "P",
        opened_on=date(2025, 1, 1),
        as_of=date(2025, 1, 5),
        planned_days=0.0,
        started_on=date(2025, 1, 2),
    )
    assert np.isnan(feature(task, "elapsed_over_planned"))
    assert feature(task, "days_started") == 1  # Thursday to Sunday: one working day, Friday


def test_overdue_task_has_negative_days_to_due() -> None:
    task = TaskHistory(
        "T-1", "P", opened_on=date(2025, 1, 1), as_of=date(2025, 1, 10), due_on=date(2025, 1, 8)
    )
    assert feature(task, "days_to_due") == -2


def test_unknown_priority_and_state_and_labels() -> None:
    task = TaskHistory(
        "T-1",
        "P",
        opened_on=date(2025, 1, 1),
        as_of=date(2025, 1, 1),
        priority="P0-urgent",
        days_in_state={"review": 2.5, "limbo": 9.0},
        labels=("Backend", "backend ", "ux"),
    )
    assert np.isnan(feature(task, "priority_rank"))
    assert feature(task, "days_in_review") == 2.5
    assert feature(task, "label_count") == 3
    buckets = [feature(task, f"label_bucket_{i}") for i in range(8)]
    assert sum(buckets) == 3 and max(buckets) >= 2  # case and spaces do not split a label


def test_outcome_only_for_finished_tasks_with_due_dates() -> None:
    open_task = TaskHistory(
        "T", "P", opened_on=date(2025, 1, 1), as_of=date(2025, 1, 1), due_on=date(2025, 1, 9)
    )
    early = TaskHistory(
        "T",
        "P",
        opened_on=date(2025, 1, 1),
        as_of=date(2025, 1, 1),
        due_on=date(2025, 1, 9),
        finished_on=date(2025, 1, 3),
    )
    late = TaskHistory(
        "T",
        "P",
        opened_on=date(2025, 1, 1),
        as_of=date(2025, 1, 1),
        due_on=date(2025, 1, 9),
        finished_on=date(2025, 1, 12),
    )
    assert task_outcome(open_task) is None
    assert task_outcome(early) == (False, 0.0)
    # Due Thursday, finished Sunday: one working day late (Friday), not three.
    assert task_outcome(late) == (True, 1.0)
    # On a calendar where that Friday is a day off, finishing on the weekend is still late.
    friday_off = WorkingCalendar(days_off=frozenset({date(2025, 1, 10)}))
    assert task_outcome(replace(late, calendar=friday_off)) == (True, 1.0)
    monday = replace(late, finished_on=date(2025, 1, 13), calendar=friday_off)
    assert task_outcome(monday) == (True, 1.0)
    assert task_outcome(replace(monday, calendar=WorkingCalendar())) == (True, 2.0)


def test_empty_batch_gives_an_empty_matrix() -> None:
    matrix = task_feature_matrix([])
    assert matrix.values.shape == (0, len(TASK_FEATURE_NAMES))


def test_matrix_rejects_mismatched_names() -> None:
    with pytest.raises(ValueError):
        FeatureMatrix(np.zeros((2, 3)), ("a", "b"))


def test_jira_features_look_back_only_and_drop_remaining_day() -> None:
    rows = [
        row("ABC-1", "2015-01-01", remaining=10),
        row("ABC-2", "2015-01-01", remaining=10),
        row("XY-7", "2015-01-03", remaining=8),
        row("ABC-3", "2015-01-05", remaining=6, type_="Epic", priority="Weird"),
    ]
    issues = from_rows(rows, project="p", prediction_time="creation")
    vocabulary = fit_vocabulary(issues.take(slice(0, 3)), min_count=1)
    with_rd = jira_feature_matrix(issues, vocabulary, with_remaining_day=True)
    without = jira_feature_matrix(issues, vocabulary, with_remaining_day=False)
    assert "RemainingDay" in with_rd.names and "due_group_size" in with_rd.names
    assert "RemainingDay" not in without.names and "due_group_size" not in without.names

    def col(name: str) -> list[float]:
        return [float(v) for v in with_rd.values[:, with_rd.names.index(name)]]

    # All four share the due date 2015-01-11; each sees only itself and earlier ones.
    assert col("due_group_size") == [1, 2, 3, 4]
    assert col("due_group_age_days") == [0, 0, 2, 4]
    assert col("opened_same_day_before") == [0, 1, 0, 0]
    assert col("component_gap_days")[:2] == [pytest.approx(np.nan, nan_ok=True), 0]
    assert col("component_gap_days")[3] == 4
    assert col("key_number_relative") == [1.0, 1.0, 1.0, 1.0]
    # An unseen type falls into the "other" code, not a new code.
    assert col("type")[3] == vocabulary.types.index("<other>")
    assert np.isnan(col("priority_rank")[3])


def test_the_assignees_experience_stops_counting_so_it_does_not_stand_in_for_the_date() -> None:
    # Uncapped, a new task's count lies beyond every training value (it only grows), and
    # the demo's model read "finished many tasks before" as "less likely late".
    task = TaskHistory("T-1", "P", opened_on=date(2025, 1, 1), as_of=date(2025, 1, 1))
    counts = [
        feature(replace(task, assignee_finished_tasks=n), "assignee_finished_tasks")
        for n in (0, 5, 20, 21, 400)
    ]
    assert counts == [0, 5, 20, 20, 20]
