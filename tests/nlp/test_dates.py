from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.workcal import WorkingCalendar
from services.nlp import dates
from services.nlp.dates import find_due, weekday_next_week, weekday_on_or_after
from tests.security import linear

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
        # A board's card and a spreadsheet's cell (batch 27).
        ("截止 01-29", date(2027, 1, 18), date(2027, 1, 29)),
        ("DDL：1-22", date(2027, 1, 18), date(2027, 1, 22)),
        ("2026/10/16", date(2026, 10, 12), date(2026, 10, 16)),
        # Cantonese (a Hong Kong team's notes, read in simplified characters).
        ("今个礼拜内计好", date(2026, 12, 7), date(2026, 12, 11)),
        ("月尾前出个方案", date(2026, 12, 7), date(2026, 12, 31)),
        ("听日交俾我", date(2026, 12, 7), date(2026, 12, 8)),
        # A day of this month or the next, named with its month word (batches 09-30).
        ("本月15号前把走访表交上来", date(2026, 4, 8), date(2026, 4, 15)),
        ("这个月 20 号前要定下来", date(2025, 12, 3), date(2025, 12, 20)),
        ("本月20日前报分公司审定", date(2026, 12, 2), date(2026, 12, 20)),
        ("下月5号前交", date(2026, 12, 2), date(2027, 1, 5)),
        ("下个月3号前回复", date(2026, 5, 20), date(2026, 6, 3)),
        ("大后天给结果", date(2026, 12, 2), date(2026, 12, 5)),
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
    # The day itself still reads as one: `12号晚上8点开播`.
    assert due("12号晚上8点开播", MONDAY, "zh") == date(2025, 3, 12)
    # Month-day with a dash is a date only after the deadline's word: a range or a code
    # otherwise.
    for text in ("10-20 人参加", "型号 3-15 的阀门", "截止 10-20-30 号段", "39.9/12支"):
        found = find_due(text, meeting_date=MONDAY, lang="zh")
        assert found is None or found.date is None, text


def test_a_range_of_days_is_a_period_not_a_deadline() -> None:
    for text, lang in (
        ("book the induction room for 15–16 Sep", "en"),
        ("Rohit to book the perf env for the 12th–13th", "en"),
        ("someone pls book the training room for mon-tue", "en"),
        ("shadow on the Dec 19–20 weekend", "en"),
        ("仓库春节值班表（2月6日-2月14日）", "zh"),
    ):
        found = find_due(text, meeting_date=MONDAY, lang=lang)
        assert found is None or found.date is None, text
    # A deadline beside the period still counts; a spaced hyphen separates fields, not days.
    found = find_due(
        "Grace to book the room for 22–23 April (EOW).", meeting_date=MONDAY, lang="en"
    )
    assert found is not None and found.date == date(2025, 3, 7)
    found = find_due("SA - swap screenshots to 3.0 - Thu 3/6", meeting_date=MONDAY, lang="en")
    assert found is not None and found.date == date(2025, 3, 6)


def test_before_an_hour_at_the_end_is_today() -> None:
    for text in (
        "can you send the logger data to QA before 10?",
        "I'll review the data before 12.",
    ):
        found = find_due(text, meeting_date=MONDAY, lang="en")
        assert found is not None and found.date == MONDAY, text
    # A count, not an hour; a day named beside the hour wins.
    assert (
        find_due("cut the backlog before 10 orders pile up", meeting_date=MONDAY, lang="en") is None
    )
    found = find_due("I'll send it Tuesday before 10", meeting_date=MONDAY, lang="en")
    assert found is not None and found.date == date(2025, 3, 4)
    # In Chinese, a space between the hour and 点 (`10 点前`) is the same hour.
    for text in ("staging 我来重启，10 点前搞定", "我 10点前发群里"):
        found = find_due(text, meeting_date=MONDAY, lang="zh")
        assert found is not None and found.date == MONDAY, text


def test_a_numbered_place_is_no_day() -> None:
    for text in (
        "葛明反馈2号冷库压缩机有异响",
        "那鲜奶我先挪到2号冷柜",
        "3号发酵罐温度曲线你看下",
        "3号注塑机昨晚又报液压油温高，谁能先过去看一下？",
        "2号竖井排水沟清淤",
        "3号进站口闸机故障已经报修",
        "对2号棚温控设备进行检修",
    ):
        found = find_due(text, meeting_date=MONDAY, lang="zh")
        assert found is None or found.date is None, text


