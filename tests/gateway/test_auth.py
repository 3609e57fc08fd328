"""Every route's authentication and roles through the gateway: no key and a bad key are 401,
the wrong role is 403, against the real services."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.gateway.conftest import GatewayStack, Http, fresh

Body = dict[str, Any]


@dataclass(frozen=True)
class World:
    """One project with a task, an iteration, notes and members; ids of this test run's own."""

    project: str
    task: str
    other_task: str
    iteration: str
    other_person: str
    admin_key_name: str

    @property
    def parent(self) -> str:
        return f"projects/{self.project}"


# Who is refused with 403: a member with only the viewer role (for writes), or a person who is
# no member at all (for reads). Routes any key may call are listed in OPEN.
VIEWER = "viewer"
STRANGER = "stranger"

ROUTES: dict[str, tuple[str, Callable[[World], Body]]] = {
    "planops.core.v1.ApiKeyService/CreateApiKey": (
        STRANGER,
        lambda w: {"apiKey": {"principal": w.other_person}},
    ),
    "planops.core.v1.ApiKeyService/ListApiKeys": (
        STRANGER,
        lambda w: {"principal": w.other_person},
    ),
    "planops.core.v1.ApiKeyService/RevokeApiKey": (STRANGER, lambda w: {"name": w.admin_key_name}),
    "planops.core.v1.AuditService/ListAuditEntries": (STRANGER, lambda w: {"project": w.parent}),
    # A project's calendar feed is for its members.
    "planops.core.v1.CalendarFeedService/CreateCalendarFeed": (
        STRANGER,
        lambda w: {"calendarFeed": {"subject": w.parent}},
    ),
    # Only a feed's own secret reads it; an API key, whoever holds it, is refused.
    "planops.core.v1.CalendarFeedService/ReadCalendarFeed": (STRANGER, lambda w: {}),
    "planops.core.v1.PersonService/CreatePerson": (
        VIEWER,
        lambda w: {"personId": fresh("p"), "person": {"displayName": "New"}},
    ),
    "planops.core.v1.PersonService/DeletePerson": (VIEWER, lambda w: {"name": w.other_person}),
    # The directory is for those who share a project with the person.
    "planops.core.v1.PersonService/GetPerson": (STRANGER, lambda w: {"name": w.other_person}),
    "planops.core.v1.PersonService/ListPeople": (STRANGER, lambda w: {"project": w.parent}),
    "planops.core.v1.PersonService/UpdatePerson": (
        VIEWER,
        lambda w: {
            "person": {"name": w.other_person, "displayName": "X"},
            "updateMask": "displayName",
        },
    ),
    "planops.core.v1.ProjectService/CreateIteration": (
        VIEWER,
        lambda w: {
            "parent": w.parent,
            "iteration": {"displayName": "S2", "startDate": "2030-03-04", "endDate": "2030-03-15"},
        },
    ),
    "planops.core.v1.ProjectService/CreateMembership": (
        VIEWER,
        lambda w: {
            "parent": w.parent,
            "membership": {"member": w.other_person, "roles": ["ROLE_VIEWER"]},
        },
    ),
    "planops.core.v1.ProjectService/DeleteIteration": (VIEWER, lambda w: {"name": w.iteration}),
    "planops.core.v1.ProjectService/DeleteMembership": (
        VIEWER,
        lambda w: {"name": f"{w.parent}/memberships/{w.other_person}"},
    ),
    "planops.core.v1.ProjectService/DeleteProject": (VIEWER, lambda w: {"name": w.parent}),
    "planops.core.v1.ProjectService/GetProject": (STRANGER, lambda w: {"name": w.parent}),
    "planops.core.v1.ProjectService/ListIterations": (STRANGER, lambda w: {"parent": w.parent}),
    "planops.core.v1.ProjectService/ListMemberships": (STRANGER, lambda w: {"parent": w.parent}),
    "planops.core.v1.ProjectService/UpdateMembership": (
        VIEWER,
        lambda w: {
            "membership": {
                "name": f"{w.parent}/memberships/{w.other_person}",
                "roles": ["ROLE_MANAGER"],
            },
            "updateMask": "roles",
        },
    ),
    "planops.core.v1.ProjectService/UpdateProject": (
        VIEWER,
        lambda w: {
            "project": {"name": w.parent, "displayName": "Renamed"},
            "updateMask": "displayName",
        },
    ),
    "planops.core.v1.ReportService/GetReport": (STRANGER, lambda w: {"project": w.parent}),
    "planops.core.v1.TaskService/BatchCreateTasks": (
        VIEWER,
        lambda w: {"parent": w.parent, "requests": [{"task": {"title": "A"}}]},
    ),
    "planops.core.v1.TaskService/CreateComment": (
        VIEWER,
        lambda w: {"parent": w.task, "comment": {"body": "hello"}},
    ),
    "planops.core.v1.TaskService/CreateDependency": (
        VIEWER,
        lambda w: {
            "parent": w.parent,
            "dependency": {"predecessor": w.task, "successor": w.other_task},
        },
    ),
    "planops.core.v1.TaskService/CreateTask": (
        VIEWER,
        lambda w: {"parent": w.parent, "task": {"title": "New"}},
    ),
    "planops.core.v1.TaskService/CreateTimeEntry": (
        VIEWER,
        lambda w: {"parent": w.task, "timeEntry": {"hours": 1, "workDate": "2030-03-04"}},
    ),
    "planops.core.v1.TaskService/DeleteDependency": (
        VIEWER,
        lambda w: {"name": f"{w.parent}/dependencies/1"},
    ),
    "planops.core.v1.TaskService/DeleteTask": (VIEWER, lambda w: {"name": w.task}),
    "planops.core.v1.TaskService/GetTask": (STRANGER, lambda w: {"name": w.task}),
    "planops.core.v1.TaskService/ListComments": (STRANGER, lambda w: {"parent": w.task}),
    "planops.core.v1.TaskService/ListDependencies": (STRANGER, lambda w: {"parent": w.parent}),
    "planops.core.v1.TaskService/ListTaskTransitions": (STRANGER, lambda w: {"parent": w.task}),
    "planops.core.v1.TaskService/ListTasks": (STRANGER, lambda w: {"parent": w.parent}),
    "planops.core.v1.TaskService/ListTimeEntries": (STRANGER, lambda w: {"parent": w.task}),
    "planops.core.v1.TaskService/TransitionTask": (
        VIEWER,
        lambda w: {"name": w.task, "toState": "submitted"},
    ),
    "planops.core.v1.TaskService/UpdateTask": (
        VIEWER,
        lambda w: {"task": {"name": w.task, "title": "Renamed"}, "updateMask": "title"},
    ),
    "planops.core.v1.TemplateService/CreateTemplate": (
        VIEWER,
        lambda w: {
            "templateId": fresh("t"),
            "template": {
                "displayName": "T",
                "tasks": [{"key": "a", "title": "A", "durationDays": 1, "estimateHours": 4}],
            },
        },
    ),
    "planops.core.v1.TemplateService/DeleteTemplate": (
        VIEWER,
        lambda w: {"name": "templates/promo-campaign"},
    ),
    "planops.nlp.v1.NlpService/ExtractActionItems": (
        VIEWER,
        lambda w: {
            "project": w.parent,
            "text": "Ana will write the copy by Friday.",
            "meetingDate": "2030-03-04",
        },
    ),
    "planops.nlp.v1.NlpService/GetNotes": (STRANGER, lambda w: {"name": f"{w.parent}/notes/1"}),
    "planops.nlp.v1.NlpService/AcceptActionItems": (
        VIEWER,
        lambda w: {"name": f"{w.parent}/notes/1", "items": [{"id": "item-1"}]},
    ),
    "planops.planner.v1.PlannerService/ProposeSchedule": (
        VIEWER,
        lambda w: {"project": w.parent, "timeLimitSeconds": 1},
    ),
    "planops.planner.v1.PlannerService/GetProposal": (
        STRANGER,
        lambda w: {"name": f"{w.parent}/proposals/1"},
    ),
    "planops.planner.v1.PlannerService/ListProposals": (STRANGER, lambda w: {"parent": w.parent}),
    "planops.planner.v1.PlannerService/AcceptProposal": (
        VIEWER,
        lambda w: {"name": f"{w.parent}/proposals/1"},
    ),
    "planops.planner.v1.PlannerService/RejectProposal": (
        VIEWER,
        lambda w: {"name": f"{w.parent}/proposals/1"},
    ),
    "planops.risk.v1.RiskService/ForecastProject": (STRANGER, lambda w: {"project": w.parent}),
    "planops.risk.v1.RiskService/GetTaskRisk": (STRANGER, lambda w: {"task": w.task}),
    "planops.risk.v1.RiskService/ListAlerts": (STRANGER, lambda w: {"project": w.parent}),
    "planops.risk.v1.RiskService/ListTaskRisks": (STRANGER, lambda w: {"project": w.parent}),
    "planops.risk.v1.RiskService/RebuildHistory": (VIEWER, lambda w: {"projects": [w.parent]}),
    "planops.risk.v1.RiskService/TrainModel": (VIEWER, lambda w: {}),
    # Making a project (and so managing it) takes the project_creator right or an admin.
    "planops.core.v1.ProjectService/CreateProject": (
        STRANGER,
        lambda w: {"projectId": fresh("np"), "project": {"displayName": "New"}},
    ),
    "planops.core.v1.TemplateService/InstantiateTemplate": (
        STRANGER,
        lambda w: {
            "template": "templates/promo-campaign",
            "projectId": fresh("ip"),
            "project": {"displayName": "From a template"},
            "anchorDate": "2030-03-04",
        },
    ),
}

