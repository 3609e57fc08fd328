"""The iCalendar writer on its own: all-day events, RFC 5545 lines, what a calendar keys on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
from planops.core.v1 import calendar_feed_pb2, calendar_feed_service_pb2

from services.interop import ical


def feed_of(
    *events: calendar_feed_pb2.CalendarEvent,
) -> calendar_feed_service_pb2.ReadCalendarFeedResponse:
    return calendar_feed_service_pb2.ReadCalendarFeedResponse(
        calendar_name="PlanOps: 李娜", events=list(events)
    )


def vevents(body: bytes) -> list[Any]:
    """The events as parsed (icalendar's property types are a union too wide to narrow)."""
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def event(**fields: object) -> calendar_feed_pb2.CalendarEvent:
    values: dict[str, object] = {
        "uid": "projects-p-tasks-1-work.people-li@planops",
        "kind": calendar_feed_pb2.CALENDAR_EVENT_KIND_PLANNED_WORK,
        "summary": "海报",
        "start_date": "2026-12-31",
        "end_date": "2027-01-01",
        "sequence": 3,
        **fields,
    }
    made = calendar_feed_pb2.CalendarEvent(**values)  # type: ignore[arg-type]
    made.update_time.FromDatetime(dt.datetime(2026, 12, 5, 8, 30, 15, 123456))
    return made


def test_an_all_day_event_ends_the_day_after_its_last_day_across_a_year() -> None:
    (parsed,) = vevents(ical.write(feed_of(event())))

    assert (parsed["DTSTART"].dt, parsed["DTEND"].dt) == (
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 2),
    )
    assert parsed["SEQUENCE"] == 3
    assert parsed["DTSTAMP"].dt == dt.datetime(2026, 12, 5, 8, 30, 15, tzinfo=dt.UTC)
    assert parsed["TRANSP"] == "TRANSPARENT"


def test_a_day_off_makes_its_person_busy() -> None:
    off = event(kind=calendar_feed_pb2.CALENDAR_EVENT_KIND_DAY_OFF)
    (parsed,) = vevents(ical.write(feed_of(off)))

    assert parsed["TRANSP"] == "OPAQUE"
    assert parsed["CATEGORIES"].cats == ["Day off"]


def test_the_same_feed_gives_the_same_bytes() -> None:
    assert ical.write(feed_of(event())) == ical.write(feed_of(event()))


def test_four_byte_characters_fold_whole() -> None:
    title = "🎉上线" * 40
    body = ical.write(feed_of(event(summary=title, description="第一行\n第二行; 逗号,")))

    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert all(line.decode("utf-8") is not None for line in lines)
    (parsed,) = vevents(body)
    assert (str(parsed["SUMMARY"]), str(parsed["DESCRIPTION"])) == (title, "第一行\n第二行; 逗号,")
