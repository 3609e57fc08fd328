"""Crews and staff pools in the system of record (#14): a task's staffing and crew, a
project's staff pools, each checked and kept as written."""

from __future__ import annotations

from typing import Any

from planops.core.v1 import person_pb2, project_pb2, project_service_pb2, task_pb2

from tests.conftest import CoreUnderTest
from tests.core.helpers import Client, invalid_fields

EARLY = project_pb2.StaffPool(
    id="early-shift",
    display_name="Early shift",
    members=["people/ann", "people/bo"],
    working_days=[1, 2, 3, 4],
    days_off=["2026-06-10"],
)


def stream_staffing(pool: str = "") -> task_pb2.Staffing:
    return task_pb2.Staffing(
        crew_size=2,
        roles=[
            task_pb2.CrewRole(count=1, skills=[person_pb2.Skill(skill="host", level=2)]),
            task_pb2.CrewRole(count=1, skills=[person_pb2.Skill(skill="camera", level=1)]),
        ],
        staff_pool=pool,
    )


async def test_staffing_crew_and_staff_pools_are_kept_as_written(core: CoreUnderTest) -> None:
    c = Client(core)
    for person in ("ann", "bo", "cy"):
        await c.add_person(person)
    project = await c.create_project("studio", staff_pools=[EARLY])
    assert list(project.staff_pools) == [EARLY]
    task = await c.create_task("studio", "Live stream", staffing=stream_staffing("early-shift"))
    assert task.staffing == stream_staffing("early-shift")
    assert await c.get_task(task.name) == task

    task.assignee = "people/bo"
    task.crew[:] = ["people/bo", "people/ann"]
    updated = await c.update_task(task, "assignee", "crew")
    assert list(updated.crew) == ["people/bo", "people/ann"]
    assert updated.staffing == task.staffing

    solo = task_pb2.Task(name=task.name, etag=updated.etag, staffing=task_pb2.Staffing())
    assert not (await c.update_task(solo, "staffing")).HasField("staffing")


async def test_bad_staffing_and_pools_name_the_field(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.add_person("ann")
    await c.create_project(
        "studio", staff_pools=[project_pb2.StaffPool(id="day", members=["people/ann"])]
    )

    async def task_fields(**fields: Any) -> set[str]:
        return await invalid_fields(c.create_task("studio", "T", **fields))

    assert await task_fields(staffing=task_pb2.Staffing(crew_size=51)) == {
        "task.staffing.crew_size"
    }
    assert await task_fields(
        staffing=task_pb2.Staffing(crew_size=1, roles=stream_staffing().roles)
    ) == {"task.staffing.crew_size"}
    assert await task_fields(staffing=task_pb2.Staffing(roles=[task_pb2.CrewRole(count=0)])) == {
        "task.staffing.roles[0].count",
        "task.staffing.roles[0].skills",
    }
    assert await task_fields(staffing=task_pb2.Staffing(staff_pool="night")) == {
        "task.staffing.staff_pool"
    }
    assert await task_fields(crew=["people/ann", "people/ghost"]) == {"task.crew[1]"}
    assert await task_fields(assignee="people/ann", crew=["people/bo", "people/ann"]) == {
        "task.crew"
    }

    async def pool_fields(*pools: project_pb2.StaffPool) -> set[str]:
        return await invalid_fields(c.create_project("other", staff_pools=list(pools)))

    assert await pool_fields(project_pb2.StaffPool(id="Early", members=["people/ann"])) == {
        "project.staff_pools[0].id"
    }
    assert await pool_fields(project_pb2.StaffPool(id="early")) == {
        "project.staff_pools[0].members"
    }
    assert await pool_fields(
        project_pb2.StaffPool(id="early", members=["people/ann"], working_days=[8])
    ) == {"project.staff_pools[0].working_days"}
    assert await pool_fields(project_pb2.StaffPool(id="early", members=["people/ghost"])) == {
        "project.staff_pools[0].members[0]"
    }
    request = project_service_pb2.UpdateProjectRequest(
        project=project_pb2.Project(
            name="projects/studio",
            staff_pools=[project_pb2.StaffPool(id="day", members=["people/nobody"])],
        )
    )
    request.update_mask.paths.append("staff_pools")
    assert await invalid_fields(c.projects.UpdateProject(request, metadata=c.md)) == {
        "project.staff_pools[0].members[0]"
    }
