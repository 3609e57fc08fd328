"""List scheduling on the working-day axis: the project-tool heuristic and its improvement.

`list_schedule` is what project tools do: take tasks in priority order, start each as early
as its predecessors allow, and give it to the qualified person who can finish it first
(the least loaded one on ties). `improved_schedule` runs it with several priority rules and
random perturbations, each followed by forward-backward improvement (justification), and
keeps the best; the solver uses that as a hint and to bound its horizon.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.planner import split
from services.planner.model import AxisCrew, AxisProblem, AxisSchedule, DependencyType

PRIORITY_RULES = ("lft", "lst", "mts", "grpw", "est", "tool")
# Transitive successor sets are quadratic; above this size MTS counts direct successors.
_MTS_LIMIT = 1000

_REVERSED_TYPE = {
    DependencyType.FS: DependencyType.FS,
    DependencyType.SS: DependencyType.FF,
    DependencyType.FF: DependencyType.SS,
    DependencyType.SF: DependencyType.SF,
}


@dataclass(frozen=True)
class _In:
    predecessor: int
    type: DependencyType
    lag: int


@dataclass
class _Net:
    """The axis problem flattened for fast repeated list scheduling."""

    durations: list[list[int]]
    demands: list[list[tuple[tuple[int, int], ...]]]
    persons: list[list[int | None]]
    loads: list[int]
    incoming: list[list[_In]]
    outgoing: list[list[int]]
    releases: list[int]
    fixed: list[int | None]
    capacities: list[int]
    blocked: list[tuple[int, int, int, int]]
    """(resource, start, end, amount)."""
    crews: list[AxisCrew | None]
    closed: list[tuple[tuple[int, int], ...]]
    gaps: list[list[tuple[tuple[int, int], ...]]]
    """Per activity and mode, the days off a splittable task pauses over."""

    def end(self, a: int, m: int, start: int) -> int:
        gaps = self.gaps[a][m]
        if gaps:
            return split.walk(start, self.durations[a][m], gaps)[-1][1]
        return start + self.durations[a][m]


def _compile(problem: AxisProblem) -> _Net:
    n = len(problem.activities)
    incoming: list[list[_In]] = [[] for _ in range(n)]
    outgoing: list[list[int]] = [[] for _ in range(n)]
    for link in problem.links:
        incoming[link.successor].append(_In(link.predecessor, link.type, link.lag))
        outgoing[link.predecessor].append(link.successor)
    return _Net(
        durations=[[m.duration for m in a.modes] for a in problem.activities],
        demands=[[m.demands for m in a.modes] for a in problem.activities],
        persons=[[m.person for m in a.modes] for a in problem.activities],
        loads=[a.load for a in problem.activities],
        incoming=incoming,
        outgoing=outgoing,
        releases=[a.release for a in problem.activities],
        fixed=[a.fixed_start for a in problem.activities],
        capacities=[r.capacity for r in problem.resources],
        blocked=[
            (r, start, end, amount)
            for r, resource in enumerate(problem.resources)
            for start, end, amount in resource.blocked
        ],
        crews=[a.crew for a in problem.activities],
        closed=[a.closed for a in problem.activities],
        gaps=[[m.gaps for m in a.modes] for a in problem.activities],
    )


def topological_order(n: int, edges: Sequence[tuple[int, int]]) -> list[int] | None:
    """Kahn's order of 0..n-1, or None when the edges contain a cycle."""
    indegree = [0] * n
    successors: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        successors[a].append(b)
        indegree[b] += 1
    ready = [a for a in range(n) if indegree[a] == 0]
    order: list[int] = []
    while ready:
        a = ready.pop()
        order.append(a)
        for b in successors[a]:
            indegree[b] -= 1
            if indegree[b] == 0:
                ready.append(b)
    return order if len(order) == n else None


