"""bench/forecast_backtest.py on the shared real projects (skipped where they are absent)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "forecast_backtest.py"


@pytest.fixture(scope="module")
def backtest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("forecast_backtest", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_protrack_durations_are_working_days(backtest: ModuleType) -> None:
    assert backtest.parse_days("43d") == 43
    assert backtest.parse_days("442d 2h") == 442.25
    assert backtest.parse_days("2w 3d") == 13
    assert backtest.parse_days(None) == 0


def test_one_real_project_is_read_and_forecast(backtest: ModuleType, tmp_path: Path) -> None:
    source = backtest.DATA / "dslib-23" / "C2011-05.xlsx"
    if not source.exists():
        pytest.skip(f"dslib-23 not found at {source.parent}; set PLANOPS_DATA_DIR")
    pytest.importorskip("openpyxl")
    shutil.copy(source, tmp_path)
    (project,) = backtest.load_dslib(tmp_path)
    # The Telecom project: 43 working days planned, 53 taken, five tracking periods.
    assert (project.planned_days, project.actual_days) == (43, 53)
    assert len(project.periods) == 5
    assert project.baseline_network_days == pytest.approx(43)
    # On schedule at half way (SPI(t) 1), behind at three quarters (SPI(t) 0.9).
    halfway = backtest.seen_at(project, 0.5)
    assert (halfway.at, halfway.es) == (24, 24)
    late = backtest.seen_at(project, 0.75)
    assert (late.at, late.es) == (40, pytest.approx(36))
    assert backtest.seen_at(project, 1.0) is None


def test_kitchenham_is_forecast_only_from_projects_finished_before(
    backtest: ModuleType,
) -> None:
    path = backtest.DATA / "kitchenham" / "kitchenham-2002.arff"
    if not path.exists():
        pytest.skip(f"kitchenham not found at {path}; set PLANOPS_DATA_DIR")
    projects = backtest.load_kitchenham(path)
    result = backtest.backtest_kitchenham(projects)["stages"]["0"]
    first_forecast = next(p for p in projects if sum(q.end < p.start for q in projects) >= 10)
    assert result["reference_class"]["n"] == sum(
        1
        for p in projects
        if p.start >= first_forecast.start and sum(q.end < p.start for q in projects) >= 10
    )
    # The plan says every project is on time; the class knows a third are late.
    assert result["reference_class"]["brier_p_deadline"] < result["plan"]["brier_p_deadline"]
