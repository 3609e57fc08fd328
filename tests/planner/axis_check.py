"""An independent checker for plans on the working-day axis: shares no code with the
solver, the list scheduler or the genetic algorithm, and reads the rules from the model's
definitions alone (`tests/planner/checker.py` is its dated counterpart)."""

from __future__ import annotations

from services.planner.model import AxisProblem, AxisSchedule, DependencyType


def violations(problem: AxisProblem, schedule: AxisSchedule) -> list[str]:
    """Every axis rule `schedule` breaks: one mode and start per activity, pins, releases,
    the horizon, closed days, each link by its type and lag, and each resource's capacity on
    every day an activity uses it (its blocked usage counted)."""
    n = len(problem.activities)
    if len(schedule.starts) != n or len(schedule.modes) != n:
        return ["wrong length"]
    found: list[str] = []
    start: list[int] = []
    end: list[int] = []
    usage: dict[tuple[int, int], int] = {}
    for r, resource in enumerate(problem.resources):
        for b_start, b_end, amount in resource.blocked:
            for t in range(b_start, b_end):
                usage[(r, t)] = usage.get((r, t), 0) + amount
    worked: set[tuple[int, int]] = set()
    for a, activity in enumerate(problem.activities):
        m = schedule.modes[a]
        if not 0 <= m < len(activity.modes):
            return [f"activity {a}: no mode {m}"]
        mode = activity.modes[m]
        start.append(schedule.starts[a])
        end.append(schedule.starts[a] + mode.duration)
        if activity.fixed_start is not None and start[a] != activity.fixed_start:
            found.append(f"activity {a}: pinned at {activity.fixed_start}, starts {start[a]}")
        if start[a] < max(0, activity.release):
            found.append(f"activity {a}: starts {start[a]} before its release")
        if problem.horizon is not None and end[a] > problem.horizon:
            found.append(f"activity {a}: ends after the horizon")
        for c_start, c_end in activity.closed:
            if mode.duration and c_start < end[a] and start[a] < c_end:
                found.append(f"activity {a}: touches closed days {c_start}-{c_end}")
        for r, amount in mode.demands:
            for t in range(start[a], end[a]):
                usage[(r, t)] = usage.get((r, t), 0) + amount
                if amount > 0:
                    worked.add((r, t))
    # A day over capacity from blocked usage alone is the problem's, not the plan's.
    for r, t in sorted(worked):
        if usage[(r, t)] > problem.resources[r].capacity:
            found.append(f"resource {r} day {t}: {usage[(r, t)]} > {problem.resources[r].capacity}")
    for link in problem.links:
        p, s = link.predecessor, link.successor
        left = end[s] if link.type in (DependencyType.FF, DependencyType.SF) else start[s]
        right = end[p] if link.type in (DependencyType.FS, DependencyType.FF) else start[p]
        if left < right + link.lag:
            found.append(f"link {p}->{s} {link.type.name} lag {link.lag} broken")
    return found
