"""Who owns an item does not depend on which part found it (#12, batch 39's round).

A detector trained on the blind batches (tried on walk-forward folds, docs/benchmarks.md) calls
more chat lines items than the rules did; the owner rules for chats (a request belongs to
whoever accepts it, a line said to the group has no owner) must hold for those too. A detector
that calls every sentence an item shows it. Then the
speaker shapes the folds' owner errors pointed at: a Teams copy's `[7:48 AM] Name` header, a
thread's `↳` reply, a radio log's `0715 Name:`, a voice memo's speaker, `Dan Surname` for Daniel.
Every example is written for this file."""

from __future__ import annotations

from datetime import date

from services.nlp.detector import Detector
from services.nlp.notes import Extractor, NotesRequest
from services.nlp.owners import Participant, Roster

MEETING = date(2026, 3, 2)  # a Monday
PEOPLE = (
    Participant("Priya Natarajan", ("Priya",)),
    Participant("Tomás Ruiz", ("Tomás", "Tomas")),
    Participant("Daniel Okafor", ("Dan", "Daniel")),
    Participant("王海燕", ("海燕",)),
    Participant("刘强", ()),
)


def items(extractor: Extractor, text: str) -> dict[str, tuple[str | None, str | None]]:
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    return {
        " ".join(i.source.split("\n")[0].split()): (i.owner, i.due.isoformat() if i.due else None)
        for i in extractor.extract(request).items
    }


def eager(extractor: Extractor) -> Extractor:
    """The same rules and pipelines with a detector that calls every sentence an item."""
    return Extractor(
        detector=Detector(weights={}, bias=6.0, threshold=0.5),
        english=extractor.english,
        chinese=extractor.chinese,
    )


def test_a_chinese_chat_line_said_to_the_group_is_not_its_speakers(extractor: Extractor) -> None:
    text = (
        "王海燕 10:02\n谁有空把各店海报照片汇总一下？\n\n"
        "王海燕 10:05\n大家周五前把自查表交上来\n\n"
        "刘强 10:06\n收到\n"
    )
    assert items(eager(extractor), text) == {
        "谁有空把各店海报照片汇总一下？": (None, None),
        "大家周五前把自查表交上来": (None, "2026-03-06"),
    }


def test_a_question_of_who_answered_on_the_next_line_is_the_answerers(
    extractor: Extractor,
) -> None:
    text = "王海燕 10:02\n外卖平台的新品上架谁去跟一下？\n\n刘强 10:03\n我来，明天中午前弄好\n"
    assert items(eager(extractor), text) == {
        "外卖平台的新品上架谁去跟一下？": ("刘强", "2026-03-03")
    }


def test_a_short_first_name_with_the_surname_is_the_participant() -> None:
    roster = Roster(PEOPLE)
    assert roster.lookup("Dan Okafor") == ("Daniel Okafor",)
    assert roster.lookup("Dan Natarajan") == ()


def test_a_teams_copy_names_the_speaker_above_the_message(extractor: Extractor) -> None:
    text = (
        "[7:48 AM] Priya Natarajan\n"
        "Morning all. We are down to 2 vials in main store.\n"
        "\n"
        "[7:51 AM] Tomás Ruiz\n"
        "I counted the satellite store last night. I'll transfer 6 down to main this morning\n"
    )
    found = items(extractor, text)
    assert found == {"I'll transfer 6 down to main this morning": ("Tomás Ruiz", "2026-03-02")}


def test_a_threads_reply_names_its_writer(extractor: Extractor) -> None:
    text = (
        "Item: June purchasing\n"
        "\n"
        "Priya Natarajan · Jun 24, 7:12 AM\n"
        "Bought 38 bags from the co-op yesterday.\n"
        "\n"
        "    ↳ Tomás Ruiz · Jun 24, 8:03 AM\n"
        "    On it. I'll send the waybill to Priya once it's loaded.\n"
    )
    assert items(extractor, text) == {
        "I'll send the waybill to Priya once it's loaded.": ("Tomás Ruiz", None)
    }


