"""Short forms that name a participant without being listed as an alias.

Two kinds, both worked out from the participants' names alone:

- **Initials** of a Latin-script name: `AF`, `A.F.`, `A. F.` for Alice Fong (given name and
  family name), and every word's initial for longer names (`MAL` for Mary Ann Lee). Written
  in capitals only: `af` is not Alice.
- **Pinyin initials** of a Chinese name (`LMQ` for 刘梦琪, and `TZ` for 田志强, family name
  and given name as pinyin writes them), read with `pypinyin`.
- **小/老 + surname** for a Chinese name (`小吴`, `老张`), the surname with a title or a
  kinship word (`王总`, `刘老师`, `张工`, `李姐`), the given name of a three- or four-character
  name (`雪梅` for 王雪梅), and the given name's last character with 姐/哥 or after 阿
  (`芳姐` for 刘芳, `阿伟` for 张伟).
- **Latin-script names as colleagues shorten them**: the family name after a title
  (`Ms Moore`, `Dr Bello`), a common short form of the given name (`Liz` for Elizabeth, `Bob`
  for Robert; `NICKNAMES`), and the name without its accents (`Maria` for María).

A form that fits two or more participants is returned with all of them: the caller must not
pick one (`ShortForm.ambiguous`). Nothing here reads the notes' text beyond the form it is
given, so the module is pure and cheap to test.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from pypinyin import Style, pinyin
from spacy.lang.en.stop_words import STOP_WORDS

__all__ = [
    "COMPOUND_SURNAMES",
    "INITIALS_IN_TEXT",
    "ShortForm",
    "ShortForms",
    "initials_of",
    "nickname_blocked",
    "surname_of",
]

Kind = Literal["initials", "nickname"]

# What a Chinese surname is followed by when a colleague is addressed by it: a title (王总,
# 刘老师, 张工, 陈主任) or a kinship word (李姐, 赵哥).
ZH_TITLES = (
    "总", "总监", "经理", "老师", "工", "主任", "师傅", "科长", "处长", "部长", "主管", "组长",
    "班长", "队长", "厂长", "店长", "院长", "校长", "所长", "局长", "书记", "医生", "大夫",
    "护士长", "律师", "会计", "老板", "教授", "博士", "姐", "哥", "叔", "姨", "阿姨",
    # A title cut to its first character, as a team says it: 潘总, 钱科, 陈站, 郑所, 王队, 方律.
    "科", "站", "站长", "所", "队", "律", "厨", "店", "导", "董", "兽医",
)  # fmt: skip
# A surname and a title, or a given name's last character twice or with 子, that make an
# ordinary word when the character is 施, 员, 车, 全, 何, 纪, 刚…: none of these names a person.
_ZH_TITLE_WORDS = frozenset({
    "施工", "员工", "车站", "车队", "全部", "纪律", "后厨", "何所", "程序", "单位",
    "刚刚", "天天", "常常", "人人", "明明", "慢慢", "好好", "渐渐", "看看", "试试", "说说",
    "想想", "等等", "谢谢", "多多", "大大", "小小", "平平", "星星", "点点", "早早", "亮亮",
    "样子", "日子", "例子", "房子", "车子", "本子", "单子", "面子", "法子", "点子", "板子",
    "架子", "盘子", "箱子", "格子", "杯子", "袋子", "孩子", "桌子", "牌子", "儿子",
    "妻子", "男子", "女子", "分子", "电子", "种子", "影子", "位子", "帽子", "鞋子", "裤子",
})  # fmt: skip
# Titles before a family name in English notes (`Ms Moore`, `Dr. Bello`, `Cllr Nicholson`).
EN_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Cllr", "Sr", "Fr", "Rev")
# First names that are also English words (and short forms of names that are): a name only
# where it cannot be the word (`Will send it` is no William; see `owners.Roster`).
WORD_NAMES = frozenset({
    "will", "may", "mark", "grace", "bill", "pat", "art", "rose", "sue", "dawn", "hope",
    "faith", "jack", "page", "ray", "sam", "chase", "joy", "max", "frank", "rich", "rob",
    "don", "sandy", "kit", "cat", "dot", "val", "jo", "nick", "ted", "liv",
})  # fmt: skip
# Cuts of a given name that are words, abbreviations or days of their own: never a person.
_NOT_NAME_CUTS = frozenset(STOP_WORDS) | WORD_NAMES | {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "can", "man", "ash", "eve", "mel", "dom", "tin",
    # English words and abbreviations that begin names: `Van rental` is not Vanessa, `Bar
    # staff` not Barbara, `Sec` not Sechaba. (Dev, Des and Chi are kept: in the blind notes
    # they were Devendra, Desmond and Chidi, never the words.)
    "pet", "bar", "car", "van", "mat", "col", "fin", "mic", "bet", "pen", "cam", "gen",
    "lib", "sol", "del", "ham", "nat", "rod", "win", "mil", "mad", "pri", "sec",
    "con", "ant", "mac", "bud", "pal", "bro", "bra", "fab", "gab", "sal", "pol",
    "pre", "pro", "hol", "tan", "ops", "sup", "mal", "hun", "kin", "lin", "ros",
    "bel", "tam", "lea", "dean", "sand", "chad", "char", "mart", "hal",
}  # fmt: skip
# Common short forms of English given names (the given name as written → its short forms).
# A short form that fits two participants names both (ambiguous), as initials do.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Abigail": ("Abby", "Abbie"), "Alexander": ("Alex", "Xander"), "Alexandra": ("Alex", "Lexi"),
    "Alfred": ("Alf", "Alfie"), "Andrew": ("Andy", "Drew"), "Anthony": ("Tony", "Ant"),
    "Benjamin": ("Ben", "Benji"), "Catherine": ("Cathy", "Cat", "Kate", "Katie"),
    "Charles": ("Charlie", "Chuck"), "Charlotte": ("Lottie", "Charlie"),
    "Christina": ("Chris", "Tina", "Christy"), "Christine": ("Chris", "Tina"),
    "Christopher": ("Chris", "Kit"), "Cynthia": ("Cindy",), "Daniel": ("Dan", "Danny"),
    "Deborah": ("Deb", "Debbie"), "Donald": ("Don",), "Dorothy": ("Dot", "Dottie"),
    "Douglas": ("Doug",), "Edward": ("Ed", "Eddie", "Ted"), "Eleanor": ("Ellie", "Nora"),
    "Elizabeth": ("Liz", "Lizzie", "Beth", "Betty", "Eliza"), "Frances": ("Fran",),
    "Francis": ("Frank",), "Frederick": ("Fred", "Freddie"), "Gabriel": ("Gabe",),
    "Gabriella": ("Gabby",), "Gabrielle": ("Gabby",), "Gerald": ("Gerry",),
    "Gregory": ("Greg",), "Harold": ("Harry",), "Henry": ("Harry", "Hank"),
    "Isabella": ("Bella", "Izzy"), "Isabelle": ("Izzy",), "Jacob": ("Jake",),
    "Jacqueline": ("Jackie",), "James": ("Jim", "Jimmy", "Jamie"), "Jeffrey": ("Jeff",),
    "Jennifer": ("Jen", "Jenny"), "Jessica": ("Jess", "Jessie"), "Jonathan": ("Jon", "Jonny"),
    "Joseph": ("Joe", "Joey"), "Josephine": ("Jo", "Josie"), "Katherine": ("Kate", "Kathy", "Katie", "Kat"),
    "Kathryn": ("Kate", "Kathy", "Katie"), "Kenneth": ("Ken", "Kenny"), "Kimberly": ("Kim",),
    "Lawrence": ("Larry",), "Leonard": ("Len", "Leo"), "Madeleine": ("Maddie",),
    "Madison": ("Maddie",), "Margaret": ("Maggie", "Meg", "Peggy"), "Matthew": ("Matt",),
    "Michael": ("Mike", "Mick", "Mikey"), "Michelle": ("Shelly",), "Nathan": ("Nate",),
    "Nathaniel": ("Nate", "Nat"), "Nicholas": ("Nick", "Nicky"), "Nicole": ("Nikki",),
    "Oliver": ("Ollie",), "Olivia": ("Liv", "Livvy"), "Pamela": ("Pam",),
    "Patricia": ("Pat", "Patty", "Trish"), "Patrick": ("Pat", "Paddy"), "Penelope": ("Penny",),
    "Peter": ("Pete",), "Philip": ("Phil",), "Phillip": ("Phil",), "Raymond": ("Ray",),
    "Rebecca": ("Becky", "Becca"), "Richard": ("Rich", "Rick", "Ricky", "Dick"),
    "Robert": ("Bob", "Bobby", "Rob", "Robbie"), "Ronald": ("Ron", "Ronnie"),
    "Samantha": ("Sam", "Sammy"), "Samuel": ("Sam", "Sammy"), "Sandra": ("Sandy",),
    "Stephen": ("Steve",), "Steven": ("Steve",), "Susan": ("Sue", "Susie"),
    "Suzanne": ("Sue", "Suzy"), "Theodore": ("Theo", "Ted"), "Thomas": ("Tom", "Tommy"),
    "Timothy": ("Tim", "Timmy"), "Valerie": ("Val",), "Victoria": ("Vicky", "Tori"),
    "Vincent": ("Vince",), "Walter": ("Walt",), "William": ("Will", "Bill", "Billy", "Liam"),
    "Zachary": ("Zach", "Zack"),
}  # fmt: skip

# "AF", "TRO", "A.F.", "A. F." standing alone; bounded, so linear.
_INITIALS = re.compile(r"(?:[A-Z]\.\s?){1,2}[A-Z]\.?|[A-Z]{2,3}")
# The same forms inside a text, not inside a longer word, an @handle or a dotted abbreviation.
INITIALS_IN_TEXT = re.compile(r"(?<![\w@.])(?:(?:[A-Z]\.\s?){1,2}[A-Z]\.?|[A-Z]{2,3})(?![\w-])")
# Capitals that are words of their own in notes ("AI: …" is an action item, "OK", "EOD");
# they are only a person when listed as an alias.
_NOT_INITIALS = frozenset({"AI", "OK", "FYI", "TBD", "TBC", "ASAP", "EOD", "EOW", "EOM", "COB"})
# Two-character surnames; a three- or four-character name starting with one of these keeps
# both characters as its surname (欧阳锋 is 老欧阳, not 老欧).
COMPOUND_SURNAMES = frozenset(
    {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "夏侯", "尉迟", "长孙",
     "宇文", "司徒", "端木", "公孙", "西门", "独孤", "南宫", "轩辕", "钟离"}
)  # fmt: skip
# Ordinary words that start like a nickname when the surname is 时, 于, 程…: "两小时",
# "小于 5%", "小程序" never name a person.
_NICKNAME_WORDS = (
    "小时", "小于", "小区", "小组", "小程序", "小白", "小米", "小车", "小计", "小路", "小龙虾",
    "小高层", "小金库", "老师", "老化", "老方法", "老版", "老旧", "老客户", "小孩", "小伙",
    "小姐", "小心", "小说", "小票", "小样", "小结", "小店", "小红书",
)  # fmt: skip


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def found_in_text(self) -> bool: ...


@dataclass(frozen=True)
class ShortForm:
    """A short form as written and the participants it fits, in the order they were given."""

    form: str
    kind: Kind
    names: tuple[str, ...]
    # How the nickname was read: "surname" (小吴, 老张), "title" (王总, Ms Moore), "given"
    # (雪梅, 芳姐, Liz), "accents" (Maria), "pinyin" (suqing, Zihan), "handle" (dokafor).
    basis: str = "surname"

    @property
    def ambiguous(self) -> bool:
        """True when the form fits more than one participant and none may be chosen."""
        return len(self.names) > 1

    def reason(self) -> str:
        """Why the form names whom it names, in words a person checks at a glance."""
        what = f"initials `{self.form}`" if self.kind == "initials" else f"nickname `{self.form}`"
        if self.ambiguous:
            return f"{what} fit {len(self.names)} participants: {', '.join(self.names)}"
        if self.kind == "initials":
            return f"{what} matched participant {self.names[0]}"
        basis = {
            "surname": "the only participant with that surname",
            "title": "the only participant with that family name",
            "given": "the only participant with that given name",
            "accents": "the only participant written so with accents",
            "pinyin": "the only participant whose name is spelt so in pinyin",
            "handle": "the only participant whose name makes that handle",
            "pinyin_handle": "the only participant whose given name is spelt so in pinyin",
        }.get(self.basis, "the only participant it fits")
        return f"{what} matched {basis}, {self.names[0]}"


def _latin_words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s.-]+", name) if w[:1].isascii() and w[:1].isalpha()]


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# Surnames whose reading differs from the character's everyday one.
_SURNAME_INITIAL = {
    "曾": "Z", "单": "S", "解": "X", "朴": "P", "仇": "Q", "区": "O", "查": "Z", "盖": "G",
    "乐": "Y", "种": "C", "覃": "Q", "尉": "Y", "召": "S", "繁": "P", "员": "Y", "缪": "M",
    "翟": "Z", "万俟": "MQ", "尉迟": "YC", "长孙": "ZS",
}  # fmt: skip


def initials_of(name: str) -> tuple[str, ...]:
    """Upper-case initials of a name: for a Latin-script name given + family first, then every
    word's; for a Chinese one the pinyin initials in written order (`刘梦琪` → `LMQ`), every
    surname read apart from its everyday reading as well (`曾子墨` → `ZZM`, `CZM`), and for a
    three-character name the family name's and the given name's (`田志强` → `TZ`)."""
    surname = surname_of(name)
    if surname is not None:
        letters = [p[0] for p in pinyin(name.strip(), style=Style.FIRST_LETTER)]
        written = "".join(letters).upper()
        # A surname read apart from the word (`曾` is Zeng, `单` Shan): both spellings.
        as_surname = _SURNAME_INITIAL.get(surname, "") + written[len(surname) :]
        full = [f for f in (as_surname, written) if len(f) == len(written)]
        # `TZ` for 田志强 (Tian Zhiqiang): the family name and the given name as one word,
        # as a pinyin spelling writes them.
        short = [f[:2] for f in full if len(surname) == 1 and len(name.strip()) == 3]
        return tuple(dict.fromkeys(full + short))
    words = _latin_words(name)
    if len(words) < 2:
        return ()
    forms = [(words[0][0] + words[-1][0]).upper(), "".join(w[0] for w in words).upper()]
    given_words, family = given_and_family(name)
    family_first = bool(family) and family == words[0]
    parts = [p for w in given_words for p in w.split("-") if p]
    if len(parts) >= 2 and (family_first or len(given_words) == 1):
        # `JF` for Jean-François Tremblay, `WL` for Tan Wei Ling, `TR` (family, then given).
        forms.append("".join(p[0] for p in parts).upper())
        if family_first:
            forms.append((family[0] + parts[0][0]).upper())
    return tuple(dict.fromkeys(f for f in forms if f.isalpha() and f.isascii()))


def surname_of(name: str) -> str | None:
    """The surname of a name written in Chinese characters (2 to 4 of them), else None."""
    name = name.strip()
    if not 2 <= len(name) <= 4 or not all(_is_cjk(ch) for ch in name):
        return None
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[0]


def nickname_blocked(text: str, start: int) -> bool:
    """True when the nickname-like characters at `start` begin an ordinary word instead."""
    return text.startswith(_NICKNAME_WORDS, start)


# Letters that are not a base letter with an accent, so NFKD leaves them: `Đức` is Duc.
_UNACCENTED = str.maketrans({"Đ": "D", "đ": "d", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l",
                             "Æ": "Ae", "æ": "ae", "ß": "ss", "ı": "i", "ʻ": "", "’": "'"})  # fmt: skip


def _folded(text: str) -> str:
    """`María José` → `Maria Jose`, `Lê Văn Đức` → `Le Van Duc`: letters without accents."""
    return "".join(
        ch
        for ch in unicodedata.normalize("NFKD", text.translate(_UNACCENTED))
        if not unicodedata.combining(ch)
    )


def _latin_name_words(name: str) -> list[str]:
    """A Latin-script name's words without a title in front (`Dr. Aisha Bello`)."""
    words = name.replace(".", " ").split()
    while len(words) > 1 and words[0] in EN_TITLES:
        words = words[1:]
    return words


