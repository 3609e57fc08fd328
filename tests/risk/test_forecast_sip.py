"""bench/forecast_sip.py: stage cutoffs, what a forecast may see, and the score arithmetic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

START = dt.date(2010, 1, 1).toordinal()
BENCH = Path(__file__).resolve().parents[2] / "bench" / "forecast_sip.py"


@pytest.fixture(scope="module")
def sip() -> ModuleType:
    spec = importlib.util.spec_from_file_location("forecast_sip", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def task(
    sip: ModuleType,
    *,
    number: int,
    estimate: float,
    known: int,
    done: int,
    project: str = "P",
    actual: float | None = None,
) -> Any:
    return sip.Task(
        number=number,
        project=project,
        estimate=estimate,
        actual=estimate if actual is None else actual,
        estimated_on=known,
        completed_on=done,
    )


def test_a_stage_is_reached_on_the_hours_known_that_day(sip: ModuleType) -> None:
    window = [
        task(sip, number=1, estimate=4, known=0, done=2),
        task(sip, number=2, estimate=4, known=0, done=5),
        task(sip, number=3, estimate=8, known=0, done=9),
        task(sip, number=4, estimate=4, known=0, done=9),
        task(sip, number=5, estimate=4, known=0, done=12),
    ]
    # 8 of 24 hours on day 5, 20 of 24 on day 9; on day 12 nothing is open.
    assert sip.stage_cutoff(window, 0.25) == 5
    assert sip.stage_cutoff(window, 0.5) == 9
    assert sip.stage_cutoff(window, 0.75) == 9
    assert sip.stage_cutoff(window, 0.9) is None
    # Work estimated on day 6 is unknown on day 5 and counts from then on.
    grown = [*window, task(sip, number=6, estimate=24, known=6, done=20)]
    assert sip.stage_cutoff(grown, 0.25) == 5
    assert sip.stage_cutoff(grown, 0.5) == 12  # 24 of 48 hours
    # The outcome is the last finish of the tasks open at the cutoff, not of later ones.
    assert sip.outcome(grown, 5) == 12
    assert sip.outcome(grown, 9) == 20


def test_too_small_a_scope_is_not_forecast(sip: ModuleType) -> None:
    window = [
        task(sip, number=i, estimate=4, known=0, done=1 + i) for i in range(sip.MIN_TASKS - 1)
    ]
    assert sip.stage_cutoff(window, 0.25) is None


def generated(sip: ModuleType, seed: int) -> list[Any]:
    """Three project codes, two years of work estimated every few days."""
    rng = np.random.default_rng(seed)
    tasks = []
    for number in range(900):
        known = START + int(rng.integers(0, 730))
        life = int(rng.choice([0, 1, 3, 10, 40, 120], p=[0.3, 0.2, 0.2, 0.15, 0.1, 0.05]))
        estimate = float(rng.choice([1, 3.5, 7, 14]))
        tasks.append(
            task(
                sip,
                number=number,
                estimate=estimate,
                known=known,
                done=known + life,
                project=f"P{number % 3}",
                actual=estimate * float(rng.lognormal(0.1, 0.5)),
            )
        )
    return sorted(tasks, key=lambda t: (t.estimated_on, t.number))


def forecasts_at(
    sip: ModuleType, *, tasks: list[Any], key: tuple[str, float, int]
) -> dict[str, object]:
    everything = sip.cases(tasks, trailing_days=91, stages=(0.25, 0.5, 0.75))
    (case,) = [c for c in everything if (c.project, c.stage, c.day) == key]
    window = sip.windows(tasks)[(case.project, sip.quarter(case.start))]
    snapshot = sip.known_at(sip.History(tasks), window=window, day=case.day)
    return {
        "plan_at_cutoff": case.plan,
        **sip.forecast_case(
            case,
            snapshot=snapshot,
            earlier=everything,
            rng=np.random.default_rng(7),
            samples=400,
            recent=sip.RECENT,
        ),
    }


def test_no_row_from_after_the_cutoff_changes_a_forecast(sip: ModuleType) -> None:
    tasks = generated(sip, 1)
    everything = sip.cases(tasks, trailing_days=91, stages=(0.25, 0.5, 0.75))
    # A late case, with a class of finished projects behind it.
    case = next(
        c
        for c in reversed(everything)
        if sum(o.stage == c.stage and o.finish <= c.day for o in everything) >= sip.MIN_CLASS
    )
    key = (case.project, case.stage, case.day)
    before = forecasts_at(sip, tasks=tasks, key=key)
    recent = {r.name for r in sip.RECENT}
    assert set(before) == {"plan_at_cutoff", "rc_own", "rc_projects", "es", "plan", *recent}

    # The future rewritten: every task finished after the cutoff took ten times its
    # hours and 200 more days, and new work arrived after it. The outcome moves; the
    # forecasts made at the cutoff must not.
    future = [
        dataclasses.replace(t, actual=t.actual * 10, completed_on=t.completed_on + 200)
        if t.completed_on > case.day
        else t
        for t in tasks
    ]
    # The most tempting leak: work done the day after the cutoff, ten times over budget.
    future += [
        task(
            sip,
            number=10_000 + i,
            estimate=50,
            actual=500,
            known=case.day + 1 + i % 2,
            done=case.day + 1 + i % 2 + 300 * (i % 3 == 0),
            project=case.project,
        )
        for i in range(20)
    ]
    assert forecasts_at(sip, tasks=future, key=key) == before

    # The same rewrite of the past does move them, so the check above can fail.
    past = [
        dataclasses.replace(t, actual=t.actual * 10, completed_on=t.completed_on)
        if t.completed_on <= case.day and t.project == case.project
        else t
        for t in tasks
    ]
    moved = forecasts_at(sip, tasks=past, key=key)
    # (rc_own scales the hours and the team's pace alike, so this rewrite leaves it be.)
    assert [m for m in ("plan_at_cutoff", "rc_projects", *recent) if moved[m] == before[m]] == []


def test_other_projects_teach_only_once_finished(sip: ModuleType) -> None:
    tasks = generated(sip, 2)
    everything = sip.cases(tasks, trailing_days=91, stages=(0.5,))
    case = everything[-1]
    window = sip.windows(tasks)[(case.project, sip.quarter(case.start))]
    snapshot = sip.known_at(sip.History(tasks), window=window, day=case.day)
    finished = [c for c in everything if c.finish <= case.day]
    assert len(finished) >= sip.MIN_CLASS
    rng = np.random.default_rng
    recent = sip.RECENT
    with_all = sip.forecast_case(
        case, snapshot=snapshot, earlier=everything, rng=rng(3), recent=recent
    )
    with_finished = sip.forecast_case(
        case, snapshot=snapshot, earlier=finished, rng=rng(3), recent=recent
    )
    assert with_all == with_finished
    assert {r.name for r in recent} <= set(with_all)
    # Asked directly, a recent class refuses a quarter that had not finished.
    unfinished = next(c for c in everything if c.finish > case.day)
    same_stage = [c for c in finished if c.stage == case.stage]
    with pytest.raises(ValueError, match="finished by its cutoff"):
        sip.recent_forecast(case, finished=[*same_stage, unfinished], recent=recent[0])


def test_a_recent_class_learns_from_the_latest_quarters(sip: ModuleType) -> None:
    tasks = generated(sip, 4)
    everything = sip.cases(tasks, trailing_days=91, stages=(0.5,))
    case = everything[-1]
    finished = [c for c in everything if c.finish <= case.day]
    assert len(finished) > 10
    last10 = sip.Recent("es", last=10)
    newest = sorted(finished, key=lambda c: c.finish)[-10:]
    # The ten quarters finished last decide it: ones finished earlier, whose open work
    # was a hundred times larger against the same finish, do not move it.
    smaller = [
        c
        if c in newest
        else dataclasses.replace(
            c, plan=dataclasses.replace(c.plan, remaining=c.plan.remaining * 100)
        )
        for c in finished
    ]
    forecast = sip.recent_forecast(case, finished=finished, recent=last10)
    assert sip.recent_forecast(case, finished=smaller, recent=last10) == forecast
    assert sip.recent_forecast(case, finished=smaller, recent=sip.Recent("es", last=20)) != (
        sip.recent_forecast(case, finished=finished, recent=sip.Recent("es", last=20))
    )
    # Its P50 is earned schedule's days times the ten's typical ratio to theirs.
    ratios = np.log([(c.finish - c.day) / c.es_days for c in newest])
    assert forecast.p50 == pytest.approx(case.es_days * np.exp(ratios.mean()))
    # Kept at earned schedule, the P50 is earned schedule's date.
    anchored = sip.recent_forecast(
        case, finished=finished, recent=sip.Recent("es", last=10, keep=0.0)
    )
    assert anchored.p50 == pytest.approx(case.es_days)
    assert anchored.p80 > anchored.p50


def test_open_tasks_last_as_long_as_tasks_that_were_open_as_long(sip: ModuleType) -> None:
    # The project's history: 25 tasks that lived 3 days, 25 that lived 20. Its one open
    # task is 5 days old, so only the 20-day ones can say how long it still has: 15.
    history = [task(sip, number=i, estimate=7, known=0, done=3) for i in range(25)]
    history += [task(sip, number=100 + i, estimate=7, known=0, done=20) for i in range(25)]
    window = [task(sip, number=999, estimate=7, known=95, done=200)]
    snapshot = sip.known_at(sip.History([*history, *window]), window=window, day=100)
    assert [o.estimate for o in snapshot.open] == [7]
    plan = sip.Plan(capacity=7.0, remaining=7.0, earned_rate=1.0)
    draws = sip.own_history(snapshot, project="P", plan=plan, rng=np.random.default_rng(0))
    assert set(draws.tolist()) == {15.0}
    # Seven open hours at a team pace of 0.35 hours a day take 20 days whatever the lives
    # say (every finished task took its estimate, so every drawn ratio is 1).
    slow = sip.Plan(capacity=0.35, remaining=7.0, earned_rate=1.0)
    draws = sip.own_history(snapshot, project="P", plan=slow, rng=np.random.default_rng(0))
    assert draws.tolist() == pytest.approx([20.0] * len(draws))


def test_coverage_and_brier_arithmetic(sip: ModuleType) -> None:
    scores = sip.Scores.empty()
    # 10 days taken: P50 8 (20 % off, too early), P80 12 (covers); 70 % on time, but late.
    scores.add(actual=10.0, p50=8.0, p80=12.0, p_on_time=0.7, on_time=False)
    # A single date, right on; certain and on time.
    scores.add(actual=5.0, p50=5.0, p80=None, p_on_time=1.0, on_time=True)
    assert scores.summary() == {
        "n": 2,
        "mape_p50": 0.1,
        "share_at_or_before_p50": 0.5,
        "share_at_or_before_p80": 1.0,
        "brier_p_deadline": pytest.approx(0.245),
    }


def test_verdicts_compare_the_chosen_method_with_es_and_the_plan(sip: ModuleType) -> None:
    def scores(mape: float, p80: float | None, brier: float) -> dict[str, object]:
        return {"mape_p50": mape, "share_at_or_before_p80": p80, "brier_p_deadline": brier}

    later = {
        "50": {
            "rc_projects": scores(0.4, 0.8, 0.1),
            "es": scores(0.5, None, 0.3),
            "plan": scores(0.6, None, 0.6),
        }
    }
    met = sip.verdicts(later, "rc_projects")
    assert met == {
        "sip 50%: P80 covers 75-85 %": True,
        "sip 50%: P50 error 20 % below ES and plan": True,  # 0.4 <= 0.8 * 0.5
        "sip 50%: Brier below ES and plan": True,
    }
    later["50"]["es"] = scores(0.45, None, 0.05)
    assert sip.verdicts(later, "rc_projects") == {
        "sip 50%: P80 covers 75-85 %": True,
        "sip 50%: P50 error 20 % below ES and plan": False,
        "sip 50%: Brier below ES and plan": False,
    }


def test_the_real_file_is_read_one_row_per_task(sip: ModuleType) -> None:
    folder = Path(os.environ.get("PLANOPS_DATA_DIR", BENCH.parents[2] / "shared" / "data")) / "sip"
    if not (folder / "Sip-task-info.csv").exists():
        pytest.skip(f"sip not found at {folder}; set PLANOPS_DATA_DIR")
    tasks = sip.load(folder)
    # 12,299 rows are 10,266 tasks (one row per task and developer); 2,070 have no
    # completion date.
    assert len(tasks) == 8196
    assert len({t.number for t in tasks}) == len(tasks)
    assert all(t.completed_on >= t.estimated_on and t.estimate > 0 for t in tasks)


def test_the_reported_years_are_scored_apart_from_the_years_that_chose(
    sip: ModuleType,
) -> None:
    tasks = generated(sip, 3)
    end = max(t.completed_on for t in tasks)
    select_from, report_from = START + 120, START + 365
    report = sip.run(tasks, samples=200, select_from=select_from, report_from=report_from)
    chosen = report["chosen"]
    names = {*sip.JUDGED, *(r.name for r in sip.RECENT)}
    assert chosen["method"] in names and chosen["trailing_days"] in sip.TRAILING_DAYS
    everything = sip.cases(tasks, trailing_days=chosen["trailing_days"], stages=(0.25, 0.5, 0.75))
    for name, stage in report["report"]["stages"].items():
        expected = sum(
            round(c.stage * 100) == int(name) and report_from <= c.day <= end - sip.CENSOR_DAYS
            for c in everything
        )
        assert stage["plan"]["n"] == expected > 0
        # The old methods are scored beside the chosen one.
        assert {"rc_own", "es", "plan", chosen["method"]} <= set(stage)
    early = report["selection"]["runs"][f"trailing_{chosen['trailing_days']}_days"]
    for name, stage in early.items():
        expected = sum(
            round(c.stage * 100) == int(name) and select_from <= c.day < report_from
            for c in everything
        )
        assert stage["plan"]["n"] == expected > 0
        assert names <= set(stage)
