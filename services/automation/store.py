"""Automation's own tables (schema `automation`): what it learned from events, webhooks and
their deliveries, rules with their revisions and runs, and its outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from psycopg.rows import class_row, scalar_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from services.automation.rules import RuleSpec, Trigger
from services.common.db import Connection

Pool = AsyncConnectionPool[Connection]
WORK_CHANNEL = "planops_automation_work"


# ------------------------------------------------------------------------------ rows


@dataclass(frozen=True)
class DueTask:
    """An open task due soon or overdue, with the notice `kind` still to publish."""

    task: str
    project: str
    due_date: dt.date
    payload: bytes
    today: dt.date
    kind: str


@dataclass(frozen=True)
class WebhookRow:
    id: int
    project: str
    url: str
    event_types: list[str]
    description: str
    enabled: bool
    secret: str
    creator: str
    request_id: str | None
    create_time: dt.datetime
    deleted: bool
    kind: str
    language: str


@dataclass(frozen=True)
class Subscriber:
    """An enabled webhook, as the consumer needs it to queue a delivery."""

    id: int
    event_types: list[str]
    kind: str
    language: str


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    webhook_id: int
    project: str
    event_id: str
    event_type: str
    body: bytes
    state: str
    attempt_count: int
    next_attempt_time: dt.datetime
    create_time: dt.datetime


@dataclass(frozen=True)
class ClaimedDelivery(DeliveryRow):
    """A delivery leased to a worker, with what sending it needs from its webhook."""

    url: str
    secret: str
    kind: str


@dataclass(frozen=True)
class AttemptRow:
    delivery_id: int
    number: int
    time: dt.datetime
    http_status: int
    latency_ms: float
    error: str
    platform_code: int
    platform_message: str


@dataclass(frozen=True)
class ListedDelivery(DeliveryRow):
    """A delivery as the API lists it, with its attempts in order."""

    attempts: tuple[AttemptRow, ...] = ()


@dataclass(frozen=True)
class RunRow:
    id: int
    project: str
    rule_id: str
    event_id: str
    event_type: str
    task: str
    payload: bytes
    revision: int
    state: str
    attempt_count: int
    next_attempt_time: dt.datetime
    results: list[str]
    error: str
    create_time: dt.datetime
    finish_time: dt.datetime | None


# ----------------------------------------------------------------------- events and facts


async def claim_event(conn: Connection, *, event_id: str, event_type: str) -> bool:
    """True the first time an event id is seen; the row commits with the event's effects."""
    cur = await conn.execute(
        "INSERT INTO processed_events (event_id, event_type) VALUES (%s, %s)"
        " ON CONFLICT DO NOTHING RETURNING event_id",
        (event_id, event_type),
    )
    return await cur.fetchone() is not None


async def forget_events(conn: Connection, *, older_than_hours: float) -> int:
    """Drop ids of events older than the streams keep (JetStream cannot redeliver them)."""
    cur = await conn.execute(
        "DELETE FROM processed_events WHERE processed_time < now() - make_interval(secs => %s)",
        (older_than_hours * 3600,),
    )
    return cur.rowcount


async def put_project(
    conn: Connection,
    *,
    project: str,
    version: int,
    categories: Mapping[str, str],
    time_zone: str,
    deleted: bool,
) -> None:
    await conn.execute(
        "INSERT INTO projects (project, version, categories, time_zone, deleted)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (project) DO UPDATE SET"
        " version = EXCLUDED.version, categories = EXCLUDED.categories,"
        " time_zone = EXCLUDED.time_zone, deleted = EXCLUDED.deleted"
        " WHERE projects.version < EXCLUDED.version",
        (project, version, Jsonb(dict(categories)), time_zone or "UTC", deleted),
    )


async def categories(conn: Connection, project: str) -> dict[str, str]:
    cur = conn.cursor(row_factory=scalar_row)
    found = await (
        await cur.execute("SELECT categories FROM projects WHERE project = %s", (project,))
    ).fetchone()
    return dict(found) if found is not None else {}


