"""A plan as xlsx and CSV: dates are date cells, the header stays in view, Excel reads Chinese."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from services.interop import sheets
from services.interop.plan import Link, Plan, PlanLink, PlanPerson, PlanTask, Priority

PLAN = Plan(
    project="projects/promo",
    title="Promo",
    tasks=(
        PlanTask(
            number=3,
            title="设计海报",
            state="scheduled",
            assignee="people/li-lei",
            planned_start=dt.date(2026, 11, 2),
            planned_end=dt.date(2026, 11, 4),
            due=dt.date(2026, 11, 6),
            estimate_hours=20,
            priority=Priority.HIGH,
        ),
        PlanTask(number=5, title="Print, then ship", state="draft", estimate_hours=6.5),
    ),
    links=(PlanLink(predecessor=3, successor=5, type=Link.SS, lag_days=2),),
    people=(PlanPerson(name="people/li-lei", display_name="李雷"),),
)


def test_xlsx_has_date_cells_a_frozen_header_and_the_dependencies() -> None:
    book = load_workbook(io.BytesIO(sheets.xlsx(PLAN)))
    tasks = book["tasks"]

    assert [c.value for c in tasks[1]] == list(sheets.COLUMNS)
    assert tasks.freeze_panes == "A2"
    first = [c.value for c in tasks[2]]
    assert first[:4] == ["promo/3", "设计海报", "scheduled", "李雷"]
    assert first[4] == dt.datetime(2026, 11, 2)  # a date cell, not text
    assert tasks["E2"].number_format == "yyyy-mm-dd"
    assert first[7:] == [20, "high"]
    assert [c.value for c in tasks[3]][4:7] == [None, None, None]
    assert tasks.column_dimensions["B"].width >= len("Print, then ship")
    links = book["dependencies"]
    assert [c.value for c in links[2]] == ["promo/3", "promo/5", "ss", 2]


def test_csv_starts_with_a_byte_order_mark_and_keeps_chinese_titles() -> None:
    data = sheets.csv_bytes(PLAN)

    assert data.startswith(b"\xef\xbb\xbf")
    found = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert found == [
        list(sheets.COLUMNS),
        [
            "promo/3",
            "设计海报",
            "scheduled",
            "李雷",
            "2026-11-02",
            "2026-11-04",
            "2026-11-06",
            "20",
            "high",
        ],
        ["promo/5", "Print, then ship", "draft", "", "", "", "", "6.5", "medium"],
    ]


HOSTILE = Plan(
    project="projects/promo",
    title="Promo",
    tasks=(
        PlanTask(number=1, title='=HYPERLINK("http://evil.example","open me")'),
        PlanTask(number=2, title="bell\x07 and tab\tinside"),
        PlanTask(number=3, title="@SUM(A1:A2)"),
    ),
)


def test_a_title_like_a_formula_stays_text_and_control_characters_do_not_break_the_file() -> None:
    sheet = load_workbook(io.BytesIO(sheets.xlsx(HOSTILE)))["tasks"]

    assert sheet["B2"].value == '=HYPERLINK("http://evil.example","open me")'
    assert sheet["B2"].data_type == "s"
    assert sheet["B3"].value == "bell and tab\tinside"
    found = list(csv.reader(io.StringIO(sheets.csv_bytes(HOSTILE).decode("utf-8-sig"))))
    assert [row[1] for row in found[1:]] == [
        '\'=HYPERLINK("http://evil.example","open me")',
        "bell\x07 and tab\tinside",
        "'@SUM(A1:A2)",
    ]
