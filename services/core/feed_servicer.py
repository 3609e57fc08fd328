"""planops.core.v1.CalendarFeedService."""

from __future__ import annotations

import datetime as dt
import re

from planops.core.v1 import calendar_feed_service_pb2, calendar_feed_service_pb2_grpc
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging
from services.common.auth import Principal, current_principal
from services.common.db import Connection, transaction
from services.common.errors import InvalidArgument, PermissionDenied
from services.common.server import Context
from services.core import convert, feed_store

FEED_ID = re.compile(r"^[0-9a-f]{12}\Z")


class CalendarFeedServicer(calendar_feed_service_pb2_grpc.CalendarFeedServiceServicer):
    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self.pool = pool

    async def CreateCalendarFeed(
        self, request: calendar_feed_service_pb2.CreateCalendarFeedRequest, context: Context
    ) -> calendar_feed_service_pb2.CreateCalendarFeedResponse:
        principal = _person(current_principal(), "create calendar feeds")
        project = _project_of(request.calendar_feed.subject, principal)
        if len(request.calendar_feed.display_name) > 200:
            raise InvalidArgument.field(
                "calendar_feed.display_name", "must be at most 200 characters"
            )
        async with transaction(self.pool) as conn:
            created, secret = await feed_store.create(
                conn,
                principal,
                display_name=request.calendar_feed.display_name.strip(),
                project=project,
            )
        return calendar_feed_service_pb2.CreateCalendarFeedResponse(
            calendar_feed=created, secret=secret, path=f"/ical/{secret}.ics"
        )

    async def ListCalendarFeeds(
        self, request: calendar_feed_service_pb2.ListCalendarFeedsRequest, context: Context
    ) -> calendar_feed_service_pb2.ListCalendarFeedsResponse:
        principal = _person(current_principal(), "list calendar feeds")
        size = paging.page_size(request.page_size)
        async with transaction(self.pool) as conn:
            found, token = await feed_store.listed(
                conn, principal, page_size=size, page_token=request.page_token
            )
        return calendar_feed_service_pb2.ListCalendarFeedsResponse(
            calendar_feeds=found, next_page_token=token
        )

    async def RevokeCalendarFeed(
        self, request: calendar_feed_service_pb2.RevokeCalendarFeedRequest, context: Context
    ) -> calendar_feed_service_pb2.RevokeCalendarFeedResponse:
        principal = current_principal()
        kind, _, feed_id = request.name.partition("/")
        if kind != "calendarFeeds" or not FEED_ID.match(feed_id):
            raise InvalidArgument.field("name", "must be calendarFeeds/{calendar_feed}")
        async with transaction(self.pool) as conn:
            revoked = await feed_store.revoke(conn, principal, feed_id=feed_id)
        return calendar_feed_service_pb2.RevokeCalendarFeedResponse(calendar_feed=revoked)

    async def ReadCalendarFeed(
        self, request: calendar_feed_service_pb2.ReadCalendarFeedRequest, context: Context
    ) -> calendar_feed_service_pb2.ReadCalendarFeedResponse:
        principal = current_principal()
        kind, _, feed_id = principal.principal.partition("/")
        if kind != "calendarFeeds":
            raise PermissionDenied(
                "ReadCalendarFeed takes a calendar feed's secret as its bearer token",
                reason="CALENDAR_FEED_SECRET_REQUIRED",
            )
        async with transaction(self.pool) as conn:
            calendar_name, events = await feed_store.read(
                conn, feed_id=feed_id, today=dt.datetime.now(dt.UTC).date()
            )
        return calendar_feed_service_pb2.ReadCalendarFeedResponse(
            calendar_name=calendar_name, events=[convert.calendar_event(e) for e in events]
        )


def _person(principal: Principal, what: str) -> Principal:
    """Feeds belong to people: the caller, or the person a service acts for (with exactly that
    person's rights, as everywhere); a service on its own or a rule has no plan to show."""
    if not principal.member.startswith("people/"):
        raise PermissionDenied(f"only a person may {what}", reason="PERSON_KEY_REQUIRED")
    return principal


def _project_of(subject: str, principal: Principal) -> str | None:
    """The project a feed shows, or None for the caller's own plan."""
    if subject in ("", principal.member):
        return None
    if subject.startswith("people/"):
        raise InvalidArgument.field(
            "calendar_feed.subject", "a person's feed can only be made by that person"
        )
    return names.project_id(subject, field="calendar_feed.subject")