# Any valid key may call these: they answer about the caller or list what the caller may see.
OPEN: dict[str, Callable[[World], Body]] = {
    "planops.core.v1.ApiKeyService/GetCaller": lambda w: {},
    "planops.core.v1.CalendarFeedService/ListCalendarFeeds": lambda w: {},
    "planops.core.v1.ProjectService/ListProjects": lambda w: {},
    "planops.core.v1.TemplateService/GetTemplate": lambda w: {"name": "templates/promo-campaign"},
    "planops.core.v1.TemplateService/ListTemplates": lambda w: {},
    "planops.risk.v1.RiskService/ListModels": lambda w: {},
}

# Another person's resource answers as if it did not exist (its name says nothing).
NOT_YOURS: dict[str, Callable[[World], Body]] = {
    "planops.core.v1.CalendarFeedService/RevokeCalendarFeed": lambda w: {
        "name": "calendarFeeds/000000000000"
    },
}

# No request reaches a service's logic without a key it accepts.
DUMMY = World(
    project="nowhere",
    task="projects/nowhere/tasks/1",
    other_task="projects/nowhere/tasks/2",
    iteration="projects/nowhere/iterations/1",
    other_person="people/nobody",
    admin_key_name="apiKeys/000000000000",
)
BAD_KEYS = ["not-a-key", "planops_000000000000_" + "x" * 43]