def test_in_chinese_the_day_the_result_is_handed_over_is_the_deadline() -> None:
    # Two days and nothing marking either: the one the result is sent, given or finished on.
    tomorrow = MONDAY + timedelta(days=1)
    for text, expected in (
        ("我今晚把分渠道的付费转化拉出来，明早发群里", tomorrow),
        ("今晚把贵的SKU跟品牌方再谈一轮，明早10点前给价", tomorrow),
        ("今天城西片区滞留件还有三百多票，明天上午必须清掉", tomorrow),
        ("客人明早 6:30 要出租车去机场，车还没订，今天订好", MONDAY),
        # Not what someone else said they would do, nor what happens after it.
        ("供应商说周四发，我今天下午再催一下", MONDAY),
        ("脚本我今晚出完三条，明天早上大家看", MONDAY),
        ("你明天上午把退货清点一下，我后天要跟供应商对账", tomorrow),
        ("今天做消息推送，预计明天提测", tomorrow),  # handed to testing tomorrow
    ):
        found = find_due(text, meeting_date=MONDAY, lang="zh")
        assert found is not None and found.date == expected, text


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 6))
def test_weekday_rules(meeting: date, weekday: int) -> None:
    plain = weekday_on_or_after(meeting, weekday)
    assert plain.weekday() == weekday and 0 <= (plain - meeting).days <= 6
    following = weekday_next_week(meeting, weekday)
    monday_after = meeting - timedelta(days=meeting.weekday()) + timedelta(days=7)
    assert following.weekday() == weekday
    assert monday_after <= following < monday_after + timedelta(days=7)


# China's National Day break of 2025: Wed 1 to Wed 8 October off, Sat 11 October a 调休
# make-up working day (and Sun 28 September, before the meeting).
HOLIDAY_MEETING = date(2025, 9, 29)  # a Monday; that week's Friday is a holiday
CHINA = WorkingCalendar(holiday_country="CN")


def due_with(text: str, lang: str, calendar: WorkingCalendar | None = CHINA) -> tuple[object, str]:
    found = find_due(text, meeting_date=HOLIDAY_MEETING, lang=lang, calendar=calendar)
    return (found.date, found.text) if found else (None, "")


