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
    "Events a consumer received, by outcome: applied, duplicate (its id was seen before),"
    " skipped (unreadable, or nothing this consumer acts on).",
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
SOLVES_REFUSED = Counter(
    "planops_planner_solves_refused_total",
    "Solves the fair queue refused, by the cap they met (per caller, per project, queue full).",
    ["reason"],
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


AUTOMATION_RULE_RUNS = Counter(
    "planops_automation_rule_runs",
    "Rule runs that ended, by the rule's trigger and outcome: fired (every action done),"
    " conditions_not_met, skipped (rule disabled or deleted, task gone), failed (refused by"
    " core or the planner, or out of retries), retried (core unreachable; it runs again).",
    ["trigger", "outcome"],
)
AUTOMATION_RULE_ACTIONS = Counter(
    "planops_automation_rule_actions",
    "Actions rules took, by kind (move_to_state, assign, ...) and outcome (done, failed).",
    ["kind", "outcome"],
)
AUTOMATION_LOOPS_REFUSED = Counter(
    "planops_automation_rule_loops_refused",
    "Rules not saved or installed because they would fire each other in a loop.",
)
AUTOMATION_DELIVERY_ATTEMPTS = Counter(
    "planops_automation_webhook_attempts",
    "Webhook POSTs sent, by outcome: 2xx, other_status (the receiver answered with"
    " another HTTP status), platform_error (an IM platform answered with a non-zero"
    " error code), no_answer (connection refused, timeout, bad address),"
    " refused (the egress policy refused the address; nothing was sent).",
    ["outcome"],
)
AUTOMATION_DELIVERY_SECONDS = Histogram(
    "planops_automation_webhook_attempt_seconds",
    "Time from sending a webhook POST to its answer (or to giving up on it), by outcome.",
    ["outcome"],
    buckets=LATENCY_BUCKETS,
)
AUTOMATION_DELIVERIES_FAILED = Counter(
    "planops_automation_webhook_deliveries_failed",
    "Webhook deliveries that used up their attempts and ended FAILED (not sent again unless"
    " someone redelivers them).",
)
AUTOMATION_DELIVERIES_WAITING = Gauge(
    "planops_automation_webhook_deliveries_waiting",
    "Webhook deliveries PENDING in the database (due now or waiting for a retry), counted"
    " every few seconds; every replica reports the same table, so take max(), not sum().",
)
AUTOMATION_RUNS_WAITING = Gauge(
    "planops_automation_rule_runs_waiting",
    "Rule runs PENDING in the database (due now or waiting for a retry), counted every few"
    " seconds; every replica reports the same table, so take max(), not sum().",
)
AUTOMATION_DUE_NOTICES = Counter(
    "planops_automation_due_notices",
    "task.due_soon and task.overdue events the due-date scheduler published, by kind.",
    ["kind"],
)


def delivery_outcome(http_status: int) -> str:
    """The attempt outcome label of an answer's HTTP status (0: no answer)."""
    if 200 <= http_status < 300:
        return "2xx"
    return "other_status" if http_status > 0 else "no_answer"


def observe_delivery(
    *,
    http_status: int,
    seconds: float,
    failed: bool,
    refused: bool = False,
    platform_error: bool = False,
) -> None:
    """Count one webhook attempt; `failed` when it was the delivery's last, `refused` when
    the egress policy stopped it, `platform_error` when an IM platform answered (often 200)
    with an error code."""
    outcome = "refused" if refused else delivery_outcome(http_status)
    if platform_error and not refused:
        outcome = "platform_error"
    AUTOMATION_DELIVERY_ATTEMPTS.labels(outcome).inc()
    AUTOMATION_DELIVERY_SECONDS.labels(outcome).observe(max(0.0, seconds))
    if failed:
        AUTOMATION_DELIVERIES_FAILED.inc()


def observe_solve(*, status: str, seconds: float, gap: float | None) -> None:
    SOLVE_SECONDS.labels(status).observe(seconds)
    if gap is not None:
        SOLVE_GAP.observe(max(0.0, gap))


def observe_solve_refused(*, reason: str) -> None:
    SOLVES_REFUSED.labels(reason).inc()


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
