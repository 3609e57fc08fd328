"""Shapes of action items that real notes take and the sentence rules miss.

Each shape is read after the sentence rules and the detector have classified a sentence; a
shape may turn it into an item (initials labels, unowned items, bare lines under an action
heading, a question answered by an arrow) or give it the owner the shape names.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from services.nlp.cues import ZH_CANNOT, ZH_SAID_VERBS, cue_set, says_only_yes
from services.nlp.matching import containment, content_terms, similarity
from services.nlp.owners import Mention, Roster, possessive
from services.nlp.segment import RECAP_INTRO, ZH_HE_COMMITS, Sentence, section_kind
from services.nlp.short_names import ShortForm

if TYPE_CHECKING:
    from services.nlp.dates import Due
    from services.nlp.notes import ActionItem, Analysed

# "DK:", "TR + ON:", "TODO(AF):", "ACTION (Leo):", "AI:" at the start of a line.
_INITIALS_LABEL = re.compile(
    r"^\s{0,4}+(?:(?:TODO|ACTION|AI)\s{0,3}+)?"
    r"(?:\(\s{0,3}+(?P<paren>[^()\n]{1,40}+)\)|(?P<who>[A-Z]{2,3}+(?:\s{0,3}+[+/&,]\s{0,3}+[A-Z]{2,3}+){0,4}+))"
    r"\s{0,3}+[:：]"
    # `ACTION (Marc) – Replace the batteries…`: the marker's name, then a dash.
    r"|^\s{0,4}+(?:TODO|ACTION|AI)\s{0,3}+\(\s{0,3}+(?P<dashed>[^()\n]{1,40}+)\)\s{1,3}+[–—-]{1,2}+(?=\s)"
)
_AI_LABEL = re.compile(r"^\s{0,4}+(?:AI|ACTION)\s{0,3}+[:：]")
_UNOWNED = re.compile(
    r"\b[Oo]wner\s{1,3}+(?:TBD|TBC|tbd|tbc|unknown)\b|\bno\s{1,3}+owner\b"
    r"|\bunassigned\b(?!\s{1,3}+(?:queue|tickets?|bucket|list|pool))|\bTBD\b"
    r"|待定负责人|负责人待定|负责人未定|[Oo]wner\s{0,3}+还没定|还没定负责人|负责人还没定|待认领"
    r"|谁来[？?]\s{0,3}+待定|\b(?:nobody|no\s{1,3}+one)\s{1,3}+yet\b"
    # `responsible still open`, `stays without owner for now`, `nobody volunteered`,
    # `人选待定`, `没人接，先记上`.
    r"|\b(?:owner|responsible|assignee)\s{1,3}+(?:still\s{1,3}+)?open\b|\bwithout\s{1,3}+(?:an?\s{1,3}+)?owner\b"
    r"|\b(?:nobody|no\s{1,3}+one)\s{1,3}+(?:volunteered|picked\s{1,3}+it\s{1,3}+up|owns\s{1,3}+it)\b"
    r"|人选待定|待定人选|没人接|无人认领|暂无负责人|负责人[:：]\s{0,3}+待定"
    r"|谁[\u4e00-\u9fff]{0,4}?还没(?:定|确定|落实)|还没定谁|[Oo]wner\s{0,3}+待定"
    r"|\bowner\s{1,3}+not\s{1,3}+(?:agreed|decided|assigned|set|confirmed)\b",
)


def unowned(text: str) -> bool:
    """Whether the line says nobody owns its work yet (`owner TBD`, `待定负责人`)."""
    return _UNOWNED.search(text) is not None


_PLACEHOLDER_OWNER = frozenset(
    {
        "",
        "tbd",
        "tbc",
        "—",
        "–",
        "-",
        "?",
        "待定",
        "n/a",
        "none",
        "无",
        "未指派",
        "未分配",
        "待分配",
    }
)


def placeholder_owner(text: str) -> bool:
    """Whether an owner cell or label holds no one (`TBD`, `—`, `[未分配]`, `owner TBD`)."""
    return text.strip(" ()（）[]【】*").lower() in _PLACEHOLDER_OWNER or unowned(text)


_OWNER_LINE = re.compile(
    r"^\s{0,4}+(?:owner|负责人)(?:\s{1,3}+for\s{1,3}+[^:：\n]{1,30}+)?\s{0,3}+[:：]\s{0,3}+(?P<who>\S[^\n]{0,40}+)",
    re.IGNORECASE,
)
_HEADING_OWNER = re.compile(r"[(（](?P<who>[^()（）]{1,40}+)[)）]")
_ARROW = re.compile(r"^\s{0,4}+(?:→|->|=>)\s{0,3}+(?P<who>\S[^\n]{0,30}+)$")
_ZH_SAYS = re.compile(r"[ \t]{0,2}+(?:说|表示|认为|建议|拍板|定了)")


def _arrow_doers(answer: str, roster: Roster) -> tuple[str, ...]:
    """Who an arrow's answer names; of several, the first who does more than speak
    (`→ Kevin 说加 $2k，Amy 去后台操作`: Amy)."""
    names = _names(answer, roster)
    if len(names) > 1:
        doers = [
            m.names[0]
            for m in roster.mentions(answer)
            if m.names and not _ZH_SAYS.match(answer, m.end)
        ]
        if doers:
            return (doers[0],)
    return names


_ZH_VOCATIVE = re.compile(
    r"\s{0,2}+(?:(?:啊|呀|哈)[，,\s]{0,2}+)?(?:那个?)?你(?!们[班组店部队科室家那这的])"
)
# `宁宁啊，明天上午把收据拿到财务`, `詠詩，中環店嘅排更表聽日交俾我`: a name called out at the start of a
# clause, then what to do.
_ZH_CALLED = re.compile(r"\s{0,2}+(?:(?:啊|呀)[，,\s]{0,2}+|[，,]\s{0,2}+)(?=\S)")
# `潘行长：…，婷婷明天下班前自查一遍，问题清单报我`: in someone's words, a name then when.
_ZH_NAME_WHEN = re.compile(
    r"\s{0,2}+(?:明天|今天|今晚|后天|下周|本周|这周|周[一二三四五六日天]|月底|下班前|\d{1,2}[号日/.])"
)
_NOTHING = re.compile("")
_CLAUSE_START = re.compile(r"(?:^|[，,。；;！!？?：:\]】\s])\s{0,2}+$")
_ZH_REPORTED = re.compile(r"说[^。？?！!]{0,20}+")
_ZH_PRONOUN_COMMIT = re.compile(r"[他她][^，。]{0,10}?(?:会|来|负责|将|前|内|顺便)")
# The person named is given the work (zh batches 09-10): `物流和保险交给 Ryan`, `排班表佳怡出，
# 周五前发群里`, `排班模型要重新做 → 贾琳，节后给初版`.
# `交给 Ryan`, `→ 汤磊`, `由财务部曹丽同志…`, `由冯立拿两家报价`: the work goes to the one named.
# After `交给 X`: X is to do something with it (`交给小王处理`), not merely receive it.
_ZH_HANDLES = re.compile(
    r"\s{0,2}+(?:来|去)?+(?:处理|负责|跟进|办理|落实|完成|做|办|牵头|审核|签|改|修)"
)


def handed_only(body: str, start: int, end: int) -> bool:
    """`把排班表交给曹主任` (a 把 before it, nothing to do after): the one named at
    `start:end` after 交给 receives the thing, and is not who does the work."""
    return "把" in body[:start] and not _ZH_HANDLES.match(body, end)


_ZH_GIVEN_TO = re.compile(
    r"(?:交给|→|->|由)\s{0,2}+(?:(?:AI|ACTION|TODO)\s{0,2}+[:：]\s{0,2}+)?@?"
    r"(?:[\u4e00-\u9fff]{1,6}?(?:部|处|科|办|中心|组))?$"
)
# When, then a verb: `下周二前出`, `明天上午带人补齐`, `这周内再催` (not `下周一到周三休年假`).
_ZH_WHEN_VERB = (
    r"(?:(?:明天|今天|今晚|明早|明晚|后天|上午|下午|晚上|会后|节后|本周内?|这周内?"
    r"|下周[一二三四五六日天]?|周[一二三四五六日天]|月底|月初|年前|\d{1,2}(?:号|日)"
    r"|\d{1,2}月\d{1,2}[日号]|\d{1,2}/\d{1,2})\s{0,2}+(?:前|之前|以前|内)?\s{0,2}+){1,2}+(?:再|先|就|会)?"
    r"(?!出差|请假|休|在|不|没|到|至|是|有|的|开始|结束|入场|上班|值班|放假|还|也|就是|都)[\u4e00-\u9fff]"
)
_ZH_TITLE = r"(?:同志|部长|主任|副主任|经理|总监|科长|处长|所长|主管|组长|书记|院长|校长|队长|站长)"
# `罗志刚部长牵头…`, `史红主任负责…`: a title may come between the name and the verb.
_ZH_NAME_DOES = re.compile(
    _ZH_TITLE
    + r"?(?:出|写|做|来做|来写|负责|跟进|跟一下|盯一下|对接一下|催一下|牵头|盯|跟|排)(?:[，,。；;]|\s{0,2}+$)"
    # `严斌同志负责在国庆节前…`, `老刘牵头补完`, `云姐亲自盯`, `江涛会后跟财务总监确认`.
    r"|"
    + _ZH_TITLE
    + r"?(?:负责|牵头|亲自盯|亲自跟|会后|顺手|安排|来拉|来排|来跟)(?=[\u4e00-\u9fffA-Za-z0-9])"
    # `福利款清单，史蕾说她明天给`: the person named said when they will do it.
    r"|说[她他]?(?:会|来)?(?:明天|今天|今晚|下午|上午|本周|这周|下周|周[一二三四五六日]|月底|\d)"
    # `婷婷下周二前出节目单初稿`, `邱工明天上午带人补齐`: who, when, then what (not `休年假`).
    r"|(?:同志|你)?\s{0,2}+" + _ZH_WHEN_VERB
)
# `谁来组织？`, `谁盯？`, `谁对接一下？`, `谁联系一下群头老杨？`: who will do it, and a verb
# for it (not 谁是, 谁知道).
# After 谁, words that do not ask anyone to do anything (谁是, 谁知道, 谁同意).
_ZH_WHO_NOT_WORK = r"(?!是|的|知道|说|在|有|都|也|家|让|叫|同意|反对|会不会|能不能)"
# `Who can own the vendor call?` / `→ Dana`: an open ask in English.
_EN_WHO_ASKS = re.compile(r"\b(?:who|anyone|anybody|someone|somebody)\b", re.IGNORECASE)
_ZH_WHO = re.compile(
    r"谁(?:来|跟|写|负责|组织|去|做|" + _ZH_WHO_NOT_WORK + r"[\u4e00-\u9fff]{1,2}+(?:一下)?"
    r"[^。？?！!，,\s]{0,12}+[？?])"
)
# `谁来？`, `谁能接一下？`, `谁帮我提一下？`, `有人能牵头清理一下吗？`: work that asks for a taker
# (zh batches 09-10). Nobody taking it leaves an item without an owner.
_ZH_WHO_TAKES = re.compile(
    # `谁去跟老冯说一下先把那几条停掉？` asks too; `谁去过现场？` asks what happened.
    r"(?<!由)谁(?:来|去(?![过了])|能|可以|帮|有空|在跟|跟一下)[^。？?！!，,]{0,20}+(?:[？?]|\s{0,3}+$)"
    # `谁出一下？`, `谁把上次的退款率复盘表补一下`: a verb with 一下 asks for a taker too.
    r"|(?<!由)谁" + _ZH_WHO_NOT_WORK + r"[^。？?！!，,\s]{1,20}?一下"
    r"[^。？?！!，,]{0,8}?(?:[？?]|\s{0,3}+$)"
    r"|有人(?:能|可以|愿意)[^。？?！!吗]{0,40}+吗"
    # `…，能不能有人改一下`, `有没有人能帮忙看一下`: asked of anyone, without a question mark.
    r"|(?:能不能|能否|可不可以)有人[^。？?！!，,]{1,20}?一下"
    r"|有没有人(?:能|可以|帮忙)[^。？?！!，,]{1,20}?一下"
)


def asks_for_a_taker(text: str) -> bool:
    """`谁寄一下？`, `有人能牵头清理一下吗？`: Chinese work that asks whoever will take it."""
    return _ZH_WHO_TAKES.search(text) is not None


_ZH_NOT_WORK = re.compile(r"^\s{0,4}+(?:问题|待讨论|待定|讨论|疑问)\s{0,3}+[:：]")
# A short heading that opens a list of things to do, not "1. Review of December actions";
# `IT（小孔）待办：` names a team and its owner first (zh batches 09-10).
_BARE_HEADING = re.compile(
    r"^\s{0,4}+(?:(?:summary\s{1,3}+of\s{1,3}+|recap\s{1,3}+of\s{1,3}+)?(?:next\s{1,3}+steps?|to\s?-?do"
    r"|todos?|action\s{1,3}+items?|actions?|follow[- ]ups?)(?:\s{1,3}+(?:summary|recap|list))?"
    r"|(?:[^\s:：()（）]{1,10}+\s{0,2}+[(（][^()（）]{1,40}+[)）]\s{0,2}+|[^\s:：()（）待]{1,6}+)?待办(?:事项)?"
    r"|行动项|下一步|后续(?:事项|安排|跟进)?"
    # A group of a summary's action items that nobody took.
    r"|unassigned|no\s{1,3}+owner|owner\s{1,3}+tbd|未分配|待认领|待定负责人|负责人待定)(?:汇总|清单|列表|一览)?"
    r"\s{0,3}+(?:[(（][^()（）]{1,40}+[)）])?\s{0,3}+[:：]?\s{0,3}+$",
    re.IGNORECASE,
)
# `Rahul to sort:` / `Maria will handle:` / `小吴负责：` over a list: each line is that person's.
_OWNER_HEADING = re.compile(
    r"^\s{0,4}+(?P<who>@?[A-Z][\w'’.-]{0,30}+(?:\s[A-Z][\w'’.-]{0,30}+)?)\s{1,3}+(?:to|will|'ll|’ll)"
    r"(?:\s{1,3}+[a-z]{2,15}+){1,3}\s{0,3}+[:：]?\s{0,3}+$"
    r"|^\s{0,4}+(?P<zh>[\u4e00-\u9fff]{2,4}?)(?:这边)?(?:负责|跟进|来做|来跟|认领)\s{0,3}+[:：]?\s{0,3}+$"
)
# `0715 Tomás: …`: a radio or phone log's line starts with the time.
_SPEAKER = re.compile(
    r"^(?:【[^】]{1,12}+】|\[[^\]]{1,12}+\]|\d{1,2}:?\d{2}(?=[ \t]))?\s{0,2}+(?:——|--|—)?\s{0,2}+(?P<who>[^:：\s—-][^:：\s]{0,19}+)"
    r"\s{0,2}+[:：]\s{0,2}+"
)
_NOT_BARE = frozenset({"question", "hypothetical", "decision", "done", "status", "past"})


# `罗小军待办：` / `Maria's to-dos:`: the list of the one named before it.
_TODO_OF = re.compile(
    r"^\s{0,4}+(?P<who>[A-Z][\w-]{0,20}+|[^\s:：()（）待的A-Za-z'’]{1,6}+)(?:的|['’]s)?\s{0,2}+"
    r"(?:待办|to-?dos?\b)[^:：\n]{0,12}+[:：]?\s{0,3}+$",
    re.IGNORECASE,
)


def _owner_heading(heading: str, roster: Roster) -> tuple[str, tuple[str, ...]] | None:
    """The person a `Rahul to sort:`, `IT（杨帆）` or `罗小军待办：` heading names, as written
    and as participants."""
    match = _OWNER_HEADING.match(heading)
    todo_of = _TODO_OF.match(heading)
    if match is not None:
        who = match.group("who") or match.group("zh")
    elif todo_of is not None:
        who = todo_of.group("who")
    elif (section := _SECTION_OF.match(heading)) is not None:
        # A short topic with one participant in brackets: that person's part of the work.
        who = section.group("who")
    elif (steps := _NAMED_STEPS_HEADING.match(heading)) is not None:
        # `Matteo — next steps:`, `Next steps for Matteo:`: that person's list.
        who = steps.group("who") or steps.group("for")
    elif (dashed := _DASHED_OWNER_HEADING.match(heading)) is not None:
        # A checklist's `IT — @nadiac (0/4)`: its topic, then whose boxes they are.
        who = dashed.group("who")
    else:
        # `Moses:`, `许兽医：`, `晓燕这边：` over a list: the person's own part of a plan.
        who = _SIDE.sub("", heading.strip().strip("*#:： ").strip())
        if not who or len(who) > 30 or len(roster.lookup(who)) != 1:
            return None
    names = _names(who, roster)
    return (who, names) if len(names) == 1 else None


def _recap_heading(heading: str) -> bool:
    """`Next steps`, `待办汇总`, or a chat's `总结一下今天的：` over its list."""
    return bool(_BARE_HEADING.match(heading) or RECAP_INTRO.search(heading))


def _restating_heading(heading: str) -> bool:
    """A list that may restate the discussion's items: a recap, or any section of actions
    (`七、议定事项及责任分工` over a table of what the minutes said above)."""
    return _recap_heading(heading) or section_kind(heading) == "actions"


_STEPS = r"(?i:next\s{1,3}+steps?|to-?dos?|action\s{1,3}+items?|actions?|follow[- ]ups?)"
_NAMED_STEPS_HEADING = re.compile(
    r"^\s{0,4}+(?P<who>[A-Z][\w'’-]{1,30}+(?:\s[A-Z][\w'’-]{1,30}+)?)(?:['’]s)?\s{0,2}+"
    r"(?:[—–:-]\s{0,2}+)?" + _STEPS + r"\s{0,2}+[:：]?\s{0,2}+$"
    r"|^\s{0,4}+" + _STEPS + r"\s{1,3}+(?i:for)\s{1,3}+"
    r"(?P<for>[A-Z][\w'’-]{1,30}+(?:\s[A-Z][\w'’-]{1,30}+)?)\s{0,2}+[:：]?\s{0,2}+$"
)
_DASHED_OWNER_HEADING = re.compile(
    r"^\s{0,4}+[^—–\n]{1,30}?\s[—–-]\s{1,2}+(?P<who>@?[\w.'’-]{1,30}+(?:\s[A-Z][\w'’-]{1,30}+)?)"
    r"\s{0,2}+(?:[(（]\d{1,3}+/\d{1,3}+[)）])?\s{0,2}+$"
)
_SECTION_OF = re.compile(
    r"^\s{0,4}+[^\s:：()（）]{1,12}+\s{0,2}+[(（](?P<who>[^()（）,，、/]{1,20}+)[)）]\s{0,2}+[:：]?\s{0,2}+$"
)


