"""A manager of project b aims requests at project a's data: a's resources passed as b's,
a's ids inside b's requests, a's names in filters. Nothing of a is read or changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.protobuf.message import Message
from planops.automation.v1 import automation_service_pb2, rule_pb2, webhook_pb2
from planops.core.v1 import (
    audit_service_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
    report_service_pb2,
    task_pb2,
    task_service_pb2,
)
from planops.nlp.v1 import nlp_service_pb2
from planops.planner.v1 import planner_service_pb2
from planops.risk.v1 import risk_service_pb2

from tests.fuzz import stats
from tests.fuzz.stack import NOWHERE_URL, Running, settle
from tests.fuzz.world import RPCS, World, quiet_rule

INVALID = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND
DENIED = grpc.StatusCode.PERMISSION_DENIED
OK = grpc.StatusCode.OK


def number(name: str) -> str:
    return name.rsplit("/", 1)[1]


def in_b(world: World, name: str) -> str:
    """`name` of project a, with project b's id put in its place."""
    return name.replace(world.a, world.b, 1)


def _webhook(world: World) -> webhook_pb2.Webhook:
    return webhook_pb2.Webhook(url=NOWHERE_URL, event_types=["*"])


def _sending_to(hook: str, *, name: str = "") -> rule_pb2.Rule:
    """A quiet rule that also sends its firing to `hook`."""
    rule = quiet_rule()
    rule.name = name
    rule.actions.append(rule_pb2.Action(send_webhook=rule_pb2.SendWebhook(webhook=hook)))
    return rule


@dataclass(frozen=True)
class Attempt:
    rpc: str
    build: Callable[[World], Message]
    answers: frozenset[grpc.StatusCode]


