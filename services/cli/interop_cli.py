"""`planops export`, `planops import-mspdi` and `planops import-board`: a plan out to MS Project or
a spreadsheet, and an MS Project file or another tool's board in as tasks and dependencies."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer
from planops.core.v1 import (
    person_service_pb2,
    project_pb2,
    project_service_pb2,
    task_pb2,
    task_service_pb2,
)
from rich.table import Table

from services.cli import render
from services.cli.client import Client, CliError, Settings, project_name, usage
from services.interop import boards, mspdi, sheets
from services.interop.plan import LINK_TYPES, PRIORITY_VALUES, Plan, PlanPerson, plan_of

BATCH = 200


class Format(StrEnum):
    mspdi = "mspdi"
    xlsx = "xlsx"
    csv = "csv"


WRITERS: dict[Format, Callable[[Plan], bytes]] = {
    Format.mspdi: mspdi.write,
    Format.xlsx: sheets.xlsx,
    Format.csv: sheets.csv_bytes,
}


class Caller(Protocol):
    """What reading and importing need of a client: stubs and one authenticated call."""

    projects: Any
    people: Any
    tasks: Any

    def call(self, method: Callable[..., Any], request: Any) -> Any: ...

    def every(self, method: Callable[..., Any], request: Any, field: str) -> list[Any]: ...


def _settings(ctx: typer.Context) -> Settings:
    found = ctx.find_object(Settings)
    return found if found is not None else Settings.resolve(address=None, key=None)


def load_plan(client: Caller, project: str) -> Plan:
    """The project's tasks, dependencies and the people they are assigned to, from core."""
    found = client.call(
        client.projects.GetProject, project_service_pb2.GetProjectRequest(name=project)
    ).project
    tasks = client.every(
        client.tasks.ListTasks, task_service_pb2.ListTasksRequest(parent=project), "tasks"
    )
    dependencies = client.every(
        client.tasks.ListDependencies,
        task_service_pb2.ListDependenciesRequest(parent=project),
        "dependencies",
    )
    return plan_of(found, tasks=tasks, dependencies=dependencies, people=people_of(client))


def people_of(client: Caller) -> list[Any]:
    return client.every(client.people.ListPeople, person_service_pb2.ListPeopleRequest(), "people")


def write_atomically(path: Path, data: bytes) -> None:
    """The whole file or none: a failure leaves no half-written export behind."""
    directory = path.parent if str(path.parent) else Path(".")
    with tempfile.NamedTemporaryFile(dir=directory, prefix=f".{path.name}.", delete=False) as out:
        out.write(data)
    try:
        os.replace(out.name, path)
    except OSError:
        os.unlink(out.name)
        raise


