"""What an IM webhook says, in each platform's own format and in Chinese or English. No
I/O, no protobuf: a `Notice` in, the JSON body (before signing) out, one pure function per
platform. `notices.py` decides which notice an event or a rule's firing makes.

The formats follow each platform's documentation of its group bots:
- Feishu/Lark custom bot: `{"msg_type": "interactive", "card": {"header", "elements"}}`,
  https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
- DingTalk custom robot: `{"msgtype": "actionCard", "actionCard": {"title", "text",
  "singleTitle", "singleURL"}}`, or `{"msgtype": "markdown", "markdown": {"title", "text"}}`
  without a link, https://open.dingtalk.com/document/group/custom-robot-access
- WeCom group robot: `{"msgtype": "markdown", "markdown": {"content"}}`, at most 4,096
  bytes, https://developer.work.weixin.qq.com/document/path/91770
- Slack incoming webhook: `{"text", "blocks"}` (`text` is the notification's fallback),
  https://api.slack.com/messaging/webhooks

Every message names PlanOps, so a Feishu or DingTalk bot guarded by the custom keyword
`PlanOps` lets it through. Text people typed (titles) is shown as plain text: its markup
characters are neutralised so a title cannot add links or mention everyone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

ZH = "zh-CN"
EN = "en"
LANGUAGES = (ZH, EN)
MAX_FIELD = 300
WECOM_MAX_BYTES = 4096


class NoticeKind(StrEnum):
    RISK_ALERT = "risk_alert"
    ASSIGNED_FROM_NOTES = "assigned_from_notes"
    TASK_ASSIGNED = "task_assigned"
    TASK_CREATED = "task_created"
    TASK_MOVED = "task_moved"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MANAGERS_NOTIFIED = "managers_notified"
    RULE_FIRED = "rule_fired"
    EVENT = "event"


@dataclass(frozen=True)
class Notice:
    """What a message is about; empty fields are left out of it."""

    kind: NoticeKind
    project: str
    event_type: str = ""
    task: str = ""
    title: str = ""
    assignee: str = ""
    due_date: str = ""
    state: str = ""
    # The risk model's probability (0..1) of what the alert is about, with its threshold.
    probability: float | None = None
    threshold: float | None = None
    alert_kind: str = ""
    critical_path: bool = False
    rule: str = ""
    text: str = ""
    link: str = ""


@dataclass(frozen=True)
class Words:
    titles: Mapping[NoticeKind, str]
    labels: Mapping[str, str]
    open_link: str
    yes: str
    late: str
    deadline: str
    weekdays: tuple[str, ...]
    date: Callable[[dt.date, str], str]


def _zh_date(day: dt.date, weekday: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日 {weekday}"


def _en_date(day: dt.date, weekday: str) -> str:
    return f"{weekday} {day.day} {day:%b} {day.year}"


WORDS: Mapping[str, Words] = {
    ZH: Words(
        titles={
            NoticeKind.RISK_ALERT: "风险预警：{title}",
            NoticeKind.ASSIGNED_FROM_NOTES: "会议纪要事项已指派给 {assignee}：{title}",
            NoticeKind.TASK_ASSIGNED: "任务已指派给 {assignee}：{title}",
            NoticeKind.TASK_CREATED: "新任务：{title}",
            NoticeKind.TASK_MOVED: "任务状态变为 {state}：{title}",
            NoticeKind.DUE_SOON: "即将到期：{title}",
            NoticeKind.OVERDUE: "已逾期：{title}",
            NoticeKind.MANAGERS_NOTIFIED: "请项目经理关注：{title}",
            NoticeKind.RULE_FIRED: "{rule}：{title}",
            NoticeKind.EVENT: "项目 {project} 的事件 {event_type}",
        },
        labels={
            "task": "任务",
            "project": "项目",
            "probability": "风险概率",
            "critical_path": "关键路径",
            "due_date": "截止日期",
            "assignee": "负责人",
            "state": "状态",
            "rule": "规则",
            "text": "说明",
        },
        open_link="在 PlanOps 中查看",
        yes="是，在关键路径上",
        late="延期概率 {p}（阈值 {t}）",
        deadline="错过截止日期概率 {p}（阈值 {t}）",
        weekdays=("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
        date=_zh_date,
    ),
    EN: Words(
        titles={
            NoticeKind.RISK_ALERT: "Risk alert: {title}",
            NoticeKind.ASSIGNED_FROM_NOTES: "From meeting notes, assigned to {assignee}: {title}",
            NoticeKind.TASK_ASSIGNED: "Assigned to {assignee}: {title}",
            NoticeKind.TASK_CREATED: "New task: {title}",
            NoticeKind.TASK_MOVED: "Moved to {state}: {title}",
            NoticeKind.DUE_SOON: "Due soon: {title}",
            NoticeKind.OVERDUE: "Overdue: {title}",
            NoticeKind.MANAGERS_NOTIFIED: "For the managers: {title}",
            NoticeKind.RULE_FIRED: "{rule}: {title}",
            NoticeKind.EVENT: "{event_type} in project {project}",
        },
        labels={
            "task": "Task",
            "project": "Project",
            "probability": "Risk",
            "critical_path": "Critical path",
            "due_date": "Due",
            "assignee": "Assignee",
            "state": "State",
            "rule": "Rule",
            "text": "Note",
        },
        open_link="Open in PlanOps",
        yes="yes, on the critical path",
        late="{p} likely to finish late (threshold {t})",
        deadline="{p} likely to miss the deadline (threshold {t})",
        weekdays=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        date=_en_date,
    ),
}


def plain(text: str, *, limit: int = MAX_FIELD) -> str:
    """One line of at most `limit` characters."""
    line = re.sub(r"\s+", " ", text).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def inert(text: str, *, limit: int = MAX_FIELD) -> str:
    """Typed text made safe for DingTalk's and WeCom's markdown: brackets would make links,
    angle brackets WeCom's `<@userid>` mentions and `<font>` tags, so they become their
    full-width forms, which read the same."""
    return plain(text, limit=limit).translate(str.maketrans("[]<>*`", "［］＜＞＊｀"))


def slack_escaped(text: str, *, limit: int = MAX_FIELD) -> str:
    """Slack's three control characters, escaped as its documentation asks."""
    line = plain(text, limit=limit)
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def language_of(language: str, *, default: str) -> str:
    return language if language in WORDS else default


