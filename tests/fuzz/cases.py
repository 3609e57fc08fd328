"""For every RPC: a valid request against a world (making whatever the call consumes, such
as a task to delete) and who may make it. The fuzzer mutates these requests; the access
matrix sends them with every kind of key. An RPC missing here fails both."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import grpc
from google.protobuf import field_mask_pb2
from google.protobuf.message import Message
from planops.automation.v1 import automation_service_pb2, rule_pb2, webhook_pb2
from planops.core.v1 import (
    api_key_pb2,
    api_key_service_pb2,
    audit_service_pb2,
    calendar_feed_pb2,
    calendar_feed_service_pb2,
    person_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
    report_service_pb2,
    task_pb2,
    task_service_pb2,
    template_pb2,
    template_service_pb2,
)
from planops.nlp.v1 import nlp_service_pb2
from planops.planner.v1 import planner_service_pb2
from planops.risk.v1 import risk_service_pb2

from tests.fuzz.stack import NOWHERE_URL, Stack
from tests.fuzz.world import (
    ROLES,
    World,
    depend,
    extract,
    iteration,
    member,
    new_key,
    ok,
    person,
    project,
    propose,
    quiet_rule,
    rule,
    task,
    webhook,
)

Build = Callable[[Stack, World], Message]
MEMBERS = frozenset({"manager", "executor", "reviewer", "viewer", "admin"})
EVERYONE = MEMBERS | {"outsider"}
MANAGERS = frozenset({"manager", "admin"})
EDITORS = frozenset({"manager", "executor", "admin"})
ADMIN = frozenset({"admin"})
PEOPLE = MEMBERS - {"admin"} | {"outsider"}
# Admins and the world's manager, whose record has the project_creator right.
CREATORS = frozenset({"manager", "admin"})


@dataclass(frozen=True)
class Case:
    """A valid request of one RPC and the callers allowed to make it.

    `allowed` holds roles in the world's project `a` ("outsider" is a manager of `b` only,
    "admin" holds an admin key). An allowed caller gets `code` (OK unless the world lacks
    something the call needs); every other authenticated caller gets `refused`.
    """

    build: Build
    allowed: frozenset[str]
    code: grpc.StatusCode = grpc.StatusCode.OK
    refused: grpc.StatusCode = grpc.StatusCode.PERMISSION_DENIED
    # The call sets off work in the background (a webhook delivery): wait for it to end.
    background: bool = False


def _viewer_feed(stack: Stack, world: World) -> str:
    reply = ok(
        stack,
        "CalendarFeedService.CreateCalendarFeed",
        calendar_feed_service_pb2.CreateCalendarFeedRequest(),
        key=world.keys["viewer"],
    )
    return str(reply.calendar_feed.name)


def _id() -> str:
    return "x" + uuid.uuid4().hex[:10]


def fresh_project(stack: Stack, world: World) -> str:
    """A project with the same members and roles as the world's project `a`."""
    name = project(stack, _id())
    for role in ROLES:
        member(stack, name, world.people[role], role)
    return name


def fresh_person(stack: Stack) -> str:
    return person(stack, _id(), "Fresh Person")


def fresh_proposal(stack: Stack, world: World) -> str:
    return propose(stack, world.a)


def _update_project(stack: Stack, world: World) -> Message:
    return project_service_pb2.UpdateProjectRequest(
        project=project_pb2.Project(name=world.a, description="Updated"),
        update_mask=field_mask_pb2.FieldMask(paths=["description"]),
    )


def _update_membership(stack: Stack, world: World) -> Message:
    who = fresh_person(stack)
    member(stack, world.a, who, "viewer")
    return project_service_pb2.UpdateMembershipRequest(
        membership=project_pb2.Membership(
            name=f"{world.a}/memberships/{who}",
            roles=[project_pb2.ROLE_VIEWER, project_pb2.ROLE_REVIEWER],
        ),
        update_mask=field_mask_pb2.FieldMask(paths=["roles"]),
    )


def _delete_membership(stack: Stack, world: World) -> Message:
    who = fresh_person(stack)
    member(stack, world.a, who, "viewer")
    return project_service_pb2.DeleteMembershipRequest(name=f"{world.a}/memberships/{who}")


def _new_task(world: World) -> task_pb2.Task:
    return task_pb2.Task(
        title="Check the stock",
        description="Count what is left",
        estimate_hours=4,
        due_date="2030-03-22",
        labels=["ops"],
        required_skills=[person_pb2.Skill(skill="ops", level=1)],
    )


