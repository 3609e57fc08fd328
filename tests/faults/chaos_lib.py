"""Fault scenarios against the real stack, shared by `bench/chaos.py` and `tests/faults/`.

A `Stack` runs embedded PostgreSQL and NATS and the four services as subprocesses, started
the way `planops up` starts them. A `Load` drives steady writes through core (creates,
estimate updates, workflow moves) plus planner and nlp calls, retrying `UNAVAILABLE` and
`CANCELLED` as a client may, and keeps every write core acknowledged and every error code
it saw. A scenario breaks one thing under that load, repairs it, and `verify` then reads
the truth from PostgreSQL and JetStream: every acknowledged write in core's audit log, every
committed event in the stream once (by `Nats-Msg-Id`) and in per-aggregate order, every
event applied by risk exactly once in effect (its processed-event ids, the version it
holds, its count of estimate changes against the events that changed the estimate, and a
score newer than the event), and risk's own events in its stream once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import grpc
import nats
import psycopg
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status
from nats.js.api import ConsumerConfig, DeliverPolicy
from planops.core.v1 import (
    events_pb2,
    person_pb2,
    person_service_pb2,
    person_service_pb2_grpc,
    project_pb2,
    project_service_pb2,
    project_service_pb2_grpc,
    task_pb2,
    task_service_pb2,
    task_service_pb2_grpc,
)
from planops.nlp.v1 import nlp_service_pb2, nlp_service_pb2_grpc
from planops.planner.v1 import planner_service_pb2, planner_service_pb2_grpc
from planops.risk.v1 import risk_service_pb2, risk_service_pb2_grpc

from services.cli.stack import service_key
from services.common.embedded import EmbeddedNats, EmbeddedPostgres, free_port

log = logging.getLogger("chaos")

SERVICES = ("core", "planner", "risk", "nlp")
HEALTH_NAMES = {
    "core": "planops.core.v1.TaskService",
    "planner": "planops.planner.v1.PlannerService",
    "risk": "planops.risk.v1.RiskService",
    "nlp": "planops.nlp.v1.NlpService",
}
# The default workflow, walked one step per move.
FLOW = ("draft", "submitted", "in_review", "scheduled", "in_progress", "in_acceptance", "done")
NOTES = (
    "Ana will draft the supplier contract by Friday. Ben to book the venue next week.\n"
    "Action: Ana reviews the budget before the 12th."
)
Metadata = tuple[tuple[str, str], ...]
# PLANOPS_NLP_WORKERS as the stack leaves it: the service's default.
NLP_WORKERS = 2
# What the load's client retries: the server is away, or it stopped before taking the call
# (gRPC's server cancels calls it has not yet handed to a handler when it stops).
RETRIED = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)


# ---------------------------------------------------------------------------------------
# The stack: real servers, real processes.


@dataclass
class Stack:
    """PostgreSQL, NATS and the services, each service in its own process."""

    home: Path
    ack_wait_seconds: float = 5.0
    postgres: EmbeddedPostgres = field(init=False)
    nats: EmbeddedNats = field(init=False)
    database_url: str = ""
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    admin_key: str = ""
    channels: dict[str, grpc.aio.Channel] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "logs").mkdir(exist_ok=True)
        self.postgres = EmbeddedPostgres(self.home / "postgres")
        self.nats = EmbeddedNats(self.home / "nats")
        self.ports = {name: free_port() for name in SERVICES}

    @property
    def nats_url(self) -> str:
        return self.nats.url

    def address(self, name: str) -> str:
        return f"127.0.0.1:{self.ports[name]}"

    def auth(self) -> Metadata:
        return (("authorization", f"Bearer {self.admin_key}"),)

    def env_for(self, name: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "NATS_URL": self.nats_url,
            "PLANOPS_HOME": str(self.home),
            "PLANOPS_LOG_LEVEL": "INFO",
            "PLANOPS_RISK_ACK_WAIT_SECONDS": str(self.ack_wait_seconds),
            **{f"PLANOPS_{n.upper()}_ADDRESS": self.address(n) for n in SERVICES},
        }
        if name != "core":
            env["PLANOPS_CORE_KEY"] = self.keys[name]
        return env

    def launch(self, name: str) -> None:
        with (self.home / "logs" / f"{name}.log").open("ab") as out:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                env=self.env_for(name),
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def channel(self, name: str) -> grpc.aio.Channel:
        if name not in self.channels:
            self.channels[name] = grpc.aio.insecure_channel(self.address(name))
        return self.channels[name]

    async def start(self) -> None:
        self.database_url = await asyncio.to_thread(self.postgres.start)
        await asyncio.to_thread(self.nats.start)
        self.launch("core")
        await self.wait_serving("core")
        self.admin_key = (self.home / "admin.key").read_text().strip()
        for name in SERVICES[1:]:
            self.keys[name] = await asyncio.to_thread(
                service_key, self.home, name, core_address=self.address("core")
            )
            self.launch(name)
        await asyncio.gather(*(self.wait_serving(name) for name in SERVICES[1:]))

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()
        self.channels.clear()
        for name in reversed(SERVICES):
            process = self.processes.get(name)
            if process is not None and process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                await asyncio.to_thread(process.wait, 20)
            except subprocess.TimeoutExpired:
                process.kill()
        await asyncio.to_thread(self.nats.stop)
        # halt() first: it signals the server instead of forking `pg_ctl` as another user.
        with contextlib.suppress(RuntimeError, OSError):
            await asyncio.to_thread(self.postgres.halt)
        await asyncio.to_thread(self.postgres.stop)

    async def wait_serving(self, name: str, *, seconds: float = 90.0) -> None:
        process = self.processes[name]
        deadline = time.monotonic() + seconds
        async with grpc.aio.insecure_channel(self.address(name)) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode}")
                with contextlib.suppress(grpc.aio.AioRpcError):
                    reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                await asyncio.sleep(0.1)
        raise TimeoutError(f"{name} not SERVING after {seconds:.0f} s")

    def send(self, name: str, sig: signal.Signals) -> None:
        self.processes[name].send_signal(sig)

    async def wait_exit(self, name: str, *, seconds: float = 30.0) -> int:
        return await asyncio.to_thread(self.processes[name].wait, seconds)

    async def restart(self, name: str) -> None:
        self.launch(name)
        await self.wait_serving(name)

    def tracebacks(self) -> dict[str, int]:
        """Tracebacks each service wrote to its log (unexpected exceptions)."""
        found = {}
        for name in SERVICES:
            path = self.home / "logs" / f"{name}.log"
            text = path.read_text(errors="replace") if path.exists() else ""
            found[name] = text.count("Traceback")
        return found


@contextlib.asynccontextmanager
async def running_stack(home: Path, *, ack_wait_seconds: float = 5.0) -> AsyncIterator[Stack]:
    stack = Stack(home, ack_wait_seconds=ack_wait_seconds)
    try:
        await stack.start()
        yield stack
    finally:
        await stack.close()


# ---------------------------------------------------------------------------------------
# The load: steady writes through core, with planner and nlp work beside them.


@dataclass(frozen=True)
class Ack:
    """A write core acknowledged: the request id it was sent with, the method, the task."""

    request_id: str
    method: str
    task: str


@dataclass
class Tally:
    acked: list[Ack] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    errors_by_method: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)

    def error(self, method: str, code: grpc.StatusCode) -> None:
        self.errors[code.name] += 1
        self.errors_by_method[f"{method} {code.name}"] += 1
        log.debug("%s: %s", method, code.name)


@dataclass
class LoadSettings:
    projects: int = 2
    writers: int = 4
    writes_per_second: float = 20.0
    tasks_per_writer: int = 6
    planner_every_seconds: float = 3.0
    nlp_every_seconds: float = 3.0
    call_timeout_seconds: float = 15.0
    retry_for_seconds: float = 30.0


@dataclass
class Load:
    stack: Stack
    projects: list[str]
    settings: LoadSettings
    tally: Tally = field(default_factory=Tally)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    paused: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.paused.set()  # set means "running"

    async def call(
        self,
        method: str,
        invoke: Callable[..., Awaitable[Any]],
        *,
        request_id: str | None = None,
    ) -> Any:
        """`invoke(metadata=...)`, retried on `RETRIED` codes with the same request id (as a
        client retrying an idempotent call would); None when the call finally failed."""
        deadline = time.monotonic() + self.settings.retry_for_seconds
        request_id = request_id or uuid.uuid4().hex
        md = (*self.stack.auth(), ("x-request-id", request_id))
        delay = 0.1
        while True:
            self.tally.calls[method] += 1
            try:
                return await invoke(metadata=md)
            except grpc.aio.AioRpcError as error:
                code = error.code()
                self.tally.error(method, code)
                if code not in RETRIED or time.monotonic() > deadline:
                    if code == grpc.StatusCode.INTERNAL:
                        log.warning("%s INTERNAL: %s", method, error.details())
                    return None
            await asyncio.sleep(delay)
            delay = min(1.0, delay * 2)

    async def run(self) -> None:
        writers = [
            asyncio.create_task(self._writer(i, self.projects[i % len(self.projects)]))
            for i in range(self.settings.writers)
        ]
        side = [asyncio.create_task(self._planner()), asyncio.create_task(self._nlp())]
        await asyncio.gather(*writers, *side)

    async def _pace(self, interval: float) -> bool:
        """Wait one interval (or until stopped); False when the load should stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), interval)
        await self.paused.wait()
        return not self.stopping.is_set()

    async def _writer(self, index: int, project: str) -> None:
        tasks = task_service_pb2_grpc.TaskServiceStub(self.stack.channel("core"))
        timeout = self.settings.call_timeout_seconds
        mine: list[str] = []
        rng = random.Random(index)
        interval = self.settings.writers / self.settings.writes_per_second
        serial = 0
        while await self._pace(interval * rng.uniform(0.5, 1.5)):
            serial += 1
            if len(mine) < self.settings.tasks_per_writer or rng.random() < 0.15:
                request_id = f"{project}-w{index}-{serial}-{uuid.uuid4().hex[:8]}"
                create = task_service_pb2.CreateTaskRequest(
                    parent=f"projects/{project}",
                    task=task_pb2.Task(
                        title=f"task {index}.{serial}",
                        estimate_hours=rng.choice((4, 8, 16)),
                        due_date="2031-06-30",
                    ),
                    request_id=request_id,
                )
                reply = await self.call(
                    "CreateTask",
                    functools.partial(tasks.CreateTask, create, timeout=timeout),
                    request_id=request_id,
                )
                if reply is not None:
                    mine.append(reply.task.name)
                    self.tally.acked.append(Ack(request_id, "CreateTask", reply.task.name))
                continue
            name = rng.choice(mine)
            got = await self.call(
                "GetTask",
                functools.partial(
                    tasks.GetTask, task_service_pb2.GetTaskRequest(name=name), timeout=timeout
                ),
            )
            if got is None:
                continue
            task = got.task
            request_id = uuid.uuid4().hex
            step = FLOW.index(task.state) if task.state in FLOW else len(FLOW) - 1
            if rng.random() < 0.5 and step < len(FLOW) - 2:
                move = task_service_pb2.TransitionTaskRequest(
                    name=name, to_state=FLOW[step + 1], etag=task.etag
                )
                reply = await self.call(
                    "TransitionTask",
                    functools.partial(tasks.TransitionTask, move, timeout=timeout),
                    request_id=request_id,
                )
                method = "TransitionTask"
            else:
                task.estimate_hours = task.estimate_hours + rng.choice((1, 2, 4))
                update = task_service_pb2.UpdateTaskRequest(task=task)
                update.update_mask.paths.append("estimate_hours")
                reply = await self.call(
                    "UpdateTask",
                    functools.partial(tasks.UpdateTask, update, timeout=timeout),
                    request_id=request_id,
                )
                method = "UpdateTask"
            if reply is not None:
                self.tally.acked.append(Ack(request_id, method, name))

    async def _planner(self) -> None:
        if self.settings.planner_every_seconds <= 0:
            return
        rng = random.Random(7)
        while await self._pace(self.settings.planner_every_seconds):
            await self.propose(rng.choice(self.projects), time_limit=1.0)

    async def propose(self, project: str, *, time_limit: float) -> Any:
        stub = planner_service_pb2_grpc.PlannerServiceStub(self.stack.channel("planner"))
        request = planner_service_pb2.ProposeScheduleRequest(
            project=f"projects/{project}",
            time_limit_seconds=time_limit,
            request_id=uuid.uuid4().hex,
        )
        return await self.call(
            "ProposeSchedule",
            functools.partial(stub.ProposeSchedule, request, timeout=30),
        )

    async def _nlp(self) -> None:
        if self.settings.nlp_every_seconds <= 0:
            return
        rng = random.Random(11)
        while await self._pace(self.settings.nlp_every_seconds):
            await self.extract(rng.choice(self.projects))

    async def extract(self, project: str, *, text: str = NOTES) -> Any:
        stub = nlp_service_pb2_grpc.NlpServiceStub(self.stack.channel("nlp"))
        request = nlp_service_pb2.ExtractActionItemsRequest(
            project=f"projects/{project}",
            text=text,
            meeting_date="2031-03-03",
            request_id=uuid.uuid4().hex,
        )
        return await self.call(
            "ExtractActionItems",
            functools.partial(stub.ExtractActionItems, request, timeout=30),
        )


