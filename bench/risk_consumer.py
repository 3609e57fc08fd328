"""Events/s one risk consumer applies: one transaction per event against one per batch.

    python -m bench.risk_consumer [--events 600] [--projects 4] [--tasks 40] [--people 4]
        [--batch 20] [--modes per_event,batched] [--json]

Starts embedded PostgreSQL in a temporary directory and feeds the same generated stream of
core task events (for each project its creation event, then `--tasks` task creations, then
updates and workflow moves of random open tasks, one in ten reassigning the task) to
`HistoryConsumer` in each mode, on a fresh `risk` schema each time:

- `per_event`: `handle_batch(messages, consumer.handle)`, the path before batching: each
  event is its own transaction that claims it, applies it and re-scores the tasks it affects.
- `batched`: `consumer.handle_messages(messages)`: one transaction per fetched batch, the
  union of affected tasks scored once.

The stream is cut into fetches of `--batch` messages (what a busy consumer finds waiting);
acks and NAKs go to stand-in messages, so NATS is not measured (neither mode waits for it).
`--people` assignees share every project's tasks, so each event affects its task and the
assignee's other open tasks (about tasks * projects / people): the soak's fan-out of ~43.
The per-event mode is the in-run reference; run it with `PYTHONPATH=/work/main:...` to
measure the code before this change (it needs only `handle_batch` and `handle`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import psycopg
from google.protobuf import timestamp_pb2
from nats.aio.msg import Msg
from planops.core.v1 import events_pb2, project_pb2, task_pb2

from services.common.db import migrate, pool_for
from services.common.embedded import EmbeddedPostgres
from services.risk import consumer as risk_consumer
from services.risk import migrations, store
from services.risk.consumer import ConsumerSettings, HistoryConsumer, handle_batch
from services.risk.convert import TaskRow
from services.risk.model import RiskPrediction

STATES = ("draft", "submitted", "scheduled", "in_progress", "in_acceptance")


@dataclass
class Metadata:
    num_delivered: int = 1


@dataclass
class Message:
    """Stands in for a NATS message: counts acks and NAKs."""

    data: bytes
    metadata: Metadata = field(default_factory=Metadata)
    acked: int = 0
    naked: int = 0

    async def ack(self) -> None:
        self.acked += 1

    async def nak(self, delay: float | None = None) -> None:
        self.naked += 1


class CountingScorer(store.Scorer):
    """The scorer, counting the tasks scored and the executor calls."""

    tasks = 0
    calls = 0

    async def score_on_calendars(
        self, conn: Any, targets: list[TaskRow], *, now: datetime | None = None
    ) -> Any:
        found: tuple[list[RiskPrediction], Any] = await super().score_on_calendars(
            conn, targets, now=now
        )
        if targets:
            self.tasks += len(targets)
            self.calls += 1
        return found


def stamp(moment: datetime) -> timestamp_pb2.Timestamp:
    out = timestamp_pb2.Timestamp()
    out.FromDatetime(moment)
    return out


def stream(*, events: int, projects: int, tasks: int, people: int, seed: int) -> list[bytes]:
    """`events` core change events (project and task creations first, then changes)."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    out: list[bytes] = []
    held: dict[str, tuple[task_pb2.Task, int]] = {}
    for p in range(projects):
        project = f"bench{p}"
        out.append(
            events_pb2.ChangeEvent(
                id=str(uuid.uuid4()),
                type="project.created",
                aggregate=f"projects/{project}",
                aggregate_version=1,
                time=stamp(now),
                project=f"projects/{project}",
                project_resource=project_pb2.Project(
                    name=f"projects/{project}", display_name=project, start_date="2026-01-05"
                ),
            ).SerializeToString()
        )
        for t in range(tasks):
            name = f"projects/{project}/tasks/{t + 1}"
            task = task_pb2.Task(
                name=name,
                title=f"task {t + 1}",
                state="draft",
                assignee=f"people/p{rng.randrange(people)}",
                estimate_hours=rng.choice([4, 8, 16, 24, 40]),
                due_date=(now + timedelta(days=rng.randrange(3, 40))).date().isoformat(),
                create_time=stamp(now - timedelta(days=rng.randrange(0, 20))),
            )
            held[name] = (task, 1)
            out.append(
                events_pb2.ChangeEvent(
                    id=str(uuid.uuid4()),
                    type="task.created",
                    aggregate=name,
                    aggregate_version=1,
                    time=stamp(now),
                    project=f"projects/{project}",
                    task=task,
                ).SerializeToString()
            )
    names = sorted(held)
    while len(out) < events:
        name = rng.choice(names)
        task, version = held[name]
        task = task_pb2.Task.FromString(task.SerializeToString())
        version += 1
        event = events_pb2.ChangeEvent(
            id=str(uuid.uuid4()),
            aggregate=name,
            aggregate_version=version,
            time=stamp(now),
            project="/".join(name.split("/")[:2]),
        )
        if rng.random() < 0.4 and task.state != STATES[-1]:
            before = task.state
            task.state = STATES[STATES.index(task.state) + 1]
            event.type = "task.transitioned"
            event.transition.CopyFrom(
                task_pb2.TaskTransition(
                    name=f"{name}/transitions/{version}",
                    from_state=before,
                    to_state=task.state,
                    time=stamp(now),
                )
            )
        else:
            event.type = "task.updated"
            task.estimate_hours = rng.choice([4, 8, 16, 24, 40, 60])
            if rng.random() < 0.1:
                task.assignee = f"people/p{rng.randrange(people)}"
        event.task.CopyFrom(task)
        held[name] = (task, version)
        out.append(event.SerializeToString())
    return out[:events]


