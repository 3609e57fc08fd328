"""Prometheus metrics of every service, and the HTTP endpoint that serves them.

The metrics live in prometheus_client's default registry, one set per process: services that
share a process (in tests) share them too, and each sample carries the full gRPC method name,
which says which service answered. `serve()` exposes them on `/metrics`; nothing is served
unless a service is given an address.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

import prometheus_client
from prometheus_client import Counter, Gauge, Histogram

log = logging.getLogger(__name__)

# Seconds; from a cached key check to a long solve.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
LAG_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

RPC_REQUESTS = Counter(
    "planops_rpc_requests",
    "gRPC calls answered, by full method name and status code.",
    ["method", "code"],
)
RPC_SECONDS = Histogram(
    "planops_rpc_duration_seconds",
    "Time from a call's arrival to its answer, by full method name.",
    ["method"],
    buckets=LATENCY_BUCKETS,
)
RPC_IN_FLIGHT = Gauge("planops_rpc_in_flight", "gRPC calls being answered now.")
RATE_LIMITED = Counter(
    "planops_rate_limited",
    "Calls refused because the caller's key used up its rate limit, by method.",
    ["method"],
)

OUTBOX_BACKLOG = Gauge(
    "planops_outbox_backlog",
    "Committed events not yet acknowledged by JetStream, seen by the active relay.",
    ["outbox"],
)
OUTBOX_PUBLISHED = Counter(
    "planops_outbox_published", "Events the relay published and JetStream acknowledged.", ["outbox"]
)
OUTBOX_LAG = Histogram(
    "planops_outbox_lag_seconds",
    "From an event's commit (its outbox row) to JetStream's acknowledgement.",
    ["outbox"],
    buckets=LAG_BUCKETS,
)

CONSUMER_EVENTS = Counter(
    "planops_consumer_events",
    "Events a consumer received, by outcome (applied, duplicate).",
    ["consumer", "outcome"],
)
CONSUMER_REDELIVERIES = Counter(
    "planops_consumer_redeliveries",
    "Messages JetStream delivered again (an earlier delivery was not acknowledged in time).",
    ["consumer"],
)
CONSUMER_LAG = Histogram(
    "planops_consumer_event_lag_seconds",
    "From an event's time (its commit in the publishing service) to the consumer applying it.",
    ["consumer"],
    buckets=LAG_BUCKETS,
)

SOLVE_SECONDS = Histogram(
    "planops_planner_solve_seconds",
    "Wall time of one schedule solve, by solver status.",
    ["status"],
    buckets=LATENCY_BUCKETS,
)
SOLVE_GAP = Histogram(
    "planops_planner_gap",
    "Relative gap between a solve's objective and its best bound (0 = proven optimal).",
    buckets=(0, 0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1),
)

RISK_MODEL = Gauge(
    "planops_risk_model_info",
    "The risk model in use: 1 for its version, 0 for earlier ones.",
    ["version"],
)
RISK_SCORE_SECONDS = Histogram(
    "planops_risk_scoring_seconds",
    "Time to score one batch of tasks (features and model).",
    buckets=LATENCY_BUCKETS,
)
RISK_SCORED = Counter("planops_risk_scored_tasks", "Tasks scored by the risk model.")

NLP_SECONDS = Histogram(
    "planops_nlp_extract_seconds",
    "Time to extract action items from one set of notes, by language.",
    ["language"],
    buckets=LATENCY_BUCKETS,
)


def observe_solve(*, status: str, seconds: float, gap: float | None) -> None:
    SOLVE_SECONDS.labels(status).observe(seconds)
    if gap is not None:
        SOLVE_GAP.observe(max(0.0, gap))


_model_lock = threading.Lock()
_model_version = ""


def set_risk_model(version: str) -> None:
    """Mark `version` as the model in use (and the previous one as no longer in use)."""
    global _model_version
    with _model_lock:
        if _model_version and _model_version != version:
            RISK_MODEL.labels(_model_version).set(0)
        RISK_MODEL.labels(version).set(1)
        _model_version = version


@dataclass
class MetricsServer:
    """The `/metrics` endpoint of this process; `port` is the bound one (useful with port 0)."""

    server: WSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def parse_address(address: str) -> tuple[str, int]:
    """`host:port` (port 0 picks a free one); a bare port listens on 127.0.0.1."""
    host, sep, port = address.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", address
    try:
        number = int(port)
    except ValueError:
        raise ValueError(f"metrics address {address!r} must be host:port") from None
    if not 0 <= number <= 65535:
        raise ValueError(f"metrics address {address!r} has no valid port")
    return host.strip("[]") or "0.0.0.0", number


def serve(address: str) -> MetricsServer:
    """Serve the process's metrics on `http://address/metrics` from a daemon thread."""
    host, port = parse_address(address)
    server, thread = prometheus_client.start_http_server(port, addr=host)
    running = MetricsServer(server=server, thread=thread)
    log.info("metrics on http://%s:%d/metrics", host, running.port)
    return running
