"""What grpcurl and Kubernetes probes see: reflection lists the services, health answers."""

from __future__ import annotations

import asyncio

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

from services.core.app import SERVICE_NAMES
from tests.conftest import CoreUnderTest


def listed_services(port: int) -> list[str]:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        return list(ProtoReflectionDescriptorDatabase(channel).get_services())


async def test_reflection_lists_every_core_service(core: CoreUnderTest) -> None:
    services = await asyncio.to_thread(listed_services, core.port)
    assert set(SERVICE_NAMES) <= set(services)
    assert "grpc.health.v1.Health" in services


async def test_health_needs_no_key_and_reports_each_service(core: CoreUnderTest) -> None:
    health = health_pb2_grpc.HealthStub(core.channel)
    for name in ["", *SERVICE_NAMES]:
        reply = await health.Check(health_pb2.HealthCheckRequest(service=name))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
