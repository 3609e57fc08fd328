"""Refuse malformed input, and say why a plan is impossible in a manager's words.

`validate` names the offending field (`tasks[3].duration_hours`) so the service can answer
INVALID_ARGUMENT. `precheck` finds the usual causes of infeasibility cheaply before any
solving; `describe_conflict` turns the constraint groups CP-SAT blames after an INFEASIBLE
answer into sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from services.planner.axis import UNITS_PER_HOUR, WorkingAxis, daily_hours, span_days, to_units
from services.planner.greedy import match_crew, topological_order
from services.planner.model import (
    Dependency,
    DependencyType,
    Diagnosis,
    FieldViolation,
    Person,
    PlannedSlot,
    Problem,
    Task,
)

MAX_TASKS = 5000
MAX_PEOPLE = 1000
MAX_POOLS = 200
MAX_DEPENDENCIES = 50_000
MAX_SKILLS_PER_TASK = 20
MAX_PERIODS_PER_PERSON = 1000
MAX_DURATION_HOURS = 10_000.0
MAX_LAG_DAYS = 1000
MAX_HORIZON_DAYS = 5000
MAX_TIME_LIMIT_S = 600.0
MAX_WORKERS = 32
MAX_ID_LENGTH = 200
MAX_CREW = 50


def validate(problem: Problem) -> list[FieldViolation]:
    """Everything wrong with the input's shape and size, each naming its field."""
    out: list[FieldViolation] = []

    def bad(name: str, description: str) -> None:
        out.append(FieldViolation(name, description))

    for name, items, limit in (
        ("tasks", problem.tasks, MAX_TASKS),
        ("people", problem.people, MAX_PEOPLE),
        ("pools", problem.pools, MAX_POOLS),
        ("dependencies", problem.dependencies, MAX_DEPENDENCIES),
    ):
        if len(items) > limit:
            bad(name, f"at most {limit} allowed, got {len(items)}")
    if out:
        return out
    if not 0 < problem.time_limit_s <= MAX_TIME_LIMIT_S:
        bad("time_limit_s", f"must be in (0, {MAX_TIME_LIMIT_S:g}]")
    if not 1 <= problem.num_workers <= MAX_WORKERS:
        bad("num_workers", f"must be in [1, {MAX_WORKERS}]")
    if problem.horizon_days is not None and not 1 <= problem.horizon_days <= MAX_HORIZON_DAYS:
        bad("horizon_days", f"must be in [1, {MAX_HORIZON_DAYS}]")
    if problem.hard_deadline and problem.deadline is None:
        bad("deadline", "a hard deadline needs a date")
    if problem.deadline is not None and problem.deadline < problem.project_start:
        bad("deadline", "is before the project start")
    for field_name in ("lateness", "deadline", "makespan", "changes", "balance"):
        if getattr(problem.weights, field_name) < 0:
            bad(f"weights.{field_name}", "must not be negative")
    if len(set(problem.stages)) != len(problem.stages):
        bad("stages", "must not repeat an objective")
    if not 0 <= problem.stage_tolerance <= 0.5:
        bad("stage_tolerance", "must be from 0 to 0.5")
    calendar = problem.calendar
    if not calendar.working_weekdays or not calendar.working_weekdays <= set(range(7)):
        bad("calendar.working_weekdays", "must be a non-empty subset of 0..6 (Monday = 0)")
    if not 0 < calendar.hours_per_day <= 24:
        bad("calendar.hours_per_day", "must be in (0, 24]")

    people: set[str] = set()
    for i, person in enumerate(problem.people):
        where = f"people[{i}]"
        _check_id(bad, f"{where}.id", person.id, people)
        if not 0 < person.hours_per_day <= 24:
            bad(f"{where}.hours_per_day", "must be in (0, 24]")
        if person.weekly_capacity_hours is not None and not (
            0 < person.weekly_capacity_hours <= 168
        ):
            bad(f"{where}.weekly_capacity_hours", "must be in (0, 168]")
        if not person.working_weekdays or not person.working_weekdays <= set(range(7)):
            bad(f"{where}.working_weekdays", "must be a non-empty subset of 0..6")
        for skill, level in person.skills.items():
            if not 0 <= level <= 5:
                bad(f"{where}.skills[{skill}]", "level must be in 0..5")
        periods = len(person.time_off) + len(person.busy) + len(person.holidays)
        if periods > MAX_PERIODS_PER_PERSON:
            bad(f"{where}.time_off", f"at most {MAX_PERIODS_PER_PERSON} periods allowed")
        for k, period in enumerate(person.time_off):
            if period.end < period.start:
                bad(f"{where}.time_off[{k}]", "ends before it starts")
        for k, busy in enumerate(person.busy):
            if busy.end < busy.start:
                bad(f"{where}.busy[{k}]", "ends before it starts")
            if not 0 < busy.hours_per_day <= 24:
                bad(f"{where}.busy[{k}].hours_per_day", "must be in (0, 24]")
    pools: set[str] = set()
    for i, pool in enumerate(problem.pools):
        _check_id(bad, f"pools[{i}].id", pool.id, pools)
        if pool.capacity < 1:
            bad(f"pools[{i}].capacity", "must be at least 1")

    staff_pools: set[str] = set()
    for i, staff_pool in enumerate(problem.staff_pools):
        where = f"staff_pools[{i}]"
        _check_id(bad, f"{where}.id", staff_pool.id, staff_pools)
        for k, member in enumerate(staff_pool.members):
            if member not in people:
                bad(f"{where}.members[{k}]", f"unknown person '{member}'")
        if not staff_pool.working_weekdays or not staff_pool.working_weekdays <= set(range(7)):
            bad(f"{where}.working_weekdays", "must be a non-empty subset of 0..6")

    tasks: set[str] = set()
    for i, task in enumerate(problem.tasks):
        where = f"tasks[{i}]"
        _check_id(bad, f"{where}.id", task.id, tasks)
        if not 0 <= task.duration_hours <= MAX_DURATION_HOURS:
            bad(f"{where}.duration_hours", f"must be in [0, {MAX_DURATION_HOURS:g}]")
        if not 1 <= task.priority <= 5:
            bad(f"{where}.priority", "must be in 1..5")
        if len(task.required_skills) > MAX_SKILLS_PER_TASK:
            bad(f"{where}.required_skills", f"at most {MAX_SKILLS_PER_TASK} allowed")
        for k, requirement in enumerate(task.required_skills):
            if not 1 <= requirement.min_level <= 5:
                bad(f"{where}.required_skills[{k}].min_level", "must be in 1..5")
        if not 1 <= task.crew_size <= MAX_CREW:
            bad(f"{where}.crew_size", f"must be in 1..{MAX_CREW}")
        for k, role in enumerate(task.crew_roles):
            if role.count < 1:
                bad(f"{where}.crew_roles[{k}].count", "must be at least 1")
            if not role.skills or len(role.skills) > MAX_SKILLS_PER_TASK:
                bad(f"{where}.crew_roles[{k}].skills", f"1..{MAX_SKILLS_PER_TASK} skills")
            for j, requirement in enumerate(role.skills):
                if not 1 <= requirement.min_level <= 5:
                    bad(f"{where}.crew_roles[{k}].skills[{j}].min_level", "must be in 1..5")
        if sum(role.count for role in task.crew_roles) > task.crew_size:
            bad(f"{where}.crew_size", "must be at least the crew roles' counts together")
        if task.staff_pool is not None and task.staff_pool not in staff_pools:
            bad(f"{where}.staff_pool", f"unknown staff pool '{task.staff_pool}'")
        for k, demand in enumerate(task.pool_demands):
            if demand.pool not in pools:
                bad(f"{where}.pool_demands[{k}].pool", f"unknown pool '{demand.pool}'")
            if demand.amount < 0:
                bad(f"{where}.pool_demands[{k}].amount", "must not be negative")
        current = task.current
        if current is not None:
            if current.end < current.start:
                bad(f"{where}.current.end", "is before current.start")
            if current.assignee is not None and current.assignee not in people:
                bad(f"{where}.current.assignee", f"unknown person '{current.assignee}'")
            for k, member in enumerate(current.crew):
                if member not in people:
                    bad(f"{where}.current.crew[{k}]", f"unknown person '{member}'")
            if current.crew and (
                current.crew[0] != current.assignee or len(set(current.crew)) < len(current.crew)
            ):
                bad(f"{where}.current.crew", "must start with the assignee, each person once")
        if task.pinned:
            if current is None:
                bad(f"{where}.current", "a pinned task needs its current dates")
            elif task.staffed and task.duration_hours > 0 and current.assignee is None:
                bad(f"{where}.current.assignee", "a pinned task needs its person")
    for i, dependency in enumerate(problem.dependencies):
        where = f"dependencies[{i}]"
        for side in ("predecessor", "successor"):
            if getattr(dependency, side) not in tasks:
                bad(f"{where}.{side}", f"unknown task '{getattr(dependency, side)}'")
        if dependency.predecessor == dependency.successor:
            bad(where, "a task cannot depend on itself")
        if abs(dependency.lag_days) > MAX_LAG_DAYS:
            bad(f"{where}.lag_days", f"must be within ±{MAX_LAG_DAYS}")
    return out


