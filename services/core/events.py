"""Core's event stream: where its outbox goes, and how far behind the relay is."""

from __future__ import annotations

import psycopg
from planops.core.v1 import events_pb2

from services.common.outbox import Outbox


def request_id_of(payload: bytes) -> str:
    return str(events_pb2.ChangeEvent.FromString(payload).request_id)


STREAM = "PLANOPS_CORE"
OUTBOX = Outbox(
    schema="core", stream=STREAM, subjects=("planops.core.v1.>",), request_id_of=request_id_of
)


async def backlog(database_url: str) -> int:
    """Committed events not yet acknowledged by JetStream."""
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        row = await (
            await conn.execute("SELECT count(*) FROM core.outbox WHERE sent_time IS NULL")
        ).fetchone()
        return int(row[0]) if row else 0
