"""The `planops` command: projects, people, tasks and keys in core, from a terminal."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence
from enum import StrEnum
from itertools import islice
from typing import Annotated, Any

import typer
from google.protobuf import field_mask_pb2
from planops.core.v1 import (
    api_key_pb2,
    api_key_service_pb2,
    audit_service_pb2,
    person_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
    task_pb2,
    task_service_pb2,
    template_service_pb2,
)

from services.cli import (
    demo,
    interop_cli,
    notes_rpc,
    render,
    report_cli,
    risk_cli,
    secrets_cli,
    stack,
)
from services.cli.automation_cli import rules_app, webhooks_app
from services.cli.calendar_cli import calendar_app
from services.cli.notes_cli import notes_app
from services.cli.plan_cli import plan_app
from services.cli.staffing_cli import (
    Crew,
    Roles,
    StaffPoolOption,
    pools_app,
    staffing,
    updated_staffing,
)

try:  # typer 0.2x bundles its own click, whose exceptions are not those of `click`
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors  # type: ignore[no-redef]
from services.cli.client import (
    Client,
    CliError,
    Settings,
    day,
    dependency_name,
    member_name,
    person_name,
    project_name,
    task_name,
    usage,
)

SERVICES = (
    "planops.core.v1.ProjectService",
    "planops.core.v1.PersonService",
    "planops.core.v1.TaskService",
    "planops.core.v1.TemplateService",
    "planops.core.v1.AuditService",
    "planops.core.v1.ApiKeyService",
)


class OneLineErrors(typer.core.TyperGroup):
    """Reports every user mistake and refusal as one `error:` line on stderr, no traceback.

    Exit codes: 2 for a usage mistake caught here, 1 for a refusal or failure of core.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click_errors.NoArgsIsHelpError as error:
            sys.exit(error.exit_code)  # the help is already printed
        except click_errors.UsageError as error:
            hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
            fail(error.format_message() + hint, exit_code=error.exit_code)
        except click_errors.ClickException as error:
            fail(error.format_message(), exit_code=error.exit_code)
        except typer.Abort:
            fail("aborted", exit_code=1)
        except CliError as error:
            fail(error.message, exit_code=error.exit_code)
        # Without standalone mode click returns the code of a `typer.Exit` instead of exiting.
        sys.exit(result if isinstance(result, int) else 0)


def fail(message: str, *, exit_code: int) -> None:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(exit_code)


app = typer.Typer(
    name="planops",
    cls=OneLineErrors,
    no_args_is_help=True,
    help="Plan and track operational projects in PlanOps core.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
projects_app = typer.Typer(no_args_is_help=True, help="Projects.")
members_app = typer.Typer(no_args_is_help=True, help="Who works on a project, in which roles.")
people_app = typer.Typer(no_args_is_help=True, help="People, their skills and capacity.")
tasks_app = typer.Typer(no_args_is_help=True, help="Tasks and their workflow.")
deps_app = typer.Typer(no_args_is_help=True, help="Dependencies between tasks.")
templates_app = typer.Typer(no_args_is_help=True, help="Project templates.")
keys_app = typer.Typer(no_args_is_help=True, help="API keys (admin only).")
app.add_typer(projects_app, name="projects")
app.add_typer(members_app, name="members")
app.add_typer(people_app, name="people")
app.add_typer(tasks_app, name="tasks")
app.add_typer(deps_app, name="deps")
app.add_typer(templates_app, name="templates")
app.add_typer(keys_app, name="keys")
app.command(name="up")(stack.up)
app.command(name="migrate")(stack.migrate)
app.command(name="nats-config")(secrets_cli.nats_config)
app.command(name="database-password")(secrets_cli.database_password)
app.command(name="demo")(demo.demo)
app.add_typer(notes_app, name="notes")
notes_app.command("paste")(notes_rpc.paste)
notes_app.command("accept")(notes_rpc.accept)
app.command(name="risk")(risk_cli.risk)
app.command(name="import")(risk_cli.import_history)
app.command(name="export")(interop_cli.export)
app.command(name="import-mspdi")(interop_cli.import_mspdi)
app.command(name="import-board")(interop_cli.import_board)
app.add_typer(plan_app, name="plan")
app.command(name="report")(report_cli.report)
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(rules_app, name="rules")
app.add_typer(calendar_app, name="calendar")
app.add_typer(pools_app, name="pools")


class Order(StrEnum):
    created = "created"
    due = "due"
    priority = "priority"
    updated = "updated"


class Priority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    urgent = "urgent"


class Role(StrEnum):
    manager = "manager"
    executor = "executor"
    reviewer = "reviewer"
    viewer = "viewer"


class DependencyType(StrEnum):
    fs = "fs"
    ss = "ss"
    ff = "ff"
    sf = "sf"


ORDERS = {
    Order.created: task_service_pb2.TASK_ORDER_UNSPECIFIED,
    Order.due: task_service_pb2.TASK_ORDER_DUE_DATE,
    Order.priority: task_service_pb2.TASK_ORDER_PRIORITY,
    Order.updated: task_service_pb2.TASK_ORDER_UPDATE_TIME,
}
PRIORITIES = {
    Priority.low: task_pb2.PRIORITY_LOW,
    Priority.medium: task_pb2.PRIORITY_MEDIUM,
    Priority.high: task_pb2.PRIORITY_HIGH,
    Priority.urgent: task_pb2.PRIORITY_URGENT,
}
ROLES = {
    Role.manager: project_pb2.ROLE_MANAGER,
    Role.executor: project_pb2.ROLE_EXECUTOR,
    Role.reviewer: project_pb2.ROLE_REVIEWER,
    Role.viewer: project_pb2.ROLE_VIEWER,
}
DEPENDENCY_TYPES = {
    DependencyType.fs: task_pb2.DEPENDENCY_TYPE_FINISH_TO_START,
    DependencyType.ss: task_pb2.DEPENDENCY_TYPE_START_TO_START,
    DependencyType.ff: task_pb2.DEPENDENCY_TYPE_FINISH_TO_FINISH,
    DependencyType.sf: task_pb2.DEPENDENCY_TYPE_START_TO_FINISH,
}

Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Project = Annotated[str, typer.Argument(help="Project id, such as promo.", show_default=False)]
Task = Annotated[
    str,
    typer.Argument(help="Task: PROJECT/NUMBER (promo/12) or its full name.", show_default=False),
]
Skills = Annotated[
    list[str] | None,
    typer.Option("--skill", help="SKILL:LEVEL (level 1-5, default 1); repeat for more."),
]
Labels = Annotated[list[str] | None, typer.Option("--label", help="A label; repeat for more.")]


@app.callback()
def connect_options(
    ctx: typer.Context,
    address: Annotated[
        str | None,
        typer.Option(
            envvar="PLANOPS_CORE_ADDRESS",
            help="host:port of core  [default: 127.0.0.1:50051]",
            show_default=False,
        ),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            envvar="PLANOPS_API_KEY",
            help="API key  [default: the admin key in $PLANOPS_HOME/admin.key]",
            show_default=False,
        ),
    ] = None,
) -> None:
    ctx.obj = Settings.resolve(address=address, key=key)


