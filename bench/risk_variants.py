"""Model variants for #11, compared on the walk-forward SELECTION folds only.

    python bench/risk_variants.py --variants default,hgb_slow,... [--projects ...] [--times ...]
    python bench/risk_variants.py --table            # the results so far, against default

The same cutoffs as ``bench/risk_eval.py --walk-forward --folds 5``; this script drops the
last (report) fold before anything is built from it, so no variant can be chosen on it.
Each variant goes through the service's protocol: categories ranked on the earliest 80 % of
the training window, a first fit there, calibration (isotonic, or sigmoid on a short slice)
and the F1 threshold on the latest 20 %, the refit on the whole window keeping that
calibration, then the test window. Only the late/on-time classifier is compared (the delay
size model is the same for all). The reference (plain random forest, 100 trees, balanced,
raw columns plus one-hot type and priority, threshold 0.5) is scored once per cell and
cached with the feature matrices in ``--cache`` (default /tmp; never the repository).

Results go to ``--log`` (JSON lines, one per variant and cell) so runs add up; ``--table``
prints mean AUC/F1/ECE per prediction time against ``default`` over the cells both have.

``default`` is the service's first classifier alone, i.e. ``bench/risk_eval.py --set
pooled=false``; since 2026-12-06 the service averages it with a pooled part (the
``blend_mean`` variant here, with more pool rows and weight: see ``docs/benchmarks.md``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from risk_eval import _due_day, _reference_matrix, walk_forward_folds

from services.risk import jira
from services.risk.features import fit_vocabulary, jira_feature_matrix, key_prefix
from services.risk.model import (
    _apply_ranks,
    _calibrated,
    _calibration,
    _category_ranks,
    auc,
    best_f1_threshold,
    calibration_for,
    calibration_noise_floor,
    expected_calibration_error,
    precision_recall_f1,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
FOLDS = 5
SELECT_ON = 4  # folds 0..3; fold 4 is the report fold and is never built here
REFERENCE_TREES = 100


@dataclass
class Cell:
    project: str
    time: str
    fold: int
    rd: bool
    names: tuple[str, ...]
    categorical: tuple[str, ...]
    x_train: FloatArray
    y_train: BoolArray
    opened_train: npt.NDArray[np.int64]
    x_test: FloatArray
    y_test: BoolArray
    extra_train: FloatArray  # features beyond the service's (see _extra), same rows
    extra_test: FloatArray
    extra_names: tuple[str, ...]
    ref_test: FloatArray  # reference forest fitted on the whole window
    ref_check: FloatArray  # reference forest fitted on the earliest 80 %, on the latest 20 %

    @property
    def key(self) -> str:
        return f"{self.project}/{self.time}/{self.fold}/{int(self.rd)}"


# ------------------------------------------------------------------- extra features


def _extra(issues: jira.JiraIssues, *, rd: bool) -> tuple[FloatArray, tuple[str, ...]]:
    """Features beyond the service's, all known at each issue's prediction time.

    Ratios (trees cannot divide), and days since the project's and the component's latest
    issue known to be late by then (its due date passed before this issue's prediction time
    and it was late: at its due date it was still open).
    """
    progress = np.nan_to_num(issues.column("ProgressTime"))
    remaining = np.nan_to_num(issues.column("RemainingDay"))
    discussion = np.nan_to_num(issues.column("discussion"))
    comments = np.nan_to_num(issues.column("no_comment"))
    columns: dict[str, FloatArray] = {
        "discussion_share": discussion / (progress + 1.0),
        "comments_per_day": comments / (progress + 1.0),
        "workload_per_reporterrep": np.nan_to_num(issues.column("workload"))
        / (np.nan_to_num(issues.column("reporterrep")) + 1.0),
    }
    if rd:
        columns["remaining_share"] = remaining / (progress + remaining + 1.0)
    predicted = issues.opened_day + progress
    due = _due_day(issues)
    late = issues.late
    prefix = key_prefix(issues.issue_key)

    def since_last_late(groups: npt.NDArray[Any]) -> FloatArray:
        out = np.full(len(issues), np.nan)
        for g in np.unique(groups):
            members = np.flatnonzero(groups == g)
            late_due = np.sort(due[members][late[members]])
            if late_due.size == 0:
                continue
            where = np.searchsorted(late_due, predicted[members], side="left")
            known = where > 0
            out[members[known]] = predicted[members[known]] - late_due[where[known] - 1]
        return out

    columns["days_since_project_late"] = since_last_late(np.zeros(len(issues), dtype=np.int64))
    columns["days_since_component_late"] = since_last_late(prefix)
    names = tuple(columns)
    return np.column_stack([columns[n] for n in names]), names


# ---------------------------------------------------------------------------- cells


def _reference_pair(
    train: jira.JiraIssues, test: jira.JiraIssues, *, rd: bool, cut: int
) -> tuple[FloatArray, FloatArray]:
    types = sorted(set(train.issue_type.tolist()))
    priorities = sorted(set(train.priority.tolist()))
    x = _reference_matrix(train, types, priorities, remaining_day=rd)
    xt = _reference_matrix(test, types, priorities, remaining_day=rd)

    def forest() -> RandomForestClassifier:
        return RandomForestClassifier(
            n_estimators=REFERENCE_TREES, class_weight="balanced", n_jobs=1, random_state=0
        )

    p_test = forest().fit(x, train.late).predict_proba(xt)[:, 1]
    early = forest().fit(x[:cut], train.late[:cut])
    p_check = (
        early.predict_proba(x[cut:])[:, 1] if early.n_classes_ == 2 else np.zeros(len(x) - cut)
    )
    return p_test, p_check


def build_cells(data_dir: Path, cache: Path, *, projects: set[str], times: set[str]) -> list[Cell]:
    cache.mkdir(parents=True, exist_ok=True)
    cells: list[Cell] = []
    for (project, prediction_time), issues in sorted(jira.load_folder(data_dir).items()):
        if prediction_time not in times or (projects and project not in projects):
            continue
        pairs = walk_forward_folds(issues, folds=FOLDS)[:SELECT_ON]
        opened = issues.opened_day
        fractions = np.linspace(0.5, 0.9, FOLDS)
        first, last = float(opened.min()), float(opened.max())
        for fold, (train, test) in enumerate(pairs):
            if len(test) == 0 or train.late.all() or not train.late.any():
                continue
            window_end = first + fractions[fold + 1] * (last - first)
            seen = issues.take(np.flatnonzero(opened < window_end))
            for rd in (True, False):
                path = cache / f"{project}_{prediction_time}_{fold}_{int(rd)}.npz"
                if path.exists():
                    z = np.load(path, allow_pickle=False)
                    meta = json.loads(bytes(z["meta"]).decode())
                    cells.append(
                        Cell(
                            project,
                            prediction_time,
                            fold,
                            rd,
                            tuple(meta["names"]),
                            tuple(meta["categorical"]),
                            z["x_train"],
                            z["y_train"],
                            z["opened_train"],
                            z["x_test"],
                            z["y_test"],
                            z["extra_train"],
                            z["extra_test"],
                            tuple(meta["extra_names"]),
                            z["ref_test"],
                            z["ref_check"],
                        )
                    )
                    continue
                started = time.perf_counter()
                vocabulary = fit_vocabulary(train)
                both = jira_feature_matrix(
                    jira.concat([train, test]), vocabulary, with_remaining_day=rd
                )
                extra, extra_names = _extra(seen, rd=rd)
                row_of = {k: i for i, k in enumerate(seen.issue_key.tolist())}
                tr = np.array([row_of[k] for k in train.issue_key.tolist()])
                te = np.array([row_of[k] for k in test.issue_key.tolist()])
                cut = int(len(train) * 0.8)
                ref_test, ref_check = _reference_pair(train, test, rd=rd, cut=cut)
                cell = Cell(
                    project,
                    prediction_time,
                    fold,
                    rd,
                    both.names,
                    both.categorical,
                    both.values[: len(train)],
                    train.late,
                    train.opened_day,
                    both.values[len(train) :],
                    test.late,
                    extra[tr],
                    extra[te],
                    extra_names,
                    ref_test,
                    ref_check,
                )
                meta = json.dumps(
                    {
                        "names": cell.names,
                        "categorical": cell.categorical,
                        "extra_names": cell.extra_names,
                    }
                )
                np.savez(
                    path,
                    meta=np.frombuffer(meta.encode(), dtype=np.uint8),
                    x_train=cell.x_train,
                    y_train=cell.y_train,
                    opened_train=cell.opened_train,
                    x_test=cell.x_test,
                    y_test=cell.y_test,
                    extra_train=cell.extra_train,
                    extra_test=cell.extra_test,
                    ref_test=ref_test,
                    ref_check=ref_check,
                )
                print(
                    f"built {cell.key} in {time.perf_counter() - started:.1f}s",
                    file=sys.stderr,
                    flush=True,
                )
                cells.append(cell)
    return cells


# ------------------------------------------------------------------------- variants

Scorer = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class Variant:
    hgb: dict[str, Any]
    extra: tuple[str, ...] = ()  # extra feature names to add ("*" for all)
    monotone: dict[str, int] | None = None
    class_weight: str | None = None
    stack: bool = False  # logistic stacker on (our log-odds, the forest's log-odds)
    threshold_recent: float = 1.0  # share of the calibration slice the threshold is chosen on
    # A random forest on the service's own features, its log-odds averaged with the boosted
    # trees' (0: none; else its leaves' minimum size).
    forest_leaf: int = 0


DEFAULT_HGB: dict[str, Any] = {
    "max_iter": 200,
    "learning_rate": 0.08,
    "max_leaf_nodes": 31,
    "max_depth": 8,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
}


def _hgb(**changes: Any) -> dict[str, Any]:
    return {**DEFAULT_HGB, **changes}


ALL = ("*",)
VARIANTS: dict[str, Variant] = {
    "default": Variant(_hgb()),
    "hgb_slow": Variant(_hgb(max_iter=400, learning_rate=0.04)),
    "hgb_shallow": Variant(_hgb(max_depth=4, max_leaf_nodes=15, max_iter=300)),
    "hgb_l2": Variant(_hgb(l2_regularization=10.0)),
    "hgb_leaf100": Variant(_hgb(min_samples_leaf=100)),
    "hgb_leaf15": Variant(_hgb(min_samples_leaf=15)),
    "hgb_small": Variant(
        _hgb(max_iter=100, learning_rate=0.05, max_depth=6, l2_regularization=5.0)
    ),
    "hgb_fewer": Variant(_hgb(max_iter=100)),
    "balanced": Variant(_hgb(), class_weight="balanced"),
    "mono_perofdelay": Variant(_hgb(), monotone={"perofdelay": 1}),
    "mono_perofdelay_rd": Variant(_hgb(), monotone={"perofdelay": 1, "RemainingDay": -1}),
    "ratios": Variant(
        _hgb(),
        extra=(
            "discussion_share",
            "comments_per_day",
            "workload_per_reporterrep",
            "remaining_share",
        ),
    ),
    "since_late": Variant(_hgb(), extra=("days_since_project_late", "days_since_component_late")),
    "extra_all": Variant(_hgb(), extra=ALL),
    "stack_rf": Variant(_hgb(), stack=True),
    "threshold_recent": Variant(_hgb(), threshold_recent=0.5),
    "forest1": Variant(_hgb(), forest_leaf=1),
    "forest5": Variant(_hgb(), forest_leaf=5),
}


def _fit(variant: Variant, x: FloatArray, y: BoolArray, names: tuple[str, ...]) -> Scorer:
    params = dict(variant.hgb)
    if variant.monotone:
        params["monotonic_cst"] = [variant.monotone.get(n, 0) for n in names]
    model = HistGradientBoostingClassifier(
        **params, early_stopping=False, random_state=0, class_weight=variant.class_weight
    ).fit(x, y)
    return lambda rows: np.asarray(model.decision_function(rows), dtype=np.float64)


def _forest(variant: Variant, x: FloatArray, y: BoolArray) -> Scorer:
    forest = RandomForestClassifier(
        n_estimators=REFERENCE_TREES,
        class_weight="balanced",
        min_samples_leaf=variant.forest_leaf,
        n_jobs=1,
        random_state=0,
    ).fit(x, y)
    return lambda rows: _logit(forest.predict_proba(rows)[:, 1])


def _logit(p: FloatArray) -> FloatArray:
    q = np.clip(p, 1e-3, 1 - 1e-3)
    return np.asarray(np.log(q / (1 - q)), dtype=np.float64)


def run(variant: Variant, cell: Cell) -> dict[str, float]:
    raw_check, y_check, raw_test = raw_scores(variant, cell)
    return finish(raw_check, y_check, raw_test, cell, threshold_recent=variant.threshold_recent)


def raw_scores(variant: Variant, cell: Cell) -> tuple[FloatArray, BoolArray, FloatArray]:
    """Log-odds on the calibration slice (first fit), its outcomes, and on the test window."""
    names = cell.names
    x_train, x_test = cell.x_train, cell.x_test
    if variant.extra:
        keep = [
            j for j, n in enumerate(cell.extra_names) if variant.extra == ALL or n in variant.extra
        ]
        names = names + tuple(cell.extra_names[j] for j in keep)
        x_train = np.column_stack([x_train, cell.extra_train[:, keep]])
        x_test = np.column_stack([x_test, cell.extra_test[:, keep]])
    order = np.argsort(cell.opened_train, kind="stable")
    x_train, y = x_train[order], cell.y_train[order]
    ref_check = cell.ref_check  # already in opening (file) order, like order here
    cut = int(len(y) * 0.8)
    fit, check = slice(0, cut), slice(cut, None)
    ranks = {c: _category_ranks(x_train[fit, names.index(c)], y[fit]) for c in cell.categorical}
    x = _apply_ranks(x_train, names, ranks)
    raw_check = _fit(variant, x[fit], y[fit], names)(x[check])
    if variant.forest_leaf:
        raw_check = 0.5 * (raw_check + _forest(variant, x[fit], y[fit])(x[check]))
    if variant.stack:
        stacker = LogisticRegression(C=1.0).fit(
            np.column_stack([raw_check, _logit(ref_check)]), y[check]
        )
        raw_check = stacker.decision_function(np.column_stack([raw_check, _logit(ref_check)]))
    ranks = {c: _category_ranks(x_train[:, names.index(c)], y) for c in cell.categorical}
    x_all, x_new = _apply_ranks(x_train, names, ranks), _apply_ranks(x_test, names, ranks)
    raw_test = _fit(variant, x_all, y, names)(x_new)
    if variant.forest_leaf:
        raw_test = 0.5 * (raw_test + _forest(variant, x_all, y)(x_new))
    if variant.stack:
        raw_test = stacker.decision_function(np.column_stack([raw_test, _logit(cell.ref_test)]))
    return raw_check, y[check], raw_test


def finish(
    raw_check: FloatArray,
    y_check: BoolArray,
    raw_test: FloatArray,
    cell: Cell,
    *,
    threshold_recent: float = 1.0,
) -> dict[str, float]:
    """Calibration and F1 threshold on the calibration slice, then the scores on the test."""
    method = calibration_for(int(raw_check.shape[0]))
    cal_x, cal_y = _calibration(raw_check, y_check, method)
    p_check = _calibrated(raw_check, cal_x, cal_y)
    recent = slice(int(len(p_check) * (1 - threshold_recent)), None)
    threshold = best_f1_threshold(p_check[recent], y_check[recent])
    p = _calibrated(raw_test, cal_x, cal_y)
    yt = cell.y_test
    return {
        "auc": auc(p, yt),
        "f1": precision_recall_f1(p >= threshold, yt)[2],
        "ece": expected_calibration_error(p, yt),
        "ece_floor": calibration_noise_floor(p),
        "ref_auc": auc(cell.ref_test, yt),
        "ref_f1": precision_recall_f1(cell.ref_test >= 0.5, yt)[2],
        "ref_ece": expected_calibration_error(cell.ref_test, yt),
    }


# ------------------------------------------------------------ pooled over projects

# Trees per project are blind to any per-project monotone transform, so features that
# "travel" only matter when other projects' issues join the training: numbers become
# percentiles within their own project's training rows, category codes (whose meaning is
# per project) become their smoothed late share there, and each row carries its project's
# training late share. Another project's issue joins only if it was opened and due before
# the target project's cutoff (calendar days), so no outcome from after the cutoff is used.
POOL_CAP = 2.0  # other projects' rows, at most this many times the target's training rows


@dataclass
class Block:
    issues: jira.JiraIssues
    values: FloatArray  # service features (jira_feature_matrix) on the whole restricted file
    names: tuple[str, ...]
    categorical: tuple[str, ...]
    due: FloatArray
    span: tuple[float, float]  # first and last opening day of the whole file


_BLOCKS: dict[tuple[str, str, bool], Block] = {}


def _block(data_dir: Path, project: str, prediction_time: str, rd: bool) -> Block:
    key = (project, prediction_time, rd)
    if key not in _BLOCKS:
        issues = jira.load_file(data_dir / f"{project}_{prediction_time}.csv")
        opened = issues.opened_day.astype(np.float64)
        first, last = float(opened.min()), float(opened.max())
        # Nothing from the report window (opened after the 90 % cutoff) is read further.
        issues = issues.take(np.flatnonzero(opened < first + 0.9 * (last - first)))
        vocabulary = fit_vocabulary(issues)
        m = jira_feature_matrix(issues, vocabulary, with_remaining_day=rd)
        _BLOCKS[key] = Block(
            issues, m.values, m.names, m.categorical, _due_day(issues), (first, last)
        )
    return _BLOCKS[key]


def _travel(block: Block, rows: npt.NDArray[np.intp], train: npt.NDArray[np.intp]) -> FloatArray:
    """``rows`` of the block in travelling units, learnt from the block's ``train`` rows."""
    y = block.issues.late[train]
    base = float(y.mean())
    out = np.empty((rows.size, len(block.names) + 1))
    for j, name in enumerate(block.names):
        ref = block.values[train, j]
        v = block.values[rows, j]
        if name in block.categorical:
            codes = np.nan_to_num(ref, nan=-1).astype(np.int64)
            size = int(max(codes.max(initial=0), np.nan_to_num(v, nan=-1).max(initial=0))) + 2
            n = np.bincount(codes + 1, minlength=size)[:size].astype(np.float64)
            late = np.bincount(codes + 1, weights=y.astype(np.float64), minlength=size)[:size]
            share = (late + 10 * base) / (n + 10)
            out[:, j] = share[np.nan_to_num(v, nan=-1).astype(np.int64) + 1]
        else:
            ref = np.sort(ref[np.isfinite(ref)])
            col = np.full(rows.size, np.nan)
            ok = np.isfinite(v)
            if ref.size:
                lo = np.searchsorted(ref, v[ok], side="left")
                hi = np.searchsorted(ref, v[ok], side="right")
                col[ok] = (lo + hi) / (2.0 * ref.size)
            out[:, j] = col
    out[:, -1] = base
    return out


