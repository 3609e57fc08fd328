"""The gateway against real core, planner, risk and nlp services: JSON in and out, errors as
HTTP statuses with the field named, headers forwarded, health and the console."""

from __future__ import annotations

import uuid

import aiohttp
import pytest

from tests.gateway.conftest import Http, fresh

TASKS = "planops.core.v1.TaskService"
PROJECTS = "planops.core.v1.ProjectService"
PEOPLE = "planops.core.v1.PersonService"


async def new_project(http: Http, **fields: object) -> str:
    project = fresh("gw")
    await http.ok(
        f"{PROJECTS}/CreateProject",
        {
            "projectId": project,
            "project": {"displayName": "Gateway", "startDate": "2030-03-04", **fields},
        },
    )
    return project


async def test_core_round_trip_in_proto3_json(http: Http) -> None:
    project = fresh("gw")
    # The proto's own field names are accepted as well as lowerCamelCase.
    created = await http.ok(
        f"{PROJECTS}/CreateProject",
        {"project_id": project, "project": {"display_name": "Round trip", "time_zone": "UTC"}},
    )
    assert created["project"]["name"] == f"projects/{project}"
    assert created["project"]["displayName"] == "Round trip"
    task = (
        await http.ok(
            f"{TASKS}/CreateTask",
            {
                "parent": f"projects/{project}",
                "task": {
                    "title": "Write the copy 写文案",
                    "estimateHours": 6.5,
                    "priority": "PRIORITY_HIGH",
                    "requiredSkills": [{"skill": "copy", "level": 2}],
                    "dueDate": "2030-03-20",
                },
            },
        )
    )["task"]
    assert task["title"] == "Write the copy 写文案"
    assert task["priority"] == "PRIORITY_HIGH"
    assert task["requiredSkills"] == [{"skill": "copy", "level": 2}]
    # Fields at their defaults are printed, so a client need not know proto3's defaults.
    assert task["description"] == ""
    assert task["labels"] == []
    assert task["locked"] is False
    assert task["source"] == "TASK_SOURCE_MANUAL"
    assert task["createTime"].endswith("Z")

    got = (await http.ok(f"{TASKS}/GetTask", {"name": task["name"]}))["task"]
    assert got == task

    updated = (
        await http.ok(
            f"{TASKS}/UpdateTask",
            {
                "task": {
                    "name": task["name"],
                    "title": "Write the copy",
                    "estimateHours": 8,
                    "etag": task["etag"],
                },
                "updateMask": "title,estimateHours",
            },
        )
    )["task"]
    assert (updated["title"], updated["estimateHours"]) == ("Write the copy", 8.0)
    assert updated["etag"] != task["etag"]

    moved = (
        await http.ok(f"{TASKS}/TransitionTask", {"name": task["name"], "toState": "submitted"})
    )["task"]
    assert moved["state"] == "submitted"

    listed = await http.ok(f"{TASKS}/ListTasks", {"parent": f"projects/{project}", "pageSize": 10})
    assert [t["name"] for t in listed["tasks"]] == [task["name"]]
    assert listed["nextPageToken"] == ""


