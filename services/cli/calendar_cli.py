"""`planops calendar create|list|revoke`: a person's secret iCalendar addresses, for Outlook,
Google, Apple and Feishu calendars to subscribe to."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from planops.core.v1 import (
    calendar_feed_pb2,
    calendar_feed_service_pb2,
    calendar_feed_service_pb2_grpc,
)
from rich.table import Table

from services.cli import render
from services.cli.client import Client, Settings, project_name, usage

DEFAULT_GATEWAY = "http://127.0.0.1:8080"

calendar_app = typer.Typer(
    no_args_is_help=True,
    help="Calendar feeds: your plan (or a project's) in Outlook, Google, Apple or Feishu.",
)
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _client(ctx: typer.Context) -> tuple[Client, Any]:
    found = ctx.find_object(Settings)
    client = ctx.with_resource(Client(found or Settings.resolve(address=None, key=None)))
    stub: Any = calendar_feed_service_pb2_grpc.CalendarFeedServiceStub(client.channel)  # type: ignore[no-untyped-call]
    return client, stub


def gateway_base(gateway: str) -> str:
    """The gateway's public address, checked before a feed is made for it."""
    if not gateway.startswith(("http://", "https://")):
        raise usage(f"--gateway: {gateway!r} must start with http:// or https://")
    return gateway.rstrip("/")


@calendar_app.command("create")
def create(
    ctx: typer.Context,
    project: Annotated[
        str | None, typer.Option(help="A project's plan instead of your own (you need a role).")
    ] = None,
    name: Annotated[str, typer.Option(help="What the feed is for, such as 'Outlook'.")] = "",
    gateway: Annotated[
        str,
        typer.Option(
            envvar="PLANOPS_GATEWAY_URL",
            help="The gateway's public address, as calendars reach it.",
        ),
    ] = DEFAULT_GATEWAY,
    json: Json = False,
) -> None:
    """Create a calendar feed with your key and print its address, shown only this once."""
    base = gateway_base(gateway)
    client, stub = _client(ctx)
    reply = client.call(
        stub.CreateCalendarFeed,
        calendar_feed_service_pb2.CreateCalendarFeedRequest(
            calendar_feed=calendar_feed_pb2.CalendarFeed(
                display_name=name, subject=project_name(project) if project else ""
            )
        ),
    )
    url = base + reply.path
    if json:
        render.print_json(reply)
        return
    feed = reply.calendar_feed
    render.print_line(f"created {feed.name}: the plan of {feed.subject}")
    render.print_line(f"subscribe to (shown only this once): {url}")
    render.print_line(f"Apple Calendar: {url.replace('https://', 'webcal://', 1)}")


@calendar_app.command("list")
def list_feeds(ctx: typer.Context, json: Json = False) -> None:
    """List your calendar feeds, newest first (their addresses are not kept)."""
    client, stub = _client(ctx)
    found = client.every(
        stub.ListCalendarFeeds,
        calendar_feed_service_pb2.ListCalendarFeedsRequest(),
        "calendar_feeds",
    )
    if json:
        render.print_json(found)
        return
    if not found:
        render.print_line("no calendar feeds")
        return
    render.print_table(feeds_table(found))


@calendar_app.command("revoke")
def revoke(
    ctx: typer.Context,
    feed: Annotated[str, typer.Argument(metavar="ID", help="Feed id, as `list` shows it.")],
) -> None:
    """Revoke a calendar feed; calendars subscribed to it get nothing from now on."""
    name = feed if feed.startswith("calendarFeeds/") else f"calendarFeeds/{feed}"
    client, stub = _client(ctx)
    client.call(
        stub.RevokeCalendarFeed, calendar_feed_service_pb2.RevokeCalendarFeedRequest(name=name)
    )
    render.print_line(f"revoked {name}")


def feeds_table(found: list[calendar_feed_pb2.CalendarFeed]) -> Table:
    table = Table("id", "name", "plan of", "created", "revoked")
    for f in found:
        table.add_row(
            render.short(f.name, "calendarFeeds/"),
            f.display_name,
            f.subject,
            render.time(f.create_time),
            render.time(f.revoke_time),
        )
    return table
