"""Settings of the nlp service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.common.config import ConfigError, Env
from services.common.server import ServerOptions
from services.nlp.notes import SPACY_MODEL


@dataclass(frozen=True)
class Config:
    database_url: str
    core_address: str
    core_key: str
    address: str
    home: Path
    nats_url: str | None
    pool_max: int
    max_concurrent_rpcs: int
    extract_workers: int
    spacy_model: str | None
    log_level: str
    server: ServerOptions = field(default_factory=ServerOptions)
    # The longest one extraction may take, for calls without a deadline of their own.
    extract_seconds: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        e = Env(env)
        workers = e.int("PLANOPS_NLP_WORKERS", 2)
        if workers < 1:
            raise ConfigError(f"PLANOPS_NLP_WORKERS must be at least 1, not {workers}")
        spacy_model = e.str("PLANOPS_NLP_SPACY_MODEL", SPACY_MODEL)
        extract_seconds = e.float("PLANOPS_NLP_EXTRACT_SECONDS", 60.0)
        if extract_seconds <= 0:
            raise ConfigError(
                f"PLANOPS_NLP_EXTRACT_SECONDS must be positive, not {extract_seconds:g}"
            )
        return cls(
            database_url=e.str("DATABASE_URL"),
            core_address=e.str("PLANOPS_CORE_ADDRESS", "127.0.0.1:50051"),
            core_key=e.str("PLANOPS_CORE_KEY"),
            address=e.str("PLANOPS_NLP_ADDRESS", "127.0.0.1:50054"),
            home=e.home(),
            # Only to follow project deletions (it publishes nothing).
            nats_url=e.optional("NATS_URL"),
            pool_max=e.int("PLANOPS_NLP_POOL_MAX", 8),
            max_concurrent_rpcs=e.int("PLANOPS_NLP_MAX_CONCURRENT_RPCS", 64),
            extract_workers=workers,
            spacy_model=None if spacy_model.lower() == "none" else spacy_model,
            log_level=e.str("PLANOPS_LOG_LEVEL", "INFO"),
            server=ServerOptions.from_env(e, "nlp"),
            extract_seconds=extract_seconds,
        )
