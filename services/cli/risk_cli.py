"""`planops risk PROJECT` and `planops import FILE.csv`: what history says, and history in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import grpc
import typer
from planops.risk.v1 import risk_service_pb2, risk_service_pb2_grpc
from rich.table import Table

from services.cli import render
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
from services.risk import importer

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
) -> None:
    """When the project will finish, and which tasks are likely to be late and why."""
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
        f"{forecast.probability_on_time:.0%}" if forecast.deadline else "-",
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
    for column in ("task", "title", "P(late)", "expected delay", "P80 finish", "why"):
        table.add_column(column)
    for r in risks:
        table.add_row(
            render.task_ref(r.task),
            r.title,
            f"{r.probability_late:.0%}",
            f"{r.expected_delay_days:.1f} d",
            r.finish_p80_date,
            "; ".join(f"{'+' if f.contribution > 0 else '−'} {f.text}" for f in r.factors[:3])
            or ("no model yet: plan against due date" if r.from_prior else ""),
        )
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
        tasks = importer.read(file, file_format=file_format)
        file_id = importer.file_id(file)
    except (importer.ImportFileError, OSError) as error:
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
            names = importer.import_tasks(
                client, project=name, tasks=tasks, file_id=file_id, progress=advance
            )
        except importer.ImportFileError as error:
            raise CliError(str(error)) from None
    render.print_line(
        f"imported {len(names)} finished tasks into {name}"
        " (importing the same file again adds nothing)"
    )