class _Profile:
    """Resource usage per axis day, grown on demand.

    Plain lists: windows are a few days and one to three resources, where a Python scan
    that jumps past the latest conflict beats numpy's per-call overhead several times.
    """

    def __init__(self, net: _Net) -> None:
        self.capacities = net.capacities
        self.usage: list[list[int]] = [[] for _ in net.capacities]
        for r, start, end, amount in net.blocked:
            if end > start >= 0:
                row = self._row(r, end)
                for t in range(start, end):
                    row[t] += amount

    def _row(self, r: int, length: int) -> list[int]:
        row = self.usage[r]
        if len(row) < length:
            row.extend([0] * (max(length, 2 * len(row)) - len(row)))
        return row

    def earliest_fit(self, demands: tuple[tuple[int, int], ...], duration: int, lb: int) -> int:
        if duration == 0 or not demands:
            return lb
        start = lb
        while True:
            stop = start + duration
            conflict = -1
            for r, amount in demands:
                row = self._row(r, stop)
                room = self.capacities[r] - amount
                for t in range(stop - 1, max(start, conflict + 1) - 1, -1):
                    if row[t] > room:
                        conflict = t
                        break
            if conflict < 0:
                return start
            start = conflict + 1

    @property
    def length(self) -> int:
        return max((len(row) for row in self.usage), default=0)

    def place(self, demands: tuple[tuple[int, int], ...], start: int, duration: int) -> None:
        if duration > 0:
            for r, amount in demands:
                row = self._row(r, start + duration)
                for t in range(start, start + duration):
                    row[t] += amount

    def earliest_split_fit(
        self,
        demands: tuple[tuple[int, int], ...],
        *,
        duration: int,
        gaps: tuple[tuple[int, int], ...],
        lb: int,
    ) -> int:
        """The earliest start at or after `lb` whose pieces (see `split.py`) all fit.

        A start between this one and a conflicting day would work that day too, so the
        search jumps past the conflict as `earliest_fit` does.
        """
        if duration == 0 or not demands:
            return lb
        start = lb
        while True:
            pieces = split.layout(start, duration, gaps)
            if pieces is None:
                start += 1
                continue
            conflict = -1
            for a, b in pieces:
                for r, amount in demands:
                    row = self._row(r, b)
                    room = self.capacities[r] - amount
                    for t in range(b - 1, max(a, conflict + 1) - 1, -1):
                        if row[t] > room:
                            conflict = t
                            break
            if conflict < 0:
                return start
            start = conflict + 1

    def place_pieces(
        self, demands: tuple[tuple[int, int], ...], pieces: list[tuple[int, int]]
    ) -> None:
        for a, b in pieces:
            self.place(demands, a, b - a)


def _lower_bound(net: _Net, *, starts: list[int], modes: list[int], a: int, duration: int) -> int:
    lb = net.releases[a]
    for link in net.incoming[a]:
        p = link.predecessor
        s_p = starts[p]
        e_p = net.end(p, modes[p], s_p)
        if link.type is DependencyType.FS:
            lb = max(lb, e_p + link.lag)
        elif link.type is DependencyType.SS:
            lb = max(lb, s_p + link.lag)
        elif link.type is DependencyType.FF:
            lb = max(lb, e_p + link.lag - duration)
        else:
            lb = max(lb, s_p + link.lag - duration)
    return lb


