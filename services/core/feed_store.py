"""Calendar feeds in PostgreSQL: their secrets, who may read them, and what they hold."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any

from planops.core.v1 import calendar_feed_pb2
from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from services.common import paging
from services.common.auth import Principal, method_var
from services.common.db import Connection, connection
from services.common.errors import NotFound, PermissionDenied, Unauthenticated
from services.core import convert, feeds, store
from services.core.store import Change, hash_secret

READ_METHOD = "/planops.core.v1.CalendarFeedService/ReadCalendarFeed"
FEED_COLUMNS = (
    "f.id, f.display_name, f.create_time, f.revoke_time, 'people/' || p.id AS owner,"
    " CASE WHEN f.project_id IS NULL THEN 'people/' || p.id"
    " ELSE 'projects/' || f.project_id END AS subject"
)
# The task's state name and whether it is cancelled, from its project's workflow.
TASK_COLUMNS = (
    "t.id, t.project_id, t.title, t.state, t.estimate_hours, t.labels, t.planned_start,"
    " t.planned_end, t.due_date, t.version, t.update_time, pr.display_name AS project_name,"
    " coalesce(a.display_name, '') AS assignee_name,"
    " coalesce((SELECT s->>'display_name' FROM jsonb_array_elements(pr.workflow->'states') s"
    "  WHERE s->>'id' = t.state LIMIT 1), t.state) AS state_name"
)
TASK_FILTER = (
    " (t.planned_start IS NOT NULL OR t.due_date IS NOT NULL)"
    " AND greatest(t.planned_start, t.planned_end, t.due_date) >= %(cutoff)s"
    " AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(pr.workflow->'states') s"
    "  WHERE s->>'id' = t.state AND s->>'category' = 'cancelled')"
    " ORDER BY least(t.planned_start, t.due_date), t.id LIMIT %(limit)s"
)


@dataclass(frozen=True)
class FeedRow:
    """A feed as the API shows it; its secret's hash is never read into one."""

    id: str
    display_name: str
    create_time: dt.datetime
    revoke_time: dt.datetime | None
    # The person whose feed it is, and what it shows: that person's plan or a project's.
    owner: str
    subject: str


@dataclass(frozen=True)
class _Secret:
    secret_hash: bytes
    revoke_time: dt.datetime | None


@dataclass(frozen=True)
class _Revoked:
    revoke_time: dt.datetime


@dataclass(frozen=True)
class _Reader:
    """A live feed and the person who reads it, as `read` checks them."""

    project_id: str | None
    person_id: str
    display_name: str
    time_off: list[dict[str, str]]
    version: int
    update_time: dt.datetime


@dataclass(frozen=True)
class _Project:
    id: str
    display_name: str
    deadline: dt.date | None
    version: int
    update_time: dt.datetime


@dataclass(frozen=True)
class _Task:
    id: int
    project_id: str
    title: str
    state: str
    estimate_hours: float
    labels: list[str]
    planned_start: dt.date | None
    planned_end: dt.date | None
    due_date: dt.date | None
    version: int
    update_time: dt.datetime
    project_name: str
    assignee_name: str
    state_name: str


class FeedAuthenticator:
    """A feed's secret as a bearer token: it authenticates `ReadCalendarFeed` and nothing
    else, as a principal that is no member of anything."""

    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self.pool = pool

    async def __call__(self, secret: str) -> Principal:
        feed_id = feeds.feed_id_of(secret)
        if feed_id is None or method_var.get() != READ_METHOD:
            raise Unauthenticated(
                "a calendar feed's secret only reads its feed", reason="API_KEY_INVALID"
            )
        async with connection(self.pool) as conn:
            cur = conn.cursor(row_factory=class_row(_Secret))
            row = await (
                await cur.execute(
                    "SELECT secret_hash, revoke_time FROM calendar_feeds WHERE id = %s", (feed_id,)
                )
            ).fetchone()
        if row is None or not hmac.compare_digest(bytes(row.secret_hash), hash_secret(secret)):
            raise Unauthenticated("the calendar feed does not exist", reason="API_KEY_INVALID")
        if row.revoke_time is not None:
            raise Unauthenticated("the calendar feed was revoked", reason="API_KEY_REVOKED")
        name = f"calendarFeeds/{feed_id}"
        return Principal(principal=name, key=name, admin=False)


def as_proto(row: FeedRow) -> calendar_feed_pb2.CalendarFeed:
    return calendar_feed_pb2.CalendarFeed(
        name=f"calendarFeeds/{row.id}",
        display_name=row.display_name,
        owner=row.owner,
        subject=row.subject,
        create_time=convert.timestamp(row.create_time),
        revoke_time=convert.timestamp(row.revoke_time),
    )


