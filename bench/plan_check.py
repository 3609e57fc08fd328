"""Re-verify a planner proposal from the raw inputs, sharing no code with the solver.

`check_proposal` walks calendar dates, not the solver's working-day axis: a day is worked
when the project's working calendar says so (`services/common/workcal.py` in the benchmark,
with China's holidays and 调休 make-up days, or the problem's own calendar), and a person
is off on their holidays and time off. It checks what a manager relies on: every piece of
a task on days its person works, the pieces holding exactly the task's work, a task split
only around its person's days off (and only when it may be split), nobody booked beyond
their day, and every successor starting after the last piece of its predecessor. A crew task
(`Task.crew_size`, `crew_roles`, `staff_pool`) needs exactly its number of different people,
each with the task's skills, the roles seated among them, all in its staff pool, all working
every day of its one stretch (a crew is not split), and each booked for all its hours.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from services.planner.model import Person, Problem, Proposal, Task, TaskPlan

_EPS = 1e-6
_ONE = timedelta(days=1)
MAX_PAUSES = 2
"""A split task pauses at most twice, and for no more days off than it works."""


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def _daily_hours(person: Person, problem: Problem) -> float:
    """Weekly hours spread over the project's working weekdays (docs/planner.md)."""
    weekly = person.hours_per_day * len(person.working_weekdays)
    if person.weekly_capacity_hours is not None:
        weekly = min(weekly, person.weekly_capacity_hours)
    return weekly / len(problem.calendar.working_weekdays)


def _off(person: Person, day: date) -> bool:
    return day in person.holidays or any(p.start <= day <= p.end for p in person.time_off)


def _workers(plan: TaskPlan) -> list[str]:
    return list(plan.crew) or ([plan.person_id] if plan.person_id is not None else [])


def _qualified(person: Person, task: Task) -> bool:
    return all(person.skills.get(r.skill, 0) >= r.min_level for r in task.required_skills)


def check_proposal(
    problem: Problem, proposal: Proposal, *, working_day: Callable[[date], bool] | None = None
) -> list[str]:
    """Every rule the proposal breaks, one readable line each; empty when it holds."""
    calendar = problem.calendar

    def project_day(day: date) -> bool:
        if day in calendar.extra_working_days:
            return True
        return day.weekday() in calendar.working_weekdays and day not in calendar.holidays

    works = working_day or project_day
    errors: list[str] = []
    plans = {p.task_id: p for p in proposal.tasks}
    tasks = {t.id: t for t in problem.tasks}
    people = {p.id: p for p in problem.people}
    if set(plans) != set(tasks) or len(plans) != len(proposal.tasks):
        return [f"the plan covers {sorted(plans)}, the tasks are {sorted(tasks)}"]

    worked: dict[str, list[date]] = {}
    for task in problem.tasks:
        plan = plans[task.id]
        where = f"task {task.id} ({task.name})"
        days = _check_pieces(plan, where=where, works=works, errors=errors)
        worked[task.id] = days
        if task.pinned:
            if task.current is not None and (plan.start, plan.end) != (
                task.current.start,
                task.current.end,
            ):
                errors.append(f"{where}: pinned but moved")
            continue
        if plan.start < problem.project_start:
            errors.append(
                f"{where}: starts {plan.start}, before the project {problem.project_start}"
            )
        if task.duration_hours <= 0:
            continue
        person = people.get(plan.person_id) if plan.person_id is not None else None
        if task.staffed and person is None:
            errors.append(f"{where}: nobody assigned")
            continue
        # A crew works the project's day together (docs/planner.md, "Crews").
        if person is not None and not task.is_crew:
            rate = _daily_hours(person, problem)
        else:
            rate = calendar.hours_per_day
        # Work is planned in quarter hours (docs/planner.md), so a day may hold a little less
        # than the exact rate: one more day is right then, and only then.
        need = math.ceil(round(task.duration_hours / rate, 6))
        most = math.ceil(math.ceil(task.duration_hours * 4 - 1e-6) / max(1, int(rate * 4)))
        if not need <= len(days) <= max(need, most):
            errors.append(
                f"{where}: {len(days)} working day(s) in its pieces, its "
                f"{task.duration_hours:g} h take {need} at {rate:g} h a day"
            )
        if person is None:
            continue
        if task.is_crew:
            _check_crew(problem, task, plan, days=days, where=where, errors=errors)
        for requirement in task.required_skills:
            if person.skills.get(requirement.skill, 0) < requirement.min_level:
                errors.append(f"{where}: {person.name} lacks {requirement.skill}")
        for day in days:
            if _off(person, day):
                errors.append(f"{where}: works on {day}, {person.name}'s day off")
        paused = [d for d in _days(plan.start, plan.end) if works(d) and d not in set(days)]
        not_off = [d for d in paused if not _off(person, d)]
        if not_off:
            errors.append(f"{where}: pauses on {not_off[0]}, a working day of {person.name}")
        if paused and task.is_crew:
            errors.append(f"{where}: a crew task, but its crew pauses over {paused[0]}")
        elif paused and not task.splittable:
            errors.append(f"{where}: not splittable but pauses over {paused[0]}")
        pauses = sum(
            1
            for a, b in zip(plan.pieces, plan.pieces[1:], strict=False)
            if any(works(d) for d in _days(a.end + _ONE, b.start - _ONE))
        )
        if pauses > MAX_PAUSES or len(paused) > len(days):
            errors.append(f"{where}: scattered ({pauses} pauses, {len(paused)} days off inside)")

    _check_bookings(problem, plans, worked=worked, works=works, errors=errors)
    _check_dependencies(problem, plans, worked=worked, works=works, errors=errors)
    if problem.hard_deadline and problem.deadline is not None:
        last = max((p.end for p in proposal.tasks), default=problem.deadline)
        if last > problem.deadline:
            errors.append(f"finishes {last}, after the hard deadline {problem.deadline}")
    return errors


