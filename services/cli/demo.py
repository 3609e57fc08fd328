"""`planops demo`: start the stack, load two realistic operations with a year of history,
run the whole loop (risk model and forecast, a planner proposal, meeting notes to tasks) and
leave the console open until Ctrl-C.

Everything goes through the services' public APIs with the admin key, with fixed ids and
request ids, so a second run finds what the first one loaded and adds nothing.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import grpc
import typer
from google.protobuf import field_mask_pb2
from planops.automation.v1 import automation_service_pb2, automation_service_pb2_grpc
from planops.core.v1 import (
    api_key_pb2,
    api_key_service_pb2,
    person_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
    task_pb2,
    task_service_pb2,
)
from planops.nlp.v1 import nlp_service_pb2, nlp_service_pb2_grpc
from planops.planner.v1 import planner_service_pb2, planner_service_pb2_grpc, proposal_pb2
from planops.risk.v1 import risk_service_pb2, risk_service_pb2_grpc
from rich.console import Console

from services.cli import history_import, stack
from services.cli.client import Client, CliError, Settings
from services.cli.demo_data import OPERATIONS, SPARE_PEOPLE, DemoPerson, DemoTask, Operation
from services.cli.plan_cli import finish_line
from services.common.config import Env
from services.common.probability import percent
from services.common.workcal import WorkingCalendar

console = Console(stderr=True)

SEED = 20261127
PRIORITY = {
    "low": task_pb2.PRIORITY_LOW,
    "medium": task_pb2.PRIORITY_MEDIUM,
    "high": task_pb2.PRIORITY_HIGH,
    "urgent": task_pb2.PRIORITY_URGENT,
}
ROLE = {
    "manager": project_pb2.ROLE_MANAGER,
    "executor": project_pb2.ROLE_EXECUTOR,
    "reviewer": project_pb2.ROLE_REVIEWER,
    "viewer": project_pb2.ROLE_VIEWER,
}
# The person whose key the demo prints: manager of both operations, so the console shows both
# what a manager may do and, on review moves, what only a reviewer may.
CONSOLE_USER = "mei"


@dataclass
class Report:
    """What the demo did, for the summary it prints."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)
        console.print(f"  {line}")


# -- history: a year of finished work, generated reproducibly ------------------------------


def _working_day(day: date) -> date:
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def _finish(start: date, days: float) -> date:
    return start + timedelta(days=max(0, round(days) - 1))


# The demo's projects work Monday to Friday on China's official calendar (holidays and their
# make-up working days); past rounds are planned and played out on it, so that what risk
# learns from the history is in the units its forecasts count in.
CALENDAR = WorkingCalendar(holiday_country="CN")


def _working_days_after(start: date, days: float) -> date:
    """The working day `days` (rounded) working days after `start`; back for negative days."""
    return CALENDAR.add_working_days(start, round(days))


def round_plan(operation: Operation, *, deadline: date) -> dict[str, tuple[date, date]]:
    """A past or simulated round's planned (start, end) of each task, keyed by task, the
    round's deadline being `deadline`: the operation's offsets on working days, and no task
    before the working day after its predecessors' planned ends."""
    tasks = {t.key: t for t in operation.tasks}
    planned: dict[str, tuple[date, date]] = {}
    while len(planned) < len(tasks):
        ready = [
            t
            for k, t in tasks.items()
            if k not in planned and all(b in planned for b in t.after if b in tasks)
        ]
        if not ready:
            raise ValueError(f"{operation.id}: the dependencies have a cycle")
        for task in ready:
            offset = deadline + timedelta(days=task.start - operation.deadline)
            after = [CALENDAR.add_working_days(planned[b][1], 1) for b in task.after if b in tasks]
            start = CALENDAR.add_working_days(max([offset, *after]), 0)
            planned[task.key] = (start, _working_days_after(start, max(1, task.days) - 1))
    return planned


