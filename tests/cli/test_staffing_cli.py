"""`planops pools` and the crew options of `planops tasks` against a real core (#14)."""

from __future__ import annotations

import json

from tests.cli.test_main import ok, one_error_line, planops
from tests.conftest import CoreUnderTest


async def test_pools_and_crews_from_the_terminal(core: CoreUnderTest) -> None:
    ok(await planops(core, "projects", "create", "plant", "--name", "Plant"))
    for person in ("tia", "uri", "val"):
        ok(await planops(core, "people", "create", person, "--name", person.title()))
    added = ok(
        await planops(
            core,
            "pools",
            "set",
            "plant",
            "early",
            "--name",
            "Early shift",
            "--member",
            "tia",
            "--member",
            "uri",
            "--working-days",
            "1,2,3,4",
            "--day-off",
            "2030-06-10",
        )
    )
    assert "added staff pool early" in added
    listed = ok(await planops(core, "pools", "list", "plant"))
    row = next(line for line in listed.splitlines() if "early" in line)
    for cell in ("Early shift", "tia, uri", "Mon Tue Wed Thu", "2030-06-10"):
        assert cell in row
    ok(await planops(core, "pools", "set", "plant", "early", "--member", "tia", "--member", "val"))
    assert "tia, val" in ok(await planops(core, "pools", "list", "plant"))

    ok(
        await planops(
            core,
            "tasks",
            "create",
            "plant",
            "Overhaul",
            "--estimate",
            "24",
            "--crew",
            "2",
            "--role",
            "1=repair:2+safety",
            "--staff-pool",
            "early",
        )
    )
    shown = ok(await planops(core, "tasks", "show", "plant/1"))
    assert "crew of 2 (1 repair≥2+safety≥1) from early" in shown
    ok(await planops(core, "tasks", "update", "plant/1", "--crew", "3"))
    stored = json.loads(ok(await planops(core, "tasks", "show", "plant/1", "--json")))
    assert stored["staffing"]["crewSize"] == 3
    assert stored["staffing"]["staffPool"] == "early"  # kept: only --crew was given
    assert len(stored["staffing"]["roles"]) == 1
    ok(await planops(core, "tasks", "update", "plant/1", "--staff-pool", "-"))
    stored = json.loads(ok(await planops(core, "tasks", "show", "plant/1", "--json")))
    assert stored["staffing"].get("staffPool", "") == "" and stored["staffing"]["crewSize"] == 3

    bad = one_error_line(
        await planops(core, "tasks", "create", "plant", "X", "--role", "two=repair"), 2
    )
    assert "--role" in bad
    missing = one_error_line(
        await planops(core, "tasks", "create", "plant", "X", "--staff-pool", "late"), 1
    )
    assert "staff_pool" in missing
    assert "removed staff pool early" in ok(
        await planops(core, "pools", "remove", "plant", "early")
    )
    assert "no staff pools" in ok(await planops(core, "pools", "list", "plant"))
