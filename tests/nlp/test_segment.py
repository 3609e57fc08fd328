from __future__ import annotations

from services.nlp.segment import detect_language, section_kind, segment


def test_sections_and_blocks() -> None:
    text = "## Decisions\n- Ship it.\n\nAction items:\n- Bob to test\n| Task | Owner |\n|---|---|\n| Fix | Ann |\n"
    sentences, transcript = segment(text)
    assert not transcript
    assert [(s.section, s.block) for s in sentences] == [
        ("decisions", "bullet"),
        ("actions", "bullet"),
        ("actions", "table"),
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_transcript_speakers() -> None:
    text = (
        "[10:02] Kenji: Where are we?\n[10:03] Raj (QA): Fixed. I'll deploy today.\nKenji: Good.\n"
    )
    sentences, transcript = segment(text)
    assert transcript
    assert [(s.speaker, s.text) for s in sentences] == [
        ("Kenji", "Where are we?"),
        ("Raj", "Fixed."),
        ("Raj", "I'll deploy today."),
        ("Kenji", "Good."),
    ]


def test_section_words_in_both_languages() -> None:
    assert section_kind("Action Items") == "actions"
    assert section_kind("Decisions Made / Action items") == "actions"
    assert section_kind("待办事项") == "actions"
    assert section_kind("决议") == "decisions"
    assert section_kind("Berlin updates - Ropsten") is None
    # The section's word, then a note on it or its owner in brackets.
    assert section_kind("四、行动项（统一挂在 Jira INC-482 下）") == "actions"
    assert section_kind("待办（莫晓楠）") == "actions"
    assert section_kind("下一步（龚立新）") == "actions"
    # An incident review's overview and timeline report what happened.
    assert section_kind("一、故障概况") == "status"
    assert section_kind("Incident timeline") == "status"


def test_language_detection() -> None:
    assert detect_language("王磊负责修复优惠券接口") == "zh"
    assert detect_language("Bob to fix the coupon bug") == "en"
