from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from google.protobuf import field_mask_pb2
from planops.core.v1 import (
    audit_service_pb2,
    project_pb2,
    project_service_pb2,
    template_service_pb2,
)

from services.common.config import ConfigError
from services.common.errors import reason_of
from tests.conftest import CoreUnderTest, start_core
from tests.core.helpers import (
    EXECUTOR,
    MANAGER,
    VIEWER,
    Client,
    count,
    invalid_fields,
    refused,
)

Code = grpc.StatusCode


def update_request(
    project: project_pb2.Project, *paths: str
) -> project_service_pb2.UpdateProjectRequest:
    return project_service_pb2.UpdateProjectRequest(
        project=project, update_mask=field_mask_pb2.FieldMask(paths=list(paths))
    )


async def test_project_create_get_list_update(core: CoreUnderTest) -> None:
    c = Client(core)
    created = await c.create_project(
        "promo",
        display_name="  Promo  ",
        description="Monthly campaign",
        time_zone="Asia/Shanghai",
        calendar=project_pb2.Calendar(holiday_country="CN", days_off=["2026-05-06"]),
        start_date="2026-05-01",
        deadline="2026-06-30",
    )
    assert created.name == "projects/promo"
    assert created.display_name == "Promo"
    assert created.time_zone == "Asia/Shanghai"
    assert created.calendar.holiday_country == "CN"
    assert list(created.calendar.working_days) == [1, 2, 3, 4, 5]
    assert created.calendar.hours_per_day == 8
    assert list(created.calendar.days_off) == ["2026-05-06"]
    assert (created.start_date, created.deadline) == ("2026-05-01", "2026-06-30")
    assert created.workflow.initial_state == "draft"
    assert created.etag

    got = await c.projects.GetProject(
        project_service_pb2.GetProjectRequest(name="projects/promo"), metadata=c.md
    )
    assert got.project == created
    await c.create_project("another")
    listed = await c.projects.ListProjects(project_service_pb2.ListProjectsRequest(), metadata=c.md)
    assert [p.name for p in listed.projects] == ["projects/another", "projects/promo"]

    members = await c.projects.ListMemberships(
        project_service_pb2.ListMembershipsRequest(parent="projects/promo"), metadata=c.md
    )
    assert [(m.member, list(m.roles)) for m in members.memberships] == [
        ("services/admin", [MANAGER])
    ]

    change = project_pb2.Project(
        name="projects/promo", display_name="Promo May", deadline="2026-07-31", etag=created.etag
    )
    updated = (
        await c.projects.UpdateProject(update_request(change, "display_name"), metadata=c.md)
    ).project
    assert updated.display_name == "Promo May"
    assert updated.deadline == "2026-06-30", "a field outside the mask must not change"
    assert updated.description == "Monthly campaign"
    assert updated.etag != created.etag

    stale = await refused(
        c.projects.UpdateProject(update_request(change, "deadline"), metadata=c.md), Code.ABORTED
    )
    assert reason_of(stale) == "ETAG_MISMATCH"
    got = await c.projects.GetProject(
        project_service_pb2.GetProjectRequest(name="projects/promo"), metadata=c.md
    )
    assert got.project.deadline == "2026-06-30"

    change.etag = updated.etag
    assert await invalid_fields(
        c.projects.UpdateProject(update_request(change, "name"), metadata=c.md)
    ) == {"update_mask"}
    assert await invalid_fields(
        c.projects.UpdateProject(update_request(change), metadata=c.md)
    ) == {"update_mask"}
    change.calendar.holiday_country = "XX"
    assert await invalid_fields(
        c.projects.UpdateProject(update_request(change, "calendar"), metadata=c.md)
    ) == {"project.calendar.holiday_country"}
    everything = await c.projects.UpdateProject(
        update_request(
            project_pb2.Project(
                name="projects/promo", display_name="All", time_zone="Europe/Berlin"
            ),
            "*",
        ),
        metadata=c.md,
    )
    assert everything.project.time_zone == "Europe/Berlin"
    assert everything.project.deadline == "", "* clears the fields left out"

    await refused(
        c.projects.GetProject(
            project_service_pb2.GetProjectRequest(name="projects/nope"), metadata=c.md
        ),
        Code.NOT_FOUND,
    )
    await refused(c.create_project("promo"), Code.ALREADY_EXISTS)