def run_pooled(
    cell: Cell, data_dir: Path, *, others: bool, hgb: dict[str, Any]
) -> dict[str, float]:
    return finish(*pooled_raw(cell, data_dir, others=others, hgb=hgb), cell)


def pooled_raw(
    cell: Cell, data_dir: Path, *, others: bool, hgb: dict[str, Any]
) -> tuple[FloatArray, BoolArray, FloatArray]:
    own = _block(data_dir, cell.project, cell.time, cell.rd)
    opened = own.issues.opened_day.astype(np.float64)
    span_first, full_last = own.span
    fractions = np.linspace(0.5, 0.9, FOLDS)
    start = span_first + fractions[cell.fold] * (full_last - span_first)
    end = span_first + fractions[cell.fold + 1] * (full_last - span_first)
    train = np.flatnonzero((opened < start) & (own.due < start))
    test = np.flatnonzero((opened >= start) & (opened < end))
    assert train.size == cell.y_train.size and test.size == cell.y_test.size
    cut = int(train.size * 0.8)
    rng = np.random.default_rng(cell.fold)

    def pooled(
        own_train: npt.NDArray[np.intp], before: float
    ) -> tuple[FloatArray, BoolArray, list[tuple[Block, npt.NDArray[np.intp]]]]:
        xs = [_travel(own, own_train, own_train)]
        ys = [own.issues.late[own_train]]
        if others:
            parts = []
            for q in sorted(
                {p for (p, t), _ in jira.list_files(data_dir).items() if t == cell.time}
                - {cell.project}
            ):
                b = _block(data_dir, q, cell.time, cell.rd)
                rows = np.flatnonzero((b.issues.opened_day < before) & (b.due < before))
                if rows.size >= 50 and b.issues.late[rows].any() and not b.issues.late[rows].all():
                    parts.append((b, rows))
            total = sum(r.size for _, r in parts)
            keep = min(1.0, POOL_CAP * own_train.size / max(total, 1))
            for b, rows in parts:
                chosen = rows[rng.random(rows.size) < keep]
                xs.append(_travel(b, chosen, rows))
                ys.append(b.issues.late[chosen])
        return np.vstack(xs), np.concatenate(ys), []

    def fit(x: FloatArray, y: BoolArray) -> Scorer:
        model = HistGradientBoostingClassifier(**hgb, early_stopping=False, random_state=0).fit(
            x, y
        )
        return lambda rows: np.asarray(model.decision_function(rows), dtype=np.float64)

    fit_rows, check_rows = train[:cut], train[cut:]
    x1, y1, _ = pooled(fit_rows, float(opened[check_rows[0]]))
    raw_check = fit(x1, y1)(_travel(own, check_rows, fit_rows))
    yc = own.issues.late[check_rows]
    x2, y2, _ = pooled(train, start)
    raw_test = fit(x2, y2)(_travel(own, test, train))
    assert np.array_equal(own.issues.late[test], cell.y_test)
    return raw_check, yc, raw_test