def connect(ctx: typer.Context) -> Client:
    settings = ctx.find_object(Settings)
    if settings is None:
        settings = Settings.resolve(address=None, key=None)
    return ctx.with_resource(Client(settings))


def request_id() -> str:
    return uuid.uuid4().hex


def parse_skills(values: Sequence[str] | None) -> list[person_pb2.Skill]:
    found = []
    for value in values or ():
        skill, _, level = value.partition(":")
        skill = skill.strip().lower()
        if not skill or (
            level and not (level.isascii() and level.isdigit() and 1 <= int(level) <= 5)
        ):
            raise usage(f"--skill: {value!r} is not SKILL:LEVEL with a level from 1 to 5")
        found.append(person_pb2.Skill(skill=skill, level=int(level or 1)))
    return found


def optional_day(value: str | None, option: str) -> str:
    return day(value, option=option) if value else ""


def print_empty(what: str) -> None:
    render.print_line(f"no {what}")


# status


@app.command()
def status(ctx: typer.Context) -> None:
    """Show whether core is up, who this key belongs to, and how many projects it sees."""
    client = connect(ctx)
    address = client.settings.address
    health = [(s.rsplit(".", 1)[-1] or "core", client.check(s)) for s in ("", *SERVICES)]
    caller = client.call(client.keys.GetCaller, api_key_service_pb2.GetCallerRequest()).api_key
    projects = len(
        client.every(
            client.projects.ListProjects, project_service_pb2.ListProjectsRequest(), "projects"
        )
    )
    who = caller.principal + (" (admin)" if caller.admin else "")
    key = caller.name + (f" ({caller.display_name})" if caller.display_name else "")
    render.print_table(
        render.details(
            f"core at {address}",
            [*health, ("caller", who), ("key", key), ("projects", str(projects))],
        )
    )


# projects


@projects_app.command("list")
def projects_list(ctx: typer.Context, json: Json = False) -> None:
    """List the projects you are a member of (all of them for an admin)."""
    client = connect(ctx)
    found = client.every(
        client.projects.ListProjects, project_service_pb2.ListProjectsRequest(), "projects"
    )
    if json:
        render.print_json(found)
    elif found:
        render.print_table(render.projects_table(found))
    else:
        print_empty("projects")


