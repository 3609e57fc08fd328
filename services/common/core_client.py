"""How the other services reach core: its stubs with a service key, and authentication of
their own callers by asking core who a key belongs to (cached briefly)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import grpc
from planops.core.v1 import (
    api_key_service_pb2,
    api_key_service_pb2_grpc,
    person_service_pb2_grpc,
    project_service_pb2,
    project_service_pb2_grpc,
    task_service_pb2_grpc,
)

from services.common import deadline, tracing
from services.common.auth import (
    ACT_FOR_PEOPLE,
    ACT_FOR_RULES,
    READ_PROJECTS,
    Principal,
    metadata_var,
)
from services.common.errors import (
    DeadlineExceeded,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    PlanOpsError,
    Unauthenticated,
    Unavailable,
    violations_of,
)
from services.common.logs import request_id_var

ROLE_NAMES = {1: "manager", 2: "executor", 3: "reviewer", 4: "viewer"}
SCOPE_NAMES = {1: READ_PROJECTS, 2: ACT_FOR_PEOPLE, 3: ACT_FOR_RULES}
ACTING_HEADERS = ("x-planops-on-behalf-of", "x-planops-rule")
# A full page of core's largest resources (500 tasks of 20,000-character descriptions) is
# about 11 MB, past gRPC's default 4 MiB for a received message.
CHANNEL_OPTIONS = (("grpc.max_receive_message_length", 64 * 1024 * 1024),)


def channel_to(address: str) -> grpc.aio.Channel:
    """A channel from one service to another, able to receive a full page of anything."""
    return grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)


def metadata_for(key: str, **headers: str) -> tuple[tuple[str, str], ...]:
    """Outgoing metadata: the key, `x-planops-*` headers, and what lets the call be followed
    across services (the request id being served, and the trace context when tracing)."""
    extra = tuple((f"x-planops-{k.replace('_', '-')}", v) for k, v in headers.items() if v)
    request_id = request_id_var.get()
    if request_id and "request_id" not in headers:
        extra += (("x-planops-request-id", request_id),)
    carrier: dict[str, str] = {}
    tracing.inject(carrier)
    return (("authorization", f"Bearer {key}"), *extra, *carrier.items())


def translate(error: grpc.RpcError, *, what: str) -> PlanOpsError:
    """A failed call to core, as the error this service's caller should see."""
    # grpc.aio's AioRpcError is not a grpc.Call, but has the same two methods.
    code = error.code() if callable(getattr(error, "code", None)) else None
    detail = error.details() if callable(getattr(error, "details", None)) else str(error)
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return Unauthenticated(f"{what}: {detail}", reason="API_KEY_INVALID")
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return PermissionDenied(f"{what}: {detail}", reason="ROLE_REQUIRED")
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound(f"{what}: {detail}", reason="NOT_FOUND")
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        # Keep core's field violations: a refusal must still name the field.
        return InvalidArgument(
            f"{what}: {detail}", reason="INVALID_ARGUMENT", violations=_violations(error)
        )
    if code == grpc.StatusCode.DEADLINE_EXCEEDED and deadline.ran_out():
        # The caller's own deadline bounded the wait: say so, rather than blame core.
        return DeadlineExceeded(
            f"{what}: the call's deadline passed while core was answering",
            reason="DEADLINE_EXCEEDED",
        )
    return Unavailable(
        f"{what}: core answered {code.name if code else 'nothing'}: {detail}",
        reason="CORE_UNAVAILABLE",
    )


def _violations(error: grpc.RpcError) -> list[FieldViolation]:
    try:
        return violations_of(error)
    except (AttributeError, TypeError, ValueError):  # an error with no trailing status
        return []


