"""`python -m services.automation`: the automation service alone, configured by the environment."""

from __future__ import annotations

import asyncio
import sys

from services.automation.app import running_automation
from services.automation.config import Config
from services.common.config import ConfigError
from services.common.logs import configure_logging
from services.common.server import wait_for_signal


async def run(config: Config) -> None:
    async with running_automation(config):
        await wait_for_signal()


def main() -> int:
    try:
        config = Config.from_env()
    except ConfigError as error:
        print(f"planops automation: {error}", file=sys.stderr)
        return 2
    configure_logging(level=config.log_level)
    asyncio.run(run(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
