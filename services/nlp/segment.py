"""Notes cut into sentences that remember where they sit: section, list, table row, speaker."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from services.nlp.cues import EN, says_only_yes

__all__ = ["Sentence", "detect_language", "segment"]

SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "actions": (
        "action item", "action items", "actions", "action", "next steps", "next step", "to do",
        "todo", "to-dos", "todos", "follow-ups", "follow ups", "follow-up", "tasks",
        "actions required", "actions needed", "assignments", "owners", "ai", "ais",
        "待办", "待办事项", "行动项", "行动计划", "后续行动", "后续事项", "任务", "跟进事项",
        "下一步", "分工", "任务分工", "会后任务", "责任分工", "工作分工", "下步工作",
        "下一步工作", "下一步工作安排", "督办事项", "落实事项", "任务清单", "后续跟进",
        "议定事项", "会议议定事项", "会后事项", "会后待办", "会后跟进", "会后工作",
        "后续安排", "后续工作安排", "会后安排", "后续计划", "工作安排", "任务安排",
    ),
    "decisions": ("decisions", "decision", "decided", "agreements", "resolutions",
                  "决议", "决定", "结论", "会议决定", "决策"),
    "questions": ("open questions", "questions", "open issues", "parking lot", "question",
                  "open items", "待定", "待定问题", "问题", "待讨论", "遗留问题", "疑问"),
    "status": ("updates", "update", "status", "done", "completed", "progress", "highlights",
               "进展", "已完成", "完成情况", "进度", "回顾", "进展汇报", "进度汇报", "工作汇报",
               "工作进展", "项目进展", "进展情况", "本周进展", "上周进展", "工作回顾",
               "status update", "status updates", "progress report", "progress update",
               "概况", "故障概况", "事故概况", "事件概况", "故障经过", "事件经过", "时间线",
               "timeline", "incident timeline", "what happened"),
    # A meeting tool's transcript or summary under its own heading (Feishu Minutes' `智能纪要`
    # and `文字记录`, a Teams or Zoom `Transcript`): whatever came before, the discussion.
    "other": ("transcript", "full transcript", "meeting transcript", "raw transcript",
              "文字记录", "逐字稿", "转写", "转写文本", "转写记录", "文字稿", "录音转写",
              "会议转写", "发言记录", "智能纪要", "会议摘要", "ai 纪要", "ai 摘要"),
}  # fmt: skip
_SECTION_LOOKUP = {word: kind for kind, words in SECTION_WORDS.items() for word in words}

# Possessive, and the title's end found by rstrip: "#{1,6}\s+(.+?)\s*#*\s*$" tried every split
# of a run of spaces between its four quantifiers (cubic time on "# a" and 1,200 spaces).
_HEADING_MD_START = re.compile(r"\s{0,3}+#{1,6}+\s++")
# `**Tasks** (Loop task list — synced to Planner)`: the note after the title is not part of it.
_HEADING_BOLD = re.compile(
    r"^\s*+\*\*(?P<t>[^*]{1,60})\*\*\s*+[:：]?\s*+(?:[(（][^()（）\n]{1,40}+[)）]\s*+[:：]?\s*+)?$"
)
# `【待办事项】`, `【待办事项】（AI 生成）`: the note in brackets after the title is not part of it.
_HEADING_BRACKET = re.compile(
    r"^\s*[【\[](?P<t>[^】\]]{1,20})[】\]]\s*(?:[（(][^（）()\n]{1,16}[）)])?\s*$"
)
# `▍人工补充`, `▌关键结论`: a block mark before a short title (Feishu and WeChat articles).
_HEADING_BLOCK_MARK = re.compile(r"^\s*+[▍▌▎█◆]\s*+(?P<t>\S[^\n]{0,19}?)\s*$")
_HEADING_ZH_NUM = re.compile(r"^\s*[一二三四五六七八九十]+[、.．]\s*(?P<t>.{1,20})$")
# `附：行动项清单`, `Appendix: action log`: an appendix's title after its label.
_HEADING_ANNEX = re.compile(
    r"^\s{0,4}+(?:附|附件|附表|appendix|annex)\s{0,2}+[:：]\s{0,2}+(?P<t>[^:：|\n]{1,30}+)$",
    re.IGNORECASE,
)
# `Checklist: IT — @nadiac (0/4)`: a card's checklist (Trello, Planner) over its boxes.
_HEADING_CHECKLIST = re.compile(
    r"^\s{0,4}+(?:checklist|检查清单|清单)\s{0,2}+[:：]\s{0,2}+(?P<t>[^:：|\n]{1,60}+)$",
    re.IGNORECASE,
)
_CAPS_HEADING = re.compile(
    r"^\s{0,4}+[A-Z]{2,20}+(?:[ \t]{1,2}+(?:[A-Z]{2,20}+|&|/|[—–-])){1,5}+[ \t]{0,2}+$"
)
_HEADING_COLON = re.compile(r"^\s*+(?P<t>[^:：|\s][^:：|]{0,39}?)\s*[:：]\s*$")
# Notion, Loop and OneNote exports write `▸`, `▪`, `◦` for bullets and `☐`/`☑` for boxes;
# a DingTalk or Teambition board read off a screenshot, `□` open and `✓` done.
_BULLET = re.compile(
    r"^(?P<indent>\s*)(?P<marker>(?:[-*•+·▸▹►▪◦‣●■○>]|\d{1,3}[.)）、]|[a-zA-Z][.)]|[(（]\d{1,3}[)）]"
    # `6.1 Anil – design…`, `2.3.1 …`: an outline's numbers.
    r"|\d{1,2}(?:\.\d{1,2}){1,3}+\.?+"
    r"|[一二三四五六七八九十]+、)\s+|(?:[-*•+]\s*)?(?=\[[ xX✓]\]|[☐□☑☒✅✔✓])"
    # `1、跟进剩余发票`: Chinese numbering needs no space after 、.
    r"|(?:\d{1,3}|[一二三四五六七八九十]{1,3}+)[、）](?=[^\s、）]))"
)
_CHECKBOX = re.compile(r"^(?:\[(?P<state>[ xX✓])\]|(?P<box>[☐□☑☒✅✔✓]))\s*")
# "[19/05/2026, 16:02] Emma:", "[08-03 07:15] 曹磊(制片)：", "[2026-08-03 07:15]": a chat
# export's date goes with the time.
_TIMESTAMP = re.compile(
    r"^\s*(?:\[\s*)?\(?(?:(?:\d{4}[-/.])?\d{1,2}[-/.]\d{1,2}(?:[/.]\d{2,4})?,?\s{0,3}+)?"
    r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?\)?"
    r"(?:\s*\])?\s*[-–]?\s*"
)
# `周婉婷@XX乳业：` (a WeCom external group): the name, then the company after `@`.
_TURN = re.compile(
    r"^(?P<speaker>(?:\*\*)?[A-Z\u4e00-\u9fff@][\w\u4e00-\u9fff.'’ -]{0,28}?(?:\*\*)?)"
    # `郑雅婷 Tina：`: an English name after the Chinese one is the same person.
    r"(?:(?<=[\u4e00-\u9fff])[ \t][A-Z][A-Za-z]{0,19})?"
    r"(?:@(?P<org>[^\s:：@]{1,20}))?"
    # `Kofi (Dispatch) 07:05: …` (an SMS export): the role may come before the time too.
    r"(?: \d{1,2}:\d{2})?(?:\s*[(（](?P<role>[^)）]{1,30})[)）])?(?: \d{1,2}:\d{2})?"
    r"(?:\*\*)?\s*[:：](?:\*\*)?\s*"
    r"(?P<rest>\S.*)$"
)
_TURN_SPACED = re.compile(
    r"^(?P<speaker>[A-Za-z][\w.'’-]{0,20}+(?: [A-Za-z0-9][\w.'’-]{0,20}+)?+)(?P<role>)[ \t]{2,16}+"
    # (`naledi  09:17  @zanele pls…`, the time after the name, is a Slack export's line)
    r"(?!\d{1,2}:\d{2})(?P<rest>\S.*)$"
)
_TURN_HANDLE = re.compile(
    r"^(?P<speaker>[a-z][a-z0-9._-]{1,20}+)(?:\s{0,2}+[(（](?P<role>[^)）\n]{1,30}+)[)）])?"
    # `werner  09:15  I'll update the register`: a Slack export's name, time, then the words.
    r"(?:\s{0,2}+:|[ \t]{1,4}+\d{1,2}:\d{2}(?:[ \t]?+[AaPp][Mm])?+(?=[ \t]))\s{0,3}+(?P<rest>\S.*)$"
)
# `Sam  4:12 PM  I'll order the salt`: a line copied from Slack, its sender, the time, then
# the words; a turn even in minutes that paste a few such lines under them.
_SLACK_STAMPED = re.compile(
    r"^(?P<speaker>[A-Za-z][\w.'’-]{0,20}+(?: [A-Z][\w.'’-]{0,20}+)?+)(?P<role>)[ \t]{1,4}+"
    r"\d{1,2}:\d{2}(?:[ \t]?+[AaPp][Mm])?+[ \t]{1,4}+(?P<rest>\S.*)$"
)
# A chat turn that announces the recap list under it.
RECAP_INTRO = re.compile(
    # `TODO list 我整理下：`, `待办整理一下👇`: the list that follows restates the chat.
    r"(?:总结|汇总|小结|捋一下|整理一?下|recap|summary|summing\s{1,3}+up|to\s{1,3}+sum\s{1,3}+up"
    r"|wrap[- ]?up|to-?do\s{0,2}+list)"
    r"[^:：\n👇⬇↓]{0,20}+(?:[:：]|👇|⬇️?|↓)\s{0,3}+$",
    re.IGNORECASE,
)
_ATTENDEES = re.compile(
    r"^(?:\*\*)?(?:attendees|participants|present|absent|apologies|attendance|invitees|cc"
    r"|参会人员?|与会人员?|出席人员?|参加人员?|缺席)(?:\*\*)?\s*[:：]",
    re.IGNORECASE,
)
# Possessive throughout: "\s*\|?\s*" tried every split of a run of spaces between them.
# "TODO(AF): finish the fixes", "会议决定：…": a label with its content, not a heading.
_INLINE_CONTENT = re.compile(r"[:：]\s{0,3}+[^\s*_]")
# A table's rule row: `|---|:--:|`, and a terminal's `-----+------+-----` (psql, MySQL).
_TABLE_SEP = re.compile(r"^\s*+[|+]?+\s*+:?+-++:?+\s*+(?:[|+]\s*+:?+-++:?+\s*+)*+[|+]?+\s*+$")
_NON_SPEAKER = {
    "decision", "decisions", "question", "questions", "action", "actions", "todo", "note",
    "notes", "status", "update", "updates", "agenda", "attendees", "participants", "date",
    "time", "location", "summary", "next steps", "owner", "due", "ai", "fyi", "re", "topic",
    "q", "a", "info", "risk", "risks", "blocker", "blockers", "outcome", "result", "results",
    "root cause", "staffing", "tooling", "chatbot", "macros", "release", "agenda item",
}  # fmt: skip
_ZH_NON_SPEAKER = {"备注", "结论", "决定", "决议", "已完成", "进展", "问题", "待讨论", "待办",
                   "参会人", "参会人员", "时间", "地点", "主题", "议题", "已确定", "说明",
                   "讨论", "行动项", "会议决定", "背景", "风险", "待定"}  # fmt: skip


@dataclass(frozen=True)
class Sentence:
    """One sentence of the notes; `text == notes[start:end]`."""

    start: int
    end: int
    text: str
    lang: str
    section: str = "other"
    block: str = "prose"  # prose | bullet | checkbox | checked | table | turn
    speaker: str | None = None
    speaker_role: str | None = None
    label: str | None = None  # "Tom" in "Tom: book the budget", "ACTION", "Decision"
    cells: tuple[tuple[str, str, int, int], ...] = ()  # table: (column role, text, start, end)
    unit: int = 0  # sentences of one bullet, row or turn share it
    turn: int = -1  # index of the transcript turn
    heading: str = ""
    # Blank-line-separated blocks between the heading and this sentence: a sign-off after
    # the list under `Action items` is not one of its lines.
    paragraph: int = 0
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN_RUN = re.compile(r"[A-Za-z]+")


def detect_language(text: str) -> str:
    """ "zh" when Chinese characters are a fair share of the letters, else "en"."""
    cjk = sum(map(len, _HAN_RUN.findall(text)))
    latin = sum(map(len, _LATIN_RUN.findall(text)))
    return "zh" if cjk and cjk * 2 >= latin * 0.5 else "en"


# Marks around a heading's words, emoji included: `✅ Action Items`, `📝 Overview` (AI summaries).
# `—— 文字记录 ——`, `=== Action items ===`: a rule drawn around the heading's words too.
_TITLE_MARKS = re.compile(
    r"[*_#`:：\[\]【】()（）—–=\u2190-\u2bff\ufe0f\u200d\U0001f000-\U0001faff]+"
)


_BRACKETED_NOTE = re.compile(r"(?<=\S)\s*+[(（][^()（）]{1,40}+[)）]\s*+$")


def _exact_section(title: str) -> bool:
    """The whole title is a section word (`Action Items`, `待办事项`), nothing more than a note
    on it in brackets (`行动项（统一挂在 Jira INC-482 下）`)."""
    clean = _TITLE_MARKS.sub(" ", _BRACKETED_NOTE.sub("", title.strip())).strip().lower()
    return re.sub(r"\s+", " ", clean) in _SECTION_LOOKUP


def section_kind(title: str) -> str | None:
    """The kind of section a heading opens, or None when the title is not a heading word."""
    # `四、行动项（统一挂在 Jira INC-482 下）`: the section's word, then a note on it in brackets.
    bare = _BRACKETED_NOTE.sub("", title.strip())
    if bare != title.strip() and bare.strip() and (kind := section_kind(bare)) is not None:
        return kind
    clean = _TITLE_MARKS.sub(" ", title).strip().lower()
    clean = re.sub(r"\s+", " ", clean)
    clean = re.sub(r"^(?:\d+[.)]?|[一二三四五六七八九十]+[、.])\s*", "", clean)
    # `待办汇总`, `Action items summary`: a recap of the section is the section.
    clean = re.sub(r"(?<=\S)\s?(?:汇总|清单|列表|一览|summary|recap)$", "", clean)
    if clean in _SECTION_LOOKUP:
        return _SECTION_LOOKUP[clean]
    # `智能纪要 · 待办` (a Feishu or Tencent Meeting summary's part).
    for sep in ("/", "&", " and ", "与", "和", "及", "·", "•", "|", "｜", " - ", "—", "–"):
        if sep in clean:
            parts = [p.strip() for p in clean.split(sep)]
            kinds = [_SECTION_LOOKUP.get(p) for p in parts]
            if "actions" in kinds:
                return "actions"
    # `Follow-ups, as agreed on the call:`, `Decisions (for the record)`: the section's word,
    # then a comment on it.
    # (Not a run of topics: `Tasks, budget and timeline`.)
    head = re.split(r"[,，(（]|\s[-–—]\s", clean, maxsplit=1)[0].strip()
    if (
        head != clean
        and _SECTION_LOOKUP.get(head) in {"actions", "decisions"}
        and not re.search(r"\sand\s|&|和|及", clean[len(head) :])
    ):
        return _SECTION_LOOKUP[head]
    # `Action items for next week`, `会议决定事项`; not a title that merely ends in a section
    # word (`Harbourview Gardens Incorporated Owners`).
    if len(re.sub(r"[(（][^()（）]*[)）]", " ", title).split()) > 3:
        return None
    for word, kind in sorted(_SECTION_LOOKUP.items(), key=lambda kv: -len(kv[0])):
        if len(word) > 3 and (clean.endswith(word) or clean.startswith(word)):
            return kind
    return None


_ABBREVIATIONS = frozenset(
    [
        "mr",
        "ms",
        "mrs",
        "dr",
        "vs",
        "st",
        "no",
        "jr",
        "sr",
        "e.g",
        "i.e",
        "etc",
        "approx",
        "dept",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "fig",
        "est",
        "inc",
        "ltd",
        "co",
    ]
)
_MONTH_ABBREVIATIONS = frozenset(
    ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)
# Only at the start of a run of stops, and possessive: a search that began inside a run of
# dots rescanned the run from every dot (quadratic on "....").
# A new sentence starts upper-case, or (in chat, written in lower case) with a stand-up label:
# `y'day PRs merged. today: I'm on the flaky tests`.
_EN_BOUNDARY = re.compile(
    r"(?<![.!?])[.!?]++[\"')\]]*+\s++"
    r"(?=[A-Z0-9\"'(\[@#*]|(?:today|tomorrow|tmrw|yesterday|y'day|next|blockers?|todo)\s{0,2}+:)"
)
_WORD_CHAR = re.compile(r"[\w.]")
_ZH_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")


def _word_before(text: str, *, start: int, end: int) -> str:
    """The run of word characters and dots that ends at `end` ("e.g" before ". Next")."""
    first = end
    while first > start and _WORD_CHAR.match(text, first - 1):
        first -= 1
    return text[first:end]


_ZH_SPOKEN_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) {1,2}+(?=[\u4e00-\u9fff])")
_ZH_PUNCTUATION = re.compile(r"[，。；！？、,;!?]")


def _spoken_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`…又报警了 小军你明天上午过来先把限位开关换了 覃丽你…`: speech turned into text
    with spaces where a speaker pauses and no punctuation; each pause ends a sentence."""
    gaps = list(_ZH_SPOKEN_GAP.finditer(text, start, end))
    if (
        end - start < 60
        or len(gaps) < 4
        or len(_ZH_PUNCTUATION.findall(text, start, end)) * 30 >= end - start
    ):
        return [(start, end)]
    pieces = []
    for gap in gaps:
        pieces.append((start, gap.start()))
        start = gap.end()
    pieces.append((start, end))
    return pieces