def chunks(items: Sequence[bytes], size: int) -> list[list[Message]]:
    return [[Message(d) for d in items[i : i + size]] for i in range(0, len(items), size)]


async def reset(database_url: str) -> None:
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute("DROP SCHEMA IF EXISTS risk CASCADE")
    await migrate(database_url, schema="risk", package=migrations.__name__)


async def run_mode(mode: str, database_url: str, data: list[bytes], batch: int) -> dict[str, Any]:
    await reset(database_url)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="risk")
    try:
        async with pool_for(database_url, schema="risk", max_size=4) as pool:
            scorer = CountingScorer(pool, executor)
            await scorer.load()
            consumer = HistoryConsumer(
                pool=pool, scorer=scorer, nats_url="nats://unused", settings=ConsumerSettings()
            )
            fetches = chunks(data, batch)
            wall, cpu = time.perf_counter(), time.process_time()
            for messages in fetches:
                fetched = cast(list[Msg], messages)  # acked and handed back the same way
                if mode == "per_event":
                    await handle_batch(fetched, consumer.handle)
                else:
                    await consumer.handle_messages(fetched)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            async with pool.connection() as conn:
                cur = await conn.execute("SELECT count(*) AS n FROM processed_events")
                row = await cur.fetchone()
                claimed = int(row["n"]) if row else 0
                cur = await conn.execute("SELECT count(*) AS n FROM outbox")
                row = await cur.fetchone()
                risk_events = int(row["n"]) if row else 0
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    acked = sum(m.acked for ms in fetches for m in ms)
    return {
        "events": len(data),
        "claimed": claimed,
        "acked": acked,
        "naked": sum(m.naked for ms in fetches for m in ms),
        "wall_seconds": round(wall, 2),
        "process_cpu_seconds": round(cpu, 2),
        "events_per_second": round(len(data) / wall, 1),
        "tasks_scored": scorer.tasks,
        "tasks_scored_per_event": round(scorer.tasks / len(data), 1),
        "scoring_calls": scorer.calls,
        "risk_events_enqueued": risk_events,
    }


async def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    postgres = EmbeddedPostgres(home / "pg")
    try:
        database_url = postgres.start()
        data = stream(
            events=args.events,
            projects=args.projects,
            tasks=args.tasks,
            people=args.people,
            seed=args.seed,
        )
        results: dict[str, Any] = {
            "settings": {
                "events": args.events,
                "projects": args.projects,
                "tasks_per_project": args.tasks,
                "people": args.people,
                "fetch_batch": args.batch,
                "code": args.code,
            }
        }
        for mode in args.modes.split(","):
            results[mode] = await run_mode(mode, database_url, data, args.batch)
        if "per_event" in results and "batched" in results:
            results["speedup_batched_over_per_event"] = round(
                results["batched"]["events_per_second"] / results["per_event"]["events_per_second"],
                2,
            )
        return results
    finally:
        postgres.stop()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=600)
    parser.add_argument("--projects", type=int, default=4)
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--people", type=int, default=4)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--modes", default="per_event,batched")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.code = str(Path(risk_consumer.__file__).resolve().parents[2])
    with tempfile.TemporaryDirectory(prefix="bench-risk-consumer-") as home:
        results = asyncio.run(run(args, Path(home)))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
