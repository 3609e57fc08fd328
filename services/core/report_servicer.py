"""planops.core.v1.ReportService: reads a project's facts in one snapshot, computes the report."""

from __future__ import annotations

import asyncio
import datetime as dt
from functools import partial
from zoneinfo import ZoneInfo

from planops.core.v1 import report_service_pb2, report_service_pb2_grpc
from psycopg_pool import AsyncConnectionPool

from services.common import names
from services.common.auth import current_principal
from services.common.db import Connection, transaction
from services.common.server import Context
from services.core import convert, project_store, report_store, reports
from services.core.access import MEMBERS
from services.core.validate import Checks
from services.core.workflow import Workflow


class ReportServicer(report_service_pb2_grpc.ReportServiceServicer):
    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self.pool = pool

    async def GetReport(
        self, request: report_service_pb2.GetReportRequest, context: Context
    ) -> report_service_pb2.GetReportResponse:
        project = names.project_id(request.project, field="project")
        iteration: int | None = None
        checks = Checks()
        if request.iteration:
            owner, iteration = names.child_id(
                request.iteration, collection="iterations", field="iteration"
            )
            if owner != project:
                checks.fail("iteration", f"must be an iteration of projects/{project}")
        as_of = checks.date(request.as_of_date, "as_of_date")
        checks.raise_if_any()
        async with transaction(self.pool) as conn:
            await report_store.snapshot(conn)
            roles, row = await project_store.access(conn, current_principal(), project, *MEMBERS)
            facts = await report_store.facts(conn, project=project, iteration=iteration)
        zone = ZoneInfo(row.time_zone)
        now = dt.datetime.now(dt.UTC)
        scope = reports.scope_of(
            facts,
            start_date=row.start_date,
            deadline=row.deadline,
            as_of=as_of or now.astimezone(zone).date(),
            zone=zone,
            now=now,
        )
        # A year of a large project is a second of CPU: off the event loop.
        computed = await asyncio.to_thread(
            partial(
                reports.report,
                tasks=facts.tasks,
                entries=facts.entries,
                people=facts.people,
                states=Workflow.from_json(row.workflow).states,
                scope=scope,
            )
        )
        report = convert.report(
            computed,
            project=names.project_name(project),
            iteration=request.iteration,
            time_zone=row.time_zone,
            now=now,
        )
        if "manager" not in roles:
            convert.without_money(report.hours_and_cost)
        return report_service_pb2.GetReportResponse(report=report)
