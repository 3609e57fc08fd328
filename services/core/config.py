"""Settings of the core service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.common.config import ConfigError, Env
from services.common.server import ServerOptions

PROJECT_CREATORS = ("granted", "everyone")


@dataclass(frozen=True)
class Config:
    database_url: str
    nats_url: str
    address: str
    home: Path
    pool_max: int
    max_concurrent_rpcs: int
    log_level: str
    stream_replicas: int = 1
    new_admin_key: bool = False
    # `granted`: admins, people with the project_creator right and services with the
    # create-projects scope may create projects; `everyone`: any key.
    project_creators: str = "granted"
    server: ServerOptions = field(default_factory=ServerOptions)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        e = Env(env)
        creators = e.str("PLANOPS_PROJECT_CREATORS", "granted")
        if creators not in PROJECT_CREATORS:
            raise ConfigError(
                f"PLANOPS_PROJECT_CREATORS must be one of {', '.join(PROJECT_CREATORS)}, "
                f"not {creators!r}"
            )
        return cls(
            database_url=e.str("DATABASE_URL"),
            nats_url=e.str("NATS_URL"),
            address=e.str("PLANOPS_CORE_ADDRESS", "127.0.0.1:50051"),
            home=e.home(),
            pool_max=e.int("PLANOPS_CORE_POOL_MAX", 16),
            max_concurrent_rpcs=e.int("PLANOPS_CORE_MAX_CONCURRENT_RPCS", 256),
            log_level=e.str("PLANOPS_LOG_LEVEL", "INFO"),
            stream_replicas=e.int("PLANOPS_STREAM_REPLICAS", 1),
            new_admin_key=e.bool("PLANOPS_NEW_ADMIN_KEY", False),
            project_creators=creators,
            server=ServerOptions.from_env(e, "core"),
        )
