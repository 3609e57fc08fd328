"""Every service in-process on an event loop of its own thread, against real PostgreSQL and
NATS, called through plain (blocking) channels so that hypothesis drives it like any test.

The RPCs are read from the generated descriptors, so a new RPC is fuzzed and checked for
access without anyone remembering to list it.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import planops
import psycopg
from google.protobuf import descriptor_pb2, message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from psycopg import conninfo, sql

from services.common.embedded import EmbeddedNats
from tests.conftest import start_core

# Which process serves which proto package.
SERVICE_OF_PACKAGE = {
    "planops.core.v1": "core",
    "planops.planner.v1": "planner",
    "planops.risk.v1": "risk",
    "planops.nlp.v1": "nlp",
    "planops.automation.v1": "automation",
}
SCHEMAS = ("core", "planner", "risk", "nlp", "automation")
# Webhooks of the tests point here: nothing listens, so a delivery fails at once and for good.
NOWHERE_URL = "http://127.0.0.1:9/hook"


@dataclass(frozen=True)
class Rpc:
    """One unary RPC as its descriptor describes it."""

    package: str
    service: str
    method: str
    input: type[Message]
    output: type[Message]
    read_only: bool

    @property
    def path(self) -> str:
        return f"/{self.package}.{self.service}/{self.method}"

    @property
    def id(self) -> str:
        return f"{SERVICE_OF_PACKAGE[self.package]}.{self.service}.{self.method}"

    @property
    def process(self) -> str:
        return SERVICE_OF_PACKAGE[self.package]


def _service_modules() -> Iterator[Any]:
    root = Path(next(iter(planops.__path__)))
    for path in sorted(root.glob("*/v1/*_service_pb2.py")):
        relative = path.relative_to(root.parent).with_suffix("")
        yield importlib.import_module(".".join(relative.parts))


def _rpc(package: str, service: str, method: MethodDescriptor) -> Rpc:
    options = method.GetOptions()
    return Rpc(
        package=package,
        service=service,
        method=method.name,
        input=message_factory.GetMessageClass(method.input_type),
        output=message_factory.GetMessageClass(method.output_type),
        read_only=options.idempotency_level == descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS,
    )


def all_rpcs() -> list[Rpc]:
    """Every RPC of every PlanOps service, from the generated descriptors."""
    found = []
    for module in _service_modules():
        package = module.DESCRIPTOR.package
        for service in module.DESCRIPTOR.services_by_name.values():
            found += [_rpc(package, service.name, m) for m in service.methods]
    assert {r.package for r in found} == set(SERVICE_OF_PACKAGE), "a package has no process"
    return found


@dataclass
class Outcome:
    """What one call came back with."""

    code: grpc.StatusCode
    response: Message | None = None
    error: grpc.RpcError | None = None

    @property
    def details(self) -> str:
        if self.error is None:
            return ""
        return str(self.error.details())


def bearer(key: str | None) -> tuple[tuple[str, str], ...]:
    return () if key is None else (("authorization", f"Bearer {key}"),)


@dataclass
class Stack:
    """core, planner, risk, nlp and automation on one database and a NATS server of their own."""

    database_url: str
    nats_url: str
    home: Path
    ports: dict[str, int] = field(default_factory=dict)
    admin_key: str = ""
    calls: int = 0
    _channels: dict[str, grpc.Channel] = field(default_factory=dict)
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event | None = None
    _ready: threading.Event = field(default_factory=threading.Event)
    _failure: BaseException | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="planops-stack", daemon=True)
        self._thread.start()
        if not self._ready.wait(180):
            raise TimeoutError("the services did not start in 180 s")
        if self._failure is not None:
            raise RuntimeError("the services did not start") from self._failure
        self._channels = {
            name: grpc.insecure_channel(f"127.0.0.1:{port}") for name, port in self.ports.items()
        }

    def stop(self) -> None:
        for channel in self._channels.values():
            channel.close()
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(60)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:
            self._failure = error
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        from services.automation.app import running_automation
        from services.automation.config import Config as AutomationConfig
        from services.nlp.app import running_nlp
        from services.nlp.config import Config as NlpConfig
        from services.planner.app import running_planner
        from services.planner.config import Config as PlannerConfig
        from services.risk.app import running_risk
        from services.risk.config import Config as RiskConfig

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async for core in start_core(
            database_url=self.database_url, nats_url=self.nats_url, home=self.home
        ):
            self.admin_key = core.admin_key
            self.ports["core"] = core.port
            core_address = f"127.0.0.1:{core.port}"
            with grpc.insecure_channel(core_address) as channel:
                keys = {
                    name: await asyncio.to_thread(_service_key, channel, core.admin_key, name)
                    for name in ("planner", "risk", "nlp", "automation")
                }
            planner = PlannerConfig(
                database_url=self.database_url,
                core_address=core_address,
                core_key=keys["planner"],
                address="127.0.0.1:0",
                home=self.home,
                risk_address=None,
                workers=1,
                concurrent_solves=2,
                max_tasks=3000,
                pool_max=4,
                max_concurrent_rpcs=32,
                log_level="INFO",
                nats_url=self.nats_url,
            )
            risk = RiskConfig(
                database_url=self.database_url,
                nats_url=self.nats_url,
                core_address=core_address,
                core_key=keys["risk"],
                address="127.0.0.1:0",
                home=self.home,
                pool_max=4,
                max_concurrent_rpcs=32,
                score_workers=1,
                consumer_name="risk",
                alert_threshold=0.7,
                alert_rearm_below=0.6,
                log_level="INFO",
            )
            nlp = NlpConfig.from_env(
                {
                    "DATABASE_URL": self.database_url,
                    "PLANOPS_CORE_ADDRESS": core_address,
                    "PLANOPS_CORE_KEY": keys["nlp"],
                    "PLANOPS_NLP_ADDRESS": "127.0.0.1:0",
                    "PLANOPS_HOME": str(self.home),
                    "NATS_URL": self.nats_url,
                }
            )
            async with (
                running_planner(planner) as running_p,
                running_risk(risk) as running_r,
                running_nlp(nlp) as running_n,
                running_automation(
                    AutomationConfig(
                        database_url=self.database_url,
                        nats_url=self.nats_url,
                        core_address=core_address,
                        core_key=keys["automation"],
                        address="127.0.0.1:0",
                        planner_address=f"127.0.0.1:{running_p.port}",
                        pool_max=4,
                        max_concurrent_rpcs=32,
                        # No rule appears by itself, and no due date is looked at during a run.
                        install_default_rules=False,
                        due_check_seconds=3600,
                        # One quick attempt per delivery: nothing keeps retrying in the background.
                        delivery_timeout_seconds=2,
                        delivery_max_attempts=1,
                        poll_seconds=0.2,
                        # NOWHERE_URL is on 127.0.0.1, which the default policy refuses.
                        webhook_allow_networks=("127.0.0.1/32",),
                    )
                ) as running_a,
            ):
                await asyncio.wait_for(running_a.consumer.ready.wait(), 60)
                self.ports.update(
                    planner=running_p.port,
                    risk=running_r.port,
                    nlp=running_n.port,
                    automation=running_a.port,
                )
                self._ready.set()
                await self._stop.wait()

    def call(
        self,
        rpc: Rpc,
        request: Message,
        *,
        key: str | None,
        timeout: float = 60.0,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> Outcome:
        """Call `rpc` with `key` (None: no authorization header) and `headers`, and say how it
        ended."""
        self.calls += 1
        invoke: grpc.UnaryUnaryMultiCallable[Message, Message] = self._channels[
            rpc.process
        ].unary_unary(
            rpc.path,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=rpc.output.FromString,
        )
        try:
            response = invoke(request, metadata=(*bearer(key), *headers), timeout=timeout)
        except grpc.RpcError as error:
            return Outcome(code=error.code(), error=error)
        return Outcome(code=grpc.StatusCode.OK, response=response)

    def healthy(self) -> bool:
        """Every service still answers its health check with SERVING."""
        if not self.alive:
            return False
        for channel in self._channels.values():
            stub = health_pb2_grpc.HealthStub(channel)
            reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
            if reply.status != health_pb2.HealthCheckResponse.SERVING:
                return False
        return True


def _service_key(channel: grpc.Channel, admin_key: str, name: str) -> str:
    """A key of `services/{name}` with the scopes `planops up` gives that service."""
    from planops.core.v1 import api_key_pb2, api_key_service_pb2, api_key_service_pb2_grpc

    from services.cli.stack import service_scopes

    stub = api_key_service_pb2_grpc.ApiKeyServiceStub(channel)
    reply = stub.CreateApiKey(
        api_key_service_pb2.CreateApiKeyRequest(
            api_key=api_key_pb2.ApiKey(principal=f"services/{name}", scopes=service_scopes(name))
        ),
        metadata=bearer(admin_key),
        timeout=10,
    )
    return str(reply.secret)


class Database:
    """Direct reads of every service's tables, bypassing the services."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: psycopg.Connection[Any] | None = None
        self._queries: dict[tuple[str, ...], sql.Composed | None] = {}

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.url, autocommit=True)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def _fingerprint_query(self, schemas: tuple[str, ...]) -> sql.Composed | None:
        if schemas not in self._queries:
            tables = (
                self._connection()
                .execute(
                    "SELECT table_schema, table_name FROM information_schema.tables"
                    " WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE'"
                    " AND table_name NOT LIKE 'schema_%%' ORDER BY 1, 2",
                    (list(schemas),),
                )
                .fetchall()
            )
            row = sql.SQL("(to_jsonb(t) - 'sent_time')::text")
            parts = [
                sql.SQL(
                    "SELECT {label}, count(*), coalesce(md5(string_agg({row}, ',' ORDER BY {row})), '')"
                    " FROM {table} t"
                ).format(
                    label=sql.Literal(f"{schema}.{table}"),
                    row=row,
                    table=sql.Identifier(schema, table),
                )
                for schema, table in tables
            ]
            self._queries[schemas] = sql.SQL(" UNION ALL ").join(parts) if parts else None
        return self._queries[schemas]

    def fingerprint(self, schemas: Sequence[str] = SCHEMAS) -> dict[str, tuple[int, str]]:
        """(rows, checksum) of every table in `schemas`; the outbox's `sent_time` is left out
        because the relay sets it in the background."""
        query = self._fingerprint_query(tuple(schemas))
        if query is None:
            return {}
        rows = self._connection().execute(query).fetchall()
        return {str(r[0]): (int(r[1]), str(r[2])) for r in rows}

    def scalar(self, query: str, *params: Any) -> Any:
        row = self._connection().execute(query, params or None).fetchone()
        return None if row is None else row[0]


