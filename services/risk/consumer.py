"""Core's events -> risk's tables -> re-scored tasks -> risk's own events.

A durable JetStream pull consumer shared by every replica (JetStream hands each message to
one of them). Each fetched batch of events is applied in one transaction that also records
their ids, so a redelivery after a crash changes nothing; an event older than the version
held is skipped. The tasks the batch affects are re-scored once, in the same transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import grpc
import nats
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from planops.core.v1 import (
    events_pb2,
    project_pb2,
    project_service_pb2,
    task_pb2,
    task_service_pb2,
)
from planops.risk.v1 import events_pb2 as risk_events_pb2
from planops.risk.v1 import risk_pb2

from services.common import event_scope, metrics
from services.common.core_client import CoreClient, translate
from services.common.db import Connection, connection, transaction
from services.common.errors import FailedPrecondition, NotFound, Unavailable
from services.common.logs import request_id_var
from services.common.messaging import connect
from services.common.streams import ensure_stream
from services.risk import alerts, convert, store
from services.risk.timeline import Change

log = logging.getLogger(__name__)

CORE_STREAM = "PLANOPS_CORE"
CORE_SUBJECTS = "planops.core.v1.>"
RISK_STREAM = "PLANOPS_RISK"
RISK_SUBJECTS = ["planops.risk.v1.>"]
TASK_RISK_CHANGED = "planops.risk.v1.task_risk.changed"
ALERT_RAISED = "planops.risk.v1.alert.raised"
EVENT_NAMESPACE = uuid.UUID("8a0c1f1e-5b1e-4a52-9d43-2c5d1e0b7a61")
# A re-score that moves the probability less than this publishes nothing.
MIN_CHANGE = 0.005


@dataclass(frozen=True)
class ConsumerSettings:
    durable: str = "risk"
    deliver_new: bool = False
    # A fetch waits up to a second for one event, then takes up to `batch` - 1 more of those
    # already there, waiting no longer than `gather_seconds`; the batch is one transaction.
    batch: int = 200
    gather_seconds: float = 0.05
    # False: one transaction per event (the path before batching; benchmarks compare both).
    batched: bool = True
    ack_wait_seconds: float = 60.0
    retry_seconds: float = 1.0
    rules: tuple[alerts.AlertRule, ...] = alerts.DEFAULT_RULES
    # Changes to a project within this many seconds share one deadline forecast.
    deadline_check_delay_seconds: float = 2.0
    # Replicas of PLANOPS_RISK when this consumer creates it (PLANOPS_STREAM_REPLICAS).
    stream_replicas: int = 1
    # A task event that arrives before an earlier version of its task (still unacknowledged
    # at a replica that died) is handed back this often, for up to the ack wait and a bit,
    # so the earlier one is applied first; after that it is applied anyway.
    gap_retry_seconds: float = 1.0

    @property
    def gap_patience(self) -> int:
        """Deliveries of an event that wait for an earlier version before it is applied."""
        return math.ceil((self.ack_wait_seconds + 5.0) / self.gap_retry_seconds)


def categories_of(project: project_pb2.Project) -> dict[str, str]:
    return {
        s.id: convert.CATEGORY_NAMES.get(s.category, "planned") for s in project.workflow.states
    }


def version_of(etag: str) -> int:
    digits = "".join(c for c in etag if c.isdigit())
    return int(digits) if digits else 0


async def ensure_risk_stream(js: JetStreamContext, *, replicas: int = 1) -> None:
    await ensure_stream(js, name=RISK_STREAM, subjects=RISK_SUBJECTS, replicas=replicas)


def _observations(risks: Sequence[risk_pb2.TaskRisk]) -> list[alerts.Observation]:
    return [alerts.Observation("task_late_risk_high", r.task, r.probability_late) for r in risks]


# An event that keeps failing is handed back at once this many times (a database restart),
# then with a growing delay, so that one poison event cannot hold up every later one.
PROMPT_REDELIVERIES = 3


def redelivery_delay(deliveries: int, *, longest: float = 60.0) -> float:
    """Seconds before an event that failed on its `deliveries`-th delivery comes back."""
    if deliveries <= PROMPT_REDELIVERIES:
        return 0.0
    return float(min(longest, 2 ** (deliveries - PROMPT_REDELIVERIES)))


class OutOfOrder(Exception):
    """A task event arrived before an earlier version of its task was applied."""

    def __init__(self, retry_seconds: float) -> None:
        super().__init__("an earlier version of the task has not been applied yet")
        self.retry_seconds = retry_seconds


async def handle_batch(
    messages: Sequence[Msg], handle: Callable[[bytes, int], Awaitable[object]]
) -> None:
    """Handle and acknowledge each message in turn (`handle(data, deliveries)`).

    An event that came ahead of an earlier version is handed back (NAK) to come again
    shortly. When one fails, it and the rest of the batch are handed back, so they are
    redelivered before newer events rather than after the ack wait, behind later versions
    of the same tasks.
    """
    for index, message in enumerate(messages):
        try:
            await handle(message.data, message.metadata.num_delivered)
        except OutOfOrder as early:
            with contextlib.suppress(Exception):
                await message.nak(delay=early.retry_seconds)
            continue
        except BaseException:
            with contextlib.suppress(Exception):
                await message.nak(delay=redelivery_delay(message.metadata.num_delivered) or None)
            for rest in messages[index + 1 :]:
                with contextlib.suppress(Exception):
                    await rest.nak()
            raise
        await message.ack()


def split_batch(deliveries: Sequence[int]) -> list[tuple[int, int]]:
    """Slices (start, end) of a fetched batch to apply one transaction each: runs of events,
    but an event delivered more than PROMPT_REDELIVERIES times (one that keeps failing) alone,
    so that it cannot hold back the others."""
    found: list[tuple[int, int]] = []
    start = 0
    for index, n in enumerate(deliveries):
        if n > PROMPT_REDELIVERIES:
            if start < index:
                found.append((start, index))
            found.append((index, index + 1))
            start = index + 1
    if start < len(deliveries):
        found.append((start, len(deliveries)))
    return found


class BatchFailed(Exception):
    """Applying a batch failed, nothing of it committed; `index` is the event that failed,
    None when the batch's shared part (scoring, storing, the commit) did."""

    def __init__(self, index: int | None, error: BaseException) -> None:
        super().__init__(f"event {index} of the batch failed: {error!r}")
        self.index = index
        self.error = error


