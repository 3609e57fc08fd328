"""The bugs the fuzzer found, each pinned by a focused test, and edge cases it rarely reaches."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import timestamp_pb2
from google.protobuf.message import Message
from planops.automation.v1 import automation_service_pb2, rule_pb2, webhook_pb2
from planops.core.v1 import (
    audit_service_pb2,
    project_pb2,
    project_service_pb2,
    task_pb2,
    task_service_pb2,
    template_service_pb2,
)
from planops.nlp.v1 import nlp_service_pb2
from planops.planner.v1 import planner_service_pb2
from planops.risk.v1 import risk_service_pb2

from services.common import paging
from services.common.core_client import translate
from services.common.errors import violations_of
from services.common.fields import nul_violations
from tests.fuzz.stack import Running
from tests.fuzz.world import RPCS, World, build, depend, ok, quiet_rule, task


@pytest.fixture(scope="module")
def world(running: Running) -> World:
    return build(running.stack, proposal=True)


def refused_fields(running: Running, rpc: str, request: Message) -> list[str]:
    """The fields an INVALID_ARGUMENT names; the database must be as it was."""
    # Not risk's tables: its consumer writes them in the background.
    schemas = ("core", "planner", "nlp")
    before = running.db.fingerprint(schemas)
    outcome = running.stack.call(RPCS[rpc], request, key=running.stack.admin_key)
    assert outcome.code == grpc.StatusCode.INVALID_ARGUMENT, f"{outcome.code} {outcome.details}"
    assert outcome.error is not None
    assert running.db.fingerprint(schemas) == before
    return [v.field for v in violations_of(outcome.error)]


def test_nul_violations_name_nested_and_repeated_fields() -> None:
    request = task_service_pb2.BatchCreateTasksRequest(
        parent="projects/p",
        requests=[
            task_service_pb2.CreateTaskRequest(task=task_pb2.Task(title="fine")),
            task_service_pb2.CreateTaskRequest(
                task=task_pb2.Task(title="a\x00", labels=["ok", "b\x00"])
            ),
        ],
    )
    assert [v.field for v in nul_violations(request)] == [
        "requests[1].task.title",
        "requests[1].task.labels[1]",
    ]
    assert nul_violations(task_service_pb2.GetTaskRequest(name="projects/p/tasks/1")) == []


@pytest.mark.parametrize(
    ("rpc", "request_of", "field"),
    [
        (
            "AuditService.ListAuditEntries",
            lambda w: audit_service_pb2.ListAuditEntriesRequest(project=w.a, actor="x\x00"),
            "actor",
        ),
        (
            "TaskService.ListTasks",
            lambda w: task_service_pb2.ListTasksRequest(parent=w.a, label="\x00"),
            "label",
        ),
        (
            "TemplateService.GetTemplate",
            lambda w: template_service_pb2.GetTemplateRequest(name="templates/a\x00"),
            "name",
        ),
        (
            "TaskService.CreateTask",
            lambda w: task_service_pb2.CreateTaskRequest(
                parent=w.a, task=task_pb2.Task(title="ok", labels=["ok", "a\x00b"])
            ),
            "task.labels[1]",
        ),
        (
            "PlannerService.RejectProposal",
            lambda w: planner_service_pb2.RejectProposalRequest(name=w.proposal, reason="\x00"),
            "reason",
        ),
    ],
)
def test_nul_in_any_field_is_refused_by_name(
    running: Running, world: World, rpc: str, request_of: object, field: str
) -> None:
    """Was INTERNAL: PostgreSQL refuses NUL in text, deep inside the handler."""
    request = request_of(world)  # type: ignore[operator]
    assert refused_fields(running, rpc, request) == [field]


def test_audit_times_out_of_range_and_long_filters_are_named(
    running: Running, world: World
) -> None:
    """Was INTERNAL (Timestamp.ToDatetime raised), and a long actor was blamed on `resource`."""
    request = audit_service_pb2.ListAuditEntriesRequest(
        project=world.a,
        start_time=timestamp_pb2.Timestamp(seconds=0, nanos=-1),
        end_time=timestamp_pb2.Timestamp(seconds=2**62),
        actor="a" * 201,
    )
    assert sorted(refused_fields(running, "AuditService.ListAuditEntries", request)) == [
        "actor",
        "end_time",
        "start_time",
    ]


def forged(key: list[object], query: list[object]) -> str:
    """A token as any client can make one: the fingerprint is a plain hash of the query."""
    return paging.encode(key, query=query)


def test_forged_page_tokens_are_refused_by_name(running: Running, world: World) -> None:
    """Was INTERNAL: a key of the wrong type reached the SQL."""
    list_tasks = [world.a, [], "", "", "", "", False, "", 0]
    cases: list[tuple[str, Message]] = [
        (
            "TaskService.ListTasks",
            task_service_pb2.ListTasksRequest(
                parent=world.a, page_token=forged(["seven"], list_tasks)
            ),
        ),
        (
            "ProjectService.ListProjects",
            project_service_pb2.ListProjectsRequest(
                page_token=forged([{"a": 1}], ["projects", "services/admin"])
            ),
        ),
        (
            "ProjectService.ListIterations",
            project_service_pb2.ListIterationsRequest(
                parent=world.a,
                page_token=forged(["not a day", 1], ["iterations", world.a.split("/")[1]]),
            ),
        ),
        (
            "PlannerService.ListProposals",
            planner_service_pb2.ListProposalsRequest(
                parent=world.a,
                page_token=forged([[1]], ["proposals", world.a.split("/")[1]]),
            ),
        ),
    ]
    for rpc, request in cases:
        assert refused_fields(running, rpc, request) == ["page_token"], rpc


def test_planner_names_the_request_field_behind_a_bad_deadline(
    running: Running, world: World
) -> None:
    """Was `deadline`, a field of the solver's problem the caller never sent."""
    before_start = planner_service_pb2.ProposeScheduleRequest(
        project=world.a,
        time_limit_seconds=2,
        what_if=planner_service_pb2.WhatIf(deadline="2030-01-01"),
    )
    assert refused_fields(running, "PlannerService.ProposeSchedule", before_start) == [
        "what_if.deadline"
    ]
    undated = f"projects/undated-{world.tag}"
    ok(
        running.stack,
        "ProjectService.CreateProject",
        project_service_pb2.CreateProjectRequest(
            project_id=undated.split("/")[1],
            project=project_pb2.Project(display_name="No deadline", start_date="2030-03-04"),
        ),
    )
    task(running.stack, undated, "Something to plan", estimate_hours=4)
    hard = planner_service_pb2.ProposeScheduleRequest(
        project=undated, time_limit_seconds=2, hard_deadline=True
    )
    assert refused_fields(running, "PlannerService.ProposeSchedule", hard) == ["hard_deadline"]