# A voice memo turned into text with no punctuation at all (`…closes at six so the av truck
# has to be in before that Ben needs to confirm the load-in slot by thursday and he should
# also get the rigging drawings…`): a new sentence starts where someone takes work on (a
# participant, I or we, someone) or the speaker moves on (`um`, `oh and`, `what else`); a he
# or she only after `and`, since `…the upright she said by friday` goes on with the same work.
_EN_SPOKEN_START = re.compile(
    r"(?<![\w'’])(?:"
    r"(?P<who>[A-Za-z][\w-]{0,30}+)(?:\s{1,3}+and\s{1,3}+[A-Za-z][\w-]{0,30}+)?"
    r"(?:'ll|’ll|'d|’d|\s{1,3}+(?:will|(?:is|are|am)\s{1,3}+going\s{1,3}+to|needs?\s{1,3}+to"
    r"|ha(?:s|ve)\s{1,3}+to|should|must|decided|agreed"
    r"|said\s{1,3}+(?:she|he|they)(?:'d|’d|'ll|’ll|\s{1,3}+(?:would|will))))\b"
    r"|and\s{1,3}+(?:also\s{1,3}+)?(?:she|he|they)(?:'ll|’ll|\s{1,3}+(?:will|should"
    r"|(?:is|are)\s{1,3}+going\s{1,3}+to|needs?\s{1,3}+to|ha(?:s|ve)\s{1,3}+to))\b"
    r"|(?:um|uh|ah|erm|oh\s{1,3}+and|right\s{1,3}+and|what\s{1,3}+else|note\s{1,3}+to\s{1,3}+self)\b)",
    re.IGNORECASE,
)
_EN_SPOKEN_SUBJECTS = frozenset({"i", "we", "somebody", "someone"})
_EN_PUNCTUATION = re.compile(r"[.,;:!?](?:\s|$)")


def _en_spoken_pieces(text: str, span: tuple[int, int], known: set[str]) -> list[tuple[int, int]]:
    """`span` cut into sentences when it is 40 words or more with next to no punctuation."""
    start, end = span
    words = text.count(" ", start, end) + 1
    if words < 40 or len(_EN_PUNCTUATION.findall(text, start, end)) * 20 > words:
        return [span]
    pieces = []
    pos = start
    while (match := _EN_SPOKEN_START.search(text, pos, end)) is not None:
        who = match.group("who")
        if who is not None and who.lower() not in known and who.lower() not in _EN_SPOKEN_SUBJECTS:
            # Not a person (`thursday and he should…`): look again one word on, where the
            # `and he` may start; every try is bounded, so the scan stays linear.
            pos = match.start() + len(who)
            continue
        cut = match.start()
        if text[start:cut].strip():
            pieces.append((start, cut))
            start = cut
        pos = match.end()
    pieces.append((start, end))
    return [(a, a + len(text[a:b].rstrip())) for a, b in pieces]


def _split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans inside one line or paragraph (offsets into `text`)."""
    raw: list[tuple[int, int]] = []
    if lang == "zh":
        raw = [
            part
            for m in _ZH_SENTENCE.finditer(text)
            for part in _spoken_pieces(text, m.start(), m.end())
        ]
    else:
        start = 0
        for match in _EN_BOUNDARY.finditer(text):
            word = _word_before(text, start=start, end=match.start())
            short = word.lower().rstrip(".")
            # `moved to 3 Nov. NA to prep docs`: a month's abbreviation ends the sentence
            # unless its day follows (`Nov. 3`).
            following = text[match.end() : match.end() + 1]
            # `award to Secure-Vision Ltd. Ms. Lau to prepare…`: a company's or a list's end
            # before a capital ends the sentence too.
            if short in _ABBREVIATIONS and not (
                (short in _MONTH_ABBREVIATIONS and not following.isdigit())
                or (short in {"ltd", "inc", "etc"} and following.isupper())
            ):
                continue
            if len(word) == 1 and word.isupper():
                continue  # an initial: "Mark O. will"
            raw.append((start, match.end()))
            start = match.end()
        raw.append((start, len(text)))
    spans = []
    for start, end in raw:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


# `Luis will change the limit on Monday, and Rhea will brief the agents`: two people, two items.
_NEXT_CLAUSE = re.compile(
    r"(?<![,;])[,;]\s{1,3}+(?:and\s{1,3}+|while\s{1,3}+|but\s{1,3}+)?"
    r"(?=(?P<who>@?[A-Z][\w'’-]{0,30}+)(?:\s{1,3}+|(?='))(?:will|'ll|’ll|is\s{1,3}+going\s{1,3}+to|to)\b)"
)
# `I'll have a hotfix in 30 min, need Omar to validate on staging`: the speaker's own, then
# work asked of a colleague by name.
_NEXT_NEED_CLAUSE = re.compile(
    r"(?<![,;])[,;]\s{1,3}+(?:and\s{1,3}+|but\s{1,3}+)?"
    r"(?=(?:(?:I|we)\s{1,3}+)?need\s{1,3}+(?P<who>@?[A-Z][\w'’-]{0,30}+)\s{1,3}+to\b)"
)
# `Priya is going to put up the signage, and she'll brief the volunteers by July 31`, `I'll
# draft a status post, but someone from ops needs to sign it off`: after the first one's
# commitment, a second by the same person or left for a taker.
_NEXT_OTHER_CLAUSE = re.compile(
    r"(?<![,;])(?:[,;]\s{1,3}+|\s{1,3}+)(?:and|but)\s{1,3}+(?=(?:(?:she|he|they)(?:'ll|’ll"
    r"|\s{1,3}+will|\s{1,3}+(?:is|are)\s{1,3}+going\s{1,3}+to)|(?:someone|somebody)(?:\s{1,3}+from"
    r"\s{1,3}+[\w-]{1,20}+)?\s{1,3}+(?:needs|has|should|must)\s{1,3}+to)\b)"
)
_COMMITS = re.compile(r"\b(?:will|to|going\s{1,3}+to)\b|'ll\b|’ll\b")
# A recap in the present, `Siobhan sends sponsor logos today; Aoife gets artwork to the printer
# by the 15th`: two people's work, each a name then a verb in -s, apart by a semicolon.
_NEXT_PRESENT_CLAUSE = re.compile(
    r"(?<![,;]);\s{1,3}+"
    r"(?=(?P<who>@?[A-Z][\w'’-]{0,30}+)"
    r"(?:\s{1,3}+and\s{1,3}+[A-Z][\w'’-]{0,30}+\s{1,3}+[a-z]{2,20}|\s{1,3}+[a-z]{2,20}s)\b)"
)
_PRESENT_LEAD = re.compile(
    r"\W{0,3}+(?P<who>@?[A-Z][\w'’-]{0,30}+)(?:\s{1,3}+and\s{1,3}+[A-Z][\w'’-]{0,30}+)?\s{1,3}+[a-z]{2,20}s\b"
)
# `I'll book the launch for the crew changes, and I'll send you the revised DA by Monday`:
# two of the speaker's own, joined by `and` (without it, `…, I'll get them couriered by
# Thursday` goes on with the same work).
_NEXT_I_CLAUSE = re.compile(r"(?<![,;])[,;]\s{1,3}+and\s{1,3}+(?=I(?:'ll|’ll|\s{1,3}+will)\b)")
# `I'll ring Brown's for an engineer today, and can you move the lorry to Wednesday`: the
# speaker's own, then work asked of the one listening.
_NEXT_ASK_CLAUSE = re.compile(
    r"(?<![,;])[,;]\s{1,3}+and\s{1,3}+(?=(?:can|could|would)\s{1,3}+(?:you|u)\b)", re.IGNORECASE
)
# `I'll`, `I will`: the speaker's own commitment (also read by `notes`).
I_WILL = re.compile(r"\bI(?:'ll|’ll|\s{1,3}+will)\b")


def _clauses(text: str, span: tuple[int, int], known: set[str]) -> list[tuple[int, int]]:
    """`span` cut where a participant's own commitment follows another commitment."""
    start, end = span
    parts = []
    found = [
        *_NEXT_CLAUSE.finditer(text, start, end),
        *_NEXT_I_CLAUSE.finditer(text, start, end),
        *_NEXT_ASK_CLAUSE.finditer(text, start, end),
        *_NEXT_NEED_CLAUSE.finditer(text, start, end),
        *_NEXT_OTHER_CLAUSE.finditer(text, start, end),
        *_NEXT_PRESENT_CLAUSE.finditer(text, start, end),
    ]
    for match in sorted(found, key=lambda m: m.start()):
        if match.start() < start:
            continue
        if match.re is _NEXT_PRESENT_CLAUSE:
            lead = _PRESENT_LEAD.match(text, start, match.start())
            if (
                lead is None
                or lead.group("who").lstrip("@").lower() not in known
                or match.group("who").lstrip("@").lower() not in known
            ):
                continue
        elif match.re is _NEXT_OTHER_CLAUSE:
            if not _COMMITS.search(text, start, match.start()):
                continue
        elif "who" in match.re.groupindex:
            who = match.group("who").lstrip("@").lower()
            if who not in known or not _COMMITS.search(text, start, match.start()):
                continue
        elif I_WILL.search(text, start, match.start()) is None and not (
            match.re is _NEXT_I_CLAUSE and says_only_yes(text[start : match.start()], "en")
        ):
            continue  # `will do, and I'll do the postmortem draft tomorrow`: a yes, then more
        parts.append((start, match.start()))
        start = match.end()
    parts.append((start, end))
    return parts


