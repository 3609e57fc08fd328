"""Load test of the core service: concurrent CreateTask then UpdateTask over gRPC, the outbox
event lag to a NATS subscriber, and the same transactions run directly through psycopg as the
reference.

    python -m bench.core_load --clients 16 --count 4000 [--json]

Core runs in its own process (`python -m services.core`), so the load generator does not share
its event loop or GIL. The gRPC clients are `--clients` asyncio tasks, each with its own
grpc.aio channel, spread over `--client-procs` worker processes (default 1). A plain core-NATS
subscription on `planops.core.v1.task.>` in the orchestrating process timestamps every event of
the benchmark project; lag = arrival - ChangeEvent.time. Process CPU of the clients, core,
PostgreSQL and NATS is sampled per phase, so the summary shows who used the cores.

The reference runs afterwards, with core stopped, in a fresh database on the same PostgreSQL:
this one process calls core's own servicer code (`TaskServicer.CreateTask` / `UpdateTask`, and
the API-key check) directly on a psycopg pool of `--clients` connections, with `--clients`
concurrent callers. It is exactly core's transactions without gRPC, the network hop and the
second process, so the ratio isolates what the service layer costs.

Without DATABASE_URL / NATS_URL, embedded PostgreSQL and NATS start in a temporary directory
that is removed afterwards. Nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from bench.harness import wait_serving  # noqa: E402
from bench.latency import percentile as pct  # noqa: E402

SKILLS = [("copywriting", 3), ("design", 2)]
LABELS = ["bench", "load"]


def log(message: str) -> None:
    print(f"[core_load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def split_count(count: int, parts: int) -> list[int]:
    return [count // parts + (1 if i < count % parts else 0) for i in range(parts)]


# --------------------------------------------------------------------------------------------
# gRPC client workers (separate processes, started with "spawn": grpc does not survive fork)
# --------------------------------------------------------------------------------------------


@dataclass
class WorkerJob:
    target: str
    key: str
    project: str
    person: str
    run: str
    clients: list[int]  # global client indexes this worker runs
    counts: list[int]  # tasks per client


def worker_main(job: WorkerJob, barrier: Any, results: Any) -> None:
    try:
        results.put(asyncio.run(_worker(job, barrier)))
    except BaseException as error:  # report, then let the orchestrator fail the run
        results.put({"fatal": repr(error)})
        with contextlib.suppress(Exception):
            barrier.abort()
        raise


async def _worker(job: WorkerJob, barrier: Any) -> dict[str, Any]:
    import grpc
    from google.protobuf.field_mask_pb2 import FieldMask
    from planops.core.v1 import person_pb2, task_pb2, task_service_pb2, task_service_pb2_grpc

    loop = asyncio.get_running_loop()
    metadata = (("authorization", f"Bearer {job.key}"),)
    channels = [grpc.aio.insecure_channel(job.target) for _ in job.clients]
    for ch in channels:
        await ch.channel_ready()
    stubs = [task_service_pb2_grpc.TaskServiceStub(ch) for ch in channels]
    created: list[list[tuple[str, str]]] = [[] for _ in job.clients]
    create_ms: list[float] = []
    update_ms: list[float] = []
    acks: list[tuple[str, str, float]] = []  # (aggregate, type, wall time the response arrived)
    errors: dict[str, int] = {}

    def error(kind: str, e: grpc.aio.AioRpcError) -> None:
        k = f"{kind}:{e.code().name}"
        errors[k] = errors.get(k, 0) + 1
        if errors[k] <= 3:
            print(f"worker {kind} failed: {e.code().name} {e.details()}", file=sys.stderr)

    async def create(slot: int) -> None:
        c = job.clients[slot]
        for i in range(job.counts[slot]):
            request = task_service_pb2.CreateTaskRequest(
                parent=f"projects/{job.project}",
                request_id=f"{job.run}-{c}-{i}",
                task=task_pb2.Task(
                    title=f"Task {c}-{i}: write the launch copy",
                    estimate_hours=4.0 + i % 8,
                    labels=LABELS,
                    required_skills=[person_pb2.Skill(skill=s, level=lv) for s, lv in SKILLS],
                    assignee=f"people/{job.person}",
                ),
            )
            t = time.perf_counter()
            try:
                resp = await stubs[slot].CreateTask(request, metadata=metadata, timeout=30)
            except grpc.aio.AioRpcError as e:
                error("create", e)
                continue
            create_ms.append((time.perf_counter() - t) * 1000)
            acks.append((resp.task.name, "task.created", time.time()))
            created[slot].append((resp.task.name, resp.task.etag))

    async def update(slot: int) -> None:
        for n, (name, etag) in enumerate(created[slot]):
            request = task_service_pb2.UpdateTaskRequest(
                task=task_pb2.Task(
                    name=name, title=f"{name} (revised)", estimate_hours=6.5 + n % 5, etag=etag
                ),
                update_mask=FieldMask(paths=["title", "estimate_hours"]),
            )
            t = time.perf_counter()
            try:
                resp = await stubs[slot].UpdateTask(request, metadata=metadata, timeout=30)
            except grpc.aio.AioRpcError as e:
                error("update", e)
                continue
            update_ms.append((time.perf_counter() - t) * 1000)
            acks.append((resp.task.name, "task.updated", time.time()))

    cpu: dict[str, float] = {}
    for phase, body in (("create", create), ("update", update)):
        await loop.run_in_executor(None, barrier.wait)  # start together
        c0 = time.process_time()
        await asyncio.gather(*(body(s) for s in range(len(job.clients))))
        cpu[phase] = time.process_time() - c0
        await loop.run_in_executor(None, barrier.wait)  # phase over
    for ch in channels:
        await ch.close()
    return {
        "create_ms": create_ms,
        "update_ms": update_ms,
        "acks": acks,
        "errors": errors,
        "cpu": cpu,
    }


# --------------------------------------------------------------------------------------------
# Infrastructure: PostgreSQL, NATS, the core process
# --------------------------------------------------------------------------------------------


@dataclass
class Infra:
    tmp: Path
    pg_url: str
    nats_url: str
    pg_pid: int | None = None  # postmaster, when embedded
    nats_pid: int | None = None
    stops: list[Any] = field(default_factory=list)


def start_infra(tmp: Path) -> Infra:
    from services.common.embedded import EmbeddedNats, EmbeddedPostgres

    infra = Infra(tmp=tmp, pg_url="", nats_url="")
    if os.environ.get("DATABASE_URL"):
        infra.pg_url = os.environ["DATABASE_URL"]
        log("PostgreSQL: DATABASE_URL (process CPU not sampled)")
    else:
        pg = EmbeddedPostgres(tmp / "pg")
        infra.pg_url = pg.start()
        infra.stops.append(pg.stop)
        pidfile = tmp / "pg" / "postmaster.pid"
        if pidfile.exists():
            infra.pg_pid = int(pidfile.read_text().split()[0])
        log(f"PostgreSQL: embedded in {tmp / 'pg'}")
    if os.environ.get("NATS_URL"):
        infra.nats_url = os.environ["NATS_URL"]
        log("NATS: NATS_URL")
    else:
        nats_server = EmbeddedNats(tmp / "nats")
        infra.nats_url = nats_server.start()
        infra.stops.append(nats_server.stop)
        if nats_server._process is not None:
            infra.nats_pid = nats_server._process.pid
        log(f"NATS: embedded on {infra.nats_url}")
    return infra


def create_database(server_url: str, name: str) -> str:
    import psycopg
    from psycopg import conninfo

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return conninfo.make_conninfo(server_url, dbname=name)


def drop_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    from services.common.embedded import free_port as fp

    return fp()


def start_core(
    infra: Infra,
    database_url: str,
    port: int,
    wrap: list[str],
    pyargs: list[str],
) -> subprocess.Popen[bytes]:
    home = infra.tmp / "home"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        NATS_URL=infra.nats_url,
        PLANOPS_HOME=str(home),
        PLANOPS_CORE_ADDRESS=f"127.0.0.1:{port}",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
    )
    out = (infra.tmp / "core.log").open("ab")
    cmd = [*wrap, sys.executable, *pyargs, "-m", "services.core"]
    log(f"starting core: {shlex.join(cmd)} (log {infra.tmp / 'core.log'})")
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    return proc


def server_pid(proc: subprocess.Popen[bytes]) -> int:
    """The Python process serving core (a wrapper such as py-spy may sit in between)."""
    p = psutil.Process(proc.pid)
    for c in [p, *p.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            if "services.core" in " ".join(c.cmdline()) and "python" in c.name().lower():
                return c.pid
    return proc.pid


def cpu_seconds(pid: int | None, *, tree: bool = False) -> float:
    if pid is None:
        return float("nan")
    try:
        p = psutil.Process(pid)
        t = p.cpu_times()
        total = t.user + t.system + (t.children_user + t.children_system if tree else 0)
        if tree:
            for c in p.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    ct = c.cpu_times()
                    total += ct.user + ct.system
        return total
    except psutil.Error:
        return float("nan")


# --------------------------------------------------------------------------------------------
# The event subscriber
# --------------------------------------------------------------------------------------------


class Subscriber:
    def __init__(self, nats_url: str, project: str) -> None:
        self.nats_url = nats_url
        self.project = f"projects/{project}"
        self.raw: list[tuple[bytes, float]] = []
        self.nc: Any = None

    async def start(self) -> None:
        import nats

        self.nc = await nats.connect(self.nats_url, name="core-load-subscriber")

        async def on_message(msg: Any) -> None:
            self.raw.append((msg.data, time.time()))

        await self.nc.subscribe(
            "planops.core.v1.task.>",
            cb=on_message,
            pending_msgs_limit=1_000_000,
            pending_bytes_limit=1 << 30,
        )
        await self.nc.flush()

    async def stop(self) -> None:
        if self.nc is not None:
            await self.nc.drain()

    def events(self) -> list[dict[str, Any]]:
        from planops.core.v1 import events_pb2

        out = []
        for data, arrival in self.raw:
            e = events_pb2.ChangeEvent()
            e.ParseFromString(data)
            if e.project != self.project:
                continue
            out.append(
                {
                    "id": e.id,
                    "type": e.type,
                    "aggregate": e.aggregate,
                    "time": e.time.seconds + e.time.nanos / 1e9,
                    "arrival": arrival,
                }
            )
        return out


# --------------------------------------------------------------------------------------------
# The gRPC run
# --------------------------------------------------------------------------------------------


async def setup_core(target: str, key: str, project: str, person: str) -> None:
    import grpc
    from planops.core.v1 import (
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

    md = (("authorization", f"Bearer {key}"),)
    async with grpc.aio.insecure_channel(target) as ch:
        await person_service_pb2_grpc.PersonServiceStub(ch).CreatePerson(
            person_service_pb2.CreatePersonRequest(
                person_id=person,
                person=person_pb2.Person(
                    display_name="Bench Owner",
                    skills=[person_pb2.Skill(skill=s, level=5) for s, _ in SKILLS],
                ),
            ),
            metadata=md,
        )
        projects = project_service_pb2_grpc.ProjectServiceStub(ch)
        tasks = task_service_pb2_grpc.TaskServiceStub(ch)
        for pid in (project, f"{project}-warmup"):
            await projects.CreateProject(
                project_service_pb2.CreateProjectRequest(
                    project_id=pid,
                    project=project_pb2.Project(display_name=pid, time_zone="Asia/Shanghai"),
                ),
                metadata=md,
            )

        # Warm-up outside the measured project: code paths, prepared plans, pool connections.
        async def warm(i: int) -> None:
            for j in range(10):
                r = await tasks.CreateTask(
                    task_service_pb2.CreateTaskRequest(
                        parent=f"projects/{project}-warmup",
                        task=task_pb2.Task(title=f"warm {i}-{j}", assignee=f"people/{person}"),
                    ),
                    metadata=md,
                )
                await tasks.UpdateTask(
                    task_service_pb2.UpdateTaskRequest(
                        task=task_pb2.Task(name=r.task.name, title="warm", etag=r.task.etag),
                        update_mask={"paths": ["title"]},
                    ),
                    metadata=md,
                )

        await asyncio.gather(*(warm(i) for i in range(16)))


async def run_grpc(args: argparse.Namespace, infra: Infra, run: str) -> dict[str, Any]:
    core_db = f"planops_bench_core_{run}"
    database_url = create_database(infra.pg_url, core_db)
    port = free_port()
    target = f"127.0.0.1:{port}"
    proc = start_core(
        infra,
        database_url,
        port,
        shlex.split(args.server_wrap),
        shlex.split(args.server_pyargs),
    )
    project, person = f"bench-{run}", f"bench-owner-{run}"
    try:
        await wait_serving(target, proc, limit_s=90)
        key = (infra.tmp / "home" / "admin.key").read_text().strip()
        spid = server_pid(proc)
        log(f"core serving on {target} (pid {spid}); setting up and warming up")
        await setup_core(target, key, project, person)
        sub = Subscriber(infra.nats_url, project)
        await sub.start()

        nproc = max(1, min(args.client_procs, args.clients))
        per_client = split_count(args.count, args.clients)
        groups = [list(range(args.clients))[i::nproc] for i in range(nproc)]
        ctx = mp.get_context("spawn")
        barrier = ctx.Barrier(nproc + 1)
        results = ctx.Queue()
        workers = []
        for g in groups:
            job = WorkerJob(target, key, project, person, run, g, [per_client[c] for c in g])
            w = ctx.Process(target=worker_main, args=(job, barrier, results), daemon=True)
            w.start()
            workers.append(w)
        loop = asyncio.get_running_loop()

        def sample() -> dict[str, float]:
            return {
                "core": cpu_seconds(spid),
                "postgres": cpu_seconds(infra.pg_pid, tree=True),
                "nats": cpu_seconds(infra.nats_pid),
                "clients": sum(cpu_seconds(w.pid) for w in workers),
                "orchestrator": time.process_time(),
            }

        phases: dict[str, dict[str, Any]] = {}
        expected = {"create": args.count, "update": args.count}
        for phase in ("create", "update"):
            await loop.run_in_executor(None, barrier.wait)
            t0, c0 = time.perf_counter(), sample()
            log(
                f"phase {phase}: {expected[phase]} calls from {args.clients} clients in {nproc} process(es)"
            )
            wait = loop.run_in_executor(None, barrier.wait)
            while not wait.done():
                await asyncio.wait([wait], timeout=5)
                if not wait.done():
                    log(
                        f"  {phase}: {time.perf_counter() - t0:.0f} s, {len(sub.raw)} events so far"
                    )
            await wait
            wall = time.perf_counter() - t0
            c1 = sample()
            phases[phase] = {
                "wall_s": wall,
                "cores_used": {k: (c1[k] - c0[k]) / wall for k in c0},
            }
            log(f"phase {phase}: {wall:.2f} s")
        outputs = [await loop.run_in_executor(None, results.get) for _ in workers]
        for w in workers:
            w.join(10)
        fatal = [o["fatal"] for o in outputs if "fatal" in o]
        if fatal:
            raise RuntimeError(f"client worker failed: {fatal}")

        # Wait for the relay to drain: every event, or 10 s without a new one.
        want = sum(len(o["acks"]) for o in outputs)
        last_n, last_t, t_end = -1, time.monotonic(), time.perf_counter()
        while True:
            n = len(sub.raw)
            if n >= want:
                break
            if n != last_n:
                last_n, last_t = n, time.monotonic()
            elif time.monotonic() - last_t > 10:
                break
            await asyncio.sleep(0.1)
        drain_s = time.perf_counter() - t_end
        await sub.stop()
        events = sub.events()
    finally:
        if proc.poll() is None:
            # SIGTERM to the serving Python itself, so a wrapper (py-spy) sees it exit and
            # writes its profile; core exits cleanly on SIGTERM.
            with contextlib.suppress(Exception):
                os.kill(server_pid(proc), 15)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(30)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if not args.keep:
            with contextlib.suppress(Exception):
                drop_database(infra.pg_url, core_db)

    create_ms = [x for o in outputs for x in o["create_ms"]]
    update_ms = [x for o in outputs for x in o["update_ms"]]
    acks = {(a, t): at for o in outputs for a, t, at in o["acks"]}
    errors: dict[str, int] = {}
    for o in outputs:
        for k, v in o["errors"].items():
            errors[k] = errors.get(k, 0) + v
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    duplicates = 0
    for e in events:
        k = (e["aggregate"], e["type"])
        if k in seen:
            duplicates += 1
            continue
        seen[k] = e
    missing = [k for k in acks if k not in seen]
    lag_ms = [
        (e["arrival"] - e["time"]) * 1000
        for e in seen.values()
        if (e["aggregate"], e["type"]) in acks
    ]
    ack_lag_ms = [(seen[k]["arrival"] - at) * 1000 for k, at in acks.items() if k in seen]
    return {
        "phases": phases,
        "create_ms": create_ms,
        "update_ms": update_ms,
        "errors": errors,
        "events_expected": len(acks),
        "events_received": len(seen),
        "events_missing": len(missing),
        "events_duplicate": duplicates,
        "event_lag_ms": lag_ms,
        "event_lag_after_ack_ms": ack_lag_ms,
        "drain_s": drain_s,
        "client_procs": nproc,
    }


# --------------------------------------------------------------------------------------------
# The direct-SQL reference
# --------------------------------------------------------------------------------------------


async def run_sql(args: argparse.Namespace, infra: Infra, run: str) -> dict[str, Any]:
    """Core's own transactions, run in this one process straight on psycopg: the servicer's
    code and the key check, with no gRPC, no network hop and no second process. Calling the
    real code keeps the reference from drifting away from what core does."""
    from google.protobuf.field_mask_pb2 import FieldMask as Mask
    from planops.core.v1 import (
        person_pb2,
        project_pb2,
        project_service_pb2,
        task_pb2,
        task_service_pb2,
    )

    from services.common.auth import method_var, principal_var
    from services.common.db import migrate, pool_for, transaction
    from services.core import migrations
    from services.core.keys import KeyAuthenticator, insert_key
    from services.core.project_servicer import ProjectServicer
    from services.core.task_servicer import TaskServicer

    name = f"planops_bench_sql_{run}"
    url = create_database(infra.pg_url, name)
    await migrate(url, schema="core", package=migrations.__name__)
    project, person = "bench", "bench-owner"
    method_create = "/planops.core.v1.TaskService/CreateTask"
    method_update = "/planops.core.v1.TaskService/UpdateTask"
    out: dict[str, Any] = {}
    async with pool_for(url, schema="core", max_size=args.clients) as pool:
        await pool.wait()
        async with transaction(pool) as conn:
            await conn.execute(
                "INSERT INTO people (id, display_name, weekly_capacity_hours, working_days)"
                " VALUES (%s, 'Bench Owner', 40, '{1,2,3,4,5}')",
                (person,),
            )
            _, token = await insert_key(
                conn, principal="services/admin", admin=True, display_name="bench"
            )
        authenticate = KeyAuthenticator(pool)
        tasks = TaskServicer(pool)
        principal_var.set(await authenticate(token))
        method_var.set("/planops.core.v1.ProjectService/CreateProject")
        await ProjectServicer(pool).CreateProject(
            project_service_pb2.CreateProjectRequest(
                project_id=project,
                project=project_pb2.Project(display_name=project, time_zone="Asia/Shanghai"),
            ),
            None,  # type: ignore[arg-type]
        )

        async def create(c: int, i: int) -> tuple[str, str]:
            method_var.set(method_create)
            principal_var.set(await authenticate(token))
            reply = await tasks.CreateTask(
                task_service_pb2.CreateTaskRequest(
                    parent=f"projects/{project}",
                    request_id=f"sql-{run}-{c}-{i}",
                    task=task_pb2.Task(
                        title=f"Task {c}-{i}: write the launch copy",
                        estimate_hours=4.0 + i % 8,
                        labels=LABELS,
                        required_skills=[person_pb2.Skill(skill=s, level=lv) for s, lv in SKILLS],
                        assignee=f"people/{person}",
                    ),
                ),
                None,  # type: ignore[arg-type]
            )
            return reply.task.name, reply.task.etag

        async def update(name: str, etag: str, n: int) -> None:
            method_var.set(method_update)
            principal_var.set(await authenticate(token))
            await tasks.UpdateTask(
                task_service_pb2.UpdateTaskRequest(
                    task=task_pb2.Task(
                        name=name, title=f"{name} (revised)", estimate_hours=6.5 + n % 5, etag=etag
                    ),
                    update_mask=Mask(paths=["title", "estimate_hours"]),
                ),
                None,  # type: ignore[arg-type]
            )

        per_client = split_count(args.count, args.clients)
        made: list[list[tuple[str, str]]] = [[] for _ in range(args.clients)]
        create_ms: list[float] = []
        update_ms: list[float] = []

        async def creator(c: int) -> None:
            for i in range(per_client[c]):
                t = time.perf_counter()
                made[c].append(await create(c, i))
                create_ms.append((time.perf_counter() - t) * 1000)

        async def updater(c: int) -> None:
            for n, (task_name, etag) in enumerate(made[c]):
                t = time.perf_counter()
                await update(task_name, etag, n)
                update_ms.append((time.perf_counter() - t) * 1000)

        try:
            # warm-up, outside the measurement
            await asyncio.gather(*(create(c, -1) for c in range(args.clients)))
            for phase, body, lat in (
                ("create", creator, create_ms),
                ("update", updater, update_ms),
            ):
                t0, c0 = time.perf_counter(), time.process_time()
                pg0 = cpu_seconds(infra.pg_pid, tree=True)
                # Each client runs in its own task so context variables stay per client.
                await asyncio.gather(*(asyncio.create_task(body(c)) for c in range(args.clients)))
                wall = time.perf_counter() - t0
                out[phase] = {
                    "per_s": len(lat) / wall,
                    "wall_s": wall,
                    "p50_ms": pct(lat, 50),
                    "p99_ms": pct(lat, 99),
                    "cores_used": {
                        "python": (time.process_time() - c0) / wall,
                        "postgres": (cpu_seconds(infra.pg_pid, tree=True) - pg0) / wall,
                    },
                }
                log(f"sql {phase}: {len(lat)} in {wall:.2f} s = {len(lat) / wall:.0f}/s")
        finally:
            if not args.keep:
                with contextlib.suppress(Exception):
                    drop_database(infra.pg_url, name)
    return out


# --------------------------------------------------------------------------------------------


def summary(r: dict[str, Any]) -> str:
    g = r
    lines = [
        f"core load: {g['count']} tasks, {g['clients']} gRPC clients in {g['client_procs']} client process(es);",
        "  core runs in its own process (python -m services.core), not sharing the clients' loop/GIL",
        f"  machine: {g['cpu_count']} CPUs, load average before {g['load_before']} after {g['load_after']}",
        "",
        f"  gRPC  creates/s {g['grpc_creates_per_s']:8.0f}   p50 {g['p50_create_ms']:6.1f} ms   p99 {g['p99_create_ms']:6.1f} ms",
        f"  gRPC  updates/s {g['grpc_updates_per_s']:8.0f}   p50 {g['p50_update_ms']:6.1f} ms   p99 {g['p99_update_ms']:6.1f} ms",
    ]
    if g.get("sql_creates_per_s") is not None:
        lines += [
            f"  SQL   creates/s {g['sql_creates_per_s']:8.0f}   p50 {g['sql_p50_create_ms']:6.1f} ms   p99 {g['sql_p99_create_ms']:6.1f} ms   (core's servicer code in-process, {g['clients']} conns)",
            f"  SQL   updates/s {g['sql_updates_per_s']:8.0f}   p50 {g['sql_p50_update_ms']:6.1f} ms   p99 {g['sql_p99_update_ms']:6.1f} ms",
        ]
        lines.append(
            f"  gRPC/SQL: creates {g['ratio_grpc_to_sql_creates']:.2f}, updates {g['ratio_grpc_to_sql_updates']:.2f}"
        )
    lines += [
        f"  events: {g['events_received']}/{g['events_expected']} received, {g['events_missing']} missing,"
        f" {g['events_duplicate']} duplicate; lag p50 {g['event_lag_p50_ms']:.1f} ms p99 {g['event_lag_p99_ms']:.1f} ms"
        f" (after client ack: p50 {g['event_lag_after_ack_p50_ms']:.1f} p99 {g['event_lag_after_ack_p99_ms']:.1f} ms)",
        f"  errors: {g['errors'] or 'none'}",
        "  cores used (CPU s / wall s) during gRPC phases:",
    ]
    for phase in ("create", "update"):
        cu = g["grpc_cores_used"][phase]
        lines.append("    " + phase + ": " + ", ".join(f"{k} {v:.2f}" for k, v in cu.items()))
    for phase, cu in g.get("sql_cores_used", {}).items():
        lines.append(f"    sql {phase}: " + ", ".join(f"{k} {v:.2f}" for k, v in cu.items()))
    targets = g["targets"]
    lines.append(
        "  targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in targets.items())
    )
    return "\n".join(lines)


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    run = uuid.uuid4().hex[:8]
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    tmpdir = tempfile.mkdtemp(prefix="core_load_")
    try:
        tmp = Path(tmpdir)
        infra = start_infra(tmp)
        try:
            g = await run_grpc(args, infra, run)
            sql: dict[str, Any] = {}
            if not args.skip_sql:
                sql["full"] = await run_sql(args, infra, run)
        finally:
            for stop in reversed(infra.stops):
                with contextlib.suppress(Exception):
                    stop()
    finally:
        if args.keep:
            log(f"kept {tmpdir}")
        else:
            shutil.rmtree(tmpdir, ignore_errors=True)
    gc, gu = g["phases"]["create"], g["phases"]["update"]
    r: dict[str, Any] = {
        "clients": args.clients,
        "count": args.count,
        "client_procs": g["client_procs"],
        "cpu_count": os.cpu_count(),
        "load_before": load_before,
        "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "core_in_separate_process": True,
        "grpc_creates_per_s": len(g["create_ms"]) / gc["wall_s"],
        "grpc_updates_per_s": len(g["update_ms"]) / gu["wall_s"],
        "p50_create_ms": pct(g["create_ms"], 50),
        "p99_create_ms": pct(g["create_ms"], 99),
        "p50_update_ms": pct(g["update_ms"], 50),
        "p99_update_ms": pct(g["update_ms"], 99),
        "event_lag_p50_ms": pct(g["event_lag_ms"], 50),
        "event_lag_p99_ms": pct(g["event_lag_ms"], 99),
        "event_lag_max_ms": max(g["event_lag_ms"], default=float("nan")),
        "event_lag_after_ack_p50_ms": pct(g["event_lag_after_ack_ms"], 50),
        "event_lag_after_ack_p99_ms": pct(g["event_lag_after_ack_ms"], 99),
        "events_expected": g["events_expected"],
        "events_received": g["events_received"],
        "events_missing": g["events_missing"],
        "events_duplicate": g["events_duplicate"],
        "event_drain_s": g["drain_s"],
        "errors": g["errors"],
        "grpc_cores_used": {p: v["cores_used"] for p, v in g["phases"].items()},
    }
    if "full" in sql:
        f = sql["full"]
        r.update(
            sql_creates_per_s=f["create"]["per_s"],
            sql_updates_per_s=f["update"]["per_s"],
            sql_p50_create_ms=f["create"]["p50_ms"],
            sql_p99_create_ms=f["create"]["p99_ms"],
            sql_p50_update_ms=f["update"]["p50_ms"],
            sql_p99_update_ms=f["update"]["p99_ms"],
            ratio_grpc_to_sql_creates=r["grpc_creates_per_s"] / f["create"]["per_s"],
            ratio_grpc_to_sql_updates=r["grpc_updates_per_s"] / f["update"]["per_s"],
            sql_cores_used={p: f[p]["cores_used"] for p in ("create", "update")},
        )
    else:
        r.update(sql_creates_per_s=None, sql_updates_per_s=None, ratio_grpc_to_sql_creates=None)
    r["targets"] = {
        "grpc>=50%sql": r["ratio_grpc_to_sql_creates"] is not None
        and r["ratio_grpc_to_sql_creates"] >= 0.5,
        "p99_create<25ms": r["p99_create_ms"] < 25,
        "event_lag_p99<100ms": r["event_lag_p99_ms"] < 100 and r["events_missing"] == 0,
    }
    return r


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--count", type=int, default=4000, help="tasks created, then updated")
    p.add_argument("--client-procs", type=int, default=1, help="processes running the clients")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--skip-sql", action="store_true", help="skip the direct-SQL reference")
    p.add_argument("--keep", action="store_true", help="keep the temp dir and databases")
    p.add_argument(
        "--server-wrap",
        default="",
        help='prefix of the core command, e.g. "py-spy record -o core.svg --"',
    )
    p.add_argument(
        "--server-pyargs",
        default="",
        help='python args before -m services.core, e.g. "-m cProfile -o core.prof"',
    )
    args = p.parse_args()
    if args.clients < 1 or args.count < args.clients:
        p.error("need --clients >= 1 and --count >= --clients")
    r = asyncio.run(amain(args))
    if args.json:
        print(json.dumps(r, sort_keys=True))
    else:
        print(summary(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
