"""Who a sentence names: participants by name, first name, alias, @mention or role."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from services.nlp.prefilter import longest_first
from services.nlp.short_names import (
    EN_TITLES,
    INITIALS_IN_TEXT,
    WORD_NAMES,
    ShortForm,
    ShortForms,
    nickname_blocked,
)

__all__ = ["Mention", "Participant", "Roster", "possessive"]

# Read with `match(text, end)`: no copy of the rest of the text for each name.
_VERB_AFTER_WORD = re.compile(
    r"\s{0,8}+(?:do|be|have|take|send|make|get|go|need|check|follow|update|look|work|try|not|you"
    r"|we|it|this|that|they|also|probably|still|just|the|a|an)\b",
    re.IGNORECASE,
)


# `chloe will …`, `raj to …`, `nina's going to …`: what makes a lower-case first word a name.
_LOWER_NAME_COMMITS = re.compile(
    r"(?:'ll|’ll|\s{1,3}+(?:will|to|is\s{1,3}+going\s{1,3}+to|(?:needs|has)\s{1,3}+to|can|should|takes"
    r"|owns)|'s\s{1,3}+going"
    r"\s{1,3}+to)\s"
)


@dataclass(frozen=True)
class Participant:
    """A person who may own work: the `name` is what the caller gets back."""

    name: str
    aliases: tuple[str, ...] = ()
    # Found in the notes' text rather than given by the caller (`with_people_named`): only
    # the surname forms (小吴, 王总) name them, not their given name, which may be a word.
    found_in_text: bool = False


@dataclass(frozen=True)
class Mention:
    """A span of a sentence naming one or more participants (several when the form is shared)."""

    start: int
    end: int
    surface: str
    names: tuple[str, ...]
    role: bool = False  # named by role ("the PM"), not by name
    # Set when the surface is initials or a 小/老 nickname worked out from the names.
    short: ShortForm | None = None


def possessive(text: str, mention: Mention) -> bool:
    """Whether `text` names the person as whose thing it is (`Jon's PR`), not as who acts."""
    return text[mention.end : mention.end + 2] in {"'s", "’s"}


_CJK_CHAR = "[\u3400-\u9fff\uf900-\ufaff]"
# A Latin-script word (a handle with its `@`, a dotted initial or title with its dot), and
# what may stand between two words of one name (`Ms Moore`, `D. Okafor`).
_LATIN_WORD = re.compile(r"@?[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f0-9'’._-]*")
_PAIR_GAP = re.compile(r"[ \t]{1,2}")
_LATIN_NAME = re.compile(r"[A-Z][a-z]+(?:[-'][A-Za-z]+)?")


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


class Roster:
    """The participants of one meeting, indexed by every form that may name them."""

    def __init__(self, participants: Sequence[Participant]) -> None:
        self.participants = tuple(participants)
        forms: dict[str, list[str]] = {}
        roles: set[str] = set()

        def add(form: str, name: str, *, role: bool = False) -> None:
            form = form.strip()
            if not form:
                return
            key = form.lower()
            if name not in forms.setdefault(key, []):
                forms[key].append(name)
            if role:
                roles.add(key)

        for person in self.participants:
            add(person.name, person.name)
            if not _is_cjk(person.name) and " " in person.name.strip():
                # The first name, after any title: `Dr. Aisha Bello` is Aisha, never `Dr.`.
                words = person.name.split()
                while len(words) > 2 and words[0].rstrip(".") in EN_TITLES:
                    words = words[1:]
                add(words[0], person.name)
            elif _is_cjk(person.name):
                # `Kevin 张`, `罗 Grace`: the English name alone names them (`Kevin你这周内…`).
                for word in person.name.split():
                    if _LATIN_NAME.fullmatch(word):
                        add(word, person.name)
            for alias in person.aliases:
                bare = alias.lstrip("@")
                is_role = alias.lower().startswith("the ") or alias.lower() in {
                    "pm", "project manager", "qa lead", "release manager",
                }  # fmt: skip
                add(alias, person.name, role=is_role)
                if bare != alias:
                    add(bare, person.name)
                if alias.lower().startswith("the "):
                    add(alias[4:], person.name, role=True)
                # `Dan Kasayulie` for Daniel Kasayulie (alias `Dan`): the short first name
                # with the surname, as a chat export or a check-in signs it.
                words = person.name.split()
                if (
                    len(words) > 1
                    and not _is_cjk(person.name)
                    and re.fullmatch(r"[A-Za-z][\w'’-]*", bare)
                ):
                    add(f"{bare} {words[-1]}", person.name)
        self._forms = {key: tuple(names) for key, names in forms.items()}
        self._roles = roles
        latin = sorted((f for f in self._forms if not _is_cjk(f)), key=len, reverse=True)
        cjk = sorted((f for f in self._forms if _is_cjk(f)), key=len, reverse=True)
        self._latin = (
            re.compile(
                # A Chinese character next to a Latin name is no part of it: `Kevin你…`.
                r"(?<![\w@](?<!"
                + _CJK_CHAR
                + "))@?(?:"
                + longest_first(latin)
                + r")(?!-|(?!"
                + _CJK_CHAR
                + r")\w)",
                re.IGNORECASE,
            )
            if latin
            else None
        )
        self._cjk = re.compile(longest_first(cjk)) if cjk else None
        self._mentions: dict[str, tuple[Mention, ...]] = {}
        self.short = ShortForms(self.participants)
        # Listed names and aliases come first: a nickname someone was given is not a guess.
        # Chinese nicknames are looked up where one can start (a first character of one), the
        # longest first: one pattern of every form grew with the people list.
        nicknames = {f for f in self.short.nicknames if f.lower() not in self._forms}
        self._nicknames = nicknames
        self._nickname_lengths = sorted({len(f) for f in nicknames}, reverse=True)
        self._nickname_start = (
            re.compile("[" + "".join(sorted({re.escape(f[0]) for f in nicknames})) + "]")
            if nicknames
            else None
        )
        # `Liz`, `Ms Moore`, `Maria`, `@dokafor`: looked up word by word (one or two words),
        # not as one pattern of every form, which grew with the people list.
        self._latin_short = {f for f in self.short.latin_nicknames if f.lower() not in self._forms}

    def __bool__(self) -> bool:
        return bool(self.participants)

    @property
    def listed(self) -> bool:
        """Whether the caller gave any participant (not only names found in the text)."""
        return any(not p.found_in_text for p in self.participants)

    def as_written(self, form: str) -> tuple[str, ...]:
        """Who a speaker's or an answerer's name stands for: the participants it names, or,
        when the caller gave no people list, the name as written."""
        return self.lookup(form) or (() if self.listed or not form.strip() else (form.strip(),))

    def lookup(self, form: str) -> tuple[str, ...]:
        """Participant names a form can stand for ("" and unknown forms give none)."""
        listed = self._forms.get(form.strip().lstrip("@").lower(), ()) or self._forms.get(
            form.strip().lower(), ()
        )
        if listed:
            return listed
        short = self.short.resolve(form)
        return short.names if short is not None else ()

    def short_form(self, form: str) -> ShortForm | None:
        """The initials or nickname `form` is, when no listed name or alias is written so."""
        if self._forms.get(form.strip().lstrip("@").lower()) or self._forms.get(
            form.strip().lower()
        ):
            return None
        return self.short.resolve(form)

    def mentions(self, text: str) -> list[Mention]:
        """Every mention in `text`, left to right."""
        # A sentence is read for names by several steps; the roster lives for one extraction.
        known = self._mentions.get(text)
        if known is None:
            known = self._mentions[text] = tuple(self._find_mentions(text))
        return list(known)

    def _find_mentions(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        for pattern in (self._latin, self._cjk):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                surface = match.group(0)
                key = surface.lstrip("@").lower()
                if pattern is self._latin and not self._accept_latin(
                    text, match.start(), match.end(), surface
                ):
                    continue
                names = self._forms.get(key) or self._forms.get(surface.lower(), ())
                if not names:
                    continue
                found.append(
                    Mention(
                        start=match.start(),
                        end=match.end(),
                        surface=surface,
                        names=names,
                        role=key in self._roles,
                    )
                )
        found.extend(self._short_mentions(text))
        found.sort(key=lambda m: m.start)
        return _drop_overlaps(found)

    def _short_mentions(self, text: str) -> list[Mention]:
        """Initials (`AF`, `A.F.`) and nicknames (`小吴`) that name participants in `text`."""
        found = []
        first = len(text) - len(text.lstrip())  # where the first word starts
        for match in INITIALS_IN_TEXT.finditer(text):
            short = self.short_form(match.group(0))
            if short is not None and _owner_position(
                text, start=match.start(), end=match.end(), first=first
            ):
                found.append(
                    Mention(match.start(), match.end(), match.group(0), short.names, short=short)
                )
        if self._latin_short:
            found.extend(self._latin_short_mentions(text))
        if self._nickname_start is not None:
            end = 0
            for start_char in self._nickname_start.finditer(text):
                start = start_char.start()
                if start < end:
                    continue
                for length in self._nickname_lengths:
                    form = text[start : start + length]
                    if form not in self._nicknames or nickname_blocked(text, start):
                        continue
                    short = self.short.resolve(form)
                    if short is not None:
                        found.append(Mention(start, start + length, form, short.names, short=short))
                        end = start + length
                        break
        return found

    def _latin_short_mentions(self, text: str) -> list[Mention]:
        """`Kev`, `Ms Moore`, `D. Okafor`, `@dokafor`: each word, and each word with the next
        one, looked up among the short forms (two words first)."""
        found = []
        words = list(_LATIN_WORD.finditer(text))
        skip_to = 0
        for i, word in enumerate(words):
            if word.start() < skip_to:
                continue
            candidates = []
            if i + 1 < len(words) and _PAIR_GAP.fullmatch(text, word.end(), words[i + 1].start()):
                candidates.append((word.start(), words[i + 1].end()))
            candidates.append((word.start(), word.end()))
            if word.group(0).endswith("."):  # `Kev.` at a sentence's end is `Kev`
                candidates.append((word.start(), word.end() - 1))
            if word.group(0).endswith(("'s", "’s")):  # `Liz's`
                candidates.append((word.start(), word.end() - 2))
            for start, end in candidates:
                surface = text[start:end]
                key = " ".join(surface.lstrip("@").split())
                short = self.short.resolve(key) if key in self._latin_short else None
                if short is not None and short.basis == "pinyin_handle":
                    # `@zihao`, never `Long` in a sentence for 王龙.
                    short = short if surface.startswith("@") else None
                if short is not None and self._accept_latin(text, start, end, surface):
                    found.append(Mention(start, end, surface, short.names, short=short))
                    skip_to = end
                    break
        return found

    def _accept_latin(self, text: str, start: int, end: int, surface: str) -> bool:
        key = surface.lstrip("@").lower()
        # `@zoe`, and Jira's `[~dvolkov]` (listed so, or only its handle inside it)
        jira = surface.startswith("[~") or text[max(0, start - 2) : start] == "[~"
        if surface.startswith("@") or jira or key in self._roles:
            return True
        # Names are written capitalised; "will" and "may" in lower case are words. A chat
        # written in lower case starts a line with one (`chloe will redo the rota`): the first
        # word, a name that is no word, and a commitment after it.
        if not surface[:1].isupper():
            return (
                start <= 6  # (only a bullet's few characters before it: linear on long text)
                and not text[:start].strip(" \t-*•>")
                and key not in WORD_NAMES
                and key not in STOP_WORDS
                and _LOWER_NAME_COMMITS.match(text, end) is not None
            )
        # `Will check the logs`: a word-name before a verb is the verb's modal, not Will.
        return key not in WORD_NAMES or _VERB_AFTER_WORD.match(text, end) is None


# What may come before initials that name someone: nothing, a bullet, a bracket, an arrow, a
# dash, a joiner ("TR + ON"), a comma in a list of owners.
_BEFORE_OWNER = ("(", "（", "[", "]", "→", ">", "—", "–", "-", "+", "/", "&", ",", "，", ":", "：", "*", "•", "|")  # fmt: skip


def _owner_position(text: str, *, start: int, end: int, first: int) -> bool:
    """Initials where an owner is written, not an acronym inside a sentence ("open a PR");
    `first` is where the text's first word starts.

    Capitals like PR, CI or DB are words of their own in notes; they stand for a participant
    only at the start, after a bullet, bracket, arrow, dash or joiner, before a colon, or
    written with dots (`A.F.`).
    """
    if "." in text[start:end]:
        return True
    # Only a few characters either side are read: a long line full of initials stays linear.
    at_start = start == first
    before = text[max(0, start - 16) : start].rstrip()
    after = text[end : end + 16].lstrip()
    return (
        at_start
        or before.endswith(_BEFORE_OWNER)
        or before.lower().endswith((" and", " asked", " ask", " cc"))
        or after.startswith((":", "：", ")", "）"))
    )


def _drop_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept
