from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from services.common.workcal import WorkingCalendar
from services.nlp.notes import MAX_NOTES_CHARS, Extractor, NotesRequest, validate_notes
from services.nlp.owners import Participant
from services.nlp.segment import segment

PEOPLE = (
    Participant("Alice Chen", ("Alice",)),
    Participant("Bob Martinez", ("Bob",)),
    Participant("Tom Becker", ("Tom",)),
    Participant("张伟", ()),
    Participant("李娜", ()),
)
MEETING = date(2025, 3, 3)  # a Monday
GOLD = Path(__file__).resolve().parents[1] / "data" / "notes_gold.json"


def run(extractor: Extractor, text: str, lang: str = "auto", tasks: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return extractor.extract(
        NotesRequest(
            text=text, meeting_date=MEETING, lang=lang, participants=PEOPLE, open_tasks=tasks
        )
    )


def test_bulleted_minutes_with_action_section(extractor: Extractor) -> None:
    text = (
        "Promo sync\n\nDiscussion\n- Landing page is done.\n- We agreed to skip radio.\n\n"
        "Action items\n- Bob to fix the coupon generator by Wednesday\n"
        "- Alice will draft the email sequence, due 3/7 (high priority)\n"
    )
    result = run(extractor, text)
    assert [(i.owner, i.due) for i in result.items] == [
        ("Bob Martinez", date(2025, 3, 5)),
        ("Alice Chen", date(2025, 3, 7)),
    ]
    assert result.items[1].priority == "high"
    assert result.items[0].description == "Fix the coupon generator"
    assert text[slice(*result.items[0].span)].startswith("Bob to fix")
    assert [d.text for d in result.decisions] == ["We agreed to skip radio."]
    assert [s.text for s in result.status_updates] == ["Landing page is done."]


def test_markers_table_and_checkboxes(extractor: Extractor) -> None:
    text = (
        "ACTION: @alice to tag old billing tickets by EOW\n"
        "TODO Tom rewrite the refund macro (due Mar 14)\n"
        "- [ ] Bob: pick three agents for the pilot\n"
        "- [x] Tom exported the survey results\n\n"
        "| Task | Owner | Due |\n|---|---|---|\n| Freeze the branch | Alice | Friday |\n"
    )
    result = run(extractor, text)
    got = [(i.owner, i.due) for i in result.items]
    assert got == [
        ("Alice Chen", date(2025, 3, 7)),
        ("Tom Becker", date(2025, 3, 14)),
        ("Bob Martinez", None),
        ("Alice Chen", date(2025, 3, 7)),
    ]
    assert result.items[3].description == "Freeze the branch"
    assert [s.state for s in result.status_updates] == ["done"]


def test_free_prose(extractor: Extractor) -> None:
    text = (
        "We reviewed the backlog. Tom will order the spare gearbox by end of month. "
        "The bearing was replaced last week. Alice needs to recalibrate the sensors before "
        "Monday. Who owns the compressor contract is still open."
    )
    result = run(extractor, text)
    assert [(i.owner, i.due) for i in result.items] == [
        ("Tom Becker", date(2025, 3, 31)),
        ("Alice Chen", date(2025, 3, 3)),
    ]
    assert len(result.questions) == 1


@pytest.mark.parametrize(
    "text",
    [
        "If sales drop we might cut the radio spot.",
        "Maybe Bob could look into a loyalty tie-in at some point.",
        "We decided to move oven maintenance to Saturdays.",
        "Alice already shipped the landing page.",
        "Should we include the loyalty tier?",
        "Bob will be on leave Feb 12-14.",
        "It would be nice to have a TV spot, but there is no budget.",
        "如果预算被砍，可能就不做户外广告了。",
        "会议决定：本次活动只投放短信渠道。",
        "落地页设计已完成。",
        "是否需要给会员额外折扣？",
    ],
)
def test_hard_negatives_are_not_items(extractor: Extractor, text: str) -> None:
    assert run(extractor, text).items == ()


def test_chinese_minutes(extractor: Extractor) -> None:
    text = (
        "周会纪要\n\n待办事项\n1. 李娜：整理达人名单，本周五提交。\n"
        "2. 张伟负责修复优惠券接口，下周三前完成（优先级：高）。\n\n决议\n- 只投放短信渠道。\n"
    )
    result = run(extractor, text, lang="zh")
    assert [(i.owner, i.due, i.priority) for i in result.items] == [
        ("李娜", date(2025, 3, 7), None),
        ("张伟", date(2025, 3, 12), "high"),
    ]
    assert result.items[0].description == "整理达人名单"
    assert len(result.decisions) == 1
    assert result.language == "zh"


def test_a_role_before_the_name_does_not_hide_the_owner(extractor: Extractor) -> None:
    # "HRBP 储红 负责…": a role tag and spaces before a named person's commitment.
    text = "入职准备\n\n- HRBP 李娜 负责入职培训，3月7日前发日程\n- IT 张伟 负责电脑和账号开通，下周三前\n"
    result = run(extractor, text, lang="zh")
    assert [(i.owner, i.due) for i in result.items] == [
        ("李娜", date(2025, 3, 7)),
        ("张伟", date(2025, 3, 12)),
    ]
    assert not result.items[0].description.startswith(("HRBP", "李娜"))


def test_item_in_discussion_and_recap_is_one_item(extractor: Extractor) -> None:
    text = (
        "Discussion:\nTom said the crash rate is high. Tom will dig into the crash logs and "
        "report back by Friday.\n\nAction items:\n1. Tom — investigate the crash logs, report by Friday\n"
    )
    result = run(extractor, text)
    assert len(result.items) == 1
    assert text[slice(*result.items[0].span)].startswith("Tom — investigate")


def test_status_update_points_at_open_task(extractor: Extractor) -> None:
    result = run(
        extractor,
        "- The launch checklist is done.",
        tasks=("Prepare launch checklist", "Book paid social budget"),
    )
    (update,) = result.status_updates
    assert update.task == "Prepare launch checklist"


def test_duplicate_open_tasks(extractor: Extractor) -> None:
    result = run(
        extractor,
        "- Tom to call the vendor",
        tasks=(
            "Renew elevator maintenance contract",
            "Renew the elevator maintenance contract",
            "Fix coupon bug",
        ),
    )
    assert len(result.duplicate_tasks) == 1


def test_rules_fallback_without_english_pipeline(rules_extractor: Extractor) -> None:
    result = run(rules_extractor, "Action items\n- Bob to fix the coupon generator by Wednesday\n")
    assert result.pipeline == "rules"
    assert any("rules" in w for w in result.warnings)
    assert [(i.owner, i.due) for i in result.items] == [("Bob Martinez", date(2025, 3, 5))]


def test_missing_spacy_model_degrades_to_rules() -> None:
    extractor = Extractor.load(spacy_model="no_such_pipeline_xx")
    assert extractor.pipeline == "rules"
    assert any("no_such_pipeline_xx" in w for w in extractor.warnings)
    result = extractor.extract(
        NotesRequest(text="- Tom will book the room today", meeting_date=MEETING)
    )
    assert result.items and result.items[0].owner == "Tom"


def test_spans_index_the_text(extractor: Extractor) -> None:
    notes = json.loads(GOLD.read_text("utf-8"))
    for note in notes[:10]:
        result = extractor.extract(
            NotesRequest(
                text=note["text"],
                meeting_date=date.fromisoformat(note["meeting_date"]),
                participants=tuple(
                    Participant(p["name"], tuple(p["aliases"])) for p in note["participants"]
                ),
            )
        )
        for item in result.items:
            assert note["text"][item.span[0] : item.span[1]] == item.source


def test_gold_file_is_well_formed() -> None:
    notes = json.loads(GOLD.read_text("utf-8"))
    assert len(notes) >= 40
    assert {n["lang"] for n in notes} == {"en", "zh"}
    for note in notes:
        names = {p["name"] for p in note["participants"]}
        date.fromisoformat(note["meeting_date"])
        for item in note["action_items"]:
            assert item["source"] in note["text"]
            assert item["owner"] is None or item["owner"] in names
            assert all(k.lower() in item["what"].lower() for k in item["keywords"])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("x" * (MAX_NOTES_CHARS + 1), "at most"),
        ("abc\x00def", "binary"),
        ("\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 5, "binary"),
        (b"bytes", "text"),
    ],
)
def test_validate_notes_names_the_field(text: object, reason: str) -> None:
    (violation,) = validate_notes(text)
    assert violation.field == "text"
    assert reason in violation.description


