"""Core's event stream: where its outbox goes, and how far behind the relay is."""

from __future__ import annotations

import psycopg

from services.common.outbox import Outbox

STREAM = "PLANOPS_CORE"
OUTBOX = Outbox(schema="core", stream=STREAM, subjects=("planops.core.v1.>",))


async def backlog(database_url: str) -> int:
    """Committed events not yet acknowledged by JetStream."""
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        row = await (
            await conn.execute("SELECT count(*) FROM core.outbox WHERE sent_time IS NULL")
        ).fetchone()
        return int(row[0]) if row else 0
