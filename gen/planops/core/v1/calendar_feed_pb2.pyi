import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CalendarEventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CALENDAR_EVENT_KIND_UNSPECIFIED: _ClassVar[CalendarEventKind]
    CALENDAR_EVENT_KIND_PLANNED_WORK: _ClassVar[CalendarEventKind]
    CALENDAR_EVENT_KIND_DUE_DATE: _ClassVar[CalendarEventKind]
    CALENDAR_EVENT_KIND_DAY_OFF: _ClassVar[CalendarEventKind]
    CALENDAR_EVENT_KIND_PROJECT_DEADLINE: _ClassVar[CalendarEventKind]
    CALENDAR_EVENT_KIND_MILESTONE: _ClassVar[CalendarEventKind]
CALENDAR_EVENT_KIND_UNSPECIFIED: CalendarEventKind
CALENDAR_EVENT_KIND_PLANNED_WORK: CalendarEventKind
CALENDAR_EVENT_KIND_DUE_DATE: CalendarEventKind
CALENDAR_EVENT_KIND_DAY_OFF: CalendarEventKind
CALENDAR_EVENT_KIND_PROJECT_DEADLINE: CalendarEventKind
CALENDAR_EVENT_KIND_MILESTONE: CalendarEventKind

class CalendarFeed(_message.Message):
    __slots__ = ("name", "display_name", "owner", "subject", "create_time", "revoke_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REVOKE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    owner: str
    subject: str
    create_time: _timestamp_pb2.Timestamp
    revoke_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., owner: _Optional[str] = ..., subject: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoke_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CalendarEvent(_message.Message):
    __slots__ = ("uid", "kind", "summary", "description", "start_date", "end_date", "sequence", "update_time", "resource")
    UID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    uid: str
    kind: CalendarEventKind
    summary: str
    description: str
    start_date: str
    end_date: str
    sequence: int
    update_time: _timestamp_pb2.Timestamp
    resource: str
    def __init__(self, uid: _Optional[str] = ..., kind: _Optional[_Union[CalendarEventKind, str]] = ..., summary: _Optional[str] = ..., description: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., sequence: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resource: _Optional[str] = ...) -> None: ...
