"""Starting services as real processes for the benchmarks, and waiting until they serve,
with `planops up`'s own readiness checks (`services/cli/stack.py`)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from services.cli import stack
from services.common.embedded import free_port


def start(service: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`python -m services.<service>` with `env`."""
    return subprocess.Popen([sys.executable, "-m", f"services.{service}"], env=env)


async def wait_serving(
    address: str, process: subprocess.Popen[bytes], *, limit_s: float = 60.0
) -> None:
    """Until gRPC health at `address` says SERVING, off the event loop."""
    await asyncio.to_thread(stack.wait_serving, address, process, timeout=limit_s)


async def wait_http(url: str, process: subprocess.Popen[bytes], *, limit_s: float = 30.0) -> None:
    """Until `url` answers 200, off the event loop."""
    await asyncio.to_thread(stack.wait_http, url, process, timeout=limit_s)


def stop_all(processes: list[subprocess.Popen[bytes]], *, grace_s: float = 15.0) -> None:
    """SIGTERM every process, then SIGKILL those still running after `grace_s`."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()


def core_and_risk(
    home: Path, *, database_url: str, nats_url: str, processes: list[subprocess.Popen[bytes]]
) -> tuple[str, str]:
    """core, then risk with a service key of its own, each in its own process (appended to
    `processes`) and serving, per-key rate limits lifted; their addresses."""
    core_address = f"127.0.0.1:{free_port()}"
    risk_address = f"127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "NATS_URL": nats_url,
        "PLANOPS_HOME": str(home),
        "PLANOPS_CORE_ADDRESS": core_address,
        "PLANOPS_RISK_ADDRESS": risk_address,
        # Benchmarks measure the services, not the per-key rate limit: 0 lifts it.
        "PLANOPS_CORE_RATE_LIMIT": "0",
        "PLANOPS_RISK_RATE_LIMIT": "0",
    }
    processes.append(start("core", env))
    stack.wait_serving(core_address, processes[-1], timeout=60)
    env["PLANOPS_CORE_KEY"] = stack.service_key(home, "risk", core_address=core_address)
    processes.append(start("risk", env))
    stack.wait_serving(risk_address, processes[-1], timeout=60)
    return core_address, risk_address
