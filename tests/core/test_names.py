"""Resource names and identifiers are checked whole: `$` would let a trailing newline through."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.core import names, validate


@pytest.mark.parametrize(
    "call",
    [
        lambda: names.check_slug("promo\n", field="project_id"),
        lambda: names.project_id("projects/promo\n"),
        lambda: names.person_id("people/lin\n"),
        lambda: names.child_id("projects/promo/tasks/3\n", collection="tasks"),
        lambda: names.child_id("projects/promo/tasks/²", collection="tasks"),
    ],
)
def test_a_trailing_newline_or_a_foreign_digit_is_refused(call: object) -> None:
    with pytest.raises(InvalidArgument):
        call()  # type: ignore[operator]


def test_well_formed_names_pass() -> None:
    assert names.check_slug("promo-1212", field="project_id") == "promo-1212"
    assert names.project_id("projects/promo") == "promo"
    assert names.child_id("projects/promo/tasks/3", collection="tasks") == ("promo", 3)


def test_identifier_patterns_match_whole_values() -> None:
    assert validate.SKILL.match("copywriting")
    assert not validate.SKILL.match("copywriting\n")
    assert not validate.EMAIL.match("lin@example.com\n")
    assert not validate.DATE.match("2026-12-01\n")
