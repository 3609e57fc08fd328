"""ReportService over a real channel against real PostgreSQL: the history is made through the
API, then moved back to March 2026 (a test cannot wait a week), and the report read per project
and per iteration. March 2nd 2026 is a Monday."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import grpc
import psycopg
from planops.core.v1 import (
    person_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
    report_service_pb2,
    report_service_pb2_grpc,
    task_pb2,
    task_service_pb2,
)

from tests.cli.test_main import ok, one_error_line, planops
from tests.conftest import CoreUnderTest
from tests.core.helpers import EXECUTOR, VIEWER, Client, invalid_fields, refused

Code = grpc.StatusCode
FLOW = ["submitted", "in_review", "scheduled", "in_progress", "in_acceptance", "done"]


async def person(c: Client, ident: str, rate: float) -> None:
    await c.people.CreatePerson(
        person_service_pb2.CreatePersonRequest(
            person_id=ident, person=person_pb2.Person(display_name=ident.title(), cost_rate=rate)
        ),
        metadata=c.md,
    )
    await c.add_member("shop", f"people/{ident}", EXECUTOR)


async def backdate(core: CoreUnderTest, task: str, times: list[str]) -> None:
    """Give the task's history rows, oldest first, these times (and its creation the first)."""
    task_id = int(task.rsplit("/", 1)[1])
    async with await psycopg.AsyncConnection.connect(core.database_url) as conn:
        await conn.execute("SET search_path TO core")
        rows = await (
            await conn.execute(
                "SELECT id FROM task_transitions WHERE task_id = %s ORDER BY id", (task_id,)
            )
        ).fetchall()
        assert len(rows) == len(times)
        for (row_id,), time in zip(rows, times, strict=True):
            await conn.execute(
                "UPDATE task_transitions SET time = %s WHERE id = %s", (time, row_id)
            )
        await conn.execute("UPDATE tasks SET create_time = %s WHERE id = %s", (times[0], task_id))


async def log_time(c: Client, task: str, who: str, day: str, hours: float) -> None:
    await c.tasks.CreateTimeEntry(
        task_service_pb2.CreateTimeEntryRequest(
            parent=task,
            time_entry=task_pb2.TimeEntry(person=f"people/{who}", work_date=day, hours=hours),
        ),
        metadata=c.md,
    )


@dataclass
class Shop:
    sprint: str
    a: str
    b: str
    other: str


async def build_shop(core: CoreUnderTest) -> Shop:
    """Three tasks, two in the first week's iteration, with a week of history and time logged."""
    c = Client(core)
    await c.create_project("shop", time_zone="UTC", start_date="2026-03-02", deadline="2026-03-13")
    await person(c, "ana", 50)
    await person(c, "bob", 0)
    sprint = (
        await c.projects.CreateIteration(
            project_service_pb2.CreateIterationRequest(
                parent="projects/shop",
                iteration=project_pb2.Iteration(
                    display_name="Week 1", start_date="2026-03-02", end_date="2026-03-06"
                ),
            ),
            metadata=c.md,
        )
    ).iteration.name
    a = await c.create_task(
        "shop",
        "Listings",
        estimate_hours=8,
        assignee="people/ana",
        due_date="2026-03-08",
        iteration=sprint,
    )
    b = await c.create_task(
        "shop",
        "Banners",
        estimate_hours=4,
        assignee="people/bob",
        due_date="2026-03-05",
        iteration=sprint,
    )
    other = await c.create_task("shop", "Ads", estimate_hours=6, due_date="2026-02-27")
    for state in FLOW:
        await c.move(a.name, state)
    for state in FLOW[:4]:
        await c.move(b.name, state)
    await backdate(
        core,
        a.name,
        [
            "2026-03-02T09:00Z",
            "2026-03-02T10:00Z",
            "2026-03-02T11:00Z",
            "2026-03-02T12:00Z",
            "2026-03-03T09:00Z",
            "2026-03-04T08:00Z",
            "2026-03-04T09:00Z",
        ],
    )
    await backdate(
        core,
        b.name,
        [
            "2026-03-02T10:00Z",
            "2026-03-03T10:00Z",
            "2026-03-03T11:00Z",
            "2026-03-03T12:00Z",
            "2026-03-04T12:00Z",
        ],
    )
    await backdate(core, other.name, ["2026-03-05T11:00Z"])
    await log_time(c, a.name, "ana", "2026-03-03", 5)
    await log_time(c, a.name, "ana", "2026-03-04", 4)
    await log_time(c, b.name, "bob", "2026-03-05", 3)
    await log_time(c, other.name, "ana", "2026-03-07", 2)  # after the report day

    return Shop(sprint=sprint, a=a.name, b=b.name, other=other.name)