def settle(db: Database, schemas: Sequence[str], *, quiet_s: float = 1.5) -> None:
    """Wait until background work (risk's and automation's consumers, webhook deliveries)
    stops changing the tables of `schemas`."""
    deadline = time.monotonic() + 60
    last, since = db.fingerprint(schemas), time.monotonic()
    while time.monotonic() - since < quiet_s:
        assert time.monotonic() < deadline, "the tables never stopped changing"
        time.sleep(0.25)
        now = db.fingerprint(schemas)
        if now != last:
            last, since = now, time.monotonic()


def fresh_database(pg_server_url: str, template: str) -> str:
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return conninfo.make_conninfo(pg_server_url, dbname=name)


def drop_database(pg_server_url: str, url: str) -> None:
    name = conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Running:
    stack: Stack
    db: Database
    nats: EmbeddedNats


def run_stack(pg_server_url: str, template: str, home: Path) -> Iterator[Running]:
    """A stack on a database and a NATS server of its own, for a module's tests."""
    url = fresh_database(pg_server_url, template)
    nats = EmbeddedNats(home / "nats")
    nats.start()
    stack = Stack(database_url=url, nats_url=nats.url, home=home / "home")
    db = Database(url)
    try:
        stack.start()
        yield Running(stack=stack, db=db, nats=nats)
    finally:
        db.close()
        stack.stop()
        nats.stop()
        drop_database(pg_server_url, url)
