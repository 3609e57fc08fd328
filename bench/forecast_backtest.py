"""Backtest project finish forecasts against what really happened.

    python bench/forecast_backtest.py [--dslib DIR] [--kitchenham FILE] [--sip DIR]
        [--sip-only] [--quick] [--json]

dslib-23 (23 real projects of the Ghent OR&S database, each with its baseline and tracking
periods): at the first tracking period where 25, 50 and 75 % of the work is earned (and at
the start, 0 %), each project's finish is forecast by

- **reference class on earned schedule** (`es_rc`, `services/risk/reference_class.py`): the
  other 22 projects at the same stage give how their remaining duration compared with their
  remaining planned (earned) duration, PD - ES, regressed on log SPI(t); Student-t predictive
  P50/P80 and P(finish <= planned). This is the method the targets are judged on;
- **reference class on the network** (`network_rc`): the same, with the remaining network's
  length (baseline logic and lags, ProTrack's remaining durations for work under way, planned
  starts as release times) in place of PD - ES, and the network as is (`network`);
- **earned schedule** as practitioners use it: EAC(t) = AT + (PD - ES) / PF with PF = 1 and
  PF = SPI(t) (ProTrack's own columns, recomputed here from AT and SPI(t));
- **the plan as is**: the baseline duration (or today, once that has passed).

Earned schedule and the plan give one date, so their P(finish by the deadline) is 1 or 0.
The dslib reference class is leave-one-out: it may hold projects that finished after the
status date of the project forecast (23 projects leave no chronological alternative); the
kitchenham one is strictly chronological.

kitchenham (145 projects, planned and actual duration only): at the start, each project is
forecast from the projects that had *finished before it started* (a real forward-looking
reference class), against the plan as is.

SiP (commercial software tasks, `bench/forecast_sip.py`): a project is one project code's
work estimated in one quarter, forecast at 25/50/75 % of its known estimated hours finished
from the records of that day only; the method (the old classes, or a class weighted toward
the quarters finished lately, possibly anchored on earned schedule) and the team-pace window
are chosen on cutoffs in 2009-2011 and the cutoffs from 2012 on are scored once. On dslib the
same anchored class (over all other projects or the 10 whose baselines started nearest in
time) is reported beside es_rc, as seen.

Per stage it reports MAPE of the P50 (against the actual duration), the share of outcomes at
or before P50 and P80, and the Brier score of P(finish <= planned duration).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import forecast_sip
import numpy as np
from forecast_sip import Scores

from services.risk import reference_class
from services.risk.forecast import Dependency, DependencyType, ForecastTask, simulate
from services.risk.reference_class import Outcome, RatioForecast

STAGES = (0.0, 0.25, 0.5, 0.75)
DATA = Path(
    os.environ.get("PLANOPS_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data")
)
_UNITS = {"w": 5.0, "d": 1.0, "h": 1.0 / 8.0}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([wdh])")


def parse_days(text: object) -> float:
    """ProTrack durations such as `43d`, `442d 2h`, `2w 3d` in working days (8-hour days)."""
    if text is None:
        return 0.0
    if isinstance(text, int | float):
        return float(text)
    parts = _DURATION.findall(str(text))
    if not parts:
        return float(str(text).strip() or 0)
    return sum(float(n) * _UNITS[u] for n, u in parts)


@dataclass(frozen=True)
class Period:
    actual_days: float
    """AT: working days from the project's start to the status date."""
    spi_t: float
    earned: float
    """EV / BAC."""
    network_days: float
    """The remaining network's length from the status date, with durations as planned for
    work not started and as ProTrack's remaining duration for work under way."""

    @property
    def earned_schedule(self) -> float:
        return self.actual_days * self.spi_t


@dataclass(frozen=True)
class Tracked:
    name: str
    planned_days: float
    actual_days: float
    periods: tuple[Period, ...]
    baseline_network_days: float
    start: dt.date
    """The baseline's start."""


_LINK = re.compile(r"(\d+)(FS|SS|FF|SF)([+-].*)?\Z")


@dataclass(frozen=True)
class Activity:
    id: int
    days: float
    start_offset: float
    """Baseline start, in working days after the project's baseline start."""
    links: tuple[tuple[int, DependencyType, float], ...]


