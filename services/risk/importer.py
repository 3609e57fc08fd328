"""Past work from a CSV file into core as finished tasks, so risk has history on day one.

Core sets `actual_start`/`actual_end` to the time of the transition, so an imported task
keeps its historical dates in `source_ref` (`import:FILE#ROW opened=... started=...
finished=...`) with `source = TASK_SOURCE_IMPORT`; the risk consumer reads them from there.
"""

from __future__ import annotations

import csv
import hashlib
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from planops.core.v1 import project_pb2, project_service_pb2, task_pb2, task_service_pb2

FORMATS = ("planops", "jira")
PLANOPS_REQUIRED = ("title", "opened", "finished")
PLANOPS_COLUMNS = (
    *PLANOPS_REQUIRED,
    "started",
    "due",
    "planned_start",
    "planned_end",
    "estimate_hours",
    "priority",
    "labels",
    "assignee",
)
PRIORITIES: dict[str, task_pb2.Priority] = {
    "": task_pb2.PRIORITY_MEDIUM,
    "low": task_pb2.PRIORITY_LOW,
    "minor": task_pb2.PRIORITY_LOW,
    "trivial": task_pb2.PRIORITY_LOW,
    "medium": task_pb2.PRIORITY_MEDIUM,
    "major": task_pb2.PRIORITY_MEDIUM,
    "normal": task_pb2.PRIORITY_MEDIUM,
    "high": task_pb2.PRIORITY_HIGH,
    "critical": task_pb2.PRIORITY_HIGH,
    "urgent": task_pb2.PRIORITY_URGENT,
    "blocker": task_pb2.PRIORITY_URGENT,
    "highest": task_pb2.PRIORITY_URGENT,
}
BATCH = 200


class ImportFileError(ValueError):
    """A file that cannot be imported; the message names the row and column."""


@dataclass(frozen=True)
class PastTask:
    title: str
    opened: date
    finished: date
    started: date | None = None
    due: date | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    estimate_hours: float = 0.0
    priority: task_pb2.Priority = task_pb2.PRIORITY_MEDIUM
    labels: tuple[str, ...] = ()
    assignee: str = ""


