"""Every fault scenario of `bench/chaos.py`, with a smaller load, against one real stack.

The stack (PostgreSQL, NATS, core, planner, risk, nlp, each service its own process) is
shared by the module; every scenario writes to projects of its own and is judged only on
them. A scenario passes when every acknowledged write is in core's audit log, every event
reached the stream once and risk exactly once in effect, no client saw INTERNAL, and the
scenario's own checks hold (for example: health turned NOT_SERVING before a SIGTERMed
service exited, and the call in flight finished).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.faults.chaos_lib import (
    SCENARIOS,
    LoadSettings,
    Stack,
    Timing,
    run_scenario,
    running_stack,
)

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

LOAD = LoadSettings(
    projects=2, writers=3, writes_per_second=12.0, planner_every_seconds=2.0, nlp_every_seconds=2.0
)
TIMING = Timing(warmup=1.0, outage=1.5, after=1.0, settle=60.0)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack() -> AsyncIterator[Stack]:
    # Not under pytest's basetemp: concurrent pytest runs prune each other's old basetemps.
    home = Path(tempfile.mkdtemp(prefix="planops-chaos-"))
    try:
        async with running_stack(home, ack_wait_seconds=3.0) as running:
            yield running
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s != "baseline"])
async def test_scenario_loses_nothing_and_applies_nothing_twice(
    stack: Stack, scenario: str
) -> None:
    report = await run_scenario(stack, scenario, load_settings=LOAD, timing=TIMING)

    assert report.notes["settled"], report.as_json()
    assert report.writes_acknowledged > 0 and report.events_committed > 0
    assert report.writes_found == report.writes_acknowledged
    assert report.events_lost == 0, report.notes.get("lost_sample")
    assert report.events_applied_twice == 0
    assert report.events_out_of_order == 0
    assert report.half_written == 0
    assert report.risk_tasks_stale == 0 and report.risk_scores_stale == 0, report.notes
    assert report.risk_events_lost == 0 and report.risk_events_published_twice == 0
    assert "INTERNAL" not in report.client_errors, report.client_errors
    assert report.failures == [], report.as_json()
