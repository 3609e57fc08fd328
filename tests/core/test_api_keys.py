from __future__ import annotations

from pathlib import Path

import grpc
from planops.core.v1 import (
    api_key_pb2,
    api_key_service_pb2,
    project_pb2,
    project_service_pb2,
    task_pb2,
    task_service_pb2,
)

from services.common.db import pool_for
from services.common.errors import reason_of
from services.core import keys
from tests.conftest import CoreUnderTest
from tests.core.helpers import EXECUTOR, MANAGER, VIEWER, Client, count, invalid_fields, refused

Code = grpc.StatusCode


async def test_keys_authenticate_until_revoked(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    key = await admin.add_person("ann", project="promo", roles=[VIEWER])
    spare = await admin.new_key("people/ann")
    ann = Client(core, key)
    caller = await ann.keys.GetCaller(api_key_service_pb2.GetCallerRequest(), metadata=ann.md)
    assert caller.api_key.principal == "people/ann"
    assert not caller.api_key.admin
    assert key not in str(caller), "the secret is never shown again"

    get = project_service_pb2.GetProjectRequest(name="projects/promo")
    await ann.projects.GetProject(get, metadata=ann.md)

    missing = await refused(admin.projects.GetProject(get), Code.UNAUTHENTICATED)
    assert reason_of(missing) == "API_KEY_MISSING"
    for bad in ("nonsense", "planops_short_x", key[:-4] + "AAAA", "Basic " + key):
        error = await refused(
            admin.projects.GetProject(get, metadata=(("authorization", f"Bearer {bad}"),)),
            Code.UNAUTHENTICATED,
        )
        assert reason_of(error) == "API_KEY_INVALID"
    await refused(
        admin.projects.GetProject(get, metadata=(("authorization", key),)), Code.UNAUTHENTICATED
    )

    revoked = await admin.keys.RevokeApiKey(
        api_key_service_pb2.RevokeApiKeyRequest(name=caller.api_key.name), metadata=admin.md
    )
    assert revoked.api_key.HasField("revoke_time")
    error = await refused(ann.projects.GetProject(get, metadata=ann.md), Code.UNAUTHENTICATED)
    assert reason_of(error) == "API_KEY_REVOKED"
    await refused(
        ann.keys.GetCaller(api_key_service_pb2.GetCallerRequest(), metadata=ann.md),
        Code.UNAUTHENTICATED,
    )
    await Client(core, spare).projects.GetProject(get, metadata=core.auth(spare))

    await refused(
        admin.keys.RevokeApiKey(
            api_key_service_pb2.RevokeApiKeyRequest(name="apiKeys/000000000000"), metadata=admin.md
        ),
        Code.NOT_FOUND,
    )
    assert await invalid_fields(
        admin.keys.RevokeApiKey(
            api_key_service_pb2.RevokeApiKeyRequest(name="x"), metadata=admin.md
        )
    ) == {"name"}
    # The audit log names the action "revoke" (audit.proto); checked last so the rest runs.
    [entry] = await admin.audit_entries(resource=caller.api_key.name, action="revoke")
    assert "revoke_time" in entry.after and "revoke_time" not in entry.before


async def test_key_administration(core: CoreUnderTest) -> None:
    admin = Client(core)
    ann_key = await admin.add_person("ann")
    second = await admin.keys.CreateApiKey(
        api_key_service_pb2.CreateApiKeyRequest(
            api_key=api_key_pb2.ApiKey(principal="people/ann", display_name="laptop", admin=True)
        ),
        metadata=admin.md,
    )
    assert second.secret.startswith("planops_")
    assert second.api_key.display_name == "laptop"
    assert second.api_key.principal == "people/ann"
    service = await admin.new_key("services/planner")

    listed = await admin.keys.ListApiKeys(
        api_key_service_pb2.ListApiKeysRequest(principal="people/ann"), metadata=admin.md
    )
    assert listed.api_keys[0].name == second.api_key.name, "newest first"
    assert len(listed.api_keys) == 2
    everyone = await admin.keys.ListApiKeys(
        api_key_service_pb2.ListApiKeysRequest(page_size=1), metadata=admin.md
    )
    assert len(everyone.api_keys) == 1 and everyone.next_page_token

    assert await invalid_fields(
        admin.keys.CreateApiKey(
            api_key_service_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(principal="people/ghost")
            ),
            metadata=admin.md,
        )
    ) == {"api_key.principal"}
    assert await invalid_fields(
        admin.keys.CreateApiKey(
            api_key_service_pb2.CreateApiKeyRequest(api_key=api_key_pb2.ApiKey(principal="ann")),
            metadata=admin.md,
        )
    ) == {"api_key.principal"}

    ann = Client(core, ann_key)
    keys_before = await count(core, "SELECT count(*) FROM core.api_keys")
    for call in (
        ann.keys.CreateApiKey(
            api_key_service_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(principal="people/ann", admin=True)
            ),
            metadata=ann.md,
        ),
        ann.keys.ListApiKeys(api_key_service_pb2.ListApiKeysRequest(), metadata=ann.md),
        ann.keys.RevokeApiKey(
            api_key_service_pb2.RevokeApiKeyRequest(name=second.api_key.name), metadata=ann.md
        ),
    ):
        error = await refused(call, Code.PERMISSION_DENIED)
        assert reason_of(error) == "ADMIN_REQUIRED"
    assert await count(core, "SELECT count(*) FROM core.api_keys") == keys_before

    # An admin key of a person may administer; a service key acts as the service.
    ann_admin = Client(core, second.secret)
    await ann_admin.new_key("people/ann")
    planner = Client(core, service)
    caller = await planner.keys.GetCaller(
        api_key_service_pb2.GetCallerRequest(), metadata=planner.md
    )
    assert caller.api_key.principal == "services/planner"


