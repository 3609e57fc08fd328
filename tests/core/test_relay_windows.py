from __future__ import annotations

import uuid

from services.common.outbox import Pending, windows


def rows(*aggregates: str) -> list[Pending]:
    return [
        Pending(id=i, event_id=uuid.uuid4(), subject="s", aggregate=a, payload=b"", age=0.0)
        for i, a in enumerate(aggregates)
    ]


def test_an_aggregate_never_appears_twice_in_one_window() -> None:
    runs = windows(rows("a", "b", "a", "c", "b", "b"), size=64)
    assert [[r.aggregate for r in run] for run in runs] == [["a", "b"], ["a", "c", "b"], ["b"]]


def test_windows_keep_order_and_size() -> None:
    runs = windows(rows(*[f"t{i}" for i in range(10)]), size=4)
    assert [len(r) for r in runs] == [4, 4, 2]
    assert [r.id for run in runs for r in run] == list(range(10))
    assert windows([], size=4) == []