_ZH_NEXT_CLAUSE = re.compile(r"[；;]\s{0,2}+")
_ZH_OWN_DEADLINE = re.compile(
    r"(?:\d{1,2}\s?[/月]\s?\d{1,2}\s?[日号]?|\d{1,2}\s?[日号]|年底|月底|周[一二三四五六日天末]|本周"
    r"|下周[一二三四五六日天]|明天|后天|今天)\s?(?:之前|以前|前|截止)"
)
# `他还要…`, `她同时表示会…`, `他顺便把…`: he or she taking on work (also read by `shapes`).
ZH_HE_COMMITS = re.compile(
    r"[他她](?:顺便|也|还|再|就|同时)?(?:表示|答应|承诺)?(?:会|将|要(?!求)|负责|来|把|去)"
)


# `老方你明天上午把报价单发给客户哈，周五展会的易拉宝我去跟印刷厂对一下`: work asked of
# someone (你, 负责), then the speaker's own (我去/我这边…), after a comma. (`…，他还要…`
# is one item as often as two in the blind sets, so he and she stay with the clause before.)
_ZH_ASKED_CLAUSE = re.compile(r"你|负责")
_ZH_MY_CLAUSE = re.compile(
    r"[^，,。；;]{0,10}?我(?:这边|这里|自己)?(?:去|来|会|先|再|把|明天|今天|下午|上午|晚上|马上|负责)"
)
_ZH_COMMA = re.compile(r"[，,]\s{0,2}+")


_ZH_SETTLED = re.compile(r"已经?|[定好完]了")


