"""A compiled genetic algorithm for makespan problems: the hint CP-SAT starts from.

A chromosome is an activity list (every link's predecessor before its successor) and a
mode per activity. A child comes from a two-point crossover of two parents' lists
(Hartmann 1998), each activity keeping the mode of the parent that placed it, then
adjacent swaps and mode changes; it is decoded by serial schedule generation on a per-day
resource profile (blocked usage included) and improved by forward-backward improvement
(double justification, Valls et al. 2005), and the improved schedule's order is written
back into the chromosome. The best distinct schedules of parents and children survive.

Only problems whose whole objective is the makespan apply, without crews, pauses, closed
days or pinned starts: a pinned start is a deadline for its predecessors, which a serial
generator cannot promise. `preferred_start` and `preferred_mode` weigh nothing under a
pure makespan objective and are ignored. A plan must end by the horizon, when there is
one. The hard parts are compiled with numba (`cache=True`); `warm_up` loads or compiles
them so a service pays that once at start.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

from services.planner.model import (
    AxisActivity,
    AxisLink,
    AxisMode,
    AxisProblem,
    AxisResource,
    AxisSchedule,
    DependencyType,
)

Ints = npt.NDArray[np.int64]
F = TypeVar("F", bound=Callable[..., Any])

_TYPES = {DependencyType.FS: 0, DependencyType.SS: 1, DependencyType.FF: 2, DependencyType.SF: 3}
# Reversing time turns SS into FF and FF into SS; FS and SF keep their type.
_REVERSED = np.array([0, 2, 1, 3], dtype=np.int64)
POPULATION = 40
_SWAP = 0.05
_MODE_CHANGE = 0.05
# Share of children of a multi-mode problem decoded with each activity in the mode that
# ends it earliest (the list scheduler's choice) rather than its inherited mode.
_GREEDY_MODES = 0.25
_MAX_ROUNDS = 3
# Generations without a shorter plan before the population starts again around its best,
# and how far (a share of the list) the best list's positions are shaken then.
_RESTART = 30
_SHAKE = 0.1


def _compiled(fn: F) -> F:
    try:
        return cast(F, numba.njit(cache=True, nogil=True)(fn))
    except RuntimeError:
        # No writable cache directory (a read-only image without NUMBA_CACHE_DIR): compile
        # at every start instead of failing the import.
        return cast(F, numba.njit(nogil=True)(fn))


@_compiled
def _random(state: npt.NDArray[np.uint64]) -> float:
    """xorshift64*: a float in [0, 1) from the generator's state."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return float((x * np.uint64(2685821657736338717)) >> np.uint64(11)) / 9007199254740992.0


@_compiled
def _below(state: npt.NDArray[np.uint64], k: int) -> int:
    return min(k - 1, int(_random(state) * k))


