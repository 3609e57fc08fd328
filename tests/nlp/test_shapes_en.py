"""English shapes of the second set-aside (batches 09-10, #12); every example is written for
this file."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from services.nlp.notes import ActionItem, Extractor, NotesRequest
from services.nlp.owners import Participant
from services.nlp.segment import Sentence, section_kind, segment
from tests.security import linear

PEOPLE = (
    Participant("Marta Kowalczyk", ("Marta",)),
    Participant("Ravi Menon", ("Ravi", "@ravi")),
    Participant("Ola Nordmann", ("Ola",)),
    Participant("Sun Li", ()),
)
MEETING = date(2026, 4, 6)  # a Monday
T = TypeVar("T")


def items(extractor: Extractor, text: str) -> list[ActionItem]:
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    return list(extractor.extract(request).items)


def owners(extractor: Extractor, text: str) -> dict[str, str | None]:
    return {item.source.strip(): item.owner for item in items(extractor, text)}


def owners_and_dues(extractor: Extractor, text: str) -> dict[str, tuple[str | None, date | None]]:
    return {item.source.strip(): (item.owner, item.due) for item in items(extractor, text)}


def first_lines(found: dict[str, T]) -> dict[str, T]:
    """Keyed by the source's first line: an item taken by a yes runs on to the yes."""
    return {source.split("\n")[0]: value for source, value in found.items()}


def test_chat_export_with_date_and_time_in_brackets_is_a_transcript() -> None:
    text = (
        "[06/04/2026, 09:02] Marta Kowalczyk: the supplier moved the delivery to Thursday\n"
        "[06/04/2026, 09:03] Ravi Menon: I'll rebook the forklift slot for it\n"
        "[06/04/2026, 09:04] Ola Nordmann: 👍\n"
    )
    sentences, transcript = segment(text)
    assert transcript
    assert [s.speaker for s in sentences] == ["Marta Kowalczyk", "Ravi Menon", "Ola Nordmann"]
    assert sentences[1].text == "I'll rebook the forklift slot for it"


def test_speaker_with_the_time_after_the_name(extractor: Extractor) -> None:
    text = (
        "Marta Kowalczyk 09:40: the shelf labels in aisle 4 are wrong again\n"
        "Ravi Menon 09:41: ugh. I'll reprint them today\n"
        "Marta Kowalczyk 09:42: thx\n"
    )
    assert owners(extractor, text) == {"I'll reprint them today": "Ravi Menon"}


def test_a_long_line_does_not_swallow_the_handle_line_after_it(extractor: Extractor) -> None:
    text = (
        "Actions\n"
        "Action – Sun Li – pull the weekend pick volumes for March so we can size the rota, due 4/10\n"
        "@ravi chase the carrier about the damaged pallets\n"
    )
    found = owners(extractor, text)
    assert found["@ravi chase the carrier about the damaged pallets"] == "Ravi Menon"
    assert "Sun Li" in found.values()


def test_recap_grouped_under_each_persons_name(extractor: Extractor) -> None:
    text = (
        "## Next steps\n"
        "Marta\n"
        "- reorder question to the packaging supplier's account manager\n"
        "- returns log for March updated by Friday\n"
        "\n"
        "Sun Li\n"
        "- pallet count v2 to Ravi by Wednesday\n"
    )
    found = owners(extractor, text)
    assert found == {
        "reorder question to the packaging supplier's account manager": "Marta Kowalczyk",
        "returns log for March updated by Friday": "Marta Kowalczyk",
        "pallet count v2 to Ravi by Wednesday": "Sun Li",
    }


def test_standup_written_per_person_owns_each_today_line(extractor: Extractor) -> None:
    text = (
        "#standup-warehouse · Mon 6 Apr\n"
        "@ravi\n"
        "yesterday: cycle count in zone B\n"
        "today: relabel the returns shelf, done by EOD\n"
        "blockers: none\n"
        "\n"
        "Ola\n"
        "yesterday: forklift training\n"
        "today: inbound dock schedule for next week\n"
    )
    found = owners(extractor, text)
    assert found == {
        "today: relabel the returns shelf, done by EOD": "Ravi Menon",
        "today: inbound dock schedule for next week": "Ola Nordmann",
    }


def test_a_today_part_inside_a_speakers_stand_up_line_is_theirs(extractor: Extractor) -> None:
    """`Ola: y'day … today: …` in a chat-style stand-up; `T-bar still waiting…` is no today."""
    text = (
        "Standup Mon 6/4 — platform team\n"
        "Ola: y'day finished the Terraform module for the new VPC. today: cert rotation on staging.\n"
        "Ravi: blocked on DB creds from security. I'll chase security for them again today.\n"
        "Marta: T-bar still waiting on the bullwheel bearing, courier reckons Tuesday\n"
    )
    assert owners(extractor, text) == {
        "today: cert rotation on staging.": "Ola Nordmann",
        "I'll chase security for them again today.": "Ravi Menon",
    }


def test_work_asked_of_a_participant_in_the_minutes_past_tense(extractor: Extractor) -> None:
    """`Marta asked Ravi to rewrite…` gives Ravi work, with no day said; asking whether is not."""
    text = (
        "Service review\n"
        "Most of the hour went on the billing-dispute journey. Marta asked Ravi to rewrite the "
        "refund script so agents give the actual bank timeline. Ola asked whether the macro is "
        "still on the old policy.\n"
    )
    assert owners(extractor, text) == {
        "Marta asked Ravi to rewrite the refund script so agents give the actual bank timeline.": (
            "Ravi Menon"
        )
    }


def test_two_recap_lists_in_a_row_restate_the_discussion(extractor: Extractor) -> None:
    """`Next steps (Marta):` then `Other actions`: both lists are the recap, so the talk's
    `Marta said yes, she'll include it…` and the unowned `Someone has to confirm…` (taken on
    the next line) are their items again, not more."""
    text = (
        "## Payroll\n"
        "Ravi asked Marta to send the bank-detail form with the welcome email. Marta said yes, "
        "she'll include it — welcome emails go out tomorrow.\n"
        "## Housing\n"
        "Ola has two serviced apartments on hold until Apr 10. Someone has to confirm them with "
        "the relocating hires before the hold lapses. Marta said she'd do it.\n"
        "\n"
        "## Next steps (Marta):\n"
        "- welcome emails incl. bank-detail form, tomorrow\n"
        "- confirm the serviced apartments with the two relocating hires — before Apr 10\n"
        "\n"
        "## Other actions\n"
        "- Ola: badges + door access, Friday\n"
    )
    assert owners_and_dues(extractor, text) == {
        "welcome emails incl. bank-detail form, tomorrow": ("Marta Kowalczyk", date(2026, 4, 7)),
        "confirm the serviced apartments with the two relocating hires — before Apr 10": (
            "Marta Kowalczyk",
            date(2026, 4, 10),
        ),
        "Ola: badges + door access, Friday": ("Ola Nordmann", date(2026, 4, 10)),
    }


