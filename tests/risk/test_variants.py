"""bench/risk_variants.py: model variants are compared on the selection folds only."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.risk.test_eval import issues, risk_eval
from tests.risk.test_jira import write_csv

BENCH = Path(__file__).resolve().parents[2] / "bench" / "risk_variants.py"


def risk_variants() -> ModuleType:
    risk_eval()  # the variants script imports it by name
    spec = importlib.util.spec_from_file_location("risk_variants", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_no_variant_ever_sees_the_report_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    write_csv(data / "fresh_due.csv", issues(date(2020, 1, 1), 900, first_key=1, seed=5))
    module = risk_variants()
    monkeypatch.setattr(module, "REFERENCE_TREES", 5)  # the forest is not what is tested
    cells = module.build_cells(data, tmp_path / "cache", projects=set(), times={"due"})
    assert {c.fold for c in cells} == {0, 1, 2, 3}
    opened = module.jira.load_file(data / "fresh_due.csv").opened_day
    first, span = opened.min(), opened.max() - opened.min()
    report_start = first + 0.9 * span
    block = module._block(data, "fresh", "due", True)
    assert block.issues.opened_day.max() < report_start
    # The selection windows test every issue from the first cutoff up to the report window.
    tested = sum(c.y_test.size for c in cells if c.rd)
    assert tested == int(((opened >= first + 0.5 * span) & (opened < report_start)).sum())


def test_the_default_variant_is_the_services_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A variant's gain is measured against what the service would have scored."""
    data = tmp_path / "data"
    data.mkdir()
    write_csv(data / "fresh_due.csv", issues(date(2020, 1, 1), 900, first_key=1, seed=5))
    argv = ["--walk-forward", "--selection-only", "--data-dir", str(data)]
    argv += ["--remaining-day", "with", "--reference-trees", "5", "--json"]
    assert risk_eval().main(argv) == 0
    expected = {
        r["fold"]: r["model"]["auc"] for r in json.loads(capsys.readouterr().out)["results"]
    }
    module = risk_variants()
    monkeypatch.setattr(module, "REFERENCE_TREES", 5)  # the forest is not what is tested
    cells = module.build_cells(data, tmp_path / "cache", projects=set(), times={"due"})
    got = {c.fold: module.run(module.VARIANTS["default"], c)["auc"] for c in cells if c.rd}
    assert got == pytest.approx(expected, abs=1e-9)


def test_a_blend_scores_the_same_calibration_slice_and_test_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The blends average models scored on the same rows (the pooled model's calibration
    slice and test window are the service model's), and each blend uses its second model: its
    scores are not the service model's alone."""
    data = tmp_path / "data"
    data.mkdir()
    write_csv(data / "one_due.csv", issues(date(2020, 1, 1), 900, first_key=1, seed=5))
    write_csv(data / "two_due.csv", issues(date(2020, 1, 1), 900, first_key=5000, seed=6))
    module = risk_variants()
    monkeypatch.setattr(module, "REFERENCE_TREES", 5)
    monkeypatch.setattr(module, "_BLOCKS", {})
    cells = module.build_cells(data, tmp_path / "cache", projects={"one"}, times={"due"})
    cell = next(c for c in cells if c.rd)
    own_check, y_check, own_test = module.raw_scores(module.VARIANTS["default"], cell)
    _, y_pool, pool_test = module.pooled_raw(cell, data, others=True, hgb=module.DEFAULT_HGB)
    assert (y_check == y_pool).all() and own_test.shape == pool_test.shape
    default = module.run(module.VARIANTS["default"], cell)
    assert module.finish(own_check, y_check, own_test, cell) == default
    for how in module.BLENDS:
        result = module.run_blend(cell, data, how=how)
        assert 0.0 <= result["auc"] <= 1.0 and 0.0 < result["ece_floor"] < 0.2
        assert (result["auc"], result["ece"]) != (default["auc"], default["ece"]), how


def test_the_shift_variants_start_from_the_services_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The censoring and prior-shift variants change only what they say: with nothing
    switched on (`shift_control`) they give `default`'s scores exactly; a settled slice lies
    before the cutoff minus the horizon; a prior shift over the whole window keeps the order."""
    data = tmp_path / "data"
    data.mkdir()
    write_csv(data / "fresh_due.csv", issues(date(2020, 1, 1), 900, first_key=1, seed=5))
    module = risk_variants()
    monkeypatch.setattr(module, "REFERENCE_TREES", 5)
    monkeypatch.setattr(module, "_FILES", {})
    cells = module.build_cells(data, tmp_path / "cache", projects=set(), times={"due"})
    for cell in cells:
        default = module.run(module.VARIANTS["default"], cell)
        control = module.run(module.VARIANTS["shift_control"], cell, data)
        assert {k: control[k] for k in default} == default
    cell = next(c for c in cells if c.rd and c.fold == 3)
    tl = module.timeline(cell, data)
    opened = np.sort(tl.opened_train)
    start, end = module.settled_slice(tl, opened, 0.9)
    assert end - start == opened.size - int(opened.size * 0.8)
    horizon = module.km_quantile(tl.horizon_km, 0.9)
    assert opened[end - 1] < tl.cutoff - horizon or end == int(opened.size * 0.6)
    window = module.run(module.VARIANTS["em_window"], cell, data)
    default = module.run(module.VARIANTS["default"], cell)
    assert window["auc"] == pytest.approx(default["auc"], abs=1e-9)
    assert window["f1"] == default["f1"]  # decisions stay at the calibrated threshold


def test_kaplan_meier_and_the_em_prior() -> None:
    module = risk_variants()
    # Durations 1, 2, 3 seen and one censored at 2: S(1) = 3/4, S(2) = 3/4 * 2/3, S(3) = 0.
    times, cdf = module.kaplan_meier_cdf(
        np.array([1.0, 2.0, 2.0, 3.0]), np.array([True, True, False, True])
    )
    assert times.tolist() == [1.0, 2.0, 3.0]
    assert cdf == pytest.approx([0.25, 0.5, 1.0])
    # Issues drawn from a mixture with prior 0.2 of classes a calibrated model (trained at
    # prior 0.5) separates perfectly: EM finds 0.2.
    p = np.r_[np.full(20, 0.99), np.full(80, 0.01)]
    assert module.em_prior(p, 0.5, pseudo=0.0) == pytest.approx(0.2, abs=0.01)
    assert module.prior_adjusted(np.array([0.5]), 0.5, 0.2)[0] == pytest.approx(0.2)
    # The oracle bound's shift makes the mean probability the window's late share exactly.
    q = np.array([0.1, 0.4, 0.8, 0.9])
    assert module.mean_matched(q, 0.3).mean() == pytest.approx(0.3, abs=1e-9)
    assert np.all(np.diff(module.shifted_logit(q, -0.6)) > 0)
