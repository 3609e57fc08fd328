"""`planops plan`: schedule proposals from the planner, shown as a table and a text Gantt.

`planops plan PROJECT` proposes (the group adds the implied `show`); `planops plan accept
PROPOSAL [TASK...]` writes the chosen items to core; `planops plan reject` drops a proposal.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Annotated, Any

import grpc
import typer
from planops.core.v1 import project_service_pb2
from planops.planner.v1 import planner_service_pb2, planner_service_pb2_grpc, proposal_pb2
from rich.table import Table

from services.cli import render
from services.cli.client import (
    Client,
    CliError,
    Settings,
    day,
    describe,
    person_name,
    project_name,
    task_name,
    usage,
)
from services.common.config import Env
from services.common.probability import percent

try:  # typer 0.2x bundles its own click, whose classes are not those of `click`
    from typer._click.core import Context as ClickContext
except ImportError:  # pragma: no cover
    from click import Context as ClickContext  # type: ignore[assignment]

DEFAULT_PLANNER_ADDRESS = "127.0.0.1:50052"
# The solve may use its whole time limit; the answer still needs to be read and stored.
CALL_MARGIN_SECONDS = 30.0
MAX_GANTT_COLUMNS = 80
SHOW = "show"
CHANCE_SOLVES = 4
DURATION_WORDS = {
    proposal_pb2.DURATION_SOURCE_ESTIMATE: "the estimates",
    proposal_pb2.DURATION_SOURCE_RISK_P50: "P50 durations",
    proposal_pb2.DURATION_SOURCE_RISK_P80: "P80 durations",
}
OBJECTIVES = {
    "deadline": proposal_pb2.OBJECTIVE_DEADLINE,
    "lateness": proposal_pb2.OBJECTIVE_LATENESS,
    "makespan": proposal_pb2.OBJECTIVE_MAKESPAN,
    "changes": proposal_pb2.OBJECTIVE_CHANGES,
    "balance": proposal_pb2.OBJECTIVE_BALANCE,
}


class PlanGroup(typer.core.TyperGroup):
    """`plan PROJECT ...` means `plan show PROJECT ...`; named subcommands work as usual."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [SHOW, *args]
        return super().parse_args(ctx, args)


plan_app = typer.Typer(
    cls=PlanGroup,
    no_args_is_help=True,
    help="Schedule proposals: `planops plan PROJECT` proposes, `planops plan accept` applies.",
)


class Planner:
    """The planner's stub with the CLI's key, and core for the project's calendar."""

    def __init__(self, ctx: typer.Context, address: str | None) -> None:
        settings = ctx.find_object(Settings) or Settings.resolve(address=None, key=None)
        self.address = address or Env().str("PLANOPS_PLANNER_ADDRESS", DEFAULT_PLANNER_ADDRESS)
        self.core = ctx.with_resource(Client(settings))
        self.channel = ctx.with_resource(grpc.insecure_channel(self.address))
        self.stub = planner_service_pb2_grpc.PlannerServiceStub(self.channel)  # type: ignore[no-untyped-call]
        self.metadata = (("authorization", f"Bearer {settings.api_key()}"),)

    def call(self, method: Any, request: Any, *, timeout: float = 30.0, progress: str = "") -> Any:
        """One call; with `progress`, a spinner counts the seconds until the answer."""
        try:
            if not progress:
                return method(request, metadata=self.metadata, timeout=timeout)
            future = method.future(request, metadata=self.metadata, timeout=timeout)
            started = time.monotonic()
            with render.console().status(progress) as status:
                while not future.done():
                    status.update(f"{progress} {time.monotonic() - started:.0f} s")
                    time.sleep(0.2)
            return future.result()
        except grpc.RpcError as error:
            code = error.code()
            if code == grpc.StatusCode.UNAVAILABLE and "CORE" not in str(error.details()):
                raise CliError(
                    f"the planner is not running at {self.address} — start it with `planops up`"
                ) from None
            raise CliError(describe(error, address=self.address)) from None

    def working_days(self, project: str) -> frozenset[int]:
        """The project's ISO working weekdays, Monday to Friday if core cannot say."""
        try:
            reply = self.core.call(
                self.core.projects.GetProject, project_service_pb2.GetProjectRequest(name=project)
            )
        except CliError:
            return frozenset(range(1, 6))
        return frozenset(reply.project.calendar.working_days) or frozenset(range(1, 6))


