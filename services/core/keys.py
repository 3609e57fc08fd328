"""API keys: `planops_<id>_<secret>`, stored as the SHA-256 of the secret."""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from collections.abc import Sequence
from pathlib import Path

from psycopg_pool import AsyncConnectionPool

from services.common import names
from services.common.auth import (
    ACT_FOR_PEOPLE,
    ACT_FOR_RULES,
    Principal,
    metadata_var,
)
from services.common.db import Connection, connection, transaction
from services.common.errors import InvalidArgument, Unauthenticated
from services.core import feeds, key_store
from services.core.feed_store import FeedAuthenticator
from services.core.key_store import ApiKeyRow
from services.core.store import hash_secret

log = logging.getLogger(__name__)
PREFIX = "planops"
ADMIN_PRINCIPAL = "services/admin"


def new_key() -> tuple[str, str]:
    """(key id, full token)."""
    key_id = secrets.token_hex(6)
    return key_id, f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"


def split(token: str) -> tuple[str, str] | None:
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != PREFIX or len(key_id) != 12 or not secret or len(token) > 200:
        return None
    return key_id, token


async def insert_key(
    conn: Connection,
    *,
    principal: str,
    admin: bool,
    display_name: str,
    scopes: Sequence[str] = (),
) -> tuple[ApiKeyRow, str]:
    """Store a new key: its row and the token, which is shown once and stored only hashed."""
    key_id, token = new_key()
    row = await key_store.insert(
        conn,
        key_id=key_id,
        principal=principal,
        admin=admin,
        display_name=display_name,
        scopes=scopes,
        secret_hash=hash_secret(token),
    )
    return row, token


class KeyAuthenticator:
    """Checks a bearer token against the stored hashes on every call, so revocation is immediate."""

    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self.pool = pool
        self.feeds = FeedAuthenticator(pool)

    async def __call__(self, token: str) -> Principal:
        if token.startswith(f"{feeds.PREFIX}_"):
            return await self.feeds(token)
        parts = split(token)
        if parts is None:
            raise Unauthenticated("the API key is malformed", reason="API_KEY_INVALID")
        key_id, full = parts
        async with connection(self.pool) as conn:
            row = await key_store.credentials(conn, key_id)
        if row is None or not hmac.compare_digest(bytes(row.secret_hash), hash_secret(full)):
            raise Unauthenticated("the API key is not valid", reason="API_KEY_INVALID")
        if row.revoke_time is not None:
            raise Unauthenticated("the API key was revoked", reason="API_KEY_REVOKED")
        if row.principal.startswith("people/") and row.owner != row.principal:
            # Deleted, or deleted and created again: the key was the old record's.
            raise Unauthenticated(
                f"{row.principal} was deleted; their keys no longer work",
                reason="API_KEY_REVOKED",
            )
        scopes = frozenset(row.scopes)
        return Principal(
            principal=row.principal,
            key=f"apiKeys/{key_id}",
            admin=row.admin,
            scopes=scopes,
            acting_for=acting_for(scopes),
        )


def acting_for(scopes: frozenset[str]) -> str:
    """Whom a scoped service's call acts for, from its `x-planops-rule` or
    `x-planops-on-behalf-of` header; empty when it acts for itself."""
    headers = metadata_var.get() or {}
    rule = headers.get("x-planops-rule", "")
    if rule and ACT_FOR_RULES in scopes:
        parts = rule.split("/")
        if len(parts) != 4 or parts[0] != "projects" or parts[2] != "rules" or not parts[3]:
            raise InvalidArgument.field("x-planops-rule", "must be projects/{project}/rules/{rule}")
        names.check_slug(parts[1], field="x-planops-rule")
        return rule
    someone = headers.get("x-planops-on-behalf-of", "")
    if someone and ACT_FOR_PEOPLE in scopes:
        return names.member(someone, field="x-planops-on-behalf-of")
    return ""


async def ensure_admin_key(
    pool: AsyncConnectionPool[Connection], path: Path, *, force: bool = False
) -> str | None:
    """On a first start (no valid admin key in the database), create one and write it to
    `path` (mode 600); with `force`, create another even so.

    Returns the path when a key was created. Replicas with throwaway home folders must not
    mint a live admin key each time they start, so a missing file alone creates nothing.
    """
    async with transaction(pool) as conn:
        if await key_store.has_admin_key(conn, ADMIN_PRINCIPAL) and not force:
            if not await asyncio.to_thread(path.exists):
                log.warning(
                    "an admin key exists but %s does not; ask an admin for a key, or start once "
                    "with PLANOPS_NEW_ADMIN_KEY=1 to write a new one there",
                    path,
                )
            return None
        _, token = await insert_key(
            conn, principal=ADMIN_PRINCIPAL, admin=True, display_name="first-start admin"
        )
        await asyncio.to_thread(_write_secret, path, token)
    return str(path)


def _write_secret(path: Path, token: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(token + "\n", encoding="utf-8")
