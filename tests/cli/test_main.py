"""The `planops` command against a real core; each call runs in a thread so the core,
on the test's event loop, keeps serving while the synchronous CLI waits for it."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from services.cli import client
from services.cli.main import app
from tests.conftest import CoreUnderTest

runner = CliRunner()


def environment(address: str, home: Path, key: str | None = None) -> dict[str, str | None]:
    return {
        "PLANOPS_CORE_ADDRESS": address,
        "PLANOPS_HOME": str(home),
        "PLANOPS_API_KEY": key,
        "COLUMNS": "160",
    }


async def planops(core: CoreUnderTest, *args: str, key: str | None = None) -> Result:
    """Runs the CLI with the admin key read from the core's home, as after `planops up`."""
    env = environment(f"127.0.0.1:{core.port}", core.home, key)
    return await asyncio.to_thread(lambda: runner.invoke(app, list(args), env=env))


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def one_error_line(result: Result, exit_code: int) -> str:
    assert result.exit_code == exit_code, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


async def test_project_person_and_task_through_the_workflow(core: CoreUnderTest) -> None:
    ok(
        await planops(
            core, "projects", "create", "promo", "--name", "Promo", "--time-zone", "Asia/Shanghai"
        )
    )
    ok(
        await planops(
            core, "people", "create", "alice", "--name", "Alice", "--skill", "copywriting:3"
        )
    )
    ok(await planops(core, "members", "add", "promo", "alice", "--role", "executor"))
    created = ok(
        await planops(
            core,
            "tasks",
            "create",
            "promo",
            "Write copy",
            "--assignee",
            "alice",
            "--due",
            "2030-01-15",
            "--priority",
            "high",
            "--skill",
            "copywriting:2",
        )
    )
    assert "promo/1" in created and "draft" in created

    listed = ok(await planops(core, "tasks", "list", "promo"))
    row = next(line for line in listed.splitlines() if "Write copy" in line)
    for cell in ("1", "draft", "alice", "2030-01-15", "high"):
        assert cell in row

    for before, after in [
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "scheduled"),
        ("scheduled", "in_progress"),
    ]:
        moved = ok(await planops(core, "tasks", "move", "promo/1", after, "--comment", "go"))
        assert f"{before} → {after}" in moved

    ok(await planops(core, "tasks", "update", "promo/1", "--splittable"))
    assert "splittable" in ok(await planops(core, "tasks", "show", "promo/1"))
    shown = json.loads(ok(await planops(core, "tasks", "show", "projects/promo/tasks/1", "--json")))
    assert shown["splittable"] is True
    assert shown["state"] == "in_progress"
    assert shown["assignee"] == "people/alice"
    history = json.loads(ok(await planops(core, "tasks", "history", "promo/1", "--json")))
    assert [h["toState"] for h in history] == [
        "draft",
        "submitted",
        "in_review",
        "scheduled",
        "in_progress",
    ]
    in_progress = ok(await planops(core, "tasks", "list", "promo", "--state", "in_progress"))
    assert "Write copy" in in_progress
    assert "no tasks" in ok(await planops(core, "tasks", "list", "promo", "--state", "done"))


async def test_tasks_list_reads_every_page(
    core: CoreUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "PAGE_SIZE", 2)
    ok(await planops(core, "projects", "create", "ops", "--name", "Ops"))
    for n in range(5):
        ok(await planops(core, "tasks", "create", "ops", f"Job {n}"))
    tasks = json.loads(ok(await planops(core, "tasks", "list", "ops", "--json")))
    assert [t["title"] for t in tasks] == [f"Job {n}" for n in range(5)]
    table = ok(await planops(core, "tasks", "list", "ops"))
    assert all(f"Job {n}" in table for n in range(5))


