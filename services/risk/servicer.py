"""planops.risk.v1.RiskService: proto in, risk's tables and model, proto out."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import Executor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import grpc
import numpy as np
from planops.core.v1 import project_pb2, project_service_pb2, task_pb2, task_service_pb2
from planops.risk.v1 import risk_pb2, risk_service_pb2

from services.common import names, paging
from services.common.auth import current_principal
from services.common.core_client import ROLE_NAMES, CoreClient, translate
from services.common.db import connection
from services.common.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    PermissionDenied,
)
from services.common.server import Context
from services.common.workcal import WorkingCalendar
from services.risk import convert, store, workdays
from services.risk import model as risk_model
from services.risk.consumer import rebuild
from services.risk.features import FeatureMatrix, task_feature_matrix
from services.risk.forecast import (
    Dependency,
    DependencyType,
    ForecastError,
    ForecastTask,
    forecast_project,
)
from services.risk.model import (
    ModelError,
    RiskModel,
    RiskPrediction,
    TrainingConfig,
    auc,
    train_risk_model,
)

log = logging.getLogger(__name__)

ANY_ROLE = tuple(ROLE_NAMES.values())
MIN_TRAINING_TASKS = 20
# Without `force`, training waits until this many more tasks finished than the active model saw.
RETRAIN_AFTER = 50
DEPENDENCY_KINDS = {
    task_pb2.DEPENDENCY_TYPE_FINISH_TO_START: DependencyType.FINISH_TO_START,
    task_pb2.DEPENDENCY_TYPE_START_TO_START: DependencyType.START_TO_START,
    task_pb2.DEPENDENCY_TYPE_FINISH_TO_FINISH: DependencyType.FINISH_TO_FINISH,
    task_pb2.DEPENDENCY_TYPE_START_TO_FINISH: DependencyType.START_TO_FINISH,
}


def training_config(rows: int) -> TrainingConfig:
    """Smaller leaves for a small history, so a young installation still learns something."""
    return TrainingConfig(min_samples_leaf=max(5, min(40, rows // 20)), max_iter=150)


class RiskServicer:
    def __init__(
        self, *, pool: store.Pool, core: CoreClient, scorer: store.Scorer, executor: Executor
    ) -> None:
        self.pool = pool
        self.core = core
        self.scorer = scorer
        self.executor = executor
        self._training = asyncio.Lock()
        # Called with the version of a newly activated model (the consumer re-scores open work).
        self.on_activated: Callable[[str], Coroutine[Any, Any, object]] | None = None
        self._background: set[asyncio.Task[object]] = set()

    async def _member(self, project: str) -> None:
        await self.core.require_role(current_principal(), project, ANY_ROLE)

    async def _row(self, name: str) -> convert.TaskRow:
        async with connection(self.pool) as conn:
            found = await store.rows(conn, "task = %s", (name,))
            if found:
                return found[0]
            cats = await store.categories(conn, name.split("/")[1])
        try:
            reply = await self.core.tasks.GetTask(
                task_service_pb2.GetTaskRequest(name=name),
                metadata=self.core.metadata(),
                timeout=self.core.timeout,
            )
        except grpc.RpcError as error:
            raise translate(error, what=f"reading {name}") from error
        return convert.task_row(reply.task, categories=cats)

    async def _risks(self, rows: list[convert.TaskRow]) -> list[risk_pb2.TaskRisk]:
        now = datetime.now(UTC)
        async with connection(self.pool) as conn:
            predictions, cals = await self.scorer.score_on_calendars(conn, rows, now=now)
        return [
            convert.task_risk(
                r,
                p,
                today=now.date(),
                cal=convert.calendar_for(cals, r.project),
                scored=now,
            )
            for r, p in zip(rows, predictions, strict=True)
        ]

    async def GetTaskRisk(
        self, request: risk_service_pb2.GetTaskRiskRequest, context: Context
    ) -> risk_service_pb2.GetTaskRiskResponse:
        project, _ = names.child_id(request.task, collection="tasks", field="task")
        await self._member(project)
        row = await self._row(request.task)
        (risk,) = await self._risks([row])
        return risk_service_pb2.GetTaskRiskResponse(risk=risk)

    async def ListTaskRisks(
        self, request: risk_service_pb2.ListTaskRisksRequest, context: Context
    ) -> risk_service_pb2.ListTaskRisksResponse:
        project = names.project_id(request.project, field="project")
        size = paging.page_size(request.page_size, default=20, largest=500)
        await self._member(project)
        async with connection(self.pool) as conn:
            rows = await store.rows(
                conn,
                "project = %s AND NOT imported AND category IN ('planned', 'active', 'blocked')",
                (project,),
            )
        risks = await self._risks(rows)
        risks.sort(key=lambda r: (-r.probability_late, -r.expected_delay_days, r.task))
        return risk_service_pb2.ListTaskRisksResponse(risks=risks[:size])

    async def ForecastProject(
        self, request: risk_service_pb2.ForecastProjectRequest, context: Context
    ) -> risk_service_pb2.ForecastProjectResponse:
        project = names.project_id(request.project, field="project")
        problems = []
        if request.samples and not 100 <= request.samples <= 20_000:
            problems.append(FieldViolation("samples", "must be from 100 to 20,000 (0: 2,000)"))
        deadline = convert.parse_day(request.deadline)
        if request.deadline and deadline is None:
            problems.append(FieldViolation("deadline", "must be a date, YYYY-MM-DD"))
        plan, plan_problems = convert.plan_changes(request.plan, project=project)
        problems += plan_problems
        if problems:
            raise InvalidArgument.of(problems)
        await self._member(project)
        return risk_service_pb2.ForecastProjectResponse(
            forecast=await self.forecast(
                project, samples=request.samples or 2000, deadline=deadline, plan=plan
            )
        )

    async def forecast(
        self,
        project: str,
        *,
        samples: int = 2000,
        deadline: date | None = None,
        plan: Mapping[str, convert.PlanChange] | None = None,
    ) -> risk_pb2.ProjectForecast:
        """Monte Carlo finish dates of the project's open work (FailedPrecondition if none),
        on the stored plan or with `plan`'s dates and assignees in its place."""
        info, tasks, deps = await self._snapshot(project)
        cats = {
            s.id: convert.CATEGORY_NAMES.get(s.category, "planned") for s in info.workflow.states
        }
        rows = [convert.task_row(t, categories=cats) for t in tasks]
        open_rows = [r for r in rows if r.is_open]
        today = datetime.now(UTC).date()
        cal = convert.project_calendar(info.calendar)
        if not open_rows:
            raise FailedPrecondition(
                f"projects/{project} has no open tasks to forecast", reason="NOTHING_TO_FORECAST"
            )
        plan = plan or {}
        unknown = sorted(set(plan) - {r.task for r in open_rows})
        if unknown:
            index = {e: i for i, e in enumerate(plan)}
            raise InvalidArgument.of(
                [
                    FieldViolation(f"plan[{index[t]}].task", "is not an open task of the project")
                    for t in unknown[:20]
                ]
            )
        async with connection(self.pool) as conn:
            held = {r.task: r for r in await store.rows(conn, "project = %s", (project,))}
            merged = [
                replace(held[r.task], category=r.category, title=r.title) if r.task in held else r
                for r in open_rows
            ]
            merged = [with_plan(r, plan[r.task]) if r.task in plan else r for r in merged]
            predictions = await self.scorer.score(conn, merged)
        start = max(today, convert.parse_day(info.start_date) or today)
        forecast_tasks = [
            forecast_task(row, p, cal=cal, today=today, start=start)
            for row, p in zip(merged, predictions, strict=True)
        ]
        ids = {t.task_id for t in forecast_tasks}
        edges = [
            Dependency(
                d.predecessor,
                d.successor,
                DEPENDENCY_KINDS.get(d.type, DependencyType.FINISH_TO_START),
                float(d.lag_days),
            )
            for d in deps
            if d.predecessor in ids and d.successor in ids
        ]
        target = deadline or convert.parse_day(info.deadline)
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(
                self.executor,
                lambda: forecast_project(
                    tasks=forecast_tasks,
                    dependencies=edges,
                    start=start,
                    calendar=cal.add_working_days,
                    deadline=target,
                    samples=samples,
                ),
            )
        except ForecastError as error:
            raise FailedPrecondition(str(error), reason="DEPENDENCY_CYCLE") from error
        titles = {r.task: r.title for r in merged}
        model = await self.scorer.current()
        return risk_pb2.ProjectForecast(
            project=f"projects/{project}",
            deadline=target.isoformat() if target else "",
            probability_on_time=(1.0 if result.p_meet_deadline is None else result.p_meet_deadline),
            finish_p50_date=result.finish_p50.isoformat(),
            finish_p80_date=result.finish_p80.isoformat(),
            finish_p95_date=result.finish_p95.isoformat(),
            critical_tasks=[
                risk_pb2.CriticalTask(
                    task=c.task_id, title=titles.get(c.task_id, ""), criticality=c.index
                )
                for c in result.critical_tasks
            ],
            samples=samples,
            model_version=model.version.version if model else "prior",
            forecast_time=convert.timestamp(datetime.now(UTC)),
        )

    async def _snapshot(
        self, project: str
    ) -> tuple[project_pb2.Project, list[task_pb2.Task], list[task_pb2.Dependency]]:
        md = self.core.metadata()
        name = f"projects/{project}"
        try:
            info = await self.core.projects.GetProject(
                project_service_pb2.GetProjectRequest(name=name),
                metadata=md,
                timeout=self.core.timeout,
            )
            tasks: list[task_pb2.Task] = []
            token = ""
            while True:
                page = await self.core.tasks.ListTasks(
                    task_service_pb2.ListTasksRequest(parent=name, page_size=500, page_token=token),
                    metadata=md,
                    timeout=self.core.timeout,
                )
                tasks += page.tasks
                token = page.next_page_token
                if not token:
                    break
            deps: list[task_pb2.Dependency] = []
            while True:
                dpage = await self.core.tasks.ListDependencies(
                    task_service_pb2.ListDependenciesRequest(
                        parent=name, page_size=500, page_token=token
                    ),
                    metadata=md,
                    timeout=self.core.timeout,
                )
                deps += dpage.dependencies
                token = dpage.next_page_token
                if not token:
                    break
        except grpc.RpcError as error:
            raise translate(error, what=f"reading {name} from core") from error
        return info.project, tasks, deps

    async def ListAlerts(
        self, request: risk_service_pb2.ListAlertsRequest, context: Context
    ) -> risk_service_pb2.ListAlertsResponse:
        project = names.project_id(request.project, field="project")
        size = paging.page_size(request.page_size)
        after = paging.decode(request.page_token, query=["alerts", project], shape=[paging.integer])
        await self._member(project)
        found = await store.list_alerts(
            self.pool, project=project, limit=size + 1, before_id=after[0] if after else None
        )
        found, token = paging.page(
            found, size, key=lambda last: [last.id], query=["alerts", project]
        )
        return risk_service_pb2.ListAlertsResponse(
            alerts=[convert.alert_proto(r) for r in found], next_page_token=token
        )

    async def TrainModel(
        self, request: risk_service_pb2.TrainModelRequest, context: Context
    ) -> risk_service_pb2.TrainModelResponse:
        if not current_principal().admin:
            raise PermissionDenied("training a model needs an admin key", reason="ADMIN_REQUIRED")
        return await self.train(force=request.force)

    async def train(self, *, force: bool) -> risk_service_pb2.TrainModelResponse:
        """Train on the finished history held; activate the model if it beats the active one.

        Without `force`, a model is retrained only once RETRAIN_AFTER more tasks finished.
        """
        async with self._training:
            async with connection(self.pool) as conn:
                finished = await store.rows(
                    conn, "category = 'done' AND finished_on IS NOT NULL", ()
                )
                graph = await store.graph_of(conn, {r.project for r in finished})
                projects = {r.project for r in finished}
                cals, categories = await store.project_context(conn, projects)
                changes = await store.changes_of(conn, [r.task for r in finished])
            current = await self.scorer.current()
            if (
                current is not None
                and not force
                and len(finished) < (current.version.tasks or current.version.rows) + RETRAIN_AFTER
            ):
                seen = current.version.tasks or current.version.rows
                raise FailedPrecondition(
                    f"only {len(finished) - seen} tasks finished since the active"
                    f" model; retraining waits for {RETRAIN_AFTER} (or pass force)",
                    reason="TOO_LITTLE_NEW_HISTORY",
                )
            loop = asyncio.get_running_loop()
            started = time.monotonic()
            log.info("training: %d finished tasks held; building features", len(finished))
            data = await loop.run_in_executor(
                self.executor,
                lambda: store.training_set(
                    finished, graph, cals, changes=changes, categories=categories
                ),
            )
            if len(data.histories) < MIN_TRAINING_TASKS:
                raise FailedPrecondition(
                    f"need at least {MIN_TRAINING_TASKS} finished tasks with due dates to train,"
                    f" have {len(data.histories)}",
                    reason="TOO_LITTLE_HISTORY",
                )
            log.info(
                "training on %d tasks (%d late)",
                len(data.histories),
                int((data.delay_days > 0).sum()),
            )
            name = f"risk-{datetime.now(UTC).isoformat(timespec='seconds').replace('+00:00', 'Z')}"
            try:
                model = await loop.run_in_executor(
                    self.executor,
                    lambda: train_risk_model(
                        features=without_empty_columns(task_feature_matrix(data.histories)),
                        delay_days=data.delay_days,
                        opened_day=data.opened_day,
                        name=name,
                        config=training_config(len(data.histories)),
                        tasks=data.tasks,
                    ),
                )
            except ModelError as error:
                raise FailedPrecondition(str(error), reason="CANNOT_TRAIN") from error
            log.info(
                "trained %s in %.1f s: holdout AUC %.3f, ECE %.3f",
                model.version.version,
                time.monotonic() - started,
                model.version.holdout.auc,
                model.version.holdout.ece,
            )
            activate, reason = await loop.run_in_executor(
                self.executor, activation, model, current, data
            )
            await store.save_model(self.pool, model, activate=activate)
            if activate:
                self.scorer.activate(model)
                if self.on_activated is not None:
                    job: asyncio.Task[object] = asyncio.create_task(
                        self.on_activated(model.version.version)
                    )
                    self._background.add(job)
                    job.add_done_callback(self._background.discard)
            log.info("model %s %s", model.version.version, reason)
            return risk_service_pb2.TrainModelResponse(
                model=convert.model_message(
                    model.version, active=activate, trained=datetime.now(UTC)
                ),
                activated=activate,
                reason=reason,
            )

    async def RebuildHistory(
        self, request: risk_service_pb2.RebuildHistoryRequest, context: Context
    ) -> risk_service_pb2.RebuildHistoryResponse:
        if not current_principal().admin:
            raise PermissionDenied("rebuilding history needs an admin key", reason="ADMIN_REQUIRED")
        if len(request.projects) > 1000:
            raise InvalidArgument.field("projects", "must name at most 1000 projects")
        projects = [
            names.project_id(name, field=f"projects[{i}]")
            for i, name in enumerate(request.projects)
        ]
        loaded = await rebuild(self.core, self.pool, projects=projects)
        log.info("rebuilt history: %d tasks from %s", loaded, projects or "every project")
        return risk_service_pb2.RebuildHistoryResponse(tasks=loaded)

    async def ListModels(
        self, request: risk_service_pb2.ListModelsRequest, context: Context
    ) -> risk_service_pb2.ListModelsResponse:
        size = paging.page_size(request.page_size, default=20, largest=100)
        found = await store.list_models(self.pool, limit=size)
        loop = asyncio.get_running_loop()
        models = []
        for r in found:
            loaded: RiskModel = await loop.run_in_executor(
                self.executor, risk_model.loads, bytes(r.blob)
            )
            models.append(
                convert.model_message(loaded.version, active=r.active, trained=r.train_time)
            )
        return risk_service_pb2.ListModelsResponse(models=models)