def test_what_someone_would_like_is_no_item_until_someone_commits(extractor: Extractor) -> None:
    text = (
        "Influencers: the four creator posts went out as scheduled and drove roughly 2,100 "
        "sessions. Gifting for creators stays at the same bundle as last year. Ola would like to "
        "try two micro-creators in January, although there is no budget line for that until the "
        "Q1 review lands.\n"
        "Ravi wants to redo the brief, so he will send a draft by Friday.\n"
    )
    assert owners(extractor, text) == {
        "Ravi wants to redo the brief, so he will send a draft by Friday.": "Ravi Menon"
    }


def test_each_stand_up_field_is_a_line_of_its_own(extractor: Extractor) -> None:
    """`y: … deployed to staging` is long and ends with no stop, yet `t: load test…` under it
    is not its wrapped tail: Ravi's plan for today."""
    text = (
        "Daily stand-up — Payments reliability squad — Mon 6 Apr\n"
        "\n"
        "Ravi\n"
        "  y: retry backoff for webhook delivery — merged, deployed to staging\n"
        "  t: load test the new backoff against 5k rps\n"
        "  blockers: none\n"
    )
    assert owners(extractor, text) == {"t: load test the new backoff against 5k rps": "Ravi Menon"}


def test_a_person_named_then_what_they_will_do_is_an_item_without_a_day(
    extractor: Extractor,
) -> None:
    """`Marta will pull the top 20 contact reasons…` commits Marta though no day is said, and so
    does a later clause's `Ravi will chase…`; a bare `Ola will send.` says too little to be one."""
    text = (
        "Chat support huddle — Marta, Ravi, Ola\n"
        "CSAT last week 4.3, first response 2m40s.\n"
        "Marta will pull the top 20 contact reasons for the monthly review.\n"
        "We're not adding a bot this quarter.\n"
        "Ola will send.\n"
        "- Spare light curtain is the last one; Ola says the reorder was placed, Ravi will chase "
        "the supplier for a delivery date.\n"
    )
    assert owners(extractor, text) == {
        "Marta will pull the top 20 contact reasons for the monthly review.": "Marta Kowalczyk",
        "Spare light curtain is the last one; Ola says the reorder was placed, Ravi will chase "
        "the supplier for a delivery date.": "Ravi Menon",
    }


def test_under_actions_a_line_opening_on_a_capital_is_the_next_action(
    extractor: Extractor,
) -> None:
    """A long action line with no stop does not wrap into the next one under `Actions`."""
    text = (
        "Actions\n"
        "Marta to send the formal scorecard letter to Brackett's GM tomorrow\n"
        "Sort cost recovery invoice — owner TBD\n"
    )
    assert owners(extractor, text) == {
        "Marta to send the formal scorecard letter to Brackett's GM tomorrow": "Marta Kowalczyk",
        "Sort cost recovery invoice — owner TBD": None,
    }


def test_table_typed_as_text_with_columns_two_spaces_apart(extractor: Extractor) -> None:
    text = (
        "WAREHOUSE JOBS  06-Apr-2026\n"
        "\n"
        "Job     Task                          Owner     Due      Status\n"
        "------  ----------------------------  --------  -------  ---------\n"
        "WH-101  Re-stripe the loading bay     Sun Li    4/9      open\n"
        "WH-102  Replace dock leveller seal    Ravi      -        done 4/2\n"
        "WH-103  Quote for racking inspection  Marta     Friday   open\n"
    )
    found = {item.owner: item for item in items(extractor, text)}
    assert set(found) == {"Sun Li", "Marta Kowalczyk"}
    assert found["Sun Li"].due == date(2026, 4, 9)
    assert found["Marta Kowalczyk"].due == date(2026, 4, 10)