@dataclass
class CoreClient:
    """Stubs for core on one channel, called with this service's key."""

    channel: grpc.aio.Channel
    key: str
    default_timeout: float = 10.0
    projects: project_service_pb2_grpc.ProjectServiceStub = field(init=False)
    people: person_service_pb2_grpc.PersonServiceStub = field(init=False)
    tasks: task_service_pb2_grpc.TaskServiceStub = field(init=False)
    keys: api_key_service_pb2_grpc.ApiKeyServiceStub = field(init=False)

    def __post_init__(self) -> None:
        self.projects = project_service_pb2_grpc.ProjectServiceStub(self.channel)
        self.people = person_service_pb2_grpc.PersonServiceStub(self.channel)
        self.tasks = task_service_pb2_grpc.TaskServiceStub(self.channel)
        self.keys = api_key_service_pb2_grpc.ApiKeyServiceStub(self.channel)

    @property
    def timeout(self) -> float:
        """The timeout for a call to core: the default, or what is left of the deadline of
        the call being served."""
        return deadline.remaining(self.default_timeout)

    def metadata(self, **headers: str) -> tuple[tuple[str, str], ...]:
        return metadata_for(self.key, **headers)

    async def roles(self, principal: Principal, project: str) -> set[str]:
        """The roles `principal` has in `projects/{project}`: those of whom it acts for, or
        its own (all of them for an admin), as core grants them."""
        if principal.rule_project is not None or (principal.admin and not principal.acting_for):
            return principal.granted(project, set())
        held: set[str] = set()
        token = ""
        try:
            while True:
                page = await self.projects.ListMemberships(
                    project_service_pb2.ListMembershipsRequest(
                        parent=f"projects/{project}", page_size=500, page_token=token
                    ),
                    metadata=self.metadata(),
                    timeout=self.timeout,
                )
                for m in page.memberships:
                    if m.member == principal.member:
                        held |= {ROLE_NAMES[r] for r in m.roles if r in ROLE_NAMES}
                token = page.next_page_token
                if not token:
                    return principal.granted(project, held)
        except grpc.RpcError as error:
            raise translate(error, what=f"reading the members of projects/{project}") from error

    async def require_role(
        self, principal: Principal, project: str, roles: Sequence[str]
    ) -> set[str]:
        held = await self.roles(principal, project)
        if not held & set(roles):
            raise PermissionDenied(
                f"{principal.principal} needs the role {' or '.join(roles)} in projects/{project}",
                reason="ROLE_REQUIRED",
            )
        return held


class CoreAuthenticator:
    """Checks a caller's bearer key with core's GetCaller; answers are kept `ttl` seconds, so
    a revoked key stops working on this service within that time.

    The headers by which a scoped service acts for someone go to core with the key, so core
    alone decides whom the call acts for.
    """

    def __init__(self, channel: grpc.aio.Channel, *, ttl: float = 5.0) -> None:
        self.stub = api_key_service_pb2_grpc.ApiKeyServiceStub(channel)
        self.ttl = ttl
        self._cache: dict[tuple[str, ...], tuple[float, Principal]] = {}

    async def __call__(self, token: str) -> Principal:
        incoming = metadata_var.get() or {}
        acting = {h: incoming[h] for h in ACTING_HEADERS if incoming.get(h)}
        cache_key = (token, *(f"{h}={v}" for h, v in sorted(acting.items())))
        now = time.monotonic()
        hit = self._cache.get(cache_key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        try:
            reply = await self.stub.GetCaller(
                api_key_service_pb2.GetCallerRequest(),
                metadata=(*metadata_for(token), *acting.items()),
                timeout=deadline.remaining(5.0),
            )
        except grpc.RpcError as error:
            self._cache.pop(cache_key, None)
            raise translate(error, what="checking the API key with core") from error
        principal = Principal(
            principal=reply.api_key.principal,
            key=reply.api_key.name,
            admin=reply.api_key.admin,
            scopes=frozenset(SCOPE_NAMES[s] for s in reply.api_key.scopes if s in SCOPE_NAMES),
            acting_for=reply.acting_for,
        )
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[cache_key] = (now, principal)
        return principal
