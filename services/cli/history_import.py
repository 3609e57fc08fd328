"""Past work from a CSV file into core as finished tasks, so risk has history on day one.

Each row becomes a `CreateTaskRequest` with `past` (core's way to import finished work):
the task is created already done, with its real opening, start and finish as `create_time`,
`actual_start` and `actual_end`, and `source = TASK_SOURCE_IMPORT`. Importing past work needs
the manager role in the project (or the admin key).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

from google.protobuf import timestamp_pb2
from planops.core.v1 import task_pb2, task_service_pb2

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
        started = _day(r.get("started", ""), row=i, column="started")
        if started and not opened <= started <= finished:
            raise ImportFileError(f"row {i}, started: must be from opened to finished")
        if finished > date.today():
            raise ImportFileError(f"row {i}, finished: in the future (this is past work)")
        priority = r.get("priority", "").strip().lower()
        if priority not in PRIORITIES:
            raise ImportFileError(f"row {i}, priority: {priority!r} is not low/medium/high/urgent")
        assignee = r.get("assignee", "").strip()
        found.append(
            PastTask(
                title=title[:500],
                opened=opened,
                finished=finished,
                started=started,
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


def source_ref(*, file_id: str, row: int) -> str:
    return f"import:{file_id}#{row}"


def moment(day: date) -> timestamp_pb2.Timestamp:
    """Noon UTC of `day`: the same calendar day in every time zone from UTC-11 to UTC+11."""
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(datetime.combine(day, time(12), tzinfo=UTC))
    return ts


def create_request(task: PastTask, *, ref: str) -> task_service_pb2.CreateTaskRequest:
    """A create of `task` as the finished work it was, with its real dates."""
    past = task_service_pb2.PastWork(
        open_time=moment(task.opened), actual_end=moment(task.finished)
    )
    if task.started:
        past.actual_start.CopyFrom(moment(task.started))
    return task_service_pb2.CreateTaskRequest(
        task=task_pb2.Task(
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
        ),
        past=past,
    )


class Caller(Protocol):
    """What the importer needs of a client: stubs and one authenticated call."""

    tasks: Any

    def call(self, method: Callable[..., Any], request: Any) -> Any: ...


def import_tasks(
    client: Caller,
    *,
    project: str,
    tasks: Sequence[PastTask],
    file_id: str,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Create the tasks as finished past work, idempotently by file and batch; their names."""
    names: list[str] = []
    for start in range(0, len(tasks), BATCH):
        chunk = tasks[start : start + BATCH]
        created = client.call(
            client.tasks.BatchCreateTasks,
            task_service_pb2.BatchCreateTasksRequest(
                parent=project,
                requests=[
                    create_request(t, ref=source_ref(file_id=file_id, row=start + i + 2))
                    for i, t in enumerate(chunk)
                ],
                request_id=f"import-{file_id}-{start}",
            ),
        )
        names += [t.name for t in created.tasks]
        if progress:
            progress(len(names))
    return names


def file_id(path: Path) -> str:
    """A short id of the file's content: importing the same file twice creates nothing new."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
