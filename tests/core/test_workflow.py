from __future__ import annotations

import grpc
from google.protobuf import field_mask_pb2
from planops.core.v1 import actor_pb2, project_pb2, project_service_pb2, task_service_pb2

from services.common.errors import reason_of
from tests.conftest import CoreUnderTest
from tests.core.helpers import (
    EXECUTOR,
    MANAGER,
    REVIEWER,
    VIEWER,
    Client,
    invalid_fields,
    refused,
)

Code = grpc.StatusCode


async def test_default_flow_is_guarded_by_role(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("repair")
    ann = Client(core, await admin.add_person("ann", project="repair", roles=[EXECUTOR]))
    rita = Client(core, await admin.add_person("rita", project="repair", roles=[REVIEWER]))
    max_ = Client(core, await admin.add_person("max", project="repair", roles=[MANAGER]))
    vic = Client(core, await admin.add_person("vic", project="repair", roles=[VIEWER]))
    task = await ann.create_task("repair", "Replace bearing", assignee="people/ann")
    name = task.name
    assert task.state == "draft"

    async def denied(client: Client, to_state: str) -> None:
        error = await refused(client.move(name, to_state), Code.PERMISSION_DENIED)
        assert reason_of(error) == "ROLE_REQUIRED"

    async def not_in_flow(client: Client, to_state: str) -> str:
        error = await refused(client.move(name, to_state), Code.FAILED_PRECONDITION)
        assert reason_of(error) == "TRANSITION_NOT_ALLOWED"
        return error.details() or ""

    assert "submitted" in await not_in_flow(ann, "done")
    await denied(vic, "submitted")
    assert (await ann.move(name, "submitted")).state == "submitted"
    await denied(ann, "in_review")
    await denied(max_, "in_review")
    assert (await rita.move(name, "in_review")).state == "in_review"
    await denied(ann, "scheduled")
    await denied(ann, "draft")
    await not_in_flow(rita, "in_progress")
    assert (await rita.move(name, "scheduled")).state == "scheduled"
    started = await ann.move(name, "in_progress")
    assert started.state == "in_progress"
    assert started.HasField("actual_start")
    assert not started.HasField("actual_end")
    assert (await ann.move(name, "blocked")).state == "blocked"
    assert (await ann.move(name, "in_progress")).actual_start == started.actual_start
    assert (await ann.move(name, "in_acceptance")).state == "in_acceptance"
    await denied(ann, "done")
    await denied(max_, "done")
    assert (await rita.move(name, "in_progress")).state == "in_progress"
    await ann.move(name, "in_acceptance")
    done = await rita.move(name, "done")
    assert done.state == "done"
    assert done.HasField("actual_end")
    await not_in_flow(rita, "cancelled")
    await denied(ann, "in_progress")
    reopened = await max_.move(name, "in_progress")
    assert not reopened.HasField("actual_end")

    error = await refused(ann.move(name, "scheduled", etag=task.etag), Code.ABORTED)
    assert reason_of(error) == "ETAG_MISMATCH"
    assert await invalid_fields(ann.move(name, "finished")) == {"to_state"}
    assert await invalid_fields(ann.move(name, "")) == {"to_state"}
    await refused(ann.move("projects/repair/tasks/999", "blocked"), Code.NOT_FOUND)

    await denied(ann, "cancelled")
    cancelled = await max_.move(name, "cancelled", etag=reopened.etag)
    assert cancelled.state == "cancelled"
    assert cancelled.HasField("actual_end")
    assert (await admin.get_task(name)).state == "cancelled"

    history = await vic.tasks.ListTaskTransitions(
        task_service_pb2.ListTaskTransitionsRequest(parent=name), metadata=vic.md
    )
    moves = [(t.from_state, t.to_state, t.actor.id) for t in history.transitions]
    assert moves == [
        ("", "draft", "people/ann"),
        ("draft", "submitted", "people/ann"),
        ("submitted", "in_review", "people/rita"),
        ("in_review", "scheduled", "people/rita"),
        ("scheduled", "in_progress", "people/ann"),
        ("in_progress", "blocked", "people/ann"),
        ("blocked", "in_progress", "people/ann"),
        ("in_progress", "in_acceptance", "people/ann"),
        ("in_acceptance", "in_progress", "people/rita"),
        ("in_progress", "in_acceptance", "people/ann"),
        ("in_acceptance", "done", "people/rita"),
        ("done", "in_progress", "people/max"),
        ("in_progress", "cancelled", "people/max"),
    ]
    assert all(t.actor.type == actor_pb2.ACTOR_TYPE_USER for t in history.transitions)


async def test_transition_comment_is_kept(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("repair")
    task = await c.create_task("repair", "Fix it")
    await c.tasks.TransitionTask(
        task_service_pb2.TransitionTaskRequest(
            name=task.name, to_state="cancelled", comment="duplicate of the pump ticket"
        ),
        metadata=c.md,
    )
    history = await c.tasks.ListTaskTransitions(
        task_service_pb2.ListTaskTransitionsRequest(parent=task.name), metadata=c.md
    )
    assert [t.comment for t in history.transitions][-1] == "duplicate of the pump ticket"
    assert history.transitions[-1].actor.type == actor_pb2.ACTOR_TYPE_SERVICE


def kanban() -> project_pb2.Workflow:
    P = project_pb2
    return P.Workflow(
        states=[
            P.WorkflowState(id="todo", display_name="To do", category=P.STATE_CATEGORY_PLANNED),
            P.WorkflowState(id="doing", display_name="Doing", category=P.STATE_CATEGORY_ACTIVE),
            P.WorkflowState(id="shipped", display_name="Shipped", category=P.STATE_CATEGORY_DONE),
        ],
        transitions=[
            P.WorkflowTransition(from_state="todo", to_state="doing", roles=[EXECUTOR, MANAGER]),
            P.WorkflowTransition(from_state="doing", to_state="shipped", roles=[MANAGER]),
        ],
        initial_state="todo",
    )


async def test_project_defined_workflow(core: CoreUnderTest) -> None:
    admin = Client(core)
    project = await admin.create_project("kanban", workflow=kanban())
    assert [s.id for s in project.workflow.states] == ["todo", "doing", "shipped"]
    ann = Client(core, await admin.add_person("ann", project="kanban", roles=[EXECUTOR]))
    task = await ann.create_task("kanban", "Ship it", assignee="people/ann")
    assert task.state == "todo"
    assert await invalid_fields(ann.move(task.name, "submitted")) == {"to_state"}
    doing = await ann.move(task.name, "doing")
    assert doing.state == "doing"
    assert doing.HasField("actual_start")
    await refused(ann.move(task.name, "todo"), Code.FAILED_PRECONDITION)
    await refused(ann.move(task.name, "shipped"), Code.PERMISSION_DENIED)
    shipped = await admin.move(task.name, "shipped")
    assert shipped.HasField("actual_end")

    # A new workflow may not drop a state that tasks are in.
    dropped = kanban()
    del dropped.states[2]
    del dropped.transitions[1]
    error = await refused(
        admin.projects.UpdateProject(
            project_service_pb2.UpdateProjectRequest(
                project=project_pb2.Project(name="projects/kanban", workflow=dropped),
                update_mask=field_mask_pb2.FieldMask(paths=["workflow"]),
            ),
            metadata=admin.md,
        ),
        Code.FAILED_PRECONDITION,
    )
    assert "shipped" in (error.details() or "")

    # A workflow that keeps the states in use may replace the old one.
    extended = kanban()
    extended.states.add(id="archived", category=project_pb2.STATE_CATEGORY_DONE)
    extended.transitions.add(from_state="shipped", to_state="archived", roles=[MANAGER])
    await admin.projects.UpdateProject(
        project_service_pb2.UpdateProjectRequest(
            project=project_pb2.Project(name="projects/kanban", workflow=extended),
            update_mask=field_mask_pb2.FieldMask(paths=["workflow"]),
        ),
        metadata=admin.md,
    )
    assert (await admin.move(task.name, "archived")).state == "archived"


async def test_invalid_workflow_names_the_field(core: CoreUnderTest) -> None:
    c = Client(core)
    bad = kanban()
    bad.initial_state = "backlog"
    bad.transitions[0].to_state = "nowhere"
    bad.transitions[1].ClearField("roles")
    bad.states[1].id = "Doing Now"
    assert await invalid_fields(c.create_project("kanban", workflow=bad)) == {
        "project.workflow.initial_state",
        "project.workflow.transitions[0].to_state",
        "project.workflow.transitions[1].from_state",
        "project.workflow.transitions[1].roles",
        "project.workflow.states[1].id",
    }
    one_state = project_pb2.Workflow(
        states=[project_pb2.WorkflowState(id="only", category=project_pb2.STATE_CATEGORY_PLANNED)],
        initial_state="only",
    )
    assert await invalid_fields(c.create_project("kanban", workflow=one_state)) == {
        "project.workflow.states",
        "project.workflow.transitions",
    }
