"""Wakes the delivery worker and the rule runner the moment work is queued: a LISTEN on the
channel the queue tables' insert triggers notify. Polling stays as the fallback for a lost
notification or a lost connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import psycopg

from services.automation.store import WORK_CHANNEL

log = logging.getLogger(__name__)


@dataclass
class Wakeup:
    """Sets `events[payload]` on each notification (the payload is the table's name)."""

    database_url: str
    events: Mapping[str, asyncio.Event]
    retry_seconds: float = 1.0
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.database_url, autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {WORK_CHANNEL}")
                    while not self._stopping.is_set():
                        async for note in conn.notifies(timeout=1.0):
                            event = self.events.get(note.payload)
                            if event is not None:
                                event.set()
            except (OSError, psycopg.OperationalError) as error:
                log.warning("work notifications lost (%s); polling until they return", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.retry_seconds)