def _check_id(bad: Callable[[str, str], None], name: str, value: str, seen: set[str]) -> None:
    if not value or len(value) > MAX_ID_LENGTH:
        bad(name, f"must be 1..{MAX_ID_LENGTH} characters")
    elif value in seen:
        bad(name, f"duplicate id '{value}'")
    seen.add(value)


def qualified(person: Person, task: Task) -> bool:
    return all(person.skills.get(r.skill, 0) >= r.min_level for r in task.required_skills)


def _needs_person(task: Task) -> bool:
    return task.staffed and not task.pinned and to_units(task.duration_hours) > 0


def _cycle(problem: Problem) -> list[str] | None:
    index = {t.id: i for i, t in enumerate(problem.tasks)}
    edges = [(index[d.predecessor], index[d.successor]) for d in problem.dependencies]
    if topological_order(len(problem.tasks), edges) is not None:
        return None
    successors: dict[int, list[int]] = {}
    for a, b in edges:
        successors.setdefault(a, []).append(b)
    state = [0] * len(problem.tasks)
    stack: list[int] = []

    def visit(a: int) -> list[int] | None:
        state[a] = 1
        stack.append(a)
        for b in successors.get(a, []):
            if state[b] == 1:
                return [*stack[stack.index(b) :], b]
            if state[b] == 0:
                found = visit(b)
                if found:
                    return found
        stack.pop()
        state[a] = 2
        return None

    for a in range(len(problem.tasks)):
        if state[a] == 0:
            found = visit(a)
            if found:
                return [problem.tasks[i].name for i in found]
    return None


