"""IM messages without servers: each platform's format, in Chinese and English, from the
notice an event or a rule's firing makes."""

from __future__ import annotations

import json

from planops.automation.v1 import events_pb2 as automation_events_pb2
from planops.core.v1 import events_pb2, task_pb2
from planops.risk.v1 import events_pb2 as risk_events_pb2
from planops.risk.v1 import risk_pb2

from services.automation import messages, notices, platforms
from services.automation.messages import EN, ZH, Notice, NoticeKind

TASK = task_pb2.Task(
    name="projects/promo/tasks/42",
    title="Banner copy",
    assignee="people/ana",
    due_date="2030-03-08",
    state="in_progress",
)
ALERT = risk_events_pb2.AlertRaised(
    id="a-1",
    alert=risk_pb2.Alert(
        name="projects/promo/alerts/1",
        subject=TASK.name,
        kind="TASK_LIKELY_LATE",
        value=0.9,
        threshold=0.7,
    ),
)
CONSOLE = "https://planops.example.com"


def risk_notice() -> Notice:
    return notices.of_rule(
        rule="Critical risk to IM",
        project="promo",
        cause=ALERT,
        task=TASK,
        critical_path=True,
        console_url=CONSOLE,
    )


def test_a_risk_alert_through_a_rule_names_the_task_probability_due_date_and_link() -> None:
    notice = risk_notice()
    assert notice.kind == NoticeKind.RISK_ALERT
    assert notice.link == "https://planops.example.com/#/task/promo/42"
    card = messages.feishu(notice, ZH)["card"]
    assert card["header"]["title"]["content"] == "风险预警：Banner copy"
    assert card["header"]["template"] == "red"
    lines = [f["text"]["content"] for f in card["elements"][0]["fields"]]
    assert lines == [
        "任务：Banner copy",
        "项目：promo",
        "风险概率：延期概率 90%（阈值 70%）",
        "关键路径：是，在关键路径上",
        "截止日期：2030年3月8日 周五",
        "负责人：ana",
        "状态：in_progress",
        "规则：Critical risk to IM",
    ]
    button = card["elements"][1]["actions"][0]
    assert button["url"] == notice.link and button["text"]["content"] == "在 PlanOps 中查看"
    english = messages.slack(notice, EN)
    assert english["text"] == "PlanOps: Risk alert: Banner copy"
    texts = [f["text"] for f in english["blocks"][1]["fields"]]
    assert "*Risk*\n90% likely to finish late (threshold 70%)" in texts
    assert "*Due*\nFri 8 Mar 2030" in texts
    assert english["blocks"][2]["elements"][0]["url"] == notice.link


def test_each_platform_gets_its_documented_shape() -> None:
    notice = risk_notice()
    ding = messages.dingtalk(notice, ZH)
    assert ding["msgtype"] == "actionCard"
    assert ding["actionCard"]["singleURL"] == notice.link
    assert "90%" in ding["actionCard"]["text"] and ding["actionCard"]["title"]
    without_link = messages.dingtalk(Notice(NoticeKind.TASK_CREATED, "promo", title="x"), EN)
    assert without_link["msgtype"] == "markdown"
    assert set(without_link["markdown"]) == {"title", "text"}
    wecom = messages.wecom(notice, ZH)
    assert wecom["msgtype"] == "markdown"
    assert wecom["markdown"]["content"].startswith('### <font color="warning">风险预警')
    assert f"[在 PlanOps 中查看]({notice.link})" in wecom["markdown"]["content"]
    # Every message names PlanOps: bots guarded by that custom keyword let them through.
    for render in (messages.feishu, messages.dingtalk, messages.wecom, messages.slack):
        assert "PlanOps" in json.dumps(render(notice, ZH), ensure_ascii=False)


