"""Due dates in English and Chinese notes, resolved against the meeting date.

Weeks run Monday to Sunday. "by X", "before X", "X前" all mean day X itself. Anything that
does not name one day resolves to None but keeps its words, so a person can still read it.
A project's working calendar, when given, decides the phrases whose meaning is the working
week or a holiday ("in 3 working days", EOW, 本周内, 节前, 节后); a named day (tomorrow,
Friday, Dec 1) stays the day that was said.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from services.common.workcal import WorkingCalendar
from services.nlp.prefilter import Filtered, fold

__all__ = ["Due", "find_due", "find_dues"]


@dataclass(frozen=True)
class Due:
    """A due-date expression found in a sentence; `start`/`end` index that sentence."""

    date: date | None
    text: str
    start: int
    end: int
    confidence: float
    marked: bool  # preceded by by/before/due/截止 or followed by 前: a deadline, not a mention
    event: bool = False  # says when something happens ("starting April 7"), not a deadline
    weak: bool = False  # a time of day alone ("by 5pm"): that day only if nothing names another
    # Written without a year and a day of the last quarter before the meeting: resolved to next
    # year by the rules, but most likely the day something happened ("hit 9 °C on 14 April").
    past: bool = False
    # `tomorrow's slots`, `at Thursday's call`: the day of something named; the deadline only
    # when the sentence names no other day.
    possessive: bool = False


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
# What a number with 号 names when it is no day: 3号楼, 2号线, and `3号、7号箱变` (a list).
_ZH_NUMBERED = (
    "(?:[线楼机库门店仓位区栋室厅台车柜箱窗床罐炉泵槽塔桶井]"
    "|冷库|冷柜|冷藏|发酵|车间|产线|会议室|工位|货架|码头|展位|包间|站台|泊位|月台|机组|货柜|窑|梯"
    # machines and places by number: 3号注塑机, 2号竖井, 3号进站口, 7号桩, 2号棚, 3号蒸发器
    "|注塑|注浆|压铸|冲床|冲压|机床|空压|模具|竖井|通道|闸机|出入口|进站|桩|棚|蒸发器|独立柜"
    "|病房|病区|病床|床位|窗口|岗亭)"
)
_WEEKDAY_RE = r"(?:mon|tue(?:s)?|wed(?:nes)?|thu(?:r(?:s)?)?|fri|sat(?:ur)?|sun)(?:day)?"
_WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": -1}
_NUM_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
}  # fmt: skip
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip

_EN_MARK = re.compile(
    r"(?:\b(?:by|before|due(?:\s+(?:on|by))?|no\s+later\s+than|deadline:?|needed\s+by|until|till"
    r"|prior\s+to|ahead\s+of|(?:at\s+the\s+)?latest)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
# `before the shoot on 6/12`, `ahead of launch on 02/20`: the day of an event named as the
# deadline; the event's own day (`launch on`) would otherwise say when it happens.
_EN_MARK_EVENT = re.compile(
    r"\b(?:before|ahead\s{1,3}+of|prior\s{1,3}+to|in\s{1,3}+time\s{1,3}+for)\s{1,3}+"
    r"(?:(?:the|our|their|its|his|her)\s{1,3}+)?+(?:[\w/&'’-]{1,20}+\s{1,3}+){1,3}?"
    r"(?:on|at|is)\s{1,3}+(?:the\s{1,3}+)?$",
    re.IGNORECASE,
)
_EN_EVENT = re.compile(
    r"(?:\b(?:starting|starts?|from|since|after|begins?|beginning|kick(?:s|ing)?\s*off"
    r"|launch(?:es|ing)?|ships?|runs?|is|are|was|were|happens?|on\s+leave"
    # `review the process following the 12 Oct leak`: what came before, not a deadline.
    r"|following\s+the)\s+(?:on\s+)?)$",
    re.IGNORECASE,
)
# `book go/no-go room for next Tuesday`, `send the invite for Mon 12 Oct`: the day the room or
# the meeting is for, not a deadline for booking it (a service booked, `book the fitter for
# the 12th`, is left as a day: the labels disagree there).
_EN_BOOKED_FOR = re.compile(
    r"\b(?:rooms?|slots?|venue|table|invite|invitation|tickets?|hall|space)\b[^.;\n]{0,25}?"
    r"\bfor\s{1,3}+(?:the\s{1,3}+)?$",
    re.IGNORECASE,
)
_EN_ETA = re.compile(r"[(,;]\s{0,2}+eta:?\s{1,3}+$", re.IGNORECASE)
# `write up what happened for the Thursday review`, `the invite for the Friday retro`: the day
# of a meeting the work is for (as `for the next meeting`), not a deadline.
_EN_FOR_THE = re.compile(r"\bfor\s{1,3}+(?:the|our|this|that)\s{1,3}+$", re.IGNORECASE)
_EN_EVENT_NOUN = re.compile(
    r"[\s'’s]{0,3}(?:retro|review|meeting|sync|call|stand-?up|session|demo|workshop|huddle"
    r"|briefing|kick-?off|offsite|party|event|launch|go-?live|training|interview|walkthrough"
    r"|visit|audit|dinner|lunch|presentation|webinar|all-hands|town\s?hall)s?\b",
    re.IGNORECASE,
)
# `move the tasting to 4/24`, `pushed to Thurs`: the new day of the thing moved, no deadline.
_EN_MOVED_TO = re.compile(
    r"\b(?:move[sd]?|moving|push(?:ed|es|ing)?|postpon(?:e[sd]?|ing)|reschedul(?:e[sd]?|ing)"
    r"|slip(?:s|ped|ping)?|delay(?:s|ed|ing)?|shift(?:s|ed|ing)?)\b[^.;\n]{0,40}\bto\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"['’]s\b")
_ZH_MARK_BEFORE = re.compile(r"(?:截止|截至|截止到|截止日期[:：]?|最晚|不晚于)\s*$")
_ZH_MARK_AFTER = re.compile(
    r"^\s*(?:(?:下班|上班|中午|午饭)(?:之前|以前|前)|之前|以前|前|为止|截止)"
)
_ZH_EVENT_AFTER = re.compile(r"^\s*(?:开始|起(?!草)|启动|上线|举行|召开|发布会|至|到)")
# 到货两天内, 上线后一周内: counted from an event whose day is not known, so no date.
# `下次会议12月17日`, `例会定在周四`: the day a meeting is held.
_ZH_EVENT_BEFORE = re.compile(
    r"(?:从|自|将于|已于|到货|到了|(?:收到|上线|交付|发货|到货|到了)(?:之后|以后|后)"
    r"|(?:下次|下一次|下回)(?:会议|例会|周会|月会|会)(?:定在|定于|时间[:：]?|在)?)\s*$"
)


def _zh_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = _ZH_DIGITS.get(head, 0) if head else 1
        ones = _ZH_DIGITS.get(tail, 0) if tail else 0
        return tens * 10 + ones
    if len(text) == 1 and text in _ZH_DIGITS:
        return _ZH_DIGITS[text]
    return None


def _en_number(text: str) -> int | None:
    low = text.lower()
    if low.isdigit():
        return int(low)
    return _NUM_WORDS.get(low)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _on_or_after(meeting: date, month: int, day: int, year: int | None = None) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(meeting.year, month, day)
        if candidate < meeting:
            candidate = date(meeting.year + 1, month, day)
        return candidate
    except ValueError:
        return None


def _day_of_month(meeting: date, day: int) -> date | None:
    year, month = meeting.year, meeting.month
    for _ in range(3):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= meeting:
            return candidate
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return None


def weekday_on_or_after(meeting: date, weekday: int) -> date:
    """The first `weekday` on or after the meeting date (the meeting day itself if it matches)."""
    return meeting + timedelta(days=(weekday - meeting.weekday()) % 7)


def weekday_next_week(meeting: date, weekday: int) -> date:
    """`weekday` in the calendar week after the meeting's (weeks run Monday to Sunday)."""
    return meeting - timedelta(days=meeting.weekday()) + timedelta(days=7 + weekday)


