"""Proto3 JSON parsing with the failing field named, and gRPC statuses as HTTP errors."""

from __future__ import annotations

import json
import random
from typing import Any

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from planops.core.v1 import events_pb2, task_pb2, task_service_pb2

from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.gateway.transcode import (
    HTTP_STATUS,
    STATUS_DETAILS_KEY,
    HttpError,
    error_of,
    field_of,
    parse_request,
    to_json,
)


def test_both_field_name_styles_parse() -> None:
    camel = parse_request(
        b'{"parent": "projects/p", "task": {"estimateHours": 2, "dueDate": "2030-01-02"}}',
        task_service_pb2.CreateTaskRequest,
    )
    snake = parse_request(
        b'{"parent": "projects/p", "task": {"estimate_hours": 2, "due_date": "2030-01-02"}}',
        task_service_pb2.CreateTaskRequest,
    )
    assert camel == snake
    assert isinstance(camel, task_service_pb2.CreateTaskRequest)
    assert camel.task.estimate_hours == 2


def test_an_empty_body_is_the_empty_message() -> None:
    assert (
        parse_request(b"", task_service_pb2.ListTasksRequest) == task_service_pb2.ListTasksRequest()
    )
    assert parse_request(b"  \n", task_service_pb2.ListTasksRequest) == (
        task_service_pb2.ListTasksRequest()
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"task": {"titel": "x"}}', "task.titel"),
        (b'{"task": {"estimateHours": "many"}}', "task.estimateHours"),
        (b'{"task": {"priority": "PRIORITY_HUGE"}}', "task.priority"),
        (b'{"task": {"requiredSkills": [{"level": "high"}]}}', "task.requiredSkills.level"),
        (b'{"task": {"labels": "one"}}', "task.labels"),
        (b'{"pageSize": 1.5}', "pageSize"),
        (b'{"unknown": 1}', "unknown"),
    ],
)
def test_a_bad_field_is_named(body: bytes, field: str) -> None:
    with pytest.raises(HttpError) as caught:
        parse_request(
            body,
            task_service_pb2.CreateTaskRequest
            if b"task" in body
            else task_service_pb2.ListTasksRequest,
        )
    error = caught.value
    assert error.status == 400
    assert error.reason == "INVALID_JSON_FIELD"
    assert [d.field for d in error.details] == [field]


@pytest.mark.parametrize("body", [b"{", b"[]", b"3", b"\xff"])
def test_a_body_that_is_no_json_object_is_refused(body: bytes) -> None:
    with pytest.raises(HttpError) as caught:
        parse_request(body, task_service_pb2.ListTasksRequest)
    assert (caught.value.status, caught.value.reason) == (400, "MALFORMED_JSON")


def test_field_of_reads_the_path_from_protobuf_messages() -> None:
    assert field_of("Failed to parse a field: Failed to parse b field: bad") == "a.b"
    assert field_of("nothing to see") == ""


def test_responses_print_defaults_in_lower_camel_case() -> None:
    body = to_json(task_service_pb2.GetTaskResponse(task=task_pb2.Task(name="projects/p/tasks/1")))
    task = body["task"]
    assert task["name"] == "projects/p/tasks/1"
    assert task["estimateHours"] == 0
    assert task["labels"] == []
    assert task["priority"] == "PRIORITY_UNSPECIFIED"
    assert "actualStart" not in task  # a message field without a value has presence: omitted


def test_every_grpc_code_has_its_connect_status() -> None:
    assert set(HTTP_STATUS) == set(grpc.StatusCode) - {grpc.StatusCode.OK}
    assert HTTP_STATUS[grpc.StatusCode.INVALID_ARGUMENT] == 400
    assert HTTP_STATUS[grpc.StatusCode.FAILED_PRECONDITION] == 400
    assert HTTP_STATUS[grpc.StatusCode.UNAUTHENTICATED] == 401
    assert HTTP_STATUS[grpc.StatusCode.PERMISSION_DENIED] == 403
    assert HTTP_STATUS[grpc.StatusCode.NOT_FOUND] == 404
    assert HTTP_STATUS[grpc.StatusCode.ALREADY_EXISTS] == 409
    assert HTTP_STATUS[grpc.StatusCode.ABORTED] == 409
    assert HTTP_STATUS[grpc.StatusCode.RESOURCE_EXHAUSTED] == 429
    assert HTTP_STATUS[grpc.StatusCode.UNAVAILABLE] == 503
    assert HTTP_STATUS[grpc.StatusCode.DEADLINE_EXCEEDED] == 504


