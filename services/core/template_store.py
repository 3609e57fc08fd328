"""SQL for project templates, returning typed rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from services.common.db import Connection


@dataclass(frozen=True)
class TemplateRow:
    id: str
    display_name: str
    description: str
    anchor: str
    body: dict[str, Any]
    version: int
    create_time: dt.datetime


async def insert(
    conn: Connection,
    *,
    template: str,
    display_name: str,
    description: str,
    anchor: str,
    body: Jsonb,
) -> TemplateRow | None:
    """The new template, or None if its id is taken."""
    cur = conn.cursor(row_factory=class_row(TemplateRow))
    return await (
        await cur.execute(
            "INSERT INTO templates (id, display_name, description, anchor, body)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING *",
            (template, display_name, description, anchor, body),
        )
    ).fetchone()


async def find(conn: Connection, template: str) -> TemplateRow | None:
    cur = conn.cursor(row_factory=class_row(TemplateRow))
    return await (
        await cur.execute("SELECT * FROM templates WHERE id = %s", (template,))
    ).fetchone()


async def page(conn: Connection, *, after: str, limit: int) -> list[TemplateRow]:
    cur = conn.cursor(row_factory=class_row(TemplateRow))
    return await (
        await cur.execute(
            "SELECT * FROM templates WHERE id > %s ORDER BY id LIMIT %s", (after, limit)
        )
    ).fetchall()


async def delete(conn: Connection, template: str) -> None:
    await conn.execute("DELETE FROM templates WHERE id = %s", (template,))
