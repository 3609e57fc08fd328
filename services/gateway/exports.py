"""`GET /export/projects/{project}/plan.{xlsx|csv|mspdi}`: a project's plan as a file to
download, read from core with the caller's own key, so it holds only what they may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
from planops.core.v1 import (
    person_service_pb2,
    person_service_pb2_grpc,
    project_service_pb2,
    project_service_pb2_grpc,
    task_service_pb2,
    task_service_pb2_grpc,
)

from services.interop import mspdi, sheets
from services.interop.plan import Plan, plan_of

PAGE_SIZE = 500
CORE_SERVICE = "planops.core.v1.TaskService"


class Export:
    def __init__(self, writer: Callable[[Plan], bytes], content_type: str, suffix: str) -> None:
        self.writer = writer
        self.content_type = content_type
        self.suffix = suffix


EXPORTS = {
    "xlsx": Export(
        sheets.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    ),
    "csv": Export(sheets.csv_bytes, "text/csv; charset=utf-8", "csv"),
    "mspdi": Export(mspdi.write, "application/xml", "xml"),
}


async def _every(call: Any, request: Any, field: str, **options: Any) -> list[Any]:
    request.page_size = PAGE_SIZE
    found: list[Any] = []
    while True:
        page = await call(request, **options)
        found += getattr(page, field)
        if not page.next_page_token:
            return found
        request.page_token = page.next_page_token


async def load_plan(
    channel: grpc.aio.Channel, *, project: str, metadata: list[tuple[str, str]], call_seconds: float
) -> Plan:
    """The project's plan from core: its tasks, dependencies and people."""
    options = {"metadata": metadata, "timeout": call_seconds}
    projects: Any = project_service_pb2_grpc.ProjectServiceStub(channel)  # type: ignore[no-untyped-call]
    tasks: Any = task_service_pb2_grpc.TaskServiceStub(channel)  # type: ignore[no-untyped-call]
    people: Any = person_service_pb2_grpc.PersonServiceStub(channel)  # type: ignore[no-untyped-call]
    found = await projects.GetProject(
        project_service_pb2.GetProjectRequest(name=project), **options
    )
    listed = await _every(
        tasks.ListTasks, task_service_pb2.ListTasksRequest(parent=project), "tasks", **options
    )
    dependencies = await _every(
        tasks.ListDependencies,
        task_service_pb2.ListDependenciesRequest(parent=project),
        "dependencies",
        **options,
    )
    everyone = await _every(
        people.ListPeople, person_service_pb2.ListPeopleRequest(), "people", **options
    )
    return plan_of(found.project, tasks=listed, dependencies=dependencies, people=everyone)


def attachment(project: str, export: Export) -> str:
    return f'attachment; filename="{project}-plan.{export.suffix}"'