async def create_projects(stack: Stack, prefix: str, count: int) -> list[str]:
    """`count` projects, each with one executor, so the planner has someone to plan."""
    projects = project_service_pb2_grpc.ProjectServiceStub(stack.channel("core"))
    people = person_service_pb2_grpc.PersonServiceStub(stack.channel("core"))
    md = stack.auth()
    made = []
    for i in range(count):
        project = f"{prefix}-{i}"
        await projects.CreateProject(
            project_service_pb2.CreateProjectRequest(
                project_id=project,
                project=project_pb2.Project(
                    display_name=project, time_zone="UTC", start_date="2031-03-03"
                ),
            ),
            metadata=md,
            timeout=15,
        )
        await people.CreatePerson(
            person_service_pb2.CreatePersonRequest(
                person_id=f"{project}-ana", person=person_pb2.Person(display_name="Ana")
            ),
            metadata=md,
            timeout=15,
        )
        await projects.CreateMembership(
            project_service_pb2.CreateMembershipRequest(
                parent=f"projects/{project}",
                membership=project_pb2.Membership(
                    member=f"people/{project}-ana", roles=["ROLE_EXECUTOR"]
                ),
            ),
            metadata=md,
            timeout=15,
        )
        made.append(project)
    return made


# ---------------------------------------------------------------------------------------
# The truth, read back from PostgreSQL and JetStream.


