"""Lists under a heading (batch 11 of #12, now development data); every example is written
for this file."""

from __future__ import annotations

from datetime import date

from services.nlp.notes import Extractor, NotesRequest
from services.nlp.owners import Participant
from services.nlp.segment import segment

PEOPLE = (
    Participant("Priya Natarajan", ("Priya",)),
    Participant("Tomás Ruiz", ("Tomás", "Tomas")),
    Participant("王海燕", ("海燕",)),
    Participant("刘强", ()),
)
MEETING = date(2026, 3, 2)  # a Monday


def owners(extractor: Extractor, text: str) -> dict[str, str | None]:
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    return {item.source.strip(): item.owner for item in extractor.extract(request).items}


def test_a_person_committing_to_a_list_owns_each_line(extractor: Extractor) -> None:
    text = (
        "### Warehouse\n"
        "Scanners: 3 of 12 still on the old firmware.\n"
        "Tomás to sort:\n"
        "- firmware update on the remaining three scanners, by Wednesday\n"
        "- spare battery order for the night shift\n"
    )
    assert owners(extractor, text) == {
        "firmware update on the remaining three scanners, by Wednesday": "Tomás Ruiz",
        "spare battery order for the night shift": "Tomás Ruiz",
    }


def test_a_list_line_is_not_a_heading_whatever_its_words() -> None:
    sentences, _ = segment("## Next steps (Priya):\n- buddy assignments\n- desk plan\n")
    assert [s.heading for s in sentences] == ["Next steps (Priya):"] * 2


def test_a_sign_off_after_the_list_is_not_an_item(extractor: Extractor) -> None:
    text = (
        "Action items\n"
        "1. Priya – refresh the stock report – by Friday\n"
        "2. Tomás – book the pallet audit – tomorrow\n"
        "\n"
        "Thanks,\n"
        "Priya\n"
    )
    assert owners(extractor, text) == {
        "Priya – refresh the stock report – by Friday": "Priya Natarajan",
        "Tomás – book the pallet audit – tomorrow": "Tomás Ruiz",
    }


def test_a_recap_headed_summary_keeps_one_item_with_the_recap_line(extractor: Extractor) -> None:
    text = (
        "一、库存\n"
        "海燕说盘点差异主要在退货区，她会在周三前把差异清单整理出来。\n"
        "\n"
        "待办汇总\n"
        "1. 王海燕：退货区盘点差异清单，周三前\n"
        "2. 刘强：补打缺失的货位标签\n"
    )
    found = owners(extractor, text)
    assert found == {
        "王海燕：退货区盘点差异清单，周三前": "王海燕",
        "刘强：补打缺失的货位标签": "刘强",
    }


