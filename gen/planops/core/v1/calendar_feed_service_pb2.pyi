from planops.core.v1 import calendar_feed_pb2 as _calendar_feed_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateCalendarFeedRequest(_message.Message):
    __slots__ = ("calendar_feed",)
    CALENDAR_FEED_FIELD_NUMBER: _ClassVar[int]
    calendar_feed: _calendar_feed_pb2.CalendarFeed
    def __init__(self, calendar_feed: _Optional[_Union[_calendar_feed_pb2.CalendarFeed, _Mapping]] = ...) -> None: ...

class CreateCalendarFeedResponse(_message.Message):
    __slots__ = ("calendar_feed", "secret", "path")
    CALENDAR_FEED_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    calendar_feed: _calendar_feed_pb2.CalendarFeed
    secret: str
    path: str
    def __init__(self, calendar_feed: _Optional[_Union[_calendar_feed_pb2.CalendarFeed, _Mapping]] = ..., secret: _Optional[str] = ..., path: _Optional[str] = ...) -> None: ...

class ListCalendarFeedsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCalendarFeedsResponse(_message.Message):
    __slots__ = ("calendar_feeds", "next_page_token")
    CALENDAR_FEEDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    calendar_feeds: _containers.RepeatedCompositeFieldContainer[_calendar_feed_pb2.CalendarFeed]
    next_page_token: str
    def __init__(self, calendar_feeds: _Optional[_Iterable[_Union[_calendar_feed_pb2.CalendarFeed, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RevokeCalendarFeedRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class RevokeCalendarFeedResponse(_message.Message):
    __slots__ = ("calendar_feed",)
    CALENDAR_FEED_FIELD_NUMBER: _ClassVar[int]
    calendar_feed: _calendar_feed_pb2.CalendarFeed
    def __init__(self, calendar_feed: _Optional[_Union[_calendar_feed_pb2.CalendarFeed, _Mapping]] = ...) -> None: ...

class ReadCalendarFeedRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReadCalendarFeedResponse(_message.Message):
    __slots__ = ("calendar_name", "events")
    CALENDAR_NAME_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    calendar_name: str
    events: _containers.RepeatedCompositeFieldContainer[_calendar_feed_pb2.CalendarEvent]
    def __init__(self, calendar_name: _Optional[str] = ..., events: _Optional[_Iterable[_Union[_calendar_feed_pb2.CalendarEvent, _Mapping]]] = ...) -> None: ...
