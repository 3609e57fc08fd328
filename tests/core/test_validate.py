"""Core's identifier patterns are checked whole: `$` would let a trailing newline through."""

from __future__ import annotations

from services.core import convert, validate


def test_identifier_patterns_match_whole_values() -> None:
    assert validate.SKILL.match("copywriting")
    assert not validate.SKILL.match("copywriting\n")
    assert not validate.EMAIL.match("lin@example.com\n")
    assert not validate.DATE.match("2026-12-01\n")


def test_a_time_zone_is_looked_up_never_opened() -> None:
    # A name longer than the file system allows made ZoneInfo raise OSError (INTERNAL).
    for bad in ("é" * 2000, "../../etc/passwd", "Europe/Berlin\n", "Nowhere/Else", ""):
        checks = validate.Checks()
        checks.time_zone(bad, "project.time_zone")
        assert [v.field for v in checks.found] == ["project.time_zone"], bad
    for good in ("UTC", "Asia/Shanghai", "Europe/Berlin"):
        checks = validate.Checks()
        checks.time_zone(good, "project.time_zone")
        assert checks.found == []


def test_an_etag_is_read_whole() -> None:
    assert convert.version_of('W/"3"') == 3
    # `$` also matched before a final newline, so 'W/"3"\n' passed as the etag of version 3.
    assert convert.version_of('W/"3"\n') is None
    assert convert.version_of('W/"3" ') is None