@projects_app.command("create")
def projects_create(
    ctx: typer.Context,
    project_id: Annotated[str, typer.Argument(metavar="ID", help="Lower-case id, such as promo.")],
    name: Annotated[str, typer.Option(help="Human-readable name.")],
    description: Annotated[str, typer.Option(help="Free text.")] = "",
    time_zone: Annotated[str, typer.Option(help="IANA time zone, such as Asia/Shanghai.")] = "",
    country: Annotated[str, typer.Option(help="Country whose public holidays are off (CN).")] = "",
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")] = None,
    deadline: Annotated[str | None, typer.Option(help="Finish by, YYYY-MM-DD.")] = None,
) -> None:
    """Create a project with the default workflow; you become its manager.

    Needs the right to create projects: an admin grants it with `planops people
    project-creator ID` (or the server runs with PLANOPS_PROJECT_CREATORS=everyone)."""
    ident = project_name(project_id).removeprefix("projects/")
    project = project_pb2.Project(
        display_name=name,
        description=description,
        time_zone=time_zone,
        calendar=project_pb2.Calendar(holiday_country=country.upper()),
        start_date=optional_day(start, "--start"),
        deadline=optional_day(deadline, "--deadline"),
    )
    client = connect(ctx)
    created = client.call(
        client.projects.CreateProject,
        project_service_pb2.CreateProjectRequest(
            project=project, project_id=ident, request_id=request_id()
        ),
    ).project
    render.print_line(f"created {created.name} ({created.display_name})")


@projects_app.command("show")
def projects_show(ctx: typer.Context, project: Project, json: Json = False) -> None:
    """Show a project with its calendar and workflow."""
    client = connect(ctx)
    found = client.call(
        client.projects.GetProject,
        project_service_pb2.GetProjectRequest(name=project_name(project)),
    ).project
    if json:
        render.print_json(found)
    else:
        render.print_table(render.project_details(found))


@projects_app.command("update")
def projects_update(
    ctx: typer.Context,
    project: Project,
    name: Annotated[str | None, typer.Option(help="New human-readable name.")] = None,
    description: Annotated[str | None, typer.Option(help="New free text.")] = None,
    time_zone: Annotated[str | None, typer.Option(help="IANA time zone.")] = None,
    start: Annotated[str | None, typer.Option(help="First day YYYY-MM-DD; - to clear.")] = None,
    deadline: Annotated[str | None, typer.Option(help="Finish by YYYY-MM-DD; - to clear.")] = None,
    country: Annotated[
        str | None, typer.Option(help="Country whose public holidays are off; - for none.")
    ] = None,
    working_days: Annotated[
        str | None, typer.Option(help="ISO weekdays that are working days, such as 1,2,3,4,5.")
    ] = None,
    hours_per_day: Annotated[
        float | None, typer.Option(help="Working hours in a working day.")
    ] = None,
    day_off: Annotated[
        list[str] | None, typer.Option("--day-off", help="Add a day off YYYY-MM-DD; repeatable.")
    ] = None,
    working_day: Annotated[
        list[str] | None,
        typer.Option("--working-day", help="Remove a day off YYYY-MM-DD; repeatable."),
    ] = None,
) -> None:
    """Change a project's name, dates or calendar; only the options given are changed.

    Moving the deadline or the calendar re-runs risk's forecast of the project."""
    full = project_name(project)
    changed = project_pb2.Project(name=full)
    paths: list[str] = []
    if name is not None:
        changed.display_name = name
        paths.append("display_name")
    if description is not None:
        changed.description = description
        paths.append("description")
    if time_zone is not None:
        changed.time_zone = time_zone
        paths.append("time_zone")
    if start is not None:
        changed.start_date = "" if start == "-" else day(start, option="--start")
        paths.append("start_date")
    if deadline is not None:
        changed.deadline = "" if deadline == "-" else day(deadline, option="--deadline")
        paths.append("deadline")
    weekdays = parse_weekdays(working_days) if working_days is not None else None
    added = [day(d, option="--day-off") for d in day_off or ()]
    removed = {day(d, option="--working-day") for d in working_day or ()}
    calendar_changed = bool(added or removed) or any(
        option is not None for option in (weekdays, country, hours_per_day)
    )
    if not paths and not calendar_changed:
        raise usage("nothing to change; pass --deadline, --name, --day-off or another option")
    client = connect(ctx)
    if calendar_changed:
        # The calendar is one field: change the stored one, and send its etag so a calendar
        # edited by someone else meanwhile is refused rather than overwritten.
        stored = client.call(
            client.projects.GetProject, project_service_pb2.GetProjectRequest(name=full)
        ).project
        calendar = project_pb2.Calendar()
        calendar.CopyFrom(stored.calendar)
        if country is not None:
            calendar.holiday_country = "" if country == "-" else country.upper()
            if country == "-":
                calendar.holiday_subdivision = ""
        if weekdays is not None:
            del calendar.working_days[:]
            calendar.working_days.extend(weekdays)
        if hours_per_day is not None:
            calendar.hours_per_day = hours_per_day
        days_off = [d for d in calendar.days_off if d not in removed]
        days_off += [d for d in added if d not in days_off]
        del calendar.days_off[:]
        calendar.days_off.extend(sorted(days_off))
        changed.calendar.CopyFrom(calendar)
        changed.etag = stored.etag
        paths.append("calendar")
    updated = client.call(
        client.projects.UpdateProject,
        project_service_pb2.UpdateProjectRequest(
            project=changed, update_mask=field_mask_pb2.FieldMask(paths=paths)
        ),
    ).project
    render.print_line(f"updated {updated.name} ({', '.join(paths)})")