@pytest.mark.parametrize(
    ("text", "lang", "expected", "words"),
    [
        ("I'll fix it this morning", "en", HOLIDAY_MEETING, "this morning"),
        ("send the deck this afternoon", "en", HOLIDAY_MEETING, "this afternoon"),
        ("i'll fix the code in 10 min", "en", HOLIDAY_MEETING, "in 10 min"),
        ("should be live in two hours", "en", HOLIDAY_MEETING, "in two hours"),
        ("I'll reply within the hour", "en", HOLIDAY_MEETING, "within the hour"),
        ("I'll pull it from the form by 5pm", "en", HOLIDAY_MEETING, "by 5pm"),
        ("get the call sheet out before 21:00", "en", HOLIDAY_MEETING, "before 21:00"),
        ("draft a backup SMS, by 12:00", "en", HOLIDAY_MEETING, "by 12:00"),
        ("by 16:00 Friday", "en", date(2025, 10, 3), "Friday"),
        ("first thing tomorrow", "en", date(2025, 9, 30), "first thing tomorrow"),
        ("update the banner by tmrw", "en", date(2025, 9, 30), "by tmrw"),
        # the week's Friday is a holiday: its last working day is Tuesday
        ("EOW", "en", date(2025, 9, 30), "EOW"),
        ("by the weekend", "en", date(2025, 9, 30), "by the weekend"),
        # the holiday is skipped, the make-up Saturday counts
        ("in 5 working days", "en", date(2025, 10, 13), "in 5 working days"),
        ("end of Q1", "en", date(2026, 3, 31), "end of Q1"),
        ("by end of quarter", "en", date(2025, 9, 30), "by end of quarter"),
        ("in the week of 2 March", "en", None, "the week of 2 March"),
        ("post the rota every Friday", "en", None, "every Friday"),
        ("入职当天午餐预订", "zh", None, "当天"),  # the day of joining, not of the meeting
        ("618 当天的值班表谁来排", "zh", None, "当天"),  # the day of the sale, not of the meeting
        ("今天内回复客户", "zh", HOLIDAY_MEETING, "今天内"),
        ("我来清日志，半小时内处理", "zh", HOLIDAY_MEETING, "半小时内"),
        ("两小时内给答复", "zh", HOLIDAY_MEETING, "两小时内"),
        ("10分钟内重启服务", "zh", HOLIDAY_MEETING, "10分钟内"),
        ("周五下班前交报告", "zh", date(2025, 10, 3), "周五下班前"),
        ("本月内完成盘点", "zh", date(2025, 9, 30), "本月内"),
        ("周末前发出来", "zh", date(2025, 9, 30), "周末前"),
        ("本周内确认方案", "zh", date(2025, 9, 30), "本周内"),
        ("下周初再碰", "zh", None, "下周初"),
        ("侯亮 三个工作日内起草合同", "zh", date(2025, 10, 10), "三个工作日内"),
        ("节前把报价发出来", "zh", date(2025, 9, 30), "节前"),
        ("节后给比价", "zh", date(2025, 10, 9), "节后"),
        ("春节前备货", "zh", None, "春节前"),  # a named holiday the rules give no day
        ("1.9前核销完", "zh", date(2026, 1, 9), "1.9前"),
        ("元旦前上线", "zh", date(2026, 1, 1), "元旦前"),
        ("明天上午发模板", "zh", date(2025, 9, 30), "明天上午"),
        ("安全交底材料", "zh", None, ""),  # 交底 is a briefing; only 月底 is a date
        ("每周五发进度照片", "zh", None, "每周五"),
    ],
)
def test_due_phrases_of_real_notes(text: str, lang: str, expected: date | None, words: str) -> None:
    assert due_with(text, lang) == (expected, words)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # A named day stays the day that was said, holiday or not.
        ("Chris: send it by 5pm Friday", "en", date(2025, 10, 3)),
        ("tonight", "en", HOLIDAY_MEETING),
        ("EOD", "en", HOLIDAY_MEETING),
        ("COB", "en", HOLIDAY_MEETING),
        ("EOM", "en", date(2025, 9, 30)),
        ("end of month", "en", date(2025, 9, 30)),
        ("the 15th", "en", date(2025, 10, 15)),
        ("@zoe chase the two pending checks, Dec 1", "en", date(2025, 12, 1)),
        ("1 Dec", "en", date(2025, 12, 1)),
        ("12/1", "en", date(2025, 12, 1)),  # month/day, as LABELLING.md says
        ("当天处理完", "zh", HOLIDAY_MEETING),
        ("今晚发出来", "zh", HOLIDAY_MEETING),
        ("下班前", "zh", HOLIDAY_MEETING),
        ("月底前", "zh", date(2025, 9, 30)),
        ("年底前", "zh", date(2025, 12, 31)),
        ("1月9日前", "zh", date(2026, 1, 9)),
        ("明早", "zh", date(2025, 9, 30)),
        ("后天", "zh", date(2025, 10, 1)),
        # No single day, by LABELLING.md: the words stay, the date does not.
        ("early next week", "en", None),
        ("mid-March", "en", None),
        ("ASAP", "en", None),
        ("月初", "zh", None),
        ("月中", "zh", None),
        ("下月初", "zh", None),
        ("下周内", "zh", None),  # 下周 without a weekday (five blind writers of five)
    ],
)
def test_a_calendar_moves_only_working_week_and_holiday_phrases(
    text: str, lang: str, expected: date | None
) -> None:
    assert due_with(text, lang)[0] == expected
    assert due_with(text, lang, calendar=None)[0] == expected


def test_holidays_need_a_calendar_that_knows_them() -> None:
    assert due_with("节前把报价发出来", "zh", calendar=None) == (None, "节前")
    assert due_with("节后给比价", "zh", calendar=WorkingCalendar()) == (None, "节后")
    assert due_with("in 5 working days", "en", calendar=None)[0] == date(2025, 10, 6)


