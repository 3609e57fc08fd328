"""Chinese personal names written in notes, found without a list of the people.

A name is a known surname (one or two characters) and one or two given-name characters,
written where notes put an owner: before 负责/牵头/说/你/会…, after 请/让/交给/@/→/——, as
a speaker or label, or in an attendee line (`参会：张伟、王磊`). Surname characters are
also ordinary word characters (方案, 时间, 高优先级), so a form counts as a name only with
evidence: one occurrence in a strong position (`汤磊负责`, `请王芳`, `@钱程`, `参会：…`),
or two in weaker ones (line start, between punctuation).

This was chosen over `jieba.posseg`'s `nr` tag (measured in `docs/nlp.md`): jieba reads
about 25,000 characters a second with part-of-speech tags, which alone would cost 150 ms of
the 300 ms budget on a 2,000-word note, tags words such as 陈列, 顾问 and 高峰 as names,
and misses names that are words (甘露, 方圆, 卓然) as often as this does.

Every pattern here is bounded (no nested quantifiers), so scanning is linear in the text.
"""

from __future__ import annotations

import re
from collections import Counter

from services.nlp.short_names import COMPOUND_SURNAMES

__all__ = ["find_names"]

# The commonest single-character surnames (the first ~400 of a modern frequency list).
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏"
    "席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑"
    "迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花"
    "权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿"
    "薄邸雍辜羊乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭"
    "干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧贝习"
)
# Characters that end a name rather than belong to it: verbs, particles and time words that
# follow an owner (范冰会跟…, 夏雯修完…, 蓝天今天…), and digits and measure words.
_NOT_GIVEN = frozenset(
    "负责说会来将要去也都就和与跟及你我他她们是的了在把给对已还再请让由等先需能可该这那个"
    "些么什谁不没很啥吧呢吗啊哦嗯今后本下上周月日号年前内底初中间点时分半二三四五六七"
    "八九十百千万两几第每各某其此之并或而但被从向到为以于所因如若则即便却又"
    "做出发写查看盯催排找问带修跟拉推改补核定开"
)
_SECOND_NOT_GIVEN = _NOT_GIVEN | frozenset("天一")
# What follows an owner's name (after at most two spaces): the strongest evidence that it is
# one.
_STRONG_AFTER = re.compile(
    r"[ \t]{0,2}+(?:负责|牵头|跟进|主导|主责|说|你|会|来|将|要|需|在|配合|确认|同步|对接|表示"
    r"|一起|已经|那边)"
)
# A date or time word after a name: strong unless it may be the thing due (`展柜明天到`).
_TIME_AFTER = re.compile(
    r"[ \t]{0,2}+(?:今天|今晚|明天|明早|后天|本周|下周|这周|周[一二三四五六日末]|月底"
    r"|\d{1,4}+[月/.\-号日]|[一二两三四五六七八九十半]{1,3}+个?(?:天|周|小时|工作日|月))"
)
# What may follow a name written in a weaker position: space, punctuation, end of the text.
_WEAK_AFTER = re.compile(r"[\s:：,，、;；。.!！?？)）\]】—\-–+/|（(]|$")
# What comes just before an owner's name in a strong position.
_STRONG_BEFORE = ("请", "让", "交给", "由", "@", "→", "->", "——", "找", "叫", "催", "问")
# Where a speaker or owner label starts: `孟琳：我写`, `【10:02】夏雯：…`, `- 刘畅：预算表…`.
_LABEL_BEFORE = re.compile(
    r"(?:^|\n)[ \t]{0,8}+(?:[-*•·]|\d{1,2}+[.、)）])?[ \t]{0,3}+"
    r"(?:[【\[]\d{1,2}+:\d{2}+[】\]][ \t]{0,3}+)?$"
)
# Words that start with a surname character and stand where names do (line labels, dates).
_WORDS = frozenset(
    {
        "时间", "方案", "安排", "任务", "目标", "成本", "原因", "计划", "管理", "项目", "文档", "文案", "全员", "全部", "高优",
        "常规", "关于", "平台", "安全", "明细", "金额", "支付", "支持", "应急", "包装", "包材", "车间", "商品", "商务", "门店",
        "门禁", "宣传", "国庆", "海报", "华东", "华南", "华北", "司机", "路线", "程序", "毛利", "温度", "苏州", "宁波", "郑州",
        "沈阳", "海外", "云南", "江苏", "安徽", "甘肃", "河南", "广东", "广西", "武汉", "南京", "成都", "安卓", "余额", "应收",
        "应付", "费用", "万元", "连接", "冷却", "白名", "单据", "史上", "明天", "明早", "明晚", "陈列", "麻烦", "谢谢", "辛苦",
        "方便", "劳烦", "费心", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "周末", "周天", "周会", "周报", "周期",
        "年底", "月底", "高峰", "顾问", "修复", "修改", "修正", "安装", "付款",
        # Seen guessed on the blind batches 01-25 (2026-12-06): shifts, places, units, words.
        "白班", "周例", "区域", "权限", "银行", "满意", "展馆", "全场", "平均", "顾客", "万件",
        "万吨", "万达", "呼吸", "云账", "班长", "班次", "龙华", "南山", "申报", "冷链", "信息",
        "关键", "全文", "金银", "展墙", "查收", "浦东", "高温", "余氯", "凌晨", "文件", "印刷",
        "楼小", "楼大", "马上", "文字", "文本", "方面", "方式", "方向", "方法", "夏季", "秋季",
        "冬季", "春季", "黄金", "高速", "安保", "安检", "成功", "成员", "程度",
        # School years: `初一、初二命题：…`.
        "初一", "初二", "初三", "高一", "高二", "高三",
    }
)  # fmt: skip
# Titles written after a surname (张经理, 王总监, 熊店长) are not given names.
_TITLES = frozenset(
    {
        "经理", "总监", "主管", "老师", "店长", "组长", "部长", "主任", "总经", "老板", "总工", "工程", "助理", "专员", "同学",
        "女士", "先生", "师傅",
    }
)  # fmt: skip
# Between the names of a label's several owners.
_JOINERS = ("、", "，", ",", "+", "/", "&", "和", "与", "及")
_JOINED_LABEL = re.compile(r"[ \t]{0,2}+[、，,+/&和与及][ \t]{0,2}+[\u4e00-\u9fff]{2,4}+[:：]")
# Names end in neither a place, a unit nor a title: 华东仓, 万单, 张经理, 王总 are not names.
_NOT_LAST = frozenset("仓店部组厂区省市县路街线号版单表费率量价款库站局处科室院所团队群总工波")
# An attendee line: 参会 / 出席 / 与会 / 到会 / 请假…, then a list of names.
_ATTENDEES = re.compile(
    r"^[ \t]{0,8}+[-*•]?[ \t]{0,3}+(?:参会人员|参会人|参会|出席人员|出席|与会人员|与会|参加人员"
    r"|参加人|到会|到场|缺席|请假|人员|主持人|主持|记录人|记录|抄送)"
    r"[ \t]{0,3}+[:：][ \t]{0,3}+(?P<list>[^\n]{1,300}+)",
    re.MULTILINE,
)
_LIST_SEPARATOR = re.compile(r"[、,，;；/\s（(）)]+")
# A surname character or a two-character surname, anywhere; the context is checked by hand.
_SURNAME_AT = re.compile(
    "|".join(sorted(COMPOUND_SURNAMES)) + "|[" + "".join(sorted(_SURNAMES)) + "]"
)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _strong_before(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \t")
    return before.endswith(_STRONG_BEFORE)


def _candidates(text: str, start: int, surname: str) -> list[str]:
    """The names starting at `start`, longest first: surname + two, then one, given chars."""
    given_at = start + len(surname)
    if text[given_at : given_at + 2] in _TITLES:
        return []  # `吴师傅`, `张经理`: a surname and a title, not 吴师 or 张经
    found = []
    first = text[given_at : given_at + 1]
    if not first or not _is_han(first) or first in _NOT_GIVEN:
        return []
    second = text[given_at + 1 : given_at + 2]
    if second and _is_han(second) and second not in _SECOND_NOT_GIVEN:
        found.append(surname + first + second)
    found.append(surname + first)
    return [
        name
        for name in found
        if name[-1] not in _NOT_LAST
        and name not in _WORDS
        and name[:2] not in _WORDS  # `门禁卡`, `安全环…`: a word, then the next character
        # `原计划 2/13 完成`: a surname character before a word (计划) is no name either.
        and not (len(name) - len(surname) == 2 and name[len(surname) :] in _WORDS)
        and name[len(surname) :] not in _TITLES
        and name[len(surname) : len(surname) + 2] not in _TITLES
    ]


def _evidence(text: str, *, start: int, name: str) -> str | None:
    """ "strong", "weak" or None for `name` written at `start`."""
    end = start + len(name)
    if _STRONG_AFTER.match(text, end):
        return "strong"
    after = text[end : end + 1]
    before = text[max(0, start - 24) : start]
    if after in {":", "："} and (_LABEL_BEFORE.search(before) or before.endswith(_JOINERS)):
        return "strong"
    # The first of several owners in a label: `秦峰、杨帆：…`, `李明 + 韩梅：…`.
    if _LABEL_BEFORE.search(before) and _JOINED_LABEL.match(text, end):
        return "strong"
    if before.rstrip().endswith(("(", "（", "|")) and text[end : end + 3].lstrip().startswith(
        (")", "）", "|")
    ):
        return "strong"
    time = _TIME_AFTER.match(text, end)
    if time is not None:
        # `施瑶 1月15日前`, `，施琪下周给` name someone; `孙悦：展柜明天到` is the thing due.
        spaced = time.group(0)[:1] in {" ", "\t"}
        return "strong" if spaced or not before.endswith((":", "：")) else "weak"
    if _WEAK_AFTER.match(text, end):
        return "weak"
    return None


# A number right before a surname that is also a measure word (位, 台, 家, 名…).
_COUNTED = re.compile(r"[0-9０-９一二两三四五六七八九十百几多]\s?$")


def find_names(text: str) -> list[str]:
    """Chinese personal names the text writes where owners are written, in order of first use.

    A name needs one strong occurrence or two weak ones; see the module's docstring.
    """
    strong: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    # Forms after 请/让/@ whose length nothing settles (詹琳让宫雪整理: 宫雪 or 宫雪整).
    unsettled: list[list[str]] = []
    for line in _ATTENDEES.finditer(text):
        for part in _LIST_SEPARATOR.split(line.group("list")):
            surname = part[:2] if part[:2] in COMPOUND_SURNAMES else part[:1]
            given = part[len(surname) :]
            if not 1 <= len(given) <= 2 or surname not in _SURNAMES | COMPOUND_SURNAMES:
                continue
            # `人员：设备 邵东；安全 魏然`: a department before the name is not a name.
            if part in _WORDS:
                continue
            if all(_is_han(ch) and ch not in _NOT_GIVEN for ch in given):
                strong[part] += 1
                first_seen.setdefault(part, line.start("list"))
    for match in _SURNAME_AT.finditer(text):
        start = match.start()
        previous = text[start - 1 : start]
        in_strong_place = _strong_before(text, start)
        # A name begins a clause, or follows a word that hands it the work.
        if (
            previous
            and _is_han(previous)
            and not in_strong_place
            and previous not in {"和", "与", "及", "跟"}
        ):
            continue
        if previous in {"小", "老"}:
            continue
        if _COUNTED.search(text, max(0, start - 4), start):
            continue  # `6 位新人`, `两台机器`: a count and its measure word, not a surname
        candidates = _candidates(text, start, match.group(0))
        for name in candidates:
            evidence = _evidence(text, start=start, name=name)
            if evidence is None:
                continue
            (strong if evidence == "strong" or in_strong_place else weak)[name] += 1
            first_seen.setdefault(name, start)
            break
        else:
            # After 请/让/@ a name is sure; only its length may be open (请唐亮对比: one
            # form; 让宫雪整理: 宫雪 or 宫雪整, settled by the rest of the note).
            if in_strong_place and len(candidates) == 1:
                strong[candidates[0]] += 1
                first_seen.setdefault(candidates[0], start)
            elif in_strong_place and candidates:
                unsettled.append(candidates)
    for candidates in unsettled:
        known = [name for name in candidates if name in first_seen]
        if known:
            strong[known[0]] += 1
    names = [n for n in first_seen if strong[n] or weak[n] >= 2]
    # A two-character form inside a longer name found too (黄海 in 黄海涛) is that name.
    longer = {n[:k] for n in names for k in range(2, len(n))}
    kept = [n for n in names if n not in longer]
    return sorted(kept, key=first_seen.__getitem__)
