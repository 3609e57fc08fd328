import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Report(_message.Message):
    __slots__ = ("project", "iteration", "start_date", "end_date", "as_of_date", "time_zone", "task_count", "burndown", "throughput", "state_times", "cycle_time", "overdue", "late_done_tasks", "hours_and_cost", "create_time")
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    ITERATION_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    AS_OF_DATE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    TASK_COUNT_FIELD_NUMBER: _ClassVar[int]
    BURNDOWN_FIELD_NUMBER: _ClassVar[int]
    THROUGHPUT_FIELD_NUMBER: _ClassVar[int]
    STATE_TIMES_FIELD_NUMBER: _ClassVar[int]
    CYCLE_TIME_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    LATE_DONE_TASKS_FIELD_NUMBER: _ClassVar[int]
    HOURS_AND_COST_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    project: str
    iteration: str
    start_date: str
    end_date: str
    as_of_date: str
    time_zone: str
    task_count: int
    burndown: _containers.RepeatedCompositeFieldContainer[BurndownPoint]
    throughput: _containers.RepeatedCompositeFieldContainer[ThroughputWeek]
    state_times: _containers.RepeatedCompositeFieldContainer[StateTime]
    cycle_time: CycleTime
    overdue: _containers.RepeatedCompositeFieldContainer[OverdueTask]
    late_done_tasks: int
    hours_and_cost: HoursAndCost
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, project: _Optional[str] = ..., iteration: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., as_of_date: _Optional[str] = ..., time_zone: _Optional[str] = ..., task_count: _Optional[int] = ..., burndown: _Optional[_Iterable[_Union[BurndownPoint, _Mapping]]] = ..., throughput: _Optional[_Iterable[_Union[ThroughputWeek, _Mapping]]] = ..., state_times: _Optional[_Iterable[_Union[StateTime, _Mapping]]] = ..., cycle_time: _Optional[_Union[CycleTime, _Mapping]] = ..., overdue: _Optional[_Iterable[_Union[OverdueTask, _Mapping]]] = ..., late_done_tasks: _Optional[int] = ..., hours_and_cost: _Optional[_Union[HoursAndCost, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BurndownPoint(_message.Message):
    __slots__ = ("date", "remaining_hours", "remaining_tasks", "scope_hours", "ideal_hours")
    DATE_FIELD_NUMBER: _ClassVar[int]
    REMAINING_HOURS_FIELD_NUMBER: _ClassVar[int]
    REMAINING_TASKS_FIELD_NUMBER: _ClassVar[int]
    SCOPE_HOURS_FIELD_NUMBER: _ClassVar[int]
    IDEAL_HOURS_FIELD_NUMBER: _ClassVar[int]
    date: str
    remaining_hours: float
    remaining_tasks: int
    scope_hours: float
    ideal_hours: float
    def __init__(self, date: _Optional[str] = ..., remaining_hours: _Optional[float] = ..., remaining_tasks: _Optional[int] = ..., scope_hours: _Optional[float] = ..., ideal_hours: _Optional[float] = ...) -> None: ...

class ThroughputWeek(_message.Message):
    __slots__ = ("week_start", "tasks_done", "hours_done")
    WEEK_START_FIELD_NUMBER: _ClassVar[int]
    TASKS_DONE_FIELD_NUMBER: _ClassVar[int]
    HOURS_DONE_FIELD_NUMBER: _ClassVar[int]
    week_start: str
    tasks_done: int
    hours_done: float
    def __init__(self, week_start: _Optional[str] = ..., tasks_done: _Optional[int] = ..., hours_done: _Optional[float] = ...) -> None: ...

class StateTime(_message.Message):
    __slots__ = ("state", "display_name", "category", "visits", "mean_hours", "median_hours", "p85_hours", "current_tasks", "current_mean_age_hours")
    STATE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    VISITS_FIELD_NUMBER: _ClassVar[int]
    MEAN_HOURS_FIELD_NUMBER: _ClassVar[int]
    MEDIAN_HOURS_FIELD_NUMBER: _ClassVar[int]
    P85_HOURS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_TASKS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_MEAN_AGE_HOURS_FIELD_NUMBER: _ClassVar[int]
    state: str
    display_name: str
    category: str
    visits: int
    mean_hours: float
    median_hours: float
    p85_hours: float
    current_tasks: int
    current_mean_age_hours: float
    def __init__(self, state: _Optional[str] = ..., display_name: _Optional[str] = ..., category: _Optional[str] = ..., visits: _Optional[int] = ..., mean_hours: _Optional[float] = ..., median_hours: _Optional[float] = ..., p85_hours: _Optional[float] = ..., current_tasks: _Optional[int] = ..., current_mean_age_hours: _Optional[float] = ...) -> None: ...

class CycleTime(_message.Message):
    __slots__ = ("done_tasks", "median_days", "mean_days", "p85_days", "median_lead_days")
    DONE_TASKS_FIELD_NUMBER: _ClassVar[int]
    MEDIAN_DAYS_FIELD_NUMBER: _ClassVar[int]
    MEAN_DAYS_FIELD_NUMBER: _ClassVar[int]
    P85_DAYS_FIELD_NUMBER: _ClassVar[int]
    MEDIAN_LEAD_DAYS_FIELD_NUMBER: _ClassVar[int]
    done_tasks: int
    median_days: float
    mean_days: float
    p85_days: float
    median_lead_days: float
    def __init__(self, done_tasks: _Optional[int] = ..., median_days: _Optional[float] = ..., mean_days: _Optional[float] = ..., p85_days: _Optional[float] = ..., median_lead_days: _Optional[float] = ...) -> None: ...

class OverdueTask(_message.Message):
    __slots__ = ("task", "title", "assignee", "state", "due_date", "days_overdue", "estimate_hours")
    TASK_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    DAYS_OVERDUE_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_HOURS_FIELD_NUMBER: _ClassVar[int]
    task: str
    title: str
    assignee: str
    state: str
    due_date: str
    days_overdue: int
    estimate_hours: float
    def __init__(self, task: _Optional[str] = ..., title: _Optional[str] = ..., assignee: _Optional[str] = ..., state: _Optional[str] = ..., due_date: _Optional[str] = ..., days_overdue: _Optional[int] = ..., estimate_hours: _Optional[float] = ...) -> None: ...

class HoursAndCost(_message.Message):
    __slots__ = ("planned_hours", "actual_hours", "planned_cost", "actual_cost", "unpriced_planned_hours", "unpriced_actual_hours", "done_planned_hours", "done_actual_hours", "people")
    PLANNED_HOURS_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_HOURS_FIELD_NUMBER: _ClassVar[int]
    PLANNED_COST_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_COST_FIELD_NUMBER: _ClassVar[int]
    UNPRICED_PLANNED_HOURS_FIELD_NUMBER: _ClassVar[int]
    UNPRICED_ACTUAL_HOURS_FIELD_NUMBER: _ClassVar[int]
    DONE_PLANNED_HOURS_FIELD_NUMBER: _ClassVar[int]
    DONE_ACTUAL_HOURS_FIELD_NUMBER: _ClassVar[int]
    PEOPLE_FIELD_NUMBER: _ClassVar[int]
    planned_hours: float
    actual_hours: float
    planned_cost: float
    actual_cost: float
    unpriced_planned_hours: float
    unpriced_actual_hours: float
    done_planned_hours: float
    done_actual_hours: float
    people: _containers.RepeatedCompositeFieldContainer[PersonHours]
    def __init__(self, planned_hours: _Optional[float] = ..., actual_hours: _Optional[float] = ..., planned_cost: _Optional[float] = ..., actual_cost: _Optional[float] = ..., unpriced_planned_hours: _Optional[float] = ..., unpriced_actual_hours: _Optional[float] = ..., done_planned_hours: _Optional[float] = ..., done_actual_hours: _Optional[float] = ..., people: _Optional[_Iterable[_Union[PersonHours, _Mapping]]] = ...) -> None: ...

class PersonHours(_message.Message):
    __slots__ = ("person", "display_name", "cost_rate", "planned_hours", "actual_hours", "planned_cost", "actual_cost")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    COST_RATE_FIELD_NUMBER: _ClassVar[int]
    PLANNED_HOURS_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_HOURS_FIELD_NUMBER: _ClassVar[int]
    PLANNED_COST_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_COST_FIELD_NUMBER: _ClassVar[int]
    person: str
    display_name: str
    cost_rate: float
    planned_hours: float
    actual_hours: float
    planned_cost: float
    actual_cost: float
    def __init__(self, person: _Optional[str] = ..., display_name: _Optional[str] = ..., cost_rate: _Optional[float] = ..., planned_hours: _Optional[float] = ..., actual_hours: _Optional[float] = ..., planned_cost: _Optional[float] = ..., actual_cost: _Optional[float] = ...) -> None: ...