def test_a_projects_own_days_off_are_a_holiday() -> None:
    closed = WorkingCalendar(
        days_off=frozenset({date(2025, 3, 6), date(2025, 3, 7)}),
        extra_working_days=frozenset({date(2025, 3, 8)}),
    )
    before = find_due("节前交", meeting_date=MONDAY, lang="zh", calendar=closed)
    after = find_due("节后交", meeting_date=MONDAY, lang="zh", calendar=closed)
    assert before is not None and before.date == date(2025, 3, 5)
    assert after is not None and after.date == date(2025, 3, 8)  # the make-up Saturday


DATE_PATTERNS = [
    *dates.PATTERNS,
    *(value for value in vars(dates).values() if isinstance(value, re.Pattern)),
]


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(DATE_PATTERNS)))
def test_date_patterns_run_in_linear_time(index: int) -> None:
    pattern = DATE_PATTERNS[index]
    found = linear.Found(pattern.pattern, pattern.flags & ~re.UNICODE, f"dates pattern {index}")
    growth = linear.checked(found, limit=8.0)
    assert growth.ratio < 8.0, growth


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我过去看，9点前到", MONDAY),
        ("晚上十点之前发我", MONDAY),
        ("21:30 前发群里", MONDAY),
        ("周五 9点前到", FRIDAY),  # the day named wins over the time of day
        ("每天 21:30 前推到群里", None),  # a routine, not a deadline
    ],
)
def test_chinese_time_of_day_before_is_the_meeting_day(text: str, expected: date | None) -> None:
    assert due(text, MONDAY, "zh") == expected


def test_chinese_days_counted_from_an_event_are_no_date() -> None:
    assert due("我和设备组一起弄，到货两天内装完", MONDAY, "zh") is None
    assert due("上线后三天内出复盘", MONDAY, "zh") is None
    assert due("两天内装完", MONDAY, "zh") == date(2025, 3, 5)


def test_a_day_just_gone_is_not_the_deadline_beside_a_coming_one() -> None:
    """Said on Wednesday 3 December 2025: `Nov 30` without a year is three days ago (what
    expired), `Monday` is the work's day."""
    text = "Credit for the bakery expired Nov 30 — DS will call them about renewing on Monday"
    found = find_due(text, meeting_date=date(2025, 12, 3), lang="en")
    assert found is not None and found.date == date(2025, 12, 8)


def test_a_weekday_with_a_day_of_the_month_is_that_day() -> None:
    """Said on Wednesday 14 October 2026: `Sunday 25th` is the 25th, not the coming Sunday."""
    text = "Mele – chase outstanding family envelopes, by Sunday 25th"
    found = find_due(text, meeting_date=date(2026, 10, 14), lang="en")
    assert found is not None and found.date == date(2026, 10, 25)
    assert found.text == "by Sunday 25th"


def test_the_day_of_something_named_yields_to_another_day_in_the_sentence() -> None:
    """`tomorrow's slots` names the slots; `by 1400 today` is when. Alone, `at Thursday's
    call` is still the day the work is due."""
    meeting = date(2026, 2, 25)
    text = "CareFlight: Nathan to confirm tomorrow's fixed-wing slots for 2 pts by 1400 today"
    found = find_due(text, meeting_date=meeting, lang="en")
    assert found is not None and found.date == meeting
    alone = find_due("Chi to raise it at Thursday's risk call", meeting_date=meeting, lang="en")
    assert alone is not None and alone.date == date(2026, 2, 26)


def test_english_deadline_words_inside_chinese() -> None:
    meeting = date(2026, 12, 1)  # a Tuesday
    found = find_due("剩下两家你EOW前close掉", meeting_date=meeting, lang="zh")
    assert found is not None and found.date == date(2026, 12, 4) and found.text == "EOW前"
    assert find_due("Sun光伏的报价单", meeting_date=meeting, lang="zh") is None


def test_numbered_things_listed_with_hao_are_no_days() -> None:
    text = "王振和陈立军——城南台区巡视，重点查看3号、7号箱变温度。"
    assert find_due(text, meeting_date=date(2026, 12, 1), lang="zh") is None
    found = find_due("3号、4号两天盘点", meeting_date=date(2026, 12, 1), lang="zh")
    assert found is not None and found.date == date(2026, 12, 3)