def test_a_check_in_signed_with_a_short_first_name(extractor: Extractor) -> None:
    text = (
        "Automatic check-in: Where are you on the close?\n"
        "\n"
        "Priya Natarajan\n"
        "Payroll accrual booked. I'll send the unclaimed list to Tomás by Thursday.\n"
        "\n"
        "Dan Okafor\n"
        "Bank recs are done. I'll post the lease accrual tomorrow.\n"
    )
    found = items(extractor, text)
    assert found["I'll send the unclaimed list to Tomás by Thursday."][0] == "Priya Natarajan"
    assert found["I'll post the lease accrual tomorrow."] == ("Daniel Okafor", "2026-03-03")


def test_a_radio_logs_time_comes_before_the_speaker(extractor: Extractor) -> None:
    text = (
        "RT LOG — camp channel 2\n"
        "0712 Priya → all: shearing gang due off the ferry Thursday.\n"
        "0715 Tomás: North pens ready, bottom gate still hanging off one hinge. I'll weld it today.\n"
    )
    found = items(extractor, text)
    assert found["I'll weld it today."] == ("Tomás Ruiz", "2026-03-02")


def test_a_voice_memos_i_is_whoever_recorded_it(extractor: Extractor) -> None:
    text = (
        "Voice memo – Priya – Mon 2 Mar, driving back from the depot (auto-transcribed)\n"
        "\n"
        "ok so, 140 costumes done out of 180. Music truck is booked, that's sorted. "
        "And I'll send the registration list to the section leaders by tonight. That's it.\n"
    )
    found = items(extractor, text)
    owner, due = found["And I'll send the registration list to the section leaders by tonight."]
    assert (owner, due) == ("Priya Natarajan", "2026-03-02")


def test_lines_that_read_as_work_and_are_not_stay_out_with_any_detector(
    extractor: Extractor,
) -> None:
    # A farewell in an actions section, a standing rule, a statement of what is missing and
    # the one asked handing the work on: the rules say no, whatever the detector says.
    text = (
        "王海燕 10:01\n三号库盘点表还差签字\n\n"
        "刘强 10:02\n我这周在外地，让海燕来吧\n\n"
        "王海燕 10:03\n各店每周五下午五点前在系统更新进展\n"
    )
    found = items(eager(extractor), text)
    assert not any(k.startswith(("三号库", "我这周", "各店每周五")) for k in found), found
    english = "Action items\n- Priya to refresh the stock report by Friday\n\nCheers, see you all Friday\n"
    assert list(items(eager(extractor), english)) == ["Priya to refresh the stock report by Friday"]


def test_what_someone_said_he_will_do_is_his(extractor: Extractor) -> None:
    text = "- 刘强说他顺便把用电申请也一起提交，3月15日截止。\n"
    assert items(eager(extractor), text) == {
        "刘强说他顺便把用电申请也一起提交，3月15日截止。": ("刘强", "2026-03-15")
    }


def test_a_name_and_will_is_a_subject_not_someone_asked(extractor: Extractor) -> None:
    # What the detector reads: `Tomás will …` is his commitment (`owner:subject`), while
    # `Tomás, will you …` asks him (`owner:vocative`).
    def cues(text: str) -> set[str]:
        request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
        analysed, _, _ = extractor.analyse(request)
        return analysed[0].cues

    assert "owner:subject" in cues("Tomás will circulate the audited accounts by Friday.\n")
    assert "owner:vocative" in cues("Tomás, will you circulate the accounts by Friday?\n")
    assert "owner:vocative" in cues("Tomás can u circulate the accounts by Friday\n")


def test_a_second_piece_of_work_by_pronoun_after_a_semicolon(extractor: Extractor) -> None:
    text = "工作安排\n刘强负责春季招生简章的排版，3月20日前出样稿；他还要在下周五前把课时确认表收齐。\n"
    found = items(extractor, text)
    assert found["他还要在下周五前把课时确认表收齐。"] == ("刘强", "2026-03-13")
    assert len(found) == 2


