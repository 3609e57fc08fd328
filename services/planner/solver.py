"""Schedule proposals with CP-SAT: who does which task when, and why.

`solve` is a pure synchronous function (the service runs it in a worker thread or
process). It compiles the dated problem onto the working-day axis, gets a hint and a
horizon from the list scheduler, solves the axis model with CP-SAT and explains the result.
`solve_axis` is the engine alone, shared with the benchmark adapters.
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ortools.sat.python import cp_model

from services.planner import bounds, diagnose, genetic, greedy, improve, split
from services.planner.axis import (
    UNITS_PER_HOUR,
    WorkingAxis,
    daily_hours,
    span_days,
    to_units,
)
from services.planner.model import (
    AxisActivity,
    AxisCrew,
    AxisLink,
    AxisMode,
    AxisProblem,
    AxisResource,
    AxisSchedule,
    DayLoad,
    DependencyType,
    Diagnosis,
    FieldViolation,
    Objective,
    Period,
    Person,
    PersonLoad,
    Problem,
    Progress,
    Proposal,
    Reason,
    ReasonKind,
    SolveStatus,
    StaffPool,
    StageResult,
    Task,
    TaskPlan,
    Weights,
    without_links_into_started_work,
)

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Progress], None]

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.MODEL_INVALID: SolveStatus.MODEL_INVALID,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}

# Time off further out than this is irrelevant to any plan we can make.
_MAX_CALENDAR_DAYS = 366 * 6
MAX_CANDIDATES = 12
_LARGE_MODEL_OPTIONALS = 5000


class InvalidProblem(ValueError):
    def __init__(self, violations: Sequence[FieldViolation]) -> None:
        super().__init__("; ".join(f"{v.field}: {v.description}" for v in violations))
        self.violations = tuple(violations)


@dataclass(frozen=True)
class AxisResult:
    status: SolveStatus
    schedule: AxisSchedule | None
    objective: float | None
    best_bound: float | None
    wall_time_s: float
    solutions: int
    first_solution_s: float | None
    hint_makespan: int | None
    stages: tuple[StageResult, ...] = ()


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    hours: float
    time_off: bool


@dataclass
class _Compiled:
    """The axis problem plus what is needed to translate answers back to dates and names."""

    axis: WorkingAxis
    problem: AxisProblem
    release: int
    person_ids: list[str]
    daily_hours: list[float]
    blocks: list[list[_Block]] = field(default_factory=list)


def compile_problem(problem: Problem) -> _Compiled:
    """Map dates to working days and people and pools to resources (see docs/planner.md)."""
    origin = min(
        [problem.project_start]
        + [t.current.start for t in problem.tasks if t.pinned and t.current is not None]
    )
    calendar = problem.calendar
    axis = WorkingAxis(
        origin=origin,
        working_weekdays=calendar.working_weekdays,
        holidays=calendar.holidays,
        extra_working_days=calendar.extra_working_days,
    )
    release = axis.position(problem.project_start)
    last_day = origin + timedelta(days=_MAX_CALENDAR_DAYS)

    person_index = {p.id: i for i, p in enumerate(problem.people)}
    resources: list[AxisResource] = []
    rates: list[float] = []
    capacities: list[int] = []
    all_blocks: list[list[_Block]] = []
    for person in problem.people:
        rate = daily_hours(
            hours_per_day=person.hours_per_day,
            working_weekdays=person.working_weekdays,
            weekly_capacity_hours=person.weekly_capacity_hours,
            project_weekdays=calendar.working_weekdays,
        )
        capacity = max(1, int(rate * UNITS_PER_HOUR))
        off: set[int] = set()
        for day in person.holidays:
            if origin <= day <= last_day and axis.is_working(day):
                off.add(axis.position(day))
        for period in person.time_off:
            day = max(period.start, origin)
            while day <= min(period.end, last_day):
                if axis.is_working(day):
                    off.add(axis.position(day))
                day += timedelta(days=1)
        busy: dict[int, float] = {}
        for load in person.busy:
            day = max(load.start, origin)
            while day <= min(load.end, last_day):
                if axis.is_working(day) and axis.position(day) not in off:
                    position = axis.position(day)
                    busy[position] = busy.get(position, 0.0) + load.hours_per_day
                day += timedelta(days=1)
        blocks = [_Block(a, b, rate, True) for a, b in _runs(sorted(off))]
        for (a, b), hours in _runs_by_value(busy).items():
            blocks.append(_Block(a, b, hours, False))
        rates.append(rate)
        capacities.append(capacity)
        all_blocks.append(blocks)
        resources.append(
            AxisResource(
                capacity=capacity,
                blocked=tuple(
                    (
                        blk.start,
                        blk.end,
                        min(capacity, to_units(blk.hours)) if not blk.time_off else capacity,
                    )
                    for blk in blocks
                ),
                is_person=True,
            )
        )
    pool_index = {p.id: len(resources) + i for i, p in enumerate(problem.pools)}
    resources.extend(AxisResource(capacity=p.capacity) for p in problem.pools)
    project_capacity = max(1, int(calendar.hours_per_day * UNITS_PER_HOUR))

    # Work in progress is a fact: it keeps its dates and person even where it overloads them
    # (two started tasks on one day, or a day off taken since). So it reserves what is left of
    # its person's day, never more, and can't make a plan impossible.
    used: dict[int, dict[int, int]] = {}

    def reserve(who: int, positions: Sequence[int], wanted: int) -> int:
        days = used.setdefault(who, {})
        if not days:
            for b_start, b_end, amount in resources[who].blocked:
                for position in range(b_start, b_end):
                    days[position] = days.get(position, 0) + amount
        room = min((capacities[who] - days.get(p, 0) for p in positions), default=0)
        granted = max(0, min(wanted, room))
        for position in positions:
            days[position] = days.get(position, 0) + granted
        return granted

    staff_pools = {p.id: p for p in problem.staff_pools}
    closed_days: dict[str, tuple[tuple[int, int], ...]] = {}
    activities: list[AxisActivity] = []
    for task in problem.tasks:
        units = to_units(task.duration_hours)
        pools = tuple((pool_index[d.pool], d.amount) for d in task.pool_demands if d.amount > 0)
        modes: list[AxisMode] = []
        fixed: int | None = None
        crew: AxisCrew | None = None
        staff_pool = staff_pools.get(task.staff_pool) if task.staff_pool else None
        closed: tuple[tuple[int, int], ...] = ()
        if staff_pool is not None and not task.pinned:
            if staff_pool.id not in closed_days:
                closed_days[staff_pool.id] = _closed_runs(staff_pool, axis=axis, last_day=last_day)
            closed = closed_days[staff_pool.id]
        if task.pinned and task.current is not None:
            fixed = axis.position(task.current.start)
            duration = max(0, axis.end_position(task.current.end) - fixed)
            demands = pools
            who: int | None = None
            gaps: tuple[tuple[int, int], ...] = ()
            staffed = task.staffed and task.current.assignee is not None and duration > 0
            if staffed and len(task.current.crew) > 1:
                # A crew at work keeps its people: every member is busy on those days.
                crew = _pinned_crew(
                    tuple(person_index[m] for m in task.current.crew),
                    daily=-(-units // duration),
                    capacities=capacities,
                    reserve=reserve if task.started else None,
                    start=fixed,
                    duration=duration,
                )
            elif staffed and task.current.assignee is not None:
                who = person_index[task.current.assignee]
                if task.splittable:
                    # A split plan accepted and then locked or started keeps its pauses.
                    gaps = _inside(_days_off(all_blocks[who]), start=fixed, end=fixed + duration)
                    duration -= sum(b - a for a, b in gaps)
                amount = min(capacities[who], -(-units // duration)) if units else 0
                if task.started and amount:
                    worked = split.pieces(fixed, AxisMode(duration, (), gaps=gaps))
                    amount = reserve(who, [k for a, b in worked for k in range(a, b)], amount)
                demands = ((who, amount), *pools) if amount else pools
            modes.append(
                AxisMode(
                    duration=duration, demands=demands if duration else (), person=who, gaps=gaps
                )
            )
        elif units == 0:
            modes.append(AxisMode(duration=0, demands=()))
        elif not task.staffed:
            modes.append(AxisMode(duration=span_days(units, project_capacity), demands=pools))
        elif task.is_crew:
            duration = span_days(units, project_capacity)
            modes.append(AxisMode(duration=duration, demands=pools))
            crew = crew_of(problem, task)
            if task.current is not None:
                current = task.current.crew or (
                    (task.current.assignee,) if task.current.assignee else ()
                )
                eligible = {p for p, _ in crew.demands}
                crew = replace(
                    crew,
                    current=tuple(
                        person_index[m] for m in current if person_index.get(m) in eligible
                    ),
                )
        else:
            for p, candidate in enumerate(problem.people):
                if diagnose.qualified(candidate, task) and (
                    staff_pool is None or candidate.id in staff_pool.members
                ):
                    duration = span_days(units, capacities[p])
                    amount = -(-units // duration)
                    modes.append(
                        AxisMode(
                            duration=duration,
                            demands=((p, amount), *pools),
                            person=p,
                            gaps=_days_off(all_blocks[p]) if task.splittable else (),
                        )
                    )
        if len(modes) > MAX_CANDIDATES:
            modes = _shortlist(modes, task=task, people=problem.people)
        preferred_start: int | None = None
        preferred_mode: int | None = None
        if task.current is not None:
            if task.current.start >= origin:
                preferred_start = axis.position(task.current.start)
            for m, mode in enumerate(modes):
                if mode.person is not None and problem.people[mode.person].id == (
                    task.current.assignee
                ):
                    preferred_mode = m
        due = None
        if task.due is not None:
            due = axis.end_position(task.due) if task.due >= origin else 0
        activities.append(
            AxisActivity(
                modes=tuple(modes),
                release=release if fixed is None else 0,
                due=due,
                weight=task.priority,
                fixed_start=fixed,
                preferred_start=preferred_start,
                preferred_mode=preferred_mode,
                load=math.ceil(task.duration_hours) if task.staffed else 0,
                crew=crew,
                closed=closed,
            )
        )
    task_index = {t.id: i for i, t in enumerate(problem.tasks)}
    links = tuple(
        AxisLink(
            predecessor=task_index[d.predecessor],
            successor=task_index[d.successor],
            type=d.type,
            lag=d.lag_days,
        )
        for d in without_links_into_started_work(
            problem.dependencies, started={t.id for t in problem.tasks if t.started}
        )[0]
    )
    deadline = None
    if problem.deadline is not None:
        deadline = axis.end_position(problem.deadline) if problem.deadline >= origin else 0
    horizon = None if problem.horizon_days is None else release + problem.horizon_days
    axis_problem = AxisProblem(
        activities=tuple(activities),
        resources=tuple(resources),
        links=links,
        horizon=horizon,
        deadline=deadline,
        hard_deadline=problem.hard_deadline,
        weights=problem.weights,
    )
    return _Compiled(
        axis=axis,
        problem=axis_problem,
        release=release,
        person_ids=[p.id for p in problem.people],
        daily_hours=rates,
        blocks=all_blocks,
    )


def _pinned_crew(
    members: tuple[int, ...],
    *,
    daily: int,
    capacities: Sequence[int],
    reserve: Callable[[int, Sequence[int], int], int] | None,
    start: int,
    duration: int,
) -> AxisCrew:
    """A pinned crew: its own members as the only candidates, each on the task's days (a
    started one reserving only what is left of each member's day, as for one person)."""
    demands = []
    for p in members:
        amount = min(capacities[p], daily) if daily else 0
        if reserve is not None and amount:
            amount = reserve(p, range(start, start + duration), amount)
        demands.append((p, amount))
    return AxisCrew(roles=((len(members), members),), demands=tuple(demands))