def test_the_day_a_thing_is_moved_to_is_no_deadline() -> None:
    """`move the tasting to 4/24`: 4/24 is when the tasting will be, not when the call to the
    caterer is due; a deadline beside it still counts."""
    meeting = date(2026, 4, 14)
    assert due("someone pls call the caterer to move the tasting to 4/24", meeting) is None
    assert due("Can u tell Greta the panto tech is pushed to Thurs?", meeting) is None
    assert due("postpone the audit to the 30th, tell the auditors by Friday", meeting) == date(
        2026, 4, 17
    )
    assert due("Jenna to bring a recommendation to the 25 April board", meeting) == date(
        2026, 4, 25
    )


def test_days_said_in_words_as_a_voice_memo_writes_them() -> None:
    meeting = date(2026, 9, 9)
    said = "I want their eight-D back by the twenty-first, not the usual thirty days"
    assert due(said, meeting) == date(2026, 9, 21)
    assert due("send it by March twenty-first", meeting) == date(2027, 3, 21)
    assert due("the third of October works for the audit", meeting) == date(2026, 10, 3)
    assert due("by the thirty first please", meeting) == date(2026, 10, 31)
    # `the first` alone names many things; only a deadline word makes it a day.
    assert due("the first batch goes to QA", meeting) is None
    assert due("the first batch by Friday", meeting) == date(2026, 9, 11)


def test_noon_or_end_of_work_alone_is_today_unless_the_sentence_names_a_day() -> None:
    meeting = date(2026, 12, 7)  # a Monday
    assert due("剩余 2,200 pcs 周三中午前下线并完成包装", meeting, "zh") == date(2026, 12, 9)
    said = "小葛啊，明天上午你把展会那个合同再跟对方法务过一遍，中午前给我。"
    assert due(said, meeting, "zh") == date(2026, 12, 8)
    assert due("报价单中午前发我", meeting, "zh") == meeting
    assert due("下班前把日报发群里", meeting, "zh") == meeting


def test_n_weeks_on_from_the_meeting_and_eow_next_week() -> None:
    meeting = date(2026, 11, 9)  # a Monday
    assert due("语音外呼话术 V3 跑 A/B，两周后看结果。", meeting, "zh") == date(2026, 11, 23)
    # Counted from an event whose day is not known: no date.
    assert due("上线两周后复盘", meeting, "zh") is None
    assert due("到货三天后验收", meeting, "zh") is None
    assert due("API docs to Confluence, EOW next week", meeting) == date(2026, 11, 20)


def test_a_registers_day_month_year_with_dashes() -> None:
    meeting = date(2026, 11, 3)
    assert due("| 1 | Issue formal SCAR | Ananya | 10-Nov-2026 | High |", meeting) == date(
        2026, 11, 10
    )
    assert due("hold the lots, due 3-Dec-26", meeting) == date(2026, 12, 3)


def test_week_commencing_sales_days_shift_kinds_and_what_came_before_are_no_deadlines() -> None:
    meeting = date(2026, 11, 12)  # a Thursday
    assert due("Deep clean canopy — S. Price — w/c 23 Nov, contractor to confirm", meeting) is None
    assert due("meet the contractor on site, week commencing 30th November.", meeting) is None
    assert due("chase the web team about the Black Friday FAQ page", meeting) is None
    assert due("Talk to the union rep about the overtime cap for Saturday shifts.", meeting) is None
    assert due("review the permit process following the 12 Oct leak", meeting) is None
    # A shift kind beside a real deadline leaves the deadline.
    said = "she's setting up the Saturday overtime roster, she'll circulate it Friday."
    assert due(said, meeting) == date(2026, 11, 13)
    assert due("send the rota by Saturday", meeting) == date(2026, 11, 14)


def test_the_family_name_sun_is_no_sunday() -> None:
    meeting = date(2026, 11, 12)  # a Thursday
    assert due("Sun Li is off tomorrow, so Ravi covers the line", meeting) == date(2026, 11, 13)
    assert due("ask Sun Wei to sign the PO", meeting) is None
    assert due("send the rota by Sun", meeting) == date(2026, 11, 15)
    assert due("cut-over window: Sun Nov 22, 02:00", meeting) == date(2026, 11, 22)


def test_when_an_activity_was_posted_is_no_deadline() -> None:
    meeting = date(2027, 4, 20)
    said = "Fatou Ceesay added SMS blast copy — owner TBD to Assets · Apr 20 at 11:06 AM"
    assert due(said, meeting) is None
    assert due("Banner print to Assets · due Apr 23", meeting) == date(2027, 4, 23)
    assert due("send the banner proof · Apr 23", meeting) == date(2027, 4, 23)