def chinese_nicknames(name: str) -> list[tuple[str, str]]:
    """The forms colleagues address a Chinese name by, each with its basis (see `ShortForm`)."""
    surname = surname_of(name)
    if surname is None:
        return []
    given = name.strip()[len(surname) :]
    forms = [(prefix + surname, "surname") for prefix in ("小", "老")]
    forms += [(surname + t, "title") for t in ZH_TITLES]
    if len(given) >= 2:
        forms.append((given, "given"))
    last = given[-1]
    # 芳姐, 杰哥, 阿杰, 小菲 (欧阳菲), 婷婷 (李婷), 浩子 (孙浩).
    forms += [(last + "姐", "given"), (last + "哥", "given"), ("阿" + last, "given")]
    forms += [("小" + last, "given"), (last * 2, "given"), (last + "子", "given")]
    return [(f, why) for f, why in forms if f not in _ZH_TITLE_WORDS]


def pinyin_handles(name: str) -> list[str]:
    """Chat handles of a Chinese given name alone (`@zihao` for 蔡子豪, `@tao` for 宋涛,
    `@ajie` for 阿杰 韦杰): read only after `@` (see `Roster`), so `Long` or `you` in a
    sentence never names 王龙 or 王友."""
    surname = surname_of(name)
    if surname is None:
        return []
    syllables = [p[0] for p in pinyin(name.strip(), style=Style.NORMAL)]
    if not all(re.fullmatch(r"[a-z]+", x) for x in syllables) or len(syllables) <= len(surname):
        return []
    given = syllables[len(surname) :]
    handles = ["".join(given)]
    if len(given) == 1:
        handles.append("a" + given[0])
    return handles


