"""NlpService over a real channel, against a real core on the same real PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
import typer
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status
from planops.core.v1 import (
    person_pb2,
    person_service_pb2,
    project_pb2,
    project_service_pb2,
    task_pb2,
)
from planops.nlp.v1 import nlp_service_pb2, nlp_service_pb2_grpc, notes_pb2
from typer.testing import CliRunner

from services.cli import notes_rpc
from services.cli.client import CliError, Settings
from services.nlp.app import running_nlp
from services.nlp.config import Config
from services.nlp.workers import Loader, WorkerPool, load_extractor
from tests.conftest import CoreUnderTest, start_core
from tests.core.helpers import EXECUTOR, MANAGER, VIEWER, Client, invalid_fields, refused
from tests.nlp import hostile

ENGLISH = """Spring Promo Sync - 3 March
Attendees: Alice, Bob, Priya, Tom

Discussion
- Landing page copy is done and approved by legal.
- We agreed to run the campaign on email and paid social only.
- Should we include the loyalty tier? Nobody knows yet.

Action items
- Bob to fix the discount code generator by Wednesday
- Alice will draft the email sequence, due 3/7
- Tom: book the paid social budget with finance before next Tuesday
- Priya to confirm the launch checklist with the store managers (high priority)
"""

CHINESE = """春季促销活动周会纪要（3月3日）
参会人：张伟、李娜、王磊

一、进展
1. 落地页设计已完成，法务已审核通过。
2. 会议决定：本次活动只投放短信和小程序两个渠道。

