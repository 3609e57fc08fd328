import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StateCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATE_CATEGORY_UNSPECIFIED: _ClassVar[StateCategory]
    STATE_CATEGORY_PLANNED: _ClassVar[StateCategory]
    STATE_CATEGORY_ACTIVE: _ClassVar[StateCategory]
    STATE_CATEGORY_BLOCKED: _ClassVar[StateCategory]
    STATE_CATEGORY_DONE: _ClassVar[StateCategory]
    STATE_CATEGORY_CANCELLED: _ClassVar[StateCategory]

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_MANAGER: _ClassVar[Role]
    ROLE_EXECUTOR: _ClassVar[Role]
    ROLE_REVIEWER: _ClassVar[Role]
    ROLE_VIEWER: _ClassVar[Role]
STATE_CATEGORY_UNSPECIFIED: StateCategory
STATE_CATEGORY_PLANNED: StateCategory
STATE_CATEGORY_ACTIVE: StateCategory
STATE_CATEGORY_BLOCKED: StateCategory
STATE_CATEGORY_DONE: StateCategory
STATE_CATEGORY_CANCELLED: StateCategory
ROLE_UNSPECIFIED: Role
ROLE_MANAGER: Role
ROLE_EXECUTOR: Role
ROLE_REVIEWER: Role
ROLE_VIEWER: Role

class Project(_message.Message):
    __slots__ = ("name", "display_name", "description", "time_zone", "calendar", "start_date", "deadline", "workflow", "create_time", "update_time", "etag", "staff_pools")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    STAFF_POOLS_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    description: str
    time_zone: str
    calendar: Calendar
    start_date: str
    deadline: str
    workflow: Workflow
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    staff_pools: _containers.RepeatedCompositeFieldContainer[StaffPool]
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., time_zone: _Optional[str] = ..., calendar: _Optional[_Union[Calendar, _Mapping]] = ..., start_date: _Optional[str] = ..., deadline: _Optional[str] = ..., workflow: _Optional[_Union[Workflow, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., staff_pools: _Optional[_Iterable[_Union[StaffPool, _Mapping]]] = ...) -> None: ...

class StaffPool(_message.Message):
    __slots__ = ("id", "display_name", "members", "working_days", "days_off")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    WORKING_DAYS_FIELD_NUMBER: _ClassVar[int]
    DAYS_OFF_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    members: _containers.RepeatedScalarFieldContainer[str]
    working_days: _containers.RepeatedScalarFieldContainer[int]
    days_off: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., members: _Optional[_Iterable[str]] = ..., working_days: _Optional[_Iterable[int]] = ..., days_off: _Optional[_Iterable[str]] = ...) -> None: ...

class Calendar(_message.Message):
    __slots__ = ("working_days", "hours_per_day", "holiday_country", "holiday_subdivision", "days_off", "extra_working_days")
    WORKING_DAYS_FIELD_NUMBER: _ClassVar[int]
    HOURS_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    HOLIDAY_COUNTRY_FIELD_NUMBER: _ClassVar[int]
    HOLIDAY_SUBDIVISION_FIELD_NUMBER: _ClassVar[int]
    DAYS_OFF_FIELD_NUMBER: _ClassVar[int]
    EXTRA_WORKING_DAYS_FIELD_NUMBER: _ClassVar[int]
    working_days: _containers.RepeatedScalarFieldContainer[int]
    hours_per_day: float
    holiday_country: str
    holiday_subdivision: str
    days_off: _containers.RepeatedScalarFieldContainer[str]
    extra_working_days: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, working_days: _Optional[_Iterable[int]] = ..., hours_per_day: _Optional[float] = ..., holiday_country: _Optional[str] = ..., holiday_subdivision: _Optional[str] = ..., days_off: _Optional[_Iterable[str]] = ..., extra_working_days: _Optional[_Iterable[str]] = ...) -> None: ...

class Workflow(_message.Message):
    __slots__ = ("states", "transitions", "initial_state")
    STATES_FIELD_NUMBER: _ClassVar[int]
    TRANSITIONS_FIELD_NUMBER: _ClassVar[int]
    INITIAL_STATE_FIELD_NUMBER: _ClassVar[int]
    states: _containers.RepeatedCompositeFieldContainer[WorkflowState]
    transitions: _containers.RepeatedCompositeFieldContainer[WorkflowTransition]
    initial_state: str
    def __init__(self, states: _Optional[_Iterable[_Union[WorkflowState, _Mapping]]] = ..., transitions: _Optional[_Iterable[_Union[WorkflowTransition, _Mapping]]] = ..., initial_state: _Optional[str] = ...) -> None: ...

class WorkflowState(_message.Message):
    __slots__ = ("id", "display_name", "category")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    category: StateCategory
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., category: _Optional[_Union[StateCategory, str]] = ...) -> None: ...

class WorkflowTransition(_message.Message):
    __slots__ = ("from_state", "to_state", "roles")
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    TO_STATE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    from_state: str
    to_state: str
    roles: _containers.RepeatedScalarFieldContainer[Role]
    def __init__(self, from_state: _Optional[str] = ..., to_state: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[Role, str]]] = ...) -> None: ...

class Membership(_message.Message):
    __slots__ = ("name", "member", "roles", "create_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    member: str
    roles: _containers.RepeatedScalarFieldContainer[Role]
    create_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., member: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[Role, str]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class Iteration(_message.Message):
    __slots__ = ("name", "display_name", "goal", "start_date", "end_date", "create_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    GOAL_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    goal: str
    start_date: str
    end_date: str
    create_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., goal: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...
