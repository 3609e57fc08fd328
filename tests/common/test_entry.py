"""`python -m services.<name>` on a bad setting: one line naming it, exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BAD_SETTING = {
    "core": "PLANOPS_CORE_MAX_MESSAGE_BYTES",
    "planner": "PLANOPS_PLANNER_MAX_MESSAGE_BYTES",
    "risk": "PLANOPS_RISK_MAX_MESSAGE_BYTES",
    "nlp": "PLANOPS_NLP_MAX_MESSAGE_BYTES",
    "automation": "PLANOPS_AUTOMATION_MAX_MESSAGE_BYTES",
    "gateway": "PLANOPS_GATEWAY_TIMEOUT_SECONDS",
}


@pytest.mark.parametrize("service", sorted(BAD_SETTING))
def test_a_bad_setting_stops_the_service_with_one_line(service: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PLANOPS_HOME": str(tmp_path),
        "PLANOPS_CORE_KEY": "planops_x_y",
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "NATS_URL": "nats://127.0.0.1:1",
        BAD_SETTING[service]: "lots",
    }
    done = subprocess.run(
        [sys.executable, "-m", f"services.{service}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"planops {service}: {BAD_SETTING[service]} must be ")