def _zh_comma_clauses(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    start, end = span
    parts = []
    asked = False  # whether the part so far asks work of someone (read once, left to right)
    read_to = start
    for match in _ZH_COMMA.finditer(text, start, end):
        asked = asked or _ZH_ASKED_CLAUSE.search(text, read_to, match.start()) is not None
        read_to = match.start()
        if (
            match.start() - start >= 6
            and end - match.end() >= 6
            and text.startswith("@", match.end())
            and _ZH_SETTLED.search(text, start, match.start())
        ):
            # `主会场banner的文案已经定了，@周宇航 素材最晚明天中午给到设计`: what is settled,
            # then work asked of someone.
            parts.append((start, match.end()))
            start = read_to = match.end()
            asked = False
            continue
        if match.start() - start < 6 or end - match.end() < 6 or not asked:
            continue
        if not _ZH_MY_CLAUSE.match(text, match.end(), end):
            continue
        parts.append((start, match.end()))
        start = read_to = match.end()
        asked = False
    parts.append((start, end))
    return parts


_AT_KNOWN = re.compile(r"@([^\s@，。；,;:：]{1,20}+)")


def _zh_clauses(text: str, span: tuple[int, int], known: set[str]) -> list[tuple[int, int]]:
    """`小张明天去海关取报关单；娜娜把对账单月底前对完`: cut at `；` where a participant's
    name starts the next part, each person's work a sentence of its own."""
    start, end = span
    parts = []
    for match in _ZH_NEXT_CLAUSE.finditer(text, start, end):
        after = text[match.end() : match.end() + 6]
        following = _ZH_NEXT_CLAUSE.search(text, match.end(), end)
        part_end = following.start() if following else end
        # Both parts a piece of work, not a list of names (`出席：许丽；高远；…`).
        if match.start() - start < 8 or part_end - match.end() < 8:
            continue
        # `…年底前形成排查报告；她还要在12月28日前发出提醒通知`: the same person's second piece
        # of work, by pronoun, is an item of its own too.
        # `郑雅芳：…测算底稿，年底前；盘点差异 2 项 1/8 前查清`: two pieces of work, each
        # with its own deadline, are two items of the one named.
        # `婷婷下周二前出节目单初稿；抽奖系统 @闫斌 周三测一遍`: someone else's, by handle.
        handle = _AT_KNOWN.search(text, match.end(), part_end)
        if (
            not any(after.startswith(name) for name in known if name)
            and not (handle and handle.group(1).lower() in known)
            and not ZH_HE_COMMITS.match(after)
            and not (
                _ZH_OWN_DEADLINE.search(text, start, match.start())
                and _ZH_OWN_DEADLINE.search(text, match.end(), part_end)
            )
        ):
            continue
        parts.append((start, match.end()))
        start = match.end()
    parts.append((start, end))
    return parts


def _markdown_heading(line: str) -> str | None:
    """The title of a Markdown heading (`## Next steps ##` gives "Next steps"), or None."""
    start = _HEADING_MD_START.match(line)
    if start is None:
        return None
    rest = line[start.end() :].rstrip()
    if not rest:
        return None
    return rest.rstrip("#").rstrip() or rest[:1]


# `发言人2`, `说话人 1`, `Speaker 3`: a meeting tool's numbered speaker.
_NUMBERED_SPEAKER = re.compile(r"(?:发言人|说话人|讲话人|[Ss]peaker)[ \t]?\d{1,2}")


def _speaker_of(line: str, known: set[str]) -> re.Match[str] | None:
    # `07:12  UNIT 4      Tagging out now.`: a radio log's call sign, its words after a wide
    # gap (the time is gone by now); only a participant's name or alias as listed, and before
    # `Name: …`, as `DISPATCH    Northgate: gearbox failed` is Dispatch relaying Northgate.
    spaced = _TURN_SPACED.match(line)
    if spaced is not None and spaced.group("speaker").lower() in known:
        return spaced
    stamped = _SLACK_STAMPED.match(line)
    if stamped is not None and stamped.group("speaker").lower() in known:
        return stamped
    match = _TURN.match(line)
    if match is None:
        # `nikhil: I'm on the flaky tests`: a Slack handle in lower case speaks only when it
        # is a participant's name or alias, or the first word of one.
        handle = _TURN_HANDLE.match(line)
        if handle is None or not known:
            return None
        low = handle.group("speaker")
        if low in known or any(k.split()[0] == low for k in known):
            return handle
        return None
    speaker = match.group("speaker").strip("* ").strip()
    if match.group("role") and _NUMBERED_SPEAKER.fullmatch(speaker):
        speaker = match.group("role").strip()  # `发言人2（黄思琪）：…`
    low = speaker.lower()
    if low in _NON_SPEAKER or speaker in _ZH_NON_SPEAKER or len(speaker.split()) > 3:
        return None
    if known and low not in known and not any(low.startswith(k) for k in known):
        return None
    return match


def _is_transcript(lines: list[str], known: set[str]) -> bool:
    body = [_TIMESTAMP.sub("", line) for line in lines if line.strip()]
    if len(body) < 3:
        return False
    prose = [line for line in body if not _BULLET.match(line)]
    turns = sum(1 for line in prose if _speaker_of(line, known) is not None)
    # A chat's 接龙 or pasted list is part of a turn: its numbered lines are not counted.
    return turns >= 3 and turns >= 0.5 * len(prose)


def _pipe_header(line: str) -> bool:
    """`Task | R | A | C | I`, `Action | Owner | Due`: a table header without outer pipes."""
    roles = _table_roles([c[0] for c in _split_cells(line)])
    return "what" in roles and "owner" in roles


def _table_roles(cells: list[str]) -> list[str]:
    roles = []
    lows = [re.sub(r"[*_`]", "", cell).strip().lower() for cell in cells]
    # A RACI table (`Task | R | A | C | I`): the one Responsible does the work.
    raci = {"r", "a"} <= set(lows)
    for low in lows:
        if raci and low in {"r", "a", "c", "i"}:
            roles.append("owner" if low == "r" else "other")
        elif re.search(
            r"owner|assign|who|responsible|\blead\b|\bpic\b|负责|责任人|执行人|牵头|承办|跟进人"
            # `问题 | 整改人 | 完成时限` (an inspection's rectification list)
            r"|整改人|处理人|经办人|落实人|对接人",
            low,
        ):
            roles.append("owner")
        elif re.search(r"start|begin|开始|启动", low) and not re.search(r"due|截止", low):
            roles.append("other")  # Planner's `Start date` beside its `Due date`
        elif re.search(r"due|deadline|\bdate|when|eta|截止|完成时间|时间|日期|期限|时限", low):
            roles.append("due")
        elif re.search(r"priority|优先级|prio", low):
            roles.append("priority")
        elif re.search(r"status|状态|state|progress|进度|完成情况|\brag\b", low):
            roles.append("status")
        elif re.search(
            r"action|task|item|what|description|事项|任务|内容|行动|工作|描述|todo", low
        ):
            roles.append("what")
        elif low in {"#", "id", "no", "no.", "编号", "序号", ""}:
            roles.append("id")
        else:
            roles.append("other")
    return roles


# `Assigned to: Kofi Mensah-Hague`, `Due: 11/20`: a cell that says what it holds.
_KEYED_CELL = re.compile(
    r"(?P<key>[A-Za-z][A-Za-z ]{0,20}+|[\u4e00-\u9fff]{2,6}+)\s{0,2}+[:：]\s{0,2}+"
)


def _keyed_cells(
    cells: list[tuple[str, int, int]],
) -> tuple[tuple[str, str, int, int], ...] | None:
    """A row whose owner or date cells carry their own names (a ticket export without a
    header), with each cell's role; None when the row does not say so."""
    placed = []
    named = set()
    for cell, start, end in cells:
        key = _KEYED_CELL.match(cell)
        role = _table_roles([key.group("key")])[0] if key else "other"
        if key and role in {"owner", "due"}:
            named.add(role)
            placed.append((role, cell[key.end() :], start + key.end(), end))
        else:
            placed.append(("other", cell, start, end))
    if not named or len(placed) - len(named) < 1 or len(placed) < 3:
        return None
    return tuple(placed)


def _split_cells(line: str) -> list[tuple[str, int, int]]:
    """Cells of a Markdown table row with their offsets in `line`."""
    cells = []
    body_start = line.index("|") + 1 if line.lstrip().startswith("|") else 0
    pos = body_start
    stripped_end = len(line.rstrip())
    end_limit = stripped_end - 1 if line.rstrip().endswith("|") else stripped_end
    while pos <= end_limit:
        nxt = line.find("|", pos)
        if nxt == -1 or nxt > end_limit:
            nxt = end_limit
        raw = line[pos:nxt]
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        cells.append((text, pos + lead, pos + lead + len(text)))
        pos = nxt + 1
        if nxt == end_limit:
            break
    return cells


_UNASSIGNED_GROUP = re.compile(
    r"(?:unassigned|no\s{1,3}+owner|owner\s{1,3}+tbd|未分配|待认领|待定负责人|负责人待定)\s{0,2}+[:：]?",
    re.IGNORECASE,
)


def _owner_group_line(stripped: str, known: set[str]) -> bool:
    """`Kyle Trott` or `Unassigned` alone on a line in a section of actions: the name of a
    group of the items under it."""
    if len(stripped) > 40 or _BULLET.match(stripped):
        return False
    return stripped.rstrip(":：").strip().lower() in known or bool(
        _UNASSIGNED_GROUP.fullmatch(stripped)
    )


# A register's columns: what makes a table a log of risks or issues, and its free-text notes.
_REGISTER_COLUMN = re.compile(
    r"risks?|issues?|likelihood|probability|impact|severity|mitigation|风险|风险描述|可能性|影响程度"
    r"|应对措施"
    # A decision log (`# | Decision | Owner | Date`): the owner decided it, nobody is to do it.
    r"|decisions?|决定|决议|决定事项",
    re.IGNORECASE,
)
_NOTES_COLUMN = re.compile(
    r"notes?|comments?|mitigation|next\s{1,2}+steps?|备注|说明|应对措施", re.IGNORECASE
)
_NOTE_COMMITS = re.compile(
    r"\b(?:to|will)\s{1,3}+[a-z]{2,}|['’]ll\s|负责|牵头|请|前完成|前提交|前给"
)
_NOTHING_TO_DO = frozenset({"无", "暂无", "none", "n/a", "na", "-", "—", "/", "nil"})


def _csv_cells(line: str) -> list[tuple[str, int, int]]:
    """Cells of a comma-separated row with their offsets, a quoted cell's commas kept
    (`"they want quarts, not half-gallons"`); the quotes stay in the cell."""
    cells = []
    start = 0
    quoted = False
    for index, char in enumerate(line + ","):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            raw = line[start:index]
            lead = len(raw) - len(raw.lstrip())
            text = raw.strip()
            cells.append((text, start + lead, start + lead + len(text)))
            start = index + 1
    return cells


def _tab_cells(line: str, sep: str = "\t") -> list[tuple[str, int, int]]:
    """Cells of a row pasted from a spreadsheet or a Feishu/DingTalk table, one tab apart
    (or ` / ` apart, as a checklist typed by hand: `事项 / 负责人 / 截止`), with their offsets
    in `line`; an empty cell stays a cell, so the columns keep their places."""
    cells = []
    pos = 0
    for raw in line.split(sep):
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        cells.append((text, pos + lead, pos + lead + len(text)))
        pos += len(raw) + len(sep)
    return cells


# A chat export's header, `宋佳 10:02` or `Tony 10:30`, alone on its line: the message
# follows on the next lines (Chinese chat exports, zh batches 09-10).
# `宋佳 10:02`, `沈洁（恒达物流-IT）10:02`, `Tina 09:40`: a chat export's speaker line.
_ZH_CHAT_HEADER = re.compile(
    # `区域经理-付晓光 09:01`: a WeCom group's role prefix before the name.
    # `Mia Wang 2026年9月29日 15:07`: an English name may have two words.
    r"^\s*+(?:[\u4e00-\u9fffA-Za-z]{1,8}+[-－—·])?+"
    r"(?P<speaker>[\u4e00-\u9fff]{1,6}+|[A-Z][A-Za-z.'’]{0,19}+[ ][A-Z][A-Za-z.'’]{0,19}+"
    r"|[A-Za-z][A-Za-z.'’]{0,19}+)"
    # `黄思敏 Cherry 00:05:30` (Feishu Minutes): an English name after the Chinese one.
    r"(?:(?<=[\u4e00-\u9fff])[ \t]{1,2}+[A-Z][A-Za-z.'’]{0,19}+)?+"
    r"(?:[ \t]{0,2}+[(（][^()（）\n]{1,30}+[)）][ \t]*+|[ \t]++)"
    # `姚倩 · 语音转文字 10:32`: what kind of message, between the name and the time.
    r"(?:[·•|][ \t]{0,2}+[\u4e00-\u9fffA-Za-z]{1,8}+[ \t]{1,2}+)?+"
    # `周老师 09-07 19:30`, `王磊 2026/09/07 19:30`: the day may come before the time.
    # `任一鸣 2026年9月29日 15:05` (WeChat, WeCom): the day in Chinese.
    r"(?:(?:\d{4}[-/.])?+\d{1,2}[-/.]\d{1,2}[ \t]{1,2}+"
    r"|(?:\d{4}[ \t]?年[ \t]?)?+\d{1,2}[ \t]?月[ \t]?\d{1,2}[ \t]?日[ \t]{0,2}+"
    # `李婧 昨天 15:05`, `周凯 星期二 下午3:05`: a phone's chat copied out as it shows the time.
    r"|(?:昨天|前天|今天|星期[一二三四五六日天]|周[一二三四五六日天])[ \t]{0,2}+)?+"
    r"(?:(?:上午|下午|中午|晚上|凌晨|早上)[ \t]?)?+"
    # `郑雅琴 05-07 11:34：`, the message on the lines under it.
    r"\d{1,2}:\d{2}(?::\d{2})?[ \t]*+[:：]?\s*+$"
)


# `Chris Oduya  0:15`, `Laura Jensen (Host)  10:02 AM`, `zoe park  9:12 AM`, `Liam O'Connor —
# 07/Jul/26 8:02 AM`, `Ayesha Qureshi - 12 Nov 2026, 11:05`, `Nakato Achieng · Feb 9, 8:14am`: a transcript's, chat export's or ticket comment's speaker line, the words
# said on the lines under it (only for a participant's name: see `_en_chat_header`).
_EN_CHAT_HEADER = re.compile(
    # `    ↳ Peter Yakam · Jun 24, 8:03 AM`: a reply in a thread (monday.com, Basecamp).
    # `Okafor, Chidi   0:04`: Teams writes a directory's `Surname, Given`.
    r"^\s*+(?:↳[ \t]{0,2}+)?+(?:\*\*)?+(?P<speaker>[A-Za-z][\w.'’-]{0,20}+(?:,?+ [A-Za-z][\w.'’-]{0,20}+){0,2}+)(?:\*\*)?+"
    r"(?:[ \t]{0,2}+[(（][^()（）\n]{1,30}+[)）])?+"
    # `  0:15`, `  9:12 AM` (Otter, Teams, Slack); ` — 07/Jul/26 8:02 AM` (Jira comments).
    # ` · Feb 9, 8:14am` (Basecamp).
    # ` — private note — 09:34 AM`, ` — Share with customer — 12/May/26 09:02` (help desks).
    r"(?:[ \t]{1,4}+|[ \t]{0,2}+[—–·-][ \t]{0,2}+(?:[\w/.,-]{1,12}+[ \t]{1,2}+(?:[—–·-][ \t]{1,2}+)?+){0,4}+)"
    r"\d{1,2}:\d{2}(?::\d{2})?+(?:[ \t]?+[AaPp]\.?[Mm]\.?)?+\s*+$"
)


# `2026-06-08 16:47:12 IDT — Yael Ben-David (Work notes)`: a ticket's work note (ServiceNow,
# Zendesk), the time first and the writer after it; `[7:48 AM] Kerry-Ann Brown`: a message
# copied out of a Teams chat, its text on the lines under it.
_EN_STAMP_HEADER = re.compile(
    r"^\s*+(?:\d{4}-\d{2}-\d{2}[ \tT]{1,2}+|\d{1,2}/\d{1,2}/\d{2,4},?[ \t]{1,2}+)?+"
    r"(?:\d{1,2}:\d{2}(?::\d{2})?+(?:[ \t]?+[AaPp]\.?[Mm]\.?)?+(?:[ \t]{1,2}+[A-Z]{2,5}+)?+"
    r"[ \t]{0,2}+[—–-]"
    r"|\[(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?+,?[ \t]{1,2}+)?+\d{1,2}:\d{2}(?::\d{2})?+"
    r"(?:[ \t]?+[AaPp]\.?[Mm]\.?)?+\])[ \t]{0,2}+"
    r"(?P<speaker>[A-Za-z][\w.'’-]{0,20}+(?: [A-Za-z][\w.'’-]{0,20}+){0,2}+)"
    r"(?:[ \t]{0,2}+[(（][^()（）\n]{1,30}+[)）])?+\s*+$"
)


# `Otieno Odhiambo commented · Nov 12, 2026 10:31`, `Sam Okafor commented`: a task tracker's
# comment (Asana, Jira, GitHub), the writer and a verb, the comment under it.
_EN_COMMENT_HEADER = re.compile(
    # `@karo-efe commented · May 20, 2026`: GitHub's, with the handle.
    r"^\s*+(?P<speaker>@?[A-Za-z][\w.'’-]{0,20}(?: [A-Za-z][\w.'’-]{0,20}){0,2}?)[ \t]{1,2}+"
    r"(?:commented|wrote|replied|posted|added[ \t]a[ \t]comment|mentioned[ \t]you)"
    # `Joana Lacerda commented on "Pix → EUR FX spread alert"` (an Asana or Jira digest).
    r"(?:[ \t]{1,2}+(?:on|in|to)[ \t]{1,2}+[\"“'‘][^\n]{1,80}+)?+"
    r"(?:[ \t]{0,2}+[·—–-][ \t]{0,2}+[^\n]{0,40}+)?+\s*+[:：]?\s*+$"
)


# `Internal note — Sushila Gurung, Mar 26, 16:40`: a help desk ticket's note (Zendesk,
# Freshdesk), its writer after the kind of note.
_EN_NOTE_HEADER = re.compile(
    r"^\s*+(?:internal|private|public)?+[ \t]?+(?:note|reply|comment)[ \t]{0,2}+[—–-][ \t]{0,2}+"
    r"(?P<speaker>[A-Za-z][\w.'’-]{0,20}(?: [A-Za-z][\w.'’-]{0,20}){0,2}?),[ \t]{0,2}+"
    r"[\w ,/.-]{0,30}?\d{1,2}:\d{2}(?:[ \t]?+[AaPp][Mm])?+\s*+$",
    re.IGNORECASE,
)


# `---- Internal note (Jago Trethewey, 09:41) ----`: a help desk's boxed note header.
_EN_BOXED_HEADER = re.compile(
    r"^\s*+[-=]{2,8}+[ \t]{0,2}+(?:(?:internal|private|public)[ \t]{1,2}+)?+"
    r"(?:note|reply|comment|message|update)[ \t]{0,2}+\([ \t]{0,2}+"
    r"(?P<speaker>[A-Za-z][\w.'’-]{0,20}+(?: [A-Za-z][\w.'’-]{0,20}+){0,2}+)[ \t]{0,2}+,"
    r"[^()\n]{0,30}+\)[ \t]{0,2}+[-=]{0,8}+\s*+$",
    re.IGNORECASE,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}+"
# `Andre Baptiste, Tue 10:11`, `Priya Sandhu · 45m ago`, `Dylan Pritchard — Apr 14`: a post's
# writer, then when it was posted (a weekday and time, how long ago, or a day).
_EN_DATED_HEADER = re.compile(
    r"^\s*+(?P<speaker>[A-Za-z][\w.'’-]{0,20}+(?: [A-Za-z][\w.'’-]{0,20}+){0,2}+)"
    r"(?:,[ \t]{1,2}+|[ \t]{0,2}+[·—–-][ \t]{0,2}+)"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}+,?+[ \t]{1,2}+\d{1,2}:\d{2}(?:[ \t]?+[ap]m)?+"
    # `Faisal Al Marzooqi, 9:15 AM` (Google Chat)
    r"|\d{1,2}:\d{2}[ \t]?+[ap]m"
    r"|\d{1,3}+[ \t]?+(?:m|mins?|minutes?|h|hrs?|hours?|d|days?)[ \t]{1,2}+ago|yesterday|just[ \t]now"
    rf"|{_MONTH}[ \t]{{1,2}}+\d{{1,2}}(?:,[ \t]{{0,2}}+\d{{4}})?+"
    rf"|\d{{1,2}}[ \t]{{1,2}}+{_MONTH}(?:[ \t]{{1,2}}+\d{{4}})?+)"
    # `Gethin Lloyd · 3 Jun 2026 at 11:42`
    r"(?:,?+[ \t]{1,2}+(?:at[ \t]{1,2}+)?+\d{1,2}:\d{2}(?:[ \t]?+[ap]m)?+)?+\s*+$",
    re.IGNORECASE,
)