async def purge_project(conn: Connection, project: str) -> int:
    """Delete everything kept for a deleted project: its rules with their history and runs,
    its webhooks (URLs and signing secrets) with their deliveries, the tasks and due
    notices the scheduler kept; rows deleted. The project row stays, marked deleted, so an
    older event about it cannot bring it back."""
    removed = 0
    for statement in (
        # delivery_attempts go with their deliveries (ON DELETE CASCADE).
        "DELETE FROM deliveries WHERE project = %s",
        "DELETE FROM webhooks WHERE project = %s",
        "DELETE FROM rule_runs WHERE project = %s",
        "DELETE FROM rule_revisions WHERE project = %s",
        "DELETE FROM rules WHERE project = %s",
        "DELETE FROM tasks WHERE project = %s",
    ):
        removed += (await conn.execute(statement, (project,))).rowcount
    cur = await conn.execute(
        "DELETE FROM due_notices WHERE starts_with(task, %s)", (f"projects/{project}/",)
    )
    return removed + cur.rowcount


async def project_deleted(conn: Connection, project: str) -> bool:
    """Whether the project is known here as deleted (its events may still arrive late)."""
    cur = conn.cursor(row_factory=scalar_row)
    found = await (
        await cur.execute("SELECT deleted FROM projects WHERE project = %s", (project,))
    ).fetchone()
    return bool(found)


async def put_task(
    conn: Connection,
    *,
    task: str,
    project: str,
    version: int,
    due_date: dt.date | None,
    open: bool,
    payload: bytes,
) -> None:
    await conn.execute(
        "INSERT INTO tasks (task, project, version, due_date, open, payload)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (task) DO UPDATE SET"
        " version = EXCLUDED.version, due_date = EXCLUDED.due_date, open = EXCLUDED.open,"
        " payload = EXCLUDED.payload WHERE tasks.version < EXCLUDED.version",
        (task, project, version, due_date, open, payload),
    )


async def task_payload(conn: Connection, task: str) -> bytes | None:
    """The task (a serialized core Task) as its latest event left it, if one came."""
    cur = conn.cursor(row_factory=scalar_row)
    found = await (
        await cur.execute("SELECT payload FROM tasks WHERE task = %s", (task,))
    ).fetchone()
    return bytes(found) if found is not None else None


async def try_lock_scheduler(conn: Connection) -> bool:
    """Whether this transaction won the due-date scheduler's lock (one replica at a time)."""
    cur = conn.cursor(row_factory=scalar_row)
    won = await (
        await cur.execute("SELECT pg_try_advisory_xact_lock(hashtext('automation-due-scheduler'))")
    ).fetchone()
    return bool(won)


async def due_tasks(conn: Connection, *, soon_days: int, limit: int = 500) -> list[DueTask]:
    """Open tasks whose due date is within `soon_days` of today (in the project's time zone)
    or passed, with the notice kind still to publish; at most one kind per task."""
    cur = await conn.cursor(row_factory=class_row(DueTask)).execute(
        "WITH d AS (SELECT t.task, t.project, t.due_date, t.payload,"
        " (now() AT TIME ZONE coalesce(p.time_zone, 'UTC'))::date AS today"
        " FROM tasks t LEFT JOIN projects p ON p.project = t.project"
        " WHERE t.open AND t.due_date IS NOT NULL AND NOT coalesce(p.deleted, false)),"
        " k AS (SELECT *, CASE WHEN due_date < today THEN 'overdue' ELSE 'due_soon' END AS kind"
        " FROM d WHERE due_date <= today + %s)"
        " SELECT * FROM k WHERE NOT EXISTS (SELECT 1 FROM due_notices n WHERE n.task = k.task"
        " AND n.due_date = k.due_date AND n.kind = k.kind) ORDER BY due_date, task LIMIT %s",
        (soon_days, limit),
    )
    return await cur.fetchall()


async def add_notice(
    conn: Connection, *, task: str, due_date: dt.date, kind: str, event_id: str
) -> bool:
    cur = await conn.execute(
        "INSERT INTO due_notices (task, due_date, kind, event_id) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING RETURNING task",
        (task, due_date, kind, event_id),
    )
    return await cur.fetchone() is not None


async def enqueue_event(
    conn: Connection, *, event_id: str, subject: str, aggregate: str, payload: bytes
) -> None:
    await conn.execute(
        "INSERT INTO outbox (event_id, subject, aggregate, payload) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (event_id) DO NOTHING",
        (event_id, subject, aggregate, payload),
    )


# ------------------------------------------------------------------------------ webhooks


