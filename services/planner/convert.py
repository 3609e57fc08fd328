"""Protos in, records and protos out: requests checked, proposals stored and shown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from google.protobuf import json_format, timestamp_pb2
from google.protobuf.message import Message
from planops.planner.v1 import planner_service_pb2, proposal_pb2

from services.common import names
from services.common.errors import FieldViolation, InvalidArgument
from services.planner import confidence, store
from services.planner.diagnose import qualified
from services.planner.model import (
    DEFAULT_STAGES,
    Objective,
    Period,
    Proposal,
    ReasonKind,
    SolveStatus,
    TaskPlan,
    Weights,
)
from services.planner.snapshot import DurationSource, PlanRequest, Snapshot, WhatIf

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")

MAX_TIME_LIMIT_S = 300.0
DEFAULT_TIME_LIMIT_S = 10.0
MAX_HORIZON_DAYS = 5000
MAX_WHAT_IF_ITEMS = 1000
MAX_REQUEST_ID = 100
MAX_HOURS = 10_000.0
MAX_REASON = 2000
FIRST_YEAR, LAST_YEAR = 1900, 2200

SOURCES = {
    proposal_pb2.DURATION_SOURCE_UNSPECIFIED: DurationSource.ESTIMATE,
    proposal_pb2.DURATION_SOURCE_ESTIMATE: DurationSource.ESTIMATE,
    proposal_pb2.DURATION_SOURCE_RISK_P50: DurationSource.RISK_P50,
    proposal_pb2.DURATION_SOURCE_RISK_P80: DurationSource.RISK_P80,
}
MAX_STAGE_TOLERANCE = 0.5
MODES = (
    planner_service_pb2.OBJECTIVE_MODE_UNSPECIFIED,
    planner_service_pb2.OBJECTIVE_MODE_WEIGHTED,
    planner_service_pb2.OBJECTIVE_MODE_STAGED,
)
OBJECTIVES = {
    proposal_pb2.OBJECTIVE_DEADLINE: Objective.DEADLINE,
    proposal_pb2.OBJECTIVE_LATENESS: Objective.LATENESS,
    proposal_pb2.OBJECTIVE_MAKESPAN: Objective.MAKESPAN,
    proposal_pb2.OBJECTIVE_CHANGES: Objective.CHANGES,
    proposal_pb2.OBJECTIVE_BALANCE: Objective.BALANCE,
}
OBJECTIVE_PROTOS = {objective: value for value, objective in OBJECTIVES.items()}
REASON_KINDS = {
    ReasonKind.PINNED: proposal_pb2.REASON_KIND_PINNED,
    ReasonKind.PREDECESSOR: proposal_pb2.REASON_KIND_PREDECESSOR,
    ReasonKind.PERSON_BUSY: proposal_pb2.REASON_KIND_PERSON_BUSY,
    ReasonKind.TIME_OFF: proposal_pb2.REASON_KIND_CALENDAR,
    ReasonKind.POOL_BUSY: proposal_pb2.REASON_KIND_RESOURCE,
    ReasonKind.SKILL_SCARCITY: proposal_pb2.REASON_KIND_SKILL_SCARCITY,
    ReasonKind.PROJECT_START: proposal_pb2.REASON_KIND_PROJECT_START,
    ReasonKind.CURRENT_PLAN: proposal_pb2.REASON_KIND_STABILITY,
    ReasonKind.OBJECTIVE: proposal_pb2.REASON_KIND_OBJECTIVE,
}

# Proposal and item states as stored: the proto enum names without their prefix.
OPEN = "OPEN"
PARTIALLY_ACCEPTED = "PARTIALLY_ACCEPTED"
ACCEPTED = "ACCEPTED"
REJECTED = "REJECTED"
WHAT_IF = "WHAT_IF"
INFEASIBLE = "INFEASIBLE"
PENDING = "PENDING"
STALE = "STALE"
UNCHANGED = "UNCHANGED"


def _day(value: str, field: str, bad: list[FieldViolation]) -> date | None:
    try:
        if DAY.match(value):
            day = date.fromisoformat(value)
            # Core's range for every date it stores; beyond it the calendar axis overflows.
            if FIRST_YEAR <= day.year <= LAST_YEAR:
                return day
            bad.append(FieldViolation(field, f"must be between {FIRST_YEAR} and {LAST_YEAR}"))
            return None
    except ValueError:
        pass
    bad.append(FieldViolation(field, "must be a date YYYY-MM-DD"))
    return None


def plan_request(request: planner_service_pb2.ProposeScheduleRequest) -> PlanRequest:
    """The request in domain terms; every bad field is named at once."""
    bad: list[FieldViolation] = []
    project = ""
    try:
        project = names.project_id(request.project, field="project")
    except InvalidArgument as error:
        bad += error.violations
    limit = request.time_limit_seconds or DEFAULT_TIME_LIMIT_S
    if not 1 <= limit <= MAX_TIME_LIMIT_S:
        bad.append(
            FieldViolation("time_limit_seconds", f"must be from 1 to {MAX_TIME_LIMIT_S:g} seconds")
        )
    if not 0 <= request.horizon_days <= MAX_HORIZON_DAYS:
        bad.append(FieldViolation("horizon_days", f"must be from 0 to {MAX_HORIZON_DAYS}"))
    defaults = Weights()
    weights: dict[str, int] = {}
    for name in ("lateness", "deadline", "makespan", "changes", "balance"):
        value = getattr(request.weights, name)
        if value < 0:
            bad.append(FieldViolation(f"weights.{name}", "must not be negative"))
        weights[name] = value or getattr(defaults, name)
    if request.duration_source not in SOURCES:
        bad.append(FieldViolation("duration_source", "is not a known source"))
    target = request.target_probability
    if target and not confidence.MIN_TARGET <= target <= confidence.MAX_TARGET:
        bad.append(
            FieldViolation(
                "target_probability",
                f"must be from {confidence.MIN_TARGET:g} to {confidence.MAX_TARGET:g}"
                " (for example 0.8), or 0 to plan once",
            )
        )
    if len(request.request_id) > MAX_REQUEST_ID:
        bad.append(FieldViolation("request_id", f"at most {MAX_REQUEST_ID} characters"))
    what_if = _what_if(request, project, bad) if request.HasField("what_if") else None
    stages = _stages(request, bad)
    if bad:
        raise InvalidArgument.of(bad)
    return PlanRequest(
        project=project,
        time_limit_s=limit,
        weights=Weights(**weights),
        horizon_days=request.horizon_days or None,
        hard_deadline=request.hard_deadline,
        duration_source=SOURCES[request.duration_source],
        what_if=what_if,
        target_probability=target,
        stages=stages,
        stage_tolerance=request.stage_tolerance,
    )


def _stages(
    request: planner_service_pb2.ProposeScheduleRequest, bad: list[FieldViolation]
) -> tuple[Objective, ...]:
    """The staged order asked for: empty for the weighted sum."""
    mode = request.objective_mode
    if mode not in MODES:
        bad.append(FieldViolation("objective_mode", "is not a known mode"))
        return ()
    staged = mode == planner_service_pb2.OBJECTIVE_MODE_STAGED
    if not staged and (request.stages or request.stage_tolerance):
        field = "stages" if request.stages else "stage_tolerance"
        bad.append(FieldViolation(field, "needs objective_mode OBJECTIVE_MODE_STAGED"))
    if not 0 <= request.stage_tolerance <= MAX_STAGE_TOLERANCE:
        bad.append(FieldViolation("stage_tolerance", f"must be from 0 to {MAX_STAGE_TOLERANCE:g}"))
    if not staged:
        return ()
    stages: list[Objective] = []
    for i, value in enumerate(request.stages):
        objective = OBJECTIVES.get(value)
        if objective is None:
            bad.append(FieldViolation(f"stages[{i}]", "is not a known objective"))
        elif objective in stages:
            bad.append(FieldViolation(f"stages[{i}]", f"repeats {objective.value}"))
        else:
            stages.append(objective)
    return tuple(stages) or DEFAULT_STAGES


def _what_if(
    request: planner_service_pb2.ProposeScheduleRequest, project: str, bad: list[FieldViolation]
) -> WhatIf:
    w = request.what_if
    for list_name in ("add_people", "remove_people", "time_off", "durations"):
        if len(getattr(w, list_name)) > MAX_WHAT_IF_ITEMS:
            bad.append(FieldViolation(f"what_if.{list_name}", f"at most {MAX_WHAT_IF_ITEMS}"))
    for list_name in ("add_people", "remove_people"):
        for i, name in enumerate(getattr(w, list_name)):
            bad += names.problems(partial(names.person_id, field=f"what_if.{list_name}[{i}]"), name)
    time_off: list[tuple[str, Period]] = []
    for i, off in enumerate(w.time_off):
        where = f"what_if.time_off[{i}]"
        bad += names.problems(partial(names.person_id, field=f"{where}.person"), off.person)
        first = _day(off.start_date, f"{where}.start_date", bad)
        last = _day(off.end_date, f"{where}.end_date", bad)
        if first and last:
            if last < first:
                bad.append(FieldViolation(f"{where}.end_date", "is before start_date"))
            else:
                time_off.append((off.person, Period(first, last)))
    deadline = _day(w.deadline, "what_if.deadline", bad) if w.deadline else None
    durations: dict[str, float] = {}
    for i, override in enumerate(w.durations):
        where = f"what_if.durations[{i}]"
        bad += names.problems(
            partial(names.child_id, collection="tasks", project=project, field=f"{where}.task"),
            override.task,
        )
        if not 0 < override.estimate_hours <= MAX_HOURS:
            bad.append(
                FieldViolation(
                    f"{where}.estimate_hours", f"must be more than 0, at most {MAX_HOURS:g}"
                )
            )
        durations[override.task] = override.estimate_hours
    return WhatIf(
        add_people=tuple(w.add_people),
        remove_people=tuple(w.remove_people),
        time_off=tuple(time_off),
        deadline=deadline,
        durations=durations,
    )


def problem_violations(
    violations: Sequence[FieldViolation], snapshot: Snapshot, *, plan: PlanRequest
) -> list[FieldViolation]:
    """The solver's complaints about fields of the problem, named after the request's fields
    where the request set them, else after core's resources that hold them."""
    out = []
    tasks = snapshot.problem.tasks
    people = snapshot.problem.people
    project = f"projects/{snapshot.project}"
    from_request = {
        "time_limit_s": "time_limit_seconds",
        "deadline": (
            "what_if.deadline"
            if plan.what_if is not None and plan.what_if.deadline is not None
            else "hard_deadline"
            if snapshot.problem.deadline is None
            else f"{project}.deadline"
        ),
    }
    for v in violations:
        field = from_request.get(v.field, v.field)
        if field.startswith("calendar."):
            field = f"{project}.{field}"
        match = re.match(r"^(tasks|people)\[(\d+)\](.*)$", field)
        if match:
            index = int(match[2])
            if match[1] == "tasks" and index < len(tasks):
                field = snapshot.tasks[tasks[index].id].name + match[3]
            elif match[1] == "people" and index < len(people):
                field = people[index].id + match[3]
        out.append(FieldViolation(field, v.description))
    return out


