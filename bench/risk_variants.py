"""Model variants for #11, compared on the walk-forward SELECTION folds only.

    python bench/risk_variants.py --variants default,hgb_slow,... [--projects ...] [--times ...]
    python bench/risk_variants.py --table            # the results so far, against default
    python bench/risk_variants.py --detail           # cells improved, calibration in the large

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
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from risk_eval import _due_day, _reference_matrix, walk_forward_cutoffs, walk_forward_folds

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
    # Censoring and drift (#11, "risk-shift"; see the section below `run`):
    # "latest": the calibration slice is the latest 20 % of the training rows (the service);
    # "settled": the latest 20 % of the rows opened before cutoff - H, H the horizon quantile
    # `horizon_q` (Kaplan-Meier over every issue opened before the cutoff), so ~all the
    # issues opened in the slice's days are due by the cutoff; the first fit is on the rows
    # opened before the slice.
    calibration: str = "latest"
    horizon_q: float = 0.9
    # Inverse-probability-of-censoring weights on the calibration slice (isotonic fit and
    # F1 threshold) and/or on both fits: "" none; "horizon": 1 / P(an issue with this row's
    # horizon, opened in the same span, is due before the cutoff); "age": 1 / P(an issue
    # opened this long before the cutoff is due by it) (Kaplan-Meier). Capped at `ipcw_cap`.
    ipcw: str = ""
    ipcw_fit: bool = False
    ipcw_cap: float = 5.0
    # Label-shift (prior) correction of the test probabilities (Saerens-Latinne-Decaestecker
    # EM): "" none; "causal": each issue's prior from the issues of the test window whose
    # prediction moment came before its own, within `prior_days`; "window": one prior from the
    # whole test window (transductive: uses the features of later issues, never labels).
    prior_shift: str = ""
    prior_days: float = 90.0
    prior_pseudo: float = 30.0  # pseudo-issues at the calibration slice's prior
    prior_offset: float = 0.0  # with prior_shift "offset": added to every log-odds
    # Recency weights in both fits (0.5 ** (age / half-life), age before the window's newest
    # row), multiplied with any IPCW weights; 0: none.
    recency_half_life: float = 0.0
    # False: the test window is scored by the first fit (the one the calibration was fitted
    # on), not by the refit on the whole window.
    refit: bool = True
    # "": the service's rule (isotonic, Platt below 100 rows); "sigmoid": Platt always.
    cal_method: str = ""


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
    # Censoring and label shift (see run_shift).
    "shift_control": Variant(_hgb(), calibration="latest", prior_shift="none"),
    "settled90": Variant(_hgb(), calibration="settled"),
    "settled75": Variant(_hgb(), calibration="settled", horizon_q=0.75),
    "settled90_hipcw": Variant(_hgb(), calibration="settled", ipcw="horizon"),
    "settled90_hipcw_fit": Variant(_hgb(), calibration="settled", ipcw="horizon", ipcw_fit=True),
    "latest_hipcw": Variant(_hgb(), ipcw="horizon"),
    "latest_aipcw": Variant(_hgb(), ipcw="age"),
    "latest_hipcw_fit": Variant(_hgb(), ipcw="horizon", ipcw_fit=True),
    "em_causal": Variant(_hgb(), prior_shift="causal"),
    "em_window": Variant(_hgb(), prior_shift="window"),
    "settled90_em_causal": Variant(_hgb(), calibration="settled", prior_shift="causal"),
    # Not a candidate: the test window's true late share as the prior (an upper bound).
    "oracle_prior": Variant(_hgb(), prior_shift="oracle"),
    "oracle_mean": Variant(_hgb(), prior_shift="oracle_mean"),
    # The slice's prior moved to the late share of all issues opened in its days, due or
    # not, from a logistic model on horizon and period (horizon_adjusted_prior).
    "horizon_prior": Variant(_hgb(), prior_shift="horizon"),
    # The same with a linear time trend, extrapolated to the middle of the next window.
    "horizon_trend": Variant(_hgb(), prior_shift="horizon_trend"),
    "no_refit": Variant(_hgb(), refit=False),
    "platt": Variant(_hgb(), cal_method="sigmoid"),
    "platt_no_refit": Variant(_hgb(), cal_method="sigmoid", refit=False),
    "oracle_prior_no_refit": Variant(_hgb(), prior_shift="oracle", refit=False),
    "oracle_prior_platt": Variant(_hgb(), prior_shift="oracle", cal_method="sigmoid"),
    # A fixed log-odds shift for every project and window (the bias's sign was the same on
    # every selection fold; on the internal 80/20 split it was the opposite).
    "offset_m02": Variant(_hgb(), prior_shift="offset", prior_offset=-0.2),
    "offset_m04": Variant(_hgb(), prior_shift="offset", prior_offset=-0.4),
    "offset_m06": Variant(_hgb(), prior_shift="offset", prior_offset=-0.6),
    "offset_m09": Variant(_hgb(), prior_shift="offset", prior_offset=-0.9),
    "settled90_recency365": Variant(_hgb(), calibration="settled", recency_half_life=365.0),
}


def _fit(
    variant: Variant,
    x: FloatArray,
    y: BoolArray,
    names: tuple[str, ...],
    weight: FloatArray | None = None,
) -> Scorer:
    params = dict(variant.hgb)
    if variant.monotone:
        params["monotonic_cst"] = [variant.monotone.get(n, 0) for n in names]
    model = HistGradientBoostingClassifier(
        **params, early_stopping=False, random_state=0, class_weight=variant.class_weight
    ).fit(x, y, sample_weight=weight)
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


def run(variant: Variant, cell: Cell, data_dir: Path | None = None) -> dict[str, float]:
    shifted = (
        variant.calibration != "latest"
        or variant.cal_method
        or variant.ipcw
        or variant.prior_shift
        or variant.recency_half_life
    )
    if not shifted:
        raw_check, y_check, raw_test = raw_scores(variant, cell)
        return finish(raw_check, y_check, raw_test, cell, threshold_recent=variant.threshold_recent)
    if data_dir is None:
        raise ValueError("censoring and prior-shift variants need the data folder")
    return run_shift(variant, cell, data_dir)


def raw_scores(
    variant: Variant,
    cell: Cell,
    *,
    check_rows: tuple[int, int] | None = None,
    weight: FloatArray | None = None,
) -> tuple[FloatArray, BoolArray, FloatArray]:
    """Log-odds on the calibration slice (first fit), its outcomes, and on the test window.

    ``check_rows`` (start, end) in opening order is the calibration slice (default: the latest
    20 %); the first fit is on the rows before it. ``weight`` (opening order) weighs both fits.
    """
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
    cut, end = check_rows if check_rows is not None else (int(len(y) * 0.8), len(y))
    fit, check = slice(0, cut), slice(cut, end)
    ranks = {c: _category_ranks(x_train[fit, names.index(c)], y[fit]) for c in cell.categorical}
    x = _apply_ranks(x_train, names, ranks)
    w_fit = None if weight is None else weight[fit]
    first = _fit(variant, x[fit], y[fit], names, w_fit)
    raw_check = first(x[check])
    if not variant.refit:  # the first fit scores the test window, with its own ranks
        raw_test = first(_apply_ranks(x_test, names, ranks))
        return raw_check, y[check], raw_test
    if variant.forest_leaf:
        raw_check = 0.5 * (raw_check + _forest(variant, x[fit], y[fit])(x[check]))
    if variant.stack:
        stacker = LogisticRegression(C=1.0).fit(
            np.column_stack([raw_check, _logit(ref_check)]), y[check]
        )
        raw_check = stacker.decision_function(np.column_stack([raw_check, _logit(ref_check)]))
    ranks = {c: _category_ranks(x_train[:, names.index(c)], y) for c in cell.categorical}
    x_all, x_new = _apply_ranks(x_train, names, ranks), _apply_ranks(x_test, names, ranks)
    raw_test = _fit(variant, x_all, y, names, weight)(x_new)
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
        "mean_p": float(p.mean()),
        "late_share": float(yt.mean()),
        "ref_auc": auc(cell.ref_test, yt),
        "ref_f1": precision_recall_f1(cell.ref_test >= 0.5, yt)[2],
        "ref_ece": expected_calibration_error(cell.ref_test, yt),
    }


# ------------------------------------------------- censoring and label shift (#11)

# A training row exists only once its issue is due before the cutoff, so among the issues
# opened shortly before it only the short-horizon ones train, and the service's calibration
# slice (the newest 20 % of the rows) is made of them: they are late more often than the
# issues of the next window (docs/benchmarks.md, "Where the calibration error comes from").
# The variants below keep the service's fits and change what calibrates them, how rows
# are weighted, or shift the probabilities toward a prior read off the newest issues'
# features. Everything is known at the cutoff: opening days of the issues opened before it
# (whether due or not), and the due dates of those already due; the test window adds only
# features of issues whose prediction moment has passed, never a label.


@dataclass
class Timeline:
    """When things happened around one cell, in the cell's opening order."""

    cutoff: float
    window_end: float  # the next cutoff (by design of the folds, known in advance)
    opened_before: FloatArray  # opening day of every issue opened before the cutoff, sorted
    horizon_km: tuple[FloatArray, FloatArray]  # Kaplan-Meier: horizon days, P(horizon <= t)
    opened_train: FloatArray
    horizon_train: FloatArray  # due - opened (days); known, since the row is due
    moment_test: FloatArray  # the test issue's prediction moment: opened + ProgressTime


