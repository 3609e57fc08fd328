import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RemedyKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REMEDY_KIND_UNSPECIFIED: _ClassVar[RemedyKind]
    REMEDY_KIND_MOVE_DEADLINE: _ClassVar[RemedyKind]
    REMEDY_KIND_ADD_PERSON: _ClassVar[RemedyKind]

class ProposalState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROPOSAL_STATE_UNSPECIFIED: _ClassVar[ProposalState]
    PROPOSAL_STATE_OPEN: _ClassVar[ProposalState]
    PROPOSAL_STATE_PARTIALLY_ACCEPTED: _ClassVar[ProposalState]
    PROPOSAL_STATE_ACCEPTED: _ClassVar[ProposalState]
    PROPOSAL_STATE_REJECTED: _ClassVar[ProposalState]
    PROPOSAL_STATE_WHAT_IF: _ClassVar[ProposalState]
    PROPOSAL_STATE_INFEASIBLE: _ClassVar[ProposalState]

class DurationSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DURATION_SOURCE_UNSPECIFIED: _ClassVar[DurationSource]
    DURATION_SOURCE_ESTIMATE: _ClassVar[DurationSource]
    DURATION_SOURCE_RISK_P50: _ClassVar[DurationSource]
    DURATION_SOURCE_RISK_P80: _ClassVar[DurationSource]