async def test_create_project_is_idempotent_by_request_id(core: CoreUnderTest) -> None:
    c = Client(core)
    request = project_service_pb2.CreateProjectRequest(
        project_id="repair",
        project=project_pb2.Project(display_name="Repair"),
        request_id="req-project-1",
    )
    first = await c.projects.CreateProject(request, metadata=c.md)
    again = await c.projects.CreateProject(request, metadata=c.md)
    assert again.project == first.project
    assert await count(core, "SELECT count(*) FROM core.projects") == 1
    entries = await c.audit_entries(resource="projects/repair", action="create")
    assert sorted(e.resource for e in entries) == [
        "projects/repair",
        "projects/repair/memberships/services/admin",
    ]


async def test_create_project_names_bad_fields_and_writes_nothing(core: CoreUnderTest) -> None:
    c = Client(core)

    async def fields_of(project_id: str, **fields: object) -> set[str]:
        return await invalid_fields(
            c.projects.CreateProject(
                project_service_pb2.CreateProjectRequest(
                    project_id=project_id,
                    project=project_pb2.Project(**fields),  # type: ignore[arg-type]
                ),
                metadata=c.md,
            )
        )

    assert await fields_of("p", display_name="P", time_zone="Mars/Base") == {"project.time_zone"}
    assert await fields_of(
        "p", display_name="P", calendar=project_pb2.Calendar(holiday_country="XX")
    ) == {"project.calendar.holiday_country"}
    assert await fields_of(
        "p", display_name="P", calendar=project_pb2.Calendar(working_days=[0, 8])
    ) == {"project.calendar.working_days"}
    assert await fields_of("Bad_Id", display_name="P") == {"project_id"}
    assert await fields_of("p", display_name="") == {"project.display_name"}
    assert await fields_of("p", display_name="P", description="x" * 10_001) == {
        "project.description"
    }
    assert await fields_of(
        "p", display_name="P", start_date="2026-05-10", deadline="2026-05-01"
    ) == {"project.deadline"}
    assert await fields_of("", display_name="", time_zone="Mars/Base", start_date="2026-02-30") == {
        "project_id",
        "project.display_name",
        "project.time_zone",
        "project.start_date",
    }
    assert await count(core, "SELECT count(*) FROM core.projects") == 0
    assert await count(core, "SELECT count(*) FROM core.audit_log WHERE project = 'p'") == 0


async def test_delete_project_refused_with_tasks_unless_forced(core: CoreUnderTest) -> None:
    c = Client(core)
    project = await c.create_project("promo")
    await c.create_task("promo", "Write copy")
    delete = project_service_pb2.DeleteProjectRequest(name="projects/promo")
    error = await refused(c.projects.DeleteProject(delete, metadata=c.md), Code.FAILED_PRECONDITION)
    assert reason_of(error) == "PROJECT_NOT_EMPTY"
    assert await count(core, "SELECT count(*) FROM core.tasks") == 1

    stale = project_service_pb2.DeleteProjectRequest(
        name="projects/promo", etag='W/"99"', force=True
    )
    await refused(c.projects.DeleteProject(stale, metadata=c.md), Code.ABORTED)

    forced = project_service_pb2.DeleteProjectRequest(
        name="projects/promo", etag=project.etag, force=True
    )
    await c.projects.DeleteProject(forced, metadata=c.md)
    await refused(
        c.projects.GetProject(
            project_service_pb2.GetProjectRequest(name="projects/promo"), metadata=c.md
        ),
        Code.NOT_FOUND,
    )
    assert await count(core, "SELECT count(*) FROM core.tasks") == 0
    assert await count(core, "SELECT count(*) FROM core.memberships") == 0
    [entry] = await c.audit_entries(resource="projects/promo", action="delete")
    assert entry.before["display_name"] == "Promo"

    await c.create_project("empty")
    await c.projects.DeleteProject(
        project_service_pb2.DeleteProjectRequest(name="projects/empty"), metadata=c.md
    )
    assert await count(core, "SELECT count(*) FROM core.projects") == 0