Calendar = WorkingCalendar | None
# How far ahead 节前/节后 look for the calendar's next holiday: a note speaks of the coming one.
HOLIDAY_HORIZON_DAYS = 62


def _working(cal: Calendar, day: date) -> bool:
    return cal.is_working_day(day) if cal is not None else day.weekday() < 5


def _add_working_days(start: date, days: int, cal: Calendar = None) -> date:
    """`days` working days after `start`, which itself never counts (a 调休 Saturday does)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if _working(cal, current):
            days -= 1
    return current


def _week_end(meeting: date, cal: Calendar, *, weeks_ahead: int) -> date:
    """Friday of the meeting's week (or a later one); with a calendar, the last working day
    up to that Friday when it is a holiday. A make-up Saturday does not lengthen the week."""
    monday = meeting - timedelta(days=meeting.weekday()) + timedelta(days=7 * weeks_ahead)
    friday = monday + timedelta(days=4)
    if cal is None:
        return friday
    day = friday
    while day >= max(monday, meeting):
        if cal.is_working_day(day):
            return day
        day -= timedelta(days=1)
    return friday


def _holiday(cal: WorkingCalendar, day: date) -> bool:
    """A day the weekly pattern works but the calendar does not: a public holiday or the
    project's own day off, never a plain weekend."""
    return day.isoweekday() in cal.working_days and not cal.is_working_day(day)


def _next_holiday(meeting: date, cal: Calendar) -> tuple[date, date] | None:
    """First and last day off of the next holiday break (weekends joined to it) that has a
    day on or after the meeting, within the horizon; None without a calendar or a holiday."""
    if cal is None:
        return None
    for offset in range(HOLIDAY_HORIZON_DAYS):
        day = meeting + timedelta(days=offset)
        if not _holiday(cal, day):
            continue
        first = last = day
        while not cal.is_working_day(first - timedelta(days=1)) and (day - first).days < 60:
            first -= timedelta(days=1)
        while not cal.is_working_day(last + timedelta(days=1)) and (last - day).days < 60:
            last += timedelta(days=1)
        return first, last
    return None


Resolver = Callable[[re.Match[str], date, Calendar], date | None]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: Resolver
    confidence: float
    weak: bool = False