@_compiled
def _sgs(
    keys: Ints,
    modes: Ints,
    choose: bool,
    starts: Ints,
    order: Ints,
    profile: Ints,
    release: Ints,
    in_ptr: Ints,
    in_pred: Ints,
    in_type: Ints,
    in_lag: Ints,
    out_ptr: Ints,
    out_succ: Ints,
    dur: Ints,
    nmodes: Ints,
    usable: npt.NDArray[np.bool_],
    dcnt: Ints,
    dres: Ints,
    damt: Ints,
    cap: Ints,
) -> int:
    """Serial schedule generation: the eligible activity with the smallest key goes next,
    at the earliest start its links and the profile allow. Fills `starts` and `order`, adds
    to `profile` and returns the makespan (-1 when the profile is too short)."""
    n = keys.shape[0]
    horizon = profile.shape[1]
    sorted_ = np.argsort(keys, kind="mergesort")
    waiting = np.zeros(n, dtype=np.int64)
    for a in range(n):
        waiting[a] = in_ptr[a + 1] - in_ptr[a]
    placed = np.zeros(n, dtype=np.bool_)
    head = 0
    makespan = 0
    for k in range(n):
        while placed[sorted_[head]]:
            head += 1
        i = head
        while placed[sorted_[i]] or waiting[sorted_[i]] > 0:
            i += 1
        a = sorted_[i]
        best_start = -1
        best_end = 0
        best_mode = modes[a]
        for m in range(nmodes[a]):
            if not usable[a, m] or (not choose and m != modes[a]):
                continue
            d = dur[a, m]
            lb = max(release[a], 0)
            for j in range(in_ptr[a], in_ptr[a + 1]):
                p = in_pred[j]
                sp = starts[p]
                ep = sp + dur[p, modes[p]]
                t = in_type[j]
                if t == 0:
                    bound = ep + in_lag[j]
                elif t == 1:
                    bound = sp + in_lag[j]
                elif t == 2:
                    bound = ep + in_lag[j] - d
                else:
                    bound = sp + in_lag[j] - d
                lb = max(lb, bound)
            s = lb
            if d > 0:
                while True:
                    if s + d > horizon:
                        return -1
                    conflict = -1
                    for q in range(dcnt[a, m]):
                        r = dres[a, m, q]
                        room = cap[r] - damt[a, m, q]
                        u = s + d - 1
                        low = max(s, conflict + 1)
                        while u >= low:
                            if profile[r, u] > room:
                                conflict = u
                                break
                            u -= 1
                    if conflict < 0:
                        break
                    s = conflict + 1
            end = s + d
            if best_start < 0 or end < best_end or (end == best_end and m == modes[a]):
                best_start, best_end, best_mode = s, end, m
        modes[a] = best_mode
        starts[a] = best_start
        for q in range(dcnt[a, best_mode]):
            r = dres[a, best_mode, q]
            for u in range(best_start, best_end):
                profile[r, u] += damt[a, best_mode, q]
        makespan = max(makespan, best_end)
        placed[a] = True
        order[k] = a
        for j in range(out_ptr[a], out_ptr[a + 1]):
            waiting[out_succ[j]] -= 1
    return makespan


@_compiled
def _load_forward(profile: Ints, base: Ints, zone: Ints) -> None:
    """The blocked usage alone. `zone[0]`: from there on the profile holds nothing."""
    for r in range(profile.shape[0]):
        for t in range(zone[0]):
            profile[r, t] = base[r, t]


@_compiled
def _load_reversed(profile: Ints, base: Ints, zone: Ints, horizon: int) -> None:
    """The blocked usage in reversed time t' = horizon - 1 - t (nothing after `horizon`)."""
    zone[0] = max(zone[0], horizon)
    for r in range(profile.shape[0]):
        for t in range(zone[0]):
            profile[r, t] = base[r, horizon - 1 - t] if t < horizon else 0


@_compiled
def _touched(zone: Ints, makespan: int, length: int) -> None:
    zone[0] = max(zone[0], makespan if makespan >= 0 else length)


