"""A calendar feed as iCalendar (RFC 5545) for Outlook, Google, Apple and Feishu calendars.

Every event is all-day (`VALUE=DATE`, DTEND the day after the last day). DTSTAMP and
LAST-MODIFIED are the source's last change and SEQUENCE its revision, so the same plan gives
the same bytes and a calendar sees an event change only when its source did. The
`icalendar` package folds lines at 75 octets without splitting a UTF-8 character and ends
them with CRLF.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from planops.core.v1 import calendar_feed_pb2, calendar_feed_service_pb2

PRODID = "-//PlanOps//Calendar feed//EN"
# Outlook reads X-PUBLISHED-TTL, Apple and RFC 7986 clients REFRESH-INTERVAL; Google polls on
# its own schedule (several hours) whatever the feed says.
REFRESH = dt.timedelta(hours=1)  # X-PUBLISHED-TTL below says the same
CATEGORIES = {
    calendar_feed_pb2.CALENDAR_EVENT_KIND_PLANNED_WORK: "Planned work",
    calendar_feed_pb2.CALENDAR_EVENT_KIND_DUE_DATE: "Due date",
    calendar_feed_pb2.CALENDAR_EVENT_KIND_DAY_OFF: "Day off",
    calendar_feed_pb2.CALENDAR_EVENT_KIND_PROJECT_DEADLINE: "Deadline",
    calendar_feed_pb2.CALENDAR_EVENT_KIND_MILESTONE: "Milestone",
}


def write(feed: calendar_feed_service_pb2.ReadCalendarFeedResponse) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", feed.calendar_name)
    calendar.add("name", feed.calendar_name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for event in feed.events:
        calendar.add_component(_event(event))
    return bytes(calendar.to_ical())


def _event(source: calendar_feed_pb2.CalendarEvent) -> icalendar.Event:
    changed = source.update_time.ToDatetime(tzinfo=dt.UTC).replace(microsecond=0)
    event = icalendar.Event()
    event.add("uid", source.uid)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("sequence", source.sequence)
    event.add("dtstart", dt.date.fromisoformat(source.start_date))
    event.add("dtend", dt.date.fromisoformat(source.end_date) + dt.timedelta(days=1))
    event.add("summary", source.summary)
    if source.description:
        event.add("description", source.description)
    event.add("categories", [CATEGORIES.get(source.kind, "PlanOps")])
    # Planned work and dates do not make a person busy in free/busy lookups; time off does.
    away = source.kind == calendar_feed_pb2.CALENDAR_EVENT_KIND_DAY_OFF
    event.add("transp", "OPAQUE" if away else "TRANSPARENT")
    return event