def _check_crew(
    problem: Problem,
    task: Task,
    plan: TaskPlan,
    *,
    days: list[date],
    where: str,
    errors: list[str],
) -> None:
    """The crew's size, its members' skills, roles, pool and days off (bookings are summed
    with everyone else's in `_check_bookings`)."""
    people = {p.id: p for p in problem.people}
    crew = _workers(plan)
    if len(crew) != task.crew_size:
        errors.append(f"{where}: a crew of {len(crew)}, it needs {task.crew_size}")
    if len(set(crew)) != len(crew):
        errors.append(f"{where}: someone is on its crew twice")
    if plan.crew and plan.person_id != plan.crew[0]:
        errors.append(f"{where}: assignee {plan.person_id} is not the crew's first member")
    unknown = [m for m in crew if m not in people]
    if unknown:
        errors.append(f"{where}: {unknown[0]} on its crew is nobody in the project")
        return
    pool = next((p for p in problem.staff_pools if p.id == task.staff_pool), None)
    if task.staff_pool is not None and pool is None:
        errors.append(f"{where}: its staff pool {task.staff_pool} does not exist")
    for member in (people[m] for m in crew):
        if not _qualified(member, task):
            errors.append(f"{where}: {member.name} on its crew lacks its skills")
        if pool is not None and member.id not in pool.members:
            errors.append(f"{where}: {member.name} on its crew is not in pool {pool.id}")
        off = [d for d in days if _off(member, d)]
        if off:
            errors.append(f"{where}: works on {off[0]}, {member.name}'s day off")
    if pool is not None:
        closed = [d for d in days if not pool.works(d)]
        if closed:
            errors.append(f"{where}: works on {closed[0]}, a day off of pool {pool.id}")
    seats = [role for role in task.crew_roles for _ in range(role.count)]

    def fits(member: str, seat: int) -> bool:
        skills = people[member].skills
        return all(skills.get(r.skill, 0) >= r.min_level for r in seats[seat].skills)

    # Crews are a handful of people: trying every seating is cheap and needs no matching code.
    if len(seats) > len(crew) or not any(
        all(fits(member, k) for k, member in enumerate(order))
        for order in itertools.permutations(crew, len(seats))
    ):
        errors.append(f"{where}: crew {crew} cannot fill its roles")


