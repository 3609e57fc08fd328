import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from planops.core.v1 import actor_pb2 as _actor_pb2
from planops.core.v1 import person_pb2 as _person_pb2
from planops.core.v1 import project_pb2 as _project_pb2
from planops.core.v1 import task_pb2 as _task_pb2
from planops.core.v1 import template_pb2 as _template_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ChangeEvent(_message.Message):
    __slots__ = ("id", "type", "aggregate", "aggregate_version", "time", "actor", "request_id", "project", "changed_fields", "project_resource", "person", "task", "dependency", "membership", "iteration", "comment", "time_entry", "template", "transition")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    PROJECT_RESOURCE_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    DEPENDENCY_FIELD_NUMBER: _ClassVar[int]
    MEMBERSHIP_FIELD_NUMBER: _ClassVar[int]
    ITERATION_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    TIME_ENTRY_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    TRANSITION_FIELD_NUMBER: _ClassVar[int]
    id: str
    type: str
    aggregate: str
    aggregate_version: int
    time: _timestamp_pb2.Timestamp
    actor: _actor_pb2.Actor
    request_id: str
    project: str
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    project_resource: _project_pb2.Project
    person: _person_pb2.Person
    task: _task_pb2.Task
    dependency: _task_pb2.Dependency
    membership: _project_pb2.Membership
    iteration: _project_pb2.Iteration
    comment: _task_pb2.Comment
    time_entry: _task_pb2.TimeEntry
    template: _template_pb2.Template
    transition: _task_pb2.TaskTransition
    def __init__(self, id: _Optional[str] = ..., type: _Optional[str] = ..., aggregate: _Optional[str] = ..., aggregate_version: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor: _Optional[_Union[_actor_pb2.Actor, _Mapping]] = ..., request_id: _Optional[str] = ..., project: _Optional[str] = ..., changed_fields: _Optional[_Iterable[str]] = ..., project_resource: _Optional[_Union[_project_pb2.Project, _Mapping]] = ..., person: _Optional[_Union[_person_pb2.Person, _Mapping]] = ..., task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ..., dependency: _Optional[_Union[_task_pb2.Dependency, _Mapping]] = ..., membership: _Optional[_Union[_project_pb2.Membership, _Mapping]] = ..., iteration: _Optional[_Union[_project_pb2.Iteration, _Mapping]] = ..., comment: _Optional[_Union[_task_pb2.Comment, _Mapping]] = ..., time_entry: _Optional[_Union[_task_pb2.TimeEntry, _Mapping]] = ..., template: _Optional[_Union[_template_pb2.Template, _Mapping]] = ..., transition: _Optional[_Union[_task_pb2.TaskTransition, _Mapping]] = ...) -> None: ...
