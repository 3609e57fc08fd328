"""Metrics endpoint, request ids and traces, without subprocesses."""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from planops.core.v1 import api_key_service_pb2

from services.common import metrics, tracing
from services.common.core_client import metadata_for
from services.common.logs import request_id_var
from services.common.server import request_id_of
from tests.conftest import CoreUnderTest
from tests.core.helpers import Client


def test_metrics_addresses() -> None:
    assert metrics.parse_address("127.0.0.1:9464") == ("127.0.0.1", 9464)
    assert metrics.parse_address("9464") == ("127.0.0.1", 9464)
    assert metrics.parse_address(":9464") == ("0.0.0.0", 9464)
    assert metrics.parse_address("[::1]:0") == ("::1", 0)
    for bad in ("host:port", "127.0.0.1:70000"):
        with pytest.raises(ValueError, match="metrics address"):
            metrics.parse_address(bad)


def test_the_endpoint_serves_the_process_metrics() -> None:
    server = metrics.serve("127.0.0.1:0")
    try:
        metrics.set_risk_model("risk-1")
        metrics.set_risk_model("risk-2")
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics") as reply:
            text = reply.read().decode()
    finally:
        server.stop()
    assert 'planops_risk_model_info{version="risk-1"} 0.0' in text
    assert 'planops_risk_model_info{version="risk-2"} 1.0' in text
    assert "# TYPE planops_rpc_duration_seconds histogram" in text


def test_a_sensible_request_id_is_kept_and_anything_else_replaced() -> None:
    assert request_id_of((("x-request-id", "abc-123"),)) == "abc-123"
    assert request_id_of((("x-planops-request-id", "from-planner"),)) == "from-planner"
    for junk in ("", "a b", "x" * 129, "line\nbreak", '{"json": 1}'):
        found = request_id_of((("x-request-id", junk),))
        assert found != junk
        assert len(found) == 32


def test_calls_to_core_carry_the_request_id_being_served() -> None:
    token = request_id_var.set("req-42")
    try:
        headers = dict(metadata_for("key", on_behalf_of="people/ann"))
    finally:
        request_id_var.reset(token)
    assert headers["x-planops-request-id"] == "req-42"
    assert headers["x-planops-on-behalf-of"] == "people/ann"
    assert headers["authorization"] == "Bearer key"
    assert "x-planops-request-id" not in dict(metadata_for("key"))


def test_tracing_is_off_without_an_endpoint() -> None:
    assert not tracing.configure("planops-core", {})
    carrier: dict[str, str] = {}
    tracing.inject(carrier)
    assert carrier == {}


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.use_provider(provider)
    yield exporter
    tracing.use_provider(None)
    provider.shutdown()


async def test_a_call_continues_the_callers_trace(
    core: CoreUnderTest, spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    caller_span = "00f067aa0ba902b7"
    admin = Client(core)
    await admin.keys.GetCaller(
        api_key_service_pb2.GetCallerRequest(),
        metadata=(*admin.md, ("traceparent", f"00-{trace_id}-{caller_span}-01")),
    )
    await asyncio.sleep(0)
    found = [s for s in spans.get_finished_spans() if s.name.endswith("/GetCaller")]
    assert len(found) == 1
    span = found[0]
    assert span.name == "planops.core.v1.ApiKeyService/GetCaller"
    assert format(span.context.trace_id, "032x") == trace_id
    assert span.parent is not None and format(span.parent.span_id, "016x") == caller_span
    assert span.attributes is not None
    assert span.attributes["rpc.grpc.status_code_name"] == "OK"