def pinyin_forms(name: str) -> list[str]:
    """A Chinese name as its owner writes it in Latin letters: the whole name run together
    (`suqing`, `Suqing` for 苏晴) and a given name of four letters or more (`Zihan` for
    王梓涵), as chat handles and English-speaking colleagues write them."""
    surname = surname_of(name)
    if surname is None:
        return []
    syllables = [p[0] for p in pinyin(name.strip(), style=Style.NORMAL)]
    if not all(re.fullmatch(r"[a-z]+", x) for x in syllables):
        return []
    whole = "".join(syllables)
    given = "".join(syllables[len(surname) :])
    forms = [whole, whole.capitalize()]
    if len(given) >= 4:
        forms += [
            given.capitalize(),
            f"{given.capitalize()} {''.join(syllables[: len(surname)]).capitalize()}",
        ]
    return forms


# Family names written first in Latin letters by Chinese, Malaysian, Singaporean, Korean and
# Vietnamese colleagues (`Tan Wei Ling`, `Lim Kok Seng`, `Nguyen Thi Lan`), folded and in
# lower case: such a name's given name is the rest (`Wei Ling`, `Kok Seng`). A Vietnamese
# name is called by its last word (`Lan`, `Đức`).
_FAMILY_FIRST = frozenset({
    "tan", "lim", "lee", "ng", "wong", "chan", "ho", "goh", "teo", "ong", "koh", "chua",
    "lau", "yeo", "low", "tay", "sim", "chong", "leong", "cheng", "chen", "wang", "zhang",
    "liu", "li", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "he",
    "lin", "luo", "gao", "liang", "zheng", "xie", "song", "tang", "han", "feng", "deng",
    "cao", "peng", "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "yu", "du",
    "ye", "wei", "su", "lu", "ding", "ren", "shen", "yao", "kim", "park", "choi", "jung",
    "kang", "cho", "yoon", "jang", "chew", "foo", "loh", "quek", "seah", "toh", "yap",
})  # fmt: skip
_VIETNAMESE_FAMILY = frozenset({
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui",
    "do", "ngo", "duong", "ly", "dinh", "truong",
})  # fmt: skip