def _en_weekday(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    word = match.group("wd").lower()[:3]
    weekday = _WEEKDAYS_EN[word]
    qualifier = (match.group("q") or "").lower()
    if "next" in qualifier or match.group("nw"):
        return weekday_next_week(meeting, weekday)
    return weekday_on_or_after(meeting, weekday)


def _en_month_day(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    month = _MONTHS[match.group("mon").lower()[:3]]
    year = int(match.group("y")) if match.group("y") else None
    if year is not None and year < 100:
        year += 2000  # `3-Dec-26`
    return _on_or_after(meeting, month, int(match.group("d")), year)


_ORDINAL_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9,
}  # fmt: skip
_ORDINAL_TEENS = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_ORDINAL_WORDS = {
    **_ORDINAL_UNITS,
    **_ORDINAL_TEENS,
    **{f"twenty-{w}": 20 + n for w, n in _ORDINAL_UNITS.items()},
    "thirty-first": 31,
}
# Longest first, so `twenty-first` is not read as `twenty…` then nothing; a space for the hyphen.
_ORDINAL_WORD_RE = "|".join(
    re.escape(word).replace(r"\-", "[- ]") for word in sorted(_ORDINAL_WORDS, key=len, reverse=True)
)


def _ordinal_key(match: re.Match[str], group: str) -> str:
    return re.sub(r"\s", "-", match.group(group).lower())


def _en_ordinal_month_day(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    word, month = ("ow", "mon") if match.group("ow") else ("ow2", "mon2")
    day = _ORDINAL_WORDS[_ordinal_key(match, word)]
    return _on_or_after(meeting, _MONTHS[match.group(month).lower()[:3]], day)


def _en_numeric(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    month, day = int(match.group("m")), int(match.group("d"))
    if month > 12 >= day:
        month, day = day, month  # `by 31/7` can only be day first (UK, Europe, India)
    raw_year = match.group("y")
    year = None
    if raw_year:
        year = int(raw_year) + (2000 if len(raw_year) == 2 else 0)
    return _on_or_after(meeting, month, day, year)


def _iso(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    try:
        return date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None


def _en_in_n(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    count = _en_number(match.group("n"))
    if count is None:
        return None
    unit = match.group("unit").lower()
    if unit.startswith("business") or unit.startswith("working"):
        return _add_working_days(meeting, count, cal)
    return meeting + timedelta(days=count * (7 if unit.startswith("week") else 1))


def _en_end_of_month(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    name = match.group("mon")
    if name:
        month = _MONTHS[name.lower()[:3]]
        year = meeting.year if month >= meeting.month else meeting.year + 1
        return _month_end(year, month)
    if match.group("next"):
        month = meeting.month % 12 + 1
        return _month_end(meeting.year + (meeting.month == 12), month)
    return _month_end(meeting.year, meeting.month)


def _const(days: int) -> Resolver:
    def resolve(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
        return meeting + timedelta(days=days)

    return resolve


def _friday(weeks_ahead: int) -> Resolver:
    def resolve(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
        return _week_end(meeting, cal, weeks_ahead=weeks_ahead)

    return resolve


def _quarter_end(year: int, quarter: int) -> date:
    return _month_end(year, 3 * quarter)


def _quarter_end_of(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    """EOQ, end of (this/next) quarter, end of Q1, 季度末, 一季度末: calendar quarters."""
    groups = match.groupdict()
    named = groups.get("q") or groups.get("q2")
    current = (meeting.month - 1) // 3 + 1
    if named:
        quarter = int(named) if named.isdigit() else _ZH_DIGITS[named]
        year = int(groups["y"]) if groups.get("y") else None
        if year is not None:
            return _quarter_end(year, quarter)
        end = _quarter_end(meeting.year, quarter)
        return end if end >= meeting else _quarter_end(meeting.year + 1, quarter)
    if groups.get("next"):
        return _quarter_end(meeting.year + (current == 4), current % 4 + 1)
    return _quarter_end(meeting.year, current)


def _month_end_within(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    """本月内 / 下个月内: by the end of that month."""
    if match.group("next"):
        return _month_end(meeting.year + (meeting.month == 12), meeting.month % 12 + 1)
    return _month_end(meeting.year, meeting.month)


def _new_year(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    """元旦 is January 1, a day like any date: 元旦前 is that day, as 1月1日前 is."""
    return _on_or_after(meeting, 1, 1)


def _before_holiday(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    """节前: the last working day before the calendar's next holiday break, if it knows one."""
    found = _next_holiday(meeting, cal)
    if found is None or cal is None:
        return None
    day = found[0] - timedelta(days=1)
    while day >= meeting and not cal.is_working_day(day):
        day -= timedelta(days=1)
    return day if day >= meeting else None


def _after_holiday(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    """节后: the first working day after the break (often a 调休 make-up weekend day)."""
    found = _next_holiday(meeting, cal)
    return None if found is None else found[1] + timedelta(days=1)


def _none(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    return None


def _year_end(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    return date(meeting.year, 12, 31)


def _ci(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_EN_RULES: tuple[_Rule, ...] = (
    _Rule(_ci(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"), _iso, 0.97),
    # `2026/10/16`, a spreadsheet's or Feishu's date: the year first, so never day first.
    _Rule(_ci(r"(?<![\w/.#-])(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\w/%])"), _iso, 0.97),
    _Rule(
        # `24/7` is around the clock, never 24 July.
        _ci(
            r"(?<![\w/.#-])(?!24/7(?![\w/%]))"
            r"(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\w/%])"
        ),
        _en_numeric,
        0.9,
    ),
    _Rule(
        _ci(
            rf"\b(?P<mon>{_MONTH_RE})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}}))?"
        ),
        _en_month_day,
        0.95,
    ),
    _Rule(
        _ci(
            rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH_RE})(?:,?\s+(?P<y>\d{{4}}))?\b"
        ),
        _en_month_day,
        0.93,
    ),
    # `10-Nov-2026`, `3-Dec-26`: a register's or a spreadsheet's date.
    _Rule(
        _ci(rf"(?<![\w-])(?P<d>\d{{1,2}})-(?P<mon>{_MONTH_RE})-(?P<y>\d{{4}}|\d{{2}})(?![\w-])"),
        _en_month_day,
        0.95,
    ),
    _Rule(
        _ci(r"\bthe\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b"),
        lambda m, meeting, cal: _day_of_month(meeting, int(m.group("d"))),
        0.85,
    ),
    # `by the twenty-first`, `March twenty-first`, `the third of June`: said, not typed (a
    # voice memo's transcript); a word alone only after a deadline word, as `the first`
    # names many things.
    _Rule(
        _ci(
            rf"\b(?P<mon>{_MONTH_RE})\s+(?:the\s+)?(?P<ow>{_ORDINAL_WORD_RE})\b"
            rf"|\bthe\s+(?P<ow2>{_ORDINAL_WORD_RE})\s+of\s+(?P<mon2>{_MONTH_RE})"
        ),
        _en_ordinal_month_day,
        0.9,
    ),
    _Rule(
        _ci(
            # (`(?=the\s)` first: six look-behinds at every position cost more than the rest)
            r"(?=the\s)(?:(?<=\bby\s)|(?<=\bbefore\s)|(?<=\buntil\s)|(?<=\btill\s)|(?<=\bdue\s)"
            rf"|(?<=\bon\s))the\s+(?P<ow>{_ORDINAL_WORD_RE})"
            r"(?=\s{0,2}+(?:$|[,.;:!?)—–-]|and\b|at\b|not\b|please\b|pls\b|latest\b))"
        ),
        lambda m, meeting, cal: _day_of_month(meeting, _ORDINAL_WORDS[_ordinal_key(m, "ow")]),
        0.85,
    ),
    # `by Sunday 25th`: the day of the month settles which Sunday.
    _Rule(
        _ci(rf"\b{_WEEKDAY_RE}\.?,?\s{{1,3}}+(?P<d>\d{{1,2}})(?:st|nd|rd|th)\b"),
        lambda m, meeting, cal: _day_of_month(meeting, int(m.group("d"))),
        0.88,
    ),
    _Rule(
        _ci(
            rf"\b(?:(?P<q>next|this|coming|this\s+coming)\s+)?(?P<wd>{_WEEKDAY_RE})\b(?P<nw>\s+next\s+week)?"
            # `Saturday shifts`, `the Sunday rota`: a kind of shift, not a day.
            r"(?!\s{1,3}+(?:shifts?|volunteers?|overtime|rotas?|rosters?|cover|staff|crews?)\b)"
            # `Sun Li is off today`: the family name Sun (孙), not Sunday; `Sun Nov 15` is.
            r"(?!(?<=[Ss]un)\s{1,3}+(?-i:(?!Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[A-Z][a-z]))"
        ),
        _en_weekday,
        0.88,
    ),
    _Rule(
        _ci(
            rf"\b(?:COB|EOD|end\s+of\s+(?:the\s+)?(?:day|business))\s+(?:on\s+)?"
            rf"(?P<wd>{_WEEKDAY_RE})\b(?P<q>)(?P<nw>)"
        ),
        _en_weekday,
        0.9,
    ),
    _Rule(
        _ci(
            r"\b(?:today|tonight"
            r"|this\s+(?:morning|afternoon|evening)|within\s+the\s+(?:hour|day)"
            r"|(?:in|within)\s+(?:the\s+next\s+)?(?:an?|one|two|three|four|five|six|ten|fifteen"
            r"|twenty|thirty|forty|forty-five|half\s+an|a\s+few|a\s+couple\s+of|\d{1,3})"
            r"\s+(?:min(?:ute)?s?|hours?|hrs?)|(?:in|within)\s+half\s+an\s+hour)\b"
        ),
        _const(0),
        0.95,
    ),
    # A time of day alone says "today" only when nothing else in the sentence names a day:
    # `EOD tomorrow`, `Wed EOD` are that day's end.
    _Rule(
        _ci(r"\b(?:EOD|COB|EOB|end\s+of\s+(?:the\s+)?(?:day|business))\b"),
        _const(0),
        0.9,
        weak=True,
    ),
    _Rule(
        _ci(
            # `by 2pm`, `before 16:00` (a 24-hour clock), `by noon`; `before 10?`, `before 11`
            # at a line's end (an hour, not a count: `off by 9`, `until 10` are not asked).
            r"\b(?:by|before)\s(?:\d{1,2}(?::\d{2})?\s?(?:am|pm)|(?:[01]?\d|2[0-3]):[0-5]\d|noon|midday"
            r"|lunch(?:time)?)\b|\bbefore\s(?:[1-9]|1[0-2])(?=\s{0,2}+[?!.]?\s{0,2}+$)"
        ),
        _const(0),
        0.8,
        weak=True,
    ),
    _Rule(_ci(r"\bday\s+after\s+(?:tomorrow|tmrw)\b"), _const(2), 0.95),
    _Rule(
        _ci(
            r"\b(?:first\s+thing\s+)?(?:tomorrow|tmrw|tmr|tmw|2moro)"
            r"(?:\s+(?:morning|afternoon|evening|night|EOD|COB))?\b"
        ),
        _const(1),
        0.95,
    ),
    _Rule(
        _ci(
            r"\b(?:in|within)\s+(?:the\s+next\s+)?(?P<n>\d+|a|an|one|two|three|four|five|six|seven"
            r"|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty)\s+"
            r"(?P<unit>(?:business\s+|working\s+)?days?|weeks?)\b"
        ),
        _en_in_n,
        0.9,
    ),
    _Rule(
        _ci(r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?next\s+week|EOW\s+next\s+week)\b"),
        _friday(1),
        0.85,
    ),
    _Rule(
        _ci(
            r"\b(?:EOW|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week|this\s+week|by\s+the\s+weekend)\b"
        ),
        _friday(0),
        0.85,
    ),
    _Rule(
        _ci(
            rf"\b(?:EOM|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:(?P<next>next\s+)?month"
            rf"|(?P<mon>{_MONTH_RE})))\b"
        ),
        _en_end_of_month,
        0.9,
    ),
    _Rule(_ci(r"\b(?:EOY|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?year)\b"), _year_end, 0.85),
    _Rule(
        _ci(
            r"\b(?:EOQ|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:(?P<next>next\s+)?quarter"
            r"|Q(?P<q>[1-4])(?:\s+(?P<y>\d{4}))?))\b"
        ),
        _quarter_end_of,
        0.85,
    ),
    # Spans of time that name no single day: kept as text, resolved to None.
    _Rule(
        _ci(
            # `w/c 23 Nov`, `week commencing 12th October`: the week of, in British minutes.
            rf"\b(?:(?:(?:the\s+)?week\s+(?:of|commencing|beginning|starting)|w/[cb]|wk\s+of)\s+"
            rf"(?:{_MONTH_RE}\s+\d{{1,2}}|the\s+\d{{1,2}}(?:st|nd|rd|th)?"
            rf"|(?:Mon(?:day)?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_RE}|\d{{1,2}}/\d{{1,2}})"
            # `Black Friday`, `Cyber Monday`: sales days, not this week's Friday.
            rf"|(?:black|cyber)\s+{_WEEKDAY_RE}"
            rf"|(?:every|each)\s+(?:other\s+)?{_WEEKDAY_RE}"
            rf"|(?:early|mid|late)[-\s](?:{_MONTH_RE}|next\s+week|next\s+month|this\s+month)"
            rf"|(?:early\s+|later\s+)?next\s+(?:week|month|quarter|year|sprint|meeting|call)"
            rf"|(?:for|before|by|until)\s+the\s+next\s+(?:meeting|call|sync|standup)"
            rf"|next\s+time|(?:in\s+)?Q[1-4](?:\s+\d{{4}})?|ASAP|as\s+soon\s+as\s+possible"
            rf"|in\s+(?:{_MONTH_RE})(?!\s*\d)|(?:later\s+)?this\s+(?:month|quarter|year)|soon"
            rf"|at\s+some\s+point)\b"
        ),
        _none,
        0.4,
    ),
)


def _zh_weekday(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    weekday = _WEEKDAYS_ZH[match.group("wd")]
    prefix = match.group("p") or ""
    if weekday < 0:
        return None
    if prefix.startswith("下下"):
        return weekday_next_week(meeting, weekday) + timedelta(days=7)
    if prefix.startswith("下"):
        return weekday_next_week(meeting, weekday)
    return weekday_on_or_after(meeting, weekday)


def _zh_month_day(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    month = _zh_number(match.group("m"))
    day = _zh_number(match.group("d"))
    if month is None or day is None:
        return None
    raw_year = match.group("y")
    year = None
    if raw_year:
        year = int(raw_year)
    elif match.group("ny"):
        year = meeting.year + 1
    return _on_or_after(meeting, month, day, year)


def _zh_day(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    day = _zh_number(match.group("d"))
    return _day_of_month(meeting, day) if day else None


def _zh_day_of_month_named(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    day = _zh_number(match.group("d"))
    if day is None:
        return None
    year, month = meeting.year, meeting.month
    if match.group("next"):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _zh_within(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    count = _zh_number(match.group("n"))
    if count is None:
        return None
    unit = match.group("unit")
    if "工作日" in unit:
        return _add_working_days(meeting, count, cal)
    days = count * 7 if ("周" in unit or "星期" in unit or "礼拜" in unit) else count
    return meeting + timedelta(days=days)


def _zh_month_end(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    raw = match.group("m")
    if match.group("next"):
        following = meeting.month % 12 + 1
        return _month_end(meeting.year + (meeting.month == 12), following)
    if raw:
        month = _zh_number(raw)
        if month is None or not 1 <= month <= 12:
            return None
        year = meeting.year if month >= meeting.month else meeting.year + 1
        return _month_end(year, month)
    return _month_end(meeting.year, meeting.month)


_ZH_NUM = r"[0-9]{1,2}|[一二两三四五六七八九十]{1,3}"
_ROUTINE_BEFORE = re.compile(r"每(?:天|日|晚|周|个工作日)")


def _today_unless_routine(match: re.Match[str], meeting: date, cal: Calendar) -> date | None:
    before = match.string[max(0, match.start() - 8) : match.start()]
    return None if _ROUTINE_BEFORE.search(before) else meeting


_ZH_RULES: tuple[_Rule, ...] = (
    _Rule(re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"), _iso, 0.97),
    # `截止 01-29`, `DDL 10-20` on a board's card: month and day after the deadline's word
    # (alone, `10-20` may be a range or a code).
    _Rule(
        re.compile(
            r"(?P<mark>截止|截至|(?<![A-Za-z])(?:DDL|ddl|Due|due))[ \t]{0,2}+[:：]?[ \t]{0,2}+"
            r"(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d-])"
        ),
        lambda m, meeting, cal: _on_or_after(meeting, int(m.group("m")), int(m.group("d"))),
        0.9,
    ),
    _Rule(
        re.compile(
            # `1 月 2 日`: many writers put a space between digits and characters.
            rf"(?:(?P<y>\d{{4}}) ?年 ?|(?P<ny>明年))?(?P<m>{_ZH_NUM}) ?月 ?(?P<d>{_ZH_NUM}) ?(?:日|号)"
        ),
        _zh_month_day,
        0.95,
    ),
    _Rule(
        # Not `39.9/12支` (a price per twelve).
        re.compile(r"(?<![\d/.])(?!24/7(?![\d/%]))(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/%])"),
        lambda m, meeting, cal: _on_or_after(meeting, int(m.group("m")), int(m.group("d"))),
        0.9,
    ),
    _Rule(
        re.compile(
            rf"(?<![月\d])(?P<d>{_ZH_NUM})(?:日|号)(?!{_ZH_NUMBERED}|、\s{{0,2}}+\d{{1,3}}号{_ZH_NUMBERED})"
        ),
        _zh_day,
        0.85,
    ),
    _Rule(
        re.compile(
            r"(?P<p>下下|下个?|本|这个?|这)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])(?![号线楼])"
        ),
        _zh_weekday,
        0.88,
    ),
    _Rule(
        re.compile(
            r"(?:今天|今日)(?:上午|下午|晚上|之内|以内|内)?|今晚|今早"
            rf"|(?:{_ZH_NUM})个?半?(?:小时|钟头|分钟)(?:之内|以内|内)|半个?(?:小时|钟头)(?:之内|以内|内)"
            # 当天 alone is the meeting's day; after a noun (入职当天, 开业当天) it is that event's.
            # `618 当天` is that day's too.
            r"|(?<![\u4e00-\u9fff\dA-Za-z])(?<![\dA-Za-z][ \t])当天"
            r"|(?<=[我你他她们就要请须并都也会在])当天"
        ),
        _const(0),
        0.95,
    ),
    # `中午前搞定`, `下班前`: a time of day alone before 前 is the meeting's day, unless the
    # sentence names another (`明天上午你把合同过一遍，中午前给我`, `周三中午前下线`).
    _Rule(
        re.compile(r"下班前|(?<![天日早晚])(?:中午|午饭|午休)(?=之前|以前|前)"),
        _const(0),
        0.95,
        weak=True,
    ),
    # `我下午问问仓库`, `我上午改掉`: the speaker's part of the day, with no day named, is the
    # meeting's day unless the sentence names another. Only right after 我: under `明天：`
    # a bare `上午去巡店` is that day's, and `晚上好`, `我下午有空` promise nothing.
    _Rule(
        re.compile(r"(?<=我)(?:上午|下午|晚上|傍晚)(?!好|有空|没空|不在|有事|要开会)"),
        _const(0),
        0.8,
        weak=True,
    ),
    # `听日` (聽日): Cantonese for tomorrow.
    _Rule(re.compile(r"明天(?:上午|下午|晚上|早上|中午)?|明日|明早|明晚|听日"), _const(1), 0.95),
    # A time of day before 前 (9点前, 晚上十点之前, 21:30 前) is today when nothing names a day;
    # every day at that time (每天 21:30 前) is a routine, not a deadline.
    _Rule(
        re.compile(
            rf"(?<![\d:：.])(?:上午|下午|晚上|中午|早上)?[ \t]?(?:{_ZH_NUM})"
            r"(?:[:：][0-5]\d|[ \t]?点(?:半|[0-5]?\d分?)?)(?=[ \t]?(?:之前|以前|前))"
        ),
        _today_unless_routine,
        0.8,
        weak=True,
    ),
    _Rule(
        re.compile(r"(?<![\d.A-Za-z])(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?=\s*(?:之前|以前|前|号|日))"),
        lambda m, meeting, cal: _on_or_after(meeting, int(m.group("m")), int(m.group("d"))),
        0.9,
    ),
    _Rule(re.compile(r"元旦节?(?=之前|以前|前|当天)"), _new_year, 0.9),
    # The coming holiday, from the calendar; a named one (春节前, 国庆后) is left vague below.
    _Rule(
        re.compile(r"(?:长假|节假日|假期|放假|(?<![季环细章关调])节)(?=之前|以前|前)"),
        _before_holiday,
        0.8,
    ),
    _Rule(
        re.compile(r"(?:长假|节假日|假期|放假|(?<![季环细章关调])节)(?:之后|以后|后)"),
        _after_holiday,
        0.8,
    ),
    _Rule(re.compile(r"(?<![上下])周末(?=之前|以前|前)"), _friday(0), 0.85),
    _Rule(re.compile(r"大后天"), _const(3), 0.95),
    _Rule(re.compile(r"后天"), _const(2), 0.95),
    # `下月5号前`: a day of next month (or of this one: `本月20号`).
    _Rule(
        re.compile(rf"(?:(?P<next>下个?)|本|这个?)月 ?(?P<d>{_ZH_NUM}) ?(?:日|号)"),
        _zh_day_of_month_named,
        0.9,
    ),
    _Rule(
        re.compile(rf"(?P<n>{_ZH_NUM}|半)个?(?P<unit>工作日|天|日|周|星期|礼拜)(?:之内|以内|内)"),
        _zh_within,
        0.9,
    ),
    # `…跑 A/B，两周后看结果`: counted from the meeting when it opens its clause; after a
    # word (`上线两周后`, `到货三天后`) it counts from an event whose day is not known.
    _Rule(
        re.compile(
            rf"(?<![\u4e00-\u9fff])(?P<n>{_ZH_NUM})个?(?P<unit>工作日|天|周|星期|礼拜)(?:之后|以后|后)"
        ),
        _zh_within,
        0.85,
    ),
    _Rule(
        # Cantonese too: `今个礼拜内`, `呢个星期`.
        re.compile(r"(?:本|这|今个|呢个)(?:周|星期|礼拜)(?:内|之内|末前)?(?![一二三四五六日天])"),
        _friday(0),
        0.85,
    ),
    # 月底 needs its 月: 交底 (a safety briefing) is a word, not a date.
    _Rule(
        re.compile(rf"(?:(?P<next>下个?)|本|这个?|(?P<m>{_ZH_NUM}))?月(?:底|末|尾)"),
        _zh_month_end,
        0.9,
    ),
    _Rule(re.compile(r"(?:(?P<next>下个?)|本|这个?)月(?:之内|以内|内)"), _month_end_within, 0.85),
    _Rule(re.compile(r"年底|年末"), _year_end, 0.85),
    _Rule(
        re.compile(
            r"(?:(?P<next>下个?)|本|这个?|(?P<q>[一二三四]))?季度?(?:末|底)|Q(?P<q2>[1-4])末"
        ),
        _quarter_end_of,
        0.85,
    ),
    _Rule(
        re.compile(
            # 下周内 is 下周 (LABELLING.md: next week without a weekday has no date).
            r"下下?(?:周|星期|礼拜)(?![一二三四五六日天])(?:初|之?内)?|下个?月初?|月初|月中|年后"
            r"|近期|尽快|尽早|[一二三四]季度|Q[1-4]|下次会议|下次|周末|上旬|中旬|下旬"
            # A named holiday is a period the calendar does not name; 节前/节后 alone are above.
            r"|(?:春|国庆|中秋|端午|劳动|清明|元宵|圣诞|五一)节?(?:假期|长假)?(?:之前|以前|前|之后|以后|后)"
            r"|元旦节?(?:假期)?(?:之后|以后|后)|当天"
            r"|每个?(?:周|星期|礼拜)[一二三四五六日天]"
        ),
        _none,
        0.4,
    ),
)


# Each rule with the words its matches need (`prefilter.py`): most sentences name no date.
_EN_FILTERED = tuple((rule, Filtered.of(rule.pattern)) for rule in _EN_RULES)
_ZH_FILTERED = tuple((rule, Filtered.of(rule.pattern)) for rule in _ZH_RULES)

_ZH_MARK_CHARS = re.compile(r"(?<![A-Za-z])[\u4e00-\u9fff]|[前之以内]")


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


_EN_STAMP_BEFORE = re.compile(r"[·•][ \t]{0,3}+$")
_EN_STAMP_AFTER = re.compile(
    r"^,?+[ \t]{1,3}+(?:at[ \t]{1,3}+)?+\d{1,2}:\d{2}(?:[ \t]?+[ap]\.?m\.?)?+[ \t]*+(?:$|\n)",
    re.IGNORECASE,
)


def find_dues(
    text: str, *, meeting_date: date, lang: str | None = None, calendar: Calendar = None
) -> list[Due]:
    """Every due-date expression in `text`, left to right, longest match winning overlaps.

    `calendar` is the project's working calendar; without one, weekdays are working days and
    no holiday is known."""
    zh = _is_cjk(text) if lang is None else lang == "zh"
    found: list[tuple[int, int, _Rule, re.Match[str]]] = []
    folded = fold(text)
    for rule, pattern in _ZH_FILTERED if zh else _EN_FILTERED:
        for match in pattern.finditer(text, folded):
            found.append((match.start(), match.end(), rule, match))
    # Chinese notes often carry English-style dates too ("1/9前", "EOW"), read with the
    # Chinese blanked out (same offsets) so `你EOW前` is a word, but not the Chinese glued
    # after Latin letters unless it marks a deadline: `Sun光伏` is still no Sunday.
    if zh:
        latin = _ZH_MARK_CHARS.sub(" ", text)
        folded = fold(latin)
        for rule, pattern in _EN_FILTERED:
            for match in pattern.finditer(latin, folded):
                found.append((match.start(), match.end(), rule, match))
    found.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    chosen: list[tuple[int, int, _Rule, re.Match[str]]] = []
    for item in found:
        if all(item[1] <= other[0] or item[0] >= other[1] for other in chosen):
            chosen.append(item)
    chosen.sort(key=lambda item: item[0])
    dues: list[Due] = []
    for start, end, rule, match in chosen:
        resolved = rule.resolve(match, meeting_date, calendar)
        before, after = text[:start], text[end:]
        mark: re.Match[str] | None = None  # the English deadline word, where the words start
        if zh:
            marked = bool(_ZH_MARK_BEFORE.search(before) or _ZH_MARK_AFTER.match(after))
            marked = marked or "mark" in match.re.groupindex  # `截止 01-29`: its own word
            # `这周内上线` is a deadline (内: within); `周五上线` says when it happens.
            # (`到货两天内` still counts from an event whose day is not known.)
            within = match.group(0).endswith("内")
            event = not marked and bool(
                (_ZH_EVENT_AFTER.match(after) and not within) or _ZH_EVENT_BEFORE.search(before)
            )
        else:
            # `by Friday`, or an event's day named as the deadline (`before the CAB on 11/26`,
            # looked for in the last 80 characters only).
            mark = _EN_MARK.search(before) or _EN_MARK_EVENT.search(before, max(0, start - 80))
            marked = mark is not None
            event = not marked and bool(
                _EN_EVENT.search(before)
                or _EN_MOVED_TO.search(before)
                or _EN_BOOKED_FOR.search(before, max(0, start - 60))
                # `parts on order (ETA 8/4)`: when the parts come, not the work's deadline.
                or _EN_ETA.search(before, max(0, start - 20))
                or (_EN_FOR_THE.search(before) and _EN_EVENT_NOUN.match(after))
                # `… added SMS blast copy to Assets · Apr 20 at 11:06 AM`: when it was posted.
                or (_EN_STAMP_BEFORE.search(before) and _EN_STAMP_AFTER.match(after))
            )
        # `it still says "ends March 15"`, `《3月15日发布计划》`: a day inside quoted words or a
        # title belongs to what is quoted, not to the work.
        event = event or _in_quotes(text, start, end)
        words_start = start if mark is None else mark.start()
        words_end = end
        tail = _ZH_MARK_AFTER.match(after) if zh else None
        if tail is not None:
            words_end = end + tail.end()
        confidence = rule.confidence if resolved is not None else 0.4
        dues.append(
            Due(
                date=None if event else resolved,
                text=text[words_start:words_end].strip(),
                start=words_start,
                end=words_end,
                confidence=confidence * (1.0 if marked else 0.9),
                marked=marked,
                event=event,
                weak=rule.weak,
                past=_recent_past(resolved, meeting_date, written=match.group(0)),
                possessive=not zh and not marked and bool(_POSSESSIVE.match(after)),
            )
        )
    # `周三中午前`: the mark read after 周三 (`中午前`) is no second expression.
    kept: list[Due] = []
    for due in dues:
        if not kept or due.start >= kept[-1].end:
            kept.append(due)
    dues = kept
    return _ranges_are_periods(text, _weekday_then_date(text, dues))


_QUOTES = (
    ('"', '"'),
    ("\u201c", "\u201d"),
    ("\u300c", "\u300d"),
    ("\u300e", "\u300f"),
    ("\u300a", "\u300b"),
)
_QUOTED_AT_MOST = 60  # characters from the opening quote to the date, and from it to the close


def _in_quotes(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies inside a short quotation or title on its own line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = text[max(line_start, start - _QUOTED_AT_MOST) : start]
    after = text[end : min(end + _QUOTED_AT_MOST, len(text) if line_end < 0 else line_end)]
    for opener, closer in _QUOTES:
        at = before.rfind(opener)
        if opener == closer and text[line_start:start].count(opener) % 2 == 0:
            continue
        if at < 0 or (opener != closer and closer in before[at + 1 :]):
            continue
        close = after.find(closer)
        if close < 0:
            continue
        # `Yara said "I'll run the first cut this week"`: quoted speech keeps its day.
        if opener != "\u300a" and _SPOKEN.search(before[at:] + after[:close]):
            continue
        return True
    return False


_SPOKEN = re.compile(r"\b(?:I|I'm|I'll|I’ll|we|we'll|we’ll|you|me|us)\b|[我你咱]", re.IGNORECASE)


# `book the room for 15–16 Sep`, `for mon-tue`, `the 12th–13th`, `2月6日-2月14日`: two days
# joined as a range name a period (a booking, a shift), not a day to finish something by.
# (A hyphen only unspaced: `v3.0 - Thu 10/29` separates a list line's fields.)
_RANGE_JOIN = r"(?:-|[ \t]?+(?:[–/~～]|至|到)[ \t]?+)"
_RANGE_AFTER = re.compile(
    _RANGE_JOIN + r"(?:the[ \t])?+(?:\d|mon|tue|wed|thu|fri|sat|sun|[周星])", re.IGNORECASE
)
_RANGE_BEFORE = re.compile(
    r"(?:\d(?:st|nd|rd|th)?+|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}+|[日号一二三四五六天])"
    + _RANGE_JOIN
    + r"(?:the[ \t])?+$",
    re.IGNORECASE,
)


def _ranges_are_periods(text: str, dues: list[Due]) -> list[Due]:
    return [
        replace(due, event=True, date=None)
        if due.date is not None
        and not due.marked
        and (
            _RANGE_AFTER.match(text, due.end) is not None
            or _RANGE_BEFORE.search(text, max(0, due.start - 14), due.start) is not None
        )
        else due
        for due in dues
    ]


# `by Fri 24 July`, `周五（3/6）`: a weekday and the date it names are one deadline, the date's.
_WEEKDAY_AT_END = re.compile(
    r"(?:\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?|(?:周|星期)[一二三四五六日天])$",
    re.IGNORECASE,
)
_BETWEEN_WEEKDAY_AND_DATE = re.compile(r"[\s,，(（]{0,3}")


def _weekday_then_date(text: str, dues: list[Due]) -> list[Due]:
    out: list[Due] = []
    for due in dues:
        last = out[-1] if out else None
        if (
            last is not None
            and due.date is not None
            and not due.weak  # a calendar date, not `Wed EOD` or `周五 9点前`
            and any(ch.isdigit() for ch in due.text)
            and _WEEKDAY_AT_END.search(last.text)
            and _BETWEEN_WEEKDAY_AND_DATE.fullmatch(text, last.end, due.start)
        ):
            out[-1] = replace(
                due,
                text=text[last.start : due.end],
                start=last.start,
                marked=last.marked or due.marked,
                confidence=max(last.confidence, due.confidence),
                event=(due.event or last.event) and not last.marked,
                date=None if last.event and not last.marked else due.date,
            )
            continue
        out.append(due)
    return out


def _recent_past(resolved: date | None, meeting: date, *, written: str) -> bool:
    if resolved is None or resolved.year != meeting.year + 1 or _YEAR_WRITTEN.search(written):
        return False
    try:
        this_year = resolved.replace(year=meeting.year)
    except ValueError:  # 29 February
        return False
    return timedelta(0) < meeting - this_year <= timedelta(days=92)


_YEAR_WRITTEN = re.compile(r"\d{4}|[’']\d{2}\b|\d{1,2}/\d{1,2}/\d{2}|年")


# After a day in Chinese: the result handed over or the work finished then (`明早发群里`, `明天提测`,
# `周五晚上之前给我`, `今天订好`, `明天上午必须清掉`), not what others do (`明天大家看`).
_ZH_HANDED_OVER = re.compile(
    r"[ \t]{0,2}+(?:[上下]午|早上|晚上|中午)?+(?:\d{1,2}[点:：]\d{0,2}+)?+(?:之?前)?+[ \t]{0,2}+"
    r"(?:必须|一定|务必)?+(?:发|给|交|报|回|出|订|提交|提测|上线|完成|搞定|清掉|要(?=[，。,.!！？?\s]|$))"
)
_ZH_SAID_BEFORE = re.compile(r"说[ \t]{0,2}+$")


def find_due(
    text: str, *, meeting_date: date, lang: str | None = None, calendar: Calendar = None
) -> Due | None:
    """The expression most likely to be the deadline: marked ones first, then resolved ones."""
    dues = find_dues(text, meeting_date=meeting_date, lang=lang, calendar=calendar)
    if any(d.date is not None and not d.weak for d in dues):
        dues = [d for d in dues if not d.weak]  # "by 5pm Friday" is Friday
    if not dues:
        return None

    def rank(due: Due) -> tuple[int, int, int, int, int, int, float]:
        # `expired Nov 30 — DS will call them on Monday`, said in December: a day just gone,
        # written without its year, is what happened, not the deadline.
        return (
            int(due.marked),
            int(not due.event),
            int(not due.past),
            int(due.date is not None),
            int(not due.possessive),  # `confirm tomorrow's slots by 1400 today` is today
            # `今晚把转化拉出来，明早发群里`: the day the result is handed over.
            int(
                lang == "zh"
                and _ZH_HANDED_OVER.match(text, due.end) is not None
                # `供应商说周四发`: what someone else said they would do.
                and _ZH_SAID_BEFORE.search(text, max(0, due.start - 3), due.start) is None
            ),
            due.confidence,
        )

    best = max(dues, key=rank)
    return best


# Every pattern run on user text, held here so the linear-time guard
# (tests/security/linear.py) finds the built ones too.
PATTERNS = tuple(rule.pattern for rule in (*_EN_RULES, *_ZH_RULES))
