"""planops.core.v1.ApiKeyService."""

from __future__ import annotations

from planops.core.v1 import api_key_pb2, api_key_service_pb2, api_key_service_pb2_grpc
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging
from services.common.auth import current_principal
from services.common.db import Connection, transaction
from services.common.errors import InvalidArgument, NotFound
from services.common.server import Context
from services.core import convert, key_store, keys, person_store, store
from services.core.access import require_admin
from services.core.store import Change


class ApiKeyServicer(api_key_service_pb2_grpc.ApiKeyServiceServicer):
    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self.pool = pool

    async def CreateApiKey(
        self, request: api_key_service_pb2.CreateApiKeyRequest, context: Context
    ) -> api_key_service_pb2.CreateApiKeyResponse:
        principal = current_principal()
        require_admin(principal, "create API keys")
        key = request.api_key
        owner = names.member(key.principal, field="api_key.principal")
        if len(key.display_name) > 200:
            raise InvalidArgument.field("api_key.display_name", "must be at most 200 characters")
        scopes = _scopes(key)
        async with transaction(self.pool) as conn:
            if owner.startswith("people/") and not await person_store.exists(conn, owner[7:]):
                raise InvalidArgument.field("api_key.principal", f"{owner} does not exist")
            row, token = await keys.insert_key(
                conn,
                principal=owner,
                admin=key.admin,
                display_name=key.display_name,
                scopes=scopes,
            )
            created = convert.api_key(row)
            await store.record(
                conn,
                principal,
                Change(
                    kind="api_key",
                    verb="created",
                    resource=created.name,
                    project=None,
                    version=1,
                    before=None,
                    after=created,
                ),
            )
        return api_key_service_pb2.CreateApiKeyResponse(api_key=created, secret=token)

    async def ListApiKeys(
        self, request: api_key_service_pb2.ListApiKeysRequest, context: Context
    ) -> api_key_service_pb2.ListApiKeysResponse:
        principal = current_principal()
        require_admin(principal, "list API keys")
        size = paging.page_size(request.page_size)
        after = paging.decode(
            request.page_token,
            query=["keys", request.principal],
            shape=[paging.moment, paging.text],
        )
        async with transaction(self.pool) as conn:
            rows = await key_store.page(
                conn, principal=request.principal, after=after, limit=size + 1
            )
        rows, token = paging.page(
            rows,
            size,
            key=lambda last: [last.create_time.isoformat(), last.id],
            query=["keys", request.principal],
        )
        return api_key_service_pb2.ListApiKeysResponse(
            api_keys=[convert.api_key(r) for r in rows], next_page_token=token
        )

    async def RevokeApiKey(
        self, request: api_key_service_pb2.RevokeApiKeyRequest, context: Context
    ) -> api_key_service_pb2.RevokeApiKeyResponse:
        principal = current_principal()
        require_admin(principal, "revoke API keys")
        kind, _, key_id = request.name.partition("/")
        if kind != "apiKeys" or not key_id:
            raise InvalidArgument.field("name", "must be apiKeys/{api_key}")
        async with transaction(self.pool) as conn:
            before = await key_store.find(conn, key_id, lock=True)
            if before is None:
                raise NotFound(f"{request.name} does not exist", reason="API_KEY_NOT_FOUND")
            revoked = convert.api_key(await key_store.revoke(conn, key_id))
            await store.record(
                conn,
                principal,
                Change(
                    kind="api_key",
                    verb="revoked",
                    resource=revoked.name,
                    project=None,
                    version=2,
                    before=convert.api_key(before),
                    after=revoked,
                ),
            )
        return api_key_service_pb2.RevokeApiKeyResponse(api_key=revoked)

    async def GetCaller(
        self, request: api_key_service_pb2.GetCallerRequest, context: Context
    ) -> api_key_service_pb2.GetCallerResponse:
        principal = current_principal()
        async with transaction(self.pool) as conn:
            row = await key_store.find(conn, principal.key.split("/", 1)[1])
        assert row is not None
        return api_key_service_pb2.GetCallerResponse(
            api_key=convert.api_key(row), acting_for=principal.acting_for
        )


def _scopes(key: api_key_pb2.ApiKey) -> list[str]:
    """A service key's scopes; people's keys and admin keys take none."""
    if not key.scopes:
        return []
    if not key.principal.startswith("services/"):
        raise InvalidArgument.field("api_key.scopes", "only a service's key may have scopes")
    if key.admin:
        raise InvalidArgument.field("api_key.scopes", "an admin key needs no scopes")
    try:
        return sorted({convert.SCOPE_FROM_PROTO[s] for s in key.scopes})
    except KeyError:
        raise InvalidArgument.field("api_key.scopes", "holds an unknown scope") from None
