import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TaskRisk(_message.Message):
    __slots__ = ("task", "title", "probability_late", "expected_delay_days", "delay_p50_days", "delay_p80_days", "delay_p90_days", "finish_p50_date", "finish_p80_date", "factors", "model_version", "from_prior", "score_time", "similar_tasks", "similar_late", "probability_late_low", "probability_late_high")
    TASK_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_LATE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_DELAY_DAYS_FIELD_NUMBER: _ClassVar[int]
    DELAY_P50_DAYS_FIELD_NUMBER: _ClassVar[int]
    DELAY_P80_DAYS_FIELD_NUMBER: _ClassVar[int]
    DELAY_P90_DAYS_FIELD_NUMBER: _ClassVar[int]
    FINISH_P50_DATE_FIELD_NUMBER: _ClassVar[int]
    FINISH_P80_DATE_FIELD_NUMBER: _ClassVar[int]
    FACTORS_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    FROM_PRIOR_FIELD_NUMBER: _ClassVar[int]
    SCORE_TIME_FIELD_NUMBER: _ClassVar[int]
    SIMILAR_TASKS_FIELD_NUMBER: _ClassVar[int]
    SIMILAR_LATE_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_LATE_LOW_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_LATE_HIGH_FIELD_NUMBER: _ClassVar[int]
    task: str
    title: str
    probability_late: float
    expected_delay_days: float
    delay_p50_days: float
    delay_p80_days: float
    delay_p90_days: float
    finish_p50_date: str
    finish_p80_date: str
    factors: _containers.RepeatedCompositeFieldContainer[Factor]
    model_version: str
    from_prior: bool
    score_time: _timestamp_pb2.Timestamp
    similar_tasks: int
    similar_late: int
    probability_late_low: float
    probability_late_high: float
    def __init__(self, task: _Optional[str] = ..., title: _Optional[str] = ..., probability_late: _Optional[float] = ..., expected_delay_days: _Optional[float] = ..., delay_p50_days: _Optional[float] = ..., delay_p80_days: _Optional[float] = ..., delay_p90_days: _Optional[float] = ..., finish_p50_date: _Optional[str] = ..., finish_p80_date: _Optional[str] = ..., factors: _Optional[_Iterable[_Union[Factor, _Mapping]]] = ..., model_version: _Optional[str] = ..., from_prior: _Optional[bool] = ..., score_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., similar_tasks: _Optional[int] = ..., similar_late: _Optional[int] = ..., probability_late_low: _Optional[float] = ..., probability_late_high: _Optional[float] = ...) -> None: ...

class Factor(_message.Message):
    __slots__ = ("feature", "value", "contribution", "text")
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    feature: str
    value: float
    contribution: float
    text: str
    def __init__(self, feature: _Optional[str] = ..., value: _Optional[float] = ..., contribution: _Optional[float] = ..., text: _Optional[str] = ...) -> None: ...

class ProjectForecast(_message.Message):
    __slots__ = ("project", "deadline", "probability_on_time", "finish_p50_date", "finish_p80_date", "finish_p95_date", "critical_tasks", "samples", "model_version", "forecast_time")
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_ON_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_P50_DATE_FIELD_NUMBER: _ClassVar[int]
    FINISH_P80_DATE_FIELD_NUMBER: _ClassVar[int]
    FINISH_P95_DATE_FIELD_NUMBER: _ClassVar[int]
    CRITICAL_TASKS_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    FORECAST_TIME_FIELD_NUMBER: _ClassVar[int]
    project: str
    deadline: str
    probability_on_time: float
    finish_p50_date: str
    finish_p80_date: str
    finish_p95_date: str
    critical_tasks: _containers.RepeatedCompositeFieldContainer[CriticalTask]
    samples: int
    model_version: str
    forecast_time: _timestamp_pb2.Timestamp
    def __init__(self, project: _Optional[str] = ..., deadline: _Optional[str] = ..., probability_on_time: _Optional[float] = ..., finish_p50_date: _Optional[str] = ..., finish_p80_date: _Optional[str] = ..., finish_p95_date: _Optional[str] = ..., critical_tasks: _Optional[_Iterable[_Union[CriticalTask, _Mapping]]] = ..., samples: _Optional[int] = ..., model_version: _Optional[str] = ..., forecast_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CriticalTask(_message.Message):
    __slots__ = ("task", "title", "criticality")
    TASK_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CRITICALITY_FIELD_NUMBER: _ClassVar[int]
    task: str
    title: str
    criticality: float
    def __init__(self, task: _Optional[str] = ..., title: _Optional[str] = ..., criticality: _Optional[float] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("name", "subject", "kind", "value", "threshold", "message", "raise_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RAISE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    subject: str
    kind: str
    value: float
    threshold: float
    message: str
    raise_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., subject: _Optional[str] = ..., kind: _Optional[str] = ..., value: _Optional[float] = ..., threshold: _Optional[float] = ..., message: _Optional[str] = ..., raise_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Model(_message.Message):
    __slots__ = ("name", "train_time", "window_start", "window_end", "rows", "features", "holdout_auc", "holdout_ece", "holdout_delay_mae_days", "active", "holdout_brier", "base_rate_brier", "reliability", "holdout_delay_p80_coverage", "holdout_rows")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TRAIN_TIME_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_AUC_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_ECE_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_DELAY_MAE_DAYS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_BRIER_FIELD_NUMBER: _ClassVar[int]
    BASE_RATE_BRIER_FIELD_NUMBER: _ClassVar[int]
    RELIABILITY_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_DELAY_P80_COVERAGE_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_ROWS_FIELD_NUMBER: _ClassVar[int]
    name: str
    train_time: _timestamp_pb2.Timestamp
    window_start: str
    window_end: str
    rows: int
    features: _containers.RepeatedScalarFieldContainer[str]
    holdout_auc: float
    holdout_ece: float
    holdout_delay_mae_days: float
    active: bool
    holdout_brier: float
    base_rate_brier: float
    reliability: _containers.RepeatedCompositeFieldContainer[ReliabilityBin]
    holdout_delay_p80_coverage: float
    holdout_rows: int
    def __init__(self, name: _Optional[str] = ..., train_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_start: _Optional[str] = ..., window_end: _Optional[str] = ..., rows: _Optional[int] = ..., features: _Optional[_Iterable[str]] = ..., holdout_auc: _Optional[float] = ..., holdout_ece: _Optional[float] = ..., holdout_delay_mae_days: _Optional[float] = ..., active: _Optional[bool] = ..., holdout_brier: _Optional[float] = ..., base_rate_brier: _Optional[float] = ..., reliability: _Optional[_Iterable[_Union[ReliabilityBin, _Mapping]]] = ..., holdout_delay_p80_coverage: _Optional[float] = ..., holdout_rows: _Optional[int] = ...) -> None: ...

class ReliabilityBin(_message.Message):
    __slots__ = ("predicted", "observed", "tasks")
    PREDICTED_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    predicted: float
    observed: float
    tasks: int
    def __init__(self, predicted: _Optional[float] = ..., observed: _Optional[float] = ..., tasks: _Optional[int] = ...) -> None: ...