def _update_task(stack: Stack, world: World) -> Message:
    return task_service_pb2.UpdateTaskRequest(
        task=task_pb2.Task(
            name=task(stack, world.a, "To update"), title="Updated", priority=task_pb2.PRIORITY_HIGH
        ),
        update_mask=field_mask_pb2.FieldMask(paths=["title", "priority"]),
    )


def _create_dependency(stack: Stack, world: World) -> Message:
    return task_service_pb2.CreateDependencyRequest(
        parent=world.a,
        dependency=task_pb2.Dependency(
            predecessor=task(stack, world.a, "First"),
            successor=task(stack, world.a, "Second"),
            lag_days=1,
        ),
    )


def _delete_dependency(stack: Stack, world: World) -> Message:
    name = depend(stack, world.a, task(stack, world.a, "First"), task(stack, world.a, "Second"))
    return task_service_pb2.DeleteDependencyRequest(name=name)


def _template() -> template_pb2.Template:
    return template_pb2.Template(
        display_name="Monthly check",
        description="What we do every month",
        anchor="the first Monday",
        tasks=[
            template_pb2.TemplateTask(key="count", title="Count stock", duration_days=2),
            template_pb2.TemplateTask(
                key="order", title="Order", duration_days=1, start_offset_days=2
            ),
        ],
        dependencies=[
            template_pb2.TemplateDependency(predecessor_key="count", successor_key="order")
        ],
    )


def _delete_template(stack: Stack, world: World) -> Message:
    template_id = _id()
    ok(
        stack,
        "TemplateService.CreateTemplate",
        template_service_pb2.CreateTemplateRequest(template_id=template_id, template=_template()),
    )
    return template_service_pb2.DeleteTemplateRequest(name=f"templates/{template_id}")


def _accept_items(stack: Stack, world: World) -> Message:
    name, items = extract(stack, world.a)
    return nlp_service_pb2.AcceptActionItemsRequest(
        name=name,
        items=[
            nlp_service_pb2.AcceptedItem(id=items[0], description="Write the launch email"),
        ],
    )


def _update_rule(stack: Stack, world: World) -> Message:
    changed = quiet_rule()
    changed.name = rule(stack, world.a)
    changed.display_name = "Chase late work"
    changed.enabled = False
    return automation_service_pb2.UpdateRuleRequest(
        rule=changed, update_mask=field_mask_pb2.FieldMask(paths=["display_name", "enabled"])
    )


def _create_rule(stack: Stack, world: World) -> Message:
    created = quiet_rule()
    created.actions.append(
        rule_pb2.Action(send_webhook=rule_pb2.SendWebhook(webhook=world.webhook))
    )
    return automation_service_pb2.CreateRuleRequest(parent=world.a, rule_id=_id(), rule=created)


