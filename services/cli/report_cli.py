"""`planops report PROJECT [--iteration N]`: burndown, throughput, time per state, overdue
work, and planned against actual hours and cost, as tables."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from planops.core.v1 import report_pb2, report_service_pb2, report_service_pb2_grpc
from rich.table import Table

from services.cli import render
from services.cli.client import Client, Settings, day, project_name, usage

BAR_WIDTH = 24
MAX_DAILY_ROWS = 21


def _settings(ctx: typer.Context) -> Settings:
    found = ctx.find_object(Settings)
    return found if found is not None else Settings.resolve(address=None, key=None)


def iteration_name(value: str, *, project: str) -> str:
    """`3`, `PROJECT/iterations/3` or `projects/PROJECT/iterations/3` as the full name."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return f"{project}/iterations/{value}"
    full = value if value.startswith("projects/") else f"projects/{value}"
    parts = full.split("/")
    if (
        len(parts) != 4
        or parts[2] != "iterations"
        or not (parts[3].isascii() and parts[3].isdigit())
    ):
        raise usage(f"--iteration: {value!r} is not an iteration; write its number, such as 3")
    if "/".join(parts[:2]) != project:
        raise usage(f"--iteration: {value!r} is not an iteration of {project}")
    return full


def report(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project id.")],
    iteration: Annotated[
        str | None, typer.Option(help="Only this iteration (its number, as `planops` shows it).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Report as of this day (YYYY-MM-DD); default today.")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """How the project (or one iteration) is going: burndown, throughput, cycle time, overdue
    work, and planned against actual hours and cost."""
    name = project_name(project)
    request = report_service_pb2.GetReportRequest(
        project=name,
        iteration=iteration_name(iteration, project=name) if iteration else "",
        as_of_date=day(as_of, option="--as-of") if as_of else "",
    )
    with Client(_settings(ctx)) as client:
        stub: Any = report_service_pb2_grpc.ReportServiceStub(client.channel)  # type: ignore[no-untyped-call]
        found: report_pb2.Report = client.call(stub.GetReport, request).report
    if json:
        render.print_json(found)
        return
    for table in tables(found):
        render.print_table(table)


def tables(r: report_pb2.Report) -> list[Table]:
    """The report as the tables a person reads, the empty sections left out."""
    found = [summary_table(r)]
    if r.burndown:
        found.append(burndown_table(r))
    if r.throughput:
        found.append(throughput_table(r))
    found.append(state_table(r))
    if r.overdue:
        found.append(overdue_table(r))
    found.append(cost_table(r))
    return found


def summary_table(r: report_pb2.Report) -> Table:
    last = r.burndown[-1] if r.burndown else None
    cycle = r.cycle_time
    title = r.iteration or r.project
    return render.details(
        f"{title} as of {r.as_of_date}",
        [
            ("span", f"{r.start_date} to {r.end_date} ({r.time_zone})"),
            ("tasks", str(r.task_count)),
            (
                "remaining",
                f"{_h(last.remaining_hours)} h in {last.remaining_tasks} tasks"
                f" (ideal {_h(last.ideal_hours)} h)"
                if last
                else "-",
            ),
            ("overdue", f"{len(r.overdue)} open tasks; {r.late_done_tasks} finished late"),
            (
                "cycle time",
                f"median {cycle.median_days:g} days, p85 {cycle.p85_days:g}"
                f" over {cycle.done_tasks} finished tasks; lead time median"
                f" {cycle.median_lead_days:g} days"
                if cycle.done_tasks
                else "no finished tasks yet",
            ),
        ],
    )


def burndown_table(r: report_pb2.Report) -> Table:
    points = list(r.burndown)
    if len(points) > MAX_DAILY_ROWS:
        # Long spans: each week's Monday, and the last day.
        from datetime import date

        points = [
            p
            for i, p in enumerate(points)
            if date.fromisoformat(p.date).weekday() == 0 or i == len(points) - 1
        ]
    top = max([p.scope_hours for p in r.burndown] + [1.0])
    table = Table(title="burndown (estimate hours left at each day's end)")
    for column in ("day", "left h", "tasks", "ideal h", "scope h", ""):
        table.add_column(column, justify="left" if column in ("day", "") else "right")
    for p in points:
        table.add_row(
            p.date,
            _h(p.remaining_hours),
            str(p.remaining_tasks),
            _h(p.ideal_hours),
            _h(p.scope_hours),
            _bar(p.remaining_hours, p.ideal_hours, top),
        )
    return table


def _bar(value: float, ideal: float, top: float) -> str:
    """█ for the work left, · up to the ideal line when ahead of it."""
    filled = round(BAR_WIDTH * value / top)
    target = round(BAR_WIDTH * ideal / top)
    return "█" * filled + "·" * max(0, target - filled)


def throughput_table(r: report_pb2.Report) -> Table:
    table = Table(title="throughput (tasks finished per week)")
    for column in ("week of", "done", "hours"):
        table.add_column(column, justify="left" if column == "week of" else "right")
    for w in r.throughput:
        table.add_row(w.week_start, str(w.tasks_done), _h(w.hours_done))
    return table


def state_table(r: report_pb2.Report) -> Table:
    table = Table(title="time in each workflow state (hours, completed stays)")
    for column in ("state", "category", "stays", "mean", "median", "p85", "now", "mean age"):
        table.add_column(column, justify="left" if column in ("state", "category") else "right")
    for s in r.state_times:
        table.add_row(
            s.state,
            s.category,
            str(s.visits),
            _h(s.mean_hours) if s.visits else "-",
            _h(s.median_hours) if s.visits else "-",
            _h(s.p85_hours) if s.visits else "-",
            str(s.current_tasks),
            _h(s.current_mean_age_hours) if s.current_tasks else "-",
        )
    return table


def overdue_table(r: report_pb2.Report) -> Table:
    table = Table(title="overdue open tasks")
    for column in ("task", "title", "assignee", "state", "due", "days late", "est h"):
        table.add_column(column, justify="right" if column in ("days late", "est h") else "left")
    for o in r.overdue:
        table.add_row(
            render.task_ref(o.task),
            o.title,
            render.short(o.assignee, "people/") or "-",
            o.state,
            o.due_date,
            str(o.days_overdue),
            _h(o.estimate_hours),
        )
    return table


def cost_table(r: report_pb2.Report) -> Table:
    m = r.hours_and_cost
    table = Table(
        title="planned against actual hours and cost",
        caption=(
            "planned: estimates at the assignee's rate; actual: time logged at the logger's rate."
            f" Finished tasks: {_h(m.done_planned_hours)} h planned, {_h(m.done_actual_hours)} h"
            f" logged; without a rate: {_h(m.unpriced_planned_hours)} h planned,"
            f" {_h(m.unpriced_actual_hours)} h logged"
        ),
    )
    for column in ("person", "rate", "planned h", "actual h", "planned cost", "actual cost"):
        table.add_column(column, justify="left" if column == "person" else "right")
    for p in m.people:
        table.add_row(
            f"{p.display_name} ({render.short(p.person, 'people/')})",
            _money(p.cost_rate) if p.cost_rate else "-",
            _h(p.planned_hours),
            _h(p.actual_hours),
            _money(p.planned_cost),
            _money(p.actual_cost),
        )
    table.add_row(
        "total",
        "",
        _h(m.planned_hours),
        _h(m.actual_hours),
        _money(m.planned_cost),
        _money(m.actual_cost),
        style="bold",
    )
    return table


def _h(value: float) -> str:
    return f"{value:,.1f}"


def _money(value: float) -> str:
    return f"{value:,.2f}"