ATTEMPTS: dict[str, Attempt] = {
    "a's task as the parent of b's new task": Attempt(
        "TaskService.CreateTask",
        lambda w: task_service_pb2.CreateTaskRequest(
            parent=w.b, task=task_pb2.Task(title="Sneaky", parent=w.tasks[0])
        ),
        frozenset({INVALID}),
    ),
    "a's iteration on b's new task": Attempt(
        "TaskService.CreateTask",
        lambda w: task_service_pb2.CreateTaskRequest(
            parent=w.b, task=task_pb2.Task(title="Sneaky", iteration=w.iteration)
        ),
        frozenset({INVALID}),
    ),
    "a's task id under b's name": Attempt(
        "TaskService.CreateTask",
        lambda w: task_service_pb2.CreateTaskRequest(
            parent=w.b, task=task_pb2.Task(title="Sneaky", parent=in_b(w, w.tasks[0]))
        ),
        frozenset({INVALID}),
    ),
    "a batch into b naming a as a request's parent": Attempt(
        "TaskService.BatchCreateTasks",
        lambda w: task_service_pb2.BatchCreateTasksRequest(
            parent=w.b,
            requests=[
                task_service_pb2.CreateTaskRequest(parent=w.a, task=task_pb2.Task(title="x"))
            ],
        ),
        frozenset({INVALID}),
    ),
    "b's task moved into a's iteration": Attempt(
        "TaskService.UpdateTask",
        lambda w: task_service_pb2.UpdateTaskRequest(
            task=task_pb2.Task(name=w.b_tasks[0], iteration=w.iteration),
            update_mask=field_mask_pb2.FieldMask(paths=["iteration"]),
        ),
        frozenset({INVALID}),
    ),
    "b's task under a's parent": Attempt(
        "TaskService.UpdateTask",
        lambda w: task_service_pb2.UpdateTaskRequest(
            task=task_pb2.Task(name=w.b_tasks[0], parent=in_b(w, w.tasks[0])),
            update_mask=field_mask_pb2.FieldMask(paths=["parent"]),
        ),
        frozenset({INVALID}),
    ),
    "a's task read under b's name": Attempt(
        "TaskService.GetTask",
        lambda w: task_service_pb2.GetTaskRequest(name=in_b(w, w.tasks[0])),
        frozenset({NOT_FOUND}),
    ),
    "a's task changed under b's name": Attempt(
        "TaskService.UpdateTask",
        lambda w: task_service_pb2.UpdateTaskRequest(
            task=task_pb2.Task(name=in_b(w, w.tasks[0]), title="Mine now"),
            update_mask=field_mask_pb2.FieldMask(paths=["title"]),
        ),
        frozenset({NOT_FOUND}),
    ),
    "a's task deleted under b's name": Attempt(
        "TaskService.DeleteTask",
        lambda w: task_service_pb2.DeleteTaskRequest(name=in_b(w, w.tasks[3])),
        frozenset({NOT_FOUND}),
    ),
    "a's task moved under b's name": Attempt(
        "TaskService.TransitionTask",
        lambda w: task_service_pb2.TransitionTaskRequest(
            name=in_b(w, w.tasks[0]), to_state="submitted"
        ),
        frozenset({NOT_FOUND}),
    ),
    "a dependency from a's task to b's": Attempt(
        "TaskService.CreateDependency",
        lambda w: task_service_pb2.CreateDependencyRequest(
            parent=w.b,
            dependency=task_pb2.Dependency(predecessor=w.tasks[0], successor=w.b_tasks[0]),
        ),
        frozenset({INVALID}),
    ),
    "a dependency on a's task id under b's name": Attempt(
        "TaskService.CreateDependency",
        lambda w: task_service_pb2.CreateDependencyRequest(
            parent=w.b,
            dependency=task_pb2.Dependency(predecessor=in_b(w, w.tasks[0]), successor=w.b_tasks[0]),
        ),
        frozenset({NOT_FOUND}),
    ),
    "a's dependency deleted under b's name": Attempt(
        "TaskService.DeleteDependency",
        lambda w: task_service_pb2.DeleteDependencyRequest(name=in_b(w, w.dependencies[0])),
        frozenset({NOT_FOUND}),
    ),
    "b's dependencies filtered by a's task": Attempt(
        "TaskService.ListDependencies",
        lambda w: task_service_pb2.ListDependenciesRequest(parent=w.b, task=w.tasks[1]),
        frozenset({INVALID, OK}),
    ),
    "b's tasks filtered by a's iteration": Attempt(
        "TaskService.ListTasks",
        lambda w: task_service_pb2.ListTasksRequest(parent=w.b, iteration=w.iteration),
        frozenset({INVALID}),
    ),
    "a's comments under b's name": Attempt(
        "TaskService.ListComments",
        lambda w: task_service_pb2.ListCommentsRequest(parent=in_b(w, w.tasks[0])),
        frozenset({NOT_FOUND}),
    ),
    "a's time entries under b's name": Attempt(
        "TaskService.ListTimeEntries",
        lambda w: task_service_pb2.ListTimeEntriesRequest(parent=in_b(w, w.tasks[0])),
        frozenset({NOT_FOUND}),
    ),
    "a's transitions under b's name": Attempt(
        "TaskService.ListTaskTransitions",
        lambda w: task_service_pb2.ListTaskTransitionsRequest(parent=in_b(w, w.tasks[0])),
        frozenset({NOT_FOUND, OK}),
    ),
    "a comment on a's task under b's name": Attempt(
        "TaskService.CreateComment",
        lambda w: task_service_pb2.CreateCommentRequest(
            parent=in_b(w, w.tasks[0]), comment=task_pb2.Comment(body="hi")
        ),
        frozenset({NOT_FOUND}),
    ),
    "time logged on a's task under b's name": Attempt(
        "TaskService.CreateTimeEntry",
        lambda w: task_service_pb2.CreateTimeEntryRequest(
            parent=in_b(w, w.tasks[0]),
            time_entry=task_pb2.TimeEntry(
                person=w.people["outsider"], work_date="2030-03-05", hours=1
            ),
        ),
        frozenset({NOT_FOUND}),
    ),
    "a's iteration deleted under b's name": Attempt(
        "ProjectService.DeleteIteration",
        lambda w: project_service_pb2.DeleteIterationRequest(name=in_b(w, w.iteration)),
        frozenset({NOT_FOUND}),
    ),
    "a's member's roles changed under b's name": Attempt(
        "ProjectService.UpdateMembership",
        lambda w: project_service_pb2.UpdateMembershipRequest(
            membership=project_pb2.Membership(
                name=f"{w.b}/memberships/{w.people['executor']}",
                roles=[project_pb2.ROLE_MANAGER],
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["roles"]),
        ),
        frozenset({NOT_FOUND}),
    ),
    "a's people listed": Attempt(
        "PersonService.ListPeople",
        lambda w: person_service_pb2.ListPeopleRequest(project=w.a),
        frozenset({DENIED}),
    ),
    "b's audit filtered by a's task": Attempt(
        "AuditService.ListAuditEntries",
        lambda w: audit_service_pb2.ListAuditEntriesRequest(project=w.b, resource=w.tasks[0]),
        frozenset({OK}),
    ),
    "every project's audit": Attempt(
        "AuditService.ListAuditEntries",
        lambda w: audit_service_pb2.ListAuditEntriesRequest(resource=w.tasks[0]),
        frozenset({DENIED}),
    ),
    "a's proposal under b's name": Attempt(
        "PlannerService.GetProposal",
        lambda w: planner_service_pb2.GetProposalRequest(name=in_b(w, w.proposal)),
        frozenset({NOT_FOUND}),
    ),
    "a's proposal accepted under b's name": Attempt(
        "PlannerService.AcceptProposal",
        lambda w: planner_service_pb2.AcceptProposalRequest(name=in_b(w, w.proposal)),
        frozenset({NOT_FOUND}),
    ),
    "b's proposal accepted for a's task": Attempt(
        "PlannerService.AcceptProposal",
        lambda w: planner_service_pb2.AcceptProposalRequest(name=w.b_proposal, tasks=[w.tasks[0]]),
        frozenset({INVALID}),
    ),
    "a's proposal rejected under b's name": Attempt(
        "PlannerService.RejectProposal",
        lambda w: planner_service_pb2.RejectProposalRequest(name=in_b(w, w.proposal)),
        frozenset({NOT_FOUND}),
    ),
    "b planned with a's task's duration changed": Attempt(
        "PlannerService.ProposeSchedule",
        lambda w: planner_service_pb2.ProposeScheduleRequest(
            project=w.b,
            time_limit_seconds=2,
            what_if=planner_service_pb2.WhatIf(
                durations=[planner_service_pb2.DurationOverride(task=w.tasks[0], estimate_hours=1)]
            ),
        ),
        frozenset({INVALID}),
    ),
    "a's task's risk under b's name": Attempt(
        "RiskService.GetTaskRisk",
        lambda w: risk_service_pb2.GetTaskRiskRequest(task=in_b(w, w.tasks[0])),
        frozenset({NOT_FOUND}),
    ),
    "a's notes under b's name": Attempt(
        "NlpService.GetNotes",
        lambda w: nlp_service_pb2.GetNotesRequest(name=in_b(w, w.notes)),
        frozenset({NOT_FOUND}),
    ),
    "a's notes accepted under b's name": Attempt(
        "NlpService.AcceptActionItems",
        lambda w: nlp_service_pb2.AcceptActionItemsRequest(
            name=in_b(w, w.notes),
            items=[nlp_service_pb2.AcceptedItem(id=w.notes_items[0])],
        ),
        frozenset({NOT_FOUND}),
    ),
    "b's notes accepted with a's person as owner": Attempt(
        "NlpService.AcceptActionItems",
        lambda w: nlp_service_pb2.AcceptActionItemsRequest(
            name=w.b_notes,
            items=[nlp_service_pb2.AcceptedItem(id="item-1", owner=w.people["executor"])],
        ),
        # A person is not project data: anyone may be made an owner, as in core.
        frozenset({OK, INVALID}),
    ),
    "a's report": Attempt(
        "ReportService.GetReport",
        lambda w: report_service_pb2.GetReportRequest(project=w.a),
        frozenset({DENIED}),
    ),
    "b's report of a's iteration": Attempt(
        "ReportService.GetReport",
        lambda w: report_service_pb2.GetReportRequest(project=w.b, iteration=w.iteration),
        frozenset({INVALID}),
    ),
    "b's report of a's iteration id under b's name": Attempt(
        "ReportService.GetReport",
        lambda w: report_service_pb2.GetReportRequest(project=w.b, iteration=in_b(w, w.iteration)),
        frozenset({NOT_FOUND, OK}),
    ),
    "a's webhooks listed": Attempt(
        "AutomationService.ListWebhooks",
        lambda w: automation_service_pb2.ListWebhooksRequest(parent=w.a),
        frozenset({DENIED}),
    ),
    "a webhook made in a": Attempt(
        "AutomationService.CreateWebhook",
        lambda w: automation_service_pb2.CreateWebhookRequest(parent=w.a, webhook=_webhook(w)),
        frozenset({DENIED}),
    ),
    "a's webhook deleted under b's name": Attempt(
        "AutomationService.DeleteWebhook",
        lambda w: automation_service_pb2.DeleteWebhookRequest(name=in_b(w, w.webhook)),
        frozenset({NOT_FOUND}),
    ),
    "a's deliveries under b's name": Attempt(
        "AutomationService.ListDeliveries",
        lambda w: automation_service_pb2.ListDeliveriesRequest(parent=in_b(w, w.webhook)),
        frozenset({NOT_FOUND}),
    ),
    "a's delivery redelivered under b's name": Attempt(
        "AutomationService.Redeliver",
        lambda w: automation_service_pb2.RedeliverRequest(name=in_b(w, w.delivery)),
        frozenset({NOT_FOUND}),
    ),
    "a's delivery redelivered through b's webhook": Attempt(
        "AutomationService.Redeliver",
        lambda w: automation_service_pb2.RedeliverRequest(
            name=f"{w.b_webhook}/deliveries/{number(w.delivery)}"
        ),
        frozenset({NOT_FOUND}),
    ),
    "a's rule read under b's name": Attempt(
        "AutomationService.GetRule",
        lambda w: automation_service_pb2.GetRuleRequest(name=in_b(w, w.rule)),
        frozenset({NOT_FOUND}),
    ),
    "a's rule changed under b's name": Attempt(
        "AutomationService.UpdateRule",
        lambda w: automation_service_pb2.UpdateRuleRequest(
            rule=rule_pb2.Rule(name=in_b(w, w.rule), display_name="Mine now"),
            update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
        ),
        frozenset({NOT_FOUND}),
    ),
    "a's rule deleted under b's name": Attempt(
        "AutomationService.DeleteRule",
        lambda w: automation_service_pb2.DeleteRuleRequest(name=in_b(w, w.rule)),
        frozenset({NOT_FOUND}),
    ),
    "a's rule's revisions under b's name": Attempt(
        "AutomationService.ListRuleRevisions",
        lambda w: automation_service_pb2.ListRuleRevisionsRequest(parent=in_b(w, w.rule)),
        frozenset({NOT_FOUND, OK}),
    ),
    "a's rule's runs under b's name": Attempt(
        "AutomationService.ListRuleRuns",
        lambda w: automation_service_pb2.ListRuleRunsRequest(parent=in_b(w, w.rule)),
        frozenset({NOT_FOUND, OK}),
    ),
    "b's rule sending to a's webhook": Attempt(
        "AutomationService.CreateRule",
        lambda w: automation_service_pb2.CreateRuleRequest(
            parent=w.b, rule_id="sneaky", rule=_sending_to(w.webhook)
        ),
        frozenset({INVALID}),
    ),
    "b's rule changed to send to a's webhook": Attempt(
        "AutomationService.UpdateRule",
        lambda w: automation_service_pb2.UpdateRuleRequest(
            rule=_sending_to(w.webhook, name=w.b_rule),
            update_mask=field_mask_pb2.FieldMask(paths=["actions"]),
        ),
        frozenset({INVALID}),
    ),
    "a's default rules installed": Attempt(
        "AutomationService.InstallDefaultRules",
        lambda w: automation_service_pb2.InstallDefaultRulesRequest(parent=w.a),
        frozenset({DENIED}),
    ),
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS), ids=list(ATTEMPTS))
def test_another_projects_data_stays_out_of_reach(
    running: Running, world: World, attempt: str
) -> None:
    stack, db = running.stack, running.db
    case = ATTEMPTS[attempt]
    rpc = RPCS[case.rpc]
    schemas: tuple[str, ...] = ("core", "planner", "nlp")
    if rpc.process == "automation":
        # Its consumer keeps facts of every core event: let it catch up before judging.
        schemas = (*schemas, "automation")
        settle(db, schemas)
    before = db.fingerprint(schemas)
    outcome = stack.call(rpc, case.build(world), key=world.keys["outsider"])
    stats.record("access", rpc.id, outcome.code)
    assert outcome.code in case.answers, f"{outcome.code.name}: {outcome.details}"
    project_a = world.a.split("/")[1]
    if outcome.code == OK:
        assert project_a not in str(outcome.response), f"{rpc.id} showed {world.a}"
    else:
        assert db.fingerprint(schemas) == before
    rows_of_a = db.scalar(
        "SELECT count(*) FROM core.audit_log WHERE project = %s AND actor->>'id' = %s",
        project_a,
        world.people["outsider"],
    )
    assert rows_of_a == 0, "the outsider's change was recorded in project a"
