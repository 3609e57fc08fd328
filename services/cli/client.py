"""The connection to core: where it is, which key to send, and any failure as one line."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from planops.core.v1 import (
    api_key_service_pb2_grpc,
    audit_service_pb2_grpc,
    person_service_pb2_grpc,
    project_service_pb2_grpc,
    task_service_pb2_grpc,
    template_service_pb2_grpc,
)

from services.common import names
from services.common.config import Env
from services.common.core_client import CHANNEL_OPTIONS
from services.common.errors import reason_of, violations_of

DEFAULT_ADDRESS = "127.0.0.1:50051"
CALL_TIMEOUT_SECONDS = 30.0
PAGE_SIZE = 500

SLUG = names.SLUG
SHORT_TASK = re.compile(rf"^({names.SLUG_PATTERN})/({names.NUMBER_PATTERN})\Z")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


class CliError(Exception):
    """A failure to report as one `error:` line; exit 2 for a usage mistake, 1 otherwise."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def usage(message: str) -> CliError:
    return CliError(message, exit_code=2)


@dataclass(frozen=True)
class Settings:
    """What the global options and the environment say about reaching core."""

    address: str
    key: str | None
    home: Path

    @classmethod
    def resolve(
        cls, *, address: str | None, key: str | None, env: Mapping[str, str] | None = None
    ) -> Settings:
        values = Env(env)
        return cls(
            address=address or values.str("PLANOPS_CORE_ADDRESS", DEFAULT_ADDRESS),
            key=key or values.optional("PLANOPS_API_KEY"),
            home=values.home(),
        )

    def api_key(self) -> str:
        """The `--key`, else PLANOPS_API_KEY, else the admin key `planops up` wrote."""
        if self.key:
            return self.key
        path = self.home / "admin.key"
        try:
            secret = path.read_text().strip()
        except FileNotFoundError:
            secret = ""
        except OSError as error:
            raise usage(f"cannot read the API key in {path}: {error.strerror}") from None
        if not secret:
            raise usage(
                f"no API key: pass --key, set PLANOPS_API_KEY, or start core with `planops up` "
                f"(which writes {path})"
            )
        return secret


class _Paged(Protocol):
    next_page_token: str


P = TypeVar("P", bound=_Paged)


def _stub(make: Callable[[grpc.Channel], Any], channel: grpc.Channel) -> Any:
    # The generated `*_pb2_grpc` modules carry no annotations; their stubs are used as Any.
    return make(channel)


@dataclass
class Client:
    """Stubs over one channel; every call carries the key and a deadline."""

    settings: Settings
    channel: grpc.Channel = field(init=False)

    def __post_init__(self) -> None:
        self.channel = grpc.insecure_channel(self.settings.address, options=CHANNEL_OPTIONS)
        self.projects = _stub(project_service_pb2_grpc.ProjectServiceStub, self.channel)
        self.people = _stub(person_service_pb2_grpc.PersonServiceStub, self.channel)
        self.tasks = _stub(task_service_pb2_grpc.TaskServiceStub, self.channel)
        self.templates = _stub(template_service_pb2_grpc.TemplateServiceStub, self.channel)
        self.audit = _stub(audit_service_pb2_grpc.AuditServiceStub, self.channel)
        self.keys = _stub(api_key_service_pb2_grpc.ApiKeyServiceStub, self.channel)
        self.health = _stub(health_pb2_grpc.HealthStub, self.channel)
        self._metadata: tuple[tuple[str, str], ...] | None = None

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.channel.close()

    def call(self, method: Callable[..., Any], request: Any) -> Any:
        """One authenticated unary call."""
        if self._metadata is None:
            self._metadata = (("authorization", f"Bearer {self.settings.api_key()}"),)
        try:
            return method(request, metadata=self._metadata, timeout=CALL_TIMEOUT_SECONDS)
        except grpc.RpcError as error:
            raise CliError(describe(error, address=self.settings.address)) from None

    def check(self, service: str) -> str:
        """The health of one service (`""` for the server), such as `serving` or `unknown`."""
        try:
            reply = self.health.Check(
                health_pb2.HealthCheckRequest(service=service), timeout=CALL_TIMEOUT_SECONDS
            )
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return "unknown"
            raise CliError(describe(error, address=self.settings.address)) from None
        status: str = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
        return status.lower().replace("_", " ")

    def pages(
        self, method: Callable[..., P], request: Any, *, page_size: int | None = None
    ) -> Iterator[P]:
        """Every page of a list call, by default in the largest pages the server gives."""
        request.page_size = page_size or PAGE_SIZE
        while True:
            page: P = self.call(method, request)
            yield page
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    def every(self, method: Callable[..., Any], request: Any, field: str) -> list[Any]:
        """All the items of a list call, across its pages (`field` names the repeated field)."""
        return [item for page in self.pages(method, request) for item in getattr(page, field)]