def test_core_refusals_keep_their_field_violations_through_other_services(
    running: Running, world: World
) -> None:
    """planner, risk and nlp turned core's INVALID_ARGUMENT into one that named no field."""
    bad = task_service_pb2.CreateTaskRequest(parent=world.a, task=task_pb2.Task(title=""))
    outcome = running.stack.call(RPCS["TaskService.CreateTask"], bad, key=running.stack.admin_key)
    assert outcome.error is not None
    error = translate(outcome.error, what="creating a task")
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["task.title"]


def test_a_calendar_with_almost_no_working_days_is_answered_cleanly(
    running: Running, world: World
) -> None:
    """Mondays only, and every Monday for 19 years off: plans and forecasts must still answer
    (a finding or a refusal), never INTERNAL, and the services stay up."""
    import datetime as dt

    first = dt.date(2030, 3, 4)
    mondays = [(first + dt.timedelta(weeks=w)).isoformat() for w in range(1000)]
    name = f"projects/closed-{world.tag}"
    ok(
        running.stack,
        "ProjectService.CreateProject",
        project_service_pb2.CreateProjectRequest(
            project_id=name.split("/")[1],
            project=project_pb2.Project(
                display_name="Never open",
                start_date="2030-03-04",
                deadline="2030-06-28",
                calendar=project_pb2.Calendar(working_days=[1], days_off=mondays),
            ),
        ),
    )
    first_task = task(running.stack, name, "Count", estimate_hours=8, due_date="2030-03-29")
    second = task(running.stack, name, "Order", estimate_hours=8)
    depend(running.stack, name, first_task, second)
    calls: list[tuple[str, Message]] = [
        (
            "PlannerService.ProposeSchedule",
            planner_service_pb2.ProposeScheduleRequest(project=name, time_limit_seconds=2),
        ),
        ("RiskService.ForecastProject", risk_service_pb2.ForecastProjectRequest(project=name)),
        ("RiskService.ListTaskRisks", risk_service_pb2.ListTaskRisksRequest(project=name)),
        (
            "TemplateService.InstantiateTemplate",
            template_service_pb2.InstantiateTemplateRequest(
                template=world.template,
                project_id=f"closed-copy-{world.tag}",
                anchor_date="2030-03-04",
                project=project_pb2.Project(
                    display_name="Copy",
                    calendar=project_pb2.Calendar(working_days=[1], days_off=mondays),
                ),
            ),
        ),
    ]
    for rpc, request in calls:
        outcome = running.stack.call(RPCS[rpc], request, key=running.stack.admin_key)
        assert outcome.code not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN), (
            f"{rpc}: {outcome.code.name} {outcome.details}"
        )
    assert running.stack.healthy()


