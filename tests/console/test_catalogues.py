"""The console's message catalogues, without a browser: both languages hold the same
messages with the same placeholders, and every message the console asks for is there."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parents[2] / "services" / "gateway" / "static"
LANGUAGES = ("en", "zh-CN")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Plural forms Intl.PluralRules answers for English and Chinese.
FORMS = {"en": {"one", "other"}, "zh-CN": {"other"}}


def catalogue(language: str) -> dict[str, Any]:
    data = json.loads((STATIC / "i18n" / f"{language}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def forms(value: Any) -> dict[str, str]:
    return value if isinstance(value, dict) else {"": value}


def placeholders(value: Any) -> set[frozenset[str]]:
    return {frozenset(PLACEHOLDER.findall(text)) for text in forms(value).values()}


def used_keys() -> set[str]:
    """Keys the console names literally: t("…") in its modules and data-i18n in index.html."""
    keys: set[str] = set()
    for module in (STATIC / "js").glob("*.js"):
        keys |= set(re.findall(r'\bt\("([\w.]+)"', module.read_text(encoding="utf-8")))
        keys |= set(re.findall(r'"(error\.field\.\w+)"', module.read_text(encoding="utf-8")))
    index = (STATIC / "index.html").read_text(encoding="utf-8")
    keys |= set(re.findall(r'data-i18n(?:-[\w-]+)?="([\w.]+)"', index))
    return keys


def test_both_catalogues_have_the_same_keys() -> None:
    en, zh = catalogue("en"), catalogue("zh-CN")
    assert sorted(set(en) - set(zh)) == [], "in English only"
    assert sorted(set(zh) - set(en)) == [], "in Chinese only"


def test_each_message_has_the_same_placeholders_in_both_languages() -> None:
    en, zh = catalogue("en"), catalogue("zh-CN")
    differ = {
        key: (placeholders(en[key]), placeholders(zh[key]))
        for key in en
        if key in zh and placeholders(en[key]) != placeholders(zh[key])
    }
    # Every plural form of a message names the same placeholders, in both languages.
    uneven = {
        key: placeholders(value)
        for c in (en, zh)
        for key, value in c.items()
        if len(placeholders(value)) > 1
    }
    assert differ == {}
    assert uneven == {}


def test_messages_are_non_empty_with_the_plural_forms_of_their_language() -> None:
    for language in LANGUAGES:
        for key, value in catalogue(language).items():
            assert all(text.strip() for text in forms(value).values()), (language, key)
            if isinstance(value, dict):
                assert set(value) == FORMS[language], (language, key)


def test_every_key_the_console_uses_is_in_the_catalogue() -> None:
    en = catalogue("en")
    used = used_keys()
    assert len(used) > 250
    assert sorted(used - set(en)) == []


def test_chinese_messages_are_chinese() -> None:
    """A message copied over untranslated is caught here, before any browser runs."""
    en, zh = catalogue("en"), catalogue("zh-CN")
    han = re.compile("[\u4e00-\u9fff]")
    # Written the same in both languages on purpose: symbols, codes and placeholders only.
    same = {
        key
        for key, value in zh.items()
        if not any(han.search(text) for text in forms(value).values())
    }
    for key in same:
        for text in forms(zh[key]).values():
            words = re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub("", text))
            assert set(words) <= {"HTTP"}, (key, text, en[key])
