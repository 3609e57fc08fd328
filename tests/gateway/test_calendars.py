"""`GET /ical/{secret}.ics`: what Outlook, Google, Apple and Feishu read, parsed with the
`icalendar` package; a feed that is gone in any way is the same 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import icalendar
import pytest
from planops.core.v1 import person_service_pb2

from services.common.ratelimit import RateLimit
from services.common.server import ServerOptions
from services.gateway.app import running_gateway
from services.gateway.backends import BACKENDS
from services.gateway.config import Config
from tests.conftest import CoreUnderTest
from tests.core.helpers import EXECUTOR, Client
from tests.limits.stacks import core_with

TODAY = dt.datetime.now(dt.UTC).date()
CREATE = "/api/planops.core.v1.CalendarFeedService/CreateCalendarFeed"
REVOKE = "/api/planops.core.v1.CalendarFeedService/RevokeCalendarFeed"
LONG_TITLE = "双十二大促：设计主会场海报、确认文案与配色并交付印刷厂（含三轮修改）"


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.fixture
async def gateway(core: CoreUnderTest) -> AsyncIterator[str]:
    """Only core behind the gateway: a feed reads nothing else."""
    backends = tuple(b for b in BACKENDS if b.service.startswith("planops.core."))
    config = Config(
        address="127.0.0.1:0",
        addresses={b.service: f"127.0.0.1:{core.port}" for b in backends},
        log_level="INFO",
        backends=backends,
    )
    async with running_gateway(config) as running:
        yield running.url


async def post(gateway: str, path: str, body: Any, *, key: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            gateway + path, json=body, headers={"Authorization": f"Bearer {key}"}
        ) as response,
    ):
        return response.status, await response.json()


async def new_feed(gateway: str, key: str, subject: str = "") -> dict[str, Any]:
    status, reply = await post(
        gateway, CREATE, {"calendarFeed": {"displayName": "Outlook", "subject": subject}}, key=key
    )
    assert status == 200, reply
    return dict(reply)


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, Any]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.read(), response.headers


def events(body: bytes) -> set[tuple[str, dt.date, dt.date]]:
    return {(str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt) for e in vevents(body)}


def vevents(body: bytes) -> list[Any]:
    """The events as parsed (icalendar's property types are a union too wide to narrow)."""
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


async def test_a_persons_feed_parses_and_holds_exactly_their_planned_work(
    core: CoreUnderTest, gateway: str
) -> None:
    admin = Client(core)
    await admin.create_project("promo", display_name="Promo")
    ana = await admin.add_person("ana", project="promo", roles=[EXECUTOR])
    await admin.add_person("bob", project="promo", roles=[EXECUTOR])
    person = (
        await admin.people.GetPerson(
            person_service_pb2.GetPersonRequest(name="people/ana"), metadata=admin.md
        )
    ).person
    person.time_off.add(
        start_date=day(8).isoformat(), end_date=day(9).isoformat(), reason="annual leave"
    )
    update = person_service_pb2.UpdatePersonRequest(person=person)
    update.update_mask.paths.append("time_off")
    await admin.people.UpdatePerson(update, metadata=admin.md)
    await admin.create_task(
        "promo",
        LONG_TITLE,
        assignee="people/ana",
        planned_start=day(1).isoformat(),
        planned_end=day(3).isoformat(),
        due_date=day(5).isoformat(),
        estimate_hours=24,
    )
    await admin.create_task(
        "promo",
        "Bob's print run",
        assignee="people/bob",
        planned_start=day(1).isoformat(),
        planned_end=day(2).isoformat(),
        estimate_hours=8,
    )
    feed = await new_feed(gateway, ana)

    status, body, headers = await get(gateway + feed["path"])

    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    # All-day: DTSTART and DTEND are dates, DTEND the day after the last one.
    assert events(body) == {
        (LONG_TITLE, day(1), day(4)),
        (f"Due: {LONG_TITLE}", day(5), day(6)),
        ("Day off", day(8), day(10)),
    }
    calendar: Any = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "PlanOps: Ana"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    work = next(e for e in vevents(body) if str(e["SUMMARY"]) == LONG_TITLE)
    assert b"DTSTART;VALUE=DATE:" in body
    assert work["SEQUENCE"] == 0
    assert work["DTSTAMP"].dt == work["LAST-MODIFIED"].dt
    assert str(work["UID"]).endswith(".people-ana@planops")


async def test_lines_end_in_crlf_and_fold_within_75_octets_between_characters(
    core: CoreUnderTest, gateway: str
) -> None:
    admin = Client(core)
    await admin.create_project("promo", display_name="Promo")
    ana = await admin.add_person("ana", project="promo", roles=[EXECUTOR])
    await admin.create_task(
        "promo",
        LONG_TITLE * 3,
        assignee="people/ana",
        planned_start=day(1).isoformat(),
        planned_end=day(1).isoformat(),
        estimate_hours=2,
    )
    feed = await new_feed(gateway, ana)

    _, body, _ = await get(gateway + feed["path"])

    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # a fold inside a character would fail here
    assert LONG_TITLE * 3 in {s for s, _, _ in events(body)}


async def test_a_feed_answers_the_same_until_its_plan_changes(
    core: CoreUnderTest, gateway: str
) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    ana = await admin.add_person("ana", project="promo", roles=[EXECUTOR])
    task = await admin.create_task(
        "promo",
        "Poster",
        assignee="people/ana",
        planned_start=day(1).isoformat(),
        planned_end=day(2).isoformat(),
        estimate_hours=8,
    )
    url = gateway + (await new_feed(gateway, ana))["path"]
    _, first, headers = await get(url)
    again, _, _ = await get(url, {"If-None-Match": headers["ETag"]})
    task.planned_end = day(4).isoformat()
    await admin.update_task(task, "planned_end")

    status, second, _ = await get(url, {"If-None-Match": headers["ETag"]})

    assert again == 304
    assert status == 200
    (before,) = vevents(first)
    (after,) = vevents(second)
    assert str(after["UID"]) == str(before["UID"])
    assert (after["SEQUENCE"], after["DTEND"].dt) == (before["SEQUENCE"] + 1, day(5))


async def test_every_missing_feed_is_the_same_404(core: CoreUnderTest, gateway: str) -> None:
    admin = Client(core)
    ana = await admin.add_person("ana")
    revoked = await new_feed(gateway, ana)
    status, _ = await post(gateway, REVOKE, {"name": revoked["calendarFeed"]["name"]}, key=ana)
    assert status == 200
    unknown = revoked["path"].replace(revoked["path"][18:30], "0" * 12)

    answers = [
        await get(gateway + path)
        for path in (revoked["path"], unknown, "/ical/nonsense.ics", f"/ical/{ana}.ics")
    ]

    assert {(status, body) for status, body, _ in answers} == {(404, b"no such calendar feed\n")}


async def test_a_feed_polled_too_often_is_told_when_to_come_back(
    database_url: str, nats_url: str, tmp_path: Path
) -> None:
    limit = ServerOptions(person_rate=RateLimit(rate=0.2, burst=1))
    async with core_with(
        database_url=database_url, nats_url=nats_url, home=tmp_path / "home", options=limit
    ) as core:
        backends = tuple(b for b in BACKENDS if b.service.startswith("planops.core."))
        config = Config(
            address="127.0.0.1:0",
            addresses={b.service: f"127.0.0.1:{core.port}" for b in backends},
            log_level="INFO",
            backends=backends,
        )
        async with running_gateway(config) as gateway:
            ana = await Client(core).add_person("ana")
            feed = await new_feed(gateway.url, ana)
            first, _, _ = await get(gateway.url + feed["path"])
            second, body, headers = await get(gateway.url + feed["path"])

    assert first == 200
    assert (second, body) == (429, b"RESOURCE_EXHAUSTED\n")
    assert 1 <= int(headers["Retry-After"]) <= 5
