"""`planops pools list|set|remove`: a project's staff pools (named groups of people with
their own working days), and the `--crew`, `--role` and `--staff-pool` options of
`planops tasks create|update`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from google.protobuf import field_mask_pb2
from planops.core.v1 import person_pb2, project_pb2, project_service_pb2, task_pb2
from rich.table import Table

from services.cli import render
from services.cli.client import Client, Settings, day, person_name, project_name, usage

pools_app = typer.Typer(
    no_args_is_help=True,
    help="Staff pools: named groups of people with their own working days (an early shift).",
)
Project = Annotated[str, typer.Argument(help="Project id, such as promo.", show_default=False)]
Crew = Annotated[
    int | None,
    typer.Option("--crew", help="People working on the task together (1 for one person)."),
]
Roles = Annotated[
    list[str] | None,
    typer.Option(
        "--role",
        help="COUNT=SKILL:LEVEL[+SKILL:LEVEL]: places in the crew that need skills, such as "
        "1=host:2; repeat for more.",
    ),
]
StaffPoolOption = Annotated[
    str | None, typer.Option("--staff-pool", help="Staff pool id the people come from; - for any.")
]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _client(ctx: typer.Context) -> Client:
    found = ctx.find_object(Settings)
    return ctx.with_resource(Client(found or Settings.resolve(address=None, key=None)))


def parse_roles(values: Sequence[str] | None) -> list[task_pb2.CrewRole]:
    """`1=host:2+camera` as one role of one person with host ≥ 2 and camera ≥ 1."""
    roles = []
    for value in values or ():
        count, _, skills = value.partition("=")
        parsed: list[person_pb2.Skill] = []
        for part in skills.split("+"):
            skill, _, level = part.partition(":")
            skill = skill.strip().lower()
            if not skill or (level and not (level.isdigit() and 1 <= int(level) <= 5)):
                parsed = []
                break
            parsed.append(person_pb2.Skill(skill=skill, level=int(level or 1)))
        if not (count.strip().isdigit() and int(count) >= 1 and parsed):
            raise usage(
                f"--role: {value!r} is not COUNT=SKILL:LEVEL[+SKILL:LEVEL], such as 1=host:2"
            )
        roles.append(task_pb2.CrewRole(count=int(count), skills=parsed))
    return roles


def staffing(
    *, crew: int | None, roles: Sequence[str] | None, staff_pool: str | None
) -> task_pb2.Staffing | None:
    """The staffing the options ask for, or None when none of them was given."""
    if crew is None and roles is None and staff_pool is None:
        return None
    if crew is not None and not 1 <= crew <= 50:
        raise usage("--crew: must be 1 to 50 people")
    parsed = parse_roles(roles)
    size = crew if crew is not None else max(1, sum(r.count for r in parsed))
    return task_pb2.Staffing(
        crew_size=size if size > 1 else 0,
        roles=parsed,
        staff_pool="" if staff_pool in (None, "-") else staff_pool,
    )


def updated_staffing(
    current: task_pb2.Staffing,
    *,
    crew: int | None,
    roles: Sequence[str] | None,
    staff_pool: str | None,
) -> task_pb2.Staffing:
    """`current` with the options given: --crew, --role (replacing all roles) and
    --staff-pool (- for none)."""
    out = task_pb2.Staffing()
    out.CopyFrom(current)
    if crew is not None:
        if not 1 <= crew <= 50:
            raise usage("--crew: must be 1 to 50 people")
        out.crew_size = crew if crew > 1 else 0
    if roles is not None:
        del out.roles[:]
        out.roles.extend(parse_roles(roles))
        if crew is None:
            out.crew_size = max(out.crew_size, sum(r.count for r in out.roles))
    if staff_pool is not None:
        out.staff_pool = "" if staff_pool == "-" else staff_pool
    return out


def _pools(client: Client, project: str) -> project_pb2.Project:
    reply: project_service_pb2.GetProjectResponse = client.call(
        client.projects.GetProject,
        project_service_pb2.GetProjectRequest(name=project_name(project)),
    )
    return reply.project


def _write(
    client: Client, project: project_pb2.Project, pools: list[project_pb2.StaffPool]
) -> None:
    # The pools are one field: send the etag read, so a pool edited meanwhile is refused
    # rather than overwritten.
    changed = project_pb2.Project(name=project.name, etag=project.etag, staff_pools=pools)
    client.call(
        client.projects.UpdateProject,
        project_service_pb2.UpdateProjectRequest(
            project=changed, update_mask=field_mask_pb2.FieldMask(paths=["staff_pools"])
        ),
    )


def pools_table(pools: Sequence[project_pb2.StaffPool]) -> Table:
    table = Table(title="staff pools", title_justify="left")
    for column in ("id", "name", "members", "works", "days off"):
        table.add_column(column, overflow="fold")
    for p in pools:
        table.add_row(
            p.id,
            p.display_name,
            ", ".join(m.removeprefix("people/") for m in p.members),
            " ".join(WEEKDAYS[d - 1] for d in p.working_days),
            ", ".join(p.days_off),
        )
    return table


@pools_app.command("list")
def list_pools(ctx: typer.Context, project: Project) -> None:
    """The project's staff pools."""
    found = _pools(_client(ctx), project).staff_pools
    if found:
        render.print_table(pools_table(found))
    else:
        render.print_line("no staff pools")


@pools_app.command("set")
def set_pool(
    ctx: typer.Context,
    project: Project,
    pool: Annotated[str, typer.Argument(help="Pool id, such as early-shift.", show_default=False)],
    member: Annotated[
        list[str], typer.Option("--member", help="Person id; repeat for each member.")
    ],
    name: Annotated[str, typer.Option(help="Human-readable name.")] = "",
    working_days: Annotated[
        str, typer.Option(help="ISO weekdays the pool works, such as 1,2,3,4.")
    ] = "1,2,3,4,5",
    day_off: Annotated[
        list[str] | None, typer.Option("--day-off", help="A day off YYYY-MM-DD; repeatable.")
    ] = None,
) -> None:
    """Create or replace a staff pool."""
    parts = [p.strip() for p in working_days.split(",") if p.strip()]
    if not parts or not all(p.isdigit() and 1 <= int(p) <= 7 for p in parts):
        raise usage(f"--working-days: {working_days!r} is not ISO weekdays 1-7 such as 1,2,3,4")
    new = project_pb2.StaffPool(
        id=pool,
        display_name=name,
        members=[person_name(m) for m in member],
        working_days=sorted({int(p) for p in parts}),
        days_off=[day(d, option="--day-off") for d in day_off or ()],
    )
    client = _client(ctx)
    stored = _pools(client, project)
    pools = [p for p in stored.staff_pools if p.id != pool]
    replaced = len(pools) < len(stored.staff_pools)
    _write(client, stored, pools=[*pools, new])
    render.print_line(f"{'replaced' if replaced else 'added'} staff pool {pool} in {stored.name}")


@pools_app.command("remove")
def remove_pool(
    ctx: typer.Context,
    project: Project,
    pool: Annotated[str, typer.Argument(help="Pool id.", show_default=False)],
) -> None:
    """Remove a staff pool; its tasks are then planned with any of the project's people."""
    client = _client(ctx)
    stored = _pools(client, project)
    pools = [p for p in stored.staff_pools if p.id != pool]
    if len(pools) == len(stored.staff_pools):
        raise usage(f"{stored.name} has no staff pool {pool!r}")
    _write(client, stored, pools=pools)
    render.print_line(f"removed staff pool {pool} from {stored.name}")
