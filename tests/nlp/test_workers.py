"""The worker pool on its own: real worker processes forked from the forkserver, no server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
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


SERVICE = """
import asyncio, sys
from datetime import date
from pathlib import Path
from services.nlp.notes import NotesRequest
from services.nlp.workers import WorkerPool
from tests.nlp import hostile

async def main() -> None:
    pool = await WorkerPool.started(size=2, spacy_model=None, load=hostile.load)
    pid_file = Path(sys.argv[1])
    request = NotesRequest(text=hostile.note(pid_file), meeting_date=date(2031, 3, 3))
    busy = asyncio.ensure_future(pool.read(request, seconds=None))
    await hostile.reader_of(pid_file, busy)
    print(*pool.pids, flush=True)
    await busy

if __name__ == "__main__":
    asyncio.run(main())
"""


def running(pid: int) -> bool:
    """Alive and not a zombie (a dead child that PID 1 has not reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_service_killed_mid_note(tmp_path: Path) -> None:
    script = tmp_path / "service.py"
    script.write_text(SERVICE)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    service = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "hostile.pid")],
        stdout=subprocess.PIPE,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert service.stdout is not None
        workers = [int(pid) for pid in service.stdout.readline().split()]
        assert len(workers) == 2 and all(running(pid) for pid in workers)
    finally:
        service.kill()
        service.wait()
    # The hostile note holds its worker for 30 s: gone well before, it was killed.
    until = time.monotonic() + 15
    while any(running(pid) for pid in workers) and time.monotonic() < until:
        time.sleep(0.05)
    assert not any(running(pid) for pid in workers), "a worker outlived the killed service"
