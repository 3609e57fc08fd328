"""`python -m services.gateway`: the HTTP/JSON gateway alone, configured by the environment."""

import sys

from services.common.entry import serve
from services.gateway.app import running_gateway
from services.gateway.config import Config

if __name__ == "__main__":
    sys.exit(serve("gateway", load=Config.from_env, running=running_gateway))
