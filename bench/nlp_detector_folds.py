"""Choose the notes detector's training data and settings on earlier folds only.

    python bench/nlp_detector_folds.py [--json] [--first-fold 28] [--last-batch N] [--no-ami]
        [--setting JSON ...] [--no-rules-only]

The blind batches (tests/data/blind/{en,zh}/batch-NN.json, written by people who never saw
the extractor) are folds in the order they were written. For each fold k from
`--first-fold` on, a detector is trained on the authors' notes (notes_gold.json), every
blind batch before k at `blind_weight` and, at `ami_weight`, AMI's training meetings,
keeping features seen `min_count` times; the whole extractor (rules and that detector) is
then scored on batch k in both languages, as `nlp_eval.py` scores it. The rules alone are
scored beside them in the same run. A setting is chosen by its mean item F1 over the folds,
never by a set-aside batch.

The rules were written reading every batch up to the last, so every fold's absolute F1
flatters the extractor; the comparison between detectors on the same folds is what this
measures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "gen")]

from bench.nlp_eval import evaluate  # noqa: E402
from services.nlp.detector import DEFAULT_MODEL_PATH, Detector  # noqa: E402
from services.nlp.notes import Extractor  # noqa: E402
from services.nlp.train import (  # noqa: E402
    GOLD,
    ami_examples,
    best_threshold,
    fit,
    grouped_scores,
    notes_examples,
)

BLIND = REPO / "tests" / "data" / "blind"


def blind_batches(last: int) -> dict[int, list[dict[str, Any]]]:
    """Blind notes by batch number, both languages, batches 1..last."""
    batches: dict[int, list[dict[str, Any]]] = {}
    for number in range(1, last + 1):
        notes: list[dict[str, Any]] = []
        for lang in ("en", "zh"):
            path = BLIND / lang / f"batch-{number:02d}.json"
            if path.exists():
                notes.extend(json.loads(path.read_text("utf-8")))
        if notes:
            batches[number] = notes
    return batches


def _f1(report: dict[str, Any], lang: str) -> float:
    row = report["per_language"].get(lang)
    return float(row["f1"]) if row else float("nan")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-fold", type=int, default=28)
    parser.add_argument(
        "--last-batch", type=int, default=0, help="the last batch read (0: every batch on disk)"
    )
    parser.add_argument("--no-ami", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--setting",
        action="append",
        help='score this setting, as JSON (e.g. \'{"c": 0.3, "blind_weight": 1, "ami_weight": 0}\'); '
        "repeat for several",
    )
    parser.add_argument(
        "--no-rules-only", action="store_true", help="skip the rules-only reference"
    )
    parser.add_argument(
        "--shipped",
        action="store_true",
        help="score the shipped detector (services/nlp/detector.json) beside the settings; "
        "only folds after the batches it was trained on are fair to it",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rules = Extractor.load(model_path=None)
    gold = json.loads(GOLD.read_text("utf-8"))
    last = args.last_batch or max(
        int(path.stem.removeprefix("batch-")) for path in BLIND.glob("*/batch-*.json")
    )
    batches = blind_batches(last)
    gold_rows, gold_labels, gold_groups = notes_examples(gold, rules)
    per_batch = {k: notes_examples(v, rules) for k, v in batches.items()}
    ami_rows: list[list[str]] = []
    ami_labels: list[int] = []
    if not args.no_ami:
        rows, labels, _ = ami_examples("train", context=False)
        keep = [i for i, y in enumerate(labels) if y or i % 10 == 0]
        ami_rows = [rows[i] for i in keep]
        ami_labels = [labels[i] for i in keep]
    print(f"features ready in {time.perf_counter() - started:.0f}s", file=sys.stderr)

    settings = [
        {"c": c, "blind_weight": bw, "ami_weight": aw}
        for c in (0.1, 0.3, 1.0)
        for bw in (0.0, 1.0, 2.0)
        for aw in ((0.0,) if args.no_ami else (0.0, 0.1))
    ]
    if args.setting:
        settings = [json.loads(text) for text in args.setting]
    folds = [k for k in sorted(batches) if k >= args.first_fold]
    results: list[dict[str, Any]] = []

    def score(extractor: Extractor, fold: int) -> dict[str, float]:
        report = evaluate(batches[fold], extractor)
        row: dict[str, float] = {"en": _f1(report, "en"), "zh": _f1(report, "zh")}
        for lang, summary in report["per_language"].items():
            row[f"{lang}_owner"] = summary["owner_accuracy"]
            row[f"{lang}_due"] = summary["due_accuracy"]
            row[f"{lang}_matched"] = summary["matched"]
        return row

    # The settings with blind_weight 0 are the old recipe (the authors' notes and AMI).
    references = {} if args.no_rules_only else {"rules only": rules}
    if args.shipped:
        shipped = Detector.load(DEFAULT_MODEL_PATH)
        trained = str(shipped.info.get("trained_on", {}).get("blind_batches", "none"))
        through = int(trained.rsplit("-", 1)[-1]) if trained[-2:].isdigit() else 0
        if folds and folds[0] <= through:
            parser.error(
                f"the shipped detector was trained on blind batches {trained}: "
                f"--first-fold must be above {through}"
            )
        references[f"shipped ({trained})"] = Extractor(
            detector=shipped, english=rules.english, chinese=rules.chinese
        )
    for name, extractor in references.items():
        results.append({"setting": name, "folds": {k: score(extractor, k) for k in folds}})
    for setting in settings:
        by_fold: dict[int, dict[str, float]] = {}
        for k in folds:
            train_rows = list(gold_rows)
            train_labels = list(gold_labels)
            groups = list(gold_groups)
            weights = [1.0] * len(gold_rows)
            for j in range(1, k):
                if j in per_batch and setting["blind_weight"] > 0:
                    r, y, g = per_batch[j]
                    train_rows += r
                    train_labels += y
                    groups += g
                    weights += [setting["blind_weight"]] * len(r)
            # Threshold from grouped out-of-fold scores of the training notes only.
            oof = grouped_scores(
                train_rows,
                train_labels,
                groups,
                ami_rows,
                ami_labels,
                c=setting["c"],
                weights=weights,
                extra_weight=setting["ami_weight"],
                min_count=int(setting.get("min_count", 1)),
            )
            threshold, _ = best_threshold(oof, train_labels)
            model = fit(
                train_rows + (ami_rows if setting["ami_weight"] else []),
                train_labels + (ami_labels if setting["ami_weight"] else []),
                c=setting["c"],
                weights=weights
                + ([setting["ami_weight"]] * len(ami_rows) if setting["ami_weight"] else []),
                min_count=int(setting.get("min_count", 1)),
            )
            detector = Detector(weights=model.weights, bias=model.bias, threshold=threshold)
            extractor = Extractor(detector=detector, english=rules.english, chinese=rules.chinese)
            by_fold[k] = {**score(extractor, k), "threshold": threshold}
        results.append({"setting": setting, "folds": by_fold})
        print(f"{setting} done at {time.perf_counter() - started:.0f}s", file=sys.stderr)
    for result in results:
        f = result["folds"]
        result["mean_en"] = round(sum(f[k]["en"] for k in folds) / len(folds), 4)
        result["mean_zh"] = round(sum(f[k]["zh"] for k in folds) / len(folds), 4)
        result["mean"] = round((result["mean_en"] + result["mean_zh"]) / 2, 4)
        for lang in ("en", "zh"):
            matched = sum(f[k].get(f"{lang}_matched", 0) for k in folds)
            for what in ("owner", "due"):
                right = sum(
                    f[k].get(f"{lang}_{what}", 0) * f[k].get(f"{lang}_matched", 0) for k in folds
                )
                result[f"{what}_{lang}"] = round(right / matched, 4) if matched else None
    report = {
        "folds": folds,
        "results": results,
        "best": max(
            (r for r in results if isinstance(r["setting"], dict)), key=lambda r: r["mean"]
        )["setting"],
        "seconds": round(time.perf_counter() - started, 1),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for result in results:
            cells = " ".join(
                f"{k}:{result['folds'][k]['en']:.3f}/{result['folds'][k]['zh']:.3f}" for k in folds
            )
            print(
                f"{json.dumps(result['setting']):60} en {result['mean_en']:.3f} "
                f"zh {result['mean_zh']:.3f} mean {result['mean']:.3f} owner "
                f"{result['owner_en']}/{result['owner_zh']} due {result['due_en']}/{result['due_zh']}"
                f"  {cells}"
            )
        print(f"best on the folds: {report['best']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