CASES: dict[str, Case] = {
    # core: projects, memberships, iterations
    "ProjectService.CreateProject": Case(
        lambda s, w: project_service_pb2.CreateProjectRequest(
            project_id=_id(), project=project_pb2.Project(display_name="New", time_zone="UTC")
        ),
        CREATORS,
    ),
    "ProjectService.GetProject": Case(
        lambda s, w: project_service_pb2.GetProjectRequest(name=w.a), MEMBERS
    ),
    "ProjectService.ListProjects": Case(
        lambda s, w: project_service_pb2.ListProjectsRequest(), EVERYONE
    ),
    "ProjectService.UpdateProject": Case(_update_project, MANAGERS),
    "ProjectService.DeleteProject": Case(
        lambda s, w: project_service_pb2.DeleteProjectRequest(name=fresh_project(s, w)), MANAGERS
    ),
    "ProjectService.CreateMembership": Case(
        lambda s, w: project_service_pb2.CreateMembershipRequest(
            parent=w.a,
            membership=project_pb2.Membership(
                member=fresh_person(s), roles=[project_pb2.ROLE_VIEWER]
            ),
        ),
        MANAGERS,
    ),
    "ProjectService.ListMemberships": Case(
        lambda s, w: project_service_pb2.ListMembershipsRequest(parent=w.a), MEMBERS
    ),
    "ProjectService.UpdateMembership": Case(_update_membership, MANAGERS),
    "ProjectService.DeleteMembership": Case(_delete_membership, MANAGERS),
    "ProjectService.CreateIteration": Case(
        lambda s, w: project_service_pb2.CreateIterationRequest(
            parent=w.a,
            iteration=project_pb2.Iteration(
                display_name="Sprint 2", goal="Ship", start_date="2030-03-18", end_date="2030-03-29"
            ),
        ),
        MANAGERS,
    ),
    "ProjectService.ListIterations": Case(
        lambda s, w: project_service_pb2.ListIterationsRequest(parent=w.a), MEMBERS
    ),
    "ProjectService.DeleteIteration": Case(
        lambda s, w: project_service_pb2.DeleteIterationRequest(name=iteration(s, w.a)), MANAGERS
    ),
    # core: people (a directory of the installation: any caller reads it, admins change it)
    "PersonService.CreatePerson": Case(
        lambda s, w: person_service_pb2.CreatePersonRequest(
            person_id=_id(),
            person=person_pb2.Person(
                display_name="Lin Wei",
                email=f"{_id()}@example.com",
                aliases=["林伟"],
                skills=[person_pb2.Skill(skill="copy", level=3)],
                time_off=[
                    person_pb2.TimeOff(
                        start_date="2030-03-11", end_date="2030-03-12", reason="leave"
                    )
                ],
            ),
        ),
        ADMIN,
    ),
    "PersonService.GetPerson": Case(
        lambda s, w: person_service_pb2.GetPersonRequest(name=w.people["manager"]), MEMBERS
    ),
    "PersonService.ListPeople": Case(
        lambda s, w: person_service_pb2.ListPeopleRequest(project=w.a), MEMBERS
    ),
    "PersonService.UpdatePerson": Case(
        lambda s, w: person_service_pb2.UpdatePersonRequest(
            person=person_pb2.Person(name=fresh_person(s), display_name="Renamed"),
            update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
        ),
        ADMIN,
    ),
    "PersonService.DeletePerson": Case(
        lambda s, w: person_service_pb2.DeletePersonRequest(name=fresh_person(s)), ADMIN
    ),
    # core: tasks and what hangs off them
    "TaskService.CreateTask": Case(
        lambda s, w: task_service_pb2.CreateTaskRequest(parent=w.a, task=_new_task(w)), EDITORS
    ),
    "TaskService.BatchCreateTasks": Case(
        lambda s, w: task_service_pb2.BatchCreateTasksRequest(
            parent=w.a,
            requests=[
                task_service_pb2.CreateTaskRequest(task=_new_task(w)),
                task_service_pb2.CreateTaskRequest(parent=w.a, task=task_pb2.Task(title="Two")),
            ],
        ),
        EDITORS,
    ),
    "TaskService.GetTask": Case(
        lambda s, w: task_service_pb2.GetTaskRequest(name=w.tasks[0]), MEMBERS
    ),
    "TaskService.ListTasks": Case(
        lambda s, w: task_service_pb2.ListTasksRequest(
            parent=w.a, label="launch", due_before="2030-12-31", page_size=2
        ),
        MEMBERS,
    ),
    "TaskService.UpdateTask": Case(_update_task, EDITORS),
    "TaskService.DeleteTask": Case(
        lambda s, w: task_service_pb2.DeleteTaskRequest(name=task(s, w.a, "To delete")), MANAGERS
    ),
    "TaskService.TransitionTask": Case(
        lambda s, w: task_service_pb2.TransitionTaskRequest(
            name=task(s, w.a, "To move"), to_state="submitted", comment="ready"
        ),
        EDITORS,
    ),
    "TaskService.ListTaskTransitions": Case(
        lambda s, w: task_service_pb2.ListTaskTransitionsRequest(parent=w.tasks[0]), MEMBERS
    ),
    "TaskService.CreateDependency": Case(_create_dependency, MANAGERS),
    "TaskService.ListDependencies": Case(
        lambda s, w: task_service_pb2.ListDependenciesRequest(parent=w.a, task=w.tasks[1]),
        MEMBERS,
    ),
    "TaskService.DeleteDependency": Case(_delete_dependency, MANAGERS),
    "TaskService.CreateComment": Case(
        lambda s, w: task_service_pb2.CreateCommentRequest(
            parent=w.tasks[0], comment=task_pb2.Comment(body="Looks good")
        ),
        frozenset({"manager", "executor", "reviewer", "admin"}),
    ),
    "TaskService.ListComments": Case(
        lambda s, w: task_service_pb2.ListCommentsRequest(parent=w.tasks[0]), MEMBERS
    ),
    "TaskService.CreateTimeEntry": Case(
        lambda s, w: task_service_pb2.CreateTimeEntryRequest(
            parent=w.tasks[0],
            time_entry=task_pb2.TimeEntry(
                person=w.people["executor"], work_date="2030-03-05", hours=1.5, note="drafting"
            ),
        ),
        EDITORS,
    ),
    "TaskService.ListTimeEntries": Case(
        lambda s, w: task_service_pb2.ListTimeEntriesRequest(parent=w.tasks[0]), MEMBERS
    ),
    # core: templates (installation-wide: any caller reads and instantiates, admins change)
    "TemplateService.CreateTemplate": Case(
        lambda s, w: template_service_pb2.CreateTemplateRequest(
            template_id=_id(), template=_template()
        ),
        ADMIN,
    ),
    "TemplateService.GetTemplate": Case(
        lambda s, w: template_service_pb2.GetTemplateRequest(name=w.template), EVERYONE
    ),
    "TemplateService.ListTemplates": Case(
        lambda s, w: template_service_pb2.ListTemplatesRequest(), EVERYONE
    ),
    "TemplateService.DeleteTemplate": Case(_delete_template, ADMIN),
    "TemplateService.InstantiateTemplate": Case(
        lambda s, w: template_service_pb2.InstantiateTemplateRequest(
            template=w.template,
            project_id=_id(),
            anchor_date="2030-12-14",
            project=project_pb2.Project(display_name="December promotion"),
        ),
        CREATORS,
    ),
    # core: audit and keys
    "AuditService.ListAuditEntries": Case(
        lambda s, w: audit_service_pb2.ListAuditEntriesRequest(project=w.a, resource=w.tasks[0]),
        MEMBERS,
    ),
    "ApiKeyService.CreateApiKey": Case(
        lambda s, w: api_key_service_pb2.CreateApiKeyRequest(
            api_key=api_key_pb2.ApiKey(principal=w.people["viewer"], display_name="laptop")
        ),
        ADMIN,
    ),
    "ApiKeyService.ListApiKeys": Case(
        lambda s, w: api_key_service_pb2.ListApiKeysRequest(principal=w.people["manager"]), ADMIN
    ),
    "ApiKeyService.RevokeApiKey": Case(
        lambda s, w: api_key_service_pb2.RevokeApiKeyRequest(
            name=new_key(s, w.people["viewer"])[0]
        ),
        ADMIN,
    ),
    "ApiKeyService.GetCaller": Case(lambda s, w: api_key_service_pb2.GetCallerRequest(), EVERYONE),
    # core: calendar feeds belong to people (a person's own key, or a service acting for one)
    "CalendarFeedService.CreateCalendarFeed": Case(
        lambda s, w: calendar_feed_service_pb2.CreateCalendarFeedRequest(
            calendar_feed=calendar_feed_pb2.CalendarFeed(display_name="Outlook")
        ),
        PEOPLE,
    ),
    "CalendarFeedService.ListCalendarFeeds": Case(
        lambda s, w: calendar_feed_service_pb2.ListCalendarFeedsRequest(), PEOPLE
    ),
    # The viewer's own feed: an admin may revoke it too; to anyone else it does not exist.
    "CalendarFeedService.RevokeCalendarFeed": Case(
        lambda s, w: calendar_feed_service_pb2.RevokeCalendarFeedRequest(name=_viewer_feed(s, w)),
        frozenset({"viewer", "admin"}),
        refused=grpc.StatusCode.NOT_FOUND,
    ),
    # Only a feed's secret reads a feed (tests/core/test_feeds.py); no API key does.
    "CalendarFeedService.ReadCalendarFeed": Case(
        lambda s, w: calendar_feed_service_pb2.ReadCalendarFeedRequest(), frozenset()
    ),
    "ReportService.GetReport": Case(
        lambda s, w: report_service_pb2.GetReportRequest(
            project=w.a, iteration=w.iteration, as_of_date="2030-03-12"
        ),
        MEMBERS,
    ),
    # automation: every method needs the manager role (or an admin key)
    "AutomationService.CreateWebhook": Case(
        lambda s, w: automation_service_pb2.CreateWebhookRequest(
            parent=w.a,
            webhook=webhook_pb2.Webhook(
                url=NOWHERE_URL,
                event_types=["automation.rule.fired", "risk.alert.*"],
                description="to the chat",
            ),
            request_id=_id(),
        ),
        MANAGERS,
    ),
    "AutomationService.ListWebhooks": Case(
        lambda s, w: automation_service_pb2.ListWebhooksRequest(parent=w.a, page_size=2),
        MANAGERS,
    ),
    "AutomationService.DeleteWebhook": Case(
        lambda s, w: automation_service_pb2.DeleteWebhookRequest(
            name=webhook(s, w.a, "automation.rule.fired")
        ),
        MANAGERS,
    ),
    "AutomationService.ListDeliveries": Case(
        lambda s, w: automation_service_pb2.ListDeliveriesRequest(
            parent=w.webhook, page_size=5, state=webhook_pb2.DELIVERY_STATE_FAILED
        ),
        MANAGERS,
    ),
    "AutomationService.Redeliver": Case(
        lambda s, w: automation_service_pb2.RedeliverRequest(name=w.delivery),
        MANAGERS,
        background=True,
    ),
    "AutomationService.CreateRule": Case(_create_rule, MANAGERS),
    "AutomationService.GetRule": Case(
        lambda s, w: automation_service_pb2.GetRuleRequest(name=w.rule), MANAGERS
    ),
    "AutomationService.ListRules": Case(
        lambda s, w: automation_service_pb2.ListRulesRequest(parent=w.a), MANAGERS
    ),
    "AutomationService.UpdateRule": Case(_update_rule, MANAGERS),
    "AutomationService.DeleteRule": Case(
        lambda s, w: automation_service_pb2.DeleteRuleRequest(name=rule(s, w.a)), MANAGERS
    ),
    "AutomationService.ListRuleRevisions": Case(
        lambda s, w: automation_service_pb2.ListRuleRevisionsRequest(parent=w.rule), MANAGERS
    ),
    "AutomationService.ListRuleRuns": Case(
        lambda s, w: automation_service_pb2.ListRuleRunsRequest(parent=w.rule), MANAGERS
    ),
    # In a project of its own: the default rules act on the workflow, and the world's project
    # must not change by itself while other RPCs are checked against it.
    "AutomationService.InstallDefaultRules": Case(
        lambda s, w: automation_service_pb2.InstallDefaultRulesRequest(parent=fresh_project(s, w)),
        MANAGERS,
    ),
    # planner
    "PlannerService.ProposeSchedule": Case(
        lambda s, w: planner_service_pb2.ProposeScheduleRequest(
            project=w.a,
            time_limit_seconds=2,
            what_if=planner_service_pb2.WhatIf(
                durations=[planner_service_pb2.DurationOverride(task=w.tasks[0], estimate_hours=6)]
            ),
        ),
        frozenset({"manager", "reviewer", "admin"}),
    ),
    "PlannerService.GetProposal": Case(
        lambda s, w: planner_service_pb2.GetProposalRequest(name=w.proposal), MEMBERS
    ),
    "PlannerService.ListProposals": Case(
        lambda s, w: planner_service_pb2.ListProposalsRequest(parent=w.a), MEMBERS
    ),
    "PlannerService.AcceptProposal": Case(
        lambda s, w: planner_service_pb2.AcceptProposalRequest(name=fresh_proposal(s, w)), MANAGERS
    ),
    "PlannerService.RejectProposal": Case(
        lambda s, w: planner_service_pb2.RejectProposalRequest(
            name=fresh_proposal(s, w), reason="not now"
        ),
        MANAGERS,
    ),
    # risk
    "RiskService.GetTaskRisk": Case(
        lambda s, w: risk_service_pb2.GetTaskRiskRequest(task=w.tasks[0]), MEMBERS
    ),
    "RiskService.ListTaskRisks": Case(
        lambda s, w: risk_service_pb2.ListTaskRisksRequest(project=w.a), MEMBERS
    ),
    "RiskService.ForecastProject": Case(
        lambda s, w: risk_service_pb2.ForecastProjectRequest(project=w.a, samples=200), MEMBERS
    ),
    "RiskService.ListAlerts": Case(
        lambda s, w: risk_service_pb2.ListAlertsRequest(project=w.a), MEMBERS
    ),
    # The world has no finished history, so an admin is let in and told there is too little.
    "RiskService.TrainModel": Case(
        lambda s, w: risk_service_pb2.TrainModelRequest(force=True),
        ADMIN,
        code=grpc.StatusCode.FAILED_PRECONDITION,
    ),
    "RiskService.ListModels": Case(lambda s, w: risk_service_pb2.ListModelsRequest(), EVERYONE),
    "RiskService.RebuildHistory": Case(
        lambda s, w: risk_service_pb2.RebuildHistoryRequest(projects=[w.a]), ADMIN
    ),
    # nlp
    "NlpService.ExtractActionItems": Case(
        lambda s, w: nlp_service_pb2.ExtractActionItemsRequest(
            project=w.a,
            text="Ana will write the launch email by Friday.",
            meeting_date="2030-03-06",
        ),
        frozenset({"manager", "executor", "reviewer", "admin"}),
    ),
    "NlpService.GetNotes": Case(
        lambda s, w: nlp_service_pb2.GetNotesRequest(name=w.notes), MEMBERS
    ),
    "NlpService.AcceptActionItems": Case(_accept_items, EDITORS),
}
