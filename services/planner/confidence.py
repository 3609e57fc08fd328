"""The plan with a chosen chance of meeting the deadline, or what it would take.

The solver's plan finishes on its date only if every task takes its planned duration; the risk
service's forecast says how likely the deadline is given how such work went before. A manager
who asks for "the plan with an 80 % chance" gets the earliest plan whose forecast reaches it:
first with the risk service's P50 durations, then with its P80 durations (a plan with more
room in every task). When neither reaches it, the proposal says what would, each remedy
checked by planning and forecasting again: the deadline the plan meets with that chance, and
one more person with the skills the critical work needs.

The extra person is hypothetical on purpose: the planner reads core with its own key, which
sees everyone, and naming people outside the caller's projects would show the caller who
they are. "One more person with Copywriting 3" is what a manager asks for anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from planops.planner.v1 import proposal_pb2

from services.common import probability
from services.common.errors import DeadlineExceeded
from services.planner import store
from services.planner.model import Person, Problem, ProjectCalendar, SkillRequirement
from services.planner.snapshot import DurationSource, Snapshot

MIN_TARGET = 0.5
MAX_TARGET = 0.95
# The hypothetical person's id: never a core resource name, so it cannot collide with one.
EXTRA_PERSON = "planner:extra-person"
# Skill sets of the critical work tried as an extra person, most hours first.
MAX_PEOPLE_TRIED = 2

SOURCE_WORDS = {
    DurationSource.ESTIMATE: "the estimates",
    DurationSource.RISK_P50: "the risk service's P50 durations",
    DurationSource.RISK_P80: "the risk service's P80 durations",
}
SOURCES = {
    DurationSource.ESTIMATE: proposal_pb2.DURATION_SOURCE_ESTIMATE,
    DurationSource.RISK_P50: proposal_pb2.DURATION_SOURCE_RISK_P50,
    DurationSource.RISK_P80: proposal_pb2.DURATION_SOURCE_RISK_P80,
}


@dataclass(frozen=True)
class Attempt:
    """One plan tried: its snapshot, the proposal as it would be stored, and its forecast."""

    found: Snapshot
    record: store.ProposalRecord
    forecast: proposal_pb2.PlanForecast


# Reads the project's snapshot with the given durations.
Read = Callable[[str], Awaitable[Snapshot]]
# Solves a snapshot and forecasts its plan.
Try = Callable[[Snapshot], Awaitable[Attempt]]


def sources_to_try(asked: str) -> tuple[str, ...]:
    """Durations to plan with, in order: the risk service's, starting from the one asked for."""
    if asked == DurationSource.RISK_P80:
        return (DurationSource.RISK_P80,)
    return (DurationSource.RISK_P50, DurationSource.RISK_P80)


def has_forecast(forecast: proposal_pb2.PlanForecast) -> bool:
    return not forecast.unavailable_reason and bool(forecast.deadline)


def reaches(forecast: proposal_pb2.PlanForecast, target: float) -> bool:
    return has_forecast(forecast) and forecast.probability_on_time >= target


def kept_index(attempts: Sequence[Attempt], target: float) -> int:
    """The earliest-finishing plan that reaches the target; else the likeliest (then earliest)."""

    def finish(a: Attempt) -> date:
        return a.record.finish_date or date.max

    reaching = [i for i, a in enumerate(attempts) if reaches(a.forecast, target)]
    if reaching:
        return min(reaching, key=lambda i: (finish(attempts[i]), i))
    return min(
        range(len(attempts)),
        key=lambda i: (-attempts[i].forecast.probability_on_time, finish(attempts[i]), i),
    )


def date_with(forecast: proposal_pb2.PlanForecast, target: float) -> tuple[str, float]:
    """The forecast's finish date that has at least the target chance, and that chance."""
    for chance, day in (
        (0.5, forecast.finish_p50_date),
        (0.8, forecast.finish_p80_date),
        (0.95, forecast.finish_p95_date),
    ):
        if target <= chance + 1e-9 and day:
            return day, chance
    return "", 0.0


def working_days_after(calendar: ProjectCalendar, *, start: date, end: date) -> int:
    """Working days in (start, end]: how far `end` lies beyond `start` in the plan's days."""
    days = 0
    for ordinal in range(start.toordinal() + 1, end.toordinal() + 1):
        day = date.fromordinal(ordinal)
        if day in calendar.extra_working_days or (
            day.weekday() in calendar.working_weekdays and day not in calendar.holidays
        ):
            days += 1
    return days


def critical_skill_sets(
    problem: Problem, critical: Sequence[str], *, limit: int = MAX_PEOPLE_TRIED
) -> list[tuple[SkillRequirement, ...]]:
    """The skill sets of the critical path's staffed work, most planned hours first."""
    by_id = {t.id: t for t in problem.tasks}
    hours: dict[tuple[SkillRequirement, ...], float] = {}
    for task_id in critical:
        task = by_id.get(task_id)
        if task is None or task.pinned or not task.staffed:
            continue
        skills = tuple(sorted(task.required_skills, key=lambda s: s.skill))
        hours[skills] = hours.get(skills, 0.0) + task.duration_hours
    ranked = sorted(hours, key=lambda s: (-hours[s], [r.skill for r in s]))
    return ranked[:limit]


