from __future__ import annotations

import grpc
from google.rpc import code_pb2, error_details_pb2

from services.common.errors import FieldViolation, InvalidArgument, NotFound


def test_invalid_argument_names_every_field_in_message_and_details() -> None:
    error = InvalidArgument.of(
        [FieldViolation("task.title", "is required"), FieldViolation("task.due_date", "bad")]
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "task.title" in error.message and "task.due_date" in error.message
    status = error.to_status()
    assert status.code == code_pb2.INVALID_ARGUMENT
    info, bad = error_details_pb2.ErrorInfo(), error_details_pb2.BadRequest()
    assert status.details[0].Unpack(info) and info.reason == "INVALID_FIELDS"
    assert status.details[1].Unpack(bad)
    assert [v.field for v in bad.field_violations] == ["task.title", "task.due_date"]


def test_other_errors_carry_their_code_and_reason() -> None:
    status = NotFound("projects/x does not exist", reason="PROJECT_NOT_FOUND").to_status()
    assert status.code == code_pb2.NOT_FOUND
    info = error_details_pb2.ErrorInfo()
    status.details[0].Unpack(info)
    assert info.reason == "PROJECT_NOT_FOUND" and info.domain == "planops.dev"