@dataclass
class HistoryConsumer:
    pool: store.Pool
    scorer: store.Scorer
    nats_url: str
    settings: ConsumerSettings = field(default_factory=ConsumerSettings)
    received: int = 0
    applied: int = 0
    # The project forecast (the servicer's); None switches deadline alerts off.
    forecast: Callable[[str], Awaitable[risk_pb2.ProjectForecast]] | None = None
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    _deadline_checks: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Consume until `stop()`; NATS or PostgreSQL outages are retried."""
        while not self._stopping.is_set():
            try:
                await self._run_once()
            except (
                OSError,
                TimeoutError,
                nats.errors.Error,
                grpc.RpcError,
                Unavailable,
            ) as error:
                log.warning("risk consumer interrupted (%s); retrying", error)
            except Exception:
                log.exception("risk consumer failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.settings.retry_seconds)
        # Replicas share one durable consumer: these counts say how the work was split and
        # how much of it was redelivered (received - applied).
        log.info(
            "risk consumer stopped: %d events received, %d applied", self.received, self.applied
        )

    async def _run_once(self) -> None:
        nc = await connect(self.nats_url, name=f"planops-risk-{self.settings.durable}")
        sub: JetStreamContext.PullSubscription | None = None
        try:
            js = nc.jetstream()
            await ensure_risk_stream(js, replicas=self.settings.stream_replicas)
            try:
                sub = await js.pull_subscribe(
                    CORE_SUBJECTS,
                    durable=self.settings.durable,
                    stream=CORE_STREAM,
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
                log.info("stream %s does not exist yet; waiting for core", CORE_STREAM)
                return
            self.ready.set()
            while not self._stopping.is_set():
                try:
                    messages = await sub.fetch(1, timeout=1)
                except (nats.errors.TimeoutError, TimeoutError):
                    continue
                if self.settings.batch > 1:
                    # What else is already there, without waiting for a full batch.
                    with contextlib.suppress(nats.errors.TimeoutError, TimeoutError):
                        messages += await sub.fetch(
                            self.settings.batch - 1, timeout=self.settings.gather_seconds
                        )
                for message in messages:
                    if message.metadata.num_delivered and message.metadata.num_delivered > 1:
                        metrics.CONSUMER_REDELIVERIES.labels(self.settings.durable).inc()
                if self.settings.batched:
                    await self.handle_messages(messages)
                else:
                    await handle_batch(messages, self.handle)
        finally:
            # A pull subscription with a fetch outstanding keeps drain() waiting for its
            # timeout; unsubscribe first (unacknowledged messages are simply redelivered).
            with contextlib.suppress(Exception):
                if sub is not None:
                    await sub.unsubscribe()
                await nc.drain()

    async def handle_messages(self, messages: Sequence[Msg]) -> None:
        """Apply fetched messages a batch per transaction (see `split_batch`), then
        acknowledge them; an event that came ahead of an earlier version of its task is
        handed back (NAK) to come again shortly while the rest commit.

        When a batch fails, none of it commits: it and every later message are handed back at
        once, so they come again before newer events (the event that failed, when known,
        after `redelivery_delay`).
        """
        deliveries = [m.metadata.num_delivered or 0 for m in messages]
        for start, end in split_batch(deliveries):
            part = messages[start:end]
            try:
                outcomes = await self.handle_many(
                    [(m.data, n) for m, n in zip(part, deliveries[start:end], strict=True)]
                )
            except BaseException as error:
                failed = error.index if isinstance(error, BatchFailed) else None
                for index, message in enumerate(part):
                    delay = None
                    if failed is None or failed == index:
                        delay = redelivery_delay(deliveries[start + index]) or None
                    with contextlib.suppress(Exception):
                        await message.nak(delay=delay)
                for rest in messages[end:]:
                    with contextlib.suppress(Exception):
                        await rest.nak()
                if isinstance(error, BatchFailed):
                    raise error.error from None
                raise
            for message, outcome in zip(part, outcomes, strict=True):
                if isinstance(outcome, OutOfOrder):
                    with contextlib.suppress(Exception):
                        await message.nak(delay=outcome.retry_seconds)
                else:
                    await message.ack()

    async def handle_many(self, events: Sequence[tuple[bytes, int]]) -> list[bool | OutOfOrder]:
        """Apply `(data, deliveries)` events in one transaction: claim and apply each, score
        the union of the tasks they affect once, store the scores and their events, commit.

        Per event: True when applied, False when its id was seen before, `OutOfOrder` when it
        came ahead of an earlier version of its task that is not in the batch either (its
        writes are undone; the others commit). An event that does have its earlier version
        later in the batch is applied after it. A failure raises `BatchFailed`, and nothing of
        the batch commits. A task's `task_risk.changed` names the first event of the batch
        that affected it as its cause.
        """
        outcomes: list[bool | OutOfOrder] = [False] * len(events)
        applied: list[tuple[events_pb2.ChangeEvent, int]] = []  # and its tasks to re-score
        seen = 0
        causes: dict[str, str] = {}  # task to re-score -> the first event affecting it
        parsed: list[events_pb2.ChangeEvent] = []
        for index, (data, _) in enumerate(events):
            try:
                parsed.append(events_pb2.ChangeEvent.FromString(data))
            except Exception as error:
                raise BatchFailed(index, error) from error
        try:
            async with transaction(self.pool) as conn:
                await store.lock_history(conn)
                await store.lock_tasks(
                    conn, (e.task.name for e in parsed if e.WhichOneof("resource") == "task")
                )
                pending = list(range(len(events)))
                while pending:
                    waiting: list[int] = []
                    for index in pending:
                        event, deliveries = parsed[index], events[index][1]
                        try:
                            token = request_id_var.set(event.request_id)
                            try:
                                affected = await self._claim_and_apply(conn, event, deliveries)
                            finally:
                                request_id_var.reset(token)
                        except OutOfOrder as early:
                            outcomes[index] = early
                            waiting.append(index)
                            continue
                        except Exception as error:
                            raise BatchFailed(index, error) from error
                        seen += 1
                        if affected is None:
                            outcomes[index] = False
                            continue
                        outcomes[index] = True
                        applied.append((event, len(affected)))
                        for task in affected:
                            causes.setdefault(task, event.id)
                    # Those ahead of a version applied meanwhile go again; else they wait.
                    pending = waiting if len(waiting) < len(pending) else []
                try:
                    risks, titles = await self._store_scores(conn, list(causes), cause=causes)
                except Exception as error:
                    raise BatchFailed(None, error) from error
        except BatchFailed:
            raise
        except Exception as error:  # the commit
            raise BatchFailed(None, error) from error
        self.received += seen
        self._applied(applied)
        metrics.CONSUMER_EVENTS.labels(self.settings.durable, "duplicate").inc(seen - len(applied))
        log.debug(
            "applied %d of %d events in one batch: %d tasks re-scored",
            len(applied),
            len(events),
            len(causes),
        )
        if causes:
            await self._raise_alerts(_observations(risks), titles=titles, cause=causes)
            for task, cause in causes.items():
                self._check_deadline_soon(task.split("/")[1], cause=cause)
        return outcomes

    async def _claim_and_apply(
        self, conn: Connection, event: events_pb2.ChangeEvent, deliveries: int
    ) -> list[str] | None:
        """Claim the event's id and apply it: the tasks to re-score, None when seen before.
        A task event's writes are undone (a savepoint) when it raises `OutOfOrder`."""
        in_order = 0 < deliveries <= self.settings.gap_patience
        if event.WhichOneof("resource") != "task":
            if not await store.claim_event(conn, event_id=event.id, event_type=event.type):
                return None
            return await self.apply(conn, event, in_order=in_order)
        async with conn.transaction():
            if not await store.claim_event(conn, event_id=event.id, event_type=event.type):
                return None
            return await self.apply(conn, event, in_order=in_order)

    def _applied(self, applied: Sequence[tuple[events_pb2.ChangeEvent, int]]) -> None:
        """Count and log committed events (each line with the id of the request that caused
        it), observe their lag, schedule the forecasts they call for."""
        durable = self.settings.durable
        now = datetime.now(UTC)
        for event, affected in applied:
            token = request_id_var.set(event.request_id)
            try:
                log.debug(
                    "applied %s %s of %s: %d tasks to re-score",
                    event.type,
                    event.id,
                    event.aggregate,
                    affected,
                )
            finally:
                request_id_var.reset(token)
            self.applied += 1
            metrics.CONSUMER_EVENTS.labels(durable, "applied").inc()
            if event.HasField("time"):
                lag = now - event.time.ToDatetime(tzinfo=UTC)
                metrics.CONSUMER_LAG.labels(durable).observe(max(0.0, lag.total_seconds()))
            if event.WhichOneof("resource") == "project_resource" and not event.type.endswith(
                ".deleted"
            ):
                # A moved deadline (or calendar) changes the forecast without any task
                # changing.
                self._check_deadline_soon(event.aggregate.removeprefix("projects/"), cause=event.id)

    async def handle(self, data: bytes, deliveries: int = 0) -> bool:
        """Apply one event; False when its id was seen before or it changed nothing.

        `deliveries` is how often JetStream has delivered it; while it is within the
        settings' patience, a task event ahead of an earlier version raises `OutOfOrder`.
        Log lines meanwhile carry the id of the request that caused the event.
        """
        event = events_pb2.ChangeEvent.FromString(data)
        token = request_id_var.set(event.request_id)
        try:
            return await self._handle(event, deliveries)
        finally:
            request_id_var.reset(token)

    async def _handle(self, event: events_pb2.ChangeEvent, deliveries: int) -> bool:
        self.received += 1
        durable = self.settings.durable
        try:
            async with transaction(self.pool) as conn:
                await store.lock_history(conn)
                claimed = await self._claim_and_apply(conn, event, deliveries)
                if claimed is None:
                    metrics.CONSUMER_EVENTS.labels(durable, "duplicate").inc()
                    log.debug("event %s (%s) seen before; skipped", event.id, event.type)
                    return False
                affected = claimed
                # The scores commit with the event they follow from: a redelivery is
                # skipped, so scores written after the claim would be lost to a crash.
                risks, titles = await self._store_scores(conn, affected, cause=event.id)
        except OutOfOrder:
            self.received -= 1  # it comes again, and counts then
            raise
        self.applied += 1
        metrics.CONSUMER_EVENTS.labels(durable, "applied").inc()
        if event.HasField("time"):
            lag = datetime.now(UTC) - event.time.ToDatetime(tzinfo=UTC)
            metrics.CONSUMER_LAG.labels(durable).observe(max(0.0, lag.total_seconds()))
        log.debug(
            "applied %s %s of %s: %d tasks to re-score",
            event.type,
            event.id,
            event.aggregate,
            len(affected),
        )
        if event.WhichOneof("resource") == "project_resource" and not event.type.endswith(
            ".deleted"
        ):
            # A moved deadline (or calendar) changes the forecast without any task changing.
            self._check_deadline_soon(event.aggregate.removeprefix("projects/"), cause=event.id)
        if affected:
            await self._raise_alerts(_observations(risks), titles=titles, cause=event.id)
            for project in {task.split("/")[1] for task in affected}:
                self._check_deadline_soon(project, cause=event.id)
        return True

    def _check_deadline_soon(self, project: str, *, cause: str) -> None:
        """Forecast the project a moment after its last change (a burst shares one run)."""
        if self.forecast is None or project in self._deadline_checks:
            return
        task = asyncio.create_task(self._check_deadline(project, cause=cause))
        self._deadline_checks[project] = task
        task.add_done_callback(lambda _: self._deadline_checks.pop(project, None))

    async def _check_deadline(self, project: str, *, cause: str) -> None:
        assert self.forecast is not None
        await asyncio.sleep(self.settings.deadline_check_delay_seconds)
        try:
            forecast = await self.forecast(project)
        except FailedPrecondition:
            return  # nothing open to forecast
        except NotFound:
            return  # deleted since the event: nothing to warn about
        except Unavailable as error:
            log.warning("deadline forecast of projects/%s skipped: %s", project, error.message)
            return
        except Exception:
            log.exception("deadline forecast of projects/%s failed", project)
            return
        if not forecast.deadline:
            return
        subject = f"projects/{project}"
        await self._raise_alerts(
            [
                alerts.Observation(
                    "project_deadline_at_risk", subject, 1 - forecast.probability_on_time
                )
            ],
            titles={
                subject: f"{subject} (deadline {forecast.deadline}, P80 {forecast.finish_p80_date})"
            },
            cause=cause,
        )

    async def apply(
        self, conn: Connection, event: events_pb2.ChangeEvent, *, in_order: bool = False
    ) -> list[str]:
        """Update the tables; the tasks whose risk may have changed."""
        if not event_scope.in_project(event, consumer=self.settings.durable):
            return []
        kind = event.WhichOneof("resource")
        if kind == "project_resource":
            p = event.project_resource
            await store.put_project(
                conn,
                project=event.aggregate.removeprefix("projects/"),
                version=event.aggregate_version,
                title=p.display_name,
                start_date=convert.parse_day(p.start_date),
                deadline=convert.parse_day(p.deadline),
                categories=categories_of(p),
                calendar=convert.calendar_json(p.calendar),
                deleted=event.type.endswith(".deleted"),
            )
            project = event.aggregate.removeprefix("projects/")
            if await store.project_deleted(conn, project):
                # Whatever order its events come in, a deleted project keeps nothing here.
                removed = await store.purge_project(conn, project)
                if removed:
                    log.info(
                        "purged projects/%s: %d tasks, scores, alerts and the like",
                        project,
                        removed,
                    )
            return []
        if kind in ("task", "dependency") and await store.project_deleted(
            conn, event.project.removeprefix("projects/")
        ):
            return []  # a late event of something that went with its project
        if kind == "task":
            return await self._apply_task(conn, event, in_order=in_order)
        if kind == "dependency":
            d = event.dependency
            written = await store.put_dependency(
                conn,
                dependency=d.name,
                version=event.aggregate_version,
                predecessor=d.predecessor,
                successor=d.successor,
                kind=d.type or task_pb2.DEPENDENCY_TYPE_FINISH_TO_START,
                lag_days=d.lag_days,
                deleted=event.type.endswith(".deleted"),
            )
            return [d.successor] if written else []
        return []

    async def _apply_task(
        self, conn: Connection, event: events_pb2.ChangeEvent, *, in_order: bool
    ) -> list[str]:
        task = event.task
        # The move is logged by its own name, whatever order events arrive in: the timeline
        # is replayed by time, so even an event older than the row held adds its move.
        if event.HasField("transition") and event.transition.to_state:
            await store.put_change(
                conn,
                name=event.transition.name or f"events/{event.id}",
                task=task.name,
                change=convert.transition_change(event.transition),
            )
        held = await store.task_for_update(conn, task.name)
        if held is not None and held[1] >= event.aggregate_version:
            return []
        # core numbers a task's events 1, 2, 3, ...: a gap is an event still on its way
        # (the task's creation too, when nothing of it is held yet).
        if in_order and event.aggregate_version > (held[1] if held else 0) + 1:
            raise OutOfOrder(self.settings.gap_retry_seconds)
        previous = held[0] if held else None
        project = task.name.split("/")[1]
        cats = await store.categories(conn, project)
        row = convert.task_row(task, categories=cats)
        if previous is not None and convert.estimate_changed(previous, row):
            await store.put_change(
                conn,
                name=f"events/{event.id}",
                task=task.name,
                change=Change(
                    time=convert.to_datetime(event.time) or datetime.now(UTC),
                    estimate_changed=True,
                ),
            )
        deleted = event.type == "task.deleted"
        await store.put_task(conn, row, version=event.aggregate_version, deleted=deleted)
        # Imported tasks are history to learn from, not work to warn about.
        affected = [] if deleted or row.imported else [row.task]
        affected += await store.successors_of(conn, row.task)
        for assignee in {row.assignee, previous.assignee if previous else ""}:
            affected += await store.open_tasks_of(conn, assignee)
        return list(dict.fromkeys(affected))

    async def rescore_open(self, *, cause: str, chunk: int = 200) -> int:
        """Re-score every open task (a new model, or a new day: days to the due date shrink
        without any event), raising the alerts that now cross; tasks scored. Replicas doing
        the same run publish nothing twice: event ids derive from `cause` and the task."""
        async with connection(self.pool) as conn:
            names = await store.open_tasks(conn)
        for start in range(0, len(names), chunk):
            await self.rescore(names[start : start + chunk], cause=cause)
        for project in sorted({name.split("/")[1] for name in names}):
            self._check_deadline_soon(project, cause=cause)
        log.info("re-scored %d open tasks (%s)", len(names), cause)
        return len(names)

    async def rescore(self, tasks: Sequence[str], *, cause: str) -> list[risk_pb2.TaskRisk]:
        """Score the open ones of `tasks`, store the scores, raise alerts, publish."""
        async with transaction(self.pool) as conn:
            await store.lock_history(conn)
            risks, titles = await self._store_scores(conn, tasks, cause=cause)
        await self._raise_alerts(_observations(risks), titles=titles, cause=cause)
        return risks

    async def _store_scores(
        self, conn: Connection, tasks: Sequence[str], *, cause: str | Mapping[str, str]
    ) -> tuple[list[risk_pb2.TaskRisk], dict[str, str]]:
        """Score the open ones of `tasks` (one executor call) and store the scores and their
        events in `conn`'s transaction (one statement each); the scores and the tasks'
        titles. `cause` is the event the scores follow from, or one per task."""
        if not tasks:
            return [], {}
        now = datetime.now(UTC)
        targets = await store.rows(
            conn,
            "task = ANY(%s) AND NOT imported AND category IN ('planned', 'active', 'blocked')",
            (list(tasks),),
        )
        predictions, cals = await self.scorer.score_on_calendars(conn, targets, now=now)
        risks = [
            convert.task_risk(
                row, p, today=now.date(), cal=convert.calendar_for(cals, row.project), scored=now
            )
            for row, p in zip(targets, predictions, strict=True)
        ]
        before = await store.held_scores(conn, [r.task for r in risks])
        scores: list[tuple[str, str, float, bytes]] = []
        changed: list[tuple[str, str, str, bytes]] = []
        for risk in risks:
            blob = risk.SerializeToString()
            scores.append((risk.task, risk.task.split("/")[1], risk.probability_late, blob))
            old = before.get(risk.task, -1.0)
            if old < 0 or abs(old - risk.probability_late) >= MIN_CHANGE:
                why = cause if isinstance(cause, str) else cause[risk.task]
                event = risk_events_pb2.TaskRiskChanged(
                    id=str(uuid.uuid5(EVENT_NAMESPACE, f"{why}:{risk.task}")),
                    cause_event_id=why,
                    risk=risk,
                    previous_probability_late=old,
                )
                changed.append((event.id, TASK_RISK_CHANGED, risk.task, event.SerializeToString()))
        await store.put_scores(conn, scores)
        await store.enqueue_many(conn, changed)
        return risks, {r.task: r.title for r in targets}

    async def _raise_alerts(
        self,
        observations: list[alerts.Observation],
        *,
        titles: Mapping[str, str],
        cause: str | Mapping[str, str],
    ) -> list[risk_events_pb2.AlertRaised]:
        """Step the alert rules; store and return the alerts that fire (once per crossing).
        `cause` is the event they follow from, or one per subject."""
        raised: list[risk_events_pb2.AlertRaised] = []
        async with transaction(self.pool) as conn:
            state = alerts.AlertState(await store.fired(conn, [o.subject for o in observations]))
            after, new = alerts.step(state, observations, self.settings.rules)
            await store.rearm(conn, state.fired - after.fired)
            for alert in new:
                why = cause if isinstance(cause, str) else cause[alert.subject]
                event_id = str(uuid.uuid5(EVENT_NAMESPACE, f"{why}:{alert.rule}:{alert.subject}"))
                record = await store.raise_alert(
                    conn,
                    event_id=event_id,
                    project=alert.subject.split("/")[1],
                    rule=alert.rule,
                    subject=alert.subject,
                    kind=convert.ALERT_KINDS.get(alert.rule, alert.rule.upper()),
                    value=alert.value,
                    threshold=alert.threshold,
                    message=convert.alert_message(alert, title=titles.get(alert.subject, "")),
                )
                if record is not None:
                    event = risk_events_pb2.AlertRaised(
                        id=event_id, alert=convert.alert_proto(record)
                    )
                    await store.enqueue(
                        conn,
                        event_id=event_id,
                        subject=ALERT_RAISED,
                        aggregate=alert.subject,
                        payload=event.SerializeToString(),
                    )
                    raised.append(event)
        return raised