async def insert_webhook(
    conn: Connection,
    *,
    project: str,
    url: str,
    event_types: Sequence[str],
    description: str,
    enabled: bool,
    secret: str,
    creator: str,
    request_id: str,
    kind: str = "generic",
    language: str = "",
) -> WebhookRow | None:
    """The new webhook, or None when `request_id` was used before in the project."""
    cur = await conn.cursor(row_factory=class_row(WebhookRow)).execute(
        "INSERT INTO webhooks (project, url, event_types, description, enabled, secret,"
        " creator, request_id, kind, language) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (project, request_id) DO NOTHING RETURNING *",
        (
            project,
            url,
            list(event_types),
            description,
            enabled,
            secret,
            creator,
            request_id or None,
            kind,
            language,
        ),
    )
    return await cur.fetchone()


async def webhook_by_request(
    conn: Connection, project: str, *, request_id: str
) -> WebhookRow | None:
    cur = await conn.cursor(row_factory=class_row(WebhookRow)).execute(
        "SELECT * FROM webhooks WHERE project = %s AND request_id = %s", (project, request_id)
    )
    return await cur.fetchone()


async def webhook(conn: Connection, project: str, *, webhook_id: int) -> WebhookRow | None:
    cur = await conn.cursor(row_factory=class_row(WebhookRow)).execute(
        "SELECT * FROM webhooks WHERE project = %s AND id = %s AND NOT deleted",
        (project, webhook_id),
    )
    return await cur.fetchone()


async def webhooks(conn: Connection, project: str, *, after: int, limit: int) -> list[WebhookRow]:
    cur = await conn.cursor(row_factory=class_row(WebhookRow)).execute(
        "SELECT * FROM webhooks WHERE project = %s AND NOT deleted AND id > %s"
        " ORDER BY id LIMIT %s",
        (project, after, limit),
    )
    return await cur.fetchall()


async def delete_webhook(conn: Connection, project: str, *, webhook_id: int) -> bool:
    cur = await conn.execute(
        "UPDATE webhooks SET deleted = true, enabled = false"
        " WHERE project = %s AND id = %s AND NOT deleted RETURNING id",
        (project, webhook_id),
    )
    if await cur.fetchone() is None:
        return False
    await conn.execute(
        "UPDATE deliveries SET state = 'failed' WHERE webhook_id = %s AND state = 'pending'",
        (webhook_id,),
    )
    return True


async def subscribers(conn: Connection, project: str) -> list[Subscriber]:
    cur = await conn.cursor(row_factory=class_row(Subscriber)).execute(
        "SELECT id, event_types, kind, language FROM webhooks"
        " WHERE project = %s AND enabled AND NOT deleted",
        (project,),
    )
    return await cur.fetchall()


async def queue_delivery(
    conn: Connection,
    *,
    webhook_id: int,
    project: str,
    event_id: str,
    event_type: str,
    body: bytes,
) -> bool:
    cur = await conn.execute(
        "INSERT INTO deliveries (webhook_id, project, event_id, event_type, body)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING id",
        (webhook_id, project, event_id, event_type, body),
    )
    return await cur.fetchone() is not None


async def claim_deliveries(
    conn: Connection,
    *,
    limit: int,
    lease_seconds: float,
    per_webhook: int,
    busy: Sequence[int] = (),
) -> list[ClaimedDelivery]:
    """Due deliveries, at most `per_webhook` of one webhook and none of the `busy` ones,
    hidden from other workers for `lease_seconds` while this one sends (a worker that dies
    mid-send leaves them to be tried again when the lease ends)."""
    cur = await conn.cursor(row_factory=class_row(ClaimedDelivery)).execute(
        "WITH ranked AS (SELECT id, next_attempt_time, row_number() OVER"
        " (PARTITION BY webhook_id ORDER BY next_attempt_time, id) AS n FROM deliveries"
        " WHERE state = 'pending' AND next_attempt_time <= now()"
        " AND NOT (webhook_id = ANY(%s))),"
        " due AS (SELECT d.id FROM deliveries d JOIN ranked r ON r.id = d.id"
        " WHERE r.n <= %s ORDER BY r.next_attempt_time LIMIT %s FOR UPDATE OF d SKIP LOCKED)"
        " UPDATE deliveries d SET next_attempt_time = now() + make_interval(secs => %s),"
        " attempt_count = d.attempt_count + 1 FROM due, webhooks w"
        " WHERE d.id = due.id AND w.id = d.webhook_id"
        " RETURNING d.*, w.url, w.secret, w.kind",
        (list(busy), per_webhook, limit, lease_seconds),
    )
    return await cur.fetchall()


