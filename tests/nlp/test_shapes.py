"""Shapes of items as other people write them (#12); every example is written for this file."""

from __future__ import annotations

from datetime import date

from services.nlp.notes import ActionItem, Extractor, NotesRequest
from services.nlp.owners import Participant
from services.nlp.shapes import asks_for_a_taker

PEOPLE = (
    Participant("Hannah Ortiz", ()),
    Participant("Victor Lindqvist", ("Victor",)),
    Participant("Greta Moll", ("Greta",)),
    Participant("Samir Haddad", ("Samir",)),
    Participant("钱多多", ("老钱",)),
    Participant("孙悦", ()),
    Participant("周南", ()),
)
MEETING = date(2026, 4, 6)  # a Monday


def items(extractor: Extractor, text: str) -> list[ActionItem]:
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    return list(extractor.extract(request).items)


def owners(extractor: Extractor, text: str) -> dict[str, str | None]:
    return {item.source.strip(): item.owner for item in items(extractor, text)}


def owners_and_dues(extractor: Extractor, text: str) -> dict[str, tuple[str | None, date | None]]:
    return {item.source.strip(): (item.owner, item.due) for item in items(extractor, text)}


def test_initials_resolve_against_participants(extractor: Extractor) -> None:
    text = (
        "Packaging review\n"
        "HO: order the new carton samples, end of month\n"
        "VL + GM: walk the line with the vendor, next Tuesday\n"
        "TODO(SH): redo the pallet labels by 4/20\n"
    )
    found = {item.owner: item for item in items(extractor, text)}
    assert set(found) == {"Hannah Ortiz", "Victor Lindqvist", "Samir Haddad"}
    assert found["Samir Haddad"].due == date(2026, 4, 20)
    assert found["Victor Lindqvist"].due == date(2026, 4, 14)


def test_action_with_name_in_brackets(extractor: Extractor) -> None:
    text = "Release sync\nACTION (Greta): archive the old build artefacts after the freeze\n"
    assert owners(extractor, text) == {
        "ACTION (Greta): archive the old build artefacts after the freeze": "Greta Moll"
    }


def test_unowned_items_are_kept_without_owner(extractor: Extractor) -> None:
    text = (
        "Ops weekly\n"
        "- Nobody has taken the fridge clean-out yet, owner TBD.\n"
        "- Replace the broken badge reader — unassigned\n"
        "- 仓库货架加固——待定负责人\n"
    )
    found = owners(extractor, text)
    assert len(found) == 3
    assert set(found.values()) == {None}


def test_table_row_with_placeholder_owner_is_an_item(extractor: Extractor) -> None:
    text = "| Task | Owner | Due |\n|---|---|---|\n| Renew the domain | TBD | 5/1 |\n"
    (item,) = items(extractor, text)
    assert item.owner is None
    assert item.due == date(2026, 5, 1)


def test_bare_lines_under_a_heading_that_names_the_owner(extractor: Extractor) -> None:
    text = "Intern arrives 13 April\n\nNext steps (Victor):\n- desk and chair\n- VPN token\n"
    assert owners(extractor, text) == {
        "desk and chair": "Victor Lindqvist",
        "VPN token": "Victor Lindqvist",
    }


def test_bare_lines_take_the_owner_line_before_the_heading(extractor: Extractor) -> None:
    text = "展会筹备\n负责人：孙悦\n待办：\n展位搭建图\n宣传册印刷\n"
    assert owners(extractor, text) == {"展位搭建图": "孙悦", "宣传册印刷": "孙悦"}


def test_statements_under_a_review_heading_are_not_items(extractor: Extractor) -> None:
    text = "1. Review of last month's actions\n- Lobby plants\n- Invoices all settled.\n"
    assert items(extractor, text) == []


def test_chinese_request_addressed_to_a_person(extractor: Extractor) -> None:
    text = "库存周会\n退货区太乱，老钱你整理一下，周三前拍照发群里\n"
    (item,) = items(extractor, text)
    assert item.owner == "钱多多"
    assert item.due == date(2026, 4, 8)


def test_chinese_reported_commitment_belongs_to_the_person_named(extractor: Extractor) -> None:
    text = "财务例会\n周南说对账单他周五前整理好\n"
    (item,) = items(extractor, text)
    assert item.owner == "周南"
    assert item.due == date(2026, 4, 10)


def test_owner_after_an_arrow(extractor: Extractor) -> None:
    text = "- 投诉工单积压了，谁跟一下？→ 孙悦\n"
    (item,) = items(extractor, text)
    assert item.owner == "孙悦"


def test_who_question_answered_on_the_next_line(extractor: Extractor) -> None:
    text = "周南：门店海报谁来设计？\n孙悦：我来，4月10日前给初稿\n"
    (item,) = items(extractor, text)
    assert item.owner == "孙悦"
    assert item.due == date(2026, 4, 10)
    assert "门店海报" in item.description
    assert item.source.endswith("给初稿")  # the request and its answer are one item


def test_who_question_nobody_answers_is_not_an_item(extractor: Extractor) -> None:
    assert items(extractor, "待讨论：谁负责机房巡检？\n") == []


def test_lower_case_chat_commitments_and_accepted_requests(extractor: Extractor) -> None:
    text = (
        "greta: printer on 3 is jammed again\n"
        "victor: ill swap the toner after standup\n"
        "greta: can u also order spare drums pls\n"
        "samir: on it\n"
        "greta: ty\n"
    )
    found = owners(extractor, text)
    # Lower-case handles that are participants are speakers: the turn's words are the item.
    assert found == {
        "ill swap the toner after standup": "Victor Lindqvist",
        "can u also order spare drums pls\nsamir: on it": "Samir Haddad",
    }


def test_chinese_chat_commitment_belongs_to_the_speaker(extractor: Extractor) -> None:
    text = "【14:01】周南：展架坏了一个\n【14:02】孙悦：展架我明天去换\n【14:03】周南：收到，我来\n"
    (item,) = items(extractor, text)
    assert item.owner == "孙悦"
    assert item.due == date(2026, 4, 7)


def test_bare_lines_under_a_follow_up_heading_with_its_owner(extractor: Extractor) -> None:
    text = "路演复盘\n结论：下次继续用同一家供应商。\n后续（孙悦）：\n海报回收\n样品寄回\n"
    assert owners(extractor, text) == {"海报回收": "孙悦", "样品寄回": "孙悦"}


def test_pronoun_clause_after_a_named_person(extractor: Extractor) -> None:
    text = "Month end\nThe VAT return is late — Greta is chasing the numbers and she'll file it by 4/15.\n"
    (item,) = items(extractor, text)
    assert item.owner == "Greta Moll"
    assert item.due == date(2026, 4, 15)


def test_item_restated_in_the_recap_is_kept_once_with_the_recap_span(
    extractor: Extractor,
) -> None:
    text = (
        "1. Review of last quarter's actions\n"
        "- Victor will get the fire extinguishers serviced by Friday.\n"
        "- The lift inspection passed.\n"
        "\n"
        "Action items\n"
        "- Victor — fire extinguishers serviced — Friday\n"
    )
    (item,) = items(extractor, text)
    assert item.owner == "Victor Lindqvist"
    assert item.source.startswith("Victor — fire")
    assert item.due == date(2026, 4, 10)


def test_owner_set_off_by_a_dash_and_attendee_lines(extractor: Extractor) -> None:
    text = "Stand-up — Victor, Greta, Samir\n- 展台物料清点 —— 孙悦\n- 费用报销：他周五前交齐 —— 说的是周南\n"
    assert owners(extractor, text) == {
        "展台物料清点 —— 孙悦": "孙悦",
        "费用报销：他周五前交齐 —— 说的是周南": "周南",
    }


def test_speaker_owns_what_they_do_with_a_colleague(extractor: Extractor) -> None:
    text = "- 我和孙悦一起出招聘海报初稿（周南说的）\n"
    (item,) = items(extractor, text)
    assert item.owner == "周南"


def test_lower_case_handle_in_front_names_the_owner(extractor: Extractor) -> None:
    (item,) = items(extractor, "Line 2 check-in\n@samir recheck the guard rails, Thu\n")
    assert item.owner == "Samir Haddad"
    assert item.due == date(2026, 4, 9)


def test_marker_line_after_a_long_line_is_its_own_item(extractor: Extractor) -> None:
    text = (
        "ACTION: Greta to move the backup window to Sunday night in the scheduler config\n"
        "TODO(VL): write the restore drill checklist by 4/24\n"
        "greta: can u also ping the vendor about the licence renewal this week\n"
        "victor: will do, by wed\n"
    )
    found = [(item.owner, item.due, item.description) for item in items(extractor, text)]
    assert [(owner, due) for owner, due, _ in found] == [
        ("Greta Moll", None),  # Sunday night is the window's new day, not a deadline
        ("Victor Lindqvist", date(2026, 4, 24)),
        ("Victor Lindqvist", date(2026, 4, 10)),
    ]
    assert found[2][2].lower().startswith("can u also ping the vendor")


def test_needs_continuity_done_and_status_lines_are_not_items(extractor: Extractor) -> None:
    text = (
        "Greta: booth banner needs the new logo files.\n"
        "Samir: travel policy stays as last year.\n"
        "- 孙悦：冷库已经除霜完毕，温度恢复正常\n"
        "- 周南：装修完成率 70%，工期延期到5月\n"
        "- Victor: order the booth carpet by 4/17\n"
    )
    assert owners(extractor, text) == {"Victor: order the booth carpet by 4/17": "Victor Lindqvist"}


def test_who_question_with_any_verb_answered_in_the_chat(extractor: Extractor) -> None:
    text = "周南：门店今晚 8 点开卖\n周南：退款审核谁盯？\n孙悦：我盯，分两班\n"
    (item,) = items(extractor, text)
    assert item.owner == "孙悦"
    assert item.source.endswith("分两班")


def test_chinese_pronoun_clause_commits_the_person_named(extractor: Extractor) -> None:
    text = (
        "开业前检查\n- 孙悦：展柜明天到，到了她负责验收\n- 他（周南）还会写一份复盘报告，周五前\n"
    )
    assert owners(extractor, text) == {
        "孙悦：展柜明天到，到了她负责验收": "孙悦",
        "他（周南）还会写一份复盘报告，周五前": "周南",
    }


def test_the_thing_written_before_its_owner_stays_in_the_description(
    extractor: Extractor,
) -> None:
    (item,) = items(extractor, "发布会筹备\n嘉宾名单，孙悦下周给\n")
    assert item.owner == "孙悦"
    assert "嘉宾名单" in item.description


def test_name_in_brackets_at_the_end_owns_what_they_do_with_a_colleague(
    extractor: Extractor,
) -> None:
    (item,) = items(extractor, "- 我和孙悦一起过一遍风险清单（周南）\n")
    assert item.owner == "周南"


def test_chinese_chat_commitment_with_a_time_of_day(extractor: Extractor) -> None:
    text = "【08:31】周南：2 号封箱机不出胶了\n【08:33】孙悦：我过去看，9点前到\n"
    (item,) = items(extractor, text)
    assert item.owner == "孙悦"
    assert item.due == MEETING


def test_chinese_chat_request_belongs_to_whoever_takes_it(extractor: Extractor) -> None:
    text = (
        "【10:02】周南：下周一有新同事入职\n"
        "【10:03】周南：@孙悦 电脑预装系统，本周四前ok吗\n"
        "【10:04】孙悦：收到，周四前弄好\n"
    )
    (item,) = items(extractor, text)
    assert item.owner == "孙悦"
    assert item.due == date(2026, 4, 9)
    assert item.source.endswith("周四前弄好")


def test_a_request_handed_on_belongs_to_who_accepts_it(extractor: Extractor) -> None:
    text = (
        "周南：孙悦，试营业的排班能本周五给我吗？\n"
        "孙悦：我这周在外地，让老钱来吧\n"
        "钱多多：我来，周五前发你\n"
    )
    (item,) = items(extractor, text)
    assert item.owner == "钱多多"
    assert item.due == date(2026, 4, 10)


def test_what_a_person_stressed_is_not_their_item(extractor: Extractor) -> None:
    text = (
        "月结会\n"
        "孙悦首先强调，今年新上线了 ERP 系统，部分数据迁移存在差异，关账节奏需要更紧凑，"
        "各模块负责人务必按时完成。\n"
    )
    assert items(extractor, text) == []


def test_i_in_a_later_sentence_of_a_chat_line_is_its_speaker(extractor: Extractor) -> None:
    text = (
        "【09:23】周南：系统扩容做了吗\n"
        "【09:25】孙悦：上周已经扩容了，压测也过了。不过波次策略还需要调整，我下周三前出方案\n"
    )
    (item,) = items(extractor, text)
    assert item.owner == "孙悦"
    assert item.due == date(2026, 4, 15)


