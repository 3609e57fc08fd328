"""Latency percentiles shared by the benchmarks (nearest rank, so a reported p99 is a
latency that was really measured)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0-100) of `values` by nearest rank; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))]


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    """p50, p95, p99 and mean of latencies in milliseconds, rounded for a JSON report."""
    return {
        "p50_ms": round(percentile(values, 50), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "mean_ms": round(sum(values) / len(values), 2) if values else math.nan,
    }
