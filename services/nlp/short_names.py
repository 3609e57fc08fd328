"""Short forms that name a participant without being listed as an alias.

Two kinds, both worked out from the participants' names alone:

- **Initials** of a Latin-script name: `AF`, `A.F.`, `A. F.` for Alice Fong (given name and
  family name), and every word's initial for longer names (`MAL` for Mary Ann Lee). Written
  in capitals only: `af` is not Alice.
- **Pinyin initials** of a Chinese name (`LMQ` for 刘梦琪, and `TZ` for 田志强, family name
  and given name as pinyin writes them), read with `pypinyin`.
- **小/老 + surname** for a Chinese name (`小吴`, `老张`).

A form that fits two or more participants is returned with all of them: the caller must not
pick one (`ShortForm.ambiguous`). Nothing here reads the notes' text beyond the form it is
given, so the module is pure and cheap to test.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from pypinyin import Style, pinyin

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


@dataclass(frozen=True)
class ShortForm:
    """A short form as written and the participants it fits, in the order they were given."""

    form: str
    kind: Kind
    names: tuple[str, ...]

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
        return f"{what} matched the only participant with that surname, {self.names[0]}"


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
    return tuple(dict.fromkeys(forms))


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


class ShortForms:
    """Initials and 小/老 nicknames of one meeting's participants."""

    def __init__(self, participants: Sequence[_Named]) -> None:
        initials: dict[str, list[str]] = {}
        nicknames: dict[str, list[str]] = {}
        for person in participants:
            for form in initials_of(person.name):
                if form not in _NOT_INITIALS and person.name not in initials.get(form, []):
                    initials.setdefault(form, []).append(person.name)
            surname = surname_of(person.name)
            if surname is not None:
                for prefix in ("小", "老"):
                    names = nicknames.setdefault(prefix + surname, [])
                    if person.name not in names:
                        names.append(person.name)
        self._initials = {k: tuple(v) for k, v in initials.items()}
        self._nicknames = {k: tuple(v) for k, v in nicknames.items()}

    @property
    def nicknames(self) -> tuple[str, ...]:
        """Every 小/老 form that fits somebody, for finding them in a text."""
        return tuple(self._nicknames)

    def resolve(self, form: str) -> ShortForm | None:
        """The participants a written short form names, or None when it names nobody."""
        form = form.strip()
        if _INITIALS.fullmatch(form):
            key = re.sub(r"[.\s]", "", form)
            names = self._initials.get(key)
            return ShortForm(key, "initials", names) if names else None
        names = self._nicknames.get(form)
        return ShortForm(form, "nickname", names) if names else None
