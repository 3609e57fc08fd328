"""A small installation to aim requests at: two projects, people in every role, tasks with
dependencies, an iteration, a comment, logged time, a proposal, meeting notes, and webhooks
(one with a delivery) and rules of the automation service."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf.message import Message
from planops.automation.v1 import automation_service_pb2, rule_pb2, webhook_pb2
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
from planops.nlp.v1 import nlp_service_pb2
from planops.planner.v1 import planner_service_pb2

from tests.fuzz.stack import NOWHERE_URL, Rpc, Stack, all_rpcs

RPCS = {f"{r.service}.{r.method}": r for r in all_rpcs()}
ROLES = {
    "manager": project_pb2.ROLE_MANAGER,
    "executor": project_pb2.ROLE_EXECUTOR,
    "reviewer": project_pb2.ROLE_REVIEWER,
    "viewer": project_pb2.ROLE_VIEWER,
}
START = "2030-03-04"  # a Monday
NOTES = "Ana will write the launch email by Friday. Bo to book the venue next week."


def ok(stack: Stack, rpc: str, request: Message, *, key: str | None = None) -> Any:
    """The response of a call that must succeed (as the admin unless `key` is given)."""
    outcome = stack.call(RPCS[rpc], request, key=key or stack.admin_key, timeout=120)
    assert outcome.code == grpc.StatusCode.OK, f"{rpc}: {outcome.code.name} {outcome.details}"
    return outcome.response


@dataclass
class World:
    """Names of everything `build` made; `a` is the project under test, `b` another one."""

    tag: str
    a: str
    b: str
    people: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    tasks: list[str] = field(default_factory=list)
    b_tasks: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    iteration: str = ""
    b_iteration: str = ""
    comment: str = ""
    time_entry: str = ""
    key_names: dict[str, str] = field(default_factory=dict)
    proposal: str = ""
    b_proposal: str = ""
    notes: str = ""
    notes_items: list[str] = field(default_factory=list)
    b_notes: str = ""
    template: str = "templates/promo-campaign"
    webhook: str = ""
    b_webhook: str = ""
    delivery: str = ""
    rule: str = ""
    b_rule: str = ""

    def names(self) -> list[str]:
        """Every resource name in the world, for strategies to aim at."""
        return [
            self.a,
            self.b,
            *self.people.values(),
            *self.tasks,
            *self.b_tasks,
            *self.dependencies,
            self.iteration,
            self.b_iteration,
            self.comment,
            self.time_entry,
            *self.key_names.values(),
            self.proposal,
            self.b_proposal,
            self.notes,
            self.b_notes,
            self.template,
            self.webhook,
            self.b_webhook,
            self.delivery,
            self.rule,
            self.b_rule,
            f"{self.a}/memberships/{self.people['executor']}",
        ]


def person(stack: Stack, person_id: str, display: str, **fields: Any) -> str:
    ok(
        stack,
        "PersonService.CreatePerson",
        person_service_pb2.CreatePersonRequest(
            person_id=person_id, person=person_pb2.Person(display_name=display, **fields)
        ),
    )
    return f"people/{person_id}"


def member(stack: Stack, project: str, who: str, *roles: str) -> None:
    ok(
        stack,
        "ProjectService.CreateMembership",
        project_service_pb2.CreateMembershipRequest(
            parent=project,
            membership=project_pb2.Membership(member=who, roles=[ROLES[r] for r in roles]),
        ),
    )


def new_key(stack: Stack, principal: str) -> tuple[str, str]:
    """(key name, secret) of a fresh key for `principal`."""
    reply = ok(
        stack,
        "ApiKeyService.CreateApiKey",
        api_key_service_pb2.CreateApiKeyRequest(api_key=api_key_pb2.ApiKey(principal=principal)),
    )
    return reply.api_key.name, reply.secret


def project(stack: Stack, project_id: str) -> str:
    ok(
        stack,
        "ProjectService.CreateProject",
        project_service_pb2.CreateProjectRequest(
            project_id=project_id,
            project=project_pb2.Project(
                display_name=project_id.title(),
                time_zone="UTC",
                start_date=START,
                deadline="2030-06-28",
            ),
        ),
    )
    return f"projects/{project_id}"


def task(stack: Stack, parent: str, title: str, **fields: Any) -> str:
    reply = ok(
        stack,
        "TaskService.CreateTask",
        task_service_pb2.CreateTaskRequest(
            parent=parent, task=task_pb2.Task(title=title, **fields)
        ),
    )
    return str(reply.task.name)


def depend(stack: Stack, parent: str, before: str, after: str) -> str:
    reply = ok(
        stack,
        "TaskService.CreateDependency",
        task_service_pb2.CreateDependencyRequest(
            parent=parent, dependency=task_pb2.Dependency(predecessor=before, successor=after)
        ),
    )
    return str(reply.dependency.name)


def iteration(stack: Stack, parent: str) -> str:
    reply = ok(
        stack,
        "ProjectService.CreateIteration",
        project_service_pb2.CreateIterationRequest(
            parent=parent,
            iteration=project_pb2.Iteration(
                display_name="Sprint 1", start_date=START, end_date="2030-03-15"
            ),
        ),
    )
    return str(reply.iteration.name)


def webhook(stack: Stack, parent: str, *event_types: str) -> str:
    reply = ok(
        stack,
        "AutomationService.CreateWebhook",
        automation_service_pb2.CreateWebhookRequest(
            parent=parent,
            webhook=webhook_pb2.Webhook(
                url=NOWHERE_URL, event_types=list(event_types), description="to nowhere"
            ),
        ),
    )
    return str(reply.webhook.name)


def quiet_rule() -> rule_pb2.Rule:
    """A valid rule that never fires during a test run: its trigger is an overdue task, and
    the stack looks for those once an hour."""
    return rule_pb2.Rule(
        display_name="Chase overdue work",
        description="Tell the managers",
        trigger=rule_pb2.TRIGGER_TASK_OVERDUE,
        conditions=[
            rule_pb2.Condition(
                field="priority", operator=rule_pb2.OPERATOR_IN, values=["high", "urgent"]
            )
        ],
        actions=[
            rule_pb2.Action(add_comment=rule_pb2.AddComment(body="{title} is overdue")),
            rule_pb2.Action(notify_managers=rule_pb2.NotifyManagers(message="{task} is late")),
        ],
    )


def rule(stack: Stack, parent: str, rule_id: str = "") -> str:
    reply = ok(
        stack,
        "AutomationService.CreateRule",
        automation_service_pb2.CreateRuleRequest(
            parent=parent, rule_id=rule_id or "r" + uuid.uuid4().hex[:10], rule=quiet_rule()
        ),
    )
    return str(reply.rule.name)


def first_delivery(stack: Stack, hook: str) -> str:
    """The name of `hook`'s first delivery, once the event reached the service."""
    deadline = time.monotonic() + 60
    while True:
        reply = ok(
            stack,
            "AutomationService.ListDeliveries",
            automation_service_pb2.ListDeliveriesRequest(parent=hook),
        )
        if reply.deliveries:
            return str(reply.deliveries[-1].name)
        assert time.monotonic() < deadline, f"{hook} got no delivery"
        time.sleep(0.2)


