"""`python -m services.risk`: the risk service alone, configured by the environment."""

import sys

from services.common.entry import serve
from services.risk.app import running_risk
from services.risk.config import Config

if __name__ == "__main__":
    sys.exit(serve("risk", load=Config.from_env, running=running_risk))
