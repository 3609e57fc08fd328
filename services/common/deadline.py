"""The deadline of the call being served, so the work it starts gives up in time.

The call interceptor sets it from the caller's gRPC deadline; waiting for a database
connection and calls to other services take at most what is left of it, so a short client
deadline reaches the downstream call and an outage is answered `UNAVAILABLE` before the
caller's own deadline passes.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

# Kept back to send the answer (an UNAVAILABLE, say) before the caller gives up.
MARGIN_SECONDS = 0.25

deadline_var: ContextVar[float | None] = ContextVar("deadline", default=None)


def set_from_remaining(remaining: float | None) -> None:
    """Record the deadline of the call being served (`time_remaining()` of its context)."""
    deadline_var.set(None if remaining is None else time.monotonic() + remaining)


def remaining(default: float) -> float:
    """Seconds this call's work may still wait: `default`, or less when the caller's
    deadline comes sooner (never below a millisecond, so a timeout stays a timeout)."""
    deadline = deadline_var.get()
    if deadline is None:
        return default
    return max(0.001, min(default, deadline - time.monotonic() - MARGIN_SECONDS))


def ran_out() -> bool:
    """Whether the deadline of the call being served is what ended a downstream call: no more
    than the margin kept back for the answer is left of it."""
    deadline = deadline_var.get()
    return deadline is not None and deadline - time.monotonic() <= 2 * MARGIN_SECONDS