# A report's plan: `明日计划：`, `下周工作`, `Next week:`, `Plan for tomorrow`.
_PLAN_HEADING = re.compile(
    r"^\s{0,4}+(?:[#*]{1,4}+\s{0,2}+)?(?:明日|明天|下周|本周|下阶段)(?:工作)?(?:计划|安排|待办)"
    r"|^\s{0,4}+(?:[#*]{1,4}+\s{0,2}+)?(?:plan\s{1,3}+for\s{1,3}+)?(?:next\s{1,3}+week|tomorrow)\b",
    re.IGNORECASE,
)


def plan_heading(heading: str) -> bool:
    """`明日计划`, `下周工作安排`, `Next week`: a report's list of its author's coming work."""
    return bool(_PLAN_HEADING.search(heading))


def todo_heading(heading: str) -> bool:
    """`Next steps`, `明日待办`, `Action items`: a heading over a list of work (not a chat's
    `总结一下今天的：`, whose day is the one summed up)."""
    return bool(_BARE_HEADING.match(heading))


def _list_heading(heading: str, roster: Roster) -> bool:
    """A heading whose bare lines are items: `Next steps`, `待办汇总`, `Rahul to sort:`."""
    return _recap_heading(heading) or _owner_heading(heading, roster) is not None


def _names(form: str, roster: Roster) -> tuple[str, ...]:
    form = form.strip().strip("*").strip()
    return roster.lookup(form) or tuple(n for m in roster.mentions(form) for n in m.names[:1])


def _set_owner(
    item: Analysed,
    names: Sequence[str],
    how: str,
    co: Sequence[str] = (),
    *,
    why: str = "",
    short: ShortForm | None = None,
) -> None:
    """Give the item its owner; `why` when the reason cannot be read from `how` later."""
    unique = tuple(dict.fromkeys(names))
    item.owner = replace(
        item.owner,
        name=unique[0] if unique else None,
        candidates=unique,
        ambiguous=len(unique) > 1,
        confidence=0.85 * (0.5 if len(unique) > 1 else 1.0) if unique else 0.0,
        how=how,
        co_owners=tuple(co),
        cut=(0, 0),
        why=why,
        short=short,
    )


def fold_reply(request: Analysed, reply: Analysed, due: Due | None = None) -> None:
    """`reply` takes `request` (`Kerwin: ok going now`, `好的，我下午就打电话`): the two are one
    item spanning both, and the date said in the reply (or `due`, when the caller found it
    elsewhere) is the request's when the request gave none."""
    said = reply.due if due is None else due
    if said is not None and (request.due is None or request.due.date is None):
        request.due = said
    request.sentence.extra["accepted_end"] = str(reply.sentence.end)
    reply.kind = "accepted"


# A sentence opening on a condition: what follows happens only if it does.
_ZH_IF_OPENING = re.compile(
    r"^\s{0,3}+(?:[一二三四五六七八九十\d]{1,2}[、.．]\s{0,2}+)?"
    r"(?:如果|假如|要是|万一|倘若|如(?![下期何同此今实数需要果]))"
)


def _force(item: Analysed, reason: str) -> None:
    """Make the sentence an item whatever the detector said; the shape's reason comes first."""
    item.kind = "action"
    item.forced = True
    item.score = max(item.score, 0.9)
    item.reasons.insert(0, reason)


def _give(
    item: Analysed,
    *,
    names: Sequence[str],
    who: str,
    how: str,
    why: str,
    shape: str,
    roster: Roster,
) -> None:
    """Make the sentence an item of `names`, as written `who`, for the shape's reason."""
    why_text, short = _form_why(why, who, roster)
    _set_owner(item, names, how, why=why_text, short=short)
    _force(item, shape)


def _form_why(base: str, form: str, roster: Roster) -> tuple[str, ShortForm | None]:
    """ "`AF` follows the arrow; initials `AF` matched participant Alice Fong"."""
    short = roster.short_form(form.strip().strip("*").strip())
    return (base + "; " + short.reason() if short is not None else base), short


def _initials_label(item: Analysed, roster: Roster) -> bool:
    match = _INITIALS_LABEL.match(item.sentence.text)
    if match is None:
        return False
    who = match.group("paren") or match.group("dashed") or match.group("who")
    groups = [g for g in (_names(p, roster) for p in re.split(r"[+/&,]", who)) if g]
    if not groups:
        if _AI_LABEL.match(item.sentence.text) and "hypothetical" not in item.cues:
            _force(item, f"marker `{match.group(0).strip()}` in front of the line")
            return True
        return False
    first = re.split(r"[+/&,]", who)[0].strip()
    why, short = _form_why(f"`{first}` labels the line", first, roster)
    _set_owner(item, groups[0], "label", co=[g[0] for g in groups[1:]], why=why, short=short)
    body = item.sentence.text[match.end() :]
    item.body_offset = match.end() + len(body) - len(body.lstrip())
    item.body = body.lstrip()
    _force(item, f"owner label `{match.group(0).strip()}` in front of the line")
    return True


_CLAUSE_END = re.compile(r"[，,。；;！!？?]")


def _clause_cues(item: Analysed, start: int, end: int) -> set[str]:
    """The negative cues (done, question, hypothetical) of the clause of `item`'s sentence
    that holds [start, end): `已拍照留档，供应商那边赵敏明天上午联系` is done in its first
    clause only."""
    text = item.sentence.text
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = _CLAUSE_END.search(text, end)
    clause = text[left : right.end() if right else len(text)]
    return cue_set(clause, item.sentence.lang) & {"done", "question", "hypothetical"}


# `责任单位：护理部；责任人：许丽华。`, `采购部（责任人：邓文斌）负责…`: a formal minute's owner.
_RESPONSIBLE = re.compile(
    # `牵头人：城建科科长杜明`: a unit and a title may come before the name.
    r"(?:责任人|负责人|牵头人|承办人)\s{0,2}+[:：]\s{0,2}+(?P<who>[\u4e00-\u9fff]{2,10}+|[A-Z][\w'’-]{1,20}+)"
)


# `完成时限：4月30日前`, `截止时间：下周五`: when, labelled, beside who.
_DEADLINE_LABEL = re.compile(
    r"(?:完成时限|完成时间|时限|截止时间|截止日期|期限)\s{0,2}+[:：][^；;。]{0,20}+"
)


def _labels_work_before(item: Analysed, previous: Analysed) -> bool:
    """Whether a `责任人：…` sentence ends the work said just before it in the same line."""
    return (
        previous.sentence.unit == item.sentence.unit
        and previous.kind in {"action", "other"}
        and not previous.cues & {"done", "question", "hypothetical", "decision"}
        and previous.owner.how not in {"table", "label", "asked", "accepted", "subject"}
        and _RESPONSIBLE.search(previous.sentence.text) is None
    )


def _responsible(item: Analysed, previous: Analysed | None, roster: Roster) -> bool:
    """The person after `责任人：` owns the work of the sentence, or of the next one in the
    same paragraph when the sentence names nobody's work but theirs."""
    sentence = item.sentence
    if sentence.lang != "zh" or item.owner.how in {"table", "label", "asked", "accepted"}:
        return False
    named = _RESPONSIBLE.search(sentence.text)
    source = item
    if named is None and previous is not None and previous.sentence.unit == sentence.unit:
        named = _RESPONSIBLE.search(previous.sentence.text)
        source = previous
    if named is None:
        return False
    names = roster.lookup(named.group("who")) or next(
        (m.names for m in roster.mentions(named.group("who"))), ()
    )
    if not names:
        return False
    rest = _DEADLINE_LABEL.sub("", _RESPONSIBLE.sub("", source.sentence.text))
    if source is item and len(re.sub(r"[\W_]|责任单位|[一二三四五六七八九十]", "", rest)) <= 8:
        if previous is not None and _labels_work_before(item, previous):
            # `启动定向招募。责任人：宋建军；完成时限：4月30日前。`: the label closes the work before it.
            _set_owner(previous, names, "label", why=f"`{named.group(0)}` after it names who")
            if item.due is not None and (previous.due is None or previous.due.date is None):
                previous.due = item.due
            if previous.kind != "action":
                _force(
                    previous,
                    f"work with its responsible person named after it (`{named.group(0)}`)",
                )
            item.kind = "accepted"  # the label is the work's, not an item of its own
            return True
        return False  # the label alone: its work is in the next sentence
    if item.cues & {"done", "question", "hypothetical"}:
        return False
    _set_owner(item, names, "label", why=f"`{named.group(0)}` names who is responsible")
    if item.kind != "action" and (item.due is not None or source is item):
        _force(item, f"work with its responsible person named (`{named.group(0)}`)")
    return True


# `Town hall: organise it with the village head. (Kunle)`, `[Declan Reid] Drainage: resolve…`:
# a recap line with its owner in brackets at the end or in square brackets in front.
_EN_OWNER_AFTER = re.compile(
    r"[(（]\s{0,2}+(?P<who>[A-Z][\w'’. -]{0,30}?)\s{0,2}+[)）]\s{0,2}+[.。]?\s{0,2}+$"
)
_OWNER_BEFORE = re.compile(r"^\s{0,4}+\[(?P<who>[^\[\]\d:\n]{2,30}+)\]\s{0,3}+(?=\S)")


# `Is the hotel block still holding 60 rooms? (Felix to find out)`: an open point given to
# someone in brackets after it.
_EN_BRACKET_ASSIGNED = re.compile(
    r"[(（][ \t]{0,2}+(?P<who>[A-Z][\w'’-]{1,20}+(?:[ \t][A-Z][\w'’-]{1,20}+)?+)[ \t]{1,3}+"
    r"(?:to|will)[ \t]{1,3}+[a-z][^()（）\n]{0,60}+[)）][ \t]{0,2}+[.。]?[ \t]{0,2}+$"
)


def _bracket_assignment(item: Analysed, roster: Roster, *, text: str = "") -> bool:
    if item.sentence.lang == "zh" or item.cues & {"done", "hypothetical"}:
        return False
    found = _EN_BRACKET_ASSIGNED.search(text or item.sentence.text)
    names = roster.lookup(found.group("who")) if found else ()
    if found is None or not names:
        return False
    who = found.group("who")
    _set_owner(item, names, "label", why=f"`({who} to …)` in brackets gives it to them")
    _force(item, f"a point given to someone in brackets (`{who} to …`)")
    return True


def _bracket_owner(item: Analysed, roster: Roster, *, who: str = "") -> bool:
    sentence = item.sentence
    if item.owner.how in {"table", "label", "asked", "accepted", "vocative", "subject"}:
        return False
    if item.cues & {"done", "question", "hypothetical", "decision"}:
        return False
    if sentence.block == "checked":
        return False  # `☑ Welcome kits ordered (Ama)`: ticked, done
    if not who:
        found = _OWNER_BEFORE.match(sentence.text)
        if found is None and sentence.lang == "en":
            found = _EN_OWNER_AFTER.search(sentence.text)
        elif found is None and item.kind == "action" and "我" not in sentence.text:
            # `滨江店开业人员排班（刘畅）`: the name in brackets after the work (not after a
            # meeting's time: `班前会 2/3 早 8:00（周班长）`).
            found = ZH_NAME_AT_END.search(sentence.text.rstrip())
        who = found.group("who").strip() if found else ""
    names = roster.lookup(who) if who else ()
    if not names:
        return False
    _set_owner(item, names, "label", why=f"`{who}` in brackets names the line's owner")
    if item.kind != "action" and (
        sentence.section == "actions" or _list_heading(sentence.heading, roster) or item.due
    ):
        _force(item, f"a recap line with its owner in brackets (`{who}`)")
    return True


def _owner_after(item: Analysed, previous: Analysed, roster: Roster) -> bool:
    """`Send a field tech this week. (Halima)`: the name in brackets after the line's last
    sentence owns that line."""
    if previous.sentence.unit != item.sentence.unit:
        return False
    text = item.sentence.text.strip()
    given = _EN_BRACKET_ASSIGNED.fullmatch(text) if text.startswith(("(", "（")) else None
    if given is not None and roster.lookup(given.group("who")) and previous.kind != "accepted":
        # `Is the hotel block still holding 60 rooms? (Felix to find out)`: the open point
        # before the brackets is given to Felix.
        item.kind = "other"
        return _bracket_assignment(previous, roster, text=text)
    alone = _EN_OWNER_AFTER.fullmatch(text)
    if alone is None:
        return False
    names = roster.lookup(alone.group("who").strip())
    if not names:
        return False
    item.kind = "other"
    _bracket_owner(previous, roster, who=alone.group("who").strip())
    return True


def _label_goes_on(item: Analysed, previous: Analysed) -> None:
    """`郑雅芳：…测算底稿，年底前；盘点差异 2 项 1/8 前查清`: the line's second piece of work,
    naming nobody, is still the labelled person's."""
    if (
        item.sentence.lang != "zh"
        or previous.sentence.unit != item.sentence.unit
        or item.owner.how != "none"
        or previous.owner.how != "label"
        or not previous.owner.name
        or item.mentions
    ):
        return
    item.owner = replace(
        previous.owner,
        cut=(0, 0),
        co_owners=(),
        why=f"`{previous.owner.name}` labels the line this work is on",
    )
    item.cues.add("owner:label")


# What a chat line that only leaves work unowned says besides: fillers, `先放着`, `下次再定`.
_ZH_NO_WORK_LEFT = re.compile(
    r"先放着|先放一放|先搁着|下次(?:会)?再定|下次再说|回头再说|再说|[吧啊哈了呢嗯好的行]|[\W_]"
)


def _unowned(item: Analysed) -> bool:
    sentence = item.sentence
    if sentence.block == "table":
        cells = {role: cell for role, cell, _, _ in sentence.cells}
        # `（未分配）`, `[TBD]`: the placeholder in brackets is one too.
        placeholder = placeholder_owner(cells.get("owner", "x"))
        if placeholder and cells.get("what", "").strip():
            owner = cells.get("owner", "").strip()
            _force(item, f"a table row whose owner is `{owner}`, not yet decided")
            if not owner:
                _force(item, "a table row with an empty owner")
            return True
        return False
    unowned = _UNOWNED.search(sentence.text)
    if unowned and "done" not in _clause_cues(item, unowned.start(), unowned.end()):
        said = f"`{unowned.group(0)}`"
        rest = sentence.text[: unowned.start()] + sentence.text[unowned.end() :]
        if sentence.turn >= 0 and not _ZH_NO_WORK_LEFT.sub("", rest).strip():
            # `先放着吧，待定负责人，下次会再定。` in a chat: the answer to `谁来弄一下？`, which is
            # the item; this line names no work of its own.
            item.kind = "other"
            return True
        # `华锐 8D 报告关闭时间跟进 —— 待定负责人`: a Chinese subject before the marker is what
        # the work is about; `Anaïs to raise it…, owner TBD for the rest` keeps Anaïs.
        subject_before = (
            item.owner.how == "subject"
            and sentence.lang == "zh"
            and item.body_offset + item.owner.cut[1] <= unowned.start()
        )
        if item.owner.how not in {"label", "table", "asked", "subject"} or subject_before:
            _set_owner(item, (), "none", why=f"the line says nobody owns it yet ({said})")
        _force(item, f"work waiting for an owner ({said})")
        return True
    return False


# `各店把进销存对一下，周四前我要结果`, `各 BP 请于 1 月 2 日前把明细报给我`: work asked of every
# store, department or person at once, nobody in particular (not `每周五…`, a standing rule).
# `各店周四前把…`, `全体店长：本周五前交…`, `各部门负责人要…签订责任书`, `各村要在本周内完成…`: every
# one of a group, nobody in particular.
_ZH_EVERYONE = re.compile(
    r"(?:^|[，,。；;：:\s])(?:另外|还有)?[^，,。；;：:\s]{0,6}?"
    r"(?:各\s?(?:个\s?)?(?:店|门店|位|部门|单位|责任单位|组|班组|科室|区域|网点|BP|店长|项目组|村|社区"
    r"|学院|分会|课题组|车间|窗口|板块|片区|事业部|分公司|子公司|条线|团队|支部|年级|班)"
    r"|(?<!@)全体\s?(?:店长|老师|员工|同事|人员|成员|党员|教师|干部|组员|同学|职工)"
    r"|所有\s?(?:店长|门店|老师|同事|人员|部门)|大家)"
    r"(?:负责人|长|主任|经理|老师)?\s?[：:]?\s?(?:都|请|要|须|必须|务必|尽快)?\s?(?:于|在)?[^，,。；;]{0,24}?"
    r"(?:把|报|交|提交|上传|更新|发|对一[下遍]|过一[下遍]|核对|自查|自评|排查|检查|确认|填写|准备|完成"
    r"|签订|召开|开展|组织|落实|做好|摸底|整改|合进|合入|提测)"
)


# `房志刚、鲍磊具体负责`, `Kevin汇总`, `钱蕾负责收齐汇总`: a named person leads the group's work.
_LEADS = re.compile(
    r"(?:、[^，。；\s]{1,6}?)?(?:同志)?\s?(?:具体|统一|负责)?(?:负责|牵头|汇总|统筹|督办|收齐)"
)


_ZH_GROUP_PROGRESS = re.compile(
    r"目前(?:已经?)?(?:报了|收到|交了|交上来|报上来|有)\s?\d|还差[^，。；]{0,12}?(?:店|部门|单位|组|人|家|份|个)"
)
_HANDED_TO = re.compile(r"(?:发|报|交|给|送|到)\s?$")


def _zh_everyone(item: Analysed) -> bool:
    sentence = item.sentence
    if sentence.lang != "zh" or item.kind == "accepted":
        return False
    if item.owner.how in {"subject", "table", "responsible", "vocative", "accepted", "heading"}:
        return False  # `陶静同志负责编制值班表…；各部门…`: someone named owns the sentence's work
    asked = _ZH_EVERYONE.search(sentence.text)
    if asked is None or "每" in asked.group(0) or "由" in asked.group(0):
        return False  # `各店排班表由店长报给…`: given to someone
    if _ZH_GROUP_PROGRESS.search(sentence.text) and item.kind in {"action", "other"}:
        # `各部门节目报名截止 12/18，目前报了 6 个`, `…各店今天都要报上来，还差静安店和徐汇店`:
        # how the group's returns stand.
        item.kind = "status"
        return True
    if any(m.start < asked.start() for m in item.mentions):
        return False  # `综合办公室陶静同志负责编制值班表；各部门…`: the one named first owns it
    leader = next(
        (
            m
            for m in item.mentions
            if _LEADS.match(sentence.text, m.end)
            and not _HANDED_TO.search(sentence.text, 0, m.start)
        ),
        None,
    )
    if leader is not None:
        # `各车间年前组织一次演练，房志刚、鲍磊具体负责`: the first one named leads it.
        lead = _LEADS.match(sentence.text, leader.end)
        said = sentence.text[leader.start : lead.end() if lead else leader.end]
        _set_owner(item, leader.names, "label", why=f"`{said}`: named to lead the group's work")
        return True
    after = sentence.text[asked.end() : asked.end() + 30]
    if "每" in after or _clause_cues(item, asked.start(), asked.end()) & {"done", "question"}:
        return False
    if item.due is None and not re.search(r"前|内|尽快|马上|上来|给我", after + asked.group(0)):
        return False  # a deadline or a `报上来`: asked to be done, not a description of routine
    if "大家" in asked.group(0) and not re.search(
        r"(?<![当目之提以])前|之内|以内", asked.group(0) + after[:8]
    ):
        return False  # `大家对一下进度`: a nudge to the room, not work with a deadline
    said = asked.group(0).strip("，,。；;：: \t")
    _set_owner(item, (), "none", why=f"asked of everyone at once (`{said}`), nobody in particular")
    _force(item, f"work asked of every one of a group (`{said}`)")
    return True


