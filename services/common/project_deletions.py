"""Deleting a project reaches every service that keeps something of it (#13 finding 1).

core retires a deleted project's id, so nothing of the old project can be reached under a
new one; the data itself must go too: meeting notes and their items, proposals, scores and
alerts, rules and webhooks (whose secrets and URLs belong to the old owner). Core announces
the deletion once, as `project.deleted`; each service that keeps project data follows it
with its own durable consumer, so a service that was down when the project went still
purges it when it comes back.

risk and automation already consume every core event and purge in their own handlers; nlp
and planner, which need no other event, use `ProjectDeletions` here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import nats
from google.protobuf.message import DecodeError
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from planops.core.v1 import events_pb2
from psycopg_pool import AsyncConnectionPool

from services.common import metrics
from services.common.db import Connection, transaction
from services.common.messaging import connect
from services.common.nats_auth import CORE_STREAM

log = logging.getLogger(__name__)

SUBJECT = "planops.core.v1.project.deleted"

Purge = Callable[[Connection, str], Awaitable[int]]


def deleted_project(data: bytes) -> str | None:
    """The id of the project a `project.deleted` event deletes; None for anything else
    (unreadable, another type, or a name that is not one project's)."""
    try:
        event = events_pb2.ChangeEvent.FromString(data)
    except DecodeError:
        return None
    if event.type != "project.deleted" or event.WhichOneof("resource") != "project_resource":
        return None
    names = {event.aggregate, event.project, event.project_resource.name}
    if len(names) != 1:
        return None  # a forged event naming one project and deleting another
    project = names.pop().removeprefix("projects/")
    if not project or "/" in project:
        return None
    return project


@dataclass
class ProjectDeletions:
    """Follows `project.deleted` on core's stream and calls `purge(conn, project)` in one
    transaction per event. Purging is idempotent (deleting what is already gone deletes
    nothing), so a redelivered event needs no record of events seen."""

    pool: AsyncConnectionPool[Connection]
    nats_url: str
    durable: str
    purge: Purge
    ack_wait_seconds: float = 60.0
    retry_seconds: float = 1.0
    purged: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Consume until `stop()`; outages (NATS or the database) are retried."""
        while not self._stopping.is_set():
            try:
                await self._consume()
            except (OSError, TimeoutError, nats.errors.Error) as error:
                log.warning("%s: project deletions interrupted (%s)", self.durable, error)
            except Exception:
                log.exception("%s: project deletions failed; retrying", self.durable)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.retry_seconds)

    async def _consume(self) -> None:
        nc = await connect(self.nats_url, name=f"planops-{self.durable}-project-deletions")
        sub: JetStreamContext.PullSubscription | None = None
        try:
            js = nc.jetstream()
            try:
                sub = await js.pull_subscribe(
                    SUBJECT,
                    durable=self.durable,
                    stream=CORE_STREAM,
                    config=ConsumerConfig(
                        ack_policy=AckPolicy.EXPLICIT,
                        ack_wait=self.ack_wait_seconds,
                        deliver_policy=DeliverPolicy.ALL,
                        max_ack_pending=100,
                    ),
                )
            except NotFoundError:
                log.info("stream %s does not exist yet; waiting", CORE_STREAM)
                return
            self.ready.set()
            while not self._stopping.is_set():
                try:
                    messages = await sub.fetch(10, timeout=1)
                except (nats.errors.TimeoutError, TimeoutError):
                    continue
                for message in messages:
                    await self.handle(message)
        finally:
            # A pull subscription with a fetch outstanding keeps drain() waiting for its
            # timeout; unsubscribe first (unacknowledged messages are simply redelivered).
            with contextlib.suppress(Exception):
                if sub is not None:
                    await sub.unsubscribe()
                await nc.drain()

    async def handle(self, message: Msg) -> None:
        """Purge the project the message deletes, then acknowledge it; a failure leaves it
        unacknowledged, to come again after the ack wait."""
        project = deleted_project(message.data)
        label = f"{self.durable}/project-deletions"
        if project is None:
            metrics.CONSUMER_EVENTS.labels(label, "skipped").inc()
            log.warning(
                "%s: skipped a message on %s that deletes no one project",
                self.durable,
                message.subject,
            )
            await message.ack()
            return
        async with transaction(self.pool) as conn:
            removed = await self.purge(conn, project)
        self.purged += 1
        metrics.CONSUMER_EVENTS.labels(label, "applied").inc()
        log.info("%s: purged projects/%s (%d rows)", self.durable, project, removed)
        await message.ack()


@asynccontextmanager
async def purging_deleted_projects(
    *,
    pool: AsyncConnectionPool[Connection],
    nats_url: str | None,
    durable: str,
    purge: Purge,
) -> AsyncIterator[ProjectDeletions | None]:
    """Follow project deletions while the context is open; without NATS, say what is lost."""
    if not nats_url:
        log.warning("NATS_URL is not set: %s keeps the data of deleted projects", durable)
        yield None
        return
    follower = ProjectDeletions(pool=pool, nats_url=nats_url, durable=durable, purge=purge)
    task = asyncio.create_task(follower.run(), name=f"{durable}-project-deletions")
    try:
        yield follower
    finally:
        follower.stop()
        try:
            await asyncio.wait_for(task, 5)
        except TimeoutError:
            log.warning("%s: project deletions did not stop in 5 s; cancelled", durable)