@dataclass
class Report:
    scenario: str
    writes_acknowledged: int = 0
    writes_found: int = 0
    writes_per_second: float = 0.0
    events_committed: int = 0
    events_published: int = 0
    events_lost: int = 0
    events_applied_twice: int = 0
    events_out_of_order: int = 0
    half_written: int = 0
    risk_tasks_stale: int = 0
    risk_scores_stale: int = 0
    risk_events_committed: int = 0
    risk_events_lost: int = 0
    risk_events_published_twice: int = 0
    client_errors: dict[str, int] = field(default_factory=dict)
    client_errors_by_method: dict[str, int] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    server_tracebacks: dict[str, int] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failures(self) -> list[str]:
        """What broke the promise; empty when the scenario passed."""
        found = []
        if self.writes_found != self.writes_acknowledged:
            found.append(f"{self.writes_acknowledged - self.writes_found} acknowledged writes lost")
        for name in (
            "events_lost",
            "events_applied_twice",
            "events_out_of_order",
            "half_written",
            "risk_tasks_stale",
            "risk_scores_stale",
            "risk_events_lost",
            "risk_events_published_twice",
        ):
            if getattr(self, name):
                found.append(f"{name} = {getattr(self, name)}")
        for code in ("INTERNAL", "UNKNOWN", "DATA_LOSS"):
            if self.client_errors.get(code):
                found.append(f"{self.client_errors[code]} {code} answers")
        for check, ok in self.notes.get("checks", {}).items():
            if not ok:
                found.append(f"check failed: {check}")
        return found

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "passed": not self.failures, "failures": self.failures}