def precheck(problem: Problem) -> list[Diagnosis]:
    """Cheap checks that prove a plan impossible, most actionable first."""
    out: list[Diagnosis] = []
    cycle = _cycle(problem)
    if cycle is not None:
        out.append(Diagnosis("DEPENDENCY_CYCLE", "Dependency cycle: " + " → ".join(cycle) + "."))
    for task in problem.tasks:
        if _needs_person(task) and not any(qualified(p, task) for p in problem.people):
            out.append(_nobody_qualified(problem, task))
        elif _needs_person(task) and (task.is_crew or task.staff_pool is not None):
            short = _crew_short(problem, task) or _pool_days_short(problem, task)
            if short is not None:
                out.append(short)
    pool_capacity = {p.id: p.capacity for p in problem.pools}
    for task in problem.tasks:
        for demand in task.pool_demands:
            if demand.amount > pool_capacity[demand.pool]:
                out.append(
                    Diagnosis(
                        "POOL_TOO_SMALL",
                        f"Task '{task.name}' needs {demand.amount} of '{demand.pool}', "
                        f"which has only {pool_capacity[demand.pool]}.",
                        task_ids=(task.id,),
                    )
                )
    out.extend(_pinned_conflicts(problem))
    if cycle is None and not out and problem.hard_deadline and problem.deadline is not None:
        late = _critical_path_overrun(problem)
        if late is not None:
            out.append(late)
    return out


def _nobody_qualified(problem: Problem, task: Task) -> Diagnosis:
    for requirement in task.required_skills:
        levels = [(p.skills.get(requirement.skill, 0), p) for p in problem.people]
        best_level, best = max(levels, key=lambda x: x[0], default=(0, None))
        if best_level < requirement.min_level:
            if best is not None and best_level > 0:
                closest = f" The closest is {best.name} at level {best_level}."
            else:
                closest = " Nobody has it at any level."
            return Diagnosis(
                "NO_QUALIFIED_PERSON",
                f"Nobody has {requirement.skill} at level {requirement.min_level}, which "
                f"task '{task.name}' needs.{closest}",
                task_ids=(task.id,),
            )
    wanted = ", ".join(f"{r.skill} ≥ {r.min_level}" for r in task.required_skills)
    return Diagnosis(
        "NO_QUALIFIED_PERSON",
        f"Nobody has all of {wanted}, which task '{task.name}' needs; each skill exists "
        "but not in one person.",
        task_ids=(task.id,),
    )