def test_extract_refuses_bad_input(extractor: Extractor) -> None:
    with pytest.raises(ValueError, match="text"):
        extractor.extract(NotesRequest(text="a\x00b", meeting_date=MEETING))


def test_clauses_pronouns_and_volunteers(extractor: Extractor) -> None:
    text = (
        "- Freezer alarms: Tom thinks it's the door seal. He'll swap it out Monday.\n"
        "- Bob mentioned the invoice is unpaid; Alice will chase finance before the 20th.\n"
        "- Bob: can somebody update the on-call rota? Tom volunteered.\n"
        "* Alice – send the revised SLA to the customer (by COB Friday)\n"
    )
    result = run(extractor, text)
    got = [(i.owner, i.due) for i in result.items]
    assert got == [
        ("Tom Becker", date(2025, 3, 3)),
        ("Alice Chen", date(2025, 3, 20)),
        ("Tom Becker", None),
        ("Alice Chen", date(2025, 3, 7)),
    ]
    assert result.items[2].description == "Update the on-call rota"
    assert result.items[3].description == "Send the revised SLA to the customer"


def test_owner_then_modal_reads_as_a_plain_instruction(extractor: Extractor) -> None:
    result = extractor.extract(
        NotesRequest(
            text="- Lin will write the banner copy by Friday",
            meeting_date=date(2026, 11, 27),
            participants=(Participant(name="Lin Wei", aliases=("Lin",)),),
        )
    )
    [item] = result.items
    assert item.description == "Write the banner copy"
    assert item.owner == "Lin Wei"


