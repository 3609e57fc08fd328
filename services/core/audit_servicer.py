"""planops.core.v1.AuditService."""

from __future__ import annotations

from planops.core.v1 import audit_service_pb2, audit_service_pb2_grpc
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging
from services.common.auth import current_principal
from services.common.db import Connection, transaction
from services.common.errors import PermissionDenied
from services.common.server import Context
from services.core import convert, store
from services.core.access import MEMBERS
from services.core.validate import Checks


class AuditServicer(audit_service_pb2_grpc.AuditServiceServicer):
    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self.pool = pool

    async def ListAuditEntries(
        self, request: audit_service_pb2.ListAuditEntriesRequest, context: Context
    ) -> audit_service_pb2.ListAuditEntriesResponse:
        principal = current_principal()
        project = names.project_id(request.project, field="project") if request.project else None
        if project is None and not principal.admin:
            raise PermissionDenied(
                "only an admin may list audit entries across projects; set project",
                reason="ADMIN_REQUIRED",
            )
        checks = Checks()
        checks.text(request.resource, "resource", max_len=300)
        checks.text(request.actor, "actor", max_len=200)
        checks.text(request.action, "action", max_len=40)
        start = (
            checks.timestamp(request.start_time, "start_time")
            if request.HasField("start_time")
            else None
        )
        end = (
            checks.timestamp(request.end_time, "end_time") if request.HasField("end_time") else None
        )
        checks.raise_if_any()
        size = paging.page_size(request.page_size)
        query_key = [project, request.resource, request.actor, request.action, str(start), str(end)]
        after = paging.decode(request.page_token, query=query_key, shape=[paging.integer])
        async with transaction(self.pool) as conn:
            if project:
                await store.require_role(conn, principal, project, *MEMBERS)
            rows = await (
                await conn.execute(
                    "SELECT * FROM audit_log WHERE id < %s"
                    " AND (%s::text IS NULL OR project = %s)"
                    " AND (%s = '' OR resource = %s OR resource LIKE %s)"
                    " AND (%s = '' OR actor->>'id' = %s)"
                    " AND (%s = '' OR action = %s)"
                    " AND (%s::timestamptz IS NULL OR time >= %s)"
                    " AND (%s::timestamptz IS NULL OR time < %s)"
                    " ORDER BY id DESC LIMIT %s",
                    (
                        after[0] if after else 2**62,
                        project,
                        project,
                        request.resource,
                        request.resource,
                        _prefix(request.resource),
                        request.actor,
                        request.actor,
                        request.action,
                        request.action,
                        start,
                        start,
                        end,
                        end,
                        size + 1,
                    ),
                )
            ).fetchall()
        rows, token = paging.page(rows, size, key=lambda last: [last["id"]], query=query_key)
        return audit_service_pb2.ListAuditEntriesResponse(
            entries=[convert.audit_entry(r) for r in rows], next_page_token=token
        )


def _prefix(resource: str) -> str:
    escaped = resource.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}/%"