def _serial(
    net: _Net,
    *,
    keys: Sequence[float],
    fixed_modes: Sequence[int] | None,
    preferred: Sequence[int | None],
    earliest_start_first: bool,
    keep_preferred: bool = False,
    fixed_crews: Sequence[tuple[int, ...]] | None = None,
) -> AxisSchedule:
    """Serial schedule generation: eligible activity with the smallest key goes next."""
    n = len(net.durations)
    starts = [0] * n
    modes = [0] * n
    crews: list[tuple[int, ...]] = [()] * n
    profile = _Profile(net)
    person_load: dict[int, int] = {}
    done = [False] * n
    for a in range(n):
        fixed = net.fixed[a]
        if fixed is not None:
            modes[a] = fixed_modes[a] if fixed_modes is not None else 0
            starts[a] = fixed
            _place(net, profile, a=a, m=modes[a], start=fixed)
            crew = net.crews[a]
            if crew is not None:
                # A pinned crew: its members are its only candidates.
                crews[a] = tuple(p for _, people in crew.roles for p in people)
                amount = dict(crew.demands)
                profile.place(
                    tuple((p, amount[p]) for p in crews[a]), fixed, net.durations[a][modes[a]]
                )
            done[a] = True
    waiting = [0] * n
    for a in range(n):
        waiting[a] = sum(1 for link in net.incoming[a] if not done[link.predecessor])
    heap = [(keys[a], a) for a in range(n) if not done[a] and waiting[a] == 0]
    heapq.heapify(heap)

    def finish(a: int) -> None:
        done[a] = True
        for b in net.outgoing[a]:
            waiting[b] -= 1
            if waiting[b] == 0 and not done[b]:
                heapq.heappush(heap, (keys[b], b))

    while heap:
        _, a = heapq.heappop(heap)
        crew = net.crews[a]
        if crew is not None:
            lb = _lower_bound(net, starts=starts, modes=modes, a=a, duration=net.durations[a][0])
            starts[a], crews[a] = _crew_fit(
                net,
                profile,
                activity=a,
                lb=lb,
                fixed=fixed_crews[a] if fixed_crews else None,
                load=person_load,
            )
            _place_crew(net, profile, activity=a, start=starts[a], members=crews[a])
            for member in crews[a]:
                person_load[member] = person_load.get(member, 0) + net.loads[a]
            finish(a)
            continue
        candidates = [fixed_modes[a]] if fixed_modes is not None else range(len(net.durations[a]))
        best: tuple[int, int, int, int, int] | None = None
        best_start = 0
        for m in candidates:
            d = net.durations[a][m]
            lb = _lower_bound(net, starts=starts, modes=modes, a=a, duration=d)
            if net.gaps[a][m]:
                s = _open_split_fit(
                    profile,
                    demands=net.demands[a][m],
                    duration=d,
                    gaps=net.gaps[a][m],
                    lb=lb,
                    closed=net.closed[a],
                )
            else:
                s = _open_fit(
                    profile, demands=net.demands[a][m], duration=d, lb=lb, closed=net.closed[a]
                )
            person = net.persons[a][m]
            load = person_load.get(person, 0) if person is not None else 0
            rank = (
                0 if not keep_preferred or preferred[a] == m else 1,
                s if earliest_start_first else net.end(a, m, s),
                load,
                0 if preferred[a] == m else 1,
                m,
            )
            if best is None or rank < best:
                best, best_start, modes[a] = rank, s, m
        starts[a] = best_start
        _place(net, profile, a=a, m=modes[a], start=best_start)
        person = net.persons[a][modes[a]]
        if person is not None:
            person_load[person] = person_load.get(person, 0) + net.loads[a]
        finish(a)
    if not all(done):
        raise ValueError("the dependencies contain a cycle")
    if any(crews):
        return AxisSchedule(starts=tuple(starts), modes=tuple(modes), crews=tuple(crews))
    return AxisSchedule(starts=tuple(starts), modes=tuple(modes))


def _next_open(closed: Sequence[tuple[int, int]], *, start: int, duration: int) -> int:
    """The earliest start from `start` whose days [s, s + duration) miss every closed run."""
    if duration == 0:
        return start
    moved = True
    while moved:
        moved = False
        for c_start, c_end in closed:
            if c_start < start + duration and start < c_end:
                start, moved = c_end, True
    return start


def _open_fit(
    profile: _Profile,
    *,
    demands: tuple[tuple[int, int], ...],
    duration: int,
    lb: int,
    closed: Sequence[tuple[int, int]],
) -> int:
    """Earliest start with room on every resource and no closed day in the span."""
    start = lb
    while True:
        start = _next_open(closed, start=start, duration=duration)
        fit = profile.earliest_fit(demands, duration, start)
        if fit == start:
            return start
        start = fit


def match_crew(
    roles: Sequence[tuple[int, Sequence[int]]], free: Sequence[int]
) -> tuple[int, ...] | None:
    """People for every place of every role, each at most once, preferring `free`'s order;
    None when no such crew exists (augmenting paths: Kuhn's bipartite matching)."""
    rank = {person: i for i, person in enumerate(free)}
    seats = [
        sorted((p for p in candidates if p in rank), key=rank.__getitem__)
        for count, candidates in roles
        for _ in range(count)
    ]
    holder: dict[int, int] = {}

    def seat(k: int, seen: set[int]) -> bool:
        for person in seats[k]:
            if person in seen:
                continue
            seen.add(person)
            if person not in holder or seat(holder[person], seen):
                holder[person] = k
                return True
        return False

    for k in range(len(seats)):
        if not seat(k, set()):
            return None
    by_seat = {k: person for person, k in holder.items()}
    return tuple(by_seat[k] for k in range(len(seats)))


