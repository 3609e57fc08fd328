"""`python -m services.core`: the core service alone, configured by the environment."""

import sys

from services.common.entry import serve
from services.core.app import running_core
from services.core.config import Config

if __name__ == "__main__":
    sys.exit(serve("core", load=Config.from_env, running=running_core))
