"""How services connect to NATS: `NATS_URL` names one server or several, comma-separated
(`nats://n1:4222,nats://n2:4222,nats://n3:4222`), and a connection moves to another server
of the cluster when its own goes away."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import nats
from nats.aio.client import Client

log = logging.getLogger(__name__)

# A server that vanishes without closing the socket (a lost machine, not a killed process)
# is noticed after PING_INTERVAL x MAX_OUTSTANDING_PINGS seconds instead of nats-py's 4 minutes.
PING_INTERVAL_SECONDS = 10
MAX_OUTSTANDING_PINGS = 3


def nats_servers(url: str) -> list[str]:
    """The servers in a `NATS_URL`, in the order given; a bare `host:port` gets `nats://`."""
    servers = [part.strip() for part in url.split(",") if part.strip()]
    if not servers:
        raise ValueError(f"no NATS server in {url!r}")
    return [s if "://" in s else f"nats://{s}" for s in servers]


async def connect(
    url: str,
    *,
    name: str,
    disconnected: Callable[[], Awaitable[None]] | None = None,
    reconnected: Callable[[], Awaitable[None]] | None = None,
) -> Client:
    """A connection to any of the servers in `url` that reconnects (to any server of the
    cluster, including those the cluster announces) for as long as it is open."""
    return await nats.connect(
        servers=nats_servers(url),
        name=name,
        allow_reconnect=True,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.25,
        connect_timeout=2,
        ping_interval=PING_INTERVAL_SECONDS,
        max_outstanding_pings=MAX_OUTSTANDING_PINGS,
        error_cb=_log_error,
        disconnected_cb=disconnected,
        reconnected_cb=reconnected,
    )


async def _log_error(error: Exception) -> None:
    # nats-py logs every failed reconnect with a traceback by default; one line is enough.
    log.warning("NATS: %s", error or type(error).__name__)
