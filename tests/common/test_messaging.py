"""NATS_URL with several servers, and a connection that moves to another one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from nats.js import JetStreamContext
from nats.js.api import StreamConfig

from services.common.embedded import NatsCluster, free_port
from services.common.messaging import connect, nats_servers


def test_one_server_or_a_comma_separated_list() -> None:
    assert nats_servers("nats://a:4222") == ["nats://a:4222"]
    assert nats_servers(" nats://a:4222 , nats://b:4222,,tls://c:4222 ") == [
        "nats://a:4222",
        "nats://b:4222",
        "tls://c:4222",
    ]
    assert nats_servers("a:4222,b:4222") == ["nats://a:4222", "nats://b:4222"]


@pytest.mark.parametrize("url", ["", " , ", ","])
def test_no_server_is_an_error(url: str) -> None:
    with pytest.raises(ValueError, match="no NATS server"):
        nats_servers(url)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    nodes = NatsCluster(tmp_path / "nats")
    nodes.start()
    yield nodes
    nodes.stop()


async def test_a_dead_server_in_the_list_is_skipped(cluster: NatsCluster) -> None:
    nobody = f"nats://127.0.0.1:{free_port()}"
    for _ in range(3):  # the order is shuffled: the dead one comes first some of the time
        nc = await connect(f"{nobody},{cluster.nodes[0].url}", name="test")
        assert nc.is_connected
        await nc.close()


async def _publish_eventually(js: JetStreamContext, subject: str, data: bytes, msg_id: str) -> bool:
    """Publish until it is stored (at most about 20 s), as a producer that must not lose it."""
    for _ in range(100):
        try:
            await js.publish(subject, data, headers={"Nats-Msg-Id": msg_id}, timeout=1)
            return True
        except nats.errors.Error:
            await asyncio.sleep(0.2)
    return False


async def test_the_connection_moves_when_its_server_is_killed(cluster: NatsCluster) -> None:
    nc = await connect(cluster.url, name="test")
    try:
        js = nc.jetstream(timeout=5)
        await js.add_stream(StreamConfig(name="MOVES", subjects=["moves.>"], num_replicas=3))
        # A new three-replica stream may not have its leader yet: the first publish is retried
        # as the one after the kill is (its id keeps it stored once).
        assert await _publish_eventually(js, "moves.one", b"1", "1")
        assert nc.connected_url is not None
        [server] = [n for n in cluster.nodes if n.port == nc.connected_url.port]
        server.stop(kill=True)

        # Publishes fail while the client reconnects and the stream elects a leader, then
        # succeed against the two servers left; an attempt that timed out but was stored
        # anyway is not stored twice, thanks to its id.
        assert await _publish_eventually(js, "moves.two", b"2", "2")
        assert nc.connected_url is not None and nc.connected_url.port != server.port
        # The stream's state is read from its leader, which may still be moving.
        for _ in range(50):
            try:
                info = await js.stream_info("MOVES")
                break
            except nats.errors.Error:
                await asyncio.sleep(0.2)
        else:
            pytest.fail("the stream never answered after the kill")
        assert info.state.messages == 2
    finally:
        await nc.close()
