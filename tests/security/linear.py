"""Every regular expression in services/, and worst cases for it: the timing guard's tools.

Patterns are found two ways, so a new one is covered without anyone listing it: literal
patterns in calls to `re.compile`, `re.search` and the rest, read from the source (patterns
inside functions included), and compiled patterns held by modules (patterns built from
word lists). Worst cases are a prefix that lets the pattern start, a long run of one
"pump" (characters the pattern itself names, spaces, dots, letters, CJK), and a tail that
makes it fail: the shapes that make a backtracking engine try every split of the run.

Growth is judged by a ratio of times at two lengths, never by a time: a linear scan grows
by the length ratio (4), a quadratic one by its square (16).
"""

from __future__ import annotations

import ast
import importlib
import multiprocessing
import re
import sre_constants
import sre_parse
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "services"
CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
PREFIXES = ("", "# a", "- ", "Tom: ", "| a |")
SUFFIXES = ("x", "\n!")
GENERIC_PUMPS = (" ", ".", "a", "A", "1", "中", "a ")


@dataclass(frozen=True)
class Found:
    pattern: str
    flags: int
    where: str

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)


def _flags(node: ast.expr | None) -> int | None:
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        value = getattr(re, node.attr, None)
        return int(value) if isinstance(value, int) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _flags(node.left), _flags(node.right)
        return None if left is None or right is None else left | right
    return None


