"""`python -m services.gateway`: the HTTP/JSON gateway alone, configured by the environment."""

from __future__ import annotations

import asyncio
import sys

from services.common.config import ConfigError
from services.common.logs import configure_logging
from services.common.server import wait_for_signal
from services.gateway.app import running_gateway
from services.gateway.config import Config


async def run(config: Config) -> None:
    async with running_gateway(config):
        await wait_for_signal()


def main() -> int:
    try:
        config = Config.from_env()
    except ConfigError as error:
        print(f"planops gateway: {error}", file=sys.stderr)
        return 2
    configure_logging(level=config.log_level)
    asyncio.run(run(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