二、待办事项
1. 王磊负责修复优惠券发放接口的限流问题，下周三前完成。
2. 李娜：整理首批达人名单，本周五提交。
3. 张伟跟进与财务确认预算，截止3月10日。
"""

PEOPLE = [
    ("alice", "Alice Chen", ["AC"], EXECUTOR),
    ("bob", "Bob Martinez", ["Bobby"], EXECUTOR),
    ("priya", "Priya Nair", ["the PM"], MANAGER),
    ("tom", "Tom Becker", ["TB"], VIEWER),
    ("wang-lei", "王磊", ["小王"], EXECUTOR),
    ("li-na", "李娜", ["娜娜"], EXECUTOR),
    ("zhang-wei", "张伟", ["老张"], EXECUTOR),
]


@dataclass
class Stack:
    core: CoreUnderTest
    admin: Client
    nlp: nlp_service_pb2_grpc.NlpServiceStub
    health: health_pb2_grpc.HealthStub
    keys: dict[str, str]
    address: str
    workers: WorkerPool

    def as_(self, person: str) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.keys[person]}"),)

    async def extract(
        self,
        person: str,
        text: str,
        *,
        request_id: str = "",
        language: str = "",
        deadline: float | None = 30,
    ) -> notes_pb2.Notes:
        reply = await self.nlp.ExtractActionItems(
            nlp_service_pb2.ExtractActionItemsRequest(
                project="projects/promo",
                text=text,
                meeting_date="2025-03-03",
                language=language,
                request_id=request_id,
            ),
            metadata=self.as_(person),
            timeout=deadline,
        )
        notes: notes_pb2.Notes = reply.notes
        return notes

    async def accept(
        self, person: str, name: str, *items: nlp_service_pb2.AcceptedItem
    ) -> nlp_service_pb2.AcceptActionItemsResponse:
        reply: nlp_service_pb2.AcceptActionItemsResponse = await self.nlp.AcceptActionItems(
            nlp_service_pb2.AcceptActionItemsRequest(name=name, items=items),
            metadata=self.as_(person),
            timeout=30,
        )
        return reply


@asynccontextmanager
async def serving(
    database_url: str,
    nats_url: str,
    home: Path,
    *,
    workers: int = 2,
    load: Loader = load_extractor,
    settings: dict[str, str] | None = None,
) -> AsyncIterator[Stack]:
    """Core and nlp, nlp reading notes in `workers` real worker processes."""
    async for core in start_core(database_url=database_url, nats_url=nats_url, home=home):
        admin = Client(core)
        await admin.create_project("promo", time_zone="UTC")
        keys = {}
        for ident, display, aliases, role in PEOPLE:
            await admin.people.CreatePerson(
                person_service_pb2.CreatePersonRequest(
                    person_id=ident,
                    person=person_pb2.Person(display_name=display, aliases=aliases),
                ),
                metadata=admin.md,
            )
            await admin.add_member("promo", f"people/{ident}", role)
            keys[ident] = await admin.new_key(f"people/{ident}")
        await admin.people.CreatePerson(
            person_service_pb2.CreatePersonRequest(
                person_id="stranger", person=person_pb2.Person(display_name="Sam Stranger")
            ),
            metadata=admin.md,
        )
        keys["stranger"] = await admin.new_key("people/stranger")
        config = Config.from_env(
            {
                "DATABASE_URL": database_url,
                "PLANOPS_CORE_ADDRESS": f"127.0.0.1:{core.port}",
                "PLANOPS_CORE_KEY": await admin.service_key("nlp"),
                "PLANOPS_NLP_ADDRESS": "127.0.0.1:0",
                "PLANOPS_NLP_WORKERS": str(workers),
                "PLANOPS_HOME": str(home),
                **(settings or {}),
            }
        )
        async with (
            running_nlp(config, load=load) as nlp,
            grpc.aio.insecure_channel(f"127.0.0.1:{nlp.port}") as channel,
        ):
            assert isinstance(nlp.reader, WorkerPool)
            yield Stack(
                core=core,
                admin=admin,
                nlp=nlp_service_pb2_grpc.NlpServiceStub(channel),
                health=health_pb2_grpc.HealthStub(channel),
                keys=keys,
                address=f"127.0.0.1:{nlp.port}",
                workers=nlp.reader,
            )


@pytest.fixture
async def stack(database_url: str, nats_url: str, tmp_path: Path) -> AsyncIterator[Stack]:
    async with serving(database_url, nats_url, tmp_path) as running:
        yield running


def by_owner(notes: notes_pb2.Notes) -> dict[str, notes_pb2.ActionItem]:
    return {item.owner: item for item in notes.items}


async def test_english_notes_give_owned_dated_items(stack: Stack) -> None:
    notes = await stack.extract("priya", ENGLISH, request_id="sync-3-march")

    items = by_owner(notes)
    assert set(items) == {"people/bob", "people/alice", "people/tom", "people/priya"}
    assert items["people/bob"].due_date == "2025-03-05"
    assert items["people/alice"].due_date == "2025-03-07"
    assert items["people/tom"].due_date == "2025-03-11"
    assert items["people/priya"].priority == "high"
    for item in notes.items:
        source = notes.text[item.span.start : item.span.end]
        assert source.startswith(("Bob", "Alice", "Tom", "Priya")), source
        assert item.confidence.item > 0.5
    assert "discount code generator" in items["people/bob"].description
    # Why, stored with the item and returned by GetNotes below.
    assert items["people/tom"].explanation.owner == "`Tom` labels the line"
    assert any(
        "`will` after a named person (`Alice`)" in r for r in items["people/alice"].explanation.item
    )
    assert [d.text for d in notes.decisions] == [
        "We agreed to run the campaign on email and paid social only."
    ]
    assert notes.questions and notes.language == "en"
    assert notes.name.startswith("projects/promo/notes/") and notes.creator == "people/priya"

    again = await stack.extract("priya", ENGLISH, request_id="sync-3-march")
    assert again.name == notes.name
    got = await stack.nlp.GetNotes(
        nlp_service_pb2.GetNotesRequest(name=notes.name), metadata=stack.as_("tom")
    )
    assert got.notes == notes


async def test_chinese_notes_match_people_by_chinese_name(stack: Stack) -> None:
    notes = await stack.extract("alice", CHINESE, language="zh")

    items = by_owner(notes)
    assert set(items) == {"people/wang-lei", "people/li-na", "people/zhang-wei"}
    assert items["people/wang-lei"].due_date == "2025-03-12"
    assert items["people/li-na"].due_date == "2025-03-07"
    assert items["people/zhang-wei"].due_date == "2025-03-10"
    wang = items["people/wang-lei"]
    assert notes.text[wang.span.start : wang.span.end].startswith("王磊负责修复优惠券")
    assert notes.language == "zh"
    assert not any("渠道" in item.description for item in notes.items)  # a decision


async def test_due_dates_follow_the_projects_working_calendar(stack: Stack) -> None:
    # The project closes Thursday and Friday and works Saturday instead.
    await stack.admin.projects.UpdateProject(
        project_service_pb2.UpdateProjectRequest(
            project=project_pb2.Project(
                name="projects/promo",
                calendar=project_pb2.Calendar(
                    days_off=["2025-03-06", "2025-03-07"], extra_working_days=["2025-03-08"]
                ),
            ),
            update_mask={"paths": ["calendar"]},
        ),
        metadata=stack.admin.md,
    )
    text = "待办：\n- 王磊：节前把报价发给客户\n- 李娜：节后给比价\n- 张伟：本周内确认预算\n"
    notes = await stack.extract("alice", text, language="zh")

    items = by_owner(notes)
    assert items["people/wang-lei"].due_date == "2025-03-05"
    assert items["people/li-na"].due_date == "2025-03-08"
    assert items["people/zhang-wei"].due_date == "2025-03-05"


async def test_accepted_items_become_tasks_in_core_once(stack: Stack) -> None:
    notes = await stack.extract("priya", ENGLISH)
    items = by_owner(notes)
    bob, alice, tom = items["people/bob"], items["people/alice"], items["people/tom"]

    first = await stack.accept(
        "priya",
        notes.name,
        nlp_service_pb2.AcceptedItem(id=bob.id),
        nlp_service_pb2.AcceptedItem(id=alice.id, description="Draft the spring email sequence"),
    )
    assert len(first.tasks) == 2
    tasks = {t.name: t for t in await stack.admin.list_tasks("promo")}
    assert set(tasks) == set(first.tasks)
    made_for_bob = tasks[first.tasks[0]]
    assert made_for_bob.source == task_pb2.TASK_SOURCE_NOTES
    assert made_for_bob.source_ref == f"{notes.name}#{bob.id}"
    assert made_for_bob.assignee == "people/bob" and made_for_bob.due_date == "2025-03-05"
    assert "discount code generator" in made_for_bob.title
    made_for_alice = tasks[first.tasks[1]]
    assert made_for_alice.title == "Draft the spring email sequence"
    assert made_for_alice.assignee == "people/alice" and made_for_alice.due_date == "2025-03-07"
    assert {i.id: i.task for i in first.notes.items if i.task} == {
        bob.id: first.tasks[0],
        alice.id: first.tasks[1],
    }

    again = await stack.accept(
        "alice",
        notes.name,
        nlp_service_pb2.AcceptedItem(id=bob.id),
        nlp_service_pb2.AcceptedItem(id=alice.id),
    )
    assert list(again.tasks) == list(first.tasks)
    assert len(await stack.admin.list_tasks("promo")) == 2

    mixed = await stack.accept(
        "priya",
        notes.name,
        nlp_service_pb2.AcceptedItem(id=tom.id),
        nlp_service_pb2.AcceptedItem(id=bob.id),
    )
    assert mixed.tasks[1] == first.tasks[0] and mixed.tasks[0] not in first.tasks
    assert len(await stack.admin.list_tasks("promo")) == 3

    entries = await stack.admin.audit_entries(project="projects/promo", action="create")
    made = [e for e in entries if e.resource in set(mixed.tasks) | set(first.tasks)]
    assert len(made) == 3
    for entry in made:
        assert entry.actor.id.startswith("services/")
        assert entry.actor.reference == notes.name
    assert {e.actor.on_behalf_of for e in made} == {"people/priya"}


async def test_bad_input_names_the_field(stack: Stack) -> None:
    def request(**fields: str) -> nlp_service_pb2.ExtractActionItemsRequest:
        values = {"project": "projects/promo", "text": ENGLISH, "meeting_date": "2025-03-03"}
        return nlp_service_pb2.ExtractActionItemsRequest(**(values | fields))

    md = stack.as_("priya")
    for text in ("x" * 100_001, "PK\x03\x04\x00\x00binary", "  \n "):
        assert await invalid_fields(
            stack.nlp.ExtractActionItems(request(text=text), metadata=md)
        ) == {"text"}
    bad = request(meeting_date="2025-02-30", language="fr", project="promo")
    assert await invalid_fields(stack.nlp.ExtractActionItems(bad, metadata=md)) == {
        "meeting_date",
        "language",
        "project",
    }

    notes = await stack.extract("priya", ENGLISH)
    accept = nlp_service_pb2.AcceptActionItemsRequest(
        name=notes.name,
        items=[
            nlp_service_pb2.AcceptedItem(id=notes.items[0].id),
            nlp_service_pb2.AcceptedItem(id="item-99"),
        ],
    )
    assert await invalid_fields(stack.nlp.AcceptActionItems(accept, metadata=md)) == {"items[1].id"}
    edited = nlp_service_pb2.AcceptActionItemsRequest(
        name=notes.name,
        items=[
            nlp_service_pb2.AcceptedItem(id=notes.items[0].id, owner="Bob", due_date="tomorrow")
        ],
    )
    assert await invalid_fields(stack.nlp.AcceptActionItems(edited, metadata=md)) == {
        "items[0].owner",
        "items[0].due_date",
    }
    nobody = nlp_service_pb2.AcceptActionItemsRequest(
        name=notes.name,
        items=[
            nlp_service_pb2.AcceptedItem(id=notes.items[0].id),
            nlp_service_pb2.AcceptedItem(id=notes.items[1].id, owner="people/nobody"),
        ],
    )
    assert await invalid_fields(stack.nlp.AcceptActionItems(nobody, metadata=md)) == {
        "items[1].owner"
    }
    for name in (notes.name + "\n", notes.name.replace("/notes/", "/notes/0"), "notes/1"):
        get = nlp_service_pb2.GetNotesRequest(name=name)
        assert await invalid_fields(stack.nlp.GetNotes(get, metadata=md)) == {"name"}
    assert await invalid_fields(
        stack.nlp.ExtractActionItems(request(project="projects/promo\n"), metadata=md)
    ) == {"project"}
    assert await stack.admin.list_tasks("promo") == []


async def test_roles_decide_who_may_extract_and_accept(stack: Stack) -> None:
    await refused(stack.extract("stranger", ENGLISH), grpc.StatusCode.PERMISSION_DENIED)
    await refused(stack.extract("tom", ENGLISH), grpc.StatusCode.PERMISSION_DENIED)  # a viewer

    notes = await stack.extract("bob", ENGLISH)
    await refused(
        stack.accept("tom", notes.name, nlp_service_pb2.AcceptedItem(id=notes.items[0].id)),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await refused(
        stack.nlp.GetNotes(
            nlp_service_pb2.GetNotesRequest(name=notes.name), metadata=stack.as_("stranger")
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    assert await stack.admin.list_tasks("promo") == []
    missing = notes.name.rsplit("/", 1)[0] + "/999999"
    await refused(
        stack.nlp.GetNotes(
            nlp_service_pb2.GetNotesRequest(name=missing), metadata=stack.as_("bob")
        ),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_health_answers_while_a_big_note_is_read(stack: Stack) -> None:
    big = ((ENGLISH + "\n") * 200)[:100_000]
    extraction = asyncio.create_task(stack.extract("priya", big))
    await asyncio.sleep(0.3)
    slowest = 0.0
    checks = 0
    while not extraction.done():
        started = time.monotonic()
        reply = await stack.health.Check(health_pb2.HealthCheckRequest(), timeout=2)
        slowest = max(slowest, time.monotonic() - started)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        checks += 1
        await asyncio.sleep(0.05)
    notes = await extraction
    assert len(notes.items) > 100
    assert checks >= 5, "the extraction finished before health was checked"
    assert slowest < 0.5


async def test_cli_pastes_and_accepts_over_rpc(stack: Stack, tmp_path: Path) -> None:
    app = typer.Typer()

    @app.callback()
    def options(ctx: typer.Context) -> None:
        ctx.obj = Settings(address="unused", key=stack.keys["priya"], home=tmp_path)

    app.command("paste")(notes_rpc.paste)
    app.command("accept")(notes_rpc.accept)
    (tmp_path / "sync.md").write_text(ENGLISH, encoding="utf-8")
    env = {"PLANOPS_NLP_ADDRESS": stack.address, "COLUMNS": "200"}

    def run(*args: str) -> str:
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == 0, f"{result.output} {result.exception!r}"
        return result.output

    pasted = await asyncio.to_thread(
        run, "paste", "promo", str(tmp_path / "sync.md"), "--meeting-date", "2025-03-03"
    )
    assert "discount code generator" in pasted and "2025-03-05" in pasted and "bob" in pasted
    notes = pasted.split("stored as ", 1)[1].split(";", 1)[0]
    # --explain says, for every item, which words made it one and which made its owner.
    explained = await asyncio.to_thread(
        run,
        "paste",
        "promo",
        str(tmp_path / "sync.md"),
        "--meeting-date",
        "2025-03-03",
        "--explain",
    )
    assert "why:" in explained and "    item:  " in explained and "    owner: " in explained
    accepted = await asyncio.to_thread(run, "accept", notes, "item-1", "2")
    assert accepted.count("created") == 2 and "promo/" in accepted
    assert len(await stack.admin.list_tasks("promo")) == 2
    again = await asyncio.to_thread(run, "accept", notes, "1")
    assert "accepted before" in again
    assert len(await stack.admin.list_tasks("promo")) == 2

    bad = await asyncio.to_thread(CliRunner().invoke, app, ["accept", notes, "item-99"], env=env)
    assert isinstance(bad.exception, CliError) and "items[0].id" in bad.exception.message


def reason_of(error: grpc.aio.AioRpcError) -> str:
    status = rpc_status.from_call(error)
    assert status is not None, error
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    return ""


async def test_a_hostile_note_ends_at_its_deadline_and_stops_only_its_worker(
    database_url: str, nats_url: str, tmp_path: Path
) -> None:
    async with serving(database_url, nats_url, tmp_path, workers=2, load=hostile.load) as stack:
        pid_file = tmp_path / "hostile.pid"
        answered: list[str] = []

        async def hostile_call() -> grpc.aio.AioRpcError:
            call = stack.extract("priya", hostile.note(pid_file), deadline=3)
            error = await refused(call, grpc.StatusCode.DEADLINE_EXCEEDED)
            answered.append("hostile")
            return error

        async def health() -> None:
            reply = await stack.health.Check(health_pb2.HealthCheckRequest(), timeout=30)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
            answered.append("health")

        async def other_notes() -> None:
            notes = await stack.extract("priya", ENGLISH)
            assert "people/bob" in by_owner(notes)
            answered.append("other notes")

        slow = asyncio.ensure_future(hostile_call())
        reader = await hostile.reader_of(pid_file, slow)
        await asyncio.gather(health(), other_notes())
        error = await slow

        assert answered[-1] == "hostile", answered
        assert reason_of(error) == "EXTRACTION_DEADLINE", error.details()
        assert not hostile.alive(reader), "the worker reading the hostile note still runs"
        assert reader not in stack.workers.pids


async def test_the_worker_after_a_hostile_note_reads_the_next_notes(
    database_url: str, nats_url: str, tmp_path: Path
) -> None:
    async with serving(database_url, nats_url, tmp_path, workers=1, load=hostile.load) as stack:
        first = stack.workers.pids
        await refused(
            stack.extract("priya", hostile.note(tmp_path / "hostile.pid"), deadline=3),
            grpc.StatusCode.DEADLINE_EXCEEDED,
        )
        # The hostile note would hold a thread for another 20 s and more.
        notes = await stack.extract("priya", ENGLISH, deadline=10)
        assert {"people/bob", "people/alice"} <= set(by_owner(notes))
        assert len(stack.workers.pids) == 1 and stack.workers.pids.isdisjoint(first)
        last = stack.workers.pids
    assert not any(hostile.alive(pid) for pid in last), "a worker outlived the service"


async def test_a_worker_that_dies_fails_only_its_own_call(
    database_url: str, nats_url: str, tmp_path: Path
) -> None:
    async with serving(database_url, nats_url, tmp_path, workers=2, load=hostile.load) as stack:
        pid_file = tmp_path / "hostile.pid"
        call = asyncio.ensure_future(
            refused(
                stack.extract("priya", hostile.note(pid_file), deadline=60),
                grpc.StatusCode.UNAVAILABLE,
            )
        )
        reader = await hostile.reader_of(pid_file, call)
        assert reader != os.getpid()
        os.kill(reader, signal.SIGSEGV)
        error = await call

        assert reason_of(error) == "EXTRACTION_WORKER_LOST"
        assert "SIGSEGV" in (error.details() or "") and "Traceback" not in (error.details() or "")
        notes = await stack.extract("priya", ENGLISH)
        assert "people/bob" in by_owner(notes)


async def test_a_call_without_a_deadline_is_cut_at_the_services_limit(
    database_url: str, nats_url: str, tmp_path: Path
) -> None:
    limit = {"PLANOPS_NLP_EXTRACT_SECONDS": "1"}
    async with serving(
        database_url, nats_url, tmp_path, workers=1, load=hostile.load, settings=limit
    ) as stack:
        error = await refused(
            stack.extract("priya", hostile.note(tmp_path / "hostile.pid"), deadline=None),
            grpc.StatusCode.DEADLINE_EXCEEDED,
        )
        assert reason_of(error) == "EXTRACTION_DEADLINE"
        assert "1.0 s" in (error.details() or "")