def proposal_record(
    snapshot: Snapshot,
    proposal: Proposal,
    *,
    requester: str,
    what_if: bool,
    workers: int,
) -> store.ProposalRecord:
    """The solver's answer as it is stored: items in start order, names as core's."""
    project = snapshot.project
    problem = snapshot.problem

    def task_name(task_id: str) -> str:
        return snapshot.tasks[task_id].name

    items = [
        _item(snapshot, plan)
        for plan in sorted(proposal.tasks, key=lambda p: (p.start, p.end, int(p.task_id)))
    ]
    diagnoses = [
        proposal_pb2.Diagnosis(
            code=d.code,
            message=d.message,
            tasks=[task_name(t) for t in d.task_ids if t in snapshot.tasks],
            people=list(d.person_ids),
        )
        for d in proposal.diagnosis
    ]
    feasible = proposal.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE) and (
        proposal.tasks or not problem.tasks
    )
    if not feasible and not diagnoses:
        diagnoses.append(
            proposal_pb2.Diagnosis(
                code="NO_PLAN_IN_TIME",
                message=(
                    f"No plan was found within {problem.time_limit_s:g} seconds "
                    f"(solver status {proposal.status.value}); allow more time or relax "
                    "the hard deadline."
                ),
            )
        )
    state = WHAT_IF if what_if else OPEN if feasible else INFEASIBLE
    changes = sum(1 for i in items if i.state == PENDING)
    solve = proposal_pb2.SolveSummary(
        status=proposal.status.value.replace("MODEL_INVALID", "INVALID"),
        objective=proposal.objective or 0.0,
        best_bound=proposal.best_bound or 0.0,
        gap=proposal.gap or 0.0,
        wall_seconds=round(proposal.wall_time_s, 3),
        workers=workers,
        solutions=proposal.solutions,
        changes=changes,
        late_days=sum(p.late_days for p in proposal.tasks),
        stages=[
            proposal_pb2.StageSummary(
                objective=OBJECTIVE_PROTOS[stage.objective],
                status=stage.status.value,
                value=stage.value,
                best_bound=stage.best_bound,
                gap=stage.gap,
                wall_seconds=round(stage.wall_time_s, 3),
                text=stage.text,
            )
            for stage in proposal.stages
        ],
    )
    loads = [
        proposal_pb2.PersonLoad(
            person=load.person_id,
            days=[
                proposal_pb2.DayLoad(
                    date=d.day.isoformat(), hours=d.hours, capacity=d.capacity_hours
                )
                for d in load.days
            ],
            overloaded_days=len(load.overloaded_days),
        )
        for load in proposal.people
    ]
    return store.ProposalRecord(
        project=project,
        requester=requester,
        state=state,
        what_if=what_if,
        duration_source=snapshot.duration_source,
        finish_date=proposal.finish if feasible else None,
        deadline=problem.deadline,
        critical_path=tuple(task_name(t) for t in proposal.critical_path),
        notes=snapshot.notes + _stage_notes(proposal),
        solve=_json(solve),
        loads=tuple(_json(x) for x in loads),
        diagnoses=tuple(_json(x) for x in diagnoses),
        items=tuple(items),
    )