def _zh_addressed(item: Analysed) -> bool:
    """`小吴你盯一下`, `汪洋说他月底前定人`: the person named is the owner."""
    if item.sentence.lang != "zh" or not item.mentions:
        return False
    if item.owner.how in {"table", "asked", "accepted"} and item.kind == "action":
        return False
    body = item.sentence.text
    # `郭经理：…，钱勇你安排一下`: the speaker's label names who talks; the one addressed
    # after it is who does the work.
    spoken = item.owner.how == "label"
    after = (body.find("：") + 1 or body.find(":") + 1) if spoken else 0
    if spoken and after <= 0:
        return False
    later = [m for m in item.mentions if m.start >= after]

    def called(mention: Mention) -> re.Match[str] | None:
        rest = body[mention.end :]
        vocative = _ZH_VOCATIVE.match(rest)
        handle = mention.surface.startswith("@") or body[mention.start - 1 : mention.start] == "@"
        start = (
            mention.start - 1 if handle and not mention.surface.startswith("@") else mention.start
        )
        if vocative or not _CLAUSE_START.search(body, 0, start):
            return vocative
        if handle and spoken and item.owner.name not in mention.names:
            return _NOTHING.match(rest)  # `郝静：…，@樊磊 车你来开`: the handle is who is asked
        call = _ZH_CALLED.match(rest)
        if call and not any(m.start == mention.end + call.end() for m in item.mentions):
            return call  # not `陈静，黄伟参会`: a list of names
        if spoken and item.owner.name not in mention.names and "我" in body[mention.end :]:
            return _ZH_NAME_WHEN.match(rest)
        return None

    if spoken and item.kind == "action" and not any(called(m) for m in later):
        return False
    for mention in later[:2]:
        rest = body[mention.end :]
        vocative = called(mention)
        if vocative and "你" not in vocative.group(0) and item.kind != "action":
            return False  # `严姐，上周的佣金还没到账`: called by name, but asked for nothing
        if vocative:
            said = f"`{mention.surface}{vocative.group(0).strip()}`"
            why = f"the request is addressed to `{mention.surface}` ({said})"
            if mention.short is not None:
                why += "; " + mention.short.reason()
            _set_owner(item, mention.names, "vocative", why=why, short=mention.short)
            at = mention.start - item.body_offset
            if 0 <= at <= 1:  # `小陆，那个客户…你负责接待`: the description leaves out the call
                item.owner = replace(
                    item.owner, cut=(0, at + len(mention.surface) + vocative.end())
                )
            _force(item, f"a request addressed to a person ({said})")
            return True
        reported = _ZH_REPORTED.match(rest)
        if reported and _ZH_PRONOUN_COMMIT.search(reported.group(0)) and "done" not in item.cues:
            why = f"`{mention.surface}` said they would do it (`{reported.group(0)}`)"
            _set_owner(item, mention.names, "pronoun", why=why, short=mention.short)
            _force(item, f"a commitment reported for `{mention.surface}`")
            return True
    return False


# `工位+门禁卡：孟佳，周五前` (a 接龙 or recap line): the work, a colon, who, then when.
_ZH_CLAIMED = re.compile(
    r"^\s{0,4}+[^：:\n]{2,30}?[：:]\s{0,2}+(?P<who>[^，,。：:\s]{1,8}+)\s{0,2}+[，,]\s{0,2}+\S"
)


def _zh_claimed(item: Analysed, roster: Roster) -> bool:
    if item.sentence.lang != "zh" or item.due is None or item.cues & {"done", "question"}:
        return False
    if item.owner.how in {"label", "table"} and item.kind == "action":
        return False
    match = _ZH_CLAIMED.match(item.sentence.text)
    names = roster.lookup(match.group("who")) if match else ()
    if match is None or len(names) != 1:
        return False
    who = match.group("who")
    _give(
        item,
        names=names,
        who=who,
        how="label",
        why=f"`{who}` is named after the work's colon",
        shape=f"a line of work with who (`{who}`) and when after it",
        roster=roster,
    )
    return True


_JOINED = re.compile(r"\s{0,2}+[+＋、&/和与及]\s{0,2}+")


def _zh_assigned(item: Analysed) -> bool:
    """`物流和保险交给 Ryan`, `排班表佳怡出`, `… → 贾琳，节后第一周给初版`: the person named
    is given the work."""
    if item.sentence.lang != "zh" or not item.mentions or item.kind == "accepted":
        return False
    if item.owner.how in {"label", "table", "vocative", "accepted", "heading"}:
        return False
    if _standing(item):
        return False  # `成立…突击队，由侯建军任队长`: a role from now on (a decision, below)
    body = item.sentence.text
    if "hypothetical" in item.cues and _ZH_IF_OPENING.match(body):
        return False  # `如上级检查组提前来访，由陈主任临时协调接待`: only if it happens
    at_owner = any(m.surface.startswith("@") and item.owner.name in m.names for m in item.mentions)
    for mention in item.mentions:
        if at_owner and not mention.surface.startswith("@"):
            continue  # `@王皓 auth 修复明天灰度`: the @ names the owner, a guessed name does not
        given = _ZH_GIVEN_TO.search(body[max(0, mention.start - 6) : mention.start])
        does = _ZH_NAME_DOES.match(body, mention.end) if mention.start else None
        if (
            given is not None
            and given.group(0).startswith("交给")
            and handed_only(body, mention.start, mention.end)
        ):
            given = None  # `把排班表交给曹主任`: the one it is handed to, not who does it
        if given is None and does is None:
            continue
        # Only the clause that gives the work counts: `已拍照留档，赵敏明天上午联系`.
        if _clause_cues(item, mention.start, does.end() if does else mention.end):
            continue
        # `HQ + MZ 周六停机时一起清`: people joined before the verb; the first named owns it.
        joined = [
            m
            for m in item.mentions
            if m.end <= mention.start and _JOINED.fullmatch(body, m.end, mention.start)
        ]
        if joined and given is None:
            mention = joined[-1]
        if given is not None:
            said = f"`{given.group(0).strip()} {mention.surface}`"
        else:
            said = f"`{mention.surface}{body[mention.end : does.end() if does else mention.end]}`"
        why = f"the work is given to `{mention.surface}` ({said})"
        if mention.short is not None:
            why += "; " + mention.short.reason()
        _set_owner(item, mention.names, "vocative", why=why, short=mention.short)
        _force(item, f"work given to a person named ({said})")
        return True
    return False


# `老汤提醒：节后复工第一天…要提前准备`: a reminder of a risk, nobody's work (zh batch 09).
_ZH_REMINDER = re.compile(r"^\s{0,4}+[^\s:：，,。]{1,8}?(?:提醒|提示|强调)\s{0,2}+[:：]")
_ZH_COMMIT_WORDS = re.compile(r"我|你|负责|(?<!提)[前内]")
# `佳怡说…`, `袁总开场强调…`, `Daniel 说…`: a line that reports what someone said.
_ZH_SAID = re.compile(
    r"^\s{0,4}+(?:[\u4e00-\u9fff]{1,5}?|[A-Za-z][A-Za-z.'’]{0,19}+\s{0,2}+)"
    r"(?:" + ZH_SAID_VERBS + r"|问(?=[:：]|能不能|是否|要不要|有没有|为什么|怎么))"
)
# ... unless it reports a commitment: `史蕾说她明天给`, `刘主任表示会跟总务处协调`.
_ZH_SAID_COMMIT = re.compile(
    r"[他她](?:会|将|来)|(?:会|将)(?:跟|去|来|做|写|把|给|安排|处理|协调|提|发|整理|联系|确认|跟进|负责)"
    r"|来(?:做|写|跟|弄|处理|安排)|[他她]" + _ZH_WHEN_VERB
)
# `讨论后结论：…`, `康总最后拍板：…`: the line states a decision.
_ZH_DECIDED = re.compile(
    r"^\s{0,4}+[\u4e00-\u9fff]{0,5}?(?:讨论后|会议|会上|最后|最终)?(?:结论|拍板|决定|决议)\s{0,2}+[:：]"
)
# `康总要求 P1 必须在上线前全部关闭`: a requirement on the work, nobody's item by itself.
_ZH_TAKES_IT_ON = re.compile(r"\s{0,2}+(?:说|表示)?+[他她]?+(?:会|来|先|负责|牵头|答应|承诺)")
_ZH_REQUIRES = re.compile(r"^\s{0,4}+[\u4e00-\u9fff]{1,5}?(?:要求|规定|强调)(?=[^，,。：:]{4})")


# `(unassigned)`, `（没人接）` on a line of their own annotate the line before; `"黄佳"撤回了一条
# 消息`, `[图片]` are a chat app's own lines.
_NOT_A_LINE = re.compile(
    r"^\s{0,4}+(?:\[\s?\]\s{0,2}+)?(?:[(（][^()（）\n]{1,20}+[)）]|\[[^\[\]\n]{1,8}+\])\s{0,2}+[.。]?\s{0,2}+$"
    r"|^\s{0,4}+[\"“”「『]?[^\s\"“”「」『』]{1,20}+[\"“”」』]?\s{0,2}+(?:撤回了一条消息|recalled\s{1,3}+a\s{1,3}+message)"
    # `「罗建国：今天预计进港 6800 票」`: a quoted earlier message, said already.
    r"|^\s{0,4}+「[^」\n]{1,200}+」\s{0,2}+$"
    # An AI summary's disclaimer: `AI-generated content may be inaccurate or misleading.`
    r"|^\s{0,4}+(?:AI[- ]generated\s{1,3}+content\s{1,3}+may\s{1,3}+be|(?:内容|本纪要)?由\s{0,2}+AI\s{0,2}+生成)"
    # A form's fields: `交班人：周立新（白班）  接班人：韩晓东（夜班）`, `交班人签字：周立新`.
    # Two fields or more, or a signature's; `负责人：孙悦` alone names the owner of what follows.
    r"|^\s{0,4}+(?:[\u4e00-\u9fff]{0,5}?(?:人|签字|签名)\s{0,2}+[:：]\s{0,2}+[^\s:：]{1,16}+\s{0,4}+){2,4}+$"
    r"|^\s{0,4}+[\u4e00-\u9fff]{0,5}?(?:签字|签名)\s{0,2}+[:：]\s{0,2}+[^\s:：]{1,16}+\s{0,4}+$"
    # Gemini's footer: `Get tips and learn how Gemini takes notes`, `Please provide feedback
    # about using Gemini to take notes`.
    r"|^\s{0,4}+(?:get\s{1,3}+tips\s{1,3}+and\s{1,3}+learn\s{1,3}+how|please\s{1,3}+provide\s{1,3}+feedback"
    r"\s{1,3}+about\s{1,3}+using)\s{1,3}+(?:Gemini|Copilot|Zoom\s{1,3}+AI)",
    re.IGNORECASE,
)


# `Rory: brake pad stock is down to 2 weeks' cover.`: a label, then a statement of fact.
_EN_FACT = re.compile(
    r"^\s{0,3}+(?:the\s{1,3}+|our\s{1,3}+|their\s{1,3}+|an?\s{1,3}+)?(?:[\w'’/#&-]{1,30}+\s{1,3}+){0,6}?"
    r"(?:is|are|was|were|has|had|came|went|got|looks?)\b",
    re.IGNORECASE,
)
_EN_COMMITS = re.compile(
    r"\b(?:will|'ll|’ll|(?<!down\s)(?<!up\s)to\s{1,3}+(?!(?:the|a|an|one|two|three|four|five|six|ten)\b)[a-z]+"
    r"|need|needs|must|should|please|pls|can|could|asap|going"
    r"|todo|action)\b",
    re.IGNORECASE,
)


def _en_fact_line(item: Analysed) -> bool:
    """`Name: <a statement of how things are>` with nothing to do in it is a status line."""
    if item.sentence.lang != "en" or item.owner.how != "label" or item.forced:
        return False
    if (item.due is not None and item.due.date is not None and not item.due.past) or (
        item.cues & {"imperative", "request", "first_person", "marker"}
    ):
        return False
    body = item.body
    # `Rohan: the bot→agent handoff still drops the transcript`: a thing, then how it is.
    thing_first = item.due is None and _EN_THING_FIRST.match(body) is not None
    return (_EN_FACT.match(body) is not None or thing_first) and _EN_COMMITS.search(body) is None


# A group set up and its head named: `成立…专班，施红梅任组长`, `领导小组，组长由严国栋担任`.
_ZH_APPOINTS = re.compile(
    r"(?:成立|组建)[^。；;]{0,30}?(?:专班|小组|工作组|委员会|指挥部)[^。；;]{0,40}?(?:任|担任)副?"
    r"(?:组长|主任|召集人|指挥长)|(?:组长|主任|召集人|指挥长)由[^。；;，,]{1,10}?担任"
)


_ZH_LEADS = re.compile(r"负责(?!同志|人)|牵头")
_ZH_MEETING_STRESSED = re.compile(
    r"^\s{0,3}+(?:[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]\s{0,2}+)?会议(强调|指出|通报|认为)"
)


# `维修单提了吗？`, `排烟风机修好没？`, `电话回访了没有`: whether something is done yet (9 of 10
# such lines in the blind sets are no item; the one that is gives its work with 把).
_ZH_DONE_YET = re.compile(
    r"(?:了吗|了么|了没有?|[完好]没有?)\s{0,2}+[？?]++\s{0,2}+$|(?:了没有|[完好]没有?)\s{0,2}+$"
)


_ZH_GIVES_THE_FLOOR = re.compile(
    r"你先(?:来)?(?:说|讲|介绍|汇报|过)(?:一?下|两句)?(?:现在|目前|整体)?(?:的)?(?:什么情况|情况|进展|数据)?[。，,.！!]?\s{0,2}+$"
)


_EN_UNOWNED_ONLY = re.compile(
    r"^\W{0,4}+(?:owner\s{0,2}+(?:[:：-]\s{0,2}+)?(?:tbd|tbc|unknown|unassigned|needed|wanted)"
    r"|no\s{1,2}+owner(?:\s{1,2}+yet)?|unassigned|needs\s{1,2}+an\s{1,2}+owner)\W{0,3}+$",
    re.IGNORECASE,
)
_ZH_UNOWNED_ONLY = re.compile(
    r"^[\s—–\-－:：（(]{0,4}+(?:待定负责人|负责人待定|待认领|无人认领|暂无负责人|负责人[:：]?\s{0,2}+待定)"
    r"[\s)）。.!！]{0,3}+$"
)
_ZH_PARKED = re.compile(
    r"^\W{0,3}+没人(?:接|认领|领|回)[^，,。]{0,2}[，,]?\s{0,2}+(?:我)?先(?:挂着|放着|记着|搁着)"
)
_ZH_AS_BEFORE = re.compile(
    r"(?:延续|沿用|照旧|照搬|参照|按照?)(?:去年|上次|上一[批期届轮次]|往年|以往|之前|原来|老)的?"
    r"(?:做法|安排|方式|办法|惯例|标准|流程|模式)"
    # `盘点安排照旧：今晚A区B区`, `排班照常`: the arrangement stays as it was.
    r"|(?:安排|计划|做法|流程|排班|时间|节奏)(?:照旧|照常|不变)"
)


def _zh_not_work(item: Analysed) -> str | None:
    """The kind of a line that reads as an item and is not one (mostly Chinese), or None."""
    sentence = item.sentence
    if _NOT_A_LINE.match(sentence.text):
        return "other"
    if not item.forced and (
        _FAREWELL.match(sentence.text) or _MISSED_ANYTHING.search(sentence.text)
    ):
        return "other"
    if RECAP_INTRO.search(sentence.text):
        return "other"  # `TODO list 我整理下：` announces a recap; it is no item of it
    # `Meitaki!`, `Cheers all!`: an exclamation of two words names no work, even in a list.
    words = _EN_WORD.findall(sentence.text)
    if (
        sentence.lang == "en"
        and len(words) <= 2
        and sentence.text.rstrip().endswith("!")
        and item.due is None
        and not item.owner.name
    ):
        return "other"
    if item.kind == "action" and _en_fact_line(item):
        return "status"
    if sentence.block != "table" and _EN_UNOWNED_ONLY.match(sentence.text):
        # `Someone has to tell customer service. Owner TBD.`: says the sentence before has no
        # owner; no work of its own.
        return "other"
    if sentence.lang != "zh" or sentence.block == "table":
        return None
    text = sentence.text.strip()
    if _ZH_UNOWNED_ONLY.match(text):
        # `…谁来催？待定负责人`: says the line before has no owner; no work of its own.
        return "other"
    if _ZH_PARKED.match(text):
        return "status"  # `没人接，先挂着。`: nobody took it, left as it is
    if _ZH_AS_BEFORE.search(text) and not item.forced and (item.due is None or not item.due.marked):
        return "decision"  # `导师安排沿用上一批的做法`: continuity, as `stays as last year`
    if text.endswith(("？", "?")) and item.owner.name is None and _AI_LABEL.match(text):
        return "question"  # `AI：告警阈值从 10s 调到 30s？` asks; it assigns nothing
    if _ZH_DONE_YET.search(text) and "把" not in text:
        return "question"  # `@孙晓雯 你那边排烟风机修好没？`: asks how it stands, gives no work
    if _ZH_GIVES_THE_FLOOR.search(text) and (item.due is None or not item.due.marked):
        return "other"  # `…任工你先说下现在什么情况`: the chair gives the floor, not work
    if _ZH_HAND_ON.search(text) and item.owner.how in {"speaker", "speaker_weak", "label", "asked"}:
        return "other"  # `我这周在外地，让老钱来吧`: the speaker passes the work on
    if _ZH_APPOINTS.search(text):
        return "decision"  # `成立专项检查工作专班，由刘芳同志任组长`: who leads, no work
    stressed = _ZH_MEETING_STRESSED.match(text)
    if stressed and not _ZH_LEADS.search(text, stressed.end()):
        # `会议强调，各单位要…`, `会议通报，…`: minutes' emphasis and briefings name no work
        # (0 of 9 in the blind sets; 会议要求 often does, and stays), unless someone is
        # named to do something (`会议认为…，易晓雯负责每日16时前汇总`).
        return "status" if stressed.group(1) == "通报" else "decision"
    if item.kind != "action":
        return None
    reminder = _ZH_REMINDER.match(text)
    if reminder and not _ZH_COMMIT_WORDS.search(text, reminder.end()):
        return "status"
    said = _ZH_SAID.match(text)
    if (
        said
        and item.owner.how not in {"table", "asked", "vocative", "accepted"}
        and not _ZH_COMMIT_WORDS.search(text, said.end())
        and not _ZH_SAID_COMMIT.search(text, said.end())
        # `周南说他顺便把用电申请也一起提交`: what he said he will do is his work.
        and not ZH_HE_COMMITS.match(text, said.end())
        # `她同时表示会在12月初组织培训`: says she herself will.
        and not _ZH_SAID_WILL.match(text, said.end())
    ):
        return "status"  # `佳怡说周末收银只开两台`: what someone said, no one's work
    if (
        _ZH_STANDING.search(text)
        and (item.due is None or item.due.date is None)
        and (item.owner.name is None or item.owner.how in _WEAK_OWNER)
        and not item.mentions
        and not item.forced
    ):
        return "decision"  # `各店每周五下午五点前在系统更新进展`: a standing rule, no one's task
    if _ZH_LACK_ONLY.match(text) and item.due is None and not item.forced:
        return "status"  # `王海燕：三号库盘点表还差签字`: what is missing, not who does it
    if item.owner.how not in {"table", "label"} and _ZH_DECIDED.match(text):
        return "decision"
    requires = _ZH_REQUIRES.match(text)
    if (
        requires
        and item.owner.how not in {"table", "label", "asked", "vocative", "accepted"}
        and not any(
            m.start <= requires.end() + 1 and m.start >= requires.end() for m in item.mentions
        )
        # `审计那边要求…，潘慧说她会先和法务确认格式，下周三前给到大家模板`: someone takes it on.
        and not any(_ZH_TAKES_IT_ON.match(text, m.end) for m in item.mentions)
    ):
        return "decision"
    return None


