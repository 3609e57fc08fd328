"""Service users on a real nats-server with the generated config (#13 finding 6)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client
from nats.errors import NoServersError

from services.common.embedded import EmbeddedNats
from services.common.nats_auth import (
    CORE_STREAM,
    RISK_STREAM,
    prepare,
    url_for,
)
from services.common.streams import ensure_stream


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[tuple[EmbeddedNats, dict[str, str]]]:
    config, passwords = prepare(tmp_path / "nats")
    server = EmbeddedNats(tmp_path / "nats", config_file=config)
    server.start()
    try:
        yield server, passwords
    finally:
        server.stop()


async def as_user(
    server: EmbeddedNats, passwords: dict[str, str], user: str, errors: list[str]
) -> Client:
    async def collect(error: Exception) -> None:
        errors.append(str(error))

    return await nats.connect(
        url_for(server.url, user=user, password=passwords[user]),
        error_cb=collect,
        allow_reconnect=False,
    )


async def test_only_each_services_own_subjects_are_open_to_it(
    secured: tuple[EmbeddedNats, dict[str, str]],
) -> None:
    server, passwords = secured
    with pytest.raises((NoServersError, nats.errors.Error, OSError)):
        await nats.connect(server.url, allow_reconnect=False, max_reconnect_attempts=0)

    core_errors: list[str] = []
    core = await as_user(server, passwords, "core", core_errors)
    js = core.jetstream()
    await ensure_stream(js, name=CORE_STREAM, subjects=("planops.core.v1.>",))
    await js.publish("planops.core.v1.task.created", b"genuine")
    assert core_errors == []

    risk_errors: list[str] = []
    risk = await as_user(server, passwords, "risk", risk_errors)
    await risk.publish("planops.core.v1.task.created", b"forged")
    await risk.subscribe("planops.automation.v1.>")
    await risk.flush()
    await asyncio.sleep(0.2)
    assert any("permissions violation for publish" in e.lower() for e in risk_errors), risk_errors
    assert any("permissions violation for subscription" in e.lower() for e in risk_errors), (
        risk_errors
    )

    await ensure_stream(risk.jetstream(), name=RISK_STREAM, subjects=("planops.risk.v1.>",))
    await risk.jetstream().publish("planops.risk.v1.task_risk.changed", b"own")
    # Its own durable consumer on core's stream works, and sees only the genuine event.
    sub = await risk.jetstream().pull_subscribe(
        "planops.core.v1.>", durable="risk", stream=CORE_STREAM
    )
    [message] = await sub.fetch(1, timeout=5)
    assert message.data == b"genuine"
    await message.ack()
    info = await js.stream_info(CORE_STREAM)
    assert info.state.messages == 1
    await risk.drain()
    await core.drain()


def test_passwords_are_generated_once_and_readable_by_the_owner_alone(tmp_path: Path) -> None:
    config, passwords = prepare(tmp_path)
    again, same = prepare(tmp_path)
    assert same == passwords and again == config
    assert len(set(passwords.values())) == len(passwords)
    assert (config.stat().st_mode & 0o777) == 0o600
    assert ((tmp_path / "users.json").stat().st_mode & 0o777) == 0o600
    assert prepare(tmp_path / "other")[1] != passwords


async def test_nlp_and_the_planner_follow_project_deletions_and_may_publish_nothing(
    secured: tuple[EmbeddedNats, dict[str, str]], database_url: str
) -> None:
    from planops.core.v1 import events_pb2, project_pb2

    from services.common.db import Connection, pool_for
    from services.common.project_deletions import SUBJECT, ProjectDeletions

    server, passwords = secured
    core = await as_user(server, passwords, "core", [])
    js = core.jetstream()
    await ensure_stream(js, name=CORE_STREAM, subjects=("planops.core.v1.>",))
    name = "projects/promo"
    deleted = events_pb2.ChangeEvent(
        id="e1",
        type="project.deleted",
        aggregate=name,
        project=name,
        project_resource=project_pb2.Project(name=name),
    )
    await js.publish("planops.core.v1.task.created", b"not for nlp")
    await js.publish(SUBJECT, deleted.SerializeToString())
    for user in ("nlp", "planner"):
        errors: list[str] = []
        client = await as_user(server, passwords, user, errors)
        await client.publish(SUBJECT, b"forged")
        await client.flush()
        await asyncio.sleep(0.2)
        assert any("permissions violation for publish" in e.lower() for e in errors), errors
        await client.drain()

        purged: list[str] = []

        async def purge(conn: Connection, project: str, purged: list[str] = purged) -> int:
            purged.append(project)
            return 0

        async with pool_for(database_url, schema="public", max_size=2) as pool:
            follower = ProjectDeletions(
                pool=pool,
                nats_url=url_for(server.url, user=user, password=passwords[user]),
                durable=user,
                purge=purge,
            )
            task = asyncio.create_task(follower.run())
            try:
                await asyncio.wait_for(follower.ready.wait(), 10)
                for _ in range(100):
                    if purged:
                        break
                    await asyncio.sleep(0.1)
            finally:
                follower.stop()
                await asyncio.wait_for(task, 10)
        assert purged == ["promo"], user
    await core.drain()
