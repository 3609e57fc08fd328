"""Settings of the gateway, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.common.config import ConfigError, Env
from services.gateway.backends import BACKENDS, Backend, addresses_from_env

STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Config:
    address: str
    addresses: dict[str, str]
    log_level: str
    timeout_seconds: float = 120.0
    static_dir: Path = STATIC
    backends: tuple[Backend, ...] = field(default=BACKENDS)

    @property
    def host(self) -> str:
        return self.address.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.address.rsplit(":", 1)[1])

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        e = Env(env)
        address = e.str("PLANOPS_GATEWAY_ADDRESS", "127.0.0.1:8080")
        host, _, port = address.rpartition(":")
        if not host or not (port.isascii() and port.isdigit()):
            raise ConfigError(f"PLANOPS_GATEWAY_ADDRESS must be host:port, not {address!r}")
        timeout = e.float("PLANOPS_GATEWAY_TIMEOUT_SECONDS", 120.0)
        if timeout <= 0:
            raise ConfigError("PLANOPS_GATEWAY_TIMEOUT_SECONDS must be positive")
        return cls(
            address=address,
            addresses=addresses_from_env(BACKENDS, e),
            log_level=e.str("PLANOPS_LOG_LEVEL", "INFO"),
            timeout_seconds=timeout,
        )