def test_chat_export_with_the_speaker_and_time_on_a_line_of_their_own(
    extractor: Extractor,
) -> None:
    text = (
        "【钉钉群】门店周会\n\n"
        "周南 10:02\n门店海报的初稿收到了\n\n"
        "孙悦 10:05\n展架我明天去换\n\n"
        "周南 10:06\n好\n"
    )
    found = items(extractor, text)
    assert [(item.source, item.owner) for item in found] == [("展架我明天去换", "孙悦")]
    assert found[0].due == date(2026, 4, 7)


def test_chinese_work_asking_for_a_taker_nobody_takes_is_an_unowned_item(
    extractor: Extractor,
) -> None:
    text = (
        "[10:01] 周南：上线前得有人把回滚脚本演练一遍，谁来？\n"
        "[10:02] 孙悦：采购要走 OA 审批，谁帮我提一下？我没有权限\n"
        "[10:03] 周南：知识库里很多文章过期了，有人能牵头清理一下吗？\n"
        "[10:04] 孙悦：门店海报谁在跟？\n"
        "[10:05] 钱多多：我在弄\n"
    )
    found = owners(extractor, text)
    assert found["上线前得有人把回滚脚本演练一遍，谁来？"] is None
    assert found["采购要走 OA 审批，谁帮我提一下？"] is None
    assert found["知识库里很多文章过期了，有人能牵头清理一下吗？"] is None
    assert [o for s, o in found.items() if "门店海报" in s] == ["钱多多"]


def test_who_is_responsible_asked_in_prose_is_not_an_item(extractor: Extractor) -> None:
    assert items(extractor, "空压机维保合同由谁负责续签，目前还不明确。\n") == []


def test_bare_lines_under_a_team_heading_with_its_owner(extractor: Extractor) -> None:
    text = "IT（孙悦）待办：\n- 准备 4 台电脑\n- GitLab 权限等周南确认项目组后再开\n\nHR：\n"
    assert owners(extractor, text) == {
        "准备 4 台电脑": "孙悦",
        "GitLab 权限等周南确认项目组后再开": "孙悦",
    }


def test_chinese_table_aligned_with_spaces(extractor: Extractor) -> None:
    text = (
        "二、行动项\n\n"
        "事项                     负责人     截止        优先级\n"
        "门店海报 A 版定稿         孙悦       4月9日      高\n"
        "展架盘点                  待定       本周内\n"
    )
    found = {item.source: (item.owner, item.due, item.priority) for item in items(extractor, text)}
    assert found == {
        "门店海报 A 版定稿         孙悦       4月9日      高": ("孙悦", date(2026, 4, 9), "high"),
        "展架盘点                  待定       本周内": (None, date(2026, 4, 10), None),
    }


def test_chinese_chat_commitment_beside_a_clause_about_done_work(extractor: Extractor) -> None:
    text = (
        "[14:02] 周南：目前还有 5 个没合的 PR\n"
        "[14:05] 孙悦：订单导出那个 PR 我今晚合，review 已经过了\n"
        "[14:06] 周南：回归用例已经跑完了\n"
    )
    (item,) = items(extractor, text)
    assert item.owner == "孙悦"
    assert item.due == MEETING


def test_chinese_work_given_to_the_person_named(extractor: Extractor) -> None:
    text = (
        "- 机械臂需要从苏州运过来，物流和保险交给孙悦。\n"
        "- 排班表周南出，周五前发群里。\n"
        "- 海报要按新版 KV 重新做 → 老钱，下周一给初版\n"
        "- 周南说他顺便把用电申请也一起提交，4月15日截止。\n"
    )
    assert list(owners(extractor, text).values()) == ["孙悦", "周南", "钱多多", "周南"]


def test_chinese_reminder_and_open_question_are_not_items(extractor: Extractor) -> None:
    text = (
        "- 老钱提醒：节后复工第一天大概率会有一波售后集中爆发，要提前准备。\n"
        "- AI：告警阈值从 10s 调到 30s？\n"
        "- 孙悦提醒：报名表周五前发我\n"
    )
    assert list(owners(extractor, text)) == ["孙悦提醒：报名表周五前发我"]


def test_chinese_line_that_starts_with_an_arrow_to_a_handle(extractor: Extractor) -> None:
    text = (
        "1. 退款自动审核：小于 200 元直接自动退，财务如果不同意再议。\n"
        "   → @孙悦 本周五前约财务开评审会\n"
    )
    (item,) = items(extractor, text)
    assert (item.owner, item.due) == ("孙悦", date(2026, 4, 10))


def test_work_given_only_if_something_happens_is_no_item(extractor: Extractor) -> None:
    text = (
        "关于下一阶段工作安排\n"
        "1. 孙悦周五前把迎检材料目录报办公室。\n"
        "2. 如上级检查组提前来访，由周南临时协调接待。\n"
        "3. 如遇寒潮提前来袭，由老钱通知各班组启动冬季预案。\n"
    )
    assert owners(extractor, text) == {"孙悦周五前把迎检材料目录报办公室。": "孙悦"}


def test_a_group_set_up_with_its_head_named_is_a_decision(extractor: Extractor) -> None:
    text = (
        "1. 会议决定，成立专项检查工作专班，由孙悦同志任组长，周南同志任副组长。\n"
        "2. 成立数字化平台建设领导小组，组长由钱多多担任。\n"
        "3. 孙悦月底前拿出检查方案，报周南审定。\n"
    )
    found = extractor.extract(NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE))
    assert [item.owner for item in found.items] == ["孙悦"]
    assert len(found.decisions) >= 2


def test_what_the_meeting_stressed_or_briefed_is_no_work(extractor: Extractor) -> None:
    text = (
        "1. 会议强调，各单位要把招商引资作为“一号工程”，主要负责同志要亲自抓、带头跑。\n"
        "2. 会议通报，集团年度科技大会拟于2027年1月下旬召开，请各单位提前做好推荐准备工作。\n"
        "3. 会议认为当前已进入流行季，要求自即日起实行日报制度，孙悦负责每日16时前汇总数据。\n"
    )
    assert owners(extractor, text) == {
        "会议认为当前已进入流行季，要求自即日起实行日报制度，孙悦负责每日16时前汇总数据。": "孙悦"
    }


def test_the_one_a_thing_is_handed_to_is_not_who_does_the_work(extractor: Extractor) -> None:
    text = (
        "本周安排\n"
        "孙悦 下周一前把4月份周六门诊排班表交给老钱\n"
        "周南另外把上周五的安全日志补齐，周三前交给孙悦。\n"
        "报销单据交给老钱处理，月底前完成。\n"
    )
    assert owners(extractor, text) == {
        "孙悦 下周一前把4月份周六门诊排班表交给老钱": "孙悦",
        "周南另外把上周五的安全日志补齐，周三前交给孙悦。": "周南",
        "报销单据交给老钱处理，月底前完成。": "钱多多",
    }


def test_a_feishu_minutes_export_reads_its_transcript_as_the_discussion(
    extractor: Extractor,
) -> None:
    text = (
        "飞书妙记 · 客服体验改进双周会\n"
        "\n"
        "—— 智能纪要 ——\n"
        "待办事项\n"
        "1. 周南：端午排班表，下周五前发出\n"
        "\n"
        "—— 文字记录 ——\n"
        "孙悦 Cherry 00:01:12\n"
        "先看数据，首响 48 秒还是太慢。\n"
        "\n"
        "周南 Leo 00:03:40\n"
        "对，晚班现在只有 6 个人。端午那三天我排一下，按 70% 来，下周五前把表发群里。\n"
        "\n"
        "孙悦 Cherry 00:05:30\n"
        "那就电话不缩减，在线按 70%。\n"
    )
    assert owners(extractor, text) == {"周南：端午排班表，下周五前发出": "周南"}


def test_a_labelled_line_with_two_pieces_of_work_each_dated_is_two_items(
    extractor: Extractor,
) -> None:
    text = (
        "Action items\n"
        "- 孙悦：存货跌价准备测算底稿，月底前；盘点差异 2 项 4/10 前查清\n"
        "- 周南：汇整关帐 checklist，明天发出\n"
    )
    found = owners_and_dues(extractor, text)
    assert found == {
        "孙悦：存货跌价准备测算底稿，月底前；": ("孙悦", date(2026, 4, 30)),
        "盘点差异 2 项 4/10 前查清": ("孙悦", date(2026, 4, 10)),
        "周南：汇整关帐 checklist，明天发出": ("周南", date(2026, 4, 7)),
    }


def test_a_labelled_yes_from_the_one_given_the_work_is_its_answer(extractor: Extractor) -> None:
    """`周南：收到，周三前补完` answers the work just given to 周南 (and dates it); a yes that
    goes on to other work of one's own (`我这周先把巡逻排班调好`) is that work."""
    text = (
        "流转记录：\n"
        "04-06 09:05 孙悦 批示：周南 本周内补录 3 月份液压油更换记录\n"
        "04-06 09:30 周南：收到，周三前补完\n"
        "讨论\n"
        "- 孙悦：排水沟清淤要提前做，老钱你安排一下，月底前弄完。\n"
        "- 钱多多：好的，我这周先把巡逻排班调好，清淤下周开始。\n"
    )
    found = [(item.source, item.owner, item.due) for item in items(extractor, text)]
    assert found == [
        (
            "孙悦 批示：周南 本周内补录 3 月份液压油更换记录\n04-06 09:30 周南：收到，周三前补完",
            "周南",
            date(2026, 4, 8),
        ),
        ("孙悦：排水沟清淤要提前做，老钱你安排一下，月底前弄完。", "钱多多", date(2026, 4, 30)),
        ("钱多多：好的，我这周先把巡逻排班调好，清淤下周开始。", "钱多多", date(2026, 4, 10)),
    ]


def test_an_inline_reply_under_initials_answers_the_request(extractor: Extractor) -> None:
    text = (
        "> 1. Grant bid — fund deadline is 29 May. Samir, can you do the budget page?\n"
        "[SH] Yes — I'll have the budget page to Greta by Friday.\n"
    )
    ((source, owner, due),) = [(i.source, i.owner, i.due) for i in items(extractor, text)]
    assert source.startswith("Samir, can you do the budget page?")
    assert (owner, due) == ("Samir Haddad", date(2026, 4, 10))


def test_work_given_to_someone_under_a_chinese_decisions_heading_is_an_item(
    extractor: Extractor,
) -> None:
    text = (
        "决议\n"
        "- 孙悦：二供目前月产能能给到 60 万平，能覆盖缺口，但单价高 0.35 元/平。\n"
        "- 严总让周南下月初和二供谈一下 Q4 的框架价格。\n"
        "- 老钱：B 线层压机的温控探头上次校准是 3 月，顺便重新校一下，节后第一天安排。\n"
        "- 维持现有供应商名单不变。\n"
    )
    assert owners(extractor, text) == {
        "严总让周南下月初和二供谈一下 Q4 的框架价格。": "周南",
        "老钱：B 线层压机的温控探头上次校准是 3 月，顺便重新校一下，节后第一天安排。": "钱多多",
    }


def test_asking_whether_something_is_done_yet_gives_no_work(extractor: Extractor) -> None:
    text = (
        "[20:16] 孙悦：@周南 你那边排烟风机修好没？\n"
        "[20:17] 孙悦：老钱你今天那三个投诉件 电话回访了没有\n"
        "[20:18] 孙悦：@周南 维修单提了吗？\n"
        "[20:19] 孙悦：老钱你明天把那个三号楼的保温棉缠一遍，整明白没？\n"
    )
    assert owners(extractor, text) == {"老钱你明天把那个三号楼的保温棉缠一遍，整明白没？": "钱多多"}


def test_work_asked_of_someone_then_the_speakers_own_after_a_comma_is_two_items(
    extractor: Extractor,
) -> None:
    text = (
        "[09:10] 孙悦：老钱你明天上午把那个报价单发给客户哈，周五展会的易拉宝我去跟印刷厂对一下，周四前定稿。\n"
        "[09:12] 孙悦：周南你先报个维修单，我这边明天上午联系厂家上门\n"
    )
    found = [(item.source, item.owner) for item in items(extractor, text)]
    assert found == [
        ("孙悦：老钱你明天上午把那个报价单发给客户哈，", "钱多多"),
        ("周五展会的易拉宝我去跟印刷厂对一下，周四前定稿。", "孙悦"),
        ("孙悦：周南你先报个维修单，", "周南"),
        ("我这边明天上午联系厂家上门", "孙悦"),
    ]


def test_a_name_and_a_comma_open_work_said_to_them_which_their_yes_takes(
    extractor: Extractor,
) -> None:
    text = (
        "[20:19] 孙悦：好。老钱，新品烤生蚝的价签明天开门前换上\n"
        "[20:19] 钱多多：收到，明早我去弄\n"
        "[20:21] 周南：我明天中午前把三家店的炭用量报给孙悦\n"
    )
    found = [(item.owner, item.due) for item in items(extractor, text)]
    assert found == [("钱多多", date(2026, 4, 7)), ("周南", date(2026, 4, 7))]


def test_a_label_of_a_three_character_names_pinyin_initials(extractor: Extractor) -> None:
    people = (*PEOPLE, Participant("田志强", ()))
    request = NotesRequest(
        text="交接：\nTZ：周四前跟模具厂确认返厂周期。\n", meeting_date=MEETING, participants=people
    )
    ((item,),) = [tuple(extractor.extract(request).items)]
    assert (item.owner, item.due) == ("田志强", date(2026, 4, 9))