# `14:02 Sunny 许晴`, `09:15 Kevin`: the time first, then the sender (an English name before
# the Chinese one), the message on the lines under it (WeCom and DingTalk exports).
_TIME_FIRST_HEADER = re.compile(
    r"^\s*+\d{1,2}:\d{2}(?::\d{2})?+[ \t]{1,2}+(?:[A-Za-z][\w.'’-]{0,19}+[ \t]{1,2}+)?+"
    r"(?P<speaker>[\u4e00-\u9fff]{2,4}+|[A-Za-z][\w.'’-]{0,19}+)[ \t]*+[:：]?[ \t]*+$"
)


def _en_chat_header(line: str, known: set[str]) -> re.Match[str] | None:
    """An English transcript's speaker line, only for a participant (so an agenda's
    `Standup  9:30` is not a speaker)."""
    matches = [
        m
        for m in (
            _EN_COMMENT_HEADER.match(line),
            _EN_NOTE_HEADER.match(line),
            _EN_CHAT_HEADER.match(line),
            _EN_STAMP_HEADER.match(line),
            _EN_BOXED_HEADER.match(line),
            _EN_DATED_HEADER.match(line),
            _TIME_FIRST_HEADER.match(line),
        )
        if m is not None
    ]
    # A whole name known first (`Otieno Odhiambo commented · …` is Otieno Odhiambo, not a
    # three-word speaker starting with a known first name), then a known first name.
    for header in matches:
        if directory_order(header.group("speaker")).lower() in known:
            return header
    for header in matches:
        if directory_order(header.group("speaker")).lower().split()[0] in known:
            return header
    return None


def directory_order(name: str) -> str:
    """`Okafor, Chidi` (a directory's order) as it is said, `Chidi Okafor`; other names as
    they are."""
    family, comma, given = name.partition(",")
    return f"{given.strip()} {family.strip()}" if comma and given.strip() else name


# `● 江雪（采购部）同意  11-19 10:02`, `● 雷振宇（总经理）审批中`: a step of a DingTalk or
# Feishu approval's flow; the `评论：` under it is what that approver said.
_ZH_APPROVAL_HEADER = re.compile(
    r"^\s*+[●•·○◉]?+\s*+(?P<speaker>[\u4e00-\u9fff]{2,4}+)(?:[ \t]{0,2}+[(（][^()（）\n]{1,12}+[)）])?+"
    r"[ \t]{0,2}+(?:发起申请|已?同意|审批中|已?审批|审批通过|已?拒绝|已?转交|已?退回|已?撤回|已?评论)"
    r"(?:[ \t\u3000]{1,4}+\d{1,2}-\d{1,2}[ \t]{1,2}+\d{1,2}:\d{2})?+\s*+$"
)


# `2. 范志斌（课题组负责人） 2026-09-22 16:05`: an OA approval's numbered comment, its text on
# the lines under it. The date is required: `2. 茶歇 10:30` is an agenda's line.
_ZH_NUMBERED_COMMENT_HEADER = re.compile(
    r"^\s*+\d{1,2}[.、)）][ \t]{0,2}+(?P<speaker>[\u4e00-\u9fff]{2,4}+)"
    r"(?:[ \t]{0,2}+[(（][^()（）\n]{1,30}+[)）])?+[ \t]{1,4}+"
    r"(?:\d{4}[-/.])?+\d{1,2}[-/.]\d{1,2}[ \t]{1,2}+\d{1,2}:\d{2}(?::\d{2})?+\s*+$"
)


def _bare_section_line(line: str) -> bool:
    """`待办事项（AI生成）`, `Action items`: a short line that is only a section's name."""
    stripped = line.strip()
    return (
        0 < len(stripped) <= 20
        and stripped == line.rstrip()  # not indented under a speaker
        and not stripped.endswith(("。", ".", "！", "!", "？", "?", "，", ","))
        and section_kind(stripped) is not None
    )


# `发言人1 苏晴 00:01:12`, `说话人1（易晓峰）00:00:05` (Feishu Minutes, Tencent Meeting): the
# speaker's number, their name, the time; the words on the lines under it.
_ZH_MINUTES_SPEAKER = re.compile(
    r"^\s{0,4}+(?:发言人|说话人|讲话人)[ \t]?+\d{1,2}+(?:[ \t]{0,2}+[(（]|[ \t]{1,2}+)"
    r"(?P<speaker>[\u4e00-\u9fff]{2,4}+|[A-Za-z][A-Za-z.'’]{0,19}+(?:[ \t][A-Z][A-Za-z.'’]{0,19}+)?+)"
    r"[)）]?+[ \t]{0,2}+\d{1,2}:\d{2}(?::\d{2})?+[ \t]*+[:：]?+\s*+$"
)


# `[2026-11-20 11:03] 郑晓峰：` with the message on the lines under it (a chat export that
# stamps the time first).
_ZH_STAMPED_SPEAKER = re.compile(
    r"^\s*+\[(?=[^\]\n]{0,20}?\d:\d\d)[\d\s/:.,-]{4,25}+\][ \t]{0,2}+"
    r"(?P<speaker>[\u4e00-\u9fff]{2,6}+|[A-Za-z][A-Za-z.'’]{0,19}+)"
    r"(?:[ \t]{0,2}+[(（][^()（）\n]{1,30}+[)）])?+[ \t]*+[:：][ \t]*+$"
)


def _zh_chat_header(line: str) -> re.Match[str] | None:
    """A Chinese chat export's, approval's or comment thread's speaker line."""
    return (
        _ZH_CHAT_HEADER.match(line)
        or _ZH_STAMPED_SPEAKER.match(line)
        or _ZH_MINUTES_SPEAKER.match(line)
        or _ZH_APPROVAL_HEADER.match(line)
        or _ZH_NUMBERED_COMMENT_HEADER.match(line)
    )


def _chat_header(line: str, known: set[str]) -> re.Match[str] | None:
    """The speaker line of a chat export or transcript."""
    return _zh_chat_header(line) or _en_chat_header(line, known)


def _chat_headers(lines: list[str], lang: str, known: set[str]) -> bool:
    """Whether the notes are a chat export or transcript whose speakers sit on lines of their
    own: Chinese chat exports, and English transcripts whose speaker lines name participants."""
    english = sum(1 for line in lines if _en_chat_header(line, known))
    if english >= 2:
        return True
    if lang == "en":
        return False
    headers = sum(1 for line in lines if _zh_chat_header(line))
    if headers < 2:
        return False
    return lang == "zh" or detect_language("\n".join(lines)) == "zh"


# A cell of a table aligned with spaces: words joined by single spaces, cells apart by two or
# more (`爆品 SKU 前置到 A 区           杭宇       下周三      中`, zh batches 09-10).
_SPACED_CELL = re.compile(r"\S++(?: \S++)*+")


def _spaced_cells(line: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _SPACED_CELL.finditer(line)]


# A typed table's rule line (`----  -----`); its cells are `_SPACED_CELL`s.
_TEXT_RULE = re.compile(r"^[\s=-]*+-[\s=-]*+$")
# `WO-1190 …`, `#2240 …`, `JIRA-88 …`: a ticket's line starts a line of its own.
_LOG_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?+[ \t]{1,3}+")
_ITEM_START = re.compile(
    # `11:00  WO-5521 replace the seal`: a log's or a site diary's time-stamped entry.
    r"\d{1,2}:\d{2}(?::\d{2})?+[ \t]"
    r"|(?:TODO|ACTION|AI)\b|@\w|(?:[A-Z]{1,8}+[-_]?+|#)\d++\b|(?P<who>[^:：\s]{1,20}+)[:：]"
    # `TO + LP: walk the hall`: initials joined.
    r"|(?P<joined>[A-Z]{2,3}+(?:[ \t]{0,2}+[+&/][ \t]{0,2}+[A-Z]{2,3}+){1,3}+)[ \t]{0,2}+[:：]"
    # `Lerato - shutdown schedule in Primavera - 21 Aug`: a recap's name, then a dash.
    r"|(?P<dashed>[A-Z][\w'’.-]{0,20}+(?:[ \t][A-Z][\w'’.-]{0,20}+)?+)[ \t]{1,2}+[-–—][ \t]"
    # `Mike, could you update the board?`: a known person spoken to.
    r"|(?P<vocative>[A-Z][\w'’-]{0,20}+),[ \t]"
)


_INITIALS_ONLY = re.compile(r"[A-Z]{2,3}")


# A stand-up's fields, `y: retry backoff … deployed to staging` / `t: load test …`: each is a
# line of its own, however long the one before.
_STANDUP_FIELD = re.compile(
    r"^(?:y|t|yday|y['’]day|yesterday|today|tdy|tmrw|tomorrow|blockers?|blocked|impediments?"
    r"|昨天|今天|今日|明天|阻塞)[ \t]{0,3}+[:：]",
    re.IGNORECASE,
)


def _starts_own_line(line: str, known: set[str]) -> bool:
    """`mo: will do`, `Action – Owen – …`, a to-do marker with initials (any action marker the
    cues know): a line that a long line before it does not wrap into."""
    if EN.marker.match(line) or _STANDUP_FIELD.match(line):
        return True
    start = _ITEM_START.match(line)
    if start is None:
        return False
    if start.group("dashed") is not None:
        # `ON — get 3 quotes`: initials, even of a name the notes never spell out.
        dashed = start.group("dashed")
        return dashed.lower() in known or _INITIALS_ONLY.fullmatch(dashed) is not None
    if start.group("joined") is not None:
        return True
    if start.group("vocative") is not None:
        return start.group("vocative").lower() in known
    return start.group("who") is None or start.group("who").lower() in known


# Only a quoted bullet: quoted prose or numbered points stay as they were, the lines
# between them being the reply (`AW: Pol, please clear these`).
_QUOTE_MARKS = re.compile(r"^(?:[ \t]{0,3}+>)++[ \t]?(?=[ \t]{0,3}+[-*•·][ \t])")


# `>> Morag: I'll update the entry form`: a reply written inline under a quote, by name.
_QUOTED_LABEL = re.compile(
    r"^(?:[ \t]{0,3}+>)++[ \t]{0,3}+(?=(?P<who>[^\W\d_][\w'’-]{0,20}+(?:[ \t][\w'’-]{1,20}+)?+)[ \t]?:)"
)


def _quoted_label(line: str, known: set[str]) -> re.Match[str] | None:
    found = _QUOTED_LABEL.match(line)
    return found if found and found.group("who").lower() in known else None


