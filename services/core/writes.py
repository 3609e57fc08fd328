"""Writes that more than one servicer makes, each row with its audit entry and event.

They run in the caller's transaction; creating from a template makes a project, its tasks
and dependencies the way their own RPCs would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planops.core.v1 import task_pb2

from services.common.auth import Principal
from services.common.db import Connection
from services.core import convert, store, task_store
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