async def create(
    conn: Connection, principal: Principal, *, display_name: str, project: str | None
) -> tuple[calendar_feed_pb2.CalendarFeed, str]:
    """A new feed of the calling person; a project feed needs a role in the project held by
    the person themselves (an admin key's rights do not outlive the call, and the feed is read
    later). Audited like an API key, installation-wide: a person's secrets are no project's
    event, so no project webhook hears of them."""
    if project is not None:
        member = await (
            await conn.execute(
                "SELECT 1 FROM memberships WHERE project_id = %s AND member = %s",
                (project, principal.member),
            )
        ).fetchone()
        if member is None:
            raise PermissionDenied(
                f"{principal.member} needs a role in projects/{project} for its calendar",
                reason="ROLE_REQUIRED",
                metadata={"project": f"projects/{project}"},
            )
    feed_id, secret = feeds.new_secret()
    cur = conn.cursor(row_factory=class_row(FeedRow))
    row = await (
        await cur.execute(
            "WITH f AS (INSERT INTO calendar_feeds"
            " (id, display_name, person_uid, project_id, secret_hash)"
            " SELECT %s, %s, uid, %s, %s FROM people WHERE 'people/' || id = %s RETURNING *)"
            f" SELECT {FEED_COLUMNS} FROM f JOIN people p ON p.uid = f.person_uid",
            (feed_id, display_name, project, hash_secret(secret), principal.member),
        )
    ).fetchone()
    if row is None:
        raise PermissionDenied(
            f"{principal.member} is no person's record", reason="PERSON_REQUIRED"
        )
    created = as_proto(row)
    await store.record(
        conn,
        principal,
        Change(
            kind="calendar_feed",
            verb="created",
            resource=created.name,
            project=None,
            version=1,
            before=None,
            after=created,
        ),
    )
    return created, secret


async def listed(
    conn: Connection, principal: Principal, *, page_size: int, page_token: str
) -> tuple[list[calendar_feed_pb2.CalendarFeed], str]:
    """The caller's feeds, newest first."""
    query = ["calendar_feeds", principal.member]
    after = paging.decode(page_token, query=query, shape=[paging.moment, paging.text])
    cur = conn.cursor(row_factory=class_row(FeedRow))
    rows = await (
        await cur.execute(
            f"SELECT {FEED_COLUMNS} FROM calendar_feeds f JOIN people p ON p.uid = f.person_uid"
            " WHERE 'people/' || p.id = %s"
            " AND (%s::timestamptz IS NULL OR (f.create_time, f.id) < (%s::timestamptz, %s))"
            " ORDER BY f.create_time DESC, f.id DESC LIMIT %s",
            (
                principal.member,
                after[0] if after else None,
                after[0] if after else None,
                after[1] if after else "",
                page_size + 1,
            ),
        )
    ).fetchall()
    rows, token = paging.page(
        rows,
        page_size,
        key=lambda last: [last.create_time.isoformat(), last.id],
        query=query,
    )
    return [as_proto(r) for r in rows], token


async def revoke(
    conn: Connection, principal: Principal, *, feed_id: str
) -> calendar_feed_pb2.CalendarFeed:
    """Revoke the feed, if it is the caller's (or the caller is an admin); revoking twice
    keeps the first time. Someone else's feed is NOT_FOUND, so feed ids cannot be probed."""
    cur = conn.cursor(row_factory=class_row(FeedRow))
    before = await (
        await cur.execute(
            f"SELECT {FEED_COLUMNS} FROM calendar_feeds f JOIN people p ON p.uid = f.person_uid"
            " WHERE f.id = %s FOR UPDATE OF f",
            (feed_id,),
        )
    ).fetchone()
    admin = principal.admin and not principal.acting_for
    if before is None or not (admin or before.owner == principal.member):
        raise NotFound(f"calendarFeeds/{feed_id} does not exist", reason="CALENDAR_FEED_NOT_FOUND")
    revoked_at = conn.cursor(row_factory=class_row(_Revoked))
    revoke_time = await (
        await revoked_at.execute(
            "UPDATE calendar_feeds SET revoke_time = coalesce(revoke_time, now())"
            " WHERE id = %s RETURNING revoke_time",
            (feed_id,),
        )
    ).fetchone()
    assert revoke_time is not None
    revoked = as_proto(dataclasses.replace(before, revoke_time=revoke_time.revoke_time))
    await store.record(
        conn,
        principal,
        Change(
            kind="calendar_feed",
            verb="revoked",
            resource=revoked.name,
            project=None,
            version=2,
            before=as_proto(before),
            after=revoked,
        ),
    )
    return revoked