def crew_places(
    problem: Problem, task: Task
) -> tuple[int, tuple[tuple[int, tuple[int, ...]], ...]]:
    """A crew task's daily need (units) and, per role, how many people and who may fill it.

    A crew works the project's day together, so a candidate must have the task's daily hours
    free in their own day: a part-timer on a full-day crew job would leave the crew
    short-handed. Every member needs the task's skills and, for a staff pool's task, must be
    in the pool; a role adds its own skills. The rest of the crew is anyone eligible.
    """
    units = to_units(task.duration_hours)
    project_day = max(1, int(problem.calendar.hours_per_day * UNITS_PER_HOUR))
    daily = -(-units // max(1, span_days(units, project_day))) if units else 0
    pool = next((p for p in problem.staff_pools if p.id == task.staff_pool), None)
    eligible = [
        i
        for i, person in enumerate(problem.people)
        if _capacity(problem, person) >= daily
        and qualified(person, task)
        and (pool is None or person.id in pool.members)
    ]
    roles: list[tuple[int, tuple[int, ...]]] = []
    for role in task.crew_roles:
        skilled = tuple(
            i
            for i in eligible
            if all(problem.people[i].skills.get(r.skill, 0) >= r.min_level for r in role.skills)
        )
        roles.append((role.count, skilled))
    rest = task.crew_size - sum(role.count for role in task.crew_roles)
    if rest > 0:
        roles.append((rest, tuple(eligible)))
    return daily, tuple(roles)


def _pool_days_short(problem: Problem, task: Task) -> Diagnosis | None:
    """Whether a staff pool ever works as many days in a row as the task takes (a task is
    not split around the pool's days off), looking a year ahead of the project start."""
    pool = next((p for p in problem.staff_pools if p.id == task.staff_pool), None)
    if pool is None:
        return None
    units = to_units(task.duration_hours)
    if task.is_crew:
        project_day = max(1, int(problem.calendar.hours_per_day * UNITS_PER_HOUR))
        days = span_days(units, project_day)
    else:
        days = min(
            (
                span_days(units, _capacity(problem, p))
                for p in problem.people
                if p.id in pool.members and qualified(p, task)
            ),
            default=0,
        )
    axis = WorkingAxis(
        origin=problem.project_start,
        working_weekdays=problem.calendar.working_weekdays,
        holidays=problem.calendar.holidays,
        extra_working_days=problem.calendar.extra_working_days,
    )
    longest = run = 0
    for day in (problem.project_start + timedelta(days=k) for k in range(366)):
        if not axis.is_working(day):
            continue
        run = run + 1 if pool.works(day) else 0
        longest = max(longest, run)
        if longest >= days:
            return None
    return Diagnosis(
        "POOL_DAYS_TOO_SHORT",
        f"Task '{task.name}' takes {days} working days in a row, but {pool.name} never works "
        f"more than {longest} in a row; a task is not split around the pool's days off. "
        "Shorten or divide the task, or change the pool's working days.",
        task_ids=(task.id,),
    )


def _capacity(problem: Problem, person: Person) -> int:
    rate = daily_hours(
        hours_per_day=person.hours_per_day,
        working_weekdays=person.working_weekdays,
        weekly_capacity_hours=person.weekly_capacity_hours,
        project_weekdays=problem.calendar.working_weekdays,
    )
    return max(1, int(rate * UNITS_PER_HOUR))


def _crew_short(problem: Problem, task: Task) -> Diagnosis | None:
    """Whether the people who may join the task's crew can fill every place at once."""
    _, roles = crew_places(problem, task)
    eligible = sorted({i for _, members in roles for i in members})
    if not task.is_crew:
        if eligible:
            return None
    elif match_crew(roles, eligible) is not None:
        return None
    pool = next((p for p in problem.staff_pools if p.id == task.staff_pool), None)
    where = f" in {pool.name}" if pool is not None else ""
    names = ", ".join(problem.people[i].name for i in eligible) or "nobody"
    parts = [
        f"{role.count} with " + ", ".join(f"{r.skill} ≥ {r.min_level}" for r in role.skills)
        for role in task.crew_roles
    ]
    of_which = f" ({'; '.join(parts)})" if parts else ""
    return Diagnosis(
        "CREW_TOO_SMALL",
        f"Task '{task.name}' needs a crew of {task.crew_size}{of_which}; the people{where} "
        f"who can join it ({names}) cannot fill every place.",
        task_ids=(task.id,),
        person_ids=tuple(problem.people[i].id for i in eligible),
    )


def _days_off(person: Person, *, start: date, end: date) -> list[date]:
    off = {d for d in person.holidays if start <= d <= end}
    for period in person.time_off:
        day = max(period.start, start)
        while day <= min(period.end, end):
            off.add(day)
            day += timedelta(days=1)
    return sorted(off)


def _pinned_conflicts(problem: Problem) -> list[Diagnosis]:
    out: list[Diagnosis] = []
    people = {p.id: p for p in problem.people}
    axis = WorkingAxis(
        origin=min([problem.project_start] + [t.current.start for t in problem.tasks if t.current]),
        working_weekdays=problem.calendar.working_weekdays,
        holidays=problem.calendar.holidays,
        extra_working_days=problem.calendar.extra_working_days,
    )
    for task in problem.tasks:
        current = task.current
        if (
            not task.pinned
            or task.started  # work in progress is a fact, even on a day off taken since
            or current is None
            or current.assignee is None
            or not task.staffed
        ):
            continue
        person = people[current.assignee]
        off = [
            d for d in _days_off(person, start=current.start, end=current.end) if axis.is_working(d)
        ]
        if task.splittable and current.start not in off and current.end not in off:
            off = []  # a split task pauses over days off inside it
        if off and to_units(task.duration_hours) > 0:
            days = ", ".join(str(d) for d in off[:3]) + (" …" if len(off) > 3 else "")
            out.append(
                Diagnosis(
                    "PINNED_TASK_DURING_TIME_OFF",
                    f"Pinned task '{task.name}' has {person.name} working "
                    f"{current.start}..{current.end}, but {person.name} is off on {days}. "
                    "Move the time off, unpin the task or change its dates.",
                    task_ids=(task.id,),
                    person_ids=(person.id,),
                )
            )
    tasks = {t.id: t for t in problem.tasks}
    for dependency in problem.dependencies:
        before, after = tasks[dependency.predecessor], tasks[dependency.successor]
        if after.started or not (
            before.pinned and after.pinned and before.current and after.current
        ):
            continue
        if not _pinned_link_holds(axis, dependency, before.current, after.current):
            out.append(
                Diagnosis(
                    "PINNED_DEPENDENCY_VIOLATED",
                    f"Pinned tasks '{before.name}' and '{after.name}' break their "
                    f"{dependency.type.value} dependency (lag {dependency.lag_days} days); "
                    "unpin one of them.",
                    task_ids=(before.id, after.id),
                )
            )
    return out


def _pinned_link_holds(
    axis: WorkingAxis, dependency: Dependency, before: PlannedSlot, after: PlannedSlot
) -> bool:
    times = {
        "ps": axis.position(before.start),
        "pe": axis.end_position(before.end),
        "ss": axis.position(after.start),
        "se": axis.end_position(after.end),
    }
    left = times["se"] if dependency.type in (DependencyType.FF, DependencyType.SF) else times["ss"]
    right = (
        times["pe"] if dependency.type in (DependencyType.FS, DependencyType.FF) else times["ps"]
    )
    return left >= right + dependency.lag_days


def _critical_path_overrun(problem: Problem) -> Diagnosis | None:
    """Resource-free earliest finish vs the hard deadline, naming the longest chain."""
    assert problem.deadline is not None
    origin = min(
        [problem.project_start] + [t.current.start for t in problem.tasks if t.pinned and t.current]
    )
    axis = WorkingAxis(
        origin=origin,
        working_weekdays=problem.calendar.working_weekdays,
        holidays=problem.calendar.holidays,
        extra_working_days=problem.calendar.extra_working_days,
    )
    release = axis.position(problem.project_start)
    project_units = max(1, int(problem.calendar.hours_per_day * UNITS_PER_HOUR))
    n = len(problem.tasks)
    durations: list[int] = []
    fixed: list[int | None] = []
    for task in problem.tasks:
        units = to_units(task.duration_hours)
        if task.pinned and task.current is not None:
            start = axis.position(task.current.start)
            fixed.append(start)
            durations.append(max(0, axis.end_position(task.current.end) - start))
        elif not task.staffed:
            fixed.append(None)
            durations.append(span_days(units, project_units))
        else:
            fixed.append(None)
            rates = [
                max(
                    1,
                    int(
                        UNITS_PER_HOUR
                        * daily_hours(
                            hours_per_day=p.hours_per_day,
                            working_weekdays=p.working_weekdays,
                            weekly_capacity_hours=p.weekly_capacity_hours,
                            project_weekdays=problem.calendar.working_weekdays,
                        )
                    ),
                )
                for p in problem.people
                if qualified(p, task)
            ]
            durations.append(span_days(units, max(rates)) if rates else 0)
    index = {t.id: i for i, t in enumerate(problem.tasks)}
    incoming: list[list[Dependency]] = [[] for _ in range(n)]
    for d in problem.dependencies:
        incoming[index[d.successor]].append(d)
    order = topological_order(
        n, [(index[d.predecessor], index[d.successor]) for d in problem.dependencies]
    )
    assert order is not None
    es = [0] * n
    via: list[int | None] = [None] * n
    for b in order:
        f = fixed[b]
        es[b] = f if f is not None else release
        if f is not None:
            continue
        for d in incoming[b]:
            a = index[d.predecessor]
            anchor = (
                es[a] + durations[a] if d.type in (DependencyType.FS, DependencyType.FF) else es[a]
            )
            bound = anchor + d.lag_days
            if d.type in (DependencyType.FF, DependencyType.SF):
                bound -= durations[b]
            if bound > es[b]:
                es[b], via[b] = bound, a
    finish = max(range(n), key=lambda a: es[a] + durations[a])
    earliest = es[finish] + durations[finish]
    deadline = axis.end_position(problem.deadline)
    if earliest <= deadline:
        return None
    chain: list[int] = []
    at: int | None = finish
    while at is not None:
        chain.append(at)
        at = via[at]
    names = " → ".join(problem.tasks[a].name for a in reversed(chain))
    return Diagnosis(
        "DEADLINE_BEFORE_CRITICAL_PATH",
        f"Deadline {problem.deadline} is {earliest - deadline} working days shorter than the "
        f"critical path ({names}), which cannot finish before {axis.last_day(earliest)} even "
        "with the fastest qualified people and no waiting.",
        task_ids=tuple(problem.tasks[a].id for a in reversed(chain)),
    )


def describe_conflict(problem: Problem, groups: Sequence[str] | None) -> list[Diagnosis]:
    """Sentences for the constraint groups that together admit no plan."""
    if not groups:
        return [
            Diagnosis(
                "INFEASIBLE",
                "No plan satisfies all hard constraints, and the conflict could not be "
                "narrowed down in time; try relaxing the hard deadline or unpinning tasks.",
            )
        ]
    parts: list[str] = []
    task_ids: list[str] = []
    person_ids: list[str] = []
    for group in groups:
        kind, _, key = group.partition(":")
        if kind == "deadline":
            parts.append(f"the hard deadline {problem.deadline}")
        elif kind == "horizon":
            parts.append(f"the planning horizon of {problem.horizon_days} working days")
        elif kind == "pinned":
            task = problem.tasks[int(key)]
            assert task.current is not None
            parts.append(f"pinned task '{task.name}' ({task.current.start}..{task.current.end})")
            task_ids.append(task.id)
        elif kind == "link":
            dependency = problem.dependencies[int(key)]
            parts.append(
                f"dependency {dependency.predecessor} → {dependency.successor} "
                f"({dependency.type.value}, lag {dependency.lag_days})"
            )
            task_ids.extend((dependency.predecessor, dependency.successor))
        elif kind == "timeoff":
            person = next(p for p in problem.people if p.id == key)
            parts.append(f"{person.name}'s time off and other commitments")
            person_ids.append(person.id)
    return [
        Diagnosis(
            "CONFLICTING_CONSTRAINTS",
            "These cannot all hold together: " + "; ".join(parts) + ". Relax one of them.",
            task_ids=tuple(dict.fromkeys(task_ids)),
            person_ids=tuple(dict.fromkeys(person_ids)),
        )
    ]
