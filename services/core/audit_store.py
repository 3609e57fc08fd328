"""SQL for reading the audit log, returning typed rows; `store.record` writes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from psycopg.rows import class_row

from services.common.db import Connection


@dataclass(frozen=True)
class AuditRow:
    id: int
    time: dt.datetime
    actor: dict[str, str]
    request_id: str
    method: str
    resource: str
    project: str | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditQuery:
    """Which entries to list; an empty text or None matches every entry."""

    project: str | None = None
    # The resource itself and everything under it (a task and its comments).
    resource: str = ""
    actor: str = ""
    action: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None


async def page(
    conn: Connection, query: AuditQuery, *, before_id: int | None, limit: int
) -> list[AuditRow]:
    """Entries newest first, with ids below `before_id` when it is set."""
    cur = conn.cursor(row_factory=class_row(AuditRow))
    return await (
        await cur.execute(
            "SELECT id, time, actor, request_id, method, resource, project, action, before, after"
            " FROM audit_log WHERE id < %s"
            " AND (%s::text IS NULL OR project = %s)"
            " AND (%s = '' OR resource = %s OR resource LIKE %s)"
            " AND (%s = '' OR actor->>'id' = %s)"
            " AND (%s = '' OR action = %s)"
            " AND (%s::timestamptz IS NULL OR time >= %s)"
            " AND (%s::timestamptz IS NULL OR time < %s)"
            " ORDER BY id DESC LIMIT %s",
            (
                2**62 if before_id is None else before_id,
                query.project,
                query.project,
                query.resource,
                query.resource,
                _under(query.resource),
                query.actor,
                query.actor,
                query.action,
                query.action,
                query.start,
                query.start,
                query.end,
                query.end,
                limit,
            ),
        )
    ).fetchall()


def _under(resource: str) -> str:
    """A LIKE pattern for the resources below `resource`, its wildcards escaped."""
    escaped = resource.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}/%"
