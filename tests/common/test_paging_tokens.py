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
    assert paging.decode(token, query=["projects/p", ["draft"], 2]) == ["2026-05-01", 17]
    assert paging.decode("", query=query) is None
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
        paging.decode(token, query=["q"])
    assert [v.field for v in caught.value.violations] == ["page_token"]


def test_token_of_another_query_is_refused() -> None:
    token = paging.encode([5], query=["projects/p", "label-a"])
    with pytest.raises(InvalidArgument) as caught:
        paging.decode(token, query=["projects/p", "label-b"])
    assert [v.field for v in caught.value.violations] == ["page_token"]
