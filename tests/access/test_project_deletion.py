"""Deleting a project reaches every service (#13 finding 1): what nlp, the planner, risk and
automation kept of it goes, through core's `project.deleted` event, and another project's
data stays. The id itself is retired by core (tests/core/test_projects.py)."""

from __future__ import annotations

import time
from collections.abc import Callable

from planops.core.v1 import events_pb2, project_pb2, project_service_pb2, task_service_pb2

from services.common.project_deletions import deleted_project
from tests.fuzz.stack import Database, Running
from tests.fuzz.world import build, ok

# (table, the column naming the project, how the column names it)
KEPT = (
    ("nlp.notes", "project_id", "{}"),
    ("planner.proposals", "project_id", "{}"),
    ("automation.webhooks", "project", "{}"),
    ("automation.deliveries", "project", "{}"),
    ("automation.rules", "project", "{}"),
    ("automation.rule_revisions", "project", "{}"),
    ("automation.tasks", "project", "{}"),
    ("risk.tasks", "project", "{}"),
    ("risk.task_changes", "split_part(task, '/', 2)", "{}"),
    ("risk.dependencies", "project", "{}"),
)


def held(db: Database, project: str) -> dict[str, int]:
    return {
        table: int(db.scalar(f"SELECT count(*) FROM {table} WHERE {column} = %s", project))
        for table, column, _ in KEPT
    }


def wait_for(check: Callable[[], bool], *, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)


def test_deleting_a_project_purges_what_every_service_kept_of_it(running: Running) -> None:
    stack, db = running.stack, running.db
    world = build(stack, proposal=True, notes=True, automation=True)
    a, b = (p.removeprefix("projects/") for p in (world.a, world.b))
    # A move gives risk's history of moves something to hold.
    ok(
        stack,
        "TaskService.TransitionTask",
        task_service_pb2.TransitionTaskRequest(name=world.tasks[0], to_state="submitted"),
    )
    # Risk and automation learn of the tasks from events.
    wait_for(lambda: all(held(db, a).values()))
    kept_by_b = held(db, b)

    ok(
        stack,
        "ProjectService.DeleteProject",
        project_service_pb2.DeleteProjectRequest(name=world.a, force=True),
    )

    wait_for(lambda: not any(held(db, a).values()))
    assert (
        db.scalar(
            "SELECT count(*) FROM nlp.action_items i JOIN nlp.notes n ON n.id = i.notes_id"
            " WHERE n.project_id = %s",
            a,
        )
        == 0
    )
    assert (
        db.scalar(
            "SELECT count(*) FROM automation.delivery_attempts t JOIN automation.deliveries d"
            " ON d.id = t.delivery_id WHERE d.project = %s",
            a,
        )
        == 0
    )
    # The other project keeps everything it had.
    assert {t: n for t, n in held(db, b).items() if n} == {t: n for t, n in kept_by_b.items() if n}


def test_only_a_project_deleted_event_that_names_one_project_purges() -> None:
    def event(**fields: object) -> bytes:
        e = events_pb2.ChangeEvent(id="e1", type="project.deleted", **fields)  # type: ignore[arg-type]
        return e.SerializeToString()

    resource = project_pb2.Project(name="projects/promo")
    assert (
        deleted_project(
            event(aggregate="projects/promo", project="projects/promo", project_resource=resource)
        )
        == "promo"
    )
    # A forged event naming one project and deleting another is nobody's deletion.
    assert (
        deleted_project(
            event(aggregate="projects/other", project="projects/other", project_resource=resource)
        )
        is None
    )
    assert deleted_project(event(aggregate="projects/a/tasks/1", project="projects/a")) is None
    updated = events_pb2.ChangeEvent(
        type="project.updated",
        aggregate="projects/promo",
        project="projects/promo",
        project_resource=resource,
    )
    assert deleted_project(updated.SerializeToString()) is None
    assert deleted_project(b"\xff\xff not a protobuf") is None
