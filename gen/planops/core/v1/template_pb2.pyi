import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from planops.core.v1 import person_pb2 as _person_pb2
from planops.core.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Template(_message.Message):
    __slots__ = ("name", "display_name", "description", "anchor", "tasks", "dependencies", "create_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ANCHOR_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    DEPENDENCIES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    description: str
    anchor: str
    tasks: _containers.RepeatedCompositeFieldContainer[TemplateTask]
    dependencies: _containers.RepeatedCompositeFieldContainer[TemplateDependency]
    create_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., anchor: _Optional[str] = ..., tasks: _Optional[_Iterable[_Union[TemplateTask, _Mapping]]] = ..., dependencies: _Optional[_Iterable[_Union[TemplateDependency, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class TemplateTask(_message.Message):
    __slots__ = ("key", "title", "description", "start_offset_days", "duration_days", "estimate_hours", "required_skills", "labels", "priority")
    KEY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    START_OFFSET_DAYS_FIELD_NUMBER: _ClassVar[int]
    DURATION_DAYS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_HOURS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_SKILLS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    key: str
    title: str
    description: str
    start_offset_days: int
    duration_days: int
    estimate_hours: float
    required_skills: _containers.RepeatedCompositeFieldContainer[_person_pb2.Skill]
    labels: _containers.RepeatedScalarFieldContainer[str]
    priority: _task_pb2.Priority
    def __init__(self, key: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., start_offset_days: _Optional[int] = ..., duration_days: _Optional[int] = ..., estimate_hours: _Optional[float] = ..., required_skills: _Optional[_Iterable[_Union[_person_pb2.Skill, _Mapping]]] = ..., labels: _Optional[_Iterable[str]] = ..., priority: _Optional[_Union[_task_pb2.Priority, str]] = ...) -> None: ...

class TemplateDependency(_message.Message):
    __slots__ = ("predecessor_key", "successor_key", "type", "lag_days")
    PREDECESSOR_KEY_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_KEY_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    LAG_DAYS_FIELD_NUMBER: _ClassVar[int]
    predecessor_key: str
    successor_key: str
    type: _task_pb2.DependencyType
    lag_days: int
    def __init__(self, predecessor_key: _Optional[str] = ..., successor_key: _Optional[str] = ..., type: _Optional[_Union[_task_pb2.DependencyType, str]] = ..., lag_days: _Optional[int] = ...) -> None: ...