def play_out(
    operation: Operation,
    task: DemoTask,
    person: DemoPerson,
    planned_start: date,
    rng: random.Random,
) -> tuple[date, date]:
    """When one round's task really started and finished, given its planned start: how late
    work runs in the demo's world (the person, the kind of work and its size, with noise).
    The history is made with it, and `bench/risk_demo_calibration.py` plays out new rounds
    with it to check the forecast against the world it learned from."""
    slip = person.slip * operation.label_slip.get(task.label, 1.0)
    slip *= 1.0 + max(0.0, task.hours - 8) / 40
    early_or_late = round(rng.gauss(0.8 * (slip - 1.0), 0.3))
    started = _working_days_after(planned_start, max(0, early_or_late))
    if early_or_late < 0 and CALENDAR.is_working_day(planned_start - timedelta(days=1)):
        started = planned_start - timedelta(days=1)  # a day early, never across a holiday
    actual_days = task.days * rng.lognormvariate(-0.2, 0.12) * (0.3 + 0.7 * slip)
    return started, _working_days_after(started, max(1, round(actual_days)) - 1)


def history(
    operation: Operation, *, today: date, runs: int, seed: int = SEED
) -> list[history_import.PastTask]:
    """Finished tasks of `runs` past rounds of the operation (monthly campaigns, or work
    orders), the latest ending before `today`; lateness follows the person, the kind of work,
    and its size, with noise, from a seeded generator."""
    rng = random.Random(f"{seed}-{operation.id}-{runs}")
    people = {p.id: p for p in operation.people}
    tasks: list[history_import.PastTask] = []
    span = 365 // max(1, runs)
    for run in range(runs, 0, -1):
        anchor = today - timedelta(days=run * span + rng.randint(0, 3))
        picked = [t for t in operation.tasks if rng.random() < 0.55] or list(operation.tasks[:5])
        plans = round_plan(operation, deadline=anchor)
        for task in picked:
            person = people.get(task.assignee) or rng.choice(operation.people)
            if rng.random() < 0.2:  # someone else with the skill did it that time
                able = [
                    p
                    for p in operation.people
                    if dict(p.skills).get(task.skill, 0) >= task.level - 1
                ]
                person = rng.choice(able or list(operation.people))
            planned_start, planned_end = plans[task.key]
            started, finished = play_out(operation, task, person, planned_start, rng)
            if finished >= today:
                continue
            tasks.append(
                history_import.PastTask(
                    title=f"{task.title} ({anchor:%b %Y})",
                    opened=planned_start - timedelta(days=rng.randint(2, 12)),
                    started=started,
                    finished=finished,
                    due=planned_end,
                    planned_start=planned_start,
                    planned_end=planned_end,
                    estimate_hours=round(task.hours * rng.uniform(0.8, 1.25), 1),
                    priority=PRIORITY[task.priority],
                    labels=(task.label,),
                    assignee=f"people/{person.id}",
                )
            )
    return tasks


# -- loading through core's API ------------------------------------------------------------


def ensure_person(client: Client, person: DemoPerson) -> None:
    try:
        client.call(
            client.people.GetPerson, person_service_pb2.GetPersonRequest(name=f"people/{person.id}")
        )
        return
    except CliError:
        pass
    client.call(
        client.people.CreatePerson,
        person_service_pb2.CreatePersonRequest(
            person_id=person.id,
            person=person_pb2.Person(
                display_name=person.display_name,
                aliases=list(person.aliases),
                skills=[person_pb2.Skill(skill=s, level=lvl) for s, lvl in person.skills],
                weekly_capacity_hours=person.weekly_capacity_hours,
                working_days=list(person.working_days),
                cost_rate=person.cost_rate,
            ),
            request_id=f"demo-person-{person.id}",
        ),
    )


def ensure_project(
    client: Client,
    *,
    project_id: str,
    display_name: str,
    description: str,
    start: date,
    deadline: date | None,
) -> project_pb2.Project:
    name = f"projects/{project_id}"
    try:
        found: project_pb2.Project = client.call(
            client.projects.GetProject, project_service_pb2.GetProjectRequest(name=name)
        ).project
        return found
    except CliError:
        pass
    made: project_pb2.Project = client.call(
        client.projects.CreateProject,
        project_service_pb2.CreateProjectRequest(
            project_id=project_id,
            project=project_pb2.Project(
                display_name=display_name,
                description=description,
                time_zone="Asia/Shanghai",
                calendar=project_pb2.Calendar(
                    working_days=[1, 2, 3, 4, 5], hours_per_day=8, holiday_country="CN"
                ),
                start_date=start.isoformat(),
                deadline=deadline.isoformat() if deadline else "",
            ),
            request_id=f"demo-project-{project_id}",
        ),
    ).project
    return made


