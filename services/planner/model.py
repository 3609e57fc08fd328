"""The planner's problem and proposal, as plain frozen dataclasses.

The domain half (`Problem`, `Proposal`) speaks dates and hours and is what the service
converts to and from protobuf. The axis half (`AxisProblem`, `AxisSchedule`) is the same
problem compiled onto the integer working-day axis; the solver and the greedy scheduler
work on it, and benchmark adapters may build it directly.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

MONDAY_TO_FRIDAY: frozenset[int] = frozenset(range(5))


class DependencyType(StrEnum):
    """Which ends a dependency ties: FS = finish of predecessor to start of successor."""

    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


class SolveStatus(StrEnum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"
    MODEL_INVALID = "MODEL_INVALID"


class ReasonKind(StrEnum):
    PINNED = "PINNED"
    PREDECESSOR = "PREDECESSOR"
    PERSON_BUSY = "PERSON_BUSY"
    TIME_OFF = "TIME_OFF"
    POOL_BUSY = "POOL_BUSY"
    SKILL_SCARCITY = "SKILL_SCARCITY"
    PROJECT_START = "PROJECT_START"
    CURRENT_PLAN = "CURRENT_PLAN"
    OBJECTIVE = "OBJECTIVE"


@dataclass(frozen=True)
class SkillRequirement:
    skill: str
    min_level: int = 1


@dataclass(frozen=True)
class PlannedSlot:
    """Where the current plan has a task: who and which working days (inclusive)."""

    start: date
    end: date
    assignee: str | None = None
    crew: tuple[str, ...] = ()
    """Everyone on the task when a crew does it, the assignee first."""


@dataclass(frozen=True)
class PoolDemand:
    pool: str
    amount: int


@dataclass(frozen=True)
class CrewRole:
    """Part of a crew: `count` of its people must each have all of `skills` (a host, an
    operator), on top of the skills the task asks of everyone."""

    count: int
    skills: tuple[SkillRequirement, ...]


@dataclass(frozen=True)
class Task:
    id: str
    name: str
    duration_hours: float
    required_skills: tuple[SkillRequirement, ...] = ()
    due: date | None = None
    priority: int = 1
    current: PlannedSlot | None = None
    pinned: bool = False
    started: bool = False
    """Pinned because it is in progress: a fact, kept even where it overloads its person
    (a locked task that overloads someone is a conflict to diagnose instead)."""
    staffed: bool = True
    """False for work that needs no person (a delivery, a machine run, a PSPLIB job)."""
    pool_demands: tuple[PoolDemand, ...] = ()
    splittable: bool = False
    """May pause over its person's days off (at most twice, never for longer than its own
    work); otherwise it runs in one stretch of their working days."""
    crew_size: int = 1
    """People working on the task together, each for its whole span and all its hours."""
    crew_roles: tuple[CrewRole, ...] = ()
    staff_pool: str | None = None
    """The `StaffPool` its people are drawn from; the task then runs on that pool's days."""

    @property
    def is_crew(self) -> bool:
        return self.crew_size > 1 or bool(self.crew_roles)


@dataclass(frozen=True)
class Dependency:
    predecessor: str
    successor: str
    type: DependencyType = DependencyType.FS
    lag_days: int = 0
    """Working days; negative means overlap (a lead)."""


@dataclass(frozen=True)
class Period:
    """Inclusive date range."""

    start: date
    end: date


@dataclass(frozen=True)
class BusyPeriod:
    """Load from other projects: `hours_per_day` on each working day of the range."""

    start: date
    end: date
    hours_per_day: float


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    skills: Mapping[str, int] = field(default_factory=dict)
    hours_per_day: float = 8.0
    weekly_capacity_hours: float | None = None
    working_weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: tuple[date, ...] = ()
    time_off: tuple[Period, ...] = ()
    busy: tuple[BusyPeriod, ...] = ()


@dataclass(frozen=True)
class ResourcePool:
    """A shared resource with a capacity (machines, rooms, a crew of interchangeable people)."""

    id: str
    name: str
    capacity: int