@_compiled
def _decode(
    keys: Ints,
    modes: Ints,
    choose: bool,
    starts: Ints,
    order: Ints,
    net: Any,
    work: Any,
) -> tuple[int, int]:
    """Forward generation then forward-backward improvement; `order` ends as the improved
    schedule's list. Returns (makespan, schedules generated)."""
    (
        release,
        zero_release,
        in_ptr,
        in_pred,
        in_type,
        in_lag,
        out_ptr,
        out_succ,
        r_in_ptr,
        r_in_pred,
        r_in_type,
        r_in_lag,
        r_out_ptr,
        r_out_succ,
        dur,
        nmodes,
        usable,
        dcnt,
        dres,
        damt,
        cap,
        base,
    ) = net
    profile, zone, back_starts, back_order, keys2 = work
    n = keys.shape[0]
    length = profile.shape[1]
    _load_forward(profile, base, zone)
    makespan = _sgs(
        keys, modes, choose, starts, order, profile, release, in_ptr, in_pred, in_type, in_lag,
        out_ptr, out_succ, dur, nmodes, usable, dcnt, dres, damt, cap,
    )  # fmt: skip
    _touched(zone, makespan, length)
    count = 1
    if makespan < 0:
        return makespan, count
    for _ in range(_MAX_ROUNDS):
        # Right-justify: latest end first, later in the list first on ties.
        for k in range(n):
            a = order[k]
            keys2[a] = -(starts[a] + dur[a, modes[a]]) * (n + 1) - k
        _load_reversed(profile, base, zone, makespan)
        back = _sgs(
            keys2, modes, False, back_starts, back_order, profile, zero_release, r_in_ptr,
            r_in_pred, r_in_type, r_in_lag, r_out_ptr, r_out_succ, dur, nmodes, usable, dcnt,
            dres, damt, cap,
        )  # fmt: skip
        _touched(zone, back, length)
        count += 1
        if back < 0:
            break
        # Left-justify in order of the right-justified starts.
        for k in range(n):
            a = back_order[k]
            keys2[a] = -(back_starts[a] + dur[a, modes[a]]) * (n + 1) + k
        _load_forward(profile, base, zone)
        forward = _sgs(
            keys2, modes, False, back_starts, back_order, profile, release, in_ptr, in_pred,
            in_type, in_lag, out_ptr, out_succ, dur, nmodes, usable, dcnt, dres, damt, cap,
        )  # fmt: skip
        _touched(zone, forward, length)
        count += 1
        if forward < 0 or forward > makespan:
            break
        improved = forward < makespan
        makespan = forward
        starts[:] = back_starts
        order[:] = back_order
        if not improved:
            break
    return makespan, count


@_compiled
def _fingerprint(starts: Ints, modes: Ints) -> int:
    h = 1469598103934665603
    for a in range(starts.shape[0]):
        h = (h ^ (starts[a] * 31 + modes[a])) * 1099511628211
        h &= 0x7FFFFFFFFFFFFFFF
    return h


@_compiled
def _seed_one(
    keys: Ints,
    modes: Ints,
    choose: bool,
    lists: Ints,
    pmodes: Ints,
    pstarts: Ints,
    spans: Ints,
    prints: Ints,
    slot: int,
    net: Any,
    work: Any,
) -> int:
    """Decode one chromosome given by keys into population slot `slot`."""
    m = modes.copy()
    starts = np.zeros(keys.shape[0], dtype=np.int64)
    order = np.zeros(keys.shape[0], dtype=np.int64)
    span, count = _decode(keys, m, choose, starts, order, net, work)
    lists[slot, :] = order
    pmodes[slot, :] = m
    pstarts[slot, :] = starts
    spans[slot] = span if span >= 0 else 1 << 60
    prints[slot] = _fingerprint(starts, m)
    return count


@_compiled
def _tournament(state: npt.NDArray[np.uint64], spans: Ints) -> int:
    a = _below(state, spans.shape[0])
    b = _below(state, spans.shape[0])
    return a if spans[a] <= spans[b] else b