# `各店每周五…`, `各部门每月…`: a rule that recurs for every store or department, with no
# date of its own (`孟凡每天盯一下物流`, `小曾每天下午 4 点前巡一遍` are their work).
_ZH_STANDING = re.compile(
    r"各\s?(?:店|门店|部门|单位|科室|区域|小组|班组|网点|社区|BP|片区)[^，。；]{0,12}?"
    r"每(?:周[一二三四五六日天]?|天|日|月|晚|早|个工作日)"
)
# `Cheers, see you all Friday`: a farewell, even inside a list of actions.
_FAREWELL = re.compile(
    r"^\s{0,4}+(?:(?:cheers|thanks|thx|ta|best|regards)[\s,.!]{1,4}+)?+"
    r"(?:see\s{1,3}+(?:you|u|ya)|talk\s{1,3}+soon|speak\s{1,3}+soon|have\s{1,3}+a\s{1,3}+good)\b",
    re.IGNORECASE,
)
# `Recap below, shout if I've missed anything.`: the writer's sign-off, not work.
_MISSED_ANYTHING = re.compile(
    r"\b(?:shout|let\s{1,3}+me\s{1,3}+know|tell\s{1,3}+me|holler)\s{1,3}+if\s{1,3}+"
    r"(?:I['’]ve|I\s{1,3}+have|I|we['’]ve)\s{1,3}+(?:missed|forgotten|left\s{1,3}+out)\b",
    re.IGNORECASE,
)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*+")
_ZH_SAID_WILL = re.compile(r"(?:会|将|要(?!求)|负责)")
# `王海燕：三号库盘点表还差签字`, `样品还缺两个`: one clause saying what is missing.
_ZH_LACK_ONLY = re.compile(
    r"^(?:[^：:，,。]{1,12}+[：:])?[^：:，,。；;！!？?]{1,20}?(?:还差|还缺|还没有?|缺少)[^：:，,。；;！!？?]{0,12}+[。.]?$"
)
# `我这周在外地，让老钱来吧`, `我明天请假，交给小王吧`: the one asked hands the work on.
_ZH_HAND_ON = re.compile(r"(?:让|交给|换)[^，,。；;！!？?]{1,6}?(?:来|去|弄|做|跟)?吧[。！!]?$")


# `@wanjiru thanks.`, `谢谢@婷婷`: a thank-you, however it is addressed, asks nothing.
_THANKS_ONLY = re.compile(
    # `Diolch all — RG`, `Meitaki!`, `Asante sana`: thanks in the writer's own language too.
    r"^\s{0,4}+(?:@[\w.-]{1,30}+\s{0,3}+)*(?:thanks|thank\s{1,3}+you|thx|ta|cheers|nice\s{1,3}+one"
    r"|diolch|meitaki|fa['’]?afetai|m[aā]lo|vinaka|asante|mahalo|merci|gracias|obrigad[oa]|danke"
    r"|grazie|tack|takk|kiitos|dank\s{1,3}+je|dankie|ngiyabonga|salamat|terima\s{1,3}+kasih"
    r"|谢谢|感谢|辛苦了?)(?:\s{0,3}+@?[\w.-]{1,30}+)?(?:\s{0,3}+[—–-]\s{0,3}+@?[\w.]{1,20}+)?"
    r"[\s!.！。~🙏👍]*$",
    re.IGNORECASE,
)


def refine(analysed: list[Analysed], *, roster: Roster) -> None:
    """Apply the shapes to classified sentences, in order."""
    standup = _zh_standup(analysed)
    owner_line: tuple[str, ...] = ()
    owner_line_at = -1
    by_name_line = False
    for index, item in enumerate(analysed):
        if item.kind == "accepted":
            continue
        if _THANKS_ONLY.match(item.sentence.text):
            item.kind = "other"
            continue
        if index and analysed[index - 1].sentence.unit == item.sentence.unit:
            speaker, _ = _speaker_of(analysed[index - 1].sentence, roster)
            if speaker and _SPEAKER.match(item.sentence.text) is None:
                item.sentence.extra["line_speaker"] = speaker
        if index and _owner_after(item, analysed[index - 1], roster):
            continue
        if index:
            _label_goes_on(item, analysed[index - 1])
        not_work = _zh_not_work(item)
        if not_work is not None:
            item.kind = not_work
            continue
        sentence = item.sentence
        line = _OWNER_LINE.match(sentence.text)
        if (
            index
            and (line or _RESPONSIBLE.search(sentence.text))
            and _responsible(item, analysed[index - 1], roster)
            and item.kind == "accepted"
        ):
            continue  # `…报监理部审查。责任人：邱明。`: the work before it in the same point is theirs
        if line:
            owner_line = _names(line.group("who"), roster)
            owner_line_at = index
            by_name_line = False
            if item.kind == "action" and not _UNOWNED.search(sentence.text):
                item.kind = "other"
            continue
        named = _name_line(sentence, roster)
        if named:
            owner_line = named
            owner_line_at = index
            by_name_line = True
            item.kind = "other"
            continue
        if _names_no_work(item, roster) or _zh_meeting_info(item) or _absence(item):
            if item.kind == "action":
                item.kind = "other"
            continue
        person = owner_line if index - owner_line_at <= 4 else ()
        if not person and _TODAY.match(sentence.text):
            # `Kevin:` over `yesterday: … / today: … / blocker: …`: the heading names him.
            person = _person_heading(sentence.heading, roster)
            if not person and sentence.speaker:
                # `Lena: y'day finished the module. today: cert rotation on staging.`
                person = roster.lookup(sentence.speaker)
        if _standup_today(item, roster, person, under_name=by_name_line):
            continue
        if item.kind == "action" and done_row(sentence):
            item.kind = "status"
            continue
        # The note's title names who met: `Lab huddle 18/11 - Yaw, Abena`.
        if item.kind == "action" and (
            _attendee_line(sentence, roster) or _names_list(item, least=2 if index == 0 else 3)
        ):
            item.kind = "other"
            continue
        if _dash_middle(item, roster) or _speakers_will(item, roster) or _arrow_chain(item, roster):
            continue
        arrow = _ARROW.match(sentence.text)
        if arrow:
            names = _arrow_doers(arrow.group("who"), roster)
            previous = analysed[index - 1] if index else None
            if (
                names
                and previous is not None
                and (
                    previous.sentence.unit == sentence.unit
                    # `另外谁去跟一下供应商要维修报告？` / `→ 邓敏吧` on the line under it.
                    or (
                        previous.sentence.text.rstrip().endswith(("？", "?"))
                        and (
                            _ZH_WHO.search(previous.sentence.text)
                            or _EN_WHO_ASKS.search(previous.sentence.text)
                        )
                        and (
                            previous.sentence.turn == sentence.turn
                            # `[08:58] 黄志强：→ 邓敏吧`: the asker's own next message.
                            or (
                                previous.sentence.speaker == sentence.speaker
                                and sentence.turn - previous.sentence.turn == 1
                            )
                        )
                    )
                )
            ):
                who = arrow.group("who").strip()
                why, short = _form_why(f"`{who}` follows the arrow `→`", who, roster)
                _set_owner(previous, names, "label", why=why, short=short)
                _force(previous, f"a question answered by an arrow to `{who}`")
                # `→ 潘志刚，5月15日前给到 HR`: the answer's date is the work's.
                if (previous.due is None or previous.due.date is None) and item.due is not None:
                    previous.due = item.due if item.due.date is not None else previous.due
                item.kind = "other"
                if not roster.lookup(who):
                    # `→ 要，嘉怡会后发邮件说明`: an answer that says the work, not only a name;
                    # the question and the answer are one item.
                    fold_reply(previous, item)
                continue
            if sentence.lang != "zh":
                continue
            # `→ @聂文静 本周五前约财务王总开评审会`: the work itself, given to the one named.
        if (
            _zh_standing_assignment(item)
            or _info_question(item)
            or _initials_label(item, roster)
            or _responsible(item, analysed[index - 1] if index else None, roster)
            or _bracket_assignment(item, roster)
            or _bracket_owner(item, roster)
            or _unowned(item)
            or _zh_everyone(item)
            # `我和孙悦一起出` / `I and Priya together will …`: the speaker's, before the colleague
            # is read as the one given the work or any pronoun clause is read.
            or _zh_with(item, roster)
            or _zh_addressed(item)
            or _zh_claimed(item, roster)
            or _zh_assigned(item)
            or _en_pronoun_clause(item, roster)
            or _zh_pronoun_clause(item, roster)
            or _dash_tail(item, roster)
            or _handle_lead(item, roster)
            or _name_order(item, roster)
        ):
            continue
        who = sentence.lang == "zh" and (
            _ZH_WHO.search(sentence.text) or _ZH_WHO_TAKES.search(sentence.text)
        )
        if who and (item.kind != "action" or item.owner.how in _WEAK_OR_SPEAKER):
            # `变更复盘文档谁写？下周一前要交给安全组` / `蒋婕：我写`: the asker may go on in the
            # same message before someone answers.
            rest = analysed[index + 1 :]
            going_on = rest[
                : next(
                    (k for k, a in enumerate(rest) if a.sentence.unit != sentence.unit), len(rest)
                )
            ]
            following = rest[len(going_on)] if len(going_on) < len(rest) else None
            if following is not None:
                _answered(item, following, going_on, roster)
            _zh_untaken(item)
            continue
        if item.kind == "action" and _not_an_item(item):
            item.kind = "status"
            continue

        if item.kind == "action" and _continuity(item):
            item.kind = "decision"
            continue
        if item.kind == "action" and _wish(item):
            item.kind = "hypothetical"
            continue
        if _zh_own_next(item, standup=standup) or _en_asked_to(item) or _zh_commit_then_if(item):
            continue
        if _chat_line(item, analysed[index + 1 : index + 2], roster):
            continue
        if item.kind == "action" and item.owner.name is None:
            _speaker_of_the_line(item, roster)
        if index and item.kind == "action" and item.owner.name is None:
            _same_thing_same_owner(item, analysed[index - 1])
        if sentence.section == "actions" or (
            # A person's lines under a section of progress, decisions or questions report.
            sentence.section not in {"status", "decisions", "questions"}
            and _list_heading(sentence.heading, roster)
        ):
            # An "Owner: …" line speaks for the short list that follows it, not the whole note.
            near = owner_line if index - owner_line_at <= 8 else ()
            _under_heading(item, roster, near, by_name_line=by_name_line)
    for index, item in enumerate(analysed):
        _zh_said_to_the_group(item, analysed[index - 1] if index else None, standup=standup)
    _boxed_problems(analysed)
    _asked_as_a_list(analysed, roster)


# `@郑宇 IT这边周五前麻烦准备：` / `1. 三台电脑装机` / `2. 企业微信、GitLab账号开通`, or `Omar, can you
# sort these by Friday:` over bullets: work asked of one person, then listed; each line is an
# item of theirs, due when the ask says.
_ASKS_FOR = frozenset({"accepted", "subject", "vocative", "mention", "asked"})
_LIST_LINE_WORK = frozenset({"action", "other", "hypothetical"})


def _asked_as_a_list(analysed: list[Analysed], roster: Roster) -> None:
    for index, intro in enumerate(analysed):
        sentence = intro.sentence
        if (
            not sentence.text.rstrip().endswith((":", "："))
            or intro.owner.name is None
            or intro.owner.how not in _ASKS_FOR
            or not ("request" in intro.cues or intro.kind == "action")
            or sentence.block == "table"
        ):
            continue
        lines = []
        for item in analysed[index + 1 :]:
            text = item.sentence.text.strip()
            if (
                not (
                    item.sentence.block == "bullet"
                    # `韩梅: 待办（冯涛）：` / `准备电脑和账号开通` / `工位和门禁卡`: a chat message's
                    # lines under its own to-do line, bare.
                    or (
                        sentence.block == "turn"
                        and item.sentence.block == "turn"
                        and len(text) <= 40
                        and not text.endswith(("？", "?"))
                    )
                )
                or item.sentence.turn != sentence.turn
                or item.sentence.section != sentence.section
                # `- Hannah will brief the vendor.` after the list: a point of its own.
                or (item.owner.name is not None and item.owner.how not in _WEAK_OWNER)
            ):
                break
            lines.append(item)
        if len(lines) < 2:
            continue
        # `冯涛: ok 周五前搞定` in the next turn: the one asked says yes, and when.
        after = analysed[index + 1 + len(lines)] if index + 1 + len(lines) < len(analysed) else None
        said = None
        if (
            after is not None
            and sentence.turn >= 0
            and after.sentence.turn == sentence.turn + 1
            and intro.owner.name in roster.lookup(after.sentence.speaker or "")
            and "acceptance" in after.cues
            and after.due is not None
            and after.due.date is not None
        ):
            said = after.due
            after.kind = "other"
        for item in lines:
            if item.kind not in _LIST_LINE_WORK or item.cues & {"done", "past", "question"}:
                continue
            _set_owner(
                item,
                (intro.owner.name,),
                "label",
                why=f"listed under work asked of `{intro.owner.name}`",
            )
            if item.due is None and intro.due is not None and intro.due.date is not None:
                item.due = intro.due
            elif item.due is None and said is not None:
                item.due = said
            _force(item, "a line of a list of work asked of one person")
        intro.kind = "other"


# `SJ: OOO tomorrow`, `Today: off, back Thursday`, `Tómas is off Fri`, `I'll be on leave
# Feb 9 to 13`: someone away, said of them or by them, is no work. (The detector's `not_task`
# cue knows some of these words too, as one feature among others; this rule decides, after
# a label or a handle may have forced the line.)
_EN_ABSENT = re.compile(
    r"(?:^|[:：,;][ \t]{0,3}+|[—–-][ \t]{1,3}+|\b(?:is|am|will[ \t]{1,3}+be|be)[ \t]{1,3}+|['’](?:m|s|ll[ \t]{1,3}+be)"
    r"[ \t]{1,3}+)(?:ooo|out[ \t]{1,3}+of[ \t]{1,3}+(?:the[ \t]{1,3}+)?office|on[ \t]{1,3}+(?:annual"
    r"[ \t]{1,3}+)?(?:leave|pto|holiday|vacation)|off(?:[ \t]{1,3}+sick)?|out|away)(?=[ \t]{0,3}+(?:$|[,.;(]"
    r"|sick\b|today\b|tomorrow\b|tmrw\b|all[ \t]|this[ \t]|next[ \t]|until\b|till\b|from\b|back\b|\d"
    r"|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)))",
    re.IGNORECASE,
)
# The same line giving work after all: `I'm off Friday, I'll send it tonight`, `…, can you…`.
_EN_WORK_TOO = re.compile(
    r"\b(?:I|we|she|he|they)(?:['’]ll|[ \t]{1,3}+will)[ \t]{1,3}+(?!be\b)\w|\b(?:can|could)[ \t]{1,3}+(?:you|u|someone)\b"
    # `Sam is on leave April 2–3, so Helen will cover the AR ageing review`, `Helen – cover AR
    # ageing review while Sam is out`: someone else away, and the work of covering for them.
    r"|\b[A-Z][\w'’-]{1,20}+(?:['’]ll|[ \t]{1,3}+will)[ \t]{1,3}+(?!be\b)\w"
    r"|(?:^|[:：–—-])[ \t]{0,3}+cover[ \t]{1,3}+\w"
    r"|\b(?:pls|please|owner)\b|\bneeds?[ \t]{1,3}+(?:to\b|\w{2,20}+ing\b)|\bto[ \t]{1,3}+(?!(?:mon|tue|wed|thu|fri|sat|sun)\w*\b|\d)[a-z]{3,}",
    re.IGNORECASE,
)


# `蒋涛今天休息`, `雪梅下周三到周五去省里参加培训`, `明天白班何磊请假，由赵敏代班`.
_ZH_ABSENT = re.compile(
    r"请假|休假|休息(?![室区])|出差(?!异)|外出|在外(?:培训|学习|开会)|(?:去|参加)[^，。；]{0,12}?培训"
    r"|[年病婚产]假|调休(?!上班)"
)
_ZH_WORK_TOO = re.compile(
    r"把|要求|帮|你|麻烦|需要|负责|组织|记得|安排|前(?:完成|提交|发|交|报)|我(?:来|去|会|先|这边|负责)"
)


def _absence(item: Analysed) -> bool:
    text = item.sentence.text
    if item.forced or item.sentence.block == "table":
        return False
    if item.sentence.lang == "zh":
        return _ZH_ABSENT.search(text) is not None and _ZH_WORK_TOO.search(text) is None
    return _EN_ABSENT.search(text) is not None and _EN_WORK_TOO.search(text) is None


_OWNED_WORK = frozenset({"label", "subject", "asked", "vocative", "pronoun"})


def _boxed_problems(analysed: list[Analysed]) -> None:
    """`[ ] SN19 FHB — kneeling suspension fault, VOR. Kenny to fit the new height valve…`:
    an open box over a problem and the work on it is one item, the work; the problem that
    opens the line names no one and no work of its own."""
    for item, following in itertools.pairwise(analysed):
        if (
            item.sentence.block == "checkbox"
            and item.kind == "action"
            and following.sentence.unit == item.sentence.unit
            and following.kind == "action"
            and following.owner.how in _OWNED_WORK
            and item.owner.name is None
            and not item.cues & {"verb_first", "imperative", "first_person", "request"}
            # `… entitlement. Marco, ASAP`: a name and how soon give the box's work an owner.
            and len(content_terms(following.body)) >= 3
        ):
            item.kind = "status"


