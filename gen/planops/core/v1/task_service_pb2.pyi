import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from planops.core.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TaskOrder(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_ORDER_UNSPECIFIED: _ClassVar[TaskOrder]
    TASK_ORDER_DUE_DATE: _ClassVar[TaskOrder]
    TASK_ORDER_PRIORITY: _ClassVar[TaskOrder]
    TASK_ORDER_UPDATE_TIME: _ClassVar[TaskOrder]
TASK_ORDER_UNSPECIFIED: TaskOrder
TASK_ORDER_DUE_DATE: TaskOrder
TASK_ORDER_PRIORITY: TaskOrder
TASK_ORDER_UPDATE_TIME: TaskOrder

class CreateTaskRequest(_message.Message):
    __slots__ = ("parent", "task", "request_id", "past")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PAST_FIELD_NUMBER: _ClassVar[int]
    parent: str
    task: _task_pb2.Task
    request_id: str
    past: PastWork
    def __init__(self, parent: _Optional[str] = ..., task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ..., request_id: _Optional[str] = ..., past: _Optional[_Union[PastWork, _Mapping]] = ...) -> None: ...

class PastWork(_message.Message):
    __slots__ = ("open_time", "actual_start", "actual_end", "state")
    OPEN_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_START_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_END_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    open_time: _timestamp_pb2.Timestamp
    actual_start: _timestamp_pb2.Timestamp
    actual_end: _timestamp_pb2.Timestamp
    state: str
    def __init__(self, open_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actual_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actual_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[str] = ...) -> None: ...

class CreateTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class BatchCreateTasksRequest(_message.Message):
    __slots__ = ("parent", "requests", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    requests: _containers.RepeatedCompositeFieldContainer[CreateTaskRequest]
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., requests: _Optional[_Iterable[_Union[CreateTaskRequest, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class BatchCreateTasksResponse(_message.Message):
    __slots__ = ("tasks",)
    TASKS_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[_task_pb2.Task]
    def __init__(self, tasks: _Optional[_Iterable[_Union[_task_pb2.Task, _Mapping]]] = ...) -> None: ...

class GetTaskRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class ListTasksRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "states", "assignee", "label", "due_before", "due_after", "overdue", "iteration", "order_by")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    DUE_BEFORE_FIELD_NUMBER: _ClassVar[int]
    DUE_AFTER_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    ITERATION_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    states: _containers.RepeatedScalarFieldContainer[str]
    assignee: str
    label: str
    due_before: str
    due_after: str
    overdue: bool
    iteration: str
    order_by: TaskOrder
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., states: _Optional[_Iterable[str]] = ..., assignee: _Optional[str] = ..., label: _Optional[str] = ..., due_before: _Optional[str] = ..., due_after: _Optional[str] = ..., overdue: _Optional[bool] = ..., iteration: _Optional[str] = ..., order_by: _Optional[_Union[TaskOrder, str]] = ...) -> None: ...

class ListTasksResponse(_message.Message):
    __slots__ = ("tasks", "next_page_token")
    TASKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[_task_pb2.Task]
    next_page_token: str
    def __init__(self, tasks: _Optional[_Iterable[_Union[_task_pb2.Task, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateTaskRequest(_message.Message):
    __slots__ = ("task", "update_mask")
    TASK_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class DeleteTaskRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteTaskResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TransitionTaskRequest(_message.Message):
    __slots__ = ("name", "to_state", "etag", "comment")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TO_STATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    to_state: str
    etag: str
    comment: str
    def __init__(self, name: _Optional[str] = ..., to_state: _Optional[str] = ..., etag: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class TransitionTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class ListTaskTransitionsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTaskTransitionsResponse(_message.Message):
    __slots__ = ("transitions", "next_page_token")
    TRANSITIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    transitions: _containers.RepeatedCompositeFieldContainer[_task_pb2.TaskTransition]
    next_page_token: str
    def __init__(self, transitions: _Optional[_Iterable[_Union[_task_pb2.TaskTransition, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateDependencyRequest(_message.Message):
    __slots__ = ("parent", "dependency", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    DEPENDENCY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    dependency: _task_pb2.Dependency
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., dependency: _Optional[_Union[_task_pb2.Dependency, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateDependencyResponse(_message.Message):
    __slots__ = ("dependency",)
    DEPENDENCY_FIELD_NUMBER: _ClassVar[int]
    dependency: _task_pb2.Dependency
    def __init__(self, dependency: _Optional[_Union[_task_pb2.Dependency, _Mapping]] = ...) -> None: ...

class ListDependenciesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "task")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    task: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., task: _Optional[str] = ...) -> None: ...

class ListDependenciesResponse(_message.Message):
    __slots__ = ("dependencies", "next_page_token")
    DEPENDENCIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    dependencies: _containers.RepeatedCompositeFieldContainer[_task_pb2.Dependency]
    next_page_token: str
    def __init__(self, dependencies: _Optional[_Iterable[_Union[_task_pb2.Dependency, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteDependencyRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteDependencyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateCommentRequest(_message.Message):
    __slots__ = ("parent", "comment", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    comment: _task_pb2.Comment
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., comment: _Optional[_Union[_task_pb2.Comment, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateCommentResponse(_message.Message):
    __slots__ = ("comment",)
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    comment: _task_pb2.Comment
    def __init__(self, comment: _Optional[_Union[_task_pb2.Comment, _Mapping]] = ...) -> None: ...

class ListCommentsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCommentsResponse(_message.Message):
    __slots__ = ("comments", "next_page_token")
    COMMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    comments: _containers.RepeatedCompositeFieldContainer[_task_pb2.Comment]
    next_page_token: str
    def __init__(self, comments: _Optional[_Iterable[_Union[_task_pb2.Comment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateTimeEntryRequest(_message.Message):
    __slots__ = ("parent", "time_entry", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TIME_ENTRY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    time_entry: _task_pb2.TimeEntry
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., time_entry: _Optional[_Union[_task_pb2.TimeEntry, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateTimeEntryResponse(_message.Message):
    __slots__ = ("time_entry",)
    TIME_ENTRY_FIELD_NUMBER: _ClassVar[int]
    time_entry: _task_pb2.TimeEntry
    def __init__(self, time_entry: _Optional[_Union[_task_pb2.TimeEntry, _Mapping]] = ...) -> None: ...

class ListTimeEntriesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTimeEntriesResponse(_message.Message):
    __slots__ = ("time_entries", "next_page_token")
    TIME_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    time_entries: _containers.RepeatedCompositeFieldContainer[_task_pb2.TimeEntry]
    next_page_token: str
    def __init__(self, time_entries: _Optional[_Iterable[_Union[_task_pb2.TimeEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
