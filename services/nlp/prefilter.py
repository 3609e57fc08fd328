"""Skip a pattern on a sentence that cannot hold a match, by the words every match contains.

Most cue and date patterns are long alternations of words tried at every position of every
sentence; most sentences hold none of their words. `required_words` reads a compiled pattern
and returns words one of which every match must contain (`{"eow", "this", "week",
"weekend"}` for the end-of-week rule), so a substring test on the sentence can rule the
pattern out before the engine runs. The analysis is conservative: where it cannot prove a
word is needed (a character class, a look-around, an optional part), it gives none, and the
pattern always runs. A match found is the pattern's own, so results are the same with or
without the filter (tested on every labelled note and by property tests).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

_sp: Any
_sc: Any
try:  # CPython's own parser of pattern strings (3.11+: `re._parser`)
    _sp = importlib.import_module("re._parser")
    _sc = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - another interpreter: no filter, same results
    _sp = _sc = None

__all__ = ["Filtered", "fold", "longest_first", "required_words"]


def fold(text: str) -> str:
    """`text` as the filter compares it with a case-insensitive pattern's words. `re` with
    IGNORECASE matches an ASCII letter wherever `casefold` yields it, except the dotless ı,
    which it matches to i (checked over every code point in the tests)."""
    return text.casefold().replace("\u0131", "i")


def _words(items: list[tuple[Any, Any]], ignore_case: bool, folded: bool) -> frozenset[str] | None:
    """Words one of which every match of the sequence `items` contains, or None."""
    found: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            found.append(frozenset({"".join(run)}))
            run.clear()

    for op, value in items:
        if op is _sc.LITERAL:
            ch = chr(value)
            if ignore_case and (not folded or not ch.isascii()):
                # A case-blind part of a case-sensitive pattern, or folding beyond ASCII:
                # not worth proving.
                flush()
                continue
            # Compared with the folded text when the pattern is case-blind, a case-sensitive
            # part (`(?-i:Sun)`) included: folding is done character by character.
            run.append(fold(ch) if folded else ch)
            continue
        flush()
        if op is _sc.SUBPATTERN:
            _, add, remove, body = value
            local = (ignore_case or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            words = _words(list(body), local, folded)
        elif op is _sc.BRANCH:
            options = [_words(list(branch), ignore_case, folded) for branch in value[1]]
            known = [o for o in options if o is not None]
            words = frozenset().union(*known) if len(known) == len(options) else None
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT, _sc.POSSESSIVE_REPEAT):
            low, _, body = value
            words = _words(list(body), ignore_case, folded) if low >= 1 else None
        elif op is _sc.ATOMIC_GROUP:
            words = _words(list(value), ignore_case, folded)
        else:  # a class, an anchor, a look-around, a back-reference: proves nothing
            words = None
        if words:
            found.append(words)
    flush()
    if not found:
        return None
    # The set whose shortest word is longest rules out most sentences.
    return max(found, key=lambda words: (min(map(len, words)), -len(words)))


def required_words(pattern: re.Pattern[str]) -> tuple[frozenset[str], bool] | None:
    """(words, compare folded) such that every match of `pattern` contains one of the words;
    None when no such set can be shown."""
    if _sp is None or pattern.flags & re.VERBOSE:
        return None
    ignore_case = bool(pattern.flags & re.IGNORECASE)
    words = _words(list(_sp.parse(pattern.pattern, pattern.flags)), ignore_case, ignore_case)
    if not words or "" in words:
        return None
    return words, ignore_case


@dataclass(frozen=True)
class Filtered:
    """A pattern with the words it needs; `search`/`finditer` run it only where one occurs."""

    pattern: re.Pattern[str]
    # The needed words as one trie pattern (a scan in C), matched on the folded text when
    # the pattern ignores case; None when nothing can be ruled out.
    needle: re.Pattern[str] | None
    folded: bool

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Filtered:
        need = required_words(pattern)
        if need is None:
            return cls(pattern, None, False)
        return cls(pattern, re.compile(longest_first(sorted(need[0]))), need[1])

    def possible(self, text: str, folded: str) -> bool:
        return self.needle is None or bool(self.needle.search(folded if self.folded else text))

    def search(self, text: str, folded: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.possible(text, folded) else None

    def finditer(self, text: str, folded: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.possible(text, folded) else iter(())


_Trie = dict[str, "_Trie"]


def longest_first(words: Iterable[str]) -> str:
    """An alternation of `words` as a trie (`ann(?:a)?` for `anna|ann`): it matches what the
    longest-first alternation matches, in time that does not grow with the number of words
    at each position (Python's `re` tries every branch of a flat alternation in turn). Two
    words can only both match at one place when one is a prefix of the other, and the
    deeper branch is tried first."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)