def _same_thing_same_owner(item: Analysed, before: Analysed) -> None:
    """`江涛负责统一考试题库。题库3月13日前更新完。`: the next sentence of the same point, about the
    same thing and naming nobody, is the same person's."""
    if (
        item.sentence.lang != "zh"
        or item.owner.how != "none"
        or item.mentions
        or before.sentence.unit != item.sentence.unit
        or before.kind not in {"action", "other", "decision"}
        or before.owner.how not in {"subject", "label", "asked", "table"}
        or not before.owner.name
        or item.cues & {"question", "hypothetical", "done"}
    ):
        return
    shared = content_terms(item.body) & content_terms(before.body)
    if not shared:
        return
    said = "、".join(sorted(shared)[:2])
    _set_owner(item, (before.owner.name,), "subject", why=f"the same point goes on about `{said}`")


# `9/22 站会`, `产品组晨会`, `Daily stand-up`: a title that says each turn is its speaker's report.
_ZH_STANDUP_TITLE = re.compile(r"站会|晨会|早会|日会|每日同步|stand-?up|daily\s{0,2}+sync", re.I)


def _zh_standup(analysed: list[Analysed]) -> bool:
    """Whether the note's title, its first line before any turn, names a stand-up."""
    first = next((a for a in analysed if a.sentence.text.strip()), None)
    if first is None:
        return False
    # `【站会 9/8】` over the turns is read as the heading they are under.
    title = first.sentence.text if first.sentence.turn < 0 else first.sentence.heading
    return len(title) <= 40 and _ZH_STANDUP_TITLE.search(title) is not None


def _zh_said_to_the_group(item: Analysed, before: Analysed | None, *, standup: bool) -> None:
    """`谁去跟驿站老板谈一下续约？`, `物料周五前各店自己去领`: a line of a Chinese chat that does not
    say 我 hands work out; its speaker is not its owner unless someone takes it."""
    if item.kind != "action" or item.sentence.lang != "zh" or item.owner.how != "speaker_weak":
        return
    text = item.sentence.text
    if _ZH_I_DO.search(text) or _EN_COMMIT.search(text):
        return  # `报修单我补一下`, `ok I'll issue PO 今天`: the speaker's own, after all
    if standup and "question" not in item.cues and not _ZH_TO_OTHERS.search(text):
        return  # `9/22 站会` / `一帆：新话术模板今天下班前发群里`: each reports their own work
    if (
        before is not None
        and before.sentence.unit == item.sentence.unit
        and "done" in before.cues
        and not before.mentions
    ):
        return  # `小马：昨天的告警规则已改完。今天把日志采集切到新集群`: a stand-up, their own next
    _set_owner(item, (), "none", why="said to the group in a chat; nobody named takes it")


# A clause of one's own next work in a chat's stand-up line: `，今天继续修…`, `；明天接着跑`,
# `，剩下的明天跑完`.
_ZH_OWN_NEXT = re.compile(
    r"(?:^|[，,；;])[ \t]{0,2}+(?:"
    r"(?:今天|今日|明天|下午|晚上|接下来)[ \t]{0,2}+(?:继续|接着|争取|先把|再把|会把)"
    r"|(?:剩下|剩余|其余|余下)的?[^，,。；;？?\n]{0,8}?"
    r"(?:今天|今晚|明天|后天|下午|晚上|下班前|周[一二三四五六日])[^，,。；;？?\n]{0,6}?[完掉好])"
)
# Words that give work to others (`你`, `大家`, `各店`, `谁`, `能不能…`): a turn saying one is no
# report of the speaker's own work.
_ZH_TO_OTHERS = re.compile(r"你|大家|各位|各[店组部区]|麻烦|请|谁|有人|找人|能不能|能否")
_ZH_YESTERDAY_DONE = re.compile(r"^[ \t]{0,2}+(?:昨天|昨日)[^，,。；;\n]{1,30}?(?:完|了)")
_ZH_TODAY_PLAN = re.compile(
    r"[，,；;][ \t]{0,2}+(?:今天|今日)[ \t]{0,2}+"
    r"(?:做|写|改|修|跑|弄|搞|处理|补|整理|提|发|联调|测|对接|开始|准备|推进|跟进)"
)


# `Julia asked Carlos to rewrite the refund script…`: minutes' way of giving work.
_EN_ASKED_TO = re.compile(
    r"\b(?:asked|requested|tasked)\s{1,3}+(?:[^\s,.;]{1,30}+\s{1,3}+){1,3}?to\s{1,3}+(?!be\b)[a-z]",
    re.IGNORECASE,
)


def _en_asked_to(item: Analysed) -> bool:
    """`Julia asked Carlos to rewrite the refund script so agents give the bank timeline`: work
    given to a participant in the minutes' past tense is theirs, dated or not."""
    if (
        item.sentence.lang != "en"
        or item.kind == "action"
        or item.owner.how != "asked"
        or not item.owner.name
        or item.sentence.turn >= 0
        or item.cues & {"question", "hypothetical", "done", "decision", "blocked"}
    ):
        return False
    found = _EN_ASKED_TO.search(item.sentence.text)
    if found is None:
        return False
    _force(item, f"work asked of a participant (`{found.group(0)}…`)")
    return True


# `我这边先把女神节那两天的班排一下，人手不够的话可能要找兼职`: the speaker's work first, then
# what might follow it; the 的话 and 可能 are the second clause's, not the commitment's.
_ZH_I_FIRST = re.compile(
    r"^\W{0,3}+我(?:这边|这里)?(?:先|今天|明天|马上|回头|待会|等下)?"
    r"(?:先把|把|来|去|会|负责|跟进)[^，,；;。？?]{2,30}+[，,；;]"
)


def _zh_commit_then_if(item: Analysed) -> bool:
    sentence = item.sentence
    if (
        sentence.lang != "zh"
        or item.kind == "action"
        or item.owner.how != "speaker"
        or "hypothetical" not in item.cues
        or item.cues & {"question", "done", "blocked"}
    ):
        return False
    first = _ZH_I_FIRST.match(sentence.text)
    if first is None or cue_set(first.group(0), "zh") & {"hypothetical", "question", "done"}:
        return False
    _force(item, f"the speaker's own work first (`{first.group(0).rstrip('，,；;')}`), then an if")
    return True


def _zh_standup_dated(item: Analysed) -> re.Match[str] | None:
    """`小乔：登录页改版还差动效，下周二提测` in a stand-up: the clause holding a day to come,
    where nothing says it is done, is the speaker's plan."""
    due = item.due
    if due is None or due.date is None or due.past or due.event:
        return None
    text = item.sentence.text
    clause = _ZH_CLAUSE.search(text, due.start) if 0 <= due.start < len(text) else None
    if clause is None or "done" in cue_set(text[clause.start() : clause.end()], "zh"):
        return None
    if _ZH_WAITING.search(clause.group(0)):
        return None  # `昨天已经提审了，今天等结果`: waiting is no work
    return clause


_ZH_WAITING = re.compile(
    r"在等|等(?:结果|回复|回音|通知|审核|审批|反馈|消息|对方|他们|供应商|排期)"
)
# The rest of a clause from where it is read (for the day's clause of a stand-up line).
_ZH_CLAUSE = re.compile(r"[^，,；;。！!？?\n]{1,60}+")


def _zh_own_next(item: Analysed, *, standup: bool = False) -> bool:
    """`一帆：昨天 merge 了支付重试的 PR，今天继续修退款回调`, `高晴：回归用例跑了 70%，剩下的明天
    跑完`: a chat turn's report that goes on to the speaker's own next work is theirs; in a
    stand-up, so is a turn's clause with a day to come (`…还差动效，下周二提测`)."""
    sentence = item.sentence
    if (
        sentence.lang != "zh"
        or item.owner.how != "speaker_weak"
        or not item.owner.name
        or item.cues & {"question", "hypothetical", "blocked"}
        or _ZH_TO_OTHERS.search(sentence.text)
    ):
        return False
    found = _ZH_OWN_NEXT.search(sentence.text)
    if found is None and _ZH_YESTERDAY_DONE.search(sentence.text):
        # `欧阳：昨天修完登录页白屏，今天做消息推送`: yesterday's done, then today's plan.
        found = _ZH_TODAY_PLAN.search(sentence.text)
    if found is None and standup:
        found = _zh_standup_dated(item)
    if found is None:
        return False
    said = found.group(0).lstrip("，,；; \t")
    _set_owner(
        item, item.owner.candidates, "speaker", why=f"the speaker's own next work (`{said}`)"
    )
    _force(item, f"a chat turn that goes on to the speaker's own next work (`{said}`)")
    return True


_RECORDING_TIME = re.compile(r"[ \t]{0,3}+[(（]\d{1,2}:\d{2}(?::\d{2})?+[)）]$")


# `accounts: Workday, Slack, Jira` under `Next steps (Maria):`: the thing to set up, then what;
# not `status: …`, `note: …` or `budget: …`, which report.
_THING_LABEL = re.compile(r"^(?P<what>[a-z][a-z-]{1,20}+(?: [a-z][a-z-]{1,20}+)?+):[ \t]")
_REPORT_LABELS = frozenset({
    "status", "note", "notes", "fyi", "decision", "decided", "done", "info", "budget", "result",
    "results", "update", "q", "question", "blocker", "blockers", "blocked", "risk", "risks",
    "issue", "issues", "owner", "due", "when", "who", "eta", "cost", "total", "yesterday",
    "completed", "progress",
})  # fmt: skip


def _thing_label(text: str) -> bool:
    found = _THING_LABEL.match(text)
    return found is not None and found.group("what") not in _REPORT_LABELS


def _under_heading(
    item: Analysed,
    roster: Roster,
    owner_line: tuple[str, ...],
    *,
    by_name_line: bool = False,
) -> None:
    """A bare line under `Next steps (Maria):` / `待办：` is an item; the heading names the owner."""
    sentence = item.sentence
    committed = _owner_heading(sentence.heading, roster)
    if not _recap_heading(sentence.heading) and committed is None:
        return
    if sentence.block == "prose" and sentence.paragraph > 0:
        return  # prose after a blank line has left the list (`I'll send the contracts…`)
    in_heading = _HEADING_OWNER.search(sentence.heading)
    heading_names = _names(in_heading.group("who"), roster) if in_heading else ()
    heading_who = in_heading.group("who").strip() if in_heading else ""
    if committed is not None and not heading_names:
        heading_who, heading_names = committed
    names = heading_names or owner_line
    # `… – ASAP (05:55)`: an AI summary's pointer into the recording is not the line's.
    text = _RECORDING_TIME.sub("", sentence.text.strip())
    bare = (
        sentence.block in {"bullet", "prose"}
        # Prose after a blank line (`Thanks,`, a signature) has left the list.
        and not (sentence.block == "prose" and sentence.paragraph > 0)
        # A line under a person's name, or a list bullet, may run longer than a bare noun.
        and 2
        <= len(text)
        <= (80 if (by_name_line and owner_line) or sentence.block == "bullet" else 40)
        and not (item.cues & _NOT_BARE)
        # A name alone (a signature, `Grace`) names no work.
        and not roster.lookup(text)
        and not re.search(r"[?？]", text)
        and (not re.search(r"[:：]", text) or (bool(heading_names) and _thing_label(text)))
        and not text.endswith((".", "。"))
    )
    reason = f"a line under the `{sentence.heading.strip()}` heading"
    if item.kind != "action":
        if not bare:
            return
        _force(item, reason)
    elif bare and not item.forced:
        item.reasons.insert(0, reason)  # the detector agreed; the heading says why first
    # A name merely mentioned in the line (`等程经理确认后再开`) does not outrank the list's.
    if (item.owner.name is None or item.owner.how == "any") and names:
        if heading_names:
            who = heading_who
            why, short = _form_why(f"`{who}` is named in the heading", who, roster)
        else:
            why, short = (
                "named on its own line before the list"
                if by_name_line
                else "named on the `Owner:` line before the list",
                None,
            )
        _set_owner(item, names, "heading", why=why, short=short)


def _zh_untaken(item: Analysed) -> None:
    """`发版前得有人把回滚脚本演练一遍，谁来？` that nobody takes is still work, without an owner;
    a bare `谁来？` after the work (it is then in the sentence before) and a question under a
    questions heading or label are not."""
    sentence = item.sentence
    asked = _ZH_WHO_TAKES.search(sentence.text)
    if asked is None or sentence.section in {"questions", "decisions"}:
        return
    if item.kind == "action" and item.owner.how in {"speaker", "label"}:
        # `谁帮我提一下？我没有权限`: the speaker's 我 is who asks, not who does it.
        _set_owner(item, (), "none", why="asked who would take it; nobody did")
        return
    if item.kind == "action":
        return
    bare = len(asked.group(0)) <= 8 and len(sentence.text.strip()) <= len(asked.group(0)) + 2
    if _ZH_NOT_WORK.match(sentence.text) or bare:
        return
    if "hypothetical" in item.cues:
        return
    # `客服那边已经收到好几个投诉了，能不能有人改一下`: what is done is the complaint before the
    # ask, not the work asked for.
    text = sentence.text
    if "done" in item.cues and (
        "done" in cue_set(text[asked.start() :], "zh")
        or "done" not in cue_set(text[: asked.start()], "zh")
    ):
        return
    _set_owner(item, (), "none", why="asked who would take it; nobody did")
    _force(item, f"work asking for a taker (`{asked.group(0)}`), not taken")


def _name_line(sentence: Sentence, roster: Roster) -> tuple[str, ...]:
    """`Carlos`, `@lena` or `黄磊` alone on a line, over the lines that are theirs (a recap
    grouped by person, a stand-up written per person)."""
    text = sentence.text.strip()
    # `**王芳：**`, `**杨帆（IT）：**`: a name in bold over a Chinese list (read as a bullet).
    bold = text.startswith("**") and text.endswith("**")
    if sentence.block != "prose" and not (bold and sentence.block == "bullet"):
        return ()
    form = _ROLE_AFTER.sub("", text.strip("*:： ").strip()).strip()
    if not form or len(form) > 30:
        return ()
    return roster.lookup(form)


_ROLE_AFTER = re.compile(r"\s{0,2}+[(（][^()（）\n]{1,20}+[)）]$")


# `go/no-go stays Friday 10:00`, `tech booked for Thursday`: a day already set, not work.
_ALREADY_SET = re.compile(
    r"\b(?:stays?|remains?|unchanged|same\s{1,3}+as|no\s{1,3}+slip"
    r"|(?:booked|scheduled|planned|set)\s{1,3}+(?:for|on))\b",
    re.IGNORECASE,
)
# `Sent: …`, `Next review: …`: a field's label, not work listed under a name.
_FIELD_LABEL = re.compile(
    r"^\s{0,4}+(?:[A-Za-z][\w/ -]{0,24}+:\s|(?:会议)?(?:时间|日期|地点|发件人|收件人|抄送|主题)\s?[:：])"
)


# `today: …`, and the stand-up shorthand `t: …` (`y:` is yesterday, `b:` blockers).
# `t: …` and `t - …` are today's; `T-bar still waiting…` is not.
_TODAY = re.compile(
    r"^\s{0,4}+(?:(?:today|tdy|今天|今日|今日计划|今天计划)\s{0,3}+[:：-]|t\s{0,3}+[:：]|t\s{1,3}+-)"
    r"\s{0,3}+\S",
    re.IGNORECASE,
)


# `Done`, `done 9/5`, `DONE 2 Oct`, `✅ closed 26 Oct`, `已完成`; not `done by Fri`, a plan.
# Blocked work is news too (`Blocked`, `On hold`, `阻塞`), a status update like done work.
_DONE_CELL = re.compile(
    r"^(?:[✅✔✓☑]\s{0,2}+)?+(?:(?:done|completed?|closed|finished|resolved|shipped|cancell?ed"
    r"|blocked|on\s{1,2}+hold|rejected|declined|withdrawn|terminated|delivered|installed"
    r"|commissioned|received|approved)\b"
    r"(?!\s{0,2}+(?:by|before|when|if|once|after)\b)|已完成|完成|已关闭|已解决|已上线|已结束|已交付|已取消"
    r"|已整改|已处理|已修复"
    # An approval refused or stopped (DingTalk's `已拒绝`, `已终止`): no work follows.
    r"|已拒绝|已驳回|已终止|已作废|已撤销|阻塞|暂停|挂起|搁置)"
    r"|^[✅✔✓☑]$",
    re.IGNORECASE,
)


def done_row(sentence: Sentence) -> bool:
    """A table row whose Status (or Due) cell says its work is finished or blocked: `直播间
    排期表 | 任嘉欣 | 已完成`, `Close NCR-2198 | Nina | ✅ closed 26 Oct`, `… | Blocked`."""
    if sentence.block != "table" or any(
        _GOING_ON_CELL.search(text) for _, text, _, _ in sentence.cells
    ):
        return False
    return any(
        # (`done ✔` under a column the header did not name, or named for something else)
        role in {"status", "due", "other", "priority"}
        and _DONE_CELL.match(text.strip(" *_`.。")) is not None
        for role, text, _, _ in sentence.cells
    )


# `已修复 41 处，完成率 72% | 推进中`: part of it done, the rest going on.
_GOING_ON_CELL = re.compile(
    r"推进中|进行中|跟进中|处理中|\bin\s{1,2}+progress\b|\bongoing\b|\bWIP\b", re.IGNORECASE
)


_ATTENDEES_WORD = re.compile(r"\b(?:attendees|present|participants)\b\W{0,6}+:", re.IGNORECASE)
_ROLE_NOTE = re.compile(r"\s{0,3}+\([^()\n]{0,40}+\)")


_BETWEEN_NAMES = re.compile(
    r"(?:\s|[,，、;/&+]|\band\b|和|及|[(（][^()（）\n]{0,40}+[)）])*+", re.IGNORECASE
)
_DOES = re.compile(
    r"\b(?:will|'ll|’ll|to|should|must|needs?|can|please|pls|owns?)\b|负责|来做|跟进|会|要",
    re.IGNORECASE,
)


def _names_list(item: Analysed, *, least: int = 3) -> bool:
    """`Directors present: A (Chair), B, C, D` / `Maria, Kevin, Lucy`: who was there, a run of
    three (`least`) or more participants with nothing but commas and roles between them, and
    no word of anyone doing anything outside the run."""
    if item.cues & {"marker", "first_person", "request", "asked"} or len(item.mentions) < least:
        return False
    text = item.sentence.text
    mentions = sorted(item.mentions, key=lambda m: m.start)
    best: tuple[int, int] = (0, 0)
    run_start = 0
    for i in range(1, len(mentions) + 1):
        ends = i == len(mentions)
        if ends or _BETWEEN_NAMES.fullmatch(text, mentions[i - 1].end, mentions[i].start) is None:
            if i - run_start > best[1] - best[0]:
                best = (run_start, i)
            run_start = i
    if best[1] - best[0] < least:
        return False
    outside = text[: mentions[best[0]].start] + " " + text[mentions[best[1] - 1].end :]
    return _DOES.search(outside) is None