def literal_patterns() -> Iterator[Found]:
    """`re.<call>("literal", ..., flags)` anywhere in services/."""
    for path in sorted(SERVICES.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in CALLS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
            position = {"compile": 1, "sub": 3, "subn": 3, "split": 2}.get(node.func.attr, 2)
            if flag_node is None and len(node.args) > position:
                flag_node = node.args[position]
            flags = _flags(flag_node)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            yield Found(node.args[0].value, flags or 0, where)


def module_patterns() -> Iterator[Found]:
    """Compiled patterns that modules of services/ hold at module level (built ones too)."""
    for path in sorted(SERVICES.rglob("*.py")):
        if path.name == "__main__.py":
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(name.removesuffix(".__init__"))
        for attr, value in vars(module).items():
            values: list[object] = [value]
            if isinstance(value, dict):
                values = list(value.values())
            elif isinstance(value, tuple | list):
                values = list(value)
            for item in values:
                if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
                    yield Found(item.pattern, item.flags & ~re.UNICODE, f"{name}.{attr}")


def all_patterns() -> list[Found]:
    seen: dict[tuple[str, int], Found] = {}
    for found in (*literal_patterns(), *module_patterns()):
        seen.setdefault((found.pattern, found.flags), found)
    return list(seen.values())


def _literals(pattern: str, flags: int) -> set[str]:
    """Characters the pattern names: where a run of them may make it backtrack."""
    chars: set[str] = set()

    def walk(parsed: Any) -> None:
        for op, av in parsed:
            if op is sre_constants.LITERAL:
                chars.add(chr(av))
            elif op is sre_constants.IN:
                for item_op, item in av:
                    if item_op is sre_constants.LITERAL:
                        chars.add(chr(item))
                    elif item_op is sre_constants.RANGE:
                        chars.add(chr(item[0]))
            elif (
                op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
                or op is sre_constants.POSSESSIVE_REPEAT
            ):
                walk(av[2])
            elif op is sre_constants.SUBPATTERN:
                walk(av[3])
            elif op is sre_constants.ATOMIC_GROUP:
                walk(av)
            elif op is sre_constants.BRANCH:
                for branch in av[1]:
                    walk(branch)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                walk(av[1])

    walk(sre_parse.parse(pattern, flags))
    return {c for c in chars if c.isprintable() or c in "\t "}


def pumps(found: Found) -> list[str]:
    own = sorted(_literals(found.pattern, found.flags))
    return list(dict.fromkeys([*GENERIC_PUMPS, *own]))


def operations(compiled: re.Pattern[str]) -> list[Callable[[str], object]]:
    """What callers do with a pattern: search (match and fullmatch cost no more) and scan."""
    return [compiled.search, lambda text: sum(1 for _ in compiled.finditer(text))]


def seconds(call: Callable[[str], object], text: str, *, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call(text)
        best = min(best, time.perf_counter() - start)
    return best


@dataclass(frozen=True)
class Growth:
    found: Found
    text: str
    ratio: float

    def __str__(self) -> str:
        sample = self.text[:24] + "…" + self.text[-8:]
        return f"{self.found.where} {self.found.pattern!r}: x{self.ratio:.0f} on {sample!r}"


def worst_growth(found: Found, *, short: int = 250, long: int = 1000, top: int = 3) -> Growth:
    """The worst time ratio (long over short) among the `top` slowest worst cases at the long
    length: a superlinear case is among the slowest there, by far."""
    compiled = found.compiled()
    timed = []
    for call in operations(compiled):
        for prefix in PREFIXES:
            for pump in pumps(found):
                for suffix in SUFFIXES:
                    text = prefix + pump * (long // len(pump)) + suffix
                    timed.append((seconds(call, text, repeat=1), call, prefix, pump, suffix))
    timed.sort(key=lambda t: -t[0])
    worst = Growth(found, "", 0.0)
    for _, call, prefix, pump, suffix in timed[:top]:
        text = prefix + pump * (long // len(pump)) + suffix
        small = prefix + pump * (short // len(pump)) + suffix
        ratio = seconds(call, text, repeat=5) / max(seconds(call, small, repeat=5), 1e-7)
        if ratio > worst.ratio:
            worst = Growth(found, text, ratio)
    return worst


def _in_child(work: Callable[[], float], *, timeout_s: float) -> float | None:
    """`work()` in a forked child, killed at `timeout_s` (None then): `re` holds the GIL and
    cannot be interrupted, so a hostile input must fail the test, not hang it."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=lambda: send.send(work()), daemon=True)
    child.start()
    result: float | None = receive.recv() if receive.poll(timeout_s) else None
    child.kill()
    child.join()
    return result


def least_of(measure: Callable[[], float], limit: float, *, tries: int = 3) -> float:
    """`measure()`, and while the ratio is at `limit` or over it, measured again, up to
    `tries` in all; the smallest is kept. Times of a few microseconds make a ratio noisy: a
    pause of the machine during the long run inflates one measurement, while a superlinear
    pattern inflates every one (16x each time for a quadratic, never finishing for an
    exponential)."""
    least = measure()
    for _ in range(tries - 1):
        if least < limit:
            break
        least = min(least, measure())
    return least


def checked(found: Found, *, limit: float, timeout_s: float = 20.0) -> Growth:
    """`worst_growth` in a child process, confirmed by `least_of` when over `limit`: a
    pattern that backtracks exponentially never finishes, and is reported with an infinite
    ratio."""

    def measure() -> float:
        ratio = _in_child(lambda: worst_growth(found).ratio, timeout_s=timeout_s)
        return float("inf") if ratio is None else ratio

    ratio = least_of(measure, limit)
    return Growth(found, "(did not finish)" if ratio == float("inf") else "", ratio)


def ratio_in_child(
    call: Callable[[str], object],
    make: Callable[[int], str],
    *,
    limit: float,
    short: int = 2_000,
    long: int = 8_000,
    timeout_s: float = 20.0,
) -> float:
    """Time of `call` on `make(long)` over `make(short)`, infinite past `timeout_s`, and
    confirmed by `least_of` when over `limit`."""

    def timed() -> float:
        small = seconds(call, make(short), repeat=5)
        return seconds(call, make(long), repeat=5) / max(small, 1e-7)

    def measure() -> float:
        ratio = _in_child(timed, timeout_s=timeout_s)
        return float("inf") if ratio is None else ratio

    return least_of(measure, limit)