PlannerAddress = Annotated[
    str | None,
    typer.Option(
        "--planner",
        help=f"host:port of the planner  [default: $PLANOPS_PLANNER_ADDRESS or {DEFAULT_PLANNER_ADDRESS}]",
        show_default=False,
    ),
]


@plan_app.command(SHOW)
def show(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project, such as promo.")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds the solver may spend (1-300).")
    ] = 10.0,
    what_if_remove: Annotated[
        list[str] | None,
        typer.Option("--what-if-remove", help="Plan without PERSON (a what-if); repeatable."),
    ] = None,
    deadline: Annotated[
        str | None, typer.Option("--deadline", help="Plan against this deadline (a what-if).")
    ] = None,
    hard_deadline: Annotated[
        bool, typer.Option("--hard-deadline", help="No plan may finish after the deadline.")
    ] = False,
    p80: Annotated[
        bool, typer.Option("--p80", help="Durations from the risk service's P80 forecast.")
    ] = False,
    chance: Annotated[
        str | None,
        typer.Option(
            "--chance",
            help="Plan for this chance of meeting the deadline (such as 80%), or say what it"
            " would take.",
        ),
    ] = None,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="Minimise deadline, lateness, makespan, changes, balance in turn, each "
            "keeping what the earlier reached (instead of one weighted sum).",
        ),
    ] = False,
    objective: Annotated[
        str | None,
        typer.Option(
            "--objective",
            help="Staged objectives in this order, comma-separated, from "
            f"{','.join(OBJECTIVES)} (implies --staged).",
        ),
    ] = None,
    planner: PlannerAddress = None,
) -> None:
    """Propose a schedule for PROJECT: who does what when, and why."""
    if not 1 <= time_limit <= 300:
        raise usage("--time-limit must be from 1 to 300 seconds")
    target = target_probability(chance) if chance is not None else 0.0
    stages = objective_stages(objective) if objective is not None else []
    request = planner_service_pb2.ProposeScheduleRequest(
        project=project_name(project),
        time_limit_seconds=time_limit,
        hard_deadline=hard_deadline,
        duration_source=(
            proposal_pb2.DURATION_SOURCE_RISK_P80 if p80 else proposal_pb2.DURATION_SOURCE_ESTIMATE
        ),
        request_id=uuid.uuid4().hex,
        target_probability=target,
    )
    if staged or stages:
        request.objective_mode = planner_service_pb2.OBJECTIVE_MODE_STAGED
        request.stages.extend(stages)
    if what_if_remove or deadline:
        request.what_if.remove_people.extend(person_name(p) for p in what_if_remove or ())
        request.what_if.deadline = day(deadline, option="--deadline") if deadline else ""
    client = Planner(ctx, planner)
    # To a chance, the planner may solve up to four times (P50, P80, two extra people).
    solves = CHANCE_SOLVES if target else 1
    progress = f"solving {request.project} (up to {time_limit:g} s)…"
    if target:
        progress = (
            f"planning {request.project} for a {percent(target)} chance of its deadline"
            f" (up to {solves} solves of {time_limit:g} s)…"
        )
    reply = client.call(
        client.stub.ProposeSchedule,
        request,
        timeout=solves * time_limit + CALL_MARGIN_SECONDS,
        progress=progress,
    )
    print_proposal(reply.proposal, working_days=client.working_days(request.project))