def test_chat_speakers_with_an_english_name_or_the_time_on_their_own_line(
    extractor: Extractor,
) -> None:
    text = (
        "09:12 孙悦 Tina：昨晚 23:40 开始 callback 超时率飙到 6%\n"
        "09:15 周南：@老钱 今天下班前把 pool size 调大\n"
        "09:15 钱多多：收到\n"
        "09:18 孙悦 Tina：postmortem 文档我来写，周五前发出来\n"
    )
    got = {src.split("\n")[0]: due for src, due in owners_and_dues(extractor, text).items()}
    assert got.get("postmortem 文档我来写，周五前发出来") == ("孙悦", date(2026, 4, 10))
    thread = (
        "评论区\n"
        "周南 04-06 11:30：\n"
        "加号后 114 平台和公众号两个渠道的号源要同步，不然会重复挂号。\n"
        "孙悦 04-06 11:34：\n"
        "好的，渠道同步我来跟，下周一前和 114 平台对接人确认。\n"
        "周南 04-06 11:36：\n"
        "👍\n"
    )
    assert owners_and_dues(extractor, thread) == {
        "好的，渠道同步我来跟，下周一前和 114 平台对接人确认。": ("孙悦", date(2026, 4, 13))
    }


def test_a_single_voice_message_is_its_senders(extractor: Extractor) -> None:
    text = (
        "孙悦 · 语音转文字 10:32\n"
        "老钱你明天上午把那个报价单发给客户哈，周五展会的易拉宝我去跟印刷厂对一下，周四前定稿。\n"
    )
    got = owners(extractor, text)
    assert got.get("周五展会的易拉宝我去跟印刷厂对一下，周四前定稿。") == "孙悦"


def test_a_summary_parts_to_do_list_restates_the_transcript(extractor: Extractor) -> None:
    text = (
        "—— 文字记录 ——\n"
        "孙悦  00:10:05\n"
        "嗯，那首发期的毛利我再重新算一遍，明天给你。\n\n"
        "周南  00:16:03\n"
        "老钱你先把首发海报的价格信息改成 89。\n\n"
        "钱多多  00:16:10\n"
        "好，今天下班前改完。\n\n"
        "智能纪要 · 待办\n"
        "□ 孙悦：重新核算首发期毛利（4月7日）\n"
        "□ 钱多多：首发海报价格改为 89 元（今天）\n"
    )
    assert owners_and_dues(extractor, text) == {
        "□ 孙悦：重新核算首发期毛利（4月7日）": ("孙悦", date(2026, 4, 7)),
        "□ 钱多多：首发海报价格改为 89 元（今天）": ("钱多多", MEETING),
    }


def test_a_plan_line_with_a_name_in_brackets_after_it_is_that_persons(
    extractor: Extractor,
) -> None:
    text = (
        "【周报】区域运营 孙悦\n"
        "下周工作计划：\n"
        "1. 近效期商品调拨方案，4/9前出初稿\n"
        "2. 滨江店开业人员排班（周南）\n"
    )
    assert owners(extractor, text) == {
        "近效期商品调拨方案，4/9前出初稿": "孙悦",
        "滨江店开业人员排班（周南）": "周南",
    }


def test_an_inspections_rectification_table(extractor: Extractor) -> None:
    text = (
        "门店巡检整改单\n"
        "| 序号 | 问题 | 整改人 | 完成时限 |\n"
        "|---|---|---|---|\n"
        "| 1 | 后仓冷冻柜温度显示-12℃，标准为-18℃以下 | 孙悦 | 明天 |\n"
        "| 2 | 消防通道堆放纸箱 | 周南 | 已整改（现场完成） |\n"
    )
    assert owners_and_dues(extractor, text) == {
        "1 | 后仓冷冻柜温度显示-12℃，标准为-18℃以下 | 孙悦 | 明天": ("孙悦", date(2026, 4, 7))
    }


def test_work_asked_of_every_one_of_a_group_is_nobodys_in_particular(
    extractor: Extractor,
) -> None:
    # A group as the subject (`全体店长`, `各村`, `各部门负责人`) asks each of them: nobody owns it,
    # not the person whose heading is above, nor a person the work is sent to; a person named
    # to lead it (`周南具体负责`) does own it.
    text = (
        "待办\n"
        "孙悦：\n"
        "- 周三前把4月促销排期发群里\n"
        "全体店长：本周五前交医保自查表\n"
        "各村要在本周内完成隐患点名单的核对更新，报应急办备案。\n"
        "各部门负责人要把目标当承诺，会后一周内签订目标责任书。\n"
        "各车间月底前组织一次应急演练，周南具体负责。\n"
        "会后请各位于本周内把学期工作计划发周南汇总。\n"
    )
    assert owners_and_dues(extractor, text) == {
        "周三前把4月促销排期发群里": ("孙悦", date(2026, 4, 8)),
        "全体店长：本周五前交医保自查表": (None, date(2026, 4, 10)),
        "各村要在本周内完成隐患点名单的核对更新，报应急办备案。": (None, date(2026, 4, 10)),
        "各部门负责人要把目标当承诺，会后一周内签订目标责任书。": (None, date(2026, 4, 13)),
        "各车间月底前组织一次应急演练，周南具体负责。": ("周南", date(2026, 4, 30)),
        "会后请各位于本周内把学期工作计划发周南汇总。": (None, date(2026, 4, 10)),
    }
    # `@全体成员` in a chat calls everyone to read what follows; it asks no work itself.
    at_all = "@全体成员 今天的早会纪要简单发一下：\n1. 孙悦周三前把排班表发群里\n"
    assert owners(extractor, at_all) == {"孙悦周三前把排班表发群里": "孙悦"}


def test_work_done_with_a_colleague_is_never_the_colleagues(extractor: Extractor) -> None:
    # `我和周南一起出` is the speaker's; a report's author (`填报：孙悦`) is the speaker of its plan,
    # `和周南一起…` included; with no speaker known, the item has no owner rather than 周南.
    report = (
        "【周报】会员运营组 第15周\n"
        "填报：孙悦\n"
        "\n"
        "下周计划：\n"
        "1. 和技术的周南一起把会员等级规则的配置测完，4月10日前\n"
        "2. 我下周二前出会员日复盘报告\n"
    )
    assert owners(extractor, report) == {
        "和技术的周南一起把会员等级规则的配置测完，4月10日前": "孙悦",
        "我下周二前出会员日复盘报告": "孙悦",
    }
    minutes = "三、分工：\n1. 会员日活动方案我和周南一起出，下周三前发群里。\n"
    assert owners(extractor, minutes) == {"会员日活动方案我和周南一起出，下周三前发群里。": None}
    with_something = "P0：兑换失败要有兜底文案，这个周南顺手一起做掉，跟接口一起。\n"
    assert owners(extractor, with_something) == {
        "P0：兑换失败要有兜底文案，这个周南顺手一起做掉，跟接口一起。": "周南"
    }


def test_a_name_called_out_in_someones_words_is_who_is_asked(extractor: Extractor) -> None:
    # The label names who speaks; `周南啊，…`, `周南，…` or `周南明天…` after it, in words that
    # send the result to the speaker (`报我`), asks 周南. Called by name and asked for nothing
    # (`周南，上周的佣金还没到账`) is no item.
    said = {
        "会议纪要\n孙悦：检查组周三来，消防通道都要看，周南明天下班前自查一遍，问题清单报我。\n": (
            "孙悦：检查组周三来，消防通道都要看，周南明天下班前自查一遍，问题清单报我。"
        ),
        "孙悦：[语音转文字] 周南啊，明天上午把收据拿到三楼财务那儿，拿完给我回个话\n": (
            "孙悦：[语音转文字] 周南啊，明天上午把收据拿到三楼财务那儿，拿完给我回个话"
        ),
        "老钱：周南，门店的排班表明天交给我。\n": "老钱：周南，门店的排班表明天交给我。",
    }
    for text, source in said.items():
        assert owners_and_dues(extractor, text) == {source: ("周南", date(2026, 4, 7))}, text
    assert owners(extractor, "周南，上周的佣金还没到账\n") == {}


def test_a_responsible_label_after_the_work_closes_it(extractor: Extractor) -> None:
    # Formal minutes: the work, then `责任人：…；完成时限：…` in the same point; one item.
    text = (
        "二、议定事项\n"
        "1. 启动定向招募，联系辖区高校开展团体献血。责任人：孙悦；完成时限：4月30日前。\n"
        "2. 修订健康征询表电子版，与省标准表单对齐。责任人：周南；完成时限：下周五。\n"
    )
    assert {(item.source.strip()[:6], item.owner, item.due) for item in items(extractor, text)} == {
        ("启动定向招募", "孙悦", date(2026, 4, 30)),
        ("修订健康征询", "周南", date(2026, 4, 17)),
    }


def test_a_digests_bulleted_headers_and_a_stand_ups_next_step(extractor: Extractor) -> None:
    # `■ 周南 | 日报` opens 周南's part of a digest, as `周南 的日报` does; in a stand-up line,
    # after what the speaker has finished, the next step without `我` is still theirs.
    digest = (
        "【钉钉日志汇总】客服中心 4月6日\n"
        "\n"
        "■ 孙悦 | 日报\n"
        "今日完成：处理工单 63 单\n"
        "明日计划：\n"
        "- 整理上周差评原因\n"
        "\n"
        "■ 周南 | 日报\n"
        "今日完成：知识库新增 8 条 FAQ\n"
        "明日计划：\n"
        "- 知识库退订条目重写，周三前上线\n"
    )
    assert owners(extractor, digest) == {
        "整理上周差评原因": "孙悦",
        "知识库退订条目重写，周三前上线": "周南",
    }
    standup = "站会 4/6\n周南：昨天的告警规则已改完。今天把日志采集切到新集群，下班前搞定\n孙悦：请假到周四\n"
    assert owners(extractor, standup) == {"今天把日志采集切到新集群，下班前搞定": "周南"}


def test_asking_who_pays_is_a_question_not_work(extractor: Extractor) -> None:
    text = "Actions:\n- 周南: 周三前把返工数量报给孙悦\n- 客户线边库存的 sorting 费用谁承担？待商务确认\n"
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    found = extractor.extract(request)
    assert not [item.source for item in found.items if "谁承担" in item.source]
    assert any("谁承担" in q.text for q in found.questions)