def _in_projects(projects: Sequence[str]) -> tuple[str, list[str]]:
    """A WHERE clause on `aggregate` selecting the projects and everything under them."""
    patterns = [f"projects/{p}" for p in projects] + [f"projects/{p}/%" for p in projects]
    return "aggregate LIKE ANY(%s)", patterns


async def stream_messages(nats_url: str, stream: str) -> list[tuple[str, bytes]]:
    """(Nats-Msg-Id, payload) of every message in `stream`, in stream order."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        info = await js.stream_info(stream)
        total = info.state.messages
        sub = await js.pull_subscribe(
            "",
            stream=stream,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, inactive_threshold=30),
        )
        found: list[tuple[str, bytes]] = []
        while len(found) < total:
            try:
                batch = await sub.fetch(500, timeout=2)
            except (nats.errors.TimeoutError, TimeoutError):
                break
            for message in batch:
                found.append(((message.headers or {}).get("Nats-Msg-Id", ""), message.data))
                await message.ack()
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
        return found
    finally:
        await nc.close()


async def _rows(url: str, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        cur = await conn.execute(query, params)
        return list(await cur.fetchall())


async def settle(stack: Stack, projects: Sequence[str], *, seconds: float = 90.0) -> bool:
    """Wait until both outboxes are empty and risk has processed every event of `projects`."""
    where, patterns = _in_projects(projects)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            left = await _rows(
                stack.database_url,
                "SELECT (SELECT count(*) FROM core.outbox WHERE sent_time IS NULL)"
                " + (SELECT count(*) FROM risk.outbox WHERE sent_time IS NULL),"
                f" (SELECT count(*) FROM core.outbox o WHERE {where}"
                "   AND NOT EXISTS (SELECT 1 FROM risk.processed_events p"
                "                   WHERE p.event_id = o.event_id::text))",
                (patterns,),
            )
        except psycopg.OperationalError:
            left = [(1, 1)]
        if left[0] == (0, 0):
            return True
        await asyncio.sleep(0.25)
    return False


async def verify(stack: Stack, load: Load, report: Report) -> Report:
    """Fill `report` from what PostgreSQL and JetStream hold for the load's projects."""
    projects = load.projects
    where, patterns = _in_projects(projects)
    url = stack.database_url
    acked = load.tally.acked
    report.writes_acknowledged = len(acked)
    audited = {
        (row[0], row[1])
        for row in await _rows(
            url,
            "SELECT request_id, resource FROM core.audit_log WHERE request_id = ANY(%s)",
            ([a.request_id for a in acked],),
        )
    }
    report.writes_found = sum(1 for a in acked if (a.request_id, a.task) in audited)

    outbox = await _rows(
        url,
        f"SELECT event_id::text, aggregate, aggregate_version, payload FROM core.outbox"
        f" WHERE {where} ORDER BY id",
        (patterns,),
    )
    committed = {row[0]: events_pb2.ChangeEvent.FromString(bytes(row[3])) for row in outbox}
    report.events_committed = len(committed)

    # Nothing half-written: each audited write of these projects has its event, and back.
    audit_requests = Counter(
        row[0]
        for row in await _rows(
            url,
            f"SELECT request_id FROM core.audit_log WHERE {where.replace('aggregate', 'resource')}",
            (patterns,),
        )
    )
    event_requests = Counter(e.request_id for e in committed.values())
    report.half_written = sum(
        abs(audit_requests[r] - event_requests[r])
        for r in set(audit_requests) | set(event_requests)
    )

    messages = await stream_messages(stack.nats_url, "PLANOPS_CORE")
    seen: Counter[str] = Counter()
    last_version: dict[str, int] = {}
    out_of_order = set()
    for msg_id, data in messages:
        if msg_id not in committed:
            continue
        seen[msg_id] += 1
        event = events_pb2.ChangeEvent.FromString(data)
        if event.id != msg_id:
            out_of_order.add(event.aggregate)
        if last_version.get(event.aggregate, 0) >= event.aggregate_version:
            out_of_order.add(event.aggregate)
        last_version[event.aggregate] = event.aggregate_version
    report.events_published = len(seen)
    report.events_out_of_order = len(out_of_order)

    processed = {
        row[0]
        for row in await _rows(
            url,
            "SELECT event_id FROM risk.processed_events WHERE event_id = ANY(%s)",
            (list(committed),),
        )
    }
    lost = {e for e in committed if e not in seen or e not in processed}
    report.events_lost = len(lost)
    twice = sum(n - 1 for n in seen.values() if n > 1)

    # Exactly once in effect: risk's count of estimate changes per task against the events
    # that changed an estimate, and the version risk holds against the newest event.
    expected_changes: Counter[str] = Counter()
    newest: dict[str, int] = {}
    for event in committed.values():
        if event.WhichOneof("resource") != "task":
            continue
        newest[event.aggregate] = max(newest.get(event.aggregate, 0), event.aggregate_version)
        if event.type == "task.updated" and "estimate_hours" in event.changed_fields:
            expected_changes[event.aggregate] += 1
    held = {
        row[0]: (int(row[1]), int(row[2]))
        for row in await _rows(
            url,
            "SELECT t.task, t.version, (SELECT count(*) FROM risk.task_changes c"
            " WHERE c.task = t.task AND c.estimate_changed) FROM risk.tasks t"
            " WHERE t.task = ANY(%s)",
            (list(newest),),
        )
    }
    stale = 0
    for task, version in newest.items():
        risk_version, changes = held.get(task, (0, 0))
        if risk_version != version:
            stale += 1
        if changes > expected_changes[task]:
            twice += changes - expected_changes[task]
        elif changes < expected_changes[task]:
            lost.add(f"estimate change of {task}")
    report.events_lost = len(lost)
    if lost:
        report.notes["lost_sample"] = sorted(lost)[:5]
    report.events_applied_twice = twice
    report.risk_tasks_stale = stale

    # The re-scoring an event causes is part of its effect: each open task's score is newer
    # than the moment risk applied the task's latest event.
    latest = {
        event.aggregate: event.id
        for event in sorted(committed.values(), key=lambda e: e.aggregate_version)
        if event.WhichOneof("resource") == "task"
    }
    unscored = await _rows(
        url,
        "SELECT t.task FROM risk.tasks t"
        " JOIN unnest(%s::text[], %s::text[]) AS l(task, event_id) ON l.task = t.task"
        " JOIN risk.processed_events p ON p.event_id = l.event_id"
        " LEFT JOIN risk.scores s ON s.task = t.task"
        " WHERE NOT t.imported AND NOT t.deleted"
        "   AND t.category IN ('planned', 'active', 'blocked')"
        "   AND (s.task IS NULL OR s.score_time < p.processed_time)",
        (list(latest), list(latest.values())),
    )
    report.risk_scores_stale = len(unscored)
    if unscored:
        report.notes["unscored_sample"] = [row[0] for row in unscored[:5]]

    risk_outbox = {
        row[0]
        for row in await _rows(
            url,
            "SELECT event_id::text FROM risk.outbox WHERE aggregate LIKE ANY(%s)",
            (patterns,),
        )
    }
    risk_seen = Counter(
        msg_id
        for msg_id, _ in await stream_messages(stack.nats_url, "PLANOPS_RISK")
        if msg_id in risk_outbox
    )
    report.risk_events_committed = len(risk_outbox)
    report.risk_events_lost = len(risk_outbox - set(risk_seen))
    report.risk_events_published_twice = sum(n - 1 for n in risk_seen.values() if n > 1)
    report.client_errors = dict(load.tally.errors)
    report.client_errors_by_method = dict(load.tally.errors_by_method)
    report.calls = dict(load.tally.calls)
    report.server_tracebacks = stack.tracebacks()
    return report


