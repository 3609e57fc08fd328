"""Token buckets per API key: a steady rate with room for bursts."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """`rate` calls per second on average, up to `burst` at once; a rate of 0 is no limit."""

    rate: float = 0.0
    burst: int = 0

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    @property
    def capacity(self) -> float:
        return float(max(self.burst, 1))


class Buckets:
    """One bucket per key. `take(key)` spends a token and returns 0, or returns the seconds
    until a token will be there (and spends nothing)."""

    def __init__(
        self,
        limit: RateLimit,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.limit = limit
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        if not self.limit.enabled:
            return 0.0
        now = self.clock()
        capacity = self.limit.capacity
        tokens, last = self._buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - last) * self.limit.rate)
        if tokens >= 1.0:
            self._remember(key, tokens - 1.0, now)
            return 0.0
        self._remember(key, tokens, now)
        return (1.0 - tokens) / self.limit.rate

    def _remember(self, key: str, tokens: float, now: float) -> None:
        if key not in self._buckets and len(self._buckets) >= self.max_keys:
            self._forget_full(now)
        self._buckets[key] = (tokens, now)

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled: forgetting them changes nothing."""
        capacity, rate = self.limit.capacity, self.limit.rate
        self._buckets = {
            k: (tokens, last)
            for k, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * rate < capacity
        }
        if len(self._buckets) >= self.max_keys:
            # Every bucket is busy: drop the oldest half rather than grow without bound.
            kept = sorted(self._buckets.items(), key=lambda item: item[1][1])[self.max_keys // 2 :]
            self._buckets = dict(kept)

    def __len__(self) -> int:
        return len(self._buckets)
