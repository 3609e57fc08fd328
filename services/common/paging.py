"""Opaque page tokens for keyset pagination: stable while rows are inserted."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from services.common.errors import InvalidArgument

Row = TypeVar("Row")

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


def page_size(
    requested: int, *, default: int = DEFAULT_PAGE_SIZE, largest: int = MAX_PAGE_SIZE
) -> int:
    if requested < 0:
        raise InvalidArgument.field("page_size", "must not be negative")
    return min(requested or default, largest)


def _fingerprint(query: Any) -> str:
    return hashlib.sha256(json.dumps(query, sort_keys=True, default=str).encode()).hexdigest()[:12]


def encode(last_key: list[Any], *, query: Any) -> str:
    """A token resuming after `last_key`; it is only valid for the same query."""
    raw = json.dumps({"k": last_key, "q": _fingerprint(query)}, default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def page(
    rows: list[Row], size: int, *, key: Callable[[Row], list[Any]], query: Any
) -> tuple[list[Row], str]:
    """The first `size` rows (the query fetched one more to learn whether a page follows)
    and the token for the next page, empty on the last."""
    if len(rows) <= size:
        return rows, ""
    rows = rows[:size]
    return rows, encode(key(rows[-1]), query=query)


def integer(value: Any) -> int:
    """A key part that is a bigint."""
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
        raise ValueError(value)
    return value


def text(value: Any) -> str:
    """A key part that is a text column."""
    if not isinstance(value, str) or len(value) > 1000 or "\x00" in value:
        raise ValueError(value)
    return value


def day(value: Any) -> str:
    """A key part that is a date (or the `infinity` that sorts undated rows last)."""
    if text(value) != "infinity":
        dt.date.fromisoformat(value)
    return str(value)


def moment(value: Any) -> str:
    """A key part that is a timestamp with time zone."""
    dt.datetime.fromisoformat(text(value))
    return str(value)


KeyShape = Sequence[Callable[[Any], Any]]


def decode(token: str, *, query: Any, shape: KeyShape) -> list[Any] | None:
    """The key a token resumes after, each part checked by `shape` (the parsers of the parts
    `page` encodes). The fingerprint is no secret, so a client can forge a token: a key of
    the wrong shape is refused here rather than failing in the database."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        key, fingerprint = data["k"], data["q"]
    except (ValueError, KeyError, TypeError):
        raise InvalidArgument.field("page_token", "is not a token this server issued") from None
    if fingerprint != _fingerprint(query) or not isinstance(key, list):
        raise InvalidArgument.field("page_token", "belongs to a list call with other filters")
    try:
        if len(key) != len(shape):
            raise ValueError(key)
        return [parse(part) for parse, part in zip(shape, key, strict=True)]
    except (ValueError, TypeError):
        raise InvalidArgument.field("page_token", "is not a token this server issued") from None
