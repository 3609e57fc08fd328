"""`planops notes paste` and `planops notes accept`: meeting notes through the nlp service."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Annotated, Any

import grpc
import typer
from planops.nlp.v1 import nlp_service_pb2, nlp_service_pb2_grpc, notes_pb2
from rich.table import Table

from services.cli import render
from services.cli.client import CliError, Settings, day, describe, project_name, usage
from services.cli.notes_cli import doubtful, read_notes
from services.common import names
from services.common.config import Env

DEFAULT_NLP_ADDRESS = "127.0.0.1:50054"
# Reading 100,000 characters takes a few seconds; a deadline well above that.
CALL_TIMEOUT_SECONDS = 120.0
NOTES_NAME = re.compile(rf"^(?:projects/)?({names.SLUG_PATTERN})/notes/({names.NUMBER_PATTERN})\Z")
ITEM_ID = re.compile(r"^(?:item-)?(\d{1,6})\Z")

NlpAddress = Annotated[
    str | None,
    typer.Option(
        "--nlp-address",
        envvar="PLANOPS_NLP_ADDRESS",
        help=f"host:port of the nlp service  [default: {DEFAULT_NLP_ADDRESS}]",
        show_default=False,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


class NlpClient:
    """The nlp service's stub over one channel; every call carries the key and a deadline."""

    def __init__(self, settings: Settings, address: str) -> None:
        self.settings = settings
        self.address = address
        self.channel = grpc.insecure_channel(address)
        self.stub: Any = nlp_service_pb2_grpc.NlpServiceStub(self.channel)  # type: ignore[no-untyped-call]

    def call(self, method: str, request: Any) -> Any:
        metadata = (("authorization", f"Bearer {self.settings.api_key()}"),)
        try:
            return getattr(self.stub, method)(
                request, metadata=metadata, timeout=CALL_TIMEOUT_SECONDS
            )
        except grpc.RpcError as error:
            raise CliError(self.describe(error)) from None

    def describe(self, error: grpc.RpcError) -> str:
        code = error.code()
        line = describe(error, address=self.address)
        if code == grpc.StatusCode.UNAVAILABLE and line.startswith("core is not running"):
            return f"the nlp service is not running at {self.address} — start it with `planops up`"
        if code == grpc.StatusCode.DEADLINE_EXCEEDED and line.startswith("core at"):
            return f"the nlp service at {self.address} did not answer in time"
        return line.replace("core failed:", "the nlp service failed:", 1)


def connect(ctx: typer.Context, address: str | None) -> NlpClient:
    settings = ctx.find_object(Settings) or Settings.resolve(address=None, key=None)
    client = NlpClient(settings, address or Env().str("PLANOPS_NLP_ADDRESS", DEFAULT_NLP_ADDRESS))
    ctx.call_on_close(client.channel.close)
    return client


def notes_name(value: str) -> str:
    """`promo/notes/3` or `projects/promo/notes/3` as the full name."""
    match = NOTES_NAME.match(value)
    if match is None:
        raise usage(f"{value!r} is not notes; write PROJECT/notes/NUMBER such as promo/notes/3")
    return f"projects/{match[1]}/notes/{match[2]}"


def item_id(value: str) -> str:
    """`item-3` or `3` as `item-3`."""
    match = ITEM_ID.match(value)
    if match is None:
        raise usage(f"{value!r} is not an item id; write item-3 or 3")
    return f"item-{match[1]}"


