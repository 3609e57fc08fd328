"""Service replicas as real processes (`python -m services.<name>`), the way `planops up`
starts them, with their logs kept for the test to read."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.cli.stack import wait_serving
from services.common.embedded import free_port


@dataclass
class Replica:
    service: str
    index: int
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def name(self) -> str:
        return f"{self.service}-{self.index + 1}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def wait_serving(self) -> None:
        wait_serving(self.address, self.process, timeout=120)

    def records(self) -> list[dict[str, Any]]:
        """The JSON log lines the replica wrote so far."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except ValueError:
                    continue
        return found

    def messages(self, prefix: str) -> list[str]:
        return [r["message"] for r in self.records() if r["message"].startswith(prefix)]

    def terminate(self) -> None:
        """SIGTERM, as an orchestrator sends it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self) -> int:
        """SIGTERM, then wait for the exit; the exit code."""
        self.terminate()
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def tail(self, lines: int = 15) -> str:
        text = self.log.read_text(errors="replace").splitlines()[-lines:]
        return f"--- {self.name} ({self.log})\n" + "\n".join(text)


def start_replica(
    service: str, index: int, *, directory: Path, env: dict[str, str], port: int | None = None
) -> Replica:
    port = port or free_port()
    home = directory / f"{service}-{index + 1}"
    home.mkdir(parents=True, exist_ok=True)
    log = home / "service.log"
    child_env = {
        **os.environ,
        **env,
        f"PLANOPS_{service.upper()}_ADDRESS": f"127.0.0.1:{port}",
        "PLANOPS_HOME": str(home),
        # libpq names every session of the replica after it (pg_stat_activity.application_name).
        "PGAPPNAME": f"{service}-{index + 1}",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", f"services.{service}"],
            env=child_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Replica(service=service, index=index, port=port, process=process, log=log)
