"""Probabilities as a person reads them: never "0 %" or "100 %" unless it is certain, and
with the evidence behind them.

A calibrated model that says 0.998 has not seen certainty; it has seen a few hundred tasks
like this one that were all late. Rounding that to "100 %" tells a manager there is nothing
left to do. The same rules are used by the CLI, alerts and the demo.
"""

from __future__ import annotations

import math


def percent(p: float, *, certain: bool = False) -> str:
    """`37%`, `<1%`, `>99%`; `0%` and `100%` only when ``certain`` (for example a task that
    is already past its due date, or no deadline at all)."""
    if math.isnan(p):
        return "-"
    if certain or 0.01 <= p <= 0.99:
        return f"{round(min(max(p, 0.0), 1.0) * 100)}%"
    return "<1%" if p < 0.01 else ">99%"


def span(low: float, high: float) -> str:
    """A range of probabilities, `25–50%`, widened outward to whole points and kept within
    1–99 % (a range's end is not a claim of certainty either)."""
    lo = min(max(math.floor(low * 100), 1), 99)
    hi = max(min(math.ceil(high * 100), 99), lo)
    return f"{lo}–{hi}%"


def with_evidence(p: float, *, low: float, high: float, similar: int, late: int = -1) -> str:
    """`37% (25–50%, 41 similar tasks, 15 late)`, or `37% (no past tasks: a default)`."""
    if similar <= 0:
        return f"{percent(p)} (no past tasks: a default)"
    counted = f", {late} late" if late >= 0 else ""
    tasks = "task" if similar == 1 else "tasks"
    return f"{percent(p)} ({span(low, high)}, {similar} similar {tasks}{counted})"