def parse_weekdays(value: str) -> list[int]:
    """`1,2,3,4,5` as ISO weekdays, or a usage error naming --working-days."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not parts or not all(p.isascii() and p.isdigit() and 1 <= int(p) <= 7 for p in parts):
        raise usage(f"--working-days: {value!r} is not ISO weekdays 1-7 such as 1,2,3,4,5")
    return sorted({int(p) for p in parts})


@projects_app.command("delete")
def projects_delete(
    ctx: typer.Context,
    project: Project,
    force: Annotated[bool, typer.Option(help="Also delete its tasks and memberships.")] = False,
) -> None:
    """Delete a project; refused while it has tasks unless --force."""
    client = connect(ctx)
    name = project_name(project)
    client.call(
        client.projects.DeleteProject,
        project_service_pb2.DeleteProjectRequest(name=name, force=force),
    )
    render.print_line(f"deleted {name}")


# members


@members_app.command("add")
def members_add(
    ctx: typer.Context,
    project: Project,
    person: Annotated[str, typer.Argument(help="Person id, or services/NAME.")],
    role: Annotated[
        list[Role] | None, typer.Option("--role", help="A role in the project; repeat for more.")
    ] = None,
) -> None:
    """Add a person (or service) to a project with one or more roles."""
    if not role:
        raise usage("pass at least one --role (manager, executor, reviewer, viewer)")
    client = connect(ctx)
    created = client.call(
        client.projects.CreateMembership,
        project_service_pb2.CreateMembershipRequest(
            parent=project_name(project),
            membership=project_pb2.Membership(
                member=member_name(person), roles=[ROLES[r] for r in role]
            ),
        ),
    ).membership
    roles = ", ".join(render.role(r) for r in created.roles)
    render.print_line(f"added {created.member} to {project_name(project)} as {roles}")


@members_app.command("list")
def members_list(ctx: typer.Context, project: Project, json: Json = False) -> None:
    """List a project's members and their roles."""
    client = connect(ctx)
    request = project_service_pb2.ListMembershipsRequest(parent=project_name(project))
    found = client.every(client.projects.ListMemberships, request, "memberships")
    if json:
        render.print_json(found)
    elif found:
        render.print_table(render.memberships_table(found))
    else:
        print_empty("members")


@members_app.command("remove")
def members_remove(
    ctx: typer.Context,
    project: Project,
    person: Annotated[str, typer.Argument(help="Person id, or services/NAME.")],
) -> None:
    """Remove a member from a project."""
    member = member_name(person)
    name = f"{project_name(project)}/memberships/{member}"
    client = connect(ctx)
    client.call(
        client.projects.DeleteMembership, project_service_pb2.DeleteMembershipRequest(name=name)
    )
    render.print_line(f"removed {member} from {project_name(project)}")


# people


@people_app.command("list")
def people_list(
    ctx: typer.Context,
    skill: Annotated[str, typer.Option(help="Only people with this skill.")] = "",
    project: Annotated[str | None, typer.Option(help="Only members of this project.")] = None,
    json: Json = False,
) -> None:
    """List people, ordered by id."""
    client = connect(ctx)
    request = person_service_pb2.ListPeopleRequest(
        skill=skill.lower(), project=project_name(project) if project else ""
    )
    found = client.every(client.people.ListPeople, request, "people")
    if json:
        render.print_json(found)
    elif found:
        render.print_table(render.people_table(found))
    else:
        print_empty("people")


@people_app.command("create")
def people_create(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(metavar="ID", help="Lower-case id, such as alice.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    email: Annotated[str, typer.Option(help="E-mail address.")] = "",
    skill: Skills = None,
    capacity: Annotated[float, typer.Option(help="Hours a week for planned work.")] = 40.0,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Another name used in notes; repeatable.")
    ] = None,
    project_creator: Annotated[
        bool, typer.Option("--project-creator", help="May create projects.")
    ] = False,
) -> None:
    """Create a person (admin only)."""
    ident = person_name(person_id).removeprefix("people/")
    person = person_pb2.Person(
        display_name=name,
        email=email,
        aliases=alias or [],
        skills=parse_skills(skill),
        weekly_capacity_hours=capacity,
        project_creator=project_creator,
    )
    client = connect(ctx)
    created = client.call(
        client.people.CreatePerson,
        person_service_pb2.CreatePersonRequest(
            person=person, person_id=ident, request_id=request_id()
        ),
    ).person
    render.print_line(f"created {created.name} ({created.display_name})")


