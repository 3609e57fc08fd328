"""`planops export` and `planops import-mspdi` against a real core: a plan exported to MS Project
XML and imported into another project is the same plan; spreadsheets open; bad files fail in one
line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from planops.core.v1 import person_pb2, person_service_pb2, task_pb2, task_service_pb2

from tests.cli.test_main import ok, one_error_line, planops
from tests.conftest import CoreUnderTest
from tests.core.helpers import Client

FS = task_pb2.DEPENDENCY_TYPE_FINISH_TO_START
SS = task_pb2.DEPENDENCY_TYPE_START_TO_START
FF = task_pb2.DEPENDENCY_TYPE_FINISH_TO_FINISH


async def person(client: Client, person_id: str, display_name: str) -> None:
    await client.people.CreatePerson(
        person_service_pb2.CreatePersonRequest(
            person_id=person_id, person=person_pb2.Person(display_name=display_name)
        ),
        metadata=client.md,
    )


async def link(
    client: Client, project: str, a: str, b: str, kind: task_pb2.DependencyType, lag: int
) -> None:
    await client.tasks.CreateDependency(
        task_service_pb2.CreateDependencyRequest(
            parent=f"projects/{project}",
            dependency=task_pb2.Dependency(predecessor=a, successor=b, type=kind, lag_days=lag),
        ),
        metadata=client.md,
    )


async def promo(client: Client) -> None:
    await client.create_project("promo", display_name="双十一 Promo", time_zone="Asia/Shanghai")
    await person(client, "li-lei", "李雷")
    await person(client, "ana", "Ana Lima")
    poster = await client.create_task(
        "promo",
        "设计海报",
        assignee="people/li-lei",
        planned_start="2026-11-02",
        planned_end="2026-11-04",
        due_date="2026-11-06",
        estimate_hours=20,
        priority=task_pb2.PRIORITY_HIGH,
    )
    printing = await client.create_task(
        "promo",
        "Print",
        assignee="people/ana",
        planned_start="2026-11-05",
        planned_end="2026-11-05",
        estimate_hours=6,
    )
    ship = await client.create_task(
        "promo", "Ship", planned_start="2026-11-09", planned_end="2026-11-10", estimate_hours=12
    )
    clean_up = await client.create_task("promo", "Clean up", estimate_hours=3)
    await link(client, "promo", poster.name, printing.name, FS, 0)
    await link(client, "promo", printing.name, ship.name, FS, 1)
    await link(client, "promo", poster.name, ship.name, SS, 2)
    await link(client, "promo", printing.name, clean_up.name, FF, -1)


def plan_of(tasks: list[task_pb2.Task]) -> set[tuple[object, ...]]:
    return {
        (
            t.title,
            t.assignee,
            t.planned_start,
            t.planned_end,
            t.due_date,
            t.estimate_hours,
            t.priority,
        )
        for t in tasks
    }


async def links_of(client: Client, project: str) -> set[tuple[object, ...]]:
    tasks = {t.name: t.title for t in await client.list_tasks(project)}
    reply = await client.tasks.ListDependencies(
        task_service_pb2.ListDependenciesRequest(parent=f"projects/{project}"),
        metadata=client.md,
    )
    return {
        (tasks[d.predecessor], tasks[d.successor], d.type, d.lag_days) for d in reply.dependencies
    }


async def test_a_plan_exported_to_mspdi_and_imported_into_another_project_is_the_same(
    core: CoreUnderTest, tmp_path: Path
) -> None:
    client = Client(core)
    await promo(client)
    await client.create_project("copy", display_name="Copy")
    file = tmp_path / "promo.xml"

    wrote = ok(await planops(core, "export", "promo", "--format", "mspdi", "-o", str(file)))
    assert "wrote 4 tasks and 4 dependencies" in wrote
    dry = ok(await planops(core, "import-mspdi", str(file), "--project", "copy", "--dry-run"))
    assert "4 tasks, 4 dependencies, 2 of 2 resources matched" in dry
    assert "nothing imported" in dry
    assert await client.list_tasks("copy") == []

    imported = ok(await planops(core, "import-mspdi", str(file), "--project", "copy"))
    assert "imported 4 tasks and 4 dependencies into projects/copy" in imported
    copied = await client.list_tasks("copy")
    assert plan_of(copied) == plan_of(await client.list_tasks("promo"))
    assert {t.source for t in copied} == {task_pb2.TASK_SOURCE_IMPORT}
    assert await links_of(client, "copy") == await links_of(client, "promo")

    again = ok(await planops(core, "import-mspdi", str(file), "--project", "copy"))
    assert "imported 4 tasks" in again
    assert len(await client.list_tasks("copy")) == 4
    assert len(await links_of(client, "copy")) == 4


async def test_import_can_create_the_project_named_after_the_file(
    core: CoreUnderTest, tmp_path: Path
) -> None:
    client = Client(core)
    await promo(client)
    file = tmp_path / "promo.xml"
    ok(await planops(core, "export", "promo", "--format", "mspdi", "-o", str(file)))

    missing = one_error_line(await planops(core, "import-mspdi", str(file), "--project", "new"), 1)
    assert "not found" in missing
    for _ in range(2):  # the second run finds the project it made and adds nothing
        ok(await planops(core, "import-mspdi", str(file), "--project", "new", "--create"))

    shown = ok(await planops(core, "projects", "show", "new"))
    assert "双十一 Promo" in shown and "2026-11-02" in shown
    assert plan_of(await client.list_tasks("new")) == plan_of(await client.list_tasks("promo"))


async def test_import_names_the_rows_it_refuses_and_the_people_it_cannot_match(
    core: CoreUnderTest, tmp_path: Path
) -> None:
    client = Client(core)
    await client.create_project("plant", display_name="Plant")
    await person(client, "wang", "Wang Wei")
    file = tmp_path / "shutdown.xml"
    file.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="http://schemas.microsoft.com/project"><Title>Shutdown</Title>
<Tasks>
 <Task><UID>1</UID><Name>Phase</Name><OutlineLevel>1</OutlineLevel><Summary>1</Summary></Task>
 <Task><UID>2</UID><Name>Drain</Name><Start>2026-03-02T08:00:00</Start>
  <Finish>2026-03-03T17:00:00</Finish><Work>PT16H0M0S</Work></Task>
 <Task><UID>3</UID><Name>Weld</Name><Start>2026-03-04T08:00:00</Start>
  <Finish>2026-03-04T17:00:00</Finish>
  <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type><LinkLag>4800</LinkLag>
  <LagFormat>8</LagFormat></PredecessorLink>
  <PredecessorLink><PredecessorUID>1</PredecessorUID></PredecessorLink></Task>
</Tasks>
<Resources><Resource><UID>1</UID><Name>Wang Wei</Name></Resource>
 <Resource><UID>2</UID><Name>Outside crew</Name></Resource></Resources>
<Assignments><Assignment><UID>1</UID><TaskUID>2</TaskUID><ResourceUID>1</ResourceUID></Assignment>
 <Assignment><UID>2</UID><TaskUID>3</TaskUID><ResourceUID>2</ResourceUID></Assignment></Assignments>
</Project>""",
        encoding="utf-8",
    )

    out = ok(await planops(core, "import-mspdi", str(file), "--project", "plant"))
    assert "2 tasks, 0 dependencies, 1 of 2 resources matched to people, 4 rows refused" in out
    for row in (
        "task UID 1 'Phase'",
        "link from task UID 2 to 3",
        "an elapsed (calendar time) lag",
        "link from task UID 1 to 3",
        "resource 'Outside crew'",
        "matches no person in PlanOps",
    ):
        assert row in out, row
    tasks = {t.title: t for t in await client.list_tasks("plant")}
    assert tasks["Drain"].assignee == "people/wang"
    assert tasks["Weld"].assignee == ""
    assert (tasks["Drain"].planned_start, tasks["Drain"].estimate_hours) == ("2026-03-02", 16)

    # Once the crew is a person, the same file matches differently: refused, not duplicated.
    await person(client, "crew", "Outside crew")
    line = one_error_line(await planops(core, "import-mspdi", str(file), "--project", "plant"), 1)
    assert "was imported into projects/plant before, when other people matched" in line
    assert len(await client.list_tasks("plant")) == 2


