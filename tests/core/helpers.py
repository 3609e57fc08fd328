"""Client helpers for the core RPC tests: stubs bound to one key, people with keys, counts."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any

import grpc
import psycopg
import pytest
from planops.core.v1 import (
    api_key_pb2,
    api_key_service_pb2,
    api_key_service_pb2_grpc,
    audit_pb2,
    audit_service_pb2,
    audit_service_pb2_grpc,
    person_pb2,
    person_service_pb2,
    person_service_pb2_grpc,
    project_pb2,
    project_service_pb2,
    project_service_pb2_grpc,
    task_pb2,
    task_service_pb2,
    task_service_pb2_grpc,
    template_service_pb2_grpc,
)

from services.common.errors import violations_of
from tests.conftest import CoreUnderTest

MANAGER = project_pb2.ROLE_MANAGER
EXECUTOR = project_pb2.ROLE_EXECUTOR
REVIEWER = project_pb2.ROLE_REVIEWER
VIEWER = project_pb2.ROLE_VIEWER


class Client:
    """The core's six services, called with one API key (the admin key by default)."""

    def __init__(self, core: CoreUnderTest, key: str | None = None) -> None:
        self.core = core
        self.md = core.auth(key)
        self.projects = project_service_pb2_grpc.ProjectServiceStub(core.channel)
        self.people = person_service_pb2_grpc.PersonServiceStub(core.channel)
        self.tasks = task_service_pb2_grpc.TaskServiceStub(core.channel)
        self.templates = template_service_pb2_grpc.TemplateServiceStub(core.channel)
        self.audit = audit_service_pb2_grpc.AuditServiceStub(core.channel)
        self.keys = api_key_service_pb2_grpc.ApiKeyServiceStub(core.channel)

    async def create_project(self, project_id: str, **fields: Any) -> project_pb2.Project:
        fields.setdefault("display_name", project_id.title())
        response = await self.projects.CreateProject(
            project_service_pb2.CreateProjectRequest(
                project_id=project_id, project=project_pb2.Project(**fields)
            ),
            metadata=self.md,
        )
        return response.project

    async def create_task(
        self, project_id: str, title: str, *, request_id: str = "", **fields: Any
    ) -> task_pb2.Task:
        response = await self.tasks.CreateTask(
            task_service_pb2.CreateTaskRequest(
                parent=f"projects/{project_id}",
                task=task_pb2.Task(title=title, **fields),
                request_id=request_id,
            ),
            metadata=self.md,
        )
        return response.task

    async def get_task(self, name: str) -> task_pb2.Task:
        response = await self.tasks.GetTask(
            task_service_pb2.GetTaskRequest(name=name), metadata=self.md
        )
        return response.task

    async def update_task(self, task: task_pb2.Task, *paths: str) -> task_pb2.Task:
        request = task_service_pb2.UpdateTaskRequest(task=task)
        request.update_mask.paths.extend(paths)
        return (await self.tasks.UpdateTask(request, metadata=self.md)).task

    async def move(self, name: str, to_state: str, *, etag: str = "") -> task_pb2.Task:
        response = await self.tasks.TransitionTask(
            task_service_pb2.TransitionTaskRequest(name=name, to_state=to_state, etag=etag),
            metadata=self.md,
        )
        return response.task

    async def depend(
        self, project_id: str, predecessor: str, successor: str
    ) -> task_pb2.Dependency:
        response = await self.tasks.CreateDependency(
            task_service_pb2.CreateDependencyRequest(
                parent=f"projects/{project_id}",
                dependency=task_pb2.Dependency(predecessor=predecessor, successor=successor),
            ),
            metadata=self.md,
        )
        return response.dependency

    async def list_tasks(self, project_id: str, **filters: Any) -> list[task_pb2.Task]:
        """Every task the filters select, across all pages."""
        found: list[task_pb2.Task] = []
        token = ""
        while True:
            page = await self.tasks.ListTasks(
                task_service_pb2.ListTasksRequest(
                    parent=f"projects/{project_id}", page_token=token, **filters
                ),
                metadata=self.md,
            )
            found += page.tasks
            token = page.next_page_token
            if not token:
                return found

    async def add_person(
        self,
        person_id: str,
        *,
        project: str = "",
        roles: Sequence[int] = (),
        skills: Sequence[tuple[str, int]] = (),
        project_creator: bool = False,
    ) -> str:
        """Create a person with a key of their own (and a membership); return the key."""
        await self.people.CreatePerson(
            person_service_pb2.CreatePersonRequest(
                person_id=person_id,
                person=person_pb2.Person(
                    display_name=person_id.title(),
                    skills=[person_pb2.Skill(skill=s, level=level) for s, level in skills],
                    project_creator=project_creator,
                ),
            ),
            metadata=self.md,
        )
        if project:
            await self.add_member(project, f"people/{person_id}", *roles)
        return await self.new_key(f"people/{person_id}")

    async def add_member(self, project_id: str, member: str, *roles: int) -> None:
        await self.projects.CreateMembership(
            project_service_pb2.CreateMembershipRequest(
                parent=f"projects/{project_id}",
                membership=project_pb2.Membership(
                    member=member,
                    roles=[project_pb2.Role.Name(r) for r in roles],
                ),
            ),
            metadata=self.md,
        )

    async def new_key(self, principal: str, *, admin: bool = False) -> str:
        response = await self.keys.CreateApiKey(
            api_key_service_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(principal=principal, admin=admin)
            ),
            metadata=self.md,
        )
        return response.secret

    async def service_key(self, name: str) -> str:
        """A key of `services/{name}` with the scopes `planops up` gives that service."""
        from services.cli.stack import service_scopes

        response = await self.keys.CreateApiKey(
            api_key_service_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(
                    principal=f"services/{name}", scopes=service_scopes(name)
                )
            ),
            metadata=self.md,
        )
        return response.secret

    async def audit_entries(self, **filters: Any) -> list[audit_pb2.AuditEntry]:
        """Every audit entry the filters select, newest first."""
        found: list[audit_pb2.AuditEntry] = []
        token = ""
        while True:
            page = await self.audit.ListAuditEntries(
                audit_service_pb2.ListAuditEntriesRequest(page_token=token, **filters),
                metadata=self.md,
            )
            found += page.entries
            token = page.next_page_token
            if not token:
                return found


async def refused(call: Awaitable[Any], code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    """The error `call` fails with, after checking its status code."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    error = caught.value
    assert error.code() == code, f"expected {code.name}, got {error.code().name}: {error.details()}"
    return error


async def invalid_fields(call: Awaitable[Any]) -> set[str]:
    """The field paths an INVALID_ARGUMENT names."""
    error = await refused(call, grpc.StatusCode.INVALID_ARGUMENT)
    return {v.field for v in violations_of(error)}


async def count(core: CoreUnderTest, query: str, *params: Any) -> int:
    """A `SELECT count(*) ...` straight from the database, bypassing the service."""
    async with await psycopg.AsyncConnection.connect(core.database_url) as conn:
        row = await (await conn.execute(query, params or None)).fetchone()
    assert row is not None
    return int(row[0])
