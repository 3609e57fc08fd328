"""Signing, verification, backoff and event-type matching, without a network."""

from __future__ import annotations

import random

from services.automation.egress import EgressPolicy
from services.automation.webhooks import (
    backoff_seconds,
    check,
    event_type_of,
    signature_header,
    verify,
    wanted,
)


def test_a_receiver_verifies_the_signature_and_refuses_tampering_and_replays() -> None:
    body = b'{"id":"e1"}'
    header = signature_header("whsec_x", timestamp=1_000_000, body=body)
    assert verify("whsec_x", header=header, body=body, now=1_000_010)
    assert not verify("whsec_x", header=header, body=body + b" ", now=1_000_010)
    assert not verify("whsec_other", header=header, body=body, now=1_000_010)
    assert not verify("whsec_x", header=header, body=body, now=1_000_000 + 3600)
    assert not verify("whsec_x", header="garbage", body=body, now=1_000_000)


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    waits = [backoff_seconds(n, base=2, cap=60, rng=rng) for n in range(1, 9)]
    for n, wait in enumerate(waits, start=1):
        nominal = min(60, 2 * 2 ** (n - 1))
        assert 0.5 * nominal <= wait <= 1.5 * nominal
    assert len({round(w, 6) for w in waits}) == len(waits)


def test_event_types_and_patterns() -> None:
    assert event_type_of("planops.core.v1.task.created") == "core.task.created"
    assert event_type_of("planops.risk.v1.alert.raised") == "risk.alert.raised"
    assert wanted("core.task.created", ["core.task.*"])
    assert wanted("risk.alert.raised", ["*"])
    assert not wanted("core.comment.created", ["core.task.*", "risk.alert.raised"])
    assert not wanted("core.taskx.created", ["core.task.*"])


POLICY = EgressPolicy.default()


def test_a_bad_subscription_names_each_field() -> None:
    found = {
        v.field
        for v in check("ftp://x", ["core.task.created", "nope", ""], "d" * 501, policy=POLICY)
    }
    assert found == {
        "webhook.url",
        "webhook.event_types[1]",
        "webhook.event_types[2]",
        "webhook.description",
    }
    assert check("https://hooks.example.com/planops", ["core.*"], "", policy=POLICY) == []


def test_a_subscription_to_this_host_or_the_metadata_endpoint_is_refused() -> None:
    for url in (
        "http://127.0.0.1:1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:127.0.0.1]/",
        "http://[::1]:8080/",
        "http://0.0.0.0/",
        "http://2130706433/",
        "http://127.1/",
        "http://LOCALHOST:9000/hook",
        "http://localhost./",
        "http://api.localhost/",
    ):
        found = check(url, ["*"], "", policy=POLICY)
        assert [v.field for v in found] == ["webhook.url"], url
        assert "refused by the egress policy" in found[0].description, url
    # The office network is the main use; names are only checked when a delivery resolves them.
    for url in (
        "http://10.1.2.3/oa",
        "https://192.168.1.20:8443/erp",
        "http://[fd00::5]/crm",
        "http://localhost.example.com/",
        "https://hooks.example.com/",
    ):
        assert check(url, ["*"], "", policy=POLICY) == [], url
    loopback = EgressPolicy.of(("127.0.0.0/8",), ("127.0.0.1/32",))
    assert check("http://127.0.0.1:1/x", ["*"], "", policy=loopback) == []
    assert check("http://localhost:1/x", ["*"], "", policy=loopback) == []
    assert check("http://127.0.0.2:1/x", ["*"], "", policy=loopback) != []