def _day(value: str, *, row: int, column: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ImportFileError(
            f"row {row}, {column}: {value!r} is not a date (YYYY-MM-DD)"
        ) from None


def _number(value: str, *, row: int, column: str) -> float:
    text = value.strip()
    if not text:
        return 0.0
    try:
        number = float(text)
    except ValueError:
        raise ImportFileError(f"row {row}, {column}: {value!r} is not a number") from None
    if number < 0:
        raise ImportFileError(f"row {row}, {column}: must not be negative")
    return number


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            return [f.strip() for f in reader.fieldnames or ()], rows
    except FileNotFoundError:
        raise ImportFileError(f"file not found: {path}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportFileError(f"cannot read {path}: {error}") from None


def read_planops(path: Path) -> list[PastTask]:
    columns, rows = _rows(path)
    missing = [c for c in PLANOPS_REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(f"{path.name}: missing columns {', '.join(missing)}")
    found = []
    for i, raw in enumerate(rows, start=2):
        r = {k.strip(): (v or "") for k, v in raw.items() if k}
        title = r["title"].strip()
        if not title:
            raise ImportFileError(f"row {i}, title: must not be empty")
        opened = _day(r["opened"], row=i, column="opened")
        finished = _day(r["finished"], row=i, column="finished")
        if opened is None or finished is None:
            raise ImportFileError(f"row {i}: opened and finished are required")
        if finished < opened:
            raise ImportFileError(f"row {i}, finished: before opened")
        priority = r.get("priority", "").strip().lower()
        if priority not in PRIORITIES:
            raise ImportFileError(f"row {i}, priority: {priority!r} is not low/medium/high/urgent")
        assignee = r.get("assignee", "").strip()
        found.append(
            PastTask(
                title=title[:500],
                opened=opened,
                finished=finished,
                started=_day(r.get("started", ""), row=i, column="started"),
                due=_day(r.get("due", ""), row=i, column="due"),
                planned_start=_day(r.get("planned_start", ""), row=i, column="planned_start"),
                planned_end=_day(r.get("planned_end", ""), row=i, column="planned_end"),
                estimate_hours=_number(r.get("estimate_hours", ""), row=i, column="estimate_hours"),
                priority=PRIORITIES[priority],
                labels=tuple(x.strip() for x in r.get("labels", "").split(";") if x.strip()),
                assignee=(
                    assignee
                    if not assignee or assignee.startswith("people/")
                    else f"people/{assignee}"
                ),
            )
        )
    return found


def read_jira(path: Path) -> list[PastTask]:
    """The JIRA delay dataset's columns: due = opened + ProgressTime + RemainingDay,
    finished = due + delaydays."""
    columns, rows = _rows(path)
    missing = [c for c in ("issuekey", "openeddate", "delaydays") if c not in columns]
    if missing:
        raise ImportFileError(f"{path.name}: missing columns {', '.join(missing)}")
    found = []
    for i, r in enumerate(rows, start=2):
        opened = _day(r["openeddate"], row=i, column="openeddate")
        if opened is None:
            raise ImportFileError(f"row {i}, openeddate: required")
        to_due = _number(r.get("ProgressTime", ""), row=i, column="ProgressTime") + _number(
            r.get("RemainingDay", ""), row=i, column="RemainingDay"
        )
        due = opened + timedelta(days=round(to_due))
        delay = _number(r["delaydays"], row=i, column="delaydays")
        kind = (r.get("type") or "").strip()
        found.append(
            PastTask(
                title=r["issuekey"].strip() or f"row {i}",
                opened=opened,
                finished=due + timedelta(days=round(delay)),
                due=due,
                priority=PRIORITIES.get(
                    (r.get("priority") or "").strip().lower(), task_pb2.PRIORITY_MEDIUM
                ),
                labels=(kind,) if kind else (),
            )
        )
    return found


def read(path: Path, *, file_format: str) -> list[PastTask]:
    if file_format not in FORMATS:
        raise ImportFileError(f"--format must be one of {', '.join(FORMATS)}")
    tasks = read_planops(path) if file_format == "planops" else read_jira(path)
    if not tasks:
        raise ImportFileError(f"{path.name} holds no rows")
    return tasks


def source_ref(task: PastTask, *, file_id: str, row: int) -> str:
    parts = [f"import:{file_id}#{row}", f"opened={task.opened.isoformat()}"]
    if task.started:
        parts.append(f"started={task.started.isoformat()}")
    parts.append(f"finished={task.finished.isoformat()}")
    return " ".join(parts)


def to_task(task: PastTask, *, ref: str) -> task_pb2.Task:
    return task_pb2.Task(
        title=task.title,
        priority=task.priority,
        assignee=task.assignee,
        estimate_hours=task.estimate_hours,
        planned_start=task.planned_start.isoformat() if task.planned_start else "",
        planned_end=task.planned_end.isoformat() if task.planned_end else "",
        due_date=task.due.isoformat() if task.due else "",
        labels=list(task.labels),
        source=task_pb2.TASK_SOURCE_IMPORT,
        source_ref=ref,
    )


def path_to_done(workflow: project_pb2.Workflow) -> list[str]:
    """The shortest chain of moves from the initial state to a done state."""
    done = {s.id for s in workflow.states if s.category == project_pb2.STATE_CATEGORY_DONE}
    moves: dict[str, list[str]] = {}
    for t in workflow.transitions:
        moves.setdefault(t.from_state, []).append(t.to_state)
    start = workflow.initial_state
    queue: deque[list[str]] = deque([[start]])
    seen = {start}
    while queue:
        trail = queue.popleft()
        if trail[-1] in done:
            return trail[1:]
        for nxt in moves.get(trail[-1], []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*trail, nxt])
    raise ImportFileError("the project's workflow has no way from its initial state to done")


class Caller(Protocol):
    """What the importer needs of a client: stubs and one authenticated call."""

    projects: Any
    tasks: Any

    def call(self, method: Callable[..., Any], request: Any) -> Any: ...


def import_tasks(
    client: Caller,
    *,
    project: str,
    tasks: Sequence[PastTask],
    file_id: str,
    progress: Callable[[int], None] | None = None,
    workers: int = 8,
) -> list[str]:
    """Create the tasks (idempotently, by file and batch) and move each to done; their names."""
    reply = client.call(
        client.projects.GetProject, project_service_pb2.GetProjectRequest(name=project)
    )
    moves = path_to_done(reply.project.workflow)
    names: list[str] = []
    for start in range(0, len(tasks), BATCH):
        chunk = tasks[start : start + BATCH]
        created = client.call(
            client.tasks.BatchCreateTasks,
            task_service_pb2.BatchCreateTasksRequest(
                parent=project,
                requests=[
                    task_service_pb2.CreateTaskRequest(
                        task=to_task(t, ref=source_ref(t, file_id=file_id, row=start + i + 2))
                    )
                    for i, t in enumerate(chunk)
                ],
                request_id=f"import-{file_id}-{start}",
            ),
        )
        names += [t.name for t in created.tasks]

    initial = reply.project.workflow.initial_state

    def finish(name: str) -> str:
        # A re-run of the same file finds its tasks already moved; they are left alone.
        current = client.call(client.tasks.GetTask, task_service_pb2.GetTaskRequest(name=name))
        if current.task.state == initial:
            for state in moves:
                client.call(
                    client.tasks.TransitionTask,
                    task_service_pb2.TransitionTaskRequest(
                        name=name, to_state=state, comment="imported history"
                    ),
                )
        return name

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done, _ in enumerate(pool.map(finish, names), start=1):
            if progress:
                progress(done)
    return names


def file_id(path: Path) -> str:
    """A short id of the file's content: importing the same file twice creates nothing new."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
