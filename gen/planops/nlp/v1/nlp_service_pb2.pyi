from planops.nlp.v1 import notes_pb2 as _notes_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExtractActionItemsRequest(_message.Message):
    __slots__ = ("project", "text", "meeting_date", "language", "request_id")
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MEETING_DATE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    project: str
    text: str
    meeting_date: str
    language: str
    request_id: str
    def __init__(self, project: _Optional[str] = ..., text: _Optional[str] = ..., meeting_date: _Optional[str] = ..., language: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ExtractActionItemsResponse(_message.Message):
    __slots__ = ("notes",)
    NOTES_FIELD_NUMBER: _ClassVar[int]
    notes: _notes_pb2.Notes
    def __init__(self, notes: _Optional[_Union[_notes_pb2.Notes, _Mapping]] = ...) -> None: ...

class GetNotesRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetNotesResponse(_message.Message):
    __slots__ = ("notes",)
    NOTES_FIELD_NUMBER: _ClassVar[int]
    notes: _notes_pb2.Notes
    def __init__(self, notes: _Optional[_Union[_notes_pb2.Notes, _Mapping]] = ...) -> None: ...

class AcceptedItem(_message.Message):
    __slots__ = ("id", "description", "owner", "due_date", "priority")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    owner: str
    due_date: str
    priority: str
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., owner: _Optional[str] = ..., due_date: _Optional[str] = ..., priority: _Optional[str] = ...) -> None: ...

class AcceptActionItemsRequest(_message.Message):
    __slots__ = ("name", "items")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    name: str
    items: _containers.RepeatedCompositeFieldContainer[AcceptedItem]
    def __init__(self, name: _Optional[str] = ..., items: _Optional[_Iterable[_Union[AcceptedItem, _Mapping]]] = ...) -> None: ...

class AcceptActionItemsResponse(_message.Message):
    __slots__ = ("notes", "tasks")
    NOTES_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    notes: _notes_pb2.Notes
    tasks: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, notes: _Optional[_Union[_notes_pb2.Notes, _Mapping]] = ..., tasks: _Optional[_Iterable[str]] = ...) -> None: ...
