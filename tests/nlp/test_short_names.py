"""Initials and 小/老 nicknames worked out from participants' names (#12); pure, no notes."""

from __future__ import annotations

import pytest

from services.nlp.owners import Participant, Roster
from services.nlp.short_names import ShortForms, initials_of, surname_of
from tests.security import linear
from tests.security.test_linear_patterns import LINEAR

PEOPLE = (
    Participant("Alice Fong"),
    Participant("Dan Kim"),
    Participant("Diana Kerr"),
    Participant("Mary Ann Lee"),
    Participant("吴芳"),
    Participant("张伟"),
    Participant("张敏"),
    Participant("欧阳锋"),
    Participant("时雨"),
    Participant("于洋"),
)


def test_initials_of_latin_and_chinese_names() -> None:
    assert initials_of("Alice Fong") == ("AF",)
    assert initials_of("Mary Ann Lee") == ("ML", "MAL")
    # A hyphenated given name is initialled on its own too (`JF` for Jean-François Tremblay).
    assert initials_of("Jean-Luc Picard") == ("JP", "JLP", "JL")
    assert initials_of("Alice") == ()
    # A Chinese name's pinyin initials in written order; a surname's own reading first.
    assert initials_of("吴芳") == ("WF",)
    # A three-character name also as family name and given name, the way pinyin spells them
    # (田志强, Tian Zhiqiang: `TZ`).
    assert initials_of("曾子墨") == ("ZZM", "CZM", "ZZ", "CZ")
    assert initials_of("田志强") == ("TZQ", "TZ")


def test_surnames_of_chinese_names() -> None:
    assert surname_of("吴芳") == "吴"
    assert surname_of("欧阳锋") == "欧阳"
    assert surname_of("Alice Fong") is None


def test_unique_initials_name_one_participant_in_every_written_form() -> None:
    forms = ShortForms(PEOPLE)
    for written in ("AF", "A.F.", "A. F.", "A.F"):
        found = forms.resolve(written)
        assert found is not None, written
        assert found.names == ("Alice Fong",)
        assert not found.ambiguous
        assert found.reason() == "initials `AF` matched participant Alice Fong"
    assert forms.resolve("MAL") is not None
    assert forms.resolve("af") is None  # written in capitals or not initials at all
    assert forms.resolve("ZZ") is None


def test_shared_initials_give_every_candidate_and_no_choice() -> None:
    found = ShortForms(PEOPLE).resolve("DK")
    assert found is not None
    assert found.names == ("Dan Kim", "Diana Kerr")
    assert found.ambiguous
    assert "fit 2 participants: Dan Kim, Diana Kerr" in found.reason()


def test_nicknames_need_exactly_the_surname() -> None:
    forms = ShortForms(PEOPLE)
    wu = forms.resolve("小吴")
    assert wu is not None and wu.names == ("吴芳",) and not wu.ambiguous
    assert forms.resolve("老吴") == wu.__class__("老吴", "nickname", ("吴芳",))
    zhang = forms.resolve("老张")
    assert zhang is not None and zhang.ambiguous and zhang.names == ("张伟", "张敏")
    assert forms.resolve("老欧阳") is not None
    assert forms.resolve("小李") is None


def test_listed_aliases_win_over_guessed_forms() -> None:
    roster = Roster((*PEOPLE, Participant("Dora Kline", ("DK",))))
    assert roster.lookup("DK") == ("Dora Kline",)
    assert roster.short_form("DK") is None
    assert Roster(PEOPLE).lookup("DK") == ("Dan Kim", "Diana Kerr")


def test_short_forms_are_found_in_text_but_not_inside_words() -> None:
    roster = Roster(PEOPLE)
    found = roster.mentions("小吴你盯一下，AF will help; two hours (两小时) is enough")
    assert [(m.surface, m.names) for m in found] == [("小吴", ("吴芳",)), ("AF", ("Alice Fong",))]
    assert roster.mentions("The AFK timer and LAF-3 are fine") == []
    # An acronym inside a sentence is a word; initials are written where owners are.
    assert [m.surface for m in Roster((Participant("Priya Rao"),)).mentions("Open a PR")] == []
    owners = Roster((Participant("Priya Rao"),)).mentions("- PR to open the ticket (cc PR)")
    assert [m.surface for m in owners] == ["PR", "PR"]
    assert roster.mentions("小于 5% 就行，程序跑两小时") == []


@pytest.mark.slow
def test_a_line_full_of_initials_is_read_in_linear_time() -> None:
    # Each match once read everything before and after it: quadratic on a long line.
    # The reading itself: a roster remembers what it read, and a repeat would time nothing.
    # Timed in this process, as the typed-table test does: the roster's pattern is a trie
    # of names, not user text, and forking a suite's process that has run gRPC servers can
    # hang (it did here after tests/nlp/test_servicer.py).
    roster = Roster(PEOPLE)

    def measure() -> float:
        short = linear.seconds(roster._find_mentions, "x AF " * 4_000, repeat=5)
        return linear.seconds(roster._find_mentions, "x AF " * 16_000, repeat=5) / max(short, 1e-7)

    ratio = linear.least_of(measure, LINEAR)
    assert ratio < LINEAR


# A people list of full names only (a calendar invite's): the forms colleagues use for them.
NAMES_ONLY = (
    Participant("王雪梅"),
    Participant("钱志远"),
    Participant("李婷"),
    Participant("孙浩"),
    Participant("程刚"),
    Participant("施展"),
    Participant("苏晴"),
    Participant("梁梓涵"),
    Participant("Elizabeth Moore"),
    Participant("Robert Chan"),
    Participant("Dr. Aisha Bello"),
    Participant("María José García"),
    Participant("Kevin Doyle"),
    Participant("Daniel Okafor"),
    Participant("Theodore Ramirez"),
    Participant("Janet Fox"),
    Participant("Vanessa Lim"),
    Participant("William Hart"),
)