_FILES: dict[tuple[str, str], jira.JiraIssues] = {}


def kaplan_meier_cdf(duration: FloatArray, observed: BoolArray) -> tuple[FloatArray, FloatArray]:
    """P(T <= t) at each distinct event time t, from durations of which some are censored
    (``observed`` False: only known to exceed ``duration``)."""
    order = np.lexsort((~observed, duration))  # events before censorings at equal times
    d, e = duration[order], observed[order]
    at_risk = d.size - np.arange(d.size)
    times, first = np.unique(d, return_index=True)
    events = np.add.reduceat(e.astype(np.float64), first)
    risk = at_risk[first].astype(np.float64)
    survival = np.cumprod(1.0 - events / risk)
    keep = events > 0
    return times[keep].astype(np.float64), np.asarray(1.0 - survival[keep], dtype=np.float64)


def km_quantile(km: tuple[FloatArray, FloatArray], q: float) -> float:
    times, cdf = km
    if times.size == 0:
        return 0.0
    at = int(np.searchsorted(cdf, q, side="left"))
    return float(times[min(at, times.size - 1)])


def km_cdf_at(km: tuple[FloatArray, FloatArray], t: FloatArray) -> FloatArray:
    times, cdf = km
    at = np.searchsorted(times, t, side="right")
    return np.where(at > 0, cdf[np.maximum(at - 1, 0)], 0.0)


