"""Large neighbourhood search that drives CP-SAT on makespan problems.

With two workers CP-SAT runs one complete search and one thread shared by all its LNS
helpers, which in a 20-s limit tries only a few dozen neighbourhoods. This loop does the
neighbourhood search itself and gives every sub-solve all the workers: most of the
incumbent is held (each held activity keeps its mode and, on every resource it uses, its
order relative to the other held activities), a block of activities is freed, and CP-SAT
re-solves that small model in a fraction of a second. Holding the order rather than the
dates lets the whole plan slide left around the freed block.

Every sub-model is the full model plus constraints the incumbent satisfies, so every
answer is a plan of the full problem and the incumbent is never lost.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from services.planner.model import AxisActivity, AxisProblem, AxisSchedule

log = logging.getLogger(__name__)

# Share of the limit the first, complete CP-SAT search gets before the loop takes over: it
# proves the easy instances optimal and gives the loop its lower bound.
FIRST_SHARE = 0.5
# Below this much time the loop does not start: a few sub-solves cannot pay for the first
# search being cut short.
MIN_LIMIT_S = 4.0
_SUB_LIMIT_S = 0.25
_MIN_FREE = 6
_CRITICAL_SHARE = 0.3
# Neighbourhoods in a row without a shorter plan after which `restart` (when given) gets
# the incumbent: the loop has settled in one basin and another search may leave it.
STALL = 10


def applies(problem: AxisProblem) -> bool:
    """Whether the loop may run: makespan is the whole objective and every held activity's
    end is its start plus its mode's duration (no crews, no pauses)."""
    from services.planner import solver

    return (
        len(problem.activities) >= 2 * _MIN_FREE
        and solver._is_pure_makespan(problem)
        and all(a.crew is None and not any(m.gaps for m in a.modes) for a in problem.activities)
    )


@dataclass(frozen=True)
class Outcome:
    schedule: AxisSchedule
    objective: float
    neighbourhoods: int
    improvements: int


def _chains(
    problem: AxisProblem, schedule: AxisSchedule, held: Sequence[int]
) -> list[tuple[int, int, int]]:
    """(before, after, before's duration) so that the held activities keep, per resource,
    the order they have in `schedule`.

    Per resource only the first activities after each one's end are linked (those starting
    before the earliest end among its successors); the rest follow by transitivity along
    the same resource. Two held activities that did not overlap then never overlap, so no
    time has more of them running at once than the incumbent had.
    """
    users: dict[int, list[tuple[int, int, int]]] = {}
    for a in held:
        mode = problem.activities[a].modes[schedule.modes[a]]
        if mode.duration == 0:
            continue
        for r, amount in mode.demands:
            if amount > 0:
                start = schedule.starts[a]
                users.setdefault(r, []).append((start, start + mode.duration, a))
    pairs: set[tuple[int, int, int]] = set()
    for items in users.values():
        items.sort()
        starts = [s for s, _, _ in items]
        for _, end, a in items:
            # Items from the first one starting at or after `end`.
            lo, hi = 0, len(items)
            while lo < hi:
                mid = (lo + hi) // 2
                if starts[mid] < end:
                    lo = mid + 1
                else:
                    hi = mid
            if lo == len(items):
                continue
            first_end = min(e for _, e, _ in items[lo:])
            for s, _, b in items[lo:]:
                if s >= first_end:
                    break
                pairs.add((a, b, end - schedule.starts[a]))
    return sorted(pairs)


def _held_problem(
    problem: AxisProblem, schedule: AxisSchedule, held: set[int]
) -> tuple[AxisProblem, AxisSchedule]:
    """The problem with each held activity reduced to its incumbent mode (index 0)."""
    activities: list[AxisActivity] = []
    modes: list[int] = []
    for a, activity in enumerate(problem.activities):
        m = schedule.modes[a]
        if a in held and len(activity.modes) > 1:
            preferred = 0 if activity.preferred_mode == m else None
            activities.append(
                replace(activity, modes=(activity.modes[m],), preferred_mode=preferred)
            )
            modes.append(0)
        else:
            activities.append(activity)
            modes.append(m)
    sub = replace(problem, activities=tuple(activities))
    return sub, AxisSchedule(starts=schedule.starts, modes=tuple(modes))


