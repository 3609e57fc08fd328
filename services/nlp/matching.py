"""Similarity of short texts: task titles against each other and against notes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DuplicateTasks", "best_match", "content_terms", "find_duplicates", "similarity"]

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "to",
        "of",
        "for",
        "on",
        "in",
        "at",
        "by",
        "with",
        "from",
        "into",
        "about",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "this",
        "that",
        "these",
        "those",
        "we",
        "i",
        "you",
        "he",
        "she",
        "they",
        "our",
        "your",
        "their",
        "will",
        "shall",
        "should",
        "can",
        "could",
        "would",
        "must",
        "need",
        "needs",
        "please",
        "pls",
        "up",
        "out",
        "back",
        "all",
        "new",
        "next",
        "our",
        "its",
        "as",
        "so",
        "then",
        "than",
        "also",
    ]
)


# Suffixes cut from a word of at least four letters left, longest first: `confirmations`
# and `confirm`, `imaging` and `imaged` and `image` meet; a final `y` is `i` as Porter
# writes it, so `buddy` and `buddies` meet too.
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            if suffix in {"ies", "ied"}:
                word += "i"
            break
    if len(word) > 4 and word.endswith("y"):
        word = word[:-1] + "i"
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def content_terms(text: str) -> frozenset[str]:
    """Stemmed content words for Latin text, character bigrams for Chinese."""
    terms = {_stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP}
    cjk = re.sub(r"[^\u4e00-\u9fff]", "", text)
    terms.update(cjk[i : i + 2] for i in range(len(cjk) - 1))
    return frozenset(terms)


def similarity(first: str, second: str) -> float:
    """Jaccard overlap of content terms, 0 to 1."""
    a, b = content_terms(first), content_terms(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def containment(part: str, whole: str) -> float:
    """Share of `part`'s content terms found in `whole`, 0 to 1: a short recap line against
    the longer sentence it restates."""
    a, b = content_terms(part), content_terms(whole)
    return len(a & b) / len(a) if a else 0.0


def best_match(text: str, titles: Sequence[str], *, minimum: float = 0.2) -> tuple[str, float]:
    """The title most like `text` and its score, or ("", 0.0) below `minimum`.

    Scored by the share of the title's terms found in the text, since a status line usually
    says more than the title it refers to.
    """
    terms = content_terms(text)
    best, score = "", 0.0
    for title in titles:
        title_terms = content_terms(title)
        if not title_terms:
            continue
        overlap = len(terms & title_terms) / len(title_terms)
        if overlap > score:
            best, score = title, overlap
    return (best, round(score, 3)) if score >= minimum else ("", 0.0)


@dataclass(frozen=True)
class DuplicateTasks:
    """Two open tasks that likely describe the same work."""

    first: str
    second: str
    similarity: float


def find_duplicates(titles: Sequence[str], *, threshold: float = 0.5) -> list[DuplicateTasks]:
    """Pairs of titles at or above `threshold`, most similar first."""
    terms = [content_terms(t) for t in titles]
    pairs = []
    for i in range(len(titles)):
        for j in range(i + 1, len(titles)):
            a, b = terms[i], terms[j]
            if not a or not b:
                continue
            score = len(a & b) / len(a | b)
            if score >= threshold:
                pairs.append(DuplicateTasks(titles[i], titles[j], round(score, 3)))
    return sorted(pairs, key=lambda p: -p.similarity)