def export(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project id.")],
    file_format: Annotated[
        Format, typer.Option("--format", help="mspdi (MS Project XML), xlsx or csv.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
) -> None:
    """Write a project's plan for MS Project or ProjectLibre (mspdi) or a spreadsheet."""
    name = project_name(project)
    if output.is_dir():
        raise usage(f"-o: {output} is a directory; give a file name")
    with Client(_settings(ctx)) as client, render.console().status(f"reading {name} ..."):
        plan = load_plan(client, name)
    data = WRITERS[file_format](plan)
    try:
        write_atomically(output, data)
    except OSError as error:
        raise CliError(f"cannot write {output}: {error.strerror}") from None
    render.print_line(
        f"wrote {len(plan.tasks)} tasks and {len(plan.links)} dependencies of {name}"
        f" to {output} ({file_format.value})"
    )


# importing


@dataclass(frozen=True)
class Imported:
    tasks: int
    dependencies: int


def source_ref(*, digest: str, uid: int, source: str = "mspdi") -> str:
    return f"{source}:{digest[:12]}#uid-{uid}"


def import_key(preview: mspdi.Preview, *, project: str) -> str:
    """The stem of every request id of one file's import into one project."""
    return f"{preview.source}-{preview.digest[:24]}-{project.removeprefix('projects/')}"


def create_project(
    client: Caller, *, project: str, preview: mspdi.Preview, title: str = ""
) -> None:
    """The project, named `title` or after the file's title, starting on its first task's day."""
    starts = [t.planned_start for t in preview.tasks if t.planned_start]
    ident = project.removeprefix("projects/")
    client.call(
        client.projects.CreateProject,
        project_service_pb2.CreateProjectRequest(
            project_id=ident,
            project=project_pb2.Project(
                display_name=(title or preview.title or ident)[:200],
                start_date=min(starts).isoformat() if starts else "",
            ),
            request_id=f"{import_key(preview, project=project)}-project",
        ),
    )


def import_preview(
    client: Caller,
    *,
    project: str,
    preview: mspdi.Preview,
    people: dict[str, str],
    progress: Callable[[int], None] | None = None,
) -> Imported:
    """Create the preview's tasks, then its dependencies, each request with an id made from the
    file's digest and the project: importing the same file again creates nothing new, and an
    import cut short resumes where it stopped."""
    key = import_key(preview, project=project)
    names: dict[int, str] = {}
    tasks = list(preview.tasks)
    for start in range(0, len(tasks), BATCH):
        chunk = tasks[start : start + BATCH]
        created = client.call(
            client.tasks.BatchCreateTasks,
            task_service_pb2.BatchCreateTasksRequest(
                parent=project,
                requests=[_create(t, people=people, preview=preview) for t in chunk],
                request_id=f"{key}-tasks-{start}",
            ),
        ).tasks
        names.update({t.uid: c.name for t, c in zip(chunk, created, strict=True)})
        if progress:
            progress(len(names))
    for done, link in enumerate(preview.links, start=1):
        client.call(
            client.tasks.CreateDependency,
            task_service_pb2.CreateDependencyRequest(
                parent=project,
                dependency=task_pb2.Dependency(
                    predecessor=names[link.predecessor],
                    successor=names[link.successor],
                    type=LINK_TYPES[link.type],
                    lag_days=link.lag_days,
                ),
                request_id=f"{key}-link-{link.predecessor}-{link.successor}",
            ),
        )
        if progress:
            progress(len(names) + done)
    return Imported(tasks=len(names), dependencies=len(preview.links))


def _create(
    task: mspdi.FileTask, *, people: dict[str, str], preview: mspdi.Preview
) -> task_service_pb2.CreateTaskRequest:
    past = None
    if task.done_at is not None:
        # Finished in the other tool: past work, opened and done then (the file says no more).
        past = task_service_pb2.PastWork()
        past.open_time.FromDatetime(task.done_at)
        past.actual_end.FromDatetime(task.done_at)
    return task_service_pb2.CreateTaskRequest(
        past=past,
        task=task_pb2.Task(
            title=task.title,
            description=task.description,
            assignee=people.get(task.resource, ""),
            estimate_hours=task.estimate_hours,
            planned_start=task.planned_start.isoformat() if task.planned_start else "",
            planned_end=task.planned_end.isoformat() if task.planned_end else "",
            due_date=task.due.isoformat() if task.due else "",
            priority=PRIORITY_VALUES[task.priority],
            source=task_pb2.TASK_SOURCE_IMPORT,
            source_ref=source_ref(digest=preview.digest, uid=task.uid, source=preview.source),
        ),
    )


def _refused_table(refused: list[mspdi.Refusal]) -> Table:
    table = Table(title=f"refused ({len(refused)})", show_lines=False)
    table.add_column("row")
    table.add_column("why")
    for refusal in refused:
        table.add_row(refusal.row, refusal.reason)
    return table


def _mapping_table(preview: mspdi.Preview) -> Table:
    table = Table(title=f"{preview.source} columns")
    table.add_column("in the file")
    table.add_column("becomes")
    for column, becomes in preview.mapping:
        table.add_row(column, becomes)
    return table


def import_mspdi(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="An MS Project XML (MSPDI) file.")],
    project: Annotated[str, typer.Option("--project", help="The project to import into.")],
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be imported and refused; change nothing."),
    ] = False,
    create: Annotated[
        bool,
        typer.Option("--create", help="Create the project first, named after the file's title."),
    ] = False,
) -> None:
    """Import an MS Project XML file's tasks, dependencies and assignments into a project.

    Every row left out is named with the reason; importing the same file again adds nothing."""
    name = project_name(project)
    preview = _read_preview(file, mspdi.read, mspdi.MspdiError)
    import_file(ctx, file=file, project=name, preview=preview, dry_run=dry_run, create=create)


