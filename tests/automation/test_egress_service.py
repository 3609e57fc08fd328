"""The egress policy through the real service: real core, PostgreSQL, NATS and receiver."""

from __future__ import annotations

import functools
import socket
from pathlib import Path

import grpc
import prometheus_client
from aiohttp.abc import AbstractResolver, ResolveResult
from planops.automation.v1 import (
    automation_service_pb2,
    automation_service_pb2_grpc,
    webhook_pb2,
)

from services.common.embedded import EmbeddedNats
from services.common.errors import violations_of
from tests.automation.conftest import (
    PROJECT,
    Receiver,
    automation_for,
    eventually,
    service_key,
)
from tests.conftest import start_core
from tests.core.helpers import Client, refused

# A name the test's DNS answers with the receiver's loopback address.
NAME = "receiver.test"


class Dns(AbstractResolver):
    """What a DNS server pointed at this host would answer, name by name."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in self.names:
            raise OSError(f"{host} not known")
        return [
            ResolveResult(
                hostname=host,
                host=self.names[host],
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=0,
            )
        ]

    async def close(self) -> None:
        return None


def refused_attempts() -> float:
    value = prometheus_client.REGISTRY.get_sample_value(
        "planops_automation_webhook_attempts_total", {"outcome": "refused"}
    )
    return value or 0.0


async def test_webhooks_to_this_host_are_refused_when_subscribed_and_when_delivered(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path, receiver: Receiver
) -> None:
    await receiver.start()
    dns = Dns({NAME: "127.0.0.1"})
    named_url = f"http://{NAME}:{receiver.port}/hook"
    async for core in start_core(
        database_url=database_url, nats_url=own_nats.url, home=tmp_path / "home"
    ):
        client = Client(core)
        await client.create_project(PROJECT, time_zone="UTC")
        key = await service_key(client)
        # Subscribed while loopback was allowed (or before the policy existed): a literal
        # address, and a name that resolves to it.
        async with automation_for(core, key, resolver=dns) as (_, stub):
            hooks = {}
            for url in (receiver.url, named_url):
                created = await stub.CreateWebhook(
                    automation_service_pb2.CreateWebhookRequest(
                        parent=f"projects/{PROJECT}",
                        webhook=webhook_pb2.Webhook(url=url, event_types=["core.task.created"]),
                    ),
                    metadata=core.auth(),
                )
                hooks[url] = created.webhook.name

        # The production default: loopback and the metadata endpoint are refused.
        async with automation_for(core, key, resolver=dns, webhook_allow_networks=()) as (
            automation,
            stub,
        ):
            for url, why in (
                ("http://127.0.0.1:1/x", "127.0.0.1 is in 127.0.0.0/8"),
                ("http://169.254.169.254/latest/meta-data", "is in 169.254.0.0/16"),
                ("http://[::ffff:127.0.0.1]/", "(127.0.0.1) is in 127.0.0.0/8"),
                (f"http://localhost:{receiver.port}/hook", "localhost is this host"),
            ):
                error = await refused(
                    stub.CreateWebhook(
                        automation_service_pb2.CreateWebhookRequest(
                            parent=f"projects/{PROJECT}",
                            webhook=webhook_pb2.Webhook(url=url, event_types=["*"]),
                        ),
                        metadata=core.auth(),
                    ),
                    grpc.StatusCode.INVALID_ARGUMENT,
                )
                [violation] = violations_of(error)
                assert violation.field == "webhook.url", url
                assert "refused by the egress policy" in violation.description, url
                assert why in violation.description, (url, violation.description)
            listed = await stub.ListWebhooks(
                automation_service_pb2.ListWebhooksRequest(parent=f"projects/{PROJECT}"),
                metadata=core.auth(),
            )
            assert sorted(w.name for w in listed.webhooks) == sorted(hooks.values())

            # Names are not resolved when subscribing: this one is accepted, then refused.
            refused_before = refused_attempts()
            accepted = await stub.CreateWebhook(
                automation_service_pb2.CreateWebhookRequest(
                    parent=f"projects/{PROJECT}",
                    webhook=webhook_pb2.Webhook(url=named_url, event_types=["core.task.created"]),
                ),
                metadata=core.auth(),
            )
            hooks["named again"] = accepted.webhook.name
            await client.create_task(PROJECT, "Banner copy")

            await eventually(functools.partial(all_ended, stub, core.auth(), list(hooks.values())))
            for url, hook in hooks.items():
                delivery = await only_delivery(stub, core.auth(), hook)
                assert delivery is not None
                # Failed at the first attempt, though 30 are allowed: it would never pass.
                assert delivery.state == webhook_pb2.DELIVERY_STATE_FAILED, url
                [attempt] = delivery.attempts
                assert attempt.http_status == 0
                # The class only: which address a name resolves to is not the caller's to learn.
                assert attempt.error == "ADDRESS_DENIED", url
            assert receiver.received == []
            assert NAME in dns.asked
            assert automation.worker.attempts == 3
            # Told apart from a receiver that is down in the metrics, too.
            assert refused_attempts() - refused_before == 3

        # With 127.0.0.1/32 allowed (as for a receiver in development) they go through.
        async with automation_for(core, key, resolver=dns) as (_, stub):
            for hook in hooks.values():
                delivery = await only_delivery(stub, core.auth(), hook)
                assert delivery is not None
                await stub.Redeliver(
                    automation_service_pb2.RedeliverRequest(name=delivery.name),
                    metadata=core.auth(),
                )

            async def arrived() -> bool:
                return len(receiver.received) == 3

            await eventually(arrived)


async def all_ended(
    stub: automation_service_pb2_grpc.AutomationServiceStub,
    md: tuple[tuple[str, str], ...],
    webhooks: list[str],
) -> bool:
    found = [await only_delivery(stub, md, w) for w in webhooks]
    return all(d is not None and d.state != webhook_pb2.DELIVERY_STATE_PENDING for d in found)


async def only_delivery(
    stub: automation_service_pb2_grpc.AutomationServiceStub,
    md: tuple[tuple[str, str], ...],
    webhook: str,
) -> webhook_pb2.Delivery | None:
    reply = await stub.ListDeliveries(
        automation_service_pb2.ListDeliveriesRequest(parent=webhook, page_size=10), metadata=md
    )
    found = list(reply.deliveries)
    assert len(found) <= 1
    return found[0] if found else None


async def test_a_delivery_into_the_deployments_own_network_is_refused_with_its_class_only(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path
) -> None:
    """What compose and Kubernetes set (#13 finding 3): a name that resolves into the
    deployment's networks (a Service's address here) is refused before any connection, and
    the delivery says only ADDRESS_DENIED, not which address or what answers there."""
    service_ip = "10.96.0.10"
    dns = Dns({"metrics.internal.test": service_ip})
    async for core in start_core(
        database_url=database_url, nats_url=own_nats.url, home=tmp_path / "home"
    ):
        client = Client(core)
        await client.create_project(PROJECT, time_zone="UTC")
        key = await service_key(client)
        async with automation_for(
            core,
            key,
            resolver=dns,
            webhook_allow_networks=(),
            webhook_deployment_networks=("10.244.0.0/16", "10.96.0.0/12"),
        ) as (automation, stub):
            created = await stub.CreateWebhook(
                automation_service_pb2.CreateWebhookRequest(
                    parent=f"projects/{PROJECT}",
                    webhook=webhook_pb2.Webhook(
                        url="http://metrics.internal.test:9464/metrics",
                        event_types=["core.task.created"],
                    ),
                ),
                metadata=core.auth(),
            )
            await client.create_task(PROJECT, "Banner copy")
            hook = created.webhook.name
            await eventually(functools.partial(all_ended, stub, core.auth(), [hook]))
            delivery = await only_delivery(stub, core.auth(), hook)
            assert delivery is not None
            assert delivery.state == webhook_pb2.DELIVERY_STATE_FAILED
            [attempt] = delivery.attempts
            assert (attempt.http_status, attempt.error) == (0, "ADDRESS_DENIED")
            assert service_ip not in str(delivery)
            assert dns.asked == ["metrics.internal.test"]
            assert automation.worker.attempts == 1