def crew_of(problem: Problem, task: Task) -> AxisCrew:
    """Who may fill each place of a task's crew (see `diagnose.crew_places`).

    As for one person (`_shortlist`), a role keeps at most a dozen candidates, or the crew's
    size if more: the current crew first, the rest spread by a stable hash. Every role then has at least as many candidates as the whole crew has places, so
    whatever crew the full lists allow, the short ones allow one too (Hall's condition).
    """
    daily, roles = diagnose.crew_places(problem, task)
    current = set()
    if task.current is not None:
        current = set(task.current.crew or (task.current.assignee,))
    size = sum(count for count, _ in roles)

    def rank(p: int) -> tuple[int, int]:
        person_id = problem.people[p].id
        return (0 if person_id in current else 1, zlib.crc32(f"{task.id}/{person_id}".encode()))

    roles = tuple(
        (count, tuple(sorted(sorted(people, key=rank)[: max(MAX_CANDIDATES, size)])))
        for count, people in roles
    )
    eligible = sorted({p for _, members in roles for p in members})
    return AxisCrew(roles=roles, demands=tuple((p, daily) for p in eligible))


def _closed_runs(
    pool: StaffPool, *, axis: WorkingAxis, last_day: date
) -> tuple[tuple[int, int], ...]:
    """The project working days a staff pool does not work, as runs on the axis."""
    closed: list[int] = []
    day = axis.origin
    while day <= last_day:
        if axis.is_working(day) and not pool.works(day):
            closed.append(axis.position(day))
        day += timedelta(days=1)
    return tuple(_runs(closed))


def _days_off(blocks: Sequence[_Block]) -> tuple[tuple[int, int], ...]:
    """A person's days off as sorted runs, merged where two kinds of leave touch."""
    runs: list[tuple[int, int]] = []
    for block in sorted((b for b in blocks if b.time_off), key=lambda b: b.start):
        if runs and block.start <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], block.end))
        else:
            runs.append((block.start, block.end))
    return tuple(runs)


def _inside(
    runs: Sequence[tuple[int, int]], *, start: int, end: int
) -> tuple[tuple[int, int], ...]:
    """The runs strictly inside [start, end); none when a day off is its first or last day,
    which no split plan has (such a pinned task is a conflict, diagnosed as before)."""
    inside = tuple(r for r in runs if r[0] < end and r[1] > start)
    if any(a <= start or b >= end for a, b in inside):
        return ()
    return inside


def _shortlist(modes: list[AxisMode], *, task: Task, people: Sequence[Person]) -> list[AxisMode]:
    """The current assignee and the fastest others, spread over people by a stable hash.

    Beyond a dozen interchangeable people per task the model only grows: each candidate is
    an optional interval in someone's calendar, and a plan rarely needs more choice.
    """
    current = task.current.assignee if task.current is not None else None

    def rank(mode: AxisMode) -> tuple[int, int, int]:
        person_id = people[mode.person].id if mode.person is not None else ""
        spread = zlib.crc32(f"{task.id}/{person_id}".encode())
        return (0 if person_id == current else 1, mode.duration, spread)

    return sorted(modes, key=rank)[:MAX_CANDIDATES]


