"""The demo's data and its history generator, without servers."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from planops.core.v1 import project_pb2

from services.cli import demo
from services.cli.demo_data import MAINTENANCE, OPERATIONS, PROMO, SPARE_PEOPLE
from services.core.workflow import DEFAULT

TODAY = date(2026, 11, 27)


def test_each_operation_is_a_realistic_size_with_known_people_and_acyclic_dependencies() -> None:
    for operation in OPERATIONS:
        keys = [t.key for t in operation.tasks]
        people = {p.id for p in operation.people}
        assert len(keys) == len(set(keys)) >= 40
        assert 8 <= len(operation.people) <= 12
        assert all(t.assignee in people for t in operation.tasks)
        assert all(a in keys for t in operation.tasks for a in t.after)
        order = {k: i for i, k in enumerate(keys)}  # predecessors come first: no cycles
        assert all(order[a] < order[t.key] for t in operation.tasks for a in t.after)
        assert {n.language for n in operation.notes} == {"en", "zh"}
    assert not {p.id for p in SPARE_PEOPLE} & {p.id for o in OPERATIONS for p in o.people}


def test_the_maintenance_flow_runs_from_fault_report_to_acceptance() -> None:
    labels = [t.label for t in MAINTENANCE.tasks[:5]]
    assert labels == ["fault-report", "work-order", "parts", "repair", "acceptance"]
    shifts = {p.working_days for p in MAINTENANCE.people}
    assert len(shifts) >= 3


def test_history_is_reproducible_finished_before_today_and_partly_late() -> None:
    first = demo.history(PROMO, today=TODAY, runs=12)
    again = demo.history(PROMO, today=TODAY, runs=12)
    assert first == again
    assert len(first) >= 200
    assert all(t.finished < TODAY and t.opened <= t.finished for t in first)
    assert min(t.opened for t in first) < date(2026, 1, 1)
    late = sum(1 for t in first if t.due and t.finished > t.due) / len(first)
    assert 0.2 < late < 0.6


def test_history_lateness_follows_the_person() -> None:
    past = demo.history(PROMO, today=TODAY, runs=12)
    by = {p.id: p.slip for p in PROMO.people}

    def late_share(person: str) -> float:
        mine = [t for t in past if t.assignee == f"people/{person}"]
        return sum(1 for t in mine if t.due and t.finished > t.due) / len(mine)

    reliable = min(by, key=lambda p: by[p])
    slow = max(by, key=lambda p: by[p])
    assert late_share(slow) > late_share(reliable) + 0.2


def test_path_to_walks_the_default_workflow() -> None:
    workflow = project_pb2.Workflow(
        initial_state=DEFAULT.initial_state,
        transitions=[
            project_pb2.WorkflowTransition(from_state=t.from_state, to_state=t.to_state)
            for t in DEFAULT.transitions
        ],
    )
    assert demo.path_to(workflow, "draft", "done") == [
        "submitted",
        "in_review",
        "scheduled",
        "in_progress",
        "in_acceptance",
        "done",
    ]
    assert demo.path_to(workflow, "draft", "draft") == []
    assert demo.path_to(workflow, "draft", "archived") == []


def test_live_states_follow_the_plan_against_today() -> None:
    states = [demo.live_state(t, offset_today=0, index=i) for i, t in enumerate(PROMO.tasks)]
    assert states[0] == "done"  # the brief was written weeks ago
    assert states[-1] in ("submitted", "in_review", "draft", "scheduled")
    assert {"done", "in_progress", "scheduled", "draft"} <= set(states)


def test_every_live_task_falls_in_one_iteration() -> None:
    for operation in OPERATIONS:
        names = [f"{operation.id}/iterations/{n}" for n in range(len(operation.iterations))]
        spans = [(first, last) for _, first, last in operation.iterations]
        assert all(a[1] < b[0] for a, b in pairwise(spans))
        assert all(0 <= last - first <= 27 for first, last in spans)  # core's time box
        for task in operation.tasks:
            assert demo._iteration_of(task, operation, names) in names


def test_a_rounds_plan_keeps_to_working_days_and_its_dependencies() -> None:
    for operation in OPERATIONS:
        # A round across Spring Festival 2027 (6-13 February, with make-up Saturdays).
        planned = demo.round_plan(operation, deadline=date(2027, 2, 20))
        for task in operation.tasks:
            start, end = planned[task.key]
            assert demo.CALENDAR.is_working_day(start) and demo.CALENDAR.is_working_day(end)
            assert demo.CALENDAR.working_days_between(start, end) == max(1, task.days)
            assert all(planned[b][1] < start for b in task.after), task.key
