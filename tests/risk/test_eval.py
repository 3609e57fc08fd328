"""bench/risk_eval.py on a folder it has never seen, in the dataset's format."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.risk.test_jira import row, write_csv

BENCH = Path(__file__).resolve().parents[2] / "bench" / "risk_eval.py"


def risk_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("risk_eval", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def issues(start: date, count: int, *, first_key: int, seed: int) -> list[dict[str, str]]:
    """Issues whose due date is close (few remaining days) tend to run late."""
    rng = random.Random(seed)
    found = []
    for i in range(count):
        remaining = rng.randint(1, 40)
        late = rng.random() < (0.8 if remaining < 10 else 0.1)
        found.append(
            row(
                f"NEW-{first_key + i}",
                (start + timedelta(days=i // 3)).isoformat(),
                remaining=remaining,
                delay=rng.randint(1, 20) if late else 0,
                type_=rng.choice(["Bug", "Task"]),
                priority=rng.choice(["Major", "Minor"]),
            )
        )
    return found


def test_the_evaluation_runs_on_an_unseen_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train, test = tmp_path / "train", tmp_path / "test"
    train.mkdir()
    test.mkdir()
    write_csv(train / "fresh_due.csv", issues(date(2020, 1, 1), 300, first_key=1, seed=1))
    write_csv(test / "fresh_due.csv", issues(date(2020, 5, 1), 120, first_key=301, seed=2))
    argv = ["--train-dir", str(train), "--test-dir", str(test), "--remaining-day", "with"]
    assert risk_eval().main([*argv, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (result,) = report["results"]
    assert (result["project"], result["prediction_time"]) == ("fresh", "due")
    assert (result["train_rows"], result["test_rows"]) == (300, 120)
    assert result["model"]["auc"] > 0.75 and result["reference"]["auc"] > 0.6
    (mean,) = report["mean"]
    assert {"auc", "f1", "ece", "mae_days", "reference_auc"} <= set(mean)


def test_a_test_file_without_a_training_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train, test = tmp_path / "train", tmp_path / "test"
    train.mkdir()
    test.mkdir()
    write_csv(train / "fresh_due.csv", issues(date(2020, 1, 1), 30, first_key=1, seed=1))
    write_csv(test / "other_due.csv", issues(date(2020, 5, 1), 30, first_key=1, seed=2))
    assert risk_eval().main(["--train-dir", str(train), "--test-dir", str(test)]) == 2
    assert "no training file" in capsys.readouterr().err


def test_walk_forward_never_trains_on_an_outcome_not_yet_known(tmp_path: Path) -> None:
    module = risk_eval()
    path = tmp_path / "fresh_due.csv"
    rows = issues(date(2020, 1, 1), 300, first_key=1, seed=3)
    # Opened on the first day but due 400 days later: its outcome is unknown at every cutoff.
    rows.append(row("NEW-999", "2020-01-01", remaining=400, delay=30))
    write_csv(path, rows)
    folds = module.walk_forward_folds(module.jira.load_file(path), folds=3)
    assert len(folds) == 3
    for train, test in folds:
        assert "NEW-999" not in train.issue_key.tolist()
        assert train.opened_day.max() < test.opened_day.min()
    # The windows cover every issue opened from the first cutoff to the end, once.
    keys = [k for _, test in folds for k in test.issue_key.tolist()]
    assert len(keys) == len(set(keys))
    assert "NEW-300" in keys


def test_walk_forward_reports_the_last_fold_apart_from_the_selection_folds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(tmp_path / "fresh_due.csv", issues(date(2020, 1, 1), 600, first_key=1, seed=4))
    argv = ["--walk-forward", "--folds", "3", "--data-dir", str(tmp_path)]
    argv += ["--remaining-day", "with", "--reference-trees", "20", "--json"]
    assert risk_eval().main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    phases = {(r["fold"], r["phase"]) for r in report["results"]}
    assert phases == {(0, "selection"), (1, "selection"), (2, "report")}
    assert report["report_mean"][0]["auc"] > 0.7
    assert report["report_mean"][0]["reference_auc"] > 0.7
    # Each result carries its reliability diagram: bins that cover the tested issues.
    for r in report["results"]:
        assert sum(n for _, _, n in r["model"]["reliability"]) == r["test_rows"]
        assert sum(n for _, _, n in r["reference"]["reliability"]) == r["test_rows"]


def test_walk_forward_draws_the_report_folds_reliability_diagram(tmp_path: Path) -> None:
    write_csv(tmp_path / "fresh_due.csv", issues(date(2020, 1, 1), 600, first_key=1, seed=4))
    png = tmp_path / "reliability.png"
    argv = ["--walk-forward", "--folds", "2", "--data-dir", str(tmp_path), "--reference-trees"]
    argv += ["10", "--remaining-day", "with", "--reliability-png", str(png)]
    assert risk_eval().main(argv) == 0
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5_000


def test_a_log_odds_offset_follows_a_drifted_late_share() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.6, size=4000)
    # The world moved: every task is as likely late as log-odds + 1 says.
    truth = 1 / (1 + np.exp(-(np.log(p / (1 - p)) + 1.0)))
    late = rng.random(4000) < truth
    module = risk_eval()
    b = module.logit_offset(p, late)
    assert b == pytest.approx(1.0, abs=0.1)
    assert (
        module.expected_calibration_error(module.shifted(p, b), late)
        < 0.03
        < module.expected_calibration_error(p, late)
    )
    # Few outcomes move it little, none not at all.
    assert abs(module.logit_offset(p[:3], np.array([True, True, True]))) < 1.0
    assert module.logit_offset(p[:0], late[:0]) == 0.0


def test_a_pool_holds_only_other_projects_work_known_before_the_cutoff(tmp_path: Path) -> None:
    """Each project's pool is the other projects' issues opened and due before its cutoff,
    their features computed from what was opened by then: later issues change nothing."""
    module = risk_eval()
    jira = module.jira
    write_csv(tmp_path / "one_due.csv", issues(date(2020, 1, 1), 600, first_key=1, seed=3))
    # After the cutoff, project two starts filing Epics: a category code that, read from the
    # whole file, would renumber the earlier issues' types.
    later = [
        row(
            f"NEW-{9000 + i}",
            (date(2020, 6, 1) + timedelta(days=i)).isoformat(),
            remaining=5,
            delay=0,
            type_="Epic",
            priority="Major",
        )
        for i in range(40)
    ]
    two_rows = issues(date(2020, 1, 1), 300, first_key=5000, seed=4) + later
    write_csv(tmp_path / "two_due.csv", two_rows)
    files = jira.load_folder(tmp_path)
    cutoff = float(files[("two", "due")].opened_day.min() + 90)
    (pool,) = module.pool_for("one", "due", files, cutoff=cutoff, remaining_day=True)
    assert pool.name == "two"
    assert (pool.opened_day < cutoff).all() and (pool.known_day < cutoff).all()
    assert len(pool.late) > 0
    # The same pool from a file cut at the cutoff: the later issues were never read.
    two = files[("two", "due")]
    cut = {**files, ("two", "due"): two.take(np.flatnonzero(two.opened_day < cutoff))}
    (again,) = module.pool_for("one", "due", cut, cutoff=cutoff, remaining_day=True)
    np.testing.assert_array_equal(pool.features.values, again.features.values)
    np.testing.assert_array_equal(pool.late, again.late)
