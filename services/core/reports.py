"""Reports: burndown, throughput, time per workflow state, cycle time, overdue work, and planned
against actual hours and cost. Plain functions over facts read from core's tables; no I/O."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from services.core.workflow import State

DONE = "done"
CANCELLED = "cancelled"
ACTIVE = "active"
MAX_DAYS = 731  # a burndown longer than two years starts two years before its last day


@dataclass(frozen=True)
class Move:
    """One workflow history entry: the task entered `to_state` at `time` (creation included)."""

    to_state: str
    time: dt.datetime


@dataclass(frozen=True)
class TaskFacts:
    name: str
    title: str
    state: str
    assignee: str
    estimate_hours: float
    due_date: dt.date | None
    created: dt.datetime
    moves: tuple[Move, ...] = ()

    def history(self) -> tuple[Move, ...]:
        """The moves in time order; a task without history was created in its current state."""
        return self._history

    @cached_property
    def _history(self) -> tuple[Move, ...]:
        if not self.moves:
            return (Move(self.state, self.created),)
        return tuple(sorted(self.moves, key=lambda m: m.time))


@dataclass(frozen=True)
class TimeEntry:
    task: str
    person: str
    work_date: dt.date
    hours: float


@dataclass(frozen=True)
class Person:
    person: str
    display_name: str
    cost_rate: float


@dataclass(frozen=True)
class Scope:
    """The span the report covers, the day it describes, and the moment that day ends (or now)."""

    start: dt.date
    end: dt.date
    as_of: dt.date
    zone: ZoneInfo
    moment: dt.datetime

    @classmethod
    def of(
        cls,
        *,
        start: dt.date,
        end: dt.date,
        as_of: dt.date,
        zone: ZoneInfo,
        now: dt.datetime,
    ) -> Scope:
        day_end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        return cls(
            start=start, end=max(end, start), as_of=as_of, zone=zone, moment=min(now, day_end)
        )


@dataclass(frozen=True)
class Facts:
    """What one report is computed from: a project's (or an iteration's) tasks, their time
    entries, and the people either names."""

    tasks: list[TaskFacts]
    entries: list[TimeEntry]
    people: dict[str, Person]
    # An iteration's first and last day; None for a whole project.
    span: tuple[dt.date, dt.date] | None = None


def scope_of(
    facts: Facts,
    *,
    start_date: dt.date | None,
    deadline: dt.date | None,
    as_of: dt.date,
    zone: ZoneInfo,
    now: dt.datetime,
) -> Scope:
    """The report's scope: an iteration's dates, or the whole project's span (see
    `project_span`, with the first task's creation day in the project's time zone)."""
    if facts.span is not None:
        start, end = facts.span
    else:
        start, end = project_span(
            start_date=start_date,
            deadline=deadline,
            first_created=min(
                (t.created.astimezone(zone).date() for t in facts.tasks), default=None
            ),
            as_of=as_of,
        )
    return Scope.of(start=start, end=end, as_of=as_of, zone=zone, now=now)


def project_span(
    *,
    start_date: dt.date | None,
    deadline: dt.date | None,
    first_created: dt.date | None,
    as_of: dt.date,
) -> tuple[dt.date, dt.date]:
    """A whole project's span: its start date (or first task's day) to its deadline or today."""
    start = start_date or first_created or as_of
    end = max(deadline, as_of) if deadline else as_of
    return start, max(start, end)


# ---- burndown -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BurndownPoint:
    date: dt.date
    remaining_hours: float
    remaining_tasks: int
    scope_hours: float
    ideal_hours: float


def burndown(
    tasks: Iterable[TaskFacts], categories: Mapping[str, str], scope: Scope
) -> list[BurndownPoint]:
    """Work left at the end of each day, from the span's start to the report day.

    A task counts from the day it was created; a cancelled one counts on no day while it is
    cancelled; a done one counts in scope but not as remaining. Estimates are the current ones.
    """
    last = min(scope.end, scope.as_of)
    if last < scope.start:
        return []
    first = max(scope.start, last - dt.timedelta(days=MAX_DAYS - 1))
    days = (last - first).days + 1
    remaining_hours = [0.0] * (days + 1)
    remaining_tasks = [0] * (days + 1)
    scope_hours = [0.0] * (days + 1)
    for task in tasks:
        # (first day index, category) for each stretch of the task's life; later moves on the
        # same day override earlier ones, since the day's end is what counts.
        stretches: list[tuple[int, str]] = []
        for move in task.history():
            if move.time >= scope.moment:
                break
            index = max(0, (move.time.astimezone(scope.zone).date() - first).days)
            if index >= days:
                break
            category = categories.get(move.to_state, "")
            if stretches and stretches[-1][0] == index:
                stretches[-1] = (index, category)
            else:
                stretches.append((index, category))
        ends = [index for index, _ in stretches[1:]] + [days] if stretches else []
        for (begin, category), following in zip(stretches, ends, strict=True):
            if category == CANCELLED:
                continue
            scope_hours[begin] += task.estimate_hours
            scope_hours[following] -= task.estimate_hours
            if category != DONE:
                remaining_hours[begin] += task.estimate_hours
                remaining_hours[following] -= task.estimate_hours
                remaining_tasks[begin] += 1
                remaining_tasks[following] -= 1
    running = list(
        zip(
            itertools.accumulate(remaining_hours[:days]),
            itertools.accumulate(remaining_tasks[:days]),
            itertools.accumulate(scope_hours[:days]),
            strict=True,
        )
    )
    # The ideal line runs from the scope on the first day with any work to zero on the span's
    # last day (flat before that day): a project planned before its tasks exist still gets one.
    first_work = next((i for i, (_, _, total) in enumerate(running) if _hours(total) > 0), None)
    span_days = (scope.end - first).days + 1
    points: list[BurndownPoint] = []
    for i, (hours, count, total) in enumerate(running):
        ideal = 0.0
        if first_work is not None:
            elapsed = max(0, i - first_work) / max(1, span_days - 1 - first_work)
            ideal = running[first_work][2] * max(0.0, 1 - elapsed)
        points.append(
            BurndownPoint(
                date=first + dt.timedelta(days=i),
                remaining_hours=_hours(hours),
                remaining_tasks=count,
                scope_hours=_hours(total),
                ideal_hours=_hours(ideal),
            )
        )
    return points


# ---- throughput and cycle time ------------------------------------------------------------


def state_at(task: TaskFacts, moment: dt.datetime) -> str | None:
    """The task's state just before `moment`, or None if it did not exist yet."""
    found: str | None = None
    for move in task.history():
        if move.time >= moment:
            break
        found = move.to_state
    return found