def _check_pieces(
    plan: TaskPlan, *, where: str, works: Callable[[date], bool], errors: list[str]
) -> list[date]:
    """The working days inside the plan's pieces, after checking the pieces' shape."""
    if not plan.pieces:
        errors.append(f"{where}: no pieces")
        return []
    if (plan.pieces[0].start, plan.pieces[-1].end) != (plan.start, plan.end):
        errors.append(f"{where}: pieces do not run from its start to its end")
    days: list[date] = []
    for k, piece in enumerate(plan.pieces):
        if piece.end < piece.start or (k and piece.start <= plan.pieces[k - 1].end):
            errors.append(f"{where}: pieces out of order or overlapping")
        inside = [d for d in _days(piece.start, piece.end) if works(d)]
        if inside and not (works(piece.start) and works(piece.end)):
            errors.append(f"{where}: piece {piece.start}..{piece.end} begins or ends on a day off")
        days += inside
    return days


def _check_bookings(
    problem: Problem,
    plans: dict[str, TaskPlan],
    *,
    worked: dict[str, list[date]],
    works: Callable[[date], bool],
    errors: list[str],
) -> None:
    people = {p.id: p for p in problem.people}
    booked: dict[tuple[str, date], float] = defaultdict(float)
    for task in problem.tasks:
        plan = plans[task.id]
        days = worked[task.id]
        if plan.person_id is None or not days or task.duration_hours <= 0:
            continue
        # Every member of a crew works all of the task's hours.
        for member in dict.fromkeys(_workers(plan)):
            if member not in people:
                continue
            for day in days:
                booked[(member, day)] += task.duration_hours / len(days)
    for person in problem.people:
        for busy in person.busy:
            for day in _days(busy.start, busy.end):
                if (person.id, day) in booked and works(day):
                    booked[(person.id, day)] += min(
                        busy.hours_per_day, _daily_hours(person, problem)
                    )
    for (person_id, day), hours in sorted(booked.items()):
        capacity = _daily_hours(people[person_id], problem)
        if hours > capacity + _EPS:
            errors.append(f"{person_id} booked {hours:.2f} h on {day}, can give {capacity:.2f} h")


def _check_dependencies(
    problem: Problem,
    plans: dict[str, TaskPlan],
    *,
    worked: dict[str, list[date]],
    works: Callable[[date], bool],
    errors: list[str],
) -> None:
    """Ends are the last worked day (+1), starts the first; lags count working days."""
    tasks = {t.id: t for t in problem.tasks}
    first = min((p.start for p in plans.values()), default=problem.project_start)
    origin = min(first, problem.project_start)
    index: dict[date, int] = {}

    def position(day: date) -> int:
        if not index:
            count, d = 0, origin
            last = max(p.end for p in plans.values()) + timedelta(days=400)
            while d <= last:
                index[d] = count
                count += works(d)
                d += _ONE
        return index[day]

    for dependency in problem.dependencies:
        if tasks[dependency.successor].started:
            continue
        before, after = plans[dependency.predecessor], plans[dependency.successor]
        if not worked[dependency.predecessor] and tasks[dependency.predecessor].duration_hours:
            continue
        kind = dependency.type.value

        def edge(plan: TaskPlan, task_id: str, which: str) -> int:
            days = worked[task_id]
            if which == "S":
                return position(days[0] if days else plan.start)
            return position(days[-1]) + 1 if days else position(plan.start)

        left = edge(after, dependency.successor, kind[1])
        right = edge(before, dependency.predecessor, kind[0])
        if left < right + dependency.lag_days:
            errors.append(
                f"{dependency.predecessor}->{dependency.successor} {kind} "
                f"lag {dependency.lag_days}: successor at {after.start}..{after.end}, "
                f"predecessor's last piece ends {before.pieces[-1].end if before.pieces else before.end}"
            )
