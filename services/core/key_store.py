"""SQL for API keys, returning typed rows; minting and checking tokens is `keys.py`'s."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields

from psycopg.rows import class_row

from services.common.db import Connection


@dataclass(frozen=True)
class ApiKeyRow:
    """A key as the API shows it; its secret's hash is never read into one."""

    id: str
    display_name: str
    principal: str
    admin: bool
    scopes: list[str]
    # The uid of the person record the key belongs to, when a person's.
    person_uid: uuid.UUID | None
    create_time: dt.datetime
    revoke_time: dt.datetime | None


@dataclass(frozen=True)
class Credentials:
    """What checking a bearer key needs: its hash and whose record it still belongs to."""

    principal: str
    admin: bool
    scopes: list[str]
    secret_hash: bytes
    revoke_time: dt.datetime | None
    # `people/{id}` of the person record the key was made for, if it still exists.
    owner: str | None


COLUMNS = ", ".join(f.name for f in fields(ApiKeyRow))


async def insert(
    conn: Connection,
    *,
    key_id: str,
    principal: str,
    admin: bool,
    display_name: str,
    scopes: Sequence[str],
    secret_hash: bytes,
) -> ApiKeyRow:
    """Store a new key; a person's key is bound to the person's uid (their current record)."""
    cur = conn.cursor(row_factory=class_row(ApiKeyRow))
    row = await (
        await cur.execute(
            "INSERT INTO api_keys (id, display_name, principal, admin, secret_hash, scopes, person_uid)"
            " VALUES (%s, %s, %s, %s, %s, %s,"
            f" (SELECT uid FROM people WHERE 'people/' || id = %s)) RETURNING {COLUMNS}",
            (key_id, display_name, principal, admin, secret_hash, list(scopes), principal),
        )
    ).fetchone()
    assert row is not None
    return row


async def find(conn: Connection, key_id: str, *, lock: bool = False) -> ApiKeyRow | None:
    cur = conn.cursor(row_factory=class_row(ApiKeyRow))
    return await (
        await cur.execute(
            f"SELECT {COLUMNS} FROM api_keys WHERE id = %s" + (" FOR UPDATE" if lock else ""),
            (key_id,),
        )
    ).fetchone()


async def page(
    conn: Connection, *, principal: str, after: Sequence[str] | None, limit: int
) -> list[ApiKeyRow]:
    """Keys newest first, after the (create time, id) `after`; all principals' for ""."""
    cur = conn.cursor(row_factory=class_row(ApiKeyRow))
    return await (
        await cur.execute(
            f"SELECT {COLUMNS} FROM api_keys WHERE (%s = '' OR principal = %s)"
            " AND (%s::timestamptz IS NULL OR (create_time, id) < (%s::timestamptz, %s))"
            " ORDER BY create_time DESC, id DESC LIMIT %s",
            (
                principal,
                principal,
                after[0] if after else None,
                after[0] if after else None,
                after[1] if after else "",
                limit,
            ),
        )
    ).fetchall()


async def revoke(conn: Connection, key_id: str) -> ApiKeyRow:
    """Revoke the key; revoking twice keeps the first time."""
    cur = conn.cursor(row_factory=class_row(ApiKeyRow))
    row = await (
        await cur.execute(
            "UPDATE api_keys SET revoke_time = COALESCE(revoke_time, now())"
            f" WHERE id = %s RETURNING {COLUMNS}",
            (key_id,),
        )
    ).fetchone()
    assert row is not None
    return row


async def revoke_person(conn: Connection, person_uid: uuid.UUID) -> list[ApiKeyRow]:
    """Revoke the live keys of one person record; the ones revoked now."""
    cur = conn.cursor(row_factory=class_row(ApiKeyRow))
    return await (
        await cur.execute(
            "UPDATE api_keys SET revoke_time = now()"
            f" WHERE person_uid = %s AND revoke_time IS NULL RETURNING {COLUMNS}",
            (person_uid,),
        )
    ).fetchall()


async def credentials(conn: Connection, key_id: str) -> Credentials | None:
    cur = conn.cursor(row_factory=class_row(Credentials))
    return await (
        await cur.execute(
            "SELECT k.principal, k.admin, k.scopes, k.secret_hash, k.revoke_time,"
            " 'people/' || p.id AS owner"
            " FROM api_keys k LEFT JOIN people p ON p.uid = k.person_uid WHERE k.id = %s",
            (key_id,),
        )
    ).fetchone()


async def has_admin_key(conn: Connection, principal: str) -> bool:
    """Whether `principal` holds a live admin key; first takes a lock that makes concurrent
    first starts wait for each other, so only one of them mints a key."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('planops-admin-key'))")
    found = await (
        await conn.execute(
            "SELECT 1 FROM api_keys WHERE principal = %s AND admin AND revoke_time IS NULL",
            (principal,),
        )
    ).fetchone()
    return found is not None
