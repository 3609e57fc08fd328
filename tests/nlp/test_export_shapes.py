"""Shapes of exported and spoken notes (batches 14-15 of #12, now development data): transcript
speaker lines, export bullets and boxes, ticket lines, `'s going to`, reports of past days,
lines that say nobody owns the work, and Chinese who-when-what. Every example is written for
this file."""

from __future__ import annotations

from datetime import date

from services.nlp.dates import find_due
from services.nlp.notes import Extractor, NotesRequest
from services.nlp.owners import Participant
from services.nlp.segment import segment
from tests.nlp.test_list_headings import PEOPLE

MEETING = date(2026, 3, 2)  # a Monday


def items(extractor: Extractor, text: str) -> dict[str, tuple[str | None, str | None]]:
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    # A request's source runs on to the turn that accepted it: keyed by its first line.
    return {
        " ".join(i.source.split("\n")[0].split()): (i.owner, i.due.isoformat() if i.due else None)
        for i in extractor.extract(request).items
    }


def test_a_transcripts_speaker_lines_say_who_i_is(extractor: Extractor) -> None:
    # Otter and Teams exports: the speaker and the time on a line, the words under it.
    text = (
        "Weekly ops sync\n"
        "\n"
        "Priya Natarajan  0:03\n"
        "Tomás, can you re-run the pallet count before the audit?\n"
        "\n"
        "Tomás Ruiz  0:11\n"
        "Sure, I'll do it tomorrow morning.\n"
        "\n"
        "Priya Natarajan  0:20\n"
        "Great. I'll send the audit pack to finance by Wednesday.\n"
    )
    assert items(extractor, text) == {
        "Tomás, can you re-run the pallet count before the audit?": ("Tomás Ruiz", "2026-03-03"),
        "I'll send the audit pack to finance by Wednesday.": ("Priya Natarajan", "2026-03-04"),
    }


def test_an_agenda_time_is_not_a_speaker() -> None:
    text = "Standup  9:30\nReview  10:15\nPriya to send the notes.\n"
    _, transcript = segment(text, speakers=("priya natarajan", "priya"))
    assert not transcript


def test_export_bullets_and_boxes_are_lines_of_their_own(extractor: Extractor) -> None:
    text = (
        "▸ Actions\n"
        "☐ Priya — chase the courier about the missing pallets — by Friday\n"
        "☐ Tomás — rebook the forklift inspection for the night shift — Wed\n"
        "☑ Tomás — order new pallet wrap (done)\n"
    )
    assert items(extractor, text) == {
        "☐ Priya — chase the courier about the missing pallets — by Friday": (
            "Priya Natarajan",
            "2026-03-06",
        ),
        "☐ Tomás — rebook the forklift inspection for the night shift — Wed": (
            "Tomás Ruiz",
            "2026-03-04",
        ),
    }


def test_a_long_ticket_line_does_not_run_into_the_next(extractor: Extractor) -> None:
    text = (
        "Open work orders\n"
        "WO-2210 replace the worn drive belt on the north conveyor — Tomás — by Thursday\n"
        "WO-2214 recalibrate the dock scale after the firmware update — Priya — Friday\n"
    )
    found = items(extractor, text)
    assert found == {
        "WO-2210 replace the worn drive belt on the north conveyor — Tomás — by Thursday": (
            "Tomás Ruiz",
            "2026-03-05",
        ),
        "WO-2214 recalibrate the dock scale after the firmware update — Priya — Friday": (
            "Priya Natarajan",
            "2026-03-06",
        ),
    }


def test_a_name_with_s_going_to_is_the_owner(extractor: Extractor) -> None:
    text = "The chiller is short-cycling again, Tomás's going to swap the relay tomorrow.\n"
    assert items(extractor, text) == {
        "The chiller is short-cycling again, Tomás's going to swap the relay tomorrow.": (
            "Tomás Ruiz",
            "2026-03-03",
        )
    }


def test_a_report_of_a_day_just_past_is_not_an_item(extractor: Extractor) -> None:
    text = (
        "- Priya: the dock door sensor failed twice on 27 February during the night shift.\n"
        "- Tomás: replace the dock door sensor by Friday.\n"
    )
    assert items(extractor, text) == {
        "Tomás: replace the dock door sensor by Friday.": ("Tomás Ruiz", "2026-03-06"),
    }
    # The date rule itself is unchanged: the next 27 February, with the day marked as past.
    due = find_due("on 27 February", meeting_date=MEETING, lang="en")
    assert due is not None and due.date == date(2027, 2, 27) and due.past
    written = find_due("by 27 February 2027", meeting_date=MEETING, lang="en")
    assert written is not None and not written.past


def test_work_nobody_owns_stays_its_own_item_beside_the_recap(extractor: Extractor) -> None:
    text = (
        "Discussion\n"
        "- Tomás to get two quotes for the dock shelter.\n"
        "- Fitting the dock shelter once approved: responsible still open\n"
        "\n"
        "Action items\n"
        "- Tomás: quotes for the dock shelter, Friday\n"
    )
    assert items(extractor, text) == {
        "Fitting the dock shelter once approved: responsible still open": (None, None),
        "Tomás: quotes for the dock shelter, Friday": ("Tomás Ruiz", "2026-03-06"),
    }


def test_chinese_who_then_when_then_what(extractor: Extractor) -> None:
    text = (
        "- 三号库差异：海燕明天上午复盘，出差异报告。\n"
        "- 叉车年检，刘强上次问过两家，报价还没回，他这周内再催一次。\n"
        "- 海燕下周一到周三休年假。\n"
    )
    found = items(extractor, text)
    assert found == {
        "三号库差异：海燕明天上午复盘，出差异报告。": ("王海燕", "2026-03-03"),
        "叉车年检，刘强上次问过两家，报价还没回，他这周内再催一次。": ("刘强", "2026-03-06"),
    }