def test_sign_offs_exclamations_and_past_handles_are_no_work(extractor: Extractor) -> None:
    text = (
        "Action items\n"
        "- Priya to refresh the stock report by Friday\n"
        "- Meitaki!\n"
        "\n"
        "@Tomás walked us through the dock incident.\n"
        "Recap above, shout if I've missed anything. — Priya\n"
    )
    # The eager detector would call the past report an item; the handle no longer forces it.
    assert list(items(extractor, text)) == ["Priya to refresh the stock report by Friday"]
    eager_found = items(eager(extractor), text)
    assert not any(k.startswith(("Meitaki", "Recap above")) for k in eager_found)


def test_a_summary_of_work_after_the_meeting_is_the_recap(extractor: Extractor) -> None:
    text = (
        "二、讨论\n"
        "刘强汇报了活动初步设想。刘强负责在3月20日前拿出活动方案初稿，报委员会审定。\n"
        "王海燕提出档案更新不及时。她同时表示会在3月初组织一次培训，具体时间另行通知。\n"
        "\n"
        "三、会后事项汇总\n"
        "1. 刘强：活动方案初稿（3月20日前）\n"
    )
    found = items(extractor, text)
    assert found["刘强：活动方案初稿（3月20日前）"] == ("刘强", "2026-03-20")
    assert not any(k.startswith("刘强负责") for k in found)  # the recap's, said once
    assert found["她同时表示会在3月初组织一次培训，具体时间另行通知。"][0] == "王海燕"


def test_thanks_in_any_language_a_cast_list_and_who_came_are_no_work(
    extractor: Extractor,
) -> None:
    text = (
        "Tech rehearsal notes\n"
        "Dir: Priya. LX: Tomás.\n"
        "- Priya to send the revised cue sheet by Friday\n"
        "Diolch all — RG\n"
    )
    found = items(eager(extractor), text)
    assert found["Priya to send the revised cue sheet by Friday"][0] == "Priya Natarajan"
    assert not any(k.startswith(("Dir:", "LX:", "Diolch")) for k in found), found
    zh = (
        "3月2日上午，刘强主持召开防汛调度会，县水利局及青石镇负责同志参加。\n"
        "会议听取了各单位汛前准备情况汇报。\n"
        "王海燕负责在3月6日前完成河道巡查。\n"
    )
    found = items(eager(extractor), zh)
    assert found["王海燕负责在3月6日前完成河道巡查。"] == ("王海燕", "2026-03-06")
    assert not any(k.startswith(("3月2日上午", "会议听取")) for k in found), found


def test_a_chat_todo_list_restates_the_chat(extractor: Extractor) -> None:
    text = (
        "[3/2 09:16] Tomás Ruiz: 那我今天 push 工厂排产\n"
        "[3/2 09:20] Priya Natarajan: ok\n"
        "[3/2 10:03] Priya Natarajan: TODO list 我整理下：\n"
        "TR: 工厂排产 by EOD\n"
    )
    found = items(eager(extractor), text)
    assert not any("整理下" in k for k in found), found
    assert [k for k in found if "排产" in k] == ["TR: 工厂排产 by EOD"]


def test_a_chat_request_to_you_is_taken_by_whoever_answers(extractor: Extractor) -> None:
    """`你再跑一遍` said to the one who just spoke, taken with `收到，我明天…`; and a voice
    message's `[语音转文字] 那个我下周有空可以弄` takes a request put to the group."""
    text = (
        "[09:45] 刘强：银行对账已经做完了\n"
        "[09:46] 王海燕：那固定资产折旧你再跑一遍，上次有两个店的年限错了\n"
        "[09:52] 刘强：收到，我明天上午跑完\n"
        "[10:07] 王海燕：能不能谁把对账模板整理一下\n"
        "[10:30] 刘强：[语音转文字] 那个我下周有空可以弄\n"
    )
    found = items(extractor, text)
    assert found == {
        "那固定资产折旧你再跑一遍，上次有两个店的年限错了": ("刘强", "2026-03-03"),
        "能不能谁把对账模板整理一下": ("刘强", None),
    }


