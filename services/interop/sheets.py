"""A plan's tasks as a spreadsheet: xlsx with real date cells, or CSV that Excel opens."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.interop.plan import Plan, PlanTask

COLUMNS = (
    "task",
    "title",
    "state",
    "assignee",
    "planned start",
    "planned end",
    "due",
    "estimate (h)",
    "priority",
)
LINK_COLUMNS = ("predecessor", "successor", "type", "lag (working days)")
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | float | dt.date | None


def rows(plan: Plan) -> list[tuple[Cell, ...]]:
    """One row per task in COLUMNS' order, dates as dates (empty cells as None)."""
    project = plan.project.removeprefix("projects/")

    def assignee(task: PlanTask) -> str:
        person = plan.person(task.assignee)
        return person.display_name if person else task.assignee.removeprefix("people/")

    return [
        (
            f"{project}/{t.number}",
            t.title,
            t.state,
            assignee(t),
            t.planned_start,
            t.planned_end,
            t.due,
            t.estimate_hours,
            t.priority.value,
        )
        for t in plan.tasks
    ]


def xlsx(plan: Plan) -> bytes:
    """A workbook with a `tasks` sheet and a `dependencies` sheet, headers frozen."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "tasks"
    _fill(sheet, COLUMNS, rows(plan))
    links = book.create_sheet("dependencies")
    project = plan.project.removeprefix("projects/")
    _fill(
        links,
        LINK_COLUMNS,
        [
            (f"{project}/{k.predecessor}", f"{project}/{k.successor}", k.type.value, k.lag_days)
            for k in plan.links
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_xlsx(name: str, header: Sequence[str], body: Sequence[Sequence[Cell]]) -> bytes:
    """One sheet called `name`, in the plan workbook's style (bold frozen header, date cells)."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = name
    _fill(sheet, header, body)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_csv(header: Sequence[str], body: Sequence[Sequence[Cell]]) -> bytes:
    """Any table as CSV the way `csv_bytes` writes the plan: BOM, formulas kept as text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in body:
        writer.writerow(["" if v is None else _text(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _fill(sheet: Worksheet, header: Sequence[str], body: Sequence[Sequence[object]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append([_safe(v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                # openpyxl stores a string that starts with `=` as a formula: a task titled
                # `=HYPERLINK(...)` must stay text when the sheet is opened.
                cell.data_type = "s"
    for index, name in enumerate(header, start=1):
        letter = get_column_letter(index)
        widest = max((len(str(r[index - 1] or "")) for r in body), default=0)
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(len(name), widest, 10) + 2)
        if any(isinstance(r[index - 1], dt.date) for r in body):
            for cell in sheet[letter][1:]:
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    if body:
        sheet.auto_filter.ref = sheet.dimensions


def _safe(text: str) -> str:
    """Without the control characters a worksheet cannot hold (core accepts them in titles)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


def csv_bytes(plan: Plan) -> bytes:
    """The tasks as CSV in UTF-8 with a byte order mark, which Excel needs to read Chinese."""
    return table_csv(COLUMNS, rows(plan))


def _text(value: Cell) -> str:
    if isinstance(value, int | float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value or ""
    # Excel runs a CSV cell that starts like a formula; a leading quote keeps it text (OWASP).
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
