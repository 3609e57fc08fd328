"""The aiohttp application: one POST route per unary RPC, the OpenAPI document, health, console."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import grpc
from aiohttp import web
from google.protobuf import message, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common import names
from services.gateway import calendars, exports, openapi
from services.gateway.backends import Route, routes
from services.gateway.config import Config
from services.gateway.transcode import (
    HttpError,
    Violation,
    bad_request,
    error_of,
    parse_request,
    to_json,
)
from services.interop import ical

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024 * 1024
HEALTH_TIMEOUT_SECONDS = 2.0
_METADATA_KEY = re.compile(r"^x-planops-[0-9a-z_.-]+\Z")
_PRINTABLE = re.compile(r"^[\x20-\x7e]*\Z")
_REQUEST_ID = re.compile(r"^[0-9A-Za-z._:-]{1,128}\Z")


@dataclass(frozen=True)
class Call:
    """A route bound to a channel: the message classes and the callable."""

    route: Route
    request_class: type[message.Message]
    call: grpc.aio.UnaryUnaryMultiCallable[Any, Any]


class Gateway:
    """Routes, the channels to the services, and the OpenAPI document built from them."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.routes = routes(config.backends, config.addresses)
        self.openapi = openapi.document(self.routes.values())
        self.openapi_body = json.dumps(self.openapi, ensure_ascii=False).encode()
        self.channels: dict[str, grpc.aio.Channel] = {}
        self.calls: dict[str, Call] = {}

    async def open(self) -> None:
        for address in sorted(set(self.config.addresses.values())):
            self.channels[address] = grpc.aio.insecure_channel(
                address, options=[("grpc.max_receive_message_length", MAX_BODY_BYTES)]
            )
        for path, route in self.routes.items():
            request_class = message_factory.GetMessageClass(route.method.input_type)
            response_class = message_factory.GetMessageClass(route.method.output_type)
            self.calls[path] = Call(
                route=route,
                request_class=request_class,
                call=self.channels[route.address].unary_unary(
                    route.grpc_path,
                    request_serializer=request_class.SerializeToString,
                    response_deserializer=response_class.FromString,
                ),
            )

    async def close(self) -> None:
        await asyncio.gather(*(channel.close() for channel in self.channels.values()))

    async def health(self) -> dict[str, str]:
        """Each service's gRPC health status by full name (UNREACHABLE when it does not answer)."""

        async def check(service: str, address: str) -> str:
            stub = health_pb2_grpc.HealthStub(self.channels[address])
            try:
                reply = await stub.Check(
                    health_pb2.HealthCheckRequest(service=service),
                    timeout=HEALTH_TIMEOUT_SECONDS,
                )
            except grpc.aio.AioRpcError as error:
                return "UNREACHABLE" if error.code() in _UNREACHABLE else error.code().name
            return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))

        services = sorted(self.config.addresses.items())
        statuses = await asyncio.gather(*(check(s, a) for s, a in services))
        return {service: status for (service, _), status in zip(services, statuses, strict=True)}


_UNREACHABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
GATEWAY_KEY = web.AppKey("gateway", Gateway)


def forwarded_metadata(headers: Mapping[str, str], request_id: str) -> list[tuple[str, str]]:
    """The gRPC metadata for a request: its bearer key, its `X-Planops-*` headers, its id.

    Values that gRPC metadata cannot carry are dropped (a mangled key then reads as missing).
    """
    forwarded = [("x-request-id", request_id)]
    for key, value in headers.items():
        name = key.lower()
        if (name == "authorization" or _METADATA_KEY.match(name)) and _PRINTABLE.match(value):
            if name.endswith("-bin"):
                continue
            forwarded.append((name, value))
    return forwarded


def request_id_of(headers: Mapping[str, str]) -> str:
    given = headers.get("X-Request-Id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def timeout_of(headers: Mapping[str, str], default: float) -> float:
    """The call's deadline: the Connect `Connect-Timeout-Ms` header if shorter than the default."""
    raw = headers.get("Connect-Timeout-Ms", "")
    if raw.isascii() and raw.isdigit() and 0 < int(raw) <= 10**10:
        return min(int(raw) / 1000, default)
    return default


def json_response(body: Any, *, status: int = 200, request_id: str) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
        headers={"X-Request-Id": request_id},
    )


def error_response(error: HttpError, *, request_id: str) -> web.Response:
    return json_response(error.body(), status=error.status, request_id=request_id)


