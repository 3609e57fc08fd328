"""The timing guard: every regular expression in services/ run on generated worst cases at
two lengths, judged by the ratio of the times (4x the text: a linear scan takes about 4x, a
quadratic one about 16x, an exponential one never finishes).

Patterns the review found superlinear and not yet rewritten are listed in `KNOWN` with where
they run; the guard fails when any other pattern is superlinear (a new one, or one of the
rewritten ones regressing) and when a listed one has become linear (then take it off the
list). The list is a debt, not an allowance: #13 finding 2 stays open until it is empty.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.nlp import segment
from services.nlp.cues import ZH
from tests.security import linear

LINEAR = 8.0
# Searched from every position of a line or an item's tail: quadratic on a long run of
# spaces or stops (x15-18 per 4x). The host pattern (egress) sees at most 253 characters.
KNOWN = {
    "[0-9a-fA-FxX.]+\\Z",
    "[\\s,;(—–-]*(?:\\b(?:by|before|due|on|until|till|no\\s+later\\s+than|needed\\s+by|for)\\s+)?(?:the\\s+)?$",
    "[\\s,;:.!?—–\\-(]+$",
    "[\\s,(—–-]*(?:\\(?\\s*(?:priority\\s*[:=]?\\s*\\w+|(?:high|medium|low)[\\s-]priority|urgent)\\s*\\)?)",
    "[（(]?\\s*(?:优先级\\s*[:：]\\s*[高中低]|[高中低]优先级|紧急|加急)\\s*[）)]?",
    "(?:吗|呢)?[？?。！!；;，,\\s]*$",
    "\\s*\\)",
    "\\s+[—–]\\s+@?[A-Z][\\w'’-]*(?:\\s+[A-Z][\\w'’-]*)?\\s*(?=[—–]|$)",
    "\\s*([A-Za-z]+)",
    "\\s*(?:,|&|\\+|\\band\\b|/|、|，|和|与|及)\\s*",
    "\\s*[,，]?\\s*(?:can|could|would|will|please|pls|你能|你可以|麻烦|请)",
    "\\s*[,，]",
    "\\s*[—–-]{1,2}\\s*$",
    "\\s*——\\s*[\\u4e00-\\u9fff]{2,4}\\s*(?=——|$)",
    "\\s*(?:,|&|\\+|and|/|、|，|和|与|及)\\s*",
    "\\s*(?:'ll|’ll)\\b",
}


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda n: "# a" + " " * n + "x", id="heading then spaces (finding 2)"),
        pytest.param(lambda n: "Next" + "." * n + "x", id="a run of stops"),
        pytest.param(lambda n: "Next" + ". " * n + "x", id="stops and spaces"),
        pytest.param(lambda n: "e.g" * n + ". Next", id="one long abbreviation"),
        pytest.param(lambda n: "张三" + "和" * n + "x", id="Chinese names joined by 和"),
    ],
)
def test_segmenting_a_hostile_line_is_linear(make: Callable[[int], str]) -> None:
    assert linear.ratio_in_child(segment.segment, make) < LINEAR


def test_chinese_owner_labels_do_not_backtrack_exponentially() -> None:
    # 和, 与 and 及 are both CJK letters and separators: every split of a run was tried.
    growth = linear.checked(linear.Found(ZH.label.pattern, ZH.label.flags, "cues.ZH.label"))
    assert growth.ratio < LINEAR, growth


@pytest.mark.slow
def test_every_pattern_in_services_is_linear_on_its_worst_cases() -> None:
    found = linear.all_patterns()
    assert len(found) > 100, "pattern discovery found too few patterns"
    superlinear = {}
    for pattern in found:
        growth = linear.checked(pattern)
        if growth.ratio >= LINEAR:
            superlinear[pattern.pattern] = f"{pattern.where}: x{growth.ratio:.0f}"
    new = {p: w for p, w in superlinear.items() if p not in KNOWN}
    assert not new, "superlinear patterns:\n" + "\n".join(f"{w} {p!r}" for p, w in new.items())
    fixed = KNOWN - superlinear.keys()
    assert not fixed, f"linear now, take them off KNOWN: {sorted(fixed)}"