def timeline(cell: Cell, data_dir: Path) -> Timeline:
    key = (cell.project, cell.time)
    if key not in _FILES:
        _FILES[key] = jira.load_file(data_dir / f"{cell.project}_{cell.time}.csv")
    issues = _FILES[key]
    opened = issues.opened_day.astype(np.float64)
    due = _due_day(issues)
    cutoffs = walk_forward_cutoffs(issues, folds=FOLDS)
    start, end = cutoffs[cell.fold], cutoffs[cell.fold + 1]
    train = np.flatnonzero((opened < start) & (due < start))
    test = np.flatnonzero((opened >= start) & (opened < end))
    assert train.size == cell.y_train.size and test.size == cell.y_test.size
    assert np.array_equal(issues.late[test], cell.y_test)
    before = np.flatnonzero(opened < start)
    # Horizon of every issue opened before the cutoff: seen if due by then, else censored at
    # its age (it is only known to be due later).
    known = due[before] < start
    duration = np.where(
        known, np.maximum(due[before] - opened[before], 0.0), start - opened[before]
    )
    progress = np.nan_to_num(issues.column("ProgressTime"))
    return Timeline(
        cutoff=start,
        window_end=end,
        opened_before=np.sort(opened[before]),
        horizon_km=kaplan_meier_cdf(duration, known),
        opened_train=opened[train],
        horizon_train=np.maximum(due[train] - opened[train], 0.0),
        moment_test=opened[test] + progress[test],
    )


def settled_slice(tl: Timeline, opened_sorted: FloatArray, q: float) -> tuple[int, int]:
    """(start, end) in opening order of a calibration slice as long as the service's (20 %
    of the rows) among the rows opened before cutoff - H, H the KM ``q`` horizon quantile;
    H is shortened if fewer than 60 % of the rows would be left before the slice's end."""
    n = opened_sorted.size
    size = n - int(n * 0.8)
    horizon = km_quantile(tl.horizon_km, q)
    end = int(np.searchsorted(opened_sorted, tl.cutoff - horizon, side="left"))
    end = max(end, int(n * 0.6))
    return end - size, end


