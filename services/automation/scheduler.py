"""The due-date scheduler: publishes `task.due_soon` and `task.overdue` once per task, due
date and kind. Replicas take turns through a transaction-level advisory lock, and the
notice row's primary key makes a second publication impossible even without it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field

from planops.automation.v1 import events_pb2
from planops.core.v1 import task_pb2

from services.automation import store
from services.common import metrics
from services.common.db import transaction

log = logging.getLogger(__name__)

NAMESPACE = uuid.UUID("5c1b7e0a-2f43-4d8e-a6b1-93e0c4d7f2a8")
SUBJECTS = {
    "due_soon": "planops.automation.v1.task.due_soon",
    "overdue": "planops.automation.v1.task.overdue",
}


def notice_id(task: str, due_date: dt.date, kind: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{task}:{due_date.isoformat()}:{kind}"))


@dataclass
class DueScheduler:
    pool: store.Pool
    soon_days: int = 1
    every_seconds: float = 60.0
    # Longer than the streams keep events (7 days by default), so a redelivery is still caught.
    keep_event_ids_hours: float = 192.0
    published: int = 0
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("due-date scheduler failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.every_seconds)

    async def tick(self) -> int:
        """Publish what is due now; how many notices (0 while another replica holds the lock)."""
        async with transaction(self.pool) as conn:
            if not await store.try_lock_scheduler(conn):
                return 0
            kinds: list[str] = []
            for row in await store.due_tasks(conn, soon_days=self.soon_days):
                kind = row.kind
                event_id = notice_id(row.task, row.due_date, kind)
                if not await store.add_notice(
                    conn, task=row.task, due_date=row.due_date, kind=kind, event_id=event_id
                ):
                    continue
                event = events_pb2.TaskDue(
                    id=event_id,
                    type=f"task.{kind}",
                    project=f"projects/{row.project}",
                    task=task_pb2.Task.FromString(row.payload),
                    due_date=row.due_date.isoformat(),
                )
                event.time.GetCurrentTime()
                await store.enqueue_event(
                    conn,
                    event_id=event_id,
                    subject=SUBJECTS[kind],
                    aggregate=row.task,
                    payload=event.SerializeToString(),
                )
                kinds.append(kind)
            await store.forget_events(conn, older_than_hours=self.keep_event_ids_hours)
        for kind in kinds:
            metrics.AUTOMATION_DUE_NOTICES.labels(kind).inc()
        count = len(kinds)
        self.published += count
        if count:
            log.info("published %d due-date notices", count)
        return count
