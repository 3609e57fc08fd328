"""One reading of resource names for every service: a name one accepts, all accept, spelled
one way, and a refusal names the field."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest

from services.common import names
from services.common.errors import FieldViolation, InvalidArgument

LONGEST = "p" + "a" * 62

BAD_PROJECTS = [
    "projects/promo\n",  # `$` matched before a final newline
    "projects/",
    "projects//",
    "projects/promo/",
    "/projects/promo",
    "project/promo",
    "people/promo",
    "promo",
    "",
    "projects/Promo",
    "projects/1promo",
    "projects/-promo",
    "projects/promo_1",
    "projects/pr omo",
    f"projects/{LONGEST}a",
    "projects/prómo",
    "projects/ｐromo",  # a full-width letter
    "projects/promo/tasks/3",
]


def refusal(call: Callable[[], object]) -> list[FieldViolation]:
    with pytest.raises(InvalidArgument) as caught:
        call()
    return list(caught.value.violations)


@pytest.mark.parametrize("name", BAD_PROJECTS)
def test_a_bad_project_name_is_refused_naming_the_field(name: str) -> None:
    (violation,) = refusal(lambda: names.project_id(name, field="parent"))
    assert violation.field == "parent"
    assert "projects/{project}" in violation.description


def test_well_formed_names_give_their_ids() -> None:
    assert names.project_id("projects/promo-1212") == "promo-1212"
    assert names.project_id(f"projects/{LONGEST}") == LONGEST
    assert names.person_id("people/lin") == "lin"
    assert names.child_id("projects/promo/tasks/3", collection="tasks") == ("promo", 3)
    assert names.child_id("projects/p/tasks/999999999999999999", collection="tasks") == (
        "p",
        999_999_999_999_999_999,
    )
    assert names.child_slug("projects/promo/rules/on-done", collection="rules") == (
        "promo",
        "on-done",
    )
    assert names.grandchild_id(
        "projects/promo/webhooks/2/deliveries/9", parent="webhooks", collection="deliveries"
    ) == ("promo", 2, 9)
    assert names.member("services/planner", field="member") == "services/planner"
    assert names.check_slug("promo", field="project_id") == "promo"


@pytest.mark.parametrize(
    "name",
    [
        "projects/promo/tasks/3\n",
        "projects/promo/tasks/²",  # str.isdigit() takes it, int() refuses it: was INTERNAL
        "projects/promo/tasks/٣",  # \d takes it
        "projects/promo/tasks/03",  # a second spelling of task 3
        "projects/promo/tasks/0",  # no id is 0
        "projects/promo/tasks/-3",
        "projects/promo/tasks/",
        "projects/promo/tasks/1000000000000000000",  # beyond a bigint's 18 digits
        "projects/promo/tasks/3/comments/4",
        "projects/promo/comments/3",  # another collection
        "projects/Promo/tasks/3",
        "tasks/3",
    ],
)
def test_a_bad_child_name_is_refused_naming_the_field(name: str) -> None:
    (violation,) = refusal(lambda: names.child_id(name, collection="tasks", field="task"))
    assert violation.field == "task"
    assert "projects/{project}/tasks/{number}" in violation.description


def test_a_child_of_another_project_is_refused_when_one_is_required() -> None:
    call = partial(names.child_id, collection="tasks", field="what_if.durations[0].task")
    assert call("projects/promo/tasks/3", project="promo") == ("promo", 3)
    (violation,) = refusal(lambda: call("projects/other/tasks/3", project="promo"))
    assert violation == FieldViolation(
        "what_if.durations[0].task", "must be in projects/promo, not 'projects/other/tasks/3'"
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: names.check_slug("promo\n", field="f"),
        lambda: names.check_slug("", field="f"),
        lambda: names.person_id("people/lin\n", field="f"),
        lambda: names.person_id("people/", field="f"),
        lambda: names.person_id("services/lin", field="f"),
        lambda: names.member("people/lin\n", field="f"),
        lambda: names.member("robots/lin", field="f"),
        lambda: names.child_slug("projects/p/rules/On", collection="rules", field="f"),
        lambda: names.child_slug("projects/p/rules/x\n", collection="rules", field="f"),
        lambda: names.child_slug("projects/p/hooks/x", collection="rules", field="f"),
        lambda: names.grandchild_id(
            "projects/p/webhooks/2/deliveries/09",
            parent="webhooks",
            collection="deliveries",
            field="f",
        ),
        lambda: names.grandchild_id(
            "projects/p/tasks/2/deliveries/9", parent="webhooks", collection="deliveries", field="f"
        ),
        lambda: names.grandchild_id(
            "projects/p/webhooks/²/deliveries/9",
            parent="webhooks",
            collection="deliveries",
            field="f",
        ),
    ],
)
def test_every_kind_of_name_is_read_whole_and_names_the_field(call: Callable[[], object]) -> None:
    assert [v.field for v in refusal(call)] == ["f"]


def test_a_long_bad_name_is_quoted_short() -> None:
    (violation,) = refusal(lambda: names.project_id("projects/" + "x" * 10_000, field="parent"))
    assert len(violation.description) < 150


def test_problems_collects_a_refusal_instead_of_raising() -> None:
    person = partial(names.person_id, field="items[2].owner")
    assert names.problems(person, "people/lin") == []
    assert [v.field for v in names.problems(person, "people/lin\n")] == ["items[2].owner"]
