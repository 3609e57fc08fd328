"""The session's stack (tests/fuzz/conftest.py) and one world per test module."""

from __future__ import annotations

import pytest

from tests.fuzz import stats
from tests.fuzz.conftest import running
from tests.fuzz.stack import Running
from tests.fuzz.world import World, build


@pytest.fixture(scope="module")
def world(running: Running) -> World:
    return build(running.stack, proposal=True, notes=True, automation=True)


__all__ = ["running"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = stats.summary("access")
    if line:
        terminalreporter.section("access cases")
        terminalreporter.write_line(line)
