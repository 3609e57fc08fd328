"""The outbox relay: publishes committed events to JetStream in commit order, at least once.

A service writes its events into its own `outbox` table in the transaction that makes the
change; this relay publishes them. One relay is active per service schema (a PostgreSQL
advisory lock elects it), so events of one aggregate leave in the order their transactions
committed. `Nats-Msg-Id` lets JetStream drop the copy a crash between publish and
mark-as-sent would resend.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import nats
import psycopg
from psycopg.rows import class_row, dict_row, scalar_row

from services.common import metrics
from services.common.messaging import connect
from services.common.streams import ensure_stream

log = logging.getLogger(__name__)

# The request that caused an event, so consumers can log under the same id.
REQUEST_ID_HEADER = "X-Planops-Request-Id"


@dataclass(frozen=True)
class Outbox:
    """Whose outbox: the schema holding the table, the stream it feeds, the NOTIFY channel."""

    schema: str
    stream: str
    subjects: tuple[str, ...]
    # The request id an event's payload carries, sent as the `REQUEST_ID_HEADER` header.
    request_id_of: Callable[[bytes], str] | None = None

    @property
    def channel(self) -> str:
        return f"planops_{self.schema}_outbox"


@dataclass(frozen=True)
class RelaySettings:
    batch_size: int = 500
    window: int = 64
    idle_poll_seconds: float = 1.0
    retry_seconds: float = 0.5
    duplicate_window_seconds: float = 600.0
    stream_replicas: int = 1
    stream_max_age_hours: float = 168.0
    keep_sent_hours: float = 24.0


class OutboxRelay:
    def __init__(
        self,
        *,
        outbox: Outbox,
        database_url: str,
        nats_url: str,
        settings: RelaySettings | None = None,
    ) -> None:
        self.outbox = outbox
        self.database_url = database_url
        self.nats_url = nats_url
        self.settings = settings or RelaySettings()
        self.published = 0
        self._stopping = asyncio.Event()
        self._backlog = metrics.OUTBOX_BACKLOG.labels(outbox.schema)
        self._published = metrics.OUTBOX_PUBLISHED.labels(outbox.schema)
        self._lag = metrics.OUTBOX_LAG.labels(outbox.schema)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Relay until `stop()`; survives NATS and PostgreSQL outages by retrying."""
        while not self._stopping.is_set():
            try:
                await self._run_once()
            except (TimeoutError, OSError, psycopg.OperationalError, nats.errors.Error) as error:
                log.warning("%s outbox relay interrupted (%s); retrying", self.outbox.schema, error)
                await self._sleep(self.settings.retry_seconds)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _run_once(self) -> None:
        async with await psycopg.AsyncConnection.connect(
            self.database_url,
            autocommit=True,
            row_factory=dict_row,
            options=f"-c search_path={self.outbox.schema},public",
        ) as conn:
            while not self._stopping.is_set():
                won = await (
                    await conn.cursor(row_factory=scalar_row).execute(
                        "SELECT pg_try_advisory_lock(hashtext(%s))",
                        (f"outbox-relay:{self.outbox.schema}",),
                    )
                ).fetchone()
                if won:
                    break
                await self._sleep(self.settings.idle_poll_seconds)
            else:
                return
            log.info("%s outbox relay active", self.outbox.schema)
            # Measured before NATS is reached, so a backlog shows while NATS is down.
            await self._measure_backlog(conn)
            await conn.execute(f"LISTEN {self.outbox.channel}")
            nc = await connect(
                self.nats_url,
                name=f"planops-{self.outbox.schema}-relay",
                disconnected=_nats_disconnected,
                reconnected=_nats_reconnected,
            )
            try:
                js = nc.jetstream(timeout=5)
                await ensure_stream(
                    js,
                    name=self.outbox.stream,
                    subjects=self.outbox.subjects,
                    replicas=self.settings.stream_replicas,
                    max_age_hours=self.settings.stream_max_age_hours,
                    duplicate_window_seconds=self.settings.duplicate_window_seconds,
                )
                await self._relay(conn, js)
            finally:
                with contextlib.suppress(Exception):
                    await nc.drain()

    async def _relay(
        self, conn: psycopg.AsyncConnection[dict[str, object]], js: nats.js.JetStreamContext
    ) -> None:
        sweeps = 0
        while not self._stopping.is_set():
            rows = await (
                await conn.cursor(row_factory=class_row(Pending)).execute(
                    "SELECT id, event_id, subject, aggregate, payload,"
                    " extract(epoch FROM clock_timestamp() - create_time)::float8 AS age"
                    " FROM outbox WHERE sent_time IS NULL ORDER BY id LIMIT %s",
                    (self.settings.batch_size,),
                )
            ).fetchall()
            fetched = time.monotonic()
            if len(rows) == self.settings.batch_size:
                await self._measure_backlog(conn)
            else:
                self._backlog.set(len(rows))
            for window in windows(rows, size=self.settings.window):
                await self._publish(conn, js, window, fetched=fetched)
            if len(rows) == self.settings.batch_size:
                continue
            self._backlog.set(0)
            sweeps += 1
            if sweeps % 600 == 0:
                await conn.execute(
                    "DELETE FROM outbox WHERE sent_time < now() - make_interval(hours => %s)",
                    (int(self.settings.keep_sent_hours),),
                )
            await self._wait_for_notify(conn)

    async def _publish(
        self,
        conn: psycopg.AsyncConnection[dict[str, object]],
        js: nats.js.JetStreamContext,
        window: list[Pending],
        *,
        fetched: float,
    ) -> None:
        """Publish a window concurrently and mark what JetStream acknowledged.

        A window never holds two events of one aggregate and the next window waits for this
        one, so a failed publish cannot be overtaken by a later event of its aggregate.
        """
        results = await asyncio.gather(
            *(
                js.publish(row.subject, bytes(row.payload), headers=self._headers(row))
                for row in window
            ),
            return_exceptions=True,
        )
        acknowledged = time.monotonic()
        sent_rows = [
            row
            for row, result in zip(window, results, strict=True)
            if not isinstance(result, BaseException)
        ]
        if sent_rows:
            sent = [row.id for row in sent_rows]
            await conn.execute("UPDATE outbox SET sent_time = now() WHERE id = ANY(%s)", (sent,))
            self.published += len(sent)
            self._published.inc(len(sent))
            waited = acknowledged - fetched
            for row in sent_rows:
                self._lag.observe(max(0.0, row.age + waited))
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise failures[0]

    def _headers(self, row: Pending) -> dict[str, str]:
        headers = {"Nats-Msg-Id": str(row.event_id)}
        if self.outbox.request_id_of is not None:
            try:
                request_id = self.outbox.request_id_of(row.payload)
            except Exception:  # a payload it cannot read still goes out, without the header
                log.warning("no request id in event %s", row.event_id, exc_info=True)
                request_id = ""
            if request_id:
                headers[REQUEST_ID_HEADER] = request_id
        return headers

    async def _measure_backlog(self, conn: psycopg.AsyncConnection[dict[str, object]]) -> None:
        waiting = await (
            await conn.cursor(row_factory=scalar_row).execute(
                "SELECT count(*) FROM outbox WHERE sent_time IS NULL"
            )
        ).fetchone()
        self._backlog.set(int(waiting or 0))

    async def _wait_for_notify(self, conn: psycopg.AsyncConnection[dict[str, object]]) -> None:
        """Until an insert is notified, the poll interval passes, or we are stopped."""
        async for _ in conn.notifies(timeout=self.settings.idle_poll_seconds, stop_after=1):
            break


async def _nats_disconnected() -> None:
    log.warning("NATS disconnected; events wait in the outbox")


async def _nats_reconnected() -> None:
    log.info("NATS reconnected; the outbox drains")


@dataclass(frozen=True)
class Pending:
    """An event waiting in the outbox, and how long it has waited."""

    id: int
    event_id: uuid.UUID
    subject: str
    aggregate: str
    payload: bytes
    age: float


def windows(rows: Sequence[Pending], *, size: int) -> list[list[Pending]]:
    """Consecutive runs of `rows`, at most `size` long, with no aggregate twice in a run."""
    runs: list[list[Pending]] = []
    current: list[Pending] = []
    seen: set[str] = set()
    for row in rows:
        if len(current) == size or row.aggregate in seen:
            runs.append(current)
            current, seen = [], set()
        current.append(row)
        seen.add(row.aggregate)
    if current:
        runs.append(current)
    return runs
