"""Events in, work queued: durable JetStream consumers of core's, risk's and automation's
own streams. Each event is handled in one transaction that records its id, keeps the facts
the scheduler needs, queues a delivery per subscribed webhook and a run per rule it may
fire. Nothing slow happens here: HTTP and core calls are the worker's and the runner's."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import nats
from google.protobuf.message import DecodeError, Message
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from planops.automation.v1 import events_pb2 as automation_events_pb2
from planops.core.v1 import events_pb2, task_pb2
from planops.risk.v1 import events_pb2 as risk_events_pb2

from services.automation import convert, defaults, messages, notices, platforms, store
from services.automation.rules import Trigger
from services.automation.webhooks import event_type_of, wanted
from services.common import event_scope, metrics
from services.common.db import Connection, transaction
from services.common.streams import ensure_stream

log = logging.getLogger(__name__)

AUTOMATION_STREAM = "PLANOPS_AUTOMATION"
AUTOMATION_SUBJECTS = ("planops.automation.v1.>",)


@dataclass(frozen=True)
class Source:
    stream: str
    subjects: str


SOURCES = (
    Source("PLANOPS_CORE", "planops.core.v1.>"),
    Source("PLANOPS_RISK", "planops.risk.v1.>"),
    Source(AUTOMATION_STREAM, "planops.automation.v1.>"),
)


@dataclass(frozen=True)
class Incoming:
    """An event of any stream, as automation needs it."""

    event_id: str
    event_type: str
    project: str
    time: dt.datetime
    message: Message
    task: str = ""
    trigger: Trigger | None = None


def parse(subject: str, data: bytes) -> Incoming | None:
    event_type = event_type_of(subject)
    now = dt.datetime.now(dt.UTC)
    if event_type.startswith("core."):
        e = events_pb2.ChangeEvent.FromString(data)
        task = e.task.name if e.WhichOneof("resource") == "task" else ""
        trigger = {
            "task.created": Trigger.TASK_CREATED,
            "task.transitioned": Trigger.STATE_CHANGED,
        }.get(e.type)
        if e.type == "task.updated" and "assignee" in e.changed_fields:
            trigger = Trigger.ASSIGNEE_CHANGED
        return Incoming(
            e.id,
            event_type,
            e.project.removeprefix("projects/"),
            e.time.ToDatetime(dt.UTC) if e.HasField("time") else now,
            e,
            task,
            trigger,
        )
    if event_type == "risk.alert.raised":
        a = risk_events_pb2.AlertRaised.FromString(data)
        project = a.alert.name.split("/")[1] if a.alert.name.startswith("projects/") else ""
        on_task = "/tasks/" in a.alert.subject
        return Incoming(
            a.id,
            event_type,
            project,
            a.alert.raise_time.ToDatetime(dt.UTC) if a.alert.HasField("raise_time") else now,
            a,
            a.alert.subject if on_task else "",
            Trigger.RISK_ALERT if on_task else None,
        )
    if event_type == "risk.task_risk.changed":
        r = risk_events_pb2.TaskRiskChanged.FromString(data)
        parts = r.risk.task.split("/")
        return Incoming(r.id, event_type, parts[1] if len(parts) > 1 else "", now, r, r.risk.task)
    if event_type in ("automation.task.due_soon", "automation.task.overdue"):
        d = automation_events_pb2.TaskDue.FromString(data)
        trigger = Trigger.DUE_SOON if event_type.endswith("due_soon") else Trigger.OVERDUE
        return Incoming(
            d.id,
            event_type,
            d.project.removeprefix("projects/"),
            d.time.ToDatetime(dt.UTC) if d.HasField("time") else now,
            d,
            d.task.name,
            trigger,
        )
    if event_type == "automation.rule.fired":
        f = automation_events_pb2.RuleFired.FromString(data)
        return Incoming(f.id, event_type, f.project.removeprefix("projects/"), now, f, f.task)
    if event_type == "automation.managers.notified":
        n = automation_events_pb2.ManagersNotified.FromString(data)
        return Incoming(n.id, event_type, n.project.removeprefix("projects/"), now, n, n.task)
    return None


def sent_time(message: Message) -> dt.datetime | None:
    """When the publishing service made the event, if the event says (risk's task_risk.changed
    does not): the start of its lag."""
    timed = (
        events_pb2.ChangeEvent
        | automation_events_pb2.TaskDue
        | automation_events_pb2.RuleFired
        | automation_events_pb2.ManagersNotified
    )
    if isinstance(message, risk_events_pb2.AlertRaised) and message.alert.HasField("raise_time"):
        return message.alert.raise_time.ToDatetime(dt.UTC)
    if isinstance(message, timed) and message.HasField("time"):
        return message.time.ToDatetime(dt.UTC)
    return None


@dataclass(frozen=True)
class ConsumerSettings:
    durable: str = "automation"
    deliver_new: bool = False
    batch: int = 100
    ack_wait_seconds: float = 30.0
    retry_seconds: float = 1.0
    install_default_rules: bool = True
    # Replicas of PLANOPS_AUTOMATION when this consumer creates it (PLANOPS_STREAM_REPLICAS).
    stream_replicas: int = 1


@dataclass
class EventConsumer:
    pool: store.Pool
    nats_url: str
    settings: ConsumerSettings = field(default_factory=ConsumerSettings)
    sources: Sequence[Source] = SOURCES
    # The console's address, for links in IM messages; "" leaves them out.
    console_url: str = ""
    received: int = 0
    handled: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _subscribed: set[str] = field(default_factory=set)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        await asyncio.gather(*(self._follow(s) for s in self.sources))

    async def _follow(self, source: Source) -> None:
        """Consume one stream until `stop()`; outages are retried."""
        while not self._stopping.is_set():
            try:
                await self._consume(source)
            except (OSError, TimeoutError, nats.errors.Error) as error:
                log.warning("automation consumer of %s interrupted (%s)", source.stream, error)
            except Exception:
                log.exception("automation consumer of %s failed; retrying", source.stream)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.settings.retry_seconds)

    async def _consume(self, source: Source) -> None:
        nc = await nats.connect(self.nats_url, max_reconnect_attempts=-1)
        sub: JetStreamContext.PullSubscription | None = None
        try:
            js = nc.jetstream()
            if source.stream == AUTOMATION_STREAM:
                await ensure_stream(
                    js,
                    name=AUTOMATION_STREAM,
                    subjects=AUTOMATION_SUBJECTS,
                    replicas=self.settings.stream_replicas,
                )
            try:
                sub = await js.pull_subscribe(
                    source.subjects,
                    durable=self.settings.durable,
                    stream=source.stream,
                    config=ConsumerConfig(
                        ack_policy=AckPolicy.EXPLICIT,
                        ack_wait=self.settings.ack_wait_seconds,
                        deliver_policy=(
                            DeliverPolicy.NEW if self.settings.deliver_new else DeliverPolicy.ALL
                        ),
                        max_ack_pending=1000,
                    ),
                )
            except NotFoundError:
                log.info("stream %s does not exist yet; waiting", source.stream)
                return
            self._subscribed.add(source.stream)
            if self._subscribed >= {s.stream for s in self.sources if s.stream != "PLANOPS_RISK"}:
                self.ready.set()
            while not self._stopping.is_set():
                try:
                    messages = await sub.fetch(self.settings.batch, timeout=1)
                except (nats.errors.TimeoutError, TimeoutError):
                    continue
                consumer = self.consumer_label(source)
                for message in messages:
                    if message.metadata.num_delivered and message.metadata.num_delivered > 1:
                        metrics.CONSUMER_REDELIVERIES.labels(consumer).inc()
                    await self.handle(message.subject, message.data, consumer=consumer)
                    await message.ack()
        finally:
            with contextlib.suppress(Exception):
                if sub is not None:
                    await sub.unsubscribe()
                await nc.drain()

    def consumer_label(self, source: Source) -> str:
        """The `consumer` label of this durable's metrics on one stream: `automation/PLANOPS_CORE`."""
        return f"{self.settings.durable}/{source.stream}"

    async def handle(self, subject: str, data: bytes, *, consumer: str = "") -> bool:
        """Apply one event; False when it was seen before or means nothing here. Counted
        under `consumer` (see `consumer_label`) when one is given."""
        self.received += 1
        try:
            outcome, sent = await self._handle(subject, data)
        finally:
            self.handled += 1
        if consumer:
            metrics.CONSUMER_EVENTS.labels(consumer, outcome).inc()
            if sent is not None:
                lag = dt.datetime.now(dt.UTC) - sent
                metrics.CONSUMER_LAG.labels(consumer).observe(max(0.0, lag.total_seconds()))
        return outcome == "applied"

    async def _handle(self, subject: str, data: bytes) -> tuple[str, dt.datetime | None]:
        """The outcome (applied, duplicate, skipped) and, once applied, the event's own time
        when it carries one."""
        try:
            incoming = parse(subject, data)
        except (DecodeError, ValueError) as error:
            # Retrying cannot fix it, and holding it back would stall the stream.
            log.warning("skipped an unreadable event on %s: %s", subject, error)
            return "skipped", None
        if incoming is None or not incoming.event_id:
            return "skipped", None
        async with transaction(self.pool) as conn:
            if not await store.claim_event(
                conn, event_id=incoming.event_id, event_type=incoming.event_type
            ):
                return "duplicate", None
            if isinstance(incoming.message, events_pb2.ChangeEvent):
                if not event_scope.in_project(incoming.message, consumer="automation"):
                    return "skipped", None
                await self._learn(conn, incoming.message)
            elif incoming.task and not incoming.task.startswith(f"projects/{incoming.project}/"):
                return "skipped", None
            if incoming.project:
                await self._queue_deliveries(conn, incoming)
                if incoming.trigger is not None and incoming.task:
                    await self._queue_runs(conn, incoming, data)
        return "applied", sent_time(incoming.message)

    async def _learn(self, conn: Connection, event: events_pb2.ChangeEvent) -> None:
        """Keep what the due-date scheduler needs; install default rules in new projects."""
        kind = event.WhichOneof("resource")
        if kind == "project_resource":
            p = event.project_resource
            project = event.aggregate.removeprefix("projects/")
            cats = {
                s.id: convert.CATEGORY_NAMES.get(s.category, "planned") for s in p.workflow.states
            }
            await store.put_project(
                conn,
                project=project,
                version=event.aggregate_version,
                categories=cats,
                time_zone=p.time_zone,
                deleted=event.type.endswith(".deleted"),
            )
            if await store.project_deleted(conn, project):
                # Whatever order its events come in, a deleted project keeps nothing here.
                removed = await store.purge_project(conn, project)
                if removed:
                    log.info(
                        "purged projects/%s: %d rules, webhooks and the like", project, removed
                    )
            elif event.type == "project.created" and self.settings.install_default_rules:
                await defaults.install(conn, project, states=set(cats), actor="system")
        elif kind == "task":
            t = event.task
            project = t.name.split("/")[1]
            if await store.project_deleted(conn, project):
                return  # a late event of a task that went with its project
            cats = await store.categories(conn, project)
            category = cats.get(t.state) or defaults.DEFAULT_CATEGORIES.get(t.state, "planned")
            due = dt.date.fromisoformat(t.due_date) if t.due_date else None
            await store.put_task(
                conn,
                task=t.name,
                project=project,
                version=event.aggregate_version,
                due_date=due,
                open=category not in convert.CLOSED and not event.type.endswith(".deleted"),
                payload=t.SerializeToString(),
            )

    async def _queue_deliveries(self, conn: Connection, incoming: Incoming) -> None:
        subs = [
            s
            for s in await store.subscribers(conn, incoming.project)
            if wanted(incoming.event_type, s.event_types)
        ]
        if not subs:
            return
        bodies: dict[tuple[str, str], bytes] = {}
        notice: messages.Notice | None = None
        for s in subs:
            kind = platforms.kind_of(s.kind)
            key = (kind.value, s.language)
            if key not in bodies and kind == platforms.Kind.GENERIC:
                bodies[key] = convert.body(
                    event_id=incoming.event_id,
                    event_type=incoming.event_type,
                    project=f"projects/{incoming.project}",
                    time=incoming.time,
                    data=incoming.message,
                )
            elif key not in bodies:
                notice = notice or await self._notice(conn, incoming)
                bodies[key] = platforms.message(kind, notice, language=s.language)
            await store.queue_delivery(
                conn,
                webhook_id=s.id,
                project=incoming.project,
                event_id=incoming.event_id,
                event_type=incoming.event_type,
                body=bodies[key],
            )

    async def _notice(self, conn: Connection, incoming: Incoming) -> messages.Notice:
        """What an IM message about `incoming` says, with the task as last seen here for
        events that only name it."""
        task = None
        if incoming.task:
            payload = await store.task_payload(conn, incoming.task)
            task = task_pb2.Task.FromString(payload) if payload else None
        return notices.of_event(
            event_type=incoming.event_type,
            project=incoming.project,
            message=incoming.message,
            task=task,
            console_url=self.console_url,
        )

    async def _queue_runs(self, conn: Connection, incoming: Incoming, data: bytes) -> None:
        assert incoming.trigger is not None
        for rule in await store.rules_for(conn, incoming.project, trigger=incoming.trigger):
            await store.queue_run(
                conn,
                project=incoming.project,
                rule_id=rule.rule_id,
                revision=rule.revision,
                event_id=incoming.event_id,
                event_type=incoming.event_type,
                task=incoming.task,
                payload=data,
            )