async def rebuild(core: CoreClient, pool: store.Pool, *, projects: Sequence[str] = ()) -> int:
    """Reload history from core over gRPC (for a new installation or lost tables); tasks loaded.

    Versions come from the etags, so events older than what was loaded are skipped afterwards.
    """
    md = core.metadata()
    loaded = 0
    try:
        wanted = list(projects)
        if not wanted:
            token = ""
            while True:
                page = await core.projects.ListProjects(
                    project_service_pb2.ListProjectsRequest(page_size=500, page_token=token),
                    metadata=md,
                    timeout=core.timeout,
                )
                wanted += [p.name.removeprefix("projects/") for p in page.projects]
                token = page.next_page_token
                if not token:
                    break
        for project_id in wanted:
            loaded += await _rebuild_project(core, pool, project_id)
    except grpc.RpcError as error:
        raise translate(error, what="reading history from core") from error
    return loaded


async def _rebuild_project(core: CoreClient, pool: store.Pool, project_id: str) -> int:
    md = core.metadata()
    project = (
        await core.projects.GetProject(
            project_service_pb2.GetProjectRequest(name=f"projects/{project_id}"),
            metadata=md,
            timeout=core.timeout,
        )
    ).project
    cats = categories_of(project)
    tasks: list[task_pb2.Task] = []
    token = ""
    while True:
        page = await core.tasks.ListTasks(
            task_service_pb2.ListTasksRequest(parent=project.name, page_size=500, page_token=token),
            metadata=md,
            timeout=core.timeout,
        )
        tasks += page.tasks
        token = page.next_page_token
        if not token:
            break
    deps: list[task_pb2.Dependency] = []
    token = ""
    while True:
        dpage = await core.tasks.ListDependencies(
            task_service_pb2.ListDependenciesRequest(
                parent=project.name, page_size=500, page_token=token
            ),
            metadata=md,
            timeout=core.timeout,
        )
        deps += dpage.dependencies
        token = dpage.next_page_token
        if not token:
            break
    rows = []
    for task in tasks:
        moves: list[task_pb2.TaskTransition] = []
        token = ""
        while True:
            tpage = await core.tasks.ListTaskTransitions(
                task_service_pb2.ListTaskTransitionsRequest(
                    parent=task.name, page_size=500, page_token=token
                ),
                metadata=md,
                timeout=core.timeout,
            )
            moves += tpage.transitions
            token = tpage.next_page_token
            if not token:
                break
        rows.append((convert.task_row(task, categories=cats), version_of(task.etag), moves))
    async with transaction(pool) as conn:
        await store.lock_history(conn, exclusive=True)
        await store.put_project(
            conn,
            project=project_id,
            version=version_of(project.etag),
            title=project.display_name,
            start_date=convert.parse_day(project.start_date),
            deadline=convert.parse_day(project.deadline),
            categories=cats,
            calendar=convert.calendar_json(project.calendar),
        )
        for row, version, moves in rows:
            await store.drop_task(conn, row.task)
            await store.put_task(conn, row, version=version)
            for move in moves:
                await store.put_change(
                    conn, name=move.name, task=row.task, change=convert.transition_change(move)
                )
        for d in deps:
            await store.put_dependency(
                conn,
                dependency=d.name,
                version=version_of(d.etag),
                predecessor=d.predecessor,
                successor=d.successor,
                kind=d.type or task_pb2.DEPENDENCY_TYPE_FINISH_TO_START,
                lag_days=d.lag_days,
                deleted=False,
            )
    log.info("rebuilt %s from core: %d tasks, %d dependencies", project_id, len(rows), len(deps))
    return len(rows)