async def test_a_deleted_projects_id_never_comes_back_with_its_past(core: CoreUnderTest) -> None:
    """Delete then re-create: whoever re-created the id became its manager and read the old
    project's audit history (task contents) and everything other services keyed by its name."""
    owner = Client(core)
    await owner.create_project("launch")
    await owner.create_task("launch", "Negotiate the secret supplier price")
    await owner.projects.DeleteProject(
        project_service_pb2.DeleteProjectRequest(name="projects/launch", force=True),
        metadata=owner.md,
    )
    stranger = Client(core, await owner.add_person("mallory", project_creator=True))
    for who in (stranger, owner):
        error = await refused(who.create_project("launch"), Code.ALREADY_EXISTS)
        assert reason_of(error) == "PROJECT_ID_RETIRED"
        assert "project_id" in (error.details() or "")
    await refused(
        stranger.audit.ListAuditEntries(
            audit_service_pb2.ListAuditEntriesRequest(project="projects/launch"),
            metadata=stranger.md,
        ),
        Code.PERMISSION_DENIED,
    )
    assert await count(core, "SELECT count(*) FROM core.projects") == 0
    # A live id is still just taken, and an unused one still free.
    await owner.create_project("launch-2")
    error = await refused(stranger.create_project("launch-2"), Code.ALREADY_EXISTS)
    assert reason_of(error) == "PROJECT_EXISTS"