def segment(
    text: str, *, lang: str = "auto", speakers: tuple[str, ...] = ()
) -> tuple[list[Sentence], bool]:
    """Sentences of `text` in order, and whether the notes read as a transcript."""
    known = {s.lower() for s in speakers}
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        # `> - Stuart: arrange relief drivers`: a list line quoted in an email reply (or a
        # Markdown quote) is read as the line it quotes; the marks become spaces, so offsets
        # hold.
        quoted = _QUOTE_MARKS.match(line) or _quoted_label(line, known)
        if quoted:
            line = " " * quoted.end() + line[quoted.end() :]
        lines.append((pos, line))
        pos += len(raw)
    chat = _chat_headers([line for _, line in lines], lang, known)
    transcript = chat or _is_transcript([line for _, line in lines], known)
    reader = _Segmenter(text, lang=lang, known=known, transcript=transcript)
    reader.chat_headers = chat
    for offset, line in lines:
        reader.line(offset, line)
    reader.flush_paragraph()
    return reader.sentences, transcript


_SIGN_OFF = re.compile(
    r"^\s*+(?:best(?:\s++(?:regards|wishes))?|cheers|thanks(?:\s++(?:all|everyone|again))?|thank\s++you"
    r"|many\s++thanks|(?:kind|warm|warmest)\s++regards|regards|br|rgds|thx|ta|talk\s++soon"
    r"|谢谢|感谢|此致)\s*+[,.!，！。]?\s*+$",
    re.IGNORECASE,
)


# The name alone under a sign-off: `Marta`, `Marta K.`, `Ravi Menon`.
_SIGNATURE = re.compile(r"[A-Z][\w'’.-]{0,30}+(?:[ \t][A-Z][\w'’.-]{0,30}+){0,2}")

# `发件人：任思源`, `From: Hannah Whitlock`, `提交人：许静`: who wrote the notes.
_AUTHOR_LINE = re.compile(
    r"^\s*+(?:发件人|提交人|汇报人|填写人|填报人?|撰写人|记录人|from|author|submitted\s++by|reported\s++by)\s*+[:：]\s*+"
    r"(?P<who>[^\s<|,，;；]{1,20}+(?:[ \t][A-Z][\w'’-]{0,20}+)?+)",
    re.IGNORECASE,
)
# `Loom — "Nov close walkthrough" — recorded by Dorla Usher — 4:52`: one person's recording.
_RECORDED_BY = re.compile(
    # `Diary kept by: Sigrid Bakke`, `Minutes taken by: …`: whose notes they are.
    r"\b(?:recorded|narrated|presented|kept|taken|written|minuted|compiled)[ \t]{1,2}+by"
    r"(?:[ \t]{0,2}+:)?+[ \t]{1,2}+"
    r"(?P<who>[A-Z][\w'’-]{0,20}+(?:[ \t][A-Z][\w'’-]{0,20}+)?+)"
)
# `Notes added after the call (Clara):`, `Meeting notes (by Clara)`, `Notes from Clara:`: a
# heading over one person's notes, whose `I` is theirs from there on.
_NOTES_BY = re.compile(
    r"^\s*+(?:[A-Za-z][\w'’-]{0,20}+[ \t]){0,3}?(?:notes?|minutes|recap|summary|updates?)\b"
    r"(?:[ \t]{1,2}+[a-z][\w'’-]{0,20}+){0,5}?"
    r"(?:[ \t]{0,2}+\((?:by[ \t]{1,2}+)?(?P<who>[A-Z][\w'’-]{0,20}+(?:[ \t][A-Z][\w'’-]{0,20}+)?+)\)"
    r"|[ \t]{1,2}+(?:by|from)[ \t]{1,2}+(?P<by>[A-Z][\w'’-]{0,20}+(?:[ \t][A-Z][\w'’-]{0,20}+)?+))"
    r"[ \t]{0,2}+[:：]?[ \t]*+$",
    re.IGNORECASE,
)


def noted_by(text: str, known: set[str]) -> tuple[str, int] | None:
    """The participant whose notes start at a `Notes added after the call (Clara):` line, and
    where that line starts; None without one (or with such lines by different people)."""
    found: list[tuple[str, int]] = []
    offset = 0
    for line in text.split("\n"):
        match = _NOTES_BY.match(line)
        if match is not None:
            who = match.group("who") or match.group("by")
            if who.lower() in known or who.split()[0].lower() in known:
                found.append((who, offset))
        offset += len(line) + 1
    return found[0] if len({who for who, _ in found}) == 1 else None


# `钉钉日报 | 朱俊峰 | 2026-10-14`, `【周报】徐汇滨江店 第22周 梁雪梅`: a report's own header.
# `Voice memo – Marlon – Thu 5 Feb`: one person's recording, its `I` theirs too.
_REPORT_HEADER = re.compile(
    r"日报|周报|月报|daily\s++report|weekly\s++report|status\s++report"
    r"|voice\s++(?:memo|note|message)|语音备忘",
    re.IGNORECASE,
)
_HEADER_WORD = re.compile(r"[^\s|｜/（）()【】\[\]，,:：]++")


def report_header(line: str) -> bool:
    """`钉钉日报 | 朱俊峰 | 2026-10-14`, `Weekly report – Dana – W14`: a report's title line."""
    return _REPORT_HEADER.search(line) is not None


# `陆晴 的日报`, `Dana's daily report`: one author's part of a digest of reports (DingTalk's
# 日志汇总, a team's collected stand-up updates).
_DIGEST_AUTHOR = re.compile(
    # `■ 曹宇 | 日报`: a digest's bullet and a bar before the kind of report, too.
    r"^\s{0,4}+(?:[■□▪▫●◆◇▶►•][ \t]{0,2}+)?+"
    r"(?P<who>[\u4e00-\u9fff]{2,4}+|[A-Z][\w'’-]{1,20}+(?:[ \t][A-Z][\w'’-]{1,20}+)?+)"
    r"(?:[ \t]{0,2}+(?:的|[|｜·])[ \t]{0,2}+(?:日报|周报|月报|日志|工作日志|工作汇报|汇报)"
    r"|['’]s[ \t]{1,3}+(?:daily|weekly|status|end[ -]of[ -]day)[ \t]{1,3}+(?:report|update|log))"
    r"[ \t]{0,2}+[:：]?[ \t]{0,2}+$"
    # `—— 崔文静 ——`: a digest's part set off by dashes (a participant's name only).
    r"|^\s{0,4}+[—–-]{1,3}+[ \t]{0,2}+(?P<dashed>[\u4e00-\u9fff]{2,4}+|[A-Z][\w'’-]{1,20}+"
    r"(?:[ \t][A-Z][\w'’-]{1,20}+)?+)[ \t]{0,2}+[—–-]{1,3}+[ \t]{0,2}+$",
    re.IGNORECASE,
)


def digest_header(line: str) -> bool:
    """`陆晴 的日报`: the line that opens one author's part of a digest."""
    return _DIGEST_AUTHOR.match(line) is not None


def digest_authors(text: str, known: set[str]) -> list[tuple[str, int, int]]:
    """Each author's part of a digest: the author as written, where the header line starts
    and where the part ends (the next author's header, or the end of the text)."""
    heads: list[tuple[str, int]] = []
    offset = 0
    for line in text.split("\n"):
        found = _DIGEST_AUTHOR.match(line)
        who = (found.group("who") or found.group("dashed")) if found else None
        if who and who.lower() in known:
            heads.append((who, offset))
        offset += len(line) + 1
    if not heads:
        return []
    ends = [start for _, start in heads[1:]] + [len(text)]
    return [(who, start, end) for (who, start), end in zip(heads, ends, strict=True)]


# `From: Siobhán Ní Bhriain`, `> From: Ciarán Doyle`: each message of a thread of replies.
_THREAD_FROM = re.compile(
    r"^(?:[ \t]{0,3}+>)*+[ \t]{0,3}+(?:from|发件人)[ \t]{0,2}+[:：][ \t]{0,2}+"
    r"(?P<who>[^\s<|,，;；]{1,20}+(?:[ \t][A-Z][\w'’-]{0,20}+){0,2}+)",
    re.IGNORECASE,
)


def thread_authors(text: str, known: set[str]) -> list[tuple[str, int, int]]:
    """Who wrote each stretch of an email thread (two `From:` lines or more, quoted or not):
    a line is the sender's whose `From:` line was last seen at its depth of quoting, so a
    reply written inline between quoted lines is the replier's. Each stretch is the sender
    as written, where it starts and where it ends."""
    senders: dict[int, str] = {}
    found_any = 0
    runs: list[tuple[str, int, int]] = []
    offset = 0
    for line in text.split("\n"):
        marks = _QUOTE_DEPTH.match(line)
        depth = marks.group(0).count(">") if marks else 0
        header = _THREAD_FROM.match(line)
        if header:
            who = header.group("who").strip()
            if who.lower() in known or who.split()[0].lower() in known:
                senders[depth] = who
                found_any += 1
        who_here = senders.get(depth) if line.strip(" \t>") else None
        if who_here is not None:
            if runs and runs[-1][0] == who_here and runs[-1][2] == offset:
                runs[-1] = (who_here, runs[-1][1], offset + len(line) + 1)
            else:
                runs.append((who_here, offset, offset + len(line) + 1))
        offset += len(line) + 1
    return runs if found_any >= 2 else []


_QUOTE_DEPTH = re.compile(r"(?:[ \t]{0,3}+>)*+")


_SELF_INTRO = re.compile(
    r"\b(?:this[ \t]{1,2}+is|it['’]s)[ \t]{1,2}+(?P<a>[A-Z][\w'’-]{1,20}+)[ \t]{1,2}+(?:from|at|here)\b"
    r"|\b(?P<b>[A-Z][\w'’-]{1,20}+)[ \t]{1,2}+here[ \t]{1,2}+(?:from|at)\b"
)


def signed_by(text: str, known: set[str]) -> tuple[str, int] | None:
    """The participant who wrote the notes, and where their words end: named in a report's
    header or a `From:` line (the whole notes), or signing it off (`Cheers,` / `Hannah`, the
    text before the sign-off). `known` holds the participants' names and aliases in lower case."""
    lines = text.split("\n")
    # `姚倩 · 语音转文字 10:32` over the only message: whoever sent it.
    headers = [m for m in map(_zh_chat_header, lines) if m is not None]
    if len(headers) == 1 and headers[0].string.strip() == next(
        (x.strip() for x in lines if x.strip()), ""
    ):
        who = headers[0].group("speaker")
        if who.lower() in known:
            return who, len(text)
    for line in lines[:4]:
        author = _AUTHOR_LINE.match(line) or _RECORDED_BY.search(line)
        if author and author.group("who").lower() in known:
            return author.group("who"), len(text)
        if _REPORT_HEADER.search(line):
            for word in _HEADER_WORD.findall(line):
                if word.lower() in known:
                    return word, len(text)
    # `Hiya Karin, Stephen here from Ferrary Shipping …` (a voicemail, a voice memo).
    for intro in _SELF_INTRO.finditer(text, 0, 400):
        who = intro.group("a") or intro.group("b")
        if who.lower() in known:
            return who, len(text)
    offset = 0
    starts = []
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    for index, line in enumerate(lines):
        if not _SIGN_OFF.match(line):
            continue
        following = [(i, lines[i].strip()) for i in range(index + 1, min(index + 4, len(lines)))]
        name = next((text for _, text in following if text), "")
        first = re.split(r"[\s|,(]", name, maxsplit=1)[0].lower() if name else ""
        if name and len(name) <= 40 and (name.lower() in known or first in known):
            return name.split("|")[0].strip(), starts[index]
    # `Subject: …` / `Hi team,` … `Olivia`: an email signed with the name alone on its last line.
    written = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    if len(written) >= 3 and any(_EMAIL_OPENING.match(line) for _, line in written[:3]):
        index, name = written[-1]
        if len(name) <= 40 and name.lower() in known:
            return name, starts[index]
    return None


_EMAIL_OPENING = re.compile(
    r"^(?:subject|re|fw|fwd)\s*+:|^(?:hi|hello|hey|dear)\b|^(?:all|team|everyone)\s*+,\s*+$",
    re.IGNORECASE,
)