def ensure_members(client: Client, project: str, people: Sequence[DemoPerson]) -> None:
    existing = {
        m.member
        for m in client.every(
            client.projects.ListMemberships,
            project_service_pb2.ListMembershipsRequest(parent=project),
            "memberships",
        )
    }
    for person in people:
        if not person.roles or f"people/{person.id}" in existing:
            continue
        client.call(
            client.projects.CreateMembership,
            project_service_pb2.CreateMembershipRequest(
                parent=project,
                membership=project_pb2.Membership(
                    member=f"people/{person.id}", roles=[ROLE[r] for r in person.roles]
                ),
            ),
        )


def _console_user(role: str) -> DemoPerson:
    """The person whose key the demo prints, in `role` (ensure_members skips her where she is
    a member already)."""
    person = next(p for o in OPERATIONS for p in o.people if p.id == CONSOLE_USER)
    return replace(person, roles=(role,))


def path_to(workflow: project_pb2.Workflow, start: str, target: str) -> list[str]:
    """The shortest chain of moves from `start` to `target` (empty when there is none)."""
    moves: dict[str, list[str]] = {}
    for t in workflow.transitions:
        moves.setdefault(t.from_state, []).append(t.to_state)
    queue: deque[list[str]] = deque([[start]])
    seen = {start}
    while queue:
        trail = queue.popleft()
        if trail[-1] == target:
            return trail[1:]
        for nxt in moves.get(trail[-1], []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*trail, nxt])
    return []


def live_state(task: DemoTask, *, offset_today: int, index: int) -> str:
    """Where a task of the live plan stands today: finished work is done, work under way is
    in progress, and what lies ahead is spread over the planning states."""
    end = task.start + task.days - 1
    if end < offset_today - 1:
        return "done"
    if end < offset_today:
        return "in_acceptance"
    if task.start <= offset_today:
        return "in_progress"
    if task.start <= offset_today + 4:
        return "scheduled"
    return ("submitted", "in_review", "draft", "scheduled")[index % 4]


def load_operation(
    client: Client, operation: Operation, *, today: date, history_runs: int, report: Report
) -> str:
    """People, the live project with its tasks and dependencies, and the history project."""
    for person in (*operation.people, *SPARE_PEOPLE):
        ensure_person(client, person)
    project = ensure_project(
        client,
        project_id=operation.id,
        display_name=operation.display_name,
        description=operation.description,
        start=today + timedelta(days=operation.start),
        deadline=_working_day(today + timedelta(days=operation.deadline)),
    )
    ensure_members(client, project.name, operation.people)
    ensure_members(client, project.name, [_console_user("manager")])
    iterations = ensure_iterations(client, project.name, operation, today=today)
    created = client.call(
        client.tasks.BatchCreateTasks,
        task_service_pb2.BatchCreateTasksRequest(
            parent=project.name,
            request_id=f"demo-{operation.id}-tasks",
            requests=[
                task_service_pb2.CreateTaskRequest(
                    task=_live_task(
                        t,
                        today=today,
                        dated=not _finished(t, index=i),
                        iteration=_iteration_of(t, operation, iterations),
                    )
                )
                for i, t in enumerate(operation.tasks)
            ],
        ),
    ).tasks
    by_key = {t.key: c.name for t, c in zip(operation.tasks, created, strict=True)}
    for task in operation.tasks:
        for before in task.after:
            client.call(
                client.tasks.CreateDependency,
                task_service_pb2.CreateDependencyRequest(
                    parent=project.name,
                    request_id=f"demo-{operation.id}-dep-{before}-{task.key}",
                    dependency=task_pb2.Dependency(
                        predecessor=by_key[before],
                        successor=by_key[task.key],
                        type=task_pb2.DEPENDENCY_TYPE_FINISH_TO_START,
                    ),
                ),
            )
    moved = 0
    for index, (task, name) in enumerate(zip(operation.tasks, created, strict=True)):
        target = live_state(task, offset_today=0, index=index)
        current = client.call(
            client.tasks.GetTask, task_service_pb2.GetTaskRequest(name=name.name)
        ).task
        if current.state != project.workflow.initial_state:
            continue  # moved by an earlier run, or by someone since
        moves = path_to(project.workflow, current.state, target)
        for state in moves:
            client.call(
                client.tasks.TransitionTask,
                task_service_pb2.TransitionTaskRequest(name=name.name, to_state=state),
            )
        moved += 1 if moves else 0
        if _finished(task, index=index):
            # Finished work gets its dates once finished: set before, risk would raise alerts
            # for tasks that were never really late.
            planned = _live_task(task, today=today, dated=True)
            client.call(
                client.tasks.UpdateTask,
                task_service_pb2.UpdateTaskRequest(
                    task=task_pb2.Task(
                        name=name.name,
                        planned_start=planned.planned_start,
                        planned_end=planned.planned_end,
                        due_date=planned.due_date,
                    ),
                    update_mask=field_mask_pb2.FieldMask(
                        paths=["planned_start", "planned_end", "due_date"]
                    ),
                ),
            )
    logged = log_time(client, operation, created=[t.name for t in created], today=today)
    report.add(
        f"{operation.display_name}: {len(operation.people)} people, {len(created)} tasks, "
        f"{logged:.0f} hours logged so far, "
        f"{sum(len(t.after) for t in operation.tasks)} dependencies"
        + (f" ({moved} moved along the workflow)" if moved else " (already loaded)")
    )

    load_history(client, operation, today=today, runs=history_runs, report=report)
    return project.name


