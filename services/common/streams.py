"""JetStream streams owned by a service: created on first use, then left to the operator."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError

log = logging.getLogger(__name__)


async def ensure_stream(
    js: JetStreamContext,
    *,
    name: str,
    subjects: Sequence[str],
    replicas: int = 1,
    max_age_hours: float = 168.0,
    duplicate_window_seconds: float = 600.0,
) -> None:
    """Create the stream if it is missing. An existing stream keeps its configuration, so
    what an operator changed (replicas, limits) survives restarts of the service."""
    try:
        info = await js.stream_info(name)
    except NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=name,
                subjects=list(subjects),
                num_replicas=replicas,
                max_age=max_age_hours * 3600,
                duplicate_window=duplicate_window_seconds,
            )
        )
        log.info("created stream %s (replicas %d, kept %g h)", name, replicas, max_age_hours)
        return
    if sorted(info.config.subjects or []) != sorted(subjects):
        log.warning(
            "stream %s has subjects %s, expected %s; left as it is",
            name,
            info.config.subjects,
            list(subjects),
        )