def body_of(rpc: str, world: World) -> Body:
    if rpc in OPEN:
        return OPEN[rpc](world)
    if rpc in NOT_YOURS:
        return NOT_YOURS[rpc](world)
    return ROUTES[rpc][1](world)


ALL = sorted([*ROUTES, *OPEN, *NOT_YOURS])


@dataclass
class People:
    world: World
    keys: dict[str, str]


@pytest.fixture
async def people(http: Http) -> People:
    project = fresh("auth")
    await http.ok(
        "planops.core.v1.ProjectService/CreateProject",
        {"projectId": project, "project": {"displayName": "Auth", "startDate": "2030-03-04"}},
    )
    tasks = [
        await http.ok(
            "planops.core.v1.TaskService/CreateTask",
            {"parent": f"projects/{project}", "task": {"title": title, "estimateHours": 4}},
        )
        for title in ("Write copy", "Review copy")
    ]
    iteration = await http.ok(
        "planops.core.v1.ProjectService/CreateIteration",
        {
            "parent": f"projects/{project}",
            "iteration": {"displayName": "S1", "startDate": "2030-03-04", "endDate": "2030-03-15"},
        },
    )
    keys: dict[str, str] = {}
    ids = {VIEWER: fresh("viewer"), STRANGER: fresh("stranger"), "other": fresh("other")}
    for role, person in ids.items():
        await http.ok(
            "planops.core.v1.PersonService/CreatePerson",
            {"personId": person, "person": {"displayName": person}},
        )
        created = await http.ok(
            "planops.core.v1.ApiKeyService/CreateApiKey",
            {"apiKey": {"principal": f"people/{person}"}},
        )
        keys[role] = created["secret"]
    for member, roles in ((ids[VIEWER], ["ROLE_VIEWER"]), (ids["other"], ["ROLE_EXECUTOR"])):
        await http.ok(
            "planops.core.v1.ProjectService/CreateMembership",
            {
                "parent": f"projects/{project}",
                "membership": {"member": f"people/{member}", "roles": roles},
            },
        )
    caller = await http.ok("planops.core.v1.ApiKeyService/GetCaller")
    world = World(
        project=project,
        task=tasks[0]["task"]["name"],
        other_task=tasks[1]["task"]["name"],
        iteration=iteration["iteration"]["name"],
        other_person=f"people/{ids['other']}",
        admin_key_name=caller["apiKey"]["name"],
    )
    return People(world=world, keys=keys)


