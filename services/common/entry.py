"""`python -m services.<name>`: read the configuration once, log, serve until a signal."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol, TypeVar

from services.common.config import ConfigError
from services.common.logs import configure_logging
from services.common.server import wait_for_signal


class _Config(Protocol):
    @property
    def log_level(self) -> str: ...


C = TypeVar("C", bound=_Config)


def serve(
    name: str, *, load: Callable[[], C], running: Callable[[C], AbstractAsyncContextManager[object]]
) -> int:
    """The process's exit status: 2, with one line naming the variable, on a bad setting."""
    try:
        config = load()
    except ConfigError as error:
        print(f"planops {name}: {error}", file=sys.stderr)
        return 2
    configure_logging(level=config.log_level)
    asyncio.run(_until_signal(running(config)))
    return 0


async def _until_signal(service: AbstractAsyncContextManager[object]) -> None:
    async with service:
        await wait_for_signal()