def test_a_rich_status_becomes_fields_and_reason() -> None:
    status = InvalidArgument.of(
        [FieldViolation("task.title", "is required"), FieldViolation("task.due_date", "bad")]
    ).to_status()
    error = error_of(
        grpc.StatusCode.INVALID_ARGUMENT,
        status.message,
        [("other", "x"), (STATUS_DETAILS_KEY, status.SerializeToString())],
    )
    assert error.body() == {
        "code": "invalid_argument",
        "message": "task.title: is required; task.due_date: bad",
        "details": [
            {"field": "task.title", "description": "is required"},
            {"field": "task.due_date", "description": "bad"},
        ],
        "reason": "INVALID_FIELDS",
    }
    missing = error_of(
        grpc.StatusCode.NOT_FOUND,
        "gone",
        [
            (
                STATUS_DETAILS_KEY,
                NotFound("gone", reason="TASK_NOT_FOUND").to_status().SerializeToString(),
            )
        ],
    )
    assert (missing.status, missing.reason, missing.details) == (404, "TASK_NOT_FOUND", ())


def test_a_status_without_details_keeps_its_message() -> None:
    error = error_of(grpc.StatusCode.UNAVAILABLE, "connection refused", [])
    assert error.body() == {
        "code": "unavailable",
        "message": "connection refused",
        "details": [],
        "reason": "",
    }
    packed = any_pb2.Any()
    packed.Pack(error_details_pb2.RetryInfo())
    status = status_pb2.Status(code=code_pb2.UNAVAILABLE, message="m", details=[packed])
    assert (
        error_of(
            grpc.StatusCode.UNAVAILABLE, "m", [(STATUS_DETAILS_KEY, status.SerializeToString())]
        ).details
        == ()
    )


def _fill(message: Any, rng: random.Random, depth: int = 0) -> None:
    """Random values in every field of `message`, nested messages to a depth of three."""
    for field in message.DESCRIPTOR.fields:
        if field.containing_oneof is not None and rng.random() < 0.5:
            continue
        if field.message_type is not None:
            entry = field.message_type
            if field.is_repeated and entry.GetOptions().map_entry:
                target = getattr(message, field.name)
                for _ in range(rng.randint(0, 2)):
                    key = _scalar(entry.fields_by_name["key"], rng)
                    value_field = entry.fields_by_name["value"]
                    if value_field.message_type is not None:
                        if depth < 3:
                            _fill(target[key], rng, depth + 1)
                    else:
                        target[key] = _scalar(value_field, rng)
                continue
            if depth >= 3:
                continue
            if field.is_repeated:
                for _ in range(rng.randint(0, 2)):
                    _fill_message(getattr(message, field.name).add(), rng, depth + 1)
            elif rng.random() < 0.8:
                _fill_message(getattr(message, field.name), rng, depth + 1)
        elif field.is_repeated:
            getattr(message, field.name).extend(
                _scalar(field, rng) for _ in range(rng.randint(0, 3))
            )
        elif rng.random() < 0.8:
            setattr(message, field.name, _scalar(field, rng))


def _fill_message(message: Any, rng: random.Random, depth: int) -> None:
    name = message.DESCRIPTOR.full_name
    if name == "google.protobuf.Timestamp":
        message.seconds = rng.choice(
            [0, -62135596800, 253402300799, rng.randint(-(10**10), 10**10)]
        )
        message.nanos = rng.choice([0, 1_000_000, 123_456_789, 5_000, 999_999_999])
    elif name == "google.protobuf.Struct":
        message.update({"a": rng.random(), "b": "text", "c": [1, "x", None], "d": {"e": True}})
    elif name == "google.protobuf.FieldMask":
        message.paths.extend(["title", "estimate_hours"])
    elif name == "google.protobuf.Duration":
        message.seconds = rng.randint(0, 10**6)
    elif name.startswith("google.protobuf."):
        return
    else:
        _fill(message, rng, depth)
        if not message.ListFields() and rng.random() < 0.5:
            message.Clear()


