"""One stack of all four services and one world per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fuzz import stats
from tests.fuzz.stack import Running, run_stack
from tests.fuzz.world import World, build


@pytest.fixture(scope="module")
def running(
    pg_server_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Running]:
    yield from run_stack(pg_server_url, template_database, tmp_path_factory.mktemp("stack"))


@pytest.fixture(scope="module")
def world(running: Running) -> World:
    return build(running.stack, proposal=True, notes=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = stats.summary("access")
    if line:
        terminalreporter.section("access cases")
        terminalreporter.write_line(line)