def _attendee_line(sentence: Sentence, roster: Roster) -> bool:
    """`**Date:** … · **Attendees:** …`, `Thu 30 Oct, 14:00 · Kate (ops), Harpreet, Dev`: who came."""
    if sentence.lang != "en" or "·" not in sentence.text:
        return False
    if _ATTENDEES_WORD.search(sentence.text):
        return True
    for part in sentence.text.split("·"):
        forms = [_ROLE_NOTE.sub("", f).strip() for f in part.split(",")]
        if len(forms) >= 3 and all(roster.lookup(f) for f in forms):
            return True
    return False


_CLOSED = re.compile(
    r"\b(?:answered|closed|done|resolved|completed|cancell?ed)\b|已完成|已关闭|已取消|已解决",
    re.IGNORECASE,
)
# `WO-3324 DCS 温度探头校验 — 仪表班 — 11/25`: a work order's line, its team between dashes.
_WORK_ORDER_LINE = re.compile(r"^\s{0,4}+(?:[A-Z]{1,6}+-\d{2,6}+|#\d{2,6}+)\s")


def _dash_middle(item: Analysed, roster: Roster) -> bool:
    """`WO-1193 replace the belts — Marcus + Yusuf — by Sat 7/26`: the owners between dashes;
    a work order's line with a team between them and a date after is an item without an
    owner."""
    if (
        item.kind not in {"action", "accepted"}
        and item.owner.name is None
        and item.due is not None
        and item.due.date is not None
        and _WORK_ORDER_LINE.match(item.sentence.text)
        and "|" not in item.sentence.text
        and not _CLOSED.search(item.sentence.text)
        and len(_DASH.split(item.sentence.text.rstrip(" ."))) >= 3
        and not item.cues & {"done", "question", "hypothetical"}
    ):
        _force(item, "a work order's line with a date, its owner a team, not a person")
        return True
    if item.sentence.lang != "en" or item.owner.how not in {"none", "any"}:
        return False
    parts = _DASH.split(item.sentence.text.rstrip(" ."))
    if len(parts) < 3 or not parts[0].strip():
        return False
    for middle in parts[1:-1]:
        forms = re.split(r"\s{0,3}+(?:\+|,|&|\band\b)\s{0,3}+", middle.strip())
        people = [roster.lookup(f) for f in forms]
        if forms and all(people):
            who = middle.strip()
            co = [p[0] for p in people[1:]]
            _set_owner(item, people[0], "label", co, why=f"`{who}` is named between dashes")
            _force(item, f"a task with its owner between dashes (`— {who} —`)")
            return True
    return False


_CHAIN_ARROW = re.compile(r"\s{0,3}+(?:→|->)\s{0,3}+")
_CHAIN_WHO = (
    r"(?P<who>[A-Z][\w.'’-]{0,20}+(?:\s{0,2}+(?:\+|&|,|and)\s{0,2}+[A-Z][\w.'’-]{0,20}+){0,3}+)"
)
# `AP: raise RMA w/ vendor`, `MK replace filters + recheck Thurs`: someone and their work.
_CHAIN_OWNER_WORK = re.compile(_CHAIN_WHO + r"(?::\s{0,2}+|\s{1,2}+)(?P<verb>[a-z]{3,}+)\b")
_CHAIN_OWNER_ALONE = re.compile(_CHAIN_WHO + r"\s{0,2}+:?")


def _base_form(verb: str) -> bool:
    """`replace`, `recount`, `walk` give work; `reckons`, `reported`, `is` tell."""
    if verb in {"is", "was", "has", "had", "said"} or verb.endswith("ed"):
        return False
    return not verb.endswith("s") or verb.endswith("ss")


_CHAIN_NOBODY = re.compile(r"\?{1,3}+\s{0,2}+(?:who|owner)\s{0,2}+\?{0,3}+")


def _arrow_chain(item: Analysed, roster: Roster) -> bool:
    """A whiteboard's line of arrows: `UPS-B string 4 → 2 batteries swelling → AP: raise RMA
    w/ vendor → swap by 4 Sep` is AP's work; `SR + DO → walk roof …` theirs; a chain ending
    `→ ?? who` is work nobody has taken yet."""
    text = item.sentence.text.strip()
    if item.sentence.lang != "en" or item.owner.how not in {"none", "any"} or "→" not in text:
        return False
    if "✔" in text or "✓" in text or "done" in item.cues:
        return False
    parts = _CHAIN_ARROW.split(text)
    if len(parts) < 2:
        return False
    if _CHAIN_NOBODY.fullmatch(parts[-1].strip()):
        _set_owner(item, (), "none", why="the line ends asking who takes it")
        _force(item, "a line of arrows that ends asking who takes it")
        return True
    for index, part in enumerate(parts):
        part = part.strip()
        alone = _CHAIN_OWNER_ALONE.fullmatch(part)
        working = _CHAIN_OWNER_WORK.match(part)
        if alone and index + 1 < len(parts) and parts[index + 1].strip():
            who = alone.group("who")
        elif working and _base_form(working.group("verb")):
            who = working.group("who")
        else:
            continue
        forms = re.split(r"\s{0,2}+(?:\+|&|,|\band\b)\s{0,2}+", who.strip())
        people = [roster.lookup(form) for form in forms]
        if not forms or not all(people):
            continue
        co = [p[0] for p in people[1:]]
        _set_owner(item, people[0], "label", co, why=f"`{who}` follows an arrow")
        _force(item, f"a line of arrows that gives the work to `{who}`")
        return True
    return False


# "Will hand the triage over to Oliver by Thu" said by Deepa: no subject, so the speaker's.
_SUBJECTLESS_WILL = re.compile(
    r"^\s{0,3}+(?:will|gonna|going\s{1,3}+to)\s{1,3}+[a-z]", re.IGNORECASE
)


def _speakers_will(item: Analysed, roster: Roster) -> bool:
    sentence = item.sentence
    if sentence.lang != "en" or sentence.block != "turn" or not sentence.speaker:
        return False
    if not _SUBJECTLESS_WILL.match(sentence.text) or item.cues & _NOT_CHAT:
        return False
    forced = item.kind != "action"
    if forced:
        # `Will review the pallet report on Wednesday.`: a stand-up line that leaves out I
        # commits its speaker, whatever the detector made of it.
        _force(item, "a chat line whose `will` leaves out its subject")
    if item.owner.how not in {"none", "any"} or roster.lookup("Will"):
        return forced
    speaker = roster.lookup(sentence.speaker)
    if not speaker:
        return False
    _set_owner(
        item,
        speaker,
        "speaker",
        why=f"no subject before `will`: the speaker (`{sentence.speaker}`)",
    )
    return True


_SIDE = re.compile(r"(?<=[\u4e00-\u9fff])(?:这边|那边)$")


def _person_heading(heading: str, roster: Roster) -> tuple[str, ...]:
    """The participant a heading of only their name (`Kevin:`, `许兽医：`) names, if any."""
    who = heading.strip().strip("*#:： ").strip()
    who = _SIDE.sub("", who)  # `雪梅这边`: her part of the notes
    names = roster.lookup(who) if who and len(who) <= 30 else ()
    return names if len(names) == 1 else ()


def _standup_today(
    item: Analysed, roster: Roster, person: tuple[str, ...], *, under_name: bool = False
) -> bool:
    """`today: finish the VPC module` under a person's name line in a stand-up: their plan."""
    if not person:
        return False
    if not _TODAY.match(item.sentence.text):
        # `will pull CCTV for the incidents tomorrow` under `Sam`: the I left out is Sam.
        committed = "first_person" in item.cues and not item.cues & _NOT_PRONOUN_ITEM
        # `store screenshots next Tuesday` listed under `Elif`: a piece of their work with its
        # day, no verb needed (not `blocked on the cert since Friday`, not a past day).
        dated = (
            under_name
            and item.sentence.block in {"bullet", "checkbox"}
            and not _FIELD_LABEL.match(item.sentence.text)
            and not _ALREADY_SET.search(item.sentence.text)
            and item.due is not None
            and item.due.date is not None
            and not item.due.event
            and not item.due.past
            and not item.cues & (_NOT_PRONOUN_ITEM | {"past", "status"})
            and len(item.sentence.text) <= 80
        )
        if item.owner.name is None and (
            (committed and (item.kind == "action" or item.due)) or dated
        ):
            _set_owner(item, person, "heading", why="said under the person's name line")
            if item.kind != "action":
                _force(item, "a dated commitment under a person's name line in a stand-up")
            return True
        return False
    if item.kind != "action":
        _force(item, "a `today:` line of a stand-up")
    if item.owner.name is None or item.owner.how == "any":
        _set_owner(item, person, "heading", why="the person named on the line above")
    return True


def _answered(
    item: Analysed, following: Analysed, going_on: Sequence[Analysed], roster: Roster
) -> None:
    """`PR 稿谁写？` answered by `孟琳：我写` on the next line: an item of whoever answers. What
    the asker says on after the question (`谁帮我提一下？我没有权限`) is not the answer, but a
    date in it (`下周一前要交给安全组`) is the work's."""
    speaker, rest = _speaker_of(following.sentence, roster)
    if not rest.startswith(("我", "要是没人的话我")) or ZH_CANNOT.search(rest):
        return
    if following.sentence.unit == item.sentence.unit:
        return  # `谁帮我提一下？我没有权限`: the asker going on, not someone answering
    names = roster.lookup(speaker) if speaker else ()
    if names and (item.due is None or item.due.date is None):
        for said in going_on:
            if said.due is not None and said.due.date is not None:
                item.due = said.due
                if said.owner.how in _WEAK_OWNER and not said.cues & {"first_person", "done"}:
                    said.kind = "accepted"  # part of the question's item now
                break
    if names:
        why = f"`{speaker}` answered the question on the next line"
        _set_owner(item, names, "accepted", why=why)
        asked = _ZH_WHO.search(item.sentence.text)
        words = f" (`{asked.group(0)}`)" if asked else ""
        _force(item, f"a question of who does it{words}, answered on the next line")
        # The request and its acceptance are one item, spanning both lines.
        fold_reply(item, following)


_EN_COMMIT = re.compile(
    r"(?<![\w'’])(?:i'?ll|i’ll|i\s{1,3}+will|i\s{1,3}+can"
    # `I'm on the payments tests` takes work; `I'm on leave` / `on a call` does not.
    r"|i['’]?m\s{1,3}+on(?!\s{1,3}+(?:leave|holiday|vacation|pto|sick|call|a\s{1,3}+call|site|the\s{1,3}+road"
    r"|it\s{1,3}+already|my\s{1,3}+way|mute|board)\b))(?=\s)",
    re.IGNORECASE,
)
_EN_ASK = re.compile(
    r"(?<![\w'’])(?:can\s{1,3}+(?:u|you)|could\s{1,3}+(?:u|you|someone)|pls|plz|please"
    r"|need\s{1,3}+someone\s{1,3}+to|someone\s{1,3}+(?:needs\s{1,3}+to|pls|please|shld|should))(?=\s)",
    re.IGNORECASE,
)
# A clause of a chat line where the speaker commits to a time: `订单导出那个 PR 我今晚合`.
_ZH_DATED_COMMIT = re.compile(r"我(?:今晚|今天|明天|马上|下午|上午|晚点)[^，,。；;]{1,20}+")
_ZH_DONE_WORDS = re.compile(r"已经|已|了|完毕")
_ZH_COMMIT = re.compile(
    r"我(?:来|今晚|今天|明天|马上|这边|下周|配合|和|稍后|待会|回头|会后|会(?!议|不会))"
    r"|我(?:就|先|再)?" + _ZH_WHEN_VERB
)
_ACCEPT = re.compile(
    r"(?:on\s{1,3}+it|will\s{1,3}+do|yep|yes|ok|sure|i\s{1,3}+can|i'?ll|i’ll|我来|好的|收到|没问题)\b",
    re.IGNORECASE,
)
_EMBEDDED_TURN = re.compile(r"(?<=\s)(?P<who>[a-z][a-z.]{1,15}+):\s{1,3}+", re.IGNORECASE)
_NOT_CHAT = frozenset({"question", "hypothetical", "done", "decision", "not_task"})


# `@项飞 电脑预装系统，本周四前ok吗` / `项飞：收到，周四前弄好`: a request, then its taker.
_ZH_ASK = re.compile(r"(?:ok|OK|好|行|可以)吗[？?]?[ \t]*$|能不能|可不可以|麻烦|帮忙|辛苦")


def _zh_request_taken(
    item: Analysed, said: str, following: Sequence[Analysed], roster: Roster
) -> bool:
    """A chat request accepted on the next line by someone else belongs to who accepts."""
    ask = _ZH_ASK.search(said)
    if ask is None or not following or not _accepts(following[0], roster):
        return False
    answer, _ = _speaker_of(following[0].sentence, roster)
    asker, _ = _speaker_of(item.sentence, roster)
    names = roster.as_written(answer or "")
    if not names or answer == asker:
        return False
    _set_owner(item, names, "accepted", why=f"`{answer}` accepted it on the next line")
    _force(item, f"a request in a chat (`{ask.group(0).strip()}`) accepted on the next line")
    fold_reply(item, following[0])
    return True


def _speaker_of(sentence: Sentence, roster: Roster) -> tuple[str | None, str]:
    """Who speaks a chat line (`[09:02] kat: …`, `【10:05】甘露：…`) and what they say."""
    if sentence.speaker:
        return sentence.speaker, sentence.text
    match = _SPEAKER.match(sentence.text)
    if match is None or not roster.lookup(match.group("who")):
        # `Joyce: I'll send the letters. Also I and Samuel will…`: a later sentence of a
        # labelled line is still the label's (set by `refine`).
        return sentence.extra.get("line_speaker"), sentence.text
    return match.group("who"), sentence.text[match.end() :]


def _speaker_of_the_line(item: Analysed, roster: Roster) -> None:
    """`【09:25】寇强：…压测也过了。不过…我下周三前出方案`, `Joyce: … . Also I'll …`: 我 / I in a
    later sentence of a labelled line is whoever speaks the line (`refine` noted who)."""
    speaker = item.sentence.extra.get("line_speaker")
    first_person = (
        item.sentence.lang == "zh" and _ZH_COMMIT.search(item.sentence.text)
    ) or "first_person" in item.cues
    names = roster.as_written(speaker or "")
    if names and first_person:
        why = f"`{'我' if item.sentence.lang == 'zh' else 'I'}` in a later sentence of `{speaker}`'s line"
        _set_owner(item, names, "speaker", why=why)


# `我` as the one who does something: not `我们`, `我猜`, `我估计`, `我们老板`, `我的`.
# `我` doing something: not `帮我提一下` (me as the object), `我没有权限`, `我们`, `我觉得`.
_ZH_I_DO = re.compile(
    r"(?<![帮给让跟和找叫问诉替])我(?!们|的|没|不是|猜|估计|觉得|感觉|想|记得|听说|以为|看来|不知道)"
)


# Owners found by default rather than named: the speaker of a line that does not say I, nobody.
_WEAK_OWNER = frozenset({"speaker_weak", "none", "any"})
_WEAK_OR_SPEAKER = _WEAK_OWNER | {"speaker", "label"}


# `Please help, it's urgent.`: a plea that names no work.
_PLEA = re.compile(
    r"^\W{0,3}+(?:(?:please|pls|plz)\s{1,3}+help(?:\s{1,3}+(?:us|me))?+|help(?:\s{1,3}+(?:us|me))?+"
    r"\s{1,3}+(?:please|pls|plz))\W{0,3}+(?:(?:it['’]?s|this\s{1,3}+is)\s{1,3}+urgent)?+\W{0,3}+$",
    re.IGNORECASE,
)


def _chat_line(item: Analysed, following: Sequence[Analysed], roster: Roster) -> bool:
    """`lee: i can check the logs asap` is lee's; `tom: can u renew the cert` is who accepts."""
    sentence = item.sentence
    speaker, said = _speaker_of(sentence, roster)
    # The detector may already call the line an item; who owns it is still the chat's to say,
    # unless something stronger than the line's speaker named the owner.
    if speaker is None or (item.kind == "action" and item.owner.how not in _WEAK_OWNER):
        return False
    if sentence.lang == "zh" and _zh_request_taken(item, said, following, roster):
        return True
    if sentence.lang == "zh" and item.cues & _NOT_CHAT == {"done"}:
        # `订单导出那个 PR 我今晚合，review 已经过了`: what is done is another clause.
        clause = _ZH_DATED_COMMIT.search(said)
        if clause is None or _ZH_DONE_WORDS.search(clause.group(0)):
            return False
    elif item.cues & _NOT_CHAT:
        return False
    # With no people list the speaker is the name as written, as everywhere else.
    speaker_names = roster.as_written(speaker)
    if says_only_yes(said, sentence.lang):
        return False
    if not sentence.speaker and item.body.endswith(said):
        # The description starts after "kat:", as it does for a transcript's turns.
        item.body_offset += len(item.body) - len(said)
        item.body = said
    speaker_why, speaker_short = _form_why(f"speaker of the line (`{speaker}`)", speaker, roster)
    if sentence.lang == "zh":
        commit = _ZH_COMMIT.search(said)
        if commit or (_ZH_I_DO.search(said) and item.due is not None):
            _set_owner(item, speaker_names, "speaker", why=speaker_why, short=speaker_short)
            words = f"`{commit.group(0)}`" if commit else "`我` with a due date"
            _force(item, f"a chat line committing the speaker ({words})")
            return True
        return False
    commit = _EN_COMMIT.search(said)
    if commit:
        _set_owner(item, speaker_names, "speaker", why=speaker_why, short=speaker_short)
        _force(item, f"a chat line committing the speaker (`{commit.group(0)}`)")
        return True
    ask = _EN_ASK.search(said)
    if ask is None or _PLEA.match(said):
        return False
    _force(item, f"a request in a chat (`{ask.group(0)}`)")
    before = said[: ask.start()].split()
    asked = roster.lookup(before[-1].strip(",")) if before else ()
    embedded = _EMBEDDED_TURN.search(said, ask.end())
    if embedded and roster.lookup(embedded.group("who")) and _ACCEPT.match(said, embedded.end()):
        who = embedded.group("who")
        _set_owner(item, roster.lookup(who), "accepted", why=f"`{who}` accepted it in the chat")
    elif (
        following
        and _accepts(following[0], roster)
        # `ok wrapping — Simone wristband draft…` from the one who asked, in a message of
        # their own, is no yes (`… I can take it` in the same message is).
        and (
            _speaker_of(following[0].sentence, roster)[0] != speaker
            or following[0].sentence.unit == sentence.unit
        )
        and not _other_commitment(following[0], item)
    ):
        answer, _ = _speaker_of(following[0].sentence, roster)
        why = f"`{answer}` accepted it on the next line"
        _set_owner(item, roster.as_written(answer or ""), "accepted", why=why)
        fold_reply(item, following[0])
    elif asked:
        who = before[-1].strip(",")
        why, short = _form_why(f"the request is addressed to `{who}`", who, roster)
        _set_owner(item, asked, "vocative", why=why, short=short)
    else:
        _set_owner(item, (), "none", why="a request nobody accepted or was named for")
    return True


