"""Soak test of the whole loop at a steady rate, against the four services as real processes.

    python -m bench.soak --minutes 10 [--rate 20] [--json]

What runs: embedded PostgreSQL and NATS (or DATABASE_URL / NATS_URL), then core, planner,
risk and nlp as `python -m services.<name>` subprocesses with their own keys, as `planops up`
starts them, each with its Prometheus endpoint. The load is open loop (calls start on a
clock, whatever the answers take):

- writes through core at `--rate` per second over `--projects` projects: create, update,
  transition, and delete of the oldest task once a project holds `--max-open`, so the
  planner's problem and risk's work stay bounded while the database grows;
- one update in 50 on purpose with a stale etag: the ABORTED it gets is an error the load
  asked for, counted apart;
- risk: GetTaskRisk on a recent task at a quarter of the write rate, ForecastProject each
  10 s; the events of every write are re-scored by risk's consumer;
- planner: ProposeSchedule of the next project every `--plan-every` seconds;
- nlp: ExtractActionItems of a meeting's notes every `--notes-every` seconds and
  AcceptActionItems of its first item (tasks that nlp creates in core);
- core's Health/Check each second: the in-run reference for latency (no work, one hop).

Measured: calls and latency percentiles per RPC, errors by code (asked for or not), event
lag (a plain NATS subscriber: arrival - ChangeEvent.time) and re-scoring lag (commit of a core
event to risk's `task_risk.changed` for it), and each service's RSS sampled with psutil:
the least-squares slope after the warm-up (the first `--warmup` fraction of the run). The
latency drift of each RPC (p50 of the last quarter over the first after warm-up) is the
in-run reference for degradation.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
for extra in (REPO, REPO / "gen"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))
from bench.latency import percentile  # noqa: E402

SERVICES = ["core", "planner", "risk", "nlp"]
PEOPLE = [
    ("ana", "Ana Silva", [("copywriting", 4), ("design", 2)]),
    ("ben", "Ben Okafor", [("design", 4), ("analytics", 3)]),
    ("lin", "Lin Wei", [("copywriting", 3), ("analytics", 4)]),
    ("mo", "Mo Haddad", [("design", 3), ("copywriting", 2)]),
]
SKILLS = ["copywriting", "design", "analytics"]
STATES = ["submitted", "in_review", "scheduled", "in_progress"]
NOTES = """Weekly sync, promotion campaign.
Ana will draft the launch email by Friday.
Ben to finish the banner designs next Wednesday.
Lin: update the sales dashboard before the review.
Decision: we keep the discount at 15 percent.
"""


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    if len(points) < 2:
        return 0.0
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


# --------------------------------------------------------------------------------------------
# The services
# --------------------------------------------------------------------------------------------


@dataclass
class Service:
    name: str
    address: str
    metrics: str
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid


@dataclass
class Stack:
    tmp: Path
    database_url: str
    nats_url: str
    admin_key: str
    services: dict[str, Service] = field(default_factory=dict)
    stops: list[Any] = field(default_factory=list)


def start_stack(tmp: Path) -> Stack:
    from services.cli.stack import service_key, wait_serving
    from services.common.embedded import EmbeddedNats, EmbeddedPostgres, free_port

    stops: list[Any] = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        pg = EmbeddedPostgres(tmp / "pg")
        database_url = pg.start()
        stops.append(pg.stop)
    nats_url = os.environ.get("NATS_URL", "")
    if not nats_url:
        server = EmbeddedNats(tmp / "nats")
        nats_url = server.start()
        stops.append(server.stop)
    home = tmp / "home"
    home.mkdir()
    ports = {name: (free_port(), free_port()) for name in SERVICES}
    addresses = {
        f"PLANOPS_{name.upper()}_ADDRESS": f"127.0.0.1:{grpc_port}"
        for name, (grpc_port, _) in ports.items()
    }
    stack = Stack(tmp=tmp, database_url=database_url, nats_url=nats_url, admin_key="", stops=stops)
    for name in SERVICES:
        grpc_port, metrics_port = ports[name]
        env = {
            **os.environ,
            **addresses,
            "DATABASE_URL": database_url,
            "NATS_URL": nats_url,
            "PLANOPS_HOME": str(home),
            "PLANOPS_LOG_LEVEL": "WARNING",
            f"PLANOPS_{name.upper()}_METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
            "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "gen")]),
        }
        if name != "core":
            env["PLANOPS_CORE_KEY"] = service_key(
                home, name, core_address=addresses["PLANOPS_CORE_ADDRESS"]
            )
        out = (tmp / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", f"services.{name}"],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()
        service = Service(name, f"127.0.0.1:{grpc_port}", f"127.0.0.1:{metrics_port}", process)
        stack.services[name] = service
        log(f"starting {name} on {service.address} (metrics {service.metrics})")
        wait_serving(service.address, process, timeout=120)
        if name == "core":
            stack.admin_key = (home / "admin.key").read_text().strip()
    return stack


def stop_stack(stack: Stack) -> None:
    for service in reversed(stack.services.values()):
        if service.process.poll() is None:
            service.process.terminate()
    for service in reversed(stack.services.values()):
        try:
            service.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            service.process.kill()
    for stop in reversed(stack.stops):
        with contextlib.suppress(Exception):
            stop()


def scrape(address: str) -> dict[str, float]:
    """Samples of a /metrics page, `name{labels}` -> value."""
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=5) as reply:
        text = reply.read().decode()
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            with contextlib.suppress(ValueError):
                samples[key] = float(value)
    return samples


# --------------------------------------------------------------------------------------------
# The load
# --------------------------------------------------------------------------------------------


@dataclass
class Record:
    rpc: str
    start: float  # seconds since the run started
    ms: float
    code: str
    expected: bool = False


@dataclass
class ProjectState:
    name: str
    tasks: list[tuple[str, str, int]] = field(default_factory=list)  # (name, etag, state index)


class Load:
    def __init__(self, stack: Stack, args: argparse.Namespace) -> None:
        import grpc
        from planops.core.v1 import project_service_pb2_grpc, task_service_pb2_grpc
        from planops.nlp.v1 import nlp_service_pb2_grpc
        from planops.planner.v1 import planner_service_pb2_grpc
        from planops.risk.v1 import risk_service_pb2_grpc

        self.args = args
        self.stack = stack
        self.md = (("authorization", f"Bearer {stack.admin_key}"),)
        self.channels = {
            name: grpc.aio.insecure_channel(s.address) for name, s in stack.services.items()
        }
        self.tasks = task_service_pb2_grpc.TaskServiceStub(self.channels["core"])
        self.projects_stub = project_service_pb2_grpc.ProjectServiceStub(self.channels["core"])
        self.planner = planner_service_pb2_grpc.PlannerServiceStub(self.channels["planner"])
        self.risk = risk_service_pb2_grpc.RiskServiceStub(self.channels["risk"])
        self.nlp = nlp_service_pb2_grpc.NlpServiceStub(self.channels["nlp"])
        self.records: list[Record] = []
        self.projects: list[ProjectState] = []
        self.started = 0.0
        self.in_flight = 0
        self.skipped = 0
        self.writes = 0
        self.rng = random.Random(7)
        self.event_time: dict[str, float] = {}
        self.event_lag: list[tuple[float, float]] = []  # (run second, lag s)
        self.rescore_lag: list[tuple[float, float]] = []
        self._rescored: set[str] = set()
        self.busy: set[str] = set()

    async def call(self, rpc: str, coro: Any, *, expect: str = "") -> Any:
        import grpc

        t0 = time.perf_counter()
        start = time.monotonic() - self.started
        try:
            reply = await coro
            self.records.append(Record(rpc, start, (time.perf_counter() - t0) * 1000, "OK"))
            return reply
        except grpc.aio.AioRpcError as error:
            code = error.code().name
            self.records.append(
                Record(rpc, start, (time.perf_counter() - t0) * 1000, code, code == expect)
            )
            if code != expect:
                log(f"{rpc}: {code} {error.details()}")
            return None

    # ---------------------------------------------------------------- setup

    async def setup(self) -> None:
        from planops.core.v1 import (
            person_pb2,
            person_service_pb2,
            person_service_pb2_grpc,
            project_pb2,
            project_service_pb2,
        )

        people = person_service_pb2_grpc.PersonServiceStub(self.channels["core"])
        for pid, display, skills in PEOPLE:
            await people.CreatePerson(
                person_service_pb2.CreatePersonRequest(
                    person_id=pid,
                    person=person_pb2.Person(
                        display_name=display,
                        skills=[person_pb2.Skill(skill=s, level=v) for s, v in skills],
                    ),
                ),
                metadata=self.md,
            )
        today = date.today()
        for i in range(self.args.projects):
            project_id = f"soak-{i}"
            await self.projects_stub.CreateProject(
                project_service_pb2.CreateProjectRequest(
                    project_id=project_id,
                    project=project_pb2.Project(
                        display_name=f"Soak {i}",
                        start_date=today.isoformat(),
                        deadline=(today + timedelta(days=90)).isoformat(),
                    ),
                ),
                metadata=self.md,
            )
            for pid, _, _ in PEOPLE:
                await self.projects_stub.CreateMembership(
                    project_service_pb2.CreateMembershipRequest(
                        parent=f"projects/{project_id}",
                        membership=project_pb2.Membership(
                            member=f"people/{pid}", roles=["ROLE_MANAGER", "ROLE_EXECUTOR"]
                        ),
                    ),
                    metadata=self.md,
                )
            self.projects.append(ProjectState(f"projects/{project_id}"))

    # ---------------------------------------------------------------- events

    async def listen(self) -> Any:
        import nats
        from planops.core.v1 import events_pb2
        from planops.risk.v1 import events_pb2 as risk_events_pb2

        nc = await nats.connect(self.stack.nats_url, name="soak")

        async def core_event(msg: Any) -> None:
            now = time.time()
            event = events_pb2.ChangeEvent.FromString(msg.data)
            when = event.time.seconds + event.time.nanos / 1e9
            self.event_time[event.id] = when
            self.event_lag.append((time.monotonic() - self.started, now - when))

        async def risk_event(msg: Any) -> None:
            now = time.time()
            event = risk_events_pb2.TaskRiskChanged.FromString(msg.data)
            cause = event.cause_event_id
            if cause in self._rescored or cause not in self.event_time:
                return
            self._rescored.add(cause)
            self.rescore_lag.append((time.monotonic() - self.started, now - self.event_time[cause]))

        await nc.subscribe("planops.core.v1.>", cb=core_event)
        await nc.subscribe("planops.risk.v1.task_risk.changed", cb=risk_event)
        return nc

    # ---------------------------------------------------------------- operations

    async def write(self) -> None:
        from google.protobuf.field_mask_pb2 import FieldMask
        from planops.core.v1 import person_pb2, task_pb2, task_service_pb2

        self.writes += 1
        n = self.writes
        project = self.projects[n % len(self.projects)]
        rng = self.rng
        idle = [t for t in project.tasks if t[0] not in self.busy]
        if len(project.tasks) >= self.args.max_open and idle:
            name = idle[0][0]
            project.tasks = [t for t in project.tasks if t[0] != name]
            await self.call(
                "core.DeleteTask",
                self.tasks.DeleteTask(
                    task_service_pb2.DeleteTaskRequest(name=name), metadata=self.md, timeout=30
                ),
            )
            return
        choice = rng.random()
        if not idle or choice < 0.4:
            person = PEOPLE[n % len(PEOPLE)][0]
            reply = await self.call(
                "core.CreateTask",
                self.tasks.CreateTask(
                    task_service_pb2.CreateTaskRequest(
                        parent=project.name,
                        request_id=f"soak-{n}",
                        task=task_pb2.Task(
                            title=f"Soak task {n}",
                            estimate_hours=float(4 + n % 12),
                            required_skills=[person_pb2.Skill(skill=SKILLS[n % 3], level=2)],
                            assignee=f"people/{person}",
                            due_date=(date.today() + timedelta(days=5 + n % 40)).isoformat(),
                        ),
                    ),
                    metadata=self.md,
                    timeout=30,
                ),
            )
            if reply is not None:
                project.tasks.append((reply.task.name, reply.task.etag, 0))
            return
        name, etag, state = idle[rng.randrange(len(idle))]
        self.busy.add(name)
        try:
            if n % 50 == 0:  # asked for: a stale etag
                await self.call(
                    "core.UpdateTask",
                    self.tasks.UpdateTask(
                        task_service_pb2.UpdateTaskRequest(
                            task=task_pb2.Task(name=name, title="stale", etag='W/"0"'),
                            update_mask=FieldMask(paths=["title"]),
                        ),
                        metadata=self.md,
                        timeout=30,
                    ),
                    expect="ABORTED",
                )
                return
            if choice < 0.75 or state >= len(STATES):
                reply = await self.call(
                    "core.UpdateTask",
                    self.tasks.UpdateTask(
                        task_service_pb2.UpdateTaskRequest(
                            task=task_pb2.Task(
                                name=name, estimate_hours=float(2 + rng.randrange(20)), etag=etag
                            ),
                            update_mask=FieldMask(paths=["estimate_hours"]),
                        ),
                        metadata=self.md,
                        timeout=30,
                    ),
                )
            else:
                reply = await self.call(
                    "core.TransitionTask",
                    self.tasks.TransitionTask(
                        task_service_pb2.TransitionTaskRequest(
                            name=name, to_state=STATES[state], etag=etag
                        ),
                        metadata=self.md,
                        timeout=30,
                    ),
                )
                state += 1
            if reply is not None:
                project.tasks = [
                    (name, reply.task.etag, state) if t[0] == name else t for t in project.tasks
                ]
        finally:
            self.busy.discard(name)

    async def read_risk(self) -> None:
        from planops.risk.v1 import risk_service_pb2

        project = self.projects[self.rng.randrange(len(self.projects))]
        if not project.tasks:
            return
        name = project.tasks[-1][0]
        # A task created a moment ago may not be scored yet: NOT_FOUND is asked for.
        await self.call(
            "risk.GetTaskRisk",
            self.risk.GetTaskRisk(
                risk_service_pb2.GetTaskRiskRequest(task=name), metadata=self.md, timeout=30
            ),
            expect="NOT_FOUND",
        )

    async def forecast(self, i: int) -> None:
        from planops.risk.v1 import risk_service_pb2

        project = self.projects[i % len(self.projects)]
        await self.call(
            "risk.ForecastProject",
            self.risk.ForecastProject(
                risk_service_pb2.ForecastProjectRequest(project=project.name, samples=500),
                metadata=self.md,
                timeout=60,
            ),
            expect="FAILED_PRECONDITION",  # nothing open to forecast yet
        )

    async def plan(self, i: int) -> None:
        from planops.planner.v1 import planner_service_pb2

        project = self.projects[i % len(self.projects)]
        await self.call(
            "planner.ProposeSchedule",
            self.planner.ProposeSchedule(
                planner_service_pb2.ProposeScheduleRequest(
                    project=project.name, time_limit_seconds=self.args.solve_seconds
                ),
                metadata=self.md,
                timeout=self.args.solve_seconds + 30,
            ),
        )

    async def notes(self, i: int) -> None:
        from planops.nlp.v1 import nlp_service_pb2

        project = self.projects[i % len(self.projects)]
        reply = await self.call(
            "nlp.ExtractActionItems",
            self.nlp.ExtractActionItems(
                nlp_service_pb2.ExtractActionItemsRequest(
                    project=project.name,
                    text=NOTES.replace("Weekly sync", f"Weekly sync {i}"),
                    meeting_date=date.today().isoformat(),
                ),
                metadata=self.md,
                timeout=60,
            ),
        )
        if reply is None or not reply.notes.items:
            return
        item = reply.notes.items[0]
        accepted = await self.call(
            "nlp.AcceptActionItems",
            self.nlp.AcceptActionItems(
                nlp_service_pb2.AcceptActionItemsRequest(
                    name=reply.notes.name, items=[nlp_service_pb2.AcceptedItem(id=item.id)]
                ),
                metadata=self.md,
                timeout=60,
            ),
        )
        if accepted is not None:
            # The new tasks join the project's pool, so they are deleted in their turn.
            project.tasks += [(name, "", 0) for name in accepted.tasks]

    async def health(self) -> None:
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        stub = health_pb2_grpc.HealthStub(self.channels["core"])
        await self.call(
            "core.Health/Check (reference)", stub.Check(health_pb2.HealthCheckRequest())
        )

    # ---------------------------------------------------------------- the clock

    async def run(self, seconds: float) -> None:
        tasks: set[asyncio.Task[None]] = set()

        def spawn(coro: Any) -> None:
            if self.in_flight >= self.args.max_in_flight:
                self.skipped += 1
                coro.close()
                return
            self.in_flight += 1
            task = asyncio.create_task(coro)
            tasks.add(task)

            def done(t: asyncio.Task[None]) -> None:
                self.in_flight -= 1
                tasks.discard(t)
                if not t.cancelled() and t.exception() is not None:
                    log(f"operation failed: {t.exception()!r}")

            task.add_done_callback(done)

        tick = 1.0 / self.args.rate
        ticks = 0
        self.started = time.monotonic()
        end = self.started + seconds
        last_report = self.started
        while (now := time.monotonic()) < end:
            target = self.started + ticks * tick
            if target > now:
                await asyncio.sleep(target - now)
            second = ticks * tick
            spawn(self.write())
            if ticks % 4 == 0:
                spawn(self.read_risk())
            if ticks % round(self.args.rate) == 0:
                spawn(self.health())
                i = int(second)
                if i % 10 == 0:
                    spawn(self.forecast(i // 10))
                if i % self.args.plan_every == 0:
                    spawn(self.plan(i // self.args.plan_every))
                if i % self.args.notes_every == 0:
                    spawn(self.notes(i // self.args.notes_every))
            ticks += 1
            if now - last_report >= 60:
                last_report = now
                log(f"{(now - self.started) / 60:.1f} min: {len(self.records)} calls")
        if tasks:
            await asyncio.wait(tasks, timeout=120)

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()


# --------------------------------------------------------------------------------------------
# Memory sampling and the report
# --------------------------------------------------------------------------------------------


async def sample_memory(
    stack: Stack, every: float, stop: asyncio.Event, out: dict[str, list[tuple[float, float]]]
) -> None:
    started = time.monotonic()
    processes = {name: psutil.Process(s.pid) for name, s in stack.services.items()}
    while not stop.is_set():
        for name, process in processes.items():
            with contextlib.suppress(psutil.Error):
                out[name].append((time.monotonic() - started, process.memory_info().rss / 2**20))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


def memory_report(
    samples: dict[str, list[tuple[float, float]]], *, warmup_s: float, run_s: float
) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for name, points in samples.items():
        after = [(t / 60, mb) for t, mb in points if t >= warmup_s]
        if not after:
            continue
        per_min = slope(after)
        minutes = (run_s - warmup_s) / 60
        third = max(1, len(after) // 3)
        middle = [mb for _, mb in after[third : 2 * third]] or [after[0][1]]
        last = [mb for _, mb in after[-third:]]
        growth = per_min * minutes
        report[name] = {
            "rss_start_mb": round(points[0][1], 1),
            "rss_after_warmup_mb": round(after[0][1], 1),
            "rss_end_mb": round(points[-1][1], 1),
            "rss_max_mb": round(max(mb for _, mb in points), 1),
            "slope_mb_per_min": round(per_min, 3),
            "growth_after_warmup_mb": round(growth, 1),
            "last_over_middle_third": round(
                (sum(last) / len(last)) / (sum(middle) / len(middle)), 4
            ),
            # Bounded: what the slope adds over the measured span is under 5 % of the RSS
            # (or 10 MB); a leak of one object per call would not be.
            "bounded": growth < max(10.0, 0.05 * after[0][1]),
        }
    return report


def latency_report(records: list[Record], *, warmup_s: float, run_s: float) -> dict[str, Any]:
    by_rpc: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_rpc[r.rpc].append(r)
    quarter = (run_s - warmup_s) / 4
    out: dict[str, Any] = {}
    for rpc, rs in sorted(by_rpc.items()):
        ok = [r.ms for r in rs if r.code == "OK"]
        early = [r.ms for r in rs if r.code == "OK" and warmup_s <= r.start < warmup_s + quarter]
        late = [r.ms for r in rs if r.code == "OK" and r.start >= run_s - quarter]
        codes: dict[str, int] = defaultdict(int)
        for r in rs:
            if r.code != "OK":
                codes[f"{r.code}{' (asked for)' if r.expected else ''}"] += 1
        out[rpc] = {
            "calls": len(rs),
            "ok": len(ok),
            "per_s": round(len(rs) / run_s, 2),
            "p50_ms": round(percentile(ok, 50), 2),
            "p95_ms": round(percentile(ok, 95), 2),
            "p99_ms": round(percentile(ok, 99), 2),
            "max_ms": round(max(ok), 2) if ok else None,
            "drift_p50_last_over_first_quarter": (
                round(percentile(late, 50) / percentile(early, 50), 3) if early and late else None
            ),
            "errors": dict(codes),
        }
    return out


def lag_report(points: list[tuple[float, float]], *, warmup_s: float) -> dict[str, Any]:
    after = [lag * 1000 for t, lag in points if t >= warmup_s]
    minutes: dict[int, list[float]] = defaultdict(list)
    for t, lag in points:
        minutes[int(t // 60)].append(lag * 1000)
    return {
        "events": len(points),
        # Growing from minute to minute would mean the consumer falls behind for good.
        "p50_ms_by_minute": [round(percentile(minutes[m], 50), 1) for m in sorted(minutes)],
        "after_warmup": len(after),
        "p50_ms": round(percentile(after, 50), 1),
        "p95_ms": round(percentile(after, 95), 1),
        "p99_ms": round(percentile(after, 99), 1),
        "max_ms": round(max(after), 1) if after else None,
    }


def histogram_quantile(samples: dict[str, float], name: str, q: float) -> float | None:
    """The bucket bound under which `q` of a Prometheus histogram's observations fall."""
    buckets = sorted(
        (float(key.split('le="')[1].split('"')[0]), value)
        for key, value in samples.items()
        if key.startswith(f"{name}_bucket{{") and 'le="' in key
    )
    if not buckets or buckets[-1][1] == 0:
        return None
    total = buckets[-1][1]
    return next(bound for bound, count in buckets if count >= q * total)