async def record_attempt(
    conn: Connection,
    *,
    delivery_id: int,
    number: int,
    time: dt.datetime,
    http_status: int,
    latency_ms: float,
    error: str,
    state: str,
    retry_in_seconds: float,
    platform_code: int = 0,
    platform_message: str = "",
) -> None:
    # The delivery may be gone with its project meanwhile; the lock keeps it until commit.
    cur = await conn.execute("SELECT 1 FROM deliveries WHERE id = %s FOR UPDATE", (delivery_id,))
    if await cur.fetchone() is None:
        return
    await conn.execute(
        "INSERT INTO delivery_attempts (delivery_id, number, time, http_status, latency_ms,"
        " error, platform_code, platform_message) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (
            delivery_id,
            number,
            time,
            http_status,
            latency_ms,
            error[:1000],
            platform_code,
            platform_message[:1000],
        ),
    )
    await conn.execute(
        "UPDATE deliveries SET state = %s,"
        " next_attempt_time = now() + make_interval(secs => %s) WHERE id = %s",
        (state, retry_in_seconds, delivery_id),
    )


@dataclass(frozen=True)
class _DeliveryWithJson(DeliveryRow):
    attempts: list[dict[str, Any]]


async def deliveries(
    conn: Connection, webhook_id: int, *, state: str, before: int | None, limit: int
) -> list[ListedDelivery]:
    # One statement, so the attempts agree with the delivery's state and count.
    cur = conn.cursor(row_factory=class_row(_DeliveryWithJson))
    found = await (
        await cur.execute(
            "SELECT d.*, coalesce((SELECT json_agg(a ORDER BY a.number) FROM delivery_attempts a"
            " WHERE a.delivery_id = d.id), '[]') AS attempts FROM deliveries d"
            " WHERE d.webhook_id = %s AND (%s = '' OR d.state = %s) AND (%s::bigint IS NULL"
            " OR d.id < %s) ORDER BY d.id DESC LIMIT %s",
            (webhook_id, state, state, before, before, limit),
        )
    ).fetchall()
    columns = [f.name for f in fields(DeliveryRow)]
    return [
        ListedDelivery(
            **{c: getattr(d, c) for c in columns},
            attempts=tuple(_attempt(a) for a in d.attempts),
        )
        for d in found
    ]


def _attempt(data: Mapping[str, Any]) -> AttemptRow:
    """An attempt as `json_agg` wrote it (its time as ISO text)."""
    return AttemptRow(
        delivery_id=int(data["delivery_id"]),
        number=int(data["number"]),
        time=dt.datetime.fromisoformat(data["time"]),
        http_status=int(data["http_status"]),
        latency_ms=float(data["latency_ms"]),
        error=str(data["error"]),
        platform_code=int(data.get("platform_code", 0)),
        platform_message=str(data.get("platform_message", "")),
    )


async def redeliver(
    conn: Connection, webhook_id: int, *, delivery_id: int
) -> ListedDelivery | None:
    cur = await conn.execute(
        "UPDATE deliveries SET state = 'pending', next_attempt_time = now()"
        " WHERE webhook_id = %s AND id = %s RETURNING id",
        (webhook_id, delivery_id),
    )
    if await cur.fetchone() is None:
        return None
    await conn.execute("SELECT pg_notify(%s, 'deliveries')", (WORK_CHANNEL,))
    found = await deliveries(conn, webhook_id, state="", before=delivery_id + 1, limit=1)
    return found[0] if found else None


# ------------------------------------------------------------------------------ rules