def _activities(rows: Sequence[tuple[Any, ...]]) -> list[Activity]:
    """The leaves of the baseline's WBS (summary rows carry no links in these files)."""
    rows = [r for r in rows if r[0] is not None]
    wbs = [str(r[2]) for r in rows]
    summaries = {i for i, w in enumerate(wbs) if any(x.startswith(w + ".") for x in wbs)}
    origin = rows[0][5].date()
    # The files' calendars have holidays that numpy's weekdays do not: scale the weekday
    # count so the baseline's last day falls on its planned duration.
    weekdays = float(np.busday_count(origin, rows[0][6].date())) + 1.0
    scale = parse_days(rows[0][7]) / weekdays if weekdays > 0 else 1.0
    found = []
    for i, row in enumerate(rows):
        if i in summaries or i == 0:
            continue
        links = []
        for text in str(row[3] or "").split(";"):
            match = _LINK.match(text.strip())
            if match:
                lag = match.group(3) or ""
                sign = -1.0 if lag.startswith("-") else 1.0
                links.append(
                    (int(match.group(1)), DependencyType(match.group(2)), sign * parse_days(lag))
                )
        found.append(
            Activity(
                id=int(row[0]),
                days=parse_days(row[7]),
                start_offset=scale * float(np.busday_count(origin, row[5].date())),
                links=tuple(links),
            )
        )
    return found


def network_days(
    activities: Sequence[Activity], status: Sequence[dict[Any, Any]], at: float
) -> float:
    """The remaining network's length from the status date, as the plan would run it now."""
    state = {row["ID"]: row for row in status if row.get("ID") is not None}
    tasks = []
    for a in activities:
        row = state.get(a.id, {})
        done = float(row.get("Percentage Completed") or 0.0)
        if done >= 0.999:
            days, release = 0.0, 0.0
        elif row.get("Actual Start") is not None:
            remaining = row.get("Remaining Duration")
            days = parse_days(remaining) if remaining is not None else a.days * (1 - done)
            release = 0.0
        else:
            days, release = a.days, max(0.0, a.start_offset - at)
        tasks.append(ForecastTask(str(a.id), days, days, release_days=release))
    ids = {a.id for a in activities}
    links = [
        Dependency(str(before), str(a.id), kind, lag)
        for a in activities
        for before, kind, lag in a.links
        if before in ids
    ]
    durations = np.array([[t.p50_days] for t in tasks])
    makespan, _ = simulate(tasks, links, durations)
    return float(makespan[0])


