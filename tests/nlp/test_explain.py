"""Owners by initials and nicknames, and why each item is one (#12); examples written here."""

from __future__ import annotations

from datetime import date

from services.nlp.notes import ActionItem, Extractor, NotesRequest
from services.nlp.owners import Participant

PEOPLE = (
    Participant("Alice Fong"),
    Participant("Dan Kim"),
    Participant("Diana Kerr"),
    Participant("Bob Martinez", ("Bob",)),
    Participant("Tomas Reyes"),
    Participant("Olga Novak"),
    Participant("吴芳"),
    Participant("张伟"),
    Participant("张敏"),
)
MEETING = date(2026, 6, 1)  # a Monday


def items(extractor: Extractor, text: str) -> dict[str, ActionItem]:
    request = NotesRequest(text=text, meeting_date=MEETING, participants=PEOPLE)
    return {item.source.strip(): item for item in extractor.extract(request).items}


def test_unique_initials_in_front_of_a_verb_name_the_owner(extractor: Extractor) -> None:
    found = items(extractor, "Design review\nA.F. will send the contrast report on Friday\n")
    item = found["A.F. will send the contrast report on Friday"]
    assert item.owner == "Alice Fong"
    assert not item.owner_ambiguous
    assert "initials `AF` matched participant Alice Fong" in item.explanation.owner


def test_shared_initials_give_candidates_and_the_flag_but_no_owner(extractor: Extractor) -> None:
    found = items(extractor, "Supplier audit\nDK: issue the corrective action request, EOM\n")
    item = found["DK: issue the corrective action request, EOM"]
    assert item.owner is None
    assert item.owner_candidates == ("Dan Kim", "Diana Kerr")
    assert item.owner_ambiguous
    assert item.due == date(2026, 6, 30)
    assert "fit 2 participants: Dan Kim, Diana Kerr" in item.explanation.owner


def test_joined_initials_give_the_first_and_say_why(extractor: Extractor) -> None:
    found = items(extractor, "Plant visit\nTR + ON: visit the supplier plant\n")
    item = found["TR + ON: visit the supplier plant"]
    assert item.owner == "Tomas Reyes"
    assert item.explanation.item[0] == "owner label `TR + ON:` in front of the line"
    assert "initials `TR` matched participant Tomas Reyes" in item.explanation.owner


def test_xiao_plus_surname_names_the_only_participant_with_it(extractor: Extractor) -> None:
    found = items(extractor, "财务周会\n小吴你盯一下，6月9日前核销完\n")
    item = found["小吴你盯一下，6月9日前核销完"]
    assert item.owner == "吴芳"
    assert item.due == date(2026, 6, 9)
    assert "nickname `小吴`" in item.explanation.owner
    assert "a request addressed to a person (`小吴你`)" in item.explanation.item


def test_lao_plus_a_shared_surname_is_left_to_a_person(extractor: Extractor) -> None:
    found = items(extractor, "报价会\n老张：周五前把报价发出来\n")
    item = found["老张：周五前把报价发出来"]
    assert item.owner is None
    assert item.owner_candidates == ("张伟", "张敏")
    assert item.owner_ambiguous


def test_explanation_names_the_cue_and_the_owner_words(extractor: Extractor) -> None:
    found = items(extractor, "Promo sync\nBob will fix the discount code generator by Wednesday\n")
    item = found["Bob will fix the discount code generator by Wednesday"]
    assert any("`will` after a named person (`Bob`)" in r for r in item.explanation.item)
    assert any("due date `by Wednesday`" in r for r in item.explanation.item)
    assert item.explanation.owner == "`Bob` is named before `will`"


def test_bare_line_under_a_heading_says_so(extractor: Extractor) -> None:
    found = items(extractor, "Intern arrives\n\nNext steps (Olga):\n- desk and badge\n")
    item = found["desk and badge"]
    assert item.owner == "Olga Novak"
    assert item.explanation.item[0] == "a line under the `Next steps (Olga)` heading"
    assert item.explanation.owner.startswith("`Olga` is named in the heading")


def test_every_item_is_explained(extractor: Extractor) -> None:
    text = (
        "Weekly\n"
        "- [ ] Renew the TLS certificate by Friday\n"
        "ACTION: Bob to book the venue\n"
        "| Task | Owner | Due |\n|---|---|---|\n| Print the badges | Tomas Reyes | 6/5 |\n"
    )
    found = items(extractor, text)
    assert len(found) == 3
    for item in found.values():
        assert item.explanation.item, item
        assert item.explanation.owner, item
    checkbox = found["[ ] Renew the TLS certificate by Friday"]
    assert checkbox.explanation.item[0] == "an open checkbox `[ ]`"
    assert found["ACTION: Bob to book the venue"].explanation.item[0] == (
        "marker `ACTION:` in front of the line"
    )
    table = next(item for source, item in found.items() if "Print the badges" in source)
    assert table.explanation.item[0] == "a table row with an owner in its Owner column"
    assert table.explanation.owner == "the table's Owner column names them"


def test_pronoun_and_chat_owners_quote_their_words(extractor: Extractor) -> None:
    people = (Participant("Grace Okafor", ("Grace",)), Participant("Kat Lee", ("kat",)))
    text = (
        "Month end\n"
        "The USD bank rec is short by $240 — Grace is looking into it and she'll report back"
        " by the 30th\n\n"
        "[09:02] kat: I'll rerun the payroll export this morning\n"
    )
    request = NotesRequest(text=text, meeting_date=MEETING, participants=people)
    found = {i.owner: i for i in extractor.extract(request).items}
    assert (
        found["Grace Okafor"].explanation.owner == "`she'll` refers to `Grace`, named just before"
    )
    kat = found["Kat Lee"].explanation
    assert kat.item[0] == "a chat line committing the speaker (`I'll`)"
    assert kat.owner.startswith("speaker of the line (`kat`)")