def test_typed_text_cannot_add_links_or_mentions() -> None:
    title = "Fix [this](https://evil.example) <@all> <at id=all></at>\n# heading"
    notice = Notice(NoticeKind.TASK_CREATED, "promo", title=title)
    wecom = messages.wecom(notice, EN)["markdown"]["content"]
    assert "](https://evil" not in wecom and "<@all>" not in wecom and "\n# heading" not in wecom
    ding = messages.dingtalk(notice, EN)["markdown"]["text"]
    assert "[this]" not in ding and "<at" not in ding
    # Slack reads mrkdwn in fields and the fallback text; its header is plain text.
    slack = messages.slack(notice, EN)
    marked = [slack["text"], *(f["text"] for f in slack["blocks"][1]["fields"])]
    assert all("<@all>" not in t for t in marked) and "&lt;@all&gt;" in slack["text"]
    assert slack["blocks"][0]["text"]["type"] == "plain_text"
    # Feishu shows it as plain text, which its cards never interpret.
    card = messages.feishu(notice, EN)["card"]
    assert card["header"]["title"]["tag"] == "plain_text"
    assert all(f["text"]["tag"] == "plain_text" for f in card["elements"][0]["fields"])


def test_wecom_messages_stay_within_4096_bytes() -> None:
    notice = Notice(NoticeKind.MANAGERS_NOTIFIED, "promo", title="长" * 300, text="很长" * 2000)
    content = messages.wecom(notice, ZH)["markdown"]["content"]
    assert len(content.encode()) <= messages.WECOM_MAX_BYTES


def test_an_item_from_meeting_notes_assigned_to_someone() -> None:
    from_notes = task_pb2.Task()
    from_notes.CopyFrom(TASK)
    from_notes.source = task_pb2.TASK_SOURCE_NOTES
    created = events_pb2.ChangeEvent(type="task.created", task=from_notes)
    by_rule = notices.of_rule(
        rule="Notes items", project="promo", cause=created, task=from_notes, critical_path=False
    )
    by_event = notices.of_event(
        event_type="core.task.created", project="promo", message=created, task=None
    )
    assert by_rule.kind == by_event.kind == NoticeKind.ASSIGNED_FROM_NOTES
    assert messages.heading(by_rule, ZH) == "会议纪要事项已指派给 ana：Banner copy"
    assert messages.heading(by_rule, EN) == "From meeting notes, assigned to ana: Banner copy"
    # The same event for a task typed in by a person is only a new task.
    typed = events_pb2.ChangeEvent(type="task.created", task=TASK)
    assert (
        notices.of_event(event_type="core.task.created", project="promo", message=typed, task=None)
    ).kind == NoticeKind.TASK_CREATED


def test_events_that_only_name_the_task_take_it_as_last_seen() -> None:
    notice = notices.of_event(
        event_type="risk.alert.raised", project="promo", message=ALERT, task=TASK
    )
    assert notice.kind == NoticeKind.RISK_ALERT and notice.title == "Banner copy"
    unseen = notices.of_event(
        event_type="risk.alert.raised", project="promo", message=ALERT, task=None
    )
    assert unseen.task == TASK.name and messages.heading(unseen, EN) == "Risk alert: 42"
    fired = automation_events_pb2.RuleFired(rule="projects/promo/rules/r", task=TASK.name)
    assert notices.of_event(
        event_type="automation.rule.fired", project="promo", message=fired, task=None
    ).rule == ("projects/promo/rules/r")


def test_a_kind_renders_in_its_default_language_unless_told() -> None:
    notice = Notice(NoticeKind.OVERDUE, "promo", title="Banner")
    feishu = json.loads(platforms.message(platforms.Kind.FEISHU, notice, language=""))
    assert feishu["card"]["header"]["title"]["content"] == "已逾期：Banner"
    slack = json.loads(platforms.message(platforms.Kind.SLACK, notice, language=""))
    assert slack["text"] == "PlanOps: Overdue: Banner"
    told = json.loads(platforms.message(platforms.Kind.SLACK, notice, language=ZH))
    assert told["text"] == "PlanOps: 已逾期：Banner"
