"""Dependency graph checks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def path(edges: Iterable[tuple[int, int]], *, start: int, goal: int) -> list[int] | None:
    """A path start → ... → goal along `edges`, or None; used to name the cycle a new edge closes."""
    successors: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        successors[a].append(b)
    previous: dict[int, int] = {}
    frontier, seen = [start], {start}
    while frontier:
        node = frontier.pop()
        if node == goal:
            trail = [goal]
            while trail[-1] != start:
                trail.append(previous[trail[-1]])
            return trail[::-1]
        for nxt in successors[node]:
            if nxt not in seen:
                seen.add(nxt)
                previous[nxt] = node
                frontier.append(nxt)
    return None
