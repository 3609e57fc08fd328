"""The planner's problem size and solve time, and the length of meeting notes."""

from __future__ import annotations

import json

import grpc
import pytest
from planops.core.v1 import person_pb2, task_pb2, task_service_pb2
from planops.nlp.v1 import nlp_service_pb2
from planops.planner.v1 import planner_service_pb2
from prometheus_client import REGISTRY

from services.nlp.notes import Extractor
from services.nlp.servicer import MAX_TEXT
from services.planner.convert import MAX_TIME_LIMIT_S
from tests.cli.test_main import ok, planops
from tests.conftest import CoreUnderTest
from tests.core.helpers import Client, invalid_fields, refused
from tests.limits.stacks import add_tasks, nlp_beside, planner_beside, project_with_people


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    # The rules pipeline: the limit is the service's, not spaCy's, and it loads at once.
    return Extractor.load(spacy_model=None)


async def test_the_planner_plans_at_most_max_tasks_open_tasks(core: CoreUnderTest) -> None:
    admin = Client(core)
    await project_with_people(admin, "promo")
    await add_tasks(admin, "promo", 3)
    async with planner_beside(core, max_tasks=3) as planner:
        solves = sample("planops_planner_solve_seconds_count", status="OPTIMAL")
        request = planner_service_pb2.ProposeScheduleRequest(
            project="projects/promo", time_limit_seconds=MAX_TIME_LIMIT_S
        )
        reply = await planner.ProposeSchedule(request, metadata=admin.md)
        assert len(reply.proposal.items) == 3
        assert sample("planops_planner_solve_seconds_count", status="OPTIMAL") == solves + 1

        await add_tasks(admin, "promo", 1)
        error = await refused(
            planner.ProposeSchedule(request, metadata=admin.md),
            grpc.StatusCode.INVALID_ARGUMENT,
        )
        assert "4 open tasks" in (error.details() or "")
        assert "at most 3" in (error.details() or "")


async def test_the_solve_time_limit_is_at_most_300_seconds(core: CoreUnderTest) -> None:
    admin = Client(core)
    await project_with_people(admin, "promo")
    await add_tasks(admin, "promo", 1)
    async with planner_beside(core) as planner:
        for too_much in (MAX_TIME_LIMIT_S + 1, -1.0):
            fields = await invalid_fields(
                planner.ProposeSchedule(
                    planner_service_pb2.ProposeScheduleRequest(
                        project="projects/promo", time_limit_seconds=too_much
                    ),
                    metadata=admin.md,
                )
            )
            assert fields == {"time_limit_seconds"}


async def test_notes_are_at_most_100_000_characters(
    core: CoreUnderTest, extractor: Extractor
) -> None:
    admin = Client(core)
    await admin.create_project("promo")
    line = "Ana will send the banner drafts by Friday.\n"
    text = (line * (MAX_TEXT // len(line) + 1))[:MAX_TEXT]
    async with nlp_beside(core, extractor) as nlp:
        extractions = sample("planops_nlp_extract_seconds_count", language="en")

        def request(body: str) -> nlp_service_pb2.ExtractActionItemsRequest:
            return nlp_service_pb2.ExtractActionItemsRequest(
                project="projects/promo", text=body, meeting_date="2026-11-27"
            )

        reply = await nlp.ExtractActionItems(request(text), metadata=admin.md, timeout=120)
        assert reply.notes.items
        assert sample("planops_nlp_extract_seconds_count", language="en") == extractions + 1

        fields = await invalid_fields(
            nlp.ExtractActionItems(request(text + "x"), metadata=admin.md)
        )
        assert fields == {"text"}


async def long_tasks(admin: Client, project: str) -> None:
    """220 tasks of 20,000 characters: one page of ListTasks is 4.4 MB, past the 4 MiB a
    gRPC channel receives by default."""
    for first in range(0, 220, 110):
        await admin.tasks.BatchCreateTasks(
            task_service_pb2.BatchCreateTasksRequest(
                parent=f"projects/{project}",
                requests=[
                    task_service_pb2.CreateTaskRequest(
                        parent=f"projects/{project}",
                        task=task_pb2.Task(
                            title=f"Banner {i}",
                            description="d" * 20_000,
                            estimate_hours=2,
                            required_skills=[person_pb2.Skill(skill="design", level=2)],
                        ),
                    )
                    for i in range(first, first + 110)
                ],
            ),
            metadata=admin.md,
        )


async def test_pages_larger_than_grpcs_default_reach_the_planner_and_the_cli(
    core: CoreUnderTest,
) -> None:
    admin = Client(core)
    await project_with_people(admin, "promo")
    await long_tasks(admin, "promo")
    async with planner_beside(core) as planner:
        reply = await planner.ProposeSchedule(
            planner_service_pb2.ProposeScheduleRequest(
                project="projects/promo", time_limit_seconds=1
            ),
            metadata=admin.md,
            timeout=120,
        )
    assert len(reply.proposal.items) == 220
    listed = json.loads(ok(await planops(core, "tasks", "list", "promo", "--json")))
    assert len(listed) == 220