def given_and_family(name: str) -> tuple[list[str], str]:
    """A Latin-script name's given-name words and its family name, in either order."""
    words = _latin_name_words(name)
    if len(words) < 2:
        return words, ""
    head = _folded(words[0]).lower()
    if head in _VIETNAMESE_FAMILY and len(words) >= 3:
        return words[-1:], words[0]
    if head in _FAMILY_FIRST and (len(words) >= 3 or "-" in words[1]):
        return words[1:], words[0]
    return words[:-1], words[-1]


def latin_nicknames(name: str) -> list[tuple[str, str]]:
    """The forms colleagues write a Latin-script name in, each with its basis."""
    words = _latin_name_words(name)
    if not words or not all(w[:1].isalpha() and not _is_cjk(w[0]) for w in words):
        return []
    given_words, family = given_and_family(name)
    given = given_words[0]
    forms: list[tuple[str, str]] = []
    if family:
        for title in EN_TITLES:
            forms += [(f"{title} {family}", "title"), (f"{title}. {family}", "title")]
        if given_words != words[:1] or words[0] != name.split()[0]:
            # `Wei Ling` (Tan Wei Ling), `Lan` (Nguyen Thi Lan), `Aisha` (Dr. Aisha Bello).
            forms.append((" ".join(given_words), "given"))
        if len(words) >= 3 and family == words[-1]:
            forms.append((" ".join(words[:2]), "given"))  # `Maria Grazia`, `Jason Tan`
    forms += [(short, "given") for short in NICKNAMES.get(given, ())]
    # `Kev` for Kevin, `Nik` for Nikhil, `Rafa` for Rafael: the given name cut short, at three
    # letters or more, unless the cut is a word of its own (`The` for Theo, `Jan`, `Wed`).
    forms += [
        (given[:n], "given")
        for n in range(3, len(given))
        if given[:n].lower() not in _NOT_NAME_CUTS and given[:n].isalpha()
    ]
    first = _folded("".join(given_words)).lower().replace("-", "")
    if family:
        # `Mark D`, `D. Okafor`, `D Okafor`.
        forms += [
            (f"{given} {family[0]}", "given"),
            (f"{given[0]}. {family}", "title"),
            (f"{given[0]} {family}", "title"),
        ]
        # Chat handles: `@dokafor`, `@markd`, `@mark.delaney`, `@ana.v`, `@ioane_f`, `@junhao`.
        last = _folded(family).lower()
        handles = (
            f"{first[0]}{last}", f"{first}{last[0]}", f"{first}.{last}", f"{first}{last}",
            f"{first}.{last[0]}", f"{first}_{last[0]}", f"{first}_{last}",
        )  # fmt: skip
        forms += [(h, "handle") for h in handles if re.fullmatch(r"[a-z][a-z._'-]*", h)]
    if re.fullmatch(r"[a-z]+", first):
        forms.append((first, "handle"))  # `@tomas` for Tomás, `@quan` for Trần Minh Quân
    folded = _folded(name)
    if folded != name:
        forms.append((folded, "accents"))
        forms.append((_folded(" ".join(given_words)), "accents"))
        forms.append((_folded(given), "accents"))
    return [(f, why) for f, why in forms if f != name]