async def test_project_access_follows_membership_and_role(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    await admin.create_project("other")
    task = await admin.create_task("promo", "Copy")
    stranger = Client(core, await admin.add_person("sam"))
    viewer = Client(core, await admin.add_person("vic", project="promo", roles=[VIEWER]))
    ann = Client(core, await admin.add_person("ann", project="promo", roles=[EXECUTOR]))
    await admin.add_person("bob", project="promo", roles=[EXECUTOR])

    async def denied(call: object) -> None:
        error = await refused(call, Code.PERMISSION_DENIED)  # type: ignore[arg-type]
        assert reason_of(error) in {"ROLE_REQUIRED", "NOT_ASSIGNEE"}

    get = project_service_pb2.GetProjectRequest(name="projects/promo")
    await denied(stranger.projects.GetProject(get, metadata=stranger.md))
    await denied(stranger.get_task(task.name))
    await denied(stranger.list_tasks("promo"))
    await denied(stranger.create_task("promo", "Sneaky"))
    await denied(stranger.update_task(task_pb2.Task(name=task.name, title="x"), "title"))
    await denied(stranger.move(task.name, "submitted"))
    await denied(stranger.audit_entries(project="projects/promo"))
    listed = await stranger.projects.ListProjects(
        project_service_pb2.ListProjectsRequest(), metadata=stranger.md
    )
    assert list(listed.projects) == []

    await viewer.projects.GetProject(get, metadata=viewer.md)
    assert [t.name for t in await viewer.list_tasks("promo")] == [task.name]
    assert await viewer.get_task(task.name) == task
    await denied(viewer.create_task("promo", "Nope"))
    await denied(viewer.update_task(task_pb2.Task(name=task.name, title="x"), "title"))
    await denied(viewer.move(task.name, "submitted"))
    await denied(
        viewer.tasks.CreateComment(
            task_service_pb2.CreateCommentRequest(
                parent=task.name, comment=task_pb2.Comment(body="hi")
            ),
            metadata=viewer.md,
        )
    )
    listed = await viewer.projects.ListProjects(
        project_service_pb2.ListProjectsRequest(), metadata=viewer.md
    )
    assert [p.name for p in listed.projects] == ["projects/promo"]

    mine = await ann.create_task("promo", "Mine", assignee="people/ann")
    changed = await ann.update_task(
        task_pb2.Task(name=mine.name, title="Mine, renamed", estimate_hours=3),
        "title",
        "estimate_hours",
    )
    assert (changed.title, changed.estimate_hours) == ("Mine, renamed", 3)
    bobs = await admin.create_task("promo", "Bob's", assignee="people/bob")
    error = await refused(
        ann.update_task(task_pb2.Task(name=bobs.name, title="taken"), "title"),
        Code.PERMISSION_DENIED,
    )
    assert reason_of(error) == "NOT_ASSIGNEE"
    assert (await admin.get_task(bobs.name)).title == "Bob's"
    await denied(
        ann.tasks.DeleteTask(task_service_pb2.DeleteTaskRequest(name=mine.name), metadata=ann.md)
    )
    await denied(
        ann.projects.UpdateProject(
            project_service_pb2.UpdateProjectRequest(
                project={"name": "projects/promo", "display_name": "Mine"},
                update_mask={"paths": ["display_name"]},
            ),
            metadata=ann.md,
        )
    )
    await denied(ann.create_task("other", "Wrong project"))
    assert await count(core, "SELECT count(*) FROM core.tasks WHERE project_id = 'other'") == 0
    assert await count(core, "SELECT count(*) FROM core.tasks WHERE project_id = 'promo'") == 3


async def service_key(admin: Client, principal: str, *scopes: int) -> Client:
    reply = await admin.keys.CreateApiKey(
        api_key_service_pb2.CreateApiKeyRequest(
            api_key=api_key_pb2.ApiKey(principal=principal, scopes=list(scopes))  # type: ignore[arg-type]
        ),
        metadata=admin.md,
    )
    assert list(reply.api_key.scopes) == sorted(scopes)
    return Client(admin.core, reply.secret)


def acting(client: Client, header: str, value: str) -> tuple[tuple[str, str], ...]:
    return (*client.md, (header, value))


async def test_a_service_key_is_no_admin_and_acts_with_exactly_the_persons_rights(
    core: CoreUnderTest,
) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    await admin.create_project("plant")
    await admin.add_person("ann", project="promo", roles=[EXECUTOR])
    await admin.add_person("vic", project="promo", roles=[VIEWER])
    planner = await service_key(
        admin,
        "services/planner",
        api_key_pb2.SERVICE_SCOPE_READ_PROJECTS,
        api_key_pb2.SERVICE_SCOPE_ACT_FOR_PEOPLE,
    )
    promo = project_service_pb2.GetProjectRequest(name="projects/promo")
    task = task_pb2.Task(title="Write copy")

    # On its own it reads every project and changes nothing an admin or a manager may.
    await planner.projects.GetProject(promo, metadata=planner.md)
    listed = await planner.projects.ListProjects(
        project_service_pb2.ListProjectsRequest(), metadata=planner.md
    )
    assert [p.name for p in listed.projects] == ["projects/plant", "projects/promo"]
    for call in (
        planner.projects.DeleteProject(
            project_service_pb2.DeleteProjectRequest(name="projects/plant"), metadata=planner.md
        ),
        planner.create_task("promo", "Sneaky"),
        planner.add_member("promo", "services/planner", MANAGER),
        planner.keys.CreateApiKey(
            api_key_service_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(principal="services/planner", admin=True)
            ),
            metadata=planner.md,
        ),
    ):
        await refused(call, Code.PERMISSION_DENIED)
    assert await count(core, "SELECT count(*) FROM core.projects") == 2

    # For Ann (an executor of promo only): her rights, not the service's.
    for_ann = acting(planner, "x-planops-on-behalf-of", "people/ann")
    caller = await planner.keys.GetCaller(api_key_service_pb2.GetCallerRequest(), metadata=for_ann)
    assert caller.acting_for == "people/ann"
    await refused(
        planner.projects.GetProject(
            project_service_pb2.GetProjectRequest(name="projects/plant"), metadata=for_ann
        ),
        Code.PERMISSION_DENIED,
    )
    await refused(
        planner.projects.DeleteProject(
            project_service_pb2.DeleteProjectRequest(name="projects/promo"), metadata=for_ann
        ),
        Code.PERMISSION_DENIED,
    )
    made = await planner.tasks.CreateTask(
        task_service_pb2.CreateTaskRequest(parent="projects/promo", task=task), metadata=for_ann
    )
    for_vic = acting(planner, "x-planops-on-behalf-of", "people/vic")
    await refused(
        planner.tasks.CreateTask(
            task_service_pb2.CreateTaskRequest(parent="projects/promo", task=task),
            metadata=for_vic,
        ),
        Code.PERMISSION_DENIED,
    )
    entries = await admin.audit_entries(resource=made.task.name, action="create")
    assert [(e.actor.id, e.actor.on_behalf_of) for e in entries] == [
        ("services/planner", "people/ann")
    ]

    # A key without the scope gains nothing by naming someone.
    plain = await service_key(admin, "services/reports")
    await refused(
        plain.projects.GetProject(
            promo, metadata=acting(plain, "x-planops-on-behalf-of", "people/ann")
        ),
        Code.PERMISSION_DENIED,
    )
    bad = await refused(
        planner.projects.GetProject(
            promo, metadata=acting(planner, "x-planops-on-behalf-of", "ann")
        ),
        Code.INVALID_ARGUMENT,
    )
    assert "x-planops-on-behalf-of" in str(bad.details())