@pytest.mark.parametrize(
    ("form", "name", "basis"),
    [
        ("雪梅", "王雪梅", "given"),
        ("王总", "王雪梅", "title"),
        ("钱科", "钱志远", "title"),  # a title cut to its first character
        ("钱老师", "钱志远", "title"),
        ("婷婷", "李婷", "given"),
        ("婷姐", "李婷", "given"),
        ("浩子", "孙浩", "given"),
        ("阿浩", "孙浩", "given"),
        ("suqing", "苏晴", "pinyin"),  # a chat handle
        ("Zihan", "梁梓涵", "pinyin"),
        ("Liz", "Elizabeth Moore", "given"),
        ("Ms Moore", "Elizabeth Moore", "title"),
        ("Bob", "Robert Chan", "given"),
        ("Mr. Chan", "Robert Chan", "title"),
        ("Aisha", "Dr. Aisha Bello", "given"),  # her given name, not `Dr.`
        ("Dr Bello", "Dr. Aisha Bello", "title"),
        ("Maria", "María José García", "accents"),
        ("Kev", "Kevin Doyle", "given"),  # the given name cut short
        ("Theo", "Theodore Ramirez", "given"),
        ("Kevin D", "Kevin Doyle", "given"),
        ("D. Okafor", "Daniel Okafor", "title"),
        ("dokafor", "Daniel Okafor", "handle"),
        ("kevin.doyle", "Kevin Doyle", "handle"),
    ],
)
def test_forms_worked_out_from_full_names(form: str, name: str, basis: str) -> None:
    found = ShortForms(NAMES_ONLY).resolve(form)
    assert found is not None and found.names == (name,) and found.basis == basis
    assert name in found.reason()


def test_forms_that_are_ordinary_words_name_nobody() -> None:
    forms = ShortForms(NAMES_ONLY)
    # 程刚's doubled given name is `just now`; 施展 with 工 is `construction`.
    assert forms.resolve("刚刚") is None
    assert forms.resolve("施工") is None
    # Two 王: the title fits both and picks neither.
    both = ShortForms((*NAMES_ONLY, Participant("王磊"))).resolve("王总")
    assert both is not None and both.ambiguous and both.names == ("王雪梅", "王磊")
    # Cuts that are words or dates of their own: `The` is not Theodore, `Jan` not Janet.
    assert forms.resolve("The") is None and forms.resolve("Jan") is None
    roster = Roster(NAMES_ONLY)
    assert roster.mentions("刚刚施工方案已经发了") == []
    assert roster.mentions("The Jan 5 invoice") == []
    assert roster.mentions("Van rental by Friday") == []  # a word, not Vanessa
    found = roster.mentions("@dokafor please ask Kev")
    assert [(m.surface, m.names) for m in found] == [
        ("@dokafor", ("Daniel Okafor",)),
        ("Kev", ("Kevin Doyle",)),
    ]
    # A handle in lower case is a person only after `@`.
    assert roster.mentions("run dokafor.sh") == []
    # `Will` is William's short form, but not where it is the word.
    assert [m.surface for m in roster.mentions("Will send it; Bob will check")] == ["Bob"]
    assert [m.names for m in roster.mentions("Will, can you check?")] == [("William Hart",)]


def test_names_found_in_the_text_answer_only_to_their_surname_forms() -> None:
    # 班家委 was read as a name in `三（2）班家委会`: `各位家委` must not name it.
    guessed = ShortForms((Participant("班家委", found_in_text=True),))
    assert guessed.resolve("家委") is None
    assert guessed.resolve("小班") is not None
    assert ShortForms((Participant("班家委"),)).resolve("家委") is not None


def test_a_full_names_list_gives_owners_their_everyday_names() -> None:
    roster = Roster(NAMES_ONLY)
    found = roster.mentions("雪梅你明天把报表发我，钱科周五前审；Liz and Dr Bello to review")
    assert [(m.surface, m.names[0]) for m in found] == [
        ("雪梅", "王雪梅"),
        ("钱科", "钱志远"),
        ("Liz", "Elizabeth Moore"),
        ("Dr Bello", "Dr. Aisha Bello"),
    ]


@pytest.mark.parametrize(
    ("form", "name"),
    [
        ("Wei Ling", "Tan Wei Ling"),  # the family name first: the given name is the rest
        ("WL", "Tan Wei Ling"),
        ("TW", "Tan Wei Ling"),
        ("Kok Seng", "Lim Kok Seng"),
        ("Lan", "Nguyen Thi Lan"),  # a Vietnamese name is called by its last word
        ("Duc", "Lê Văn Đức"),
        ("quan", "Trần Minh Quân"),
        ("Mr. Ho", "Ho Kin-man"),
        ("JF", "Jean-François Tremblay"),
        ("Maria Grazia", "Maria Grazia Butera"),
        ("ana.v", "Ana Vaipulu"),
        ("ioane_f", "Ioane Faleolo"),
        ("Lee H", "Lee Harris"),  # two words and no hyphen: given name first
    ],
)
def test_names_from_many_traditions(form: str, name: str) -> None:
    people = [
        Participant(n)
        for n in (
            "Tan Wei Ling",
            "Lim Kok Seng",
            "Nguyen Thi Lan",
            "Lê Văn Đức",
            "Trần Minh Quân",
            "Ho Kin-man",
            "Jean-François Tremblay",
            "Maria Grazia Butera",
            "Ana Vaipulu",
            "Ioane Faleolo",
            "Lee Harris",
        )
    ]
    found = ShortForms(people).resolve(form)
    assert found is not None and found.names == (name,), form
