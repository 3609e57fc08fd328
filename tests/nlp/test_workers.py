"""The worker pool on its own: real worker processes forked from the forkserver, no server."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from services.nlp.notes import SPACY_MODEL, NotesRequest
from services.nlp.workers import Refused, WorkerLost, WorkerPool
from tests.nlp import hostile

NOTES = "Ana will draft the supplier contract by Friday. Ben to book the venue next week."


def notes(text: str) -> NotesRequest:
    return NotesRequest(text=text, meeting_date=date(2031, 3, 3))


async def test_a_request_waits_for_a_free_worker_within_its_own_deadline(tmp_path: Path) -> None:
    pool = await WorkerPool.started(size=1, spacy_model=SPACY_MODEL, load=hostile.load)
    try:
        pid_file = tmp_path / "hostile.pid"
        busy = asyncio.ensure_future(pool.read(notes(hostile.note(pid_file)), seconds=60))
        reader = await hostile.reader_of(pid_file, busy)

        with pytest.raises(TimeoutError):
            await pool.read(notes(NOTES), seconds=0.5)
        # The waiting call's deadline costs the busy worker nothing.
        assert hostile.alive(reader) and pool.pids == {reader}

        busy.cancel()  # the hostile note's caller went away: nobody needs its worker now
        with pytest.raises(asyncio.CancelledError):
            await busy
        read = await pool.read(notes(NOTES), seconds=60)
        assert [item.owner for item in read.extraction.items] == ["Ana", "Ben"]
        assert not hostile.alive(reader) and reader not in pool.pids
    finally:
        await pool.close()


async def test_refused_notes_leave_the_worker_serving() -> None:
    pool = await WorkerPool.started(size=1, spacy_model=None)
    try:
        first = pool.pids
        with pytest.raises(Refused, match="text"):
            await pool.read(notes("\x00" * 10), seconds=60)
        read = await pool.read(notes(NOTES), seconds=60)
        assert read.extraction.items and read.pipeline.startswith("rules only")
        assert pool.pids == first
    finally:
        await pool.close()


async def test_closing_the_pool_stops_busy_and_idle_workers(tmp_path: Path) -> None:
    pool = await WorkerPool.started(size=2, spacy_model=SPACY_MODEL, load=hostile.load)
    pid_file = tmp_path / "hostile.pid"
    busy = asyncio.ensure_future(pool.read(notes(hostile.note(pid_file)), seconds=60))
    await hostile.reader_of(pid_file, busy)
    workers = pool.pids
    assert len(workers) == 2

    await pool.close()

    with pytest.raises(WorkerLost):
        await busy
    assert not any(hostile.alive(pid) for pid in workers)
    assert pool.pids == frozenset()