# China's National Day break of 2025 (1-8 October off, Saturday 11 October worked).
HOLIDAY_MEETING = date(2025, 9, 29)
CHINA = WorkingCalendar(holiday_country="CN")


def test_english_items_take_their_due_from_real_phrases_and_the_calendar(
    extractor: Extractor,
) -> None:
    text = (
        "Action items\n"
        "- Bob to restart the coupon service this morning\n"
        "- Alice will send the launch checklist in 5 working days\n"
        "- Tom: book the venue for the offsite, end of Q1\n"
    )
    result = extractor.extract(
        NotesRequest(text=text, meeting_date=HOLIDAY_MEETING, participants=PEOPLE, calendar=CHINA)
    )
    assert [(i.owner, i.due, i.due_text) for i in result.items] == [
        ("Bob Martinez", HOLIDAY_MEETING, "this morning"),
        # 1-8 October are skipped and the make-up Saturday counts
        ("Alice Chen", date(2025, 10, 13), "in 5 working days"),
        ("Tom Becker", date(2026, 3, 31), "end of Q1"),
    ]


def test_chinese_items_take_their_due_from_real_phrases_and_the_calendar(
    extractor: Extractor,
) -> None:
    text = "待办：\n- 张伟：节前把报价发给客户\n- 李娜半小时内重启服务\n- 张伟整理安全交底材料，1.9前交\n"
    result = extractor.extract(
        NotesRequest(
            text=text,
            meeting_date=HOLIDAY_MEETING,
            lang="zh",
            participants=PEOPLE,
            calendar=CHINA,
        )
    )
    assert [(i.owner, i.due, i.due_text) for i in result.items] == [
        ("张伟", date(2025, 9, 30), "节前"),  # the last working day before the break
        ("李娜", HOLIDAY_MEETING, "半小时内"),
        ("张伟", date(2026, 1, 9), "1.9前"),  # 交底 is a briefing, not 月底
    ]


def test_chinese_owners_without_the_people_list(extractor: Extractor) -> None:
    text = "待办\n- 汤磊负责供应商年审，本周五前\n- 请王芳周三前把报价单发出来\n"
    for participants in ((), (Participant("王芳", ("小王",)),)):
        result = extractor.extract(
            NotesRequest(text=text, meeting_date=MEETING, lang="zh", participants=participants)
        )
        assert [(i.owner, i.due) for i in result.items] == [
            ("汤磊", date(2025, 3, 7)),
            ("王芳", date(2025, 3, 5)),
        ]