def _crew_fit(
    net: _Net,
    profile: _Profile,
    *,
    activity: int,
    lb: int,
    fixed: tuple[int, ...] | None,
    load: dict[int, int],
) -> tuple[int, tuple[int, ...]]:
    """The earliest start at which a whole crew is free for the whole span, and that crew
    (the least loaded qualified people)."""
    crew = net.crews[activity]
    assert crew is not None
    duration = net.durations[activity][0]
    demands = net.demands[activity][0]
    amount = dict(crew.demands)
    # The current crew first (a replan keeps it where it can), then the least loaded.
    candidates = (
        sorted(amount, key=lambda p: (p not in crew.current, load.get(p, 0), p))
        if fixed is None
        else fixed
    )
    if fixed is None and match_crew(crew.roles, candidates) is None:
        raise ValueError(f"activity {activity}: no crew can be formed")
    closed_end = max((end for _, end in net.closed[activity]), default=0)
    start = lb
    while True:
        start = _open_fit(
            profile, demands=demands, duration=duration, lb=start, closed=net.closed[activity]
        )
        fits = {p: profile.earliest_fit(((p, amount[p]),), duration, start) for p in candidates}
        free = [p for p in candidates if fits[p] == start]
        members = (
            (fixed if len(free) == len(fixed) else None)
            if fixed is not None
            else match_crew(crew.roles, free)
        )
        if members is not None:
            return start, members
        if start > max(profile.length, closed_end) + duration:
            raise ValueError(f"activity {activity}: no crew is ever free")
        # Nobody busy now is free before their own earliest fit, and fewer free people never
        # make a crew where more could not: the next start worth trying is the first of those.
        start = min((at for at in fits.values() if at > start), default=start + 1)


def _place_crew(
    net: _Net, profile: _Profile, *, activity: int, start: int, members: tuple[int, ...]
) -> None:
    crew = net.crews[activity]
    assert crew is not None
    duration = net.durations[activity][0]
    profile.place(net.demands[activity][0], start, duration)
    amount = dict(crew.demands)
    profile.place(tuple((p, amount[p]) for p in members), start, duration)


def _open_split_fit(
    profile: _Profile,
    *,
    demands: tuple[tuple[int, int], ...],
    duration: int,
    gaps: tuple[tuple[int, int], ...],
    lb: int,
    closed: Sequence[tuple[int, int]],
) -> int:
    """Earliest start of a splittable task whose pieces have room and whose stretch, pauses
    included, misses every closed run: a staff pool's days off are not paused over."""
    start = lb
    while True:
        start = profile.earliest_split_fit(demands, duration=duration, gaps=gaps, lb=start)
        pieces = split.walk(start, duration, gaps)
        first, last = pieces[0][0], pieces[-1][1]
        hit = [c_end for c_start, c_end in closed if c_start < last and first < c_end]
        if not hit:
            return start
        start = min(hit)


def _place(net: _Net, profile: _Profile, *, a: int, m: int, start: int) -> None:
    gaps = net.gaps[a][m]
    if gaps:
        profile.place_pieces(net.demands[a][m], split.walk(start, net.durations[a][m], gaps))
    else:
        profile.place(net.demands[a][m], start, net.durations[a][m])