def load_history(
    client: Client, operation: Operation, *, today: date, runs: int, report: Report
) -> str:
    """The operation's history project with `runs` past rounds of finished work; its name."""
    past = history(operation, today=today, runs=runs)
    history_project = ensure_project(
        client,
        project_id=operation.history_id,
        display_name=operation.history_name,
        description=f"Finished work of past rounds of {operation.display_name}, for the risk model.",
        start=min(t.opened for t in past),
        deadline=None,
    )
    # The spare people read the history too: a manager sees in the directory only people who
    # share a project with her, and this is how she finds them to try one in a what-if.
    ensure_members(
        client,
        history_project.name,
        [*operation.people, *(replace(p, roles=("viewer",)) for p in SPARE_PEOPLE)],
    )
    ensure_members(client, history_project.name, [_console_user("viewer")])
    with console.status(f"loading {len(past)} finished tasks of history ..."):
        names = history_import.import_tasks(
            client,
            project=history_project.name,
            tasks=past,
            file_id=f"demo-{operation.id}-{runs}-{len(past)}",
        )
    late = sum(1 for t in past if t.due and t.finished > t.due)
    report.add(
        f"{operation.history_name}: {len(names)} finished tasks, {late} of them late "
        f"({late / max(1, len(past)):.0%})"
    )
    return history_project.name


def log_time(client: Client, operation: Operation, *, created: Sequence[str], today: date) -> float:
    """Time entries for the work done so far: each day of a started task up to yesterday, by
    its assignee, more than planned for those whose work tends to run over."""
    rng = random.Random(f"{SEED}-{operation.id}-time")
    people = {p.id: p for p in operation.people}
    total = 0.0
    for task, name in zip(operation.tasks, created, strict=True):
        person = people.get(task.assignee)
        if person is None or task.start >= 0:
            continue
        per_day = task.hours / task.days * (0.75 + 0.3 * person.slip) * rng.uniform(0.85, 1.2)
        for offset in range(task.start, min(task.start + task.days, 0)):
            day = today + timedelta(days=offset)
            hours = round(min(10.0, per_day), 1)
            client.call(
                client.tasks.CreateTimeEntry,
                task_service_pb2.CreateTimeEntryRequest(
                    parent=name,
                    request_id=f"demo-{operation.id}-time-{task.key}-{offset}",
                    time_entry=task_pb2.TimeEntry(
                        person=f"people/{person.id}", work_date=day.isoformat(), hours=hours
                    ),
                ),
            )
            total += hours
    return total


def _finished(task: DemoTask, *, index: int) -> bool:
    return live_state(task, offset_today=0, index=index) in ("done", "in_acceptance")


