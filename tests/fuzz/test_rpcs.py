"""Every RPC of every service under random and malformed requests: never INTERNAL or UNKNOWN,
never a crash, nothing written by a refused call, and every INVALID_ARGUMENT names its field.

FUZZ_EXAMPLES sets the examples per RPC (10 by default; a deep run: FUZZ_EXAMPLES=100)."""

from __future__ import annotations

import os
import re

import grpc
import pytest
from google.protobuf.message import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.common.errors import violations_of
from tests.fuzz import stats
from tests.fuzz.cases import CASES
from tests.fuzz.stack import Rpc, Running, all_rpcs, settle
from tests.fuzz.strategies import fuzzed
from tests.fuzz.world import World, build

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# Risk first: its consumer must have settled on the world's events before a refusal is judged;
# automation's consumer keeps facts of every core event, so it goes before core's writes.
ORDER = {"risk": 0, "automation": 1, "nlp": 2, "planner": 3, "core": 4}
RPCS = sorted(all_rpcs(), key=lambda r: (ORDER[r.process], r.id))
NEVER = (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN)
# A client deadline: a call that outlives it comes back DEADLINE_EXCEEDED, which is allowed.
TIMEOUT_S = 30.0
RESOURCE_NAME = re.compile(r"^(projects|people)/")


def names_a_field(path: str, request: type[Message]) -> bool:
    """A violation names a field of the request, or a stored resource the request uses."""
    root = re.split(r"[.\[]", path, maxsplit=1)[0]
    return root in request.DESCRIPTOR.fields_by_name or bool(RESOURCE_NAME.match(path))


READ_WORLDS: dict[tuple[int, str], World] = {}


def world_for(running: Running, rpc: Rpc) -> World:
    """A fresh world for an RPC that writes; one shared world per service for the reads."""
    needs = {
        "proposal": rpc.process == "planner",
        "notes": rpc.process == "nlp",
        "automation": rpc.process == "automation",
    }
    if not rpc.read_only:
        return build(running.stack, **needs)
    key = (id(running), rpc.process)
    if key not in READ_WORLDS:
        READ_WORLDS[key] = build(running.stack, **needs)
    return READ_WORLDS[key]


def test_every_rpc_has_a_case() -> None:
    """A new RPC is picked up from the descriptors and needs a valid request to start from."""
    assert {r.process for r in RPCS} == set(ORDER)
    assert len(RPCS) == len({r.path for r in RPCS}) >= 71
    missing = sorted(f"{r.service}.{r.method}" for r in RPCS)
    missing = [name for name in missing if name not in CASES]
    assert not missing, f"RPCs with no case in tests/fuzz/cases.py: {missing}"
    unknown = set(CASES) - {f"{r.service}.{r.method}" for r in RPCS}
    assert not unknown, f"cases for RPCs that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize("rpc", RPCS, ids=lambda r: r.id)
def test_no_request_breaks_the_service(running: Running, rpc: Rpc) -> None:
    stack, db = running.stack, running.db
    world = world_for(running, rpc)
    schemas = ("core",) if rpc.process == "core" else ("core", rpc.process)
    admin = stack.admin_key
    case = CASES.get(f"{rpc.service}.{rpc.method}")
    assert case is not None, f"{rpc.id} has no case in tests/fuzz/cases.py"
    base = case.build(stack, world)
    if rpc.process in ("risk", "automation"):
        settle(db, schemas)
    callers = [admin, admin, admin, world.keys["manager"], world.keys["executor"]]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=fuzzed(base, world), caller=st.sampled_from(callers))
    def check(request: Message, caller: str) -> None:
        before = db.fingerprint(schemas)
        outcome = stack.call(rpc, request, key=caller, timeout=TIMEOUT_S)
        stats.record("fuzz", rpc.id, outcome.code)
        assert outcome.code not in NEVER, f"{rpc.id}: {outcome.code.name} {outcome.details}"
        if outcome.code != grpc.StatusCode.OK:
            after = db.fingerprint(schemas)
            changed = sorted(
                t for t in before.keys() | after.keys() if before.get(t) != after.get(t)
            )
            assert not changed, f"{rpc.id} refused ({outcome.code.name}) but changed {changed}"
        elif case.background:
            # What the call set off in the background (a redelivery) ends before the next.
            settle(db, schemas, quiet_s=1.0)
        if outcome.code == grpc.StatusCode.INVALID_ARGUMENT:
            assert outcome.error is not None
            fields = [v.field for v in violations_of(outcome.error)]
            assert fields, f"{rpc.id}: INVALID_ARGUMENT names no field: {outcome.details}"
            unnamed = [f for f in fields if not names_a_field(f, rpc.input)]
            assert not unnamed, f"{rpc.id}: violations name no request field: {unnamed}"

    check()
    assert stack.healthy(), f"a service stopped answering after fuzzing {rpc.id}"