def test_a_stand_up_line_that_leaves_out_i_is_the_speakers(extractor: Extractor) -> None:
    people = (*PEOPLE, Participant("Will Carter", ("Will",)))
    text = (
        "[09:01] Tomás Ruiz: Will review the pallet report on Wednesday.\n"
        "[09:02] Priya Natarajan: ok. Will owns the dock rota this week, fyi.\n"
        "[09:03] Will Carter: I and Priya together will redo the shift plan by Friday.\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    found = {i.source: i.owner for i in extractor.extract(request).items}
    assert found == {
        "Will review the pallet report on Wednesday.": "Tomás Ruiz",
        "Will owns the dock rota this week, fyi.": "Will Carter",  # the name, not "I will"
        "I and Priya together will redo the shift plan by Friday.": "Will Carter",
    }


def test_two_people_committing_in_one_sentence_are_two_items(extractor: Extractor) -> None:
    text = (
        "Tomás will fix the dock door on Monday, and Priya will brief the drivers at the "
        "Tuesday huddle.\n"
    )
    assert items(extractor, text) == {
        "Tomás will fix the dock door on Monday": ("Tomás Ruiz", "2026-03-02"),
        "Priya will brief the drivers at the Tuesday huddle.": ("Priya Natarajan", "2026-03-03"),
    }


def test_chinese_work_asking_for_a_taker_or_waiting_for_one(extractor: Extractor) -> None:
    text = (
        "[10:01] 王海燕：详情页尺码表里有错别字，谁能顺手改一下\n"
        "[10:02] 刘强：有谁能帮忙问问市场部有没有人愿意主持？\n"
        "[10:03] 王海燕：发布当晚需要后端和 DBA 各一人，谁值班还没定\n"
    )
    assert {source: owner for source, (owner, _) in items(extractor, text).items()} == {
        "详情页尺码表里有错别字，谁能顺手改一下": None,
        "有谁能帮忙问问市场部有没有人愿意主持？": None,
        "发布当晚需要后端和 DBA 各一人，谁值班还没定": None,
    }


def test_chinese_who_receives_the_work_and_who_only_said_something(extractor: Extractor) -> None:
    text = (
        "- 会后请各组长把本组可用时间报给刘强，周五前。\n"
        "- 海燕说周末收银只开两台，高峰时排队超过十五分钟。\n"
        "- 叉车报价，刘强说他明天给。\n"
    )
    assert items(extractor, text) == {
        "会后请各组长把本组可用时间报给刘强，周五前。": (None, "2026-03-06"),
        "叉车报价，刘强说他明天给。": ("刘强", "2026-03-03"),
    }


def test_chinese_decisions_requirements_and_worries_are_not_items(extractor: Extractor) -> None:
    text = (
        "- 刘强担心旺季第一周切换会直接影响发货。\n"
        "- 海燕最后拍板：采用方案 B，分两步切换。\n"
        "- 讨论后结论：上线不以压测达标为前置条件。\n"
        "- 刘强要求 P1 缺陷必须在上线前全部关闭。\n"
        "- 刘强要求海燕周三前把压测报告发群里。\n"
    )
    assert items(extractor, text) == {
        "刘强要求海燕周三前把压测报告发群里。": ("王海燕", "2026-03-04"),
    }


def test_slack_and_ticket_comment_speaker_lines(extractor: Extractor) -> None:
    text = (
        "#dock-ops — thread\n"
        "priya  9:12 AM\n"
        "the north dock door is jamming again\n"
        "tomás ruiz  9:14 AM\n"
        "I'll get the vendor out tomorrow\n"
        "\n"
        "Priya Natarajan — 02/Mar/26 10:02 AM\n"
        "I will update the incident log today.\n"
    )
    assert items(extractor, text) == {
        "I'll get the vendor out tomorrow": ("Tomás Ruiz", "2026-03-03"),
        "I will update the incident log today.": ("Priya Natarajan", "2026-03-02"),
    }


def test_a_stand_up_per_person_with_t_lines(extractor: Extractor) -> None:
    text = (
        "Ops stand-up\n"
        "\n"
        "Tomás\n"
        "- y: cleared the returns backlog\n"
        "- t: recount the cage stock, should be done by COB\n"
        "\n"
        "Priya\n"
        "- forklift 4 still leaking\n"
        "- will send the hydraulics quote to Tomás tomorrow\n"
    )
    found = items(extractor, text)
    assert {source: owner for source, (owner, _) in found.items()} == {
        "t: recount the cage stock, should be done by COB": "Tomás Ruiz",
        "will send the hydraulics quote to Tomás tomorrow": "Priya Natarajan",
    }


def test_the_i_of_an_email_or_a_report_is_its_writer(extractor: Extractor) -> None:
    email = (
        "Hi all,\n"
        "\n"
        "Next steps\n"
        "- Tomás: recount the cage stock by Wednesday\n"
        "- I'll circulate the updated floor plan EOD\n"
        "\n"
        "Cheers,\n"
        "Priya\n"
    )
    assert items(extractor, email) == {
        "Tomás: recount the cage stock by Wednesday": ("Tomás Ruiz", "2026-03-04"),
        "I'll circulate the updated floor plan EOD": ("Priya Natarajan", "2026-03-02"),
    }
    report = (
        "钉钉日报 | 刘强 | 2026-03-02\n"
        "今日完成：\n"
        "1. 三号库盘点完成，差异已找到原因\n"
        "明日计划：\n"
        "1. 跟财务冲红那张重复发票\n"
        "2. 拜访新客户，带样品\n"
    )
    assert items(extractor, report) == {
        "跟财务冲红那张重复发票": ("刘强", "2026-03-03"),
        "拜访新客户，带样品": ("刘强", "2026-03-03"),
    }


def test_chinese_work_to_get_done_by_a_time_is_not_done(extractor: Extractor) -> None:
    text = (
        "[10:01] 王海燕：三号库盘点表还差签字\n"
        "[10:02] 刘强：我把三号库的盘点表补签完，中午前搞定\n"
        "[10:03] 王海燕：好，对账那边已经搞定了\n"
    )
    assert items(extractor, text) == {
        "我把三号库的盘点表补签完，中午前搞定": ("刘强", "2026-03-02"),
    }


def test_chinese_chat_commitments_after_the_meeting_or_with_a_dash_label(
    extractor: Extractor,
) -> None:
    text = (
        "[10:01] 王海燕：三号库格口标签贴错了\n"
        "——刘强：是，格口标签我今晚就重新贴\n"
        "[10:03] 王海燕：那个，我会后把纪要发一下，大家有问题群里说。\n"
    )
    assert {source: owner for source, (owner, _) in items(extractor, text).items()} == {
        "——刘强：是，格口标签我今晚就重新贴": "刘强",
        "王海燕：那个，我会后把纪要发一下，大家有问题群里说。": "王海燕",
    }


def test_end_of_day_is_the_end_of_the_day_named_beside_it() -> None:
    found = find_due("chase the courier by EOD tomorrow", meeting_date=MEETING, lang="en")
    assert found is not None and found.date == date(2026, 3, 3)
    found = find_due("runbook into PagerDuty - Wed EOD", meeting_date=MEETING, lang="en")
    assert found is not None and found.date == date(2026, 3, 4)
    found = find_due("send the deck EOD", meeting_date=MEETING, lang="en")
    assert found is not None and found.date == MEETING


def test_the_one_asked_answering_with_their_own_commitment_takes_it(
    extractor: Extractor,
) -> None:
    text = (
        "0:00:04 Priya Natarajan: The pallet order is still in transit.\n"
        "0:00:52 Priya Natarajan: Tomás, can you call the carrier and get a delivery date?\n"
        "0:00:58 Tomás Ruiz: I'll call them today and share it on the group.\n"
        "0:01:58 Priya Natarajan: And Tomás, can you fix the scanner mapping?\n"
        "0:02:03 Tomás Ruiz: Sawa, by Friday.\n"
    )
    assert items(extractor, text) == {
        "Tomás, can you call the carrier and get a delivery date?": ("Tomás Ruiz", "2026-03-02"),
        "And Tomás, can you fix the scanner mapping?": ("Tomás Ruiz", "2026-03-06"),
    }


def test_a_chat_apps_own_lines_and_a_lone_annotation_are_not_items(extractor: Extractor) -> None:
    text = (
        "- [ ] Tomás: recount the cage stock by Friday\n"
        "- [ ] refresh the dock contact sheet\n"
        "  (unassigned)\n"
        '"王海燕"撤回了一条消息\n'
        "- 三号库货架横梁变形需要维修，owner 待定\n"
    )
    assert items(extractor, text) == {
        "[ ] Tomás: recount the cage stock by Friday": ("Tomás Ruiz", "2026-03-06"),
        "[ ] refresh the dock contact sheet": (None, None),
        "三号库货架横梁变形需要维修，owner 待定": (None, None),
    }


def test_a_raci_table_without_outer_pipes_is_owned_by_its_r(extractor: Extractor) -> None:
    text = (
        "RACI (as agreed)\n"
        "Task | R | A | C | I\n"
        "Recount the cage stock | Tomás Ruiz | Priya Natarajan | – | –\n"
        "Update the dock contact sheet | Priya Natarajan | Tomás Ruiz | – | –\n"
    )
    found = items(extractor, text)
    assert {source: owner for source, (owner, _) in found.items()} == {
        "Recount the cage stock | Tomás Ruiz | Priya Natarajan | – | –": "Tomás Ruiz",
        "Update the dock contact sheet | Priya Natarajan | Tomás Ruiz | – | –": "Priya Natarajan",
    }


def test_chinese_work_in_one_clause_is_not_done_by_another(extractor: Extractor) -> None:
    text = (
        "- 到货少了 2 箱，已拍照留档，供应商那边刘强明天上午联系。\n"
        "- 三号库的盘点表还没出，@海燕 周三前给出来\n"
        "- 货架横梁变形需要维修，owner 待定；已拉警戒线。\n"
    )
    assert items(extractor, text) == {
        "到货少了 2 箱，已拍照留档，供应商那边刘强明天上午联系。": ("刘强", "2026-03-03"),
        "三号库的盘点表还没出，@海燕 周三前给出来": ("王海燕", "2026-03-04"),
        "货架横梁变形需要维修，owner 待定；已拉警戒线。": (None, None),
    }


def test_a_transcripts_ai_recap_is_its_own_section_and_restates_the_talk(
    extractor: Extractor,
) -> None:
    text = (
        "发言人：王海燕、刘强\n"
        "\n"
        "王海燕 00:01:10\n"
        "三号库盘点差异还没查清。\n"
        "\n"
        "刘强 00:01:40\n"
        "好的，我这周五前把三号库的盘点差异报告发群里。\n"
        "\n"
        "【待办事项】（AI 生成）\n"
        "1. 刘强：本周五前发布三号库盘点差异报告\n"
    )
    assert items(extractor, text) == {
        "刘强：本周五前发布三号库盘点差异报告": ("刘强", "2026-03-06"),
    }


def test_chinese_formal_minutes_name_who_is_responsible(extractor: Extractor) -> None:
    text = (
        "（一）责任单位：仓储部；责任人：刘强。4月30日前完成三号库货架加固。\n"
        "（二）采购部（责任人：王海燕）负责在4月24日前补齐包装材料库存。\n"
    )
    found = items(extractor, text)
    assert {owner for owner, _ in found.values()} == {"刘强", "王海燕"}
    assert len(found) == 2


def test_a_wecom_role_prefix_on_a_speaker_line(extractor: Extractor) -> None:
    text = (
        "仓配-刘强 09:10\n"
        "蛋托破了两箱\n"
        "\n"
        "区域经理-王海燕 09:12\n"
        "@刘强 你先拍照发我\n"
        "\n"
        "仓配-刘强 09:13\n"
        "好的，我今天下午把破损清单发群里\n"
    )
    sentences, transcript = segment(text, lang="zh")
    assert transcript
    assert [(s.speaker, s.text) for s in sentences] == [
        ("刘强", "蛋托破了两箱"),
        ("王海燕", "@刘强 你先拍照发我"),
        ("刘强", "好的，我今天下午把破损清单发群里"),
    ]
    # The one asked answers with a commitment: one item, the request's, his, dated by the
    # answer (the labelling rules' "requests accepted in a next line").
    found = items(extractor, text)
    assert found == {"@刘强 你先拍照发我": ("刘强", "2026-03-02")}


def test_comment_headers_disclaimers_absences_and_facts_are_not_items(
    extractor: Extractor,
) -> None:
    text = (
        "Card: dock shelter replacement\n"
        "\n"
        "Priya Natarajan - 2 Mar 2026, 11:05\n"
        "Tomás, can you get two quotes by Friday?\n"
        "\n"
        "Tomás Ruiz - 2 Mar 2026, 11:31\n"
        "Sure, will do.\n"
        "\n"
        "Stand-up notes\n"
        "- Tomás: the pallet wrap stock is down to two weeks of cover.\n"
        "- Priya: OOO tomorrow\n"
        "- Priya: order more pallet wrap by Thursday\n"
        "\n"
        "AI-generated content may be inaccurate or misleading.\n"
    )
    assert items(extractor, text) == {
        "Tomás, can you get two quotes by Friday?": ("Tomás Ruiz", "2026-03-06"),
        "Priya: order more pallet wrap by Thursday": ("Priya Natarajan", "2026-03-05"),
    }


def test_quoted_messages_and_a_request_to_anyone_in_a_transcript(extractor: Extractor) -> None:
    text = (
        "00:00:04 Priya Natarajan: Two drivers did not clock out on Saturday.\n"
        "00:00:12 Priya Natarajan: Somebody needs to fix their timecards before payroll.\n"
        "00:00:20 Tomás Ruiz: Ugh, fine, I'll fix them tomorrow.\n"
        "00:00:31 Priya Natarajan: Tomás, get the forklift quote too.\n"
        "00:00:38 Tomás Ruiz: I'll get that quote by Thursday.\n"
    )
    found = items(extractor, text)
    assert found == {
        "Somebody needs to fix their timecards before payroll.": ("Tomás Ruiz", "2026-03-03"),
        "Tomás, get the forklift quote too.": ("Tomás Ruiz", "2026-03-05"),
    }
    quoted = "「刘强：今天预计进港 6800 票」\n「王海燕」撤回了一条消息\n- 刘强：明天上午把进港清单发群里\n"
    assert items(extractor, quoted) == {"刘强：明天上午把进港清单发群里": ("刘强", "2026-03-03")}


def test_an_at_mention_outranks_a_guessed_chinese_name(extractor: Extractor) -> None:
    text = "- @海燕 auth 修复明天灰度 10%\n"
    assert items(extractor, text) == {"@海燕 auth 修复明天灰度 10%": ("王海燕", "2026-03-03")}


def test_pinyin_initials_and_owners_in_brackets(extractor: Extractor) -> None:
    # WHY is Wang Haiyan (王海燕), LQ Liu Qiang (刘强): neither is listed as an alias.
    zh = "- TODO(WHY)：三号库盘点表发群里，周五前\n- LQ + WHY：周四去备件库盘一遍\n"
    assert {s: o for s, (o, _) in items(extractor, zh).items()} == {
        "TODO(WHY)：三号库盘点表发群里，周五前": "王海燕",
        "LQ + WHY：周四去备件库盘一遍": "刘强",
    }
    en = (
        "Actions\n"
        "- Dock shelter: get two quotes this week. (Tomás)\n"
        "- [Priya Natarajan] Contact sheet: refresh it and share by Friday.\n"
    )
    assert {s: o for s, (o, _) in items(extractor, en).items()} == {
        "Dock shelter: get two quotes this week.": "Tomás Ruiz",
        "[Priya Natarajan] Contact sheet: refresh it and share by Friday.": "Priya Natarajan",
    }


def test_a_numbered_list_of_agreed_actions_restates_the_minutes(extractor: Extractor) -> None:
    # 政府/国企 minutes: the discussion assigns the work, `议定事项及责任分工` lists it again.
    text = (
        "一、设备\n"
        "1. 2号冷库门封条老化，刘强负责联系厂家更换，3月6日前完成。\n"
        "2. 配电房灭火器过期，请海燕本周内统一送检。\n"
        "\n"
        "二、议定事项及责任分工\n"
        "| 事项 | 责任人 | 时限 |\n"
        "| 冷库门封条更换 | 刘强 | 3月6日 |\n"
        "| 灭火器送检 | 王海燕 | 本周内 |\n"
    )
    found = items(extractor, text)
    assert found == {
        "冷库门封条更换 | 刘强 | 3月6日": ("刘强", "2026-03-06"),
        "灭火器送检 | 王海燕 | 本周内": ("王海燕", "2026-03-06"),
    }


def test_two_lists_of_actions_the_last_is_the_recap(extractor: Extractor) -> None:
    # `讨论及议定事项` is a list of actions too now; without "the last list is the recap" its
    # line and the table row would both be kept.
    text = (
        "三、讨论及议定事项\n"
        "1. 会议决定：下周起夜班改为两班倒。\n"
        "2. 叉车年检：刘强牵头，3月10日前完成。\n"
        "\n"
        "四、待办汇总\n"
        "| 序号 | 事项 | 负责人 | 完成时限 |\n"
        "|---|---|---|---|\n"
        "| 1 | 叉车年检 | 刘强 | 3月10日 |\n"
    )
    assert items(extractor, text) == {"1 | 叉车年检 | 刘强 | 3月10日": ("刘强", "2026-03-10")}


def test_english_deadlines_inside_chinese_lines() -> None:
    # `EOD`, `tmr`, `next Tuesday` are as common in 出海 teams' Chinese notes as 今天.
    eod = find_due("刘强：黑五 script，EOD", meeting_date=MEETING, lang="zh")
    assert eod is not None and eod.date == MEETING
    tomorrow = find_due("海燕：host 排班，tmr", meeting_date=MEETING, lang="zh")
    assert tomorrow is not None and tomorrow.date == date(2026, 3, 3)
    eow = find_due("WD: update PFMEA & control plan, EOW", meeting_date=MEETING, lang="zh")
    assert eow is not None and eow.date == date(2026, 3, 6)


def test_a_chat_export_stamped_with_month_and_day(extractor: Extractor) -> None:
    # `[03-02 07:20] 王海燕：` (no year) and a role in brackets after the name.
    text = (
        "[03-02 07:15] 王海燕(制片)：明天的洒水车确认了吗\n"
        "[03-02 07:16] 刘强(场务)：确认了，两台\n"
        "[03-02 07:40] 王海燕(制片)：另外群演要加20个，谁联系一下群头？\n"
        "[03-02 07:52] 刘强(场务)：我来，今天下班前搞定\n"
    )
    sentences, transcript = segment(text, lang="zh")
    assert transcript
    assert [s.speaker for s in sentences] == ["王海燕", "刘强", "王海燕", "刘强"]
    assert items(extractor, text) == {"另外群演要加20个，谁联系一下群头？": ("刘强", "2026-03-02")}


def test_a_pasted_list_inside_a_chat_keeps_it_a_chat() -> None:
    # A 接龙 pasted into a turn: its numbered lines are the turn's, not lines of prose.
    text = (
        "[03-02 09:12] 王海燕：下周一有新同事报到，请认领\n"
        "[03-02 09:20] 刘强：\n"
        "#接龙 入职准备\n"
        "1. 工位+门禁卡：刘强，周五前\n"
        "2. 电脑和账号：\n"
        "3. 导师分配：\n"
        "4. 培训日程：\n"
        "[03-02 09:31] 王海燕：电脑我来开，周四前\n"
        "[03-02 09:33] 刘强：好\n"
    )
    _, transcript = segment(text, lang="zh")
    assert transcript


def test_a_day_first_date_that_cannot_be_month_first() -> None:
    due = find_due("Tomás — issue the shutdown schedule — by 31/3", meeting_date=MEETING)
    assert due is not None and due.date == date(2026, 3, 31)


def test_a_participle_used_as_an_adjective_is_not_done_work(extractor: Extractor) -> None:
    text = "ACTIONS\n- Tomás — chase the vendor for confirmed start dates — today\n"
    assert items(extractor, text) == {
        "Tomás — chase the vendor for confirmed start dates — today": ("Tomás Ruiz", "2026-03-02")
    }


def test_a_title_naming_who_met_is_not_an_item(extractor: Extractor) -> None:
    text = "Lab huddle 2/3 - Priya, Tomás\n- Tomás: recalibrate the centrifuge before Friday\n"
    assert items(extractor, text) == {
        "Tomás: recalibrate the centrifuge before Friday": ("Tomás Ruiz", "2026-03-06")
    }


def test_a_tickets_work_note_headers_say_who_wrote_them(extractor: Extractor) -> None:
    # ServiceNow work notes: the time first, then the writer; the notes under it are theirs.
    text = (
        "INC0048213 — chiller high discharge pressure. Work notes (newest first)\n"
        "\n"
        "2026-03-02 16:47:12 IST — Priya Natarajan (Work notes)\n"
        "Contractor cleaned the coils, pressure back within limits.\n"
        "\n"
        "2026-03-02 09:12:03 IST — Tomás Ruiz (Work notes)\n"
        "I'll order a replacement fan motor, on site by Thursday.\n"
    )
    assert items(extractor, text) == {
        "I'll order a replacement fan motor, on site by Thursday.": ("Tomás Ruiz", "2026-03-05")
    }


def test_a_bold_heading_with_a_note_and_an_assigned_to_column(extractor: Extractor) -> None:
    # A Loop page's task list: `**Tasks** (synced to Planner)` over `| Task | Assigned to | Due |`.
    text = (
        "**Open questions**\n"
        "- Do we need legal sign-off on the gift wording?\n"
        "\n"
        "**Tasks** (Loop task list — synced to Planner)\n"
        "| Task | Assigned to | Due |\n"
        "|---|---|---|\n"
        "| Confirm window install slots with both stores | Tomás | 3/6 |\n"
        "| Check back-room capacity | — | — |\n"
    )
    assert items(extractor, text) == {
        "Confirm window install slots with both stores | Tomás | 3/6": ("Tomás Ruiz", "2026-03-06"),
        "Check back-room capacity | — | —": (None, None),
    }


def test_a_chinese_table_with_a_time_limit_column(extractor: Extractor) -> None:
    text = "| 事项 | 牵头人 | 完成时限 |\n|---|---|---|\n| 叉车年检 | 刘强 | 3月10日 |\n"
    assert items(extractor, text) == {"叉车年检 | 刘强 | 3月10日": ("刘强", "2026-03-10")}


def test_a_basecamp_thread_says_who_wrote_each_message(extractor: Extractor) -> None:
    text = (
        "Priya Natarajan · Mar 2, 8:14am\n"
        "Team, the boiler comes down on the 16th. Tomás, can you get the scaffolding permit?\n"
        "\n"
        "Tomás Ruiz · Mar 2, 8:40am\n"
        "Yes, I'll handle it. I will start the patch prep on Wednesday.\n"
    )
    _, transcript = segment(text, speakers=("priya natarajan", "tomás ruiz", "tomás"))
    assert transcript
    found = items(extractor, text)
    assert found["I will start the patch prep on Wednesday."] == ("Tomás Ruiz", "2026-03-04")


def test_a_persons_name_over_a_list_owns_its_lines(extractor: Extractor) -> None:
    # A weekly report's plan, one person's lines under their name (and under `海燕：` in Chinese).
    text = "Next week\nTomás:\n- buddy assignments from the lab team, confirm by Friday\n"
    assert items(extractor, text) == {
        "buddy assignments from the lab team, confirm by Friday": ("Tomás Ruiz", "2026-03-06")
    }
    zh = "下周计划\n海燕：\n- 企鹅馆全群采血，下周二前出结果\n- 东北虎牙齿复查\n"
    assert items(extractor, zh) == {
        "企鹅馆全群采血，下周二前出结果": ("王海燕", "2026-03-10"),
        "东北虎牙齿复查": ("王海燕", None),
    }


def test_a_department_before_a_name_is_not_a_person() -> None:
    from services.nlp.zh_names import find_names

    assert find_names("人员：设备 邵东、钟亮；安全 魏然") == ["邵东", "钟亮", "魏然"]


def test_who_with_a_verb_and_yixia_asks_for_a_taker(extractor: Extractor) -> None:
    text = (
        "王海燕：尾款催付的短信模板还没定，谁出一下？\n王海燕：另外，谁把上次的退款率复盘表补一下\n"
    )
    found = items(extractor, text)
    assert found["王海燕：尾款催付的短信模板还没定，谁出一下？"][0] is None
    assert found["王海燕：另外，谁把上次的退款率复盘表补一下"][0] is None


def test_work_asked_of_every_store_is_owned_by_nobody(extractor: Extractor) -> None:
    text = (
        "1. 飞检下周可能来，各店把进销存和医保刷卡记录对一下，周四前报给海燕\n"
        "2. 各 BP 请于 3 月 9 日前把未到票的预提明细报上来\n"
        "3. 各店每周五下午五点前在系统更新进展\n"
        "4. 各店排班表由店长报给海燕汇总，3月6日前交齐。\n"
    )
    found = items(extractor, text)
    assert found["飞检下周可能来，各店把进销存和医保刷卡记录对一下，周四前报给海燕"] == (
        None,
        "2026-03-05",
    )
    assert found["各 BP 请于 3 月 9 日前把未到票的预提明细报上来"] == (None, "2026-03-09")
    assert not any(key.startswith("各店每周五") for key in found)  # a standing rule


def test_chinese_dates_written_with_spaces() -> None:
    due = find_due("白露负责收节目，12 月 18 日前报齐", meeting_date=MEETING, lang="zh")
    assert due is not None and due.date == date(2026, 12, 18)
    due = find_due("2027 年 1 月 5 号前统计完", meeting_date=MEETING, lang="zh")
    assert due is not None and due.date == date(2027, 1, 5)


def test_a_task_trackers_comment_headers_say_who_wrote_them(extractor: Extractor) -> None:
    # Asana / Jira: `Name commented · date time`, or `Name commented` alone.
    text = (
        "Priya Natarajan commented · Mar 2, 2026 09:14\n"
        "Export is done, 211 records failed on encoding.\n"
        "\n"
        "Tomás Ruiz commented · Mar 2, 2026 10:31\n"
        "@priya thanks. I'll write a script to fix the 211 errors by Friday.\n"
        "\n"
        "Priya Natarajan commented\n"
        "I'll re-run the import once it is in.\n"
    )
    assert items(extractor, text) == {
        "I'll write a script to fix the 211 errors by Friday.": ("Tomás Ruiz", "2026-03-06"),
        "I'll re-run the import once it is in.": ("Priya Natarajan", None),
    }  # `@priya thanks.` asks nothing


def test_me_in_an_email_is_its_writer(extractor: Extractor) -> None:
    text = (
        "Hi all,\n"
        "\n"
        "Action points\n"
        "- Tomás: book the bus by Wednesday\n"
        "- Me: confirm the venue with the council by Friday\n"
        "\n"
        "Me:\n"
        "- payroll set-up with Finance — end of next week\n"
        "\n"
        "Kind regards,\n"
        "Priya\n"
    )
    found = items(extractor, text)
    assert found["Me: confirm the venue with the council by Friday"] == (
        "Priya Natarajan",
        "2026-03-06",
    )
    assert found["payroll set-up with Finance — end of next week"][0] == "Priya Natarajan"
    assert not any(key in {"Kind regards,", "Priya"} for key in found)
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    reasons = {i.source: i.explanation.owner for i in extractor.extract(request).items}
    # The reason names `Me:`, not the `Action points` heading the line sits under.
    assert (
        reasons["Me: confirm the venue with the council by Friday"] == "`Me:` in notes by `Priya`"
    )


def test_a_later_sentence_of_a_labelled_line_is_the_labels(extractor: Extractor) -> None:
    text = (
        "Next steps (Tomás):\n"
        "desk and chair in the finance office\n"
        "\n"
        "Priya: I'll send the welcome letters tomorrow. Also I and Tomás together will do the "
        "site walk on Friday.\n"
    )
    found = items(extractor, text)
    assert found["Also I and Tomás together will do the site walk on Friday."] == (
        "Priya Natarajan",
        "2026-03-06",
    )


def test_a_planner_export_reads_progress_and_the_due_date_not_the_start(
    extractor: Extractor,
) -> None:
    text = (
        "Task Name | Bucket | Progress | Assigned To | Start date | Due date\n"
        "Freeze feature branches | Release | Completed | Tomás Ruiz | 2/23/2026 | 2/27/2026\n"
        "Run the regression suite | QA | In progress | Priya Natarajan | 3/2/2026 | 3/4/2026\n"
    )
    assert items(extractor, text) == {
        "Run the regression suite | QA | In progress | Priya Natarajan | 3/2/2026 | 3/4/2026": (
            "Priya Natarajan",
            "2026-03-04",
        )
    }


def test_a_weekday_followed_by_its_date_is_that_date() -> None:
    # `by Fri 24 July` is the 24th even when the meeting's next Friday is another day.
    due = find_due("Q2 accounts to members by Fri 24 July", meeting_date=MEETING)
    assert due is not None and due.date == date(2026, 7, 24) and due.marked
    wed_eod = find_due("runbook into PagerDuty - Wed EOD", meeting_date=MEETING)
    assert wed_eod is not None and wed_eod.date == date(2026, 3, 4)


def test_a_name_then_a_verb_is_an_order_to_that_person(extractor: Extractor) -> None:
    text = (
        "Priya Natarajan: morning all. Tomás order 2 cases of the filters today, put it on the "
        "cargo account\n"
        "Tomás Ruiz: ok\n"
        "Priya Natarajan: heater is back.\n"
        "Priya Natarajan: Tomás ask if the hangar door is fixed\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    (item,) = extractor.extract(request).items
    assert (item.owner, item.due) == ("Tomás Ruiz", MEETING)
    assert item.description.startswith("Order 2 cases of the filters")


def test_within_a_time_before_go_live_is_a_deadline() -> None:
    # `这周内上线`: go live within this week; `周五上线` says when it goes live, and
    # `到货两天内装完` counts from a delivery whose day is not known.
    within = find_due("月台预约那个功能能不能这周内上线？", meeting_date=MEETING, lang="zh")
    assert within is not None and within.date == date(2026, 3, 6)
    on_day = find_due("新版本周五上线", meeting_date=MEETING, lang="zh")
    assert on_day is not None and on_day.event and on_day.date is None
    after = find_due("到货两天内装完", meeting_date=MEETING, lang="zh")
    assert after is not None and after.date is None


def test_an_arrows_date_goes_with_the_work_it_answers(extractor: Extractor) -> None:
    # The answer says more than the name, so the question and the answer are one item.
    text = "- 试用期目标谁来写？→ 刘强，3月13日前给到 HR\n"
    assert items(extractor, text) == {
        "试用期目标谁来写？→ 刘强，3月13日前给到 HR": ("刘强", "2026-03-13")
    }
    assert items(extractor, "- 试用期目标谁来写？→ 刘强\n") == {
        "试用期目标谁来写？": ("刘强", None)
    }


def test_a_wecom_external_group_names_the_company_after_the_speaker(extractor: Extractor) -> None:
    text = (
        "09:12 王海燕@XX乳业：第二版视觉呢？老板明天要看\n"
        "09:15 刘强@鲸落数字：收到，设计在改\n"
        "09:20 王海燕@XX乳业：好的\n"
        "09:52 刘强@鲸落数字：报价我单独发您，今天下班前\n"
    )
    sentences, transcript = segment(text, lang="zh")
    assert transcript
    assert sentences[-1].speaker == "刘强"
    assert items(extractor, text)["报价我单独发您，今天下班前"] == ("刘强", "2026-03-02")


def test_a_table_pasted_with_tabs_has_columns(extractor: Extractor) -> None:
    # From a spreadsheet or a Feishu table: cells one tab apart, an empty cell kept, and a
    # row whose status says done is no action.
    text = (
        "飞书多维表格 · 任务视图（导出于 2026/03/02）\n"
        "任务名称\t负责人\t截止日期\t优先级\t状态\t备注\n"
        "主会场 KV 终稿\t王海燕\t2026/03/06\tP0\t进行中\t等品牌方确认\n"
        "直播间排期表\t刘强\t2026/03/03\tP1\t已完成\t已同步\n"
        "仓库预打包清单\t刘强\t\tP0\t未开始\t\n"
        "\n"
        "Task\tOwner\tDue\tStatus\n"
        "Laptop and badge\tPriya Natarajan\t3/4\tTodo\n"
        "Welcome lunch\tTomás Ruiz\t3/5\tDone\n"
    )
    assert items(extractor, text) == {
        "主会场 KV 终稿 王海燕 2026/03/06 P0 进行中 等品牌方确认": ("王海燕", "2026-03-06"),
        "仓库预打包清单 刘强 P0 未开始": ("刘强", None),
        "Laptop and badge Priya Natarajan 3/4 Todo": ("Priya Natarajan", "2026-03-04"),
    }


def test_a_boards_cards_read_off_a_screenshot(extractor: Extractor) -> None:
    # DingTalk's board: `□` open, `✓` done, the deadline after 截止; an idea in a box is none.
    text = (
        "钉钉项目 · 看板\n"
        "待处理 (3)\n"
        "□ 年前库存盘点方案  @王海燕  截止 03-06\n"
        "□ 用户培训手册 v2  @刘强\n"
        "□ 考虑引入灰度发布机制\n"
        "已完成 (1)\n"
        "✓ 权限矩阵评审  @刘强\n"
    )
    assert items(extractor, text) == {
        "□ 年前库存盘点方案 @王海燕 截止 03-06": ("王海燕", "2026-03-06"),
        "□ 用户培训手册 v2 @刘强": ("刘强", None),
    }


def test_an_ai_summarys_actions_grouped_under_each_person(extractor: Extractor) -> None:
    # Fireflies: an emoji before the heading, each person's name over their bullets, an
    # `Unassigned` group, pointers into the recording after each line; a signature's name
    # after `Kind regards,` is no group.
    text = (
        "📝 Overview\n"
        "- Claims are 90% closed.\n"
        "\n"
        "✅ Action Items\n"
        "Priya Natarajan\n"
        "  - Chase the loss adjuster for the warehouse report – ASAP (05:55)\n"
        "  - Re-run the cat model on the refreshed data next week (19:40)\n"
        "Tomás Ruiz\n"
        "  - (no action items)\n"
        "Unassigned\n"
        "  - Book the board room for the renewal sign-off (37:05)\n"
        "\n"
        "Kind regards,\n"
        "Tomás Ruiz\n"
        "Programmes Coordinator\n"
    )
    assert items(extractor, text) == {
        "Chase the loss adjuster for the warehouse report – ASAP (05:55)": (
            "Priya Natarajan",
            None,
        ),
        "Re-run the cat model on the refreshed data next week (19:40)": ("Priya Natarajan", None),
        "Book the board room for the renewal sign-off (37:05)": (None, None),
    }


def test_a_row_whose_due_cell_says_done_is_no_action(extractor: Extractor) -> None:
    text = (
        "| # | Action | Owner | Due |\n"
        "|---|---|---|---|\n"
        "| 1 | Reject the 8D at D4 | Priya | Fri |\n"
        "| 2 | Close NCR-2198 | Tomás | ✅ closed 26 Feb |\n"
        "| 3 | Heating check | Tomás | DONE 2 Feb |\n"
    )
    assert items(extractor, text) == {
        "1 | Reject the 8D at D4 | Priya | Fri": ("Priya Natarajan", "2026-03-06")
    }


def test_a_chinese_table_aligned_with_spaces_may_number_its_rows(extractor: Extractor) -> None:
    text = (
        "元旦促销 任务分工表\n"
        "\n"
        "序号  事项                  负责人     截止        状态\n"
        "1     促销海报设计定稿      王海燕     3/4         进行中\n"
        "2     会员短信名单导出      刘强       已完成      已完成\n"
        "3     门口气拱门租赁        待定       3/25        未开始\n"
    )
    found = items(extractor, text)
    assert found == {
        "1 促销海报设计定稿 王海燕 3/4 进行中": ("王海燕", "2026-03-04"),
        "3 门口气拱门租赁 待定 3/25 未开始": (None, "2026-03-25"),
    }


def test_a_digest_of_daily_reports_gives_each_plan_to_its_author(extractor: Extractor) -> None:
    # DingTalk's 日志汇总: `X 的日报` opens each author's part, `1、` numbers without a
    # space, and the other labels under the plan (`需协调：`) are not its lines.
    text = (
        "【钉钉日志汇总】财务部·日报\n"
        "———————————\n"
        "王海燕 的日报\n"
        "今日完成：\n"
        "1、10月供应商发票录入 412 张\n"
        "明日计划：\n"
        "1、跟进剩余 9 张暂估发票，周五前冲回\n"
        "2、整理应付清单\n"
        "需协调：采购部还有 3 张入库单没审批\n"
        "———————————\n"
        "刘强 的日报\n"
        "今日完成：增值税进项认证完成\n"
        "明日计划：下周一前完成增值税申报表初稿\n"
    )
    found = items(extractor, text)
    assert found == {
        "跟进剩余 9 张暂估发票，周五前冲回": ("王海燕", "2026-03-06"),
        "整理应付清单": ("王海燕", "2026-03-03"),
        "明日计划：下周一前完成增值税申报表初稿": ("刘强", "2026-03-09"),
    }


def test_notes_in_traditional_chinese_read_like_simplified(extractor: Extractor) -> None:
    # A Taiwan team's 週會: 週 and 待辦事項 and 負責人未定 are the simplified rules' words; the
    # answer keeps the notes' own characters and the participants' names as given.
    request = NotesRequest(
        text=(
            "【App 2.8 版 週會記錄】\n"
            "■ 待辦事項\n"
            "1. [柏翰] 推播憑證更新（P0）— 週五前\n"
            "2. 跟客服確認上線公告的文案，下週三前定稿（張家豪）\n"
            "3. App Store 截圖更新——負責人未定\n"
        ),
        meeting_date=MEETING,
        participants=(Participant("陳柏翰", ("柏翰",)), Participant("張家豪", ("家豪",))),
    )
    found = {
        i.source: (i.owner, i.due.isoformat() if i.due else None, i.description)
        for i in extractor.extract(request).items
    }
    assert found == {
        "[柏翰] 推播憑證更新（P0）— 週五前": ("陳柏翰", "2026-03-06", "推播憑證更新（P0）"),
        "跟客服確認上線公告的文案，下週三前定稿（張家豪）": (
            "張家豪",
            "2026-03-11",
            "跟客服確認上線公告的文案，定稿（張家豪）",
        ),
        "App Store 截圖更新——負責人未定": (None, None, "App Store 截圖更新——負責人未定"),
    }


def test_answers_inline_in_an_email_reply_are_the_repliers_words(extractor: Extractor) -> None:
    # `> ` quotes the message replied to; `TR:` under it says who answers, and the answer may
    # give the work to someone else or decide something.
    text = (
        "From: Tomás Ruiz\n"
        "All – my answers inline (TR).\n"
        "\n"
        "> 1. The USD recon still shows 3 breaks.\n"
        "TR: Priya, please clear these before the close – target Thursday.\n"
        "\n"
        "> 2. Who owns the custody fee accruals now?\n"
        "TR: Decided Friday: Priya owns them from April.\n"
        "\n"
        "> 3. Is the feed live?\n"
        "TR: Yes.\n"
    )
    assert items(extractor, text) == {
        "Priya, please clear these before the close – target Thursday.": (
            "Priya Natarajan",
            "2026-03-05",
        ),
    }


def test_handwritten_shorthand(extractor: Extractor) -> None:
    # The owner's initials after an arrow, then the deadline; a sentence after a month's
    # abbreviation; `owner tbd` in lower case.
    text = (
        "- WO-5531 AHU-7 belt replace → TR, by Thurs\n"
        "- Fire panel: inspection moved to 3 Apr. PN to prep docs + logbook b4 3 Apr\n"
        "- Water tank cleaning due — owner tbd\n"
    )
    assert items(extractor, text) == {
        "WO-5531 AHU-7 belt replace → TR, by Thurs": ("Tomás Ruiz", "2026-03-05"),
        "PN to prep docs + logbook b4 3 Apr": ("Priya Natarajan", "2026-04-03"),
        "Water tank cleaning due — owner tbd": (None, None),
    }


def test_prose_after_a_blank_line_has_left_the_owners_list(extractor: Extractor) -> None:
    text = (
        "Next steps (Tomás):\n"
        "- accounts in Jira\n"
        "\n"
        "I'll send the contracts out for signature by 3/20.\n"
        "\n"
        "Best,\n"
        "Priya\n"
    )
    assert items(extractor, text) == {
        "accounts in Jira": ("Tomás Ruiz", None),
        "I'll send the contracts out for signature by 3/20.": ("Priya Natarajan", "2026-03-20"),
    }


def test_a_persons_lines_under_a_progress_section_report(extractor: Extractor) -> None:
    # A lab's 组会: each person's name over their progress, then over their to-dos.
    text = (
        "【进展汇报】\n"
        "刘强：\n"
        "- 第三章实验跑完，比 baseline 高 2.3 个点\n"
        "- GPU 不够用，4 张卡排队排到周日\n"
        "\n"
        "【待办】\n"
        "刘强：\n"
        "1. 补消融实验，3月6日前投稿\n"
    )
    assert items(extractor, text) == {"补消融实验，3月6日前投稿": ("刘强", "2026-03-06")}


def test_an_approvals_flow_says_who_commented(extractor: Extractor) -> None:
    # DingTalk's 审批: each step names the approver, the `评论：` under it is theirs; the
    # form's 申请 is an application, not a request.
    text = (
        "【钉钉审批】采购申请 · 办公区空调更换\n"
        "申请人：刘强 ｜ 金额：¥186,400.00\n"
        "\n"
        "流转记录：\n"
        "● 刘强 发起申请  03-02 09:14\n"
        "  备注：原空调为2012年安装。\n"
        "● 王海燕（法务）同意  03-02 11:30\n"
        "  评论：合同我来审，周三前出意见。\n"
    )
    assert items(extractor, text) == {"评论：合同我来审，周三前出意见。": ("王海燕", "2026-03-04")}


def test_reports_of_what_someone_said_or_how_a_thing_is(extractor: Extractor) -> None:
    # 回答/提议/提醒/反映/意见 report what was said; `我猜`/`我们` state, not commit; `Name: the
    # …` over how a thing is, with no day, is a report.
    text = (
        "王海燕回答，老系统的批次号有 3 种格式，追溯查询需要做映射表。\n"
        "刘强提议夜班加一个助理，先试一个月。\n"
        "Priya: the new thermal camera arrived and it's in the workshop.\n"
        "Tomás: I'll send the audit pack by Wednesday.\n"
    )
    assert items(extractor, text) == {
        "Tomás: I'll send the audit pack by Wednesday.": ("Tomás Ruiz", "2026-03-04"),
    }


def test_a_help_desk_tickets_notes_name_their_writers(extractor: Extractor) -> None:
    text = (
        "Internal note — Priya Natarajan, Mar 2, 08:10\n"
        "Buddha Air cancelled the morning flight; the 15:30 one has seats.\n"
        "\n"
        "Internal note — Tomás Ruiz, Mar 2, 09:30\n"
        "Called, guest picked the flight. I will send the e-ticket by EOD.\n"
    )
    found = items(extractor, text)
    assert found["I will send the e-ticket by EOD."] == ("Tomás Ruiz", "2026-03-02")
    assert not any(key.startswith("Internal note") for key in found)


def test_resolutions_that_give_someone_work(extractor: Extractor) -> None:
    # Formal minutes: `Resolutions` is a section of decisions, but `Name to <verb> … by <day>`
    # in it is work; a decision stays one; `not confirmed yet` is no news of done work.
    text = (
        "7. RESOLUTIONS\n"
        "R1  The clinic keeps Saturday opening hours as they are.\n"
        "R2  Priya Natarajan to draw up the appointment schedule and share it by 25 March.\n"
        "\n"
        "- Scaffolding contractor for the shutdown not confirmed yet — owner TBD\n"
    )
    assert items(extractor, text) == {
        "R2 Priya Natarajan to draw up the appointment schedule and share it by 25 March.": (
            "Priya Natarajan",
            "2026-03-25",
        ),
        "Scaffolding contractor for the shutdown not confirmed yet — owner TBD": (None, None),
    }


def test_two_peoples_work_joined_by_a_chinese_semicolon(extractor: Extractor) -> None:
    text = (
        "刘强明天一早去海关把报关单取回来；王海燕把供应商对账单月底前对完。\n出席：刘强；王海燕\n"
    )
    assert items(extractor, text) == {
        "刘强明天一早去海关把报关单取回来；": ("刘强", "2026-03-03"),
        "王海燕把供应商对账单月底前对完。": ("王海燕", "2026-03-31"),
    }


def test_a_board_packs_status_table_and_title(extractor: Extractor) -> None:
    # A title that ends in a section word is no section; a RAG table reports; a company's
    # `Ltd.` before a capital ends the sentence; a ticked box with its owner is done work.
    text = (
        "HARBOURVIEW GARDENS INCORPORATED OWNERS\n"
        "| Workstream | RAG | Comment |\n"
        "|---|---|---|\n"
        "| Lift modernisation | AMBER | Contractor 2 weeks behind; handover now 7/31. |\n"
        "| Car park CCTV upgrade | GREEN | Tender returned, 3 bids. |\n"
        "\n"
        "Resolved: award to Secure-Vision Ltd. Priya Natarajan to prepare the letter of award "
        "by 3/6.\n"
        "☑ Welcome kits ordered (Tomás)\n"
        "Tomás: sorry, can't take it this week, I'm on the shoot till Friday\n"
        "Get tips and learn how Gemini takes notes\n"
    )
    assert items(extractor, text) == {
        "Priya Natarajan to prepare the letter of award by 3/6.": ("Priya Natarajan", "2026-03-06"),
    }


def test_a_wecom_minutes_table_of_topic_conclusion_and_to_do(extractor: Extractor) -> None:
    # 议题 | 结论 | 待办: each piece of work in the to-do cell is an item; a form's fields
    # (`交班人：…  接班人：…`) are none.
    text = (
        "交班人：刘强（白班）  接班人：王海燕（夜班）\n"
        "\n"
        "| 议题 | 结论 | 待办 |\n"
        "| --- | --- | --- |\n"
        "| 1. 报到安排 | 3月9日统一报到 | @王海燕 3月6日前发报到通知；刘强：报到当天的签到台 |\n"
        "| 2. 考核 | 沿用去年方案 | 无 |\n"
    )
    assert items(extractor, text) == {
        "@王海燕 3月6日前发报到通知": ("王海燕", "2026-03-06"),
        "刘强：报到当天的签到台": ("刘强", None),
    }


def test_a_message_addressed_with_at_is_taken_by_the_reply(extractor: Extractor) -> None:
    # `@王海燕 …你看下` answered by 王海燕's own `收到，我今天下班前…`: one item, hers, dated
    # by her reply.
    text = (
        "刘强 09:12\n"
        "@王海燕 发酵罐的温度曲线你看下，昨晚窜到21.5了\n"
        "王海燕 09:14\n"
        "收到，我今天下班前把温控日志导出来发群里\n"
        "刘强 09:20\n"
        "好\n"
    )
    found = items(extractor, text)
    assert found == {"@王海燕 发酵罐的温度曲线你看下，昨晚窜到21.5了": ("王海燕", "2026-03-02")}


def test_an_action_tag_with_its_name_then_a_dash(extractor: Extractor) -> None:
    # A handover email's `ACTION (Name) – …`; a line of people tagged names no work.
    text = (
        "Participants\n"
        "@Priya Natarajan @Tomás Ruiz\n"
        "\n"
        "FYI – the lift contract renews in March.\n"
        "ACTION (Tomás) – Order the de-icing salt for the entrances, 20 bags, by Friday.\n"
    )
    assert items(extractor, text) == {
        "ACTION (Tomás) – Order the de-icing salt for the entrances, 20 bags, by Friday.": (
            "Tomás Ruiz",
            "2026-03-06",
        ),
    }


def test_chinese_minutes_numbered_in_brackets_and_who_met(extractor: Extractor) -> None:
    # `2）` numbers a line without a space; who called the meeting and who chaired it name
    # no work; a to-do export's `未指派` leaves the row unowned.
    text = (
        "2026年3月2日上午，公司在大会议室召开年度安全生产工作会议。会议由王海燕主持。\n"
        "老聂布置：\n"
        "1）男厕除臭设备，刘强 本周五前出更换方案和报价\n"
        "\n"
        "任务\t执行人\t截止时间\n"
        "上线当晚值班表\t未指派\t2026-03-13\n"
    )
    assert items(extractor, text) == {
        "男厕除臭设备，刘强 本周五前出更换方案和报价": ("刘强", "2026-03-06"),
        "上线当晚值班表 未指派 2026-03-13": (None, "2026-03-13"),
    }


def test_action_points_outline_numbers_and_recap_lines(extractor: Extractor) -> None:
    # `AP:` is an action point (not `AP cut-off`, payables); `6.1` numbers an outline's line;
    # a recap's `Name - task - day` lines are lines of their own, and restate the discussion.
    text = (
        "AP cut-off report is out, 14 invoices missing GRNs.\n"
        "AP: Priya – chase the outstanding envelopes, by Friday\n"
        "D6 Implementation:\n"
        "  6.1 Tomás – weld 4 tether points to the handrail — due 3/31\n"
        "  6.2 Fleet-wide check of the other rigs — owner TBD\n"
    )
    assert items(extractor, text) == {
        "AP: Priya – chase the outstanding envelopes, by Friday": ("Priya Natarajan", "2026-03-06"),
        "Tomás – weld 4 tether points to the handrail — due 3/31": ("Tomás Ruiz", "2026-03-31"),
        "Fleet-wide check of the other rigs — owner TBD": (None, None),
    }


def test_an_appendix_of_actions_restates_the_minutes(extractor: Extractor) -> None:
    text = (
        "工作部署\n"
        "1. 应收账款清收由财务中心牵头，刘强负责，3月25日前汇总报集团。\n"
        "\n"
        "附：行动项清单\n"
        "| 事项 | 负责人 | 截止 |\n"
        "|---|---|---|\n"
        "| 应收账款清收进展汇总 | 刘强 | 3月25日 |\n"
    )
    assert items(extractor, text) == {
        "应收账款清收进展汇总 | 刘强 | 3月25日": ("刘强", "2026-03-25")
    }


def test_a_digest_set_off_by_dashes_and_a_stand_ups_today(extractor: Extractor) -> None:
    # `—— 刘强 ——` opens his part of a DingTalk digest; `Tomás:` over `today: …` in a mixed
    # stand-up is his plan; `可能发布的指南` describes the guide, it does not hedge.
    text = (
        "【钉钉日报汇总】\n"
        "—— 刘强 ——\n"
        "今日完成：\n"
        "1. 补货单已提交\n"
        "明日计划：\n"
        "1. 整理退货率超8%的SKU清单\n"
        "\n"
        "Tomás:\n"
        "- yesterday: indexer 升级到 v2.3\n"
        "- today: 修这个 bug，顺便补 unit test\n"
        "\n"
        "王海燕：3月10日前梳理可能发布的指南方向，报专班审定。\n"
    )
    assert items(extractor, text) == {
        "整理退货率超8%的SKU清单": ("刘强", "2026-03-03"),
        "today: 修这个 bug，顺便补 unit test": ("Tomás Ruiz", "2026-03-02"),
        "王海燕：3月10日前梳理可能发布的指南方向，报专班审定。": ("王海燕", "2026-03-10"),
    }


def test_a_site_diarys_time_stamped_entries_are_lines_of_their_own(extractor: Extractor) -> None:
    text = (
        "10:15  Ingrid visited, the vessel is alongside quay 4 Mon–Wed next week so no crane\n"
        "11:00  WO-5521 replace shore power cabinet door seal — Tomás — due 3/21\n"
        "12:40  Concrete for the deck pour is booked for Tuesday 07:00\n"
    )
    found = items(extractor, text)
    assert found == {
        "11:00 WO-5521 replace shore power cabinet door seal — Tomás — due 3/21": (
            "Tomás Ruiz",
            "2026-03-21",
        )
    }


def test_a_raid_logs_risks_and_issues_are_no_items(extractor: Extractor) -> None:
    # A risk or issue row names an owner but asks nothing; a note in it may still give work.
    text = (
        "RISKS\n"
        "| ID | Risk | Likelihood | Impact | Owner | Mitigation |\n"
        "| R2 | Headliner flight could slip | Low | High | Tomás | Backup flight held |\n"
        "\n"
        "ISSUES\n"
        "| ID | Issue | Owner | Notes |\n"
        "| I4 | Vendor doubled the delivery fee | Priya | Priya to renegotiate by Friday |\n"
        "| I5 | Power drop short by 60 ft | Tomás | Cable on order, arrives Wed |\n"
    )
    assert items(extractor, text) == {
        "Priya to renegotiate by Friday": ("Priya Natarajan", "2026-03-06")
    }


def test_a_comma_separated_export_and_its_blocked_rows(extractor: Extractor) -> None:
    # Airtable's CSV pasted as text: a quoted cell keeps its commas; a blocked row is news,
    # not work; who reported names no work.
    text = (
        "Spring ops, exported 2026-03-02\n"
        "ID,Task,Owner,Due,Priority,Status,Notes\n"
        "MB-215,Backload skips from the supply vessel,Tomás Ruiz,3/4/2026,Medium,Not started,\n"
        'MB-216,Bunker fuel schedule,Priya Natarajan,,Medium,Not started,"quarts, not gallons"\n'
        "MB-217,Bulk price sheet,Priya Natarajan,,Low,Blocked,waiting on USDA report\n"
        "\n"
        "甘丽萍作了题为《夯实基础》的年度报告，各部门负责人参加。\n"
    )
    assert items(extractor, text) == {
        "MB-215,Backload skips from the supply vessel,Tomás Ruiz,3/4/2026,Medium,Not started": (
            "Tomás Ruiz",
            "2026-03-04",
        ),
        'MB-216,Bunker fuel schedule,Priya Natarajan,,Medium,Not started,"quarts, not gallons"': (
            "Priya Natarajan",
            None,
        ),
    }


def test_a_slack_export_with_am_pm_stamps_is_a_chat(extractor: Extractor) -> None:
    # `[9:05 AM] Name: …`: the stamp's AM/PM is part of it; each line is its speaker's turn.
    text = (
        "#promo\n"
        "[9:02 AM] Priya Natarajan: morning! sales 1,240 as of last night\n"
        "[9:05 AM] Tomás Ruiz: I'll pull the carousel creative this morning\n"
        "[9:06 AM] Priya Natarajan: can u ping the agency to pause the search ads ASAP\n"
        "[9:06 AM] Tomás Ruiz: on it\n"
    )
    found = items(extractor, text)
    assert found["I'll pull the carousel creative this morning"] == ("Tomás Ruiz", "2026-03-02")
    assert found["can u ping the agency to pause the search ads ASAP"][0] == "Tomás Ruiz"
    assert len(found) == 2


def test_a_title_between_the_name_and_its_verb(extractor: Extractor) -> None:
    text = "会议明确以下具体事项：\n党群工作部刘强部长牵头，于3月22日前制定印发工作要点。\n"
    assert items(extractor, text) == {
        "党群工作部刘强部长牵头，于3月22日前制定印发工作要点。": ("刘强", "2026-03-22")
    }


def test_a_numbered_logs_times_are_no_part_of_its_entries(extractor: Extractor) -> None:
    text = (
        "BREWHOUSE DAILY LOG\n"
        "1. 06:10 Mash-in Brew 2241. Strike temp 72.5. OK.\n"
        "2. 09:15 TR: FV6, get Coldflow out for an engineer visit before Monday's brew.\n"
        "3. 10:05 Priya to raise the shortage with Muntons today and get a credit note.\n"
    )
    assert items(extractor, text) == {
        "TR: FV6, get Coldflow out for an engineer visit before Monday's brew.": (
            "Tomás Ruiz",
            "2026-03-02",
        ),
        "Priya to raise the shortage with Muntons today and get a credit note.": (
            "Priya Natarajan",
            "2026-03-02",
        ),
    }


def test_a_table_of_pipes_without_outer_pipes_is_read_as_rows(extractor: Extractor) -> None:
    """Rows of three ` | ` or more beside each other are a table even with no outer pipes and
    no owner column: a row is never wrapped into the next (its `end of month` stays its own,
    not `…end of month 4 | Whse | … Nov` read as Nov 4), and a board's export with an
    `Assignee` column gives owners."""
    text = (
        "SAFETY WALK - Plant 2\n"
        "# | Area | Check | OK/NOK | Finding / action\n"
        "3 | Whse aisle C | Floor markings visible | NOK | Markings worn. 刘强: repaint aisle C "
        "lines, end of month\n"
        "4 | Whse | Fire extinguishers inspected | OK | tags current to Nov\n"
        "5 | Dock 2 | Dock lock working | NOK | Already repaired by night shift\n"
    )
    found = items(extractor, text)
    assert {v for k, v in found.items() if "repaint" in k} == {("刘强", "2026-03-31")}, found
    board = (
        "Board: Release Train 26.6\n"
        "Column | Card | Assignee | Due | Labels\n"
        "TO DO | Write rollback runbook for payments-svc | 刘强 | 03/12 | P1\n"
        "IN PROGRESS | Cert rotation on staging ingress | 刘强 | - |\n"
    )
    assert items(extractor, board) == {
        "TO DO | Write rollback runbook for payments-svc | 刘强 | 03/12 | P1": (
            "刘强",
            "2026-03-12",
        ),
        "IN PROGRESS | Cert rotation on staging ingress | 刘强 | -": ("刘强", None),
    }


def test_a_terminal_tables_rule_row_with_plus_keeps_its_header(extractor: Extractor) -> None:
    """`-----+------+-----` (psql, MySQL) under `Task | Owner | Due` is the rule row: the
    header's columns still give each row its owner and date, and the task cell describes it."""
    text = (
        "Depot check-in\n"
        "\n"
        "Task                   | Owner  | Due      | Status\n"
        "-----------------------+--------+----------+--------\n"
        "Recalibrate scale 2    | Tomás  | 3/6      | open\n"
        "Order pallet wrap      | Priya  | -        | in progress\n"
        "Fence repair quote     | Tomás  | 2/20     | done\n"
    )
    found = items(extractor, text)
    assert found == {
        "Recalibrate scale 2 | Tomás | 3/6 | open": ("Tomás Ruiz", "2026-03-06"),
        "Order pallet wrap | Priya | - | in progress": ("Priya Natarajan", None),
    }, found
    descriptions = {
        i.description
        for i in extractor.extract(
            NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
        ).items
    }
    assert any("scale 2" in d for d in descriptions), descriptions
    # Without a header, a line of dashes and pluses is no table.
    assert items(extractor, "Totals\n-----+-----\nTomás will send the totals by Friday.\n") == {
        "Tomás will send the totals by Friday.": ("Tomás Ruiz", "2026-03-06")
    }


def test_a_line_copied_from_slack_under_minutes_is_its_senders(extractor: Extractor) -> None:
    """`Tomás  4:12 PM  I'll order …` pasted under bulleted minutes: the sender is I, though
    the minutes as a whole are no transcript; a name in a line that is no sender's is not."""
    text = (
        "DEPOT WEEKLY\n"
        "Priya, Tomás\n"
        "\n"
        "- Racking audit passed, two bays flagged.\n"
        "- Forklift 3 back in service.\n"
        "- Canteen menu unchanged.\n"
        "\n"
        "--- pasted from #depot after the meeting ---\n"
        "Tomás  4:12 PM  I'll order the grit for the yard tomorrow morning\n"
        "Priya  4:15 PM  thanks\n"
    )
    assert items(extractor, text) == {
        "I'll order the grit for the yard tomorrow morning": ("Tomás Ruiz", "2026-03-03")
    }
    stranger = text.replace("Tomás  4:12 PM", "Kofi  4:12 PM")
    # Someone not taking part is no sender the roster knows: the line stays whole, nobody's.
    assert items(extractor, stranger) == {
        "Kofi 4:12 PM I'll order the grit for the yard tomorrow morning": (None, "2026-03-03")
    }


def test_whose_thing_it_is_does_not_own_a_speakers_work(extractor: Extractor) -> None:
    """`Priya: reviewing Tomás's PR, will merge it today`: the speaker left out I; Tomás only
    owns the PR. In minutes with no speaker, `Tomás's team is adding…; he expects…` is his."""
    text = (
        "Stand-up\n"
        "Tomás: finished the export job yesterday, today the pagination bug.\n"
        "Priya: reviewing Tomás's PR, will merge it today.\n"
        "刘强: on leave tomorrow.\n"
    )
    found = items(extractor, text)
    assert found["reviewing Tomás's PR, will merge it today."] == ("Priya Natarajan", "2026-03-02")
    minutes = (
        "Ops review\n"
        "- Tomás's team is adding a label check per DC; he expects it live by end of next week.\n"
    )
    assert [owner for owner, _ in items(extractor, minutes).values()] == ["Tomás Ruiz"]
