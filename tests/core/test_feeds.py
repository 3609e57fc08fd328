"""Calendar feeds over gRPC: a person's feed holds exactly their planned work, due dates and
days off; a feed's secret reads its feed and nothing else, and stops when the feed is revoked,
its person deleted (a namesake created later gets nothing) or its project no longer theirs."""

from __future__ import annotations

import datetime as dt

import grpc
from planops.core.v1 import (
    calendar_feed_pb2,
    calendar_feed_service_pb2,
    calendar_feed_service_pb2_grpc,
    person_service_pb2,
    project_service_pb2,
    task_service_pb2,
)

from services.common.errors import reason_of
from tests.conftest import CoreUnderTest
from tests.core.helpers import (
    EXECUTOR,
    MANAGER,
    VIEWER,
    Client,
    count,
    invalid_fields,
    refused,
)

TODAY = dt.datetime.now(dt.UTC).date()
Kind = calendar_feed_pb2.CalendarEventKind


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


class Feeds:
    """CalendarFeedService called with one person's key."""

    def __init__(self, core: CoreUnderTest, key: str) -> None:
        self.core = core
        self.md = core.auth(key)
        self.stub = calendar_feed_service_pb2_grpc.CalendarFeedServiceStub(core.channel)

    async def create(self, subject: str = "", name: str = "phone") -> tuple[str, str]:
        """(feed name, secret)."""
        reply = await self.stub.CreateCalendarFeed(
            calendar_feed_service_pb2.CreateCalendarFeedRequest(
                calendar_feed=calendar_feed_pb2.CalendarFeed(display_name=name, subject=subject)
            ),
            metadata=self.md,
        )
        assert reply.path == f"/ical/{reply.secret}.ics"
        return reply.calendar_feed.name, reply.secret

    async def listed(self) -> list[calendar_feed_pb2.CalendarFeed]:
        reply = await self.stub.ListCalendarFeeds(
            calendar_feed_service_pb2.ListCalendarFeedsRequest(), metadata=self.md
        )
        return list(reply.calendar_feeds)

    async def revoke(self, name: str) -> calendar_feed_pb2.CalendarFeed:
        reply = await self.stub.RevokeCalendarFeed(
            calendar_feed_service_pb2.RevokeCalendarFeedRequest(name=name), metadata=self.md
        )
        return reply.calendar_feed


async def read(
    core: CoreUnderTest, secret: str
) -> calendar_feed_service_pb2.ReadCalendarFeedResponse:
    stub = calendar_feed_service_pb2_grpc.CalendarFeedServiceStub(core.channel)
    reply: calendar_feed_service_pb2.ReadCalendarFeedResponse = await stub.ReadCalendarFeed(
        calendar_feed_service_pb2.ReadCalendarFeedRequest(), metadata=core.auth(secret)
    )
    return reply


def shown(
    reply: calendar_feed_service_pb2.ReadCalendarFeedResponse,
) -> set[tuple[str, str, str, str]]:
    return {(Kind.Name(e.kind)[20:], e.summary, e.start_date, e.end_date) for e in reply.events}


async def test_a_persons_feed_holds_exactly_their_planned_work_due_dates_and_days_off(
    core: CoreUnderTest,
) -> None:
    admin = Client(core)
    await admin.create_project("promo", display_name="双十二促销")
    await admin.create_project("other")
    ana = await admin.add_person("ana", project="promo", roles=[EXECUTOR])
    await admin.add_person("bob", project="promo", roles=[EXECUTOR])
    person = (
        await admin.people.GetPerson(
            person_service_pb2.GetPersonRequest(name="people/ana"), metadata=admin.md
        )
    ).person
    person.time_off.add(start_date=day(10), end_date=day(12), reason="年假")
    update = person_service_pb2.UpdatePersonRequest(person=person)
    update.update_mask.paths.append("time_off")
    await admin.people.UpdatePerson(update, metadata=admin.md)
    await admin.create_task(
        "promo",
        "设计海报",
        assignee="people/ana",
        planned_start=day(1),
        planned_end=day(3),
        due_date=day(4),
        estimate_hours=16,
    )
    await admin.create_task("promo", "Sign off", assignee="people/ana", due_date=day(6))
    await admin.create_task(
        "promo",
        "Launch",
        assignee="people/ana",
        planned_start=day(7),
        planned_end=day(7),
        labels=["milestone"],
        estimate_hours=1,
    )
    await admin.create_task("promo", "Unplanned", assignee="people/ana", estimate_hours=4)
    await admin.create_task(
        "promo",
        "Bob's work",
        assignee="people/bob",
        planned_start=day(1),
        planned_end=day(2),
        estimate_hours=8,
    )
    await admin.create_task("promo", "Nobody's", planned_start=day(1), planned_end=day(2))
    dropped = await admin.create_task(
        "promo",
        "Dropped",
        assignee="people/ana",
        planned_start=day(2),
        planned_end=day(2),
        estimate_hours=2,
    )
    await admin.move(dropped.name, "cancelled")
    # Ana is no member of `other`: a task there is not hers to read, so not in her feed.
    await admin.create_task(
        "other",
        "Elsewhere",
        assignee="people/ana",
        planned_start=day(1),
        planned_end=day(1),
        estimate_hours=1,
    )
    await admin.create_task(
        "promo",
        "Long ago",
        assignee="people/ana",
        planned_start=day(-400),
        planned_end=day(-399),
        estimate_hours=8,
    )

    _, secret = await Feeds(core, ana).create()
    reply = await read(core, secret)

    assert reply.calendar_name == "PlanOps: Ana"
    assert shown(reply) == {
        ("PLANNED_WORK", "设计海报", day(1), day(3)),
        ("DUE_DATE", "Due: 设计海报", day(4), day(4)),
        ("DUE_DATE", "Due: Sign off", day(6), day(6)),
        ("MILESTONE", "◆ Launch", day(7), day(7)),
        ("DAY_OFF", "Day off", day(10), day(12)),
    }
    work = next(e for e in reply.events if e.kind == Kind.CALENDAR_EVENT_KIND_PLANNED_WORK)
    assert work.description.splitlines()[0].startswith("双十二促销 · ")
    assert work.sequence == 0 and work.resource.startswith("projects/promo/tasks/")
    assert len({e.uid for e in reply.events}) == len(reply.events)


