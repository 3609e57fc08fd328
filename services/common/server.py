"""One gRPC server bootstrap for every service: health, reflection, auth, errors, shutdown."""

from __future__ import annotations

import asyncio
import logging
import signal
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status

from services.common import deadline
from services.common.auth import Principal, bearer_token, metadata_var, method_var, principal_var
from services.common.errors import Internal, PlanOpsError, Unauthenticated
from services.common.logs import request_id_var

log = logging.getLogger(__name__)

Authenticate = Callable[[str], Awaitable[Principal]]
Context = grpc.aio.ServicerContext[Any, Any]

PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


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

    def __init__(self, authenticate: Authenticate | None) -> None:
        self._authenticate = authenticate

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

        async def call(request: Any, context: Context) -> Any:
            request_id = _metadata_value(metadata, "x-request-id") or uuid.uuid4().hex
            request_id_var.set(request_id)
            deadline.set_from_remaining(context.time_remaining())
            method_var.set(method)
            metadata_var.set(
                {
                    k.lower(): v
                    for k, v in metadata
                    if isinstance(v, str) and k.startswith("x-planops-")
                }
            )
            try:
                if authenticate is not None:
                    token = bearer_token(metadata)
                    if token is None:
                        raise Unauthenticated(
                            "missing `authorization: Bearer <key>` metadata",
                            reason="API_KEY_MISSING",
                        )
                    principal_var.set(await authenticate(token))
                return await inner(request, context)  # type: ignore[arg-type]
            except PlanOpsError as error:
                log.info("%s refused: %s %s", method, error.code.name, error.message)
                status = error.to_status()
            except (asyncio.CancelledError, grpc.aio.AbortError):
                raise
            except Exception:
                log.exception("%s failed", method)
                status = Internal("internal error; see the server log").to_status()
            await context.abort_with_status(rpc_status.to_status(status))

        return grpc.unary_unary_rpc_method_handler(
            call,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


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
    ) -> None:
        self.bindings = list(bindings)
        self.address = address
        self.grace_seconds = grace_seconds
        self.health = health.aio.HealthServicer()
        self.server = grpc.aio.server(
            interceptors=[CallInterceptor(authenticate)],
            maximum_concurrent_rpcs=max_concurrent_rpcs,
            options=[
                ("grpc.max_receive_message_length", 8 * 1024 * 1024),
                ("grpc.so_reuseport", 0),
            ],
        )
        self.port = 0

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
        await self.server.start()
        for name in ["", *names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        log.info("serving %s on port %d", ", ".join(names), self.port)
        return self.port

    async def stop(self) -> None:
        """Health turns NOT_SERVING first, then in-flight calls get `grace_seconds` to finish."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(self.grace_seconds)


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
