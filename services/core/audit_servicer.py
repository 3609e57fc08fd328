"""planops.core.v1.AuditService."""

from __future__ import annotations

from planops.core.v1 import audit_service_pb2, audit_service_pb2_grpc
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging
from services.common.auth import current_principal
from services.common.db import Connection, transaction
from services.common.errors import PermissionDenied
from services.common.server import Context
from services.core import audit_store, convert, store
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
            rows = await audit_store.page(
                conn,
                audit_store.AuditQuery(
                    project=project,
                    resource=request.resource,
                    actor=request.actor,
                    action=request.action,
                    start=start,
                    end=end,
                ),
                before_id=after[0] if after else None,
                limit=size + 1,
            )
        rows, token = paging.page(rows, size, key=lambda last: [last.id], query=query_key)
        return audit_service_pb2.ListAuditEntriesResponse(
            entries=[convert.audit_entry(r) for r in rows], next_page_token=token
        )