def consumer_view(stack: Stack) -> dict[str, Any]:
    """risk's consumer as its own /metrics sees it (histogram buckets: coarse)."""
    core = scrape(stack.services["core"].metrics)
    risk = scrape(stack.services["risk"].metrics)
    lag = "planops_consumer_event_lag_seconds"
    published = core.get('planops_outbox_published_total{outbox="core"}', 0.0)
    taken = sum(v for k, v in risk.items() if k.startswith("planops_consumer_events_total{"))
    return {
        "events_published_by_core": published,
        "events_taken_by_risk": taken,
        "backlog_at_end": published - taken,
        "lag_p50_s_at_most": histogram_quantile(risk, lag, 0.5),
        "lag_p99_s_at_most": histogram_quantile(risk, lag, 0.99),
        "redeliveries": risk.get('planops_consumer_redeliveries_total{consumer="risk"}', 0.0),
    }


def metric_totals(stack: Stack) -> dict[str, Any]:
    """A few counters from each service's /metrics, to check the services' own view."""
    totals: dict[str, Any] = {}
    for name, service in stack.services.items():
        try:
            samples = scrape(service.metrics)
        except OSError as error:
            totals[name] = {"error": str(error)}
            continue
        codes: dict[str, float] = defaultdict(float)
        for key, value in samples.items():
            if key.startswith("planops_rpc_requests_total{"):
                code = key.split('code="')[1].split('"')[0]
                codes[code] += value
        wanted = (
            "planops_outbox_backlog",
            "planops_outbox_published_total",
            "planops_consumer_events_total",
            "planops_consumer_redeliveries_total",
            "planops_consumer_event_lag_seconds_count",
            "planops_consumer_event_lag_seconds_sum",
            "planops_planner_solve_seconds_count",
            "planops_risk_scored_tasks_total",
            "planops_nlp_extract_seconds_count",
        )
        picked = {k: v for k, v in samples.items() if k.startswith(wanted)}
        totals[name] = {"rpc_codes": dict(codes), **picked}
    return totals


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="planops-soak-"))
    stack = await asyncio.to_thread(start_stack, tmp)
    load = Load(stack, args)
    nc = None
    try:
        await load.setup()
        nc = await load.listen()
        samples: dict[str, list[tuple[float, float]]] = defaultdict(list)
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(stack, args.sample_every, stop, samples))
        run_s = args.minutes * 60
        log(f"load for {args.minutes:g} min at {args.rate:g} writes/s")
        cpu0 = {n: psutil.Process(s.pid).cpu_times() for n, s in stack.services.items()}
        await load.run(run_s)
        await asyncio.sleep(5)  # the last events and re-scores arrive
        stop.set()
        await sampler
        cpu = {
            n: round(
                sum(psutil.Process(s.pid).cpu_times()[:2]) - sum(cpu0[n][:2]),
                1,
            )
            for n, s in stack.services.items()
        }
        warmup_s = run_s * args.warmup
        unexpected = sum(1 for r in load.records if r.code != "OK" and not r.expected)
        asked = sum(1 for r in load.records if r.code != "OK" and r.expected)
        memory = memory_report(samples, warmup_s=warmup_s, run_s=run_s)
        events = lag_report(load.event_lag, warmup_s=warmup_s)
        report = {
            "minutes": args.minutes,
            "rate_writes_per_s": args.rate,
            "projects": args.projects,
            "cpus": os.cpu_count(),
            "load_avg_end": [round(x, 2) for x in os.getloadavg()],
            "calls": len(load.records),
            "calls_per_s": round(len(load.records) / run_s, 2),
            "writes": load.writes,
            "skipped_at_max_in_flight": load.skipped,
            "errors_unexpected": unexpected,
            "errors_asked_for": asked,
            "rpc": latency_report(load.records, warmup_s=warmup_s, run_s=run_s),
            "event_lag": events,
            "rescore_lag": lag_report(load.rescore_lag, warmup_s=warmup_s),
            "memory": memory,
            "cpu_seconds": cpu,
            "service_metrics": await asyncio.to_thread(metric_totals, stack),
            "risk_consumer": await asyncio.to_thread(consumer_view, stack),
        }
        report["targets"] = {
            "memory_bounded": all(m["bounded"] for m in memory.values()),
            "event_lag_p99_under_1s": events["p99_ms"] < 1000,
            "rescore_lag_p99_under_1s": report["rescore_lag"]["p99_ms"] < 1000,
            "zero_unexpected_errors": unexpected == 0 and load.skipped == 0,
        }
        return report
    finally:
        if nc is not None:
            with contextlib.suppress(Exception):
                await nc.close()
        await load.close()
        await asyncio.to_thread(stop_stack, stack)
        if args.keep:
            log(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=20.0, help="writes per second")
    parser.add_argument("--projects", type=int, default=4)
    parser.add_argument("--max-open", type=int, default=40, help="tasks per project")
    parser.add_argument("--plan-every", type=int, default=15, help="seconds")
    parser.add_argument("--notes-every", type=int, default=6, help="seconds")
    parser.add_argument("--solve-seconds", type=float, default=5.0)
    parser.add_argument("--max-in-flight", type=int, default=200)
    parser.add_argument("--warmup", type=float, default=0.2, help="fraction of the run")
    parser.add_argument("--sample-every", type=float, default=5.0, help="seconds")
    parser.add_argument("--keep", action="store_true", help="keep the services' logs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = datetime.now(UTC)
    report = asyncio.run(soak(args))
    report["started"] = started.isoformat(timespec="seconds")
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"soak {args.minutes:g} min, {report['calls_per_s']} calls/s")
    for rpc, r in report["rpc"].items():
        print(
            f"  {rpc:34s} {r['calls']:6d} calls  p50 {r['p50_ms']:8.1f}  p99 {r['p99_ms']:8.1f} ms"
            f"  drift {r['drift_p50_last_over_first_quarter']}  errors {r['errors']}"
        )
    print(f"  event lag {report['event_lag']}")
    print(f"  rescore lag {report['rescore_lag']}")
    print(f"  risk consumer {report['risk_consumer']}")
    for name, m in report["memory"].items():
        print(
            f"  {name:8s} RSS {m['rss_after_warmup_mb']} -> {m['rss_end_mb']} MB, "
            f"{m['slope_mb_per_min']} MB/min, bounded {m['bounded']}"
        )
    print(f"  targets {report['targets']}")


if __name__ == "__main__":
    main()