def _read_preview(
    file: Path, read: Callable[[bytes], mspdi.Preview], refused: type[Exception]
) -> mspdi.Preview:
    """The file's preview, or one line naming what is wrong with it."""
    try:
        # One byte more than the limit is enough to refuse, even from a device or a pipe.
        with file.open("rb") as handle:
            return read(handle.read(mspdi.MAX_BYTES + 1))
    except FileNotFoundError:
        raise usage(f"file not found: {file}") from None
    except IsADirectoryError:
        raise usage(f"{file} is a directory") from None
    except OSError as error:
        raise usage(f"cannot read {file}: {error.strerror}") from None
    except refused as error:
        raise usage(f"{file}: {error}") from None


def import_file(
    ctx: typer.Context,
    *,
    file: Path,
    project: str,
    preview: mspdi.Preview,
    dry_run: bool,
    create: bool,
    title: str = "",
) -> None:
    """Print the preview with every refused row, then import it unless `dry_run`: the shared
    second half of `import-mspdi` and `import-board`."""
    name = project
    with Client(_settings(ctx)) as client:
        if not create:
            client.call(
                client.projects.GetProject, project_service_pb2.GetProjectRequest(name=name)
            )
        people = [
            PlanPerson(
                name=p.name, display_name=p.display_name, email=p.email, aliases=tuple(p.aliases)
            )
            for p in people_of(client)
        ]
        mapping, unmatched = mspdi.match_people(preview.resources, people)
        refused = [*preview.refused, *unmatched]
        who = "resources" if preview.source == "mspdi" else "assignees"
        render.print_line(
            f"{file.name}: {len(preview.tasks)} tasks, {len(preview.links)} dependencies,"
            f" {len(mapping)} of {len(preview.resources)} {who} matched to people,"
            f" {len(refused)} rows refused"
        )
        if preview.mapping:
            render.print_table(_mapping_table(preview))
        for note in preview.notes:
            render.print_line(f"note: {note}")
        if refused:
            render.print_table(_refused_table(refused))
        if dry_run:
            render.print_line("dry run: nothing imported")
            return
        if not preview.tasks:
            raise CliError(f"{file.name} holds no task that can be imported")
        if create:
            create_project(client, project=name, preview=preview, title=title)
        total = len(preview.tasks) + len(preview.links)
        with typer.progressbar(length=total, label="importing", file=None) as bar:
            last = 0

            def advance(done: int) -> None:
                nonlocal last
                bar.update(max(0, done - last))
                last = max(last, done)

            try:
                imported = import_preview(
                    client, project=name, preview=preview, people=mapping, progress=advance
                )
            except CliError as error:
                if not error.message.startswith("request_id:"):
                    raise
                raise CliError(
                    f"{file.name} was imported into {name} before, when other people matched its"
                    " resources; what that import made is kept, nothing more was imported"
                ) from None
    render.print_line(
        f"imported {imported.tasks} tasks and {imported.dependencies} dependencies into {name}"
        " (importing the same file again adds nothing)"
    )


def import_board(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="A Trello board (JSON) or an Asana, Teambition or Worktile CSV export."
        ),
    ],
    project: Annotated[str, typer.Option("--project", help="The project to import into.")],
    title: Annotated[
        str,
        typer.Option("--name", help="Create the project first, with this name."),
    ] = "",
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be imported and refused; change nothing."),
    ] = False,
) -> None:
    """Import a board's cards or rows as tasks, with their dependencies and assignees.

    The columns and what they become are shown, and every row left out is named with the
    reason; importing the same file again adds nothing."""
    name = project_name(project)
    preview = _read_preview(file, boards.read, boards.BoardError)
    import_file(
        ctx,
        file=file,
        project=name,
        preview=preview,
        dry_run=dry_run,
        create=bool(title.strip()),
        title=title.strip() or (preview.title or file.stem),
    )
