"""Task rules without a server: tasks.py, the proto reading around it and the list orders."""

from __future__ import annotations

import datetime as dt

import pytest
from planops.core.v1 import task_pb2, task_service_pb2

from services.common.errors import InvalidArgument
from services.core import convert, task_store, tasks
from services.core.task_servicer import checked_dependency
from services.core.validate import Checks
from services.core.workflow import DEFAULT

NOW = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)


def test_stored_priorities_and_sources_are_the_api_enums() -> None:
    # The database stores the API's numbers: a value added to one and not the other would be
    # refused on the way in or unreadable on the way out.
    assert set(task_pb2.Priority.values()) == tasks.PRIORITIES
    assert set(task_pb2.TaskSource.values()) == tasks.SOURCES
    assert set(convert.TASK_ORDERS) == set(task_service_pb2.TaskOrder.values())


def test_values_default_and_refuse_by_field() -> None:
    checks = Checks()
    found = tasks.values(
        tasks.TaskFields(title="  Brief  ", labels=["ads", "ads"]),
        checks,
        field="task",
        project="promo",
    )
    assert checks.found == []
    assert found["title"] == "Brief"
    assert found["priority"] == task_pb2.PRIORITY_MEDIUM
    assert found["source"] == task_pb2.TASK_SOURCE_MANUAL
    assert found["labels"] == ["ads"]

    checks = Checks()
    tasks.values(
        tasks.TaskFields(
            title="",
            priority=9,
            optimistic_hours=5,
            pessimistic_hours=2,
            planned_start="2026-03-10",
            planned_end="2026-03-09",
            parent="projects/other/tasks/3",
        ),
        checks,
        field="requests[2].task",
        project="promo",
    )
    assert {v.field for v in checks.found} == {
        "requests[2].task.title",
        "requests[2].task.priority",
        "requests[2].task.optimistic_hours",
        "requests[2].task.planned_end",
        "requests[2].task.parent",
    }


def test_past_work_is_finished_dated_and_not_in_the_future() -> None:
    past = tasks.PastWork(
        state="",
        open_time=NOW - dt.timedelta(days=9),
        actual_start=NOW - dt.timedelta(days=8),
        actual_end=NOW - dt.timedelta(days=1),
    )
    checks = Checks()
    state, extra = tasks.past_values(
        past, checks, source=tasks.Source.IMPORT, field="", flow=DEFAULT, now=NOW
    )
    assert checks.found == []
    assert state == "done"
    assert extra["create_time"] == past.open_time

    checks = Checks()
    tasks.past_values(
        tasks.PastWork(
            state="in_progress",
            open_time=NOW - dt.timedelta(days=2),
            actual_start=NOW - dt.timedelta(days=3),
            actual_end=NOW + dt.timedelta(days=1),
        ),
        checks,
        source=tasks.Source.MANUAL,
        field="requests[0].",
        flow=DEFAULT,
        now=NOW,
    )
    assert {v.field for v in checks.found} == {
        "requests[0].task.source",
        "requests[0].past.state",
        "requests[0].past.actual_start",
        "requests[0].past.actual_end",
    }
    assert tasks.past_values(None, Checks(), source=0, field="", flow=DEFAULT, now=NOW) == (
        "draft",
        {},
    )


def test_past_work_read_from_a_request_names_missing_moments() -> None:
    request = task_service_pb2.CreateTaskRequest(past=task_service_pb2.PastWork(state="done"))
    checks = Checks()
    past = convert.past_work(request, checks, field="requests[1].")
    assert past is not None and past.open_time is None
    assert {v.field for v in checks.found} == {
        "requests[1].past.open_time",
        "requests[1].past.actual_end",
    }
    assert convert.past_work(task_service_pb2.CreateTaskRequest(), Checks(), field="") is None


def test_a_dependency_request_is_checked_whole() -> None:
    new = checked_dependency(
        task_service_pb2.CreateDependencyRequest(
            parent="projects/promo",
            dependency=task_pb2.Dependency(
                predecessor="projects/promo/tasks/1", successor="projects/promo/tasks/2"
            ),
        )
    )
    assert (new.project, new.predecessor, new.successor) == ("promo", 1, 2)
    with pytest.raises(InvalidArgument) as refused:
        checked_dependency(
            task_service_pb2.CreateDependencyRequest(
                parent="projects/promo",
                dependency=task_pb2.Dependency(
                    predecessor="projects/other/tasks/1",
                    successor="",
                    type=99,  # type: ignore[arg-type]
                    lag_days=400,
                ),
            )
        )
    assert {v.field for v in refused.value.violations} == {
        "dependency.predecessor",
        "dependency.successor",
        "dependency.type",
        "dependency.lag_days",
    }


def test_each_order_pages_by_the_key_its_condition_reads() -> None:
    row = task_store.TaskRow(
        id=7,
        project_id="promo",
        title="t",
        description="",
        state="draft",
        priority=3,
        assignee=None,
        required_skills=[],
        estimate_hours=0,
        optimistic_hours=0,
        pessimistic_hours=0,
        planned_start=None,
        planned_end=None,
        due_date=None,
        actual_start=None,
        actual_end=None,
        parent_id=None,
        labels=[],
        source=1,
        source_ref="",
        iteration_id=None,
        locked=False,
        splittable=False,
        staffing={},
        crew=[],
        version=1,
        create_time=NOW,
        update_time=NOW,
    )
    for order in tasks.Order:
        key = task_store.sort_key(order, row)
        # The key decodes with its order's shape, and fills its condition's placeholders.
        assert [part(value) for part, value in zip(task_store.KEY_SHAPES[order], key, strict=True)]
        condition = task_store.ORDERS[order][1]
        assert condition.count("%s") == len(task_store.keyset_params(order, key))
    assert task_store.sort_key(tasks.Order.DUE_DATE, row) == ["infinity", 7]
