from __future__ import annotations

from planops.core.v1 import (
    project_pb2,
    project_service_pb2,
    project_service_pb2_grpc,
    task_pb2,
    task_service_pb2,
    task_service_pb2_grpc,
)

from tests.conftest import CoreUnderTest


async def test_create_project_and_task(core: CoreUnderTest) -> None:
    projects = project_service_pb2_grpc.ProjectServiceStub(core.channel)
    tasks = task_service_pb2_grpc.TaskServiceStub(core.channel)
    created = await projects.CreateProject(
        project_service_pb2.CreateProjectRequest(
            project_id="promo",
            project=project_pb2.Project(display_name="Promo", time_zone="Asia/Shanghai"),
        ),
        metadata=core.auth(),
    )
    assert created.project.name == "projects/promo"
    task = await tasks.CreateTask(
        task_service_pb2.CreateTaskRequest(
            parent="projects/promo", task=task_pb2.Task(title="Write copy")
        ),
        metadata=core.auth(),
    )
    assert task.task.state == "draft"
