from __future__ import annotations

import base64
import json

import pytest

from services.common import paging
from services.common.errors import InvalidArgument


def test_page_size_defaults_and_caps() -> None:
    assert paging.page_size(0) == 50
    assert paging.page_size(7) == 7
    assert paging.page_size(501) == 500
    with pytest.raises(InvalidArgument) as caught:
        paging.page_size(-1)
    assert [v.field for v in caught.value.violations] == ["page_size"]


def test_token_round_trips_for_the_same_query() -> None:
    query = ["projects/p", ["draft"], 2]
    token = paging.encode(["2026-05-01", 17], query=query)
    shape = [paging.day, paging.integer]
    assert paging.decode(token, query=["projects/p", ["draft"], 2], shape=shape) == [
        "2026-05-01",
        17,
    ]
    assert paging.decode("", query=query, shape=shape) is None
    assert "=" not in token


@pytest.mark.parametrize(
    "token",
    [
        "garbage!",
        "e30",  # {}
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'"k"').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(json.dumps({"k": 1, "q": "x"}).encode()).decode(),
    ],
)
def test_foreign_tokens_are_refused_naming_page_token(token: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        paging.decode(token, query=["q"], shape=[paging.integer])
    assert [v.field for v in caught.value.violations] == ["page_token"]


def test_token_of_another_query_is_refused() -> None:
    token = paging.encode([5], query=["projects/p", "label-a"])
    with pytest.raises(InvalidArgument) as caught:
        paging.decode(token, query=["projects/p", "label-b"], shape=[paging.integer])
    assert [v.field for v in caught.value.violations] == ["page_token"]


@pytest.mark.parametrize(
    ("key", "shape"),
    [
        ([{"a": 1}], [paging.text]),
        (["7"], [paging.integer]),
        ([True], [paging.integer]),
        ([2**70], [paging.integer]),
        ([], [paging.integer]),
        ([1, 2], [paging.integer]),
        (["not a day", 3], [paging.day, paging.integer]),
        (["yesterday", "k"], [paging.moment, paging.text]),
        (["a\x00b"], [paging.text]),
    ],
)
def test_forged_keys_of_the_wrong_shape_are_refused(
    key: list[object], shape: paging.KeyShape
) -> None:
    """The fingerprint is no secret: a client can make a token with any key."""
    token = paging.encode(key, query=["q"])
    with pytest.raises(InvalidArgument) as caught:
        paging.decode(token, query=["q"], shape=shape)
    assert [v.field for v in caught.value.violations] == ["page_token"]


def test_keys_of_the_right_shape_pass() -> None:
    token = paging.encode(["infinity", 4], query=["q"])
    assert paging.decode(token, query=["q"], shape=[paging.day, paging.integer]) == ["infinity", 4]
    token = paging.encode(["2026-05-01T10:00:00+00:00", "abc"], query=["q"])
    shape = [paging.moment, paging.text]
    assert paging.decode(token, query=["q"], shape=shape) == ["2026-05-01T10:00:00+00:00", "abc"]
