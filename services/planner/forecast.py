"""The risk service's forecast of a proposal's plan, or in words why there is none.

A plan's finish assumes every task takes its planned duration; the forecast says how likely
that is, so a manager reads both side by side. The planner answers without risk: every way
the forecast can fail becomes a reason on the proposal, never an error of the call.
"""

from __future__ import annotations

import logging

import grpc
from planops.planner.v1 import proposal_pb2
from planops.risk.v1 import risk_service_pb2, risk_service_pb2_grpc

from services.common.core_client import CoreClient
from services.planner import convert, store

log = logging.getLogger(__name__)

# Risk simulates 2,000 outcomes of up to a few thousand tasks; this is ample for that.
TIMEOUT_S = 10.0
# Less than this left of the caller's deadline is not worth a call to risk.
SHORTEST_S = 0.5

NOT_CONFIGURED = "The risk service is not configured, so this plan has no forecast."
NO_PLAN = "There is no plan to forecast."
NO_TIME = "The call's deadline left no time to ask the risk service for a forecast."


def unavailable(reason: str) -> proposal_pb2.PlanForecast:
    return proposal_pb2.PlanForecast(unavailable_reason=reason)


async def of_plan(
    channel: grpc.aio.Channel | None,
    *,
    core: CoreClient,
    record: store.ProposalRecord,
    seconds: float,
) -> proposal_pb2.PlanForecast:
    """Risk's forecast with `record`'s dates and assignees in place of the stored plan,
    waiting at most `seconds` for it."""
    if channel is None:
        return unavailable(NOT_CONFIGURED)
    if not record.items or record.state == convert.INFEASIBLE:
        return unavailable(NO_PLAN)
    if seconds < SHORTEST_S:
        return unavailable(NO_TIME)
    plan = [
        risk_service_pb2.PlannedTask(
            task=item.task,
            planned_start=convert.item_field(item, "start_date"),
            planned_end=convert.item_field(item, "end_date"),
            assignee=_known(convert.item_field(item, "assignee")),
        )
        for item in record.items
    ]
    stub = risk_service_pb2_grpc.RiskServiceStub(channel)  # type: ignore[no-untyped-call]
    try:
        reply = await stub.ForecastProject(
            risk_service_pb2.ForecastProjectRequest(
                project=f"projects/{record.project}",
                deadline=record.deadline.isoformat() if record.deadline else "",
                plan=plan,
            ),
            metadata=core.metadata(),
            timeout=seconds,
        )
    except grpc.RpcError as error:
        log.warning("no risk forecast for projects/%s: %s", record.project, error)
        return unavailable(_reason(error))
    f = reply.forecast
    return proposal_pb2.PlanForecast(
        probability_on_time=f.probability_on_time,
        deadline=f.deadline,
        finish_p50_date=f.finish_p50_date,
        finish_p80_date=f.finish_p80_date,
        finish_p95_date=f.finish_p95_date,
        model_version=f.model_version,
        forecast_time=f.forecast_time,
    )


def _known(assignee: str) -> str:
    """A core person as is; a hypothetical one (a what-if's extra person) as nobody, since
    risk has no history for them."""
    return assignee if assignee.startswith("people/") else ""


def _reason(error: grpc.RpcError) -> str:
    code = error.code()
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return "The risk service did not answer in time; this plan has no forecast."
    if code == grpc.StatusCode.UNAVAILABLE:
        return "The risk service did not answer; this plan has no forecast."
    if code in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INVALID_ARGUMENT):
        # Risk says why in words (no open work, a dependency cycle, a task it does not know).
        return f"The risk service could not forecast this plan: {error.details()}"
    return f"The risk service failed to forecast this plan ({code.name})."
