"""AMI action-item dialogue acts: choose on train and dev, report test once.

Positive-class F1 of the detector family used by the extractor (logistic regression over the
same sentence features and cues), with local context (the neighbouring acts, the speaker's
role, the position in the meeting) and the extra feature groups of `AMI_EXTRA`. Published on
this split: BERT on the sentence alone 38.18; StructBERT with local context 43.12 (Liu et
al., ICASSP 2023).

How the model is chosen, without test: every candidate (feature groups × C) is scored by
5-fold cross-validation grouped by meeting over the train and dev meetings together (84
meetings, 328 positive acts; dev alone has 73, too few to rank close candidates), F1 at the
best threshold of the pooled out-of-fold scores. The best candidate is then trained on train
alone, as published, its threshold chosen on dev, and scored on test.

    python bench/nlp_ami.py --json                   # ~13 min on 2 cores
    python bench/nlp_ami.py --selection-only --json  # the same without reading test
    python bench/nlp_ami.py --encoder --json         # + a fine-tuned encoder, ~40 min more

With `--encoder` (bench/ami_encoder.py), a pretrained sentence encoder is fine-tuned on the
train meetings with one fixed recipe, and blended with the chosen model: the weight of the
encoder in {0, 0.25, 0.5, 0.75, 1} and the threshold are chosen on dev, then test is read
once for the chosen blend. `--skip-selection` uses `SELECTED`, the winner of the selection
run recorded in docs/benchmarks.md, instead of running the selection again.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.nlp.train import AMI_EXTRA, ami_examples, best_threshold, f1_at, fit

# Every combination tried while this benchmark was developed (2026-12-07), so the search
# below is the whole search: nothing was chosen by hand outside it.
CANDIDATE_GROUPS: tuple[tuple[str, ...], ...] = (
    (),
    ("pos20",),
    ("bigram",),
    ("wide",),
    ("rolew",),
    ("pos20", "bigram"),
    ("pos20", "rolew"),
    ("pos20", "bigram", "rolew"),
    ("pos20", "bigram", "rolew", "wide"),
    ("pos20", "bigram", "rolew", "latew"),
    ("pos20", "bigram", "rolew", "latebg"),
    ("pos20", "bigram", "rolew", "latew", "latebg"),
    ("pos20", "bigram", "rolew", "latew", "wide"),
)
C_GRID = (0.03, 0.1, 0.3)
# What the selection above chose (2026-12-07, `--selection-only`, CV F1 0.543).
SELECTED: dict[str, Any] = {"groups": ("pos20", "bigram", "rolew", "latew", "wide"), "c": 0.1}
ENCODER_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
FOLDS = 5
MIN_COUNT = 2

Examples = tuple[list[list[str]], list[int], list[str]]


def _cross_validated(groups: tuple[str, ...]) -> list[dict[str, Any]]:
    """Pooled out-of-fold F1 over the train and dev meetings, folds grouped by meeting, for
    each C of the grid."""
    rows, labels, meetings = _examples("train", groups)
    dev = _examples("dev", groups)
    rows, labels, meetings = rows + dev[0], labels + dev[1], meetings + dev[2]
    order = sorted(set(meetings))
    fold_of = {m: i % FOLDS for i, m in enumerate(order)}
    results = []
    for c in C_GRID:
        scores = [0.0] * len(rows)
        for fold in range(FOLDS):
            train_idx = [i for i, m in enumerate(meetings) if fold_of[m] != fold]
            detector = fit(
                [rows[i] for i in train_idx],
                [labels[i] for i in train_idx],
                c=c,
                min_count=MIN_COUNT,
            )
            for i, m in enumerate(meetings):
                if fold_of[m] == fold:
                    scores[i] = detector.score(rows[i])
        threshold, f1 = best_threshold(scores, labels)
        results.append(
            {"groups": list(groups), "c": c, "cv_f1": round(f1, 4), "cv_threshold": threshold}
        )
    return results


_CACHE: dict[tuple[str, tuple[str, ...]], Examples] = {}


def _examples(split: str, groups: tuple[str, ...], *, context: bool = True) -> Examples:
    key = (split if context else f"{split}:sentence", groups)
    if key not in _CACHE:
        _CACHE[key] = ami_examples(split, context=context, extra=groups)
    return _CACHE[key]


def select(workers: int, progress: bool) -> list[dict[str, Any]]:
    """Every candidate's cross-validated F1, best first (ties: fewer groups, smaller C)."""
    results: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done, per_c in enumerate(pool.map(_cross_validated, CANDIDATE_GROUPS), 1):
            results.extend(per_c)
            if progress:
                said = ", ".join(f"C={r['c']}: {r['cv_f1']:.4f}" for r in per_c)
                name = "+".join(per_c[0]["groups"]) or "context"
                print(
                    f"[{done}/{len(CANDIDATE_GROUPS)}] {name}: cv F1 {said}",
                    file=sys.stderr,
                    flush=True,
                )
    return sorted(results, key=lambda r: (-r["cv_f1"], len(r["groups"]), r["c"]))


