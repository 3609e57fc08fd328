"""PostgreSQL plumbing: a pool per service schema, transactions, versioned migrations."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from services.common import deadline
from services.common.errors import Aborted, Unavailable

log = logging.getLogger(__name__)

Connection = AsyncConnection[dict[str, Any]]


def pool_for(
    url: str, *, schema: str, min_size: int = 2, max_size: int = 16
) -> AsyncConnectionPool[Connection]:
    """A pool whose connections see `schema` first; open it with `async with`."""
    return AsyncConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        # Autocommit: a lone read is one round trip; writes open `transaction()` explicitly.
        kwargs={
            "row_factory": dict_row,
            "options": f"-c search_path={schema},public",
            "autocommit": True,
        },
        timeout=10.0,
        open=False,
        name=schema,
    )


@asynccontextmanager
async def connection(pool: AsyncConnectionPool[Connection]) -> AsyncIterator[Connection]:
    """An autocommit connection; a lost database becomes `Unavailable`, which clients may retry."""
    try:
        async with pool.connection(timeout=deadline.remaining(pool.timeout)) as conn:
            yield conn
    except PoolTimeout as error:
        raise Unavailable(
            "the database is busy or unreachable; retry", reason="DATABASE_UNAVAILABLE"
        ) from error
    except (
        psycopg.errors.TransactionRollback,
        psycopg.errors.DeadlockDetected,
        psycopg.errors.SerializationFailure,
    ) as error:
        # A deadlock or a serialization failure: nothing was written, and the same call
        # again will most likely succeed. The database itself is fine.
        raise Aborted(
            f"the change collided with another one and was rolled back; retry ({error.sqlstate})",
            reason="TRANSACTION_CONFLICT",
        ) from error
    except psycopg.OperationalError as error:
        # The database may have restarted: every idle connection is then dead too. Test
        # them now, so that the next calls wait for fresh connections instead of each
        # failing on one of the dead ones.
        with contextlib.suppress(Exception):
            await pool.check()
        raise Unavailable(
            f"database error: {error}".strip(), reason="DATABASE_UNAVAILABLE"
        ) from error


@asynccontextmanager
async def transaction(pool: AsyncConnectionPool[Connection]) -> AsyncIterator[Connection]:
    """One transaction, committed when the block ends without an exception."""
    async with connection(pool) as conn, conn.transaction():
        yield conn


async def migrate(url: str, *, schema: str, package: str) -> list[str]:
    """Apply the `NNNN_*.sql` files of `package` not yet applied to `schema`; safe to rerun.

    An advisory lock makes concurrent starts of several replicas apply each file once.
    """
    files = sorted(
        (f for f in resources.files(package).iterdir() if f.name.endswith(".sql")),
        key=lambda f: f.name,
    )
    applied: list[str] = []
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"migrate:{schema}",))
        try:
            await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            await conn.execute(
                f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations '
                "(version text PRIMARY KEY, applied_time timestamptz NOT NULL DEFAULT now())"
            )
            cur = await conn.execute(f'SELECT version FROM "{schema}".schema_migrations')
            done = {row[0] for row in await cur.fetchall()}
            for file in files:
                if file.name in done:
                    continue
                async with conn.transaction():
                    await conn.execute(f'SET LOCAL search_path = "{schema}", public')
                    await conn.execute(file.read_text(encoding="utf-8"))
                    await conn.execute(
                        f'INSERT INTO "{schema}".schema_migrations (version) VALUES (%s)',
                        (file.name,),
                    )
                applied.append(file.name)
                log.info("applied migration %s.%s", schema, file.name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"migrate:{schema}",))
    return applied
