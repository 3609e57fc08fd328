"""A request id set on a call to the planner reaches core's audit log with the writes it made."""

from __future__ import annotations

from planops.core.v1 import audit_service_pb2
from planops.planner.v1 import planner_service_pb2

from tests.conftest import CoreUnderTest
from tests.core.helpers import Client
from tests.limits.stacks import add_tasks, planner_beside, project_with_people


async def test_the_planners_writes_to_core_carry_the_callers_request_id(
    core: CoreUnderTest,
) -> None:
    admin = Client(core)
    await project_with_people(admin, "promo")
    tasks = await add_tasks(admin, "promo", 2)
    async with planner_beside(core) as planner:
        proposed = await planner.ProposeSchedule(
            planner_service_pb2.ProposeScheduleRequest(
                project="projects/promo", time_limit_seconds=5
            ),
            metadata=admin.md,
        )
        await planner.AcceptProposal(
            planner_service_pb2.AcceptProposalRequest(name=proposed.proposal.name),
            metadata=(*admin.md, ("x-request-id", "accept-7f3a")),
        )
    for task in tasks:
        page = await admin.audit.ListAuditEntries(
            audit_service_pb2.ListAuditEntriesRequest(resource=task.name), metadata=admin.md
        )
        by_planner = [e for e in page.entries if e.request_id == "accept-7f3a"]
        assert by_planner, [(e.method, e.request_id) for e in page.entries]
        assert all(e.method.endswith("/UpdateTask") for e in by_planner)
