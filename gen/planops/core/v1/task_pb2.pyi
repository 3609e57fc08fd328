import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from planops.core.v1 import actor_pb2 as _actor_pb2
from planops.core.v1 import person_pb2 as _person_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIORITY_UNSPECIFIED: _ClassVar[Priority]
    PRIORITY_LOW: _ClassVar[Priority]
    PRIORITY_MEDIUM: _ClassVar[Priority]
    PRIORITY_HIGH: _ClassVar[Priority]
    PRIORITY_URGENT: _ClassVar[Priority]

class TaskSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_SOURCE_UNSPECIFIED: _ClassVar[TaskSource]
    TASK_SOURCE_MANUAL: _ClassVar[TaskSource]
    TASK_SOURCE_NOTES: _ClassVar[TaskSource]
    TASK_SOURCE_IMPORT: _ClassVar[TaskSource]
    TASK_SOURCE_PLANNER: _ClassVar[TaskSource]
    TASK_SOURCE_TEMPLATE: _ClassVar[TaskSource]

class DependencyType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEPENDENCY_TYPE_UNSPECIFIED: _ClassVar[DependencyType]
    DEPENDENCY_TYPE_FINISH_TO_START: _ClassVar[DependencyType]
    DEPENDENCY_TYPE_START_TO_START: _ClassVar[DependencyType]
    DEPENDENCY_TYPE_FINISH_TO_FINISH: _ClassVar[DependencyType]
    DEPENDENCY_TYPE_START_TO_FINISH: _ClassVar[DependencyType]
PRIORITY_UNSPECIFIED: Priority
PRIORITY_LOW: Priority
PRIORITY_MEDIUM: Priority
PRIORITY_HIGH: Priority
PRIORITY_URGENT: Priority
TASK_SOURCE_UNSPECIFIED: TaskSource
TASK_SOURCE_MANUAL: TaskSource
TASK_SOURCE_NOTES: TaskSource
TASK_SOURCE_IMPORT: TaskSource
TASK_SOURCE_PLANNER: TaskSource
TASK_SOURCE_TEMPLATE: TaskSource
DEPENDENCY_TYPE_UNSPECIFIED: DependencyType
DEPENDENCY_TYPE_FINISH_TO_START: DependencyType
DEPENDENCY_TYPE_START_TO_START: DependencyType
DEPENDENCY_TYPE_FINISH_TO_FINISH: DependencyType
DEPENDENCY_TYPE_START_TO_FINISH: DependencyType

class Task(_message.Message):
    __slots__ = ("name", "title", "description", "state", "priority", "assignee", "required_skills", "estimate_hours", "optimistic_hours", "pessimistic_hours", "planned_start", "planned_end", "due_date", "actual_start", "actual_end", "parent", "labels", "source", "source_ref", "iteration", "locked", "create_time", "update_time", "etag", "splittable", "staffing", "crew")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_SKILLS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_HOURS_FIELD_NUMBER: _ClassVar[int]
    OPTIMISTIC_HOURS_FIELD_NUMBER: _ClassVar[int]
    PESSIMISTIC_HOURS_FIELD_NUMBER: _ClassVar[int]
    PLANNED_START_FIELD_NUMBER: _ClassVar[int]
    PLANNED_END_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_START_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_END_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_REF_FIELD_NUMBER: _ClassVar[int]
    ITERATION_FIELD_NUMBER: _ClassVar[int]
    LOCKED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    SPLITTABLE_FIELD_NUMBER: _ClassVar[int]
    STAFFING_FIELD_NUMBER: _ClassVar[int]
    CREW_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    description: str
    state: str
    priority: Priority
    assignee: str
    required_skills: _containers.RepeatedCompositeFieldContainer[_person_pb2.Skill]
    estimate_hours: float
    optimistic_hours: float
    pessimistic_hours: float
    planned_start: str
    planned_end: str
    due_date: str
    actual_start: _timestamp_pb2.Timestamp
    actual_end: _timestamp_pb2.Timestamp
    parent: str
    labels: _containers.RepeatedScalarFieldContainer[str]
    source: TaskSource
    source_ref: str
    iteration: str
    locked: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    splittable: bool
    staffing: Staffing
    crew: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., state: _Optional[str] = ..., priority: _Optional[_Union[Priority, str]] = ..., assignee: _Optional[str] = ..., required_skills: _Optional[_Iterable[_Union[_person_pb2.Skill, _Mapping]]] = ..., estimate_hours: _Optional[float] = ..., optimistic_hours: _Optional[float] = ..., pessimistic_hours: _Optional[float] = ..., planned_start: _Optional[str] = ..., planned_end: _Optional[str] = ..., due_date: _Optional[str] = ..., actual_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actual_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., parent: _Optional[str] = ..., labels: _Optional[_Iterable[str]] = ..., source: _Optional[_Union[TaskSource, str]] = ..., source_ref: _Optional[str] = ..., iteration: _Optional[str] = ..., locked: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., splittable: _Optional[bool] = ..., staffing: _Optional[_Union[Staffing, _Mapping]] = ..., crew: _Optional[_Iterable[str]] = ...) -> None: ...

class Staffing(_message.Message):
    __slots__ = ("crew_size", "roles", "staff_pool")
    CREW_SIZE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    STAFF_POOL_FIELD_NUMBER: _ClassVar[int]
    crew_size: int
    roles: _containers.RepeatedCompositeFieldContainer[CrewRole]
    staff_pool: str
    def __init__(self, crew_size: _Optional[int] = ..., roles: _Optional[_Iterable[_Union[CrewRole, _Mapping]]] = ..., staff_pool: _Optional[str] = ...) -> None: ...

class CrewRole(_message.Message):
    __slots__ = ("count", "skills")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    count: int
    skills: _containers.RepeatedCompositeFieldContainer[_person_pb2.Skill]
    def __init__(self, count: _Optional[int] = ..., skills: _Optional[_Iterable[_Union[_person_pb2.Skill, _Mapping]]] = ...) -> None: ...

class Dependency(_message.Message):
    __slots__ = ("name", "predecessor", "successor", "type", "lag_days", "create_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PREDECESSOR_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    LAG_DAYS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    predecessor: str
    successor: str
    type: DependencyType
    lag_days: int
    create_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., predecessor: _Optional[str] = ..., successor: _Optional[str] = ..., type: _Optional[_Union[DependencyType, str]] = ..., lag_days: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class TaskTransition(_message.Message):
    __slots__ = ("name", "from_state", "to_state", "actor", "time", "comment")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    TO_STATE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    from_state: str
    to_state: str
    actor: _actor_pb2.Actor
    time: _timestamp_pb2.Timestamp
    comment: str
    def __init__(self, name: _Optional[str] = ..., from_state: _Optional[str] = ..., to_state: _Optional[str] = ..., actor: _Optional[_Union[_actor_pb2.Actor, _Mapping]] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., comment: _Optional[str] = ...) -> None: ...

class Comment(_message.Message):
    __slots__ = ("name", "author", "body", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    author: _actor_pb2.Actor
    body: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., author: _Optional[_Union[_actor_pb2.Actor, _Mapping]] = ..., body: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TimeEntry(_message.Message):
    __slots__ = ("name", "person", "work_date", "hours", "note", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    WORK_DATE_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    work_date: str
    hours: float
    note: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., work_date: _Optional[str] = ..., hours: _Optional[float] = ..., note: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