@people_app.command("project-creator")
def people_project_creator(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(metavar="ID", help="Person id.")],
    allow: Annotated[
        bool, typer.Option("--allow/--deny", help="Let them create projects, or stop them.")
    ] = True,
) -> None:
    """Let a person create projects, or take the right back (admin only). Only admins and
    people with this right create projects, unless core runs with
    PLANOPS_PROJECT_CREATORS=everyone."""
    client = connect(ctx)
    name = person_name(person)
    client.call(
        client.people.UpdatePerson,
        person_service_pb2.UpdatePersonRequest(
            person=person_pb2.Person(name=name, project_creator=allow),
            update_mask=field_mask_pb2.FieldMask(paths=["project_creator"]),
        ),
    )
    render.print_line(f"{name} {'may' if allow else 'may not'} create projects")


@people_app.command("show")
def people_show(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(metavar="ID", help="Person id.")],
    json: Json = False,
) -> None:
    """Show a person with skills, capacity and time off."""
    client = connect(ctx)
    found = client.call(
        client.people.GetPerson, person_service_pb2.GetPersonRequest(name=person_name(person))
    ).person
    if json:
        render.print_json(found)
    else:
        render.print_table(render.person_details(found))


@people_app.command("delete")
def people_delete(
    ctx: typer.Context, person: Annotated[str, typer.Argument(metavar="ID", help="Person id.")]
) -> None:
    """Delete a person (admin only); refused while they have open tasks."""
    client = connect(ctx)
    name = person_name(person)
    client.call(client.people.DeletePerson, person_service_pb2.DeletePersonRequest(name=name))
    render.print_line(f"deleted {name}")


# tasks


def project_of(client: Client, project: str) -> project_pb2.Project:
    reply = client.call(
        client.projects.GetProject,
        project_service_pb2.GetProjectRequest(name=project_name(project)),
    )
    found: project_pb2.Project = reply.project
    return found


def assignee_name(value: str) -> str:
    return "" if value == "-" else person_name(value)


@tasks_app.command("list")
def tasks_list(
    ctx: typer.Context,
    project: Project,
    state: Annotated[
        list[str] | None, typer.Option("--state", help="Only tasks in this state; repeatable.")
    ] = None,
    assignee: Annotated[
        str | None, typer.Option(help="Only tasks of this person; - for unassigned.")
    ] = None,
    label: Annotated[str, typer.Option(help="Only tasks with this label.")] = "",
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open tasks past due.")] = False,
    order: Annotated[Order, typer.Option(help="Sort order.")] = Order.created,
    json: Json = False,
) -> None:
    """List a project's tasks (every page)."""
    client = connect(ctx)
    if state:
        known = [s.id for s in project_of(client, project).workflow.states]
        unknown = [s for s in state if s not in known]
        if unknown:
            raise usage(
                f"--state: {', '.join(unknown)} is not a state of this project; "
                f"its states are {', '.join(known)}"
            )
    request = task_service_pb2.ListTasksRequest(
        parent=project_name(project),
        states=state or [],
        assignee="-" if assignee == "-" else person_name(assignee) if assignee else "",
        label=label,
        overdue=overdue,
        order_by=ORDERS[order],
    )
    found = client.every(client.tasks.ListTasks, request, "tasks")
    if json:
        render.print_json(found)
    elif found:
        render.print_table(render.tasks_table(found))
    else:
        print_empty("tasks")


@tasks_app.command("create")
def tasks_create(
    ctx: typer.Context,
    project: Project,
    title: Annotated[str, typer.Argument(help="Short summary.")],
    assignee: Annotated[str | None, typer.Option(help="Person id.")] = None,
    estimate: Annotated[float, typer.Option(help="Most likely effort in hours.")] = 0.0,
    due: Annotated[str | None, typer.Option(help="Due day, YYYY-MM-DD.")] = None,
    priority: Annotated[Priority, typer.Option(help="Urgency.")] = Priority.medium,
    skill: Skills = None,
    label: Labels = None,
    description: Annotated[str, typer.Option(help="Free text.")] = "",
    crew: Crew = None,
    role: Roles = None,
    staff_pool: StaffPoolOption = None,
) -> None:
    """Create a task in the project's initial state."""
    task = task_pb2.Task(
        title=title,
        description=description,
        assignee=person_name(assignee) if assignee else "",
        estimate_hours=estimate,
        due_date=optional_day(due, "--due"),
        priority=PRIORITIES[priority],
        required_skills=parse_skills(skill),
        labels=label or [],
        staffing=staffing(crew=crew, roles=role, staff_pool=staff_pool),
    )
    client = connect(ctx)
    created = client.call(
        client.tasks.CreateTask,
        task_service_pb2.CreateTaskRequest(
            parent=project_name(project), task=task, request_id=request_id()
        ),
    ).task
    render.print_line(f"created {render.task_ref(created.name)}: {created.title} ({created.state})")


