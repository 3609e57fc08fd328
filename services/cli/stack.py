"""`planops up`: real PostgreSQL and NATS from the wheels (unless URLs are given), then every
service, each in its own process, until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import typer
from grpc_health.v1 import health_pb2, health_pb2_grpc
from rich.console import Console
from rich.table import Table

from services.common import nats_auth
from services.common.config import Env
from services.common.embedded import EmbeddedNats, EmbeddedPostgres, free_port

if TYPE_CHECKING:
    from planops.core.v1 import api_key_pb2

console = Console(stderr=True)

# (service, default port); a service joins the stack once its package has a __main__.
SERVICES = [
    ("core", 50051),
    ("planner", 50052),
    ("risk", 50053),
    ("nlp", 50054),
    ("automation", 50055),
]
# What `planops up` sets for automation unless it is set already (see `up`).
WEBHOOK_ALLOW_NETWORKS = "PLANOPS_AUTOMATION_WEBHOOK_ALLOW_NETWORKS"


@dataclass
class Child:
    name: str
    address: str
    process: subprocess.Popen[bytes]
    metrics: str = ""


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_serving(address: str, process: subprocess.Popen[bytes], *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"exited with code {process.returncode}; see its log above")
            try:
                if (
                    stub.Check(health_pb2.HealthCheckRequest(), timeout=1).status
                    == health_pb2.HealthCheckResponse.SERVING
                ):
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.2)
    raise TimeoutError(f"not SERVING after {timeout:.0f} s")


def wait_http(url: str, process: subprocess.Popen[bytes], *, timeout: float = 30.0) -> None:
    """Wait until `url` answers 200 (the gateway's /healthz)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with code {process.returncode}; see its log above")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not answering after {timeout:.0f} s")


def up(
    core_port: int = typer.Option(50051, help="Port of the core service; the others follow it."),
    metrics_port: int = typer.Option(
        9464, help="Port of core's Prometheus /metrics; the others follow it. 0: no metrics."
    ),
    gateway_port: int = typer.Option(8080, help="Port of the HTTP/JSON gateway and console."),
) -> None:
    """Start PlanOps: embedded PostgreSQL and NATS (unless DATABASE_URL / NATS_URL are set) and
    every service, wait until each is SERVING, and stop everything on Ctrl-C."""
    env = Env()
    home = env.home()
    home.mkdir(parents=True, exist_ok=True)
    # SIGTERM (systemd, a container runtime, `timeout`) stops the stack like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    postgres: EmbeddedPostgres | None = None
    nats: EmbeddedNats | None = None
    children: list[Child] = []
    try:
        database_url = env.optional("DATABASE_URL")
        if database_url is None:
            console.print(f"starting PostgreSQL in {home / 'postgres'} ...")
            postgres = EmbeddedPostgres(home / "postgres")
            database_url = postgres.start()
        nats_url = env.optional("NATS_URL")
        nats_passwords: dict[str, str] = {}
        if nats_url is None:
            port = 4222 if _port_free(4222) else free_port()
            console.print(f"starting NATS with JetStream on port {port} ...")
            nats_config, nats_passwords = nats_auth.prepare(home / "nats")
            nats = EmbeddedNats(home / "nats", port=port, config_file=nats_config)
            nats_url = nats.start()
        # Every service learns every address up front: the planner calls risk, which starts later.
        addresses = {
            f"PLANOPS_{name.upper()}_ADDRESS": f"127.0.0.1:{core_port + offset}"
            for offset, (name, _) in enumerate(SERVICES)
        }
        for offset, (name, _) in enumerate(SERVICES):
            if find_spec(f"services.{name}.__main__") is None:
                continue
            address = f"127.0.0.1:{core_port + offset}"
            child_env = {
                **os.environ,
                **addresses,
                "DATABASE_URL": database_url,
                "NATS_URL": (
                    nats_auth.url_for(nats_url, user=name, password=nats_passwords[name])
                    if name in nats_passwords
                    else nats_url
                ),
                "PLANOPS_HOME": str(home),
            }
            metrics_variable = f"PLANOPS_{name.upper()}_METRICS_ADDRESS"
            if metrics_port and not env.optional(metrics_variable):
                wanted = metrics_port + offset
                child_env[metrics_variable] = (
                    f"127.0.0.1:{wanted if _port_free(wanted) else free_port()}"
                )
            if name != "core":
                child_env["PLANOPS_CORE_KEY"] = service_key(
                    home, name, core_address=f"127.0.0.1:{core_port}"
                )
            if name == "automation" and not env.optional(WEBHOOK_ALLOW_NETWORKS):
                # A developer's stack: the services and the webhook receivers being tried
                # run on one machine, so webhooks may reach loopback here (never by default).
                child_env[WEBHOOK_ALLOW_NETWORKS] = "127.0.0.0/8,::1/128"
            console.print(f"starting {name} on {address} ...")
            process = subprocess.Popen([sys.executable, "-m", f"services.{name}"], env=child_env)
            children.append(Child(name, address, process, child_env.get(metrics_variable, "")))
            wait_serving(address, process)
        if find_spec("services.gateway.__main__") is not None:
            gateway = f"127.0.0.1:{gateway_port}"
            console.print(f"starting gateway on http://{gateway} ...")
            process = subprocess.Popen(
                [sys.executable, "-m", "services.gateway"],
                env={**os.environ, **addresses, "PLANOPS_GATEWAY_ADDRESS": gateway},
            )
            children.append(Child("gateway", f"http://{gateway}", process))
            wait_http(f"http://{gateway}/healthz", process)
        _show(children, database_url=database_url, nats_url=nats_url, home=home)
        _wait_for_ctrl_c(children)
    except (RuntimeError, TimeoutError, OSError) as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None
    finally:
        for child in reversed(children):
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        for child in reversed(children):
            try:
                child.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.process.kill()
        if nats is not None:
            nats.stop()
        if postgres is not None:
            postgres.stop()
        console.print("stopped")


def service_scopes(name: str) -> list[api_key_pb2.ServiceScope]:
    """What each service's key may do (ServiceScope): every service reads projects; planner
    and nlp write for the person who asked, automation for the rule that fired."""
    from planops.core.v1 import api_key_pb2

    extra = {
        "planner": [api_key_pb2.SERVICE_SCOPE_ACT_FOR_PEOPLE],
        "nlp": [api_key_pb2.SERVICE_SCOPE_ACT_FOR_PEOPLE],
        "automation": [api_key_pb2.SERVICE_SCOPE_ACT_FOR_RULES],
    }
    return [api_key_pb2.SERVICE_SCOPE_READ_PROJECTS, *extra.get(name, [])]


def service_key(home: Path, name: str, *, core_address: str) -> str:
    """The key `services/{name}` uses to call core: kept in `home/keys/`, made once with the
    admin key. It is no admin key: it reads projects and acts for the person (or rule) a
    call is for with exactly their rights, by its scopes (`service_scopes`)."""
    from planops.core.v1 import api_key_pb2, api_key_service_pb2, api_key_service_pb2_grpc

    path = home / "keys" / f"{name}.key"
    scopes = service_scopes(name)
    with grpc.insecure_channel(core_address) as channel:
        stub = api_key_service_pb2_grpc.ApiKeyServiceStub(channel)  # type: ignore[no-untyped-call]
        admin = (home / "admin.key").read_text().strip()
        if path.exists():
            key = path.read_text().strip()
            try:
                caller = stub.GetCaller(
                    api_key_service_pb2.GetCallerRequest(), metadata=_bearer(key), timeout=5
                )
                if not caller.api_key.admin and sorted(caller.api_key.scopes) == sorted(scopes):
                    return str(key)
                # A key from before scopes (an admin key): replaced, and no longer valid.
                stub.RevokeApiKey(
                    api_key_service_pb2.RevokeApiKeyRequest(name=caller.api_key.name),
                    metadata=_bearer(admin),
                    timeout=10,
                )
            except grpc.RpcError:
                pass  # revoked or from another database: make a new one
        reply = stub.CreateApiKey(
            api_key_service_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(
                    principal=f"services/{name}",
                    scopes=scopes,
                    display_name=f"{name} service (planops up)",
                )
            ),
            metadata=_bearer(admin),
            timeout=10,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(reply.secret + "\n")
    return str(reply.secret)


def _bearer(key: str) -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {key}"),)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _show(children: list[Child], *, database_url: str, nats_url: str, home: Path) -> None:
    table = Table(title="PlanOps is up", show_header=True)
    table.add_column("service")
    table.add_column("address")
    table.add_column("health")
    table.add_column("metrics")
    for child in children:
        metrics = f"http://{child.metrics}/metrics" if child.metrics else ""
        table.add_row(child.name, child.address, "SERVING", metrics)
    gateway = next((c.address for c in children if c.name == "gateway"), None)
    table.add_row("postgres", database_url, "", "")
    table.add_row("nats", nats_url, "", "")
    console.print(table)
    console.print(
        f"admin API key: {home / 'admin.key'}  (export PLANOPS_API_KEY=$(cat {home / 'admin.key'}))"
    )
    if gateway is not None:
        console.print(f"console and HTTP/JSON API: {gateway}  (OpenAPI: {gateway}/openapi.json)")
    core = next((c.address for c in children if c.name == "core"), "127.0.0.1:50051")
    console.print(f"try: planops status   ·   grpcurl -plaintext {core} list   ·   Ctrl-C stops")


def _wait_for_ctrl_c(children: list[Child]) -> None:
    try:
        while True:
            for child in children:
                if child.process.poll() is not None:
                    raise RuntimeError(f"{child.name} exited with code {child.process.returncode}")
            time.sleep(0.5)
    except KeyboardInterrupt:
        console.print("\nstopping ...")


def migrate() -> None:
    """Apply the database migrations of every service to DATABASE_URL (or the embedded
    PostgreSQL); safe to run twice. Services also migrate when they start."""
    import asyncio

    from services.common.db import migrate as apply

    env = Env()
    postgres: EmbeddedPostgres | None = None
    database_url = env.optional("DATABASE_URL")
    try:
        if database_url is None:
            postgres = EmbeddedPostgres(env.home() / "postgres")
            database_url = postgres.start()
        for name, _ in SERVICES:
            if find_spec(f"services.{name}.migrations") is None:
                continue
            applied = asyncio.run(
                apply(database_url, schema=name, package=f"services.{name}.migrations")
            )
            console.print(f"{name}: {', '.join(applied) if applied else 'up to date'}")
    except OSError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None
    finally:
        if postgres is not None:
            postgres.stop()