def ensure_iterations(
    client: Client, project: str, operation: Operation, *, today: date
) -> list[str]:
    """The operation's iterations, made once (by request id); their names, in order."""
    names = []
    for n, (title, first, last) in enumerate(operation.iterations):
        made = client.call(
            client.projects.CreateIteration,
            project_service_pb2.CreateIterationRequest(
                parent=project,
                request_id=f"demo-{operation.id}-iteration-{n}",
                iteration=project_pb2.Iteration(
                    display_name=title,
                    start_date=(today + timedelta(days=first)).isoformat(),
                    end_date=(today + timedelta(days=last)).isoformat(),
                ),
            ),
        )
        names.append(str(made.iteration.name))
    return names


def _iteration_of(task: DemoTask, operation: Operation, names: Sequence[str]) -> str:
    for name, (_, first, last) in zip(names, operation.iterations, strict=True):
        if first <= task.start <= last:
            return name
    return ""


def _live_task(task: DemoTask, *, today: date, dated: bool, iteration: str = "") -> task_pb2.Task:
    start = today + timedelta(days=task.start)
    end = _finish(start, task.days)
    return task_pb2.Task(
        title=task.title,
        description=task.description,
        priority=PRIORITY[task.priority],
        assignee=f"people/{task.assignee}" if task.assignee else "",
        required_skills=[person_pb2.Skill(skill=task.skill, level=task.level)],
        estimate_hours=task.hours,
        optimistic_hours=round(task.hours * 0.75, 1),
        pessimistic_hours=round(task.hours * 1.8, 1),
        planned_start=start.isoformat() if dated else "",
        planned_end=end.isoformat() if dated else "",
        due_date=end.isoformat() if dated else "",
        labels=[task.label],
        iteration=iteration,
        source=task_pb2.TASK_SOURCE_TEMPLATE,
    )


# -- the loop: risk, planner, notes --------------------------------------------------------


# The stack starts without the automation service's default rules, and the demo installs
# them once its history and the work in progress are loaded: otherwise the rule that hands a
# task entering review to the reviewer would rewrite who did a year of finished work.
STACK_ENV = {"PLANOPS_AUTOMATION_DEFAULT_RULES": "false"}


@dataclass
class Stubs:
    planner: Any
    risk: Any
    nlp: Any


def train_and_forecast(
    client: Client, stubs: Stubs, projects: Sequence[str], report: Report
) -> None:
    models = client.call(stubs.risk.ListModels, risk_service_pb2.ListModelsRequest()).models
    if not models:
        # Risk learns from core's events as they arrive; reloading makes sure it holds all of
        # the history just written before it trains.
        client.call(stubs.risk.RebuildHistory, risk_service_pb2.RebuildHistoryRequest())
        trained = client.call(stubs.risk.TrainModel, risk_service_pb2.TrainModelRequest(force=True))
        m = trained.model
        report.add(
            f"risk model {m.name.removeprefix('models/')} trained on {m.rows} tasks: holdout AUC "
            f"{m.holdout_auc:.2f}, delay error {m.holdout_delay_mae_days:.1f} days"
            + ("" if trained.activated else " (not better than the prior, kept inactive)")
        )
    else:
        m = next((m for m in models if m.active), models[0])
        report.add(
            f"risk model {m.name.removeprefix('models/')} trained earlier on {m.rows} tasks"
            + ("" if m.active else " (not better than the prior, kept inactive)")
        )
    for project in projects:
        f = client.call(
            stubs.risk.ForecastProject, risk_service_pb2.ForecastProjectRequest(project=project)
        ).forecast
        report.add(
            f"{project}: P50 finish {f.finish_p50_date}, P80 {f.finish_p80_date}, deadline "
            f"{f.deadline}: {percent(f.probability_on_time)} chance of making it"
        )