async def test_planner_risk_and_nlp_round_trips(http: Http) -> None:
    project = await new_project(http, deadline="2030-04-30")
    person = fresh("lin")
    await http.ok(
        f"{PEOPLE}/CreatePerson",
        {
            "personId": person,
            "person": {
                "displayName": "Lin Wei",
                "skills": [{"skill": "copy", "level": 3}],
                "aliases": ["Lin"],
            },
        },
    )
    await http.ok(
        f"{PROJECTS}/CreateMembership",
        {
            "parent": f"projects/{project}",
            "membership": {"member": f"people/{person}", "roles": ["ROLE_EXECUTOR"]},
        },
    )
    names = []
    for title in ("Draft the copy", "Polish the copy"):
        reply = await http.ok(
            f"{TASKS}/CreateTask",
            {
                "parent": f"projects/{project}",
                "task": {
                    "title": title,
                    "estimateHours": 8,
                    "requiredSkills": [{"skill": "copy", "level": 1}],
                },
            },
        )
        names.append(reply["task"]["name"])
    await http.ok(
        f"{TASKS}/CreateDependency",
        {
            "parent": f"projects/{project}",
            "dependency": {"predecessor": names[0], "successor": names[1]},
        },
    )

    proposal = (
        await http.ok(
            "planops.planner.v1.PlannerService/ProposeSchedule",
            {"project": f"projects/{project}", "timeLimitSeconds": 5},
        )
    )["proposal"]
    assert proposal["state"] == "PROPOSAL_STATE_OPEN"
    items = {item["task"]: item for item in proposal["items"]}
    assert set(items) == set(names)
    assert {item["assignee"] for item in items.values()} == {f"people/{person}"}
    assert items[names[0]]["endDate"] < items[names[1]]["startDate"]
    assert proposal["criticalPath"] == names
    accepted = await http.ok(
        "planops.planner.v1.PlannerService/AcceptProposal", {"name": proposal["name"]}
    )
    assert accepted["proposal"]["state"] == "PROPOSAL_STATE_ACCEPTED"
    task = (await http.ok(f"{TASKS}/GetTask", {"name": names[0]}))["task"]
    assert task["assignee"] == f"people/{person}"

    forecast = (
        await http.ok(
            "planops.risk.v1.RiskService/ForecastProject",
            {"project": f"projects/{project}", "samples": 200},
        )
    )["forecast"]
    assert forecast["project"] == f"projects/{project}"
    assert forecast["samples"] == 200
    assert 0 <= forecast["probabilityOnTime"] <= 1
    assert forecast["finishP50Date"] <= forecast["finishP80Date"]

    notes = (
        await http.ok(
            "planops.nlp.v1.NlpService/ExtractActionItems",
            {
                "project": f"projects/{project}",
                "text": "Lin will write the launch email by Friday.",
                "meetingDate": "2030-03-04",
            },
        )
    )["notes"]
    assert len(notes["items"]) == 1
    item = notes["items"][0]
    assert item["owner"] == f"people/{person}"
    assert item["dueDate"] == "2030-03-08"
    created = await http.ok(
        "planops.nlp.v1.NlpService/AcceptActionItems",
        {"name": notes["name"], "items": [{"id": item["id"]}]},
    )
    assert len(created["tasks"]) == 1
    task = (await http.ok(f"{TASKS}/GetTask", {"name": created["tasks"][0]}))["task"]
    assert task["source"] == "TASK_SOURCE_NOTES"
    assert task["assignee"] == f"people/{person}"


async def test_a_report_round_trip(http: Http) -> None:
    project = await new_project(http)
    await http.ok(
        f"{TASKS}/CreateTask",
        {"parent": f"projects/{project}", "task": {"title": "Plan", "estimateHours": 5}},
    )
    today = (await http.ok(f"{PROJECTS}/GetProject", {"name": f"projects/{project}"}))["project"]
    report = (
        await http.ok(
            "planops.core.v1.ReportService/GetReport",
            {"project": f"projects/{project}", "asOfDate": "2030-03-06"},
        )
    )["report"]
    assert today["startDate"] == report["startDate"] == "2030-03-04"
    assert report["asOfDate"] == "2030-03-06"
    assert report["taskCount"] == 1
    assert [p["date"] for p in report["burndown"]] == ["2030-03-04", "2030-03-05", "2030-03-06"]
    # Made today, before the span: the task counts on every day of it.
    assert {p["remainingHours"] for p in report["burndown"]} == {5}
    assert report["overdue"] == [] and report["lateDoneTasks"] == 0
    assert report["hoursAndCost"]["plannedHours"] == 5
    assert report["hoursAndCost"]["unpricedPlannedHours"] == 5
    assert report["stateTimes"][0]["state"] == "draft"
    assert report["cycleTime"]["doneTasks"] == 0


async def test_a_refused_field_is_400_naming_it(http: Http) -> None:
    project = await new_project(http)
    status, reply = await http.rpc(
        f"{TASKS}/CreateTask",
        {"parent": f"projects/{project}", "task": {"title": "", "estimateHours": -1}},
    )
    assert status == 400
    assert reply["code"] == "invalid_argument"
    assert reply["reason"] == "INVALID_FIELDS"
    assert {d["field"] for d in reply["details"]} == {"task.title", "task.estimate_hours"}
    listed = await http.ok(f"{TASKS}/ListTasks", {"parent": f"projects/{project}"})
    assert listed["tasks"] == []


