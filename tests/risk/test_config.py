"""risk's settings for a NATS cluster: stream replicas and the consumer's ack wait."""

from __future__ import annotations

import pytest

from services.common.config import ConfigError
from services.risk.config import Config

REQUIRED = {"DATABASE_URL": "postgresql:///x", "NATS_URL": "nats://a:4222,nats://b:4222"}


def test_defaults_suit_one_nats_server() -> None:
    config = Config.from_env({**REQUIRED, "PLANOPS_CORE_KEY": "k"})
    assert config.stream_replicas == 1
    assert config.ack_wait_seconds == 60.0


def test_a_cluster_gets_replicas_and_a_shorter_ack_wait() -> None:
    config = Config.from_env(
        {
            **REQUIRED,
            "PLANOPS_CORE_KEY": "k",
            "PLANOPS_STREAM_REPLICAS": "3",
            "PLANOPS_RISK_ACK_WAIT_SECONDS": "10",
        }
    )
    assert (config.stream_replicas, config.ack_wait_seconds) == (3, 10.0)
    assert config.nats_url == "nats://a:4222,nats://b:4222"


@pytest.mark.parametrize("seconds", ["0", "-5"])
def test_an_ack_wait_that_is_not_positive_is_refused(seconds: str) -> None:
    with pytest.raises(ConfigError, match="PLANOPS_RISK_ACK_WAIT_SECONDS"):
        Config.from_env(
            {**REQUIRED, "PLANOPS_CORE_KEY": "k", "PLANOPS_RISK_ACK_WAIT_SECONDS": seconds}
        )
