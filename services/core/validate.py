"""Field checks that collect every violation of a request before anything is written."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable, Sequence
from zoneinfo import available_timezones

from google.protobuf import timestamp_pb2

from services.common.errors import FieldViolation, InvalidArgument

SKILL = re.compile(r"^[a-z0-9][a-z0-9 _+#./-]{0,63}\Z")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\Z")
MAX_LIST = 200
# Python 3.11's fromisoformat also takes 20300115 and 2030-W03; the API promises YYYY-MM-DD.
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


class Checks:
    def __init__(self) -> None:
        self.found: list[FieldViolation] = []

    def fail(self, field: str, description: str) -> None:
        self.found.append(FieldViolation(field, description))

    def raise_if_any(self) -> None:
        if self.found:
            raise InvalidArgument.of(self.found)

    def text(self, value: str, field: str, *, max_len: int, required: bool = False) -> str:
        if required and not value.strip():
            self.fail(field, "is required")
        elif len(value) > max_len:
            self.fail(field, f"must be at most {max_len} characters, not {len(value)}")
        elif "\x00" in value:
            self.fail(field, "must not contain NUL characters")
        return value

    def date(self, value: str, field: str, *, required: bool = False) -> dt.date | None:
        if not value:
            if required:
                self.fail(field, "is required (YYYY-MM-DD)")
            return None
        try:
            if not DATE.match(value):
                raise ValueError(value)
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.fail(field, f"must be a date YYYY-MM-DD, not {value[:40]!r}")
            return None
        if not 1900 <= day.year <= 2200:
            self.fail(field, "must be between 1900 and 2200")
            return None
        return day

    def timestamp(self, value: timestamp_pb2.Timestamp, field: str) -> dt.datetime | None:
        """The moment as an aware datetime, or None (and a violation) when out of range."""
        try:
            return value.ToDatetime(tzinfo=dt.UTC)
        except (ValueError, OverflowError):
            self.fail(field, "must be a valid timestamp between the years 1 and 9999")
            return None

    def number(self, value: float, field: str, *, low: float, high: float) -> float:
        if not math.isfinite(value) or not low <= value <= high:
            self.fail(field, f"must be between {low:g} and {high:g}")
        return value

    def time_zone(self, value: str, field: str) -> str:
        # Looked up in the list of zones, never opened as given: ZoneInfo turns the name into
        # a file path, and a name longer than the file system allows raised OSError (found by
        # the fuzzer as an INTERNAL error).
        if value not in _time_zones():
            self.fail(field, f"must be an IANA time zone such as Europe/Berlin, not {value[:60]!r}")
        return value

    def weekdays(self, days: Sequence[int], field: str) -> None:
        if len(days) > 7 or len(set(days)) != len(days) or any(not 1 <= d <= 7 for d in days):
            self.fail(field, "must be distinct ISO weekdays 1 (Monday) to 7 (Sunday)")

    def skills(self, skills: Iterable[tuple[str, int]], field: str) -> None:
        seen: set[str] = set()
        for i, (name, level) in enumerate(skills):
            if i >= 50:
                self.fail(field, "must have at most 50 skills")
                return
            if not SKILL.match(name):
                self.fail(f"{field}[{i}].skill", "must be 1-64 lower-case characters")
            elif name in seen:
                self.fail(f"{field}[{i}].skill", f"{name!r} appears twice")
            seen.add(name)
            if not 1 <= level <= 5:
                self.fail(f"{field}[{i}].level", "must be 1 to 5")

    def strings(
        self, values: Sequence[str], field: str, *, max_len: int = 64, max_items: int = MAX_LIST
    ) -> None:
        if len(values) > max_items:
            self.fail(field, f"must have at most {max_items} entries")
            return
        for i, v in enumerate(values):
            if not v.strip() or len(v) > max_len or "\x00" in v:
                self.fail(f"{field}[{i}]", f"must be 1-{max_len} characters")

    def dates(self, values: Sequence[str], field: str) -> None:
        if len(values) > 1000:
            self.fail(field, "must have at most 1000 dates")
            return
        for i, v in enumerate(values):
            self.date(v, f"{field}[{i}]", required=True)

    def email(self, value: str, field: str) -> None:
        if value and not EMAIL.match(value):
            self.fail(field, "must be an e-mail address")

    def request_id(self, value: str, field: str = "request_id") -> None:
        if len(value) > 128:
            self.fail(field, "must be at most 128 characters")


def update_paths(paths: Sequence[str], *, allowed: Sequence[str]) -> list[str]:
    """The fields an update touches; `*` means all allowed fields. An empty mask is refused
    rather than read as "everything", which would silently clear fields the caller left out."""
    if not paths:
        raise InvalidArgument.field(
            "update_mask", f"is required; name the fields or use *: {', '.join(allowed)}"
        )
    if list(paths) == ["*"]:
        return list(allowed)
    unknown = [p for p in paths if p not in allowed]
    if unknown:
        raise InvalidArgument.field(
            "update_mask", f"cannot update {', '.join(unknown)}; allowed: {', '.join(allowed)}"
        )
    return list(dict.fromkeys(paths))


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())
