"""planops.planner.v1.PlannerService: proto in, snapshot and solver, proto out."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import time
from concurrent.futures import Executor
from dataclasses import replace
from importlib import metadata

import grpc
from google.protobuf import field_mask_pb2
from planops.core.v1 import task_pb2, task_service_pb2
from planops.planner.v1 import planner_service_pb2, planner_service_pb2_grpc, proposal_pb2
from psycopg_pool import AsyncConnectionPool

from services.common import metrics, names, paging
from services.common.auth import current_principal
from services.common.core_client import CoreClient, translate
from services.common.db import Connection, connection, transaction
from services.common.errors import (
    DeadlineExceeded,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
)
from services.common.server import Context
from services.planner import confidence, convert, forecast, snapshot, store
from services.planner.fairqueue import FairQueue, Refused
from services.planner.model import Progress, Proposal
from services.planner.solver import InvalidProblem, Stop, solve

log = logging.getLogger(__name__)

MODEL_VERSION = f"planner-cpsat-{metadata.version('ortools')}"
PROPOSERS = ("manager", "reviewer")
DECIDERS = ("manager",)
MEMBERS = ("manager", "executor", "reviewer", "viewer")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Kept back from the caller's deadline for storing and answering after the solve.
DEADLINE_MARGIN_S = 1.0
# What a caller refused by the solve queue is told to wait before trying again.
QUEUE_RETRY_S = 5.0
ACCEPTABLE = (convert.OPEN, convert.PARTIALLY_ACCEPTED)


class PlannerServicer(planner_service_pb2_grpc.PlannerServiceServicer):
    def __init__(
        self,
        *,
        pool: AsyncConnectionPool[Connection],
        core: CoreClient,
        executor: Executor,
        queue: FairQueue,
        workers: int,
        max_tasks: int,
        risk: grpc.aio.Channel | None = None,
    ) -> None:
        self.pool = pool
        self.core = core
        self.executor = executor
        self.queue = queue
        self.workers = workers
        self.max_tasks = max_tasks
        self.risk = risk

    async def ProposeSchedule(
        self, request: planner_service_pb2.ProposeScheduleRequest, context: Context
    ) -> planner_service_pb2.ProposeScheduleResponse:
        plan = convert.plan_request(request)
        principal = current_principal()
        await self.core.require_role(principal, plan.project, PROPOSERS)
        async with connection(self.pool) as conn:
            earlier = await store.proposal_by_request(conn, plan.project, request.request_id)
        if earlier is not None:
            return planner_service_pb2.ProposeScheduleResponse(proposal=convert.proposal(earlier))
        try:
            async with self.queue.slot(caller=principal.principal, project=plan.project):
                # The snapshot is read once a solver is free, so the plan is of the project
                # as it is when solving starts, and the wait counts against the deadline.
                if plan.target_probability:
                    record = await self._to_target(plan, context=context)
                else:
                    found = await self._read(plan, source=plan.duration_source)
                    record = await self._plan(found, plan=plan, context=context)
        except Refused as refused:
            metrics.observe_solve_refused(reason=refused.reason)
            raise ResourceExhausted(
                str(refused), reason=refused.reason, retry_after_seconds=QUEUE_RETRY_S
            ) from refused
        if not plan.target_probability:
            # Asked once the solver is free again: risk's forecast needs no solver slot.
            risk = await self._forecast(record, context=context)
            record = replace(record, risk_forecast=convert.forecast_json(risk))
        async with transaction(self.pool) as conn:
            stored = await store.insert_proposal(conn, record, request_id=request.request_id)
        log.info("proposed %s: %s, %d items", stored.name, stored.state, len(stored.items))
        return planner_service_pb2.ProposeScheduleResponse(proposal=convert.proposal(stored))

    async def _read(self, plan: snapshot.PlanRequest, *, source: str) -> snapshot.Snapshot:
        return await snapshot.read(
            self.core,
            replace(plan, duration_source=source),
            max_tasks=self.max_tasks,
            risk=self.risk,
        )

    async def _plan(
        self, found: snapshot.Snapshot, *, plan: snapshot.PlanRequest, context: Context
    ) -> store.ProposalRecord:
        """Solve `found` within the call's time and return the proposal as it would be stored."""
        problem = replace(
            found.problem,
            time_limit_s=self._time_limit(plan.time_limit_s, context),
            num_workers=self.workers,
        )
        found = replace(found, problem=problem)
        result = await self._solve(found, plan=plan)
        return convert.proposal_record(
            found,
            result,
            requester=current_principal().principal,
            what_if=plan.what_if is not None,
            workers=self.workers,
        )

    async def _forecast(
        self, record: store.ProposalRecord, *, context: Context
    ) -> proposal_pb2.PlanForecast:
        return await forecast.of_plan(
            self.risk, core=self.core, record=record, seconds=self._forecast_time(context)
        )

    async def _to_target(
        self, plan: snapshot.PlanRequest, *, context: Context
    ) -> store.ProposalRecord:
        """The plan with the asked chance of the deadline, or the closest with what it would
        take (see `confidence`); every plan is forecast while the solver slot is held."""

        async def read(source: str) -> snapshot.Snapshot:
            return await self._read(plan, source=source)

        async def attempt(found: snapshot.Snapshot) -> confidence.Attempt:
            record = await self._plan(found, plan=plan, context=context)
            return confidence.Attempt(
                found=found, record=record, forecast=await self._forecast(record, context=context)
            )

        found = await read(confidence.sources_to_try(plan.duration_source)[0])
        if found.problem.deadline is None:
            raise FailedPrecondition(
                f"projects/{plan.project} has no deadline, so there is no chance of meeting one"
                " to plan for; set the project's deadline or what_if.deadline",
                reason="NO_DEADLINE",
            )
        kept, made = await confidence.to_target(
            plan.target_probability, first=await attempt(found), read=read, attempt=attempt
        )
        return replace(
            kept.record,
            risk_forecast=convert.forecast_json(kept.forecast),
            confidence=convert.confidence_json(made),
        )

    @staticmethod
    def _time_limit(asked: float, context: Context) -> float:
        remaining = context.time_remaining()
        if remaining is None:
            return asked
        limit = min(asked, remaining - DEADLINE_MARGIN_S)
        if limit < 0.5:
            raise DeadlineExceeded(
                "the call's deadline leaves no time to solve; allow a few more seconds",
                reason="NO_TIME_TO_SOLVE",
            )
        return limit

    @staticmethod
    def _forecast_time(context: Context) -> float:
        remaining = context.time_remaining()
        if remaining is None:
            return forecast.TIMEOUT_S
        return min(forecast.TIMEOUT_S, remaining - DEADLINE_MARGIN_S)

    async def _solve(self, found: snapshot.Snapshot, *, plan: snapshot.PlanRequest) -> Proposal:
        """CP-SAT in a worker thread (it releases the GIL), so the loop keeps serving."""
        project = found.project
        tasks = len(found.problem.tasks)

        def progress(p: Progress) -> None:
            log.info(
                "solving %s (%d tasks): solution %d, objective %.0f, bound %.0f, %.1f s",
                project,
                tasks,
                p.solutions,
                p.objective,
                p.best_bound,
                p.elapsed_s,
            )

        # The copied context carries the request id into the solver thread's log lines.
        stop = Stop()
        run = functools.partial(
            contextvars.copy_context().run,
            functools.partial(solve, found.problem, progress=progress, stop=stop),
        )
        started = time.monotonic()
        solving = asyncio.get_running_loop().run_in_executor(self.executor, run)
        try:
            result = await asyncio.shield(solving)
        except asyncio.CancelledError:
            # The call was cancelled or ran out of time: stop the search, and hold the
            # solver slot until the thread has really let go of it.
            stop.set()
            with contextlib.suppress(Exception):
                await solving
            log.info("stopped solving %s: the call ended", project)
            raise
        except InvalidProblem as error:
            raise InvalidArgument.of(
                convert.problem_violations(
                    [FieldViolation(v.field, v.description) for v in error.violations],
                    found,
                    plan=plan,
                )
            ) from error
        elapsed = time.monotonic() - started
        metrics.observe_solve(status=result.status.value, seconds=elapsed, gap=result.gap)
        log.info("solved %s in %.2f s: %s", project, elapsed, result.status)
        return result

    async def GetProposal(
        self, request: planner_service_pb2.GetProposalRequest, context: Context
    ) -> planner_service_pb2.GetProposalResponse:
        project, proposal_id = names.child_id(request.name, collection="proposals")
        await self.core.require_role(current_principal(), project, MEMBERS)
        async with connection(self.pool) as conn:
            found = await store.get_proposal(conn, project, proposal_id)
        if found is None:
            raise NotFound(f"{request.name} does not exist", reason="PROPOSAL_NOT_FOUND")
        return planner_service_pb2.GetProposalResponse(proposal=convert.proposal(found))

    async def ListProposals(
        self, request: planner_service_pb2.ListProposalsRequest, context: Context
    ) -> planner_service_pb2.ListProposalsResponse:
        project = names.project_id(request.parent, field="parent")
        size = paging.page_size(request.page_size, default=DEFAULT_PAGE_SIZE, largest=MAX_PAGE_SIZE)
        after = paging.decode(
            request.page_token, query=["proposals", project], shape=[paging.integer]
        )
        await self.core.require_role(current_principal(), project, MEMBERS)
        async with connection(self.pool) as conn:
            rows = await store.list_proposals(
                conn, project, before_id=after[0] if after else None, limit=size + 1
            )
        rows, token = paging.page(
            rows, size, key=lambda last: [last.id], query=["proposals", project]
        )
        return planner_service_pb2.ListProposalsResponse(
            proposals=[convert.proposal(r) for r in rows], next_page_token=token
        )

    async def AcceptProposal(
        self, request: planner_service_pb2.AcceptProposalRequest, context: Context
    ) -> planner_service_pb2.AcceptProposalResponse:
        project, proposal_id = names.child_id(request.name, collection="proposals")
        principal = current_principal()
        await self.core.require_role(principal, project, DECIDERS)
        accepted: list[str] = []
        stale: list[str] = []
        failure: Exception | None = None
        # The proposal row stays locked while its items are written, so two overlapping
        # accepts cannot write one item twice.
        async with transaction(self.pool) as conn:
            record = await store.get_proposal(conn, project, proposal_id, lock=True)
            if record is None:
                raise NotFound(f"{request.name} does not exist", reason="PROPOSAL_NOT_FOUND")
            if record.state not in ACCEPTABLE:
                raise FailedPrecondition(
                    f"{request.name} is {record.state.lower().replace('_', '-')}; only an open "
                    "proposal can be accepted",
                    reason="PROPOSAL_NOT_OPEN",
                )
            items = {item.task: item for item in record.items}
            unknown = [
                FieldViolation(f"tasks[{i}]", f"{request.name} has no item for {task}")
                for i, task in enumerate(request.tasks)
                if task not in items
            ]
            if unknown:
                raise InvalidArgument.of(unknown)
            wanted = set(request.tasks) or set(items)
            chosen = [i for i in record.items if i.task in wanted and i.state == convert.PENDING]
            headers = self.core.metadata(
                on_behalf_of=principal.principal,
                reference=record.name,
                model_version=MODEL_VERSION,
            )
            states: dict[str, str] = {}
            for item in chosen:
                try:
                    written = await self._write(item, headers)
                except Exception as error:  # recorded below; what was written stays written
                    failure = error
                    break
                states[item.task] = convert.ACCEPTED if written else convert.STALE
                (accepted if written else stale).append(item.task)
            await store.set_item_states(conn, proposal_id, states)
            after = {i.task: states.get(i.task, i.state) for i in record.items}
            if any(s == convert.ACCEPTED for s in after.values()):
                done = all(s in (convert.ACCEPTED, convert.UNCHANGED) for s in after.values())
                state = convert.ACCEPTED if done else convert.PARTIALLY_ACCEPTED
                await store.set_state(
                    conn, proposal_id, state=state, decided_by=principal.principal
                )
            record = await store.get_proposal(conn, project, proposal_id)
        if failure is not None:
            raise failure
        assert record is not None
        log.info("%s accepted %d items, %d stale", record.name, len(accepted), len(stale))
        return planner_service_pb2.AcceptProposalResponse(
            proposal=convert.proposal(record), accepted=accepted, stale=stale
        )

    async def _write(self, item: store.ItemRecord, headers: tuple[tuple[str, str], ...]) -> bool:
        """Write one item to core; False when the task changed since the proposal."""
        try:
            current = await self.core.tasks.GetTask(
                task_service_pb2.GetTaskRequest(name=item.task),
                metadata=self.core.metadata(),
                timeout=self.core.timeout,
            )
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return False
            raise translate(error, what=f"reading {item.task}") from error
        etag = convert.item_field(item, "task_etag")
        if current.task.etag != etag:
            return False
        update = task_service_pb2.UpdateTaskRequest(
            task=task_pb2.Task(
                name=item.task,
                assignee=convert.item_field(item, "assignee"),
                planned_start=convert.item_field(item, "start_date"),
                planned_end=convert.item_field(item, "end_date"),
                crew=convert.item_field(item, "crew"),
                etag=etag,
            ),
            update_mask=field_mask_pb2.FieldMask(
                paths=["assignee", "planned_start", "planned_end", "crew"]
            ),
        )
        try:
            await self.core.tasks.UpdateTask(update, metadata=headers, timeout=self.core.timeout)
        except grpc.RpcError as error:
            if error.code() in (grpc.StatusCode.ABORTED, grpc.StatusCode.NOT_FOUND):
                return False
            raise translate(error, what=f"writing {item.task} to core") from error
        return True

    async def RejectProposal(
        self, request: planner_service_pb2.RejectProposalRequest, context: Context
    ) -> planner_service_pb2.RejectProposalResponse:
        project, proposal_id = names.child_id(request.name, collection="proposals")
        if len(request.reason) > convert.MAX_REASON:
            raise InvalidArgument.field("reason", f"at most {convert.MAX_REASON} characters")
        principal = current_principal()
        await self.core.require_role(principal, project, DECIDERS)
        async with transaction(self.pool) as conn:
            record = await store.get_proposal(conn, project, proposal_id, lock=True)
            if record is None:
                raise NotFound(f"{request.name} does not exist", reason="PROPOSAL_NOT_FOUND")
            if record.state not in ACCEPTABLE:
                raise FailedPrecondition(
                    f"{request.name} is {record.state.lower().replace('_', '-')}; only an open "
                    "proposal can be rejected",
                    reason="PROPOSAL_NOT_OPEN",
                )
            await store.set_item_states(
                conn,
                proposal_id,
                {i.task: convert.REJECTED for i in record.items if i.state == convert.PENDING},
            )
            note = f"Rejected by {principal.principal}" + (
                f": {request.reason}" if request.reason else "."
            )
            await store.set_state(
                conn,
                proposal_id,
                state=convert.REJECTED,
                decided_by=principal.principal,
                notes=[note],
            )
            record = await store.get_proposal(conn, project, proposal_id)
        assert record is not None
        return planner_service_pb2.RejectProposalResponse(proposal=convert.proposal(record))