class Objective(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OBJECTIVE_UNSPECIFIED: _ClassVar[Objective]
    OBJECTIVE_DEADLINE: _ClassVar[Objective]
    OBJECTIVE_LATENESS: _ClassVar[Objective]
    OBJECTIVE_MAKESPAN: _ClassVar[Objective]
    OBJECTIVE_CHANGES: _ClassVar[Objective]
    OBJECTIVE_BALANCE: _ClassVar[Objective]

class ItemState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ITEM_STATE_UNSPECIFIED: _ClassVar[ItemState]
    ITEM_STATE_PENDING: _ClassVar[ItemState]
    ITEM_STATE_ACCEPTED: _ClassVar[ItemState]
    ITEM_STATE_STALE: _ClassVar[ItemState]
    ITEM_STATE_REJECTED: _ClassVar[ItemState]
    ITEM_STATE_UNCHANGED: _ClassVar[ItemState]

class ReasonKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REASON_KIND_UNSPECIFIED: _ClassVar[ReasonKind]
    REASON_KIND_PREDECESSOR: _ClassVar[ReasonKind]
    REASON_KIND_PERSON_BUSY: _ClassVar[ReasonKind]
    REASON_KIND_CALENDAR: _ClassVar[ReasonKind]
    REASON_KIND_SKILL_SCARCITY: _ClassVar[ReasonKind]
    REASON_KIND_PROJECT_START: _ClassVar[ReasonKind]
    REASON_KIND_PINNED: _ClassVar[ReasonKind]
    REASON_KIND_STABILITY: _ClassVar[ReasonKind]
    REASON_KIND_RESOURCE: _ClassVar[ReasonKind]
    REASON_KIND_OBJECTIVE: _ClassVar[ReasonKind]
REMEDY_KIND_UNSPECIFIED: RemedyKind
REMEDY_KIND_MOVE_DEADLINE: RemedyKind
REMEDY_KIND_ADD_PERSON: RemedyKind
PROPOSAL_STATE_UNSPECIFIED: ProposalState
PROPOSAL_STATE_OPEN: ProposalState
PROPOSAL_STATE_PARTIALLY_ACCEPTED: ProposalState
PROPOSAL_STATE_ACCEPTED: ProposalState
PROPOSAL_STATE_REJECTED: ProposalState
PROPOSAL_STATE_WHAT_IF: ProposalState
PROPOSAL_STATE_INFEASIBLE: ProposalState
DURATION_SOURCE_UNSPECIFIED: DurationSource
DURATION_SOURCE_ESTIMATE: DurationSource
DURATION_SOURCE_RISK_P50: DurationSource
DURATION_SOURCE_RISK_P80: DurationSource
OBJECTIVE_UNSPECIFIED: Objective
OBJECTIVE_DEADLINE: Objective
OBJECTIVE_LATENESS: Objective
OBJECTIVE_MAKESPAN: Objective
OBJECTIVE_CHANGES: Objective
OBJECTIVE_BALANCE: Objective
ITEM_STATE_UNSPECIFIED: ItemState
ITEM_STATE_PENDING: ItemState
ITEM_STATE_ACCEPTED: ItemState
ITEM_STATE_STALE: ItemState
ITEM_STATE_REJECTED: ItemState
ITEM_STATE_UNCHANGED: ItemState
REASON_KIND_UNSPECIFIED: ReasonKind
REASON_KIND_PREDECESSOR: ReasonKind
REASON_KIND_PERSON_BUSY: ReasonKind
REASON_KIND_CALENDAR: ReasonKind
REASON_KIND_SKILL_SCARCITY: ReasonKind
REASON_KIND_PROJECT_START: ReasonKind
REASON_KIND_PINNED: ReasonKind
REASON_KIND_STABILITY: ReasonKind
REASON_KIND_RESOURCE: ReasonKind
REASON_KIND_OBJECTIVE: ReasonKind

class Proposal(_message.Message):
    __slots__ = ("name", "state", "create_time", "requester", "what_if", "duration_source", "items", "loads", "critical_path", "solve", "diagnoses", "finish_date", "deadline", "notes", "risk_forecast", "confidence")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    WHAT_IF_FIELD_NUMBER: _ClassVar[int]
    DURATION_SOURCE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    LOADS_FIELD_NUMBER: _ClassVar[int]
    CRITICAL_PATH_FIELD_NUMBER: _ClassVar[int]
    SOLVE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    FINISH_DATE_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    RISK_FORECAST_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    state: ProposalState
    create_time: _timestamp_pb2.Timestamp
    requester: str
    what_if: bool
    duration_source: DurationSource
    items: _containers.RepeatedCompositeFieldContainer[ProposalItem]
    loads: _containers.RepeatedCompositeFieldContainer[PersonLoad]
    critical_path: _containers.RepeatedScalarFieldContainer[str]
    solve: SolveSummary
    diagnoses: _containers.RepeatedCompositeFieldContainer[Diagnosis]
    finish_date: str
    deadline: str
    notes: _containers.RepeatedScalarFieldContainer[str]
    risk_forecast: PlanForecast
    confidence: ConfidencePlan
    def __init__(self, name: _Optional[str] = ..., state: _Optional[_Union[ProposalState, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., requester: _Optional[str] = ..., what_if: _Optional[bool] = ..., duration_source: _Optional[_Union[DurationSource, str]] = ..., items: _Optional[_Iterable[_Union[ProposalItem, _Mapping]]] = ..., loads: _Optional[_Iterable[_Union[PersonLoad, _Mapping]]] = ..., critical_path: _Optional[_Iterable[str]] = ..., solve: _Optional[_Union[SolveSummary, _Mapping]] = ..., diagnoses: _Optional[_Iterable[_Union[Diagnosis, _Mapping]]] = ..., finish_date: _Optional[str] = ..., deadline: _Optional[str] = ..., notes: _Optional[_Iterable[str]] = ..., risk_forecast: _Optional[_Union[PlanForecast, _Mapping]] = ..., confidence: _Optional[_Union[ConfidencePlan, _Mapping]] = ...) -> None: ...

class ConfidencePlan(_message.Message):
    __slots__ = ("target_probability", "reached", "attempts", "project_buffer_days", "remedies")
    TARGET_PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    REACHED_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    PROJECT_BUFFER_DAYS_FIELD_NUMBER: _ClassVar[int]
    REMEDIES_FIELD_NUMBER: _ClassVar[int]
    target_probability: float
    reached: bool
    attempts: _containers.RepeatedCompositeFieldContainer[ConfidenceAttempt]
    project_buffer_days: int
    remedies: _containers.RepeatedCompositeFieldContainer[Remedy]
    def __init__(self, target_probability: _Optional[float] = ..., reached: _Optional[bool] = ..., attempts: _Optional[_Iterable[_Union[ConfidenceAttempt, _Mapping]]] = ..., project_buffer_days: _Optional[int] = ..., remedies: _Optional[_Iterable[_Union[Remedy, _Mapping]]] = ...) -> None: ...

class ConfidenceAttempt(_message.Message):
    __slots__ = ("duration_source", "finish_date", "probability_on_time", "kept")
    DURATION_SOURCE_FIELD_NUMBER: _ClassVar[int]
    FINISH_DATE_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_ON_TIME_FIELD_NUMBER: _ClassVar[int]
    KEPT_FIELD_NUMBER: _ClassVar[int]
    duration_source: DurationSource
    finish_date: str
    probability_on_time: float
    kept: bool
    def __init__(self, duration_source: _Optional[_Union[DurationSource, str]] = ..., finish_date: _Optional[str] = ..., probability_on_time: _Optional[float] = ..., kept: _Optional[bool] = ...) -> None: ...

class Remedy(_message.Message):
    __slots__ = ("kind", "text", "probability_on_time", "person", "skills", "deadline")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_ON_TIME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    kind: RemedyKind
    text: str
    probability_on_time: float
    person: str
    skills: _containers.RepeatedScalarFieldContainer[str]
    deadline: str
    def __init__(self, kind: _Optional[_Union[RemedyKind, str]] = ..., text: _Optional[str] = ..., probability_on_time: _Optional[float] = ..., person: _Optional[str] = ..., skills: _Optional[_Iterable[str]] = ..., deadline: _Optional[str] = ...) -> None: ...

class PlanForecast(_message.Message):
    __slots__ = ("probability_on_time", "deadline", "finish_p50_date", "finish_p80_date", "model_version", "forecast_time", "unavailable_reason", "finish_p95_date")
    PROBABILITY_ON_TIME_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    FINISH_P50_DATE_FIELD_NUMBER: _ClassVar[int]
    FINISH_P80_DATE_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    FORECAST_TIME_FIELD_NUMBER: _ClassVar[int]
    UNAVAILABLE_REASON_FIELD_NUMBER: _ClassVar[int]
    FINISH_P95_DATE_FIELD_NUMBER: _ClassVar[int]
    probability_on_time: float
    deadline: str
    finish_p50_date: str
    finish_p80_date: str
    model_version: str
    forecast_time: _timestamp_pb2.Timestamp
    unavailable_reason: str
    finish_p95_date: str
    def __init__(self, probability_on_time: _Optional[float] = ..., deadline: _Optional[str] = ..., finish_p50_date: _Optional[str] = ..., finish_p80_date: _Optional[str] = ..., model_version: _Optional[str] = ..., forecast_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., unavailable_reason: _Optional[str] = ..., finish_p95_date: _Optional[str] = ...) -> None: ...

class ProposalItem(_message.Message):
    __slots__ = ("task", "title", "assignee", "start_date", "end_date", "current_assignee", "current_start_date", "current_end_date", "assignee_changed", "dates_changed", "reasons", "slack_days", "critical", "late_days", "pinned", "state", "task_etag", "pieces", "crew", "current_crew")
    TASK_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_START_DATE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_END_DATE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_CHANGED_FIELD_NUMBER: _ClassVar[int]
    DATES_CHANGED_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    SLACK_DAYS_FIELD_NUMBER: _ClassVar[int]
    CRITICAL_FIELD_NUMBER: _ClassVar[int]
    LATE_DAYS_FIELD_NUMBER: _ClassVar[int]
    PINNED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TASK_ETAG_FIELD_NUMBER: _ClassVar[int]
    PIECES_FIELD_NUMBER: _ClassVar[int]
    CREW_FIELD_NUMBER: _ClassVar[int]
    CURRENT_CREW_FIELD_NUMBER: _ClassVar[int]
    task: str
    title: str
    assignee: str
    start_date: str
    end_date: str
    current_assignee: str
    current_start_date: str
    current_end_date: str
    assignee_changed: bool
    dates_changed: bool
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    slack_days: int
    critical: bool
    late_days: int
    pinned: bool
    state: ItemState
    task_etag: str
    pieces: _containers.RepeatedCompositeFieldContainer[WorkPiece]
    crew: _containers.RepeatedScalarFieldContainer[str]
    current_crew: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, task: _Optional[str] = ..., title: _Optional[str] = ..., assignee: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., current_assignee: _Optional[str] = ..., current_start_date: _Optional[str] = ..., current_end_date: _Optional[str] = ..., assignee_changed: _Optional[bool] = ..., dates_changed: _Optional[bool] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., slack_days: _Optional[int] = ..., critical: _Optional[bool] = ..., late_days: _Optional[int] = ..., pinned: _Optional[bool] = ..., state: _Optional[_Union[ItemState, str]] = ..., task_etag: _Optional[str] = ..., pieces: _Optional[_Iterable[_Union[WorkPiece, _Mapping]]] = ..., crew: _Optional[_Iterable[str]] = ..., current_crew: _Optional[_Iterable[str]] = ...) -> None: ...

class WorkPiece(_message.Message):
    __slots__ = ("start_date", "end_date")
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    start_date: str
    end_date: str
    def __init__(self, start_date: _Optional[str] = ..., end_date: _Optional[str] = ...) -> None: ...

class Reason(_message.Message):
    __slots__ = ("kind", "text", "related")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    RELATED_FIELD_NUMBER: _ClassVar[int]
    kind: ReasonKind
    text: str
    related: str
    def __init__(self, kind: _Optional[_Union[ReasonKind, str]] = ..., text: _Optional[str] = ..., related: _Optional[str] = ...) -> None: ...

class PersonLoad(_message.Message):
    __slots__ = ("person", "days", "overloaded_days")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    OVERLOADED_DAYS_FIELD_NUMBER: _ClassVar[int]
    person: str
    days: _containers.RepeatedCompositeFieldContainer[DayLoad]
    overloaded_days: int
    def __init__(self, person: _Optional[str] = ..., days: _Optional[_Iterable[_Union[DayLoad, _Mapping]]] = ..., overloaded_days: _Optional[int] = ...) -> None: ...

class DayLoad(_message.Message):
    __slots__ = ("date", "hours", "capacity")
    DATE_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    date: str
    hours: float
    capacity: float
    def __init__(self, date: _Optional[str] = ..., hours: _Optional[float] = ..., capacity: _Optional[float] = ...) -> None: ...

class SolveSummary(_message.Message):
    __slots__ = ("status", "objective", "best_bound", "gap", "wall_seconds", "workers", "solutions", "changes", "late_days", "stages")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVE_FIELD_NUMBER: _ClassVar[int]
    BEST_BOUND_FIELD_NUMBER: _ClassVar[int]
    GAP_FIELD_NUMBER: _ClassVar[int]
    WALL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    WORKERS_FIELD_NUMBER: _ClassVar[int]
    SOLUTIONS_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    LATE_DAYS_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    status: str
    objective: float
    best_bound: float
    gap: float
    wall_seconds: float
    workers: int
    solutions: int
    changes: int
    late_days: int
    stages: _containers.RepeatedCompositeFieldContainer[StageSummary]
    def __init__(self, status: _Optional[str] = ..., objective: _Optional[float] = ..., best_bound: _Optional[float] = ..., gap: _Optional[float] = ..., wall_seconds: _Optional[float] = ..., workers: _Optional[int] = ..., solutions: _Optional[int] = ..., changes: _Optional[int] = ..., late_days: _Optional[int] = ..., stages: _Optional[_Iterable[_Union[StageSummary, _Mapping]]] = ...) -> None: ...

class StageSummary(_message.Message):
    __slots__ = ("objective", "status", "value", "best_bound", "gap", "wall_seconds", "text")
    OBJECTIVE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    BEST_BOUND_FIELD_NUMBER: _ClassVar[int]
    GAP_FIELD_NUMBER: _ClassVar[int]
    WALL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    objective: Objective
    status: str
    value: float
    best_bound: float
    gap: float
    wall_seconds: float
    text: str
    def __init__(self, objective: _Optional[_Union[Objective, str]] = ..., status: _Optional[str] = ..., value: _Optional[float] = ..., best_bound: _Optional[float] = ..., gap: _Optional[float] = ..., wall_seconds: _Optional[float] = ..., text: _Optional[str] = ...) -> None: ...

class Diagnosis(_message.Message):
    __slots__ = ("code", "message", "tasks", "people")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    PEOPLE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    tasks: _containers.RepeatedScalarFieldContainer[str]
    people: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., tasks: _Optional[_Iterable[str]] = ..., people: _Optional[_Iterable[str]] = ...) -> None: ...
