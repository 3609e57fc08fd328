"""Shapes of exported and spoken notes (batches 14-15 of #12, now development data): transcript
speaker lines, export bullets and boxes, ticket lines, `'s going to`, reports of past days,
lines that say nobody owns the work, and Chinese who-when-what. Every example is written for
this file."""

from __future__ import annotations

from datetime import date

from services.nlp.dates import find_due
from services.nlp.notes import Extractor, NotesRequest
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
