"""planops.automation.v1.AutomationService: proto in, checks and store, proto out."""

from __future__ import annotations

import datetime as dt
import logging

import grpc
from planops.automation.v1 import automation_service_pb2, automation_service_pb2_grpc, rule_pb2
from planops.core.v1 import project_service_pb2

from services.automation import (
    convert,
    defaults,
    egress,
    messages,
    platforms,
    rules,
    store,
    webhooks,
)
from services.automation.store import RuleRecord
from services.common import metrics, names, paging
from services.common.auth import current_principal
from services.common.core_client import CoreClient, translate
from services.common.db import Connection, connection, transaction
from services.common.errors import (
    Aborted,
    AlreadyExists,
    FieldViolation,
    InvalidArgument,
    NotFound,
)
from services.common.server import Context

log = logging.getLogger(__name__)

MANAGERS = ("manager",)
RULE_FIELDS = ("display_name", "description", "enabled", "trigger", "conditions", "actions")
DELIVERY_STATE_NAMES = {v: k for k, v in convert.DELIVERY_STATES.items()}


class AutomationServicer(automation_service_pb2_grpc.AutomationServiceServicer):
    def __init__(
        self, *, pool: store.Pool, core: CoreClient, policy: egress.EgressPolicy | None = None
    ) -> None:
        self.pool = pool
        self.core = core
        self.policy = policy or egress.EgressPolicy.default()

    async def _manager(self, project: str) -> str:
        principal = current_principal()
        await self.core.require_role(principal, project, MANAGERS)
        return principal.principal

    async def _states(self, project: str) -> set[str]:
        try:
            reply = await self.core.projects.GetProject(
                project_service_pb2.GetProjectRequest(name=f"projects/{project}"),
                metadata=self.core.metadata(),
                timeout=self.core.timeout,
            )
        except grpc.RpcError as error:
            raise translate(error, what=f"reading projects/{project}") from error
        return {s.id for s in reply.project.workflow.states}

    # -------------------------------------------------------------------------- webhooks

    async def CreateWebhook(
        self, request: automation_service_pb2.CreateWebhookRequest, context: Context
    ) -> automation_service_pb2.CreateWebhookResponse:
        project = names.project_id(request.parent, field="parent")
        w = request.webhook
        kind = self._kind(request)
        creator = await self._manager(project)
        generic = kind == platforms.Kind.GENERIC
        secret = webhooks.new_secret() if generic else request.signing_secret
        async with transaction(self.pool) as conn:
            row = await store.insert_webhook(
                conn,
                project=project,
                url=w.url,
                event_types=list(dict.fromkeys(w.event_types)),
                description=w.description,
                enabled=True,
                secret=secret,
                creator=creator,
                request_id=request.request_id,
                kind=kind.value,
                language=w.language,
            )
        if row is None:
            async with connection(self.pool) as conn:
                earlier = await store.webhook_by_request(
                    conn, project, request_id=request.request_id
                )
            assert earlier is not None
            return automation_service_pb2.CreateWebhookResponse(webhook=convert.webhook(earlier))
        log.info("%s webhook %s created for %s", kind.value, row.id, project)
        return automation_service_pb2.CreateWebhookResponse(
            webhook=convert.webhook(row), secret=secret if generic else ""
        )

    def _kind(self, request: automation_service_pb2.CreateWebhookRequest) -> platforms.Kind:
        """The webhook's kind, once every field of the request is known good."""
        w = request.webhook
        problems = webhooks.check(w.url, list(w.event_types), w.description, policy=self.policy)
        kind = convert.KINDS.get(w.kind)
        if kind is None:
            problems.append(FieldViolation("webhook.kind", "is not a kind this server knows"))
        else:
            if not any(p.field == "webhook.url" for p in problems):
                problems += platforms.url_problems(kind, w.url)
            problems += platforms.secret_problems(kind, request.signing_secret)
        if w.language and w.language not in messages.LANGUAGES:
            problems.append(
                FieldViolation("webhook.language", f"must be {' or '.join(messages.LANGUAGES)}")
            )
        if len(request.request_id) > 128:
            problems.append(FieldViolation("request_id", "must be at most 128 characters"))
        if problems:
            raise InvalidArgument.of(problems)
        assert kind is not None
        return kind

    async def ListWebhooks(
        self, request: automation_service_pb2.ListWebhooksRequest, context: Context
    ) -> automation_service_pb2.ListWebhooksResponse:
        project = names.project_id(request.parent, field="parent")
        size = paging.page_size(request.page_size)
        after = paging.decode(
            request.page_token, query=["webhooks", project], shape=[paging.integer]
        )
        await self._manager(project)
        async with connection(self.pool) as conn:
            rows = await store.webhooks(
                conn, project, after=after[0] if after else 0, limit=size + 1
            )
        rows, token = paging.page(rows, size, key=lambda r: [r.id], query=["webhooks", project])
        return automation_service_pb2.ListWebhooksResponse(
            webhooks=[convert.webhook(r) for r in rows], next_page_token=token
        )

    async def DeleteWebhook(
        self, request: automation_service_pb2.DeleteWebhookRequest, context: Context
    ) -> automation_service_pb2.DeleteWebhookResponse:
        project, webhook_id = names.child_id(request.name, collection="webhooks")
        await self._manager(project)
        async with transaction(self.pool) as conn:
            if not await store.delete_webhook(conn, project, webhook_id=webhook_id):
                raise NotFound(f"{request.name} does not exist", reason="WEBHOOK_NOT_FOUND")
        return automation_service_pb2.DeleteWebhookResponse()

    async def ListDeliveries(
        self, request: automation_service_pb2.ListDeliveriesRequest, context: Context
    ) -> automation_service_pb2.ListDeliveriesResponse:
        project, webhook_id = names.child_id(request.parent, collection="webhooks", field="parent")
        state = DELIVERY_STATE_NAMES.get(request.state, "")
        query = ["deliveries", project, webhook_id, state]
        size = paging.page_size(request.page_size)
        before = paging.decode(request.page_token, query=query, shape=[paging.integer])
        await self._manager(project)
        async with connection(self.pool) as conn:
            if await store.webhook(conn, project, webhook_id=webhook_id) is None:
                raise NotFound(f"{request.parent} does not exist", reason="WEBHOOK_NOT_FOUND")
            rows = await store.deliveries(
                conn, webhook_id, state=state, before=before[0] if before else None, limit=size + 1
            )
        rows, token = paging.page(rows, size, key=lambda r: [r.id], query=query)
        return automation_service_pb2.ListDeliveriesResponse(
            deliveries=[convert.delivery(r) for r in rows], next_page_token=token
        )

    async def Redeliver(
        self, request: automation_service_pb2.RedeliverRequest, context: Context
    ) -> automation_service_pb2.RedeliverResponse:
        project, webhook_id, delivery_id = names.grandchild_id(
            request.name, parent="webhooks", collection="deliveries"
        )
        await self._manager(project)
        async with transaction(self.pool) as conn:
            if await store.webhook(conn, project, webhook_id=webhook_id) is None:
                raise NotFound(f"{request.name} does not exist", reason="DELIVERY_NOT_FOUND")
            row = await store.redeliver(conn, webhook_id, delivery_id=delivery_id)
        if row is None:
            raise NotFound(f"{request.name} does not exist", reason="DELIVERY_NOT_FOUND")
        return automation_service_pb2.RedeliverResponse(delivery=convert.delivery(row))

    # -------------------------------------------------------------------------- rules

    async def _checked(self, conn: Connection, record: RuleRecord, *, states: set[str]) -> None:
        """Refuse a rule that is malformed or would loop with the project's other rules."""
        problems = rules.validate(record.spec, project=record.project, states=states)
        if not record.display_name.strip():
            problems.append(FieldViolation("rule.display_name", "is required"))
        elif len(record.display_name) > 200:
            problems.append(FieldViolation("rule.display_name", "must be at most 200 characters"))
        if len(record.description) > 2000:
            problems.append(FieldViolation("rule.description", "must be at most 2000 characters"))
        if problems:
            raise InvalidArgument.of(problems)
        if not record.enabled:
            return
        others = {
            r.name: r.spec
            for r in await store.rules(conn, record.project)
            if r.enabled and r.rule_id != record.rule_id
        }
        loop = rules.find_loop(record.name, record.spec, others)
        if loop:
            metrics.AUTOMATION_LOOPS_REFUSED.inc()
            raise InvalidArgument(
                f"rule.actions: {loop}",
                reason="RULE_WOULD_LOOP",
                violations=[FieldViolation("rule.actions", loop)],
            )

    async def CreateRule(
        self, request: automation_service_pb2.CreateRuleRequest, context: Context
    ) -> automation_service_pb2.CreateRuleResponse:
        project = names.project_id(request.parent, field="parent")
        names.check_slug(request.rule_id, field="rule_id")
        spec, problems = convert.spec_of(request.rule)
        if problems:
            raise InvalidArgument.of(problems)
        actor = await self._manager(project)
        states = await self._states(project)
        now = dt.datetime.now(dt.UTC)
        async with transaction(self.pool) as conn:
            await store.lock_rules(conn, project)
            if await store.rule(conn, project, rule_id=request.rule_id) is not None:
                raise AlreadyExists(
                    f"projects/{project}/rules/{request.rule_id} exists", reason="RULE_EXISTS"
                )
            record = RuleRecord(
                project=project,
                rule_id=request.rule_id,
                revision=await store.latest_revision(conn, project, rule_id=request.rule_id) + 1,
                display_name=request.rule.display_name,
                description=request.rule.description,
                enabled=True,
                spec=spec,
                default_rule="",
                create_time=now,
                update_time=now,
            )
            await self._checked(conn, record, states=states)
            saved = await store.save_rule(conn, record, action="created", actor=actor)
        log.info("rule %s created by %s", saved.name, actor)
        return automation_service_pb2.CreateRuleResponse(rule=convert.rule(saved))

    async def GetRule(
        self, request: automation_service_pb2.GetRuleRequest, context: Context
    ) -> automation_service_pb2.GetRuleResponse:
        project, rule_id = names.child_slug(request.name, collection="rules")
        await self._manager(project)
        async with connection(self.pool) as conn:
            found = await store.rule(conn, project, rule_id=rule_id)
        if found is None:
            raise NotFound(f"{request.name} does not exist", reason="RULE_NOT_FOUND")
        return automation_service_pb2.GetRuleResponse(rule=convert.rule(found))

    async def ListRules(
        self, request: automation_service_pb2.ListRulesRequest, context: Context
    ) -> automation_service_pb2.ListRulesResponse:
        project = names.project_id(request.parent, field="parent")
        size = paging.page_size(request.page_size)
        after = paging.decode(request.page_token, query=["rules", project], shape=[paging.text])
        await self._manager(project)
        async with connection(self.pool) as conn:
            found = await store.rules(
                conn, project, after=str(after[0]) if after else "", limit=size + 1
            )
        found, token = paging.page(found, size, key=lambda r: [r.rule_id], query=["rules", project])
        return automation_service_pb2.ListRulesResponse(
            rules=[convert.rule(r) for r in found], next_page_token=token
        )

    async def UpdateRule(
        self, request: automation_service_pb2.UpdateRuleRequest, context: Context
    ) -> automation_service_pb2.UpdateRuleResponse:
        project, rule_id = names.child_slug(
            request.rule.name, collection="rules", field="rule.name"
        )
        paths = list(request.update_mask.paths)
        if not paths:
            raise InvalidArgument.field(
                "update_mask", f"is required; name the fields or use *: {', '.join(RULE_FIELDS)}"
            )
        if "*" in paths:
            paths = list(RULE_FIELDS)
        unknown = [p for p in paths if p not in RULE_FIELDS]
        if unknown:
            raise InvalidArgument.field(
                "update_mask", f"cannot change {', '.join(unknown)}; only {', '.join(RULE_FIELDS)}"
            )
        actor = await self._manager(project)
        states = await self._states(project)
        async with transaction(self.pool) as conn:
            await store.lock_rules(conn, project)
            held = await store.rule(conn, project, rule_id=rule_id, lock=True)
            if held is None:
                raise NotFound(f"{request.rule.name} does not exist", reason="RULE_NOT_FOUND")
            if request.rule.etag and request.rule.etag != convert.etag(held.revision):
                raise Aborted(
                    f"{request.rule.name} changed since it was read (now {convert.etag(held.revision)})",
                    reason="ETAG_MISMATCH",
                )
            merged = rule_pb2.Rule()
            merged.CopyFrom(convert.rule(held))
            for path in paths:
                if path in ("conditions", "actions"):
                    merged.ClearField(path)
                    getattr(merged, path).extend(getattr(request.rule, path))
                else:
                    setattr(merged, path, getattr(request.rule, path))
            spec, problems = convert.spec_of(merged)
            if problems:
                raise InvalidArgument.of(problems)
            record = RuleRecord(
                project=project,
                rule_id=rule_id,
                revision=held.revision + 1,
                display_name=merged.display_name,
                description=merged.description,
                enabled=merged.enabled,
                spec=spec,
                default_rule=held.default_rule,
                create_time=held.create_time,
                update_time=dt.datetime.now(dt.UTC),
            )
            await self._checked(conn, record, states=states)
            saved = await store.save_rule(conn, record, action="updated", actor=actor)
        return automation_service_pb2.UpdateRuleResponse(rule=convert.rule(saved))

    async def DeleteRule(
        self, request: automation_service_pb2.DeleteRuleRequest, context: Context
    ) -> automation_service_pb2.DeleteRuleResponse:
        project, rule_id = names.child_slug(request.name, collection="rules")
        actor = await self._manager(project)
        async with transaction(self.pool) as conn:
            await store.lock_rules(conn, project)
            held = await store.rule(conn, project, rule_id=rule_id, lock=True)
            if held is None:
                raise NotFound(f"{request.name} does not exist", reason="RULE_NOT_FOUND")
            if request.etag and request.etag != convert.etag(held.revision):
                raise Aborted(f"{request.name} changed since it was read", reason="ETAG_MISMATCH")
            gone = RuleRecord(**{**held.__dict__, "revision": held.revision + 1, "enabled": False})
            await store.save_rule(conn, gone, action="deleted", actor=actor)
        return automation_service_pb2.DeleteRuleResponse()

    async def ListRuleRevisions(
        self, request: automation_service_pb2.ListRuleRevisionsRequest, context: Context
    ) -> automation_service_pb2.ListRuleRevisionsResponse:
        project, rule_id = names.child_slug(request.parent, collection="rules", field="parent")
        query = ["revisions", project, rule_id]
        size = paging.page_size(request.page_size)
        after = paging.decode(request.page_token, query=query, shape=[paging.integer])
        await self._manager(project)
        async with connection(self.pool) as conn:
            rows = await store.revisions(
                conn, project, rule_id=rule_id, after=int(after[0]) if after else 0, limit=size + 1
            )
        if not rows and not after:
            raise NotFound(f"{request.parent} never existed", reason="RULE_NOT_FOUND")
        rows, token = paging.page(rows, size, key=lambda r: [r.revision], query=query)
        return automation_service_pb2.ListRuleRevisionsResponse(
            revisions=[convert.revision(r) for r in rows], next_page_token=token
        )

    async def ListRuleRuns(
        self, request: automation_service_pb2.ListRuleRunsRequest, context: Context
    ) -> automation_service_pb2.ListRuleRunsResponse:
        project, rule_id = names.child_slug(request.parent, collection="rules", field="parent")
        query = ["runs", project, rule_id]
        size = paging.page_size(request.page_size)
        before = paging.decode(request.page_token, query=query, shape=[paging.integer])
        await self._manager(project)
        async with connection(self.pool) as conn:
            rows = await store.runs(
                conn,
                project,
                rule_id=rule_id,
                before=int(before[0]) if before else None,
                limit=size + 1,
            )
        rows, token = paging.page(rows, size, key=lambda r: [r.id], query=query)
        return automation_service_pb2.ListRuleRunsResponse(
            runs=[convert.run(r) for r in rows], next_page_token=token
        )

    async def InstallDefaultRules(
        self, request: automation_service_pb2.InstallDefaultRulesRequest, context: Context
    ) -> automation_service_pb2.InstallDefaultRulesResponse:
        project = names.project_id(request.parent, field="parent")
        actor = await self._manager(project)
        states = await self._states(project)
        async with transaction(self.pool) as conn:
            installed, existing = await defaults.install(conn, project, states=states, actor=actor)
        return automation_service_pb2.InstallDefaultRulesResponse(
            installed=[convert.rule(r) for r in installed],
            existing=[convert.rule(r) for r in existing],
        )