def test_lower_case_slack_handles_are_speakers(extractor: Extractor) -> None:
    people = (
        Participant("Nadia Haddad", ("nadia", "@nadia")),
        Participant("Owen Price", ("owen", "@owen")),
        Participant("Lena Vogel", ("lena",)),
    )
    text = (
        "#ops-standup (Mon 2 Mar)\n"
        "nadia: label printer fixed yesterday. today: I'm on the returns backlog, should be clear EOD\n"
        "owen: dock 3 door still waiting on the contractor\n"
        "lena: @owen can you chase the contractor for a date?\n"
        "owen: yep, will call them this afternoon\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    sentences, transcript = segment(text, speakers=("nadia", "owen", "lena"))
    assert transcript
    speakers = [s.speaker for s in sentences if s.block == "turn"]
    assert list(dict.fromkeys(speakers)) == ["nadia", "owen", "lena"]
    found = {i.owner for i in extractor.extract(request).items}
    assert "Owen Price" in found


def test_a_request_to_anyone_in_a_chat_is_an_item_nobody_owns(extractor: Extractor) -> None:
    people = (Participant("Nadia Haddad", ("Nadia",)), Participant("Owen Price", ("Owen",)))
    text = (
        "Nadia: the returns label template still shows the old address\n"
        "Owen: saw that too\n"
        "Nadia: could someone update the template in the label tool so it shows the new address?\n"
        "Owen: on a different note, dock 3 is open again\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    items = extractor.extract(request).items
    assert [(i.source.strip()[:30], i.owner) for i in items] == [
        ("could someone update the templ", None)
    ]


def test_a_chat_recap_list_keeps_its_lines_and_drops_the_chat_twins(extractor: Extractor) -> None:
    text = (
        "王海燕 10:02\n"
        "退货区标签我今天下午补打\n"
        "\n"
        "刘强 10:05\n"
        "@王海燕 差异清单周三前一定要给到财务\n"
        "\n"
        "王海燕 10:08\n"
        "叉车年检没人认领的话我明天指定一个\n"
        "\n"
        "王海燕 10:20\n"
        "好，总结一下：\n"
        "- 退货区标签 王海燕 今天\n"
        "- 差异清单 王海燕 周三前\n"
        "- 叉车年检 待认领\n"
    )
    assert owners(extractor, text) == {
        "退货区标签 王海燕 今天": "王海燕",
        "差异清单 王海燕 周三前": "王海燕",
        "叉车年检 待认领": None,
    }


def test_a_named_person_following_up_is_given_the_work(extractor: Extractor) -> None:
    text = "服务器维保续约，刘强跟一下，3月10日前\n福利款清单，海燕说她明天给\n"
    assert owners(extractor, text) == {
        "服务器维保续约，刘强跟一下，3月10日前": "刘强",
        "福利款清单，海燕说她明天给": "王海燕",
    }


def test_a_stand_up_plan_after_yesterdays_news_is_its_own_item(extractor: Extractor) -> None:
    people = (Participant("Nadia Haddad", ("nadia",)), Participant("Owen Price", ("owen",)))
    text = (
        "nadia: y'day label printer fixed. today: I'm on the returns backlog, clear by EOD\n"
        "owen: no update, I'm on leave Wed-Fri\n"
        "nadia: dock 3 door still stuck\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    found = [(i.source.strip(), i.owner) for i in extractor.extract(request).items]
    assert found == [("today: I'm on the returns backlog, clear by EOD", "Nadia Haddad")]


def test_a_clause_that_leaves_out_its_subject_is_the_named_persons(extractor: Extractor) -> None:
    text = (
        "- Priya thinks the April numbers are fine, will confirm with finance offline.\n"
        "- The pallets arrive Tuesday and will affect the dock plan.\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    (item,) = extractor.extract(request).items
    assert item.owner == "Priya Natarajan"
    assert "subject" in item.explanation.owner


def test_a_dated_todo_heading_owns_and_dates_its_bare_lines(extractor: Extractor) -> None:
    text = "营业额 3.2w，目标完成 90%\n\n明日待办（海燕）：\n- 盘点临期乳制品\n- 补打价签\n"
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    found = [(i.source.strip(), i.owner, i.due) for i in extractor.extract(request).items]
    tomorrow = date(2026, 3, 3)
    assert found == [
        ("盘点临期乳制品", "王海燕", tomorrow),
        ("补打价签", "王海燕", tomorrow),
    ]


def test_a_topic_heading_with_one_person_in_brackets_is_theirs(extractor: Extractor) -> None:
    text = "### 行政（刘强）\n- 工位和门禁卡\n- 欢迎礼包\n"
    assert owners(extractor, text) == {"工位和门禁卡": "刘强", "欢迎礼包": "刘强"}


def test_a_line_of_names_is_who_came_not_work(extractor: Extractor) -> None:
    text = (
        "Board meeting, 2 March\n"
        "Directors present: Priya Natarajan (Chair), Tomás Ruiz (Treasurer), 王海燕, 刘强\n"
        "Tomás will circulate the audited accounts by Friday.\n"
    )
    assert owners(extractor, text) == {
        "Tomás will circulate the audited accounts by Friday.": "Tomás Ruiz"
    }


def test_work_that_nobody_has_taken_yet_is_an_item_without_owner(extractor: Extractor) -> None:
    text = "- Who tells the night shift about the new route? — nobody yet\n"
    assert owners(extractor, text) == {
        "Who tells the night shift about the new route? — nobody yet": None
    }


def test_a_report_under_a_name_is_status_not_work(extractor: Extractor) -> None:
    people = (Participant("Tomás Reyes", ()), Participant("Olu Nwosu", ()))
    text = (
        "TR — 14 of 22 stores confirmed the floor set for Friday night.\n"
        "ON — email #2 needs to go out Thursday, ON to schedule it.\n"
        "Ops: tickets sitting in the unassigned queue for 40 min on average since the upgrade.\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    found = [(i.source.strip()[:20], i.owner) for i in extractor.extract(request).items]
    assert found == [("ON — email #2 needs ", "Olu Nwosu")]


def test_declining_in_a_chat_is_not_taking_the_work(extractor: Extractor) -> None:
    text = (
        "[09:30] 刘强：还有，能不能有人拉一下昨天退款率高的那几个链接\n"
        "[09:32] 王海燕：我这边弄不了，数据权限没开\n"
        "[09:40] 刘强：@彭浩 预售尾款单 12月10号前要全部核对完\n"
    )
    people = (*PEOPLE, Participant("彭浩", ()))
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    found = {i.source.strip(): i.owner for i in extractor.extract(request).items}
    assert "我这边弄不了，数据权限没开" not in found
    assert found["@彭浩 预售尾款单 12月10号前要全部核对完"] == "彭浩"


def test_asked_and_taken_in_one_line(extractor: Extractor) -> None:
    text = (
        "- Spare filters below min stock. Need someone to raise the reorder — Tomás volunteered.\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    (item,) = extractor.extract(request).items
    assert item.owner == "Tomás Ruiz"
    assert "taken by `Tomás Ruiz`" in " ".join(item.explanation.item)


def test_official_minutes_give_work_with_you_and_fu_ze(extractor: Extractor) -> None:
    text = (
        "三、会议议定事项\n"
        "（一）节前慰问所需资金由财务部刘强同志在月底前落实到位。\n"
        "（二）王海燕同志负责在国庆节前组织一次消防演练。\n"
        "（三）税务：三月增值税申报 4/15 截止，刘强盯\n"
    )
    assert owners(extractor, text) == {
        "（一）节前慰问所需资金由财务部刘强同志在月底前落实到位。": "刘强",
        "（二）王海燕同志负责在国庆节前组织一次消防演练。": "王海燕",
        "（三）税务：三月增值税申报 4/15 截止，刘强盯": "刘强",
    }


def test_a_claimed_line_names_who_after_the_work(extractor: Extractor) -> None:
    text = "#接龙 入职准备认领\n工位+门禁卡：刘强，周五前\n电脑和账号：王海燕，3/6 前全部开好\n"
    found = owners(extractor, text)
    assert found == {
        "工位+门禁卡：刘强，周五前": "刘强",
        "电脑和账号：王海燕，3/6 前全部开好": "王海燕",
    }


def test_a_wecom_speaker_line_with_the_company_in_brackets(extractor: Extractor) -> None:
    text = (
        "王海燕（云仓-运营）10:02\n"
        "@刘强 昨天的入库单有 12 张对不上，能帮忙看下吗？\n"
        "\n"
        "刘强（云仓-IT）10:05\n"
        "收到，规则修复今晚发版，发版后我把 12 张重新跑一遍\n"
    )
    sentences, transcript = segment(text)
    assert transcript
    assert {s.speaker for s in sentences} == {"王海燕", "刘强"}


def test_asking_for_a_taker_in_plain_notes_is_an_item_nobody_owns(extractor: Extractor) -> None:
    text = (
        "- The quarantine cage has 6 pallets with the old labels.\n"
        "- Can someone on days re-label the 6 pallets in the quarantine cage?\n"
    )
    assert owners(extractor, text) == {
        "Can someone on days re-label the 6 pallets in the quarantine cage?": None
    }


def test_the_one_addressed_after_a_speakers_label_does_the_work(extractor: Extractor) -> None:
    text = "讨论\n- 刘强：梅雨季快到了，排水沟清淤要提前做，海燕你安排一下，月底前弄完。\n"
    assert set(owners(extractor, text).values()) == {"王海燕"}


def test_a_todo_heading_named_for_a_person_is_their_list(extractor: Extractor) -> None:
    text = "刘强待办：\n- 高温作业人员名单\n- 劳保鞋采购申请\n"
    assert owners(extractor, text) == {"高温作业人员名单": "刘强", "劳保鞋采购申请": "刘强"}
    text = "Priya's to-dos:\n- buddy assignments\n- desk plan for the new starters\n"
    assert owners(extractor, text) == {
        "buddy assignments": "Priya Natarajan",
        "desk plan for the new starters": "Priya Natarajan",
    }


def test_a_sign_off_after_a_table_has_left_it(extractor: Extractor) -> None:
    text = (
        "Action items\n"
        "| Task | Owner | Due |\n"
        "|---|---|---|\n"
        "| refresh the stock report | Priya | Friday |\n"
        "\n"
        "Cheers, see you all Friday\n"
    )
    sentences, _ = segment(text)
    assert [s.paragraph for s in sentences] == [0, 1]
    assert list(owners(extractor, text).values()) == ["Priya Natarajan"]


def test_a_bulleted_action_items_title_heads_its_list(extractor: Extractor) -> None:
    text = (
        "- Tomás will book the pallet audit by Friday.\n"
        "- Action Items\n"
        "- Tomás: book the pallet audit - Friday\n"
        "- Priya: refresh the stock report\n"
    )
    found = owners(extractor, text)
    assert found == {
        "Tomás: book the pallet audit - Friday": "Tomás Ruiz",
        "Priya: refresh the stock report": "Priya Natarajan",
    }


def test_a_chat_recap_announced_with_an_emoji(extractor: Extractor) -> None:
    text = (
        "[14:05] Priya Natarajan: Tomás can you send the carrier the new slots by Monday\n"
        "[14:06] Tomás Ruiz: yes, I'll send them Monday morning\n"
        "[14:20] Priya Natarajan: recap 👇\n"
        "ACTION (Tomás): send the carrier the new slots, Monday\n"
    )
    found = owners(extractor, text)
    assert found == {"ACTION (Tomás): send the carrier the new slots, Monday": "Tomás Ruiz"}


def test_a_meeting_tools_transcript_heading_ends_the_action_list(extractor: Extractor) -> None:
    """Feishu Minutes puts its `待办` summary first and the transcript under `文字记录`:
    the transcript is the discussion, not more lines of the action list, and what it says
    again is the summary's item."""
    text = (
        "智能纪要\n"
        "· 上周到货 40 台，退货 3 台\n"
        "待办\n"
        "· 王海燕：整理退货原因发给供应商（周五前）\n"
        "\n"
        "文字记录\n"
        "刘强 00:00:12\n"
        "那我们开始吧，先过一下上周的数据。\n"
        "王海燕 00:01:05\n"
        "退货的 3 台我看了，都是屏幕问题。\n"
        "刘强 00:01:40\n"
        "那得让供应商看看吧？海燕你把退货原因整理一下，周五前发给供应商。\n"
        "王海燕 00:01:52\n"
        "行，我周五前发。\n"
        "刘强 00:02:30\n"
        "还有，下个月开始验货必须拍照，这个定了。\n"
    )
    assert owners(extractor, text) == {"王海燕：整理退货原因发给供应商（周五前）": "王海燕"}


def test_a_decision_logs_rows_are_no_work_even_with_an_owner_column(
    extractor: Extractor,
) -> None:
    text = (
        "Decision log\n"
        "| # | Decision | Owner | Date |\n"
        "|---|---|---|---|\n"
        "| D-4 | Night shift keeps the old scanners until April | Priya Natarajan | 02 Mar |\n"
        "\n"
        "Action items\n"
        "| Task | Owner | Due |\n"
        "|---|---|---|\n"
        "| Order two spare scanners | Tomás Ruiz | Friday |\n"
    )
    assert owners(extractor, text) == {
        "Order two spare scanners | Tomás Ruiz | Friday": "Tomás Ruiz"
    }


def test_a_quoted_action_list_in_an_email_reply_is_read_line_by_line(
    extractor: Extractor,
) -> None:
    text = (
        "Replies inline. P\n"
        "\n"
        "> Actions\n"
        "> - Tomás: order two spare scanners\n"
        "> - 王海燕: update the returns sheet by Friday\n"
        "\n"
        "Fine by me.\n"
    )
    assert owners(extractor, text) == {
        "Tomás: order two spare scanners": "Tomás Ruiz",
        "王海燕: update the returns sheet by Friday": "王海燕",
    }


def test_an_oa_approvals_numbered_comments_are_their_writers_turns(
    extractor: Extractor,
) -> None:
    text = (
        "审批流转意见：\n"
        "1. 刘强（发起） 2026-03-02 10:32\n"
        "   仓库 3 号货架的灭火器过期了，已拍照留档。\n"
        "2. 王海燕（安全员） 2026-03-02 16:05\n"
        "   同意。灭火器本周内我联系更换。\n"
    )
    found = owners(extractor, text)
    assert found == {"灭火器本周内我联系更换。": "王海燕"}
    # An agenda's numbered lines with times are no speakers.
    _sentences, chat = segment("议程\n1. 开场 09:00\n2. 汇报 09:15\n3. 茶歇 10:30\n", lang="zh")
    assert not chat


def test_a_bare_section_name_after_a_transcript_ends_the_last_turn(
    extractor: Extractor,
) -> None:
    """`待办事项（AI生成）` after the last speaker's words opens the tool's summary: its lines
    are the recap of what was said, not more of that speaker's turn."""
    text = (
        "刘强 00:01:05\n"
        "海燕你周四前把回归用例补齐。\n"
        "\n"
        "王海燕 00:01:20\n"
        "好，没问题。\n"
        "\n"
        "待办事项（AI生成）\n"
        "· 王海燕周四前补齐回归用例\n"
    )
    assert owners(extractor, text) == {"王海燕周四前补齐回归用例": "王海燕"}


def test_an_approval_refused_or_stopped_is_no_work(extractor: Extractor) -> None:
    text = (
        "审批标题\t事项\t负责人\t截止日期\t审批状态\t执行状态\n"
        "工作交办单\t空调滤网清洗\t刘强\t2026-03-06\t已同意\t进行中\n"
        "工作交办单\t会议室规则调整\t王海燕\t2026-03-04\t已拒绝\t已终止\n"
    )
    assert list(owners(extractor, text).values()) == ["刘强"]


def test_a_things_label_under_an_owners_heading_is_work(extractor: Extractor) -> None:
    """`accounts: Workday, Slack, Jira` under `Next steps (Tomás):` names what to set up; a
    reporting label (`status: …`, `yesterday: …`) under it is no item, and neither is a
    thing's label under a heading that names nobody."""
    text = (
        "Onboarding sync\n"
        "\n"
        "Next steps (Tomás):\n"
        "- accounts: Workday, Slack, Jira\n"
        "- desk + badge by Thursday\n"
        "- status: laptop imaged\n"
        "- yesterday: met the buddy\n"
    )
    assert owners(extractor, text) == {
        "accounts: Workday, Slack, Jira": "Tomás Ruiz",
        "desk + badge by Thursday": "Tomás Ruiz",
    }
    unnamed = text.replace("Next steps (Tomás):", "Next steps:")
    assert "accounts: Workday, Slack, Jira" not in owners(extractor, unnamed)