def propose(client: Client, stubs: Stubs, project: str, *, accept: bool, report: Report) -> None:
    existing = client.call(
        stubs.planner.ListProposals, planner_service_pb2.ListProposalsRequest(parent=project)
    ).proposals
    proposal = next((p for p in existing if not p.what_if), None)
    if proposal is None:
        proposal = client.call(
            stubs.planner.ProposeSchedule,
            planner_service_pb2.ProposeScheduleRequest(
                project=project,
                time_limit_seconds=8,
                duration_source=proposal_pb2.DURATION_SOURCE_RISK_P50,
                request_id=f"demo-{project.split('/')[-1]}-proposal",
            ),
        ).proposal
    changed = sum(1 for i in proposal.items if i.assignee_changed or i.dates_changed)
    # The proposal carries risk's forecast of its own plan, so the finish and the chance of
    # the deadline are read together.
    line = (
        f"{project}: proposal {proposal.name.split('/')[-1]}, {changed} tasks change, "
        f"{finish_line(proposal)}"
    )
    if accept and proposal.state == proposal_pb2.PROPOSAL_STATE_OPEN:
        reply = client.call(
            stubs.planner.AcceptProposal,
            planner_service_pb2.AcceptProposalRequest(name=proposal.name),
        )
        line += f"; accepted {len(reply.accepted)} items"
    elif proposal.state == proposal_pb2.PROPOSAL_STATE_OPEN:
        line += "; left open for you to accept in the console"
    else:
        state = proposal_pb2.ProposalState.Name(proposal.state)
        line += f"; {state.removeprefix('PROPOSAL_STATE_').lower().replace('_', ' ')}"
    report.add(line)


def notes_to_tasks(
    client: Client, stubs: Stubs, operation: Operation, *, today: date, report: Report
) -> list[str]:
    project = f"projects/{operation.id}"
    names: list[str] = []
    for notes in operation.notes:
        meeting = today + timedelta(days=notes.meeting_offset)
        read = client.call(
            stubs.nlp.ExtractActionItems,
            nlp_service_pb2.ExtractActionItemsRequest(
                project=project,
                text=notes.text,
                meeting_date=meeting.isoformat(),
                language=notes.language,
                request_id=f"demo-{operation.id}-notes-{notes.language}-{meeting.isoformat()}",
            ),
        ).notes
        # The clear ones become tasks now; the rest wait in the console for a person.
        chosen = [
            i
            for i in read.items
            if i.owner.startswith("people/") and not i.duplicate_of and i.confidence.item >= 0.5
        ][:2]
        made = 0
        if chosen:
            accepted = client.call(
                stubs.nlp.AcceptActionItems,
                nlp_service_pb2.AcceptActionItemsRequest(
                    name=read.name, items=[nlp_service_pb2.AcceptedItem(id=i.id) for i in chosen]
                ),
            )
            made = len(accepted.tasks)
        names.append(read.name)
        report.add(
            f"{notes.title} ({notes.language}): {len(read.items)} action items found, {made} "
            f"accepted as tasks; the rest wait in the console ({read.name})"
        )
    return names


