"""The planner reads resource names exactly as core writes them."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.planner import convert


@pytest.mark.parametrize(
    "name", ["projects/p\n", "projects/p/x", "projects/P", "project/p", "projects/"]
)
def test_a_project_name_core_would_refuse_is_refused_here_too(name: str) -> None:
    with pytest.raises(InvalidArgument):
        convert.project_id(name, field="project")


def test_a_proposal_name_with_a_trailing_newline_is_refused() -> None:
    assert convert.proposal_id("projects/p/proposals/4") == ("p", 4)
    with pytest.raises(InvalidArgument):
        convert.proposal_id("projects/p/proposals/4\n")
