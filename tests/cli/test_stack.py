from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
from planops.core.v1 import api_key_pb2, api_key_service_pb2

from services.cli.stack import service_key
from tests.conftest import CoreUnderTest
from tests.core.helpers import Client, refused


async def test_planops_up_gives_services_scoped_keys_and_retires_admin_ones(
    core: CoreUnderTest, tmp_path: Path
) -> None:
    (tmp_path / "admin.key").write_text(core.admin_key + "\n")
    admin = Client(core)
    old = await admin.new_key("services/planner", admin=True)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "planner.key").write_text(old + "\n")
    address = f"127.0.0.1:{core.port}"

    key = await asyncio.to_thread(service_key, tmp_path, "planner", core_address=address)
    assert key != old
    planner = Client(core, key)
    caller = await planner.keys.GetCaller(
        api_key_service_pb2.GetCallerRequest(), metadata=planner.md
    )
    assert caller.api_key.principal == "services/planner"
    assert not caller.api_key.admin
    assert list(caller.api_key.scopes) == [
        api_key_pb2.SERVICE_SCOPE_READ_PROJECTS,
        api_key_pb2.SERVICE_SCOPE_ACT_FOR_PEOPLE,
    ]
    old_client = Client(core, old)
    await refused(
        old_client.keys.GetCaller(api_key_service_pb2.GetCallerRequest(), metadata=old_client.md),
        grpc.StatusCode.UNAUTHENTICATED,
    )
    again = await asyncio.to_thread(service_key, tmp_path, "planner", core_address=address)
    assert again == key
    risk = await asyncio.to_thread(service_key, tmp_path, "risk", core_address=address)
    risk_client = Client(core, risk)
    caller = await risk_client.keys.GetCaller(
        api_key_service_pb2.GetCallerRequest(), metadata=risk_client.md
    )
    assert list(caller.api_key.scopes) == [api_key_pb2.SERVICE_SCOPE_READ_PROJECTS]
