"""The console's TypeScript declarations are generated from the gateway's OpenAPI document."""

from __future__ import annotations

from scripts import console_types


def test_the_committed_declarations_match_the_document() -> None:
    committed = console_types.OUT.read_text(encoding="utf-8")
    assert committed == console_types.render(console_types.gateway_document()), (
        "run `python scripts/console_types.py`"
    )


def test_enums_are_unions_and_responses_keep_only_printed_fields_required() -> None:
    text = console_types.render(console_types.gateway_document())
    assert (
        'export type StateCategory = "STATE_CATEGORY_UNSPECIFIED" | "STATE_CATEGORY_PLANNED"'
        in text
    )
    task = text[text.index("  export interface Task {") :]
    task = task[: task.index("\n  }\n")]
    assert "\n    title: string;" in task
    assert "\n    priority: core.v1.Priority;" in task
    # A timestamp is left out of a response while unset.
    assert "\n    createTime?: string;" in task


def test_nested_types_join_their_parents() -> None:
    assert console_types.split("planops.core.v1.Task.Priority") == ("core.v1", "Task_Priority")
    assert console_types.split("planops.gateway.Error") == ("gateway", "Error")
