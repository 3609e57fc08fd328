"""What waits in automation's queues (deliveries and rule runs), counted into the metrics
every few seconds. Counting at scrape time would need a database connection in the metrics
thread; two counts over partial indexes every few seconds cost less than that."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from services.automation import store
from services.common import metrics
from services.common.db import connection

log = logging.getLogger(__name__)


@dataclass
class Backlog:
    pool: store.Pool
    every_seconds: float = 5.0
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.count()
            except Exception as error:
                log.warning("could not count waiting deliveries and runs: %s", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.every_seconds)

    async def count(self) -> tuple[int, int]:
        """Count now and set the gauges: (deliveries, rule runs) waiting."""
        async with connection(self.pool) as conn:
            deliveries, runs = await store.waiting(conn)
        metrics.AUTOMATION_DELIVERIES_WAITING.set(deliveries)
        metrics.AUTOMATION_RUNS_WAITING.set(runs)
        return deliveries, runs
