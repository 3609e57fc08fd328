"""planops.core.v1.TemplateService, and the built-in templates seeded at start."""

from __future__ import annotations

import datetime as dt
import json
import logging
from importlib import resources
from typing import Any

from google.protobuf import json_format
from planops.core.v1 import (
    project_pb2,
    task_pb2,
    template_pb2,
    template_service_pb2,
    template_service_pb2_grpc,
)
from psycopg_pool import AsyncConnectionPool

from services.common import names, paging, workcal
from services.common.auth import Principal, current_principal
from services.common.db import Connection, transaction
from services.common.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound
from services.common.server import Context
from services.core import convert, graph, project_store, projects, store, template_store
from services.core.access import require_admin
from services.core.store import SYSTEM, Change
from services.core.template_store import TemplateRow
from services.core.validate import Checks
from services.core.workflow import Workflow
from services.core.writes import insert_dependency, insert_project, insert_task

log = logging.getLogger(__name__)


def check_template(template: template_pb2.Template, checks: Checks) -> None:
    checks.text(template.display_name, "template.display_name", max_len=200, required=True)
    checks.text(template.description, "template.description", max_len=10_000)
    checks.text(template.anchor, "template.anchor", max_len=100)
    if not 1 <= len(template.tasks) <= 500:
        checks.fail("template.tasks", "must hold 1 to 500 tasks")
    keys: dict[str, int] = {}
    for i, t in enumerate(template.tasks):
        field = f"template.tasks[{i}]"
        if not t.key or not names.SLUG.match(t.key.replace("_", "-")):
            checks.fail(f"{field}.key", "must be a lower-case key")
        elif t.key in keys:
            checks.fail(f"{field}.key", f"{t.key!r} appears twice")
        keys[t.key] = i
        checks.text(t.title, f"{field}.title", max_len=500, required=True)
        if not 1 <= t.duration_days <= 365:
            checks.fail(f"{field}.duration_days", "must be 1 to 365")
        if not -3650 <= t.start_offset_days <= 3650:
            checks.fail(f"{field}.start_offset_days", "must be within ten years of the anchor")
        checks.number(t.estimate_hours, f"{field}.estimate_hours", low=0, high=100_000)
        checks.skills([(s.skill, s.level) for s in t.required_skills], f"{field}.required_skills")
    edges: list[tuple[int, int]] = []
    for i, d in enumerate(template.dependencies):
        for end in ("predecessor_key", "successor_key"):
            if getattr(d, end) not in keys:
                checks.fail(f"template.dependencies[{i}].{end}", "names no task of the template")
        if d.predecessor_key in keys and d.successor_key in keys:
            a, b = keys[d.predecessor_key], keys[d.successor_key]
            if graph.path(edges, start=b, goal=a) is not None or a == b:
                checks.fail(f"template.dependencies[{i}]", "closes a cycle")
            else:
                edges.append((a, b))


def builtin_templates() -> dict[str, template_pb2.Template]:
    found = {}
    for file in resources.files("services.core.templates").iterdir():
        if file.name.endswith(".json"):
            found[file.name.removesuffix(".json")] = json_format.ParseDict(
                json.loads(file.read_text(encoding="utf-8")), template_pb2.Template()
            )
    return found


async def seed_templates(pool: AsyncConnectionPool[Connection]) -> None:
    """Add the built-in templates that are missing; an edited or deleted one is left alone."""
    for template_id, template in builtin_templates().items():
        async with transaction(pool) as conn:
            row = await template_store.insert(
                conn,
                template=template_id,
                display_name=template.display_name,
                description=template.description,
                anchor=template.anchor,
                body=store.jsonb(convert.template_body(template)),
            )
            if row is not None:
                created = convert.template(row)
                await store.record(
                    conn,
                    SYSTEM,
                    Change(
                        kind="template",
                        verb="created",
                        resource=created.name,
                        project=None,
                        version=1,
                        before=None,
                        after=created,
                    ),
                )
                log.info("seeded %s", created.name)


