from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.nlp.notes import Extractor, NotesRequest
from services.nlp.owners import Mention, Participant, Roster
from services.nlp.prefilter import longest_first

PEOPLE = (
    Participant("Alice Chen", ("AC", "@alice")),
    Participant("Bob Martinez", ("Bobby",)),
    Participant("Priya Nair", ("the PM",)),
    Participant("Will Scott", ()),
    Participant("Mark Jensen", ()),
    Participant("Mark Owusu", ("Mark O",)),
    Participant("王磊", ("小王",)),
)


def owners(extractor: Extractor, text: str, lang: str = "en") -> list[str | None]:
    request = NotesRequest(text=text, meeting_date=date(2025, 3, 3), lang=lang, participants=PEOPLE)
    return [item.owner for item in extractor.extract(request).items]


def test_roster_matches_full_first_alias_and_mention() -> None:
    roster = Roster(PEOPLE)
    found = roster.mentions("Alice Chen, Bobby and @alice met the PM")
    assert [m.names[0] for m in found] == ["Alice Chen", "Bob Martinez", "Alice Chen", "Priya Nair"]


def test_modal_will_is_not_the_person_will() -> None:
    roster = Roster(PEOPLE)
    assert roster.mentions("we will do it") == []
    assert [m.names for m in roster.mentions("Will, can you check?")] == [("Will Scott",)]


def test_owner_forms(extractor: Extractor) -> None:
    assert owners(extractor, "- Alice to send the deck by Friday") == ["Alice Chen"]
    assert owners(extractor, "- Bobby will fix the coupon bug") == ["Bob Martinez"]
    assert owners(extractor, "- @alice please book the room") == ["Alice Chen"]
    assert owners(extractor, "- The PM will confirm the launch checklist") == ["Priya Nair"]
    assert owners(extractor, "- Mark O to order the packaging") == ["Mark Owusu"]


def test_shared_first_name_is_flagged_ambiguous(extractor: Extractor) -> None:
    request = NotesRequest(
        text="- Mark will renew the contract by Friday",
        meeting_date=date(2025, 3, 3),
        participants=PEOPLE,
    )
    (item,) = extractor.extract(request).items
    assert item.owner_ambiguous
    assert set(item.owner_candidates) == {"Mark Jensen", "Mark Owusu"}
    assert item.confidence.owner < 0.6


def test_first_named_of_several_owns_and_others_join_the_description(extractor: Extractor) -> None:
    request = NotesRequest(
        text="- Alice and Bob to replace the belts on conveyor B",
        meeting_date=date(2025, 3, 3),
        participants=PEOPLE,
    )
    (item,) = extractor.extract(request).items
    assert item.owner == "Alice Chen"
    assert "Bob" in item.description


def test_i_is_the_speaker_in_a_transcript(extractor: Extractor) -> None:
    text = "Alice: Where are we?\nBob: I'll send the report tomorrow.\nAlice: Thanks.\nBob: Sure."
    assert owners(extractor, text) == ["Bob Martinez"]


def test_request_belongs_to_whoever_accepts(extractor: Extractor) -> None:
    text = (
        "Priya: Alice, could you update the holiday hours on the site?\n"
        "Bob: Alice is out, I can do it tomorrow.\n"
        "Priya: Great, thanks.\n"
    )
    request = NotesRequest(text=text, meeting_date=date(2025, 3, 3), participants=PEOPLE)
    (item,) = extractor.extract(request).items
    assert item.owner == "Bob Martinez"
    assert item.due == date(2025, 3, 4)


def test_asked_to_gives_the_person_asked(extractor: Extractor) -> None:
    assert owners(extractor, "Priya asked Bob to audit the refund macros by Friday.") == [
        "Bob Martinez"
    ]


def test_chinese_owner_and_alias(extractor: Extractor) -> None:
    assert owners(extractor, "- 小王负责修复接口限流问题，下周三前完成。", "zh") == ["王磊"]
    assert owners(extractor, "- @王磊 请更新报表", "zh") == ["王磊"]


