import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Person(_message.Message):
    __slots__ = ("name", "display_name", "email", "aliases", "skills", "weekly_capacity_hours", "working_days", "time_off", "cost_rate", "create_time", "update_time", "etag", "project_creator")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    WEEKLY_CAPACITY_HOURS_FIELD_NUMBER: _ClassVar[int]
    WORKING_DAYS_FIELD_NUMBER: _ClassVar[int]
    TIME_OFF_FIELD_NUMBER: _ClassVar[int]
    COST_RATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    PROJECT_CREATOR_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    email: str
    aliases: _containers.RepeatedScalarFieldContainer[str]
    skills: _containers.RepeatedCompositeFieldContainer[Skill]
    weekly_capacity_hours: float
    working_days: _containers.RepeatedScalarFieldContainer[int]
    time_off: _containers.RepeatedCompositeFieldContainer[TimeOff]
    cost_rate: float
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    project_creator: bool
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., aliases: _Optional[_Iterable[str]] = ..., skills: _Optional[_Iterable[_Union[Skill, _Mapping]]] = ..., weekly_capacity_hours: _Optional[float] = ..., working_days: _Optional[_Iterable[int]] = ..., time_off: _Optional[_Iterable[_Union[TimeOff, _Mapping]]] = ..., cost_rate: _Optional[float] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., project_creator: _Optional[bool] = ...) -> None: ...

class Skill(_message.Message):
    __slots__ = ("skill", "level")
    SKILL_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    skill: str
    level: int
    def __init__(self, skill: _Optional[str] = ..., level: _Optional[int] = ...) -> None: ...

class TimeOff(_message.Message):
    __slots__ = ("start_date", "end_date", "reason")
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    start_date: str
    end_date: str
    reason: str
    def __init__(self, start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...