def _percent(value: float) -> str:
    return f"{value:.0%}"


def heading(notice: Notice, language: str) -> str:
    words = WORDS[language]
    template = words.titles[notice.kind]
    title = notice.title or notice.task.rsplit("/", 1)[-1] or notice.project
    return plain(
        template.format(
            title=title,
            assignee=_person(notice.assignee),
            state=notice.state,
            rule=notice.rule,
            project=notice.project,
            event_type=notice.event_type,
        )
    )


def _person(name: str) -> str:
    return name.removeprefix("people/")


def _date(value: str, language: str) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    words = WORDS[language]
    return words.date(day, words.weekdays[day.weekday()])


def fields(notice: Notice, language: str) -> list[tuple[str, str]]:
    """(label, value) pairs in the order a reader wants them; values are plain text."""
    words = WORDS[language]
    found: list[tuple[str, str]] = []

    def add(key: str, value: str) -> None:
        if value:
            found.append((words.labels[key], plain(value)))

    add("task", notice.title or notice.task)
    add("project", notice.project)
    if notice.probability is not None:
        template = words.deadline if notice.alert_kind == "DEADLINE_AT_RISK" else words.late
        threshold = _percent(notice.threshold) if notice.threshold is not None else "-"
        add("probability", template.format(p=_percent(notice.probability), t=threshold))
    if notice.critical_path:
        add("critical_path", words.yes)
    add("due_date", _date(notice.due_date, language) if notice.due_date else "")
    add("assignee", _person(notice.assignee))
    if notice.kind != NoticeKind.TASK_MOVED:
        add("state", notice.state)
    if notice.kind != NoticeKind.RULE_FIRED:
        add("rule", notice.rule)
    add("text", notice.text)
    return found


def _urgent(notice: Notice) -> bool:
    return notice.kind in (NoticeKind.RISK_ALERT, NoticeKind.OVERDUE)


# ------------------------------------------------------------------------------ platforms


def feishu(notice: Notice, language: str) -> dict[str, Any]:
    """An interactive card: a coloured header, the fields, and a button to the task."""
    words = WORDS[language]
    elements: list[dict[str, Any]] = [
        {
            "tag": "div",
            "fields": [
                {"is_short": False, "text": {"tag": "plain_text", "content": f"{k}：{v}"}}
                for k, v in fields(notice, language)
            ],
        }
    ]
    if notice.link:
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "text": {"tag": "plain_text", "content": words.open_link},
                        "type": "primary",
                        "url": notice.link,
                    }
                ],
            }
        )
    elements.append({"tag": "note", "elements": [{"tag": "plain_text", "content": "PlanOps"}]})
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {
                "title": {"tag": "plain_text", "content": heading(notice, language)},
                "template": "red" if _urgent(notice) else "blue",
            },
            "elements": elements,
        },
    }


def _markdown_lines(notice: Notice, language: str) -> list[str]:
    return [f"- **{k}**：{inert(v)}" for k, v in fields(notice, language)]


def dingtalk(notice: Notice, language: str) -> dict[str, Any]:
    """An action card with a button to the task, or markdown when there is no link."""
    title = inert(heading(notice, language))
    text = "\n".join([f"### {title}", "", *_markdown_lines(notice, language), "", "PlanOps"])
    if notice.link:
        return {
            "msgtype": "actionCard",
            "actionCard": {
                "title": title,
                "text": text,
                "btnOrientation": "0",
                "singleTitle": WORDS[language].open_link,
                "singleURL": notice.link,
            },
        }
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def wecom(notice: Notice, language: str) -> dict[str, Any]:
    """Markdown; a risk alert's or an overdue task's title in WeCom's warning colour."""
    title = inert(heading(notice, language))
    if _urgent(notice):
        title = f'<font color="warning">{title}</font>'
    lines = [f"### {title}", *(f"> {k}：{inert(v)}" for k, v in fields(notice, language))]
    if notice.link:
        lines.append(f"[{WORDS[language].open_link}]({notice.link})")
    lines.append('<font color="comment">PlanOps</font>')
    content = "\n".join(lines)
    while len(content.encode()) > WECOM_MAX_BYTES:
        content = content[: len(content) * 9 // 10]
    return {"msgtype": "markdown", "markdown": {"content": content}}


def slack(notice: Notice, language: str) -> dict[str, Any]:
    """`text` for notifications, and blocks: a header, the fields, a button to the task."""
    words = WORDS[language]
    title = heading(notice, language)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": plain(title, limit=150)}},
    ]
    pairs = fields(notice, language)
    if pairs:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{k}*\n{slack_escaped(v)}"} for k, v in pairs[:10]
                ],
            }
        )
    if notice.link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": words.open_link},
                        "url": notice.link,
                    }
                ],
            }
        )
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "PlanOps"}]})
    return {"text": f"PlanOps: {slack_escaped(title)}", "blocks": blocks}
