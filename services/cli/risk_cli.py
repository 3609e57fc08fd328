"""`planops risk PROJECT` and `planops import FILE.csv`: what history says, and history in."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import grpc
import typer
from planops.risk.v1 import risk_service_pb2, risk_service_pb2_grpc
from rich.table import Table

from services.cli import history_import, render
from services.cli.client import (
    CALL_TIMEOUT_SECONDS,
    Client,
    CliError,
    Settings,
    describe,
    project_name,
    usage,
)
from services.common.config import Env
from services.common.probability import percent, with_evidence

DEFAULT_RISK_ADDRESS = "127.0.0.1:50053"


def _settings(ctx: typer.Context) -> Settings:
    found = ctx.find_object(Settings)
    return found if found is not None else Settings.resolve(address=None, key=None)


def _risk_call(settings: Settings, address: str, method: str, request: Any) -> Any:
    with grpc.insecure_channel(address) as channel:
        stub: Any = risk_service_pb2_grpc.RiskServiceStub(channel)  # type: ignore[no-untyped-call]
        try:
            return getattr(stub, method)(
                request,
                metadata=(("authorization", f"Bearer {settings.api_key()}"),),
                timeout=CALL_TIMEOUT_SECONDS,
            )
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.UNAVAILABLE and "core" not in str(error.details()):
                raise CliError(f"the risk service is not running at {address}") from None
            raise CliError(describe(error, address=address)) from None


def risk(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project id.")],
    top: Annotated[int, typer.Option(help="How many of the riskiest tasks to show.")] = 10,
    deadline: Annotated[
        str | None, typer.Option(help="Forecast against this date (YYYY-MM-DD).")
    ] = None,
    samples: Annotated[int, typer.Option(help="Monte Carlo samples (100-20000).")] = 2000,
    risk_address: Annotated[
        str | None,
        typer.Option(envvar="PLANOPS_RISK_ADDRESS", help="host:port of the risk service"),
    ] = None,
    train: Annotated[
        bool,
        typer.Option(
            "--train",
            help="First train a model on the finished history the risk service holds (admin key);"
            " it also retrains by itself as history grows.",
        ),
    ] = False,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence",
            help="Also show how far the numbers can be trusted: the active model's reliability"
            " on the tasks it was checked on (predicted against what happened).",
        ),
    ] = False,
) -> None:
    """When the project will finish, and which tasks are likely to be late and why.

    Each probability comes with its range and the number of similar past tasks it rests on;
    `--evidence` adds the model's reliability diagram as a table."""
    if not 1 <= top <= 500:
        raise usage("--top must be from 1 to 500")
    settings = _settings(ctx)
    address = risk_address or Env().str("PLANOPS_RISK_ADDRESS", DEFAULT_RISK_ADDRESS)
    name = project_name(project)
    if train:
        with render.console().status("training on the history held ..."):
            trained = _risk_call(
                settings, address, "TrainModel", risk_service_pb2.TrainModelRequest(force=True)
            )
        m = trained.model
        render.print_line(
            f"model {m.name.removeprefix('models/')}: {m.rows} tasks, holdout AUC"
            f" {m.holdout_auc:.2f}, calibration error {m.holdout_ece:.3f},"
            f" {trained.reason or ('now active' if trained.activated else 'kept inactive')}"
        )
    forecast = _risk_call(
        settings,
        address,
        "ForecastProject",
        risk_service_pb2.ForecastProjectRequest(
            project=name, samples=samples, deadline=deadline or ""
        ),
    ).forecast
    risks = _risk_call(
        settings,
        address,
        "ListTaskRisks",
        risk_service_pb2.ListTaskRisksRequest(project=name, page_size=top),
    ).risks
    source = (
        "no trained model yet: from the prior"
        if forecast.model_version == "prior"
        else (f"model {forecast.model_version}")
    )
    summary = Table(title=f"{name} forecast ({forecast.samples} samples, {source})")
    for column in ("deadline", "P(on time)", "P50", "P80", "P95"):
        summary.add_column(column)
    summary.add_row(
        forecast.deadline or "none",
        percent(forecast.probability_on_time) if forecast.deadline else "-",
        forecast.finish_p50_date,
        forecast.finish_p80_date,
        forecast.finish_p95_date,
    )
    render.print_table(summary)
    alerts = _risk_call(
        settings,
        address,
        "ListAlerts",
        risk_service_pb2.ListAlertsRequest(project=name, page_size=5),
    ).alerts
    for alert in alerts:
        raised = alert.raise_time.ToDatetime().strftime("%Y-%m-%d %H:%M")
        render.print_line(f"alert {raised} UTC {alert.kind}: {alert.message}")
    if not risks:
        render.print_line("no open tasks")
        return
    table = Table(
        title="riskiest open tasks",
        caption="why: + raises the risk, − lowers it; delays in working days",
    )
    for column in (
        "task",
        "title",
        "P(late) (range, evidence)",
        "expected delay",
        "P80 finish",
        "why",
    ):
        table.add_column(column)
    for r in risks:
        table.add_row(
            render.task_ref(r.task),
            r.title,
            _p_late(r),
            f"{r.expected_delay_days:.1f} d",
            r.finish_p80_date,
            "; ".join(f"{'+' if f.contribution > 0 else '−'} {f.text}" for f in r.factors[:3])
            or ("no model yet: plan against due date" if r.from_prior else ""),
        )
    render.print_table(table)
    if evidence:
        _print_evidence(settings, address, model_version=forecast.model_version)


