"""The test servers' own ports: one another process took between choosing and binding."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.embedded import EmbeddedNats, NatsCluster, PortTaken, free_port


@pytest.fixture
def taken() -> Iterator[int]:
    """A port another listener holds."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_free_port_never_hands_out_a_port_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    # The kernel offering a closed port again, as it may: the second call skips it.
    offered = iter([40001, 40001, 40002])

    class Offering:
        def __enter__(self) -> Offering:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def bind(self, address: tuple[str, int]) -> None:
            self.port = next(offered)

        def getsockname(self) -> tuple[str, int]:
            return ("127.0.0.1", self.port)

    monkeypatch.setattr("services.common.embedded.socket.socket", Offering)
    monkeypatch.setattr("services.common.embedded._HANDED_OUT", set())
    assert [free_port(), free_port()] == [40001, 40002]


def test_a_server_whose_chosen_port_was_taken_starts_on_a_fresh_one(
    tmp_path: Path, taken: int
) -> None:
    server = EmbeddedNats(tmp_path / "nats")
    server.port = taken  # as if another process bound it after free_port() chose it
    server.start()
    try:
        assert server.running and server.port != taken
        with socket.create_connection(("127.0.0.1", server.port), timeout=2):
            pass
    finally:
        server.stop()


def test_a_port_the_caller_gave_is_kept_and_the_error_says_it_is_taken(
    tmp_path: Path, taken: int
) -> None:
    server = EmbeddedNats(tmp_path / "nats", port=taken)
    with pytest.raises(PortTaken, match=rf"before listening on {taken}: .*address already in use"):
        server.start()
    assert server.port == taken and not server.running


def test_a_cluster_whose_chosen_port_was_taken_starts_on_fresh_ones(
    tmp_path: Path, taken: int
) -> None:
    cluster = NatsCluster(tmp_path / "cluster")
    cluster.nodes[1].port = taken
    cluster.start()
    try:
        assert all(node.running for node in cluster.nodes)
        assert taken not in {node.port for node in cluster.nodes}
        # Restarts keep the addresses clients were given.
        node = cluster.nodes[0]
        port = node.port
        node.stop(kill=True)
        cluster.start()
        assert node.running and node.port == port
    finally:
        cluster.stop()
