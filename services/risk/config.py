"""Settings of the risk service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from services.common.config import ConfigError, Env


@dataclass(frozen=True)
class Config:
    database_url: str
    nats_url: str
    core_address: str
    core_key: str
    address: str
    home: Path
    pool_max: int
    max_concurrent_rpcs: int
    score_workers: int
    consumer_name: str
    alert_threshold: float
    alert_rearm_below: float
    log_level: str
    retrain_check_seconds: float = 300.0
    deadline_alert_threshold: float = 0.5
    deadline_alert_rearm_below: float = 0.4
    ack_wait_seconds: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        e = Env(env)
        workers = e.int("PLANOPS_RISK_WORKERS", 2)
        if workers < 1:
            raise ConfigError(f"PLANOPS_RISK_WORKERS must be at least 1, not {workers}")
        threshold = e.float("PLANOPS_RISK_ALERT_THRESHOLD", 0.7)
        # The project alert's value is the probability of missing the deadline.
        deadline = e.float("PLANOPS_RISK_DEADLINE_ALERT_THRESHOLD", 0.5)
        if not 0 < deadline <= 1:
            raise ConfigError("PLANOPS_RISK_DEADLINE_ALERT_THRESHOLD must be in (0, 1]")
        rearm = e.float("PLANOPS_RISK_ALERT_REARM_BELOW", min(0.6, threshold))
        if not 0 < threshold <= 1:
            raise ConfigError("PLANOPS_RISK_ALERT_THRESHOLD must be in (0, 1]")
        if not 0 <= rearm <= threshold:
            raise ConfigError(
                "PLANOPS_RISK_ALERT_REARM_BELOW must be between 0 and the alert threshold"
            )
        return cls(
            database_url=e.str("DATABASE_URL"),
            nats_url=e.str("NATS_URL"),
            core_address=e.str("PLANOPS_CORE_ADDRESS", "127.0.0.1:50051"),
            core_key=e.str("PLANOPS_CORE_KEY"),
            address=e.str("PLANOPS_RISK_ADDRESS", "127.0.0.1:50053"),
            home=e.home(),
            pool_max=e.int("PLANOPS_RISK_POOL_MAX", 8),
            max_concurrent_rpcs=e.int("PLANOPS_RISK_MAX_CONCURRENT_RPCS", 64),
            score_workers=workers,
            consumer_name=e.str("PLANOPS_RISK_CONSUMER", "risk"),
            alert_threshold=threshold,
            alert_rearm_below=rearm,
            log_level=e.str("PLANOPS_LOG_LEVEL", "INFO"),
            retrain_check_seconds=e.float("PLANOPS_RISK_RETRAIN_CHECK_SECONDS", 300.0),
            deadline_alert_threshold=deadline,
            # How long an event delivered to a replica that died waits before redelivery.
            ack_wait_seconds=e.float("PLANOPS_RISK_ACK_WAIT_SECONDS", 60.0),
            deadline_alert_rearm_below=e.float(
                "PLANOPS_RISK_DEADLINE_ALERT_REARM_BELOW", min(0.4, deadline)
            ),
        )
