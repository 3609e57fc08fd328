"""Evaluate the delay-risk model against a plain random-forest reference.

    python bench/risk_eval.py --train-dir DIR --test-dir DIR [--json]
    python bench/risk_eval.py --split-chronological 0.8 [--data-dir DIR] [--json]
    python bench/risk_eval.py --walk-forward 4 [--data-dir DIR] [--json]

Both folders hold ``<project>_<time>.csv`` files of the JIRA delayed-issue dataset. With
``--split-chronological F`` one folder is split per file: the earliest F of the issues by
opening date train, the rest test. ``--truncate G`` first keeps only the earliest G of
each file, for a second, earlier fold (e.g. ``--truncate 0.8 --split-chronological 0.75``
trains on 0-60% and tests on 60-80%). ``--walk-forward K`` judges the model as it would
be used: for each of K cutoffs evenly spaced from half the issues (by opening date) to the
end, everything opened before the cutoff trains and the next window tests; folds 1..K-1 are
for choosing models and settings, fold K (the latest window) is the one report. Training on
everything opened before a cutoff includes issues whose outcome came after it, as the
dataset's own 80/20 split does.

For each project and prediction time, with and without ``RemainingDay``, it reports AUC,
F1/precision/recall of "late", Brier score, expected calibration error and MAE of the
delay in days for our model and for the reference (300 trees, balanced class weights, raw
columns plus one-hot type and priority; a 300-tree forest regressor for the MAE).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.risk import jira
from services.risk.features import fit_vocabulary, jira_feature_matrix
from services.risk.model import (
    TrainingConfig,
    auc,
    expected_calibration_error,
    precision_recall_f1,
    train_risk_model,
)

FloatArray = npt.NDArray[np.float64]
METRICS = ("auc", "f1", "precision", "recall", "brier", "ece", "mae_days")


@dataclass(frozen=True)
class Scores:
    auc: float
    f1: float
    precision: float
    recall: float
    brier: float
    ece: float
    mae_days: float


@dataclass(frozen=True)
class Result:
    project: str
    prediction_time: str
    remaining_day: bool
    train_rows: int
    test_rows: int
    test_late_share: float
    model: Scores
    reference: Scores
    train_seconds: float
    reference_seconds: float
    delay_p80_coverage: float
    delay_p90_coverage: float
    # Walk-forward: which fold (1 = earliest); 0 for a single split.
    fold: int = 0


def _scores(
    p: FloatArray, late_pred: npt.NDArray[np.bool_], y: npt.NDArray[np.bool_], mae: float
) -> Scores:
    precision, recall, f1 = precision_recall_f1(late_pred, y)
    return Scores(
        auc=auc(p, y),
        f1=f1,
        precision=precision,
        recall=recall,
        brier=float(np.mean((p - y) ** 2)),
        ece=expected_calibration_error(p, y),
        mae_days=mae,
    )


def _reference_matrix(
    issues: jira.JiraIssues, types: Sequence[str], priorities: Sequence[str], *, remaining_day: bool
) -> FloatArray:
    numeric = [v for k, v in issues.numeric.items() if remaining_day or k != "RemainingDay"]
    onehot = [(issues.issue_type == t).astype(np.float64) for t in types]
    onehot += [(issues.priority == p).astype(np.float64) for p in priorities]
    return np.column_stack([*numeric, *onehot])


def _reference(
    train: jira.JiraIssues, test: jira.JiraIssues, *, remaining_day: bool
) -> tuple[Scores, float]:
    started = time.perf_counter()
    types = sorted(set(train.issue_type.tolist()))
    priorities = sorted(set(train.priority.tolist()))
    x_train = _reference_matrix(train, types, priorities, remaining_day=remaining_day)
    x_test = _reference_matrix(test, types, priorities, remaining_day=remaining_day)
    forest = RandomForestClassifier(
        n_estimators=300, class_weight="balanced", n_jobs=2, random_state=0
    ).fit(x_train, train.late)
    p = forest.predict_proba(x_test)[:, 1]
    regressor = RandomForestRegressor(n_estimators=300, n_jobs=2, random_state=0)
    delay = regressor.fit(x_train, train.delay_days).predict(x_test)
    mae = float(np.mean(np.abs(delay - test.delay_days)))
    return _scores(p, p >= 0.5, test.late, mae), time.perf_counter() - started


def evaluate(
    train: jira.JiraIssues, test: jira.JiraIssues, *, remaining_day: bool, config: TrainingConfig
) -> Result:
    started = time.perf_counter()
    vocabulary = fit_vocabulary(train)
    both = jira_feature_matrix(
        jira.concat([train, test]), vocabulary, with_remaining_day=remaining_day
    )
    model = train_risk_model(
        features=both.rows(slice(0, len(train))),
        delay_days=train.delay_days,
        opened_day=train.opened_day,
        name=f"{train.project}/{train.prediction_time}",
        config=config,
    )
    train_seconds = time.perf_counter() - started
    scores = model.score(both.rows(slice(len(train), None)))
    y = test.late
    quantiles = scores.delay_quantiles
    mae = float(np.mean(np.abs(quantiles[:, 0] - test.delay_days)))
    reference, reference_seconds = _reference(train, test, remaining_day=remaining_day)
    return Result(
        project=train.project,
        prediction_time=train.prediction_time,
        remaining_day=remaining_day,
        train_rows=len(train),
        test_rows=len(test),
        test_late_share=float(y.mean()),
        model=_scores(scores.p_late, scores.late, y, mae),
        reference=reference,
        train_seconds=train_seconds,
        reference_seconds=reference_seconds,
        delay_p80_coverage=float(np.mean(test.delay_days <= quantiles[:, 1])),
        delay_p90_coverage=float(np.mean(test.delay_days <= quantiles[:, 2])),
    )


def walk_forward(
    issues: jira.JiraIssues, *, folds: int, start: float = 0.5
) -> list[tuple[jira.JiraIssues, jira.JiraIssues]]:
    """(train, test) per fold: everything opened before the fold's cutoff trains, and the
    issues opened in the window up to the next cutoff test. Cutoffs are evenly spaced from
    `start` of the issues (by opening date) to the end, so the last fold tests the latest
    window."""
    if folds < 1 or not 0.0 < start < 1.0:
        raise jira.JiraDataError(f"need folds >= 1 and a start in (0, 1), not {folds}, {start}")
    bounds = [start + (1.0 - start) * i / folds for i in range(folds + 1)]
    pairs = []
    for low, high in itertools.pairwise(bounds):
        head = issues if high >= 1.0 else jira.split_chronological(issues, high)[0]
        train, test = jira.split_chronological(head, low / high)
        pairs.append((train, test))
    return pairs


def _pairs(args: argparse.Namespace) -> list[tuple[jira.JiraIssues, jira.JiraIssues]]:
    if args.split_chronological is not None:
        folder = args.data_dir or jira.data_dir()
        pairs = []
        for issues in jira.load_folder(folder).values():
            if args.truncate < 1.0:
                issues, _ = jira.split_chronological(issues, args.truncate)
            pairs.append(jira.split_chronological(issues, args.split_chronological))
        return pairs
    if args.train_dir is None or args.test_dir is None:
        raise jira.JiraDataError("give --train-dir and --test-dir, or --split-chronological")
    train = jira.load_folder(args.train_dir)
    test = jira.load_folder(args.test_dir)
    missing = sorted(set(test) - set(train))
    if missing:
        raise jira.JiraDataError(f"no training file for {missing}")
    return [(train[key], test[key]) for key in sorted(test)]


def _result(data: dict[str, object]) -> Result:
    fields = dict(data)
    for side in ("model", "reference"):
        fields[side] = Scores(**fields[side])  # type: ignore[arg-type]
    return Result(**fields)  # type: ignore[arg-type]


def _mean(results: Sequence[Result], side: str, metric: str) -> float:
    values = [getattr(getattr(r, side), metric) for r in results]
    return float(np.nanmean(values)) if values else float("nan")


def summary(results: Sequence[Result]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    groups = sorted({(r.prediction_time, r.remaining_day) for r in results})
    for prediction_time, remaining_day in groups:
        group = [
            r
            for r in results
            if (r.prediction_time, r.remaining_day) == (prediction_time, remaining_day)
        ]
        row: dict[str, object] = {
            "prediction_time": prediction_time,
            "remaining_day": remaining_day,
            "projects": len(group),
            "train_seconds": sum(r.train_seconds for r in group),
            "reference_seconds": sum(r.reference_seconds for r in group),
        }
        for metric in METRICS:
            row[metric] = _mean(group, "model", metric)
            row[f"reference_{metric}"] = _mean(group, "reference", metric)
        row["delay_p80_coverage"] = float(np.mean([r.delay_p80_coverage for r in group]))
        row["delay_p90_coverage"] = float(np.mean([r.delay_p90_coverage for r in group]))
        rows.append(row)
    return rows


def _print_table(results: Sequence[Result], means: Sequence[dict[str, object]]) -> None:
    header = (
        f"{'project':<10} {'time':<10} {'RD':<3} "
        + " ".join(f"{m:>13}" for m in METRICS)
        + f" {'train s':>8}"
    )
    print("model / reference")
    print(header)
    for r in results:
        cells = " ".join(
            f"{getattr(r.model, m):6.3f}/{getattr(r.reference, m):6.3f}"
            if m != "mae_days"
            else f"{r.model.mae_days:6.1f}/{r.reference.mae_days:6.1f}"
            for m in METRICS
        )
        rd = "yes" if r.remaining_day else "no"
        print(f"{r.project:<10} {r.prediction_time:<10} {rd:<3} {cells} {r.train_seconds:8.1f}")
    print()
    print("mean over projects")
    print(header)
    for row in means:
        cells = " ".join(
            f"{row[m]:6.3f}/{row['reference_' + m]:6.3f}"
            if m != "mae_days"
            else f"{row[m]:6.1f}/{row['reference_' + m]:6.1f}"
            for m in METRICS
        )
        rd = "yes" if row["remaining_day"] else "no"
        print(
            f"{'MEAN':<10} {row['prediction_time']!s:<10} {rd:<3} {cells} {row['train_seconds']:8.1f}"
        )


def _markdown(results: Sequence[Result], means: Sequence[dict[str, object]]) -> None:
    print("| time | RemainingDay | " + " | ".join(METRICS) + " | train s (wall) |")
    print("|---|---|" + "---|" * (len(METRICS) + 1))
    for row in means:
        cells = " | ".join(f"{row[m]:.3f} / {row['reference_' + m]:.3f}" for m in METRICS)
        rd = "with" if row["remaining_day"] else "without"
        print(f"| {row['prediction_time']} | {rd} | {cells} | {row['train_seconds']:.0f} |")
    print()
    print("| project | time | RemainingDay | AUC | F1 | ECE | MAE days |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        rd = "with" if r.remaining_day else "without"
        print(
            f"| {r.project} | {r.prediction_time} | {rd} "
            f"| {r.model.auc:.3f} / {r.reference.auc:.3f} | {r.model.f1:.3f} / {r.reference.f1:.3f} "
            f"| {r.model.ece:.3f} / {r.reference.ece:.3f} "
            f"| {r.model.mae_days:.1f} / {r.reference.mae_days:.1f} |"
        )


def _config(overrides: Sequence[str]) -> TrainingConfig:
    values: dict[str, object] = {}
    defaults = asdict(TrainingConfig())
    for item in overrides:
        name, _, text = item.partition("=")
        if name not in defaults:
            raise ValueError(f"--set {item}: no TrainingConfig field {name!r}")
        kind = type(defaults[name])
        values[name] = text.lower() in ("1", "true", "yes") if kind is bool else kind(text)
    return TrainingConfig(**values)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train-dir", type=Path)
    parser.add_argument("--test-dir", type=Path)
    parser.add_argument("--data-dir", type=Path, help="folder for --split-chronological")
    parser.add_argument("--split-chronological", type=float, metavar="FRACTION")
    parser.add_argument("--truncate", type=float, default=1.0, metavar="FRACTION")
    parser.add_argument(
        "--walk-forward",
        type=int,
        metavar="FOLDS",
        help="train on all before each of FOLDS cutoffs (from half the data on), test the next "
        "window; the earlier folds are for choosing models, the last is the report",
    )
    parser.add_argument("--times", default="creation,due,discussion")
    parser.add_argument("--projects", default="", help="comma-separated; default all")
    parser.add_argument("--remaining-day", choices=("both", "with", "without"), default="both")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--from-json", type=Path, nargs="*", help="re-print saved --json runs")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override a TrainingConfig field (for model selection on an inner split)",
    )
    args = parser.parse_args(argv)
    if args.from_json:
        saved = [json.loads(path.read_text()) for path in args.from_json]
        results = [_result(r) for run in saved for r in run["results"]]
        (_markdown if args.markdown else _print_table)(results, summary(results))
        return 0
    try:
        if args.walk_forward is not None:
            folder = args.data_dir or jira.data_dir()
            pairs, fold_of = [], []
            for issues in jira.load_folder(folder).values():
                for k, pair in enumerate(walk_forward(issues, folds=args.walk_forward), 1):
                    pairs.append(pair)
                    fold_of.append(k)
        else:
            pairs = _pairs(args)
            fold_of = [0] * len(pairs)
    except (jira.JiraDataError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    times = set(args.times.split(","))
    projects = set(filter(None, args.projects.split(",")))
    variants = {"both": (True, False), "with": (True,), "without": (False,)}[args.remaining_day]
    try:
        config = _config(args.set)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    results = []
    todo = [
        (train, test, rd, fold)
        for (train, test), fold in zip(pairs, fold_of, strict=True)
        if train.prediction_time in times and (not projects or train.project in projects)
        for rd in variants
    ]
    for i, (train, test, rd, fold) in enumerate(todo, 1):
        result = replace(evaluate(train, test, remaining_day=rd, config=config), fold=fold)
        results.append(result)
        print(
            f"[{i}/{len(todo)}] {train.project}/{train.prediction_time} fold {fold} "
            f"RemainingDay={rd}: "
            f"AUC {result.model.auc:.3f} (reference {result.reference.auc:.3f})",
            file=sys.stderr,
            flush=True,
        )
    if args.walk_forward is not None:
        return _report_walk_forward(
            results, folds=args.walk_forward, config=config, as_json=args.json
        )
    means = summary(results)
    if args.json:
        print(
            json.dumps(
                {"config": asdict(config), "results": [asdict(r) for r in results], "mean": means},
                indent=2,
            )
        )
    else:
        _print_table(results, means)
    return 0


def _report_walk_forward(
    results: Sequence[Result], *, folds: int, config: TrainingConfig, as_json: bool
) -> int:
    """Means per fold: the earlier folds labelled for selection, the last for the report."""
    by_fold = []
    for k in range(1, folds + 1):
        mine = [r for r in results if r.fold == k]
        role = "report" if k == folds else "selection"
        by_fold.append({"fold": k, "role": role, "mean": summary(mine)})
    if as_json:
        print(
            json.dumps(
                {
                    "config": asdict(config),
                    "walk_forward": by_fold,
                    "results": [asdict(r) for r in results],
                },
                indent=2,
            )
        )
        return 0
    for entry in by_fold:
        print(f"fold {entry['fold']} ({entry['role']})")
        mine = [r for r in results if r.fold == entry["fold"]]
        _print_table(mine, summary(mine))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