def test_posts_headed_by_their_writer_and_when_they_were_posted(extractor: Extractor) -> None:
    """A help desk's boxed note, a group chat's `Name, Tue 10:11`, a feed's `Name · 45m ago`
    and a thread's `Name — Apr 14` name whoever says `I'll` under them."""
    text = (
        "---- Internal note (Priya Natarajan, 09:41) ----\n"
        "I'll raise the credit in the booking system by tomorrow.\n"
        "\n"
        "Tomás Ruiz, Tue 10:11\n"
        "I'll do the seating plan by Friday\n"
        "\n"
        "Daniel Okafor · 45m ago\n"
        "I'll update the promo tracker before Thursday\n"
        "\n"
        "  Priya Natarajan — Mar 2\n"
        "  I'll book the photographer for Wednesday.\n"
    )
    assert items(extractor, text) == {
        "I'll raise the credit in the booking system by tomorrow.": (
            "Priya Natarajan",
            "2026-03-03",
        ),
        "I'll do the seating plan by Friday": ("Tomás Ruiz", "2026-03-06"),
        "I'll update the promo tracker before Thursday": ("Daniel Okafor", "2026-03-05"),
        "I'll book the photographer for Wednesday.": ("Priya Natarajan", "2026-03-04"),
    }


def test_an_acceptance_whose_date_follows_it_in_the_same_turn(extractor: Extractor) -> None:
    text = (
        "Priya Natarajan 10:02\n"
        "Tomás, can you report the bay 3 lighting defect to the airport authority?\n"
        "\n"
        "Tomás Ruiz 10:05\n"
        "Sure. Will do it by Thursday.\n"
    )
    found = items(extractor, text)
    assert found["Tomás, can you report the bay 3 lighting defect to the airport authority?"] == (
        "Tomás Ruiz",
        "2026-03-05",
    )


def test_a_yes_addressed_back_by_handle_accepts_the_request(extractor: Extractor) -> None:
    text = (
        "Priya Natarajan 10:02\n"
        "@tomás can you take the SMS receipt failures by Friday?\n"
        "\n"
        "Tomás Ruiz 10:05\n"
        "@priya yes, on it.\n"
    )
    assert items(extractor, text) == {
        "@tomás can you take the SMS receipt failures by Friday?": ("Tomás Ruiz", "2026-03-06")
    }


def test_work_left_for_anyone_is_taken_by_the_next_speaker_who_commits_to_it(
    extractor: Extractor,
) -> None:
    text = (
        "Priya Natarajan 10:02\n"
        "also can someone redo the price sheet for the Ealing store, their VAT line is wrong\n"
        "\n"
        "Tomás Ruiz 10:04\n"
        "mine, I'll fix it today\n"
        "\n"
        "Priya Natarajan 10:06\n"
        "Someone should reword that line in the refund macro.\n"
        "\n"
        "Daniel Okafor 10:07\n"
        "I'll do it, will have the new wording live in Zendesk by Monday.\n"
    )
    assert items(extractor, text) == {
        "also can someone redo the price sheet for the Ealing store, their VAT line is wrong": (
            "Tomás Ruiz",
            "2026-03-02",
        ),
        "Someone should reword that line in the refund macro.": ("Daniel Okafor", "2026-03-02"),
    }


def test_a_commitment_to_other_work_or_a_decision_does_not_take_work_left_for_anyone(
    extractor: Extractor,
) -> None:
    text = (
        "Priya Natarajan 10:02\n"
        "can someone redo the price sheet for the Ealing store?\n"
        "\n"
        "Tomás Ruiz 10:04\n"
        "I'll move the Ealing delivery to Thursday.\n"
        "\n"
        "Priya Natarajan 10:06\n"
        "also someone should tell the station manager the FOD walk sheet is not being signed\n"
        "\n"
        "Daniel Okafor 10:07\n"
        "Agreed we keep the FOD walk at 05:30 and 17:30, no change to timing.\n"
    )
    found = items(extractor, text)
    # Thursday is when the delivery will be, not a deadline for moving it.
    assert found["I'll move the Ealing delivery to Thursday."] == ("Tomás Ruiz", None)
    assert found["can someone redo the price sheet for the Ealing store?"] == (None, None)
    assert found[
        "also someone should tell the station manager the FOD walk sheet is not being signed"
    ] == (None, None)