def finished_at(
    task: TaskFacts, categories: Mapping[str, str], moment: dt.datetime
) -> dt.datetime | None:
    """When the task last entered a done state, if it is done at `moment`."""
    finished: dt.datetime | None = None
    done_before = False
    for move in task.history():
        if move.time >= moment:
            break
        done_now = categories.get(move.to_state) == DONE
        if done_now and not done_before:
            finished = move.time
        done_before = done_now
    return finished if done_before else None


@dataclass(frozen=True)
class ThroughputWeek:
    week_start: dt.date
    tasks_done: int
    hours_done: float


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def throughput(
    tasks: Iterable[TaskFacts], categories: Mapping[str, str], scope: Scope
) -> list[ThroughputWeek]:
    """Tasks finished per week over the span up to the report day, weeks without any included."""
    last = min(scope.end, scope.as_of)
    if last < scope.start:
        return []
    first_week = monday(max(scope.start, last - dt.timedelta(days=MAX_DAYS - 1)))
    counts: dict[dt.date, int] = defaultdict(int)
    hours: dict[dt.date, float] = defaultdict(float)
    for task in tasks:
        finished = finished_at(task, categories, scope.moment)
        if finished is None:
            continue
        day = finished.astimezone(scope.zone).date()
        if not scope.start <= day <= last:
            continue
        counts[monday(day)] += 1
        hours[monday(day)] += task.estimate_hours
    weeks: list[ThroughputWeek] = []
    week = first_week
    while week <= last:
        weeks.append(ThroughputWeek(week, counts[week], _hours(hours[week])))
        week += dt.timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class StateTime:
    state: str
    display_name: str
    category: str
    visits: int
    mean_hours: float
    median_hours: float
    p85_hours: float
    current_tasks: int
    current_mean_age_hours: float


