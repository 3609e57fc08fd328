from __future__ import annotations

import pytest

from services.common.config import ConfigError
from services.nlp.config import Config

ENV = {"DATABASE_URL": "postgresql:///x", "PLANOPS_CORE_KEY": "k"}


def test_workers_and_the_extraction_limit_are_read_and_checked() -> None:
    config = Config.from_env(ENV)
    assert config.extract_workers == 2 and config.extract_seconds == 60.0
    config = Config.from_env(ENV | {"PLANOPS_NLP_WORKERS": "3", "PLANOPS_NLP_EXTRACT_SECONDS": "5"})
    assert config.extract_workers == 3 and config.extract_seconds == 5.0
    with pytest.raises(ConfigError, match="PLANOPS_NLP_WORKERS"):
        Config.from_env(ENV | {"PLANOPS_NLP_WORKERS": "0"})
    with pytest.raises(ConfigError, match="PLANOPS_NLP_EXTRACT_SECONDS"):
        Config.from_env(ENV | {"PLANOPS_NLP_EXTRACT_SECONDS": "0"})