def test_the_day_of_an_event_named_as_the_deadline() -> None:
    meeting = date(2026, 2, 9)
    # `launch on` alone says when the launch happens; `before launch on` makes it the deadline.
    assert due("fix the landing page load time before launch on 02/20.", meeting) == date(
        2026, 2, 20
    )
    assert due("send the shots, ideally before the shoot on 2/12", meeting) == date(2026, 2, 12)
    assert due("have the deck ready ahead of the board meeting on the 17th", meeting) == date(
        2026, 2, 17
    )
    assert due("the launch is on 02/20", meeting) is None
    assert due("the campaign starts on 2/16", meeting) is None


def test_the_speakers_part_of_the_day_is_the_meetings_day() -> None:
    meeting = date(2026, 12, 7)  # a Monday
    assert due("我下午问问仓库能不能调一批过来", meeting, "zh") == meeting
    assert due("首屏按钮我上午改掉", meeting, "zh") == meeting
    assert due("我晚上把周报发群里", meeting, "zh") == meeting
    # Another day named wins; a part of the day that is not the speaker's, or promises
    # nothing, is no date.
    assert due("我周三下午把报价发你", meeting, "zh") == date(2026, 12, 9)
    assert due("我明天上午过一遍", meeting, "zh") == date(2026, 12, 8)
    assert due("我下午有空，可以一起看", meeting, "zh") is None
    assert due("各位晚上好，同步一下进度", meeting, "zh") is None
    assert due("上午去天一店巡店", meeting, "zh") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The day a room, a slot or an invite is for, not a deadline for booking it.
        ("book go/no-go room for next Tuesday", None),
        ("send the go/no-go invite for Mon 10 Mar by EOD", MONDAY),  # EOD is the deadline
        ("Kasia, please book the CAB slot for Thursday.", None),
        ("Rebecca will book the fitter for the 12th", date(2025, 3, 12)),  # a service: a day
        # The day of the meeting the work is for, as `for the next meeting`.
        ("write up what happened for the Thursday review", None),
        ("I'll send the calendar invite for the Friday retro", None),
        # When parts arrive is no deadline for the work waiting on them.
        ("interlock keeps faulting, owner TBD, parts on order (ETA 3/6)", None),
        ("chase the seal kit supplier for a firm ETA tomorrow", date(2025, 3, 4)),
        ("send the deck by Friday 5pm", FRIDAY),
    ],
)
def test_the_day_something_is_for_is_no_deadline(text: str, expected: date | None) -> None:
    assert due(text, MONDAY) == expected


def test_the_day_the_next_meeting_is_held_is_no_deadline() -> None:
    assert due("下次例会定在周四，小王准备材料", MONDAY, "zh") is None
    assert due("下次会议12月17日，文杰负责发会议邀请", MONDAY, "zh") is None
    assert due("周四前把材料发给我", MONDAY, "zh") == date(2025, 3, 6)


def test_a_day_inside_quoted_words_or_a_title_is_no_deadline() -> None:
    meeting = date(2026, 3, 16)
    said = 'Could someone update the landing page copy? it still says "ends March 15"'
    assert due(said, meeting) is None
    assert due("把《3月25日发布计划》发到群里", meeting, "zh") is None
    assert due("把《3月25日发布计划》发到群里，周五前", meeting, "zh") == date(2026, 3, 20)
    # Quoted speech keeps its day: what someone said they will do, and when.
    assert due('Yara said "I\'ll run the first cut by Friday."', meeting) == date(2026, 3, 20)
    assert due("她说“我周五前给”", meeting, "zh") == date(2026, 3, 20)
    assert due('update the "Spring Saver" banner by Friday', meeting) == date(2026, 3, 20)


def test_around_the_clock_is_no_date() -> None:
    meeting = date(2026, 11, 10)
    assert due("Whether security stays 24/7 over the break is still open", meeting) is None
    assert due("需要24/7值班，3/4前排好", meeting, "zh") == date(2027, 3, 4)
    assert due("send the rota by 12/7", meeting) == date(2026, 12, 7)