_DEFAULT_RAW: dict[str, tuple[FloatArray, BoolArray, FloatArray]] = {}
_POOLED_RAW: dict[str, tuple[FloatArray, BoolArray, FloatArray]] = {}


def run_blend(cell: Cell, data_dir: Path, *, how: str) -> dict[str, float]:
    """The service's model and the pooled one together (and the reference forest for *_rf):
    ``mean`` averages their log-odds, ``stack`` fits a logistic stacker on the calibration
    slice, ``own_rf`` averages the service's model and the forest alone; either way
    calibration and threshold come after, from the same slice."""
    if cell.key not in _DEFAULT_RAW:  # every blend starts from the same two models
        _DEFAULT_RAW[cell.key] = raw_scores(VARIANTS["default"], cell)
    own_check, y_check, own_test = _DEFAULT_RAW[cell.key]
    checks = [own_check]
    tests = [own_test]
    if not how.startswith("own"):
        if cell.key not in _POOLED_RAW:
            _POOLED_RAW[cell.key] = pooled_raw(cell, data_dir, others=True, hgb=DEFAULT_HGB)
        pool_check, y_pool, pool_test = _POOLED_RAW[cell.key]
        assert np.array_equal(y_check, y_pool), "calibration slices differ"
        checks.append(pool_check)
        tests.append(pool_test)
    if how.endswith("_rf"):
        checks.append(_logit(cell.ref_check))
        tests.append(_logit(cell.ref_test))
    if how.startswith(("mean", "own")):
        return finish(np.mean(checks, axis=0), y_check, np.mean(tests, axis=0), cell)
    stacker = LogisticRegression(C=1.0).fit(np.column_stack(checks), y_check)
    return finish(
        stacker.decision_function(np.column_stack(checks)),
        y_check,
        stacker.decision_function(np.column_stack(tests)),
        cell,
    )