@plan_app.command("accept")
def accept(
    ctx: typer.Context,
    proposal: Annotated[str, typer.Argument(help="The proposal, such as promo/proposals/3.")],
    tasks: Annotated[
        list[str] | None, typer.Argument(help="Tasks to accept (promo/12 or 12); none = all.")
    ] = None,
    planner: PlannerAddress = None,
) -> None:
    """Write a proposal's items to core; items whose task changed since are refused as stale."""
    name = proposal_ref(proposal)
    project = name.split("/")[1]
    client = Planner(ctx, planner)
    reply = client.call(
        client.stub.AcceptProposal,
        planner_service_pb2.AcceptProposalRequest(
            name=name, tasks=[task_name(t, project=project) for t in tasks or ()]
        ),
    )
    titles = {i.task: i.title for i in reply.proposal.items}
    for label, names in (("accepted", reply.accepted), ("stale (changed since)", reply.stale)):
        render.print_line(f"{label}: {len(names)}")
        for task in names:
            render.print_line(f"  {render.task_ref(task)}  {titles.get(task, '')}")
    render.print_line(f"{reply.proposal.name} is now {state_label(reply.proposal.state)}")


@plan_app.command("reject")
def reject(
    ctx: typer.Context,
    proposal: Annotated[str, typer.Argument(help="The proposal, such as promo/proposals/3.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, kept with the proposal.")] = "",
    planner: PlannerAddress = None,
) -> None:
    """Reject a proposal: none of its pending items will be written."""
    client = Planner(ctx, planner)
    reply = client.call(
        client.stub.RejectProposal,
        planner_service_pb2.RejectProposalRequest(name=proposal_ref(proposal), reason=reason),
    )
    render.print_line(f"{reply.proposal.name} is now {state_label(reply.proposal.state)}")


def target_probability(value: str) -> float:
    """`80%`, `80` or `0.8` as 0.8; from 50 % to 95 %."""
    text = value.strip().removesuffix("%").strip()
    try:
        number = float(text)
    except ValueError:
        raise usage(f"--chance must be a percentage such as 80%, not {value!r}") from None
    share = number / 100 if number > 1 else number
    if not 0.5 <= share <= 0.95:
        raise usage(f"--chance must be from 50% to 95%, not {value!r}")
    return share


def objective_stages(value: str) -> list[proposal_pb2.Objective]:
    """`deadline,lateness,changes` as the proto's objectives, in order."""
    names = [n.strip().lower() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in OBJECTIVES]
    if not names or unknown:
        raise usage(f"--objective takes a comma-separated list of {', '.join(OBJECTIVES)}")
    if len(set(names)) != len(names):
        raise usage("--objective names each objective at most once")
    return [OBJECTIVES[n] for n in names]


def proposal_ref(value: str) -> str:
    """`promo/proposals/3`, `projects/promo/proposals/3` or `promo/3` as the full name."""
    parts = value.removeprefix("projects/").split("/")
    if len(parts) == 3 and parts[1] == "proposals":
        parts = [parts[0], parts[2]]
    if len(parts) != 2 or not (parts[1].isascii() and parts[1].isdigit()):
        raise usage(f"{value!r} is not a proposal; write PROJECT/proposals/NUMBER")
    return f"{project_name(parts[0])}/proposals/{parts[1]}"


def state_label(state: int) -> str:
    return render.enum_label(proposal_pb2.ProposalState.Name(state), "PROPOSAL_STATE_")


