"""Webhooks end to end: real core, PostgreSQL, NATS and a real HTTP receiver."""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path

import grpc
from planops.automation.v1 import automation_service_pb2, webhook_pb2

from services.automation.webhooks import (
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    verify,
)
from services.common.embedded import EmbeddedNats
from services.common.errors import reason_of
from tests.automation.conftest import (
    PROJECT,
    Receiver,
    Stack,
    automation_for,
    deliveries,
    eventually,
    service_key,
    subscribe,
)
from tests.conftest import start_core
from tests.core.helpers import EXECUTOR, Client, invalid_fields, refused


async def test_a_receiver_can_verify_each_delivery_and_every_attempt_is_listed(
    stack: Stack, receiver: Receiver
) -> None:
    await receiver.start()
    created = await subscribe(stack, receiver.url, "core.task.*")
    assert created.secret.startswith("whsec_")
    task = await stack.client.create_task(PROJECT, "Banner copy")
    await stack.client.create_project("elsewhere")
    await stack.client.create_task("elsewhere", "Not ours")

    async def arrived() -> bool:
        return len(receiver.received) >= 1

    await eventually(arrived)
    headers, body = receiver.received[0]
    assert verify(created.secret, header=headers[SIGNATURE_HEADER], body=body, now=time.time())
    assert not verify("whsec_wrong", header=headers[SIGNATURE_HEADER], body=body, now=time.time())
    envelope = json.loads(body)
    assert envelope["type"] == headers[EVENT_TYPE_HEADER] == "core.task.created"
    assert envelope["id"] == headers[EVENT_ID_HEADER]
    assert envelope["project"] == f"projects/{PROJECT}"
    assert envelope["data"]["task"]["name"] == task.name

    # The receiver answered; the worker records the attempt right after.
    async def recorded() -> bool:
        found = await deliveries(stack, created.webhook.name)
        return bool(found) and found[0].state == webhook_pb2.DELIVERY_STATE_SUCCEEDED

    await eventually(recorded)
    [delivery] = await deliveries(stack, created.webhook.name)
    assert [(a.number, a.http_status, a.error) for a in delivery.attempts] == [(1, 204, "")]
    # Only this project's task events reached it.
    assert len(receiver.received) == 1

    again = await stack.stub.Redeliver(
        automation_service_pb2.RedeliverRequest(name=delivery.name), metadata=stack.md
    )
    assert again.delivery.state == webhook_pb2.DELIVERY_STATE_PENDING

    async def twice() -> bool:
        return len(receiver.received) == 2

    await eventually(twice)
    assert receiver.received[1][0][EVENT_ID_HEADER] == delivery.event_id


async def test_nothing_is_lost_while_the_receiver_is_down_and_core_never_waits(
    stack: Stack, receiver: Receiver
) -> None:
    created = await subscribe(stack, receiver.url, "core.task.created")
    # The receiver is down (connection refused): core's writes go through regardless.
    names = {(await stack.client.create_task(PROJECT, f"task {i}")).name for i in range(5)}

    async def retried() -> bool:
        found = await deliveries(stack, created.webhook.name)
        return len(found) == 5 and all(d.attempt_count >= 2 for d in found)

    await eventually(retried)
    # Then it comes back refusing a few more (503) before it accepts.
    receiver.failures_left = 3
    await receiver.start()

    async def all_delivered() -> bool:
        found = await deliveries(stack, created.webhook.name)
        return all(d.state == webhook_pb2.DELIVERY_STATE_SUCCEEDED for d in found)

    await eventually(all_delivered)
    got = {json.loads(body)["data"]["task"]["name"] for _, body in receiver.received}
    assert got == names
    assert receiver.refused == 3
    for d in await deliveries(stack, created.webhook.name):
        assert d.attempts[-1].http_status == 204
        failed = d.attempts[:-1]
        # Only the class of each failure: neither the receiver's reply ("try later") nor
        # the connection error's host and port, which would map the deployment's network.
        assert failed and {(a.error, a.http_status) for a in failed} <= {
            ("CONNECTION_REFUSED", 0),
            ("HTTP_STATUS", 503),
        }
        assert "try later" not in str(d) and str(receiver.port) not in str(d.attempts)
        assert [a.number for a in d.attempts] == list(range(1, len(d.attempts) + 1))
        times = [a.time.ToDatetime() for a in d.attempts]
        assert times == sorted(times)