# ---------------------------------------------------------------------------------------
# The scenarios.


@dataclass
class Timing:
    """How long each phase lasts; the bench uses the defaults, the tests shorter ones."""

    warmup: float = 3.0
    outage: float = 4.0
    after: float = 4.0
    settle: float = 120.0


Fault = Callable[[Stack, Load, Timing, dict[str, Any]], Awaitable[None]]


async def baseline(stack: Stack, load: Load, timing: Timing, notes: dict[str, Any]) -> None:
    """No fault: the same load for as long as an outage lasts, the reference."""
    await asyncio.sleep(timing.outage)


async def nats_restart(stack: Stack, load: Load, timing: Timing, notes: dict[str, Any]) -> None:
    """NATS killed; writes go on into the outbox; NATS back on the same store."""
    await asyncio.to_thread(stack.nats.stop, kill=True)
    await asyncio.sleep(timing.outage)
    notes["backlog_at_restart"] = (
        await _rows(stack.database_url, "SELECT count(*) FROM core.outbox WHERE sent_time IS NULL")
    )[0][0]
    await asyncio.to_thread(stack.nats.start)


async def postgres_restart(stack: Stack, load: Load, timing: Timing, notes: dict[str, Any]) -> None:
    """PostgreSQL stopped (fast shutdown ends every session) and started on the same data."""
    before = sum(load.tally.errors.values())
    await asyncio.to_thread(stack.postgres.halt)
    # A caller with a short deadline hears UNAVAILABLE in time, not DEADLINE_EXCEEDED.
    short = await _short_deadline_call(stack, load.projects[0])
    await asyncio.sleep(timing.outage)
    notes["client_errors_during_outage"] = sum(load.tally.errors.values()) - before
    await asyncio.to_thread(stack.postgres.resume)
    # Services recover by themselves: the same processes answer once the database is back.
    pids = {name: p.pid for name, p in stack.processes.items()}
    back = sum(load.tally.errors.values())
    await asyncio.sleep(timing.after)
    notes["client_errors_after_restart"] = sum(load.tally.errors.values()) - back
    notes["short_deadline_call_during_outage"] = short
    notes["checks"] = {
        "no service restarted": pids == {n: p.pid for n, p in stack.processes.items()}
        and all(p.poll() is None for p in stack.processes.values()),
        "a 2 s call during the outage got UNAVAILABLE": short == "UNAVAILABLE",
    }