@tasks_app.command("show")
def tasks_show(ctx: typer.Context, task: Task, json: Json = False) -> None:
    """Show a task and the states it can move to."""
    client = connect(ctx)
    name = task_name(task)
    found = client.call(client.tasks.GetTask, task_service_pb2.GetTaskRequest(name=name)).task
    if json:
        render.print_json(found)
        return
    flow = project_of(client, name.split("/")[1]).workflow
    moves = [t.to_state for t in flow.transitions if t.from_state == found.state]
    render.print_table(render.task_details(found, next_states=moves))


@tasks_app.command("move")
def tasks_move(
    ctx: typer.Context,
    task: Task,
    state: Annotated[str, typer.Argument(help="The state to move to, such as submitted.")],
    comment: Annotated[str, typer.Option(help="Why, kept with the move.")] = "",
) -> None:
    """Move a task to another workflow state."""
    client = connect(ctx)
    name = task_name(task)
    before = client.call(client.tasks.GetTask, task_service_pb2.GetTaskRequest(name=name)).task
    moved = client.call(
        client.tasks.TransitionTask,
        task_service_pb2.TransitionTaskRequest(
            name=name, to_state=state, comment=comment, etag=before.etag
        ),
    ).task
    render.print_line(f"{render.task_ref(moved.name)}: {before.state} → {moved.state}")


@tasks_app.command("update")
def tasks_update(
    ctx: typer.Context,
    task: Task,
    title: Annotated[str | None, typer.Option(help="New summary.")] = None,
    description: Annotated[str | None, typer.Option(help="New description.")] = None,
    assignee: Annotated[str | None, typer.Option(help="Person id; - to unassign.")] = None,
    due: Annotated[str | None, typer.Option(help="Due day YYYY-MM-DD; - to clear.")] = None,
    priority: Annotated[Priority | None, typer.Option(help="Urgency.")] = None,
    estimate: Annotated[float | None, typer.Option(help="Effort in hours.")] = None,
    skill: Skills = None,
    label: Annotated[
        list[str] | None, typer.Option("--label", help="Replaces the labels; repeatable.")
    ] = None,
    crew: Crew = None,
    role: Roles = None,
    staff_pool: StaffPoolOption = None,
    splittable: Annotated[
        bool | None,
        typer.Option(
            "--splittable/--no-splittable",
            help="Whether the planner may pause the task over its assignee's days off.",
        ),
    ] = None,
) -> None:
    """Change a task's fields; only the options given are changed."""
    name = task_name(task)
    changed = task_pb2.Task(name=name)
    paths: list[str] = []
    if title is not None:
        changed.title = title
        paths.append("title")
    if description is not None:
        changed.description = description
        paths.append("description")
    if assignee is not None:
        changed.assignee = assignee_name(assignee)
        paths.append("assignee")
    if due is not None:
        changed.due_date = "" if due == "-" else day(due, option="--due")
        paths.append("due_date")
    if priority is not None:
        changed.priority = PRIORITIES[priority]
        paths.append("priority")
    if estimate is not None:
        changed.estimate_hours = estimate
        paths.append("estimate_hours")
    if skill is not None:
        changed.required_skills.extend(parse_skills(skill))
        paths.append("required_skills")
    if label is not None:
        changed.labels.extend(label)
        paths.append("labels")
    if splittable is not None:
        changed.splittable = splittable
        paths.append("splittable")
    staffing_given = crew is not None or role is not None or staff_pool is not None
    if not paths and not staffing_given:
        raise usage("nothing to change; pass --title, --assignee, --due or another option")
    client = connect(ctx)
    if staffing_given:
        # The staffing is one field: change the stored one, with its etag, so options not
        # given keep their values and a change made meanwhile is refused, not overwritten.
        stored = client.call(client.tasks.GetTask, task_service_pb2.GetTaskRequest(name=name))
        changed.staffing.CopyFrom(
            updated_staffing(stored.task.staffing, crew=crew, roles=role, staff_pool=staff_pool)
        )
        changed.etag = stored.task.etag
        paths.append("staffing")
    updated = client.call(
        client.tasks.UpdateTask,
        task_service_pb2.UpdateTaskRequest(
            task=changed, update_mask=field_mask_pb2.FieldMask(paths=paths)
        ),
    ).task
    render.print_line(f"updated {render.task_ref(updated.name)} ({', '.join(paths)})")


