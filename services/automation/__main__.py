"""`python -m services.automation`: the automation service alone, configured by the environment."""

import sys

from services.automation.app import running_automation
from services.automation.config import Config
from services.common.entry import serve

if __name__ == "__main__":
    sys.exit(serve("automation", load=Config.from_env, running=running_automation))