def test_a_listed_participant_still_wins_over_a_name_found_in_the_text(
    extractor: Extractor,
) -> None:
    text = "- 小许你盯一下，周五前把差旅报销核销完\n- 许倩说她下周一前出预算表\n"
    people = (Participant("许倩", ("小许",)),)
    result = extractor.extract(
        NotesRequest(text=text, meeting_date=MEETING, lang="zh", participants=people)
    )
    assert [i.owner for i in result.items] == ["许倩", "许倩"]
    assert not any(i.owner_ambiguous for i in result.items)


def test_a_request_takes_the_event_deadline_said_after_it(extractor: Extractor) -> None:
    text = "Rohan, can you own the rollback runbook? Needs to be in before the CAB on 2/26."
    request = NotesRequest(
        text=text, meeting_date=date(2026, 2, 9), participants=(Participant("Rohan Das"),)
    )
    items = extractor.extract(request).items
    assert [(i.owner, i.due) for i in items] == [("Rohan Das", date(2026, 2, 26))]


def _owned(
    extractor: Extractor, text: str, people: tuple[str, ...]
) -> list[tuple[str, str | None, date | None]]:
    request = NotesRequest(
        text=text,
        meeting_date=date(2026, 10, 14),
        participants=tuple(Participant(name) for name in people),
    )
    # The first line of each item's source: a request's source runs on to its yes.
    return [(i.source.split("\n")[0], i.owner, i.due) for i in extractor.extract(request).items]


def test_a_stand_in_says_yes_on_the_line_after_a_request(extractor: Extractor) -> None:
    # A long marker line without a full stop is no wrapped paragraph of the request under it,
    # and the one who says yes on the next line owns the request, with their date.
    text = (
        "2) Dependencies\n"
        "   ACTION: Harriet to escalate SSO v2 date at the Solution Train sync tomorrow\n"
        "   Mike, could you update the ROAM board with the new risks?\n"
        "   Ravi: Mike is out, I can do it tomorrow\n"
    )
    people = ("Harriet Cole", "Mike Dunbar", "Ravi Iyer")
    assert _owned(extractor, text, people) == [
        (
            "ACTION: Harriet to escalate SSO v2 date at the Solution Train sync tomorrow",
            "Harriet Cole",
            date(2026, 10, 15),
        ),
        (
            "Mike, could you update the ROAM board with the new risks?",
            "Ravi Iyer",
            date(2026, 10, 15),
        ),
    ]
    # Other work on the next line is no yes to the request.
    text = "Mike, could you update the ROAM board?\nRavi: I'll book the rooms for the PI tomorrow\n"
    owners = [owner for _, owner, _ in _owned(extractor, text, people)]
    assert owners == ["Mike Dunbar", "Ravi Iyer"]


def test_work_asked_of_a_colleague_inside_a_chat_turn(extractor: Extractor) -> None:
    text = (
        "Rachel Kim 9:07 AM\n@zoe please fix the stacking rule in the promo engine, P0\n"
        "Zoe Lindqvist 9:07 AM\nI'll have a hotfix in 30 min, need Omar to validate on staging\n"
        "Omar Haddad 9:08 AM\nI'll test on staging as soon as it's up\n"
    )
    people = ("Rachel Kim", "Zoe Lindqvist", "Omar Haddad")
    found = _owned(extractor, text, people)
    assert [(source, owner) for source, owner, _ in found] == [
        ("@zoe please fix the stacking rule in the promo engine, P0", "Zoe Lindqvist"),
        ("need Omar to validate on staging", "Omar Haddad"),
    ]


def test_an_email_signed_with_the_name_alone_is_the_writers(extractor: Extractor) -> None:
    text = (
        "Subject: March close\n\nHi team, recap from this morning.\n\n"
        "- Dan will send the breaks to the entity controllers by Friday.\n"
        "- I'll review the revenue deferral schedule EOD Thursday.\n\nOlivia\n"
    )
    people = ("Olivia Chen", "Daniel Brooks")
    owners = [owner for _, owner, _ in _owned(extractor, text, people)]
    assert owners == ["Daniel Brooks", "Olivia Chen"]
    # A name closing notes that are no email signs nothing.
    text = "Ops sync\n- I'll review the deferral schedule EOD Thursday.\nOlivia\n"
    assert [owner for _, owner, _ in _owned(extractor, text, people)] == [None]


