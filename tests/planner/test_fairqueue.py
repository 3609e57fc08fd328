from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from services.planner.fairqueue import FairQueue, Limits, Refused


def queue(**limits: int) -> FairQueue:
    return FairQueue(
        Limits(**{"slots": 1, "per_caller": 3, "per_project": 3, "waiting": 8, **limits})
    )


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


class Solves:
    """Callers holding a slot until released, and the order slots were granted in."""

    def __init__(self, q: FairQueue) -> None:
        self.q = q
        self.granted: list[str] = []
        self.release: dict[str, asyncio.Event] = {}

    def start(self, label: str, *, caller: str, project: str = "projects/p") -> asyncio.Task[None]:
        self.release[label] = asyncio.Event()

        async def run() -> None:
            async with self.q.slot(caller=caller, project=project):
                self.granted.append(label)
                await self.release[label].wait()

        return asyncio.ensure_future(run())

    async def finish(self, label: str) -> None:
        self.release[label].set()
        await settle()


async def refusal(call: Callable[[], Awaitable[object]]) -> str:
    with pytest.raises(Refused) as caught:
        await call()
    return caught.value.reason


async def test_one_caller_cannot_starve_another() -> None:
    solves = Solves(queue(per_project=9))
    tasks = [solves.start(f"a{i}", caller="people/a") for i in range(3)]
    await settle()
    tasks.append(solves.start("b0", caller="people/b"))
    await settle()
    assert solves.granted == ["a0"]
    await solves.finish("a0")
    # b asked after a's second and third, but a free slot goes to the caller not running.
    assert solves.granted == ["a0", "b0"]
    await solves.finish("b0")
    await solves.finish("a1")
    await solves.finish("a2")
    assert solves.granted == ["a0", "b0", "a1", "a2"]
    await asyncio.gather(*tasks)
    assert (solves.q.running, solves.q.waiting) == (0, 0)


async def test_caps_per_caller_per_project_and_queue() -> None:
    solves = Solves(queue(per_caller=2, per_project=2, waiting=2))
    held = [solves.start("a0", caller="people/a"), solves.start("a1", caller="people/a")]
    await settle()

    async def one(caller: str, project: str) -> None:
        async with solves.q.slot(caller=caller, project=project):
            pass

    assert await refusal(lambda: one("people/a", "projects/q")) == "SOLVES_PER_CALLER"
    assert await refusal(lambda: one("people/b", "projects/p")) == "SOLVES_PER_PROJECT"
    held.append(solves.start("c0", caller="people/c", project="projects/q"))
    await settle()
    assert await refusal(lambda: one("people/d", "projects/r")) == "SOLVE_QUEUE_FULL"
    for label in ("a0", "a1", "c0"):
        await solves.finish(label)
    await asyncio.gather(*held)
    # Every cap counted down: the same calls are taken now.
    await one("people/a", "projects/q")
    await one("people/b", "projects/p")


async def test_a_cancelled_waiter_gives_up_its_place_and_its_caps() -> None:
    solves = Solves(queue(per_caller=1))
    running = solves.start("a0", caller="people/a")
    waiting = solves.start("b0", caller="people/b")
    await settle()
    waiting.cancel()
    await settle()
    assert solves.q.waiting == 0
    after = solves.start("b1", caller="people/b")
    await solves.finish("a0")
    assert solves.granted == ["a0", "b1"]
    await solves.finish("b1")
    await asyncio.gather(running, after)
    assert waiting.cancelled()


async def test_a_slot_granted_to_a_caller_cancelled_at_that_moment_is_passed_on() -> None:
    solves = Solves(queue())
    running = solves.start("a0", caller="people/a")
    first = solves.start("b0", caller="people/b")
    second = solves.start("c0", caller="people/c")
    await settle()
    # Free the slot (granting b0) and cancel b0 before it runs again.
    solves.release["a0"].set()
    await asyncio.sleep(0)
    first.cancel()
    await settle()
    assert solves.granted == ["a0", "c0"]
    await solves.finish("c0")
    await asyncio.gather(running, second)
    assert (solves.q.running, solves.q.waiting) == (0, 0)