def _scalar(field: Any, rng: random.Random) -> Any:
    FD = field.__class__
    if field.enum_type is not None:
        return rng.choice([v.number for v in field.enum_type.values] + [99])
    kind = field.type
    if kind == FD.TYPE_STRING:
        return rng.choice(["", "plain", "写文案 ✓", 'quote " and \\ slash'])
    if kind == FD.TYPE_BYTES:
        return rng.randbytes(rng.randint(0, 6))
    if kind == FD.TYPE_BOOL:
        return rng.random() < 0.5
    if kind in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
        return rng.choice([0.0, 1.5, -2.25, 1e-7, 3.3, float("inf"), float("nan"), 0.1])
    if kind in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return rng.choice([0, -(2**62), 2**53 + 1])
    if kind in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return rng.choice([0, 2**64 - 1])
    if kind in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
        return rng.choice([0, 7, 2**32 - 1])
    return rng.choice([0, -5, 2**31 - 1])


def _every_message_class() -> list[Any]:
    from google.protobuf import descriptor_pool, message_factory

    from services.gateway import openapi
    from services.gateway.backends import BACKENDS, routes

    found = routes(BACKENDS, {b.service: "" for b in BACKENDS}).values()
    names = openapi.schemas_for(
        [m for r in found for m in (r.method.input_type, r.method.output_type)]
    )
    pool = descriptor_pool.Default()
    extra = [
        error_details_pb2.ErrorInfo,  # a map field
        events_pb2.ChangeEvent,  # int64 fields
    ]
    return [
        message_factory.GetMessageClass(pool.FindMessageTypeByName(n)) for n in sorted(names)
    ] + extra


def test_the_fast_printer_prints_what_json_format_prints() -> None:
    from google.protobuf import json_format

    classes = _every_message_class()
    assert len(classes) > 100
    rng = random.Random(7)
    for cls in classes:
        for attempt in range(4):
            message = cls()
            if attempt:
                _fill(message, rng)
            expected = json_format.MessageToDict(message, always_print_fields_with_no_presence=True)
            got = to_json(message)
            assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True), (
                cls.DESCRIPTOR.full_name
            )


def test_only_the_key_and_planops_headers_are_forwarded() -> None:
    from services.gateway.app import forwarded_metadata

    headers = {
        "Authorization": "Bearer planops_abc_def",
        "X-Planops-On-Behalf-Of": "people/ana",
        "X-Planops-Data-Bin": "AAEC",  # binary metadata is not ours to pass on
        "X-Planops-Note": "caf\u00e9",  # not ASCII: gRPC metadata cannot carry it
        "Cookie": "session=1",
        "Host": "gateway",
    }
    assert forwarded_metadata(headers, "rid-1") == [
        ("x-request-id", "rid-1"),
        ("authorization", "Bearer planops_abc_def"),
        ("x-planops-on-behalf-of", "people/ana"),
    ]


def test_request_ids_and_deadlines_from_headers() -> None:
    from services.gateway.app import request_id_of, timeout_of

    assert request_id_of({"X-Request-Id": "erp-42.7"}) == "erp-42.7"
    made = request_id_of({"X-Request-Id": "spaces and\nnewlines"})
    assert len(made) == 32 and made.isalnum()
    assert len(request_id_of({})) == 32
    assert timeout_of({"Connect-Timeout-Ms": "1500"}, 120) == 1.5
    assert timeout_of({"Connect-Timeout-Ms": "999999999"}, 120) == 120
    assert timeout_of({"Connect-Timeout-Ms": "-5"}, 120) == 120
    assert timeout_of({"Connect-Timeout-Ms": "0"}, 120) == 120
    assert timeout_of({}, 30) == 30
    # Digits of other scripts are not a number of milliseconds (int("²") raises).
    assert timeout_of({"Connect-Timeout-Ms": "²"}, 120) == 120
    assert request_id_of({"X-Request-Id": "erp-42\n"}) != "erp-42\n"
