from planops.planner.v1 import proposal_pb2 as _proposal_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ObjectiveMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OBJECTIVE_MODE_UNSPECIFIED: _ClassVar[ObjectiveMode]
    OBJECTIVE_MODE_WEIGHTED: _ClassVar[ObjectiveMode]
    OBJECTIVE_MODE_STAGED: _ClassVar[ObjectiveMode]
OBJECTIVE_MODE_UNSPECIFIED: ObjectiveMode
OBJECTIVE_MODE_WEIGHTED: ObjectiveMode
OBJECTIVE_MODE_STAGED: ObjectiveMode

class Weights(_message.Message):
    __slots__ = ("lateness", "deadline", "makespan", "changes", "balance")
    LATENESS_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    MAKESPAN_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    lateness: int
    deadline: int
    makespan: int
    changes: int
    balance: int
    def __init__(self, lateness: _Optional[int] = ..., deadline: _Optional[int] = ..., makespan: _Optional[int] = ..., changes: _Optional[int] = ..., balance: _Optional[int] = ...) -> None: ...

class WhatIf(_message.Message):
    __slots__ = ("add_people", "remove_people", "time_off", "deadline", "durations")
    ADD_PEOPLE_FIELD_NUMBER: _ClassVar[int]
    REMOVE_PEOPLE_FIELD_NUMBER: _ClassVar[int]
    TIME_OFF_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    DURATIONS_FIELD_NUMBER: _ClassVar[int]
    add_people: _containers.RepeatedScalarFieldContainer[str]
    remove_people: _containers.RepeatedScalarFieldContainer[str]
    time_off: _containers.RepeatedCompositeFieldContainer[WhatIfTimeOff]
    deadline: str
    durations: _containers.RepeatedCompositeFieldContainer[DurationOverride]
    def __init__(self, add_people: _Optional[_Iterable[str]] = ..., remove_people: _Optional[_Iterable[str]] = ..., time_off: _Optional[_Iterable[_Union[WhatIfTimeOff, _Mapping]]] = ..., deadline: _Optional[str] = ..., durations: _Optional[_Iterable[_Union[DurationOverride, _Mapping]]] = ...) -> None: ...

class WhatIfTimeOff(_message.Message):
    __slots__ = ("person", "start_date", "end_date")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    person: str
    start_date: str
    end_date: str
    def __init__(self, person: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ...) -> None: ...

class DurationOverride(_message.Message):
    __slots__ = ("task", "estimate_hours")
    TASK_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_HOURS_FIELD_NUMBER: _ClassVar[int]
    task: str
    estimate_hours: float
    def __init__(self, task: _Optional[str] = ..., estimate_hours: _Optional[float] = ...) -> None: ...

class ProposeScheduleRequest(_message.Message):
    __slots__ = ("project", "time_limit_seconds", "weights", "horizon_days", "duration_source", "hard_deadline", "what_if", "request_id", "target_probability", "objective_mode", "stages", "stage_tolerance")
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    TIME_LIMIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    HORIZON_DAYS_FIELD_NUMBER: _ClassVar[int]
    DURATION_SOURCE_FIELD_NUMBER: _ClassVar[int]
    HARD_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    WHAT_IF_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVE_MODE_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    STAGE_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    project: str
    time_limit_seconds: float
    weights: Weights
    horizon_days: int
    duration_source: _proposal_pb2.DurationSource
    hard_deadline: bool
    what_if: WhatIf
    request_id: str
    target_probability: float
    objective_mode: ObjectiveMode
    stages: _containers.RepeatedScalarFieldContainer[_proposal_pb2.Objective]
    stage_tolerance: float
    def __init__(self, project: _Optional[str] = ..., time_limit_seconds: _Optional[float] = ..., weights: _Optional[_Union[Weights, _Mapping]] = ..., horizon_days: _Optional[int] = ..., duration_source: _Optional[_Union[_proposal_pb2.DurationSource, str]] = ..., hard_deadline: _Optional[bool] = ..., what_if: _Optional[_Union[WhatIf, _Mapping]] = ..., request_id: _Optional[str] = ..., target_probability: _Optional[float] = ..., objective_mode: _Optional[_Union[ObjectiveMode, str]] = ..., stages: _Optional[_Iterable[_Union[_proposal_pb2.Objective, str]]] = ..., stage_tolerance: _Optional[float] = ...) -> None: ...

class ProposeScheduleResponse(_message.Message):
    __slots__ = ("proposal",)
    PROPOSAL_FIELD_NUMBER: _ClassVar[int]
    proposal: _proposal_pb2.Proposal
    def __init__(self, proposal: _Optional[_Union[_proposal_pb2.Proposal, _Mapping]] = ...) -> None: ...

class GetProposalRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetProposalResponse(_message.Message):
    __slots__ = ("proposal",)
    PROPOSAL_FIELD_NUMBER: _ClassVar[int]
    proposal: _proposal_pb2.Proposal
    def __init__(self, proposal: _Optional[_Union[_proposal_pb2.Proposal, _Mapping]] = ...) -> None: ...

class ListProposalsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListProposalsResponse(_message.Message):
    __slots__ = ("proposals", "next_page_token")
    PROPOSALS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    proposals: _containers.RepeatedCompositeFieldContainer[_proposal_pb2.Proposal]
    next_page_token: str
    def __init__(self, proposals: _Optional[_Iterable[_Union[_proposal_pb2.Proposal, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AcceptProposalRequest(_message.Message):
    __slots__ = ("name", "tasks")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    name: str
    tasks: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., tasks: _Optional[_Iterable[str]] = ...) -> None: ...

class AcceptProposalResponse(_message.Message):
    __slots__ = ("proposal", "accepted", "stale")
    PROPOSAL_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    STALE_FIELD_NUMBER: _ClassVar[int]
    proposal: _proposal_pb2.Proposal
    accepted: _containers.RepeatedScalarFieldContainer[str]
    stale: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, proposal: _Optional[_Union[_proposal_pb2.Proposal, _Mapping]] = ..., accepted: _Optional[_Iterable[str]] = ..., stale: _Optional[_Iterable[str]] = ...) -> None: ...

class RejectProposalRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RejectProposalResponse(_message.Message):
    __slots__ = ("proposal",)
    PROPOSAL_FIELD_NUMBER: _ClassVar[int]
    proposal: _proposal_pb2.Proposal
    def __init__(self, proposal: _Optional[_Union[_proposal_pb2.Proposal, _Mapping]] = ...) -> None: ...
