"""`planops webhooks` and `planops rules`: a project's outgoing webhooks and automation rules,
managed through the automation service."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import grpc
import typer
from google.protobuf import field_mask_pb2, json_format
from planops.automation.v1 import (
    automation_service_pb2,
    automation_service_pb2_grpc,
    rule_pb2,
    webhook_pb2,
)
from rich.table import Table

from services.cli import render
from services.cli.client import (
    CALL_TIMEOUT_SECONDS,
    CliError,
    Settings,
    describe,
    project_name,
    usage,
)
from services.common.config import Env

DEFAULT_AUTOMATION_ADDRESS = "127.0.0.1:50055"

webhooks_app = typer.Typer(
    no_args_is_help=True,
    help="Outgoing webhooks: signed HTTP deliveries of a project's events, or messages to a"
    " Feishu/Lark, DingTalk, WeCom or Slack group.",
)
KINDS = {
    "generic": webhook_pb2.WEBHOOK_KIND_GENERIC,
    "feishu": webhook_pb2.WEBHOOK_KIND_FEISHU,
    "lark": webhook_pb2.WEBHOOK_KIND_FEISHU,
    "dingtalk": webhook_pb2.WEBHOOK_KIND_DINGTALK,
    "wecom": webhook_pb2.WEBHOOK_KIND_WECOM,
    "slack": webhook_pb2.WEBHOOK_KIND_SLACK,
}
KIND_NAMES = {
    webhook_pb2.WEBHOOK_KIND_UNSPECIFIED: "generic",
    webhook_pb2.WEBHOOK_KIND_GENERIC: "generic",
    webhook_pb2.WEBHOOK_KIND_FEISHU: "feishu",
    webhook_pb2.WEBHOOK_KIND_DINGTALK: "dingtalk",
    webhook_pb2.WEBHOOK_KIND_WECOM: "wecom",
    webhook_pb2.WEBHOOK_KIND_SLACK: "slack",
}
rules_app = typer.Typer(
    no_args_is_help=True, help="Automation rules: trigger -> conditions -> actions, per project."
)

AddressOption = Annotated[
    str | None,
    typer.Option(
        "--automation-address",
        envvar="PLANOPS_AUTOMATION_ADDRESS",
        help="host:port of the automation service",
    ),
]


def _call(ctx: typer.Context, address: str | None, method: str, request: Any) -> Any:
    found = ctx.find_object(Settings)
    settings = found if found is not None else Settings.resolve(address=None, key=None)
    where = address or Env().str("PLANOPS_AUTOMATION_ADDRESS", DEFAULT_AUTOMATION_ADDRESS)
    with grpc.insecure_channel(where) as channel:
        stub: Any = automation_service_pb2_grpc.AutomationServiceStub(channel)  # type: ignore[no-untyped-call]
        try:
            return getattr(stub, method)(
                request,
                metadata=(("authorization", f"Bearer {settings.api_key()}"),),
                timeout=CALL_TIMEOUT_SECONDS,
            )
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.UNAVAILABLE and "core" not in str(error.details()):
                raise CliError(f"the automation service is not running at {where}") from None
            raise CliError(describe(error, address=where)) from None


def _child(value: str, collection: str) -> str:
    """`promo/3` or `projects/promo/webhooks/3` as the full resource name."""
    parts = value.split("/")
    if len(parts) == 2:
        return f"{project_name(parts[0])}/{collection}/{parts[1]}"
    if len(parts) == 4 and parts[0] == "projects" and parts[2] == collection:
        return value
    raise usage(f"{value!r} is not a {collection[:-1]} (PROJECT/{collection[:-1].upper()})")


def _delivery(value: str) -> str:
    parts = value.split("/")
    if len(parts) == 3:
        return f"{_child('/'.join(parts[:2]), 'webhooks')}/deliveries/{parts[2]}"
    if len(parts) == 6 and parts[4] == "deliveries":
        return value
    raise usage(f"{value!r} is not a delivery (PROJECT/WEBHOOK/DELIVERY)")


def _time(stamp: Any) -> str:
    if not stamp.seconds:
        return ""
    return str(stamp.ToDatetime().strftime("%Y-%m-%d %H:%M:%S"))


# ------------------------------------------------------------------------------ webhooks


@webhooks_app.command("add")
def add_webhook(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project id.")],
    url: Annotated[str, typer.Argument(help="The endpoint that receives the POSTs.")],
    event: Annotated[
        list[str],
        typer.Option(
            "--event",
            "-e",
            help="An event type (core.task.created, risk.alert.raised, automation.rule.fired)"
            " or a prefix such as core.task.*; repeat for more.",
        ),
    ],
    description: Annotated[str, typer.Option(help="What it is for.")] = "",
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="What receives it: generic (any HTTP endpoint), feishu (or lark), dingtalk,"
            " wecom or slack (a group bot's webhook URL).",
        ),
    ] = "generic",
    secret: Annotated[
        str,
        typer.Option(
            "--secret",
            envvar="PLANOPS_WEBHOOK_SIGNING_SECRET",
            help="feishu and dingtalk: the bot's signing secret from its security settings.",
        ),
    ] = "",
    language: Annotated[
        str, typer.Option(help="IM kinds: zh-CN or en (default zh-CN, en for slack).")
    ] = "",
    address: AddressOption = None,
) -> None:
    """Subscribe URL to event types. A generic webhook's signing secret is printed, only this
    once; an IM kind signs with the platform's secret (--secret) or not at all."""
    if kind.lower() not in KINDS:
        raise usage(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    reply = _call(
        ctx,
        address,
        "CreateWebhook",
        automation_service_pb2.CreateWebhookRequest(
            parent=project_name(project),
            webhook=webhook_pb2.Webhook(
                url=url,
                event_types=event,
                description=description,
                kind=KINDS[kind.lower()],
                language=language,
            ),
            signing_secret=secret,
        ),
    )
    typer.echo(f"created {reply.webhook.name} ({KIND_NAMES[reply.webhook.kind]})")
    if reply.secret:
        typer.echo(
            f"secret (shown once; verify the PlanOps-Signature header with it): {reply.secret}"
        )


@webhooks_app.command("list")
def list_webhooks(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project id.")],
    address: AddressOption = None,
) -> None:
    """A project's webhooks."""
    reply = _call(
        ctx,
        address,
        "ListWebhooks",
        automation_service_pb2.ListWebhooksRequest(parent=project_name(project), page_size=500),
    )
    table = Table("webhook", "kind", "url", "events", "created by")
    for w in reply.webhooks:
        table.add_row(w.name, KIND_NAMES[w.kind], w.url, ", ".join(w.event_types), w.creator)
    render.console().print(table)


@webhooks_app.command("delete")
def delete_webhook(
    ctx: typer.Context,
    webhook: Annotated[str, typer.Argument(help="PROJECT/WEBHOOK, for example promo/3.")],
    address: AddressOption = None,
) -> None:
    """Delete a webhook; its pending deliveries are dropped."""
    name = _child(webhook, "webhooks")
    _call(ctx, address, "DeleteWebhook", automation_service_pb2.DeleteWebhookRequest(name=name))
    typer.echo(f"deleted {name}")


@webhooks_app.command("deliveries")
def list_deliveries(
    ctx: typer.Context,
    webhook: Annotated[str, typer.Argument(help="PROJECT/WEBHOOK, for example promo/3.")],
    failed: Annotated[bool, typer.Option("--failed", help="Only deliveries that gave up.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    address: AddressOption = None,
) -> None:
    """A webhook's deliveries, newest first, with their attempts."""
    if not 1 <= limit <= 500:
        raise usage("--limit must be from 1 to 500")
    reply = _call(
        ctx,
        address,
        "ListDeliveries",
        automation_service_pb2.ListDeliveriesRequest(
            parent=_child(webhook, "webhooks"),
            page_size=limit,
            state=(
                webhook_pb2.DELIVERY_STATE_FAILED
                if failed
                else webhook_pb2.DELIVERY_STATE_UNSPECIFIED
            ),
        ),
    )
    table = Table("delivery", "event", "state", "attempts", "last status", "last error")
    for d in reply.deliveries:
        last = d.attempts[-1] if d.attempts else None
        table.add_row(
            d.name.rsplit("/", 1)[1],
            d.event_type,
            webhook_pb2.DeliveryState.Name(d.state).removeprefix("DELIVERY_STATE_").lower(),
            str(d.attempt_count),
            str(last.http_status or "-") if last else "",
            _error(last) if last else "",
        )
    render.console().print(table)


def _error(attempt: webhook_pb2.DeliveryAttempt) -> str:
    if attempt.platform_code:
        return f"{attempt.error} {attempt.platform_code}: {attempt.platform_message}"[:80]
    return attempt.error[:60]


@webhooks_app.command("redeliver")
def redeliver(
    ctx: typer.Context,
    delivery: Annotated[str, typer.Argument(help="PROJECT/WEBHOOK/DELIVERY, e.g. promo/3/17.")],
    address: AddressOption = None,
) -> None:
    """Queue a delivery again for an attempt now (same event id)."""
    reply = _call(
        ctx, address, "Redeliver", automation_service_pb2.RedeliverRequest(name=_delivery(delivery))
    )
    typer.echo(f"queued {reply.delivery.name}")


# ------------------------------------------------------------------------------ rules


def _rule_from(text: str, *, source: str) -> rule_pb2.Rule:
    try:
        return json_format.Parse(text, rule_pb2.Rule())
    except json_format.ParseError as error:
        raise usage(f"{source} is not a rule: {' '.join(str(error).split())}") from None


@rules_app.command("add")
def add_rule(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project id.")],
    rule_id: Annotated[str, typer.Argument(help="The rule's id, such as review-assign.")],
    file: Annotated[
        Path,
        typer.Option(
            "--file", "-f", help="The rule as JSON (the Rule message; see docs/automation.md)."
        ),
    ],
    address: AddressOption = None,
) -> None:
    """Create a rule from a JSON file; a rule that could loop is refused with the loop."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise usage(f"cannot read {file}: {error}") from None
    rule = _rule_from(text, source=str(file))
    reply = _call(
        ctx,
        address,
        "CreateRule",
        automation_service_pb2.CreateRuleRequest(
            parent=project_name(project), rule_id=rule_id, rule=rule
        ),
    )
    typer.echo(f"created {reply.rule.name} (revision {reply.rule.revision})")


@rules_app.command("list")
def list_rules(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project id.")],
    address: AddressOption = None,
) -> None:
    """A project's rules."""
    reply = _call(
        ctx,
        address,
        "ListRules",
        automation_service_pb2.ListRulesRequest(parent=project_name(project), page_size=500),
    )
    table = Table("rule", "on", "enabled", "revision", "title")
    for r in reply.rules:
        table.add_row(
            r.name.rsplit("/", 1)[1],
            rule_pb2.Trigger.Name(r.trigger).removeprefix("TRIGGER_").lower(),
            "yes" if r.enabled else "no",
            str(r.revision),
            r.display_name,
        )
    render.console().print(table)


@rules_app.command("show")
def show_rule(
    ctx: typer.Context,
    rule: Annotated[str, typer.Argument(help="PROJECT/RULE, for example promo/review-assign.")],
    address: AddressOption = None,
) -> None:
    """A rule as JSON (the form `rules add` takes)."""
    reply = _call(
        ctx, address, "GetRule", automation_service_pb2.GetRuleRequest(name=_child(rule, "rules"))
    )
    typer.echo(json.dumps(json_format.MessageToDict(reply.rule), indent=2, ensure_ascii=False))


def _set_enabled(ctx: typer.Context, address: str | None, rule: str, enabled: bool) -> None:
    name = _child(rule, "rules")
    reply = _call(
        ctx,
        address,
        "UpdateRule",
        automation_service_pb2.UpdateRuleRequest(
            rule=rule_pb2.Rule(name=name, enabled=enabled),
            update_mask=field_mask_pb2.FieldMask(paths=["enabled"]),
        ),
    )
    state = "enabled" if enabled else "disabled"
    typer.echo(f"{state} {reply.rule.name} (revision {reply.rule.revision})")


@rules_app.command("enable")
def enable_rule(
    ctx: typer.Context,
    rule: Annotated[str, typer.Argument(help="PROJECT/RULE.")],
    address: AddressOption = None,
) -> None:
    """Turn a rule on (checked for loops again)."""
    _set_enabled(ctx, address, rule, True)


@rules_app.command("disable")
def disable_rule(
    ctx: typer.Context,
    rule: Annotated[str, typer.Argument(help="PROJECT/RULE.")],
    address: AddressOption = None,
) -> None:
    """Turn a rule off."""
    _set_enabled(ctx, address, rule, False)


@rules_app.command("delete")
def delete_rule(
    ctx: typer.Context,
    rule: Annotated[str, typer.Argument(help="PROJECT/RULE.")],
    address: AddressOption = None,
) -> None:
    """Delete a rule (its revisions and runs stay readable)."""
    name = _child(rule, "rules")
    _call(ctx, address, "DeleteRule", automation_service_pb2.DeleteRuleRequest(name=name))
    typer.echo(f"deleted {name}")


@rules_app.command("install-defaults")
def install_defaults(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project id.")],
    address: AddressOption = None,
) -> None:
    """Install the rules the default workflow needs (review to the reviewer, replan on
    critical-path risk, overdue work to the managers)."""
    reply = _call(
        ctx,
        address,
        "InstallDefaultRules",
        automation_service_pb2.InstallDefaultRulesRequest(parent=project_name(project)),
    )
    for r in reply.installed:
        typer.echo(f"installed {r.name}: {r.display_name}")
    for r in reply.existing:
        typer.echo(f"already there {r.name}")


@rules_app.command("runs")
def list_runs(
    ctx: typer.Context,
    rule: Annotated[str, typer.Argument(help="PROJECT/RULE.")],
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    address: AddressOption = None,
) -> None:
    """What a rule did, event by event."""
    if not 1 <= limit <= 500:
        raise usage("--limit must be from 1 to 500")
    reply = _call(
        ctx,
        address,
        "ListRuleRuns",
        automation_service_pb2.ListRuleRunsRequest(parent=_child(rule, "rules"), page_size=limit),
    )
    table = Table("when", "event", "task", "state", "what it did")
    for r in reply.runs:
        table.add_row(
            _time(r.create_time),
            r.event_type,
            r.task,
            rule_pb2.RunState.Name(r.state).removeprefix("RUN_STATE_").lower(),
            "; ".join(r.results) + (f" ({r.error})" if r.error else ""),
        )
    render.console().print(table)


@rules_app.command("history")
def rule_history(
    ctx: typer.Context,
    rule: Annotated[str, typer.Argument(help="PROJECT/RULE.")],
    address: AddressOption = None,
) -> None:
    """Every revision of a rule: who changed it, when, and how."""
    reply = _call(
        ctx,
        address,
        "ListRuleRevisions",
        automation_service_pb2.ListRuleRevisionsRequest(
            parent=_child(rule, "rules"), page_size=500
        ),
    )
    table = Table("revision", "when", "change", "by", "enabled")
    for r in reply.revisions:
        table.add_row(
            str(r.rule.revision),
            _time(r.time),
            r.action,
            r.actor,
            "yes" if r.rule.enabled else "no",
        )
    render.console().print(table)
