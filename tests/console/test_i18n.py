"""The console in Chinese and English, in a real headless browser against the real stack.

The language follows the browser's and the switch, which is remembered. Walking every page
in Chinese, no text a person can see (nor a placeholder, tooltip or label) holds an English
word of the console's own messages: words from the data (task titles, people, labels, notes)
and codes (ids, resource names, versions) are allowed, and so is text the server writes in
English, which the console marks with `lang="en"`. The server's refusals read in Chinese.
The Chinese pages are saved beside the English screenshots, under `zh-CN/`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.console.conftest import DESKTOP, PHONE, Stack, signed_in
from tests.console.test_catalogues import PLACEHOLDER, catalogue, forms

TASKS = "planops.core.v1.TaskService"
PROJECTS = "planops.core.v1.ProjectService"
PEOPLE = "planops.core.v1.PersonService"
KEYS = "planops.core.v1.ApiKeyService"
NLP = "planops.nlp.v1.NlpService"
PROJECT = "projects/promo-1212"
# A date as the Chinese console writes it: `12月14日 周一`, with the year when not this one.
ZH_DATE = r"(?:\d{4}年)?\d{1,2}月\d{1,2}日 周[一二三四五六日]"
CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"

# Every text a person can read in the page, with the language it is written in: text nodes,
# and the placeholder, title and aria-label of each element. Elements inside another
# language (lang="en": text the server writes) and the pasted notes are left out.
COLLECT = """
() => {
  const lang = document.documentElement.lang;
  const own = (el) => { const at = el.closest('[lang]'); return !at || at.lang === lang; };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, noscript, pre.source') || !own(el)) continue;
    const text = node.textContent.trim();
    if (text) texts.push(text);
  }
  for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label]')) {
    if (!own(el)) continue;
    for (const name of ['placeholder', 'title', 'aria-label']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
  }
  return texts;
}
"""


def words_of(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]", text)}


def vocabulary() -> set[str]:
    """English words of the console's messages that its Chinese messages never use."""
    english = {
        word
        for value in catalogue("en").values()
        for text in forms(value).values()
        for word in words_of(PLACEHOLDER.sub(" ", text))
    }
    # Commands and codes the Chinese messages keep as they are (`planops keys create`, P80).
    chinese = {
        word
        for value in catalogue("zh-CN").values()
        for text in forms(value).values()
        for word in words_of(re.sub(r"planops( [a-z]+)*", " ", PLACEHOLDER.sub(" ", text)))
    }
    return english - chinese


VOCABULARY = vocabulary()


def data_of(stack: Stack) -> list[str]:
    """What the demo's users wrote: it appears in either language as it is."""
    found: set[str] = set()
    notes: set[str] = set()
    for project in ("promo-1212", "maint-line"):
        reply = stack.api(TASKS, "ListTasks", {"parent": f"projects/{project}", "pageSize": 1000})
        for task in reply.get("tasks", []):
            found |= {task["title"], task.get("description", ""), *task.get("labels", [])}
            found |= {skill["skill"] for skill in task.get("requiredSkills", [])}
            if "/notes/" in task.get("sourceRef", ""):
                notes.add(task["sourceRef"].split("#")[0])
            if project == "promo-1212":
                comments = stack.api(TASKS, "ListComments", {"parent": task["name"]})
                found |= {c["body"] for c in comments.get("comments", [])}
    # Meeting notes: their lines head the list of earlier notes.
    for name in notes:
        text = stack.api(NLP, "GetNotes", {"name": name})["notes"]["text"]
        found |= {part for line in text.splitlines() for part in (line.strip(), line.strip()[:60])}
    for project in stack.api(PROJECTS, "ListProjects", {"pageSize": 100}).get("projects", []):
        found |= {project.get("displayName", ""), project.get("description", "")}
        iterations = stack.api(
            PROJECTS, "ListIterations", {"parent": project["name"], "pageSize": 100}
        )
        found |= {it.get("displayName", "") for it in iterations.get("iterations", [])}
    for person in stack.api(PEOPLE, "ListPeople", {"pageSize": 500}).get("people", []):
        found.add(person.get("displayName", ""))
    # The admin key's principal is named in the audit log as it is.
    admin = stack.api(KEYS, "GetCaller", {}, key=stack.admin_key)["apiKey"]["principal"]
    found.add(admin.split("/")[-1])
    return sorted((s for s in found if s.strip()), key=len, reverse=True)


def untranslated(page: Any, data: list[str]) -> list[str]:
    """Each English word of the console's messages on the page, with the text it is in."""
    found = []
    for text in page.evaluate(COLLECT):
        # A title clipped to fit a chart's label.
        if text.endswith("…") and any(known.startswith(text[:-1]) for known in data):
            continue
        rest = text
        for known in data:
            if known in rest:
                rest = rest.replace(known, " ")
        for chunk in re.split(rf"[\s{CJK},;:()\"“”‘’·…→←—–!?|+×%]+", rest):
            # Codes: resource names, ids, versions, dates and numbers.
            if not chunk or re.search(r"[\d/_#@.=]", chunk):
                continue
            if chunk.strip("'-").lower() in VOCABULARY:
                found.append(f"{chunk!r} in {text!r}")
    return found