class _Neighbourhoods:
    """Which activities to free: a window of the plan in start order, or a resource's
    activities around one of them, or a random set."""

    def __init__(self, problem: AxisProblem, *, seed: int) -> None:
        self._problem = problem
        self._rng = random.Random(seed)
        n = len(problem.activities)
        self._movable = [a for a in range(n) if problem.activities[a].fixed_start is None]
        self.size: float = max(_MIN_FREE, min(len(self._movable) // 4, 15))

    def pick(self, schedule: AxisSchedule) -> set[int]:
        k = min(len(self._movable), max(_MIN_FREE, round(self.size)))
        rng = self._rng
        kind = rng.random()
        if kind < _CRITICAL_SHARE:
            return self._critical(schedule, k)
        if kind < 0.6:
            order = sorted(self._movable, key=lambda a: (schedule.starts[a], a))
            first = rng.randrange(0, max(1, len(order) - k + 1))
            return set(order[first : first + k])
        if kind < 0.85:
            centre = rng.choice(self._movable)
            resources = {
                r
                for r, q in self._problem.activities[centre].modes[schedule.modes[centre]].demands
                if q > 0
            }
            sharing = [
                a
                for a in self._movable
                if any(
                    r in resources and q > 0
                    for r, q in self._problem.activities[a].modes[schedule.modes[a]].demands
                )
            ] or self._movable
            at = schedule.starts[centre]
            sharing.sort(key=lambda a: (abs(schedule.starts[a] - at), rng.random()))
            return set(sharing[:k])
        return set(rng.sample(self._movable, k))

    def _uses(self, schedule: AxisSchedule, a: int) -> set[int]:
        mode = self._problem.activities[a].modes[schedule.modes[a]]
        return {r for r, q in mode.demands if q > 0} if mode.duration > 0 else set()

    def _critical(self, schedule: AxisSchedule, k: int) -> set[int]:
        """A stretch of a critical chain: from an activity ending at the makespan, back
        through predecessors or same-resource activities that end where it starts."""
        problem, rng = self._problem, self._rng
        n = len(problem.activities)
        ends = [schedule.end(problem, a) for a in range(n)]
        makespan = max(ends)
        uses = [self._uses(schedule, a) for a in range(n)]
        tight: list[list[int]] = [[] for _ in range(n)]
        for link in problem.links:
            p, b = link.predecessor, link.successor
            if ends[p] == schedule.starts[b] or schedule.starts[p] + link.lag == schedule.starts[b]:
                tight[b].append(p)
        by_end: dict[int, list[int]] = {}
        for a in range(n):
            by_end.setdefault(ends[a], []).append(a)
        chain: list[int] = []
        current = rng.choice([a for a in range(n) if ends[a] == makespan])
        seen = {current}
        while True:
            chain.append(current)
            before = tight[current] + [
                a for a in by_end.get(schedule.starts[current], []) if uses[a] & uses[current]
            ]
            before = [a for a in before if a not in seen]
            if not before:
                break
            current = rng.choice(before)
            seen.add(current)
        movable = set(self._movable)
        chain = [a for a in chain if a in movable]
        if len(chain) > k:
            first = rng.randrange(0, len(chain) - k + 1)
            return set(chain[first : first + k])
        freed = set(chain)
        if len(freed) < k:
            at = schedule.starts[chain[len(chain) // 2]] if chain else rng.randrange(makespan + 1)
            rest = sorted(
                (a for a in self._movable if a not in freed),
                key=lambda a: (abs(schedule.starts[a] - at), rng.random()),
            )
            freed.update(rest[: k - len(freed)])
        return freed

    def adapt(self, *, exhausted: bool) -> None:
        """Grow when the sub-solve proved its neighbourhood, shrink when it ran out of time."""
        limit = len(self._movable)
        self.size = min(limit, self.size * 1.1) if exhausted else max(_MIN_FREE, self.size * 0.9)


def search(
    problem: AxisProblem,
    *,
    incumbent: AxisSchedule,
    lower_bound: float | None,
    deadline: float,
    num_workers: int,
    seed: int = 0,
    stopped: Callable[[], bool] = lambda: False,
    on_stop: Callable[[Callable[[], None]], None] | None = None,
    on_improve: Callable[[AxisSchedule, float], None] | None = None,
    restart: Callable[[AxisSchedule], AxisSchedule | None] | None = None,
) -> Outcome:
    """Improve `incumbent` until `deadline` (`time.monotonic()`), the bound, or a stop.

    After `STALL` neighbourhoods without a shorter plan, `restart` (when given) searches
    from the incumbent by other means; its plan replaces the incumbent when it scores no
    worse. Never returns a plan scoring worse than `incumbent`.
    """
    from services.planner import solver as engine

    best = incumbent
    best_value = engine.objective_value(problem, incumbent)
    neighbourhoods = _Neighbourhoods(problem, seed=seed)
    current: list[cp_model.CpSolver] = []

    def halt() -> None:
        for s in current:
            s.stop_search()

    if on_stop is not None:
        on_stop(halt)
    tried = improvements = stale = 0
    while not stopped():
        if lower_bound is not None and best_value <= lower_bound:
            break
        left = deadline - time.monotonic()
        if left < 0.05:
            break
        if restart is not None and stale >= STALL:
            stale = 0
            found = restart(best)
            if found is not None:
                value = engine.objective_value(problem, found)
                if value < best_value:
                    improvements += 1
                    if on_improve is not None:
                        on_improve(found, value)
                if value <= best_value:
                    best, best_value = found, value
            continue
        freed = neighbourhoods.pick(best)
        held = [a for a in range(len(problem.activities)) if a not in freed]
        sub, hint = _held_problem(problem, best, set(held))
        built = engine._build(sub, horizon=engine._horizon(sub, hint), hint=hint, guard=False)
        model = built.model
        model.add(built.makespan <= best.makespan(problem))
        for a, b, duration in _chains(problem, best, held):
            model.add(built.starts[b] >= built.starts[a] + duration)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = min(_SUB_LIMIT_S, left)
        params.num_workers = num_workers
        params.random_seed = seed + tried
        params.push_all_tasks_toward_start = True
        # Presolve costs a third of a quarter-second sub-solve and finds little here.
        params.cp_model_presolve = False
        current[:] = [solver]
        if stopped():
            break
        code = solver.solve(model)
        current.clear()
        tried += 1
        log.debug(
            "neighbourhood %d: %d freed, solve %.2fs, %s, %s -> %s",
            tried,
            len(freed),
            solver.wall_time,
            solver.status_name(code),
            best_value,
            solver.objective_value if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None,
        )
        stale += 1
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            neighbourhoods.adapt(exhausted=False)
            continue
        neighbourhoods.adapt(exhausted=code == cp_model.OPTIMAL)
        found = engine._schedule_of(solver, built)
        schedule = AxisSchedule(
            starts=found.starts,
            modes=tuple(
                best.modes[a] if a in held else found.modes[a]
                for a in range(len(problem.activities))
            ),
        )
        value = engine.objective_value(problem, schedule)
        if value <= best_value:
            if value < best_value:
                improvements += 1
                stale = 0
                if on_improve is not None:
                    on_improve(schedule, value)
            # Equal plans are taken too: moving along a plateau changes what the next
            # neighbourhoods can reach.
            best, best_value = schedule, value
    return Outcome(
        schedule=best, objective=best_value, neighbourhoods=tried, improvements=improvements
    )