async def call_rpc(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    request_id = request_id_of(request.headers)
    bound = gateway.calls.get(request.path)
    if bound is None:
        return error_response(
            HttpError(
                code=grpc.StatusCode.NOT_FOUND,
                message=f"no RPC at {request.path}; see /openapi.json",
                reason="UNKNOWN_RPC",
            ),
            request_id=request_id,
        )
    try:
        grpc_request = parse_request(await _body(request), bound.request_class)
        try:
            reply = await bound.call(
                grpc_request,
                metadata=forwarded_metadata(request.headers, request_id),
                timeout=timeout_of(request.headers, gateway.config.timeout_seconds),
            )
        except grpc.aio.AioRpcError as failure:
            raise error_of(
                failure.code(), failure.details() or "", failure.trailing_metadata() or ()
            ) from None
        body = to_json(reply)
    except HttpError as error:
        if error.status >= 500:
            log.warning("%s: %s %s", bound.route.grpc_path, error.code.name, error.message)
        return error_response(error, request_id=request_id)
    except Exception:
        log.exception("%s failed in the gateway", bound.route.grpc_path)
        return error_response(
            HttpError(
                code=grpc.StatusCode.INTERNAL,
                message="internal error in the gateway; see its log",
                reason="INTERNAL",
            ),
            request_id=request_id,
        )
    return json_response(body, request_id=request_id)


async def export_plan(request: web.Request) -> web.Response:
    """A project's plan as xlsx, CSV or MS Project XML, read with the caller's key."""
    return await _export(request, what="plan", kinds=exports.EXPORTS)


async def export_board(request: web.Request) -> web.Response:
    """A project's board (its tasks with their states) as xlsx or CSV."""
    return await _export(request, what="board", kinds=exports.BOARD_EXPORTS)


async def export_risks(request: web.Request) -> web.Response:
    """A project's risk table (open tasks by chance of lateness) as xlsx or CSV."""
    return await _export(request, what="risks", kinds=exports.RISK_EXPORTS)


async def _export(
    request: web.Request, *, what: str, kinds: dict[str, exports.Export]
) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    request_id = request_id_of(request.headers)
    project, kind = request.match_info["project"], request.match_info["format"]
    export = kinds.get(kind)
    if not names.SLUG.match(project):
        error = bad_request(
            "must be a project id (a-z, 0-9 and '-')", field_path="project", reason="BAD_PROJECT"
        )
        return error_response(error, request_id=request_id)
    if export is None:
        error = bad_request(
            f"must be one of {', '.join(kinds)}", field_path="format", reason="BAD_FORMAT"
        )
        return error_response(error, request_id=request_id)
    service = exports.RISK_SERVICE if what == "risks" else exports.CORE_SERVICE
    channel = gateway.channels[gateway.config.addresses[service]]
    load = exports.load_risks if what == "risks" else exports.load_plan
    try:
        data: Any = await load(
            channel,
            project=f"projects/{project}",
            metadata=forwarded_metadata(request.headers, request_id),
            call_seconds=timeout_of(request.headers, gateway.config.timeout_seconds),
        )
    except grpc.aio.AioRpcError as failure:
        error = error_of(failure.code(), failure.details() or "", failure.trailing_metadata() or ())
        return error_response(error, request_id=request_id)
    # openpyxl takes about a second for 10,000 tasks: off the loop, so other calls go on.
    body = await asyncio.to_thread(export.writer, data)
    return web.Response(
        body=body,
        headers={
            "Content-Type": export.content_type,
            "Content-Disposition": exports.attachment(project, export, what=what),
            "X-Request-Id": request_id,
        },
    )


async def calendar_feed(request: web.Request) -> web.Response:
    """A calendar feed as iCalendar; the secret in the path is the credential."""
    gateway = request.app[GATEWAY_KEY]
    request_id = request_id_of(request.headers)
    secret = request.match_info["secret"]
    missing = web.Response(
        status=404, text="no such calendar feed\n", headers={"X-Request-Id": request_id}
    )
    if not calendars.well_formed(secret):
        return missing
    channel = gateway.channels[gateway.config.addresses[calendars.CORE_SERVICE]]
    try:
        feed = await calendars.read(
            channel,
            secret=secret,
            request_id=request_id,
            call_seconds=gateway.config.timeout_seconds,
        )
    except calendars.FeedMissing:
        return missing
    except grpc.aio.AioRpcError as failure:
        error = error_of(failure.code(), "", failure.trailing_metadata() or ())
        if error.status >= 500:
            log.warning("calendar feed: %s %s", failure.code().name, failure.details())
        headers = {"X-Request-Id": request_id}
        retry_ms = error.metadata.get("retry_after_ms", "")
        if retry_ms.isdigit():
            headers["Retry-After"] = str(max(1, -(-int(retry_ms) // 1000)))
        # Only the status: a calendar shows none of it, and the details are the service's.
        return web.Response(status=error.status, text=f"{error.code.name}\n", headers=headers)
    body = await asyncio.to_thread(ical.write, feed)
    etag = calendars.etag_of(body)
    headers = {"ETag": etag, "Cache-Control": calendars.CACHE_CONTROL, "X-Request-Id": request_id}
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, headers={**headers, "Content-Type": calendars.CONTENT_TYPE})


async def _body(request: web.Request) -> bytes:
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise HttpError(
            code=grpc.StatusCode.RESOURCE_EXHAUSTED,
            message=f"the body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB",
            details=(Violation("", "too large"),),
            reason="BODY_TOO_LARGE",
            http_status=413,
        ) from None


async def unknown_rpc(request: web.Request) -> web.Response:
    """Anything else under /api/: 405 for another HTTP method on an RPC's path, else 404."""
    if request.path in request.app[GATEWAY_KEY].calls:
        return error_response(
            HttpError(
                code=grpc.StatusCode.UNIMPLEMENTED,
                message=f"{request.path} takes POST with a JSON body",
                reason="METHOD_NOT_ALLOWED",
                http_status=405,
            ),
            request_id=request_id_of(request.headers),
        )
    return error_response(
        HttpError(
            code=grpc.StatusCode.NOT_FOUND,
            message=f"no RPC at {request.path}; see /openapi.json",
            reason="UNKNOWN_RPC",
        ),
        request_id=request_id_of(request.headers),
    )


async def openapi_json(request: web.Request) -> web.Response:
    return web.Response(body=request.app[GATEWAY_KEY].openapi_body, content_type="application/json")


async def healthz(request: web.Request, *, strict: bool) -> web.Response:
    """The gateway answers (liveness), with each service's health; `/readyz` is 503 unless all
    services are SERVING."""
    services = await request.app[GATEWAY_KEY].health()
    ready = all(status == "SERVING" for status in services.values())
    body = {"status": "SERVING" if ready else "DEGRADED", "services": services}
    status = 503 if strict and not ready else 200
    return json_response(body, status=status, request_id=request_id_of(request.headers))


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(request.app[GATEWAY_KEY].config.static_dir / "index.html")


# On every response: the console loads only its own files (no inline script or style, so an
# injected one does not run), is never framed (clickjacking), and no type is sniffed.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
        " frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


async def _secure(_: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)


def make_app(config: Config) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.on_response_prepare.append(_secure)
    gateway = Gateway(config)
    app[GATEWAY_KEY] = gateway

    async def channels(app: web.Application) -> AsyncIterator[None]:
        await gateway.open()
        yield
        await gateway.close()

    app.cleanup_ctx.append(channels)
    app.router.add_post("/api/{service}/{method}", call_rpc)
    app.router.add_route("*", "/api/{tail:.*}", unknown_rpc)
    app.router.add_get("/export/projects/{project}/plan.{format}", export_plan)
    app.router.add_get("/export/projects/{project}/board.{format}", export_board)
    app.router.add_get("/export/projects/{project}/risks.{format}", export_risks)
    app.router.add_get("/ical/{secret}.ics", calendar_feed)
    app.router.add_get("/openapi.json", openapi_json)
    app.router.add_get("/healthz", partial(healthz, strict=False))
    app.router.add_get("/readyz", partial(healthz, strict=True))
    app.router.add_get("/", index)
    app.router.add_static("/static", config.static_dir)
    return app


@dataclass
class RunningGateway:
    app: web.Application
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@asynccontextmanager
async def running_gateway(config: Config) -> AsyncIterator[RunningGateway]:
    """The gateway serving on `config.address` (port 0 picks one) until the context exits."""
    app = make_app(config)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port, reuse_port=False)
    await site.start()
    port = int(runner.addresses[0][1]) if runner.addresses else config.port
    log.info("gateway on http://%s:%d (%d RPCs)", config.host, port, len(app[GATEWAY_KEY].routes))
    try:
        yield RunningGateway(app=app, port=port)
    finally:
        await runner.cleanup()
