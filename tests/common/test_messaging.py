"""NATS_URL with several servers, and a connection that moves to another one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
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


async def test_the_connection_moves_when_its_server_is_killed(cluster: NatsCluster) -> None:
    nc = await connect(cluster.url, name="test")
    try:
        js = nc.jetstream(timeout=5)
        await js.add_stream(StreamConfig(name="MOVES", subjects=["moves.>"], num_replicas=3))
        await js.publish("moves.one", b"1", headers={"Nats-Msg-Id": "1"})
        assert nc.connected_url is not None
        [server] = [n for n in cluster.nodes if n.port == nc.connected_url.port]
        server.stop(kill=True)

        # Publishes fail while the client reconnects and the stream elects a leader, then
        # succeed against the two servers left; an attempt that timed out but was stored
        # anyway is not stored twice, thanks to its id.
        stored = False
        for _ in range(100):
            try:
                await js.publish("moves.two", b"2", headers={"Nats-Msg-Id": "2"}, timeout=1)
                stored = True
                break
            except nats.errors.Error:
                await asyncio.sleep(0.2)
        assert stored
        assert nc.connected_url is not None and nc.connected_url.port != server.port
        info = await js.stream_info("MOVES")
        assert info.state.messages == 2
    finally:
        await nc.close()