def test_who_holds_a_role_from_now_on_is_a_decision(extractor: Extractor) -> None:
    # `统一由…审批，其他人不签`, `继续由…负责`, `由…带班`: a standing arrangement, not work with a
    # day; the same shape with a deadline (`由周南牵头，本月底前完成`) is work.
    text = (
        "会议议定\n"
        "1. 动火作业票统一由周南审批，其他人不签。\n"
        "2. 会议确认双12当晚继续由孙悦主播，场控由周南负责。\n"
        "3. 温度记录仪更换为4G型号，由周南牵头，设备科配合，本月底前完成。\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    found = extractor.extract(request)
    assert [(item.owner, item.due) for item in found.items] == [("周南", date(2026, 4, 30))]
    assert len(found.decisions) >= 2


def test_work_put_to_a_handle_is_taken_by_their_yes(extractor: Extractor) -> None:
    # `@周南 …催一下` then 周南's `好的，我下午就打电话`: one item, 周南's; a yes from someone else
    # does not take work put to 周南.
    text = (
        "[09:30] 孙悦：另外 @周南 产地的农残检测报告催一下，周五前要拿到\n"
        "[09:31] 周南：好的，我下午就打电话\n"
        "[09:40] 孙悦：@老钱 帮高新店查一下仓库还有多少，能调就调过去\n"
        "[09:41] 周南：好的\n"
        "[09:45] 钱多多：收到，我中午前查完回复\n"
    )
    found = owners_and_dues(extractor, text)
    assert len(found) == 2, found
    assert sorted(found.values(), key=str) == [
        ("周南", date(2026, 4, 10)),
        ("钱多多", date(2026, 4, 6)),
    ]


def test_a_name_and_you_in_a_chat_waits_for_that_persons_yes(extractor: Extractor) -> None:
    # `周南，你这边给供应商发…` / 周南 `好的，我今天下午就发。`: one item with the reply's day; the
    # chair giving the floor (`孙悦你先说下现在什么情况`) is no item, and `我和…也过一遍` after a
    # request is more work of the one asked, not a yes to it.
    text = (
        "钱多多(00:00:05)：好，我们开始吧，孙悦你先说下现在什么情况。\n"
        "孙悦(00:00:25)：嗯，来料一共 6 批，有 2 批毛刺超标。\n"
        "钱多多(00:01:10)：那这样，周南，你这边给供应商发一个正式的 8D 要求，让他们把根本原因写清楚。\n"
        "周南(00:01:20)：好的，我今天下午就发。\n"
        "钱多多(00:02:00)：孙悦你下周一前把回归用例补齐。\n"
        "孙悦(00:02:10)：嗯，我和周南一起把视觉走查也过一遍。\n"
    )
    found = owners_and_dues(extractor, text)
    assert len(found) == 3, found
    assert set(found.values()) == {
        ("周南", date(2026, 4, 6)),
        ("孙悦", date(2026, 4, 13)),
        ("孙悦", None),
    }, found


def test_you_in_a_chat_is_the_one_the_speaker_answers(extractor: Extractor) -> None:
    # `那你周六前跟他说清楚` with nobody named asks the last one to speak before; `明天回你`
    # (you as the one answered) asks nobody.
    text = (
        "[09:15] 孙悦：业主想把吊柜改成到顶的，能不能改？\n"
        "[09:17] 周南：能改，但是要加钱\n"
        "[09:18] 孙悦：行 那你周六前跟他说清楚，不然木工那边排不开\n"
        "[09:20] 钱多多：五金的价格我问下供应商，明天回你\n"
    )
    found = owners_and_dues(extractor, text)
    assert found["行 那你周六前跟他说清楚，不然木工那边排不开"] == ("周南", date(2026, 4, 11))
    assert found["五金的价格我问下供应商，明天回你"][0] == "钱多多"


def test_a_handle_asks_whatever_the_label_or_a_later_clause_says(extractor: Extractor) -> None:
    # `孙悦：…，@周南 车你来开`: the label is who speaks, the handle who is asked; a line opening
    # on `@周南` is 周南's, though a later clause gives a part of it to someone else (`由老钱顶`).
    for text, source in (
        (
            "会议纪要\n孙悦：明早8点半公司楼下集合去展会，@周南 车你来开，记得今晚加满油\n",
            "孙悦：明早8点半公司楼下集合去展会，@周南 车你来开，记得今晚加满油",
        ),
        (
            "排班\n@周南 下周一前出 7 月排班初稿，孙悦那几天由老钱顶\n",
            "@周南 下周一前出 7 月排班初稿，孙悦那几天由老钱顶",
        ),
    ):
        assert owners(extractor, text).get(source) == "周南", owners(extractor, text)


def test_a_responsible_name_alone_after_the_work_and_a_latin_label(extractor: Extractor) -> None:
    # `…报监理部审查。责任人：周南。` (the name alone, no date) closes the work before it; in Chinese
    # notes a participant's Latin name before a colon labels the line (`sam: I'll cut the RC`).
    people = (*PEOPLE, Participant("Sam Lee", ("sam",)))
    text = (
        "二、议定事项\n"
        "（一）施工单位须于 4 月 25 日前完成降水方案复核，报监理部审查。责任人：周南。\n"
        "站会\n"
        "- sam: I'll cut the RC this afternoon，有问题群里喊\n"
        "- UAT: 环境又挂了\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, lang="zh", participants=people)
    found = {i.source.strip()[:8]: (i.owner, i.due) for i in extractor.extract(request).items}
    assert found.get("（一）施工单位须") == ("周南", date(2026, 4, 25)), found
    assert found.get("sam: I'l") == ("Sam Lee", MEETING), found
    assert not any(key.startswith("UAT") and owner for key, (owner, _) in found.items()), found


def test_the_next_sentence_about_the_same_thing_is_the_same_persons(extractor: Extractor) -> None:
    # `周南负责统一考试题库。题库4月13日前更新完。`: the second sentence names nobody and goes on
    # about the same thing (`题库`); a next sentence about something else stays unowned.
    text = "教研会\n- 周南负责统一考试题库。题库4月13日前更新完。\n- 孙悦负责排课。机房周五前要消毒。\n"
    found = owners(extractor, text)
    assert found.get("题库4月13日前更新完。") == "周南", found
    assert found.get("机房周五前要消毒。") is None, found


def test_a_responsible_label_with_a_unit_and_title_before_the_name(extractor: Extractor) -> None:
    text = (
        "二、工作部署\n"
        "（一）城建科牵头，对辖区内在建工地开展一次拉网式检查，本周五前报检查情况。牵头人：城建科科长周南。\n"
    )
    found = owners_and_dues(extractor, text)
    assert list(found.values()) == [("周南", date(2026, 4, 10))], found


def test_joined_owners_before_the_verb_and_a_titled_label(extractor: Extractor) -> None:
    # `冷却水塔滤网：SY + ZN 周六停机时一起清`: the first of those joined owns it; `信息科周南：…`
    # (a unit before the name) labels the line with 周南.
    people = (Participant("孙悦", ("SY",)), Participant("周南", ("ZN",)), Participant("钱多多", ()))
    text = (
        "设备周会\n"
        "冷却水塔滤网：SY + ZN 周六停机时一起清\n"
        "信息科周南：在系统中增加自动提醒功能，两周内上线测试。\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, lang="zh", participants=people)
    found = {i.source.strip()[:6]: i.owner for i in extractor.extract(request).items}
    assert found == {"冷却水塔滤网": "孙悦", "信息科周南：": "周南"}, found


def test_a_chinese_stand_up_today_line_is_the_persons_plan(extractor: Extractor) -> None:
    people = (Participant("孙悦", ("@sunyue",)), Participant("周南", ("@zhounan",)))
    text = (
        "[Daily Standup] 数据组 04-06\n"
        "\n"
        "@sunyue:\n"
        "昨天：作业超时排查完，已调 TTL\n"
        "今天：用户宽表收尾\n"
        "blocker：无\n"
        "\n"
        "@zhounan:\n"
        "昨天：测试环境部署\n"
        "今日：升级方案 review\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, lang="zh", participants=people)
    found = {i.source.strip(): (i.owner, i.due) for i in extractor.extract(request).items}
    assert found == {
        "今天：用户宽表收尾": ("孙悦", MEETING),
        "今日：升级方案 review": ("周南", MEETING),
    }, found


def test_feishu_minutes_speaker_numbers_name_the_speaker(extractor: Extractor) -> None:
    # `说话人1（孙悦）00:00:05` / `发言人2 周南 00:01:12` over the words: each is a turn, so `我` is
    # the one named.
    text = (
        "飞书妙记 · 客服周会\n"
        "说话人1（孙悦）00:00:05\n"
        "上周差评主要是物流慢，大家看下数据。\n"
        "发言人2 周南 00:00:40\n"
        "嗯，物流那边我问过了，说是爆仓。\n"
        "说话人1（孙悦）00:01:05\n"
        "那我这周五之前把新的排班表出出来。\n"
        "发言人2 周南 00:01:12\n"
        "问卷分析我和孙悦一起出吧，月底前出个报告。\n"
    )
    found = owners(extractor, text)
    assert found.get("那我这周五之前把新的排班表出出来。") == "孙悦", found
    assert found.get("问卷分析我和孙悦一起出吧，月底前出个报告。") == "周南", found


def test_a_short_piece_saying_when_it_is_handed_over_dates_the_work(extractor: Extractor) -> None:
    # `配方标准卡谁整理一下？下周三前发到各店`: the second piece only says when and to whom it
    # goes; it dates the work before it and is no item of its own.
    text = "周会\n- 配方标准卡谁整理一下？下周三前发到各店\n- 周南周五前把排班表发群里\n"
    found = owners_and_dues(extractor, text)
    assert found == {
        "配方标准卡谁整理一下？": (None, date(2026, 4, 15)),
        "周南周五前把排班表发群里": ("周南", date(2026, 4, 10)),
    }, found


def test_a_requirement_someone_takes_on_is_their_item(extractor: Extractor) -> None:
    # `审计那边要求…` alone is a requirement (a decision); `…，周南说她会先…，下周三前给到大家模板`
    # after it is 周南's work.
    text = (
        "三、其他\n"
        "- 审计那边要求4月10日前提供全年合同台账，周南说她会先和法务确认格式，下周三前给到大家模板。\n"
        "- 集团要求各子公司统一使用新模板。\n"
    )
    found = owners_and_dues(extractor, text)
    assert list(found.values()) == [("周南", date(2026, 4, 15))], found


def test_work_said_to_nobody_in_a_chat_is_taken_by_the_next_yes(extractor: Extractor) -> None:
    # `…下午的满减海报换成第二版` / 周南 `好的 我11点前换好`: one item, 周南's, with the reply's time;
    # a line of the speaker's own (`我把…重新跑一遍`) waits for nobody.
    text = (
        "企业微信 · 门店活动群\n"
        "孙悦 09:30\n今天客流比预期低，下午的满减海报换成第二版\n"
        "周南 09:31\n好的 我11点前换好\n"
        "孙悦 09:40\n规则修复今晚发版，发版后我把 37 张重新跑一遍。\n"
        "周南 09:41\n好的\n"
    )
    found = owners_and_dues(extractor, text)
    poster = [value for source, value in found.items() if source.startswith("今天客流")]
    assert poster == [("周南", MEETING)], found
    assert not [source for source in found if source.startswith("好的")], found
    assert found["规则修复今晚发版，发版后我把 37 张重新跑一遍。"][0] == "孙悦", found


def test_who_question_answered_after_the_asker_goes_on(extractor: Extractor) -> None:
    # `…谁写？周五前要交给总部` / `周南 我写`: the asker's next sentence is not the answer, but its
    # date is the work's; the two lines of the question are one item with the answer.
    text = (
        "企业微信 · 安全值班群\n"
        "孙悦 10:02\n应急演练的总结报告谁写？周五前要交给总部\n"
        "周南 10:03\n我写\n"
    )
    (item,) = items(extractor, text)
    assert (item.owner, item.due) == ("周南", date(2026, 4, 10)), item
    assert item.source.rstrip().endswith("我写"), item.source


def test_a_reply_that_cannot_take_the_work_is_no_answer(extractor: Extractor) -> None:
    # `我下周在外地出差，回来再说` starts with 我 but takes nothing.
    text = "孙悦：团建的场地谁来订？\n周南：我下周在外地出差，回来再说哈\n"
    assert [item.owner for item in items(extractor, text)] in ([], [None])


def test_a_request_put_to_a_handle_is_taken_by_their_own_commitment(extractor: Extractor) -> None:
    # `@周南 …能今天修掉吗` / 周南 `我看一下，我今天下班前修好`: one item, the request's, not two.
    chat = "【企业微信群：大促作战群】\n[10:10] 孙悦：早，昨天直播间转化率 3.1%\n"
    text = chat + (
        "[10:13] 孙悦：@周南 结算页那个优惠券按钮还是点不了，能今天修掉吗\n"
        "[10:15] 周南：我看一下，我今天下班前修好\n"
        "[10:16] 老钱：主图我这边已经换完了\n"
    )
    (item,) = items(extractor, text)
    assert (item.owner, item.due) == ("周南", MEETING), item
    # A yes that puts more work to someone else stays an item of its own.
    text = chat + (
        "[10:13] 孙悦：@周南 结算页那个优惠券按钮还是点不了，能今天修掉吗\n"
        "[10:15] 周南：能，我上午修完提 PR，@老钱 帮我 review 一下\n"
        "[10:16] 老钱：主图我这边已经换完了\n"
    )
    assert len(items(extractor, text)) == 2


def test_with_a_colleague_by_a_date_is_the_speakers_commitment(extractor: Extractor) -> None:
    # `…11月6号前定稿` is when it will be final, not work already done.
    text = (
        "飞书群「年会筹备」\n\n"
        "孙悦 10:10\n@周南 抽奖奖品清单这周给我\n\n"
        "周南 10:12\n好的\n\n"
        "孙悦 10:14\n主视觉我和周南一起出，4月20号前定稿\n"
    )
    found = owners_and_dues(extractor, text)
    assert found["主视觉我和周南一起出，4月20号前定稿"] == ("孙悦", date(2026, 4, 20)), found


def test_a_standups_yesterday_is_done_and_everyone_by_a_date_is_unowned(
    extractor: Extractor,
) -> None:
    text = (
        "钉钉 · 后端组站会\n\n"
        "孙悦:\n"
        "- 昨天 review 了 4 个 PR\n"
        "- 今天写库存服务的迁移脚本，明天之前给 DBA 看\n\n"
        "周南:\n"
        "- 版本周四拉分支，大家 feature 周三前合进 main\n"
    )
    found = owners_and_dues(extractor, text)
    assert not [source for source in found if "review" in source], found
    group = [value for source, value in found.items() if "大家" in source]
    assert group == [(None, date(2026, 4, 8))], found


def test_a_thumbs_up_sticker_says_yes(extractor: Extractor) -> None:
    # `[强] 11 点前发`: the one asked says yes with a time; one item, with that day.
    text = (
        "【截图转文字】版本发布群\n"
        "04-06 21:14 孙悦：2.3 包明天上午提审，今晚最后过一遍状态\n"
        "04-06 21:19 老钱：公告我这边都好了，商店页截图还差两张\n"
        "04-06 21:20 孙悦：@周南 海报截图能今晚给到老钱吗\n"
        "04-06 21:24 周南：[强] 11 点前发\n"
    )
    (item,) = [item for item in items(extractor, text) if "11 点前" in item.source]
    assert (item.owner, item.due) == ("周南", MEETING), item
    assert item.source.startswith("@周南"), item.source


def test_work_put_to_someone_is_taken_over_by_whoever_says_i_will(extractor: Extractor) -> None:
    # `周南，你把…回滚一下？` / 老钱 `周南今天调休，我来吧`: the one who takes it over owns it.
    text = (
        "企业微信 · 运维值班群\n\n"
        "孙悦 14:03\n官网 502 了，刚才的防火墙变更是不是有问题\n"
        "孙悦 14:05\n周南，你把上午那条防火墙规则回滚一下？\n"
        "钱多多 14:06\n周南今天调休，我来吧，我现在就回滚\n"
        "孙悦 14:07\n好\n"
    )
    (item,) = items(extractor, text)
    assert item.owner == "钱多多", item
    assert item.source.startswith("周南，你把"), item.source


def test_a_count_before_a_surname_like_measure_word_is_no_name(extractor: Extractor) -> None:
    # `6 位新人本周全部独立上线`: six new people, not someone called 位新人.
    text = "二、上周进展\n- 新人带教计划已经完成，6 位新人本周全部独立上线。\n"
    assert items(extractor, text) == []


def test_quoted_chat_lines_keep_their_labels(extractor: Extractor) -> None:
    # `> 孙悦：周南，能不能…？` / `> 周南：可以，周五给你`: a Markdown quote of a chat; the
    # answer's date is the request's.
    text = (
        "### 讨论\n"
        "发布说明这次要出英文版：\n"
        "> 孙悦：周南，能不能帮忙把发布说明的英文版翻一下？\n"
        "> 周南：可以，周五给你\n"
    )
    (item,) = items(extractor, text)
    assert (item.owner, item.due) == ("周南", date(2026, 4, 10)), item


def test_a_latin_name_after_rang_is_asked(extractor: Extractor) -> None:
    text = "- 孙悦让Victor准备一份大促客服FAQ，4月10日前客服全员过一遍\n"
    (item,) = items(extractor, text)
    assert item.owner == "Victor Lindqvist", item


def test_someones_side_as_the_topic_then_i(extractor: Extractor) -> None:
    # `孙悦那边我来协调`: her side is what it is about; 我 does it.
    text = (
        "晨会 4/6 周一\n"
        "老钱（滨江店）：昨天关东煮报损有点高，今天开始减半备货。\n"
        "孙悦（大学城店）：夜班店员离职一个，需要补人。\n"
        "周南：孙悦那边我来协调，明天前从滨江店调一个人过去支援。\n"
    )
    found = owners(extractor, text)
    assert [o for s, o in found.items() if "支援" in s] == ["周南"], found


def test_a_handle_that_declines_leaves_the_work_to_whoever_takes_it(
    extractor: Extractor,
) -> None:
    text = (
        "#供应商质量 群聊\n"
        "孙悦 10:02\n外壳来料抽检不良率 4.2%，超了 AQL\n"
        "孙悦 10:06\n@周南 明天能不能去一趟他们厂看下注塑工艺\n"
        "周南 10:20\n明天去不了，有客户审核。老钱可以吗\n"
        "钱多多 10:21\n我去吧，明天上午出发\n"
    )
    found = owners(extractor, text)
    visit = [owner for source, owner in found.items() if source.startswith("@周南")]
    assert visit == ["钱多多"], found


def test_neng_says_yes_and_i_will_takes_up_what_is_still_undone(extractor: Extractor) -> None:
    # `能，下午3点前做好` is the handle's yes; `我来，今天下班前搞定` takes up the contract
    # said to nobody just before (`还没签，拖不得了` is not finished work).
    text = (
        "剧组 · 制片组群（导出）\n\n"
        "[04-06 07:15] 孙悦：明天第23场雨戏，洒水车确认了吗\n"
        "[04-06 07:20] 孙悦：@周南 23场的报亭道具还差招牌，今天能补上吗\n"
        "[04-06 07:31] 周南：能，下午3点前做好拉过去\n"
        "[04-06 07:33] 孙悦：演员那边，女一的替身合同还没签，拖不得了\n"
        "[04-06 07:34] 钱多多：我来，今天下班前搞定\n"
    )
    found = owners_and_dues(extractor, text)
    props = [value for source, value in found.items() if "报亭" in source]
    contract = [value for source, value in found.items() if "替身合同" in source]
    assert props == [("周南", MEETING)], found
    assert contract == [("钱多多", MEETING)], found
    assert len(found) == 2, found


def test_work_put_to_a_name_waits_for_their_commitment_not_a_thumbs_up(
    extractor: Extractor,
) -> None:
    # `…，周南你排一下停电窗口` / 周南 `我跟生产确认下，周四前给到大家`: one item with that date;
    # 老钱's `👌` two turns later answers something else.
    text = (
        "[08:30] 孙悦：昨晚锅炉房2号泵又跳闸了，看了吗\n"
        "[08:40] 钱多多：报告上周五已经发邮件了，发现 2 处端子发热\n"
        "[08:41] 孙悦：端子紧固要停电做，周南你排一下停电窗口\n"
        "[08:45] 周南：我跟生产确认下，周四前给到大家\n"
        "[08:47] 孙悦：另外春节前的安全大检查，老钱牵头，她会在4月20日前把检查表发出来\n"
        "[08:50] 钱多多：👌\n"
    )
    found = owners_and_dues(extractor, text)
    window = [value for source, value in found.items() if "停电窗口" in source]
    assert window == [("周南", date(2026, 4, 9))], found
    assert not [source for source in found if source.startswith("我跟生产")], found


def test_a_question_putting_work_to_you_is_a_request(extractor: Extractor) -> None:
    # `@周南 那你把合同初稿先发法务？` / 周南 `我今天发`: a request, taken with its date.
    text = (
        "[09:31] 周南：下季度云资源的框架合同 4/30 到期，续约要走法务\n"
        "[09:33] 孙悦：@周南 那你把合同初稿先发法务？\n"
        "[09:34] 周南：我今天发\n"
        "[09:40] 孙悦：另外账单里有两台停了的实例一直在扣存储费\n"
    )
    found = owners_and_dues(extractor, text)
    draft = [value for source, value in found.items() if "合同初稿" in source]
    assert draft == [("周南", MEETING)], found


def test_the_thing_named_before_i_will_takes_up_what_is_undone(extractor: Extractor) -> None:
    # `达人的合作合同法务还没回，有点急，尽快` / 周南 `合同我去跟法务催，今天下班前给结果`.
    text = (
        "[10:02] 孙悦：各位，双12主会场页面今天下午要提审，素材还差两张banner\n"
        "[10:03] 老钱：banner 我这边中午前出\n"
        "[10:05] 孙悦：抖音那个达人的合作合同法务还没回，有点急，尽快\n"
        "[10:06] 周南：合同我去跟法务催，今天下班前给结果\n"
    )
    found = owners_and_dues(extractor, text)
    contract = [value for source, value in found.items() if "达人" in source]
    assert contract == [("周南", MEETING)], found
    assert not [source for source in found if source.startswith("合同我去")], found


def test_work_put_to_someone_away_is_taken_by_whoever_commits(extractor: Extractor) -> None:
    # `@周南 …能不能安排人疏通一下？` / `周南今天休息` / 老钱 `我明天早上去通`: 老钱's, with his date.
    text = (
        "[2026-04-06 09:31] 孙悦：电梯的事我盯着，发完截图给我\n"
        "[2026-04-06 11:05] 孙悦：@周南 3栋地库入口积水又反映了，能不能安排人疏通一下？\n"
        "[2026-04-06 11:40] Victor：周南今天休息\n"
        "[2026-04-06 11:42] 钱多多：我明天早上去通，要带高压水枪\n"
    )
    found = owners_and_dues(extractor, text)
    drain = [value for source, value in found.items() if "积水" in source]
    assert drain == [("钱多多", date(2026, 4, 7))], found


def test_a_handle_of_the_given_name_in_pinyin_names_the_participant(
    extractor: Extractor,
) -> None:
    # No alias listed: `@yue` is 孙悦's handle, `@anan` would be 阿南 (周南).
    text = (
        "[10:01] 老钱：@yue 仓库 4 月的暂估入库清单发我一份，周三前\n"
        "[10:02] 老钱：@anan 对账单今天发我\n"
    )
    found = owners(extractor, text)
    assert sorted(str(owner) for owner in found.values()) == ["周南", "孙悦"], found
    assert [o for s, o in found.items() if "@yue" in s] == ["孙悦"], found


def test_a_cantonese_who_question_answered_on_the_next_line(extractor: Extractor) -> None:
    # `邊個跟？` is `谁来跟？`; `我跟，星期六前出新 layout` answers it.
    text = (
        "WhatsApp · 週年晚宴籌備\n"
        "[10:02] 孫悅：場地嗰邊話背景板嘅尺寸要改，唔係 3 米係 4 米\n"
        "[10:05] 孫悅：咁要改 layout，邊個跟？\n"
        "[10:06] 周南：我跟，星期六前出新 layout\n"
        "[10:08] 孫悅：好，聽日俾我睇下草稿\n"
    )
    found = owners_and_dues(extractor, text)
    layout = [value for source, value in found.items() if "邊個跟" in source]
    assert layout == [("周南", date(2026, 4, 11))], found


def test_a_role_given_under_decisions_and_work_all_ready_are_not_items(
    extractor: Extractor,
) -> None:
    text = (
        "三、会议决定\n"
        "1. 成立安检突击队，由孙悦任队长。\n"
        "2. 动火作业票一律由周南签发，其他人不得代签。\n"
        "四、其他\n"
        "- 老钱：公告和礼包码我这边都好了，商店页截图还差两张\n"
    )
    assert items(extractor, text) == []


def test_how_a_groups_returns_stand_is_status(extractor: Extractor) -> None:
    text = (
        "年会筹备周会\n"
        "- 各部门节目报名截止 4/18，目前报了 6 个\n"
        "- 春节值班表各店今天都要报上来，还差静安店和徐汇店\n"
        "- 各店周四前把进销存对一下，报给孙悦\n"
    )
    found = owners_and_dues(extractor, text)
    assert list(found) == ["各店周四前把进销存对一下，报给孙悦"], found


def test_a_named_next_steps_heading_owns_its_bare_lines(extractor: Extractor) -> None:
    text = (
        "Team,\nShort version after today's call:\n\n"
        "Victor — next steps:\n"
        "- final packing list to logistics by Thursday\n"
        "- insurance certificate\n\n"
        "Thanks,\nHannah\n"
    )
    found = owners(extractor, text)
    assert found == {
        "final packing list to logistics by Thursday": "Victor Lindqvist",
        "insurance certificate": "Victor Lindqvist",
    }, found


def test_a_handle_then_i_will_is_the_speakers_commitment(extractor: Extractor) -> None:
    # `@victor I'll grant the replica access today`, said by Greta: hers, told to him.
    text = (
        "#team-checkout standup\n"
        "victor: y: load test on the cart service. t: writing it up. blocker: need replica access\n"
        "greta: @victor I'll grant the replica access today\n"
        "samir: y: pairing with design. t: same.\n"
    )
    found = owners(extractor, text)
    assert found.get("@victor I'll grant the replica access today") == "Greta Moll", found


def test_a_chat_line_that_only_leaves_the_work_unowned_is_no_second_item(
    extractor: Extractor,
) -> None:
    text = (
        "飞书语音转写 · 设备周会\n"
        "孙悦：2号线的皮带上周又跑偏了两次\n"
        "孙悦：润滑油的月度盘点还没人管，谁来弄一下？\n"
        "周南：先放着吧，待定负责人，下次会再定。\n"
        "老钱：皮带那个我周三前调好\n"
    )
    found = owners(extractor, text)
    stock = [(s, o) for s, o in found.items() if "盘点" in s or "待定" in s]
    assert [o for _, o in stock] == [None], found
    assert not [s for s, _ in stock if s.startswith("先放着")], found


def test_work_left_for_anyone_in_an_email_is_taken_in_a_reply(extractor: Extractor) -> None:
    text = (
        "From: Hannah Ortiz\nSent: Monday, 6 April 2026 16:40\nSubject: close recap\n\n"
        "All,\nVictor will chase the management fee before Thursday.\n"
        "Can one of you also clean up the 37 held invoices?\n\nThanks,\nHannah\n\n----\n"
        "From: Greta Moll\nSent: Monday, 6 April 2026 17:02\nSubject: RE: close recap\n\n"
        "Hannah — I'll take the held invoices, can get through them by Wednesday.\nG.\n"
    )
    found = owners_and_dues(extractor, text)
    held = [value for source, value in found.items() if "held invoices" in source]
    assert held == [("Greta Moll", date(2026, 4, 8))], found


def test_an_accepted_request_with_a_conditional_extra_stays_an_item(extractor: Extractor) -> None:
    text = (
        "SVC-2318  Reduce branch queue wait time\n\n--- Comments ---\n"
        "Samir Haddad – 06/Apr/26 09:14\nPilot done: median wait went from 23 min to 14 min.\n\n"
        "Hannah Ortiz – 06/Apr/26 11:05\n"
        "@samir can you write the branch staff SOP end of month? would be good to have a short video"
        " too, if time allows.\n\n"
        "Samir Haddad – 06/Apr/26 11:20\nSure, SOP by end of month. Video maybe, no promises.\n"
    )
    found = owners_and_dues(extractor, text)
    sop = [value for source, value in found.items() if "SOP" in source]
    assert sop == [("Samir Haddad", date(2026, 4, 30))], found


def test_he_in_a_speakers_turn_is_the_one_they_named_not_themselves(
    extractor: Extractor,
) -> None:
    text = (
        "#qa-suppliers · daily stand-up\n"
        "Greta Moll  8:31 AM\ndeviations open: 9 (2 critical)\n"
        "Samir Haddad  8:40 AM\n"
        "the temperature logger on the cold room was reading +2.8 drift. Talked to Victor about"
        " it. He'll swap it Monday, I'm out from tomorrow\n"
        "Victor Lindqvist  8:41 AM\nyep\n"
    )
    found = owners(extractor, text)
    swap = [owner for source, owner in found.items() if "swap" in source]
    assert swap == ["Victor Lindqvist"], found


def test_a_numbered_speaker_named_in_brackets_speaks_the_line(extractor: Extractor) -> None:
    # `发言人1（孙悦）：` (Feishu Minutes inline): 孙悦 speaks; `我这周不太有空` declines.
    text = (
        "【飞书妙记·自动转写】发版同步会  2026-04-06\n"
        "发言人1（孙悦）：好，我们先过一下 blocker。\n"
        "发言人2（周南）：regression 现在 pass rate 是 92%。\n"
        "发言人1（孙悦）：还有一个，监控大盘的告警阈值谁能调一下？上次误报太多了。\n"
        "发言人2（周南）：呃……这个我这周不太有空。\n"
        "发言人1（孙悦）：那先放着，下次再说。\n"
    )
    found = owners(extractor, text)
    assert [o for s, o in found.items() if "告警阈值" in s] == [None], found
    assert not [s for s in found if "不太有空" in s], found


def test_a_work_order_line_with_a_team_between_dashes_is_an_unowned_item(
    extractor: Extractor,
) -> None:
    text = (
        "【交接班记录】夜班→白班  2026-04-06\n未关闭工单：\n"
        "WO-3317 更换3#进料泵出口止回阀 — 孙悦 — 明天停机窗口内完成\n"
        "WO-3324 DCS 温度探头TT-205 校验 — 仪表班 — 4/9\n"
        "RFI-032 | shutter anchors — 150 or 170? | ANSWERED 4/2 — 170 per code.\n"
    )
    found = owners_and_dues(extractor, text)
    assert found.get("WO-3324 DCS 温度探头TT-205 校验 — 仪表班 — 4/9") == (None, date(2026, 4, 9))
    assert not [s for s in found if s.startswith("RFI")], found


def test_a_spoken_recap_for_the_minutes_restates_the_items(extractor: Extractor) -> None:
    # `Right, let's wrap. Recap for the minutes:` opens the list that restates the talk.
    text = (
        "Hannah: Victor, the unpaid traders?\n"
        "Victor: Nine still owe us. I can ring the nine of them by Monday.\n"
        "Greta: The generator quote is too high.\n"
        "Samir: I'll get a second quote with the split setup, by Wednesday.\n"
        "Hannah: Right, let's wrap. Recap for the minutes:\n"
        "- Victor rings the nine unpaid traders by Monday.\n"
        "- Samir gets a second generator quote, by Wednesday.\n"
    )
    found = owners_and_dues(extractor, text)
    assert set(found.values()) == {
        ("Samir Haddad", date(2026, 4, 8)),
        ("Victor Lindqvist", date(2026, 4, 6)),
    }, found
    assert all(source.startswith(("Victor rings", "Samir gets")) for source in found), found


def test_lines_under_a_follow_up_plan_heading_are_items_not_decisions(
    extractor: Extractor,
) -> None:
    """`4. 后续安排` after `3. 决定`: its labelled lines are the meeting's work, not more of the
    decisions above."""
    text = (
        "3. 决定\n"
        "- 从下周起质检抽样比例从 2% 提到 5%。\n\n"
        "4. 后续安排\n"
        "- 孙悦：IVR 新菜单结构，4/10 前发出评审\n"
        "- 周南：5% 抽样方案和评分表，本周五前\n"
    )
    got = owners_and_dues(extractor, text)
    assert got == {
        "孙悦：IVR 新菜单结构，4/10 前发出评审": ("孙悦", date(2026, 4, 10)),
        "周南：5% 抽样方案和评分表，本周五前": ("周南", date(2026, 4, 10)),
    }


def test_a_pronoun_at_the_start_is_the_person_named_before_not_the_one_after(
    extractor: Extractor,
) -> None:
    """`她…给老钱反馈`: 老钱 receives the answer; she is 孙悦, named in the sentence before."""
    text = "议题二\n- 主持人：市场部推荐了两位，孙悦跟她们先聊一下意向。她下周三前给老钱反馈。\n"
    got = owners_and_dues(extractor, text)
    assert got["她下周三前给老钱反馈。"] == ("孙悦", date(2026, 4, 15)), got


def test_the_recaps_one_item_of_that_person_and_day_restates_the_talk(
    extractor: Extractor,
) -> None:
    """The recap's only line for 孙悦 on Wednesday says the talk's item in other words; a
    shared word about time alone (`today`) is no reason."""
    text = (
        "议题二\n- 主持人：市场部推荐了两位，孙悦跟她们先聊一下意向。她下周三前给老钱反馈。\n\n"
        "行动项汇总\n"
        "| 事项 | 负责人 | 截止 |\n"
        "|---|---|---|\n"
        "| 主持人意向沟通并反馈钱多多 | 孙悦 | 下周三 |\n"
    )
    got = owners_and_dues(extractor, text)
    assert got == {"主持人意向沟通并反馈钱多多 | 孙悦 | 下周三": ("孙悦", date(2026, 4, 15))}, got
    # A character in common will do in Chinese, other than the owner's name: 催.
    text = (
        "二、节目\n- 各部门节目报名还差两个。孙悦会去催，本周五前收齐。\n\n"
        "五、行动项汇总\n"
        "| 事项 | 负责人 | 截止 |\n"
        "|---|---|---|\n"
        "| 催齐剩余部门节目报名 | 孙悦 | 本周五 |\n"
    )
    got = owners_and_dues(extractor, text)
    assert got == {"催齐剩余部门节目报名 | 孙悦 | 本周五": ("孙悦", date(2026, 4, 10))}, got
    text = (
        "Round the table\n"
        "Greta says she'll get the pharmacy orders chased by 10:00 today.\n"
        "Actions\n"
        "- Greta to finish the ward discharge summaries before 12:00 today\n"
    )
    assert set(owners_and_dues(extractor, text)) == {
        "Greta says she'll get the pharmacy orders chased by 10:00 today.",
        "Greta to finish the ward discharge summaries before 12:00 today",
    }


def test_a_name_before_the_unowned_marker_is_what_the_work_is_about(extractor: Extractor) -> None:
    """`华锐 8D 报告…跟进 —— 待定负责人`: 华锐 is the supplier; nobody owns the follow-up yet."""
    text = (
        "供应商线上参会：华锐 质量经理 郭先生\n"
        "待办\n- 孙悦：审核报告，周五前\n- 华锐 8D 报告关闭时间跟进 —— 待定负责人\n"
    )
    got = owners(extractor, text)
    assert got["华锐 8D 报告关闭时间跟进 —— 待定负责人"] is None, got


def test_a_chat_stand_up_turn_that_goes_on_to_the_speakers_next_work(
    extractor: Extractor,
) -> None:
    """A report of what is done that goes on to the speaker's own next work is theirs; one
    that only reports, or waits on others, is no item."""
    text = (
        "10/13 站会\n"
        "老钱：昨天 merge 了支付重试的 PR，今天继续修退款回调\n"
        "孙悦：回归用例跑了 70%，剩下的明天跑完\n"
        "周南：blocked，等测试环境数据库扩容\n"
        "Greta：昨天修完登录页白屏，今天做消息推送，预计明天提测\n"
    )
    assert owners_and_dues(extractor, text) == {
        "昨天 merge 了支付重试的 PR，今天继续修退款回调": ("钱多多", MEETING),
        "回归用例跑了 70%，剩下的明天跑完": ("孙悦", date(2026, 4, 7)),
        "昨天修完登录页白屏，今天做消息推送，预计明天提测": ("Greta Moll", date(2026, 4, 7)),
    }


def test_a_persons_side_heading_owns_the_bare_lines_under_it(extractor: Extractor) -> None:
    """`悦悦这边：` (her side of the work) over bare lines, as `孙悦：` would be."""
    people = (Participant("孙悦", ("悦悦",)), Participant("周南", ()))
    text = "入职准备\n悦悦这边：\n- 发入职通知邮件，明天\n- 劳动合同和保密协议打印，一人两份\n"
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    got = {i.source.strip(): (i.owner, i.due) for i in extractor.extract(request).items}
    assert got == {
        "发入职通知邮件，明天": ("孙悦", date(2026, 4, 7)),
        "劳动合同和保密协议打印，一人两份": ("孙悦", None),
    }


def test_a_line_after_the_tasks_table_is_new_work_unless_it_says_the_same(
    extractor: Extractor,
) -> None:
    """`TODO(SH): 导出接口加超时告警` under the notes below the table is more work for Samir,
    not his `订单导出超时` row again (other words, no day); a transcript under its summary
    saying the summary's item on the same day restates it."""
    text = (
        "### 任务\n"
        "| Task | Owner | Due |\n"
        "|---|---|---|\n"
        "| 订单导出超时（P0） | Samir | 4/13 |\n"
        "\n"
        "### 备注\n"
        "- TODO(SH): 导出接口加超时告警\n"
    )
    assert owners_and_dues(extractor, text) == {
        "订单导出超时（P0） | Samir | 4/13": ("Samir Haddad", date(2026, 4, 13)),
        "TODO(SH): 导出接口加超时告警": ("Samir Haddad", None),
    }
    text = (
        "待办事项\n"
        "1. 周南：端午排班表，下周五前发出\n"
        "\n"
        "—— 文字记录 ——\n"
        "孙悦 00:01:12\n"
        "先看数据，首响 48 秒还是太慢，主要是晚上那段排班不够。\n"
        "\n"
        "周南 00:03:40\n"
        "对，晚班现在只有 6 个人。端午那三天我排一下，按 70% 来，下周五前把表发群里。\n"
    )
    assert owners_and_dues(extractor, text) == {
        "周南：端午排班表，下周五前发出": ("周南", date(2026, 4, 17))
    }


def test_an_answer_after_the_arrow_that_says_the_work_joins_the_question(
    extractor: Extractor,
) -> None:
    """`→ 要，周南会后发邮件说明`: the question and its answer are one item, the answer's doer
    its owner; who only speaks in the answer (`Samir 说加…`) does not do it."""
    text = (
        "讨论\n"
        "- 迁移延期要不要同步给业务方？→ 要，周南会后发邮件说明\n"
        "- Coupon 的 budget 快烧完了 (85%)，要不要加？→ Samir 说加 $2k，孙悦去后台操作，今天弄完\n"
    )
    found = {i.source: (i.owner, i.due) for i in items(extractor, text)}
    assert found == {
        "迁移延期要不要同步给业务方？→ 要，周南会后发邮件说明": ("周南", None),
        "Coupon 的 budget 快烧完了 (85%)，要不要加？→ Samir 说加 $2k，孙悦去后台操作，今天弄完": (
            "孙悦",
            MEETING,
        ),
    }, found


def test_a_work_arrangements_summary_restates_the_discussion(extractor: Extractor) -> None:
    """`五、工作安排汇总` is the minutes' list of actions: the talk's lines it restates are its
    items, once; an official document's issue line (`…日印发`) is no item."""
    text = (
        "二、考务\n"
        "- 孙悦负责在1月15日前把所有考场摄像头调试完，周南配合搬梯子、接电。\n\n"
        "五、工作安排汇总\n"
        "| 事项 | 负责人 | 截止 |\n"
        "|---|---|---|\n"
        "| 考场摄像头调试 | 孙悦 | 1月15日 |\n\n"
        "教务处\u3000\u3000\u3000\u3000\u3000\u30002026年1月5日印发\n"
    )
    assert owners_and_dues(extractor, text) == {
        "考场摄像头调试 | 孙悦 | 1月15日": ("孙悦", date(2027, 1, 15))
    }


def test_a_chat_question_for_a_taker_is_taken_by_the_next_turns_yes(
    extractor: Extractor,
) -> None:
    """`谁去…？` asks whoever will take it, as `谁来…？` does; `我来` in the next turn takes it."""
    text = (
        "【大促作战群】\n"
        "[09:18] 周南: 老冯说投流预算已经花掉七成了\n"
        "[09:19] 钱多多: 谁去跟老冯说一下先把信息流那几条停掉？尽快\n"
        "[09:20] 孙悦: 我来，马上打电话\n"
        "[09:24] 周南: 赠品库存还剩1800件\n"
        "[09:25] 周南: 我下午问问仓库能不能调一批过来\n"
    )
    found = owners_and_dues(extractor, text)
    taken = [k for k in found if k.startswith("谁去跟老冯")]
    assert len(taken) == 1 and found[taken[0]][0] == "孙悦", found
    assert found["我下午问问仓库能不能调一批过来"] == ("周南", MEETING)
    assert not any(k.startswith("我来") for k in found), found
    # Who went there asks about the past, not for a taker.
    assert asks_for_a_taker("谁去跟老冯说一下先把信息流那几条停掉？")
    assert not asks_for_a_taker("谁去过老冯那边？")
    assert not asks_for_a_taker("谁去了仓库？")


def test_a_stand_ups_turns_are_their_speakers_own_work(extractor: Extractor) -> None:
    """Under a `站会` title, a turn that gives nothing out is its speaker's report; in a group
    chat the same line is said to the group, and a stand-up turn that asks someone is not."""
    standup = (
        "9/22 站会\n"
        "周南：昨天客诉工单清了37单，今天继续清积压\n"
        "孙悦：新话术模板今天下班前发群里\n"
        "钱多多：直播间插件还有 bug，能找人修一下吗\n"
    )
    found = owners(extractor, standup)
    assert found["新话术模板今天下班前发群里"] == "孙悦", found
    assert found.get("直播间插件还有 bug，能找人修一下吗") is None, found
    chat = standup.replace("9/22 站会", "【客服群】")
    assert owners(extractor, chat).get("新话术模板今天下班前发群里") is None


def test_a_yes_answers_the_work_just_given_to_its_speaker(extractor: Extractor) -> None:
    """`周南 本周五前把库存锁好` / 周南 `收到`: the yes is to that, not to an older ask that
    nobody took (`…，能不能有人改一下`), which stays work without an owner even though the
    complaint before it is done (`已经收到好几个投诉了`)."""
    text = (
        "【大促作战群】\n"
        "[09:31] 孙悦: 还有个事，详情页的价格标签字号太小，客服那边已经收到好几个投诉了，"
        "能不能有人改一下\n"
        "[09:40] 钱多多: 结论：11号晚上8点的秒杀场次不变\n"
        "[09:41] 钱多多: 周南 本周五前把秒杀库存锁好\n"
        "[09:41] 周南: 收到\n"
    )
    found = owners(extractor, text)
    asked = [k for k in found if "能不能有人改一下" in k]
    assert len(asked) == 1 and found[asked[0]] is None, found
    assert "周南" not in asked[0]  # no reply folded into it
    assert found["周南 本周五前把秒杀库存锁好"] == "周南", found
    assert asks_for_a_taker("有没有人能帮忙看一下报错")
    assert not asks_for_a_taker("有没有人知道报错原因")


def test_the_speakers_work_before_an_if_is_still_theirs(extractor: Extractor) -> None:
    """`我这边先把班排一下，人手不够的话可能要找兼职`: the if is the second clause's; when the if
    comes first (`如果人手不够，我再去找兼职`) nothing is promised."""
    text = (
        "钱多多：3月8号门店活动，方案27号前报到区域\n"
        "孙悦：我这边先把那两天的班排一下，人手不够的话可能要找兼职\n"
        "周南：如果人手不够，我再去找兼职\n"
        "钱多多：兼职预算这次没有哈\n"
    )
    found = owners(extractor, text)
    assert found.get("我这边先把那两天的班排一下，人手不够的话可能要找兼职") == "孙悦", found
    assert not any(k.startswith("如果人手不够") for k in found), found


def test_no_owner_yet_parked_and_as_before_are_no_work(extractor: Extractor) -> None:
    """`…谁来催？待定负责人` says the line has no owner, not a second item; `没人接，先挂着` parks
    it; `导师安排沿用上一批的做法` and `盘点安排照旧：…` keep things as they were. The work itself
    stays."""
    text = (
        "会后待办汇总\n"
        "1. 孙悦：与酒店谈合同，本周五前签\n"
        "2. 各部门节目 4 月 10 日前报齐——谁来催？待定负责人\n"
        "\n"
        "其他\n"
        "- 导师安排沿用上一批的做法\n"
        "- 电脑型号沿用去年的标准配置，不单独申请高配\n"
        "- 盘点安排照旧：今晚A区B区，C区周六白班\n"
        "- 没人接，先挂着。\n"
    )
    found = owners(extractor, text)
    assert set(found) == {
        "孙悦：与酒店谈合同，本周五前签",
        "各部门节目 4 月 10 日前报齐——谁来催？",
    }, found
    assert found["各部门节目 4 月 10 日前报齐——谁来催？"] is None


def test_a_stand_ups_turn_with_a_day_to_come_is_its_speakers_plan(
    extractor: Extractor,
) -> None:
    """Under `站会`: `…还差动效，下周二提测` and `昨天的崩溃已修，今天补单测` are the speaker's plans;
    `今天等结果` waits, and `在等后端接口，卡住了` is blocked, so neither is work."""
    text = (
        "4/6 站会\n"
        "周南：昨天的崩溃已修，今天补单测\n"
        "孙悦：登录页改版还差动效，下周二提测\n"
        "钱多多：昨天已经提审了，今天等结果\n"
        "周南：在等后端接口，卡住了\n"
    )
    assert owners_and_dues(extractor, text) == {
        "昨天的崩溃已修，今天补单测": ("周南", MEETING),
        "登录页改版还差动效，下周二提测": ("孙悦", date(2026, 4, 14)),
    }


def test_whom_the_work_is_done_with_is_not_its_owner(extractor: Extractor) -> None:
    """`跟周南对一下周末加班人员` under `明日计划（孙悦）：` is 孙悦's; 周南 is whom she does it with."""
    text = "明日计划（孙悦）：\n- 轴承补货申请提交采购\n- 跟周南对一下周末加班人员\n"
    assert owners(extractor, text) == {
        "轴承补货申请提交采购": "孙悦",
        "跟周南对一下周末加班人员": "孙悦",
    }


def test_a_chat_that_stamps_the_time_first_names_the_speaker_above(
    extractor: Extractor,
) -> None:
    """`[2026-04-06 11:03] 周南：` on a line of its own speaks the lines under it; a turn on one
    line (`[04-06 11:20] 孙悦：导师我来定，明天给名单`) among them is its own speaker's."""
    text = (
        "[2026-04-06 09:15] 钱多多：\n"
        "不接受让步，整批退货。\n"
        "\n"
        "[2026-04-06 11:03] 周南：\n"
        "我和孙悦一起下周去供应商现场审核，具体哪天等供应商排。\n"
        "\n"
        "[2026-04-06 11:10] 孙悦：\n"
        "退货单我这边今天下午开。\n"
        "[2026-04-06 11:20] 钱多多：导师我来定，明天给名单。\n"
    )
    found = owners_and_dues(extractor, text)
    assert found["我和孙悦一起下周去供应商现场审核，具体哪天等供应商排。"][0] == "周南", found
    assert found["退货单我这边今天下午开。"] == ("孙悦", MEETING), found
    assert found["导师我来定，明天给名单。"] == ("钱多多", date(2026, 4, 7)), found


def test_whoever_takes_over_a_chinese_request_gives_the_day(extractor: Extractor) -> None:
    """`@孙悦 …你今天能把差异明细拉出来吗？` / 周南 `孙悦今天请假了，我明天上午弄`: 周南's, tomorrow,
    the day of the speaker's own clause and not of the absence before it."""
    text = (
        "[14:02] 钱多多：@孙悦 对账单差了 3.6 万，你今天能把差异明细拉出来吗？\n"
        "[14:05] 周南：孙悦今天请假了，我明天上午弄，入库单我也有\n"
        "[14:06] 钱多多：行\n"
    )
    found = owners_and_dues(extractor, text)
    asked = [v for k, v in found.items() if k.startswith("@孙悦 对账单差了")]
    assert asked == [("周南", date(2026, 4, 7))], found


def test_a_named_person_who_will_do_something_is_an_item_in_chinese(extractor: Extractor) -> None:
    """`周南会把复盘文档归档到 Wiki`: the person named, `会`, then the work, with no day said, as
    `<name> will …` is in English; a 会 inside a word (`董事会`) or a 负责人 is not that."""
    text = (
        "复盘会纪要\n"
        "孙悦说这次上线总体顺利。\n"
        "周南会把本次复盘文档归档到 Wiki，改进项在周会上跟踪。\n"
        "董事会审议通过了明年的预算。\n"
        "孙悦是这次发布的负责人。\n"
    )
    found = owners(extractor, text)
    said = [k for k in found if k.startswith("周南会把本次复盘文档")]
    assert said and found[said[0]] == "周南", found
    assert not any(k.startswith(("董事会", "孙悦是")) for k in found), found


def test_a_chinese_stand_up_written_under_each_persons_name(extractor: Extractor) -> None:
    """`孙悦` alone on a line, then `昨天：…` / `今天：…` / `阻塞：…`: today's plan is hers; a
    mail's `时间：` field under a name is no work."""
    text = (
        "支付组站会\n"
        "孙悦\n"
        "昨天：退款对账脚本已上线\n"
        "今天：联调支付回调，下班前合到 dev\n"
        "阻塞：无\n"
        "周南\n"
        "昨天：进件页面自测\n"
        "今天：继续自测，修 3 个 UI bug\n"
        "\n"
        "> 发件人：钱多多\n"
        "钱多多\n"
        "时间：2026年4月8日 11:05\n"
    )
    found = owners(extractor, text)
    assert found.get("今天：联调支付回调，下班前合到 dev") == "孙悦", found
    assert found.get("今天：继续自测，修 3 个 UI bug") == "周南", found
    assert not any(k.startswith(("昨天", "时间", "阻塞")) for k in found), found


def test_a_chinese_reply_that_cannot_get_away_takes_nothing(extractor: Extractor) -> None:
    """`谁去催一下？` / `我下午有评审会，走不开`: he cannot go; the ask stays open and his reply
    is no item."""
    text = (
        "[09:23] 孙悦：活动规则法务还没回，谁去催一下？挺急的\n"
        "[09:31] 周南：我下午有评审会，走不开\n"
        "[09:35] 孙悦：行，那先这样。\n"
    )
    found = owners_and_dues(extractor, text)
    assert found == {"活动规则法务还没回，谁去催一下？": (None, None)}, found


def test_a_chat_export_with_the_time_before_the_sender(extractor: Extractor) -> None:
    """`14:05 Sunny 孙悦` over her message (WeCom, DingTalk exports): the sender is the speaker,
    so `我来吧` under `14:06 老钱` takes her question and `我跟周南一起写` is his own."""
    people = (*PEOPLE, Participant("孙悦", ("Sunny",)))
    text = (
        "14:05 Sunny 孙悦\n"
        "升级手册谁来更新？\n"
        "\n"
        "14:06 老钱\n"
        "我来吧，周四前更新完发群里\n"
        "\n"
        "14:11 周南\n"
        "回滚方案我跟老钱一起写，下周一前\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    found = {i.source.split("\n")[0]: i.owner for i in extractor.extract(request).items}
    assert found.get("升级手册谁来更新？") == "钱多多", found
    assert found.get("回滚方案我跟老钱一起写，下周一前") == "周南", found


def test_the_day_under_a_next_meeting_heading_is_the_meetings(extractor: Extractor) -> None:
    """`四、下次会议` / `12月17日（周四）同一时间，周南负责发会议邀请`: the invitation is work, the
    day is when the next meeting is held, not its deadline; `下次例会定在周四` says the same."""
    text = (
        "三、分工\n"
        "孙悦周五前把预算表发出来。\n"
        "\n"
        "四、下次会议\n"
        "4月16日（周四）同一时间，周南负责发会议邀请。\n"
    )
    found = owners_and_dues(extractor, text)
    assert found.get("孙悦周五前把预算表发出来。") == ("孙悦", date(2026, 4, 10)), found
    invite = [k for k in found if k.endswith("周南负责发会议邀请。")]
    assert invite and found[invite[0]] == ("周南", None), found


def test_a_chat_export_stamped_with_a_chinese_date(extractor: Extractor) -> None:
    """`孙悦 2026年4月6日 15:05` over her message (WeChat, WeCom), and `Samir Haddad 2026年4月6日
    15:07` with an English name of two words: each is a speaker, so `我来，节后第一天发` takes
    the question above it and `好的` accepts what was asked of Samir."""
    text = (
        "群聊「复盘」的聊天记录\n"
        "\n"
        "孙悦 2026年4月6日 15:05\n"
        "复盘文档谁来写？\n"
        "\n"
        "周南 2026年4月6日 15:05\n"
        "我来，周四发\n"
        "\n"
        "孙悦 2026年4月6日 15:08\n"
        "Samir 你把付款申请整理好，4月8日前提交\n"
        "\n"
        "Samir Haddad 2026年4月6日 15:08\n"
        "好的\n"
    )
    found = {i.source.split("\n")[0]: (i.owner, i.due) for i in items(extractor, text)}
    assert found == {
        "复盘文档谁来写？": ("周南", date(2026, 4, 9)),
        "Samir 你把付款申请整理好，4月8日前提交": ("Samir Haddad", date(2026, 4, 8)),
    }, found


def test_a_phones_chat_copied_out_with_relative_days(extractor: Extractor) -> None:
    """`孙悦 昨天 10:02`, `周南 下午3:05`, `老钱 星期二 10:07`: the time as a phone shows it."""
    text = (
        "孙悦 昨天 10:02\n"
        "@周南 首页banner的素材今天下班前能给到吗\n"
        "周南 下午3:05\n"
        "可以，下班前发群里\n"
        "老钱 星期二 10:07\n"
        "复盘文档谁来写？\n"
        "孙悦 10:08\n"
        "我来，周四发\n"
    )
    found = {i.source.split("\n")[0]: (i.owner, i.due) for i in items(extractor, text)}
    assert found == {
        "@周南 首页banner的素材今天下班前能给到吗": ("周南", MEETING),
        "复盘文档谁来写？": ("孙悦", date(2026, 4, 9)),
    }, found


def test_a_stand_up_titled_above_its_turns(extractor: Extractor) -> None:
    """`【站会 4/6】` read as the heading of the turns under it still says each turn is its
    speaker's report: `今天把…PR提上去` is 老钱's own, not said to the group."""
    text = (
        "【站会 4/6】\n"
        "老钱：昨天支付回调的bug修完了，今天把订单导出那块的PR提上去\n"
        "孙悦：iOS包审核被拒，我今天改完重新提审\n"
        "周南：无阻塞，继续做优惠券埋点\n"
    )
    found = owners_and_dues(extractor, text)
    assert found.get("昨天支付回调的bug修完了，今天把订单导出那块的PR提上去") == (
        "钱多多",
        MEETING,
    ), found


def test_work_asked_of_one_person_then_listed(extractor: Extractor) -> None:
    """`@周南 IT这边周五前麻烦准备：` over `1. …` / `2. …` in a chat, or `Samir, please handle these
    by Friday:` over bullets: each listed line is an item of the one asked, due when the ask
    says; the ask itself names no work, and a point after the list keeps its own owner."""
    chat = (
        "孙悦 2026-04-06 09:33\n"
        "@周南 IT这边周五前麻烦准备：\n"
        "1. 三台电脑装机\n"
        "2. 企业微信、GitLab账号开通\n"
        "周南 2026-04-06 09:35\n"
        "收到\n"
    )
    assert owners_and_dues(extractor, chat) == {
        "三台电脑装机": ("周南", date(2026, 4, 10)),
        "企业微信、GitLab账号开通": ("周南", date(2026, 4, 10)),
    }
    minutes = (
        "Ops sync\n"
        "- Samir, please handle these by Friday:\n"
        "  - renew the two SSL certs\n"
        "  - rotate the backup keys\n"
        "- Hannah will brief the vendor.\n"
    )
    assert owners_and_dues(extractor, minutes) == {
        "renew the two SSL certs": ("Samir Haddad", date(2026, 4, 10)),
        "rotate the backup keys": ("Samir Haddad", date(2026, 4, 10)),
        "Hannah will brief the vendor.": ("Hannah Ortiz", None),
    }


def test_an_action_heading_with_a_note_or_an_owner_in_brackets(extractor: Extractor) -> None:
    """`**待办（孙悦）**` over bare lines gives them to 孙悦; `四、行动项（统一挂在 Jira 下）` is the
    recap's heading, so the discussion's `…谁跟一下？→ 周南` is the recap's item, not a second."""
    text = (
        "**讨论**\n"
        "1. 慢SQL为什么没在上线前拦住？结论是要把SQL审核接入发布流水线，谁跟一下？→ 周南\n"
        "\n"
        "**待办（孙悦）**\n"
        "- 工位和门禁卡\n"
        "- 欢迎礼包 x3\n"
        "\n"
        "四、行动项（统一挂在 Jira INC-482 下）\n"
        "- SQL审核接入发布流水线 → 周南，4/20\n"
    )
    assert owners_and_dues(extractor, text) == {
        "工位和门禁卡": ("孙悦", None),
        "欢迎礼包 x3": ("孙悦", None),
        "SQL审核接入发布流水线 → 周南，4/20": ("周南", date(2026, 4, 20)),
    }


def test_a_block_mark_heading_ends_the_list_above_it(extractor: Extractor) -> None:
    """`▍人工补充` (a Feishu summary's part) is a heading: it is no item of the `▍待办` list above
    it, and what follows it is not under that list."""
    text = (
        "▍待办（AI生成，已人工修订）\n"
        "- [ ] 孙悦：重新整理尺码表，周五前上线\n"
        "\n"
        "▍人工补充\n"
        "如果双12当天GMV破50万，可能会在12月14日加一场返场。\n"
    )
    assert owners_and_dues(extractor, text) == {
        "[ ] 孙悦：重新整理尺码表，周五前上线": ("孙悦", date(2026, 4, 10)),
    }


def test_prose_after_a_to_do_list_has_left_it(extractor: Extractor) -> None:
    """Under `待办（孙悦）：`, the bare lines are hers; after a blank line, `入职培训9月1日开始…`
    states a fact and `还需要用人部门提供试用期目标` a need: neither is under the list."""
    text = (
        "新员工入职准备沟通\n"
        "\n"
        "待办（孙悦）：\n"
        "- 工位和门禁卡\n"
        "- 入职礼包\n"
        "\n"
        "入职培训9月1日开始，第一周每天上午半天\n"
        "还需要用人部门提供试用期目标\n"
    )
    assert owners_and_dues(extractor, text) == {
        "工位和门禁卡": ("孙悦", None),
        "入职礼包": ("孙悦", None),
    }


def test_a_signature_with_a_role_is_no_work(extractor: Extractor) -> None:
    """`孙悦 / HRBP` and `Samir Haddad | Finance` under the note sign it; they name no work."""
    text = "待办\n- 周南：周五前把offer签回情况核一遍\n\n有问题随时钉我。\n孙悦 / HRBP\nSamir Haddad | Finance\n"
    assert owners(extractor, text) == {"周南：周五前把offer签回情况核一遍": "周南"}


def test_already_in_a_relative_clause_is_no_finished_work(extractor: Extractor) -> None:
    """`已经收到投诉的用户怎么安抚：周南说补偿券方案他来出…`: 已经 describes the users, so the
    line is not a report of finished work; `清洗已经完毕` still is."""
    text = (
        "三、问题与改进\n"
        "1. 已经收到投诉的用户怎么安抚：周南说补偿券方案他来出，明天下班前给到客服主管。\n"
        "2. 管道清洗已经完毕，目前运行正常。\n"
    )
    found = owners_and_dues(extractor, text)
    assert list(found.values()) == [("周南", date(2026, 4, 7))], found


def test_work_given_to_a_colleague_named_then_their_yes(extractor: Extractor) -> None:
    """`孙悦把电梯维保合同翻出来…` in a chat, then 孙悦's `好`: hers, and one item with the yes; a
    colleague's words in the next turn take nothing that was given to someone else."""
    text = (
        "[2026-04-06 15:12] 周南：辛苦。孙悦把电梯维保合同翻出来，看看这次换件收不收费\n"
        "[2026-04-06 15:13] 孙悦：好\n"
        "[2026-04-06 15:20] 周南：老钱把比价表补上，今天下班前传附件。\n"
        "[2026-04-06 15:25] 孙悦：礼品这块我来对接集采平台，周五前给比价。\n"
    )
    found = {i.source.split("\n")[0]: (i.owner, i.due) for i in items(extractor, text)}
    assert found.get("孙悦把电梯维保合同翻出来，看看这次换件收不收费") == ("孙悦", None), found
    assert found.get("老钱把比价表补上，今天下班前传附件。") == ("钱多多", MEETING), found


def test_an_open_ask_answered_by_an_arrow_on_the_next_line(extractor: Extractor) -> None:
    """`另外谁去跟一下供应商要维修报告？` then the asker's own next message `→ 周南吧`: 周南's."""
    text = (
        "【设备维修群】\n"
        "[08:50] 孙悦：备件库有没有同型号的泵？\n"
        "[08:53] 孙悦：好。另外谁去跟一下供应商要维修报告？\n"
        "[08:58] 孙悦：→ 周南吧\n"
        "[09:05] 老钱：今天的产量损失大概 1,200 模\n"
    )
    found = owners(extractor, text)
    assert [owner for source, owner in found.items() if "维修报告" in source] == ["周南"], found
    assert not any(source.startswith("→") for source in found), found


def test_the_one_asked_says_when_without_saying_i(extractor: Extractor) -> None:
    """`@周南 能不能今天安排师傅过来看一下` / 周南 `今天师傅排满了，明天上午第一个过去`: the answer
    takes the ask (one item, 周南's); `明天去不了，有客户审核` declines, and is no item either."""
    text = (
        "孙悦 10:02\n"
        "@周南 能不能今天安排师傅过来看一下，里面还有一批鲜奶\n"
        "周南 10:05\n"
        "今天师傅排满了，明天上午第一个过去\n"
        "孙悦 10:06\n"
        "@老钱 明天能不能去一趟他们厂看下注塑工艺\n"
        "老钱 10:20\n"
        "明天去不了，有客户审核\n"
    )
    found = {i.source.split("\n")[0]: i.owner for i in items(extractor, text)}
    assert found.get("@周南 能不能今天安排师傅过来看一下，里面还有一批鲜奶") == "周南", found
    assert not any(s.startswith(("今天师傅", "明天去不了")) for s in found), found


def test_a_chat_messages_own_to_do_line_over_bare_lines(extractor: Extractor) -> None:
    """`韩梅: 待办（周南）：` over `准备电脑和账号开通` / `工位和门禁卡` in one message, then 周南's
    `ok 周五前搞定`: both lines are 周南's, due Friday; the to-do line itself is no item."""
    text = (
        "[4/6 09:41] 孙悦: 新同学下周一入职，产品组\n"
        "[4/6 09:45] 孙悦: 待办（周南）：\n"
        "准备电脑和账号开通\n"
        "工位和门禁卡\n"
        "[4/6 09:47] 周南: ok 周五前搞定\n"
        "[4/6 09:50] 孙悦: 导师我来定，明天告诉大家\n"
    )
    found = owners_and_dues(extractor, text)
    assert found.get("准备电脑和账号开通") == ("周南", date(2026, 4, 10)), found
    assert found.get("工位和门禁卡") == ("周南", date(2026, 4, 10)), found
    assert not any(source.startswith("待办") for source in found), found


def test_an_open_ask_answered_after_the_asker_moved_on(extractor: Extractor) -> None:
    """`谁能把这个月的停机记录整理一下？`, the asker on something else, then `我来整理，明天发`: the
    answer names the work again, so it takes the ask."""
    text = (
        "孙悦 08:32\n"
        "谁能把这个月的停机记录整理一下？\n"
        "孙悦 08:40\n"
        "老王那边的备用电机已经到货了\n"
        "周南 08:41\n"
        "我来整理，明天发\n"
    )
    found = {i.source.split("\n")[0]: (i.owner, i.due) for i in items(extractor, text)}
    assert found == {"谁能把这个月的停机记录整理一下？": ("周南", date(2026, 4, 7))}, found


def test_a_checklist_typed_with_slashes_is_a_table(extractor: Extractor) -> None:
    """`事项 / 负责人 / 截止` over `1. 固定资产折旧计提 / 钱多多 / 4月8日`: a table typed by hand;
    each row is an item of its owner column, due by its date column; the note under it is not."""
    text = (
        "3月月结 checklist\n"
        "事项 / 负责人 / 截止\n"
        "1. 固定资产折旧计提 / 钱多多 / 4月8日\n"
        "2. 关联方往来核对 / 周南 / 4/9\n"
        "备注：银行对账已完成\n"
    )
    assert owners_and_dues(extractor, text) == {
        "1. 固定资产折旧计提 / 钱多多 / 4月8日": ("钱多多", date(2026, 4, 8)),
        "2. 关联方往来核对 / 周南 / 4/9": ("周南", date(2026, 4, 9)),
    }


def test_what_is_settled_then_work_asked_of_someone(extractor: Extractor) -> None:
    """`主会场banner的文案已经定了，@周南 素材最晚明天中午给到设计` / 周南 `收到，我明天上午就发`:
    the settled copy is no work; the ask after the comma is 周南's, taken by the yes."""
    text = (
        "孙悦 2026-04-06 10:02\n"
        "主会场banner的文案已经定了，@周南 素材最晚明天中午给到设计\n"
        "周南 2026-04-06 10:03\n"
        "收到，我明天上午就发\n"
    )
    found = {i.source.split("\n")[0]: (i.owner, i.due) for i in items(extractor, text)}
    assert found == {"@周南 素材最晚明天中午给到设计": ("周南", date(2026, 4, 7))}, found
