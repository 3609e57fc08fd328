"""Between protos and the domain: core's people and tasks in, stored notes out, tasks for core."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from google.protobuf import json_format, timestamp_pb2
from planops.core.v1 import person_pb2, project_pb2, task_pb2, task_service_pb2
from planops.nlp.v1 import nlp_service_pb2, notes_pb2

from services.common import names
from services.common.errors import FieldViolation
from services.common.workcal import WorkingCalendar, calendar_of
from services.nlp.matching import best_match, similarity
from services.nlp.notes import Extraction
from services.nlp.owners import Participant
from services.nlp.store import ItemRecord, NotesRecord, StatementRecord

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
PRIORITIES = {
    "low": task_pb2.PRIORITY_LOW,
    "medium": task_pb2.PRIORITY_MEDIUM,
    "high": task_pb2.PRIORITY_HIGH,
    "urgent": task_pb2.PRIORITY_URGENT,
}
MAX_TITLE = 500
MAX_SOURCE_IN_DESCRIPTION = 4_000
# An item whose words overlap an open task's this much (Jaccard) is flagged as its duplicate.
DUPLICATE_SIMILARITY = 0.5


def day(value: str) -> date | None:
    """A `YYYY-MM-DD` that exists, else None."""
    if not DAY.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Directory:
    """A project's people as the extractor's participants, and the way back to `people/{id}`.

    Participant names must be unique, so a display name shared by two people gets the id
    appended; both keep the display name as an alias, which makes the owner ambiguous.
    """

    participants: tuple[Participant, ...]
    people: dict[str, str]

    @classmethod
    def of(cls, people: Sequence[person_pb2.Person]) -> Directory:
        shown = [p.display_name.strip() or p.name.removeprefix("people/") for p in people]
        counts = Counter(shown)
        participants = []
        mapping: dict[str, str] = {}
        for person, display in zip(people, shown, strict=True):
            ident = person.name.removeprefix("people/")
            name = display if counts[display] == 1 else f"{display} ({ident})"
            aliases = [a for a in person.aliases if a.strip()]
            if name != display:
                aliases.append(display)
            aliases.append(f"@{ident}")
            participants.append(Participant(name, tuple(dict.fromkeys(aliases))))
            mapping[name] = person.name
        return cls(tuple(participants), mapping)

    def resolve(self, owner: str | None) -> str:
        """`people/{id}` for a participant, the name as written otherwise, or ""."""
        if not owner:
            return ""
        return self.people.get(owner, owner)


@dataclass(frozen=True)
class OpenTask:
    name: str
    title: str


def notes_record(
    extraction: Extraction,
    *,
    project: str,
    text: str,
    meeting_date: date,
    creator: str,
    directory: Directory,
    open_tasks: Sequence[OpenTask],
    pipeline: str,
) -> NotesRecord:
    titles = [t.title for t in open_tasks]
    by_title: dict[str, str] = {}
    for task in open_tasks:
        by_title.setdefault(task.title, task.name)
    items = []
    for number, item in enumerate(extraction.items, 1):
        duplicate = ""
        if titles:
            title, _ = best_match(item.description, titles, minimum=DUPLICATE_SIMILARITY)
            if title and similarity(item.description, title) >= DUPLICATE_SIMILARITY:
                duplicate = by_title[title]
        items.append(
            ItemRecord(
                id=f"item-{number}",
                description=item.description,
                owner=directory.resolve(item.owner),
                owner_candidates=tuple(directory.resolve(c) for c in item.owner_candidates),
                owner_ambiguous=item.owner_ambiguous,
                due_date=item.due,
                due_text=item.due_text or "",
                priority=item.priority or "",
                hints=item.hints,
                confidence_item=item.confidence.item,
                confidence_owner=item.confidence.owner,
                confidence_due=item.confidence.due,
                confidence_priority=item.confidence.priority,
                span_start=item.span[0],
                span_end=item.span[1],
                duplicate_of=duplicate,
                explanation_item=item.explanation.item,
                explanation_owner=item.explanation.owner,
            )
        )
    statements = [
        *(StatementRecord("decision", s.text, *s.span) for s in extraction.decisions),
        *(StatementRecord("question", s.text, *s.span) for s in extraction.questions),
        *(
            StatementRecord(s.state, s.text, *s.span, task=by_title.get(s.task or "", ""))
            for s in extraction.status_updates
        ),
    ]
    return NotesRecord(
        project=project,
        meeting_date=meeting_date,
        language=extraction.language,
        text=text,
        pipeline=pipeline,
        creator=creator,
        items=tuple(items),
        statements=tuple(sorted(statements, key=lambda s: s.start)),
        warnings=extraction.warnings,
    )


def span(start: int, end: int) -> notes_pb2.Span:
    return notes_pb2.Span(start=start, end=end)


def notes(record: NotesRecord) -> notes_pb2.Notes:
    message = notes_pb2.Notes(
        name=record.name,
        meeting_date=record.meeting_date.isoformat(),
        language=record.language,
        text=record.text,
        pipeline=record.pipeline,
        creator=record.creator,
        warnings=list(record.warnings),
        items=[action_item(i) for i in record.items],
    )
    if record.create_time is not None:
        stamp = timestamp_pb2.Timestamp()
        stamp.FromDatetime(record.create_time)
        message.create_time.CopyFrom(stamp)
    for s in record.statements:
        if s.kind == "decision":
            message.decisions.append(notes_pb2.Statement(text=s.text, span=span(s.start, s.end)))
        elif s.kind == "question":
            message.questions.append(notes_pb2.Statement(text=s.text, span=span(s.start, s.end)))
        else:
            message.status_updates.append(
                notes_pb2.StatusUpdate(
                    text=s.text, span=span(s.start, s.end), task=s.task, state=s.kind
                )
            )
    return message


def action_item(item: ItemRecord) -> notes_pb2.ActionItem:
    return notes_pb2.ActionItem(
        id=item.id,
        description=item.description,
        owner=item.owner,
        owner_candidates=list(item.owner_candidates),
        owner_ambiguous=item.owner_ambiguous,
        due_date=item.due_date.isoformat() if item.due_date else "",
        due_text=item.due_text,
        priority=item.priority,
        hints=list(item.hints),
        confidence=notes_pb2.Confidence(
            item=item.confidence_item,
            owner=item.confidence_owner,
            due=item.confidence_due,
            priority=item.confidence_priority,
        ),
        span=span(item.span_start, item.span_end),
        duplicate_of=item.duplicate_of,
        task=item.task,
        explanation=notes_pb2.Explanation(
            item=list(item.explanation_item), owner=item.explanation_owner
        ),
    )


def check_accepted(items: Sequence[nlp_service_pb2.AcceptedItem]) -> list[FieldViolation]:
    """Problems with the edits a person made, each naming its field."""
    problems: list[FieldViolation] = []
    if not 1 <= len(items) <= 200:
        return [FieldViolation("items", "must hold 1 to 200 items")]
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not item.id:
            problems.append(FieldViolation(f"items[{i}].id", "must not be empty"))
        elif item.id in seen:
            problems.append(FieldViolation(f"items[{i}].id", f"{item.id} is given twice"))
        seen.add(item.id)
        if len(item.description) > MAX_TITLE:
            problems.append(
                FieldViolation(f"items[{i}].description", f"must be at most {MAX_TITLE} characters")
            )
        if item.description and not item.description.strip():
            problems.append(FieldViolation(f"items[{i}].description", "must not be blank"))
        if item.owner:
            problems += names.problems(
                partial(names.person_id, field=f"items[{i}].owner"), item.owner
            )
        if item.due_date and day(item.due_date) is None:
            problems.append(FieldViolation(f"items[{i}].due_date", "must be a date, YYYY-MM-DD"))
        if item.priority and item.priority not in PRIORITIES:
            problems.append(
                FieldViolation(f"items[{i}].priority", "must be low, medium, high or urgent")
            )
    return problems


def accept_request_id(notes_name: str, item_ids: Sequence[str]) -> str:
    """The same notes and set of items always give the same core request id."""
    digest = hashlib.sha256(f"{notes_name}#{','.join(sorted(item_ids))}".encode()).hexdigest()
    return f"nlp-accept-{digest[:48]}"


def task_request(
    record: NotesRecord, item: ItemRecord, edit: nlp_service_pb2.AcceptedItem
) -> task_service_pb2.CreateTaskRequest:
    """The core task an accepted item becomes: the person's edits over what was extracted."""
    title = " ".join((edit.description or item.description).split())
    owner = edit.owner or item.owner
    due = edit.due_date or (item.due_date.isoformat() if item.due_date else "")
    priority = edit.priority or item.priority
    source = record.text[item.span_start : item.span_end].strip()
    lines = [f"From the meeting notes of {record.meeting_date.isoformat()} ({record.name}):"]
    lines.append(f"> {source[:MAX_SOURCE_IN_DESCRIPTION]}")
    if owner and not owner.startswith("people/"):
        lines.append(f"Owner named in the notes: {owner}")
    if item.hints:
        lines.append("Hints: " + "; ".join(item.hints))
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1] + "…"
    return task_service_pb2.CreateTaskRequest(
        task=task_pb2.Task(
            title=title,
            description="\n".join(lines),
            assignee=owner if owner.startswith("people/") else "",
            due_date=due,
            priority=PRIORITIES.get(priority, task_pb2.PRIORITY_UNSPECIFIED),
            source=task_pb2.TASK_SOURCE_NOTES,
            source_ref=f"{record.name}#{item.id}",
        )
    )


def working_calendar(message: project_pb2.Calendar) -> WorkingCalendar:
    """A project's calendar, read by core's one definition of a working day."""
    return calendar_of(json_format.MessageToDict(message, preserving_proto_field_name=True))