def _stage_notes(proposal: Proposal) -> tuple[str, ...]:
    """Staged objectives in one sentence, in the order they were solved."""
    if not proposal.stages:
        return ()
    said = "; ".join(stage.text for stage in proposal.stages)
    return (f"Staged objectives, in order: {said}.",)


def _item(snapshot: Snapshot, plan: TaskPlan) -> store.ItemRecord:
    info = snapshot.tasks[plan.task_id]
    task = next(t for t in snapshot.problem.tasks if t.id == plan.task_id)
    assignee = plan.person_id or ""
    start, end = plan.start.isoformat(), plan.end.isoformat()
    # A crew is a set of people; its order only says who the assignee is.
    assignee_changed = assignee != info.assignee or (
        not task.pinned and set(plan.crew) != set(info.crew)
    )
    dates_changed = (start, end) != (info.planned_start, info.planned_end)
    reasons = [_reason(snapshot, plan)]
    if task.pinned:
        reasons = [proposal_pb2.Reason(kind=proposal_pb2.REASON_KIND_PINNED, text=info.pin_reason)]
    elif plan.reason.kind is not ReasonKind.SKILL_SCARCITY and task.required_skills:
        able = [p for p in snapshot.problem.people if qualified(p, task)]
        if len(able) == 1:
            skills = ", ".join(f"{r.skill} ≥ {r.min_level}" for r in task.required_skills)
            reasons.append(
                proposal_pb2.Reason(
                    kind=proposal_pb2.REASON_KIND_SKILL_SCARCITY,
                    text=f"Only {able[0].name} has {skills}.",
                    related=able[0].id,
                )
            )
    item = proposal_pb2.ProposalItem(
        title=info.title,
        assignee=assignee,
        start_date=start,
        end_date=end,
        current_assignee=info.assignee,
        current_start_date=info.planned_start,
        current_end_date=info.planned_end,
        assignee_changed=assignee_changed,
        dates_changed=dates_changed,
        reasons=reasons,
        slack_days=plan.slack_days,
        critical=plan.critical,
        late_days=plan.late_days,
        pinned=task.pinned,
        task_etag=info.etag,
        crew=plan.crew,
        current_crew=info.crew,
        pieces=[
            proposal_pb2.WorkPiece(start_date=p.start.isoformat(), end_date=p.end.isoformat())
            for p in plan.pieces
        ],
    )
    changed = (assignee_changed or dates_changed) and not task.pinned
    return store.ItemRecord(
        task=info.name, state=PENDING if changed else UNCHANGED, plan=_json(item)
    )


