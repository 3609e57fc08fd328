"""Signing, verification, backoff and event-type matching, without a network."""

from __future__ import annotations

import random

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


def test_a_bad_subscription_names_each_field() -> None:
    found = {v.field for v in check("ftp://x", ["core.task.created", "nope", ""], "d" * 501)}
    assert found == {
        "webhook.url",
        "webhook.event_types[1]",
        "webhook.event_types[2]",
        "webhook.description",
    }
    assert check("https://hooks.example.com/planops", ["core.*"], "") == []
