"""One stack of all five services for the session's fuzz and access tests (spaCy and five
servers start once); tests keep apart by building worlds with ids of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fuzz import stats
from tests.fuzz.stack import Running, run_stack


@pytest.fixture(scope="session")
def running(
    pg_server_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Running]:
    yield from run_stack(pg_server_url, template_database, tmp_path_factory.mktemp("stack"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = stats.summary("fuzz")
    if line:
        terminalreporter.section("fuzz cases")
        terminalreporter.write_line(line)