def test_reading_a_typed_table_is_linear() -> None:
    def rows(n: int) -> str:
        return "Task  Owner  Due  Status\n" + "fix it  Ravi  4/9  open\n" * (n // 20)

    def wide(n: int) -> str:
        return "Task  Owner  Due" + "  col" * (n // 5) + "\n" + "x\n" * (n // 2)

    # Measured in this process: its patterns are each checked for backtracking in a child by
    # tests/security, and forking a suite's process that has run gRPC servers can hang.
    for make in (rows, wide):
        short = linear.seconds(segment, make(10_000), repeat=5)
        assert linear.seconds(segment, make(40_000), repeat=5) / max(short, 1e-7) < 8.0


def test_owners_between_dashes_in_a_work_order_line(extractor: Extractor) -> None:
    text = (
        "Shutdown work\n"
        "WO-2201 swap the shrink-wrap heater, line 2 — Ola + Ravi — by Sat 4/11 (planned stop)\n"
    )
    (item,) = items(extractor, text)
    assert item.owner == "Ola Nordmann"
    assert item.due == date(2026, 4, 11)


def test_will_with_no_subject_in_a_chat_line_is_the_speakers(extractor: Extractor) -> None:
    text = (
        "Marta: cycle count done, variance under 1%\n"
        "Ravi: scanner batteries still dying after 4h\n"
        "Ola: off Friday. Will hand the returns queue over to Ravi by Thu\n"
    )
    assert owners(extractor, text)["Will hand the returns queue over to Ravi by Thu"] == (
        "Ola Nordmann"
    )


def test_header_line_listing_who_came_is_not_an_item(extractor: Extractor) -> None:
    text = (
        "Mon 6 Apr 2026, 10:00–11:00 · Marta Kowalczyk (site lead), Ravi Menon, Ola Nordmann\n"
        "**Date:** 2026-04-06 · **Attendees:** Marta K., Ravi M., Ola N.\n"
        "Ravi will order the scanner batteries by Friday.\n"
    )
    assert owners(extractor, text) == {
        "Ravi will order the scanner batteries by Friday.": "Ravi Menon"
    }


def test_a_recap_line_in_other_word_forms_is_the_item_said_before(extractor: Extractor) -> None:
    """`buddy confirmations` in the recap restates `confirm buddies …` from the discussion:
    one item, the recap's line, with the discussion's date."""
    text = (
        "3. Buddies\n"
        "Marta needs to confirm buddies with the team leads — she'll do it before the 9th.\n"
        "\n"
        "Action items\n"
        "- Marta — buddy confirmations\n"
        "- Ravi: book the induction room, by Thursday\n"
    )
    found = owners_and_dues(extractor, text)
    assert found == {
        "Marta — buddy confirmations": ("Marta Kowalczyk", date(2026, 4, 9)),
        "Ravi: book the induction room, by Thursday": ("Ravi Menon", date(2026, 4, 9)),
    }


def test_a_typed_up_whiteboard_of_arrows_gives_each_line_its_owner(extractor: Extractor) -> None:
    text = (
        "[Whiteboard photo, typed up by Marta — DC2 facilities weekly]\n"
        "CRAH-07 (Hall B) → high return temp alarms x3 last wk → MK replace filters + recheck Thurs\n"
        "UPS-B string 4 → 2 batteries swelling → RM: raise RMA w/ vendor → swap by 17 Apr\n"
        "Chiller 2 → back online Sat ✔ (compressor replaced)\n"
        "Cold aisle containment door Hall A → keeps sticking → ?? who\n"
        "ON + RM → walk roof, cooling tower drift eliminator check → next Wed\n"
        "Ola reckons we can hold margin if we go via Port Adelaide → Singapore transhipment\n"
    )
    found = [
        (item.source.split("→")[-1].strip(), item.owner, item.due)
        for item in items(extractor, text)
    ]
    assert found == [
        ("MK replace filters + recheck Thurs", "Marta Kowalczyk", date(2026, 4, 9)),
        ("swap by 17 Apr", "Ravi Menon", date(2026, 4, 17)),
        ("?? who", None, None),
        ("next Wed", "Ola Nordmann", date(2026, 4, 15)),
    ]


def test_each_message_of_an_email_thread_is_its_senders(extractor: Extractor) -> None:
    """The `I` of a quoted message is its sender's (`> From: Ravi Menon`); a reply written
    inline between the quoted lines is the replier's, by depth of quoting."""
    text = (
        "From: Marta Kowalczyk\n"
        "Sent: 06 April 2026 16:42\n"
        "Subject: RE: depot catch-up\n"
        "\n"
        "Replies inline. M\n"
        "\n"
        "> From: Ravi Menon\n"
        "> Sent: 06 April 2026 11:15\n"
        ">\n"
        "> 1. Salt barn is at 62%. I'll book the next delivery by Thursday.\n"
        "\n"
        "Fine by me. I'll chase the weather station people myself, end of next week.\n"
        "\n"
        ">> From: Ola Nordmann\n"
        ">> I'll send over the gritting rota when I'm back on Monday.\n"
    )
    found = {item.source.strip(): item.owner for item in items(extractor, text)}
    assert found == {
        "I'll book the next delivery by Thursday.": "Ravi Menon",
        "I'll chase the weather station people myself, end of next week.": "Marta Kowalczyk",
        ">> I'll send over the gritting rota when I'm back on Monday.": "Ola Nordmann",
    }


def test_replies_inline_under_quote_marks_by_name(extractor: Extractor) -> None:
    text = (
        "From: Marta Kowalczyk\n"
        "Subject: RE: Committee matters — replies inline (see >>)\n"
        "\n"
        "1. Green. Ravi, can you order the winter fertiliser before the price goes up on 1 May?\n"
        ">> Ravi: Aye, will do.\n"
        "2. Sponsors: Ola will get the logos to the sign maker by 4/20.\n"
        ">> Ola: logos from two of them in, still waiting on Tayside Tyres.\n"
        "3. Open Pairs. Agreed we keep the same date.\n"
        ">> Sun Li: I'll update the entry form next Tuesday.\n"
    )
    found = {item.source.strip(): item.owner for item in items(extractor, text)}
    assert found == {
        "Ravi, can you order the winter fertiliser before the price goes up on 1 May?\n"
        ">> Ravi: Aye, will do.": "Ravi Menon",
        "Sponsors: Ola will get the logos to the sign maker by 4/20.": "Ola Nordmann",
        "Sun Li: I'll update the entry form next Tuesday.": "Sun Li",
    }


def test_asap_said_after_a_question_makes_it_a_request_the_answer_takes(
    extractor: Extractor,
) -> None:
    text = (
        "[06/04, 10:05] Marta: yes, 31 out of 38 done already. the other 7 are missing GSTINs\n"
        "[06/04, 10:06] Marta: Ravi can u get the GSTINs from the two transport vendors? ASAP pls\n"
        "[06/04, 10:20] Ravi: will do today, before lunch\n"
    )
    found = [(item.owner, item.due) for item in items(extractor, text)]
    assert found == [("Ravi Menon", MEETING)]


def test_an_open_box_over_a_problem_and_its_work_is_the_work(extractor: Extractor) -> None:
    text = (
        "VEHICLES\n"
        "[x] Fuelled and washed: 142 of 146\n"
        "[ ] SN19 FHB — kneeling suspension fault, VOR. Ravi to fit the new height valve when"
        " parts arrive\n"
        "[ ] 4 buses not fuelled — fuel pump 2 out of service. Ola: call the pump contractor"
        " out today, URGENT\n"
        "[ ] FAL-815: chase Apple developer support on the entitlement. Marta, ASAP\n"
        "[ ] Regrit the wash bay exit at 10:00 — whoever's on yard duty\n"
    )
    found = {item.source.removeprefix("[ ] "): item.owner for item in items(extractor, text)}
    assert "SN19 FHB — kneeling suspension fault, VOR." not in found
    assert "4 buses not fuelled — fuel pump 2 out of service." not in found
    assert found["Ravi to fit the new height valve when parts arrive"] == "Ravi Menon"
    assert found["Ola: call the pump contractor out today, URGENT"] == "Ola Nordmann"
    # A name and how soon are no work of their own: the box's line stays an item.
    assert "FAL-815: chase Apple developer support on the entitlement." in found
    assert found["Regrit the wash bay exit at 10:00 — whoever's on yard duty"] is None


def test_work_somebody_should_do_is_an_item_nobody_owns_yet(extractor: Extractor) -> None:
    text = (
        "Agenda\n"
        "- AOB: Ravi will be in Tashkent the week of Sept 28, wants to visit the warehouse.\n"
        "- Somebody should arrange the warehouse pass for him.\n"
        "- If it rains, somebody should ask the Oval about a rain plan.\n"
    )
    found = {item.source.strip(): item.owner for item in items(extractor, text)}
    assert found == {"Somebody should arrange the warehouse pass for him.": None}


def test_two_of_the_speakers_own_joined_by_and_are_two_items(extractor: Extractor) -> None:
    text = (
        "[09:12] Ravi: I'll book the launch for the two crew changes, and I'll send you the"
        " revised DA by Monday.\n"
        "[09:13] Ola: Okay, I'll handle the welcome packs myself, I'll get them couriered by"
        " Thursday.\n"
    )
    found = [(item.source, item.owner, item.due) for item in items(extractor, text)]
    assert found == [
        ("Ravi: I'll book the launch for the two crew changes", "Ravi Menon", None),
        ("I'll send you the revised DA by Monday.", "Ravi Menon", MEETING),
        (
            "Ola: Okay, I'll handle the welcome packs myself, I'll get them couriered by Thursday.",
            "Ola Nordmann",
            date(2026, 4, 9),
        ),
    ]


def test_action_lines_with_dashes_each_stand_alone(extractor: Extractor) -> None:
    text = (
        "Actions\n"
        "Action – Ravi – add no-access reason codes to the dashboard – end of next week\n"
        "Action – Ola – run tenant survey at the November panel; share draft questions with"
        " Ravi first\n"
    )
    found = [(item.owner, item.due) for item in items(extractor, text)]
    assert found == [("Ravi Menon", date(2026, 4, 17)), ("Ola Nordmann", None)]


def test_me_and_a_colleague_at_the_start_of_a_line_is_the_speakers(extractor: Extractor) -> None:
    text = "[06/04, 09:02] Marta: Me and Ravi will run the pit crew induction together Tues arvo\n"
    assert owners(extractor, text) == {
        "Marta: Me and Ravi will run the pit crew induction together Tues arvo": "Marta Kowalczyk"
    }


def test_a_teams_transcript_names_speakers_surname_first(extractor: Extractor) -> None:
    # Teams writes a company directory's `Surname, Given` on the line above what is said.
    text = (
        "Kowalczyk, Marta   0:00:14\n"
        "OK, we're recording. The pallet labels came out wrong again.\n\n"
        "Menon, Ravi (Logistics)   0:00:41\n"
        "I'll reprint them by Wednesday.\n\n"
        "Nordmann, Ola   0:01:02\n"
        "Thanks.\n"
    )
    sentences, transcript = segment(
        text, speakers=("Marta Kowalczyk", "Ravi Menon", "Ola Nordmann")
    )
    assert transcript
    assert {s.speaker for s in sentences} == {"Marta Kowalczyk", "Ravi Menon", "Ola Nordmann"}
    assert owners_and_dues(extractor, text) == {
        "I'll reprint them by Wednesday.": ("Ravi Menon", date(2026, 4, 8))
    }


def test_work_said_in_the_imperative_belongs_to_who_answers_it(extractor: Extractor) -> None:
    text = (
        "Ravi Menon: Do you want the replacement film too? I can ship it Monday.\n"
        "Marta Kowalczyk: Yes. Ship the film, and send the tracking to Ola.\n"
        "Ravi Menon: Will do.\n"
        "Marta Kowalczyk: Cut-off is Thursday.\n"
    )
    # The item's source runs on to the yes that took it.
    got = first_lines(owners(extractor, text))
    assert got.get("Ship the film, and send the tracking to Ola.") == "Ravi Menon"
    assert "Ravi Menon: Will do." not in got


def test_who_asked_for_somebody_may_take_it_themself(extractor: Extractor) -> None:
    text = (
        "Marta Kowalczyk: The customer already got 40 cases from the bad lot. "
        "Somebody need to call them before they find it on the shelf.\n"
        "Ravi Menon: Not me, I'm out Wednesday and Thursday.\n"
        "Marta Kowalczyk: OK, I'll take it myself then, tomorrow.\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    assert got == {
        "Somebody need to call them before they find it on the shelf.": (
            "Marta Kowalczyk",
            date(2026, 4, 7),
        )
    }


def test_a_name_in_markdown_bold_labels_its_line(extractor: Extractor) -> None:
    text = (
        "## Next steps (Ravi to chase)\n"
        "**Ola**: write the package T&Cs and send them to Marta by Friday\n"
    )
    assert owners(extractor, text) == {
        "**Ola**: write the package T&Cs and send them to Marta by Friday": "Ola Nordmann"
    }


def test_a_yes_to_a_handle_then_the_date(extractor: Extractor) -> None:
    text = (
        "Ola Nordmann: the Swahili receipts went out without the amount again\n"
        "Marta Kowalczyk: @ravi can you take the SMS receipt failures?\n"
        "Ravi Menon: @marta yes, mine. PR up by tomorrow.\n"
        "Ola Nordmann: 👍\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    assert got == {"@ravi can you take the SMS receipt failures?": ("Ravi Menon", date(2026, 4, 7))}


def test_the_next_turn_naming_the_thing_asked_for_takes_it(extractor: Extractor) -> None:
    text = (
        "Ola Nordmann: can someone update the changelog for the branch pilot? product wants it\n"
        "Ravi Menon: I'll do the changelog today\n"
        "Marta Kowalczyk: thanks\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    assert got == {
        "can someone update the changelog for the branch pilot? product wants it": (
            "Ravi Menon",
            MEETING,
        )
    }


def test_a_ticket_export_whose_cells_name_themselves(extractor: Extractor) -> None:
    # No header row: each row says `Assigned to:` and `Due:` in its own cells; `Update …`
    # is work, not a date column.
    text = (
        "Change tasks\n"
        "CTASK0012 | Update backout plan with rollback steps | Assigned to: Ravi Menon | Due: 4/9\n"
        "CTASK0013 | Confirm tolerance with the plant manager | Assigned to: (empty) | Due: 4/10\n"
    )
    got = {item.description: (item.owner, item.due) for item in items(extractor, text)}
    assert got == {
        "Update backout plan with rollback steps": ("Ravi Menon", date(2026, 4, 9)),
        "Confirm tolerance with the plant manager": (None, date(2026, 4, 10)),
    }


def test_joined_initials_start_a_line_of_their_own(extractor: Extractor) -> None:
    people = (*PEOPLE, Participant("Tom Ogden", ()), Participant("Lisa Pryce", ()))
    text = (
        "Actions\n"
        "Action – Ravi – send the sponsor invoices to Yorkshire Water and the Co-op — EOW\n"
        "TO + LP: walk the hall with the caterer to plan the table layout, 4/15\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    got = {i.source: (i.owner, i.due) for i in extractor.extract(request).items}
    assert got == {
        "Action – Ravi – send the sponsor invoices to Yorkshire Water and the Co-op — EOW": (
            "Ravi Menon",
            date(2026, 4, 10),
        ),
        "TO + LP: walk the hall with the caterer to plan the table layout, 4/15": (
            "Tom Ogden",
            date(2026, 4, 15),
        ),
    }


def test_what_the_work_needs_to_be_by_is_its_date(extractor: Extractor) -> None:
    # A ticket digest: the yes under the request is its writer's; the next ticket's title,
    # with its own date, is not the yes's date.
    text = (
        "PAY-1412  Refund callback times out\n"
        "  Marta Kowalczyk · 6/Apr 15:40\n"
        "    @ravi please put the fix behind a feature flag. Needs to be on staging by Thursday.\n"
        "  Ravi Menon · 6/Apr 16:11\n"
        "    ok, will do\n"
        "\n"
        "PAY-1419  Certificate expires 30/4\n"
        "  Ola Nordmann · 6/Apr 17:05\n"
        "    Renewed in sandbox. Prod one still expires 30/4.\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    assert got == {
        "@ravi please put the fix behind a feature flag. Needs to be on staging by Thursday.": (
            "Ravi Menon",
            date(2026, 4, 9),
        )
    }


def test_can_u_asks_as_can_you_does(extractor: Extractor) -> None:
    text = (
        "Marta Kowalczyk  07:50\n"
        "also turnstile 12 still reading cards twice. can u ask Sun Li to reset it before doors open\n"
        "\n"
        "Ravi Menon  07:55\n"
        "Sun Li is off today. I can do it myself, before 11 today\n"
        "\n"
        "Marta Kowalczyk  08:10\n"
        "perfect\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    assert got == {
        "also turnstile 12 still reading cards twice. can u ask Sun Li to reset it before "
        "doors open": ("Ravi Menon", MEETING)
    }


def test_a_yes_then_the_same_work_with_its_date_is_one_item(extractor: Extractor) -> None:
    text = (
        "[06/04/2026, 08:00] Ravi Menon: diesel went up again 😩\n"
        "[06/04/2026, 08:02] Ravi Menon: Ola pls update the rate card before we quote next week\n"
        "[06/04/2026, 08:06] Ola Nordmann: Ok. Will share draft by Wednesday\n"
        "[06/04/2026, 08:10] Marta Kowalczyk: 👍\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    assert got == {
        "Ola pls update the rate card before we quote next week": ("Ola Nordmann", date(2026, 4, 8))
    }


def test_an_action_that_says_see_a_point_is_that_points_work(extractor: Extractor) -> None:
    text = (
        "1. Laptops\n"
        "Ravi: 3 of the 4 laptops are imaged. Ravi will finish the last one by Wednesday.\n"
        "2. Complaints\n"
        "Ola is pulling together the complaints for the committee. She'll have the draft to "
        "Marta by Friday.\n"
        "3. Actions\n"
        "- Ravi: laptop imaging (see 1)\n"
        "- Ola: complaints summary for committee (see 2)\n"
        "- Marta: book the induction room, by Thursday\n"
    )
    assert owners_and_dues(extractor, text) == {
        "Ravi: laptop imaging (see 1)": ("Ravi Menon", date(2026, 4, 8)),
        "Ola: complaints summary for committee (see 2)": ("Ola Nordmann", date(2026, 4, 10)),
        "Marta: book the induction room, by Thursday": ("Marta Kowalczyk", date(2026, 4, 9)),
    }


def test_help_desk_speaker_lines(extractor: Extractor) -> None:
    text = (
        "--- Conversation ---\n\n"
        "Marta Kowalczyk (Requester) — Mon, 6 Apr 2026 08:14 AM\n"
        "Three of the five tills froze again on card payments. Please help, it's urgent.\n\n"
        "Ravi Menon (Agent) — private note — 09:34 AM\n"
        "Linked all three incidents. I'll draft the workaround article for the KB by Friday.\n\n"
        "Ola Nordmann — Share with customer — 6/Apr/26 11:30\n"
        "I'll push the updated access list to the tills today.\n"
    )
    assert owners_and_dues(extractor, text) == {
        "I'll draft the workaround article for the KB by Friday.": (
            "Ravi Menon",
            date(2026, 4, 10),
        ),
        "I'll push the updated access list to the tills today.": ("Ola Nordmann", MEETING),
    }


def test_google_chat_speakers_and_no_yes_from_the_asker(extractor: Extractor) -> None:
    chat = (
        "Marta Kowalczyk, 9:02 AM\n"
        "morning all, quick sync on the Easter fete\n\n"
        "Ravi Menon, 9:04 AM\n"
        "I'll call the caterer today to see if they can do 300\n\n"
        "Marta Kowalczyk, 9:21 AM\n"
        "someone should ask the ground about a rain plan\n\n"
        "Marta Kowalczyk, 9:24 AM\n"
        "ok wrapping — Ola wristband draft end of next week pls\n"
    )
    got = first_lines(owners(extractor, chat))
    assert got == {
        "I'll call the caterer today to see if they can do 300": "Ravi Menon",
        # Nobody took it: not the asker's, and her next message is no yes to it.
        "someone should ask the ground about a rain plan": None,
        "ok wrapping — Ola wristband draft end of next week pls": "Ola Nordmann",
    }


def test_im_gonna_in_a_voice_memo_is_the_memo_makers(extractor: Extractor) -> None:
    text = (
        "[Voice memo — Ravi Menon, Mon 4/6, 0:58, auto-transcribed]\n"
        "Okay so, quick one after the lobby walk with Ola. Um, the cushions by the pool bar are "
        "shot. I'm gonna get three quotes on replacement cushions by Wednesday. K, that's it.\n"
    )
    assert owners_and_dues(extractor, text) == {
        "I'm gonna get three quotes on replacement cushions by Wednesday.": (
            "Ravi Menon",
            date(2026, 4, 8),
        )
    }


def test_a_voicemail_is_said_by_whoever_says_who_is_speaking(extractor: Extractor) -> None:
    text = (
        "Voicemail — from +350 200 7xxxx, received 06/04 09:12 (auto-transcript)\n"
        '"Hiya Ola, Ravi here from the shipping agency, about the Nordic Tern. Ola, could you '
        "email me the crew list by 4 pm today? I'll book the launch for the two crew changes, "
        "and I'll send you the revised DA by Monday. Ta-ra.\"\n"
    )
    got = owners(extractor, text)
    assert got.get("I'll book the launch for the two crew changes") == "Ravi Menon"
    assert got.get("I'll send you the revised DA by Monday.") == "Ravi Menon"


def test_i_and_a_colleague_together_before_a_pronoun_clause(extractor: Extractor) -> None:
    text = (
        "Marta Kowalczyk 10:01 AM\n"
        "P1 breaches last week = 7, target is max 2\n\n"
        "Ravi Menon 10:03 AM\n"
        "ok. I and Ola together will prepare a proposal for a second L2 on nights, will share by "
        "Friday\n\n"
        "Marta Kowalczyk 10:04 AM\n"
        "👍\n"
    )
    assert owners(extractor, text) == {
        "I and Ola together will prepare a proposal for a second L2 on nights, will share by "
        "Friday": "Ravi Menon"
    }


def test_work_asked_of_somebody_is_not_the_askers_for_its_purpose(extractor: Extractor) -> None:
    text = (
        "Marta Kowalczyk: the floor locations are full again\n"
        "Ravi Menon: someone please pull a list of all pallets in the aisles so we can clean "
        "them up before the peak.\n"
        "Ola Nordmann: somebody's gotta mow the verge before the open day tho, I ain't got time\n"
        "Marta Kowalczyk: forklift 3 is back in service since Friday\n"
    )
    assert owners(extractor, text) == {
        "someone please pull a list of all pallets in the aisles so we can clean them up before "
        "the peak.": None,
        "somebody's gotta mow the verge before the open day tho, I ain't got time": None,
    }


def test_a_to_do_for_me_is_the_writers(extractor: Extractor) -> None:
    diary = (
        "SITE DIARY — Quay 5\n"
        "Mon 6 Apr 2026   Weather: showers   Diary kept by: Ola Nordmann\n"
        "07:00  Toolbox talk (Ravi). All signed.\n"
        "To do for me: chase the steel supplier on the 6 missing bollard bolts, Wednesday.\n"
    )
    assert owners_and_dues(extractor, diary) == {
        "To do for me: chase the steel supplier on the 6 missing bollard bolts, Wednesday.": (
            "Ola Nordmann",
            date(2026, 4, 8),
        )
    }
    email = (
        "Hi all,\n\nQuick round-up from this morning's call.\n\n"
        "To-do for me: chase the landlord on the extraction fan.\n\nThanks all,\nMarta\n"
    )
    assert owners(extractor, email) == {
        "To-do for me: chase the landlord on the extraction fan.": "Marta Kowalczyk"
    }


def test_an_answer_with_other_work_of_ones_own_takes_nothing(extractor: Extractor) -> None:
    text = (
        "Marta Kowalczyk: the donor asked for an update\n"
        "Marta Kowalczyk: also someone needs to send the donor the photos from the site\n"
        "Ravi Menon: I'll share the fuel receipts with finance by tomorrow\n"
        "Ola Nordmann: the generator at the clinic is fixed\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    assert got == {
        "also someone needs to send the donor the photos from the site": (None, None),
        "I'll share the fuel receipts with finance by tomorrow": ("Ravi Menon", date(2026, 4, 7)),
    }


def test_ones_own_work_and_then_a_request_are_two_items(extractor: Extractor) -> None:
    text = (
        "Marta Kowalczyk: the pallet for the hampers went out yesterday\n"
        "Ravi Menon: I'll email the invoice over by tomorrow, and can you ring me back before "
        "Friday about the January order numbers?\n"
        "Marta Kowalczyk: will do\n"
        "Ola Nordmann: 👍\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    assert got == {
        "I'll email the invoice over by tomorrow": ("Ravi Menon", date(2026, 4, 7)),
        "can you ring me back before Friday about the January order numbers?": (
            "Marta Kowalczyk",
            date(2026, 4, 10),
        ),
    }


def test_a_yes_and_then_more_work_of_ones_own(extractor: Extractor) -> None:
    text = (
        "Marta Kowalczyk: the outage ran 40 minutes\n"
        "Marta Kowalczyk: Ravi can you write that up as a ticket by Thursday\n"
        "Ravi Menon: will do, and I'll do the postmortem draft tomorrow\n"
        "Ola Nordmann: 👍\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    assert got == {
        "Ravi can you write that up as a ticket by Thursday": ("Ravi Menon", date(2026, 4, 9)),
        "I'll do the postmortem draft tomorrow": ("Ravi Menon", date(2026, 4, 7)),
    }


def test_ill_do_that_on_a_day_dates_the_work_before_it(extractor: Extractor) -> None:
    text = (
        "Standup notes\n"
        "- Ravi will call the Krones rep about the spare servo. He'll do that Wednesday.\n"
        "- Ola: I need to book the forklift service. I'll have it done by Friday.\n"
    )
    got = {i.due for i in items(extractor, text)}
    assert got == {date(2026, 4, 8), date(2026, 4, 10)}


def test_ill_take_the_ticket_takes_what_was_asked(extractor: Extractor) -> None:
    text = (
        "Marta Kowalczyk added a comment - 6/Apr/26 9:14 AM\n"
        "3 failures, all in refund-by-card (PAY-3390). Not a blocker IMO but someone should look "
        "at those before we ship.\n\n"
        "Ravi Menon added a comment - 6/Apr/26 9:31 AM\n"
        "I'll take PAY-3390, fix should be small. PR by tomorrow.\n\n"
        "Ola Nordmann added a comment - 6/Apr/26 10:02 AM\n"
        "Go/no-go moved to Thursday 4pm.\n"
    )
    got = first_lines(owners(extractor, text))
    assert got == {
        "Not a blocker IMO but someone should look at those before we ship.": "Ravi Menon"
    }


def test_jira_mentions_address_the_request_after_them(extractor: Extractor) -> None:
    people = (
        Participant("Dmitri Volkov", ("Dmitri", "dvolkov")),
        Participant("Elif Yildiz", ("Elif", "eyildiz")),
        Participant("Sarah Byrne", ("Sarah", "sbyrne")),
    )
    text = (
        "Elif Yildiz added a comment - 6/Apr/26 10:02 AM\n"
        "[~dvolkov] the release notes draft is still missing the FX rounding change. "
        "Can you add it?\n\n"
        "Dmitri Volkov added a comment - 6/Apr/26 10:20 AM\n"
        "Will add it today. Change freeze starts Wednesday 18:00.\n\n"
        "Sarah Byrne added a comment - 6/Apr/26 11:45 AM\n"
        "Regression suite is green.\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    got = {i.source.split("\n")[0]: (i.owner, i.due) for i in extractor.extract(request).items}
    assert got == {"Can you add it?": ("Dmitri Volkov", MEETING)}


def test_first_person_under_a_notes_by_heading_is_the_writers(extractor: Extractor) -> None:
    """`Notes added after the call (Marta):` over a list: its `I` is Marta, not nobody."""
    text = (
        "Invitation: Spring promo check-in\n"
        "Guests: Marta Kowalczyk, Ravi Menon, Ola Nordmann\n\n"
        "Carried over\n"
        "- Ravi: confirm the banner sizes with the agency by Friday\n\n"
        "Notes added after the call (Marta):\n"
        "- Ola will book the photographer by Apr 15.\n"
        "- I'll send the updated store list to the printer by 4/9.\n"
    )
    got = owners(extractor, text)
    assert got["I'll send the updated store list to the printer by 4/9."] == "Marta Kowalczyk"
    assert got["Ola will book the photographer by Apr 15."] == "Ola Nordmann"
    # Two writers' headings, or none: the `I` stays unowned rather than guessed.
    two = text + "\nNotes from Ravi:\n- I'll check the till codes today.\n"
    assert owners(extractor, two)["I'll send the updated store list to the printer by 4/9."] is None


def test_a_please_after_a_line_opened_with_a_name_is_asked_of_them(
    extractor: Extractor,
) -> None:
    """`Laptops: Ravi, you've got them imaged — great. Please have them at the desk by
    Thursday.`: the request is said to Ravi."""
    text = (
        "Summary of where we landed:\n"
        "- Laptops: Ravi, you've got the 3 ThinkPads imaged already — great. Please have them "
        "at the front desk by Thursday.\n"
        "- Accounts: Ola will request them Monday.\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    key = next(k for k in got if "front desk" in k)
    assert got[key] == ("Ravi Menon", date(2026, 4, 9))


def test_an_sms_thread_with_role_then_time_and_you_asked_of_the_other(
    extractor: Extractor,
) -> None:
    """`Ravi (Dispatch) 07:40: …` speaks a turn (the role before the time); `can u order`
    with nobody named is asked of the one being answered, whose `will order today` takes it."""
    text = (
        "SMS — Mon 6 Apr\n"
        "Ravi (Dispatch) 07:05: Morning Ola. Boiler at the school has no heat, first job today\n"
        "Ola 07:07: Yes on my way\n"
        "Ravi (Dispatch) 07:43: ok I'll call the dental clinic and rebook them for Wed\n"
        "Ola 09:20: School fixed, ignition lead gone. Need 2 spare leads on the van, can u order\n"
        "Ravi (Dispatch) 09:22: will order today, should be at depot tmrw\n"
        "Ola 09:23: I'll collect them tmrw am\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    leads = next(k for k in got if "spare leads" in k)
    assert got[leads] == ("Ravi Menon", MEETING)
    assert not any(k.startswith("will order today") for k in got)
    assert got["I'll collect them tmrw am"] == ("Ola Nordmann", date(2026, 4, 7))


def test_a_radio_log_speaks_by_call_sign_and_a_bare_yes_is_no_item(
    extractor: Extractor,
) -> None:
    """`07:40  UNIT 7      I'll swap the washer…`: the call sign (a participant's alias)
    speaks the line; `DISPATCH    Northgate: …` is Dispatch relaying; a `Will do.` that
    answers nothing the extractor read as asked is no item of its own."""
    people = (
        Participant("Darnell Okafor", ("Dispatch", "DISPATCH")),
        Participant("Priya Raman", ("Unit 4", "UNIT 4")),
        Participant("Tomasz Wilk", ("Unit 7", "UNIT 7")),
        Participant("Gail Henshaw", ("Supervisor", "SUPERVISOR")),
    )
    text = (
        "FACILITIES RADIO LOG — Ch 2 — Mon 6 Apr\n"
        "06:58  DISPATCH    Radio check all units.\n"
        "07:40  UNIT 7      Level 2 gents, tap running, washer gone. I'll swap the washer today "
        "after the boiler round.\n"
        "09:03  SUPERVISOR  Somebody needs to pull the fault history on that barrier.\n"
        "09:05  DISPATCH    I'll pull it from the BMS and email you by end of day.\n"
        "12:40  DISPATCH    Northgate: gearbox failed, part on order.\n"
        "12:44  SUPERVISOR  Fine. Unit 4 brief the goods-in team on the reroute.\n"
        "12:45  UNIT 4      Will do.\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    got = {i.source.split("\n")[0]: i.owner for i in extractor.extract(request).items}
    assert got["I'll swap the washer today after the boiler round."] == "Tomasz Wilk"
    assert got["Somebody needs to pull the fault history on that barrier."] == "Darnell Okafor"
    assert "Will do." not in got


def test_an_offer_takes_a_request_for_anyone_and_a_reminder_is_asked(
    extractor: Extractor,
) -> None:
    """`can someone sort a van for the auction lots` / `anyone?` / `I can take the Transit,
    will pick up the auction items today at 4`: the offer takes it; `Ravi don't forget the
    float` is asked of Ravi."""
    text = (
        "[06/04/2026, 08:20] Ola Nordmann: auction items still at my flat, need a van\n"
        "[06/04/2026, 08:21] Marta Kowalczyk: can someone sort a van for the auction lots\n"
        "[06/04/2026, 08:33] Marta Kowalczyk: anyone?\n"
        "[06/04/2026, 08:41] Ravi Menon: sorry was driving. I can take the Transit, will pick "
        "up the auction items today at 4\n"
        "[06/04/2026, 08:42] Ola Nordmann: perfect ta\n"
        "[06/04/2026, 10:02] Ola Nordmann: Ravi don't forget the float for the raffle, £150 in "
        "coins\n"
        "[06/04/2026, 10:03] Ravi Menon: 👍\n"
    )
    got = first_lines(owners_and_dues(extractor, text))
    assert got["can someone sort a van for the auction lots"] == ("Ravi Menon", MEETING)
    assert got["Ravi don't forget the float for the raffle, £150 in coins"][0] == "Ravi Menon"
    assert not any(k.startswith(("sorry", "I can take")) for k in got)


def test_dated_bullets_under_a_name_line_in_a_standup_are_that_persons(
    extractor: Extractor,
) -> None:
    """`Ravi` over `- store screenshots next Tuesday`: his work with its day, no verb needed;
    not what is blocked, already set (`go/no-go stays Friday`) or a field (`Sent: …`)."""
    text = (
        "Standup – Mon 6 Apr – mobile 4.12\n"
        "Ravi\n"
        "- blocked on the signing cert, IT ticket open since Friday\n"
        "- store screenshots next Tuesday\n"
        "Ola\n"
        "- QA pass on 4.12 RC1 within 3 working days\n"
        "- go/no-go stays Friday 10:00, same as last train\n"
    )
    got = owners_and_dues(extractor, text)
    assert got == {
        "store screenshots next Tuesday": ("Ravi Menon", date(2026, 4, 14)),
        "QA pass on 4.12 RC1 within 3 working days": ("Ola Nordmann", date(2026, 4, 9)),
    }


def test_a_recap_heading_with_a_comment_after_its_word_restates_the_discussion(
    extractor: Extractor,
) -> None:
    """`Follow-ups, as agreed on the call:` opens the recap, so the discussion's `Ravi will
    send a reminder …` and the recap's `Ravi: …` are one item, the recap's."""
    text = (
        "Rooms. The block releases unsold rooms on 29 April. Ravi will send a reminder to "
        "partners who haven't booked a room by Wednesday.\n\n"
        "Follow-ups, as agreed on the call:\n"
        "- Ravi: room-block reminder to partners, by Wednesday\n"
    )
    got = owners_and_dues(extractor, text)
    assert got == {
        "Ravi: room-block reminder to partners, by Wednesday": ("Ravi Menon", date(2026, 4, 8))
    }
    assert section_kind("Follow-ups, as agreed on the call:") == "actions"
    assert section_kind("Tasks, budget and timeline") is None


def test_who_is_away_and_what_would_be_nice_are_no_work(extractor: Extractor) -> None:
    """`Ravi on leave 31 Aug - 4 Sep; Marta chairs.` and `Nice to have: a video from the CEO`
    say who is away and what someone wishes; `Ravi is off to the depot to swap the reader`
    still holds work, and a thing that is out (`welcome pack out by 4/17`) is no one away."""
    text = (
        "Ops weekly\n"
        "4. Knowledge base articles are out of date.\n"
        "Next steps (Marta):\n"
        "- rewrite the 6 prepaid top-up articles\n"
        "5. Ravi on leave 31 Aug - 4 Sep; Marta chairs.\n"
        "\n"
        "Ola\n"
        "- accounts + SSO for all three by 3/11\n"
        "\n"
        "Nice to have: a short video from the CEO. Would be nice if we could get it.\n"
    )
    assert owners(extractor, text) == {
        "rewrite the 6 prepaid top-up articles": "Marta Kowalczyk",
        "accounts + SSO for all three by 3/11": "Ola Nordmann",
    }
    kept = (
        "Ops weekly\n"
        "Next steps (Marta):\n"
        "- welcome pack out by 4/17\n"
        "\n"
        "Ravi is off to the depot to swap the badge reader by Friday.\n"
    )
    assert owners(extractor, kept) == {
        "welcome pack out by 4/17": "Marta Kowalczyk",
        "Ravi is off to the depot to swap the badge reader by Friday.": "Ravi Menon",
    }


def test_whoever_takes_over_gives_the_day(extractor: Extractor) -> None:
    """`Marta, could you re-run the perf suite today?` / Ravi: `Marta is out today, I can do
    it tomorrow`: Ravi's, tomorrow; the day of the speaker's own clause, not of the absence.
    The one asked, answering with a day, keeps the ask's own day when it has one."""
    text = (
        "[09:32] Ola: Marta, could you re-run the perf suite against RC2 today?\n"
        "[09:33] Ravi: Marta is out today, I can do it tomorrow\n"
        "[09:34] Ola: ok tomorrow works\n"
        "[09:40] Ola: Ravi, could you also redeploy the webhook worker?\n"
        "[09:41] Ravi: the client call is Friday, I'll redeploy it Wednesday\n"
    )
    found = owners_and_dues(extractor, text)
    perf = [v for k, v in found.items() if k.startswith("Marta, could you re-run")]
    assert perf == [("Ravi Menon", date(2026, 4, 7))], found
    webhook = [v for k, v in found.items() if k.startswith("Ravi, could you also redeploy")]
    assert webhook == [("Ravi Menon", date(2026, 4, 8))], found


def test_a_we_inside_work_left_for_anyone_is_not_the_speakers(extractor: Extractor) -> None:
    """`someone needs to tell the school we can't do the talk`: the we is what to tell them;
    nobody has the work yet."""
    text = (
        "[18:37] Ola: great, the collection is confirmed for Saturday\n"
        "[18:40] Ola: and someone needs to tell the school we can't do the assembly talk\n"
        "[18:44] Ravi: the van is booked\n"
    )
    found = owners(extractor, text)
    said = [k for k in found if k.startswith("and someone needs to tell the school")]
    assert said and found[said[0]] is None, found


def test_a_present_tense_recap_line_of_two_people_is_two_items(extractor: Extractor) -> None:
    """`Ravi sends the logos today; Marta gets artwork to the printer by the 15th`: each name
    and its verb in -s is one person's work; `Ola books the van; it arrives Friday` is not cut."""
    text = (
        "Recap for the minutes:\n"
        "- Ravi sends the sponsor logos today; Marta gets artwork to the printer by the 15th.\n"
        "- Ola books the van; it arrives Friday.\n"
    )
    found = owners_and_dues(extractor, text)
    assert found["Ravi sends the sponsor logos today"] == ("Ravi Menon", MEETING), found
    assert found["Marta gets artwork to the printer by the 15th."] == (
        "Marta Kowalczyk",
        date(2026, 4, 15),
    ), found
    assert not any(k.startswith("it arrives") for k in found), found


MEMO = (
    "voice memo 6 april after the depot walk\n\n"
    "right so the depot walk went ok the roller door on bay two is sticking again and the "
    "mechanic says the spring is worn um ravi is going to get a quote for a new spring he said "
    "by friday the pallet wrapper is fine now they fixed it last week and marta needs to book the "
    "forklift refresher for the two new starters and she should also order the hi-vis vests "
    "what else oh and somebody has to clear the old racking out of the yard no owner for that "
    "yet we decided to keep the night shift on four people and I'll send the rota to everyone "
    "tomorrow that's it\n"
)


def test_an_unpunctuated_voice_memo_is_cut_where_someone_takes_work_on(
    extractor: Extractor,
) -> None:
    """Speech turned into text with no full stops: each commitment is its own sentence (a
    named one with no day included), `he said by friday` stays with the work before it."""
    found = owners_and_dues(extractor, MEMO)
    starts = {source.split()[0] + " " + source.split()[1]: v for source, v in found.items()}
    assert starts.get("ravi is") == ("Ravi Menon", date(2026, 4, 10)), found
    assert starts.get("marta needs", ("",))[0] == "Marta Kowalczyk", found
    assert starts.get("somebody has") == (None, None), found
    assert any(k.startswith("I'll send the rota") for k in found), found
    assert not any("decided" in k for k in found), found


def test_a_punctuated_paragraph_is_not_cut_like_a_memo() -> None:
    """The same words with their full stops: the sentences are the writer's own."""
    punctuated = MEMO.replace(" um ravi", ". Ravi").replace(" and marta", ". Marta")
    punctuated = punctuated.replace(" what else oh", ". Oh").replace(" yet we", " yet. We")
    punctuated = punctuated.replace(" and I'll", ". I'll").replace(" that's it", ".")
    sentences, _ = segment(punctuated, lang="en", speakers=("Ravi", "Marta"))
    assert any(s.text.startswith("Marta needs to book") and "hi-vis" in s.text for s in sentences)


def test_cutting_a_voice_memo_is_linear() -> None:
    def memo(n: int) -> str:
        return "so thursday and he should ravi will um " * (n // 40) + "\n"

    def cut(text: str) -> tuple[list[Sentence], bool]:
        return segment(text, lang="en", speakers=("Ravi",))

    assert len(cut(memo(400))[0]) > 10  # the memo is cut: the slow path is the one timed
    short = linear.seconds(cut, memo(10_000), repeat=5)
    assert linear.seconds(cut, memo(40_000), repeat=5) / max(short, 1e-7) < 8.0


def test_an_actions_list_ends_at_the_sign_off_and_the_quoted_mail_below(
    extractor: Extractor,
) -> None:
    """`Thanks,` / `Marta` after the list, then the message replied to (`> Hi Marta,` …
    `> Best, Ravi`): neither the greeting nor the sign-off is an action."""
    text = (
        "Subject: RE: van hire\n\n"
        "All,\n\n"
        "Actions\n"
        "- Ravi: send the two hire quotes by Friday\n"
        "- Ola to book the loading bay\n\n"
        "Thanks,\n"
        "Marta\n\n"
        "> From: Ravi Menon\n"
        "> Hi Marta,\n"
        "> Sorry for the delay. The depot closes early this week.\n"
        "> Best, Ravi\n"
    )
    found = owners(extractor, text)
    assert set(found) == {
        "Ravi: send the two hire quotes by Friday",
        "Ola to book the loading bay",
    }, found


def test_work_on_the_line_under_thanks_is_still_work(extractor: Extractor) -> None:
    """Only a name alone signs: `Ravi to send the deck by Friday` under `Thanks all.` is an
    item."""
    text = "Quick one after the call.\n\nThanks all.\nRavi to send the deck by Friday\n"
    assert owners(extractor, text) == {"Ravi to send the deck by Friday": "Ravi Menon"}


def test_a_named_person_to_do_something_is_an_item_with_no_day(extractor: Extractor) -> None:
    """`Ola to raise it at the next board meeting`: the minutes' `<name> to <verb>`, even when
    its object is an `it` and no day is said."""
    text = (
        "Would be nice to have a small lunch budget for the buddies. Ola to raise it at the "
        "next board meeting.\n"
    )
    found = owners_and_dues(extractor, text)
    said = [k for k in found if k.startswith("Ola to raise it")]
    assert said and found[said[0]] == ("Ola Nordmann", None), found


def test_work_put_on_a_person_in_the_passive_is_theirs(extractor: Extractor) -> None:
    """`PR to be raised by Ravi before he leaves`: an assignment with no day; `was raised by`
    reports what happened."""
    text = (
        "Handover notes for day shift:\n"
        "- palletiser hose HY-0832, PR to be raised by Ravi before he leaves\n"
        "- the conveyor fault was raised by Ola at 02:00, reset\n"
    )
    found = owners(extractor, text)
    assert found == {
        "palletiser hose HY-0832, PR to be raised by Ravi before he leaves": "Ravi Menon"
    }


def test_a_reminder_of_when_it_is_due_dates_the_work_before_it(extractor: Extractor) -> None:
    """`Meg reminded him it's due before the artwork freeze on 4/14.` says when the work in
    the sentence before is due; it is no work of Meg's."""
    text = (
        "Packaging catch-up\n"
        "- Ravi needs to send the revised dieline to BoxCo. Marta reminded him it's due before "
        "the artwork freeze on 4/14.\n"
        "- Ola: negotiate the MOQ down to 5k.\n"
    )
    assert owners_and_dues(extractor, text) == {
        "Ravi needs to send the revised dieline to BoxCo.": ("Ravi Menon", date(2026, 4, 14)),
        "Ola: negotiate the MOQ down to 5k.": ("Ola Nordmann", None),
    }


def test_owner_tbd_alone_after_the_work_is_no_item(extractor: Extractor) -> None:
    """`Someone has to tell customer service about the returns exception. Owner TBD.`: the
    second sentence says the first has no owner; it is no work of its own."""
    text = (
        "Promo sync\n"
        "Someone has to tell customer service about the returns exception. Owner TBD.\n"
        "Ravi will send the bundle prices by Friday.\n"
    )
    found = owners(extractor, text)
    assert "Owner TBD." not in found, found
    assert found.get("Ravi will send the bundle prices by Friday.") == "Ravi Menon", found