@tasks_app.command("delete")
def tasks_delete(ctx: typer.Context, task: Task) -> None:
    """Delete a task with its dependencies, comments and time entries."""
    client = connect(ctx)
    name = task_name(task)
    client.call(client.tasks.DeleteTask, task_service_pb2.DeleteTaskRequest(name=name))
    render.print_line(f"deleted {render.task_ref(name)}")


@tasks_app.command("history")
def tasks_history(ctx: typer.Context, task: Task, json: Json = False) -> None:
    """List a task's workflow moves, oldest first."""
    client = connect(ctx)
    request = task_service_pb2.ListTaskTransitionsRequest(parent=task_name(task))
    found = client.every(client.tasks.ListTaskTransitions, request, "transitions")
    if json:
        render.print_json(found)
    else:
        render.print_table(render.transitions_table(found))


# dependencies


@deps_app.command("add")
def deps_add(
    ctx: typer.Context,
    project: Project,
    predecessor: Annotated[
        str, typer.Argument(metavar="PRED", help="Task number that comes first.")
    ],
    successor: Annotated[str, typer.Argument(metavar="SUCC", help="Task number that follows.")],
    type_: Annotated[
        DependencyType,
        typer.Option(
            "--type", help="Tied ends: finish-start, start-start, finish-finish, start-finish."
        ),
    ] = DependencyType.fs,
    lag: Annotated[int, typer.Option(help="Working days between; negative for overlap.")] = 0,
) -> None:
    """Make one task wait for another; refused with the cycle named if it would close one."""
    dependency = task_pb2.Dependency(
        predecessor=task_name(predecessor, project=project),
        successor=task_name(successor, project=project),
        type=DEPENDENCY_TYPES[type_],
        lag_days=lag,
    )
    client = connect(ctx)
    created = client.call(
        client.tasks.CreateDependency,
        task_service_pb2.CreateDependencyRequest(
            parent=project_name(project), dependency=dependency, request_id=request_id()
        ),
    ).dependency
    render.print_line(
        f"added {render.dependency_ref(created.name)}: {render.task_ref(created.predecessor)} → "
        f"{render.task_ref(created.successor)} ({type_.value}{f' {lag:+d}' if lag else ''})"
    )


@deps_app.command("list")
def deps_list(
    ctx: typer.Context,
    project: Project,
    task: Annotated[str | None, typer.Option(help="Only those of this task.")] = None,
    json: Json = False,
) -> None:
    """List a project's dependencies."""
    client = connect(ctx)
    request = task_service_pb2.ListDependenciesRequest(
        parent=project_name(project), task=task_name(task, project=project) if task else ""
    )
    found = client.every(client.tasks.ListDependencies, request, "dependencies")
    if json:
        render.print_json(found)
    elif found:
        render.print_table(render.dependencies_table(found))
    else:
        print_empty("dependencies")


@deps_app.command("remove")
def deps_remove(
    ctx: typer.Context,
    dependency: Annotated[
        str, typer.Argument(metavar="NAME", help="PROJECT/dependencies/NUMBER, as deps list shows.")
    ],
) -> None:
    """Remove a dependency."""
    client = connect(ctx)
    name = dependency_name(dependency)
    client.call(client.tasks.DeleteDependency, task_service_pb2.DeleteDependencyRequest(name=name))
    render.print_line(f"removed {render.dependency_ref(name)}")


# templates


def template_name(value: str) -> str:
    return value if value.startswith("templates/") else f"templates/{value}"


@templates_app.command("list")
def templates_list(ctx: typer.Context, json: Json = False) -> None:
    """List the templates projects can be made from."""
    client = connect(ctx)
    request = template_service_pb2.ListTemplatesRequest()
    found = client.every(client.templates.ListTemplates, request, "templates")
    if json:
        render.print_json(found)
    elif found:
        render.print_table(render.templates_table(found))
    else:
        print_empty("templates")


@templates_app.command("show")
def templates_show(
    ctx: typer.Context,
    template: Annotated[str, typer.Argument(metavar="ID", help="Template id.")],
    json: Json = False,
) -> None:
    """Show a template's tasks, offsets and dependencies."""
    client = connect(ctx)
    found = client.call(
        client.templates.GetTemplate,
        template_service_pb2.GetTemplateRequest(name=template_name(template)),
    ).template
    if json:
        render.print_json(found)
    else:
        render.print_table(render.template_tasks_table(found))


