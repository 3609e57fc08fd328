"""Why an item is an item and why its owner is its owner, in words a person can check.

The rules and shapes that decide record their reason as they decide (`Analysed.reasons`);
an item the trained detector chose is explained by the features that weighed most for it,
named by the words they stand for. The owner's reason is read from how the owner was found
(`_Owner.how`) and the form that named them, including initials and nicknames.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from services.nlp.cues import EN, PERSON, ZH
from services.nlp.owners import Roster
from services.nlp.short_names import ShortForm

if TYPE_CHECKING:
    from services.nlp.detector import Detector
    from services.nlp.notes import Analysed

__all__ = ["Explanation", "detector_reasons", "owner_reason", "short_form_behind"]

# How many features of the detector are named for one item, for and against.
_FOR = 3
_AGAINST = 2
# A feature weighing less than this against an item is not worth a person's attention.
_AGAINST_AT_LEAST = 0.3


@dataclass(frozen=True)
class Explanation:
    """Why an item was extracted (`item`, most decisive first) and why it has its owner."""

    item: tuple[str, ...]
    owner: str


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return found.group(0).strip() if found else None


def _owner_surface(item: Analysed) -> str | None:
    """The words in the sentence that name the owner (or the candidates), as written."""
    owner = item.owner
    wanted = set(owner.candidates) or ({owner.name} if owner.name else set())
    for mention in item.mentions:
        if wanted & set(mention.names):
            return mention.surface
    return None


def _feature_phrase(name: str, item: Analysed) -> str | None:
    """A detector feature in the words it stands for; None for those that name nothing."""
    sentence = item.sentence
    cues = ZH if sentence.lang == "zh" else EN
    kind, _, value = name.partition(":")
    value = value.replace(PERSON, "<name>")
    if kind == "w":
        # A name weighs for an item; which name, and where, the owner's reason says.
        return None if value == "<name>" else f"word `{value}`"
    if kind == "b":
        return f"words `{value.replace('_', ' ')}`"
    if kind in {"c", "c2"}:
        return None if "Ⓟ" in value else f"`{value}`"
    if kind == "first":
        return f"starts with `{value}`"
    if kind != "cue":
        return None
    if value in {"owner_strong"} or value.startswith("owner:"):
        return owner_phrase(item)
    if value in {"due_date", "due_marked", "due_text"} and item.due is not None:
        return f"due date `{item.due.text}`"
    if value == "sec:actions":
        return f"line under the `{sentence.heading.strip()}` heading" if sentence.heading else None
    if value == "request":
        words = _first(cues.request, sentence.text)
        return f"request `{words}`" if words else "a request"
    if value == "first_person":
        words = _first(cues.first_person, sentence.text)
        return f"first-person commitment `{words}`" if words else None
    if value == "priority":
        return "a stated priority"
    if value in {"verb_first", "imperative"}:
        verb = re.match(r"[A-Za-z]+", item.body.lstrip())
        return f"starts with the verb `{verb.group(0)}`" if verb else None
    if value == "marker":
        return "an action marker"
    if value == "block:table":
        return "a table row"
    simple = {
        "done": "words of finished work",
        "decision": "words of a decision",
        "question": "a question",
        "hypothetical": "a hypothetical",
        "past": "a verb in the past tense",
        "acceptance": "words of agreement",
        "status": "words of a status",
        "sec:other": "not under an action heading",
        "owner:any": "no owner in a strong position",
        "owner:speaker_weak": "no owner in a strong position",
        "block:prose": "a line of prose",
    }
    return simple.get(value)


# "Bob, can you…" asks Bob; "Bob will…" is Bob's own word. Both are found as one form.
_ASKING = re.compile(
    r"[\s,，]{0,3}+(?:can|could|would|please|pls|你能|你可以|麻烦|请)(?![\w'’])", re.I
)


def _word_after_owner(item: Analysed) -> str | None:
    """ "will" in "Bob will fix it", 负责 in "王磊负责…": the word that makes the subject owe it."""
    cues = ZH if item.sentence.lang == "zh" else EN
    after = item.body[item.owner.cut[1] :] if item.owner.cut[1] else ""
    modal = cues.modal.match(after)
    return modal.group(0).strip() if modal else None


def owner_phrase(item: Analysed) -> str | None:
    """The owner cue as an item reason: "`will` after a named person (`Bob`)"."""
    owner = item.owner
    surface = _owner_surface(item)
    who = f"`{surface}`" if surface else "a named person"
    if owner.how in {"subject", "vocative"}:
        word = _word_after_owner(item)
        after = item.body[owner.cut[1] :] if owner.cut[1] else ""
        if owner.how == "vocative" and (word is None or _ASKING.match(after)):
            return f"request addressed to {who}"
        return f"`{word}` after a named person ({who})" if word else f"{who} as the subject"
    if owner.how == "label":
        return f"owner label {who} in front of the line"
    if owner.how == "table":
        return "an owner in the table's Owner column"
    if owner.how == "asked":
        return f"someone asked {who} to do it"
    if owner.how == "speaker":
        cues = ZH if item.sentence.lang == "zh" else EN
        words = _first(cues.first_person, item.body)
        return f"first-person commitment `{words}` by the speaker" if words else None
    if owner.how == "mention":
        return f"@mention {who}"
    return None


def detector_reasons(item: Analysed, detector: Detector | None, threshold: float) -> list[str]:
    """The features that weighed most for (and against) the detector's score, in words."""
    head = f"detector score {item.score:.2f} (an item from {threshold:.2f})"
    if detector is None:
        return [head.replace("detector", "rule")]
    weights = detector.contributions(item.features)
    positive: list[str] = []
    negative: list[str] = []
    for name, weight in weights:
        phrase = _feature_phrase(name, item)
        if phrase is None or weight <= 0 or phrase in positive or _said(phrase, positive):
            continue
        positive.append(phrase)
        if len(positive) == _FOR:
            break
    for name, weight in reversed(weights):
        if weight > -_AGAINST_AT_LEAST or len(negative) == _AGAINST:
            break
        phrase = _feature_phrase(name, item)
        if phrase is not None and phrase not in negative and phrase not in positive:
            negative.append(phrase)
    reasons = [f"{head}: {', '.join(positive)}" if positive else head]
    if negative:
        reasons.append("against it: " + ", ".join(negative))
    return reasons


