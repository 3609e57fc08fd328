"""IM webhooks end to end: real core, automation, PostgreSQL and NATS, and a local HTTP
receiver per platform that checks what the platform documents (its signature, recomputed
here from the documentation, not by PlanOps' code; its required fields) and answers as the
platform does: HTTP 200 with an error code in the body."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import grpc
import nats
import pytest
from aiohttp import web
from planops.automation.v1 import automation_service_pb2, rule_pb2, webhook_pb2
from planops.core.v1 import person_pb2, person_service_pb2, project_pb2, task_pb2
from planops.planner.v1 import planner_service_pb2, planner_service_pb2_grpc
from planops.risk.v1 import events_pb2 as risk_events_pb2
from planops.risk.v1 import risk_pb2
from prometheus_client import REGISTRY

from services.common.embedded import EmbeddedNats, free_port
from services.common.streams import ensure_stream
from services.planner.app import running_planner
from tests.automation.conftest import (
    PROJECT,
    Stack,
    automation_for,
    create_rule,
    deliveries,
    eventually,
    planner_config,
    service_key,
)
from tests.conftest import start_core
from tests.core.helpers import EXECUTOR, Client, invalid_fields

K = webhook_pb2
FEISHU_SECRET = "nIMtb7r3N9pkXyXdtAbx6e"
DINGTALK_SECRET = "SECd8b7a1f0e2c34a5b6c7d8e9f00112233445566778899aabbccddeeff001122"
CONSOLE = "https://planops.example.com"


@dataclass
class Platform:
    """A local stand-in for one platform's bot endpoint."""

    kind: str
    secret: str = ""
    port: int = field(default_factory=free_port)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        base = f"http://127.0.0.1:{self.port}"
        return {
            "feishu": f"{base}/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd",
            "dingtalk": f"{base}/robot/send?access_token=0c23a4b5c6d7e8f9",
            "wecom": f"{base}/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa",
            "slack": f"{base}/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        }[self.kind]

    async def start(self) -> None:
        app = web.Application()
        handler = {
            "feishu": self._feishu,
            "dingtalk": self._dingtalk,
            "wecom": self._wecom,
            "slack": self._slack,
        }[self.kind]
        app.router.add_post("/{path:.*}", handler)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _refuse(self, why: str) -> None:
        self.refused.append(why)

    async def _feishu(self, request: web.Request) -> web.Response:
        # Custom bot, "签名校验": string_to_sign = f"{timestamp}\n{secret}" is the HMAC key,
        # the message is empty, the digest is base64; timestamp in seconds, within an hour.
        data = json.loads(await request.read())
        if request.path != "/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd":
            return web.json_response({"code": 19001, "msg": "param invalid: incoming webhook"})
        if self.secret:
            timestamp = str(data.get("timestamp", ""))
            key = f"{timestamp}\n{self.secret}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 3600
            if not fresh or not hmac.compare_digest(expected, str(data.get("sign", ""))):
                self._refuse("sign")
                return web.json_response(
                    {
                        "code": 19021,
                        "data": {},
                        "msg": "sign match fail or timestamp is not within one hour from current time",
                    }
                )
        card = data.get("card", {})
        if data.get("msg_type") != "interactive" or not card.get("header", {}).get("title"):
            self._refuse("format")
            return web.json_response({"code": 9499, "msg": "Bad Request"})
        self.accepted.append(data)
        return web.json_response({"code": 0, "data": {}, "msg": "success"})

    async def _dingtalk(self, request: web.Request) -> web.Response:
        # Custom robot, "加签": HMAC-SHA256 keyed with the secret over f"{timestamp}\n{secret}",
        # base64 then URL-encoded, timestamp in milliseconds; both in the query string.
        query = parse_qs(request.query_string)
        if query.get("access_token") != ["0c23a4b5c6d7e8f9"]:
            return web.json_response({"errcode": 300001, "errmsg": "token is not exist"})
        if self.secret:
            timestamp = query.get("timestamp", [""])[0]
            digest = hmac.new(
                self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
            ).digest()
            expected = base64.b64encode(digest).decode()
            fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3_600_000
            if not fresh or query.get("sign") != [expected]:
                self._refuse("sign")
                return web.json_response({"errcode": 310000, "errmsg": "sign not match"})
        data = json.loads(await request.read())
        kind = data.get("msgtype")
        body = data.get(kind, {}) if kind in ("markdown", "actionCard") else {}
        if not body.get("title") or not body.get("text"):
            self._refuse("format")
            return web.json_response({"errcode": 40035, "errmsg": "缺少参数 json"})
        self.accepted.append(data)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _wecom(self, request: web.Request) -> web.Response:
        if parse_qs(request.query_string).get("key") != ["693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa"]:
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        data = json.loads(await request.read())
        content = data.get("markdown", {}).get("content", "")
        if data.get("msgtype") != "markdown" or not 0 < len(content.encode()) <= 4096:
            self._refuse("format")
            return web.json_response({"errcode": 40008, "errmsg": "invalid message type"})
        self.accepted.append(data)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _slack(self, request: web.Request) -> web.Response:
        data = json.loads(await request.read())
        if not data.get("text") or not isinstance(data.get("blocks"), list):
            self._refuse("format")
            return web.Response(status=400, text="invalid_payload")
        self.accepted.append(data)
        return web.Response(text="ok")


@pytest.fixture
async def platforms() -> AsyncIterator[dict[str, Platform]]:
    found = {
        "feishu": Platform("feishu", FEISHU_SECRET),
        "dingtalk": Platform("dingtalk", DINGTALK_SECRET),
        "wecom": Platform("wecom"),
        "slack": Platform("slack"),
    }
    for p in found.values():
        await p.start()
    try:
        yield found
    finally:
        for p in found.values():
            await p.stop()


async def create(
    stub: Any,
    md: Any,
    *,
    url: str,
    kind: K.WebhookKind,
    events: tuple[str, ...] = ("core.task.created",),
    secret: str = "",
    language: str = "",
    project: str = PROJECT,
) -> automation_service_pb2.CreateWebhookResponse:
    reply: automation_service_pb2.CreateWebhookResponse = await stub.CreateWebhook(
        automation_service_pb2.CreateWebhookRequest(
            parent=f"projects/{project}",
            webhook=K.Webhook(url=url, event_types=list(events), kind=kind, language=language),
            signing_secret=secret,
        ),
        metadata=md,
    )
    return reply


def platform_errors() -> float:
    found = REGISTRY.get_sample_value(
        "planops_automation_webhook_attempts_total", {"outcome": "platform_error"}
    )
    return found or 0.0


async def succeeded(stub: Any, md: Any, webhooks: list[str]) -> bool:
    """Whether the newest delivery of every webhook in `webhooks` succeeded."""
    for name in webhooks:
        reply = await stub.ListDeliveries(
            automation_service_pb2.ListDeliveriesRequest(parent=name), metadata=md
        )
        if not reply.deliveries or reply.deliveries[0].state != K.DELIVERY_STATE_SUCCEEDED:
            return False
    return True


async def settled(stack: Stack, webhook: str) -> K.Delivery:
    found: list[K.Delivery] = []

    async def done() -> bool:
        nonlocal found
        found = await deliveries(stack, webhook)
        return bool(found) and found[0].state != K.DELIVERY_STATE_PENDING

    await eventually(done)
    return found[0]


async def test_each_platform_receives_its_own_signed_format(
    stack: Stack, platforms: dict[str, Platform]
) -> None:
    hooks = {
        "feishu": await create(
            stack.stub,
            stack.md,
            url=platforms["feishu"].url,
            kind=K.WEBHOOK_KIND_FEISHU,
            secret=FEISHU_SECRET,
        ),
        "dingtalk": await create(
            stack.stub,
            stack.md,
            url=platforms["dingtalk"].url,
            kind=K.WEBHOOK_KIND_DINGTALK,
            secret=DINGTALK_SECRET,
        ),
        "wecom": await create(
            stack.stub, stack.md, url=platforms["wecom"].url, kind=K.WEBHOOK_KIND_WECOM
        ),
        "slack": await create(
            stack.stub, stack.md, url=platforms["slack"].url, kind=K.WEBHOOK_KIND_SLACK
        ),
    }
    # The platforms' secrets are theirs: PlanOps neither makes one nor shows it again.
    assert all(h.secret == "" for h in hooks.values())
    await stack.client.create_task(PROJECT, "横幅文案 Banner copy", due_date="2030-03-08")
    for kind, hook in hooks.items():
        delivery = await settled(stack, hook.webhook.name)
        assert delivery.state == K.DELIVERY_STATE_SUCCEEDED, (kind, delivery)
        assert [(a.http_status, a.error) for a in delivery.attempts] == [(200, "")]
        assert platforms[kind].refused == [] and len(platforms[kind].accepted) == 1
    card = platforms["feishu"].accepted[0]["card"]
    assert card["header"]["title"]["content"] == "新任务：横幅文案 Banner copy"
    lines = [f["text"]["content"] for f in card["elements"][0]["fields"]]
    assert "截止日期：2030年3月8日 周五" in lines and f"项目：{PROJECT}" in lines
    ding = platforms["dingtalk"].accepted[0]
    assert ding["msgtype"] == "markdown" and "新任务" in ding["markdown"]["title"]
    assert "新任务" in platforms["wecom"].accepted[0]["markdown"]["content"]
    slack = platforms["slack"].accepted[0]
    assert slack["text"] == "PlanOps: New task: 横幅文案 Banner copy"
    # Listing shows the kind and hides the credential each URL carries.
    listed = await stack.stub.ListWebhooks(
        automation_service_pb2.ListWebhooksRequest(parent=f"projects/{PROJECT}"),
        metadata=stack.md,
    )
    shown = {w.kind: w.url for w in listed.webhooks}
    assert shown[K.WEBHOOK_KIND_DINGTALK].endswith("access_token=****e8f9")
    assert shown[K.WEBHOOK_KIND_WECOM].endswith("key=****5aaa")
    assert "XXXXXXXXXXXXXXXXXXXXXXXX" not in shown[K.WEBHOOK_KIND_SLACK]
    assert "5e3d587e" not in shown[K.WEBHOOK_KIND_FEISHU]
    assert FEISHU_SECRET not in str(listed) and DINGTALK_SECRET not in str(listed)


async def test_a_platform_error_code_in_a_200_is_a_failed_attempt(
    stack: Stack, platforms: dict[str, Platform]
) -> None:
    # The robot's secret was pasted wrong: DingTalk answers 200 with errcode 310000.
    hook = await create(
        stack.stub,
        stack.md,
        url=platforms["dingtalk"].url,
        kind=K.WEBHOOK_KIND_DINGTALK,
        secret="SECnot-the-robots-secret",
    )
    before = platform_errors()
    await stack.client.create_task(PROJECT, "Banner copy")
    delivery = await settled(stack, hook.webhook.name)
    assert platforms["dingtalk"].refused == ["sign"] and platforms["dingtalk"].accepted == []
    # Operators see it as a platform error, not as the 200 it came in.
    assert platform_errors() == before + 1
    # Retrying cannot fix a wrong secret: one attempt, failed, with the platform's code.
    assert delivery.state == K.DELIVERY_STATE_FAILED
    [attempt] = delivery.attempts
    assert (attempt.http_status, attempt.error, attempt.platform_code) == (
        200,
        "PLATFORM_ERROR",
        310000,
    )
    # This receiver is not oapi.dingtalk.com, so PlanOps describes the code in its own words.
    assert "signature" in attempt.platform_message
    assert "sign not match" not in str(delivery)


async def test_bad_im_webhooks_are_refused_naming_the_field(stack: Stack) -> None:
    async def refused(webhook: K.Webhook, signing_secret: str = "") -> set[str]:
        call = stack.stub.CreateWebhook(
            automation_service_pb2.CreateWebhookRequest(
                parent=f"projects/{PROJECT}", webhook=webhook, signing_secret=signing_secret
            ),
            metadata=stack.md,
        )
        return await invalid_fields(call)

    dingtalk = K.Webhook(
        url="https://oapi.dingtalk.com/robot/send",
        event_types=["*"],
        kind=K.WEBHOOK_KIND_DINGTALK,
        language="fr",
    )
    assert await refused(dingtalk) == {"webhook.url", "webhook.language"}
    wecom = K.Webhook(
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        event_types=["*"],
        kind=K.WEBHOOK_KIND_WECOM,
    )
    assert await refused(wecom, signing_secret="SECx") == {"signing_secret"}
    unknown = K.Webhook(url="https://example.com/h", event_types=["*"], kind=99)  # type: ignore[arg-type]
    assert await refused(unknown) == {"webhook.kind"}


async def test_a_rule_sends_an_item_from_meeting_notes_to_its_assignees_group(
    stack: Stack, platforms: dict[str, Platform]
) -> None:
    await stack.client.add_person("ana", project=PROJECT, roles=[EXECUTOR])
    created = await create(
        stack.stub,
        stack.md,
        url=platforms["wecom"].url,
        kind=K.WEBHOOK_KIND_WECOM,
        events=("automation.nothing",),
    )
    await create_rule(
        stack,
        "notes-items",
        rule_pb2.Rule(
            trigger=rule_pb2.TRIGGER_TASK_CREATED,
            conditions=[
                rule_pb2.Condition(
                    field="source", operator=rule_pb2.OPERATOR_EQUALS, values=["notes"]
                ),
                rule_pb2.Condition(field="assignee", operator=rule_pb2.OPERATOR_IS_NOT_EMPTY),
            ],
            actions=[
                rule_pb2.Action(send_webhook=rule_pb2.SendWebhook(webhook=created.webhook.name))
            ],
        ),
    )
    await stack.client.create_task(PROJECT, "Typed in by hand", assignee="people/ana")
    await stack.client.create_task(
        PROJECT,
        "整理活动预算",
        assignee="people/ana",
        source=task_pb2.TASK_SOURCE_NOTES,
        due_date="2030-03-11",
    )
    delivery = await settled(stack, created.webhook.name)
    assert delivery.state == K.DELIVERY_STATE_SUCCEEDED
    [message] = platforms["wecom"].accepted
    content = message["markdown"]["content"]
    assert content.startswith("### 会议纪要事项已指派给 ana：整理活动预算")
    assert "> 截止日期：2030年3月11日 周一" in content and "> 规则：notes-items" in content


async def test_a_rule_sends_a_critical_path_risk_alert_to_feishu_and_dingtalk(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path, platforms: dict[str, Platform]
) -> None:
    async for core in start_core(
        database_url=database_url, nats_url=own_nats.url, home=tmp_path / "home"
    ):
        client = Client(core)
        await client.create_project("plan", time_zone="UTC", start_date="2030-03-04")
        await client.people.CreatePerson(
            person_service_pb2.CreatePersonRequest(
                person_id="ana", person=person_pb2.Person(display_name="Ana")
            ),
            metadata=client.md,
        )
        await client.add_member("plan", "people/ana", project_pb2.ROLE_EXECUTOR)
        # Two people, so the stickers can be made beside the chain that decides the end.
        await client.add_person("bo", project="plan", roles=[EXECUTOR])
        first = await client.create_task(
            "plan",
            "Build the landing page",
            estimate_hours=16,
            assignee="people/ana",
            due_date="2030-03-08",
        )
        second = await client.create_task("plan", "Test", estimate_hours=8)
        await client.depend("plan", first.name, second.name)
        aside = await client.create_task("plan", "Order stickers", estimate_hours=1)
        config = planner_config(
            core, database_url=database_url, key=await client.service_key("planner"), home=tmp_path
        )
        async with running_planner(config) as planner:
            address = f"127.0.0.1:{planner.port}"
            key = await service_key(client)
            async with (
                automation_for(core, key, planner_address=address, console_url=CONSOLE) as (
                    _,
                    stub,
                ),
                grpc.aio.insecure_channel(address) as channel,
            ):
                proposed = await planner_service_pb2_grpc.PlannerServiceStub(
                    channel
                ).ProposeSchedule(
                    planner_service_pb2.ProposeScheduleRequest(
                        project="projects/plan", time_limit_seconds=2
                    ),
                    metadata=core.auth(),
                    timeout=60,
                )
                assert first.name in proposed.proposal.critical_path
                assert aside.name not in proposed.proposal.critical_path
                md = core.auth()
                feishu = await create(
                    stub,
                    md,
                    url=platforms["feishu"].url,
                    kind=K.WEBHOOK_KIND_FEISHU,
                    secret=FEISHU_SECRET,
                    events=("automation.nothing",),
                    project="plan",
                )
                dingtalk = await create(
                    stub,
                    md,
                    url=platforms["dingtalk"].url,
                    kind=K.WEBHOOK_KIND_DINGTALK,
                    secret=DINGTALK_SECRET,
                    events=("automation.nothing",),
                    project="plan",
                    language="en",
                )
                await stub.CreateRule(
                    automation_service_pb2.CreateRuleRequest(
                        parent="projects/plan",
                        rule_id="critical-risk-to-im",
                        rule=rule_pb2.Rule(
                            display_name="关键路径风险 Critical-path risk",
                            trigger=rule_pb2.TRIGGER_RISK_ALERT_RAISED,
                            conditions=[
                                rule_pb2.Condition(
                                    field="critical_path",
                                    operator=rule_pb2.OPERATOR_EQUALS,
                                    values=["true"],
                                )
                            ],
                            actions=[
                                rule_pb2.Action(
                                    send_webhook=rule_pb2.SendWebhook(webhook=h.webhook.name)
                                )
                                for h in (feishu, dingtalk)
                            ],
                        ),
                    ),
                    metadata=md,
                )
                nc = await nats.connect(core.nats_url)
                try:
                    js = nc.jetstream()
                    await ensure_stream(js, name="PLANOPS_RISK", subjects=["planops.risk.v1.>"])
                    for subject, alert_id in ((aside.name, "alert-1"), (first.name, "alert-2")):
                        alert = risk_events_pb2.AlertRaised(
                            id=alert_id,
                            alert=risk_pb2.Alert(
                                name=f"projects/plan/alerts/{alert_id}",
                                subject=subject,
                                kind="TASK_LIKELY_LATE",
                                value=0.9 if subject == first.name else 0.8,
                                threshold=0.7,
                            ),
                        )
                        await js.publish(
                            "planops.risk.v1.alert.raised",
                            alert.SerializeToString(),
                            headers={"Nats-Msg-Id": alert.id},
                        )
                finally:
                    await nc.drain()

                names = [h.webhook.name for h in (feishu, dingtalk)]
                await eventually(functools.partial(succeeded, stub, md, names), seconds=90)
        link = f"{CONSOLE}/#/task/plan/{first.name.rsplit('/', 1)[1]}"
        # Only the alert on the critical path went out (the stickers have slack).
        [signed_card] = platforms["feishu"].accepted
        card = signed_card["card"]
        assert card["header"]["title"]["content"] == "风险预警：Build the landing page"
        lines = [f["text"]["content"] for f in card["elements"][0]["fields"]]
        assert "风险概率：延期概率 90%（阈值 70%）" in lines
        assert "关键路径：是，在关键路径上" in lines and "负责人：ana" in lines
        assert "截止日期：2030年3月8日 周五" in lines
        assert card["elements"][1]["actions"][0]["url"] == link
        [action_card] = platforms["dingtalk"].accepted
        assert action_card["msgtype"] == "actionCard"
        body = action_card["actionCard"]
        assert body["title"] == "Risk alert: Build the landing page"
        assert "90% likely to finish late (threshold 70%)" in body["text"]
        assert "yes, on the critical path" in body["text"] and body["singleURL"] == link
        assert platforms["feishu"].refused == platforms["dingtalk"].refused == []
