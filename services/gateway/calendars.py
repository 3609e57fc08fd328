"""`GET /ical/{secret}.ics`: a calendar feed for calendar programs, which cannot send headers,
so the secret in the path is the only credential. Every way a feed can be missing (malformed,
unknown, revoked, its person deleted, its project no longer theirs) gives the same 404, so
the answer tells a guesser nothing."""

from __future__ import annotations

import hashlib
import re

import grpc
from planops.core.v1 import calendar_feed_service_pb2, calendar_feed_service_pb2_grpc

CONTENT_TYPE = "text/calendar; charset=utf-8"
CORE_SERVICE = "planops.core.v1.CalendarFeedService"
# Calendars poll; a proxy may keep the answer for a few minutes, never share it between users.
CACHE_CONTROL = "private, max-age=300"
MISSING = (
    grpc.StatusCode.UNAUTHENTICATED,
    grpc.StatusCode.PERMISSION_DENIED,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.INVALID_ARGUMENT,
)


class FeedMissing(Exception):
    """The secret reads no feed."""


# The shape of core's feed secrets (`services/core/feeds.py`): anything else is not looked up.
SECRET = re.compile(r"^planopsical_[0-9a-f]{12}_[A-Za-z0-9_-]{32,100}\Z")


def well_formed(secret: str) -> bool:
    return SECRET.match(secret) is not None


async def read(
    channel: grpc.aio.Channel, *, secret: str, request_id: str, call_seconds: float
) -> calendar_feed_service_pb2.ReadCalendarFeedResponse:
    """The feed's events from core, read with the secret as the bearer token."""
    stub = calendar_feed_service_pb2_grpc.CalendarFeedServiceStub(channel)  # type: ignore[no-untyped-call]
    try:
        reply: calendar_feed_service_pb2.ReadCalendarFeedResponse = await stub.ReadCalendarFeed(
            calendar_feed_service_pb2.ReadCalendarFeedRequest(),
            metadata=[("authorization", f"Bearer {secret}"), ("x-request-id", request_id)],
            timeout=call_seconds,
        )
    except grpc.aio.AioRpcError as failure:
        if failure.code() in MISSING:
            raise FeedMissing from None
        raise
    return reply


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
