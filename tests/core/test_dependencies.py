from __future__ import annotations

from typing import cast

import grpc
from planops.core.v1 import task_pb2, task_service_pb2

from services.common.errors import reason_of, violations_of
from tests.conftest import CoreUnderTest
from tests.core.helpers import EXECUTOR, Client, count, invalid_fields, refused

Code = grpc.StatusCode


async def test_dependency_that_closes_a_cycle_is_refused_and_named(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    a, b, cc = [(await c.create_task("promo", t)).name for t in ("A", "B", "C")]
    ab = await c.depend("promo", a, b)
    assert (ab.predecessor, ab.successor) == (a, b)
    assert ab.type == task_pb2.DEPENDENCY_TYPE_FINISH_TO_START
    await c.depend("promo", b, cc)

    error = await refused(c.depend("promo", cc, a), Code.FAILED_PRECONDITION)
    assert reason_of(error) == "DEPENDENCY_CYCLE"
    message = error.details() or ""
    assert f"{cc} (C) -> {a} (A) -> {b} (B) -> {cc} (C)" in message
    assert [v.field for v in violations_of(error)] == ["dependency.successor"]
    assert await count(core, "SELECT count(*) FROM core.dependencies") == 2
    await refused(c.depend("promo", b, a), Code.FAILED_PRECONDITION)

    await refused(c.depend("promo", a, b), Code.ALREADY_EXISTS)
    assert await invalid_fields(c.depend("promo", a, a)) == {"dependency.successor"}
    assert await invalid_fields(c.depend("promo", a, "")) == {"dependency.successor"}
    assert await invalid_fields(c.depend("promo", a, "projects/other/tasks/1")) == {
        "dependency.successor"
    }
    await refused(c.depend("promo", a, "projects/promo/tasks/999"), Code.NOT_FOUND)

    listed = await c.tasks.ListDependencies(
        task_service_pb2.ListDependenciesRequest(parent="projects/promo"), metadata=c.md
    )
    assert [(d.predecessor, d.successor) for d in listed.dependencies] == [(a, b), (b, cc)]
    of_c = await c.tasks.ListDependencies(
        task_service_pb2.ListDependenciesRequest(parent="projects/promo", task=cc), metadata=c.md
    )
    assert [(d.predecessor, d.successor) for d in of_c.dependencies] == [(b, cc)]

    await c.tasks.DeleteDependency(
        task_service_pb2.DeleteDependencyRequest(name=ab.name), metadata=c.md
    )
    await refused(
        c.tasks.DeleteDependency(
            task_service_pb2.DeleteDependencyRequest(name=ab.name), metadata=c.md
        ),
        Code.NOT_FOUND,
    )
    closing = await c.depend("promo", cc, a)
    assert (closing.predecessor, closing.successor) == (cc, a)

    await c.tasks.DeleteTask(task_service_pb2.DeleteTaskRequest(name=cc), metadata=c.md)
    remaining = await c.tasks.ListDependencies(
        task_service_pb2.ListDependenciesRequest(parent="projects/promo"), metadata=c.md
    )
    assert list(remaining.dependencies) == []


async def test_dependency_options_idempotency_and_roles(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    a, b = [(await c.create_task("promo", t)).name for t in ("A", "B")]
    request = task_service_pb2.CreateDependencyRequest(
        parent="projects/promo",
        dependency=task_pb2.Dependency(
            predecessor=a, successor=b, type=task_pb2.DEPENDENCY_TYPE_START_TO_START, lag_days=-2
        ),
        request_id="dep-1",
    )
    first = (await c.tasks.CreateDependency(request, metadata=c.md)).dependency
    again = (await c.tasks.CreateDependency(request, metadata=c.md)).dependency
    assert again == first
    assert (first.type, first.lag_days) == (task_pb2.DEPENDENCY_TYPE_START_TO_START, -2)
    assert await count(core, "SELECT count(*) FROM core.dependencies") == 1

    bad = task_service_pb2.CreateDependencyRequest(
        parent="projects/promo",
        dependency=task_pb2.Dependency(
            predecessor=b, successor=a, lag_days=400, type=cast(task_pb2.DependencyType, 9)
        ),
    )
    assert await invalid_fields(c.tasks.CreateDependency(bad, metadata=c.md)) == {
        "dependency.lag_days",
        "dependency.type",
    }

    ann = Client(core, await c.add_person("ann", project="promo", roles=[EXECUTOR]))
    error = await refused(ann.depend("promo", b, a), Code.PERMISSION_DENIED)
    assert reason_of(error) == "ROLE_REQUIRED"
    listed = await ann.tasks.ListDependencies(
        task_service_pb2.ListDependenciesRequest(parent="projects/promo"), metadata=ann.md
    )
    assert [d.name for d in listed.dependencies] == [first.name]
