from __future__ import annotations

import pytest

from services.common.config import ConfigError, Env
from services.core.config import Config


def test_config_reads_a_mapping_and_names_a_missing_variable() -> None:
    config = Config.from_env({"DATABASE_URL": "postgresql:///x", "NATS_URL": "nats://h:4222"})
    assert config.address == "127.0.0.1:50051" and config.pool_max == 16
    with pytest.raises(ConfigError, match="NATS_URL"):
        Config.from_env({"DATABASE_URL": "postgresql:///x"})


def test_typed_values_are_checked() -> None:
    env = Env({"N": "x", "B": "maybe", "F": "1.5"})
    with pytest.raises(ConfigError, match="N must be an integer"):
        env.int("N", 1)
    with pytest.raises(ConfigError, match="B must be true or false"):
        env.bool("B", False)
    assert env.float("F", 0.0) == 1.5


def test_every_stream_owner_reads_its_replicas() -> None:
    from services.automation.config import Config as AutomationConfig
    from services.risk.config import Config as RiskConfig

    env = {
        "DATABASE_URL": "postgresql:///x",
        "NATS_URL": "nats://h:4222",
        "PLANOPS_CORE_KEY": "k",
        "PLANOPS_STREAM_REPLICAS": "3",
    }
    assert Config.from_env(env).stream_replicas == 3
    assert RiskConfig.from_env(env).stream_replicas == 3
    assert AutomationConfig.from_env(env).stream_replicas == 3
