"""Notes in traditional Chinese (Taiwan, Hong Kong teams) read as simplified, one character for
one, so every offset into the text holds; what the caller gets back is in the notes' own
characters.

The rules and the detector were written on simplified notes: `週五前`, `待辦事項`, `負責人未定`
meet none of them. The character table is OpenCC's `TSCharacters.txt` (Apache-2.0), shipped in
the `opencc-python-reimplemented` wheel; only its one-to-one rows are used, with the first
simplified form of each, so a converted text is as long as the original.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from services.nlp.explain import Explanation
from services.nlp.owners import Participant

if TYPE_CHECKING:
    from services.nlp.notes import Extraction, NotesRequest

# At least this many traditional-only characters, and this share of the CJK ones: a simplified
# note with a stray `著` or `於` is read as it is.
MIN_TRADITIONAL = 4
MIN_SHARE = 0.03


@cache
def _table() -> dict[int, str]:
    data = resources.files("opencc").joinpath("dictionary/TSCharacters.txt")
    table: dict[int, str] = {}
    for line in data.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        forms = simplified.split()
        if len(traditional) == 1 and forms and len(forms[0]) == 1 and forms[0] != traditional:
            table[ord(traditional)] = forms[0]
    return table


# Cantonese words as Mandarin of the same length, so every offset still holds (`邊個跟？` reads
# as `谁来跟？`, `聽日交俾我` as `明天交给我`). Read before the characters are simplified; only
# the analysis sees them: descriptions keep the notes' characters where they can.
_CANTONESE = (
    ("邊個", "谁来"), ("边个", "谁来"), ("聽日", "明天"), ("琴日", "昨天"), ("今日", "今天"),
    ("仲有", "还有"), ("搞掂", "搞定"), ("嘅", "的"), ("咗", "了"), ("唔", "不"), ("佢", "他"),
    ("喺", "在"), ("俾", "给"), ("畀", "给"), ("冇", "没"), ("啲", "些"), ("揾", "找"),
    ("搵", "找"), ("睇", "看"), ("咁", "那"), ("嚟", "来"),
)  # fmt: skip


def cantonese_as_mandarin(text: str) -> str:
    """`text` with common Cantonese words replaced by Mandarin ones of the same length."""
    for cantonese, mandarin in _CANTONESE:
        text = text.replace(cantonese, mandarin)
    return text


def to_simplified(text: str) -> str:
    """`text` with each traditional character replaced by its simplified form."""
    return text.translate(_table())


def is_traditional(text: str) -> bool:
    table = _table()
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    traditional = sum(1 for ch in text if ord(ch) in table)
    return traditional >= MIN_TRADITIONAL and traditional >= MIN_SHARE * max(cjk, 1)


@dataclass(frozen=True)
class Reading:
    """A request in simplified characters, and how to give the answer back in the original's."""

    original: NotesRequest
    simplified: NotesRequest
    back: dict[int, str]  # a simplified character -> the traditional one the notes wrote
    names: dict[str, str]  # a participant's name as read -> as given
    tasks: dict[str, str]  # an open task's title as read -> as given

    def restore(self, text: str) -> str:
        return text.translate(self.back)

    def answer(self, found: Extraction) -> Extraction:
        """`found` (extracted from the simplified text) in the notes' own characters."""
        text = self.original.text

        def name(value: str | None) -> str | None:
            return None if value is None else self.names.get(value, self.restore(value))

        items = tuple(
            replace(
                item,
                description=self.restore(item.description),
                owner=name(item.owner),
                owner_candidates=tuple(name(c) or c for c in item.owner_candidates),
                due_text=None if item.due_text is None else self.restore(item.due_text),
                hints=tuple(self.restore(h) for h in item.hints),
                source=text[item.span[0] : item.span[1]],
                explanation=Explanation(
                    item=tuple(self.restore(r) for r in item.explanation.item),
                    owner=self.restore(item.explanation.owner),
                ),
            )
            for item in found.items
        )
        return replace(
            found,
            items=items,
            status_updates=tuple(
                replace(
                    s,
                    text=text[s.span[0] : s.span[1]],
                    task=None if s.task is None else self.tasks.get(s.task, s.task),
                )
                for s in found.status_updates
            ),
            duplicate_tasks=tuple(
                replace(
                    d,
                    first=self.tasks.get(d.first, d.first),
                    second=self.tasks.get(d.second, d.second),
                )
                for d in found.duplicate_tasks
            ),
            decisions=tuple(replace(s, text=text[s.span[0] : s.span[1]]) for s in found.decisions),
            questions=tuple(replace(s, text=text[s.span[0] : s.span[1]]) for s in found.questions),
        )


def read_traditional(request: NotesRequest) -> Reading | None:
    """The request read in simplified characters, or None when its notes are not written in
    traditional ones."""
    if not is_traditional(request.text):
        return None
    people = tuple(
        Participant(to_simplified(p.name), tuple(to_simplified(a) for a in p.aliases))
        for p in request.participants
    )
    simplified = replace(
        request,
        text=to_simplified(cantonese_as_mandarin(request.text)),
        participants=people,
        open_tasks=tuple(to_simplified(t) for t in request.open_tasks),
    )
    back: dict[int, str] = {}
    # Character for character only: the Cantonese words read as Mandarin are not the notes'.
    pairs = [(to_simplified(request.text), request.text)]
    pairs += [(s.name, o.name) for s, o in zip(people, request.participants, strict=True)]
    for converted, written in pairs:
        for new, old in zip(converted, written, strict=True):
            if new != old:
                back.setdefault(ord(new), old)
    names = {s.name: o.name for s, o in zip(people, request.participants, strict=True)}
    tasks = dict(zip(simplified.open_tasks, request.open_tasks, strict=True))
    return Reading(request, simplified, back, names, tasks)
