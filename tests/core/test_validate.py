"""Core's identifier patterns are checked whole: `$` would let a trailing newline through."""

from __future__ import annotations

from services.core import validate


def test_identifier_patterns_match_whole_values() -> None:
    assert validate.SKILL.match("copywriting")
    assert not validate.SKILL.match("copywriting\n")
    assert not validate.EMAIL.match("lin@example.com\n")
    assert not validate.DATE.match("2026-12-01\n")