def test_only_ascii_digits_make_a_resource_number(running: Running, world: World) -> None:
    """'²' passed str.isdigit() and then broke int(): INTERNAL. Other scripts' digits ('٣')
    passed as another spelling of a task's number."""
    task_id = world.tasks[0].rsplit("/", 1)[1]
    for number in ("²", "1²", "٣"):
        name = f"{world.a}/tasks/{number}"
        assert refused_fields(
            running, "TaskService.GetTask", task_service_pb2.GetTaskRequest(name=name)
        ) == ["name"]
        assert refused_fields(
            running, "RiskService.GetTaskRisk", risk_service_pb2.GetTaskRiskRequest(task=name)
        ) == ["task"]
        proposal = f"{world.a}/proposals/{number}"
        assert refused_fields(
            running,
            "PlannerService.GetProposal",
            planner_service_pb2.GetProposalRequest(name=proposal),
        ) == ["name"]
    stale = task_service_pb2.TransitionTaskRequest(
        name=f"{world.a}/tasks/{task_id}", to_state="submitted", etag='W/"²"'
    )
    outcome = running.stack.call(
        RPCS["TaskService.TransitionTask"], stale, key=running.stack.admin_key
    )
    assert outcome.code == grpc.StatusCode.ABORTED, outcome.details


def test_a_delivery_number_is_ascii_digits(running: Running, world: World) -> None:
    """Automation's delivery names took '²' (str.isdigit()) into int(): UNKNOWN."""
    for number in ("²", "1²", "٣", "7\n"):
        name = f"{world.a}/webhooks/1/deliveries/{number}"
        assert refused_fields(
            running,
            "AutomationService.Redeliver",
            automation_service_pb2.RedeliverRequest(name=name),
        ) == ["name"]


def test_a_webhook_url_with_a_broken_host_is_refused_by_name(
    running: Running, world: World
) -> None:
    """urlsplit() raises ValueError on these hosts; CreateWebhook let it out: INTERNAL."""
    for url in ("http://[::1", "http://[abc]/hook", "http://a]b/", "https://ex\uff0fample.com"):
        request = automation_service_pb2.CreateWebhookRequest(
            parent=world.a, webhook=webhook_pb2.Webhook(url=url, event_types=["*"])
        )
        assert refused_fields(running, "AutomationService.CreateWebhook", request) == [
            "webhook.url"
        ]


