from __future__ import annotations

import grpc
import psycopg
from planops.core.v1 import (
    api_key_service_pb2,
    person_pb2,
    person_service_pb2,
    project_service_pb2,
    task_pb2,
)

from services.common.errors import reason_of
from tests.conftest import CoreUnderTest
from tests.core.helpers import EXECUTOR, MANAGER, Client, count, invalid_fields, refused

Code = grpc.StatusCode


def create(
    person_id: str, request_id: str = "", **fields: object
) -> person_service_pb2.CreatePersonRequest:
    fields.setdefault("display_name", person_id.title())
    return person_service_pb2.CreatePersonRequest(
        person_id=person_id,
        person=person_pb2.Person(**fields),  # type: ignore[arg-type]
        request_id=request_id,
    )


async def test_person_create_get_update_delete(core: CoreUnderTest) -> None:
    c = Client(core)
    li = (
        await c.people.CreatePerson(
            create(
                "li-lei",
                display_name="Li Lei",
                email="Li.Lei@Example.com",
                aliases=["李雷", "LL"],
                skills=[person_pb2.Skill(skill="welding", level=4)],
                time_off=[person_pb2.TimeOff(start_date="2026-05-01", end_date="2026-05-05")],
                cost_rate=55,
            ),
            metadata=c.md,
        )
    ).person
    assert li.name == "people/li-lei"
    assert li.email == "li.lei@example.com"
    assert list(li.aliases) == ["李雷", "LL"]
    assert li.weekly_capacity_hours == 40
    assert list(li.working_days) == [1, 2, 3, 4, 5]
    got = await c.people.GetPerson(
        person_service_pb2.GetPersonRequest(name="people/li-lei"), metadata=c.md
    )
    assert got.person == li

    change = person_pb2.Person(
        name="people/li-lei",
        etag=li.etag,
        skills=[person_pb2.Skill(skill="welding", level=5), person_pb2.Skill(skill="qa", level=2)],
        cost_rate=1,
    )
    updated = (
        await c.people.UpdatePerson(
            person_service_pb2.UpdatePersonRequest(
                person=change, update_mask={"paths": ["skills"]}
            ),
            metadata=c.md,
        )
    ).person
    assert [(s.skill, s.level) for s in updated.skills] == [("welding", 5), ("qa", 2)]
    assert updated.cost_rate == 55
    assert list(updated.aliases) == ["李雷", "LL"]
    error = await refused(
        c.people.UpdatePerson(
            person_service_pb2.UpdatePersonRequest(
                person=change, update_mask={"paths": ["cost_rate"]}
            ),
            metadata=c.md,
        ),
        Code.ABORTED,
    )
    assert reason_of(error) == "ETAG_MISMATCH"
    assert await invalid_fields(
        c.people.UpdatePerson(
            person_service_pb2.UpdatePersonRequest(
                person=person_pb2.Person(name="people/li-lei"), update_mask={"paths": ["name"]}
            ),
            metadata=c.md,
        )
    ) == {"update_mask"}

    await refused(c.people.CreatePerson(create("li-lei"), metadata=c.md), Code.ALREADY_EXISTS)
    taken = await refused(
        c.people.CreatePerson(create("han", email="li.lei@example.com"), metadata=c.md),
        Code.ALREADY_EXISTS,
    )
    assert reason_of(taken) == "EMAIL_TAKEN"

    await c.people.DeletePerson(
        person_service_pb2.DeletePersonRequest(name="people/li-lei", etag=updated.etag),
        metadata=c.md,
    )
    await refused(
        c.people.GetPerson(
            person_service_pb2.GetPersonRequest(name="people/li-lei"), metadata=c.md
        ),
        Code.NOT_FOUND,
    )


async def test_create_person_is_idempotent_and_validated(core: CoreUnderTest) -> None:
    c = Client(core)
    first = await c.people.CreatePerson(create("ann", request_id="p-1"), metadata=c.md)
    again = await c.people.CreatePerson(create("ann", request_id="p-1"), metadata=c.md)
    assert again.person == first.person
    assert await count(core, "SELECT count(*) FROM core.people") == 1
    assert len(await c.audit_entries(resource="people/ann", action="create")) == 1

    assert await invalid_fields(
        c.people.CreatePerson(
            create("bob", skills=[person_pb2.Skill(skill="welding", level=9)]), metadata=c.md
        )
    ) == {"person.skills[0].level"}
    assert await invalid_fields(
        c.people.CreatePerson(
            create(
                "Bob!",
                display_name="",
                email="not-an-email",
                weekly_capacity_hours=200,
                working_days=[9],
                time_off=[person_pb2.TimeOff(start_date="2026-05-05", end_date="2026-05-01")],
            ),
            metadata=c.md,
        )
    ) == {
        "person_id",
        "person.display_name",
        "person.email",
        "person.weekly_capacity_hours",
        "person.working_days",
        "person.time_off[0].end_date",
    }
    assert await count(core, "SELECT count(*) FROM core.people") == 1

    ann = Client(core, await c.new_key("people/ann"))
    denied = await refused(
        ann.people.CreatePerson(create("eve"), metadata=ann.md), Code.PERMISSION_DENIED
    )
    assert reason_of(denied) == "ADMIN_REQUIRED"
    await refused(
        ann.people.DeletePerson(
            person_service_pb2.DeletePersonRequest(name="people/ann"), metadata=ann.md
        ),
        Code.PERMISSION_DENIED,
    )
    read = await ann.people.GetPerson(
        person_service_pb2.GetPersonRequest(name="people/ann"), metadata=ann.md
    )
    assert read.person.name == "people/ann"
    assert await count(core, "SELECT count(*) FROM core.people") == 1