def ready(page: Any, name: str) -> None:
    page.click(f"#nav a[data-page={name}]")
    page.wait_for_selector(f'main .view[data-page="{name}"][data-ready="true"]')


def tasks_in(stack: Stack, state: str) -> list[dict[str, Any]]:
    reply = stack.api(TASKS, "ListTasks", {"parent": PROJECT, "states": [state], "pageSize": 500})
    return list(reply.get("tasks", []))


def test_the_untranslated_text_check_finds_english_words() -> None:
    """The check below would catch a label left in English, and lets data and codes pass."""
    assert {"board", "overdue", "deadline", "finish", "accept"} <= VOCABULARY
    assert "planops" not in VOCABULARY and "p80" not in VOCABULARY


def test_every_page_in_chinese(browser: Any, console_stack: Stack, shots: Path) -> None:
    target = shots / "zh-CN"
    target.mkdir(parents=True, exist_ok=True)
    data = data_of(console_stack)
    page = signed_in(browser, console_stack, DESKTOP, locale="zh-CN")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("#nav a[data-page=board]").inner_text() == "看板"
    assert page.locator("#language button[aria-pressed=true]").inner_text() == "中文"
    problems: dict[str, list[str]] = {}

    problems["board"] = untranslated(page, data)
    assert "显示已完成" in page.locator(".filters").inner_text()
    assert re.search(r"\d+ / \d+ 个任务", page.locator(".page-head").inner_text())
    page.screenshot(path=str(target / "board-desktop.png"))

    page.fill(".filters input[type=search]", "key visual")
    page.locator(".task-card .title", has_text="Design the key visual").click()
    page.wait_for_selector("ol.history li")
    page.fill(".comment-form textarea", "主视觉已定稿，请审核")
    page.click(".comment-form button[type=submit]")
    page.locator("ul.comments li", has_text="主视觉已定稿").wait_for()
    assert page.locator("ol.history li", has_text="创建评论").count() >= 1
    assert page.locator("text=等待").count() >= 1
    problems["task"] = untranslated(page, data)
    page.screenshot(path=str(target / "task-desktop.png"), full_page=True)

    ready(page, "schedule")
    page.locator("#proposal-risk table.risk-compare tbody tr").first.wait_for(timeout=60_000)
    rows = page.locator("#proposal-risk tbody tr").all_inner_texts()
    assert rows[0].startswith("当前计划") and re.search(rf"\d+%.*{ZH_DATE}", rows[0], re.S)
    problems["schedule"] = untranslated(page, data)
    page.screenshot(path=str(target / "schedule-desktop.png"))
    page.select_option("#whatif select[name=add]", "people/kai")
    page.fill("#whatif input[name=deadline]", "2030-01-31")
    page.click("#whatif button[type=submit]")
    page.wait_for_selector("#whatif table.compare", timeout=60_000)
    assert "2030年1月31日 周四" in page.locator("#whatif table.compare").inner_text()
    problems["what-if"] = untranslated(page, data)

    ready(page, "reports")
    assert "已登记工时" in page.locator("#hours").inner_text()
    problems["reports"] = untranslated(page, data)
    page.screenshot(path=str(target / "reports-desktop.png"))

    ready(page, "risk")
    page.wait_for_selector("#forecast svg.forecast")
    forecast = page.locator("#forecast").inner_text()
    assert "按期完成的概率" in forecast
    assert re.search(rf"P80 完成日期\s+{ZH_DATE}", forecast), forecast
    problems["risk"] = untranslated(page, data)
    page.screenshot(path=str(target / "risk-desktop.png"))

    ready(page, "notes")
    page.locator("#earlier a", has_text="大促").click()
    page.wait_for_selector(".chips .chip")
    assert "待办事项" in page.locator(".notes-review").inner_text()
    problems["notes"] = untranslated(page, data)
    page.screenshot(path=str(target / "notes-desktop.png"))

    assert not any(problems.values()), json.dumps(problems, ensure_ascii=False, indent=1)
    assert page.errors == []