async def test_memberships(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    ann_key = await c.add_person("ann", project="promo", roles=[EXECUTOR])
    await c.add_person("bob")
    await c.add_member("promo", "people/bob", VIEWER, VIEWER)

    listed = await c.projects.ListMemberships(
        project_service_pb2.ListMembershipsRequest(parent="projects/promo"), metadata=c.md
    )
    assert [(m.name, m.member, list(m.roles)) for m in listed.memberships] == [
        ("projects/promo/memberships/people/ann", "people/ann", [EXECUTOR]),
        ("projects/promo/memberships/people/bob", "people/bob", [VIEWER]),
        ("projects/promo/memberships/services/admin", "services/admin", [MANAGER]),
    ]

    await refused(c.add_member("promo", "people/ann", VIEWER), Code.ALREADY_EXISTS)
    assert await invalid_fields(c.add_member("promo", "people/ghost", VIEWER)) == {
        "membership.member"
    }
    assert await invalid_fields(c.add_member("promo", "people/bob")) == {"membership.roles"}
    assert await invalid_fields(c.add_member("promo", "robots/r2", VIEWER)) == {"membership.member"}
    ann = Client(core, ann_key)
    await refused(ann.add_member("promo", "people/bob", MANAGER), Code.PERMISSION_DENIED)

    ann_membership = listed.memberships[0]
    changed = await c.projects.UpdateMembership(
        project_service_pb2.UpdateMembershipRequest(
            membership=project_pb2.Membership(
                name=ann_membership.name, roles=[MANAGER, EXECUTOR], etag=ann_membership.etag
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["roles"]),
        ),
        metadata=c.md,
    )
    assert set(changed.membership.roles) == {MANAGER, EXECUTOR}
    stale = project_service_pb2.UpdateMembershipRequest(
        membership=project_pb2.Membership(
            name=ann_membership.name, roles=[VIEWER], etag=ann_membership.etag
        ),
        update_mask=field_mask_pb2.FieldMask(paths=["roles"]),
    )
    await refused(c.projects.UpdateMembership(stale, metadata=c.md), Code.ABORTED)

    await c.projects.DeleteMembership(
        project_service_pb2.DeleteMembershipRequest(
            name="projects/promo/memberships/services/admin"
        ),
        metadata=c.md,
    )
    last = await refused(
        c.projects.DeleteMembership(
            project_service_pb2.DeleteMembershipRequest(
                name="projects/promo/memberships/people/ann"
            ),
            metadata=c.md,
        ),
        Code.FAILED_PRECONDITION,
    )
    assert reason_of(last) == "LAST_MANAGER"
    await refused(
        c.projects.DeleteMembership(
            project_service_pb2.DeleteMembershipRequest(
                name="projects/promo/memberships/people/zed"
            ),
            metadata=c.md,
        ),
        Code.NOT_FOUND,
    )
    listed = await c.projects.ListMemberships(
        project_service_pb2.ListMembershipsRequest(parent="projects/promo"), metadata=c.md
    )
    assert [m.member for m in listed.memberships] == ["people/ann", "people/bob"]


async def test_iterations(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")

    async def iteration(name: str, start: str, end: str, request_id: str = "") -> str:
        response = await c.projects.CreateIteration(
            project_service_pb2.CreateIterationRequest(
                parent="projects/promo",
                iteration=project_pb2.Iteration(display_name=name, start_date=start, end_date=end),
                request_id=request_id,
            ),
            metadata=c.md,
        )
        return response.iteration.name

    first = await iteration("Sprint 1", "2026-05-04", "2026-05-15", "it-1")
    assert await iteration("Sprint 1", "2026-05-04", "2026-05-15", "it-1") == first
    second = await iteration("Sprint 2", "2026-05-18", "2026-05-29")
    listed = await c.projects.ListIterations(
        project_service_pb2.ListIterationsRequest(parent="projects/promo"), metadata=c.md
    )
    assert [i.name for i in listed.iterations] == [second, first]

    assert await invalid_fields(
        c.projects.CreateIteration(
            project_service_pb2.CreateIterationRequest(
                parent="projects/promo",
                iteration=project_pb2.Iteration(
                    display_name="Long", start_date="2026-05-01", end_date="2026-06-30"
                ),
            ),
            metadata=c.md,
        )
    ) == {"iteration.end_date"}

    task = await c.create_task("promo", "Copy", iteration=first)
    assert task.iteration == first
    await c.projects.DeleteIteration(
        project_service_pb2.DeleteIterationRequest(name=first), metadata=c.md
    )
    assert (await c.get_task(task.name)).iteration == ""
    listed = await c.projects.ListIterations(
        project_service_pb2.ListIterationsRequest(parent="projects/promo"), metadata=c.md
    )
    assert [i.name for i in listed.iterations] == [second]
    await refused(
        c.projects.DeleteIteration(
            project_service_pb2.DeleteIterationRequest(name=first), metadata=c.md
        ),
        Code.NOT_FOUND,
    )


async def test_a_person_and_a_service_with_one_id_are_two_memberships(
    core: CoreUnderTest,
) -> None:
    c = Client(core)
    await c.create_project("promo")
    await c.add_person("ops", project="promo", roles=[VIEWER])
    await c.add_member("promo", "services/ops", EXECUTOR)

    update = project_service_pb2.UpdateMembershipRequest(
        membership=project_pb2.Membership(
            name="projects/promo/memberships/services/ops", roles=[MANAGER]
        ),
        update_mask=field_mask_pb2.FieldMask(paths=["roles"]),
    )
    changed = await c.projects.UpdateMembership(update, metadata=c.md)
    assert changed.membership.member == "services/ops"
    await c.projects.DeleteMembership(
        project_service_pb2.DeleteMembershipRequest(name="projects/promo/memberships/people/ops"),
        metadata=c.md,
    )
    listed = await c.projects.ListMemberships(
        project_service_pb2.ListMembershipsRequest(parent="projects/promo"), metadata=c.md
    )
    assert [(m.member, list(m.roles)) for m in listed.memberships] == [
        ("services/admin", [MANAGER]),
        ("services/ops", [MANAGER]),
    ]

    # The old form named both alike: it is refused, naming the field.
    for old in ("projects/promo/memberships/ops", "projects/promo/memberships/robots/ops"):
        assert await invalid_fields(
            c.projects.DeleteMembership(
                project_service_pb2.DeleteMembershipRequest(name=old), metadata=c.md
            )
        ) == {"name"}
    assert await count(core, "SELECT count(*) FROM core.memberships") == 2


async def test_only_admins_and_those_granted_the_right_create_projects(core: CoreUnderTest) -> None:
    """Any key could create a project and become its manager (#13): now an admin grants the
    project_creator right, it takes effect and ends on the next call, and a person created
    later with the same id does not inherit it."""
    from planops.core.v1 import api_key_pb2, person_pb2, person_service_pb2

    from tests.core.test_api_keys import acting, service_key

    admin = Client(core)
    ann = Client(core, await admin.add_person("ann"))
    error = await refused(ann.create_project("anns"), Code.PERMISSION_DENIED)
    assert reason_of(error) == "PROJECT_CREATOR_REQUIRED"
    # A template makes a project too.
    from_template = template_service_pb2.InstantiateTemplateRequest(
        template="templates/promo-campaign",
        project_id="anns-promo",
        project=project_pb2.Project(display_name="Ann's promotion"),
        anchor_date="2030-03-04",
    )
    error = await refused(
        ann.templates.InstantiateTemplate(from_template, metadata=ann.md), Code.PERMISSION_DENIED
    )
    assert reason_of(error) == "PROJECT_CREATOR_REQUIRED"

    def grant(value: bool) -> person_service_pb2.UpdatePersonRequest:
        return person_service_pb2.UpdatePersonRequest(
            person=person_pb2.Person(name="people/ann", project_creator=value),
            update_mask=field_mask_pb2.FieldMask(paths=["project_creator"]),
        )

    # Only an admin grants it: a person cannot give it to herself.
    await refused(ann.people.UpdatePerson(grant(True), metadata=ann.md), Code.PERMISSION_DENIED)
    await admin.people.UpdatePerson(grant(True), metadata=admin.md)
    made = await ann.create_project("anns")
    members = await admin.projects.ListMemberships(
        project_service_pb2.ListMembershipsRequest(parent=made.name), metadata=admin.md
    )
    assert [(m.member, list(m.roles)) for m in members.memberships] == [("people/ann", [MANAGER])]
    await admin.people.UpdatePerson(grant(False), metadata=admin.md)
    await refused(ann.create_project("anns-2"), Code.PERMISSION_DENIED)

    # A service acting for her has her right, not its own; on its own it needs the scope.
    await admin.people.UpdatePerson(grant(True), metadata=admin.md)
    deputy = await service_key(
        admin,
        "services/deputy",
        api_key_pb2.SERVICE_SCOPE_READ_PROJECTS,
        api_key_pb2.SERVICE_SCOPE_ACT_FOR_PEOPLE,
    )
    await refused(deputy.create_project("deputys"), Code.PERMISSION_DENIED)
    await deputy.projects.CreateProject(
        project_service_pb2.CreateProjectRequest(
            project_id="for-ann", project=project_pb2.Project(display_name="For Ann")
        ),
        metadata=acting(deputy, "x-planops-on-behalf-of", "people/ann"),
    )
    importer = await service_key(
        admin, "services/importer", api_key_pb2.SERVICE_SCOPE_CREATE_PROJECTS
    )
    await importer.create_project("imported")

    # Deleted and created again, she starts without it.
    await admin.projects.DeleteProject(
        project_service_pb2.DeleteProjectRequest(name="projects/anns", force=True),
        metadata=admin.md,
    )
    await admin.projects.DeleteProject(
        project_service_pb2.DeleteProjectRequest(name="projects/for-ann", force=True),
        metadata=admin.md,
    )
    await admin.people.DeletePerson(
        person_service_pb2.DeletePersonRequest(name="people/ann"), metadata=admin.md
    )
    namesake = Client(core, await admin.add_person("ann"))
    await refused(namesake.create_project("anns-3"), Code.PERMISSION_DENIED)


async def test_an_installation_may_let_every_key_create_projects(
    database_url: str, nats_url: str, tmp_path: Path
) -> None:
    from services.core.config import Config

    with pytest.raises(ConfigError, match="PLANOPS_PROJECT_CREATORS"):
        Config.from_env(
            {"DATABASE_URL": "x", "NATS_URL": "x", "PLANOPS_PROJECT_CREATORS": "anyone"}
        )
    async for core in start_core(
        database_url=database_url, nats_url=nats_url, home=tmp_path, project_creators="everyone"
    ):
        admin = Client(core)
        ann = Client(core, await admin.add_person("ann"))
        made = await ann.create_project("anns")
        assert made.name == "projects/anns"
