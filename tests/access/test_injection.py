"""SQL injection through every text field of every RPC: the tables stay whole, and a value
the service accepts is stored exactly as sent."""

from __future__ import annotations

import json

import grpc
import pytest
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from services.common.errors import violations_of
from tests.fuzz import stats
from tests.fuzz.cases import CASES
from tests.fuzz.stack import Database, Rpc, Running, all_rpcs
from tests.fuzz.strategies import Step, leaf_paths, set_field
from tests.fuzz.world import World

RPCS = sorted(all_rpcs(), key=lambda r: r.id)
PAYLOADS = (
    "Robert'); DROP TABLE tasks; --",
    "x' OR '1'='1' --",
    "$$; DELETE FROM audit_log; $$ \\ % _",
    '"; TRUNCATE people CASCADE; SELECT "',
)
# Free text a service keeps as given (after trimming, which these payloads do not need).
STORED = frozenset(
    {
        "title",
        "description",
        "display_name",
        "body",
        "note",
        "goal",
        "reason",
        "comment",
        "source_ref",
        "labels",
        "aliases",
        "text",
        "anchor",
    }
)


def text_paths(request: Message) -> list[tuple[Step, ...]]:
    return [p for p in leaf_paths(request) if p[-1][0].type == FieldDescriptor.TYPE_STRING]


def label(path: tuple[Step, ...]) -> str:
    return ".".join(f.name + ("[0]" if first else "") for f, first in path)


def tables(db: Database) -> dict[str, int]:
    found = db.fingerprint()
    return {table: rows for table, (rows, _) in found.items()}


def stored(db: Database, text: str) -> bool:
    """Whether any row of any service's tables holds `text` (as its JSON spells it)."""
    needle = json.dumps(text, ensure_ascii=False)[1:-1]
    for table in db.fingerprint():
        schema, name = table.split(".")
        found = db.scalar(
            f'SELECT count(*) FROM "{schema}"."{name}" t WHERE strpos(to_jsonb(t)::text, %s) > 0',
            needle,
        )
        if found:
            return True
    return False


@pytest.mark.parametrize("rpc", RPCS, ids=lambda r: r.id)
def test_injection_through_every_text_field_changes_nothing(
    running: Running, world: World, rpc: Rpc
) -> None:
    stack, db = running.stack, running.db
    case = CASES[f"{rpc.service}.{rpc.method}"]
    paths = text_paths(case.build(stack, world))
    for i, path in enumerate(paths):
        payload = PAYLOADS[i % len(PAYLOADS)]
        request = case.build(stack, world)
        leaf = path[-1][0]
        set_field(request, path, [payload] if leaf.is_repeated else payload)
        before = tables(db)
        outcome = stack.call(rpc, request, key=stack.admin_key)
        stats.record("access", rpc.id, outcome.code)
        where = f"{rpc.id} {label(path)}={payload!r}"
        assert outcome.code not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN), where
        after = tables(db)
        assert after.keys() == before.keys(), f"{where}: tables changed"
        shrunk = [t for t in before if after[t] < before[t] and not t.endswith("outbox")]
        assert len(shrunk) <= 1, f"{where}: rows went missing from {shrunk}"
        if outcome.code == grpc.StatusCode.INVALID_ARGUMENT:
            assert outcome.error is not None and violations_of(outcome.error), where
        if outcome.code == grpc.StatusCode.OK and leaf.name in STORED:
            assert stored(db, payload), f"{where}: accepted but not stored verbatim"
    assert world.a.split("/")[1] in str(db.scalar("SELECT array_agg(id) FROM core.projects"))
    assert stack.healthy()
