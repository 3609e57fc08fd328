"""The nlp service's SQL lives in store.py, and what the store returns is typed."""

from __future__ import annotations

from services.nlp import store
from tests.store_layer import row_lookups, sql_outside_store, untyped_results


def test_only_the_store_runs_sql() -> None:
    assert sql_outside_store("nlp") == {}


def test_results_leave_the_store_typed() -> None:
    assert untyped_results(store) == {}


def test_the_store_reads_rows_by_attribute() -> None:
    assert row_lookups("nlp") == []