def describe(error: grpc.RpcError, *, address: str) -> str:
    """A refusal or a failure to connect as one line a person can act on."""
    code = error.code()
    message = " ".join(str(error.details() or "").split())
    reason = reason_of(error)
    if code == grpc.StatusCode.UNAVAILABLE and not reason:
        return f"core is not running at {address} — start it with `planops up`"
    if code == grpc.StatusCode.DEADLINE_EXCEEDED and not reason:
        return f"core at {address} did not answer within {CALL_TIMEOUT_SECONDS:.0f} seconds"
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        violations = violations_of(error)
        if violations:
            return "; ".join(f"{v.field}: {v.description}" for v in violations)
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return f"the API key was refused ({message}); pass --key or set PLANOPS_API_KEY"
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return f"permission denied: {message}"
    if code == grpc.StatusCode.NOT_FOUND:
        return f"not found: {message}"
    if code == grpc.StatusCode.INTERNAL:
        return f"core failed: {message}"
    return message or f"core refused the call ({code.name})"


def project_name(value: str) -> str:
    """`promo` or `projects/promo` as `projects/promo`."""
    ident = value.removeprefix("projects/")
    if not SLUG.match(ident):
        raise usage(f"{value!r} is not a project id (a-z, 0-9 and '-', starting with a letter)")
    return f"projects/{ident}"


def person_name(value: str) -> str:
    """`alice` or `people/alice` as `people/alice`."""
    ident = value.removeprefix("people/")
    if not SLUG.match(ident):
        raise usage(f"{value!r} is not a person id (a-z, 0-9 and '-', starting with a letter)")
    return f"people/{ident}"


def member_name(value: str) -> str:
    """A person id, `people/{id}` or `services/{id}`."""
    if value.startswith("services/"):
        if not SLUG.match(value.removeprefix("services/")):
            raise usage(f"{value!r} is not a service (services/ then a lower-case id)")
        return value
    return person_name(value)


def task_name(value: str, *, project: str | None = None) -> str:
    """`promo/12`, `projects/promo/tasks/12`, or `12` within `project`, as the full name."""
    if not names.problems(partial(names.child_id, collection="tasks"), value):
        return value
    short = SHORT_TASK.match(value)
    if short:
        return f"projects/{short[1]}/tasks/{short[2]}"
    if project is not None and value.isascii() and value.isdigit():
        return f"{project_name(project)}/tasks/{value}"
    raise usage(f"{value!r} is not a task; write PROJECT/NUMBER such as promo/12")


def dependency_name(value: str) -> str:
    """`projects/p/dependencies/4`, `p/dependencies/4` or `p/4` as the full name."""
    parts = value.removeprefix("projects/").split("/")
    if len(parts) == 3 and parts[1] == "dependencies":
        parts = [parts[0], parts[2]]
    if (
        len(parts) != 2
        or not SLUG.match(parts[0])
        or not (parts[1].isascii() and parts[1].isdigit())
    ):
        raise usage(f"{value!r} is not a dependency; write PROJECT/dependencies/NUMBER")
    return f"projects/{parts[0]}/dependencies/{parts[1]}"


def day(value: str, *, option: str) -> str:
    """A `YYYY-MM-DD` date that exists, or a usage error naming the option."""
    try:
        if not DAY.match(value):
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise usage(f"{option}: {value!r} is not a date; write YYYY-MM-DD") from None