async def test_project_and_iteration_reports(core: CoreUnderTest) -> None:
    c = Client(core)
    shop = await build_shop(core)
    sprint = shop.sprint
    stub = report_service_pb2_grpc.ReportServiceStub(core.channel)
    viewer = Client(core, await c.add_person("vic", project="shop", roles=[VIEWER]))
    report = (
        await stub.GetReport(
            report_service_pb2.GetReportRequest(project="projects/shop", as_of_date="2026-03-06"),
            metadata=viewer.md,
        )
    ).report
    assert (report.start_date, report.end_date, report.as_of_date) == (
        "2026-03-02",
        "2026-03-13",
        "2026-03-06",
    )
    assert report.task_count == 3
    assert [(p.date, p.remaining_hours, p.remaining_tasks) for p in report.burndown] == [
        ("2026-03-02", 12, 2),
        ("2026-03-03", 12, 2),
        ("2026-03-04", 4, 1),
        ("2026-03-05", 10, 2),
        ("2026-03-06", 10, 2),
    ]
    assert [(w.week_start, w.tasks_done, w.hours_done) for w in report.throughput] == [
        ("2026-03-02", 1, 8)
    ]
    times = {s.state: s for s in report.state_times}
    assert (times["in_progress"].visits, times["in_progress"].mean_hours) == (1, 23)
    assert (times["in_progress"].current_tasks, times["in_progress"].current_mean_age_hours) == (
        1,
        60,
    )
    assert times["draft"].visits == 2 and times["draft"].current_tasks == 1
    assert report.cycle_time.done_tasks == 1
    assert report.cycle_time.median_days == round(24 / 24, 2)
    assert [(o.task, o.days_overdue) for o in report.overdue] == [(shop.other, 7), (shop.b, 1)]
    # Cost rates are for managers: a viewer gets the hours without the money.
    seen = report.hours_and_cost
    assert (seen.planned_hours, seen.actual_hours) == (18, 12)
    assert (seen.planned_cost, seen.actual_cost, seen.unpriced_planned_hours) == (0, 0, 0)
    assert [(p.person, p.cost_rate, p.planned_cost, p.actual_cost) for p in seen.people] == [
        ("people/ana", 0, 0, 0),
        ("people/bob", 0, 0, 0),
    ]
    managed = await stub.GetReport(
        report_service_pb2.GetReportRequest(project="projects/shop", as_of_date="2026-03-06"),
        metadata=c.md,
    )
    money = managed.report.hours_and_cost
    assert (money.planned_hours, money.actual_hours) == (18, 12)
    assert (money.planned_cost, money.actual_cost) == (400, 450)
    assert (money.unpriced_planned_hours, money.unpriced_actual_hours) == (10, 3)
    assert [(p.person, p.display_name, p.cost_rate) for p in money.people] == [
        ("people/ana", "Ana", 50),
        ("people/bob", "Bob", 0),
    ]

    sprint_report = (
        await stub.GetReport(
            report_service_pb2.GetReportRequest(
                project="projects/shop", iteration=sprint, as_of_date="2026-03-06"
            ),
            metadata=c.md,
        )
    ).report
    assert sprint_report.iteration == sprint
    assert (sprint_report.start_date, sprint_report.end_date) == ("2026-03-02", "2026-03-06")
    assert sprint_report.task_count == 2
    assert [p.remaining_hours for p in sprint_report.burndown] == [12, 12, 4, 4, 4]
    assert [p.ideal_hours for p in sprint_report.burndown] == [12, 9, 6, 3, 0]
    assert [o.task for o in sprint_report.overdue] == [shop.b]
    assert sprint_report.hours_and_cost.actual_hours == 12

    # Without a day, the report is about today in the project's time zone.
    today = (
        await stub.GetReport(
            report_service_pb2.GetReportRequest(project="projects/shop"), metadata=c.md
        )
    ).report
    assert today.as_of_date == dt.datetime.now(dt.UTC).date().isoformat()