def with_plan(row: convert.TaskRow, change: convert.PlanChange) -> convert.TaskRow:
    """The task as a what-if plan has it: new dates, and the new assignee if one is named."""
    return replace(
        row,
        planned_start=change.planned_start,
        planned_end=change.planned_end,
        assignee=change.assignee or row.assignee,
    )


def forecast_task(
    row: convert.TaskRow,
    prediction: RiskPrediction,
    *,
    cal: WorkingCalendar,
    today: date,
    start: date | None = None,
) -> ForecastTask:
    """The task's remaining duration for the Monte Carlo forecast.

    The prior knows the duration's own distribution, early side included, and gives it
    whole. A model knows the delay past the due date: the remaining plan, late in a p_late
    share of the samples by the model's delay given late.
    """
    # Work not started waits for its planned start (working days before it, from `start`).
    release = 0.0
    first = start or today
    if row.started_on is None and row.planned_start is not None and row.planned_start > first:
        release = float(workdays.inclusive(cal, first, row.planned_start - timedelta(days=1)))
    if prediction.duration_p50_days is not None and prediction.duration_p90_days is not None:
        p50 = prediction.duration_p50_days
        return ForecastTask(
            row.task,
            p50_days=p50,
            p90_days=max(prediction.duration_p90_days, p50),
            release_days=release,
        )
    remaining = row.planned_days(cal) or 1.0
    if row.started_on:
        remaining = max(remaining - workdays.after(cal, row.started_on, today), 0.5)
    if prediction.late_delay_mu is not None and prediction.late_delay_sigma is not None:
        return ForecastTask(
            row.task,
            p50_days=remaining,
            p90_days=remaining,
            p_late=min(max(prediction.p_late, 0.0), 1.0),
            late_mu=prediction.late_delay_mu,
            late_sigma=max(prediction.late_delay_sigma, 0.0),
            release_days=release,
        )
    return ForecastTask(
        row.task,
        p50_days=remaining + prediction.delay_p50_days,
        p90_days=remaining + max(prediction.delay_p90_days, prediction.delay_p50_days),
        release_days=release,
    )