@_compiled
def _generation(
    state: npt.NDArray[np.uint64],
    lists: Ints,
    pmodes: Ints,
    pstarts: Ints,
    spans: Ints,
    prints: Ints,
    linked: npt.NDArray[np.bool_],
    multi: bool,
    net: Any,
    work: Any,
) -> int:
    """One generation: as many children as parents, then the best distinct survive.
    Returns the number of schedules generated."""
    size, n = lists.shape
    nmodes = net[15]
    usable = net[16]
    c_lists = np.zeros((size, n), dtype=np.int64)
    c_modes = np.zeros((size, n), dtype=np.int64)
    c_starts = np.zeros((size, n), dtype=np.int64)
    c_spans = np.zeros(size, dtype=np.int64)
    c_prints = np.zeros(size, dtype=np.int64)
    taken = np.zeros(n, dtype=np.bool_)
    child = np.zeros(n, dtype=np.int64)
    modes = np.zeros(n, dtype=np.int64)
    keys = np.zeros(n, dtype=np.int64)
    count = 0
    for c in range(size):
        mother = _tournament(state, spans)
        father = _tournament(state, spans)
        q1 = _below(state, n + 1)
        q2 = _below(state, n + 1)
        if q1 > q2:
            q1, q2 = q2, q1
        taken[:] = False
        k = 0
        for i in range(q1):
            a = lists[mother, i]
            child[k] = a
            modes[a] = pmodes[mother, a]
            taken[a] = True
            k += 1
        i = 0
        while k < q2 and i < n:
            a = lists[father, i]
            if not taken[a]:
                child[k] = a
                modes[a] = pmodes[father, a]
                taken[a] = True
                k += 1
            i += 1
        for i in range(n):
            a = lists[mother, i]
            if not taken[a]:
                child[k] = a
                modes[a] = pmodes[mother, a]
                taken[a] = True
                k += 1
        for i in range(n - 1):
            if _random(state) < _SWAP and not linked[child[i], child[i + 1]]:
                child[i], child[i + 1] = child[i + 1], child[i]
        if multi:
            for a in range(n):
                if nmodes[a] > 1 and _random(state) < _MODE_CHANGE:
                    m = _below(state, nmodes[a])
                    if usable[a, m]:
                        modes[a] = m
        for i in range(n):
            keys[child[i]] = i
        choose = multi and _random(state) < _GREEDY_MODES
        span, used = _decode(keys, modes, choose, c_starts[c], c_lists[c], net, work)
        count += used
        c_modes[c, :] = modes
        c_spans[c] = span if span >= 0 else 1 << 60
        c_prints[c] = _fingerprint(c_starts[c], modes)
    # Survivors: the shortest distinct schedules of parents and children.
    all_spans = np.concatenate((spans, c_spans))
    all_prints = np.concatenate((prints, c_prints))
    ranking = np.argsort(all_spans, kind="mergesort")
    chosen = np.zeros(size, dtype=np.int64)
    k = 0
    for i in range(2 * size):
        if k == size:
            break
        j = ranking[i]
        fresh = True
        for h in range(k):
            if all_prints[chosen[h]] == all_prints[j] and all_spans[chosen[h]] == all_spans[j]:
                fresh = False
                break
        if fresh:
            chosen[k] = j
            k += 1
    i = 0
    while k < size:
        chosen[k] = ranking[i]
        k += 1
        i += 1
    new_lists = np.zeros((size, n), dtype=np.int64)
    new_modes = np.zeros((size, n), dtype=np.int64)
    new_starts = np.zeros((size, n), dtype=np.int64)
    new_spans = np.zeros(size, dtype=np.int64)
    new_prints = np.zeros(size, dtype=np.int64)
    for k in range(size):
        j = chosen[k]
        if j < size:
            new_lists[k], new_modes[k], new_starts[k] = lists[j], pmodes[j], pstarts[j]
        else:
            j2 = j - size
            new_lists[k], new_modes[k], new_starts[k] = c_lists[j2], c_modes[j2], c_starts[j2]
        new_spans[k] = all_spans[j]
        new_prints[k] = all_prints[j]
    lists[:] = new_lists
    pmodes[:] = new_modes
    pstarts[:] = new_starts
    spans[:] = new_spans
    prints[:] = new_prints
    return count


def applies(problem: AxisProblem) -> bool:
    """Whether `evolve` can search this problem (see the module's docstring)."""
    from services.planner import solver

    if not problem.activities or not solver._is_pure_makespan(problem):
        return False
    for activity in problem.activities:
        if activity.crew is not None or activity.closed or activity.fixed_start is not None:
            return False
        if any(m.gaps for m in activity.modes):
            return False
        if not any(_usable(m, problem.resources) for m in activity.modes):
            return False
    n = len(problem.activities)
    from services.planner.greedy import topological_order

    edges = [(link.predecessor, link.successor) for link in problem.links]
    return all(0 <= a < n and 0 <= b < n for a, b in edges) and (
        topological_order(n, edges) is not None
    )


