from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from services.nlp.cli import notes_app

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