async def test_dependencies_templates_and_audit(core: CoreUnderTest) -> None:
    ok(await planops(core, "projects", "create", "promo", "--name", "Promo"))
    ok(await planops(core, "tasks", "create", "promo", "Design"))
    ok(await planops(core, "tasks", "create", "promo", "Print"))
    added = ok(await planops(core, "deps", "add", "promo", "1", "2", "--type", "ss", "--lag", "2"))
    assert "promo/1 → promo/2" in added
    cycle = one_error_line(await planops(core, "deps", "add", "promo", "2", "1"), 1)
    assert "cycle" in cycle.lower()
    deps = json.loads(ok(await planops(core, "deps", "list", "promo", "--json")))
    assert len(deps) == 1
    name = deps[0]["name"]
    ok(await planops(core, "deps", "remove", name))
    assert "no dependencies" in ok(await planops(core, "deps", "list", "promo"))

    templates = json.loads(ok(await planops(core, "templates", "list", "--json")))
    template = templates[0]["name"].removeprefix("templates/")
    ok(await planops(core, "templates", "show", template))
    used = ok(
        await planops(
            core,
            "templates",
            "use",
            template,
            "launch",
            "--anchor",
            "2030-03-01",
            "--name",
            "Launch",
        )
    )
    assert "projects/launch" in used

    audit = json.loads(ok(await planops(core, "audit", "promo", "--json", "--limit", "2")))
    assert len(audit) == 2


async def test_status_and_keys(core: CoreUnderTest) -> None:
    ok(await planops(core, "projects", "create", "promo", "--name", "Promo"))
    status = ok(await planops(core, "status"))
    assert "serving" in status and "services/admin (admin)" in status
    assert "projects" in status and "1" in status

    ok(await planops(core, "people", "create", "bob", "--name", "Bob"))
    created = json.loads(ok(await planops(core, "keys", "create", "--person", "bob", "--json")))
    secret = created["secret"]
    assert "people/bob" in ok(await planops(core, "keys", "list"))

    refused = await planops(core, "people", "create", "carol", "--name", "Carol", key=secret)
    assert one_error_line(refused, 1).startswith("error: permission denied")
    # Only admins, and people an admin lets, create projects.
    no_right = one_error_line(
        await planops(core, "projects", "create", "bobs", "--name", "Bob's", key=secret), 1
    )
    assert "project_creator" in no_right
    assert "may create projects" in ok(await planops(core, "people", "project-creator", "bob"))
    shown = json.loads(ok(await planops(core, "people", "show", "bob", "--json")))
    assert shown["projectCreator"] is True
    ok(await planops(core, "projects", "create", "bobs", "--name", "Bob's", key=secret))
    ok(await planops(core, "people", "project-creator", "bob", "--deny"))
    one_error_line(
        await planops(core, "projects", "create", "bobs-2", "--name", "Bob's 2", key=secret), 1
    )

    ok(await planops(core, "keys", "revoke", created["apiKey"]["name"]))
    revoked = one_error_line(await planops(core, "projects", "list", key=secret), 1)
    assert "revoked" in revoked

    planner = json.loads(
        ok(
            await planops(
                core, "keys", "create", "--service", "planner", "--stack-scopes", "--json"
            )
        )
    )
    assert planner["apiKey"]["scopes"] == [
        "SERVICE_SCOPE_READ_PROJECTS",
        "SERVICE_SCOPE_ACT_FOR_PEOPLE",
    ]
    assert planner["apiKey"]["admin"] is False
    assert "act_for_people" in ok(await planops(core, "keys", "list"))
    listed = json.loads(
        ok(await planops(core, "projects", "list", "--json", key=planner["secret"]))
    )
    assert [p["name"] for p in listed] == ["projects/bobs", "projects/promo"]
    refused = await planops(core, "people", "create", "dan", "--name", "Dan", key=planner["secret"])
    assert one_error_line(refused, 1).startswith("error: permission denied")