def _usable(mode: AxisMode, resources: Sequence[AxisResource]) -> bool:
    return mode.duration >= 0 and all(
        0 <= r < len(resources) and amount <= resources[r].capacity for r, amount in mode.demands
    )


@dataclass
class _Net:
    arrays: tuple[Any, ...]
    n: int
    linked: npt.NDArray[np.bool_]
    multi: bool
    length: int
    blocked_end: int


def _csr(n: int, rows: list[list[tuple[int, int, int]]]) -> tuple[Ints, Ints, Ints, Ints]:
    ptr = np.zeros(n + 1, dtype=np.int64)
    for a in range(n):
        ptr[a + 1] = ptr[a] + len(rows[a])
    flat = [x for row in rows for x in row]
    other = np.array([x[0] for x in flat], dtype=np.int64)
    kind = np.array([x[1] for x in flat], dtype=np.int64)
    lag = np.array([x[2] for x in flat], dtype=np.int64)
    return ptr, other, kind, lag


def _compile(problem: AxisProblem) -> _Net:
    acts = problem.activities
    n = len(acts)
    n_res = max(1, len(problem.resources))
    most_modes = max(len(a.modes) for a in acts)
    most_demands = max(1, max(len(m.demands) for a in acts for m in a.modes))
    dur = np.zeros((n, most_modes), dtype=np.int64)
    nmodes = np.array([len(a.modes) for a in acts], dtype=np.int64)
    usable = np.zeros((n, most_modes), dtype=np.bool_)
    dcnt = np.zeros((n, most_modes), dtype=np.int64)
    dres = np.zeros((n, most_modes, most_demands), dtype=np.int64)
    damt = np.zeros((n, most_modes, most_demands), dtype=np.int64)
    for a, activity in enumerate(acts):
        for m, mode in enumerate(activity.modes):
            dur[a, m] = mode.duration
            usable[a, m] = _usable(mode, problem.resources)
            kept = [(r, q) for r, q in mode.demands if q > 0]
            dcnt[a, m] = len(kept)
            for k, (r, q) in enumerate(kept):
                dres[a, m, k], damt[a, m, k] = r, q
    cap = np.array([r.capacity for r in problem.resources] or [0], dtype=np.int64)
    blocked_end = max(
        (end for r in problem.resources for _, end, q in r.blocked if q > 0), default=0
    )
    release = np.array([max(0, a.release) for a in acts], dtype=np.int64)
    # Long enough for any serial schedule: everything after the latest release or blocked day,
    # one activity after another, each delayed by every lag.
    length = (
        max(blocked_end, int(release.max()))
        + int(dur.max(axis=1).sum())
        + sum(abs(link.lag) for link in problem.links)
        + 2
    )
    base = np.zeros((n_res, length), dtype=np.int64)
    for r, resource in enumerate(problem.resources):
        for start, end, q in resource.blocked:
            if q > 0 and end > start:
                base[r, max(0, start) : end] += q
    incoming: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    outgoing: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    r_incoming: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    r_outgoing: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    linked = np.zeros((n, n), dtype=np.bool_)
    for link in problem.links:
        p, s, kind = link.predecessor, link.successor, _TYPES[link.type]
        incoming[s].append((p, kind, link.lag))
        outgoing[p].append((s, 0, 0))
        r_incoming[p].append((s, int(_REVERSED[kind]), link.lag))
        r_outgoing[s].append((p, 0, 0))
        linked[p, s] = linked[s, p] = True
    in_ptr, in_pred, in_type, in_lag = _csr(n, incoming)
    out_ptr, out_succ, _, _ = _csr(n, outgoing)
    r_in_ptr, r_in_pred, r_in_type, r_in_lag = _csr(n, r_incoming)
    r_out_ptr, r_out_succ, _, _ = _csr(n, r_outgoing)
    arrays = (
        release,
        np.zeros(n, dtype=np.int64),
        in_ptr,
        in_pred,
        in_type,
        in_lag,
        out_ptr,
        out_succ,
        r_in_ptr,
        r_in_pred,
        r_in_type,
        r_in_lag,
        r_out_ptr,
        r_out_succ,
        dur,
        nmodes,
        usable,
        dcnt,
        dres,
        damt,
        cap,
        base,
    )
    return _Net(
        arrays=arrays,
        n=n,
        linked=linked,
        multi=bool((usable.sum(axis=1) > 1).any()),
        length=length,
        blocked_end=blocked_end,
    )


