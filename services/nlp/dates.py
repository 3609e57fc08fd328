"""Due dates in English and Chinese notes, resolved against the meeting date.

Weeks run Monday to Sunday. "by X", "before X", "X前" all mean day X itself. Anything that
does not name one day resolves to None but keeps its words, so a person can still read it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

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


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
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
    r"|prior\s+to|ahead\s+of)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
_EN_EVENT = re.compile(
    r"(?:\b(?:starting|starts?|from|since|after|begins?|beginning|kick(?:s|ing)?\s*off"
    r"|launch(?:es|ing)?|ships?|runs?|is|are|was|were|happens?|on\s+leave)\s+(?:on\s+)?)$",
    re.IGNORECASE,
)
_ZH_MARK_BEFORE = re.compile(r"(?:截止|截至|截止到|截止日期[:：]?|最晚|不晚于)\s*$")
_ZH_MARK_AFTER = re.compile(r"^\s*(?:之前|以前|前|为止|截止)")
_ZH_EVENT_AFTER = re.compile(r"^\s*(?:开始|起|启动|上线|举行|召开|发布会|至|到)")
_ZH_EVENT_BEFORE = re.compile(r"(?:从|自|将于|已于)\s*$")


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


def _add_working_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


Resolver = Callable[[re.Match[str], date], date | None]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: Resolver
    confidence: float


def _en_weekday(match: re.Match[str], meeting: date) -> date | None:
    word = match.group("wd").lower()[:3]
    weekday = _WEEKDAYS_EN[word]
    qualifier = (match.group("q") or "").lower()
    if "next" in qualifier or match.group("nw"):
        return weekday_next_week(meeting, weekday)
    return weekday_on_or_after(meeting, weekday)


def _en_month_day(match: re.Match[str], meeting: date) -> date | None:
    month = _MONTHS[match.group("mon").lower()[:3]]
    year = int(match.group("y")) if match.group("y") else None
    return _on_or_after(meeting, month, int(match.group("d")), year)


def _en_numeric(match: re.Match[str], meeting: date) -> date | None:
    month, day = int(match.group("m")), int(match.group("d"))
    raw_year = match.group("y")
    year = None
    if raw_year:
        year = int(raw_year) + (2000 if len(raw_year) == 2 else 0)
    return _on_or_after(meeting, month, day, year)


def _iso(match: re.Match[str], meeting: date) -> date | None:
    try:
        return date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None


def _en_in_n(match: re.Match[str], meeting: date) -> date | None:
    count = _en_number(match.group("n"))
    if count is None:
        return None
    unit = match.group("unit").lower()
    if unit.startswith("business") or unit.startswith("working"):
        return _add_working_days(meeting, count)
    return meeting + timedelta(days=count * (7 if unit.startswith("week") else 1))


def _en_end_of_month(match: re.Match[str], meeting: date) -> date | None:
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
    def resolve(match: re.Match[str], meeting: date) -> date | None:
        return meeting + timedelta(days=days)

    return resolve


def _friday(weeks_ahead: int) -> Resolver:
    def resolve(match: re.Match[str], meeting: date) -> date | None:
        return meeting - timedelta(days=meeting.weekday()) + timedelta(days=4 + 7 * weeks_ahead)

    return resolve


def _none(match: re.Match[str], meeting: date) -> date | None:
    return None


def _year_end(match: re.Match[str], meeting: date) -> date | None:
    return date(meeting.year, 12, 31)


def _ci(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_EN_RULES: tuple[_Rule, ...] = (
    _Rule(_ci(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"), _iso, 0.97),
    _Rule(
        _ci(r"(?<![\w/.#-])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\w/%])"),
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
    _Rule(
        _ci(r"\bthe\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b"),
        lambda m, meeting: _day_of_month(meeting, int(m.group("d"))),
        0.85,
    ),
    _Rule(
        _ci(
            rf"\b(?:(?P<q>next|this|coming|this\s+coming)\s+)?(?P<wd>{_WEEKDAY_RE})\b(?P<nw>\s+next\s+week)?"
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
        _ci(r"\b(?:today|tonight|EOD|COB|end\s+of\s+(?:the\s+)?(?:day|business))\b"),
        _const(0),
        0.95,
    ),
    _Rule(_ci(r"\bday\s+after\s+tomorrow\b"), _const(2), 0.95),
    _Rule(_ci(r"\btomorrow\b"), _const(1), 0.95),
    _Rule(
        _ci(
            r"\b(?:in|within)\s+(?:the\s+next\s+)?(?P<n>\d+|a|an|one|two|three|four|five|six|seven"
            r"|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty)\s+"
            r"(?P<unit>(?:business\s+|working\s+)?days?|weeks?)\b"
        ),
        _en_in_n,
        0.9,
    ),
    _Rule(_ci(r"\b(?:the\s+)?end\s+of\s+(?:the\s+)?next\s+week\b"), _friday(1), 0.85),
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
    # Spans of time that name no single day: kept as text, resolved to None.
    _Rule(
        _ci(
            rf"\b(?:(?:the\s+)?week\s+of\s+(?:{_MONTH_RE}\s+\d{{1,2}}|the\s+\d{{1,2}}(?:st|nd|rd|th)?)"
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


def _zh_weekday(match: re.Match[str], meeting: date) -> date | None:
    weekday = _WEEKDAYS_ZH[match.group("wd")]
    prefix = match.group("p") or ""
    if weekday < 0:
        return None
    if prefix.startswith("下下"):
        return weekday_next_week(meeting, weekday) + timedelta(days=7)
    if prefix.startswith("下"):
        return weekday_next_week(meeting, weekday)
    return weekday_on_or_after(meeting, weekday)


def _zh_month_day(match: re.Match[str], meeting: date) -> date | None:
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


def _zh_day(match: re.Match[str], meeting: date) -> date | None:
    day = _zh_number(match.group("d"))
    return _day_of_month(meeting, day) if day else None


def _zh_within(match: re.Match[str], meeting: date) -> date | None:
    count = _zh_number(match.group("n"))
    if count is None:
        return None
    unit = match.group("unit")
    if "工作日" in unit:
        return _add_working_days(meeting, count)
    days = count * 7 if ("周" in unit or "星期" in unit or "礼拜" in unit) else count
    return meeting + timedelta(days=days)


def _zh_month_end(match: re.Match[str], meeting: date) -> date | None:
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
_ZH_RULES: tuple[_Rule, ...] = (
    _Rule(re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"), _iso, 0.97),
    _Rule(
        re.compile(
            rf"(?:(?P<y>\d{{4}})年|(?P<ny>明年))?(?P<m>{_ZH_NUM})月(?P<d>{_ZH_NUM})(?:日|号)"
        ),
        _zh_month_day,
        0.95,
    ),
    _Rule(
        re.compile(r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/%])"),
        lambda m, meeting: _on_or_after(meeting, int(m.group("m")), int(m.group("d"))),
        0.9,
    ),
    _Rule(re.compile(rf"(?<![月\d])(?P<d>{_ZH_NUM})(?:日|号)(?![线楼机])"), _zh_day, 0.85),
    _Rule(
        re.compile(
            r"(?P<p>下下|下个?|本|这个?|这)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])(?![号线楼])"
        ),
        _zh_weekday,
        0.88,
    ),
    _Rule(re.compile(r"今天|今日|今晚|当天|下班前"), _const(0), 0.95),
    _Rule(re.compile(r"明天|明日|明早"), _const(1), 0.95),
    _Rule(re.compile(r"后天"), _const(2), 0.95),
    _Rule(
        re.compile(rf"(?P<n>{_ZH_NUM}|半)个?(?P<unit>工作日|天|日|周|星期|礼拜)(?:之内|以内|内)"),
        _zh_within,
        0.9,
    ),
    _Rule(
        re.compile(r"(?:本|这)(?:周|星期)(?:内|之内|末前)?(?![一二三四五六日天])"), _friday(0), 0.85
    ),
    _Rule(re.compile(r"下(?:周|星期)(?:内|之内)(?![一二三四五六日天])"), _friday(1), 0.7),
    _Rule(
        re.compile(rf"(?:(?P<next>下个?月)|本月|(?P<m>{_ZH_NUM})月)?(?:月底|底|月末)"),
        _zh_month_end,
        0.9,
    ),
    _Rule(re.compile(r"年底|年末"), _year_end, 0.85),
    _Rule(
        re.compile(
            r"下下?(?:周|星期|礼拜)(?![一二三四五六日天])|下个?月初?|月初|月中|节后|年后|节前"
            r"|近期|尽快|尽早|[一二三四]季度|Q[1-4]|下次会议|下次|周末|上旬|中旬|下旬"
        ),
        _none,
        0.4,
    ),
)


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def find_dues(text: str, *, meeting_date: date, lang: str | None = None) -> list[Due]:
    """Every due-date expression in `text`, left to right, longest match winning overlaps."""
    zh = _is_cjk(text) if lang is None else lang == "zh"
    rules = _ZH_RULES if zh else _EN_RULES
    found: list[tuple[int, int, _Rule, re.Match[str]]] = []
    for rule in rules:
        for match in rule.pattern.finditer(text):
            found.append((match.start(), match.end(), rule, match))
    # Chinese notes often carry English-style dates too ("1/9前", "EOW").
    if zh:
        for rule in _EN_RULES[:3]:
            for match in rule.pattern.finditer(text):
                found.append((match.start(), match.end(), rule, match))
    found.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    chosen: list[tuple[int, int, _Rule, re.Match[str]]] = []
    for item in found:
        if all(item[1] <= other[0] or item[0] >= other[1] for other in chosen):
            chosen.append(item)
    chosen.sort(key=lambda item: item[0])
    dues: list[Due] = []
    for start, end, rule, match in chosen:
        resolved = rule.resolve(match, meeting_date)
        before, after = text[:start], text[end:]
        if zh:
            marked = bool(_ZH_MARK_BEFORE.search(before) or _ZH_MARK_AFTER.match(after))
            event = not marked and bool(
                _ZH_EVENT_AFTER.match(after) or _ZH_EVENT_BEFORE.search(before)
            )
        else:
            marked = bool(_EN_MARK.search(before))
            event = not marked and bool(_EN_EVENT.search(before))
        words_start = start
        mark = (_ZH_MARK_BEFORE if zh else _EN_MARK).search(before)
        if marked and mark is not None and not zh:
            words_start = mark.start()
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
            )
        )
    return dues


def find_due(text: str, *, meeting_date: date, lang: str | None = None) -> Due | None:
    """The expression most likely to be the deadline: marked ones first, then resolved ones."""
    dues = find_dues(text, meeting_date=meeting_date, lang=lang)
    if not dues:
        return None

    def rank(due: Due) -> tuple[int, int, int, float]:
        return (int(due.marked), int(not due.event), int(due.date is not None), due.confidence)

    best = max(dues, key=rank)
    return best