def ipcw(
    tl: Timeline,
    opened: FloatArray,
    horizon: FloatArray,
    *,
    how: str,
    span: tuple[float, float],
    cap: float,
) -> FloatArray:
    """Weights undoing the "due before the cutoff" selection of rows opened in ``span``
    (from, to). "horizon": a row whose horizon is h stands for the issues with that horizon
    opened in the span, of which only those opened before cutoff - h could be due (counted
    from every issue's opening day); "age": a row opened a days before the cutoff stands for
    the issues opened then, of which P(horizon < a) (Kaplan-Meier) were due."""
    if how == "age":
        p = km_cdf_at(tl.horizon_km, tl.cutoff - opened)
    elif how == "horizon":
        ob = tl.opened_before
        lo = int(np.searchsorted(ob, span[0], side="left"))
        hi = int(np.searchsorted(ob, span[1], side="left"))
        last = np.minimum(np.searchsorted(ob, tl.cutoff - horizon, side="left"), hi)
        p = (last - lo) / float(max(hi - lo, 1))
    else:
        raise ValueError(f"unknown ipcw {how!r}")
    return np.asarray(1.0 / np.maximum(p, 1.0 / cap), dtype=np.float64)


def weighted_calibration(
    raw: FloatArray, y: BoolArray, w: FloatArray, method: str = ""
) -> tuple[FloatArray, FloatArray]:
    """The service's calibration (`_calibration`) with row weights: isotonic with its end
    steps shrunk toward the (weighted) base rate, or Platt below 100 rows."""
    base = float(np.average(y, weights=w))
    if y.all() or not y.any():
        return np.array([0.0]), np.array([base])
    if (method or calibration_for(int(raw.shape[0]))) == "sigmoid":
        fit = LogisticRegression().fit(raw[:, None], y, sample_weight=w)
        a, b = float(fit.coef_[0, 0]), float(fit.intercept_[0])
        low, high = float(raw.min()), float(raw.max())
        span = max(high - low, 1.0)
        grid = np.unique(np.concatenate([[-60.0, 60.0], np.linspace(low - span, high + span, 257)]))
        return grid, 1.0 / (1.0 + np.exp(-np.clip(a * grid + b, -60, 60)))
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(raw, y.astype(np.float64), sample_weight=w)
    cal_y = iso.y_thresholds_.astype(np.float64)
    fitted = iso.predict(raw)
    low_n = int(np.sum(fitted <= cal_y[0]))
    high_n = int(np.sum(fitted >= cal_y[-1]))
    low = (cal_y[0] * low_n + 2.0 * base) / (low_n + 2.0)
    high = (cal_y[-1] * high_n + 2.0 * base) / (high_n + 2.0)
    return iso.X_thresholds_.astype(np.float64), np.clip(cal_y, low, high)


def weighted_best_f1_threshold(p: FloatArray, y: BoolArray, w: FloatArray) -> float:
    """`best_f1_threshold` with row weights (weighted true and false positives)."""
    if not y.any():
        return 0.5
    order = np.argsort(-p, kind="stable")
    ps, ys, ws = p[order], y[order], w[order]
    tp = np.cumsum(ws * ys)
    predicted = np.cumsum(ws)
    f1 = 2 * tp / (predicted + float(np.sum(ws * ys)))
    distinct = np.r_[ps[1:] < ps[:-1], True]
    best = int(np.argmax(np.where(distinct, f1, -1.0)))
    upper = float(ps[best])
    lower = float(ps[best + 1]) if best + 1 < ps.size else 0.0
    return (upper + lower) / 2


def prior_adjusted(p: FloatArray, prior: float, new: float) -> FloatArray:
    """Posteriors under class prior ``prior`` moved to prior ``new`` (Bayes' rule)."""
    a = new / prior
    b = (1.0 - new) / (1.0 - prior)
    return np.asarray(a * p / (a * p + b * (1.0 - p)), dtype=np.float64)


def em_prior(p: FloatArray, prior: float, *, pseudo: float, steps: int = 100) -> float:
    """Saerens-Latinne-Decaestecker EM: the class prior of the issues whose calibrated
    probabilities (under ``prior``) are ``p``, with ``pseudo`` pseudo-issues at ``prior``."""
    new = prior
    for _ in range(steps):
        updated = (float(prior_adjusted(p, prior, new).sum()) + pseudo * prior) / (p.size + pseudo)
        updated = min(max(updated, 1e-3), 1 - 1e-3)
        if abs(updated - new) < 1e-6:
            return updated
        new = updated
    return new