async def test_list_people_filters_by_skill_and_project(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("plant")
    await c.add_person("ann", skills=[("welding", 3), ("qa", 1)], project="plant", roles=[EXECUTOR])
    await c.add_person("bob", skills=[("copywriting", 4)])
    await c.add_person("cai", skills=[("welding", 5)])
    await c.add_person("dan")

    async def people(**filters: object) -> list[str]:
        found, token = [], ""
        while True:
            page = await c.people.ListPeople(
                person_service_pb2.ListPeopleRequest(page_size=1, page_token=token, **filters),  # type: ignore[arg-type]
                metadata=c.md,
            )
            found += [p.name for p in page.people]
            token = page.next_page_token
            if not token:
                return found

    assert await people() == ["people/ann", "people/bob", "people/cai", "people/dan"]
    assert await people(skill="welding") == ["people/ann", "people/cai"]
    assert await people(skill="qa") == ["people/ann"]
    assert await people(skill="juggling") == []
    assert await people(project="projects/plant") == ["people/ann"]
    assert await people(project="projects/plant", skill="copywriting") == []


async def test_delete_person_refused_while_assigned(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("plant")
    await c.add_person("ann", project="plant", roles=[EXECUTOR])
    task = await c.create_task("plant", "Weld frame", assignee="people/ann")
    delete = person_service_pb2.DeletePersonRequest(name="people/ann")
    error = await refused(c.people.DeletePerson(delete, metadata=c.md), Code.FAILED_PRECONDITION)
    assert reason_of(error) == "PERSON_ASSIGNED"
    assert await count(core, "SELECT count(*) FROM core.people") == 1

    await c.update_task(task_pb2.Task(name=task.name), "assignee")
    await c.people.DeletePerson(delete, metadata=c.md)
    assert await count(core, "SELECT count(*) FROM core.people") == 0
    assert (
        await count(core, "SELECT count(*) FROM core.memberships WHERE member = 'people/ann'") == 0
    )
    await refused(c.people.DeletePerson(delete, metadata=c.md), Code.NOT_FOUND)


async def test_deleting_a_person_refuses_their_keys_even_after_a_namesake(
    core: CoreUnderTest,
) -> None:
    admin = Client(core)
    await admin.create_project("plant")
    key = await admin.add_person("ann", project="plant", roles=[EXECUTOR])
    ann = Client(core, key)
    caller = api_key_service_pb2.GetCallerRequest()
    await ann.keys.GetCaller(caller, metadata=ann.md)

    await admin.people.DeletePerson(
        person_service_pb2.DeletePersonRequest(name="people/ann"), metadata=admin.md
    )
    error = await refused(ann.keys.GetCaller(caller, metadata=ann.md), Code.UNAUTHENTICATED)
    assert reason_of(error) == "API_KEY_REVOKED"
    listed = await admin.keys.ListApiKeys(
        api_key_service_pb2.ListApiKeysRequest(principal="people/ann"), metadata=admin.md
    )
    assert [k.HasField("revoke_time") for k in listed.api_keys] == [True]

    # Another Ann, with the same id: the first one's key is not hers.
    await admin.people.CreatePerson(create("ann"), metadata=admin.md)
    await admin.add_member("plant", "people/ann", EXECUTOR)
    await refused(ann.keys.GetCaller(caller, metadata=ann.md), Code.UNAUTHENTICATED)
    await refused(
        ann.projects.GetProject(
            project_service_pb2.GetProjectRequest(name="projects/plant"), metadata=ann.md
        ),
        Code.UNAUTHENTICATED,
    )
    new_ann = Client(core, await admin.new_key("people/ann"))
    await new_ann.keys.GetCaller(caller, metadata=new_ann.md)


async def test_a_namesakes_requests_are_not_answered_with_what_the_deleted_person_made(
    core: CoreUnderTest,
) -> None:
    admin = Client(core)
    await admin.create_project("plant")
    ann = Client(core, await admin.add_person("ann", project="plant", roles=[EXECUTOR]))
    first = await ann.create_task("plant", "Check the pump", request_id="r-1")
    await admin.people.DeletePerson(
        person_service_pb2.DeletePersonRequest(name="people/ann"), metadata=admin.md
    )

    await admin.people.CreatePerson(create("ann"), metadata=admin.md)
    await admin.add_member("plant", "people/ann", EXECUTOR)
    new_ann = Client(core, await admin.new_key("people/ann"))
    # Her client numbers requests the same way; her task is made, not the other Ann's returned.
    hers = await new_ann.create_task("plant", "Check the pump", request_id="r-1")
    assert hers.name != first.name
    assert await count(core, "SELECT count(*) FROM core.tasks") == 2


async def test_a_key_of_a_person_deleted_directly_in_the_database_is_refused(
    core: CoreUnderTest,
) -> None:
    """Keys belong to the person's record (uid), not to the id: however the record went."""
    admin = Client(core)
    ann = Client(core, await admin.add_person("ann"))
    async with await psycopg.AsyncConnection.connect(core.database_url, autocommit=True) as conn:
        await conn.execute("DELETE FROM core.people WHERE id = 'ann'")
        await conn.execute(
            "INSERT INTO core.people (id, display_name, weekly_capacity_hours, working_days)"
            " VALUES ('ann', 'Ann Again', 40, '{1,2,3,4,5}')"
        )
    await refused(
        ann.keys.GetCaller(api_key_service_pb2.GetCallerRequest(), metadata=ann.md),
        Code.UNAUTHENTICATED,
    )


async def test_the_directory_shows_only_people_who_share_a_project(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("plant")
    await admin.create_project("promo")
    await admin.people.CreatePerson(
        create(
            "zoe",
            email="zoe@example.com",
            cost_rate=90,
            time_off=[
                person_pb2.TimeOff(start_date="2030-05-01", end_date="2030-05-02", reason="IVF")
            ],
        ),
        metadata=admin.md,
    )
    await admin.add_member("promo", "people/zoe", EXECUTOR)
    loner = Client(core, await admin.add_person("lou"))
    stranger = Client(core, await admin.add_person("sam", project="plant", roles=[MANAGER]))
    for someone in (loner, stranger):
        for name in ("people/zoe", "people/nobody"):
            await refused(
                someone.people.GetPerson(
                    person_service_pb2.GetPersonRequest(name=name), metadata=someone.md
                ),
                Code.PERMISSION_DENIED,
            )
        for request in (
            person_service_pb2.ListPeopleRequest(),
            person_service_pb2.ListPeopleRequest(skill="welding"),
        ):
            listed = await someone.people.ListPeople(request, metadata=someone.md)
            assert "zoe" not in str(listed) and "IVF" not in str(listed)
    listed = await stranger.people.ListPeople(
        person_service_pb2.ListPeopleRequest(), metadata=stranger.md
    )
    assert [p.name for p in listed.people] == ["people/sam"]
    mine = await loner.people.GetPerson(
        person_service_pb2.GetPersonRequest(name="people/lou"), metadata=loner.md
    )
    assert mine.person.name == "people/lou"
    await refused(
        admin.people.GetPerson(
            person_service_pb2.GetPersonRequest(name="people/nobody"), metadata=admin.md
        ),
        Code.NOT_FOUND,
    )


async def test_cost_rates_and_time_off_reasons_only_for_managers(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    await admin.people.CreatePerson(
        create(
            "zoe",
            email="zoe@example.com",
            cost_rate=90,
            time_off=[
                person_pb2.TimeOff(start_date="2030-05-01", end_date="2030-05-02", reason="IVF")
            ],
        ),
        metadata=admin.md,
    )
    await admin.add_member("promo", "people/zoe", EXECUTOR)
    boss = Client(core, await admin.add_person("bea", project="promo", roles=[MANAGER]))
    peer = Client(core, await admin.add_person("pat", project="promo", roles=[EXECUTOR]))
    zoe = Client(core, await admin.new_key("people/zoe"))
    get = person_service_pb2.GetPersonRequest(name="people/zoe")
    for who, sees in ((boss, True), (zoe, True), (admin, True), (peer, False)):
        got = (await who.people.GetPerson(get, metadata=who.md)).person
        listed = await who.people.ListPeople(
            person_service_pb2.ListPeopleRequest(project="projects/promo"), metadata=who.md
        )
        unscoped = await who.people.ListPeople(
            person_service_pb2.ListPeopleRequest(), metadata=who.md
        )
        for person in (
            got,
            *[p for p in listed.people if p.name == "people/zoe"],
            *[p for p in unscoped.people if p.name == "people/zoe"],
        ):
            assert person.email == "zoe@example.com"
            assert [t.start_date for t in person.time_off] == ["2030-05-01"]
            assert person.cost_rate == (90 if sees else 0)
            assert [t.reason for t in person.time_off] == (["IVF"] if sees else [""])
        assert len([p for p in unscoped.people if p.name == "people/zoe"]) == 1