def test_work_asked_and_taken_in_a_later_turn_is_one_item(extractor: Extractor) -> None:
    text = (
        "Rachel 9:02\n@karthik can you get the putaway fix into prod before the weekend?\n"
        "Sam 9:03\nthe scanners on dock 4 are down again\n"
        "Karthik 9:05\nWill fix the putaway strategy in UAT first, then push the fix to prod Thursday night.\n"
    )
    people = ("Rachel Lee", "Karthik Rao", "Sam Ortiz")
    found = _owned(extractor, text, people)
    assert [(owner, due) for _, owner, due in found] == [("Karthik Rao", date(2026, 10, 15))]
    assert found[0][0].startswith("@karthik can you get the putaway fix")


def test_a_question_about_what_is_so_asks_no_work(extractor: Extractor) -> None:
    text = (
        "[09:06] 高远：@吴磊 直通车那个爆款的出价是不是太高了？ROI 才 1.8\n"
        "[09:07] 吴磊：我今天中午前把出价降到 1.2 以内，下午再看数据\n"
        "[09:08] 高远：@Sophie 供应商对账函这个月回了多少家？\n"
        "[09:09] Sophie：回了31家，剩下15家我今天下班前再催一轮\n"
        "[09:10] 高远：@吴磊 能不能把预算表也发我一下？\n"
    )
    request = NotesRequest(
        text=text,
        meeting_date=date(2026, 11, 2),
        lang="zh",
        participants=(Participant("高远"), Participant("吴磊"), Participant("Sophie Chen")),
    )
    result = extractor.extract(request)
    assert [(i.source.split("\n")[0], i.owner) for i in result.items] == [
        ("我今天中午前把出价降到 1.2 以内，下午再看数据", "吴磊"),
        ("回了31家，剩下15家我今天下班前再催一轮", "Sophie Chen"),
        ("@吴磊 能不能把预算表也发我一下？", "吴磊"),
    ]
    assert any("是不是太高了" in q.text for q in result.questions)


def test_an_english_question_about_what_is_so_asks_no_work(extractor: Extractor) -> None:
    text = (
        "Ops sync\n- @ryan is the last vessel cut-off on Thursday?\n"
        "- @dana can you pull the address-correction list by Friday?\n"
        "- who's on the 12/24 half day?\n"
    )
    people = ("Ryan Chen", "Dana Kim")
    found = [(source, owner) for source, owner, _ in _owned(extractor, text, people)]
    assert found == [("@dana can you pull the address-correction list by Friday?", "Dana Kim")]


def test_a_second_commitment_by_pronoun_or_for_a_taker_is_its_own_item(
    extractor: Extractor,
) -> None:
    text = (
        "Zoo ops\n"
        "Priya is going to put up the shade signage at the savannah path and she'll brief "
        "the summer volunteers by July 31.\n"
        "Kirsty: I'll draft a status post, but someone from ops needs to sign it off first.\n"
    )
    people = ("Priya Ramsaran", "Kirsty Munro")
    found = [(source, owner) for source, owner, _ in _owned(extractor, text, people)]
    assert found == [
        ("Priya is going to put up the shade signage at the savannah path", "Priya Ramsaran"),
        ("she'll brief the summer volunteers by July 31.", "Priya Ramsaran"),
        ("Kirsty: I'll draft a status post", "Kirsty Munro"),
        ("someone from ops needs to sign it off first.", None),
    ]


def test_a_slack_export_with_name_time_and_words_on_one_line(extractor: Extractor) -> None:
    text = (
        "#proj-woodstock-lofts\n"
        "naledi  09:14  council stamped the SDP\n"
        "werner  09:15  lekker! I'll update the drawing register and issue rev C to the contractor by Monday\n"
        "naledi  09:17  @zanele pls book the site handover meeting with the contractor for next week\n"
        "zanele  09:40  will do\n"
    )
    people = ("Naledi Mahlangu", "Werner Pretorius", "Zanele Dube")
    found = [(source, owner) for source, owner, _ in _owned(extractor, text, people)]
    assert found == [
        (
            "I'll update the drawing register and issue rev C to the contractor by Monday",
            "Werner Pretorius",
        ),
        (
            "@zanele pls book the site handover meeting with the contractor for next week",
            "Zanele Dube",
        ),
    ]


def _zh_owned(
    extractor: Extractor, text: str, people: tuple[str, ...]
) -> list[tuple[str, str | None]]:
    request = NotesRequest(
        text=text,
        meeting_date=date(2026, 12, 4),
        lang="zh",
        participants=tuple(Participant(name) for name in people),
    )
    return [(i.source.split("\n")[0], i.owner) for i in extractor.extract(request).items]


