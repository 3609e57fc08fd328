"""Who solves next: a fair queue of solves, capped per caller and per project.

Solving is the planner's scarce resource (a few CP-SAT solves of up to minutes each). Without
caps one key could fill every solver and the whole queue; here a caller and a project each
hold at most a few solves, running or waiting, and a free solver goes to the waiting caller
with the fewest solves running, in turn, so a caller with many requests cannot starve others.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    slots: int
    """Solves running at once."""
    per_caller: int
    """Solves one caller may have running or waiting."""
    per_project: int
    """Solves one project may have running or waiting."""
    waiting: int
    """Solves waiting for a slot, from all callers."""


class Refused(Exception):
    """A solve the queue will not take now; `reason` says which cap it met."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class _Waiter:
    caller: str
    project: str
    granted: asyncio.Future[None] = field(default_factory=asyncio.Future)


class FairQueue:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._running: dict[str, int] = {}
        self._held_by_caller: dict[str, int] = {}
        self._held_by_project: dict[str, int] = {}
        self._waiting: OrderedDict[str, deque[_Waiter]] = OrderedDict()
        self._free = limits.slots
        self._turns = 0
        self._last_turn: dict[str, int] = {}

    @property
    def waiting(self) -> int:
        return sum(len(q) for q in self._waiting.values())

    @property
    def running(self) -> int:
        return self.limits.slots - self._free

    @asynccontextmanager
    async def slot(self, *, caller: str, project: str) -> AsyncIterator[None]:
        """Hold a solver for the body; raise Refused when a cap is met.

        Cancelling the caller while it waits gives up its place; a slot granted at the same
        moment is passed on.
        """
        self._admit(caller=caller, project=project)
        self._held_by_caller[caller] = self._held_by_caller.get(caller, 0) + 1
        self._held_by_project[project] = self._held_by_project.get(project, 0) + 1
        try:
            if self._free > 0 and not self._waiting:
                self._take(caller)
            else:
                waiter = _Waiter(caller, project)
                self._waiting.setdefault(caller, deque()).append(waiter)
                try:
                    await waiter.granted
                except asyncio.CancelledError:
                    if waiter.granted.done() and not waiter.granted.cancelled():
                        self._release(caller)
                    else:
                        self._forget(waiter)
                    raise
            try:
                yield
            finally:
                self._release(caller)
        finally:
            self._held_by_caller[caller] -= 1
            if not self._held_by_caller[caller]:
                del self._held_by_caller[caller]
                self._last_turn.pop(caller, None)
            self._held_by_project[project] -= 1
            if not self._held_by_project[project]:
                del self._held_by_project[project]

    def _admit(self, *, caller: str, project: str) -> None:
        if self._held_by_caller.get(caller, 0) >= self.limits.per_caller:
            raise Refused(
                f"you already have {self.limits.per_caller} solves running or waiting;"
                " wait for one to finish",
                reason="SOLVES_PER_CALLER",
            )
        if self._held_by_project.get(project, 0) >= self.limits.per_project:
            raise Refused(
                f"{project} already has {self.limits.per_project} solves running or waiting;"
                " wait for one to finish",
                reason="SOLVES_PER_PROJECT",
            )
        if self._free == 0 and self.waiting >= self.limits.waiting:
            raise Refused(
                f"{self.limits.waiting} solves are waiting already; try again later",
                reason="SOLVE_QUEUE_FULL",
            )

    def _take(self, caller: str) -> None:
        self._free -= 1
        self._running[caller] = self._running.get(caller, 0) + 1
        self._turns += 1
        self._last_turn[caller] = self._turns

    def _release(self, caller: str) -> None:
        self._free += 1
        self._running[caller] -= 1
        if not self._running[caller]:
            del self._running[caller]
        self._grant_next()

    def _grant_next(self) -> None:
        while self._free > 0 and self._waiting:
            # The waiting caller with the fewest solves running; among those, the one whose
            # last turn came longest ago.
            caller = min(
                self._waiting,
                key=lambda c: (self._running.get(c, 0), self._last_turn.get(c, 0)),
            )
            queue = self._waiting.pop(caller)
            waiter = queue.popleft()
            if queue:
                self._waiting[caller] = queue
            if waiter.granted.done():
                continue
            self._take(caller)
            waiter.granted.set_result(None)

    def _forget(self, waiter: _Waiter) -> None:
        queue = self._waiting.get(waiter.caller)
        if queue is None:
            return
        try:
            queue.remove(waiter)
        except ValueError:
            return
        if not queue:
            del self._waiting[waiter.caller]
