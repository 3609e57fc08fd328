"""Training time and batch scoring throughput of the delay-risk model.

    python bench/risk_speed.py [--data-dir DIR] [--time due] [--rows 100000] [--json]

Trains one model per project at one prediction time on the whole folder, each with the
other projects' issues as its pool (as ``bench/risk_eval.py`` does; the service trains one
model over all its projects), then scores a batch of ``--rows`` issues (the projects' rows repeated)
with the largest model: features already built ("score"), and features built from the
loaded issues too ("features + score"). Wall and CPU seconds are both reported because
the cores are shared.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from risk_eval import pool_for

from services.risk import jira
from services.risk.features import FeatureMatrix, fit_vocabulary, jira_feature_matrix
from services.risk.model import RiskModel, dumps, train_risk_model


def _timed(label: str, results: dict[str, float], func: object) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    out = func() if callable(func) else None
    results[f"{label}_wall_seconds"] = time.perf_counter() - wall
    results[f"{label}_cpu_seconds"] = time.process_time() - cpu
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--time", default="due", choices=jira.PREDICTION_TIMES)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        folder = args.data_dir or jira.data_dir()
        files = jira.load_folder(folder)
        issues = {p: i for (p, t), i in files.items() if t == args.time}
    except (jira.JiraDataError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    results: dict[str, float] = {}
    models: dict[str, tuple[RiskModel, FeatureMatrix]] = {}

    def train_all() -> None:
        for project, project_issues in issues.items():
            vocabulary = fit_vocabulary(project_issues)
            features = jira_feature_matrix(project_issues, vocabulary, with_remaining_day=True)
            model = train_risk_model(
                features=features,
                delay_days=project_issues.delay_days,
                opened_day=project_issues.opened_day,
                name=f"{project}/{args.time}",
                pool=pool_for(project, args.time, files, cutoff=np.inf, remaining_day=True),
            )
            models[project] = (model, features)

    _timed("train_all_projects", results, train_all)
    largest = max(models, key=lambda p: len(models[p][1]))
    model, features = models[largest]
    repeat = -(-args.rows // len(features))
    batch = FeatureMatrix(
        np.tile(features.values, (repeat, 1))[: args.rows],
        features.names,
        features.categorical,
        np.full(args.rows, largest, dtype=np.str_),
    )
    _timed("score", results, lambda: model.score(batch))
    results["score_tasks_per_second"] = args.rows / results["score_wall_seconds"]
    project_issues = issues[largest]
    many = jira.concat([project_issues] * repeat)
    vocabulary = fit_vocabulary(project_issues)
    _timed(
        "features_and_score",
        results,
        lambda: model.score(jira_feature_matrix(many, vocabulary, with_remaining_day=True)),
    )
    results["features_and_score_tasks_per_second"] = (
        len(many) / results["features_and_score_wall_seconds"]
    )
    _timed("explain_1000", results, lambda: model.explain(batch.rows(slice(0, 1000))))
    results["model_bytes"] = float(len(dumps(model)))
    results["rows"] = float(args.rows)
    if args.json:
        print(
            json.dumps({"prediction_time": args.time, "scored_with": largest, **results}, indent=2)
        )
    else:
        print(f"prediction time {args.time}; scored with the {largest} model")
        for key, value in results.items():
            print(f"{key:<40} {value:14.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
