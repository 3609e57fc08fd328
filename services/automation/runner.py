"""Queued rule runs -> conditions -> actions through core (and the planner), with the rule
as the actor. A run that cannot reach core is retried with backoff; one that core refuses
fails with the reason. Every action checks what is already done first, so a retried run
(after a crash between an action and the run's record) does not do anything twice."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field

import grpc
from google.protobuf import field_mask_pb2
from planops.automation.v1 import events_pb2 as automation_events_pb2
from planops.core.v1 import events_pb2, project_service_pb2, task_pb2, task_service_pb2
from planops.planner.v1 import planner_service_pb2, planner_service_pb2_grpc
from planops.risk.v1 import events_pb2 as risk_events_pb2

from services.automation import convert, notices, platforms, store
from services.automation.consumer import parse
from services.automation.rules import (
    Action,
    ActionKind,
    Facts,
    matches,
    needs_critical_path,
    render,
)
from services.automation.store import RuleRecord, RunRow
from services.automation.webhooks import backoff_seconds
from services.common import metrics
from services.common.core_client import CoreClient, metadata_for
from services.common.db import connection, transaction
from services.common.errors import Unavailable

log = logging.getLogger(__name__)

NAMESPACE = uuid.UUID("0f4f3a52-8d6b-4f0e-9d0c-7a2b5e6c1d93")
RULE_FIRED = "planops.automation.v1.rule.fired"
MANAGERS_NOTIFIED = "planops.automation.v1.managers.notified"
# The trigger a queued run's event type stands for (consumer.parse), for its metrics.
TRIGGERS = {
    "core.task.created": "task_created",
    "core.task.transitioned": "state_changed",
    "core.task.updated": "assignee_changed",
    "automation.task.due_soon": "due_soon",
    "automation.task.overdue": "overdue",
    "risk.alert.raised": "risk_alert",
}
TRANSIENT = (
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.ABORTED,
    grpc.StatusCode.UNKNOWN,
)


class ActionFailed(Exception):
    """An action core (or the planner) refused for good."""


@dataclass(frozen=True)
class RunnerSettings:
    batch: int = 20
    lease_seconds: float = 120.0
    poll_seconds: float = 0.5
    max_attempts: int = 8
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 300.0


@dataclass
class Outcome:
    results: list[str] = field(default_factory=list)
    events: list[tuple[str, str, str, bytes]] = field(default_factory=list)
    # What the conditions looked at, for the messages of IM webhooks.
    facts: Facts = field(default_factory=Facts)


@dataclass
class RuleRunner:
    pool: store.Pool
    core: CoreClient
    planner: grpc.aio.Channel | None = None
    settings: RunnerSettings = field(default_factory=RunnerSettings)
    # The console's address, for links in IM messages; "" leaves them out.
    console_url: str = ""
    finished: int = 0
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    # Set when a run is queued (see wakeup.py); the poll interval is the fallback.
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                if not await self.run_due():
                    await self._wait()
            except Exception:
                log.exception("rule runner failed; retrying")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), 1.0)

    async def _wait(self) -> None:
        stopping = asyncio.create_task(self._stopping.wait())
        woken = asyncio.create_task(self.wake.wait())
        try:
            await asyncio.wait(
                {stopping, woken},
                timeout=self.settings.poll_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            stopping.cancel()
            woken.cancel()
            self.wake.clear()

    async def run_due(self) -> int:
        """Run the due runs of one batch, in the order their events arrived; how many."""
        async with transaction(self.pool) as conn:
            claimed = await store.claim_runs(
                conn, limit=self.settings.batch, lease_seconds=self.settings.lease_seconds
            )
        for row in claimed:
            try:
                await self.execute(row)
            except Unavailable as error:
                log.warning("run %s waits for its lease to end: %s", row.id, error.message)
            except Exception as error:
                # A bug must not keep a run (and the runner) retrying forever.
                log.exception("run %s of %s failed", row.id, row.rule_id)
                await self._finish(
                    row,
                    "failed",
                    row.revision,
                    [],
                    error=f"internal error: {error!r}",
                    outcome="failed",
                )
        return len(claimed)

    async def execute(self, row: RunRow) -> None:
        async with connection(self.pool) as conn:
            rule = await store.rule(conn, row.project, rule_id=row.rule_id)
        if rule is None or not rule.enabled:
            await self._finish(
                row,
                "skipped",
                row.revision,
                ["the rule is disabled or deleted"],
                outcome="skipped",
            )
            return
        if not row.task.startswith(f"projects/{rule.project}/tasks/"):
            # Only a forged event names another project's task; the rule never acts on it.
            await self._finish(
                row,
                "skipped",
                rule.revision,
                ["the task is not the rule's project's"],
                outcome="skipped",
            )
            return
        outcome = Outcome()
        try:
            task = await self._task(row.task, rule, row)
            if task is None:
                await self._finish(
                    row, "skipped", rule.revision, ["the task no longer exists"], outcome="skipped"
                )
                return
            facts = await self._facts(row, task, rule)
            outcome.facts = facts
            if not matches(rule.spec, facts):
                await self._finish(
                    row,
                    "skipped",
                    rule.revision,
                    ["conditions not met"],
                    outcome="conditions_not_met",
                )
                return
            for i, action in enumerate(rule.spec.actions):
                try:
                    task = await self._act(rule, row, task, action, i, outcome)
                except Exception:
                    metrics.AUTOMATION_RULE_ACTIONS.labels(action.kind.value, "failed").inc()
                    raise
                metrics.AUTOMATION_RULE_ACTIONS.labels(action.kind.value, "done").inc()
        except grpc.RpcError as error:
            code = error.code() if callable(getattr(error, "code", None)) else None
            detail = error.details() if callable(getattr(error, "details", None)) else str(error)
            message = f"{code.name if code else 'ERROR'}: {detail}"
            if code in TRANSIENT and row.attempt_count < self.settings.max_attempts:
                wait = backoff_seconds(
                    row.attempt_count,
                    base=self.settings.backoff_base_seconds,
                    cap=self.settings.backoff_cap_seconds,
                )
                log.warning(
                    "%s run for %s will retry in %.1f s: %s",
                    rule.name,
                    row.event_id,
                    wait,
                    message,
                )
                async with transaction(self.pool) as conn:
                    await store.finish_run(
                        conn,
                        row.id,
                        state="pending",
                        revision=rule.revision,
                        results=outcome.results,
                        error=message,
                        retry_in_seconds=wait,
                    )
                self._count(row, "retried")
                return
            await self._finish(
                row, "failed", rule.revision, outcome.results, error=message, outcome="failed"
            )
            return
        except ActionFailed as error:
            await self._finish(
                row, "failed", rule.revision, outcome.results, error=str(error), outcome="failed"
            )
            return
        fired = automation_events_pb2.RuleFired(
            id=str(uuid.uuid5(NAMESPACE, f"fired:{rule.name}:{row.event_id}")),
            project=f"projects/{rule.project}",
            rule=rule.name,
            revision=rule.revision,
            cause_event_id=row.event_id,
            cause_event_type=row.event_type,
            task=row.task,
            results=outcome.results,
        )
        fired.time.GetCurrentTime()
        outcome.events.append((fired.id, RULE_FIRED, rule.name, fired.SerializeToString()))
        await self._finish(
            row,
            "succeeded",
            rule.revision,
            outcome.results,
            events=outcome.events,
            outcome="fired",
        )
        log.info("%s fired for %s: %s", rule.name, row.event_id, "; ".join(outcome.results))

    async def _finish(
        self,
        row: RunRow,
        state: str,
        revision: int,
        results: list[str],
        *,
        error: str = "",
        events: list[tuple[str, str, str, bytes]] | None = None,
        outcome: str,
    ) -> None:
        async with transaction(self.pool) as conn:
            await store.finish_run(
                conn, row.id, state=state, revision=revision, results=results, error=error
            )
            for event_id, subject, aggregate, payload in events or []:
                await store.enqueue_event(
                    conn, event_id=event_id, subject=subject, aggregate=aggregate, payload=payload
                )
        self.finished += 1
        self._count(row, outcome)

    @staticmethod
    def _count(row: RunRow, outcome: str) -> None:
        trigger = TRIGGERS.get(row.event_type, "other")
        metrics.AUTOMATION_RULE_RUNS.labels(trigger, outcome).inc()

    def _md(self, rule: RuleRecord, row: RunRow) -> tuple[tuple[str, str], ...]:
        return metadata_for(
            self.core.key,
            rule=rule.name,
            rule_revision=str(rule.revision),
            reference=f"events/{row.event_id}",
        )

    async def _task(self, name: str, rule: RuleRecord, row: RunRow) -> task_pb2.Task | None:
        try:
            reply = await self.core.tasks.GetTask(
                task_service_pb2.GetTaskRequest(name=name),
                metadata=self._md(rule, row),
                timeout=self.core.timeout,
            )
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise
        task: task_pb2.Task = reply.task
        return task

    async def _facts(self, row: RunRow, current: task_pb2.Task, rule: RuleRecord) -> Facts:
        """The task as the event left it (the current one for alerts), with the event's own
        facts and, only when a condition asks, whether it is on the critical path."""
        incoming = parse(_subject(row.event_type), row.payload)
        message = incoming.message if incoming else None
        facts = convert.facts(current)
        if isinstance(message, events_pb2.ChangeEvent) and message.HasField("task"):
            facts = convert.facts(message.task, from_state=message.transition.from_state)
        elif isinstance(message, automation_events_pb2.TaskDue):
            facts = convert.facts(message.task)
        elif isinstance(message, risk_events_pb2.AlertRaised):
            facts = convert.facts(current, alert_kind=message.alert.kind)
        if needs_critical_path(rule.spec):
            critical = await self._critical_path(rule, row)
            facts = Facts(**{**facts.__dict__, "critical_path": row.task in critical})
        return facts

    async def _critical_path(self, rule: RuleRecord, row: RunRow) -> set[str]:
        """The critical path of the project's newest proposal that is not a what-if."""
        if self.planner is None:
            return set()
        stub = planner_service_pb2_grpc.PlannerServiceStub(self.planner)  # type: ignore[no-untyped-call]
        reply = await stub.ListProposals(
            planner_service_pb2.ListProposalsRequest(
                parent=f"projects/{rule.project}", page_size=20
            ),
            metadata=self._md(rule, row),
            timeout=self.core.timeout,
        )
        for proposal in reply.proposals:
            if not proposal.what_if:
                return set(proposal.critical_path)
        return set()

    async def _act(
        self,
        rule: RuleRecord,
        row: RunRow,
        task: task_pb2.Task,
        action: Action,
        index: int,
        outcome: Outcome,
    ) -> task_pb2.Task:
        md = self._md(rule, row)
        timeout = self.core.timeout
        request_id = str(uuid.uuid5(NAMESPACE, f"{rule.name}:{row.event_id}:{index}"))
        text = render(
            action.body,
            task=task.name,
            title=task.title,
            rule=rule.name,
            event=row.event_type,
        )
        note = outcome.results.append
        if action.kind == ActionKind.MOVE_TO_STATE:
            if task.state == action.state:
                note(f"already in {action.state}")
                return task
            moved = await self.core.tasks.TransitionTask(
                task_service_pb2.TransitionTaskRequest(
                    name=task.name,
                    to_state=action.state,
                    etag=task.etag,
                    comment=action.comment or f"by {rule.name}",
                ),
                metadata=md,
                timeout=timeout,
            )
            note(f"moved to {action.state}")
            after: task_pb2.Task = moved.task
            return after
        if action.kind == ActionKind.ASSIGN:
            person = action.person or await self._member_with(rule, row, action.role)
            if not person:
                note(f"no {action.role} in the project to assign")
                return task
            if task.assignee == person:
                note(f"already assigned to {person}")
                return task
            changed = task_pb2.Task(name=task.name, assignee=person, etag=task.etag)
            updated = await self.core.tasks.UpdateTask(
                task_service_pb2.UpdateTaskRequest(
                    task=changed, update_mask=field_mask_pb2.FieldMask(paths=["assignee"])
                ),
                metadata=md,
                timeout=timeout,
            )
            note(f"assigned to {person}")
            assigned: task_pb2.Task = updated.task
            return assigned
        if action.kind == ActionKind.SET_FIELD:
            change = convert.field_update(task, action.field, action.value)
            if change is None:
                note(f"{action.field} already {action.value}")
                return task
            new, path = change
            updated = await self.core.tasks.UpdateTask(
                task_service_pb2.UpdateTaskRequest(
                    task=new, update_mask=field_mask_pb2.FieldMask(paths=[path])
                ),
                metadata=md,
                timeout=timeout,
            )
            note(f"set {action.field} {action.value}".rstrip())
            changed_task: task_pb2.Task = updated.task
            return changed_task
        if action.kind == ActionKind.ADD_COMMENT:
            await self._comment(task.name, text, request_id=request_id, md=md)
            note("commented")
            return task
        if action.kind == ActionKind.SEND_WEBHOOK:
            await self._send_webhook(rule, row, task, action, request_id, facts=outcome.facts)
            note(f"sent to {action.webhook}")
            return task
        if action.kind == ActionKind.REQUEST_REPLAN:
            proposal = await self._replan(rule, action, request_id=request_id, md=md)
            note(f"requested {proposal}")
            return task
        managers = await self._members(rule, row, "manager")
        mentions = " ".join(f"@{m}" for m in managers)
        await self._comment(
            task.name, f"{mentions}: {text}" if mentions else text, request_id=request_id, md=md
        )
        notified = automation_events_pb2.ManagersNotified(
            id=request_id,
            project=f"projects/{rule.project}",
            rule=rule.name,
            task=task.name,
            managers=managers,
            message=text,
        )
        notified.time.GetCurrentTime()
        outcome.events.append(
            (notified.id, MANAGERS_NOTIFIED, task.name, notified.SerializeToString())
        )
        note(f"notified {', '.join(managers) or 'no managers (none in the project)'}")
        return task

    async def _comment(
        self, task: str, body: str, *, request_id: str, md: tuple[tuple[str, str], ...]
    ) -> None:
        await self.core.tasks.CreateComment(
            task_service_pb2.CreateCommentRequest(
                parent=task, comment=task_pb2.Comment(body=body[:10_000]), request_id=request_id
            ),
            metadata=md,
            timeout=self.core.timeout,
        )

    async def _members(self, rule: RuleRecord, row: RunRow, role: str) -> list[str]:
        wanted = convert.ROLE_PROTOS[role]
        found: list[str] = []
        token = ""
        while True:
            page = await self.core.projects.ListMemberships(
                project_service_pb2.ListMembershipsRequest(
                    parent=f"projects/{rule.project}", page_size=500, page_token=token
                ),
                metadata=self._md(rule, row),
                timeout=self.core.timeout,
            )
            found += [
                m.member
                for m in page.memberships
                if wanted in m.roles and m.member.startswith("people/")
            ]
            token = page.next_page_token
            if not token:
                return sorted(found)

    async def _member_with(self, rule: RuleRecord, row: RunRow, role: str) -> str:
        members = await self._members(rule, row, role)
        return members[0] if members else ""

    async def _send_webhook(
        self,
        rule: RuleRecord,
        row: RunRow,
        task: task_pb2.Task,
        action: Action,
        event_id: str,
        *,
        facts: Facts,
    ) -> None:
        webhook_id = int(action.webhook.rsplit("/", 1)[1])
        fired = automation_events_pb2.RuleFired(
            id=event_id,
            project=f"projects/{rule.project}",
            rule=rule.name,
            revision=rule.revision,
            cause_event_id=row.event_id,
            cause_event_type=row.event_type,
            task=task.name,
        )
        now = dt.datetime.now(dt.UTC)
        fired.time.FromDatetime(now)
        async with transaction(self.pool) as conn:
            hook = await store.webhook(conn, rule.project, webhook_id=webhook_id)
            if hook is None:
                raise ActionFailed(f"{action.webhook} does not exist (any more)")
            kind = platforms.kind_of(hook.kind)
            if kind == platforms.Kind.GENERIC:
                body = convert.body(
                    event_id=event_id,
                    event_type="automation.rule.fired",
                    project=f"projects/{rule.project}",
                    time=now,
                    data=fired,
                )
            else:
                cause = parse(_subject(row.event_type), row.payload)
                notice = notices.of_rule(
                    rule=rule.display_name,
                    project=rule.project,
                    cause=cause.message if cause else None,
                    task=task,
                    critical_path=facts.critical_path,
                    console_url=self.console_url,
                )
                body = platforms.message(kind, notice, language=hook.language)
            await store.queue_delivery(
                conn,
                webhook_id=webhook_id,
                project=rule.project,
                event_id=event_id,
                event_type="automation.rule.fired",
                body=body,
            )

    async def _replan(
        self,
        rule: RuleRecord,
        action: Action,
        *,
        request_id: str,
        md: tuple[tuple[str, str], ...],
    ) -> str:
        if self.planner is None:
            raise ActionFailed("request_replan: no planner is configured (PLANOPS_PLANNER_ADDRESS)")
        limit = action.time_limit_seconds or 10.0
        stub = planner_service_pb2_grpc.PlannerServiceStub(self.planner)  # type: ignore[no-untyped-call]
        reply = await stub.ProposeSchedule(
            planner_service_pb2.ProposeScheduleRequest(
                project=f"projects/{rule.project}",
                time_limit_seconds=limit,
                request_id=request_id,
            ),
            metadata=md,
            timeout=limit + 30,
        )
        return str(reply.proposal.name)


def _subject(event_type: str) -> str:
    service, _, rest = event_type.partition(".")
    return f"planops.{service}.v1.{rest}"