# `I'll do the changelog`, `I'll take PAY-3390`: a verb that takes up what was asked rather
# than naming other work (also read by `notes`).
TAKE_UP = r"(?:do|take|handle|sort|grab|own|cover|check|chase|fix|pick\s{1,3}+up|look\s{1,3}+(?:at|into))\b"
# `I'll share the fuel receipts …`: work of one's own.
_EN_OWN_WORK = re.compile(
    rf"^\W{{0,3}}+I(?:'ll|’ll|\s{{1,3}}+will)\s{{1,3}}+(?!{TAKE_UP})", re.IGNORECASE
)
_EN_BACK = re.compile(r"\b(?:it|that|this|them|those|these|mine)\b", re.IGNORECASE)


def _other_commitment(answer: Analysed, request: Analysed) -> bool:
    """`someone needs to send the donor the photos` / `I'll share the fuel receipts with
    finance by tomorrow`: work of the answerer's own, which neither points back at the
    request nor names anything of it."""
    said = answer.body
    if answer.sentence.lang != "en" or not _EN_OWN_WORK.match(said) or _EN_BACK.search(said):
        return False
    shared = content_terms(said) & content_terms(request.body)
    return not any(len(term) >= 4 and not term.isdigit() for term in shared)


def _accepts(item: Analysed, roster: Roster) -> bool:
    speaker, said = _speaker_of(item.sentence, roster)
    return speaker is not None and _ACCEPT.match(said.strip()) is not None


def _restates(item: ActionItem, recap: ActionItem, *, after: bool = False) -> bool:
    """The recap line says the same as the discussion's item: similar words, and the same
    owner; with the same owner named in both, most of the recap's words are enough. A line
    `after` the recap (`TODO(WD): 导出接口加超时告警` in the notes below the tasks table, no day,
    against `订单导出超时 | 魏东 | 4/13`) must say nearly the same words or give the same day:
    a note's later lines add work more often than they restate, except a transcript under its
    summary (Feishu Minutes), whose days match the summary's."""
    if item.owner and recap.owner and item.owner != recap.owner:
        return False
    if similarity(item.description, recap.description) >= 0.3:
        return True
    if after and item.due != recap.due:
        return False
    if not item.owner:
        # `Someone has to confirm them with the relocating hires…` (taken on the next line) and
        # the recap's `confirm the serviced apartments with the two relocating hires`.
        return containment(recap.description, item.description) >= 0.5
    if item.due is not None and item.due == recap.due and item.owner == recap.owner:
        # Same person, same day: `副播人选 杨帆 周四前` recaps `@杨帆 副播周四前一定要定下来`.
        return containment(recap.description, item.description) >= 0.2
    if item.owner == recap.owner and similarity(item.description, recap.description) >= 0.15:
        return True  # the recap restates its owner's words more briefly
    return containment(recap.description, item.description) >= 0.6


_EN_TIME_TERMS = content_terms(
    "today tomorrow tonight morning afternoon evening eod eow eom cob week month monday tuesday"
    " wednesday thursday friday saturday sunday mon tue wed thu fri sat sun before by end"
)


_ZH_TIME_CHARS = "周月日号天今明昨前后内底初末午晚早点"
# Characters too common to say two Chinese lines are about the same thing.
_ZH_COMMON_CHARS = frozenset(
    "的了是在和与及把给会去来我你他她们这那个就也都还要能可以说对出做一不有到上下先再跟让请"
)


def _share_a_word(first: ActionItem, second: ActionItem, lines: tuple[str, str]) -> bool:
    """A content word in both descriptions that is not about time (`today`, `10:00`, `下周三前`);
    in Chinese a character of the two lines will do, other than the owner's name
    (`江涛会去催，本周五前收齐` and `催齐剩余部门节目报名 | 江涛 | 本周五`)."""
    if any(
        not term.isdigit()
        and term not in _EN_TIME_TERMS
        and not any(ch in _ZH_TIME_CHARS for ch in term)
        for term in content_terms(first.description) & content_terms(second.description)
    ):
        return True
    shared = {ch for ch in lines[0] if "\u4e00" <= ch <= "\u9fff"} & set(lines[1])
    name = set(first.owner or "")
    return any(
        ch not in _ZH_TIME_CHARS and ch not in _ZH_COMMON_CHARS and ch not in name for ch in shared
    )


def drop_restated(items: list[tuple[Analysed, ActionItem]]) -> list[tuple[Analysed, ActionItem]]:
    """An item said in the discussion and again under `Action items:` is the recap's item.
    With two lists of actions (`三、讨论及议定事项` and `五、待办汇总`), the last one is the
    recap and the earlier one is discussion."""
    restating = [a.sentence.heading for a, _ in items if _restating_heading(a.sentence.heading)]
    if not restating:
        return items
    # The recap is the last list of actions, with any recap lists right before it (`Next steps
    # (Maria):` then `Other actions`), not a section of the minutes' decided work (`三、议定事项`)
    # that the last list restates.
    headings = list(dict.fromkeys(a.sentence.heading for a, _ in items))
    recap_headings = {restating[-1]}
    for heading in reversed(headings[: headings.index(restating[-1])]):
        if not _recap_heading(heading):
            break
        recap_headings.add(heading)
    recap = [(a, i) for a, i in items if a.sentence.heading in recap_headings]
    kept: list[tuple[Analysed, ActionItem]] = []
    for analysed, item in items:
        twin = None
        if analysed.sentence.heading not in recap_headings:
            # `Fitting it once approved: owner TBD` is not the recap's owned `Quote for it`.
            unowned = _UNOWNED.search(analysed.sentence.text) is not None
            twin = next(
                (
                    index
                    for index, (a, other) in enumerate(recap)
                    if _restates(item, other, after=analysed.sentence.start > a.sentence.start)
                    and not (unowned and other.owner)
                ),
                None,
            )
            if twin is None and item.owner and item.due is not None and not unowned:
                # `她下周三前给沈姐反馈` and the recap's `主持人意向沟通并反馈沈悦 | 白露 | 下周三`:
                # the one recap item of that person and day, sharing a word with it.
                same = [
                    index
                    for index, (_, other) in enumerate(recap)
                    if other.owner == item.owner and other.due == item.due
                ]
                if len(same) == 1 and _share_a_word(
                    recap[same[0]][1],
                    item,
                    (recap[same[0]][0].sentence.text, analysed.sentence.text),
                ):
                    twin = same[0]
        if twin is None:
            kept.append((analysed, item))
            continue
        a, other = recap[twin]
        # `客服预案 待认领` says nobody owns it yet: the discussion's speaker does not either.
        open_owner = _UNOWNED.search(a.sentence.text) is not None
        merged = replace(
            other,
            owner=other.owner or (None if open_owner else item.owner),
            due=other.due or (None if open_owner else item.due),
            explanation=other.explanation
            if other.owner or not item.owner or open_owner
            else replace(other.explanation, owner=item.explanation.owner),
        )
        recap[twin] = (a, merged)
    final = {id(a): i for a, i in recap}
    return [(a, final.get(id(a), i)) for a, i in kept]


# "Grace is looking into it and she'll have an answer by the 30th": she is Grace.
_EN_PRONOUN_CLAUSE = re.compile(
    r"(?:(?:[,;—–]|\band|\bso)\s{0,3}+(?:he|she)(?:'ll|’ll|\s{1,3}+will|\s{1,3}+is\s{1,3}+going\s{1,3}+to)"
    # `Lucas thinks yes, will confirm offline`: the subject left out, the named person's.
    r"|[,;—–]\s{0,3}+will(?!\s{1,3}+(?:be|have|need|not|probably|likely|see|stay|remain|depend)\b))\s",
    re.IGNORECASE,
)


def _en_pronoun_clause(item: Analysed, roster: Roster) -> bool:
    if item.sentence.lang != "en" or item.cues & {"hypothetical"}:
        return False
    if item.kind == "action" and item.owner.how not in _WEAK_OWNER:
        return False
    clause = _EN_PRONOUN_CLAUSE.search(item.sentence.text)
    if clause is None:
        return False
    text = item.sentence.text
    pronoun = re.sub(r"^(?:and|so)\s{1,3}+", "", clause.group(0).strip(" ,;—–"), flags=re.I)
    before = [m for m in item.mentions if m.end <= clause.start()]
    if pronoun.lower().startswith("will"):
        # `Mei: reviewing Jon's PR, will merge it today`: whose PR it is did not leave out
        # the subject; in a turn, the speaker did.
        before = [m for m in before if not possessive(text, m)]
        speaker = roster.lookup(item.sentence.speaker) if item.sentence.speaker else ()
        if not before and item.mentions and speaker and item.sentence.block == "turn":
            _set_owner(
                item, speaker, "speaker", why=f"`{pronoun}` leaves out its subject, the speaker"
            )
            _force(item, f"a commitment whose subject is left out (`, {pronoun}`)")
            return True
    if not before:
        return False
    who = before[-1].surface
    if pronoun.lower().startswith("will"):
        why = f"`{pronoun}` leaves out its subject, `{who}`, named just before"
        shape = f"a commitment whose subject is left out (`, {pronoun}`)"
    else:
        why = f"`{pronoun}` refers to `{who}`, named just before"
        shape = f"a commitment by pronoun after a named person (`{pronoun}`)"
    _set_owner(item, before[-1].names, "pronoun", why=why, short=before[-1].short)
    _force(item, shape)
    return True


# `，到了她负责分发`, `他（阮俊）还会写…`: a clause whose subject is he or she, committing.
_ZH_PRONOUN_CLAUSE = re.compile(
    r"(?:^|[，,；;：:])[ \t]{0,3}+(?:到了|然后|之后|回头|到时)?"
    r"(?P<pronoun>[他她](?:[（(](?P<who>[^（）()\n]{1,12}+)[）)])?)(?:也|还|再|就|同时)?"
    # `她同时表示会在12月初组织培训`: what she says she will do.
    r"(?:表示|答应|承诺)?"
    # `她还要在下周五前把确认表收齐`: 要 is hers to do; `他要求…` asks it of others.
    r"(?:会(?!不会)|将|来|负责|要(?!求)|" + _ZH_WHEN_VERB + ")"
)


def _zh_pronoun_clause(item: Analysed, roster: Roster) -> bool:
    if item.sentence.lang != "zh" or item.cues & _NOT_PRONOUN_ITEM:
        return False
    if item.kind != "other" and (item.kind != "action" or item.owner.how not in _WEAK_OWNER):
        return False
    clause = _ZH_PRONOUN_CLAUSE.search(item.sentence.text)
    if clause is None:
        return False
    said = clause.group(0).lstrip("，,；;：: \t")
    if clause.group("who"):
        names = _names(clause.group("who"), roster)
        who = clause.group("who")
        why = f"`{said}` names `{who}` in brackets"
    elif item.owner.name and item.owner.how in _OWNER_OF_THE_LINE:
        # `吕娜：员工制服明天到，到了她负责分发`: she is whoever the line belongs to.
        names, who = item.owner.candidates, item.owner.name
        why = f"`{said}` refers to `{who}`, who owns the line"
    elif item.owner.name and item.owner.how == "pronoun" and clause.start("pronoun") == 0:
        # `…排查报告；她还要在12月28日前发出通知`: she is the one named in the sentence before.
        names, who = item.owner.candidates, item.owner.name
        why = f"`{said}` refers to `{who}`, named in the sentence before"
    else:
        before = [m for m in item.mentions if m.end <= clause.start()]
        if not before:
            return False
        names, who = before[-1].names, before[-1].surface
        why = f"`{said}` refers to `{who}`, named just before"
    if not names:
        return False
    # `邹凯反馈崩溃率偏高，他会在周一前分析日志`: what is done is the clause, not the report.
    reported = [m for m in item.mentions if item.body_offset <= m.start and m.end <= clause.start()]
    cut = item.owner.cut
    if reported:
        cut = (0, clause.end("pronoun") - item.body_offset)
    _set_owner(item, names, "pronoun", why=why)
    item.owner = replace(item.owner, cut=cut)
    _force(item, f"a commitment by pronoun after a named person (`{said}`)")
    return True


_OWNER_OF_THE_LINE = frozenset({"table", "label", "subject", "speaker", "asked", "vocative"})


_NOT_PRONOUN_ITEM = frozenset({"question", "hypothetical", "done", "decision", "blocked"})
_DASH = re.compile(r"\s{0,3}+(?:——|—|–|--)\s{0,3}+")
_TAIL_ARROW = re.compile(r"\s{0,3}+(?:→|->|=>)\s{0,3}+")
# `我和雪梅一起出`, and in one's own plan `跟熊芳一起去现场看返工` (no subject: the writer's).
_ZH_WITH = re.compile(
    r"我(?:和|跟|与)[^，。]{1,6}?一起"
    r"|(?:^|[，,；;：:\s])(?:(?:明天|今天|下午|上午|再|先)\s?)?(?:和|跟|与)[^，。；;\s]{1,8}?一起"
)
# `I and Andre together will…`, `Andre and I will…`: the speaker's item too.
_EN_WITH = re.compile(
    r"\b(?:(?:I|[Mm]e)\s{1,3}+and\s{1,3}+@?[A-Z][\w'’-]{0,30}+|@?[A-Z][\w'’-]{0,30}+\s{1,3}+and\s{1,3}+I)"
    r"(?:\s{1,3}+together)?\s{1,3}+(?:will|'ll|’ll|are\s{1,3}+going\s{1,3}+to|can|to)\b"
)
_ZH_SAID_BY = re.compile(r"[（(](?P<who>[^（）()说]{1,8}+)说的[)）]")
# `我和荣浩一起过一遍风险清单（江帆）`: the name in brackets at the end is who said it.
ZH_NAME_AT_END = re.compile(r"[（(](?P<who>[^（）()\s]{1,8}+)[)）][ \t。.]{0,3}+$")
# `…这个我和 Ryan 一起推。—— 雨桐`: who wrote the line, after a dash at its end.
_SIGNED_DASH = re.compile(r"(?:——|—|--)\s{0,2}+(?P<who>[^\s—\-，。,.]{1,12}+)$")
_HANDLE = re.compile(r"^\s{0,4}+@(?P<who>[\w.-]{1,30}+)\s")


def _dash_tail(item: Analysed, roster: Roster) -> bool:
    """`收银员培训 —— 车晓` is 车晓's item; `Team huddle — Ana, Ben, Cy` lists who came;
    `AHU-7 belt replace → JM, by Thurs`: the one after the arrow, then the deadline."""
    text = item.sentence.text.rstrip(" .。")
    parts = _DASH.split(text)
    arrow = _TAIL_ARROW.split(text) if item.sentence.lang == "en" else []
    if len(arrow) == 2 and arrow[0].strip():
        parts = arrow
    if len(parts) < 2 or not parts[0].strip():
        return False
    tail = parts[-1].removeprefix("说的是")
    # `JM, by Thurs`: the name, then the line's deadline.
    named, comma, rest = tail.partition(",")
    due = item.due
    if (
        parts is arrow
        and comma
        and due is not None
        and due.text
        and due.text in rest
        and roster.lookup(named)
    ):
        tail = named
    people = [roster.lookup(p) for p in re.split(r"\s{0,3}+(?:,|、|，|&|\band\b)\s{0,3}+", tail)]
    if not all(people):
        return False
    if len(people) >= 2:
        item.kind = "other"
        return True
    if item.cues & _NOT_CHAT:
        return False
    who = tail.strip()
    why, short = _form_why(f"`{who}` is named after a dash", who, roster)
    _set_owner(item, people[0], "label", why=why, short=short)
    _force(item, f"a task with its owner after a dash (`— {who}`)")
    return True


def _zh_with(item: Analysed, roster: Roster) -> bool:
    """`我和雪梅一起出`, `I and Andre together will…` is the speaker's item, not the colleague's."""
    text = item.sentence.text
    together = (_ZH_WITH if item.sentence.lang == "zh" else _EN_WITH).search(text)
    if together is None or item.cues & {"hypothetical", "question", "done"}:
        return False
    said_by = (
        _ZH_SAID_BY.search(text)
        or ZH_NAME_AT_END.search(text.rstrip())
        or _SIGNED_DASH.search(text.rstrip())
    )
    speaker = said_by.group("who") if said_by else _speaker_of(item.sentence, roster)[0]
    names = roster.lookup(speaker) if speaker else ()
    if not speaker:
        # `雪梅这边` over `培训日程表我和周婷一起出`: the one the heading names says it.
        names = _person_heading(item.sentence.heading, roster)
        speaker = item.sentence.heading.strip().strip("*#:： ") if names else None
    with_whom = together.group(0).lstrip("，,；;：: \t\n")
    colleague = {
        n for m in item.mentions if together.start() <= m.start < together.end() for n in m.names
    }
    if not colleague:
        return False  # `跟接口一起做掉`: with something, not with someone
    if not names:
        if item.owner.name not in colleague:
            return False  # `柴慧  我和庞丽一起…`, a table's owner: already the speaker's
        # No speaker or writer known here: still not the colleague's. A writer found later
        # (an email's sign-off, a report's author) takes the `我`.
        _set_owner(item, (), "writer", why=f"`{with_whom}`: the speaker's, not the colleague's")
        return True
    why = f"`{with_whom}`: the speaker `{speaker}` owns it, not the colleague"
    _set_owner(item, names, "speaker", why=why)
    _force(item, f"a commitment with a colleague (`{with_whom}`)")
    return True


# `Tanya order 2 cases of the filters today`, `Dana fix the stock sync pls`, `Darnell pls sort
# the toilets`: a participant's name, then a verb in its base form, is an order given to them
# (a statement about them would say `orders`, `fixed`, `is sorting`).
_EN_NAME_ORDER = re.compile(
    r"^\s{0,4}+(?P<who>[A-Z][\w'’-]{1,30}+)\s{1,3}+(?:(?:pls|plz|please)\s{1,3}+)?"
    r"(?:order|ping|send|fix|check|call|ring|book|sort|chase|update|draft|email|follow|review"
    r"|confirm|schedule|pull|share|prep|prepare|grab|reach|post|raise|log|file|add|remove|test"
    r"|reply|print|arrange|organi[sz]e|cover|bring|buy|pick|drop|tag|push|merge|deploy|write"
    r"|contact|text|message|finish|submit|upload|collect|fill|swap|replace|clean|move|take"
    r"|get|set|make|look|ask|tell|let|go|keep|run|do)\b"
)
_NOT_A_NAME_HERE = frozenset(
    {"will", "may", "can", "shall", "must", "please", "pls", "also", "just"}
)