def shifted_logit(p: FloatArray, b: float) -> FloatArray:
    z = np.log(p / (1.0 - p)) + b
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


HORIZON_BINS = np.array([7.0, 30.0, 90.0, 365.0])  # days: <7, 7-30, 30-90, 90-365, longer


def horizon_adjusted_prior(
    tl: Timeline, opened: FloatArray, horizon: FloatArray, y: BoolArray, start: int
) -> float:
    """The late share of *all* issues opened in the calibration slice's days, due or not.

    A logistic model of late on the horizon (binned) and on the period (before the slice /
    the slice's days), fitted on the rows known at the cutoff: selection on the horizon is
    selection on a covariate of this model, so its coefficients are not biased by it. Its
    prediction for the slice's days is averaged over the horizon distribution of every issue
    opened before the cutoff (Kaplan-Meier, which counts the not yet due ones as censored)."""
    bins = np.digitize(horizon, HORIZON_BINS)
    k = HORIZON_BINS.size + 1
    x = np.zeros((horizon.size, k + 1))
    x[np.arange(horizon.size), bins] = 1.0
    x[start:, k] = 1.0  # the slice's period
    if y.all() or not y.any():
        return float(y.mean())
    return _over_horizon_mix(tl, x, y, period=1.0)


def _over_horizon_mix(tl: Timeline, x: FloatArray, y: BoolArray, *, period: float) -> float:
    """Fit late on the horizon bins and the last column of `x`, then average its prediction at
    `period` over the Kaplan-Meier horizon mix of every issue opened before the cutoff."""
    k = HORIZON_BINS.size + 1
    model = LogisticRegression(C=1.0, fit_intercept=False).fit(x, y)
    edges = np.r_[HORIZON_BINS, np.inf]
    cdf = km_cdf_at(tl.horizon_km, edges - 1e-9)
    cdf[-1] = 1.0
    pmf = np.diff(np.r_[0.0, cdf])
    grid = np.zeros((k, k + 1))
    grid[np.arange(k), np.arange(k)] = 1.0
    grid[:, k] = period
    return float(np.sum(pmf * model.predict_proba(grid)[:, 1]))


def horizon_trend_prior(
    tl: Timeline, opened: FloatArray, horizon: FloatArray, y: BoolArray
) -> float:
    """Like `horizon_adjusted_prior`, with a linear trend in time (years) instead of the two
    periods, extrapolated to the middle of the next window: a forecast of its late share from
    rows known at the cutoff, over the Kaplan-Meier horizon mix."""
    if y.all() or not y.any():
        return float(y.mean())
    bins = np.digitize(horizon, HORIZON_BINS)
    k = HORIZON_BINS.size + 1
    x = np.zeros((horizon.size, k + 1))
    x[np.arange(horizon.size), bins] = 1.0
    x[:, k] = (opened - tl.cutoff) / 365.0
    return _over_horizon_mix(tl, x, y, period=(tl.window_end - tl.cutoff) / 2.0 / 365.0)


def mean_matched(p: FloatArray, share: float) -> FloatArray:
    """``p`` with the one log-odds shift that makes its mean ``share`` (bisection)."""
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if float(shifted_logit(p, mid).mean()) < share:
            lo = mid
        else:
            hi = mid
    return shifted_logit(p, (lo + hi) / 2)


def prior_shifted(
    p: FloatArray,
    moment: FloatArray,
    prior: float,
    *,
    how: str,
    days: float,
    pseudo: float,
    offset: float = 0.0,
) -> FloatArray:
    prior = min(max(prior, 1e-3), 1 - 1e-3)
    p = np.clip(p, 1e-6, 1 - 1e-6)
    if how == "window":
        return prior_adjusted(p, prior, em_prior(p, prior, pseudo=pseudo))
    if how in ("oracle", "oracle_mean", "horizon", "horizon_trend"):  # applied by the caller
        return p
    if how == "offset":  # a fixed shift of the log-odds, chosen on the selection folds
        return shifted_logit(p, offset)
    if how != "causal":
        raise ValueError(f"unknown prior shift {how!r}")
    order = np.argsort(moment, kind="stable")
    ms = moment[order]
    out = np.empty_like(p)
    memo: dict[tuple[int, int], float] = {}
    for rank, i in enumerate(order):
        hi = int(np.searchsorted(ms, ms[rank], side="left"))  # strictly earlier moments
        lo = int(np.searchsorted(ms, ms[rank] - days, side="left"))
        if (lo, hi) not in memo:
            memo[(lo, hi)] = em_prior(p[order[lo:hi]], prior, pseudo=pseudo)
        out[i] = prior_adjusted(p[i : i + 1], prior, memo[(lo, hi)])[0]
    return out


