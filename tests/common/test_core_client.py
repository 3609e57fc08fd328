from __future__ import annotations

import pytest
from planops.core.v1 import (
    api_key_pb2,
    api_key_service_pb2,
    person_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
)

from services.common.auth import Principal
from services.common.core_client import CoreAuthenticator, CoreClient
from services.common.errors import PermissionDenied, Unauthenticated
from tests.conftest import CoreUnderTest


async def test_callers_are_authenticated_by_core_and_their_roles_read(core: CoreUnderTest) -> None:
    client = CoreClient(core.channel, core.admin_key)
    await client.people.CreatePerson(
        person_service_pb2.CreatePersonRequest(
            person_id="lin", person=person_pb2.Person(display_name="Lin")
        ),
        metadata=client.metadata(),
    )
    await client.projects.CreateProject(
        project_service_pb2.CreateProjectRequest(
            project_id="line-4", project=project_pb2.Project(display_name="Line 4")
        ),
        metadata=client.metadata(),
    )
    await client.projects.CreateMembership(
        project_service_pb2.CreateMembershipRequest(
            parent="projects/line-4",
            membership=project_pb2.Membership(
                member="people/lin", roles=[project_pb2.ROLE_EXECUTOR]
            ),
        ),
        metadata=client.metadata(),
    )
    secret = (
        await client.keys.CreateApiKey(
            api_key_service_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(principal="people/lin")
            ),
            metadata=client.metadata(),
        )
    ).secret

    authenticate = CoreAuthenticator(core.channel)
    lin = await authenticate(secret)
    assert lin == Principal(principal="people/lin", key=lin.key, admin=False)
    assert (await authenticate(core.admin_key)).admin
    with pytest.raises(Unauthenticated):
        await authenticate("planops_000000000000_nope")

    assert await client.roles(lin, "line-4") == {"executor"}
    assert await client.require_role(lin, "line-4", ["executor", "manager"]) == {"executor"}
    with pytest.raises(PermissionDenied, match="manager"):
        await client.require_role(lin, "line-4", ["manager"])