def load_dslib(folder: Path) -> list[Tracked]:
    import openpyxl

    projects = []
    for path in sorted(folder.glob("*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheets = [n for n in book.sheetnames if re.fullmatch(r"(Project Control - )?TP\d+", n)]
        overview = list(book["Tracking Overview"].iter_rows(values_only=True))
        header, rows = overview[1], [r for r in overview[2:] if r[0] is not None]
        column = {name: i for i, name in enumerate(header) if name}
        if len(rows) != len(sheets):
            print(
                f"{path.name}: {len(sheets)} tracking periods, {len(rows)} overview rows; skipped",
                file=sys.stderr,
            )
            continue
        bac = float(rows[-1][column["Planned Value (PV)"]])
        baseline = list(book["Baseline Schedule"].iter_rows(values_only=True))[2:]
        activities = _activities(baseline)
        periods = []
        root: dict[Any, Any] = {}
        for sheet, row in zip(sheets, rows, strict=True):
            table = list(book[sheet].iter_rows(values_only=True))
            status = [dict(zip(table[3], r, strict=False)) for r in table[4:]]
            root = status[0]
            at = parse_days(root["Actual Duration"])
            periods.append(
                Period(
                    actual_days=at,
                    spi_t=float(row[column["Schedule Performance Index (SPI(t))"]]),
                    earned=float(row[column["Earned Value (EV)"]]) / bac,
                    network_days=network_days(activities, status, at),
                )
            )
        projects.append(
            Tracked(
                name=path.stem,
                planned_days=parse_days(root["Duration"]),
                actual_days=parse_days(root["Actual Duration"]),
                periods=tuple(periods),
                baseline_network_days=network_days(activities, [], 0.0),
                start=baseline[0][5].date(),
            )
        )
    return projects


@dataclass(frozen=True)
class Seen:
    """A project at one stage: what was known, and what then happened."""

    project: str
    planned: float
    at: float
    es: float
    spi_t: float
    actual: float
    network: float
    """The remaining network's length from the status date."""

    @property
    def remaining_planned(self) -> float:
        return self.planned - self.es

    def outcome(self, method: str) -> Outcome:
        remaining = self.network if method == "network" else self.remaining_planned
        return Outcome(features=(math.log(self.spi_t),), ratio=(self.actual - self.at) / remaining)


def seen_at(project: Tracked, stage: float) -> Seen | None:
    if stage == 0.0:
        return Seen(
            project.name,
            project.planned_days,
            0.0,
            0.0,
            1.0,
            project.actual_days,
            project.baseline_network_days,
        )
    for period in project.periods:
        if period.earned >= stage:
            if (
                period.earned >= 1.0
                or period.actual_days >= project.actual_days
                or period.spi_t <= 0
            ):
                return None
            seen = Seen(
                project.name,
                project.planned_days,
                period.actual_days,
                period.earned_schedule,
                period.spi_t,
                project.actual_days,
                period.network_days,
            )
            return seen if min(seen.remaining_planned, seen.network) > 0.5 else None
    return None


def _ours(seen: Seen, forecast: RatioForecast, scores: Scores, *, remaining: float) -> None:
    slack = seen.planned - seen.at
    p_on_time = forecast.probability_at_most(slack / remaining) if slack > 0 else 0.0
    scores.add(
        actual=seen.actual,
        p50=seen.at + remaining * forecast.quantile(0.5),
        p80=seen.at + remaining * forecast.quantile(0.8),
        p_on_time=p_on_time,
        on_time=seen.actual <= seen.planned,
    )


def _point(seen: Seen, finish: float, scores: Scores) -> None:
    scores.add(
        actual=seen.actual,
        p50=finish,
        p80=None,
        p_on_time=float(finish <= seen.planned),
        on_time=seen.actual <= seen.planned,
    )


# SiP's recent class on earned schedule, carried over (chosen there, seen here): the ratio
# to earned schedule's remaining days, the shift kept whole or half, over every other
# project or the NEAREST whose baselines started closest in time (dslib has too few
# projects to keep only those finished before a status date, so "recent" is "near").
NEAREST = 10
ANCHORED: tuple[tuple[str, int | None, float], ...] = (
    ("es_anchor", None, 1.0),
    ("es_anchor_keep0.5", None, 0.5),
    ("es_near10", NEAREST, 1.0),
    ("es_near10_keep0.5", NEAREST, 0.5),
)


def anchored(
    one: Seen,
    others: Sequence[Seen],
    *,
    nearest: int | None,
    keep: float,
    starts: dict[str, dt.date],
) -> RatioForecast:
    """The ratio of the remaining duration to PD - ES, toward earned schedule's own."""
    weights = None
    if nearest is not None:
        gaps = [abs((starts[s.project] - starts[one.project]).days) for s in others]
        weights = reference_class.latest(gaps, count=nearest)
    return reference_class.toward_anchor(
        [Outcome((), (s.actual - s.at) / s.remaining_planned) for s in others],
        keep=keep,
        weights=weights,
    )


def backtest_dslib(projects: Sequence[Tracked]) -> dict[str, Any]:
    stages: dict[str, Any] = {}
    starts = {p.name: p.start for p in projects}
    for stage in STAGES:
        seen = [s for s in (seen_at(p, stage) for p in projects) if s is not None]
        methods = {
            m: Scores.empty()
            for m in (
                "network_rc",
                "es_rc",
                *(a[0] for a in ANCHORED),
                "network",
                "es_pf1",
                "es_spi_t",
                "plan",
            )
        }
        support = []
        for one in seen:
            for name, basis, remaining in (
                ("network_rc", "network", one.network),
                ("es_rc", "earned", one.remaining_planned),
            ):
                others = [s.outcome(basis) for s in seen if s.project != one.project]
                forecast = reference_class.fit(others).forecast(one.outcome(basis).features)
                support.append(forecast.support)
                _ours(one, forecast, methods[name], remaining=remaining)
            rest = [s for s in seen if s.project != one.project]
            for name, nearest, keep in ANCHORED:
                forecast = anchored(one, rest, nearest=nearest, keep=keep, starts=starts)
                _ours(one, forecast, methods[name], remaining=one.remaining_planned)
            _point(one, one.at + one.network, methods["network"])
            if stage > 0:
                _point(one, one.at + one.remaining_planned, methods["es_pf1"])
                _point(one, one.planned / one.spi_t, methods["es_spi_t"])
            _point(one, max(one.planned, one.at), methods["plan"])
        stages[f"{round(stage * 100)}"] = {
            "projects": len(seen),
            "reference_class_size": min(support) if support else 0,
            **{m: s.summary() for m, s in methods.items() if s.errors},
        }
    return {"projects": len(projects), "stages": stages}


@dataclass(frozen=True)
class Finished:
    start: dt.date
    planned: float
    actual: float

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.actual)


def load_kitchenham(path: Path) -> list[Finished]:
    found = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line or line[0] in "@%":
            continue
        cells = line.split(",")
        if "?" in (cells[3], cells[4], cells[7]):
            continue
        start = dt.date.fromisoformat(cells[3])
        planned = (dt.date.fromisoformat(cells[7]) - start).days
        actual = float(cells[4])
        if planned > 0 and actual > 0:
            found.append(Finished(start, float(planned), actual))
    return sorted(found, key=lambda f: f.start)


def backtest_kitchenham(projects: Sequence[Finished], *, minimum: int = 10) -> dict[str, Any]:
    ours, plan = Scores.empty(), Scores.empty()
    for project in projects:
        earlier = [Outcome((), p.actual / p.planned) for p in projects if p.end < project.start]
        if len(earlier) < minimum:
            continue
        forecast = reference_class.fit(earlier).forecast(())
        seen = Seen("", project.planned, 0.0, 0.0, 1.0, project.actual, project.planned)
        _ours(seen, forecast, ours, remaining=project.planned)
        _point(seen, project.planned, plan)
    return {
        "projects": len(projects),
        "stages": {"0": {"reference_class": ours.summary(), "plan": plan.summary()}},
    }


def verdicts(dslib: dict[str, Any]) -> dict[str, bool]:
    """The issue's targets, per dslib stage past the start (where earned schedule exists)."""
    met = {}
    for name, stage in dslib["stages"].items():
        if name == "0":
            continue
        ours = stage["es_rc"]
        rivals = [stage[m] for m in ("es_pf1", "es_spi_t", "plan", "network")]
        share = ours["share_at_or_before_p80"]
        met[f"{name}%: P80 covers 75-85 %"] = share is not None and 0.75 <= share <= 0.85
        met[f"{name}%: P50 error 20 % below ES and plan"] = all(
            ours["mape_p50"] <= 0.8 * r["mape_p50"] for r in rivals
        )
        met[f"{name}%: Brier below ES and plan"] = all(
            ours["brier_p_deadline"] < r["brier_p_deadline"] for r in rivals
        )
    return met


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dslib", type=Path, default=DATA / "dslib-23")
    parser.add_argument(
        "--kitchenham", type=Path, default=DATA / "kitchenham" / "kitchenham-2002.arff"
    )
    parser.add_argument("--sip", type=Path, default=DATA / "sip")
    parser.add_argument("--sip-only", action="store_true", help="SiP alone (about 10 s)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="SiP with 500 samples and the recorded choice, no selection run (a smoke test)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    paths = [args.sip] if args.sip_only else [args.dslib, args.kitchenham, args.sip]
    for path in paths:
        if not path.exists():
            parser.error(f"{path} does not exist (set PLANOPS_DATA_DIR or pass the path)")
    started = time.monotonic()
    report: dict[str, Any] = {}
    met: dict[str, bool] = {}
    tables: list[tuple[str, dict[str, Any]]] = []
    if not args.sip_only:
        dslib = backtest_dslib(load_dslib(args.dslib))
        kitchenham = backtest_kitchenham(load_kitchenham(args.kitchenham))
        report |= {"dslib": dslib, "kitchenham": kitchenham}
        met |= verdicts(dslib)
        tables += [("dslib-23", dslib), ("kitchenham", kitchenham)]
    sip = forecast_sip.run(
        forecast_sip.load(args.sip),
        choose=not args.quick,
        samples=500 if args.quick else forecast_sip.SAMPLES,
    )
    report["sip"] = sip
    later: dict[str, Any] = sip["report"]  # type: ignore[assignment]
    chosen: dict[str, Any] = sip["chosen"]  # type: ignore[assignment]
    met |= forecast_sip.verdicts(later["stages"], chosen["method"])
    tables.append(
        (
            f"sip, {later['cutoffs']}, chosen {chosen['method']} / {chosen['trailing_days']} days",
            {
                "projects": sip["tasks"],
                "stages": later["stages"],
            },
        )
    )
    report["targets_met"] = met
    report["seconds"] = round(time.monotonic() - started, 2)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for data, result in tables:
        print(f"{data} ({result['projects']} projects)")
        print(
            f"  {'stage':>5} {'method':<20} {'n':>3} {'MAPE P50':>9} {'<=P50':>6} {'<=P80':>6} {'Brier':>6}"
        )
        stages: dict[str, dict[str, Any]] = result["stages"]
        for stage, methods in stages.items():
            for method, s in methods.items():
                if not isinstance(s, dict):
                    continue

                def cell(value: float | int | None) -> str:
                    return "-" if value is None else f"{value:.3f}"

                print(
                    f"  {stage + '%':>5} {method:<20} {s['n']:>3} {cell(s['mape_p50']):>9}"
                    f" {cell(s['share_at_or_before_p50']):>6} {cell(s['share_at_or_before_p80']):>6}"
                    f" {cell(s['brier_p_deadline']):>6}"
                )
    for target, ok in met.items():
        print(f"{'met ' if ok else 'MISS'} {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
