from __future__ import annotations

import grpc
from planops.core.v1 import task_pb2, task_service_pb2

from tests.conftest import CoreUnderTest
from tests.core.helpers import Client, invalid_fields

Code = grpc.StatusCode
ORDERS = (
    task_service_pb2.TASK_ORDER_UNSPECIFIED,
    task_service_pb2.TASK_ORDER_DUE_DATE,
    task_service_pb2.TASK_ORDER_PRIORITY,
    task_service_pb2.TASK_ORDER_UPDATE_TIME,
)


def varied(i: int) -> task_pb2.Task:
    """Tasks with repeated due dates and priorities (and some with no due date) to force ties."""
    return task_pb2.Task(
        title=f"task {i}",
        due_date=f"2026-05-{1 + i % 4:02d}" if i % 5 else "",
        priority=task_pb2.Priority.Name(1 + i % 4),
    )


async def test_paging_is_stable_while_tasks_are_inserted(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    # One batch shares a commit time, so update-time order must break ties on the id.
    await c.tasks.BatchCreateTasks(
        task_service_pb2.BatchCreateTasksRequest(
            parent="projects/promo",
            requests=[task_service_pb2.CreateTaskRequest(task=varied(i)) for i in range(24)],
        ),
        metadata=c.md,
    )
    inserted = 24
    for order in ORDERS:
        at_start = {t.name for t in await c.list_tasks("promo", page_size=500)}
        seen: list[str] = []
        token = ""
        pages = 0
        while True:
            page = await c.tasks.ListTasks(
                task_service_pb2.ListTasksRequest(
                    parent="projects/promo", page_size=7, page_token=token, order_by=order
                ),
                metadata=c.md,
            )
            assert len(page.tasks) <= 7
            seen += [t.name for t in page.tasks]
            pages += 1
            token = page.next_page_token
            if not token:
                break
            for _ in range(2):
                await c.tasks.CreateTask(
                    task_service_pb2.CreateTaskRequest(
                        parent="projects/promo", task=varied(inserted)
                    ),
                    metadata=c.md,
                )
                inserted += 1
        name = task_service_pb2.TaskOrder.Name(order)
        assert len(seen) == len(set(seen)), f"{name}: a task was listed twice"
        missing = at_start - set(seen)
        assert not missing, f"{name}: tasks present from the start were skipped: {missing}"
        assert pages >= 4


async def test_page_tokens_belong_to_their_query(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    for i in range(3):
        await c.create_task("promo", f"t{i}", labels=["x"])
    first = await c.tasks.ListTasks(
        task_service_pb2.ListTasksRequest(parent="projects/promo", page_size=1), metadata=c.md
    )
    assert first.next_page_token
    for other in (
        task_service_pb2.ListTasksRequest(label="x"),
        task_service_pb2.ListTasksRequest(order_by=task_service_pb2.TASK_ORDER_PRIORITY),
    ):
        other.parent = "projects/promo"
        other.page_token = first.next_page_token
        assert await invalid_fields(c.tasks.ListTasks(other, metadata=c.md)) == {"page_token"}
    for garbage in ("garbage", "e30", first.next_page_token[:-3]):
        assert await invalid_fields(
            c.tasks.ListTasks(
                task_service_pb2.ListTasksRequest(parent="projects/promo", page_token=garbage),
                metadata=c.md,
            )
        ) == {"page_token"}
    listed = await c.list_tasks("promo", page_size=1)
    assert [t.title for t in listed] == ["t0", "t1", "t2"]
    big = await c.tasks.ListTasks(
        task_service_pb2.ListTasksRequest(parent="projects/promo", page_size=10_000),
        metadata=c.md,
    )
    assert len(big.tasks) == 3 and not big.next_page_token