def _work(net: _Net) -> tuple[Any, ...]:
    base = net.arrays[-1]
    return (
        base.copy(),
        np.array([net.blocked_end], dtype=np.int64),
        np.zeros(net.n, dtype=np.int64),
        np.zeros(net.n, dtype=np.int64),
        np.zeros(net.n, dtype=np.int64),
    )


def _first_modes(problem: AxisProblem) -> Ints:
    return np.array(
        [
            next(m for m, mode in enumerate(a.modes) if _usable(mode, problem.resources))
            for a in problem.activities
        ],
        dtype=np.int64,
    )


def _seeds(problem: AxisProblem, initial: Iterable[AxisSchedule]) -> list[tuple[Ints, Ints, bool]]:
    """Chromosomes as (keys, modes, choose modes): the given schedules, then the list
    scheduler's rules."""
    from services.planner import greedy

    n = len(problem.activities)
    out: list[tuple[Ints, Ints, bool]] = []
    for schedule in initial:
        if len(schedule.starts) == n and not schedule.crews:
            keys = np.argsort(np.array(schedule.starts, dtype=np.int64), kind="stable")
            ranks = np.empty(n, dtype=np.int64)
            ranks[keys] = np.arange(n, dtype=np.int64)
            out.append((ranks, np.array(schedule.modes, dtype=np.int64), False))
    for rule in ("lft", "lst", "mts", "grpw", "est"):
        schedule = greedy.list_schedule(problem, rule=rule)
        keys = np.argsort(np.array(schedule.starts, dtype=np.int64), kind="stable")
        ranks = np.empty(n, dtype=np.int64)
        ranks[keys] = np.arange(n, dtype=np.int64)
        out.append((ranks, np.array(schedule.modes, dtype=np.int64), False))
    return out


def _valid(problem: AxisProblem, schedule: AxisSchedule) -> bool:
    """The plain checks a given schedule must pass to count as the best so far."""
    from services.planner import solver

    n = len(problem.activities)
    if len(schedule.starts) != n or len(schedule.modes) != n:
        return False
    if any(s < a.release for s, a in zip(schedule.starts, problem.activities, strict=True)):
        return False
    if problem.horizon is not None and schedule.makespan(problem) > problem.horizon:
        return False
    if not solver.respects_links(problem, schedule):
        return False
    usage: dict[tuple[int, int], int] = {}
    for r, resource in enumerate(problem.resources):
        for start, end, q in resource.blocked:
            for t in range(max(0, start), end):
                usage[(r, t)] = usage.get((r, t), 0) + q
    for a, activity in enumerate(problem.activities):
        mode = activity.modes[schedule.modes[a]]
        for r, q in mode.demands:
            for t in range(schedule.starts[a], schedule.starts[a] + mode.duration):
                usage[(r, t)] = usage.get((r, t), 0) + q
                if q > 0 and usage[(r, t)] > problem.resources[r].capacity:
                    return False
    return True


@dataclass(frozen=True)
class Outcome:
    schedule: AxisSchedule | None
    schedules: int
    """Serial schedule generations run, justification passes included."""
    generations: int