async def test_events_written_while_automation_is_stopped_are_delivered_after(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path, receiver: Receiver
) -> None:
    await receiver.start()
    async for core in start_core(
        database_url=database_url, nats_url=own_nats.url, home=tmp_path / "home"
    ):
        client = Client(core)
        await client.create_project(PROJECT)
        key = await service_key(client)
        async with automation_for(core, key) as (_, stub):
            created = await stub.CreateWebhook(
                automation_service_pb2.CreateWebhookRequest(
                    parent=f"projects/{PROJECT}",
                    webhook=webhook_pb2.Webhook(url=receiver.url, event_types=["core.task.*"]),
                ),
                metadata=core.auth(),
            )
        # Automation is down: core keeps working, and the events wait in JetStream.
        for i in range(3):
            await client.create_task(PROJECT, f"while down {i}")
        assert receiver.received == []
        async with automation_for(core, key):

            async def three() -> bool:
                return len(receiver.received) == 3

            await eventually(three)
        ids = {h[EVENT_ID_HEADER] for h, _ in receiver.received}
        assert len(ids) == 3 and created.webhook.name


async def test_a_hanging_receiver_delays_no_other_webhook(
    database_url: str,
    own_nats: EmbeddedNats,
    tmp_path: Path,
    receiver: Receiver,
    hanging_receiver: Receiver,
) -> None:
    await receiver.start()
    async for core in start_core(
        database_url=database_url, nats_url=own_nats.url, home=tmp_path / "home"
    ):
        client = Client(core)
        await client.create_project(PROJECT)
        key = await service_key(client)
        # POSTs to the hanging receiver wait far longer than this test may take.
        async with automation_for(core, key, delivery_timeout_seconds=300) as (_, stub):
            for url in (hanging_receiver.url, receiver.url):
                await stub.CreateWebhook(
                    automation_service_pb2.CreateWebhookRequest(
                        parent=f"projects/{PROJECT}",
                        webhook=webhook_pb2.Webhook(url=url, event_types=["core.task.created"]),
                    ),
                    metadata=core.auth(),
                )
            for i in range(8):
                await client.create_task(PROJECT, f"task {i}")
            await eventually(functools.partial(received_at_least, receiver, 8))
            assert hanging_receiver.hanging >= 1 and hanging_receiver.received == []
            hanging_receiver.released.set()


async def received_at_least(receiver: Receiver, count: int) -> bool:
    return len(receiver.received) >= count


async def test_only_managers_manage_webhooks_and_bad_input_names_the_field(stack: Stack) -> None:
    client = Client(stack.core)
    key = await client.add_person("eve", project=PROJECT, roles=[EXECUTOR])
    error = await refused(
        stack.stub.ListWebhooks(
            automation_service_pb2.ListWebhooksRequest(parent=f"projects/{PROJECT}"),
            metadata=stack.core.auth(key),
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    assert reason_of(error) == "ROLE_REQUIRED"
    bad = stack.stub.CreateWebhook(
        automation_service_pb2.CreateWebhookRequest(
            parent=f"projects/{PROJECT}",
            webhook=webhook_pb2.Webhook(url="mailto:x@example.com", event_types=["core.nope!"]),
        ),
        metadata=stack.md,
    )
    assert await invalid_fields(bad) == {"webhook.url", "webhook.event_types[0]"}
    created = await subscribe(stack, "https://example.com/h", "*")
    listed = await stack.stub.ListWebhooks(
        automation_service_pb2.ListWebhooksRequest(parent=f"projects/{PROJECT}"),
        metadata=stack.md,
    )
    assert [w.name for w in listed.webhooks] == [created.webhook.name]
    assert all(not getattr(w, "secret", "") for w in listed.webhooks)
    # `webhooks/01` named webhook 1 too: deleting it deleted webhook 1.
    padded = created.webhook.name.replace("/webhooks/", "/webhooks/0")
    delete = automation_service_pb2.DeleteWebhookRequest(name=padded)
    assert await invalid_fields(stack.stub.DeleteWebhook(delete, metadata=stack.md)) == {"name"}
    redeliver = automation_service_pb2.RedeliverRequest(
        name=created.webhook.name + "/deliveries/01"
    )
    assert await invalid_fields(stack.stub.Redeliver(redeliver, metadata=stack.md)) == {"name"}
    deliveries = automation_service_pb2.ListDeliveriesRequest(parent=created.webhook.name + "\n")
    assert await invalid_fields(stack.stub.ListDeliveries(deliveries, metadata=stack.md)) == {
        "parent"
    }
    await stack.stub.DeleteWebhook(
        automation_service_pb2.DeleteWebhookRequest(name=created.webhook.name), metadata=stack.md
    )
    await refused(
        stack.stub.DeleteWebhook(
            automation_service_pb2.DeleteWebhookRequest(name=created.webhook.name),
            metadata=stack.md,
        ),
        grpc.StatusCode.NOT_FOUND,
    )