def test_a_rule_names_a_webhook_or_person_in_one_spelling_only(
    running: Running, world: World
) -> None:
    """'٣' matched \\d and a final newline matched $: another spelling of webhook 3 (or of a
    person) was stored in a rule, unlike every name core accepts."""
    for hook in (f"{world.a}/webhooks/٣", f"{world.a}/webhooks/3\n"):
        rule = quiet_rule()
        rule.actions.append(rule_pb2.Action(send_webhook=rule_pb2.SendWebhook(webhook=hook)))
        request = automation_service_pb2.CreateRuleRequest(
            parent=world.a, rule_id="spelled", rule=rule
        )
        fields = refused_fields(running, "AutomationService.CreateRule", request)
        assert fields == ["rule.actions[2].send_webhook.webhook"]
    rule = quiet_rule()
    rule.actions.append(
        rule_pb2.Action(assign=rule_pb2.Assign(person=world.people["executor"] + "\n"))
    )
    request = automation_service_pb2.CreateRuleRequest(parent=world.a, rule_id="spelled", rule=rule)
    assert refused_fields(running, "AutomationService.CreateRule", request) == [
        "rule.actions[2].assign.person"
    ]


def test_planner_refuses_dates_beyond_cores_range(running: Running, world: World) -> None:
    """A what-if deadline of 9999-12-31 overflowed the calendar axis: INTERNAL."""
    for deadline in ("9999-12-31", "0001-01-01", "2201-01-01"):
        request = planner_service_pb2.ProposeScheduleRequest(
            project=world.a,
            time_limit_seconds=2,
            what_if=planner_service_pb2.WhatIf(deadline=deadline),
        )
        assert refused_fields(running, "PlannerService.ProposeSchedule", request) == [
            "what_if.deadline"
        ]
    far_off = planner_service_pb2.ProposeScheduleRequest(
        project=world.a,
        time_limit_seconds=2,
        what_if=planner_service_pb2.WhatIf(
            time_off=[
                planner_service_pb2.WhatIfTimeOff(
                    person=world.people["executor"], start_date="2030-01-01", end_date="9999-12-31"
                )
            ]
        ),
    )
    assert refused_fields(running, "PlannerService.ProposeSchedule", far_off) == [
        "what_if.time_off[0].end_date"
    ]


def test_nlp_refuses_meeting_dates_beyond_cores_range(running: Running) -> None:
    """A meeting on 9999-12-31 and "by Friday" overflowed the date: INTERNAL."""
    world = build(running.stack)
    for meeting in ("9999-12-31", "0001-01-01"):
        request = nlp_service_pb2.ExtractActionItemsRequest(
            project=world.a,
            text="Ana will write the launch email by Friday. Mia reviews it next week.",
            meeting_date=meeting,
        )
        assert refused_fields(running, "NlpService.ExtractActionItems", request) == ["meeting_date"]


def test_imported_work_with_an_impossible_time_is_refused_by_name(
    running: Running, world: World
) -> None:
    # Negative nanos or a second past 9999-12-31 raised ValueError inside core: INTERNAL.
    for moment in (
        timestamp_pb2.Timestamp(seconds=1_800_000_000, nanos=-1),
        timestamp_pb2.Timestamp(seconds=253_402_300_800),
    ):
        request = task_service_pb2.CreateTaskRequest(
            parent=world.a,
            task=task_pb2.Task(title="Count the stock", source=task_pb2.TASK_SOURCE_IMPORT),
            past=task_service_pb2.PastWork(open_time=moment),
        )
        assert "past.open_time" in refused_fields(running, "TaskService.CreateTask", request)
