from __future__ import annotations

import grpc
import psycopg
import pytest
from planops.core.v1 import (
    actor_pb2,
    audit_service_pb2,
    person_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
    task_pb2,
    task_service_pb2,
)

from tests.conftest import CoreUnderTest
from tests.core.helpers import EXECUTOR, MANAGER, Client, count, refused

Code = grpc.StatusCode


async def test_every_mutation_is_audited_with_actor_and_before_after(
    core: CoreUnderTest,
) -> None:
    admin = Client(core)
    project = await admin.create_project("promo")
    ann = Client(core, await admin.add_person("ann", project="promo", roles=[MANAGER, EXECUTOR]))
    await admin.projects.UpdateProject(
        project_service_pb2.UpdateProjectRequest(
            project=project_pb2.Project(name="projects/promo", description="May"),
            update_mask={"paths": ["description"]},
        ),
        metadata=admin.md,
    )
    await admin.people.UpdatePerson(
        person_service_pb2.UpdatePersonRequest(
            person=person_pb2.Person(name="people/ann", aliases=["Annie"]),
            update_mask={"paths": ["aliases"]},
        ),
        metadata=admin.md,
    )
    first = await ann.create_task("promo", "Copy")
    second = await ann.create_task("promo", "Design")
    await ann.update_task(task_pb2.Task(name=first.name, title="Write copy"), "title")
    await ann.move(first.name, "submitted")
    dep = await ann.depend("promo", first.name, second.name)
    await ann.tasks.DeleteDependency(
        task_service_pb2.DeleteDependencyRequest(name=dep.name), metadata=ann.md
    )
    comment = await ann.tasks.CreateComment(
        task_service_pb2.CreateCommentRequest(
            parent=first.name, comment=task_pb2.Comment(body="draft ready")
        ),
        metadata=ann.md,
    )
    entry = await ann.tasks.CreateTimeEntry(
        task_service_pb2.CreateTimeEntryRequest(
            parent=first.name, time_entry=task_pb2.TimeEntry(work_date="2026-05-04", hours=2)
        ),
        metadata=ann.md,
    )
    iteration = await ann.projects.CreateIteration(
        project_service_pb2.CreateIterationRequest(
            parent="projects/promo",
            iteration=project_pb2.Iteration(
                display_name="S1", start_date="2026-05-04", end_date="2026-05-08"
            ),
        ),
        metadata=ann.md,
    )
    await ann.tasks.DeleteTask(
        task_service_pb2.DeleteTaskRequest(name=second.name), metadata=ann.md
    )

    entries = await admin.audit_entries()
    by_key = {(e.resource, e.action): e for e in entries}
    expected = {
        ("projects/promo", "create", "services/admin"),
        ("projects/promo/memberships/services/admin", "create", "services/admin"),
        ("people/ann", "create", "services/admin"),
        ("projects/promo/memberships/people/ann", "create", "services/admin"),
        ("projects/promo", "update", "services/admin"),
        ("people/ann", "update", "services/admin"),
        (first.name, "create", "people/ann"),
        (second.name, "create", "people/ann"),
        (first.name, "update", "people/ann"),
        (first.name, "transition", "people/ann"),
        (dep.name, "create", "people/ann"),
        (dep.name, "delete", "people/ann"),
        (comment.comment.name, "create", "people/ann"),
        (entry.time_entry.name, "create", "people/ann"),
        (iteration.iteration.name, "create", "people/ann"),
        (second.name, "delete", "people/ann"),
    }
    for resource, action, actor in expected:
        assert (resource, action) in by_key, f"no audit entry for {action} of {resource}"
        assert by_key[resource, action].actor.id == actor
    api_key_creates = [e for e in entries if e.resource.startswith("apiKeys/")]
    assert [e.action for e in api_key_creates] == ["create"]
    assert len(entries) == len(expected) + 1 + 2, "templates seeded at start are audited too"

    created = by_key[first.name, "create"]
    assert created.actor.type == actor_pb2.ACTOR_TYPE_USER
    assert created.project == "projects/promo"
    assert created.method == "/planops.core.v1.TaskService/CreateTask"
    assert not created.HasField("before")
    assert created.after["title"] == "Copy"
    updated = by_key[first.name, "update"]
    assert (updated.before["title"], updated.after["title"]) == ("Copy", "Write copy")
    moved = by_key[first.name, "transition"]
    assert (moved.before["state"], moved.after["state"]) == ("draft", "submitted")
    deleted = by_key[second.name, "delete"]
    assert deleted.before["title"] == "Design"
    assert not deleted.HasField("after")
    project_update = by_key["projects/promo", "update"]
    assert project_update.actor.type == actor_pb2.ACTOR_TYPE_SERVICE
    assert "description" not in project_update.before
    assert project_update.after["description"] == "May"
    assert project.etag != project_update.after["etag"]

    seeded = [e for e in entries if e.resource.startswith("templates/")]
    assert {e.actor.type for e in seeded} == {actor_pb2.ACTOR_TYPE_SYSTEM}


async def test_audit_filters_and_access(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    await admin.create_project("other")
    ann = Client(core, await admin.add_person("ann", project="promo", roles=[EXECUTOR]))
    task = await ann.create_task("promo", "Copy")
    await ann.update_task(task_pb2.Task(name=task.name, title="Copy v2"), "title")
    await admin.create_task("other", "Elsewhere")

    mine = await ann.audit_entries(project="projects/promo", actor="people/ann")
    assert [(e.resource, e.action) for e in mine] == [
        (task.name, "update"),
        (task.name, "create"),
    ], "newest first"
    assert {e.project for e in await ann.audit_entries(project="projects/promo")} == {
        "projects/promo"
    }
    assert [
        e.action for e in await ann.audit_entries(project="projects/promo", resource=task.name)
    ] == [
        "update",
        "create",
    ]
    assert [
        e.resource for e in await admin.audit_entries(project="projects/promo", action="update")
    ] == [task.name]
    paged = await admin.audit.ListAuditEntries(
        audit_service_pb2.ListAuditEntriesRequest(page_size=2), metadata=admin.md
    )
    assert len(paged.entries) == 2 and paged.next_page_token
    everything = await admin.audit_entries()
    names = [e.name for e in everything]
    assert len(set(names)) == len(names)
    assert names[:2] == [e.name for e in paged.entries]

    await refused(ann.audit_entries(), Code.PERMISSION_DENIED)
    await refused(ann.audit_entries(project="projects/other"), Code.PERMISSION_DENIED)


async def test_database_refuses_to_change_the_audit_log(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    before = await count(core, "SELECT count(*) FROM core.audit_log")
    assert before > 0
    async with await psycopg.AsyncConnection.connect(core.database_url, autocommit=True) as conn:
        for statement in (
            "UPDATE core.audit_log SET action = 'forged'",
            "DELETE FROM core.audit_log",
            "TRUNCATE core.audit_log",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                await conn.execute(statement)
    assert await count(core, "SELECT count(*) FROM core.audit_log") == before
    assert await count(core, "SELECT count(*) FROM core.audit_log WHERE action = 'forged'") == 0
    entries = await c.audit_entries(resource="projects/promo")
    assert {e.action for e in entries} == {"create"}
