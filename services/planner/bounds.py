"""A lower bound on the makespan from the work each group of people must do.

CP-SAT sees every person as a separate resource whose tasks are optional intervals, so its
bound comes from precedence and from one person at a time. When many tasks can go to any
of a few people, the binding limit is their shared work: the tasks only the group G can do
need at least E(G) person-days, G offers C(G) a day less time off, so no plan ends before
the first day T with C(G)·T − off(G, T) ≥ E(G). On the iMOPSE sets that bound is often the
optimum, where CP-SAT's own bound stays 20–40 % lower and the search runs out its limit
trying to close a gap that is not there.

Candidate groups are the sets of people who can do some task, their unions in pairs among
the densest, and everyone; the bound is the largest over them.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from services.planner.model import AxisProblem, AxisResource

# Pairs are formed among this many of the densest single groups.
_DENSEST = 16


@dataclass(frozen=True)
class _Capacity:
    """A person's capacity over the axis: `free(T)` is what they offer on days [0, T)."""

    capacity: int
    # Breakpoints of the blocked amount (clipped to capacity) and the blocked total before each.
    times: tuple[int, ...]
    amounts: tuple[int, ...]
    blocked_before: tuple[int, ...]

    @classmethod
    def of(cls, resource: AxisResource) -> _Capacity:
        events: dict[int, int] = {}
        for start, end, amount in resource.blocked:
            start = max(start, 0)
            if end <= start or amount <= 0:
                continue
            events[start] = events.get(start, 0) + amount
            events[end] = events.get(end, 0) - amount
        times: list[int] = []
        amounts: list[int] = []
        before: list[int] = []
        level = total = 0
        previous = 0
        for t in sorted(events):
            total += min(level, resource.capacity) * (t - previous)
            level += events[t]
            times.append(t)
            amounts.append(min(level, resource.capacity))
            before.append(total)
            previous = t
        return cls(resource.capacity, tuple(times), tuple(amounts), tuple(before))

    def free(self, horizon: int) -> int:
        i = bisect.bisect_right(self.times, horizon) - 1
        blocked = (
            0 if i < 0 else self.blocked_before[i] + self.amounts[i] * (horizon - self.times[i])
        )
        return self.capacity * horizon - blocked


def _first_day(capacities: Sequence[_Capacity], work: int) -> int:
    """The smallest T with the group's free capacity on [0, T) at least `work`."""

    def free(t: int) -> int:
        return sum(c.free(t) for c in capacities)

    total = sum(c.capacity for c in capacities)
    if work <= 0 or total <= 0:
        return 0
    high = max(1, -(-work // total))
    while free(high) < work:
        high *= 2
    low = 0
    while low < high:
        mid = (low + high) // 2
        if free(mid) >= work:
            high = mid
        else:
            low = mid + 1
    return low


def makespan_floor(problem: AxisProblem) -> int:
    """No plan of `problem` ends before this day: the largest group bound (0 when none)."""
    people = [r for r, resource in enumerate(problem.resources) if resource.is_person]
    if not people:
        return 0
    is_person = set(people)
    work: dict[frozenset[int], int] = {}
    for activity in problem.activities:
        # Only work known to lie inside [0, makespan) counts.
        start = activity.fixed_start if activity.fixed_start is not None else activity.release
        if start < 0 or activity.crew is not None:
            continue
        group: set[int] = set()
        least: int | None = None
        for mode in activity.modes:
            used = [(r, q) for r, q in mode.demands if r in is_person and q > 0]
            if not used:
                least = 0
                break
            group.update(r for r, _ in used)
            energy = mode.duration * sum(q for _, q in used)
            least = energy if least is None else min(least, energy)
        if least:
            key = frozenset(group)
            work[key] = work.get(key, 0) + least
    if not work:
        return 0
    capacities = {r: _Capacity.of(problem.resources[r]) for r in people}

    def bound(group: frozenset[int]) -> int:
        needed = sum(w for g, w in work.items() if g <= group)
        return _first_day([capacities[r] for r in group], needed)

    singles = sorted(work, key=lambda g: work[g] / len(g), reverse=True)[:_DENSEST]
    candidates = set(singles) | {frozenset().union(*work)}
    candidates.update(a | b for a, b in itertools.combinations(singles, 2))
    return max(bound(g) for g in candidates)