def without_empty_columns(features: FeatureMatrix) -> FeatureMatrix:
    """All-missing columns as zeros: scikit-learn cannot bin a column with no values, and a
    constant column is never split on, so scoring a missing value later changes nothing."""
    values = features.values.copy()
    empty = np.isnan(values).all(axis=0)
    values[:, empty] = 0.0
    return FeatureMatrix(values, features.names, features.categorical, features.groups)


def activation(
    model: RiskModel, current: RiskModel | None, data: store.TrainingSet
) -> tuple[bool, str]:
    """Whether the new model should score requests, and why in words.

    With no active model it must beat the base rate on the latest slice: a ranking better
    than chance, and a lower Brier score than predicting the late share, both cross-fitted
    on the same halves of the slice (each calibrated or counted on the other half). A slice
    whose halves do not each hold late and on-time tasks cannot show that, so the prior
    stays. With an active model, the new one must rank the slice at least as well.
    """
    holdout = model.version.holdout
    if current is None:
        base = holdout.base_brier
        if math.isnan(base):
            base = holdout.late_share * (1 - holdout.late_share)
        scores = f"holdout Brier {holdout.brier:.3f} against {base:.3f} for the base rate"
        if not holdout.judgeable:
            return False, (
                f"kept inactive: the latest {holdout.rows} tasks are too few to show it beats"
                " the base rate (each half needs late and on-time tasks); the prior stays"
            )
        if holdout.auc > 0.5 and holdout.brier < base:
            return True, f"now active: {scores}"
        return False, f"kept inactive: it does not beat the base rate ({scores}); the prior stays"
    order = np.argsort(data.opened_day, kind="stable")
    cut = int(len(order) * (1 - model.version.config.validation_fraction))
    check = order[cut:]
    late = data.delay_days[check] > 0
    active = current.version.version
    if late.all() or not late.any():
        if holdout.auc > 0.5:
            return True, "now active: the latest tasks were all late or all on time"
        return False, f"kept inactive: {active} stays active"
    rows = task_feature_matrix([data.histories[i] for i in check])
    try:
        theirs = auc(current.score(rows).p_late, late)
    except ModelError:
        return True, f"now active: {active} cannot score the current features"
    scores = f"holdout AUC {holdout.auc:.3f} against {theirs:.3f} for {active}"
    if holdout.auc >= theirs:
        return True, f"now active: {scores}"
    return False, f"kept inactive: it does not beat the active model ({scores})"


def beats(model: RiskModel, current: RiskModel | None, data: store.TrainingSet) -> bool:
    """Better than the base rate (no model) or than the active model on the latest slice."""
    return activation(model, current, data)[0]
