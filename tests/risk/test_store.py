"""Risk's tables read back as the typed rows they were written from (real PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date

import pytest

from services.common.db import Connection, migrate, pool_for, transaction
from services.risk import migrations, store
from services.risk.convert import TaskRow

OPEN = TaskRow(
    task="projects/p/tasks/2",
    project="p",
    title="pack",
    state="in_progress",
    category="active",
    priority="high",
    assignee="people/ann",
    labels=("promo", "may"),
    estimate_hours=8.0,
    optimistic_hours=6.0,
    pessimistic_hours=12.0,
    planned_start=date(2030, 3, 4),
    planned_end=date(2030, 3, 5),
    due_date=date(2030, 3, 6),
    opened_on=date(2030, 3, 1),
    started_on=date(2030, 3, 4),
)


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[Connection]:
    await migrate(database_url, schema="risk", package=migrations.__name__)
    async with pool_for(database_url, schema="risk", min_size=1) as pool, transaction(pool) as c:
        yield c


async def test_a_task_reads_back_as_it_was_held(conn: Connection) -> None:
    await store.put_task(conn, OPEN, version=3)
    assert await store.task_for_update(conn, OPEN.task) == (OPEN, 3, False)
    assert await store.rows(conn, "project = %s", ("p",)) == [OPEN]
    assert await store.task_for_update(conn, "projects/p/tasks/404") is None


async def test_open_tasks_leave_out_finished_imported_and_deleted_work(conn: Connection) -> None:
    tasks = {
        "projects/p/tasks/2": OPEN,
        "projects/p/tasks/1": replace(OPEN, category="planned", labels=()),
        "projects/p/tasks/3": replace(OPEN, category="done", finished_on=date(2030, 3, 5)),
        "projects/p/tasks/4": replace(OPEN, imported=True),
        "projects/p/tasks/5": OPEN,
        "projects/q/tasks/1": replace(OPEN, project="q", assignee="people/bob"),
    }
    for name, row in tasks.items():
        await store.put_task(conn, replace(row, task=name), version=1, deleted=name.endswith("/5"))
    assert await store.open_tasks(conn) == [
        "projects/p/tasks/1",
        "projects/p/tasks/2",
        "projects/q/tasks/1",
    ]
    assert sorted(await store.open_tasks_of(conn, "people/ann")) == [
        "projects/p/tasks/1",
        "projects/p/tasks/2",
    ]
    await store.drop_task(conn, "projects/p/tasks/1")
    assert await store.open_tasks_of(conn, "people/ann") == ["projects/p/tasks/2"]
