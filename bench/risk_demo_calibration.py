"""Does the demo's forecast agree with the demo's own world? A simulation check (#11).

    python bench/risk_demo_calibration.py [--rounds 40] [--history-runs 12] [--json]

Starts embedded PostgreSQL and NATS, core and risk (each in its own process, as `planops up`
does), and loads each demo operation's people and a year of its history exactly as
`planops demo` does, then trains the risk model as the demo does. Then, `--rounds` times per
operation, it plans a new round of the operation (its tasks, assignees and dependencies, on
the dates the operation's plan gives them, all in the future), asks risk's ForecastProject
for the finish at the start, deletes the project (so one round's open work does not weigh on
the next one's forecast), and plays the round out with the generator that made the history
(`services/cli/demo.py` `play_out`, with a seed of its own and dependencies respected: work
starts no earlier than its predecessors finish).

Reported per operation and overall: the share of rounds that finished by the forecast's P50,
P80 and P95 dates, and the mean absolute percentage error of the P50 duration. The
reference in the same run is the plan as it is: the share of rounds that finished by the
plan's own finish date, and the plan's duration error. Target (issue #11): P80 covers
75-85 % of outcomes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import grpc
from planops.core.v1 import project_pb2, project_service_pb2, task_pb2, task_service_pb2
from planops.risk.v1 import risk_service_pb2, risk_service_pb2_grpc

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from bench.harness import core_and_risk, stop_all  # noqa: E402
from services.cli import demo  # noqa: E402
from services.cli.client import Client, Settings  # noqa: E402
from services.cli.demo_data import OPERATIONS, SPARE_PEOPLE, Operation  # noqa: E402
from services.common.embedded import EmbeddedNats, EmbeddedPostgres  # noqa: E402

TARGET = (0.75, 0.85)


def log(message: str) -> None:
    print(f"[risk_demo_calibration {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr)


@dataclass(frozen=True)
class Round:
    operation: str
    start: date
    plan_finish: date
    actual_finish: date
    p50: date
    p80: date
    p95: date

    def days(self, end: date) -> int:
        return (end - self.start).days + 1


def _topological(operation: Operation) -> list[str]:
    done: list[str] = []
    waiting = {t.key: set(t.after) for t in operation.tasks}
    while waiting:
        ready = sorted(k for k, before in waiting.items() if before <= set(done))
        if not ready:
            raise ValueError(f"{operation.id}: the demo's dependencies have a cycle")
        done += ready
        for k in ready:
            del waiting[k]
    return done


def play(
    operation: Operation,
    planned: dict[str, tuple[date, date]],
    rng: random.Random,
    own_late: dict[str, bool] | None = None,
) -> dict[str, date]:
    """When each task of the round really finishes: as the history's generator plays it
    out, started no earlier than the working day after its predecessors finished."""
    people = {p.id: p for p in operation.people}
    tasks = {t.key: t for t in operation.tasks}
    cal = demo.CALENDAR
    finished: dict[str, date] = {}
    for key in _topological(operation):
        task = tasks[key]
        person = people.get(task.assignee) or operation.people[0]
        started, finish = demo.play_out(operation, task, person, planned[key][0], rng)
        if own_late is not None:
            # Late on its own account, as the history counts it: played from its planned
            # start, past its planned end (waiting for predecessors is the forecast's part).
            own_late[key] = finish > planned[key][1]
        ready = max((cal.add_working_days(finished[b], 1) for b in task.after), default=started)
        if ready > started:
            finish = cal.add_working_days(ready, cal.working_days_between(started, finish) - 1)
        finished[key] = finish
    return finished


def create_round(
    client: Client, operation: Operation, *, project_id: str, deadline: date
) -> tuple[str, dict[str, tuple[date, date]]]:
    planned = demo.round_plan(operation, deadline=deadline)
    # The demo's calendar: Monday to Friday, China's holidays and make-up working days.
    project = client.call(
        client.projects.CreateProject,
        project_service_pb2.CreateProjectRequest(
            project_id=project_id,
            project=project_pb2.Project(
                display_name=f"{operation.display_name} (simulated round)",
                time_zone="Asia/Shanghai",
                calendar=project_pb2.Calendar(
                    working_days=[1, 2, 3, 4, 5], hours_per_day=8, holiday_country="CN"
                ),
                start_date=min(s for s, _ in planned.values()).isoformat(),
            ),
        ),
    ).project
    created = client.call(
        client.tasks.BatchCreateTasks,
        task_service_pb2.BatchCreateTasksRequest(
            parent=project.name,
            requests=[
                task_service_pb2.CreateTaskRequest(task=_task(t, planned[t.key]))
                for t in operation.tasks
            ],
        ),
    ).tasks
    by_key = {t.key: c.name for t, c in zip(operation.tasks, created, strict=True)}
    for task in operation.tasks:
        for before in task.after:
            client.call(
                client.tasks.CreateDependency,
                task_service_pb2.CreateDependencyRequest(
                    parent=project.name,
                    dependency=task_pb2.Dependency(
                        predecessor=by_key[before],
                        successor=by_key[task.key],
                        type=task_pb2.DEPENDENCY_TYPE_FINISH_TO_START,
                    ),
                ),
            )
    return project.name, planned


def _task(task: Any, dates: tuple[date, date]) -> task_pb2.Task:
    live = demo._live_task(task, today=date.today(), dated=False)
    live.planned_start, live.planned_end = (d.isoformat() for d in dates)
    live.due_date = dates[1].isoformat()
    return live


def _keys(client: Client, project: str, operation: Operation) -> list[str]:
    listed = client.call(
        client.tasks.ListTasks, task_service_pb2.ListTasksRequest(parent=project, page_size=500)
    ).tasks
    by_title = {t.title: t.name for t in listed}
    return [
        by_title.get(demo._live_task(t, today=date.today(), dated=False).title, "")
        for t in operation.tasks
    ]


def _task_risks(
    client: Client, risk: Any, project: str, expected: int
) -> dict[str, tuple[float, list[str]]]:
    """Each open task's P(late) and its top factors, once risk holds all the round's tasks."""
    for _ in range(50):
        risks = client.call(
            risk.ListTaskRisks,
            risk_service_pb2.ListTaskRisksRequest(project=project, page_size=500),
        ).risks
        if len(risks) >= expected:
            break
        time.sleep(0.1)
    return {
        r.task: (
            r.probability_late,
            [f"{'+' if f.contribution > 0 else '-'}{f.feature}" for f in r.factors[:2]],
        )
        for r in risks
    }


def _task_reliability(points: list[tuple[float, bool]]) -> dict[str, Any]:
    """The demo world's own reliability diagram: predicted P(late) per task at the round's
    start against whether the task, played out from its planned start, finished after its
    planned end (its own lateness, which is what the history's labels count)."""
    if not points:
        return {}
    bins: list[dict[str, Any]] = []
    for b in range(10):
        inside = [(p, late) for p, late in points if min(int(p * 10), 9) == b]
        if inside:
            bins.append(
                {
                    "predicted": sum(p for p, _ in inside) / len(inside),
                    "observed": sum(1 for _, late in inside if late) / len(inside),
                    "tasks": len(inside),
                }
            )
    return {
        "tasks": len(points),
        "mean_predicted": sum(p for p, _ in points) / len(points),
        "observed_late_share": sum(1 for _, late in points if late) / len(points),
        "reliability": bins,
    }


def summary(rounds: list[Round]) -> dict[str, Any]:
    n = len(rounds)

    def share(pick: Any) -> float:
        return sum(1 for r in rounds if r.actual_finish <= pick(r)) / n

    def mape(pick: Any) -> float:
        return (
            sum(
                abs(r.days(pick(r)) - r.days(r.actual_finish)) / r.days(r.actual_finish)
                for r in rounds
            )
            / n
        )

    p80 = share(lambda r: r.p80)
    return {
        "rounds": n,
        "covered_by_p50": share(lambda r: r.p50),
        "covered_by_p80": p80,
        "covered_by_p95": share(lambda r: r.p95),
        "p50_duration_mape": mape(lambda r: r.p50),
        "reference_plan_as_is_covered": share(lambda r: r.plan_finish),
        "reference_plan_as_is_duration_mape": mape(lambda r: r.plan_finish),
        "mean_actual_days": sum(r.days(r.actual_finish) for r in rounds) / n,
        "mean_p50_days": sum(r.days(r.p50) for r in rounds) / n,
        "mean_plan_days": sum(r.days(r.plan_finish) for r in rounds) / n,
        "p80_in_target": TARGET[0] <= p80 <= TARGET[1],
    }


def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    postgres = EmbeddedPostgres(home / "pg")
    nats = EmbeddedNats(home / "nats")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        database_url, nats_url = postgres.start(), nats.start()
        core_address, risk_address = core_and_risk(
            home, database_url=database_url, nats_url=nats_url, processes=processes
        )
        key = (home / "admin.key").read_text().strip()
        today = date.today()
        with (
            Client(Settings(address=core_address, key=key, home=home)) as client,
            grpc.insecure_channel(risk_address) as channel,
        ):
            report = demo.Report()
            for operation in OPERATIONS:
                for person in (*operation.people, *SPARE_PEOPLE):
                    demo.ensure_person(client, person)
                demo.load_history(
                    client, operation, today=today, runs=args.history_runs, report=report
                )
            risk = risk_service_pb2_grpc.RiskServiceStub(channel)  # type: ignore[no-untyped-call]
            stubs = demo.Stubs(planner=None, risk=risk, nlp=None)
            demo.train_and_forecast(client, stubs, [], report)
            rng = random.Random(f"{args.seed}-calibration")
            rounds: list[Round] = []
            task_points: list[tuple[str, float, bool]] = []
            factor_tally: dict[tuple[str, str], int] = {}
            for k in range(args.rounds):
                for operation in OPERATIONS:
                    deadline = today + timedelta(days=60 + 3 * k)
                    project, planned = create_round(
                        client, operation, project_id=f"sim-{operation.id}-{k}", deadline=deadline
                    )
                    forecast = client.call(
                        risk.ForecastProject,
                        risk_service_pb2.ForecastProjectRequest(project=project, samples=4000),
                    ).forecast
                    own_late: dict[str, bool] = {}
                    finished = play(operation, planned, rng, own_late)
                    if args.tasks:
                        scored = _task_risks(client, risk, project, len(operation.tasks))
                        for task, key in zip(
                            operation.tasks, _keys(client, project, operation), strict=True
                        ):
                            if key in scored:
                                p, factors = scored[key]
                                task_points.append((operation.id, p, own_late[task.key]))
                                for f in factors:
                                    factor_tally[(operation.id, f)] = (
                                        factor_tally.get((operation.id, f), 0) + 1
                                    )
                    client.call(
                        client.projects.DeleteProject,
                        project_service_pb2.DeleteProjectRequest(name=project, force=True),
                    )
                    rounds.append(
                        Round(
                            operation=operation.id,
                            start=min(s for s, _ in planned.values()),
                            plan_finish=max(e for _, e in planned.values()),
                            actual_finish=max(finished.values()),
                            p50=date.fromisoformat(forecast.finish_p50_date),
                            p80=date.fromisoformat(forecast.finish_p80_date),
                            p95=date.fromisoformat(forecast.finish_p95_date),
                        )
                    )
                    # Risk follows the deletion from core's events; a moment lets it drop the
                    # round's open tasks before the next round is forecast.
                    time.sleep(0.3)
                if (k + 1) % 5 == 0:
                    log(f"{k + 1}/{args.rounds} rounds of each operation played")
        result: dict[str, Any] = {
            "history_runs": args.history_runs,
            "model": report.lines[-1] if report.lines else "",
            "overall": summary(rounds),
        }
        for operation in OPERATIONS:
            result[operation.id] = summary([r for r in rounds if r.operation == operation.id])
            if args.tasks:
                points = [(p, late) for op, p, late in task_points if op == operation.id]
                result[operation.id]["tasks"] = _task_reliability(points)
                top = sorted(
                    ((n, f) for (op, f), n in factor_tally.items() if op == operation.id),
                    reverse=True,
                )[:8]
                result[operation.id]["top_factors"] = [{"factor": f, "tasks": n} for n, f in top]
        return result
    finally:
        stop_all(processes)
        nats.stop()
        postgres.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="simulated rounds per operation")
    parser.add_argument("--history-runs", type=int, default=12, help="past rounds to learn from")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--tasks",
        action="store_true",
        help="also score each task at the round's start against its played-out lateness",
    )
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    if args.rounds < 1 or args.history_runs < 1:
        print("error: --rounds and --history-runs must be at least 1", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="planops-calibration-"))
    try:
        result = run(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name in ("overall", *(o.id for o in OPERATIONS)):
            r = result[name]
            print(
                f"{name:<14} rounds {r['rounds']:>3}  by P50 {r['covered_by_p50']:.0%}  "
                f"by P80 {r['covered_by_p80']:.0%}  by P95 {r['covered_by_p95']:.0%}  "
                f"P50 MAPE {r['p50_duration_mape']:.3f}  | plan as is: "
                f"{r['reference_plan_as_is_covered']:.0%}, MAPE "
                f"{r['reference_plan_as_is_duration_mape']:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
