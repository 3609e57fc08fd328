"""Every RPC × every kind of caller: no key, a malformed key, a forged one, a revoked one, a
member of another project, each role in the project, an admin, and a service key acting
for the outsider (which must get exactly the outsider's answers).

The RPCs come from the descriptors and the expectations from tests/fuzz/cases.py, so a new
RPC without an access expectation fails here."""

from __future__ import annotations

import grpc
import pytest
from planops.core.v1 import person_pb2, person_service_pb2

from tests.fuzz import stats
from tests.fuzz.cases import CASES
from tests.fuzz.stack import Rpc, Running, all_rpcs, settle
from tests.fuzz.world import World

RPCS = sorted(all_rpcs(), key=lambda r: r.id)
UNAUTHENTICATED = ("none", "malformed", "forged", "revoked")
ROLES = ("outsider", "manager", "executor", "reviewer", "viewer", "admin")
# A service key acting for the outsider: a service is never a deputy with more rights.
DEPUTY = "deputy for outsider"


def key_of(caller: str, world: World, admin_key: str) -> str | None:
    if caller == "none":
        return None
    if caller == "malformed":
        return "not-a-planops-key"
    if caller == "forged":
        # A real key id with another secret.
        return world.keys["manager"][:-6] + "AAAAAA"
    if caller == "admin":
        return admin_key
    if caller == DEPUTY:
        return world.keys["deputy"]
    return world.keys[caller]


def headers_of(caller: str, world: World) -> tuple[tuple[str, str], ...]:
    if caller == DEPUTY:
        return (("x-planops-on-behalf-of", world.people["outsider"]),)
    return ()


def expected(rpc: Rpc, caller: str) -> grpc.StatusCode:
    case = CASES[f"{rpc.service}.{rpc.method}"]
    if caller in UNAUTHENTICATED:
        return grpc.StatusCode.UNAUTHENTICATED
    if caller == DEPUTY:
        caller = "outsider"
    return case.code if caller in case.allowed else case.refused


def test_every_rpc_has_an_access_expectation() -> None:
    missing = [f"{r.service}.{r.method}" for r in RPCS if f"{r.service}.{r.method}" not in CASES]
    assert not missing, f"RPCs with no access expectation in tests/fuzz/cases.py: {missing}"


def test_the_design_roles_are_all_exercised() -> None:
    from services.core.workflow import ROLES as PROJECT_ROLES

    assert set(PROJECT_ROLES) <= set(ROLES)
    used = set().union(*(case.allowed for case in CASES.values()))
    assert used <= set(ROLES)


@pytest.mark.parametrize("rpc", RPCS, ids=lambda r: r.id)
def test_each_caller_gets_the_designed_answer(running: Running, world: World, rpc: Rpc) -> None:
    stack, db = running.stack, running.db
    case = CASES[f"{rpc.service}.{rpc.method}"]
    schemas = ("core",) if rpc.process in ("core", "risk") else ("core", rpc.process)
    if rpc.process == "automation":
        # Its consumer keeps facts of every core event: let it catch up before judging.
        settle(db, schemas)
    wrong = []
    for caller in (*UNAUTHENTICATED, *ROLES, DEPUTY):
        core_before = db.fingerprint(("core",)) if rpc.process == "automation" else {}
        request = case.build(stack, world)
        if rpc.process == "automation" and db.fingerprint(("core",)) != core_before:
            # The request needed something new in core (a project): its facts arrive async.
            settle(db, schemas)
        before = db.fingerprint(schemas)
        outcome = stack.call(
            rpc,
            request,
            key=key_of(caller, world, stack.admin_key),
            headers=headers_of(caller, world),
        )
        stats.record("access", rpc.id, outcome.code)
        want = expected(rpc, caller)
        if outcome.code != want:
            wrong.append(f"{caller}: {outcome.code.name}, expected {want.name} ({outcome.details})")
        if outcome.code != grpc.StatusCode.OK:
            assert db.fingerprint(schemas) == before, f"{rpc.id} refused {caller} but wrote"
        elif case.background:
            settle(db, schemas, quiet_s=1.0)
        if outcome.code == grpc.StatusCode.OK and caller in ("outsider", DEPUTY):
            project_a = world.a.split("/")[1]
            assert project_a not in str(outcome.response), f"{rpc.id} showed {world.a} to outsider"
    assert not wrong, f"{rpc.id}: " + "; ".join(wrong)
    assert stack.healthy()


# The executor of project a has a cost rate and a time-off reason (tests/fuzz/world.py).
SEES_PRIVATE = {"manager", "executor", "admin"}  # a's manager, the person, an admin
SHARES_A = {"manager", "executor", "reviewer", "viewer"}
PERSON_RPCS = {r.method: r for r in RPCS if r.service == "PersonService"}


def _listed(
    running: Running, key: str | None, headers: tuple[tuple[str, str], ...]
) -> dict[str, person_pb2.Person]:
    found: dict[str, person_pb2.Person] = {}
    token = ""
    while True:
        outcome = running.stack.call(
            PERSON_RPCS["ListPeople"],
            person_service_pb2.ListPeopleRequest(page_size=500, page_token=token),
            key=key,
            headers=headers,
        )
        assert outcome.code == grpc.StatusCode.OK, outcome.details
        assert isinstance(outcome.response, person_service_pb2.ListPeopleResponse)
        found |= {p.name: p for p in outcome.response.people}
        token = outcome.response.next_page_token
        if not token:
            return found


@pytest.mark.parametrize("caller", (*ROLES, DEPUTY))
def test_the_directory_shows_people_to_those_who_share_a_project(
    running: Running, world: World, caller: str
) -> None:
    key = key_of(caller, world, running.stack.admin_key)
    executor = world.people["executor"]
    headers = headers_of(caller, world)
    got = running.stack.call(
        PERSON_RPCS["GetPerson"],
        person_service_pb2.GetPersonRequest(name=executor),
        key=key,
        headers=headers,
    )
    listed = _listed(running, key, headers)
    mine = {who for who, name in world.people.items() if name in listed}
    if caller in ("outsider", DEPUTY):
        assert got.code == grpc.StatusCode.PERMISSION_DENIED, got.details
        assert mine == {"outsider"}
        return
    assert got.code == grpc.StatusCode.OK, got.details
    assert mine == (set(world.people) if caller == "admin" else SHARES_A)
    assert isinstance(got.response, person_service_pb2.GetPersonResponse)
    for person in (got.response.person, listed[executor]):
        assert [t.start_date for t in person.time_off] == ["2030-04-01"]
        if caller in SEES_PRIVATE:
            assert person.cost_rate == 55.0
            assert [t.reason for t in person.time_off] == ["surgery"]
        else:
            assert person.cost_rate == 0.0
            assert [t.reason for t in person.time_off] == [""]