def with_extra_person(problem: Problem, skills: Sequence[SkillRequirement]) -> Problem:
    """The problem with one more full-time person who has exactly `skills`, on the project's
    calendar and with no other work."""
    extra = Person(
        id=EXTRA_PERSON,
        name="one more person",
        skills={s.skill: s.min_level for s in skills},
        hours_per_day=problem.calendar.hours_per_day,
        working_weekdays=problem.calendar.working_weekdays,
    )
    return replace(problem, people=(*problem.people, extra))


def skills_text(skills: Sequence[SkillRequirement]) -> str:
    return ", ".join(f"{s.skill} {s.min_level}" for s in skills) or "no particular skill"


async def to_target(
    target: float, *, first: Attempt, read: Read, attempt: Try
) -> tuple[Attempt, proposal_pb2.ConfidencePlan]:
    """Plan to `target` starting from `first` (made with the first of `sources_to_try`): the
    attempt to keep, and the record of how it was chosen and what else would help."""
    attempts = [first]
    notes: list[str] = []

    async def tried(make: Callable[[], Awaitable[Attempt]], what: str) -> Attempt | None:
        try:
            return await make()
        except DeadlineExceeded:
            notes.append(f"The call's deadline left no time to try {what}.")
            return None

    # Without a risk model the durations fell back to the estimates; no other source differs.
    if has_forecast(first.forecast) and first.found.duration_source != DurationSource.ESTIMATE:
        for source in sources_to_try(first.found.duration_source)[1:]:
            if reaches(attempts[-1].forecast, target):
                break
            durations = SOURCE_WORDS[source]

            async def with_source(source: str = source) -> Attempt:
                return await attempt(await read(source))

            found = await tried(with_source, f"the plan with {durations}")
            if found is None:
                break
            attempts.append(found)
    kept_at = kept_index(attempts, target)
    kept = attempts[kept_at]
    plan = proposal_pb2.ConfidencePlan(
        target_probability=target,
        reached=reaches(kept.forecast, target),
        attempts=[
            proposal_pb2.ConfidenceAttempt(
                duration_source=SOURCES[a.found.duration_source],
                finish_date=a.record.finish_date.isoformat() if a.record.finish_date else "",
                probability_on_time=a.forecast.probability_on_time,
                kept=i == kept_at,
            )
            for i, a in enumerate(attempts)
        ],
    )
    if not has_forecast(kept.forecast):
        return _noted(kept, notes), plan
    day, chance = date_with(kept.forecast, target)
    finish = kept.record.finish_date
    if day and finish is not None:
        plan.project_buffer_days = working_days_after(
            kept.found.problem.calendar, start=finish, end=date.fromisoformat(day)
        )
    if plan.reached:
        return _noted(kept, notes), plan
    remedies: list[proposal_pb2.Remedy] = []
    for skills in critical_skill_sets(kept.found.problem, _critical_ids(kept)):
        extra = replace(kept.found, problem=with_extra_person(kept.found.problem, skills))

        async def with_extra(extra: Snapshot = extra) -> Attempt:
            return await attempt(extra)

        other = await tried(with_extra, f"one more person with {skills_text(skills)}")
        if other is None:
            break
        if not has_forecast(other.forecast):
            continue
        gain = other.forecast.probability_on_time
        if gain <= kept.forecast.probability_on_time:
            continue
        finish_text = (
            f"the plan finishes {other.record.finish_date.isoformat()} and "
            if other.record.finish_date
            else ""
        )
        other_day, _ = date_with(other.forecast, target)
        with_chance = (
            f"; it finishes by {other_day} in at least {probability.percent(chance)} of the "
            "simulated outcomes"
            if other_day
            else ""
        )
        remedies.append(
            proposal_pb2.Remedy(
                kind=proposal_pb2.REMEDY_KIND_ADD_PERSON,
                text=(
                    f"One more person with {skills_text(skills)}, full time on the project's "
                    f"calendar: {finish_text}its chance of the deadline rises from "
                    f"{probability.percent(kept.forecast.probability_on_time)} to "
                    f"{probability.percent(gain)}{with_chance}."
                ),
                probability_on_time=gain,
                skills=[s.skill for s in skills],
                deadline=other_day,
            )
        )
    if day and day > kept.forecast.deadline:
        remedies.append(
            proposal_pb2.Remedy(
                kind=proposal_pb2.REMEDY_KIND_MOVE_DEADLINE,
                text=(
                    f"Move the deadline from {kept.forecast.deadline} to {day}: this plan "
                    f"finishes by {day} in at least {probability.percent(chance)} of the simulated "
                    "outcomes."
                ),
                probability_on_time=chance,
                deadline=day,
            )
        )
    remedies.sort(key=lambda r: -r.probability_on_time)
    plan.remedies.extend(remedies)
    return _noted(kept, notes), plan


def _noted(a: Attempt, notes: Sequence[str]) -> Attempt:
    return replace(a, record=replace(a.record, notes=(*a.record.notes, *notes)))


def _critical_ids(a: Attempt) -> list[str]:
    ids = {info.name: task_id for task_id, info in a.found.tasks.items()}
    return [ids[name] for name in a.record.critical_path if name in ids]
