"""Boards from other tools: a Trello board's JSON export and the CSV exports of Asana, Teambition
and Worktile, read into the same preview as an MSPDI file, naming every row it refuses.

The format is told from the file: JSON with `cards` is Trello; a CSV is told by its header.
CSV comes as UTF-8 (with or without a byte order mark) or, from Chinese Excel, as GBK, which is
read as GB 18030 (its superset). Column names of Teambition and Worktile vary with the version
and the export's language; the names accepted are the common ones listed in COLUMNS.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from services.interop.mspdi import (
    MAX_BYTES,
    MAX_TASKS,
    MAX_TITLE,
    MAX_YEAR,
    MIN_YEAR,
    FileLink,
    FileResource,
    FileTask,
    Preview,
    Refusal,
)
from services.interop.plan import Link, Priority

MAX_DESCRIPTION = 20_000

PLANNED, ACTIVE, DONE = "planned", "active", "done"

# Each field, and the column names that hold it, in the order they are tried.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("Task ID", "任务ID", "任务 ID", "编号", "ID"),
    "title": ("Name", "任务标题", "任务名称", "标题", "任务内容", "内容"),
    "list": ("Section/Column", "所属列表", "列表", "分组", "任务列表", "阶段", "看板栏"),
    "assignee": ("Assignee", "执行者", "负责人", "处理人"),
    "email": ("Assignee Email", "执行者邮箱", "负责人邮箱"),
    "start": ("Start Date", "开始时间", "开始日期", "计划开始时间"),
    "due": ("Due Date", "截止时间", "截止日期", "到期时间", "计划完成时间"),
    "completed": ("Completed At", "完成时间", "完成日期"),
    "state": ("任务状态", "状态", "是否完成"),
    "priority": ("优先级", "Priority"),
    "notes": ("Notes", "备注", "描述", "任务描述", "详情"),
    "depends": ("Blocked By (Dependencies)", "前置任务", "依赖任务", "依赖"),
    "parent": ("Parent task", "父任务"),
    "tags": ("Tags", "标签"),
}
# What each field becomes, shown beside the column it was read from.
BECOMES = {
    "id": "the row's id (for dependencies and duplicates)",
    "title": "title",
    "list": "workflow state, by the list's name",
    "assignee": "assignee (matched to a person)",
    "email": "assignee's e-mail (matched to a person)",
    "start": "planned start",
    "due": "due date (and planned end when there is a start)",
    "completed": "done, at that time",
    "state": "workflow state",
    "priority": "priority",
    "notes": "description",
    "depends": "dependencies (finish to start)",
    "parent": "ignored: subtasks come in as tasks",
    "tags": "ignored",
}

_DONE = re.compile(r"^(done|complete[d]?|finished|closed|已完成|完成|已结束|已关闭|是|true)$", re.I)
_ACTIVE = re.compile(
    r"^(doing|in progress|in-progress|active|wip|进行中|处理中|开发中|执行中)$", re.I
)
_PRIORITIES = (
    (re.compile(r"紧急|urgent|highest|critical|最高|p0", re.I), Priority.URGENT),
    (re.compile(r"高|high|重要|p1", re.I), Priority.HIGH),
    (re.compile(r"低|low|p3|p4", re.I), Priority.LOW),
)
_DATE = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SPLIT = re.compile(r"[,，;；\n]+")


class BoardError(ValueError):
    """A file that cannot be read as a board at all; the message says why in one line."""


@dataclass
class _Reading:
    refused: list[Refusal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def refuse(self, row: str, reason: str) -> None:
        self.refused.append(Refusal(row, reason))


def state_of_list(name: str) -> str:
    """A list's (column's) workflow state category, by its name."""
    text = " ".join(name.split())
    if _DONE.match(text):
        return DONE
    return ACTIVE if _ACTIVE.match(text) else PLANNED


def moment(value: str) -> dt.datetime | None:
    """A date or date and time as the tools write it; ValueError when it is neither."""
    text = value.strip()
    if not text:
        return None
    found = _DATE.match(text)
    if found:
        year, month, day, hour, minute, second, zone = found.groups()
        try:
            stamp = dt.datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        except ValueError:
            raise ValueError(text) from None
        if zone:
            offset = dt.UTC if zone == "Z" else _offset(zone)
            stamp = stamp.replace(tzinfo=offset)
    else:
        us = _US_DATE.match(text)
        if not us:
            raise ValueError(text)
        try:
            stamp = dt.datetime(int(us[3]), int(us[1]), int(us[2]))
        except ValueError:
            raise ValueError(text) from None
    if not MIN_YEAR <= stamp.year <= MAX_YEAR:
        raise ValueError(text)
    return stamp


def _offset(zone: str) -> dt.timezone:
    digits = zone[1:].replace(":", "")
    delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return dt.timezone(-delta if zone[0] == "-" else delta)


def _priority(text: str) -> Priority:
    for pattern, priority in _PRIORITIES:
        if pattern.search(text):
            return priority
    return Priority.MEDIUM


@dataclass(frozen=True)
class _Row:
    """One task as read, before its dependencies are resolved."""

    label: str
    key: str
    task: FileTask
    depends: tuple[str, ...]


def read(data: bytes) -> Preview:
    """The tasks, dependencies and people of a Trello, Asana, Teambition or Worktile export,
    and every row refused, with why."""
    if len(data) > MAX_BYTES:
        raise BoardError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    text = _decode(data)
    digest = hashlib.sha256(data).hexdigest()
    if text.lstrip().startswith("{"):
        return _trello(text, digest=digest)
    return _table(text, digest=digest)


def _decode(data: bytes) -> str:
    # GB 18030 contains GBK, which Chinese Excel writes; UTF-8 (with or without a BOM) first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BoardError("the file is neither UTF-8 nor GBK text")


def _finish(
    rows: list[_Row],
    reading: _Reading,
    *,
    title: str,
    source: str,
    digest: str,
    mapping: Iterable[tuple[str, str]],
    people: dict[str, FileResource],
    left_out: frozenset[str] = frozenset(),
) -> Preview:
    if len(rows) > MAX_TASKS:
        raise BoardError(f"the file holds {len(rows)} tasks; at most {MAX_TASKS} are imported")
    by_key = {r.key: r for r in rows if r.key}
    by_title: dict[str, list[_Row]] = {}
    for row in rows:
        by_title.setdefault(row.task.title.casefold(), []).append(row)
    links: list[FileLink] = []
    seen: set[tuple[int, int]] = set()
    for row in rows:
        for ref in row.depends:
            found = by_key.get(ref)
            if found is None:
                named = by_title.get(ref.casefold(), [])
                found = named[0] if len(named) == 1 else None
            if found is None:
                reading.refuse(
                    f"{row.label} blocked by {ref!r}",
                    f"{ref!r} is a refused row, not imported"
                    if ref in left_out
                    else "no imported task has this id or title",
                )
                continue
            pair = (found.task.uid, row.task.uid)
            if pair[0] == pair[1] or pair in seen:
                reading.refuse(f"{row.label} blocked by {ref!r}", "a duplicate or self dependency")
                continue
            seen.add(pair)
            links.append(FileLink(predecessor=pair[0], successor=pair[1], type=Link.FS, lag_days=0))
    links = _without_cycles(links, reading, labels={r.task.uid: r.label for r in rows})
    tasks = tuple(r.task for r in rows)
    used = {t.resource for t in tasks if t.resource}
    return Preview(
        title=title,
        tasks=tasks,
        links=tuple(links),
        resources=tuple(p for name, p in people.items() if name in used),
        refused=tuple(reading.refused),
        notes=tuple(reading.notes),
        digest=digest,
        source=source,
        mapping=tuple(mapping),
    )


def _without_cycles(
    links: list[FileLink], reading: _Reading, *, labels: dict[int, str]
) -> list[FileLink]:
    after: dict[int, set[int]] = {}
    kept: list[FileLink] = []
    for link in links:
        stack, seen, cycle = [link.successor], {link.successor}, False
        while stack:
            current = stack.pop()
            if current == link.predecessor:
                cycle = True
                break
            for nxt in after.get(current, set()) - seen:
                seen.add(nxt)
                stack.append(nxt)
        if cycle:
            reading.refuse(
                f"{labels[link.successor]} blocked by {labels[link.predecessor]}",
                "closes a cycle of dependencies",
            )
            continue
        after.setdefault(link.predecessor, set()).add(link.successor)
        kept.append(link)
    return kept


def _task(
    *,
    uid: int,
    label: str,
    title: str,
    reading: _Reading,
    start_text: str,
    due_text: str,
    completed_text: str,
    state: str,
    priority: Priority,
    resource: str,
    description: str,
) -> FileTask | None:
    title = " ".join(title.split())
    if not title:
        reading.refuse(label, "no title")
        return None
    dates: dict[str, dt.datetime | None] = {}
    for name, value in (("start", start_text), ("due", due_text), ("completed", completed_text)):
        try:
            dates[name] = moment(value)
        except ValueError:
            reading.refuse(label, f"{name} date {value.strip()!r} is not a date")
            return None
    start, due, completed = dates["start"], dates["due"], dates["completed"]
    planned_start = start.date() if start else None
    planned_end = due.date() if due and start else None
    if planned_start and planned_end and planned_end < planned_start:
        reading.refuse(label, "is due before it starts")
        return None
    if start and not due:
        reading.notes.append(f"{label}: a start but no due date; imported unplanned")
        planned_start = None
    done_at: dt.datetime | None = None
    if completed or state == DONE:
        when = completed or due or start
        done_at = _aware(when) if when else None
        if done_at is None:
            reading.notes.append(f"{label}: done, with no date; finished at the import's time")
            done_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        done_at = min(done_at, dt.datetime.now(dt.UTC).replace(microsecond=0))
    elif state == ACTIVE:
        reading.notes.append(f"{label}: in progress there; comes in planned")
    if len(title) > MAX_TITLE:
        reading.notes.append(f"{label}: title cut to {MAX_TITLE} characters")
    return FileTask(
        uid=uid,
        title=title[:MAX_TITLE],
        planned_start=planned_start,
        planned_end=planned_end,
        due=due.date() if due else None,
        estimate_hours=0.0,
        priority=priority,
        resource=resource,
        description=description.strip()[:MAX_DESCRIPTION],
        done_at=done_at,
    )


def _aware(stamp: dt.datetime) -> dt.datetime:
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


# Trello


def _trello(text: str, *, digest: str) -> Preview:
    try:
        board = json.loads(text)
    except json.JSONDecodeError as error:
        raise BoardError(f"not JSON: {error.msg} at line {error.lineno}") from None
    if not isinstance(board, dict) or not isinstance(board.get("cards"), list):
        raise BoardError("a JSON file without `cards`: not a Trello board export")
    reading = _Reading()
    lists = {
        str(item.get("id")): item for item in board.get("lists") or [] if isinstance(item, dict)
    }
    members: dict[str, FileResource] = {}
    for number, member in enumerate(board.get("members") or [], start=1):
        if isinstance(member, dict):
            name = str(member.get("fullName") or member.get("username") or "").strip()
            if name:
                members[str(member.get("id"))] = FileResource(uid=number, name=name)
    checklists: dict[str, int] = {}
    for checklist in board.get("checklists") or []:
        if isinstance(checklist, dict):
            card = str(checklist.get("idCard"))
            checklists[card] = checklists.get(card, 0) + len(checklist.get("checkItems") or [])
    rows: list[_Row] = []
    seen: set[str] = set()
    people: dict[str, FileResource] = {}
    for number, card in enumerate(board["cards"], start=1):
        if not isinstance(card, dict):
            reading.refuse(f"card {number}", "not a card object")
            continue
        name = str(card.get("name") or "")
        label = f"card {card.get('idShort', number)}" + (f" {name[:60]!r}" if name.strip() else "")
        ident = str(card.get("id") or "")
        if ident and ident in seen:
            reading.refuse(label, f"a second card with id {ident}")
            continue
        seen.add(ident)
        listed = lists.get(str(card.get("idList")), {})
        if card.get("closed"):
            reading.refuse(label, "an archived (closed) card")
            continue
        if listed.get("closed"):
            reading.refuse(label, f"in the archived list {listed.get('name', '')!r}")
            continue
        assigned = [members[m] for m in card.get("idMembers") or [] if m in members]
        if len(assigned) > 1:
            reading.notes.append(
                f"{label}: {len(assigned)} members; PlanOps keeps one assignee, {assigned[0].name!r}"
            )
        task = _task(
            uid=number,
            label=label,
            title=name,
            reading=reading,
            start_text=str(card.get("start") or ""),
            due_text=str(card.get("due") or ""),
            completed_text="",
            state=DONE if card.get("dueComplete") else state_of_list(str(listed.get("name", ""))),
            priority=Priority.MEDIUM,
            resource=assigned[0].name if assigned else "",
            description=str(card.get("desc") or ""),
        )
        if task is None:
            continue
        if assigned:
            people[assigned[0].name] = assigned[0]
        if checklists.get(ident):
            reading.notes.append(f"{label}: {checklists[ident]} checklist items not imported")
        rows.append(_Row(label=label, key=ident, task=task, depends=()))
    mapping = (
        ("card name", "title"),
        ("card desc", "description"),
        ("list name", "workflow state (Done/完成 → done, Doing/In progress/进行中 → active)"),
        ("card start, due", "planned start, due date"),
        ("card idMembers", "assignee, by the board's members (fullName or username)"),
        ("checklists", "ignored, counted in the notes"),
    )
    return _finish(
        rows,
        reading,
        title=str(board.get("name") or ""),
        source="trello",
        digest=digest,
        mapping=mapping,
        people=people,
    )


# CSV: Asana, Teambition, Worktile


def _table(text: str, *, digest: str) -> Preview:
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise BoardError(f"not a readable CSV file: {error}") from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise BoardError("an empty file: no header row")
    header = [cell.strip() for cell in records[0]]
    columns: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for name in names:
            if name in header:
                columns[key] = header.index(name)
                break
    if "title" not in columns:
        raise BoardError(
            "no title column (Name, 任务标题, 标题 ...): not an Asana, Teambition or Worktile export"
        )
    source = _kind(header)
    reading = _Reading()
    unused = [h for h in header if h and h not in {header[i] for i in columns.values()}]
    mapping = [(header[i], BECOMES[key]) for key, i in columns.items()]
    mapping += [(h, "ignored") for h in unused]
    rows: list[_Row] = []
    seen: set[str] = set()
    people: dict[str, FileResource] = {}
    refused_keys: set[str] = set()

    def cell(record: list[str], key: str) -> str:
        index = columns.get(key)
        return record[index].strip() if index is not None and index < len(record) else ""

    for line, record in enumerate(records[1:], start=2):
        if not any(c.strip() for c in record):
            continue
        title = cell(record, "title")
        label = f"row {line}" + (f" {title[:60]!r}" if title else "")
        key = cell(record, "id")
        if key and key in seen:
            reading.refuse(label, f"a second row with id {key!r}")
            continue
        status = cell(record, "state")
        state = state_of_list(status) if status else state_of_list(cell(record, "list"))
        assignee = " ".join(cell(record, "assignee").split())
        task = _task(
            uid=line,
            label=label,
            title=title,
            reading=reading,
            start_text=cell(record, "start"),
            due_text=cell(record, "due"),
            completed_text=cell(record, "completed"),
            state=state,
            priority=_priority(cell(record, "priority")),
            resource=assignee,
            description=cell(record, "notes"),
        )
        if task is None:
            if key:
                refused_keys.add(key)
            continue
        if key:
            seen.add(key)
        if assignee and assignee not in people:
            people[assignee] = FileResource(
                uid=len(people) + 1, name=assignee, email=cell(record, "email")
            )
        depends = tuple(d.strip() for d in _SPLIT.split(cell(record, "depends")) if d.strip())
        rows.append(_Row(label=label, key=key, task=task, depends=depends))
    return _finish(
        rows,
        reading,
        title="",
        source=source,
        digest=digest,
        mapping=mapping,
        people=people,
        left_out=frozenset(refused_keys),
    )


def _kind(header: list[str]) -> str:
    names = set(header)
    if {"Task ID", "Name"} <= names or "Section/Column" in names:
        return "asana"
    if names & {"任务标题", "执行者", "所属列表", "任务状态"}:
        return "teambition"
    return "worktile"
