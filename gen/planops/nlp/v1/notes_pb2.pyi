import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Notes(_message.Message):
    __slots__ = ("name", "meeting_date", "language", "text", "items", "status_updates", "decisions", "questions", "pipeline", "create_time", "creator", "warnings")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MEETING_DATE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    STATUS_UPDATES_FIELD_NUMBER: _ClassVar[int]
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    meeting_date: str
    language: str
    text: str
    items: _containers.RepeatedCompositeFieldContainer[ActionItem]
    status_updates: _containers.RepeatedCompositeFieldContainer[StatusUpdate]
    decisions: _containers.RepeatedCompositeFieldContainer[Statement]
    questions: _containers.RepeatedCompositeFieldContainer[Statement]
    pipeline: str
    create_time: _timestamp_pb2.Timestamp
    creator: str
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., meeting_date: _Optional[str] = ..., language: _Optional[str] = ..., text: _Optional[str] = ..., items: _Optional[_Iterable[_Union[ActionItem, _Mapping]]] = ..., status_updates: _Optional[_Iterable[_Union[StatusUpdate, _Mapping]]] = ..., decisions: _Optional[_Iterable[_Union[Statement, _Mapping]]] = ..., questions: _Optional[_Iterable[_Union[Statement, _Mapping]]] = ..., pipeline: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., creator: _Optional[str] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...

class ActionItem(_message.Message):
    __slots__ = ("id", "description", "owner", "owner_candidates", "owner_ambiguous", "due_date", "due_text", "priority", "hints", "confidence", "span", "duplicate_of", "task", "explanation")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    OWNER_CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    OWNER_AMBIGUOUS_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    DUE_TEXT_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    HINTS_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    SPAN_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_OF_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    owner: str
    owner_candidates: _containers.RepeatedScalarFieldContainer[str]
    owner_ambiguous: bool
    due_date: str
    due_text: str
    priority: str
    hints: _containers.RepeatedScalarFieldContainer[str]
    confidence: Confidence
    span: Span
    duplicate_of: str
    task: str
    explanation: Explanation
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., owner: _Optional[str] = ..., owner_candidates: _Optional[_Iterable[str]] = ..., owner_ambiguous: _Optional[bool] = ..., due_date: _Optional[str] = ..., due_text: _Optional[str] = ..., priority: _Optional[str] = ..., hints: _Optional[_Iterable[str]] = ..., confidence: _Optional[_Union[Confidence, _Mapping]] = ..., span: _Optional[_Union[Span, _Mapping]] = ..., duplicate_of: _Optional[str] = ..., task: _Optional[str] = ..., explanation: _Optional[_Union[Explanation, _Mapping]] = ...) -> None: ...

class Explanation(_message.Message):
    __slots__ = ("item", "owner")
    ITEM_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    item: _containers.RepeatedScalarFieldContainer[str]
    owner: str
    def __init__(self, item: _Optional[_Iterable[str]] = ..., owner: _Optional[str] = ...) -> None: ...

class Confidence(_message.Message):
    __slots__ = ("item", "owner", "due", "priority")
    ITEM_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    DUE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    item: float
    owner: float
    due: float
    priority: float
    def __init__(self, item: _Optional[float] = ..., owner: _Optional[float] = ..., due: _Optional[float] = ..., priority: _Optional[float] = ...) -> None: ...

class Span(_message.Message):
    __slots__ = ("start", "end")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: int
    end: int
    def __init__(self, start: _Optional[int] = ..., end: _Optional[int] = ...) -> None: ...

class StatusUpdate(_message.Message):
    __slots__ = ("text", "span", "task", "state")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SPAN_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    text: str
    span: Span
    task: str
    state: str
    def __init__(self, text: _Optional[str] = ..., span: _Optional[_Union[Span, _Mapping]] = ..., task: _Optional[str] = ..., state: _Optional[str] = ...) -> None: ...

class Statement(_message.Message):
    __slots__ = ("text", "span")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SPAN_FIELD_NUMBER: _ClassVar[int]
    text: str
    span: Span
    def __init__(self, text: _Optional[str] = ..., span: _Optional[_Union[Span, _Mapping]] = ...) -> None: ...
