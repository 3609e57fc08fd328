"""One gRPC server bootstrap for every service: health, reflection, auth, errors, shutdown."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status

from services.common import deadline, metrics, tracing
from services.common.auth import Principal, bearer_token, metadata_var, method_var, principal_var
from services.common.config import ConfigError, Env
from services.common.errors import (
    Internal,
    InvalidArgument,
    PlanOpsError,
    ResourceExhausted,
    Unauthenticated,
)
from services.common.fields import nul_violations
from services.common.logs import request_id_var
from services.common.ratelimit import Buckets, RateLimit

log = logging.getLogger(__name__)

Authenticate = Callable[[str], Awaitable[Principal]]
Context = grpc.aio.ServicerContext[Any, Any]

PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")
REQUEST_ID_HEADERS = ("x-request-id", "x-planops-request-id")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ServerOptions:
    """Limits and telemetry of one service's server, from `PLANOPS_<SERVICE>_...` variables.

    The defaults here (no rate limit, no metrics endpoint) are what tests start with;
    `from_env` applies the production defaults.
    """

    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    person_rate: RateLimit = field(default_factory=RateLimit)
    service_rate: RateLimit = field(default_factory=RateLimit)
    metrics_address: str | None = None
    rate_limit_variable: str = ""

    @classmethod
    def from_env(cls, env: Env, service: str) -> ServerOptions:
        prefix = f"PLANOPS_{service.upper()}_"
        max_bytes = env.int(f"{prefix}MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES)
        if max_bytes < 1024:
            raise ConfigError(f"{prefix}MAX_MESSAGE_BYTES must be at least 1024, not {max_bytes}")
        return cls(
            max_message_bytes=max_bytes,
            person_rate=_rate(env, f"{prefix}RATE_LIMIT", default=50.0),
            service_rate=_rate(env, f"{prefix}SERVICE_RATE_LIMIT", default=0.0),
            metrics_address=env.optional(f"{prefix}METRICS_ADDRESS")
            or env.optional("PLANOPS_METRICS_ADDRESS"),
            rate_limit_variable=f"{prefix}RATE_LIMIT",
        )


def _rate(env: Env, variable: str, *, default: float) -> RateLimit:
    rate = env.float(variable, default)
    if rate < 0:
        raise ConfigError(f"{variable} must not be negative, not {rate:g}")
    burst = env.int(f"{variable.removesuffix('_LIMIT')}_BURST", max(1, round(2 * rate)))
    if burst < 1:
        raise ConfigError(f"{variable.removesuffix('_LIMIT')}_BURST must be at least 1")
    return RateLimit(rate=rate, burst=burst)


@dataclass(frozen=True)
class Binding:
    """A servicer to serve: its full service name and the generated `add_..._to_server`."""

    service_name: str
    servicer: object
    add: Callable[[Any, grpc.aio.Server], None]


class CallInterceptor(grpc.aio.ServerInterceptor):
    """Authenticates, sets the request id, and turns errors into rich statuses.

    Servicers raise `PlanOpsError`s and never set codes themselves.
    """

    def __init__(
        self, authenticate: Authenticate | None, options: ServerOptions | None = None
    ) -> None:
        self._authenticate = authenticate
        self._options = options or ServerOptions()
        self._people = Buckets(self._options.person_rate)
        self._services = Buckets(self._options.service_rate)

    def _check_rate(self, principal: Principal) -> None:
        """Spend one of the key's tokens, or refuse with the time a retry would need."""
        buckets = self._services if principal.is_service else self._people
        wait = buckets.take(principal.key)
        if wait <= 0:
            return
        limit = buckets.limit
        variable = self._options.rate_limit_variable or "the rate limit"
        if principal.is_service and variable.endswith("_RATE_LIMIT"):
            variable = variable.replace("_RATE_LIMIT", "_SERVICE_RATE_LIMIT")
        retry_ms = max(1, int(wait * 1000 + 0.999))
        raise ResourceExhausted(
            f"{principal.key} is over its rate limit of {limit.rate:g} calls/s"
            f" (burst {limit.burst}, {variable}); retry in {retry_ms} ms",
            reason="RATE_LIMITED",
            metadata={
                "limit": variable,
                "rate_per_second": f"{limit.rate:g}",
                "burst": str(limit.burst),
                "retry_after_ms": str(retry_ms),
            },
            retry_after_seconds=wait,
        )

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        method: str = handler_call_details.method
        if handler is None or handler.unary_unary is None or method.startswith(PUBLIC_PREFIXES):
            return handler
        inner = handler.unary_unary
        authenticate = self._authenticate
        metadata = tuple(handler_call_details.invocation_metadata or ())

        check_rate = self._check_rate

        async def call(request: Any, context: Context) -> Any:
            request_id_var.set(request_id_of(metadata))
            deadline.set_from_remaining(context.time_remaining())
            method_var.set(method)
            metadata_var.set(
                {
                    k.lower(): v
                    for k, v in metadata
                    if isinstance(v, str) and k.startswith("x-planops-")
                }
            )
            started = time.perf_counter()
            code = "UNKNOWN"
            retry_after: float | None = None
            metrics.RPC_IN_FLIGHT.inc()
            with tracing.server_span(
                method, {k: v for k, v in metadata if isinstance(v, str)}
            ) as span:
                try:
                    if authenticate is not None:
                        token = bearer_token(metadata)
                        if token is None:
                            raise Unauthenticated(
                                "missing `authorization: Bearer <key>` metadata",
                                reason="API_KEY_MISSING",
                            )
                        principal = await authenticate(token)
                        principal_var.set(principal)
                        check_rate(principal)
                    bad = nul_violations(request)
                    if bad:
                        raise InvalidArgument.of(bad)
                    reply = await inner(request, context)  # type: ignore[arg-type]
                    code = "OK"
                    return reply
                except PlanOpsError as error:
                    code = error.code.name
                    if error.reason == "RATE_LIMITED":
                        metrics.RATE_LIMITED.labels(method).inc()
                    log.info("%s refused: %s %s", method, code, error.message)
                    status = error.to_status()
                    retry_after = error.retry_after_seconds
                except asyncio.CancelledError:
                    code = "CANCELLED"
                    raise
                except grpc.aio.AbortError:
                    code = _aborted_code(context)
                    raise
                except Exception:
                    code = "INTERNAL"
                    log.exception("%s failed", method)
                    status = Internal("internal error; see the server log").to_status()
                finally:
                    elapsed = time.perf_counter() - started
                    metrics.RPC_IN_FLIGHT.dec()
                    metrics.RPC_REQUESTS.labels(method, code).inc()
                    metrics.RPC_SECONDS.labels(method).observe(elapsed)
                    tracing.set_code(span, code)
                    if log.isEnabledFor(logging.DEBUG):
                        log.debug("%s %s in %.1f ms", method, code, elapsed * 1000)
                await context.abort_with_status(
                    _with_retry_hint(rpc_status.to_status(status), retry_after)
                )

        return grpc.unary_unary_rpc_method_handler(
            call,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


def request_id_of(metadata: Sequence[tuple[str, str | bytes]]) -> str:
    """The caller's request id (`x-request-id`, or `x-planops-request-id` between services)
    when it is a sensible one, else a new one."""
    for header in REQUEST_ID_HEADERS:
        value = _metadata_value(metadata, header)
        if value and _REQUEST_ID.fullmatch(value):
            return value
    return uuid.uuid4().hex


@dataclass(frozen=True)
class _Status(grpc.Status):
    code: grpc.StatusCode
    details: str
    trailing_metadata: tuple[tuple[str, str | bytes], ...]


def _with_retry_hint(status: grpc.Status, retry_after: float | None) -> grpc.Status:
    """Add `retry-after-ms` to the trailing metadata when the error says when to retry."""
    if retry_after is None:
        return status
    hint = ("retry-after-ms", str(max(1, int(retry_after * 1000 + 0.999))))
    return _Status(status.code, status.details, (*status.trailing_metadata, hint))


def _aborted_code(context: Context) -> str:
    code = context.code()
    return code.name if isinstance(code, grpc.StatusCode) else "UNKNOWN"


def _metadata_value(metadata: Sequence[tuple[str, str | bytes]], key: str) -> str | None:
    for k, v in metadata:
        if k.lower() == key:
            return v.decode() if isinstance(v, bytes) else v
    return None


class GrpcServer:
    """A grpc.aio server with health and reflection; `start()` returns the bound port."""

    def __init__(
        self,
        *,
        bindings: Iterable[Binding],
        address: str = "127.0.0.1:0",
        authenticate: Authenticate | None = None,
        max_concurrent_rpcs: int = 256,
        grace_seconds: float = 10.0,
        options: ServerOptions | None = None,
    ) -> None:
        self.bindings = list(bindings)
        self.address = address
        self.grace_seconds = grace_seconds
        self.options = options or ServerOptions()
        self.health = health.aio.HealthServicer()
        self.server = grpc.aio.server(
            interceptors=[CallInterceptor(authenticate, self.options)],
            maximum_concurrent_rpcs=max_concurrent_rpcs,
            options=[
                ("grpc.max_receive_message_length", self.options.max_message_bytes),
                ("grpc.so_reuseport", 0),
            ],
        )
        self.port = 0
        self.metrics: metrics.MetricsServer | None = None

    async def start(self) -> int:
        for binding in self.bindings:
            binding.add(binding.servicer, self.server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        names = [b.service_name for b in self.bindings]
        reflection.enable_server_reflection(
            [
                *names,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ],
            self.server,
        )
        self.port = self.server.add_insecure_port(self.address)
        if names:
            # "planops.core.v1.TaskService" -> "planops-core"; OTEL_SERVICE_NAME overrides it.
            tracing.configure("-".join(names[0].split(".")[:2]), os.environ)
        if self.options.metrics_address:
            self.metrics = metrics.serve(self.options.metrics_address)
        await self.server.start()
        for name in ["", *names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        log.info("serving %s on port %d", ", ".join(names), self.port)
        return self.port

    async def stop(self) -> None:
        """Health turns NOT_SERVING first, then in-flight calls get `grace_seconds` to finish."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(self.grace_seconds)
        if self.metrics is not None:
            await asyncio.to_thread(self.metrics.stop)
            self.metrics = None


async def wait_for_signal() -> None:
    """Return on SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