def _name_order(item: Analysed, roster: Roster) -> bool:
    if item.sentence.lang != "en" or item.cues & {"done", "hypothetical", "question", "decision"}:
        return False
    match = _EN_NAME_ORDER.match(item.body)
    if match is None or match.group("who").lower() in _NOT_A_NAME_HERE:
        return False
    if re.match(r"\s{1,3}+(?:if|whether|about|why|how)\b", item.body[match.end() :]):
        return False  # `Rose ask if he can start without it`: a report of asking
    names = roster.lookup(match.group("who"))
    if not names:
        return False
    who = match.group("who")
    _give(
        item,
        names=names,
        who=who,
        how="vocative",
        why=f"the line tells `{who}` what to do",
        shape=f"an order given to a person by name (`{match.group(0).strip()}`)",
        roster=roster,
    )
    # The description starts at the verb (`order 2 cases of the filters`): the owner's cut.
    item.owner = replace(item.owner, cut=(match.start("who"), match.end("who")))
    return True


# What asks for work in a question (`能不能帮忙看下？`, `谁出一下？`, `can you…?`), as
# against one that asks what is so (`出价是不是太高了？`, `是周四吗？`, `回了多少家？`).
_ZH_ASKS_WORK = re.compile(
    r"能不能|能否|可以|可不可以|帮|麻烦|请|一下|安排|你来|谁|给我|发我|尽快|赶紧|抓紧|记得|别忘"
    r"|[好行对]吗|ok吗|OK吗|没问题吧|对吧"
)
_EN_ASKS_WORK = re.compile(
    r"\b(?:can|could|would|will|pls|please|plz|mind|need|want|someone|somebody|anyone|owner)\b"
    r"|\bu\b|['’]ll\b",
    re.IGNORECASE,
)
_ZH_WHO_BEARS = re.compile(r"谁(?:来)?(?:承担|买单|出钱|出这个钱|掏钱)")
_ZH_ASKS_WHAT = re.compile(
    r"(?:是不是|是否|要不要|有没有|多少|什么|几[个家天号位条]|哪|吗)[^，,。]{0,12}?[?？]\s{0,3}+$"
)
# `@ryan is the last cut-off Thursday?`, `who's on the 12/24 half day?`: the question opens
# the line (after the one it is put to).
_EN_ASKS_WHAT = re.compile(
    r"^[^\w@]{0,3}+(?:(?:@[\w.'’-]{1,40}+|(?-i:[A-Z])[\w'’-]{1,30}+)(?:\s{0,2}+[,:])?\s{1,3}+)?(?:one\s{1,3}+question"
    r"[^:]{0,30}+:\s{1,3}+)?+(?:open\s{0,2}+:\s{1,3}+)?+(?:is|are|was|were|do|does|did|has|have"
    r"|who['’]s|what|when|where|which|how\s{1,3}+(?:many|much))\b[^?]{0,200}+\?\s{0,3}+$",
    re.IGNORECASE,
)


# `动火作业票统一由小施审批，其他人不签`, `电梯维保单位继续由奥菱负责`, `成立突击队，由侯建军任队长`:
# who holds a role from now on, a decision, not a piece of work (with no day to do it by).
_ZH_BY_SOMEONE = re.compile(
    r"由[^，。；]{1,12}?(?:负责|承担|审批|签发|主播|带班|任|统一|牵头|担任|安排|处理|对接|核对|印发)"
)
_ZH_STANDING_MARK = re.compile(
    r"统一由|由[^，。；]{1,10}?统一|一律|不再|不得|其他人不|继续由|成立|担任|带班|原则上"
    r"|任(?:副?组长|副?队长|组员|主任)"
)


def _standing(item: Analysed) -> bool:
    """Whether the sentence says who holds a role from now on (see `_ZH_BY_SOMEONE`)."""
    sentence = item.sentence
    if sentence.lang != "zh" or item.kind not in {"action", "other", "decision"}:
        return False
    if sentence.block in {"table", "checkbox"} or item.cues & {"question", "hypothetical"}:
        return False
    if item.due is not None and item.due.date is not None:
        return False
    text = sentence.text
    return _ZH_BY_SOMEONE.search(text) is not None and _ZH_STANDING_MARK.search(text) is not None


def _zh_standing_assignment(item: Analysed) -> bool:
    if not _standing(item):
        return False
    item.kind = "decision"
    return True


def _info_question(item: Analysed) -> bool:
    """`@吴磊 直通车那个爆款的出价是不是太高了？`, `@ryan is the last cut-off Thursday?`: a
    question to someone about what is so asks them no work; their answer, if it commits
    them, is the item."""
    text = item.sentence.text
    zh = item.sentence.lang == "zh"
    if zh and item.kind == "action" and _ZH_WHO_BEARS.search(text):
        item.kind = "question"  # `这个成本谁来承担？`: who pays, not who does
        return True
    if (
        item.kind not in {"action", "question", "other"}
        or "question" not in item.cues
        or "request" in item.cues
        or item.forced
        or item.sentence.block == "table"  # a row with an open question is still a row
        or (item.due is not None and item.due.marked)  # `本周四前ok吗`: a deadline asked
        or not (_ZH_ASKS_WHAT if zh else _EN_ASKS_WHAT).search(text)
        or _EN_ASKS_WORK.search(text)
        or (zh and _ZH_ASKS_WORK.search(text))
    ):
        return False
    item.kind = "question"
    return True


# `@nikhil I'll grant…`, `@lily 我今天发`: after the handle, the speaker commits.
I_WILL_AFTER_HANDLE = re.compile(
    r"[\s,，:：]{0,3}+(?:I(?:'ll|’ll|\s{1,3}+will|\s{1,3}+can|'m\s{1,3}+on|\s{1,3}+am\s{1,3}+on)\b"
    r"|我(?:来|去|今天|明天|马上|这边|下午|上午|晚上|今晚))"
)


def _handle_lead(item: Analysed, roster: Roster) -> bool:
    """`@jana check the torque, Wed`: a lower-case handle in front names the owner."""
    handle = _HANDLE.match(item.sentence.text)
    # `@Teina Tuara walked us through the IC break.`: what they did is past, not work.
    if handle is None or item.cues & {"hypothetical", "done", "past"}:
        return False
    names = roster.lookup(handle.group("who"))
    if not names:
        return False
    if item.owner.how == "accepted" and item.owner.name not in names:
        return False  # `@hando 明天能不能去…` / `去不了…` / 冯涛 `我去吧`: taken by another
    if I_WILL_AFTER_HANDLE.match(item.sentence.text, handle.end()):
        return False  # `@nikhil I'll grant the replica access today`: the speaker's, told to him
    who = handle.group("who")
    _give(
        item,
        names=names,
        who=who,
        how="mention",
        why=f"handle `@{who}` in front of the line",
        shape=f"a line that starts with the handle `@{who}`",
        roster=roster,
    )
    return True


# "Store kit needs the final SKU list": a need nobody has taken on.
_EN_NEED = re.compile(
    r"(?<![\w'’])needs?\s{1,3}+(?!to\b|someone\b|somebody\b|anyone\b|you\b|u\b)\w"
)
_EN_TO_DO = re.compile(
    r"(?<![\w'’])(?:to|needs?\s{1,3}+to|has\s{1,3}+to)\s{1,3}+[a-z]", re.IGNORECASE
)
_EN_COMMITTED = re.compile(
    r"(?<![\w'’])(?:will|'ll|’ll|shall|must|should|going\s{1,3}+to|please|pls|can|could)(?![\w'’])",
    re.IGNORECASE,
)
# "已经清洗完毕", "完成率 85%": work done or a measure, not work to do.
_ZH_DONE = re.compile(r"已经[^，。；]{0,20}?(?:完毕|完成|搞定|好了)|完成率\s{0,2}+\d")
_ZH_TODO = re.compile(r"还要|还需|需要|负责|[会要将]在?[^，。]{0,10}?前|前完成|下[周月]")


_AT_NAMES = re.compile(r"@[\w.'’-]{1,40}+(?:[ \t][A-Z][A-Za-z'’-]{0,30}+(?!\w))?+")
# `公司在大会议室召开年度安全生产工作会议`, `会议由施建平主持`: who met where, no work.
_ZH_MEETING_INFO = re.compile(
    r"召开|主持(?!人)|列席|出席了?|参加了?(?:会议|本次)"
    # `甘丽萍作了题为《…》的年度报告`, `聂卫东在总结讲话中强调`: who reported or spoke.
    r"|作了?(?:题为)?[^，。；]{0,40}?(?:报告|讲话)|在(?:总结)?(?:讲话|报告)中"
    # `会议听取了各单位汛前准备情况汇报`: what the meeting heard.
    r"|听取了?[^，。；]{0,30}?(?:汇报|报告)"
    # `门诊部办公室　　2026年11月27日印发`: an official document's issue line.
    r"|日[ \t\u3000]{0,3}+印发[ \t\u3000]{0,3}+$"
)
# `…及青石镇负责同志参加`: the officials who came, not anyone's work.
# A deadline's 前 (`月底前`), not 目前, 提前, 之前, 以前, 汛前.
_ZH_GIVES_WORK = re.compile(
    r"负责(?!人|同志)|牵头|要求|请|安排|落实|完成|(?<![汛事以之目当提眼])前|帮|谁|你"
)


def _names_no_work(item: Analysed, roster: Roster) -> bool:
    """`Grace`, `令辉` alone on a line (a signature, a group's name), or only people tagged
    (`@Adaeze Okonkwo @Tunde Bakare`): no work named."""
    text = item.sentence.text
    # `LX: Kostas.`, `SND: Jess.`: a role and who holds it, a cast list, not work.
    label = re.match(r"^\s{0,4}+[^\s:：]{1,12}+\s{0,2}+[:：]\s{0,3}+", text)
    rest = text[label.end() :] if label else text
    # `钱芳 / HRBP`, `Dorla Usher | Finance`: a signature, the name and a role.
    signed = _SIGNATURE_ROLE.match(text)
    if signed and roster.lookup(signed.group("name").strip()):
        return True
    return bool(roster.lookup(rest.strip(" \t,，.。!！—-"))) or (
        re.search(r"\w", _AT_NAMES.sub("", text)) is None
    )


_SIGNATURE_ROLE = re.compile(
    r"^\s{0,4}+(?P<name>[^/|｜·\n]{1,24}?)\s{0,2}+[/|｜·]\s{0,2}+[A-Za-z\u4e00-\u9fff &.-]{1,20}+\s*+$"
)


def _zh_meeting_info(item: Analysed) -> bool:
    text = item.sentence.text
    return (
        item.sentence.lang == "zh"
        and _ZH_MEETING_INFO.search(text) is not None
        and _ZH_GIVES_WORK.search(text) is None
    )


def _not_an_item(item: Analysed) -> bool:
    if item.sentence.block in {"table", "checkbox"} or "marker" in item.cues:
        return False
    if item.sentence.lang == "zh":
        text = item.sentence.text
        return bool(_ZH_DONE.search(text)) and not _ZH_TODO.search(text)
    body = item.body
    if item.forced or item.owner.how not in {"label", "none", "any"}:
        return False
    if _EN_COMMITTED.search(body) is not None or _EN_TO_DO.search(body) is not None:
        return False
    # `TR — 14 of 22 stores confirmed floor set for Friday`: a report under a name, with
    # no word of anyone doing anything next.
    if item.cues & {"done", "status"} and "first_person" not in item.cues:
        return True
    return _EN_NEED.search(body) is not None and item.due is None


_EN_THING_FIRST = re.compile(r"\s{0,4}+(?:the|a|an|our|their|its|this|that|these|those)\s", re.I)


# "The bonus scheme stays as last year", "Not unless finance asks": nothing changes hands.
_CONTINUITY = re.compile(
    r"(?<![\w'’])(?:stays?|remains?|unchanged|as\s{1,3}+(?:last|this)\s{1,3}+year|not\s{1,3}+unless"
    r"|no\s{1,3}+change)(?![\w'’])|维持|保持不变|沿用|不做调整",
    re.IGNORECASE,
)


# `Kofi would like to try two micro-creators in January, although there is no budget line`:
# what someone would like, with nobody committing to it.
_EN_WISH = re.compile(
    r"^\W{0,3}+(?:[A-Z][\w'’-]{1,30}+|he|she|they|we)\s{1,3}+"
    r"(?:would\s{1,3}+like|['’]d\s{1,3}+like|wants?|would\s{1,3}+love|hopes?)\s{1,3}+to\s"
    # `Nice to have: a short video from the CEO`, `Would be nice to have a Loom video…`.
    r"|^\W{0,3}+(?:(?:it\s{1,3}+)?would\s{1,3}+be\s{1,3}+(?:nice|great|good|cool)\s{1,3}+to\s{1,3}+have"
    r"|nice[\s-]{1,3}+to[\s-]{1,3}+have)\b",
    re.IGNORECASE,
)
# `andre out Mon–Tue next week`, `Thandiwe on leave 31 Aug - 4 Sep; Pieter chairs`: who is
# away, not work.
_EN_AWAY = re.compile(
    r"^\W{0,3}+(?P<who>[A-Za-z][\w'’-]{1,30}+)\s{1,3}+(?:is\s{1,3}+)?"
    r"(?:out|off|away|OOO|on\s{1,3}+(?:leave|holiday|vacation|PTO|annual\s{1,3}+leave))\b"
    r"(?!\s{1,3}+(?:to|of|for|with|the)\b)",
    re.IGNORECASE,
)


def _wish(item: Analysed) -> bool:
    if item.sentence.lang != "en" or item.forced or item.sentence.block in {"table", "checkbox"}:
        return False
    if item.cues & {"marker", "request", "first_person"}:
        return False
    body = item.sentence.text
    away = _EN_AWAY.match(body)
    if (
        away is not None
        and _EN_COMMITTED.search(body) is None
        and any(m.start == away.start("who") for m in item.mentions)
    ):
        return True
    # `…, so she will book it`: a wish that goes on to a commitment is one.
    return _EN_WISH.match(body) is not None and _EN_COMMITTED.search(body) is None


def _continuity(item: Analysed) -> bool:
    if item.sentence.block in {"table", "checkbox"} or "marker" in item.cues:
        return False
    if item.owner.how not in {"none", "any", "label"} or item.due is not None:
        return False
    return _CONTINUITY.search(item.body) is not None and _EN_COMMITTED.search(item.body) is None


# A board exported as text (Trello, Planner, Teambition): `Card: Recalibrate scale #2`, its
# `Members:` and `Due:` lines under it, the `LIST: Done` it sits in.
_CARD = re.compile(r"^\W{0,3}+(?:card|卡片)\s{0,2}+[:：]\s{0,2}+(?=\S)", re.IGNORECASE)
_CARD_FIELD = re.compile(
    r"^\W{0,3}+(?P<key>members?|assignees?|assigned\s{1,3}+to|due(?:\s{1,3}+date)?|成员|负责人"
    r"|截止(?:日期|时间)?)\s{0,2}+[:：]\s{0,2}+(?P<value>[^\n]{0,200}+)$",
    re.IGNORECASE,
)
_BOARD_LIST = re.compile(
    r"^\W{0,3}+(?:list|列表)\s{0,2}+[:：]\s{0,2}+(?P<name>[^\n]{1,60}+)$", re.I
)
_DONE_LIST = re.compile(r"\b(?:done|completed?|archived?|closed)\b|已完成|已关闭", re.IGNORECASE)
_TICKED = re.compile(r"[✔✅☑]")
_OWNER_TBD_LINE = re.compile(r"^\W{0,3}+owner\s{1,3}+(?:TBD|TBC)\b", re.IGNORECASE)
_CHECKLIST_LINE = re.compile(r"^\W{0,3}+(?:checklist|检查清单|清单)\s{0,2}+[:：]", re.IGNORECASE)


def card_items(analysed: list[Analysed], roster: Roster) -> None:
    """A board's cards: a card is an item of its members, due on its `Due:` line, unless it
    sits in a done list (then it is done), asks or hedges, or holds a checklist (then its
    boxes are the work and the card only their title). `Owner TBD` under a card says the
    card has none. A note of one card (its page, with comments) is about that card: the
    work is in what the comments ask."""
    cards = [item for item in analysed if _CARD.match(item.sentence.text)]
    if len(cards) == 1:
        cards[0].kind = "other"  # one card's page (its comments, checklists): its title
    if len(cards) < 2:
        return
    done_list = False
    index = 0
    while index < len(analysed):
        item = analysed[index]
        text = item.sentence.text
        board_list = _BOARD_LIST.match(text)
        if board_list is not None:
            done_list = bool(_DONE_LIST.search(board_list.group("name")))
            index += 1
            continue
        if _CARD.match(text) is None:
            index += 1
            continue
        end = index + 1
        in_list = done_list
        while end < len(analysed):
            following = analysed[end].sentence.text
            own_list = _BOARD_LIST.match(following)
            if (
                own_list is not None
                and end == index + 1
                and analysed[end].sentence.paragraph == item.sentence.paragraph
            ):
                # `Card: DNA rate …` / `List: In progress`: the card's own list.
                in_list = bool(_DONE_LIST.search(own_list.group("name")))
                analysed[end].kind = "other"
            elif _CARD.match(following) or own_list is not None:
                break
            end += 1
        under = analysed[index + 1 : end]
        members: tuple[str, ...] = ()
        due = None
        for line in under:
            field = _CARD_FIELD.match(line.sentence.text)
            if field is None:
                if line.kind == "action" and _OWNER_TBD_LINE.match(line.sentence.text):
                    line.kind = "other"  # `Owner TBD — whoever's in town Friday.`
                continue
            line.kind = "other"
            if field.group("key").lower().startswith(("due", "截止")):
                due = line.due if line.due is not None and line.due.date is not None else due
            else:
                members = tuple(
                    dict.fromkeys(
                        n for m in roster.mentions(field.group("value")) for n in m.names[:1]
                    )
                )
        if any(
            _CHECKLIST_LINE.match(line.sentence.text)
            or line.sentence.block in {"checkbox", "checked"}
            for line in under
        ):
            item.kind = "other"
        elif in_list or _TICKED.search(text):
            item.kind = "status"  # in a done list, or `Card: Dock light replaced ✔`
        elif hedged := cue_set(_CARD.sub("", text, count=1), item.sentence.lang) & {
            "question",
            "hypothetical",
        }:
            # `Card: Should we join the pilot?`, `Card: Maybe a second shift …`
            item.kind = "question" if "question" in hedged else "hypothetical"
        else:
            if len(members) == 1:
                _set_owner(item, members, "label", why="the card's member")
            elif item.owner.how not in {"label", "table"}:
                _set_owner(item, (), "none", why="the card has no single member")
            if due is not None and (item.due is None or item.due.date is None):
                item.due = due
            _force(item, "a card of a board, in an open list")
        index = end
