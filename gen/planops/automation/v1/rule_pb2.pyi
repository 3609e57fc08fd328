import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from planops.core.v1 import project_pb2 as _project_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Trigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRIGGER_UNSPECIFIED: _ClassVar[Trigger]
    TRIGGER_TASK_CREATED: _ClassVar[Trigger]
    TRIGGER_TASK_STATE_CHANGED: _ClassVar[Trigger]
    TRIGGER_TASK_ASSIGNEE_CHANGED: _ClassVar[Trigger]
    TRIGGER_TASK_DUE_SOON: _ClassVar[Trigger]
    TRIGGER_TASK_OVERDUE: _ClassVar[Trigger]
    TRIGGER_RISK_ALERT_RAISED: _ClassVar[Trigger]

class Operator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OPERATOR_UNSPECIFIED: _ClassVar[Operator]
    OPERATOR_EQUALS: _ClassVar[Operator]
    OPERATOR_NOT_EQUALS: _ClassVar[Operator]
    OPERATOR_IN: _ClassVar[Operator]
    OPERATOR_NOT_IN: _ClassVar[Operator]
    OPERATOR_CONTAINS: _ClassVar[Operator]
    OPERATOR_GREATER_THAN: _ClassVar[Operator]
    OPERATOR_LESS_THAN: _ClassVar[Operator]
    OPERATOR_IS_EMPTY: _ClassVar[Operator]
    OPERATOR_IS_NOT_EMPTY: _ClassVar[Operator]

class RunState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RUN_STATE_UNSPECIFIED: _ClassVar[RunState]
    RUN_STATE_PENDING: _ClassVar[RunState]
    RUN_STATE_SUCCEEDED: _ClassVar[RunState]
    RUN_STATE_SKIPPED: _ClassVar[RunState]
    RUN_STATE_FAILED: _ClassVar[RunState]
TRIGGER_UNSPECIFIED: Trigger
TRIGGER_TASK_CREATED: Trigger
TRIGGER_TASK_STATE_CHANGED: Trigger
TRIGGER_TASK_ASSIGNEE_CHANGED: Trigger
TRIGGER_TASK_DUE_SOON: Trigger
TRIGGER_TASK_OVERDUE: Trigger
TRIGGER_RISK_ALERT_RAISED: Trigger
OPERATOR_UNSPECIFIED: Operator
OPERATOR_EQUALS: Operator
OPERATOR_NOT_EQUALS: Operator
OPERATOR_IN: Operator
OPERATOR_NOT_IN: Operator
OPERATOR_CONTAINS: Operator
OPERATOR_GREATER_THAN: Operator
OPERATOR_LESS_THAN: Operator
OPERATOR_IS_EMPTY: Operator
OPERATOR_IS_NOT_EMPTY: Operator
RUN_STATE_UNSPECIFIED: RunState
RUN_STATE_PENDING: RunState
RUN_STATE_SUCCEEDED: RunState
RUN_STATE_SKIPPED: RunState
RUN_STATE_FAILED: RunState

class Rule(_message.Message):
    __slots__ = ("name", "display_name", "description", "enabled", "trigger", "conditions", "actions", "revision", "default_rule", "create_time", "update_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_RULE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    description: str
    enabled: bool
    trigger: Trigger
    conditions: _containers.RepeatedCompositeFieldContainer[Condition]
    actions: _containers.RepeatedCompositeFieldContainer[Action]
    revision: int
    default_rule: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., enabled: _Optional[bool] = ..., trigger: _Optional[_Union[Trigger, str]] = ..., conditions: _Optional[_Iterable[_Union[Condition, _Mapping]]] = ..., actions: _Optional[_Iterable[_Union[Action, _Mapping]]] = ..., revision: _Optional[int] = ..., default_rule: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class Condition(_message.Message):
    __slots__ = ("field", "operator", "values")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    field: str
    operator: Operator
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, field: _Optional[str] = ..., operator: _Optional[_Union[Operator, str]] = ..., values: _Optional[_Iterable[str]] = ...) -> None: ...

class Action(_message.Message):
    __slots__ = ("move_to_state", "assign", "set_field", "add_comment", "send_webhook", "request_replan", "notify_managers")
    MOVE_TO_STATE_FIELD_NUMBER: _ClassVar[int]
    ASSIGN_FIELD_NUMBER: _ClassVar[int]
    SET_FIELD_FIELD_NUMBER: _ClassVar[int]
    ADD_COMMENT_FIELD_NUMBER: _ClassVar[int]
    SEND_WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_REPLAN_FIELD_NUMBER: _ClassVar[int]
    NOTIFY_MANAGERS_FIELD_NUMBER: _ClassVar[int]
    move_to_state: MoveToState
    assign: Assign
    set_field: SetField
    add_comment: AddComment
    send_webhook: SendWebhook
    request_replan: RequestReplan
    notify_managers: NotifyManagers
    def __init__(self, move_to_state: _Optional[_Union[MoveToState, _Mapping]] = ..., assign: _Optional[_Union[Assign, _Mapping]] = ..., set_field: _Optional[_Union[SetField, _Mapping]] = ..., add_comment: _Optional[_Union[AddComment, _Mapping]] = ..., send_webhook: _Optional[_Union[SendWebhook, _Mapping]] = ..., request_replan: _Optional[_Union[RequestReplan, _Mapping]] = ..., notify_managers: _Optional[_Union[NotifyManagers, _Mapping]] = ...) -> None: ...

class MoveToState(_message.Message):
    __slots__ = ("state", "comment")
    STATE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    state: str
    comment: str
    def __init__(self, state: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class Assign(_message.Message):
    __slots__ = ("person", "role")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    person: str
    role: _project_pb2.Role
    def __init__(self, person: _Optional[str] = ..., role: _Optional[_Union[_project_pb2.Role, str]] = ...) -> None: ...

class SetField(_message.Message):
    __slots__ = ("field", "value")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    field: str
    value: str
    def __init__(self, field: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class AddComment(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: str
    def __init__(self, body: _Optional[str] = ...) -> None: ...

class SendWebhook(_message.Message):
    __slots__ = ("webhook",)
    WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    webhook: str
    def __init__(self, webhook: _Optional[str] = ...) -> None: ...

class RequestReplan(_message.Message):
    __slots__ = ("time_limit_seconds",)
    TIME_LIMIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    time_limit_seconds: float
    def __init__(self, time_limit_seconds: _Optional[float] = ...) -> None: ...

class NotifyManagers(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: str
    def __init__(self, message: _Optional[str] = ...) -> None: ...

class RuleRun(_message.Message):
    __slots__ = ("name", "event_id", "event_type", "task", "revision", "state", "results", "error", "create_time", "finish_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    event_id: str
    event_type: str
    task: str
    revision: int
    state: RunState
    results: _containers.RepeatedScalarFieldContainer[str]
    error: str
    create_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., event_id: _Optional[str] = ..., event_type: _Optional[str] = ..., task: _Optional[str] = ..., revision: _Optional[int] = ..., state: _Optional[_Union[RunState, str]] = ..., results: _Optional[_Iterable[str]] = ..., error: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