class TemplateServicer(template_service_pb2_grpc.TemplateServiceServicer):
    def __init__(
        self, pool: AsyncConnectionPool[Connection], *, project_creators: str = "granted"
    ) -> None:
        self.project_creators = project_creators
        self.pool = pool

    async def CreateTemplate(
        self, request: template_service_pb2.CreateTemplateRequest, context: Context
    ) -> template_service_pb2.CreateTemplateResponse:
        principal = current_principal()
        checks = Checks()
        try:
            template_id = names.check_slug(request.template_id, field="template_id")
        except InvalidArgument as error:
            checks.found.extend(error.violations)
            template_id = ""
        check_template(request.template, checks)
        checks.raise_if_any()
        require_admin(principal, "create templates")
        t = request.template
        async with transaction(self.pool) as conn:
            row = await template_store.insert(
                conn,
                template=template_id,
                display_name=t.display_name,
                description=t.description,
                anchor=t.anchor,
                body=store.jsonb(convert.template_body(t)),
            )
            if row is None:
                raise AlreadyExists(
                    f"templates/{template_id} already exists", reason="TEMPLATE_EXISTS"
                )
            created = convert.template(row)
            await store.record(
                conn,
                principal,
                Change(
                    kind="template",
                    verb="created",
                    resource=created.name,
                    project=None,
                    version=1,
                    before=None,
                    after=created,
                ),
            )
        return template_service_pb2.CreateTemplateResponse(template=created)

    async def GetTemplate(
        self, request: template_service_pb2.GetTemplateRequest, context: Context
    ) -> template_service_pb2.GetTemplateResponse:
        async with transaction(self.pool) as conn:
            return template_service_pb2.GetTemplateResponse(
                template=convert.template(await _row(conn, request.name))
            )

    async def ListTemplates(
        self, request: template_service_pb2.ListTemplatesRequest, context: Context
    ) -> template_service_pb2.ListTemplatesResponse:
        size = paging.page_size(request.page_size)
        after = paging.decode(request.page_token, query=["templates"], shape=[paging.text])
        async with transaction(self.pool) as conn:
            rows = await template_store.page(conn, after=after[0] if after else "", limit=size + 1)
        rows, token = paging.page(rows, size, key=lambda last: [last.id], query=["templates"])
        return template_service_pb2.ListTemplatesResponse(
            templates=[convert.template(r) for r in rows], next_page_token=token
        )

    async def DeleteTemplate(
        self, request: template_service_pb2.DeleteTemplateRequest, context: Context
    ) -> template_service_pb2.DeleteTemplateResponse:
        principal = current_principal()
        require_admin(principal, "delete templates")
        async with transaction(self.pool) as conn:
            row = await _row(conn, request.name)
            await template_store.delete(conn, row.id)
            await store.record(
                conn,
                principal,
                Change(
                    kind="template",
                    verb="deleted",
                    resource=request.name,
                    project=None,
                    version=row.version + 1,
                    before=convert.template(row),
                    after=None,
                ),
            )
        return template_service_pb2.DeleteTemplateResponse()

    async def InstantiateTemplate(
        self, request: template_service_pb2.InstantiateTemplateRequest, context: Context
    ) -> template_service_pb2.InstantiateTemplateResponse:
        checks = Checks()
        try:
            project_id = names.check_slug(request.project_id, field="project_id")
        except InvalidArgument as error:
            checks.found.extend(error.violations)
            project_id = ""
        anchor = checks.date(request.anchor_date, "anchor_date", required=True)
        checks.request_id(request.request_id)
        project = request.project
        values = projects.values(project, checks, field="project")
        checks.raise_if_any()
        assert anchor is not None
        principal = current_principal()
        key = store.Idempotency.of(request, scope="")
        async with transaction(self.pool) as conn:
            earlier = await store.remembered(conn, principal, key)
            if earlier is not None:
                row = await project_store.find(conn, names.project_id(earlier[0]))
                if row is None:
                    raise NotFound(f"{earlier[0]} was created by this request and since deleted")
                return template_service_pb2.InstantiateTemplateResponse(
                    project=convert.project(row), task_count=len(earlier) - 1
                )
            template = convert.template(await _row(conn, request.template, field="template"))
            created, count = await instantiate(
                conn,
                principal,
                template=template,
                project_id=project_id,
                values=values,
                anchor=anchor,
                creators=self.project_creators,
            )
            await store.remember(
                conn,
                principal,
                key,
                resources=[created.name, *(["task"] * count)],
            )
        return template_service_pb2.InstantiateTemplateResponse(project=created, task_count=count)


async def instantiate(
    conn: Connection,
    principal: Principal,
    *,
    template: template_pb2.Template,
    project_id: str,
    values: dict[str, Any],
    anchor: dt.date,
    creators: str,
) -> tuple[project_pb2.Project, int]:
    """Create the project, its tasks dated on its calendar from `anchor`, and their dependencies;
    the project and how many tasks it has."""
    cal = workcal.calendar_of(values["calendar"].obj)
    dated = []
    for t in template.tasks:
        start = cal.add_working_days(anchor, t.start_offset_days)
        dated.append((t, start, cal.add_working_days(start, t.duration_days - 1)))
    if values["start_date"] is None:
        values = {**values, "start_date": min(start for _, start, _ in dated)}
    created = await insert_project(
        conn, principal, project_id=project_id, values=values, creators=creators
    )
    flow = Workflow.from_json(values["workflow"].obj)
    ids: dict[str, int] = {}
    for t, start, end in dated:
        task = await insert_task(
            conn,
            principal,
            project=project_id,
            state=flow.initial_state,
            values={
                "title": t.title,
                "description": t.description,
                "priority": t.priority or task_pb2.PRIORITY_MEDIUM,
                "assignee": None,
                "required_skills": convert.skills_json(t.required_skills),
                "estimate_hours": t.estimate_hours,
                "planned_start": start,
                "planned_end": end,
                "due_date": end,
                "labels": list(t.labels),
                "source": task_pb2.TASK_SOURCE_TEMPLATE,
                "source_ref": f"{template.name}#{t.key}",
            },
        )
        ids[t.key] = names.child_id(task.name, collection="tasks")[1]
    for d in template.dependencies:
        await insert_dependency(
            conn,
            principal,
            project=project_id,
            predecessor=ids[d.predecessor_key],
            successor=ids[d.successor_key],
            type=d.type,
            lag_days=d.lag_days,
        )
    return created, len(dated)


async def _row(conn: Connection, name: str, *, field: str = "name") -> TemplateRow:
    kind, _, template_id = name.partition("/")
    if kind != "templates" or not template_id:
        raise InvalidArgument.of([FieldViolation(field, "must be templates/{template}")])
    row = await template_store.find(conn, template_id)
    if row is None:
        raise NotFound(f"{name} does not exist", reason="TEMPLATE_NOT_FOUND")
    return row