@dataclass(frozen=True)
class RuleRecord:
    project: str
    rule_id: str
    revision: int
    display_name: str
    description: str
    enabled: bool
    spec: RuleSpec
    default_rule: str
    create_time: dt.datetime
    update_time: dt.datetime

    @property
    def name(self) -> str:
        return f"projects/{self.project}/rules/{self.rule_id}"

    @classmethod
    def of(cls, row: RuleRow) -> RuleRecord:
        return cls(
            project=row.project,
            rule_id=row.rule_id,
            revision=row.revision,
            display_name=row.display_name,
            description=row.description,
            enabled=row.enabled,
            spec=RuleSpec.from_json(row.spec),
            default_rule=row.default_rule,
            create_time=row.create_time,
            update_time=row.update_time,
        )

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], *, project: str, rule_id: str, revision: int
    ) -> RuleRecord:
        """The rule as a revision kept it (`to_json`)."""
        return cls(
            project=project,
            rule_id=rule_id,
            revision=revision,
            display_name=data["display_name"],
            description=data["description"],
            enabled=data["enabled"],
            spec=RuleSpec.from_json(data["spec"]),
            default_rule=data.get("default_rule", ""),
            create_time=dt.datetime.fromisoformat(data["create_time"]),
            update_time=dt.datetime.fromisoformat(data["update_time"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "display_name": self.display_name,
            "description": self.description,
            "enabled": self.enabled,
            "spec": self.spec.to_json(),
            "default_rule": self.default_rule,
            "create_time": self.create_time.isoformat(),
            "update_time": self.update_time.isoformat(),
        }


@dataclass(frozen=True)
class RuleRow:
    """A `rules` row; `RuleRecord.of` reads its spec."""

    project: str
    rule_id: str
    revision: int
    display_name: str
    description: str
    enabled: bool
    trigger: str
    spec: dict[str, Any]
    default_rule: str
    create_time: dt.datetime
    update_time: dt.datetime
    deleted: bool


@dataclass(frozen=True)
class RevisionRow:
    project: str
    rule_id: str
    revision: int
    action: str
    actor: str
    time: dt.datetime
    rule: dict[str, Any]

    @property
    def record(self) -> RuleRecord:
        """The rule as this revision left it."""
        return RuleRecord.from_json(
            self.rule, project=self.project, rule_id=self.rule_id, revision=self.revision
        )


async def lock_rules(conn: Connection, project: str) -> None:
    """Serialise rule changes of one project, so two rules created at once cannot form a
    loop that neither saw."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"rules:{project}",))


async def rule(
    conn: Connection, project: str, *, rule_id: str, lock: bool = False
) -> RuleRecord | None:
    cur = await conn.cursor(row_factory=class_row(RuleRow)).execute(
        "SELECT * FROM rules WHERE project = %s AND rule_id = %s AND NOT deleted"
        + (" FOR UPDATE" if lock else ""),
        (project, rule_id),
    )
    found = await cur.fetchone()
    return RuleRecord.of(found) if found else None


async def rules(
    conn: Connection, project: str, *, after: str = "", limit: int = 10_000
) -> list[RuleRecord]:
    cur = await conn.cursor(row_factory=class_row(RuleRow)).execute(
        "SELECT * FROM rules WHERE project = %s AND NOT deleted AND rule_id > %s"
        " ORDER BY rule_id LIMIT %s",
        (project, after, limit),
    )
    return [RuleRecord.of(r) for r in await cur.fetchall()]


async def rules_for(conn: Connection, project: str, *, trigger: Trigger) -> list[RuleRecord]:
    cur = await conn.cursor(row_factory=class_row(RuleRow)).execute(
        "SELECT * FROM rules WHERE project = %s AND trigger = %s AND enabled AND NOT deleted",
        (project, trigger.value),
    )
    return [RuleRecord.of(r) for r in await cur.fetchall()]


async def save_rule(conn: Connection, record: RuleRecord, *, action: str, actor: str) -> RuleRecord:
    """Insert or replace the rule and append its revision, in the caller's transaction."""
    cur = await conn.cursor(row_factory=class_row(RuleRow)).execute(
        "INSERT INTO rules (project, rule_id, revision, display_name, description, enabled,"
        " trigger, spec, default_rule, deleted) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (project, rule_id) DO UPDATE SET revision = EXCLUDED.revision,"
        " display_name = EXCLUDED.display_name, description = EXCLUDED.description,"
        " enabled = EXCLUDED.enabled, trigger = EXCLUDED.trigger, spec = EXCLUDED.spec,"
        " default_rule = EXCLUDED.default_rule, deleted = EXCLUDED.deleted,"
        " update_time = now(),"
        " create_time = CASE WHEN rules.deleted THEN now() ELSE rules.create_time END"
        " RETURNING *",
        (
            record.project,
            record.rule_id,
            record.revision,
            record.display_name,
            record.description,
            record.enabled,
            record.spec.trigger.value,
            Jsonb(record.spec.to_json()),
            record.default_rule,
            action == "deleted",
        ),
    )
    row = await cur.fetchone()
    assert row is not None
    saved = RuleRecord.of(row)
    await conn.execute(
        "INSERT INTO rule_revisions (project, rule_id, revision, action, actor, rule)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (saved.project, saved.rule_id, saved.revision, action, actor, Jsonb(saved.to_json())),
    )
    return saved


async def latest_revision(conn: Connection, project: str, *, rule_id: str) -> int:
    cur = conn.cursor(row_factory=scalar_row)
    found = await (
        await cur.execute(
            "SELECT coalesce(max(revision), 0) FROM rule_revisions"
            " WHERE project = %s AND rule_id = %s",
            (project, rule_id),
        )
    ).fetchone()
    return int(found) if found is not None else 0


async def revisions(
    conn: Connection, project: str, *, rule_id: str, after: int, limit: int
) -> list[RevisionRow]:
    cur = await conn.cursor(row_factory=class_row(RevisionRow)).execute(
        "SELECT * FROM rule_revisions WHERE project = %s AND rule_id = %s AND revision > %s"
        " ORDER BY revision LIMIT %s",
        (project, rule_id, after, limit),
    )
    return await cur.fetchall()


async def queue_run(
    conn: Connection,
    *,
    project: str,
    rule_id: str,
    revision: int,
    event_id: str,
    event_type: str,
    task: str,
    payload: bytes,
) -> bool:
    """False when the rule already has a run for this event: it never fires twice."""
    cur = await conn.execute(
        "INSERT INTO rule_runs (project, rule_id, revision, event_id, event_type, task, payload)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (project, rule_id, event_id) DO NOTHING RETURNING id",
        (project, rule_id, revision, event_id, event_type, task, payload),
    )
    return await cur.fetchone() is not None


async def claim_runs(conn: Connection, *, limit: int, lease_seconds: float) -> list[RunRow]:
    cur = await conn.cursor(row_factory=class_row(RunRow)).execute(
        "WITH due AS (SELECT id FROM rule_runs WHERE state = 'pending'"
        " AND next_attempt_time <= now() ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)"
        " UPDATE rule_runs r SET next_attempt_time = now() + make_interval(secs => %s),"
        " attempt_count = r.attempt_count + 1 FROM due WHERE r.id = due.id RETURNING r.*",
        (limit, lease_seconds),
    )
    return sorted(await cur.fetchall(), key=lambda r: r.id)


async def finish_run(
    conn: Connection,
    run_id: int,
    *,
    state: str,
    revision: int,
    results: Sequence[str],
    error: str = "",
    retry_in_seconds: float | None = None,
) -> None:
    if retry_in_seconds is not None:
        await conn.execute(
            "UPDATE rule_runs SET error = %s, results = %s,"
            " next_attempt_time = now() + make_interval(secs => %s) WHERE id = %s",
            (error[:1000], list(results), retry_in_seconds, run_id),
        )
        return
    await conn.execute(
        "UPDATE rule_runs SET state = %s, revision = %s, results = %s, error = %s,"
        " finish_time = now() WHERE id = %s",
        (state, revision, list(results), error[:1000], run_id),
    )


async def runs(
    conn: Connection, project: str, *, rule_id: str, before: int | None, limit: int
) -> list[RunRow]:
    cur = await conn.cursor(row_factory=class_row(RunRow)).execute(
        "SELECT * FROM rule_runs WHERE project = %s AND rule_id = %s"
        " AND (%s::bigint IS NULL OR id < %s) ORDER BY id DESC LIMIT %s",
        (project, rule_id, before, before, limit),
    )
    return await cur.fetchall()


@dataclass(frozen=True)
class Waiting:
    deliveries: int
    runs: int


async def waiting(conn: Connection) -> tuple[int, int]:
    """(deliveries, rule runs) PENDING: due now or waiting for a retry."""
    cur = conn.cursor(row_factory=class_row(Waiting))
    found = await (
        await cur.execute(
            "SELECT (SELECT count(*) FROM deliveries WHERE state = 'pending') AS deliveries,"
            " (SELECT count(*) FROM rule_runs WHERE state = 'pending') AS runs"
        )
    ).fetchone()
    return (found.deliveries, found.runs) if found else (0, 0)
