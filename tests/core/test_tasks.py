from __future__ import annotations

import datetime as dt

import grpc
from google.protobuf import timestamp_pb2
from planops.core.v1 import (
    person_pb2,
    project_pb2,
    project_service_pb2,
    task_pb2,
    task_service_pb2,
)

from services.common.errors import reason_of, violations_of
from tests.conftest import CoreUnderTest
from tests.core.helpers import EXECUTOR, Client, count, invalid_fields, refused

Code = grpc.StatusCode


async def test_task_create_get_update_delete(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    await c.add_person("ann")
    created = await c.create_task(
        "promo",
        "  Write banner copy  ",
        description="Three variants",
        priority=task_pb2.PRIORITY_HIGH,
        assignee="people/ann",
        required_skills=[person_pb2.Skill(skill="copywriting", level=3)],
        estimate_hours=6,
        optimistic_hours=4,
        pessimistic_hours=10,
        planned_start="2026-05-04",
        planned_end="2026-05-05",
        due_date="2026-05-06",
        labels=["content", "content", "banner"],
    )
    assert created.name.startswith("projects/promo/tasks/")
    assert created.title == "Write banner copy"
    assert created.state == "draft"
    assert created.assignee == "people/ann"
    assert [(s.skill, s.level) for s in created.required_skills] == [("copywriting", 3)]
    assert list(created.labels) == ["content", "banner"]
    assert created.source == task_pb2.TASK_SOURCE_MANUAL
    assert (created.planned_start, created.planned_end, created.due_date) == (
        "2026-05-04",
        "2026-05-05",
        "2026-05-06",
    )
    assert await c.get_task(created.name) == created
    plain = await c.create_task("promo", "Plain")
    assert plain.priority == task_pb2.PRIORITY_MEDIUM

    subtask = await c.create_task("promo", "Sub", parent=created.name)
    assert subtask.parent == created.name

    change = task_pb2.Task(
        name=created.name,
        etag=created.etag,
        title="Write banner and product copy",
        labels=["content"],
        estimate_hours=99,
    )
    updated = await c.update_task(change, "title", "labels")
    assert updated.title == "Write banner and product copy"
    assert list(updated.labels) == ["content"]
    assert updated.estimate_hours == 6, "a field outside the mask must not change"
    assert updated.state == "draft"
    assert updated.etag != created.etag
    assert await c.get_task(created.name) == updated

    stale = await refused(c.update_task(change, "estimate_hours"), Code.ABORTED)
    assert reason_of(stale) == "ETAG_MISMATCH"
    assert (await c.get_task(created.name)).estimate_hours == 6

    unassigned = await c.update_task(task_pb2.Task(name=created.name), "assignee")
    assert unassigned.assignee == ""
    assert await invalid_fields(
        c.update_task(task_pb2.Task(name=created.name, parent=created.name), "parent")
    ) == {"task.parent"}
    assert await invalid_fields(
        c.update_task(task_pb2.Task(name=created.name, assignee="people/ghost"), "assignee")
    ) == {"task.assignee"}

    await refused(
        c.tasks.DeleteTask(
            task_service_pb2.DeleteTaskRequest(name=created.name, etag=created.etag),
            metadata=c.md,
        ),
        Code.ABORTED,
    )
    await c.tasks.DeleteTask(task_service_pb2.DeleteTaskRequest(name=created.name), metadata=c.md)
    await refused(c.get_task(created.name), Code.NOT_FOUND)
    assert (await c.get_task(subtask.name)).parent == ""
    await refused(
        c.tasks.DeleteTask(task_service_pb2.DeleteTaskRequest(name=created.name), metadata=c.md),
        Code.NOT_FOUND,
    )
    await refused(c.create_task("nope", "Orphan"), Code.NOT_FOUND)


async def test_create_and_batch_create_are_idempotent_by_request_id(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    first = await c.create_task("promo", "Write copy", request_id="req-1")
    again = await c.create_task("promo", "Write copy", request_id="req-1")
    assert again == first
    assert await count(core, "SELECT count(*) FROM core.tasks") == 1
    assert len(await c.audit_entries(resource=first.name, action="create")) == 1

    batch = task_service_pb2.BatchCreateTasksRequest(
        parent="projects/promo",
        requests=[
            task_service_pb2.CreateTaskRequest(task=task_pb2.Task(title=f"Step {i}"))
            for i in range(3)
        ],
        request_id="batch-1",
    )
    created = await c.tasks.BatchCreateTasks(batch, metadata=c.md)
    assert [t.title for t in created.tasks] == ["Step 0", "Step 1", "Step 2"]
    retried = await c.tasks.BatchCreateTasks(batch, metadata=c.md)
    assert list(retried.tasks) == list(created.tasks)
    assert await count(core, "SELECT count(*) FROM core.tasks") == 4
    entries = await c.audit_entries(project="projects/promo", action="create")
    assert sorted(e.resource for e in entries if "/tasks/" in e.resource) == sorted(
        [first.name, *(t.name for t in created.tasks)]
    )

    other = await c.create_task("promo", "Write copy", request_id="req-2")
    assert other.name != first.name


async def test_one_request_id_in_two_projects_creates_in_both(core: CoreUnderTest) -> None:
    """Re-importing one file into a second project used to create nothing there and say it did."""
    c = Client(core)
    await c.create_project("promo")
    await c.create_project("repairs")

    def batch(project: str) -> task_service_pb2.BatchCreateTasksRequest:
        return task_service_pb2.BatchCreateTasksRequest(
            parent=f"projects/{project}",
            requests=[
                task_service_pb2.CreateTaskRequest(task=task_pb2.Task(title=f"Row {i}"))
                for i in range(2)
            ],
            request_id="import-3f9a-0",
        )

    first = await c.tasks.BatchCreateTasks(batch("promo"), metadata=c.md)
    second = await c.tasks.BatchCreateTasks(batch("repairs"), metadata=c.md)
    assert all(t.name.startswith("projects/promo/") for t in first.tasks)
    assert all(t.name.startswith("projects/repairs/") for t in second.tasks)
    assert await count(core, "SELECT count(*) FROM core.tasks WHERE project_id = 'repairs'") == 2
    retried = await c.tasks.BatchCreateTasks(batch("repairs"), metadata=c.md)
    assert list(retried.tasks) == list(second.tasks)


async def test_a_request_id_sent_with_another_request_is_refused(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    first = await c.create_task("promo", "Write copy", request_id="req-1")
    error = await refused(
        c.create_task("promo", "Book the budget", request_id="req-1"), Code.INVALID_ARGUMENT
    )
    assert reason_of(error) == "REQUEST_ID_REUSED"
    assert [v.field for v in violations_of(error)] == ["request_id"]
    assert await count(core, "SELECT count(*) FROM core.tasks") == 1

    # A comment retried onto another task must not answer with the first task's comment.
    other = await c.create_task("promo", "Other")
    comment = task_service_pb2.CreateCommentRequest(
        parent=first.name, comment=task_pb2.Comment(body="Seal is worn"), request_id="c1"
    )
    await c.tasks.CreateComment(comment, metadata=c.md)
    comment.parent = other.name
    error = await refused(c.tasks.CreateComment(comment, metadata=c.md), Code.INVALID_ARGUMENT)
    assert reason_of(error) == "REQUEST_ID_REUSED"


async def test_batch_create_is_all_or_nothing(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")

    def batch(*titles: str, **fields: object) -> task_service_pb2.BatchCreateTasksRequest:
        return task_service_pb2.BatchCreateTasksRequest(
            parent="projects/promo",
            requests=[
                task_service_pb2.CreateTaskRequest(task=task_pb2.Task(title=t, **fields))  # type: ignore[arg-type]
                for t in titles
            ],
        )

    assert await invalid_fields(c.tasks.BatchCreateTasks(batch("ok", "", "ok"), metadata=c.md)) == {
        "requests[1].task.title"
    }
    assert await invalid_fields(c.tasks.BatchCreateTasks(batch(), metadata=c.md)) == {"requests"}
    wrong_parent = batch("ok")
    wrong_parent.requests[0].parent = "projects/other"
    assert await invalid_fields(c.tasks.BatchCreateTasks(wrong_parent, metadata=c.md)) == {
        "requests[0].parent"
    }
    # A reference checked in the database fails after earlier tasks were inserted: still none.
    assert await invalid_fields(
        c.tasks.BatchCreateTasks(
            task_service_pb2.BatchCreateTasksRequest(
                parent="projects/promo",
                requests=[
                    task_service_pb2.CreateTaskRequest(task=task_pb2.Task(title="fine")),
                    task_service_pb2.CreateTaskRequest(
                        task=task_pb2.Task(title="bad", assignee="people/ghost")
                    ),
                ],
            ),
            metadata=c.md,
        )
    ) == {"requests[1].task.assignee"}
    assert await count(core, "SELECT count(*) FROM core.tasks") == 0
    assert (
        await count(core, "SELECT count(*) FROM core.audit_log WHERE resource LIKE '%/tasks/%'")
        == 0
    )


async def test_bad_task_input_names_the_field_and_writes_nothing(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")

    async def fields_of(**fields: object) -> set[str]:
        return await invalid_fields(
            c.tasks.CreateTask(
                task_service_pb2.CreateTaskRequest(
                    parent="projects/promo",
                    task=task_pb2.Task(**fields),  # type: ignore[arg-type]
                ),
                metadata=c.md,
            )
        )

    assert await fields_of(title="") == {"task.title"}
    assert await fields_of(title="   ") == {"task.title"}
    assert await fields_of(title="x" * 501) == {"task.title"}
    assert await fields_of(title="T", due_date="2026-13-01") == {"task.due_date"}
    assert await fields_of(
        title="T", required_skills=[person_pb2.Skill(skill="welding", level=9)]
    ) == {"task.required_skills[0].level"}
    assert await fields_of(title="T", description="x" * 20_001) == {"task.description"}
    assert await fields_of(title="T", estimate_hours=-1) == {"task.estimate_hours"}
    assert await fields_of(title="T", optimistic_hours=9, pessimistic_hours=3) == {
        "task.optimistic_hours"
    }
    assert await fields_of(title="T", planned_start="2026-05-05", planned_end="2026-05-01") == {
        "task.planned_end"
    }
    assert await fields_of(title="T", assignee="ann") == {"task.assignee"}
    assert await fields_of(title="T", assignee="people/ghost") == {"task.assignee"}
    assert await fields_of(title="T", labels=[""]) == {"task.labels[0]"}
    assert await fields_of(title="T", parent="projects/other/tasks/1") == {"task.parent"}
    assert await fields_of(title="T", iteration="projects/promo/iterations/77") == {
        "task.iteration"
    }
    assert await fields_of(title="", due_date="2026-02-30", priority=9) == {
        "task.title",
        "task.due_date",
        "task.priority",
    }
    assert await invalid_fields(
        c.tasks.CreateTask(
            task_service_pb2.CreateTaskRequest(parent="promo", task=task_pb2.Task(title="T")),
            metadata=c.md,
        )
    ) == {"parent"}
    assert await count(core, "SELECT count(*) FROM core.tasks") == 0

    task = await c.create_task("promo", "Real")
    audit_before = await count(core, "SELECT count(*) FROM core.audit_log")
    assert await invalid_fields(c.update_task(task_pb2.Task(name=task.name), "state")) == {
        "update_mask"
    }
    assert await invalid_fields(c.update_task(task_pb2.Task(name=task.name), "no_such")) == {
        "update_mask"
    }
    assert await invalid_fields(c.update_task(task_pb2.Task(name=task.name, title=""))) == {
        "update_mask"
    }
    assert await invalid_fields(
        c.update_task(task_pb2.Task(name=task.name, title=""), "title")
    ) == {"task.title"}
    assert await invalid_fields(
        c.update_task(task_pb2.Task(name=task.name, due_date="2026-13-01"), "due_date")
    ) == {"task.due_date"}
    assert await invalid_fields(
        c.tasks.ListTasks(
            task_service_pb2.ListTasksRequest(parent="projects/promo", page_token="garbage!"),
            metadata=c.md,
        )
    ) == {"page_token"}
    assert await invalid_fields(
        c.tasks.ListTasks(
            task_service_pb2.ListTasksRequest(parent="projects/promo", due_before="soon"),
            metadata=c.md,
        )
    ) == {"due_before"}
    assert await invalid_fields(
        c.tasks.ListTasks(
            task_service_pb2.ListTasksRequest(parent="projects/promo", page_size=-1),
            metadata=c.md,
        )
    ) == {"page_size"}
    assert await c.get_task(task.name) == task
    assert await count(core, "SELECT count(*) FROM core.audit_log") == audit_before


async def test_list_tasks_filters(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo", time_zone="Asia/Shanghai")
    await c.add_person("ann")
    await c.add_person("bob")
    sprint = (
        await c.projects.CreateIteration(
            project_service_pb2.CreateIterationRequest(
                parent="projects/promo",
                iteration=project_pb2.Iteration(
                    display_name="Sprint", start_date="2026-05-04", end_date="2026-05-15"
                ),
            ),
            metadata=c.md,
        )
    ).iteration.name
    today = dt.date.today()
    past = (today - dt.timedelta(days=30)).isoformat()
    future = (today + dt.timedelta(days=30)).isoformat()
    await c.create_task("promo", "a", assignee="people/ann", labels=["ads"], due_date=past)
    await c.create_task("promo", "b", assignee="people/bob", due_date=future, iteration=sprint)
    await c.create_task("promo", "u", labels=["ads", "copy"])
    d = await c.create_task("promo", "d", assignee="people/ann", due_date=past)
    x = await c.create_task("promo", "x", due_date=past)
    await c.move(d.name, "cancelled")
    await c.move(x.name, "submitted")

    async def titles(**filters: object) -> list[str]:
        return [t.title for t in await c.list_tasks("promo", **filters)]

    assert await titles() == ["a", "b", "u", "d", "x"]
    assert await titles(states=["cancelled", "submitted"]) == ["d", "x"]
    assert await titles(states=["draft"]) == ["a", "b", "u"]
    assert await titles(assignee="people/ann") == ["a", "d"]
    assert await titles(assignee="-") == ["u", "x"]
    assert await titles(label="ads") == ["a", "u"]
    assert await titles(label="copy") == ["u"]
    assert await titles(due_before=today.isoformat()) == ["a", "d", "x"]
    assert await titles(due_after=today.isoformat()) == ["b"]
    assert await titles(due_after=past, due_before=past) == ["a", "d", "x"]
    assert await titles(overdue=True) == ["a", "x"]
    assert await titles(iteration=sprint) == ["b"]
    assert await titles(assignee="people/ann", overdue=True, label="ads") == ["a"]
    assert await invalid_fields(
        c.tasks.ListTasks(
            task_service_pb2.ListTasksRequest(
                parent="projects/promo", iteration="projects/other/iterations/1"
            ),
            metadata=c.md,
        )
    ) == {"iteration"}
    assert await invalid_fields(
        c.tasks.ListTasks(
            task_service_pb2.ListTasksRequest(parent="projects/promo", assignee="ann"),
            metadata=c.md,
        )
    ) == {"assignee"}


async def test_list_tasks_orders(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    await c.create_task("promo", "late", due_date="2026-06-01", priority=task_pb2.PRIORITY_LOW)
    await c.create_task("promo", "none", priority=task_pb2.PRIORITY_URGENT)
    early = await c.create_task("promo", "early", due_date="2026-05-01")
    await c.create_task("promo", "mid", due_date="2026-05-15", priority=task_pb2.PRIORITY_HIGH)
    await c.update_task(task_pb2.Task(name=early.name, description="touched"), "description")

    async def titles(order: int) -> list[str]:
        return [t.title for t in await c.list_tasks("promo", order_by=order, page_size=2)]

    assert await titles(task_service_pb2.TASK_ORDER_UNSPECIFIED) == ["late", "none", "early", "mid"]
    assert await titles(task_service_pb2.TASK_ORDER_DUE_DATE) == ["early", "mid", "late", "none"]
    assert await titles(task_service_pb2.TASK_ORDER_PRIORITY) == ["none", "mid", "early", "late"]
    assert await titles(task_service_pb2.TASK_ORDER_UPDATE_TIME) == [
        "early",
        "mid",
        "none",
        "late",
    ]


async def test_comments_and_time_entries(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    ann = Client(core, await c.add_person("ann", project="promo", roles=[EXECUTOR]))
    await c.add_person("bob", project="promo", roles=[EXECUTOR])
    task = await c.create_task("promo", "Repair pump", assignee="people/ann")

    comment = (
        await ann.tasks.CreateComment(
            task_service_pb2.CreateCommentRequest(
                parent=task.name, comment=task_pb2.Comment(body="Seal is worn"), request_id="c1"
            ),
            metadata=ann.md,
        )
    ).comment
    retried = (
        await ann.tasks.CreateComment(
            task_service_pb2.CreateCommentRequest(
                parent=task.name, comment=task_pb2.Comment(body="Seal is worn"), request_id="c1"
            ),
            metadata=ann.md,
        )
    ).comment
    assert retried == comment
    assert comment.author.id == "people/ann"
    await c.tasks.CreateComment(
        task_service_pb2.CreateCommentRequest(
            parent=task.name, comment=task_pb2.Comment(body="Ordered a new one")
        ),
        metadata=c.md,
    )
    comments = await c.tasks.ListComments(
        task_service_pb2.ListCommentsRequest(parent=task.name), metadata=c.md
    )
    assert [(x.author.id, x.body) for x in comments.comments] == [
        ("people/ann", "Seal is worn"),
        ("services/admin", "Ordered a new one"),
    ]
    assert await invalid_fields(
        c.tasks.CreateComment(
            task_service_pb2.CreateCommentRequest(parent=task.name, comment=task_pb2.Comment()),
            metadata=c.md,
        )
    ) == {"comment.body"}
    await refused(
        c.tasks.CreateComment(
            task_service_pb2.CreateCommentRequest(
                parent="projects/promo/tasks/999", comment=task_pb2.Comment(body="?")
            ),
            metadata=c.md,
        ),
        Code.NOT_FOUND,
    )

    def log(
        person: str, hours: float, day: str = "2026-05-04"
    ) -> task_service_pb2.CreateTimeEntryRequest:
        return task_service_pb2.CreateTimeEntryRequest(
            parent=task.name,
            time_entry=task_pb2.TimeEntry(person=person, work_date=day, hours=hours, note="n"),
        )

    own = (await ann.tasks.CreateTimeEntry(log("", 2.5), metadata=ann.md)).time_entry
    assert (own.person, own.work_date, own.hours) == ("people/ann", "2026-05-04", 2.5)
    await refused(
        ann.tasks.CreateTimeEntry(log("people/bob", 1), metadata=ann.md), Code.PERMISSION_DENIED
    )
    for_bob = (await c.tasks.CreateTimeEntry(log("people/bob", 3), metadata=c.md)).time_entry
    assert for_bob.person == "people/bob"
    assert await invalid_fields(c.tasks.CreateTimeEntry(log("", 1), metadata=c.md)) == {
        "time_entry.person"
    }
    assert await invalid_fields(ann.tasks.CreateTimeEntry(log("", 25), metadata=ann.md)) == {
        "time_entry.hours"
    }
    assert await invalid_fields(ann.tasks.CreateTimeEntry(log("", 0), metadata=ann.md)) == {
        "time_entry.hours"
    }
    assert await invalid_fields(
        ann.tasks.CreateTimeEntry(log("", 1, "2026-13-01"), metadata=ann.md)
    ) == {"time_entry.work_date"}
    assert await invalid_fields(c.tasks.CreateTimeEntry(log("people/ghost", 1), metadata=c.md)) == {
        "time_entry.person"
    }
    entries = await ann.tasks.ListTimeEntries(
        task_service_pb2.ListTimeEntriesRequest(parent=task.name), metadata=ann.md
    )
    assert [(e.person, e.hours) for e in entries.time_entries] == [
        ("people/ann", 2.5),
        ("people/bob", 3),
    ]
    assert await count(core, "SELECT count(*) FROM core.time_entries") == 2


def _ts(day: str) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(dt.datetime.fromisoformat(f"{day}T12:00:00+00:00"))
    return ts


async def test_imported_past_work_keeps_its_dates_for_managers_only(core: CoreUnderTest) -> None:
    c = Client(core)
    await c.create_project("promo")
    past = task_service_pb2.PastWork(
        open_time=_ts("2025-03-03"), actual_start=_ts("2025-03-05"), actual_end=_ts("2025-03-12")
    )
    imported = task_pb2.Task(title="Old campaign", source=task_pb2.TASK_SOURCE_IMPORT)
    created = (
        await c.tasks.BatchCreateTasks(
            task_service_pb2.BatchCreateTasksRequest(
                parent="projects/promo",
                requests=[task_service_pb2.CreateTaskRequest(task=imported, past=past)],
            ),
            metadata=c.md,
        )
    ).tasks[0]
    assert created.state == "done"
    assert (created.create_time, created.actual_start, created.actual_end) == (
        past.open_time,
        past.actual_start,
        past.actual_end,
    )
    moves = await c.tasks.ListTaskTransitions(
        task_service_pb2.ListTaskTransitionsRequest(parent=created.name), metadata=c.md
    )
    assert [(m.to_state, m.comment) for m in moves.transitions] == [("done", "imported")]
    assert [e.action for e in await c.audit_entries(resource=created.name)] == ["create"]

    def create(task: task_pb2.Task, past: task_service_pb2.PastWork) -> object:
        return c.tasks.CreateTask(
            task_service_pb2.CreateTaskRequest(parent="projects/promo", task=task, past=past),
            metadata=c.md,
        )

    backwards = task_service_pb2.PastWork(
        open_time=_ts("2025-03-10"),
        actual_start=_ts("2025-03-05"),
        actual_end=_ts("2025-03-01"),
        state="in_progress",
    )
    assert await invalid_fields(create(task_pb2.Task(title="x"), backwards)) == {  # type: ignore[arg-type]
        "task.source",
        "past.state",
        "past.actual_start",
        "past.actual_end",
    }
    future = task_service_pb2.PastWork(open_time=_ts("2999-01-01"))
    assert await invalid_fields(create(imported, future)) == {"past.open_time", "past.actual_end"}  # type: ignore[arg-type]

    ann = Client(core, await c.add_person("ann", project="promo", roles=[EXECUTOR]))
    denied = await refused(
        ann.tasks.CreateTask(
            task_service_pb2.CreateTaskRequest(parent="projects/promo", task=imported, past=past),
            metadata=ann.md,
        ),
        Code.PERMISSION_DENIED,
    )
    assert "manager" in (denied.details() or "")
    assert await count(core, "SELECT count(*) FROM core.tasks") == 1


async def test_a_task_has_one_name_only(core: CoreUnderTest) -> None:
    """`tasks/07` read task 7, so clients keying by name saw two tasks where core had one."""
    c = Client(core)
    await c.create_project("promo")
    task = await c.create_task("promo", "Banner")
    number = task.name.rsplit("/", 1)[1]
    padded = f"projects/promo/tasks/0{number}"
    get = task_service_pb2.GetTaskRequest(name=padded)
    assert await invalid_fields(c.tasks.GetTask(get, metadata=c.md)) == {"name"}
    listing = task_service_pb2.ListTasksRequest(parent="projects/promo\n")
    assert await invalid_fields(c.tasks.ListTasks(listing, metadata=c.md)) == {"parent"}