async def _short_deadline_call(stack: Stack, project: str) -> str:
    try:
        await task_service_pb2_grpc.TaskServiceStub(stack.channel("core")).ListTasks(
            task_service_pb2.ListTasksRequest(parent=f"projects/{project}"),
            metadata=stack.auth(),
            timeout=2.0,
        )
    except grpc.aio.AioRpcError as error:
        return error.code().name
    return "OK"


async def risk_sigkill(stack: Stack, load: Load, timing: Timing, notes: dict[str, Any]) -> None:
    """risk SIGKILLed while it holds delivered, unacknowledged events; then restarted."""
    nc = await nats.connect(stack.nats_url)
    try:
        js = nc.jetstream()
        # Hold risk still so a batch builds up, then kill it as soon as it is mid-batch.
        stack.send("risk", signal.SIGSTOP)
        await asyncio.sleep(timing.outage)
        stack.send("risk", signal.SIGCONT)
        pending = 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            info = await js.consumer_info("PLANOPS_CORE", "risk")
            pending = info.num_ack_pending
            if pending > 0 and (info.delivered.stream_seq or 0) > 0:
                break
            await asyncio.sleep(0.01)
        stack.send("risk", signal.SIGKILL)
        await stack.wait_exit("risk")
        notes["unacknowledged_at_kill"] = pending
        notes["checks"] = {"killed mid-batch": pending > 0}
    finally:
        await nc.close()
    await stack.restart("risk")


class HealthWatch:
    """Watches a service's health stream; records the statuses until NOT_SERVING or the end."""

    def __init__(self, stack: Stack, name: str) -> None:
        self.stub = health_pb2_grpc.HealthStub(stack.channel(name))
        self.service = HEALTH_NAMES[name]
        self.statuses: list[str] = []
        self.ended_with = ""
        self.task = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        call = self.stub.Watch(health_pb2.HealthCheckRequest(service=self.service))
        try:
            async for reply in call:
                self.statuses.append(
                    health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
                )
                if reply.status == health_pb2.HealthCheckResponse.NOT_SERVING:
                    call.cancel()  # as a load balancer would: stop sending, let go
                    return
        except grpc.aio.AioRpcError as error:
            self.ended_with = error.code().name
        except asyncio.CancelledError:
            self.ended_with = "CANCELLED"

    async def serving(self) -> None:
        for _ in range(100):
            if self.statuses[-1:] == ["SERVING"]:
                return
            await asyncio.sleep(0.05)


# A table the service's in-flight probe call reads first: locked, it holds the call open.
HELD_BY = {
    "core": "core.tasks",
    "risk": "risk.tasks",
    "planner": "planner.proposals",
    "nlp": "nlp.notes",
}


def sigterm(name: str) -> Fault:
    async def fault(stack: Stack, load: Load, timing: Timing, notes: dict[str, Any]) -> None:
        """SIGTERM under load while a call is held in flight (its query waits on a table
        lock); health must turn NOT_SERVING, then the call finish, then the process exit."""
        table = HELD_BY[name]
        watch = HealthWatch(stack, name)
        await watch.serving()
        async with await psycopg.AsyncConnection.connect(stack.database_url) as locker:
            await locker.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            inflight = asyncio.create_task(_slow_call(stack, load, name))
            held = await _eventually_waiting(stack.database_url, table.split(".")[1])
            stack.send(name, signal.SIGTERM)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(watch.task), 10)
            still_running = stack.processes[name].poll() is None
            await asyncio.sleep(0.5)
            await locker.rollback()
        code = await stack.wait_exit(name)
        result = await inflight
        notes["exit_code"] = code
        notes["health_seen"] = watch.statuses
        notes["inflight_call"] = result
        notes["checks"] = {
            "call held in flight at SIGTERM": held,
            "health NOT_SERVING while the call was in flight": "NOT_SERVING" in watch.statuses
            and still_running,
            "in-flight call finished": result == "OK",
            "exit code 0": code == 0,
        }
        await asyncio.sleep(timing.outage / 2)
        await stack.restart(name)

    fault.__name__ = f"sigterm_{name}"
    return fault