def state_times(
    tasks: Iterable[TaskFacts], states: Sequence[State], scope: Scope
) -> list[StateTime]:
    """Completed stays in each state (entered, then left, before the report's moment) and the
    tasks in each state now; states the workflow no longer has come last."""
    stays: dict[str, list[float]] = defaultdict(list)
    ages: dict[str, list[float]] = defaultdict(list)
    for task in tasks:
        history = [m for m in task.history() if m.time < scope.moment]
        for move, following in itertools.pairwise(history):
            stays[move.to_state].append((following.time - move.time).total_seconds() / 3600)
        if history:
            ages[history[-1].to_state].append(
                (scope.moment - history[-1].time).total_seconds() / 3600
            )
    known = {s.id for s in states}
    extra = sorted((set(stays) | set(ages)) - known)
    rows = [*states, *(State(id=s, display_name=s, category="") for s in extra)]
    return [
        StateTime(
            state=s.id,
            display_name=s.display_name,
            category=s.category,
            visits=len(stays[s.id]),
            mean_hours=_hours(_mean(stays[s.id])),
            median_hours=_hours(quantile(stays[s.id], 0.5)),
            p85_hours=_hours(quantile(stays[s.id], 0.85)),
            current_tasks=len(ages[s.id]),
            current_mean_age_hours=_hours(_mean(ages[s.id])),
        )
        for s in rows
    ]


@dataclass(frozen=True)
class CycleTime:
    done_tasks: int
    median_days: float
    mean_days: float
    p85_days: float
    median_lead_days: float


def cycle_time(
    tasks: Iterable[TaskFacts], categories: Mapping[str, str], scope: Scope
) -> CycleTime:
    """Days from the first move into an active state to done, and from creation to done."""
    cycles: list[float] = []
    leads: list[float] = []
    for task in tasks:
        finished = finished_at(task, categories, scope.moment)
        if finished is None:
            continue
        history = task.history()
        leads.append((finished - history[0].time).total_seconds() / 86400)
        started = next(
            (
                m.time
                for m in history
                if categories.get(m.to_state) == ACTIVE and m.time <= finished
            ),
            None,
        )
        if started is not None:
            cycles.append((finished - started).total_seconds() / 86400)
    return CycleTime(
        done_tasks=len(cycles),
        median_days=_hours(quantile(cycles, 0.5)),
        mean_days=_hours(_mean(cycles)),
        p85_days=_hours(quantile(cycles, 0.85)),
        median_lead_days=_hours(quantile(leads, 0.5)),
    )


# ---- overdue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    task: str
    title: str
    assignee: str
    state: str
    due_date: dt.date
    days_overdue: int
    estimate_hours: float


def overdue(
    tasks: Iterable[TaskFacts], categories: Mapping[str, str], scope: Scope
) -> tuple[list[Overdue], int]:
    """Open tasks due before the report day (most overdue first), and how many finished late."""
    found: list[Overdue] = []
    late_done = 0
    for task in tasks:
        if task.due_date is None:
            continue
        state = state_at(task, scope.moment)
        if state is None:
            continue
        category = categories.get(state, "")
        if category == DONE:
            finished = finished_at(task, categories, scope.moment)
            if finished is not None and finished.astimezone(scope.zone).date() > task.due_date:
                late_done += 1
        elif category != CANCELLED and task.due_date < scope.as_of:
            found.append(
                Overdue(
                    task=task.name,
                    title=task.title,
                    assignee=task.assignee,
                    state=state,
                    due_date=task.due_date,
                    days_overdue=(scope.as_of - task.due_date).days,
                    estimate_hours=task.estimate_hours,
                )
            )
    found.sort(key=lambda o: (-o.days_overdue, o.task))
    return found, late_done


# ---- hours and cost -----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonHours:
    person: str
    display_name: str
    cost_rate: float
    planned_hours: float
    actual_hours: float
    planned_cost: float
    actual_cost: float


@dataclass(frozen=True)
class HoursAndCost:
    planned_hours: float
    actual_hours: float
    planned_cost: float
    actual_cost: float
    unpriced_planned_hours: float
    unpriced_actual_hours: float
    done_planned_hours: float
    done_actual_hours: float
    people: list[PersonHours] = field(default_factory=list)


