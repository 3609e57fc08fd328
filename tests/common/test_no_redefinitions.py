"""No module of the services binds one top-level name twice.

A second `_ZH_STANDING = …` further down a module silently replaced the first for every
function that read it (the rule using it changed meaning with no error): Python allows it,
and a linter only flags a redefinition of a name not used before it."""

from __future__ import annotations

import ast
import collections
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "services"


def _top_level_names(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names.extend(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


def test_no_module_binds_a_top_level_name_twice() -> None:
    twice = {}
    for path in sorted(SERVICES.rglob("*.py")):
        counts = collections.Counter(_top_level_names(ast.parse(path.read_text())))
        repeated = sorted(name for name, count in counts.items() if count > 1)
        if repeated:
            twice[str(path.relative_to(SERVICES))] = repeated
    assert twice == {}


def test_the_check_sees_a_second_binding() -> None:
    tree = ast.parse("A = 1\ndef f():\n    return A\nA = 2\n")
    assert collections.Counter(_top_level_names(tree))["A"] == 2
