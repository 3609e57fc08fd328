from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.nlp.dates import find_due, weekday_next_week, weekday_on_or_after

MONDAY = date(2025, 3, 3)
FRIDAY = date(2025, 3, 7)
YEAR_END = date(2025, 12, 29)  # a Monday; the week runs into 2026


def due(text: str, meeting: date, lang: str = "en") -> date | None:
    found = find_due(text, meeting_date=meeting, lang=lang)
    return found.date if found else None


@pytest.mark.parametrize(
    ("text", "meeting", "expected"),
    [
        ("by Friday", MONDAY, date(2025, 3, 7)),
        ("by Monday", MONDAY, MONDAY),  # the meeting day itself when it is that weekday
        ("before Monday", FRIDAY, date(2025, 3, 10)),
        ("next Tuesday", MONDAY, date(2025, 3, 11)),
        ("next Tuesday", FRIDAY, date(2025, 3, 11)),
        ("Friday next week", MONDAY, date(2025, 3, 14)),
        ("EOW", MONDAY, FRIDAY),
        ("EOW", FRIDAY, FRIDAY),
        ("this week", date(2025, 3, 5), FRIDAY),
        ("by the end of next week", MONDAY, date(2025, 3, 14)),
        ("end of month", date(2025, 2, 26), date(2025, 2, 28)),
        ("EOM", date(2024, 2, 5), date(2024, 2, 29)),
        ("by the end of March", date(2025, 3, 14), date(2025, 3, 31)),
        ("end of March", date(2025, 11, 3), date(2026, 3, 31)),
        ("in two weeks", date(2025, 12, 22), date(2026, 1, 5)),
        ("in 10 days", date(2025, 2, 23), date(2025, 3, 5)),
        ("today", MONDAY, MONDAY),
        ("EOD", MONDAY, MONDAY),
        ("tomorrow", date(2025, 12, 31), date(2026, 1, 1)),
        ("due 3/12", MONDAY, date(2025, 3, 12)),
        ("3/24", date(2025, 4, 1), date(2026, 3, 24)),
        ("Dec 3", date(2025, 12, 4), date(2026, 12, 3)),
        ("by Jan 2", YEAR_END, date(2026, 1, 2)),
        ("by the 15th", date(2025, 1, 20), date(2025, 2, 15)),
        ("by the 31st", date(2025, 2, 3), date(2025, 3, 31)),
        ("due 2026-02-01", MONDAY, date(2026, 2, 1)),
        ("next Monday", YEAR_END, date(2026, 1, 5)),
        ("by Wednesday", YEAR_END, date(2025, 12, 31)),
    ],
)
def test_english_dates(text: str, meeting: date, expected: date) -> None:
    assert due(text, meeting) == expected


@pytest.mark.parametrize(
    ("text", "meeting", "expected"),
    [
        ("下周三前完成", MONDAY, date(2025, 3, 12)),
        ("本周五提交", MONDAY, FRIDAY),
        ("周五前", date(2025, 3, 8), date(2025, 3, 14)),
        ("月底前", date(2025, 2, 10), date(2025, 2, 28)),
        ("两周内", YEAR_END, date(2026, 1, 12)),
        ("十天内", date(2026, 2, 23), date(2026, 3, 5)),
        ("明天", date(2025, 12, 31), date(2026, 1, 1)),
        ("今天下班前", MONDAY, MONDAY),
        ("截止4月18日", MONDAY, date(2025, 4, 18)),
        ("1月6日前", date(2025, 12, 18), date(2026, 1, 6)),
        ("27号前", date(2025, 5, 20), date(2025, 5, 27)),
        ("本周内", date(2025, 1, 27), date(2025, 1, 31)),
        ("下周一前", date(2025, 1, 27), date(2025, 2, 3)),
        ("1/9前", date(2026, 1, 5), date(2026, 1, 9)),
    ],
)
def test_chinese_dates(text: str, meeting: date, expected: date) -> None:
    assert due(text, meeting, "zh") == expected


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("in Q3", "en", "Q3"),
        ("sometime next week", "en", "next week"),
        ("ASAP", "en", "ASAP"),
        ("下周整理名单", "zh", "下周"),
        ("节后报价", "zh", "节后"),
        ("下月初上线", "zh", "下月初"),
        ("for the week of Jan 27", "en", "week of Jan 27"),
    ],
)
def test_spans_that_name_no_day_keep_their_words(text: str, lang: str, words: str) -> None:
    found = find_due(text, meeting_date=MONDAY, lang=lang)
    assert found is not None
    assert found.date is None
    assert words in found.text


def test_event_dates_are_not_deadlines() -> None:
    found = find_due("run the pilot cohort starting April 7", meeting_date=MONDAY, lang="en")
    assert found is not None and found.date is None and found.event
    zh = find_due("宋佳将于5月12日开始带试点班", meeting_date=MONDAY, lang="zh")
    assert zh is not None and zh.date is None


def test_marked_deadline_beats_other_dates() -> None:
    found = find_due("close Q4 tickets, due end of month", meeting_date=MONDAY, lang="en")
    assert found is not None and found.date == date(2025, 3, 31)
    assert found.text == "due end of month"


def test_the_due_words_are_a_span_of_the_text() -> None:
    text = "Bob to fix the generator by Wednesday"
    found = find_due(text, meeting_date=MONDAY, lang="en")
    assert found is not None
    assert text[found.start : found.end] == found.text == "by Wednesday"


def test_numbers_that_are_not_dates_are_ignored() -> None:
    for text in (
        "Release 6.3 is out",
        "WO-1182 replace the curtain",
        "support runs 24/7",
        "20 or 25%",
    ):
        found = find_due(text, meeting_date=MONDAY, lang="en")
        assert found is None or found.date is None, text


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 6))
def test_weekday_rules(meeting: date, weekday: int) -> None:
    plain = weekday_on_or_after(meeting, weekday)
    assert plain.weekday() == weekday and 0 <= (plain - meeting).days <= 6
    following = weekday_next_week(meeting, weekday)
    monday_after = meeting - timedelta(days=meeting.weekday()) + timedelta(days=7)
    assert following.weekday() == weekday
    assert monday_after <= following < monday_after + timedelta(days=7)