def train_dev(groups: tuple[str, ...], c: float, *, context: bool = True) -> dict[str, Any]:
    """Trained on train, threshold on dev: the published protocol."""
    train = _examples("train", groups, context=context)
    dev = _examples("dev", groups, context=context)
    detector = fit(train[0], train[1], c=c, min_count=MIN_COUNT)
    threshold, dev_f1 = best_threshold([detector.score(r) for r in dev[0]], dev[1])
    return {"detector": detector, "threshold": threshold, "dev_f1": round(dev_f1, 4)}


def on_test(
    chosen: dict[str, Any], groups: tuple[str, ...], *, context: bool = True
) -> dict[str, Any]:
    test = _examples("test", groups, context=context)
    metrics = f1_at([chosen["detector"].score(r) for r in test[0]], test[1], chosen["threshold"])
    return {
        "test": {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()},
        "test_acts": len(test[1]),
        "test_positives": sum(test[1]),
    }


def sentence_only(grid: Sequence[float], read_test: bool) -> dict[str, Any]:
    """The act alone, C and threshold chosen on dev: the floor the context model must beat."""
    tried = [(c, train_dev((), c, context=False)) for c in grid]
    c, best = max(tried, key=lambda t: t[1]["dev_f1"])
    run: dict[str, Any] = {"c": c, "threshold": best["threshold"], "dev_f1": best["dev_f1"]}
    if read_test:
        run.update(on_test(best, (), context=False))
    return run


