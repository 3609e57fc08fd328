"""Settings of the planner service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.common.config import ConfigError, Env
from services.common.server import ServerOptions


@dataclass(frozen=True)
class Config:
    database_url: str
    core_address: str
    core_key: str
    address: str
    home: Path
    risk_address: str | None
    workers: int
    """CP-SAT threads per solve."""
    concurrent_solves: int
    max_tasks: int
    pool_max: int
    max_concurrent_rpcs: int
    log_level: str
    solves_per_caller: int = 2
    """Solves one caller may have running or waiting; more are RESOURCE_EXHAUSTED."""
    solves_per_project: int = 2
    solves_waiting: int = 32
    nats_url: str | None = None
    """Only to follow project deletions (the planner publishes nothing)."""
    server: ServerOptions = field(default_factory=ServerOptions)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        e = Env(env)
        positive = {
            "PLANOPS_PLANNER_WORKERS": e.int("PLANOPS_PLANNER_WORKERS", 2),
            "PLANOPS_PLANNER_CONCURRENT_SOLVES": e.int("PLANOPS_PLANNER_CONCURRENT_SOLVES", 2),
            "PLANOPS_PLANNER_MAX_TASKS": e.int("PLANOPS_PLANNER_MAX_TASKS", 3000),
            "PLANOPS_PLANNER_SOLVES_PER_CALLER": e.int("PLANOPS_PLANNER_SOLVES_PER_CALLER", 2),
            "PLANOPS_PLANNER_SOLVES_PER_PROJECT": e.int("PLANOPS_PLANNER_SOLVES_PER_PROJECT", 2),
            "PLANOPS_PLANNER_SOLVES_WAITING": e.int("PLANOPS_PLANNER_SOLVES_WAITING", 32),
        }
        for key, value in positive.items():
            if value < 1:
                raise ConfigError(f"{key} must be at least 1, not {value}")
        return cls(
            database_url=e.str("DATABASE_URL"),
            core_address=e.str("PLANOPS_CORE_ADDRESS", "127.0.0.1:50051"),
            core_key=e.str("PLANOPS_CORE_KEY"),
            address=e.str("PLANOPS_PLANNER_ADDRESS", "127.0.0.1:50052"),
            home=e.home(),
            risk_address=e.optional("PLANOPS_RISK_ADDRESS"),
            nats_url=e.optional("NATS_URL"),
            workers=positive["PLANOPS_PLANNER_WORKERS"],
            concurrent_solves=positive["PLANOPS_PLANNER_CONCURRENT_SOLVES"],
            solves_per_caller=positive["PLANOPS_PLANNER_SOLVES_PER_CALLER"],
            solves_per_project=positive["PLANOPS_PLANNER_SOLVES_PER_PROJECT"],
            solves_waiting=positive["PLANOPS_PLANNER_SOLVES_WAITING"],
            max_tasks=positive["PLANOPS_PLANNER_MAX_TASKS"],
            pool_max=e.int("PLANOPS_PLANNER_POOL_MAX", 8),
            max_concurrent_rpcs=e.int("PLANOPS_PLANNER_MAX_CONCURRENT_RPCS", 64),
            log_level=e.str("PLANOPS_LOG_LEVEL", "INFO"),
            server=ServerOptions.from_env(e, "planner"),
        )