def run_shift(variant: Variant, cell: Cell, data_dir: Path) -> dict[str, float]:
    tl = timeline(cell, data_dir)
    order = np.argsort(cell.opened_train, kind="stable")
    opened, horizon = tl.opened_train[order], tl.horizon_train[order]
    n = opened.size
    if variant.calibration == "settled":
        start, end = settled_slice(tl, opened, variant.horizon_q)
    elif variant.calibration == "latest":
        start, end = int(n * 0.8), n
    else:
        raise ValueError(f"unknown calibration {variant.calibration!r}")
    fit_weight = None
    if variant.ipcw and variant.ipcw_fit:
        fit_weight = ipcw(
            tl,
            opened,
            horizon,
            how=variant.ipcw,
            span=(float(tl.opened_before[0]), tl.cutoff),
            cap=variant.ipcw_cap,
        )
    if variant.recency_half_life:
        recency = 0.5 ** ((opened[-1] - opened) / variant.recency_half_life)
        fit_weight = recency if fit_weight is None else fit_weight * recency
    raw_check, y_check, raw_test = raw_scores(
        variant, cell, check_rows=(start, end), weight=fit_weight
    )
    w_check = np.ones(end - start)
    if variant.ipcw:
        w_check = ipcw(
            tl,
            opened[start:end],
            horizon[start:end],
            how=variant.ipcw,
            span=(float(opened[start]), float(opened[end]) if end < n else tl.cutoff),
            cap=variant.ipcw_cap,
        )
    cal_x, cal_y = weighted_calibration(raw_check, y_check, w_check, variant.cal_method)
    p_check = _calibrated(raw_check, cal_x, cal_y)
    threshold = weighted_best_f1_threshold(p_check, y_check, w_check)
    p = _calibrated(raw_test, cal_x, cal_y)
    late = p >= threshold
    if variant.prior_shift and variant.prior_shift != "none":
        # Per issue a monotone map, so the decisions stay those at the calibrated threshold.
        prior = float(np.average(p_check, weights=w_check))
        if variant.prior_shift == "oracle":
            # The bound: the window's own late share as the new prior (uses test labels).
            p = prior_adjusted(np.clip(p, 1e-6, 1 - 1e-6), prior, float(cell.y_test.mean()))
        elif variant.prior_shift == "horizon":
            y_sorted = cell.y_train[order]
            new_prior = horizon_adjusted_prior(tl, opened, horizon, y_sorted, start)
            p = prior_adjusted(
                np.clip(p, 1e-6, 1 - 1e-6), min(max(prior, 1e-3), 1 - 1e-3), new_prior
            )
        elif variant.prior_shift == "horizon_trend":
            new_prior = horizon_trend_prior(tl, opened, horizon, cell.y_train[order])
            p = prior_adjusted(
                np.clip(p, 1e-6, 1 - 1e-6), min(max(prior, 1e-3), 1 - 1e-3), new_prior
            )
        elif variant.prior_shift == "oracle_mean":
            # The bound: the one log-odds shift that makes the mean probability the window's
            # late share (uses test labels).
            p = mean_matched(np.clip(p, 1e-6, 1 - 1e-6), float(cell.y_test.mean()))
        p = prior_shifted(
            p,
            tl.moment_test,
            prior,
            how=variant.prior_shift,
            days=variant.prior_days,
            pseudo=variant.prior_pseudo,
            offset=variant.prior_offset,
        )
    return scored(p, late, cell)