def test_a_chinese_question_for_a_taker_is_taken_in_the_next_turn_only(
    extractor: Extractor,
) -> None:
    text = (
        "王海燕 09:33\n另外 shipping sample 3 pcs 还没寄，谁寄一下？\n\n"
        "王海燕 09:40\nsample 有人寄吗？？urgent\n\n"
        "刘强 09:41\n我来，明天 DHL 出\n\n"
        "王海燕 10:31\n谁能跟一下大巴租车？去年那家的电话我找不到了\n\n"
        "Daniel Okafor 10:40\n对了酒店LED屏我问过了，有，另外收费3000\n\n"
        "刘强 10:41\nok 先记着\n\n"
        "王海燕 10:50\n详情页尺码表里有错别字，谁能顺手改一下\n\n"
        "刘强 10:52\n好，今天先这样，下周一同一时间再过一次\n"
    )
    found = items(extractor, text)
    assert found["另外 shipping sample 3 pcs 还没寄，谁寄一下？"] == ("刘强", "2026-03-03")
    assert "我来，明天 DHL 出" not in found
    assert found["谁能跟一下大巴租车？"] == (None, None)
    assert found["详情页尺码表里有错别字，谁能顺手改一下"] == (None, None)


def test_a_sentence_that_only_says_when_dates_the_item_before_it(extractor: Extractor) -> None:
    text = (
        "Priya Natarajan 10:02\n"
        "@tomás can you pull the August volumes by corridor for the central bank report? "
        "Need them by 12 March.\n"
        "\n"
        "Daniel Okafor 10:05\n"
        "Priya, could you also draft the first-week shift rota? EOM is fine.\n"
        "\n"
        "Priya Natarajan 10:07\n"
        "Tomás, can you book the venue for the kick-off? Next meeting: Monday 9 March.\n"
        "\n"
        "Daniel Okafor 10:09\n"
        "@priya can you send me the workshop dates so I can check the install? "
        "Before Friday please.\n"
    )
    assert items(extractor, text) == {
        "@priya can you send me the workshop dates so I can check the install?": (
            "Priya Natarajan",
            "2026-03-06",
        ),
        "@tomás can you pull the August volumes by corridor for the central bank report?": (
            "Tomás Ruiz",
            "2026-03-12",
        ),
        "Priya, could you also draft the first-week shift rota?": ("Priya Natarajan", "2026-03-31"),
        "Tomás, can you book the venue for the kick-off?": ("Tomás Ruiz", None),
    }


def test_a_hedge_in_one_clause_or_a_possible_thing_leaves_the_work_an_item(
    extractor: Extractor,
) -> None:
    text = (
        "Discussion\n"
        "Priya asked if we can drop IE 11 from the portal; nobody could say what the contract "
        "allows, Daniel will check with legal.\n"
        "Tomás will email the winery about a possible combo package on Friday.\n"
        "Priya to get IT to swap the validation printer, today if possible, latest tomorrow.\n"
        "If the budget allows we could add a second van.\n"
        "Is it possible to have it before launch?\n"
    )
    assert items(extractor, text) == {
        "Priya asked if we can drop IE 11 from the portal; nobody could say what the contract "
        "allows, Daniel will check with legal.": ("Daniel Okafor", None),
        "Tomás will email the winery about a possible combo package on Friday.": (
            "Tomás Ruiz",
            "2026-03-06",
        ),
        "Priya to get IT to swap the validation printer, today if possible, latest tomorrow.": (
            "Priya Natarajan",
            "2026-03-03",
        ),
    }


def test_a_cards_checklist_names_whose_boxes_they_are(extractor: Extractor) -> None:
    text = (
        "Card: New starter — Daniel Okafor, starts Mon 9 March\n"
        "\n"
        "Checklist: Admin (1/2)\n"
        "[x] Contract signed & returned\n"
        "[ ] Port pass application — @tomás — by Friday\n"
        "\n"
        "Checklist: IT — Priya (0/2)\n"
        "[ ] Laptop + second screen — by Thu\n"
        "[ ] Add to the vessel calls group\n"
        "\n"
        "Checklist: First week — Daniel (0/1)\n"
        "[ ] Read the ops manual\n"
    )
    assert items(extractor, text) == {
        "[ ] Port pass application — @tomás — by Friday": ("Tomás Ruiz", "2026-03-06"),
        "[ ] Laptop + second screen — by Thu": ("Priya Natarajan", "2026-03-05"),
        "[ ] Add to the vessel calls group": ("Priya Natarajan", None),
        "[ ] Read the ops manual": ("Daniel Okafor", None),
    }


