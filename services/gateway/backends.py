"""The gRPC services the gateway exposes: one row per service, adding a service is one line."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from google.protobuf import descriptor, descriptor_pool

from services.common.config import Env


@dataclass(frozen=True)
class Backend:
    """A gRPC service: its full name, the generated module that defines it, and where it runs."""

    service: str
    module: str
    address_env: str
    default_address: str


CORE = ("PLANOPS_CORE_ADDRESS", "127.0.0.1:50051")
PLANNER = ("PLANOPS_PLANNER_ADDRESS", "127.0.0.1:50052")
RISK = ("PLANOPS_RISK_ADDRESS", "127.0.0.1:50053")
NLP = ("PLANOPS_NLP_ADDRESS", "127.0.0.1:50054")
AUTOMATION = ("PLANOPS_AUTOMATION_ADDRESS", "127.0.0.1:50055")

BACKENDS: tuple[Backend, ...] = (
    Backend("planops.core.v1.ProjectService", "planops.core.v1.project_service_pb2", *CORE),
    Backend("planops.core.v1.PersonService", "planops.core.v1.person_service_pb2", *CORE),
    Backend("planops.core.v1.TaskService", "planops.core.v1.task_service_pb2", *CORE),
    Backend("planops.core.v1.TemplateService", "planops.core.v1.template_service_pb2", *CORE),
    Backend("planops.core.v1.AuditService", "planops.core.v1.audit_service_pb2", *CORE),
    Backend("planops.core.v1.ApiKeyService", "planops.core.v1.api_key_service_pb2", *CORE),
    Backend("planops.core.v1.ReportService", "planops.core.v1.report_service_pb2", *CORE),
    Backend(
        "planops.core.v1.CalendarFeedService", "planops.core.v1.calendar_feed_service_pb2", *CORE
    ),
    Backend(
        "planops.planner.v1.PlannerService", "planops.planner.v1.planner_service_pb2", *PLANNER
    ),
    Backend("planops.risk.v1.RiskService", "planops.risk.v1.risk_service_pb2", *RISK),
    Backend("planops.nlp.v1.NlpService", "planops.nlp.v1.nlp_service_pb2", *NLP),
    Backend(
        "planops.automation.v1.AutomationService",
        "planops.automation.v1.automation_service_pb2",
        *AUTOMATION,
    ),
)


@dataclass(frozen=True)
class Route:
    """One unary RPC the gateway serves at `POST /api/<service>/<method>`."""

    service: str
    method: descriptor.MethodDescriptor
    address: str

    @property
    def path(self) -> str:
        return f"/api/{self.service}/{self.method.name}"

    @property
    def grpc_path(self) -> str:
        return f"/{self.service}/{self.method.name}"


def service_descriptor(backend: Backend) -> descriptor.ServiceDescriptor:
    """The service's descriptor, from its generated module (importing it registers it)."""
    importlib.import_module(backend.module)
    found: descriptor.ServiceDescriptor = descriptor_pool.Default().FindServiceByName(
        backend.service
    )
    return found


def routes(backends: Sequence[Backend], addresses: Mapping[str, str]) -> dict[str, Route]:
    """Every unary RPC of `backends`, by HTTP path; streaming RPCs are not exposed."""
    found: dict[str, Route] = {}
    for backend in backends:
        service = service_descriptor(backend)
        for method in service.methods:
            if method.client_streaming or method.server_streaming:
                continue
            route = Route(backend.service, method, addresses[backend.service])
            found[route.path] = route
    return found


def addresses_from_env(backends: Sequence[Backend], env: Env) -> dict[str, str]:
    """Each service's address: its service's `PLANOPS_<SERVICE>_ADDRESS`, or the default."""
    return {b.service: env.str(b.address_env, b.default_address) for b in backends}