def paste(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project id, such as promo.", show_default=False)],
    file: Annotated[Path, typer.Argument(help="Notes file (UTF-8 text or Markdown).")],
    meeting_date: Annotated[
        str, typer.Option("--meeting-date", help="The meeting day, YYYY-MM-DD.", show_default=False)
    ],
    lang: Annotated[str, typer.Option("--lang", help="en, zh or auto.")] = "auto",
    explain: Annotated[
        bool, typer.Option("--explain", help="Say why for every item, not only doubtful ones.")
    ] = False,
    json: Json = False,
    nlp_address: NlpAddress = None,
) -> None:
    """Send meeting notes to the nlp service and show the action items it found and stored.

    Items it is unsure of (or whose owner could be two people) come with the words that made
    them items and the words that made their owner."""
    if lang not in {"en", "zh", "auto"}:
        raise usage(f"--lang must be en, zh or auto, not {lang!r}")
    text = read_notes(file)
    request = nlp_service_pb2.ExtractActionItemsRequest(
        project=project_name(project),
        text=text,
        meeting_date=day(meeting_date, option="--meeting-date"),
        language="" if lang == "auto" else lang,
        request_id=uuid.uuid4().hex,
    )
    notes: notes_pb2.Notes = connect(ctx, nlp_address).call("ExtractActionItems", request).notes
    if json:
        render.print_json(notes)
        return
    if notes.items:
        render.print_table(items_table(notes))
        print_why(notes, every=explain)
    else:
        render.print_line("no action items found")
    for title, statements in (("decisions", notes.decisions), ("open questions", notes.questions)):
        for statement in statements:
            render.print_line(f"{title[:-1]}: {statement.text}")
    for warning in notes.warnings:
        render.print_line(f"warning: {warning}")
    short = notes.name.removeprefix("projects/")
    render.print_line(f"stored as {short}; accept with: planops notes accept {short} ITEM_ID...")


def accept(
    ctx: typer.Context,
    notes: Annotated[str, typer.Argument(help="Notes: PROJECT/notes/NUMBER.", show_default=False)],
    item_ids: Annotated[
        list[str], typer.Argument(help="Item ids (item-3 or 3).", show_default=False)
    ],
    json: Json = False,
    nlp_address: NlpAddress = None,
) -> None:
    """Turn action items into tasks in core; items accepted before keep their task."""
    name = notes_name(notes)
    ids = list(dict.fromkeys(item_id(i) for i in item_ids))
    client = connect(ctx, nlp_address)
    before = client.call("GetNotes", nlp_service_pb2.GetNotesRequest(name=name)).notes
    earlier = {item.id for item in before.items if item.task}
    reply = client.call(
        "AcceptActionItems",
        nlp_service_pb2.AcceptActionItemsRequest(
            name=name, items=[nlp_service_pb2.AcceptedItem(id=i) for i in ids]
        ),
    )
    if json:
        render.print_json(reply)
        return
    items = {item.id: item for item in reply.notes.items}
    table = Table(title=f"Tasks from {name.removeprefix('projects/')}")
    for column in ("task", "item", "title", "assignee", "due", ""):
        table.add_column(column)
    for i, task in zip(ids, reply.tasks, strict=True):
        item = items[i]
        table.add_row(
            render.task_ref(task),
            i,
            item.description,
            item.owner.removeprefix("people/") or "-",
            item.due_date or "-",
            "accepted before" if i in earlier else "created",
        )
    render.print_table(table)


def items_table(notes: notes_pb2.Notes) -> Table:
    table = Table(
        title=f"Action items in {notes.name.removeprefix('projects/')} ({notes.language})"
    )
    for column in ("id", "description", "owner", "due", "conf", "source"):
        table.add_column(column, overflow="fold")
    for item in notes.items:
        owner = item.owner.removeprefix("people/") or "-"
        if item.owner_ambiguous:
            candidates = [c.removeprefix("people/") for c in item.owner_candidates]
            owner = "? " + " / ".join(candidates) if candidates else owner + " ?"
        due = item.due_date or (f"({item.due_text})" if item.due_text else "-")
        source = " ".join(notes.text[item.span.start : item.span.end].split())
        table.add_row(item.id, item.description, owner, due, f"{item.confidence.item:.2f}", source)
    return table


def print_why(notes: notes_pb2.Notes, *, every: bool) -> None:
    """Which words made each doubtful item (or every item) an item, and which its owner."""
    shown = [
        item
        for item in notes.items
        if every
        or doubtful(
            item=item.confidence.item,
            owner=item.confidence.owner if item.owner else 1.0,
            ambiguous=item.owner_ambiguous,
        )
    ]
    if not shown:
        return
    render.print_line("why:" if every else "why (the items to check):")
    for item in shown:
        sure = f"item {item.confidence.item:.2f}, owner {item.confidence.owner:.2f}"
        render.print_line(f"  {item.id} {item.description} ({sure})")
        for reason in item.explanation.item:
            render.print_line(f"    item:  {reason}")
        if item.explanation.owner:
            render.print_line(f"    owner: {item.explanation.owner}")
