"""The delivery worker: POSTs queued deliveries with aiohttp, records every attempt, and
retries failures with exponential backoff and jitter until the attempts run out. Replicas
share the queue: a claimed delivery is leased, so a worker that dies mid-send leaves it
to another after the lease."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from dataclasses import dataclass, field

import aiohttp

from services.automation import store, webhooks
from services.automation.store import Row
from services.common.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliverySettings:
    batch: int = 32
    timeout_seconds: float = 10.0
    lease_seconds: float = 60.0
    poll_seconds: float = 0.5
    max_attempts: int = 20
    backoff_base_seconds: float = 2.0
    backoff_cap_seconds: float = 3600.0


@dataclass
class DeliveryWorker:
    pool: store.Pool
    settings: DeliverySettings = field(default_factory=DeliverySettings)
    attempts: int = 0
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_seconds)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not self._stopping.is_set():
                try:
                    if not await self.deliver_due(session):
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(
                                self._stopping.wait(), self.settings.poll_seconds
                            )
                except Exception:
                    log.exception("delivery worker failed; retrying")
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stopping.wait(), 1.0)

    async def deliver_due(self, session: aiohttp.ClientSession) -> int:
        async with transaction(self.pool) as conn:
            claimed = await store.claim_deliveries(
                conn, limit=self.settings.batch, lease_seconds=self.settings.lease_seconds
            )
        await asyncio.gather(*(self._deliver(session, row) for row in claimed))
        return len(claimed)

    async def _deliver(self, session: aiohttp.ClientSession, row: Row) -> None:
        body = bytes(row["body"])
        number = int(row["attempt_count"])
        name = f"projects/{row['project']}/webhooks/{row['webhook_id']}/deliveries/{row['id']}"
        sent = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        status, error = 0, ""
        try:
            async with session.post(
                row["url"],
                data=body,
                headers=dict(
                    webhooks.headers(
                        secret=row["secret"],
                        timestamp=int(time.time()),
                        body=body,
                        event_id=row["event_id"],
                        event_type=row["event_type"],
                        delivery=name,
                    )
                ),
                allow_redirects=False,
            ) as response:
                status = response.status
                if not 200 <= status < 300:
                    error = f"HTTP {status}: {(await response.text(errors='replace'))[:200]}"
        except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as e:
            error = f"{type(e).__name__}: {e}".strip()
        latency_ms = (time.perf_counter() - started) * 1000
        self.attempts += 1
        if not error:
            state, wait = "succeeded", 0.0
        elif number >= self.settings.max_attempts:
            state, wait = "failed", 0.0
        else:
            state = "pending"
            wait = webhooks.backoff_seconds(
                number,
                base=self.settings.backoff_base_seconds,
                cap=self.settings.backoff_cap_seconds,
            )
        async with transaction(self.pool) as conn:
            await store.record_attempt(
                conn,
                delivery_id=row["id"],
                number=number,
                time=sent,
                http_status=status,
                latency_ms=latency_ms,
                error=error,
                state=state,
                retry_in_seconds=wait,
            )
        if error:
            log.info("%s attempt %d failed (%s); %s", name, number, error, state)