def _reason(snapshot: Snapshot, plan: TaskPlan) -> proposal_pb2.Reason:
    related = plan.reason.related_id or ""
    if related and not related.startswith("people/"):
        info = snapshot.tasks.get(related)
        related = info.name if info else ""
    return proposal_pb2.Reason(
        kind=REASON_KINDS.get(plan.reason.kind, proposal_pb2.REASON_KIND_UNSPECIFIED),
        text=plan.reason.text,
        related=related,
    )


def proposal(record: store.ProposalRecord) -> proposal_pb2.Proposal:
    created = timestamp_pb2.Timestamp()
    if record.create_time is not None:
        created.FromDatetime(record.create_time)
    items = [
        json_format.ParseDict(
            {**item.plan, "task": item.task, "state": f"ITEM_STATE_{item.state}"},
            proposal_pb2.ProposalItem(),
        )
        for item in record.items
    ]
    return proposal_pb2.Proposal(
        name=record.name,
        state=f"PROPOSAL_STATE_{record.state}",
        create_time=created,
        requester=record.requester,
        what_if=record.what_if,
        duration_source=f"DURATION_SOURCE_{record.duration_source}",
        items=items,
        loads=[json_format.ParseDict(x, proposal_pb2.PersonLoad()) for x in record.loads],
        critical_path=list(record.critical_path),
        solve=json_format.ParseDict(record.solve, proposal_pb2.SolveSummary()),
        diagnoses=[json_format.ParseDict(x, proposal_pb2.Diagnosis()) for x in record.diagnoses],
        finish_date=record.finish_date.isoformat() if record.finish_date else "",
        deadline=record.deadline.isoformat() if record.deadline else "",
        notes=list(record.notes),
        risk_forecast=(
            None
            if record.risk_forecast is None
            else json_format.ParseDict(record.risk_forecast, proposal_pb2.PlanForecast())
        ),
        confidence=(
            None
            if record.confidence is None
            else json_format.ParseDict(record.confidence, proposal_pb2.ConfidencePlan())
        ),
    )


def item_field(item: store.ItemRecord, key: str) -> Any:
    """One field of a stored item's plan, with the proto default when absent."""
    default = proposal_pb2.ProposalItem.DESCRIPTOR.fields_by_name[key].default_value
    return item.plan.get(key, default)


def forecast_json(forecast: proposal_pb2.PlanForecast) -> dict[str, Any]:
    """A plan's forecast as it is stored with its proposal."""
    return _json(forecast)


def confidence_json(plan: proposal_pb2.ConfidencePlan) -> dict[str, Any]:
    """How a plan was made to a chance of the deadline, as it is stored with its proposal."""
    return _json(plan)


def _json(message: Message) -> dict[str, Any]:
    return json_format.MessageToDict(message, preserving_proto_field_name=True)