async def test_an_updated_task_keeps_its_uid_and_its_sequence_grows(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    ana = await admin.add_person("ana", project="promo", roles=[EXECUTOR])
    task = await admin.create_task(
        "promo",
        "Poster",
        assignee="people/ana",
        planned_start=day(1),
        planned_end=day(2),
        estimate_hours=8,
    )
    _, secret = await Feeds(core, ana).create()
    before = (await read(core, secret)).events[0]
    task.planned_end = day(5)
    await admin.update_task(task, "planned_end")

    after = (await read(core, secret)).events[0]

    assert after.uid == before.uid
    assert (after.end_date, after.sequence) == (day(5), before.sequence + 1)
    assert after.update_time.ToDatetime() > before.update_time.ToDatetime()


async def test_a_project_feed_holds_its_planned_tasks_deadline_and_milestones(
    core: CoreUnderTest,
) -> None:
    admin = Client(core)
    await admin.create_project("promo", display_name="Promo", deadline=day(30))
    viewer = await admin.add_person("vic", project="promo", roles=[VIEWER])
    await admin.add_person("bob", project="promo", roles=[EXECUTOR])
    await admin.create_task(
        "promo",
        "Print",
        assignee="people/bob",
        planned_start=day(2),
        planned_end=day(4),
        estimate_hours=20,
    )
    await admin.create_task("promo", "Go live", planned_start=day(20), planned_end=day(20))
    await admin.create_task("promo", "Unplanned")

    _, secret = await Feeds(core, viewer).create("projects/promo")
    reply = await read(core, secret)

    assert reply.calendar_name == "PlanOps: Promo"
    assert shown(reply) == {
        ("PLANNED_WORK", "Print", day(2), day(4)),
        ("MILESTONE", "◆ Go live", day(20), day(20)),
        ("PROJECT_DEADLINE", "Deadline: Promo", day(30), day(30)),
    }
    assert "Bob" in next(e.description for e in reply.events if e.summary == "Print")


async def test_a_revoked_feed_stops_at_once_and_stays_listed(core: CoreUnderTest) -> None:
    admin = Client(core)
    ana = Feeds(core, await admin.add_person("ana"))
    name, secret = await ana.create(name="Outlook")
    await read(core, secret)

    revoked = await ana.revoke(name)
    error = await refused(read(core, secret), grpc.StatusCode.UNAUTHENTICATED)

    assert reason_of(error) == "API_KEY_REVOKED"
    assert revoked.HasField("revoke_time")
    assert [(f.name, f.display_name, f.owner, f.subject) for f in await ana.listed()] == [
        (name, "Outlook", "people/ana", "people/ana")
    ]
    assert (await ana.revoke(name)).revoke_time == revoked.revoke_time


async def test_feeds_are_audited_like_keys_and_no_projects_event(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    ana = Feeds(core, await admin.add_person("ana", project="promo", roles=[VIEWER]))
    name, _ = await ana.create("projects/promo")
    await ana.revoke(name)

    audited = "SELECT count(*) FROM core.audit_log WHERE resource = %s AND project IS NULL"
    assert await count(core, audited, name) == 2
    assert await count(core, "SELECT count(*) FROM core.audit_log WHERE resource = %s", name) == 2


async def test_a_project_feed_stops_when_its_person_leaves_the_project(
    core: CoreUnderTest,
) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    ana = await admin.add_person("ana", project="promo", roles=[VIEWER])
    await admin.create_task("promo", "Print", planned_start=day(1), planned_end=day(1))
    _, project_secret = await Feeds(core, ana).create("projects/promo")
    await admin.create_task(
        "promo",
        "Hers",
        assignee="people/ana",
        planned_start=day(2),
        planned_end=day(2),
        estimate_hours=1,
    )
    _, own_secret = await Feeds(core, ana).create()
    assert len((await read(core, project_secret)).events) == 2
    assert len((await read(core, own_secret)).events) == 1

    await admin.projects.DeleteMembership(
        project_service_pb2.DeleteMembershipRequest(name="projects/promo/memberships/people/ana"),
        metadata=admin.md,
    )

    error = await refused(read(core, project_secret), grpc.StatusCode.NOT_FOUND)
    assert reason_of(error) == "CALENDAR_FEED_NOT_FOUND"
    # Her own feed goes on, without the project's tasks she can no longer read.
    assert (await read(core, own_secret)).events == []


async def test_a_deleted_persons_feeds_do_not_pass_to_a_namesake(core: CoreUnderTest) -> None:
    admin = Client(core)
    ana = Feeds(core, await admin.add_person("ana"))
    _, secret = await ana.create()
    await admin.people.DeletePerson(
        person_service_pb2.DeletePersonRequest(name="people/ana"), metadata=admin.md
    )
    namesake = Feeds(core, await admin.add_person("ana"))

    await refused(read(core, secret), grpc.StatusCode.UNAUTHENTICATED)
    assert await namesake.listed() == []


async def test_a_feed_secret_reads_its_feed_and_calls_nothing_else(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    ana_key = await admin.add_person("ana", project="promo", roles=[MANAGER])
    _, secret = await Feeds(core, ana_key).create()
    as_feed = Client(core, secret)

    await refused(
        as_feed.tasks.ListTasks(
            task_service_pb2.ListTasksRequest(parent="projects/promo"), metadata=as_feed.md
        ),
        grpc.StatusCode.UNAUTHENTICATED,
    )
    await refused(Feeds(core, secret).create(), grpc.StatusCode.UNAUTHENTICATED)
    # And a person's key is no feed secret.
    error = await refused(read(core, ana_key), grpc.StatusCode.PERMISSION_DENIED)
    assert reason_of(error) == "CALENDAR_FEED_SECRET_REQUIRED"


async def test_feeds_are_their_owners_own(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    ana = Feeds(core, await admin.add_person("ana", project="promo", roles=[VIEWER]))
    bob = Feeds(core, await admin.add_person("bob"))
    name, _ = await ana.create()

    await refused(bob.revoke(name), grpc.StatusCode.NOT_FOUND)
    assert await bob.listed() == []
    # A project feed needs a role in the project held by the person, not a stranger's wish.
    error = await refused(bob.create("projects/promo"), grpc.StatusCode.PERMISSION_DENIED)
    assert reason_of(error) == "ROLE_REQUIRED"
    error = await refused(Feeds(core, core.admin_key).create(), grpc.StatusCode.PERMISSION_DENIED)
    assert reason_of(error) == "PERSON_KEY_REQUIRED"
    # A service acting for a person has exactly their rights, here as everywhere.
    planner = Feeds(core, await admin.service_key("planner"))
    planner.md = (*planner.md, ("x-planops-on-behalf-of", "people/bob"))
    made, _ = await planner.create()
    assert [f.name for f in await bob.listed()] == [made]
    assert (await planner.revoke(made)).HasField("revoke_time")
    await refused(planner.revoke(name), grpc.StatusCode.NOT_FOUND)


async def test_bad_input_names_the_field(core: CoreUnderTest) -> None:
    admin = Client(core)
    ana = Feeds(core, await admin.add_person("ana"))

    assert await invalid_fields(ana.create("people/bob")) == {"calendar_feed.subject"}
    assert await invalid_fields(ana.create("projects/Not A Slug")) == {"calendar_feed.subject"}
    assert await invalid_fields(ana.create(name="x" * 201)) == {"calendar_feed.display_name"}
    assert await invalid_fields(ana.revoke("apiKeys/123")) == {"name"}
    assert await invalid_fields(
        ana.stub.ListCalendarFeeds(
            calendar_feed_service_pb2.ListCalendarFeedsRequest(page_token="junk"), metadata=ana.md
        )
    ) == {"page_token"}


async def test_a_deleted_projects_feeds_go_with_it(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    ana = Feeds(core, await admin.add_person("ana", project="promo", roles=[VIEWER]))
    _, secret = await ana.create("projects/promo")
    await read(core, secret)

    await admin.projects.DeleteProject(
        project_service_pb2.DeleteProjectRequest(name="projects/promo", force=True),
        metadata=admin.md,
    )

    await refused(read(core, secret), grpc.StatusCode.UNAUTHENTICATED)
    assert await ana.listed() == []