def test_a_boards_open_cards_are_items_of_their_members(extractor: Extractor) -> None:
    text = (
        "Trello export — Board: Spring Season Ops\n"
        "\n"
        "LIST: To Do\n"
        "• Card: Recalibrate scale #2 on the wharf\n"
        "  Members: Tomás Ruiz\n"
        "  Due: March 9\n"
        "• Card: Order 400 more crates\n"
        "  Members: (none)\n"
        "  Comment (Priya): we're at 1,150 crates.\n"
        "  Owner TBD — whoever's in town Friday.\n"
        "\n"
        "LIST: Done\n"
        "• Card: Dock light replaced at berth 3\n"
        "  Members: Daniel Okafor\n"
        "\n"
        "LIST: Parking lot\n"
        "• Card: Should we join the traceability pilot?\n"
        "• Card: Maybe a second shift on the grading line\n"
    )
    assert items(extractor, text) == {
        "Card: Recalibrate scale #2 on the wharf": ("Tomás Ruiz", "2026-03-09"),
        "Card: Order 400 more crates": (None, None),
    }


def test_a_digest_comment_and_a_dated_comment_name_who_wrote_them(extractor: Extractor) -> None:
    text = (
        "Your inbox digest — Monday, Mar 2\n"
        "\n"
        'Daniel Okafor commented on "FX spread alert"\n'
        "  \"Spread hit 1.9% on Tuesday. I'll raise it with treasury at Thursday's call.\"\n"
        "\n"
        "Comments\n"
        "Tomás Ruiz · 2 Mar 2026 at 11:42\n"
        "I'll ring the 12 suppliers with late invoices on Wednesday.\n"
    )
    found = items(extractor, text)
    assert found["I'll raise it with treasury at Thursday's call.\""] == (
        "Daniel Okafor",
        "2026-03-05",
    )
    assert found["I'll ring the 12 suppliers with late invoices on Wednesday."] == (
        "Tomás Ruiz",
        "2026-03-04",
    )


def test_a_message_goes_on_over_its_lines_and_a_yes_answers_what_was_asked_of_its_sayer(
    extractor: Extractor,
) -> None:
    text = (
        "[02/03, 07:41] Priya: Voice note (0:52) — transcript:\n"
        "Morning team. Tomás, take the bucket truck and swap the ONT at the clinic today. "
        "Daniel, I need you to send me the outage list before Wednesday. "
        "Me, I'll call the pole owner tomorrow.\n"
        "[02/03, 07:49] Tomás: ok going now\n"
        "[02/03, 08:02] Daniel: 👍\n"
    )
    found = {source[:30]: who for source, who in items(extractor, text).items()}
    assert found == {
        "Tomás, take the bucket truck a": ("Tomás Ruiz", "2026-03-02"),
        "Daniel, I need you to send me ": ("Daniel Okafor", "2026-03-04"),
        "Me, I'll call the pole owner t": ("Priya Natarajan", "2026-03-03"),
    }


def test_a_handovers_capital_headings_open_their_sections(extractor: Extractor) -> None:
    text = (
        "SHIFT HANDOVER — Line 3 Packaging — Night → Day\n"
        "\n"
        "OPEN ISSUES\n"
        "1) Case erector jams every ~40 min, suspect worn suction cups.\n"
        "2) Is the labeller camera drifting again?\n"
        "\n"
        "TASKS FOR DAY SHIFT\n"
        "- Replace infeed conveyor belt — Tomás — due 3/4\n"
        "- Priya to update the PM schedule in SAP by end of week\n"
    )
    assert items(extractor, text) == {
        "Replace infeed conveyor belt — Tomás — due 3/4": ("Tomás Ruiz", "2026-03-04"),
        "Priya to update the PM schedule in SAP by end of week": ("Priya Natarajan", "2026-03-06"),
    }