def build(
    stack: Stack, *, proposal: bool = False, notes: bool = False, automation: bool = False
) -> World:
    """A fresh world with ids of its own, so tests sharing a stack never see each other's."""
    tag = "w" + uuid.uuid4().hex[:8]
    world = World(tag=tag, a=project(stack, f"{tag}-a"), b=project(stack, f"{tag}-b"))
    if automation:
        # Subscribed before the tasks exist, so that the first task makes a delivery.
        world.webhook = webhook(stack, world.a, "core.task.created")
        world.b_webhook = webhook(stack, world.b, "automation.rule.fired")
        world.rule = rule(stack, world.a)
        world.b_rule = rule(stack, world.b)
    skills = [person_pb2.Skill(skill="copy", level=3), person_pb2.Skill(skill="ops", level=2)]
    for role, display in (
        ("manager", "Mia Manager"),
        ("executor", "Ana Executor"),
        ("reviewer", "Rey Reviewer"),
        ("viewer", "Vic Viewer"),
    ):
        private: dict[str, Any] = (
            {  # for the directory's rules: only managers see these
                "cost_rate": 55.0,
                "time_off": [
                    person_pb2.TimeOff(
                        start_date="2030-04-01", end_date="2030-04-05", reason="surgery"
                    )
                ],
            }
            if role == "executor"
            # The manager may create projects; the others may not (only admins by default).
            else {"project_creator": True}
            if role == "manager"
            else {}
        )
        world.people[role] = person(stack, f"{tag}-{role}", display, skills=skills, **private)
        member(stack, world.a, world.people[role], role)
    world.people["outsider"] = person(stack, f"{tag}-outsider", "Bo Outsider", skills=skills)
    member(stack, world.b, world.people["outsider"], "manager")
    for who, principal in world.people.items():
        world.key_names[who], world.keys[who] = new_key(stack, principal)
    world.key_names["revoked"], world.keys["revoked"] = new_key(stack, world.people["manager"])
    # A service that acts for people (like planner and nlp): acting for someone, it must get
    # exactly their answers.
    deputy = ok(
        stack,
        "ApiKeyService.CreateApiKey",
        api_key_service_pb2.CreateApiKeyRequest(
            api_key=api_key_pb2.ApiKey(
                principal=f"services/{tag}-deputy",
                scopes=[
                    api_key_pb2.SERVICE_SCOPE_READ_PROJECTS,
                    api_key_pb2.SERVICE_SCOPE_ACT_FOR_PEOPLE,
                ],
            )
        ),
    )
    world.key_names["deputy"], world.keys["deputy"] = deputy.api_key.name, deputy.secret
    ok(
        stack,
        "ApiKeyService.RevokeApiKey",
        api_key_service_pb2.RevokeApiKeyRequest(name=world.key_names["revoked"]),
    )
    world.iteration = iteration(stack, world.a)
    world.b_iteration = iteration(stack, world.b)
    for i, title in enumerate(("Write copy", "Design banner", "Publish page", "Send mailing")):
        world.tasks.append(
            task(
                stack,
                world.a,
                title,
                estimate_hours=8 + 4 * i,
                required_skills=[person_pb2.Skill(skill="copy", level=2)],
                due_date="2030-03-29",
                assignee=world.people["executor"] if i == 3 else "",
                labels=["launch"],
                iteration=world.iteration if i == 0 else "",
            )
        )
    for before, after in zip(world.tasks, world.tasks[1:3], strict=False):
        world.dependencies.append(depend(stack, world.a, before, after))
    for title in ("Other work", "More other work"):
        world.b_tasks.append(task(stack, world.b, title, estimate_hours=8))
    world.dependencies.append(depend(stack, world.b, world.b_tasks[0], world.b_tasks[1]))
    reply = ok(
        stack,
        "TaskService.CreateComment",
        task_service_pb2.CreateCommentRequest(
            parent=world.tasks[0], comment=task_pb2.Comment(body="first draft is up")
        ),
    )
    world.comment = reply.comment.name
    reply = ok(
        stack,
        "TaskService.CreateTimeEntry",
        task_service_pb2.CreateTimeEntryRequest(
            parent=world.tasks[0],
            time_entry=task_pb2.TimeEntry(
                person=world.people["executor"], work_date=START, hours=2.5
            ),
        ),
    )
    world.time_entry = reply.time_entry.name
    if proposal:
        world.proposal = propose(stack, world.a)
        world.b_proposal = propose(stack, world.b)
    if notes:
        world.notes, world.notes_items = extract(stack, world.a)
        world.b_notes, _ = extract(stack, world.b)
    if automation:
        world.delivery = first_delivery(stack, world.webhook)
    return world


def propose(stack: Stack, parent: str, *, key: str | None = None) -> str:
    reply = ok(
        stack,
        "PlannerService.ProposeSchedule",
        planner_service_pb2.ProposeScheduleRequest(project=parent, time_limit_seconds=2),
        key=key,
    )
    return str(reply.proposal.name)


def extract(stack: Stack, parent: str, *, key: str | None = None) -> tuple[str, list[str]]:
    reply = ok(
        stack,
        "NlpService.ExtractActionItems",
        nlp_service_pb2.ExtractActionItemsRequest(
            project=parent, text=NOTES, meeting_date="2030-03-06", language="en"
        ),
        key=key,
    )
    return str(reply.notes.name), [i.id for i in reply.notes.items]


def rpc(name: str) -> Rpc:
    return RPCS[name]