def _cpm_keys(net: _Net) -> dict[str, list[float]]:
    """Priority values (smaller first) from the resource-free critical path method."""
    n = len(net.durations)
    dmin = [min(d) for d in net.durations]
    edges = [(link.predecessor, b) for b in range(n) for link in net.incoming[b]]
    order = topological_order(n, edges) or list(range(n))
    es = [0] * n
    for b in order:
        lb = net.fixed[b] if net.fixed[b] is not None else net.releases[b]
        es_b = lb if lb is not None else 0
        for link in net.incoming[b]:
            p = link.predecessor
            offset = {
                DependencyType.FS: es[p] + dmin[p],
                DependencyType.SS: es[p],
                DependencyType.FF: es[p] + dmin[p] - dmin[b],
                DependencyType.SF: es[p] - dmin[b],
            }[link.type]
            es_b = max(es_b, offset + link.lag)
        es[b] = es_b
    horizon = max((es[a] + dmin[a] for a in range(n)), default=0)
    lf = [horizon] * n
    successors_of: list[list[tuple[int, _In]]] = [[] for _ in range(n)]
    for b in range(n):
        for link in net.incoming[b]:
            successors_of[link.predecessor].append((b, link))
    for a in reversed(order):
        for b, link in successors_of[a]:
            ls_b = lf[b] - dmin[b]
            bound = {
                DependencyType.FS: ls_b - link.lag,
                DependencyType.SS: ls_b - link.lag + dmin[a],
                DependencyType.FF: lf[b] - link.lag,
                DependencyType.SF: lf[b] - link.lag + dmin[a],
            }[link.type]
            lf[a] = min(lf[a], bound)
    total_successors = [len(successors_of[a]) for a in range(n)]
    if n <= _MTS_LIMIT:
        reach: list[set[int]] = [set() for _ in range(n)]
        for a in reversed(order):
            for b, _ in successors_of[a]:
                reach[a].add(b)
                reach[a] |= reach[b]
            total_successors[a] = len(reach[a])
    energy = [
        dmin[a] * sum(q for _, q in net.demands[a][0]) / max(1, len(net.demands[a]))
        for a in range(n)
    ]
    grpw = [dmin[a] + sum(dmin[b] for b, _ in successors_of[a]) for a in range(n)]
    return {
        "lft": [float(v) for v in lf],
        "lst": [float(lf[a] - dmin[a]) for a in range(n)],
        "mts": [float(-v) for v in total_successors],
        "grpw": [float(-v) for v in grpw],
        "est": [float(es[a]) + energy[a] * 1e-6 for a in range(n)],
    }


def _tool_keys(problem: AxisProblem, cpm: dict[str, list[float]]) -> list[float]:
    """What a project tool sorts by: due date, then priority, then earliest start."""
    big = 1e9
    return [
        (a.due if a.due is not None else big) * 1e3 - a.weight * 10 + cpm["est"][i] * 1e-3
        for i, a in enumerate(problem.activities)
    ]


def list_schedule(problem: AxisProblem, *, rule: str = "tool") -> AxisSchedule:
    """One pass of a priority-rule list scheduler (`rule` in PRIORITY_RULES or 'current')."""
    net = _compile(problem)
    cpm = _cpm_keys(net)
    if rule == "tool":
        keys = _tool_keys(problem, cpm)
    elif rule == "current":
        keys = [
            float(a.preferred_start) if a.preferred_start is not None else 1e9 + cpm["lft"][i]
            for i, a in enumerate(problem.activities)
        ]
    else:
        keys = cpm[rule]
    return _serial(
        net,
        keys=keys,
        fixed_modes=None,
        preferred=[a.preferred_mode for a in problem.activities],
        earliest_start_first=rule == "tool",
        # Replanning: the current assignee keeps the task whenever they can do it.
        keep_preferred=rule == "current",
    )


def _reverse(net: _Net, horizon: int, schedule: AxisSchedule) -> _Net:
    """The same network in reversed time t' = horizon - t, modes fixed as in `schedule`."""
    n = len(net.durations)
    incoming: list[list[_In]] = [[] for _ in range(n)]
    outgoing: list[list[int]] = [[] for _ in range(n)]
    for b in range(n):
        for link in net.incoming[b]:
            incoming[link.predecessor].append(_In(b, _REVERSED_TYPE[link.type], link.lag))
            outgoing[b].append(link.predecessor)
    fixed: list[int | None] = []
    for a in range(n):
        f = net.fixed[a]
        fixed.append(None if f is None else horizon - net.end(a, schedule.modes[a], f))
    blocked = [
        (r, max(horizon - end, 0), horizon - start, amount)
        for r, start, end, amount in net.blocked
        if start < horizon
    ]
    return _Net(
        durations=net.durations,
        demands=net.demands,
        persons=net.persons,
        loads=net.loads,
        incoming=incoming,
        outgoing=outgoing,
        releases=[0] * n,
        fixed=fixed,
        capacities=net.capacities,
        blocked=blocked,
        crews=net.crews,
        closed=[
            tuple((horizon - end, horizon - start) for start, end in runs) for runs in net.closed
        ],
        gaps=[[split.reversed_gaps(g, horizon=horizon) for g in modes] for modes in net.gaps],
    )