def hours_and_cost(
    tasks: Iterable[TaskFacts],
    entries: Iterable[TimeEntry],
    people: Mapping[str, Person],
    categories: Mapping[str, str],
    scope: Scope,
) -> HoursAndCost:
    """Estimates at the assignee's rate against time entries at the logger's rate.

    Cancelled tasks plan nothing, but hours logged on them were spent and count. Entries
    after the report day do not count. A person without a rate (0) leaves hours unpriced.
    """
    planned: dict[str, float] = defaultdict(float)
    actual: dict[str, float] = defaultdict(float)
    planned_total = unpriced_planned = unpriced_actual = done_planned = done_actual = 0.0
    done_tasks: set[str] = set()
    in_scope: set[str] = set()
    for task in tasks:
        state = state_at(task, scope.moment)
        if state is None:
            continue
        in_scope.add(task.name)
        category = categories.get(state, "")
        if category == CANCELLED:
            continue
        if category == DONE:
            done_tasks.add(task.name)
            done_planned += task.estimate_hours
        planned_total += task.estimate_hours
        rate = people[task.assignee].cost_rate if task.assignee in people else 0.0
        if task.assignee:
            planned[task.assignee] += task.estimate_hours
        if rate <= 0:
            unpriced_planned += task.estimate_hours
    for entry in entries:
        if entry.task not in in_scope or entry.work_date > scope.as_of:
            continue
        actual[entry.person] += entry.hours
        if entry.task in done_tasks:
            done_actual += entry.hours
        if entry.person not in people or people[entry.person].cost_rate <= 0:
            unpriced_actual += entry.hours
    rows: list[PersonHours] = []
    for person in set(planned) | set(actual):
        known = people.get(person, Person(person, person, 0.0))
        rows.append(
            PersonHours(
                person=person,
                display_name=known.display_name,
                cost_rate=known.cost_rate,
                planned_hours=_hours(planned[person]),
                actual_hours=_hours(actual[person]),
                planned_cost=_money(planned[person] * known.cost_rate),
                actual_cost=_money(actual[person] * known.cost_rate),
            )
        )
    rows.sort(key=lambda r: (-r.planned_hours, -r.actual_hours, r.person))
    return HoursAndCost(
        planned_hours=_hours(planned_total),
        actual_hours=_hours(sum(actual.values())),
        planned_cost=_money(sum(r.planned_cost for r in rows)),
        actual_cost=_money(sum(r.actual_cost for r in rows)),
        unpriced_planned_hours=_hours(unpriced_planned),
        unpriced_actual_hours=_hours(unpriced_actual),
        done_planned_hours=_hours(done_planned),
        done_actual_hours=_hours(done_actual),
        people=rows,
    )


# ---- the whole report ---------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    scope: Scope
    task_count: int
    burndown: list[BurndownPoint]
    throughput: list[ThroughputWeek]
    state_times: list[StateTime]
    cycle_time: CycleTime
    overdue: list[Overdue]
    late_done_tasks: int
    hours_and_cost: HoursAndCost


def report(
    *,
    tasks: Sequence[TaskFacts],
    entries: Iterable[TimeEntry],
    people: Mapping[str, Person],
    states: Sequence[State],
    scope: Scope,
) -> Report:
    categories = {s.id: s.category for s in states}
    late, late_done = overdue(tasks, categories, scope)
    counted = 0
    for task in tasks:
        state = state_at(task, scope.moment)
        if state is not None and categories.get(state) != CANCELLED:
            counted += 1
    return Report(
        scope=scope,
        task_count=counted,
        burndown=burndown(tasks, categories, scope),
        throughput=throughput(tasks, categories, scope),
        state_times=state_times(tasks, states, scope),
        cycle_time=cycle_time(tasks, categories, scope),
        overdue=late,
        late_done_tasks=late_done,
        hours_and_cost=hours_and_cost(tasks, entries, people, categories, scope),
    )


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile with linear interpolation between the nearest ranks; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _hours(value: float) -> float:
    return round(value + 0.0, 2)


def _money(value: float) -> float:
    return round(value + 0.0, 2)
