"""Resource names (`projects/{project}/tasks/{task}`), one definition for every service.

Each parser returns the ids a name holds or raises `InvalidArgument` naming the field, so a
name any service accepts is accepted by all, and spelled one way: `\\Z`, not `$` (which also
matches before a final newline); ASCII digits, not `\\d` or `str.isdigit()` (which take '٣'
and '²'); no leading zero, so `tasks/7` and `tasks/007` are not two names of one task.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from services.common.errors import FieldViolation, InvalidArgument

SLUG_PATTERN = "[a-z][a-z0-9-]{0,62}"
# Ids come from sequences that start at 1; 18 digits fit a PostgreSQL bigint.
NUMBER_PATTERN = "[1-9][0-9]{0,17}"
SLUG = re.compile(rf"^{SLUG_PATTERN}\Z")
NUMBER = re.compile(rf"^{NUMBER_PATTERN}\Z")
_SHOWN = 80


def _shown(name: str) -> str:
    return repr(name[:_SHOWN])


def check_slug(value: str, *, field: str) -> str:
    if not SLUG.match(value):
        raise InvalidArgument.field(
            field, "must be 1-63 characters of a-z, 0-9 and '-', starting with a letter"
        )
    return value


def project_id(name: str, *, field: str = "name") -> str:
    parts = name.split("/")
    if len(parts) != 2 or parts[0] != "projects" or not SLUG.match(parts[1]):
        raise InvalidArgument.field(field, f"must be projects/{{project}}, not {_shown(name)}")
    return parts[1]


def person_id(name: str, *, field: str = "name") -> str:
    parts = name.split("/")
    if len(parts) != 2 or parts[0] != "people" or not SLUG.match(parts[1]):
        raise InvalidArgument.field(field, f"must be people/{{person}}, not {_shown(name)}")
    return parts[1]


def member(value: str, *, field: str) -> str:
    """A membership's member: `people/{id}` or `services/{id}`."""
    kind, _, ident = value.partition("/")
    if kind not in {"people", "services"} or not SLUG.match(ident):
        raise InvalidArgument.field(field, "must be people/{person} or services/{service}")
    return value


def _child(
    name: str, *, collection: str, field: str, ident: re.Pattern[str], shown: str
) -> tuple[str, str]:
    parts = name.split("/")
    if (
        len(parts) != 4
        or parts[0] != "projects"
        or not SLUG.match(parts[1])
        or parts[2] != collection
        or not ident.match(parts[3])
    ):
        raise InvalidArgument.field(
            field, f"must be projects/{{project}}/{collection}/{{{shown}}}, not {_shown(name)}"
        )
    return parts[1], parts[3]


def child_id(
    name: str, *, collection: str, field: str = "name", project: str | None = None
) -> tuple[str, int]:
    """(project id, numeric id) of `projects/{p}/{collection}/{n}`; in `project` when given."""
    found, ident = _child(name, collection=collection, field=field, ident=NUMBER, shown="number")
    if project is not None and found != project:
        raise InvalidArgument.field(field, f"must be in projects/{project}, not {_shown(name)}")
    return found, int(ident)


def child_slug(name: str, *, collection: str, field: str = "name") -> tuple[str, str]:
    """(project id, id) of `projects/{p}/{collection}/{id}` whose id is a slug, as rules'."""
    return _child(name, collection=collection, field=field, ident=SLUG, shown="id")


def grandchild_id(
    name: str, *, parent: str, collection: str, field: str = "name"
) -> tuple[str, int, int]:
    """(project id, parent id, id) of `projects/{p}/{parent}/{n}/{collection}/{m}`."""
    parts = name.split("/")
    if (
        len(parts) != 6
        or parts[0] != "projects"
        or not SLUG.match(parts[1])
        or parts[2] != parent
        or not NUMBER.match(parts[3])
        or parts[4] != collection
        or not NUMBER.match(parts[5])
    ):
        raise InvalidArgument.field(
            field,
            f"must be projects/{{project}}/{parent}/{{number}}/{collection}/{{number}}, "
            f"not {_shown(name)}",
        )
    return parts[1], int(parts[3]), int(parts[5])


def problems(parse: Callable[[str], object], name: str) -> list[FieldViolation]:
    """What `parse(name)` refuses, for callers that report every bad field at once."""
    try:
        parse(name)
    except InvalidArgument as error:
        return list(error.violations)
    return []


def project_name(project: str) -> str:
    return f"projects/{project}"


def task_name(project: str, task: int) -> str:
    return f"projects/{project}/tasks/{task}"
