"""Webhooks without I/O: which events a subscription takes, how a delivery is signed and
verified, and when a failed one is tried again."""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from services.automation import egress
from services.common.errors import FieldViolation

SIGNATURE_HEADER = "PlanOps-Signature"
TIMESTAMP_HEADER = "PlanOps-Timestamp"
EVENT_ID_HEADER = "PlanOps-Event-Id"
EVENT_TYPE_HEADER = "PlanOps-Event-Type"
DELIVERY_HEADER = "PlanOps-Delivery"
EVENT_TYPE = re.compile(r"^(\*|(core|risk|automation)(\.\*|\.[a-z_]+(\.\*|\.[a-z_]+)?))\Z")
MAX_URL = 2000
MAX_EVENT_TYPES = 50


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, *, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of `{timestamp}.{body}` under `secret`."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, *, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp=timestamp, body=body)}"


def verify(
    secret: str, *, header: str, body: bytes, now: float, tolerance_seconds: float = 300
) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent (so a
    recorded request cannot be replayed later)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, parts.get("v1", ""))


def backoff_seconds(
    attempt: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Wait before attempt `attempt + 1`: base·2^(attempt-1), capped, with ±50% jitter so
    receivers coming back from an outage are not hit by every delivery at once."""
    delay: float = min(cap, base * 2.0 ** max(0, attempt - 1))
    jitter: float = (rng or random).random()
    return delay * (0.5 + jitter)


def wanted(event_type: str, patterns: Iterable[str]) -> bool:
    for p in patterns:
        if p == "*" or p == event_type or (p.endswith(".*") and event_type.startswith(p[:-1])):
            return True
    return False


def event_type_of(subject: str) -> str:
    """`planops.core.v1.task.created` -> `core.task.created`."""
    parts = subject.split(".")
    if len(parts) >= 4 and parts[0] == "planops":
        return ".".join([parts[1], *parts[3:]])
    return subject


def _http_host(url: str) -> str | None:
    """The host of an absolute http(s) URL, or None."""
    # urlsplit and .hostname raise ValueError on a broken host ("http://[::1", "http://[x]",
    # a netloc that NFKC turns into another): such a URL is malformed, not a server error.
    try:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname:
            return parts.hostname
    except ValueError:
        pass
    return None


def check(
    url: str, event_types: Sequence[str], description: str, *, policy: egress.EgressPolicy
) -> list[FieldViolation]:
    """What is wrong with a subscription. A host that is a refused literal address or
    `localhost` is refused here; other names are checked when a delivery resolves them
    (what a name points to can change after this)."""
    found: list[FieldViolation] = []
    host = _http_host(url)
    if not url:
        found.append(FieldViolation("webhook.url", "is required"))
    elif len(url) > MAX_URL:
        found.append(FieldViolation("webhook.url", f"must be at most {MAX_URL} characters"))
    elif host is None:
        found.append(FieldViolation("webhook.url", "must be an absolute http:// or https:// URL"))
    elif (reason := egress.host_refusal(host, policy)) is not None:
        found.append(FieldViolation("webhook.url", f"is {egress.message(reason)}"))
    if not event_types:
        found.append(FieldViolation("webhook.event_types", "must name at least one event type"))
    elif len(event_types) > MAX_EVENT_TYPES:
        found.append(FieldViolation("webhook.event_types", f"must name at most {MAX_EVENT_TYPES}"))
    for i, t in enumerate(event_types):
        if not EVENT_TYPE.match(t):
            found.append(
                FieldViolation(
                    f"webhook.event_types[{i}]",
                    "must be like core.task.created, risk.alert.raised, core.task.* or *",
                )
            )
    if len(description) > 500:
        found.append(FieldViolation("webhook.description", "must be at most 500 characters"))
    return found


def headers(
    *, secret: str, timestamp: int, body: bytes, event_id: str, event_type: str, delivery: str
) -> Mapping[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "PlanOps-Webhooks/1",
        SIGNATURE_HEADER: signature_header(secret, timestamp=timestamp, body=body),
        TIMESTAMP_HEADER: str(timestamp),
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        DELIVERY_HEADER: delivery,
    }