def evolve(
    problem: AxisProblem,
    *,
    time_budget_s: float,
    seed: int = 0,
    stopped: Callable[[], bool] | None = None,
    max_schedules: int | None = None,
    initial: Sequence[AxisSchedule] = (),
    patience: int | None = None,
    lower_bound: int = 0,
) -> AxisSchedule | None:
    """The shortest schedule found within the budget (None when the problem does not apply,
    or nothing fits the horizon). Stops after the generation during which the time is up,
    `stopped()` turns true, `max_schedules` schedules have been generated, `patience`
    generations in a row found nothing shorter, or the best reaches `lower_bound` or the
    critical path; with `max_schedules` and time to spare the result depends on `seed`
    alone. Never longer than the shortest valid schedule of `initial`."""
    return search(
        problem,
        time_budget_s=time_budget_s,
        seed=seed,
        stopped=stopped,
        max_schedules=max_schedules,
        initial=initial,
        patience=patience,
        lower_bound=lower_bound,
    ).schedule


def search(
    problem: AxisProblem,
    *,
    time_budget_s: float,
    seed: int = 0,
    stopped: Callable[[], bool] | None = None,
    max_schedules: int | None = None,
    initial: Sequence[AxisSchedule] = (),
    patience: int | None = None,
    lower_bound: int = 0,
) -> Outcome:
    """`evolve` with how much it searched."""
    if not applies(problem):
        return Outcome(schedule=None, schedules=0, generations=0)
    deadline = time.monotonic() + time_budget_s

    def over(count: int) -> bool:
        return (
            time.monotonic() > deadline
            or (stopped is not None and stopped())
            or (max_schedules is not None and count >= max_schedules)
        )

    net = _compile(problem)
    work = _work(net)
    n = net.n
    size = POPULATION
    state = np.array([(seed * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) % 2**64 or 1], np.uint64)
    lists = np.zeros((size, n), dtype=np.int64)
    pmodes = np.zeros((size, n), dtype=np.int64)
    pstarts = np.zeros((size, n), dtype=np.int64)
    spans = np.full(size, 1 << 60, dtype=np.int64)
    prints = np.zeros(size, dtype=np.int64)
    given = [s for s in initial if _valid(problem, s)]
    first = _first_modes(problem)
    usable = net.arrays[16]
    seeds = _seeds(problem, given)
    lft = _lft(problem)
    spread = max(1.0, float(lft.max() - lft.min()) * 0.15)
    rng = np.random.default_rng(seed)
    count = 0
    for slot in range(size):
        if slot < len(seeds):
            keys, modes, choose = seeds[slot]
            modes = np.where(usable[np.arange(n), modes], modes, first)
        else:
            # Biased random sampling around the latest finish times.
            keys = np.argsort(lft + rng.uniform(0.0, spread, n), kind="stable").argsort()
            modes, choose = first, net.multi
        count += _seed_one(
            keys, modes, choose, lists, pmodes, pstarts, spans, prints, slot, net.arrays, work
        )
    floor = max(lower_bound, critical_path(problem))
    shortest = min([int(spans.min()), *(s.makespan(problem) for s in given)])
    generations = stale = 0
    while shortest > floor and not over(count) and (patience is None or stale < patience):
        count += _generation(
            state, lists, pmodes, pstarts, spans, prints, net.linked, net.multi, net.arrays, work
        )
        generations += 1
        stale = 0 if spans.min() < shortest else stale + 1
        shortest = min(shortest, int(spans.min()))
        if stale and stale % _RESTART == 0:
            count += _restart(lists, pmodes, pstarts, spans, prints, net, work, rng, lft, spread)

    best = int(np.argmin(spans))
    found: AxisSchedule | None = None
    if spans[best] < 1 << 60:
        found = AxisSchedule(
            starts=tuple(int(s) for s in pstarts[best]), modes=tuple(int(m) for m in pmodes[best])
        )
        if problem.horizon is not None and found.makespan(problem) > problem.horizon:
            found = None
    for schedule in given:
        if found is None or schedule.makespan(problem) < found.makespan(problem):
            found = schedule
    return Outcome(schedule=found, schedules=count, generations=generations)


