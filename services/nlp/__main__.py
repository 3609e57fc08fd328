"""`python -m services.nlp`: the nlp service alone, configured by the environment."""

import sys

from services.common.entry import serve
from services.nlp.app import running_nlp
from services.nlp.config import Config

if __name__ == "__main__":
    sys.exit(serve("nlp", load=Config.from_env, running=running_nlp))