def _respects_releases(net: _Net, schedule: AxisSchedule) -> bool:
    return all(
        s >= r or f is not None
        for s, r, f in zip(schedule.starts, net.releases, net.fixed, strict=True)
    )


def _makespan(net: _Net, schedule: AxisSchedule) -> int:
    return max(
        (
            net.end(a, m, s)
            for a, (s, m) in enumerate(zip(schedule.starts, schedule.modes, strict=True))
        ),
        default=0,
    )


def _justify(net: _Net, schedule: AxisSchedule, *, rounds: int) -> AxisSchedule:
    best = schedule
    best_makespan = _makespan(net, schedule)
    preferred: list[int | None] = [None] * len(net.durations)
    for _ in range(rounds):
        horizon = best_makespan
        ends = [net.end(a, best.modes[a], s) for a, s in enumerate(best.starts)]
        reverse = _reverse(net, horizon, best)
        backward = _serial(
            reverse,
            keys=[float(horizon - e) for e in ends],
            fixed_modes=best.modes,
            preferred=preferred,
            earliest_start_first=False,
            fixed_crews=best.crews or None,
        )
        forward = _serial(
            net,
            keys=[
                float(horizon - reverse.end(a, best.modes[a], s))
                for a, s in enumerate(backward.starts)
            ],
            fixed_modes=best.modes,
            preferred=preferred,
            earliest_start_first=False,
            fixed_crews=best.crews or None,
        )
        makespan = _makespan(net, forward)
        if makespan > best_makespan or not _respects_releases(net, forward):
            break
        improved = makespan < best_makespan
        best, best_makespan = forward, makespan
        if not improved:
            break
    return best


def justify(problem: AxisProblem, schedule: AxisSchedule, *, rounds: int = 4) -> AxisSchedule:
    """Forward-backward improvement: right-justify against the makespan, then left-justify.

    Never returns a schedule with a longer makespan than the one given.
    """
    return _justify(_compile(problem), schedule, rounds=rounds)


def improved_schedule(
    problem: AxisProblem,
    *,
    time_budget_s: float,
    seed: int = 0,
    score: Callable[[AxisSchedule], float] | None = None,
    stopped: Callable[[], bool] | None = None,
) -> AxisSchedule:
    """Best of several priority rules and random perturbations, each justified.

    When `stopped` turns true the search ends after the schedule it is building.
    """
    deadline = time.monotonic() + time_budget_s

    def over() -> bool:
        return time.monotonic() > deadline or (stopped is not None and stopped())

    rate = score if score is not None else (lambda s: float(s.makespan(problem)))
    net = _compile(problem)
    cpm = _cpm_keys(net)
    rules = ["lft", "lst", "mts", "grpw", "tool"]
    if any(a.preferred_start is not None for a in problem.activities):
        rules.insert(0, "current")
    best: AxisSchedule | None = None
    best_score = float("inf")

    def consider(candidate: AxisSchedule) -> None:
        nonlocal best, best_score
        if rate(candidate) < best_score:
            best, best_score = candidate, rate(candidate)
        improved = _justify(net, candidate, rounds=4)
        if improved is not candidate and rate(improved) < best_score:
            best, best_score = improved, rate(improved)

    for rule in rules:
        consider(list_schedule(problem, rule=rule))
        if over():
            break
    rng = random.Random(seed)
    lft = cpm["lft"]
    spread = max(1.0, (max(lft, default=0.0) - min(lft, default=0.0)) * 0.15)
    preferred = [a.preferred_mode for a in problem.activities]
    while not over():
        keys = [v + rng.uniform(0.0, spread) for v in lft]
        consider(
            _serial(
                net, keys=keys, fixed_modes=None, preferred=preferred, earliest_start_first=False
            )
        )
    assert best is not None
    return best
