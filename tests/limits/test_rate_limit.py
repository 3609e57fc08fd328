"""Rate limits per API key: token buckets in the common interceptor."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from planops.core.v1 import api_key_service_pb2

from services.common.config import ConfigError, Env
from services.common.errors import reason_of, retry_delay_of
from services.common.ratelimit import Buckets, RateLimit
from services.common.server import ServerOptions
from tests.core.helpers import VIEWER, Client, refused
from tests.limits.stacks import core_with


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_and_the_next_call_waits_for_a_token() -> None:
    clock = FakeClock()
    buckets = Buckets(RateLimit(rate=2.0, burst=3), clock=clock)
    assert [buckets.take("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("k") == pytest.approx(0.5)
    clock.now += 0.5
    assert buckets.take("k") == 0.0
    assert buckets.take("k") > 0


def test_keys_have_buckets_of_their_own() -> None:
    buckets = Buckets(RateLimit(rate=1.0, burst=1), clock=FakeClock())
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0
    assert buckets.take("b") == 0.0


def test_a_refused_call_spends_nothing() -> None:
    clock = FakeClock()
    buckets = Buckets(RateLimit(rate=1.0, burst=1), clock=clock)
    buckets.take("k")
    for _ in range(10):
        buckets.take("k")
    clock.now += 1.0
    assert buckets.take("k") == 0.0


def test_a_rate_of_zero_never_limits() -> None:
    buckets = Buckets(RateLimit(), clock=FakeClock())
    assert all(buckets.take("k") == 0.0 for _ in range(1000))
    assert len(buckets) == 0


def test_many_keys_do_not_grow_memory_without_bound() -> None:
    clock = FakeClock()
    buckets = Buckets(RateLimit(rate=1.0, burst=5), clock=clock, max_keys=100)
    for i in range(1000):
        buckets.take(f"key-{i}")
        clock.now += 0.001
    assert len(buckets) <= 100


def test_limits_come_from_the_environment_per_service() -> None:
    options = ServerOptions.from_env(
        Env(
            {
                "PLANOPS_CORE_RATE_LIMIT": "5",
                "PLANOPS_CORE_RATE_BURST": "7",
                "PLANOPS_CORE_SERVICE_RATE_LIMIT": "100",
                "PLANOPS_CORE_MAX_MESSAGE_BYTES": "65536",
                "PLANOPS_CORE_METRICS_ADDRESS": "127.0.0.1:9464",
                "PLANOPS_PLANNER_RATE_LIMIT": "1",
            }
        ),
        "core",
    )
    assert options.person_rate == RateLimit(rate=5.0, burst=7)
    assert options.service_rate == RateLimit(rate=100.0, burst=200)
    assert options.max_message_bytes == 65536
    assert options.metrics_address == "127.0.0.1:9464"
    defaults = ServerOptions.from_env(Env({}), "planner")
    assert defaults.person_rate == RateLimit(rate=50.0, burst=100)
    assert not defaults.service_rate.enabled
    assert defaults.max_message_bytes == 8 * 1024 * 1024
    assert defaults.metrics_address is None
    shared = ServerOptions.from_env(Env({"PLANOPS_METRICS_ADDRESS": ":9000"}), "risk")
    assert shared.metrics_address == ":9000"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PLANOPS_NLP_RATE_LIMIT", "-1"),
        ("PLANOPS_NLP_RATE_LIMIT", "many"),
        ("PLANOPS_NLP_RATE_BURST", "0"),
        ("PLANOPS_NLP_MAX_MESSAGE_BYTES", "10"),
    ],
)
def test_bad_limits_name_their_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        ServerOptions.from_env(Env({variable: value}), "nlp")


async def test_a_key_over_its_rate_gets_resource_exhausted_with_a_retry_hint(
    database_url: str, nats_url: str, tmp_path: Path
) -> None:
    # One token each 5 s: the burst of 3 passes and the 4th call is refused, however slow
    # this machine is.
    options = ServerOptions(
        person_rate=RateLimit(rate=0.2, burst=3), rate_limit_variable="PLANOPS_CORE_RATE_LIMIT"
    )
    async with core_with(
        database_url=database_url, nats_url=nats_url, home=tmp_path, options=options
    ) as core:
        admin = Client(core)
        await admin.create_project("promo")
        ann = Client(core, await admin.add_person("ann", project="promo", roles=[VIEWER]))
        bob = Client(core, await admin.add_person("bob", project="promo", roles=[VIEWER]))
        request = api_key_service_pb2.GetCallerRequest()
        for _ in range(3):
            await ann.keys.GetCaller(request, metadata=ann.md)

        call = ann.keys.GetCaller(request, metadata=ann.md)
        error = await refused(call, grpc.StatusCode.RESOURCE_EXHAUSTED)
        assert reason_of(error) == "RATE_LIMITED"
        assert "PLANOPS_CORE_RATE_LIMIT" in (error.details() or "")
        delay = retry_delay_of(error)
        assert delay is not None and 0 < delay <= 5.0
        status = rpc_status.from_call(error)
        assert status is not None
        info = error_details_pb2.ErrorInfo()
        assert status.details[0].Unpack(info)
        assert info.metadata["limit"] == "PLANOPS_CORE_RATE_LIMIT"
        assert info.metadata["rate_per_second"] == "0.2"
        assert int(info.metadata["retry_after_ms"]) > 0
        trailing = dict(error.trailing_metadata() or ())
        assert int(trailing["retry-after-ms"]) == int(info.metadata["retry_after_ms"])

        # Other keys are not affected, and service keys (the admin's) are not limited here.
        await bob.keys.GetCaller(request, metadata=bob.md)
        for _ in range(10):
            await admin.keys.GetCaller(request, metadata=admin.md)
