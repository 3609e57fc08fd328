"""Proto3 JSON parsing with the failing field named, and gRPC statuses as HTTP errors."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from planops.core.v1 import task_pb2, task_service_pb2

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
