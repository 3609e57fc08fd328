import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ServiceScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SERVICE_SCOPE_UNSPECIFIED: _ClassVar[ServiceScope]
    SERVICE_SCOPE_READ_PROJECTS: _ClassVar[ServiceScope]
    SERVICE_SCOPE_ACT_FOR_PEOPLE: _ClassVar[ServiceScope]
    SERVICE_SCOPE_ACT_FOR_RULES: _ClassVar[ServiceScope]
    SERVICE_SCOPE_CREATE_PROJECTS: _ClassVar[ServiceScope]
SERVICE_SCOPE_UNSPECIFIED: ServiceScope
SERVICE_SCOPE_READ_PROJECTS: ServiceScope
SERVICE_SCOPE_ACT_FOR_PEOPLE: ServiceScope
SERVICE_SCOPE_ACT_FOR_RULES: ServiceScope
SERVICE_SCOPE_CREATE_PROJECTS: ServiceScope

class ApiKey(_message.Message):
    __slots__ = ("name", "display_name", "principal", "admin", "create_time", "revoke_time", "scopes")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    ADMIN_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REVOKE_TIME_FIELD_NUMBER: _ClassVar[int]
    SCOPES_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    principal: str
    admin: bool
    create_time: _timestamp_pb2.Timestamp
    revoke_time: _timestamp_pb2.Timestamp
    scopes: _containers.RepeatedScalarFieldContainer[ServiceScope]
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., principal: _Optional[str] = ..., admin: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoke_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., scopes: _Optional[_Iterable[_Union[ServiceScope, str]]] = ...) -> None: ...
