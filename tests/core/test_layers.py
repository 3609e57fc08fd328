"""The layers hold: servicers run no SQL and import no other servicer; rules import no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "services"
SERVICERS = sorted(SERVICES.glob("*/*servicer.py"))
# Rules that need no database and no protobuf (docs/architecture.md, "Layers").
PURE = [
    SERVICES / "core" / f"{name}.py" for name in ("tasks", "graph", "workflow", "feeds", "reports")
]
IO_PACKAGES = ("planops", "google.protobuf", "grpc", "psycopg", "psycopg_pool", "nats")


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def _short(path: Path) -> str:
    return path.relative_to(SERVICES).as_posix()


def test_the_servicers_are_found() -> None:
    assert {"core/task_servicer.py", "planner/servicer.py"} <= {_short(p) for p in SERVICERS}


def test_no_servicer_runs_sql() -> None:
    running = {_short(p) for p in SERVICERS if "execute(" in p.read_text(encoding="utf-8")}
    assert running == set(), "move their SQL into a store module"


def test_no_servicer_imports_another() -> None:
    importing = {
        _short(path): name
        for path in SERVICERS
        for name in _imports(path)
        if name.rsplit(".", 1)[-1].endswith("servicer") and name.startswith("services.")
    }
    assert importing == {}


def test_rules_import_no_io() -> None:
    found = {
        _short(path): name
        for path in PURE
        for name in _imports(path)
        if name.split(".")[0] in IO_PACKAGES or name.startswith(IO_PACKAGES)
    }
    assert found == {}
