from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from planops.nlp.v1 import notes_pb2
from rich.console import Console
from typer.testing import CliRunner

from services.cli import notes_rpc
from services.cli.notes_cli import notes_app

runner = CliRunner()


def test_extract_json(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("Action items\n- Bob to fix the coupon bug by Friday\n", encoding="utf-8")
    people = tmp_path / "people.json"
    people.write_text(json.dumps([{"name": "Bob Martinez", "aliases": ["Bob"]}]), encoding="utf-8")
    result = runner.invoke(
        notes_app,
        [
            "extract",
            str(notes),
            "--meeting-date",
            "2025-03-03",
            "--participants",
            str(people),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"items", "status_updates", "decisions", "questions"}
    (item,) = data["items"]
    assert item["owner"] == "Bob Martinez"
    assert item["due"] == "2025-03-07"
    text = notes.read_text(encoding="utf-8")
    assert text[item["span"][0] : item["span"][1]].startswith("Bob to fix")


def test_user_mistakes_are_one_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("- Bob to fix it\n", encoding="utf-8")
    bad_json = tmp_path / "people.json"
    bad_json.write_text("[{", encoding="utf-8")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    cases = [
        ["extract", str(tmp_path / "missing.md"), "--meeting-date", "2025-03-03"],
        ["extract", str(notes), "--meeting-date", "03/03/2025"],
        ["extract", str(notes), "--meeting-date", "2025-03-03", "--participants", str(bad_json)],
        ["extract", str(binary), "--meeting-date", "2025-03-03"],
        ["extract", str(notes), "--meeting-date", "2025-03-03", "--lang", "fr"],
    ]
    for args in cases:
        result = runner.invoke(notes_app, args)
        assert result.exit_code != 0, args
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert "Traceback" not in result.output
        assert "error:" in result.output


def _promo(tmp_path: Path) -> list[str]:
    notes = tmp_path / "promo.md"
    notes.write_text(
        "Promo sync\n"
        "- Bob will fix the discount code generator by Wednesday\n"
        "- Olga to look at the landing page copy\n",
        encoding="utf-8",
    )
    people = tmp_path / "people.json"
    people.write_text(
        json.dumps([{"name": "Bob Martinez", "aliases": ["Bob"]}, {"name": "Olga Novak"}]),
        encoding="utf-8",
    )
    return ["extract", str(notes), "--meeting-date", "2026-06-01", "--participants", str(people)]


def test_table_explains_the_doubtful_items_only(tmp_path: Path) -> None:
    result = runner.invoke(notes_app, _promo(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Why (items below 0.8 confidence)" in result.stdout
    # The landing-page item scores 0.67: its reasons are shown; Bob's (0.95) are not.
    assert "`to` after a named person (`Olga`)" in result.stdout
    assert "owner: `Olga` is named before `to`" in result.stdout
    assert "`will` after a named person (`Bob`)" not in result.stdout


def test_explain_flag_explains_every_item(tmp_path: Path) -> None:
    result = runner.invoke(notes_app, [*_promo(tmp_path), "--explain"])
    assert result.exit_code == 0, result.output
    assert "`will` after a named person (`Bob`)" in result.stdout
    assert "owner: `Bob` is named before `will`" in result.stdout
    assert "`to` after a named person (`Olga`)" in result.stdout


def test_json_carries_the_explanation(tmp_path: Path) -> None:
    result = runner.invoke(notes_app, [*_promo(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    bob = json.loads(result.stdout)["items"][0]
    assert bob["explanation"]["owner"] == "`Bob` is named before `will`"
    assert any("due date `by Wednesday`" in reason for reason in bob["explanation"]["item"])


def test_pasted_notes_show_both_candidates_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    item = notes_pb2.ActionItem(
        id="item-1",
        description="issue the corrective action request",
        owner_ambiguous=True,
        owner_candidates=["people/dan", "people/diana"],
        confidence=notes_pb2.Confidence(item=0.9, owner=0.4),
        explanation=notes_pb2.Explanation(
            item=["`DK:` labels the line"], owner="initials `DK` fit Dan Kim and Diana Kerr"
        ),
    )
    sure = notes_pb2.ActionItem(
        id="item-2",
        description="book the hall",
        owner="people/lin",
        confidence=notes_pb2.Confidence(item=0.95, owner=0.95),
        explanation=notes_pb2.Explanation(item=["`will` after a named person"], owner="named"),
    )
    notes = notes_pb2.Notes(name="projects/p/notes/1", language="en", items=[item, sure])
    rendered = Console(width=200, record=True, file=io.StringIO())
    rendered.print(notes_rpc.items_table(notes))
    assert "? dan / diana" in rendered.export_text()
    notes_rpc.print_why(notes, every=False)
    out = capsys.readouterr().out
    assert "item-1" in out and "initials `DK` fit Dan Kim and Diana Kerr" in out
    assert "item-2" not in out