async def test_json_that_does_not_fit_the_message_is_400_naming_the_field(http: Http) -> None:
    project = await new_project(http)
    cases = {
        "task.titel": {"parent": f"projects/{project}", "task": {"titel": "typo"}},
        "task.estimateHours": {"parent": f"projects/{project}", "task": {"estimateHours": "x"}},
        "task.priority": {"parent": f"projects/{project}", "task": {"priority": "PRIORITY_HUGE"}},
        "task.labels": {"parent": f"projects/{project}", "task": {"labels": "one"}},
    }
    for field, body in cases.items():
        status, reply = await http.rpc(f"{TASKS}/CreateTask", body)
        assert status == 400, (field, reply)
        assert reply["reason"] == "INVALID_JSON_FIELD"
        assert [d["field"] for d in reply["details"]] == [field], reply


async def test_a_body_that_is_not_a_json_object_is_400(http: Http) -> None:
    url = f"{http.stack.url}/api/{TASKS}/ListTasks"
    headers = {"Authorization": f"Bearer {http.stack.admin_key}"}
    for raw in (b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"):
        async with http.session.post(url, data=raw, headers=headers) as response:
            reply = await response.json()
            assert response.status == 400, (raw, reply)
            assert reply["reason"] == "MALFORMED_JSON"


async def test_a_deeply_nested_body_is_400_not_500(
    http: Http, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"{http.stack.url}/api/{TASKS}/ListTasks"
    headers = {"Authorization": f"Bearer {http.stack.admin_key}"}
    deep = 100_000
    for raw in (b"[" * deep, b"{" * deep, b'{"a":' * deep, b'{"parent":' + b"[" * deep):
        async with http.session.post(url, data=raw, headers=headers) as response:
            reply = await response.json()
            assert response.status == 400, (raw[:20], reply)
            assert reply["code"] == "invalid_argument"
            assert "body" in reply["message"]
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text


async def test_a_body_over_the_limit_is_413(http: Http) -> None:
    from services.gateway.app import MAX_BODY_BYTES

    async with http.session.post(
        f"{http.stack.url}/api/{TASKS}/ListTasks",
        data=b'{"parent": "' + b"x" * MAX_BODY_BYTES + b'"}',
        headers={"Authorization": f"Bearer {http.stack.admin_key}"},
    ) as response:
        assert response.status == 413
        assert (await response.json())["reason"] == "BODY_TOO_LARGE"


async def test_missing_things_are_404(http: Http) -> None:
    project = await new_project(http)
    status, reply = await http.rpc(f"{TASKS}/GetTask", {"name": f"projects/{project}/tasks/999999"})
    assert (status, reply["code"]) == (404, "not_found")
    status, reply = await http.rpc("planops.core.v1.NoSuchService/Get", {})
    assert (status, reply["reason"]) == (404, "UNKNOWN_RPC")
    async with http.session.get(f"{http.stack.url}/api/{TASKS}/GetTask") as response:
        assert response.status == 405
        assert (await response.json())["reason"] == "METHOD_NOT_ALLOWED"


async def test_conflicts_are_409(http: Http) -> None:
    project = await new_project(http)
    status, reply = await http.rpc(
        f"{PROJECTS}/CreateProject", {"projectId": project, "project": {"displayName": "Again"}}
    )
    assert (status, reply["code"]) == (409, "already_exists")
    task = (
        await http.ok(
            f"{TASKS}/CreateTask", {"parent": f"projects/{project}", "task": {"title": "A"}}
        )
    )["task"]
    await http.ok(
        f"{TASKS}/UpdateTask",
        {"task": {"name": task["name"], "title": "B", "etag": task["etag"]}, "updateMask": "title"},
    )
    status, reply = await http.rpc(
        f"{TASKS}/UpdateTask",
        {"task": {"name": task["name"], "title": "C", "etag": task["etag"]}, "updateMask": "title"},
    )
    assert (status, reply["code"], reply["reason"]) == (409, "aborted", "ETAG_MISMATCH")


async def test_a_move_the_workflow_lacks_is_400_failed_precondition(http: Http) -> None:
    project = await new_project(http)
    task = (
        await http.ok(
            f"{TASKS}/CreateTask", {"parent": f"projects/{project}", "task": {"title": "A"}}
        )
    )["task"]
    status, reply = await http.rpc(
        f"{TASKS}/TransitionTask", {"name": task["name"], "toState": "done"}
    )
    assert (status, reply["code"]) == (400, "failed_precondition")


async def test_request_id_and_planops_headers_reach_the_audit_log(http: Http) -> None:
    project = await new_project(http)
    person = fresh("ana")
    await http.ok(f"{PEOPLE}/CreatePerson", {"personId": person, "person": {"displayName": "Ana"}})
    service_key = (
        await http.ok(
            "planops.core.v1.ApiKeyService/CreateApiKey",
            {"apiKey": {"principal": f"services/{fresh('erp')}", "admin": True}},
        )
    )["secret"]
    request_id = uuid.uuid4().hex
    async with http.session.post(
        f"{http.stack.url}/api/{TASKS}/CreateTask",
        json={"parent": f"projects/{project}", "task": {"title": "From the ERP"}},
        headers={
            "Authorization": f"Bearer {service_key}",
            "X-Request-Id": request_id,
            "X-Planops-On-Behalf-Of": f"people/{person}",
            "X-Planops-Reference": "erp/order/42",
        },
    ) as response:
        assert response.status == 200, await response.text()
        assert response.headers["X-Request-Id"] == request_id
    entries = (
        await http.ok(
            "planops.core.v1.AuditService/ListAuditEntries",
            {"project": f"projects/{project}", "action": "create"},
        )
    )["entries"]
    entry = next(e for e in entries if e["requestId"] == request_id)
    assert entry["actor"]["onBehalfOf"] == f"people/{person}"
    assert entry["actor"]["reference"] == "erp/order/42"
    # Without one, the gateway makes a request id and says which.
    async with http.session.post(
        f"{http.stack.url}/api/planops.core.v1.ApiKeyService/GetCaller", json={}
    ) as response:
        assert len(response.headers["X-Request-Id"]) == 32


async def test_health_openapi_and_console(http: Http) -> None:
    async with http.session.get(f"{http.stack.url}/healthz") as response:
        health = await response.json()
    assert response.status == 200
    assert health["status"] == "SERVING"
    assert set(health["services"]) == set(http.stack.services)
    async with http.session.get(f"{http.stack.url}/readyz") as response:
        assert response.status == 200
    async with http.session.get(f"{http.stack.url}/openapi.json") as response:
        document = await response.json()
    assert document["openapi"] == "3.1.0"
    assert f"/api/{TASKS}/CreateTask" in document["paths"]
    async with http.session.get(f"{http.stack.url}/") as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert "<html" in await response.text()
    # Every response, the console's files and the API's errors alike, carries them.
    for path in ("/", "/static/js/app.js", "/healthz", "/api/nothing/Here", "/missing"):
        async with http.session.get(f"{http.stack.url}{path}") as response:
            headers = response.headers
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path


async def test_an_unreachable_service_is_503(http: Http) -> None:
    from services.gateway.app import running_gateway
    from services.gateway.backends import BACKENDS
    from services.gateway.config import Config

    backends = tuple(b for b in BACKENDS if b.service.endswith("TaskService"))
    config = Config(
        address="127.0.0.1:0",
        addresses={b.service: "127.0.0.1:1" for b in backends},
        log_level="INFO",
        backends=backends,
    )
    async with running_gateway(config) as gateway, aiohttp.ClientSession() as session:
        async with session.post(f"{gateway.url}/api/{TASKS}/GetTask", json={}) as response:
            assert response.status == 503
            assert (await response.json())["code"] == "unavailable"
        async with session.get(f"{gateway.url}/readyz") as response:
            assert response.status == 503
            assert (await response.json())["services"] == {f"{TASKS}": "UNREACHABLE"}
