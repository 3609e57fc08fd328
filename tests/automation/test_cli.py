"""`planops webhooks` and `planops rules` against the running service."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from typer.testing import CliRunner, Result

from services.cli.main import app
from tests.automation.conftest import PROJECT, Stack


async def test_webhooks_and_rules_from_the_command_line(stack: Stack, tmp_path: Path) -> None:
    env = {
        "PLANOPS_CORE_ADDRESS": f"127.0.0.1:{stack.core.port}",
        "PLANOPS_AUTOMATION_ADDRESS": f"127.0.0.1:{stack.automation.port}",
        "PLANOPS_API_KEY": stack.core.admin_key,
        "COLUMNS": "200",
    }

    def invoke(args: list[str]) -> Result:
        return CliRunner().invoke(app, args, env=env)

    async def planops(*args: str) -> Result:
        return await asyncio.to_thread(invoke, list(args))

    added = await planops(
        "webhooks", "add", PROJECT, "https://example.com/hook", "-e", "core.task.*"
    )
    assert added.exit_code == 0, added.output
    assert "whsec_" in added.output
    listed = await planops("webhooks", "list", PROJECT)
    assert "https://example.com/hook" in listed.output

    installed = await planops("rules", "install-defaults", PROJECT)
    assert installed.exit_code == 0 and "review-assign" in installed.output
    disabled = await planops("rules", "disable", f"{PROJECT}/overdue-notify")
    assert disabled.exit_code == 0 and "revision 2" in disabled.output
    rules = await planops("rules", "list", PROJECT)
    assert "critical-risk-replan" in rules.output and "state_changed" in rules.output

    looping = tmp_path / "loop.json"
    looping.write_text(
        json.dumps(
            {
                "displayName": "Start whatever moves",
                "trigger": "TRIGGER_TASK_STATE_CHANGED",
                "actions": [{"moveToState": {"state": "in_progress"}}],
            }
        )
    )
    refused = await planops("rules", "add", PROJECT, "spin", "-f", str(looping))
    assert refused.exit_code == 1
    assert refused.output.startswith("error: ") and "loop" in refused.output
    assert len(refused.output.strip().splitlines()) == 1

    broken = tmp_path / "broken.json"
    broken.write_text('{"trigger": "SOMETIMES"}')
    bad = await planops("rules", "add", PROJECT, "bad", "-f", str(broken))
    assert bad.exit_code == 2 and "is not a rule" in bad.output
    shown = await planops("rules", "show", f"{PROJECT}/review-assign")
    assert json.loads(shown.output)["trigger"] == "TRIGGER_TASK_STATE_CHANGED"


async def test_an_im_webhook_from_the_command_line(stack: Stack) -> None:
    env = {
        "PLANOPS_CORE_ADDRESS": f"127.0.0.1:{stack.core.port}",
        "PLANOPS_AUTOMATION_ADDRESS": f"127.0.0.1:{stack.automation.port}",
        "PLANOPS_API_KEY": stack.core.admin_key,
        "COLUMNS": "200",
    }

    async def planops(*args: str) -> Result:
        return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)

    url = "https://oapi.dingtalk.com/robot/send?access_token=0c23a4b5c6d7e8f9"
    added = await planops(
        "webhooks",
        "add",
        PROJECT,
        url,
        "-e",
        "risk.alert.raised",
        "--kind",
        "dingtalk",
        "--secret",
        "SECabcdef0123456789",
    )
    assert added.exit_code == 0, added.output
    assert "(dingtalk)" in added.output and "secret" not in added.output
    listed = await planops("webhooks", "list", PROJECT)
    assert "dingtalk" in listed.output and "access_token=****e8f9" in listed.output
    assert "0c23a4b5c6d7e8f9" not in listed.output and "SECabcdef" not in listed.output
    wrong = await planops("webhooks", "add", PROJECT, url, "-e", "*", "--kind", "teams")
    assert wrong.exit_code == 2 and "--kind must be one of" in wrong.output
    unsigned = await planops(
        "webhooks",
        "add",
        PROJECT,
        "https://hooks.slack.com/services/T1/B1/xyz",
        "-e",
        "*",
        "--kind",
        "slack",
        "--secret",
        "x",
    )
    assert unsigned.exit_code == 1 and "signing_secret" in unsigned.output
