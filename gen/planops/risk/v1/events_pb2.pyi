from planops.risk.v1 import risk_pb2 as _risk_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TaskRiskChanged(_message.Message):
    __slots__ = ("id", "cause_event_id", "risk", "previous_probability_late")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAUSE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    RISK_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_PROBABILITY_LATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    cause_event_id: str
    risk: _risk_pb2.TaskRisk
    previous_probability_late: float
    def __init__(self, id: _Optional[str] = ..., cause_event_id: _Optional[str] = ..., risk: _Optional[_Union[_risk_pb2.TaskRisk, _Mapping]] = ..., previous_probability_late: _Optional[float] = ...) -> None: ...

class AlertRaised(_message.Message):
    __slots__ = ("id", "alert")
    ID_FIELD_NUMBER: _ClassVar[int]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    id: str
    alert: _risk_pb2.Alert
    def __init__(self, id: _Optional[str] = ..., alert: _Optional[_Union[_risk_pb2.Alert, _Mapping]] = ...) -> None: ...
