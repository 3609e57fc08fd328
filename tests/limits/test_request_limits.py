"""Request size, batch and page sizes, and free-text lengths: just under passes, just over is
refused with an error that names the limit or the field."""

from __future__ import annotations

from pathlib import Path

import grpc
from planops.core.v1 import task_pb2, task_service_pb2

from services.common.paging import MAX_PAGE_SIZE
from services.common.server import ServerOptions
from services.core.task_servicer import MAX_BATCH
from tests.conftest import CoreUnderTest
from tests.core.helpers import Client, count, invalid_fields, refused
from tests.limits.stacks import core_with

LIMIT = 16 * 1024


def create_request(description_chars: int) -> task_service_pb2.CreateTaskRequest:
    return task_service_pb2.CreateTaskRequest(
        parent="projects/promo",
        task=task_pb2.Task(title="Write the copy", description="x" * description_chars),
    )


def sized(target: int) -> task_service_pb2.CreateTaskRequest:
    """A create request of exactly `target` bytes on the wire."""
    chars = target - create_request(0).ByteSize()
    while create_request(chars).ByteSize() > target:
        chars -= 1
    request = create_request(chars)
    assert request.ByteSize() == target
    return request


async def test_a_request_over_the_message_limit_is_refused_naming_the_limit(
    database_url: str, nats_url: str, tmp_path: Path
) -> None:
    options = ServerOptions(max_message_bytes=LIMIT)
    async with core_with(
        database_url=database_url, nats_url=nats_url, home=tmp_path, options=options
    ) as core:
        admin = Client(core)
        await admin.create_project("promo")
        created = await admin.tasks.CreateTask(sized(LIMIT), metadata=admin.md)
        assert len(created.task.description) > LIMIT - 100

        error = await refused(
            admin.tasks.CreateTask(sized(LIMIT + 1), metadata=admin.md),
            grpc.StatusCode.RESOURCE_EXHAUSTED,
        )
        assert f"{LIMIT + 1} vs. {LIMIT}" in (error.details() or "")
        assert await count(core, "SELECT count(*) FROM core.tasks") == 1


def test_the_default_message_limit_is_8_mib() -> None:
    assert ServerOptions().max_message_bytes == 8 * 1024 * 1024


async def test_a_batch_holds_at_most_500_tasks(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")

    def batch(n: int) -> task_service_pb2.BatchCreateTasksRequest:
        return task_service_pb2.BatchCreateTasksRequest(
            parent="projects/promo",
            requests=[
                task_service_pb2.CreateTaskRequest(
                    parent="projects/promo", task=task_pb2.Task(title=f"Task {i}")
                )
                for i in range(n)
            ],
        )

    assert await invalid_fields(
        admin.tasks.BatchCreateTasks(batch(MAX_BATCH + 1), metadata=admin.md)
    ) == {"requests"}
    assert await count(core, "SELECT count(*) FROM core.tasks") == 0
    reply = await admin.tasks.BatchCreateTasks(batch(MAX_BATCH), metadata=admin.md)
    assert len(reply.tasks) == MAX_BATCH

    # Pages: a larger page_size is read as the largest (AIP-158), a negative one is refused.
    page = await admin.tasks.ListTasks(
        task_service_pb2.ListTasksRequest(parent="projects/promo", page_size=MAX_PAGE_SIZE + 1),
        metadata=admin.md,
    )
    assert len(page.tasks) == MAX_PAGE_SIZE == MAX_BATCH
    assert page.next_page_token == ""
    assert await invalid_fields(
        admin.tasks.ListTasks(
            task_service_pb2.ListTasksRequest(parent="projects/promo", page_size=-1),
            metadata=admin.md,
        )
    ) == {"page_size"}


async def test_free_text_fields_have_a_length_named_in_the_error(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    await admin.create_task("promo", "t" * 500, description="d" * 20_000)
    fields = await invalid_fields(
        admin.tasks.CreateTask(
            task_service_pb2.CreateTaskRequest(
                parent="projects/promo",
                task=task_pb2.Task(title="t" * 501, description="d" * 20_001),
            ),
            metadata=admin.md,
        )
    )
    assert fields == {"task.title", "task.description"}
    assert await count(core, "SELECT count(*) FROM core.tasks") == 1