BLENDS = ("mean", "mean_rf", "stack", "stack_rf", "own_rf")


POOLED = {"pooled_self": False, "pooled": True}


# ---------------------------------------------------------------------------- table


def table(log: Path, *, baseline: str = "default") -> str:
    rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    by: dict[str, dict[str, dict[str, float]]] = {}
    for r in rows:
        by.setdefault(r["variant"], {})[r["cell"]] = r
    base = by.get(baseline, {})
    groups = [(t, rd) for t in ("creation", "due", "discussion") for rd in (0, 1)]
    out = [
        "| variant | cells | "
        + " | ".join(f"{t} {'with' if rd else 'w/o'} RD: AUC / F1 / ECE" for t, rd in groups)
        + " |",
        "|---|---|" + "---|" * len(groups),
    ]

    def cell_text(results: dict[str, dict[str, float]], t: str, rd: int, prefix: str) -> str:
        keys = [
            k for k in results if k.split("/")[1] == t and k.split("/")[3] == str(rd) and k in base
        ]
        if not keys:
            return "–"
        m = {
            s: float(np.nanmean([results[k][prefix + s] for k in keys]))
            for s in ("auc", "f1", "ece")
        }
        b = {s: float(np.nanmean([base[k][s] for k in keys])) for s in ("auc", "f1", "ece")}
        if prefix == "ref_" or results is base:
            return f"{m['auc']:.3f} / {m['f1']:.3f} / {m['ece']:.3f}"
        return (
            f"{m['auc']:.3f} ({m['auc'] - b['auc']:+.3f}) / {m['f1']:.3f} ({m['f1'] - b['f1']:+.3f})"
            f" / {m['ece']:.3f} ({m['ece'] - b['ece']:+.3f})"
        )

    out.append(
        f"| reference (RF {REFERENCE_TREES}) | {len(base)} | "
        + " | ".join(cell_text(base, t, rd, "ref_") for t, rd in groups)
        + " |"
    )
    for name, results in by.items():
        common = [k for k in results if k in base]
        out.append(
            f"| {name} | {len(common)} | "
            + " | ".join(cell_text(results, t, rd, "") for t, rd in groups)
            + " |"
        )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variants", default="default")
    parser.add_argument("--projects", default="")
    parser.add_argument("--times", default="creation,due,discussion")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/risk_variants_cache"))
    parser.add_argument("--log", type=Path, default=Path("/tmp/risk_variants.jsonl"))
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args()
    if args.table:
        print(table(args.log))
        return 0
    unknown = [
        v
        for v in args.variants.split(",")
        if v not in VARIANTS and v not in POOLED and v.removeprefix("blend_") not in BLENDS
    ]
    if unknown:
        print(f"error: unknown variants {unknown}; known: {sorted(VARIANTS)}", file=sys.stderr)
        return 2
    with threadpool_limits(limits=1, user_api="openmp"):
        cells = build_cells(
            args.data_dir or jira.data_dir(),
            args.cache,
            projects=set(filter(None, args.projects.split(","))),
            times=set(args.times.split(",")),
        )
        done: set[tuple[str, str]] = set()
        if args.log.exists():
            for line in args.log.read_text().splitlines():
                r = json.loads(line)
                done.add((r["variant"], r["cell"]))
        for name in args.variants.split(","):
            started = time.perf_counter()
            for cell in cells:
                if (name, cell.key) in done:
                    continue
                if name.removeprefix("blend_") in BLENDS:
                    result = run_blend(
                        cell, args.data_dir or jira.data_dir(), how=name.removeprefix("blend_")
                    )
                elif name in POOLED:
                    result = run_pooled(
                        cell, args.data_dir or jira.data_dir(), others=POOLED[name], hgb=DEFAULT_HGB
                    )
                else:
                    result = run(VARIANTS[name], cell)
                with args.log.open("a") as f:
                    f.write(json.dumps({"variant": name, "cell": cell.key, **result}) + "\n")
            print(f"{name}: {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