def best_cut(scores: Sequence[float], labels: Sequence[int]) -> tuple[float, float]:
    """The threshold (one of `scores`) with the best F1 over `labels`, and that F1."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    positives = sum(labels)
    best, cut, tp = 0.0, float("inf"), 0
    for rank, i in enumerate(order, 1):
        tp += labels[i]
        f1 = 2 * tp / (rank + positives) if positives else 0.0
        if f1 > best and (rank == len(order) or scores[order[rank]] < scores[i]):
            best, cut = f1, scores[i]
    return cut, best


def encoder_blend(
    chosen: dict[str, Any], groups: tuple[str, ...], *, threads: int, read_test: bool
) -> dict[str, Any]:
    """Fine-tune the encoder on train; weight and threshold of its blend with the chosen
    model from dev; test read once, for that blend only."""
    import numpy as np

    from bench import ami_encoder as enc

    started = time.perf_counter()
    encoder = enc.Encoder(threads)
    print("encoder: fine-tuning on the train meetings", file=sys.stderr, flush=True)
    encoder.fine_tune(enc.examples("train"), progress=True)
    splits = ("dev", "test") if read_test else ("dev",)
    sparse = {
        split: enc.log_odds(
            np.array([chosen["detector"].score(r) for r in _examples(split, groups)[0]])
        )
        for split in splits
    }
    tuned = {}
    for split in splits:
        acts = enc.examples(split)
        assert [a[2] for a in acts] == _examples(split, groups)[1], "act order differs"
        print(f"encoder: scoring {split} ({len(acts)} acts)", file=sys.stderr, flush=True)
        tuned[split] = encoder.logits(acts)
    dev_labels = _examples("dev", groups)[1]

    def blend(split: str, weight: float) -> list[float]:
        ours = enc.standardised(sparse[split], sparse["dev"])
        theirs = enc.standardised(tuned[split], tuned["dev"])
        return list(weight * theirs + (1 - weight) * ours)

    tried = []
    for weight in ENCODER_WEIGHTS:
        cut, f1 = best_cut(blend("dev", weight), dev_labels)
        tried.append({"encoder_weight": weight, "dev_f1": round(f1, 4), "threshold": float(cut)})
    pick = max(tried, key=lambda t: (t["dev_f1"], -abs(t["encoder_weight"] - 0.5)))
    run: dict[str, Any] = {
        "model": "all-MiniLM-L6-v2 fine-tuned on train (bench/ami_encoder.py)",
        "tried_on_dev": tried,
        "encoder_weight": pick["encoder_weight"],
        "dev_f1": pick["dev_f1"],
        "threshold": round(pick["threshold"], 6),
    }
    if read_test:
        metrics = f1_at(
            blend("test", pick["encoder_weight"]), _examples("test", groups)[1], pick["threshold"]
        )
        run["test"] = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}
    run["seconds"] = round(time.perf_counter() - started, 1)
    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--selection-only", action="store_true", help="choose the model; never read test"
    )
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--no-sentence-only", action="store_true", help="skip the no-context run")
    parser.add_argument(
        "--encoder",
        action="store_true",
        help="blend in a fine-tuned encoder (pip install -e '.[ami]')",
    )
    parser.add_argument(
        "--skip-selection", action="store_true", help="use SELECTED instead of selecting again"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    read_test = not args.selection_only
    try:
        if args.skip_selection:
            ranking = []
            best = {"groups": list(SELECTED["groups"]), "c": SELECTED["c"], "cv_f1": None}
        else:
            ranking = select(args.workers, progress=True)
            best = ranking[0]
        groups, c = tuple(best["groups"]), best["c"]
        chosen = train_dev(groups, c)
        run: dict[str, Any] = {
            "groups": list(groups),
            "groups_meaning": {g: AMI_EXTRA[g] for g in groups},
            "c": c,
            "cv_f1": best["cv_f1"],
            "threshold": chosen["threshold"],
            "dev_f1": chosen["dev_f1"],
            "features": len(chosen["detector"].weights),
        }
        if read_test:
            run.update(on_test(chosen, groups))
        baseline = None if args.no_sentence_only else sentence_only(C_GRID, read_test)
        blended = (
            encoder_blend(chosen, groups, threads=args.workers, read_test=read_test)
            if args.encoder
            else None
        )
    except OSError as error:
        print(f"error: cannot read AMI data: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # bench.ami_encoder.EncoderUnavailable
        print(f"error: --encoder: {error}", file=sys.stderr)
        return 2
    report = {
        "task": "AMI action-item dialogue acts, scenario-only split (train/dev/test)",
        "metric": "positive-class F1 on test",
        "selection": f"{FOLDS}-fold CV grouped by meeting over train+dev; then train on train, "
        "threshold on dev",
        "published": {"bert_sentence_only": 0.3818, "best_structbert_local_context": 0.4312},
        "chosen": run,
        "sentence_only": baseline,
        "encoder_blend": blended,
        "candidates": ranking,
        "test_read": read_test,
        "seconds": round(time.perf_counter() - started, 1),
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(
            f"chosen {'+'.join(groups) or 'context'} C={c} cv F1={best['cv_f1']} "
            f"thr={chosen['threshold']:.2f} dev F1={chosen['dev_f1']:.4f}"
        )
        if read_test:
            t = run["test"]
            print(f"test P={t['precision']:.4f} R={t['recall']:.4f} F1={t['f1']:.4f}")
        if blended is not None:
            print(
                f"encoder blend: weight {blended['encoder_weight']} dev F1={blended['dev_f1']:.4f}"
                + (f" test F1={blended['test']['f1']:.4f}" if read_test else "")
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