@functools.lru_cache(maxsize=4096)
def _forms_of(
    name: str, found_in_text: bool
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A name's initials and its nicknames with their basis (cached: a roster is built for
    every note, and pinyin is slow)."""
    spelled = [(f, "pinyin") for f in pinyin_forms(name)]
    spelled += [(f, "pinyin_handle") for f in pinyin_handles(name)]
    forms = chinese_nicknames(name) + latin_nicknames(name) + spelled
    if found_in_text:
        forms = [(f, why) for f, why in forms if why in ("surname", "title")]
    return initials_of(name), tuple(forms)


class ShortForms:
    """Initials and nicknames of one meeting's participants."""

    def __init__(self, participants: Sequence[_Named]) -> None:
        initials: dict[str, list[str]] = {}
        nicknames: dict[str, list[str]] = {}
        basis: dict[str, str] = {}
        for person in participants:
            person_initials, forms = _forms_of(person.name, person.found_in_text)
            for form in person_initials:
                if form not in _NOT_INITIALS and person.name not in initials.get(form, []):
                    initials.setdefault(form, []).append(person.name)
            for form, why in forms:
                names = nicknames.setdefault(form, [])
                basis.setdefault(form, why)
                if person.name not in names:
                    names.append(person.name)
        self._initials = {k: tuple(v) for k, v in initials.items()}
        self._nicknames = {k: tuple(v) for k, v in nicknames.items()}
        self._basis = basis

    @property
    def nicknames(self) -> tuple[str, ...]:
        """Every Chinese nickname that fits somebody, for finding them in a text."""
        return tuple(f for f in self._nicknames if _is_cjk(f[0]))

    @property
    def latin_nicknames(self) -> tuple[str, ...]:
        """Every Latin-script short form that fits somebody (`Liz`, `Ms Moore`)."""
        return tuple(f for f in self._nicknames if not _is_cjk(f[0]))

    def resolve(self, form: str) -> ShortForm | None:
        """The participants a written short form names, or None when it names nobody."""
        form = form.strip()
        if _INITIALS.fullmatch(form):
            key = re.sub(r"[.\s]", "", form)
            names = self._initials.get(key)
            return ShortForm(key, "initials", names) if names else None
        names = self._nicknames.get(form)
        return ShortForm(form, "nickname", names, self._basis[form]) if names else None
