"""The timing guard: every regular expression in services/ run on generated worst cases at
two lengths, judged by the ratio of the times (4x the text: a linear scan takes about 4x, a
quadratic one about 16x, an exponential one never finishes).

There is no list of exceptions: every pattern in services/ must pass, each one judged as
`search` and `finditer` would run it even where the code only anchors it with `match`, so a
pattern stays linear when someone later uses it another way.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.nlp import segment
from services.nlp.cues import ZH
from tests.security import linear

LINEAR = 8.0


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
    assert linear.ratio_in_child(segment.segment, make, limit=LINEAR) < LINEAR


def test_chinese_owner_labels_do_not_backtrack_exponentially() -> None:
    # 和, 与 and 及 are both CJK letters and separators: every split of a run was tried.
    found = linear.Found(ZH.label.pattern, ZH.label.flags, "cues.ZH.label")
    growth = linear.checked(found, limit=LINEAR)
    assert growth.ratio < LINEAR, growth


@pytest.mark.slow
def test_every_pattern_in_services_is_linear_on_its_worst_cases() -> None:
    found = linear.all_patterns()
    assert len(found) > 100, "pattern discovery found too few patterns"
    superlinear = {}
    for pattern in found:
        growth = linear.checked(pattern, limit=LINEAR)
        if growth.ratio >= LINEAR:
            superlinear[pattern.pattern] = f"{pattern.where}: x{growth.ratio:.0f}"
    assert not superlinear, "superlinear patterns:\n" + "\n".join(
        f"{w} {p!r}" for p, w in superlinear.items()
    )


def test_the_guard_finds_a_quadratic_and_an_exponential_pattern() -> None:
    # The guard itself: confirmation by re-measuring must not let a superlinear pattern pass.
    quadratic = linear.checked(linear.Found(r" +$", 0, "trailing spaces"), limit=LINEAR)
    assert quadratic.ratio >= LINEAR, quadratic
    exponential = linear.Found(r"^(?:a|aa)+$", 0, "nested alternatives")
    assert linear.checked(exponential, limit=LINEAR, timeout_s=3).ratio == float("inf")
