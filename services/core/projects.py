"""What a project request holds: its checked column values, roles, membership names.

These read protos field by field, so the servicers and the template instantiation share one
reading of a project.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from planops.core.v1 import project_pb2

from services.common import names, workcal
from services.common.errors import InvalidArgument
from services.core import convert, store
from services.core import workflow as wf
from services.core.validate import MAX_LIST, Checks

UPDATABLE = (
    "display_name",
    "description",
    "time_zone",
    "calendar",
    "start_date",
    "deadline",
    "workflow",
    "staff_pools",
)
MAX_STAFF_POOLS = 50
STAFF_POOL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\Z")


def values(project: project_pb2.Project, checks: Checks, *, field: str) -> dict[str, Any]:
    checks.text(project.display_name, f"{field}.display_name", max_len=200, required=True)
    checks.text(project.description, f"{field}.description", max_len=10_000)
    checks.time_zone(project.time_zone or "UTC", f"{field}.time_zone")
    cal = project.calendar
    checks.weekdays(list(cal.working_days), f"{field}.calendar.working_days")
    checks.number(cal.hours_per_day or 8.0, f"{field}.calendar.hours_per_day", low=1, high=24)
    if cal.holiday_country and not workcal.supported_country(cal.holiday_country):
        checks.fail(
            f"{field}.calendar.holiday_country",
            f"{cal.holiday_country!r} is not a supported country code",
        )
    elif cal.holiday_subdivision and not workcal.supported_subdivision(
        cal.holiday_country, cal.holiday_subdivision
    ):
        checks.fail(
            f"{field}.calendar.holiday_subdivision", "is not a subdivision of holiday_country"
        )
    checks.dates(list(cal.days_off), f"{field}.calendar.days_off")
    checks.dates(list(cal.extra_working_days), f"{field}.calendar.extra_working_days")
    start = checks.date(project.start_date, f"{field}.start_date")
    deadline = checks.date(project.deadline, f"{field}.deadline")
    if start and deadline and deadline < start:
        checks.fail(f"{field}.deadline", "must not be before start_date")
    flow = convert.workflow_from_proto(project.workflow) if project.workflow.states else wf.DEFAULT
    checks.found.extend(wf.check(flow, field=f"{field}.workflow"))
    pools = staff_pools_json(project.staff_pools, checks, field=f"{field}.staff_pools")
    return {
        "display_name": project.display_name.strip(),
        "description": project.description,
        "time_zone": project.time_zone or "UTC",
        "calendar": store.jsonb(convert.calendar_to_json(cal)),
        "start_date": start,
        "deadline": deadline,
        "workflow": store.jsonb(flow.to_json()),
        "staff_pools": store.jsonb(pools),
    }


def staff_pools_json(
    pools: Sequence[project_pb2.StaffPool], checks: Checks, *, field: str
) -> list[dict[str, Any]]:
    """The staff pools as stored, recording every bad field (members are checked to exist
    by `pool_members_missing`)."""
    if len(pools) > MAX_STAFF_POOLS:
        checks.fail(field, f"must have at most {MAX_STAFF_POOLS} staff pools")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, pool in enumerate(pools[:MAX_STAFF_POOLS]):
        where = f"{field}[{i}]"
        if not STAFF_POOL_ID.match(pool.id):
            checks.fail(f"{where}.id", "must be 1-63 lower-case letters, digits and hyphens")
        elif pool.id in seen:
            checks.fail(f"{where}.id", f"{pool.id!r} appears twice")
        seen.add(pool.id)
        checks.text(pool.display_name, f"{where}.display_name", max_len=200)
        if not 1 <= len(pool.members) <= MAX_LIST:
            checks.fail(f"{where}.members", f"must name 1 to {MAX_LIST} people")
        members: list[str] = []
        for k, member in enumerate(pool.members[:MAX_LIST]):
            try:
                person = names.person_id(member, field=f"{where}.members[{k}]")
            except InvalidArgument as error:
                checks.found.extend(error.violations)
                continue
            if person in members:
                checks.fail(f"{where}.members[{k}]", f"{member} appears twice")
            members.append(person)
        checks.weekdays(list(pool.working_days), f"{where}.working_days")
        checks.dates(list(pool.days_off), f"{where}.days_off")
        out.append(
            {
                "id": pool.id,
                "displayName": pool.display_name,
                "members": [f"people/{m}" for m in members],
                "workingDays": list(pool.working_days) or [1, 2, 3, 4, 5],
                "daysOff": sorted(set(pool.days_off)),
            }
        )
    return out


def pool_members(pools: Sequence[project_pb2.StaffPool]) -> list[str]:
    """Every person id the staff pools name, once each."""
    return sorted({m.removeprefix("people/") for pool in pools for m in pool.members})


def check_pool_members(
    pools: Sequence[project_pb2.StaffPool], *, known: set[str], field: str
) -> None:
    """INVALID_ARGUMENT naming every staff pool member who is not in `known` (the people who
    exist)."""
    checks = Checks()
    for i, pool in enumerate(pools):
        for k, member in enumerate(pool.members):
            if member.removeprefix("people/") not in known:
                checks.fail(f"{field}[{i}].members[{k}]", f"{member} does not exist")
    checks.raise_if_any()


def roles(values: list[int]) -> list[str]:
    if not values:
        raise InvalidArgument.field("membership.roles", "must name at least one role")
    try:
        return sorted({convert.ROLE_FROM_PROTO[v] for v in values})
    except KeyError:
        raise InvalidArgument.field("membership.roles", "holds an unknown role") from None


def membership_name(name: str, *, field: str) -> tuple[str, str]:
    """(project id, member) of `projects/{project}/memberships/{people|services}/{id}`.

    The member's kind is part of the name: `projects/{p}/memberships/{id}`, the old form,
    named a person and a service with the same id alike, so it is refused.
    """
    parts = name.split("/")
    if len(parts) != 5 or parts[2] != "memberships":
        raise InvalidArgument.field(
            field,
            "must be projects/{project}/memberships/people/{person} or "
            "projects/{project}/memberships/services/{service}",
        )
    project = names.project_id("/".join(parts[:2]), field=field)
    member = names.member("/".join(parts[3:]), field=field)
    return project, member
