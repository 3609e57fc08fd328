"""Starting services as real processes for the benchmarks, and waiting until they serve,
with `planops up`'s own readiness checks (`services/cli/stack.py`)."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from services.cli import stack


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
