"""An independent checker for proposals: shares no code with the solver on purpose.

It re-derives everything from dates: working days of the project calendar, each person's
daily hours, time off and other-project load, and checks the rules a manager relies on.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta

from services.planner.model import Person, Problem, Proposal, Task, TaskPlan

_EPS = 1e-6


class _Days:
    """Project working days indexed from a fixed origin."""

    def __init__(self, problem: Problem, origin: date) -> None:
        self.weekdays = problem.calendar.working_weekdays
        self.holidays = set(problem.calendar.holidays)
        self.extra = set(problem.calendar.extra_working_days)
        self.origin = origin

    def working(self, day: date) -> bool:
        if day in self.extra:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def index(self, day: date) -> int:
        count, d = 0, self.origin
        while d < day:
            count += self.working(d)
            d += timedelta(days=1)
        return count

    def between(self, start: date, end: date) -> list[date]:
        out, d = [], start
        while d <= end:
            if self.working(d):
                out.append(d)
            d += timedelta(days=1)
        return out


def check(problem: Problem, proposal: Proposal) -> list[str]:
    """Every rule the proposal breaks, as readable lines; empty when it is valid."""
    errors: list[str] = []
    plans = {p.task_id: p for p in proposal.tasks}
    tasks = {t.id: t for t in problem.tasks}
    people = {p.id: p for p in problem.people}
    if set(plans) != set(tasks) or len(plans) != len(proposal.tasks):
        return [f"plan covers {sorted(plans)} but tasks are {sorted(tasks)}"]
    origin = min([problem.project_start] + [p.start for p in proposal.tasks])
    days = _Days(problem, origin)

    def span(plan: TaskPlan) -> list[date]:
        return days.between(plan.start, plan.end)

    def worked(plan: TaskPlan) -> list[date]:
        """The days a splittable task works (its pieces), else its whole span."""
        if not plan.pieces or not tasks[plan.task_id].splittable:
            return span(plan)
        return [day for piece in plan.pieces for day in days.between(piece.start, piece.end)]

    def start_index(plan: TaskPlan) -> int:
        return days.index(plan.start)

    def end_index(plan: TaskPlan) -> int:
        """Exclusive end in working days; a milestone ends where it starts."""
        if not span(plan) or (tasks[plan.task_id].duration_hours == 0 and plan.start == plan.end):
            return days.index(plan.start)
        return days.index(plan.end) + 1

    def daily_hours(person_id: str) -> float:
        person = people[person_id]
        weekly = person.hours_per_day * len(person.working_weekdays)
        if person.weekly_capacity_hours is not None:
            weekly = min(weekly, person.weekly_capacity_hours)
        return weekly / len(problem.calendar.working_weekdays)

    def off(person_id: str, day: date) -> bool:
        person = people[person_id]
        return day in person.holidays or any(p.start <= day <= p.end for p in person.time_off)

    for task in problem.tasks:
        plan = plans[task.id]
        name = f"task {task.id}"
        if plan.end < plan.start:
            errors.append(f"{name}: ends before it starts")
            continue
        if task.duration_hours > 0 and not (days.working(plan.start) and days.working(plan.end)):
            errors.append(f"{name}: starts or ends on a non-working day")
        if task.pinned:
            current = task.current
            assert current is not None
            if (plan.start, plan.end) != (current.start, current.end):
                errors.append(f"{name}: pinned but moved")
            if task.staffed and task.duration_hours > 0 and plan.person_id != current.assignee:
                errors.append(f"{name}: pinned but reassigned")
            if len(current.crew) > 1 and plan.crew != current.crew:
                errors.append(f"{name}: pinned but its crew changed")
            continue
        if plan.start < problem.project_start:
            errors.append(f"{name}: starts before the project")
        needs_person = task.staffed and task.duration_hours > 0
        if needs_person and plan.person_id is None:
            errors.append(f"{name}: nobody assigned")
        if not needs_person and plan.person_id is not None:
            errors.append(f"{name}: assigned although it needs nobody")
        workers = list(plan.crew) or ([plan.person_id] if plan.person_id is not None else [])
        if needs_person:
            errors.extend(_crew_errors(task, plan, people=people))
        for person_id in workers:
            person = people[person_id]
            for requirement in task.required_skills:
                if person.skills.get(requirement.skill, 0) < requirement.min_level:
                    errors.append(f"{name}: {person.id} lacks {requirement.skill}")
            capacity = daily_hours(person_id) * len(worked(plan))
            if capacity + _EPS < task.duration_hours:
                errors.append(f"{name}: {len(worked(plan))} days cannot hold {person_id}'s work")
            for day in worked(plan):
                if off(person_id, day):
                    errors.append(f"{name}: {person.id} is off on {day}")
        staff = next((p for p in problem.staff_pools if p.id == task.staff_pool), None)
        if staff is not None:
            for person_id in workers:
                if person_id not in staff.members:
                    errors.append(f"{name}: {person_id} is not in staff pool {staff.id}")
            for day in span(plan):
                if day.weekday() not in staff.working_weekdays or day in staff.days_off:
                    errors.append(f"{name}: staff pool {staff.id} does not work on {day}")
        elif task.duration_hours > 0:
            need = task.duration_hours / problem.calendar.hours_per_day
            if len(span(plan)) + _EPS < need:
                errors.append(f"{name}: too short")

    for dependency in problem.dependencies:
        before, after = plans[dependency.predecessor], plans[dependency.successor]
        if tasks[dependency.predecessor].pinned and tasks[dependency.successor].pinned:
            continue
        kind = dependency.type.value
        left = end_index(after) if kind[1] == "F" else start_index(after)
        right = end_index(before) if kind[0] == "F" else start_index(before)
        if left < right + dependency.lag_days:
            errors.append(
                f"dependency {dependency.predecessor}->{dependency.successor} {kind} "
                f"lag {dependency.lag_days} broken"
            )

    person_day: dict[tuple[str, date], float] = defaultdict(float)
    pool_day: dict[tuple[str, date], int] = defaultdict(int)
    for task in problem.tasks:
        plan = plans[task.id]
        work_days = worked(plan)
        if not work_days or task.duration_hours == 0:
            continue
        workers = list(plan.crew) or ([plan.person_id] if plan.person_id is not None else [])
        for day in work_days:
            for person_id in workers:
                person_day[(person_id, day)] += task.duration_hours / len(work_days)
            for demand in task.pool_demands:
                pool_day[(demand.pool, day)] += demand.amount
    for person in problem.people:
        for busy in person.busy:
            for day in days.between(busy.start, busy.end):
                if (person.id, day) in person_day and not off(person.id, day):
                    person_day[(person.id, day)] += min(busy.hours_per_day, daily_hours(person.id))
    for (person_id, day), hours in person_day.items():
        if hours > daily_hours(person_id) + _EPS:
            errors.append(f"{person_id} overloaded on {day}: {hours:.2f}h")
    capacities = {p.id: p.capacity for p in problem.pools}
    for (pool, day), used in pool_day.items():
        if used > capacities[pool]:
            errors.append(f"pool {pool} over capacity on {day}")

    if problem.hard_deadline and problem.deadline is not None:
        last = max(p.end for p in proposal.tasks)
        if last > problem.deadline:
            errors.append(f"finishes {last}, after the hard deadline {problem.deadline}")
    return errors


def _crew_errors(task: Task, plan: TaskPlan, *, people: dict[str, Person]) -> list[str]:
    """A crew task has `crew_size` different people, the assignee first, and some way to
    seat them so that every role's places go to people with the role's skills."""
    name = f"task {task.id}"
    crew = list(plan.crew) or ([plan.person_id] if plan.person_id is not None else [])
    errors: list[str] = []
    if len(crew) != task.crew_size:
        errors.append(f"{name}: crew of {len(crew)}, needs {task.crew_size}")
    if len(set(crew)) != len(crew):
        errors.append(f"{name}: someone is on its crew twice")
    if plan.crew and plan.person_id != plan.crew[0]:
        errors.append(f"{name}: assignee {plan.person_id} is not the crew's first member")
    seats = [role for role in task.crew_roles for _ in range(role.count)]
    if len(seats) > len(crew):
        return [*errors, f"{name}: {len(seats)} role places but a crew of {len(crew)}"]

    def fits(person_id: str, k: int) -> bool:
        skills = people[person_id].skills
        return all(skills.get(r.skill, 0) >= r.min_level for r in seats[k].skills)

    if not any(
        all(fits(person_id, k) for k, person_id in enumerate(order))
        for order in itertools.permutations(crew, len(seats))
    ):
        errors.append(f"{name}: crew {crew} cannot fill its roles")
    return errors


def objective_terms(problem: Problem, proposal: Proposal) -> dict[str, int]:
    """The objective's terms of a plan, re-derived from its dates: working days after the
    deadline, working days late times priority, tasks moved or reassigned against the
    current plan, and the busiest person's hours (whole hours per task)."""
    origin = min([problem.project_start] + [p.start for p in proposal.tasks])
    days = _Days(problem, origin)
    tasks = {t.id: t for t in problem.tasks}

    def late(end: date, due: date | None) -> int:
        if due is None or end <= due:
            return 0
        return len(days.between(due + timedelta(days=1), end))

    def last_work_day(plan: TaskPlan) -> date:
        """A milestone's work ends the working day before it (as the model counts)."""
        if tasks[plan.task_id].duration_hours > 0:
            return plan.end
        day = plan.start - timedelta(days=1)
        while not days.working(day):
            day -= timedelta(days=1)
        return day

    finish = max((last_work_day(p) for p in proposal.tasks), default=problem.project_start)
    hours: dict[str, int] = defaultdict(int)
    changes = 0
    for plan in proposal.tasks:
        task = tasks[plan.task_id]
        current = task.current
        if current is not None and not task.pinned:
            if plan.crew:
                reassigned = not set(current.crew or (current.assignee,)) <= set(plan.crew)
            else:
                reassigned = current.assignee is not None and plan.person_id != current.assignee
            changes += int(plan.start != current.start or (task.staffed and reassigned))
        workers = plan.crew or ((plan.person_id,) if plan.person_id is not None else ())
        for person_id in workers:
            hours[person_id] += -int(-task.duration_hours // 1)
    return {
        "deadline": late(finish, problem.deadline),
        "lateness": sum(
            tasks[p.task_id].priority * late(last_work_day(p), tasks[p.task_id].due)
            for p in proposal.tasks
        ),
        "changes": changes,
        "balance": max(hours.values(), default=0),
    }