async def test_bad_requests_name_the_field(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("shop", time_zone="UTC")
    await c.create_project("other", time_zone="UTC")
    stub = report_service_pb2_grpc.ReportServiceStub(core.channel)

    def ask(**fields: str) -> Awaitable[Any]:
        return stub.GetReport(report_service_pb2.GetReportRequest(**fields), metadata=c.md)

    assert await invalid_fields(ask(project="shop")) == {"project"}
    assert await invalid_fields(ask(project="projects/shop", as_of_date="8 March")) == {
        "as_of_date"
    }
    assert await invalid_fields(
        ask(project="projects/shop", iteration="projects/other/iterations/1")
    ) == {"iteration"}
    assert await invalid_fields(ask(project="projects/shop", iteration="sprint-1")) == {"iteration"}
    await refused(
        ask(project="projects/shop", iteration="projects/shop/iterations/99"), Code.NOT_FOUND
    )
    await refused(ask(project="projects/nowhere"), Code.NOT_FOUND)
    stranger = Client(core, await c.add_person("sam"))
    await refused(
        stub.GetReport(
            report_service_pb2.GetReportRequest(project="projects/shop"), metadata=stranger.md
        ),
        Code.PERMISSION_DENIED,
    )


async def test_cost_rates_are_validated_and_audited(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.people.CreatePerson(
        person_service_pb2.CreatePersonRequest(
            person_id="ana", person=person_pb2.Person(display_name="Ana", cost_rate=40)
        ),
        metadata=c.md,
    )
    assert await invalid_fields(
        c.people.UpdatePerson(
            person_service_pb2.UpdatePersonRequest(
                person=person_pb2.Person(name="people/ana", cost_rate=-1),
                update_mask={"paths": ["cost_rate"]},
            ),
            metadata=c.md,
        )
    ) == {"person.cost_rate"}
    await c.people.UpdatePerson(
        person_service_pb2.UpdatePersonRequest(
            person=person_pb2.Person(name="people/ana", cost_rate=65),
            update_mask={"paths": ["cost_rate"]},
        ),
        metadata=c.md,
    )
    entries = await c.audit_entries(resource="people/ana", action="update")
    assert [(e.before["cost_rate"], e.after["cost_rate"]) for e in entries] == [(40, 65)]


async def test_the_cli_shows_the_report(core: CoreUnderTest) -> None:
    shop = await build_shop(core)
    shown = ok(await planops(core, "report", "shop", "--as-of", "2026-03-06"))
    assert "projects/shop as of 2026-03-06" in shown
    assert "2026-03-02 to 2026-03-13 (UTC)" in shown
    assert "10.0 h in 2 tasks" in shown
    assert "2 open tasks; 0 finished late" in shown
    assert "shop/" + shop.other.rsplit("/", 1)[1] in shown  # the most overdue task
    assert "Ana (ana)" in shown and "450.00" in shown
    sprint = ok(
        await planops(
            core,
            "report",
            "shop",
            "--iteration",
            shop.sprint.rsplit("/", 1)[1],
            "--as-of",
            "2026-03-06",
            "--json",
        )
    )
    data = json.loads(sprint)
    assert data["iteration"] == shop.sprint
    assert [p["remainingHours"] for p in data["burndown"]] == [12, 12, 4, 4, 4]
    assert "not found" in one_error_line(
        await planops(core, "report", "shop", "--iteration", "999"), 1
    )
    assert "--iteration" in one_error_line(
        await planops(core, "report", "shop", "--iteration", "other/iterations/1"), 2
    )
    assert "--as-of" in one_error_line(
        await planops(core, "report", "shop", "--as-of", "tomorrow"), 2
    )
