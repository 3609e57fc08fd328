"""Settings of the automation service, read once from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from services.automation import egress
from services.common.config import ConfigError, Env
from services.common.server import ServerOptions

CONSOLE_VARIABLE = "PLANOPS_AUTOMATION_CONSOLE_URL"


@dataclass(frozen=True)
class Config:
    database_url: str
    nats_url: str
    core_address: str
    core_key: str
    address: str
    planner_address: str = ""
    pool_max: int = 8
    max_concurrent_rpcs: int = 64
    consumer_name: str = "automation"
    install_default_rules: bool = True
    due_soon_days: int = 1
    due_check_seconds: float = 60.0
    delivery_timeout_seconds: float = 10.0
    delivery_max_attempts: int = 20
    delivery_backoff_seconds: float = 2.0
    delivery_backoff_cap_seconds: float = 3600.0
    poll_seconds: float = 0.5
    stream_replicas: int = 1
    log_level: str = "INFO"
    # CIDRs webhooks may not reach, and exceptions to them (see egress.py).
    webhook_deny_networks: tuple[str, ...] = egress.DEFAULT_DENY
    webhook_allow_networks: tuple[str, ...] = ()
    # The deployment's own networks (pods, services, compose's bridge), denied on top of
    # the deny list so setting them never drops a default.
    webhook_deployment_networks: tuple[str, ...] = ()
    # Where people open the console (`https://planops.example.com`), for the links in IM
    # messages; "" leaves the links out.
    console_url: str = ""
    server: ServerOptions = field(default_factory=ServerOptions)

    def __post_init__(self) -> None:
        if self.console_url and not re.match(r"^https?://[^\s/]+(/\S*)?\Z", self.console_url):
            raise ConfigError(f"{CONSOLE_VARIABLE} must be an http:// or https:// URL")
        # A bad network fails here, naming its variable.
        egress.parse_networks(
            ",".join(self.webhook_deployment_networks), variable=egress.DEPLOYMENT_VARIABLE
        )
        self.egress_policy()

    def egress_policy(self) -> egress.EgressPolicy:
        return egress.EgressPolicy.of(
            (*self.webhook_deny_networks, *self.webhook_deployment_networks),
            self.webhook_allow_networks,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        e = Env(env)
        soon = e.int("PLANOPS_AUTOMATION_DUE_SOON_DAYS", 1)
        if not 0 <= soon <= 60:
            raise ConfigError("PLANOPS_AUTOMATION_DUE_SOON_DAYS must be between 0 and 60")
        attempts = e.int("PLANOPS_AUTOMATION_DELIVERY_MAX_ATTEMPTS", 20)
        if not 1 <= attempts <= 100:
            raise ConfigError("PLANOPS_AUTOMATION_DELIVERY_MAX_ATTEMPTS must be between 1 and 100")
        base = e.float("PLANOPS_AUTOMATION_DELIVERY_BACKOFF_SECONDS", 2.0)
        if base <= 0:
            raise ConfigError("PLANOPS_AUTOMATION_DELIVERY_BACKOFF_SECONDS must be more than 0")
        return cls(
            database_url=e.str("DATABASE_URL"),
            nats_url=e.str("NATS_URL"),
            core_address=e.str("PLANOPS_CORE_ADDRESS", "127.0.0.1:50051"),
            core_key=e.str("PLANOPS_CORE_KEY"),
            address=e.str("PLANOPS_AUTOMATION_ADDRESS", "127.0.0.1:50055"),
            planner_address=e.str("PLANOPS_PLANNER_ADDRESS", "127.0.0.1:50052"),
            pool_max=e.int("PLANOPS_AUTOMATION_POOL_MAX", 8),
            max_concurrent_rpcs=e.int("PLANOPS_AUTOMATION_MAX_CONCURRENT_RPCS", 64),
            consumer_name=e.str("PLANOPS_AUTOMATION_CONSUMER", "automation"),
            install_default_rules=e.bool("PLANOPS_AUTOMATION_DEFAULT_RULES", True),
            due_soon_days=soon,
            due_check_seconds=e.float("PLANOPS_AUTOMATION_DUE_CHECK_SECONDS", 60.0),
            delivery_timeout_seconds=e.float("PLANOPS_AUTOMATION_DELIVERY_TIMEOUT_SECONDS", 10.0),
            delivery_max_attempts=attempts,
            delivery_backoff_seconds=base,
            delivery_backoff_cap_seconds=e.float(
                "PLANOPS_AUTOMATION_DELIVERY_BACKOFF_CAP_SECONDS", 3600.0
            ),
            stream_replicas=e.int("PLANOPS_STREAM_REPLICAS", 1),
            log_level=e.str("PLANOPS_LOG_LEVEL", "INFO"),
            webhook_deny_networks=_networks(
                e.str("PLANOPS_AUTOMATION_WEBHOOK_DENY_NETWORKS", ",".join(egress.DEFAULT_DENY))
            ),
            webhook_allow_networks=_networks(
                e.str("PLANOPS_AUTOMATION_WEBHOOK_ALLOW_NETWORKS", "")
            ),
            webhook_deployment_networks=_networks(e.str(egress.DEPLOYMENT_VARIABLE, "")),
            console_url=e.str(CONSOLE_VARIABLE, ""),
            server=ServerOptions.from_env(e, "automation"),
        )


def _networks(text: str) -> tuple[str, ...]:
    return tuple(entry.strip() for entry in text.split(",") if entry.strip())
