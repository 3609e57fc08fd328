"""Resource names (`projects/{project}/tasks/{task}`) parsed with the field named on error."""

from __future__ import annotations

import re

from services.common.errors import InvalidArgument

SLUG = re.compile(r"^[a-z][a-z0-9-]{0,62}\Z")
# ASCII only: str.isdigit() also takes '²' (which int() refuses) and other scripts' digits.
NUMBER = re.compile(r"^[0-9]{1,18}\Z")


def check_slug(value: str, *, field: str) -> str:
    if not SLUG.match(value):
        raise InvalidArgument.field(
            field, "must be 1-63 characters of a-z, 0-9 and '-', starting with a letter"
        )
    return value


def project_id(name: str, *, field: str = "name") -> str:
    parts = name.split("/")
    if len(parts) != 2 or parts[0] != "projects" or not SLUG.match(parts[1]):
        raise InvalidArgument.field(field, f"must be projects/{{project}}, not {name[:80]!r}")
    return parts[1]


def person_id(name: str, *, field: str = "name") -> str:
    parts = name.split("/")
    if len(parts) != 2 or parts[0] != "people" or not SLUG.match(parts[1]):
        raise InvalidArgument.field(field, f"must be people/{{person}}, not {name[:80]!r}")
    return parts[1]


def child_id(name: str, *, collection: str, field: str = "name") -> tuple[str, int]:
    """(project id, numeric id) of `projects/{p}/{collection}/{n}`."""
    parts = name.split("/")
    if (
        len(parts) != 4
        or parts[0] != "projects"
        or not SLUG.match(parts[1])
        or parts[2] != collection
        or not NUMBER.match(parts[3])
    ):
        raise InvalidArgument.field(
            field, f"must be projects/{{project}}/{collection}/{{number}}, not {name[:80]!r}"
        )
    return parts[1], int(parts[3])


def task_child_id(name: str, *, collection: str, field: str = "name") -> tuple[str, int, int]:
    """(project id, task id, child id) of `projects/{p}/tasks/{t}/{collection}/{n}`."""
    parts = name.split("/")
    if len(parts) != 6 or parts[4] != collection or not NUMBER.match(parts[5]):
        raise InvalidArgument.field(
            field, f"must be projects/{{p}}/tasks/{{t}}/{collection}/{{number}}"
        )
    project, task = child_id("/".join(parts[:4]), collection="tasks", field=field)
    return project, task, int(parts[5])


def member(value: str, *, field: str) -> str:
    """A membership's member: `people/{id}` or `services/{id}`."""
    kind, _, ident = value.partition("/")
    if kind not in {"people", "services"} or not SLUG.match(ident):
        raise InvalidArgument.field(field, "must be people/{person} or services/{service}")
    return value


def project_name(project: str) -> str:
    return f"projects/{project}"


def task_name(project: str, task: int) -> str:
    return f"projects/{project}/tasks/{task}"