def test_english_name_of_a_chinese_participant_names_them_glued_to_chinese() -> None:
    # `Kevin 张` is Kevin in a Chinese chat, and a Chinese character right after a Latin
    # name ends it: `Kevin你这周内…`, `Grace今天…`.
    roster = Roster(
        (Participant("Kevin 张", ()), Participant("吴敏", ()), Participant("罗 Grace", ()))
    )
    found = roster.mentions("主持人想从内部选，Kevin你这周内问一圈；Grace今天补记，发吴敏审")
    assert [(m.surface, m.names) for m in found] == [
        ("Kevin", ("Kevin 张",)),
        ("Grace", ("罗 Grace",)),
        ("吴敏", ("吴敏",)),
    ]
    # A Latin word still ends only where the word does: `Kevins` and `Kevin-bot` are not him.
    assert roster.mentions("Kevins and Kevin-bot") == []


def test_english_name_glued_to_chinese_owns_the_request(extractor: Extractor) -> None:
    people = (Participant("吴敏", ()), Participant("Grace 罗", ()), Participant("林芳", ()))
    request = NotesRequest(
        text="出席：林芳、Grace、吴敏\n\n安排\n- 建行差额：Grace今天补记手续费凭证，下班前发林芳审",
        meeting_date=date(2026, 12, 2),
        lang="zh",
        participants=people,
    )
    assert [item.owner for item in extractor.extract(request).items] == ["Grace 罗"]


def test_a_people_list_of_full_names_still_finds_everyday_names(extractor: Extractor) -> None:
    people = (
        Participant("王雪梅"),
        Participant("钱志远"),
        Participant("Elizabeth Moore"),
        Participant("Dr. Aisha Bello"),
    )

    def extract(text: str, lang: str) -> list[tuple[str | None, str]]:
        request = NotesRequest(
            text=text, meeting_date=date(2026, 12, 2), lang=lang, participants=people
        )
        return [(i.owner, i.explanation.owner) for i in extractor.extract(request).items]

    zh = extract("待办：\n- 雪梅你明天把报表发我\n- 钱科周五前把预算审完", "zh")
    assert [owner for owner, _ in zh] == ["王雪梅", "钱志远"]
    assert "given name" in zh[0][1] and "family name" in zh[1][1]
    en = extract("Actions:\n- Liz will send the deck by Friday\n- Dr Bello to review it", "en")
    assert [owner for owner, _ in en] == ["Elizabeth Moore", "Dr. Aisha Bello"]


def test_a_found_name_holding_a_listed_persons_nickname_is_someone_else(
    extractor: Extractor,
) -> None:
    # 婷婷 is 李婷's nickname, but 王婷婷 is a name of its own; 邱工 in `邱工明天` is not.
    people = (Participant("李婷"), Participant("邱海燕"))
    request = NotesRequest(
        text="纪要：\n- 王婷婷负责周五前把海报发群里\n- 外架连墙件缺失——邱工明天上午带人补齐",
        meeting_date=date(2026, 12, 2),
        lang="zh",
        participants=people,
    )
    assert [item.owner for item in extractor.extract(request).items] == ["王婷婷", "邱海燕"]


def test_without_a_people_list_a_placeholder_in_the_owner_column_is_nobody(
    extractor: Extractor,
) -> None:
    rows = "".join(
        f"| {i} | {task} | {owner} | 10/10 |\n"
        for i, (task, owner) in enumerate(
            [
                ("Update LOTO procedure", "TBD"),
                ("Survey churned customers", "—"),
                ("Lease schedule update", "owner TBD"),
                ("Order gloves", "Sam"),
            ]
        )
    )
    request = NotesRequest(
        text="| # | Task | Owner | Due |\n|---|---|---|---|\n" + rows,
        meeting_date=date(2026, 12, 2),
        lang="en",
    )
    assert [item.owner for item in extractor.extract(request).items] == [None, None, None, "Sam"]


