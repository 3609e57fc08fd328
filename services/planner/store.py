"""The `planner` schema: proposals and their items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from psycopg.types.json import Jsonb

from services.common.db import Connection

Json = dict[str, Any]


@dataclass(frozen=True)
class ItemRecord:
    """One task's plan; `plan` holds the rest of the item in the proto's JSON mapping."""

    task: str
    state: str
    plan: Json


@dataclass(frozen=True)
class ProposalRecord:
    project: str
    requester: str
    state: str
    what_if: bool
    duration_source: str
    finish_date: date | None
    deadline: date | None
    critical_path: tuple[str, ...]
    notes: tuple[str, ...]
    solve: Json
    loads: tuple[Json, ...]
    diagnoses: tuple[Json, ...]
    items: tuple[ItemRecord, ...]
    risk_forecast: Json | None = None
    confidence: Json | None = None
    id: int = 0
    create_time: datetime | None = None

    @property
    def name(self) -> str:
        return f"projects/{self.project}/proposals/{self.id}"


async def insert_proposal(
    conn: Connection, proposal: ProposalRecord, *, request_id: str
) -> ProposalRecord:
    """Store a new proposal; with a `request_id` already used in the project, the stored one."""
    row = await (
        await conn.execute(
            "INSERT INTO proposals (project_id, request_id, requester, state, what_if,"
            " duration_source, finish_date, deadline, critical_path, notes, solve, loads,"
            " diagnoses, risk_forecast, confidence)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (project_id, request_id) DO NOTHING RETURNING id, create_time",
            (
                proposal.project,
                request_id or None,
                proposal.requester,
                proposal.state,
                proposal.what_if,
                proposal.duration_source,
                proposal.finish_date,
                proposal.deadline,
                list(proposal.critical_path),
                list(proposal.notes),
                Jsonb(proposal.solve),
                Jsonb(list(proposal.loads)),
                Jsonb(list(proposal.diagnoses)),
                None if proposal.risk_forecast is None else Jsonb(proposal.risk_forecast),
                None if proposal.confidence is None else Jsonb(proposal.confidence),
            ),
        )
    ).fetchone()
    if row is None:
        earlier = await proposal_by_request(conn, proposal.project, request_id)
        assert earlier is not None
        return earlier
    if proposal.items:
        async with conn.cursor() as cur:
            await cur.executemany(
                "INSERT INTO proposal_items (proposal_id, position, task, state, plan)"
                " VALUES (%s, %s, %s, %s, %s)",
                [
                    (row["id"], position, item.task, item.state, Jsonb(item.plan))
                    for position, item in enumerate(proposal.items)
                ],
            )
    return replace(proposal, id=row["id"], create_time=row["create_time"])


async def proposal_by_request(
    conn: Connection, project: str, request_id: str
) -> ProposalRecord | None:
    if not request_id:
        return None
    row = await (
        await conn.execute(
            "SELECT id FROM proposals WHERE project_id = %s AND request_id = %s",
            (project, request_id),
        )
    ).fetchone()
    return None if row is None else await get_proposal(conn, project, row["id"])


async def get_proposal(
    conn: Connection, project: str, proposal_id: int, *, lock: bool = False
) -> ProposalRecord | None:
    """The proposal with its items; `lock` holds its row until the transaction ends."""
    row = await (
        await conn.execute(
            "SELECT * FROM proposals WHERE id = %s AND project_id = %s"
            + (" FOR UPDATE" if lock else ""),
            (proposal_id, project),
        )
    ).fetchone()
    if row is None:
        return None
    items = await _items(conn, [proposal_id])
    return _proposal(row, items.get(proposal_id, ()))


async def list_proposals(
    conn: Connection, project: str, *, before_id: int | None, limit: int
) -> list[ProposalRecord]:
    """Newest first, without the per-day loads."""
    rows = await (
        await conn.execute(
            "SELECT id, project_id, requester, state, what_if, duration_source, finish_date,"
            " deadline, critical_path, notes, solve, '[]'::jsonb AS loads, diagnoses,"
            " risk_forecast, confidence, create_time FROM proposals"
            " WHERE project_id = %s AND (%s::bigint IS NULL OR id < %s)"
            " ORDER BY id DESC LIMIT %s",
            (project, before_id, before_id, limit),
        )
    ).fetchall()
    items = await _items(conn, [r["id"] for r in rows])
    return [_proposal(r, items.get(r["id"], ())) for r in rows]


async def set_item_states(conn: Connection, proposal_id: int, states: Mapping[str, str]) -> None:
    async with conn.cursor() as cur:
        await cur.executemany(
            "UPDATE proposal_items SET state = %s, decide_time = now()"
            " WHERE proposal_id = %s AND task = %s",
            [(state, proposal_id, task) for task, state in states.items()],
        )


async def set_state(
    conn: Connection,
    proposal_id: int,
    *,
    state: str,
    decided_by: str,
    notes: Sequence[str] = (),
) -> None:
    await conn.execute(
        "UPDATE proposals SET state = %s, decided_by = %s, decide_time = now(),"
        " notes = notes || %s::text[] WHERE id = %s",
        (state, decided_by, list(notes), proposal_id),
    )


async def _items(
    conn: Connection, proposal_ids: Sequence[int]
) -> dict[int, tuple[ItemRecord, ...]]:
    if not proposal_ids:
        return {}
    rows = await (
        await conn.execute(
            "SELECT proposal_id, task, state, plan FROM proposal_items"
            " WHERE proposal_id = ANY(%s) ORDER BY proposal_id, position",
            (list(proposal_ids),),
        )
    ).fetchall()
    found: dict[int, list[ItemRecord]] = {}
    for r in rows:
        found.setdefault(r["proposal_id"], []).append(
            ItemRecord(task=r["task"], state=r["state"], plan=dict(r["plan"]))
        )
    return {k: tuple(v) for k, v in found.items()}


def _proposal(row: Mapping[str, Any], items: tuple[ItemRecord, ...]) -> ProposalRecord:
    return ProposalRecord(
        id=row["id"],
        project=row["project_id"],
        requester=row["requester"],
        state=row["state"],
        what_if=row["what_if"],
        duration_source=row["duration_source"],
        finish_date=row["finish_date"],
        deadline=row["deadline"],
        critical_path=tuple(row["critical_path"]),
        notes=tuple(row["notes"]),
        solve=dict(row["solve"]),
        loads=tuple(row["loads"]),
        diagnoses=tuple(row["diagnoses"]),
        items=items,
        risk_forecast=None if row["risk_forecast"] is None else dict(row["risk_forecast"]),
        confidence=None if row["confidence"] is None else dict(row["confidence"]),
        create_time=row["create_time"],
    )


async def purge_project(conn: Connection, project: str) -> int:
    """Delete a deleted project's proposals (their items go with them); proposals deleted."""
    cur = await conn.execute("DELETE FROM proposals WHERE project_id = %s", (project,))
    return cur.rowcount
