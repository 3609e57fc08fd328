"""The unit of work: every mutation writes its rows, an audit entry and an outbox event together."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message
from planops.core.v1 import events_pb2, task_pb2
from psycopg.types.json import Jsonb

from services.common.auth import Principal, metadata_var, method_var
from services.common.db import Connection
from services.common.errors import FieldViolation, InvalidArgument, PermissionDenied
from services.common.logs import request_id_var
from services.core import convert

SUBJECT_PREFIX = "planops.core.v1"
ACTIONS = {
    "created": "create",
    "updated": "update",
    "deleted": "delete",
    "transitioned": "transition",
    "revoked": "revoke",
}
EVENT_FIELDS = {
    "project": "project_resource",
    "person": "person",
    "task": "task",
    "dependency": "dependency",
    "membership": "membership",
    "iteration": "iteration",
    "comment": "comment",
    "time_entry": "time_entry",
    "template": "template",
}


SYSTEM = Principal(principal="system", key="", admin=True)


@dataclass(frozen=True)
class Change:
    """One mutation of one aggregate, as the audit log and the event stream see it."""

    kind: str
    verb: str
    resource: str
    project: str | None
    version: int
    before: Message | None
    after: Message | None
    changed_fields: Sequence[str] = ()
    transition: task_pb2.TaskTransition | None = None


def actor_of(principal: Principal) -> dict[str, str]:
    """The actor recorded for the caller; services may say on whose behalf and why."""
    if principal.principal == SYSTEM.principal:
        return {"type": "system", "id": "system"}
    actor = {"type": "service" if principal.is_service else "user", "id": principal.principal}
    if principal.is_service:
        extra = metadata_var.get() or {}
        for header, key in (
            ("x-planops-on-behalf-of", "on_behalf_of"),
            ("x-planops-reference", "reference"),
            ("x-planops-model-version", "version"),
            ("x-planops-rule", "rule"),
            ("x-planops-rule-revision", "version"),
        ):
            if extra.get(header):
                actor[key] = extra[header][:200]
        if "rule" in actor:
            actor["type"] = "rule"
        elif "version" in actor:
            actor["type"] = "model"
    return actor


async def record(
    conn: Connection, principal: Principal, change: Change, *, request_id: str = ""
) -> None:
    """Write the audit entry and the outbox event of `change` in the caller's transaction.

    One statement for both rows: a round trip saved on every write.
    """
    actor = actor_of(principal)
    request = request_id or request_id_var.get()
    now = dt.datetime.now(dt.UTC)
    event = events_pb2.ChangeEvent(
        id=str(uuid.uuid4()),
        type=f"{change.kind}.{change.verb}",
        aggregate=change.resource,
        aggregate_version=change.version,
        time=convert.timestamp(now),
        actor=convert.actor(actor),
        request_id=request,
        project=f"projects/{change.project}" if change.project else "",
        changed_fields=list(change.changed_fields),
    )
    payload = change.after if change.after is not None else change.before
    field = EVENT_FIELDS.get(change.kind)
    if payload is not None and field is not None:
        getattr(event, field).CopyFrom(payload)
    if change.transition is not None:
        event.transition.CopyFrom(change.transition)
    await conn.execute(
        "WITH audit AS (INSERT INTO audit_log"
        " (time, actor, request_id, method, resource, project, action, before, after)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s))"
        " INSERT INTO outbox (event_id, subject, aggregate, aggregate_version, payload)"
        " VALUES (%s, %s, %s, %s, %s)",
        (
            now,
            Jsonb(actor),
            request,
            method_var.get() or "internal",
            change.resource,
            change.project,
            ACTIONS.get(change.verb, change.verb),
            Jsonb(convert.as_json(change.before)) if change.before is not None else None,
            Jsonb(convert.as_json(change.after)) if change.after is not None else None,
            event.id,
            f"{SUBJECT_PREFIX}.{event.type}",
            change.resource,
            change.version,
            event.SerializeToString(),
        ),
    )


@dataclass(frozen=True)
class Idempotency:
    """Where a create's request id is remembered: per caller, method and parent resource.

    The fingerprint is the request without its id, so a request id sent again with another
    request (another task's comment, a file imported into another project) is refused
    instead of answered with what the first request made.
    """

    request_id: str
    scope: str
    fingerprint: bytes

    @classmethod
    def of(cls, request: Message, *, scope: str) -> Idempotency:
        copy = type(request)()
        copy.CopyFrom(request)
        copy.ClearField("request_id")
        digest = hashlib.sha256(copy.SerializeToString(deterministic=True)).digest()
        request_id = next((str(v) for f, v in request.ListFields() if f.name == "request_id"), "")
        return cls(request_id=request_id, scope=scope, fingerprint=digest)


async def remembered(conn: Connection, principal: Principal, key: Idempotency) -> list[str] | None:
    """Resources made by an earlier call with this request id, or None for a new request.

    The row is claimed inside the caller's transaction: a concurrent retry waits on it and then
    sees the first call's result.
    """
    if not key.request_id:
        return None
    identity = (principal.principal, method_var.get(), key.scope, key.request_id)
    cur = await conn.execute(
        "INSERT INTO idempotency (principal, method, scope, request_id, fingerprint, resources)"
        " VALUES (%s, %s, %s, %s, %s, '{}') ON CONFLICT DO NOTHING RETURNING request_id",
        (*identity, key.fingerprint),
    )
    if await cur.fetchone() is not None:
        return None
    cur = await conn.execute(
        "SELECT resources, fingerprint FROM idempotency"
        " WHERE principal = %s AND method = %s AND scope = %s AND request_id = %s",
        identity,
    )
    row = await cur.fetchone()
    assert row is not None
    if row["fingerprint"] is not None and bytes(row["fingerprint"]) != key.fingerprint:
        reused = "was already used for a different request; send a new request id"
        raise InvalidArgument(
            f"request_id: {reused}",
            reason="REQUEST_ID_REUSED",
            violations=[FieldViolation("request_id", reused)],
        )
    return list(row["resources"])


async def remember(
    conn: Connection, principal: Principal, key: Idempotency, *, resources: Sequence[str]
) -> None:
    if key.request_id:
        await conn.execute(
            "UPDATE idempotency SET resources = %s"
            " WHERE principal = %s AND method = %s AND scope = %s AND request_id = %s",
            (list(resources), principal.principal, method_var.get(), key.scope, key.request_id),
        )


async def roles_in(conn: Connection, principal: Principal, project: str) -> set[str]:
    """The roles the call has in the project: its member's, or what its key grants."""
    cur = await conn.execute(
        "SELECT roles FROM memberships WHERE project_id = %s AND member = %s",
        (project, principal.member),
    )
    row = await cur.fetchone()
    return principal.granted(project, set(row["roles"]) if row else set())


def _refuse(principal: Principal, project: str, roles: Sequence[str]) -> PermissionDenied:
    who = principal.principal + (
        f" acting for {principal.acting_for}" if principal.acting_for else ""
    )
    return PermissionDenied(
        f"{who} needs the role {' or '.join(roles)} in projects/{project}",
        reason="ROLE_REQUIRED",
        metadata={"project": f"projects/{project}", "roles": ",".join(roles)},
    )


async def require_role(
    conn: Connection, principal: Principal, project: str, *roles: str
) -> set[str]:
    """The caller's roles in the project, if one of them is among `roles` (admins pass).

    Permission is checked before existence, so a stranger cannot probe for project names.
    """
    held = await roles_in(conn, principal, project)
    if not held & set(roles):
        raise _refuse(principal, project, roles)
    return held


def hash_secret(secret: str) -> bytes:
    """Keys are random 256-bit secrets, so one SHA-256 is enough (no password stretching)."""
    return hashlib.sha256(secret.encode()).digest()


def jsonb(value: Any) -> Jsonb:
    return Jsonb(json.loads(json.dumps(value)))