@templates_app.command("use")
def templates_use(
    ctx: typer.Context,
    template: Annotated[str, typer.Argument(help="Template id.")],
    project_id: Annotated[str, typer.Argument(metavar="PROJECT_ID", help="Id of the new project.")],
    anchor: Annotated[str, typer.Option(help="The anchor day (launch day...), YYYY-MM-DD.")],
    name: Annotated[str, typer.Option(help="Name of the new project.")],
    country: Annotated[str, typer.Option(help="Country whose public holidays are off.")] = "",
    time_zone: Annotated[str, typer.Option(help="IANA time zone.")] = "",
    deadline: Annotated[str | None, typer.Option(help="Finish by, YYYY-MM-DD.")] = None,
) -> None:
    """Create a project from a template, its tasks dated from the anchor day."""
    ident = project_name(project_id).removeprefix("projects/")
    project = project_pb2.Project(
        display_name=name,
        time_zone=time_zone,
        calendar=project_pb2.Calendar(holiday_country=country.upper()),
        deadline=optional_day(deadline, "--deadline"),
    )
    anchor_date = day(anchor, option="--anchor")
    client = connect(ctx)
    reply = client.call(
        client.templates.InstantiateTemplate,
        template_service_pb2.InstantiateTemplateRequest(
            template=template_name(template),
            project_id=ident,
            project=project,
            anchor_date=anchor_date,
            request_id=request_id(),
        ),
    )
    render.print_line(
        f"created {reply.project.name} ({reply.project.display_name}) with {reply.task_count} "
        f"tasks from {reply.project.start_date}"
    )


# keys


@keys_app.command("create")
def keys_create(
    ctx: typer.Context,
    person: Annotated[str | None, typer.Option(help="Person id the key is for.")] = None,
    service: Annotated[str | None, typer.Option(help="Service name the key is for.")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="May administer everything.")] = False,
    stack_scopes: Annotated[
        bool,
        typer.Option(
            "--stack-scopes",
            help="With --service: the scopes `planops up` gives that service (no admin key).",
        ),
    ] = False,
    name: Annotated[str, typer.Option(help="What the key is for, such as 'alice laptop'.")] = "",
    json: Json = False,
) -> None:
    """Create an API key and print its secret, which is shown only this once."""
    if (person is None) == (service is None):
        raise usage("pass exactly one of --person ID or --service NAME")
    if stack_scopes and (service is None or admin):
        raise usage("--stack-scopes goes with --service NAME and without --admin")
    principal = person_name(person) if person else member_name(f"services/{service}")
    scopes = stack.service_scopes(str(service)) if stack_scopes else []
    client = connect(ctx)
    reply = client.call(
        client.keys.CreateApiKey,
        api_key_service_pb2.CreateApiKeyRequest(
            api_key=api_key_pb2.ApiKey(
                principal=principal, admin=admin, display_name=name, scopes=scopes
            )
        ),
    )
    if json:
        render.print_json(reply)
        return
    kind = "admin key" if reply.api_key.admin else "key"
    render.print_line(f"created {kind} {reply.api_key.name} for {reply.api_key.principal}")
    render.print_line(f"secret (shown only this once): {reply.secret}")


@keys_app.command("list")
def keys_list(
    ctx: typer.Context,
    principal: Annotated[str, typer.Option(help="Only keys of people/ID or services/NAME.")] = "",
    json: Json = False,
) -> None:
    """List API keys, newest first."""
    client = connect(ctx)
    request = api_key_service_pb2.ListApiKeysRequest(
        principal=member_name(principal) if principal else ""
    )
    found = client.every(client.keys.ListApiKeys, request, "api_keys")
    if json:
        render.print_json(found)
    else:
        render.print_table(render.keys_table(found))


@keys_app.command("revoke")
def keys_revoke(
    ctx: typer.Context, key: Annotated[str, typer.Argument(metavar="ID", help="Key id.")]
) -> None:
    """Revoke an API key; it stops working at once."""
    name = key if key.startswith("apiKeys/") else f"apiKeys/{key}"
    client = connect(ctx)
    client.call(client.keys.RevokeApiKey, api_key_service_pb2.RevokeApiKeyRequest(name=name))
    render.print_line(f"revoked {name}")


# audit


@app.command()
def audit(
    ctx: typer.Context,
    project: Project,
    resource: Annotated[
        str, typer.Option(help="Only changes of this resource or its children (promo/12).")
    ] = "",
    actor: Annotated[str, typer.Option(help="Only changes by people/ID or services/NAME.")] = "",
    action: Annotated[str, typer.Option(help="create, update, delete, transition or revoke.")] = "",
    limit: Annotated[int, typer.Option(min=1, help="At most this many entries.")] = 50,
    json: Json = False,
) -> None:
    """Show a project's audit log, newest first."""
    if resource and "/" in resource and not resource.startswith("projects/"):
        resource = task_name(resource)
    request = audit_service_pb2.ListAuditEntriesRequest(
        project=project_name(project),
        resource=resource,
        actor=member_name(actor) if actor else "",
        action=action,
    )
    client = connect(ctx)
    pages = client.pages(client.audit.ListAuditEntries, request, page_size=min(limit, 500))
    found = list(islice((e for page in pages for e in page.entries), limit))
    if json:
        render.print_json(found)
    elif found:
        render.print_table(render.audit_table(found))
    else:
        print_empty("audit entries")


def run() -> None:
    app()
