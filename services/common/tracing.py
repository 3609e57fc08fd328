"""OpenTelemetry traces, when an exporter is configured and the `otel` extra is installed.

`configure(service)` installs an OTLP exporter if `OTEL_EXPORTER_OTLP_ENDPOINT` (or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; the standard `OTEL_*` variables configure it
further. Without the endpoint, or without the packages, every function here does nothing,
so the services never depend on OpenTelemetry being there.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

log = logging.getLogger(__name__)

try:
    from opentelemetry import propagate, trace
    from opentelemetry.trace import SpanKind, Status, StatusCode
except ImportError:  # the `otel` extra is not installed
    propagate = None  # type: ignore[assignment]
    trace = None  # type: ignore[assignment]

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
_TRACER_NAME = "planops"


def available() -> bool:
    return trace is not None


_configured = False
# The provider spans go to: the global one, unless `use_provider` chose another (tests).
_provider: Any = None


def configure(service: str, env: Mapping[str, str]) -> bool:
    """Export spans over OTLP when an endpoint is configured; True when tracing is on.
    Once per process: services sharing a process (in tests) share the exporter."""
    global _configured
    if _configured:
        return True
    if not any(env.get(name) for name in ENDPOINT_VARIABLES):
        return False
    if trace is None:
        log.warning(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed"
            " (pip install 'planops[otel]'); no traces"
        )
        return False
    try:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        log.warning("the OTLP exporter is not installed (pip install 'planops[otel]'); no traces")
        return False
    provider = TracerProvider(
        resource=Resource.create({"service.name": env.get("OTEL_SERVICE_NAME") or service})
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _configured = True
    log.info("traces go to %s", next(env[n] for n in ENDPOINT_VARIABLES if env.get(n)))
    return True


@contextlib.contextmanager
def server_span(method: str, metadata: Mapping[str, str]) -> Iterator[Any]:
    """A span for one incoming call, continuing the caller's trace (`traceparent`)."""
    if trace is None or propagate is None or not (_configured or _provider is not None):
        yield None
        return
    parent = propagate.extract(dict(metadata))
    tracer = trace.get_tracer(_TRACER_NAME, tracer_provider=_provider)
    service, _, name = method.lstrip("/").partition("/")
    with tracer.start_as_current_span(
        method.lstrip("/"),
        context=parent,
        kind=SpanKind.SERVER,
        attributes={"rpc.system": "grpc", "rpc.service": service, "rpc.method": name},
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        yield span


def use_provider(provider: Any) -> None:
    """Send spans to `provider` instead of the global one; None goes back to the global."""
    global _provider
    _provider = provider


def set_code(span: Any, code: str) -> None:
    if span is None or trace is None:
        return
    span.set_attribute("rpc.grpc.status_code_name", code)
    if code not in ("OK", "CANCELLED"):
        span.set_status(Status(StatusCode.ERROR, code))


def inject(carrier: MutableMapping[str, str]) -> None:
    """Put the current trace context (`traceparent`) into outgoing metadata."""
    if propagate is not None and (_configured or _provider is not None):
        propagate.inject(carrier)