def _restart(
    lists: Ints,
    pmodes: Ints,
    pstarts: Ints,
    spans: Ints,
    prints: Ints,
    net: _Net,
    work: tuple[Any, ...],
    rng: np.random.Generator,
    lft: npt.NDArray[np.float64],
    spread: float,
) -> int:
    """A population gone stale starts again around its best: half of it the best list with
    its positions shaken, half new samples around the latest finish times."""
    size, n = lists.shape
    best = int(np.argmin(spans))
    lists[0], pmodes[0], pstarts[0] = lists[best].copy(), pmodes[best].copy(), pstarts[best]
    spans[0], prints[0] = spans[best], prints[best]
    rank = np.empty(n, dtype=np.float64)
    rank[lists[0]] = np.arange(n, dtype=np.float64)
    count = 0
    for slot in range(1, size):
        if slot % 2:
            keys = np.argsort(rank + rng.uniform(0.0, _SHAKE * n, n), kind="stable").argsort()
            modes, choose = pmodes[0].copy(), False
        else:
            keys = np.argsort(lft + rng.uniform(0.0, spread, n), kind="stable").argsort()
            modes, choose = pmodes[0].copy(), net.multi
        count += _seed_one(
            keys, modes, choose, lists, pmodes, pstarts, spans, prints, slot, net.arrays, work
        )
    return count


def critical_path(problem: AxisProblem) -> int:
    """A lower bound on the makespan from the links and releases alone: per activity the
    earliest start and end any mode allows."""
    from services.planner.greedy import topological_order

    acts = problem.activities
    n = len(acts)
    order = topological_order(n, [(link.predecessor, link.successor) for link in problem.links])
    assert order is not None
    incoming: list[list[AxisLink]] = [[] for _ in range(n)]
    for link in problem.links:
        incoming[link.successor].append(link)
    usable = [[m.duration for m in a.modes if _usable(m, problem.resources)] or [0] for a in acts]
    start = [0] * n
    end = [0] * n
    for b in order:
        shortest, longest = min(usable[b]), max(usable[b])
        s = max(0, acts[b].release)
        e = 0
        for link in incoming[b]:
            p = link.predecessor
            if link.type is DependencyType.FS:
                s = max(s, end[p] + link.lag)
            elif link.type is DependencyType.SS:
                s = max(s, start[p] + link.lag)
            elif link.type is DependencyType.FF:
                e = max(e, end[p] + link.lag)
            else:
                e = max(e, start[p] + link.lag)
        s = max(s, e - longest)
        start[b], end[b] = s, max(e, s + shortest)
    return max(end, default=0)


def _lft(problem: AxisProblem) -> npt.NDArray[np.float64]:
    from services.planner import greedy

    compiled = greedy._compile(problem)
    return np.array(greedy._cpm_keys(compiled)["lft"], dtype=np.float64)


def warm_up() -> None:
    """Compile (or load from numba's cache) the search, on a three-activity problem."""
    problem = AxisProblem(
        activities=(
            AxisActivity(modes=(AxisMode(2, ((0, 1),)), AxisMode(1, ((0, 2),)))),
            AxisActivity(modes=(AxisMode(1, ((0, 1),)),), release=1),
            AxisActivity(modes=(AxisMode(2, ((0, 2),)),)),
        ),
        resources=(AxisResource(capacity=2, blocked=((3, 4, 1),)),),
        links=(
            AxisLink(0, 2, DependencyType.FS, 0),
            AxisLink(1, 2, DependencyType.SS, 1),
            AxisLink(0, 1, DependencyType.FF, 0),
            AxisLink(1, 2, DependencyType.SF, 0),
        ),
    )
    # Enough schedules for the seeding and one generation, so every function is compiled.
    search(problem, time_budget_s=60.0, max_schedules=1000)