async def read(conn: Connection, *, feed_id: str, today: dt.date) -> tuple[str, list[feeds.Event]]:
    """The feed's calendar name and events, checked again inside this transaction: a feed
    revoked, whose person is gone, or whose project its person may no longer read is
    NOT_FOUND."""
    cur = conn.cursor(row_factory=class_row(_Reader))
    feed = await (
        await cur.execute(
            "SELECT f.project_id, p.id AS person_id, p.display_name, p.time_off, p.version,"
            " p.update_time FROM calendar_feeds f JOIN people p ON p.uid = f.person_uid"
            " WHERE f.id = %s AND f.revoke_time IS NULL",
            (feed_id,),
        )
    ).fetchone()
    if feed is None:
        raise _gone()
    if feed.project_id is None:
        name, events = await _person_feed(conn, feed, today=today)
    else:
        name, events = await _project_feed(conn, feed, today=today)
    return f"PlanOps: {name}", feeds.window(events, today=today)


def _gone() -> NotFound:
    return NotFound("the calendar feed does not exist", reason="CALENDAR_FEED_NOT_FOUND")


def _task_options(today: dt.date) -> dict[str, Any]:
    return {"cutoff": today - feeds.HISTORY, "limit": feeds.MAX_EVENTS}


async def _person_feed(
    conn: Connection, feed: _Reader, *, today: dt.date
) -> tuple[str, list[feeds.Event]]:
    """The person's planned work and due dates in the projects they may read, and time off."""
    member = f"people/{feed.person_id}"
    cur = conn.cursor(row_factory=class_row(_Task))
    rows = await (
        await cur.execute(
            f"SELECT {TASK_COLUMNS} FROM tasks t JOIN projects pr ON pr.id = t.project_id"
            " JOIN memberships m ON m.project_id = t.project_id AND m.member = %(member)s"
            " LEFT JOIN people a ON a.id = t.assignee"
            " WHERE t.assignee = %(person)s AND" + TASK_FILTER,
            {**_task_options(today), "member": member, "person": feed.person_id},
        )
    ).fetchall()
    events = [
        e for r in rows for e in feeds.task_events(_task(r), subject=member, project_feed=False)
    ]
    time_off = [
        feeds.TimeOff(
            start=dt.date.fromisoformat(o["start_date"]),
            end=dt.date.fromisoformat(o["end_date"]),
            reason=o.get("reason", ""),
        )
        for o in feed.time_off
    ]
    events += feeds.days_off(member, time_off, version=feed.version, update_time=feed.update_time)
    return feed.display_name, events


async def _project_feed(
    conn: Connection, feed: _Reader, *, today: dt.date
) -> tuple[str, list[feeds.Event]]:
    """The project's planned tasks, milestones and deadline, while the person is a member."""
    found = conn.cursor(row_factory=class_row(_Project))
    project = await (
        await found.execute(
            "SELECT pr.id, pr.display_name, pr.deadline, pr.version, pr.update_time"
            " FROM projects pr JOIN memberships m"
            " ON m.project_id = pr.id AND m.member = %s WHERE pr.id = %s",
            (f"people/{feed.person_id}", feed.project_id),
        )
    ).fetchone()
    if project is None:
        raise _gone()
    subject = f"projects/{project.id}"
    cur = conn.cursor(row_factory=class_row(_Task))
    rows = await (
        await cur.execute(
            f"SELECT {TASK_COLUMNS} FROM tasks t JOIN projects pr ON pr.id = t.project_id"
            " LEFT JOIN people a ON a.id = t.assignee"
            " WHERE t.project_id = %(project)s AND" + TASK_FILTER,
            {**_task_options(today), "project": project.id},
        )
    ).fetchall()
    events = [
        e for r in rows for e in feeds.task_events(_task(r), subject=subject, project_feed=True)
    ]
    if project.deadline is not None:
        events.append(
            feeds.deadline(
                project.id,
                name=project.display_name,
                day=project.deadline,
                version=project.version,
                update_time=project.update_time,
            )
        )
    return project.display_name, events


def _task(row: _Task) -> feeds.FeedTask:
    return feeds.FeedTask(
        project=row.project_id,
        project_name=row.project_name,
        number=row.id,
        title=row.title,
        state_name=row.state_name,
        assignee_name=row.assignee_name,
        estimate_hours=row.estimate_hours,
        labels=tuple(row.labels),
        planned_start=row.planned_start,
        planned_end=row.planned_end,
        due_date=row.due_date,
        version=row.version,
        update_time=row.update_time,
    )