def test_the_tables_cover_every_route(gateway_stack: GatewayStack) -> None:
    with urllib.request.urlopen(f"{gateway_stack.url}/openapi.json") as response:
        served = {p.removeprefix("/api/") for p in json.load(response)["paths"]}
    assert served == set(ALL)
    assert not set(ROUTES) & set(OPEN) and not set(NOT_YOURS) & (set(ROUTES) | set(OPEN))


@pytest.mark.parametrize("rpc", ALL)
async def test_no_key_is_401(http: Http, rpc: str) -> None:
    status, reply = await http.rpc(rpc, body_of(rpc, DUMMY), key=None)
    assert status == 401, reply
    assert reply["code"] == "unauthenticated"
    assert reply["reason"] == "API_KEY_MISSING"


@pytest.mark.parametrize("rpc", ALL)
async def test_a_bad_key_is_401(http: Http, rpc: str) -> None:
    for key in BAD_KEYS:
        status, reply = await http.rpc(rpc, body_of(rpc, DUMMY), key=key)
        assert status == 401, (key, reply)
        assert reply["code"] == "unauthenticated"
        assert reply["reason"] in {"API_KEY_INVALID", "API_KEY_UNKNOWN"}, reply


@pytest.mark.parametrize("rpc", sorted(ROUTES))
async def test_the_wrong_role_is_403(http: Http, people: People, rpc: str) -> None:
    who, body = ROUTES[rpc]
    status, reply = await http.rpc(rpc, body(people.world), key=people.keys[who])
    assert status == 403, reply
    assert reply["code"] == "permission_denied"
    assert reply["reason"] in {
        "ROLE_REQUIRED",
        "ADMIN_REQUIRED",
        "PERSON_NOT_VISIBLE",
        "PROJECT_CREATOR_REQUIRED",
        "CALENDAR_FEED_SECRET_REQUIRED",
    }, reply


async def test_another_persons_feed_cannot_be_revoked(http: Http, people: People) -> None:
    rpc = "planops.core.v1.CalendarFeedService/RevokeCalendarFeed"
    made = await http.ok(
        "planops.core.v1.CalendarFeedService/CreateCalendarFeed", {}, key=people.keys["other"]
    )
    mine = {"name": made["calendarFeed"]["name"]}
    status, reply = await http.rpc(rpc, mine, key=people.keys[STRANGER])
    assert status == 404, reply
    status, reply = await http.rpc(rpc, NOT_YOURS[rpc](people.world), key=people.keys[STRANGER])
    assert status == 404, reply
    # The owner still can.
    assert (await http.ok(rpc, mine, key=people.keys["other"]))["calendarFeed"]["revokeTime"]


@pytest.mark.parametrize("rpc", sorted(OPEN))
async def test_open_routes_answer_any_valid_key(http: Http, people: People, rpc: str) -> None:
    status, reply = await http.rpc(rpc, OPEN[rpc](people.world), key=people.keys[STRANGER])
    assert status == 200, reply