@dataclass(frozen=True)
class StaffPool:
    """A named group of people with its own working days ("any two of the four technicians
    on the early shift"). Its calendar binds only the tasks that draw from it: such a task
    runs on days that are working days of both the project and the pool, and only its
    members may do it. Members keep their own time off and other work."""

    id: str
    name: str
    members: tuple[str, ...]
    working_weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    days_off: frozenset[date] = frozenset()

    def works(self, day: date) -> bool:
        return day.weekday() in self.working_weekdays and day not in self.days_off


@dataclass(frozen=True)
class ProjectCalendar:
    working_weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = frozenset()
    hours_per_day: float = 8.0
    """Length of a working day for tasks that need no person."""
    extra_working_days: frozenset[date] = frozenset()
    """Working days outside the weekly pattern (China's 调休 make-up days); everyone works them."""


@dataclass(frozen=True)
class Weights:
    """Objective weights; the defaults make the order lateness > makespan > changes > balance.

    Units: lateness and deadline per working day late (lateness also times task priority),
    makespan per working day, changes per task moved or reassigned, balance per hour of the
    most loaded person's total.
    """

    lateness: int = 1000
    deadline: int = 1000
    makespan: int = 100
    changes: int = 10
    balance: int = 1


class Objective(StrEnum):
    """One term of the objective, as a stage of a lexicographic (staged) solve."""

    DEADLINE = "deadline"
    LATENESS = "lateness"
    MAKESPAN = "makespan"
    CHANGES = "changes"
    BALANCE = "balance"


DEFAULT_STAGES: tuple[Objective, ...] = (
    Objective.DEADLINE,
    Objective.LATENESS,
    Objective.MAKESPAN,
    Objective.CHANGES,
    Objective.BALANCE,
)


