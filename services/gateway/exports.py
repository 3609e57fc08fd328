"""`GET /export/projects/{project}/plan.{xlsx|csv|mspdi}`, `board.{xlsx|csv}` and
`risks.{xlsx|csv}`: a project's plan, board or risk table as a file to download, read with
the caller's own key, so it holds only what they may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import grpc
from planops.core.v1 import (
    person_service_pb2,
    person_service_pb2_grpc,
    project_service_pb2,
    project_service_pb2_grpc,
    task_service_pb2,
    task_service_pb2_grpc,
)
from planops.risk.v1 import risk_service_pb2, risk_service_pb2_grpc

from services.interop import mspdi, sheets
from services.interop.plan import Plan, plan_of

PAGE_SIZE = 500
CORE_SERVICE = "planops.core.v1.TaskService"
RISK_SERVICE = "planops.risk.v1.RiskService"
# ListTaskRisks reads more than 500 as 500; the console's table shows 10.
RISK_ROWS = 500
RISK_COLUMNS = (
    "task",
    "title",
    "P(late)",
    "P(late) low",
    "P(late) high",
    "similar tasks",
    "similar late",
    "P80 finish",
    "top reasons",
)
TOP_REASONS = 3


class Export:
    def __init__(self, writer: Callable[[Any], bytes], content_type: str, suffix: str) -> None:
        self.writer = writer
        self.content_type = content_type
        self.suffix = suffix


EXPORTS = {
    "xlsx": Export(
        sheets.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    ),
    "csv": Export(sheets.csv_bytes, "text/csv; charset=utf-8", "csv"),
    "mspdi": Export(mspdi.write, "application/xml", "xml"),
}
XLSX_TYPE = EXPORTS["xlsx"].content_type
CSV_TYPE = EXPORTS["csv"].content_type
# The board is the plan's tasks with their states, without the dependencies sheet.
BOARD_EXPORTS = {
    "xlsx": Export(
        lambda plan: sheets.table_xlsx("board", sheets.COLUMNS, sheets.rows(plan)),
        XLSX_TYPE,
        "xlsx",
    ),
    "csv": Export(sheets.csv_bytes, CSV_TYPE, "csv"),
}
RISK_EXPORTS = {
    "xlsx": Export(
        lambda risks: sheets.table_xlsx("risks", RISK_COLUMNS, risk_rows(risks)), XLSX_TYPE, "xlsx"
    ),
    "csv": Export(lambda risks: sheets.table_csv(RISK_COLUMNS, risk_rows(risks)), CSV_TYPE, "csv"),
}


async def _every(call: Any, request: Any, field: str, **options: Any) -> list[Any]:
    request.page_size = PAGE_SIZE
    found: list[Any] = []
    while True:
        page = await call(request, **options)
        found += getattr(page, field)
        if not page.next_page_token:
            return found
        request.page_token = page.next_page_token


async def load_plan(
    channel: grpc.aio.Channel, *, project: str, metadata: list[tuple[str, str]], call_seconds: float
) -> Plan:
    """The project's plan from core: its tasks, dependencies and people."""
    options = {"metadata": metadata, "timeout": call_seconds}
    projects: Any = project_service_pb2_grpc.ProjectServiceStub(channel)  # type: ignore[no-untyped-call]
    tasks: Any = task_service_pb2_grpc.TaskServiceStub(channel)  # type: ignore[no-untyped-call]
    people: Any = person_service_pb2_grpc.PersonServiceStub(channel)  # type: ignore[no-untyped-call]
    found = await projects.GetProject(
        project_service_pb2.GetProjectRequest(name=project), **options
    )
    listed = await _every(
        tasks.ListTasks, task_service_pb2.ListTasksRequest(parent=project), "tasks", **options
    )
    dependencies = await _every(
        tasks.ListDependencies,
        task_service_pb2.ListDependenciesRequest(parent=project),
        "dependencies",
        **options,
    )
    everyone = await _every(
        people.ListPeople, person_service_pb2.ListPeopleRequest(), "people", **options
    )
    return plan_of(found.project, tasks=listed, dependencies=dependencies, people=everyone)


async def load_risks(
    channel: grpc.aio.Channel, *, project: str, metadata: list[tuple[str, str]], call_seconds: float
) -> list[Any]:
    """The project's open tasks by chance of lateness, riskiest first, as risk scores them."""
    risk: Any = risk_service_pb2_grpc.RiskServiceStub(channel)  # type: ignore[no-untyped-call]
    reply = await risk.ListTaskRisks(
        risk_service_pb2.ListTaskRisksRequest(project=project, page_size=RISK_ROWS),
        metadata=metadata,
        timeout=call_seconds,
    )
    return list(reply.risks)


def risk_rows(risks: list[Any]) -> list[tuple[sheets.Cell, ...]]:
    """One row per task in RISK_COLUMNS' order; chances as fractions, the P80 finish a date."""
    return [
        (
            r.task.removeprefix("projects/").replace("/tasks/", "/"),
            r.title,
            round(r.probability_late, 4),
            round(r.probability_late_low, 4),
            round(r.probability_late_high, 4),
            float(r.similar_tasks),
            float(r.similar_late),
            dt.date.fromisoformat(r.finish_p80_date) if r.finish_p80_date else None,
            "; ".join(f.text or f.feature for f in r.factors[:TOP_REASONS]),
        )
        for r in risks
    ]


def attachment(project: str, export: Export, *, what: str = "plan") -> str:
    return f'attachment; filename="{project}-{what}.{export.suffix}"'
