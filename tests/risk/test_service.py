"""The risk service over real gRPC, with core, PostgreSQL and NATS running."""

from __future__ import annotations

import asyncio
import csv
import itertools
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import grpc
import nats
import pytest
from planops.core.v1 import project_pb2, project_service_pb2, task_pb2, task_service_pb2
from planops.risk.v1 import events_pb2, risk_service_pb2, risk_service_pb2_grpc
from typer.testing import CliRunner

from services.cli import history_import
from services.cli.client import Client as CliClient
from services.cli.client import Settings
from services.cli.main import app
from services.common.db import connection
from services.common.embedded import EmbeddedNats
from services.common.errors import violations_of
from services.common.workcal import WorkingCalendar
from services.risk.app import running_risk
from services.risk.consumer import RISK_STREAM
from tests.conftest import start_core
from tests.core.helpers import Client
from tests.risk.conftest import Stack, eventually, risk_config


async def held_count(stack: Stack, where: str) -> int:
    async with connection(stack.risk.consumer.pool) as conn:
        cur = await conn.execute(f"SELECT count(*) AS n FROM tasks WHERE {where}")
        row = await cur.fetchone()
        return int(row["n"]) if row else 0


def holds(stack: Stack, where: str, count: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await held_count(stack, where) == count

    return check


async def test_answers_from_the_prior_before_any_model(stack: Stack) -> None:
    core = Client(stack.core)
    await core.create_project("fresh", time_zone="UTC")
    today = datetime.now(UTC).date()
    tight = await core.create_task(
        "fresh",
        "tight",
        planned_start=today.isoformat(),
        planned_end=(today + timedelta(days=9)).isoformat(),
        due_date=(today + timedelta(days=2)).isoformat(),
    )
    easy = await core.create_task(
        "fresh",
        "easy",
        planned_start=today.isoformat(),
        planned_end=(today + timedelta(days=1)).isoformat(),
        due_date=(today + timedelta(days=30)).isoformat(),
    )
    reply = await stack.stub.GetTaskRisk(
        risk_service_pb2.GetTaskRiskRequest(task=tight.name), metadata=stack.md
    )
    assert reply.risk.from_prior and reply.risk.model_version == "prior"
    assert reply.risk.probability_late > 0.9
    assert reply.risk.delay_p50_days <= reply.risk.delay_p80_days <= reply.risk.delay_p90_days

    await eventually(holds(stack, "project = 'fresh'", 2), seconds=20)
    listed = await stack.stub.ListTaskRisks(
        risk_service_pb2.ListTaskRisksRequest(project="projects/fresh"), metadata=stack.md
    )
    assert [r.task for r in listed.risks] == [tight.name, easy.name]
    assert all(r.from_prior for r in listed.risks)


async def test_bad_requests_name_the_field(stack: Stack) -> None:
    cases = [
        (stack.stub.GetTaskRisk, risk_service_pb2.GetTaskRiskRequest(task="tasks/1"), "task"),
        # A second spelling of task 1, which core once read as task 1.
        (
            stack.stub.GetTaskRisk,
            risk_service_pb2.GetTaskRiskRequest(task="projects/x/tasks/01"),
            "task",
        ),
        (
            stack.stub.ForecastProject,
            risk_service_pb2.ForecastProjectRequest(project="projects/x\n"),
            "project",
        ),
        (
            stack.stub.ListTaskRisks,
            risk_service_pb2.ListTaskRisksRequest(project="projects/x", page_size=-1),
            "page_size",
        ),
        (
            stack.stub.ForecastProject,
            risk_service_pb2.ForecastProjectRequest(project="projects/x", samples=5),
            "samples",
        ),
        (
            stack.stub.ForecastProject,
            risk_service_pb2.ForecastProjectRequest(project="projects/x", deadline="soon"),
            "deadline",
        ),
        (stack.stub.ListAlerts, risk_service_pb2.ListAlertsRequest(project="x"), "project"),
    ]
    for method, request, field in cases:
        with pytest.raises(grpc.RpcError) as caught:
            await method(request, metadata=stack.md)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert [v.field for v in violations_of(caught.value)] == [field]


async def test_forecast_follows_the_dependency_chain(stack: Stack) -> None:
    core = Client(stack.core)
    today = datetime.now(UTC).date()
    deadline = today + timedelta(days=60)
    await core.create_project("chain", time_zone="UTC", deadline=deadline.isoformat())
    names = []
    for i in range(3):
        start = today + timedelta(days=7 * i)
        task = await core.create_task(
            "chain",
            f"step {i}",
            planned_start=start.isoformat(),
            planned_end=(start + timedelta(days=4)).isoformat(),
            due_date=(start + timedelta(days=6)).isoformat(),
        )
        names.append(task.name)
    side = await core.create_task("chain", "side", estimate_hours=8)
    for a, b in itertools.pairwise(names):
        await core.tasks.CreateDependency(
            task_service_pb2.CreateDependencyRequest(
                parent="projects/chain",
                dependency=task_pb2.Dependency(predecessor=a, successor=b),
            ),
            metadata=core.md,
        )
    reply = await stack.stub.ForecastProject(
        risk_service_pb2.ForecastProjectRequest(project="projects/chain", samples=500),
        metadata=stack.md,
    )
    f = reply.forecast
    assert f.deadline == deadline.isoformat() and f.samples == 500
    p50, p80, p95 = (
        date.fromisoformat(d) for d in (f.finish_p50_date, f.finish_p80_date, f.finish_p95_date)
    )
    # Each step waits for its planned start (a week apart) as well as for the step before:
    # the last one starts in two weeks and takes its planned working days.
    week = WorkingCalendar()
    last = today + timedelta(days=14)
    planned = week.working_days_between(last, last + timedelta(days=4))
    assert week.add_working_days(last, planned - 1) <= p50 <= p80 <= p95
    assert p95 < today + timedelta(days=120)
    assert 0.0 <= f.probability_on_time <= 1.0
    critical = {c.task: c.criticality for c in f.critical_tasks}
    # The last step always drives the finish (an earlier one only when it overruns into the
    # next step's planned start); the side task, a day's work, never.
    assert critical.get(names[-1], 0) > 0.95
    assert critical.get(side.name, 0) < 0.05
    assert f.model_version == "prior"


async def test_a_proposals_plan_is_forecast_without_writing_anything(stack: Stack) -> None:
    core = Client(stack.core)
    today = datetime.now(UTC).date()
    week = WorkingCalendar()
    first = week.add_working_days(today, 1)
    await core.create_project(
        "whatif", time_zone="UTC", deadline=(today + timedelta(days=90)).isoformat()
    )
    late = await core.create_task(
        "whatif",
        "planned late",
        planned_start=week.add_working_days(first, 20).isoformat(),
        planned_end=week.add_working_days(first, 24).isoformat(),
    )
    other = await core.create_task(
        "whatif",
        "planned now",
        planned_start=first.isoformat(),
        planned_end=week.add_working_days(first, 4).isoformat(),
    )

    async def forecast(*plan: risk_service_pb2.PlannedTask) -> date:
        reply = await stack.stub.ForecastProject(
            risk_service_pb2.ForecastProjectRequest(project="projects/whatif", plan=plan),
            metadata=stack.md,
        )
        return date.fromisoformat(reply.forecast.finish_p50_date)

    stored = await forecast()
    sooner = await forecast(
        risk_service_pb2.PlannedTask(
            task=late.name,
            planned_start=week.add_working_days(first, 5).isoformat(),
            planned_end=week.add_working_days(first, 9).isoformat(),
        )
    )
    assert sooner < stored, "the proposal moves the late task four weeks earlier"
    assert await forecast() == stored, "a what-if forecast writes nothing"
    held = (
        await core.tasks.GetTask(task_service_pb2.GetTaskRequest(name=late.name), metadata=core.md)
    ).task
    assert held.planned_start == week.add_working_days(first, 20).isoformat()

    bad = [
        (
            risk_service_pb2.PlannedTask(
                task="projects/other/tasks/1", planned_start="2026-01-01", planned_end="2026-01-02"
            ),
            "plan[0].task",
        ),
        (
            risk_service_pb2.PlannedTask(
                task=other.name, planned_start="2026-1-1", planned_end="2026-01-02"
            ),
            "plan[0].planned_start",
        ),
        (
            risk_service_pb2.PlannedTask(
                task=other.name, planned_start="2026-01-05", planned_end="2026-01-02"
            ),
            "plan[0].planned_end",
        ),
        (
            risk_service_pb2.PlannedTask(
                task=other.name,
                planned_start="2026-01-01",
                planned_end="2026-01-02",
                assignee="lin",
            ),
            "plan[0].assignee",
        ),
        (
            risk_service_pb2.PlannedTask(
                task="projects/whatif/tasks/999999",
                planned_start="2026-01-01",
                planned_end="2026-01-02",
            ),
            "plan[0].task",
        ),
    ]
    for entry, field in bad:
        with pytest.raises(grpc.RpcError) as caught:
            await forecast(entry)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert [v.field for v in violations_of(caught.value)] == [field]
    twice = risk_service_pb2.PlannedTask(
        task=other.name, planned_start="2026-01-01", planned_end="2026-01-02"
    )
    with pytest.raises(grpc.RpcError) as caught:
        await forecast(twice, twice)
    assert [v.field for v in violations_of(caught.value)] == ["plan[1].task"]


def history_rows(count: int, *, seed: int = 7) -> list[dict[str, str]]:
    """Past tasks where urgent vendor work ran late and the rest mostly did not."""
    rng = random.Random(seed)
    today = datetime.now(UTC).date()
    rows = []
    for i in range(count):
        opened = today - timedelta(days=400 - 3 * i)
        planned = rng.randint(2, 8)
        risky = rng.random() < 0.4
        late = rng.random() < (0.85 if risky else 0.1)
        due = opened + timedelta(days=planned + 1)
        finished = due + timedelta(days=rng.randint(2, 9)) if late else due - timedelta(days=1)
        rows.append(
            {
                "title": f"past {i}",
                "opened": opened.isoformat(),
                "started": (opened + timedelta(days=1)).isoformat(),
                "finished": finished.isoformat(),
                "due": due.isoformat(),
                "planned_start": (opened + timedelta(days=1)).isoformat(),
                "planned_end": (opened + timedelta(days=planned)).isoformat(),
                "estimate_hours": str(planned * 8),
                "priority": "urgent" if risky else rng.choice(["low", "medium"]),
                "labels": "vendor;ads" if risky else rng.choice(["print", "web", ""]),
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


async def test_training_on_imported_history_beats_the_base_rate(
    stack: Stack, tmp_path: Path
) -> None:
    core = Client(stack.core)
    await core.create_project("history", time_zone="UTC")
    path = tmp_path / "history.csv"
    write_csv(path, history_rows(120))
    settings = Settings(
        address=f"127.0.0.1:{stack.core.port}", key=stack.core.admin_key, home=tmp_path
    )

    def run_import() -> list[str]:
        with CliClient(settings) as client:
            tasks = history_import.read(path, file_format="planops")
            return history_import.import_tasks(
                client,
                project="projects/history",
                tasks=tasks,
                file_id=history_import.file_id(path),
            )

    names = await asyncio.to_thread(run_import)
    assert len(names) == 120

    await eventually(holds(stack, "category = 'done' AND imported", 120), seconds=60)
    # The real dates of past work reach risk through core's own fields, not import-time ones.
    first = history_rows(1)[0]
    assert (
        await held_count(
            stack,
            f"title = 'past 0' AND opened_on = '{first['opened']}'"
            f" AND started_on = '{first['started']}' AND finished_on = '{first['finished']}'",
        )
        == 1
    )

    # Open before any model: the prior sees a plan that fits, so nothing is raised yet.
    today = datetime.now(UTC).date()
    waiting = await core.create_task(
        "history",
        "urgent vendor job, waiting",
        priority=task_pb2.PRIORITY_URGENT,
        labels=["vendor", "ads"],
        planned_start=today.isoformat(),
        planned_end=(today + timedelta(days=4)).isoformat(),
        due_date=(today + timedelta(days=5)).isoformat(),
    )
    await eventually(holds(stack, f"task = '{waiting.name}'", 1))

    async def alerted() -> list[str]:
        listed = await stack.stub.ListAlerts(
            risk_service_pb2.ListAlertsRequest(project="projects/history"), metadata=stack.md
        )
        return [a.subject for a in listed.alerts]

    assert await alerted() == []

    with pytest.raises(grpc.RpcError) as refused:
        await stack.stub.TrainModel(
            risk_service_pb2.TrainModelRequest(), metadata=(("authorization", "Bearer nope"),)
        )
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED

    trained = await stack.stub.TrainModel(
        risk_service_pb2.TrainModelRequest(force=True), metadata=stack.md, timeout=60
    )
    assert trained.activated and trained.model.active
    assert trained.model.rows == 120
    assert trained.model.holdout_auc > 0.75

    # The new model re-scores open work at once, so the waiting task's alert is raised
    # without any further change to it.
    async def waiting_alerted() -> bool:
        return await alerted() == [waiting.name]

    await eventually(waiting_alerted)
    fresh = await core.create_task(
        "history",
        "urgent vendor job",
        priority=task_pb2.PRIORITY_URGENT,
        labels=["vendor", "ads"],
        planned_start=today.isoformat(),
        planned_end=(today + timedelta(days=4)).isoformat(),
        due_date=(today + timedelta(days=5)).isoformat(),
    )
    calm = await core.create_task(
        "history",
        "routine print job",
        priority=task_pb2.PRIORITY_LOW,
        labels=["print"],
        planned_start=today.isoformat(),
        planned_end=(today + timedelta(days=4)).isoformat(),
        due_date=(today + timedelta(days=5)).isoformat(),
    )
    risky = (
        await stack.stub.GetTaskRisk(
            risk_service_pb2.GetTaskRiskRequest(task=fresh.name), metadata=stack.md
        )
    ).risk
    safe = (
        await stack.stub.GetTaskRisk(
            risk_service_pb2.GetTaskRiskRequest(task=calm.name), metadata=stack.md
        )
    ).risk
    assert not risky.from_prior and risky.model_version == trained.model.name.removeprefix(
        "models/"
    )
    assert risky.probability_late > safe.probability_late
    assert risky.factors and risky.factors[0].text

    models = await stack.stub.ListModels(risk_service_pb2.ListModelsRequest(), metadata=stack.md)
    assert [m.active for m in models.models] == [True]

    # Each probability comes with the past tasks it rests on and the range they allow, and
    # the model with its reliability diagram, so a person can check a number before acting.
    (model,) = models.models
    assert model.holdout_rows > 0
    assert sum(b.tasks for b in model.reliability) == model.holdout_rows
    assert 0 < model.holdout_delay_p80_coverage <= 1
    for risk in (risky, safe):
        assert 0 < risk.similar_tasks <= model.holdout_rows
        assert 0 <= risk.similar_late <= risk.similar_tasks
        assert risk.probability_late_low < risk.probability_late_high
    env = {
        "PLANOPS_CORE_ADDRESS": f"127.0.0.1:{stack.core.port}",
        "PLANOPS_RISK_ADDRESS": f"127.0.0.1:{stack.risk.port}",
        "PLANOPS_API_KEY": stack.core.admin_key,
        "COLUMNS": "250",
    }
    shown = await asyncio.to_thread(
        CliRunner().invoke, app, ["risk", "history", "--evidence"], env=env
    )
    assert shown.exit_code == 0, shown.output
    assert f"{risky.similar_tasks} similar tasks" in shown.output
    rows = [line for line in shown.output.splitlines() if "similar task" in line]
    assert rows and not any("100%" in line or " 0%" in line for line in rows)
    assert "reliability: predicted against what happened" in shown.output, shown.output
    assert f"checked on the {model.holdout_rows} latest tasks" in shown.output


async def test_an_alert_is_published_once_when_risk_crosses_the_threshold(stack: Stack) -> None:
    nc = await nats.connect(stack.nats_url)
    try:
        js = nc.jetstream()
        await eventually(lambda: _stream_exists(js), seconds=20)
        sub = await js.subscribe("planops.risk.v1.alert.raised", stream=RISK_STREAM)
        core = Client(stack.core)
        await core.create_project("alerts", time_zone="UTC")
        today = datetime.now(UTC).date()
        task = await core.create_task(
            "alerts",
            "already overdue",
            planned_start=(today - timedelta(days=10)).isoformat(),
            planned_end=(today - timedelta(days=2)).isoformat(),
            due_date=(today - timedelta(days=1)).isoformat(),
        )
        first = await sub.next_msg(timeout=20)
        event = events_pb2.AlertRaised.FromString(first.data)
        assert first.headers and first.headers["Nats-Msg-Id"] == event.id
        assert event.alert.subject == task.name and event.alert.kind == "TASK_LIKELY_LATE"
        assert event.alert.value >= event.alert.threshold == pytest.approx(0.7)

        # Still above the threshold after another change: no second alert.
        for title in ("still overdue", "overdue, really"):
            current = await core.get_task(task.name)
            current.title = title
            await core.tasks.UpdateTask(
                task_service_pb2.UpdateTaskRequest(task=current, update_mask={"paths": ["title"]}),
                metadata=core.md,
            )

        await eventually(holds(stack, "title = 'overdue, really'", 1))
        await asyncio.sleep(0.5)
        with pytest.raises(nats.errors.TimeoutError):
            await sub.next_msg(timeout=0.5)
        listed = await stack.stub.ListAlerts(
            risk_service_pb2.ListAlertsRequest(project="projects/alerts"), metadata=stack.md
        )
        assert [a.subject for a in listed.alerts] == [task.name]
        await sub.unsubscribe()
    finally:
        await nc.drain()


async def _stream_exists(js: nats.js.JetStreamContext) -> bool:
    try:
        await js.stream_info(RISK_STREAM)
    except nats.js.errors.NotFoundError:
        return False
    return True


async def test_a_deadline_alert_is_published_once_when_the_forecast_misses_it(
    stack: Stack,
) -> None:
    nc = await nats.connect(stack.nats_url)
    try:
        js = nc.jetstream()
        await eventually(lambda: _stream_exists(js), seconds=20)
        sub = await js.subscribe("planops.risk.v1.alert.raised", stream=RISK_STREAM)
        core = Client(stack.core)
        today = datetime.now(UTC).date()
        await core.create_project(
            "launch",
            time_zone="UTC",
            start_date=today.isoformat(),
            deadline=(today + timedelta(days=3)).isoformat(),
        )
        names = []
        for i, title in enumerate(("design", "build", "ship")):
            start = today + timedelta(days=7 * i)
            task = await core.create_task(
                "launch",
                title,
                planned_start=start.isoformat(),
                planned_end=(start + timedelta(days=6)).isoformat(),
                due_date=(today + timedelta(days=60)).isoformat(),
            )
            names.append(task.name)
        await core.depend("launch", names[0], names[1])
        await core.depend("launch", names[1], names[2])

        alert = None
        for _ in range(10):
            message = await sub.next_msg(timeout=20)
            raised = events_pb2.AlertRaised.FromString(message.data)
            if raised.alert.subject == "projects/launch":
                alert = raised.alert
                break
        assert alert is not None and alert.kind == "DEADLINE_AT_RISK"
        assert alert.value >= alert.threshold == pytest.approx(0.5)
        assert "likely to miss its deadline" in alert.message

        # Another change, still hopeless: the project does not alert again.
        current = await core.get_task(names[2])
        current.title = "ship it"
        await core.tasks.UpdateTask(
            task_service_pb2.UpdateTaskRequest(task=current, update_mask={"paths": ["title"]}),
            metadata=core.md,
        )
        await eventually(holds(stack, "title = 'ship it'", 1))
        await asyncio.sleep(3)
        listed = await stack.stub.ListAlerts(
            risk_service_pb2.ListAlertsRequest(project="projects/launch"), metadata=stack.md
        )
        assert [a.subject for a in listed.alerts].count("projects/launch") == 1

        # Moving the deadline is enough to re-forecast: far out re-arms the alert, back in
        # raises it a second time, with no task changing.
        async def move_deadline(days: int) -> None:
            await core.projects.UpdateProject(
                project_service_pb2.UpdateProjectRequest(
                    project=project_pb2.Project(
                        name="projects/launch",
                        deadline=(today + timedelta(days=days)).isoformat(),
                    ),
                    update_mask={"paths": ["deadline"]},
                ),
                metadata=core.md,
            )

        async def deadline_alerts() -> int:
            listed = await stack.stub.ListAlerts(
                risk_service_pb2.ListAlertsRequest(project="projects/launch"), metadata=stack.md
            )
            return [a.subject for a in listed.alerts].count("projects/launch")

        async def rearmed() -> bool:
            async with connection(stack.risk.consumer.pool) as conn:
                cur = await conn.execute(
                    "SELECT count(*) AS n FROM alert_fired WHERE subject = 'projects/launch'"
                )
                found = await cur.fetchone()
                return found is not None and found["n"] == 0

        await move_deadline(365)
        await eventually(rearmed)
        await move_deadline(3)

        async def raised_again() -> bool:
            return await deadline_alerts() == 2

        await eventually(raised_again)
        await sub.unsubscribe()
    finally:
        await nc.drain()


async def test_rebuild_loads_history_the_consumer_never_saw(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path
) -> None:
    async for core_stack in start_core(
        database_url=database_url, nats_url=own_nats.url, home=tmp_path / "home"
    ):
        core = Client(core_stack)
        await core.create_project("old", time_zone="UTC")
        names = [(await core.create_task("old", f"old task {i}")).name for i in range(5)]
        await core.move(names[0], "submitted")
        # deliver_new: this risk service never sees the events of the tasks made above.
        async with (
            running_risk(risk_config(core_stack, nats_url=own_nats.url), deliver_new=True) as risk,
            grpc.aio.insecure_channel(f"127.0.0.1:{risk.port}") as channel,
        ):
            stub = risk_service_pb2_grpc.RiskServiceStub(channel)
            md = core_stack.auth()
            with pytest.raises(grpc.aio.AioRpcError) as bad:
                await stub.RebuildHistory(
                    risk_service_pb2.RebuildHistoryRequest(projects=["nope"]), metadata=md
                )
            assert [v.field for v in violations_of(bad.value)] == ["projects[0]"]
            async with connection(risk.consumer.pool) as conn:
                held = await (
                    await conn.execute("SELECT count(*) AS n FROM tasks WHERE project = 'old'")
                ).fetchone()
            assert held is not None and held["n"] == 0

            reply = await stub.RebuildHistory(
                risk_service_pb2.RebuildHistoryRequest(projects=["projects/old"]), metadata=md
            )
            assert reply.tasks == 5
            # The workflow moves come back too (creation of each, and the one submit).
            async with connection(risk.consumer.pool) as conn:
                moves = await (
                    await conn.execute(
                        "SELECT task, from_state, to_state FROM task_changes ORDER BY task, time"
                    )
                ).fetchall()
            assert len(moves) == 6
            assert [(m["from_state"], m["to_state"]) for m in moves if m["task"] == names[0]] == [
                ("", "draft"),
                ("draft", "submitted"),
            ]
            risks = await stub.ListTaskRisks(
                risk_service_pb2.ListTaskRisksRequest(project="projects/old"), metadata=md
            )
            assert sorted(r.task for r in risks.risks) == sorted(names)