async def test_export_writes_spreadsheets_excel_opens(core: CoreUnderTest, tmp_path: Path) -> None:
    await promo(Client(core))
    xlsx, table = tmp_path / "promo.xlsx", tmp_path / "promo.csv"

    ok(await planops(core, "export", "promo", "--format", "xlsx", "-o", str(xlsx)))
    ok(await planops(core, "export", "promo", "--format", "csv", "-o", str(table)))

    sheet = load_workbook(xlsx)["tasks"]
    assert [c.value for c in sheet[2]][:4] == ["promo/1", "设计海报", "draft", "李雷"]
    assert sheet.freeze_panes == "A2"
    data = table.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][:5] == ["promo/1", "设计海报", "draft", "李雷", "2026-11-02"]
    assert len(rows) == 5


async def test_bad_files_and_options_fail_in_one_line(core: CoreUnderTest, tmp_path: Path) -> None:
    await Client(core).create_project("promo", display_name="Promo")
    hostile = tmp_path / "laughs.xml"
    hostile.write_text(
        '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaa">]><Project>&a;</Project>'
    )
    line = one_error_line(
        await planops(core, "import-mspdi", str(hostile), "--project", "promo"), 2
    )
    assert "declares a DTD or entities" in line
    missing = one_error_line(
        await planops(core, "import-mspdi", str(tmp_path / "nope.xml"), "--project", "promo"), 2
    )
    assert "file not found" in missing
    endless = one_error_line(
        await planops(core, "import-mspdi", "/dev/zero", "--project", "promo"), 2
    )
    assert "larger than 20 MB" in endless
    assert "is a directory" in one_error_line(
        await planops(core, "export", "promo", "--format", "csv", "-o", str(tmp_path)), 2
    )
    assert "not found" in one_error_line(
        await planops(core, "export", "nope", "--format", "csv", "-o", str(tmp_path / "x.csv")), 1
    )
    assert not (tmp_path / "x.csv").exists()
    one_error_line(
        await planops(core, "export", "promo", "--format", "pdf", "-o", str(tmp_path / "x")), 2
    )


