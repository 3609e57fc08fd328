"""What every service's store promises: the SQL is there, and rows leave it typed."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import types
import typing
from pathlib import Path
from typing import Any

SERVICES = Path(__file__).resolve().parents[1] / "services"
SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s")
SCALARS = (bool, int, float, str, bytes, type(None))


def sql_outside_store(service: str) -> dict[str, str]:
    """Modules of `service` other than store.py holding an SQL statement, with the first."""
    found = {}
    for path in sorted((SERVICES / service).glob("*.py")):
        if path.name == "store.py":
            continue
        texts = [
            node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
        statements = [text for text in texts if SQL.match(text)]
        if statements:
            found[path.name] = statements[0]
    return found


def row_lookups(service: str) -> list[str]:
    """`row["column"]` in the service's store.py: a lookup mypy cannot check. Only JSON
    documents (named `data`) are read by key."""
    path = SERVICES / service / "store.py"
    return [
        ast.unparse(node)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
        and not (isinstance(node.value, ast.Name) and node.value.id == "data")
    ]


def untyped_results(module: types.ModuleType) -> dict[str, str]:
    """Public store functions whose result holds something other than frozen dataclasses,
    scalars and containers of them (a `dict_row` row is `dict[str, Any]`)."""
    found = {}
    for name, function in vars(module).items():
        if name.startswith("_") or not inspect.iscoroutinefunction(function):
            continue
        if function.__module__ != module.__name__:
            continue
        result = typing.get_type_hints(function)["return"]
        if not _typed(result):
            found[name] = str(result)
    return found


def _typed(hint: Any) -> bool:
    if hint is Any:
        return False
    args = typing.get_args(hint)
    if args:
        return all(_typed(a) for a in args if a is not Ellipsis)
    if hint in SCALARS:
        return True
    params = getattr(hint, "__dataclass_params__", None)
    return dataclasses.is_dataclass(hint) and params is not None and bool(params.frozen)
