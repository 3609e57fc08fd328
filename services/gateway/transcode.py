"""Proto3 JSON in and out, and gRPC statuses as HTTP errors (the Connect protocol's mapping)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import json_format, message
from google.rpc import error_details_pb2, status_pb2

HTTP_STATUS: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
    grpc.StatusCode.UNAUTHENTICATED: 401,
}

STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class Violation:
    field: str
    description: str


@dataclass(frozen=True)
class HttpError(Exception):
    """An error as the gateway answers it: an HTTP status and a JSON body."""

    code: grpc.StatusCode
    message: str
    details: tuple[Violation, ...] = ()
    reason: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    http_status: int | None = None

    @property
    def status(self) -> int:
        return self.http_status or HTTP_STATUS.get(self.code, 500)

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code.name.lower(),
            "message": self.message,
            "details": [{"field": v.field, "description": v.description} for v in self.details],
            "reason": self.reason,
        }


def bad_request(message_text: str, *, field_path: str, reason: str) -> HttpError:
    return HttpError(
        code=grpc.StatusCode.INVALID_ARGUMENT,
        message=message_text,
        details=(Violation(field_path, message_text),),
        reason=reason,
    )


def parse_request(body: bytes, message_class: type[message.Message]) -> message.Message:
    """The request message from a proto3 JSON body; an empty body is the empty message.

    A body that does not parse raises an `HttpError` naming the field it stopped at.
    """
    request = message_class()
    if not body.strip():
        return request
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise bad_request(
            f"the body is not JSON: {error}", field_path="", reason="MALFORMED_JSON"
        ) from None
    if not isinstance(value, dict):
        raise bad_request("the body must be a JSON object", field_path="", reason="MALFORMED_JSON")
    try:
        json_format.ParseDict(value, request)
    except (json_format.ParseError, ValueError, TypeError, RecursionError) as error:
        text = str(error).split("\n", 1)[0]
        raise bad_request(text, field_path=field_of(text), reason="INVALID_JSON_FIELD") from None
    return request


_PARSE_STEP = re.compile(r"Failed to parse (\w+) field")
_NO_FIELD = re.compile(r'has no field named "([^"]*)"')
_OTHER_FIELD = re.compile(r"for (?:enum )?field (\w+)|field (\w+) can not|field (\w+) is repeated")


def field_of(parse_error: str) -> str:
    """The dotted field path a protobuf JSON parse error is about, as far as it says."""
    path = _PARSE_STEP.findall(parse_error)
    last = _NO_FIELD.search(parse_error) or _OTHER_FIELD.search(parse_error)
    if last is not None:
        name = next(g for g in last.groups() if g)
        if not path or path[-1] != name:
            path.append(name)
    return ".".join(path)


def to_json(response: message.Message) -> dict[str, Any]:
    """Canonical proto3 JSON: lowerCamelCase names, enum names, int64 as strings, defaults printed."""
    return json_format.MessageToDict(response, always_print_fields_with_no_presence=True)


def error_of(code: grpc.StatusCode, details: str, trailing: Iterable[tuple[str, Any]]) -> HttpError:
    """The HTTP error for a gRPC failure: the field violations and reason from its rich status."""
    violations: list[Violation] = []
    reason = ""
    metadata: dict[str, str] = {}
    for key, value in trailing:
        if key != STATUS_DETAILS_KEY or not isinstance(value, bytes):
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                violations += [Violation(v.field, v.description) for v in bad.field_violations]
            elif detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason = info.reason
                metadata = dict(info.metadata)
    return HttpError(
        code=code, message=details, details=tuple(violations), reason=reason, metadata=metadata
    )
