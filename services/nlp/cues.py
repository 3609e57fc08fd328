"""Surface cues of commitments, decisions, questions and finished work, and model features.

The same cues feed the rules and the trained detector, so both read a sentence alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from services.nlp.prefilter import Filtered, fold

__all__ = ["EN", "PERSON", "ZH", "cue_set", "priority_of", "sentence_features"]

PERSON = "⟨person⟩"


def _ci(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


class EN:
    """English cue patterns."""

    marker = _ci(
        r"^\s*(?:\*\*)?(?:(?:action(?:\s+items?|\s+points?)?|AI|todo|to-do|follow[- ]up|next\s+step)"
        r"(?:\*\*)?(?:\s*[:\-–—]\s*|\s+(?=[@A-Z]))"
        # `AP: Mele – chase the envelopes` (an action point); not `AP cut-off` (payables).
        r"|AP(?:\*\*)?\s*:\s*)"
    )
    label = re.compile(
        # `**Lena**: write the T&Cs`: a name in Markdown bold before its colon.
        r"^\s*(?:\*\*(?=[^*\n]{1,40}+\*\*\s*[:：]))?"
        r"(?P<who>(?:@?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})(?:\s*(?:,|&|\+|and|/)\s*"
        r"@?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?)*)(?:\*\*)?\s*(?:[:：]|\s[-–—]{1,2}\s)\s*"
    )
    modal = _ci(
        r"^\s*(?:will|'ll|’ll|to|should|shall|must|needs?\s+to|has\s+to|have\s+to|had\s+better"
        r"|is\s+(?:going|supposed)\s+to|are\s+(?:going|supposed)\s+to|is\s+to|are\s+to|owns?"
        r"|takes?|will\s+take|pls|please|plz|can|could|would|is\s+responsible\s+for"
        r"|(?:is|are)\s+on\s+(?:the\s+hook\s+for|it)|volunteered\s+to|agreed\s+to"
        r"|offered\s+to|promised\s+to|said\s+(?:he|she|they)\s+(?:would|will)"
        # `Tariq's going to realign it`, `Dana's gonna`: the contraction leaves no space.
        r"|(?:'s|’s)\s+(?:going\s+to|gonna|supposed\s+to)|(?:is|are)\s+gonna)\b"
    )
    first_person = _ci(
        # Not `… so we can clean them up`: the purpose of work asked of someone else.
        r"(?<!\bso\s)(?<!\bthat\s)\b(?:I|we)(?:\s*(?:'ll|’ll)|\s+will|\s+shall|\s+(?:am|are|'m|’m)\s+going\s+to|\s+can"
        r"|\s+(?:need|have)\s+to|\s+should|\s+must|\s+(?:'d|would)\s+like\s+to"
        r"|\s*(?:'m|’m)\s+gonna|\s+(?:am|are)\s+gonna)\b"
        # The I left out, as chat and stand-ups do: `Will review the PRs Wednesday`; not the
        # name in `Will owns the release notes` (a verb in -s follows a name).
        r"|^\s*+(?:will|shall|should|gonna)\s++(?=(?-i:[a-z]))(?!(?-i:[a-z])*(?<!s)s\b)"
    )
    request = _ci(
        r"\b(?:can|could|would|will)\s+(?:you|u|someone|somebody|anyone|one\s+of\s+you)\b"
        r"|\bplease\b|\bpls\b|\bplz\b|\bI\s+need\s+you\s+to\b|\bmake\s+sure\b|\bwho\s+(?:can|will)\b"
        r"|\b(?:someone|somebody)\s+(?:needs|has|should|must)\s+to\b"
        # `somebody's gotta mow the cemetery`
        r"|\b(?:someone|somebody)(?:['’]s|\s+has)?\s+(?:gotta|got\s+to)\b"
        # `Ben don't forget the float for the raffle`: a reminder is asked of the one named.
        r"|\b(?:don['’]?t|do\s+not)\s+forget\b"
    )
    asked = _ci(
        r"\b(?:asked|asks|told|tells|requested|wants|reminded|assigned|tasked|nominated|needs?)\s+"
        r"(?P<who>@?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)\s+(?:to|with)\b"
    )
    question = _ci(
        r"\?\s*(?:[\"')\]]\s*)?$|^\s*(?:question|q|open\s+question)\s*[:：]|\b(?:not\s+sure|unsure|unclear"
        r"|nobody\s+(?:is\s+sure|knows)|no\s+one\s+knows|still\s+open|to\s+be\s+decided|TBD"
        r"|(?:didn't|did\s+not|couldn't)\s+(?:settle|decide|agree)|no\s+agreement|to\s+revisit)\b"
        r"|^\s*(?:who|whether)\b"
    )
    hypothetical = _ci(
        # `Dara asked if we can drop IE 11; nobody could say, Ruth will check`: the clause only.
        r"^\s*(?:if|maybe|perhaps|possibly|in\s+case|unless)\b|\bif\b[^.?!;]*\b(?:might|could|would"
        r"|may)\b|\b(?:might|may)\s+(?:need|want|have|revisit|switch|consider|move|look)\b"
        r"|\bcould\s+(?!you\b)(?:\w+\s+)?(?:offer|drop|look|try|add|consider|use|do|move|switch"
        r"|revisit|explore)\b|\bwould\s+(?:be\s+(?:nice|good|great|ideal|cool)|probably)\b"
        # `a possible combo package` names a thing; `it's possible` hedges.
        r"|\b(?:potentially|hypothetically|at\s+some\s+point)\b|\bpossible\s+that\b"
        r"|\b(?:it['’]?s|is|be|was|is\s+it)\s+possible\b"
    )
    decision = _ci(
        r"^\s*(?:decision|decided|agreed|resolution|resolved|outcome)\s*[:：]|\b(?:decided|decision"
        r"|agreed(?!\s+(?:to|and\s+will))|we\s+(?:all\s+)?agreed?|everyone\s+agreed|chose|chosen|settled\s+on|going\s+with|go\s+with|final\s+answer"
        r"|so\s+\w+(?:\s+\w+)?\s+it\s+is|stays?\s+at|will\s+stay|remains?|approved\s+the"
        r"|we(?:'re|\s+are)\s+keeping|keep\s+the)\b"
    )
    done = _ci(
        r"^\s*\[[xX✓]\]|\b(?:is|are|was|were|has\s+been|have\s+been|got|been)\s+(?:already\s+)?"
        r"(?:done|finished|complete|completed|fixed|merged|resolved|closed|shipped|live|approved"
        r"|replaced|repaired|reviewed|installed|deployed|released|updated|exported|uploaded"
        r"|filed|back|sent|signed|published|removed|launched|stable|ready|patched)\b"
        r"|\b(?:already|wrapped\s+up|went\s+(?:live|out)|is\s+live|(?<!get\s)(?<!be\s)done\b"
        # `chase Riello for confirmed start dates`, `the completed forms`: an adjective, not news.
        r"|(?<!\bfor\s)(?<!\bthe\s)(?<!\ba\s)(?<!\ban\s)(?<!\bany\s)(?<!\ball\s)(?<!\bof\s)"
        r"(?<!\bwith\s)(?<!\bnot\s)(?<!n't\s)(?<!n’t\s)(?:completed|finished|demoed|presented|walked\s+through|looked\s+at|delivered"
        r"|confirmed|found|shipped|exported|removed|launched|passed|merged|patched))\b"
        r"|\bsince\s+\w+day\b"
    )
    status = _ci(
        r"\b(?:blocked|on\s+hold|waiting\s+(?:on|for)|pending|in\s+progress|still\s+(?:working"
        r"|flaky|syncing|open)|stuck)\b"
    )
    not_task = _ci(
        r"\bwill\s+be\s+(?:on\s+leave|out|away|off|back|ooo|available|unavailable|travell?ing)\b"
        r"|\b(?:said|says)\s+(?:yes|ok|okay|no)\b|^\s*(?:thanks|thank\s+you|great|good|nice)\b[.!]?\s*$"
        # `SJ: OOO tomorrow`, `out Mon–Tue (PTO)`, `on leave 9–13 Feb`: an absence.
        r"|(?:^|:\s*)(?:ooo|out\s+of\s+(?:the\s+)?office|on\s+(?:leave|pto|holiday|vacation)|pto)\b"
        # `can't take it this week`, `cannot pick this up`: declining the work.
        r"|\b(?:can'?t|can’t|cannot|won'?t\s+be\s+able\s+to)\s+(?:take|pick\s+up|do|own)\s+"
        r"(?:it|this|that|this\s+one|that\s+one)\b"
    )
    acceptance = _ci(
        # `sawa` (Swahili), `sige` (Tagalog), `theek hai` (Hindi), `ja` (German), `aye`
        # (Scots): yes in the Englishes of the notes (batches 15, 17, 44).
        # `@grace.m yes, mine.`: a reply to whoever asked, by handle.
        r"^\s*(?:@[\w.'’-]{1,30}+[,:]?\s{1,3})?(?:(?:ugh|um+|uh+|hmm+|oh|ah|well|right)[,.!]?\s+){0,2}"
        r"(?:sure|yes|yeah|yep|yup|ok|okay|okie|okey|kk|alright|will\s+do|no\s+problem|on\s+it"
        r"|got\s+it|absolutely|noted|roger|copy\s+that|of\s+course|consider\s+it\s+done|can\s+do"
        r"|fine|agreed|aye|sawa|sige|theek\s+hai|ja)\b|\bI(?:'ll|’ll|\s+will|\s+can)"
        r"\s+(?:take|do|handle|own|grab|pick)\s+(?:it|that|this)\b|\bI(?:'ll|’ll|\s+can)\s+(?:take"
        r"|do|handle|own)\s+(?:that|this)\s+one\b|\bI(?:'ll|’ll|\s+will)\s+have\s+it\b"
        r"|^\s*(?:\w+,\s+)?will\s+have\s+it\b|\bI\s+can\s+do\s+it\b|\bleave\s+it\s+(?:to|with)\s+me\b"
        r"|^\s*@?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?\s+(?:volunteered|offered|agreed|took\s+it)\b"
    )
    priority_high = _ci(
        r"\b(?:high[\s-]priority|priority\s*[:=]?\s*(?:high|urgent|p0|p1)|urgent(?:ly)?|critical"
        r"|top\s+priority|asap|blocker|p0|p1)\b|\(\s*high\s*\)|\|\s*high\s*\|?\s*$"
    )
    priority_medium = _ci(
        r"\b(?:medium[\s-]priority|priority\s*[:=]?\s*(?:medium|normal|p2))\b|\|\s*medium\s*\|?\s*$"
    )
    priority_low = _ci(
        r"\b(?:low[\s-]priority|priority\s*[:=]?\s*(?:low|p3|p4)|nice[\s-]to[\s-]have)\b"
        r"|\|\s*low\s*\|?\s*$"
    )
    hint = _ci(
        r"\b(?:after|once|when|as\s+soon\s+as|depending\s+on|pending|blocked\s+by)\s+"
        r"(?!(?:that|it|this|lunch)\b)[^,;.]+"
    )
    action_verbs = frozenset(
        [
            "add",
            "address",
            "align",
            "analyse",
            "analyze",
            "approve",
            "arrange",
            "ask",
            "assess",
            "audit",
            "automate",
            "book",
            "brief",
            "build",
            "calculate",
            "call",
            "cancel",
            "change",
            "check",
            "circulate",
            "clean",
            "clarify",
            "close",
            "collect",
            "compare",
            "complete",
            "compile",
            "confirm",
            "connect",
            "contact",
            "coordinate",
            "create",
            "cut",
            "decide",
            "define",
            "deliver",
            "deploy",
            "design",
            "document",
            "draft",
            "drive",
            "email",
            "escalate",
            "estimate",
            "evaluate",
            "examine",
            "explore",
            "finalize",
            "finalise",
            "find",
            "fix",
            "follow",
            "freeze",
            "gather",
            "get",
            "give",
            "handle",
            "hire",
            "identify",
            "implement",
            "improve",
            "inform",
            "inspect",
            "install",
            "investigate",
            "invite",
            "launch",
            "list",
            "load",
            "lock",
            "look",
            "make",
            "measure",
            "merge",
            "migrate",
            "monitor",
            "move",
            "negotiate",
            "notify",
            "open",
            "order",
            "organize",
            "organise",
            "pick",
            "ping",
            "plan",
            "post",
            "prepare",
            "present",
            "prioritize",
            "produce",
            "provide",
            "publish",
            "pull",
            "push",
            "raise",
            "reach",
            "recalibrate",
            "reconcile",
            "record",
            "reduce",
            "refresh",
            "relaunch",
            "remind",
            "remove",
            "renew",
            "reorder",
            "replace",
            "report",
            "request",
            "research",
            "reschedule",
            "resolve",
            "restart",
            "review",
            "revise",
            "rewrite",
            "roll",
            "rotate",
            "run",
            "schedule",
            "screen",
            "send",
            "set",
            "share",
            "ship",
            "sign",
            "start",
            "submit",
            "summarize",
            "summarise",
            "swap",
            "switch",
            "sync",
            "tag",
            "talk",
            "test",
            "train",
            "triage",
            "update",
            "upgrade",
            "upload",
            "validate",
            "verify",
            "write",
        ]
    )


# What a person said, not what they will do: `岳海首先强调…`, `白雪提到…`, `崔明反馈…`, `俞经理担心…`.
# Read after a name by the owner rules (notes.py) and the reported-speech shape (shapes.py).
ZH_SAID_VERBS = (
    r"(?:首先|开场|先|也|又|再次|还|最后|随后|重点)?"
    r"(?:说|提到|提出|反馈|介绍|建议|认为|表示|觉得|强调|指出|重申|汇报|通报|分享|补充|担心"
    r"|回答|回复|提议|提醒|反映|询问|解释|意见)"
)


class ZH:
    """Chinese cue patterns."""

    marker = re.compile(r"^\s*(?:TODO|ACTION|待办|行动项|任务)\s*[:：]?\s*", re.IGNORECASE)
    # `秦峰、杨帆：…`; `leo: I'll cut the RC`, `Amy：…` (a Latin name counts only when a participant
    # answers to it: see `_OwnerFinder.label`).
    label = re.compile(
        r"^\s*(?P<who>@?[\u4e00-\u9fff]{2,4}(?:\s*[、,，和与及/]\s*@?[\u4e00-\u9fff]{2,4}){0,5}"
        r"|@?[A-Za-z][\w.'’-]{1,20}(?:\s[A-Z][\w.'’-]{1,20})?)\s*(?:[:：]|\s*[-–—]{1,2}\s*)\s*"
    )
    modal = re.compile(
        r"^\s*(?:负责|需要|要|将|会|来|去|准备|计划|争取|牵头|跟进|在|于|本周|这周|下周|明天|今天"
        r"|今日|月底|周[一二三四五六日天]|\d|[一二三四五六七八九十两]+(?:天|周|个)|截止|尽快|先|再|把|和|与|协同"
        r"|完成|提交|确认|整理|更新|修复|联系|安排|组织|审批|发布|确定|同步|编写|订购|核对|梳理|上线"
        r"|检查|准备|对接|推进|落实|输出|出|给|向|对|做|写|改|查|发|跑|切)"
    )
    first_person = re.compile(
        r"我(?:们)?\s?(?:来|会|将|要|明天|今天|今晚|明早|上午|下午|晚上|下班前|马上|稍后|回头|待会|下周|本周"
        r"|这周|周[一二三四五六日]|月底|负责|这边|去|先|争取|自己|\d)|交给我"
        # `我跟生产确认下，周四前给到大家`, `我找IT`: the speaker doing it with someone.
        r"|(?<![帮给让替叫请])我(?:跟|找)(?![你您])[^，。,；\n]{1,8}?(?:确认|对|问|沟通|说|要|催|约|联系|协调|商量)"
    )
    # `…能本周五给我吗？` asks someone to do it, as 能不能 does.
    request = re.compile(
        # Not 申请 (an application), 邀请 (an invitation), 请假 (leave).
        r"(?<![申邀])请(?!假)|麻烦|你能|你可以|能不能|能否帮|帮忙|谁来|辛苦|拜托|务必"
        r"|能[^吗，。？?\n]{1,30}+吗"
        # `那固定资产折旧你再跑一遍` in a chat: said to the one who just spoke.
        # Not `任工你先说下现在什么情况`, which asks for a report, not for work.
        r"|你(?:再|先|去|帮我?|负责|跟进|跟一下|盯一下|看一下|看下)(?![说讲聊谈介汇])"
        # `任静你排一下停电窗口`: 你, a verb and 一下.
        r"|你(?![说讲聊谈介汇])[\u4e00-\u9fff]一下"
        # `小钟，你把上午那条防火墙规则回滚一下？`, `那你把合同初稿先发法务？`: work put to
        # someone, with a question mark.
        r"|(?<![让叫请])你(?:先|再|就|也)?把"
    )
    # `唐总让Amy准备…`: a Latin name after the word is asked too.
    asked = re.compile(
        r"(?:请|让|安排|要求|交给|由)\s?(?P<who>[\u4e00-\u9fff]{2,3}|[A-Z][A-Za-z]{1,15}+(?![A-Za-z]))"
    )
    question = re.compile(
        r"[？?]\s*$|是否|能否|要不要|有没有|吗[？?。]?\s*$|谁负责|谁来|还不明确|不明确|待讨论|暂未|未达成"
        r"|未定|再议|不确定|待定"
    )
    # Not `可能发布的指南`: 可能 before a noun's 的 describes the thing, it does not hedge.
    hypothetical = re.compile(
        r"如果|假如|要是|万一|可能(?![\u4e00-\u9fff]{1,4}的)|也许|或许|就好了|考虑一下|倘若"
        # `如遇寒潮提前来袭，…`, `如上级检查组提前来访，由陈主任临时协调接待`: 如 opening a
        # condition (an event in it), not a name (如萍) or 如下/如期.
        r"|^\s{0,3}+(?:[一二三四五六七八九十\d]{1,2}[、.．]\s{0,2}+)?如(?![下期何同此今实数需要果])"
        r"[^，,。；]{0,12}?(?:遇|下发|下达|未能|未按|出现|发生|提前|超过|超标|不能|无法|有变|临时)"
        r"[^，,。；]{0,20}+[，,]"
    )
    decision = re.compile(
        r"(?:会议|会上|大家|一致|已经?|最终)(?:决定|确定)|^\s*(?:决定|确定|决议|结论)|决定了|决议|结论"
        r"|同意|定在|定为|维持不变|拍板|定了"
    )
    _REL = "[^，,。；;：:\\n的]{1,12}+的"
    done = re.compile(
        # (`已经收到投诉的用户怎么安抚：…`: a relative clause names who, not work done.)
        rf"已经(?!{_REL})|^已(?!经?{_REL})|[^不]已(?!于\d)(?!经?{_REL})"
        r"|完毕|完成了|(?<!不得)(?<!不行)(?<!来不及)(?<!等不及)了[。！]?\s*$|过了|搞定了|已搞定|都搞定|(?:都|已经?|全部?)(?:弄|做|准备|搞|写|改|换|装|修)?好了|(?<![前再要会将])定稿|上线了|已于|\[[xX✓]\]"
        # `昨天 review 了 3 个 PR`: a stand-up's yesterday.
        r"|^\s{0,3}+昨天\s{0,2}+[：:]?[^，。；\n]{1,30}?了"
    )
    status = re.compile(r"等待|挂起|暂停|阻塞|卡在|进行中|推进中")
    # `我这边弄不了` / `我没法` / `来不及`: declining, not taking the work.
    not_task = re.compile(
        r"休[年病产婚调]?假|请[年病事]?假|出差|[弄做搞办干跟去]不了|没法[弄做搞办跟]?|没空|来不及|顾不上"
        # `这个我这周不太有空`: not free to take it.
        r"|不太有空|没啥空|没什么空|不太有时间|走不开|抽不开身"
    )
    acceptance = re.compile(
        # `[语音转文字] 那个我下周有空可以弄`: a voice message's tag and a filler go first.
        r"^\s*(?:[\[【][^\]】\n]{1,10}+[\]】]\s*)?(?:(?:那个|嗯|呃|额)[，, ]?\s*)?"
        r"(?:好的?|可以|没问题|收到|行|OK|ok|嗯|明白|了解|我[^，。,；\n]{0,8}?可以(?:弄|做|搞|来|整理|负责|处理)"
        # `能，下午3点前做好`: yes to `…今天能补上吗`.
        r"|能(?=[，,。！!\s]))"
        r"|我来|交给我|我(?:明天|今天|下周|周.)?来(?:改|做|弄|负责|处理)"
        # `我去吧，明天上午出发`: taking the trip asked of someone else.
        r"|^\s*我去吧"
        # `[强] 11 点前发`, `👌 今晚给`: a chat's thumbs-up sticker says yes.
        r"|^\s*(?:\[(?:强|OK|ok|好的|握手|抱拳|胜利)\]|[👍👌✅])"
    )
    priority_high = re.compile(r"高优先级|优先级[:：]?\s*高|紧急|加急|尽快|\|\s*高\s*\|?\s*$|P0|P1")
    priority_medium = re.compile(r"中优先级|优先级[:：]?\s*中|\|\s*中\s*\|?\s*$|P2")
    priority_low = re.compile(r"低优先级|优先级[:：]?\s*低|\|\s*低\s*\|?\s*$|P3")
    hint = re.compile(r"(?:在|等|待)?[^，。,；]{2,20}?(?:之后|以后|后)(?=[，,]|[\u4e00-\u9fff])")


def priority_of(text: str, lang: str) -> str | None:
    """ "high", "medium" or "low" when the text states a priority."""
    cues = ZH if lang == "zh" else EN
    if cues.priority_high.search(text):
        return "high"
    if cues.priority_medium.search(text):
        return "medium"
    if cues.priority_low.search(text):
        return "low"
    return None


_CUE_NAMES = (
    "marker", "first_person", "request", "question", "hypothetical", "decision", "done",
    "status", "not_task", "acceptance", "asked",
)  # fmt: skip
# Each language's cue patterns with the words they need (`prefilter.py`): most sentences hold
# none of most cues' words, and ruling a pattern out is cheaper than running it.
# A priority of any level is the one cue `priority` (`priority_of` says which).
_FILTERED = {
    lang: tuple((name, Filtered.of(getattr(cues, name))) for name in _CUE_NAMES)
    + tuple(
        ("priority", Filtered.of(pattern))
        for pattern in (cues.priority_high, cues.priority_medium, cues.priority_low)
    )
    for lang, cues in (("en", EN), ("zh", ZH))
}


def cue_set(text: str, lang: str) -> set[str]:
    """Cue names present in one sentence (context cues are added by the caller)."""
    folded = fold(text)
    found: set[str] = set()
    for name, pattern in _FILTERED["zh" if lang == "zh" else "en"]:
        if name not in found and pattern.search(text, folded):
            found.add(name)
    return found


_EN_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[?!:]|⟨person⟩")


def sentence_features(
    text: str,
    *,
    lang: str,
    cues: Iterable[str],
    mentions: Sequence[tuple[int, int]] = (),
    prefix: str = "",
) -> list[str]:
    """Sparse binary features: words (or characters) with people masked, plus cue names."""
    masked = text
    for start, end in sorted(mentions, reverse=True):
        masked = masked[:start] + f" {PERSON} " + masked[end:]
    features: list[str] = [f"{prefix}cue:{cue}" for cue in cues]
    if lang == "zh":
        chars = [ch for ch in masked.replace(PERSON, "Ⓟ") if not ch.isspace()]
        features += [f"{prefix}c:{ch}" for ch in chars]
        features += [f"{prefix}c2:{a}{b}" for a, b in pairwise(chars)]
        features.append(f"{prefix}lang:zh")
    else:
        tokens = _EN_TOKEN.findall(masked.lower())
        features += [f"{prefix}w:{tok}" for tok in tokens]
        features += [f"{prefix}b:{a}_{b}" for a, b in pairwise(tokens)]
        if tokens:
            features.append(f"{prefix}first:{tokens[0]}")
        features.append(f"{prefix}len:{min(len(tokens) // 5, 6)}")
    return sorted(set(features))


_ZH_YES = re.compile(r"好的?|可以|没问题|收到|行|我来[吧做]?|交给我|[，。！,.!\s]")
_EN_YES = frozenset(
    {"i", "i'll", "i’ll", "ill", "will", "can", "take", "do", "it", "that", "this", "one", "mine",
     "sure", "yes", "yeah", "yep", "ok", "okay", "have", "ready", "handle", "on", "no", "problem",
     "got", "the", "then", "fine", "of", "course", "absolutely"}
)  # fmt: skip
_HANDLE = re.compile(r"@[\w.-]{1,40}+")


def says_only_yes(said: str, lang: str) -> bool:
    """ "I can take it", "Sure, will do", "@grace.m yes, mine", "收到，我来": agreement that holds
    no work of its own (the handle it answers is no content)."""
    if lang == "zh":
        return len(_ZH_YES.sub("", said)) <= 2
    words = re.findall(r"[a-z'’]+", _HANDLE.sub(" ", said.lower()))
    return sum(1 for w in words if w not in _EN_YES) <= 1


# `明天去不了，有客户审核`, `蒋涛今天休息`, `我这周在外地出差，回来再说哈`: the one asked cannot do it
# (a reply that starts with 我 and takes nothing, or work put to someone who is away).
ZH_CANNOT = re.compile(
    r"[去来做弄搞办干跟]不了|没法[弄做搞办跟]?|休息|请假|休假|调休|出差|没空|没时间|顾不上|忙不过来"
    r"|来不及|搞不定|走不开|抽不开身|腾不出(?:手|空|时间)|不在(?:公司|店里|现场|岗|家)?|回来再说|再说吧?|不行"
)
