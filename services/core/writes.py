"""Writes that more than one servicer makes, each row with its audit entry and event.

They run in the caller's transaction; creating from a template makes a project, its tasks
and dependencies the way their own RPCs would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planops.core.v1 import project_pb2, task_pb2

from services.common.auth import CREATE_PROJECTS, Principal
from services.common.db import Connection
from services.common.errors import AlreadyExists, PermissionDenied
from services.core import convert, project_store, store, task_store
from services.core.store import Change


async def insert_task(
    conn: Connection,
    principal: Principal,
    *,
    project: str,
    values: Mapping[str, Any],
    state: str,
) -> task_pb2.Task:
    """The task and its first history entry, then its audit entry and event."""
    actor = store.actor_of(principal)
    comment = "imported" if values.get("actual_end") else "created"
    row = await task_store.insert(
        conn,
        project=project,
        state=state,
        values=values,
        actor=actor,
        comment=comment,
    )
    message = convert.task(row)
    transition = convert.transition(
        task_store.TransitionRow(
            id=row.transition_id,
            task_id=row.id,
            project_id=project,
            from_state="",
            to_state=state,
            actor=actor,
            time=row.transition_time,
            comment=comment,
        )
    )
    await store.record(
        conn,
        principal,
        Change(
            kind="task",
            verb="created",
            resource=message.name,
            project=project,
            version=1,
            before=None,
            after=message,
            transition=transition,
        ),
    )
    return message


async def insert_dependency(
    conn: Connection,
    principal: Principal,
    *,
    project: str,
    predecessor: int,
    successor: int,
    type: int,
    lag_days: int,
) -> task_pb2.Dependency:
    """The dependency (finish-to-start unless `type` says otherwise), audited and published."""
    row = await task_store.insert_dependency(
        conn,
        project=project,
        predecessor=predecessor,
        successor=successor,
        type=type or task_pb2.DEPENDENCY_TYPE_FINISH_TO_START,
        lag_days=lag_days,
    )
    created = convert.dependency(row)
    await store.record(
        conn,
        principal,
        Change(
            kind="dependency",
            verb="created",
            resource=created.name,
            project=project,
            version=1,
            before=None,
            after=created,
        ),
    )
    return created


async def require_project_creator(conn: Connection, principal: Principal) -> None:
    """Refuse unless the call may create projects: an admin, a service with the
    create-projects scope on its own, or a person (acted for or calling) whose record has the
    project_creator right. Read in the caller's transaction, so a right taken away stops the
    very next call."""
    if principal.acting_for:
        if principal.rule_project is not None:
            raise PermissionDenied(
                "an automation rule cannot create projects", reason="ROLE_REQUIRED"
            )
        person = principal.acting_for
    elif principal.admin:
        return
    elif principal.is_service:
        if CREATE_PROJECTS in principal.scopes:
            return
        person = ""
    else:
        person = principal.principal
    if person.startswith("people/") and await project_store.is_project_creator(
        conn, person.removeprefix("people/")
    ):
        return
    raise PermissionDenied(
        "creating projects needs the project_creator right (an admin grants it to a person, "
        "or the create-projects scope to a service key)",
        reason="PROJECT_CREATOR_REQUIRED",
    )


async def insert_project(
    conn: Connection,
    principal: Principal,
    *,
    project_id: str,
    values: Mapping[str, Any],
    creators: str,
) -> project_pb2.Project:
    """Create the project and make its creator a manager: the person a service acts for,
    never the service (whose key would then manage it acting for nobody). `creators` is the
    installation's PLANOPS_PROJECT_CREATORS (`granted` or `everyone`)."""
    if principal.rule_project is not None:
        raise PermissionDenied("an automation rule cannot create projects", reason="ROLE_REQUIRED")
    if creators != "everyone":
        await require_project_creator(conn, principal)
    claim = await project_store.claim_id(conn, project_id)
    if claim == "taken":
        raise AlreadyExists(f"projects/{project_id} already exists", reason="PROJECT_EXISTS")
    if claim == "retired":
        raise AlreadyExists(
            f"project_id: projects/{project_id} was deleted and its id is retired; choose another",
            reason="PROJECT_ID_RETIRED",
        )
    created = convert.project(await project_store.insert(conn, project=project_id, values=values))
    await store.record(
        conn,
        principal,
        Change(
            kind="project",
            verb="created",
            resource=created.name,
            project=project_id,
            version=1,
            before=None,
            after=created,
        ),
    )
    member = await project_store.insert_membership(
        conn, project=project_id, member=principal.member, roles=["manager"]
    )
    assert member is not None
    membership = convert.membership(member)
    await store.record(
        conn,
        principal,
        Change(
            kind="membership",
            verb="created",
            resource=membership.name,
            project=project_id,
            version=1,
            before=None,
            after=membership,
        ),
    )
    return created