def _runs(positions: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for p in positions:
        if runs and runs[-1][1] == p:
            runs[-1] = (runs[-1][0], p + 1)
        else:
            runs.append((p, p + 1))
    return runs


def _runs_by_value(values: dict[int, float]) -> dict[tuple[int, int], float]:
    out: dict[tuple[int, int], float] = {}
    current: tuple[int, int, float] | None = None
    for p in sorted(values):
        v = values[p]
        if current is not None and current[1] == p and current[2] == v:
            current = (current[0], p + 1, v)
        else:
            if current is not None:
                out[(current[0], current[1])] = current[2]
            current = (p, p + 1, v)
    if current is not None:
        out[(current[0], current[1])] = current[2]
    return out


# The engine on the axis.


def objective_value(problem: AxisProblem, schedule: AxisSchedule) -> float:
    """The objective `solve_axis` minimises, evaluated for any schedule (hint selection)."""
    w = problem.weights
    return float(
        sum(getattr(w, term.value) * v for term, v in term_values(problem, schedule).items())
    )


def term_values(problem: AxisProblem, schedule: AxisSchedule) -> dict[Objective, int]:
    """Each objective term of a schedule, before `Weights` (lateness is times priority)."""
    makespan = schedule.makespan(problem)
    lateness = 0
    changes = 0
    loads: dict[int, int] = {}
    for a, activity in enumerate(problem.activities):
        end = schedule.end(problem, a)
        if activity.due is not None:
            lateness += activity.weight * max(0, end - activity.due)
        mode = activity.modes[schedule.modes[a]]
        if activity.fixed_start is None:
            moved = (
                activity.preferred_start is not None
                and schedule.starts[a] != activity.preferred_start
            )
            reassigned = (
                activity.preferred_start is not None
                and activity.preferred_mode != schedule.modes[a]
                and len(activity.modes) > 1
            ) or _crew_dropped(activity, schedule.crew(a))
            changes += int(moved or reassigned)
        if mode.person is not None:
            loads[mode.person] = loads.get(mode.person, 0) + activity.load
        for member in schedule.crew(a):
            loads[member] = loads.get(member, 0) + activity.load
    return {
        Objective.DEADLINE: (
            max(0, makespan - problem.deadline) if problem.deadline is not None else 0
        ),
        Objective.LATENESS: lateness,
        Objective.MAKESPAN: makespan,
        Objective.CHANGES: changes,
        Objective.BALANCE: max(loads.values(), default=0),
    }


def _is_pure_makespan(problem: AxisProblem) -> bool:
    w = problem.weights
    has_due = any(a.due is not None for a in problem.activities)
    has_current = any(a.preferred_start is not None for a in problem.activities)
    has_people = any(r.is_person for r in problem.resources)
    return (
        (w.lateness == 0 or not has_due)
        and (w.deadline == 0 or problem.deadline is None)
        and (w.changes == 0 or not has_current)
        and (w.balance == 0 or not has_people)
        and w.makespan > 0
    )


class Stop:
    """Set from any thread to end a solve early; the search stops and the solve returns."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._hooks: list[Callable[[], None]] = []

    @property
    def stopped(self) -> bool:
        return self._stopped

    def set(self) -> None:
        with self._lock:
            self._stopped = True
            hooks, self._hooks = self._hooks, []
        for hook in hooks:
            hook()

    def on_set(self, hook: Callable[[], None]) -> None:
        """Call `hook` when the stop is set (at once if it already is)."""
        with self._lock:
            if not self._stopped:
                self._hooks.append(hook)
                return
        hook()


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(
        self, progress: ProgressCallback | None, *, started: float, stop: Stop | None
    ) -> None:
        super().__init__()
        self._progress = progress
        self._started = started
        self._stop = stop
        self.solutions = 0
        self.first_solution_s: float | None = None

    def on_solution_callback(self) -> None:
        if self._stop is not None and self._stop.stopped:
            # A stop set while CP-SAT was starting may have found no search to end yet.
            self.stop_search()
        self.report(objective=self.objective_value, best_bound=self.best_objective_bound)

    def report(self, *, objective: float, best_bound: float) -> None:
        """Count a better plan, from CP-SAT or from the neighbourhood search."""
        self.solutions += 1
        elapsed = time.monotonic() - self._started
        if self.first_solution_s is None:
            self.first_solution_s = elapsed
        if self._progress is not None:
            self._progress(
                Progress(
                    solutions=self.solutions,
                    objective=objective,
                    best_bound=best_bound,
                    elapsed_s=elapsed,
                )
            )


@dataclass
class _Built:
    model: cp_model.CpModel
    starts: list[cp_model.IntVar]
    presences: list[list[cp_model.IntVar] | None]
    makespan: cp_model.IntVar
    guards: dict[str, cp_model.IntVar]
    crews: list[_CrewVars | None] = field(default_factory=list)
    parts: dict[Objective, cp_model.LinearExprT] = field(default_factory=dict)
    """Each objective term unweighted by `Weights` (lateness still times priority)."""


@dataclass
class _CrewVars:
    """Per role, who fills one of its places; per candidate, whether they are on the crew."""

    roles: list[dict[int, cp_model.IntVar]]
    members: dict[int, cp_model.IntVar]

    def chosen(self, solver: cp_model.CpSolver) -> tuple[int, ...]:
        return tuple(
            p for role in self.roles for p in sorted(role) if solver.boolean_value(role[p])
        )


def _add_crew(
    model: cp_model.CpModel,
    *,
    crew: AxisCrew,
    activity: int,
    start: cp_model.IntVar,
    duration: int,
    by_resource: list[list[tuple[cp_model.IntervalVar, int]]],
    hint: tuple[int, ...] | None,
) -> tuple[_CrewVars, list[tuple[cp_model.IntVar, int]]]:
    """Every member busy over the activity's one interval; each role filled by distinct
    qualified people. Returns the variables and their values in `hint` (a crew in role
    order), if given."""
    hinted: list[tuple[cp_model.IntVar, int]] = []
    roles: list[dict[int, cp_model.IntVar]] = []
    offset = 0
    for r, (count, candidates) in enumerate(crew.roles):
        literals = {p: model.new_bool_var(f"c{activity}_{r}_{p}") for p in candidates}
        model.add(sum(literals.values()) == count)
        roles.append(literals)
        if hint is not None:
            placed = set(hint[offset : offset + count])
            hinted.extend((x, int(p in placed)) for p, x in literals.items())
        offset += count
    members: dict[int, cp_model.IntVar] = {}
    for p, amount in crew.demands:
        member = model.new_bool_var(f"m{activity}_{p}")
        model.add(sum(role[p] for role in roles if p in role) == member)
        members[p] = member
        if hint is not None:
            hinted.append((member, int(p in hint)))
        if duration > 0 and amount > 0:
            interval = model.new_optional_fixed_size_interval_var(
                start, duration, member, f"ci{activity}_{p}"
            )
            by_resource[p].append((interval, amount))
    return _CrewVars(roles=roles, members=members), hinted


def _crew_dropped(activity: AxisActivity, members: Sequence[int]) -> bool:
    """Whether a crew leaves out someone the current plan has on it."""
    crew = activity.crew
    return (
        crew is not None
        and activity.preferred_start is not None
        and (not set(crew.current) <= set(members))
    )


def _add_closed(
    model: cp_model.CpModel,
    *,
    main: cp_model.IntervalVar,
    closed: Sequence[tuple[int, int]],
    upper: int,
    cache: dict[tuple[tuple[int, int], ...], list[cp_model.IntervalVar]],
) -> None:
    """Keep an activity off its staff pool's days off (fixed intervals shared per pool)."""
    key = tuple(closed)
    if key not in cache:
        cache[key] = [
            model.new_fixed_size_interval_var(a, b - a, f"closed{len(cache)}_{a}")
            for a, b in key
            if a < upper
        ]
    if cache[key]:
        model.add_no_overlap([main, *cache[key]])


def _build(
    problem: AxisProblem,
    *,
    horizon: int,
    hint: AxisSchedule | None,
    guard: bool,
    link_names: Sequence[str] = (),
    resource_names: Sequence[str] = (),
) -> _Built:
    """The CP-SAT model. With `guard`, each hard-constraint group gets an assumption literal
    so an infeasible model can name the groups that clash."""
    model = cp_model.CpModel()
    guards: dict[str, cp_model.IntVar] = {}

    def guard_for(name: str) -> list[cp_model.IntVar]:
        if not guard:
            return []
        if name not in guards:
            guards[name] = model.new_bool_var(name)
        return [guards[name]]

    n = len(problem.activities)
    # A complete hint (every variable, objective terms included) lets CP-SAT accept the
    # list schedule at once; a partial one must be completed by search, which on
    # thousands of optional intervals may not happen within the time limit.
    hinted: list[tuple[cp_model.IntVar, int]] = []
    hint_ends = [hint.end(problem, a) for a in range(n)] if hint is not None else []
    hint_makespan = max(hint_ends, default=0)

    def hint_value(var: cp_model.IntVar, value: int) -> None:
        if hint is not None:
            hinted.append((var, value))

    upper = (
        horizon
        if not guard
        else horizon
        + sum(max(split.longest(m) for m in a.modes) for a in problem.activities)
        + sum(abs(link.lag) for link in problem.links)
    )
    always: cp_model.IntVar | None = None
    starts: list[cp_model.IntVar] = []
    ends: list[cp_model.IntVar] = []
    presences: list[list[cp_model.IntVar] | None] = []
    by_resource: list[list[tuple[cp_model.IntervalVar, int]]] = [[] for _ in problem.resources]
    crews: list[_CrewVars | None] = []
    closed_intervals: dict[tuple[tuple[int, int], ...], list[cp_model.IntervalVar]] = {}
    for a, activity in enumerate(problem.activities):
        durations = [m.duration for m in activity.modes]
        low = activity.release
        if activity.fixed_start is not None and not guard:
            low = activity.fixed_start
        start = model.new_int_var(
            low, upper - min(durations) if activity.fixed_start is None or guard else low, f"s{a}"
        )
        if activity.fixed_start is not None and guard:
            model.add(start == activity.fixed_start).only_enforce_if(guard_for(f"pinned:{a}"))
        splits = any(m.gaps for m in activity.modes)
        if splits:
            # Its pieces, not one interval, use the person's days (see `split.add_mode`).
            end = model.new_int_var(0, upper, f"e{a}")
        elif len(set(durations)) == 1:
            end = model.new_int_var(0, upper, f"e{a}")
            model.add(end == start + durations[0])
            main = model.new_fixed_size_interval_var(start, durations[0], f"i{a}")
        else:
            end = model.new_int_var(0, upper, f"e{a}")
            size = model.new_int_var_from_domain(cp_model.Domain.from_values(durations), f"d{a}")
            main = model.new_interval_var(start, size, end, f"i{a}")
            if hint is not None:
                hint_value(size, hint_ends[a] - hint.starts[a])
        if len(activity.modes) == 1 and not splits:
            presences.append(None)
            for r, amount in activity.modes[0].demands:
                if durations[0] > 0 and amount > 0:
                    by_resource[r].append((main, amount))
        else:
            if len(activity.modes) == 1:
                if always is None:
                    always = model.new_bool_var("always")
                    model.add(always == 1)
                literals = [always]
                presences.append(None)
            else:
                literals = [model.new_bool_var(f"x{a}_{m}") for m in range(len(activity.modes))]
                model.add_exactly_one(literals)
                presences.append(literals)
            for m, mode in enumerate(activity.modes):
                if mode.gaps:
                    pieces, piece_hints = split.add_mode(
                        model,
                        start=start,
                        end_var=end,
                        mode=mode,
                        present=literals[m],
                        upper=upper,
                        bounded=activity.fixed_start is None,
                        hint_start=hint.starts[a] if hint is not None else None,
                        name=f"{a}_{m}",
                    )
                    hinted.extend(piece_hints)
                    for r, amount in mode.demands:
                        if amount > 0:
                            by_resource[r].extend((piece, amount) for piece in pieces)
                    continue
                if len(set(durations)) > 1 or splits:
                    model.add(end == start + mode.duration).only_enforce_if(literals[m])
                if mode.duration == 0:
                    continue
                optional = model.new_optional_fixed_size_interval_var(
                    start, mode.duration, literals[m], f"o{a}_{m}"
                )
                for r, amount in mode.demands:
                    if amount > 0:
                        by_resource[r].append((optional, amount))
        crews.append(None)
        if activity.crew is not None:
            crews[a], crew_hint = _add_crew(
                model,
                crew=activity.crew,
                activity=a,
                start=start,
                duration=durations[0],
                by_resource=by_resource,
                hint=hint.crew(a) if hint is not None else None,
            )
            hinted.extend(crew_hint)
        if activity.closed and max(durations) > 0:
            if splits:
                # The whole stretch, pauses included, stays off the pool's days off.
                stretch = model.new_int_var(0, upper, f"span{a}")
                main = model.new_interval_var(start, stretch, end, f"i{a}")
            _add_closed(
                model, main=main, closed=activity.closed, upper=upper, cache=closed_intervals
            )
        if guard:
            model.add(end <= horizon).only_enforce_if(guard_for("horizon"))
        starts.append(start)
        ends.append(end)
        if hint is not None:
            hint_value(start, hint.starts[a])
            hint_value(end, hint_ends[a])
            if len(activity.modes) > 1:
                for m, literal in enumerate(literals):
                    hint_value(literal, int(m == hint.modes[a]))

    makespan = model.new_int_var(0, upper, "makespan")
    for a in range(n):
        model.add(makespan >= ends[a])
    tail = model.new_int_var(0, upper + 1, "tail")
    makespan_interval = model.new_interval_var(makespan, tail, upper + 1, "after_makespan")
    hint_value(makespan, hint_makespan)
    hint_value(tail, upper + 1 - hint_makespan)

    for i, link in enumerate(problem.links):
        p, s = link.predecessor, link.successor
        left = ends[s] if link.type in (DependencyType.FF, DependencyType.SF) else starts[s]
        right = ends[p] if link.type in (DependencyType.FS, DependencyType.FF) else starts[p]
        name = link_names[i] if i < len(link_names) else f"link:{i}"
        model.add(left >= right + link.lag).only_enforce_if(guard_for(name))

    for r, resource in enumerate(problem.resources):
        items = by_resource[r]
        if not items:
            continue
        intervals = [iv for iv, _ in items]
        demands = [q for _, q in items]
        blocked_intervals: list[cp_model.IntervalVar] = []
        blocked_demands: list[int] = []
        for k, (b_start, b_end, amount) in enumerate(resource.blocked):
            if b_end <= b_start or amount <= 0:
                continue
            if guard:
                name = resource_names[r] if r < len(resource_names) else f"resource:{r}"
                interval = model.new_optional_fixed_size_interval_var(
                    b_start, b_end - b_start, guard_for(name)[0], f"b{r}_{k}"
                )
            else:
                interval = model.new_fixed_size_interval_var(b_start, b_end - b_start, f"b{r}_{k}")
            blocked_intervals.append(interval)
            blocked_demands.append(amount)
        all_demands = demands + blocked_demands
        if all(q >= resource.capacity for q in all_demands):
            model.add_no_overlap(intervals + blocked_intervals)
        else:
            extra: list[cp_model.IntervalVar] = []
            extra_demands: list[int] = []
            if not blocked_intervals and not guard:
                # Nothing may run after the makespan: a strong hint for the cumulative
                # propagators (the trick of OR-Tools' rcpsp_sat.py).
                extra, extra_demands = [makespan_interval], [resource.capacity]
            model.add_cumulative(
                intervals + blocked_intervals + extra,
                all_demands + extra_demands,
                resource.capacity,
            )

    w = problem.weights
    terms: list[cp_model.LinearExprT] = []
    parts: dict[Objective, cp_model.LinearExprT] = {}
    lateness: list[cp_model.LinearExprT] = []
    changes: list[cp_model.IntVar] = []
    if w.makespan:
        terms.append(w.makespan * makespan)
        parts[Objective.MAKESPAN] = makespan
    if problem.deadline is not None:
        if problem.hard_deadline:
            model.add(makespan <= problem.deadline).only_enforce_if(guard_for("deadline"))
        if w.deadline:
            late = model.new_int_var(0, upper, "deadline_late")
            model.add(late >= makespan - problem.deadline)
            hint_value(late, max(0, hint_makespan - problem.deadline))
            terms.append(w.deadline * late)
            parts[Objective.DEADLINE] = late
    loads: dict[int, list[tuple[cp_model.IntVar | None, int]]] = {}
    for a, activity in enumerate(problem.activities):
        if activity.due is not None and w.lateness:
            late = model.new_int_var(0, upper, f"late{a}")
            model.add(late >= ends[a] - activity.due)
            if hint is not None:
                hint_value(late, max(0, hint_ends[a] - activity.due))
            terms.append(w.lateness * activity.weight * late)
            lateness.append(activity.weight * late)
        lits = presences[a]
        if activity.preferred_start is not None and activity.fixed_start is None and w.changes:
            changed = model.new_bool_var(f"changed{a}")
            model.add(starts[a] == activity.preferred_start).only_enforce_if(~changed)
            if lits is not None:
                if activity.preferred_mode is not None:
                    model.add_implication(~changed, lits[activity.preferred_mode])
                else:
                    model.add(changed == 1)
            crew_vars = crews[a]
            if crew_vars is not None and activity.crew is not None:
                for kept in activity.crew.current:
                    if kept in crew_vars.members:
                        model.add_implication(~changed, crew_vars.members[kept])
            terms.append(w.changes * changed)
            changes.append(changed)
            if hint is not None:
                moved = hint.starts[a] != activity.preferred_start
                swapped = lits is not None and hint.modes[a] != activity.preferred_mode
                dropped = _crew_dropped(activity, hint.crew(a))
                hint_value(changed, int(moved or swapped or dropped))
        if w.balance and activity.load:
            for m, mode in enumerate(activity.modes):
                if mode.person is not None:
                    chosen = lits[m] if lits is not None else None
                    loads.setdefault(mode.person, []).append((chosen, activity.load))
            crew_vars = crews[a]
            if crew_vars is not None:
                for who, on_crew in crew_vars.members.items():
                    loads.setdefault(who, []).append((on_crew, activity.load))
    if loads:
        peak = model.new_int_var(0, sum(a.load for a in problem.activities), "peak_load")
        if hint is not None:
            per_person: dict[int, int] = {}
            for a, activity in enumerate(problem.activities):
                person = activity.modes[hint.modes[a]].person
                if person is not None and activity.load:
                    per_person[person] = per_person.get(person, 0) + activity.load
                for member in hint.crew(a):
                    per_person[member] = per_person.get(member, 0) + activity.load
            hint_value(peak, max(per_person.values(), default=0))
        for person_terms in loads.values():
            model.add(
                peak >= sum((load * lit if lit is not None else load) for lit, load in person_terms)
            )
        terms.append(w.balance * peak)
        parts[Objective.BALANCE] = peak
    if lateness:
        parts[Objective.LATENESS] = sum(lateness)
    if changes:
        parts[Objective.CHANGES] = sum(changes)
    if not guard:
        model.minimize(sum(terms) if terms else makespan)

    for var, value in hinted:
        model.add_hint(var, value)
    return _Built(
        model=model,
        starts=starts,
        presences=presences,
        makespan=makespan,
        guards=guards,
        crews=crews,
        parts=parts,
    )


def _horizon(problem: AxisProblem, hint: AxisSchedule) -> int:
    if problem.horizon is not None:
        return problem.horizon
    candidates = [hint.makespan(problem)]
    for activity in problem.activities:
        longest = max(split.longest(m) for m in activity.modes)
        if activity.preferred_start is not None:
            candidates.append(activity.preferred_start + longest)
        if activity.fixed_start is not None:
            candidates.append(activity.fixed_start + longest)
        if activity.due is not None:
            candidates.append(activity.due)
    if problem.deadline is not None:
        candidates.append(problem.deadline)
    return max(candidates)


def _hint_budget(problem: AxisProblem, time_limit_s: float) -> float:
    return min(0.1 * time_limit_s, 0.004 * len(problem.activities) + 0.05, 5.0)


# Share of the limit the genetic algorithm may take to improve the hint of a makespan
# problem, and the generations without a shorter plan after which it hands over earlier.
GENETIC_SHARE = 0.25
GENETIC_PATIENCE = 300
# When the neighbourhood search stalls, the genetic algorithm starts again from its plan
# for at most this share of the limit (see `improve.STALL`); 0 switches that off.
GENETIC_RESTART_SHARE = 0.1


def _evolve(
    problem: AxisProblem,
    initial: AxisSchedule,
    *,
    time_budget_s: float,
    num_workers: int,
    seed: int,
    stop: Stop | None,
) -> AxisSchedule | None:
    """The best plan of one genetic population per worker (seeds `seed`, `seed + 1`, ...),
    each seeded with `initial`; None when the problem does not apply."""
    floor = bounds.makespan_floor(problem)

    def run(k: int) -> AxisSchedule | None:
        return genetic.evolve(
            problem,
            time_budget_s=time_budget_s,
            seed=seed + k,
            stopped=(lambda: stop.stopped) if stop is not None else None,
            initial=(initial,),
            patience=GENETIC_PATIENCE,
            lower_bound=floor,
        )

    # The compiled generations release the GIL: one population per worker, as CP-SAT would
    # use them.
    with ThreadPoolExecutor(max_workers=num_workers) as pool:
        found = [s for s in pool.map(run, range(max(1, num_workers))) if s is not None]
    return min(found, key=lambda s: objective_value(problem, s), default=None)


def _evolved_hint(
    problem: AxisProblem,
    hint: AxisSchedule,
    *,
    time_limit_s: float,
    num_workers: int,
    seed: int,
    stop: Stop | None,
) -> AxisSchedule:
    """The genetic algorithm's plan when it applies and beats `hint`, else `hint`."""
    if not genetic.applies(problem) or (stop is not None and stop.stopped):
        return hint
    best = _evolve(
        problem,
        hint,
        time_budget_s=GENETIC_SHARE * time_limit_s,
        num_workers=num_workers,
        seed=seed,
        stop=stop,
    )
    if best is not None and objective_value(problem, best) < objective_value(problem, hint):
        return best
    return hint


def _genetic_restart(
    problem: AxisProblem,
    *,
    time_limit_s: float,
    deadline: float,
    num_workers: int,
    seed: int,
    stop: Stop | None,
) -> Callable[[AxisSchedule], AxisSchedule | None] | None:
    """For the neighbourhood search: the genetic algorithm from its stalled incumbent, a
    new seed each time, until `deadline` (`time.monotonic()`) at the latest."""
    if GENETIC_RESTART_SHARE <= 0 or not genetic.applies(problem):
        return None
    counter = itertools.count(1)

    def restart(incumbent: AxisSchedule) -> AxisSchedule | None:
        budget = min(GENETIC_RESTART_SHARE * time_limit_s, deadline - time.monotonic())
        if budget <= 0 or (stop is not None and stop.stopped):
            return None
        return _evolve(
            problem,
            incumbent,
            time_budget_s=budget,
            num_workers=num_workers,
            seed=seed + 1000 * next(counter),
            stop=stop,
        )

    return restart


def solve_axis(
    problem: AxisProblem,
    *,
    time_limit_s: float,
    num_workers: int,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    started: float | None = None,
    stop: Stop | None = None,
    start_from: AxisSchedule | None = None,
) -> AxisResult:
    """Minimise the weighted objective on the axis; the hint comes from `greedy`, or is
    `start_from` when that scores better.

    `started` is the `time.monotonic()` the time limit counts from (default: now), so a
    caller's own preparation is inside the limit.
    """
    started = time.monotonic() if started is None else started
    # Keep time to explain the answer (reasons, float, loads) within the limit.
    reserve = min(0.05 * time_limit_s, 0.001 * len(problem.activities) + 0.05)
    hint = greedy.improved_schedule(
        problem,
        time_budget_s=_hint_budget(problem, time_limit_s),
        seed=seed,
        score=lambda s: objective_value(problem, s),
        stopped=(lambda: stop.stopped) if stop is not None else None,
    )
    if start_from is not None and objective_value(problem, start_from) < objective_value(
        problem, hint
    ):
        hint = start_from
    hint = _evolved_hint(
        problem,
        hint,
        time_limit_s=time_limit_s,
        num_workers=num_workers,
        seed=seed,
        stop=stop,
    )
    if stop is not None and stop.stopped:
        # CP-SAT forgets a stop_search made before its search exists, so a stop set during
        # the hint must end the solve here or the search would run out its whole limit.
        return _list_result(problem, hint, started=started)
    horizon = _horizon(problem, hint)
    built = _build(problem, horizon=horizon, hint=hint, guard=False)
    # Redundant, but CP-SAT cannot derive it (see `bounds.py`): with it, a plan that has
    # reached the shared-work limit is proven optimal and the search stops there.
    built.model.add(built.makespan >= bounds.makespan_floor(problem))
    solver = cp_model.CpSolver()
    params = solver.parameters
    search_end = started + time_limit_s - reserve
    # The neighbourhood search (see `improve.py`) takes over after the first share.
    loop = improve.applies(problem) and time_limit_s >= improve.MIN_LIMIT_S
    first_limit = improve.FIRST_SHARE * time_limit_s if loop else time_limit_s
    params.max_time_in_seconds = max(0.01, first_limit - reserve - (time.monotonic() - started))
    params.num_workers = num_workers
    params.random_seed = seed
    if _is_pure_makespan(problem):
        params.push_all_tasks_toward_start = True
    optional = sum(len(a.modes) for a in problem.activities if len(a.modes) > 1)
    if optional > _LARGE_MODEL_OPTIONALS:
        # Probing tens of thousands of presence literals takes most of a minute of presolve
        # while its deterministic-time estimate stays tiny; large plans need a first answer.
        params.cp_model_probing_level = 0
    callback = _Callback(progress, started=started, stop=stop)
    if stop is not None:
        stop.on_set(solver.stop_search)
        if stop.stopped:
            return _list_result(problem, hint, started=started)
    code = solver.solve(built.model, callback)
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    schedule: AxisSchedule | None = None
    objective: float | None = None
    bound: float | None = None
    if status is SolveStatus.UNKNOWN and respects_links(problem, hint):
        # CP-SAT found nothing in time (huge inputs): the list schedule is still a valid
        # plan, so return it rather than nothing; the missing bound shows it is unproven.
        return _list_result(problem, hint, started=started)
    solutions = callback.solutions
    if status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        schedule = _schedule_of(solver, built)
        objective = solver.objective_value
        bound = solver.best_objective_bound
    if (
        loop
        and schedule is not None
        and status is SolveStatus.FEASIBLE
        and not (stop is not None and stop.stopped)
    ):
        assert objective is not None
        outcome = improve.search(
            problem,
            incumbent=schedule,
            lower_bound=bound,
            deadline=search_end,
            num_workers=num_workers,
            seed=seed,
            stopped=(lambda: stop.stopped) if stop is not None else (lambda: False),
            on_stop=stop.on_set if stop is not None else None,
            on_improve=lambda _, value: callback.report(
                objective=value, best_bound=bound if bound is not None else value
            ),
            restart=_genetic_restart(
                problem,
                time_limit_s=time_limit_s,
                deadline=search_end,
                num_workers=num_workers,
                seed=seed,
                stop=stop,
            ),
        )
        schedule, objective = outcome.schedule, outcome.objective
        solutions = callback.solutions
        if bound is not None and objective <= bound:
            status = SolveStatus.OPTIMAL
    return AxisResult(
        status=status,
        schedule=schedule,
        objective=objective,
        best_bound=bound,
        wall_time_s=time.monotonic() - started,
        solutions=solutions,
        first_solution_s=callback.first_solution_s,
        hint_makespan=hint.makespan(problem),
    )


_UNSPLIT_SHARE = 0.4


def solve_axis_with_splits(
    problem: AxisProblem,
    *,
    time_limit_s: float,
    num_workers: int,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    started: float | None = None,
    stop: Stop | None = None,
) -> AxisResult:
    """`solve_axis`, first without pauses when some task may split.

    Splitting only adds choices, so a plan without pauses is a plan of the split model, but
    the split model is harder to search: with the same limit its first plans can be later
    than the unsplit optimum. So the problem without pauses gets part of the limit (it often
    proves optimal in a fraction of it) and its plan starts the full model's search, which
    then never ends later than planning without splitting would.
    """
    started = time.monotonic() if started is None else started
    if not any(m.gaps for a in problem.activities if a.fixed_start is None for m in a.modes):
        return solve_axis(
            problem,
            time_limit_s=time_limit_s,
            num_workers=num_workers,
            seed=seed,
            progress=progress,
            started=started,
            stop=stop,
        )
    plain = replace(
        problem,
        activities=tuple(
            a
            if a.fixed_start is not None
            else replace(a, modes=tuple(replace(m, gaps=()) for m in a.modes))
            for a in problem.activities
        ),
    )
    first = solve_axis(
        plain,
        time_limit_s=_UNSPLIT_SHARE * time_limit_s,
        num_workers=num_workers,
        seed=seed,
        started=time.monotonic(),
        stop=stop,
    )
    return solve_axis(
        problem,
        time_limit_s=time_limit_s,
        num_workers=num_workers,
        seed=seed,
        progress=progress,
        started=started,
        stop=stop,
        start_from=first.schedule,
    )


def _list_result(problem: AxisProblem, hint: AxisSchedule, *, started: float) -> AxisResult:
    """The list schedule as the answer when CP-SAT gave none; unproven, so no bound."""
    valid = respects_links(problem, hint)
    return AxisResult(
        status=SolveStatus.FEASIBLE if valid else SolveStatus.UNKNOWN,
        schedule=hint if valid else None,
        objective=objective_value(problem, hint) if valid else None,
        best_bound=None,
        wall_time_s=time.monotonic() - started,
        solutions=0,
        first_solution_s=None,
        hint_makespan=hint.makespan(problem),
    )


# Staged (lexicographic) objectives: one model, one objective per solve, each stage's value
# kept as a constraint for the next.

# The first stage has the most to find (from the list schedule on); later stages start from a
# good plan and mostly polish it.
_FIRST_STAGE_SHARE = 2.0


def solve_axis_staged(
    problem: AxisProblem,
    *,
    stages: Sequence[Objective],
    tolerance: float = 0.0,
    time_limit_s: float,
    num_workers: int,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    started: float | None = None,
    stop: Stop | None = None,
) -> AxisResult:
    """Minimise `stages` in order: stage k, then stage k+1 with stage k held at its best
    (or within `tolerance` of it when unproven), hinted with stage k's plan.

    Time is split over the stages that have anything to do, the first weighted double;
    what a stage leaves unused goes to the next. The result's objective and bound are the
    last stage's; `stages` has each one's value in the final plan and its proved bound.
    """
    started = time.monotonic() if started is None else started
    reserve = min(0.05 * time_limit_s, 0.001 * len(problem.activities) + 0.05)
    # Every stage's term must exist in the model; hints are ranked "lexicographic in spirit"
    # by the default weights of the staged terms.
    staged = replace(problem, weights=Weights(**{o.value: int(o in stages) for o in Objective}))
    defaults = Weights()
    ranking = replace(
        problem,
        weights=Weights(
            **{o.value: getattr(defaults, o.value) * int(o in stages) for o in Objective}
        ),
    )
    hint = greedy.improved_schedule(
        staged,
        time_budget_s=_hint_budget(problem, time_limit_s),
        seed=seed,
        score=lambda s: objective_value(ranking, s),
        stopped=(lambda: stop.stopped) if stop is not None else None,
    )
    if stop is not None and stop.stopped:
        return _with_stages(_list_result(staged, hint, started=started), staged, stages, {})
    built = _build(staged, horizon=_horizon(staged, hint), hint=hint, guard=False)
    built.model.add(built.makespan >= bounds.makespan_floor(staged))  # why: see solve_axis
    optional = sum(len(a.modes) for a in problem.activities if len(a.modes) > 1)
    callback = _Callback(progress, started=started, stop=stop)
    current: AxisSchedule | None = hint if respects_links(problem, hint) else None
    # The terms' values at the current hint (the model's slack variables, which may sit
    # above the plan's true value): what a stage's limit must allow for the hint to stay valid.
    hinted = term_values(staged, hint)
    outcomes: dict[Objective, tuple[SolveStatus, int | None, float]] = {}
    todo = [o for o in stages if o in built.parts]
    shares = [_FIRST_STAGE_SHARE if k == 0 else 1.0 for k in range(len(todo))]
    for k, objective in enumerate(todo):
        if stop is not None and stop.stopped:
            break
        stage_started = time.monotonic()
        term = built.parts[objective]
        if current is not None and hinted[objective] == 0:
            # Terms are never negative: zero is proven best without a search.
            outcomes[objective] = (SolveStatus.OPTIMAL, 0, 0.0)
            built.model.add(term <= 0)
            continue
        remaining = time_limit_s - reserve - (time.monotonic() - started)
        built.model.minimize(term)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = max(0.01, remaining * shares[k] / sum(shares[k:]))
        params.num_workers = num_workers
        params.random_seed = seed
        if optional > _LARGE_MODEL_OPTIONALS:
            params.cp_model_probing_level = 0  # why: see solve_axis
        if stop is not None:
            stop.on_set(solver.stop_search)
            if stop.stopped:
                break  # CP-SAT forgets a stop made before its search exists
        status = _STATUS.get(solver.solve(built.model, callback), SolveStatus.UNKNOWN)
        if status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            current = _schedule_of(solver, built)
            hinted = {o: int(solver.value(part)) for o, part in built.parts.items()}
            bound: int | None = math.ceil(solver.best_objective_bound - 1e-6)
            solution = list(solver.response_proto.solution)
            built.model.proto.clear_solution_hint()
            built.model.proto.solution_hint.vars.extend(range(len(solution)))
            built.model.proto.solution_hint.values.extend(solution)
        elif current is None:
            # No plan at all (or none exists): the caller diagnoses or falls back.
            return AxisResult(
                status=status,
                schedule=None,
                objective=None,
                best_bound=None,
                wall_time_s=time.monotonic() - started,
                solutions=callback.solutions,
                first_solution_s=callback.first_solution_s,
                hint_makespan=hint.makespan(problem),
            )
        else:
            # Nothing new in time: the previous plan stands (it meets every limit so far).
            status, bound = SolveStatus.UNKNOWN, None
        outcomes[objective] = (status, bound, time.monotonic() - stage_started)
        best = hinted[objective]
        limit = best if status is SolveStatus.OPTIMAL else math.floor(best * (1 + tolerance))
        built.model.add(term <= limit)
    if current is None:
        return _with_stages(_list_result(staged, hint, started=started), staged, stages, {})
    values = term_values(staged, current)
    last = outcomes.get(todo[-1]) if todo else None
    proven = all(outcomes.get(o, (None,))[0] is SolveStatus.OPTIMAL for o in todo)
    result = AxisResult(
        status=SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
        schedule=current,
        objective=float(values[todo[-1]]) if todo else 0.0,
        best_bound=float(last[1]) if last is not None and last[1] is not None else None,
        wall_time_s=time.monotonic() - started,
        solutions=callback.solutions,
        first_solution_s=callback.first_solution_s,
        hint_makespan=hint.makespan(problem),
    )
    return _with_stages(result, staged, stages, outcomes)


def _schedule_of(solver: cp_model.CpSolver, built: _Built) -> AxisSchedule:
    return AxisSchedule(
        starts=tuple(solver.value(s) for s in built.starts),
        modes=tuple(
            0 if lits is None else next(m for m, x in enumerate(lits) if solver.boolean_value(x))
            for lits in built.presences
        ),
        crews=tuple(c.chosen(solver) if c is not None else () for c in built.crews)
        if any(c is not None for c in built.crews)
        else (),
    )


def _with_stages(
    result: AxisResult,
    problem: AxisProblem,
    stages: Sequence[Objective],
    outcomes: Mapping[Objective, tuple[SolveStatus, int | None, float]],
) -> AxisResult:
    """Each stage's value in the final plan beside the bound proved while it was searched.

    A stage the model has no term for (no deadline, no due dates, no current plan) is zero
    and proven; a stage never searched (stopped, out of time) is unknown, without a bound.
    """
    if result.schedule is None:
        return result
    values = term_values(problem, result.schedule)
    out: list[StageResult] = []
    for objective in stages:
        status, bound, seconds = outcomes.get(objective, (SolveStatus.UNKNOWN, None, 0.0))
        value = values[objective]
        if objective not in outcomes and not _has_term(problem, objective):
            status, bound = SolveStatus.OPTIMAL, 0
        gap = None if bound is None else max(0, value - bound) / max(1, value)
        out.append(
            StageResult(
                objective=objective,
                status=status if gap != 0 else SolveStatus.OPTIMAL,
                value=value,
                best_bound=bound,
                gap=gap,
                wall_time_s=seconds,
            )
        )
    return replace(result, stages=tuple(out))


def _has_term(problem: AxisProblem, objective: Objective) -> bool:
    """Whether the objective can be anything but zero for this problem."""
    if objective is Objective.DEADLINE:
        return problem.deadline is not None and not problem.hard_deadline
    if objective is Objective.LATENESS:
        return any(a.due is not None for a in problem.activities)
    if objective is Objective.CHANGES:
        return any(
            a.preferred_start is not None and a.fixed_start is None for a in problem.activities
        )
    if objective is Objective.BALANCE:
        return any(a.load for a in problem.activities) and any(
            r.is_person for r in problem.resources
        )
    return True


def respects_links(problem: AxisProblem, schedule: AxisSchedule) -> bool:
    """Whether a list schedule also meets what list scheduling cannot promise: dependencies
    into pinned tasks, releases and a hard deadline (resources hold by construction)."""
    for link in problem.links:
        p, s = link.predecessor, link.successor
        left = (
            schedule.end(problem, s)
            if link.type in (DependencyType.FF, DependencyType.SF)
            else schedule.starts[s]
        )
        right = (
            schedule.end(problem, p)
            if link.type in (DependencyType.FS, DependencyType.FF)
            else schedule.starts[p]
        )
        if left < right + link.lag:
            return False
    if any(
        a.fixed_start is None and start < a.release
        for a, start in zip(problem.activities, schedule.starts, strict=True)
    ):
        return False
    return not (
        problem.hard_deadline
        and problem.deadline is not None
        and schedule.makespan(problem) > problem.deadline
    )


def conflicting_groups(
    problem: AxisProblem,
    *,
    link_names: Sequence[str],
    resource_names: Sequence[str],
    time_limit_s: float,
    stop: Stop | None = None,
) -> list[str] | None:
    """Names of hard-constraint groups that together admit no plan, or None if unknown."""
    horizon = problem.horizon if problem.horizon is not None else 10**6
    built = _build(
        problem,
        horizon=horizon,
        hint=None,
        guard=True,
        link_names=link_names,
        resource_names=resource_names,
    )
    built.model.add_assumptions(list(built.guards.values()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit_s
    if stop is not None:
        stop.on_set(solver.stop_search)
        if stop.stopped:
            return None
    if solver.solve(built.model) != cp_model.INFEASIBLE:
        return None
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return [name for name, literal in built.guards.items() if literal.index in core]


# From an axis schedule back to a dated, explained proposal.


def _with_make_up_days(reason: Reason, days: list[date], *, extra: frozenset[date]) -> Reason:
    """A manager must see when a plan asks for work on a weekend make-up day (调休)."""
    used = [d for d in days if d in extra]
    if not used:
        return reason
    listed = ", ".join(d.isoformat() for d in used)
    return replace(reason, text=f"{reason.text} Works on make-up working day(s) {listed}.")


def _day_ranges(days: Sequence[date]) -> str:
    """Dates as runs of consecutive days: `2026-02-12, 2026-02-16 to 2026-02-20`."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        run[0].isoformat() if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs
    )


def _work_pieces(
    problem: Problem, axis: WorkingAxis, runs: Sequence[tuple[int, int]]
) -> tuple[tuple[Period, ...], list[date]]:
    """Axis runs as dated pieces, also broken where a project holiday falls on a working
    weekday (weekends are not breaks: every task spans them), and those holidays."""
    weekdays = problem.calendar.working_weekdays
    pieces: list[Period] = []
    holidays: list[date] = []
    for a, b in runs:
        if b <= a:
            continue
        first = previous = axis.day(a)
        for position in range(a + 1, b):
            day = axis.day(position)
            between = [previous + timedelta(days=k) for k in range(1, (day - previous).days)]
            off = [d for d in between if d.weekday() in weekdays]
            if off:
                holidays.extend(off)
                pieces.append(Period(first, previous))
                first = day
            previous = day
        pieces.append(Period(first, previous))
    return tuple(pieces), holidays


def _with_pauses(
    reason: Reason, *, person: str | None, days_off: Sequence[date], holidays: Sequence[date]
) -> Reason:
    """A manager must see that a task is split, and around what."""
    text = reason.text
    if days_off and person is not None:
        text += f" Split around {person}'s day(s) off on {_day_ranges(days_off)}."
    if holidays:
        text += f" Pauses over the project holiday(s) {_day_ranges(sorted(set(holidays)))}."
    return reason if text == reason.text else replace(reason, text=text)


def solve(
    problem: Problem, *, progress: ProgressCallback | None = None, stop: Stop | None = None
) -> Proposal:
    """Propose a schedule for `problem`; raise InvalidProblem for malformed input.

    Setting `stop` (from another thread) ends the search early with what it has found.
    """
    started = time.monotonic()
    violations = diagnose.validate(problem)
    if violations:
        raise InvalidProblem(violations)
    found = diagnose.precheck(problem)
    if found:
        return _no_plan(SolveStatus.INFEASIBLE, found, started)
    compiled = compile_problem(problem)
    if problem.stages:
        result = solve_axis_staged(
            compiled.problem,
            stages=problem.stages,
            tolerance=problem.stage_tolerance,
            time_limit_s=problem.time_limit_s,
            num_workers=problem.num_workers,
            seed=problem.seed,
            progress=progress,
            started=started,
            stop=stop,
        )
    else:
        result = solve_axis_with_splits(
            compiled.problem,
            time_limit_s=problem.time_limit_s,
            num_workers=problem.num_workers,
            seed=problem.seed,
            progress=progress,
            started=started,
            stop=stop,
        )
    log.info(
        "planner solve: status=%s objective=%s bound=%s in %.2fs",
        result.status,
        result.objective,
        result.best_bound,
        result.wall_time_s,
    )
    if result.schedule is None:
        diagnosis: list[Diagnosis] = []
        if result.status is SolveStatus.INFEASIBLE and not (stop and stop.stopped):
            groups = conflicting_groups(
                compiled.problem,
                link_names=[f"link:{i}" for i in range(len(problem.dependencies))],
                resource_names=[f"timeoff:{p.id}" for p in problem.people],
                time_limit_s=min(10.0, problem.time_limit_s),
                stop=stop,
            )
            diagnosis = diagnose.describe_conflict(problem, groups)
        return _no_plan(result.status, diagnosis, started)
    return explain(problem, compiled, result, started=started)


def _no_plan(status: SolveStatus, diagnosis: Sequence[Diagnosis], started: float) -> Proposal:
    return Proposal(
        status=status,
        tasks=(),
        people=(),
        objective=None,
        best_bound=None,
        gap=None,
        wall_time_s=time.monotonic() - started,
        finish=None,
        diagnosis=tuple(diagnosis),
    )


def _end_bound(link: AxisLink, *, start: int, end: int) -> int:
    """The successor side's lower bound implied by a link, given the predecessor's times."""
    anchor = end if link.type in (DependencyType.FS, DependencyType.FF) else start
    return anchor + link.lag


def total_float(problem: AxisProblem, schedule: AxisSchedule) -> list[int]:
    """Working days each activity can slip without moving the finish, given who does what.

    Arcs are the dependencies plus the order of work on each person and each tight hand-over
    on a pool, so the float respects resources, not only the network.
    """
    n = len(problem.activities)
    # A split task's stretch, pauses included, stands for its duration: its float is where
    # it may start with the same pauses (an approximation when a move would change them).
    durations = [schedule.end(problem, a) - schedule.starts[a] for a in range(n)]
    starts = list(schedule.starts)
    ends = [starts[a] + durations[a] for a in range(n)]
    arcs: list[AxisLink] = list(problem.links)
    by_resource: dict[int, list[int]] = {}
    for a in range(n):
        if durations[a] == 0:
            continue
        for r, amount in problem.activities[a].modes[schedule.modes[a]].demands:
            if amount > 0:
                by_resource.setdefault(r, []).append(a)
        for member in schedule.crew(a):
            by_resource.setdefault(member, []).append(a)
    for r, members in by_resource.items():
        members.sort(key=lambda a: starts[a])
        if problem.resources[r].is_person:
            for x, y in itertools.pairwise(members):
                if ends[x] <= starts[y]:
                    arcs.append(AxisLink(x, y, DependencyType.FS, 0))
        else:
            by_start: dict[int, list[int]] = {}
            for a in members:
                by_start.setdefault(starts[a], []).append(a)
            for x in members:
                for y in by_start.get(ends[x], []):
                    arcs.append(AxisLink(x, y, DependencyType.FS, 0))
    makespan = max(ends, default=0)
    latest = [makespan - durations[a] for a in range(n)]
    for a in range(n):
        if problem.activities[a].fixed_start is not None:
            latest[a] = starts[a]
    outgoing: list[list[AxisLink]] = [[] for _ in range(n)]
    for arc in arcs:
        outgoing[arc.predecessor].append(arc)
    order = sorted(range(n), key=lambda a: -starts[a])
    for _ in range(n + 1):
        changed = False
        for a in order:
            if problem.activities[a].fixed_start is not None:
                continue
            best = latest[a]
            for arc in outgoing[a]:
                b = arc.successor
                target = latest[b] + (
                    durations[b] if arc.type in (DependencyType.FF, DependencyType.SF) else 0
                )
                limit = target - arc.lag
                if arc.type in (DependencyType.FS, DependencyType.FF):
                    limit -= durations[a]
                best = min(best, limit)
            best = max(best, starts[a])
            if best < latest[a]:
                latest[a] = best
                changed = True
        if not changed:
            break
    return [latest[a] - starts[a] for a in range(n)]


def explain(
    problem: Problem, compiled: _Compiled, result: AxisResult, *, started: float
) -> Proposal:
    assert result.schedule is not None
    axis_problem = compiled.problem
    schedule = result.schedule
    axis = compiled.axis
    n = len(problem.tasks)
    ends = [schedule.end(axis_problem, a) for a in range(n)]
    floats = total_float(axis_problem, schedule)
    persons: list[int | None] = [
        axis_problem.activities[a].modes[schedule.modes[a]].person for a in range(n)
    ]
    incoming: list[list[AxisLink]] = [[] for _ in range(n)]
    for link in axis_problem.links:
        incoming[link.successor].append(link)
    ending_at: dict[int, list[int]] = {}
    for a in range(n):
        if ends[a] > schedule.starts[a]:
            ending_at.setdefault(ends[a], []).append(a)
    plans: list[TaskPlan] = []
    for a, task in enumerate(problem.tasks):
        s, e = schedule.starts[a], ends[a]
        person = persons[a]
        person_id = compiled.person_ids[person] if person is not None else None
        crew = tuple(compiled.person_ids[p] for p in schedule.crew(a))
        if crew and task.current is not None and set(crew) == set(task.current.crew):
            crew = task.current.crew  # the same people, in the order core holds them
        if crew:
            person_id = crew[0]
        runs = split.pieces(s, axis_problem.activities[a].modes[schedule.modes[a]])
        worked = {k for r0, r1 in runs for k in range(r0, r1)}
        pieces, holidays = _work_pieces(problem, axis, runs)
        start_changed = False
        assignee_changed = False
        if task.current is not None:
            start_changed = axis.day(s) != task.current.start
            assignee_changed = (
                task.staffed
                and task.current.assignee is not None
                and e > s
                and (
                    not set(task.current.crew or (task.current.assignee,)) <= set(crew)
                    if crew
                    else person_id != task.current.assignee
                )
            )
        reason = _reason(
            problem,
            compiled,
            schedule=schedule,
            ends=ends,
            persons=persons,
            incoming=incoming[a],
            ending_at=ending_at,
            activity=a,
        )
        if task.staff_pool is not None and reason.kind in (
            ReasonKind.OBJECTIVE,
            ReasonKind.CURRENT_PLAN,
        ):
            reason = _pool_wait(problem, compiled, activity=a, start=s, end=e) or reason
        if crew and not task.pinned:
            reason = _crew_reason(
                problem, compiled, schedule=schedule, ends=ends, activity=a, reason=reason
            )
        due = axis_problem.activities[a].due
        plans.append(
            TaskPlan(
                task_id=task.id,
                person_id=person_id,
                start=axis.day(s),
                end=axis.last_day(e) if e > s else axis.day(s),
                start_changed=start_changed,
                assignee_changed=assignee_changed,
                reason=_with_pauses(
                    _with_make_up_days(
                        reason,
                        [axis.day(k) for k in sorted(worked)],
                        extra=problem.calendar.extra_working_days,
                    ),
                    person=problem.people[person].name if person is not None else None,
                    days_off=[axis.day(k) for k in range(s, e) if k not in worked],
                    holidays=holidays,
                ),
                slack_days=floats[a],
                critical=floats[a] == 0 and e > s,
                late_days=max(0, e - due) if due is not None else 0,
                crew=crew,
                pieces=pieces,
            )
        )
    makespan = max(ends, default=compiled.release)
    gap = None
    if result.objective is not None and result.best_bound is not None:
        gap = abs(result.objective - result.best_bound) / max(1.0, abs(result.objective))
    critical = sorted((a for a in range(n) if plans[a].critical), key=lambda a: schedule.starts[a])
    return Proposal(
        status=result.status,
        tasks=tuple(plans),
        people=tuple(_loads(problem, compiled, schedule=schedule, persons=persons)),
        objective=result.objective,
        best_bound=result.best_bound,
        gap=gap,
        wall_time_s=time.monotonic() - started,
        finish=axis.last_day(makespan) if makespan > 0 else axis.day(0),
        critical_path=tuple(problem.tasks[a].id for a in critical),
        solutions=result.solutions,
        stages=tuple(
            replace(stage, text=stage_text(stage, problem=problem, plans=plans))
            for stage in result.stages
        ),
    )


def stage_text(stage: StageResult, *, problem: Problem, plans: Sequence[TaskPlan]) -> str:
    """A stage's outcome in a manager's words, with how sure the solver is of it."""
    value = stage.value
    match stage.objective:
        case Objective.DEADLINE:
            if problem.deadline is None:
                return "no project deadline"
            what = "deadline met" if value == 0 else f"finishes {_days(value)} after the deadline"
        case Objective.LATENESS:
            late = [p for p in plans if p.late_days > 0]
            if not any(t.due is not None for t in problem.tasks):
                return "no due dates"
            what = (
                "no task late against its due date"
                if not late
                else f"{_days(sum(p.late_days for p in late))} of lateness over "
                f"{len(late)} task{'s' if len(late) != 1 else ''}"
                + (
                    f" ({value} weighted by priority)"
                    if value != sum(p.late_days for p in late)
                    else ""
                )
            )
        case Objective.MAKESPAN:
            work = {t.id for t in problem.tasks if t.duration_hours > 0}
            finish = max((p.end for p in plans if p.task_id in work), default=None)
            what = f"finishes on {finish}" if finish is not None else "nothing to schedule"
        case Objective.CHANGES:
            if not any(t.current is not None and not t.pinned for t in problem.tasks):
                return "no current plan to keep"
            what = f"{value} change{'s' if value != 1 else ''} to the current plan"
        case Objective.BALANCE:
            what = f"the busiest person has {value} hours of work"
    if stage.gap == 0:
        return f"{what} (proven best)"
    if stage.gap is not None and stage.gap < 1:
        return f"{what} (within {math.ceil(stage.gap * 100)} % of the best possible)"
    return f"{what} (unproven: no bound within the time given)"


def _days(n: int) -> str:
    return f"{n} working day{'s' if n != 1 else ''}"


def _reason(
    problem: Problem,
    compiled: _Compiled,
    *,
    schedule: AxisSchedule,
    ends: Sequence[int],
    persons: Sequence[int | None],
    incoming: Sequence[AxisLink],
    ending_at: Mapping[int, Sequence[int]],
    activity: int,
) -> Reason:
    a = activity
    task = problem.tasks[a]
    axis = compiled.axis
    s = schedule.starts[a]
    duration = ends[a] - s
    if task.pinned:
        return Reason(ReasonKind.PINNED, "Pinned (done, in progress or locked): keeps its dates.")
    for link in incoming:
        p = link.predecessor
        bound = _end_bound(link, start=schedule.starts[p], end=ends[p])
        if link.type in (DependencyType.FF, DependencyType.SF):
            bound -= duration
        if bound >= s:
            pred = problem.tasks[p]
            lag = f" {link.lag:+d}d" if link.lag else ""
            return Reason(
                ReasonKind.PREDECESSOR,
                f"Waits for '{pred.name}' ({link.type.value}{lag}).",
                pred.id,
            )
    if s <= compiled.release:
        return Reason(ReasonKind.PROJECT_START, "Starts when the project starts.")
    person = persons[a]
    if person is not None:
        name = problem.people[person].name
        for b in ending_at.get(s, ()):
            if b != a and persons[b] == person:
                other = problem.tasks[b]
                modes = compiled.problem.activities[a].modes
                if len(modes) == 1:
                    skills = ", ".join(f"{r.skill}≥{r.min_level}" for r in task.required_skills)
                    return Reason(
                        ReasonKind.SKILL_SCARCITY,
                        f"Only {name} has {skills or 'the skills'}; busy with '{other.name}' "
                        f"until {axis.last_day(s)}.",
                        other.id,
                    )
                return Reason(
                    ReasonKind.PERSON_BUSY,
                    f"{name} is busy with '{other.name}' until {axis.last_day(s)}.",
                    other.id,
                )
        for block in compiled.blocks[person]:
            if block.end == s or (
                block.start > s - duration and block.start < s and block.end <= s
            ):
                what = "off" if block.time_off else "busy on other projects"
                return Reason(
                    ReasonKind.TIME_OFF if block.time_off else ReasonKind.PERSON_BUSY,
                    f"{name} is {what} until {axis.last_day(block.end)}.",
                    problem.people[person].id,
                )
    mode = compiled.problem.activities[a].modes[schedule.modes[a]]
    pools = {r for r, q in mode.demands if q > 0 and not compiled.problem.resources[r].is_person}
    if pools:
        for b in ending_at.get(s, ()):
            if b == a:
                continue
            other_mode = compiled.problem.activities[b].modes[schedule.modes[b]]
            if pools & {r for r, q in other_mode.demands if q > 0}:
                return Reason(
                    ReasonKind.POOL_BUSY,
                    f"The shared resource is in use by '{problem.tasks[b].name}'.",
                    problem.tasks[b].id,
                )
    if task.current is not None and axis.day(s) == task.current.start:
        return Reason(ReasonKind.CURRENT_PLAN, "Kept on the current plan's start date.")
    return Reason(
        ReasonKind.OBJECTIVE,
        "Not forced earlier; placed here to balance load without delaying the finish.",
    )


def _crew_reason(
    problem: Problem,
    compiled: _Compiled,
    *,
    schedule: AxisSchedule,
    ends: Sequence[int],
    activity: int,
    reason: Reason,
) -> Reason:
    """Who is on the crew and why them; a member or the staff pool may also set the date."""
    a = activity
    task = problem.tasks[a]
    axis = compiled.axis
    crew = compiled.problem.activities[a].crew
    assert crew is not None
    s, e = schedule.starts[a], ends[a]
    members = schedule.crew(a)
    names = [problem.people[p].name for p in members]
    if reason.kind in (ReasonKind.OBJECTIVE, ReasonKind.CURRENT_PLAN, ReasonKind.POOL_BUSY):
        reason = _crew_member_wait(problem, compiled, schedule=schedule, ends=ends, activity=a) or (
            reason
        )
    on_other_work: set[int] = set()
    for b in range(len(problem.tasks)):
        if b != a and schedule.starts[b] < e and s < ends[b]:
            on_other_work.update(schedule.crew(b))
            mode = compiled.problem.activities[b].modes[schedule.modes[b]]
            if mode.person is not None:
                on_other_work.add(mode.person)
    candidates = [p for p, _ in crew.demands]
    free = [
        p
        for p in candidates
        if p not in on_other_work
        and not any(blk.time_off and blk.start < e and s < blk.end for blk in compiled.blocks[p])
    ]
    skills = [f"{r.skill}≥{r.min_level}" for r in task.required_skills]
    skills += [
        f"{role.count}× " + "+".join(f"{r.skill}≥{r.min_level}" for r in role.skills)
        for role in task.crew_roles
    ]
    pool = next((p for p in problem.staff_pools if p.id == task.staff_pool), None)
    who = " with " + ", ".join(skills) if skills else ""
    if pool is not None:
        who += f" in {pool.name}"
    text = f"Needs a crew of {len(members)}: {', '.join(names)}"
    if len(candidates) == len(members):
        text += f" — the only {len(members)}{who}."
    elif len(free) == len(members):
        text += (
            f" — the only {len(members)}{who} free "
            f"{axis.day(s)}..{axis.last_day(e) if e > s else axis.day(s)}."
        )
    else:
        text += "."
    return replace(reason, text=f"{reason.text} {text}")


def _crew_member_wait(
    problem: Problem,
    compiled: _Compiled,
    *,
    schedule: AxisSchedule,
    ends: Sequence[int],
    activity: int,
) -> Reason | None:
    """The member or staff-pool day off that kept a crew task from starting a day earlier."""
    a = activity
    s = schedule.starts[a]
    axis = compiled.axis
    waited = _pool_wait(problem, compiled, activity=a, start=s, end=ends[a])
    if waited is not None:
        return waited
    for member in schedule.crew(a):
        name = problem.people[member].name
        for b in range(len(problem.tasks)):
            mode = compiled.problem.activities[b].modes[schedule.modes[b]]
            if b != a and ends[b] == s and member in (*schedule.crew(b), mode.person):
                return Reason(
                    ReasonKind.PERSON_BUSY,
                    f"Crew member {name} is busy with '{problem.tasks[b].name}' until "
                    f"{axis.last_day(s)}.",
                    problem.tasks[b].id,
                )
        for block in compiled.blocks[member]:
            if block.end == s:
                what = "off" if block.time_off else "busy on other projects"
                return Reason(
                    ReasonKind.TIME_OFF if block.time_off else ReasonKind.PERSON_BUSY,
                    f"Crew member {name} is {what} until {axis.last_day(block.end)}.",
                    problem.people[member].id,
                )
    return None


def _pool_wait(
    problem: Problem, compiled: _Compiled, *, activity: int, start: int, end: int
) -> Reason | None:
    """The staff pool's days off that kept an unsplit task from starting earlier."""
    closed = compiled.problem.activities[activity].closed
    if not any(run_end == start for _, run_end in closed):
        return None
    axis = compiled.axis
    pool = next(p for p in problem.staff_pools if p.id == problem.tasks[activity].staff_pool)
    off = [
        axis.day(k)
        for run_start, run_end in closed
        if run_start < start and run_end > compiled.release
        for k in range(max(run_start, compiled.release), run_end)
    ]
    listed = ", ".join(d.isoformat() for d in off[-3:])
    more = "…, " if len(off) > 3 else ""
    return Reason(
        ReasonKind.TIME_OFF,
        f"{pool.name} has no {end - start} working day{'s' if end - start != 1 else ''} in a row "
        f"before {axis.day(start)} "
        f"(off on {more}{listed}).",
        pool.id,
    )


def _loads(
    problem: Problem,
    compiled: _Compiled,
    *,
    schedule: AxisSchedule,
    persons: Sequence[int | None],
) -> list[PersonLoad]:
    axis = compiled.axis
    per_day: list[dict[int, float]] = [{} for _ in problem.people]
    totals = [0.0] * len(problem.people)
    for a, task in enumerate(problem.tasks):
        crew = schedule.crew(a)
        workers = crew or ((persons[a],) if persons[a] is not None else ())
        if not workers:
            continue
        mode = compiled.problem.activities[a].modes[schedule.modes[a]]
        worked = [k for r0, r1 in split.pieces(schedule.starts[a], mode) for k in range(r0, r1)]
        for who in workers:
            assert who is not None
            totals[who] += task.duration_hours
            for position in worked:
                per_day[who][position] = per_day[who].get(position, 0.0) + (
                    task.duration_hours / len(worked)
                )
    loads: list[PersonLoad] = []
    for p, person in enumerate(problem.people):
        capacity = {position: compiled.daily_hours[p] for position in per_day[p]}
        days = per_day[p]
        for block in compiled.blocks[p]:
            for position in range(block.start, block.end):
                if position not in days:
                    continue
                if block.time_off:
                    capacity[position] = 0.0
                else:
                    days[position] += block.hours
        day_loads = tuple(
            DayLoad(
                day=axis.day(position),
                hours=round(days[position], 2),
                capacity_hours=round(capacity[position], 2),
            )
            for position in sorted(days)
        )
        loads.append(
            PersonLoad(
                person_id=person.id,
                total_hours=round(totals[p], 2),
                days=day_loads,
                overloaded_days=tuple(
                    d.day for d in day_loads if d.hours > d.capacity_hours + 1e-6
                ),
            )
        )
    return loads


def calendar_day(problem: Problem, position: int) -> date:
    """The date of an axis position for `problem` (for adapters reporting makespans)."""
    return compile_problem(problem).axis.day(position)
