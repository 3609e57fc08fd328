"""The service retrains by itself: the loop asks the servicer on a timer and survives refusals."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from services.common.errors import FailedPrecondition
from services.risk.app import retrain_when_history_grows


class Trainer:
    def __init__(self) -> None:
        self.calls: list[bool] = []
        self.trained = asyncio.Event()

    async def train(self, *, force: bool) -> None:
        self.calls.append(force)
        if len(self.calls) < 3:
            raise FailedPrecondition("only 4 tasks finished since the active model")
        self.trained.set()


async def test_retrains_without_force_until_enough_history_then_keeps_going() -> None:
    trainer = Trainer()
    stopping = asyncio.Event()
    loop = asyncio.create_task(retrain_when_history_grows(cast(Any, trainer), stopping, every=0.01))
    await asyncio.wait_for(trainer.trained.wait(), 5)
    stopping.set()
    await asyncio.wait_for(loop, 5)
    assert trainer.calls[:3] == [False, False, False]
