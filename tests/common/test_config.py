from __future__ import annotations

from pathlib import Path

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


def test_a_secret_may_come_from_the_file_its_FILE_variable_names(tmp_path: Path) -> None:
    """How compose and Kubernetes hand over DATABASE_URL and NATS_URL (#13 findings 6, 10)."""
    database = tmp_path / "database_url"
    database.write_text("postgresql://planops:s3cret@postgres:5432/planops\n")
    nats = tmp_path / "nats_url"
    nats.write_text("nats://core:pw@nats:4222")
    config = Config.from_env({"DATABASE_URL_FILE": str(database), "NATS_URL_FILE": str(nats)})
    assert config.database_url == "postgresql://planops:s3cret@postgres:5432/planops"
    assert config.nats_url == "nats://core:pw@nats:4222"
    # The variable itself wins; a missing or empty file is named, its contents never are.
    assert Env({"X": "direct", "X_FILE": str(nats)}).str("X") == "direct"
    with pytest.raises(ConfigError, match=r"NATS_URL_FILE: cannot read .*absent"):
        Config.from_env(
            {"DATABASE_URL_FILE": str(database), "NATS_URL_FILE": str(tmp_path / "absent")}
        )
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(ConfigError, match=r"DATABASE_URL_FILE: .*empty"):
        Config.from_env({"DATABASE_URL_FILE": str(tmp_path / "empty"), "NATS_URL": "n"})
    assert Env({"P_FILE": str(tmp_path / "empty")}).optional("Q") is None
