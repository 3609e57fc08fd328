"""AMI action-item dialogue acts: train on train, choose on dev, report test.

Positive-class F1 of the detector family used by the extractor (logistic regression over the
same sentence features and cues), with and without local context (the neighbouring acts,
the speaker's role, the position in the meeting). Published on this split: BERT on the
sentence alone 38.18; StructBERT with local context 43.12 (Liu et al., ICASSP 2023).

    python bench/nlp_ami.py --json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.nlp.train import ami_examples, best_threshold, f1_at, fit


def run(*, context: bool, grid: Sequence[float]) -> dict[str, Any]:
    started = time.perf_counter()
    train = ami_examples("train", context=context)
    dev = ami_examples("dev", context=context)
    test = ami_examples("test", context=context)
    best: tuple[float, float, float] | None = None
    tried = []
    for c in grid:
        detector = fit(train[0], train[1], c=c, min_count=2)
        scores = [detector.score(row) for row in dev[0]]
        threshold, f1 = best_threshold(scores, dev[1])
        tried.append({"c": c, "dev_threshold": threshold, "dev_f1": round(f1, 4)})
        if best is None or f1 > best[0]:
            best = (f1, c, threshold)
    assert best is not None
    dev_f1, c, threshold = best
    detector = fit(train[0], train[1], c=c, min_count=2)
    scores = [detector.score(row) for row in test[0]]
    test_metrics = f1_at(scores, test[1], threshold)
    return {
        "context": context,
        "chosen_c": c,
        "threshold": threshold,
        "dev_f1": round(dev_f1, 4),
        "test": {k: round(v, 4) if isinstance(v, float) else v for k, v in test_metrics.items()},
        "train_acts": len(train[1]),
        "train_positives": sum(train[1]),
        "test_acts": len(test[1]),
        "test_positives": sum(test[1]),
        "features": len(detector.weights),
        "tried": tried,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-sentence-only", action="store_true", help="skip the no-context run")
    args = parser.parse_args(argv)
    grid = (0.03, 0.1, 0.3, 1.0)
    try:
        runs = [run(context=True, grid=grid)]
        if not args.no_sentence_only:
            runs.append(run(context=False, grid=grid))
    except OSError as error:
        print(f"error: cannot read AMI data: {error}", file=sys.stderr)
        return 2
    report = {
        "task": "AMI action-item dialogue acts, scenario-only split (train/dev/test)",
        "metric": "positive-class F1 on test; C and threshold chosen on dev",
        "published": {"bert_sentence_only": 0.3818, "best_structbert_local_context": 0.4312},
        "runs": runs,
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for r in runs:
            t = r["test"]
            print(
                f"context={r['context']!s:5} C={r['chosen_c']} thr={r['threshold']:.2f} "
                f"dev F1={r['dev_f1']:.4f} test P={t['precision']:.4f} R={t['recall']:.4f} "
                f"F1={t['f1']:.4f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