def print_proposal(p: proposal_pb2.Proposal, *, working_days: frozenset[int]) -> None:
    render.print_table(items_table(p))
    if p.items:
        for line in gantt(p.items, working_days=working_days):
            render.print_line(line)
    if p.loads:
        render.print_table(loads_table(p.loads))
    for d in p.diagnoses:
        render.print_line(f"! {d.code}: {d.message}")
    for note in p.notes:
        render.print_line(f"note: {note}")
    s = p.solve
    render.print_table(
        render.details(
            "solve",
            [
                ("status", s.status),
                ("objective", f"{s.objective:g}"),
                ("bound", f"{s.best_bound:g}"),
                ("gap", f"{s.gap:.1%}"),
                ("time", f"{s.wall_seconds:.1f} s on {s.workers} workers"),
                ("solutions", str(s.solutions)),
                ("changes", str(s.changes)),
                ("late days", str(s.late_days)),
                ("finish", p.finish_date),
                ("deadline", p.deadline),
                *(stage_row(k, stage) for k, stage in enumerate(s.stages, start=1)),
            ],
        )
    )
    if p.finish_date:
        render.print_line(finish_line(p))
    if p.HasField("confidence"):
        for line in confidence_lines(p):
            render.print_line(line)
    hint = (
        ""
        if p.state != proposal_pb2.PROPOSAL_STATE_OPEN
        else (f" — accept with `planops plan accept {p.name.removeprefix('projects/')}`")
    )
    render.print_line(f"{p.name} ({state_label(p.state)}){hint}")


def stage_row(number: int, stage: proposal_pb2.StageSummary) -> tuple[str, str]:
    """A staged objective's numbers, such as `stage 2 lateness` `15, bound 12, gap 20.0%`."""
    label = render.enum_label(proposal_pb2.Objective.Name(stage.objective), "OBJECTIVE_")
    if not stage.HasField("best_bound"):
        return (f"stage {number} {label}", f"{stage.value:g}, no bound")
    return (
        f"stage {number} {label}",
        f"{stage.value:g}, bound {stage.best_bound:g}, gap {stage.gap:.1%}",
    )


def finish_line(p: proposal_pb2.Proposal) -> str:
    """The plan's finish beside what risk forecasts for the same plan, such as `finishes
    2026-12-18 (optimal); risk: 62% chance of the 12-28 deadline, P50 12-21, P80 12-29`."""
    line = f"finishes {p.finish_date} ({p.solve.status.lower()})"
    if not p.HasField("risk_forecast"):
        return line
    f = p.risk_forecast
    if f.unavailable_reason:
        return f"{line}; risk: {f.unavailable_reason}"
    year = p.finish_date[:5]

    def short(day: str) -> str:
        return day.removeprefix(year)

    chance = (
        f"{percent(f.probability_on_time)} chance of the {short(f.deadline)} deadline"
        if f.deadline
        else "no deadline"
    )
    return (
        f"{line}; risk: {chance}, P50 {short(f.finish_p50_date)}, "
        f"P80 {short(f.finish_p80_date)} (model {f.model_version})"
    )


def confidence_lines(p: proposal_pb2.Proposal) -> list[str]:
    """How the plan was made to the chance asked for and, when it falls short, what would
    reach it, such as `chance: asked 80%, not reached; kept the plan with P50 durations`."""
    c = p.confidence
    kept = next((a for a in c.attempts if a.kept), None)
    asked = percent(c.target_probability)
    if kept is None:
        return [f"chance: asked {asked}; no plan could be forecast"]
    source = DURATION_WORDS.get(kept.duration_source, "the estimates")
    lines = [
        f"chance: asked {asked}, {'reached' if c.reached else 'not reached'}; "
        f"kept the plan with {source} ({percent(kept.probability_on_time)})"
    ]
    tried = [
        f"{DURATION_WORDS.get(a.duration_source, 'the estimates')} → finishes "
        f"{a.finish_date or '-'}, {percent(a.probability_on_time)}"
        for a in c.attempts
    ]
    lines.append("  tried: " + "; ".join(tried))
    lines.append(
        f"  project buffer: {c.project_buffer_days} working days from the plan's finish to the"
        f" date it meets in {asked} of the simulated outcomes"
    )
    if c.remedies:
        lines.append("  what it would take:")
        lines += [f"  - {r.text}" for r in c.remedies]
    elif not c.reached:
        lines.append("  nothing the planner tried comes closer; see the notes")
    return lines