@dataclass(frozen=True)
class Problem:
    project_start: date
    tasks: tuple[Task, ...]
    people: tuple[Person, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    pools: tuple[ResourcePool, ...] = ()
    staff_pools: tuple[StaffPool, ...] = ()
    calendar: ProjectCalendar = ProjectCalendar()
    deadline: date | None = None
    hard_deadline: bool = False
    weights: Weights = Weights()
    time_limit_s: float = 10.0
    num_workers: int = 2
    horizon_days: int | None = None
    """Working days after the project start the plan may use; None = from a greedy plan."""
    seed: int = 0
    stages: tuple[Objective, ...] = ()
    """Empty: minimise the weighted sum of `weights`. Otherwise minimise each objective in
    turn, each stage keeping what the earlier ones reached (lexicographic)."""
    stage_tolerance: float = 0.0
    """How much of an unproven stage's best value a later stage may give up (0.02 = 2 %)."""


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


@dataclass(frozen=True)
class Diagnosis:
    """Why no plan exists, in words a manager can act on, and the ids involved."""

    code: str
    message: str
    task_ids: tuple[str, ...] = ()
    person_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    text: str
    related_id: str | None = None


@dataclass(frozen=True)
class TaskPlan:
    task_id: str
    person_id: str | None
    start: date
    end: date
    """Last working day of the task (inclusive); equals start for a milestone."""
    start_changed: bool
    assignee_changed: bool
    reason: Reason
    slack_days: int
    critical: bool
    late_days: int
    crew: tuple[str, ...] = ()
    """Everyone on a crew task, `person_id` first; empty for a task of one person or none."""
    pieces: tuple[Period, ...] = ()
    """The stretches worked, first day to last day each: one unless the task pauses over
    its person's days off or a project holiday on a working weekday."""


@dataclass(frozen=True)
class DayLoad:
    day: date
    hours: float
    capacity_hours: float


@dataclass(frozen=True)
class PersonLoad:
    person_id: str
    total_hours: float
    days: tuple[DayLoad, ...]
    overloaded_days: tuple[date, ...]


@dataclass(frozen=True)
class Progress:
    solutions: int
    objective: float
    best_bound: float
    elapsed_s: float


@dataclass(frozen=True)
class StageResult:
    """One stage of a staged solve: the final plan's value of its objective and the bound
    proved while that stage was searched (under the earlier stages' values)."""

    objective: Objective
    status: SolveStatus
    value: int
    best_bound: int | None
    gap: float | None
    wall_time_s: float
    text: str = ""


@dataclass(frozen=True)
class Proposal:
    status: SolveStatus
    tasks: tuple[TaskPlan, ...]
    people: tuple[PersonLoad, ...]
    objective: float | None
    best_bound: float | None
    gap: float | None
    wall_time_s: float
    finish: date | None
    critical_path: tuple[str, ...] = ()
    diagnosis: tuple[Diagnosis, ...] = ()
    solutions: int = 0
    stages: tuple[StageResult, ...] = ()


# The problem on the working-day axis. Positions are working days counted from the axis
# origin; an activity occupying [start, end) works on days start..end-1.


@dataclass(frozen=True)
class AxisMode:
    """One way to run an activity: its duration and what it takes from which resource."""

    duration: int
    demands: tuple[tuple[int, int], ...]
    person: int | None = None
    gaps: tuple[tuple[int, int], ...] = ()
    """Runs [start, end) of the person's days off a splittable task pauses over (see
    `split.py`): `duration` counts days of work, pauses excluded. Empty: one stretch."""


@dataclass(frozen=True)
class AxisCrew:
    """People working together over the whole of an activity, on top of its one mode.

    `roles` holds (how many, who may) per role; a person fills at most one place. `demands`
    is each candidate's use of their own resource per day while on the crew.
    """

    roles: tuple[tuple[int, tuple[int, ...]], ...]
    demands: tuple[tuple[int, int], ...]
    current: tuple[int, ...] = ()
    """The current plan's people on it; dropping one of them counts as a change."""

    @property
    def size(self) -> int:
        return sum(count for count, _ in self.roles)


@dataclass(frozen=True)
class AxisActivity:
    modes: tuple[AxisMode, ...]
    release: int = 0
    due: int | None = None
    weight: int = 1
    fixed_start: int | None = None
    preferred_start: int | None = None
    preferred_mode: int | None = None
    load: int = 0
    """Whole hours of work, counted against the chosen person for load balance."""
    crew: AxisCrew | None = None
    closed: tuple[tuple[int, int], ...] = ()
    """Runs of days [start, end) the activity may not touch (its staff pool's days off)."""


@dataclass(frozen=True)
class AxisResource:
    capacity: int
    blocked: tuple[tuple[int, int, int], ...] = ()
    """Fixed usage (start, end, amount): time off, other projects."""
    is_person: bool = False


@dataclass(frozen=True)
class AxisLink:
    """`successor.<to end> >= predecessor.<from end> + lag` for one dependency."""

    predecessor: int
    successor: int
    type: DependencyType
    lag: int


@dataclass(frozen=True)
class AxisProblem:
    activities: tuple[AxisActivity, ...]
    resources: tuple[AxisResource, ...]
    links: tuple[AxisLink, ...]
    horizon: int | None = None
    deadline: int | None = None
    hard_deadline: bool = False
    weights: Weights = Weights()


@dataclass(frozen=True)
class AxisSchedule:
    starts: tuple[int, ...]
    modes: tuple[int, ...]
    crews: tuple[tuple[int, ...], ...] = ()
    """Per activity, the people (resources) on its crew in role order; empty when none."""

    def crew(self, activity: int) -> tuple[int, ...]:
        return self.crews[activity] if self.crews else ()

    def end(self, problem: AxisProblem, activity: int) -> int:
        mode = problem.activities[activity].modes[self.modes[activity]]
        if mode.gaps:
            from services.planner import split

            return split.end(self.starts[activity], mode)
        return self.starts[activity] + mode.duration

    def makespan(self, problem: AxisProblem) -> int:
        return max((self.end(problem, a) for a in range(len(self.starts))), default=0)


def without_links_into_started_work(
    dependencies: Iterable[Dependency], *, started: Collection[str]
) -> tuple[tuple[Dependency, ...], tuple[Dependency, ...]]:
    """The dependencies the plan must hold, and those it can't: a task already in progress
    keeps its dates, so a link into it constrains nothing but the past (work often starts
    before its predecessor is quite done), and held as a hard constraint it would make every
    plan infeasible."""
    kept: list[Dependency] = []
    moot: list[Dependency] = []
    for d in dependencies:
        (moot if d.successor in started else kept).append(d)
    return tuple(kept), tuple(moot)