async def test_a_rule_acts_in_its_own_project_only(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    await admin.create_project("plant")
    automation = await service_key(
        admin,
        "services/automation",
        api_key_pb2.SERVICE_SCOPE_READ_PROJECTS,
        api_key_pb2.SERVICE_SCOPE_ACT_FOR_RULES,
    )
    rule = acting(automation, "x-planops-rule", "projects/promo/rules/7")
    task = task_pb2.Task(title="Chase supplier")
    await automation.tasks.CreateTask(
        task_service_pb2.CreateTaskRequest(parent="projects/promo", task=task), metadata=rule
    )
    for call in (
        automation.tasks.CreateTask(
            task_service_pb2.CreateTaskRequest(parent="projects/plant", task=task), metadata=rule
        ),
        automation.projects.GetProject(
            project_service_pb2.GetProjectRequest(name="projects/plant"), metadata=rule
        ),
    ):
        await refused(call, Code.PERMISSION_DENIED)
    listed = await automation.projects.ListProjects(
        project_service_pb2.ListProjectsRequest(), metadata=rule
    )
    assert [p.name for p in listed.projects] == ["projects/promo"]
    await refused(
        automation.projects.GetProject(
            project_service_pb2.GetProjectRequest(name="projects/promo"),
            metadata=acting(automation, "x-planops-rule", "projects/promo"),
        ),
        Code.INVALID_ARGUMENT,
    )


async def test_only_a_services_plain_key_takes_scopes(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.add_person("ann")
    read = api_key_pb2.SERVICE_SCOPE_READ_PROJECTS
    for key in (
        api_key_pb2.ApiKey(principal="people/ann", scopes=[read]),
        api_key_pb2.ApiKey(principal="services/planner", admin=True, scopes=[read]),
        api_key_pb2.ApiKey(principal="services/planner", scopes=[read, 99]),  # type: ignore[list-item]
    ):
        assert await invalid_fields(
            admin.keys.CreateApiKey(
                api_key_service_pb2.CreateApiKeyRequest(api_key=key), metadata=admin.md
            )
        ) == {"api_key.scopes"}


async def test_a_project_made_for_a_person_is_theirs_not_the_services(core: CoreUnderTest) -> None:
    admin = Client(core)
    await admin.add_person("ann", project_creator=True)
    nlp = await service_key(
        admin,
        "services/nlp",
        api_key_pb2.SERVICE_SCOPE_READ_PROJECTS,
        api_key_pb2.SERVICE_SCOPE_ACT_FOR_PEOPLE,
    )
    await nlp.projects.CreateProject(
        project_service_pb2.CreateProjectRequest(
            project_id="anns", project=project_pb2.Project(display_name="Ann's")
        ),
        metadata=acting(nlp, "x-planops-on-behalf-of", "people/ann"),
    )
    listed = await admin.projects.ListMemberships(
        project_service_pb2.ListMembershipsRequest(parent="projects/anns"), metadata=admin.md
    )
    assert [m.member for m in listed.memberships] == ["people/ann"]
    await refused(
        nlp.projects.DeleteProject(
            project_service_pb2.DeleteProjectRequest(name="projects/anns"), metadata=nlp.md
        ),
        Code.PERMISSION_DENIED,
    )

    automation = await service_key(
        admin, "services/automation", api_key_pb2.SERVICE_SCOPE_ACT_FOR_RULES
    )
    await refused(
        automation.projects.CreateProject(
            project_service_pb2.CreateProjectRequest(
                project_id="rules", project=project_pb2.Project(display_name="Rules")
            ),
            metadata=acting(automation, "x-planops-rule", "projects/anns/rules/1"),
        ),
        Code.PERMISSION_DENIED,
    )


async def test_only_a_first_or_forced_start_writes_an_admin_key(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "home" / "admin.key"
    async with pool_for(database_url, schema="core") as pool:
        authenticate = keys.KeyAuthenticator(pool)
        assert await keys.ensure_admin_key(pool, path) == str(path)
        first = path.read_text().strip()
        assert (await authenticate(first)).admin
        assert path.stat().st_mode & 0o777 == 0o600
        # A replica with a fresh home folder mints no second live admin key.
        path.unlink()
        assert await keys.ensure_admin_key(pool, path) is None
        assert not path.exists()
        assert await keys.ensure_admin_key(pool, path, force=True) == str(path)
        second = path.read_text().strip()
        assert second != first
        assert (await authenticate(second)).admin
        assert (await authenticate(first)).admin