def test_speech_turned_into_text_ends_a_sentence_at_each_pause(extractor: Extractor) -> None:
    text = (
        "喂那个各位我说一下明天的安排啊 明天周六加班的人就按昨天排的那个表来 不变 然后那个三号注塑机的"
        "机械手昨天下午又报警了 小军你明天上午过来先把那个机械手的限位开关换了 覃丽你明天早上八点前把备件"
        "放到机修房 就这些"
    )
    found = _zh_owned(extractor, text, ("魏小军", "覃丽"))
    assert ("小军你明天上午过来先把那个机械手的限位开关换了", "魏小军") in found
    assert ("覃丽你明天早上八点前把备件放到机修房", "覃丽") in found
    # Written text with its commas is not cut at its spaces.
    written = "周五前 把 展台 物料 清单 发给 小军，他 确认 后 下单，覃丽 跟进 物流 到货 时间，别 拖，到货后 拍照 发群 给 大家 看一下"
    assert len(written) >= 60
    assert [s.text for s in segment(written, lang="zh")[0]] == [written]


def test_a_handle_after_a_semicolon_starts_its_own_item(extractor: Extractor) -> None:
    text = "会议安排\n婷婷下周二前出节目单初稿；抽奖系统 @闫斌 周三测一遍。"
    found = _zh_owned(extractor, text, ("李婷婷", "闫斌"))
    assert found == [
        ("婷婷下周二前出节目单初稿；", "李婷婷"),
        ("抽奖系统 @闫斌 周三测一遍。", "闫斌"),
    ]


def test_someone_away_is_no_work(extractor: Extractor) -> None:
    text = (
        "Stand-up\nSJ: OOO tomorrow\nAF: out Wed-Fri\nTómas is off Fri, back Sat night.\n"
        "Also I'll be on leave Feb 9 to 13\n"
        "Dwayne: fyi I'm off Tues-Wed next week, Sheldon covers the kitchen\n"
        "AF: I'm off Friday, I'll send the rota tonight\n"
        "Funmi: volunteer call-out, tomorrow\n"
        "Sara is on leave May 2-3, so Funmi will run the AR ageing review on those days.\n"
        "Sara: cover the till float while Tómas is out\n"
    )
    people = ("Sara Jones", "Amira Farouk", "Tómas Berg", "Dwayne Ferguson", "Funmi Ade")
    found = [(source, owner) for source, owner, _ in _owned(extractor, text, people)]
    assert found == [
        ("AF: I'm off Friday, I'll send the rota tonight", "Amira Farouk"),
        ("Funmi: volunteer call-out, tomorrow", "Funmi Ade"),
        # Someone else away, and the work of covering for them.
        (
            "Sara is on leave May 2-3, so Funmi will run the AR ageing review on those days.",
            "Funmi Ade",
        ),
        ("Sara: cover the till float while Tómas is out", "Sara Jones"),
    ]
    text = (
        "晨会\n蒋涛今天休息\n雪梅下周三到周五去省里参加医学工程培训。\n"
        "备注：明天白班何磊请假，由赵敏代班。\n曾慧敏：周三那天的预约我来挪到周四\n"
    )
    found_zh = _zh_owned(extractor, text, ("蒋涛", "叶雪梅", "何磊", "赵敏", "曾慧敏"))
    assert [owner for _, owner in found_zh] == ["曾慧敏"]


def test_a_row_done_in_a_column_of_another_name_is_no_work(extractor: Extractor) -> None:
    text = (
        "| # | Item | Owner | Due | Notes |\n|---|---|---|---|---|\n"
        "| 5 | Induction slides | Aisyah | 12/4 | done, sent 30 Nov |\n"
        "| 6 | Malt 2x20ft | Ravi | — | delivered 30 Nov, QC passed |\n"
        "| 7 | Legal review of the TV spot | Nadia | 12/9 | waiting on agency |\n"
    )
    people = ("Aisyah Rahman", "Ravi Joshi", "Nadia Haddad")
    assert [owner for _, owner, _ in _owned(extractor, text, people)] == ["Nadia Haddad"]
    text = (
        "| 序号 | 事项 | 负责人 | 截止 | 进展 | 状态 |\n|---|---|---|---|---|---|\n"
        "| 1 | 背街小巷路灯修复 | 郭丽娟 | 5月31日 | 已修复 41 处，完成率 72% | 推进中 |\n"
        "| 2 | 督导员培训 | 郭丽娟 | 4月30日 | 已完成，132 人参训 | 已销号 |\n"
    )
    assert [source for source, _ in _zh_owned(extractor, text, ("郭丽娟",))] == [
        "1 | 背街小巷路灯修复 | 郭丽娟 | 5月31日 | 已修复 41 处，完成率 72% | 推进中"
    ]