async def _eventually_waiting(url: str, table: str, *, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await _waiting_on_lock(url, table):
            return True
        await asyncio.sleep(0.02)
    return False


async def _slow_call(stack: Stack, load: Load, name: str) -> str:
    """One call that is still running when the signal arrives; its final status code."""
    md = (*stack.auth(), ("x-request-id", uuid.uuid4().hex))
    try:
        if name == "planner":
            await planner_service_pb2_grpc.PlannerServiceStub(stack.channel(name)).ProposeSchedule(
                planner_service_pb2.ProposeScheduleRequest(
                    project=f"projects/{load.projects[0]}", time_limit_seconds=1.0
                ),
                metadata=md,
                timeout=30,
            )
        elif name == "nlp":
            await nlp_service_pb2_grpc.NlpServiceStub(stack.channel(name)).ExtractActionItems(
                nlp_service_pb2.ExtractActionItemsRequest(
                    project=f"projects/{load.projects[0]}",
                    text=NOTES,
                    meeting_date="2031-03-03",
                ),
                metadata=md,
                timeout=30,
            )
        elif name == "risk":
            await risk_service_pb2_grpc.RiskServiceStub(stack.channel(name)).ListTaskRisks(
                risk_service_pb2.ListTaskRisksRequest(project=f"projects/{load.projects[0]}"),
                metadata=md,
                timeout=30,
            )
        else:
            await task_service_pb2_grpc.TaskServiceStub(stack.channel(name)).ListTasks(
                task_service_pb2.ListTasksRequest(
                    parent=f"projects/{load.projects[0]}", page_size=1000
                ),
                metadata=md,
                timeout=30,
            )
    except grpc.aio.AioRpcError as error:
        return error.code().name
    return "OK"


async def hung_downstream(stack: Stack, load: Load, timing: Timing, notes: dict[str, Any]) -> None:
    """risk hung (SIGSTOP): core's writes go on and the planner answers without it; then a
    client's short deadline on the planner reaches the planner's own call to core."""
    acked_before = len(load.tally.acked)
    errors_before = Counter(load.tally.errors)
    stack.send("risk", signal.SIGSTOP)
    try:
        proposal = await load.propose(load.projects[0], time_limit=1.0)
        await asyncio.sleep(timing.outage)
    finally:
        stack.send("risk", signal.SIGCONT)
    during = load.tally.errors - errors_before
    notes["writes_acknowledged_while_risk_hung"] = len(load.tally.acked) - acked_before
    notes["errors_while_risk_hung"] = dict(during)
    notes["planner_answered_without_risk"] = proposal is not None
    # The load pauses and risk catches up (its deadline forecasts, which read core too, run
    # 2 s after a project's last change), so every query left waiting on the lock is the
    # planner's.
    load.paused.clear()
    try:
        await settle(stack, load.projects, seconds=timing.settle)
        await asyncio.sleep(3.0)
        deadline = await deadline_reaches_downstream(stack, load.projects[0])
    finally:
        load.paused.set()
    notes.update(deadline)
    notes["checks"] = {
        "core kept acknowledging writes": notes["writes_acknowledged_while_risk_hung"] > 0,
        "no core errors while risk hung": not during,
        "planner answered while risk hung": proposal is not None,
        "client deadline cancelled the downstream query": deadline["downstream_cancelled"],
    }


async def deadline_reaches_downstream(stack: Stack, project: str) -> dict[str, Any]:
    """Lock core's projects table so core's answer to the planner hangs, call the planner
    with a 2 s deadline, and see core's waiting query end while the lock is still held:
    the client's deadline, not the planner's own 10 s timeout for core, bounded the work."""
    stub = planner_service_pb2_grpc.PlannerServiceStub(stack.channel("planner"))
    md = (*stack.auth(), ("x-request-id", uuid.uuid4().hex))
    async with await psycopg.AsyncConnection.connect(stack.database_url) as locker:
        await locker.execute("LOCK TABLE core.projects IN ACCESS EXCLUSIVE MODE")
        await asyncio.sleep(0.3)
        before = await _waiting_on_lock(stack.database_url, "projects")
        started = time.monotonic()
        call = asyncio.ensure_future(
            stub.ProposeSchedule(
                planner_service_pb2.ProposeScheduleRequest(
                    project=f"projects/{project}", time_limit_seconds=1
                ),
                metadata=md,
                timeout=2.0,
            )
        )
        waited = 0
        while not call.done():
            waited = max(waited, await _waiting_on_lock(stack.database_url, "projects"))
            await asyncio.sleep(0.05)
        code = "OK"
        try:
            await call
        except grpc.aio.AioRpcError as error:
            code = error.code().name
        cancelled_after = None
        while time.monotonic() - started < 8.0:
            if not await _waiting_on_lock(stack.database_url, "projects"):
                cancelled_after = time.monotonic() - started
                break
            await asyncio.sleep(0.05)
        await locker.rollback()
    return {
        "client_code": code,
        "other_queries_waiting": before,
        "downstream_queries_waiting": waited,
        "downstream_cancelled": before == 0 and waited > 0 and cancelled_after is not None,
        "downstream_cancelled_after_s": round(cancelled_after or -1, 2),
    }


async def _waiting_on_lock(url: str, table: str) -> int:
    """Queries waiting for a lock whose text names `table`."""
    rows = await _rows(
        url,
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s",
        (f"%{table}%",),
    )
    return int(rows[0][0])


# About 99,000 characters: first a line the extractor reads in time quadratic in its length
# (a run of dashes, #13 finding 2), then ordinary notes enough to outlast the deadline even
# once that line is read in linear time.
HOSTILE_NOTES = ("Ben to fix the feed " + "\u2014" * 20_000 + "\n" + (NOTES + "\n") * 800)[:99_000]
HOSTILE_DEADLINE = 1.0
KILLED_AT_DEADLINE = "killed: still reading at the deadline"


async def hostile_notes(stack: Stack, load: Load, timing: Timing, notes: dict[str, Any]) -> None:
    """Hostile notes with a short deadline, one after another, while nlp's health and an
    ordinary extraction are called in a loop beside them: each hostile call ends at its
    deadline with its worker killed and replaced, and the other calls keep answering."""
    stub = nlp_service_pb2_grpc.NlpServiceStub(stack.channel("nlp"))
    health = health_pb2_grpc.HealthStub(stack.channel("nlp"))
    project = load.projects[0]
    killed_before = _log_count(stack, "nlp", KILLED_AT_DEADLINE)
    stop = asyncio.Event()
    hostile: Counter[str] = Counter()
    probes: Counter[str] = Counter()
    slowest = {"hostile": 0.0, "health": 0.0, "extract": 0.0}

    async def timed(kind: str, call: Awaitable[Any]) -> str:
        started = time.monotonic()
        outcome = await _outcome(call)
        slowest[kind] = max(slowest[kind], time.monotonic() - started)
        return outcome

    async def attack() -> None:
        while not stop.is_set():
            request = nlp_service_pb2.ExtractActionItemsRequest(
                project=f"projects/{project}", text=HOSTILE_NOTES, meeting_date="2031-03-03"
            )
            call = stub.ExtractActionItems(request, metadata=stack.auth(), timeout=HOSTILE_DEADLINE)
            hostile[await timed("hostile", call)] += 1

    async def probe() -> None:
        while not stop.is_set():
            check = health.Check(health_pb2.HealthCheckRequest(), timeout=5)
            probes[f"health {await timed('health', check)}"] += 1
            request = nlp_service_pb2.ExtractActionItemsRequest(
                project=f"projects/{project}", text=NOTES, meeting_date="2031-03-03"
            )
            call = stub.ExtractActionItems(request, metadata=stack.auth(), timeout=10)
            probes[f"extract {await timed('extract', call)}"] += 1
            await asyncio.sleep(0.1)

    running = [asyncio.create_task(attack()), asyncio.create_task(probe())]
    await asyncio.sleep(timing.outage)
    stop.set()
    await asyncio.gather(*running)
    workers = await _settled_workers(stack, "nlp")
    ended_at_deadline = hostile["EXTRACTION_DEADLINE"]
    notes["hostile_calls"] = dict(hostile)
    notes["hostile_ended_at_deadline"] = ended_at_deadline
    notes["hostile_deadline_s"] = HOSTILE_DEADLINE
    notes["workers_killed"] = _log_count(stack, "nlp", KILLED_AT_DEADLINE) - killed_before
    notes["workers_after"] = workers
    notes["probe_calls"] = dict(probes)
    notes["slowest_s"] = {kind: round(seconds, 2) for kind, seconds in slowest.items()}
    notes["checks"] = {
        "every hostile call was answered by its deadline": set(hostile)
        <= {
            "EXTRACTION_DEADLINE",
            "OK",
        }
        and sum(hostile.values()) > 0,
        "health and ordinary extractions kept answering": set(probes)
        == {"health OK", "extract OK"},
        "the killed workers are gone and replaced": workers == NLP_WORKERS,
    }


async def _outcome(call: Awaitable[Any]) -> str:
    """OK, the ErrorInfo reason of a refusal, or the bare status code without one."""
    try:
        await call
    except grpc.aio.AioRpcError as error:
        status = rpc_status.from_call(error)
        for detail in status.details if status is not None else ():
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                return info.reason
        return error.code().name
    return "OK"


def _log_count(stack: Stack, name: str, text: str) -> int:
    path = stack.home / "logs" / f"{name}.log"
    return path.read_text(errors="replace").count(text) if path.exists() else 0


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            # The name in parentheses may hold spaces; the parent id follows the state.
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


async def _settled_workers(stack: Stack, name: str, *, seconds: float = 10.0) -> int:
    """The service's extraction workers (the forkserver's children), once as many as
    configured are running again or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        service = stack.processes[name].pid
        workers = sum(len(_children(child)) for child in _children(service))
        if workers == NLP_WORKERS or time.monotonic() > deadline:
            return workers
        await asyncio.sleep(0.1)


SCENARIOS: dict[str, Fault] = {
    "baseline": baseline,
    "nats_restart": nats_restart,
    "postgres_restart": postgres_restart,
    "risk_sigkill": risk_sigkill,
    **{f"sigterm_{name}": sigterm(name) for name in SERVICES},
    "hung_downstream": hung_downstream,
    "hostile_notes": hostile_notes,
}


async def run_scenario(
    stack: Stack, name: str, *, load_settings: LoadSettings, timing: Timing
) -> Report:
    """Load, the fault, more load, then the truth."""
    started = time.monotonic()
    report = Report(scenario=name)
    projects = await create_projects(
        stack, f"{name.replace('_', '-')}-{uuid.uuid4().hex[:6]}", load_settings.projects
    )
    load = Load(stack, projects, load_settings)
    running = asyncio.create_task(load.run())
    loaded = time.monotonic()
    try:
        await asyncio.sleep(timing.warmup)
        await SCENARIOS[name](stack, load, timing, report.notes)
        await asyncio.sleep(timing.after)
    finally:
        load.stopping.set()
        await running
    report.writes_per_second = round(len(load.tally.acked) / (time.monotonic() - loaded), 1)
    report.notes["settled"] = await settle(stack, projects, seconds=timing.settle)
    await verify(stack, load, report)
    report.seconds = round(time.monotonic() - started, 1)
    return report
