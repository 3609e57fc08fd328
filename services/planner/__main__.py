"""`python -m services.planner`: the planner service alone, configured by the environment."""

import sys

from services.common.entry import serve
from services.planner.app import running_planner
from services.planner.config import Config

if __name__ == "__main__":
    sys.exit(serve("planner", load=Config.from_env, running=running_planner))