def test_a_named_persons_daily_work_is_theirs_not_a_standing_rule(extractor: Extractor) -> None:
    text = (
        "周会纪要\n1. 孟凡每天盯一下物流\n2. 装修巡查这块，小曾每天下午 4 点前巡一遍 3 栋，拍照留底。\n"
        "3. 各店每周五下午五点前在系统更新进展\n"
    )
    found = _zh_owned(extractor, text, ("孟凡", "曾小燕"))
    assert [owner for _, owner in found] == ["孟凡", "曾小燕"]


def test_initials_and_a_dash_start_a_line_a_long_line_does_not_wrap_into(
    extractor: Extractor,
) -> None:
    text = (
        "3. Actions\n"
        " DK: issue the corrective action request, EOM\n"
        " Wei: update the supplier scorecard with Q3 PPM before the QBR on 10/2\n"
        " ON — get 3 quotes from Meridian for the bracket tooling — end of next week"
    )
    found = _owned(extractor, text, ("Wei Zhang", "Oscar Nilsson", "Dana Kowal"))
    assert [owner for _, owner, _ in found] == ["Dana Kowal", "Wei Zhang", "Oscar Nilsson"]


def test_with_a_colleague_under_a_heading_of_ones_side(extractor: Extractor) -> None:
    text = "入职准备\n\n雪梅这边：\n- 培训日程表我和周婷一起出，周五前发给各部门\n"
    assert _zh_owned(extractor, text, ("郑雪梅", "周婷")) == [
        ("培训日程表我和周婷一起出，周五前发给各部门", "郑雪梅")
    ]


def test_i_will_go_takes_the_trip_asked(extractor: Extractor) -> None:
    text = (
        "钱卓 09:01\n@冯涛 明天能不能去一趟华瑞厂里看下注塑工艺\n冯涛 09:03\n我去吧，明天上午出发\n"
    )
    found = _zh_owned(extractor, text, ("钱卓", "冯涛"))
    assert [(source.split("\n")[0], owner) for source, owner in found] == [
        ("@冯涛 明天能不能去一趟华瑞厂里看下注塑工艺", "冯涛")
    ]


def test_an_open_point_given_to_someone_in_brackets(extractor: Extractor) -> None:
    text = (
        "Venue\n- Is the hotel block still holding 60 rooms? (Felix to find out)\n"
        "- WO-5540 lift 3 door sensor — Otis o/s ASAP!! (RN to call)\n"
        "- Is the stage still 8 m wide? (not sure)\n"
    )
    found = _owned(extractor, text, ("Felix Braun", "Rajesh Nair"))
    assert [owner for _, owner, _ in found] == ["Felix Braun", "Rajesh Nair"]


def test_initials_before_a_question_about_what_is_so_give_no_item(extractor: Extractor) -> None:
    text = "发版站会\nDK：封版时间是否推迟？\nDK：我今天跟产品确认封版时间\n"
    found = _zh_owned(extractor, text, ("邓凯",))
    assert found == [("DK：我今天跟产品确认封版时间", "邓凯")]


def test_a_bold_name_over_a_chinese_list_owns_its_lines(extractor: Extractor) -> None:
    text = (
        "### 待办\n**杨帆（IT）：**\n- 准备电脑和账号开通\n- 邮箱、VPN 权限 3月13日前开好\n\n"
        "**王芳：**\n- 发入职通知邮件\n"
    )
    found = _zh_owned(extractor, text, ("杨帆", "王芳"))
    assert found == [
        ("准备电脑和账号开通", "杨帆"),
        ("邮箱、VPN 权限 3月13日前开好", "杨帆"),
        ("发入职通知邮件", "王芳"),
    ]
