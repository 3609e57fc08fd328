"""Evaluate the delay-risk model against a plain random-forest reference.

    python bench/risk_eval.py --train-dir DIR --test-dir DIR [--json]
    python bench/risk_eval.py --split-chronological 0.8 [--data-dir DIR] [--json]

Both folders hold ``<project>_<time>.csv`` files of the JIRA delayed-issue dataset. With
``--split-chronological F`` one folder is split per file: the earliest F of the issues by
opening date train, the rest test. ``--truncate G`` first keeps only the earliest G of
each file, for a second, earlier fold (e.g. ``--truncate 0.8 --split-chronological 0.75``
trains on 0-60% and tests on 60-80%).

    python bench/risk_eval.py --walk-forward [--folds K] [--select-on N] [--data-dir DIR]

``--walk-forward`` orders each file by opening date and puts K cutoffs at 50..90 % of its
time span (K=5: 50/60/70/80/90 %); fold i trains on the issues opened before cutoff i
whose due date (opened + ProgressTime + RemainingDay) had passed by then, so a label is
used only once its late/on-time outcome was knowable, and scores the issues opened in
the window up to the next cutoff (the last window ends with the data). The first
``--select-on`` folds (default K-1) are "selection" folds, the last is the "report" fold:
model choices may look only at the former. Each project is trained on its own file; the
other projects' files of the same prediction time join as a pool for the model's pooled
part (``services.risk.model.PoolProject``): their issues opened and due before the
project's cutoff (calendar days), with features computed on their issues opened before it.
With ``--train-dir/--test-dir`` the cutoff is the project's first test opening day and the
pool comes from the other training files. ``--set pooled=false`` trains without the pool.

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
    PoolProject,
    TrainingConfig,
    auc,
    calibration_error_of,
    calibration_noise_floor,
    expected_calibration_error,
    precision_recall_f1,
    reliability_bins,
    train_risk_model,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
METRICS = ("auc", "f1", "precision", "recall", "brier", "ece", "ece_floor", "mae_days")


@dataclass(frozen=True)
class Scores:
    auc: float
    f1: float
    precision: float
    recall: float
    brier: float
    ece: float
    mae_days: float
    # (mean predicted, observed late share, issues) per tenth of the probability scale.
    reliability: tuple[tuple[float, float, int], ...] = ()
    # The ECE a perfectly calibrated forecaster with these probabilities would show on this
    # window (`calibration_noise_floor`): how much of `ece` is the window's sampling noise.
    ece_floor: float = float("nan")


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
    fold: int = -1
    phase: str = ""


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
        reliability=reliability_bins(p, y),
        ece_floor=calibration_noise_floor(p),
    )


def _reference_matrix(
    issues: jira.JiraIssues, types: Sequence[str], priorities: Sequence[str], *, remaining_day: bool
) -> FloatArray:
    numeric = [v for k, v in issues.numeric.items() if remaining_day or k != "RemainingDay"]
    onehot = [(issues.issue_type == t).astype(np.float64) for t in types]
    onehot += [(issues.priority == p).astype(np.float64) for p in priorities]
    return np.column_stack([*numeric, *onehot])


def _reference(
    train: jira.JiraIssues, test: jira.JiraIssues, *, remaining_day: bool, trees: int = 300
) -> tuple[Scores, float]:
    started = time.perf_counter()
    types = sorted(set(train.issue_type.tolist()))
    priorities = sorted(set(train.priority.tolist()))
    x_train = _reference_matrix(train, types, priorities, remaining_day=remaining_day)
    x_test = _reference_matrix(test, types, priorities, remaining_day=remaining_day)
    forest = RandomForestClassifier(
        n_estimators=trees, class_weight="balanced", n_jobs=1, random_state=0
    ).fit(x_train, train.late)
    p = forest.predict_proba(x_test)[:, 1]
    regressor = RandomForestRegressor(n_estimators=trees, n_jobs=1, random_state=0)
    delay = regressor.fit(x_train, train.delay_days).predict(x_test)
    mae = float(np.mean(np.abs(delay - test.delay_days)))
    return _scores(p, p >= 0.5, test.late, mae), time.perf_counter() - started


def evaluate(
    train: jira.JiraIssues,
    test: jira.JiraIssues,
    *,
    remaining_day: bool,
    config: TrainingConfig,
    reference_trees: int = 300,
    order_by: str = "opened",
    online: int = 0,
    pool: Sequence[PoolProject] = (),
) -> Result:
    started = time.perf_counter()
    vocabulary = fit_vocabulary(train)
    both = jira_feature_matrix(
        jira.concat([train, test]), vocabulary, with_remaining_day=remaining_day
    )
    model = train_risk_model(
        features=both.rows(slice(0, len(train))),
        delay_days=train.delay_days,
        # The model's calibration slice is the latest part of the window in this order: by
        # opening, or by due date (when the outcome was known at the latest).
        opened_day=(
            train.opened_day if order_by == "opened" else np.round(_due_day(train)).astype(np.int64)
        ),
        name=f"{train.project}/{train.prediction_time}",
        config=config,
        pool=pool,
    )
    train_seconds = time.perf_counter() - started
    scores = model.score(both.rows(slice(len(train), None)))
    y = test.late
    if online:
        p_online = online_recalibrated(scores.p_late, test, recent=online)
        scores = replace(scores, p_late=p_online, late=p_online >= model.version.threshold)
    quantiles = scores.delay_quantiles
    mae = float(np.mean(np.abs(quantiles[:, 0] - test.delay_days)))
    reference, reference_seconds = _reference(
        train, test, remaining_day=remaining_day, trees=reference_trees
    )
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


# Online recalibration (tried on the walk-forward, not kept in the service): a project's late share drifts (in the JIRA data the share late in one
# window is often half or twice the last one's), and no calibration fitted on older work
# follows it. The outcomes of the project's most recently finished tasks, against what the
# model said of them, give a shift of the log-odds; the prior keeps a few outcomes from
# moving it far.
RECALIBRATION_PRIOR_SD = 0.5


def logit_offset(p: FloatArray, y: BoolArray, *, prior_sd: float = RECALIBRATION_PRIOR_SD) -> float:
    """The shift b of the log-odds that makes sigmoid(logit(p) + b) fit outcomes `y` best
    (maximum a posteriori, b ~ Normal(0, prior_sd)); 0 with no outcomes."""
    if p.size == 0:
        return 0.0
    z = np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1 - 1e-6))
    target = y.astype(np.float64)
    b = 0.0
    for _ in range(25):  # Newton steps on a concave one-dimensional objective
        q = 1.0 / (1.0 + np.exp(-(z + b)))
        gradient = float(np.sum(target - q)) - b / prior_sd**2
        curvature = float(np.sum(q * (1 - q))) + 1.0 / prior_sd**2
        step = gradient / curvature
        b += step
        if abs(step) < 1e-6:
            break
    return b


def shifted(p: FloatArray, b: float) -> FloatArray:
    """Probabilities with their log-odds shifted by `b`."""
    if b == 0.0:
        return p
    z = np.log(np.clip(p, 1e-9, 1 - 1e-9) / np.clip(1 - p, 1e-9, 1 - 1e-9))
    return np.asarray(1.0 / (1.0 + np.exp(-(z + b))), dtype=np.float64)


def online_recalibrated(p: FloatArray, test: jira.JiraIssues, *, recent: int) -> FloatArray:
    """Each tested issue's probability shifted by the log-odds offset that the `recent`
    latest outcomes known when it was opened call for: issues of the same window whose
    outcome was known by then (due, or finished late), against what the model said of them.
    The model is not retrained; this is what the service can do as tasks finish."""
    known_day = _due_day(test) + np.maximum(test.delay_days, 0.0)
    order = np.argsort(known_day, kind="stable")
    known_sorted = known_day[order]
    out = p.copy()
    offsets: dict[int, float] = {}
    for i, opened in enumerate(test.opened_day):
        count = int(np.searchsorted(known_sorted, opened, side="left"))
        if count not in offsets:
            chosen = order[max(0, count - recent) : count]
            offsets[count] = logit_offset(p[chosen], test.late[chosen])
        out[i] = shifted(p[i : i + 1], offsets[count])[0]
    return out


def _due_day(issues: jira.JiraIssues) -> FloatArray:
    """When each issue was due: opened + ProgressTime + RemainingDay (days)."""
    return np.asarray(
        issues.opened_day + issues.column("ProgressTime") + issues.column("RemainingDay"),
        dtype=np.float64,
    )


def pool_for(
    project: str,
    prediction_time: str,
    files: dict[tuple[str, str], jira.JiraIssues],
    *,
    cutoff: float,
    remaining_day: bool,
) -> list[PoolProject]:
    """The other projects' issues of this prediction time opened and due before ``cutoff``,
    with features (and category codes) computed from their issues opened before it."""
    pool = []
    for (other, t), issues in sorted(files.items()):
        if t != prediction_time or other == project:
            continue
        known = issues.take(np.flatnonzero(issues.opened_day < cutoff))
        if len(known) == 0:
            continue
        features = jira_feature_matrix(
            known, fit_vocabulary(known), with_remaining_day=remaining_day
        )
        due = _due_day(known)
        rows = np.flatnonzero(due < cutoff)
        pool.append(
            PoolProject(
                name=other,
                features=features.rows(rows),
                late=known.late[rows],
                opened_day=known.opened_day[rows],
                known_day=due[rows],
            )
        )
    return pool


def walk_forward_cutoffs(issues: jira.JiraIssues, *, folds: int) -> list[float]:
    """``folds`` cutoffs over 50..90 % of the file's time span, and the window's end."""
    if folds < 1:
        raise jira.JiraDataError(f"--folds must be at least 1, got {folds}")
    opened = issues.opened_day.astype(np.float64)
    first, last = float(opened.min()), float(opened.max())
    fractions = np.linspace(0.5, 0.9, folds) if folds > 1 else np.array([0.9])
    return [first + f * (last - first) for f in fractions] + [last + 1.0]


def walk_forward_folds(
    issues: jira.JiraIssues, *, folds: int
) -> list[tuple[jira.JiraIssues, jira.JiraIssues]]:
    """Train/test pairs at ``folds`` cutoffs spread over 50..90 % of the file's time span.

    A training issue must be due before the cutoff: an issue still open at the cutoff
    has no known outcome yet, and using its later label would leak the future.
    """
    opened = issues.opened_day.astype(np.float64)
    due = _due_day(issues)
    cutoffs = walk_forward_cutoffs(issues, folds=folds)
    pairs = []
    for start, end in itertools.pairwise(cutoffs):
        train = np.flatnonzero((opened < start) & (due < start))
        test = np.flatnonzero((opened >= start) & (opened < end))
        pairs.append((issues.take(train), issues.take(test)))
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


def pooled_reliability(results: Sequence[Result], which: str) -> list[tuple[float, float, int]]:
    """The reliability diagram of many results at once: their bins summed per tenth."""
    sums = np.zeros((10, 3))
    for r in results:
        for predicted, observed, n in getattr(r, which).reliability:
            b = min(int(predicted * 10), 9)
            sums[b] += (predicted * n, observed * n, n)
    return [(p / n, o / n, int(n)) for p, o, n in sums if n > 0]


def write_reliability_png(results: Sequence[Result], path: Path, *, title: str) -> None:
    """One panel per prediction time and RemainingDay variant: ours and the reference,
    pooled over the projects, against the diagonal of perfect calibration."""
    try:
        import matplotlib  # type: ignore[import-not-found, unused-ignore]

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise SystemExit(
            "error: --reliability-png needs matplotlib (pip install -e '.[bench]')"
        ) from None
    groups = sorted({(r.prediction_time, r.remaining_day) for r in results})
    figure, axes = plt.subplots(
        1, len(groups), figsize=(3.2 * len(groups), 3.6), squeeze=False, sharey=True
    )
    for axis, (prediction_time, remaining_day) in zip(axes[0], groups, strict=True):
        group = [
            r
            for r in results
            if (r.prediction_time, r.remaining_day) == (prediction_time, remaining_day)
        ]
        axis.plot([0, 1], [0, 1], color="0.7", linewidth=1)
        for which, style, label in (("model", "o-", "ours"), ("reference", "s--", "reference")):
            points = pooled_reliability(group, which)
            ece = calibration_error_of(points)
            axis.plot(
                [p for p, _, _ in points],
                [o for _, o, _ in points],
                style,
                markersize=4,
                label=f"{label} (ECE {ece:.3f})",
            )
        axis.set_title(
            f"{prediction_time}, {'with' if remaining_day else 'no'} RemainingDay", fontsize=9
        )
        axis.set_xlabel("predicted P(late)", fontsize=8)
        axis.set_xlim(0, 1)
        axis.set_ylim(0, 1)
        axis.legend(fontsize=7, loc="upper left")
        axis.tick_params(labelsize=7)
    axes[0][0].set_ylabel("observed late share", fontsize=8)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


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
    parser.add_argument("--walk-forward", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--select-on", type=int, default=None, metavar="N")
    parser.add_argument("--selection-only", action="store_true", help="skip the report fold")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="only the report fold (once the model is chosen on the selection folds)",
    )
    parser.add_argument("--reference-trees", type=int, default=300)
    parser.add_argument(
        "--online",
        type=int,
        default=0,
        metavar="K",
        help="recalibrate each tested issue on the K latest outcomes known when it was opened",
    )
    parser.add_argument(
        "--order-by",
        choices=("opened", "due"),
        default="opened",
        help="order of the training window for the model's calibration slice",
    )
    parser.add_argument(
        "--reliability-png",
        type=Path,
        metavar="FILE",
        help="write the reliability diagram (ours and the reference, pooled over projects) to"
        " FILE; with --walk-forward, of the report fold (needs matplotlib)",
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
    if args.walk_forward:
        return _walk_forward(args)
    try:
        pairs = _pairs(args)
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
        (train, test, rd)
        for train, test in pairs
        if train.prediction_time in times and (not projects or train.project in projects)
        for rd in variants
    ]
    trains = {(train.project, train.prediction_time): train for train, _ in pairs}
    for i, (train, test, rd) in enumerate(todo, 1):
        pool = (
            pool_for(
                train.project,
                train.prediction_time,
                trains,
                cutoff=float(test.opened_day.min()),
                remaining_day=rd,
            )
            if config.pooled and len(test)
            else []
        )
        result = evaluate(train, test, remaining_day=rd, config=config, pool=pool)
        results.append(result)
        print(
            f"[{i}/{len(todo)}] {train.project}/{train.prediction_time} RemainingDay={rd}: "
            f"AUC {result.model.auc:.3f} (reference {result.reference.auc:.3f})",
            file=sys.stderr,
            flush=True,
        )
    means = summary(results)
    if args.reliability_png:
        write_reliability_png(results, args.reliability_png, title="risk_eval: test split")
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


def _walk_forward(args: argparse.Namespace) -> int:
    select_on = args.folds - 1 if args.select_on is None else args.select_on
    if not 0 <= select_on < args.folds:
        print(f"error: --select-on must be in [0, {args.folds}), got {select_on}", file=sys.stderr)
        return 2
    try:
        config = _config(args.set)
        files = jira.load_folder(args.data_dir or jira.data_dir())
        times = set(args.times.split(","))
        projects = set(filter(None, args.projects.split(",")))
        chosen = [
            issues
            for (project, prediction_time), issues in sorted(files.items())
            if prediction_time in times and (not projects or project in projects)
        ]
        folded = [
            (
                issues,
                walk_forward_folds(issues, folds=args.folds),
                walk_forward_cutoffs(issues, folds=args.folds),
            )
            for issues in chosen
        ]
    except (jira.JiraDataError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    variants = {"both": (True, False), "with": (True,), "without": (False,)}[args.remaining_day]
    results: list[Result] = []
    for issues, pairs, cutoffs in folded:
        for fold, (train, test) in enumerate(pairs):
            phase = "selection" if fold < select_on else "report"
            if phase == "report" and args.selection_only:
                continue
            if phase == "selection" and args.report_only:
                continue
            if len(test) == 0 or train.late.all() or not train.late.any():
                print(
                    f"skip {issues.project}/{issues.prediction_time} fold {fold}: too little data",
                    file=sys.stderr,
                )
                continue
            for rd in variants:
                pool = (
                    pool_for(
                        issues.project,
                        issues.prediction_time,
                        files,
                        cutoff=cutoffs[fold],
                        remaining_day=rd,
                    )
                    if config.pooled
                    else []
                )
                r = evaluate(
                    train,
                    test,
                    remaining_day=rd,
                    config=config,
                    reference_trees=args.reference_trees,
                    order_by=args.order_by,
                    online=args.online,
                    pool=pool,
                )
                r = Result(**{**r.__dict__, "fold": fold, "phase": phase})
                results.append(r)
                print(
                    f"{phase} fold {fold} {r.project}/{r.prediction_time} RD={rd} "
                    f"train {r.train_rows} test {r.test_rows}: AUC {r.model.auc:.3f} "
                    f"(ref {r.reference.auc:.3f}) ECE {r.model.ece:.3f} (ref {r.reference.ece:.3f})",
                    file=sys.stderr,
                    flush=True,
                )
    selection = [r for r in results if r.phase == "selection"]
    report = [r for r in results if r.phase == "report"]
    per_fold = {
        str(fold): summary([r for r in results if r.fold == fold])
        for fold in sorted({r.fold for r in results})
    }
    if args.reliability_png:
        shown, phase = (report, "report fold") if report else (selection, "selection folds")
        write_reliability_png(shown, args.reliability_png, title=f"walk-forward, {phase}")
    if args.json:
        print(
            json.dumps(
                {
                    "config": asdict(config),
                    "folds": args.folds,
                    "select_on": select_on,
                    "results": [asdict(r) for r in results],
                    "per_fold_mean": per_fold,
                    "selection_mean": summary(selection),
                    "report_mean": summary(report),
                },
                indent=2,
            )
        )
        return 0
    for title, group in (
        ("SELECTION folds (model choices made here)", selection),
        ("REPORT fold (reported once, never tuned on)", report),
    ):
        if group:
            print(f"== {title} ==")
            _print_table(group, summary(group))
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
