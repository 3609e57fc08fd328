from planops.risk.v1 import risk_pb2 as _risk_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetTaskRiskRequest(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: str
    def __init__(self, task: _Optional[str] = ...) -> None: ...

class GetTaskRiskResponse(_message.Message):
    __slots__ = ("risk",)
    RISK_FIELD_NUMBER: _ClassVar[int]
    risk: _risk_pb2.TaskRisk
    def __init__(self, risk: _Optional[_Union[_risk_pb2.TaskRisk, _Mapping]] = ...) -> None: ...

class ListTaskRisksRequest(_message.Message):
    __slots__ = ("project", "page_size")
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    project: str
    page_size: int
    def __init__(self, project: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListTaskRisksResponse(_message.Message):
    __slots__ = ("risks",)
    RISKS_FIELD_NUMBER: _ClassVar[int]
    risks: _containers.RepeatedCompositeFieldContainer[_risk_pb2.TaskRisk]
    def __init__(self, risks: _Optional[_Iterable[_Union[_risk_pb2.TaskRisk, _Mapping]]] = ...) -> None: ...

class ForecastProjectRequest(_message.Message):
    __slots__ = ("project", "samples", "deadline", "plan")
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    project: str
    samples: int
    deadline: str
    plan: _containers.RepeatedCompositeFieldContainer[PlannedTask]
    def __init__(self, project: _Optional[str] = ..., samples: _Optional[int] = ..., deadline: _Optional[str] = ..., plan: _Optional[_Iterable[_Union[PlannedTask, _Mapping]]] = ...) -> None: ...

class PlannedTask(_message.Message):
    __slots__ = ("task", "planned_start", "planned_end", "assignee")
    TASK_FIELD_NUMBER: _ClassVar[int]
    PLANNED_START_FIELD_NUMBER: _ClassVar[int]
    PLANNED_END_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    task: str
    planned_start: str
    planned_end: str
    assignee: str
    def __init__(self, task: _Optional[str] = ..., planned_start: _Optional[str] = ..., planned_end: _Optional[str] = ..., assignee: _Optional[str] = ...) -> None: ...

class ForecastProjectResponse(_message.Message):
    __slots__ = ("forecast",)
    FORECAST_FIELD_NUMBER: _ClassVar[int]
    forecast: _risk_pb2.ProjectForecast
    def __init__(self, forecast: _Optional[_Union[_risk_pb2.ProjectForecast, _Mapping]] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("project", "page_size", "page_token")
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    project: str
    page_size: int
    page_token: str
    def __init__(self, project: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts", "next_page_token")
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[_risk_pb2.Alert]
    next_page_token: str
    def __init__(self, alerts: _Optional[_Iterable[_Union[_risk_pb2.Alert, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class TrainModelRequest(_message.Message):
    __slots__ = ("force",)
    FORCE_FIELD_NUMBER: _ClassVar[int]
    force: bool
    def __init__(self, force: _Optional[bool] = ...) -> None: ...

class TrainModelResponse(_message.Message):
    __slots__ = ("model", "activated", "reason")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ACTIVATED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    model: _risk_pb2.Model
    activated: bool
    reason: str
    def __init__(self, model: _Optional[_Union[_risk_pb2.Model, _Mapping]] = ..., activated: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = ("page_size",)
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    def __init__(self, page_size: _Optional[int] = ...) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ("models",)
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[_risk_pb2.Model]
    def __init__(self, models: _Optional[_Iterable[_Union[_risk_pb2.Model, _Mapping]]] = ...) -> None: ...

class RebuildHistoryRequest(_message.Message):
    __slots__ = ("projects",)
    PROJECTS_FIELD_NUMBER: _ClassVar[int]
    projects: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, projects: _Optional[_Iterable[str]] = ...) -> None: ...

class RebuildHistoryResponse(_message.Message):
    __slots__ = ("tasks",)
    TASKS_FIELD_NUMBER: _ClassVar[int]
    tasks: int
    def __init__(self, tasks: _Optional[int] = ...) -> None: ...