async def test_import_board_previews_then_creates_tasks_people_and_dependencies(
    core: CoreUnderTest, tmp_path: Path
) -> None:
    client = Client(core)
    await person(client, "ana", "Ana Lima")
    await person(client, "wang", "Wang Wei")
    file = Path(__file__).parent.parent / "interop" / "boards" / "asana.csv"

    dry = ok(
        await planops(
            core, "import-board", str(file), "--project", "promo", "--name", "Promo", "--dry-run"
        )
    )
    assert "4 tasks, 2 dependencies, 2 of 3 assignees matched to people, 5 rows refused" in dry
    for row in (
        "Blocked By (Dependencies)",
        "row 5",
        "no title",
        "row 6 'Edit video'",
        "row 7 'Shoot video again'",
        "blocked by '9999'",
        "resource 'Outside crew'",
        "nothing imported",
    ):
        assert row in dry, row
    assert "not found" in one_error_line(await planops(core, "projects", "show", "promo"), 1)

    for _ in range(2):  # the second run finds what the first made and adds nothing
        out = ok(
            await planops(core, "import-board", str(file), "--project", "promo", "--name", "Promo")
        )
        assert "imported 4 tasks and 2 dependencies into projects/promo" in out
    assert "Promo" in ok(await planops(core, "projects", "show", "promo"))
    tasks = {t.title: t for t in await client.list_tasks("promo")}
    assert set(tasks) == {"Write brief", "Pick agency", "Shoot video", "Publish"}
    assert (tasks["Write brief"].assignee, tasks["Write brief"].planned_start) == (
        "people/ana",
        "2026-11-02",
    )
    assert tasks["Write brief"].description == "Brief, one page"
    assert tasks["Pick agency"].assignee == "people/wang"
    assert tasks["Pick agency"].actual_end.ToDatetime().date().isoformat() == "2026-10-15"
    assert tasks["Pick agency"].state != tasks["Write brief"].state
    assert tasks["Publish"].assignee == ""
    assert {t.source for t in tasks.values()} == {task_pb2.TASK_SOURCE_IMPORT}
    assert {(a, b) for a, b, _, _ in await links_of(client, "promo")} == {
        ("Write brief", "Shoot video"),
        ("Shoot video", "Publish"),
    }

    bad = tmp_path / "board.json"
    bad.write_text('{"name": "no cards"}')
    line = one_error_line(await planops(core, "import-board", str(bad), "--project", "promo"), 2)
    assert "not a Trello board export" in line


async def test_import_board_reads_a_gbk_worktile_export_with_finished_work(
    core: CoreUnderTest,
) -> None:
    client = Client(core)
    await person(client, "wang", "王伟")
    file = Path(__file__).parent.parent / "interop" / "boards" / "worktile.csv"

    out = ok(await planops(core, "import-board", str(file), "--project", "plant", "--name", "检修"))
    assert "3 tasks, 0 dependencies, 1 of 2 assignees matched to people, 2 rows refused" in out
    assert "row 4" in out and "resource '赵六'" in out
    tasks = {t.title: t for t in await client.list_tasks("plant")}
    assert set(tasks) == {"停机检修", "更换阀门", "恢复供电"}
    assert tasks["停机检修"].assignee == "people/wang"
    assert tasks["停机检修"].priority == task_pb2.PRIORITY_HIGH
    assert (tasks["恢复供电"].planned_start, tasks["恢复供电"].planned_end) == (
        "2026-03-05",
        "2026-03-06",
    )
    assert tasks["恢复供电"].actual_end.ToDatetime().date().isoformat() == "2026-03-06"
    assert not tasks["停机检修"].HasField("actual_end")
