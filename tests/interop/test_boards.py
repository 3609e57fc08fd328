"""Boards from Trello, Asana, Teambition and Worktile read into a preview: tasks, dates, states,
people and dependencies as the tool had them, and every row left out named with why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from services.interop import boards
from services.interop.mspdi import FileTask, Preview
from services.interop.plan import Priority

FILES = Path(__file__).parent / "boards"


def read(name: str) -> Preview:
    return boards.read((FILES / name).read_bytes())


def by_title(preview: Preview) -> dict[str, FileTask]:
    return {t.title: t for t in preview.tasks}


def refused(preview: Preview) -> list[str]:
    return [str(r) for r in preview.refused]


def links(preview: Preview) -> set[tuple[str, str]]:
    titles = {t.uid: t.title for t in preview.tasks}
    return {(titles[k.predecessor], titles[k.successor]) for k in preview.links}


def test_trello_cards_become_tasks_with_dates_members_and_states() -> None:
    preview = read("trello.json")
    assert (preview.source, preview.title) == ("trello", "双十一 Promo board")
    tasks = by_title(preview)
    assert set(tasks) == {"设计海报", "Print flyers", "Book venue"}
    poster = tasks["设计海报"]
    assert (poster.planned_start, poster.planned_end, poster.due) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 4),
        dt.date(2026, 11, 4),
    )
    assert (poster.resource, poster.description, poster.done_at) == ("李雷", "A3 and A1", None)
    assert tasks["Print flyers"].resource == "ana"  # no full name: the username
    assert tasks["Book venue"].done_at == dt.datetime(2026, 10, 20, 10, tzinfo=dt.UTC)
    assert {r.name for r in preview.resources} == {"李雷", "ana"}
    assert refused(preview) == [
        "card 4 'Old banner': an archived (closed) card",
        "card 5 'Radio spot': in the archived list 'Old ideas'",
        "card 6: no title",
        "card 7 'Launch': due date 'next week' is not a date",
    ]
    assert "card 1 '设计海报': 3 checklist items not imported" in preview.notes


def test_asana_csv_rows_with_dependencies_people_and_refusals() -> None:
    preview = read("asana.csv")  # UTF-8 with a byte order mark, as Asana writes it
    assert preview.source == "asana"
    tasks = by_title(preview)
    assert set(tasks) == {"Write brief", "Pick agency", "Shoot video", "Publish"}
    assert tasks["Write brief"].description == "Brief, one page"
    assert tasks["Pick agency"].done_at == dt.datetime(2026, 10, 15, tzinfo=dt.UTC)
    assert tasks["Shoot video"].done_at is None
    assert (tasks["Shoot video"].planned_start, tasks["Shoot video"].planned_end) == (
        dt.date(2026, 11, 4),
        dt.date(2026, 11, 6),
    )
    assert links(preview) == {("Write brief", "Shoot video"), ("Shoot video", "Publish")}
    emails = {r.name: r.email for r in preview.resources}
    assert emails["Ana Lima"] == "ana@example.com"
    assert refused(preview) == [
        "row 5: no title",
        "row 6 'Edit video': due date '2026-11-31' is not a date",
        "row 7 'Shoot video again': a second row with id '1003'",
        "row 8 'Publish' blocked by '9999': no imported task has this id or title",
    ]
    assert ("Blocked By (Dependencies)", "dependencies (finish to start)") in preview.mapping


def test_teambition_csv_with_chinese_headers() -> None:
    preview = read("teambition.csv")
    assert preview.source == "teambition"
    tasks = by_title(preview)
    assert set(tasks) == {"采购物料", "布置会场", "彩排", "复盘"}
    buy = tasks["采购物料"]
    assert (buy.planned_start, buy.due, buy.priority, buy.resource, buy.description) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 3),
        Priority.URGENT,
        "李雷",
        "先问供应商",
    )
    assert tasks["彩排"].done_at is not None and tasks["彩排"].priority == Priority.LOW
    assert tasks["复盘"].due == dt.date(2026, 11, 10)  # 2026年11月10日
    assert links(preview) == {("采购物料", "布置会场")}
    assert refused(preview) == [
        "row 5 '撤场': is due before it starts",
        "row 6 '复盘' blocked by 'tb4': 'tb4' is a refused row, not imported",
    ]
    assert ("执行者", "assignee (matched to a person)") in preview.mapping


def test_worktile_csv_in_gbk_from_chinese_excel() -> None:
    data = (FILES / "worktile.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    preview = boards.read(data)
    assert preview.source == "worktile"
    tasks = by_title(preview)
    assert set(tasks) == {"停机检修", "更换阀门", "恢复供电"}
    assert tasks["停机检修"].priority == Priority.HIGH
    assert tasks["停机检修"].description == "检修前断电"
    assert tasks["恢复供电"].done_at == dt.datetime(2026, 3, 6, tzinfo=dt.UTC)
    assert tasks["更换阀门"].done_at is None
    assert {r.name for r in preview.resources} == {"王伟", "赵六"}
    assert refused(preview) == ["row 4: no title"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"name": "x"}', "without `cards`"),
        (b"{not json", "not JSON"),
        (b"Foo,Bar\n1,2\n", "no title column"),
        (b"", "no header row"),
    ],
)
def test_files_that_are_no_board_fail_in_one_line(data: bytes, message: str) -> None:
    with pytest.raises(boards.BoardError, match=message):
        boards.read(data)


def test_list_names_map_to_state_categories() -> None:
    assert [
        boards.state_of_list(n) for n in ("Done", "完成", "Doing", "In progress", "进行中")
    ] == [
        "done",
        "done",
        "active",
        "active",
        "active",
    ]
    assert boards.state_of_list("Backlog") == "planned"


def test_dependencies_by_title_and_the_ones_that_cannot_be_made() -> None:
    data = ("标题,负责人,前置任务\n甲,,丙\n乙,,甲；甲\n丙,,乙\n丁,,丁\n").encode("gbk")
    preview = boards.read(data)
    assert links(preview) == {("丙", "甲"), ("甲", "乙")}
    assert refused(preview) == [
        "row 3 '乙' blocked by '甲': a duplicate or self dependency",
        "row 5 '丁' blocked by '丁': a duplicate or self dependency",
        "row 4 '丙' blocked by row 3 '乙': closes a cycle of dependencies",
    ]
