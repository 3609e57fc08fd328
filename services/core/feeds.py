"""What a calendar feed holds: all-day events from tasks, time off and the project deadline.

No I/O here: `feed_store.py` reads the rows, this module decides the events.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PREFIX = "planopsical"
# Calendars poll for years; work that ended long ago only makes the file longer.
HISTORY = dt.timedelta(days=365)
MAX_EVENTS = 2_000
MILESTONE_LABEL = "milestone"


@dataclass(frozen=True)
class FeedTask:
    """A task as a feed shows it."""

    project: str
    project_name: str
    number: int
    title: str
    state_name: str
    assignee_name: str
    estimate_hours: float
    labels: tuple[str, ...]
    planned_start: dt.date | None
    planned_end: dt.date | None
    due_date: dt.date | None
    version: int
    update_time: dt.datetime

    @property
    def resource(self) -> str:
        return f"projects/{self.project}/tasks/{self.number}"

    @property
    def milestone(self) -> bool:
        """Labelled a milestone, or a one-day plan with no work (as MS Project marks them)."""
        if any(label.lower() == MILESTONE_LABEL for label in self.labels):
            return True
        end = self.planned_end or self.planned_start
        return (
            self.estimate_hours == 0
            and self.planned_start is not None
            and end == self.planned_start
        )


@dataclass(frozen=True)
class TimeOff:
    start: dt.date
    end: dt.date
    reason: str


@dataclass(frozen=True)
class Event:
    """One all-day event; `end` is the last day (inclusive)."""

    uid: str
    kind: str
    summary: str
    description: str
    start: dt.date
    end: dt.date
    sequence: int
    update_time: dt.datetime
    resource: str


def new_secret() -> tuple[str, str]:
    """(feed id, full secret). URL-safe, so it goes into `/ical/{secret}.ics` as it is."""
    feed_id = secrets.token_hex(6)
    return feed_id, f"{PREFIX}_{feed_id}_{secrets.token_urlsafe(32)}"


def feed_id_of(secret: str) -> str | None:
    """The feed id of a well-formed secret, else None."""
    prefix, _, rest = secret.partition("_")
    feed_id, _, random = rest.partition("_")
    if prefix != PREFIX or len(feed_id) != 12 or len(random) < 32 or len(secret) > 120:
        return None
    return feed_id


def _uid(resource: str, what: str, subject: str) -> str:
    # The subject is part of the uid: a task in a person's feed and in its project's feed are
    # two calendars' events, and Google refuses one uid in two calendars of an account.
    return f"{resource.replace('/', '-')}-{what}.{subject.replace('/', '-')}@planops"


def task_events(task: FeedTask, *, subject: str, project_feed: bool) -> list[Event]:
    """The task's planned days (or its milestone day) and its due date."""
    details = [f"{task.project_name} · {task.state_name}"]
    if project_feed and task.assignee_name:
        details.append(task.assignee_name)
    if task.estimate_hours:
        details.append(f"{task.estimate_hours:g} h")

    def event(
        *, what: str, kind: str, summary: str, lines: list[str], start: dt.date, end: dt.date
    ) -> Event:
        return Event(
            uid=_uid(task.resource, what, subject),
            kind=kind,
            summary=summary,
            description="\n".join(lines),
            start=start,
            end=end,
            sequence=task.version - 1,
            update_time=task.update_time,
            resource=task.resource,
        )

    events: list[Event] = []
    if task.planned_start is not None:
        due = [f"due {task.due_date.isoformat()}"] if task.due_date else []
        end = max(task.planned_end or task.planned_start, task.planned_start)
        if task.milestone:
            kind, summary, what = "milestone", f"◆ {task.title}", "milestone"
        else:
            kind, summary, what = "planned_work", task.title, "work"
        events.append(
            event(
                what=what,
                kind=kind,
                summary=summary,
                lines=[*details, *due],
                start=task.planned_start,
                end=end,
            )
        )
    if task.due_date is not None:
        events.append(
            event(
                what="due",
                kind="due_date",
                summary=f"Due: {task.title}",
                lines=details,
                start=task.due_date,
                end=task.due_date,
            )
        )
    return events


def days_off(
    person: str,
    time_off: Iterable[TimeOff],
    *,
    version: int,
    update_time: dt.datetime,
) -> list[Event]:
    return [
        Event(
            uid=_uid(person, f"off-{off.start.isoformat()}", person),
            kind="day_off",
            summary="Day off",
            description=off.reason,
            start=off.start,
            end=max(off.end, off.start),
            sequence=version - 1,
            update_time=update_time,
            resource=person,
        )
        for off in time_off
    ]


def deadline(
    project: str, *, name: str, day: dt.date, version: int, update_time: dt.datetime
) -> Event:
    resource = f"projects/{project}"
    return Event(
        uid=_uid(resource, "deadline", resource),
        kind="project_deadline",
        summary=f"Deadline: {name}",
        description="",
        start=day,
        end=day,
        sequence=version - 1,
        update_time=update_time,
        resource=resource,
    )


def window(events: Sequence[Event], *, today: dt.date) -> list[Event]:
    """Events that end within the past year or later, by start day, at most `MAX_EVENTS`."""
    cutoff = today - HISTORY
    kept = sorted((e for e in events if e.end >= cutoff), key=lambda e: (e.start, e.uid))
    return kept[:MAX_EVENTS]