def test_a_title_in_the_people_list_is_no_first_name() -> None:
    roster = Roster((Participant("Dr. Aisha Bello"), Participant("Sam Green")))
    assert roster.lookup("Dr.") == ()
    found = roster.mentions("Dr. Lim will call the ward; Aisha to check the chart")
    assert [(m.surface, m.names) for m in found] == [("Aisha", ("Dr. Aisha Bello",))]


def test_without_a_people_list_chat_speakers_own_as_written(extractor: Extractor) -> None:
    # The explanation said `speaker of the line (Elif Yilmaz)` while the owner was empty.
    request = NotesRequest(
        text=(
            "[09:02] Stefan Berg: AHU-2 filters are due again\n"
            "[09:03] Elif Yilmaz: 2 flaky e2e tests on checkout, I'm on them, PRs up EOD\n"
            "[09:04] Stefan Berg: also can someone tell the store teams by Friday?\n"
            "[09:05] Ben Achebe: on it"
        ),
        meeting_date=date(2026, 5, 20),
        lang="en",
    )
    items = extractor.extract(request).items
    assert [(item.owner, item.explanation.owner.split(" (")[0]) for item in items] == [
        ("Elif Yilmaz", "speaker of the line"),
        ("Ben Achebe", "Ben Achebe accepted the request in the next line"),
    ]


@given(
    words=st.lists(
        st.text(alphabet="abAB .-王小", min_size=1, max_size=5), min_size=1, max_size=12
    ),
    text=st.text(alphabet="abAB .-王小x", max_size=40),
)
def test_a_trie_of_names_matches_what_the_longest_first_alternation_matches(
    words: list[str], text: str
) -> None:
    """The roster's names are one trie (`ann(?:a)?`), not a flat alternation that tries every
    name at every position; it must find the same spans, case folded as before."""
    words = [w.lower() for w in words]
    flat = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    for flags in (0, re.IGNORECASE):
        expected = [m.span() for m in re.finditer(f"(?:{flat})(?![a-z])", text, flags)]
        got = [m.span() for m in re.finditer(f"(?:{longest_first(words)})(?![a-z])", text, flags)]
        assert got == expected


def test_a_roster_reads_a_sentence_once_and_hands_out_copies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = Roster(PEOPLE)
    reads: list[str] = []
    find = roster._find_mentions

    def counted(text: str) -> list[Mention]:
        reads.append(text)
        return find(text)

    monkeypatch.setattr(roster, "_find_mentions", counted)
    first = roster.mentions("Alice Chen and Bobby")
    first.clear()
    roster.mentions("Alice Chen and Bobby")
    assert reads == ["Alice Chen and Bobby"]
    assert [m.names[0] for m in roster.mentions("Alice Chen and Bobby")] == [
        "Alice Chen",
        "Bob Martinez",
    ]


def test_a_lower_case_name_that_opens_a_commitment_is_a_name() -> None:
    """A chat in lower case: `chloe will redo the rota`, `- raj to call them`; not a name
    later in the line, not before other words, and never a word-name (`will will…`)."""
    roster = Roster(
        (
            Participant("Chloe Dubois", ("Chloe",)),
            Participant("Raj Patel", ("Raj",)),
            Participant("Will Ortiz", ("Will",)),
        )
    )

    def named(text: str) -> list[str]:
        return [m.surface for m in roster.mentions(text)]

    assert named("chloe will redo the weekend rota, by Monday") == ["chloe"]
    assert named("- raj to call the venue") == ["raj"]
    assert named("chloe's going to send it") == ["chloe"]
    assert named("ask chloe will you") == []
    assert named("chloe said the rota is fine") == []
    assert named("will will check the logs") == []
    assert named("Will check the logs") == []  # the modal, not Will
    assert named("Will, check the logs") == ["Will"]