def test_refusals_and_bad_input_read_in_chinese(browser: Any, console_stack: Stack) -> None:
    page = signed_in(browser, console_stack, DESKTOP, locale="zh-CN")
    submitted = tasks_in(console_stack, "submitted")
    if not submitted:
        draft = tasks_in(console_stack, "draft")[0]
        console_stack.api(TASKS, "TransitionTask", {"name": draft["name"], "toState": "submitted"})
        page.reload()
        page.wait_for_selector("#board .task-card")
        submitted = [draft]
    task = submitted[0]["name"]
    card = page.locator(f'.task-card[data-task="{task}"]')

    # Someone else changes the task after the board was read: the move is refused as stale.
    current = console_stack.api(TASKS, "GetTask", {"name": task})["task"]
    console_stack.api(
        TASKS,
        "UpdateTask",
        {
            "task": {"name": task, "description": f"{current['description']} "},
            "updateMask": "description",
        },
    )
    card.locator("select.move").select_option("in_review")
    card.locator(".refusal").wait_for()
    assert card.locator(".refusal").inner_text().startswith("已被他人修改：")
    assert "请刷新页面后重试" in page.locator(".flash.error").first.inner_text()

    # Read again: only a reviewer may start a review, and the refusal names the role in Chinese.
    page.reload()
    page.wait_for_selector(f'.task-card[data-task="{task}"]')
    card = page.locator(f'.task-card[data-task="{task}"]')
    card.locator("select.move").select_option("in_review")
    card.locator(".refusal").wait_for()
    assert card.locator(".refusal").inner_text() == "无权操作：需要审核人角色"
    assert "无法移动" in page.locator(".flash.error").first.inner_text()

    # A field violation names the field in Chinese: a blank comment, then a far too long one.
    page.goto(f"{console_stack.url}/#/task/promo-1212/{task.split('/')[-1]}")
    page.wait_for_selector(".comment-form textarea")
    page.fill(".comment-form textarea", "   ")
    page.click(".comment-form button[type=submit]")
    page.locator(".flash.error", has_text="输入有误：评论内容为必填项").wait_for()
    page.fill(".comment-form textarea", "长" * 10_001)
    page.click(".comment-form button[type=submit]")
    page.locator(".flash.error", has_text="评论内容最多 10,000 个字符").wait_for()

    # The cases the console cannot easily provoke, from the server's own error bodies.
    described = page.evaluate(
        """async () => {
          const { ApiError } = await import('/static/js/api.js');
          const bodies = [
            { code: 'not_found', message: 'projects/promo-1212/tasks/999 does not exist' },
            { code: 'invalid_argument', details: [{ field: 'task.due_date', description: "must be a date YYYY-MM-DD, not '2026-13-40'" }] },
            { code: 'permission_denied', reason: 'NOT_ASSIGNEE', message: 'an executor moves only their own' },
            { code: 'failed_precondition', message: 'the proposal is not open' },
          ];
          return bodies.map((b) => new ApiError(400, b).describe());
        }"""
    )
    assert described == [
        "未找到：projects/promo-1212/tasks/999 不存在",
        "输入有误：截止日期必须是有效日期",
        "无权操作：执行人只能流转自己的或未分配的任务",
        # No words for this one: the server's text, under a Chinese heading.
        "现在无法执行：the proposal is not open",
    ]
    assert page.errors == []

    # A refused key, on the sign-in page.
    other = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    other.goto(console_stack.url)
    other.fill("#api-key", "planops_not_a_key")
    other.click("form.login button[type=submit]")
    other.locator("form.login p.error").wait_for()
    assert other.locator("form.login p.error").inner_text().startswith("API 密钥被拒绝：")


NOTES_ZH = """上线准备会 周五

- 王芳下周三前完成客服话术，高优先级。
- 孙涛周一前把大促当晚的监控告警配好。
"""


def test_notes_accepted_in_chinese(browser: Any, console_stack: Stack) -> None:
    data = data_of(console_stack)
    page = signed_in(browser, console_stack, DESKTOP, locale="zh-CN")
    ready(page, "notes")
    page.fill("#notes-text", NOTES_ZH)
    page.fill("#meeting-date", "2026-11-27")
    page.click("#extract")
    page.wait_for_selector(".chips .chip")
    chips = page.locator(".chips .chip")
    for i in range(chips.count()):
        chips.nth(i).locator("input.pick").set_checked(i == 0)
    page.click("#accept-items")
    page.wait_for_selector("#on-board")
    assert "已从纪要创建 1 个任务" in page.locator(".flash.ok").first.inner_text()
    assert page.locator("#on-board").inner_text() == "在看板上查看已接受的 1 项"
    assert untranslated(page, data) == []
    assert page.errors == []


def test_the_switch_changes_the_language_and_is_remembered(
    browser: Any, console_stack: Stack, shots: Path
) -> None:
    (shots / "zh-CN").mkdir(parents=True, exist_ok=True)
    page = signed_in(browser, console_stack, PHONE, locale="en-GB")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("#nav a[data-page=board]").inner_text() == "Board"
    page.click("#language button[data-lang=zh-CN]")
    # The English board is still on the page until the catalogue has loaded; wait for the
    # language itself, then for the board drawn in it.
    page.wait_for_selector('html[lang="zh-CN"]', state="attached")
    page.wait_for_selector(
        'main .view[data-page="board"][data-ready="true"] .filters:has-text("显示已完成")'
    )
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("#nav a[data-page=board]").inner_text() == "看板"
    assert "显示已完成" in page.locator(".filters").inner_text()
    assert untranslated(page, data_of(console_stack)) == []
    # The header with the switch still fits a phone in Chinese.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.screenshot(path=str(shots / "zh-CN" / "board-phone.png"))

    page.reload()
    page.wait_for_selector('main .view[data-page="board"][data-ready="true"] .filters')
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("#language button[aria-pressed=true]").inner_text() == "中文"
    page.click("#language button[data-lang=en]")
    page.wait_for_selector("text=Show done")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate("localStorage.getItem('planops.language')") == "en"
    assert page.errors == []