def _p_late(r: Any) -> str:
    if r.similar_tasks <= 0:
        return percent(r.probability_late) + (" (prior, no past tasks)" if r.from_prior else "")
    return with_evidence(
        r.probability_late,
        low=r.probability_late_low,
        high=r.probability_late_high,
        similar=r.similar_tasks,
        late=r.similar_late,
    )


def _print_evidence(settings: Settings, address: str, *, model_version: str) -> None:
    """The active model's reliability: what it predicted on tasks it had not trained on,
    against what happened, per tenth of the probability scale."""
    models = _risk_call(
        settings, address, "ListModels", risk_service_pb2.ListModelsRequest(page_size=100)
    ).models
    active = next((m for m in models if m.active), None)
    if active is None:
        render.print_line(
            "evidence: no trained model is active; the numbers come from the prior (the team's"
            " estimate-against-actual ratios), which has no holdout to check it on"
        )
        return
    render.print_line(
        f"evidence for model {active.name.removeprefix('models/')} (trained on {active.rows}"
        f" tasks, {active.window_start} to {active.window_end}), checked on the"
        f" {active.holdout_rows} latest tasks it did not train on: AUC {active.holdout_auc:.2f},"
        f" Brier {active.holdout_brier:.3f} (the late share alone: {active.base_rate_brier:.3f}),"
        f" calibration error {active.holdout_ece:.3f}"
        + (
            f", delay within its P80 for {active.holdout_delay_p80_coverage:.0%} of tasks"
            if not math.isnan(active.holdout_delay_p80_coverage)
            else ""
        )
    )
    if not active.reliability:
        render.print_line("(this model was trained before reliability was recorded)")
        return
    render.print_line(
        "reliability: predicted against what happened (a well-calibrated model has observed"
        " close to predicted in every row)"
    )
    table = Table()
    for column in ("predicted", "observed late", "tasks"):
        table.add_column(column, justify="right")
    for b in active.reliability:
        table.add_row(f"{b.predicted:.0%}", f"{b.observed:.0%}", str(b.tasks))
    render.print_table(table)


def import_history(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV of past tasks.")],
    project: Annotated[str, typer.Option("--project", help="The project to import into.")],
    file_format: Annotated[
        str, typer.Option("--format", help="planops or jira (the JIRA delay dataset).")
    ] = "planops",
) -> None:
    """Load past work into core as finished tasks, so risk has history to learn from."""
    name = project_name(project)
    try:
        tasks = history_import.read(file, file_format=file_format)
        file_id = history_import.file_id(file)
    except (history_import.ImportFileError, OSError) as error:
        raise usage(str(error)) from None
    with (
        Client(_settings(ctx)) as client,
        typer.progressbar(
            length=len(tasks), label=f"importing {len(tasks)} tasks", file=None
        ) as bar,
    ):
        last = 0

        def advance(done: int) -> None:
            nonlocal last
            bar.update(done - last)
            last = done

        try:
            names = history_import.import_tasks(
                client, project=name, tasks=tasks, file_id=file_id, progress=advance
            )
        except history_import.ImportFileError as error:
            raise CliError(str(error)) from None
    render.print_line(
        f"imported {len(names)} finished tasks into {name}"
        " (importing the same file again adds nothing)"
    )