class _Segmenter:
    """The state of one pass over the lines: section, heading, table columns, paragraph."""

    def __init__(self, text: str, *, lang: str, known: set[str], transcript: bool) -> None:
        self.text = text
        self.lang = lang
        self.known = known
        self.transcript = transcript
        self.sentences: list[Sentence] = []
        self.section = "other"
        self.heading = ""
        self.blocks_since_heading = 0
        self.written_since_blank = False
        self.recap_turn = False
        self.table_roles: list[str] | None = None
        self.delimited: str | None = None  # the separator of a pasted table under way
        self.quoted = False  # the last line with words was quoted (`> …`)
        self.after_quote = False
        self.signing = False  # the last line with words was a sign-off (`Thanks,`)
        # A table typed as text: where each column starts in its header line, and the roles.
        self.text_columns: list[tuple[int, str]] | None = None
        self.unit = 0
        self.turn = -1
        self.paragraph: list[tuple[int, str]] = []
        self.chat_headers = False
        self.chat_speaker: str | None = None
        # The turn whose message goes on over the next lines (`[20/10, 07:41] Roz: 🎤 Voice
        # note — transcript:` / `Morning team. …`), until a blank line, heading or turn.
        self.open_turn: tuple[str, str | None] | None = None
        self.spaced_roles: list[str] | None = None

    def language(self, chunk: str) -> str:
        return self.lang if self.lang in {"en", "zh"} else detect_language(chunk)

    def emit(
        self, offset: int, chunk: str, *, block: str, label: str | None = None, **extra: object
    ) -> None:
        self.unit += 1
        self.written_since_blank = True
        chunk_lang = self.language(chunk)
        spans = _split_sentences(chunk, chunk_lang)
        if chunk_lang == "en" and self.known:
            spans = [part for span in spans for part in _en_spoken_pieces(chunk, span, self.known)]
            spans = [part for span in spans for part in _clauses(chunk, span, self.known)]
        elif chunk_lang == "zh" and self.known:
            spans = [part for span in spans for part in _zh_clauses(chunk, span, self.known)]
            spans = [part for span in spans for part in _zh_comma_clauses(chunk, span)]
        section = self.section
        if (
            section == "actions"
            and block == "prose"
            and self.blocks_since_heading > 0
            and self.sentences
            and self.sentences[-1].heading == self.heading
            and self.sentences[-1].block in {"bullet", "checkbox", "checked"}
        ):
            # `待办（吕佳）：` / `- 工位和门禁卡` / (blank) / `入职培训9月1日开始…`: prose after a
            # blank line has left the list it follows.
            section = "other"
        for start, end in spans:
            self.sentences.append(
                Sentence(
                    start=offset + start,
                    end=offset + end,
                    text=chunk[start:end],
                    lang=chunk_lang,
                    section=section,
                    block=block,
                    label=label,
                    unit=self.unit,
                    heading=self.heading,
                    paragraph=self.blocks_since_heading,
                    **extra,  # type: ignore[arg-type]
                )
            )

    def flush_paragraph(self) -> None:
        if not self.paragraph:
            return
        first = self.paragraph[0][1]
        # Leading blanks, which are also where quote marks read away were (`>> Morag: …`).
        start = self.paragraph[0][0] + len(first) - len(first.lstrip())
        end = self.paragraph[-1][0] + len(self.paragraph[-1][1])
        self.emit(start, self.text[start:end].replace("\n", " "), block="prose")
        self.paragraph.clear()

    def piped_beside(self, offset: int, line: str) -> bool:
        """Whether the line before or after holds three ` | ` or more too: rows of a table."""
        before_end = max(0, offset - 1)
        before = self.text[self.text.rfind("\n", 0, before_end) + 1 : before_end]
        after_start = offset + len(line) + 1
        after_end = self.text.find("\n", after_start)
        after = self.text[after_start : after_end if after_end >= 0 else len(self.text)]
        return before.count(" | ") >= 3 or after.count(" | ") >= 3

    def line(self, offset: int, line: str) -> None:
        """Read one line: a blank, a table row, a heading, attendees, a turn, a bullet, a
        label line or prose, in that order."""
        stripped = line.strip()
        if stripped:
            # Whether the line before was quoted from the message replied to (`> …`).
            self.after_quote, self.quoted = self.quoted, stripped.startswith(">")
            signing, self.signing = self.signing, _SIGN_OFF.match(stripped) is not None
            if self.section == "actions" and (
                (self.quoted and not self.after_quote) or self.signing
            ):
                # `Thanks,` after the list, or the older message quoted under it (`> From: …`):
                # what follows is no longer under the actions heading.
                self.flush_paragraph()
                self.section = "other"
                self.open_heading("")
            if (
                signing
                and _SIGNATURE.fullmatch(stripped)
                and stripped.split()[0].lower() in self.known
            ):
                # `Marta` under `Thanks,` signs the message; it heads nothing below it.
                self.flush_paragraph()
                return
        if not stripped:
            self.flush_paragraph()
            self.open_turn = None
            if self.written_since_blank:
                self.blocks_since_heading += 1
                self.written_since_blank = False
            self.table_roles = None
            self.delimited = None
            self.spaced_roles = None
            self.text_columns = None
            return
        if self.chat_headers and self.chat_line(offset, line, stripped):
            return
        sep = "\t" if "\t" in stripped else (" / " if stripped.count(" / ") >= 2 else ",")
        if sep in stripped and "|" not in stripped and self.delimited_row(offset, line, sep):
            return
        if self.delimited:  # a line that is no row ends the pasted table
            self.delimited = None
            self.table_roles = None
        if self.zh_spaced_row(offset, line):
            return
        if "|" not in stripped and self.text_table_line(offset, line):
            return
        if (
            (stripped.count("|") >= 2 and (stripped.startswith("|") or stripped.endswith("|")))
            or (stripped.count("|") >= 1 and self.table_roles is not None)
            # `------+--------+-----` under a header read as one: the rule row, `+` between cells.
            or ("+" in stripped and self.table_roles is not None and _TABLE_SEP.match(stripped))
            or (stripped.count("|") >= 2 and _pipe_header(line))
            # `3 | Whse aisle C | Floor markings visible | NOK | JR: repaint…` under a line of as
            # many cells: a table with no outer pipes and no owner column, never wrapped prose.
            or (stripped.count(" | ") >= 3 and self.piped_beside(offset, line))
        ):
            self.flush_paragraph()
            self.table_row(offset, line, stripped)
            return
        self.table_roles = None
        if self.heading_line(line, stripped):
            return
        if _ATTENDEES.match(stripped):
            self.flush_paragraph()
            return
        body_offset = offset
        body = line
        stamp = _TIMESTAMP.match(body)
        if stamp and stamp.end() < len(body):
            body_offset += stamp.end()
            body = body[stamp.end() :]
        bullet = _BULLET.match(body)
        if (
            not bullet
            and (self.transcript or self.slack_stamped(body))
            and self.turn_line(offset, line, body, body_offset)
        ):
            return
        if self.transcript and self.open_turn is not None and not bullet and not stamp:
            speaker, role = self.open_turn
            self.emit(
                body_offset, body, block="turn", speaker=speaker, speaker_role=role, turn=self.turn
            )
            return
        self.open_turn = None
        if bullet:
            self.flush_paragraph()
            item_offset = body_offset + bullet.end()
            item = self.text[item_offset : offset + len(line)]
            logged = _LOG_TIME.match(item)
            if logged and logged.end() < len(item):
                # `4. 09:15 KA: FV6, get Coldflow out…`: a numbered log's time is no part of
                # what was said.
                item_offset += logged.end()
                item = item[logged.end() :]
            block = "bullet"
            check = _CHECKBOX.match(item)
            if check:
                unticked = check.group("state") == " " or check.group("box") in {"☐", "□"}
                block = "checkbox" if unticked else "checked"
            self.emit(item_offset, item, block=block)
            return
        label_match = _TURN.match(body)
        if label_match and not self.transcript and len(label_match.group("speaker")) <= 30:
            self.flush_paragraph()
            speaker = label_match.group("speaker").strip("* ")
            if self.after_quote and (
                speaker.lower() in self.known or _INITIALS_ONLY.fullmatch(speaker)
            ):
                # `> 4. Who owns the accruals?` / `AW: Tiago owns them`: answers inline in an
                # email reply; the label says who answers, not who does the work.
                self.turn += 1
                rest = body_offset + label_match.start("rest")
                self.emit(
                    rest,
                    self.text[rest : offset + len(line)],
                    block="turn",
                    speaker=speaker,
                    turn=self.turn,
                )
                return
            self.emit(body_offset, body, block="bullet")
            return
        self.prose_line(offset, line, stripped)

    def text_table_line(self, offset: int, line: str) -> bool:
        """`WO#   Task   Owner   Due` and the rows under it, columns two spaces apart."""
        if self.text_columns is None:
            # English only: Chinese typed tables are left to the Chinese rules (#12).
            if self.transcript or self.language(line) != "en":
                return False
            cells = [(m.group(0), m.start()) for m in _SPACED_CELL.finditer(line)]
            # At most 12 columns: every row is cut at every column, so more would be
            # rows x columns work on a hostile header.
            if not 3 <= len(cells) <= 12:
                return False
            roles = _table_roles([c[0] for c in cells])
            if "owner" not in roles or "what" not in roles:
                return False
            self.flush_paragraph()
            self.text_columns = [
                (start, role) for (_, start), role in zip(cells, roles, strict=True)
            ]
            return True
        if _TEXT_RULE.match(line):
            return True
        bounds = [start for start, _ in self.text_columns] + [len(line)]
        placed = []
        for i, (start, role) in enumerate(self.text_columns):
            raw = line[start : bounds[i + 1]] if start < len(line) else ""
            text = raw.strip()
            lead = len(raw) - len(raw.lstrip())
            placed.append((role, text, offset + start + lead, offset + start + lead + len(text)))
        filled = [c for c in placed if c[1]]
        if not any(c[0] == "what" for c in filled):
            self.text_columns = None
            return False
        start = min(c[2] for c in filled)
        end = max(c[3] for c in filled)
        self.table_sentence(start, end, lang=self.language(line), cells=tuple(placed))
        return True

    def table_sentence(
        self, start: int, end: int, *, lang: str, cells: tuple[tuple[str, str, int, int], ...]
    ) -> None:
        """One table row as one sentence, counted in the block under the heading like prose."""
        self.unit += 1
        self.written_since_blank = True
        self.sentences.append(
            Sentence(
                start=start,
                end=end,
                text=self.text[start:end],
                lang=lang,
                section=self.section,
                block="table",
                cells=cells,
                unit=self.unit,
                heading=self.heading,
                paragraph=self.blocks_since_heading,
            )
        )

    def delimited_row(self, offset: int, line: str, sep: str) -> bool:
        """A table pasted from a spreadsheet or an export, cells `sep` apart (tabs: Excel,
        Feishu Bitable; commas: Airtable's CSV, quoted cells kept): the header `任务名称 负责人
        截止日期` / `Task,Owner,Due`, then its rows; True when the line was one of them."""
        cells = _csv_cells(line) if sep == "," else _tab_cells(line, sep)
        if self.delimited != sep:
            heads = [c[0] for c in cells]
            # A header is a few short column names (a comma-separated one at least three);
            # prose with commas is not.
            if len(cells) < (2 if sep == "\t" else 3) or any(
                len(h) > 24 or len(h.split()) > 3 for h in heads
            ):
                return False
            roles = _table_roles(heads)
            if "what" not in roles or "owner" not in roles:
                return False
            self.flush_paragraph()
            self.table_roles = roles
            self.delimited = sep
            return True
        if sep != "\t" and len(cells) != len(self.table_roles or ()):
            return False  # a comma-separated row has the header's cells, no more, no fewer
        self.flush_paragraph()
        self.table_row(offset, line, line.strip(), cells=cells)
        return True

    def table_row(
        self,
        offset: int,
        line: str,
        stripped: str,
        *,
        cells: list[tuple[str, int, int]] | None = None,
    ) -> None:
        """A Markdown table row: the header sets the columns' roles, a row is one sentence."""
        if _TABLE_SEP.match(stripped):
            return
        cells = _split_cells(line) if cells is None else cells
        keyed = (
            _keyed_cells([(c, offset + s, offset + e) for c, s, e in cells])
            if self.table_roles is None
            else None
        )
        if keyed is not None:
            # `CTASK0098813 | Confirm MES tolerance | Assigned to: (empty) | Due: 11/19`: each
            # row names its own owner and date; there is no header.
            self.flush_paragraph()
            self.row_sentence(offset, line, keyed)
            return
        if self.table_roles is None:
            roles = _table_roles([c[0] for c in cells])
            heads = [c[0].strip("*_ ") for c in cells]
            if (
                "what" not in roles
                and any(_REGISTER_COLUMN.fullmatch(h) for h in heads)
                and not any(_exact_section(h) and section_kind(h) == "actions" for h in heads)
            ):
                # A RAID log's risks or issues (`Risk | Likelihood | Impact | Owner |
                # Mitigation`): a row is no item; its notes may still hold one.
                self.table_roles = [
                    "notes" if _NOTES_COLUMN.fullmatch(h) else "register" for h in heads
                ]
                return
            if "what" in roles or "owner" in roles:
                self.table_roles = roles
                return
            # A column named like a section of actions (`待办`, `Next steps`, `Follow-ups`).
            todo = [
                i
                for i, c in enumerate(cells)
                if c[0] and _exact_section(c[0]) and section_kind(c[0]) == "actions"
            ]
            if todo:
                # `议题 | 结论 | 待办` (WeCom's minutes): the work is in the to-do column.
                self.table_roles = ["todo" if i in todo else r for i, r in enumerate(roles)]
                return
            self.table_roles = []
            if set(roles) - {"other", "id"}:
                return  # `Workstream | RAG | Comment`: a header all the same, no row
        roles = self.table_roles or ["other"] * len(cells)
        placed = tuple(
            (roles[i] if i < len(roles) else "other", cell, offset + s, offset + e)
            for i, (cell, s, e) in enumerate(cells)
        )
        self.row_sentence(offset, line, placed, roles=roles)

    def row_sentence(
        self,
        offset: int,
        line: str,
        placed: tuple[tuple[str, str, int, int], ...],
        *,
        roles: Sequence[str] = (),
    ) -> None:
        """A table row with its cells' roles: one sentence, its work in the `what` cell (else
        the longest cell)."""
        if "todo" in roles:
            self.todo_cells(placed)
            return
        if "register" in roles:
            for role, cell, start, _ in placed:
                # `Luis to renegotiate or switch vendor by Friday`, not `Cable on order`.
                if role == "notes" and _NOTE_COMMITS.search(cell):
                    self.emit(start, cell, block="bullet")
            return
        what = [c for c in placed if c[0] == "what"]
        if not what:
            candidates = [c for c in placed if c[0] in {"other", "what"}]
            if not candidates:
                return
            main = max(candidates, key=lambda c: len(c[1]))
            placed = tuple(("what", *c[1:]) if c is main else c for c in placed)
            what = [("what", *main[1:])]
        start = min(c[2] for c in placed if c[1])
        end = max(c[3] for c in placed if c[1])
        self.table_sentence(start, end, lang=self.language(what[0][1] or line), cells=placed)

    def todo_cells(self, placed: tuple[tuple[str, str, int, int], ...]) -> None:
        """A row's to-do cell: each piece of work, `；` apart, a line of a list of actions
        (`@姚敏 11月6日前发报到通知；段宏：报到当天的签到台`); the row's other cells (the
        topic, what was concluded) are no items."""
        section = self.section
        self.section = "actions"
        for role, cell, start, _ in placed:
            if role != "todo":
                continue
            pos = 0
            for part in re.split(r"[；;]", cell):
                text = part.strip()
                at = start + pos + (len(part) - len(part.lstrip()))
                pos += len(part) + 1
                if text and text.lower() not in _NOTHING_TO_DO:
                    self.emit(at, text, block="bullet")
        self.section = section

    def heading_line(self, line: str, stripped: str) -> bool:
        """A heading opens a section (actions, decisions…); True when the line was one."""
        markdown = _markdown_heading(line)
        title = markdown
        if title is None:
            for pattern in (
                _HEADING_BOLD,
                _HEADING_BRACKET,
                _HEADING_ZH_NUM,
                _HEADING_BLOCK_MARK,
                _HEADING_ANNEX,
                _HEADING_CHECKLIST,
            ):
                match = pattern.match(line)
                if match:
                    title = match.group("t")
                    break
        if title is None and _CAPS_HEADING.match(line):
            # `TASKS FOR DAY SHIFT`, `OPEN ISSUES`: a handover's headings in capitals.
            title = stripped
        if title is None:
            colon = _HEADING_COLON.match(line)
            if colon and (section_kind(colon.group("t")) or len(colon.group("t").split()) <= 4):
                title = colon.group("t")
        if (
            title is None
            and len(stripped) <= 40
            and section_kind(stripped) is not None
            and not _INLINE_CONTENT.search(stripped)
            # `- buddy assignments` is a line of a list, whatever its words; `- Action Items`
            # alone is still the heading of the list under it.
            and ((bullet := _BULLET.match(line)) is None or _exact_section(line[bullet.end() :]))
        ):
            title = stripped
        digest = _DIGEST_AUTHOR.match(line)
        if (
            title is None
            and digest
            and (digest.group("who") or digest.group("dashed")).lower() in self.known
        ):
            # `陆晴 的日报`: a new author's part of a digest; the last part's plan is over.
            self.flush_paragraph()
            self.section = "other"
            self.open_heading(stripped)
            return True
        if (
            title is None
            and self.section == "actions"
            # Right under the heading or the last group's list: a name after `Kind regards,`
            # signs the note.
            and (
                self.blocks_since_heading == 0
                or (self.sentences and self.sentences[-1].block == "bullet")
            )
            and _owner_group_line(stripped, self.known)
        ):
            # Fireflies' and Otter's action items grouped under each person's name, and an
            # `Unassigned` group: a heading within the section, which stays one of actions.
            self.flush_paragraph()
            self.open_heading(stripped)
            return True
        if title is None:
            return False
        self.flush_paragraph()
        kind = section_kind(title)
        if (
            kind is not None
            or markdown is not None
            or _HEADING_BRACKET.match(line)
            or _HEADING_BLOCK_MARK.match(line)
        ):
            self.section = kind or "other"
            self.open_heading(title)
            return True
        if (
            _HEADING_ZH_NUM.match(line)
            or _HEADING_COLON.match(line)
            or _HEADING_CHECKLIST.match(line)
            or _CAPS_HEADING.match(line)
        ):
            # `刘子墨：` over their lines under `【进展汇报】`: a person's part of the section,
            # which stays what it was (their progress, or their actions).
            if title.strip().lower() not in self.known:
                self.section = "other"
            self.open_heading(title)
            return True
        return False

    def open_heading(self, title: str) -> None:
        self.open_turn = None
        self.heading = title
        self.blocks_since_heading = 0
        self.written_since_blank = False

    def slack_stamped(self, body: str) -> bool:
        """A participant's line copied from Slack (name, time, words) outside a transcript."""
        found = _SLACK_STAMPED.match(body)
        return found is not None and found.group("speaker").lower() in self.known

    def turn_line(self, offset: int, line: str, body: str, body_offset: int) -> bool:
        """`Speaker: text` in a transcript is a turn; True when the line was one."""
        turn_match = _speaker_of(body, self.known)
        if turn_match is None:
            return False
        self.flush_paragraph()
        self.end_recap()
        self.turn += 1
        rest_start = body_offset + turn_match.start("rest")
        speaker = turn_match.group("speaker").strip("* ").strip()
        role = turn_match.group("role")
        if role and _NUMBERED_SPEAKER.fullmatch(speaker):
            # `发言人2（黄思琪）：…`: a meeting tool's numbered speaker, named in brackets.
            speaker, role = role.strip(), None
        said = self.text[rest_start : offset + len(line)]
        self.emit(
            rest_start,
            said,
            block="turn",
            speaker=speaker,
            speaker_role=role,
            turn=self.turn,
        )
        self.open_turn = (speaker, role)
        self.start_recap(said)
        return True

    def zh_spaced_row(self, offset: int, line: str) -> bool:
        """A Chinese table aligned with spaces, `事项   负责人   截止`, and its rows; True when
        the line was its header or a row."""
        if "|" in line or "\t" in line.strip() or "  " not in line.strip():
            return False
        cells = _spaced_cells(line)
        if self.spaced_roles is None:
            if len(cells) < 3 or self.language(line) != "zh":
                return False
            roles = _table_roles([c[0] for c in cells])
            # `序号  事项  负责人  截止`: a number column may come first.
            lead = roles[1:] if roles[0] == "id" else roles
            if lead[0] != "what" or "owner" not in roles or "other" in roles:
                return False
            self.flush_paragraph()
            self.spaced_roles = roles
            return True
        if len(cells) < 2:
            return False
        placed = tuple(
            (
                self.spaced_roles[i] if i < len(self.spaced_roles) else "other",
                c,
                offset + s,
                offset + e,
            )
            for i, (c, s, e) in enumerate(cells)
        )
        self.flush_paragraph()
        start, end = placed[0][2], placed[-1][3]
        self.table_sentence(start, end, lang="zh", cells=placed)
        return True

    def chat_line(self, offset: int, line: str, stripped: str) -> bool:
        """In a chat export, `宋佳 10:02` names the speaker of the lines under it; True when
        the line was a header or one of its message's lines."""
        header = _chat_header(line, self.known)
        if header:
            self.flush_paragraph()
            self.chat_speaker = directory_order(header.group("speaker"))
            self.turn += 1
            self.end_recap()
            return True
        if self.chat_speaker is None:
            return False
        stamp = _TIMESTAMP.match(line)
        if stamp and _speaker_of(line[stamp.end() :], self.known) is not None:
            # `[11-23 10:05] 储伟：导师我来定` among `[11-23 09:13] 林小雨：` headers: a turn
            # written on one line, its own speaker's.
            self.chat_speaker = None
            return False
        title = _HEADING_BRACKET.match(line) or _markdown_heading(line)
        if title is not None or _bare_section_line(line):
            # `【待办事项】（AI 生成）` or `待办事项（AI生成）` after the transcript: the chat is
            # over, a section begins.
            self.chat_speaker = None
            return False
        self.flush_paragraph()
        start = offset + len(line) - len(line.lstrip())
        bullet = _BULLET.match(line)
        if bullet:
            start = offset + bullet.end()
        said = self.text[start : offset + len(line.rstrip())]
        self.emit(
            start,
            said,
            block="turn" if not bullet else "bullet",
            speaker=self.chat_speaker,
            turn=self.turn,
        )
        if not bullet:
            self.start_recap(said)
        return True

    def start_recap(self, said: str) -> None:
        """`好，总结一下今天的：` opens a list of the chat's action items under it."""
        if RECAP_INTRO.search(said):
            self.section = "actions"
            self.open_heading(said.strip())
            self.recap_turn = True

    def end_recap(self) -> None:
        """The recap list a speaker opened ends when anyone speaks again."""
        if self.recap_turn:
            self.section = "other"
            self.open_heading("")
            self.recap_turn = False

    def prose_line(self, offset: int, line: str, stripped: str) -> None:
        """Prose joins the paragraph before it when it continues it."""
        paragraph = self.paragraph
        # Under `Actions`, a line opening on a capital is the next action, not the tail of a
        # long one (`Beth to send the formal scorecard letter to Brackett's GM tomorrow` /
        # `Sort cost recovery invoice — owner TBD`).
        next_action = self.section == "actions" and stripped[:1].isupper()
        if paragraph and (
            paragraph[-1][0] + len(paragraph[-1][1]) + 1 != offset
            or _starts_own_line(stripped, self.known)
            or next_action
        ):
            self.flush_paragraph()
        paragraph.append((offset, line))
        # A long line without final punctuation is prose wrapped by the editor; anything
        # else stands alone, as notes are mostly one statement a line.
        # A line of arrows (`UPS-B string 4 → 2 batteries swelling → AP: raise RMA`) is a
        # record of its own, as a whiteboard typed up is written.
        wrapped = (
            len(stripped) >= 60
            and not stripped.endswith((".", "!", "?", ":", "。", "！", "？", "：", ";", "；"))
            and "→" not in stripped
        )
        if not wrapped:
            self.flush_paragraph()