def _said(phrase: str, earlier: Sequence[str]) -> bool:
    """ "word `i'll`" after "first-person commitment `I'll`": the same words again."""
    quoted = re.search(r"`([^`]{1,80}+)`", phrase)
    if quoted is None or not phrase.startswith(("word", "words", "`", "starts with `")):
        return False
    return any(f"`{quoted.group(1).lower()}" in e.lower() for e in earlier)


def short_form_behind(item: Analysed, roster: Roster) -> ShortForm | None:
    """The initials or nickname that named the owner (or the candidates), if one did."""
    owner = item.owner
    wanted = set(owner.candidates) or ({owner.name} if owner.name else set())
    if not wanted:
        return None
    forms: list[str] = [m.surface for m in item.mentions if m.short is not None]
    if item.sentence.speaker:
        forms.append(item.sentence.speaker)
    forms += re.findall(r"[(（]([^()（）]{1,40}+)[)）]", item.sentence.heading)
    for form in forms:
        short = roster.short_form(form)
        if short is not None and set(short.names) == wanted:
            return short
    return None


def owner_reason(item: Analysed, roster: Roster, short: ShortForm | None) -> str:
    """Why the item has its owner (or none), naming the words that made it."""
    owner = item.owner
    surface = _owner_surface(item)
    who = f"`{surface}`" if surface else (owner.name or "")
    sentence = item.sentence
    how = owner.how
    word = _word_after_owner(item)
    asking = _ASKING.match(item.body[owner.cut[1] :] if owner.cut[1] else "")
    if owner.why:
        base = owner.why
    elif how == "subject" or (how == "vocative" and word and not asking):
        base = f"{who} is named before `{word}`" if word else f"{who} is the subject"
    elif how == "label":
        base = f"{who} labels the line"
    elif how == "table":
        base = "the table's Owner column names them"
    elif how == "asked":
        base = f"{who} was asked to do it"
    elif how == "vocative":
        base = f"the request is addressed to {who}"
    elif how == "mention":
        base = f"@mention {who}"
    elif how in {"speaker", "speaker_weak"}:
        speaker = sentence.speaker or "the speaker"
        base = f"speaker of the line (`{speaker}`)"
        if how == "speaker_weak":
            base += ", as nobody else is named"
    elif how == "pronoun":
        base = f"the pronoun refers to {owner.name or who}, named just before"
    elif how == "accepted":
        base = f"{owner.name} accepted the request in the next line"
    elif how == "heading":
        base = f"named in the heading or owner line above (`{sentence.heading.strip()}`)"
    elif how == "any":
        base = f"the only person named in the sentence ({who}); nothing says they own it"
    else:
        base = "nobody is named as its owner"
    if short is not None:
        if short.reason() not in base:
            base += "; " + short.reason()
        if short.ambiguous:
            base += ", so no owner is chosen"
    elif owner.ambiguous:
        base += f"; the name fits {len(owner.candidates)} participants"
    return base


def join(reasons: Sequence[str]) -> tuple[str, ...]:
    """Reasons once each, in the order they were given."""
    return tuple(dict.fromkeys(r for r in reasons if r))