def console_key(client: Client, home: Path) -> str:
    """The key printed for the console: Mei Chen's, made once and kept in `home/demo/`."""
    path = home / "demo" / f"{CONSOLE_USER}.key"
    if path.exists():
        key = path.read_text().strip()
        try:
            Client(Settings(address=client.settings.address, key=key, home=home)).call(
                client.keys.GetCaller, api_key_service_pb2.GetCallerRequest()
            )
            return key
        except CliError:
            pass
    reply = client.call(
        client.keys.CreateApiKey,
        api_key_service_pb2.CreateApiKeyRequest(
            api_key=api_key_pb2.ApiKey(
                principal=f"people/{CONSOLE_USER}",
                display_name="console key (planops demo)",
            )
        ),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(reply.secret + "\n")
    return str(reply.secret)


def load_everything(
    client: Client,
    *,
    addresses: dict[str, str],
    home: Path,
    today: date,
    history_runs: tuple[int, int] = (12, 12),
) -> tuple[Report, str]:
    """Load both operations and run the loop; what happened, and the console user's key."""
    report = Report()
    projects = []
    for operation, runs in zip(OPERATIONS, history_runs, strict=True):
        projects.append(
            load_operation(client, operation, today=today, history_runs=runs, report=report)
        )
    channels = {name: grpc.insecure_channel(address) for name, address in addresses.items()}
    try:
        stubs = Stubs(
            planner=planner_service_pb2_grpc.PlannerServiceStub(channels["planner"]),  # type: ignore[no-untyped-call]
            risk=risk_service_pb2_grpc.RiskServiceStub(channels["risk"]),  # type: ignore[no-untyped-call]
            nlp=nlp_service_pb2_grpc.NlpServiceStub(channels["nlp"]),  # type: ignore[no-untyped-call]
        )
        train_and_forecast(client, stubs, projects, report)
        for operation, project in zip(OPERATIONS, projects, strict=True):
            propose(client, stubs, project, accept=operation.id != "promo-1212", report=report)
        for operation in OPERATIONS:
            notes_to_tasks(client, stubs, operation, today=today, report=report)
        if "automation" in channels:
            rules = automation_service_pb2_grpc.AutomationServiceStub(channels["automation"])  # type: ignore[no-untyped-call]
            for project in projects:
                client.call(
                    rules.InstallDefaultRules,
                    automation_service_pb2.InstallDefaultRulesRequest(parent=project),
                )
            report.add("automation: the default workflow rules are on in both projects")
    finally:
        for channel in channels.values():
            channel.close()
    return report, console_key(client, home)


# -- the command ---------------------------------------------------------------------------


def _port_busy(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def demo(
    core_port: Annotated[
        int, typer.Option(help="Port of core; the other services follow it.")
    ] = 50051,
    gateway_port: Annotated[
        int, typer.Option(help="Port of the console and HTTP/JSON API.")
    ] = 8080,
) -> None:
    """Start PlanOps with two example operations (a 12.12 online promotion and a factory's
    maintenance work orders), each with a year of history, run the whole loop (risk
    forecast, a planner proposal, meeting notes to tasks) and keep the console open until
    Ctrl-C. A second run reuses what the first one loaded."""
    busy = [
        p
        for p in (*(core_port + i for i in range(len(stack.SERVICES))), gateway_port)
        if _port_busy(p)
    ]
    if busy:
        raise CliError(
            f"port {busy[0]} is in use — is `planops up` or another demo running? Stop it, or "
            "pass --core-port and --gateway-port"
        )
    env = Env()
    home = env.home()
    names = [name for name, _ in stack.SERVICES]
    addresses = {name: f"127.0.0.1:{core_port + i}" for i, name in enumerate(names)}
    log_path = home / "demo" / "stack.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    console.print(
        "starting PlanOps (PostgreSQL, NATS, core, planner, risk, nlp, automation and the "
        "gateway); "
        f"their log is {log_path}"
    )
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from services.cli.main import run; run()",
                "up",
                "--core-port",
                str(core_port),
                "--gateway-port",
                str(gateway_port),
            ],
            env={**os.environ, **STACK_ENV},
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl-C reaches the demo alone, which stops the stack once.
            start_new_session=True,
        )
        signal.signal(signal.SIGTERM, stack._interrupt)
        try:
            _run(process, addresses=addresses, gateway_port=gateway_port, home=home)
        except (RuntimeError, TimeoutError, CliError) as error:
            message = error.message if isinstance(error, CliError) else str(error)
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
            if not isinstance(error, CliError):  # the stack failed: its log says why
                console.print(_tail(log_path))
            raise CliError(f"the demo stopped: {message} (the log is {log_path})") from None
        except KeyboardInterrupt:
            console.print("\nstopping ...")
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
            console.print("stopped")


def _run(
    process: subprocess.Popen[bytes], *, addresses: dict[str, str], gateway_port: int, home: Path
) -> None:
    url = f"http://127.0.0.1:{gateway_port}"
    with console.status("waiting for every service to answer ..."):
        for address in addresses.values():
            stack.wait_serving(address, process, timeout=180)
        stack.wait_http(f"{url}/healthz", process, timeout=60)
    console.print("[bold]loading the demo operations[/bold]")
    settings = Settings(address=addresses["core"], key=None, home=home)
    with Client(settings) as client:
        _, key = load_everything(client, addresses=addresses, home=home, today=date.today())
    console.print()
    console.print(
        f"[bold green]The PlanOps console is open at {url}/#/board?project=promo-1212[/bold green]"
    )
    console.print(f"sign in with this API key (Mei Chen, manager of both operations):\n\n  {key}\n")
    console.print(
        f"The admin key is in {home / 'admin.key'}; the CLI works too (planops status, "
        "planops risk promo-1212, ...). Ctrl-C stops everything."
    )
    code = process.wait()
    if code != 0:
        raise RuntimeError(f"planops up exited with code {code}")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