def scored(p: FloatArray, late: BoolArray, cell: Cell) -> dict[str, float]:
    yt = cell.y_test
    return {
        "auc": auc(p, yt),
        "f1": precision_recall_f1(late, yt)[2],
        "ece": expected_calibration_error(p, yt),
        "ece_floor": calibration_noise_floor(p),
        "mean_p": float(p.mean()),
        "late_share": float(yt.mean()),
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


def _read_log(log: Path) -> dict[str, dict[str, dict[str, float]]]:
    """The variant log: each variant's results by cell (the last run of a cell wins)."""
    rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    by: dict[str, dict[str, dict[str, float]]] = {}
    for r in rows:
        by.setdefault(r["variant"], {})[r["cell"]] = r
    return by


def table(log: Path, *, baseline: str = "default") -> str:
    by = _read_log(log)
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


def detail(log: Path, *, baseline: str = "default") -> str:
    """Per variant and prediction time, over the cells both have: the change of mean AUC and
    ECE against ``baseline``, in how many cells each got better, and the calibration in the
    large (mean probability minus late share) of both."""
    by = _read_log(log)
    base = by.get(baseline, {})
    groups = [(t, rd) for t in ("creation", "due", "discussion") for rd in (0, 1)]
    out = [
        "| variant | time | RD | cells | ΔAUC (better cells) | ΔECE (better cells)"
        " | mean p − late share, base → variant |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, results in by.items():
        if name == baseline:
            continue
        for t, rd in groups:
            keys = [
                k
                for k in results
                if k in base and k.split("/")[1] == t and k.split("/")[3] == str(rd)
            ]
            if not keys:
                continue
            d_auc = np.array([results[k]["auc"] - base[k]["auc"] for k in keys])
            d_ece = np.array([results[k]["ece"] - base[k]["ece"] for k in keys])

            def bias(rs: dict[str, dict[str, float]], keys: list[str] = keys) -> str:
                v = [rs[k]["mean_p"] - rs[k]["late_share"] for k in keys if "mean_p" in rs[k]]
                return f"{np.mean(v):+.3f}" if len(v) == len(keys) else "–"

            out.append(
                f"| {name} | {t} | {'with' if rd else 'w/o'} | {len(keys)} "
                f"| {np.nanmean(d_auc):+.4f} ({int(np.sum(d_auc > 0))}/{len(keys)}) "
                f"| {np.nanmean(d_ece):+.4f} ({int(np.sum(d_ece < 0))}/{len(keys)}) "
                f"| {bias(base)} → {bias(results)} |"
            )
    return "\n".join(out)


def leave_one_fold_out(log: Path, candidates: list[str], *, baseline: str = "default") -> str:
    """Choose among ``candidates`` on three selection folds by mean ECE and score the choice on
    the fourth, for each fold in turn: how a setting such as a fixed offset would do on a fold
    it was not chosen on (the cells every candidate and ``baseline`` have)."""
    by = _read_log(log)
    out = ["| time | RD | cells | baseline ECE | chosen-elsewhere ECE | chosen per fold |"]
    out.append("|---|---|---|---|---|---|")
    for t in ("creation", "due", "discussion"):
        for rd in ("0", "1"):
            keys = [
                k
                for k in by.get(baseline, {})
                if k.split("/")[1] == t
                and k.split("/")[3] == rd
                and all(k in by.get(c, {}) for c in candidates)
            ]
            if not keys:
                continue
            scored: list[float] = []
            chosen: list[str] = []
            for fold in sorted({k.split("/")[2] for k in keys}):
                train = [k for k in keys if k.split("/")[2] != fold]
                test = [k for k in keys if k.split("/")[2] == fold]
                best = min(candidates, key=lambda c: np.mean([by[c][k]["ece"] for k in train]))
                chosen.append(best)
                scored += [by[best][k]["ece"] for k in test]
            base = np.mean([by[baseline][k]["ece"] for k in keys])
            out.append(
                f"| {t} | {'with' if rd == '1' else 'w/o'} | {len(keys)} | {base:.3f} "
                f"| {np.mean(scored):.3f} | {', '.join(chosen)} |"
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
    parser.add_argument(
        "--detail", action="store_true", help="per time: changes, cells improved, bias"
    )
    parser.add_argument(
        "--lofo",
        default="",
        help="comma-separated candidates: each chosen on three folds, scored on the fourth",
    )
    args = parser.parse_args()
    if args.lofo:
        print(leave_one_fold_out(args.log, args.lofo.split(",")))
        return 0
    if args.table:
        print(table(args.log))
        return 0
    if args.detail:
        print(detail(args.log))
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
                    result = run(VARIANTS[name], cell, args.data_dir or jira.data_dir())
                with args.log.open("a") as f:
                    f.write(json.dumps({"variant": name, "cell": cell.key, **result}) + "\n")
            print(f"{name}: {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