def pieces_text(item: proposal_pb2.ProposalItem) -> str:
    """A split task's stretches, `02-03; 02-05–02-06`; empty for work in one stretch."""
    if len(item.pieces) < 2:
        return ""
    year = item.start_date[:5]

    def short(day: str) -> str:
        return day.removeprefix(year)

    return "; ".join(
        short(w.start_date)
        if w.start_date == w.end_date
        else f"{short(w.start_date)}–{short(w.end_date)}"
        for w in item.pieces
    )


def items_table(p: proposal_pb2.Proposal) -> Table:
    table = Table(title=f"{p.name} ({state_label(p.state)})", title_justify="left")
    split = any(len(i.pieces) > 1 for i in p.items)
    columns = ["task", "title", "who", "start", "end", "changed?", "why"]
    if split:
        columns.insert(5, "pieces")
    for column in columns:
        table.add_column(column, overflow="fold")
    for i in p.items:
        changed = [
            what for what, flag in (("who", i.assignee_changed), ("dates", i.dates_changed)) if flag
        ]
        mark = " *" if i.critical else ""
        cells = [
            render.task_ref(i.task),
            i.title + mark,
            ", ".join(m.removeprefix("people/") for m in i.crew or [i.assignee]) or "-",
            i.start_date,
            i.end_date,
            "pinned" if i.pinned else (", ".join(changed) or "no"),
            " ".join(r.text for r in i.reasons),
        ]
        if split:
            cells.insert(5, pieces_text(i))
        table.add_row(*cells)
    return table


def gantt(items: Sequence[proposal_pb2.ProposalItem], *, working_days: frozenset[int]) -> list[str]:
    """One row per task over the plan's working days (weeks when that is too wide)."""
    first = min(date.fromisoformat(i.start_date) for i in items)
    last = max(date.fromisoformat(i.end_date) for i in items)
    days = [
        first + timedelta(days=k)
        for k in range((last - first).days + 1)
        if (first + timedelta(days=k)).isoweekday() in working_days
    ]
    weekly = len(days) > MAX_GANTT_COLUMNS
    columns = sorted({d - timedelta(days=d.weekday()) for d in days}) if weekly else days
    width = max(len(i.title) for i in items[:200])
    width = min(width, 30)
    unit = "week" if weekly else "working day"
    lines = [f"{'':{width + 2}}{first} … {last}, one column per {unit}; * = critical, ░ = paused"]
    for i in items:
        start, end = date.fromisoformat(i.start_date), date.fromisoformat(i.end_date)
        pieces = [
            (date.fromisoformat(w.start_date), date.fromisoformat(w.end_date)) for w in i.pieces
        ] or [(start, end)]
        cells = "".join(
            "█"
            if any(_overlaps(c, a, b, weekly=weekly) for a, b in pieces)
            else "░"
            if _overlaps(c, start, end, weekly=weekly)
            else "·"
            for c in columns
        )
        mark = "*" if i.critical else " "
        lines.append(f"{i.title[:width]:{width}} {mark}{cells}")
    return lines


def _overlaps(column: date, start: date, end: date, *, weekly: bool) -> bool:
    if weekly:
        return start <= column + timedelta(days=6) and column <= end
    return start <= column <= end


def loads_table(loads: Iterable[proposal_pb2.PersonLoad]) -> Table:
    table = Table(title="load", title_justify="left")
    for column in ("person", "planned h", "busiest day", "overloaded days"):
        table.add_column(column)
    for load in loads:
        busiest = max(load.days, key=lambda d: d.hours, default=None)
        table.add_row(
            load.person.removeprefix("people/"),
            f"{sum(d.hours for d in load.days):g}",
            f"{busiest.date}: {busiest.hours:g}/{busiest.capacity:g} h" if busiest else "-",
            str(load.overloaded_days),
        )
    return table
