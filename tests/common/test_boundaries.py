"""What services share lives in services/common: no service imports another's package, and
resource names are read by one module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
# The gateway serves exports in the file formats the CLI writes too.
ALSO_ALLOWED = {"gateway": {"interop"}}


def imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(
    "service", ["core", "planner", "risk", "nlp", "automation", "gateway", "interop", "common"]
)
def test_a_service_imports_only_common_and_itself(service: str) -> None:
    allowed = {service, "common", *ALSO_ALLOWED.get(service, set())}
    strays = sorted(
        f"{path.relative_to(SERVICES)}: {module}"
        for path in (SERVICES / service).rglob("*.py")
        for module in imported(path)
        if module.startswith("services.") and module.split(".")[1] not in allowed
    )
    assert strays == []


def test_the_name_patterns_are_written_once() -> None:
    """Copies forked before: the planner's ended in `$` and took `projects/p\\n`."""
    signs = ("[a-z][a-z0-9-]", "^projects/", "^people/")
    copies = sorted(
        str(path.relative_to(SERVICES))
        for path in SERVICES.rglob("*.py")
        if path != SERVICES / "common" / "names.py"
        and any(sign in path.read_text(encoding="utf-8") for sign in signs)
    )
    assert copies == []


@pytest.mark.parametrize("service", ["core", "planner", "risk", "nlp", "automation", "gateway"])
def test_command_line_code_lives_in_the_cli_package(service: str) -> None:
    """A service's package is what its server runs; `nlp/cli.py` was a Typer app inside the
    NLP service, with its own user-error class beside the CLI's."""
    cli_modules = ("typer", "rich", "services.cli")
    strays = sorted(
        f"{path.relative_to(SERVICES)}: {module}"
        for path in (SERVICES / service).rglob("*.py")
        for module in imported(path)
        if module.startswith(cli_modules)
    )
    assert strays == []
