"""The filter that skips a cue or date pattern on a sentence without any word it needs must
never change what the pattern finds."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from services.nlp import cues, dates
from services.nlp.prefilter import Filtered, fold, required_words

DATA = Path(__file__).resolve().parents[1] / "data"

PATTERNS = [rule.pattern for rule in dates._EN_RULES + dates._ZH_RULES] + [
    getattr(language, name)
    for language in (cues.EN, cues.ZH)
    for name in (*cues._CUE_NAMES, "priority_high", "priority_medium", "priority_low")
]


def test_folding_keeps_every_ascii_letter_a_case_blind_pattern_matches() -> None:
    """`re.IGNORECASE` matches `k` to the Kelvin sign and `s` to the long s; the filter's
    folded text must hold the letter wherever the pattern would match it."""
    letter = re.compile("[a-z0-9]", re.IGNORECASE)
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        if letter.fullmatch(ch):
            matched = [
                a for a in "abcdefghijklmnopqrstuvwxyz0123456789" if re.fullmatch(a, ch, re.I)
            ]
            assert all(a in fold(ch) for a in matched), (hex(code), matched)


def test_the_words_found_are_needed_by_every_match() -> None:
    words, folded = required_words(re.compile(r"\b(?:EOY|(?:the\s+)?end\s+of\s+year)\b", re.I))  # type: ignore[misc]
    assert folded and words == frozenset({"eoy", "year"})
    # Nothing provable: a class, an optional part, a look-around.
    assert required_words(re.compile(r"\d+")) is None
    assert required_words(re.compile(r"(?:done)?\s")) is None
    assert required_words(re.compile(r"(?=done)\w+")) is None
    # A case-sensitive part of a case-blind pattern keeps its case.
    # A case-sensitive part of a case-blind pattern is compared folded too (`SUN` cannot
    # match, but `Sun` folds to `sun`); a case-blind part of a case-sensitive one proves
    # nothing.
    sun = re.compile(r"(?-i:Sun)", re.I)
    assert required_words(sun) == (frozenset({"sun"}), True)
    assert Filtered.of(sun).search("Sunday", fold("Sunday"))
    assert required_words(re.compile(r"(?i:eod)")) is None


def _lines() -> list[str]:
    lines: list[str] = []
    files = [DATA / "notes_gold.json", *sorted((DATA / "blind").glob("*/batch-[01]*.json"))]
    for path in files:
        for note in json.loads(path.read_text("utf-8")):
            lines.extend(line for line in note["text"].splitlines() if line.strip())
    return lines


def test_every_cue_and_date_pattern_finds_the_same_with_the_filter_on_real_notes() -> None:
    lines = _lines()
    assert len(lines) > 3000
    for pattern in PATTERNS:
        filtered = Filtered.of(pattern)
        for line in lines:
            folded = fold(line)
            want = [m.span() for m in pattern.finditer(line)]
            assert [m.span() for m in filtered.finditer(line, folded)] == want, (pattern, line)


_WORDS = sorted(
    {w for p in PATTERNS if (need := required_words(p)) for w in need[0]}
    | {"I'll", "We will", "by", "the", "next", "Friday", "3/18", "下周三", "之前", "?", "ſ", "K"}
)


@given(st.lists(st.sampled_from([*_WORDS, " ", " ", ",", ".", "\n", "ı"]), max_size=14))
def test_the_filter_never_hides_a_match_in_text_made_of_the_patterns_own_words(
    parts: list[str],
) -> None:
    text = "".join(parts)
    text = text.upper() if len(parts) % 3 == 0 else text
    folded = fold(text)
    for pattern in PATTERNS:
        hit = pattern.search(text)
        got = Filtered.of(pattern).search(text, folded)
        assert (got.span() if got else None) == (hit.span() if hit else None), pattern
