"""planops.core.v1.ReportService: reads a project's facts in one snapshot, computes the report."""

from __future__ import annotations

import asyncio
import datetime as dt
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from google.protobuf import timestamp_pb2
from planops.core.v1 import report_pb2, report_service_pb2, report_service_pb2_grpc
from psycopg_pool import AsyncConnectionPool

from services.common import names
from services.common.auth import current_principal
from services.common.db import Connection, transaction
from services.common.errors import NotFound
from services.common.server import Context
from services.core import reports, store
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
            # One snapshot for every read below, so the sections agree with each other.
            await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            roles, row = await store.project_access(conn, current_principal(), project, *MEMBERS)
            facts = await _read(conn, project=project, iteration=iteration)
        zone = ZoneInfo(row["time_zone"])
        now = dt.datetime.now(dt.UTC)
        day = as_of or now.astimezone(zone).date()
        if facts.span is not None:
            start, end = facts.span
        else:
            start, end = reports.project_span(
                start_date=row["start_date"],
                deadline=row["deadline"],
                first_created=min(
                    (t.created.astimezone(zone).date() for t in facts.tasks), default=None
                ),
                as_of=day,
            )
        # A year of a large project is a second of CPU: off the event loop.
        computed = await asyncio.to_thread(
            partial(
                reports.report,
                tasks=facts.tasks,
                entries=facts.entries,
                people=facts.people,
                states=Workflow.from_json(row["workflow"]).states,
                scope=reports.Scope.of(start=start, end=end, as_of=day, zone=zone, now=now),
            )
        )
        report = to_proto(
            computed,
            project=names.project_name(project),
            iteration=request.iteration,
            time_zone=row["time_zone"],
            now=now,
        )
        if "manager" not in roles:
            _without_money(report.hours_and_cost)
        return report_service_pb2.GetReportResponse(report=report)


class _Facts:
    def __init__(
        self,
        *,
        tasks: list[reports.TaskFacts],
        entries: list[reports.TimeEntry],
        people: dict[str, reports.Person],
        span: tuple[dt.date, dt.date] | None,
    ) -> None:
        self.tasks = tasks
        self.entries = entries
        self.people = people
        self.span = span


async def _read(conn: Connection, *, project: str, iteration: int | None) -> _Facts:
    span: tuple[dt.date, dt.date] | None = None
    if iteration is not None:
        found = await (
            await conn.execute(
                "SELECT start_date, end_date FROM iterations WHERE id = %s AND project_id = %s",
                (iteration, project),
            )
        ).fetchone()
        if found is None:
            raise NotFound(
                f"projects/{project}/iterations/{iteration} does not exist",
                reason="ITERATION_NOT_FOUND",
            )
        span = (found["start_date"], found["end_date"])
    task_rows = await (
        await conn.execute(
            "SELECT id, title, state, assignee, estimate_hours, due_date, create_time"
            " FROM tasks WHERE project_id = %s AND (%s::bigint IS NULL OR iteration_id = %s)",
            (project, iteration, iteration),
        )
    ).fetchall()
    ids = [r["id"] for r in task_rows]
    moves: dict[int, list[reports.Move]] = {i: [] for i in ids}
    for r in await (
        await conn.execute(
            "SELECT task_id, to_state, time FROM task_transitions"
            " WHERE project_id = %s AND task_id = ANY(%s) ORDER BY task_id, id",
            (project, ids),
        )
    ).fetchall():
        moves[r["task_id"]].append(reports.Move(to_state=r["to_state"], time=r["time"]))
    entry_rows = await (
        await conn.execute(
            "SELECT task_id, person, work_date, hours FROM time_entries"
            " WHERE project_id = %s AND task_id = ANY(%s)",
            (project, ids),
        )
    ).fetchall()
    people_ids = {r["assignee"] for r in task_rows if r["assignee"]} | {
        r["person"] for r in entry_rows
    }
    people = {
        f"people/{r['id']}": reports.Person(
            person=f"people/{r['id']}", display_name=r["display_name"], cost_rate=r["cost_rate"]
        )
        for r in await (
            await conn.execute(
                "SELECT id, display_name, cost_rate FROM people WHERE id = ANY(%s)",
                (sorted(people_ids),),
            )
        ).fetchall()
    }
    tasks = [
        reports.TaskFacts(
            name=names.task_name(project, r["id"]),
            title=r["title"],
            state=r["state"],
            assignee=f"people/{r['assignee']}" if r["assignee"] else "",
            estimate_hours=r["estimate_hours"],
            due_date=r["due_date"],
            created=r["create_time"],
            moves=tuple(moves[r["id"]]),
        )
        for r in task_rows
    ]
    entries = [
        reports.TimeEntry(
            task=names.task_name(project, r["task_id"]),
            person=f"people/{r['person']}",
            work_date=r["work_date"],
            hours=r["hours"],
        )
        for r in entry_rows
    ]
    return _Facts(tasks=tasks, entries=entries, people=people, span=span)


def to_proto(
    report: reports.Report, *, project: str, iteration: str, time_zone: str, now: dt.datetime
) -> report_pb2.Report:
    scope = report.scope
    money = report.hours_and_cost
    created = timestamp_pb2.Timestamp()
    created.FromDatetime(now)
    return report_pb2.Report(
        project=project,
        iteration=iteration,
        start_date=scope.start.isoformat(),
        end_date=scope.end.isoformat(),
        as_of_date=scope.as_of.isoformat(),
        time_zone=time_zone,
        task_count=report.task_count,
        burndown=[
            report_pb2.BurndownPoint(
                date=p.date.isoformat(),
                remaining_hours=p.remaining_hours,
                remaining_tasks=p.remaining_tasks,
                scope_hours=p.scope_hours,
                ideal_hours=p.ideal_hours,
            )
            for p in report.burndown
        ],
        throughput=[
            report_pb2.ThroughputWeek(
                week_start=w.week_start.isoformat(),
                tasks_done=w.tasks_done,
                hours_done=w.hours_done,
            )
            for w in report.throughput
        ],
        state_times=[report_pb2.StateTime(**_fields(s)) for s in report.state_times],
        cycle_time=report_pb2.CycleTime(**_fields(report.cycle_time)),
        overdue=[
            report_pb2.OverdueTask(**{**_fields(o), "due_date": o.due_date.isoformat()})
            for o in report.overdue
        ],
        late_done_tasks=report.late_done_tasks,
        hours_and_cost=report_pb2.HoursAndCost(
            **{k: v for k, v in _fields(money).items() if k != "people"},
            people=[report_pb2.PersonHours(**_fields(p)) for p in money.people],
        ),
        create_time=created,
    )


def _without_money(section: report_pb2.HoursAndCost) -> None:
    """Cost rates are for managers: each person's cost is their hours at their rate, and which
    hours are unpriced says who has none, so other roles get the hours alone."""
    for field in ("planned_cost", "actual_cost", "unpriced_planned_hours", "unpriced_actual_hours"):
        section.ClearField(field)
    for person in section.people:
        for money in ("cost_rate", "planned_cost", "actual_cost"):
            person.ClearField(money)


def _fields(value: Any) -> dict[str, Any]:
    return dict(value.__dict__)
