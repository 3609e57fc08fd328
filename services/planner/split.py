"""Tasks that pause over their person's days off: the pieces on the axis and their CP-SAT model.

A splittable task in a mode with `gaps` (the person's days off, as runs [start, end) on the
working-day axis) works every day from its start that is not in a gap until its duration is
done. So the start alone fixes the pieces, and the model only has to choose the start.
Work is not scattered: a task pauses at most `MAX_INTERRUPTIONS` times and never for more
days off than it has days of work.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from services.planner.model import AxisMode

MAX_INTERRUPTIONS = 2
"""At most three pieces: a task that meets a day off pauses, it is not spread out."""

Run = tuple[int, int]


def walk(start: int, duration: int, gaps: Sequence[Run]) -> list[Run]:
    """The pieces [a, b) of `duration` working days from `start`, pausing over `gaps`."""
    if duration <= 0:
        return [(start, start)]
    pieces: list[Run] = []
    left = duration
    day = start
    k = bisect_right(gaps, (day, 1 << 62)) - 1
    if k >= 0 and gaps[k][0] <= day < gaps[k][1]:
        day = gaps[k][1]
    k = max(k, 0)
    while left > 0:
        while k < len(gaps) and gaps[k][1] <= day:
            k += 1
        stop = day + left if k >= len(gaps) else min(day + left, gaps[k][0])
        if stop > day:
            pieces.append((day, stop))
            left -= stop - day
        if left > 0:
            day = gaps[k][1]
    return pieces


def allowed(start: int, pieces: Sequence[Run], duration: int) -> bool:
    """Whether a task may start at `start` with these pieces (see the module's bounds)."""
    paused = pieces[-1][1] - start - duration
    return pieces[0][0] == start and len(pieces) <= 1 + MAX_INTERRUPTIONS and paused <= duration


def layout(start: int, duration: int, gaps: Sequence[Run]) -> list[Run] | None:
    """The pieces of a task starting at `start`, or None when it may not start there."""
    pieces = walk(start, duration, gaps)
    return pieces if allowed(start, pieces, duration) else None


def end(start: int, mode: AxisMode) -> int:
    """Exclusive end of the last piece."""
    if not mode.gaps:
        return start + mode.duration
    return walk(start, mode.duration, mode.gaps)[-1][1]


def pieces(start: int, mode: AxisMode) -> list[Run]:
    if not mode.gaps or mode.duration == 0:
        return [(start, start + mode.duration)]
    return walk(start, mode.duration, mode.gaps)


def longest(mode: AxisMode) -> int:
    """The longest stretch the mode may take, pauses included."""
    return 2 * mode.duration if mode.gaps else mode.duration


def reversed_gaps(gaps: Sequence[Run], *, horizon: int) -> tuple[Run, ...]:
    """The gaps in reversed time t' = horizon - t (for backward list scheduling)."""
    return tuple(
        sorted((max(horizon - b, 0), horizon - a) for a, b in gaps if a < horizon and b > 0)
    )


def add_mode(
    model: cp_model.CpModel,
    *,
    start: cp_model.IntVar,
    end_var: cp_model.IntVar,
    mode: AxisMode,
    present: cp_model.IntVar,
    upper: int,
    bounded: bool = True,
    hint_start: int | None,
    name: str,
) -> tuple[list[cp_model.IntervalVar], list[tuple[cp_model.IntVar, int]]]:
    """One splittable mode: its pieces as optional intervals, and hint values for them.

    Past the last gap every start is a plain contiguous run, so the tables stop there and the
    index is min(start, last gap end): a model with a huge horizon (conflict diagnosis) stays
    small. Offsets from the start make the last entry stand for every later start.
    """
    d = mode.duration
    gaps = [g for g in mode.gaps if g[0] < upper]
    if not gaps:
        model.add(end_var == start + d).only_enforce_if(present)
        interval = model.new_optional_fixed_size_interval_var(start, d, present, f"o{name}")
        return [interval], []
    last = gaps[-1][1]
    count = min(1 + MAX_INTERRUPTIONS, len(gaps) + 1)
    end_offsets: list[int] = []
    piece_offsets: list[list[int]] = [[] for _ in range(count)]
    sizes: list[list[int]] = [[] for _ in range(count)]
    starts_ok: list[int] = []
    for s in range(last + 1):
        runs = walk(s, d, gaps)
        if allowed(s, runs, d):
            starts_ok.append(s)
        end_offsets.append(runs[-1][1] - s)
        for k in range(count):
            a, b = runs[k] if k < len(runs) else (runs[-1][1], runs[-1][1])
            piece_offsets[k].append(a - s)
            sizes[k].append(b - a)
    if bounded:
        # A pinned task keeps the pauses it was accepted with, whatever they are.
        intervals_ok = [[s, s] for s in starts_ok] + [[last, max(last, upper)]]
        model.add_linear_expression_in_domain(
            start, cp_model.Domain.from_intervals(intervals_ok)
        ).only_enforce_if(present)
    index = model.new_int_var(0, last, f"k{name}")
    model.add_min_equality(index, [start, last])
    hints: list[tuple[cp_model.IntVar, int]] = []
    at = None if hint_start is None else min(max(hint_start, 0), last)

    def element(table: list[int], label: str) -> cp_model.IntVar:
        var = model.new_int_var(min(table), max(table), f"{label}{name}")
        model.add_element(index, table, var)
        if at is not None:
            hints.append((var, table[at]))
        return var

    if at is not None:
        hints.append((index, at))
    offset = element(end_offsets, "eo")
    model.add(end_var == start + offset).only_enforce_if(present)
    intervals: list[cp_model.IntervalVar] = []
    for k in range(count):
        begin = element(piece_offsets[k], f"po{k}_")
        size = element(sizes[k], f"pl{k}_")
        # Interval bounds must be affine, so the sums get variables of their own.
        first = model.new_int_var(0, 2 * upper + 2 * d, f"ps{k}_{name}")
        model.add(first == start + begin)
        stop = model.new_int_var(0, 2 * upper + 2 * d, f"pe{k}_{name}")
        model.add(stop == first + size)
        if hint_start is not None and at is not None:
            hints.append((first, hint_start + piece_offsets[k][at]))
            hints.append((stop, hint_start + piece_offsets[k][at] + sizes[k][at]))
        intervals.append(
            model.new_optional_interval_var(first, size, stop, present, f"p{k}_{name}")
        )
    return intervals, hints
