"""The `nlp` schema: stored notes, their items, and the task each accepted item became."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from psycopg.rows import class_row, scalar_row
from psycopg.types.json import Jsonb

from services.common.db import Connection


@dataclass(frozen=True)
class ItemRecord:
    """One candidate action item as stored; `owner` is `people/{id}` when matched."""

    id: str
    description: str
    owner: str
    owner_candidates: tuple[str, ...]
    owner_ambiguous: bool
    due_date: date | None
    due_text: str
    priority: str
    hints: tuple[str, ...]
    confidence_item: float
    confidence_owner: float
    confidence_due: float
    confidence_priority: float
    span_start: int
    span_end: int
    duplicate_of: str = ""
    task: str = ""
    explanation_item: tuple[str, ...] = ()
    explanation_owner: str = ""


@dataclass(frozen=True)
class StatementRecord:
    """A decision, a question, or a status update (`done` / `blocked`) about `task`."""

    kind: str
    text: str
    start: int
    end: int
    task: str = ""


@dataclass(frozen=True)
class NotesRecord:
    project: str
    meeting_date: date
    language: str
    text: str
    pipeline: str
    creator: str
    items: tuple[ItemRecord, ...]
    statements: tuple[StatementRecord, ...]
    warnings: tuple[str, ...] = ()
    id: int = 0
    create_time: datetime | None = None

    @property
    def name(self) -> str:
        return f"projects/{self.project}/notes/{self.id}"


@dataclass(frozen=True)
class _NotesRow:
    id: int
    project_id: str
    request_id: str | None
    creator: str
    meeting_date: date
    language: str
    text: str
    pipeline: str
    warnings: list[str]
    statements: list[dict[str, Any]]
    create_time: datetime


@dataclass(frozen=True)
class _ItemRow:
    id: str
    position: int
    description: str
    owner: str
    owner_candidates: list[str]
    owner_ambiguous: bool
    due_date: date | None
    due_text: str
    priority: str
    hints: list[str]
    confidence_item: float
    confidence_owner: float
    confidence_due: float
    confidence_priority: float
    span_start: int
    span_end: int
    duplicate_of: str
    explanation_item: list[str]
    explanation_owner: str
    task: str | None


@dataclass(frozen=True)
class _Inserted:
    id: int
    create_time: datetime


ITEM_COLUMNS = (
    "id, position, description, owner, owner_candidates, owner_ambiguous, due_date, due_text,"
    " priority, hints, confidence_item, confidence_owner, confidence_due, confidence_priority,"
    " span_start, span_end, duplicate_of, explanation_item, explanation_owner"
)


async def insert_notes(conn: Connection, notes: NotesRecord, *, request_id: str) -> NotesRecord:
    """Store new notes; with a `request_id` already used in the project, the stored ones."""
    row = await (
        await conn.cursor(row_factory=class_row(_Inserted)).execute(
            "INSERT INTO notes (project_id, request_id, creator, meeting_date, language, text,"
            " pipeline, warnings, statements) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (project_id, request_id) DO NOTHING RETURNING id, create_time",
            (
                notes.project,
                request_id or None,
                notes.creator,
                notes.meeting_date,
                notes.language,
                notes.text,
                notes.pipeline,
                list(notes.warnings),
                Jsonb([statement_json(s) for s in notes.statements]),
            ),
        )
    ).fetchone()
    if row is None:
        earlier = await notes_by_request(conn, notes.project, request_id=request_id)
        assert earlier is not None
        return earlier
    if notes.items:
        async with conn.cursor() as cur:
            await cur.executemany(
                f"INSERT INTO action_items (notes_id, {ITEM_COLUMNS})"
                f" VALUES (%s{', %s' * ITEM_COLUMNS.count(',')}, %s)",
                [
                    (
                        row.id,
                        item.id,
                        position,
                        item.description,
                        item.owner,
                        list(item.owner_candidates),
                        item.owner_ambiguous,
                        item.due_date,
                        item.due_text,
                        item.priority,
                        list(item.hints),
                        item.confidence_item,
                        item.confidence_owner,
                        item.confidence_due,
                        item.confidence_priority,
                        item.span_start,
                        item.span_end,
                        item.duplicate_of,
                        list(item.explanation_item),
                        item.explanation_owner,
                    )
                    for position, item in enumerate(notes.items)
                ],
            )
    return replace(notes, id=row.id, create_time=row.create_time)


async def notes_by_request(
    conn: Connection, project: str, *, request_id: str
) -> NotesRecord | None:
    if not request_id:
        return None
    found = await (
        await conn.cursor(row_factory=scalar_row).execute(
            "SELECT id FROM notes WHERE project_id = %s AND request_id = %s", (project, request_id)
        )
    ).fetchone()
    return None if found is None else await get_notes(conn, project, notes_id=int(found))


async def get_notes(
    conn: Connection, project: str, *, notes_id: int, lock: bool = False
) -> NotesRecord | None:
    """The notes with their items; `lock` holds the notes row until the transaction ends."""
    row = await (
        await conn.cursor(row_factory=class_row(_NotesRow)).execute(
            "SELECT * FROM notes WHERE id = %s AND project_id = %s"
            + (" FOR UPDATE" if lock else ""),
            (notes_id, project),
        )
    ).fetchone()
    if row is None:
        return None
    items = await (
        await conn.cursor(row_factory=class_row(_ItemRow)).execute(
            f"SELECT {ITEM_COLUMNS}, task FROM action_items WHERE notes_id = %s ORDER BY position",
            (notes_id,),
        )
    ).fetchall()
    return NotesRecord(
        id=row.id,
        project=row.project_id,
        meeting_date=row.meeting_date,
        language=row.language,
        text=row.text,
        pipeline=row.pipeline,
        creator=row.creator,
        warnings=tuple(row.warnings),
        create_time=row.create_time,
        statements=tuple(statement_of(s) for s in row.statements),
        items=tuple(item_of(i) for i in items),
    )


async def record_tasks(
    conn: Connection, notes_id: int, *, tasks: Mapping[str, str], accepted_by: str
) -> None:
    """Remember the task each item became; an item keeps the first task it was given."""
    async with conn.cursor() as cur:
        await cur.executemany(
            "UPDATE action_items SET task = %s, accepted_by = %s, accept_time = now()"
            " WHERE notes_id = %s AND id = %s AND task IS NULL",
            [(task, accepted_by, notes_id, item) for item, task in tasks.items()],
        )


def item_of(row: _ItemRow) -> ItemRecord:
    return ItemRecord(
        id=row.id,
        description=row.description,
        owner=row.owner,
        owner_candidates=tuple(row.owner_candidates),
        owner_ambiguous=row.owner_ambiguous,
        due_date=row.due_date,
        due_text=row.due_text,
        priority=row.priority,
        hints=tuple(row.hints),
        confidence_item=row.confidence_item,
        confidence_owner=row.confidence_owner,
        confidence_due=row.confidence_due,
        confidence_priority=row.confidence_priority,
        span_start=row.span_start,
        span_end=row.span_end,
        duplicate_of=row.duplicate_of,
        task=row.task or "",
        explanation_item=tuple(row.explanation_item),
        explanation_owner=row.explanation_owner,
    )


def statement_json(statement: StatementRecord) -> dict[str, Any]:
    return {
        "kind": statement.kind,
        "text": statement.text,
        "start": statement.start,
        "end": statement.end,
        "task": statement.task,
    }


def statement_of(data: Mapping[str, Any]) -> StatementRecord:
    return StatementRecord(
        kind=str(data["kind"]),
        text=str(data["text"]),
        start=int(data["start"]),
        end=int(data["end"]),
        task=str(data.get("task") or ""),
    )


async def purge_project(conn: Connection, project: str) -> int:
    """Delete a deleted project's meeting notes (their items go with them); notes deleted."""
    cur = await conn.execute("DELETE FROM notes WHERE project_id = %s", (project,))
    return cur.rowcount