async def test_user_mistakes_are_one_line(core: CoreUnderTest) -> None:
    ok(await planops(core, "projects", "create", "promo", "--name", "Promo"))
    ok(await planops(core, "tasks", "create", "promo", "Write copy"))

    bad_date = one_error_line(
        await planops(core, "tasks", "create", "promo", "Print", "--due", "2030-02-30"), 2
    )
    assert "--due" in bad_date and "YYYY-MM-DD" in bad_date

    bad_zone = one_error_line(
        await planops(
            core, "projects", "create", "ops", "--name", "Ops", "--time-zone", "Mars/Base"
        ),
        1,
    )
    assert "project.time_zone" in bad_zone

    unknown_state = one_error_line(await planops(core, "tasks", "move", "promo/1", "flying"), 1)
    assert "to_state" in unknown_state

    not_allowed = one_error_line(await planops(core, "tasks", "move", "promo/1", "done"), 1)
    assert "submitted" in not_allowed

    missing = one_error_line(await planops(core, "tasks", "show", "promo/99"), 1)
    assert missing.startswith("error: not found")

    bad_ref = one_error_line(await planops(core, "tasks", "show", "promo-12"), 2)
    assert "promo/12" in bad_ref

    filter_state = one_error_line(
        await planops(core, "tasks", "list", "promo", "--state", "nope"), 2
    )
    assert "draft" in filter_state

    bad_choice = one_error_line(
        await planops(core, "tasks", "create", "promo", "X", "--priority", "asap"), 2
    )
    assert "--priority" in bad_choice

    no_title = one_error_line(await planops(core, "tasks", "create", "promo"), 2)
    assert "title" in no_title and "planops tasks create --help" in no_title

    wrong_key = one_error_line(await planops(core, "projects", "list", key="not-a-key"), 1)
    assert "API key" in wrong_key


def test_unreachable_core_names_the_address(tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["projects", "list"], env=environment(address, tmp_path, "k"))
    line = one_error_line(result, 1)
    assert line == f"error: core is not running at {address} — start it with `planops up`"

    status = runner.invoke(app, ["--address", address, "status"], env=environment("", tmp_path))
    assert one_error_line(status, 1) == line


def test_missing_key_says_where_to_get_one(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["projects", "list"], env=environment(f"127.0.0.1:{free_port()}", tmp_path)
    )
    assert "planops up" in one_error_line(result, 2)


async def test_projects_update_moves_the_deadline_and_edits_the_calendar(
    core: CoreUnderTest,
) -> None:
    ok(
        await planops(
            core, "projects", "create", "launch", "--name", "Launch", "--country", "CN",
            "--deadline", "2026-12-12",
        )
    )  # fmt: skip
    out = ok(await planops(core, "projects", "update", "launch", "--deadline", "2026-12-19"))
    assert "updated projects/launch (deadline)" in out
    out = ok(
        await planops(
            core, "projects", "update", "launch", "--day-off", "2026-12-04",
            "--day-off", "2026-12-05", "--working-days", "1,2,3,4,5,6", "--name", "Launch day",
        )
    )  # fmt: skip
    assert "calendar" in out and "display_name" in out
    ok(await planops(core, "projects", "update", "launch", "--working-day", "2026-12-05"))
    shown = json.loads(ok(await planops(core, "projects", "show", "launch", "--json")))
    assert shown["deadline"] == "2026-12-19"
    assert shown["displayName"] == "Launch day"
    calendar = shown["calendar"]
    assert calendar["daysOff"] == ["2026-12-04"]
    assert calendar["workingDays"] == [1, 2, 3, 4, 5, 6]
    assert calendar["holidayCountry"] == "CN", "a calendar edit keeps what it was not told"
    ok(await planops(core, "projects", "update", "launch", "--deadline", "-"))
    shown = json.loads(ok(await planops(core, "projects", "show", "launch", "--json")))
    assert not shown.get("deadline")

    line = one_error_line(await planops(core, "projects", "update", "launch"), 2)
    assert "nothing to change" in line
    line = one_error_line(
        await planops(core, "projects", "update", "launch", "--working-days", "1,8"), 2
    )
    assert "--working-days" in line
    line = one_error_line(
        await planops(core, "projects", "update", "launch", "--deadline", "2026-02-30"), 2
    )
    assert "--deadline" in line
    line = one_error_line(
        await planops(core, "projects", "update", "launch", "--time-zone", "Mars/Olympus"), 1
    )
    assert "time_zone" in line
